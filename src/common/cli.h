/*
 * common/cli.h - what every command-line tool (dmg, daos, daos_server,
 * rpc_perf, daos_perf) needs to read arguments and print results the way
 * DAOS's tools do, so a DAOS user sees familiar input and output.
 *
 * - Sizes: dcli_parse_size() reads DAOS's size syntax (what dmg's --size and
 *   the server's YAML accept); dcli_format_size() prints them as dmg does.
 * - JSON: struct dcli_json writes one JSON document to a FILE *, indented like
 *   `dmg -j` (2 spaces, "key": value); the writer places commas, newlines and
 *   indentation itself, so callers only say what comes next.
 * - Tables: struct dcli_table collects rows of strings and prints them with
 *   computed column widths under a dashed header, like dmg's tables.
 * - Progress: dcli_progress draws a bar on a terminal, and stays silent when
 *   the stream is not one (logs and pipes get no carriage returns).
 * - Addresses: dcli_parse_hostport() splits "ADDR[:PORT]".
 * - Outcome: struct dcli_outcome keeps what dmg and daos report at the end of
 *   a command: the error line ("ERROR: TOOL: what: DER_X(-n): description"),
 *   DAOS's JSON envelope {"response": ..., "error": ..., "status": ...}, and
 *   the exit status (0, DCLI_EXIT_FAIL, DCLI_EXIT_USAGE for bad arguments).
 *
 * Nothing here logs: every call returns 0 or -DER_* and the tool prints its
 * own message, naming the argument. None of these objects is thread-safe.
 *
 * Caveats:
 * - Sizes follow DAOS (go-humanize): "GB" is 10^9 bytes and "GiB" 2^30;
 *   "1G" is 10^9 as well. Fractions are truncated to whole bytes. Digit group
 *   separators ("1,000") are not accepted.
 * - JSON strings must be UTF-8; an invalid byte is written as \ufffd (the
 *   replacement character) so the document stays valid JSON. Escapes are
 *   those of dmg's encoder: \" \\ \n \r \t, other control characters as
 *   \u00XX; unlike it, < > & are written as they are (RFC 8259 allows both).
 * - Table widths count UTF-8 code points, not display columns: wide (CJK)
 *   characters misalign.
 */
#ifndef __DCOMMON_CLI_H__
#define __DCOMMON_CLI_H__

#include <gurt/common.h>

/* ---- sizes ---- */

/*
 * Parse "N", "N UNIT" (space optional, unit case-insensitive) or "N%".
 *   UNIT: B; K KB M MB G GB T TB P PB E EB (powers of 1000);
 *         Ki KiB Mi MiB Gi GiB Ti TiB Pi PiB Ei EiB (powers of 1024).
 *   N: decimal digits with an optional fraction ("1.5TB", ".5G", "2.").
 *   "N%": N an integer in 1..100; *percent = true and *bytes = N. percent
 *   may be NULL, and then a percentage is -DER_INVAL.
 * Leading and trailing blanks are ignored. -DER_INVAL for an empty string,
 * a sign, an unknown unit, junk, or a value above UINT64_MAX bytes.
 */
int dcli_parse_size(const char *s, uint64_t *bytes, bool *percent);

/*
 * dmg's rendering: decimal units (B, kB, MB, GB, TB, PB, EB), one decimal
 * below 10 and none above, rounded half up: 1058577 -> "1.1 MB",
 * 10^7 -> "10 MB", 999 -> "999 B", 0 -> "0 B". dcli_format_isize() is the
 * binary form (KiB, MiB, ..., as daos prints chunk sizes). Both return
 * buf; a short buffer gets a truncated, still terminated, string.
 */
char *dcli_format_size(uint64_t bytes, char *buf, size_t len);
char *dcli_format_isize(uint64_t bytes, char *buf, size_t len);
#define DCLI_SIZE_STRLEN 16 /* enough for any uint64_t in either form */

/* ---- JSON writer ---- */

#define DCLI_JSON_DEPTH_MAX 32 /* nesting deeper than this is a misuse error */

