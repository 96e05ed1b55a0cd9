/*
 * Logging. The facility table is static, so d_log_check() is safe before
 * d_log_init() and costs no pointer chase beyond d_log_xst. Writing a line
 * takes one mutex; formatting happens before it, into a stack buffer.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <gurt/common.h>

#define D_LOG_LINE_MAX 4096
#define D_LOG_DEFAULT_MASK DLOG_ERR

static struct dlog_fac d_log_facs[D_LOG_MAX_FAC];

struct d_log_xstate d_log_xst = {
    .tag       = NULL,
    .dlog_facs = d_log_facs,
    .nodename  = NULL,
    .fac_cnt   = 0,
};
struct d_debug_data d_dbglog_data = {
    .dd_mask     = DB_ALL,
    .dd_prio_err = DLOG_EMERG,
};

void (*d_alt_assert)(const int, const char *, const char *, const int);

/* gurt's facilities; misc must be id 0, the default D_LOGFAC. */
#define D_GURT_INSTANTIATE_FAC(s_name, l_name, arg) int DD_GURT_FAC(s_name);
D_FOREACH_GURT_FAC(D_GURT_INSTANTIATE_FAC, D_NOOP)

/* Named debug bits and groups beyond the fixed DB_* ones. */
struct d_log_dbg_name {
	char    *dn_name;
	d_dbug_t dn_mask;
	bool     dn_group;
};
#define D_LOG_MAX_DBG_NAMES 32
static struct d_log_dbg_name d_log_dbg_names[D_LOG_MAX_DBG_NAMES];

static pthread_mutex_t d_log_lock = PTHREAD_MUTEX_INITIALIZER;
static int             d_log_refcount;
static FILE           *d_log_stream;     /* NULL: stderr */
static char           *d_log_path;
static uint64_t        d_log_max_size;   /* 0: unlimited */
static uint64_t        d_log_written;
static int             d_log_flush_prio = DLOG_WARN;
static unsigned int    d_log_flavor     = DLOG_FLV_DEFAULT;
static int             d_log_rank       = -1;
static d_log_id_cb_t   d_log_id_cb;

/* All facilities start at the default priority, so errors print before init. */
static void __attribute__((constructor))
d_log_static_init(void)
{
	int i;

	for (i = 0; i < D_LOG_MAX_FAC; i++)
		d_log_facs[i].fac_mask = D_LOG_DEFAULT_MASK;
	d_log_allocfacility("misc", "miscellaneous");
	d_init_log_facility(&DD_GURT_FAC(mem), "mem", "memory");
	d_init_log_facility(&DD_GURT_FAC(swim), "swim", "swim");
	d_init_log_facility(&DD_GURT_FAC(fi), "fi", "fault_injection");
	d_init_log_facility(&DD_GURT_FAC(telem), "telem", "telemetry");
}

static const struct {
	const char *name;
	int         prio;
} d_log_prios[] = {
#define D_PRIO_NAME(name, id, longid, mask, arg) {#id, mask},
    D_FOREACH_PRIO_MASK(D_PRIO_NAME, D_NOOP)
    /* Spellings DAOS users type besides the short names. */
    {"error", DLOG_ERR},
    {"warning", DLOG_WARN},
    {"dbg", DLOG_DBG},
    {"emerg", DLOG_EMERG},
};

static const struct {
	const char *name;
	int         mask;
} d_log_fixed_dbg[] = {
#define D_DB_NAME(flag, s_name, l_name, mask, arg) {#s_name, mask}, {#l_name, mask},
    D_FOREACH_GURT_DB(D_DB_NAME, D_NOOP)
};

/* Priority named by s[0..len), case-insensitive; -1 if unknown. */
static int
d_log_prio_parse(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(d_log_prios); i++)
		if (strlen(d_log_prios[i].name) == len && strncasecmp(s, d_log_prios[i].name, len) == 0)
			return d_log_prios[i].prio;
	return -1;
}

