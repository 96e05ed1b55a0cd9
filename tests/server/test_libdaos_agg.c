/*
 * Aggregation on a real daos_server, through libdaos, with a short lag
 * (DSTOR_AGG_LAG_MS) so it acts within the test:
 * - overwritten 1 MiB values give their DATA space back, the latest value
 *   stays whole;
 * - a snapshot keeps its version (readable at its epoch) until it is
 *   destroyed, then that space comes back too;
 * - a transaction older than the lag restarts, for its reads and its
 *   commit, and succeeds once restarted;
 * - the pool's reclaim property set to disabled stops it, lazy resumes it;
 * - after kill -9 and a restart, values and a snapshot are intact and
 *   aggregation goes on;
 * - daos_cont_aggregate merges at once, on a server whose lag (60 s) would
 *   not act within the test, and a transaction older than it restarts.
 * Space is waited for with a deadline, never timed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>
#include <daos.h>
#include <gurt/common.h>
#include "srv_harness.h"

#define AG_LAG_MS  "300"
#define AG_VAL     (1u << 20)
#define AG_WAIT_MS 20000

static struct srv    ag_srv;
static daos_handle_t ag_poh, ag_coh, ag_oh;

static void
ag_open(void)
{
	daos_obj_id_t oid = {.lo = 7, .hi = 0};

	assert_int_equal(daos_pool_connect("ap", NULL, DAOS_PC_RW, &ag_poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_open(ag_poh, "ac", DAOS_COO_RW, &ag_coh, NULL, NULL), 0);
	/* one shard: every version lands on one target */
	assert_int_equal(daos_obj_generate_oid(ag_coh, &oid, 0, OC_S1, 0, 0), 0);
	assert_int_equal(daos_obj_open(ag_coh, oid, DAOS_OO_RW, &ag_oh, NULL), 0);
}

