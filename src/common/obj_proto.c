/*
 * Codecs of the object I/O bodies (obj_proto.h).
 */
#include "obj_proto.h"

void
dop_head_encode(struct denc *e, const struct dop_head *h)
{
	denc_uuid(e, h->dh_pool);
	denc_uuid(e, h->dh_coh);
	denc_u64(e, h->dh_oid.lo);
	denc_u64(e, h->dh_oid.hi);
	denc_u64(e, h->dh_epoch);
	denc_u64(e, h->dh_flags);
	denc_u64(e, h->dh_tx);
}

void
dop_head_decode(struct ddec *d, struct dop_head *h)
{
	ddec_uuid(d, h->dh_pool);
	ddec_uuid(d, h->dh_coh);
	h->dh_oid.lo = ddec_u64(d);
	h->dh_oid.hi = ddec_u64(d);
	h->dh_epoch  = ddec_u64(d);
	h->dh_flags  = ddec_u64(d);
	h->dh_tx     = ddec_u64(d);
}

void
dop_tx_encode_head(struct denc *e, const struct dop_tx *tx)
{
	denc_uuid(e, tx->tx_pool);
	denc_uuid(e, tx->tx_coh);
	denc_u64(e, tx->tx_id);
	denc_u64(e, tx->tx_epoch);
	denc_u32(e, tx->tx_nr);
}

void
dop_txo_encode(struct denc *e, uint32_t kind, uint32_t tgt, const void *body, size_t len)
{
	denc_u32(e, kind);
	denc_u32(e, tgt);
	denc_bytes(e, body, len);
}

int
dop_tx_decode(const void *buf, size_t len, uint32_t nr_tgts, struct dop_tx *tx)
{
	struct ddec d;
	uint32_t    i;

	memset(tx, 0, sizeof(*tx));
	ddec_init(&d, buf, len);
	ddec_uuid(&d, tx->tx_pool);
	ddec_uuid(&d, tx->tx_coh);
	tx->tx_id    = ddec_u64(&d);
	tx->tx_epoch = ddec_u64(&d);
	tx->tx_nr    = ddec_count(&d, DOP_TX_OPS_MAX, 12);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	if (tx->tx_nr == 0 || tx->tx_epoch == 0 || tx->tx_epoch == DAOS_EPOCH_MAX)
		return -DER_INVAL;
	D_ALLOC_ARRAY(tx->tx_ops, tx->tx_nr);
	if (tx->tx_ops == NULL)
		return -DER_NOMEM;
	for (i = 0; i < tx->tx_nr; i++) {
		struct dop_txo *op = &tx->tx_ops[i];

		op->to_kind = ddec_u32(&d);
		op->to_tgt  = ddec_u32(&d);
		op->to_body = ddec_bytes(&d, &op->to_len);
		if (ddec_finish(&d) != 0)
			return -DER_PROTO;
		if (op->to_kind < DOP_TXO_UPDATE || op->to_kind > DOP_TXO_READ ||
		    op->to_tgt >= nr_tgts || op->to_len == 0)
			return -DER_INVAL;
	}
	return ddec_left(&d) == 0 ? 0 : -DER_PROTO;
}

void
dop_tx_fini(struct dop_tx *tx)
{
	D_FREE(tx->tx_ops);
}

uint64_t
dop_iod_data_len(const struct dop_iod *iod)
{
	uint64_t recs = 0;
	uint32_t i;

	if (iod->oi_type == DAOS_IOD_SINGLE)
		return iod->oi_size;
	for (i = 0; i < iod->oi_nr; i++) {
		if (recs + iod->oi_recxs[i].rx_nr < recs)
			return UINT64_MAX;
		recs += iod->oi_recxs[i].rx_nr;
	}
	if (iod->oi_size != 0 && recs > UINT64_MAX / iod->oi_size)
		return UINT64_MAX;
	return recs * iod->oi_size;
}

void
dop_io_encode(struct denc *e, const struct dop_io *io, bool update)
{
	uint32_t i, k;

	dop_head_encode(e, &io->io_head);
	denc_bytes(e, io->io_dkey.iov_buf, io->io_dkey.iov_len);
	denc_u32(e, io->io_nr);
	if (update)
		denc_u32(e, io->io_csum_len);
	for (i = 0; i < io->io_nr; i++) {
		const struct dop_iod *iod = &io->io_iods[i];

		denc_bytes(e, iod->oi_akey.iov_buf, iod->oi_akey.iov_len);
		denc_u32(e, iod->oi_type);
		denc_u64(e, iod->oi_size);
		denc_u32(e, iod->oi_flags);
		denc_u32(e, iod->oi_type == DAOS_IOD_ARRAY ? iod->oi_nr : 1);
		if (iod->oi_type == DAOS_IOD_ARRAY) {
			for (k = 0; k < iod->oi_nr; k++) {
				denc_u64(e, iod->oi_recxs[k].rx_idx);
				denc_u64(e, iod->oi_recxs[k].rx_nr);
			}
		}
		if (update && io->io_csum_len > 0)
			denc_raw(e, iod->oi_csums,
				 (size_t)io->io_csum_len *
				     (iod->oi_type == DAOS_IOD_ARRAY ? iod->oi_nr : 1));
	}
	if (update) {
		denc_u32(e, io->io_where);
		if (io->io_where == DOP_DATA_INLINE)
			denc_bytes(e, io->io_data, io->io_data_len);
	} else {
		denc_u64(e, io->io_buf_cap);
	}
}

