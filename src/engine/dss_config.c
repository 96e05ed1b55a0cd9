/*
 * daos_server configuration (dss_config.h): the YAML file is loaded whole as a
 * libyaml document, then walked against a fixed schema, so every node keeps
 * its line for the error message and keys may come in any order.
 */
#include <ctype.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <yaml.h>

#include "common/cli.h"
#include "dss_config.h"

#define CFG_KEYPATH_MAX 128

/* Sizes and storage roles, in the order of enum cfg_role. */
enum cfg_role { CFG_WAL, CFG_META, CFG_DATA, CFG_ROLE_NR };
static const char *const cfg_role_names[CFG_ROLE_NR] = {"wal", "meta", "data"};
static const char *const cfg_size_keys[CFG_ROLE_NR]  = {"wal_size", "meta_size", "data_size"};

#define CFG_CLASSES  "file, kdev, nvme, bdev"
#define CFG_SIZE_FMT                                                                               \
	"allowed: bytes, or a number with K, M, G, T, P (powers of 1000) or KiB, MiB, GiB, TiB, " \
	"PiB (powers of 1024)"

struct cfg_ctx {
	const char        *cx_path;
	yaml_document_t   *cx_doc;
	struct dss_config *cx_cfg;
	char              *cx_err;
	size_t             cx_errlen;
	/* Collected while walking, reconciled at the end. */
	yaml_node_t       *cx_port_node;
	yaml_node_t       *cx_listen_node;
	uint16_t           cx_listen_port;  /* port given in listen_addr, 0 if none */
	yaml_node_t       *cx_provider_node;
	yaml_node_t       *cx_storage_node; /* engines[0].storage, for errors on the whole list */
	bool               cx_file_tier;
	bool               cx_role_seen[CFG_ROLE_NR];
};

/* One storage tier, gathered before it is interpreted. */
struct cfg_tier {
	const char  *ct_keypath;
	yaml_node_t *ct_node;
	bool         ct_file;
	yaml_node_t *ct_dir;
	yaml_node_t *ct_bdev_list;
	yaml_node_t *ct_bdev_roles;
	yaml_node_t *ct_size[CFG_ROLE_NR];
};

static void __attribute__((format(printf, 4, 5)))
cfg_msg(char *err, size_t errlen, const char *where, const char *fmt, ...)
{
	va_list ap;
	int     n = 0;

	if (err == NULL || errlen == 0)
		return;
	if (where != NULL)
		n = snprintf(err, errlen, "%s", where);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* "path:line: key: <message>", and -DER_INVAL. */
static int __attribute__((format(printf, 4, 5)))
cfg_err(struct cfg_ctx *cx, const yaml_node_t *node, const char *keypath, const char *fmt, ...)
{
	char    where[PATH_MAX + CFG_KEYPATH_MAX + 32];
	char    msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (node != NULL)
		snprintf(where, sizeof(where), "%s:%zu: %s%s", cx->cx_path,
			 (size_t)node->start_mark.line + 1, keypath != NULL ? keypath : "",
			 keypath != NULL ? ": " : "");
	else
		snprintf(where, sizeof(where), "%s: %s%s", cx->cx_path,
			 keypath != NULL ? keypath : "", keypath != NULL ? ": " : "");
	cfg_msg(cx->cx_err, cx->cx_errlen, where, "%s", msg);
	return -DER_INVAL;
}

static const char *
cfg_node_kind(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a map of keys";
	default:
		return "a single value";
	}
}

static const char *
cfg_scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

/* "key:" with nothing after it, or ~ / null: the key is as good as absent. */
static bool
cfg_is_null(const yaml_node_t *node)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	size_t                   i;

	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < ARRAY_SIZE(nulls); i++)
		if (strcmp(cfg_scalar(node), nulls[i]) == 0)
			return true;
	return false;
}

/* A single value where one is expected, with no NUL hidden in it. */
static int
cfg_want_scalar(struct cfg_ctx *cx, yaml_node_t *node, const char *kp, const char *allowed)
{
	if (node->type != YAML_SCALAR_NODE)
		return cfg_err(cx, node, kp, "%s is not allowed here (expected %s)",
			       cfg_node_kind(node), allowed);
	if (strlen(cfg_scalar(node)) != node->data.scalar.length)
		return cfg_err(cx, node, kp, "the value contains a NUL byte (expected %s)",
			       allowed);
	return 0;
}

static int
cfg_set_str(char **field, const char *value)
{
	char *s;

	D_STRNDUP(s, value, strlen(value));
	if (s == NULL)
		return -DER_NOMEM;
	D_FREE(*field);
	*field = s;
	return 0;
}

static int
cfg_number(struct cfg_ctx *cx, yaml_node_t *node, const char *kp, uint64_t min, uint64_t max,
	   uint64_t *out)
{
	char        allowed[64];
	const char *s;
	uint64_t    v = 0;
	size_t      i;
	int         rc;

	snprintf(allowed, sizeof(allowed), "%" PRIu64 "..%" PRIu64, min, max);
	rc = cfg_want_scalar(cx, node, kp, allowed);
	if (rc != 0)
		return rc;
	s = cfg_scalar(node);
	for (i = 0; s[i] != '\0'; i++) {
		if (!isdigit((unsigned char)s[i]))
			return cfg_err(cx, node, kp, "\"%s\" is not a number (allowed: %s)", s,
				       allowed);
		/* Past 19 digits the value is out of any range we have; stop before overflow. */
		if (i < 19)
			v = v * 10 + (uint64_t)(s[i] - '0');
		else
			v = UINT64_MAX;
	}
	if (i == 0)
		return cfg_err(cx, node, kp, "\"\" is not a number (allowed: %s)", allowed);
	if (v < min || v > max)
		return cfg_err(cx, node, kp, "%s is out of range (allowed: %s)", s, allowed);
	*out = v;
	return 0;
}

