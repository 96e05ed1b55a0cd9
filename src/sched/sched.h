/*
 * sched.h - the per-target scheduler: lightweight threads (ULTs) on one OS
 * thread, and the io_uring that all of that thread's I/O goes through.
 *
 * What it owns. One struct sched per target thread: its ULTs, their stacks,
 * one io_uring, timers, and an eventfd through which other threads hand it
 * work. Nothing in it is shared with other targets.
 *
 * How a ULT waits. A ULT that needs the disk takes an SQE with
 * sched_get_sqe(), prepares it with liburing's io_uring_prep_*(), and calls
 * sched_io_wait(): the ULT is parked and the thread runs other ULTs; the
 * SQEs of every ULT that ran in between go to the kernel in one submit, and
 * the completion makes the ULT ready again with cqe->res as the result. No
 * call here blocks the thread except the loop itself, when nothing is ready.
 *
 * Threading. Every function except sched_post() and sched_stop() must be
 * called on the scheduler's own thread (from a ULT, or before sched_run()
 * for sched_ult_create()). The loop order and the sleeping rule are in
 * src/sched/README.md.
 *
 * Caveats.
 * - A ULT runs until it waits or yields: a long computation should call
 *   sched_yield_ult() now and then, or it starves the I/O of others.
 * - ULT stacks are fixed size (sched_attr.sa_stack_size, default 256 KiB,
 *   with a guard page below): no large arrays on a ULT's stack.
 * - Do not call blocking system calls from a ULT (they stop every ULT of the
 *   thread); go through the ring instead.
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <liburing.h>

struct sched;
struct sched_cond;

struct sched_attr {
	unsigned int sa_ring_entries; /* io_uring SQ size; 0: 256 */
	size_t       sa_stack_size;   /* ULT stack; 0: 256 KiB */
};

struct sched_stats {
	uint64_t ss_switches;    /* ULT context switches */
	uint64_t ss_ults;        /* ULTs created */
	uint64_t ss_io_done;     /* io_uring completions handed to ULTs */
	uint64_t ss_submits;     /* io_uring_submit calls */
	uint64_t ss_idle_waits;  /* times the loop slept in the kernel */
};

/* ---- life cycle ---- */

/* Create a scheduler with default attributes. 0, -DER_NOMEM, or the io_uring setup error. */
int  sched_init(struct sched **sp);
int  sched_init_attr(struct sched **sp, const struct sched_attr *attr);
/* Free it; no ULT may be alive. */
void sched_fini(struct sched *s);

/*
 * Run the loop on the calling thread until no ULT is alive. Returns at
 * once if none was ever created. Work posted with sched_post() while the
 * loop runs becomes ULTs and keeps it alive; sched_stop() asks long-lived
 * ULTs to finish (they poll sched_stopping()).
 */
void sched_run(struct sched *s);

/* From any thread: mark the scheduler as stopping and wake its loop. */
void sched_stop(struct sched *s);
bool sched_stopping(struct sched *s);

/* ---- ULTs ---- */

/* Start fn(arg) as a new ULT (ready to run). 0 or -DER_NOMEM. */
int  sched_ult_create(struct sched *s, void (*fn)(void *), void *arg);
/* The same, but it runs before the ULTs already ready: for a short ULT that
 * starts I/O the caller wants under way before other work. */
int  sched_ult_create_first(struct sched *s, void (*fn)(void *), void *arg);
/* The scheduler running on this thread, NULL outside a loop. */
struct sched *sched_current(void);
/* Let the other ready ULTs run, then continue. */
void sched_yield_ult(struct sched *s);
/* Would a yield now find other work: a ready ULT, an I/O to submit or a
 * completion to reap? (Timers are not looked at: no clock is read.) For a
 * ULT that polls: while false it may poll again without paying a pass of
 * the loop, but it must still yield now and then for timers. */
bool sched_others_waiting(struct sched *s);
/* Park the calling ULT for at least ns nanoseconds. */
void sched_sleep_ns(struct sched *s, uint64_t ns);

/* ---- I/O ---- */

/* An SQE to prepare; submits what is queued when the ring is full. Never NULL. */
struct io_uring_sqe *sched_get_sqe(struct sched *s);
/*
 * n SQEs for sched_io_wait_n(), none submitted before it tags them (fetched
 * one at a time, a full ring would send the first ones to the kernel
 * untagged). 0, or -DER_INVAL if n exceeds the ring.
 */
int  sched_get_sqes(struct sched *s, struct io_uring_sqe **sqes, int n);
/* Tag sqe with the calling ULT, park until it completes, return cqe->res (-errno on error). */
int  sched_io_wait(struct sched *s, struct io_uring_sqe *sqe);
/* The same, but what is prepared goes to the kernel now rather than at the
 * loop's next pass (one system call): for a large transfer the device
 * should start on while the other ready ULTs run. */
int  sched_io_wait_now(struct sched *s, struct io_uring_sqe *sqe);
/*
 * The same for n SQEs prepared together (e.g. a write linked to an fsync
 * with IOSQE_IO_LINK): parks until all complete; res[i] gets each result.
 * Returns the first negative result, or 0.
 */
int  sched_io_wait_n(struct sched *s, struct io_uring_sqe **sqes, int n, int *res);
/* The ring itself, to register buffers or files (io_uring_register_*). */
struct io_uring *sched_ring(struct sched *s);
/*
 * Register [base, base + len) with the ring, so I/O from or into it can use
 * io_uring_prep_{read,write}_fixed(..., slot) and skip pinning its pages on
 * each call. Returns the slot (>= 0), or -DER_NOTSUPPORTED (no table on this
 * kernel), -DER_AGAIN (all 16 slots taken), -DER_NOMEM (over the locked-memory
 * limit: the kernel pins the pages), -DER_INVAL. Only from the loop's thread.
 */
int  sched_buf_register(struct sched *s, void *base, size_t len);
/* Give the slot back; no I/O may be using it. */
void sched_buf_unregister(struct sched *s, int slot);

/* ---- waiting for each other ---- */

/* A wait queue. Waiters are woken in arrival order. NULL on allocation failure. */
struct sched_cond *sched_cond_create(struct sched *s);
/* No ULT may still wait on it. */
void sched_cond_destroy(struct sched_cond *c);
/* Park until signalled. Like any condition variable, re-check the predicate after. */
void sched_cond_wait(struct sched_cond *c);
/* Wake the oldest waiter (if any) / every waiter. */
void sched_cond_signal(struct sched_cond *c);
void sched_cond_broadcast(struct sched_cond *c);

/* ---- other threads ---- */

/*
 * From any thread: run fn(arg) as a ULT of s. Wakes the loop if it sleeps.
 * 0 or -DER_NOMEM. The only way for another thread to touch s's state.
 */
int  sched_post(struct sched *s, void (*fn)(void *), void *arg);

void sched_stats_get(struct sched *s, struct sched_stats *st);

#endif /* SCHED_SCHED_H */
