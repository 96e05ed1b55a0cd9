/*
 * Hash tables (gurt/hash.h) under every lock flavour, the handle and uuid tables, allocation
 * failure in every allocating call, and the hash functions of gurt/common.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <cmocka.h>
#include <gurt/common.h>
#include <gurt/hash.h>
#include "d_test_fi.h"

/* A record: a 64-bit key and an atomic count, so every lock flavour may share it. */
struct rec {
	d_list_t    r_link;
	uint64_t    r_key;
	atomic_int  r_ref;
};

static atomic_int nfreed;

static inline struct rec *
rec_of(d_list_t *link)
{
	return container_of(link, struct rec, r_link);
}

static struct rec *
rec_new(uint64_t key, int ref)
{
	struct rec *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	D_INIT_LIST_HEAD(&r->r_link);
	r->r_key = key;
	atomic_init(&r->r_ref, ref);
	return r;
}

static inline int
rec_ref(struct rec *r)
{
	return atomic_load(&r->r_ref);
}

static bool
rec_key_cmp(struct d_hash_table *ht, d_list_t *link, const void *key, unsigned int ksize)
{
	(void)ht;
	return ksize == sizeof(uint64_t) && rec_of(link)->r_key == *(const uint64_t *)key;
}

/* Deliberately weak (the key itself): the table must still spread it over buckets. */
static uint32_t
rec_key_hash(struct d_hash_table *ht, const void *key, unsigned int ksize)
{
	(void)ht;
	(void)ksize;
	return (uint32_t)*(const uint64_t *)key;
}

static uint32_t
rec_rec_hash(struct d_hash_table *ht, d_list_t *link)
{
	(void)ht;
	return (uint32_t)rec_of(link)->r_key;
}

static void
rec_addref(struct d_hash_table *ht, d_list_t *link)
{
	(void)ht;
	atomic_fetch_add(&rec_of(link)->r_ref, 1);
}

static bool
rec_decref(struct d_hash_table *ht, d_list_t *link)
{
	(void)ht;
	return atomic_fetch_sub(&rec_of(link)->r_ref, 1) == 1;
}

static int
rec_ndecref(struct d_hash_table *ht, d_list_t *link, int count)
{
	struct rec *r   = rec_of(link);
	int         old = atomic_load(&r->r_ref);

	(void)ht;
	do {
		if (old < count)
			return -DER_INVAL;
	} while (!atomic_compare_exchange_weak(&r->r_ref, &old, old - count));
	return old == count;
}

static void
rec_free(struct d_hash_table *ht, d_list_t *link)
{
	(void)ht;
	atomic_fetch_add(&nfreed, 1);
	free(rec_of(link));
}

static d_hash_table_ops_t ops_full = {
	.hop_key_cmp     = rec_key_cmp,
	.hop_key_hash    = rec_key_hash,
	.hop_rec_hash    = rec_rec_hash,
	.hop_rec_addref  = rec_addref,
	.hop_rec_decref  = rec_decref,
	.hop_rec_ndecref = rec_ndecref,
	.hop_rec_free    = rec_free,
};

/* Without ndecref: the table repeats decref. */
static d_hash_table_ops_t ops_no_ndecref = {
	.hop_key_cmp    = rec_key_cmp,
	.hop_key_hash   = rec_key_hash,
	.hop_rec_hash   = rec_rec_hash,
	.hop_rec_addref = rec_addref,
	.hop_rec_decref = rec_decref,
	.hop_rec_free   = rec_free,
};

/* Only the mandatory compare: default hash, one table lock, no reference counting. */
static d_hash_table_ops_t ops_min = {
	.hop_key_cmp = rec_key_cmp,
};

static const uint32_t flavours[] = {
	0,
	D_HASH_FT_MUTEX,
	D_HASH_FT_RWLOCK,
	D_HASH_FT_GLOCK,
	D_HASH_FT_GLOCK | D_HASH_FT_MUTEX,
	D_HASH_FT_GLOCK | D_HASH_FT_RWLOCK,
	D_HASH_FT_NOLOCK,
};

static int
count_cb(d_list_t *link, void *arg)
{
	(void)link;
	(*(int *)arg)++;
	return 0;
}

static int
ht_count(struct d_hash_table *ht)
{
	int n = 0;

	assert_int_equal(d_hash_table_traverse(ht, count_cb, &n), 0);
	return n;
}

static int
setup(void **state)
{
	(void)state;
	d_test_fi_setup();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	d_test_fi_teardown();
	return 0;
}

static void
test_create_destroy(void **state)
{
	struct d_hash_table *ht = NULL;
	struct d_hash_table  inplace;
	d_hash_table_ops_t   no_cmp = {0};
	unsigned int         i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(flavours); i++) {
		assert_int_equal(d_hash_table_create(flavours[i], 4, &inplace, &ops_full, &ht), 0);
		assert_non_null(ht);
		assert_int_equal(ht->ht_bits, 4);
		assert_ptr_equal(ht->ht_priv, &inplace);
		assert_ptr_equal(ht->ht_ops, &ops_full);
		/* Bucket locks only without NOLOCK and GLOCK. */
		assert_int_equal(ht->ht_locks != NULL,
				 !(flavours[i] & (D_HASH_FT_NOLOCK | D_HASH_FT_GLOCK)));
		assert_null(d_hash_rec_first(ht));
		assert_int_equal(d_hash_table_destroy(ht, false), 0);
	}

	/* One bucket, and a table too small to need the stripe cap. */
	assert_int_equal(d_hash_table_create(0, 0, NULL, &ops_full, &ht), 0);
	assert_int_equal(d_hash_table_destroy(ht, true), 0);

	/* No rec_hash: one table lock is forced. */
	assert_int_equal(d_hash_table_create_inplace(0, 3, NULL, &ops_min, &inplace), 0);
	assert_true(inplace.ht_feats & D_HASH_FT_GLOCK);
	assert_null(inplace.ht_locks);
	assert_int_equal(d_hash_table_destroy_inplace(&inplace, false), 0);
	assert_null(inplace.ht_buckets);
	/* A second destroy of an in-place table is harmless. */
	assert_int_equal(d_hash_table_destroy_inplace(&inplace, false), 0);

	assert_int_equal(d_hash_table_create(0, 4, NULL, NULL, &ht), -DER_INVAL);
	assert_null(ht);
	assert_int_equal(d_hash_table_create(0, 4, NULL, &no_cmp, &ht), -DER_INVAL);
	assert_int_equal(d_hash_table_create(0, 32, NULL, &ops_full, &ht), -DER_INVAL);
	assert_int_equal(d_hash_table_create_inplace(0, 4, NULL, &ops_full, NULL), -DER_INVAL);
}

