/*
 * daos_obj.h - objects: IDs, open/close, update/fetch, punch, enumeration.
 *
 * An object is a tree of keys: dkeys (distribution keys: a dkey's data lives
 * on one redundancy group, so everything under a dkey is updated atomically),
 * under each dkey akeys, and under each akey either a single value (replaced
 * as a whole) or an array of fixed-size records written in extents at any
 * index. An I/O descriptor (daos_iod_t) names one akey and what of its value
 * to access; a scatter/gather list (d_sg_list_t) holds the bytes.
 *
 * Object IDs: the caller owns oid.lo and the low 32 bits of oid.hi, and
 * daos_obj_generate_oid() fills the top 32 bits of oid.hi:
 *
 *   bits 56..63  object type (enum daos_otype_t)
 *   bits 48..55  redundancy method (enum daos_obj_redun), 0 for legacy ids
 *   bits 32..47  number of redundancy groups (legacy class ids: the id itself)
 *
 * so any client computes where an object lives from its ID and the pool map.
 * daos_obj_generate_oid is a macro for daos_obj_generate_oid2, the symbol
 * the library exports, as in DAOS.
 *
 * Every I/O call takes a transaction handle th (DAOS_TX_NONE: its own) and
 * flags (DAOS_COND_*: conditional operations).
 *
 * Caveats:
 * - An akey holds one kind of value, fixed by its first update; mixing single
 *   values and arrays under one akey is undefined, even after a punch.
 * - For DAOS_OT_*_UINT64 types the key is a uint64_t (iov_len 8) and keys
 *   enumerate in numeric order; for LEXICAL types, in byte order; otherwise
 *   in no particular order.
 * - Enumeration anchors must not be changed between calls; an anchor belongs
 *   to one kind of listing and, for recx, one order.
 */
#ifndef __DAOS_OBJ_H__
#define __DAOS_OBJ_H__

#define daos_obj_generate_oid daos_obj_generate_oid2

#include <limits.h>

#include <daos_types.h>
#include <daos_event.h>
#include <daos_obj_class.h>
#include <daos_prop.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define DAOS_OBJ_NIL ((daos_obj_id_t){0})

/* ---- object ID layout ---- */
#define OID_FMT_INTR_BITS  32 /* top bits of oid.hi owned by the system */
#define OID_FMT_TYPE_BITS  8
#define OID_FMT_CLASS_BITS 8
#define OID_FMT_META_BITS  16

#define OID_FMT_TYPE_SHIFT  (64 - OID_FMT_TYPE_BITS)
#define OID_FMT_CLASS_SHIFT (OID_FMT_TYPE_SHIFT - OID_FMT_CLASS_BITS)
#define OID_FMT_META_SHIFT  (OID_FMT_CLASS_SHIFT - OID_FMT_META_BITS)

#define OID_FMT_TYPE_MAX  ((1ULL << OID_FMT_TYPE_BITS) - 1)
#define OID_FMT_CLASS_MAX ((1ULL << OID_FMT_CLASS_BITS) - 1)
#define OID_FMT_META_MAX  ((1ULL << OID_FMT_META_BITS) - 1)

#define OID_FMT_TYPE_MASK  (OID_FMT_TYPE_MAX << OID_FMT_TYPE_SHIFT)
#define OID_FMT_CLASS_MASK (OID_FMT_CLASS_MAX << OID_FMT_CLASS_SHIFT)
#define OID_FMT_META_MASK  (OID_FMT_META_MAX << OID_FMT_META_SHIFT)

