/*
 * dmg: the administrator's tool. It speaks to daos_server's system thread
 * (worker 0) through client/dc_sys.h and prints what DAOS's dmg prints:
 * the same commands, table columns, property names and JSON shapes, so a
 * DAOS administrator's habits and scripts carry over.
 *
 *   dmg [-o CONFIG] [--host HOST[:PORT]] [-j] COMMAND ...
 *
 * Exit status: 0 on success, 1 when the command failed (the server's or the
 * transport's error), 2 for bad arguments. Errors go to stderr as one line,
 * "ERROR: dmg: <what>: DER_XXX(-N): <description>", and with -j also into
 * the JSON envelope on stdout: {"response": ..., "error": ..., "status": N}.
 */
#include <getopt.h>
#include <stdarg.h>
#include <gurt/common.h>
#include <gurt/dlog.h>
#include <daos_prop.h>
#include "common/cli.h"
#include "common/srv_proto.h"
#include "engine/dss_config.h"
#include "engine/engine.h"
#include "rpc/rpc.h"
#include "client/dc_sys.h"

/* Pool create/destroy and storage format make or remove files on every
 * target: they get longer than a query, which a live server answers at once. */
#define DMG_TIMEOUT_MS      30000
#define DMG_TIMEOUT_LONG_MS 120000

struct dmg {
	/* global options */
	const char    *d_config;
	const char    *d_host;
	bool           d_debug;
	/* command options */
	bool           d_force;
	bool           d_verbose;
	const char    *d_size;
	const char    *d_label;
	const char    *d_props;
	char         **d_args;   /* positional arguments after the command words */
	int            d_nargs;
	/* state */
	struct dc_sys *d_sys;
	char           d_ap[DC_SYS_HOST_MAX + 8];
	struct dcli_outcome d_out; /* error line, JSON envelope, exit status */
};

/* ---- reaching the server ---- */

/* --host, else the configuration's listen address, else dc_sys's own default. */
static int
dmg_connect(struct dmg *d)
{
	char     host[DC_SYS_HOST_MAX];
	uint16_t port = 0;
	bool     have = false;
	int      rc;

	if (d->d_host != NULL) {
		if (dcli_parse_hostport(d->d_host, DC_SYS_PORT_DEFAULT, host, sizeof(host),
					&port) != 0)
			return dcli_bad_arg(&d->d_out, "--host: \"%s\" is not HOST[:PORT]", d->d_host);
		have = true;
	} else if (d->d_config != NULL) {
		struct dss_config cfg;
		char              err[512];

		dss_cfg_defaults(&cfg);
		rc = dss_cfg_load(d->d_config, &cfg, err, sizeof(err));
		if (rc != 0) {
			dss_cfg_fini(&cfg);
			return dcli_fail(&d->d_out, rc, "%s", err);
		}
		/* A server bound to every address is reached on loopback. */
		if (strcmp(cfg.dc_listen_addr, "0.0.0.0") == 0)
			snprintf(host, sizeof(host), "127.0.0.1");
		else if (strcmp(cfg.dc_listen_addr, "::") == 0)
			snprintf(host, sizeof(host), "::1");
		else
			snprintf(host, sizeof(host), "%s", cfg.dc_listen_addr);
		port = cfg.dc_port;
		have = true;
		dss_cfg_fini(&cfg);
	}

	rc = dc_sys_attach(have ? host : NULL, port, &d->d_sys);
	if (rc != 0) {
		const char *env = getenv(DC_SYS_ENV_ACCESS_POINTS);

		if (have)
			snprintf(d->d_ap, sizeof(d->d_ap), "%s:%u", host, port);
		else if (env != NULL && *env != '\0')
			snprintf(d->d_ap, sizeof(d->d_ap), "%s", env);
		else
			snprintf(d->d_ap, sizeof(d->d_ap), "%s:%u", DC_SYS_HOST_DEFAULT,
				 DC_SYS_PORT_DEFAULT);
		return dcli_fail(&d->d_out, rc, "cannot reach the server at %s", d->d_ap);
	}
	snprintf(d->d_ap, sizeof(d->d_ap), "%s", dc_sys_access_point(d->d_sys));
	return 0;
}

/* Call the system thread with e's body (e may be NULL: empty body). */
static int
dmg_call(struct dmg *d, uint16_t opc, struct denc *e, void **reply, uint32_t *len)
{
	void    *body = NULL;
	uint32_t blen = 0;
	int      rc;

	if (e != NULL) {
		rc = denc_finish(e, RPC_BODY_MAX, &body, &blen);
		if (rc != 0)
			return rc;
	}
	dc_sys_set_timeout(d->d_sys, opc == DSP_MGMT_FORMAT || opc == DSP_MGMT_POOL_CREATE ||
					     opc == DSP_MGMT_POOL_DESTROY
					 ? DMG_TIMEOUT_LONG_MS
					 : DMG_TIMEOUT_MS);
	rc = dc_sys_call(d->d_sys, DC_SYS_WORKER_SYSTEM, opc, body, blen, NULL, reply, len);
	D_FREE(body);
	return rc;
}

/* ---- pool properties: DAOS's dmg names over DAOS_PROP_PO_* (include/daos_prop.h) ---- */

enum dmg_pkind {
	DMG_PK_STR,  /* a string (label) */
	DMG_PK_NUM,  /* a number in [min, max] */
	DMG_PK_PCT,  /* a number 0..100, printed with % */
	DMG_PK_SIZE, /* bytes in DAOS's size syntax, printed in binary units */
	DMG_PK_ENUM, /* one of the names in vals */
};

struct dmg_pval {
	const char *pv_name;
	uint64_t    pv_val;
};

struct dmg_pdef {
	const char            *pd_name;
	uint32_t               pd_type; /* DAOS_PROP_PO_* */
	const char            *pd_desc;
	enum dmg_pkind         pd_kind;
	uint64_t               pd_min, pd_max;
	const struct dmg_pval *pd_vals; /* NULL-terminated; the first name of a value prints */
	bool                   pd_create_only;
};

#define DMG_SH_EXCL  DAOS_SELF_HEAL_AUTO_EXCLUDE
#define DMG_SH_REB   DAOS_SELF_HEAL_AUTO_REBUILD
#define DMG_SH_DELAY DAOS_SELF_HEAL_DELAY_REBUILD

static const struct dmg_pval dmg_reclaim_vals[] = {
    {"disabled", DAOS_RECLAIM_DISABLED}, {"lazy", DAOS_RECLAIM_LAZY},
    {"snapshot", DAOS_RECLAIM_SNAPSHOT}, {"batch", DAOS_RECLAIM_BATCH},
    {"time", DAOS_RECLAIM_TIME},         {NULL, 0}};
static const struct dmg_pval dmg_self_heal_vals[] = {
    {"none", 0},
    {"exclude", DMG_SH_EXCL},
    {"rebuild", DMG_SH_REB},
    {"delay_rebuild", DMG_SH_DELAY},
    {"exclude;rebuild", DMG_SH_EXCL | DMG_SH_REB},
    {"rebuild;exclude", DMG_SH_EXCL | DMG_SH_REB},
    {"exclude;delay_rebuild", DMG_SH_EXCL | DMG_SH_DELAY},
    {"delay_rebuild;exclude", DMG_SH_EXCL | DMG_SH_DELAY},
    {NULL, 0}};
static const struct dmg_pval dmg_upgrade_vals[] = {
    {"not started", DAOS_UPGRADE_STATUS_NOT_STARTED},
    {"in progress", DAOS_UPGRADE_STATUS_IN_PROGRESS},
    {"completed", DAOS_UPGRADE_STATUS_COMPLETED},
    {"failed", DAOS_UPGRADE_STATUS_FAILED},
    {NULL, 0}};
static const struct dmg_pval dmg_scrub_vals[] = {{"off", DAOS_SCRUB_MODE_OFF},
						 {"lazy", DAOS_SCRUB_MODE_LAZY},
						 {"timed", DAOS_SCRUB_MODE_TIMED},
						 {NULL, 0}};
static const struct dmg_pval dmg_perf_domain_vals[] = {
    {"root", DAOS_PROP_PERF_DOMAIN_ROOT}, {"group", DAOS_PROP_PERF_DOMAIN_GROUP}, {NULL, 0}};
static const struct dmg_pval dmg_checkpoint_vals[] = {{"disabled", DAOS_CHECKPOINT_DISABLED},
						      {"timed", DAOS_CHECKPOINT_TIMED},
						      {"lazy", DAOS_CHECKPOINT_LAZY},
						      {NULL, 0}};