/* Insert, find, delete under one flavour; nothing may leak or be freed early. */
static void
check_basic(uint32_t feats, d_hash_table_ops_t *ops)
{
	enum { N = 64 };
	struct d_hash_table *ht;
	struct rec          *recs[N];
	struct rec          *dup;
	d_list_t            *link;
	uint64_t             key;
	int                  i;

	atomic_store(&nfreed, 0);
	assert_int_equal(d_hash_table_create(feats, 3, NULL, ops, &ht), 0);
	for (i = 0; i < N; i++) {
		recs[i] = rec_new(i, 1);
		assert_true(d_hash_rec_unlinked(&recs[i]->r_link));
		key = i;
		assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &recs[i]->r_link, true),
				 0);
		assert_false(d_hash_rec_unlinked(&recs[i]->r_link));
		/* The creator's reference and the table's. */
		assert_int_equal(rec_ref(recs[i]), 2);
	}
	assert_int_equal(ht_count(ht), N);

	for (i = 0; i < N; i++) {
		key  = i;
		link = d_hash_rec_find(ht, &key, sizeof(key));
		assert_ptr_equal(link, &recs[i]->r_link);
		assert_int_equal(rec_ref(recs[i]), 3);
		d_hash_rec_decref(ht, link);
		assert_int_equal(rec_ref(recs[i]), 2);
	}
	key = N + 1;
	assert_null(d_hash_rec_find(ht, &key, sizeof(key)));

	/* Exclusive duplicate is refused and left alone; a non-exclusive one is kept. */
	dup = rec_new(5, 1);
	key = 5;
	assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &dup->r_link, true), -DER_EXIST);
	assert_true(d_hash_rec_unlinked(&dup->r_link));
	assert_int_equal(rec_ref(dup), 1);
	assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &dup->r_link, false), 0);
	assert_int_equal(ht_count(ht), N + 1);
	/* Two deletes by key remove both, the newest first. */
	assert_true(d_hash_rec_delete(ht, &key, sizeof(key)));
	assert_true(d_hash_rec_unlinked(&dup->r_link));
	assert_true(d_hash_rec_delete(ht, &key, sizeof(key)));
	assert_false(d_hash_rec_delete(ht, &key, sizeof(key)));
	assert_int_equal(atomic_load(&nfreed), 0);
	d_hash_rec_decref(ht, &dup->r_link);
	d_hash_rec_decref(ht, &recs[5]->r_link);
	assert_int_equal(atomic_load(&nfreed), 2);

	/* delete_at drops the table's reference once. */
	assert_true(d_hash_rec_delete_at(ht, &recs[7]->r_link));
	assert_false(d_hash_rec_delete_at(ht, &recs[7]->r_link));
	assert_int_equal(rec_ref(recs[7]), 1);
	d_hash_rec_decref(ht, &recs[7]->r_link);
	assert_int_equal(atomic_load(&nfreed), 3);

	/* Leave the table the only owner, then let a forced destroy free everything. */
	for (i = 0; i < N; i++) {
		if (i != 5 && i != 7)
			d_hash_rec_decref(ht, &recs[i]->r_link);
	}
	assert_int_equal(atomic_load(&nfreed), 3);
	assert_int_equal(d_hash_table_destroy(ht, false), -DER_BUSY);
	assert_int_equal(ht_count(ht), N - 2);
	key = 9;
	link = d_hash_rec_find(ht, &key, sizeof(key));
	assert_ptr_equal(link, &recs[9]->r_link);
	d_hash_rec_decref(ht, link);
	assert_int_equal(d_hash_table_destroy(ht, true), 0);
	assert_int_equal(atomic_load(&nfreed), N + 1);
}

static void
test_basic_all_locks(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(flavours); i++) {
		check_basic(flavours[i], &ops_full);
		check_basic(flavours[i], &ops_no_ndecref);
		check_basic(flavours[i] | D_HASH_FT_LRU, &ops_full);
	}
}

/* Only key_cmp: the default (djb2) hash and no reference counting at all. */
static void
test_minimal_ops(void **state)
{
	struct d_hash_table *ht;
	struct rec          *r = rec_new(42, 1);
	uint64_t             key = 42;

	(void)state;
	assert_int_equal(d_hash_table_create(0, 4, NULL, &ops_min, &ht), 0);
	assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r->r_link, true), 0);
	assert_ptr_equal(d_hash_rec_find(ht, &key, sizeof(key)), &r->r_link);
	d_hash_rec_addref(ht, &r->r_link);
	d_hash_rec_decref(ht, &r->r_link);
	assert_int_equal(d_hash_rec_ndecref(ht, 3, &r->r_link), 0);
	assert_int_equal(rec_ref(r), 1);
	assert_ptr_equal(d_hash_rec_first(ht), &r->r_link);
	assert_true(d_hash_rec_delete_at(ht, &r->r_link));
	assert_int_equal(d_hash_table_destroy(ht, false), 0);
	free(r);
}

