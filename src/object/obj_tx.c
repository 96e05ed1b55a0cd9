/*
 * Transactions: conflict detection on the targets and the atomic,
 * crash-atomic commit coordinated by the system thread.
 *
 * A client buffers a transaction's writes and sends them, with what it read,
 * in one DOP_TX_COMMIT to the system thread (common/obj_proto.h). There:
 *   1. every involved target validates its part at once (no yield between
 *      the checks and the locks): nothing the transaction read or writes
 *      changed at or after its epoch (vos_obj_newest), nobody else read what
 *      it writes at or after its epoch (read timestamps, below), and no other
 *      commit holds a key it touches; then it marks its write keys pending;
 *   2. the whole transaction goes to the system database as a redo record
 *      (durable before it returns);
 *   3. every target applies its writes at the transaction's epoch and drops
 *      its pending marks;
 *   4. the record is deleted.
 * A failure in 1 releases the marks (-DER_TX_RESTART for a conflict). A
 * crash before 2 leaves nothing; after 2 the record is applied again when
 * the server loads (obj_tx_recover), before it serves anyone: applying is
 * idempotent (the same values at the same epoch).
 *
 * Read timestamps: every read (fetch, listing, key query) is remembered per
 * target in DRAM, in direct-mapped tables indexed by a hash of (container,
 * object, dkey) and of (container, object): a slot holds the highest epoch
 * read through it and which transaction read there (0: none, a read outside
 * any transaction, or several). Keys sharing a slot merge, which can only
 * find more conflicts, never fewer. A read waits while a commit writes what
 * it reads at an epoch <= the read's: it never sees half of a transaction.
 * Writes outside transactions take an epoch above the remembered reads of
 * what they write.
 *
 * Caveats:
 * - Everything is checked before the record is logged (conflicts, the VOS
 *   checks of every update, what one epoch cannot express), so applying
 *   fails only for lack of space or memory; then the record stays, the
 *   client gets the error, and the next start applies the rest.
 * - Writes land at the transaction's epoch, which may be well in the past:
 *   validation holds each target's aggregation bound below it until the
 *   writes are applied (ds_cont_agg_hold), and a transaction older than
 *   the aggregation lag restarts.
 * - The system thread coordinates every commit of the server: simple and
 *   serial in its logging, not fast.
 * - Epochs come from the client's clock, read timestamps of reads outside
 *   transactions from the server's: the server's may run a few logical
 *   ticks ahead, so a transaction may restart for a read made just before
 *   it started (never the reverse: a conflict is not missed).
 */
#include <daos_cont.h>
#include <gurt/list.h>
#include "rpc/rpc.h"
#include "container/ds_cont.h"
#include "engine/engine.h"
#include "sched/sched.h"
#include "obj_internal.h"

#define OBJ_RTS_DKEY_SLOTS 16384u /* read timestamps of dkeys, per target */
#define OBJ_RTS_OBJ_SLOTS  4096u  /* of objects, per target (two tables) */
#define OBJ_PEND_WAIT_NS   20000u /* a reader's pause while a commit writes what it reads */
#define OBJ_TX_KEY_PREFIX  "obj.tx."

struct obj_rts {
	daos_epoch_t rt_epoch;
	uint64_t     rt_tx;
};

/* A key a transaction being committed writes on this target. */
struct obj_pend {
	d_list_t     pe_link;
	uint64_t     pe_tx;
	daos_epoch_t pe_epoch;
	uint64_t     pe_obj;
	uint64_t     pe_dkey;
	bool         pe_whole; /* the object (punch) */
};

struct obj_tx_tgt {
	struct obj_rts ot_dkey[OBJ_RTS_DKEY_SLOTS];
	struct obj_rts ot_obj_all[OBJ_RTS_OBJ_SLOTS]; /* reads of the whole object */
	struct obj_rts ot_obj_any[OBJ_RTS_OBJ_SLOTS]; /* any read under the object */
	d_list_t       ot_pending;
};

static struct obj_tx_tgt *obj_tx_tgts[DSS_TGT_MAX];

int
obj_tx_init_tgt(int tgt)
{
	struct obj_tx_tgt *t;

	if (obj_tx_tgts[tgt] != NULL)
		return 0;
	D_ALLOC_PTR(t);
	if (t == NULL)
		return -DER_NOMEM;
	D_INIT_LIST_HEAD(&t->ot_pending);
	obj_tx_tgts[tgt] = t;
	return 0;
}

uint64_t
obj_oid_hash(const uuid_t cont, daos_obj_id_t oid)
{
	uint64_t c;

	memcpy(&c, cont, sizeof(c));
	return d_hash_mix64(oid.lo ^ d_hash_mix64(oid.hi ^ d_hash_mix64(c)));
}

