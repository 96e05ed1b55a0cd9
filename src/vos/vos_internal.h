/* Private to src/vos: index structures, the B+tree, record codec. */
#ifndef __VOS_INTERNAL_H__
#define __VOS_INTERNAL_H__

#include "vos.h"

/* ---- ordered tree of items (vos_btree.c) ----
 * Items are caller structures; the tree stores pointers to them, each with an
 * 8-byte prefix of its key that settles most comparisons, and finds whole
 * keys through btr_ops.key. Leaves grow by doubling up to BTR_ORDER entries,
 * so a tree of one item costs one 24-byte allocation (8 header + 16 entry).
 */
#define BTR_ORDER     32
#define BTR_MAX_DEPTH 12

enum btr_kind { BTR_BYTES = 0, BTR_U64 = 1 };

struct btr_ops {
	const void *(*key)(const void *item, uint32_t *len);
};

struct btr_root {
	void    *br_node;
	uint32_t br_count;
	uint8_t  br_height; /* 0: br_node is a leaf */
	uint8_t  br_kind;   /* enum btr_kind */
	uint8_t  br_mixed;  /* BTR_U64 holding a key that is not 8 bytes */
};

struct btr_cursor {
	const struct btr_ops *bc_ops;
	struct btr_root      *bc_root;
	void                 *bc_node[BTR_MAX_DEPTH];
	int                   bc_idx[BTR_MAX_DEPTH];
	bool                  bc_valid;
};

enum btr_seek { BTR_SEEK_GE, BTR_SEEK_GT, BTR_SEEK_LE, BTR_SEEK_LT };

int   btr_cmp(const struct btr_root *r, const void *a, uint32_t alen, const void *b, uint32_t blen);
void *btr_lookup(const struct btr_ops *ops, struct btr_root *r, const void *key, uint32_t klen);
/* Insert item; -DER_EXIST if its key is present. */
int   btr_insert(const struct btr_ops *ops, struct btr_root *r, void *item);
/* Remove and return the item with key, or NULL. */
void *btr_delete(const struct btr_ops *ops, struct btr_root *r, const void *key, uint32_t klen);
/* Free the tree's nodes, calling fn on every item first (fn may be NULL). */
void  btr_destroy(struct btr_root *r, void (*fn)(void *item, void *arg), void *arg);
void  btr_first(const struct btr_ops *ops, struct btr_root *r, struct btr_cursor *c);
void  btr_last(const struct btr_ops *ops, struct btr_root *r, struct btr_cursor *c);
void  btr_seek(const struct btr_ops *ops, struct btr_root *r, struct btr_cursor *c,
	       const void *key, uint32_t klen, enum btr_seek how);
void *btr_item(const struct btr_cursor *c); /* NULL when not valid */
void  btr_next(struct btr_cursor *c);
void  btr_prev(struct btr_cursor *c);
/* Check ordering and counts; 0 or -DER_INVAL (tests). */
int   btr_check(const struct btr_ops *ops, struct btr_root *r);

/* ---- index ---- */

/* Sorted set of punch epochs (NULL when empty). */
struct vos_punches {
	uint32_t     vp_nr;
	uint32_t     vp_cap;
	daos_epoch_t vp_ep[];
};

#define VAL_ARRAY 0x1 /* v_ext holds idx, nr before the data */
#define VAL_ADDR  0x2 /* data is a struct vos_data_addr */

/* One single-value version or one array extent. */
struct vos_val {
	daos_epoch_t v_epoch;
	uint64_t     v_len;  /* value bytes */
	uint32_t     v_csum;
	uint32_t     v_flags;
	uint64_t     v_ext[]; /* array: idx, nr; then inline bytes or the address */
};

struct vos_akey {
	void               *ak_vals;  /* 1 value: the value; more: array of pointers */
	struct vos_punches *ak_punch;
	uint32_t            ak_nvals; /* sorted by epoch (single) or (idx, epoch) (array) */
	uint32_t            ak_rsize; /* array record size; 0 for single values */
	uint16_t            ak_klen;
	uint8_t             ak_type;  /* DAOS_IOD_* */
	uint8_t             ak_key[];
};

