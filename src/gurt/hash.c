/*
 * Chained hash tables (gurt/hash.h) and the handle and uuid tables built on them.
 *
 * Buckets are circular lists of the callers' own nodes, so nothing is allocated per record.
 * A bucket's index is a multiplicative (Fibonacci) hash of the 32-bit record hash: callers'
 * weak hashes, such as a plain counter, still spread over the buckets.
 */
#include <gurt/common.h>
#include <gurt/hash.h>

/* Bucket locks are striped: buckets whose indexes agree on the low bits share a lock, so a
 * huge table does not carry a lock per bucket.
 */
#define D_HASH_LOCK_BITS_MAX 10

/* 2^32 / golden ratio, odd: multiplying by it scatters consecutive values. */
#define D_HASH_FIB32 0x9e3779b1U

static inline uint32_t
ht_nbuckets(const struct d_hash_table *htable)
{
	return 1U << htable->ht_bits;
}

static inline uint32_t
ht_nlocks(const struct d_hash_table *htable)
{
	return 1U << min(htable->ht_bits, (uint32_t)D_HASH_LOCK_BITS_MAX);
}

static inline uint32_t
ht_hash2idx(const struct d_hash_table *htable, uint32_t hash)
{
	if (htable->ht_bits == 0)
		return 0;
	return (hash * D_HASH_FIB32) >> (32 - htable->ht_bits);
}

static uint32_t
ht_key_idx(struct d_hash_table *htable, const void *key, unsigned int ksize)
{
	uint32_t hash;

	if (htable->ht_ops->hop_key_hash != NULL)
		hash = htable->ht_ops->hop_key_hash(htable, key, ksize);
	else
		hash = d_hash_string_u32(key, ksize);
	return ht_hash2idx(htable, hash);
}

/* Bucket of a record from its own key. Tables without hop_rec_hash have one lock or none, so
 * for locking any index will do.
 */
static uint32_t
ht_rec_idx(struct d_hash_table *htable, d_list_t *link)
{
	if (htable->ht_ops->hop_rec_hash == NULL)
		return 0;
	return ht_hash2idx(htable, htable->ht_ops->hop_rec_hash(htable, link));
}

static inline d_list_t *
ht_head(struct d_hash_table *htable, uint32_t idx)
{
	return &htable->ht_buckets[idx].hb_head;
}

/* Head of the bucket holding the linked record. Without hop_rec_hash, walk the circular
 * chain until it reaches a node that lies inside the bucket array: that is the head.
 */
static d_list_t *
ht_rec_head(struct d_hash_table *htable, d_list_t *link)
{
	uintptr_t lo = (uintptr_t)htable->ht_buckets;
	uintptr_t hi = (uintptr_t)(htable->ht_buckets + ht_nbuckets(htable));
	d_list_t *pos;

	if (htable->ht_ops->hop_rec_hash != NULL)
		return ht_head(htable, ht_rec_idx(htable, link));

	for (pos = link->next; (uintptr_t)pos < lo || (uintptr_t)pos >= hi; pos = pos->next)
		;
	return pos;
}

/* locks */

static inline union d_hash_lock *
ht_lock_of(struct d_hash_table *htable, uint32_t idx)
{
	if (htable->ht_locks == NULL)
		return &htable->ht_lock;
	return &htable->ht_locks[idx & (ht_nlocks(htable) - 1)];
}

static int
ht_lock_init(uint32_t feats, union d_hash_lock *lock)
{
	if (feats & D_HASH_FT_MUTEX)
		return D_MUTEX_INIT(&lock->mutex, NULL);
	if (feats & D_HASH_FT_RWLOCK)
		return D_RWLOCK_INIT(&lock->rwlock, NULL);
	return D_SPIN_INIT(&lock->spin, PTHREAD_PROCESS_PRIVATE);
}

static void
ht_lock_fini(uint32_t feats, union d_hash_lock *lock)
{
	if (feats & D_HASH_FT_MUTEX)
		D_MUTEX_DESTROY(&lock->mutex);
	else if (feats & D_HASH_FT_RWLOCK)
		D_RWLOCK_DESTROY(&lock->rwlock);
	else
		D_SPIN_DESTROY(&lock->spin);
}

/* read_only only matters for rwlocks: it lets lookups run side by side. */
static void
ht_lock_acquire(struct d_hash_table *htable, union d_hash_lock *lock, bool read_only)
{
	uint32_t feats = htable->ht_feats;

	if (feats & D_HASH_FT_NOLOCK)
		return;
	if (feats & D_HASH_FT_MUTEX)
		D_MUTEX_LOCK(&lock->mutex);
	else if (feats & D_HASH_FT_RWLOCK && read_only)
		D_RWLOCK_RDLOCK(&lock->rwlock);
	else if (feats & D_HASH_FT_RWLOCK)
		D_RWLOCK_WRLOCK(&lock->rwlock);
	else
		D_SPIN_LOCK(&lock->spin);
}

