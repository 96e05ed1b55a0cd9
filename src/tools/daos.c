/*
 * daos: the user's tool. It reaches pools, containers and objects through
 * libdaos's public API only (what any DAOS program may call), and takes and
 * prints what DAOS's `daos` does: the same resources and commands, property
 * names and values, table layouts and JSON shapes, so a DAOS user's habits
 * and scripts carry over.
 *
 *   daos [-j] pool|container|object COMMAND ARGS... [OPTIONS]
 *
 * The server is found by libdaos (DSTOR_ACCESS_POINTS, else 127.0.0.1:10001).
 * Exit status: 0 on success, 1 when the command failed (the server's, the
 * library's or the transport's error), 2 for bad arguments. Errors go to
 * stderr as one line, "ERROR: daos: <what>: DER_XXX(-N): <description>", and
 * with -j also into the JSON envelope on stdout, as dmg's do:
 * {"response": ..., "error": ..., "status": N}.
 *
 * Caveats:
 * - Container property names and descriptions are kept here as DAOS's tool
 *   keeps its own; value syntax is libdaos's (daos_prop_from_str), so the
 *   tool and the library accept the same text.
 * - POSIX containers (--type POSIX) get their layout type only: the POSIX
 *   layer (dfs) that would create the superblock and root directory, and keep
 *   --oclass and --chunk-size there, is not built yet (a warning says so).
 * - "object query" prints the layout the oid encodes (class, groups, shards);
 *   the targets each shard lands on are placement's, not in the public API.
 */
#include <getopt.h>
#include <stdarg.h>
#include <time.h>
#include <daos.h>
#include <gurt/common.h>
#include <gurt/dlog.h>
#include "common/cli.h"
#include "common/oclass.h"

#define DT_SNAP_MAX   4096 /* snapshots listed at most */

struct dt {
	/* options */
	bool           t_debug;
	bool           t_force;
	bool           t_verbose;
	const char    *t_label;
	const char    *t_type;
	const char    *t_oclass;
	const char    *t_chunk;
	const char    *t_props;
	const char    *t_snap;
	const char    *t_epc;
	const char    *t_epcrange;
	char         **t_args; /* positional arguments after the command words */
	int            t_nargs;
	/* state */
	bool           t_inited;
	daos_handle_t  t_poh;
	daos_handle_t  t_coh;
	uuid_t         t_pool_uuid;
	struct dcli_outcome t_out; /* error line, JSON envelope, exit status */
};

/* ---- errors and the JSON envelope (as dmg's) ---- */

/* ---- container properties: DAOS's tool's names over DAOS_PROP_CO_* ---- */

enum dt_pkind {
	DT_PK_STR,    /* a string (label, owner, group) */
	DT_PK_NUM,    /* a number */
	DT_PK_SIZE,   /* bytes, printed in binary units */
	DT_PK_ENUM,   /* one of the names in pd_vals */
	DT_PK_CODE,   /* a name with its number: "POSIX (1)", "node (2)" */
	DT_PK_RDFAC,  /* "rd_fac1" */
	DT_PK_STATUS, /* HEALTHY / UNCLEAN */
	DT_PK_ROOTS,  /* object IDs */
	DT_PK_ACL,    /* an ACL */
};

struct dt_pval {
	const char *pv_name;
	uint64_t    pv_val;
};

struct dt_pdef {
	const char           *pd_name;
	uint32_t              pd_type;
	const char           *pd_desc;
	enum dt_pkind         pd_kind;
	const struct dt_pval *pd_vals; /* NULL-terminated */
	bool                  pd_readonly; /* refused by --properties */
};

static const struct dt_pval dt_csum_vals[] = {
    {"off", DAOS_PROP_CO_CSUM_OFF},       {"crc16", DAOS_PROP_CO_CSUM_CRC16},
    {"crc32", DAOS_PROP_CO_CSUM_CRC32},   {"crc64", DAOS_PROP_CO_CSUM_CRC64},
    {"sha1", DAOS_PROP_CO_CSUM_SHA1},     {"sha256", DAOS_PROP_CO_CSUM_SHA256},
    {"sha512", DAOS_PROP_CO_CSUM_SHA512}, {"adler32", DAOS_PROP_CO_CSUM_ADLER32},
    {NULL, 0}};
static const struct dt_pval dt_onoff_vals[] = {{"off", 0}, {"on", 1}, {NULL, 0}};
static const struct dt_pval dt_dedup_vals[] = {{"off", DAOS_PROP_CO_DEDUP_OFF},
					       {"memcmp", DAOS_PROP_CO_DEDUP_MEMCMP},
					       {"hash", DAOS_PROP_CO_DEDUP_HASH},
					       {NULL, 0}};
static const struct dt_pval dt_compress_vals[] = {
    {"off", DAOS_PROP_CO_COMPRESS_OFF},           {"lz4", DAOS_PROP_CO_COMPRESS_LZ4},
    {"deflate", DAOS_PROP_CO_COMPRESS_DEFLATE},   {"deflate1", DAOS_PROP_CO_COMPRESS_DEFLATE1},
    {"deflate2", DAOS_PROP_CO_COMPRESS_DEFLATE2}, {"deflate3", DAOS_PROP_CO_COMPRESS_DEFLATE3},
    {"deflate4", DAOS_PROP_CO_COMPRESS_DEFLATE4}, {NULL, 0}};
static const struct dt_pval dt_encrypt_vals[] = {
    {"off", DAOS_PROP_CO_ENCRYPT_OFF},
    {"aes-xts128", DAOS_PROP_CO_ENCRYPT_AES_XTS128},
    {"aes-xts256", DAOS_PROP_CO_ENCRYPT_AES_XTS256},
    {"aes-cbc128", DAOS_PROP_CO_ENCRYPT_AES_CBC128},
    {"aes-cbc192", DAOS_PROP_CO_ENCRYPT_AES_CBC192},
    {"aes-cbc256", DAOS_PROP_CO_ENCRYPT_AES_CBC256},
    {"aes-gcm128", DAOS_PROP_CO_ENCRYPT_AES_GCM128},
    {"aes-gcm256", DAOS_PROP_CO_ENCRYPT_AES_GCM256},
    {NULL, 0}};
static const struct dt_pval dt_perf_domain_vals[] = {
    {"root", DAOS_PROP_PERF_DOMAIN_ROOT}, {"group", DAOS_PROP_PERF_DOMAIN_GROUP}, {NULL, 0}};
static const struct dt_pval dt_rd_lvl_vals[] = {
    {"rank", DAOS_PROP_CO_REDUN_RANK}, {"node", DAOS_PROP_CO_REDUN_NODE}, {NULL, 0}};
/* --type's names; DAOS prints "unknown" for a container nobody laid out. */
static const struct dt_pval dt_layout_vals[] = {
    {"unknown", DAOS_PROP_CO_LAYOUT_UNKNOWN},   {"POSIX", DAOS_PROP_CO_LAYOUT_POSIX},
    {"HDF5", DAOS_PROP_CO_LAYOUT_HDF5},         {"PYTHON", DAOS_PROP_CO_LAYOUT_PYTHON},
    {"SPARK", DAOS_PROP_CO_LAYOUT_SPARK},       {"DATABASE", DAOS_PROP_CO_LAYOUT_DATABASE},
    {"ROOT", DAOS_PROP_CO_LAYOUT_ROOT},         {"SEISMIC", DAOS_PROP_CO_LAYOUT_SEISMIC},
    {"METEO", DAOS_PROP_CO_LAYOUT_METEO},       {NULL, 0}};

