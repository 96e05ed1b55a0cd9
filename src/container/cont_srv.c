/*
 * The container service (system thread), and the container handles every
 * target keeps for the object service.
 *
 * Durable: a record per container in DSS_TBL_CONT (key pool uuid + cont
 * uuid) and one entry per user attribute in DSS_TBL_ATTR (key pool uuid +
 * cont uuid + name), and one record per open handle in DSS_TBL_CONT_HDL
 * (key pool uuid + cont uuid + handle uuid; srv_proto.h). In DRAM: the same
 * records (loaded at start, written through); at load every handle is
 * handed to every target again, so a client's handle works across a
 * restart. A handle whose pool handle, container or pool is gone is removed
 * when found (at load, close, disconnect, evict, destroy).
 */
#include <daos_prop.h>
#include <daos_cont.h>
#include <daos_pool.h>
#include "rpc/rpc.h"
#include "vos/vos.h"
#include "pool/ds_pool.h"
#include "sched/sched.h"
#include "cont_internal.h"
#include "common/acl.h"

#define CONT_REC_VERSION 1u
#define CONT_SNAP_MAX    1024

struct ds_cont_snap {
	uint64_t cs_epoch;
	char     cs_name[DSP_LABEL_MAX + 1];
};

struct ds_cont {
	d_list_t             c_link;
	uuid_t               c_pool;
	uuid_t               c_uuid;
	char                 c_label[DSP_LABEL_MAX + 1];
	struct dsp_props     c_props;
	uint64_t             c_create_time;
	uint64_t             c_open_time;
	uint64_t             c_mod_time;
	uint64_t             c_next_oid;
	uint32_t             c_nsnaps;
	struct ds_cont_snap *c_snaps; /* ascending epochs */
	uint32_t             c_nhandles;
	bool                 c_destroying;
	bool                 c_snap_busy;  /* a snapshot create/destroy is under way */
};

struct ds_cont_hdl {
	d_list_t ch_link;
	uuid_t   ch_coh;
	uuid_t   ch_poh;
	struct ds_cont *ch_cont;
	uint64_t ch_flags;
	uint64_t ch_time; /* HLC at open */
};

static d_list_t cont_list = D_LIST_HEAD_INIT(cont_list); /* struct ds_cont */
static d_list_t hdl_list  = D_LIST_HEAD_INIT(hdl_list);  /* struct ds_cont_hdl */

/* Per target, touched only by its own thread. */
struct cont_tgt_entry {
	d_list_t               te_link;
	struct ds_cont_tgt_hdl te_hdl;
};
static d_list_t tgt_hdls[DSS_TGT_MAX];

/* ---- records ---- */

static void
cont_key(const struct ds_cont *c, uint8_t key[32])
{
	memcpy(key, c->c_pool, 16);
	memcpy(key + 16, c->c_uuid, 16);
}

static int
cont_rec_put(struct ds_cont *c)
{
	struct denc e;
	uint8_t     key[32];
	void       *buf;
	uint32_t    len, i;
	int         rc;

	denc_init(&e);
	denc_u32(&e, CONT_REC_VERSION);
	denc_uuid(&e, c->c_pool);
	denc_uuid(&e, c->c_uuid);
	denc_str(&e, c->c_label);
	denc_u64(&e, c->c_create_time);
	denc_u64(&e, c->c_open_time);
	denc_u64(&e, c->c_mod_time);
	denc_u64(&e, c->c_next_oid);
	denc_u32(&e, c->c_nsnaps);
	for (i = 0; i < c->c_nsnaps; i++) {
		denc_u64(&e, c->c_snaps[i].cs_epoch);
		denc_str(&e, c->c_snaps[i].cs_name);
	}
	dsp_props_encode(&e, &c->c_props);
	rc = denc_finish(&e, 0, &buf, &len);
	if (rc != 0)
		return rc;
	cont_key(c, key);
	rc = dss_sysdb_put(DSS_TBL_CONT, key, sizeof(key), buf, len);
	D_FREE(buf);
	return rc;
}

static void
cont_free(struct ds_cont *c)
{
	dsp_props_fini(&c->c_props);
	D_FREE(c->c_snaps);
	D_FREE(c);
}

static int
cont_rec_decode(const void *buf, size_t len, struct ds_cont *c)
{
	struct ddec d;
	uint32_t    i;
	int         rc;

	ddec_init(&d, buf, len);
	if (ddec_u32(&d) > CONT_REC_VERSION)
		return -DER_DF_INCOMPT;
	ddec_uuid(&d, c->c_pool);
	ddec_uuid(&d, c->c_uuid);
	ddec_str(&d, c->c_label, sizeof(c->c_label));
	c->c_create_time = ddec_u64(&d);
	c->c_open_time   = ddec_u64(&d);
	c->c_mod_time    = ddec_u64(&d);
	c->c_next_oid    = ddec_u64(&d);
	c->c_nsnaps      = ddec_count(&d, CONT_SNAP_MAX, 12);
	if (c->c_nsnaps > 0) {
		D_ALLOC_ARRAY(c->c_snaps, c->c_nsnaps);
		if (c->c_snaps == NULL)
			return -DER_NOMEM;
	}
	for (i = 0; i < c->c_nsnaps; i++) {
		c->c_snaps[i].cs_epoch = ddec_u64(&d);
		ddec_str(&d, c->c_snaps[i].cs_name, sizeof(c->c_snaps[i].cs_name));
	}
	rc = dsp_props_decode(&d, &c->c_props);
	if (rc == 0)
		rc = ddec_finish(&d);
	return rc == -DER_PROTO ? -DER_DF_INVAL : rc;
}

static struct ds_cont *
cont_find(const uuid_t pool, const char *id)
{
	struct ds_cont *c;
	uuid_t          uuid;
	bool            by_uuid = dsp_id_is_uuid(id, uuid);

	d_list_for_each_entry(c, &cont_list, c_link) {
		if (uuid_compare(c->c_pool, pool) != 0 || c->c_destroying)
			continue;
		if (by_uuid ? uuid_compare(c->c_uuid, uuid) == 0 : strcmp(c->c_label, id) == 0)
			return c;
	}
	return NULL;
}

static struct ds_cont *
cont_find_uuid(const uuid_t pool, const uuid_t cont)
{
	struct ds_cont *c;

	d_list_for_each_entry(c, &cont_list, c_link) {
		if (uuid_compare(c->c_pool, pool) == 0 && uuid_compare(c->c_uuid, cont) == 0)
			return c;
	}
	return NULL;
}

/* ---- aggregation settings on the targets (cont_agg.c) ---- */

static bool
cont_pool_reclaims(const uuid_t pool)
{
	struct ds_pool        *p  = ds_pool_lookup_uuid(pool);
	const struct dsp_prop *rp = p == NULL ? NULL : dsp_props_find(&p->p_props, DAOS_PROP_PO_RECLAIM);

	return rp == NULL || rp->dp_val != DAOS_RECLAIM_DISABLED;
}