static const struct dmg_pval dmg_reint_vals[] = {{"data_sync", DAOS_REINT_MODE_DATA_SYNC},
						 {"no_data_sync", DAOS_REINT_MODE_NO_DATA_SYNC},
						 {"incremental", DAOS_REINT_MODE_INCREMENTAL},
						 {NULL, 0}};

/* Sorted by name: get-prop prints in this order, as DAOS's does. Names,
 * descriptions and value names are DAOS's dmg's. */
static const struct dmg_pdef dmg_pdefs[] = {
    {"checkpoint", DAOS_PROP_PO_CHECKPOINT_MODE, "WAL checkpointing behavior", DMG_PK_ENUM, 0,
     0, dmg_checkpoint_vals, false},
    {"checkpoint_freq", DAOS_PROP_PO_CHECKPOINT_FREQ, "WAL checkpointing frequency, in seconds",
     DMG_PK_NUM, DAOS_PROP_PO_CHECKPOINT_FREQ_MIN, DAOS_PROP_PO_CHECKPOINT_FREQ_MAX, NULL,
     false},
    {"checkpoint_thresh", DAOS_PROP_PO_CHECKPOINT_THRESH,
     "WAL checkpoint threshold, in percentage", DMG_PK_NUM, DAOS_PROP_PO_CHECKPOINT_THRESH_MIN,
     DAOS_PROP_PO_CHECKPOINT_THRESH_MAX, NULL, false},
    {"data_thresh", DAOS_PROP_PO_DATA_THRESH, "Data bdev threshold size", DMG_PK_SIZE, 0,
     UINT32_MAX, NULL, false},
    {"ec_cell_sz", DAOS_PROP_PO_EC_CELL_SZ, "EC cell size", DMG_PK_SIZE,
     DAOS_PROP_PO_EC_CELL_SZ_MIN, DAOS_PROP_PO_EC_CELL_SZ_MAX, NULL, false},
    {"ec_pda", DAOS_PROP_PO_EC_PDA, "Performance domain affinity level of EC", DMG_PK_NUM, 0,
     UINT32_MAX, NULL, true},
    {"global_version", DAOS_PROP_PO_GLOBAL_VERSION, "Global Version", DMG_PK_NUM, 0,
     UINT32_MAX, NULL, false},
    {"label", DAOS_PROP_PO_LABEL, "Pool label", DMG_PK_STR, 0, 0, NULL, false},
    {"perf_domain", DAOS_PROP_PO_PERF_DOMAIN, "Pool performance domain", DMG_PK_ENUM, 0, 0,
     dmg_perf_domain_vals, true},
    {"rd_fac", DAOS_PROP_PO_REDUN_FAC, "Pool redundancy factor", DMG_PK_NUM, 0,
     DAOS_PROP_PO_REDUN_FAC_MAX, NULL, false},
    {"reclaim", DAOS_PROP_PO_RECLAIM, "Reclaim strategy", DMG_PK_ENUM, 0, 0, dmg_reclaim_vals,
     false},
    {"reintegration", DAOS_PROP_PO_REINT_MODE, "Reintegration mode", DMG_PK_ENUM, 0, 0,
     dmg_reint_vals, false},
    {"rp_pda", DAOS_PROP_PO_RP_PDA, "Performance domain affinity level of RP", DMG_PK_NUM, 0,
     UINT32_MAX, NULL, true},
    {"scrub", DAOS_PROP_PO_SCRUB_MODE, "Checksum scrubbing mode", DMG_PK_ENUM, 0, 0,
     dmg_scrub_vals, false},
    {"scrub_freq", DAOS_PROP_PO_SCRUB_FREQ, "Checksum scrubbing frequency", DMG_PK_NUM, 0,
     UINT64_MAX, NULL, false},
    {"scrub_thresh", DAOS_PROP_PO_SCRUB_THRESH, "Checksum scrubbing threshold", DMG_PK_NUM, 0,
     UINT64_MAX, NULL, false},
    {"self_heal", DAOS_PROP_PO_SELF_HEAL, "Self-healing policy", DMG_PK_ENUM, 0, 0,
     dmg_self_heal_vals, false},
    {"space_rb", DAOS_PROP_PO_SPACE_RB, "Rebuild space ratio", DMG_PK_PCT, 0, 100, NULL, false},
    {"svc_ops_enabled", DAOS_PROP_PO_SVC_OPS_ENABLED,
     "Metadata duplicate operations detection enabled", DMG_PK_NUM, 0, 1, NULL, false},
    {"svc_ops_entry_age", DAOS_PROP_PO_SVC_OPS_ENTRY_AGE,
     "Metadata duplicate operations KVS max entry age, in seconds", DMG_PK_NUM,
     DAOS_PROP_PO_SVC_OPS_ENTRY_AGE_MIN, DAOS_PROP_PO_SVC_OPS_ENTRY_AGE_MAX, NULL, false},
    {"svc_rf", DAOS_PROP_PO_SVC_REDUN_FAC, "Pool service redundancy factor", DMG_PK_NUM, 0,
     DAOS_PROP_PO_SVC_REDUN_FAC_MAX, NULL, false},
    {"upgrade_status", DAOS_PROP_PO_UPGRADE_STATUS, "Upgrade Status", DMG_PK_ENUM, 0, 0,
     dmg_upgrade_vals, false},
};

static const struct dmg_pdef *
dmg_pdef_by_name(const char *name)
{
	size_t i;

	/* DAOS renamed rf to rd_fac and still accepts the old name. */
	if (strcmp(name, "rf") == 0)
		name = "rd_fac";
	for (i = 0; i < ARRAY_SIZE(dmg_pdefs); i++)
		if (strcmp(dmg_pdefs[i].pd_name, name) == 0)
			return &dmg_pdefs[i];
	return NULL;
}

/* "a, b, c": the names a property accepts, for error messages. */
static void
dmg_pvals_string(const struct dmg_pval *pv, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; pv->pv_name != NULL && off < len; pv++)
		off += snprintf(buf + off, len - off, "%s%s", off == 0 ? "" : ", ", pv->pv_name);
}

/* Parse "name:value" for pd into props; the message names what is allowed. */
static int
dmg_prop_parse(struct dmg *d, const struct dmg_pdef *pd, const char *val, struct dsp_props *props)
{
	const struct dmg_pval *pv;
	uint64_t               v;
	char                   buf[32], allowed[256];
	bool                   pct;
	size_t                 n;

	switch (pd->pd_kind) {
	case DMG_PK_STR:
		if (!dsp_label_valid(val))
			return dcli_bad_arg(&d->d_out, "invalid label \"%s\" (1..%d characters of "
					   "[A-Za-z0-9_.:-], not a UUID)", val, DSP_LABEL_MAX);
		return dsp_props_set_str(props, pd->pd_type, val);
	case DMG_PK_PCT:
		n = strlen(val);
		if (n > 0 && n < sizeof(buf) && val[n - 1] == '%') {
			memcpy(buf, val, n - 1);
			buf[n - 1] = '\0';
			val        = buf;
		}
		/* fall through */
	case DMG_PK_NUM:
		if (!dcli_parse_u64(val, &v) || v < pd->pd_min || v > pd->pd_max)
			return dcli_bad_arg(&d->d_out, "invalid %s value \"%s\" (valid values: %" PRIu64
					   "-%" PRIu64 ")", pd->pd_name, val, pd->pd_min,
					   pd->pd_max);
		return dsp_props_set_val(props, pd->pd_type, v);
	case DMG_PK_SIZE:
		if (dcli_parse_size(val, &v, &pct) != 0 || v < pd->pd_min || v > pd->pd_max)
			return dcli_bad_arg(&d->d_out, "invalid %s value \"%s\" (a size from %" PRIu64
					   " to %" PRIu64 " bytes)", pd->pd_name, val,
					   pd->pd_min, pd->pd_max);
		return dsp_props_set_val(props, pd->pd_type, v);
	case DMG_PK_ENUM:
		for (pv = pd->pd_vals; pv->pv_name != NULL; pv++)
			if (strcmp(pv->pv_name, val) == 0)
				return dsp_props_set_val(props, pd->pd_type, pv->pv_val);
		dmg_pvals_string(pd->pd_vals, allowed, sizeof(allowed));
		return dcli_bad_arg(&d->d_out, "invalid %s value \"%s\" (valid values: %s)", pd->pd_name,
				   val, allowed);
	}
	return -DER_INVAL;
}