static void
test_refcounts(void **state)
{
	struct d_hash_table *ht;
	struct rec          *r;
	uint64_t             key = 3;

	(void)state;
	atomic_store(&nfreed, 0);
	assert_int_equal(d_hash_table_create(0, 2, NULL, &ops_full, &ht), 0);
	r = rec_new(key, 1);
	assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r->r_link, true), 0);
	d_hash_rec_addref(ht, &r->r_link);
	d_hash_rec_addref(ht, &r->r_link);
	assert_int_equal(rec_ref(r), 4);
	assert_int_equal(d_hash_rec_ndecref(ht, 2, &r->r_link), 0);
	assert_int_equal(rec_ref(r), 2);
	/* More than held, or a negative count: refused, nothing changes. */
	assert_int_equal(d_hash_rec_ndecref(ht, 5, &r->r_link), -DER_INVAL);
	assert_int_equal(d_hash_rec_ndecref(ht, -1, &r->r_link), -DER_INVAL);
	assert_int_equal(d_hash_rec_ndecref(ht, 0, &r->r_link), 0);
	assert_int_equal(rec_ref(r), 2);
	/* Deleted while the creator still holds it: not freed until the creator lets go. */
	assert_true(d_hash_rec_delete(ht, &key, sizeof(key)));
	assert_int_equal(rec_ref(r), 1);
	assert_int_equal(atomic_load(&nfreed), 0);
	assert_int_equal(d_hash_rec_ndecref(ht, 1, &r->r_link), 0);
	assert_int_equal(atomic_load(&nfreed), 1);
	assert_int_equal(d_hash_table_destroy(ht, false), 0);

	/* The repeated-decref path frees when the count reaches exactly zero. */
	assert_int_equal(d_hash_table_create(0, 2, NULL, &ops_no_ndecref, &ht), 0);
	r = rec_new(key, 2);
	assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r->r_link, true), 0);
	assert_true(d_hash_rec_delete_at(ht, &r->r_link));
	assert_int_equal(d_hash_rec_ndecref(ht, 2, &r->r_link), 0);
	assert_int_equal(atomic_load(&nfreed), 2);
	assert_int_equal(d_hash_table_destroy(ht, false), 0);
}

static void
check_ephemeral(uint32_t feats, int bits)
{
	enum { N = 100 };
	struct d_hash_table *ht;
	struct rec          *r;
	struct rec          *keep;
	d_list_t            *link;
	uint64_t             key;
	int                  i;

	atomic_store(&nfreed, 0);
	assert_int_equal(d_hash_table_create(feats | D_HASH_FT_EPHEMERAL, bits, NULL, &ops_full,
					     &ht), 0);
	for (i = 0; i < N; i++) {
		r   = rec_new(i, 1);
		key = i;
		assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r->r_link, true), 0);
		/* The table takes no reference of its own. */
		assert_int_equal(rec_ref(r), 1);
	}

	/* A lookup's reference going leaves the record in place. */
	key  = 10;
	link = d_hash_rec_find(ht, &key, sizeof(key));
	assert_non_null(link);
	keep = rec_of(link);
	assert_int_equal(rec_ref(keep), 2);
	d_hash_rec_decref(ht, link);
	assert_false(d_hash_rec_unlinked(link));

	/* Deleting only unlinks: the holder still frees it with its last decref. */
	d_hash_rec_addref(ht, link);
	assert_true(d_hash_rec_delete_at(ht, link));
	assert_int_equal(rec_ref(keep), 2);
	assert_int_equal(atomic_load(&nfreed), 0);
	assert_int_equal(d_hash_rec_ndecref(ht, 2, link), 0);
	assert_int_equal(atomic_load(&nfreed), 1);

	/* The last reference going through ndecref unlinks and frees too. */
	key  = 11;
	link = d_hash_rec_find(ht, &key, sizeof(key));
	assert_int_equal(d_hash_rec_ndecref(ht, 2, link), 0);
	assert_int_equal(atomic_load(&nfreed), 2);
	assert_null(d_hash_rec_find(ht, &key, sizeof(key)));

	/* The drain loop programs use must end, having freed everything. */
	i = 0;
	while ((link = d_hash_rec_first(ht)) != NULL) {
		d_hash_rec_decref(ht, link);
		assert_true(++i <= N);
	}
	assert_int_equal(i, N - 2);
	assert_int_equal(atomic_load(&nfreed), N);
	assert_int_equal(d_hash_table_destroy(ht, false), 0);
}

static void
test_ephemeral(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(flavours); i++) {
		check_ephemeral(flavours[i], 4);
		check_ephemeral(flavours[i], 0);
	}
}

/* A forced destroy of an ephemeral table unlinks; the owners still hold their records. */
static void
test_ephemeral_force_destroy(void **state)
{
	struct d_hash_table *ht;
	struct rec          *r = rec_new(1, 1);
	uint64_t             key = 1;

	(void)state;
	atomic_store(&nfreed, 0);
	assert_int_equal(d_hash_table_create(D_HASH_FT_EPHEMERAL, 2, NULL, &ops_full, &ht), 0);
	assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r->r_link, true), 0);
	assert_int_equal(d_hash_table_destroy(ht, false), -DER_BUSY);
	assert_int_equal(d_hash_table_destroy(ht, true), 0);
	assert_true(d_hash_rec_unlinked(&r->r_link));
	assert_int_equal(atomic_load(&nfreed), 0);
	assert_int_equal(rec_ref(r), 1);
	free(r);
}

static void
test_find_insert(void **state)
{
	struct d_hash_table *ht;
	struct rec          *a;
	struct rec          *b;
	uint64_t             key = 8;
	unsigned int         i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(flavours); i++) {
		atomic_store(&nfreed, 0);
		a = rec_new(8, 1);
		b = rec_new(8, 1);
		assert_int_equal(d_hash_table_create(flavours[i] | D_HASH_FT_LRU, 3, NULL,
						     &ops_full, &ht), 0);
		assert_ptr_equal(d_hash_rec_find_insert(ht, &key, sizeof(key), &a->r_link),
				 &a->r_link);
		assert_int_equal(rec_ref(a), 2);
		/* Found: the existing record comes back with a reference for the caller. */
		assert_ptr_equal(d_hash_rec_find_insert(ht, &key, sizeof(key), &b->r_link),
				 &a->r_link);
		assert_int_equal(rec_ref(a), 3);
		assert_true(d_hash_rec_unlinked(&b->r_link));
		assert_int_equal(ht_count(ht), 1);
		d_hash_rec_decref(ht, &a->r_link);
		d_hash_rec_decref(ht, &a->r_link);
		free(b);
		assert_int_equal(d_hash_table_destroy(ht, true), 0);
		assert_int_equal(atomic_load(&nfreed), 1);
	}
}

/* Anonymous records: keys come from a counter in the table's private data. */
static void
rec_key_init(struct d_hash_table *ht, d_list_t *link, void *arg)
{
	uint64_t *next = ht->ht_priv;

	rec_of(link)->r_key = (*next)++ * (arg == NULL ? 1 : *(uint64_t *)arg);
}

