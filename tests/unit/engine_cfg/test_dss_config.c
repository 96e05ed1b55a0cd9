/*
 * daos_server configuration: the example file, good variants (block devices,
 * ADDR:PORT, nulls, keys left to the caller), every kind of bad value in the
 * file (each must give -DER_INVAL or -DER_NONEXIST and one line naming file,
 * line and key), and dss_cfg_validate() on configurations built by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "dss_config.h"

static char cfg_dir[64];
static char cfg_path[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(cfg_dir, sizeof(cfg_dir), "/tmp/dss_cfg_test.XXXXXX");
	if (mkdtemp(cfg_dir) == NULL)
		return -1;
	snprintf(cfg_path, sizeof(cfg_path), "%s/daos_server.yml", cfg_dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(cfg_path);
	rmdir(cfg_dir);
	return 0;
}

static const char *
write_cfg(const char *text)
{
	FILE *fp = fopen(cfg_path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0 || *text == '\0', 1);
	assert_int_equal(fclose(fp), 0);
	return cfg_path;
}

/* Load text over the defaults; returns rc, err holds the message. */
static int
load_text(const char *text, struct dss_config *c, char *err, size_t errlen)
{
	assert_int_equal(dss_cfg_defaults(c), 0);
	return dss_cfg_load(write_cfg(text), c, err, errlen);
}

