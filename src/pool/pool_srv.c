/*
 * The pool service: pool records in the system database and DRAM, shards on
 * the targets, handles, and the pool requests clients send (connect,
 * disconnect, query). Management requests (create, destroy, list, props,
 * evict) reach it through src/mgmt.
 *
 * Durable: a record per pool in DSS_TBL_POOL (key: pool uuid) and one per
 * connected handle in DSS_TBL_POOL_HDL (key: pool uuid + handle uuid); both
 * are loaded at start (ds_pool.h says what a restart keeps).
 */
#include <daos_prop.h>
#include <daos_pool.h>
#include "rpc/rpc.h"
#include "vos/vos.h"
#include "bio/bio.h"
#include "ds_pool.h"

#define POOL_REC_VERSION 1u
#define POOL_HOOKS_MAX   4

static d_list_t pool_list = D_LIST_HEAD_INIT(pool_list);
static uint32_t pool_nr;
static void (*pool_destroy_hooks[POOL_HOOKS_MAX])(const uuid_t pool);
static void (*pool_disconnect_hooks[POOL_HOOKS_MAX])(const uuid_t pool, const uuid_t hdl);
static void (*pool_props_hooks[POOL_HOOKS_MAX])(const uuid_t pool);

static void
hook_add(void **hooks, void *fn)
{
	int i;

	for (i = 0; i < POOL_HOOKS_MAX; i++) {
		if (hooks[i] == NULL) {
			hooks[i] = fn;
			return;
		}
	}
	D_ASSERT(0);
}

void
ds_pool_on_destroy(void (*fn)(const uuid_t pool))
{
	hook_add((void **)pool_destroy_hooks, (void *)fn);
}

void
ds_pool_on_props_set(void (*fn)(const uuid_t pool))
{
	hook_add((void **)pool_props_hooks, (void *)fn);
}

void
ds_pool_on_disconnect(void (*fn)(const uuid_t pool, const uuid_t hdl))
{
	hook_add((void **)pool_disconnect_hooks, (void *)fn);
}

/* ---- records ---- */

static int
pool_rec_put(struct ds_pool *pool)
{
	struct denc e;
	void       *buf;
	uint32_t    len;
	int         rc;

	denc_init(&e);
	denc_u32(&e, POOL_REC_VERSION);
	denc_uuid(&e, pool->p_uuid);
	denc_str(&e, pool->p_label);
	denc_u32(&e, pool->p_state);
	denc_u32(&e, pool->p_map_version);
	denc_u64(&e, pool->p_shard.ss_wal);
	denc_u64(&e, pool->p_shard.ss_meta);
	denc_u64(&e, pool->p_shard.ss_data);
	dsp_props_encode(&e, &pool->p_props);
	rc = denc_finish(&e, 0, &buf, &len);
	if (rc != 0)
		return rc;
	rc = dss_sysdb_put(DSS_TBL_POOL, pool->p_uuid, sizeof(uuid_t), buf, len);
	D_FREE(buf);
	return rc;
}

static int
pool_rec_decode(const void *buf, size_t len, struct ds_pool *pool)
{
	struct ddec d;
	int         rc;

	ddec_init(&d, buf, len);
	if (ddec_u32(&d) > POOL_REC_VERSION)
		return -DER_DF_INCOMPT;
	ddec_uuid(&d, pool->p_uuid);
	ddec_str(&d, pool->p_label, sizeof(pool->p_label));
	pool->p_state         = ddec_u32(&d);
	pool->p_map_version   = ddec_u32(&d);
	pool->p_shard.ss_wal  = ddec_u64(&d);
	pool->p_shard.ss_meta = ddec_u64(&d);
	pool->p_shard.ss_data = ddec_u64(&d);
	rc                    = dsp_props_decode(&d, &pool->p_props);
	if (rc == 0)
		rc = ddec_finish(&d);
	return rc == -DER_PROTO ? -DER_DF_INVAL : rc;
}

static int
pool_hdl_rec_put(const struct ds_pool *pool, const struct ds_pool_hdl *h)
{
	struct dsp_pool_hdl_rec r = {0};
	uint8_t                 key[DSP_POOL_HDL_KEY_LEN];
	void                   *buf;
	uint32_t                len;
	int                     rc;

	uuid_copy(r.phr_pool, pool->p_uuid);
	uuid_copy(r.phr_hdl, h->ph_uuid);
	r.phr_flags = h->ph_flags;
	r.phr_time  = h->ph_time;
	rc          = dsp_pool_hdl_rec_encode(&r, &buf, &len);
	if (rc != 0)
		return rc;
	dsp_pool_hdl_key(pool->p_uuid, h->ph_uuid, key);
	rc = dss_sysdb_put(DSS_TBL_POOL_HDL, key, sizeof(key), buf, len);
	D_FREE(buf);
	return rc;
}

static int
pool_hdl_rec_del(const uuid_t pool, const uuid_t hdl)
{
	uint8_t key[DSP_POOL_HDL_KEY_LEN];
	int     rc;

	dsp_pool_hdl_key(pool, hdl, key);
	rc = dss_sysdb_del(DSS_TBL_POOL_HDL, key, sizeof(key));
	if (rc != 0)
		DL_ERROR(rc, "pool " DF_UUID ": handle " DF_UUID "'s record not removed",
			 DP_UUID(pool), DP_UUID(hdl));
	return rc;
}