static void
ht_lock_release(struct d_hash_table *htable, union d_hash_lock *lock)
{
	uint32_t feats = htable->ht_feats;

	if (feats & D_HASH_FT_NOLOCK)
		return;
	if (feats & D_HASH_FT_MUTEX)
		D_MUTEX_UNLOCK(&lock->mutex);
	else if (feats & D_HASH_FT_RWLOCK)
		D_RWLOCK_UNLOCK(&lock->rwlock);
	else
		D_SPIN_UNLOCK(&lock->spin);
}

/* record callbacks, each optional but key_cmp */

static inline void
ht_rec_addref(struct d_hash_table *htable, d_list_t *link)
{
	if (htable->ht_ops->hop_rec_addref != NULL)
		htable->ht_ops->hop_rec_addref(htable, link);
}

static inline bool
ht_rec_decref(struct d_hash_table *htable, d_list_t *link)
{
	if (htable->ht_ops->hop_rec_decref == NULL)
		return false;
	return htable->ht_ops->hop_rec_decref(htable, link);
}

/* 1 when the last reference went, 0 when some remain, -DER_INVAL when fewer than count. */
static int
ht_rec_ndecref(struct d_hash_table *htable, d_list_t *link, int count)
{
	d_hash_table_ops_t *ops = htable->ht_ops;
	int                 i;

	if (count < 0)
		return -DER_INVAL;
	/* A single reference goes through hop_rec_decref, as the caller's ops expect. */
	if (ops->hop_rec_ndecref != NULL && (count != 1 || ops->hop_rec_decref == NULL))
		return ops->hop_rec_ndecref(htable, link, count);
	if (ops->hop_rec_decref == NULL)
		return 0;
	for (i = 0; i < count; i++) {
		if (ops->hop_rec_decref(htable, link))
			return i == count - 1 ? 1 : -DER_INVAL;
	}
	return 0;
}

static inline void
ht_rec_free(struct d_hash_table *htable, d_list_t *link)
{
	if (htable->ht_ops->hop_rec_free != NULL)
		htable->ht_ops->hop_rec_free(htable, link);
}

/* bucket operations, called under the bucket's lock */

static d_list_t *
ht_bucket_find(struct d_hash_table *htable, uint32_t idx, const void *key, unsigned int ksize,
	       bool promote)
{
	d_list_t *head = ht_head(htable, idx);
	d_list_t *link;

	d_list_for_each(link, head) {
		if (!htable->ht_ops->hop_key_cmp(htable, link, key, ksize))
			continue;
		if (promote && head->next != link)
			d_list_move(link, head);
		return link;
	}
	return NULL;
}

/* Default tables own a reference on each linked record; ephemeral ones own none. */
static void
ht_link(struct d_hash_table *htable, uint32_t idx, d_list_t *link)
{
	if (!(htable->ht_feats & D_HASH_FT_EPHEMERAL))
		ht_rec_addref(htable, link);
	d_list_add(link, ht_head(htable, idx));
}

/* Returns true when the caller must free the record, once the lock is released. */
static bool
ht_unlink(struct d_hash_table *htable, d_list_t *link)
{
	d_list_del_init(link);
	if (htable->ht_feats & D_HASH_FT_EPHEMERAL)
		return false;
	return ht_rec_decref(htable, link);
}

/* create and destroy */


int
d_hash_table_create_inplace(uint32_t feats, uint32_t bits, void *priv, d_hash_table_ops_t *hops,
			    struct d_hash_table *htable)
{
	bool     table_lock = false;
	uint32_t nlocks     = 0;
	uint32_t i;
	int      rc = 0;

	if (htable == NULL || hops == NULL || hops->hop_key_cmp == NULL || bits > 31) {
		D_ERROR("invalid hash table parameters (bits %u)\n", bits);
		return -DER_INVAL;
	}

	/* Bucket locks need a record's bucket without a lookup: that takes hop_rec_hash. */
	if (!(feats & (D_HASH_FT_NOLOCK | D_HASH_FT_GLOCK)) && hops->hop_rec_hash == NULL)
		feats |= D_HASH_FT_GLOCK;

	memset(htable, 0, sizeof(*htable));
	htable->ht_feats = feats;
	htable->ht_bits  = bits;
	htable->ht_priv  = priv;
	htable->ht_ops   = hops;