static void
test_insert_anonym(void **state)
{
	d_hash_table_ops_t   ops = ops_full;
	d_hash_table_ops_t   no_rec_hash = ops_full;
	struct d_hash_table *ht;
	struct rec          *r;
	uint64_t             next;
	uint64_t             key;
	uint64_t             mult = 10;
	uint32_t             feats[] = {0, D_HASH_FT_GLOCK, D_HASH_FT_NO_KEYINIT_LOCK,
					D_HASH_FT_GLOCK | D_HASH_FT_NO_KEYINIT_LOCK,
					D_HASH_FT_NOLOCK, D_HASH_FT_RWLOCK};
	unsigned int         i;
	int                  j;

	(void)state;
	ops.hop_key_init         = rec_key_init;
	no_rec_hash.hop_key_init = rec_key_init;
	no_rec_hash.hop_rec_hash = NULL;

	for (i = 0; i < ARRAY_SIZE(feats); i++) {
		next = 1;
		atomic_store(&nfreed, 0);
		assert_int_equal(d_hash_table_create(feats[i], 2, &next, &ops, &ht), 0);
		for (j = 0; j < 20; j++) {
			r = rec_new(0, 1);
			assert_int_equal(d_hash_rec_insert_anonym(ht, &r->r_link,
								  j % 2 ? &mult : NULL), 0);
			d_hash_rec_decref(ht, &r->r_link);
		}
		assert_int_equal(next, 21);
		assert_int_equal(ht_count(ht), 20);
		key = 2 * 10;
		assert_true(d_hash_rec_delete(ht, &key, sizeof(key)));
		key = 3;
		assert_true(d_hash_rec_delete(ht, &key, sizeof(key)));
		assert_int_equal(atomic_load(&nfreed), 2);
		assert_int_equal(d_hash_table_destroy(ht, true), 0);
		assert_int_equal(atomic_load(&nfreed), 20);
	}

	/* No key generator, or no way to find the record's bucket. */
	r = rec_new(0, 1);
	assert_int_equal(d_hash_table_create(0, 2, &next, &ops_full, &ht), 0);
	assert_int_equal(d_hash_rec_insert_anonym(ht, &r->r_link, NULL), -DER_INVAL);
	assert_int_equal(d_hash_table_destroy(ht, false), 0);
	assert_int_equal(d_hash_table_create(0, 2, &next, &no_rec_hash, &ht), 0);
	assert_int_equal(d_hash_rec_insert_anonym(ht, &r->r_link, NULL), -DER_INVAL);
	assert_true(d_hash_rec_unlinked(&r->r_link));
	assert_int_equal(d_hash_table_destroy(ht, false), 0);
	free(r);
}

/* Keys of bucket 0, head first. */
static int
bucket0_keys(struct d_hash_table *ht, uint64_t *out)
{
	d_list_t *link;
	int       n = 0;

	d_list_for_each(link, &ht->ht_buckets[0].hb_head)
		out[n++] = rec_of(link)->r_key;
	return n;
}

static void
test_lru(void **state)
{
	struct d_hash_table *ht;
	struct rec          *r[3];
	struct rec          *spare;
	d_list_t            *link;
	uint64_t             keys[3];
	uint64_t             key;
	int                  i;

	(void)state;
	atomic_store(&nfreed, 0);
	/* One bucket, so the whole table is one ordered chain. */
	assert_int_equal(d_hash_table_create(D_HASH_FT_LRU, 0, NULL, &ops_full, &ht), 0);
	for (i = 0; i < 3; i++) {
		r[i] = rec_new(i, 1);
		key  = i;
		assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r[i]->r_link, true), 0);
		d_hash_rec_decref(ht, &r[i]->r_link);
	}
	assert_int_equal(bucket0_keys(ht, keys), 3);
	assert_memory_equal(keys, ((uint64_t[]){2, 1, 0}), sizeof(keys));

	/* A hit moves to the head. */
	key  = 0;
	link = d_hash_rec_find(ht, &key, sizeof(key));
	d_hash_rec_decref(ht, link);
	bucket0_keys(ht, keys);
	assert_memory_equal(keys, ((uint64_t[]){0, 2, 1}), sizeof(keys));

	/* Eviction demotes to the tail, by key or by record. */
	assert_true(d_hash_rec_evict(ht, &key, sizeof(key)));
	bucket0_keys(ht, keys);
	assert_memory_equal(keys, ((uint64_t[]){2, 1, 0}), sizeof(keys));
	assert_true(d_hash_rec_evict_at(ht, &r[2]->r_link));
	bucket0_keys(ht, keys);
	assert_memory_equal(keys, ((uint64_t[]){1, 0, 2}), sizeof(keys));
	key = 77;
	assert_false(d_hash_rec_evict(ht, &key, sizeof(key)));

	/* find_insert's hit promotes too; the spare record stays the caller's. */
	key   = 2;
	spare = rec_new(2, 1);
	link  = d_hash_rec_find_insert(ht, &key, sizeof(key), &spare->r_link);
	assert_ptr_equal(link, &r[2]->r_link);
	d_hash_rec_decref(ht, link);
	free(spare);
	bucket0_keys(ht, keys);
	assert_memory_equal(keys, ((uint64_t[]){2, 1, 0}), sizeof(keys));
	assert_int_equal(d_hash_table_destroy(ht, true), 0);
	assert_int_equal(atomic_load(&nfreed), 3);

	/* Without LRU: no reordering, and eviction is refused. */
	assert_int_equal(d_hash_table_create(0, 0, NULL, &ops_full, &ht), 0);
	for (i = 0; i < 3; i++) {
		r[i] = rec_new(i, 1);
		key  = i;
		assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r[i]->r_link, true), 0);
		d_hash_rec_decref(ht, &r[i]->r_link);
	}
	key  = 0;
	link = d_hash_rec_find(ht, &key, sizeof(key));
	d_hash_rec_decref(ht, link);
	bucket0_keys(ht, keys);
	assert_memory_equal(keys, ((uint64_t[]){2, 1, 0}), sizeof(keys));
	assert_false(d_hash_rec_evict(ht, &key, sizeof(key)));
	assert_false(d_hash_rec_evict_at(ht, link));
	assert_int_equal(d_hash_table_destroy(ht, true), 0);
}

static bool
in_buckets(struct d_hash_table *ht, d_list_t *node)
{
	return (uintptr_t)node >= (uintptr_t)ht->ht_buckets &&
	       (uintptr_t)node < (uintptr_t)(ht->ht_buckets + (1U << ht->ht_bits));
}

