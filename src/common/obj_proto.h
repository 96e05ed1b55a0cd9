/*
 * common/obj_proto.h - the object I/O requests a client sends to the target
 * that holds a shard: opcodes and body layouts, shared by the object
 * service and libdaos.
 *
 * Every request starts with a head (dop_head: pool, container handle, oid,
 * epoch, flags, transaction id). Update and fetch then carry the dkey and the I/O
 * descriptors (dop_iod: akey, kind, size, extents, and for an update one
 * checksum per value, of the container's checksum type). An update's value
 * bytes, concatenated in descriptor order, travel in the body when small
 * (DOP_DATA_INLINE) or as the request's bulk payload (DOP_DATA_BULK); a
 * fetch's come back the same way, the server choosing inline when they fit
 * in DOP_INLINE_MAX.
 *
 *   UPDATE     head, dkey, iods(+csums), u32 csum_len, u32 where, [bytes data]
 *              -> u64 epoch used
 *   FETCH      head, dkey, iods, u64 buffer capacity
 *              -> u32 nr, nr x (u64 size, u32 map_nr, map_nr x recx, csum bytes),
 *                 u32 where, u64 data_len, [bytes data];
 *                 where DOP_DATA_NONE: the data did not fit the capacity
 *                 (the client reports -DER_REC2BIG with the sizes)
 *   PUNCH      head, u32 kind (DOP_PUNCH_*), u32 n, n x bytes (dkeys, or for
 *              akeys: first the dkey then the akeys) -> (nothing)
 *   LIST_DKEY  head, bytes anchor, u32 nr, u32 buf_len
 *              -> bytes anchor, u32 nr, nr x (u32 len, u32 type), bytes keys;
 *              -DER_KEY2BIG when not even one key fits buf_len: the error
 *              reply's body is a u32, the length of that key
 *   LIST_AKEY  head, bytes dkey, then as LIST_DKEY
 *   LIST_RECX  head, bytes dkey, bytes akey, bytes anchor, u32 nr, u32 order
 *              (DOP_ORDER_INCR / DOP_ORDER_DECR)
 *              -> bytes anchor, u32 nr, nr x (u64 idx, u64 nr, u64 epoch, u64 rsize)
 *   QUERY_KEY  head (flags: DAOS_GET_*), bytes dkey, bytes akey
 *              -> bytes dkey, bytes akey, u64 rx_idx, u64 rx_nr
 *   QUERY_EPOCH head -> u64 the newest epoch of any value or punch of the
 *              object on that target (0: nothing)
 *   TX_COMMIT  (to worker 0, the system thread, which coordinates)
 *              u32 where, [bytes tx]: the transaction (below) in the body
 *              (DOP_DATA_INLINE) or as the request's bulk payload
 *              (DOP_DATA_BULK) -> (nothing); -DER_TX_RESTART on a conflict
 *
 * A transaction (struct dop_tx) is uuid pool, uuid coh, u64 id, u64 epoch,
 * u32 n, then n operations, each u32 kind (DOP_TXO_*), u32 target, bytes
 * body, the body being an UPDATE body (data inline), a PUNCH body, or for a
 * READ: head, bytes dkey (empty: the whole object was read, e.g. listed),
 * u32 n, n x bytes akey (none: the whole dkey). The heads' epochs are
 * ignored (the transaction's applies). The same bytes are the redo record
 * the coordinator keeps until the writes are applied on every target.
 *
 * Reads inside a transaction carry its id in dh_tx and read at its epoch:
 * the target remembers the read (its own later writes do not conflict with
 * it) and waits while a transaction being committed writes what it reads.
 *
 * An epoch of 0 in an update's head means "now": the target stamps it with
 * its hybrid logical clock and returns what it used. A fetch or listing at
 * DAOS_EPOCH_MAX sees the latest.
 */
#ifndef __DCOMMON_OBJ_PROTO_H__
#define __DCOMMON_OBJ_PROTO_H__

#include <daos_types.h>
#include <daos_obj.h>
#include "proto.h"

enum dop_opcode {
	DOP_UPDATE    = 400,
	DOP_FETCH     = 401,
	DOP_PUNCH     = 402,
	DOP_LIST_DKEY = 403,
	DOP_LIST_AKEY = 404,
	DOP_LIST_RECX = 405,
	DOP_QUERY_KEY = 406,
	DOP_TX_COMMIT = 407,
	DOP_QUERY_EPOCH = 408,
	DOP_LIST_OBJ  = 409, /* head (oid unused, epoch), bytes anchor, u32 nr -> bytes anchor,
			      * u32 n, n × (u64 lo, u64 hi): the target's objects at epoch */
	DOP_KEY2ANCHOR = 410, /* head, bytes dkey, bytes akey (empty: a dkey listing's) ->
			       * bytes anchor: a listing that resumes at that key */
};

enum dop_txo_kind {
	DOP_TXO_UPDATE = 1,
	DOP_TXO_PUNCH  = 2,
	DOP_TXO_READ   = 3,
};