	D_ALLOC_ARRAY(htable->ht_buckets, ht_nbuckets(htable));
	if (htable->ht_buckets == NULL)
		D_GOTO(out, rc = -DER_NOMEM);
	for (i = 0; i < ht_nbuckets(htable); i++)
		D_INIT_LIST_HEAD(&htable->ht_buckets[i].hb_head);

	if (feats & D_HASH_FT_NOLOCK)
		D_GOTO(out, rc = 0);

	/* With bucket locks, the table lock still serializes hop_key_init. */
	rc = ht_lock_init(feats, &htable->ht_lock);
	if (rc != 0)
		D_GOTO(out, rc);
	table_lock = true;

	if (feats & D_HASH_FT_GLOCK)
		D_GOTO(out, rc = 0);

	D_ALLOC_ARRAY(htable->ht_locks, ht_nlocks(htable));
	if (htable->ht_locks == NULL)
		D_GOTO(out, rc = -DER_NOMEM);
	for (nlocks = 0; nlocks < ht_nlocks(htable); nlocks++) {
		rc = ht_lock_init(feats, &htable->ht_locks[nlocks]);
		if (rc != 0)
			D_GOTO(out, rc);
	}
out:
	if (rc != 0) {
		for (i = 0; i < nlocks; i++)
			ht_lock_fini(feats, &htable->ht_locks[i]);
		if (table_lock)
			ht_lock_fini(feats, &htable->ht_lock);
		D_FREE(htable->ht_locks);
		D_FREE(htable->ht_buckets);
	}
	return rc;
}

int
d_hash_table_create(uint32_t feats, uint32_t bits, void *priv, d_hash_table_ops_t *hops,
		    struct d_hash_table **htable_pp)
{
	struct d_hash_table *htable;
	int                  rc;

	D_ALLOC_PTR(htable);
	if (htable == NULL)
		D_GOTO(out, rc = -DER_NOMEM);

	rc = d_hash_table_create_inplace(feats, bits, priv, hops, htable);
	if (rc != 0)
		D_FREE(htable);
out:
	*htable_pp = htable;
	return rc;
}

int
d_hash_table_destroy_inplace(struct d_hash_table *htable, bool force)
{
	d_list_t *head;
	uint32_t  i;

	/* Destroying twice, or a table whose creation failed, is harmless. */
	if (htable->ht_buckets == NULL)
		return 0;

	for (i = 0; i < ht_nbuckets(htable); i++) {
		head = ht_head(htable, i);
		while (!d_list_empty(head)) {
			if (!force) {
				D_DEBUG(DB_TRACE, "hash table %p not empty, not destroyed\n",
					(void *)htable);
				return -DER_BUSY;
			}
			d_hash_rec_delete_at(htable, head->next);
		}
	}

	if (htable->ht_locks != NULL) {
		for (i = 0; i < ht_nlocks(htable); i++)
			ht_lock_fini(htable->ht_feats, &htable->ht_locks[i]);
	}
	if (!(htable->ht_feats & D_HASH_FT_NOLOCK))
		ht_lock_fini(htable->ht_feats, &htable->ht_lock);
	D_FREE(htable->ht_locks);
	D_FREE(htable->ht_buckets);
	memset(htable, 0, sizeof(*htable));
	return 0;
}

int
d_hash_table_destroy(struct d_hash_table *htable, bool force)
{
	int rc;

	rc = d_hash_table_destroy_inplace(htable, force);
	if (rc == 0)
		D_FREE(htable);
	return rc;
}

/* records */

d_list_t *
d_hash_rec_find(struct d_hash_table *htable, const void *key, unsigned int ksize)
{
	bool               lru  = htable->ht_feats & D_HASH_FT_LRU;
	uint32_t           idx  = ht_key_idx(htable, key, ksize);
	union d_hash_lock *lock = ht_lock_of(htable, idx);
	d_list_t          *link;

	/* An LRU hit reorders its bucket, so it needs the write lock. */
	ht_lock_acquire(htable, lock, !lru);
	link = ht_bucket_find(htable, idx, key, ksize, lru);
	if (link != NULL)
		ht_rec_addref(htable, link);
	ht_lock_release(htable, lock);
	return link;
}

d_list_t *
d_hash_rec_find_insert(struct d_hash_table *htable, const void *key, unsigned int ksize,
		       d_list_t *link)
{
	uint32_t           idx  = ht_key_idx(htable, key, ksize);
	union d_hash_lock *lock = ht_lock_of(htable, idx);
	d_list_t          *found;

	ht_lock_acquire(htable, lock, false);
	found = ht_bucket_find(htable, idx, key, ksize, htable->ht_feats & D_HASH_FT_LRU);
	if (found != NULL) {
		ht_rec_addref(htable, found);
		link = found;
	} else {
		ht_link(htable, idx, link);
	}
	ht_lock_release(htable, lock);
	return link;
}

