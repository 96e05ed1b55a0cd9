/* Rank lists and rank ranges, including every allocation failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gurt/common.h>
#include "d_test_fi.h"

static d_rank_list_t *
mk(uint32_t n, const d_rank_t *r)
{
	d_rank_list_t *rl = d_rank_list_alloc(n);

	assert_non_null(rl);
	if (n > 0)
		memcpy(rl->rl_ranks, r, n * sizeof(*r));
	return rl;
}

static void
test_alloc_free(void **state)
{
	d_rank_list_t *rl;

	(void)state;
	rl = d_rank_list_alloc(0);
	assert_non_null(rl);
	assert_int_equal(rl->rl_nr, 0);
	assert_null(rl->rl_ranks);
	d_rank_list_free(rl);
	rl = d_rank_list_alloc(5);
	assert_int_equal(rl->rl_nr, 5);
	assert_int_equal(rl->rl_ranks[4], 0);
	d_rank_list_free(rl);
	d_rank_list_free(NULL);
}

static void
test_dup_sort_uniq(void **state)
{
	d_rank_t       r[] = {5, 3, 5, 1, 3, 9};
	d_rank_list_t *rl  = mk(6, r);
	d_rank_list_t *out = NULL;

	(void)state;
	assert_int_equal(d_rank_list_dup(&out, rl), 0);
	assert_true(d_rank_list_identical(out, rl));
	d_rank_list_free(out);
	assert_int_equal(d_rank_list_dup_sort_uniq(&out, rl), 0);
	assert_int_equal(out->rl_nr, 4);
	assert_int_equal(out->rl_ranks[0], 1);
	assert_int_equal(out->rl_ranks[1], 3);
	assert_int_equal(out->rl_ranks[2], 5);
	assert_int_equal(out->rl_ranks[3], 9);
	assert_false(d_rank_list_identical(out, rl));
	d_rank_list_free(out);
	assert_int_equal(d_rank_list_dup(&out, NULL), 0);
	assert_null(out);
	assert_int_equal(d_rank_list_dup(NULL, rl), -DER_INVAL);
	d_rank_list_free(rl);
}

static void
test_find_search(void **state)
{
	d_rank_t       r[] = {2, 4, 6, 8};
	d_rank_list_t *rl  = mk(4, r);
	uint32_t       uidx;
	int            idx;

	(void)state;
	assert_true(d_rank_list_find(rl, 6, &idx));
	assert_int_equal(idx, 2);
	assert_false(d_rank_list_find(rl, 5, &idx));
	assert_true(d_rank_list_bsearch(rl, 8, &idx));
	assert_int_equal(idx, 3);
	assert_false(d_rank_list_bsearch(rl, 1, NULL));
	assert_true(d_rank_in_rank_list(rl, 2));
	assert_false(d_rank_in_rank_list(NULL, 2));
	assert_int_equal(d_idx_in_rank_list(rl, 4, &uidx), 0);
	assert_int_equal(uidx, 1);
	assert_int_equal(d_idx_in_rank_list(rl, 7, &uidx), -DER_NONEXIST);
	assert_int_equal(d_idx_in_rank_list(rl, 7, NULL), -DER_INVAL);
	d_rank_list_free(rl);
}

static void
test_append_del(void **state)
{
	d_rank_list_t *rl = d_rank_list_alloc(0);
	int            i;

	(void)state;
	for (i = 0; i < 10; i++)
		assert_int_equal(d_rank_list_append(rl, (d_rank_t)i * 10), 0);
	assert_int_equal(rl->rl_nr, 10);
	assert_int_equal(d_rank_list_del(rl, 50), 0);
	assert_int_equal(rl->rl_nr, 9);
	assert_false(d_rank_in_rank_list(rl, 50));
	assert_int_equal(rl->rl_ranks[5], 60);
	assert_int_equal(d_rank_list_del(rl, 55), 0); /* absent: no change */
	assert_int_equal(rl->rl_nr, 9);
	d_rank_list_del_at(rl, 0);
	assert_int_equal(rl->rl_ranks[0], 10);
	d_rank_list_del_at(rl, (int)rl->rl_nr - 1);
	assert_int_equal(rl->rl_ranks[rl->rl_nr - 1], 80);
	assert_int_equal(d_rank_list_append(NULL, 1), -DER_INVAL);
	assert_int_equal(d_rank_list_resize(rl, 0), 0);
	assert_int_equal(rl->rl_nr, 0);
	d_rank_list_free(rl);
}

static void
test_filter_merge_copy(void **state)
{
	d_rank_t       a[] = {1, 2, 3, 4, 5};
	d_rank_t       b[] = {2, 4, 6};
	d_rank_list_t *src;
	d_rank_list_t *dst;

	(void)state;
	src = mk(3, b);
	dst = mk(5, a);
	d_rank_list_filter(src, dst, true); /* drop 2 and 4 */
	assert_int_equal(dst->rl_nr, 3);
	assert_int_equal(dst->rl_ranks[1], 3);
	d_rank_list_free(dst);
	dst = mk(5, a);
	d_rank_list_filter(src, dst, false); /* keep only 2 and 4 */
	assert_int_equal(dst->rl_nr, 2);
	assert_int_equal(dst->rl_ranks[0], 2);
	assert_int_equal(dst->rl_ranks[1], 4);
	assert_int_equal(d_rank_list_merge(dst, src), 0);
	assert_int_equal(dst->rl_nr, 3);
	assert_true(d_rank_in_rank_list(dst, 6));
	assert_int_equal(d_rank_list_copy(dst, src), 0);
	assert_true(d_rank_list_identical(dst, src));
	assert_int_equal(d_rank_list_copy(dst, NULL), -DER_INVAL);
	d_rank_list_free(dst);
	d_rank_list_free(src);
}