/* Sorted by name: get-prop prints in this order, as DAOS's tool does. */
static const struct dt_pdef dt_pdefs[] = {
    {"acl", DAOS_PROP_CO_ACL, "Access Control List", DT_PK_ACL, NULL, true},
    {"alloc_oid", DAOS_PROP_CO_ALLOCED_OID, "Highest Allocated OID", DT_PK_NUM, NULL, true},
    {"cksum", DAOS_PROP_CO_CSUM, "Checksum", DT_PK_ENUM, dt_csum_vals, false},
    {"cksum_size", DAOS_PROP_CO_CSUM_CHUNK_SIZE, "Checksum Chunk Size", DT_PK_SIZE, NULL, false},
    {"compression", DAOS_PROP_CO_COMPRESS, "Compression", DT_PK_ENUM, dt_compress_vals, false},
    {"dedup", DAOS_PROP_CO_DEDUP, "Deduplication", DT_PK_ENUM, dt_dedup_vals, false},
    {"dedup_threshold", DAOS_PROP_CO_DEDUP_THRESHOLD, "Dedupe Threshold", DT_PK_SIZE, NULL,
     false},
    {"ec_cell_sz", DAOS_PROP_CO_EC_CELL_SZ, "EC Cell Size", DT_PK_SIZE, NULL, false},
    {"ec_pda", DAOS_PROP_CO_EC_PDA, "Performance domain affinity level of EC", DT_PK_NUM, NULL,
     false},
    {"encryption", DAOS_PROP_CO_ENCRYPT, "Encryption", DT_PK_ENUM, dt_encrypt_vals, false},
    {"global_version", DAOS_PROP_CO_GLOBAL_VERSION, "Global Version", DT_PK_NUM, NULL, true},
    {"group", DAOS_PROP_CO_OWNER_GROUP, "Group", DT_PK_STR, NULL, true},
    {"label", DAOS_PROP_CO_LABEL, "Label", DT_PK_STR, NULL, false},
    {"layout_type", DAOS_PROP_CO_LAYOUT_TYPE, "Layout Type", DT_PK_CODE, dt_layout_vals, true},
    {"layout_version", DAOS_PROP_CO_LAYOUT_VER, "Layout Version", DT_PK_NUM, NULL, true},
    {"max_snapshot", DAOS_PROP_CO_SNAPSHOT_MAX, "Max Snapshot", DT_PK_NUM, NULL, true},
    {"obj_version", DAOS_PROP_CO_OBJ_VERSION, "Object Version", DT_PK_NUM, NULL, true},
    {"owner", DAOS_PROP_CO_OWNER, "Owner", DT_PK_STR, NULL, true},
    {"perf_domain", DAOS_PROP_CO_PERF_DOMAIN, "Performance domain level", DT_PK_ENUM,
     dt_perf_domain_vals, false},
    {"rd_fac", DAOS_PROP_CO_REDUN_FAC, "Redundancy Factor", DT_PK_RDFAC, NULL, false},
    {"rd_lvl", DAOS_PROP_CO_REDUN_LVL, "Redundancy Level", DT_PK_CODE, dt_rd_lvl_vals, true},
    {"root_oids", DAOS_PROP_CO_ROOTS, "Root OIDs", DT_PK_ROOTS, NULL, true},
    {"rp_pda", DAOS_PROP_CO_RP_PDA, "Performance domain affinity level of RP", DT_PK_NUM, NULL,
     false},
    {"scrub_disabled", DAOS_PROP_CO_SCRUBBER_DISABLED, "Scrubber Disabled", DT_PK_NUM, NULL,
     true},
    {"srv_cksum", DAOS_PROP_CO_CSUM_SERVER_VERIFY, "Server Checksumming", DT_PK_ENUM,
     dt_onoff_vals, false},
    {"status", DAOS_PROP_CO_STATUS, "Health", DT_PK_STATUS, NULL, true},
};

static const struct dt_pdef *
dt_pdef_by_name(const char *name)
{
	size_t i;

	/* DAOS renamed these and still takes the old names. */
	if (strcmp(name, "rf") == 0)
		name = "rd_fac";
	else if (strcmp(name, "rf_lvl") == 0)
		name = "rd_lvl";
	for (i = 0; i < ARRAY_SIZE(dt_pdefs); i++)
		if (strcmp(dt_pdefs[i].pd_name, name) == 0)
			return &dt_pdefs[i];
	return NULL;
}

static const char *
dt_pval_name(const struct dt_pval *pv, uint64_t v)
{
	for (; pv != NULL && pv->pv_name != NULL; pv++)
		if (pv->pv_val == v)
			return pv->pv_name;
	return NULL;
}

/* A property's value as DAOS's tool prints it in a table. */
static void
dt_prop_string(const struct dt_pdef *pd, const struct daos_prop_entry *e, char *buf, size_t len)
{
	const struct daos_prop_co_roots *roots;
	struct daos_co_status            st;
	const char                      *name;
	size_t                           off = 0;
	int                              i;

	if (e == NULL || !daos_prop_is_set((struct daos_prop_entry *)e)) {
		snprintf(buf, len, "not set");
		return;
	}
	switch (pd->pd_kind) {
	case DT_PK_STR:
		snprintf(buf, len, "%s", e->dpe_str != NULL ? e->dpe_str : "");
		return;
	case DT_PK_SIZE:
		dcli_format_isize(e->dpe_val, buf, len);
		return;
	case DT_PK_ENUM:
		name = dt_pval_name(pd->pd_vals, e->dpe_val);
		if (name != NULL)
			snprintf(buf, len, "%s", name);
		else
			snprintf(buf, len, "unknown (%" PRIu64 ")", e->dpe_val);
		return;
	case DT_PK_CODE:
		name = dt_pval_name(pd->pd_vals, e->dpe_val);
		snprintf(buf, len, "%s (%" PRIu64 ")", name != NULL ? name : "unknown", e->dpe_val);
		return;
	case DT_PK_RDFAC:
		snprintf(buf, len, "rd_fac%" PRIu64, e->dpe_val);
		return;
	case DT_PK_STATUS:
		daos_prop_val_2_co_status(e->dpe_val, &st);
		snprintf(buf, len, "%s", st.dcs_status == DAOS_PROP_CO_HEALTHY ? "HEALTHY"
					 : st.dcs_status == DAOS_PROP_CO_UNCLEAN ? "UNCLEAN"
										 : "unknown");
		return;
	case DT_PK_ROOTS:
		roots  = e->dpe_val_ptr;
		buf[0] = '\0';
		for (i = 0; roots != NULL && i < 4 && off < len; i++)
			off += snprintf(buf + off, len - off, "%s%" PRIu64 ".%" PRIu64,
					i == 0 ? "" : ", ", roots->cr_oids[i].hi,
					roots->cr_oids[i].lo);
		return;
	case DT_PK_ACL:
		snprintf(buf, len, "%s", e->dpe_val_ptr != NULL ? "(set)" : "none");
		return;
	default:
		snprintf(buf, len, "%" PRIu64, e->dpe_val);
	}
}

/* JSON: numbers stay numbers, names stay names. */
static void
dt_prop_json(struct dcli_json *j, const struct dt_pdef *pd, const struct daos_prop_entry *e)
{
	char buf[256];

	dcli_json_obj_begin(j);
	dcli_json_kstr(j, "name", pd->pd_name);
	dcli_json_kstr(j, "description", pd->pd_desc);
	if (e != NULL && daos_prop_is_set((struct daos_prop_entry *)e) &&
	    (pd->pd_kind == DT_PK_NUM || pd->pd_kind == DT_PK_SIZE)) {
		dcli_json_kuint(j, "value", e->dpe_val);
	} else {
		dt_prop_string(pd, e, buf, sizeof(buf));
		dcli_json_kstr(j, "value", buf);
	}
	dcli_json_obj_end(j);
}

/* Add one parsed entry to *acc (a new list replaces it). */
static int
dt_prop_add(daos_prop_t **acc, daos_prop_t *one)
{
	daos_prop_t *merged = NULL;
	int          rc;

	if (*acc == NULL) {
		*acc = one;
		return 0;
	}
	rc = daos_prop_merge2(*acc, one, &merged);
	daos_prop_free(one);
	if (rc != 0)
		return rc;
	daos_prop_free(*acc);
	*acc = merged;
	return 0;
}

/*
 * "name:value[,name:value...]" (the daos tool's --properties) into a new
 * list. Names are checked here, so the message names the culprit; each value
 * is parsed by libdaos (daos_prop_from_str), the syntax DAOS programs use.
 */
struct dt_props_acc {
	struct dt   *pa_t;
	daos_prop_t *pa_acc;
};

static int
dt_prop_item(const char *name, const char *value, void *arg)
{
	struct dt_props_acc  *pa = arg;
	struct dt            *t  = pa->pa_t;
	const struct dt_pdef *pd = dt_pdef_by_name(name);
	daos_prop_t          *one = NULL;
	char                  item[256];
	int                   rc;

	if (pd == NULL)
		return dcli_bad_arg(&t->t_out, "unknown property \"%s\"", name);
	if (pd->pd_readonly)
		return dcli_bad_arg(&t->t_out, "property \"%s\" cannot be set", pd->pd_name);
	if (pa->pa_acc != NULL && daos_prop_entry_get(pa->pa_acc, pd->pd_type) != NULL)
		return dcli_bad_arg(&t->t_out, "duplicate property \"%s\"", pd->pd_name);
	snprintf(item, sizeof(item), "%s:%s", pd->pd_name, value);
	rc = daos_prop_from_str(item, strlen(item), &one);
	if (rc == -DER_NOMEM)
		return rc;
	if (rc != 0)
		return dcli_bad_arg(&t->t_out, "invalid value \"%s\" for property \"%s\"", value,
				    pd->pd_name);
	return dt_prop_add(&pa->pa_acc, one);
}

static int
dt_props_parse(struct dt *t, const char *arg, daos_prop_t **out)
{
	struct dt_props_acc pa = {t, NULL};
	int                 rc;

	rc = dcli_list_foreach(&t->t_out, arg, true, dt_prop_item, &pa);
	if (rc == 0 && pa.pa_acc == NULL)
		rc = dcli_bad_arg(&t->t_out, "no property given");
	if (rc != 0) {
		daos_prop_free(pa.pa_acc);
		return rc;
	}
	*out = pa.pa_acc;
	return 0;
}

static const char *
dt_layout_name(uint64_t v)
{
	const char *n = dt_pval_name(dt_layout_vals, v);

	return n != NULL ? n : "unknown";
}

/* ---- pool and container handles ---- */

static int
dt_init(struct dt *t)
{
	int rc = daos_init();

	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to initialize the client library");
	t->t_inited = true;
	return 0;
}