int
d_hash_rec_insert(struct d_hash_table *htable, const void *key, unsigned int ksize,
		  d_list_t *link, bool exclusive)
{
	uint32_t           idx  = ht_key_idx(htable, key, ksize);
	union d_hash_lock *lock = ht_lock_of(htable, idx);
	int                rc   = 0;

	ht_lock_acquire(htable, lock, false);
	if (exclusive && ht_bucket_find(htable, idx, key, ksize, false) != NULL)
		D_GOTO(out, rc = -DER_EXIST);
	ht_link(htable, idx, link);
out:
	ht_lock_release(htable, lock);
	return rc;
}

int
d_hash_rec_insert_anonym(struct d_hash_table *htable, d_list_t *link, void *arg)
{
	bool               serialize = !(htable->ht_feats & D_HASH_FT_NO_KEYINIT_LOCK);
	union d_hash_lock *keylock   = &htable->ht_lock;
	union d_hash_lock *lock;
	uint32_t           idx;

	/* The key is made up here, so only the record can tell its bucket. */
	if (htable->ht_ops->hop_key_init == NULL || htable->ht_ops->hop_rec_hash == NULL) {
		D_ERROR("anonymous insert needs hop_key_init and hop_rec_hash\n");
		return -DER_INVAL;
	}

	/* Key generators usually bump a counter: one at a time unless told otherwise. */
	if (serialize)
		ht_lock_acquire(htable, keylock, false);
	htable->ht_ops->hop_key_init(htable, link, arg);

	idx  = ht_rec_idx(htable, link);
	lock = ht_lock_of(htable, idx);
	if (!serialize || lock != keylock) {
		if (serialize)
			ht_lock_release(htable, keylock);
		ht_lock_acquire(htable, lock, false);
	}
	ht_link(htable, idx, link);
	ht_lock_release(htable, lock);
	return 0;
}

bool
d_hash_rec_delete(struct d_hash_table *htable, const void *key, unsigned int ksize)
{
	uint32_t           idx    = ht_key_idx(htable, key, ksize);
	union d_hash_lock *lock   = ht_lock_of(htable, idx);
	bool               zombie = false;
	d_list_t          *link;

	ht_lock_acquire(htable, lock, false);
	link = ht_bucket_find(htable, idx, key, ksize, false);
	if (link != NULL)
		zombie = ht_unlink(htable, link);
	ht_lock_release(htable, lock);

	if (zombie)
		ht_rec_free(htable, link);
	return link != NULL;
}

bool
d_hash_rec_delete_at(struct d_hash_table *htable, d_list_t *link)
{
	union d_hash_lock *lock    = ht_lock_of(htable, ht_rec_idx(htable, link));
	bool               deleted = false;
	bool               zombie  = false;

	ht_lock_acquire(htable, lock, false);
	if (!d_list_empty(link)) {
		zombie  = ht_unlink(htable, link);
		deleted = true;
	}
	ht_lock_release(htable, lock);

	if (zombie)
		ht_rec_free(htable, link);
	return deleted;
}

/* LRU eviction only demotes: the coldest records sit at the tail, for the owner to reap. */
bool
d_hash_rec_evict(struct d_hash_table *htable, const void *key, unsigned int ksize)
{
	uint32_t           idx;
	union d_hash_lock *lock;
	d_list_t          *link;

	if (!(htable->ht_feats & D_HASH_FT_LRU))
		return false;

	idx  = ht_key_idx(htable, key, ksize);
	lock = ht_lock_of(htable, idx);
	ht_lock_acquire(htable, lock, false);
	link = ht_bucket_find(htable, idx, key, ksize, false);
	if (link != NULL)
		d_list_move_tail(link, ht_head(htable, idx));
	ht_lock_release(htable, lock);
	return link != NULL;
}

bool
d_hash_rec_evict_at(struct d_hash_table *htable, d_list_t *link)
{
	union d_hash_lock *lock;

	if (!(htable->ht_feats & D_HASH_FT_LRU))
		return false;

	lock = ht_lock_of(htable, ht_rec_idx(htable, link));
	ht_lock_acquire(htable, lock, false);
	if (!d_list_empty(link))
		d_list_move_tail(link, ht_rec_head(htable, link));
	ht_lock_release(htable, lock);
	return true;
}

void
d_hash_rec_addref(struct d_hash_table *htable, d_list_t *link)
{
	union d_hash_lock *lock = ht_lock_of(htable, ht_rec_idx(htable, link));

	ht_lock_acquire(htable, lock, true);
	ht_rec_addref(htable, link);
	ht_lock_release(htable, lock);
}