/* "k:v[,k:v...]" into props. Values may hold ':' (labels do), so split at the first. */
struct dmg_props_acc {
	struct dmg       *pa_d;
	bool              pa_for_set;
	struct dsp_props *pa_props;
};

static int
dmg_prop_item(const char *name, const char *value, void *arg)
{
	struct dmg_props_acc  *pa = arg;
	struct dmg            *d  = pa->pa_d;
	const struct dmg_pdef *pd = dmg_pdef_by_name(name);

	if (pd == NULL)
		return dcli_bad_arg(&d->d_out, "unknown property \"%s\"", name);
	if (pa->pa_for_set && pd->pd_create_only)
		return dcli_bad_arg(&d->d_out, "can't set %s on existing pool.", pd->pd_name);
	if (dsp_props_find(pa->pa_props, pd->pd_type) != NULL)
		return dcli_bad_arg(&d->d_out, "duplicate property \"%s\"", pd->pd_name);
	return dmg_prop_parse(d, pd, value, pa->pa_props);
}

static int
dmg_props_parse(struct dmg *d, const char *arg, bool for_set, struct dsp_props *props)
{
	struct dmg_props_acc pa = {d, for_set, props};
	int                  rc;

	rc = dcli_list_foreach(&d->d_out, arg, true, dmg_prop_item, &pa);
	if (rc == 0 && props->dps_nr == 0)
		rc = dcli_bad_arg(&d->d_out, "no property given");
	return rc;
}

/* A property value as dmg prints it in a table. */
static void
dmg_prop_string(const struct dmg_pdef *pd, const struct dsp_prop *p, char *buf, size_t len)
{
	const struct dmg_pval *pv;

	if (p == NULL) {
		snprintf(buf, len, "not set");
		return;
	}
	if (p->dp_kind != DSP_PROP_VAL) {
		snprintf(buf, len, "%s", p->dp_kind == DSP_PROP_STR && p->dp_str ? p->dp_str : "");
		return;
	}
	switch (pd != NULL ? pd->pd_kind : DMG_PK_NUM) {
	case DMG_PK_PCT:
		snprintf(buf, len, "%" PRIu64 "%%", p->dp_val);
		return;
	case DMG_PK_SIZE:
		dcli_format_isize(p->dp_val, buf, len);
		return;
	case DMG_PK_ENUM:
		for (pv = pd->pd_vals; pv->pv_name != NULL; pv++)
			if (pv->pv_val == p->dp_val) {
				snprintf(buf, len, "%s", pv->pv_name);
				return;
			}
		snprintf(buf, len, "unknown (%" PRIu64 ")", p->dp_val);
		return;
	default:
		snprintf(buf, len, "%" PRIu64, p->dp_val);
	}
}

/* JSON: numbers stay numbers where DAOS's dmg prints them as numbers. */
static void
dmg_prop_json(struct dcli_json *j, const struct dmg_pdef *pd, const struct dsp_prop *p)
{
	char buf[128];

	dcli_json_obj_begin(j);
	dcli_json_kstr(j, "name", pd->pd_name);
	dcli_json_kstr(j, "description", pd->pd_desc);
	if (p != NULL && p->dp_kind == DSP_PROP_VAL && pd->pd_kind != DMG_PK_ENUM) {
		dcli_json_kuint(j, "value", p->dp_val);
	} else {
		dmg_prop_string(pd, p, buf, sizeof(buf));
		dcli_json_kstr(j, "value", buf);
	}
	dcli_json_obj_end(j);
}

/* ---- pool descriptions, printed as DAOS prints a daos.PoolInfo ---- */

static const char *
dmg_pool_state(uint32_t s)
{
	switch (s) {
	case DSP_POOL_CREATING: return "Creating";
	case DSP_POOL_READY: return "Ready";
	case DSP_POOL_DESTROYING: return "Destroying";
	default: return "Unknown";
	}
}

static uint32_t
dmg_imbalance(uint64_t min, uint64_t max, uint64_t total, uint32_t ntgts)
{
	double per_tgt;

	if (total == 0 || ntgts == 0 || max < min)
		return 0;
	per_tgt = (double)total / ntgts;
	return (uint32_t)((double)(max - min) / per_tgt * 100);
}

static int
dmg_used_pct(uint64_t total, uint64_t free)
{
	if (total == 0 || free > total)
		return 0;
	return (int)((double)(total - free) / (double)total * 100);
}

static void
dmg_pool_name(const struct dsp_pool_info *pi, char *buf, size_t len)
{
	char uuid[40];

	if (pi->pi_label[0] != '\0') {
		snprintf(buf, len, "%s", pi->pi_label);
		return;
	}
	/* DAOS shows an unlabelled pool by the first group of its UUID. */
	uuid_unparse_lower(pi->pi_uuid, uuid);
	uuid[8] = '\0';
	snprintf(buf, len, "%s", uuid);
}

static void
dmg_tier_json(struct dcli_json *j, uint64_t total, uint64_t free, uint64_t min, uint64_t max,
	      uint32_t ntgts, const char *media)
{
	dcli_json_obj_begin(j);
	dcli_json_kuint(j, "total", total);
	dcli_json_kuint(j, "free", free);
	dcli_json_kuint(j, "min", min);
	dcli_json_kuint(j, "max", max);
	dcli_json_kuint(j, "mean", ntgts == 0 ? 0 : free / ntgts);
	dcli_json_kstr(j, "media_type", media);
	dcli_json_obj_end(j);
}

static void
dmg_usage_json(struct dcli_json *j, const char *tier, uint64_t total, uint64_t free,
	       uint32_t imbalance)
{
	dcli_json_obj_begin(j);
	dcli_json_kstr(j, "tier_name", tier);
	dcli_json_kuint(j, "size", total);
	dcli_json_kuint(j, "free", free);
	dcli_json_kuint(j, "imbalance", imbalance);
	dcli_json_obj_end(j);
}

/*
 * The metadata tier has no per-target spread in the reply: its min, max and
 * mean are the even share (the server splits a pool evenly across targets).
 */
static void
dmg_pool_json(struct dcli_json *j, const struct dsp_pool_info *pi)
{
	uint32_t n         = pi->pi_nr_targets;
	uint64_t meta_mean = n == 0 ? 0 : pi->pi_meta_free / n;
	char     uuid[40];

	uuid_unparse_lower(pi->pi_uuid, uuid);
	dcli_json_obj_begin(j);
	dcli_json_kstr(j, "query_mask", "disabled_engines,rebuild,space");
	dcli_json_kstr(j, "state", dmg_pool_state(pi->pi_state));
	dcli_json_kstr(j, "uuid", uuid);
	if (pi->pi_label[0] != '\0')
		dcli_json_kstr(j, "label", pi->pi_label);
	dcli_json_kuint(j, "total_targets", n);
	dcli_json_kuint(j, "active_targets", n);
	dcli_json_kuint(j, "total_engines", 1);
	dcli_json_kuint(j, "disabled_targets", 0);
	dcli_json_kuint(j, "version", pi->pi_map_version);
	dcli_json_kuint(j, "svc_ldr", 0);
	dcli_json_key(j, "svc_reps");
	dcli_json_arr_begin(j);
	dcli_json_uint(j, 0);
	dcli_json_arr_end(j);
	dcli_json_key(j, "rebuild");
	dcli_json_obj_begin(j);
	dcli_json_kint(j, "status", 0);
	dcli_json_kstr(j, "state", "idle");
	dcli_json_kstr(j, "derived_state", "idle");
	dcli_json_kuint(j, "objects", 0);
	dcli_json_kuint(j, "records", 0);
	dcli_json_kuint(j, "total_objects", 0);
	dcli_json_kbool(j, "degraded", false);
	dcli_json_obj_end(j);
	dcli_json_key(j, "tier_stats");
	dcli_json_arr_begin(j);
	dmg_tier_json(j, pi->pi_meta_total, pi->pi_meta_free, meta_mean, meta_mean, n, "scm");
	dmg_tier_json(j, pi->pi_data_total, pi->pi_data_free, pi->pi_data_min, pi->pi_data_max, n,
		      "nvme");
	dcli_json_arr_end(j);
	dcli_json_kuint(j, "pool_layout_ver", 1);
	dcli_json_kuint(j, "upgrade_layout_ver", 1);
	dcli_json_kuint(j, "mem_file_bytes", pi->pi_meta_total);
	dcli_json_kbool(j, "md_on_ssd_active", true);
	dcli_json_kstr(j, "self_heal_policy", "");
	/* Beyond DAOS's fields: what dstor's pool service also knows. */
	dcli_json_kuint(j, "open_handles", pi->pi_nhandles);
	dcli_json_kuint(j, "containers", pi->pi_nconts);
	dcli_json_key(j, "usage");
	dcli_json_arr_begin(j);
	dmg_usage_json(j, "SCM", pi->pi_meta_total, pi->pi_meta_free, 0);
	dmg_usage_json(j, "NVME", pi->pi_data_total, pi->pi_data_free,
		       dmg_imbalance(pi->pi_data_min, pi->pi_data_max, pi->pi_data_total, n));
	dcli_json_arr_end(j);
	dcli_json_obj_end(j);
}

