/*
 * Codecs of the service bodies that both ends share (srv_proto.h).
 */
#include <ctype.h>
#include "srv_proto.h"

/* ---- properties ---- */

void
dsp_props_encode(struct denc *e, const struct dsp_props *p)
{
	uint32_t i;

	denc_u32(e, p == NULL ? 0 : p->dps_nr);
	for (i = 0; p != NULL && i < p->dps_nr; i++) {
		const struct dsp_prop *dp = &p->dps_props[i];

		denc_u32(e, dp->dp_type);
		denc_u32(e, dp->dp_kind);
		if (dp->dp_kind == DSP_PROP_VAL)
			denc_u64(e, dp->dp_val);
		else if (dp->dp_kind == DSP_PROP_STR)
			denc_str(e, dp->dp_str);
		else
			denc_bytes(e, dp->dp_str, dp->dp_val);
	}
}

int
dsp_props_decode(struct ddec *d, struct dsp_props *p)
{
	uint32_t n = ddec_count(d, DSP_PROPS_MAX, 8);
	uint32_t i;

	memset(p, 0, sizeof(*p));
	if (ddec_finish(d) != 0)
		return -DER_PROTO;
	if (n == 0)
		return 0;
	D_ALLOC_ARRAY(p->dps_props, n);
	if (p->dps_props == NULL)
		return -DER_NOMEM;
	for (i = 0; i < n; i++) {
		struct dsp_prop *dp = &p->dps_props[i];
		const void      *b;
		size_t           len;

		dp->dp_type = ddec_u32(d);
		dp->dp_kind = ddec_u32(d);
		p->dps_nr   = i + 1;
		if (dp->dp_kind == DSP_PROP_VAL) {
			dp->dp_val = ddec_u64(d);
		} else if (dp->dp_kind == DSP_PROP_STR) {
			ddec_strdup(d, &dp->dp_str, 4096);
		} else if (dp->dp_kind == DSP_PROP_BYTES) {
			b = ddec_bytes(d, &len);
			if (b != NULL && len > 0) {
				D_ALLOC(dp->dp_str, len);
				if (dp->dp_str == NULL) {
					dsp_props_fini(p);
					return -DER_NOMEM;
				}
				memcpy(dp->dp_str, b, len);
			}
			dp->dp_val = len;
		} else {
			dsp_props_fini(p);
			return -DER_PROTO;
		}
		if (ddec_finish(d) != 0) {
			dsp_props_fini(p);
			return -DER_PROTO;
		}
	}
	return 0;
}

void
dsp_props_fini(struct dsp_props *p)
{
	uint32_t i;

	for (i = 0; i < p->dps_nr; i++)
		D_FREE(p->dps_props[i].dp_str);
	D_FREE(p->dps_props);
	p->dps_nr = 0;
}

struct dsp_prop *
dsp_props_find(const struct dsp_props *p, uint32_t t)
{
	uint32_t i;

	for (i = 0; p != NULL && i < p->dps_nr; i++)
		if (p->dps_props[i].dp_type == t)
			return &p->dps_props[i];
	return NULL;
}

static struct dsp_prop *
props_slot(struct dsp_props *p, uint32_t t)
{
	struct dsp_prop *dp = dsp_props_find(p, t);
	struct dsp_prop *np;

	if (dp != NULL) {
		D_FREE(dp->dp_str);
		return dp;
	}
	if (p->dps_nr >= DSP_PROPS_MAX)
		return NULL;
	D_REALLOC_ARRAY(np, p->dps_props, p->dps_nr, p->dps_nr + 1);
	if (np == NULL)
		return NULL;
	p->dps_props = np;
	dp           = &np[p->dps_nr++];
	memset(dp, 0, sizeof(*dp));
	dp->dp_type = t;
	return dp;
}

int
dsp_props_set_val(struct dsp_props *p, uint32_t t, uint64_t v)
{
	struct dsp_prop *dp = props_slot(p, t);

	if (dp == NULL)
		return p->dps_nr >= DSP_PROPS_MAX ? -DER_OVERFLOW : -DER_NOMEM;
	dp->dp_kind = DSP_PROP_VAL;
	dp->dp_val  = v;
	return 0;
}

static int
props_set_bytes(struct dsp_props *p, uint32_t t, uint32_t kind, const char *s, size_t len)
{
	struct dsp_prop *dp = props_slot(p, t);

	if (dp == NULL)
		return p->dps_nr >= DSP_PROPS_MAX ? -DER_OVERFLOW : -DER_NOMEM;
	dp->dp_kind = kind;
	dp->dp_val  = kind == DSP_PROP_BYTES ? len : 0;
	D_ALLOC(dp->dp_str, len + 1);
	if (dp->dp_str == NULL)
		return -DER_NOMEM;
	if (len > 0)
		memcpy(dp->dp_str, s, len);
	return 0;
}

