/*
 * libdaos pools: connect, disconnect, query, list containers, and handle
 * sharing between processes (local2global / global2local).
 *
 * A pool handle is a uuid the client makes and the pool service records at
 * connect. A global handle carries that uuid and what the client learned at
 * connect, so another process turns it into a working handle with no round
 * trip; its disconnect is local, and only the original holder's disconnect
 * releases the handle on the server.
 */
#include "common/srv_proto.h"
#include "dc_prop.h"
#include "dc_internal.h"

#define DC_POOL_GLOB_MAGIC   0x504c4f47u /* "GOLP" */
#define DC_POOL_GLOB_VERSION 1u

static void
pool_free(struct dc_hdl *h)
{
	D_FREE(h);
}

struct dc_pool *
dc_pool_get(daos_handle_t poh)
{
	struct dc_hdl *h = dc_hdl_get(poh, DAOS_HTYPE_POOL);

	return h == NULL ? NULL : container_of(h, struct dc_pool, dp_hdl);
}

void
dc_pool_put(struct dc_pool *pool)
{
	dc_hdl_put(&pool->dp_hdl);
}

/* Pool service reply -> daos_pool_info_t. */
static void
pool_info_fill(const struct dsp_pool_info *pi, uint32_t map_version, daos_pool_info_t *info)
{
	struct daos_pool_space *ps = &info->pi_space;
	uint32_t                n  = pi->pi_nr_targets == 0 ? 1 : pi->pi_nr_targets;

	uuid_copy(info->pi_uuid, pi->pi_uuid);
	info->pi_ntargets  = pi->pi_nr_targets;
	info->pi_nnodes    = 1;
	info->pi_ndisabled = 0;
	info->pi_map_ver   = map_version;
	info->pi_leader    = 0;
	memset(ps, 0, sizeof(*ps));
	ps->ps_space.s_total[DAOS_MEDIA_SCM]  = pi->pi_meta_total;
	ps->ps_space.s_free[DAOS_MEDIA_SCM]   = pi->pi_meta_free;
	ps->ps_space.s_total[DAOS_MEDIA_NVME] = pi->pi_data_total;
	ps->ps_space.s_free[DAOS_MEDIA_NVME]  = pi->pi_data_free;
	ps->ps_free_min[DAOS_MEDIA_SCM]       = pi->pi_meta_free / n;
	ps->ps_free_max[DAOS_MEDIA_SCM]       = pi->pi_meta_free / n;
	ps->ps_free_mean[DAOS_MEDIA_SCM]      = pi->pi_meta_free / n;
	ps->ps_free_min[DAOS_MEDIA_NVME]      = pi->pi_data_min;
	ps->ps_free_max[DAOS_MEDIA_NVME]      = pi->pi_data_max;
	ps->ps_free_mean[DAOS_MEDIA_NVME]     = pi->pi_data_free / n;
	ps->ps_ntargets                       = pi->pi_nr_targets;
	memset(&info->pi_rebuild_st, 0, sizeof(info->pi_rebuild_st));
	info->pi_rebuild_st.rs_state = DRS_COMPLETED;
	/* everything a one-node pool can say is always there */
	info->pi_bits &= DPI_SPACE | DPI_REBUILD_STATUS | DPI_ENGINES_ENABLED;
}

/* ---- connect ---- */

struct pool_connect {
	struct dc_pool   *pc_pool;
	daos_handle_t    *pc_poh;
	daos_pool_info_t *pc_info;
};

static void
pool_connect_free(void *priv)
{
	struct pool_connect *pc = priv;

	D_FREE(pc->pc_pool);
	D_FREE(pc);
}

