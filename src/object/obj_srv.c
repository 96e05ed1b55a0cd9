/*
 * The object service: the I/O requests of clients, served by the target
 * that holds the shard, on that target's thread, against its VOS.
 *
 * Every request names a container handle, which the target knows locally
 * (the container service told every target at open): no other thread is
 * asked anything on the data path. Values arrive in the body (small) or as
 * the request's bulk payload, received straight into the buffer VOS reads
 * from; fetched values go back the same way. With checksums on, an update's
 * values are verified against the client's checksums before anything is
 * written (-DER_CSUM), and a fetch returns the checksum of what it sends, of
 * the container's type, for the client to verify.
 */
#include <daos_prop.h>
#include <daos_cont.h>
#include "rpc/rpc.h"
#include "vos/vos.h"
#include "common/csum.h"
#include "common/obj_proto.h"
#include "container/ds_cont.h"
#include "engine/engine.h"
#include "obj_internal.h"

#define OBJ_MAP_CAP 64 /* extent map entries returned per array descriptor */

struct obj_req {
	struct rpc_req               *or_req;
	struct ddec                   or_dec;
	struct dop_head               or_head;
	const struct ds_cont_tgt_hdl *or_hdl;
	struct vos                   *or_vos;
	struct bio_target            *or_bt; /* the shard's storage: its buffer cache */
	bool                          or_began;
};

/* Begin, decode the head, find the handle and the shard. */
static int
obj_req_begin(struct rpc_req *req, struct obj_req *orq, bool write)
{
	struct vos_store *vs;
	const void       *body;
	uint32_t          len;
	int               rc;

	memset(orq, 0, sizeof(*orq));
	orq->or_req = req;
	rc          = dss_req_begin();
	if (rc != 0)
		return rc;
	orq->or_began = true;
	body          = rpc_req_body(req, &len);
	ddec_init(&orq->or_dec, body, len);
	dop_head_decode(&orq->or_dec, &orq->or_head);
	if (ddec_finish(&orq->or_dec) != 0)
		return -DER_PROTO;
	orq->or_hdl = ds_cont_tgt_hdl_find(orq->or_head.dh_coh);
	if (orq->or_hdl == NULL || uuid_compare(orq->or_hdl->th_pool, orq->or_head.dh_pool) != 0)
		return -DER_NO_HDL;
	if (write && (orq->or_hdl->th_flags & (DAOS_COO_RW | DAOS_COO_EX)) == 0)
		return -DER_NO_PERM;
	vs = dss_shard_store(orq->or_head.dh_pool);
	if (vs == NULL)
		return -DER_NONEXIST;
	orq->or_vos = vos_store_vos(vs);
	orq->or_bt  = vos_store_bio(vs);
	return 0;
}

static void
obj_req_end(struct obj_req *orq, int rc, struct denc *e)
{
	dss_reply(orq->or_req, rc, e);
	if (orq->or_began)
		dss_req_end();
}

/*
 * Every read goes through here before VOS: it waits for a commit writing
 * what it reads, is remembered (read timestamps), and inside a transaction
 * fails early with -DER_TX_RESTART when what it reads changed after the
 * transaction's epoch (the commit would refuse it anyway), or when its
 * epoch is so old that aggregation may have merged what it would see.
 */
static int
obj_read_begin(struct obj_req *orq, const d_iov_t *dkey, unsigned int nr, const d_iov_t *akeys)
{
	const struct dop_head *h = &orq->or_head;
	int                    rc;

	if (h->dh_epoch == 0)
		return -DER_INVAL;
	rc = ds_cont_agg_read_check(orq->or_hdl->th_pool, orq->or_hdl->th_cont, h->dh_epoch);
	if (rc != 0)
		return rc;
	obj_tx_read(dss_tgt_self(), orq->or_hdl->th_cont, h->dh_oid, dkey, h->dh_epoch, h->dh_tx);
	if (h->dh_tx == 0)
		return 0;
	return obj_tx_read_check(orq->or_vos, orq->or_hdl->th_cont, h->dh_oid, dkey, nr, akeys,
				 h->dh_epoch);
}

static int
obj_csummer(const struct ds_cont_tgt_hdl *h, struct dcs_csummer *cs)
{
	int type = dcs_type_from_prop(h->th_csum);

	if (type == DCS_TYPE_UNKNOWN)
		return -DER_NONEXIST;
	return dcs_csummer_init(cs, type, 0);
}

/* ---- update ---- */

/* Turn the decoded descriptors and their data into VOS's. */
static int
obj_vos_iods(struct dop_io *io, const uint8_t *data, struct vos_iod *viods,
	     struct vos_value **valsp)
{
	struct vos_value *vals;
	uint64_t          off = 0;
	uint32_t          i, k, nvals = 0, v = 0;

