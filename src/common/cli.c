/*
 * Command-line helpers (cli.h): DAOS's size syntax, dmg's size rendering,
 * JSON writer, tables, progress bar, ADDR[:PORT].
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <time.h>
#include <gurt/dlog.h>
#include <math.h> /* isfinite only: no libm needed */
#include <arpa/inet.h>

#include "cli.h"

/* ---- sizes ---- */

/* Unit prefixes in order; the n-th is 1000^n in "X"/"XB" and 1024^n in "Xi"/"XiB". */
static const char dcli_prefixes[] = "kmgtpe";

/* Fraction digits kept: 10^-19 of the largest unit (2^60) is below one byte. */
#define DCLI_FRAC_DIGITS 19

static int
dcli_unit_mult(const char *u, size_t len, uint64_t *mult)
{
	const char *pfx;
	uint64_t    base;
	uint64_t    m = 1;
	size_t      rest;

	if (len == 0 || (len == 1 && tolower((unsigned char)u[0]) == 'b')) {
		*mult = 1;
		return 0;
	}
	pfx = strchr(dcli_prefixes, tolower((unsigned char)u[0]));
	if (pfx == NULL || *pfx == '\0')
		return -DER_INVAL;
	rest = len - 1;
	u++;
	base = 1000;
	if (rest > 0 && tolower((unsigned char)u[0]) == 'i') {
		base = 1024;
		rest--;
		u++;
	}
	if (rest > 1 || (rest == 1 && tolower((unsigned char)u[0]) != 'b'))
		return -DER_INVAL;
	for (; pfx >= dcli_prefixes; pfx--)
		m *= base;
	*mult = m;
	return 0;
}

static int
dcli_parse_percent(const char *p, const char *end, uint64_t *bytes)
{
	uint64_t v = 0;

	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (p == end || end - p > 3)
		return -DER_INVAL;
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p))
			return -DER_INVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v == 0 || v > 100)
		return -DER_INVAL;
	*bytes = v;
	return 0;
}

int
dcli_parse_size(const char *s, uint64_t *bytes, bool *percent)
{
	const char       *p;
	const char       *end;
	uint64_t          ip     = 0;
	uint64_t          frac   = 0;
	uint64_t          fscale = 1;
	uint64_t          mult;
	unsigned __int128 v;
	int               ndigits = 0;
	int               nfrac   = 0;
	int               rc;

	if (s == NULL || bytes == NULL)
		return -DER_INVAL;
	for (p = s; isspace((unsigned char)*p); p++)
		;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end > p && end[-1] == '%') {
		if (percent == NULL)
			return -DER_INVAL;
		rc = dcli_parse_percent(p, end - 1, bytes);
		if (rc == 0)
			*percent = true;
		return rc;
	}

	for (; p < end && isdigit((unsigned char)*p); p++, ndigits++) {
		uint64_t d = (uint64_t)(*p - '0');

		if (ip > (UINT64_MAX - d) / 10)
			return -DER_INVAL;
		ip = ip * 10 + d;
	}
	if (p < end && *p == '.') {
		for (p++; p < end && isdigit((unsigned char)*p); p++, ndigits++) {
			if (nfrac == DCLI_FRAC_DIGITS)
				continue;
			frac = frac * 10 + (uint64_t)(*p - '0');
			fscale *= 10;
			nfrac++;
		}
	}
	if (ndigits == 0)
		return -DER_INVAL;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (dcli_unit_mult(p, (size_t)(end - p), &mult) != 0)
		return -DER_INVAL;

	v = (unsigned __int128)ip * mult + ((unsigned __int128)frac * mult) / fscale;
	if (v > UINT64_MAX)
		return -DER_INVAL;
	*bytes = (uint64_t)v;
	if (percent != NULL)
		*percent = false;
	return 0;
}

