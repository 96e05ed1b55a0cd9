/*
 * Hybrid logical clock: strictly increasing across calls and threads, DAOS's encoding
 * (epoch 2021-01-01 UTC, 1/16 ns units, 18 logical bits), message merging bounded by
 * epsilon, and the tracker.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gurt/common.h>

#define HLC_MASK        ((1ULL << 18) - 1)
#define HLC_EPOCH_NSEC  (1609459200ULL * NSEC_PER_SEC)
#define HLC_DEFAULT_EPS (16ULL * NSEC_PER_SEC)
#define NTHREADS        4
#define PER_THREAD      100000

static uint64_t
realtime_unixnsec(void)
{
	struct timespec now;

	assert_int_equal(clock_gettime(CLOCK_REALTIME, &now), 0);
	return (uint64_t)now.tv_sec * NSEC_PER_SEC + (uint64_t)now.tv_nsec;
}

static void
test_encoding(void **state)
{
	struct timespec ts;
	struct tm       tm;
	uint64_t        before, after, hlc, unixnsec;
	time_t          t;

	(void)state;
	assert_int_equal(d_hlc2unixnsec(0), HLC_EPOCH_NSEC);
	/* The range ends in 2057. */
	t = (time_t)(d_hlc2unixnsec(UINT64_MAX) / NSEC_PER_SEC);
	assert_non_null(gmtime_r(&t, &tm));
	assert_int_equal(tm.tm_year + 1900, 2057);

	/* A fresh timestamp is the wall clock, to within the 16 us the logical bits take. */
	before = realtime_unixnsec();
	hlc = d_hlc_get();
	after = realtime_unixnsec();
	unixnsec = d_hlc2unixnsec(hlc);
	assert_true(unixnsec + d_hlc2nsec(HLC_MASK) + 1 >= before);
	assert_true(unixnsec <= after);

	assert_int_equal(d_hlc2nsec(d_nsec2hlc(123456789)), 123456789);
	assert_int_equal(d_nsec2hlc(1), 16);
	assert_int_equal(d_sec2hlc(2), 32ULL * NSEC_PER_SEC);
	assert_int_equal(d_hlc2sec(d_sec2hlc(77)), 77);
	assert_int_equal(d_hlc2msec(d_msec2hlc(1234)), 1234);
	assert_int_equal(d_hlc2usec(d_usec2hlc(98765)), 98765);

	/* unixnsec and timespec round trips (exact for multiples of one ns). */
	hlc = d_nsec2hlc(5ULL * 365 * 86400 * NSEC_PER_SEC + 42);
	assert_int_equal(d_unixnsec2hlc(d_hlc2unixnsec(hlc)), hlc);
	assert_int_equal(d_hlc2timespec(hlc, &ts), 0);
	assert_int_equal(ts.tv_nsec, 42);
	assert_int_equal((uint64_t)ts.tv_sec, 1609459200ULL + 5ULL * 365 * 86400);
	hlc = 0;
	assert_int_equal(d_timespec2hlc(ts, &hlc), 0);
	assert_int_equal(hlc, d_nsec2hlc(5ULL * 365 * 86400 * NSEC_PER_SEC + 42));

	/* Outside [2021, 2057] there is no HLC timestamp. */
	assert_int_equal(d_unixnsec2hlc(HLC_EPOCH_NSEC - 1), 0);
	assert_int_equal(d_unixnsec2hlc(UINT64_MAX), 0);
	ts.tv_sec = 1609459199;
	ts.tv_nsec = 0;
	assert_int_equal(d_timespec2hlc(ts, &hlc), -DER_INVAL);
	ts.tv_sec = 1609459200;
	ts.tv_nsec = NSEC_PER_SEC;
	assert_int_equal(d_timespec2hlc(ts, &hlc), -DER_INVAL);
	ts.tv_nsec = 0;
	assert_int_equal(d_timespec2hlc(ts, NULL), -DER_INVAL);
	assert_int_equal(d_hlc2timespec(0, NULL), -DER_INVAL);
	assert_int_equal(d_timespec2hlc(ts, &hlc), 0);
	assert_int_equal(hlc, 0);
}