/* Decode "u32 n, n × pinfo". */
static int
dmg_pools_decode(const void *reply, uint32_t len, struct dsp_pool_info **pools, uint32_t *nr)
{
	struct ddec d;
	uint32_t    n, i;

	*pools = NULL;
	*nr    = 0;
	ddec_init(&d, reply, len);
	n = ddec_count(&d, DSP_LIST_MAX, 16 + 4);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	if (n == 0)
		return 0;
	D_ALLOC_ARRAY(*pools, n);
	if (*pools == NULL)
		return -DER_NOMEM;
	for (i = 0; i < n; i++)
		dsp_pool_info_decode(&d, &(*pools)[i]);
	if (ddec_finish(&d) != 0) {
		D_FREE(*pools);
		return -DER_PROTO;
	}
	*nr = n;
	return 0;
}

static int
dmg_pool_list_get(struct dmg *d, struct dsp_pool_info **pools, uint32_t *nr)
{
	void    *reply = NULL;
	uint32_t len   = 0;
	int      rc;

	rc = dmg_call(d, DSP_MGMT_POOL_LIST, NULL, &reply, &len);
	if (rc == 0)
		rc = dmg_pools_decode(reply, len, pools, nr);
	D_FREE(reply);
	return rc;
}

/* ---- commands ---- */

static const char *
dmg_member_state(uint32_t s, bool json)
{
	switch (s) {
	case DSS_AWAIT_FORMAT: return json ? "awaitformat" : "AwaitFormat";
	case DSS_READY: return json ? "joined" : "Joined";
	case DSS_STOPPING: return json ? "stopping" : "Stopping";
	default: return json ? "unknown" : "Unknown";
	}
}

struct dmg_sysinfo {
	char     si_system[DSS_NAME_MAX + 1];
	uint32_t si_rank;
	uint32_t si_state;
	uint32_t si_nr_targets;
	char     si_dir[PATH_MAX];
	uint32_t si_nr_pools;
};

static int
dmg_sys_query_get(struct dmg *d, struct dmg_sysinfo *si)
{
	struct ddec dd;
	void       *reply = NULL;
	uint32_t    len   = 0;
	int         rc;

	rc = dmg_call(d, DSP_MGMT_SYS_QUERY, NULL, &reply, &len);
	if (rc != 0)
		return rc;
	ddec_init(&dd, reply, len);
	ddec_str(&dd, si->si_system, sizeof(si->si_system));
	si->si_rank       = ddec_u32(&dd);
	si->si_state      = ddec_u32(&dd);
	si->si_nr_targets = ddec_u32(&dd);
	ddec_str(&dd, si->si_dir, sizeof(si->si_dir));
	si->si_nr_pools = ddec_u32(&dd);
	rc              = ddec_finish(&dd);
	D_FREE(reply);
	return rc;
}

static int
dmg_cmd_system_query(struct dmg *d)
{
	struct dmg_sysinfo si;
	struct dcli_table  t;
	char               rank[16], tgts[16], pools[16];
	int                rc;

	rc = dmg_sys_query_get(d, &si);
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "system query failed");
	snprintf(rank, sizeof(rank), "%u", si.si_rank);
	if (d->d_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_key(&j, "members");
		dcli_json_arr_begin(&j);
		dcli_json_obj_begin(&j);
		dcli_json_kuint(&j, "rank", si.si_rank);
		dcli_json_kstr(&j, "addr", d->d_ap);
		dcli_json_kstr(&j, "state", dmg_member_state(si.si_state, true));
		dcli_json_kstr(&j, "fault_domain", "/");
		dcli_json_kstr(&j, "info", "");
		dcli_json_kuint(&j, "targets", si.si_nr_targets);
		dcli_json_kstr(&j, "storage", si.si_dir);
		dcli_json_obj_end(&j);
		dcli_json_arr_end(&j);
		dcli_json_key(&j, "providers");
		dcli_json_arr_begin(&j);
		dcli_json_str(&j, "ucx");
		dcli_json_arr_end(&j);
		dcli_json_kstr(&j, "sys_self_heal_policy", "exclude;pool_exclude;pool_rebuild");
		dcli_json_kstr(&j, "system", si.si_system);
		dcli_json_kuint(&j, "pools", si.si_nr_pools);
		dcli_json_obj_end(&j);
		return dcli_envelope_close(&d->d_out, &j);
	}
	if (d->d_verbose) {
		static const char *const hdr[] = {"Rank",  "Control Address", "Targets",
						  "Pools", "Storage",         "State"};
		const char              *row[6];

		snprintf(tgts, sizeof(tgts), "%u", si.si_nr_targets);
		snprintf(pools, sizeof(pools), "%u", si.si_nr_pools);
		row[0] = rank;
		row[1] = d->d_ap;
		row[2] = tgts;
		row[3] = pools;
		row[4] = si.si_dir;
		row[5] = dmg_member_state(si.si_state, false);
		rc     = dcli_table_init(&t, 6, hdr);
		if (rc == 0)
			rc = dcli_table_add_row(&t, row);
	} else {
		static const char *const hdr[] = {"Rank", "State"};
		const char              *row[2] = {rank, dmg_member_state(si.si_state, false)};

		rc = dcli_table_init(&t, 2, hdr);
		if (rc == 0)
			rc = dcli_table_add_row(&t, row);
	}
	if (rc == 0)
		rc = dcli_table_print(&t, stdout);
	dcli_table_fini(&t);
	return rc;
}

static int
dmg_cmd_storage_format(struct dmg *d)
{
	struct dmg_sysinfo si;
	struct denc        e;
	struct dcli_table  t;
	static const char *const hdr[] = {"Hosts", "Storage", "Targets"};
	const char        *row[3];
	char               tgts[16];
	int                rc;

	denc_init(&e);
	denc_u32(&e, d->d_force ? 1 : 0);
	rc = dmg_call(d, DSP_MGMT_FORMAT, &e, NULL, NULL);
	if (rc == -DER_EXIST)
		return dcli_fail(&d->d_out, rc, "storage format failed (already formatted: --force "
				"reformats and destroys every pool)");
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "storage format failed");
	rc = dmg_sys_query_get(d, &si);
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "storage formatted, but the system query after it failed");

	if (d->d_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_key(&j, "host_errors");
		dcli_json_obj_begin(&j);
		dcli_json_obj_end(&j);
		dcli_json_key(&j, "host_storage_map");
		dcli_json_obj_begin(&j);
		dcli_json_key(&j, d->d_ap);
		dcli_json_obj_begin(&j);
		dcli_json_kstr(&j, "hosts", d->d_ap);
		dcli_json_key(&j, "storage");
		dcli_json_obj_begin(&j);
		dcli_json_kstr(&j, "dir", si.si_dir);
		dcli_json_kuint(&j, "targets", si.si_nr_targets);
		dcli_json_kbool(&j, "reformatted", d->d_force);
		dcli_json_obj_end(&j);
		dcli_json_obj_end(&j);
		dcli_json_obj_end(&j);
		dcli_json_obj_end(&j);
		return dcli_envelope_close(&d->d_out, &j);
	}
	snprintf(tgts, sizeof(tgts), "%u", si.si_nr_targets);
	row[0] = d->d_ap;
	row[1] = si.si_dir;
	row[2] = tgts;
	printf("Format Summary:\n");
	rc = dcli_table_init(&t, 3, hdr);
	if (rc == 0)
		rc = dcli_table_add_row(&t, row);
	if (rc == 0)
		rc = dcli_table_print(&t, stdout);
	dcli_table_fini(&t);
	return rc;
}

static void
dmg_pct_string(uint64_t part, uint64_t total, char *buf, size_t len)
{
	if (total == 0)
		snprintf(buf, len, "N/A");
	else
		snprintf(buf, len, "%d %%", (int)((double)part / (double)total * 100));
}

#define DMG_DEVS_MAX 3