/* Read-only commands connect read-only, as DAOS's tool does (ACLs may allow no more). */
static int
dt_pool_connect(struct dt *t, unsigned int flags)
{
	daos_pool_info_t info = {0};
	int              rc;

	info.pi_bits = DPI_ALL;
	rc = daos_pool_connect(t->t_args[0], NULL, flags, &t->t_poh, &info, NULL);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to connect to pool %s", t->t_args[0]);
	uuid_copy(t->t_pool_uuid, info.pi_uuid);
	return 0;
}

static int
dt_cont_open(struct dt *t, unsigned int flags, daos_cont_info_t *info)
{
	int rc;

	rc = daos_cont_open(t->t_poh, t->t_args[1], flags, &t->t_coh, info, NULL);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to open container %s", t->t_args[1]);
	return 0;
}

static void
dt_release(struct dt *t)
{
	if (daos_handle_is_valid(t->t_coh))
		daos_cont_close(t->t_coh, NULL);
	if (daos_handle_is_valid(t->t_poh))
		daos_pool_disconnect(t->t_poh, NULL);
	if (t->t_inited)
		daos_fini();
}

/* ---- pool commands ---- */

static const char *
dt_rebuild_state(const struct daos_rebuild_status *rs)
{
	if (rs->rs_errno != 0)
		return "failed";
	if (rs->rs_state == DRS_IN_PROGRESS)
		return "busy";
	return rs->rs_version == 0 ? "idle" : "done";
}

static void
dt_tier_json(struct dcli_json *j, const struct daos_pool_space *ps, int m, const char *media)
{
	dcli_json_obj_begin(j);
	dcli_json_kuint(j, "total", ps->ps_space.s_total[m]);
	dcli_json_kuint(j, "free", ps->ps_space.s_free[m]);
	dcli_json_kuint(j, "min", ps->ps_free_min[m]);
	dcli_json_kuint(j, "max", ps->ps_free_max[m]);
	dcli_json_kuint(j, "mean", ps->ps_free_mean[m]);
	dcli_json_kstr(j, "media_type", media);
	dcli_json_obj_end(j);
}

static int
dt_cmd_pool_query(struct dt *t)
{
	daos_pool_info_t                  pi = {0};
	const struct daos_pool_space     *ps = &pi.pi_space;
	const struct daos_rebuild_status *rs = &pi.pi_rebuild_st;
	char                              uuid[40];
	char a[DCLI_SIZE_STRLEN], b[DCLI_SIZE_STRLEN], c[DCLI_SIZE_STRLEN], m[DCLI_SIZE_STRLEN];
	int  rc;

	pi.pi_bits = DPI_ALL;
	rc         = daos_pool_query(t->t_poh, NULL, &pi, NULL, NULL);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to query pool %s", t->t_args[0]);
	uuid_unparse_lower(pi.pi_uuid, uuid);
	if (t->t_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_kstr(&j, "state", "Ready");
		dcli_json_kstr(&j, "uuid", uuid);
		if (!daos_is_valid_uuid_string(t->t_args[0], UUID_SST_NONE))
			dcli_json_kstr(&j, "label", t->t_args[0]);
		dcli_json_kuint(&j, "total_targets", pi.pi_ntargets);
		dcli_json_kuint(&j, "active_targets", pi.pi_ntargets - pi.pi_ndisabled);
		dcli_json_kuint(&j, "total_engines", pi.pi_nnodes);
		dcli_json_kuint(&j, "disabled_targets", pi.pi_ndisabled);
		dcli_json_kuint(&j, "version", pi.pi_map_ver);
		dcli_json_kuint(&j, "svc_ldr", pi.pi_leader);
		dcli_json_key(&j, "rebuild");
		dcli_json_obj_begin(&j);
		dcli_json_kint(&j, "status", rs->rs_errno);
		dcli_json_kstr(&j, "state", dt_rebuild_state(rs));
		dcli_json_kuint(&j, "objects", rs->rs_obj_nr);
		dcli_json_kuint(&j, "records", rs->rs_rec_nr);
		dcli_json_obj_end(&j);
		dcli_json_key(&j, "tier_stats");
		dcli_json_arr_begin(&j);
		dt_tier_json(&j, ps, DAOS_MEDIA_SCM, "scm");
		dt_tier_json(&j, ps, DAOS_MEDIA_NVME, "nvme");
		dcli_json_arr_end(&j);
		dcli_json_obj_end(&j);
		return dcli_envelope_close(&t->t_out, &j);
	}
	printf("Pool %s, ntarget=%u, disabled=%u, leader=%u, version=%u, state=Ready\n", uuid,
	       pi.pi_ntargets, pi.pi_ndisabled, pi.pi_leader, pi.pi_map_ver);
	printf("Pool health info:\n");
	printf("- Rebuild %s, %" PRIu64 " objs, %" PRIu64 " recs\n", dt_rebuild_state(rs),
	       rs->rs_obj_nr, rs->rs_rec_nr);
	printf("Pool space info:\n");
	printf("- Target count:%u\n", ps->ps_ntargets);
	printf("- Metadata storage:\n");
	printf("  Total size: %s\n", dcli_format_size(ps->ps_space.s_total[DAOS_MEDIA_SCM], a,
						       sizeof(a)));
	printf("  Free: %s\n", dcli_format_size(ps->ps_space.s_free[DAOS_MEDIA_SCM], a, sizeof(a)));
	printf("- Data storage:\n");
	printf("  Total size: %s\n", dcli_format_size(ps->ps_space.s_total[DAOS_MEDIA_NVME], a,
						       sizeof(a)));
	printf("  Free: %s, min:%s, max:%s, mean:%s\n",
	       dcli_format_size(ps->ps_space.s_free[DAOS_MEDIA_NVME], a, sizeof(a)),
	       dcli_format_size(ps->ps_free_min[DAOS_MEDIA_NVME], b, sizeof(b)),
	       dcli_format_size(ps->ps_free_max[DAOS_MEDIA_NVME], c, sizeof(c)),
	       dcli_format_size(ps->ps_free_mean[DAOS_MEDIA_NVME], m, sizeof(m)));
	return 0;
}

/* "pool list-containers" and "container list": the same list. */
static int
dt_cmd_pool_list_cont(struct dt *t)
{
	struct daos_pool_cont_info *conts = NULL;
	daos_size_t                 n     = 0, i;
	int                         rc;

	/* Count, then fetch; a container created in between makes the second call retry. */
	do {
		D_FREE(conts);
		rc = daos_pool_list_cont(t->t_poh, &n, NULL, NULL);
		if (rc != 0 || n == 0)
			break;
		D_ALLOC_ARRAY(conts, n);
		if (conts == NULL)
			return -DER_NOMEM;
		rc = daos_pool_list_cont(t->t_poh, &n, conts, NULL);
	} while (rc == -DER_TRUNC);
	if (rc != 0) {
		D_FREE(conts);
		return dcli_fail(&t->t_out, rc, "failed to list containers in pool %s", t->t_args[0]);
	}

	if (t->t_out.co_json) {
		struct dcli_json j;
		char             uuid[40];

		dcli_envelope_open(&j);
		dcli_json_arr_begin(&j);
		for (i = 0; i < n; i++) {
			uuid_unparse_lower(conts[i].pci_uuid, uuid);
			dcli_json_obj_begin(&j);
			dcli_json_kstr(&j, "uuid", uuid);
			dcli_json_kstr(&j, "label", conts[i].pci_label);
			dcli_json_obj_end(&j);
		}
		dcli_json_arr_end(&j);
		rc = dcli_envelope_close(&t->t_out, &j);
	} else {
		static const char *const hdr[] = {"UUID", "Label"};
		struct dcli_table        tab;

		rc = dcli_table_init(&tab, 2, hdr);
		for (i = 0; rc == 0 && i < n; i++) {
			char        uuid[40];
			const char *row[2] = {uuid, conts[i].pci_label};

			uuid_unparse_lower(conts[i].pci_uuid, uuid);
			rc = dcli_table_add_row(&tab, row);
		}
		if (rc == 0)
			rc = dcli_table_print(&tab, stdout);
		dcli_table_fini(&tab);
	}
	D_FREE(conts);
	return rc;
}

/* ---- container life cycle ---- */

static int
dt_layout_parse(struct dt *t, const char *s, uint64_t *v)
{
	const struct dt_pval *pv;

	for (pv = dt_layout_vals; pv->pv_name != NULL; pv++) {
		if (strcasecmp(pv->pv_name, s) == 0) {
			*v = pv->pv_val;
			return 0;
		}
	}
	return dcli_bad_arg(&t->t_out, "invalid container type \"%s\" (valid types: POSIX, HDF5, PYTHON, "
			  "SPARK, DATABASE, ROOT, SEISMIC, METEO, unknown)", s);
}

