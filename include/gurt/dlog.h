/*
 * gurt/dlog.h - the logging core: priorities, facilities and the check that
 * decides, in a load and a compare, whether a message is wanted.
 *
 * A message's flags are (priority or debug bits) | facility id:
 * - priorities DLOG_INFO..DLOG_EMIT sit in bits 24-27, compared by level;
 * - debug bits (DB_* in debug_setup.h) sit in bits 8-23, matched by mask;
 * - the facility (subsystem) id is the low byte.
 *
 * Each facility has a minimum priority (D_LOG_MASK: "ERR", "INFO",
 * "ERR,vos=DEBUG", ...) and, when that is DEBUG, the debug streams it emits
 * (DD_MASK, limited to the facilities DD_SUBSYS names).
 */
#ifndef __GURT_DLOG_H__
#define __GURT_DLOG_H__

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#if defined(__cplusplus)
extern "C" {
#endif

typedef uint64_t d_dbug_t;

/* What each log line carries (d_log_init_adv's flavor). */
#define DLOG_FLV_LOGPID  (1 << 0) /* pid and thread id */
#define DLOG_FLV_FQDN    (1 << 1) /* full host name rather than the short one */
#define DLOG_FLV_FAC     (1 << 2) /* facility name */
#define DLOG_FLV_YEAR    (1 << 3) /* year in the time stamp */
#define DLOG_FLV_TAG     (1 << 4) /* the program's tag */
#define DLOG_FLV_STDOUT  (1 << 5) /* also copy every line to stdout */
#define DLOG_FLV_STDERR  (1 << 6) /* also copy every line to stderr */
#define DLOG_FLV_DEFAULT (DLOG_FLV_FAC | DLOG_FLV_LOGPID | DLOG_FLV_TAG | DLOG_FLV_YEAR)

#define DLOG_STDERR  0x20000000 /* flag: this message also goes to stderr */
#define DLOG_STDOUT  0x10000000 /* flag: this message also goes to stdout */
#define DLOG_PRIMASK 0x0fffff00 /* priority and debug bits */

/* name, short name, long name, value */
#define D_FOREACH_PRIO_MASK(ACTION, arg)                                                           \
	ACTION(DLOG_EMIT, emit, emit, 0x08000000, arg)                                             \
	ACTION(DLOG_EMERG, fatal, fatal, 0x07000000, arg)                                          \
	ACTION(DLOG_ALERT, alert, alert, 0x06000000, arg)                                          \
	ACTION(DLOG_CRIT, crit, crit, 0x05000000, arg)                                             \
	ACTION(DLOG_ERR, err, err, 0x04000000, arg)                                                \
	ACTION(DLOG_WARN, warn, warn, 0x03000000, arg)                                             \
	ACTION(DLOG_NOTE, note, note, 0x02000000, arg)                                             \
	ACTION(DLOG_INFO, info, info, 0x01000000, arg)                                             \
	ACTION(DLOG_DBG, debug, debug, 0x00ffff00, arg)

#define D_NOOP(...)
#define D_PRIO_ENUM(name, id, longid, mask, arg) name = mask,
enum { D_FOREACH_PRIO_MASK(D_PRIO_ENUM, D_NOOP) };

enum d_log_flag_bits {
	D_LOG_SET_AS_DEFAULT = 1U,
};

#define DLOG_PRISHIFT  24
#define DLOG_DPRISHIFT 8
#define DLOG_PRINDMASK 0x0f000000
#define DLOG_FACMASK   0x000000ff
#define DLOG_UNINIT    0x80000000
#define DLOG_PRI(flag) (((flag) & DLOG_PRINDMASK) >> DLOG_PRISHIFT)

#define DD_MASK_ENV     "DD_MASK"
#define DD_MASK_DEFAULT "all"
#define DD_SEP          ","
#define DD_STDERR_ENV   "DD_STDERR"
#define DD_FAC_ENV      "DD_SUBSYS"
#define DD_FAC_ALL      "all"

/* At most this many facilities (the facility id is one byte). */
#define D_LOG_MAX_FAC 256

struct dlog_fac {
	char *fac_aname;  /* short name, as D_LOG_MASK and DD_SUBSYS spell it */
	char *fac_lname;  /* long name */
	int   fac_mask;   /* lowest priority logged; DLOG_DBG allows debug */
	bool  is_enabled; /* named by DD_SUBSYS: may emit debug streams */
	/* Debug bits this facility emits: DD_MASK when is_enabled and fac_mask is DLOG_DBG. */
	int   fac_dbg;
};

struct d_log_xstate {
	char            *tag;
	struct dlog_fac *dlog_facs; /* D_LOG_MAX_FAC entries, valid before d_log_init too */
	char            *nodename;
	int              fac_cnt;
};

struct d_debug_data {
	d_dbug_t dd_mask;     /* debug bits selected by DD_MASK */
	d_dbug_t dd_prio_err; /* lowest priority copied to stderr */
	int      dbg_bit_cnt;
	int      dbg_grp_cnt;
};

extern struct d_log_xstate d_log_xst;
extern struct d_debug_data d_dbglog_data;

/* Give a name to a debug bit (*dbgbit == 0: take the next free one) so DD_MASK can select it. */
int d_log_dbg_bit_alloc(d_dbug_t *dbgbit, char *name, char *lname);
int d_log_dbg_bit_dealloc(char *name);
/* A name for a set of debug bits ("io" = net|io|...), usable in DD_MASK. */
int d_log_dbg_grp_alloc(d_dbug_t dbgmask, char *grpname, uint32_t flags);
int d_log_dbg_grp_dealloc(char *grpname);

/* The flags to log with, or 0 when the message is not wanted. */
static inline int
d_log_check(int flags)
{
	const struct dlog_fac *fac = &d_log_xst.dlog_facs[flags & DLOG_FACMASK];
	int                    lvl = flags & DLOG_PRIMASK;

	if (lvl >= DLOG_INFO)
		return lvl >= fac->fac_mask ? flags : 0;
	return (lvl & fac->fac_dbg) != 0 ? flags : 0;
}

void d_vlog(int flags, const char *fmt, va_list ap);

static inline void d_log(int flags, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void
d_log(int flags, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	d_vlog(flags, fmt, ap);
	va_end(ap);
}

/* Register a facility; returns its id (>= 0) or a negative DER code. Same name, same id. */
int d_log_allocfacility(const char *aname, const char *lname);

/*
 * Open the log from the environment (D_LOG_FILE, D_LOG_MASK, DD_SUBSYS,
 * DD_MASK, ...). Reference-counted: every library may call it; the log closes
 * at the last d_log_fini().
 */
int d_log_init(void);
typedef void (*d_log_id_cb_t)(uint32_t *xs_id, uint64_t *ult_id);
/* d_log_init with explicit tag, file (NULL: D_LOG_FILE or stderr), flavor and masks. */
int d_log_init_adv(char *log_tag, char *log_file, unsigned int flavor, d_dbug_t def_mask,
		   d_dbug_t err_mask, d_log_id_cb_t id_cb);
void d_log_fini(void);
void d_log_close(void);
void d_log_rank_setup(int rank);
/* Re-read D_LOG_MASK, DD_SUBSYS and DD_MASK. */
void d_log_sync_mask(void);
void d_log_sync_mask_ex(const char *log_mask, const char *dd_mask);
int  d_log_open(char *tag, int maxfac_hint, int default_mask, int stderr_mask, char *logfile,
		int flags, d_log_id_cb_t id_cb);
/* Set one facility's minimum priority; returns the previous one. */
int  d_log_setlogmask(int facility, int mask);
/* Apply a D_LOG_MASK-style string ("ERR,vos=DEBUG"); mlen < 0: NUL-terminated. */
int  d_log_setmasks(const char *mstr, int mlen);
/* Print the current masks ("ERR,vos=DEBUG") into buf. */
int  d_log_getmasks(char *buf, int discard, int len, int unterm);
void d_log_add_cache(int *cache, int nr);
/* Flush what is buffered. */
void d_log_sync(void);

#if defined(__cplusplus)
}
#endif

#endif /* __GURT_DLOG_H__ */