uint64_t
obj_dkey_hash(uint64_t oh, const d_iov_t *dkey)
{
	return d_hash_mix64(oh ^ d_hash_murmur64(dkey->iov_buf, (unsigned int)dkey->iov_len, 7431));
}

static void
rts_bump(struct obj_rts *r, daos_epoch_t epoch, uint64_t tx)
{
	if (epoch > r->rt_epoch) {
		r->rt_epoch = epoch;
		r->rt_tx    = tx;
	} else if (epoch == r->rt_epoch && r->rt_tx != tx) {
		r->rt_tx = 0; /* several readers at this epoch */
	}
}

/* Did someone other than transaction tx read there at or after epoch? */
static bool
rts_conflict(const struct obj_rts *r, daos_epoch_t epoch, uint64_t tx)
{
	return r->rt_epoch > epoch || (r->rt_epoch == epoch && (r->rt_tx == 0 || r->rt_tx != tx));
}

static bool
pend_match(const struct obj_pend *p, uint64_t oh, const d_iov_t *dkey, uint64_t dh)
{
	return p->pe_obj == oh && (p->pe_whole || dkey == NULL || p->pe_dkey == dh);
}

/* A commit other than tx's writing under (oh, dkey) at an epoch <= max_epoch. */
static bool
pend_find(struct obj_tx_tgt *t, uint64_t oh, const d_iov_t *dkey, daos_epoch_t max_epoch,
	  uint64_t tx)
{
	struct obj_pend *p;
	uint64_t         dh = dkey != NULL ? obj_dkey_hash(oh, dkey) : 0;

	d_list_for_each_entry(p, &t->ot_pending, pe_link)
		if (p->pe_tx != tx && p->pe_epoch <= max_epoch && pend_match(p, oh, dkey, dh))
			return true;
	return false;
}

void
obj_tx_read(int tgt, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey,
	    daos_epoch_t epoch, uint64_t txid)
{
	struct obj_tx_tgt *t  = obj_tx_tgts[tgt];
	uint64_t           oh = obj_oid_hash(cont, oid);
	daos_epoch_t       at;

	while (pend_find(t, oh, dkey, epoch, txid))
		sched_sleep_ns(sched_current(), OBJ_PEND_WAIT_NS);
	if (epoch == DAOS_EPOCH_MAX) {
		at = d_hlc_get();
	} else {
		at = epoch;
		/* later writes outside transactions get epochs above this read */
		(void)d_hlc_get_msg(epoch, NULL, NULL);
	}
	rts_bump(&t->ot_obj_any[oh % OBJ_RTS_OBJ_SLOTS], at, txid);
	if (dkey != NULL)
		rts_bump(&t->ot_dkey[obj_dkey_hash(oh, dkey) % OBJ_RTS_DKEY_SLOTS], at, txid);
	else
		rts_bump(&t->ot_obj_all[oh % OBJ_RTS_OBJ_SLOTS], at, txid);
}

/* The read timestamps a write to (oh, dkey) must stay above. */
static void
write_rts(struct obj_tx_tgt *t, uint64_t oh, const d_iov_t *dkey, const struct obj_rts **a,
	  const struct obj_rts **b)
{
	*a = &t->ot_obj_all[oh % OBJ_RTS_OBJ_SLOTS];
	*b = dkey != NULL ? &t->ot_dkey[obj_dkey_hash(oh, dkey) % OBJ_RTS_DKEY_SLOTS]
			  : &t->ot_obj_any[oh % OBJ_RTS_OBJ_SLOTS];
}

daos_epoch_t
obj_tx_write_epoch(int tgt, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey)
{
	const struct obj_rts *a, *b;
	daos_epoch_t          epoch = d_hlc_get(), floor;

	write_rts(obj_tx_tgts[tgt], obj_oid_hash(cont, oid), dkey, &a, &b);
	floor = MAX(a->rt_epoch, b->rt_epoch);
	if (epoch <= floor) {
		epoch = floor + 1;
		(void)d_hlc_get_msg(epoch, NULL, NULL);
	}
	return epoch;
}

static int
newest_check(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey,
	     const d_iov_t *akey, daos_epoch_t epoch)
{
	daos_epoch_t newest;
	int          rc = vos_obj_newest(vos, cont, oid, dkey, akey, &newest);

	if (rc != 0)
		return rc;
	return newest >= epoch ? -DER_TX_RESTART : 0;
}

int
obj_tx_read_check(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey,
		  unsigned int nr, const d_iov_t *akeys, daos_epoch_t epoch)
{
	unsigned int i;
	int          rc = 0;

	if (dkey == NULL || nr == 0)
		return newest_check(vos, cont, oid, dkey, NULL, epoch);
	for (i = 0; rc == 0 && i < nr; i++)
		rc = newest_check(vos, cont, oid, dkey, &akeys[i], epoch);
	return rc;
}