static int
dt_cmd_cont_create(struct dt *t)
{
	daos_prop_t *prop  = NULL, *one;
	const char  *label = NULL;
	uint64_t     layout = DAOS_PROP_CO_LAYOUT_UNKNOWN, chunk = 0;
	uuid_t       cuuid;
	char         uuid[40], puuid[40];
	int          rc;

	/* The label: positional (DAOS 2.4 on), --label, or label: in --properties. */
	if (t->t_nargs > 1)
		label = t->t_args[1];
	if (t->t_label != NULL) {
		if (label != NULL && strcmp(label, t->t_label) != 0)
			return dcli_bad_arg(&t->t_out, "container create: two labels given (\"%s\" and "
					  "--label \"%s\")", label, t->t_label);
		label = t->t_label;
	}
	if (label != NULL && !daos_label_is_valid(label))
		return dcli_bad_arg(&t->t_out, "invalid label \"%s\" (1..%d characters of [A-Za-z0-9_.:-], "
				  "not a UUID)", label, DAOS_PROP_LABEL_MAX_LEN);
	if (t->t_type != NULL) {
		rc = dt_layout_parse(t, t->t_type, &layout);
		if (rc != 0)
			return rc;
	}
	if (t->t_oclass != NULL && daos_oclass_name2id(t->t_oclass) == OC_UNKNOWN)
		return dcli_bad_arg(&t->t_out, "unknown object class \"%s\"", t->t_oclass);
	if (t->t_chunk != NULL && (dcli_parse_size(t->t_chunk, &chunk, NULL) != 0 || chunk == 0))
		return dcli_bad_arg(&t->t_out, "invalid chunk size \"%s\"", t->t_chunk);
	if ((t->t_oclass != NULL || t->t_chunk != NULL) && layout != DAOS_PROP_CO_LAYOUT_POSIX)
		return dcli_bad_arg(&t->t_out, "--oclass and --chunk-size are for POSIX containers "
				  "(--type POSIX)");
	if (t->t_props != NULL) {
		struct daos_prop_entry *le;

		rc = dt_props_parse(t, t->t_props, &prop);
		if (rc != 0)
			return rc;
		le = daos_prop_entry_get(prop, DAOS_PROP_CO_LABEL);
		if (le != NULL) {
			if (label != NULL && strcmp(label, le->dpe_str) != 0) {
				rc = dcli_bad_arg(&t->t_out, "container create: two labels given (\"%s\" "
						"and label:%s)", label, le->dpe_str);
				goto out;
			}
			label = NULL; /* the list carries it */
		}
	}
	if (t->t_type != NULL) {
		one = daos_prop_alloc(1);
		if (one == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
		one->dpp_entries[0].dpe_type = DAOS_PROP_CO_LAYOUT_TYPE;
		one->dpp_entries[0].dpe_val  = layout;
		rc                           = dt_prop_add(&prop, one);
		if (rc != 0)
			goto out;
	}

	rc = dt_pool_connect(t, DAOS_PC_RW);
	if (rc != 0)
		goto out;
	if (label != NULL)
		rc = daos_cont_create_with_label(t->t_poh, label, prop, &cuuid, NULL);
	else
		rc = daos_cont_create(t->t_poh, &cuuid, prop, NULL);
	if (rc != 0) {
		dcli_fail(&t->t_out, rc, "failed to create container");
		goto out;
	}
	if (label == NULL && prop != NULL) {
		struct daos_prop_entry *le = daos_prop_entry_get(prop, DAOS_PROP_CO_LABEL);

		if (le != NULL)
			label = le->dpe_str;
	}
	if (t->t_oclass != NULL || t->t_chunk != NULL)
		fprintf(stderr, "daos: warning: --oclass and --chunk-size are not kept: a POSIX "
				"container keeps them in its superblock, which needs the POSIX "
				"layer (dfs), not built yet\n");

	uuid_unparse_lower(cuuid, uuid);
	uuid_unparse_lower(t->t_pool_uuid, puuid);
	if (t->t_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_kstr(&j, "pool_uuid", puuid);
		dcli_json_kstr(&j, "container_uuid", uuid);
		if (label != NULL)
			dcli_json_kstr(&j, "container_label", label);
		dcli_json_kstr(&j, "container_type", dt_layout_name(layout));
		dcli_json_obj_end(&j);
		rc = dcli_envelope_close(&t->t_out, &j);
	} else {
		printf("  Container UUID : %s\n", uuid);
		if (label != NULL)
			printf("  Container Label: %s\n", label);
		printf("  Container Type : %s\n", dt_layout_name(layout));
		printf("Successfully created container %s\n", uuid);
	}
out:
	daos_prop_free(prop);
	return rc;
}

static int
dt_cmd_cont_destroy(struct dt *t)
{
	int rc;

	rc = daos_cont_destroy(t->t_poh, t->t_args[1], t->t_force ? 1 : 0, NULL);
	if (rc == -DER_BUSY)
		return dcli_fail(&t->t_out, rc, "failed to destroy container %s (open handles: --force "
				   "destroys anyway)", t->t_args[1]);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to destroy container %s", t->t_args[1]);
	if (!t->t_out.co_json)
		printf("Successfully destroyed container %s\n", t->t_args[1]);
	return 0;
}

/* An HLC time stamp as DAOS prints it: hex, then the wall-clock time. */
static void
dt_hlc_string(uint64_t hlc, char *buf, size_t len)
{
	time_t    secs = (time_t)(d_hlc2unixnsec(hlc) / 1000000000ULL);
	struct tm tm;
	char      when[64];

	if (hlc == 0 || localtime_r(&secs, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "%#" PRIx64, hlc);
		return;
	}
	snprintf(buf, len, "%#" PRIx64 " (%s)", hlc, when);
}

static int
dt_cmd_cont_query(struct dt *t)
{
	daos_cont_info_t        ci   = {0};
	daos_prop_t            *prop = NULL;
	struct daos_prop_entry *e;
	const char             *label = NULL;
	uint64_t                layout = DAOS_PROP_CO_LAYOUT_UNKNOWN, rf = 0;
	char                    uuid[40], puuid[40], ot[96], mt[96];
	int                     rc;

	prop = daos_prop_alloc(0);
	if (prop == NULL)
		return -DER_NOMEM;
	rc = daos_cont_query(t->t_coh, &ci, prop, NULL);
	if (rc != 0) {
		dcli_fail(&t->t_out, rc, "failed to query container %s", t->t_args[1]);
		goto out;
	}
	e = daos_prop_entry_get(prop, DAOS_PROP_CO_LABEL);
	if (e != NULL && e->dpe_str != NULL)
		label = e->dpe_str;
	e = daos_prop_entry_get(prop, DAOS_PROP_CO_LAYOUT_TYPE);
	if (e != NULL)
		layout = e->dpe_val;
	e = daos_prop_entry_get(prop, DAOS_PROP_CO_REDUN_FAC);
	if (e != NULL)
		rf = e->dpe_val;
	uuid_unparse_lower(ci.ci_uuid, uuid);
	uuid_unparse_lower(t->t_pool_uuid, puuid);

	if (t->t_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_kstr(&j, "pool_uuid", puuid);
		dcli_json_kstr(&j, "container_uuid", uuid);
		if (label != NULL)
			dcli_json_kstr(&j, "container_label", label);
		dcli_json_kstr(&j, "container_type", dt_layout_name(layout));
		dcli_json_kuint(&j, "num_handles", ci.ci_nhandles);
		dcli_json_kuint(&j, "num_snapshots", ci.ci_nsnapshots);
		dcli_json_kuint(&j, "latest_snapshot", ci.ci_lsnapshot);
		dcli_json_kuint(&j, "open_time", ci.ci_md_otime);
		dcli_json_kuint(&j, "close_modify_time", ci.ci_md_mtime);
		dcli_json_kuint(&j, "redundancy_factor", rf);
		dcli_json_obj_end(&j);
		rc = dcli_envelope_close(&t->t_out, &j);
		goto out;
	}
	dt_hlc_string(ci.ci_md_otime, ot, sizeof(ot));
	dt_hlc_string(ci.ci_md_mtime, mt, sizeof(mt));
	printf("  Container UUID              : %s\n", uuid);
	if (label != NULL)
		printf("  Container Label             : %s\n", label);
	printf("  Container Type              : %s\n", dt_layout_name(layout));
	printf("  Pool UUID                   : %s\n", puuid);
	printf("  Container redundancy factor : %" PRIu64 "\n", rf);
	printf("  Number of open handles      : %u\n", ci.ci_nhandles);
	printf("  Latest open time            : %s\n", ot);
	printf("  Latest close/modify time    : %s\n", mt);
	printf("  Number of snapshots         : %u\n", ci.ci_nsnapshots);
	printf("  Latest Persistent Snapshot  : %#" PRIx64 "\n", ci.ci_lsnapshot);
out:
	daos_prop_free(prop);
	return rc;
}

/* ---- container properties ---- */

/* get-prop and set-prop take the list as --properties or, as DAOS 2.4 on, after CONT. */
static int
dt_props_arg(struct dt *t, const char **list)
{
	*list = t->t_props;
	if (t->t_nargs > 2) {
		if (t->t_props != NULL)
			return dcli_bad_arg(&t->t_out, "give the properties once: \"%s\" or --properties",
					  t->t_args[2]);
		*list = t->t_args[2];
	}
	return 0;
}

/* get-prop's names: the properties asked for, in the order asked. */
struct dt_want {
	struct dt            *w_t;
	const struct dt_pdef *w_pd[ARRAY_SIZE(dt_pdefs)];
	size_t                w_nr;
};

static int
dt_want_item(const char *name, const char *value, void *arg)
{
	struct dt_want       *w  = arg;
	const struct dt_pdef *pd = dt_pdef_by_name(name);

	(void)value;
	if (pd == NULL)
		return dcli_bad_arg(&w->w_t->t_out, "unknown property \"%s\"", name);
	if (w->w_nr < ARRAY_SIZE(w->w_pd))
		w->w_pd[w->w_nr++] = pd;
	return 0;
}

static int
dt_cmd_cont_get_prop(struct dt *t)
{
	struct dt_want        w    = {.w_t = t};
	daos_prop_t          *prop = NULL;
	const char           *list;
	size_t                i;
	int                   rc;

	rc = dt_props_arg(t, &list);
	if (rc != 0)
		return rc;
	if (list != NULL) {
		rc = dcli_list_foreach(&t->t_out, list, false, dt_want_item, &w);
		if (rc != 0)
			return rc;
	}
	rc = dt_pool_connect(t, DAOS_PC_RO);
	if (rc == 0)
		rc = dt_cont_open(t, DAOS_COO_RO, NULL);
	if (rc != 0)
		return rc;
	prop = daos_prop_alloc(0);
	if (prop == NULL)
		return -DER_NOMEM;
	rc = daos_cont_query(t->t_coh, NULL, prop, NULL);
	if (rc != 0) {
		dcli_fail(&t->t_out, rc, "failed to get properties of container %s", t->t_args[1]);
		goto out;
	}
	/* Without names: every property the container has that the tool knows. */
	if (w.w_nr == 0)
		for (i = 0; i < ARRAY_SIZE(dt_pdefs); i++)
			if (daos_prop_entry_get(prop, dt_pdefs[i].pd_type) != NULL)
				w.w_pd[w.w_nr++] = &dt_pdefs[i];

	if (t->t_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_arr_begin(&j);
		for (i = 0; i < w.w_nr; i++)
			dt_prop_json(&j, w.w_pd[i], daos_prop_entry_get(prop, w.w_pd[i]->pd_type));
		dcli_json_arr_end(&j);
		rc = dcli_envelope_close(&t->t_out, &j);
	} else {
		static const char *const hdr[] = {"Name", "Value"};
		struct dcli_table        tab;

		printf("Properties for container %s\n", t->t_args[1]);
		rc = dcli_table_init(&tab, 2, hdr);
		for (i = 0; rc == 0 && i < w.w_nr; i++) {
			char        val[256];
			const char *row[2] = {w.w_pd[i]->pd_desc, val};

			dt_prop_string(w.w_pd[i], daos_prop_entry_get(prop, w.w_pd[i]->pd_type), val,
				       sizeof(val));
			rc = dcli_table_add_row(&tab, row);
		}
		if (rc == 0)
			rc = dcli_table_print(&tab, stdout);
		dcli_table_fini(&tab);
	}
out:
	daos_prop_free(prop);
	return rc;
}

static int
dt_cmd_cont_set_prop(struct dt *t)
{
	daos_prop_t *prop = NULL;
	const char  *list;
	int          rc;

	rc = dt_props_arg(t, &list);
	if (rc != 0)
		return rc;
	if (list == NULL)
		return dcli_bad_arg(&t->t_out, "container set-prop: give --properties name:value[,name:value]");
	rc = dt_props_parse(t, list, &prop);
	if (rc != 0)
		return rc;
	rc = dt_pool_connect(t, DAOS_PC_RW);
	if (rc == 0)
		rc = dt_cont_open(t, DAOS_COO_RW, NULL);
	if (rc != 0)
		goto out;
	rc = daos_cont_set_prop(t->t_coh, prop, NULL);
	if (rc != 0) {
		dcli_fail(&t->t_out, rc, "failed to set properties on container %s", t->t_args[1]);
		goto out;
	}
	if (!t->t_out.co_json)
		printf("Properties were successfully set\n");
out:
	daos_prop_free(prop);
	return rc;
}

/* ---- pool and container attributes ---- */

static const char dt_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* DAOS's JSON carries attribute values as bytes: base64 text. */
static char *
dt_base64(const unsigned char *p, size_t n)
{
	char  *out;
	size_t i, o = 0;

	D_ALLOC(out, (n + 2) / 3 * 4 + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		out[o++] = dt_b64[p[i] >> 2];
		out[o++] = dt_b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		out[o++] = dt_b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		out[o++] = dt_b64[p[i + 2] & 63];
	}
	if (i < n) {
		out[o++] = dt_b64[p[i] >> 2];
		if (i + 1 < n) {
			out[o++] = dt_b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			out[o++] = dt_b64[(p[i + 1] & 15) << 2];
		} else {
			out[o++] = dt_b64[(p[i] & 3) << 4];
			out[o++] = '=';
		}
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

/*
 * Whose attributes: the container a command opened, else its pool. The
 * owner is the argument before the attribute's name (POOL, or POOL CONT).
 */
static bool
dt_attr_cont(const struct dt *t)
{
	return daos_handle_is_valid(t->t_coh);
}

static const char *
dt_attr_kind(const struct dt *t)
{
	return dt_attr_cont(t) ? "container" : "pool";
}

static const char *
dt_attr_owner(const struct dt *t)
{
	return t->t_args[dt_attr_cont(t) ? 1 : 0];
}

/* The attribute's name, then its value, as given on the command line. */
static const char *
dt_attr_arg(const struct dt *t, int i)
{
	return t->t_args[(dt_attr_cont(t) ? 2 : 1) + i];
}

static int
dt_attr_list(struct dt *t, char *buf, size_t *size)
{
	return dt_attr_cont(t) ? daos_cont_list_attr(t->t_coh, buf, size, NULL)
			       : daos_pool_list_attr(t->t_poh, buf, size, NULL);
}

static int
dt_attr_get(struct dt *t, const char *const names[], void *const bufs[], size_t sizes[])
{
	return dt_attr_cont(t) ? daos_cont_get_attr(t->t_coh, 1, names, bufs, sizes, NULL)
			       : daos_pool_get_attr(t->t_poh, 1, names, bufs, sizes, NULL);
}

/* One attribute's value, NUL-terminated for printing (*len: its bytes). */
static int
dt_attr_fetch(struct dt *t, const char *name, char **val, size_t *len)
{
	const char *names[1] = {name};
	void       *bufs[1];
	size_t      sizes[1] = {0};
	int         rc;

	*val = NULL;
	rc   = dt_attr_get(t, names, NULL, sizes);
	if (rc != 0)
		return rc;
	D_ALLOC(*val, sizes[0] + 1);
	if (*val == NULL)
		return -DER_NOMEM;
	bufs[0] = *val;
	rc      = dt_attr_get(t, names, bufs, sizes);
	if (rc != 0) {
		D_FREE(*val);
		return rc;
	}
	*len = sizes[0];
	return 0;
}

/* The names (and with --verbose the values) of every attribute, all fetched before printing. */
struct dt_attrs {
	char   *da_buf;   /* names, NUL-separated */
	size_t  da_nr;
	char  **da_names; /* into da_buf */
	char  **da_vals;  /* NULL without --verbose */
	size_t *da_lens;
};

static void
dt_attrs_fini(struct dt_attrs *a)
{
	size_t i;

	for (i = 0; a->da_vals != NULL && i < a->da_nr; i++)
		D_FREE(a->da_vals[i]);
	D_FREE(a->da_vals);
	D_FREE(a->da_lens);
	D_FREE(a->da_names);
	D_FREE(a->da_buf);
}

static int
dt_attrs_get(struct dt *t, bool values, struct dt_attrs *a)
{
	size_t size = 0, got, off, i;
	int    rc;

	memset(a, 0, sizeof(*a));
	rc = dt_attr_list(t, NULL, &size);
	if (rc != 0 || size == 0)
		return rc;
	D_ALLOC(a->da_buf, size);
	if (a->da_buf == NULL)
		return -DER_NOMEM;
	got = size;
	rc  = dt_attr_list(t, a->da_buf, &got);
	if (rc == 0 && got > size)
		rc = -DER_TRUNC; /* one was added in between */
	if (rc != 0)
		goto out;
	for (off = 0; off < size; off += strlen(a->da_buf + off) + 1)
		a->da_nr++;
	D_ALLOC_ARRAY(a->da_names, a->da_nr);
	if (values) {
		D_ALLOC_ARRAY(a->da_vals, a->da_nr);
		D_ALLOC_ARRAY(a->da_lens, a->da_nr);
	}
	if (a->da_names == NULL || (values && (a->da_vals == NULL || a->da_lens == NULL))) {
		rc = -DER_NOMEM;
		goto out;
	}
	for (off = 0, i = 0; i < a->da_nr; off += strlen(a->da_buf + off) + 1, i++)
		a->da_names[i] = a->da_buf + off;
	for (i = 0; values && rc == 0 && i < a->da_nr; i++)
		rc = dt_attr_fetch(t, a->da_names[i], &a->da_vals[i], &a->da_lens[i]);
out:
	if (rc != 0)
		dt_attrs_fini(a);
	return rc;
}

static int
dt_cmd_list_attr(struct dt *t)
{
	struct dcli_table tab;
	struct dt_attrs   a;
	size_t            i;
	int               rc;

	rc = dt_attrs_get(t, t->t_verbose, &a);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to list attributes of %s %s", dt_attr_kind(t),
				 dt_attr_owner(t));

	if (t->t_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_arr_begin(&j);
		for (i = 0; rc == 0 && i < a.da_nr; i++) {
			dcli_json_obj_begin(&j);
			dcli_json_kstr(&j, "name", a.da_names[i]);
			if (a.da_vals != NULL) {
				char *b64 = dt_base64((unsigned char *)a.da_vals[i], a.da_lens[i]);

				if (b64 == NULL)
					rc = -DER_NOMEM;
				dcli_json_kstr(&j, "value", b64);
				D_FREE(b64);
			}
			dcli_json_obj_end(&j);
		}
		dcli_json_arr_end(&j);
		if (rc == 0)
			rc = dcli_envelope_close(&t->t_out, &j);
		dt_attrs_fini(&a);
		return rc;
	}
	if (t->t_verbose) {
		static const char *const hdr[] = {"Name", "Value"};

		rc = dcli_table_init(&tab, 2, hdr);
	} else {
		static const char *const hdr[] = {"Name"};

		rc = dcli_table_init(&tab, 1, hdr);
	}
	printf("Attributes for %s %s:\n", dt_attr_kind(t), dt_attr_owner(t));
	for (i = 0; rc == 0 && i < a.da_nr; i++) {
		const char *row[2] = {a.da_names[i], a.da_vals != NULL ? a.da_vals[i] : NULL};

		rc = dcli_table_add_row(&tab, row);
	}
	if (rc == 0)
		rc = dcli_table_print(&tab, stdout);
	dcli_table_fini(&tab);
	dt_attrs_fini(&a);
	return rc;
}

static int
dt_cmd_get_attr(struct dt *t)
{
	const char *name = dt_attr_arg(t, 0);
	char       *val  = NULL;
	size_t      len  = 0;
	int         rc;

	rc = dt_attr_fetch(t, name, &val, &len);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to get attribute %s of %s %s", name,
				 dt_attr_kind(t), dt_attr_owner(t));
	if (t->t_out.co_json) {
		struct dcli_json j;
		char            *b64 = dt_base64((unsigned char *)val, len);

		if (b64 == NULL) {
			D_FREE(val);
			return -DER_NOMEM;
		}
		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_kstr(&j, "name", name);
		dcli_json_kstr(&j, "value", b64);
		dcli_json_obj_end(&j);
		D_FREE(b64);
		rc = dcli_envelope_close(&t->t_out, &j);
	} else {
		static const char *const hdr[] = {"Name", "Value"};
		const char              *row[2] = {name, val};
		struct dcli_table        tab;

		printf("Attributes for %s %s:\n", dt_attr_kind(t), dt_attr_owner(t));
		rc = dcli_table_init(&tab, 2, hdr);
		if (rc == 0)
			rc = dcli_table_add_row(&tab, row);
		if (rc == 0)
			rc = dcli_table_print(&tab, stdout);
		dcli_table_fini(&tab);
	}
	D_FREE(val);
	return rc;
}

static int
dt_cmd_set_attr(struct dt *t)
{
	const char *names[1] = {dt_attr_arg(t, 0)};
	const void *vals[1]  = {dt_attr_arg(t, 1)};
	size_t      sizes[1] = {strlen(dt_attr_arg(t, 1))};
	int         rc;

	rc = dt_attr_cont(t) ? daos_cont_set_attr(t->t_coh, 1, names, vals, sizes, NULL)
			     : daos_pool_set_attr(t->t_poh, 1, names, vals, sizes, NULL);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to set attribute %s on %s %s", names[0],
				 dt_attr_kind(t), dt_attr_owner(t));
	return 0;
}