/* Object types: how keys are compared and what the object holds. */
enum daos_otype_t {
	DAOS_OT_MULTI_HASHED  = 0,  /* dkeys and akeys of any bytes (the default) */
	DAOS_OT_OIT           = 1,  /* object ID table (internal) */
	DAOS_OT_DKEY_UINT64   = 2,  /* uint64 dkeys */
	DAOS_OT_AKEY_UINT64   = 3,  /* uint64 akeys */
	DAOS_OT_MULTI_UINT64  = 4,  /* uint64 dkeys and akeys */
	DAOS_OT_DKEY_LEXICAL  = 5,  /* dkeys sorted bytewise */
	DAOS_OT_AKEY_LEXICAL  = 6,  /* akeys sorted bytewise */
	DAOS_OT_MULTI_LEXICAL = 7,  /* both sorted bytewise */
	DAOS_OT_KV_HASHED     = 8,  /* flat KV (daos_kv.h), keys of any bytes */
	DAOS_OT_KV_UINT64     = 9,  /* flat KV, uint64 keys */
	DAOS_OT_KV_LEXICAL    = 10, /* flat KV, keys sorted bytewise */
	DAOS_OT_ARRAY         = 11, /* array (daos_array.h), attributes kept in the object */
	DAOS_OT_ARRAY_ATTR    = 12, /* array, attributes kept by the caller */
	DAOS_OT_ARRAY_BYTE    = 13, /* byte array with no metadata (DFS files) */
	DAOS_OT_OIT_V2        = 14, /* object ID table, newer format (internal) */
	DAOS_OT_MAX           = 14,
	/* reserved by DAOS: 64 for multi-dimensional arrays, 96 for block devices */
};

static inline bool
daos_otype_t_is_valid(enum daos_otype_t type)
{
	return type <= DAOS_OT_MAX;
}

/* True for the redundancy levels placement supports (DAOS_PROP_CO_REDUN_LVL). */
static inline bool
daos_pa_domain_is_valid(uint32_t pa_domain)
{
	return pa_domain == DAOS_PROP_CO_REDUN_NODE || pa_domain == DAOS_PROP_CO_REDUN_RANK;
}

static inline enum daos_otype_t
daos_obj_id2type(daos_obj_id_t oid)
{
	return (enum daos_otype_t)((oid.hi & OID_FMT_TYPE_MASK) >> OID_FMT_TYPE_SHIFT);
}

static inline bool
daos_is_dkey_lexical_type(enum daos_otype_t type)
{
	return type == DAOS_OT_DKEY_LEXICAL || type == DAOS_OT_MULTI_LEXICAL ||
	       type == DAOS_OT_KV_LEXICAL;
}

static inline bool
daos_is_dkey_lexical(daos_obj_id_t oid)
{
	return daos_is_dkey_lexical_type(daos_obj_id2type(oid));
}

static inline bool
daos_is_akey_lexical_type(enum daos_otype_t type)
{
	return type == DAOS_OT_AKEY_LEXICAL || type == DAOS_OT_MULTI_LEXICAL;
}

static inline bool
daos_is_akey_lexical(daos_obj_id_t oid)
{
	return daos_is_akey_lexical_type(daos_obj_id2type(oid));
}

/* Arrays use uint64 dkeys (chunk numbers) too. */
static inline bool
daos_is_dkey_uint64_type(enum daos_otype_t type)
{
	return type == DAOS_OT_DKEY_UINT64 || type == DAOS_OT_MULTI_UINT64 ||
	       type == DAOS_OT_KV_UINT64 || type == DAOS_OT_ARRAY || type == DAOS_OT_ARRAY_ATTR ||
	       type == DAOS_OT_ARRAY_BYTE;
}

static inline bool
daos_is_dkey_uint64(daos_obj_id_t oid)
{
	return daos_is_dkey_uint64_type(daos_obj_id2type(oid));
}

static inline bool
daos_is_akey_uint64_type(enum daos_otype_t type)
{
	return type == DAOS_OT_AKEY_UINT64 || type == DAOS_OT_MULTI_UINT64;
}

static inline bool
daos_is_akey_uint64(daos_obj_id_t oid)
{
	return daos_is_akey_uint64_type(daos_obj_id2type(oid));
}