/* ---- the operations of a transaction ---- */

struct obj_txo {
	uint32_t         xo_kind;
	struct dop_head  xo_head;
	struct dop_io    xo_io;    /* update */
	struct obj_punch xo_punch; /* punch */
	uint64_t         xo_cond;  /* update: its DAOS_COND_* flags (checked, not applied) */
	d_iov_t          xo_dkey;  /* read: empty for the whole object */
	uint32_t         xo_nr;    /* read: akeys, 0 for the whole dkey */
	d_iov_t         *xo_akeys;
};

static void
txo_fini(struct obj_txo *x)
{
	dop_io_fini(&x->xo_io);
	obj_punch_fini(&x->xo_punch);
	D_FREE(x->xo_akeys);
}

static int
txo_parse(const struct dop_tx *tx, const struct dop_txo *op, struct obj_txo *x)
{
	struct ddec d;
	size_t      len;
	uint64_t    need = 0, n;
	uint32_t    i;
	int         rc;

	memset(x, 0, sizeof(*x));
	x->xo_kind = op->to_kind;
	ddec_init(&d, op->to_body, op->to_len);
	if (op->to_kind == DOP_TXO_UPDATE) {
		rc = dop_io_decode(&d, &x->xo_io, true);
		if (rc != 0)
			return rc;
		x->xo_head = x->xo_io.io_head;
		if (x->xo_io.io_where != DOP_DATA_INLINE)
			return -DER_PROTO;
		for (i = 0; i < x->xo_io.io_nr; i++) {
			n = dop_iod_data_len(&x->xo_io.io_iods[i]);
			if (n == UINT64_MAX || need + n < need || x->xo_io.io_iods[i].oi_size == 0)
				return -DER_INVAL;
			need += n;
		}
		if (need != x->xo_io.io_data_len)
			return -DER_INVAL;
	} else {
		dop_head_decode(&d, &x->xo_head);
		if (op->to_kind == DOP_TXO_PUNCH) {
			rc = obj_punch_decode(&d, &x->xo_punch);
			if (rc != 0)
				return rc;
		} else {
			x->xo_dkey.iov_buf = (void *)ddec_bytes(&d, &len);
			x->xo_dkey.iov_len = x->xo_dkey.iov_buf_len = len;
			x->xo_nr = ddec_count(&d, DOP_IOD_MAX, 4);
			if (ddec_finish(&d) != 0)
				return -DER_PROTO;
			if (len > DOP_KEY_MAX || (len == 0 && x->xo_nr > 0))
				return -DER_INVAL;
			if (x->xo_nr > 0) {
				D_ALLOC_ARRAY(x->xo_akeys, x->xo_nr);
				if (x->xo_akeys == NULL)
					return -DER_NOMEM;
			}
			for (i = 0; i < x->xo_nr; i++) {
				x->xo_akeys[i].iov_buf = (void *)ddec_bytes(&d, &len);
				x->xo_akeys[i].iov_len = x->xo_akeys[i].iov_buf_len = len;
				if (len == 0 || len > DOP_KEY_MAX)
					return -DER_INVAL;
			}
		}
		if (ddec_finish(&d) != 0)
			return -DER_PROTO;
	}
	/* every operation belongs to the transaction's container handle */
	if (uuid_compare(x->xo_head.dh_pool, tx->tx_pool) != 0 ||
	    uuid_compare(x->xo_head.dh_coh, tx->tx_coh) != 0)
		return -DER_INVAL;
	/* an update's conditions are checked at validation, against the state
	 * at the transaction's epoch, then dropped: applying again after a
	 * crash must do what the first time did. Punches have none. */
	if (op->to_kind == DOP_TXO_PUNCH && (x->xo_head.dh_flags & DAOS_COND_MASK))
		return -DER_NOTSUPPORTED;
	x->xo_cond = x->xo_io.io_head.dh_flags & DAOS_COND_MASK;
	x->xo_io.io_head.dh_flags &= ~(uint64_t)DAOS_COND_MASK;
	return 0;
}

/* The dkeys a write touches (NULL: the whole object), for locks and timestamps. */
static unsigned int
txo_write_dkeys(const struct obj_txo *x, const d_iov_t **dkeys)
{
	unsigned int i;

	if (x->xo_kind == DOP_TXO_UPDATE) {
		dkeys[0] = &x->xo_io.io_dkey;
		return 1;
	}
	switch (x->xo_punch.op_kind) {
	case DOP_PUNCH_OBJ:
		dkeys[0] = NULL;
		return 1;
	case DOP_PUNCH_DKEYS:
		for (i = 0; i < x->xo_punch.op_nr; i++)
			dkeys[i] = &x->xo_punch.op_keys[i];
		return x->xo_punch.op_nr;
	default:
		dkeys[0] = &x->xo_punch.op_keys[0];
		return 1;
	}
}