/* Without hop_rec_hash the table finds a record's bucket by walking its chain. */
static void
test_lru_no_rec_hash(void **state)
{
	enum { N = 40 };
	struct d_hash_table *ht;
	struct rec          *r[N];
	uint64_t             key;
	int                  i;

	(void)state;
	assert_int_equal(d_hash_table_create(D_HASH_FT_LRU, 2, NULL, &ops_min, &ht), 0);
	for (i = 0; i < N; i++) {
		r[i] = rec_new(i, 1);
		key  = i;
		assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r[i]->r_link, true), 0);
	}
	for (i = 0; i < N; i++) {
		assert_true(d_hash_rec_evict_at(ht, &r[i]->r_link));
		assert_true(in_buckets(ht, r[i]->r_link.next));
		key = i;
		assert_ptr_equal(d_hash_rec_find(ht, &key, sizeof(key)), &r[i]->r_link);
		assert_true(in_buckets(ht, r[i]->r_link.prev));
	}
	assert_int_equal(ht_count(ht), N);
	assert_int_equal(d_hash_table_destroy(ht, true), 0);
	for (i = 0; i < N; i++)
		free(r[i]);
}

struct stop_arg {
	int calls;
	int stop_at;
};

static int
stop_cb(d_list_t *link, void *arg)
{
	struct stop_arg *sa = arg;

	(void)link;
	return ++sa->calls == sa->stop_at ? 7 : 0;
}

static int
delete_cb(d_list_t *link, void *arg)
{
	d_hash_rec_delete_at(arg, link);
	return 0;
}

static void
test_traverse(void **state)
{
	struct d_hash_table *ht;
	struct d_hash_table  zero = {0};
	struct stop_arg      sa   = {0};
	struct rec          *r;
	uint64_t             key;
	unsigned int         f;
	int                  i;

	(void)state;
	for (f = 0; f < ARRAY_SIZE(flavours); f++) {
		atomic_store(&nfreed, 0);
		assert_int_equal(d_hash_table_create(flavours[f], 3, NULL, &ops_full, &ht), 0);
		assert_int_equal(ht_count(ht), 0);
		for (i = 0; i < 30; i++) {
			r   = rec_new(i, 1);
			key = i;
			assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r->r_link, true),
					 0);
			d_hash_rec_decref(ht, &r->r_link);
		}
		assert_int_equal(ht_count(ht), 30);
		/* Early stop: the callback's value comes back. */
		sa.calls   = 0;
		sa.stop_at = 5;
		assert_int_equal(d_hash_table_traverse(ht, stop_cb, &sa), 7);
		assert_int_equal(sa.calls, 5);
		assert_int_equal(d_hash_table_traverse(ht, NULL, NULL), -DER_INVAL);
		d_hash_table_debug(ht);
		if (flavours[f] & D_HASH_FT_NOLOCK) {
			/* Without locks the callback may delete what it is given. */
			assert_int_equal(d_hash_table_traverse(ht, delete_cb, ht), 0);
			assert_int_equal(ht_count(ht), 0);
			assert_int_equal(atomic_load(&nfreed), 30);
		}
		assert_int_equal(d_hash_table_destroy(ht, true), 0);
		assert_int_equal(atomic_load(&nfreed), 30);
	}

	assert_int_equal(d_hash_table_traverse(&zero, count_cb, &i), -DER_UNINIT);
	assert_int_equal(d_hash_table_traverse(NULL, count_cb, &i), -DER_UNINIT);
	assert_null(d_hash_rec_first(&zero));
	d_hash_table_debug(&zero);
	d_hash_table_debug(NULL);
}

/* Threads insert, look up and delete concurrently; counts must come out exact. */
#define THR_N    4
#define THR_KEYS 400

struct thr_arg {
	struct d_hash_table *ht;
	int                  id;
	int                  errors;
};

