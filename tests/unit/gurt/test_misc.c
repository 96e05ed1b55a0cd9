/* Allocation macros, sgl helpers, string buffers, back-off, pointer vectors, time helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gurt/common.h>
#include "d_test_fi.h"

static size_t tracked;

static void
on_alloc(void *arg, size_t size)
{
	(void)arg;
	tracked += size;
}

static void
on_free(void *arg, size_t size)
{
	(void)arg;
	tracked -= size;
}

static void
test_alloc_macros(void **state)
{
	uint64_t *arr;
	char     *s;
	char     *p;
	void     *al;
	char     *big;

	(void)state;
	d_set_alloc_track_cb(on_alloc, on_free, NULL);
	D_ALLOC_ARRAY(arr, 16);
	assert_non_null(arr);
	assert_int_equal(arr[15], 0);
	assert_true(tracked >= 128);
	D_FREE(arr);
	assert_null(arr);
	assert_int_equal(tracked, 0);
	d_set_alloc_track_cb(NULL, NULL, NULL);

	D_STRNDUP(s, "abcdef", 3);
	assert_string_equal(s, "abc");
	D_STRNDUP_S(p, "literal");
	assert_string_equal(p, "literal");
	D_FREE(p);
	D_ASPRINTF(p, "%s-%d", s, 7);
	assert_string_equal(p, "abc-7");
	D_FREE(p);

	D_REALLOC(big, s, 4, 1000);
	assert_non_null(big);
	assert_null(s);
	assert_string_equal(big, "abc");
	assert_int_equal(big[999], 0); /* grown part is zeroed */
	D_FREE(big);

	D_ALIGNED_ALLOC(al, 4096, 8192);
	assert_non_null(al);
	assert_int_equal((uintptr_t)al % 4096, 0);
	D_FREE(al);

	D_REALPATH(p, "/");
	assert_string_equal(p, "/");
	D_FREE(p);
	D_REALPATH(p, "/no/such/path/anywhere");
	assert_null(p);
	assert_int_equal(errno, ENOENT);
}

static void
test_alloc_injected(void **state)
{
	char *s;
	char *bigger;
	int  *p;

	(void)state;
	d_test_fi_setup();
	d_test_fail_nth_alloc(1);
	D_ALLOC_PTR(p);
	assert_null(p);
	D_ALLOC_PTR(p); /* fires once only */
	assert_non_null(p);
	D_FREE(p);

	D_STRNDUP(s, "keep", 4);
	d_test_fail_nth_alloc(1);
	D_REALLOC(bigger, s, 5, 64);
	assert_null(bigger);
	assert_string_equal(s, "keep"); /* old buffer untouched on failure */
	D_FREE(s);

	d_test_fail_nth_alloc(1);
	D_REALPATH(s, "/");
	assert_null(s);
	assert_int_equal(errno, ENOMEM);
	d_test_fi_teardown();
}

static void
test_sgl(void **state)
{
	d_sg_list_t src;
	d_sg_list_t dst;
	d_iov_t     iov;
	char        a[] = "0123456789";
	uint32_t    i;

	(void)state;
	assert_int_equal(d_sgl_init(&src, 0), 0);
	assert_null(src.sg_iovs);
	d_sgl_fini(&src, true);

	assert_int_equal(d_sgl_init(&src, 3), 0);
	assert_int_equal(d_sgl_init(&dst, 3), 0);
	for (i = 0; i < 3; i++) {
		D_STRNDUP(src.sg_iovs[i].iov_buf, a, 10);
		src.sg_iovs[i].iov_buf_len = 11;
		src.sg_iovs[i].iov_len     = 10 - i;
		D_ALLOC(dst.sg_iovs[i].iov_buf, 16);
		dst.sg_iovs[i].iov_buf_len = 16;
	}
	assert_int_equal(d_sgl_buf_size(&src), 33);
	d_sgl_buf_copy(&dst, &src);
	assert_string_equal(dst.sg_iovs[2].iov_buf, a);
	assert_int_equal(dst.sg_iovs[2].iov_len, 8);
	d_sgl_fini(&src, true);
	d_sgl_fini(&dst, true);
	assert_int_equal(dst.sg_nr, 0);

	d_iov_set(&iov, a, 4);
	assert_ptr_equal(iov.iov_buf, a);
	assert_int_equal(iov.iov_len, 4);
	assert_int_equal(iov.iov_buf_len, 4);

	d_test_fi_setup();
	d_test_fail_nth_alloc(1);
	assert_int_equal(d_sgl_init(&src, 2), -DER_NOMEM);
	d_test_fi_teardown();
}