/* Tell every target c's snapshots and its pool's reclaim setting. */
static int
cont_agg_sync(const struct ds_cont *c)
{
	struct cont_agg_push ap = {0};
	daos_epoch_t        *eps = NULL;
	uint32_t             i;
	int                  rc;

	if (c->c_nsnaps > 0) {
		D_ALLOC_ARRAY(eps, c->c_nsnaps);
		if (eps == NULL)
			return -DER_NOMEM;
		for (i = 0; i < c->c_nsnaps; i++)
			eps[i] = c->c_snaps[i].cs_epoch;
	}
	uuid_copy(ap.ap_pool, c->c_pool);
	uuid_copy(ap.ap_cont, c->c_uuid);
	ap.ap_snaps   = eps;
	ap.ap_nsnaps  = c->c_nsnaps;
	ap.ap_reclaim = cont_pool_reclaims(c->c_pool);
	rc            = cont_agg_push(&ap);
	D_FREE(eps);
	return rc;
}

static void
cont_agg_forget(const struct ds_cont *c)
{
	struct cont_agg_push ap = {.ap_drop = true};

	uuid_copy(ap.ap_pool, c->c_pool);
	uuid_copy(ap.ap_cont, c->c_uuid);
	(void)cont_agg_push(&ap);
}

static void
cont_on_pool_props(const uuid_t pool)
{
	struct ds_cont *c;
	int             rc;

	d_list_for_each_entry(c, &cont_list, c_link) {
		if (uuid_compare(c->c_pool, pool) != 0 || c->c_destroying)
			continue;
		rc = cont_agg_sync(c);
		if (rc != 0)
			DL_ERROR(rc, "container " DF_UUID ": reclaim setting not passed on",
				 DP_UUID(c->c_uuid));
	}
}

/* ---- properties ---- */

static int
cont_prop_check(const struct dsp_prop *p, bool creating)
{
	switch (p->dp_type) {
	case DAOS_PROP_CO_LABEL:
		return p->dp_kind == DSP_PROP_STR && dsp_label_valid(p->dp_str) ? 0 : -DER_INVAL;
	case DAOS_PROP_CO_LAYOUT_TYPE:
	case DAOS_PROP_CO_LAYOUT_VER:
	case DAOS_PROP_CO_CSUM:
	case DAOS_PROP_CO_CSUM_CHUNK_SIZE:
	case DAOS_PROP_CO_CSUM_SERVER_VERIFY:
	case DAOS_PROP_CO_REDUN_FAC:
	case DAOS_PROP_CO_REDUN_LVL:
	case DAOS_PROP_CO_COMPRESS:
	case DAOS_PROP_CO_ENCRYPT:
	case DAOS_PROP_CO_DEDUP:
	case DAOS_PROP_CO_DEDUP_THRESHOLD:
	case DAOS_PROP_CO_EC_CELL_SZ:
	case DAOS_PROP_CO_EC_PDA:
	case DAOS_PROP_CO_RP_PDA:
	case DAOS_PROP_CO_PERF_DOMAIN:
		/* the data layout is fixed once objects may exist */
		if (!creating && p->dp_type != DAOS_PROP_CO_REDUN_LVL)
			return -DER_NO_PERM;
		break;
	case DAOS_PROP_CO_SNAPSHOT_MAX:
	case DAOS_PROP_CO_STATUS:
	case DAOS_PROP_CO_SCRUBBER_DISABLED:
		break;
	case DAOS_PROP_CO_ACL:
		/* kept only if well formed (daos_acl_validate), not enforced yet */
		return p->dp_kind == DSP_PROP_BYTES ? dacl_check_bytes(p->dp_str, p->dp_val)
						    : -DER_INVAL;
	case DAOS_PROP_CO_OWNER:
	case DAOS_PROP_CO_OWNER_GROUP:
		return p->dp_kind == DSP_PROP_STR && daos_acl_principal_is_valid(p->dp_str)
			   ? 0
			   : -DER_INVAL;
	case DAOS_PROP_CO_ROOTS:
		/* a middleware's (DFS's) root objects, kept as they come */
		return p->dp_kind == DSP_PROP_BYTES && p->dp_val == sizeof(struct daos_prop_co_roots)
			   ? 0
			   : -DER_INVAL;
	default:
		return -DER_INVAL;
	}
	if (p->dp_kind != DSP_PROP_VAL)
		return -DER_INVAL;
	switch (p->dp_type) {
	case DAOS_PROP_CO_CSUM:
		return p->dp_val <= DAOS_PROP_CO_CSUM_ADLER32 && p->dp_val != DAOS_PROP_CO_CSUM_SHA1 &&
			       p->dp_val != DAOS_PROP_CO_CSUM_SHA256 &&
			       p->dp_val != DAOS_PROP_CO_CSUM_SHA512
			   ? 0
			   : -DER_NOTSUPPORTED;
	case DAOS_PROP_CO_CSUM_CHUNK_SIZE:
		return p->dp_val > 0 && p->dp_val <= (1u << 30) ? 0 : -DER_INVAL;
	case DAOS_PROP_CO_CSUM_SERVER_VERIFY:
		return p->dp_val <= DAOS_PROP_CO_CSUM_SV_ON ? 0 : -DER_INVAL;
	case DAOS_PROP_CO_REDUN_FAC:
		return p->dp_val <= DAOS_PROP_CO_REDUN_RF4 ? 0 : -DER_INVAL;
	case DAOS_PROP_CO_LAYOUT_TYPE:
		return p->dp_val < DAOS_PROP_CO_LAYOUT_MAX ? 0 : -DER_INVAL;
	default:
		return 0;
	}
}

static int
cont_props_check(const struct dsp_props *props, bool creating, const uuid_t pool,
		 const struct ds_cont *self)
{
	const struct dsp_prop *lp;
	struct ds_cont        *other;
	uint32_t               i;
	int                    rc;

	for (i = 0; i < props->dps_nr; i++) {
		rc = cont_prop_check(&props->dps_props[i], creating);
		if (rc != 0)
			return rc;
	}
	lp = dsp_props_find(props, DAOS_PROP_CO_LABEL);
	if (lp != NULL) {
		other = cont_find(pool, lp->dp_str);
		if (other != NULL && other != self)
			return -DER_EXIST;
	}
	return 0;
}

/* DAOS's default container ACL: the owner may do all, the owner group read and write. */
static int
cont_acl_default(struct dsp_props *p)
{
	struct daos_acl *acl = dacl_cont_default();
	struct dsp_prop  dp;
	struct dsp_props one = {.dps_nr = 1, .dps_props = &dp};
	int              rc;

	if (acl == NULL)
		return -DER_NOMEM;
	dp.dp_type = DAOS_PROP_CO_ACL;
	dp.dp_kind = DSP_PROP_BYTES;
	dp.dp_val  = (uint64_t)daos_acl_get_size(acl);
	dp.dp_str  = (char *)acl;
	rc         = dsp_props_merge(p, &one);
	daos_acl_free(acl);
	return rc;
}