/*
 * Drop count references under the record's lock. A lookup in an ephemeral table must never
 * find a record whose last reference is gone, so there the unlink happens under the same
 * (write) lock; elsewhere the table still holds a reference while the record is linked.
 */
static int
ht_rec_put(struct d_hash_table *htable, d_list_t *link, int count)
{
	bool               ephemeral = htable->ht_feats & D_HASH_FT_EPHEMERAL;
	union d_hash_lock *lock      = ht_lock_of(htable, ht_rec_idx(htable, link));
	int                rc;

	ht_lock_acquire(htable, lock, !ephemeral);
	rc = ht_rec_ndecref(htable, link, count);
	if (rc == 1 && ephemeral)
		d_list_del_init(link);
	D_ASSERTF(rc != 1 || d_list_empty(link),
		  "last reference of record %p dropped while the table holds it\n", (void *)link);
	ht_lock_release(htable, lock);

	if (rc == 1)
		ht_rec_free(htable, link);
	return rc;
}

void
d_hash_rec_decref(struct d_hash_table *htable, d_list_t *link)
{
	ht_rec_put(htable, link, 1);
}

int
d_hash_rec_ndecref(struct d_hash_table *htable, int count, d_list_t *link)
{
	int rc;

	rc = ht_rec_put(htable, link, count);
	if (rc < 0) {
		D_ERROR("cannot drop %d references of record %p: " DF_RC "\n", count,
			(void *)link, DP_RC(rc));
		return rc;
	}
	return 0;
}

bool
d_hash_rec_unlinked(d_list_t *link)
{
	return d_list_empty(link);
}

static int
ht_first_cb(d_list_t *link, void *arg)
{
	*(d_list_t **)arg = link;
	return 1;
}

d_list_t *
d_hash_rec_first(struct d_hash_table *htable)
{
	d_list_t *link = NULL;

	if (d_hash_table_traverse(htable, ht_first_cb, &link) < 0)
		return NULL;
	return link;
}

/* walk */

int
d_hash_table_traverse(struct d_hash_table *htable, d_hash_traverse_cb_t cb, void *arg)
{
	bool               per_bucket;
	union d_hash_lock *lock;
	d_list_t          *link;
	d_list_t          *next;
	uint32_t           i;
	int                rc = 0;

	if (htable == NULL || htable->ht_buckets == NULL) {
		D_ERROR("hash table %p is not initialized\n", (void *)htable);
		return -DER_UNINIT;
	}
	if (cb == NULL)
		return -DER_INVAL;

	/* With one table lock, hold it throughout: the walk then sees a consistent table. */
	per_bucket = htable->ht_locks != NULL;
	if (!per_bucket)
		ht_lock_acquire(htable, &htable->ht_lock, true);

	for (i = 0; i < ht_nbuckets(htable) && rc == 0; i++) {
		lock = ht_lock_of(htable, i);
		if (per_bucket)
			ht_lock_acquire(htable, lock, true);
		/* _safe: without locks the callback may delete the record it is given. */
		d_list_for_each_safe(link, next, ht_head(htable, i)) {
			rc = cb(link, arg);
			if (rc != 0)
				break;
		}
		if (per_bucket)
			ht_lock_release(htable, lock);
	}

	if (!per_bucket)
		ht_lock_release(htable, &htable->ht_lock);
	return rc;
}

void
d_hash_table_debug(struct d_hash_table *htable)
{
	union d_hash_lock *lock;
	d_list_t          *link;
	uint64_t           total   = 0;
	uint32_t           longest = 0;
	uint32_t           used    = 0;
	uint32_t           depth;
	uint32_t           i;

	if (htable == NULL || htable->ht_buckets == NULL)
		return;

	for (i = 0; i < ht_nbuckets(htable); i++) {
		lock  = ht_lock_of(htable, i);
		depth = 0;
		ht_lock_acquire(htable, lock, true);
		d_list_for_each(link, ht_head(htable, i))
			depth++;
		ht_lock_release(htable, lock);
		total += depth;
		used += depth != 0;
		longest = max(longest, depth);
	}
	D_DEBUG(DB_TRACE,
		"hash table %p: %" PRIu64 " records in %u of %u buckets, longest chain %u\n",
		(void *)htable, total, used, ht_nbuckets(htable), longest);
}

/*
 * Records of the handle and uuid tables: struct d_rlink carries an atomic count, so these
 * tables work under any lock flavour (rwlock lookups change counts in parallel).
 */

static inline struct d_rlink *
link2rlink(d_list_t *link)
{
	return container_of(link, struct d_rlink, rl_link);
}

