/*
 * daos_server end to end, as a client sees it: real server processes on
 * 127.0.0.1, the pool, container and object services over UCX.
 * - lifecycle: pools and containers with their error paths, values inline
 *   and by bulk, checksums verified by the server, clean stop and restart
 *   (everything is still there);
 * - crash: a writer process streams acknowledged updates while the server is
 *   killed with SIGKILL at random moments; after each restart every
 *   acknowledged value is there byte for byte (SRV_CRASH_KILLS rounds);
 * - fuzz: random and mutated bodies for every opcode; the server neither
 *   crashes nor stops answering (SRV_FUZZ_N messages).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gurt/common.h>
#include "srv_harness.h"

#define BIG (1u << 20) /* a value that goes by bulk */

static struct srv srv_main;

static void
val_fill(uint32_t i, uint8_t *buf, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++)
		buf[k] = (uint8_t)(i * 131 + k * 7 + (k >> 10));
}

/* Every 7th value is large (DATA region), the rest inline; bounded so the
 * 64 KiB buffers hold any key the long crash run reaches. */
static size_t
val_len(uint32_t i)
{
	return i % 7 == 0 ? 3 * 4096 + 5 * (i % 8192) : 10 + i % 300;
}

static int
setup(void **state)
{
	char tmpl[] = "/tmp/srv_io.XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(srv_main.sv_dir, sizeof(srv_main.sv_dir), "%s/data", tmpl);
	srv_main.sv_targets = 2;
	srv_main.sv_port    = srv_free_port();
	srv_start(&srv_main);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	srv_stop(&srv_main, SIGTERM);
	if (getenv("SRV_KEEP") != NULL) {
		print_message("kept %s\n", srv_main.sv_dir);
		return 0;
	}
	/* the data dir's parent is ours alone */
	snprintf(cmd, sizeof(cmd), "rm -rf %.*s", (int)(strrchr(srv_main.sv_dir, '/') - srv_main.sv_dir),
		 srv_main.sv_dir);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", srv_main.sv_dir);
	return 0;
}

