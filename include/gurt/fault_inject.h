/*
 * gurt/fault_inject.h - fault points for tests.
 *
 * A fault point is a numeric id (0 is memory allocation: every D_ALLOC*
 * consults it) with an optional name. Code asks D_SHOULD_FAIL(attr) at the
 * point where a failure can happen; when injection is disabled that is one
 * load and a branch.
 *
 * A point fires when all of these hold, in this order:
 *   - injection is enabled, for this thread too (threads start enabled unless
 *     thread_default is false);
 *   - fa_probability_x != 0 (x = 0 disarms the point);
 *   - fewer than fa_max_faults faults have been injected (0 = no limit);
 *   - this is a multiple of fa_interval among the point's hits (interval <= 1: every hit);
 *   - a random draw succeeds with probability x/y (y = 0: always).
 * d_fault_attr_set() re-arms a point: its hit and fault counts restart from
 * the values passed in (normally 0), so "interval = n, max_faults = 1" fails
 * exactly the nth hit from now.
 *
 * Arming from outside the program, read by d_fault_inject_init():
 *   D_FI_CONFIG=file.yaml  (DAOS's format)
 *       seed: 42
 *       thread_default: true
 *       fault_config:
 *         - id: 0              # or  name: wal_flush
 *           probability_x: 1
 *           probability_y: 100
 *           interval: 1
 *           max_faults: 10
 *           err_code: -1003
 *           argument: anything
 *   D_FI_SPEC="0:interval=5,max=1;wal_flush:prob=1/100,err=-1003,arg=x"
 *       entries separated by ';', each "id-or-name:key=value,..." with keys
 *       prob=X/Y, interval=N, max=N, err=N, arg=STRING.
 * Either one enables injection. A malformed file or spec is refused with a
 * message naming the problem and -DER_INVAL from d_fault_inject_init().
 *
 * Names: modules register their points with d_fault_id_register(id, name)
 * so configurations may use names; an entry naming a point that is not yet
 * registered is applied when it registers.
 */
#ifndef __FAULT_INJECT__
#define __FAULT_INJECT__

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <gurt/debug.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define D_FAULT_CONFIG_ENV "D_FI_CONFIG"
#define D_FAULT_SPEC_ENV   "D_FI_SPEC"

/* Well-known fault ids. Engine modules take theirs from D_FI_ENGINE_BASE up. */
enum {
	D_FI_MEM         = 0,   /* every D_ALLOC* */
	D_FI_ENGINE_BASE = 200,
};

extern unsigned int           d_fault_inject;      /* non-zero while injection is enabled */
extern unsigned int           d_fault_config_file; /* non-zero when armed from D_FI_CONFIG */
extern struct d_fault_attr_t *d_fault_attr_mem;    /* fault id 0, NULL before init */

struct d_fault_attr_t {
	uint32_t           fa_id;
	uint32_t           fa_interval;   /* fire on every fa_interval-th hit */
	uint64_t           fa_max_faults; /* stop after this many (0: no limit) */
	uint64_t           fa_num_faults; /* injected so far */
	uint64_t           fa_num_hits;   /* times asked so far (counted when interval > 1) */
	char              *fa_argument;   /* free-form argument for the fault site */
	pthread_spinlock_t fa_lock;
	int32_t            fa_err_code;   /* the error the site should return */
	unsigned short     fa_rand_state[3];
	uint32_t           fa_probability_x;
	uint32_t           fa_probability_y;
};

/* Reference-counted; reads D_FI_CONFIG and D_FI_SPEC on the first call. */
int  d_fault_inject_init(void);
int  d_fault_inject_fini(void);
int  d_fault_inject_enable(void);
int  d_fault_inject_disable(void);
bool d_fault_inject_is_enabled(void);
/* Per-thread switch (e.g. keep a test's checking thread free of faults). */
void d_fault_inject_thread_enable(bool enabled);
void d_fault_inject_thread_default_enable(bool enabled);

bool d_should_fail(struct d_fault_attr_t *fault_attr_ptr);

#define D_SHOULD_FAIL(fault_attr)                                                                  \
	({                                                                                         \
		bool __rb = d_fault_inject && d_should_fail(fault_attr);                           \
		if (__rb)                                                                          \
			D_DEBUG(DLOG_INFO, "fault_id %u: injecting fault\n", (fault_attr)->fa_id); \
		__rb;                                                                              \
	})

/* Create or re-arm a point (its argument string is copied). */
int  d_fault_attr_set(uint32_t fault_id, struct d_fault_attr_t fa_in);
/* The point's fa_err_code, 0 if the point does not exist. */
int  d_fault_attr_err_code(uint32_t fault_id);
/* The point, or NULL; the pointer stays valid until d_fault_inject_fini(). */
struct d_fault_attr_t *d_fault_attr_lookup(uint32_t fault_id);

/* Give a point a name for configurations; -DER_EXIST if the name means another id. */
int  d_fault_id_register(uint32_t fault_id, const char *name);
/* Id of a registered name, or -DER_NONEXIST. */
int  d_fault_id_by_name(const char *name, uint32_t *fault_id);

#if defined(__cplusplus)
}
#endif

#endif /* __FAULT_INJECT__ */