static int
setup(void **state)
{
	(void)state;
	setenv("DSTOR_AGG_LAG_MS", AG_LAG_MS, 1);
	srv_new(&ag_srv, "libdaos_agg", 2, "ap", 512ull << 20);
	assert_int_equal(daos_init(), 0);
	assert_int_equal(daos_pool_connect("ap", NULL, DAOS_PC_RW, &ag_poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_with_label(ag_poh, "ac", NULL, NULL, NULL), 0);
	assert_int_equal(daos_pool_disconnect(ag_poh, NULL), 0);
	ag_open();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(daos_obj_close(ag_oh, NULL), 0);
	assert_int_equal(daos_cont_close(ag_coh, NULL), 0);
	assert_int_equal(daos_pool_disconnect(ag_poh, NULL), 0);
	assert_int_equal(daos_fini(), 0);
	srv_stop(&ag_srv, SIGTERM);
	srv_rmdir(&ag_srv);
	return 0;
}

/* ---- helpers ---- */

/* Bytes of DATA in use in the pool. */
static uint64_t
ag_used(void)
{
	daos_pool_info_t info = {.pi_bits = DPI_SPACE};

	assert_int_equal(daos_pool_query(ag_poh, NULL, &info, NULL, NULL), 0);
	return info.pi_space.ps_space.s_total[DAOS_MEDIA_NVME] -
	       info.pi_space.ps_space.s_free[DAOS_MEDIA_NVME];
}

/* Wait (bounded) until at most limit bytes more than base are in use. */
static uint64_t
ag_wait_used(uint64_t base, uint64_t limit)
{
	uint64_t used = 0;
	int      waited;

	for (waited = 0; waited < AG_WAIT_MS; waited += 100) {
		used = ag_used();
		if (used <= base + limit)
			return used;
		usleep(100 * 1000);
	}
	fail_msg("DATA in use stayed at %" PRIu64 " bytes, above %" PRIu64 " + %" PRIu64, used,
		 base, limit);
	return used;
}

struct ag_io {
	daos_key_t  dkey;
	daos_iod_t  iod;
	d_sg_list_t sgl;
	d_iov_t     iov;
	char        key[32];
};

static void
ag_io_init(struct ag_io *io, const char *dkey, void *buf, size_t len)
{
	memset(io, 0, sizeof(*io));
	snprintf(io->key, sizeof(io->key), "%s", dkey);
	d_iov_set(&io->dkey, io->key, strlen(io->key));
	d_iov_set(&io->iod.iod_name, "v", 1);
	io->iod.iod_type = DAOS_IOD_SINGLE;
	io->iod.iod_size = len;
	io->iod.iod_nr   = 1;
	d_iov_set(&io->iov, buf, len);
	io->sgl.sg_nr   = 1;
	io->sgl.sg_iovs = &io->iov;
}

/* A 1 MiB value every byte of which is gen. */
static int
ag_put(daos_handle_t th, const char *dkey, uint8_t gen)
{
	struct ag_io io;
	uint8_t     *buf = malloc(AG_VAL);
	int          rc;

	assert_non_null(buf);
	memset(buf, gen, AG_VAL);
	ag_io_init(&io, dkey, buf, AG_VAL);
	rc = daos_obj_update(ag_oh, th, 0, &io.dkey, 1, &io.iod, &io.sgl, NULL);
	free(buf);
	return rc;
}

/* The value's generation (every byte checked), 0 when absent, or an error. */
static int
ag_get(daos_handle_t th, const char *dkey, uint8_t *gen)
{
	struct ag_io io;
	uint8_t     *buf = calloc(1, AG_VAL);
	uint32_t     i;
	int          rc;

	assert_non_null(buf);
	ag_io_init(&io, dkey, buf, AG_VAL);
	io.iod.iod_size = DAOS_REC_ANY;
	rc = daos_obj_fetch(ag_oh, th, 0, &io.dkey, 1, &io.iod, &io.sgl, NULL, NULL);
	*gen = 0;
	if (rc == 0 && io.iod.iod_size != 0) {
		assert_int_equal(io.iod.iod_size, AG_VAL);
		for (i = 1; i < AG_VAL; i++)
			if (buf[i] != buf[0])
				fail_msg("%s: byte %u is %u, byte 0 is %u (torn)", dkey, i, buf[i],
					 buf[0]);
		*gen = buf[0];
	}
	free(buf);
	return rc;
}

static uint8_t
ag_latest(const char *dkey)
{
	uint8_t g;

	assert_int_equal(ag_get(DAOS_TX_NONE, dkey, &g), 0);
	return g;
}

static uint8_t
ag_at(daos_epoch_t epoch, const char *dkey)
{
	daos_handle_t th;
	uint8_t       g;

	assert_int_equal(daos_tx_open_snap(ag_coh, epoch, &th, NULL), 0);
	assert_int_equal(ag_get(th, dkey, &g), 0);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	return g;
}

static void
ag_reclaim(uint64_t mode)
{
	struct dc_sys   *sys = srv_attach(&ag_srv);
	struct dsp_props p   = {0};
	struct denc      e;
	struct ddec      d;
	void            *reply = NULL;

	assert_int_equal(dsp_props_set_val(&p, DAOS_PROP_PO_RECLAIM, mode), 0);
	denc_init(&e);
	denc_str(&e, "ap");
	dsp_props_encode(&e, &p);
	assert_int_equal(srv_call(sys, 0, DSP_MGMT_POOL_SET_PROP, &e, &d, &reply), 0);
	free(reply);
	dsp_props_fini(&p);
	dc_sys_detach(sys);
}

/* ---- tests ---- */

static void
test_overwrites_reclaimed(void **state)
{
	uint64_t base = ag_used();
	int      i;

	(void)state;
	for (i = 1; i <= 30; i++)
		assert_int_equal(ag_put(DAOS_TX_NONE, "over", (uint8_t)i), 0);
	assert_true(ag_used() >= base + 8ull * AG_VAL); /* not all gone at once */
	ag_wait_used(base, 2ull * AG_VAL);
	assert_int_equal(ag_latest("over"), 30);
}

static void
test_snapshot_kept(void **state)
{
	daos_epoch_range_t epr;
	daos_epoch_t       snap;
	uint64_t           base = ag_used();
	int                i;

	(void)state;
	assert_int_equal(ag_put(DAOS_TX_NONE, "snap", 1), 0);
	assert_int_equal(daos_cont_create_snap(ag_coh, &snap, NULL, NULL), 0);
	for (i = 2; i <= 12; i++)
		assert_int_equal(ag_put(DAOS_TX_NONE, "snap", (uint8_t)i), 0);
	/* the snapshot's version and the latest stay */
	ag_wait_used(base, 3ull * AG_VAL);
	usleep(1000 * 1000); /* several passes more: the snapshot's version survives them */
	assert_true(ag_used() >= base + 2ull * AG_VAL);
	assert_int_equal(ag_at(snap, "snap"), 1);
	assert_int_equal(ag_latest("snap"), 12);

	epr.epr_lo = epr.epr_hi = snap;
	assert_int_equal(daos_cont_destroy_snap(ag_coh, epr, NULL), 0);
	ag_wait_used(base, 1ull * AG_VAL + AG_VAL / 2);
	assert_int_equal(ag_latest("snap"), 12);
}

static void
test_old_tx_restarts(void **state)
{
	daos_handle_t th;
	uint8_t       g;

	(void)state;
	assert_int_equal(ag_put(DAOS_TX_NONE, "tx", 1), 0);
	assert_int_equal(daos_tx_open(ag_coh, &th, 0, NULL), 0);
	assert_int_equal(ag_get(th, "tx", &g), 0);
	assert_int_equal(g, 1);
	usleep(1500 * 1000); /* well past the lag: aggregation may pass the epoch */
	assert_int_equal(ag_get(th, "tx", &g), -DER_TX_RESTART);
	assert_int_equal(daos_tx_restart(th, NULL), 0);

	assert_int_equal(ag_get(th, "tx", &g), 0);
	assert_int_equal(ag_put(th, "tx", 2), 0);
	usleep(1500 * 1000);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_TX_RESTART);
	assert_int_equal(ag_latest("tx"), 1);
	assert_int_equal(daos_tx_restart(th, NULL), 0);
	assert_int_equal(ag_get(th, "tx", &g), 0);
	assert_int_equal(ag_put(th, "tx", 3), 0);
	assert_int_equal(daos_tx_commit(th, NULL), 0);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(ag_latest("tx"), 3);
}