static const char *
d_log_prio_name(int lvl)
{
	size_t i;

	if (lvl < DLOG_INFO)
		return "DBUG";
	for (i = 0; i < ARRAY_SIZE(d_log_prios); i++)
		if (d_log_prios[i].prio == lvl) {
			static const char *const upper[] = {"EMIT", "EMRG", "ALRT", "CRIT",
							    "ERR ", "WARN", "NOTE", "INFO"};
			return upper[i];
		}
	return "????";
}

static int
d_log_fac_find(const char *name, size_t len)
{
	int i;

	for (i = 0; i < d_log_xst.fac_cnt; i++)
		if (strlen(d_log_facs[i].fac_aname) == len &&
		    strncasecmp(d_log_facs[i].fac_aname, name, len) == 0)
			return i;
	for (i = 0; i < d_log_xst.fac_cnt; i++)
		if (d_log_facs[i].fac_lname != NULL && strlen(d_log_facs[i].fac_lname) == len &&
		    strncasecmp(d_log_facs[i].fac_lname, name, len) == 0)
			return i;
	return -1;
}

/* Recompute every facility's debug-bit mask from its priority and DD_SUBSYS state. */
static void
d_log_refresh_dbg(void)
{
	int i;

	for (i = 0; i < D_LOG_MAX_FAC; i++) {
		struct dlog_fac *f = &d_log_facs[i];

		f->fac_dbg = (f->fac_mask <= DLOG_DBG && f->is_enabled) ? (int)d_dbglog_data.dd_mask
									 : 0;
	}
}

int
d_log_allocfacility(const char *aname, const char *lname)
{
	int id;

	if (aname == NULL || *aname == '\0')
		return -DER_INVAL;
	pthread_mutex_lock(&d_log_lock);
	id = d_log_fac_find(aname, strlen(aname));
	if (id >= 0)
		goto out;
	if (d_log_xst.fac_cnt >= D_LOG_MAX_FAC) {
		id = -DER_NOSPACE;
		goto out;
	}
	id                       = d_log_xst.fac_cnt;
	d_log_facs[id].fac_aname = strdup(aname);
	d_log_facs[id].fac_lname = lname != NULL ? strdup(lname) : NULL;
	if (d_log_facs[id].fac_aname == NULL) {
		id = -DER_NOMEM;
		goto out;
	}
	/* A facility registered late takes the mask of facility 0, like its siblings. */
	d_log_facs[id].fac_mask   = id == 0 ? D_LOG_DEFAULT_MASK : d_log_facs[0].fac_mask;
	d_log_facs[id].is_enabled = id == 0 ? true : d_log_facs[0].is_enabled;
	d_log_xst.fac_cnt++;
	d_log_refresh_dbg();
out:
	pthread_mutex_unlock(&d_log_lock);
	return id;
}

int
d_init_log_facility(int *fac, const char *aname, const char *lname)
{
	int id = d_log_allocfacility(aname, lname);

	if (id < 0)
		return id;
	*fac = id;
	return 0;
}

int
d_log_setlogmask(int facility, int mask)
{
	int old;

	if (facility < 0 || facility >= D_LOG_MAX_FAC)
		return -DER_INVAL;
	old                          = d_log_facs[facility].fac_mask;
	d_log_facs[facility].fac_mask = mask;
	d_log_refresh_dbg();
	return old;
}

/*
 * "PRIO" sets every facility; "fac=PRIO" one of them; items are separated by
 * commas and applied left to right. Unknown names are reported and skipped.
 */
int
d_log_setmasks(const char *mstr, int mlen)
{
	const char *p;
	const char *end;
	int         rc = 0;

	if (mstr == NULL)
		return -DER_INVAL;
	end = mstr + (mlen < 0 ? (int)strlen(mstr) : mlen);
	for (p = mstr; p < end;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma != NULL ? comma : end;
		const char *eq       = memchr(p, '=', (size_t)(item_end - p));
		int         prio;
		int         i;

		if (eq == NULL) {
			prio = d_log_prio_parse(p, (size_t)(item_end - p));
			if (prio < 0) {
				fprintf(stderr, "log: unknown priority '%.*s' in log mask\n",
					(int)(item_end - p), p);
				rc = -DER_INVAL;
			} else {
				for (i = 0; i < D_LOG_MAX_FAC; i++)
					d_log_facs[i].fac_mask = prio;
			}
		} else {
			int fac = d_log_fac_find(p, (size_t)(eq - p));

			prio = d_log_prio_parse(eq + 1, (size_t)(item_end - eq - 1));
			if (fac < 0 || prio < 0) {
				fprintf(stderr, "log: bad item '%.*s' in log mask\n",
					(int)(item_end - p), p);
				rc = -DER_INVAL;
			} else {
				d_log_facs[fac].fac_mask = prio;
			}
		}
		p = item_end + 1;
	}
	d_log_refresh_dbg();
	return rc;
}