	for (i = 0; i < io->io_nr; i++)
		nvals += io->io_iods[i].oi_nr;
	D_ALLOC_ARRAY(vals, nvals);
	if (vals == NULL)
		return -DER_NOMEM;
	for (i = 0; i < io->io_nr; i++) {
		struct dop_iod *iod = &io->io_iods[i];

		viods[i].vi_name  = iod->oi_akey;
		viods[i].vi_type  = iod->oi_type;
		viods[i].vi_size  = iod->oi_size;
		viods[i].vi_nr    = iod->oi_nr;
		viods[i].vi_flags = iod->oi_flags;
		viods[i].vi_vals  = &vals[v];
		for (k = 0; k < iod->oi_nr; k++, v++) {
			uint64_t n = iod->oi_type == DAOS_IOD_SINGLE
					 ? iod->oi_size
					 : iod->oi_recxs[k].rx_nr * iod->oi_size;

			if (iod->oi_type == DAOS_IOD_ARRAY)
				vals[v].vv_recx = iod->oi_recxs[k];
			vals[v].vv_buf  = data + off;
			vals[v].vv_csum = vos_csum(data + off, n);
			off += n;
		}
	}
	*valsp = vals;
	return 0;
}

/* Server verify: each value against the checksum the client computed. */
static int
obj_verify(const struct dop_io *io, const struct dcs_csummer *cs, const uint8_t *data)
{
	uint64_t off = 0;
	uint32_t i, k;
	int      rc;

	for (i = 0; i < io->io_nr; i++) {
		const struct dop_iod *iod = &io->io_iods[i];

		for (k = 0; k < iod->oi_nr; k++) {
			uint64_t n = iod->oi_type == DAOS_IOD_SINGLE
					 ? iod->oi_size
					 : iod->oi_recxs[k].rx_nr * iod->oi_size;

			rc = dcs_verify(cs, data + off, n, iod->oi_csums + (size_t)k * io->io_csum_len);
			if (rc != 0) {
				D_ERROR("update: value %u of akey %u does not match its checksum\n", k,
					i);
				return rc;
			}
			off += n;
		}
	}
	return 0;
}

int
obj_update_exec(struct vos *vos, const uuid_t cont, struct dop_io *io, const uint8_t *data,
		daos_epoch_t epoch, bool check_only)
{
	struct vos_iod   *viods;
	struct vos_value *vals = NULL;
	int               rc;

	D_ALLOC_ARRAY(viods, io->io_nr);
	if (viods == NULL)
		return -DER_NOMEM;
	rc = obj_vos_iods(io, data, viods, &vals);
	if (rc == 0 && check_only)
		rc = vos_obj_update_check(vos, cont, io->io_head.dh_oid, epoch,
					  io->io_head.dh_flags, &io->io_dkey, io->io_nr, viods);
	else if (rc == 0)
		rc = vos_obj_update(vos, cont, io->io_head.dh_oid, epoch, io->io_head.dh_flags,
				    &io->io_dkey, io->io_nr, viods);
	D_FREE(vals);
	D_FREE(viods);
	return rc;
}

int
obj_update_verify(const struct ds_cont_tgt_hdl *hdl, const struct dop_io *io, const uint8_t *data)
{
	struct dcs_csummer cs;
	int                rc;

	if (io->io_csum_len == 0 || !hdl->th_srv_verify)
		return 0;
	rc = obj_csummer(hdl, &cs);
	if (rc == 0 && dcs_csum_len(&cs) != io->io_csum_len)
		rc = -DER_INVAL;
	if (rc == 0)
		rc = obj_verify(io, &cs, data);
	return rc;
}

int
obj_bulk_recv(struct rpc_req *req, struct bio_target *bt, uint64_t len, uint8_t **bufp)
{
	d_iov_t     iov;
	d_sg_list_t sgl = {.sg_nr = 1, .sg_iovs = &iov};
	uint8_t    *buf;
	int         rc;

	if (rpc_req_bulk_len(req) != len)
		return -DER_INVAL;
	buf = bio_buf_get(bt, len);
	if (buf == NULL)
		return -DER_NOMEM;
	d_iov_set(&iov, buf, len);
	rc = rpc_req_bulk_get(req, &sgl);
	if (rc != 0) {
		bio_buf_put(bt, buf, len);
		return rc;
	}
	*bufp = buf;
	return 0;
}

