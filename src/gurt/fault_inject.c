/*
 * Fault injection. Points live in a small table that only grows (pointers
 * handed out by d_fault_attr_lookup stay valid until fini). The table and
 * the points are allocated with plain calloc, not D_ALLOC: D_ALLOC consults
 * fault 0 and would recurse into us.
 */
#include <yaml.h>
#include <gurt/common.h>

unsigned int           d_fault_inject;
unsigned int           d_fault_config_file;
struct d_fault_attr_t *d_fault_attr_mem;

struct d_fi_name {
	char    *fn_name;
	uint32_t fn_id;
	bool     fn_registered; /* false: a configured entry waiting for its point to register */
	struct d_fault_attr_t fn_pending;
};

static struct {
	pthread_rwlock_t        lock;
	int                     refcount;
	bool                    thread_default;
	uint32_t                seed;
	struct d_fault_attr_t **attrs;
	size_t                  nr;
	size_t                  cap;
	struct d_fi_name       *names;
	size_t                  nr_names;
} d_fi = {
    .lock           = PTHREAD_RWLOCK_INITIALIZER,
    .thread_default = true,
};

/* 0: follow thread_default; 1: on; 2: off. */
static __thread int d_fi_thread_state;

static struct d_fault_attr_t *
d_fi_find(uint32_t id)
{
	size_t i;

	for (i = 0; i < d_fi.nr; i++)
		if (d_fi.attrs[i]->fa_id == id)
			return d_fi.attrs[i];
	return NULL;
}

/* Caller holds the write lock. */
static int
d_fi_set_locked(uint32_t id, const struct d_fault_attr_t *in)
{
	struct d_fault_attr_t *fa = d_fi_find(id);
	char                  *arg = NULL;

	if (in->fa_argument != NULL) {
		arg = strdup(in->fa_argument);
		if (arg == NULL)
			return -DER_NOMEM;
	}
	if (fa == NULL) {
		if (d_fi.nr == d_fi.cap) {
			size_t                  cap  = d_fi.cap ? d_fi.cap * 2 : 16;
			struct d_fault_attr_t **tbl = realloc(d_fi.attrs, cap * sizeof(*tbl));

			if (tbl == NULL)
				goto nomem;
			d_fi.attrs = tbl;
			d_fi.cap   = cap;
		}
		fa = calloc(1, sizeof(*fa));
		if (fa == NULL)
			goto nomem;
		pthread_spin_init(&fa->fa_lock, PTHREAD_PROCESS_PRIVATE);
		d_fi.attrs[d_fi.nr++] = fa;
	}
	pthread_spin_lock(&fa->fa_lock);
	free(fa->fa_argument);
	fa->fa_id            = id;
	fa->fa_probability_x = in->fa_probability_x;
	fa->fa_probability_y = in->fa_probability_y;
	fa->fa_interval      = in->fa_interval;
	fa->fa_max_faults    = in->fa_max_faults;
	fa->fa_err_code      = in->fa_err_code;
	fa->fa_argument      = arg;
	fa->fa_num_faults    = in->fa_num_faults;
	fa->fa_num_hits      = in->fa_num_hits;
	/* Same seed, same sequence of draws: a failing run can be replayed. */
	fa->fa_rand_state[0] = (unsigned short)d_fi.seed;
	fa->fa_rand_state[1] = (unsigned short)(d_fi.seed >> 16);
	fa->fa_rand_state[2] = (unsigned short)id;
	pthread_spin_unlock(&fa->fa_lock);
	if (id == D_FI_MEM)
		d_fault_attr_mem = fa;
	return 0;
nomem:
	free(arg);
	return -DER_NOMEM;
}

int
d_fault_attr_set(uint32_t fault_id, struct d_fault_attr_t fa_in)
{
	int rc;

	pthread_rwlock_wrlock(&d_fi.lock);
	rc = d_fi_set_locked(fault_id, &fa_in);
	pthread_rwlock_unlock(&d_fi.lock);
	return rc;
}

