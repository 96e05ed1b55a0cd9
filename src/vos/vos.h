/*
 * vos.h - the versioned object store of one target: an index kept entirely in
 * DRAM, changed only through redo records.
 *
 * WHAT VOS OWNS
 *   containers (uuid) -> objects (128-bit oid) -> dkeys -> akeys -> values.
 *   An akey holds either a single value (an atomic blob, one version per
 *   epoch; the newest version <= E is what a read at E sees) or an array of
 *   fixed-size records written as extents [idx, idx + nr) at any offset
 *   (overlaps resolve newest epoch wins, per record; never-written records are
 *   holes and read as zeros). Keys are byte strings, or uint64 numbers when the
 *   object type says so (DAOS_OT_*_UINT64 / ARRAY types: see
 *   vos_oid_dkey_uint64()); uint64 keys compare numerically. Values of at most
 *   VOS_INLINE_MAX bytes live in the index; larger ones live behind an opaque
 *   struct vos_data_addr managed by the data backend (struct vos_data_ops).
 *
 * HOW CHANGES HAPPEN (docs/engine.md)
 *   Every mutating call (update, punch, container create/destroy, one step of
 *   aggregation or discard) first checks its arguments and conditions against
 *   the index, then encodes its effect as one or more *redo records* and hands
 *   them to the log callback, which returns once they are durable (it may
 *   yield the calling ULT). Only then are they applied to the index with
 *   vos_apply_record(), and the call returns. A record is a blind effect
 *   ("put this value at (key, epoch)", "remove versions in [lo, hi] and put
 *   these"): applying never depends on what it finds, so replaying a WAL
 *   suffix over a fuzzy checkpoint image rebuilds the same index. Without a
 *   log callback the records are applied directly.
 *   A value larger than VOS_INLINE_MAX gets space from dop_alloc; when the
 *   backend has dop_write_submit its write is started at once and the record
 *   goes to va_log_data together with the write handles, so the data and the
 *   record are written concurrently and the call returns once both are
 *   durable. The record carries the value's vos_csum(): after a crash, the
 *   owner of the log checks it against the data (vos_record_data_foreach())
 *   to drop a record whose data never reached the disk.
 *
 * GUARANTEES
 *   - A fetch at epoch E sees exactly the updates with epoch <= E that were
 *     applied, minus what punches with epoch <= E hide. A punch at epoch P
 *     hides versions with epoch <= P (an update at the same epoch as a punch
 *     of the same key is hidden by it).
 *   - Every value carries a checksum (vos_csum(): CRC-32C, computed by
 *     common's dcs_ csummer) given by the writer; it is checked on update and
 *     on every fetch: a mismatch is -DER_CSUM, and no data of that value is
 *     returned (the caller's buffer holds zeros where it would have been).
 *   - A call that fails leaves the index as it was, -DER_NOMEM included:
 *     update and punch records are applied in two phases (first everything
 *     that allocates, then what cannot fail).
 *   - A record the log accepted is applied (a few attempts if memory is
 *     short). If it still cannot be, the call returns -DER_NOMEM with the
 *     index unchanged while the record is durable: like any unacknowledged
 *     update, it may then appear after the next recovery, whole.
 *   - Records are little-endian, self-delimited, and decoded with bounds
 *     checks: a malformed record is -DER_DF_INVAL (bad framing/version) or
 *     -DER_INVAL (bad contents), never a crash, and changes nothing.
 *
 * THREADING
 *   A struct vos belongs to one target thread. Nothing is locked. Calls that
 *   invoke the log callback may yield; other ULTs of the same thread may then
 *   change the index. Conditions are checked before logging, so two
 *   concurrent conditional updates of the same key may both pass: the
 *   caller serialises them (the object service holds each write's keys
 *   from its checks to its effect, src/object/obj_cond.c).
 *
 * CAVEATS
 *   - Aggregation below a bound assumes no update at or below that bound
 *     arrives once the bound is set (DAOS's rule: the bound stays below every
 *     epoch still in flight). A step builds its records from the index and
 *     then waits for the log: an update at an epoch <= bound applied in that
 *     window is removed by the step's record. VOS does not check this.
 *   - Array extents with the same epoch and overlapping ranges in one akey are
 *     rejected (-DER_INVAL) by update; an update repeating exactly the same
 *     (range, epoch) replaces it.
 *   - Enumeration anchors store the last key returned; keys longer than
 *     VOS_ANCHOR_KEY_MAX are stored as prefix + hash, which is exact unless
 *     two keys with the same long prefix have the same 64-bit hash.
 *   - Space query and key existence walk the index: O(size), not O(1).
 *   - dop_free is called when an applied record drops the last reference to a
 *     data address, also during replay: the adapter ignores it while
 *     recovering and rebuilds its allocator from vos_data_addr_foreach().
 *   - When an update fails after its record may have reached the log (the
 *     log returned -DER_IO, or the apply failed), its data addresses are not
 *     given back with dop_free: the record may be replayed. The space is
 *     reclaimed by the next recovery's allocator rebuild.
 *   - vos_csum() changed from ISA-L's raw crc32_iscsi (seed ~0, no final
 *     inversion) to the textbook CRC-32C: checksums stored by an older build
 *     do not verify.
 */