static int
cfg_bool(struct cfg_ctx *cx, yaml_node_t *node, const char *kp, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on"};
	static const char *const no[]  = {"false", "no", "off"};
	size_t                   i;
	int                      rc;

	rc = cfg_want_scalar(cx, node, kp, "true or false");
	if (rc != 0)
		return rc;
	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(cfg_scalar(node), yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(cfg_scalar(node), no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return cfg_err(cx, node, kp, "\"%s\" is not a boolean (allowed: true, false)",
		       cfg_scalar(node));
}

static int
cfg_size(struct cfg_ctx *cx, yaml_node_t *node, const char *kp, uint64_t *out)
{
	bool pct = false;
	int  rc;

	rc = cfg_want_scalar(cx, node, kp, "a size");
	if (rc != 0)
		return rc;
	if (dcli_parse_size(cfg_scalar(node), out, &pct) != 0 || pct)
		return cfg_err(cx, node, kp, "\"%s\" is not a size (" CFG_SIZE_FMT ")",
			       cfg_scalar(node));
	return 0;
}

/* ---- value checks shared by the file and dss_cfg_validate() ----
 * Each writes "\"VALUE\" <why> (allowed: ...)" into msg and returns -DER_INVAL. */

static int
cfg_chk_name(const char *v, char *msg, size_t len)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++)
		if (!isalnum((unsigned char)v[i]) && strchr("_.-", v[i]) == NULL)
			break;
	if (i == 0 || v[i] != '\0' || i > DSS_CFG_NAME_MAX) {
		snprintf(msg, len, "\"%s\" is not a system name (allowed: 1..%d of A-Z a-z 0-9 _ . -)",
			 v, DSS_CFG_NAME_MAX);
		return -DER_INVAL;
	}
	return 0;
}

static int
cfg_chk_addr(const char *v, char *msg, size_t len)
{
	char     addr[256];
	uint16_t port;

	/* Port 1 stands in for "none given": only the address is checked here. */
	if (dcli_parse_hostport(v, 1, addr, sizeof(addr), &port) != 0 || port != 1 ||
	    strcmp(addr, v) != 0) {
		snprintf(msg, len,
			 "\"%s\" is not an address (allowed: an IPv4 or IPv6 address or a host "
			 "name)",
			 v);
		return -DER_INVAL;
	}
	return 0;
}

static int
cfg_chk_provider(const char *v, char *msg, size_t len)
{
	const char *p;
	bool        tok = false;

	if (strncmp(v, "ofi+", 4) == 0) {
		snprintf(msg, len,
			 "\"%s\" is not supported: the transport is UCX (allowed: ucx+tcp, "
			 "ucx+shm, ucx+rc, ucx+dc_x, ucx+ud_x, ucx+all, or ucx+ with any UCX_TLS "
			 "list)",
			 v);
		return -DER_INVAL;
	}
	if (strncmp(v, "ucx+", 4) == 0) {
		for (p = v + 4; *p != '\0'; p++) {
			if (*p == ',' && tok)
				tok = false;
			else if (islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
				 *p == '_')
				tok = true;
			else
				break;
		}
		if (*p == '\0' && tok)
			return 0;
	}
	snprintf(msg, len,
		 "\"%s\" is not a provider (allowed: ucx+tcp, ucx+shm, ucx+rc, ucx+dc_x, "
		 "ucx+ud_x, ucx+all, or ucx+ with any UCX_TLS list)",
		 v);
	return -DER_INVAL;
}

static int
cfg_chk_net_devices(const char *v, char *msg, size_t len)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++)
		if (!isalnum((unsigned char)v[i]) && strchr("_.:,-", v[i]) == NULL)
			break;
	if (i == 0 || v[i] != '\0') {
		snprintf(msg, len,
			 "\"%s\" is not a list of network devices (allowed: UCX_NET_DEVICES "
			 "syntax, e.g. lo, eth0, mlx5_0:1, comma separated)",
			 v);
		return -DER_INVAL;
	}
	return 0;
}

/* gurt's priority names (gurt/dlog.h, src/gurt/log.c): what d_log_setmasks() accepts. */
static bool
cfg_log_prio_ok(const char *s, size_t len)
{
	static const char *const prios[] = {"debug", "dbg",  "info",  "note",  "warn",
					    "warning", "err", "error", "crit", "alert",
					    "fatal", "emerg", "emit"};
	size_t                   i;

	for (i = 0; i < ARRAY_SIZE(prios); i++)
		if (strlen(prios[i]) == len && strncasecmp(s, prios[i], len) == 0)
			return true;
	return false;
}