struct d_fault_attr_t *
d_fault_attr_lookup(uint32_t fault_id)
{
	struct d_fault_attr_t *fa;

	pthread_rwlock_rdlock(&d_fi.lock);
	fa = d_fi_find(fault_id);
	pthread_rwlock_unlock(&d_fi.lock);
	return fa;
}

int
d_fault_attr_err_code(uint32_t fault_id)
{
	struct d_fault_attr_t *fa = d_fault_attr_lookup(fault_id);
	int                    rc;

	if (fa == NULL)
		return 0;
	pthread_spin_lock(&fa->fa_lock);
	rc = fa->fa_err_code;
	pthread_spin_unlock(&fa->fa_lock);
	return rc;
}

static struct d_fi_name *
d_fi_name_find(const char *name)
{
	size_t i;

	for (i = 0; i < d_fi.nr_names; i++)
		if (strcmp(d_fi.names[i].fn_name, name) == 0)
			return &d_fi.names[i];
	return NULL;
}

static struct d_fi_name *
d_fi_name_add(const char *name)
{
	struct d_fi_name *tbl;
	struct d_fi_name *n;

	tbl = realloc(d_fi.names, (d_fi.nr_names + 1) * sizeof(*tbl));
	if (tbl == NULL)
		return NULL;
	d_fi.names = tbl;
	n          = &d_fi.names[d_fi.nr_names];
	memset(n, 0, sizeof(*n));
	n->fn_name = strdup(name);
	if (n->fn_name == NULL)
		return NULL;
	d_fi.nr_names++;
	return n;
}