static void
test_example(void **state)
{
	struct dss_config c;
	char              err[512];

	(void)state;
	assert_int_equal(dss_cfg_defaults(&c), 0);
	assert_int_equal(dss_cfg_load(DSS_CFG_EXAMPLE, &c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.dc_name, "daos_server");
	assert_string_equal(c.dc_listen_addr, "127.0.0.1");
	assert_int_equal(c.dc_port, 10001);
	assert_int_equal(c.dc_nr_targets, 4);
	assert_string_equal(c.dc_data_dir, "/var/lib/dstor");
	assert_null(c.dc_wal_dev);
	assert_null(c.dc_meta_dev);
	assert_null(c.dc_data_dev);
	assert_int_equal(c.dc_wal_size, 256ULL << 20);
	assert_int_equal(c.dc_meta_size, 256ULL << 20);
	assert_int_equal(c.dc_data_size, 4ULL << 30);
	assert_string_equal(c.dc_log_file, "/tmp/daos_engine.0.log");
	assert_string_equal(c.dc_log_mask, "INFO");
	assert_string_equal(c.dc_provider, "ucx+tcp");
	assert_string_equal(dss_cfg_ucx_tls(&c), "tcp");
	assert_string_equal(c.dc_net_devices, "lo");
	assert_false(c.dc_auto_format);
	assert_int_equal(dss_cfg_validate(&c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	dss_cfg_fini(&c);
	assert_null(c.dc_name);
	dss_cfg_fini(&c); /* twice is harmless */
}

static void
test_defaults(void **state)
{
	struct dss_config c;
	char              err[512];

	(void)state;
	assert_int_equal(dss_cfg_defaults(&c), 0);
	assert_string_equal(c.dc_name, DSS_CFG_NAME_DEFAULT);
	assert_string_equal(c.dc_listen_addr, "127.0.0.1");
	assert_int_equal(c.dc_port, 10001);
	assert_int_equal(c.dc_nr_targets, 1);
	assert_null(c.dc_data_dir);
	assert_null(c.dc_log_file);
	assert_null(c.dc_log_mask);
	assert_null(c.dc_provider);
	assert_null(dss_cfg_ucx_tls(&c));
	assert_null(c.dc_net_devices);
	/* Defaults alone lack storage; a data directory makes them whole. */
	assert_int_equal(dss_cfg_validate(&c, err, sizeof(err)), -DER_INVAL);
	assert_non_null(strstr(err, "engines[0].storage: missing"));
	D_STRNDUP_S(c.dc_data_dir, "/tmp/x");
	assert_int_equal(dss_cfg_validate(&c, err, sizeof(err)), 0);
	dss_cfg_fini(&c);
}

static void
test_good_variants(void **state)
{
	struct dss_config c;
	char              err[512];

	(void)state;
	/* Block devices, one tier per role, sizes in the tier of the role. */
	assert_int_equal(load_text("control_metadata:\n"
				   "  path: /var/lib/dstor-ctl\n"
				   "engines:\n"
				   "- targets: 2\n"
				   "  storage:\n"
				   "  - class: kdev\n"
				   "    bdev_list: [/dev/nvme0n1]\n"
				   "    bdev_roles: [wal]\n"
				   "    wal_size: 1GiB\n"
				   "  - class: nvme\n"
				   "    bdev_list: [\"/dev/nvme1n1\"]\n"
				   "    bdev_roles: [meta]\n"
				   "    meta_size: 2 GB\n"
				   "  - class: bdev\n"
				   "    bdev_list:\n"
				   "      - /dev/nvme2n1\n"
				   "    bdev_roles:\n"
				   "      - DATA\n",
				   &c, err, sizeof(err)),
			 0);
	assert_string_equal(c.dc_wal_dev, "/dev/nvme0n1");
	assert_string_equal(c.dc_meta_dev, "/dev/nvme1n1");
	assert_string_equal(c.dc_data_dev, "/dev/nvme2n1");
	assert_int_equal(c.dc_wal_size, 1ULL << 30);
	assert_int_equal(c.dc_meta_size, 2000000000ULL);
	assert_int_equal(c.dc_data_size, 0);
	assert_null(c.dc_data_dir);
	assert_string_equal(c.dc_ctl_dir, "/var/lib/dstor-ctl");
	assert_int_equal(c.dc_nr_targets, 2);
	assert_int_equal(dss_cfg_validate(&c, err, sizeof(err)), 0);
	dss_cfg_fini(&c);

	/* ADDR:PORT in listen_addr; agreeing port; nulls leave values alone; quoted
	 * numbers; provider in both places, the same; YAML 1.1 booleans. */
	assert_int_equal(load_text("name: ~\n"
				   "port: 10005\n"
				   "listen_addr: 127.0.0.2:10005\n"
				   "provider: ucx+rc,sm\n"
				   "transport_config:\n"
				   "  allow_insecure: yes\n"
				   "engines:\n"
				   "- targets: \"64\"\n"
				   "  provider: ucx+rc,sm\n"
				   "  log_file:\n"
				   "  log_mask: ERR,vos=DEBUG\n"
				   "  fabric_iface: mlx5_0:1,lo\n"
				   "  storage:\n"
				   "  - class: file\n"
				   "    dir: relative/dir\n"
				   "    data_size: 0\n",
				   &c, err, sizeof(err)),
			 0);
	assert_string_equal(c.dc_name, "daos_server");
	assert_string_equal(c.dc_listen_addr, "127.0.0.2");
	assert_int_equal(c.dc_port, 10005);
	assert_int_equal(c.dc_nr_targets, 64);
	assert_null(c.dc_log_file);
	assert_string_equal(c.dc_log_mask, "ERR,vos=DEBUG");
	assert_string_equal(c.dc_net_devices, "mlx5_0:1,lo");
	assert_string_equal(dss_cfg_ucx_tls(&c), "rc,sm");
	assert_string_equal(c.dc_data_dir, "relative/dir");
	assert_int_equal(dss_cfg_validate(&c, err, sizeof(err)), 0);
	dss_cfg_fini(&c);

	/* IPv6 with a port, no port: line; the port comes from listen_addr. */
	assert_int_equal(load_text("listen_addr: \"[::1]:10006\"\n", &c, err, sizeof(err)), 0);
	assert_string_equal(c.dc_listen_addr, "::1");
	assert_int_equal(c.dc_port, 10006);
	dss_cfg_fini(&c);
	assert_int_equal(load_text("listen_addr: ::1\nport: 2\n", &c, err, sizeof(err)), 0);
	assert_string_equal(c.dc_listen_addr, "::1");
	assert_int_equal(c.dc_port, 2);
	dss_cfg_fini(&c);

	/* What the file leaves out keeps what the caller set; empty lists are nothing. */
	assert_int_equal(dss_cfg_defaults(&c), 0);
	c.dc_nr_targets = 7;
	D_STRNDUP_S(c.dc_data_dir, "/srv/x");
	assert_int_equal(dss_cfg_load(write_cfg("# comment\nname: other\nengines: []\n"), &c, err,
				      sizeof(err)),
			 0);
	assert_int_equal(c.dc_nr_targets, 7);
	assert_string_equal(c.dc_data_dir, "/srv/x");
	assert_string_equal(c.dc_name, "other");
	dss_cfg_fini(&c);
	assert_int_equal(load_text("engines:\n- storage: []\n", &c, err, sizeof(err)), 0);
	dss_cfg_fini(&c);
}

struct bad_case {
	const char *text;
	const char *msg; /* must appear in the error, after "<path>:" */
};

static const struct bad_case bad_cases[] = {
    /* numbers */
    {"engines:\n  - targets: abc\n",
     ":2: engines[0].targets: \"abc\" is not a number (allowed: 1..64)"},
    {"engines:\n- targets: 0\n", ":2: engines[0].targets: 0 is out of range (allowed: 1..64)"},
    {"engines:\n- targets: 65\n", ":2: engines[0].targets: 65 is out of range (allowed: 1..64)"},
    {"engines:\n- targets: 99999999999999999999999\n",
     "engines[0].targets: 99999999999999999999999 is out of range"},
    {"engines:\n- targets: -1\n", "engines[0].targets: \"-1\" is not a number"},
    {"engines:\n- targets: 1.5\n", "engines[0].targets: \"1.5\" is not a number"},
    {"engines:\n- targets: \"\"\n", "engines[0].targets: \"\" is not a number"},
    {"port: 70000\n", ":1: port: 70000 is out of range (allowed: 1..65535)"},
    {"port: 0\n", ":1: port: 0 is out of range (allowed: 1..65535)"},
    {"port: 0x10\n", ":1: port: \"0x10\" is not a number (allowed: 1..65535)"},
    /* unknown and duplicate keys */
    {"name: a\nnmae: b\n", ":2: nmae: unknown key (allowed: name, port, listen_addr, "
			   "provider, transport_config, engines, control_metadata)"},
    {"engines:\n- targets: 1\n  pinned_numa_node: 0\n",
     ":3: engines[0].pinned_numa_node: unknown key (allowed: targets, fabric_iface, provider, "
     "log_file, log_mask, storage)"},
    {"engines:\n- storage:\n  - class: file\n    dir: /d\n    scm_mount: /mnt\n",
     ":5: engines[0].storage[0].scm_mount: unknown key (allowed: class, dir, bdev_list"},
    {"transport_config:\n  allow_insecure: true\n  ca_cert: /x\n",
     ":3: transport_config.ca_cert: unknown key (allowed: allow_insecure)"},
    {"port: 1\nname: x\nport: 2\n", ":3: port: duplicate key (first given at line 1)"},
    {"? [a, b]\n: c\n", ":1: a key must be a plain name"},
    /* wrong types */
    {"name: [a, b]\n", ":1: name: a list is not allowed here (expected a single value)"},
    {"port: {a: 1}\n", ":1: port: a map of keys is not allowed here (expected 1..65535)"},
    {"engines:\n- targets: [1]\n", ":2: engines[0].targets: a list is not allowed here"},
    {"engines: 1\n", ":1: engines: a single value is not allowed here (expected a list of "
		     "engines)"},
    {"engines:\n- targets\n", ":2: engines[0]: a single value is not allowed here (expected a "
			      "map of keys: targets"},
    {"engines:\n- storage: file\n", ":2: engines[0].storage: a single value is not allowed "
				    "here (expected a list of tiers)"},
    {"engines:\n- storage:\n  - file\n", ":3: engines[0].storage[0]: a single value is not "
					 "allowed here"},
    {"transport_config: true\n", ":1: transport_config: a single value is not allowed here"},
    {"- name\n- port\n", ":1: a list is not allowed here (expected a map of keys: name, port"},
    {"just words\n", ":1: a single value is not allowed here"},
    {"name: \"a\\0b\"\n", ":1: name: the value contains a NUL byte"},
    {"engines:\n- log_mask: {a: b}\n", ":2: engines[0].log_mask: a map of keys is not allowed"},
    {"transport_config:\n  allow_insecure: maybe\n",
     ":2: transport_config.allow_insecure: \"maybe\" is not a boolean (allowed: true, false)"},
    /* values */
    {"name: bad name!\n", ":1: name: \"bad name!\" is not a system name"},
    {"name: \"\"\n", ":1: name: \"\" is not a system name"},
    {"listen_addr: 1.2.3\n", ":1: listen_addr: \"1.2.3\" is not an address"},
    {"listen_addr: \"host:0\"\n", ":1: listen_addr: \"host:0\" is not an address"},
    {"port: 10001\nlisten_addr: 127.0.0.1:10002\n",
     ":2: listen_addr: port 10002 differs from port: 10001 at line 1"},
    {"provider: ofi+tcp;ofi_rxm\n", ":1: provider: \"ofi+tcp;ofi_rxm\" is not supported: the "
				    "transport is UCX"},
    {"provider: tcp\n", ":1: provider: \"tcp\" is not a provider (allowed: ucx+tcp"},
    {"provider: ucx+\n", ":1: provider: \"ucx+\" is not a provider"},
    {"provider: ucx+tcp,,sm\n", ":1: provider: \"ucx+tcp,,sm\" is not a provider"},
    {"provider: ucx+tcp\nengines:\n- provider: ucx+shm\n",
     ":3: engines[0].provider: \"ucx+shm\" differs from the provider \"ucx+tcp\" given at line 1"},
    {"transport_config:\n  allow_insecure: false\n",
     ":2: transport_config.allow_insecure: false is not supported"},
    {"engines:\n- log_mask: LOUD\n", ":2: engines[0].log_mask: \"LOUD\" is not a log mask"},
    {"engines:\n- log_mask: ERR,\n", ":2: engines[0].log_mask: \"ERR,\" is not a log mask"},
    {"engines:\n- log_mask: =ERR\n", ":2: engines[0].log_mask: \"=ERR\" is not a log mask"},
    {"engines:\n- log_mask: v-s=ERR\n", "engines[0].log_mask: \"v-s=ERR\" is not a log mask"},
    {"engines:\n- log_file: \"\"\n", ":2: engines[0].log_file: \"\" is not a path"},
    {"engines:\n- fabric_iface: eth 0\n",
     ":2: engines[0].fabric_iface: \"eth 0\" is not a list of network devices"},
    {"engines:\n- {}\n- {}\n", ":2: engines: 2 engines given (allowed: 1"},
    /* storage */
    {"engines:\n- storage:\n  - class: ram\n    scm_mount: /mnt/daos\n",
     ":3: engines[0].storage[0].class: \"ram\" is not supported"},
    {"engines:\n- storage:\n  - class: dcpm\n", "engines[0].storage[0].class: \"dcpm\" is not "
						"supported"},
    {"control_metadata:\n  device: /dev/sdb1\n",
     ":2: control_metadata.device: \"/dev/sdb1\" is not supported"},
    {"control_metadata:\n  size: 1\n", ":2: control_metadata.size"},
    {"engines:\n- storage:\n  - class: tape\n",
     ":3: engines[0].storage[0].class: \"tape\" is not a storage class (allowed: file, kdev, "
     "nvme, bdev)"},
    {"engines:\n- storage:\n  - dir: /d\n", ":3: engines[0].storage[0]: class missing"},
    {"engines:\n- storage:\n  - class: [file]\n", ":3: engines[0].storage[0].class: a list is "
						  "not allowed here"},
    {"engines:\n- storage:\n  - class: file\n", ":3: engines[0].storage[0]: dir missing"},
    {"engines:\n- storage:\n  - class: file\n    dir: /a\n  - class: file\n    dir: /b\n",
     ":5: engines[0].storage[1].class: a second file tier"},
    {"engines:\n- storage:\n  - class: file\n    dir: /d\n    bdev_list: [/dev/sda]\n",
     ":5: engines[0].storage[0].bdev_list: not allowed in a file tier"},
    {"engines:\n- storage:\n  - class: file\n    dir: /d\n    bdev_roles: [wal]\n",
     ":5: engines[0].storage[0].bdev_roles: not allowed in a file tier"},
    {"engines:\n- storage:\n  - class: kdev\n    dir: /d\n",
     ":4: engines[0].storage[0].dir: not allowed in a block device tier"},
    {"engines:\n- storage:\n  - class: file\n    dir: /d\n"
     "  - class: kdev\n    bdev_list: [/dev/a]\n    bdev_roles: [wal, meta, data]\n",
     ":3: engines[0].storage: both a file tier and block device tiers"},
    {"engines:\n- storage:\n  - class: file\n    dir: /d\n    wal_size: 12XB\n",
     ":5: engines[0].storage[0].wal_size: \"12XB\" is not a size (allowed: bytes, or a number "
     "with K, M, G, T, P"},
    {"engines:\n- storage:\n  - class: file\n    dir: /d\n    data_size: 50%\n",
     ":5: engines[0].storage[0].data_size: \"50%\" is not a size"},
    {"engines:\n- storage:\n  - class: file\n    dir: /d\n    meta_size: -1G\n",
     ":5: engines[0].storage[0].meta_size: \"-1G\" is not a size"},
    {"engines:\n- storage:\n  - class: file\n    dir: /d\n    meta_size: [1G]\n",
     ":5: engines[0].storage[0].meta_size: a list is not allowed here (expected a size)"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_roles: [wal]\n",
     ":3: engines[0].storage[0]: bdev_list missing"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: /dev/a\n    bdev_roles: [wal]\n",
     ":4: engines[0].storage[0].bdev_list: a single value is not allowed here (expected a list "
     "of one device"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: [/dev/a, /dev/b]\n",
     ":4: engines[0].storage[0].bdev_list: 2 devices given (allowed: exactly 1 per tier"},
    {"engines:\n- storage:\n  - class: nvme\n    bdev_list: [\"0000:81:00.0\"]\n",
     ":4: engines[0].storage[0].bdev_list[0]: \"0000:81:00.0\" is not a device path"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: [[/dev/a]]\n",
     "engines[0].storage[0].bdev_list[0]: a list is not allowed here"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: [/dev/a]\n",
     ":3: engines[0].storage[0]: bdev_roles missing"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: [/dev/a]\n    bdev_roles: []\n",
     ":5: engines[0].storage[0].bdev_roles: an empty list is not allowed here"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: [/dev/a]\n    bdev_roles: wal\n",
     ":5: engines[0].storage[0].bdev_roles: a single value is not allowed here"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: [/dev/a]\n    bdev_roles: [log]\n",
     ":5: engines[0].storage[0].bdev_roles: \"log\" is not a role (allowed: wal, meta, data)"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: [/dev/a]\n"
     "    bdev_roles: [wal, meta]\n"
     "  - class: kdev\n    bdev_list: [/dev/b]\n    bdev_roles: [data, wal]\n",
     ":8: engines[0].storage[1].bdev_roles: role wal is given twice"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: [/dev/a]\n"
     "    bdev_roles: [wal, data]\n",
     ":3: engines[0].storage: no tier has the meta role"},
    {"engines:\n- storage:\n  - class: kdev\n    bdev_list: [/dev/a]\n"
     "    bdev_roles: [wal]\n    data_size: 1G\n",
     ":6: engines[0].storage[0].data_size: this tier has no data role"},
    /* syntax */
    {"name: [unclosed\n", ": YAML syntax error: "},
    {"name: a\n  port: 1\n", ":2: YAML syntax error: "},
    {"name: \"open\n", "YAML syntax error"},
    {"\t- x\n", "YAML syntax error"},
    {"name: a\n---\nname: b\n", ":3: a second YAML document"},
    {"name: a\n---\n[x\n", "YAML syntax error"},
    {"", ": the file is empty"},
    {"# only a comment\n", ": the file is empty"},
};

static void
test_bad_values(void **state)
{
	struct dss_config c;
	char              err[512];
	char              want[700];
	size_t            i;
	int               rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		memset(err, 'x', sizeof(err));
		rc = load_text(bad_cases[i].text, &c, err, sizeof(err));
		dss_cfg_fini(&c);
		if (rc != -DER_INVAL)
			fail_msg("case %zu (%s): rc %d, err \"%s\"", i, bad_cases[i].text, rc, err);
		/* One line, starting with the file's path. */
		snprintf(want, sizeof(want), "%s", cfg_path);
		if (strncmp(err, want, strlen(want)) != 0 || strchr(err, '\n') != NULL ||
		    strstr(err, bad_cases[i].msg) == NULL)
			fail_msg("case %zu (%s):\n  got  \"%s\"\n  want \"...%s...\"", i,
				 bad_cases[i].text, err, bad_cases[i].msg);
	}
}

static void
test_file_errors(void **state)
{
	struct dss_config c;
	char              err[512];
	char              small[16];
	char              path[256];

	(void)state;
	assert_int_equal(dss_cfg_defaults(&c), 0);
	snprintf(path, sizeof(path), "%s/missing.yml", cfg_dir);
	assert_int_equal(dss_cfg_load(path, &c, err, sizeof(err)), -DER_NONEXIST);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	/* A directory opens but does not read. */
	assert_int_equal(dss_cfg_load(cfg_dir, &c, err, sizeof(err)), -DER_INVAL);
	assert_non_null(strstr(err, cfg_dir));
	assert_int_equal(dss_cfg_load(NULL, &c, err, sizeof(err)), -DER_INVAL);
	/* A short buffer truncates; no buffer at all is allowed. */
	assert_int_equal(dss_cfg_load(write_cfg("port: x\n"), &c, small, sizeof(small)),
			 -DER_INVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(dss_cfg_load(write_cfg("port: x\n"), &c, NULL, 0), -DER_INVAL);
	dss_cfg_fini(&c);
}

struct validate_case {
	void (*vc_edit)(struct dss_config *c);
	const char *vc_msg;
};

static void
set(char **field, const char *v)
{
	D_FREE(*field);
	if (v != NULL) {
		D_STRNDUP(*field, v, strlen(v));
		assert_non_null(*field);
	}
}

static void
v_no_name(struct dss_config *c)
{
	set(&c->dc_name, NULL);
}

static void
v_bad_name(struct dss_config *c)
{
	set(&c->dc_name, "a/b");
}

static void
v_long_name(struct dss_config *c)
{
	set(&c->dc_name, "0123456789012345678901234567890123456789012345678901234567890123");
}

static void
v_no_addr(struct dss_config *c)
{
	set(&c->dc_listen_addr, NULL);
}

static void
v_addr_with_port(struct dss_config *c)
{
	set(&c->dc_listen_addr, "127.0.0.1:5");
}

static void
v_port0(struct dss_config *c)
{
	c->dc_port = 0;
}

static void
v_targets0(struct dss_config *c)
{
	c->dc_nr_targets = 0;
}

static void
v_targets65(struct dss_config *c)
{
	c->dc_nr_targets = 65;
}

static void
v_provider(struct dss_config *c)
{
	set(&c->dc_provider, "verbs");
}

static void
v_netdev(struct dss_config *c)
{
	set(&c->dc_net_devices, "");
}

static void
v_log_file(struct dss_config *c)
{
	set(&c->dc_log_file, "");
}

static void
v_log_mask(struct dss_config *c)
{
	set(&c->dc_log_mask, "ERR,vos=LOUD");
}

static void
v_no_storage(struct dss_config *c)
{
	set(&c->dc_data_dir, NULL);
}

static void
v_empty_dir(struct dss_config *c)
{
	set(&c->dc_data_dir, "");
}

static void
v_dir_and_dev(struct dss_config *c)
{
	set(&c->dc_wal_dev, "/dev/a");
}

static void
v_partial_devs(struct dss_config *c)
{
	set(&c->dc_data_dir, NULL);
	set(&c->dc_wal_dev, "/dev/a");
	set(&c->dc_data_dev, "/dev/c");
}

static void
v_same_dev(struct dss_config *c)
{
	set(&c->dc_data_dir, NULL);
	set(&c->dc_wal_dev, "/dev/a");
	set(&c->dc_meta_dev, "/dev/b");
	set(&c->dc_data_dev, "/dev/a");
}

static void
v_relative_dev(struct dss_config *c)
{
	set(&c->dc_data_dir, NULL);
	set(&c->dc_wal_dev, "/dev/a");
	set(&c->dc_meta_dev, "dev/b");
	set(&c->dc_data_dev, "/dev/c");
}

static void
v_devs_no_ctl(struct dss_config *c)
{
	set(&c->dc_data_dir, NULL);
	set(&c->dc_wal_dev, "/dev/a");
	set(&c->dc_meta_dev, "/dev/b");
	set(&c->dc_data_dev, "/dev/c");
}

static void
v_ctl_with_dir(struct dss_config *c)
{
	set(&c->dc_ctl_dir, "/ctl");
}

static void
v_small_wal(struct dss_config *c)
{
	c->dc_wal_size = (1 << 20) - 1;
}

static void
v_small_data(struct dss_config *c)
{
	c->dc_data_size = 4096;
}

static const struct validate_case validate_cases[] = {
    {v_no_name, "name: missing"},
    {v_devs_no_ctl, "control_metadata.path: missing"},
    {v_ctl_with_dir, "control_metadata.path: /ctl is given with a file tier"},
    {v_bad_name, "name: \"a/b\" is not a system name (allowed: 1..63 of"},
    {v_long_name, "name: \"0123456789"},
    {v_no_addr, "listen_addr: missing"},
    {v_addr_with_port, "listen_addr: \"127.0.0.1:5\" is not an address"},
    {v_port0, "port: 0 is out of range (allowed: 1..65535)"},
    {v_targets0, "engines[0].targets: 0 is out of range (allowed: 1..64)"},
    {v_targets65, "engines[0].targets: 65 is out of range (allowed: 1..64)"},
    {v_provider, "provider: \"verbs\" is not a provider"},
    {v_netdev, "engines[0].fabric_iface: \"\" is not a list of network devices"},
    {v_log_file, "engines[0].log_file: \"\" is not a path"},
    {v_log_mask, "engines[0].log_mask: \"ERR,vos=LOUD\" is not a log mask"},
    {v_no_storage, "engines[0].storage: missing"},
    {v_empty_dir, "engines[0].storage[0].dir: \"\" is not a path"},
    {v_dir_and_dev, "engines[0].storage: both a data directory (/srv/d) and block devices"},
    {v_partial_devs, "engines[0].storage: meta device: missing"},
    {v_relative_dev, "engines[0].storage: meta device: \"dev/b\" is not a device path"},
    {v_small_wal, "engines[0].storage: wal_size: 1048575 is too small (allowed: 0 for the "
		  "default, or at least 1.0 MiB)"},
    {v_small_data, "engines[0].storage: data_size: 4096 is too small"},
};

static void
test_validate(void **state)
{
	struct dss_config c;
	char              err[512];
	size_t            i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(validate_cases); i++) {
		assert_int_equal(dss_cfg_defaults(&c), 0);
		set(&c.dc_data_dir, "/srv/d");
		assert_int_equal(dss_cfg_validate(&c, err, sizeof(err)), 0);
		validate_cases[i].vc_edit(&c);
		if (dss_cfg_validate(&c, err, sizeof(err)) != -DER_INVAL ||
		    strncmp(err, validate_cases[i].vc_msg, strlen(validate_cases[i].vc_msg)) != 0)
			fail_msg("case %zu:\n  got  \"%s\"\n  want \"%s...\"", i, err,
				 validate_cases[i].vc_msg);
		dss_cfg_fini(&c);
	}
	assert_int_equal(dss_cfg_validate(NULL, err, sizeof(err)), -DER_INVAL);

	/* One device for two roles passes (its table carves it among them). */
	assert_int_equal(dss_cfg_defaults(&c), 0);
	v_same_dev(&c);
	set(&c.dc_ctl_dir, "/ctl");
	assert_int_equal(dss_cfg_validate(&c, err, sizeof(err)), 0);
	dss_cfg_fini(&c);

	/* Three distinct devices and sizes at the minimum pass. */
	assert_int_equal(dss_cfg_defaults(&c), 0);
	set(&c.dc_wal_dev, "/dev/a");
	set(&c.dc_meta_dev, "/dev/b");
	set(&c.dc_data_dev, "/dev/c");
	set(&c.dc_ctl_dir, "/var/lib/dstor");
	c.dc_wal_size  = DSS_CFG_WAL_SIZE_MIN;
	c.dc_meta_size = DSS_CFG_META_SIZE_MIN;
	c.dc_data_size = DSS_CFG_DATA_SIZE_MIN;
	c.dc_nr_targets = DSS_CFG_TARGETS_MAX;
	set(&c.dc_provider, "ucx+all");
	set(&c.dc_log_mask, "debug,mem=warning");
	assert_int_equal(dss_cfg_validate(&c, err, sizeof(err)), 0);
	dss_cfg_fini(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example),     cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_good_variants), cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_file_errors), cmocka_unit_test(test_validate),
	};

	return cmocka_run_group_tests_name("engine_dss_config", tests, setup, teardown);
}
