/*
 * libdaos objects: oid generation, open/close, update, fetch, punch,
 * enumeration and key query, routed by placement to the target holding each
 * dkey's shard.
 *
 * PLACEMENT (a pure function of the oid, the dkey and the pool's targets)
 * An object of G groups lives on G consecutive targets starting at
 * jump_hash(oid) — so objects spread evenly and any client computes the same
 * answer; a dkey belongs to group murmur64(dkey) % G. Redundant classes
 * (RP_*, EC_*) are recognised and refused with -DER_NOSYS until redundancy
 * exists.
 *
 * DATA PATH
 * An update's values travel in the request body when they total at most
 * DOP_INLINE_MAX bytes, otherwise as the request's bulk payload straight from
 * the caller's sgl buffers (no copy). A fetch whose sizes are known asks for
 * the data straight into the caller's buffers; with unknown sizes the first
 * reply tells them and, if they fit, a second request brings the data.
 * With container checksums on, each value's checksum is computed here on
 * update and verified here on fetch.
 *
 * TRANSACTIONS (th != DAOS_TX_NONE, dc_tx.c)
 * Reads go to the targets at the transaction's epoch with its id, and what
 * they looked at joins its read set; updates and punches are encoded as the
 * requests they would be (values copied) and kept in the transaction until
 * commit; the call completes at once.
 */
#include "common/csum.h"
#include "common/oclass.h"
#include "common/obj_proto.h"
#include "dc_internal.h"

/* A fetch whose values change size between its requests (another writer) is
 * sent again this many times before it gives up with -DER_PROTO. */
#define DC_FETCH_RETRY_MAX 8

struct dc_obj {
	struct dc_hdl   do_hdl;
	struct dc_cont *do_cont;  /* a reference */
	daos_obj_id_t   do_oid;
	unsigned int    do_mode;  /* DAOS_OO_* */
	uint32_t        do_grp_nr;
	uint32_t        do_base;  /* target of group 0 */
	uint32_t        do_nr_targets;
};

static void
obj_free(struct dc_hdl *h)
{
	struct dc_obj *obj = container_of(h, struct dc_obj, do_hdl);

	if (obj->do_cont != NULL) {
		obj->do_cont->dc_nobjs--;
		dc_cont_put(obj->do_cont);
	}
	D_FREE(obj);
}

static struct dc_obj *
obj_get(daos_handle_t oh)
{
	struct dc_hdl *h = dc_hdl_get(oh, DAOS_HTYPE_OBJ);

	return h == NULL ? NULL : container_of(h, struct dc_obj, do_hdl);
}

static void
obj_put(struct dc_obj *obj)
{
	dc_hdl_put(&obj->do_hdl);
}

static uint64_t
oid_hash(daos_obj_id_t oid)
{
	return d_hash_mix64(oid.lo ^ d_hash_mix64(oid.hi));
}

/* Worker (target + 1) holding group grp of obj. */
static int
obj_grp_worker(const struct dc_obj *obj, uint32_t grp)
{
	return (int)((obj->do_base + grp) % obj->do_nr_targets) + 1;
}

static uint32_t
obj_dkey_grp(const struct dc_obj *obj, const daos_key_t *dkey)
{
	if (obj->do_grp_nr <= 1)
		return 0;
	return (uint32_t)(d_hash_murmur64(dkey->iov_buf, (unsigned int)dkey->iov_len, 5731) %
			  obj->do_grp_nr);
}

static struct dcl_layout
pool_layout(const struct dc_pool *pool)
{
	struct dcl_layout lo = {0};

	/* one engine: every target is its own fault domain at rank level */
	lo.dl_domain_nr = 1;
	lo.dl_target_nr = pool->dp_nr_targets;
	return lo;
}

/* ---- oid generation and open/close ---- */