#ifndef __VOS_VOS_H__
#define __VOS_VOS_H__

#include <gurt/common.h>

/*
 * DAOS public types and constants. The client headers are not in this tree
 * yet; until they are, the same definitions (names and values of daos_types.h
 * and daos_obj.h) are provided here.
 */
#if __has_include(<daos_types.h>)
#include <daos_types.h>
#else
typedef uint64_t daos_epoch_t;
typedef struct {
	uint64_t lo;
	uint64_t hi;
} daos_obj_id_t;
typedef struct {
	daos_epoch_t epr_lo;
	daos_epoch_t epr_hi;
} daos_epoch_range_t;
#define DAOS_EPOCH_MAX (~0ULL)
#endif

#if __has_include(<daos_obj.h>)
#include <daos_obj.h>
#else
typedef struct {
	uint64_t rx_idx;
	uint64_t rx_nr;
} daos_recx_t;
typedef enum {
	DAOS_IOD_NONE   = 0,
	DAOS_IOD_SINGLE = 1,
	DAOS_IOD_ARRAY  = 2,
} daos_iod_type_t;
enum {
	DAOS_COND_PUNCH       = (1 << 0),
	DAOS_COND_DKEY_INSERT = (1 << 1),
	DAOS_COND_DKEY_UPDATE = (1 << 2),
	DAOS_COND_DKEY_FETCH  = (1 << 3),
	DAOS_COND_AKEY_INSERT = (1 << 4),
	DAOS_COND_AKEY_UPDATE = (1 << 5),
	DAOS_COND_AKEY_FETCH  = (1 << 6),
	DAOS_COND_PER_AKEY    = (1 << 7),
	DAOS_COND_MASK        = ((1 << 8) - 1),
};
enum {
	DAOS_GET_MAX  = (1 << 0),
	DAOS_GET_MIN  = (1 << 1),
	DAOS_GET_DKEY = (1 << 2),
	DAOS_GET_AKEY = (1 << 3),
	DAOS_GET_RECX = (1 << 4),
};
#define OID_FMT_TYPE_SHIFT 56
#define DAOS_OT_DKEY_UINT64  2
#define DAOS_OT_AKEY_UINT64  3
#define DAOS_OT_MULTI_UINT64 4
#define DAOS_OT_KV_UINT64    9
#define DAOS_OT_ARRAY        11
#define DAOS_OT_ARRAY_ATTR   12
#define DAOS_OT_ARRAY_BYTE   13
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/* As DAOS: values under 4 KiB stay in the (DRAM) index, 4 KiB and more go to DATA */
#define VOS_INLINE_MAX     4095
#define VOS_KEY_MAX        4096 /* longest dkey/akey, bytes */
#define VOS_ANCHOR_KEY_MAX 96   /* keys up to this length are kept whole in anchors */

/* ---- key kinds, from the object type in oid.hi (same rules as DAOS) ---- */