struct dcli_json {
	FILE    *dj_fp;
	int      dj_depth;                     /* open objects and arrays */
	int      dj_rc;                        /* first error, sticky */
	bool     dj_key_pending;               /* a key was written, its value is next */
	bool     dj_done;                      /* the top-level value is complete */
	bool     dj_is_obj[DCLI_JSON_DEPTH_MAX]; /* object (true) or array, per level */
	uint32_t dj_count[DCLI_JSON_DEPTH_MAX];  /* members written so far, per level */
};

/*
 * One document per writer. Misuse (a value in an object without a key, a key
 * outside an object, an unbalanced end, a second top-level value, nesting
 * deeper than DCLI_JSON_DEPTH_MAX) marks the writer failed with -DER_INVAL
 * and later calls write nothing; a failed write marks it -DER_IO. Check once,
 * with dcli_json_finish(), which also ends the document with a newline.
 */
void dcli_json_init(struct dcli_json *j, FILE *fp);
int  dcli_json_finish(struct dcli_json *j);

void dcli_json_obj_begin(struct dcli_json *j);
void dcli_json_obj_end(struct dcli_json *j);
void dcli_json_arr_begin(struct dcli_json *j);
void dcli_json_arr_end(struct dcli_json *j);
void dcli_json_key(struct dcli_json *j, const char *key);

/* Values. A NULL string is written as null. A non-finite double as null. */
void dcli_json_str(struct dcli_json *j, const char *s);
void dcli_json_int(struct dcli_json *j, int64_t v);
void dcli_json_uint(struct dcli_json *j, uint64_t v);
void dcli_json_double(struct dcli_json *j, double v);
void dcli_json_bool(struct dcli_json *j, bool v);
void dcli_json_null(struct dcli_json *j);

/* Key and value in one call, for the common case of an object member. */
void dcli_json_kstr(struct dcli_json *j, const char *key, const char *s);
void dcli_json_kint(struct dcli_json *j, const char *key, int64_t v);
void dcli_json_kuint(struct dcli_json *j, const char *key, uint64_t v);
void dcli_json_kdouble(struct dcli_json *j, const char *key, double v);
void dcli_json_kbool(struct dcli_json *j, const char *key, bool v);

/* ---- tables ---- */

struct dcli_table {
	uint32_t dt_ncols;
	uint32_t dt_nrows;
	uint32_t dt_cap;    /* rows allocated */
	char   **dt_cells;  /* (1 + dt_nrows) * dt_ncols strings, headers first */
	int      dt_rc;     /* first error, sticky */
};

/* Copies the headers. -DER_INVAL with no column, -DER_NOMEM. */
int  dcli_table_init(struct dcli_table *t, uint32_t ncols, const char *const headers[]);
/* Copies dt_ncols cells; a NULL cell prints as "None" (as dmg does). */
int  dcli_table_add_row(struct dcli_table *t, const char *const cells[]);
/*
 * dmg's layout: every cell padded with spaces to its column's width plus one
 * (the last column too), the header, a line of dashes as long as each header,
 * then the rows. Returns the first error met while building (then prints
 * nothing), or -DER_IO if the stream failed.
 */
int  dcli_table_print(const struct dcli_table *t, FILE *fp);
void dcli_table_fini(struct dcli_table *t);

/* ---- progress ---- */

struct dcli_progress {
	FILE       *dp_fp;
	const char *dp_label;    /* not copied: must outlive the bar */
	bool        dp_tty;      /* draw only on a terminal */
	bool        dp_drawn;    /* something is on the line */
	int         dp_last;     /* last drawn percent, -1 before the first */
	uint64_t    dp_last_ns;  /* when it was drawn */
};

/*
 * "label [#########.........]  45% (450/1000)" redrawn in place, at most
 * every 100 ms or on a change of a whole percent (whichever is later), and
 * always at 100 %. fp NULL means stderr. total 0 means unknown: only the
 * count is shown. end() completes the line; when fp is not a terminal,
 * nothing is ever written.
 */
