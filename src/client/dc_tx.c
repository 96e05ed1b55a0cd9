/*
 * libdaos transactions: daos_tx_open/commit/abort/close/open_snap/restart
 * and daos_tx_hdl2epoch, with DAOS's states and error codes.
 *
 * A transaction reads at one epoch, taken from the client's hybrid logical
 * clock at its first operation (a snapshot's epoch for daos_tx_open_snap).
 * Its updates and punches are encoded at once (values and keys copied, so
 * DAOS_TF_ZERO_COPY is honoured by copying too) into one buffer, next to the
 * read set (what each fetch, listing and key query looked at); nothing is
 * written before commit. Commit sends the buffer in one DOP_TX_COMMIT to the
 * system thread, which validates, logs and applies it on every target
 * (src/object/obj_tx.c). A conflict (-DER_TX_RESTART, from commit or from a
 * read the target already knows to be stale) fails the transaction: commit
 * and further operations return -DER_TX_RESTART until daos_tx_restart(),
 * which drops the buffer and lets the next operation take a new epoch.
 *
 * States (as DAOS): OPEN -> COMMITTING -> COMMITTED; OPEN -> ABORTED;
 * OPEN -> FAILED (conflict) -> OPEN by restart.
 */
#include "common/obj_proto.h"
#include "dc_internal.h"

enum dc_tx_status {
	DC_TX_OPEN = 0,
	DC_TX_COMMITTING,
	DC_TX_COMMITTED,
	DC_TX_ABORTED,
	DC_TX_FAILED,
};

struct dc_tx {
	struct dc_hdl     tx_hdl;
	struct dc_cont   *tx_cont;   /* a reference */
	uint64_t          tx_flags;  /* DAOS_TF_* */
	uint64_t          tx_id;
	daos_epoch_t      tx_epoch;  /* 0 until the first operation */
	bool              tx_snap;   /* the epoch is a snapshot's: fixed, read-only */
	enum dc_tx_status tx_status;
	struct denc       tx_ops;    /* the operations, encoded (dop_txo_encode) */
	uint32_t          tx_nops;
	uint32_t          tx_nwrites;
};

static void
tx_reset(struct dc_tx *tx)
{
	denc_fini(&tx->tx_ops);
	denc_init(&tx->tx_ops);
	tx->tx_nops    = 0;
	tx->tx_nwrites = 0;
	if (!tx->tx_snap)
		tx->tx_epoch = 0;
}

static void
tx_free(struct dc_hdl *h)
{
	struct dc_tx *tx = container_of(h, struct dc_tx, tx_hdl);

	denc_fini(&tx->tx_ops);
	if (tx->tx_cont != NULL)
		dc_cont_put(tx->tx_cont);
	D_FREE(tx);
}

struct dc_tx *
dc_tx_get(daos_handle_t th)
{
	struct dc_hdl *h = dc_hdl_get(th, DAOS_HTYPE_TX);

	return h == NULL ? NULL : container_of(h, struct dc_tx, tx_hdl);
}

void
dc_tx_put(struct dc_tx *tx)
{
	dc_hdl_put(&tx->tx_hdl);
}

int
dc_tx_check(struct dc_tx *tx, const struct dc_cont *cont, bool write)
{
	if (cont != tx->tx_cont && uuid_compare(cont->dc_coh, tx->tx_cont->dc_coh) != 0)
		return -DER_INVAL; /* the object is not in the transaction's container */
	switch (tx->tx_status) {
	case DC_TX_OPEN:
		break;
	case DC_TX_FAILED:
		return -DER_TX_RESTART;
	case DC_TX_COMMITTING:
		return -DER_INPROGRESS;
	default:
		return -DER_NO_PERM;
	}
	if (write && (tx->tx_snap || (tx->tx_flags & DAOS_TF_RDONLY)))
		return -DER_NO_PERM;
	return 0;
}

daos_epoch_t
dc_tx_epoch(struct dc_tx *tx)
{
	if (tx->tx_epoch == 0)
		tx->tx_epoch = d_hlc_get();
	return tx->tx_epoch;
}

uint64_t
dc_tx_read_id(const struct dc_tx *tx)
{
	/* reads of a transaction that cannot write need no conflict checks */
	return tx->tx_snap || (tx->tx_flags & DAOS_TF_RDONLY) ? 0 : tx->tx_id;
}

int
dc_tx_add(struct dc_tx *tx, uint32_t kind, int worker, struct denc *body)
{
	void    *buf = NULL;
	uint32_t len = 0;
	int      rc;

	rc = denc_finish(body, DOP_TX_MAX, &buf, &len);
	if (rc != 0)
		return rc;
	if (kind == DOP_TXO_READ && dc_tx_read_id(tx) == 0) {
		D_FREE(buf); /* nothing to validate for a transaction that cannot write */
		return 0;
	}
	if (tx->tx_nops >= DOP_TX_OPS_MAX || tx->tx_ops.de_len + len + 16 > DOP_TX_MAX) {
		D_FREE(buf);
		return -DER_OVERFLOW;
	}
	dop_txo_encode(&tx->tx_ops, kind, (uint32_t)(worker - 1), buf, len);
	D_FREE(buf);
	if (tx->tx_ops.de_failed)
		return -DER_NOMEM;
	tx->tx_nops++;
	if (kind != DOP_TXO_READ)
		tx->tx_nwrites++;
	return 0;
}