int
dsp_props_set_str(struct dsp_props *p, uint32_t t, const char *s)
{
	return props_set_bytes(p, t, DSP_PROP_STR, s, strlen(s));
}

int
dsp_props_merge(struct dsp_props *dst, const struct dsp_props *src)
{
	uint32_t i;
	int      rc = 0;

	for (i = 0; rc == 0 && src != NULL && i < src->dps_nr; i++) {
		const struct dsp_prop *sp = &src->dps_props[i];

		if (sp->dp_kind == DSP_PROP_VAL)
			rc = dsp_props_set_val(dst, sp->dp_type, sp->dp_val);
		else
			rc = props_set_bytes(dst, sp->dp_type, sp->dp_kind, sp->dp_str,
					     sp->dp_kind == DSP_PROP_BYTES ? sp->dp_val
					     : sp->dp_str == NULL   ? 0
								    : strlen(sp->dp_str));
	}
	return rc;
}

/* ---- pool and container descriptions ---- */

void
dsp_pool_info_encode(struct denc *e, const struct dsp_pool_info *pi)
{
	denc_uuid(e, pi->pi_uuid);
	denc_str(e, pi->pi_label);
	denc_u32(e, pi->pi_state);
	denc_u32(e, pi->pi_nr_targets);
	denc_u32(e, pi->pi_map_version);
	denc_u32(e, pi->pi_nhandles);
	denc_u32(e, pi->pi_nconts);
	denc_u64(e, pi->pi_meta_total);
	denc_u64(e, pi->pi_meta_free);
	denc_u64(e, pi->pi_data_total);
	denc_u64(e, pi->pi_data_free);
	denc_u64(e, pi->pi_data_min);
	denc_u64(e, pi->pi_data_max);
}

void
dsp_pool_info_decode(struct ddec *d, struct dsp_pool_info *pi)
{
	ddec_uuid(d, pi->pi_uuid);
	ddec_str(d, pi->pi_label, sizeof(pi->pi_label));
	pi->pi_state       = ddec_u32(d);
	pi->pi_nr_targets  = ddec_u32(d);
	pi->pi_map_version = ddec_u32(d);
	pi->pi_nhandles    = ddec_u32(d);
	pi->pi_nconts      = ddec_u32(d);
	pi->pi_meta_total  = ddec_u64(d);
	pi->pi_meta_free   = ddec_u64(d);
	pi->pi_data_total  = ddec_u64(d);
	pi->pi_data_free   = ddec_u64(d);
	pi->pi_data_min    = ddec_u64(d);
	pi->pi_data_max    = ddec_u64(d);
}

void
dsp_cont_info_encode(struct denc *e, const struct dsp_cont_info *ci)
{
	denc_uuid(e, ci->ci_uuid);
	denc_str(e, ci->ci_label);
	denc_u64(e, ci->ci_lsnapshot);
	denc_u32(e, ci->ci_nsnapshots);
	denc_u32(e, ci->ci_nhandles);
	denc_u64(e, ci->ci_create_time);
	denc_u64(e, ci->ci_open_time);
	denc_u64(e, ci->ci_mod_time);
}

void
dsp_cont_info_decode(struct ddec *d, struct dsp_cont_info *ci)
{
	ddec_uuid(d, ci->ci_uuid);
	ddec_str(d, ci->ci_label, sizeof(ci->ci_label));
	ci->ci_lsnapshot   = ddec_u64(d);
	ci->ci_nsnapshots  = ddec_u32(d);
	ci->ci_nhandles    = ddec_u32(d);
	ci->ci_create_time = ddec_u64(d);
	ci->ci_open_time   = ddec_u64(d);
	ci->ci_mod_time    = ddec_u64(d);
}

bool
dsp_id_is_uuid(const char *s, uuid_t out)
{
	uuid_t tmp;

	return s != NULL && strlen(s) == 36 && uuid_parse(s, out != NULL ? out : tmp) == 0;
}

bool
dsp_label_valid(const char *s)
{
	size_t n, i;

	if (s == NULL)
		return false;
	n = strlen(s);
	if (n == 0 || n > DSP_LABEL_MAX || dsp_id_is_uuid(s, NULL))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != ':' && c != '-')
			return false;
	}
	return true;
}

/* ---- durable handle records ---- */

void
dsp_pool_hdl_key(const uuid_t pool, const uuid_t hdl, uint8_t key[DSP_POOL_HDL_KEY_LEN])
{
	memcpy(key, pool, 16);
	memcpy(key + 16, hdl, 16);
}