static void
rlink_init(struct d_rlink *rlink)
{
	D_INIT_LIST_HEAD(&rlink->rl_link);
	atomic_store_relaxed(&rlink->rl_ref, 1); /* the creator's */
	rlink->rl_initialized = 1;
}

static void
rlink_op_addref(struct d_hash_table *htable, d_list_t *link)
{
	(void)htable;
	atomic_fetch_add_relaxed(&link2rlink(link)->rl_ref, 1);
}

static bool
rlink_op_decref(struct d_hash_table *htable, d_list_t *link)
{
	uint32_t old;

	(void)htable;
	/* Sequentially consistent: whoever frees must see every other holder's last writes. */
	old = atomic_fetch_sub(&link2rlink(link)->rl_ref, 1);
	D_ASSERTF(old > 0, "reference count of %p underflows\n", (void *)link);
	return old == 1;
}

static int
rlink_op_ndecref(struct d_hash_table *htable, d_list_t *link, int count)
{
	struct d_rlink *rlink = link2rlink(link);
	uint32_t        old   = atomic_load(&rlink->rl_ref);

	(void)htable;
	do {
		if (count < 0 || old < (uint32_t)count)
			return -DER_INVAL;
	} while (!atomic_compare_exchange_weak(&rlink->rl_ref, &old, old - (uint32_t)count));
	return count != 0 && old == (uint32_t)count;
}

/* handle hash */

struct d_hhash {
	struct d_hash_table ch_htable;
	ATOMIC uint64_t     ch_cookie;  /* next handle number */
	bool                ch_ptrtype; /* D_HTYPE_PTR handles allowed */
};

static inline struct d_hlink *
link2hlink(d_list_t *link)
{
	return container_of(link2rlink(link), struct d_hlink, hl_link);
}

static uint32_t
hh_op_key_hash(struct d_hash_table *htable, const void *key, unsigned int ksize)
{
	uint64_t k;

	(void)htable;
	D_ASSERT(ksize == sizeof(k));
	memcpy(&k, key, sizeof(k));
	return (uint32_t)d_hash_mix64(k);
}

static uint32_t
hh_op_rec_hash(struct d_hash_table *htable, d_list_t *link)
{
	(void)htable;
	return (uint32_t)d_hash_mix64(link2hlink(link)->hl_key);
}

static bool
hh_op_key_cmp(struct d_hash_table *htable, d_list_t *link, const void *key, unsigned int ksize)
{
	uint64_t k;

	(void)htable;
	D_ASSERT(ksize == sizeof(k));
	memcpy(&k, key, sizeof(k));
	return link2hlink(link)->hl_key == k;
}

/* Pointer handles are the address; others a fresh number above the type bits. */
static void
hh_op_key_init(struct d_hash_table *htable, d_list_t *link, void *arg)
{
	struct d_hhash *hhash = container_of(htable, struct d_hhash, ch_htable);
	struct d_hlink *hlink = link2hlink(link);
	int             type  = *(int *)arg;

	if (type == D_HTYPE_PTR)
		hlink->hl_key = (uintptr_t)hlink;
	else
		hlink->hl_key = (atomic_fetch_add_relaxed(&hhash->ch_cookie, 1) << D_HTYPE_BITS) |
				(uint64_t)type;
}

static void
hh_op_rec_free(struct d_hash_table *htable, d_list_t *link)
{
	struct d_hlink *hlink = link2hlink(link);

	(void)htable;
	if (hlink->hl_ops != NULL && hlink->hl_ops->hop_free != NULL)
		hlink->hl_ops->hop_free(hlink);
}

static d_hash_table_ops_t hh_ops = {
	.hop_key_cmp     = hh_op_key_cmp,
	.hop_key_init    = hh_op_key_init,
	.hop_key_hash    = hh_op_key_hash,
	.hop_rec_hash    = hh_op_rec_hash,
	.hop_rec_addref  = rlink_op_addref,
	.hop_rec_decref  = rlink_op_decref,
	.hop_rec_ndecref = rlink_op_ndecref,
	.hop_rec_free    = hh_op_rec_free,
};

int
d_hhash_create(uint32_t feats, uint32_t bits, struct d_hhash **hhash_pp)
{
	struct d_hhash *hhash;
	int             rc;

	D_ALLOC_PTR(hhash);
	if (hhash == NULL)
		D_GOTO(out, rc = -DER_NOMEM);

	rc = d_hash_table_create_inplace(feats, bits, NULL, &hh_ops, &hhash->ch_htable);
	if (rc != 0) {
		D_FREE(hhash);
		D_GOTO(out, rc);
	}
	atomic_store_relaxed(&hhash->ch_cookie, 1);
	hhash->ch_ptrtype = false;
out:
	*hhash_pp = hhash;
	return rc;
}