static inline bool
daos_is_array_type(enum daos_otype_t type)
{
	return type == DAOS_OT_ARRAY || type == DAOS_OT_ARRAY_ATTR || type == DAOS_OT_ARRAY_BYTE;
}

static inline bool
daos_is_array(daos_obj_id_t oid)
{
	return daos_is_array_type(daos_obj_id2type(oid));
}

static inline bool
daos_is_kv_type(enum daos_otype_t type)
{
	return type == DAOS_OT_KV_HASHED || type == DAOS_OT_KV_UINT64 ||
	       type == DAOS_OT_KV_LEXICAL;
}

static inline bool
daos_is_kv(daos_obj_id_t oid)
{
	return daos_is_kv_type(daos_obj_id2type(oid));
}

/* ---- I/O flags ---- */

#define IO_FLAGS_COND_BITS 8 /* low bits of the flags: conditional operations */

enum {
	DAOS_COND_PUNCH       = (1 << 0), /* punch: fail with -DER_NONEXIST if the key is absent */
	DAOS_COND_DKEY_INSERT = (1 << 1), /* update: fail with -DER_EXIST if the dkey exists */
	DAOS_COND_DKEY_UPDATE = (1 << 2), /* update: fail with -DER_NONEXIST if it does not */
	DAOS_COND_DKEY_FETCH  = (1 << 3), /* fetch: fail with -DER_NONEXIST if it does not */
	DAOS_COND_AKEY_INSERT = (1 << 4), /* the same three for every akey of the call */
	DAOS_COND_AKEY_UPDATE = (1 << 5),
	DAOS_COND_AKEY_FETCH  = (1 << 6),
	DAOS_COND_PER_AKEY    = (1 << 7), /* akey conditions come from each iod_flags instead */
	DAOS_COND_MASK        = ((1 << IO_FLAGS_COND_BITS) - 1),
};

/* What daos_obj_query returns. */
struct daos_obj_attr {
	d_rank_t                 oa_rank; /* affinity rank, optional */
	struct daos_oclass_attr *oa_oa;   /* class attributes, for private classes */
};

/* daos_obj_open modes */
enum {
	DAOS_OO_RO      = (1 << 1), /* shared read */
	DAOS_OO_RW      = (1 << 2), /* shared read and write */
	DAOS_OO_EXCL    = (1 << 3), /* exclusive write, data may be cached */
	DAOS_OO_IO_RAND = (1 << 4), /* random access hint (not supported) */
	DAOS_OO_IO_SEQ  = (1 << 5), /* sequential access hint (not supported) */
};

/* Records [rx_idx, rx_idx + rx_nr) of an array value. */
typedef struct {
	uint64_t rx_idx;
	uint64_t rx_nr;
} daos_recx_t;

typedef enum {
	DAOS_IOD_NONE   = 0, /* no value (a dkey) */
	DAOS_IOD_SINGLE = 1, /* one value, replaced as a whole */
	DAOS_IOD_ARRAY  = 2, /* records, each replaced atomically */
} daos_iod_type_t;

/*
 * What to access under one akey. Single value: iod_nr 1, iod_size the value's
 * size (DAOS_REC_ANY on fetch: returned), iod_recxs ignored. Array: iod_size
 * the record size (0 on update: punch the extents), iod_nr extents in iod_recxs.
 */
typedef struct {
	daos_key_t      iod_name; /* the akey */
	daos_iod_type_t iod_type;
	daos_size_t     iod_size;
	uint64_t        iod_flags; /* DAOS_COND_AKEY_*, with DAOS_COND_PER_AKEY */
	uint32_t        iod_nr;
	daos_recx_t    *iod_recxs;
} daos_iod_t;

#define DAOS_IOMF_DETAIL (0x1U) /* iom_flags: also return every extent found */