struct vos_dkey {
	struct btr_root     dk_akeys;
	struct vos_punches *dk_punch;
	uint16_t            dk_klen;
	uint8_t             dk_key[];
};

struct vos_obj {
	daos_obj_id_t       o_id;
	uint8_t             o_key[16]; /* big-endian hi, lo: tree order */
	struct btr_root     o_dkeys;
	struct vos_punches *o_punch;
};

struct vos_cont {
	uuid_t          c_uuid;
	struct btr_root c_objs;
};

struct vos {
	struct vos_attr v_attr;
	struct btr_root v_conts;
	uint8_t        *v_rec;      /* scratch record buffer */
	size_t          v_rec_cap;
	/* Fetches between their index pass and the end of their reads: while
	 * any is, DATA that values stop using is held here, not freed (its
	 * blocks could be reused under a read; vos_io.c, "Fetch"). */
	uint32_t        v_readers;
	uint32_t        v_held_nr, v_held_cap;
	struct vos_held {
		struct vos_data_addr vh_addr;
		uint64_t             vh_len;
	} *v_held;
};

extern const struct btr_ops vos_cont_ops, vos_obj_ops, vos_dkey_ops, vos_akey_ops;

static inline struct vos_val **
vos_akey_vals(struct vos_akey *ak)
{
	return ak->ak_nvals == 1 ? (struct vos_val **)&ak->ak_vals : (struct vos_val **)ak->ak_vals;
}

static inline uint64_t
val_idx(const struct vos_val *v)
{
	return (v->v_flags & VAL_ARRAY) ? v->v_ext[0] : 0;
}

static inline uint64_t
val_nr(const struct vos_val *v)
{
	return (v->v_flags & VAL_ARRAY) ? v->v_ext[1] : 0;
}

static inline void *
val_data(const struct vos_val *v)
{
	return (void *)&v->v_ext[(v->v_flags & VAL_ARRAY) ? 2 : 0];
}

static inline uint64_t
val_idx_end(const struct vos_val *v)
{
	return val_idx(v) + val_nr(v);
}

/* vos_index.c */
void             vos_readers_end(struct vos *vos);
struct vos_cont *vos_cont_find(struct vos *vos, const uuid_t uuid);
struct vos_obj  *vos_obj_find(struct vos_cont *c, daos_obj_id_t oid);
void             vos_obj_key(daos_obj_id_t oid, uint8_t key[16]);
struct vos_dkey *vos_dkey_find(struct vos_obj *o, const void *key, uint32_t klen);
struct vos_akey *vos_akey_find(struct vos_dkey *d, const void *key, uint32_t klen);
void             vos_cont_free(struct vos *vos, struct vos_cont *c, bool free_data);
bool             punches_hide(const struct vos_punches *p, daos_epoch_t e, daos_epoch_t read);
daos_epoch_t     punches_latest(const struct vos_punches *p, daos_epoch_t read);
/* Newest punch <= read of any of the three levels. */
daos_epoch_t     vos_punch_floor(const struct vos_obj *o, const struct vos_dkey *d,
				 const struct vos_akey *a, daos_epoch_t read);
bool             vos_akey_visible(struct vos_obj *o, struct vos_dkey *d, struct vos_akey *a,
				  daos_epoch_t read);
bool             vos_dkey_visible(struct vos_obj *o, struct vos_dkey *d, daos_epoch_t read);
bool             vos_obj_visible(struct vos_obj *o, daos_epoch_t read);
/* Free a value (and its DATA when free_data; held while fetches read). */
void             vos_val_free(struct vos *vos, struct vos_val *v, bool free_data);

