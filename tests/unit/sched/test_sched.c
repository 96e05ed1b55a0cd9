/* The scheduler: switching, stacks, I/O through the ring, waits, timers, other threads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <gurt/common.h>
#include "sched/sched.h"

static struct sched *
new_sched(void)
{
	struct sched *s;

	assert_int_equal(sched_init(&s), 0);
	return s;
}

/* ---- ping-pong: two ULTs alternate strictly through yields ---- */

static int trace[32];
static int ntrace;

static void
pinger(void *arg)
{
	int id = (int)(intptr_t)arg;
	int i;

	for (i = 0; i < 8; i++) {
		trace[ntrace++] = id;
		sched_yield_ult(sched_current());
	}
}

static void
test_ping_pong(void **state)
{
	struct sched      *s = new_sched();
	struct sched_stats st;
	int                i;

	(void)state;
	ntrace = 0;
	assert_int_equal(sched_ult_create(s, pinger, (void *)1), 0);
	assert_int_equal(sched_ult_create(s, pinger, (void *)2), 0);
	sched_run(s);
	assert_int_equal(ntrace, 16);
	for (i = 0; i < 16; i++)
		assert_int_equal(trace[i], 1 + (i % 2));
	sched_stats_get(s, &st);
	assert_true(st.ss_switches >= 16);
	assert_int_equal(st.ss_ults, 2);
	assert_null(sched_current()); /* only set while the loop runs */
	sched_fini(s);
}

/* ---- many ULTs, stacks recycled ---- */

static int finished;

static void
count_one(void *arg)
{
	(void)arg;
	finished++;
}

static void
spawner(void *arg)
{
	struct sched *s = arg;
	int           i;

	for (i = 0; i < 10000; i++) {
		assert_int_equal(sched_ult_create(s, count_one, NULL), 0);
		if (i % 100 == 0)
			sched_yield_ult(s);
	}
}

static void
test_many_ults(void **state)
{
	struct sched *s = new_sched();

	(void)state;
	finished = 0;
	assert_int_equal(sched_ult_create(s, spawner, s), 0);
	sched_run(s);
	assert_int_equal(finished, 10000);
	sched_fini(s);
	/* Nothing to run: returns at once. */
	s = new_sched();
	sched_run(s);
	sched_fini(s);
	assert_int_equal(sched_ult_create(NULL, count_one, NULL), -DER_INVAL);
}

/* ---- deep stacks keep their values across switches ---- */

static uint64_t
deep(int depth)
{
	volatile char pad[1024];
	uint64_t      sum;

	memset((char *)pad, depth & 0xff, sizeof(pad));
	if (depth % 8 == 0)
		sched_yield_ult(sched_current());
	sum = depth == 0 ? 0 : deep(depth - 1);
	return sum + (uint64_t)pad[depth % sizeof(pad)] + (uint64_t)depth;
}

static uint64_t deep_res[2];

static void
deep_ult(void *arg)
{
	deep_res[(intptr_t)arg] = deep(64); /* 64 frames of > 1 KiB: 64+ KiB of stack */
}

static void
test_deep_stack(void **state)
{
	struct sched *s = new_sched();
	uint64_t      expect = 0;
	int           d;

	(void)state;
	for (d = 0; d <= 64; d++)
		expect += (uint64_t)(d & 0xff) + (uint64_t)d;
	assert_int_equal(sched_ult_create(s, deep_ult, (void *)0), 0);
	assert_int_equal(sched_ult_create(s, deep_ult, (void *)1), 0);
	sched_run(s);
	assert_true(deep_res[0] == expect);
	assert_true(deep_res[1] == expect);
	sched_fini(s);
}

/* ---- I/O from many ULTs through one ring ---- */

#define IO_ULTS 32
static int  io_fd;
static char io_bufs[IO_ULTS][4096];
static int  io_ok;

