/*
 * daos_server on raw block devices: three loop devices (over sparse files in
 * a temporary directory) as the wal, meta and data devices of a YAML
 * configuration. Format, storage usage, pools whose shards are slices of the
 * devices, values written and read back across kill -9, pool destroy giving
 * its slices back, a restart that finds a foreign control directory refused,
 * a format that refuses devices holding a table without force.
 * Needs root and losetup: otherwise it exits 77 (ctest SKIP_RETURN_CODE).
 * The loop devices it attached are always detached (test teardown, atexit,
 * and SIGINT/SIGTERM).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "srv_harness.h"

#define BD_TARGETS 2
#define BD_NVALS   24
#define DSS_DEVTAB_COPY_BYTES (256u << 10) /* srv_devtab.h: copy 0 at 0, copy 1 here */

static char bd_tmp[256];               /* scratch directory */
static char bd_loop[3][64];            /* loop devices this test attached */
static char bd_cfg[PATH_MAX];
static char bd_ctl[PATH_MAX];
static const char *const bd_role[3] = {"wal", "meta", "data"};
static const uint64_t bd_size[3]    = {128ULL << 20, 128ULL << 20, 768ULL << 20};

static void
bd_detach(void)
{
	char cmd[256];
	int  i;

	for (i = 0; i < 3; i++) {
		if (bd_loop[i][0] != '/')
			continue;
		snprintf(cmd, sizeof(cmd), "losetup -d %s", bd_loop[i]);
		if (system(cmd) != 0)
			fprintf(stderr, "test_bdev: '%s' failed\n", cmd);
		bd_loop[i][0] = '\0';
	}
}

static void
bd_on_signal(int sig)
{
	bd_detach();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Attach a loop device over a new sparse file; false when that is not possible. */
static bool
bd_attach(int i)
{
	char  img[PATH_MAX], cmd[PATH_MAX + 64];
	FILE *p;
	int   fd;

	snprintf(img, sizeof(img), "%s/%s.img", bd_tmp, bd_role[i]);
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)bd_size[i]) != 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "losetup --find --show --direct-io=on %s 2>/dev/null", img);
	p = popen(cmd, "r");
	if (p == NULL)
		return false;
	if (fgets(bd_loop[i], sizeof(bd_loop[i]), p) == NULL)
		bd_loop[i][0] = '\0';
	pclose(p);
	bd_loop[i][strcspn(bd_loop[i], "\n")] = '\0';
	return bd_loop[i][0] == '/';
}

static void
bd_write_cfg(uint16_t port)
{
	FILE *f = fopen(bd_cfg, "w");
	int   i;

	assert_non_null(f);
	fprintf(f,
		"name: bdev_test\n"
		"port: %u\n"
		"listen_addr: 127.0.0.1\n"
		"control_metadata:\n"
		"  path: %s\n"
		"engines:\n"
		"  - targets: %d\n"
		"    log_file: %s/engine.log\n"
		"    storage:\n",
		port, bd_ctl, BD_TARGETS, bd_tmp);
	for (i = 0; i < 3; i++)
		fprintf(f, "      - class: kdev\n        bdev_list: [%s]\n        bdev_roles: [%s]\n",
			bd_loop[i], bd_role[i]);
	fclose(f);
}

static void
bd_start(struct srv *sv)
{
	char log[PATH_MAX + 16];
	int  fd;

	snprintf(log, sizeof(log), "%s/server.out", bd_tmp);
	sv->sv_pid = fork();
	assert_true(sv->sv_pid >= 0);
	if (sv->sv_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(srv_bin(), "daos_server", "start", "-o", bd_cfg, (char *)NULL);
		_exit(127);
	}
}

static int
bd_format(struct dc_sys *sys, bool force)
{
	struct denc e;
	struct ddec d;
	void       *reply;
	int         rc;

	denc_init(&e);
	denc_u32(&e, force ? 1 : 0);
	rc = srv_call(sys, 0, DSP_MGMT_FORMAT, &e, &d, &reply);
	D_FREE(reply);
	return rc;
}