static int
dmg_cmd_storage_query_usage(struct dmg *d)
{
	struct ddec        dd;
	struct dcli_table  t;
	static const char *const hdr[] = {"Hosts",      "Total",      "Free",   "Used",
					  "Pools-META", "Pools-DATA", "Targets"};
	const char        *row[7];
	char               tot[DCLI_SIZE_STRLEN], fr[DCLI_SIZE_STRLEN], used[16];
	char               pm[DCLI_SIZE_STRLEN], pdata[DCLI_SIZE_STRLEN], tgts[16];
	void              *reply = NULL;
	uint32_t           len   = 0, ntgts, ndev, i;
	uint64_t           total, free, pmeta, pd;
	struct {
		char     path[256];
		char     role[16];
		uint64_t total, free;
		uint32_t slices;
	} devs[DMG_DEVS_MAX];
	int                rc;

	rc = dmg_call(d, DSP_MGMT_STORAGE_QUERY, NULL, &reply, &len);
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "storage query failed");
	ddec_init(&dd, reply, len);
	total = ddec_u64(&dd);
	free  = ddec_u64(&dd);
	ntgts = ddec_u32(&dd);
	pmeta = ddec_u64(&dd);
	pd    = ddec_u64(&dd);
	/* block devices, from servers that have them */
	ndev = ddec_left(&dd) > 0 ? ddec_count(&dd, DMG_DEVS_MAX, 4 + 4 + 8 + 8 + 4) : 0;
	for (i = 0; i < ndev; i++) {
		ddec_str(&dd, devs[i].path, sizeof(devs[i].path));
		ddec_str(&dd, devs[i].role, sizeof(devs[i].role));
		devs[i].total  = ddec_u64(&dd);
		devs[i].free   = ddec_u64(&dd);
		devs[i].slices = ddec_u32(&dd);
	}
	rc    = ddec_finish(&dd);
	D_FREE(reply);
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "storage query failed");

	if (d->d_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_key(&j, "host_errors");
		dcli_json_obj_begin(&j);
		dcli_json_obj_end(&j);
		dcli_json_key(&j, "host_storage_map");
		dcli_json_obj_begin(&j);
		dcli_json_key(&j, d->d_ap);
		dcli_json_obj_begin(&j);
		dcli_json_kstr(&j, "hosts", d->d_ap);
		dcli_json_key(&j, "storage");
		dcli_json_obj_begin(&j);
		dcli_json_kuint(&j, "total_bytes", total);
		dcli_json_kuint(&j, "avail_bytes", free);
		dcli_json_kuint(&j, "targets", ntgts);
		dcli_json_kuint(&j, "pools_meta_bytes", pmeta);
		dcli_json_kuint(&j, "pools_data_bytes", pd);
		if (ndev > 0) {
			dcli_json_key(&j, "devices");
			dcli_json_arr_begin(&j);
			for (i = 0; i < ndev; i++) {
				dcli_json_obj_begin(&j);
				dcli_json_kstr(&j, "path", devs[i].path);
				dcli_json_kstr(&j, "role", devs[i].role);
				dcli_json_kuint(&j, "total_bytes", devs[i].total);
				dcli_json_kuint(&j, "avail_bytes", devs[i].free);
				dcli_json_kuint(&j, "slices", devs[i].slices);
				dcli_json_obj_end(&j);
			}
			dcli_json_arr_end(&j);
		}
		dcli_json_obj_end(&j);
		dcli_json_obj_end(&j);
		dcli_json_obj_end(&j);
		dcli_json_obj_end(&j);
		return dcli_envelope_close(&d->d_out, &j);
	}
	dcli_format_size(total, tot, sizeof(tot));
	dcli_format_size(free, fr, sizeof(fr));
	dmg_pct_string(total >= free ? total - free : 0, total, used, sizeof(used));
	dcli_format_size(pmeta, pm, sizeof(pm));
	dcli_format_size(pd, pdata, sizeof(pdata));
	snprintf(tgts, sizeof(tgts), "%u", ntgts);
	row[0] = d->d_ap;
	row[1] = tot;
	row[2] = fr;
	row[3] = used;
	row[4] = pm;
	row[5] = pdata;
	row[6] = tgts;
	rc     = dcli_table_init(&t, 7, hdr);
	if (rc == 0)
		rc = dcli_table_add_row(&t, row);
	if (rc == 0)
		rc = dcli_table_print(&t, stdout);
	dcli_table_fini(&t);
	if (rc == 0 && ndev > 0) {
		static const char *const dhdr[] = {"Device", "Role", "Total", "Free", "Used",
						   "Slices"};
		char                     sl[16];

		printf("\n");
		rc = dcli_table_init(&t, 6, dhdr);
		for (i = 0; rc == 0 && i < ndev; i++) {
			dcli_format_size(devs[i].total, tot, sizeof(tot));
			dcli_format_size(devs[i].free, fr, sizeof(fr));
			dmg_pct_string(devs[i].total - MIN(devs[i].total, devs[i].free),
				       devs[i].total, used, sizeof(used));
			snprintf(sl, sizeof(sl), "%u", devs[i].slices);
			row[0] = devs[i].path;
			row[1] = devs[i].role;
			row[2] = tot;
			row[3] = fr;
			row[4] = used;
			row[5] = sl;
			rc     = dcli_table_add_row(&t, row);
		}
		if (rc == 0)
			rc = dcli_table_print(&t, stdout);
		dcli_table_fini(&t);
	}
	return rc;
}

/* "  key<pad>: value" lines under a dashed title, as DAOS prints one entity. */
static void
dmg_print_entity(const char *title, const char *const keys[], const char *const vals[], int n)
{
	size_t w = 0;
	int    i;

	printf("%s\n", title);
	for (i = 0; title[i] != '\0'; i++)
		putchar('-');
	putchar('\n');
	for (i = 0; i < n; i++)
		w = MAX(w, strlen(keys[i]));
	for (i = 0; i < n; i++)
		printf("  %-*s : %s\n", (int)w, keys[i], vals[i]);
}