void
d_hhash_destroy(struct d_hhash *hhash)
{
	d_hash_table_debug(&hhash->ch_htable);
	d_hash_table_destroy_inplace(&hhash->ch_htable, true);
	D_FREE(hhash);
}

void
d_hhash_hlink_init(struct d_hlink *hlink, struct d_hlink_ops *hl_ops)
{
	rlink_init(&hlink->hl_link);
	hlink->hl_key = 0;
	hlink->hl_ops = hl_ops;
}

void
d_hhash_link_insert(struct d_hhash *hhash, struct d_hlink *hlink, int type)
{
	int rc;

	D_ASSERT(hlink->hl_link.rl_initialized);
	D_ASSERTF(type >= 0 && (uint64_t)type <= D_HTYPE_MASK, "bad handle type %d\n", type);
	if (type == D_HTYPE_PTR) {
		D_ASSERTF(hhash->ch_ptrtype, "pointer handle in a table without ptrtype\n");
		D_ASSERTF(((uintptr_t)hlink & 1) == 0, "pointer handle %p is odd\n", (void *)hlink);
	} else {
		/* Bit 0 tells pointer handles (even) from numbered ones. */
		D_ASSERTF(type & 1, "handle type %d must be odd\n", type);
	}

	/* Cannot fail: the ops have key_init and rec_hash. */
	rc = d_hash_rec_insert_anonym(&hhash->ch_htable, &hlink->hl_link.rl_link, &type);
	D_ASSERT(rc == 0);
}

struct d_hlink *
d_hhash_link_lookup(struct d_hhash *hhash, uint64_t key)
{
	d_list_t *link;

	/* Pointer handles are looked up too, so a stale handle gives NULL, not a crash. */
	link = d_hash_rec_find(&hhash->ch_htable, &key, sizeof(key));
	return link == NULL ? NULL : link2hlink(link);
}

void
d_hhash_link_getref(struct d_hhash *hhash, struct d_hlink *hlink)
{
	d_hash_rec_addref(&hhash->ch_htable, &hlink->hl_link.rl_link);
}

void
d_hhash_link_putref(struct d_hhash *hhash, struct d_hlink *hlink)
{
	d_hash_rec_decref(&hhash->ch_htable, &hlink->hl_link.rl_link);
}

bool
d_hhash_link_delete(struct d_hhash *hhash, struct d_hlink *hlink)
{
	return d_hash_rec_delete_at(&hhash->ch_htable, &hlink->hl_link.rl_link);
}

bool
d_hhash_link_empty(struct d_hlink *hlink)
{
	if (!hlink->hl_link.rl_initialized)
		return true;
	return d_hash_rec_unlinked(&hlink->hl_link.rl_link);
}

void
d_hhash_link_key(struct d_hlink *hlink, uint64_t *key)
{
	*key = hlink->hl_key;
}

bool
d_hhash_key_isptr(uint64_t key)
{
	return (key & 1) == 0;
}

int
d_hhash_key_type(uint64_t key)
{
	if (d_hhash_key_isptr(key))
		return D_HTYPE_PTR;
	return (int)(key & D_HTYPE_MASK);
}

/* Numbered and pointer handles never collide (odd vs even), so a table may hold both. */
int
d_hhash_set_ptrtype(struct d_hhash *hhash)
{
	hhash->ch_ptrtype = true;
	return 0;
}

bool
d_hhash_is_ptrtype(struct d_hhash *hhash)
{
	return hhash->ch_ptrtype;
}

struct hh_traverse_arg {
	int                   type;
	d_hhash_traverse_cb_t cb;
	void                 *arg;
};

static int
hh_traverse_cb(d_list_t *link, void *arg)
{
	struct hh_traverse_arg *ta    = arg;
	struct d_hlink         *hlink = link2hlink(link);

	if (d_hhash_key_type(hlink->hl_key) != ta->type)
		return 0;
	return ta->cb(hlink, ta->arg);
}

int
d_hhash_traverse(struct d_hhash *hhash, int type, d_hhash_traverse_cb_t cb, void *arg)
{
	struct hh_traverse_arg ta = {.type = type, .cb = cb, .arg = arg};

	if (hhash == NULL || cb == NULL)
		return -DER_INVAL;
	return d_hash_table_traverse(&hhash->ch_htable, hh_traverse_cb, &ta);
}

/* uuid hash: the key handed to the table carries the caller's cmp_args along. */

struct uh_key {
	struct d_uuid *uk_uuid;
	void          *uk_cmp_args;
};