/* Has what a write changes been changed at or after epoch? */
static int
txo_write_newest(struct vos *vos, const uuid_t cont, const struct obj_txo *x, daos_epoch_t epoch)
{
	daos_obj_id_t oid = x->xo_head.dh_oid;
	uint32_t      i;
	int           rc = 0;

	if (x->xo_kind == DOP_TXO_UPDATE) {
		for (i = 0; rc == 0 && i < x->xo_io.io_nr; i++)
			rc = newest_check(vos, cont, oid, &x->xo_io.io_dkey,
					  &x->xo_io.io_iods[i].oi_akey, epoch);
		return rc;
	}
	switch (x->xo_punch.op_kind) {
	case DOP_PUNCH_OBJ:
		return newest_check(vos, cont, oid, NULL, NULL, epoch);
	case DOP_PUNCH_DKEYS:
		for (i = 0; rc == 0 && i < x->xo_punch.op_nr; i++)
			rc = newest_check(vos, cont, oid, &x->xo_punch.op_keys[i], NULL, epoch);
		return rc;
	default:
		for (i = 1; rc == 0 && i < x->xo_punch.op_nr; i++)
			rc = newest_check(vos, cont, oid, &x->xo_punch.op_keys[0],
					  &x->xo_punch.op_keys[i], epoch);
		return rc;
	}
}

/*
 * What a transaction writes on one target, in its order, to refuse before
 * anything is logged what VOS would refuse (or get wrong) when applying all
 * of it at one epoch: array extents of one akey that partly overlap, one
 * akey written as single value and array or with two record sizes
 * (-DER_INVAL), and an update after a punch that covers it, which one epoch
 * cannot express: the punch would hide it (-DER_NOTSUPPORTED).
 */
struct obj_txw {
	bool          xw_punch;
	daos_obj_id_t xw_oid;
	d_iov_t       xw_dkey; /* punch: empty for the whole object */
	d_iov_t       xw_akey; /* punch: empty for the whole dkey */
	uint32_t      xw_type;
	uint64_t      xw_size;
	daos_recx_t   xw_recx;
};

struct obj_txws {
	struct obj_txw *ws_w;
	uint32_t        ws_nr;
	uint32_t        ws_cap;
};

static bool
iov_same(const d_iov_t *a, const d_iov_t *b)
{
	return a->iov_len == b->iov_len && memcmp(a->iov_buf, b->iov_buf, a->iov_len) == 0;
}

static int
txws_add(struct obj_txws *ws, const struct obj_txw *w)
{
	if (ws->ws_nr == ws->ws_cap) {
		uint32_t        cap = MAX(16u, ws->ws_cap * 2);
		struct obj_txw *n;

		D_REALLOC_ARRAY(n, ws->ws_w, ws->ws_cap, cap);
		if (n == NULL)
			return -DER_NOMEM;
		ws->ws_w   = n;
		ws->ws_cap = cap;
	}
	ws->ws_w[ws->ws_nr++] = *w;
	return 0;
}

/* Check one value (or extent) of an update against what came before it. */
static int
txws_check(const struct obj_txws *ws, const struct obj_txw *w)
{
	uint32_t i;

	for (i = 0; i < ws->ws_nr; i++) {
		const struct obj_txw *o = &ws->ws_w[i];

		if (o->xw_oid.lo != w->xw_oid.lo || o->xw_oid.hi != w->xw_oid.hi)
			continue;
		if (o->xw_punch) {
			if (o->xw_dkey.iov_len == 0 ||
			    (iov_same(&o->xw_dkey, &w->xw_dkey) &&
			     (o->xw_akey.iov_len == 0 || iov_same(&o->xw_akey, &w->xw_akey))))
				return -DER_NOTSUPPORTED;
			continue;
		}
		if (!iov_same(&o->xw_dkey, &w->xw_dkey) || !iov_same(&o->xw_akey, &w->xw_akey))
			continue;
		if (o->xw_type != w->xw_type ||
		    (w->xw_type == DAOS_IOD_ARRAY && o->xw_size != w->xw_size))
			return -DER_INVAL;
		if (w->xw_type == DAOS_IOD_ARRAY &&
		    (o->xw_recx.rx_idx != w->xw_recx.rx_idx || o->xw_recx.rx_nr != w->xw_recx.rx_nr) &&
		    o->xw_recx.rx_idx < w->xw_recx.rx_idx + w->xw_recx.rx_nr &&
		    w->xw_recx.rx_idx < o->xw_recx.rx_idx + o->xw_recx.rx_nr)
			return -DER_INVAL;
	}
	return 0;
}