/* Resolved view of an array at an epoch: pieces, ascending, non-overlapping. */
struct vos_piece {
	uint64_t        p_lo, p_hi; /* records [p_lo, p_hi) */
	struct vos_val *p_val;
};
/* Visible pieces within [lo, hi) at read, ignoring values with epoch <= floor. */
int vos_array_view(struct vos_akey *a, uint64_t lo, uint64_t hi, daos_epoch_t floor,
		   daos_epoch_t read, daos_epoch_t min_epoch, struct vos_piece **pieces,
		   uint32_t *npieces);

/* ---- redo records (vos_record.c) ---- */

#define VOS_REC_MAGIC   0x5652 /* "RV" on disk */
#define VOS_REC_VERSION 1
#define VOS_REC_HDR     8      /* u16 magic, u8 version, u8 type, u32 length */

enum vos_rec_type {
	VREC_CONT_CREATE = 1,
	VREC_CONT_DESTROY,
	VREC_UPDATE,
	VREC_PUNCH,
	VREC_REPLACE,     /* remove an akey's values in an epoch (and index) range, put others */
	VREC_PUNCH_SET,   /* replace punch epochs in a range at one level */
	VREC_DISCARD,     /* remove everything in an epoch range from an object */
	VREC_IMG_BEGIN,
	VREC_IMG_END,
	VREC_TYPE_MAX,
};

#define VOS_ENC_SMALL 256 /* bytes an encoder holds before it mallocs */

/* Growable encoding buffer of records being built. Not to be copied: e_buf
 * may point at e_small. */
struct vos_enc {
	uint8_t *e_buf;
	size_t   e_len;
	size_t   e_cap;
	int      e_rc;
	uint8_t  e_small[VOS_ENC_SMALL]; /* the first bytes: most records fit */
};

void vos_enc_init(struct vos_enc *e);
void vos_enc_fini(struct vos_enc *e);
void vos_enc_begin(struct vos_enc *e, enum vos_rec_type type, size_t *start);
int  vos_enc_end(struct vos_enc *e, size_t start);
void vos_enc_u8(struct vos_enc *e, uint8_t v);
void vos_enc_u16(struct vos_enc *e, uint16_t v);
void vos_enc_u32(struct vos_enc *e, uint32_t v);
void vos_enc_u64(struct vos_enc *e, uint64_t v);
void vos_enc_bytes(struct vos_enc *e, const void *p, size_t n);
/* Key: u16 length + bytes (uint64 keys as LE u64). */
void vos_enc_key(struct vos_enc *e, bool u64, const void *key, uint32_t klen);
void vos_enc_prefix(struct vos_enc *e, const uuid_t cont, daos_obj_id_t oid);
/* Value: u8 flags, u32 csum, u64 len, [idx, nr], inline bytes or address. */
void vos_enc_val(struct vos_enc *e, uint32_t flags, uint64_t len, uint32_t csum, uint64_t idx,
		 uint64_t nr, const void *data);
void vos_enc_stored_val(struct vos_enc *e, const struct vos_val *v);
/* Open a REPLACE record for akey a (versions in [lo, hi]); the caller adds the count and
 * the values, then vos_enc_end(e, *start). Shared by the image and aggregation. */
void vos_enc_replace_begin(struct vos_enc *e, const uuid_t cont, const struct vos_obj *o,
			   const struct vos_dkey *d, const struct vos_akey *a, daos_epoch_t lo,
			   daos_epoch_t hi, size_t *start);
/* The records that rebuild one object (image). */
int  vos_enc_object(struct vos_enc *e, const struct vos_cont *c, const struct vos_obj *o);
/* Log then apply the records in e (e_buf holds whole records back to back). */
int  vos_commit(struct vos *vos, struct vos_enc *e);
/*
 * The same, the first record going to the log with the submitted data writes
 * ios[0..*nr_ios) (consumed: *nr_ios is 0 on return, or unchanged when the
 * call failed before reaching the log: the caller then waits for them).
 * *logged tells whether a record reached the log, so whether its data
 * addresses may be referenced by the WAL even if the call failed.
 */
int  vos_commit_io(struct vos *vos, struct vos_enc *e, void **ios, unsigned int *nr_ios,
		   bool *logged);

#endif /* __VOS_INTERNAL_H__ */