int
d_log_getmasks(char *buf, int discard, int len, int unterm)
{
	int n = 0;
	int i;

	if (buf == NULL || len <= 0)
		return -DER_INVAL;
	(void)discard;
	for (i = 0; i < d_log_xst.fac_cnt && n < len; i++)
		n += snprintf(buf + n, (size_t)(len - n), "%s%s=%s", i ? "," : "",
			      d_log_facs[i].fac_aname, d_log_prio_name(d_log_facs[i].fac_mask));
	if (n >= len)
		n = len - 1;
	if (!unterm)
		buf[n] = '\0';
	return n;
}

/* DD_SUBSYS: which facilities may emit debug streams ("all" or a list). */
static void
d_log_apply_subsys(const char *subsys)
{
	const char *p;
	int         i;

	for (i = 0; i < D_LOG_MAX_FAC; i++)
		d_log_facs[i].is_enabled = subsys == NULL || strcasecmp(subsys, DD_FAC_ALL) == 0;
	if (subsys == NULL || strcasecmp(subsys, DD_FAC_ALL) == 0)
		return;
	for (p = subsys; *p != '\0';) {
		size_t len = strcspn(p, ",");
		int    fac = d_log_fac_find(p, len);

		if (fac >= 0)
			d_log_facs[fac].is_enabled = true;
		else if (len > 0)
			fprintf(stderr, "log: unknown facility '%.*s' in DD_SUBSYS\n", (int)len, p);
		p += len + (p[len] == ',');
	}
}

/* DD_MASK: which debug streams ("all", or a list of stream and group names). */
static void
d_log_apply_dd_mask(const char *dd)
{
	d_dbug_t    mask = 0;
	const char *p;
	size_t      i;

	if (dd == NULL || strcasecmp(dd, DD_MASK_DEFAULT) == 0) {
		d_dbglog_data.dd_mask = DB_ALL;
		return;
	}
	for (p = dd; *p != '\0';) {
		size_t len   = strcspn(p, ",");
		bool   found = false;

		for (i = 0; i < ARRAY_SIZE(d_log_fixed_dbg) && !found; i++)
			if (strlen(d_log_fixed_dbg[i].name) == len &&
			    strncasecmp(p, d_log_fixed_dbg[i].name, len) == 0) {
				mask |= (d_dbug_t)d_log_fixed_dbg[i].mask;
				found = true;
			}
		for (i = 0; i < D_LOG_MAX_DBG_NAMES && !found; i++)
			if (d_log_dbg_names[i].dn_name != NULL &&
			    strlen(d_log_dbg_names[i].dn_name) == len &&
			    strncasecmp(p, d_log_dbg_names[i].dn_name, len) == 0) {
				mask |= d_log_dbg_names[i].dn_mask;
				found = true;
			}
		if (!found && len > 0)
			fprintf(stderr, "log: unknown debug stream '%.*s' in DD_MASK\n", (int)len, p);
		p += len + (p[len] == ',');
	}
	d_dbglog_data.dd_mask = mask;
}

void
d_log_sync_mask_ex(const char *log_mask, const char *dd_mask)
{
	char *subsys = getenv(DD_FAC_ENV);

	pthread_mutex_lock(&d_log_lock);
	d_log_apply_subsys(subsys);
	d_log_apply_dd_mask(dd_mask);
	pthread_mutex_unlock(&d_log_lock);
	if (log_mask != NULL)
		d_log_setmasks(log_mask, -1);
	else
		d_log_refresh_dbg();
}

void
d_log_sync_mask(void)
{
	d_log_sync_mask_ex(getenv(D_LOG_MASK_ENV), getenv(DD_MASK_ENV));
}