static int
dmg_cmd_pool_create(struct dmg *d)
{
	struct dsp_props     props = {0};
	struct dsp_pool_info pi    = {0};
	struct denc          e;
	struct ddec          dd;
	const char          *label = d->d_label;
	void                *reply = NULL;
	uint32_t             len   = 0;
	uint64_t             size  = 0;
	uuid_t               uuid;
	bool                 pct   = false;
	int                  rc;

	if (d->d_nargs > 1)
		return dcli_bad_arg(&d->d_out, "pool create: unexpected argument \"%s\"", d->d_args[1]);
	if (d->d_nargs == 1) {
		if (label != NULL)
			return dcli_bad_arg(&d->d_out, "pool create: the label is given twice (argument "
					   "and --label)");
		label = d->d_args[0];
	}
	if (d->d_size == NULL)
		return dcli_bad_arg(&d->d_out, "pool create: --size is required");
	if (dcli_parse_size(d->d_size, &size, &pct) != 0 || size == 0)
		return dcli_bad_arg(&d->d_out, "pool create: invalid --size \"%s\" (N[B|KB|MB|GB|TB|PB|"
				   "KiB|MiB|GiB|TiB|PiB] or N%% with 0 < N <= 100)", d->d_size);
	if (d->d_props != NULL) {
		rc = dmg_props_parse(d, d->d_props, false, &props);
		if (rc != 0)
			goto out;
	}
	if (label != NULL) {
		if (dsp_props_find(&props, DAOS_PROP_PO_LABEL) != NULL) {
			rc = dcli_bad_arg(&d->d_out, "can't set label property with label argument");
			goto out;
		}
		if (!dsp_label_valid(label)) {
			rc = dcli_bad_arg(&d->d_out, "invalid label \"%s\" (1..%d characters of "
					 "[A-Za-z0-9_.:-], not a UUID)", label, DSP_LABEL_MAX);
			goto out;
		}
	} else {
		struct dsp_prop *lp = dsp_props_find(&props, DAOS_PROP_PO_LABEL);

		if (lp == NULL) {
			rc = dcli_bad_arg(&d->d_out, "pool create: the pool label is required "
					 "(dmg pool create --size N LABEL)");
			goto out;
		}
		label = lp->dp_str;
	}

	if (!d->d_out.co_json) {
		if (pct)
			printf("Creating DAOS pool with %" PRIu64 "%% of all storage\n", size);
		else {
			char sz[DCLI_SIZE_STRLEN];

			printf("Creating DAOS pool with automatic storage allocation: %s total\n",
			       dcli_format_size(size, sz, sizeof(sz)));
		}
		fflush(stdout);
	}
	rc = dmg_connect(d);
	if (rc != 0)
		goto out;
	denc_init(&e);
	denc_str(&e, label);
	denc_u64(&e, pct ? 0 : size);
	denc_u32(&e, pct ? (uint32_t)size : 0);
	dsp_props_encode(&e, &props);
	rc = dmg_call(d, DSP_MGMT_POOL_CREATE, &e, &reply, &len);
	if (rc != 0) {
		dcli_fail(&d->d_out, rc, "pool create failed");
		goto out;
	}
	ddec_init(&dd, reply, len);
	ddec_uuid(&dd, uuid);
	dsp_pool_info_decode(&dd, &pi);
	rc = ddec_finish(&dd);
	if (rc != 0) {
		dcli_fail(&d->d_out, rc, "pool create: malformed reply");
		goto out;
	}

	{
		char uuid_s[40];

		uuid_unparse_lower(uuid, uuid_s);
		if (d->d_out.co_json) {
			struct dcli_json j;

			dcli_envelope_open(&j);
			dcli_json_obj_begin(&j);
			dcli_json_kstr(&j, "uuid", uuid_s);
			dcli_json_kuint(&j, "svc_ldr", 0);
			dcli_json_key(&j, "svc_reps");
			dcli_json_arr_begin(&j);
			dcli_json_uint(&j, 0);
			dcli_json_arr_end(&j);
			dcli_json_key(&j, "tgt_ranks");
			dcli_json_arr_begin(&j);
			dcli_json_uint(&j, 0);
			dcli_json_arr_end(&j);
			dcli_json_key(&j, "tier_bytes");
			dcli_json_arr_begin(&j);
			dcli_json_uint(&j, pi.pi_meta_total);
			dcli_json_uint(&j, pi.pi_data_total);
			dcli_json_arr_end(&j);
			dcli_json_kuint(&j, "mem_file_bytes", pi.pi_meta_total);
			dcli_json_kbool(&j, "md_on_ssd_active", true);
			dcli_json_obj_end(&j);
			rc = dcli_envelope_close(&d->d_out, &j);
		} else {
			static const char *const keys[] = {
			    "UUID",          "Service Leader", "Service Ranks",   "Storage Ranks",
			    "Total Size",    "Metadata Storage", "Data Storage"};
			char        total[DCLI_SIZE_STRLEN], a[DCLI_SIZE_STRLEN];
			char        meta[64], data[64], title[96];
			const char *vals[7];
			uint64_t    sum = pi.pi_meta_total + pi.pi_data_total;
			double      mr  = sum == 0 ? 0 : 100.0 * pi.pi_meta_total / sum;

			dcli_format_size(sum, total, sizeof(total));
			dcli_format_size(pi.pi_meta_total, a, sizeof(a));
			snprintf(meta, sizeof(meta), "%s (%s / rank)", a, a);
			dcli_format_size(pi.pi_data_total, a, sizeof(a));
			snprintf(data, sizeof(data), "%s (%s / rank)", a, a);
			snprintf(title, sizeof(title),
				 "Pool created with %.2f%%,%.2f%% storage tier ratio", mr,
				 sum == 0 ? 0 : 100.0 - mr);
			vals[0] = uuid_s;
			vals[1] = "0";
			vals[2] = "[0]";
			vals[3] = "[0]";
			vals[4] = total;
			vals[5] = meta;
			vals[6] = data;
			dmg_print_entity(title, keys, vals, 7);
		}
	}
out:
	dsp_props_fini(&props);
	D_FREE(reply);
	return rc;
}

static int
dmg_cmd_pool_list(struct dmg *d)
{
	struct dsp_pool_info *pools = NULL;
	struct dcli_table     t;
	uint32_t              nr    = 0, i;
	int                   rc;

	if (d->d_nargs > 0)
		return dcli_bad_arg(&d->d_out, "pool list: unexpected argument \"%s\"", d->d_args[0]);
	rc = dmg_connect(d);
	if (rc != 0)
		return rc;
	rc = dmg_pool_list_get(d, &pools, &nr);
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "list pools failed");

	if (d->d_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_kint(&j, "status", 0);
		dcli_json_key(&j, "pools");
		dcli_json_arr_begin(&j);
		for (i = 0; i < nr; i++)
			dmg_pool_json(&j, &pools[i]);
		dcli_json_arr_end(&j);
		dcli_json_obj_end(&j);
		rc = dcli_envelope_close(&d->d_out, &j);
		goto out;
	}
	if (nr == 0) {
		printf("No pools in system\n");
		goto out;
	}
	if (d->d_verbose) {
		static const char *const hdr[] = {
		    "Label",     "UUID",      "State",          "SvcReps",       "Meta Size",
		    "Meta Used", "Meta Imbalance", "Data Size", "Data Used",     "Data Imbalance",
		    "Disabled",  "UpgradeNeeded?", "Rebuild State"};

		rc = dcli_table_init(&t, 13, hdr);
		for (i = 0; rc == 0 && i < nr; i++) {
			struct dsp_pool_info *pi = &pools[i];
			char uuid[40], ms[DCLI_SIZE_STRLEN], mu[DCLI_SIZE_STRLEN], mi[16];
			char ds[DCLI_SIZE_STRLEN], du[DCLI_SIZE_STRLEN], di[16], dis[32];
			const char *row[13];

			uuid_unparse_lower(pi->pi_uuid, uuid);
			dcli_format_size(pi->pi_meta_total, ms, sizeof(ms));
			dcli_format_size(pi->pi_meta_total - MIN(pi->pi_meta_free,
								   pi->pi_meta_total), mu, sizeof(mu));
			snprintf(mi, sizeof(mi), "0%%");
			dcli_format_size(pi->pi_data_total, ds, sizeof(ds));
			dcli_format_size(pi->pi_data_total - MIN(pi->pi_data_free,
								   pi->pi_data_total), du, sizeof(du));
			snprintf(di, sizeof(di), "%u%%",
				 dmg_imbalance(pi->pi_data_min, pi->pi_data_max, pi->pi_data_total,
					       pi->pi_nr_targets));
			snprintf(dis, sizeof(dis), "0/%u", pi->pi_nr_targets);
			row[0]  = pi->pi_label[0] != '\0' ? pi->pi_label : "-";
			row[1]  = uuid;
			row[2]  = dmg_pool_state(pi->pi_state);
			row[3]  = "[0]";
			row[4]  = ms;
			row[5]  = mu;
			row[6]  = mi;
			row[7]  = ds;
			row[8]  = du;
			row[9]  = di;
			row[10] = dis;
			row[11] = "None";
			row[12] = "idle";
			rc      = dcli_table_add_row(&t, row);
		}
	} else {
		static const char *const hdr[] = {"Pool", "Size",      "State",
						  "Used", "Imbalance", "Disabled"};

		rc = dcli_table_init(&t, 6, hdr);
		for (i = 0; rc == 0 && i < nr; i++) {
			struct dsp_pool_info *pi = &pools[i];
			char name[DSP_LABEL_MAX + 1], size[DCLI_SIZE_STRLEN], used[16], imb[16];
			char dis[32];
			const char *row[6];

			dmg_pool_name(pi, name, sizeof(name));
			/* DAOS shows the last tier that has space: DATA, or META alone. */
			if (pi->pi_data_total > 0) {
				dcli_format_size(pi->pi_data_total, size, sizeof(size));
				snprintf(used, sizeof(used), "%d%%",
					 dmg_used_pct(pi->pi_data_total, pi->pi_data_free));
				snprintf(imb, sizeof(imb), "%u%%",
					 dmg_imbalance(pi->pi_data_min, pi->pi_data_max,
						       pi->pi_data_total, pi->pi_nr_targets));
			} else {
				dcli_format_size(pi->pi_meta_total, size, sizeof(size));
				snprintf(used, sizeof(used), "%d%%",
					 dmg_used_pct(pi->pi_meta_total, pi->pi_meta_free));
				snprintf(imb, sizeof(imb), "0%%");
			}
			snprintf(dis, sizeof(dis), "0/%u", pi->pi_nr_targets);
			row[0] = name;
			row[1] = size;
			row[2] = dmg_pool_state(pi->pi_state);
			row[3] = used;
			row[4] = imb;
			row[5] = dis;
			rc     = dcli_table_add_row(&t, row);
		}
	}
	if (rc == 0)
		rc = dcli_table_print(&t, stdout);
	dcli_table_fini(&t);
out:
	D_FREE(pools);
	return rc;
}