static inline bool
vos_oid_dkey_uint64(daos_obj_id_t oid)
{
	unsigned int t = (unsigned int)(oid.hi >> OID_FMT_TYPE_SHIFT);

	return t == DAOS_OT_DKEY_UINT64 || t == DAOS_OT_MULTI_UINT64 || t == DAOS_OT_KV_UINT64 ||
	       t == DAOS_OT_ARRAY || t == DAOS_OT_ARRAY_ATTR || t == DAOS_OT_ARRAY_BYTE;
}

static inline bool
vos_oid_akey_uint64(daos_obj_id_t oid)
{
	unsigned int t = (unsigned int)(oid.hi >> OID_FMT_TYPE_SHIFT);

	return t == DAOS_OT_MULTI_UINT64 || t == DAOS_OT_AKEY_UINT64;
}

/* ---- the seams: data backend and redo log ---- */

/* Where a large value lives in the data region; opaque to VOS (copied bytewise). */
struct vos_data_addr {
	uint64_t da_off; /* backend's offset */
	uint64_t da_aux; /* backend's own use (device, generation...) */
};

/*
 * Data backend, implemented over BIO by the engine (tests use an in-memory
 * double). All calls run on the target thread and may yield.
 */
struct vos_data_ops {
	/* Reserve len bytes; fill *addr. -DER_NOSPACE when full. */
	int (*dop_alloc)(void *arg, uint64_t len, struct vos_data_addr *addr);
	/* Write len bytes at addr (reserved by dop_alloc). */
	int (*dop_write)(void *arg, const struct vos_data_addr *addr, const void *buf, uint64_t len);
	/* Read the len bytes stored at addr. */
	int (*dop_read)(void *arg, const struct vos_data_addr *addr, void *buf, uint64_t len);
	/* The index no longer references addr (called after the record that dropped it is durable). */
	void (*dop_free)(void *arg, const struct vos_data_addr *addr, uint64_t len);
	/*
	 * Optional (NULL: dop_write is called and the data is written before
	 * the record is logged). Submit the write of len bytes at addr and
	 * return at once; *iop tracks it. buf stays unchanged until the handle
	 * is consumed (so a backend may write from it in place). Every
	 * handle is consumed exactly once: by va_log_data together with the
	 * update's record, or by dop_write_wait when the update fails first.
	 */
	int (*dop_write_submit)(void *arg, const struct vos_data_addr *addr, const void *buf,
				uint64_t len, void **iop);
	/* Wait for a submitted write, release its handle and return its result. */
	int (*dop_write_wait)(void *arg, void *io);
};

/* Make one redo record durable; return 0 once it is, or a -DER_* error (nothing is applied). */
typedef int (*vos_log_cb_t)(void *arg, const void *rec, size_t len);

/*
 * Make one record durable together with the nr_ios submitted data writes it
 * refers to (dop_write_submit handles, consumed whatever the result): return
 * 0 once the record and every write are durable.
 */
typedef int (*vos_log_data_cb_t)(void *arg, const void *rec, size_t len, void **ios,
				 unsigned int nr_ios);

struct vos_attr {
	const struct vos_data_ops *va_data;     /* NULL: values > VOS_INLINE_MAX are refused */
	void                      *va_data_arg;
	vos_log_cb_t               va_log;      /* NULL: records are applied without logging */
	void                      *va_log_arg;
	/* Records with submitted data writes go here (same va_log_arg); NULL:
	 * VOS waits for the writes, then calls va_log. */
	vos_log_data_cb_t          va_log_data;
	/* > 0: a log call may carry several whole records back to back, up to
	 * this many bytes, made durable together (one call's records are one
	 * change, e.g. an aggregation step); replay then splits them with
	 * vos_record_len(). 0: one record per call. */
	size_t                     va_log_batch_max;
};

struct vos; /* one index (one target's shard of one pool) */

/* ---- open and close ---- */

/* Create an empty index with attr's seams (NULL: no data backend, no log).
 * Errors: -DER_NOMEM. */
int  vos_open(const struct vos_attr *attr, struct vos **vosp);
/* Free the index (never calls dop_free: the data region outlives the DRAM copy). */
void vos_close(struct vos *vos);

/* CRC-32C (RFC 3720) of a value, as every update must carry it in vv_csum.
 * Thread-safe; never fails. */
uint32_t vos_csum(const void *buf, size_t len);

/* ---- containers ---- */