static int
txws_op(struct obj_txws *ws, const struct obj_txo *x)
{
	struct obj_txw w = {.xw_oid = x->xo_head.dh_oid};
	uint32_t       i, k;
	int            rc = 0;

	if (x->xo_kind == DOP_TXO_READ)
		return 0;
	if (x->xo_kind == DOP_TXO_PUNCH) {
		const struct obj_punch *p = &x->xo_punch;

		w.xw_punch = true;
		if (p->op_kind == DOP_PUNCH_OBJ)
			return txws_add(ws, &w);
		for (i = 0; rc == 0 && i < p->op_nr; i++) {
			if (p->op_kind == DOP_PUNCH_DKEYS) {
				w.xw_dkey = p->op_keys[i];
			} else if (i > 0) {
				w.xw_dkey = p->op_keys[0];
				w.xw_akey = p->op_keys[i];
			} else {
				continue;
			}
			rc = txws_add(ws, &w);
		}
		return rc;
	}
	w.xw_dkey = x->xo_io.io_dkey;
	for (i = 0; rc == 0 && i < x->xo_io.io_nr; i++) {
		const struct dop_iod *iod = &x->xo_io.io_iods[i];

		w.xw_akey = iod->oi_akey;
		w.xw_type = iod->oi_type;
		w.xw_size = iod->oi_size;
		for (k = 0; rc == 0 && k < iod->oi_nr; k++) {
			if (iod->oi_type == DAOS_IOD_ARRAY)
				w.xw_recx = iod->oi_recxs[k];
			rc = txws_check(ws, &w);
			if (rc == 0)
				rc = txws_add(ws, &w);
		}
	}
	return rc;
}

/* ---- the coordinator's calls to the targets ---- */

struct obj_txc {
	struct dop_tx c_tx;
	bool          c_recover;          /* re-applying a record: c_cont is known */
	uuid_t        c_cont;
	uuid_t        c_tgt_cont[DSS_TGT_MAX]; /* each target's answer to validation */
	bool          c_has_ops[DSS_TGT_MAX];
	bool          c_held[DSS_TGT_MAX];     /* the target holds its aggregation below the epoch */
	bool          c_has_writes;
};

/* The target's aggregation may pass the transaction's epoch again. */
static void
txc_unhold(struct obj_txc *c, int tgt)
{
	if (!c->c_held[tgt])
		return;
	ds_cont_agg_release(c->c_tx.tx_pool, c->c_tgt_cont[tgt], c->c_tx.tx_epoch);
	c->c_held[tgt] = false;
}

static void
pend_release(struct obj_tx_tgt *t, uint64_t tx)
{
	struct obj_pend *p, *tmp;

	d_list_for_each_entry_safe(p, tmp, &t->ot_pending, pe_link) {
		if (p->pe_tx != tx)
			continue;
		d_list_del(&p->pe_link);
		D_FREE(p);
	}
}

static int
txc_release(int tgt, void *arg)
{
	struct obj_txc *c = arg;

	if (c->c_has_ops[tgt])
		pend_release(obj_tx_tgts[tgt], c->c_tx.tx_id);
	txc_unhold(c, tgt);
	return 0;
}

/* One operation against this target's state; nothing yields in here. */
static int
txo_validate(int tgt, struct vos *vos, const uuid_t cont, const struct obj_txo *x,
	     const struct dop_tx *tx)
{
	struct obj_tx_tgt    *t = obj_tx_tgts[tgt];
	const struct obj_rts *a, *b;
	const d_iov_t        *dkeys[DOP_LIST_MAX + 1];
	uint64_t              oh = obj_oid_hash(cont, x->xo_head.dh_oid);
	unsigned int          i, n;

	if (x->xo_kind == DOP_TXO_READ) {
		const d_iov_t *dkey = x->xo_dkey.iov_len > 0 ? &x->xo_dkey : NULL;

		if (pend_find(t, oh, dkey, DAOS_EPOCH_MAX, tx->tx_id))
			return -DER_TX_RESTART;
		return obj_tx_read_check(vos, cont, x->xo_head.dh_oid, dkey, x->xo_nr, x->xo_akeys,
					 tx->tx_epoch);
	}
	n = txo_write_dkeys(x, dkeys);
	for (i = 0; i < n; i++) {
		if (pend_find(t, oh, dkeys[i], DAOS_EPOCH_MAX, tx->tx_id))
			return -DER_TX_RESTART;
		/* a condition checked now would miss a write on its way */
		if (x->xo_cond != 0 && obj_write_busy(tgt, cont, x->xo_head.dh_oid, dkeys[i]))
			return -DER_TX_RESTART;
		write_rts(t, oh, dkeys[i], &a, &b);
		if (rts_conflict(a, tx->tx_epoch, tx->tx_id) ||
		    rts_conflict(b, tx->tx_epoch, tx->tx_id))
			return -DER_TX_RESTART;
	}
	return txo_write_newest(vos, cont, x, tx->tx_epoch);
}

