/*
 * gurt/hash.h - chained hash tables with caller-managed records.
 *
 * A record is the caller's structure with an embedded d_list_t; the table links that node
 * into a bucket and never allocates per record. The caller's ops tell the table how to
 * compare and hash keys and how to count references, so the table can hand out records
 * that stay alive while it is being changed by others.
 *
 * Reference contract (when hop_rec_addref/hop_rec_decref are given):
 * - find, find_insert (when it finds) and addref take one reference for the caller, who
 *   drops it with d_hash_rec_decref().
 * - Default tables own one reference on each linked record: insert takes it, delete drops
 *   it. A record is freed (hop_rec_free) when its last reference goes after it was deleted;
 *   dropping the last reference of a record that is still linked is a bug and asserts.
 * - D_HASH_FT_EPHEMERAL tables own no reference: the record lives as long as its users'
 *   references, and the decref that drops the last one unlinks and frees it. Draining such
 *   a table is `while ((l = d_hash_rec_first(t)) != NULL) d_hash_rec_decref(t, l);`.
 *
 * Locking: a spinlock by default, or a mutex or rwlock (D_HASH_FT_*). With hop_rec_hash,
 * each bucket has its own lock; D_HASH_FT_GLOCK (implied without hop_rec_hash) uses one
 * lock for the table. Callbacks run under the lock and must not call back into the table.
 *
 * Caveats:
 * - d_hash_table_traverse() and d_hash_rec_first() see one bucket at a time under
 *   per-bucket locks: they are not a snapshot of the whole table.
 * - With D_HASH_FT_RWLOCK, lookups run in parallel, so hop_rec_addref/hop_rec_decref must
 *   change the count atomically.
 * - Forced destroy of an EPHEMERAL table only unlinks the remaining records; their owners
 *   still hold them.
 */
#ifndef __GURT_HASH_H__
#define __GURT_HASH_H__

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>

#include <gurt/list.h>
#include <gurt/types.h>
#include <gurt/atomic.h>

/* Layout switch kept for DAOS compatibility; the extra counters are not built. */
#define D_HASH_DEBUG 0

struct d_hash_table;