/* One record. Errors: -DER_EXIST (it exists already), -DER_NOMEM, va_log's. */
int vos_cont_create(struct vos *vos, const uuid_t cont);
/* Drop a container and all its objects (their data addresses are freed once
 * the record is durable). Errors: -DER_NONEXIST, -DER_NOMEM, va_log's. */
int vos_cont_destroy(struct vos *vos, const uuid_t cont);

/* ---- update, fetch, punch ---- */

/* One single value or one array extent of an update. */
struct vos_value {
	daos_recx_t          vv_recx; /* array: records [rx_idx, rx_idx + rx_nr); single: unused */
	const void          *vv_buf;  /* the bytes, or NULL when vv_addr holds them already */
	struct vos_data_addr vv_addr; /* used when vv_buf == NULL (only for > VOS_INLINE_MAX) */
	uint32_t             vv_csum; /* vos_csum() of the value's bytes */
};

/* What to write under one akey. */
struct vos_iod {
	d_iov_t           vi_name;  /* akey (8 bytes, host uint64, for uint64-akey objects) */
	daos_iod_type_t   vi_type;  /* DAOS_IOD_SINGLE or DAOS_IOD_ARRAY */
	uint64_t          vi_size;  /* single: value length (> 0); array: record size (> 0) */
	uint32_t          vi_nr;    /* single: 1; array: number of extents */
	uint32_t          vi_flags; /* DAOS_COND_AKEY_* when the call has DAOS_COND_PER_AKEY */
	struct vos_value *vi_vals;
};

/*
 * Write iods under dkey at epoch (> 0), as one transaction and one record.
 * flags: DAOS_COND_DKEY_INSERT (-DER_EXIST if the dkey is visible at epoch),
 * DAOS_COND_DKEY_UPDATE (-DER_NONEXIST if it is not), DAOS_COND_AKEY_INSERT /
 * _UPDATE likewise for every akey, or per iod (vi_flags) with
 * DAOS_COND_PER_AKEY. Errors: -DER_INVAL (bad arguments, overlapping extents,
 * record size differing from the akey's, single/array kind change),
 * -DER_NONEXIST (no such container), -DER_CSUM (vv_csum does not match),
 * -DER_KEY2BIG, -DER_NOTSUPPORTED (large value without a data backend),
 * -DER_NOMEM, errors of dop_alloc/dop_write/va_log.
 */
int vos_obj_update(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		   uint64_t flags, const d_iov_t *dkey, unsigned int iod_nr,
		   const struct vos_iod *iods);

/*
 * The checks of vos_obj_update (arguments, conditions, kinds and record
 * sizes against the index, overlaps at epoch, checksums) without changing
 * anything; never yields. Returns what vos_obj_update would refuse with
 * before logging. The transaction layer checks a whole transaction this way
 * before making it durable.
 */
int vos_obj_update_check(struct vos *vos, const uuid_t cont, daos_obj_id_t oid,
			 daos_epoch_t epoch, uint64_t flags, const d_iov_t *dkey,
			 unsigned int iod_nr, const struct vos_iod *iods);

/* What to read under one akey. */
struct vos_fetch {
	d_iov_t         vf_name;   /* in: akey */
	daos_iod_type_t vf_type;   /* in */
	uint32_t        vf_flags;  /* in: DAOS_COND_AKEY_FETCH when the call has DAOS_COND_PER_AKEY */
	uint64_t        vf_size;   /* in: array record size or 0 (any); out: value length
				    * (single, 0 = no value) or record size (array, 0 = never written) */
	uint32_t        vf_nr;     /* in: array: number of ranges in vf_recxs */
	daos_recx_t    *vf_recxs;  /* in: array: ranges to read */
	void           *vf_buf;    /* out: the value, or the ranges' records back to back
				    * (holes are zeros); NULL: sizes and map only */
	uint64_t        vf_buf_len;
	daos_recx_t    *vf_map;    /* out: array: ranges that hold data, ascending, merged */
	uint32_t        vf_map_cap; /* in: entries in vf_map */
	uint32_t        vf_map_nr;  /* out: entries found (may exceed vf_map_cap: truncated) */
};