static char *
dcli_format_base(uint64_t bytes, char *buf, size_t len, uint64_t base, const char *const *units)
{
	uint64_t div = 1;
	uint64_t tenths;
	uint64_t whole;
	uint64_t rem;
	int      e = 0;

	if (buf == NULL || len == 0)
		return buf;
	/* Like dmg: small counts are exact, whatever the unit system. */
	if (bytes < 10) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (bytes / div >= base) {
		div *= base;
		e++;
	}
	/* dmg rounds the value to tenths, half up, then prints it with one decimal
	 * below 10 and none from 10 on; that last step rounds an exact .5 to even. */
	tenths = (uint64_t)(((unsigned __int128)bytes * 10 + div / 2) / div);
	whole  = tenths / 10;
	rem    = tenths % 10;
	if (tenths < 100)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " %s", whole, rem, units[e]);
	else
		snprintf(buf, len, "%" PRIu64 " %s",
			 whole + (rem > 5 || (rem == 5 && (whole & 1))), units[e]);
	return buf;
}

char *
dcli_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

	return dcli_format_base(bytes, buf, len, 1000, units);
}

char *
dcli_format_isize(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

	return dcli_format_base(bytes, buf, len, 1024, units);
}

/* ---- JSON writer ---- */

void
dcli_json_init(struct dcli_json *j, FILE *fp)
{
	memset(j, 0, sizeof(*j));
	j->dj_fp = fp;
	if (fp == NULL)
		j->dj_rc = -DER_INVAL;
}

static void
dcli_json_put(struct dcli_json *j, const char *s, size_t len)
{
	if (j->dj_rc == 0 && len > 0 && fwrite(s, 1, len, j->dj_fp) != len)
		j->dj_rc = -DER_IO;
}

static void
dcli_json_puts(struct dcli_json *j, const char *s)
{
	dcli_json_put(j, s, strlen(s));
}

static void
dcli_json_newline(struct dcli_json *j)
{
	static const char spaces[] = "                                ";
	int               n        = j->dj_depth * 2;

	dcli_json_put(j, "\n", 1);
	while (n > 0) {
		int chunk = MIN(n, (int)sizeof(spaces) - 1);

		dcli_json_put(j, spaces, (size_t)chunk);
		n -= chunk;
	}
}

/* Everything a value needs before its first byte: the comma and new line in an
 * array, the check that a key precedes it in an object. False: write nothing. */
static bool
dcli_json_pre_value(struct dcli_json *j)
{
	int top = j->dj_depth - 1;

	if (j->dj_rc != 0)
		return false;
	if (j->dj_depth == 0) {
		if (j->dj_done) {
			j->dj_rc = -DER_INVAL;
			return false;
		}
		return true;
	}
	if (j->dj_is_obj[top]) {
		if (!j->dj_key_pending) {
			j->dj_rc = -DER_INVAL;
			return false;
		}
		j->dj_key_pending = false;
		return true;
	}
	if (j->dj_count[top] > 0)
		dcli_json_put(j, ",", 1);
	dcli_json_newline(j);
	j->dj_count[top]++;
	return j->dj_rc == 0;
}

static void
dcli_json_post_value(struct dcli_json *j)
{
	if (j->dj_depth == 0)
		j->dj_done = true;
}

static void
dcli_json_begin(struct dcli_json *j, bool is_obj)
{
	if (!dcli_json_pre_value(j))
		return;
	if (j->dj_depth == DCLI_JSON_DEPTH_MAX) {
		j->dj_rc = -DER_INVAL;
		return;
	}
	dcli_json_put(j, is_obj ? "{" : "[", 1);
	j->dj_is_obj[j->dj_depth] = is_obj;
	j->dj_count[j->dj_depth]  = 0;
	j->dj_depth++;
}

static void
dcli_json_end(struct dcli_json *j, bool is_obj)
{
	int top = j->dj_depth - 1;

	if (j->dj_rc != 0)
		return;
	if (j->dj_depth == 0 || j->dj_is_obj[top] != is_obj || j->dj_key_pending) {
		j->dj_rc = -DER_INVAL;
		return;
	}
	j->dj_depth--;
	/* Empty containers stay on one line: "{}" and "[]", as dmg prints them. */
	if (j->dj_count[top] > 0)
		dcli_json_newline(j);
	dcli_json_put(j, is_obj ? "}" : "]", 1);
	dcli_json_post_value(j);
}