static void
test_lifecycle(void **state)
{
	struct dc_sys *sys;
	uuid_t         pool, poh, cont, coh, rocoh, bad, other;
	daos_obj_id_t  oid  = {.lo = 7, .hi = 0};
	uint8_t       *big  = NULL, *back = NULL;
	char           small[64], got[64];
	size_t         len;

	(void)state;
	D_ALLOC(big, BIG);
	D_ALLOC(back, BIG);
	assert_non_null(big);
	assert_non_null(back);
	val_fill(1, big, BIG);
	sys = srv_attach(&srv_main);
	assert_int_equal(srv_pool_create(sys, "tank", 256ull << 20, pool), 0);
	assert_int_equal(srv_pool_create(sys, "tank", 256ull << 20, other), -DER_EXIST);
	assert_int_equal(srv_pool_connect(sys, "nosuchpool", poh, other), -DER_NONEXIST);
	assert_int_equal(srv_pool_connect(sys, "tank", poh, other), 0);
	assert_int_equal(uuid_compare(pool, other), 0);

	assert_int_equal(srv_cont_create(sys, pool, poh, "c1", cont), 0);
	assert_int_equal(srv_cont_create(sys, pool, poh, "c1", other), -DER_EXIST);
	assert_int_equal(srv_cont_open(sys, pool, poh, "nosuchcont", DAOS_COO_RW, coh),
			 -DER_NONEXIST);
	uuid_generate(bad);
	assert_int_equal(srv_cont_open(sys, pool, bad, "c1", DAOS_COO_RW, coh), -DER_NO_HDL);
	assert_int_equal(srv_cont_open(sys, pool, poh, "c1", DAOS_COO_RW, coh), 0);
	assert_int_equal(srv_cont_open(sys, pool, poh, "c1", DAOS_COO_RO, rocoh), 0);

	/* inline and bulk values, on both targets */
	snprintf(small, sizeof(small), "hello, storage");
	assert_int_equal(srv_obj_put(sys, 0, pool, coh, oid, "k1", small, strlen(small), false), 0);
	assert_int_equal(srv_obj_put(sys, 1, pool, coh, oid, "k2", big, BIG, false), 0);
	assert_int_equal(srv_obj_get(sys, 0, pool, coh, oid, "k1", got, sizeof(got), &len), 0);
	assert_int_equal(len, strlen(small));
	assert_memory_equal(got, small, len);
	assert_int_equal(srv_obj_get(sys, 1, pool, coh, oid, "k2", back, BIG, &len), 0);
	assert_int_equal(len, BIG);
	assert_memory_equal(back, big, BIG);
	/* a buffer too small for the value: sizes come back, not data */
	assert_int_equal(srv_obj_get(sys, 1, pool, coh, oid, "k2", back, 100, &len), -DER_REC2BIG);
	/* a missing key reads as empty */
	assert_int_equal(srv_obj_get(sys, 0, pool, coh, oid, "nokey", got, sizeof(got), &len), 0);
	assert_int_equal(len, 0);

	/* error paths of the object service */
	assert_int_equal(srv_obj_put(sys, 0, pool, coh, oid, "k3", small, 10, true), -DER_CSUM);
	assert_int_equal(srv_obj_get(sys, 0, pool, coh, oid, "k3", got, sizeof(got), &len), 0);
	assert_int_equal(len, 0); /* the rejected update left nothing */
	assert_int_equal(srv_obj_put(sys, 0, pool, rocoh, oid, "k3", small, 10, false),
			 -DER_NO_PERM);
	assert_int_equal(srv_obj_put(sys, 0, pool, bad, oid, "k3", small, 10, false), -DER_NO_HDL);

	/* a container with open handles is busy */
	{
		struct denc e;
		struct ddec d;
		void       *reply;

		denc_init(&e);
		denc_uuid(&e, pool);
		denc_uuid(&e, poh);
		denc_str(&e, "c1");
		denc_u32(&e, 0);
		assert_int_equal(srv_call(sys, 0, DSP_CONT_DESTROY, &e, &d, &reply), -DER_BUSY);
		D_FREE(reply);
	}
	dc_sys_detach(sys);

	/* clean stop and restart: pools, containers and data are all there */
	srv_stop(&srv_main, SIGTERM);
	srv_start(&srv_main);
	sys = srv_attach(&srv_main);
	assert_int_equal(srv_pool_connect(sys, "tank", poh, other), 0);
	assert_int_equal(srv_cont_open(sys, pool, poh, "c1", DAOS_COO_RW, coh), 0);
	assert_int_equal(srv_obj_get(sys, 0, pool, coh, oid, "k1", got, sizeof(got), &len), 0);
	assert_int_equal(len, strlen(small));
	assert_memory_equal(got, small, len);
	assert_int_equal(srv_obj_get(sys, 1, pool, coh, oid, "k2", back, BIG, &len), 0);
	assert_int_equal(len, BIG);
	assert_memory_equal(back, big, BIG);
	dc_sys_detach(sys);
	D_FREE(big);
	D_FREE(back);
}

/* ---- crash ---- */

struct crash_ctx {
	uuid_t pool;
	uuid_t cont;
};

/* The writer: updates key after key (alternating targets), writes each
 * acknowledged key number to fd, until an update fails. */
static void
crash_writer(struct crash_ctx *cc, uint32_t first, int fd)
{
	struct dc_sys *sys;
	daos_obj_id_t  oid = {.lo = 99, .hi = 0};
	uuid_t         poh, coh, p;
	uint8_t       *buf;
	char           key[32];
	uint32_t       i;

	if (dc_sys_attach("127.0.0.1", srv_main.sv_port, &sys) != 0)
		_exit(2);
	dc_sys_set_timeout(sys, 5000);
	if (srv_pool_connect(sys, "crashpool", poh, p) != 0 ||
	    srv_cont_open(sys, cc->pool, poh, "crashcont", DAOS_COO_RW, coh) != 0)
		_exit(3);
	buf = malloc(1 << 16);
	for (i = first;; i++) {
		size_t n = val_len(i);

		val_fill(i, buf, n);
		snprintf(key, sizeof(key), "key%u", i);
		if (srv_obj_put(sys, (int)(i % 2), cc->pool, coh, oid, key, buf, n, false) != 0)
			break;
		if (write(fd, &i, sizeof(i)) != sizeof(i))
			break;
	}
	_exit(0);
}