static void
test_monotonic(void **state)
{
	uint64_t last = d_hlc_get();
	uint64_t now;
	int      i;

	(void)state;
	for (i = 0; i < 1000000; i++) {
		now = d_hlc_get();
		assert_true(now > last);
		last = now;
	}
}

struct thread_arg {
	uint64_t *values;
	int       bad;
};

static void *
get_many(void *arg)
{
	struct thread_arg *ta = arg;
	int                i;

	for (i = 0; i < PER_THREAD; i++) {
		ta->values[i] = d_hlc_get();
		if (i > 0 && ta->values[i] <= ta->values[i - 1])
			ta->bad++;
	}
	return NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_threads_unique(void **state)
{
	pthread_t         threads[NTHREADS];
	struct thread_arg args[NTHREADS];
	uint64_t         *all;
	size_t            i;

	(void)state;
	all = calloc((size_t)NTHREADS * PER_THREAD, sizeof(*all));
	assert_non_null(all);
	for (i = 0; i < NTHREADS; i++) {
		args[i].values = all + i * PER_THREAD;
		args[i].bad = 0;
		assert_int_equal(pthread_create(&threads[i], NULL, get_many, &args[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(args[i].bad, 0);
	}
	/* No two threads were ever handed the same timestamp. */
	qsort(all, (size_t)NTHREADS * PER_THREAD, sizeof(*all), cmp_u64);
	for (i = 1; i < (size_t)NTHREADS * PER_THREAD; i++)
		assert_true(all[i] > all[i - 1]);
	free(all);
}

static void
test_get_msg(void **state)
{
	uint64_t now, msg, out, offset, last;
	int      i;

	(void)state;
	assert_int_equal(d_hlc_epsilon_get(), HLC_DEFAULT_EPS);

	/* A message from the past still moves us forward, past it and past our last. */
	last = d_hlc_get();
	msg = last - d_sec2hlc(1);
	assert_int_equal(d_hlc_get_msg(msg, &out, &offset), 0);
	assert_int_equal(offset, 0);
	assert_true(out > last);

	/* Ahead by half of epsilon: accepted, and our clock follows it. */
	now = d_hlc_get();
	msg = now + d_msec2hlc(500);
	assert_int_equal(d_hlc_get_msg(msg, &out, &offset), 0);
	assert_true(out > msg);
	assert_true(offset > d_msec2hlc(400) && offset <= d_msec2hlc(501));
	assert_true(d_hlc_get() > out);
	/* Logical ticks past the message: the physical part did not move. */
	assert_int_equal(d_hlc_get_msg(msg, &out, NULL), 0);
	assert_true(out > msg);

	/* Interleaved messages around our clock never break the order. */
	last = d_hlc_get();
	for (i = 0; i < 30000; i++) {
		msg = (i % 3 == 0) ? last + 0x100 : (i % 3 == 1) ? last - 0x100 : last;
		assert_int_equal(d_hlc_get_msg(msg, &out, NULL), 0);
		assert_true(out > msg);
		assert_true(out > last);
		last = out;
	}

	/* Beyond epsilon: refused, the skew reported, our clock untouched. */
	msg = d_nsec2hlc(realtime_unixnsec() - HLC_EPOCH_NSEC) + 3 * HLC_DEFAULT_EPS;
	out = 0;
	assert_int_equal(d_hlc_get_msg(msg, &out, &offset), -DER_HLC_SYNC);
	assert_int_equal(out, 0);
	assert_true(offset > 2 * HLC_DEFAULT_EPS);
	assert_true(d_hlc_get() < msg);
	assert_int_equal(d_hlc_get_msg(msg, NULL, NULL), -DER_HLC_SYNC);
}

static void
test_epsilon(void **state)
{
	uint64_t saved = d_hlc_epsilon_get();
	uint64_t msg;

	(void)state;
	/* Set values are rounded up to whole physical ticks (2^18 units). */
	d_hlc_epsilon_set(0);
	assert_int_equal(d_hlc_epsilon_get(), 0);
	d_hlc_epsilon_set(1);
	assert_int_equal(d_hlc_epsilon_get(), 1ULL << 18);
	d_hlc_epsilon_set(1ULL << 18);
	assert_int_equal(d_hlc_epsilon_get(), 1ULL << 18);
	d_hlc_epsilon_set((1ULL << 18) + 1);
	assert_int_equal(d_hlc_epsilon_get(), 2ULL << 18);
	d_hlc_epsilon_set(UINT64_MAX);
	assert_int_equal(d_hlc_epsilon_get(), ~HLC_MASK);
	assert_int_equal(d_hlc_epsilon_get_bound(1), UINT64_MAX);

	/* The bound covers any logical value of a tick up to epsilon later. */
	d_hlc_epsilon_set(3ULL << 18);
	assert_int_equal(d_hlc_epsilon_get_bound(0x123ULL << 18),
	                 ((0x123ULL + 3) << 18) | HLC_MASK);
	assert_int_equal(d_hlc_epsilon_get_bound((0x123ULL << 18) | 5),
	                 ((0x123ULL + 3) << 18) | HLC_MASK);

	/* A tighter epsilon refuses what the default accepted. */
	d_hlc_epsilon_set(d_msec2hlc(10));
	msg = d_nsec2hlc(realtime_unixnsec() - HLC_EPOCH_NSEC) + d_msec2hlc(200);
	assert_int_equal(d_hlc_get_msg(msg, NULL, NULL), -DER_HLC_SYNC);
	d_hlc_epsilon_set(saved);
	assert_int_equal(d_hlc_get_msg(msg, NULL, NULL), 0);
}

static void
test_age(void **state)
{
	/* Truncated like the clock's own physical part, so the age cannot come out short. */
	uint64_t now = d_nsec2hlc(realtime_unixnsec() - HLC_EPOCH_NSEC) & ~HLC_MASK;
	uint64_t age;

	(void)state;
	age = d_hlc_age2sec(now - d_sec2hlc(3));
	assert_true(age >= 3 && age <= 4);
	assert_int_equal(d_hlc_age2sec(now + d_sec2hlc(60)), 0);
}

static void *
sync_many(void *arg)
{
	uint64_t base = (uint64_t)(uintptr_t)arg;
	uint64_t i;

	for (i = 0; i < PER_THREAD; i++)
		d_hlct_sync(base + i * NTHREADS);
	return NULL;
}

static void
test_tracker(void **state)
{
	pthread_t threads[NTHREADS];
	uintptr_t i;

	(void)state;
	assert_int_equal(d_hlct_get(), 0);
	d_hlct_sync(100);
	assert_int_equal(d_hlct_get(), 100);
	/* It only ever moves forward. */
	d_hlct_sync(50);
	assert_int_equal(d_hlct_get(), 100);

	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, sync_many, (void *)(1000 + i)),
		                 0);
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(threads[i], NULL), 0);
	assert_int_equal(d_hlct_get(), 1000 + (NTHREADS - 1) + (PER_THREAD - 1) * NTHREADS);
}

int
main(void)
{
	/* Encoding first: later tests push the clock ahead of the wall clock on purpose. */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encoding),       cmocka_unit_test(test_monotonic),
	    cmocka_unit_test(test_threads_unique), cmocka_unit_test(test_get_msg),
	    cmocka_unit_test(test_epsilon),        cmocka_unit_test(test_age),
	    cmocka_unit_test(test_tracker),
	};

	return cmocka_run_group_tests_name("gurt_hlc", tests, NULL, NULL);
}