/* Slices on each device (wal, meta, data), from the storage query. */
static void
bd_slices(struct dc_sys *sys, uint32_t *slices, uint64_t *data_free)
{
	struct denc e;
	struct ddec d;
	void       *reply;
	char        dev[256], role[16];
	uint32_t    n, i;

	denc_init(&e);
	assert_int_equal(srv_call(sys, 0, DSP_MGMT_STORAGE_QUERY, &e, &d, &reply), 0);
	ddec_u64(&d);
	ddec_u64(&d);
	assert_int_equal(ddec_u32(&d), BD_TARGETS);
	ddec_u64(&d);
	ddec_u64(&d);
	n = ddec_u32(&d);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		uint64_t total, free;

		ddec_str(&d, dev, sizeof(dev));
		ddec_str(&d, role, sizeof(role));
		total     = ddec_u64(&d);
		free      = ddec_u64(&d);
		slices[i] = ddec_u32(&d);
		assert_string_equal(dev, bd_loop[i]);
		assert_string_equal(role, bd_role[i]);
		assert_true(total > 0 && total <= bd_size[i] && free <= total);
		if (i == 2 && data_free != NULL)
			*data_free = free;
	}
	assert_int_equal(ddec_finish(&d), 0);
	D_FREE(reply);
}

static size_t
bd_val(int i, char *buf)
{
	size_t len = i % 2 == 0 ? 100 + (size_t)i : (64u << 10) + (size_t)i * 4096; /* DATA for odd ones */
	size_t k;

	for (k = 0; k < len; k++)
		buf[k] = (char)(i * 31 + k * 7 + (k >> 12));
	return len;
}

static void
bd_put_all(struct dc_sys *sys, const uuid_t pool, const uuid_t coh)
{
	daos_obj_id_t oid = {.lo = 7, .hi = 0};
	char         *buf = malloc(256 << 10);
	char          key[16];
	int           i;

	assert_non_null(buf);
	for (i = 0; i < BD_NVALS; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(srv_obj_put(sys, i % BD_TARGETS, pool, coh, oid, key, buf,
					     bd_val(i, buf), false),
				 0);
	}
	free(buf);
}

static void
bd_check_all(struct dc_sys *sys, const uuid_t pool, const uuid_t coh)
{
	daos_obj_id_t oid  = {.lo = 7, .hi = 0};
	char         *want = malloc(256 << 10), *got = malloc(256 << 10);
	char          key[16];
	size_t        len, wlen;
	int           i;

	assert_non_null(want);
	assert_non_null(got);
	for (i = 0; i < BD_NVALS; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		wlen = bd_val(i, want);
		assert_int_equal(srv_obj_get(sys, i % BD_TARGETS, pool, coh, oid, key, got,
					     256 << 10, &len),
				 0);
		assert_int_equal(len, wlen);
		assert_memory_equal(got, want, wlen);
	}
	free(want);
	free(got);
}

/* Overwrite half of the newest copy of a device's table, as a torn write would. */
static void
bd_tear_newest(const char *dev)
{
	char     *buf = malloc(2 * DSS_DEVTAB_COPY_BYTES);
	uint64_t  g0, g1;
	int       fd  = open(dev, O_RDWR);
	off_t     at;

	assert_non_null(buf);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, 2 * DSS_DEVTAB_COPY_BYTES, 0),
			 (ssize_t)(2 * DSS_DEVTAB_COPY_BYTES));
	memcpy(&g0, buf + 16, 8);
	memcpy(&g1, buf + DSS_DEVTAB_COPY_BYTES + 16, 8);
	at = g1 > g0 ? DSS_DEVTAB_COPY_BYTES : 0;
	/* the magic stays: a torn copy, not a missing one */
	memset(buf, 0, 48);
	assert_int_equal(pwrite(fd, buf, 48, at + 32), 48);
	assert_int_equal(fsync(fd), 0);
	close(fd);
	free(buf);
}

static void
bd_damage_link(const uuid_t pool)
{
	char path[PATH_MAX + 64], us[40];
	int  fd;

	uuid_unparse_lower(pool, us);
	snprintf(path, sizeof(path), "%s/tgt1/%s/data", bd_ctl, us);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "dstor-bio-slice 1\n/dev/null\n0\n4096\n", 36), 36);
	close(fd);
}

