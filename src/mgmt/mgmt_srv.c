/*
 * The management service (system thread): what dmg asks for. System
 * membership (this node, rank 0), storage format and usage, and the pool
 * administration requests, which it hands to the pool service.
 */
#include "rpc/rpc.h"
#include "pool/ds_pool.h"

/* Read the request body into a decoder; the body stays valid until the reply. */
static void
mgmt_body(struct rpc_req *req, struct ddec *d)
{
	const void *body;
	uint32_t    len;

	body = rpc_req_body(req, &len);
	ddec_init(d, body, len);
}

static void
mgmt_sys_query(struct rpc_req *req, void *arg)
{
	struct denc e;

	(void)arg;
	denc_init(&e);
	denc_str(&e, dss_system_name());
	denc_u32(&e, dss_self_rank());
	denc_u32(&e, dss_state());
	denc_u32(&e, dss_nr_targets());
	denc_str(&e, dss_storage_dir());
	denc_u32(&e, dss_state() == DSS_READY ? ds_pool_count() : 0);
	dss_reply(req, 0, &e);
}

static void
mgmt_format(struct rpc_req *req, void *arg)
{
	struct ddec d;
	uint32_t    force;
	int         rc;

	(void)arg;
	mgmt_body(req, &d);
	force = ddec_u32(&d);
	rc    = ddec_finish(&d);
	if (rc == 0)
		rc = dss_storage_format(force != 0);
	dss_reply(req, rc, NULL);
}

struct mgmt_usage {
	uint64_t mu_meta;
	uint64_t mu_data;
};

static int
mgmt_usage_add(struct ds_pool *pool, void *arg)
{
	struct mgmt_usage *mu = arg;

	mu->mu_meta += (pool->p_shard.ss_meta + pool->p_shard.ss_wal) * dss_nr_targets();
	mu->mu_data += pool->p_shard.ss_data * dss_nr_targets();
	return 0;
}

static void
mgmt_storage_query(struct rpc_req *req, void *arg)
{
	struct mgmt_usage mu = {0};
	struct denc       e;
	uint64_t          total = 0, free = 0;
	int               rc;

	(void)arg;
	denc_init(&e);
	rc = dss_storage_space(&total, &free);
	if (rc == 0 && dss_state() == DSS_READY)
		ds_pool_foreach(mgmt_usage_add, &mu);
	denc_u64(&e, total);
	denc_u64(&e, free);
	denc_u32(&e, dss_nr_targets());
	denc_u64(&e, mu.mu_meta);
	denc_u64(&e, mu.mu_data);
	{
		/* block devices (none with a data directory): path, role, space, slices */
		struct dss_dev_space ds[3];
		int                  i, n = dss_storage_devices(ds, 3);

		denc_u32(&e, (uint32_t)n);
		for (i = 0; i < n; i++) {
			denc_str(&e, ds[i].ds_path);
			denc_str(&e, ds[i].ds_role);
			denc_u64(&e, ds[i].ds_total);
			denc_u64(&e, ds[i].ds_free);
			denc_u32(&e, ds[i].ds_slices);
		}
	}
	dss_reply(req, rc, &e);
}

static void
mgmt_pool_create(struct rpc_req *req, void *arg)
{
	struct dsp_props     props = {0};
	struct dsp_pool_info pi;
	struct ds_pool      *pool;
	struct ddec          d;
	struct denc          e;
	char                 label[DSP_LABEL_MAX + 1];
	uint64_t             size;
	uint32_t             pct;
	int                  rc;

	(void)arg;
	denc_init(&e);
	rc = dss_req_begin();
	if (rc != 0) {
		dss_reply(req, rc, NULL);
		return;
	}
	mgmt_body(req, &d);
	ddec_str(&d, label, sizeof(label));
	size = ddec_u64(&d);
	pct  = ddec_u32(&d);
	rc   = dsp_props_decode(&d, &props);
	if (rc == 0)
		rc = ds_pool_create(label, size, pct, &props, &pool);
	if (rc == 0)
		rc = ds_pool_query(pool, &pi);
	if (rc == 0) {
		denc_uuid(&e, pool->p_uuid);
		dsp_pool_info_encode(&e, &pi);
	}
	dsp_props_fini(&props);
	dss_reply(req, rc, &e);
	dss_req_end();
}

/* Common head of the requests that name a pool: begin, decode the id, find it. */
static int
mgmt_pool_begin(struct rpc_req *req, struct ddec *d, struct ds_pool **poolp, char *id,
		size_t idlen)
{
	int rc = dss_req_begin();

	if (rc != 0)
		return rc;
	mgmt_body(req, d);
	ddec_str(d, id, idlen);
	if (ddec_finish(d) != 0)
		return -DER_PROTO;
	*poolp = ds_pool_lookup(id);
	return *poolp == NULL ? -DER_NONEXIST : 0;
}

/* Ends what mgmt_pool_begin started (only if it got past dss_req_begin). */
static void
mgmt_pool_end(struct rpc_req *req, int rc, struct denc *e)
{
	bool began = rc != -DER_SHUTDOWN && rc != -DER_UNINIT;

	dss_reply(req, rc, e);
	if (began)
		dss_req_end();
}