/* DAOS's defaults, with checksums on (CRC32, server verify) as our users expect. */
static int
cont_props_default(struct dsp_props *p)
{
	static const struct {
		uint32_t t;
		uint64_t v;
	} vals[] = {
		{DAOS_PROP_CO_LAYOUT_TYPE, DAOS_PROP_CO_LAYOUT_UNKNOWN},
		{DAOS_PROP_CO_LAYOUT_VER, 1},
		{DAOS_PROP_CO_CSUM, DAOS_PROP_CO_CSUM_CRC32},
		{DAOS_PROP_CO_CSUM_CHUNK_SIZE, 32768},
		{DAOS_PROP_CO_CSUM_SERVER_VERIFY, DAOS_PROP_CO_CSUM_SV_ON},
		{DAOS_PROP_CO_REDUN_FAC, DAOS_PROP_CO_REDUN_RF0},
		{DAOS_PROP_CO_REDUN_LVL, DAOS_PROP_CO_REDUN_RANK},
		{DAOS_PROP_CO_SNAPSHOT_MAX, 0},
		{DAOS_PROP_CO_COMPRESS, DAOS_PROP_CO_COMPRESS_OFF},
		{DAOS_PROP_CO_ENCRYPT, DAOS_PROP_CO_ENCRYPT_OFF},
		{DAOS_PROP_CO_DEDUP, DAOS_PROP_CO_DEDUP_OFF},
		{DAOS_PROP_CO_DEDUP_THRESHOLD, 4096},
		{DAOS_PROP_CO_EC_CELL_SZ, 1u << 20},
		{DAOS_PROP_CO_STATUS, 0},
	};
	size_t i;
	int    rc = 0;

	for (i = 0; rc == 0 && i < ARRAY_SIZE(vals); i++)
		rc = dsp_props_set_val(p, vals[i].t, vals[i].v);
	if (rc == 0)
		rc = dsp_props_set_str(p, DAOS_PROP_CO_OWNER, "root@");
	if (rc == 0)
		rc = dsp_props_set_str(p, DAOS_PROP_CO_OWNER_GROUP, "root@");
	if (rc == 0)
		rc = cont_acl_default(p);
	return rc;
}

/* Read-only values reported with the properties. */
static int
cont_props_report(const struct ds_cont *c, struct denc *e)
{
	struct dsp_props p = {0};
	int              rc;

	rc = dsp_props_merge(&p, &c->c_props);
	if (rc == 0)
		rc = dsp_props_set_val(&p, DAOS_PROP_CO_ALLOCED_OID, c->c_next_oid);
	if (rc == 0)
		dsp_props_encode(e, &p);
	dsp_props_fini(&p);
	return rc;
}

/* ---- targets: VOS containers and handles ---- */

struct cont_tgt_arg {
	uuid_t                 ta_pool;
	uuid_t                 ta_cont;
	struct ds_cont_tgt_hdl ta_hdl;
};

static int
tgt_cont_create(int tgt, void *arg)
{
	struct cont_tgt_arg *ta = arg;
	struct vos_store    *vs = dss_shard_store(ta->ta_pool);

	(void)tgt;
	if (vs == NULL)
		return -DER_NONEXIST;
	return vos_cont_create(vos_store_vos(vs), ta->ta_cont);
}

static int
tgt_cont_destroy(int tgt, void *arg)
{
	struct cont_tgt_arg *ta = arg;
	struct vos_store    *vs = dss_shard_store(ta->ta_pool);
	int                  rc;

	(void)tgt;
	if (vs == NULL)
		return 0; /* the pool's shard is gone already */
	rc = vos_cont_destroy(vos_store_vos(vs), ta->ta_cont);
	return rc == -DER_NONEXIST ? 0 : rc;
}

static d_list_t *
tgt_list(int tgt)
{
	d_list_t *l = &tgt_hdls[tgt];

	if (l->next == NULL)
		D_INIT_LIST_HEAD(l);
	return l;
}

static int
tgt_hdl_add(int tgt, void *arg)
{
	struct cont_tgt_arg   *ta = arg;
	struct cont_tgt_entry *te;

	D_ALLOC_PTR(te);
	if (te == NULL)
		return -DER_NOMEM;
	te->te_hdl = ta->ta_hdl;
	d_list_add_tail(&te->te_link, tgt_list(tgt));
	return 0;
}

static int
tgt_hdl_del(int tgt, void *arg)
{
	struct cont_tgt_arg   *ta = arg;
	struct cont_tgt_entry *te, *tmp;

	d_list_for_each_entry_safe(te, tmp, tgt_list(tgt), te_link) {
		if (uuid_compare(te->te_hdl.th_coh, ta->ta_hdl.th_coh) == 0) {
			d_list_del(&te->te_link);
			D_FREE(te);
		}
	}
	return 0;
}

const struct ds_cont_tgt_hdl *
ds_cont_tgt_hdl_find(const uuid_t coh)
{
	struct cont_tgt_entry *te;
	int                    tgt = dss_tgt_self();

	D_ASSERT(tgt >= 0);
	d_list_for_each_entry(te, tgt_list(tgt), te_link) {
		if (uuid_compare(te->te_hdl.th_coh, coh) == 0)
			return &te->te_hdl;
	}
	return NULL;
}

/* ---- handles (system thread) ---- */

static struct ds_cont_hdl *
hdl_find(const uuid_t coh)
{
	struct ds_cont_hdl *h;

	d_list_for_each_entry(h, &hdl_list, ch_link) {
		if (uuid_compare(h->ch_coh, coh) == 0)
			return h;
	}
	return NULL;
}

static void
hdl_key(const struct ds_cont_hdl *h, uint8_t key[DSP_CONT_HDL_KEY_LEN])
{
	dsp_cont_hdl_key(h->ch_cont->c_pool, h->ch_cont->c_uuid, h->ch_coh, key);
}

static int
hdl_rec_put(const struct ds_cont_hdl *h)
{
	struct dsp_cont_hdl_rec r = {0};
	uint8_t                 key[DSP_CONT_HDL_KEY_LEN];
	void                   *buf;
	uint32_t                len;
	int                     rc;

	uuid_copy(r.chr_pool, h->ch_cont->c_pool);
	uuid_copy(r.chr_cont, h->ch_cont->c_uuid);
	uuid_copy(r.chr_coh, h->ch_coh);
	uuid_copy(r.chr_poh, h->ch_poh);
	r.chr_flags = h->ch_flags;
	r.chr_time  = h->ch_time;
	rc          = dsp_cont_hdl_rec_encode(&r, &buf, &len);
	if (rc != 0)
		return rc;
	hdl_key(h, key);
	rc = dss_sysdb_put(DSS_TBL_CONT_HDL, key, sizeof(key), buf, len);
	D_FREE(buf);
	return rc;
}

static int
hdl_rec_del_key(const uint8_t key[DSP_CONT_HDL_KEY_LEN])
{
	int rc = dss_sysdb_del(DSS_TBL_CONT_HDL, key, DSP_CONT_HDL_KEY_LEN);

	if (rc != 0)
		DL_ERROR(rc, "container handle " DF_UUID "'s record not removed", DP_UUID(key + 32));
	return rc;
}

struct hdl_rec_prefix {
	const uint8_t *hp_key;
	size_t         hp_len;
};

static int
hdl_rec_del_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct hdl_rec_prefix *hp = arg;

	(void)val;
	(void)vlen;
	if (klen == DSP_CONT_HDL_KEY_LEN && memcmp(key, hp->hp_key, hp->hp_len) == 0)
		return dss_sysdb_del(DSS_TBL_CONT_HDL, key, klen);
	return 0;
}

/* Remove every handle record under a key prefix: a pool (16 bytes), a container (32). */
static int
hdl_recs_del(const uint8_t *prefix, size_t len)
{
	struct hdl_rec_prefix hp = {.hp_key = prefix, .hp_len = len};
	int                   rc;

	rc = dss_sysdb_foreach(DSS_TBL_CONT_HDL, hdl_rec_del_one, &hp);
	if (rc != 0)
		DL_ERROR(rc, "container handle records not removed");
	return rc;
}