static void
obj_update_handler(struct rpc_req *req, void *arg)
{
	struct obj_req     orq;
	struct dop_io      io = {0};
	struct obj_wguard  g;
	struct denc        e;
	uint8_t           *bulk = NULL;
	const uint8_t     *data;
	uint64_t           need = 0, epoch;
	uint32_t           i;
	bool               cond;
	int                rc;

	(void)arg;
	denc_init(&e);
	rc = obj_req_begin(req, &orq, true);
	if (rc != 0)
		goto out;
	ddec_init(&orq.or_dec, orq.or_dec.dd_buf, orq.or_dec.dd_len);
	rc = dop_io_decode(&orq.or_dec, &io, true);
	if (rc != 0)
		goto out;
	for (i = 0; i < io.io_nr; i++) {
		uint64_t n = dop_iod_data_len(&io.io_iods[i]);

		if (n == UINT64_MAX || need + n < need || io.io_iods[i].oi_size == 0) {
			rc = -DER_INVAL;
			goto out;
		}
		need += n;
	}
	if (io.io_where == DOP_DATA_INLINE) {
		if (io.io_data_len != need) {
			rc = -DER_INVAL;
			goto out;
		}
		data = io.io_data;
	} else {
		rc = obj_bulk_recv(req, orq.or_bt, need, &bulk);
		if (rc != 0)
			goto out;
		data = bulk;
	}
	rc = obj_update_verify(orq.or_hdl, &io, data);
	if (rc != 0)
		goto out;
	/* the epoch is chosen inside the guard: above every write it waited for */
	cond = obj_cond_flags(io.io_head.dh_flags);
	obj_write_enter(dss_tgt_self(), orq.or_hdl->th_cont, io.io_head.dh_oid, &io.io_dkey, 1,
			cond, &g);
	epoch = io.io_head.dh_epoch;
	if (epoch == 0)
		epoch = obj_tx_write_epoch(dss_tgt_self(), orq.or_hdl->th_cont, io.io_head.dh_oid,
					   &io.io_dkey);
	/* checking a condition reads the key: not while a commit writes it */
	if (cond)
		obj_tx_read(dss_tgt_self(), orq.or_hdl->th_cont, io.io_head.dh_oid, &io.io_dkey,
			    epoch, 0);
	/* held from its choice to its application: aggregation stays below it */
	rc = ds_cont_agg_hold(orq.or_hdl->th_pool, orq.or_hdl->th_cont, epoch);
	if (rc == 0) {
		rc = obj_update_exec(orq.or_vos, orq.or_hdl->th_cont, &io, data, epoch, false);
		ds_cont_agg_release(orq.or_hdl->th_pool, orq.or_hdl->th_cont, epoch);
	}
	obj_write_exit(&g);
	if (rc == 0)
		denc_u64(&e, epoch);
out:
	bio_buf_put(orq.or_bt, bulk, need);
	dop_io_fini(&io);
	obj_req_end(&orq, rc, &e);
}

/* ---- fetch ---- */