static void
mgmt_pool_destroy(struct rpc_req *req, void *arg)
{
	struct ds_pool *pool;
	struct ddec     d;
	char            id[DSP_LABEL_MAX + 1];
	uint32_t        force;
	int             rc;

	(void)arg;
	rc = mgmt_pool_begin(req, &d, &pool, id, sizeof(id));
	if (rc == 0) {
		force = ddec_u32(&d);
		rc    = ddec_finish(&d);
		if (rc == 0)
			rc = ds_pool_destroy(id, force != 0);
	}
	mgmt_pool_end(req, rc, NULL);
}

struct mgmt_list {
	struct denc *ml_enc;
	uint32_t     ml_nr;
};

static int
mgmt_list_one(struct ds_pool *pool, void *arg)
{
	struct mgmt_list    *ml = arg;
	struct dsp_pool_info pi;
	int                  rc;

	if (ml->ml_nr >= DSP_LIST_MAX)
		return 1;
	rc = ds_pool_query(pool, &pi);
	if (rc != 0)
		return rc;
	dsp_pool_info_encode(ml->ml_enc, &pi);
	ml->ml_nr++;
	return 0;
}

static void
mgmt_pool_list(struct rpc_req *req, void *arg)
{
	struct denc      e, items;
	struct mgmt_list ml = {.ml_enc = &items};
	void            *buf = NULL;
	uint32_t         len = 0;
	int              rc;

	(void)arg;
	denc_init(&e);
	denc_init(&items);
	rc = dss_req_begin();
	if (rc != 0) {
		dss_reply(req, rc, NULL);
		return;
	}
	rc = ds_pool_foreach(mgmt_list_one, &ml);
	if (rc == 1)
		rc = 0;
	if (rc == 0)
		rc = denc_finish(&items, 0, &buf, &len);
	else
		denc_fini(&items);
	denc_u32(&e, ml.ml_nr);
	denc_raw(&e, buf, len);
	D_FREE(buf);
	dss_reply(req, rc, &e);
	dss_req_end();
}

static void
mgmt_pool_evict(struct rpc_req *req, void *arg)
{
	struct ds_pool *pool;
	struct ddec     d;
	struct denc     e;
	char            id[DSP_LABEL_MAX + 1];
	int             rc;

	(void)arg;
	denc_init(&e);
	rc = mgmt_pool_begin(req, &d, &pool, id, sizeof(id));
	if (rc == 0)
		denc_u32(&e, ds_pool_evict(pool));
	mgmt_pool_end(req, rc, &e);
}

static void
mgmt_pool_get_prop(struct rpc_req *req, void *arg)
{
	struct ds_pool *pool;
	struct ddec     d;
	struct denc     e;
	char            id[DSP_LABEL_MAX + 1];
	int             rc;

	(void)arg;
	denc_init(&e);
	rc = mgmt_pool_begin(req, &d, &pool, id, sizeof(id));
	if (rc == 0)
		dsp_props_encode(&e, &pool->p_props);
	mgmt_pool_end(req, rc, &e);
}

static void
mgmt_pool_set_prop(struct rpc_req *req, void *arg)
{
	struct dsp_props props = {0};
	struct ds_pool  *pool;
	struct ddec      d;
	char             id[DSP_LABEL_MAX + 1];
	int              rc;

	(void)arg;
	rc = mgmt_pool_begin(req, &d, &pool, id, sizeof(id));
	if (rc == 0)
		rc = dsp_props_decode(&d, &props);
	if (rc == 0)
		rc = props.dps_nr == 0 ? -DER_INVAL : ds_pool_set_props(pool, &props);
	dsp_props_fini(&props);
	mgmt_pool_end(req, rc, NULL);
}

static int
mgmt_init_sys(struct rpc_ctx *ctx)
{
	static const struct {
		uint16_t      opc;
		rpc_handler_t fn;
	} handlers[] = {
		{DSP_MGMT_SYS_QUERY, mgmt_sys_query},
		{DSP_MGMT_FORMAT, mgmt_format},
		{DSP_MGMT_STORAGE_QUERY, mgmt_storage_query},
		{DSP_MGMT_POOL_CREATE, mgmt_pool_create},
		{DSP_MGMT_POOL_DESTROY, mgmt_pool_destroy},
		{DSP_MGMT_POOL_LIST, mgmt_pool_list},
		{DSP_MGMT_POOL_EVICT, mgmt_pool_evict},
		{DSP_MGMT_POOL_GET_PROP, mgmt_pool_get_prop},
		{DSP_MGMT_POOL_SET_PROP, mgmt_pool_set_prop},
	};
	size_t i;
	int    rc;

	for (i = 0; i < ARRAY_SIZE(handlers); i++) {
		rc = rpc_register(ctx, handlers[i].opc, handlers[i].fn, NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

const struct dss_module ds_mgmt_module = {
	.sm_name     = "mgmt",
	.sm_init_sys = mgmt_init_sys,
};