static void
test_bdev(void **state)
{
	struct srv     sv = {0};
	struct dc_sys *sys;
	uuid_t         pool, other, poh, cont, coh;
	uint32_t       sl[3];
	uint64_t       free0, free1;
	char           cmd[PATH_MAX + 16];

	(void)state;
	sv.sv_port = srv_free_port();
	bd_write_cfg(sv.sv_port);

	/* blank control directory: waits for a format, which writes the tables */
	bd_start(&sv);
	sys = srv_attach(&sv);
	assert_int_equal(bd_format(sys, false), 0);
	bd_slices(sys, sl, &free0);
	assert_int_equal(sl[0] + sl[1] + sl[2], 0);
	assert_int_equal(srv_pool_create(sys, "bd", 256ULL << 20, pool), 0);
	assert_int_equal(srv_pool_create(sys, "bd2", 128ULL << 20, other), 0);
	bd_slices(sys, sl, &free1);
	assert_int_equal(sl[0], 2 * BD_TARGETS);
	assert_int_equal(sl[2], 2 * BD_TARGETS);
	assert_true(free1 < free0);
	/* bigger than the DATA device: refused, nothing left allocated */
	assert_int_equal(srv_pool_create(sys, "huge", 4ULL << 30, other), -DER_NOSPACE);
	bd_slices(sys, sl, NULL);
	assert_int_equal(sl[2], 2 * BD_TARGETS);

	assert_int_equal(srv_pool_connect(sys, "bd", poh, pool), 0);
	assert_int_equal(srv_cont_create(sys, pool, poh, "c", cont), 0);
	assert_int_equal(srv_cont_open(sys, pool, poh, "c", DAOS_COO_RW, coh), 0);
	bd_put_all(sys, pool, coh);
	bd_check_all(sys, pool, coh);
	dc_sys_detach(sys);

	/* kill -9: every acknowledged value comes back from the devices */
	srv_stop(&sv, SIGKILL);
	bd_start(&sv);
	sys = srv_attach(&sv);
	assert_int_equal(srv_pool_connect(sys, "bd", poh, pool), 0);
	assert_int_equal(srv_cont_open(sys, pool, poh, "c", DAOS_COO_RW, coh), 0);
	bd_check_all(sys, pool, coh);

	/* destroy gives the slices back, across a restart too */
	{
		struct denc e;
		struct ddec d;
		void       *reply;

		denc_init(&e);
		denc_str(&e, "bd2");
		denc_u32(&e, 1);
		assert_int_equal(srv_call(sys, 0, DSP_MGMT_POOL_DESTROY, &e, &d, &reply), 0);
		D_FREE(reply);
	}
	bd_slices(sys, sl, NULL);
	assert_int_equal(sl[1], BD_TARGETS);
	dc_sys_detach(sys);
	srv_stop(&sv, SIGTERM);
	/* a torn last update of the DATA device's table (the destroy's): the older
	 * copy still lists bd2's slices, which the start frees again; a damaged slice
	 * link is written again from the tables */
	bd_tear_newest(bd_loop[2]);
	bd_damage_link(pool);
	bd_start(&sv);
	sys = srv_attach(&sv);
	bd_slices(sys, sl, NULL);
	assert_int_equal(sl[0], BD_TARGETS);
	assert_int_equal(srv_pool_connect(sys, "bd", poh, pool), 0);
	assert_int_equal(srv_cont_open(sys, pool, poh, "c", DAOS_COO_RW, coh), 0);
	bd_check_all(sys, pool, coh);
	dc_sys_detach(sys);
	srv_stop(&sv, SIGTERM);

	/* another control directory: the devices are foreign to it, and its format
	 * refuses them without force */
	snprintf(cmd, sizeof(cmd), "rm -rf %s", bd_ctl);
	assert_int_equal(system(cmd), 0);
	bd_start(&sv);
	sys = srv_attach(&sv);
	assert_int_equal(bd_format(sys, false), -DER_EXIST);
	assert_int_equal(bd_format(sys, true), 0);
	bd_slices(sys, sl, NULL);
	assert_int_equal(sl[0] + sl[1] + sl[2], 0);
	assert_int_equal(srv_pool_create(sys, "again", 128ULL << 20, pool), 0);
	dc_sys_detach(sys);
	srv_stop(&sv, SIGTERM);
}

static int
bd_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	bd_detach();
	if (getenv("SRV_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", bd_tmp);
		if (system(cmd) != 0)
			print_message("could not remove %s\n", bd_tmp);
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_bdev, bd_teardown),
	};
	int i;

	if (geteuid() != 0 || access("/dev/loop-control", F_OK) != 0 ||
	    system("command -v losetup >/dev/null 2>&1") != 0) {
		printf("SKIP: needs root and loop devices (losetup)\n");
		return 77;
	}
	snprintf(bd_tmp, sizeof(bd_tmp), "/tmp/srv_bdev.XXXXXX");
	if (mkdtemp(bd_tmp) == NULL)
		return 1;
	snprintf(bd_cfg, sizeof(bd_cfg), "%s/daos_server.yml", bd_tmp);
	snprintf(bd_ctl, sizeof(bd_ctl), "%s/ctl", bd_tmp);
	atexit(bd_detach);
	signal(SIGINT, bd_on_signal);
	signal(SIGTERM, bd_on_signal);
	for (i = 0; i < 3; i++) {
		if (!bd_attach(i)) {
			printf("SKIP: losetup could not attach a loop device\n");
			bd_teardown(NULL);
			return 77;
		}
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
