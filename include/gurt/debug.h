/*
 * gurt/debug.h - logging macros and assertions.
 *
 *     D_ERROR("open %s failed: " DF_RC "\n", path, DP_RC(rc));
 *     D_DEBUG(DB_IO, "wrote %zu bytes\n", len);
 *
 * A disabled message costs a load, a compare and a branch; its arguments are
 * not evaluated. Messages go to D_LOG_FILE (default stderr) as
 *     "11/24-12:40:52.123456 host tag[pid/tid] fac PRIO file:line func() text".
 * Before d_log_init() errors and worse still reach stderr.
 */
#ifndef __GURT_DEBUG_H__
#define __GURT_DEBUG_H__

#include <stdio.h>
#include <stddef.h>
#include <assert.h>
#include <gurt/debug_setup.h>
#include <daos_errno.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* gurt's own facilities. */
#define D_FOREACH_GURT_FAC(ACTION, arg)                                                            \
	ACTION(misc, misc, arg)                                                                    \
	ACTION(mem, mem, arg)                                                                      \
	ACTION(swim, swim, arg)                                                                    \
	ACTION(fi, fi, arg)                                                                        \
	ACTION(telem, telem, arg)

#define D_GURT_DECLARE_FAC(s_name, l_name, arg) extern int DD_GURT_FAC(s_name);
D_FOREACH_GURT_FAC(D_GURT_DECLARE_FAC, D_NOOP)

/* Called on a failed assertion before abort, when set (test harnesses). */
extern void (*d_alt_assert)(const int, const char *, const char *, const int);

#define DB_ALL_BITS "all"

#define D_LOG_FILE_ENV             "D_LOG_FILE"
#define D_LOG_SIZE_ENV             "D_LOG_SIZE"
#define D_LOG_MASK_ENV             "D_LOG_MASK"
#define D_LOG_FILE_APPEND_PID_ENV  "D_LOG_FILE_APPEND_PID"
#define D_LOG_FILE_APPEND_RANK_ENV "D_LOG_FILE_APPEND_RANK"
#define D_LOG_TRUNCATE_ENV         "D_LOG_TRUNCATE"
#define D_LOG_FLUSH_ENV            "D_LOG_FLUSH"
#define D_LOG_STDERR_IN_LOG_ENV    "D_LOG_STDERR_IN_LOG"