int
daos_obj_generate_oid2(daos_handle_t coh, daos_obj_id_t *oid, enum daos_otype_t type,
		       daos_oclass_id_t cid, daos_oclass_hints_t hints, uint32_t args)
{
	const struct dcl_class *cls;
	struct dcl_layout       lo;
	struct dc_cont         *cont;
	uint32_t                grp;
	int                     rc;

	(void)args;
	if (oid == NULL)
		return -DER_INVAL;
	dc_lock();
	cont = dc_cont_get(coh);
	if (cont == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	lo = pool_layout(cont->dc_pool);
	dc_cont_put(cont);
	dc_unlock();
	if (cid != OC_UNKNOWN) {
		cls = dcl_class_find(cid, &grp);
		if (cls == NULL)
			return -DER_INVAL;
		if (dcl_is_redundant(cls))
			return -DER_NOSYS; /* replication and EC are not built yet */
	}
	rc = dcl_generate_oid(oid, type, cid, hints, &lo);
	if (rc != 0)
		return rc;
	rc = dcl_oid_layout(*oid, &cls, &grp, NULL);
	if (rc == 0 && dcl_is_redundant(cls))
		rc = -DER_NOSYS; /* the hints chose redundancy: not available yet */
	return rc;
}

int
daos_obj_open(daos_handle_t coh, daos_obj_id_t oid, unsigned int mode, daos_handle_t *oh,
	      daos_event_t *ev)
{
	const struct dcl_class *cls;
	struct dc_cont         *cont;
	struct dc_obj          *obj;
	struct dc_op           *op;
	uint32_t                grp, shards;
	int                     rc;

	if (oh == NULL || (mode & (DAOS_OO_RO | DAOS_OO_RW | DAOS_OO_EXCL)) == 0)
		return -DER_INVAL;
	rc = dcl_oid_layout(oid, &cls, &grp, &shards);
	if (rc != 0)
		return -DER_INVAL;
	if (dcl_is_redundant(cls))
		return -DER_NOSYS;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	cont = dc_cont_get(coh);
	if (cont == NULL) {
		rc = -DER_NO_HDL;
		goto out;
	}
	if ((mode & DAOS_OO_RW) && !(cont->dc_flags & (DAOS_COO_RW | DAOS_COO_EX))) {
		dc_cont_put(cont);
		rc = -DER_NO_PERM;
		goto out;
	}
	D_ALLOC_PTR(obj);
	if (obj == NULL) {
		dc_cont_put(cont);
		rc = -DER_NOMEM;
		goto out;
	}
	obj->do_cont       = cont;
	obj->do_oid        = oid;
	obj->do_mode       = mode;
	obj->do_nr_targets = cont->dc_pool->dp_nr_targets;
	obj->do_grp_nr     = MAX(1u, MIN(grp, obj->do_nr_targets));
	obj->do_base       = d_hash_jump(oid_hash(oid), obj->do_nr_targets);
	cont->dc_nobjs++;
	/* opening needs no server: the layout is computed */
	rc = dc_op_create(ev, NULL, NULL, &op);
	if (rc != 0) {
		obj_free(&obj->do_hdl);
		goto out;
	}
	dc_hdl_insert(&obj->do_hdl, DAOS_HTYPE_OBJ, obj_free, oh);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_obj_close(daos_handle_t oh, daos_event_t *ev)
{
	struct dc_obj *obj;
	struct dc_op  *op;
	int            rc;

	dc_lock();
	obj = obj_get(oh);
	if (obj == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	rc = dc_op_create(ev, NULL, NULL, &op);
	if (rc == 0) {
		dc_hdl_delete(&obj->do_hdl);
		rc = dc_op_run(op, ev);
	}
	obj_put(obj);
	dc_unlock();
	return rc;
}

/* ---- common request state ---- */

struct query_best;

struct obj_op {
	struct dc_obj      *oo_obj; /* a reference */
	struct dc_tx       *oo_tx;  /* a reference, or NULL */
	daos_epoch_t        oo_epoch; /* reads: the epoch to read at */
	uint64_t            oo_txid;  /* reads: the transaction's id for the targets */
	struct dcs_csummer  oo_cs;
	bool                oo_csum;
	/* update/fetch */
	daos_key_t          oo_dkey;
	unsigned int        oo_nr;
	daos_iod_t         *oo_iods;
	d_sg_list_t        *oo_sgls;
	daos_iom_t         *oo_ioms;
	d_iov_t            *oo_iovs;   /* the sgls' buffers as one bulk list */
	d_sg_list_t         oo_bulk;
	uint64_t           *oo_exp;    /* fetch: expected bytes per iod */
	uint8_t            *oo_csums;
	uint32_t            oo_refetches; /* fetch sent again now that sizes are known */
	/* listing and queries */
	void               *oo_out[6];
	uint64_t            oo_flags;
	struct query_best  *oo_qb;
};

static void
obj_op_free(void *priv)
{
	struct obj_op *oo = priv;

	if (oo->oo_obj != NULL)
		obj_put(oo->oo_obj);
	if (oo->oo_tx != NULL)
		dc_tx_put(oo->oo_tx);
	D_FREE(oo->oo_iovs);
	D_FREE(oo->oo_exp);
	D_FREE(oo->oo_csums);
	D_FREE(oo->oo_qb);
	D_FREE(oo);
}

/* write: the call's flags are an update's or punch's (conditions). */
static int
obj_op_start(struct dc_op *parent, daos_handle_t oh, daos_handle_t th, bool write,
	     uint64_t flags, daos_event_t *ev, struct dc_op **opp, struct obj_op **oop)
{
	struct obj_op *oo;
	int            rc = dc_initialized();

	if (rc != 0)
		return rc;
	D_ALLOC_PTR(oo);
	if (oo == NULL)
		return -DER_NOMEM;
	oo->oo_epoch = DAOS_EPOCH_MAX;
	oo->oo_obj   = obj_get(oh);
	if (oo->oo_obj == NULL) {
		D_FREE(oo);
		return -DER_NO_HDL;
	}
	if (daos_handle_is_valid(th)) {
		oo->oo_tx = dc_tx_get(th);
		if (oo->oo_tx == NULL) {
			obj_op_free(oo);
			return -DER_NO_HDL;
		}
		rc = dc_tx_check(oo->oo_tx, oo->oo_obj->do_cont, write);
		/* an update's conditions are checked at commit; a punch's are not supported */
		if (rc == 0 && write && (flags & DAOS_COND_PUNCH))
			rc = -DER_NOTSUPPORTED;
		if (rc != 0) {
			obj_op_free(oo);
			return rc;
		}
		/* the first operation, read or write, fixes the epoch */
		oo->oo_epoch = dc_tx_epoch(oo->oo_tx);
		oo->oo_txid  = dc_tx_read_id(oo->oo_tx);
	}
	if (write && !(oo->oo_obj->do_mode & (DAOS_OO_RW | DAOS_OO_EXCL))) {
		obj_op_free(oo);
		return -DER_NO_PERM;
	}
	if (oo->oo_obj->do_cont->dc_csum != DAOS_PROP_CO_CSUM_OFF)
		oo->oo_csum = dcs_csummer_init(&oo->oo_cs,
					       dcs_type_from_prop(oo->oo_obj->do_cont->dc_csum),
					       oo->oo_obj->do_cont->dc_csum_chunk) == 0;
	rc = parent != NULL ? dc_op_create_child(parent, oo, obj_op_free, opp)
			    : dc_op_create(ev, oo, obj_op_free, opp);
	if (rc != 0) {
		obj_op_free(oo);
		return rc;
	}
	*oop = oo;
	return 0;
}

/* The head of a request: a write's (epoch 0: the target's now) or a read's
 * (at the op's epoch, with its transaction). */
static void
obj_head(struct denc *e, const struct obj_op *oo, bool read, uint64_t flags)
{
	const struct dc_obj *obj = oo->oo_obj;
	struct dop_head      h;

	uuid_copy(h.dh_pool, obj->do_cont->dc_pool->dp_uuid);
	uuid_copy(h.dh_coh, obj->do_cont->dc_coh);
	h.dh_oid   = obj->do_oid;
	h.dh_epoch = read ? oo->oo_epoch : 0;
	h.dh_flags = flags;
	h.dh_tx    = read ? oo->oo_txid : 0;
	dop_head_encode(e, &h);
}

/* A reply's status; a conflict fails the transaction the op is part of. */
static int
obj_reply_rc(const struct obj_op *oo, int rc)
{
	if (oo->oo_tx != NULL)
		dc_tx_fail(oo->oo_tx, rc);
	return rc;
}

/*
 * Inside a transaction, what a read looks at joins its read set: the whole
 * object (dkey NULL), a dkey (nr 0), or akeys of a dkey (from iods, or the
 * one akey).
 */
static void
obj_tx_read(struct dc_op *op, struct obj_op *oo, int worker, const daos_key_t *dkey,
	    unsigned int nr, const daos_iod_t *iods, const daos_key_t *akey)
{
	struct denc  e;
	unsigned int i;
	int          rc;

	if (oo->oo_tx == NULL)
		return;
	denc_init(&e);
	obj_head(&e, oo, true, 0);
	denc_bytes(&e, dkey != NULL ? dkey->iov_buf : NULL, dkey != NULL ? dkey->iov_len : 0);
	denc_u32(&e, nr);
	for (i = 0; i < nr; i++) {
		const daos_key_t *k = iods != NULL ? &iods[i].iod_name : akey;

		denc_bytes(&e, k->iov_buf, k->iov_len);
	}
	rc = dc_tx_add(oo->oo_tx, DOP_TXO_READ, worker, &e);
	if (rc != 0)
		dc_op_fail(op, rc);
}

/* Send a write, or inside a transaction keep it there until commit. */
static int update_reply(struct dc_op *op, struct rpc_call *call, void *arg);

static void
obj_write(struct dc_op *op, struct obj_op *oo, int worker, uint16_t opc, struct denc *e)
{
	int rc;

	if (oo->oo_tx == NULL) {
		dc_op_rpc(op, worker, opc, e, NULL, NULL, update_reply, NULL);
		return;
	}
	rc = dc_tx_add(oo->oo_tx, opc == DOP_UPDATE ? DOP_TXO_UPDATE : DOP_TXO_PUNCH, worker, e);
	if (rc != 0)
		dc_op_fail(op, rc);
}

static bool
key_valid(const daos_key_t *k)
{
	return k != NULL && k->iov_buf != NULL && k->iov_len > 0 && k->iov_len <= DOP_KEY_MAX &&
	       k->iov_len <= k->iov_buf_len;
}

/* Check the iods of an update or fetch. */
static int
iods_check(unsigned int nr, const daos_iod_t *iods, bool update)
{
	unsigned int i;

	if (nr == 0 || nr > DOP_IOD_MAX || iods == NULL)
		return -DER_INVAL;
	for (i = 0; i < nr; i++) {
		const daos_iod_t *iod = &iods[i];

		if (!key_valid(&iod->iod_name))
			return iod->iod_name.iov_len > DOP_KEY_MAX ? -DER_KEY2BIG : -DER_INVAL;
		if (iod->iod_type == DAOS_IOD_SINGLE) {
			if (update && iod->iod_size == 0)
				return -DER_INVAL;
		} else if (iod->iod_type == DAOS_IOD_ARRAY) {
			if (iod->iod_nr > DOP_RECX_MAX || (iod->iod_nr > 0 && iod->iod_recxs == NULL) ||
			    (update && (iod->iod_size == 0 || iod->iod_nr == 0)))
				return -DER_INVAL;
		} else {
			return -DER_INVAL;
		}
	}
	return 0;
}

/* Bytes an iod describes (needs iod_size). */
static uint64_t
iod_len(const daos_iod_t *iod)
{
	uint64_t recs = 0;
	uint32_t i;

	if (iod->iod_type == DAOS_IOD_SINGLE)
		return iod->iod_size;
	for (i = 0; i < iod->iod_nr; i++)
		recs += iod->iod_recxs[i].rx_nr;
	return recs * iod->iod_size;
}

static uint64_t
sgl_len(const d_sg_list_t *sgl)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < sgl->sg_nr; i++)
		n += sgl->sg_iovs[i].iov_len;
	return n;
}

static uint64_t
sgl_cap(const d_sg_list_t *sgl)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < sgl->sg_nr; i++)
		n += sgl->sg_iovs[i].iov_buf_len;
	return n;
}