void
dsp_cont_hdl_key(const uuid_t pool, const uuid_t cont, const uuid_t coh,
		 uint8_t key[DSP_CONT_HDL_KEY_LEN])
{
	memcpy(key, pool, 16);
	memcpy(key + 16, cont, 16);
	memcpy(key + 32, coh, 16);
}

int
dsp_pool_hdl_rec_encode(const struct dsp_pool_hdl_rec *r, void **buf, uint32_t *len)
{
	struct denc e;

	denc_init(&e);
	denc_u32(&e, DSP_POOL_HDL_REC_VERSION);
	denc_uuid(&e, r->phr_pool);
	denc_uuid(&e, r->phr_hdl);
	denc_u64(&e, r->phr_flags);
	denc_u64(&e, r->phr_time);
	return denc_finish(&e, 0, buf, len);
}

int
dsp_cont_hdl_rec_encode(const struct dsp_cont_hdl_rec *r, void **buf, uint32_t *len)
{
	struct denc e;

	denc_init(&e);
	denc_u32(&e, DSP_CONT_HDL_REC_VERSION);
	denc_uuid(&e, r->chr_pool);
	denc_uuid(&e, r->chr_cont);
	denc_uuid(&e, r->chr_coh);
	denc_uuid(&e, r->chr_poh);
	denc_u64(&e, r->chr_flags);
	denc_u64(&e, r->chr_time);
	return denc_finish(&e, 0, buf, len);
}

/* The version word: 0 and short records are damage, a newer one is not ours to read. */
static int
hdl_rec_version(struct ddec *d, uint32_t ours)
{
	uint32_t v = ddec_u32(d);

	if (ddec_finish(d) != 0 || v == 0)
		return -DER_DF_INVAL;
	return v > ours ? -DER_DF_INCOMPT : 0;
}

int
dsp_pool_hdl_rec_decode(const void *key, size_t klen, const void *val, size_t vlen,
			struct dsp_pool_hdl_rec *r)
{
	uint8_t     k[DSP_POOL_HDL_KEY_LEN];
	struct ddec d;
	int         rc;

	memset(r, 0, sizeof(*r));
	if (key == NULL || val == NULL)
		return -DER_DF_INVAL;
	ddec_init(&d, val, vlen);
	rc = hdl_rec_version(&d, DSP_POOL_HDL_REC_VERSION);
	if (rc != 0)
		return rc;
	ddec_uuid(&d, r->phr_pool);
	ddec_uuid(&d, r->phr_hdl);
	r->phr_flags = ddec_u64(&d);
	r->phr_time  = ddec_u64(&d);
	/* this version's fields exactly: trailing bytes would be a newer version's */
	if (ddec_finish(&d) != 0 || ddec_left(&d) != 0)
		return -DER_DF_INVAL;
	dsp_pool_hdl_key(r->phr_pool, r->phr_hdl, k);
	if (klen != sizeof(k) || memcmp(key, k, sizeof(k)) != 0 || uuid_is_null(r->phr_pool) ||
	    uuid_is_null(r->phr_hdl))
		return -DER_DF_INVAL;
	return 0;
}

int
dsp_cont_hdl_rec_decode(const void *key, size_t klen, const void *val, size_t vlen,
			struct dsp_cont_hdl_rec *r)
{
	uint8_t     k[DSP_CONT_HDL_KEY_LEN];
	struct ddec d;
	int         rc;

	memset(r, 0, sizeof(*r));
	if (key == NULL || val == NULL)
		return -DER_DF_INVAL;
	ddec_init(&d, val, vlen);
	rc = hdl_rec_version(&d, DSP_CONT_HDL_REC_VERSION);
	if (rc != 0)
		return rc;
	ddec_uuid(&d, r->chr_pool);
	ddec_uuid(&d, r->chr_cont);
	ddec_uuid(&d, r->chr_coh);
	ddec_uuid(&d, r->chr_poh);
	r->chr_flags = ddec_u64(&d);
	r->chr_time  = ddec_u64(&d);
	if (ddec_finish(&d) != 0 || ddec_left(&d) != 0)
		return -DER_DF_INVAL;
	dsp_cont_hdl_key(r->chr_pool, r->chr_cont, r->chr_coh, k);
	if (klen != sizeof(k) || memcmp(key, k, sizeof(k)) != 0 || uuid_is_null(r->chr_pool) ||
	    uuid_is_null(r->chr_cont) || uuid_is_null(r->chr_coh) || uuid_is_null(r->chr_poh))
		return -DER_DF_INVAL;
	return 0;
}
