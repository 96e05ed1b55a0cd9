/*
 * libdaos across server restarts: pool and container handles live in the
 * server's system database, so an application that connected and opened
 * before a restart (clean SIGTERM or kill -9) goes on with the same handles,
 * and libdaos sends again what the restart interrupted.
 * - the same handles read back and write after a clean restart and after a
 *   kill -9, then close and disconnect cleanly;
 * - updates, a connect and an open in flight when the server dies complete
 *   once it is back (a repeated connect or open makes no second handle),
 *   and a call made while it is down waits for it;
 * - a reloaded container handle keeps its container busy (destroy without
 *   force: -DER_BUSY), a reloaded pool handle its pool;
 * - evict after a restart drops the reloaded handles, for good;
 * - handles whose open reply never reached anyone (left behind) are
 *   reloaded, counted and evicted like the others.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <daos.h>
#include <gurt/common.h>
#include "srv_harness.h"

#define NKEYS 24

static struct srv srv_r;

static int
setup(void **state)
{
	(void)state;
	srv_new(&srv_r, "libdaos_restart", 2, "rp", 256ull << 20);
	assert_int_equal(daos_init(), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(daos_fini(), 0);
	srv_stop(&srv_r, SIGTERM);
	srv_rmdir(&srv_r);
	return 0;
}

/* Stop the server (SIGTERM: cleanly; SIGKILL: a crash) and start it again;
 * wait: until it answers (else the next call finds it starting). */
static void
restart(int sig, bool wait)
{
	srv_stop(&srv_r, sig);
	srv_start(&srv_r);
	if (wait)
		dc_sys_detach(srv_attach(&srv_r));
}

/* ---- administrator's calls, through dc_sys as dmg makes them ---- */

/* The handles the pool service counts for pool label (-1: no such pool). */
static int
pool_nhandles(const char *label)
{
	struct dsp_pool_info pi;
	struct dc_sys       *sys = srv_attach(&srv_r);
	struct denc          e;
	struct ddec          d;
	void                *reply;
	uint32_t             n, i;
	int                  found = -1;

	denc_init(&e);
	assert_int_equal(srv_call(sys, 0, DSP_MGMT_POOL_LIST, &e, &d, &reply), 0);
	n = ddec_u32(&d);
	for (i = 0; i < n; i++) {
		dsp_pool_info_decode(&d, &pi);
		if (strcmp(pi.pi_label, label) == 0)
			found = (int)pi.pi_nhandles;
	}
	assert_int_equal(ddec_finish(&d), 0);
	D_FREE(reply);
	dc_sys_detach(sys);
	return found;
}

/* dmg pool evict: the number of pool handles dropped, or an error. */
static int
pool_evict(const char *label)
{
	struct dc_sys *sys = srv_attach(&srv_r);
	struct denc    e;
	struct ddec    d;
	void          *reply;
	int            rc;

	denc_init(&e);
	denc_str(&e, label);
	rc = srv_call(sys, 0, DSP_MGMT_POOL_EVICT, &e, &d, &reply);
	if (rc == 0) {
		rc = (int)ddec_u32(&d);
		assert_int_equal(ddec_finish(&d), 0);
	}
	D_FREE(reply);
	dc_sys_detach(sys);
	return rc;
}

static int
pool_destroy(const char *label, bool force)
{
	struct dc_sys *sys = srv_attach(&srv_r);
	struct denc    e;
	struct ddec    d;
	void          *reply;
	int            rc;

	denc_init(&e);
	denc_str(&e, label);
	denc_u32(&e, force);
	rc = srv_call(sys, 0, DSP_MGMT_POOL_DESTROY, &e, &d, &reply);
	D_FREE(reply);
	dc_sys_detach(sys);
	return rc;
}

/* ---- values: key i of an object holds a value made of (i, gen) ---- */

static size_t
val_len(int i)
{
	/* some inline, some by bulk (above DOP_INLINE_MAX) */
	return i % 3 == 0 ? 64 * 1024 + (size_t)i : 32 + (size_t)i;
}

static void
val_fill(uint8_t *b, int i, int gen)
{
	size_t j, n = val_len(i);

	for (j = 0; j < n; j++)
		b[j] = (uint8_t)(i * 31 + gen * 7 + j * 13 + (j >> 8));
}

struct kv_io {
	char        ki_key[16];
	daos_key_t  ki_dkey;
	daos_iod_t  ki_iod;
	d_iov_t     ki_iov;
	d_sg_list_t ki_sgl;
	uint8_t    *ki_buf;
};