static int
txo_lock(struct obj_tx_tgt *t, const uuid_t cont, const struct obj_txo *x, const struct dop_tx *tx)
{
	const d_iov_t   *dkeys[DOP_LIST_MAX + 1];
	struct obj_pend *p;
	uint64_t         oh = obj_oid_hash(cont, x->xo_head.dh_oid);
	unsigned int     i, n;

	if (x->xo_kind == DOP_TXO_READ)
		return 0;
	n = txo_write_dkeys(x, dkeys);
	for (i = 0; i < n; i++) {
		D_ALLOC_PTR(p);
		if (p == NULL)
			return -DER_NOMEM;
		p->pe_tx    = tx->tx_id;
		p->pe_epoch = tx->tx_epoch;
		p->pe_obj   = oh;
		p->pe_whole = dkeys[i] == NULL;
		p->pe_dkey  = dkeys[i] != NULL ? obj_dkey_hash(oh, dkeys[i]) : 0;
		d_list_add_tail(&p->pe_link, &t->ot_pending);
	}
	return 0;
}

static int
txc_validate(int tgt, void *arg)
{
	struct obj_txc               *c = arg;
	struct obj_tx_tgt            *t = obj_tx_tgts[tgt];
	const struct dop_tx          *tx = &c->c_tx;
	const struct ds_cont_tgt_hdl *hdl;
	struct vos_store             *vs;
	struct obj_txws               ws = {0};
	struct obj_txo                x;
	uint32_t                      i, pass;
	int                           rc = 0;

	if (!c->c_has_ops[tgt])
		return 0;
	hdl = ds_cont_tgt_hdl_find(tx->tx_coh);
	if (hdl == NULL || uuid_compare(hdl->th_pool, tx->tx_pool) != 0)
		return -DER_NO_HDL;
	if (c->c_has_writes && (hdl->th_flags & (DAOS_COO_RW | DAOS_COO_EX)) == 0)
		return -DER_NO_PERM;
	vs = dss_shard_store(tx->tx_pool);
	if (vs == NULL)
		return -DER_NONEXIST;
	uuid_copy(c->c_tgt_cont[tgt], hdl->th_cont);
	(void)d_hlc_get_msg(tx->tx_epoch, NULL, NULL);
	/* reads and writes at an epoch aggregation may have passed: restart */
	if (c->c_has_writes)
		rc = ds_cont_agg_hold(tx->tx_pool, hdl->th_cont, tx->tx_epoch);
	else
		rc = ds_cont_agg_read_check(tx->tx_pool, hdl->th_cont, tx->tx_epoch);
	if (rc != 0)
		return rc;
	c->c_held[tgt] = c->c_has_writes;
	/* first check everything, then lock: a refusal leaves no lock behind */
	for (pass = 0; pass < 2 && rc == 0; pass++) {
		for (i = 0; i < tx->tx_nr && rc == 0; i++) {
			if (tx->tx_ops[i].to_tgt != (uint32_t)tgt)
				continue;
			rc = txo_parse(tx, &tx->tx_ops[i], &x);
			if (rc == 0 && pass == 0)
				rc = txws_op(&ws, &x);
			if (rc == 0 && pass == 0 && x.xo_kind == DOP_TXO_UPDATE)
				rc = obj_update_verify(hdl, &x.xo_io, x.xo_io.io_data);
			if (rc == 0 && pass == 0 && x.xo_kind == DOP_TXO_UPDATE) {
				x.xo_io.io_head.dh_flags |= x.xo_cond;
				rc = obj_update_exec(vos_store_vos(vs), hdl->th_cont, &x.xo_io,
						     x.xo_io.io_data, tx->tx_epoch, true);
			}
			if (rc == 0)
				rc = pass == 0 ? txo_validate(tgt, vos_store_vos(vs), hdl->th_cont, &x, tx)
					       : txo_lock(t, hdl->th_cont, &x, tx);
			txo_fini(&x);
		}
	}
	D_FREE(ws.ws_w);
	if (rc != 0) {
		pend_release(t, tx->tx_id);
		txc_unhold(c, tgt);
	}
	return rc;
}