void
dcli_json_obj_begin(struct dcli_json *j)
{
	dcli_json_begin(j, true);
}

void
dcli_json_obj_end(struct dcli_json *j)
{
	dcli_json_end(j, true);
}

void
dcli_json_arr_begin(struct dcli_json *j)
{
	dcli_json_begin(j, false);
}

void
dcli_json_arr_end(struct dcli_json *j)
{
	dcli_json_end(j, false);
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 if the bytes there are not one. */
static size_t
dcli_utf8_len(const unsigned char *p)
{
	size_t   n;
	size_t   i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n  = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n  = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n  = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	/* A NUL terminator is not a continuation byte, so this never reads past it. */
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void
dcli_json_quoted(struct dcli_json *j, const char *s)
{
	const unsigned char *p   = (const unsigned char *)s;
	const unsigned char *run = p; /* start of bytes to copy as they are */
	char                 esc[8];

	dcli_json_put(j, "\"", 1);
	while (*p != '\0') {
		size_t      n   = dcli_utf8_len(p);
		const char *rep = NULL;

		if (n == 1) {
			switch (*p) {
			case '"':
				rep = "\\\"";
				break;
			case '\\':
				rep = "\\\\";
				break;
			case '\n':
				rep = "\\n";
				break;
			case '\r':
				rep = "\\r";
				break;
			case '\t':
				rep = "\\t";
				break;
			default:
				if (*p < 0x20) {
					snprintf(esc, sizeof(esc), "\\u%04x", *p);
					rep = esc;
				}
			}
		} else if (n == 0) {
			rep = "\\ufffd";
			n   = 1;
		}
		if (rep != NULL) {
			dcli_json_put(j, (const char *)run, (size_t)(p - run));
			dcli_json_puts(j, rep);
			run = p + n;
		}
		p += n;
	}
	dcli_json_put(j, (const char *)run, (size_t)(p - run));
	dcli_json_put(j, "\"", 1);
}

void
dcli_json_key(struct dcli_json *j, const char *key)
{
	int top = j->dj_depth - 1;

	if (j->dj_rc != 0)
		return;
	if (j->dj_depth == 0 || !j->dj_is_obj[top] || j->dj_key_pending || key == NULL) {
		j->dj_rc = -DER_INVAL;
		return;
	}
	if (j->dj_count[top] > 0)
		dcli_json_put(j, ",", 1);
	dcli_json_newline(j);
	dcli_json_quoted(j, key);
	dcli_json_put(j, ": ", 2);
	j->dj_count[top]++;
	j->dj_key_pending = true;
}

/* A scalar whose text needs no escaping. */
static void
dcli_json_raw(struct dcli_json *j, const char *text)
{
	if (!dcli_json_pre_value(j))
		return;
	dcli_json_puts(j, text);
	dcli_json_post_value(j);
}

void
dcli_json_str(struct dcli_json *j, const char *s)
{
	if (s == NULL) {
		dcli_json_raw(j, "null");
		return;
	}
	if (!dcli_json_pre_value(j))
		return;
	dcli_json_quoted(j, s);
	dcli_json_post_value(j);
}

void
dcli_json_int(struct dcli_json *j, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	dcli_json_raw(j, buf);
}

void
dcli_json_uint(struct dcli_json *j, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	dcli_json_raw(j, buf);
}

void
dcli_json_double(struct dcli_json *j, double v)
{
	char buf[32];
	int  prec;

	if (!isfinite(v)) {
		dcli_json_raw(j, "null");
		return;
	}
	/* The shortest form that reads back as the same double. */
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof(buf), "%.17g", v);
	dcli_json_raw(j, buf);
}

void
dcli_json_bool(struct dcli_json *j, bool v)
{
	dcli_json_raw(j, v ? "true" : "false");
}

void
dcli_json_null(struct dcli_json *j)
{
	dcli_json_raw(j, "null");
}

void
dcli_json_kstr(struct dcli_json *j, const char *key, const char *s)
{
	dcli_json_key(j, key);
	dcli_json_str(j, s);
}

void
dcli_json_kint(struct dcli_json *j, const char *key, int64_t v)
{
	dcli_json_key(j, key);
	dcli_json_int(j, v);
}

void
dcli_json_kuint(struct dcli_json *j, const char *key, uint64_t v)
{
	dcli_json_key(j, key);
	dcli_json_uint(j, v);
}

void
dcli_json_kdouble(struct dcli_json *j, const char *key, double v)
{
	dcli_json_key(j, key);
	dcli_json_double(j, v);
}

void
dcli_json_kbool(struct dcli_json *j, const char *key, bool v)
{
	dcli_json_key(j, key);
	dcli_json_bool(j, v);
}

int
dcli_json_finish(struct dcli_json *j)
{
	if (j->dj_rc == 0 && (!j->dj_done || j->dj_depth != 0))
		j->dj_rc = -DER_INVAL;
	dcli_json_put(j, "\n", 1);
	if (j->dj_rc == 0 && (fflush(j->dj_fp) != 0 || ferror(j->dj_fp)))
		j->dj_rc = -DER_IO;
	return j->dj_rc;
}

/* ---- tables ---- */

/* Copy one row of dt_ncols cells into row slot row (0: the headers). */
static int
dcli_table_set_row(struct dcli_table *t, uint32_t row, const char *const cells[])
{
	uint32_t i;

	if (row >= t->dt_cap) {
		uint32_t cap = t->dt_cap == 0 ? 8 : t->dt_cap * 2;
		char   **nc;

		D_REALLOC_ARRAY(nc, t->dt_cells, (size_t)t->dt_cap * t->dt_ncols,
				(size_t)cap * t->dt_ncols);
		if (nc == NULL)
			return -DER_NOMEM;
		t->dt_cells = nc;
		t->dt_cap   = cap;
	}
	for (i = 0; i < t->dt_ncols; i++) {
		const char *c    = cells[i] != NULL ? cells[i] : "None";
		char      **slot = &t->dt_cells[(size_t)row * t->dt_ncols + i];

		D_STRNDUP(*slot, c, strlen(c));
		if (*slot == NULL)
			return -DER_NOMEM;
	}
	return 0;
}

int
dcli_table_init(struct dcli_table *t, uint32_t ncols, const char *const headers[])
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	t->dt_ncols = ncols;
	if (ncols == 0 || headers == NULL)
		t->dt_rc = -DER_INVAL;
	for (i = 0; t->dt_rc == 0 && i < ncols; i++)
		if (headers[i] == NULL)
			t->dt_rc = -DER_INVAL;
	if (t->dt_rc == 0)
		t->dt_rc = dcli_table_set_row(t, 0, headers);
	return t->dt_rc;
}