static void
test_string_buffer(void **state)
{
	struct d_string_buffer_t buf = {0};
	int                      i;

	(void)state;
	for (i = 0; i < 100; i++)
		assert_int_equal(d_write_string_buffer(&buf, "%d,", i), 0);
	assert_int_equal(buf.str_size, strlen(buf.str));
	assert_true(strncmp(buf.str, "0,1,2,", 6) == 0);
	assert_non_null(strstr(buf.str, ",99,"));
	d_free_string(&buf);
	assert_null(buf.str);
	assert_int_equal(d_write_string_buffer(NULL, "x"), -DER_NO_PERM);

	d_test_fi_setup();
	d_test_fail_nth_alloc(1);
	assert_int_equal(d_write_string_buffer(&buf, "x"), -DER_NOMEM);
	/* A failed buffer stays failed so a sequence of writes reports it once, at the end. */
	assert_int_equal(d_write_string_buffer(&buf, "y"), -DER_NO_PERM);
	d_free_string(&buf);
	d_test_fi_teardown();
}

static void
test_backoff(void **state)
{
	struct d_backoff_seq seq;
	uint32_t             v;
	int                  i;

	(void)state;
	assert_int_equal(d_backoff_seq_init(&seq, 0, 2, 0, 10), -DER_INVAL);
	assert_int_equal(d_backoff_seq_init(&seq, 2, 2, 20, 10), -DER_INVAL);
	assert_int_equal(d_backoff_seq_init(&seq, 2, 2, 10, 1000), 0);
	assert_int_equal(d_backoff_seq_next(&seq), 0);
	assert_int_equal(d_backoff_seq_next(&seq), 0);
	for (i = 0; i < 50; i++) {
		v = d_backoff_seq_next(&seq);
		assert_true(v <= 1000);
	}
	assert_int_equal(seq.bos_next, 1000);
	d_backoff_seq_fini(&seq);
}

static void
test_vec_pointers(void **state)
{
	struct d_vec_pointers v;
	int                   vals[100];
	int                   i;

	(void)state;
	assert_int_equal(d_vec_pointers_init(&v, 0), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(d_vec_pointers_append(&v, &vals[i]), 0);
	assert_int_equal(v.p_len, 100);
	assert_ptr_equal(v.p_buf[57], &vals[57]);
	d_vec_pointers_fini(&v);
	assert_int_equal(d_vec_pointers_init(NULL, 1), -DER_INVAL);
}

static void
test_time(void **state)
{
	struct timespec a = {.tv_sec = 1, .tv_nsec = 900000000};
	struct timespec b = {.tv_sec = 3, .tv_nsec = 100000000};
	struct timespec d;
	struct timespec now;
	struct timespec dl;

	(void)state;
	assert_int_equal(d_timediff_ns(&a, &b), 1200000000LL);
	d = d_timediff(&a, &b);
	assert_int_equal(d.tv_sec, 1);
	assert_int_equal(d.tv_nsec, 200000000);
	assert_true(d_timeless(&a, &b));
	assert_false(d_timeless(&b, &a));
	d_timeinc(&a, 1300000000ULL);
	assert_int_equal(a.tv_sec, 3);
	assert_int_equal(a.tv_nsec, 200000000);
	d = d_time_ms(1500);
	assert_true(d_time2ms(d) == 1500.0);
	assert_true(d_time2s(d) == 1.5);
	assert_true(d_time2us(d) == 1500000.0);
	assert_true(d_timenull(&(struct timespec){0}));

	assert_int_equal(d_gettime(&now), 0);
	dl = now;
	d_timeinc_ms(&dl, 60000);
	assert_true(d_timeleft_ns(&dl) > 0);
	assert_int_equal(d_timeleft_ns(&now), 0);
}

static void
test_misc_helpers(void **state)
{
	double vals[] = {2, 4, 4, 4, 5, 5, 7, 9};
	long   r;
	int    i;

	(void)state;
	assert_true(d_stand_div(vals, 8) == 2.0);
	assert_int_equal(d_power2_nbits(1), 0);
	assert_int_equal(d_power2_nbits(8), 3);
	assert_int_equal(d_power2_nbits(9), 4);
	assert_int_equal(D_ALIGNUP(13, 8), 16);
	d_srand(7);
	r = d_rand();
	d_srand(7);
	assert_int_equal(d_rand(), r);
	for (i = 0; i < 1000; i++) {
		double x = d_randd();

		assert_true(x >= 0 && x < 1);
		assert_true(d_rand() <= D_RAND_MAX);
	}
	assert_true(d_u64_hash(12345, 10) < 1024);
	assert_true(d_u32_hash(12345, 10) < 1024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alloc_macros),  cmocka_unit_test(test_alloc_injected),
	    cmocka_unit_test(test_sgl),           cmocka_unit_test(test_string_buffer),
	    cmocka_unit_test(test_backoff),       cmocka_unit_test(test_vec_pointers),
	    cmocka_unit_test(test_time),          cmocka_unit_test(test_misc_helpers),
	};

	return cmocka_run_group_tests_name("gurt_misc", tests, NULL, NULL);
}