static int
cfg_chk_log_mask(const char *v, char *msg, size_t len)
{
	const char *p = v;
	bool        ok = *p != '\0';

	while (ok) {
		const char *end = strchr(p, ',');
		const char *eq;
		size_t      n   = end != NULL ? (size_t)(end - p) : strlen(p);
		size_t      i;

		eq = memchr(p, '=', n);
		if (eq != NULL) {
			/* Facility names are registered at run time; only their form is checked. */
			for (i = 0; p + i < eq; i++)
				if (!isalnum((unsigned char)p[i]) && p[i] != '_')
					ok = false;
			ok = ok && eq > p && cfg_log_prio_ok(eq + 1, n - (size_t)(eq + 1 - p));
		} else {
			ok = cfg_log_prio_ok(p, n);
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	if (!ok) {
		snprintf(msg, len,
			 "\"%s\" is not a log mask (allowed: PRIO or fac=PRIO, comma separated; "
			 "PRIO: DEBUG, INFO, NOTE, WARN, ERR, CRIT, ALERT, FATAL, EMERG, EMIT)",
			 v);
		return -DER_INVAL;
	}
	return 0;
}

static int
cfg_chk_path(const char *v, char *msg, size_t len)
{
	if (*v == '\0' || strlen(v) >= PATH_MAX) {
		snprintf(msg, len, "\"%s\" is not a path (allowed: 1..%d characters)", v,
			 PATH_MAX - 1);
		return -DER_INVAL;
	}
	return 0;
}

static int
cfg_chk_dev(const char *v, char *msg, size_t len)
{
	if (v[0] != '/' || strlen(v) >= PATH_MAX) {
		snprintf(msg, len,
			 "\"%s\" is not a device path (allowed: an absolute path such as "
			 "/dev/nvme0n1; PCI addresses need SPDK, which dstor does not use)",
			 v);
		return -DER_INVAL;
	}
	return 0;
}

typedef int (*cfg_chk_t)(const char *v, char *msg, size_t len);

/* A string value: a single value, checked, then stored in *field. */
static int
cfg_str(struct cfg_ctx *cx, yaml_node_t *node, const char *kp, cfg_chk_t chk, char **field)
{
	char msg[512];
	int  rc;

	rc = cfg_want_scalar(cx, node, kp, "a single value");
	if (rc != 0)
		return rc;
	if (chk != NULL && chk(cfg_scalar(node), msg, sizeof(msg)) != 0)
		return cfg_err(cx, node, kp, "%s", msg);
	return field != NULL ? cfg_set_str(field, cfg_scalar(node)) : 0;
}

/* ---- mappings against a key table ---- */

struct cfg_key {
	const char *ck_name;
	int (*ck_fn)(struct cfg_ctx *cx, yaml_node_t *val, const char *kp, void *arg);
};

/* "prefix.name", or "name" at the top; cut at CFG_KEYPATH_MAX - 1 characters. */
static void
cfg_keypath(char *buf, const char *prefix, const char *name)
{
	size_t n = 0;
	size_t m;

	if (prefix != NULL && *prefix != '\0') {
		n = strnlen(prefix, CFG_KEYPATH_MAX - 2);
		memcpy(buf, prefix, n);
		buf[n++] = '.';
	}
	m = MIN(strlen(name), CFG_KEYPATH_MAX - 1 - n);
	memcpy(buf + n, name, m);
	buf[n + m] = '\0';
}

static void
cfg_allowed_keys(const struct cfg_key *keys, size_t nkeys, char *buf, size_t len)
{
	size_t i;
	size_t n = 0;

	buf[0] = '\0';
	for (i = 0; i < nkeys && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i > 0 ? ", " : "", keys[i].ck_name);
}

/*
 * Every key of map must be a single value, appear once and be in keys; its
 * handler runs unless the value is null. prefix names map in messages ("" at
 * the top).
 */
static int
cfg_walk_map(struct cfg_ctx *cx, yaml_node_t *map, const char *prefix,
	     const struct cfg_key *keys, size_t nkeys, void *arg)
{
	yaml_node_pair_t *pair;
	yaml_node_pair_t *prev;
	char              allowed[512];
	char              kp[CFG_KEYPATH_MAX];
	int               rc;

	cfg_allowed_keys(keys, nkeys, allowed, sizeof(allowed));
	if (map->type != YAML_MAPPING_NODE)
		return cfg_err(cx, map, *prefix != '\0' ? prefix : NULL,
			       "%s is not allowed here (expected a map of keys: %s)",
			       cfg_node_kind(map), allowed);
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(cx->cx_doc, pair->key);
		yaml_node_t *vn = yaml_document_get_node(cx->cx_doc, pair->value);
		const char  *name;
		size_t       i;

		if (kn == NULL || vn == NULL || kn->type != YAML_SCALAR_NODE)
			return cfg_err(cx, kn != NULL ? kn : map, *prefix != '\0' ? prefix : NULL,
				       "a key must be a plain name (allowed: %s)", allowed);
		name = cfg_scalar(kn);
		cfg_keypath(kp, prefix, name);
		for (prev = map->data.mapping.pairs.start; prev < pair; prev++) {
			yaml_node_t *pk = yaml_document_get_node(cx->cx_doc, prev->key);

			if (pk != NULL && pk->type == YAML_SCALAR_NODE &&
			    strcmp(cfg_scalar(pk), name) == 0)
				return cfg_err(cx, kn, kp, "duplicate key (first given at line %zu)",
					       (size_t)pk->start_mark.line + 1);
		}
		for (i = 0; i < nkeys; i++)
			if (strcmp(keys[i].ck_name, name) == 0)
				break;
		if (i == nkeys)
			return cfg_err(cx, kn, kp, "unknown key (allowed: %s)", allowed);
		if (cfg_is_null(vn))
			continue;
		rc = keys[i].ck_fn(cx, vn, kp, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static yaml_node_t *
cfg_map_get(struct cfg_ctx *cx, yaml_node_t *map, const char *name)
{
	yaml_node_pair_t *pair;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(cx->cx_doc, pair->key);

		if (kn != NULL && kn->type == YAML_SCALAR_NODE && strcmp(cfg_scalar(kn), name) == 0)
			return yaml_document_get_node(cx->cx_doc, pair->value);
	}
	return NULL;
}

/* ---- storage tiers ---- */

static int
tier_class(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	(void)cx;
	(void)v;
	(void)kp;
	(void)arg;
	/* Already interpreted by cfg_tier(), which needs it before the other keys. */
	return 0;
}

static int
tier_dir(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	struct cfg_tier *t = arg;

	if (!t->ct_file)
		return cfg_err(cx, v, kp,
			       "not allowed in a block device tier (a file tier has dir; this "
			       "one has bdev_list, bdev_roles)");
	t->ct_dir = v;
	return cfg_str(cx, v, kp, cfg_chk_path, &cx->cx_cfg->dc_data_dir);
}

static int
tier_bdev_list(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	struct cfg_tier *t = arg;

	if (t->ct_file)
		return cfg_err(cx, v, kp,
			       "not allowed in a file tier (a file tier has dir, wal_size, "
			       "meta_size, data_size; devices go in a class kdev tier)");
	t->ct_bdev_list = v;
	return 0;
}

static int
tier_bdev_roles(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	struct cfg_tier *t = arg;

	if (t->ct_file)
		return cfg_err(cx, v, kp,
			       "not allowed in a file tier (a file tier holds all three roles)");
	t->ct_bdev_roles = v;
	return 0;
}

static int
tier_size(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg, enum cfg_role r)
{
	struct cfg_tier *t = arg;
	uint64_t        *sizes[CFG_ROLE_NR] = {&cx->cx_cfg->dc_wal_size, &cx->cx_cfg->dc_meta_size,
					       &cx->cx_cfg->dc_data_size};

	t->ct_size[r] = v;
	return cfg_size(cx, v, kp, sizes[r]);
}

static int
tier_wal_size(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	return tier_size(cx, v, kp, arg, CFG_WAL);
}

static int
tier_meta_size(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	return tier_size(cx, v, kp, arg, CFG_META);
}

static int
tier_data_size(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	return tier_size(cx, v, kp, arg, CFG_DATA);
}

static const struct cfg_key cfg_tier_keys[] = {
    {"class", tier_class},         {"dir", tier_dir},
    {"bdev_list", tier_bdev_list}, {"bdev_roles", tier_bdev_roles},
    {"wal_size", tier_wal_size},   {"meta_size", tier_meta_size},
    {"data_size", tier_data_size},
};

/* The device and roles of a block device tier; sizes only for its own roles. */
static int
cfg_bdev_tier(struct cfg_ctx *cx, struct cfg_tier *t)
{
	struct dss_config *c                   = cx->cx_cfg;
	char             **devs[CFG_ROLE_NR]   = {&c->dc_wal_dev, &c->dc_meta_dev, &c->dc_data_dev};
	bool               mine[CFG_ROLE_NR]   = {false};
	char               kp[CFG_KEYPATH_MAX];
	yaml_node_t       *dev;
	yaml_node_item_t  *it;
	int                r;
	int                rc;

	cfg_keypath(kp, t->ct_keypath, "bdev_list");
	if (t->ct_bdev_list == NULL)
		return cfg_err(cx, t->ct_node, t->ct_keypath,
			       "bdev_list missing (allowed: one block device path, e.g. "
			       "bdev_list: [/dev/nvme0n1])");
	if (t->ct_bdev_list->type != YAML_SEQUENCE_NODE)
		return cfg_err(cx, t->ct_bdev_list, kp,
			       "%s is not allowed here (expected a list of one device: "
			       "[/dev/nvme0n1])",
			       cfg_node_kind(t->ct_bdev_list));
	it = t->ct_bdev_list->data.sequence.items.start;
	if (t->ct_bdev_list->data.sequence.items.top - it != 1)
		return cfg_err(cx, t->ct_bdev_list, kp,
			       "%td devices given (allowed: exactly 1 per tier; give each role its "
			       "own tier)",
			       t->ct_bdev_list->data.sequence.items.top - it);
	dev = yaml_document_get_node(cx->cx_doc, *it);
	snprintf(kp + strlen(kp), sizeof(kp) - strlen(kp), "[0]");
	rc = cfg_str(cx, dev, kp, cfg_chk_dev, NULL);
	if (rc != 0)
		return rc;

	cfg_keypath(kp, t->ct_keypath, "bdev_roles");
	if (t->ct_bdev_roles == NULL)
		return cfg_err(cx, t->ct_node, t->ct_keypath,
			       "bdev_roles missing (allowed: a list of wal, meta, data)");
	if (t->ct_bdev_roles->type != YAML_SEQUENCE_NODE ||
	    t->ct_bdev_roles->data.sequence.items.start == t->ct_bdev_roles->data.sequence.items.top)
		return cfg_err(cx, t->ct_bdev_roles, kp,
			       "%s is not allowed here (expected a list of wal, meta, data)",
			       t->ct_bdev_roles->type == YAML_SEQUENCE_NODE
				   ? "an empty list"
				   : cfg_node_kind(t->ct_bdev_roles));
	for (it = t->ct_bdev_roles->data.sequence.items.start;
	     it < t->ct_bdev_roles->data.sequence.items.top; it++) {
		yaml_node_t *rn = yaml_document_get_node(cx->cx_doc, *it);

		rc = cfg_want_scalar(cx, rn, kp, "wal, meta or data");
		if (rc != 0)
			return rc;
		for (r = 0; r < CFG_ROLE_NR; r++)
			if (strcasecmp(cfg_scalar(rn), cfg_role_names[r]) == 0)
				break;
		if (r == CFG_ROLE_NR)
			return cfg_err(cx, rn, kp, "\"%s\" is not a role (allowed: wal, meta, data)",
				       cfg_scalar(rn));
		if (cx->cx_role_seen[r])
			return cfg_err(cx, rn, kp,
				       "role %s is given twice (allowed: each of wal, meta, data "
				       "in exactly one tier)",
				       cfg_role_names[r]);
		cx->cx_role_seen[r] = true;
		mine[r]             = true;
		rc                  = cfg_set_str(devs[r], cfg_scalar(dev));
		if (rc != 0)
			return rc;
	}
	for (r = 0; r < CFG_ROLE_NR; r++) {
		if (t->ct_size[r] == NULL || mine[r])
			continue;
		cfg_keypath(kp, t->ct_keypath, cfg_size_keys[r]);
		return cfg_err(cx, t->ct_size[r], kp,
			       "this tier has no %s role (allowed: a size for a role of the tier)",
			       cfg_role_names[r]);
	}
	return 0;
}

static int
cfg_tier(struct cfg_ctx *cx, yaml_node_t *node, const char *kp)
{
	struct cfg_tier t = {.ct_keypath = kp, .ct_node = node};
	char            ckp[CFG_KEYPATH_MAX];
	yaml_node_t    *cls;
	const char     *name;
	int             rc;

	if (node->type != YAML_MAPPING_NODE)
		return cfg_err(cx, node, kp,
			       "%s is not allowed here (expected a map of keys: class, dir, ... )",
			       cfg_node_kind(node));
	/* The class decides which other keys belong, so it is read first. */
	cls = cfg_map_get(cx, node, "class");
	cfg_keypath(ckp, kp, "class");
	if (cls == NULL || cfg_is_null(cls))
		return cfg_err(cx, node, kp, "class missing (allowed: " CFG_CLASSES ")");
	rc = cfg_want_scalar(cx, cls, ckp, "one of " CFG_CLASSES);
	if (rc != 0)
		return rc;
	name = cfg_scalar(cls);
	if (strcmp(name, "ram") == 0 || strcmp(name, "dcpm") == 0)
		return cfg_err(cx, cls, ckp,
			       "\"%s\" is not supported: the index lives in DRAM and its log on the "
			       "block tier, there is no SCM tier (allowed: " CFG_CLASSES ")",
			       name);
	if (strcmp(name, "file") == 0)
		t.ct_file = true;
	else if (strcmp(name, "kdev") != 0 && strcmp(name, "nvme") != 0 &&
		 strcmp(name, "bdev") != 0)
		return cfg_err(cx, cls, ckp, "\"%s\" is not a storage class (allowed: " CFG_CLASSES
			       ")", name);
	if (t.ct_file && cx->cx_file_tier)
		return cfg_err(cx, cls, ckp,
			       "a second file tier (allowed: one file tier, it holds wal, meta "
			       "and data)");

	rc = cfg_walk_map(cx, node, kp, cfg_tier_keys, ARRAY_SIZE(cfg_tier_keys), &t);
	if (rc != 0)
		return rc;
	if (!t.ct_file)
		return cfg_bdev_tier(cx, &t);
	if (t.ct_dir == NULL)
		return cfg_err(cx, node, kp, "dir missing (allowed: the directory of a file tier)");
	cx->cx_file_tier = true;
	return 0;
}

static int
eng_storage(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	yaml_node_item_t *it;
	char              tkp[CFG_KEYPATH_MAX];
	int               rc;

	(void)arg;
	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_err(cx, v, kp, "%s is not allowed here (expected a list of tiers)",
			       cfg_node_kind(v));
	cx->cx_storage_node = v;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		snprintf(tkp, sizeof(tkp), "%s[%td]", kp, it - v->data.sequence.items.start);
		rc = cfg_tier(cx, yaml_document_get_node(cx->cx_doc, *it), tkp);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- engine ---- */

static int
eng_targets(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	uint64_t n;
	int      rc;

	(void)arg;
	rc = cfg_number(cx, v, kp, 1, DSS_CFG_TARGETS_MAX, &n);
	if (rc == 0)
		cx->cx_cfg->dc_nr_targets = (uint32_t)n;
	return rc;
}

static int
eng_fabric_iface(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	(void)arg;
	return cfg_str(cx, v, kp, cfg_chk_net_devices, &cx->cx_cfg->dc_net_devices);
}

/* Top level and engine may both name the provider; the second must agree. */
static int
cfg_provider(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	const yaml_node_t *first = cx->cx_provider_node;
	int                rc;

	(void)arg;
	rc = cfg_str(cx, v, kp, cfg_chk_provider, NULL);
	if (rc != 0)
		return rc;
	if (first != NULL && strcmp(cfg_scalar(first), cfg_scalar(v)) != 0)
		return cfg_err(cx, v, kp,
			       "\"%s\" differs from the provider \"%s\" given at line %zu (allowed: "
			       "the same provider, or only one of them)",
			       cfg_scalar(v), cfg_scalar(first), (size_t)first->start_mark.line + 1);
	cx->cx_provider_node = v;
	return cfg_set_str(&cx->cx_cfg->dc_provider, cfg_scalar(v));
}

static int
eng_log_file(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	(void)arg;
	return cfg_str(cx, v, kp, cfg_chk_path, &cx->cx_cfg->dc_log_file);
}

static int
eng_log_mask(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	(void)arg;
	return cfg_str(cx, v, kp, cfg_chk_log_mask, &cx->cx_cfg->dc_log_mask);
}

static const struct cfg_key cfg_engine_keys[] = {
    {"targets", eng_targets},   {"fabric_iface", eng_fabric_iface}, {"provider", cfg_provider},
    {"log_file", eng_log_file}, {"log_mask", eng_log_mask},         {"storage", eng_storage},
};

/* ---- top level ---- */

static int
top_name(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	(void)arg;
	return cfg_str(cx, v, kp, cfg_chk_name, &cx->cx_cfg->dc_name);
}

static int
top_port(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	uint64_t n;
	int      rc;

	(void)arg;
	rc = cfg_number(cx, v, kp, 1, UINT16_MAX, &n);
	if (rc == 0) {
		cx->cx_cfg->dc_port = (uint16_t)n;
		cx->cx_port_node    = v;
	}
	return rc;
}

/* Whether "ADDR[:PORT]" carries a port: "[v6]:p", or one colon; a bare IPv6 address has more. */
static bool
cfg_has_port(const char *s)
{
	const char *colon = strchr(s, ':');

	if (s[0] == '[')
		return strstr(s, "]:") != NULL;
	return colon != NULL && strchr(colon + 1, ':') == NULL;
}

static int
top_listen_addr(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	char     addr[256];
	uint16_t port = 0;
	int      rc;

	(void)arg;
	rc = cfg_want_scalar(cx, v, kp, "ADDR or ADDR:PORT");
	if (rc != 0)
		return rc;
	/* A default port of 0 would make the port mandatory: pass 1 and tell by the text. */
	if (dcli_parse_hostport(cfg_scalar(v), 1, addr, sizeof(addr), &port) != 0)
		return cfg_err(cx, v, kp,
			       "\"%s\" is not an address (allowed: ADDR or ADDR:PORT, ADDR an IPv4 "
			       "or IPv6 address or a host name, [IPV6]:PORT, PORT 1..65535)",
			       cfg_scalar(v));
	cx->cx_listen_node = v;
	cx->cx_listen_port = cfg_has_port(cfg_scalar(v)) ? port : 0;
	return cfg_set_str(&cx->cx_cfg->dc_listen_addr, addr);
}

static int
tc_allow_insecure(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	bool b = true;
	int  rc;

	(void)arg;
	rc = cfg_bool(cx, v, kp, &b);
	if (rc == 0 && !b)
		rc = cfg_err(cx, v, kp,
			     "false is not supported: there are no certificates, the transport "
			     "is not encrypted (allowed: true)");
	return rc;
}

static const struct cfg_key cfg_transport_keys[] = {
    {"allow_insecure", tc_allow_insecure},
};

static int
top_transport_config(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	(void)arg;
	return cfg_walk_map(cx, v, kp, cfg_transport_keys, ARRAY_SIZE(cfg_transport_keys), NULL);
}

static int
top_engines(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	char    ekp[CFG_KEYPATH_MAX];
	ssize_t n;

	(void)arg;
	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_err(cx, v, kp, "%s is not allowed here (expected a list of engines)",
			       cfg_node_kind(v));
	n = v->data.sequence.items.top - v->data.sequence.items.start;
	if (n == 0)
		return 0;
	if (n > 1)
		return cfg_err(cx, v, kp,
			       "%zd engines given (allowed: 1; one daos_server runs one engine)",
			       n);
	snprintf(ekp, sizeof(ekp), "%s[0]", kp);
	return cfg_walk_map(cx, yaml_document_get_node(cx->cx_doc, *v->data.sequence.items.start),
			    ekp, cfg_engine_keys, ARRAY_SIZE(cfg_engine_keys), NULL);
}

static int
cm_path(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	(void)arg;
	return cfg_str(cx, v, kp, cfg_chk_path, &cx->cx_cfg->dc_ctl_dir);
}

static int
cm_device(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	(void)arg;
	return cfg_err(cx, v, kp,
		       "\"%s\" is not supported: daos_server does not mount file systems "
		       "(allowed: path, a directory on a file system mounted before the server "
		       "starts)",
		       v->type == YAML_SCALAR_NODE ? cfg_scalar(v) : "");
}

static const struct cfg_key cfg_ctlmd_keys[] = {
    {"path", cm_path},
    {"device", cm_device},
};

static int
top_control_metadata(struct cfg_ctx *cx, yaml_node_t *v, const char *kp, void *arg)
{
	(void)arg;
	return cfg_walk_map(cx, v, kp, cfg_ctlmd_keys, ARRAY_SIZE(cfg_ctlmd_keys), NULL);
}

static const struct cfg_key cfg_top_keys[] = {
    {"name", top_name},         {"port", top_port},
    {"listen_addr", top_listen_addr}, {"provider", cfg_provider},
    {"transport_config", top_transport_config}, {"engines", top_engines},
    {"control_metadata", top_control_metadata},
};

static int
cfg_load_doc(struct cfg_ctx *cx)
{
	yaml_node_t *root = yaml_document_get_root_node(cx->cx_doc);
	bool         any_role;
	int          r;
	int          rc;

	if (root == NULL)
		return cfg_err(cx, NULL, NULL,
			       "the file is empty (allowed: a map of keys: name, port, "
			       "listen_addr, provider, transport_config, control_metadata, "
			       "engines)");
	rc = cfg_walk_map(cx, root, "", cfg_top_keys, ARRAY_SIZE(cfg_top_keys), NULL);
	if (rc != 0)
		return rc;
	if (cx->cx_listen_port != 0 && cx->cx_port_node != NULL &&
	    cx->cx_listen_port != cx->cx_cfg->dc_port)
		return cfg_err(cx, cx->cx_listen_node, "listen_addr",
			       "port %u differs from port: %u at line %zu (allowed: the same port, "
			       "or the port in only one of them)",
			       cx->cx_listen_port, cx->cx_cfg->dc_port,
			       (size_t)cx->cx_port_node->start_mark.line + 1);
	if (cx->cx_listen_port != 0)
		cx->cx_cfg->dc_port = cx->cx_listen_port;
	any_role = cx->cx_role_seen[CFG_WAL] || cx->cx_role_seen[CFG_META] ||
		   cx->cx_role_seen[CFG_DATA];
	if (cx->cx_file_tier && any_role)
		return cfg_err(cx, cx->cx_storage_node, "engines[0].storage",
			       "both a file tier and block device tiers (allowed: one or the "
			       "other)");
	/* Some roles but not all: say which is missing here, with the line, rather than
	 * leave it to dss_cfg_validate(). */
	for (r = 0; any_role && r < CFG_ROLE_NR; r++)
		if (!cx->cx_role_seen[r])
			return cfg_err(cx, cx->cx_storage_node, "engines[0].storage",
				       "no tier has the %s role (allowed: wal, meta and data each "
				       "in one block device tier)",
				       cfg_role_names[r]);
	return 0;
}

int
dss_cfg_load(const char *path, struct dss_config *c, char *err, size_t errlen)
{
	struct cfg_ctx  cx = {.cx_path = path, .cx_cfg = c, .cx_err = err, .cx_errlen = errlen};
	yaml_parser_t   parser;
	yaml_document_t doc;
	yaml_document_t extra;
	struct stat     st;
	FILE           *fp;
	int             rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL || c == NULL) {
		cfg_msg(err, errlen, NULL, "no configuration file given");
		return -DER_INVAL;
	}
	fp = fopen(path, "r");
	if (fp == NULL) {
		rc = errno == ENOENT ? -DER_NONEXIST : d_errno2der(errno);
		cfg_msg(err, errlen, NULL, "cannot open the configuration file %s: %s", path,
			strerror(errno));
		return rc;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		cfg_msg(err, errlen, NULL, "%s is a directory, not a configuration file", path);
		return -DER_INVAL;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		cfg_msg(err, errlen, NULL, "%s: out of memory", path);
		return -DER_NOMEM;
	}
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		if (parser.error == YAML_MEMORY_ERROR) {
			cfg_msg(err, errlen, NULL, "%s: out of memory", path);
			rc = -DER_NOMEM;
		} else if (parser.error == YAML_READER_ERROR) {
			/* Below the syntax: unreadable bytes or not UTF-8/UTF-16 text. */
			cfg_msg(err, errlen, NULL, "%s: cannot read byte %zu: %s", path,
				parser.problem_offset,
				parser.problem != NULL ? parser.problem : "input error");
			rc = -DER_INVAL;
		} else {
			cfg_msg(err, errlen, NULL, "%s:%zu: YAML syntax error: %s%s%s", path,
				(size_t)parser.problem_mark.line + 1,
				parser.problem != NULL ? parser.problem : "unreadable",
				parser.context != NULL ? " " : "",
				parser.context != NULL ? parser.context : "");
			rc = -DER_INVAL;
		}
		goto out_parser;
	}
	cx.cx_doc = &doc;
	rc        = cfg_load_doc(&cx);
	if (rc == 0) {
		/* A second document would be silently ignored by the walk above. */
		if (!yaml_parser_load(&parser, &extra)) {
			cfg_msg(err, errlen, NULL, "%s:%zu: YAML syntax error: %s", path,
				(size_t)parser.problem_mark.line + 1,
				parser.problem != NULL ? parser.problem : "unreadable");
			rc = -DER_INVAL;
		} else {
			yaml_node_t *root = yaml_document_get_root_node(&extra);

			if (root != NULL)
				rc = cfg_err(&cx, root, NULL,
					     "a second YAML document (allowed: one document)");
			yaml_document_delete(&extra);
		}
	}
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	fclose(fp);
	return rc;
}

/* ---- whole configuration ---- */

static int
cfg_vcheck(char *err, size_t errlen, const char *key, const char *v, cfg_chk_t chk)
{
	char msg[512];
	char where[CFG_KEYPATH_MAX];

	if (v == NULL) {
		cfg_msg(err, errlen, NULL, "%s: missing", key);
		return -DER_INVAL;
	}
	if (chk(v, msg, sizeof(msg)) != 0) {
		snprintf(where, sizeof(where), "%s: ", key);
		cfg_msg(err, errlen, where, "%s", msg);
		return -DER_INVAL;
	}
	return 0;
}

int
dss_cfg_validate(const struct dss_config *c, char *err, size_t errlen)
{
	const char *devs[CFG_ROLE_NR];
	uint64_t    sizes[CFG_ROLE_NR];
	uint64_t    mins[CFG_ROLE_NR] = {DSS_CFG_WAL_SIZE_MIN, DSS_CFG_META_SIZE_MIN,
					 DSS_CFG_DATA_SIZE_MIN};
	char        buf[DCLI_SIZE_STRLEN];
	int         ndev = 0;
	int         r;
	int         rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (c == NULL) {
		cfg_msg(err, errlen, NULL, "no configuration");
		return -DER_INVAL;
	}
	devs[CFG_WAL]   = c->dc_wal_dev;
	devs[CFG_META]  = c->dc_meta_dev;
	devs[CFG_DATA]  = c->dc_data_dev;
	sizes[CFG_WAL]  = c->dc_wal_size;
	sizes[CFG_META] = c->dc_meta_size;
	sizes[CFG_DATA] = c->dc_data_size;

	rc = cfg_vcheck(err, errlen, "name", c->dc_name, cfg_chk_name);
	if (rc == 0)
		rc = cfg_vcheck(err, errlen, "listen_addr", c->dc_listen_addr, cfg_chk_addr);
	if (rc != 0)
		return rc;
	if (c->dc_port == 0) {
		cfg_msg(err, errlen, NULL, "port: 0 is out of range (allowed: 1..65535)");
		return -DER_INVAL;
	}
	if (c->dc_nr_targets < 1 || c->dc_nr_targets > DSS_CFG_TARGETS_MAX) {
		cfg_msg(err, errlen, NULL, "engines[0].targets: %u is out of range (allowed: 1..%d)",
			c->dc_nr_targets, DSS_CFG_TARGETS_MAX);
		return -DER_INVAL;
	}
	if (c->dc_provider != NULL)
		rc = cfg_vcheck(err, errlen, "provider", c->dc_provider, cfg_chk_provider);
	if (rc == 0 && c->dc_net_devices != NULL)
		rc = cfg_vcheck(err, errlen, "engines[0].fabric_iface", c->dc_net_devices,
				cfg_chk_net_devices);
	if (rc == 0 && c->dc_log_file != NULL)
		rc = cfg_vcheck(err, errlen, "engines[0].log_file", c->dc_log_file, cfg_chk_path);
	if (rc == 0 && c->dc_log_mask != NULL)
		rc = cfg_vcheck(err, errlen, "engines[0].log_mask", c->dc_log_mask,
				cfg_chk_log_mask);
	if (rc != 0)
		return rc;

	for (r = 0; r < CFG_ROLE_NR; r++)
		ndev += devs[r] != NULL;
	if (c->dc_data_dir != NULL && ndev > 0) {
		cfg_msg(err, errlen, NULL,
			"engines[0].storage: both a data directory (%s) and block devices are given "
			"(allowed: one or the other)",
			c->dc_data_dir);
		return -DER_INVAL;
	}
	if (c->dc_data_dir == NULL && ndev == 0) {
		cfg_msg(err, errlen, NULL,
			"engines[0].storage: missing (allowed: a file tier with dir, or block "
			"device tiers for wal, meta and data; or --data-dir DIR)");
		return -DER_INVAL;
	}
	if (c->dc_data_dir != NULL) {
		rc = cfg_vcheck(err, errlen, "engines[0].storage[0].dir", c->dc_data_dir,
				cfg_chk_path);
		if (rc != 0)
			return rc;
		if (c->dc_ctl_dir != NULL) {
			cfg_msg(err, errlen, NULL,
				"control_metadata.path: %s is given with a file tier (allowed: only "
				"with block device tiers; a file tier keeps everything in its dir)",
				c->dc_ctl_dir);
			return -DER_INVAL;
		}
	}
	for (r = 0; ndev > 0 && r < CFG_ROLE_NR; r++) {
		char key[64];

		snprintf(key, sizeof(key), "engines[0].storage: %s device", cfg_role_names[r]);
		if (devs[r] == NULL) {
			cfg_msg(err, errlen, NULL,
				"%s: missing (allowed: wal, meta and data each on a device)", key);
			return -DER_INVAL;
		}
		rc = cfg_vcheck(err, errlen, key, devs[r], cfg_chk_dev);
		if (rc != 0)
			return rc;
		/* one device may hold several roles: its table carves it among them */
	}
	if (ndev > 0) {
		if (c->dc_ctl_dir == NULL) {
			cfg_msg(err, errlen, NULL,
				"control_metadata.path: missing (allowed: a directory for the "
				"superblock and the system database, required with block device "
				"tiers)");
			return -DER_INVAL;
		}
		rc = cfg_vcheck(err, errlen, "control_metadata.path", c->dc_ctl_dir,
				cfg_chk_path);
		if (rc != 0)
			return rc;
	}
	for (r = 0; r < CFG_ROLE_NR; r++)
		if (sizes[r] != 0 && sizes[r] < mins[r]) {
			cfg_msg(err, errlen, NULL,
				"engines[0].storage: %s: %" PRIu64 " is too small (allowed: 0 for "
				"the default, or at least %s)",
				cfg_size_keys[r], sizes[r], dcli_format_isize(mins[r], buf, sizeof(buf)));
			return -DER_INVAL;
		}
	return 0;
}

/* ---- life cycle ---- */

int
dss_cfg_defaults(struct dss_config *c)
{
	memset(c, 0, sizeof(*c));
	c->dc_port       = DSS_CFG_PORT_DEFAULT;
	c->dc_nr_targets = 1;
	D_STRNDUP_S(c->dc_name, DSS_CFG_NAME_DEFAULT);
	D_STRNDUP_S(c->dc_listen_addr, DSS_CFG_ADDR_DEFAULT);
	return c->dc_name != NULL && c->dc_listen_addr != NULL ? 0 : -DER_NOMEM;
}

void
dss_cfg_fini(struct dss_config *c)
{
	if (c == NULL)
		return;
	D_FREE(c->dc_name);
	D_FREE(c->dc_listen_addr);
	D_FREE(c->dc_data_dir);
	D_FREE(c->dc_ctl_dir);
	D_FREE(c->dc_wal_dev);
	D_FREE(c->dc_meta_dev);
	D_FREE(c->dc_data_dev);
	D_FREE(c->dc_log_file);
	D_FREE(c->dc_log_mask);
	D_FREE(c->dc_provider);
	D_FREE(c->dc_net_devices);
	memset(c, 0, sizeof(*c));
}

const char *
dss_cfg_ucx_tls(const struct dss_config *c)
{
	if (c->dc_provider == NULL)
		return NULL;
	return strncmp(c->dc_provider, "ucx+", 4) == 0 ? c->dc_provider + 4 : c->dc_provider;
}