/*
 * Read at epoch what was visible there. flags: DAOS_COND_DKEY_FETCH /
 * DAOS_COND_AKEY_FETCH (-DER_NONEXIST when the key is not visible). A missing
 * container, object or key reads as empty. Errors: -DER_INVAL, -DER_REC2BIG
 * (vf_buf too small; vf_size tells the need), -DER_CSUM, -DER_NOMEM, dop_read's.
 */
int vos_obj_fetch(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		  uint64_t flags, const d_iov_t *dkey, unsigned int nr, struct vos_fetch *fetches);

/*
 * Punch at epoch: the object (dkey == NULL), a dkey (akey_nr == 0) or akeys of
 * a dkey. DAOS_COND_PUNCH: -DER_NONEXIST unless every punched key is visible
 * at epoch. -DER_INVAL, -DER_NONEXIST (container), -DER_NOMEM, va_log's.
 */
int vos_obj_punch(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		  uint64_t flags, const d_iov_t *dkey, unsigned int akey_nr, const d_iov_t *akeys);

/* ---- enumeration (resumable, bounded output per call) ---- */

typedef struct {
	uint16_t va_type;  /* VOS_ANCHOR_* */
	uint16_t va_len;   /* bytes used in va_buf */
	uint32_t va_flags;
	uint8_t  va_buf[104];
} vos_anchor_t;

enum { VOS_ANCHOR_ZERO = 0, VOS_ANCHOR_KEY = 2, VOS_ANCHOR_EOF = 3 };
#define VOS_ANCHOR_INIT {.va_type = VOS_ANCHOR_ZERO}

static inline bool
vos_anchor_is_eof(const vos_anchor_t *a)
{
	return a->va_type == VOS_ANCHOR_EOF;
}

struct vos_key_desc {
	uint32_t kd_len;  /* key length in buf */
	uint32_t kd_type; /* akeys: DAOS_IOD_SINGLE or DAOS_IOD_ARRAY; dkeys: 0 */
};

/*
 * List the keys visible at epoch, in key order, after *anchor: dkeys of the
 * object (dkey == NULL) or akeys of dkey. In: *nr = capacity of kds. Out: *nr
 * keys, packed back to back in buf; anchor updated (EOF at the end). Stops
 * early when buf is full; -DER_KEY2BIG (kds[0].kd_len = size needed) when
 * not even one key fits. -DER_INVAL for a bad anchor.
 */
int vos_obj_list_keys(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		      const d_iov_t *dkey, vos_anchor_t *anchor, uint32_t *nr,
		      struct vos_key_desc *kds, void *buf, size_t buf_len);

struct vos_recx_desc {
	daos_recx_t  rd_recx;  /* a visible range written by one extent */
	daos_epoch_t rd_epoch; /* that extent's epoch */
	uint64_t     rd_rsize; /* record size */
};

/* List the visible extent pieces of an array akey at epoch, ascending (decr:
 * descending; the anchor then holds where the rest ends, and must be used
 * in the same order throughout). Same anchor rules; a missing key or a
 * single-value akey lists nothing (EOF).
 * Errors: -DER_INVAL (bad arguments or anchor), -DER_KEY2BIG, -DER_NOMEM. */
int vos_obj_list_recx(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		      const d_iov_t *dkey, const d_iov_t *akey, bool decr, vos_anchor_t *anchor,
		      uint32_t *nr, struct vos_recx_desc *recxs);

/* An anchor from which a listing (of keys of the kind of key) resumes at key
 * itself, whether or not it exists. -DER_INVAL for an empty or long key. */
int vos_anchor_at(const void *key, uint32_t len, vos_anchor_t *anchor);

/* List objects of a container having something visible at epoch, by oid.
 * Same anchor rules. Errors: -DER_INVAL, -DER_NONEXIST (no such container). */
int vos_cont_list_objs(struct vos *vos, const uuid_t cont, daos_epoch_t epoch,
		       vos_anchor_t *anchor, uint32_t *nr, daos_obj_id_t *oids);

/* ---- queries ---- */