/* The one positional argument of a command on an existing pool. */
static int
dmg_pool_arg(struct dmg *d, const char *cmd, int max_args)
{
	if (d->d_nargs < 1)
		return dcli_bad_arg(&d->d_out, "pool %s: the pool label or UUID is required", cmd);
	if (d->d_nargs > max_args)
		return dcli_bad_arg(&d->d_out, "pool %s: unexpected argument \"%s\"", cmd,
				   d->d_args[max_args]);
	if (!dsp_id_is_uuid(d->d_args[0], NULL) && !dsp_label_valid(d->d_args[0]))
		return dcli_bad_arg(&d->d_out, "pool %s: \"%s\" is neither a UUID nor a valid label", cmd,
				   d->d_args[0]);
	return 0;
}

static bool
dmg_pool_matches(const struct dsp_pool_info *pi, const char *id)
{
	uuid_t u;

	if (dsp_id_is_uuid(id, u))
		return uuid_compare(u, pi->pi_uuid) == 0;
	return strcmp(pi->pi_label, id) == 0;
}

static int
dmg_cmd_pool_query(struct dmg *d)
{
	struct dsp_pool_info *pools = NULL, *pi = NULL;
	uint32_t              nr    = 0, i;
	int                   rc;

	rc = dmg_pool_arg(d, "query", 1);
	if (rc != 0)
		return rc;
	rc = dmg_connect(d);
	if (rc != 0)
		return rc;
	/* The pool list carries every field of a query and opens no pool handle. */
	rc = dmg_pool_list_get(d, &pools, &nr);
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "pool query failed");
	for (i = 0; i < nr && pi == NULL; i++)
		if (dmg_pool_matches(&pools[i], d->d_args[0]))
			pi = &pools[i];
	if (pi == NULL) {
		rc = dcli_fail(&d->d_out, -DER_NONEXIST, "pool query failed: %s", d->d_args[0]);
		goto out;
	}

	if (d->d_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dmg_pool_json(&j, pi);
		rc = dcli_envelope_close(&d->d_out, &j);
	} else {
		char     uuid[40], a[DCLI_SIZE_STRLEN], b[DCLI_SIZE_STRLEN], c[DCLI_SIZE_STRLEN];
		char     m[DCLI_SIZE_STRLEN];
		uint32_t n = pi->pi_nr_targets;

		uuid_unparse_lower(pi->pi_uuid, uuid);
		printf("Pool %s, ntarget=%u, disabled=0, leader=0, version=%u, state=%s\n", uuid, n,
		       pi->pi_map_version, dmg_pool_state(pi->pi_state));
		printf("Pool health info:\n");
		printf("- Rebuild idle, 0 objs, 0 recs\n");
		printf("- Data redundancy: normal\n");
		printf("Pool space info:\n");
		printf("- Target count:%u\n", n);
		printf("- Metadata storage:\n");
		printf("  Total size: %s\n", dcli_format_size(pi->pi_meta_total, a, sizeof(a)));
		printf("  Free: %s\n", dcli_format_size(pi->pi_meta_free, a, sizeof(a)));
		printf("- Data storage:\n");
		printf("  Total size: %s\n", dcli_format_size(pi->pi_data_total, a, sizeof(a)));
		printf("  Free: %s, min:%s, max:%s, mean:%s\n",
		       dcli_format_size(pi->pi_data_free, a, sizeof(a)),
		       dcli_format_size(pi->pi_data_min, b, sizeof(b)),
		       dcli_format_size(pi->pi_data_max, c, sizeof(c)),
		       dcli_format_size(n == 0 ? 0 : pi->pi_data_free / n, m, sizeof(m)));
	}
out:
	D_FREE(pools);
	return rc;
}

static int
dmg_cmd_pool_destroy(struct dmg *d)
{
	struct denc e;
	int         rc;

	rc = dmg_pool_arg(d, "destroy", 1);
	if (rc != 0)
		return rc;
	rc = dmg_connect(d);
	if (rc != 0)
		return rc;
	denc_init(&e);
	denc_str(&e, d->d_args[0]);
	denc_u32(&e, d->d_force ? 1 : 0);
	rc = dmg_call(d, DSP_MGMT_POOL_DESTROY, &e, NULL, NULL);
	if (rc == -DER_BUSY)
		return dcli_fail(&d->d_out, rc, "Pool-destroy command failed (open handles: --force "
				"destroys anyway)");
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "Pool-destroy command failed");
	if (!d->d_out.co_json)
		printf("Pool-destroy command succeeded\n");
	return 0;
}

static int
dmg_cmd_pool_evict(struct dmg *d)
{
	struct denc e;
	int         rc;

	rc = dmg_pool_arg(d, "evict", 1);
	if (rc != 0)
		return rc;
	rc = dmg_connect(d);
	if (rc != 0)
		return rc;
	denc_init(&e);
	denc_str(&e, d->d_args[0]);
	rc = dmg_call(d, DSP_MGMT_POOL_EVICT, &e, NULL, NULL);
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "Pool-evict command failed");
	if (!d->d_out.co_json)
		printf("Pool-evict command succeeded\n");
	return 0;
}

/* get-prop's names: the properties asked for, in the order asked. */
struct dmg_want {
	struct dmg            *w_d;
	const struct dmg_pdef *w_pd[ARRAY_SIZE(dmg_pdefs)];
	size_t                 w_nr;
};

static int
dmg_want_item(const char *name, const char *value, void *arg)
{
	struct dmg_want       *w  = arg;
	const struct dmg_pdef *pd = dmg_pdef_by_name(name);

	(void)value;
	if (pd == NULL)
		return dcli_bad_arg(&w->w_d->d_out, "unknown property \"%s\"", name);
	if (w->w_nr < ARRAY_SIZE(w->w_pd))
		w->w_pd[w->w_nr++] = pd;
	return 0;
}

static int
dmg_cmd_pool_get_prop(struct dmg *d)
{
	struct dmg_want        w     = {.w_d = d};
	struct dsp_props       props = {0};
	struct denc            e;
	struct ddec            dd;
	void                  *reply = NULL;
	uint32_t               len   = 0;
	size_t                 i;
	int                    rc;

	rc = dmg_pool_arg(d, "get-prop", 2);
	if (rc != 0)
		return rc;
	if (d->d_nargs == 2) {
		rc = dcli_list_foreach(&d->d_out, d->d_args[1], false, dmg_want_item, &w);
		if (rc != 0)
			return rc;
	}
	rc = dmg_connect(d);
	if (rc != 0)
		return rc;
	denc_init(&e);
	denc_str(&e, d->d_args[0]);
	rc = dmg_call(d, DSP_MGMT_POOL_GET_PROP, &e, &reply, &len);
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "pool get-prop failed");
	ddec_init(&dd, reply, len);
	rc = dsp_props_decode(&dd, &props);
	D_FREE(reply);
	if (rc != 0)
		return dcli_fail(&d->d_out, rc, "pool get-prop: malformed reply");
	/* Without names: every property the pool has that dmg knows, by name. */
	if (w.w_nr == 0)
		for (i = 0; i < ARRAY_SIZE(dmg_pdefs); i++)
			if (dsp_props_find(&props, dmg_pdefs[i].pd_type) != NULL)
				w.w_pd[w.w_nr++] = &dmg_pdefs[i];

	if (d->d_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_arr_begin(&j);
		for (i = 0; i < w.w_nr; i++)
			dmg_prop_json(&j, w.w_pd[i], dsp_props_find(&props, w.w_pd[i]->pd_type));
		dcli_json_arr_end(&j);
		rc = dcli_envelope_close(&d->d_out, &j);
	} else {
		static const char *const hdr[] = {"Name", "Value"};
		struct dcli_table        t;

		printf("Pool %s properties:\n", d->d_args[0]);
		rc = dcli_table_init(&t, 2, hdr);
		for (i = 0; rc == 0 && i < w.w_nr; i++) {
			char        name[160], val[160];
			const char *row[2] = {name, val};

			snprintf(name, sizeof(name), "%s (%s)", w.w_pd[i]->pd_desc, w.w_pd[i]->pd_name);
			dmg_prop_string(w.w_pd[i], dsp_props_find(&props, w.w_pd[i]->pd_type), val,
					sizeof(val));
			rc = dcli_table_add_row(&t, row);
		}
		if (rc == 0)
			rc = dcli_table_print(&t, stdout);
		dcli_table_fini(&t);
	}
	dsp_props_fini(&props);
	return rc;
}