static void
io_ult(void *arg)
{
	struct sched        *s = sched_current();
	int                  i = (int)(intptr_t)arg;
	struct io_uring_sqe *sqe;
	char                 back[4096];
	int                  rc;

	memset(io_bufs[i], 'a' + i % 26, sizeof(io_bufs[i]));
	sqe = sched_get_sqe(s);
	io_uring_prep_write(sqe, io_fd, io_bufs[i], 4096, (uint64_t)i * 4096);
	rc = sched_io_wait(s, sqe);
	assert_int_equal(rc, 4096);
	sqe = sched_get_sqe(s);
	io_uring_prep_read(sqe, io_fd, back, 4096, (uint64_t)i * 4096);
	rc = sched_io_wait(s, sqe);
	assert_int_equal(rc, 4096);
	assert_memory_equal(back, io_bufs[i], 4096);
	io_ok++;
}

static void
linked_ult(void *arg)
{
	struct sched        *s = sched_current();
	struct io_uring_sqe *sqes[2];
	int                  res[2] = {0, 0};
	static char          buf[512] = "linked";

	(void)arg;
	sqes[0] = sched_get_sqe(s);
	io_uring_prep_write(sqes[0], io_fd, buf, sizeof(buf), 1 << 20);
	sqes[0]->flags |= IOSQE_IO_LINK;
	sqes[1] = sched_get_sqe(s);
	io_uring_prep_fsync(sqes[1], io_fd, IORING_FSYNC_DATASYNC);
	assert_int_equal(sched_io_wait_n(s, sqes, 2, res), 0);
	assert_int_equal(res[0], (int)sizeof(buf));
	assert_int_equal(res[1], 0);
	/* An error comes back as -errno. */
	sqes[0] = sched_get_sqe(s);
	io_uring_prep_read(sqes[0], -1, buf, sizeof(buf), 0);
	assert_int_equal(sched_io_wait(s, sqes[0]), -EBADF);
	io_ok++;
}

static void
test_io(void **state)
{
	struct sched      *s = new_sched();
	struct sched_stats st;
	char               path[] = "/tmp/sched_io.XXXXXX";
	int                i;

	(void)state;
	io_fd = mkstemp(path);
	assert_true(io_fd >= 0);
	unlink(path);
	io_ok = 0;
	for (i = 0; i < IO_ULTS; i++)
		assert_int_equal(sched_ult_create(s, io_ult, (void *)(intptr_t)i), 0);
	assert_int_equal(sched_ult_create(s, linked_ult, NULL), 0);
	sched_run(s);
	assert_int_equal(io_ok, IO_ULTS + 1);
	sched_stats_get(s, &st);
	assert_int_equal(st.ss_io_done, IO_ULTS * 2 + 3);
	/* The writes of all ULTs went down in far fewer submit calls than I/Os. */
	assert_true(st.ss_submits < st.ss_io_done);
	assert_non_null(sched_ring(s));
	close(io_fd);
	sched_fini(s);
}

/* sched_get_sqes on a ring of 8 with 5 SQEs already prepared: what was
 * prepared goes down first (tagged, so it completes to its ULT), then the 6
 * come in one piece; more than the ring holds is refused. */
#define SQES_RING 8

static void
sqes_single_ult(void *arg)
{
	struct sched        *s = sched_current();
	struct io_uring_sqe *sqe = sched_get_sqe(s);

	(void)arg;
	io_uring_prep_nop(sqe);
	assert_int_equal(sched_io_wait(s, sqe), 0);
	io_ok++;
}