/* What a target keeps of a handle. */
static void
hdl_tgt_fill(const struct ds_cont_hdl *h, struct cont_tgt_arg *ta)
{
	const struct ds_cont  *c = h->ch_cont;
	const struct dsp_prop *p;

	memset(ta, 0, sizeof(*ta));
	uuid_copy(ta->ta_hdl.th_coh, h->ch_coh);
	uuid_copy(ta->ta_hdl.th_pool, c->c_pool);
	uuid_copy(ta->ta_hdl.th_cont, c->c_uuid);
	ta->ta_hdl.th_flags      = h->ch_flags;
	p                        = dsp_props_find(&c->c_props, DAOS_PROP_CO_CSUM);
	ta->ta_hdl.th_csum       = p != NULL ? (uint32_t)p->dp_val : 0;
	p                        = dsp_props_find(&c->c_props, DAOS_PROP_CO_CSUM_SERVER_VERIFY);
	ta->ta_hdl.th_srv_verify = p != NULL && p->dp_val == DAOS_PROP_CO_CSUM_SV_ON;
}

static void
hdl_link(struct ds_cont_hdl *h)
{
	d_list_add_tail(&h->ch_link, &hdl_list);
	h->ch_cont->c_nhandles++;
}

/*
 * Close a handle: out of the list first (nobody finds it while the rest
 * yields), then from the targets and, when keep_rec is false, its record.
 * keep_rec: the server is stopping (the handle lives on in its record).
 * A record that cannot be deleted is logged and returned: the handle comes
 * back at the next start (a forced destroy, an evict or its pool handle's
 * disconnect removes it then).
 */
static int
hdl_drop(struct ds_cont_hdl *h, bool keep_rec)
{
	struct cont_tgt_arg ta = {0};
	uint8_t             key[DSP_CONT_HDL_KEY_LEN];
	int                 rc = 0;

	hdl_key(h, key);
	uuid_copy(ta.ta_hdl.th_coh, h->ch_coh);
	d_list_del(&h->ch_link);
	h->ch_cont->c_nhandles--;
	D_FREE(h);
	if (!keep_rec)
		rc = hdl_rec_del_key(key);
	dss_tgt_foreach(tgt_hdl_del, &ta);
	return rc;
}

static int
hdl_close(struct ds_cont_hdl *h)
{
	return hdl_drop(h, false);
}

/* The first handle opened through pool handle poh (NULL: any), or NULL. */
static struct ds_cont_hdl *
hdl_find_poh(const uuid_t poh, const struct ds_cont *c)
{
	struct ds_cont_hdl *h;

	d_list_for_each_entry(h, &hdl_list, ch_link) {
		if ((poh == NULL || uuid_compare(h->ch_poh, poh) == 0) &&
		    (c == NULL || h->ch_cont == c))
			return h;
	}
	return NULL;
}

static void
cont_on_pool_disconnect(const uuid_t pool, const uuid_t poh)
{
	struct ds_cont_hdl *h;

	(void)pool;
	/* one at a time from the head: closing yields, the list may change meanwhile */
	while ((h = hdl_find_poh(poh, NULL)) != NULL)
		hdl_close(h);
}

/* Remove a container's records (not its VOS containers). */
static int
cont_rec_remove(struct ds_cont *c)
{
	uint8_t key[32];
	int     rc;

	cont_key(c, key);
	rc = hdl_recs_del(key, sizeof(key));
	if (rc == 0)
		rc = dss_attr_del_all(key);
	if (rc == 0)
		rc = dss_sysdb_del(DSS_TBL_CONT, key, sizeof(key));
	return rc;
}

static void
cont_on_pool_destroy(const uuid_t pool)
{
	struct ds_cont *c, *tmp;
	int             rc;

	/* its handles were closed with its pool handles; records DRAM did not know too */
	hdl_recs_del(pool, sizeof(uuid_t));
	cont_agg_drop_pool(pool);
	d_list_for_each_entry_safe(c, tmp, &cont_list, c_link) {
		if (uuid_compare(c->c_pool, pool) != 0)
			continue;
		rc = cont_rec_remove(c);
		if (rc != 0)
			DL_ERROR(rc, "container " DF_UUID ": records not removed", DP_UUID(c->c_uuid));
		d_list_del(&c->c_link);
		cont_free(c);
	}
}

/* ---- request handling ---- */

/* What every container request starts with. */
struct cont_req {
	struct rpc_req     *cr_req;
	struct ddec         cr_dec;
	struct denc         cr_enc;
	struct ds_pool     *cr_pool;
	struct ds_cont_hdl *cr_hdl; /* requests naming a container handle */
	uuid_t              cr_poh;
};

/* Begin; decode "uuid pool, uuid handle"; check a pool handle (coh false) or a
 * container handle (coh true). */
static int
cont_req_begin(struct rpc_req *req, struct cont_req *cr, bool coh)
{
	const void *body;
	uint32_t    len;
	uuid_t      pu, hu;
	int         rc;

	memset(cr, 0, sizeof(*cr));
	cr->cr_req = req;
	denc_init(&cr->cr_enc);
	rc = dss_req_begin();
	if (rc != 0)
		return rc;
	body = rpc_req_body(req, &len);
	ddec_init(&cr->cr_dec, body, len);
	ddec_uuid(&cr->cr_dec, pu);
	ddec_uuid(&cr->cr_dec, hu);
	if (ddec_finish(&cr->cr_dec) != 0)
		return -DER_PROTO;
	cr->cr_pool = ds_pool_lookup_uuid(pu);
	if (cr->cr_pool == NULL)
		return -DER_NONEXIST;
	if (!coh) {
		uuid_copy(cr->cr_poh, hu);
		return ds_pool_hdl_find(cr->cr_pool, hu) == NULL ? -DER_NO_HDL : 0;
	}
	cr->cr_hdl = hdl_find(hu);
	if (cr->cr_hdl == NULL || uuid_compare(cr->cr_hdl->ch_cont->c_pool, pu) != 0)
		return -DER_NO_HDL;
	return 0;
}

static void
cont_req_end(struct cont_req *cr, int rc)
{
	bool began = rc != -DER_SHUTDOWN && rc != -DER_UNINIT;

	dss_reply(cr->cr_req, rc, &cr->cr_enc);
	if (began)
		dss_req_end();
}