static void
obj_fetch_handler(struct rpc_req *req, void *arg)
{
	struct obj_req     orq;
	struct dop_io      io  = {0};
	struct vos_fetch  *vfs = NULL;
	daos_recx_t       *maps = NULL;
	struct dcs_csummer cs;
	bool               csum = false;
	struct denc        e;
	uint8_t           *buf  = NULL;
	uint64_t           total = 0, off;
	uint32_t           i, where;
	void              *body = NULL;
	uint32_t           blen = 0;
	int                rc;

	(void)arg;
	denc_init(&e);
	rc = obj_req_begin(req, &orq, false);
	if (rc != 0)
		goto out;
	ddec_init(&orq.or_dec, orq.or_dec.dd_buf, orq.or_dec.dd_len);
	rc = dop_io_decode(&orq.or_dec, &io, false);
	if (rc != 0)
		goto out;
	D_ALLOC_ARRAY(vfs, io.io_nr);
	D_ALLOC(maps, sizeof(*maps) * io.io_nr * OBJ_MAP_CAP);
	if (vfs == NULL || maps == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	{
		d_iov_t *akeys;

		D_ALLOC_ARRAY(akeys, io.io_nr);
		if (akeys == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
		for (i = 0; i < io.io_nr; i++)
			akeys[i] = io.io_iods[i].oi_akey;
		orq.or_head = io.io_head;
		rc          = obj_read_begin(&orq, &io.io_dkey, io.io_nr, akeys);
		D_FREE(akeys);
		if (rc != 0)
			goto out;
	}
	for (i = 0; i < io.io_nr; i++) {
		vfs[i].vf_name    = io.io_iods[i].oi_akey;
		vfs[i].vf_type    = io.io_iods[i].oi_type;
		vfs[i].vf_flags   = io.io_iods[i].oi_flags;
		vfs[i].vf_size    = io.io_iods[i].oi_type == DAOS_IOD_ARRAY ? io.io_iods[i].oi_size : 0;
		vfs[i].vf_nr      = io.io_iods[i].oi_type == DAOS_IOD_ARRAY ? io.io_iods[i].oi_nr : 0;
		vfs[i].vf_recxs   = io.io_iods[i].oi_recxs;
		vfs[i].vf_map     = &maps[(size_t)i * OBJ_MAP_CAP];
		vfs[i].vf_map_cap = OBJ_MAP_CAP;
	}
	/* First pass: sizes only. */
	rc = vos_obj_fetch(orq.or_vos, orq.or_hdl->th_cont, io.io_head.dh_oid, io.io_head.dh_epoch,
			   io.io_head.dh_flags, &io.io_dkey, io.io_nr, vfs);
	if (rc != 0)
		goto out;
	for (i = 0; i < io.io_nr; i++) {
		struct dop_iod *iod = &io.io_iods[i];
		uint64_t        n;

		/* an array never written reads as holes of the size the client asked */
		if (iod->oi_type == DAOS_IOD_ARRAY && vfs[i].vf_size == 0)
			vfs[i].vf_size = iod->oi_size;
		iod->oi_size = vfs[i].vf_size;
		n            = dop_iod_data_len(iod);
		if (n == UINT64_MAX || total + n < total) {
			rc = -DER_INVAL;
			goto out;
		}
		total += n;
	}
	where = DOP_DATA_NONE;
	if (total <= DOP_INLINE_MAX && total <= MAX(io.io_buf_cap, (uint64_t)DOP_INLINE_MAX))
		where = DOP_DATA_INLINE;
	else if (total <= io.io_buf_cap && total <= RPC_BULK_MAX)
		where = DOP_DATA_BULK;
	if (where != DOP_DATA_NONE && total > 0) {
		D_ALLOC_NZ(buf, total);
		if (buf == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
		for (i = 0, off = 0; i < io.io_nr; i++) {
			uint64_t n = dop_iod_data_len(&io.io_iods[i]);

			vfs[i].vf_buf     = buf + off;
			vfs[i].vf_buf_len = n;
			vfs[i].vf_size    = io.io_iods[i].oi_size;
			off += n;
		}
		rc = vos_obj_fetch(orq.or_vos, orq.or_hdl->th_cont, io.io_head.dh_oid,
				   io.io_head.dh_epoch, io.io_head.dh_flags, &io.io_dkey, io.io_nr,
				   vfs);
		if (rc != 0)
			goto out;
	}
	csum = obj_csummer(orq.or_hdl, &cs) == 0;
	denc_u32(&e, io.io_nr);
	for (i = 0, off = 0; i < io.io_nr; i++) {
		uint64_t n = dop_iod_data_len(&io.io_iods[i]);
		uint8_t  c[DCS_CSUM_LEN_MAX];
		uint32_t k, nmap = MIN(vfs[i].vf_map_nr, (uint32_t)OBJ_MAP_CAP);

		denc_u64(&e, io.io_iods[i].oi_size);
		denc_u32(&e, io.io_iods[i].oi_type == DAOS_IOD_ARRAY ? nmap : 0);
		for (k = 0; io.io_iods[i].oi_type == DAOS_IOD_ARRAY && k < nmap; k++) {
			denc_u64(&e, vfs[i].vf_map[k].rx_idx);
			denc_u64(&e, vfs[i].vf_map[k].rx_nr);
		}
		if (csum && buf != NULL) {
			dcs_compute(&cs, buf + off, n, c, sizeof(c));
			denc_bytes(&e, c, dcs_csum_len(&cs));
		} else {
			denc_bytes(&e, NULL, 0);
		}
		off += n;
	}
	denc_u32(&e, where);
	denc_u64(&e, total);
	if (where == DOP_DATA_INLINE)
		denc_bytes(&e, buf, total);
	rc = denc_finish(&e, RPC_BODY_MAX, &body, &blen);
	if (rc != 0)
		goto out;
	{
		d_iov_t     iov;
		d_sg_list_t sgl = {.sg_nr = 1, .sg_iovs = &iov};

		d_iov_set(&iov, buf, total);
		rpc_reply(req, 0, body, blen, where == DOP_DATA_BULK ? &sgl : NULL);
	}
	D_FREE(body);
	D_FREE(buf);
	D_FREE(maps);
	D_FREE(vfs);
	dop_io_fini(&io);
	dss_req_end();
	return;
out:
	D_FREE(buf);
	D_FREE(maps);
	D_FREE(vfs);
	dop_io_fini(&io);
	obj_req_end(&orq, rc, &e);
}

/* ---- punch ---- */

int
obj_punch_decode(struct ddec *d, struct obj_punch *p)
{
	size_t   len;
	uint32_t i;

	memset(p, 0, sizeof(*p));
	p->op_kind = ddec_u32(d);
	p->op_nr   = ddec_count(d, DOP_LIST_MAX + 1, 4);
	if (ddec_finish(d) != 0)
		return -DER_PROTO;
	if (p->op_kind > DOP_PUNCH_AKEYS || (p->op_kind == DOP_PUNCH_OBJ) != (p->op_nr == 0) ||
	    (p->op_kind == DOP_PUNCH_AKEYS && p->op_nr < 2))
		return -DER_INVAL;
	if (p->op_nr > 0) {
		D_ALLOC_ARRAY(p->op_keys, p->op_nr);
		if (p->op_keys == NULL)
			return -DER_NOMEM;
	}
	for (i = 0; i < p->op_nr; i++) {
		p->op_keys[i].iov_buf = (void *)ddec_bytes(d, &len);
		p->op_keys[i].iov_len = p->op_keys[i].iov_buf_len = len;
		if (ddec_finish(d) != 0)
			return -DER_PROTO;
		if (len == 0 || len > DOP_KEY_MAX)
			return -DER_INVAL;
	}
	return 0;
}

void
obj_punch_fini(struct obj_punch *p)
{
	D_FREE(p->op_keys);
}

int
obj_punch_exec(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, uint64_t flags,
	       const struct obj_punch *p, daos_epoch_t epoch)
{
	uint32_t i;
	int      rc = 0;

	switch (p->op_kind) {
	case DOP_PUNCH_OBJ:
		return vos_obj_punch(vos, cont, oid, epoch, flags, NULL, 0, NULL);
	case DOP_PUNCH_DKEYS:
		for (i = 0; rc == 0 && i < p->op_nr; i++)
			rc = vos_obj_punch(vos, cont, oid, epoch, flags, &p->op_keys[i], 0, NULL);
		return rc;
	default:
		return vos_obj_punch(vos, cont, oid, epoch, flags, &p->op_keys[0], p->op_nr - 1,
				     &p->op_keys[1]);
	}
}

static void
obj_punch_handler(struct rpc_req *req, void *arg)
{
	struct obj_req    orq;
	struct obj_punch  p = {0};
	struct obj_wguard g;
	uint64_t          epoch;
	uint32_t          i, nk;
	bool              cond;
	int               rc;

	(void)arg;
	rc = obj_req_begin(req, &orq, true);
	if (rc == 0)
		rc = obj_punch_decode(&orq.or_dec, &p);
	if (rc != 0)
		goto out;
	/* the dkeys punched (or under which akeys are); 0: the whole object */
	nk   = p.op_kind == DOP_PUNCH_OBJ ? 0 : p.op_kind == DOP_PUNCH_DKEYS ? p.op_nr : 1;
	cond = obj_cond_flags(orq.or_head.dh_flags);
	obj_write_enter(dss_tgt_self(), orq.or_hdl->th_cont, orq.or_head.dh_oid, p.op_keys, nk,
			cond, &g);
	epoch = orq.or_head.dh_epoch;
	/* one epoch above every remembered read of what is punched */
	for (i = 0; orq.or_head.dh_epoch == 0 && i < MAX(nk, 1u); i++)
		epoch = MAX(epoch, obj_tx_write_epoch(dss_tgt_self(), orq.or_hdl->th_cont,
						      orq.or_head.dh_oid,
						      nk == 0 ? NULL : &p.op_keys[i]));
	/* checking a condition reads what is punched */
	for (i = 0; cond && i < MAX(nk, 1u); i++)
		obj_tx_read(dss_tgt_self(), orq.or_hdl->th_cont, orq.or_head.dh_oid,
			    nk == 0 ? NULL : &p.op_keys[i], epoch, 0);
	rc = ds_cont_agg_hold(orq.or_hdl->th_pool, orq.or_hdl->th_cont, epoch);
	if (rc == 0) {
		rc = obj_punch_exec(orq.or_vos, orq.or_hdl->th_cont, orq.or_head.dh_oid,
				    orq.or_head.dh_flags, &p, epoch);
		ds_cont_agg_release(orq.or_hdl->th_pool, orq.or_hdl->th_cont, epoch);
	}
	obj_write_exit(&g);
out:
	obj_punch_fini(&p);
	obj_req_end(&orq, rc, NULL);
}

/* ---- enumeration ---- */

static int
obj_anchor_decode(struct ddec *d, vos_anchor_t *anchor)
{
	size_t      len;
	const void *p = ddec_bytes(d, &len);

	memset(anchor, 0, sizeof(*anchor));
	if (ddec_finish(d) != 0)
		return -DER_PROTO;
	if (len == 0)
		return 0;
	if (len != sizeof(*anchor))
		return -DER_INVAL;
	memcpy(anchor, p, len);
	return 0;
}

static void
obj_list_keys_handler(struct rpc_req *req, void *arg)
{
	struct obj_req       orq;
	struct vos_key_desc *kds = NULL;
	vos_anchor_t         anchor;
	d_iov_t              dkey = {0};
	struct denc          e;
	char                *keys = NULL;
	uint32_t             nr, buf_len, i;
	size_t               used = 0, len;
	bool                 akeys = (uintptr_t)arg != 0;
	int                  rc;

	denc_init(&e);
	rc = obj_req_begin(req, &orq, false);
	if (rc != 0)
		goto out;
	if (akeys) {
		dkey.iov_buf = (void *)ddec_bytes(&orq.or_dec, &len);
		dkey.iov_len = dkey.iov_buf_len = len;
	}
	rc = obj_anchor_decode(&orq.or_dec, &anchor);
	if (rc != 0)
		goto out;
	nr      = ddec_u32(&orq.or_dec);
	buf_len = ddec_u32(&orq.or_dec);
	if (ddec_finish(&orq.or_dec) != 0) {
		rc = -DER_PROTO;
		goto out;
	}
	if ((akeys && dkey.iov_len == 0) || nr == 0 || buf_len == 0) {
		rc = -DER_INVAL;
		goto out;
	}
	rc = obj_read_begin(&orq, akeys ? &dkey : NULL, 0, NULL);
	if (rc != 0)
		goto out;
	nr      = MIN(nr, (uint32_t)DOP_LIST_MAX);
	buf_len = MIN(buf_len, RPC_BODY_MAX - 16 - DOP_ANCHOR_LEN - nr * 8);
	D_ALLOC_ARRAY(kds, nr);
	D_ALLOC(keys, buf_len);
	if (kds == NULL || keys == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	rc = vos_obj_list_keys(orq.or_vos, orq.or_hdl->th_cont, orq.or_head.dh_oid,
			       orq.or_head.dh_epoch, akeys ? &dkey : NULL, &anchor, &nr, kds, keys,
			       buf_len);
	if (rc == -DER_KEY2BIG) {
		/* not even one key fits: the error's body says how long it is */
		uint8_t need[4];

		need[0] = (uint8_t)kds[0].kd_len;
		need[1] = (uint8_t)(kds[0].kd_len >> 8);
		need[2] = (uint8_t)(kds[0].kd_len >> 16);
		need[3] = (uint8_t)(kds[0].kd_len >> 24);
		rpc_reply(req, rc, need, sizeof(need), NULL);
		denc_fini(&e);
		D_FREE(kds);
		D_FREE(keys);
		dss_req_end();
		return;
	}
	if (rc != 0)
		goto out;
	denc_bytes(&e, &anchor, sizeof(anchor));
	denc_u32(&e, nr);
	for (i = 0; i < nr; i++) {
		denc_u32(&e, kds[i].kd_len);
		denc_u32(&e, kds[i].kd_type);
		used += kds[i].kd_len;
	}
	denc_bytes(&e, keys, used);
out:
	D_FREE(kds);
	D_FREE(keys);
	obj_req_end(&orq, rc, &e);
}

static void
obj_list_recx_handler(struct rpc_req *req, void *arg)
{
	struct obj_req        orq;
	struct vos_recx_desc *rds = NULL;
	vos_anchor_t          anchor;
	d_iov_t               dkey, akey;
	struct denc           e;
	size_t                len;
	uint32_t              nr, order, i;
	int                   rc;

	(void)arg;
	denc_init(&e);
	rc = obj_req_begin(req, &orq, false);
	if (rc != 0)
		goto out;
	dkey.iov_buf = (void *)ddec_bytes(&orq.or_dec, &len);
	dkey.iov_len = dkey.iov_buf_len = len;
	akey.iov_buf = (void *)ddec_bytes(&orq.or_dec, &len);
	akey.iov_len = akey.iov_buf_len = len;
	rc           = obj_anchor_decode(&orq.or_dec, &anchor);
	if (rc != 0)
		goto out;
	nr    = ddec_u32(&orq.or_dec);
	order = ddec_u32(&orq.or_dec);
	if (ddec_finish(&orq.or_dec) != 0) {
		rc = -DER_PROTO;
		goto out;
	}
	if (dkey.iov_len == 0 || akey.iov_len == 0 || nr == 0 || order > DOP_ORDER_DECR) {
		rc = -DER_INVAL;
		goto out;
	}
	rc = obj_read_begin(&orq, &dkey, 1, &akey);
	if (rc != 0)
		goto out;
	nr = MIN(nr, (uint32_t)DOP_LIST_MAX);
	D_ALLOC_ARRAY(rds, nr);
	if (rds == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	rc = vos_obj_list_recx(orq.or_vos, orq.or_hdl->th_cont, orq.or_head.dh_oid,
			       orq.or_head.dh_epoch, &dkey, &akey, order == DOP_ORDER_DECR, &anchor,
			       &nr, rds);
	if (rc != 0)
		goto out;
	denc_bytes(&e, &anchor, sizeof(anchor));
	denc_u32(&e, nr);
	for (i = 0; i < nr; i++) {
		denc_u64(&e, rds[i].rd_recx.rx_idx);
		denc_u64(&e, rds[i].rd_recx.rx_nr);
		denc_u64(&e, rds[i].rd_epoch);
		denc_u64(&e, rds[i].rd_rsize);
	}
out:
	D_FREE(rds);
	obj_req_end(&orq, rc, &e);
}

static void
obj_query_key_handler(struct rpc_req *req, void *arg)
{
	struct obj_req orq;
	d_iov_t        dkey, akey;
	daos_recx_t    recx = {0};
	struct denc    e;
	char          *kbuf = NULL;
	const void    *p;
	size_t         len;
	uint32_t       flags;
	int            rc;

	(void)arg;
	denc_init(&e);
	rc = obj_req_begin(req, &orq, false);
	if (rc != 0)
		goto out;
	flags = (uint32_t)orq.or_head.dh_flags;
	D_ALLOC(kbuf, 2 * DOP_KEY_MAX);
	if (kbuf == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	/* keys asked for are outputs; the others are inputs */
	p = ddec_bytes(&orq.or_dec, &len);
	if (len > DOP_KEY_MAX) {
		rc = -DER_KEY2BIG;
		goto out;
	}
	if (len > 0)
		memcpy(kbuf, p, len);
	d_iov_set(&dkey, kbuf, DOP_KEY_MAX);
	dkey.iov_len = len;
	p            = ddec_bytes(&orq.or_dec, &len);
	if (len > DOP_KEY_MAX) {
		rc = -DER_KEY2BIG;
		goto out;
	}
	if (len > 0)
		memcpy(kbuf + DOP_KEY_MAX, p, len);
	d_iov_set(&akey, kbuf + DOP_KEY_MAX, DOP_KEY_MAX);
	akey.iov_len = len;
	if (ddec_finish(&orq.or_dec) != 0) {
		rc = -DER_PROTO;
		goto out;
	}
	if (flags & DAOS_GET_DKEY)
		rc = obj_read_begin(&orq, NULL, 0, NULL);
	else
		rc = obj_read_begin(&orq, &dkey, (flags & DAOS_GET_AKEY) || akey.iov_len == 0 ? 0 : 1,
				    &akey);
	if (rc != 0)
		goto out;
	rc = vos_obj_query_key(orq.or_vos, orq.or_hdl->th_cont, orq.or_head.dh_oid,
			       orq.or_head.dh_epoch, flags, &dkey, &akey, &recx);
	if (rc != 0)
		goto out;
	denc_bytes(&e, dkey.iov_buf, dkey.iov_len);
	denc_bytes(&e, akey.iov_buf, akey.iov_len);
	denc_u64(&e, recx.rx_idx);
	denc_u64(&e, recx.rx_nr);
out:
	D_FREE(kbuf);
	obj_req_end(&orq, rc, &e);
}

/* ---- newest epoch ---- */

static void
obj_query_epoch_handler(struct rpc_req *req, void *arg)
{
	struct obj_req orq;
	daos_epoch_t   epoch = 0;
	struct denc    e;
	int            rc;

	(void)arg;
	denc_init(&e);
	rc = obj_req_begin(req, &orq, false);
	if (rc != 0)
		goto out;
	if (ddec_finish(&orq.or_dec) != 0) {
		rc = -DER_PROTO;
		goto out;
	}
	rc = obj_read_begin(&orq, NULL, 0, NULL);
	if (rc == 0)
		rc = vos_obj_newest(orq.or_vos, orq.or_hdl->th_cont, orq.or_head.dh_oid, NULL, NULL,
				    &epoch);
	if (rc == 0)
		denc_u64(&e, epoch);
out:
	obj_req_end(&orq, rc, &e);
}

/* ---- the container's objects (object ID tables) ---- */

static void
obj_list_obj_handler(struct rpc_req *req, void *arg)
{
	struct obj_req  orq;
	daos_obj_id_t  *oids = NULL;
	vos_anchor_t    anchor;
	struct denc     e;
	uint32_t        nr, i;
	int             rc;

	(void)arg;
	denc_init(&e);
	rc = obj_req_begin(req, &orq, false);
	if (rc == 0)
		rc = obj_anchor_decode(&orq.or_dec, &anchor);
	if (rc != 0)
		goto out;
	nr = ddec_u32(&orq.or_dec);
	if (ddec_finish(&orq.or_dec) != 0) {
		rc = -DER_PROTO;
		goto out;
	}
	if (nr == 0 || orq.or_head.dh_epoch == 0) {
		rc = -DER_INVAL;
		goto out;
	}
	/* a listing is a read of every object: below the aggregation bound only at a snapshot */
	rc = ds_cont_agg_read_check(orq.or_hdl->th_pool, orq.or_hdl->th_cont,
				    orq.or_head.dh_epoch);
	if (rc != 0)
		goto out;
	nr = MIN(nr, (uint32_t)DOP_LIST_MAX);
	D_ALLOC_ARRAY(oids, nr);
	if (oids == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	rc = vos_cont_list_objs(orq.or_vos, orq.or_hdl->th_cont, orq.or_head.dh_epoch, &anchor,
				&nr, oids);
	if (rc != 0)
		goto out;
	denc_bytes(&e, &anchor, sizeof(anchor));
	denc_u32(&e, nr);
	for (i = 0; i < nr; i++) {
		denc_u64(&e, oids[i].lo);
		denc_u64(&e, oids[i].hi);
	}
out:
	D_FREE(oids);
	obj_req_end(&orq, rc, &e);
}

/* ---- listing from a key (daos_obj_key2anchor) ---- */

static void
obj_key2anchor_handler(struct rpc_req *req, void *arg)
{
	struct obj_req orq;
	vos_anchor_t   anchor;
	const void    *dkey, *akey;
	size_t         dlen, alen;
	struct denc    e;
	int            rc;

	(void)arg;
	denc_init(&e);
	rc = obj_req_begin(req, &orq, false);
	if (rc != 0)
		goto out;
	dkey = ddec_bytes(&orq.or_dec, &dlen);
	akey = ddec_bytes(&orq.or_dec, &alen);
	if (ddec_finish(&orq.or_dec) != 0) {
		rc = -DER_PROTO;
		goto out;
	}
	/* a listing of the akeys of dkey starts at akey; of dkeys, at dkey */
	rc = dlen == 0 ? -DER_INVAL
		       : vos_anchor_at(alen > 0 ? akey : dkey, (uint32_t)(alen > 0 ? alen : dlen),
				       &anchor);
	if (rc == 0)
		denc_bytes(&e, &anchor, sizeof(anchor));
out:
	obj_req_end(&orq, rc, &e);
}

static int
obj_init_tgt(int tgt, struct rpc_ctx *ctx)
{
	static const struct {
		uint16_t      opc;
		rpc_handler_t fn;
		uintptr_t     arg;
	} handlers[] = {
		{DOP_UPDATE, obj_update_handler, 0},
		{DOP_FETCH, obj_fetch_handler, 0},
		{DOP_PUNCH, obj_punch_handler, 0},
		{DOP_LIST_DKEY, obj_list_keys_handler, 0},
		{DOP_LIST_AKEY, obj_list_keys_handler, 1},
		{DOP_LIST_RECX, obj_list_recx_handler, 0},
		{DOP_QUERY_KEY, obj_query_key_handler, 0},
		{DOP_QUERY_EPOCH, obj_query_epoch_handler, 0},
		{DOP_LIST_OBJ, obj_list_obj_handler, 0},
		{DOP_KEY2ANCHOR, obj_key2anchor_handler, 0},
	};
	size_t i;
	int    rc;

	rc = obj_tx_init_tgt(tgt);
	if (rc == 0)
		rc = obj_cond_init_tgt(tgt);
	if (rc != 0)
		return rc;
	for (i = 0; i < ARRAY_SIZE(handlers); i++) {
		rc = rpc_register(ctx, handlers[i].opc, handlers[i].fn, (void *)handlers[i].arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The system thread coordinates transactions. */
static int
obj_init_sys(struct rpc_ctx *ctx)
{
	return rpc_register(ctx, DOP_TX_COMMIT, obj_tx_commit_handler, NULL);
}

const struct dss_module ds_obj_module = {
	.sm_name     = "object",
	.sm_init_tgt = obj_init_tgt,
	.sm_init_sys = obj_init_sys,
	.sm_load     = obj_tx_recover,
};