static int
pool_hdl_rec_del_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)val;
	(void)vlen;
	if (klen == DSP_POOL_HDL_KEY_LEN && memcmp(key, arg, sizeof(uuid_t)) == 0)
		return dss_sysdb_del(DSS_TBL_POOL_HDL, key, klen);
	return 0;
}

/* Remove every handle record of a pool (also any DRAM does not know). */
static int
pool_hdl_recs_del(const uuid_t pool)
{
	int rc = dss_sysdb_foreach(DSS_TBL_POOL_HDL, pool_hdl_rec_del_one, (void *)pool);

	if (rc != 0)
		DL_ERROR(rc, "pool " DF_UUID ": handle records not removed", DP_UUID(pool));
	return rc;
}

static struct ds_pool *
pool_alloc(void)
{
	struct ds_pool *pool;

	D_ALLOC_PTR(pool);
	if (pool != NULL)
		D_INIT_LIST_HEAD(&pool->p_handles);
	return pool;
}

static void
pool_free(struct ds_pool *pool)
{
	struct ds_pool_hdl *h, *tmp;

	d_list_for_each_entry_safe(h, tmp, &pool->p_handles, ph_link) {
		d_list_del(&h->ph_link);
		D_FREE(h);
	}
	dsp_props_fini(&pool->p_props);
	D_FREE(pool);
}

/* ---- lookups ---- */

struct ds_pool *
ds_pool_lookup_uuid(const uuid_t uuid)
{
	struct ds_pool *pool;

	d_list_for_each_entry(pool, &pool_list, p_link) {
		if (uuid_compare(pool->p_uuid, uuid) == 0 && pool->p_state == DSP_POOL_READY)
			return pool;
	}
	return NULL;
}

static struct ds_pool *
pool_find_label(const char *label)
{
	struct ds_pool *pool;

	d_list_for_each_entry(pool, &pool_list, p_link) {
		if (strcmp(pool->p_label, label) == 0)
			return pool;
	}
	return NULL;
}

struct ds_pool *
ds_pool_lookup(const char *id)
{
	struct ds_pool *pool;
	uuid_t          uuid;

	if (id == NULL)
		return NULL;
	if (dsp_id_is_uuid(id, uuid))
		return ds_pool_lookup_uuid(uuid);
	pool = pool_find_label(id);
	return pool != NULL && pool->p_state == DSP_POOL_READY ? pool : NULL;
}