/* Every key below upto must be whole, except the ones in flight at a kill
 * (maybe[i]): those may be absent, but never torn. */
static void
crash_verify(struct crash_ctx *cc, uint32_t upto, const bool *maybe)
{
	struct dc_sys *sys;
	daos_obj_id_t  oid = {.lo = 99, .hi = 0};
	uuid_t         poh, coh, p;
	uint8_t       *buf, *want;
	char           key[32];
	uint32_t       i;
	size_t         len;

	buf  = malloc(1 << 16);
	want = malloc(1 << 16);
	sys  = srv_attach(&srv_main);
	assert_int_equal(srv_pool_connect(sys, "crashpool", poh, p), 0);
	assert_int_equal(srv_cont_open(sys, cc->pool, poh, "crashcont", DAOS_COO_RW, coh), 0);
	for (i = 0; i < upto; i++) {
		snprintf(key, sizeof(key), "key%u", i);
		assert_int_equal(srv_obj_get(sys, (int)(i % 2), cc->pool, coh, oid, key, buf,
					     1 << 16, &len),
				 0);
		if (maybe[i] && len == 0)
			continue;
		assert_int_equal(len, val_len(i));
		val_fill(i, want, len);
		assert_memory_equal(buf, want, len);
	}
	dc_sys_detach(sys);
	free(buf);
	free(want);
}

#define CRASH_KEYS_MAX (1u << 20)

static void
test_crash(void **state)
{
	struct crash_ctx cc;
	struct dc_sys   *sys;
	uuid_t           poh, p;
	bool            *maybe;
	uint32_t         kills = 3, round, next = 0;

	(void)state;
	d_getenv_uint32_t("SRV_CRASH_KILLS", &kills);
	maybe = calloc(CRASH_KEYS_MAX, sizeof(*maybe));
	assert_non_null(maybe);
	sys = srv_attach(&srv_main);
	assert_int_equal(srv_pool_create(sys, "crashpool", 128ull << 20, cc.pool), 0);
	assert_int_equal(srv_pool_connect(sys, "crashpool", poh, p), 0);
	assert_int_equal(srv_cont_create(sys, cc.pool, poh, "crashcont", cc.cont), 0);
	dc_sys_detach(sys);

	for (round = 0; round < kills && next + 100000 < CRASH_KEYS_MAX; round++) {
		int      fds[2];
		pid_t    w;
		uint32_t k, last = next;
		bool     any = false;

		assert_int_equal(pipe(fds), 0);
		w = fork();
		assert_true(w >= 0);
		if (w == 0) {
			close(fds[0]);
			crash_writer(&cc, next, fds[1]);
		}
		close(fds[1]);
		/* let it write for a random while, then kill the server under it */
		usleep(100000 + d_rand() % 400000);
		srv_stop(&srv_main, SIGKILL);
		while (read(fds[0], &k, sizeof(k)) == sizeof(k)) {
			assert_int_equal(k, any ? last + 1 : next);
			last = k;
			any  = true;
		}
		close(fds[0]);
		waitpid(w, NULL, 0);
		/* the key after the last acknowledged one was in flight */
		next        = any ? last + 1 : next;
		maybe[next] = true;
		next++;
		srv_start(&srv_main);
		crash_verify(&cc, next, maybe);
		print_message("kill %u: %u keys written so far, all acknowledged ones intact\n",
			      round + 1, next);
	}
	free(maybe);
}

/* ---- fuzz ---- */