void
dc_tx_fail(struct dc_tx *tx, int rc)
{
	if (rc == -DER_TX_RESTART && tx->tx_status == DC_TX_OPEN)
		tx->tx_status = DC_TX_FAILED;
}

/* ---- open and close ---- */

static int
tx_open(daos_handle_t coh, daos_epoch_t epoch, daos_handle_t *th, uint64_t flags,
	daos_event_t *ev)
{
	struct dc_cont *cont;
	struct dc_op   *op;
	struct dc_tx   *tx;
	uuid_t          id;
	int             rc;

	if (th == NULL || (flags & ~(uint64_t)(DAOS_TF_RDONLY | DAOS_TF_ZERO_COPY)) != 0)
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	cont = dc_cont_get(coh);
	if (cont == NULL) {
		rc = -DER_NO_HDL;
		goto out;
	}
	D_ALLOC_PTR(tx);
	if (tx == NULL) {
		dc_cont_put(cont);
		rc = -DER_NOMEM;
		goto out;
	}
	tx->tx_cont  = cont;
	tx->tx_flags = flags;
	tx->tx_epoch = epoch;
	tx->tx_snap  = epoch != 0;
	/* unique among the transactions of every client: the targets tell
	 * a transaction's own reads from others' by it */
	uuid_generate(id);
	memcpy(&tx->tx_id, id, sizeof(tx->tx_id));
	if (tx->tx_id == 0)
		tx->tx_id = 1;
	denc_init(&tx->tx_ops);
	rc = dc_op_create(ev, NULL, NULL, &op);
	if (rc != 0) {
		tx_free(&tx->tx_hdl);
		goto out;
	}
	dc_hdl_insert(&tx->tx_hdl, DAOS_HTYPE_TX, tx_free, th);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_tx_open(daos_handle_t coh, daos_handle_t *th, uint64_t flags, daos_event_t *ev)
{
	return tx_open(coh, 0, th, flags, ev);
}

int
daos_tx_open_snap(daos_handle_t coh, daos_epoch_t epoch, daos_handle_t *th, daos_event_t *ev)
{
	if (epoch == 0 || epoch == DAOS_EPOCH_MAX)
		return -DER_INVAL;
	return tx_open(coh, epoch, th, DAOS_TF_RDONLY, ev);
}

/* A call that needs no server: check the state, change it, complete ev. */
static int
tx_local(daos_handle_t th, daos_event_t *ev, int (*fn)(struct dc_tx *tx))
{
	struct dc_tx *tx;
	struct dc_op *op;
	int           rc;

	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	tx = dc_tx_get(th);
	if (tx == NULL) {
		rc = -DER_NO_HDL;
		goto out;
	}
	rc = dc_op_create(ev, NULL, NULL, &op);
	if (rc == 0) {
		dc_op_fail(op, fn(tx));
		rc = dc_op_run(op, ev);
	}
	dc_tx_put(tx);
out:
	dc_unlock();
	return rc;
}

static int
tx_do_close(struct dc_tx *tx)
{
	if (tx->tx_status == DC_TX_COMMITTING)
		return -DER_BUSY;
	dc_hdl_delete(&tx->tx_hdl);
	return 0;
}

int
daos_tx_close(daos_handle_t th, daos_event_t *ev)
{
	return tx_local(th, ev, tx_do_close);
}

static int
tx_do_abort(struct dc_tx *tx)
{
	if (tx->tx_status == DC_TX_ABORTED)
		return -DER_ALREADY;
	if (tx->tx_status != DC_TX_OPEN)
		return -DER_NO_PERM;
	tx_reset(tx);
	tx->tx_status = DC_TX_ABORTED;
	return 0;
}

int
daos_tx_abort(daos_handle_t th, daos_event_t *ev)
{
	return tx_local(th, ev, tx_do_abort);
}

static int
tx_do_restart(struct dc_tx *tx)
{
	if (tx->tx_status != DC_TX_FAILED)
		return -DER_NO_PERM;
	tx_reset(tx);
	tx->tx_status = DC_TX_OPEN;
	return 0;
}

int
daos_tx_restart(daos_handle_t th, daos_event_t *ev)
{
	return tx_local(th, ev, tx_do_restart);
}

int
daos_tx_hdl2epoch(daos_handle_t th, daos_epoch_t *epoch)
{
	struct dc_tx *tx;
	int           rc = 0;

	if (epoch == NULL)
		return -DER_INVAL;
	dc_lock();
	tx = dc_tx_get(th);
	if (tx == NULL) {
		rc = -DER_NO_HDL;
	} else {
		if (tx->tx_epoch == 0)
			rc = -DER_UNINIT; /* no operation has chosen it yet */
		else
			*epoch = tx->tx_epoch;
		dc_tx_put(tx);
	}
	dc_unlock();
	return rc;
}

/* ---- commit ---- */

struct tx_commit {
	struct dc_tx *tc_tx;    /* a reference */
	void         *tc_buf;   /* the encoded transaction, when it travels as bulk */
	d_iov_t       tc_iov;
	d_sg_list_t   tc_sgl;
};

static void
tx_commit_free(void *priv)
{
	struct tx_commit *tc = priv;

	if (tc->tc_tx != NULL)
		dc_tx_put(tc->tc_tx);
	D_FREE(tc->tc_buf);
	D_FREE(tc);
}

static int
tx_commit_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct tx_commit *tc = op->op_priv;
	struct dc_tx     *tx = tc->tc_tx;

	(void)arg;
	if (call->rc_rc == 0) {
		tx->tx_status = DC_TX_COMMITTED;
		tx_reset(tx);
	} else if (call->rc_rc == -DER_TX_RESTART) {
		tx->tx_status = DC_TX_FAILED;
	} else {
		/* unknown outcome (e.g. the server went away): the caller may
		 * commit again; what was applied conflicts, what was not applies */
		tx->tx_status = DC_TX_OPEN;
	}
	return call->rc_rc;
}