static void *
thr_main(void *varg)
{
	struct thr_arg *ta = varg;
	struct rec     *r;
	d_list_t       *link;
	uint64_t        key;
	int             i;

	for (i = 0; i < THR_KEYS; i++) {
		r   = rec_new((uint64_t)ta->id * THR_KEYS + i, 1);
		key = r->r_key;
		if (d_hash_rec_insert(ta->ht, &key, sizeof(key), &r->r_link, true) != 0)
			ta->errors++;
		d_hash_rec_decref(ta->ht, &r->r_link);
	}
	for (i = 0; i < THR_N * THR_KEYS; i++) {
		key  = i;
		link = d_hash_rec_find(ta->ht, &key, sizeof(key));
		if (link == NULL && (int)(key / THR_KEYS) == ta->id)
			ta->errors++;
		if (link != NULL && rec_of(link)->r_key != key)
			ta->errors++;
		if (link != NULL)
			d_hash_rec_decref(ta->ht, link);
	}
	for (i = 0; i < THR_KEYS; i += 2) {
		key = (uint64_t)ta->id * THR_KEYS + i;
		if (!d_hash_rec_delete(ta->ht, &key, sizeof(key)))
			ta->errors++;
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct thr_arg ta[THR_N];
	pthread_t      th[THR_N];
	uint32_t       feats[] = {0, D_HASH_FT_MUTEX, D_HASH_FT_RWLOCK, D_HASH_FT_GLOCK,
				  D_HASH_FT_LRU, D_HASH_FT_GLOCK | D_HASH_FT_RWLOCK};
	struct d_hash_table *ht;
	unsigned int   f;
	int            i;

	(void)state;
	for (f = 0; f < ARRAY_SIZE(feats); f++) {
		atomic_store(&nfreed, 0);
		assert_int_equal(d_hash_table_create(feats[f], 6, NULL, &ops_full, &ht), 0);
		for (i = 0; i < THR_N; i++) {
			ta[i].ht     = ht;
			ta[i].id     = i;
			ta[i].errors = 0;
			assert_int_equal(pthread_create(&th[i], NULL, thr_main, &ta[i]), 0);
		}
		for (i = 0; i < THR_N; i++) {
			assert_int_equal(pthread_join(th[i], NULL), 0);
			assert_int_equal(ta[i].errors, 0);
		}
		assert_int_equal(ht_count(ht), THR_N * THR_KEYS / 2);
		assert_int_equal(atomic_load(&nfreed), THR_N * THR_KEYS / 2);
		assert_int_equal(d_hash_table_destroy(ht, true), 0);
		assert_int_equal(atomic_load(&nfreed), THR_N * THR_KEYS);
	}
}

/*
 * Fail each allocation of a create in turn: -DER_NOMEM, nothing half-built (ASan sees leaks),
 * and the expected number of allocations.
 */
static void
test_alloc_failures(void **state)
{
	struct {
		uint32_t feats;
		int      nallocs; /* table, buckets, bucket locks */
	} cases[] = {
		{0, 3}, {D_HASH_FT_RWLOCK, 3}, {D_HASH_FT_GLOCK, 2}, {D_HASH_FT_NOLOCK, 2},
	};
	struct d_hash_table *ht;
	struct d_hash_table  inplace;
	struct d_hhash      *hh;
	struct rec          *r;
	uint64_t             key = 1;
	unsigned int         c;
	int                  n;
	int                  rc;

	(void)state;
	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		for (n = 1;; n++) {
			d_test_fail_nth_alloc(n);
			rc = d_hash_table_create(cases[c].feats, 4, NULL, &ops_full, &ht);
			d_test_fail_nth_alloc(0);
			if (rc == 0)
				break;
			assert_int_equal(rc, -DER_NOMEM);
			assert_null(ht);
		}
		assert_int_equal(n - 1, cases[c].nallocs);
		/* The table that finally came up works. */
		r = rec_new(key, 1);
		assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r->r_link, true), 0);
		assert_ptr_equal(d_hash_rec_find(ht, &key, sizeof(key)), &r->r_link);
		d_hash_rec_ndecref(ht, 2, &r->r_link);
		assert_int_equal(d_hash_table_destroy(ht, true), 0);

		for (n = 1;; n++) {
			d_test_fail_nth_alloc(n);
			rc = d_hash_table_create_inplace(cases[c].feats, 4, NULL, &ops_full,
							 &inplace);
			d_test_fail_nth_alloc(0);
			if (rc == 0)
				break;
			assert_int_equal(rc, -DER_NOMEM);
			assert_null(inplace.ht_buckets);
			assert_null(inplace.ht_locks);
			/* A failed in-place table may be destroyed like any other. */
			assert_int_equal(d_hash_table_destroy_inplace(&inplace, false), 0);
		}
		assert_int_equal(n - 1, cases[c].nallocs - 1);
		assert_int_equal(d_hash_table_destroy_inplace(&inplace, false), 0);
	}

	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		rc = d_hhash_create(0, 4, &hh);
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
		assert_null(hh);
	}
	assert_int_equal(n - 1, 3);
	d_hhash_destroy(hh);

	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		rc = d_uhash_create(D_HASH_FT_GLOCK, 4, &ht);
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
		assert_null(ht);
	}
	assert_int_equal(n - 1, 2);
	d_uhash_destroy(ht);

	/* Records are the caller's: inserting, finding and deleting never allocate. */
	assert_int_equal(d_hash_table_create(0, 4, NULL, &ops_full, &ht), 0);
	d_test_fail_nth_alloc(1);
	r = rec_new(key, 1);
	assert_int_equal(d_hash_rec_insert(ht, &key, sizeof(key), &r->r_link, true), 0);
	assert_ptr_equal(d_hash_rec_find(ht, &key, sizeof(key)), &r->r_link);
	assert_true(d_hash_rec_delete(ht, &key, sizeof(key)));
	d_hash_rec_ndecref(ht, 2, &r->r_link);
	d_test_fail_nth_alloc(0);
	assert_int_equal(d_hash_table_destroy(ht, false), 0);
}

/* handle hash */

#define HTYPE_A 1
#define HTYPE_B 3

struct hobj {
	struct d_hlink h;
	int            tag;
};

static int nhfreed;

static void
hobj_free(struct d_hlink *hl)
{
	nhfreed++;
	free(container_of(hl, struct hobj, h));
}

static struct d_hlink_ops hobj_ops = {.hop_free = hobj_free};

static struct hobj *
hobj_new(int tag)
{
	struct hobj *o = calloc(1, sizeof(*o));

	assert_non_null(o);
	o->tag = tag;
	d_hhash_hlink_init(&o->h, &hobj_ops);
	return o;
}

static int
hh_count_cb(struct d_hlink *hl, void *arg)
{
	(void)hl;
	(*(int *)arg)++;
	return 0;
}

static int
hh_stop_cb(struct d_hlink *hl, void *arg)
{
	(void)hl;
	(void)arg;
	return -DER_CANCELED;
}

static int
hh_count(struct d_hhash *hh, int type)
{
	int n = 0;

	assert_int_equal(d_hhash_traverse(hh, type, hh_count_cb, &n), 0);
	return n;
}