static void
kv_prep(struct kv_io *k, int i, int gen, bool write)
{
	snprintf(k->ki_key, sizeof(k->ki_key), "key%03d", i);
	d_iov_set(&k->ki_dkey, k->ki_key, strlen(k->ki_key));
	memset(&k->ki_iod, 0, sizeof(k->ki_iod));
	d_iov_set(&k->ki_iod.iod_name, "a", 1);
	k->ki_iod.iod_type = DAOS_IOD_SINGLE;
	k->ki_iod.iod_size = write ? val_len(i) : DAOS_REC_ANY;
	k->ki_iod.iod_nr   = 1;
	if (k->ki_buf == NULL)
		k->ki_buf = malloc(val_len(NKEYS * 3) + 64 * 1024);
	assert_non_null(k->ki_buf);
	if (write)
		val_fill(k->ki_buf, i, gen);
	else
		memset(k->ki_buf, 0xee, val_len(i));
	d_iov_set(&k->ki_iov, k->ki_buf, val_len(i));
	k->ki_sgl.sg_nr     = 1;
	k->ki_sgl.sg_nr_out = 0;
	k->ki_sgl.sg_iovs   = &k->ki_iov;
}

static int
put(daos_handle_t oh, int i, int gen)
{
	struct kv_io k = {0};
	int          rc;

	kv_prep(&k, i, gen, true);
	rc = daos_obj_update(oh, DAOS_TX_NONE, 0, &k.ki_dkey, 1, &k.ki_iod, &k.ki_sgl, NULL);
	free(k.ki_buf);
	return rc;
}

/* Fetch key i: 0 and the value is (i, gen), or the error. */
static int
get(daos_handle_t oh, int i, int gen)
{
	struct kv_io k = {0};
	uint8_t     *want;
	int          rc;

	kv_prep(&k, i, gen, false);
	rc = daos_obj_fetch(oh, DAOS_TX_NONE, 0, &k.ki_dkey, 1, &k.ki_iod, &k.ki_sgl, NULL, NULL);
	if (rc == 0) {
		want = malloc(val_len(i));
		val_fill(want, i, gen);
		assert_int_equal(k.ki_iod.iod_size, val_len(i));
		assert_memory_equal(k.ki_buf, want, val_len(i));
		free(want);
	}
	free(k.ki_buf);
	return rc;
}

struct app {
	daos_handle_t poh, coh, oh;
};

static void
app_open(struct app *a, const char *cont, bool create)
{
	daos_obj_id_t oid = {.lo = 7, .hi = 0};

	assert_int_equal(daos_pool_connect("rp", NULL, DAOS_PC_RW, &a->poh, NULL, NULL), 0);
	if (create)
		assert_int_equal(daos_cont_create_with_label(a->poh, cont, NULL, NULL, NULL), 0);
	assert_int_equal(daos_cont_open(a->poh, cont, DAOS_COO_RW, &a->coh, NULL, NULL), 0);
	assert_int_equal(daos_obj_generate_oid(a->coh, &oid, DAOS_OT_MULTI_HASHED, OC_SX, 0, 0), 0);
	assert_int_equal(daos_obj_open(a->coh, oid, DAOS_OO_RW, &a->oh, NULL), 0);
}

static void
app_close(struct app *a)
{
	assert_int_equal(daos_obj_close(a->oh, NULL), 0);
	assert_int_equal(daos_cont_close(a->coh, NULL), 0);
	assert_int_equal(daos_pool_disconnect(a->poh, NULL), 0);
}

/* Everything an application does with its handles, all of which must work. */
static void
app_use(struct app *a, int from, int to, int gen)
{
	daos_cont_info_t cinfo;
	daos_pool_info_t pinfo = {.pi_bits = DPI_SPACE};
	int              i;

	for (i = 0; i < from; i++)
		assert_int_equal(get(a->oh, i, gen), 0);
	for (i = from; i < to; i++)
		assert_int_equal(put(a->oh, i, gen), 0);
	for (i = from; i < to; i++)
		assert_int_equal(get(a->oh, i, gen), 0);
	assert_int_equal(daos_cont_query(a->coh, &cinfo, NULL, NULL), 0);
	assert_true(cinfo.ci_nhandles >= 1);
	assert_int_equal(daos_pool_query(a->poh, NULL, &pinfo, NULL, NULL), 0);
	assert_int_equal(pinfo.pi_ntargets, 2);
}

/* ---- the cases ---- */