static void
test_reclaim_disabled(void **state)
{
	uint64_t base = ag_used();
	int      i;

	(void)state;
	ag_reclaim(DAOS_RECLAIM_DISABLED);
	for (i = 1; i <= 10; i++)
		assert_int_equal(ag_put(DAOS_TX_NONE, "keep", (uint8_t)i), 0);
	usleep(1500 * 1000);
	assert_true(ag_used() >= base + 10ull * AG_VAL);
	ag_reclaim(DAOS_RECLAIM_LAZY);
	ag_wait_used(base, 2ull * AG_VAL);
	assert_int_equal(ag_latest("keep"), 10);
}

static void
test_kill9_restart(void **state)
{
	daos_epoch_t snap;
	uint64_t     base = ag_used();
	int          i;

	(void)state;
	assert_int_equal(ag_put(DAOS_TX_NONE, "crash", 1), 0);
	assert_int_equal(daos_cont_create_snap(ag_coh, &snap, NULL, NULL), 0);
	for (i = 2; i <= 10; i++)
		assert_int_equal(ag_put(DAOS_TX_NONE, "crash", (uint8_t)i), 0);
	srv_stop(&ag_srv, SIGKILL);
	srv_start(&ag_srv);
	dc_sys_detach(srv_attach(&ag_srv));
	/* the new server may not know the old handles: close them locally */
	(void)daos_obj_close(ag_oh, NULL);
	(void)daos_cont_close(ag_coh, NULL);
	(void)daos_pool_disconnect(ag_poh, NULL);
	ag_open();
	ag_wait_used(base, 3ull * AG_VAL);
	assert_int_equal(ag_at(snap, "crash"), 1);
	assert_int_equal(ag_latest("crash"), 10);
	assert_int_equal(ag_latest("over"), 30);
	assert_int_equal(ag_latest("tx"), 3);
}

static void
test_aggregate_now(void **state)
{
	daos_handle_t th;
	uint64_t      base;
	uint8_t       g;
	int           i;

	(void)state;
	assert_int_equal(daos_obj_close(ag_oh, NULL), 0);
	assert_int_equal(daos_cont_close(ag_coh, NULL), 0);
	assert_int_equal(daos_pool_disconnect(ag_poh, NULL), 0);
	srv_stop(&ag_srv, SIGTERM);
	setenv("DSTOR_AGG_LAG_MS", "60000", 1);
	srv_start(&ag_srv);
	dc_sys_detach(srv_attach(&ag_srv));
	ag_open();

	base = ag_used();
	for (i = 1; i <= 8; i++)
		assert_int_equal(ag_put(DAOS_TX_NONE, "now", (uint8_t)i), 0);
	assert_int_equal(daos_tx_open(ag_coh, &th, 0, NULL), 0);
	assert_int_equal(ag_get(th, "now", &g), 0);
	assert_int_equal(g, 8);
	usleep(1000 * 1000);
	assert_true(ag_used() >= base + 8ull * AG_VAL); /* the lag holds it back */
	assert_int_equal(daos_cont_aggregate(ag_coh, 0, NULL), 0);
	ag_wait_used(base, 1ull * AG_VAL + AG_VAL / 2);
	assert_int_equal(ag_latest("now"), 8);
	assert_int_equal(ag_get(th, "now", &g), -DER_TX_RESTART);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(daos_cont_aggregate(DAOS_HDL_INVAL, 0, NULL), -DER_NO_HDL);
	assert_int_equal(daos_cont_aggregate(ag_coh, DAOS_EPOCH_MAX, NULL), -DER_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_overwrites_reclaimed), cmocka_unit_test(test_snapshot_kept),
	    cmocka_unit_test(test_old_tx_restarts),      cmocka_unit_test(test_reclaim_disabled),
	    cmocka_unit_test(test_kill9_restart),        cmocka_unit_test(test_aggregate_now),
	};

	return cmocka_run_group_tests_name("libdaos_agg", tests, setup, teardown);
}