/* The daos_iod_t -> wire descriptor, pointing at the caller's arrays. */
static void
iod_to_wire(const daos_iod_t *iod, struct dop_iod *w)
{
	w->oi_akey  = iod->iod_name;
	w->oi_type  = iod->iod_type;
	w->oi_size  = iod->iod_size;
	w->oi_flags = (uint32_t)iod->iod_flags;
	w->oi_nr    = iod->iod_type == DAOS_IOD_ARRAY ? iod->iod_nr : 1;
	w->oi_recxs = iod->iod_recxs;
}

/*
 * Concatenate the buffers of sgls[0..nr) into one iov list, each sgl cut to
 * lens[i] bytes (use = true: iov_len; false: capacity). 0, -DER_REC2BIG (an sgl
 * shorter than its share), -DER_NOMEM.
 */
static int
sgls_join(struct obj_op *oo, const uint64_t *lens, bool use)
{
	uint32_t i, k, n = 0, total = 0;

	for (i = 0; i < oo->oo_nr; i++)
		total += oo->oo_sgls[i].sg_nr;
	D_FREE(oo->oo_iovs);
	D_ALLOC_ARRAY(oo->oo_iovs, MAX(total, 1u));
	if (oo->oo_iovs == NULL)
		return -DER_NOMEM;
	for (i = 0; i < oo->oo_nr; i++) {
		uint64_t left = lens[i];

		for (k = 0; k < oo->oo_sgls[i].sg_nr && left > 0; k++) {
			d_iov_t *src = &oo->oo_sgls[i].sg_iovs[k];
			uint64_t len = MIN(left, use ? src->iov_len : src->iov_buf_len);

			if (len == 0)
				continue;
			d_iov_set(&oo->oo_iovs[n], src->iov_buf, len);
			n++;
			left -= len;
		}
		if (left > 0)
			return -DER_REC2BIG;
	}
	oo->oo_bulk.sg_nr     = n;
	oo->oo_bulk.sg_nr_out = n;
	oo->oo_bulk.sg_iovs   = oo->oo_iovs;
	return 0;
}

/* ---- update ---- */

static int
update_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	(void)op;
	(void)arg;
	return call->rc_rc;
}