int
dcli_table_add_row(struct dcli_table *t, const char *const cells[])
{
	if (t->dt_rc != 0)
		return t->dt_rc;
	if (cells == NULL)
		t->dt_rc = -DER_INVAL;
	else
		t->dt_rc = dcli_table_set_row(t, t->dt_nrows + 1, cells);
	if (t->dt_rc == 0)
		t->dt_nrows++;
	return t->dt_rc;
}

/* Width in code points: continuation bytes take no column. */
static size_t
dcli_str_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static int
dcli_pad(FILE *fp, size_t n, char c)
{
	while (n-- > 0)
		if (fputc(c, fp) == EOF)
			return -DER_IO;
	return 0;
}

int
dcli_table_print(const struct dcli_table *t, FILE *fp)
{
	size_t  *width = NULL;
	uint32_t r;
	uint32_t i;
	int      rc = 0;

	if (t->dt_rc != 0)
		return t->dt_rc;
	if (fp == NULL || t->dt_cells == NULL)
		return -DER_INVAL;
	D_ALLOC_ARRAY(width, t->dt_ncols);
	if (width == NULL)
		return -DER_NOMEM;
	for (r = 0; r <= t->dt_nrows; r++)
		for (i = 0; i < t->dt_ncols; i++)
			width[i] = MAX(width[i],
				       dcli_str_width(t->dt_cells[(size_t)r * t->dt_ncols + i]));

	/* Line 1 is the dashes under the headers; r counts it, so rows are shifted. */
	for (r = 0; rc == 0 && r <= t->dt_nrows + 1; r++) {
		for (i = 0; rc == 0 && i < t->dt_ncols; i++) {
			const char *hdr = t->dt_cells[i];
			const char *c;
			size_t      w;

			if (r == 1) {
				w  = dcli_str_width(hdr);
				rc = dcli_pad(fp, w, '-');
			} else {
				c = t->dt_cells[(size_t)(r == 0 ? 0 : r - 1) * t->dt_ncols + i];
				w = dcli_str_width(c);
				if (fputs(c, fp) == EOF)
					rc = -DER_IO;
			}
			if (rc == 0)
				rc = dcli_pad(fp, width[i] - w + 1, ' ');
		}
		if (rc == 0 && fputc('\n', fp) == EOF)
			rc = -DER_IO;
	}
	if (rc == 0 && fflush(fp) != 0)
		rc = -DER_IO;
	D_FREE(width);
	return rc;
}

