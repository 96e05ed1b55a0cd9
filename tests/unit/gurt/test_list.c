/* Intrusive lists (gurt/list.h): every call and iterator, checked against expected orders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gurt/common.h>
#include <gurt/list.h>

struct item {
	int            val;
	d_list_t       link;
	d_hlist_node_t hnode;
};

#define NITEMS 6

static void
items_init(struct item *items, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		items[i].val = i;
		D_INIT_LIST_HEAD(&items[i].link);
		D_INIT_HLIST_NODE(&items[i].hnode);
	}
}

/* Check the list holds exactly the values of want, in order, both ways round. */
static void
assert_order(d_list_t *head, const int *want, int n)
{
	struct item *it;
	int          i = 0;

	d_list_for_each_entry(it, head, link) {
		assert_true(i < n);
		assert_int_equal(it->val, want[i]);
		i++;
	}
	assert_int_equal(i, n);
	d_list_for_each_entry_reverse(it, head, link) {
		i--;
		assert_int_equal(it->val, want[i]);
	}
	assert_int_equal(i, 0);
	assert_int_equal(d_list_empty(head), n == 0);
}

static void
test_init_and_empty(void **state)
{
	D_LIST_HEAD(stat_head);
	d_list_t dyn = D_LIST_HEAD_INIT(dyn);
	d_list_t ini;

	(void)state;
	D_INIT_LIST_HEAD(&ini);
	assert_true(d_list_empty(&stat_head));
	assert_true(d_list_empty(&dyn));
	assert_true(d_list_empty(&ini));
	assert_true(d_list_empty_careful(&ini));
	assert_ptr_equal(ini.next, &ini);
	assert_ptr_equal(ini.prev, &ini);
}

static void
test_add_del(void **state)
{
	struct item items[NITEMS];
	D_LIST_HEAD(head);

	(void)state;
	items_init(items, NITEMS);
	d_list_add(&items[1].link, &head);
	d_list_add(&items[0].link, &head);
	d_list_add_tail(&items[2].link, &head);
	d_list_add_tail(&items[3].link, &head);
	assert_order(&head, (int[]){0, 1, 2, 3}, 4);
	assert_false(d_list_empty_careful(&head));

	d_list_del(&items[1].link);
	assert_order(&head, (int[]){0, 2, 3}, 3);

	d_list_del_init(&items[0].link);
	assert_true(d_list_empty(&items[0].link));
	assert_order(&head, (int[]){2, 3}, 2);

	d_list_del_init(&items[3].link);
	d_list_del_init(&items[2].link);
	assert_order(&head, NULL, 0);
	assert_true(d_list_empty_careful(&head));
}

static void
test_move(void **state)
{
	struct item items[NITEMS];
	D_LIST_HEAD(a);
	D_LIST_HEAD(b);
	int i;

	(void)state;
	items_init(items, NITEMS);
	for (i = 0; i < 4; i++)
		d_list_add_tail(&items[i].link, &a);

	d_list_move(&items[2].link, &b);
	d_list_move_tail(&items[0].link, &b);
	d_list_move(&items[3].link, &b);
	assert_order(&a, (int[]){1}, 1);
	assert_order(&b, (int[]){3, 2, 0}, 3);

	/* Moving within the same list reorders it. */
	d_list_move_tail(&items[3].link, &b);
	d_list_move(&items[0].link, &b);
	assert_order(&b, (int[]){0, 2, 3}, 3);
}

static void
test_splice(void **state)
{
	struct item items[NITEMS];
	D_LIST_HEAD(a);
	D_LIST_HEAD(b);
	D_LIST_HEAD(empty);
	int i;

	(void)state;
	items_init(items, NITEMS);
	for (i = 0; i < 3; i++)
		d_list_add_tail(&items[i].link, &a);
	for (i = 3; i < 5; i++)
		d_list_add_tail(&items[i].link, &b);

	/* Splicing an empty list changes nothing. */
	d_list_splice(&empty, &a);
	d_list_splice_init(&empty, &a);
	assert_order(&a, (int[]){0, 1, 2}, 3);
	assert_true(d_list_empty(&empty));

	d_list_splice_init(&b, &a);
	assert_true(d_list_empty(&b));
	assert_order(&a, (int[]){3, 4, 0, 1, 2}, 5);

	/* Splice into the middle: after item 4. */
	d_list_add(&items[5].link, &b);
	d_list_splice(&b, &items[4].link);
	assert_order(&a, (int[]){3, 4, 5, 0, 1, 2}, 6);
}