static int
dt_cmd_del_attr(struct dt *t)
{
	const char *names[1] = {dt_attr_arg(t, 0)};
	int         rc;

	rc = dt_attr_cont(t) ? daos_cont_del_attr(t->t_coh, 1, names, NULL)
			     : daos_pool_del_attr(t->t_poh, 1, names, NULL);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to delete attribute %s of %s %s", names[0],
				 dt_attr_kind(t), dt_attr_owner(t));
	return 0;
}

/* ---- snapshots ---- */

static int
dt_cmd_cont_create_snap(struct dt *t)
{
	daos_epoch_t epoch = 0;
	char         name[DAOS_SNAPSHOT_MAX_LEN];
	int          rc;

	if (t->t_snap != NULL) {
		if (strlen(t->t_snap) >= sizeof(name))
			return dcli_bad_arg(&t->t_out, "snapshot name \"%s\" is longer than %d bytes",
					  t->t_snap, DAOS_SNAPSHOT_MAX_LEN - 1);
		snprintf(name, sizeof(name), "%s", t->t_snap);
	}
	rc = dt_pool_connect(t, DAOS_PC_RW);
	if (rc == 0)
		rc = dt_cont_open(t, DAOS_COO_RW, NULL);
	if (rc != 0)
		return rc;
	rc = daos_cont_create_snap(t->t_coh, &epoch, t->t_snap != NULL ? name : NULL, NULL);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to create snapshot of container %s", t->t_args[1]);
	if (t->t_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_kuint(&j, "epoch", epoch);
		if (t->t_snap != NULL)
			dcli_json_kstr(&j, "name", t->t_snap);
		dcli_json_obj_end(&j);
		return dcli_envelope_close(&t->t_out, &j);
	}
	printf("snapshot/epoch %#" PRIx64 " has been created\n", epoch);
	return 0;
}