void
dcli_table_fini(struct dcli_table *t)
{
	size_t n;
	size_t i;

	if (t->dt_cells != NULL) {
		n = (size_t)t->dt_cap * t->dt_ncols;
		for (i = 0; i < n; i++)
			D_FREE(t->dt_cells[i]);
		D_FREE(t->dt_cells);
	}
	t->dt_cap   = 0;
	t->dt_nrows = 0;
}

/* ---- progress ---- */

#define DCLI_PROGRESS_WIDTH    30                /* characters inside the brackets */
#define DCLI_PROGRESS_INTERVAL (100ULL * 1000000) /* ns between redraws */

uint64_t
dcli_now_ns(void)
{
	return d_gettime_ns();
}

void
dcli_progress_start(struct dcli_progress *p, FILE *fp, const char *label)
{
	memset(p, 0, sizeof(*p));
	p->dp_fp    = fp != NULL ? fp : stderr;
	p->dp_label = label != NULL ? label : "";
	p->dp_tty   = isatty(fileno(p->dp_fp)) == 1;
	p->dp_last  = -1;
}

void
dcli_progress_update(struct dcli_progress *p, uint64_t done, uint64_t total)
{
	static const char bar[] = "##############################";
	static const char gap[] = "..............................";
	uint64_t          now;
	int               pct = 0;
	int               fill;

	_Static_assert(sizeof(bar) == DCLI_PROGRESS_WIDTH + 1, "bar width");
	_Static_assert(sizeof(gap) == DCLI_PROGRESS_WIDTH + 1, "gap width");
	if (!p->dp_tty)
		return;
	if (total > 0)
		pct = done >= total ? 100 : (int)((unsigned __int128)done * 100 / total);
	now = dcli_now_ns();
	/* Reaching 100 % is always drawn; otherwise redraw only what changed, and
	 * not faster than a terminal is worth updating. */
	if (p->dp_last >= 0 && !(pct == 100 && p->dp_last != 100)) {
		if (now - p->dp_last_ns < DCLI_PROGRESS_INTERVAL)
			return;
		if (total > 0 && pct == p->dp_last)
			return;
	}
	if (total == 0) {
		fprintf(p->dp_fp, "\r%s %" PRIu64, p->dp_label, done);
	} else {
		fill = pct * DCLI_PROGRESS_WIDTH / 100;
		fprintf(p->dp_fp, "\r%s [%.*s%.*s] %3d%% (%" PRIu64 "/%" PRIu64 ")", p->dp_label,
			fill, bar, DCLI_PROGRESS_WIDTH - fill, gap, pct, done, total);
	}
	fflush(p->dp_fp);
	p->dp_drawn   = true;
	p->dp_last    = pct;
	p->dp_last_ns = now;
}