#define _D_LOG_NOCHECK(mask, fmt, ...)                                                             \
	d_log(mask, "%s:%d %s() " fmt, __FILE__, __LINE__, __func__, ##__VA_ARGS__)
#define _D_TRACE_NOCHECK(mask, ptr, fmt, ...)                                                      \
	d_log(mask, "%s:%d %s(%p) " fmt, __FILE__, __LINE__, __func__, (void *)(ptr), ##__VA_ARGS__)

#define _D_DEBUG(func, flag, ...)                                                                  \
	do {                                                                                       \
		int __flags = d_log_check((int)(flag) | D_LOGFAC);                                 \
		if (__builtin_expect(__flags != 0, 0))                                             \
			func(__flags, ##__VA_ARGS__);                                              \
	} while (0)

#define D_LOG_ENABLED(flag) (d_log_check((int)(flag) | D_LOGFAC) != 0)

#define D_DEBUG(flag, fmt, ...)            _D_DEBUG(_D_LOG_NOCHECK, flag, fmt, ##__VA_ARGS__)
#define D_TRACE_DEBUG(flag, ptr, fmt, ...) _D_DEBUG(_D_TRACE_NOCHECK, flag, ptr, fmt, ##__VA_ARGS__)

#define D_CDEBUG(cond, flag_true, flag_false, ...)                                                 \
	do {                                                                                       \
		if (cond)                                                                          \
			D_DEBUG(flag_true, __VA_ARGS__);                                           \
		else                                                                               \
			D_DEBUG(flag_false, __VA_ARGS__);                                          \
	} while (0)

#define DL_CDEBUG(cond, flag_true, flag_false, _rc, _fmt, ...)                                     \
	do {                                                                                       \
		if (cond)                                                                          \
			D_DEBUG(flag_true, _fmt ": " DF_RC "\n", ##__VA_ARGS__, DP_RC(_rc));       \
		else                                                                               \
			D_DEBUG(flag_false, _fmt ": " DF_RC "\n", ##__VA_ARGS__, DP_RC(_rc));      \
	} while (0)

#define D_TRACE_UP(flag, ptr, parent, type)                                                        \
	D_TRACE_DEBUG(flag, ptr, "Registered new '%s' from %p\n", type, (void *)(parent))
#define D_TRACE_DOWN(flag, ptr)       D_TRACE_DEBUG(flag, ptr, "Deregistered\n")
#define D_TRACE_ROOT(flag, ptr, type) D_TRACE_DEBUG(flag, ptr, "Registered new '%s' as root\n", type)

#define D_INFO(fmt, ...)  D_DEBUG(DLOG_INFO, fmt, ##__VA_ARGS__)
#define D_NOTE(fmt, ...)  D_DEBUG(DLOG_NOTE, fmt, ##__VA_ARGS__)
#define D_WARN(fmt, ...)  D_DEBUG(DLOG_WARN, fmt, ##__VA_ARGS__)
#define D_ERROR(fmt, ...) D_DEBUG(DLOG_ERR, fmt, ##__VA_ARGS__)
#define D_ALERT(fmt, ...) D_DEBUG(DLOG_ALERT, fmt, ##__VA_ARGS__)
#define D_CRIT(fmt, ...)  D_DEBUG(DLOG_CRIT, fmt, ##__VA_ARGS__)
#define D_FATAL(fmt, ...) D_DEBUG(DLOG_EMERG, fmt, ##__VA_ARGS__)
#define D_EMIT(fmt, ...)  D_DEBUG(DLOG_EMIT, fmt, ##__VA_ARGS__)

#define D_TRACE_INFO(ptr, fmt, ...)  D_TRACE_DEBUG(DLOG_INFO, ptr, fmt, ##__VA_ARGS__)
#define D_TRACE_NOTE(ptr, fmt, ...)  D_TRACE_DEBUG(DLOG_NOTE, ptr, fmt, ##__VA_ARGS__)
#define D_TRACE_WARN(ptr, fmt, ...)  D_TRACE_DEBUG(DLOG_WARN, ptr, fmt, ##__VA_ARGS__)
#define D_TRACE_ERROR(ptr, fmt, ...) D_TRACE_DEBUG(DLOG_ERR, ptr, fmt, ##__VA_ARGS__)
#define D_TRACE_ALERT(ptr, fmt, ...) D_TRACE_DEBUG(DLOG_ALERT, ptr, fmt, ##__VA_ARGS__)
#define D_TRACE_CRIT(ptr, fmt, ...)  D_TRACE_DEBUG(DLOG_CRIT, ptr, fmt, ##__VA_ARGS__)
#define D_TRACE_FATAL(ptr, fmt, ...) D_TRACE_DEBUG(DLOG_EMERG, ptr, fmt, ##__VA_ARGS__)
#define D_TRACE_EMIT(ptr, fmt, ...)  D_TRACE_DEBUG(DLOG_EMIT, ptr, fmt, ##__VA_ARGS__)

/* With a DER code: "... : DER_NONEXIST(-1005): 'The specified entity does not exist'". */
#define DL_INFO(_rc, _fmt, ...)  D_DEBUG(DLOG_INFO, _fmt ": " DF_RC "\n", ##__VA_ARGS__, DP_RC(_rc))
#define DL_WARN(_rc, _fmt, ...)  D_DEBUG(DLOG_WARN, _fmt ": " DF_RC "\n", ##__VA_ARGS__, DP_RC(_rc))
#define DL_ERROR(_rc, _fmt, ...) D_DEBUG(DLOG_ERR, _fmt ": " DF_RC "\n", ##__VA_ARGS__, DP_RC(_rc))
#define DHL_INFO(_desc, _rc, _fmt, ...)                                                            \
	_D_DEBUG(_D_TRACE_NOCHECK, DLOG_INFO, (_desc), _fmt ": " DF_RC "\n", ##__VA_ARGS__,        \
		 DP_RC(_rc))
#define DHL_WARN(_desc, _rc, _fmt, ...)                                                            \
	_D_DEBUG(_D_TRACE_NOCHECK, DLOG_WARN, (_desc), _fmt ": " DF_RC "\n", ##__VA_ARGS__,        \
		 DP_RC(_rc))
#define DHL_ERROR(_desc, _rc, _fmt, ...)                                                           \
	_D_DEBUG(_D_TRACE_NOCHECK, DLOG_ERR, (_desc), _fmt ": " DF_RC "\n", ##__VA_ARGS__,         \
		 DP_RC(_rc))
/* With a system errno: "... : 2 (No such file or directory)". */
#define DS_INFO(_rc, _fmt, ...)                                                                    \
	D_DEBUG(DLOG_INFO, _fmt ": %d (%s)\n", ##__VA_ARGS__, _rc, strerror(_rc))
#define DS_WARN(_rc, _fmt, ...)                                                                    \
	D_DEBUG(DLOG_WARN, _fmt ": %d (%s)\n", ##__VA_ARGS__, _rc, strerror(_rc))
#define DS_ERROR(_rc, _fmt, ...)                                                                   \
	D_DEBUG(DLOG_ERR, _fmt ": %d (%s)\n", ##__VA_ARGS__, _rc, strerror(_rc))
#define DHS_INFO(_desc, _rc, _fmt, ...)                                                            \
	_D_DEBUG(_D_TRACE_NOCHECK, DLOG_INFO, (_desc), _fmt ": %d (%s)\n", ##__VA_ARGS__, _rc,     \
		 strerror(_rc))
#define DHS_WARN(_desc, _rc, _fmt, ...)                                                            \
	_D_DEBUG(_D_TRACE_NOCHECK, DLOG_WARN, (_desc), _fmt ": %d (%s)\n", ##__VA_ARGS__, _rc,     \
		 strerror(_rc))
#define DHS_ERROR(_desc, _rc, _fmt, ...)                                                           \
	_D_DEBUG(_D_TRACE_NOCHECK, DLOG_ERR, (_desc), _fmt ": %d (%s)\n", ##__VA_ARGS__, _rc,      \
		 strerror(_rc))

/* For tools: straight to stderr, no log set-up needed. */
#define D_PRINT_ERR(fmt, ...)                                                                      \
	do {                                                                                       \
		fprintf(stderr, "%s:%d:%s() " fmt, __FILE__, __LINE__, __func__, ##__VA_ARGS__);   \
		fflush(stderr);                                                                    \
	} while (0)

#define D_PRINT(fmt, ...)                                                                          \
	do {                                                                                       \
		fprintf(stdout, fmt, ##__VA_ARGS__);                                               \
		fflush(stdout);                                                                    \
	} while (0)

static inline int
d_add_log_facility(const char *aname, const char *lname)
{
	return d_log_allocfacility(aname, lname);
}

/* Assertions check invariants, never user input: they log, flush the log and abort. */
#define D_ASSERT(e)                                                                                \
	do {                                                                                       \
		if (__builtin_expect(!!(e), 1))                                                    \
			break;                                                                     \
		D_FATAL("Assertion '%s' failed\n", #e);                                            \
		d_log_sync();                                                                      \
		if (d_alt_assert != NULL)                                                          \
			d_alt_assert(0, #e, __FILE__, __LINE__);                                   \
		assert(0);                                                                         \
		abort();                                                                           \
	} while (0)

#define D_ASSERTF(cond, fmt, ...)                                                                  \
	do {                                                                                       \
		if (__builtin_expect(!!(cond), 1))                                                 \
			break;                                                                     \
		D_FATAL("Assertion '%s' failed: " fmt, #cond, ##__VA_ARGS__);                      \
		d_log_sync();                                                                      \
		if (d_alt_assert != NULL)                                                          \
			d_alt_assert(0, #cond, __FILE__, __LINE__);                                \
		assert(0);                                                                         \
		abort();                                                                           \
	} while (0)

#define D_CASSERT(cond, ...) _Static_assert(cond, #cond ": " __VA_ARGS__)

#define DF_U64 "%" PRIu64
#define DF_X64 "%" PRIx64

#if defined(__cplusplus)
}
#endif

#endif /* __GURT_DEBUG_H__ */
