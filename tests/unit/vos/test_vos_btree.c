/* B+tree: 100k keys in random order, both key kinds; lookups, deletes, cursors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <vos/vos_internal.h>

#define NKEYS 100000

struct titem {
	uint32_t len;
	uint8_t  key[16];
};

static const void *
titem_key(const void *item, uint32_t *len)
{
	*len = ((const struct titem *)item)->len;
	return ((const struct titem *)item)->key;
}

static const struct btr_ops tops = {.key = titem_key};

static void
make_key(struct titem *it, uint64_t v, bool u64)
{
	if (u64) {
		it->len = 8;
		memcpy(it->key, &v, 8);
	} else {
		it->len = (uint32_t)snprintf((char *)it->key, sizeof(it->key), "k%" PRIu64, v);
	}
}

static void
shuffle(uint64_t *a, uint64_t n, unsigned int *seed)
{
	uint64_t i;

	for (i = n - 1; i > 0; i--) {
		uint64_t j = ((uint64_t)rand_r(seed) << 16 ^ rand_r(seed)) % (i + 1), t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

static void
run_tree(bool u64)
{
	struct btr_root   r = {.br_kind = u64 ? BTR_U64 : BTR_BYTES};
	struct titem     *items, probe, *it, *prev;
	struct btr_cursor c;
	uint64_t         *perm, i, n;
	unsigned int      seed = 42;

	items = calloc(NKEYS, sizeof(*items));
	perm  = calloc(NKEYS, sizeof(*perm));
	for (i = 0; i < NKEYS; i++) {
		/* Spread uint64 keys so byte order and numeric order differ. */
		make_key(&items[i], u64 ? i * 2654435761ULL % 1000003ULL * 300 : i, u64);
		perm[i] = i;
	}
	shuffle(perm, NKEYS, &seed);
	for (i = 0; i < NKEYS; i++)
		assert_int_equal(btr_insert(&tops, &r, &items[perm[i]]), 0);
	assert_int_equal(r.br_count, NKEYS);
	assert_int_equal(btr_check(&tops, &r), 0);
	assert_int_equal(btr_insert(&tops, &r, &items[5]), -DER_EXIST);
	for (i = 0; i < NKEYS; i++)
		assert_ptr_equal(btr_lookup(&tops, &r, items[i].key, items[i].len), &items[i]);
	make_key(&probe, u64 ? 7 : 999999999, u64);
	assert_null(btr_lookup(&tops, &r, probe.key, probe.len));

	/* Full iteration both ways is sorted and complete. */
	n    = 0;
	prev = NULL;
	for (btr_first(&tops, &r, &c); (it = btr_item(&c)) != NULL; btr_next(&c), n++) {
		if (prev != NULL)
			assert_true(btr_cmp(&r, prev->key, prev->len, it->key, it->len) < 0);
		prev = it;
	}
	assert_int_equal(n, NKEYS);
	n = 0;
	for (btr_last(&tops, &r, &c); btr_item(&c) != NULL; btr_prev(&c))
		n++;
	assert_int_equal(n, NKEYS);

	/* Seeks: GE/GT/LE/LT around every 97th key. */
	for (i = 0; i < NKEYS; i += 97) {
		it = &items[i];
		btr_seek(&tops, &r, &c, it->key, it->len, BTR_SEEK_GE);
		assert_ptr_equal(btr_item(&c), it);
		btr_seek(&tops, &r, &c, it->key, it->len, BTR_SEEK_LE);
		assert_ptr_equal(btr_item(&c), it);
		btr_seek(&tops, &r, &c, it->key, it->len, BTR_SEEK_GT);
		if (btr_item(&c) != NULL) {
			prev = btr_item(&c);
			assert_true(btr_cmp(&r, it->key, it->len, prev->key, prev->len) < 0);
			btr_prev(&c);
			assert_ptr_equal(btr_item(&c), it);
		}
		btr_seek(&tops, &r, &c, it->key, it->len, BTR_SEEK_LT);
		if (btr_item(&c) != NULL) {
			prev = btr_item(&c);
			assert_true(btr_cmp(&r, prev->key, prev->len, it->key, it->len) < 0);
			btr_next(&c);
			assert_ptr_equal(btr_item(&c), it);
		}
	}

	/* Delete half in another random order; the rest stays findable. */
	shuffle(perm, NKEYS, &seed);
	for (i = 0; i < NKEYS / 2; i++)
		assert_ptr_equal(btr_delete(&tops, &r, items[perm[i]].key, items[perm[i]].len),
				 &items[perm[i]]);
	assert_int_equal(btr_check(&tops, &r), 0);
	assert_null(btr_delete(&tops, &r, items[perm[0]].key, items[perm[0]].len));
	for (i = 0; i < NKEYS; i++) {
		void *f = btr_lookup(&tops, &r, items[perm[i]].key, items[perm[i]].len);

		if (i < NKEYS / 2)
			assert_null(f);
		else
			assert_ptr_equal(f, &items[perm[i]]);
	}
	for (; i > NKEYS / 2; i--)
		assert_non_null(btr_delete(&tops, &r, items[perm[i - 1]].key, items[perm[i - 1]].len));
	assert_int_equal(r.br_count, 0);
	assert_null(r.br_node);
	btr_first(&tops, &r, &c);
	assert_null(btr_item(&c));
	btr_destroy(&r, NULL, NULL);
	free(items);
	free(perm);
}

static void
test_btree_bytes(void **state)
{
	(void)state;
	run_tree(false);
}

static void
test_btree_u64(void **state)
{
	(void)state;
	run_tree(true);
}

static void
test_btree_small(void **state)
{
	struct btr_root   r = {.br_kind = BTR_U64};
	struct titem      it[3];
	struct btr_cursor c;
	int               i;

	(void)state;
	/* uint64 keys compare as numbers, not bytes: 256 > 1 though its first byte is 0. */
	make_key(&it[0], 256, true);
	make_key(&it[1], 1, true);
	make_key(&it[2], 2, true);
	for (i = 0; i < 3; i++)
		assert_int_equal(btr_insert(&tops, &r, &it[i]), 0);
	btr_first(&tops, &r, &c);
	assert_ptr_equal(btr_item(&c), &it[1]);
	btr_last(&tops, &r, &c);
	assert_ptr_equal(btr_item(&c), &it[0]);
	btr_destroy(&r, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_btree_small),
		cmocka_unit_test(test_btree_bytes),
		cmocka_unit_test(test_btree_u64),
	};

	return cmocka_run_group_tests_name("vos_btree", tests, NULL, NULL);
}