static void
cont_create_handler(struct rpc_req *req, void *arg)
{
	struct cont_req        cr;
	struct cont_tgt_arg    ta = {0};
	struct dsp_props       props = {0};
	const struct dsp_prop *lp;
	struct ds_cont        *c = NULL;
	uuid_t                 uuid;
	int                    rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, false);
	if (rc != 0)
		goto out;
	ddec_uuid(&cr.cr_dec, uuid);
	rc = dsp_props_decode(&cr.cr_dec, &props);
	if (rc != 0)
		goto out;
	if (uuid_is_null(uuid)) {
		rc = -DER_INVAL;
		goto out;
	}
	if (cont_find_uuid(cr.cr_pool->p_uuid, uuid) != NULL) {
		rc = -DER_EXIST;
		goto out;
	}
	rc = cont_props_check(&props, true, cr.cr_pool->p_uuid, NULL);
	if (rc != 0)
		goto out;
	D_ALLOC_PTR(c);
	if (c == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	uuid_copy(c->c_pool, cr.cr_pool->p_uuid);
	uuid_copy(c->c_uuid, uuid);
	rc = cont_props_default(&c->c_props);
	if (rc == 0)
		rc = dsp_props_merge(&c->c_props, &props);
	if (rc != 0)
		goto out;
	lp = dsp_props_find(&c->c_props, DAOS_PROP_CO_LABEL);
	if (lp != NULL)
		snprintf(c->c_label, sizeof(c->c_label), "%s", lp->dp_str);
	c->c_create_time = c->c_mod_time = d_hlc_get();
	c->c_next_oid    = 1; /* DAOS hands out object ids from 1; 0 is reserved */
	/* Listed first so a racing create of the same label sees it. */
	d_list_add_tail(&c->c_link, &cont_list);
	uuid_copy(ta.ta_pool, c->c_pool);
	uuid_copy(ta.ta_cont, c->c_uuid);
	rc = dss_tgt_foreach(tgt_cont_create, &ta);
	if (rc == 0)
		rc = cont_rec_put(c);
	if (rc != 0) {
		dss_tgt_foreach(tgt_cont_destroy, &ta);
		d_list_del(&c->c_link);
		goto out;
	}
	/* without its settings a target never aggregates the container: space
	 * stays used, nothing is wrong */
	if (cont_agg_sync(c) != 0)
		D_WARN("container " DF_UUID ": not aggregated until the next start\n",
		       DP_UUID(c->c_uuid));
	c = NULL;
out:
	if (c != NULL)
		cont_free(c);
	dsp_props_fini(&props);
	cont_req_end(&cr, rc);
}

static void
cont_destroy_handler(struct rpc_req *req, void *arg)
{
	struct cont_req     cr;
	struct cont_tgt_arg ta = {0};
	struct ds_cont_hdl *h;
	struct ds_cont     *c;
	char                id[DSP_LABEL_MAX + 1];
	uint32_t            force;
	int                 rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, false);
	if (rc != 0)
		goto out;
	ddec_str(&cr.cr_dec, id, sizeof(id));
	force = ddec_u32(&cr.cr_dec);
	rc    = ddec_finish(&cr.cr_dec);
	if (rc != 0)
		goto out;
	c = cont_find(cr.cr_pool->p_uuid, id);
	if (c == NULL) {
		rc = -DER_NONEXIST;
		goto out;
	}
	if (c->c_nhandles > 0 && !force) {
		rc = -DER_BUSY;
		goto out;
	}
	c->c_destroying = true;
	while ((h = hdl_find_poh(NULL, c)) != NULL)
		hdl_close(h);
	uuid_copy(ta.ta_pool, c->c_pool);
	uuid_copy(ta.ta_cont, c->c_uuid);
	rc = cont_rec_remove(c);
	if (rc == 0) {
		cont_agg_forget(c);
		rc = dss_tgt_foreach(tgt_cont_destroy, &ta);
	}
	if (rc != 0) {
		c->c_destroying = false;
		goto out;
	}
	d_list_del(&c->c_link);
	cont_free(c);
out:
	cont_req_end(&cr, rc);
}

static void
cont_info_fill(const struct ds_cont *c, struct dsp_cont_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	uuid_copy(ci->ci_uuid, c->c_uuid);
	snprintf(ci->ci_label, sizeof(ci->ci_label), "%s", c->c_label);
	ci->ci_nsnapshots  = c->c_nsnaps;
	ci->ci_lsnapshot   = c->c_nsnaps > 0 ? c->c_snaps[c->c_nsnaps - 1].cs_epoch : 0;
	ci->ci_nhandles    = c->c_nhandles;
	ci->ci_create_time = c->c_create_time;
	ci->ci_open_time   = c->c_open_time;
	ci->ci_mod_time    = c->c_mod_time;
}

static void
cont_open_handler(struct rpc_req *req, void *arg)
{
	struct cont_req        cr;
	struct cont_tgt_arg    ta = {0};
	struct dsp_cont_info   ci;
	struct ds_cont_hdl    *h;
	struct ds_cont        *c;
	uint8_t                key[DSP_CONT_HDL_KEY_LEN];
	char                   id[DSP_LABEL_MAX + 1];
	uuid_t                 coh;
	uint64_t               flags;
	int                    rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, false);
	if (rc != 0)
		goto out;
	ddec_str(&cr.cr_dec, id, sizeof(id));
	ddec_uuid(&cr.cr_dec, coh);
	flags = ddec_u64(&cr.cr_dec);
	rc    = ddec_finish(&cr.cr_dec);
	if (rc != 0)
		goto out;
	if ((flags & DAOS_COO_IO_BASE_MASK) == 0 || (flags & ~(uint64_t)DAOS_COO_MASK) != 0) {
		rc = -DER_INVAL;
		goto out;
	}
	c = cont_find(cr.cr_pool->p_uuid, id);
	if (c == NULL) {
		rc = -DER_NONEXIST;
		goto out;
	}
	h = hdl_find(coh);
	if (h != NULL) {
		/* the same handle again (a retried open): same container or a conflict */
		rc = h->ch_cont == c ? 0 : -DER_EXIST;
	} else {
		D_ALLOC_PTR(h);
		if (h == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
		uuid_copy(h->ch_coh, coh);
		uuid_copy(h->ch_poh, cr.cr_poh);
		h->ch_cont  = c;
		h->ch_flags = flags;
		h->ch_time  = d_hlc_get();
		hdl_tgt_fill(h, &ta);
		hdl_key(h, key);
		/* listed (and counted: destroy sees it busy) before anything yields */
		hdl_link(h);
		/* Every target knows the handle, and its record is durable, before the
		 * client may use it. A close, destroy or evict may run while these
		 * yield: the handle is looked up again after each. */
		rc = dss_tgt_foreach(tgt_hdl_add, &ta);
		h  = hdl_find(coh);
		if (rc == 0 && h != NULL) {
			rc = hdl_rec_put(h);
			h  = hdl_find(coh);
			if (rc == 0 && h == NULL)
				hdl_rec_del_key(key); /* closed while its record was written */
		}
		if (rc != 0 || h == NULL) {
			if (h != NULL)
				hdl_close(h);
			else
				dss_tgt_foreach(tgt_hdl_del, &ta);
			rc = rc != 0 ? rc : -DER_NO_HDL;
			goto out;
		}
		c = h->ch_cont;
		c->c_open_time = d_hlc_get();
	}
	if (rc == 0) {
		cont_info_fill(c, &ci);
		dsp_cont_info_encode(&cr.cr_enc, &ci);
		rc = cont_props_report(c, &cr.cr_enc);
	}
out:
	cont_req_end(&cr, rc);
}

static void
cont_close_handler(struct rpc_req *req, void *arg)
{
	struct cont_req cr;
	int             rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, true);
	if (rc == 0)
		rc = hdl_close(cr.cr_hdl);
	cont_req_end(&cr, rc);
}

static void
cont_query_handler(struct rpc_req *req, void *arg)
{
	struct cont_req      cr;
	struct dsp_cont_info ci;
	int                  rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, true);
	if (rc == 0) {
		cont_info_fill(cr.cr_hdl->ch_cont, &ci);
		dsp_cont_info_encode(&cr.cr_enc, &ci);
		rc = cont_props_report(cr.cr_hdl->ch_cont, &cr.cr_enc);
	}
	cont_req_end(&cr, rc);
}