static void
test_pop_entry(void **state)
{
	struct item  items[NITEMS];
	struct item *it;
	D_LIST_HEAD(head);

	(void)state;
	items_init(items, NITEMS);
	assert_null(d_list_pop_entry(&head, struct item, link));
	d_list_add_tail(&items[4].link, &head);
	d_list_add_tail(&items[5].link, &head);

	it = d_list_pop_entry(&head, struct item, link);
	assert_ptr_equal(it, &items[4]);
	assert_true(d_list_empty(&items[4].link));
	it = d_list_pop_entry(&head, struct item, link);
	assert_ptr_equal(it, &items[5]);
	assert_null(d_list_pop_entry(&head, struct item, link));
	assert_true(d_list_empty(&head));
}

static void
test_entry(void **state)
{
	struct item it;

	(void)state;
	assert_ptr_equal(d_list_entry(&it.link, struct item, link), &it);
	assert_ptr_equal(container_of(&it.link, struct item, link), &it);
	assert_ptr_equal(d_hlist_entry(&it.hnode, struct item, hnode), &it);
}

static void
test_iterators(void **state)
{
	struct item  items[NITEMS];
	struct item *it;
	struct item *n;
	d_list_t    *pos;
	d_list_t    *tmp;
	D_LIST_HEAD(head);
	int          i;

	(void)state;
	items_init(items, NITEMS);
	for (i = 0; i < NITEMS; i++)
		d_list_add_tail(&items[i].link, &head);

	i = 0;
	d_list_for_each(pos, &head)
		assert_int_equal(d_list_entry(pos, struct item, link)->val, i++);
	assert_int_equal(i, NITEMS);

	d_list_for_each_prev(pos, &head)
		assert_int_equal(d_list_entry(pos, struct item, link)->val, --i);
	assert_int_equal(i, 0);

	d_list_for_each_entry_rcu(it, &head, link)
		assert_int_equal(it->val, i++);
	assert_int_equal(i, NITEMS);

	i = 0;
	d_list_for_each_entry_typed(it, &head, struct item, link)
		assert_int_equal(it->val, i++);
	assert_int_equal(i, NITEMS);
	d_list_for_each_entry_reverse_typed(it, &head, struct item, link)
		assert_int_equal(it->val, --i);
	assert_int_equal(i, 0);

	/* continue starts after pos. */
	it = &items[2];
	i  = 3;
	d_list_for_each_entry_continue(it, &head, link)
		assert_int_equal(it->val, i++);
	assert_int_equal(i, NITEMS);

	/* safe_from includes pos and survives deletion: drop 3 and 5. */
	it = &items[3];
	d_list_for_each_entry_safe_from(it, n, &head, link) {
		if (it->val % 2)
			d_list_del_init(&it->link);
	}
	assert_order(&head, (int[]){0, 1, 2, 4}, 4);

	/* safe_from_typed: from 2, drop 2. */
	it = &items[2];
	i  = 0;
	d_list_for_each_entry_safe_from_typed(it, n, &head, struct item, link) {
		if (i++ == 0)
			d_list_del_init(&it->link);
	}
	assert_int_equal(i, 2);
	assert_order(&head, (int[]){0, 1, 4}, 3);

	/* reverse_safe: drop 1. */
	d_list_for_each_entry_reverse_safe(it, n, &head, link) {
		if (it->val == 1)
			d_list_del_init(&it->link);
	}
	assert_order(&head, (int[]){0, 4}, 2);

	/* for_each_safe empties the list. */
	d_list_for_each_safe(pos, tmp, &head)
		d_list_del_init(pos);
	assert_true(d_list_empty(&head));

	for (i = 0; i < NITEMS; i++)
		d_list_add_tail(&items[i].link, &head);
	d_list_for_each_entry_safe_typed(it, n, &head, struct item, link) {
		if (it->val < 3)
			d_list_del_init(&it->link);
	}
	assert_order(&head, (int[]){3, 4, 5}, 3);
	d_list_for_each_entry_safe(it, n, &head, link)
		d_list_del(&it->link);
	D_INIT_LIST_HEAD(&head);

	/* Every iterator on an empty list runs zero times. */
	i = 0;
	d_list_for_each(pos, &head)
		i++;
	d_list_for_each_entry(it, &head, link)
		i++;
	d_list_for_each_entry_reverse(it, &head, link)
		i++;
	d_list_for_each_entry_safe(it, n, &head, link)
		i++;
	assert_int_equal(i, 0);
}