/* What a fetch found for one iod (optional output of daos_obj_fetch). */
typedef struct {
	daos_iod_type_t iom_type;
	uint32_t        iom_nr;     /* room in iom_recxs */
	uint32_t        iom_nr_out; /* extents found (may exceed iom_nr: list truncated) */
	uint32_t        iom_flags;  /* DAOS_IOMF_* */
	daos_size_t     iom_size;   /* value or record size */
	daos_recx_t     iom_recx_lo; /* lowest extent found */
	daos_recx_t     iom_recx_hi; /* highest extent found */
	daos_recx_t    *iom_recxs;   /* extents found, with DAOS_IOMF_DETAIL */
} daos_iom_t;

enum {
	DAOS_REC_ANY = 0, /* iod_size on fetch: whatever the stored size is */
};

/* daos_obj_query_key flags: MAX or MIN, and which of dkey, akey, recx to find. */
enum {
	DAOS_GET_MAX  = (1 << 0),
	DAOS_GET_MIN  = (1 << 1),
	DAOS_GET_DKEY = (1 << 2),
	DAOS_GET_AKEY = (1 << 3),
	DAOS_GET_RECX = (1 << 4),
};

/* One key returned by an enumeration; the keys are back to back in the sgl. */
typedef struct {
	daos_size_t kd_key_len;
	uint32_t    kd_val_type; /* internal */
} daos_key_desc_t;

/* Redundancy method of an oid (0 for legacy class ids). */
static inline enum daos_obj_redun
daos_obj_id2ord(daos_obj_id_t oid)
{
	return (enum daos_obj_redun)((oid.hi & OID_FMT_CLASS_MASK) >> OID_FMT_CLASS_SHIFT);
}

/* The class id an oid encodes, with the group count it was generated with. */
static inline daos_oclass_id_t
daos_obj_id2class(daos_obj_id_t oid)
{
	uint32_t ord     = (uint32_t)daos_obj_id2ord(oid);
	uint32_t nr_grps = (uint32_t)((oid.hi & OID_FMT_META_MASK) >> OID_FMT_META_SHIFT);

	return (ord << OC_REDUN_SHIFT) | nr_grps;
}

static inline uint32_t
daos_obj_id2grp_nr(daos_obj_id_t oid)
{
	return (uint32_t)((oid.hi & OID_FMT_META_MASK) >> OID_FMT_META_SHIFT);
}

static inline bool
daos_obj_id_is_nil(daos_obj_id_t oid)
{
	return oid.hi == 0 && oid.lo == 0;
}

/* ---- class hints: redundancy (bits 0..3) and sharding (bits 4..9) ---- */
#define DAOS_OCH_RDD_BITS    4
#define DAOS_OCH_SHD_BITS    6
#define DAOS_OCH_RDD_SHIFT   0
#define DAOS_OCH_SHD_SHIFT   DAOS_OCH_RDD_BITS
#define DAOS_OCH_RDD_MAX_VAL ((1ULL << DAOS_OCH_RDD_BITS) - 1)
#define DAOS_OCH_SHD_MAX_VAL ((1ULL << DAOS_OCH_SHD_BITS) - 1)
#define DAOS_OCH_RDD_MASK    (DAOS_OCH_RDD_MAX_VAL << DAOS_OCH_RDD_SHIFT)
#define DAOS_OCH_SHD_MASK    (DAOS_OCH_SHD_MAX_VAL << DAOS_OCH_SHD_SHIFT)

enum {
	DAOS_OCH_RDD_DEF  = (1 << 0), /* redundancy from the container's RF */
	DAOS_OCH_RDD_NO   = (1 << 1), /* none */
	DAOS_OCH_RDD_RP   = (1 << 2), /* replication */
	DAOS_OCH_RDD_EC   = (1 << 3), /* erasure code */
	DAOS_OCH_SHD_DEF  = (1 << 4), /* all targets for arrays and flat KVs, else one group */
	DAOS_OCH_SHD_TINY = (1 << 5), /* one group */
	DAOS_OCH_SHD_REG  = (1 << 6), /* max(128, 25% of the targets) */
	DAOS_OCH_SHD_HI   = (1 << 7), /* max(256, 50%) */
	DAOS_OCH_SHD_EXT  = (1 << 8), /* max(1024, 70%) (DAOS documents 80%, computes 70%) */
	DAOS_OCH_SHD_MAX  = (1 << 9), /* all targets */
};