static void
check_hhash(uint32_t feats)
{
	struct d_hhash *hh;
	struct hobj    *o1;
	struct hobj    *o2;
	struct hobj    *o3;
	struct hobj     blank = {0};
	struct d_hlink *hl;
	uint64_t        k1;
	uint64_t        k2;
	uint64_t        k3;

	nhfreed = 0;
	assert_int_equal(d_hhash_create(feats, D_HHASH_BITS, &hh), 0);
	assert_false(d_hhash_is_ptrtype(hh));
	assert_true(d_hhash_link_empty(&blank.h));

	o1 = hobj_new(1);
	o2 = hobj_new(2);
	assert_true(d_hhash_link_empty(&o1->h));
	d_hhash_link_insert(hh, &o1->h, HTYPE_A);
	d_hhash_link_insert(hh, &o2->h, HTYPE_B);
	assert_false(d_hhash_link_empty(&o1->h));
	d_hhash_link_key(&o1->h, &k1);
	d_hhash_link_key(&o2->h, &k2);
	assert_int_not_equal(k1, k2);
	assert_int_equal(d_hhash_key_type(k1), HTYPE_A);
	assert_int_equal(d_hhash_key_type(k2), HTYPE_B);
	assert_false(d_hhash_key_isptr(k1));

	/* Lookups take a reference; putref drops it. */
	hl = d_hhash_link_lookup(hh, k1);
	assert_ptr_equal(hl, &o1->h);
	assert_int_equal(atomic_load(&o1->h.hl_link.rl_ref), 3);
	d_hhash_link_putref(hh, hl);
	d_hhash_link_getref(hh, &o1->h);
	assert_int_equal(atomic_load(&o1->h.hl_link.rl_ref), 3);
	d_hhash_link_putref(hh, &o1->h);
	assert_null(d_hhash_link_lookup(hh, k2 + (1 << D_HTYPE_BITS)));
	assert_null(d_hhash_link_lookup(hh, 0));

	assert_int_equal(hh_count(hh, HTYPE_A), 1);
	assert_int_equal(hh_count(hh, HTYPE_B), 1);
	assert_int_equal(hh_count(hh, D_HTYPE_PTR), 0);
	assert_int_equal(d_hhash_traverse(hh, HTYPE_A, hh_stop_cb, NULL), -DER_CANCELED);
	assert_int_equal(d_hhash_traverse(hh, HTYPE_A, NULL, NULL), -DER_INVAL);

	/* Pointer handles: the key is the object's address, and lookups still check it. */
	assert_int_equal(d_hhash_set_ptrtype(hh), 0);
	assert_true(d_hhash_is_ptrtype(hh));
	o3 = hobj_new(3);
	d_hhash_link_insert(hh, &o3->h, D_HTYPE_PTR);
	d_hhash_link_key(&o3->h, &k3);
	assert_int_equal(k3, (uint64_t)(uintptr_t)&o3->h);
	assert_true(d_hhash_key_isptr(k3));
	assert_int_equal(d_hhash_key_type(k3), D_HTYPE_PTR);
	assert_ptr_equal(d_hhash_link_lookup(hh, k3), &o3->h);
	d_hhash_link_putref(hh, &o3->h);
	assert_null(d_hhash_link_lookup(hh, (uint64_t)(uintptr_t)&blank.h));
	assert_int_equal(hh_count(hh, D_HTYPE_PTR), 1);

	/* Delete drops the table's reference; the creator's last putref frees. */
	assert_true(d_hhash_link_delete(hh, &o1->h));
	assert_false(d_hhash_link_delete(hh, &o1->h));
	assert_true(d_hhash_link_empty(&o1->h));
	assert_null(d_hhash_link_lookup(hh, k1));
	assert_int_equal(nhfreed, 0);
	d_hhash_link_putref(hh, &o1->h);
	assert_int_equal(nhfreed, 1);

	/* Objects the table alone holds go with it. */
	d_hhash_link_putref(hh, &o2->h);
	d_hhash_link_putref(hh, &o3->h);
	assert_int_equal(nhfreed, 1);
	d_hhash_destroy(hh);
	assert_int_equal(nhfreed, 3);
}

static void
test_hhash(void **state)
{
	(void)state;
	check_hhash(D_HASH_FT_GLOCK | D_HASH_FT_LRU);
	check_hhash(0);
	check_hhash(D_HASH_FT_NOLOCK);
	check_hhash(D_HASH_FT_RWLOCK);
}

/* uuid hash */

struct uobj {
	struct d_ulink ul;
	int            tag;
};

static int nufreed;

static void
uobj_free(struct d_ulink *ul)
{
	nufreed++;
	free(container_of(ul, struct uobj, ul));
}

/* Tell apart objects of one uuid by tag; no cmp_args matches any. */
static bool
uobj_cmp(struct d_ulink *ul, void *cmp_args)
{
	return cmp_args == NULL || container_of(ul, struct uobj, ul)->tag == *(int *)cmp_args;
}

static struct d_ulink_ops uobj_ops = {.uop_free = uobj_free, .uop_cmp = uobj_cmp};

static struct uobj *
uobj_new(int tag, struct d_ulink_ops *ops)
{
	struct uobj *o = calloc(1, sizeof(*o));

	assert_non_null(o);
	o->tag = tag;
	d_uhash_ulink_init(&o->ul, ops);
	return o;
}

static void
test_uhash(void **state)
{
	struct d_hash_table *uh;
	struct d_uuid        a;
	struct d_uuid        b;
	struct uobj          blank = {0};
	struct uobj         *u1;
	struct uobj         *u2;
	struct uobj         *u3;
	struct uobj         *plain;
	int                  t1 = 1;
	int                  t2 = 2;

	(void)state;
	nufreed = 0;
	uuid_generate(a.uuid);
	uuid_generate(b.uuid);
	assert_int_equal(d_uhash_create(0, 4, &uh), 0);
	assert_true(d_uhash_link_empty(&blank.ul));

	u1 = uobj_new(1, &uobj_ops);
	u2 = uobj_new(2, &uobj_ops);
	u3 = uobj_new(1, &uobj_ops);
	assert_true(d_uhash_link_empty(&u1->ul));
	assert_true(d_uhash_link_last_ref(&u1->ul));
	assert_int_equal(d_uhash_link_insert(uh, &a, &t1, &u1->ul), 0);
	assert_false(d_uhash_link_empty(&u1->ul));
	assert_false(d_uhash_link_last_ref(&u1->ul));
	assert_int_equal(uuid_compare(u1->ul.ul_uuid.uuid, a.uuid), 0);
	/* Same uuid, told apart by uop_cmp: allowed. Same uuid and tag: refused. */
	assert_int_equal(d_uhash_link_insert(uh, &a, &t2, &u2->ul), 0);
	assert_int_equal(d_uhash_link_insert(uh, &a, &t1, &u3->ul), -DER_EXIST);
	assert_true(d_uhash_link_empty(&u3->ul));

	assert_ptr_equal(d_uhash_link_lookup(uh, &a, &t1), &u1->ul);
	assert_ptr_equal(d_uhash_link_lookup(uh, &a, &t2), &u2->ul);
	assert_null(d_uhash_link_lookup(uh, &b, NULL));
	d_uhash_link_putref(uh, &u1->ul);
	d_uhash_link_putref(uh, &u2->ul);

	d_uhash_link_addref(uh, &u1->ul);
	assert_int_equal(atomic_load(&u1->ul.ul_link.rl_ref), 3);
	d_uhash_link_putref(uh, &u1->ul);

	/* Without ops: matched by uuid alone, nothing called on free. */
	plain = uobj_new(9, NULL);
	assert_int_equal(d_uhash_link_insert(uh, &b, NULL, &plain->ul), 0);
	assert_ptr_equal(d_uhash_link_lookup(uh, &b, &t2), &plain->ul);
	d_uhash_link_putref(uh, &plain->ul);

	d_uhash_link_delete(uh, &u1->ul);
	assert_true(d_uhash_link_empty(&u1->ul));
	assert_true(d_uhash_link_last_ref(&u1->ul));
	assert_null(d_uhash_link_lookup(uh, &a, &t1));
	d_uhash_link_putref(uh, &u1->ul);
	assert_int_equal(nufreed, 1);

	d_uhash_link_putref(uh, &u2->ul);
	d_uhash_link_putref(uh, &u3->ul); /* never inserted: its last reference frees it */
	assert_int_equal(nufreed, 2);
	d_uhash_link_delete(uh, &plain->ul);
	d_uhash_link_putref(uh, &plain->ul);
	free(plain);
	d_uhash_destroy(uh);
	assert_int_equal(nufreed, 3);
}