int
dc_obj_update(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh, daos_handle_t th,
	      uint64_t flags, daos_key_t *dkey, unsigned int nr, daos_iod_t *iods,
	      d_sg_list_t *sgls)
{
	struct dop_iod *wire = NULL;
	struct dop_io   io   = {0};
	struct obj_op  *oo;
	struct dc_op   *op;
	struct denc     e;
	uint64_t       *lens = NULL, total = 0, off;
	uint32_t        i, k, ncsum = 0, clen;
	int             rc;

	if (!key_valid(dkey) || sgls == NULL)
		return dkey != NULL && dkey->iov_len > DOP_KEY_MAX ? -DER_KEY2BIG : -DER_INVAL;
	rc = iods_check(nr, iods, true);
	if (rc != 0)
		return rc;
	for (i = 0; i < nr; i++) {
		if (sgl_len(&sgls[i]) != iod_len(&iods[i]))
			return -DER_INVAL; /* the sgl must hold exactly what the iod says */
		total += iod_len(&iods[i]);
	}
	if (total > RPC_BULK_MAX)
		return -DER_OVERFLOW;
	dc_lock();
	rc = obj_op_start(parent, oh, th, true, flags, ev, &op, &oo);
	if (rc != 0)
		goto out;
	oo->oo_nr   = nr;
	oo->oo_sgls = sgls;
	D_ALLOC_ARRAY(wire, nr);
	D_ALLOC_ARRAY(lens, nr);
	if (wire == NULL || lens == NULL) {
		dc_op_fail(op, -DER_NOMEM);
		goto run;
	}
	clen = oo->oo_csum ? dcs_csum_len(&oo->oo_cs) : 0;
	for (i = 0; i < nr; i++) {
		iod_to_wire(&iods[i], &wire[i]);
		lens[i] = iod_len(&iods[i]);
		ncsum += wire[i].oi_nr;
	}
	if (clen > 0) {
		/* one checksum per value (single value, or array extent) */
		D_ALLOC(oo->oo_csums, (size_t)ncsum * clen);
		if (oo->oo_csums == NULL) {
			dc_op_fail(op, -DER_NOMEM);
			goto run;
		}
		for (i = 0, ncsum = 0; i < nr; i++) {
			wire[i].oi_csums = oo->oo_csums + (size_t)ncsum * clen;
			for (k = 0, off = 0; k < wire[i].oi_nr; k++, ncsum++) {
				uint64_t n = iods[i].iod_type == DAOS_IOD_SINGLE
						 ? iods[i].iod_size
						 : iods[i].iod_recxs[k].rx_nr * iods[i].iod_size;

				dcs_compute_sgl(&oo->oo_cs, &sgls[i], off, n,
						oo->oo_csums + (size_t)ncsum * clen, clen);
				off += n;
			}
		}
	}
	io.io_dkey     = *dkey;
	io.io_nr       = nr;
	io.io_iods     = wire;
	io.io_csum_len = clen;
	rc             = sgls_join(oo, lens, true);
	if (rc != 0) {
		dc_op_fail(op, rc);
		goto run;
	}
	denc_init(&e);
	{
		struct dop_head h;

		uuid_copy(h.dh_pool, oo->oo_obj->do_cont->dc_pool->dp_uuid);
		uuid_copy(h.dh_coh, oo->oo_obj->do_cont->dc_coh);
		h.dh_oid      = oo->oo_obj->do_oid;
		h.dh_epoch    = 0;
		h.dh_flags    = flags;
		h.dh_tx       = 0;
		io.io_head    = h;
	}
	/* inside a transaction the values are copied into it, whatever their size */
	if (total <= DOP_INLINE_MAX || oo->oo_tx != NULL) {
		/* small: the data rides in the body */
		uint8_t *flat = NULL;

		if (total > 0) {
			D_ALLOC_NZ(flat, total);
			if (flat == NULL) {
				dc_op_fail(op, -DER_NOMEM);
				goto run;
			}
			for (i = 0, off = 0; i < oo->oo_bulk.sg_nr; i++) {
				memcpy(flat + off, oo->oo_iovs[i].iov_buf, oo->oo_iovs[i].iov_len);
				off += oo->oo_iovs[i].iov_len;
			}
		}
		io.io_where    = DOP_DATA_INLINE;
		io.io_data     = flat;
		io.io_data_len = total;
		dop_io_encode(&e, &io, true);
		D_FREE(flat);
		obj_write(op, oo, obj_grp_worker(oo->oo_obj, obj_dkey_grp(oo->oo_obj, dkey)),
			  DOP_UPDATE, &e);
	} else {
		io.io_where = DOP_DATA_BULK;
		dop_io_encode(&e, &io, true);
		if (e.de_len > RPC_BULK_BODY_MAX) {
			denc_fini(&e);
			dc_op_fail(op, -DER_OVERFLOW); /* descriptors too large for one request */
			goto run;
		}
		dc_op_rpc(op, obj_grp_worker(oo->oo_obj, obj_dkey_grp(oo->oo_obj, dkey)),
			  DOP_UPDATE, &e, &oo->oo_bulk, NULL, update_reply, NULL);
	}
run:
	D_FREE(wire);
	D_FREE(lens);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- fetch ---- */

static void fetch_send(struct dc_op *op);

/* Copy n bytes into sgl from its start, setting iov_len and sg_nr_out. */
static void
sgl_fill(d_sg_list_t *sgl, const uint8_t *src, uint64_t n)
{
	uint32_t i;

	sgl->sg_nr_out = 0;
	for (i = 0; i < sgl->sg_nr; i++) {
		d_iov_t *iov = &sgl->sg_iovs[i];
		uint64_t len = MIN(n, (uint64_t)iov->iov_buf_len);

		if (src != NULL && len > 0)
			memcpy(iov->iov_buf, src, len);
		iov->iov_len = len;
		if (len > 0)
			sgl->sg_nr_out = i + 1;
		if (src != NULL)
			src += len;
		n -= len;
	}
}

static int
fetch_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct obj_op *oo = op->op_priv;
	const uint8_t *data = NULL;
	uint64_t       total, off;
	uint64_t      *sizes;
	const uint8_t **csums;
	size_t        *clens;
	struct ddec    d;
	uint32_t       n, i, where;
	bool           fits = true;
	int            rc = 0;

	(void)arg;
	if (call->rc_rc != 0)
		return obj_reply_rc(oo, call->rc_rc);
	D_ALLOC_ARRAY(sizes, oo->oo_nr);
	D_ALLOC_ARRAY(csums, oo->oo_nr);
	D_ALLOC_ARRAY(clens, oo->oo_nr);
	if (sizes == NULL || csums == NULL || clens == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	n = ddec_u32(&d);
	if (n != oo->oo_nr) {
		rc = -DER_PROTO;
		goto out;
	}
	for (i = 0; i < n; i++) {
		daos_iom_t *iom  = oo->oo_ioms != NULL ? &oo->oo_ioms[i] : NULL;
		uint32_t    nmap, k;

		sizes[i] = ddec_u64(&d); /* size first, then the map: as the server writes it */
		nmap     = ddec_u32(&d);
		if (ddec_finish(&d) != 0 || nmap > DOP_LIST_MAX) {
			rc = -DER_PROTO;
			goto out;
		}
		if (iom != NULL) {
			iom->iom_type   = oo->oo_iods[i].iod_type;
			iom->iom_size   = sizes[i];
			iom->iom_nr_out = nmap;
		}
		for (k = 0; k < nmap; k++) {
			daos_recx_t r;

			r.rx_idx = ddec_u64(&d);
			r.rx_nr  = ddec_u64(&d);
			if (iom == NULL)
				continue;
			if (k == 0)
				iom->iom_recx_lo = r;
			iom->iom_recx_hi = r;
			if (iom->iom_recxs != NULL && k < iom->iom_nr)
				iom->iom_recxs[k] = r;
		}
		csums[i] = ddec_bytes(&d, &clens[i]);
	}
	where = ddec_u32(&d);
	total = ddec_u64(&d);
	if (where == DOP_DATA_INLINE) {
		size_t len;

		data = ddec_bytes(&d, &len);
		if (len != total)
			rc = -DER_PROTO;
	}
	if (rc == 0 && ddec_finish(&d) != 0)
		rc = -DER_PROTO;
	if (rc != 0)
		goto out;
	/* DAOS reports each value's size in its iod */
	for (i = 0; i < n; i++) {
		oo->oo_iods[i].iod_size = sizes[i];
		if (oo->oo_sgls != NULL && iod_len(&oo->oo_iods[i]) > sgl_cap(&oo->oo_sgls[i]))
			fits = false;
	}
	if (where == DOP_DATA_NONE || (where == DOP_DATA_BULK && oo->oo_exp == NULL)) {
		/* the data did not come: sizes only */
		if (oo->oo_sgls == NULL)
			goto out;
		if (!fits) {
			rc = -DER_REC2BIG;
			goto out;
		}
		if (oo->oo_refetches < DC_FETCH_RETRY_MAX) {
			/* now that the sizes are known, bring the data into place */
			oo->oo_refetches++;
			op->op_stage     = fetch_send;
			goto out;
		}
		rc = -DER_PROTO;
		goto out;
	}
	if (oo->oo_sgls == NULL)
		goto out;
	if (!fits) {
		rc = -DER_REC2BIG;
		goto out;
	}
	for (i = 0, off = 0; i < n; i++) {
		uint64_t len = iod_len(&oo->oo_iods[i]);

		if (where == DOP_DATA_BULK && len != oo->oo_exp[i]) {
			/* sizes changed between the two requests: ask again */
			if (oo->oo_refetches < DC_FETCH_RETRY_MAX) {
				oo->oo_refetches++;
				op->op_stage     = fetch_send;
				goto out;
			}
			rc = -DER_PROTO;
			goto out;
		}
		sgl_fill(&oo->oo_sgls[i], where == DOP_DATA_INLINE ? data + off : NULL, len);
		if (oo->oo_csum && len > 0) {
			if (clens[i] != dcs_csum_len(&oo->oo_cs)) {
				rc = -DER_CSUM;
				goto out;
			}
			rc = dcs_verify_sgl(&oo->oo_cs, &oo->oo_sgls[i], 0, len, csums[i]);
			if (rc != 0) {
				D_ERROR("fetch: akey %u does not match its checksum\n", i);
				goto out;
			}
		}
		off += len;
	}
out:
	D_FREE(sizes);
	D_FREE(csums);
	D_FREE(clens);
	return rc;
}

/* Send (or send again) the fetch, into the caller's buffers when sizes are known. */
static void
fetch_send(struct dc_op *op)
{
	struct obj_op  *oo = op->op_priv;
	struct dop_iod *wire;
	struct dop_io   io  = {0};
	struct denc     e;
	uint64_t        cap = 0;
	bool            known = oo->oo_sgls != NULL;
	uint32_t        i;
	int             rc;

	D_ALLOC_ARRAY(wire, oo->oo_nr);
	if (oo->oo_exp == NULL)
		D_ALLOC_ARRAY(oo->oo_exp, oo->oo_nr);
	if (wire == NULL || oo->oo_exp == NULL) {
		D_FREE(wire);
		dc_op_finish(op, -DER_NOMEM);
		return;
	}
	for (i = 0; i < oo->oo_nr; i++) {
		iod_to_wire(&oo->oo_iods[i], &wire[i]);
		/* size 0: unknown on the first request; once the server said
		 * the sizes, 0 is an absent value (nothing to bring) */
		if (oo->oo_iods[i].iod_size == 0 && oo->oo_refetches == 0)
			known = false;
		oo->oo_exp[i] = iod_len(&oo->oo_iods[i]);
		cap += oo->oo_exp[i];
	}
	if (known) {
		rc = sgls_join(oo, oo->oo_exp, false);
		if (rc == -DER_REC2BIG)
			known = false; /* let the server say the sizes */
		else if (rc != 0) {
			D_FREE(wire);
			dc_op_finish(op, rc);
			return;
		}
	}
	if (!known) {
		D_FREE(oo->oo_exp);
		cap = 0;
	}
	uuid_copy(io.io_head.dh_pool, oo->oo_obj->do_cont->dc_pool->dp_uuid);
	uuid_copy(io.io_head.dh_coh, oo->oo_obj->do_cont->dc_coh);
	io.io_head.dh_oid   = oo->oo_obj->do_oid;
	io.io_head.dh_epoch = oo->oo_epoch;
	io.io_head.dh_flags = oo->oo_flags;
	io.io_head.dh_tx    = oo->oo_txid;
	io.io_dkey          = oo->oo_dkey;
	io.io_nr            = oo->oo_nr;
	io.io_iods          = wire;
	io.io_buf_cap       = cap;
	denc_init(&e);
	dop_io_encode(&e, &io, false);
	D_FREE(wire);
	dc_op_rpc(op, obj_grp_worker(oo->oo_obj, obj_dkey_grp(oo->oo_obj, &oo->oo_dkey)),
		  DOP_FETCH, &e, NULL, known && cap > DOP_INLINE_MAX ? &oo->oo_bulk : NULL,
		  fetch_reply, NULL);
	dc_op_launch(op);
}

int
dc_obj_fetch(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh, daos_handle_t th,
	     uint64_t flags, daos_key_t *dkey, unsigned int nr, daos_iod_t *iods,
	     d_sg_list_t *sgls, daos_iom_t *ioms)
{
	struct obj_op *oo;
	struct dc_op  *op;
	int            rc;

	if (!key_valid(dkey))
		return dkey != NULL && dkey->iov_len > DOP_KEY_MAX ? -DER_KEY2BIG : -DER_INVAL;
	rc = iods_check(nr, iods, false);
	if (rc != 0)
		return rc;
	dc_lock();
	rc = obj_op_start(parent, oh, th, false, 0, ev, &op, &oo);
	if (rc != 0)
		goto out;
	oo->oo_dkey  = *dkey;
	oo->oo_nr    = nr;
	oo->oo_iods  = iods;
	oo->oo_sgls  = sgls;
	oo->oo_ioms  = ioms;
	oo->oo_flags = flags;
	obj_tx_read(op, oo, obj_grp_worker(oo->oo_obj, obj_dkey_grp(oo->oo_obj, dkey)), dkey, nr,
		    iods, NULL);
	fetch_send(op);
	rc = ev == NULL && parent == NULL ? dc_op_wait(op) : 0;
out:
	dc_unlock();
	return rc;
}

/* ---- punch ---- */

int
dc_obj_punch(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh, daos_handle_t th,
	     uint64_t flags, uint32_t kind, daos_key_t *dkey, unsigned int nr, daos_key_t *keys)
{
	struct obj_op *oo;
	struct dc_op  *op;
	struct denc    e;
	unsigned int   i;
	uint32_t       g;
	int            rc;

	if (kind == DOP_PUNCH_AKEYS && !key_valid(dkey))
		return -DER_INVAL;
	if (kind != DOP_PUNCH_OBJ && (nr == 0 || nr > DOP_LIST_MAX || keys == NULL))
		return -DER_INVAL;
	for (i = 0; kind != DOP_PUNCH_OBJ && i < nr; i++)
		if (!key_valid(&keys[i]))
			return -DER_INVAL;
	dc_lock();
	rc = obj_op_start(parent, oh, th, true, flags, ev, &op, &oo);
	if (rc != 0)
		goto out;
	if (kind == DOP_PUNCH_OBJ) {
		/* every group holds part of the object */
		for (g = 0; g < oo->oo_obj->do_grp_nr; g++) {
			denc_init(&e);
			obj_head(&e, oo, false, flags);
			denc_u32(&e, DOP_PUNCH_OBJ);
			denc_u32(&e, 0);
			obj_write(op, oo, obj_grp_worker(oo->oo_obj, g), DOP_PUNCH, &e);
		}
	} else if (kind == DOP_PUNCH_AKEYS) {
		denc_init(&e);
		obj_head(&e, oo, false, flags);
		denc_u32(&e, DOP_PUNCH_AKEYS);
		denc_u32(&e, nr + 1);
		denc_bytes(&e, dkey->iov_buf, dkey->iov_len);
		for (i = 0; i < nr; i++)
			denc_bytes(&e, keys[i].iov_buf, keys[i].iov_len);
		obj_write(op, oo, obj_grp_worker(oo->oo_obj, obj_dkey_grp(oo->oo_obj, dkey)),
			  DOP_PUNCH, &e);
	} else {
		/* each dkey to its own group's target */
		for (i = 0; i < nr; i++) {
			denc_init(&e);
			obj_head(&e, oo, false, flags);
			denc_u32(&e, DOP_PUNCH_DKEYS);
			denc_u32(&e, 1);
			denc_bytes(&e, keys[i].iov_buf, keys[i].iov_len);
			obj_write(op, oo, obj_grp_worker(oo->oo_obj, obj_dkey_grp(oo->oo_obj, &keys[i])),
				  DOP_PUNCH, &e);
		}
	}
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_obj_punch(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_event_t *ev)
{
	return dc_obj_punch(NULL, ev, oh, th, flags, DOP_PUNCH_OBJ, NULL, 0, NULL);
}

int
daos_obj_punch_dkeys(daos_handle_t oh, daos_handle_t th, uint64_t flags, unsigned int nr,
		     daos_key_t *dkeys, daos_event_t *ev)
{
	return dc_obj_punch(NULL, ev, oh, th, flags, DOP_PUNCH_DKEYS, NULL, nr, dkeys);
}

int
daos_obj_punch_akeys(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_key_t *dkey,
		     unsigned int nr, daos_key_t *akeys, daos_event_t *ev)
{
	return dc_obj_punch(NULL, ev, oh, th, flags, DOP_PUNCH_AKEYS, dkey, nr, akeys);
}

/* ---- enumeration ---- */

/*
 * daos_anchor_t <-> the target's anchor: da_type is the same number, da_buf
 * holds the VOS anchor's bytes, da_shard the group being listed (dkeys walk
 * the groups one after the other), da_flags the VOS anchor's flags and the
 * low 16 bits of da_sub_anchors its length; DC_ANCHOR_ONE_GRP above them
 * (daos_obj_anchor_set) keeps a dkey listing to its group.
 */
#define DC_ANCHOR_LEN_MASK 0xffffull
#define DC_ANCHOR_ONE_GRP  (1ull << 32)

static void
anchor_to_wire(const daos_anchor_t *a, uint8_t wire[DOP_ANCHOR_LEN])
{
	uint16_t type = a->da_type, len = (uint16_t)a->da_sub_anchors;
	uint32_t flags = a->da_flags;

	memset(wire, 0, DOP_ANCHOR_LEN);
	memcpy(wire, &type, 2);
	memcpy(wire + 2, &len, 2);
	memcpy(wire + 4, &flags, 4);
	memcpy(wire + 8, a->da_buf, MIN((size_t)DAOS_ANCHOR_BUF_MAX, (size_t)DOP_ANCHOR_LEN - 8));
}

static void
anchor_from_wire(daos_anchor_t *a, const uint8_t *wire)
{
	uint16_t type, len;
	uint32_t flags;

	memcpy(&type, wire, 2);
	memcpy(&len, wire + 2, 2);
	memcpy(&flags, wire + 4, 4);
	a->da_type        = type;
	a->da_sub_anchors = (a->da_sub_anchors & ~DC_ANCHOR_LEN_MASK) | len;
	a->da_flags       = flags;
	memcpy(a->da_buf, wire + 8, MIN((size_t)DAOS_ANCHOR_BUF_MAX, (size_t)DOP_ANCHOR_LEN - 8));
}

/* Copy key bytes into the caller's sgl, as far as it goes. */
static int
keys_to_sgl(d_sg_list_t *sgl, const uint8_t *keys, size_t len)
{
	uint32_t i;

	if (len > sgl_cap(sgl))
		return -DER_TRUNC;
	sgl->sg_nr_out = 0;
	for (i = 0; i < sgl->sg_nr && len > 0; i++) {
		size_t n = MIN(len, sgl->sg_iovs[i].iov_buf_len);

		memcpy(sgl->sg_iovs[i].iov_buf, keys, n);
		sgl->sg_iovs[i].iov_len = n;
		sgl->sg_nr_out          = i + 1;
		keys += n;
		len -= n;
	}
	return 0;
}

static int
list_keys_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct obj_op   *oo     = op->op_priv;
	uint32_t        *nr     = oo->oo_out[0];
	daos_key_desc_t *kds    = oo->oo_out[1];
	d_sg_list_t     *sgl    = oo->oo_out[2];
	daos_anchor_t   *anchor = oo->oo_out[3];
	const uint8_t   *wa, *keys;
	struct ddec      d;
	size_t           alen, klen;
	uint32_t         n, i;
	bool             dkeys = (uintptr_t)arg != 0;

	if (call->rc_rc == -DER_KEY2BIG && call->rc_reply_len >= 4) {
		ddec_init(&d, call->rc_reply, call->rc_reply_len);
		kds[0].kd_key_len = ddec_u32(&d);
		return -DER_KEY2BIG;
	}
	if (call->rc_rc != 0)
		return obj_reply_rc(oo, call->rc_rc);
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	wa = ddec_bytes(&d, &alen);
	n  = ddec_count(&d, *nr, 8);
	if (ddec_finish(&d) != 0 || alen != DOP_ANCHOR_LEN)
		return -DER_PROTO;
	for (i = 0; i < n; i++) {
		kds[i].kd_key_len  = ddec_u32(&d);
		kds[i].kd_val_type = ddec_u32(&d);
	}
	keys = ddec_bytes(&d, &klen);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	if (n > 0 && keys_to_sgl(sgl, keys, klen) != 0)
		return -DER_PROTO;
	*nr = n;
	anchor_from_wire(anchor, wa);
	/* the end of one group's keys is not the end of the object's */
	if (dkeys && daos_anchor_is_eof(anchor) && !(anchor->da_sub_anchors & DC_ANCHOR_ONE_GRP) &&
	    (uint32_t)anchor->da_shard + 1 < oo->oo_obj->do_grp_nr) {
		anchor->da_shard++;
		anchor->da_type        = DAOS_ANCHOR_TYPE_ZERO;
		anchor->da_sub_anchors = 0;
		anchor->da_flags       = 0;
		memset(anchor->da_buf, 0, sizeof(anchor->da_buf));
	}
	return 0;
}

static int
list_keys(daos_handle_t oh, daos_handle_t th, daos_key_t *dkey, uint32_t *nr,
	  daos_key_desc_t *kds, d_sg_list_t *sgl, daos_anchor_t *anchor, daos_event_t *ev)
{
	struct obj_op *oo;
	struct dc_op  *op;
	struct denc    e;
	uint8_t        wa[DOP_ANCHOR_LEN];
	uint64_t       cap;
	uint32_t       grp;
	int            rc;

	if (nr == NULL || *nr == 0 || kds == NULL || sgl == NULL || anchor == NULL ||
	    (dkey != NULL && !key_valid(dkey)))
		return -DER_INVAL;
	cap = sgl_cap(sgl);
	if (cap == 0)
		return -DER_INVAL;
	dc_lock();
	rc = obj_op_start(NULL, oh, th, false, 0, ev, &op, &oo);
	if (rc != 0)
		goto out;
	oo->oo_out[0] = nr;
	oo->oo_out[1] = kds;
	oo->oo_out[2] = sgl;
	oo->oo_out[3] = anchor;
	if (daos_anchor_is_eof(anchor)) {
		*nr = 0;
		goto run;
	}
	grp = dkey != NULL ? obj_dkey_grp(oo->oo_obj, dkey) : anchor->da_shard;
	if (grp >= oo->oo_obj->do_grp_nr) {
		dc_op_fail(op, -DER_INVAL);
		goto run;
	}
	obj_tx_read(op, oo, obj_grp_worker(oo->oo_obj, grp), dkey, 0, NULL, NULL);
	anchor_to_wire(anchor, wa);
	denc_init(&e);
	obj_head(&e, oo, true, 0);
	if (dkey != NULL)
		denc_bytes(&e, dkey->iov_buf, dkey->iov_len);
	denc_bytes(&e, wa, sizeof(wa));
	denc_u32(&e, MIN(*nr, (uint32_t)DOP_LIST_MAX));
	denc_u32(&e, (uint32_t)MIN(cap, (uint64_t)RPC_BODY_MAX));
	dc_op_rpc(op, obj_grp_worker(oo->oo_obj, grp), dkey != NULL ? DOP_LIST_AKEY : DOP_LIST_DKEY,
		  &e, NULL, NULL, list_keys_reply, (void *)(uintptr_t)(dkey == NULL));
run:
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_obj_list_dkey(daos_handle_t oh, daos_handle_t th, uint32_t *nr, daos_key_desc_t *kds,
		   d_sg_list_t *sgl, daos_anchor_t *anchor, daos_event_t *ev)
{
	return list_keys(oh, th, NULL, nr, kds, sgl, anchor, ev);
}

int
daos_obj_list_akey(daos_handle_t oh, daos_handle_t th, daos_key_t *dkey, uint32_t *nr,
		   daos_key_desc_t *kds, d_sg_list_t *sgl, daos_anchor_t *anchor,
		   daos_event_t *ev)
{
	if (dkey == NULL)
		return -DER_INVAL;
	return list_keys(oh, th, dkey, nr, kds, sgl, anchor, ev);
}

static int
list_recx_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct obj_op      *oo     = op->op_priv;
	daos_size_t        *size   = oo->oo_out[0];
	uint32_t           *nr     = oo->oo_out[1];
	daos_recx_t        *recxs  = oo->oo_out[2];
	daos_epoch_range_t *eprs   = oo->oo_out[3];
	daos_anchor_t      *anchor = oo->oo_out[4];
	const uint8_t      *wa;
	struct ddec         d;
	size_t              alen;
	uint32_t            n, i;

	(void)arg;
	if (call->rc_rc != 0)
		return obj_reply_rc(oo, call->rc_rc);
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	wa = ddec_bytes(&d, &alen);
	n  = ddec_count(&d, *nr, 32);
	if (ddec_finish(&d) != 0 || alen != DOP_ANCHOR_LEN)
		return -DER_PROTO;
	for (i = 0; i < n; i++) {
		uint64_t epoch, rsize;

		recxs[i].rx_idx = ddec_u64(&d);
		recxs[i].rx_nr  = ddec_u64(&d);
		epoch           = ddec_u64(&d);
		rsize           = ddec_u64(&d);
		if (eprs != NULL) {
			eprs[i].epr_lo = epoch;
			eprs[i].epr_hi = DAOS_EPOCH_MAX;
		}
		if (size != NULL)
			*size = rsize;
	}
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	*nr = n;
	anchor_from_wire(anchor, wa);
	return 0;
}

int
daos_obj_list_recx(daos_handle_t oh, daos_handle_t th, daos_key_t *dkey, daos_key_t *akey,
		   daos_size_t *size, uint32_t *nr, daos_recx_t *recxs, daos_epoch_range_t *eprs,
		   daos_anchor_t *anchor, bool incr_order, daos_event_t *ev)
{
	struct obj_op *oo;
	struct dc_op  *op;
	struct denc    e;
	uint8_t        wa[DOP_ANCHOR_LEN];
	int            rc;

	if (!key_valid(dkey) || !key_valid(akey) || nr == NULL || *nr == 0 || recxs == NULL ||
	    anchor == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = obj_op_start(NULL, oh, th, false, 0, ev, &op, &oo);
	if (rc != 0)
		goto out;
	oo->oo_out[0] = size;
	oo->oo_out[1] = nr;
	oo->oo_out[2] = recxs;
	oo->oo_out[3] = eprs;
	oo->oo_out[4] = anchor;
	if (daos_anchor_is_eof(anchor)) {
		*nr = 0;
		goto run;
	}
	obj_tx_read(op, oo, obj_grp_worker(oo->oo_obj, obj_dkey_grp(oo->oo_obj, dkey)), dkey, 1,
		    NULL, akey);
	anchor_to_wire(anchor, wa);
	denc_init(&e);
	obj_head(&e, oo, true, 0);
	denc_bytes(&e, dkey->iov_buf, dkey->iov_len);
	denc_bytes(&e, akey->iov_buf, akey->iov_len);
	denc_bytes(&e, wa, sizeof(wa));
	denc_u32(&e, MIN(*nr, (uint32_t)DOP_LIST_MAX));
	denc_u32(&e, incr_order ? DOP_ORDER_INCR : DOP_ORDER_DECR);
	dc_op_rpc(op, obj_grp_worker(oo->oo_obj, obj_dkey_grp(oo->oo_obj, dkey)), DOP_LIST_RECX,
		  &e, NULL, NULL, list_recx_reply, NULL);
run:
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- key query ---- */

/* With DAOS_GET_DKEY every group is asked and the best answer wins. */
struct query_best {
	bool        qb_found;
	uint64_t    qb_dkey;   /* uint64 dkeys compare numerically */
	daos_recx_t qb_recx;
	uint8_t     qb_akey[DOP_KEY_MAX];
	size_t      qb_akey_len;
	uint8_t     qb_dkey_raw[DOP_KEY_MAX];
	size_t      qb_dkey_len;
};

static int
query_key_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct obj_op     *oo = op->op_priv;
	struct query_best *qb = oo->oo_qb;
	const uint8_t     *dk, *ak;
	size_t             dlen, alen;
	daos_recx_t        recx;
	struct ddec        d;
	uint64_t           dval = 0;
	bool               better;

	(void)arg;
	if (call->rc_rc == -DER_NONEXIST)
		return 0; /* that group has nothing: another may */
	if (call->rc_rc != 0)
		return obj_reply_rc(oo, call->rc_rc);
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	dk          = ddec_bytes(&d, &dlen);
	ak          = ddec_bytes(&d, &alen);
	recx.rx_idx = ddec_u64(&d);
	recx.rx_nr  = ddec_u64(&d);
	if (ddec_finish(&d) != 0 || dlen > DOP_KEY_MAX || alen > DOP_KEY_MAX)
		return -DER_PROTO;
	if (dlen == sizeof(uint64_t))
		memcpy(&dval, dk, sizeof(dval));
	better = !qb->qb_found ||
		 ((oo->oo_flags & DAOS_GET_MAX) ? dval > qb->qb_dkey : dval < qb->qb_dkey);
	if (!better)
		return 0;
	qb->qb_found    = true;
	qb->qb_dkey     = dval;
	qb->qb_recx     = recx;
	qb->qb_dkey_len = dlen;
	qb->qb_akey_len = alen;
	memcpy(qb->qb_dkey_raw, dk, dlen);
	memcpy(qb->qb_akey, ak, alen);
	return 0;
}

static void
query_key_done(struct dc_op *op)
{
	struct obj_op     *oo   = op->op_priv;
	daos_key_t        *dkey = oo->oo_out[0];
	daos_key_t        *akey = oo->oo_out[1];
	daos_recx_t       *recx = oo->oo_out[2];
	struct query_best *qb   = oo->oo_qb;
	int                rc   = 0;

	if (!qb->qb_found) {
		rc = -DER_NONEXIST;
	} else {
		if ((oo->oo_flags & DAOS_GET_DKEY) && dkey != NULL) {
			if (dkey->iov_buf_len < qb->qb_dkey_len)
				rc = -DER_KEY2BIG;
			else {
				memcpy(dkey->iov_buf, qb->qb_dkey_raw, qb->qb_dkey_len);
				dkey->iov_len = qb->qb_dkey_len;
			}
		}
		if (rc == 0 && (oo->oo_flags & DAOS_GET_AKEY) && akey != NULL) {
			if (akey->iov_buf_len < qb->qb_akey_len)
				rc = -DER_KEY2BIG;
			else {
				memcpy(akey->iov_buf, qb->qb_akey, qb->qb_akey_len);
				akey->iov_len = qb->qb_akey_len;
			}
		}
		if (rc == 0 && (oo->oo_flags & DAOS_GET_RECX) && recx != NULL)
			*recx = qb->qb_recx;
	}
	dc_op_finish(op, rc);
}

int
dc_obj_query_key(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh, daos_handle_t th,
		 uint64_t flags, daos_key_t *dkey, daos_key_t *akey, daos_recx_t *recx)
{
	struct query_best *qb;
	struct obj_op     *oo;
	struct dc_op      *op;
	struct denc        e;
	uint32_t           g, first, last;
	int                rc;

	if (!(flags & (DAOS_GET_MAX | DAOS_GET_MIN)) ||
	    ((flags & DAOS_GET_MAX) && (flags & DAOS_GET_MIN)) ||
	    !(flags & (DAOS_GET_DKEY | DAOS_GET_AKEY | DAOS_GET_RECX)))
		return -DER_INVAL;
	if ((flags & DAOS_GET_DKEY) ? dkey == NULL : !key_valid(dkey))
		return -DER_INVAL;
	if ((flags & DAOS_GET_AKEY) ? akey == NULL : ((flags & DAOS_GET_RECX) && !key_valid(akey)))
		return -DER_INVAL;
	if ((flags & DAOS_GET_RECX) && recx == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = obj_op_start(parent, oh, th, false, 0, ev, &op, &oo);
	if (rc != 0)
		goto out;
	D_ALLOC_PTR(qb);
	if (qb == NULL) {
		dc_op_fail(op, -DER_NOMEM);
		rc = dc_op_run(op, ev);
		goto out;
	}
	oo->oo_out[0] = dkey;
	oo->oo_out[1] = akey;
	oo->oo_out[2] = recx;
	oo->oo_qb     = qb;
	oo->oo_flags  = flags;
	if (flags & DAOS_GET_DKEY) {
		first = 0;
		last  = oo->oo_obj->do_grp_nr - 1;
	} else {
		first = last = obj_dkey_grp(oo->oo_obj, dkey);
	}
	for (g = first; g <= last; g++) {
		if (flags & DAOS_GET_DKEY)
			obj_tx_read(op, oo, obj_grp_worker(oo->oo_obj, g), NULL, 0, NULL, NULL);
		else
			obj_tx_read(op, oo, obj_grp_worker(oo->oo_obj, g), dkey,
				    (flags & DAOS_GET_AKEY) || akey == NULL ? 0 : 1, NULL, akey);
		denc_init(&e);
		obj_head(&e, oo, true, flags);
		if (flags & DAOS_GET_DKEY)
			denc_bytes(&e, NULL, 0);
		else
			denc_bytes(&e, dkey->iov_buf, dkey->iov_len);
		if ((flags & DAOS_GET_AKEY) || akey == NULL)
			denc_bytes(&e, NULL, 0);
		else
			denc_bytes(&e, akey->iov_buf, akey->iov_len);
		dc_op_rpc(op, obj_grp_worker(oo->oo_obj, g), DOP_QUERY_KEY, &e, NULL, NULL,
			  query_key_reply, NULL);
	}
	op->op_stage = query_key_done;
	rc           = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- newest epoch: every group answers, the highest wins ---- */

static int
query_epoch_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct obj_op *oo    = op->op_priv;
	daos_epoch_t  *epoch = oo->oo_out[0];
	struct ddec    d;
	uint64_t       e;

	(void)arg;
	if (call->rc_rc != 0)
		return obj_reply_rc(oo, call->rc_rc);
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	e = ddec_u64(&d);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	*epoch = MAX(*epoch, e);
	return 0;
}

int
dc_obj_query_max_epoch(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh,
		       daos_handle_t th, daos_epoch_t *epoch)
{
	struct obj_op *oo;
	struct dc_op  *op;
	struct denc    e;
	uint32_t       g;
	int            rc;

	if (epoch == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = obj_op_start(parent, oh, th, false, 0, ev, &op, &oo);
	if (rc != 0)
		goto out;
	*epoch        = 0;
	oo->oo_out[0] = epoch;
	for (g = 0; g < oo->oo_obj->do_grp_nr; g++) {
		obj_tx_read(op, oo, obj_grp_worker(oo->oo_obj, g), NULL, 0, NULL, NULL);
		denc_init(&e);
		obj_head(&e, oo, true, 0);
		dc_op_rpc(op, obj_grp_worker(oo->oo_obj, g), DOP_QUERY_EPOCH, &e, NULL, NULL,
			  query_epoch_reply, NULL);
	}
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_obj_query_max_epoch(daos_handle_t oh, daos_handle_t th, daos_epoch_t *epoch,
			 daos_event_t *ev)
{
	return dc_obj_query_max_epoch(NULL, ev, oh, th, epoch);
}

int
daos_obj_update(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_key_t *dkey,
		unsigned int nr, daos_iod_t *iods, d_sg_list_t *sgls, daos_event_t *ev)
{
	return dc_obj_update(NULL, ev, oh, th, flags, dkey, nr, iods, sgls);
}

int
daos_obj_fetch(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_key_t *dkey,
	       unsigned int nr, daos_iod_t *iods, d_sg_list_t *sgls, daos_iom_t *ioms,
	       daos_event_t *ev)
{
	return dc_obj_fetch(NULL, ev, oh, th, flags, dkey, nr, iods, sgls, ioms);
}

int
daos_obj_query_key(daos_handle_t oh, daos_handle_t th, uint64_t flags, daos_key_t *dkey,
		   daos_key_t *akey, daos_recx_t *recx, daos_event_t *ev)
{
	return dc_obj_query_key(NULL, ev, oh, th, flags, dkey, akey, recx);
}

/* ---- object classes by name ---- */

/* ---- a target's objects (object ID tables, dc_oit.c) ---- */

struct list_objs {
	daos_anchor_t *lo_anchor;
	daos_obj_id_t *lo_oids;
	uint32_t      *lo_nr;
};

static int
list_objs_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct list_objs *lo = arg;
	struct ddec       d;
	const uint8_t    *wa;
	size_t            alen;
	uint32_t          n, i;

	(void)op;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	wa = ddec_bytes(&d, &alen);
	n  = ddec_count(&d, *lo->lo_nr, 16);
	if (ddec_finish(&d) != 0 || alen != DOP_ANCHOR_LEN)
		return -DER_PROTO;
	for (i = 0; i < n; i++) {
		lo->lo_oids[i].lo = ddec_u64(&d);
		lo->lo_oids[i].hi = ddec_u64(&d);
	}
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	anchor_from_wire(lo->lo_anchor, wa);
	*lo->lo_nr = n;
	return 0;
}

int
dc_cont_list_objs(daos_handle_t coh, uint32_t tgt, daos_epoch_t epoch, daos_anchor_t *anchor,
		  daos_obj_id_t *oids, uint32_t *nr)
{
	struct list_objs lo = {.lo_anchor = anchor, .lo_oids = oids, .lo_nr = nr};
	struct dop_head  h  = {0};
	struct dc_cont  *cont;
	struct dc_op    *op;
	struct denc      e;
	uint8_t          wa[DOP_ANCHOR_LEN];
	int              rc;

	if (anchor == NULL || oids == NULL || nr == NULL || *nr == 0 || epoch == 0)
		return -DER_INVAL;
	dc_lock();
	cont = dc_cont_get(coh);
	if (cont == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	if (tgt >= cont->dc_pool->dp_nr_targets) {
		dc_cont_put(cont);
		dc_unlock();
		return -DER_INVAL;
	}
	uuid_copy(h.dh_pool, cont->dc_pool->dp_uuid);
	uuid_copy(h.dh_coh, cont->dc_coh);
	h.dh_epoch = epoch;
	dc_cont_put(cont);
	rc = dc_op_create(NULL, NULL, NULL, &op);
	if (rc == 0) {
		anchor_to_wire(anchor, wa);
		denc_init(&e);
		dop_head_encode(&e, &h);
		denc_bytes(&e, wa, sizeof(wa));
		denc_u32(&e, MIN(*nr, (uint32_t)DOP_LIST_MAX));
		dc_op_rpc(op, (int)tgt + 1, DOP_LIST_OBJ, &e, NULL, NULL, list_objs_reply, &lo);
		rc = dc_op_run(op, NULL);
	}
	dc_unlock();
	return rc;
}

/* ---- listing from a key ---- */

static int
key2anchor_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct obj_op *oo     = op->op_priv;
	daos_anchor_t *anchor = oo->oo_out[0];
	struct ddec    d;
	const uint8_t *wa;
	size_t         len;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	wa = ddec_bytes(&d, &len);
	if (ddec_finish(&d) != 0 || len != DOP_ANCHOR_LEN)
		return -DER_PROTO;
	memset(anchor, 0, sizeof(*anchor));
	anchor_from_wire(anchor, wa);
	/* a dkey listing goes on through the groups after the dkey's own */
	anchor->da_shard = (uint16_t)(uintptr_t)oo->oo_out[1];
	return 0;
}

int
daos_obj_key2anchor(daos_handle_t oh, daos_handle_t th, daos_key_t *dkey, daos_key_t *akey,
		    daos_anchor_t *anchor, daos_event_t *ev)
{
	struct obj_op *oo;
	struct dc_op  *op;
	struct denc    e;
	uint32_t       grp;
	int            rc;

	if (dkey == NULL || !key_valid(dkey) || anchor == NULL || (akey != NULL && !key_valid(akey)))
		return -DER_INVAL;
	dc_lock();
	rc = obj_op_start(NULL, oh, th, false, 0, ev, &op, &oo);
	if (rc != 0)
		goto out;
	grp           = obj_dkey_grp(oo->oo_obj, dkey);
	oo->oo_out[0] = anchor;
	oo->oo_out[1] = (void *)(uintptr_t)grp;
	denc_init(&e);
	obj_head(&e, oo, true, 0);
	denc_bytes(&e, dkey->iov_buf, dkey->iov_len);
	denc_bytes(&e, akey != NULL ? akey->iov_buf : NULL, akey != NULL ? akey->iov_len : 0);
	dc_op_rpc(op, obj_grp_worker(oo->oo_obj, grp), DOP_KEY2ANCHOR, &e, NULL, NULL,
		  key2anchor_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- parallel dkey listing: one anchor per group ---- */

/* The object's number of groups, or an error. */
static int
obj_grp_nr(daos_handle_t oh, uint32_t *nr)
{
	struct dc_obj *obj;

	dc_lock();
	obj = obj_get(oh);
	if (obj == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	*nr = obj->do_grp_nr;
	obj_put(obj);
	dc_unlock();
	return 0;
}

int
daos_obj_anchor_set(daos_handle_t oh, uint32_t index, daos_anchor_t *anchor)
{
	uint32_t grp_nr;
	int      rc;

	if (anchor == NULL)
		return -DER_INVAL;
	rc = obj_grp_nr(oh, &grp_nr);
	if (rc != 0)
		return rc;
	if (index >= grp_nr)
		return -DER_INVAL;
	memset(anchor, 0, sizeof(*anchor));
	anchor->da_type        = DAOS_ANCHOR_TYPE_ZERO;
	anchor->da_shard       = (uint16_t)index;
	anchor->da_sub_anchors = DC_ANCHOR_ONE_GRP;
	return 0;
}

int
daos_obj_anchor_split(daos_handle_t oh, uint32_t *nr, daos_anchor_t *anchors)
{
	uint32_t grp_nr, i;
	int      rc;

	if (nr == NULL)
		return -DER_INVAL;
	rc = obj_grp_nr(oh, &grp_nr);
	if (rc != 0)
		return rc;
	/* one per group, as DAOS: any other count is refused */
	if (*nr != 0 && *nr != grp_nr)
		return -DER_INVAL;
	*nr = grp_nr;
	for (i = 0; anchors != NULL && rc == 0 && i < *nr; i++)
		rc = daos_obj_anchor_set(oh, i, &anchors[i]);
	return rc;
}

/*
 * Do the object's replicas agree at epoch? Every class here keeps one copy,
 * so there is nothing to compare: what is left to check is that the object
 * can be opened in the container (-DER_NO_HDL, -DER_INVAL for a bad oid).
 */
int
daos_obj_verify(daos_handle_t coh, daos_obj_id_t oid, daos_epoch_t epoch)
{
	daos_handle_t oh;
	int           rc;

	(void)epoch;
	rc = daos_obj_open(coh, oid, DAOS_OO_RO, &oh, NULL);
	if (rc == 0)
		rc = daos_obj_close(oh, NULL);
	return rc;
}

/* Not supported by DAOS 2.x either (-DER_NOSYS): an object's attributes and
 * ranks, and a container's own classes. */
int
daos_obj_query(daos_handle_t oh, struct daos_obj_attr *oa, d_rank_list_t *ranks,
	       daos_event_t *ev)
{
	(void)oh, (void)oa, (void)ranks, (void)ev;
	return -DER_NOSYS;
}

int
daos_obj_register_class(daos_handle_t coh, daos_oclass_id_t cid, struct daos_oclass_attr *attr,
			daos_event_t *ev)
{
	(void)coh, (void)cid, (void)attr, (void)ev;
	return -DER_NOSYS;
}

int
daos_obj_query_class(daos_handle_t coh, daos_oclass_id_t cid, struct daos_oclass_attr *attr,
		     daos_event_t *ev)
{
	(void)coh, (void)cid, (void)attr, (void)ev;
	return -DER_NOSYS;
}

int
daos_obj_list_class(daos_handle_t coh, struct daos_oclass_list *list, daos_anchor_t *anchor,
		    daos_event_t *ev)
{
	(void)coh, (void)list, (void)anchor, (void)ev;
	return -DER_NOSYS;
}

int
daos_oclass_nr(int opts)
{
	(void)opts;
	return dcl_class_nr();
}

ssize_t
daos_oclass_names_list(size_t size, char *str)
{
	if (str == NULL && size > 0)
		return -DER_INVAL;
	return dcl_names_list(size, str);
}

int
daos_oclass_name2id(const char *name)
{
	return name == NULL ? OC_UNKNOWN : (int)dcl_name2id(name);
}

int
daos_oclass_id2name(daos_oclass_id_t oc_id, char *name)
{
	if (name == NULL)
		return -DER_INVAL;
	return dcl_id2name(oc_id, name);
}