static bool
hdl_writable(const struct ds_cont_hdl *h)
{
	return (h->ch_flags & (DAOS_COO_RW | DAOS_COO_EX)) != 0;
}

static void
cont_set_prop_handler(struct rpc_req *req, void *arg)
{
	struct cont_req        cr;
	struct dsp_props       props = {0}, saved = {0};
	struct ds_cont        *c;
	const struct dsp_prop *lp;
	int                    rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, true);
	if (rc == 0)
		rc = dsp_props_decode(&cr.cr_dec, &props);
	if (rc != 0)
		goto out;
	c = cr.cr_hdl->ch_cont;
	if (!hdl_writable(cr.cr_hdl)) {
		rc = -DER_NO_PERM;
		goto out;
	}
	rc = props.dps_nr == 0 ? -DER_INVAL : cont_props_check(&props, false, c->c_pool, c);
	if (rc == 0)
		rc = dsp_props_merge(&saved, &c->c_props);
	if (rc != 0)
		goto out; /* nothing changed yet: there is nothing to put back */
	rc = dsp_props_merge(&c->c_props, &props);
	if (rc == 0) {
		c->c_mod_time = d_hlc_get();
		rc            = cont_rec_put(c);
	}
	if (rc != 0) {
		dsp_props_fini(&c->c_props);
		c->c_props = saved;
		memset(&saved, 0, sizeof(saved));
		goto out;
	}
	lp = dsp_props_find(&c->c_props, DAOS_PROP_CO_LABEL);
	if (lp != NULL)
		snprintf(c->c_label, sizeof(c->c_label), "%s", lp->dp_str);
out:
	dsp_props_fini(&saved);
	dsp_props_fini(&props);
	cont_req_end(&cr, rc);
}

/* ---- attributes (engine/srv_attr.c keeps them) ---- */

static void
cont_attr_handler(struct rpc_req *req, void *arg)
{
	uint16_t        opc = (uint16_t)(uintptr_t)arg;
	struct cont_req cr;
	uint8_t         prefix[DSS_ATTR_PREFIX];
	int             rc;

	rc = cont_req_begin(req, &cr, true);
	if (rc == 0 && (opc == DSP_CONT_ATTR_SET || opc == DSP_CONT_ATTR_DEL) &&
	    !hdl_writable(cr.cr_hdl))
		rc = -DER_NO_PERM;
	if (rc != 0)
		goto out;
	cont_key(cr.cr_hdl->ch_cont, prefix);
	switch (opc) {
	case DSP_CONT_ATTR_LIST:
		rc = dss_attr_list(prefix, &cr.cr_dec, &cr.cr_enc);
		break;
	case DSP_CONT_ATTR_GET:
		rc = dss_attr_get(prefix, &cr.cr_dec, &cr.cr_enc);
		break;
	case DSP_CONT_ATTR_SET:
		rc = dss_attr_set(prefix, &cr.cr_dec);
		break;
	default:
		rc = dss_attr_del(prefix, &cr.cr_dec);
		break;
	}
out:
	cont_req_end(&cr, rc);
}

/* ---- snapshots and object ids ---- */

/* Snapshot changes of one container go one at a time: each yields while the
 * targets and the system database learn it. */
static void
cont_snap_lock(struct ds_cont *c)
{
	while (c->c_snap_busy)
		sched_sleep_ns(sched_current(), 100 * 1000);
	c->c_snap_busy = true;
}

static void
cont_snap_create_handler(struct rpc_req *req, void *arg)
{
	struct cont_req      cr;
	struct ds_cont      *c;
	struct ds_cont_snap *snaps;
	char                 name[DSP_LABEL_MAX + 1];
	uint64_t             epoch;
	int                  rc, tries;

	(void)arg;
	rc = cont_req_begin(req, &cr, true);
	if (rc != 0)
		goto out;
	ddec_str(&cr.cr_dec, name, sizeof(name));
	rc = ddec_finish(&cr.cr_dec);
	if (rc != 0)
		goto out;
	c = cr.cr_hdl->ch_cont;
	if (!hdl_writable(cr.cr_hdl)) {
		rc = -DER_NO_PERM;
		goto out;
	}
	cont_snap_lock(c);
	if (c->c_nsnaps >= CONT_SNAP_MAX) {
		rc = -DER_OVERFLOW;
		goto unlock;
	}
	D_REALLOC_ARRAY(snaps, c->c_snaps, c->c_nsnaps, c->c_nsnaps + 1);
	if (snaps == NULL) {
		rc = -DER_NOMEM;
		goto unlock;
	}
	c->c_snaps = snaps;
	snprintf(snaps[c->c_nsnaps].cs_name, sizeof(snaps[0].cs_name), "%s", name);
	/*
	 * Every update acknowledged before now carries an HLC epoch below this
	 * one. The targets learn it before it is durable: one that aggregated
	 * past it already (the service stalled longer than the lag) refuses,
	 * and a newer epoch is taken.
	 */
	for (tries = 0;; tries++) {
		epoch = d_hlc_get();
		snaps[c->c_nsnaps++].cs_epoch = epoch;
		rc = cont_agg_sync(c);
		if (rc == 0)
			break;
		c->c_nsnaps--;
		if (rc != -DER_TX_RESTART || tries == 2) {
			(void)cont_agg_sync(c);
			goto unlock;
		}
	}
	rc = cont_rec_put(c);
	if (rc != 0) {
		c->c_nsnaps--;
		(void)cont_agg_sync(c);
		goto unlock;
	}
	denc_u64(&cr.cr_enc, epoch);
unlock:
	c->c_snap_busy = false;
out:
	cont_req_end(&cr, rc);
}

static void
cont_snap_list_handler(struct rpc_req *req, void *arg)
{
	struct cont_req cr;
	struct ds_cont *c;
	uint32_t        i;
	int             rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, true);
	if (rc == 0) {
		c = cr.cr_hdl->ch_cont;
		denc_u32(&cr.cr_enc, c->c_nsnaps);
		for (i = 0; i < c->c_nsnaps; i++) {
			denc_u64(&cr.cr_enc, c->c_snaps[i].cs_epoch);
			denc_str(&cr.cr_enc, c->c_snaps[i].cs_name);
		}
	}
	cont_req_end(&cr, rc);
}

static void
cont_snap_destroy_handler(struct rpc_req *req, void *arg)
{
	struct cont_req cr;
	struct ds_cont *c;
	uint64_t        epoch;
	uint32_t        i;
	int             rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, true);
	if (rc != 0)
		goto out;
	epoch = ddec_u64(&cr.cr_dec);
	rc    = ddec_finish(&cr.cr_dec);
	if (rc != 0)
		goto out;
	c = cr.cr_hdl->ch_cont;
	if (!hdl_writable(cr.cr_hdl)) {
		rc = -DER_NO_PERM;
		goto out;
	}
	cont_snap_lock(c);
	for (i = 0; i < c->c_nsnaps && c->c_snaps[i].cs_epoch != epoch; i++)
		;
	if (i == c->c_nsnaps) {
		rc = -DER_NONEXIST;
		goto unlock;
	}
	memmove(&c->c_snaps[i], &c->c_snaps[i + 1], (c->c_nsnaps - i - 1) * sizeof(c->c_snaps[0]));
	c->c_nsnaps--;
	rc = cont_rec_put(c);
	/* the targets keep the snapshot readable until they hear (harmless) */
	if (rc == 0 && cont_agg_sync(c) != 0)
		D_WARN("container " DF_UUID ": targets keep a destroyed snapshot for now\n",
		       DP_UUID(c->c_uuid));