int
d_log_dbg_bit_alloc(d_dbug_t *dbgbit, char *name, char *lname)
{
	d_dbug_t used = 0;
	d_dbug_t bit;
	int      i;
	int      slot = -1;

	(void)lname;
	if (dbgbit == NULL || name == NULL)
		return -DER_INVAL;
	pthread_mutex_lock(&d_log_lock);
	for (i = 0; i < D_LOG_MAX_DBG_NAMES; i++) {
		if (d_log_dbg_names[i].dn_name == NULL) {
			if (slot < 0)
				slot = i;
			continue;
		}
		if (strcmp(d_log_dbg_names[i].dn_name, name) == 0) {
			*dbgbit = d_log_dbg_names[i].dn_mask;
			pthread_mutex_unlock(&d_log_lock);
			return 0;
		}
		if (!d_log_dbg_names[i].dn_group)
			used |= d_log_dbg_names[i].dn_mask;
	}
	bit = *dbgbit;
	if (bit == 0)
		for (bit = D_DB_FIRST_FREE; bit & DB_ALL && (bit & used); bit <<= 1)
			;
	if (slot < 0 || (bit & DB_ALL) == 0) {
		pthread_mutex_unlock(&d_log_lock);
		return -DER_NOSPACE;
	}
	d_log_dbg_names[slot].dn_name  = strdup(name);
	d_log_dbg_names[slot].dn_mask  = bit;
	d_log_dbg_names[slot].dn_group = false;
	d_dbglog_data.dbg_bit_cnt++;
	*dbgbit = bit;
	pthread_mutex_unlock(&d_log_lock);
	return 0;
}