static int
pool_connect_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct pool_connect *pc = op->op_priv;
	struct dsp_pool_info pi;
	struct ddec          d;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	dsp_pool_info_decode(&d, &pi);
	pc->pc_pool->dp_nr_targets  = ddec_u32(&d);
	pc->pc_pool->dp_map_version = ddec_u32(&d);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	uuid_copy(pc->pc_pool->dp_uuid, pi.pi_uuid);
	if (pc->pc_info != NULL)
		pool_info_fill(&pi, pc->pc_pool->dp_map_version, pc->pc_info);
	dc_hdl_insert(&pc->pc_pool->dp_hdl, DAOS_HTYPE_POOL, pool_free, pc->pc_poh);
	pc->pc_pool = NULL; /* the handle table owns it now */
	return 0;
}

int
daos_pool_connect2(const char *pool, const char *sys, unsigned int flags, daos_handle_t *poh,
		   daos_pool_info_t *info, daos_event_t *ev)
{
	struct pool_connect *pc = NULL;
	struct dc_sys       *dsys;
	struct dc_op        *op;
	struct denc          e;
	int                  rc;

	(void)sys; /* one system per client: the one DSTOR_ACCESS_POINTS names */
	if (pool == NULL || poh == NULL || strlen(pool) == 0 || strlen(pool) > DSP_LABEL_MAX)
		return -DER_INVAL;
	if ((flags & (DAOS_PC_RO | DAOS_PC_RW | DAOS_PC_EX)) == 0 || (flags & ~DAOS_PC_MASK) != 0)
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	/* as DAOS asks its agent at each connect: the server may have restarted since */
	if (dc_sys_get(&dsys) == 0)
		dc_sys_refresh(dsys);
	D_ALLOC_PTR(pc);
	if (pc != NULL)
		D_ALLOC_PTR(pc->pc_pool);
	if (pc == NULL || pc->pc_pool == NULL) {
		D_FREE(pc);
		rc = -DER_NOMEM;
		goto out;
	}
	uuid_generate(pc->pc_pool->dp_poh);
	pc->pc_pool->dp_flags = flags;
	pc->pc_poh            = poh;
	pc->pc_info           = info;
	rc                    = dc_op_create(ev, pc, pool_connect_free, &op);
	if (rc != 0) {
		pool_connect_free(pc);
		goto out;
	}
	denc_init(&e);
	denc_str(&e, pool);
	denc_uuid(&e, pc->pc_pool->dp_poh);
	denc_u64(&e, flags);
	dc_op_rpc(op, 0, DSP_POOL_CONNECT, &e, NULL, NULL, pool_connect_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- disconnect ---- */

struct pool_ref {
	struct dc_pool *pr_pool;
};

static void
pool_ref_free(void *priv)
{
	struct pool_ref *pr = priv;

	if (pr->pr_pool != NULL)
		dc_pool_put(pr->pr_pool);
	D_FREE(pr);
}

static int
pool_disconnect_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct pool_ref *pr = op->op_priv;

	(void)arg;
	/* a handle the server already dropped (evicted) is gone all the same */
	if (call->rc_rc != 0 && call->rc_rc != -DER_NO_HDL && call->rc_rc != -DER_NONEXIST)
		return call->rc_rc;
	dc_hdl_delete(&pr->pr_pool->dp_hdl);
	return 0;
}

/*
 * Start an op on a pool handle, its private state size bytes (zeroed) that
 * begin with the struct pool_ref holding the op's reference to the pool.
 */
static int
pool_op_start_priv(daos_handle_t poh, daos_event_t *ev, size_t size, struct dc_op **opp,
		   void **privp)
{
	struct pool_ref *pr;
	struct dc_pool  *pool;
	int              rc = dc_initialized();

	if (rc != 0)
		return rc;
	pool = dc_pool_get(poh);
	if (pool == NULL)
		return -DER_NO_HDL;
	D_ALLOC(pr, size);
	if (pr == NULL) {
		dc_pool_put(pool);
		return -DER_NOMEM;
	}
	pr->pr_pool = pool;
	rc          = dc_op_create(ev, pr, pool_ref_free, opp);
	if (rc != 0) {
		pool_ref_free(pr);
		return rc;
	}
	*privp = pr;
	return 0;
}

static int
pool_op_start(daos_handle_t poh, daos_event_t *ev, struct dc_op **opp, struct pool_ref **prp)
{
	return pool_op_start_priv(poh, ev, sizeof(**prp), opp, (void **)prp);
}

static void
pool_hdl_encode(struct denc *e, const struct dc_pool *pool)
{
	denc_init(e);
	denc_uuid(e, pool->dp_uuid);
	denc_uuid(e, pool->dp_poh);
}

int
daos_pool_disconnect(daos_handle_t poh, daos_event_t *ev)
{
	struct pool_ref *pr;
	struct dc_op    *op;
	struct denc      e;
	int              rc;

	dc_lock();
	rc = pool_op_start(poh, ev, &op, &pr);
	if (rc != 0)
		goto out;
	if (pr->pr_pool->dp_nconts > 0) {
		dc_op_fail(op, -DER_BUSY);
	} else if (pr->pr_pool->dp_global) {
		dc_hdl_delete(&pr->pr_pool->dp_hdl);
	} else {
		pool_hdl_encode(&e, pr->pr_pool);
		dc_op_rpc(op, 0, DSP_POOL_DISCONNECT, &e, NULL, NULL, pool_disconnect_reply, NULL);
	}
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- query ---- */

struct pool_query {
	struct pool_ref   pq_ref; /* first: freed by pool_ref_free's layout */
	daos_pool_info_t *pq_info;
	daos_prop_t      *pq_prop;
	d_rank_list_t   **pq_ranks;
};

static int
pool_query_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct pool_query   *pq = op->op_priv;
	struct dsp_pool_info pi;
	struct dsp_props     props;
	struct ddec          d;
	int                  rc;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	dsp_pool_info_decode(&d, &pi);
	rc = dsp_props_decode(&d, &props);
	if (rc != 0)
		return rc;
	if (pq->pq_info != NULL)
		pool_info_fill(&pi, pq->pq_ref.pr_pool->dp_map_version, pq->pq_info);
	if (pq->pq_prop != NULL)
		rc = dc_prop_from_dsp(&props, pq->pq_prop);
	dsp_props_fini(&props);
	if (rc == 0 && pq->pq_ranks != NULL) {
		/* one engine, rank 0, all its targets up */
		*pq->pq_ranks = d_rank_list_alloc(1);
		if (*pq->pq_ranks == NULL)
			return -DER_NOMEM;
		(*pq->pq_ranks)->rl_ranks[0] = 0;
	}
	return rc;
}

int
daos_pool_query(daos_handle_t poh, d_rank_list_t **ranks, daos_pool_info_t *info,
		daos_prop_t *pool_prop, daos_event_t *ev)
{
	struct pool_query *pq;
	struct dc_op      *op;
	struct denc        e;
	int                rc;

	dc_lock();
	rc = pool_op_start_priv(poh, ev, sizeof(*pq), &op, (void **)&pq);
	if (rc != 0)
		goto out;
	pq->pq_info  = info;
	pq->pq_prop  = pool_prop;
	pq->pq_ranks = ranks;
	pool_hdl_encode(&e, pq->pq_ref.pr_pool);
	dc_op_rpc(op, 0, DSP_POOL_QUERY, &e, NULL, NULL, pool_query_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- list containers ---- */

struct pool_list_cont {
	struct pool_ref             pl_ref;
	daos_size_t                *pl_ncont;
	struct daos_pool_cont_info *pl_cbuf;
};

static int
pool_list_cont_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct pool_list_cont *pl = op->op_priv;
	struct ddec            d;
	uint32_t               n, i;
	daos_size_t            cap = *pl->pl_ncont;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	n = ddec_count(&d, DSP_LIST_MAX, 20);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	*pl->pl_ncont = n;
	if (pl->pl_cbuf == NULL || cap == 0)
		return 0; /* the caller asked for the count only */
	if (cap < n)
		return -DER_TRUNC;
	for (i = 0; i < n; i++) {
		ddec_uuid(&d, pl->pl_cbuf[i].pci_uuid);
		ddec_str(&d, pl->pl_cbuf[i].pci_label, sizeof(pl->pl_cbuf[i].pci_label));
	}
	return ddec_finish(&d);
}

int
daos_pool_list_cont(daos_handle_t poh, daos_size_t *ncont, struct daos_pool_cont_info *cbuf,
		    daos_event_t *ev)
{
	struct pool_list_cont *pl;
	struct dc_op          *op;
	struct denc            e;
	int                    rc;

	if (ncont == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = pool_op_start_priv(poh, ev, sizeof(*pl), &op, (void **)&pl);
	if (rc != 0)
		goto out;
	pl->pl_ncont = ncont;
	pl->pl_cbuf  = cbuf;
	pool_hdl_encode(&e, pl->pl_ref.pr_pool);
	dc_op_rpc(op, 0, DSP_POOL_LIST_CONT, &e, NULL, NULL, pool_list_cont_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- one target ---- */

struct pool_tgt_query {
	struct pool_ref     tq_ref; /* first: pool_ref_free frees the whole */
	daos_target_info_t *tq_info;
};

static int
pool_query_target_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct pool_tgt_query *tq = op->op_priv;
	daos_target_info_t    *ti = tq->tq_info;
	struct ddec            d;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	memset(ti, 0, sizeof(*ti));
	ti->ta_state                          = (daos_target_state_t)ddec_u32(&d);
	ti->ta_space.s_total[DAOS_MEDIA_SCM]  = ddec_u64(&d);
	ti->ta_space.s_free[DAOS_MEDIA_SCM]   = ddec_u64(&d);
	ti->ta_space.s_total[DAOS_MEDIA_NVME] = ddec_u64(&d);
	ti->ta_space.s_free[DAOS_MEDIA_NVME]  = ddec_u64(&d);
	return ddec_finish(&d) != 0 ? -DER_PROTO : 0;
}

int
daos_pool_query_target(daos_handle_t poh, uint32_t tgt, d_rank_t rank, daos_target_info_t *info,
		       daos_event_t *ev)
{
	struct pool_tgt_query *tq;
	struct dc_op          *op;
	struct denc            e;
	int                    rc;

	if (info == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = pool_op_start_priv(poh, ev, sizeof(*tq), &op, (void **)&tq);
	if (rc != 0)
		goto out;
	tq->tq_info = info;
	pool_hdl_encode(&e, tq->tq_ref.pr_pool);
	denc_u32(&e, rank);
	denc_u32(&e, tgt);
	dc_op_rpc(op, 0, DSP_POOL_QUERY_TARGET, &e, NULL, NULL, pool_query_target_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- attributes (dc_attr.c) ---- */

struct pool_attr {
	struct pool_ref    pa_ref; /* first: pool_ref_free frees the whole */
	struct dc_attr_out pa_out;
};

/* list (names NULL), get (buffers), set (values), del (neither). */
static int
pool_attr_call(daos_handle_t poh, uint16_t opc, int n, char const *const names[],
	       void *buf, void const *const values[], size_t sizes[], daos_event_t *ev)
{
	struct pool_attr *pa;
	struct dc_op     *op;
	struct denc       e;
	dc_op_reply_t     cb = dc_reply_status;
	int               rc = 0;

	if (opc == DSP_POOL_ATTR_LIST)
		rc = sizes == NULL ? -DER_INVAL : 0;
	else
		rc = dc_attr_check(n, names, values, sizes, opc == DSP_POOL_ATTR_SET);
	if (rc == 0 && opc == DSP_POOL_ATTR_GET && sizes == NULL)
		rc = -DER_INVAL;
	if (rc != 0)
		return rc;
	dc_lock();
	rc = pool_op_start_priv(poh, ev, sizeof(*pa), &op, (void **)&pa);
	if (rc != 0)
		goto out;
	pa->pa_out.ao_buf   = buf;
	pa->pa_out.ao_sizes = sizes;
	pa->pa_out.ao_n     = (uint32_t)n;
	pool_hdl_encode(&e, pa->pa_ref.pr_pool);
	if (opc != DSP_POOL_ATTR_LIST)
		dc_attr_encode(&e, n, names, values, sizes);
	if (opc == DSP_POOL_ATTR_LIST)
		cb = dc_attr_list_reply;
	else if (opc == DSP_POOL_ATTR_GET)
		cb = dc_attr_get_reply;
	dc_op_rpc(op, 0, opc, &e, NULL, NULL, cb, &pa->pa_out);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_pool_list_attr(daos_handle_t poh, char *buffer, size_t *size, daos_event_t *ev)
{
	return pool_attr_call(poh, DSP_POOL_ATTR_LIST, 0, NULL, buffer, NULL, size, ev);
}

int
daos_pool_get_attr(daos_handle_t poh, int n, char const *const names[], void *const buffers[],
		   size_t sizes[], daos_event_t *ev)
{
	return pool_attr_call(poh, DSP_POOL_ATTR_GET, n, names, (void *)buffers, NULL, sizes, ev);
}

int
daos_pool_set_attr(daos_handle_t poh, int n, char const *const names[],
		   void const *const values[], size_t const sizes[], daos_event_t *ev)
{
	return pool_attr_call(poh, DSP_POOL_ATTR_SET, n, names, NULL, values, (size_t *)sizes, ev);
}

int
daos_pool_del_attr(daos_handle_t poh, int n, char const *const names[], daos_event_t *ev)
{
	return pool_attr_call(poh, DSP_POOL_ATTR_DEL, n, names, NULL, NULL, NULL, ev);
}

/* ---- handle sharing ---- */

int
daos_pool_local2global(daos_handle_t poh, d_iov_t *glob)
{
	struct dc_pool *pool;
	struct denc     e;

	if (glob == NULL)
		return -DER_INVAL;
	dc_lock();
	pool = dc_pool_get(poh);
	if (pool == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	denc_init(&e);
	denc_u32(&e, DC_POOL_GLOB_MAGIC);
	denc_u32(&e, DC_POOL_GLOB_VERSION);
	denc_uuid(&e, pool->dp_uuid);
	denc_uuid(&e, pool->dp_poh);
	denc_u64(&e, pool->dp_flags);
	denc_u32(&e, pool->dp_nr_targets);
	denc_u32(&e, pool->dp_map_version);
	dc_pool_put(pool);
	dc_unlock();
	return dc_glob_export(&e, glob);
}

int
daos_pool_global2local(d_iov_t glob, daos_handle_t *poh)
{
	struct dc_pool *pool;
	struct ddec     d;
	int             rc;

	if (poh == NULL || glob.iov_buf == NULL || glob.iov_len == 0)
		return -DER_INVAL;
	D_ALLOC_PTR(pool);
	if (pool == NULL)
		return -DER_NOMEM;
	ddec_init(&d, glob.iov_buf, glob.iov_len);
	if (ddec_u32(&d) != DC_POOL_GLOB_MAGIC || ddec_u32(&d) > DC_POOL_GLOB_VERSION) {
		D_FREE(pool);
		return -DER_INVAL;
	}
	ddec_uuid(&d, pool->dp_uuid);
	ddec_uuid(&d, pool->dp_poh);
	pool->dp_flags       = ddec_u64(&d);
	pool->dp_nr_targets  = ddec_u32(&d);
	pool->dp_map_version = ddec_u32(&d);
	pool->dp_global      = true;
	if (ddec_finish(&d) != 0) {
		D_FREE(pool);
		return -DER_INVAL;
	}
	dc_lock();
	rc = dc_initialized();
	if (rc == 0)
		dc_hdl_insert(&pool->dp_hdl, DAOS_HTYPE_POOL, pool_free, poh);
	else
		D_FREE(pool);
	dc_unlock();
	return rc;
}