void
dcli_progress_end(struct dcli_progress *p)
{
	if (p->dp_tty && p->dp_drawn) {
		fputc('\n', p->dp_fp);
		fflush(p->dp_fp);
	}
	p->dp_drawn = false;
}

/* ---- addresses ---- */

static bool
dcli_host_ok(const char *h, size_t len)
{
	struct in_addr a4;
	char           buf[256];
	bool           numeric = true;
	size_t         i;

	if (len == 0 || len >= sizeof(buf) || h[0] == '-' || h[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)h[i];

		if (!isalnum(c) && c != '-' && c != '.' && c != '_')
			return false;
		if (!isdigit(c) && c != '.')
			numeric = false;
	}
	if (!numeric)
		return true;
	/* All digits and dots: it must be an IPv4 address, not a mistyped one. */
	memcpy(buf, h, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &a4) == 1;
}

static bool
dcli_ipv6_ok(const char *h, size_t len)
{
	struct in6_addr a6;
	char            buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, h, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, &a6) == 1;
}

static int
dcli_parse_port(const char *s, uint16_t *port)
{
	uint32_t v = 0;
	size_t   n;

	for (n = 0; s[n] != '\0'; n++) {
		if (!isdigit((unsigned char)s[n]) || n == 5)
			return -DER_INVAL;
		v = v * 10 + (uint32_t)(s[n] - '0');
	}
	if (n == 0 || v == 0 || v > UINT16_MAX)
		return -DER_INVAL;
	*port = (uint16_t)v;
	return 0;
}

int
dcli_parse_hostport(const char *s, uint16_t def_port, char *addr, size_t addrlen,
		    uint16_t *port)
{
	const char *host;
	const char *colon;
	const char *port_str = NULL;
	size_t      hlen;
	uint16_t    pv = def_port;
	bool        ok;

	if (s == NULL || addr == NULL || addrlen == 0 || port == NULL)
		return -DER_INVAL;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL)
			return -DER_INVAL;
		host = s + 1;
		hlen = (size_t)(rb - host);
		if (rb[1] == ':')
			port_str = rb + 2;
		else if (rb[1] != '\0')
			return -DER_INVAL;
		ok = dcli_ipv6_ok(host, hlen);
	} else {
		host  = s;
		colon = strchr(s, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL) {
			hlen = strlen(s);
			ok   = dcli_ipv6_ok(host, hlen);
		} else {
			hlen = colon != NULL ? (size_t)(colon - s) : strlen(s);
			if (colon != NULL)
				port_str = colon + 1;
			ok = dcli_host_ok(host, hlen);
		}
	}
	if (!ok || hlen >= addrlen)
		return -DER_INVAL;
	if (port_str != NULL && dcli_parse_port(port_str, &pv) != 0)
		return -DER_INVAL;
	if (pv == 0)
		return -DER_INVAL;
	memcpy(addr, host, hlen);
	addr[hlen] = '\0';
	*port      = pv;
	return 0;
}

/* ---- timings ---- */

static int
lat_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void
dcli_lat_pcts(uint64_t *lat_ns, uint64_t n, double *p50_us, double *p99_us)
{
	if (n == 0) {
		*p50_us = *p99_us = 0;
		return;
	}
	qsort(lat_ns, n, sizeof(*lat_ns), lat_cmp);
	*p50_us = (double)lat_ns[n / 2] / 1e3;
	*p99_us = (double)lat_ns[MIN(n - 1, n * 99 / 100)] / 1e3;
}

/* ---- the tools' own plumbing ---- */

void
dcli_log_setup(const char *tool, bool debug)
{
	/* (gurt's d_log_init_adv takes a char * it does not modify) */
	if (debug) {
		d_log_init_adv((char *)tool, NULL, DLOG_FLV_DEFAULT, DLOG_DBG, DLOG_ERR, NULL);
		return;
	}
	d_log_init_adv((char *)tool, getenv("D_LOG_FILE") != NULL ? NULL : "/dev/null", DLOG_FLV_DEFAULT,
		       DLOG_ERR, DLOG_EMERG, NULL);
}