struct dt_snaps {
	int           ds_nr;
	daos_epoch_t *ds_epochs;
	char        **ds_names;
	char         *ds_buf; /* ds_nr names of DAOS_SNAPSHOT_MAX_LEN bytes */
};

static void
dt_snaps_fini(struct dt_snaps *s)
{
	D_FREE(s->ds_epochs);
	D_FREE(s->ds_names);
	D_FREE(s->ds_buf);
}

static int
dt_snaps_get(struct dt *t, struct dt_snaps *s)
{
	daos_anchor_t anchor = DAOS_ANCHOR_INIT;
	int           n = 0, i, rc;

	memset(s, 0, sizeof(*s));
	rc = daos_cont_list_snap(t->t_coh, &n, NULL, NULL, &anchor, NULL);
	if (rc != 0 || n == 0)
		return rc;
	n = MIN(n, DT_SNAP_MAX);
	D_ALLOC_ARRAY(s->ds_epochs, n);
	D_ALLOC_ARRAY(s->ds_names, n);
	D_ALLOC(s->ds_buf, (size_t)n * DAOS_SNAPSHOT_MAX_LEN);
	if (s->ds_epochs == NULL || s->ds_names == NULL || s->ds_buf == NULL) {
		dt_snaps_fini(s);
		return -DER_NOMEM;
	}
	for (i = 0; i < n; i++)
		s->ds_names[i] = s->ds_buf + (size_t)i * DAOS_SNAPSHOT_MAX_LEN;
	s->ds_nr = n;
	memset(&anchor, 0, sizeof(anchor));
	rc = daos_cont_list_snap(t->t_coh, &s->ds_nr, s->ds_epochs, s->ds_names, &anchor, NULL);
	if (rc != 0) {
		dt_snaps_fini(s);
		return rc;
	}
	s->ds_nr = MIN(s->ds_nr, n); /* taken in between: the first n */
	return 0;
}

static int
dt_cmd_cont_list_snaps(struct dt *t)
{
	struct dt_snaps s;
	int             i, rc;

	rc = dt_snaps_get(t, &s);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to list snapshots of container %s", t->t_args[1]);
	if (t->t_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_arr_begin(&j);
		for (i = 0; i < s.ds_nr; i++) {
			dcli_json_obj_begin(&j);
			dcli_json_kuint(&j, "epoch", s.ds_epochs[i]);
			if (s.ds_names[i][0] != '\0')
				dcli_json_kstr(&j, "name", s.ds_names[i]);
			dcli_json_obj_end(&j);
		}
		dcli_json_arr_end(&j);
		dt_snaps_fini(&s);
		return dcli_envelope_close(&t->t_out, &j);
	} else {
		static const char *const hdr[] = {"Epoch", "Name"};
		struct dcli_table        tab;

		printf("Container's snapshots :\n");
		rc = dcli_table_init(&tab, 2, hdr);
		for (i = 0; rc == 0 && i < s.ds_nr; i++) {
			char        epc[24];
			const char *row[2] = {epc, s.ds_names[i]};

			snprintf(epc, sizeof(epc), "%#" PRIx64, s.ds_epochs[i]);
			rc = dcli_table_add_row(&tab, row);
		}
		if (rc == 0)
			rc = dcli_table_print(&tab, stdout);
		dcli_table_fini(&tab);
	}
	dt_snaps_fini(&s);
	return rc;
}

/* An epoch as the user writes it: decimal or 0x hex. */
static bool
dt_parse_epoch(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v    = strtoull(s, &end, 0);
	return errno == 0 && *end == '\0';
}