/* ---- calls ---- */

/*
 * Fill the system bits of *oid (whose low 96 bits the caller set) for an object
 * of this type and class cid in container coh. With cid OC_UNKNOWN (0) the class
 * is chosen from hints (DAOS_OCH_*) and the container's redundancy factor; "X"
 * group counts are resolved against the pool's targets. args is reserved.
 * -DER_INVAL when the pool cannot hold the class.
 */
int
daos_obj_generate_oid(daos_handle_t coh, daos_obj_id_t *oid, enum daos_otype_t type,
		      daos_oclass_id_t cid, daos_oclass_hints_t hints, uint32_t args);

/* Change the user bits of oid.hi to the next ID of a sequence that visits all 2^32. */
static inline void
daos_obj_oid_cycle(daos_obj_id_t *oid)
{
	oid->hi = (oid->hi + 999999937) & UINT_MAX; /* a prime step */
}

/* Open object oid (DAOS_OO_* mode). Objects need no creation: any ID can be opened. */
int
daos_obj_open(daos_handle_t coh, daos_obj_id_t oid, unsigned int mode, daos_handle_t *oh,
	      daos_event_t *ev);

int
daos_obj_close(daos_handle_t oh, daos_event_t *ev);

/* Punch (remove as of now) the whole object, some of its dkeys, or akeys of one dkey. */
int
daos_obj_punch(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_event_t *ev);

int
daos_obj_punch_dkeys(daos_handle_t oh, daos_handle_t th, uint64_t flags, unsigned int nr,
		     daos_key_t *dkeys, daos_event_t *ev);

int
daos_obj_punch_akeys(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_key_t *dkey,
		     unsigned int nr, daos_key_t *akeys, daos_event_t *ev);

/* Class attributes of the object and/or the ranks it is stored on (-DER_NOSYS, as in DAOS 2.x). */
int
daos_obj_query(daos_handle_t oh, struct daos_obj_attr *oa, d_rank_list_t *ranks,
	       daos_event_t *ev);

/*
 * Read the values nr iods describe under dkey into sgls[i] (one sgl per iod,
 * records packed back to back). Absent records read as nothing: an sgl's
 * sg_nr_out and iov_len tell what was filled; an absent single value returns
 * iod_size 0. ioms (optional) receives what was found per iod.
 * -DER_REC2BIG when a value does not fit its sgl (iod_size says its size).
 */
int
daos_obj_fetch(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_key_t *dkey,
	       unsigned int nr, daos_iod_t *iods, d_sg_list_t *sgls, daos_iom_t *ioms,
	       daos_event_t *ev);

/*
 * Write the values nr iods describe under dkey from sgls[i]; all of them
 * become visible at once. The sgls must hold exactly what the iods describe.
 */
int
daos_obj_update(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_key_t *dkey,
		unsigned int nr, daos_iod_t *iods, d_sg_list_t *sgls, daos_event_t *ev);

/*
 * List dkeys: *nr in, room in kds; out, keys returned, their bytes back to back
 * in sgl. Repeat until daos_anchor_is_eof(anchor). -DER_KEY2BIG when even the
 * first key does not fit (kds[0].kd_key_len says its length).
 */
int
daos_obj_list_dkey(daos_handle_t oh, daos_handle_t th, uint32_t *nr, daos_key_desc_t *kds,
		   d_sg_list_t *sgl, daos_anchor_t *anchor, daos_event_t *ev);

/* List the akeys of dkey, as daos_obj_list_dkey. */
int
daos_obj_list_akey(daos_handle_t oh, daos_handle_t th, daos_key_t *dkey, uint32_t *nr,
		   daos_key_desc_t *kds, d_sg_list_t *sgl, daos_anchor_t *anchor,
		   daos_event_t *ev);