static int
d_log_dbg_name_dealloc(const char *name, bool group)
{
	int i;

	if (name == NULL)
		return -DER_INVAL;
	pthread_mutex_lock(&d_log_lock);
	for (i = 0; i < D_LOG_MAX_DBG_NAMES; i++) {
		if (d_log_dbg_names[i].dn_name != NULL && d_log_dbg_names[i].dn_group == group &&
		    strcmp(d_log_dbg_names[i].dn_name, name) == 0) {
			free(d_log_dbg_names[i].dn_name);
			d_log_dbg_names[i].dn_name = NULL;
			if (group)
				d_dbglog_data.dbg_grp_cnt--;
			else
				d_dbglog_data.dbg_bit_cnt--;
			pthread_mutex_unlock(&d_log_lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&d_log_lock);
	return -DER_NONEXIST;
}

int
d_log_dbg_bit_dealloc(char *name)
{
	return d_log_dbg_name_dealloc(name, false);
}

int
d_log_dbg_grp_alloc(d_dbug_t dbgmask, char *grpname, uint32_t flags)
{
	int i;

	if (grpname == NULL)
		return -DER_INVAL;
	pthread_mutex_lock(&d_log_lock);
	for (i = 0; i < D_LOG_MAX_DBG_NAMES; i++) {
		if (d_log_dbg_names[i].dn_name == NULL) {
			d_log_dbg_names[i].dn_name  = strdup(grpname);
			d_log_dbg_names[i].dn_mask  = dbgmask;
			d_log_dbg_names[i].dn_group = true;
			d_dbglog_data.dbg_grp_cnt++;
			break;
		}
	}
	pthread_mutex_unlock(&d_log_lock);
	if (i == D_LOG_MAX_DBG_NAMES)
		return -DER_NOSPACE;
	/* As DAOS does: a group flagged default becomes the active debug mask. */
	if (flags & D_LOG_SET_AS_DEFAULT)
		d_log_sync_mask_ex(NULL, grpname);
	return 0;
}

int
d_log_dbg_grp_dealloc(char *grpname)
{
	return d_log_dbg_name_dealloc(grpname, true);
}

/* Move a full log file aside (one generation, "<file>.old") and start afresh. */
static void
d_log_rotate(void)
{
	char old[PATH_MAX];
	FILE *f;

	if (d_log_path == NULL || d_log_stream == NULL)
		return;
	snprintf(old, sizeof(old), "%s.old", d_log_path);
	fclose(d_log_stream);
	rename(d_log_path, old);
	f = fopen(d_log_path, "w");
	d_log_stream  = f;
	d_log_written = 0;
}

void
d_vlog(int flags, const char *fmt, va_list ap)
{
	char            line[D_LOG_LINE_MAX];
	struct timeval  tv;
	struct tm       tm;
	const char     *fac;
	FILE           *out;
	int             lvl = flags & DLOG_PRIMASK;
	int             n;
	int             saved_errno = errno;
	uint32_t        xs   = 0;
	uint64_t        ult  = 0;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	fac = d_log_facs[flags & DLOG_FACMASK].fac_aname;
	if (d_log_id_cb != NULL)
		d_log_id_cb(&xs, &ult);
	n = snprintf(line, sizeof(line), "%02d/%02d%s%.0d-%02d:%02d:%02d.%06ld %s %s[%d/%ld/%u] %-5s %s ",
		     tm.tm_mon + 1, tm.tm_mday, (d_log_flavor & DLOG_FLV_YEAR) ? "/" : "",
		     (d_log_flavor & DLOG_FLV_YEAR) ? tm.tm_year + 1900 : 0, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, (long)tv.tv_usec, d_log_xst.nodename ? d_log_xst.nodename : "-",
		     d_log_xst.tag ? d_log_xst.tag : "gurt", (int)getpid(),
		     (long)syscall(SYS_gettid), xs, fac ? fac : "?", d_log_prio_name(lvl));
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	if (n > 0 && line[n - 1] != '\n') {
		if ((size_t)n == sizeof(line) - 1)
			n--;
		line[n++] = '\n';
		line[n]   = '\0';
	}

	pthread_mutex_lock(&d_log_lock);
	out = d_log_stream != NULL ? d_log_stream : stderr;
	fwrite(line, 1, (size_t)n, out);
	d_log_written += (uint64_t)n;
	if (lvl >= d_log_flush_prio || out == stderr)
		fflush(out);
	/* Severe messages also reach the terminal when the log goes to a file. */
	if (out != stderr && (lvl >= (int)d_dbglog_data.dd_prio_err || (flags & DLOG_STDERR) ||
			      (d_log_flavor & DLOG_FLV_STDERR)))
		fwrite(line, 1, (size_t)n, stderr);
	if ((flags & DLOG_STDOUT) || (d_log_flavor & DLOG_FLV_STDOUT))
		fwrite(line, 1, (size_t)n, stdout);
	if (d_log_max_size != 0 && d_log_written >= d_log_max_size)
		d_log_rotate();
	pthread_mutex_unlock(&d_log_lock);
	errno = saved_errno;
}

void
d_log_sync(void)
{
	pthread_mutex_lock(&d_log_lock);
	if (d_log_stream != NULL)
		fflush(d_log_stream);
	fflush(stderr);
	pthread_mutex_unlock(&d_log_lock);
}

void
d_log_add_cache(int *cache, int nr)
{
	/* Our check reads the facility table directly; there are no caches to reset. */
	(void)cache;
	(void)nr;
}

void
d_log_rank_setup(int rank)
{
	d_log_rank = rank;
}

/* Size with an optional k/m/g suffix ("1g"); 0 if unset or unreadable. */
static uint64_t
d_log_env_size(const char *name)
{
	char    *env = getenv(name);
	char    *end;
	uint64_t v;

	if (env == NULL)
		return 0;
	v = strtoull(env, &end, 0);
	switch (*end) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	case 'g': case 'G': v <<= 30; break;
	default: break;
	}
	return v;
}

static int
d_log_open_file(const char *path)
{
	char  buf[PATH_MAX];
	bool  append_pid = false;
	bool  truncate   = false;
	FILE *f;

	d_getenv_bool(D_LOG_FILE_APPEND_PID_ENV, &append_pid);
	d_getenv_bool(D_LOG_TRUNCATE_ENV, &truncate);
	if (append_pid)
		snprintf(buf, sizeof(buf), "%s.%d", path, (int)getpid());
	else if (d_log_rank >= 0 && d_isenv_def(D_LOG_FILE_APPEND_RANK_ENV))
		snprintf(buf, sizeof(buf), "%s.rank=%d", path, d_log_rank);
	else
		snprintf(buf, sizeof(buf), "%s", path);
	f = fopen(buf, truncate ? "w" : "a");
	if (f == NULL) {
		fprintf(stderr, "log: cannot open log file '%s': %s; logging to stderr\n", buf,
			strerror(errno));
		return d_errno2der(errno);
	}
	d_log_stream  = f;
	d_log_path    = strdup(buf);
	d_log_written = 0;
	return 0;
}

int
d_log_open(char *tag, int maxfac_hint, int default_mask, int stderr_mask, char *logfile,
	   int flags, d_log_id_cb_t id_cb)
{
	struct utsname un;
	int            i;
	int            rc = 0;

	(void)maxfac_hint;
	pthread_mutex_lock(&d_log_lock);
	d_log_flavor             = (unsigned int)flags;
	d_log_id_cb              = id_cb;
	d_dbglog_data.dd_prio_err = (d_dbug_t)stderr_mask;
	free(d_log_xst.tag);
	d_log_xst.tag = strdup(tag != NULL ? tag : "gurt");
	if (d_log_xst.nodename == NULL && uname(&un) == 0) {
		char *dot = (flags & DLOG_FLV_FQDN) ? NULL : strchr(un.nodename, '.');

		if (dot != NULL)
			*dot = '\0';
		d_log_xst.nodename = strdup(un.nodename);
	}
	for (i = 0; i < D_LOG_MAX_FAC; i++)
		d_log_facs[i].fac_mask = default_mask;
	if (logfile != NULL && *logfile != '\0')
		rc = d_log_open_file(logfile);
	pthread_mutex_unlock(&d_log_lock);
	return rc;
}

int
d_log_init_adv(char *log_tag, char *log_file, unsigned int flavor, d_dbug_t def_mask,
	       d_dbug_t err_mask, d_log_id_cb_t id_cb)
{
	char        *env_file;
	char        *flush;
	int          prio;
	bool         first;

	pthread_mutex_lock(&d_log_lock);
	first = d_log_refcount++ == 0;
	pthread_mutex_unlock(&d_log_lock);
	if (!first)
		return 0;

	env_file = getenv(D_LOG_FILE_ENV);
	if (log_file == NULL)
		log_file = env_file;
	d_log_max_size = d_log_env_size(D_LOG_SIZE_ENV);
	flush          = getenv(D_LOG_FLUSH_ENV);
	if (flush != NULL && (prio = d_log_prio_parse(flush, strlen(flush))) >= 0)
		d_log_flush_prio = prio;
	/* A failed log file is not fatal: the messages still reach stderr. */
	d_log_open(log_tag, 0, (int)def_mask, (int)err_mask, log_file, (int)flavor, id_cb);
	d_log_sync_mask();
	return 0;
}

int
d_log_init(void)
{
	return d_log_init_adv("gurt", NULL, DLOG_FLV_DEFAULT, D_LOG_DEFAULT_MASK, DLOG_EMERG, NULL);
}

void
d_log_close(void)
{
	pthread_mutex_lock(&d_log_lock);
	if (d_log_stream != NULL)
		fclose(d_log_stream);
	d_log_stream = NULL;
	free(d_log_path);
	d_log_path = NULL;
	free(d_log_xst.tag);
	d_log_xst.tag = NULL;
	free(d_log_xst.nodename);
	d_log_xst.nodename = NULL;
	pthread_mutex_unlock(&d_log_lock);
}

void
d_log_fini(void)
{
	int i;

	pthread_mutex_lock(&d_log_lock);
	if (d_log_refcount == 0 || --d_log_refcount > 0) {
		pthread_mutex_unlock(&d_log_lock);
		return;
	}
	pthread_mutex_unlock(&d_log_lock);
	d_log_close();
	/* Back to the pre-init state: errors to stderr. */
	for (i = 0; i < D_LOG_MAX_FAC; i++) {
		d_log_facs[i].fac_mask   = D_LOG_DEFAULT_MASK;
		d_log_facs[i].is_enabled = true;
	}
	d_dbglog_data.dd_mask = DB_ALL;
	d_log_refresh_dbg();
}