static int
dt_cmd_cont_destroy_snap(struct dt *t)
{
	daos_epoch_range_t epr;
	int                given = (t->t_epc != NULL) + (t->t_snap != NULL) +
			    (t->t_epcrange != NULL);
	int                rc, i;

	if (given != 1)
		return dcli_bad_arg(&t->t_out, "container destroy-snap: give one of --epc, --snap, "
				  "--epcrange");
	if (t->t_epc != NULL) {
		if (!dt_parse_epoch(t->t_epc, &epr.epr_lo) || epr.epr_lo == 0)
			return dcli_bad_arg(&t->t_out, "invalid epoch \"%s\"", t->t_epc);
		epr.epr_hi = epr.epr_lo;
	} else if (t->t_epcrange != NULL) {
		char  lo[32];
		char *dash = strchr(t->t_epcrange, '-');

		if (dash == NULL || (size_t)(dash - t->t_epcrange) >= sizeof(lo))
			return dcli_bad_arg(&t->t_out, "invalid epoch range \"%s\" (expected LO-HI)",
					  t->t_epcrange);
		memcpy(lo, t->t_epcrange, dash - t->t_epcrange);
		lo[dash - t->t_epcrange] = '\0';
		if (!dt_parse_epoch(lo, &epr.epr_lo) || !dt_parse_epoch(dash + 1, &epr.epr_hi) ||
		    epr.epr_lo == 0 || epr.epr_lo > epr.epr_hi)
			return dcli_bad_arg(&t->t_out, "invalid epoch range \"%s\" (expected LO-HI)",
					  t->t_epcrange);
	}
	rc = dt_pool_connect(t, DAOS_PC_RW);
	if (rc == 0)
		rc = dt_cont_open(t, DAOS_COO_RW, NULL);
	if (rc != 0)
		return rc;
	if (t->t_snap != NULL) {
		struct dt_snaps s;

		rc = dt_snaps_get(t, &s);
		if (rc != 0)
			return dcli_fail(&t->t_out, rc, "failed to list snapshots of container %s",
				       t->t_args[1]);
		rc = -DER_NONEXIST;
		for (i = 0; i < s.ds_nr && rc != 0; i++) {
			if (strcmp(s.ds_names[i], t->t_snap) == 0) {
				epr.epr_lo = epr.epr_hi = s.ds_epochs[i];
				rc                      = 0;
			}
		}
		dt_snaps_fini(&s);
		if (rc != 0)
			return dcli_fail(&t->t_out, rc, "no snapshot named %s in container %s", t->t_snap,
				       t->t_args[1]);
	}
	rc = daos_cont_destroy_snap(t->t_coh, epr, NULL);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to destroy snapshot of container %s", t->t_args[1]);
	if (!t->t_out.co_json) {
		if (epr.epr_lo == epr.epr_hi)
			printf("snapshot/epoch %#" PRIx64 " has been destroyed\n", epr.epr_lo);
		else
			printf("snapshots/epochs %#" PRIx64 "-%#" PRIx64 " have been destroyed\n",
			       epr.epr_lo, epr.epr_hi);
	}
	return 0;
}

/* ---- objects ---- */

static const char *const dt_otype_names[] = {
    [DAOS_OT_MULTI_HASHED] = "MULTI_HASHED", [DAOS_OT_OIT] = "OIT",
    [DAOS_OT_DKEY_UINT64] = "DKEY_UINT64",   [DAOS_OT_AKEY_UINT64] = "AKEY_UINT64",
    [DAOS_OT_MULTI_UINT64] = "MULTI_UINT64", [DAOS_OT_DKEY_LEXICAL] = "DKEY_LEXICAL",
    [DAOS_OT_AKEY_LEXICAL] = "AKEY_LEXICAL", [DAOS_OT_MULTI_LEXICAL] = "MULTI_LEXICAL",
    [DAOS_OT_KV_HASHED] = "KV_HASHED",       [DAOS_OT_KV_UINT64] = "KV_UINT64",
    [DAOS_OT_KV_LEXICAL] = "KV_LEXICAL",     [DAOS_OT_ARRAY] = "ARRAY",
    [DAOS_OT_ARRAY_ATTR] = "ARRAY_ATTR",     [DAOS_OT_ARRAY_BYTE] = "ARRAY_BYTE",
    [DAOS_OT_OIT_V2] = "OIT_V2",
};

/* "HI.LO", two decimal numbers, as DAOS prints an oid. */
static bool
dt_parse_oid(const char *s, daos_obj_id_t *oid)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno   = 0;
	oid->hi = strtoull(s, &end, 10);
	if (errno != 0 || *end != '.' || end[1] < '0' || end[1] > '9')
		return false;
	oid->lo = strtoull(end + 1, &end, 10);
	return errno == 0 && *end == '\0';
}

static int
dt_cmd_obj_query(struct dt *t)
{
	const struct dcl_class *cls;
	daos_obj_id_t           oid;
	enum daos_otype_t       type;
	uint32_t                grp_nr, shard_nr, gsize, g, s;
	char                    cname[MAX_OBJ_CLASS_NAME_LEN];
	const char             *tname;
	int                     rc;

	if (!dt_parse_oid(t->t_args[2], &oid))
		return dcli_bad_arg(&t->t_out, "invalid object ID \"%s\" (expected HI.LO, two decimal "
				  "numbers)", t->t_args[2]);
	rc = dt_pool_connect(t, DAOS_PC_RO);
	if (rc == 0)
		rc = dt_cont_open(t, DAOS_COO_RO, NULL);
	if (rc != 0)
		return rc;
	rc = dcl_oid_layout(oid, &cls, &grp_nr, &shard_nr);
	if (rc != 0)
		return dcli_fail(&t->t_out, rc, "failed to query object %s: no known object class",
			       t->t_args[2]);
	daos_oclass_id2name(daos_obj_id2class(oid), cname);
	type  = daos_obj_id2type(oid);
	tname = daos_otype_t_is_valid(type) ? dt_otype_names[type] : "unknown";
	gsize = dcl_grp_size(cls);

	if (t->t_out.co_json) {
		struct dcli_json j;

		dcli_envelope_open(&j);
		dcli_json_obj_begin(&j);
		dcli_json_kstr(&j, "oid", t->t_args[2]);
		dcli_json_kstr(&j, "class", cname);
		dcli_json_kstr(&j, "type", tname);
		dcli_json_kuint(&j, "grp_nr", grp_nr);
		dcli_json_kuint(&j, "grp_size", gsize);
		dcli_json_kuint(&j, "shard_nr", shard_nr);
		dcli_json_key(&j, "groups");
		dcli_json_arr_begin(&j);
		for (g = 0; g < grp_nr; g++) {
			dcli_json_obj_begin(&j);
			dcli_json_kuint(&j, "group", g);
			dcli_json_key(&j, "shards");
			dcli_json_arr_begin(&j);
			for (s = 0; s < gsize; s++)
				dcli_json_uint(&j, (uint64_t)g * gsize + s);
			dcli_json_arr_end(&j);
			dcli_json_obj_end(&j);
		}
		dcli_json_arr_end(&j);
		dcli_json_obj_end(&j);
		return dcli_envelope_close(&t->t_out, &j);
	}
	printf("oid: %" PRIu64 ".%" PRIu64 " ver 0 grp_nr: %u\n", oid.hi, oid.lo, grp_nr);
	printf("class: %s, type: %s, group size: %u, shards: %u\n", cname, tname, gsize,
	       shard_nr);
	for (g = 0; g < grp_nr; g++) {
		printf("grp: %u\n", g);
		for (s = 0; s < gsize; s++)
			printf("%s %u shard %u\n", dcl_is_ec(cls) ? "cell" : "replica", s,
			       g * gsize + s);
	}
	return 0;
}

/* ---- the command line ---- */

enum {
	DT_O_FORCE    = 1u << 0,
	DT_O_VERBOSE  = 1u << 1,
	DT_O_LABEL    = 1u << 2,
	DT_O_TYPE     = 1u << 3,
	DT_O_OCLASS   = 1u << 4,
	DT_O_CHUNK    = 1u << 5,
	DT_O_PROPS    = 1u << 6,
	DT_O_SNAP     = 1u << 7,
	DT_O_EPC      = 1u << 8,
	DT_O_EPCRANGE = 1u << 9,
};

static const char *const dt_flag_names[] = {"--force",      "--verbose",    "--label",
					    "--type",       "--oclass",     "--chunk-size",
					    "--properties", "--snap",       "--epc",
					    "--epcrange"};

/* What a command needs before it runs (the others connect and open themselves). */
enum dt_need {
	DT_NEED_NONE, /* parses its options first, then connects */
	DT_NEED_POOL, /* a read-only pool connection */
	DT_NEED_POOL_RW, /* a read-write one */
	DT_NEED_RO,   /* and the container, read only */
	DT_NEED_RW,   /* and the container, read-write */
};

struct dt_cmd {
	const char  *c_res;
	const char  *c_res_alias;
	const char  *c_name;
	const char  *c_name_alias;
	unsigned     c_opts;  /* DT_O_* it accepts */
	int          c_min, c_max; /* positional arguments */
	enum dt_need c_need;
	int        (*c_fn)(struct dt *t);
	const char  *c_usage;
};