int
d_fault_id_register(uint32_t fault_id, const char *name)
{
	struct d_fi_name *n;
	int               rc = 0;

	if (name == NULL || *name == '\0')
		return -DER_INVAL;
	pthread_rwlock_wrlock(&d_fi.lock);
	n = d_fi_name_find(name);
	if (n != NULL && n->fn_registered) {
		rc = n->fn_id == fault_id ? 0 : -DER_EXIST;
		goto out;
	}
	if (n == NULL) {
		n = d_fi_name_add(name);
		if (n == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
	} else {
		/* A configuration named this point before it registered: arm it now. */
		rc = d_fi_set_locked(fault_id, &n->fn_pending);
		free(n->fn_pending.fa_argument);
		n->fn_pending.fa_argument = NULL;
	}
	n->fn_id         = fault_id;
	n->fn_registered = true;
out:
	pthread_rwlock_unlock(&d_fi.lock);
	return rc;
}

int
d_fault_id_by_name(const char *name, uint32_t *fault_id)
{
	struct d_fi_name *n;
	int               rc = -DER_NONEXIST;

	if (name == NULL || fault_id == NULL)
		return -DER_INVAL;
	pthread_rwlock_rdlock(&d_fi.lock);
	n = d_fi_name_find(name);
	if (n != NULL && n->fn_registered) {
		*fault_id = n->fn_id;
		rc        = 0;
	}
	pthread_rwlock_unlock(&d_fi.lock);
	return rc;
}

/* Arm a configured entry given by id or by name (names may be pending). */
static int
d_fi_arm(const char *name, bool by_name, uint32_t id, struct d_fault_attr_t *fa)
{
	struct d_fi_name *n;
	int               rc;

	pthread_rwlock_wrlock(&d_fi.lock);
	if (!by_name) {
		rc = d_fi_set_locked(id, fa);
		goto out;
	}
	n = d_fi_name_find(name);
	if (n != NULL && n->fn_registered) {
		rc = d_fi_set_locked(n->fn_id, fa);
		goto out;
	}
	if (n == NULL && (n = d_fi_name_add(name)) == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	free(n->fn_pending.fa_argument);
	n->fn_pending             = *fa;
	n->fn_pending.fa_argument = fa->fa_argument ? strdup(fa->fa_argument) : NULL;
	rc                        = 0;
out:
	pthread_rwlock_unlock(&d_fi.lock);
	return rc;
}

static bool
d_fi_thread_enabled(void)
{
	if (d_fi_thread_state == 0)
		return d_fi.thread_default;
	return d_fi_thread_state == 1;
}

bool
d_should_fail(struct d_fault_attr_t *fa)
{
	bool fire = false;

	if (fa == NULL || !d_fi_thread_enabled())
		return false;
	pthread_spin_lock(&fa->fa_lock);
	if (fa->fa_probability_x == 0)
		goto out;
	if (fa->fa_max_faults != 0 && fa->fa_num_faults >= fa->fa_max_faults)
		goto out;
	if (fa->fa_interval > 1 && ++fa->fa_num_hits % fa->fa_interval != 0)
		goto out;
	if (fa->fa_probability_y != 0 &&
	    (uint64_t)nrand48(fa->fa_rand_state) % fa->fa_probability_y >= fa->fa_probability_x)
		goto out;
	fa->fa_num_faults++;
	fire = true;
out:
	pthread_spin_unlock(&fa->fa_lock);
	return fire;
}

/* ---- configuration parsing ---- */

/* Unsigned or signed integer in s; false when s is not one. */
static bool
d_fi_parse_num(const char *s, int64_t *v)
{
	char *end;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	*v    = strtoll(s, &end, 0);
	return errno == 0 && *end == '\0';
}

/* Apply one "key=value" (spec) or YAML key/value to fa; -DER_INVAL with a message if bad. */
static int
d_fi_apply_key(struct d_fault_attr_t *fa, const char *key, const char *val, const char *where)
{
	int64_t v;

	if (strcmp(key, "argument") == 0 || strcmp(key, "arg") == 0) {
		free(fa->fa_argument);
		fa->fa_argument = strdup(val);
		return fa->fa_argument ? 0 : -DER_NOMEM;
	}
	if (strcmp(key, "prob") == 0) {
		const char *slash = strchr(val, '/');
		char        x[32];

		if (slash == NULL || (size_t)(slash - val) >= sizeof(x))
			goto bad;
		memcpy(x, val, (size_t)(slash - val));
		x[slash - val] = '\0';
		if (!d_fi_parse_num(x, &v) || v < 0 || v > UINT32_MAX)
			goto bad;
		fa->fa_probability_x = (uint32_t)v;
		if (!d_fi_parse_num(slash + 1, &v) || v < 0 || v > UINT32_MAX)
			goto bad;
		fa->fa_probability_y = (uint32_t)v;
		return 0;
	}
	if (!d_fi_parse_num(val, &v))
		goto bad;
	if (strcmp(key, "probability_x") == 0 && v >= 0 && v <= UINT32_MAX)
		fa->fa_probability_x = (uint32_t)v;
	else if (strcmp(key, "probability_y") == 0 && v >= 0 && v <= UINT32_MAX)
		fa->fa_probability_y = (uint32_t)v;
	else if (strcmp(key, "interval") == 0 && v >= 0 && v <= UINT32_MAX)
		fa->fa_interval = (uint32_t)v;
	else if ((strcmp(key, "max_faults") == 0 || strcmp(key, "max") == 0) && v >= 0)
		fa->fa_max_faults = (uint64_t)v;
	else if ((strcmp(key, "err_code") == 0 || strcmp(key, "err") == 0) && v >= INT32_MIN &&
		 v <= INT32_MAX)
		fa->fa_err_code = (int32_t)v;
	else
		goto bad;
	return 0;
bad:
	fprintf(stderr, "fault injection: %s: bad '%s: %s'\n", where, key, val);
	return -DER_INVAL;
}

static void
d_fi_defaults(struct d_fault_attr_t *fa)
{
	memset(fa, 0, sizeof(*fa));
	fa->fa_probability_x = 1;
	fa->fa_probability_y = 1;
	fa->fa_interval      = 1;
}

static int
d_fi_parse_spec(const char *spec)
{
	char *copy = strdup(spec);
	char *entry;
	char *save_e = NULL;
	int   rc     = 0;

	if (copy == NULL)
		return -DER_NOMEM;
	for (entry = strtok_r(copy, ";", &save_e); entry != NULL && rc == 0;
	     entry = strtok_r(NULL, ";", &save_e)) {
		struct d_fault_attr_t fa;
		char                 *colon = strchr(entry, ':');
		char                 *kv;
		char                 *save_kv = NULL;
		int64_t               id;
		bool                  by_name;

		d_fi_defaults(&fa);
		if (colon != NULL)
			*colon = '\0';
		by_name = !d_fi_parse_num(entry, &id);
		if (*entry == '\0' || (!by_name && (id < 0 || id > UINT32_MAX))) {
			fprintf(stderr, "fault injection: %s: bad point '%s'\n", D_FAULT_SPEC_ENV,
				entry);
			rc = -DER_INVAL;
			break;
		}
		for (kv = colon ? strtok_r(colon + 1, ",", &save_kv) : NULL; kv != NULL && rc == 0;
		     kv = strtok_r(NULL, ",", &save_kv)) {
			char *eq = strchr(kv, '=');

			if (eq == NULL) {
				fprintf(stderr, "fault injection: %s: '%s' is not key=value\n",
					D_FAULT_SPEC_ENV, kv);
				rc = -DER_INVAL;
				break;
			}
			*eq = '\0';
			rc  = d_fi_apply_key(&fa, kv, eq + 1, D_FAULT_SPEC_ENV);
		}
		if (rc == 0)
			rc = d_fi_arm(entry, by_name, (uint32_t)id, &fa);
		free(fa.fa_argument);
	}
	free(copy);
	return rc;
}

/*
 * The YAML file, read as a stream of events: a top-level mapping with
 * "seed", "thread_default" and "fault_config" (a sequence of mappings).
 */
static int
d_fi_parse_yaml(const char *path)
{
	yaml_parser_t         parser;
	yaml_event_t          ev;
	struct d_fault_attr_t fa;
	FILE                 *fp;
	char                  key[64]  = "";
	char                  name[64] = "";
	int64_t               id       = -1;
	int                   depth    = 0;    /* mapping/sequence nesting */
	bool                  in_list  = false;
	bool                  have_key = false;
	bool                  done     = false;
	int                   rc       = 0;

	fp = fopen(path, "r");
	if (fp == NULL) {
		fprintf(stderr, "fault injection: cannot open %s=%s: %s\n", D_FAULT_CONFIG_ENV, path,
			strerror(errno));
		return d_errno2der(errno);
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		return -DER_NOMEM;
	}
	yaml_parser_set_input_file(&parser, fp);
	d_fi_defaults(&fa);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			fprintf(stderr, "fault injection: %s: YAML error at line %zu: %s\n", path,
				parser.problem_mark.line + 1,
				parser.problem ? parser.problem : "unknown");
			rc = -DER_INVAL;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_MAPPING_START_EVENT:
			depth++;
			if (in_list && depth == 2) {
				d_fi_defaults(&fa);
				id      = -1;
				name[0] = '\0';
			}
			have_key = false;
			break;
		case YAML_MAPPING_END_EVENT:
			if (in_list && depth == 2) {
				if (id < 0 && name[0] == '\0') {
					fprintf(stderr, "fault injection: %s: entry without id or name\n",
						path);
					rc = -DER_INVAL;
				} else {
					rc = d_fi_arm(name, id < 0, (uint32_t)id, &fa);
				}
				free(fa.fa_argument);
				fa.fa_argument = NULL;
			}
			depth--;
			have_key = false;
			break;
		case YAML_SEQUENCE_START_EVENT:
			if (depth == 1 && have_key && strcmp(key, "fault_config") == 0)
				in_list = true;
			else {
				fprintf(stderr, "fault injection: %s: unexpected list under '%s'\n", path,
					have_key ? key : "?");
				rc = -DER_INVAL;
			}
			have_key = false;
			break;
		case YAML_SEQUENCE_END_EVENT:
			in_list = false;
			break;
		case YAML_SCALAR_EVENT: {
			const char *val = (const char *)ev.data.scalar.value;
			int64_t     v;

			if (!have_key) {
				snprintf(key, sizeof(key), "%s", val);
				have_key = true;
				break;
			}
			have_key = false;
			if (depth == 1 && strcmp(key, "seed") == 0) {
				if (!d_fi_parse_num(val, &v)) {
					fprintf(stderr, "fault injection: %s: bad seed '%s'\n", path, val);
					rc = -DER_INVAL;
				}
				d_fi.seed = (uint32_t)v;
			} else if (depth == 1 && strcmp(key, "thread_default") == 0) {
				d_fi.thread_default = strcasecmp(val, "true") == 0 ||
						      strcmp(val, "1") == 0;
			} else if (in_list && depth == 2 && strcmp(key, "id") == 0) {
				if (!d_fi_parse_num(val, &id) || id < 0 || id > UINT32_MAX) {
					fprintf(stderr, "fault injection: %s: bad id '%s'\n", path, val);
					rc = -DER_INVAL;
				}
			} else if (in_list && depth == 2 && strcmp(key, "name") == 0) {
				snprintf(name, sizeof(name), "%s", val);
			} else if (in_list && depth == 2) {
				rc = d_fi_apply_key(&fa, key, val, path);
			} else {
				fprintf(stderr, "fault injection: %s: unknown key '%s'\n", path, key);
				rc = -DER_INVAL;
			}
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	free(fa.fa_argument);
	yaml_parser_delete(&parser);
	fclose(fp);
	return rc;
}

int
d_fault_inject_init(void)
{
	struct d_fault_attr_t mem;
	const char           *cfg;
	const char           *spec;
	int                   rc;

	pthread_rwlock_wrlock(&d_fi.lock);
	if (d_fi.refcount++ > 0) {
		pthread_rwlock_unlock(&d_fi.lock);
		return 0;
	}
	/* Point 0 always exists (disarmed), so D_ALLOC can test it without a lookup. */
	memset(&mem, 0, sizeof(mem));
	rc = d_fi_set_locked(D_FI_MEM, &mem);
	pthread_rwlock_unlock(&d_fi.lock);
	if (rc != 0)
		goto fail;

	cfg  = getenv(D_FAULT_CONFIG_ENV);
	spec = getenv(D_FAULT_SPEC_ENV);
	if (cfg != NULL) {
		rc = d_fi_parse_yaml(cfg);
		if (rc != 0)
			goto fail;
		d_fault_config_file = 1;
	}
	if (spec != NULL) {
		rc = d_fi_parse_spec(spec);
		if (rc != 0)
			goto fail;
	}
	if (cfg != NULL || spec != NULL)
		d_fault_inject = 1;
	return 0;
fail:
	d_fault_inject_fini();
	return rc;
}

int
d_fault_inject_fini(void)
{
	size_t i;

	pthread_rwlock_wrlock(&d_fi.lock);
	if (d_fi.refcount == 0 || --d_fi.refcount > 0) {
		pthread_rwlock_unlock(&d_fi.lock);
		return 0;
	}
	d_fault_inject      = 0;
	d_fault_config_file = 0;
	d_fault_attr_mem    = NULL;
	for (i = 0; i < d_fi.nr; i++) {
		pthread_spin_destroy(&d_fi.attrs[i]->fa_lock);
		free(d_fi.attrs[i]->fa_argument);
		free(d_fi.attrs[i]);
	}
	free(d_fi.attrs);
	d_fi.attrs = NULL;
	d_fi.nr = d_fi.cap = 0;
	for (i = 0; i < d_fi.nr_names; i++) {
		free(d_fi.names[i].fn_name);
		free(d_fi.names[i].fn_pending.fa_argument);
	}
	free(d_fi.names);
	d_fi.names          = NULL;
	d_fi.nr_names       = 0;
	d_fi.thread_default = true;
	d_fi.seed           = 0;
	pthread_rwlock_unlock(&d_fi.lock);
	return 0;
}

int
d_fault_inject_enable(void)
{
	if (d_fi.refcount == 0)
		return -DER_UNINIT;
	d_fault_inject = 1;
	return 0;
}

int
d_fault_inject_disable(void)
{
	d_fault_inject = 0;
	return 0;
}

bool
d_fault_inject_is_enabled(void)
{
	return d_fault_inject != 0;
}

void
d_fault_inject_thread_enable(bool enabled)
{
	d_fi_thread_state = enabled ? 1 : 2;
}

void
d_fault_inject_thread_default_enable(bool enabled)
{
	d_fi.thread_default = enabled;
}