/*
 * DAOS query_key: flags DAOS_GET_DKEY / DAOS_GET_AKEY / DAOS_GET_RECX with
 * DAOS_GET_MAX or DAOS_GET_MIN. A key asked for is returned in the iov
 * (iov_buf/iov_buf_len given, iov_len set; -DER_KEY2BIG if too small); a key
 * not asked for is an input. GET_RECX returns the highest (MAX) or lowest
 * (MIN) visible extent piece. -DER_NONEXIST when nothing is visible.
 */
int vos_obj_query_key(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		      uint32_t flags, d_iov_t *dkey, d_iov_t *akey, daos_recx_t *recx);

/*
 * The newest epoch at which anything that a read of the object (dkey ==
 * NULL), of a dkey (akey == NULL) or of one akey could see was changed:
 * the highest epoch of a value or punch at that level or below, and of a
 * punch of an enclosing level. 0 when nothing was ever written there. The
 * transaction layer compares it with a transaction's epoch to find
 * conflicts. Walks the subtree: O(values below). Errors: -DER_INVAL,
 * -DER_KEY2BIG.
 */
int vos_obj_newest(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey,
		   const d_iov_t *akey, daos_epoch_t *epoch);

struct vos_space {
	uint64_t vs_conts, vs_objs, vs_dkeys, vs_akeys;
	uint64_t vs_values;       /* single-value versions + array extents */
	uint64_t vs_inline_bytes; /* value bytes kept in the index */
	uint64_t vs_data_bytes;   /* value bytes behind data addresses */
};
/* Walk the index and count. Never fails (returns 0). */
int vos_space_query(struct vos *vos, struct vos_space *space);

/* Call cb for every data address the index references, with the value's
 * length (allocator rebuild, space accounting). cb's non-zero return stops
 * the walk and is returned. */
int vos_data_addr_foreach(struct vos *vos,
			  int (*cb)(void *arg, const struct vos_data_addr *addr, uint64_t len),
			  void *arg);

/* ---- aggregation and discard (incremental, resumable) ---- */

struct vos_agg;

/*
 * Merge what lies at or below bound in cont so that a read at every snapshot
 * in snaps (any order) and at every epoch >= bound still sees what it saw;
 * everything else below bound may go (see CAVEATS: nothing may be written at
 * or below bound any more). Merged array pieces stay inline. Nothing changes
 * until vos_agg_step(). Errors: -DER_INVAL (bound 0 or DAOS_EPOCH_MAX),
 * -DER_NONEXIST (no such container), -DER_NOMEM.
 */
int vos_aggregate_start(struct vos *vos, const uuid_t cont, daos_epoch_t bound,
			const daos_epoch_t *snaps, unsigned int nsnaps, struct vos_agg **aggp);
/* Remove everything written or punched with an epoch in epr from cont.
 * Errors: -DER_INVAL, -DER_NONEXIST, -DER_NOMEM. */
int vos_discard_start(struct vos *vos, const uuid_t cont, const daos_epoch_range_t *epr,
		      struct vos_agg **aggp);
/*
 * Do about credits units of work (a unit is one dkey for aggregation, one
 * object for discard). The records of one aggregation step are logged
 * together (in one call when va_log_batch_max allows), values first, then
 * punches. Updates may run between steps and while a step waits for its
 * log. Returns 1 when finished, 0 when more remains, or an error
 * (-DER_NOMEM, va_log's); after an error the step may be retried.
 */
int  vos_agg_step(struct vos_agg *agg, unsigned int credits);
void vos_agg_end(struct vos_agg *agg);

/* ---- redo records ---- */

/* Apply one record (from va_log, or from the WAL at replay). -DER_DF_INVAL, -DER_INVAL, -DER_NOMEM. */
int vos_apply_record(struct vos *vos, const void *buf, size_t len);
/* Length of the record starting at buf (0 if fewer than 8 bytes or not a record). */
size_t vos_record_len(const void *buf, size_t len);
/* Does applying this record free space (a container's destroy)? The store lets
 * such records use the WAL's reserve (bio_wal_commit_reserve). */
bool vos_record_frees_space(const void *buf, size_t len);

typedef int (*vos_record_data_cb_t)(void *arg, const struct vos_data_addr *addr, uint64_t len,
				    uint32_t csum);