static inline struct d_ulink *
link2ulink(d_list_t *link)
{
	return container_of(link2rlink(link), struct d_ulink, ul_link);
}

static inline uint32_t
uh_hash(const struct d_uuid *uuid)
{
	return (uint32_t)d_hash_murmur64(uuid->uuid, sizeof(uuid->uuid), 0);
}

static uint32_t
uh_op_key_hash(struct d_hash_table *htable, const void *key, unsigned int ksize)
{
	const struct uh_key *uk = key;

	(void)htable;
	D_ASSERT(ksize == sizeof(*uk));
	return uh_hash(uk->uk_uuid);
}

static uint32_t
uh_op_rec_hash(struct d_hash_table *htable, d_list_t *link)
{
	(void)htable;
	return uh_hash(&link2ulink(link)->ul_uuid);
}

static bool
uh_op_key_cmp(struct d_hash_table *htable, d_list_t *link, const void *key, unsigned int ksize)
{
	const struct uh_key *uk    = key;
	struct d_ulink      *ulink = link2ulink(link);

	(void)htable;
	D_ASSERT(ksize == sizeof(*uk));
	if (uuid_compare(ulink->ul_uuid.uuid, uk->uk_uuid->uuid) != 0)
		return false;
	if (ulink->ul_ops == NULL || ulink->ul_ops->uop_cmp == NULL)
		return true;
	return ulink->ul_ops->uop_cmp(ulink, uk->uk_cmp_args);
}

static void
uh_op_rec_free(struct d_hash_table *htable, d_list_t *link)
{
	struct d_ulink *ulink = link2ulink(link);

	(void)htable;
	if (ulink->ul_ops != NULL && ulink->ul_ops->uop_free != NULL)
		ulink->ul_ops->uop_free(ulink);
}

static d_hash_table_ops_t uh_ops = {
	.hop_key_cmp     = uh_op_key_cmp,
	.hop_key_hash    = uh_op_key_hash,
	.hop_rec_hash    = uh_op_rec_hash,
	.hop_rec_addref  = rlink_op_addref,
	.hop_rec_decref  = rlink_op_decref,
	.hop_rec_ndecref = rlink_op_ndecref,
	.hop_rec_free    = uh_op_rec_free,
};

int
d_uhash_create(uint32_t feats, uint32_t bits, struct d_hash_table **htable)
{
	return d_hash_table_create(feats, bits, NULL, &uh_ops, htable);
}

void
d_uhash_destroy(struct d_hash_table *htable)
{
	d_hash_table_debug(htable);
	d_hash_table_destroy(htable, true);
}

void
d_uhash_ulink_init(struct d_ulink *ulink, struct d_ulink_ops *ul_ops)
{
	rlink_init(&ulink->ul_link);
	ulink->ul_ops = ul_ops;
}

bool
d_uhash_link_empty(struct d_ulink *ulink)
{
	if (!ulink->ul_link.rl_initialized)
		return true;
	return d_hash_rec_unlinked(&ulink->ul_link.rl_link);
}

bool
d_uhash_link_last_ref(struct d_ulink *ulink)
{
	return atomic_load(&ulink->ul_link.rl_ref) == 1;
}

void
d_uhash_link_addref(struct d_hash_table *htable, struct d_ulink *ulink)
{
	d_hash_rec_addref(htable, &ulink->ul_link.rl_link);
}

void
d_uhash_link_putref(struct d_hash_table *htable, struct d_ulink *ulink)
{
	d_hash_rec_decref(htable, &ulink->ul_link.rl_link);
}

void
d_uhash_link_delete(struct d_hash_table *htable, struct d_ulink *ulink)
{
	d_hash_rec_delete_at(htable, &ulink->ul_link.rl_link);
}

int
d_uhash_link_insert(struct d_hash_table *htable, struct d_uuid *key, void *cmp_args,
		    struct d_ulink *ulink)
{
	struct uh_key uk = {.uk_uuid = key, .uk_cmp_args = cmp_args};

	D_ASSERT(ulink->ul_link.rl_initialized);
	uuid_copy(ulink->ul_uuid.uuid, key->uuid);
	return d_hash_rec_insert(htable, &uk, sizeof(uk), &ulink->ul_link.rl_link, true);
}

struct d_ulink *
d_uhash_link_lookup(struct d_hash_table *htable, struct d_uuid *key, void *cmp_args)
{
	struct uh_key uk = {.uk_uuid = key, .uk_cmp_args = cmp_args};
	d_list_t     *link;

	link = d_hash_rec_find(htable, &uk, sizeof(uk));
	return link == NULL ? NULL : link2ulink(link);
}