static void
test_shuffle_sort(void **state)
{
	d_rank_list_t *rl = d_rank_list_alloc(100);
	uint32_t       i;
	bool           moved = false;

	(void)state;
	for (i = 0; i < 100; i++)
		rl->rl_ranks[i] = i;
	d_srand(42);
	d_rank_list_shuffle(rl);
	for (i = 0; i < 100; i++)
		moved |= rl->rl_ranks[i] != i;
	assert_true(moved);
	d_rank_list_sort(rl);
	for (i = 0; i < 100; i++)
		assert_int_equal(rl->rl_ranks[i], i);
	d_rank_list_free(rl);
}

static void
test_uint32_array(void **state)
{
	uint32_t       in[] = {7, 8, 9};
	uint32_t      *out;
	size_t         len;
	d_rank_list_t *rl;

	(void)state;
	rl = uint32_array_to_rank_list(in, 3);
	assert_non_null(rl);
	assert_int_equal(rl->rl_ranks[2], 9);
	assert_int_equal(rank_list_to_uint32_array(rl, &out, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(out, in, sizeof(in));
	D_FREE(out);
	assert_int_equal(rank_list_to_uint32_array(NULL, &out, &len), -DER_INVAL);
	d_rank_list_free(rl);
	assert_null(uint32_array_to_rank_list(NULL, 3));
}

static void
test_to_str(void **state)
{
	d_rank_t       r[] = {7, 0, 1, 2, 3, 9, 10, 3};
	d_rank_list_t *rl  = mk(8, r);
	d_rank_list_t *empty;
	char          *s;

	(void)state;
	assert_int_equal(d_rank_list_to_str(rl, &s), 0);
	assert_string_equal(s, "[0-3,7,9-10]");
	D_FREE(s);
	empty = d_rank_list_alloc(0);
	assert_int_equal(d_rank_list_to_str(empty, &s), 0);
	assert_string_equal(s, "[]");
	D_FREE(s);
	assert_int_equal(d_rank_list_to_str(NULL, &s), 0);
	assert_null(s);
	assert_int_equal(d_rank_list_dump(rl, "ranks", 10), 0);
	assert_int_equal(d_rank_list_dump(rl, "too long a name", 3), -DER_INVAL);
	d_rank_list_free(rl);
	d_rank_list_free(empty);
}

static void
test_range_list(void **state)
{
	d_rank_range_list_t *rr;
	d_rank_range_list_t *rr2;
	char                *s;

	(void)state;
	rr = d_rank_range_list_alloc(2);
	assert_non_null(rr);
	rr->rrl_ranges[0] = (d_rank_range_t){.lo = 1, .hi = 1};
	rr->rrl_ranges[1] = (d_rank_range_t){.lo = 4, .hi = 6};
	assert_int_equal(d_rank_range_list_str(rr, &s), 0);
	assert_string_equal(s, "[1,4-6]");
	D_FREE(s);
	rr2 = d_rank_range_list_realloc(rr, 3);
	assert_ptr_equal(rr2, rr);
	rr->rrl_ranges[2] = (d_rank_range_t){.lo = 9, .hi = 8}; /* inverted: invalid */
	assert_int_equal(d_rank_range_list_str(rr, &s), -DER_INVAL);
	d_rank_range_list_free(rr);
	d_rank_range_list_free(NULL);
}

/*
 * Fail each allocation of a call in turn: it must return -DER_NOMEM (or NULL)
 * and leave its inputs as they were; at the end the call succeeds.
 */
static void
test_alloc_failures(void **state)
{
	d_rank_t       r[] = {4, 1, 2, 9, 3};
	d_rank_list_t *rl;
	d_rank_list_t *out;
	uint32_t       n;
	int            rc;
	char          *s;

	(void)state;
	d_test_fi_setup();
	rl = mk(5, r);

	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		out = d_rank_list_alloc(3);
		d_test_fail_nth_alloc(0);
		if (out != NULL)
			break;
	}
	assert_int_equal(n, 3); /* the list and its array: two allocations */
	d_rank_list_free(out);

	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		rc = d_rank_list_dup_sort_uniq(&out, rl);
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
	}
	assert_int_equal(out->rl_nr, 5);
	d_rank_list_free(out);

	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		rc = d_rank_list_append(rl, 77);
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
		assert_int_equal(rl->rl_nr, 5); /* unchanged on failure */
		assert_int_equal(rl->rl_ranks[4], 3);
	}
	assert_int_equal(rl->rl_nr, 6);

	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		rc = d_rank_list_to_str(rl, &s);
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
	}
	assert_string_equal(s, "[1-4,9,77]");
	D_FREE(s);

	for (n = 1;; n++) {
		uint32_t *ints;
		size_t    len;

		d_test_fail_nth_alloc(n);
		rc = rank_list_to_uint32_array(rl, &ints, &len);
		d_test_fail_nth_alloc(0);
		if (rc == 0) {
			D_FREE(ints);
			break;
		}
		assert_int_equal(rc, -DER_NOMEM);
	}
	d_rank_list_free(rl);
	d_test_fi_teardown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alloc_free),      cmocka_unit_test(test_dup_sort_uniq),
	    cmocka_unit_test(test_find_search),     cmocka_unit_test(test_append_del),
	    cmocka_unit_test(test_filter_merge_copy), cmocka_unit_test(test_shuffle_sort),
	    cmocka_unit_test(test_uint32_array),    cmocka_unit_test(test_to_str),
	    cmocka_unit_test(test_range_list),      cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests_name("gurt_rank", tests, NULL, NULL);
}