/*
 * Call cb for every large value an update record writes (its address, length
 * and vos_csum()), in record order; other records have none. A non-zero
 * return from cb stops the walk and is returned. Used at replay to check
 * that the data of the newest records reached the disk. -DER_DF_INVAL /
 * -DER_INVAL for a malformed record.
 */
int vos_record_data_foreach(const void *buf, size_t len, vos_record_data_cb_t cb, void *arg);

/* ---- checkpoint image ---- */

struct vos_image;

/* Start serialising the index; updates may continue while it runs (a fuzzy
 * image: an object reflects the records applied when its chunk is made).
 * Errors: -DER_NOMEM. */
int  vos_image_start(struct vos *vos, struct vos_image **imgp);
/*
 * Next chunk (the header, then one object at a time, then the trailer); the
 * chunk is valid until the next call. Returns 0 with a chunk, 1 when done,
 * -DER_NOMEM.
 */
int  vos_image_next(struct vos_image *img, const void **chunk, size_t *len);
void vos_image_end(struct vos_image *img);
/*
 * Load an image into an empty index: feed the stream in pieces of any size;
 * *consumed tells how much was used (keep the rest and append). Returns 1
 * once the trailer is seen, 0 when more is needed, -DER_DF_INVAL if the
 * stream is not an image.
 */
int  vos_image_load(struct vos *vos, const void *buf, size_t len, size_t *consumed);

#if defined(__cplusplus)
}
#endif

/* ---- durable store: VOS over BIO (src/vos/vos_store.c) ----
 *
 * One target's VOS made durable on BIO's three regions (bio.h).
 *
 * DURABILITY AND CRASH GUARANTEES
 *   - Every redo record goes through BIO's WAL (group commit) before it is
 *     applied: a vos_obj_* / vos_cont_* call that returned 0 survives any
 *     crash (SIGKILL, power loss on a device that honours flushes).
 *   - A value larger than VOS_INLINE_MAX is written to DATA at the same time
 *     as its record, with its checksum in the record; the call returns once
 *     both are durable. BIO writes a WAL group only after the previous
 *     group's DATA writes completed, so after a crash only records of the
 *     newest WAL group can refer to DATA that never made it: recovery checks
 *     those records' data against their checksums and discards a record that
 *     does not match (its update was never acknowledged), then goes on with
 *     the later records. A discarded record's space is free again, and a
 *     checkpoint is taken before vos_store_open() returns so it is never
 *     replayed over reused space.
 *   - Space freed by a change (an overwrite of the same version, punch then
 *     aggregation, container destroy) is reused only once that change is
 *     durable.
 *   - A checkpoint (when BIO asks, WAL half full; on vos_store_checkpoint();
 *     at a clean close) streams the index image to META while updates go on.
 *     Replay starts at the oldest record whose commit was still under way
 *     when it began (a record may be durable before its committer applies
 *     it), so nothing acknowledged is left out of both image and replay.
 *   - Recovery = newest valid checkpoint image, then WAL replay from its
 *     LSN, then the DATA allocator rebuilt from the extents the index
 *     references: DATA in use equals what the index references, nothing is
 *     leaked or doubly used. A value is never returned torn: it is whole,
 *     absent, or refused with -DER_CSUM.
 *   - Background aggregation (vos_store_agg_set) logs its changes like
 *     updates; a crash in the middle of a pass leaves a state where some
 *     dkeys are aggregated and others not, both readable.
 *
 * THREADING
 *   All calls from ULTs of the scheduler given to vos_store_open(). The store
 *   runs its own ULTs there: BIO's WAL flusher, the checkpoint ULT (while a
 *   checkpoint runs) and the aggregation ULT (once vos_store_agg_set was
 *   called), all ended by vos_store_close().
 *
 * CAVEATS
 *   - Rot in the DATA of a value of the newest WAL group before a recovery
 *     is indistinguishable from a write the crash cut short: that update is
 *     dropped instead of failing its fetches with -DER_CSUM.
 *   - A checkpoint rewrites the whole image (inline values included); META
 *     must hold two images (vos_store_format's meta_size), or checkpoints
 *     fail with -DER_NOSPACE and the WAL fills up.
 */
struct sched;
struct vos_store;