/*
 * List the extents of an array value: *nr in, room in recxs (and eprs, optional);
 * out, extents returned; *size the record size; in increasing index order when
 * incr_order, else decreasing.
 */
int
daos_obj_list_recx(daos_handle_t oh, daos_handle_t th, daos_key_t *dkey, daos_key_t *akey,
		   daos_size_t *size, uint32_t *nr, daos_recx_t *recxs, daos_epoch_range_t *eprs,
		   daos_anchor_t *anchor, bool incr_order, daos_event_t *ev);

/*
 * Find the largest or smallest uint64 dkey, akey and/or array extent
 * (DAOS_GET_*: one of MAX and MIN, and what to find; keys not searched are
 * given). recx: the extent at the end found (rx_nr 0 when there are no records).
 */
int
daos_obj_query_key(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_key_t *dkey,
		   daos_key_t *akey, daos_recx_t *recx, daos_event_t *ev);

/* The highest epoch at which the object was modified. */
int
daos_obj_query_max_epoch(daos_handle_t oh, daos_handle_t th, daos_epoch_t *epoch,
			 daos_event_t *ev);

/* Check that the object's replicas agree at epoch (DAOS_EPOCH_MAX: latest); -DER_MISMATCH.
 * Every class here keeps one copy: 0 once the object opens. */
int
daos_obj_verify(daos_handle_t coh, daos_obj_id_t oid, daos_epoch_t epoch);

/*
 * Split a dkey enumeration for parallel listing: *nr 0 asks how many anchors
 * to use (one per group; any other count but that one is -DER_INVAL); anchors
 * (optional) receive them, or set each with daos_obj_anchor_set().
 */
int
daos_obj_anchor_split(daos_handle_t oh, uint32_t *nr, daos_anchor_t *anchors);

int
daos_obj_anchor_set(daos_handle_t oh, uint32_t index, daos_anchor_t *anchor);

/* Position anchor at dkey (dkey listing), or at akey under dkey (akey listing). */
int
daos_obj_key2anchor(daos_handle_t oh, daos_handle_t th, daos_key_t *dkey, daos_key_t *akey,
		    daos_anchor_t *anchor, daos_event_t *ev);

/* ---- object ID tables of snapshots (daos_cont_snap_oit_create) ---- */

int
daos_oit_open(daos_handle_t coh, daos_epoch_t epoch, daos_handle_t *oh, daos_event_t *ev);

int
daos_oit_close(daos_handle_t oh, daos_event_t *ev);

/* List object IDs: *oids_nr in, room in oids; out, returned. */
int
daos_oit_list(daos_handle_t oh, daos_obj_id_t *oids, uint32_t *oids_nr, daos_anchor_t *anchor,
	      daos_event_t *ev);

#define DAOS_OIT_MARKER_MAX_LEN (32)

/* Attach marker (up to DAOS_OIT_MARKER_MAX_LEN bytes; NULL: clear) to oid in the table. */
int
daos_oit_mark(daos_handle_t oh, daos_obj_id_t oid, d_iov_t *marker, daos_event_t *ev);

/* As daos_oit_list, for the IDs with no marker. */
int
daos_oit_list_unmarked(daos_handle_t oh, daos_obj_id_t *oids, uint32_t *oids_nr,
		       daos_anchor_t *anchor, daos_event_t *ev);

/* Filter of daos_oit_list_filter: > 0 lists oid, 0 skips it, < 0 stops with that error. */
typedef int(daos_oit_filter_cb)(daos_obj_id_t oid, d_iov_t *marker);

int
daos_oit_list_filter(daos_handle_t oh, daos_obj_id_t *oids, uint32_t *oids_nr,
		     daos_anchor_t *anchor, daos_oit_filter_cb filter, daos_event_t *ev);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_OBJ_H__ */