static int
txc_apply(int tgt, void *arg)
{
	struct obj_txc      *c  = arg;
	const struct dop_tx *tx = &c->c_tx;
	const unsigned char *cont;
	struct vos_store    *vs;
	struct obj_txo       x;
	uint32_t             i;
	int                  rc = 0, rc2;

	if (!c->c_has_ops[tgt])
		return 0;
	cont = c->c_recover ? c->c_cont : c->c_tgt_cont[tgt];
	vs   = dss_shard_store(tx->tx_pool);
	if (vs == NULL) {
		D_ERROR("tx %#" PRIx64 ": pool " DF_UUID " is gone from target %d\n", tx->tx_id,
			DP_UUID(tx->tx_pool), tgt);
		rc = -DER_NONEXIST;
		goto out;
	}
	for (i = 0; i < tx->tx_nr; i++) {
		if (tx->tx_ops[i].to_tgt != (uint32_t)tgt || tx->tx_ops[i].to_kind == DOP_TXO_READ)
			continue;
		rc2 = txo_parse(tx, &tx->tx_ops[i], &x);
		if (rc2 == 0 && x.xo_kind == DOP_TXO_UPDATE)
			rc2 = obj_update_exec(vos_store_vos(vs), cont, &x.xo_io, x.xo_io.io_data,
					      tx->tx_epoch, false);
		else if (rc2 == 0)
			rc2 = obj_punch_exec(vos_store_vos(vs), cont, x.xo_head.dh_oid,
					     x.xo_head.dh_flags, &x.xo_punch, tx->tx_epoch);
		txo_fini(&x);
		if (rc2 != 0 && rc == 0)
			rc = rc2;
	}
out:
	if (!c->c_recover)
		pend_release(obj_tx_tgts[tgt], tx->tx_id);
	txc_unhold(c, tgt);
	return rc;
}

/* ---- the coordinator (system thread) ---- */

static void
txc_key(uint64_t id, char key[sizeof(OBJ_TX_KEY_PREFIX) - 1 + 8])
{
	memcpy(key, OBJ_TX_KEY_PREFIX, sizeof(OBJ_TX_KEY_PREFIX) - 1);
	memcpy(key + sizeof(OBJ_TX_KEY_PREFIX) - 1, &id, 8);
}

static int
txc_prepare(struct obj_txc *c, const void *buf, size_t len)
{
	uint32_t i;
	int      rc;

	rc = dop_tx_decode(buf, len, dss_nr_targets(), &c->c_tx);
	if (rc != 0)
		return rc;
	for (i = 0; i < c->c_tx.tx_nr; i++) {
		c->c_has_ops[c->c_tx.tx_ops[i].to_tgt] = true;
		if (c->c_tx.tx_ops[i].to_kind != DOP_TXO_READ)
			c->c_has_writes = true;
	}
	return 0;
}

static int
txc_commit(struct obj_txc *c, const void *buf, size_t len)
{
	char     key[sizeof(OBJ_TX_KEY_PREFIX) - 1 + 8];
	uint8_t *rec = NULL;
	uint32_t t;
	int      rc;

	rc = dss_tgt_foreach(txc_validate, c);
	if (rc != 0)
		goto release;
	if (!c->c_has_writes)
		goto release; /* read-only: validation was all */
	for (t = 0; t < dss_nr_targets(); t++) {
		if (c->c_has_ops[t]) {
			uuid_copy(c->c_cont, c->c_tgt_cont[t]);
			break;
		}
	}
	/* the redo record: the container, then the transaction as sent */
	D_ALLOC_NZ(rec, 16 + len);
	if (rec == NULL) {
		rc = -DER_NOMEM;
		goto release;
	}
	memcpy(rec, c->c_cont, 16);
	memcpy(rec + 16, buf, len);
	txc_key(c->c_tx.tx_id, key);
	rc = dss_sysdb_put(DSS_TBL_SYS, key, sizeof(key), rec, 16 + len);
	D_FREE(rec);
	if (rc != 0) {
		DL_ERROR(rc, "tx %#" PRIx64 ": redo record", c->c_tx.tx_id);
		goto release;
	}
	rc = dss_tgt_foreach(txc_apply, c);
	if (rc != 0) {
		/* the record stays: the next start applies the rest */
		DL_ERROR(rc, "tx %#" PRIx64 ": apply", c->c_tx.tx_id);
		return rc;
	}
	rc = dss_sysdb_del(DSS_TBL_SYS, key, sizeof(key));
	if (rc != 0)
		DL_ERROR(rc, "tx %#" PRIx64 ": redo record not deleted", c->c_tx.tx_id);
	return 0;
release:
	(void)dss_tgt_foreach(txc_release, c);
	return rc;
}