#define DOP_TX_OPS_MAX 65536           /* operations in one transaction */
#define DOP_TX_MAX     (64ull << 20)   /* bytes of one encoded transaction */

#define DOP_IOD_MAX    1024        /* descriptors in one request */
#define DOP_RECX_MAX   65536       /* extents in one descriptor */
#define DOP_KEY_MAX    4096        /* bytes of a dkey or akey (VOS_KEY_MAX) */
#define DOP_INLINE_MAX (16u * 1024) /* data bytes that travel in the body */
#define DOP_LIST_MAX   1024        /* keys or extents one listing returns */
#define DOP_ANCHOR_LEN 112         /* sizeof(vos_anchor_t) */

enum dop_where {
	DOP_DATA_NONE   = 0,
	DOP_DATA_INLINE = 1,
	DOP_DATA_BULK   = 2,
};

enum dop_order {
	DOP_ORDER_INCR = 0,
	DOP_ORDER_DECR = 1,
};

enum dop_punch_kind {
	DOP_PUNCH_OBJ   = 0,
	DOP_PUNCH_DKEYS = 1,
	DOP_PUNCH_AKEYS = 2,
};

struct dop_head {
	uuid_t        dh_pool;
	uuid_t        dh_coh;
	daos_obj_id_t dh_oid;
	uint64_t      dh_epoch;
	uint64_t      dh_flags;
	uint64_t      dh_tx;    /* reads inside a transaction: its id; else 0 */
};

struct dop_iod {
	d_iov_t      oi_akey;
	uint32_t     oi_type;   /* DAOS_IOD_SINGLE / DAOS_IOD_ARRAY */
	uint64_t     oi_size;   /* single: value length (fetch: 0 = any); array: record size */
	uint32_t     oi_flags;  /* DAOS_COND_AKEY_* with DAOS_COND_PER_AKEY */
	uint32_t     oi_nr;     /* array: extents in oi_recxs; single: 1 */
	daos_recx_t *oi_recxs;  /* array only */
	uint8_t     *oi_csums;  /* update: oi_nr x csum_len bytes (none when csum_len is 0) */
};

struct dop_io {
	struct dop_head io_head;
	d_iov_t         io_dkey;
	uint32_t        io_nr;
	struct dop_iod *io_iods;
	uint32_t        io_csum_len; /* update: bytes of each value checksum, 0 if off */
	uint32_t        io_where;    /* update: DOP_DATA_INLINE or DOP_DATA_BULK */
	const void     *io_data;     /* update inline: the data (points into the body) */
	uint64_t        io_data_len; /* update inline: its length */
	uint64_t        io_buf_cap;  /* fetch: the client's buffer */
	bool            io_owned;    /* decoded: the arrays were allocated */
};

/* One operation of a transaction; to_body points into the decoded buffer. */
struct dop_txo {
	uint32_t       to_kind;   /* DOP_TXO_* */
	uint32_t       to_tgt;    /* target index (worker - 1) */
	const uint8_t *to_body;
	size_t         to_len;
};

struct dop_tx {
	uuid_t          tx_pool;
	uuid_t          tx_coh;
	uint64_t        tx_id;
	uint64_t        tx_epoch;
	uint32_t        tx_nr;
	struct dop_txo *tx_ops;   /* decoded: allocated (dop_tx_fini) */
};

/* Header of a transaction; the operations follow with dop_txo_encode. */
void dop_tx_encode_head(struct denc *e, const struct dop_tx *tx);
void dop_txo_encode(struct denc *e, uint32_t kind, uint32_t tgt, const void *body, size_t len);
/* -DER_PROTO, -DER_INVAL (bad kind, target >= nr_tgts, no operation), -DER_NOMEM. */
int  dop_tx_decode(const void *buf, size_t len, uint32_t nr_tgts, struct dop_tx *tx);
void dop_tx_fini(struct dop_tx *tx);

void dop_head_encode(struct denc *e, const struct dop_head *h);
void dop_head_decode(struct ddec *d, struct dop_head *h);

/* Bytes of data one descriptor carries (single: size; array: records x size);
 * UINT64_MAX if that overflows. */
uint64_t dop_iod_data_len(const struct dop_iod *iod);

/* Update and fetch bodies. The encoder writes inline data when io_where is
 * DOP_DATA_INLINE (io_data, io_data_len). */
void dop_io_encode(struct denc *e, const struct dop_io *io, bool update);
/* Decode into io; keys and data point into the body, the arrays are
 * allocated (dop_io_fini). -DER_PROTO, -DER_INVAL (bad kinds or sizes),
 * -DER_KEY2BIG, -DER_NOMEM. */
int  dop_io_decode(struct ddec *d, struct dop_io *io, bool update);
void dop_io_fini(struct dop_io *io);

#endif /* __DCOMMON_OBJ_PROTO_H__ */