int
ds_pool_foreach(int (*cb)(struct ds_pool *pool, void *arg), void *arg)
{
	struct ds_pool *pool, *tmp;
	int             rc;

	d_list_for_each_entry_safe(pool, tmp, &pool_list, p_link) {
		if (pool->p_state != DSP_POOL_READY)
			continue;
		rc = cb(pool, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

uint32_t
ds_pool_count(void)
{
	return pool_nr;
}

/* ---- properties ---- */

/* Check one property a user sets, by DAOS's rules for its values. */
static int
pool_prop_check(const struct dsp_prop *p)
{
	switch (p->dp_type) {
	case DAOS_PROP_PO_LABEL:
		return p->dp_kind == DSP_PROP_STR && dsp_label_valid(p->dp_str) ? 0 : -DER_INVAL;
	case DAOS_PROP_PO_ACL:
	case DAOS_PROP_PO_OWNER:
	case DAOS_PROP_PO_OWNER_GROUP:
		return p->dp_kind != DSP_PROP_VAL ? 0 : -DER_INVAL;
	case DAOS_PROP_PO_SPACE_RB:
		return p->dp_kind == DSP_PROP_VAL && p->dp_val <= 100 ? 0 : -DER_INVAL;
	case DAOS_PROP_PO_SELF_HEAL:
		return p->dp_kind == DSP_PROP_VAL &&
			       (p->dp_val & ~(uint64_t)(DAOS_SELF_HEAL_AUTO_EXCLUDE |
							DAOS_SELF_HEAL_AUTO_REBUILD |
							DAOS_SELF_HEAL_DELAY_REBUILD)) == 0
			   ? 0
			   : -DER_INVAL;
	case DAOS_PROP_PO_RECLAIM:
		return p->dp_kind == DSP_PROP_VAL && p->dp_val <= DAOS_RECLAIM_TIME ? 0 : -DER_INVAL;
	case DAOS_PROP_PO_REDUN_FAC:
		return p->dp_kind == DSP_PROP_VAL && p->dp_val <= DAOS_PROP_PO_REDUN_FAC_MAX
			   ? 0
			   : -DER_INVAL;
	case DAOS_PROP_PO_EC_CELL_SZ:
		return p->dp_kind == DSP_PROP_VAL && p->dp_val >= DAOS_PROP_PO_EC_CELL_SZ_MIN &&
			       p->dp_val <= DAOS_PROP_PO_EC_CELL_SZ_MAX
			   ? 0
			   : -DER_INVAL;
	case DAOS_PROP_PO_SCRUB_MODE:
		return p->dp_kind == DSP_PROP_VAL && p->dp_val < DAOS_SCRUB_MODE_INVALID ? 0
											 : -DER_INVAL;
	case DAOS_PROP_PO_CHECKPOINT_MODE:
		return p->dp_kind == DSP_PROP_VAL && p->dp_val <= DAOS_CHECKPOINT_LAZY ? 0
										      : -DER_INVAL;
	case DAOS_PROP_PO_CHECKPOINT_FREQ:
		return p->dp_kind == DSP_PROP_VAL &&
			       p->dp_val >= DAOS_PROP_PO_CHECKPOINT_FREQ_MIN &&
			       p->dp_val <= DAOS_PROP_PO_CHECKPOINT_FREQ_MAX
			   ? 0
			   : -DER_INVAL;
	case DAOS_PROP_PO_CHECKPOINT_THRESH:
		return p->dp_kind == DSP_PROP_VAL &&
			       p->dp_val >= DAOS_PROP_PO_CHECKPOINT_THRESH_MIN &&
			       p->dp_val <= DAOS_PROP_PO_CHECKPOINT_THRESH_MAX
			   ? 0
			   : -DER_INVAL;
	case DAOS_PROP_PO_DATA_THRESH:
	case DAOS_PROP_PO_EC_PDA:
	case DAOS_PROP_PO_RP_PDA:
	case DAOS_PROP_PO_SCRUB_FREQ:
	case DAOS_PROP_PO_SCRUB_THRESH:
	case DAOS_PROP_PO_SVC_REDUN_FAC:
	case DAOS_PROP_PO_PERF_DOMAIN:
	case DAOS_PROP_PO_REINT_MODE:
	case DAOS_PROP_PO_SVC_OPS_ENABLED:
	case DAOS_PROP_PO_SVC_OPS_ENTRY_AGE:
		return p->dp_kind == DSP_PROP_VAL ? 0 : -DER_INVAL;
	default:
		/* read-only or unknown: svc list, versions, upgrade status */
		return -DER_INVAL;
	}
}

static int
pool_props_check(const struct dsp_props *props, const struct ds_pool *self)
{
	const struct dsp_prop *lp;
	struct ds_pool        *other;
	uint32_t               i;
	int                    rc;

	for (i = 0; props != NULL && i < props->dps_nr; i++) {
		rc = pool_prop_check(&props->dps_props[i]);
		if (rc != 0) {
			D_ERROR("pool property %u: bad value\n", props->dps_props[i].dp_type);
			return rc;
		}
	}
	lp = dsp_props_find(props, DAOS_PROP_PO_LABEL);
	if (lp != NULL) {
		other = pool_find_label(lp->dp_str);
		if (other != NULL && other != self)
			return -DER_EXIST;
	}
	return 0;
}

/* What every new pool gets unless the creator says otherwise (DAOS's defaults). */
static int
pool_props_default(struct dsp_props *p)
{
	int rc;

	rc = dsp_props_set_val(p, DAOS_PROP_PO_SPACE_RB, 0);
	if (rc == 0)
		rc = dsp_props_set_val(p, DAOS_PROP_PO_SELF_HEAL,
				       DAOS_SELF_HEAL_AUTO_EXCLUDE | DAOS_SELF_HEAL_AUTO_REBUILD);
	if (rc == 0)
		rc = dsp_props_set_val(p, DAOS_PROP_PO_RECLAIM, DAOS_RECLAIM_LAZY);
	if (rc == 0)
		rc = dsp_props_set_val(p, DAOS_PROP_PO_REDUN_FAC, 0);
	if (rc == 0)
		rc = dsp_props_set_val(p, DAOS_PROP_PO_EC_CELL_SZ, 1u << 20);
	if (rc == 0)
		rc = dsp_props_set_val(p, DAOS_PROP_PO_CHECKPOINT_MODE,
				       DAOS_PROP_PO_CHECKPOINT_MODE_DEFAULT);
	if (rc == 0)
		rc = dsp_props_set_val(p, DAOS_PROP_PO_CHECKPOINT_FREQ,
				       DAOS_PROP_PO_CHECKPOINT_FREQ_DEFAULT);
	if (rc == 0)
		rc = dsp_props_set_val(p, DAOS_PROP_PO_CHECKPOINT_THRESH,
				       DAOS_PROP_PO_CHECKPOINT_THRESH_DEFAULT);
	if (rc == 0)
		rc = dsp_props_set_val(p, DAOS_PROP_PO_SCRUB_MODE, DAOS_SCRUB_MODE_OFF);
	if (rc == 0)
		rc = dsp_props_set_str(p, DAOS_PROP_PO_OWNER, "root@");
	if (rc == 0)
		rc = dsp_props_set_str(p, DAOS_PROP_PO_OWNER_GROUP, "root@");
	return rc;
}

/* ---- shards ---- */

static int
shard_create_tgt(int tgt, void *arg)
{
	struct ds_pool *pool = arg;

	(void)tgt;
	return dss_shard_create(pool->p_uuid, &pool->p_shard);
}

static int
shard_open_tgt(int tgt, void *arg)
{
	struct ds_pool *pool = arg;

	(void)tgt;
	return dss_shard_open(pool->p_uuid);
}

static int
shard_destroy_tgt(int tgt, void *arg)
{
	struct ds_pool *pool = arg;

	(void)tgt;
	return dss_shard_close(pool->p_uuid, true);
}

static int
shard_close_tgt(int tgt, void *arg)
{
	struct ds_pool *pool = arg;

	(void)tgt;
	return dss_shard_close(pool->p_uuid, false);
}

static void
pool_unlink(struct ds_pool *pool)
{
	d_list_del(&pool->p_link);
	pool_nr--;
}

/* Where a pool's attributes are kept: its uuid, then 16 zero bytes (no container). */
static void
pool_attr_prefix(const struct ds_pool *pool, uint8_t prefix[DSS_ATTR_PREFIX])
{
	memset(prefix, 0, DSS_ATTR_PREFIX);
	memcpy(prefix, pool->p_uuid, sizeof(uuid_t));
}

/* Remove a pool's shards and record, whatever state it is in. */
static int
pool_remove(struct ds_pool *pool)
{
	uint8_t             prefix[DSS_ATTR_PREFIX];
	struct ds_pool_hdl *h;
	int                 rc, i;

	pool->p_state = DSP_POOL_DESTROYING;
	rc            = pool_rec_put(pool);
	if (rc != 0)
		return rc;
	while (!d_list_empty(&pool->p_handles)) {
		h = d_list_entry(pool->p_handles.next, struct ds_pool_hdl, ph_link);
		d_list_del(&h->ph_link);
		for (i = 0; i < POOL_HOOKS_MAX && pool_disconnect_hooks[i] != NULL; i++)
			pool_disconnect_hooks[i](pool->p_uuid, h->ph_uuid);
		D_FREE(h);
	}
	pool->p_nhandles = 0;
	/* before the shards: a crash leaves the pool DESTROYING, removed again at start */
	rc = pool_hdl_recs_del(pool->p_uuid);
	if (rc != 0)
		return rc;
	rc = dss_tgt_foreach(shard_destroy_tgt, pool);
	if (rc != 0) {
		DL_ERROR(rc, "pool " DF_UUID ": cannot remove its shards", DP_UUID(pool->p_uuid));
		return rc;
	}
	for (i = 0; i < POOL_HOOKS_MAX && pool_destroy_hooks[i] != NULL; i++)
		pool_destroy_hooks[i](pool->p_uuid);
	pool_attr_prefix(pool, prefix);
	rc = dss_attr_del_all(prefix);
	if (rc != 0)
		return rc;
	return dss_sysdb_del(DSS_TBL_POOL, pool->p_uuid, sizeof(uuid_t));
}

int
ds_pool_create(const char *label, uint64_t size, uint32_t pct, const struct dsp_props *props,
	       struct ds_pool **poolp)
{
	struct ds_pool *pool;
	uint64_t        fs_total, fs_free;
	int             rc;

	if (label != NULL && label[0] != '\0' && !dsp_label_valid(label))
		return -DER_INVAL;
	if (pct > 100)
		return -DER_INVAL;
	rc = dss_storage_space(&fs_total, &fs_free);
	if (rc != 0)
		return rc;
	if (pct > 0)
		size = fs_free / 100 * pct;
	pool = pool_alloc();
	if (pool == NULL)
		return -DER_NOMEM;
	rc = pool_props_default(&pool->p_props);
	if (rc == 0)
		rc = pool_props_check(props, NULL);
	if (rc == 0)
		rc = dsp_props_merge(&pool->p_props, props);
	if (rc == 0 && label != NULL && label[0] != '\0') {
		if (pool_find_label(label) != NULL)
			rc = -DER_EXIST;
		else
			rc = dsp_props_set_str(&pool->p_props, DAOS_PROP_PO_LABEL, label);
	}
	if (rc == 0 && size / dss_nr_targets() > fs_free / dss_nr_targets())
		rc = -DER_NOSPACE;
	if (rc == 0)
		rc = dss_shard_split(size / dss_nr_targets(), &pool->p_shard);
	if (rc != 0)
		goto free;
	{
		const struct dsp_prop *lp = dsp_props_find(&pool->p_props, DAOS_PROP_PO_LABEL);

		if (lp != NULL)
			snprintf(pool->p_label, sizeof(pool->p_label), "%s", lp->dp_str);
	}
	uuid_generate(pool->p_uuid);
	pool->p_state       = DSP_POOL_CREATING;
	pool->p_map_version = 1;
	/* In the list from now on, so a concurrent create sees the label taken. */
	d_list_add_tail(&pool->p_link, &pool_list);
	pool_nr++;
	pool->p_busy++;
	rc = pool_rec_put(pool);
	if (rc == 0) {
		rc = dss_tgt_foreach(shard_create_tgt, pool);
		if (rc != 0) {
			DL_ERROR(rc, "pool " DF_UUID ": shard creation failed", DP_UUID(pool->p_uuid));
			pool_remove(pool);
		}
	}
	if (rc == 0) {
		pool->p_state = DSP_POOL_READY;
		rc            = pool_rec_put(pool);
		if (rc != 0)
			pool_remove(pool);
	}
	pool->p_busy--;
	if (rc != 0) {
		pool_unlink(pool);
		goto free;
	}
	D_INFO("pool " DF_UUID " (%s) created: %u targets x (wal %" PRIu64 ", meta %" PRIu64
	       ", data %" PRIu64 ")\n",
	       DP_UUID(pool->p_uuid), pool->p_label, dss_nr_targets(), pool->p_shard.ss_wal,
	       pool->p_shard.ss_meta, pool->p_shard.ss_data);
	*poolp = pool;
	return 0;
free:
	pool_free(pool);
	return rc;
}

int
ds_pool_destroy(const char *id, bool force)
{
	struct ds_pool *pool = ds_pool_lookup(id);
	int             rc;

	if (pool == NULL)
		return -DER_NONEXIST;
	if (pool->p_busy > 0)
		return -DER_BUSY;
	if (pool->p_nhandles > 0 && !force)
		return -DER_BUSY;
	pool->p_busy++;
	rc = pool_remove(pool);
	pool->p_busy--;
	if (rc != 0)
		return rc;
	pool_unlink(pool);
	D_INFO("pool " DF_UUID " (%s) destroyed\n", DP_UUID(pool->p_uuid), pool->p_label);
	pool_free(pool);
	return 0;
}

/* ---- space ---- */

struct pool_space {
	struct ds_pool *ps_pool;
	uint64_t        ps_data_total[DSS_TGT_MAX];
	uint64_t        ps_data_free[DSS_TGT_MAX];
	uint64_t        ps_meta_total[DSS_TGT_MAX];
};

static int
shard_space_tgt(int tgt, void *arg)
{
	struct pool_space *ps = arg;

	return dss_shard_space(ps->ps_pool->p_uuid, &ps->ps_data_total[tgt],
			       &ps->ps_data_free[tgt], &ps->ps_meta_total[tgt]);
}

int
ds_pool_query(struct ds_pool *pool, struct dsp_pool_info *pi)
{
	struct pool_space *ps;
	uint32_t           i;
	int                rc;

	memset(pi, 0, sizeof(*pi));
	uuid_copy(pi->pi_uuid, pool->p_uuid);
	snprintf(pi->pi_label, sizeof(pi->pi_label), "%s", pool->p_label);
	pi->pi_state       = pool->p_state;
	pi->pi_nr_targets  = dss_nr_targets();
	pi->pi_map_version = pool->p_map_version;
	pi->pi_nhandles    = pool->p_nhandles;
	D_ALLOC_PTR(ps);
	if (ps == NULL)
		return -DER_NOMEM;
	ps->ps_pool = pool;
	rc          = dss_tgt_foreach(shard_space_tgt, ps);
	if (rc == 0) {
		pi->pi_data_min = UINT64_MAX;
		for (i = 0; i < dss_nr_targets(); i++) {
			pi->pi_data_total += ps->ps_data_total[i];
			pi->pi_data_free += ps->ps_data_free[i];
			/* META holds checkpoint images; reported as wholly free */
			pi->pi_meta_total += ps->ps_meta_total[i];
			pi->pi_data_min = MIN(pi->pi_data_min, ps->ps_data_free[i]);
			pi->pi_data_max = MAX(pi->pi_data_max, ps->ps_data_free[i]);
		}
		pi->pi_meta_free = pi->pi_meta_total;
	}
	D_FREE(ps);
	return rc;
}

int
ds_pool_set_props(struct ds_pool *pool, const struct dsp_props *props)
{
	const struct dsp_prop *lp;
	struct dsp_props       saved = {0};
	int                    rc, i;

	rc = pool_props_check(props, pool);
	if (rc != 0)
		return rc;
	rc = dsp_props_merge(&saved, &pool->p_props);
	if (rc == 0)
		rc = dsp_props_merge(&pool->p_props, props);
	if (rc == 0)
		rc = pool_rec_put(pool);
	if (rc != 0) {
		/* keep DRAM equal to what is durable */
		dsp_props_fini(&pool->p_props);
		pool->p_props = saved;
		return rc;
	}
	dsp_props_fini(&saved);
	lp = dsp_props_find(&pool->p_props, DAOS_PROP_PO_LABEL);
	if (lp != NULL)
		snprintf(pool->p_label, sizeof(pool->p_label), "%s", lp->dp_str);
	for (i = 0; i < POOL_HOOKS_MAX && pool_props_hooks[i] != NULL; i++)
		pool_props_hooks[i](pool->p_uuid);
	return 0;
}

/* ---- handles ---- */

struct ds_pool_hdl *
ds_pool_hdl_find(struct ds_pool *pool, const uuid_t hdl)
{
	struct ds_pool_hdl *h;

	d_list_for_each_entry(h, &pool->p_handles, ph_link) {
		if (uuid_compare(h->ph_uuid, hdl) == 0)
			return h;
	}
	return NULL;
}

static void
pool_hdl_link(struct ds_pool *pool, struct ds_pool_hdl *h)
{
	d_list_add_tail(&h->ph_link, &pool->p_handles);
	pool->p_nhandles++;
}

/*
 * Drop a handle: out of the list first (nobody finds it while the record
 * delete and the hooks yield), then its record, then what other services
 * hold for it (container handles), then the memory. A record that cannot be
 * deleted is logged: the handle comes back at the next start.
 */
static int
pool_hdl_drop(struct ds_pool *pool, struct ds_pool_hdl *h)
{
	uuid_t pu;
	int    i, rc;

	uuid_copy(pu, pool->p_uuid);
	d_list_del(&h->ph_link);
	pool->p_nhandles--;
	rc = pool_hdl_rec_del(pu, h->ph_uuid);
	for (i = 0; i < POOL_HOOKS_MAX && pool_disconnect_hooks[i] != NULL; i++)
		pool_disconnect_hooks[i](pu, h->ph_uuid);
	D_FREE(h);
	return rc;
}

uint32_t
ds_pool_evict(struct ds_pool *pool)
{
	uint32_t n = 0;
	uuid_t   pu;

	uuid_copy(pu, pool->p_uuid);
	pool->p_busy++; /* not destroyed under us while the deletes yield */
	while (!d_list_empty(&pool->p_handles)) {
		pool_hdl_drop(pool, d_list_entry(pool->p_handles.next, struct ds_pool_hdl, ph_link));
		n++;
	}
	/* and any record DRAM did not know (a delete that failed earlier is retried here) */
	pool_hdl_recs_del(pu);
	pool->p_busy--;
	return n;
}

static void
pool_connect_handler(struct rpc_req *req, void *arg)
{
	struct ds_pool      *pool;
	struct ds_pool_hdl  *h;
	struct dsp_pool_info pi;
	struct ddec          d;
	struct denc          e;
	char                 id[DSP_LABEL_MAX + 1];
	uuid_t               hdl;
	uint64_t             flags;
	const void          *body;
	uint32_t             len;
	int                  rc;

	(void)arg;
	denc_init(&e);
	rc = dss_req_begin();
	if (rc != 0) {
		dss_reply(req, rc, NULL);
		return;
	}
	body = rpc_req_body(req, &len);
	ddec_init(&d, body, len);
	ddec_str(&d, id, sizeof(id));
	ddec_uuid(&d, hdl);
	flags = ddec_u64(&d);
	rc    = ddec_finish(&d);
	if (rc != 0)
		goto out;
	if ((flags & (DAOS_PC_RO | DAOS_PC_RW | DAOS_PC_EX)) == 0 ||
	    (flags & ~(uint64_t)DAOS_PC_MASK) != 0) {
		rc = -DER_INVAL;
		goto out;
	}
	pool = ds_pool_lookup(id);
	if (pool == NULL) {
		rc = -DER_NONEXIST;
		goto out;
	}
	/* not destroyed under us while the record and the query yield */
	pool->p_busy++;
	if (ds_pool_hdl_find(pool, hdl) == NULL) {
		D_ALLOC_PTR(h);
		if (h == NULL) {
			rc = -DER_NOMEM;
			goto busy;
		}
		uuid_copy(h->ph_uuid, hdl);
		h->ph_flags = flags;
		h->ph_time  = d_hlc_get();
		pool_hdl_link(pool, h);
		/* durable before the client learns it has a handle */
		rc = pool_hdl_rec_put(pool, h);
		h  = ds_pool_hdl_find(pool, hdl); /* an evict may have run meanwhile */
		if (rc != 0) {
			DL_ERROR(rc, "pool " DF_UUID ": handle record", DP_UUID(pool->p_uuid));
			if (h != NULL)
				pool_hdl_drop(pool, h);
			goto busy;
		}
		if (h == NULL) {
			/* evicted while its record was written: the record goes too */
			pool_hdl_rec_del(pool->p_uuid, hdl);
			rc = -DER_NO_HDL;
			goto busy;
		}
	}
	rc = ds_pool_query(pool, &pi);
	if (rc == 0) {
		dsp_pool_info_encode(&e, &pi);
		denc_u32(&e, dss_nr_targets());
		denc_u32(&e, pool->p_map_version);
	}
busy:
	pool->p_busy--;
out:
	dss_reply(req, rc, &e);
	dss_req_end();
}

/* Decode "uuid pool, uuid handle" and find both. */
static int
pool_hdl_decode(struct ddec *d, struct ds_pool **poolp, struct ds_pool_hdl **hp)
{
	uuid_t pu, hu;

	ddec_uuid(d, pu);
	ddec_uuid(d, hu);
	if (ddec_finish(d) != 0)
		return -DER_PROTO;
	*poolp = ds_pool_lookup_uuid(pu);
	if (*poolp == NULL)
		return -DER_NONEXIST;
	*hp = ds_pool_hdl_find(*poolp, hu);
	return *hp == NULL ? -DER_NO_HDL : 0;
}

/*
 * How a request on a pool handle starts: false when the server does not
 * serve now (the request is answered: return at once); else *rc is the
 * handle's lookup at the head of the body, d left after it, and the caller
 * ends with dss_reply() and dss_req_end().
 */
static bool
pool_req_begin(struct rpc_req *req, struct ddec *d, struct ds_pool **poolp,
	       struct ds_pool_hdl **hp, int *rc)
{
	const void *body;
	uint32_t    len;

	*rc = dss_req_begin();
	if (*rc != 0) {
		dss_reply(req, *rc, NULL);
		return false;
	}
	body = rpc_req_body(req, &len);
	ddec_init(d, body, len);
	*rc = pool_hdl_decode(d, poolp, hp);
	return true;
}

static void
pool_disconnect_handler(struct rpc_req *req, void *arg)
{
	struct ds_pool     *pool;
	struct ds_pool_hdl *h;
	struct ddec         d;
	int                 rc;

	(void)arg;
	if (!pool_req_begin(req, &d, &pool, &h, &rc))
		return;
	if (rc == 0) {
		pool->p_busy++;
		rc = pool_hdl_drop(pool, h);
		pool->p_busy--;
	}
	dss_reply(req, rc, NULL);
	dss_req_end();
}

static void
pool_query_handler(struct rpc_req *req, void *arg)
{
	struct ds_pool      *pool;
	struct ds_pool_hdl  *h;
	struct dsp_pool_info pi;
	struct ddec          d;
	struct denc          e;
	int                  rc;

	(void)arg;
	if (!pool_req_begin(req, &d, &pool, &h, &rc))
		return;
	denc_init(&e);
	if (rc == 0)
		rc = ds_pool_query(pool, &pi);
	if (rc == 0) {
		dsp_pool_info_encode(&e, &pi);
		dsp_props_encode(&e, &pool->p_props);
	}
	dss_reply(req, rc, &e);
	dss_req_end();
}

/* ---- one target ---- */

struct pool_tgt_info {
	struct ds_pool *ti_pool;
	uint32_t        ti_state;
	uint64_t        ti_data_total, ti_data_free, ti_meta_total;
};

static int
tgt_info_tgt(int tgt, void *arg)
{
	struct pool_tgt_info *ti = arg;
	struct vos_store     *vs = dss_shard_store(ti->ti_pool->p_uuid);

	(void)tgt;
	if (vs == NULL)
		return -DER_NONEXIST;
	/* an I/O error has taken the shard out of service */
	ti->ti_state = bio_target_faulty(vos_store_bio(vs)) ? DAOS_TS_DOWN : DAOS_TS_UP_IN;
	return dss_shard_space(ti->ti_pool->p_uuid, &ti->ti_data_total, &ti->ti_data_free,
			       &ti->ti_meta_total);
}

static void
pool_query_target_handler(struct rpc_req *req, void *arg)
{
	struct pool_tgt_info ti = {0};
	struct ds_pool_hdl  *h;
	struct ddec          d;
	struct denc          e;
	uint32_t             rank, tgt;
	int                  rc;

	(void)arg;
	if (!pool_req_begin(req, &d, &ti.ti_pool, &h, &rc))
		return;
	denc_init(&e);
	rank = ddec_u32(&d);
	tgt  = ddec_u32(&d);
	if (rc == 0)
		rc = ddec_finish(&d);
	if (rc == 0 && (rank != dss_self_rank() || tgt >= dss_nr_targets()))
		rc = -DER_NONEXIST;
	if (rc == 0)
		rc = dss_tgt_run((int)tgt, tgt_info_tgt, &ti);
	if (rc == 0) {
		denc_u32(&e, ti.ti_state);
		denc_u64(&e, ti.ti_meta_total);
		denc_u64(&e, ti.ti_meta_total); /* META holds checkpoint images: wholly free */
		denc_u64(&e, ti.ti_data_total);
		denc_u64(&e, ti.ti_data_free);
	}
	dss_reply(req, rc, &e);
	dss_req_end();
}

/* ---- user attributes (engine/srv_attr.c keeps them) ---- */

static void
pool_attr_handler(struct rpc_req *req, void *arg)
{
	uint16_t            opc = (uint16_t)(uintptr_t)arg;
	uint8_t             prefix[DSS_ATTR_PREFIX];
	struct ds_pool     *pool;
	struct ds_pool_hdl *h;
	struct ddec         d;
	struct denc         e;
	int                 rc;

	if (!pool_req_begin(req, &d, &pool, &h, &rc))
		return;
	denc_init(&e);
	if (rc == 0 && (opc == DSP_POOL_ATTR_SET || opc == DSP_POOL_ATTR_DEL) &&
	    !(h->ph_flags & (DAOS_PC_RW | DAOS_PC_EX)))
		rc = -DER_NO_PERM;
	if (rc == 0) {
		pool_attr_prefix(pool, prefix);
		if (opc == DSP_POOL_ATTR_LIST)
			rc = dss_attr_list(prefix, &d, &e);
		else if (opc == DSP_POOL_ATTR_GET)
			rc = dss_attr_get(prefix, &d, &e);
		else if (opc == DSP_POOL_ATTR_SET)
			rc = dss_attr_set(prefix, &d);
		else
			rc = dss_attr_del(prefix, &d);
	}
	dss_reply(req, rc, &e);
	dss_req_end();
}

/* ---- life cycle ---- */

static int
pool_init_sys(struct rpc_ctx *ctx)
{
	static const uint16_t attr_opcs[] = {DSP_POOL_ATTR_LIST, DSP_POOL_ATTR_GET,
					     DSP_POOL_ATTR_SET, DSP_POOL_ATTR_DEL};
	size_t                i;
	int                   rc;

	rc = rpc_register(ctx, DSP_POOL_CONNECT, pool_connect_handler, NULL);
	if (rc == 0)
		rc = rpc_register(ctx, DSP_POOL_DISCONNECT, pool_disconnect_handler, NULL);
	if (rc == 0)
		rc = rpc_register(ctx, DSP_POOL_QUERY, pool_query_handler, NULL);
	if (rc == 0)
		rc = rpc_register(ctx, DSP_POOL_QUERY_TARGET, pool_query_target_handler, NULL);
	/* the opcode as the argument: one handler serves the four attribute calls */
	for (i = 0; rc == 0 && i < ARRAY_SIZE(attr_opcs); i++)
		rc = rpc_register(ctx, attr_opcs[i], pool_attr_handler,
				  (void *)(uintptr_t)attr_opcs[i]);
	return rc;
}

static int
pool_load_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct ds_pool *pool = pool_alloc();
	int             rc;

	(void)key;
	(void)klen;
	(void)arg;
	if (pool == NULL)
		return -DER_NOMEM;
	rc = pool_rec_decode(val, vlen, pool);
	if (rc != 0) {
		DL_ERROR(rc, "a pool record in the system database is unreadable");
		pool_free(pool);
		return rc;
	}
	d_list_add_tail(&pool->p_link, &pool_list);
	pool_nr++;
	return 0;
}

/* A handle record: back in its pool's list, or removed when its pool is gone. */
static int
pool_hdl_load_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct dsp_pool_hdl_rec r;
	struct ds_pool_hdl     *h;
	struct ds_pool         *pool;
	uint32_t               *n = arg;
	int                     rc;

	rc = dsp_pool_hdl_rec_decode(key, klen, val, vlen, &r);
	if (rc == -DER_DF_INCOMPT) {
		DL_ERROR(rc, "a pool handle record is of a newer version");
		return rc;
	}
	pool = rc == 0 ? ds_pool_lookup_uuid(r.phr_pool) : NULL;
	if (pool == NULL) {
		/* damaged, or its pool is gone: a handle nobody can use */
		if (rc != 0)
			DL_ERROR(rc, "an unreadable pool handle record is removed");
		return dss_sysdb_del(DSS_TBL_POOL_HDL, key, klen);
	}
	if (ds_pool_hdl_find(pool, r.phr_hdl) != NULL)
		return 0;
	D_ALLOC_PTR(h);
	if (h == NULL)
		return -DER_NOMEM;
	uuid_copy(h->ph_uuid, r.phr_hdl);
	h->ph_flags = r.phr_flags;
	h->ph_time  = r.phr_time;
	pool_hdl_link(pool, h);
	(*n)++;
	return 0;
}

static int
pool_load(void)
{
	struct ds_pool *pool, *tmp;
	uint32_t        nhdls = 0;
	int             rc;

	rc = dss_sysdb_foreach(DSS_TBL_POOL, pool_load_one, NULL);
	if (rc != 0)
		return rc;
	d_list_for_each_entry_safe(pool, tmp, &pool_list, p_link) {
		if (pool->p_state != DSP_POOL_READY) {
			/* a create or destroy the last run did not finish */
			D_WARN("pool " DF_UUID ": unfinished %s, removing it\n",
			       DP_UUID(pool->p_uuid),
			       pool->p_state == DSP_POOL_CREATING ? "create" : "destroy");
			rc = pool_remove(pool);
			if (rc != 0)
				return rc;
			pool_unlink(pool);
			pool_free(pool);
			continue;
		}
		rc = dss_tgt_foreach(shard_open_tgt, pool);
		if (rc != 0) {
			DL_ERROR(rc, "pool " DF_UUID ": cannot open its shards",
				 DP_UUID(pool->p_uuid));
			return rc;
		}
	}
	rc = dss_sysdb_foreach(DSS_TBL_POOL_HDL, pool_hdl_load_one, &nhdls);
	if (rc != 0) {
		DL_ERROR(rc, "pool handles not loaded");
		return rc;
	}
	if (nhdls > 0)
		D_INFO("%u pool handles reloaded\n", nhdls);
	return 0;
}

static void
pool_unload(void)
{
	struct ds_pool *pool, *tmp;

	d_list_for_each_entry_safe(pool, tmp, &pool_list, p_link) {
		dss_tgt_foreach(shard_close_tgt, pool);
		pool_unlink(pool);
		pool_free(pool);
	}
}

const struct dss_module ds_pool_module = {
	.sm_name     = "pool",
	.sm_init_sys = pool_init_sys,
	.sm_load     = pool_load,
	.sm_unload   = pool_unload,
};