static const uint16_t fuzz_opcodes[] = {
	DSP_MGMT_SYS_QUERY, DSP_MGMT_STORAGE_QUERY, DSP_MGMT_POOL_CREATE, DSP_MGMT_POOL_DESTROY,
	DSP_MGMT_POOL_LIST, DSP_MGMT_POOL_EVICT, DSP_MGMT_POOL_GET_PROP, DSP_MGMT_POOL_SET_PROP,
	DSP_POOL_CONNECT, DSP_POOL_DISCONNECT, DSP_POOL_QUERY, DSP_POOL_LIST_CONT,
	DSP_CONT_CREATE, DSP_CONT_DESTROY, DSP_CONT_OPEN, DSP_CONT_CLOSE, DSP_CONT_QUERY,
	DSP_CONT_SET_PROP, DSP_CONT_ATTR_LIST, DSP_CONT_ATTR_GET, DSP_CONT_ATTR_SET,
	DSP_CONT_ATTR_DEL, DSP_CONT_SNAP_CREATE, DSP_CONT_SNAP_LIST, DSP_CONT_SNAP_DESTROY,
	DSP_CONT_ALLOC_OIDS, DSP_CONT_LIST, DOP_UPDATE, DOP_FETCH, DOP_PUNCH, DOP_LIST_DKEY,
	DOP_LIST_AKEY, DOP_LIST_RECX, DOP_QUERY_KEY, 999,
};

static void
test_fuzz(void **state)
{
	struct dc_sys *sys;
	uuid_t         pool, poh, cont, coh, p;
	uint32_t       n = 3000, i, ok = 0;
	uint8_t        body[512];

	(void)state;
	d_getenv_uint32_t("SRV_FUZZ_N", &n);
	sys = srv_attach(&srv_main);
	dc_sys_set_timeout(sys, 10000);
	assert_int_equal(srv_pool_create(sys, "fuzzpool", 64ull << 20, pool), 0);
	assert_int_equal(srv_pool_connect(sys, "fuzzpool", poh, p), 0);
	assert_int_equal(srv_cont_create(sys, pool, poh, "fuzzcont", cont), 0);
	assert_int_equal(srv_cont_open(sys, pool, poh, "fuzzcont", DAOS_COO_RW, coh), 0);
	d_srand(1234);
	for (i = 0; i < n; i++) {
		uint16_t opc    = fuzz_opcodes[d_rand() % ARRAY_SIZE(fuzz_opcodes)];
		uint32_t len    = d_rand() % sizeof(body);
		int      worker = opc >= DOP_UPDATE ? 1 + d_rand() % 2 : 0;
		void    *reply  = NULL;
		uint32_t rlen, k;
		int      rc;

		for (k = 0; k < len; k++)
			body[k] = (uint8_t)d_rand();
		/* half the time, start like a real request so the decoders go deeper */
		if (len >= 32 && d_rand() % 2 == 0) {
			memcpy(body, pool, 16);
			memcpy(body + 16, opc >= DSP_CONT_CREATE && opc != DSP_CONT_CREATE &&
						  opc != DSP_CONT_DESTROY && opc != DSP_CONT_OPEN &&
						  opc != DSP_CONT_LIST
					      ? coh
					      : poh,
			       16);
			if (opc >= DOP_UPDATE)
				memcpy(body + 16, coh, 16);
		}
		/* never destroy or close our own handles by chance: those are valid
		 * requests, not malformed ones */
		if (opc == DSP_MGMT_POOL_DESTROY || opc == DSP_CONT_DESTROY ||
		    ((opc == DSP_CONT_CLOSE || opc == DSP_POOL_DISCONNECT) && len >= 32 &&
		     memcmp(body, pool, 16) == 0))
			continue;
		rc = dc_sys_call(sys, worker, opc, body, len, NULL, &reply, &rlen);
		D_FREE(reply);
		assert_true(rc != -DER_TIMEDOUT && rc != -DER_UNREACH);
		if (rc == 0)
			ok++;
	}
	print_message("%u fuzzed requests, %u accepted\n", n, ok);
	/* still serving, and the pool still works */
	{
		char   got[16];
		size_t len;

		assert_int_equal(srv_obj_put(sys, 0, pool, coh, (daos_obj_id_t){.lo = 1}, "k",
					     "after", 5, false),
				 0);
		assert_int_equal(srv_obj_get(sys, 0, pool, coh, (daos_obj_id_t){.lo = 1}, "k", got,
					     sizeof(got), &len),
				 0);
		assert_int_equal(len, 5);
	}
	dc_sys_detach(sys);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lifecycle),
	    cmocka_unit_test(test_crash),
	    cmocka_unit_test(test_fuzz),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("srv_io", tests, setup, teardown);
}