static int
dop_iod_decode(struct ddec *d, struct dop_iod *iod, uint32_t csum_len, bool update)
{
	size_t   len;
	uint32_t k;

	iod->oi_akey.iov_buf = (void *)ddec_bytes(d, &len);
	iod->oi_akey.iov_len = iod->oi_akey.iov_buf_len = len;
	iod->oi_type  = ddec_u32(d);
	iod->oi_size  = ddec_u64(d);
	iod->oi_flags = ddec_u32(d);
	if (ddec_finish(d) != 0)
		return -DER_PROTO;
	if (len == 0)
		return -DER_INVAL;
	if (len > DOP_KEY_MAX)
		return -DER_KEY2BIG;
	if (iod->oi_type == DAOS_IOD_SINGLE) {
		if (ddec_u32(d) != 1)
			return -DER_INVAL;
		iod->oi_nr = 1;
	} else if (iod->oi_type == DAOS_IOD_ARRAY) {
		iod->oi_nr = ddec_count(d, DOP_RECX_MAX, 16);
		if (ddec_finish(d) != 0)
			return -DER_PROTO;
		if (iod->oi_nr > 0) {
			D_ALLOC_ARRAY(iod->oi_recxs, iod->oi_nr);
			if (iod->oi_recxs == NULL)
				return -DER_NOMEM;
		}
		for (k = 0; k < iod->oi_nr; k++) {
			iod->oi_recxs[k].rx_idx = ddec_u64(d);
			iod->oi_recxs[k].rx_nr  = ddec_u64(d);
		}
	} else {
		return -DER_INVAL;
	}
	if (update && csum_len > 0) {
		const void *c = ddec_raw(d, (size_t)csum_len * iod->oi_nr);

		if (c != NULL) {
			D_ALLOC(iod->oi_csums, (size_t)csum_len * iod->oi_nr);
			if (iod->oi_csums == NULL)
				return -DER_NOMEM;
			memcpy(iod->oi_csums, c, (size_t)csum_len * iod->oi_nr);
		}
	}
	return ddec_finish(d);
}

int
dop_io_decode(struct ddec *d, struct dop_io *io, bool update)
{
	size_t   len;
	uint32_t i;
	int      rc;

	memset(io, 0, sizeof(*io));
	io->io_owned = true;
	dop_head_decode(d, &io->io_head);
	io->io_dkey.iov_buf = (void *)ddec_bytes(d, &len);
	io->io_dkey.iov_len = io->io_dkey.iov_buf_len = len;
	io->io_nr = ddec_count(d, DOP_IOD_MAX, 24);
	if (update)
		io->io_csum_len = ddec_u32(d);
	if (ddec_finish(d) != 0)
		return -DER_PROTO;
	if (len == 0 || io->io_nr == 0 || io->io_csum_len > 64)
		return -DER_INVAL;
	if (len > DOP_KEY_MAX)
		return -DER_KEY2BIG;
	D_ALLOC_ARRAY(io->io_iods, io->io_nr);
	if (io->io_iods == NULL)
		return -DER_NOMEM;
	for (i = 0; i < io->io_nr; i++) {
		rc = dop_iod_decode(d, &io->io_iods[i], io->io_csum_len, update);
		if (rc != 0)
			return rc;
	}
	if (update) {
		io->io_where = ddec_u32(d);
		if (io->io_where == DOP_DATA_INLINE) {
			io->io_data     = ddec_bytes(d, &len);
			io->io_data_len = len;
		} else if (io->io_where != DOP_DATA_BULK) {
			return -DER_PROTO;
		}
	} else {
		io->io_buf_cap = ddec_u64(d);
	}
	return ddec_finish(d);
}

void
dop_io_fini(struct dop_io *io)
{
	uint32_t i;

	if (!io->io_owned || io->io_iods == NULL)
		return;
	for (i = 0; i < io->io_nr; i++) {
		D_FREE(io->io_iods[i].oi_recxs);
		D_FREE(io->io_iods[i].oi_csums);
	}
	D_FREE(io->io_iods);
}