static void
test_same_handles(void **state)
{
	struct app a;

	(void)state;
	app_open(&a, "c_same", true);
	app_use(&a, 0, NKEYS / 3, 1);
	restart(SIGTERM, true);
	app_use(&a, NKEYS / 3, 2 * NKEYS / 3, 1);
	restart(SIGKILL, true);
	app_use(&a, 2 * NKEYS / 3, NKEYS, 1);
	/* the next call meets the server still starting: it waits for it */
	restart(SIGKILL, false);
	app_use(&a, NKEYS, NKEYS, 1);
	assert_int_equal(pool_nhandles("rp"), 1);
	app_close(&a);
	assert_int_equal(pool_nhandles("rp"), 0);
	/* and the closed handles do not come back */
	restart(SIGKILL, true);
	assert_int_equal(pool_nhandles("rp"), 0);
	app_open(&a, "c_same", false);
	app_use(&a, NKEYS, NKEYS, 1);
	app_close(&a);
}

/* Updates in flight on an event queue when the server dies complete after it restarts. */
static void
test_in_flight(void **state)
{
	struct kv_io  ios[NKEYS] = {0};
	daos_event_t  evs[NKEYS], *done[NKEYS];
	daos_handle_t eqh;
	struct app    a;
	int           i, n, got = 0, polls = 0;

	(void)state;
	app_open(&a, "c_flight", true);
	assert_int_equal(daos_eq_create(&eqh), 0);
	for (i = 0; i < NKEYS; i++) {
		kv_prep(&ios[i], i, 2, true);
		assert_int_equal(daos_event_init(&evs[i], eqh, NULL), 0);
		assert_int_equal(daos_obj_update(a.oh, DAOS_TX_NONE, 0, &ios[i].ki_dkey, 1,
						 &ios[i].ki_iod, &ios[i].ki_sgl, &evs[i]),
				 0);
	}
	/* some reach the server, some complete, some are cut off */
	usleep(2000);
	restart(SIGKILL, false);
	while (got < NKEYS) {
		n = daos_eq_poll(eqh, 1, 1000 * 1000, NKEYS, done);
		assert_true(n >= 0);
		assert_true(++polls < 90);
		for (i = 0; i < n; i++) {
			if (done[i]->ev_error != 0)
				fail_msg("update in flight across a kill -9: %s",
					 d_errstr(done[i]->ev_error));
			got++;
		}
	}
	for (i = 0; i < NKEYS; i++) {
		assert_int_equal(daos_event_fini(&evs[i]), 0);
		free(ios[i].ki_buf);
		assert_int_equal(get(a.oh, i, 2), 0);
	}
	assert_int_equal(daos_eq_destroy(eqh, 0), 0);
	app_close(&a);
}

/* Wait for one event of eqh; its error. */
static int
ev_wait(daos_handle_t eqh)
{
	daos_event_t *done;
	int           n, polls = 0;

	while ((n = daos_eq_poll(eqh, 1, 1000 * 1000, 1, &done)) == 0)
		assert_true(++polls < 90);
	assert_int_equal(n, 1);
	return done->ev_error;
}

/*
 * A connect and an open in flight when the server dies: sent again, they
 * find the handle the first one may have made (no second one counted), and
 * the handles work.
 */
static void
test_connect_in_flight(void **state)
{
	daos_event_t  ev;
	daos_handle_t eqh, poh, coh;
	struct app    a;
	int           k;

	(void)state;
	app_open(&a, "c_conn", true);
	assert_int_equal(daos_eq_create(&eqh), 0);
	for (k = 0; k < 3; k++) {
		assert_int_equal(daos_event_init(&ev, eqh, NULL), 0);
		assert_int_equal(daos_pool_connect("rp", NULL, DAOS_PC_RW, &poh, NULL, &ev), 0);
		usleep((useconds_t)k * 1000);
		restart(SIGKILL, false);
		assert_int_equal(ev_wait(eqh), 0);
		assert_int_equal(daos_event_fini(&ev), 0);
		assert_int_equal(pool_nhandles("rp"), 2);

		assert_int_equal(daos_event_init(&ev, eqh, NULL), 0);
		assert_int_equal(daos_cont_open(poh, "c_conn", DAOS_COO_RW, &coh, NULL, &ev), 0);
		usleep((useconds_t)k * 1000);
		restart(SIGKILL, false);
		assert_int_equal(ev_wait(eqh), 0);
		assert_int_equal(daos_event_fini(&ev), 0);

		/* the original handles and the new ones all work */
		assert_int_equal(put(a.oh, k, 5), 0);
		assert_int_equal(get(a.oh, k, 5), 0);
		{
			daos_cont_info_t ci;

			assert_int_equal(daos_cont_query(coh, &ci, NULL, NULL), 0);
			assert_int_equal(ci.ci_nhandles, 2);
		}
		assert_int_equal(daos_cont_close(coh, NULL), 0);
		assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
		assert_int_equal(pool_nhandles("rp"), 1);
	}
	assert_int_equal(daos_eq_destroy(eqh, 0), 0);
	app_close(&a);
}