void
obj_tx_commit_handler(struct rpc_req *req, void *arg)
{
	struct obj_txc *c    = NULL;
	const void     *body, *buf = NULL;
	uint8_t        *bulk = NULL;
	struct ddec     d;
	uint32_t        blen, where;
	size_t          len = 0;
	int             rc;

	(void)arg;
	rc = dss_req_begin();
	if (rc != 0) {
		dss_reply(req, rc, NULL);
		return;
	}
	body = rpc_req_body(req, &blen);
	ddec_init(&d, body, blen);
	where = ddec_u32(&d);
	if (where == DOP_DATA_INLINE)
		buf = ddec_bytes(&d, &len);
	if (ddec_finish(&d) != 0 || ddec_left(&d) != 0 ||
	    (where != DOP_DATA_INLINE && where != DOP_DATA_BULK)) {
		rc = -DER_PROTO;
		goto out;
	}
	if (where == DOP_DATA_BULK) {
		len = rpc_req_bulk_len(req);
		if (len == 0 || len > DOP_TX_MAX) {
			rc = -DER_INVAL;
			goto out;
		}
		rc = obj_bulk_recv(req, NULL, len, &bulk);
		if (rc != 0)
			goto out;
		buf = bulk;
	}
	D_ALLOC_PTR(c);
	if (c == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	rc = txc_prepare(c, buf, len);
	if (rc == 0)
		rc = txc_commit(c, buf, len);
out:
	if (c != NULL)
		dop_tx_fini(&c->c_tx);
	D_FREE(c);
	bio_buf_put(NULL, bulk, len);
	dss_reply(req, rc, NULL);
	dss_req_end();
}

/* ---- recovery ---- */

struct txc_rec {
	d_list_t rr_link;
	size_t   rr_klen;
	size_t   rr_vlen;
	char    *rr_key;
	uint8_t *rr_val;
};

static int
txc_collect(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct txc_rec *r;

	if (klen != sizeof(OBJ_TX_KEY_PREFIX) - 1 + 8 ||
	    memcmp(key, OBJ_TX_KEY_PREFIX, sizeof(OBJ_TX_KEY_PREFIX) - 1) != 0)
		return 0;
	D_ALLOC_PTR(r);
	if (r == NULL)
		return -DER_NOMEM;
	D_ALLOC_NZ(r->rr_key, klen);
	D_ALLOC_NZ(r->rr_val, MAX(vlen, (size_t)1));
	if (r->rr_key == NULL || r->rr_val == NULL) {
		D_FREE(r->rr_key);
		D_FREE(r->rr_val);
		D_FREE(r);
		return -DER_NOMEM;
	}
	memcpy(r->rr_key, key, klen);
	memcpy(r->rr_val, val, vlen);
	r->rr_klen = klen;
	r->rr_vlen = vlen;
	d_list_add_tail(&r->rr_link, (d_list_t *)arg);
	return 0;
}

static int
txc_reapply(struct txc_rec *r)
{
	struct obj_txc *c;
	int             rc;

	if (r->rr_vlen <= 16)
		return -DER_DF_INVAL;
	D_ALLOC_PTR(c);
	if (c == NULL)
		return -DER_NOMEM;
	c->c_recover = true;
	memcpy(c->c_cont, r->rr_val, 16);
	rc = txc_prepare(c, r->rr_val + 16, r->rr_vlen - 16);
	if (rc == 0)
		rc = dss_tgt_foreach(txc_apply, c);
	if (rc == 0)
		D_WARN("transaction %#" PRIx64 ", interrupted by a crash, re-applied at epoch %#" PRIx64
		       "\n", c->c_tx.tx_id, c->c_tx.tx_epoch);
	dop_tx_fini(&c->c_tx);
	D_FREE(c);
	return rc;
}

int
obj_tx_recover(void)
{
	struct txc_rec *r, *tmp;
	d_list_t        recs;
	int             rc, rc2;

	D_INIT_LIST_HEAD(&recs);
	rc = dss_sysdb_foreach(DSS_TBL_SYS, txc_collect, &recs);
	d_list_for_each_entry_safe(r, tmp, &recs, rr_link) {
		if (rc == 0) {
			rc2 = txc_reapply(r);
			if (rc2 == -DER_NONEXIST || rc2 == -DER_INVAL || rc2 == -DER_PROTO ||
			    rc2 == -DER_DF_INVAL) {
				/* its pool is gone, or it cannot be read: nothing to apply */
				DL_ERROR(rc2, "transaction record dropped");
				rc2 = 0;
			}
			if (rc2 == 0)
				rc2 = dss_sysdb_del(DSS_TBL_SYS, r->rr_key, r->rr_klen);
			if (rc2 != 0)
				rc = rc2;
		}
		d_list_del(&r->rr_link);
		D_FREE(r->rr_key);
		D_FREE(r->rr_val);
		D_FREE(r);
	}
	if (rc != 0)
		DL_ERROR(rc, "transactions interrupted by a crash could not be re-applied");
	return rc;
}