static void
sqes_many_ult(void *arg)
{
	struct sched        *s = sched_current();
	struct io_uring_sqe *sqes[SQES_RING + 1];
	int                  res[6];
	int                  i;

	(void)arg;
	assert_int_equal(sched_get_sqes(s, sqes, SQES_RING + 1), -DER_INVAL);
	assert_int_equal(sched_get_sqes(s, sqes, 6), 0);
	for (i = 0; i < 6; i++) {
		io_uring_prep_nop(sqes[i]);
		res[i] = -1;
	}
	assert_int_equal(sched_io_wait_n(s, sqes, 6, res), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(res[i], 0);
	io_ok++;
}

static void
test_get_sqes(void **state)
{
	struct sched_attr attr = {.sa_ring_entries = SQES_RING};
	struct sched     *s;
	int               i;

	(void)state;
	assert_int_equal(sched_init_attr(&s, &attr), 0);
	io_ok = 0;
	/* five single waits prepare their SQEs in the first pass, then the
	 * sixth ULT asks for 6 in a ring with 3 left */
	for (i = 0; i < 5; i++)
		assert_int_equal(sched_ult_create(s, sqes_single_ult, NULL), 0);
	assert_int_equal(sched_ult_create(s, sqes_many_ult, NULL), 0);
	sched_run(s);
	assert_int_equal(io_ok, 6);
	sched_fini(s);
}

/* A ULT created "first" runs before those already ready; an I/O waited for
 * with sched_io_wait_now is in the kernel before its ULT parks. */
static int  first_order[4];
static int  first_n;
static bool now_seen_submitted;

static void
order_ult(void *arg)
{
	first_order[first_n++] = (int)(intptr_t)arg;
}

static void
now_ult(void *arg)
{
	struct sched        *s = sched_current();
	struct io_uring_sqe *sqe;
	struct sched_stats   before, after;
	static char          buf[4096] = "now";

	(void)arg;
	sched_stats_get(s, &before);
	sqe = sched_get_sqe(s);
	io_uring_prep_write(sqe, io_fd, buf, sizeof(buf), 0);
	assert_int_equal(sched_io_wait_now(s, sqe), (int)sizeof(buf));
	sched_stats_get(s, &after);
	now_seen_submitted = after.ss_submits > before.ss_submits;
}

static void
spawner_ult(void *arg)
{
	struct sched *s = sched_current();

	(void)arg;
	assert_int_equal(sched_ult_create(s, order_ult, (void *)(intptr_t)1), 0);
	assert_int_equal(sched_ult_create(s, order_ult, (void *)(intptr_t)2), 0);
	assert_int_equal(sched_ult_create_first(s, order_ult, (void *)(intptr_t)3), 0);
	sched_yield_ult(s);
	first_order[first_n++] = 0; /* back after all three */
}

static void
test_first_and_now(void **state)
{
	struct sched *s = new_sched();
	char          path[] = "/tmp/sched_now.XXXXXX";

	(void)state;
	io_fd = mkstemp(path);
	assert_true(io_fd >= 0);
	unlink(path);
	first_n = 0;
	assert_int_equal(sched_ult_create(s, spawner_ult, NULL), 0);
	assert_int_equal(sched_ult_create(s, now_ult, NULL), 0);
	sched_run(s);
	assert_int_equal(first_n, 4);
	/* 3 jumped the queue (ahead of now_ult and of 1 and 2); the yielder
	 * comes back after them */
	assert_int_equal(first_order[0], 3);
	assert_int_equal(first_order[1], 1);
	assert_int_equal(first_order[2], 2);
	assert_int_equal(first_order[3], 0);
	assert_true(now_seen_submitted);
	assert_int_equal(sched_ult_create_first(NULL, order_ult, NULL), -DER_INVAL);
	close(io_fd);
	sched_fini(s);
}

/* sched_others_waiting: false for a ULT alone; true with another ready, with
 * an SQE not yet submitted, with a completion not yet reaped. */
static void
waiting_ult(void *arg)
{
	struct sched        *s = sched_current();
	struct io_uring_sqe *sqe;

	(void)arg;
	assert_false(sched_others_waiting(s));
	assert_int_equal(sched_ult_create(s, order_ult, (void *)(intptr_t)9), 0);
	assert_true(sched_others_waiting(s));
	sched_yield_ult(s); /* order_ult runs and ends */
	assert_false(sched_others_waiting(s));
	sqe = sched_get_sqe(s);
	io_uring_prep_nop(sqe);
	assert_true(sched_others_waiting(s));
	assert_int_equal(sched_io_wait(s, sqe), 0);
	assert_false(sched_others_waiting(s));
	io_ok++;
}

static void
test_others_waiting(void **state)
{
	struct sched *s = new_sched();

	(void)state;
	io_ok   = 0;
	first_n = 0;
	assert_int_equal(sched_ult_create(s, waiting_ult, NULL), 0);
	sched_run(s);
	assert_int_equal(io_ok, 1);
	assert_int_equal(first_n, 1);
	sched_fini(s);
}

/* Registered buffers: I/O with *_FIXED from a registered range; 16 slots. */
static void
fixed_ult(void *arg)
{
	struct sched        *s = sched_current();
	struct io_uring_sqe *sqe;
	static char          bufs[17][4096] __attribute__((aligned(4096)));
	int                  slots[17];
	int                  i, n = 0;

	(void)arg;
	assert_int_equal(sched_buf_register(s, NULL, 4096), -DER_INVAL);
	assert_int_equal(sched_buf_register(s, bufs[0], 0), -DER_INVAL);
	slots[0] = sched_buf_register(s, bufs[0], sizeof(bufs[0]));
	if (slots[0] == -DER_NOTSUPPORTED || slots[0] == -DER_NOMEM) {
		io_ok = -1; /* this kernel or limit cannot: nothing more to check */
		return;
	}
	assert_true(slots[0] >= 0);
	memset(bufs[0], 'f', 4096);
	sqe = sched_get_sqe(s);
	io_uring_prep_write_fixed(sqe, io_fd, bufs[0], 4096, 0, slots[0]);
	assert_int_equal(sched_io_wait(s, sqe), 4096);
	memset(bufs[0], 0, 4096);
	sqe = sched_get_sqe(s);
	io_uring_prep_read_fixed(sqe, io_fd, bufs[0], 4096, 0, slots[0]);
	assert_int_equal(sched_io_wait(s, sqe), 4096);
	assert_int_equal(bufs[0][4095], 'f');
	/* every slot taken: the next is refused, until one is given back */
	for (i = 1, n = 1; i < 17; i++) {
		slots[i] = sched_buf_register(s, bufs[i], 4096);
		if (slots[i] < 0)
			break;
		n++;
	}
	assert_int_equal(n, 16);
	assert_int_equal(slots[16], -DER_AGAIN);
	sched_buf_unregister(s, slots[3]);
	sched_buf_unregister(s, slots[3]); /* twice: harmless */
	sched_buf_unregister(s, 99);       /* out of range: ignored */
	assert_int_equal(sched_buf_register(s, bufs[16], 4096), slots[3]);
	slots[16] = -1; /* slots[3] now holds bufs[16] */
	for (i = 0; i < 17; i++)
		sched_buf_unregister(s, slots[i]);
	io_ok = 1;
}

static void
test_fixed_bufs(void **state)
{
	struct sched *s = new_sched();
	char          path[] = "/tmp/sched_fixed.XXXXXX";

	(void)state;
	io_fd = mkstemp(path);
	assert_true(io_fd >= 0);
	unlink(path);
	io_ok = 0;
	assert_int_equal(sched_ult_create(s, fixed_ult, NULL), 0);
	sched_run(s);
	close(io_fd);
	sched_fini(s);
	if (io_ok < 0)
		skip();
	assert_int_equal(io_ok, 1);
}

/* ---- conditions ---- */

static struct sched_cond *cond;
static int                woken;
static int                order[8];

static void
waiter(void *arg)
{
	sched_cond_wait(cond);
	order[woken++] = (int)(intptr_t)arg;
}

static void
signaller(void *arg)
{
	(void)arg;
	sched_yield_ult(sched_current()); /* let every waiter park first */
	sched_cond_signal(cond);
	sched_yield_ult(sched_current());
	assert_int_equal(woken, 1);
	sched_cond_broadcast(cond);
	sched_cond_signal(cond); /* nobody left: harmless */
}

static void
test_cond(void **state)
{
	struct sched *s = new_sched();
	int           i;

	(void)state;
	woken = 0;
	cond  = sched_cond_create(s);
	assert_non_null(cond);
	for (i = 0; i < 5; i++)
		assert_int_equal(sched_ult_create(s, waiter, (void *)(intptr_t)i), 0);
	assert_int_equal(sched_ult_create(s, signaller, NULL), 0);
	sched_run(s);
	assert_int_equal(woken, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(order[i], i); /* first come, first woken */
	sched_cond_destroy(cond);
	sched_fini(s);
}

/* ---- timers ---- */

static int      wake_order[4];
static int      nwake;
static uint64_t slept_ns;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
sleeper(void *arg)
{
	int      ms = (int)(intptr_t)arg;
	uint64_t t0 = now_ns();

	sched_sleep_ns(sched_current(), (uint64_t)ms * 1000000ULL);
	if (ms == 30)
		slept_ns = now_ns() - t0;
	wake_order[nwake++] = ms;
}

static void
test_timers(void **state)
{
	struct sched *s = new_sched();

	(void)state;
	nwake = 0;
	assert_int_equal(sched_ult_create(s, sleeper, (void *)30), 0);
	assert_int_equal(sched_ult_create(s, sleeper, (void *)10), 0);
	assert_int_equal(sched_ult_create(s, sleeper, (void *)20), 0);
	assert_int_equal(sched_ult_create(s, sleeper, (void *)1), 0);
	sched_run(s);
	assert_int_equal(nwake, 4);
	assert_int_equal(wake_order[0], 1);
	assert_int_equal(wake_order[1], 10);
	assert_int_equal(wake_order[2], 20);
	assert_int_equal(wake_order[3], 30);
	assert_true(slept_ns >= 30000000ULL); /* at least as long as asked; no upper bound */
	sched_fini(s);
}

/* ---- other threads: post and stop; an idle loop sleeps ---- */

static volatile int posted_ran;

static void
posted(void *arg)
{
	(void)arg;
	posted_ran++;
}

/* Stays alive until the scheduler is stopped, sleeping (not spinning) meanwhile. */
static void
service(void *arg)
{
	struct sched *s = arg;

	while (!sched_stopping(s))
		sched_sleep_ns(s, 50 * 1000000ULL);
}

struct poster_arg {
	struct sched *s;
};

static void *
poster_thread(void *arg)
{
	struct poster_arg *pa = arg;
	int                i;

	usleep(300 * 1000); /* the loop is idle meanwhile */
	for (i = 0; i < 10; i++)
		assert_int_equal(sched_post(pa->s, posted, NULL), 0);
	usleep(50 * 1000);
	sched_stop(pa->s);
	return NULL;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void
test_post_stop_idle(void **state)
{
	struct sched      *s = new_sched();
	struct poster_arg  pa = {s};
	struct sched_stats st;
	pthread_t          th;
	double             cpu0;
	double             cpu;

	(void)state;
	posted_ran = 0;
	assert_false(sched_stopping(s));
	assert_int_equal(sched_ult_create(s, service, s), 0);
	pthread_create(&th, NULL, poster_thread, &pa);
	cpu0 = cpu_seconds();
	sched_run(s);
	cpu = cpu_seconds() - cpu0;
	pthread_join(th, NULL);
	assert_int_equal(posted_ran, 10);
	assert_true(sched_stopping(s));
	sched_stats_get(s, &st);
	assert_true(st.ss_idle_waits > 0);
	/* ~350 ms of mostly idle loop: a spinning loop would burn all of it. Generous bound. */
	print_message("idle loop used %.1f ms of CPU in ~350 ms\n", cpu * 1e3);
	assert_true(cpu < 0.15);
	assert_int_equal(sched_post(NULL, posted, NULL), -DER_INVAL);
	sched_fini(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ping_pong), cmocka_unit_test(test_many_ults),
	    cmocka_unit_test(test_deep_stack), cmocka_unit_test(test_io),
	    cmocka_unit_test(test_cond),       cmocka_unit_test(test_timers),
	    cmocka_unit_test(test_get_sqes),
	    cmocka_unit_test(test_post_stop_idle), cmocka_unit_test(test_first_and_now),
	    cmocka_unit_test(test_others_waiting), cmocka_unit_test(test_fixed_bufs),
	};

	return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