static const struct dt_cmd dt_cmds[] = {
    {"pool", NULL, "query", NULL, 0, 1, 1, DT_NEED_POOL, dt_cmd_pool_query, "pool query POOL"},
    {"pool", NULL, "list-containers", "list-cont", 0, 1, 1, DT_NEED_POOL, dt_cmd_pool_list_cont,
     "pool list-containers|list-cont POOL"},
    {"container", "cont", "create", NULL,
     DT_O_LABEL | DT_O_TYPE | DT_O_OCLASS | DT_O_CHUNK | DT_O_PROPS, 1, 2, DT_NEED_NONE,
     dt_cmd_cont_create,
     "container create POOL [LABEL] [--label L] [--type POSIX|HDF5|...] [--oclass OC] "
     "[--chunk-size SIZE] [--properties k:v,...]"},
    {"container", "cont", "list", "ls", 0, 1, 1, DT_NEED_POOL, dt_cmd_pool_list_cont,
     "container list POOL"},
    {"container", "cont", "query", NULL, 0, 2, 2, DT_NEED_RO, dt_cmd_cont_query,
     "container query POOL CONT"},
    {"container", "cont", "destroy", NULL, DT_O_FORCE, 2, 2, DT_NEED_POOL_RW, dt_cmd_cont_destroy,
     "container destroy POOL CONT [--force]"},
    {"container", "cont", "get-prop", NULL, DT_O_PROPS, 2, 3, DT_NEED_NONE,
     dt_cmd_cont_get_prop, "container get-prop POOL CONT [[--properties] name,...]"},
    {"container", "cont", "set-prop", NULL, DT_O_PROPS, 2, 3, DT_NEED_NONE,
     dt_cmd_cont_set_prop, "container set-prop POOL CONT [--properties] k:v,..."},
    {"pool", NULL, "list-attr", "list-attrs", DT_O_VERBOSE, 1, 1, DT_NEED_POOL,
     dt_cmd_list_attr, "pool list-attr POOL [--verbose]"},
    {"pool", NULL, "get-attr", NULL, 0, 2, 2, DT_NEED_POOL, dt_cmd_get_attr,
     "pool get-attr POOL NAME"},
    {"pool", NULL, "set-attr", NULL, 0, 3, 3, DT_NEED_POOL_RW, dt_cmd_set_attr,
     "pool set-attr POOL NAME VALUE"},
    {"pool", NULL, "del-attr", NULL, 0, 2, 2, DT_NEED_POOL_RW, dt_cmd_del_attr,
     "pool del-attr POOL NAME"},
    {"container", "cont", "list-attr", "list-attrs", DT_O_VERBOSE, 2, 2, DT_NEED_RO,
     dt_cmd_list_attr, "container list-attr POOL CONT [--verbose]"},
    {"container", "cont", "get-attr", NULL, 0, 3, 3, DT_NEED_RO, dt_cmd_get_attr,
     "container get-attr POOL CONT NAME"},
    {"container", "cont", "set-attr", NULL, 0, 4, 4, DT_NEED_RW, dt_cmd_set_attr,
     "container set-attr POOL CONT NAME VALUE"},
    {"container", "cont", "del-attr", NULL, 0, 3, 3, DT_NEED_RW, dt_cmd_del_attr,
     "container del-attr POOL CONT NAME"},
    {"container", "cont", "create-snap", NULL, DT_O_SNAP, 2, 2, DT_NEED_NONE,
     dt_cmd_cont_create_snap, "container create-snap POOL CONT [--snap NAME]"},
    {"container", "cont", "list-snaps", "list-snap", 0, 2, 2, DT_NEED_RO,
     dt_cmd_cont_list_snaps, "container list-snaps POOL CONT"},
    {"container", "cont", "destroy-snap", NULL, DT_O_SNAP | DT_O_EPC | DT_O_EPCRANGE, 2, 2,
     DT_NEED_NONE, dt_cmd_cont_destroy_snap,
     "container destroy-snap POOL CONT --epc E | --snap NAME | --epcrange LO-HI"},
    {"object", "obj", "query", NULL, 0, 3, 3, DT_NEED_NONE, dt_cmd_obj_query,
     "object query POOL CONT OID"},
};

static void
dt_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: daos [-j|--json] RESOURCE COMMAND ARGS... [OPTIONS]\n"
		   "  -j, --json     JSON output: {\"response\", \"error\", \"status\"}\n"
		   "  -d, --debug    the library's log on stderr\n"
		   "The server is the first of $%s (HOST[:PORT],...), else 127.0.0.1:10001.\n"
		   "commands:\n",
		"DSTOR_ACCESS_POINTS");
	for (i = 0; i < ARRAY_SIZE(dt_cmds); i++)
		fprintf(f, "  daos %s\n", dt_cmds[i].c_usage);
}

static int
dt_run(struct dt *t, const struct dt_cmd *cmd)
{
	int rc;

	rc = dt_init(t);
	if (rc != 0)
		return rc;
	if (cmd->c_need != DT_NEED_NONE) {
		rc = dt_pool_connect(t, cmd->c_need == DT_NEED_POOL || cmd->c_need == DT_NEED_RO
					    ? DAOS_PC_RO
					    : DAOS_PC_RW);
		if (rc != 0)
			return rc;
	}
	if (cmd->c_need == DT_NEED_RO || cmd->c_need == DT_NEED_RW) {
		rc = dt_cont_open(t, cmd->c_need == DT_NEED_RO ? DAOS_COO_RO : DAOS_COO_RW, NULL);
		if (rc != 0)
			return rc;
	}
	return cmd->c_fn(t);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"debug", no_argument, NULL, 'd'},
	    {"force", no_argument, NULL, 'f'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"label", required_argument, NULL, 'L'},
	    {"type", required_argument, NULL, 't'},
	    {"oclass", required_argument, NULL, 'o'},
	    {"chunk-size", required_argument, NULL, 'z'},
	    {"properties", required_argument, NULL, 'P'},
	    {"snap", required_argument, NULL, 's'},
	    {"epc", required_argument, NULL, 'e'},
	    {"epcrange", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const struct dt_cmd *cmd = NULL;
	struct dt            t   = {0};
	unsigned             given = 0;
	const char          *res, *name;
	int                  c, rc;
	size_t               k;

	opterr = 0;
	t.t_out.co_tool  = "daos";
	t.t_out.co_usage = "usage: daos [-j] RESOURCE COMMAND ARGS... [OPTIONS] (daos --help lists the commands)";
	while ((c = getopt_long(argc, argv, ":jdfvt:o:z:s:e:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': t.t_out.co_json = true; break;
		case 'd': t.t_debug = true; break;
		case 'f': t.t_force = true; given |= DT_O_FORCE; break;
		case 'v': t.t_verbose = true; given |= DT_O_VERBOSE; break;
		case 'L': t.t_label = optarg; given |= DT_O_LABEL; break;
		case 't': t.t_type = optarg; given |= DT_O_TYPE; break;
		case 'o': t.t_oclass = optarg; given |= DT_O_OCLASS; break;
		case 'z': t.t_chunk = optarg; given |= DT_O_CHUNK; break;
		case 'P': t.t_props = optarg; given |= DT_O_PROPS; break;
		case 's': t.t_snap = optarg; given |= DT_O_SNAP; break;
		case 'e': t.t_epc = optarg; given |= DT_O_EPC; break;
		case 'r': t.t_epcrange = optarg; given |= DT_O_EPCRANGE; break;
		case 'h': dt_usage(stdout); return 0;
		default: return dcli_getopt_fail(&t.t_out, c, argv);
		}
	}

	res  = optind < argc ? argv[optind] : NULL;
	name = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (res == NULL) {
		dcli_bad_arg(&t.t_out, "please specify one command");
		return dcli_finish(&t.t_out, -DER_INVAL);
	}
	if (strcmp(res, "help") == 0) {
		dt_usage(stdout);
		return 0;
	}
	for (k = 0; k < ARRAY_SIZE(dt_cmds) && cmd == NULL; k++)
		if (dcli_word_is(res, dt_cmds[k].c_res, dt_cmds[k].c_res_alias) &&
		    dcli_word_is(name, dt_cmds[k].c_name, dt_cmds[k].c_name_alias))
			cmd = &dt_cmds[k];
	if (cmd == NULL) {
		dcli_bad_arg(&t.t_out, "unknown command \"%s%s%s\"", res, name ? " " : "", name ? name : "");
		return dcli_finish(&t.t_out, -DER_INVAL);
	}
	if ((given & ~cmd->c_opts) != 0) {
		dcli_bad_arg(&t.t_out, "%s is not an option of \"daos %s\"",
			   dt_flag_names[__builtin_ctz(given & ~cmd->c_opts)], cmd->c_usage);
		return dcli_finish(&t.t_out, -DER_INVAL);
	}
	t.t_args  = argv + optind + 2;
	t.t_nargs = argc - optind - 2;
	if (t.t_nargs < cmd->c_min) {
		dcli_bad_arg(&t.t_out, "%s %s: missing argument (daos %s)", cmd->c_res, cmd->c_name,
			   cmd->c_usage);
		return dcli_finish(&t.t_out, -DER_INVAL);
	}
	if (t.t_nargs > cmd->c_max) {
		dcli_bad_arg(&t.t_out, "%s %s: unexpected argument \"%s\"", cmd->c_res, cmd->c_name,
			   t.t_args[cmd->c_max]);
		return dcli_finish(&t.t_out, -DER_INVAL);
	}

	dcli_log_setup("daos", t.t_debug);
	rc = dt_run(&t, cmd);
	rc = dcli_finish(&t.t_out, rc);
	dt_release(&t);
	d_log_fini();
	return rc;
}