#if defined(__cplusplus)
extern "C" {
#endif

/* Record callbacks; only hop_key_cmp is mandatory. */
typedef struct {
	/* True when the record at link has this key. */
	bool     (*hop_key_cmp)(struct d_hash_table *htable, d_list_t *link, const void *key,
			        unsigned int ksize);
	/* Give a keyless record its key, for d_hash_rec_insert_anonym(). */
	void     (*hop_key_init)(struct d_hash_table *htable, d_list_t *link, void *arg);
	/* Hash a key; d_hash_string_u32() (djb2) over the key bytes when absent. */
	uint32_t (*hop_key_hash)(struct d_hash_table *htable, const void *key, unsigned int ksize);
	/* Hash of the record's own key, equal to hop_key_hash() of it; enables bucket locks. */
	uint32_t (*hop_rec_hash)(struct d_hash_table *htable, d_list_t *link);
	/* Take one reference on the record. */
	void     (*hop_rec_addref)(struct d_hash_table *htable, d_list_t *link);
	/* Drop one reference; true when it was the last and the record may be freed. */
	bool     (*hop_rec_decref)(struct d_hash_table *htable, d_list_t *link);
	/*
	 * Drop count references; 1 when the last went, 0 when some remain, negative (e.g.
	 * -DER_INVAL for fewer than count held) on error. Without it, decref is repeated.
	 */
	int      (*hop_rec_ndecref)(struct d_hash_table *htable, d_list_t *link, int count);
	/* Release the record once no reference remains. */
	void     (*hop_rec_free)(struct d_hash_table *htable, d_list_t *link);
} d_hash_table_ops_t;

enum d_hash_feats {
	D_HASH_FT_NOLOCK          = (1 << 0),  /* no lock: single thread or caller's lock */
	D_HASH_FT_MUTEX           = (1 << 1),  /* pthread mutex instead of the spinlock */
	D_HASH_FT_RWLOCK          = (1 << 2),  /* rwlock: read-mostly table */
	D_HASH_FT_EPHEMERAL       = (1 << 3),  /* the table owns no reference, see above */
	D_HASH_FT_LRU             = (1 << 4),  /* a hit moves to the head of its bucket */
	D_HASH_FT_NO_KEYINIT_LOCK = (1 << 5),  /* hop_key_init needs no serialization */
	D_HASH_FT_GLOCK           = (1 << 15), /* one lock for the whole table */
};

union d_hash_lock {
	pthread_spinlock_t spin;
	pthread_mutex_t    mutex;
	pthread_rwlock_t   rwlock;
};

struct d_hash_bucket {
	d_list_t hb_head;
#if D_HASH_DEBUG
	unsigned int hb_dep;
#endif
};

struct d_hash_table {
	/* Table lock (GLOCK), or the lock serializing hop_key_init with bucket locks */
	union d_hash_lock     ht_lock;
	uint32_t              ht_bits;    /* 2^ht_bits buckets */
	uint32_t              ht_feats;   /* D_HASH_FT_* */
#if D_HASH_DEBUG
	unsigned int          ht_dep_max;
	unsigned int          ht_nr_max;
	unsigned int          ht_nr;
#endif
	void                 *ht_priv;    /* caller's, for the callbacks */
	d_hash_table_ops_t   *ht_ops;
	struct d_hash_bucket *ht_buckets;
	union d_hash_lock    *ht_locks;   /* bucket locks, NULL with GLOCK or NOLOCK */
};

/* create and destroy */

/* Allocate and initialize a table of 2^bits buckets. 0, -DER_INVAL or -DER_NOMEM. */
int  d_hash_table_create(uint32_t feats, uint32_t bits, void *priv, d_hash_table_ops_t *hops,
			 struct d_hash_table **htable_pp);
/* Initialize a table the caller allocated (e.g. embedded in a structure). */
int  d_hash_table_create_inplace(uint32_t feats, uint32_t bits, void *priv,
				 d_hash_table_ops_t *hops, struct d_hash_table *htable);
/*
 * Destroy a table. Without force a non-empty table is left intact and -DER_BUSY returned;
 * with force every record is deleted first (as d_hash_rec_delete_at()).
 */
int  d_hash_table_destroy(struct d_hash_table *htable, bool force);
/* As d_hash_table_destroy() but leaves the structure itself to the caller. */
int  d_hash_table_destroy_inplace(struct d_hash_table *htable, bool force);

/* records */

/* The record with key, with a reference for the caller, or NULL. */
d_list_t *d_hash_rec_find(struct d_hash_table *htable, const void *key, unsigned int ksize);
/*
 * The record with key (plus a reference for the caller) if there is one; otherwise link is
 * inserted as by d_hash_rec_insert() and returned.
 */
d_list_t *d_hash_rec_find_insert(struct d_hash_table *htable, const void *key,
				 unsigned int ksize, d_list_t *link);
/* Link a record under key. exclusive: -DER_EXIST if the key is present. */
int  d_hash_rec_insert(struct d_hash_table *htable, const void *key, unsigned int ksize,
		       d_list_t *link, bool exclusive);
/* Key the record with hop_key_init(htable, link, arg), then link it. -DER_INVAL without
 * hop_key_init or hop_rec_hash.
 */
int  d_hash_rec_insert_anonym(struct d_hash_table *htable, d_list_t *link, void *arg);
/* Unlink the record with key and drop the table's reference. False if not found. */
bool d_hash_rec_delete(struct d_hash_table *htable, const void *key, unsigned int ksize);
/* Unlink this record and drop the table's reference. False if it was not linked. */
bool d_hash_rec_delete_at(struct d_hash_table *htable, d_list_t *link);
/* LRU tables: move the record with key to the cold end of its bucket. False if not found or
 * the table is not LRU.
 */
bool d_hash_rec_evict(struct d_hash_table *htable, const void *key, unsigned int ksize);
/* LRU tables: move this linked record to the cold end of its bucket. False if not LRU. */
bool d_hash_rec_evict_at(struct d_hash_table *htable, d_list_t *link);
void d_hash_rec_addref(struct d_hash_table *htable, d_list_t *link);
/* Drop a reference; see the contract at the top for what the last one does. */
void d_hash_rec_decref(struct d_hash_table *htable, d_list_t *link);
/* Drop count references at once. -DER_INVAL if fewer were held. */
int  d_hash_rec_ndecref(struct d_hash_table *htable, int count, d_list_t *link);
/* True once the record is no longer in a table (deleted, or never inserted). */
bool d_hash_rec_unlinked(d_list_t *link);
/* Some record of the table (no reference taken, no order), or NULL when empty. */
d_list_t *d_hash_rec_first(struct d_hash_table *htable);

/* walk */

typedef int (*d_hash_traverse_cb_t)(d_list_t *link, void *arg);

/* Call cb on every record, under the bucket's lock, until it returns non-zero; that value
 * is returned. -DER_INVAL without cb, -DER_UNINIT for a table not created.
 */
int  d_hash_table_traverse(struct d_hash_table *htable, d_hash_traverse_cb_t cb, void *arg);
/* Log the table's size and chain lengths at debug level. */
void d_hash_table_debug(struct d_hash_table *htable);

/*
 * Handle hash: gives each inserted object a 64-bit handle (its key) that can cross an API
 * boundary and be looked up later. The low D_HTYPE_BITS of a key carry the handle type;
 * D_HTYPE_PTR handles are the object's address (bit 0 clear), all other types have bit 0
 * set. d_hhash_hlink_init() gives the creator one reference, insertion adds the table's.
 */

#define D_HHASH_BITS  16
#define D_HTYPE_BITS  4
#define D_HTYPE_MASK  ((1ULL << D_HTYPE_BITS) - 1)

enum {
	D_HTYPE_PTR = 0, /* key is the hlink's address; needs d_hhash_set_ptrtype() */
};

struct d_hlink;
struct d_hlink_ops {
	void (*hop_free)(struct d_hlink *hlink); /* last reference gone */
};

/* A reference-counted hash record, shared by the handle and uuid tables. */
struct d_rlink {
	d_list_t        rl_link;
	ATOMIC uint32_t rl_ref;
	uint32_t        rl_initialized:1;
};

struct d_hlink {
	struct d_rlink      hl_link;
	uint64_t            hl_key;
	struct d_hlink_ops *hl_ops;
};

struct d_hhash;

int  d_hhash_create(uint32_t feats, uint32_t bits, struct d_hhash **hhash);
/* Deletes whatever is still inserted. */
void d_hhash_destroy(struct d_hhash *hhash);
void d_hhash_hlink_init(struct d_hlink *hlink, struct d_hlink_ops *hl_ops);
/* Assign hlink a handle of type and insert it. D_HTYPE_PTR requires an even address. */
void d_hhash_link_insert(struct d_hhash *hhash, struct d_hlink *hlink, int type);
/* The object with handle key, with a reference for the caller, or NULL. */
struct d_hlink *d_hhash_link_lookup(struct d_hhash *hhash, uint64_t key);
void d_hhash_link_getref(struct d_hhash *hhash, struct d_hlink *hlink);
/* Drop a reference; the last one calls hop_free. */
void d_hhash_link_putref(struct d_hhash *hhash, struct d_hlink *hlink);
/* Remove from the table and drop its reference. False if it was not inserted. */
bool d_hhash_link_delete(struct d_hhash *hhash, struct d_hlink *hlink);
bool d_hhash_link_empty(struct d_hlink *hlink);
void d_hhash_link_key(struct d_hlink *hlink, uint64_t *key);
int  d_hhash_key_type(uint64_t key);
bool d_hhash_key_isptr(uint64_t key);
/* Allow D_HTYPE_PTR handles in this table. */
int  d_hhash_set_ptrtype(struct d_hhash *hhash);
bool d_hhash_is_ptrtype(struct d_hhash *hhash);
typedef int (*d_hhash_traverse_cb_t)(struct d_hlink *link, void *arg);
/* Call cb on each object whose handle has type, until it returns non-zero. */
int  d_hhash_traverse(struct d_hhash *hhash, int type, d_hhash_traverse_cb_t cb, void *arg);

/*
 * UUID hash: objects keyed by uuid, optionally told apart further by uop_cmp with the
 * caller's cmp_args. Same reference rules as the handle hash.
 */

struct d_ulink;
struct d_ulink_ops {
	void (*uop_free)(struct d_ulink *ulink);                /* last reference gone */
	bool (*uop_cmp)(struct d_ulink *ulink, void *cmp_args); /* optional extra match */
};

struct d_ulink {
	struct d_rlink      ul_link;
	struct d_uuid       ul_uuid;
	struct d_ulink_ops *ul_ops;
};

int  d_uhash_create(uint32_t feats, uint32_t bits, struct d_hash_table **htable);
void d_uhash_destroy(struct d_hash_table *htable);
void d_uhash_ulink_init(struct d_ulink *ulink, struct d_ulink_ops *ul_ops);
bool d_uhash_link_empty(struct d_ulink *ulink);
bool d_uhash_link_last_ref(struct d_ulink *ulink);
void d_uhash_link_addref(struct d_hash_table *htable, struct d_ulink *ulink);
void d_uhash_link_putref(struct d_hash_table *htable, struct d_ulink *ulink);
void d_uhash_link_delete(struct d_hash_table *htable, struct d_ulink *ulink);
/* Insert under key; -DER_EXIST if a matching (uuid and uop_cmp) object is there. */
int  d_uhash_link_insert(struct d_hash_table *htable, struct d_uuid *key, void *cmp_args,
			 struct d_ulink *ulink);
struct d_ulink *d_uhash_link_lookup(struct d_hash_table *htable, struct d_uuid *key,
				    void *cmp_args);

#if defined(__cplusplus)
}
#endif

#endif /* __GURT_HASH_H__ */