struct vos_store_stats {
	uint64_t vss_recover_usec;  /* last open: checkpoint load + replay + allocator rebuild */
	uint64_t vss_replayed;      /* last open: WAL records replayed */
	uint64_t vss_checkpoints;   /* checkpoints completed since open */
	uint64_t vss_discarded;     /* last open: records dropped, their DATA never written */
	uint64_t vss_agg_passes;    /* aggregation passes completed since open */
	uint64_t vss_agg_errors;    /* aggregation passes that failed */
	uint64_t vss_logged;        /* WAL records logged since open (writes, aggregation) */
	bool     vss_ckpt_active;   /* a checkpoint is being written now */
	bool     vss_agg_active;    /* an aggregation pass is running now */
};

#define VOS_STORE_AGG_PERIOD_MS 1000 /* background aggregation: pause between passes */
#define VOS_STORE_AGG_CREDITS   32   /* dkeys per step; the ULT yields between steps */

/*
 * Create the three region files (wal, meta, data) in dir, created if missing;
 * existing files are overwritten. Sizes in bytes (0: BIO's defaults). Plain
 * system calls: may run outside a scheduler. Errors: bio_format()'s
 * (-DER_INVAL for sizes too small, -DER_NOSPACE, -DER_IO, -DER_NO_PERM).
 */
int  vos_store_format(const char *dir, uint64_t wal_size, uint64_t meta_size, uint64_t data_size);
/*
 * Open and recover (see above); vss_recover_usec tells how long it took.
 * Errors: -DER_NONEXIST (dir holds no formatted target), bio_open()'s
 * (-DER_DF_INVAL, -DER_DF_INCOMPT, -DER_MISMATCH naming the file), -DER_CSUM
 * (the WAL is corrupt before its end: later records would be lost, so the
 * store refuses to open), -DER_DF_INVAL (a checkpoint image or WAL record
 * VOS cannot decode), -DER_EXIST (two index entries claim the same DATA),
 * -DER_IO, -DER_NOMEM.
 */
int  vos_store_open(struct sched *sched, const char *dir, struct vos_store **vsp);
/*
 * Stop aggregation, wait for a running checkpoint, write a final checkpoint
 * (unless abandon) and close. abandon = true leaves the files as a crash
 * would (tests, or a faulty target). Must not race other calls on vs.
 */
void vos_store_close(struct vos_store *vs, bool abandon);
/* The index, for the vos_obj_* / vos_cont_* calls (valid until close). */
struct vos *vos_store_vos(struct vos_store *vs);
/* Write a checkpoint now (or join the one running) and wait for it.
 * Errors: -DER_NOSPACE (image larger than a META slot), -DER_IO, -DER_NOMEM. */
int  vos_store_checkpoint(struct vos_store *vs);
void vos_store_stats_get(struct vos_store *vs, struct vos_store_stats *st);
/* The BIO target underneath (space and fault queries). */
struct bio_target *vos_store_bio(struct vos_store *vs);

/*
 * Keep cont aggregated below bound, preserving the snapshots in snaps (the
 * array is copied): a background ULT runs a pass (vos_aggregate_start + steps
 * of the tuned credits, yielding between steps) after every new setting, at
 * most once per period, and sleeps in the kernel when no setting is waiting
 * (later updates are all above the bound: a second pass would find nothing).
 * A new setting applies from the next pass. bound 0 stops aggregating cont. The
 * caller promises that nothing is written in cont at or below bound from now
 * on (vos.h CAVEATS). Errors: -DER_INVAL, -DER_SHUTDOWN (closing), -DER_NOMEM.
 */
int  vos_store_agg_set(struct vos_store *vs, const uuid_t cont, daos_epoch_t bound,
		       const daos_epoch_t *snaps, unsigned int nsnaps);
/* Pause between passes and dkeys per step (0: the defaults above). */
void vos_store_agg_tune(struct vos_store *vs, unsigned int period_ms, unsigned int credits);
/*
 * Wait until every container with a bound has had a complete pass that
 * started after its latest setting. Errors: the failed pass's
 * (-DER_NOSPACE when the WAL is full, -DER_IO, -DER_NOMEM), -DER_SHUTDOWN.
 */
int  vos_store_agg_wait(struct vos_store *vs);

#endif /* __VOS_VOS_H__ */