int
daos_tx_commit(daos_handle_t th, daos_event_t *ev)
{
	struct tx_commit *tc = NULL;
	struct dop_tx     head = {0};
	struct dc_tx     *tx;
	struct dc_op     *op;
	struct denc       blob, body;
	void             *buf = NULL;
	uint32_t          len = 0;
	int               rc;

	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	tx = dc_tx_get(th);
	if (tx == NULL) {
		rc = -DER_NO_HDL;
		goto out;
	}
	D_ALLOC_PTR(tc);
	if (tc == NULL) {
		dc_tx_put(tx);
		rc = -DER_NOMEM;
		goto out;
	}
	tc->tc_tx = tx;
	rc        = dc_op_create(ev, tc, tx_commit_free, &op);
	if (rc != 0) {
		tx_commit_free(tc);
		goto out;
	}
	switch (tx->tx_status) {
	case DC_TX_OPEN:
		break;
	case DC_TX_COMMITTED:
		dc_op_fail(op, -DER_ALREADY);
		goto run;
	case DC_TX_COMMITTING:
		dc_op_fail(op, -DER_INPROGRESS);
		goto run;
	case DC_TX_FAILED:
		dc_op_fail(op, -DER_TX_RESTART);
		goto run;
	default:
		dc_op_fail(op, -DER_NO_PERM);
		goto run;
	}
	if (tx->tx_nwrites == 0) {
		/* reads at one epoch are a consistent snapshot: nothing to check */
		tx->tx_status = DC_TX_COMMITTED;
		tx_reset(tx);
		goto run;
	}
	uuid_copy(head.tx_pool, tx->tx_cont->dc_pool->dp_uuid);
	uuid_copy(head.tx_coh, tx->tx_cont->dc_coh);
	head.tx_id    = tx->tx_id;
	head.tx_epoch = dc_tx_epoch(tx);
	head.tx_nr    = tx->tx_nops;
	denc_init(&blob);
	dop_tx_encode_head(&blob, &head);
	denc_raw(&blob, tx->tx_ops.de_buf, tx->tx_ops.de_len);
	rc = denc_finish(&blob, DOP_TX_MAX, &buf, &len);
	if (rc != 0) {
		dc_op_fail(op, rc);
		goto run;
	}
	denc_init(&body);
	if (len + 16 <= RPC_BODY_MAX) {
		denc_u32(&body, DOP_DATA_INLINE);
		denc_bytes(&body, buf, len);
		D_FREE(buf);
		tx->tx_status = DC_TX_COMMITTING;
		dc_op_rpc(op, 0, DOP_TX_COMMIT, &body, NULL, NULL, tx_commit_reply, NULL);
	} else {
		tc->tc_buf = buf;
		d_iov_set(&tc->tc_iov, buf, len);
		tc->tc_sgl.sg_nr     = 1;
		tc->tc_sgl.sg_nr_out = 1;
		tc->tc_sgl.sg_iovs   = &tc->tc_iov;
		denc_u32(&body, DOP_DATA_BULK);
		tx->tx_status = DC_TX_COMMITTING;
		dc_op_rpc(op, 0, DOP_TX_COMMIT, &body, &tc->tc_sgl, NULL, tx_commit_reply, NULL);
	}
	if (op->op_rc != 0)
		tx->tx_status = DC_TX_OPEN; /* nothing was sent */
run:
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}