unlock:
	c->c_snap_busy = false;
out:
	cont_req_end(&cr, rc);
}

/* Aggregate up to an epoch now, without waiting for the lag (the passes run
 * in the background; the reply comes once every target has its bound). */
static void
cont_aggregate_handler(struct rpc_req *req, void *arg)
{
	struct cont_agg_push ap = {0};
	struct cont_req      cr;
	struct ds_cont      *c;
	daos_epoch_t         epoch, now;
	int                  rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, true);
	if (rc != 0)
		goto out;
	epoch = ddec_u64(&cr.cr_dec);
	rc    = ddec_finish(&cr.cr_dec);
	if (rc == 0 && epoch == DAOS_EPOCH_MAX)
		rc = -DER_INVAL;
	if (rc != 0)
		goto out;
	c = cr.cr_hdl->ch_cont;
	if (!hdl_writable(cr.cr_hdl)) {
		rc = -DER_NO_PERM;
		goto out;
	}
	now = d_hlc_get();
	uuid_copy(ap.ap_pool, c->c_pool);
	uuid_copy(ap.ap_cont, c->c_uuid);
	ap.ap_now = epoch == 0 || epoch >= now ? now - 1 : epoch;
	rc        = cont_agg_push(&ap);
out:
	cont_req_end(&cr, rc);
}

static void
cont_alloc_oids_handler(struct rpc_req *req, void *arg)
{
	struct cont_req cr;
	struct ds_cont *c;
	uint64_t        count, first;
	int             rc;

	(void)arg;
	rc = cont_req_begin(req, &cr, true);
	if (rc != 0)
		goto out;
	count = ddec_u64(&cr.cr_dec);
	rc    = ddec_finish(&cr.cr_dec);
	if (rc != 0)
		goto out;
	c = cr.cr_hdl->ch_cont;
	/* DAOS reserves the top 32 bits of oid.lo's range for itself: 2^32 ids per
	 * container would do, but ranges never wrap */
	if (count == 0 || count > (1ull << 32) || c->c_next_oid + count < c->c_next_oid) {
		rc = -DER_INVAL;
		goto out;
	}
	first = c->c_next_oid;
	c->c_next_oid += count;
	rc = cont_rec_put(c);
	if (rc != 0) {
		c->c_next_oid = first;
		goto out;
	}
	denc_u64(&cr.cr_enc, first);
out:
	cont_req_end(&cr, rc);
}

/* ---- listing with a filter (daos_pool_filter_cont) ---- */

struct cont_filter_part {
	uint32_t fp_func;
	uint32_t fp_key;
	uint64_t fp_val;
};

static bool
cont_filter_part_match(const struct ds_cont *c, const struct cont_filter_part *p)
{
	uint64_t v;

	switch (p->fp_key) {
	case PCF_KEY_MD_OTIME:
		v = c->c_open_time;
		break;
	case PCF_KEY_MD_MTIME:
		v = c->c_mod_time;
		break;
	case PCF_KEY_NUM_SNAPSHOTS:
		v = c->c_nsnaps;
		break;
	default:
		v = c->c_nhandles;
		break;
	}
	switch (p->fp_func) {
	case PCF_FUNC_EQ:
		return v == p->fp_val;
	case PCF_FUNC_NE:
		return v != p->fp_val;
	case PCF_FUNC_LT:
		return v < p->fp_val;
	case PCF_FUNC_LE:
		return v <= p->fp_val;
	case PCF_FUNC_GT:
		return v > p->fp_val;
	default:
		return v >= p->fp_val;
	}
}

/* AND: every part; OR: any part; no parts: every container. */
static bool
cont_filter_match(const struct ds_cont *c, uint32_t combine, const struct cont_filter_part *parts,
		  uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		bool m = cont_filter_part_match(c, &parts[i]);

		if (combine == PCF_COMBINE_LOGICAL_OR && m)
			return true;
		if (combine == PCF_COMBINE_LOGICAL_AND && !m)
			return false;
	}
	return n == 0 || combine == PCF_COMBINE_LOGICAL_AND;
}

static void
cont_filter_handler(struct rpc_req *req, void *arg)
{
	struct cont_filter_part parts[DAOS_POOL_CONT_FILTER_MAX_NPARTS];
	struct dsp_cont_info    ci;
	struct cont_req         cr;
	struct ds_cont         *c;
	struct denc             items;
	uint32_t                combine, nparts, n = 0, len = 0, i;
	void                   *buf = NULL;
	int                     rc;

	(void)arg;
	denc_init(&items);
	rc = cont_req_begin(req, &cr, false);
	if (rc != 0)
		goto out;
	combine = ddec_u32(&cr.cr_dec);
	nparts  = ddec_u32(&cr.cr_dec);
	if (ddec_finish(&cr.cr_dec) != 0 || nparts > DAOS_POOL_CONT_FILTER_MAX_NPARTS) {
		rc = ddec_finish(&cr.cr_dec) != 0 ? -DER_PROTO : -DER_INVAL;
		goto out;
	}
	for (i = 0; i < nparts; i++) {
		parts[i].fp_func = ddec_u32(&cr.cr_dec);
		parts[i].fp_key  = ddec_u32(&cr.cr_dec);
		parts[i].fp_val  = ddec_u64(&cr.cr_dec);
		if (parts[i].fp_func >= PCF_FUNC_MAX || parts[i].fp_key >= PCF_KEY_MAX)
			rc = -DER_INVAL;
	}
	if (rc == 0 && ddec_finish(&cr.cr_dec) != 0)
		rc = -DER_PROTO;
	if (rc == 0 && combine > PCF_COMBINE_LOGICAL_OR)
		rc = -DER_INVAL;
	if (rc != 0)
		goto out;
	d_list_for_each_entry(c, &cont_list, c_link) {
		if (uuid_compare(c->c_pool, cr.cr_pool->p_uuid) != 0 || c->c_destroying ||
		    n >= DSP_LIST_MAX || !cont_filter_match(c, combine, parts, nparts))
			continue;
		cont_info_fill(c, &ci);
		denc_uuid(&items, c->c_uuid);
		denc_str(&items, c->c_label);
		dsp_cont_info_encode(&items, &ci);
		n++;
	}
	rc = denc_finish(&items, 0, &buf, &len);
	if (rc == 0) {
		denc_u32(&cr.cr_enc, n);
		denc_raw(&cr.cr_enc, buf, len);
	}
out:
	if (rc != 0)
		denc_fini(&items);
	D_FREE(buf);
	cont_req_end(&cr, rc);
}