/* hash functions */

static void
test_hash_funcs(void **state)
{
	const unsigned char data[] = "the quick brown fox jumps over the lazy dog";
	uint64_t            seen[sizeof(data)];
	unsigned int        i;
	unsigned int        j;

	(void)state;
	/* djb2: 5381, then h * 33 + c. */
	assert_int_equal(d_hash_string_u32("", 0), 5381);
	assert_int_equal(d_hash_string_u32("a", 1), 5381 * 33 + 'a');
	assert_int_equal(d_hash_string_u32("ab", 1), d_hash_string_u32("a", 1));
	assert_int_not_equal(d_hash_string_u32("ab", 2), d_hash_string_u32("ba", 2));
	/* High bytes hash as unsigned, whatever char's signedness. */
	assert_int_equal(d_hash_string_u32("\xff", 1), 5381 * 33 + 255);

	/* MurmurHash64A: the empty key with seed 0 hashes to 0. */
	assert_int_equal(d_hash_murmur64(data, 0, 0), 0);
	assert_int_equal(d_hash_murmur64(data, 20, 7), d_hash_murmur64(data, 20, 7));
	assert_int_not_equal(d_hash_murmur64(data, 20, 7), d_hash_murmur64(data, 20, 8));
	/* Every length, covering each tail size, gives a different value. */
	for (i = 0; i < sizeof(data); i++) {
		seen[i] = d_hash_murmur64(data, i, 0);
		for (j = 0; j < i; j++)
			assert_int_not_equal(seen[i], seen[j]);
	}

	assert_int_equal(d_hash_mix64(12345), d_hash_mix64(12345));
	for (i = 0; i < 64; i++)
		assert_int_not_equal(d_hash_mix64(1ULL << i), d_hash_mix64(0));
	assert_int_equal(d_hash_mix96(1, 2, 3), d_hash_mix96(1, 2, 3));
	assert_int_not_equal(d_hash_mix96(1, 2, 3), d_hash_mix96(1, 2, 4));
	assert_int_not_equal(d_hash_mix96(1, 2, 3), d_hash_mix96(2, 1, 3));
}

static void
test_hash_srch(void **state)
{
	uint64_t h[] = {10, 20, 30};

	(void)state;
	assert_int_equal(d_hash_srch_u64(h, 0, 15), 0);
	assert_int_equal(d_hash_srch_u64(h, 1, 5), 0);
	assert_int_equal(d_hash_srch_u64(h, 1, 50), 0);
	assert_int_equal(d_hash_srch_u64(h, 3, 5), 0);
	assert_int_equal(d_hash_srch_u64(h, 3, 10), 0);
	assert_int_equal(d_hash_srch_u64(h, 3, 15), 0);
	assert_int_equal(d_hash_srch_u64(h, 3, 20), 1);
	assert_int_equal(d_hash_srch_u64(h, 3, 29), 1);
	assert_int_equal(d_hash_srch_u64(h, 3, 30), 2);
	assert_int_equal(d_hash_srch_u64(h, 3, UINT64_MAX), 2);
	assert_int_equal(d_hash_srch_u64(h, 2, 25), 1);
}

static void
test_jump_hash(void **state)
{
	enum { NKEYS = 1000, NB = 10, MAXB = 30 };
	uint32_t counts[NB] = {0};
	uint32_t before;
	uint32_t after;
	uint64_t key;
	int      moved;
	int      n;
	int      i;

	(void)state;
	assert_int_equal(d_hash_jump(123, 1), 0);
	assert_int_equal(d_hash_jump(123, 0), 0);
	assert_int_equal(d_hash_jump(123, 77), d_hash_jump(123, 77));

	/* Even spread: expect 100 per bucket, standard deviation about 9.5. */
	for (i = 0; i < NKEYS; i++) {
		after = d_hash_jump(d_hash_mix64(i), NB);
		assert_true(after < NB);
		counts[after]++;
	}
	for (i = 0; i < NB; i++)
		assert_in_range(counts[i], 60, 140);

	/* Growing n -> n + 1 moves about NKEYS / (n + 1) keys, all into the new bucket. */
	for (n = 1; n < MAXB; n++) {
		moved = 0;
		for (i = 0; i < NKEYS; i++) {
			key    = d_hash_mix64(i);
			before = d_hash_jump(key, n);
			after  = d_hash_jump(key, n + 1);
			assert_true(before < (uint32_t)n);
			if (before != after) {
				assert_int_equal(after, n);
				moved++;
			}
		}
		assert_in_range(moved, NKEYS / (n + 1) / 2, 2 * NKEYS / (n + 1) + 10);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_destroy),
		cmocka_unit_test(test_basic_all_locks),
		cmocka_unit_test(test_minimal_ops),
		cmocka_unit_test(test_refcounts),
		cmocka_unit_test(test_ephemeral),
		cmocka_unit_test(test_ephemeral_force_destroy),
		cmocka_unit_test(test_find_insert),
		cmocka_unit_test(test_insert_anonym),
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_lru_no_rec_hash),
		cmocka_unit_test(test_traverse),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_hhash),
		cmocka_unit_test(test_uhash),
		cmocka_unit_test(test_hash_funcs),
		cmocka_unit_test(test_hash_srch),
		cmocka_unit_test(test_jump_hash),
	};

	return cmocka_run_group_tests_name("gurt_hash", tests, setup, teardown);
}