bool
dcli_word_is(const char *w, const char *name, const char *alias)
{
	return w != NULL && (strcmp(w, name) == 0 || (alias != NULL && strcmp(w, alias) == 0));
}

/* ---- numbers ---- */

bool
dcli_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*v    = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* ---- a command's outcome ---- */

int
dcli_fail(struct dcli_outcome *o, int rc, const char *fmt, ...)
{
	char    what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(o->co_err, sizeof(o->co_err), "%s: %s(%d): %s", what, d_errstr(rc), rc,
		 d_errdesc(rc));
	o->co_status = rc;
	return rc;
}

int
dcli_bad_arg(struct dcli_outcome *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->co_err, sizeof(o->co_err), fmt, ap);
	va_end(ap);
	/* DAOS's tools report a bad argument as a miscellaneous failure in the envelope */
	o->co_status  = -DER_MISC;
	o->co_bad_arg = true;
	return -DER_INVAL;
}

void
dcli_envelope_open(struct dcli_json *j)
{
	dcli_json_init(j, stdout);
	dcli_json_obj_begin(j);
	dcli_json_key(j, "response");
}

int
dcli_envelope_close(struct dcli_outcome *o, struct dcli_json *j)
{
	dcli_json_key(j, "error");
	if (o->co_status != 0)
		dcli_json_str(j, o->co_err);
	else
		dcli_json_null(j);
	dcli_json_kint(j, "status", o->co_status);
	dcli_json_obj_end(j);
	o->co_json_done = true;
	return dcli_json_finish(j);
}

void
dcli_envelope_null(struct dcli_outcome *o)
{
	struct dcli_json j;

	dcli_envelope_open(&j);
	dcli_json_null(&j);
	dcli_envelope_close(o, &j);
}

int
dcli_finish(struct dcli_outcome *o, int rc)
{
	if (rc == 0 && o->co_status == 0) {
		if (o->co_json && !o->co_json_done)
			dcli_envelope_null(o);
		return 0;
	}
	if (o->co_status == 0) {
		/* a failure no command described: allocation, output, or a library */
		dcli_fail(o, rc, "%s", rc == -DER_NOMEM ? "out of memory"
				     : rc == -DER_IO  ? "cannot print the result"
						      : "command failed");
	}
	if (o->co_json && !o->co_json_done)
		dcli_envelope_null(o);
	fprintf(stderr, "ERROR: %s: %s\n", o->co_tool, o->co_err);
	if (o->co_bad_arg && o->co_usage != NULL)
		fprintf(stderr, "%s\n", o->co_usage);
	return o->co_bad_arg ? DCLI_EXIT_USAGE : DCLI_EXIT_FAIL;
}

int
dcli_getopt_fail(struct dcli_outcome *o, int c, char **argv)
{
	if (c == ':')
		dcli_bad_arg(o, "option %s needs a value", argv[optind - 1]);
	else if (optopt != 0)
		dcli_bad_arg(o, "unknown flag `%c'", optopt);
	else
		dcli_bad_arg(o, "unknown flag `%s'", argv[optind - 1]);
	return dcli_finish(o, -DER_INVAL);
}

int
dcli_list_foreach(struct dcli_outcome *o, const char *list, bool pairs,
		  int (*fn)(const char *name, const char *value, void *arg), void *arg)
{
	char *copy = NULL, *save = NULL, *tok;
	int   rc   = 0;

	D_STRNDUP(copy, list, strlen(list));
	if (copy == NULL)
		return -DER_NOMEM;
	for (tok = strtok_r(copy, ",", &save); tok != NULL && rc == 0;
	     tok = strtok_r(NULL, ",", &save)) {
		char *colon = pairs ? strchr(tok, ':') : NULL;

		if (pairs && (colon == NULL || colon == tok || colon[1] == '\0')) {
			rc = dcli_bad_arg(o, "invalid property \"%s\" (expected name:value)", tok);
			break;
		}
		if (colon != NULL)
			*colon = '\0';
		rc = fn(tok, colon != NULL ? colon + 1 : NULL, arg);
	}
	D_FREE(copy);
	return rc;
}