static void
cont_list_handler(struct rpc_req *req, void *arg)
{
	struct cont_req cr;
	struct ds_cont *c;
	struct denc     items;
	uint32_t        n = 0, len = 0;
	void           *buf = NULL;
	int             rc;

	(void)arg;
	denc_init(&items);
	rc = cont_req_begin(req, &cr, false);
	if (rc == 0) {
		d_list_for_each_entry(c, &cont_list, c_link) {
			if (uuid_compare(c->c_pool, cr.cr_pool->p_uuid) != 0 || c->c_destroying ||
			    n >= DSP_LIST_MAX)
				continue;
			denc_uuid(&items, c->c_uuid);
			denc_str(&items, c->c_label);
			n++;
		}
		rc = denc_finish(&items, 0, &buf, &len);
	} else {
		denc_fini(&items);
	}
	if (rc == 0) {
		denc_u32(&cr.cr_enc, n);
		denc_raw(&cr.cr_enc, buf, len);
	}
	D_FREE(buf);
	cont_req_end(&cr, rc);
}

/* ---- life cycle ---- */

static int
cont_init_sys(struct rpc_ctx *ctx)
{
	static const struct {
		uint16_t      opc;
		rpc_handler_t fn;
	} handlers[] = {
		{DSP_CONT_CREATE, cont_create_handler},
		{DSP_CONT_DESTROY, cont_destroy_handler},
		{DSP_CONT_OPEN, cont_open_handler},
		{DSP_CONT_CLOSE, cont_close_handler},
		{DSP_CONT_QUERY, cont_query_handler},
		{DSP_CONT_SET_PROP, cont_set_prop_handler},
		{DSP_CONT_ATTR_LIST, cont_attr_handler},
		{DSP_CONT_ATTR_GET, cont_attr_handler},
		{DSP_CONT_ATTR_SET, cont_attr_handler},
		{DSP_CONT_ATTR_DEL, cont_attr_handler},
		{DSP_CONT_SNAP_CREATE, cont_snap_create_handler},
		{DSP_CONT_SNAP_LIST, cont_snap_list_handler},
		{DSP_CONT_SNAP_DESTROY, cont_snap_destroy_handler},
		{DSP_CONT_ALLOC_OIDS, cont_alloc_oids_handler},
		{DSP_CONT_AGGREGATE, cont_aggregate_handler},
		{DSP_CONT_LIST, cont_list_handler},
		{DSP_POOL_LIST_CONT, cont_list_handler},
		{DSP_POOL_FILTER_CONT, cont_filter_handler},
	};
	static bool hooked;
	size_t      i;
	int         rc;

	if (!hooked) {
		ds_pool_on_destroy(cont_on_pool_destroy);
		ds_pool_on_disconnect(cont_on_pool_disconnect);
		ds_pool_on_props_set(cont_on_pool_props);
		hooked = true;
	}
	for (i = 0; i < ARRAY_SIZE(handlers); i++) {
		/* the opcode as the argument: one handler serves the four attribute calls */
		rc = rpc_register(ctx, handlers[i].opc, handlers[i].fn,
				  (void *)(uintptr_t)handlers[i].opc);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
cont_load_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct ds_cont *c;
	int             rc;

	(void)key;
	(void)klen;
	(void)arg;
	D_ALLOC_PTR(c);
	if (c == NULL)
		return -DER_NOMEM;
	rc = cont_rec_decode(val, vlen, c);
	if (rc != 0) {
		DL_ERROR(rc, "a container record in the system database is unreadable");
		cont_free(c);
		return rc;
	}
	if (ds_pool_lookup_uuid(c->c_pool) == NULL) {
		/* its pool's destroy did not finish removing it */
		rc = cont_rec_remove(c);
		cont_free(c);
		return rc;
	}
	d_list_add_tail(&c->c_link, &cont_list);
	rc = cont_agg_sync(c);
	if (rc != 0)
		DL_ERROR(rc, "container " DF_UUID ": not aggregated until the next start",
			 DP_UUID(c->c_uuid));
	return 0;
}

/*
 * A handle record: the handle listed again and handed to every target, so
 * the client that opened it goes on using it; removed when what it stood on
 * (pool, pool handle, container) is gone, or when it is unreadable.
 */
static int
hdl_load_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct dsp_cont_hdl_rec r;
	struct cont_tgt_arg     ta;
	struct ds_cont_hdl     *h;
	struct ds_pool         *pool = NULL;
	struct ds_cont         *c    = NULL;
	uint32_t               *n    = arg;
	int                     rc;

	rc = dsp_cont_hdl_rec_decode(key, klen, val, vlen, &r);
	if (rc == -DER_DF_INCOMPT) {
		DL_ERROR(rc, "a container handle record is of a newer version");
		return rc;
	}
	if (rc == 0)
		pool = ds_pool_lookup_uuid(r.chr_pool);
	if (pool != NULL && ds_pool_hdl_find(pool, r.chr_poh) != NULL)
		c = cont_find_uuid(r.chr_pool, r.chr_cont);
	if (c == NULL || c->c_destroying) {
		if (rc != 0)
			DL_ERROR(rc, "an unreadable container handle record is removed");
		else
			D_INFO("container handle " DF_UUID ": its pool handle or container is "
			       "gone, removed\n",
			       DP_UUID(r.chr_coh));
		return dss_sysdb_del(DSS_TBL_CONT_HDL, key, klen);
	}
	if (hdl_find(r.chr_coh) != NULL)
		return 0;
	D_ALLOC_PTR(h);
	if (h == NULL)
		return -DER_NOMEM;
	uuid_copy(h->ch_coh, r.chr_coh);
	uuid_copy(h->ch_poh, r.chr_poh);
	h->ch_cont  = c;
	h->ch_flags = r.chr_flags;
	h->ch_time  = r.chr_time;
	hdl_tgt_fill(h, &ta);
	hdl_link(h);
	rc = dss_tgt_foreach(tgt_hdl_add, &ta);
	if (rc != 0) {
		DL_ERROR(rc, "container handle " DF_UUID ": not handed to the targets",
			 DP_UUID(r.chr_coh));
		hdl_drop(h, true);
		return rc;
	}
	(*n)++;
	return 0;
}

static int
cont_load(void)
{
	uint32_t nhdls = 0;
	int      rc;

	rc = dss_sysdb_foreach(DSS_TBL_CONT, cont_load_one, NULL);
	if (rc != 0)
		return rc;
	rc = dss_sysdb_foreach(DSS_TBL_CONT_HDL, hdl_load_one, &nhdls);
	if (rc != 0) {
		DL_ERROR(rc, "container handles not loaded");
		return rc;
	}
	if (nhdls > 0)
		D_INFO("%u container handles reloaded\n", nhdls);
	return 0;
}

static void
cont_unload(void)
{
	struct ds_cont_hdl *h;
	struct ds_cont     *c, *ctmp;

	/* the records stay: the next start hands the handles out again */
	while (!d_list_empty(&hdl_list)) {
		h = d_list_entry(hdl_list.next, struct ds_cont_hdl, ch_link);
		hdl_drop(h, true);
	}
	cont_agg_drop_all();
	d_list_for_each_entry_safe(c, ctmp, &cont_list, c_link) {
		d_list_del(&c->c_link);
		cont_free(c);
	}
}

/* Targets drop the handles they hold when they stop. */
static int
cont_init_tgt(int tgt, struct rpc_ctx *ctx)
{
	(void)ctx;
	tgt_list(tgt);
	return cont_agg_init_tgt(tgt);
}

const struct dss_module ds_cont_module = {
	.sm_name     = "container",
	.sm_init_tgt = cont_init_tgt,
	.sm_init_sys = cont_init_sys,
	.sm_load     = cont_load,
	.sm_unload   = cont_unload,
};