/* hlist order as an array of values; returns the count. */
static int
hlist_vals(d_hlist_head_t *h, int *out)
{
	struct item    *it;
	d_hlist_node_t *pos;
	int             n = 0;

	dhlist_for_each_entry(it, pos, h, hnode)
		out[n++] = it->val;
	return n;
}

static void
test_hlist(void **state)
{
	struct item     items[NITEMS];
	struct item    *it;
	d_hlist_node_t *pos;
	d_hlist_node_t *tmp;
	D_HLIST_HEAD(h);
	d_hlist_head_t  h2 = D_HLIST_HEAD_INIT;
	int             vals[NITEMS];
	int             i;

	(void)state;
	items_init(items, NITEMS);
	assert_true(d_hlist_empty(&h));
	assert_true(d_hlist_empty(&h2));
	D_INIT_HLIST_HEAD(&h2);
	assert_true(d_hlist_unhashed(&items[0].hnode));

	d_hlist_add_head(&items[2].hnode, &h);
	d_hlist_add_head(&items[0].hnode, &h);
	d_hlist_add_after(&items[1].hnode, &items[0].hnode);     /* 0 1 2 */
	d_hlist_add_after(&items[4].hnode, &items[2].hnode);     /* at the tail */
	d_hlist_add_before(&items[3].hnode, &items[4].hnode);    /* 0 1 2 3 4 */
	d_hlist_add_before(&items[5].hnode, &items[0].hnode);    /* new first */
	assert_false(d_hlist_empty(&h));
	assert_false(d_hlist_unhashed(&items[5].hnode));
	assert_int_equal(hlist_vals(&h, vals), 6);
	assert_memory_equal(vals, ((int[]){5, 0, 1, 2, 3, 4}), sizeof(vals));

	i = 0;
	dhlist_for_each(pos, &h)
		i++;
	assert_int_equal(i, 6);

	i = 0;
	dhlist_for_each_entry_typed(it, pos, &h, struct item, hnode)
		assert_int_equal(it->val, vals[i++]);
	assert_int_equal(i, 6);

	/* continue: after item 1; from: item 1 included. */
	pos = &items[1].hnode;
	i   = 3;
	dhlist_for_each_entry_continue(it, pos, hnode)
		assert_int_equal(it->val, vals[i++]);
	assert_int_equal(i, 6);
	pos = &items[1].hnode;
	i   = 2;
	dhlist_for_each_entry_from(it, pos, hnode)
		assert_int_equal(it->val, vals[i++]);
	assert_int_equal(i, 6);

	d_hlist_del(&items[5].hnode);        /* the first */
	d_hlist_del_init(&items[4].hnode);   /* the last */
	d_hlist_del_init(&items[2].hnode);   /* a middle one */
	assert_true(d_hlist_unhashed(&items[2].hnode));
	d_hlist_del_init(&items[2].hnode);   /* unhashed: a no-op */
	assert_int_equal(hlist_vals(&h, vals), 3);
	assert_memory_equal(vals, ((int[]){0, 1, 3}), 3 * sizeof(int));

	dhlist_for_each_entry_safe(it, pos, tmp, &h, hnode) {
		if (it->val == 1)
			d_hlist_del_init(&it->hnode);
	}
	assert_int_equal(hlist_vals(&h, vals), 2);
	dhlist_for_each_entry_safe_typed(it, pos, tmp, &h, struct item, hnode)
		d_hlist_del_init(&it->hnode);
	assert_true(d_hlist_empty(&h));

	d_hlist_add_head(&items[0].hnode, &h);
	dhlist_for_each_safe(pos, tmp, &h)
		d_hlist_del_init(pos);
	assert_true(d_hlist_empty(&h));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_empty),
		cmocka_unit_test(test_add_del),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_splice),
		cmocka_unit_test(test_pop_entry),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_iterators),
		cmocka_unit_test(test_hlist),
	};

	return cmocka_run_group_tests_name("gurt_list", tests, NULL, NULL);
}