void dcli_progress_start(struct dcli_progress *p, FILE *fp, const char *label);
void dcli_progress_update(struct dcli_progress *p, uint64_t done, uint64_t total);
void dcli_progress_end(struct dcli_progress *p);

/* ---- addresses ---- */

/*
 * "HOST", "HOST:PORT", "[IPV6]", "[IPV6]:PORT" or a bare IPv6 address (two
 * or more colons, no port). HOST is a dotted IPv4 address or a host name
 * (letters, digits, '-', '.', '_'); it is not resolved. The port is 1..65535
 * in decimal; without one, *port = def_port, and def_port 0 makes the port
 * mandatory. addr receives HOST without brackets. -DER_INVAL for any bad
 * input, including a HOST longer than addrlen - 1.
 */
int dcli_parse_hostport(const char *s, uint16_t def_port, char *addr, size_t addrlen,
			uint16_t *port);

/* A decimal unsigned number, the whole string, no sign. */
bool dcli_parse_u64(const char *s, uint64_t *v);

/* CLOCK_MONOTONIC in nanoseconds, for the benchmarks' timings. */
uint64_t dcli_now_ns(void);
/* Sort n latencies (ns) in place and give their median and 99th percentile in µs. */
void dcli_lat_pcts(uint64_t *lat_ns, uint64_t n, double *p50_us, double *p99_us);

/* ---- the tools' own plumbing ---- */

/*
 * dmg and daos print one error line; the libraries' log messages would only
 * repeat it. They show with debug, or go to D_LOG_FILE when the user names one.
 */
void dcli_log_setup(const char *tool, bool debug);
/* Is command word w name, or its alias (NULL: none)? */
bool dcli_word_is(const char *w, const char *name, const char *alias);

/* ---- a command's outcome ---- */

#define DCLI_EXIT_FAIL  1
#define DCLI_EXIT_USAGE 2

struct dcli_outcome {
	const char *co_tool;      /* "dmg", "daos": starts the error line */
	const char *co_usage;     /* one usage line, printed after a bad argument */
	bool        co_json;      /* -j: the envelope on stdout */
	bool        co_json_done; /* the envelope was written */
	bool        co_bad_arg;   /* the failure is the user's argument */
	int         co_status;    /* the envelope's status: 0, or the failure's -DER_* */
	char        co_err[512];  /* the error line after "ERROR: TOOL: " */
};

/* Record that what failed with rc ("what: DER_X(rc): description"); returns rc. */
int  dcli_fail(struct dcli_outcome *o, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Record a bad argument (no DER name; status -DER_MISC as DAOS's tools); returns -DER_INVAL. */
int  dcli_bad_arg(struct dcli_outcome *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* {"response": ... then the caller writes the response value. */
void dcli_envelope_open(struct dcli_json *j);
/* ..."error": ..., "status": ...}, from o; returns dcli_json_finish()'s result. */
int  dcli_envelope_close(struct dcli_outcome *o, struct dcli_json *j);
/* The whole envelope with a null response. */
void dcli_envelope_null(struct dcli_outcome *o);
/*
 * End of the command that returned rc: with -j, the envelope if none was
 * written; on failure the error line on stderr (a failure no one described
 * gets a generic one) and the usage line after a bad argument. Returns the
 * exit status.
 */
int  dcli_finish(struct dcli_outcome *o, int rc);
/*
 * Call fn(name, value, arg) for each item of a comma-separated list: with
 * pairs, "name:value" items (split at the first ':', so values may hold one;
 * an item without both is a bad argument recorded in o), else plain names
 * (value NULL). Stops at fn's first error and returns it; -DER_NOMEM.
 */
int  dcli_list_foreach(struct dcli_outcome *o, const char *list, bool pairs,
		       int (*fn)(const char *name, const char *value, void *arg), void *arg);
/* getopt_long returned ':' (a missing value) or '?' (unknown flag; optstring
 * starts with ':'): record the bad argument and finish; returns the exit status. */
int  dcli_getopt_fail(struct dcli_outcome *o, int c, char **argv);

#endif /* __DCOMMON_CLI_H__ */