/* A reloaded container handle keeps its container busy; a pool handle its pool. */
static void
test_busy(void **state)
{
	struct app a;

	(void)state;
	app_open(&a, "c_busy", true);
	assert_int_equal(put(a.oh, 0, 3), 0);
	restart(SIGKILL, true);
	assert_int_equal(daos_cont_destroy(a.poh, "c_busy", 0, NULL), -DER_BUSY);
	assert_int_equal(pool_destroy("rp", false), -DER_BUSY);
	assert_int_equal(get(a.oh, 0, 3), 0);
	assert_int_equal(daos_obj_close(a.oh, NULL), 0);
	assert_int_equal(daos_cont_close(a.coh, NULL), 0);
	assert_int_equal(daos_cont_destroy(a.poh, "c_busy", 0, NULL), 0);
	assert_int_equal(daos_pool_disconnect(a.poh, NULL), 0);
}

/* Evict after a restart drops the reloaded handles, and they stay gone. */
static void
test_evict(void **state)
{
	daos_cont_info_t cinfo;
	struct app       a;

	(void)state;
	app_open(&a, "c_evict", true);
	assert_int_equal(put(a.oh, 1, 4), 0);
	restart(SIGKILL, true);
	assert_int_equal(pool_nhandles("rp"), 1);
	assert_int_equal(pool_evict("rp"), 1);
	assert_int_equal(pool_nhandles("rp"), 0);
	assert_int_equal(get(a.oh, 1, 4), -DER_NO_HDL);
	assert_int_equal(put(a.oh, 1, 4), -DER_NO_HDL);
	assert_int_equal(daos_cont_query(a.coh, &cinfo, NULL, NULL), -DER_NO_HDL);
	/* a handle the server dropped is gone all the same */
	assert_int_equal(daos_obj_close(a.oh, NULL), 0);
	assert_int_equal(daos_cont_close(a.coh, NULL), 0);
	assert_int_equal(daos_pool_disconnect(a.poh, NULL), 0);
	restart(SIGTERM, true);
	assert_int_equal(pool_nhandles("rp"), 0);
	/* no container handle came back either: destroy needs no force */
	assert_int_equal(daos_pool_connect("rp", NULL, DAOS_PC_RW, &a.poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_destroy(a.poh, "c_evict", 0, NULL), 0);
	assert_int_equal(daos_pool_disconnect(a.poh, NULL), 0);
}

/*
 * Handles whose connect and open replies nobody received (the client died,
 * or the server died before replying): reloaded like any other, counted,
 * and removed by evict.
 */
static void
test_left_behind(void **state)
{
	struct dc_sys *sys;
	daos_handle_t  poh;
	uuid_t         ph, pu, cu, ch;

	(void)state;
	sys = srv_attach(&srv_r);
	assert_int_equal(srv_pool_connect(sys, "rp", ph, pu), 0);
	assert_int_equal(srv_cont_create(sys, pu, ph, "c_left", cu), 0);
	assert_int_equal(srv_cont_open(sys, pu, ph, "c_left", DAOS_COO_RW, ch), 0);
	dc_sys_detach(sys);
	restart(SIGKILL, true);
	assert_int_equal(pool_nhandles("rp"), 1);
	assert_int_equal(daos_pool_connect("rp", NULL, DAOS_PC_RW, &poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_destroy(poh, "c_left", 0, NULL), -DER_BUSY);
	/* the object service knows the reloaded container handle too */
	sys = srv_attach(&srv_r);
	assert_int_equal(srv_obj_put(sys, 0, pu, ch, (daos_obj_id_t){.lo = 9, .hi = 0}, "k", "v",
				     1, false),
			 0);
	dc_sys_detach(sys);
	assert_int_equal(pool_evict("rp"), 2); /* ours too */
	assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
	restart(SIGTERM, true);
	assert_int_equal(pool_nhandles("rp"), 0);
	assert_int_equal(daos_pool_connect("rp", NULL, DAOS_PC_RW, &poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_destroy(poh, "c_left", 0, NULL), 0);
	assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
	/* nothing holds the pool: it goes without force */
	assert_int_equal(pool_destroy("rp", false), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_handles),
		cmocka_unit_test(test_in_flight),
		cmocka_unit_test(test_connect_in_flight),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_evict),
		cmocka_unit_test(test_left_behind),
	};

	return cmocka_run_group_tests_name("libdaos_restart", tests, setup, teardown);
}