static int
dmg_cmd_pool_set_prop(struct dmg *d)
{
	struct dsp_props props = {0};
	struct denc      e;
	int              rc;

	rc = dmg_pool_arg(d, "set-prop", 2);
	if (rc != 0)
		return rc;
	if (d->d_nargs < 2)
		return dcli_bad_arg(&d->d_out, "pool set-prop: give the properties, name:value[,name:value]");
	rc = dmg_props_parse(d, d->d_args[1], true, &props);
	if (rc != 0)
		goto out;
	rc = dmg_connect(d);
	if (rc != 0)
		goto out;
	denc_init(&e);
	denc_str(&e, d->d_args[0]);
	dsp_props_encode(&e, &props);
	rc = dmg_call(d, DSP_MGMT_POOL_SET_PROP, &e, NULL, NULL);
	if (rc != 0) {
		dcli_fail(&d->d_out, rc, "pool set-prop failed");
		goto out;
	}
	if (!d->d_out.co_json)
		printf("pool set-prop succeeded\n");
out:
	dsp_props_fini(&props);
	return rc;
}

/* ---- the command line ---- */

enum {
	DMG_O_FORCE   = 1u << 0,
	DMG_O_VERBOSE = 1u << 1,
	DMG_O_SIZE    = 1u << 2,
	DMG_O_LABEL   = 1u << 3,
	DMG_O_PROPS   = 1u << 4,
};

struct dmg_cmd {
	const char *c_group;
	const char *c_alias; /* DAOS's short name of the group, or NULL */
	const char *c_name;
	const char *c_name_alias;
	const char *c_sub;   /* a third word ("storage query usage"), or NULL */
	unsigned    c_opts;  /* DMG_O_* it accepts */
	bool        c_connect; /* connect before the command runs */
	int       (*c_fn)(struct dmg *d);
	const char *c_usage;
};

static const struct dmg_cmd dmg_cmds[] = {
    {"system", "sys", "query", NULL, NULL, DMG_O_VERBOSE, true, dmg_cmd_system_query,
     "system query [--verbose]"},
    {"storage", "sto", "format", NULL, NULL, DMG_O_FORCE, true, dmg_cmd_storage_format,
     "storage format [--force]"},
    {"storage", "sto", "query", NULL, "usage", 0, true, dmg_cmd_storage_query_usage,
     "storage query usage"},
    {"pool", NULL, "create", NULL, NULL, DMG_O_SIZE | DMG_O_LABEL | DMG_O_PROPS, false,
     dmg_cmd_pool_create,
     "pool create --size N[B|KB|MB|GB|TB|PB|KiB|..|%] [--properties k:v,...] LABEL"},
    {"pool", NULL, "list", "ls", NULL, DMG_O_VERBOSE, false, dmg_cmd_pool_list,
     "pool list [--verbose]"},
    {"pool", NULL, "query", NULL, NULL, 0, false, dmg_cmd_pool_query, "pool query LABEL|UUID"},
    {"pool", NULL, "destroy", NULL, NULL, DMG_O_FORCE, false, dmg_cmd_pool_destroy,
     "pool destroy LABEL|UUID [--force]"},
    {"pool", NULL, "get-prop", NULL, NULL, 0, false, dmg_cmd_pool_get_prop,
     "pool get-prop LABEL|UUID [name[,name...]]"},
    {"pool", NULL, "set-prop", NULL, NULL, 0, false, dmg_cmd_pool_set_prop,
     "pool set-prop LABEL|UUID name:value[,name:value...]"},
    {"pool", NULL, "evict", NULL, NULL, 0, false, dmg_cmd_pool_evict, "pool evict LABEL|UUID"},
};

static void
dmg_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: dmg [-o CONFIG] [--host HOST[:PORT]] [-j|--json] COMMAND\n"
		   "  -o, --config-path FILE  daos_server's YAML: reach the server it configures\n"
		   "      --host HOST[:PORT]  the server's address (default: $%s, else %s:%u)\n"
		   "  -j, --json              JSON output: {\"response\", \"error\", \"status\"}\n"
		   "commands:\n",
		DC_SYS_ENV_ACCESS_POINTS, DC_SYS_HOST_DEFAULT, DC_SYS_PORT_DEFAULT);
	for (i = 0; i < ARRAY_SIZE(dmg_cmds); i++)
		fprintf(f, "  dmg %s\n", dmg_cmds[i].c_usage);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config-path", required_argument, NULL, 'o'},
	    {"config", required_argument, NULL, 'o'},
	    {"host", required_argument, NULL, 'H'},
	    {"host-list", required_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {"insecure", no_argument, NULL, 'i'},
	    {"debug", no_argument, NULL, 'd'},
	    {"force", no_argument, NULL, 'f'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"size", required_argument, NULL, 'z'},
	    {"label", required_argument, NULL, 'L'},
	    {"properties", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const struct dmg_cmd *cmd = NULL;
	struct dmg            d   = {0};
	unsigned              given = 0;
	char                 *words[3];
	int                   nwords, c, rc, i;
	size_t                k;

	opterr = 0;
	d.d_out.co_tool  = "dmg";
	d.d_out.co_usage = "usage: dmg [-o CONFIG] [--host HOST[:PORT]] [-j] COMMAND (dmg --help lists the commands)";
	while ((c = getopt_long(argc, argv, ":o:H:l:jidfvz:P:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': d.d_config = optarg; break;
		case 'H':
		case 'l': d.d_host = optarg; break;
		case 'j': d.d_out.co_json = true; break;
		case 'i': break; /* no certificates to skip: accepted for DAOS's scripts */
		case 'd': d.d_debug = true; break;
		case 'f': d.d_force = true; given |= DMG_O_FORCE; break;
		case 'v': d.d_verbose = true; given |= DMG_O_VERBOSE; break;
		case 'z': d.d_size = optarg; given |= DMG_O_SIZE; break;
		case 'L': d.d_label = optarg; given |= DMG_O_LABEL; break;
		case 'P': d.d_props = optarg; given |= DMG_O_PROPS; break;
		case 'h': dmg_usage(stdout); return 0;
		default: return dcli_getopt_fail(&d.d_out, c, argv);
		}
	}
	dcli_log_setup("dmg", d.d_debug);

	nwords = 0;
	for (i = optind; i < argc && nwords < 3; i++)
		words[nwords++] = argv[i];
	for (; nwords < 3; nwords++)
		words[nwords] = NULL;
	if (words[0] == NULL) {
		dcli_bad_arg(&d.d_out, "please specify one command");
		return dcli_finish(&d.d_out, -DER_INVAL);
	}
	if (strcmp(words[0], "help") == 0) {
		dmg_usage(stdout);
		return 0;
	}
	for (k = 0; k < ARRAY_SIZE(dmg_cmds) && cmd == NULL; k++) {
		const struct dmg_cmd *cc = &dmg_cmds[k];

		if (dcli_word_is(words[0], cc->c_group, cc->c_alias) &&
		    dcli_word_is(words[1], cc->c_name, cc->c_name_alias) &&
		    (cc->c_sub == NULL || dcli_word_is(words[2], cc->c_sub, NULL)))
			cmd = cc;
	}
	if (cmd == NULL) {
		dcli_bad_arg(&d.d_out, "unknown command \"%s%s%s\"", words[0], words[1] ? " " : "",
			    words[1] ? words[1] : "");
		return dcli_finish(&d.d_out, -DER_INVAL);
	}
	if ((given & ~cmd->c_opts) != 0) {
		static const char *const flag_names[] = {"--force", "--verbose", "--size",
							 "--label", "--properties"};
		unsigned                 bad = given & ~cmd->c_opts;

		dcli_bad_arg(&d.d_out, "%s is not an option of \"dmg %s\"",
			    flag_names[__builtin_ctz(bad)], cmd->c_usage);
		return dcli_finish(&d.d_out, -DER_INVAL);
	}
	d.d_args  = argv + optind + 2 + (cmd->c_sub != NULL ? 1 : 0);
	d.d_nargs = argc - optind - 2 - (cmd->c_sub != NULL ? 1 : 0);
	if (cmd->c_connect && d.d_nargs > 0) {
		dcli_bad_arg(&d.d_out, "%s %s: unexpected argument \"%s\"", cmd->c_group, cmd->c_name,
			    d.d_args[0]);
		return dcli_finish(&d.d_out, -DER_INVAL);
	}

	rc = 0;
	if (cmd->c_connect)
		rc = dmg_connect(&d);
	if (rc == 0)
		rc = cmd->c_fn(&d);
	rc = dcli_finish(&d.d_out, rc);
	dc_sys_detach(d.d_sys);
	d_log_fini();
	return rc;
}
