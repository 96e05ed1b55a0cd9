/*
 * libdaos transactions against a real daos_server with several targets:
 * - snapshot isolation: reads at the transaction's epoch, writes invisible
 *   until commit, a stale read refused at commit;
 * - atomic commit across objects, dkeys and targets (KV calls too);
 * - conflicts: two transactions writing what both read (one restarts, the
 *   retry succeeds), a write under someone's later read, a write outside
 *   transactions never landing under a read;
 * - read-only and snapshot transactions, async calls on an EQ, a
 *   transaction bigger than a message body (bulk), what one epoch cannot
 *   express refused whole, abort, the states and handles' error codes;
 * - malformed DOP_TX_COMMIT bodies: refused, the server lives on;
 * - crash: a child commits transactions writing one counter to objects on
 *   every target while the server is killed (SIGKILL by PID) mid-commit and
 *   restarted on the same data: every object holds the same counter, at
 *   least the last acknowledged one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>
#include <daos.h>
#include <gurt/common.h>
#include "srv_harness.h"

#define TX_TARGETS 4

static struct srv    srv_main;
static char         *self_exe;
static daos_handle_t t_poh, t_coh;

static int
setup(void **state)
{
	(void)state;
	srv_new(&srv_main, "libdaos_tx", TX_TARGETS, "tp", 256ull << 20);
	assert_int_equal(daos_init(), 0);
	assert_int_equal(daos_pool_connect("tp", NULL, DAOS_PC_RW, &t_poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_with_label(t_poh, "txc", NULL, NULL, NULL), 0);
	assert_int_equal(daos_cont_open(t_poh, "txc", DAOS_COO_RW, &t_coh, NULL, NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(daos_cont_close(t_coh, NULL), 0);
	assert_int_equal(daos_pool_disconnect(t_poh, NULL), 0);
	assert_int_equal(daos_fini(), 0);
	srv_stop(&srv_main, SIGTERM);
	srv_rmdir(&srv_main);
	return 0;
}

/* ---- helpers: a u64 single value under (dkey, akey "v") ---- */

static daos_handle_t
obj_new(daos_handle_t coh, uint64_t lo, daos_oclass_id_t cls)
{
	daos_obj_id_t oid = {.lo = lo, .hi = 0};
	daos_handle_t oh;

	assert_int_equal(daos_obj_generate_oid(coh, &oid, DAOS_OT_MULTI_HASHED, cls, 0, 0), 0);
	assert_int_equal(daos_obj_open(coh, oid, DAOS_OO_RW, &oh, NULL), 0);
	return oh;
}

struct val_io {
	daos_key_t  vi_dkey;
	daos_iod_t  vi_iod;
	d_sg_list_t vi_sgl;
	d_iov_t     vi_iov;
	uint64_t    vi_val;
	char        vi_key[32];
};

static void
val_io_init(struct val_io *v, const char *dkey, uint64_t val)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->vi_key, sizeof(v->vi_key), "%s", dkey);
	d_iov_set(&v->vi_dkey, v->vi_key, strlen(v->vi_key));
	d_iov_set(&v->vi_iod.iod_name, "v", 1);
	v->vi_iod.iod_type = DAOS_IOD_SINGLE;
	v->vi_iod.iod_size = sizeof(uint64_t);
	v->vi_iod.iod_nr   = 1;
	v->vi_val          = val;
	d_iov_set(&v->vi_iov, &v->vi_val, sizeof(v->vi_val));
	v->vi_sgl.sg_nr   = 1;
	v->vi_sgl.sg_iovs = &v->vi_iov;
}

static int
put_ev(daos_handle_t oh, daos_handle_t th, struct val_io *v, daos_event_t *ev)
{
	return daos_obj_update(oh, th, 0, &v->vi_dkey, 1, &v->vi_iod, &v->vi_sgl, ev);
}

static int
put(daos_handle_t oh, daos_handle_t th, const char *dkey, uint64_t val)
{
	struct val_io v;

	val_io_init(&v, dkey, val);
	return put_ev(oh, th, &v, NULL);
}

/* *val = the value, or 0 when there is none. */
static int
get(daos_handle_t oh, daos_handle_t th, const char *dkey, uint64_t *val)
{
	struct val_io v;
	int           rc;

	val_io_init(&v, dkey, 0);
	v.vi_iod.iod_size = DAOS_REC_ANY;
	rc = daos_obj_fetch(oh, th, 0, &v.vi_dkey, 1, &v.vi_iod, &v.vi_sgl, NULL, NULL);
	*val = v.vi_iod.iod_size == 0 ? 0 : v.vi_val;
	return rc;
}

static uint64_t
get_now(daos_handle_t oh, const char *dkey)
{
	uint64_t v;

	assert_int_equal(get(oh, DAOS_TX_NONE, dkey, &v), 0);
	return v;
}

/*
 * Restart after a conflict with a read outside the transaction. That read
 * was stamped with the server's clock, which may run a few logical ticks
 * ahead of ours: past one physical tick (16 us) our next epoch is above it.
 */
static void
tx_restart(daos_handle_t th)
{
	assert_int_equal(daos_tx_restart(th, NULL), 0);
	usleep(1000);
}

/* ---- isolation ---- */

static void
test_isolation(void **state)
{
	daos_handle_t oh = obj_new(t_coh, 10, OC_S1), th, ro;
	daos_epoch_t  e1, e2;
	uint64_t      v;

	(void)state;
	assert_int_equal(put(oh, DAOS_TX_NONE, "k", 1), 0);
	assert_int_equal(put(oh, DAOS_TX_NONE, "j", 1), 0);

	/* a read-only transaction reads at its first operation's epoch */
	assert_int_equal(daos_tx_open(t_coh, &ro, DAOS_TF_RDONLY, NULL), 0);
	assert_int_equal(daos_tx_hdl2epoch(ro, &e1), -DER_UNINIT);
	assert_int_equal(get(oh, ro, "k", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(daos_tx_hdl2epoch(ro, &e1), 0);
	assert_true(e1 > 0);
	assert_int_equal(put(oh, DAOS_TX_NONE, "k", 2), 0);
	assert_int_equal(put(oh, DAOS_TX_NONE, "j", 2), 0);
	assert_int_equal(get(oh, ro, "k", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(get(oh, ro, "j", &v), 0);
	assert_int_equal(v, 1); /* written after the epoch: not seen */
	assert_int_equal(daos_tx_hdl2epoch(ro, &e2), 0);
	assert_int_equal(e1, e2);
	assert_int_equal(get_now(oh, "k"), 2);
	assert_int_equal(daos_tx_commit(ro, NULL), 0);
	assert_int_equal(daos_tx_close(ro, NULL), 0);

	/* writes are invisible until commit; those reads came after the
	 * transaction's epoch (its first operation), so it has to restart */
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	assert_int_equal(put(oh, th, "k", 3), 0);
	assert_int_equal(put(oh, th, "j", 3), 0);
	assert_int_equal(get_now(oh, "k"), 2);
	assert_int_equal(get_now(oh, "j"), 2);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_TX_RESTART);
	assert_int_equal(get_now(oh, "k"), 2);
	tx_restart(th);
	assert_int_equal(put(oh, th, "k", 3), 0);
	assert_int_equal(put(oh, th, "j", 3), 0);
	assert_int_equal(daos_tx_commit(th, NULL), 0);
	assert_int_equal(get_now(oh, "k"), 3);
	assert_int_equal(get_now(oh, "j"), 3);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_ALREADY);
	assert_int_equal(put(oh, th, "k", 9), -DER_NO_PERM);
	assert_int_equal(daos_tx_close(th, NULL), 0);

	/* what a transaction read changed before its commit: it must restart */
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	assert_int_equal(get(oh, th, "k", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(put(oh, DAOS_TX_NONE, "k", 4), 0);
	assert_int_equal(put(oh, th, "j", v + 10), 0);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_TX_RESTART);
	assert_int_equal(get_now(oh, "j"), 3);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
}

/* ---- atomic commit across targets ---- */

#define ATOM_DKEYS 16
#define ATOM_OBJS  4

static void
test_atomic_multi(void **state)
{
	daos_handle_t   sx = obj_new(t_coh, 20, OC_SX), objs[ATOM_OBJS], kv, th;
	daos_obj_id_t   kvid = {.lo = 30, .hi = 0};
	daos_key_desc_t kds[ATOM_DKEYS * 2];
	daos_anchor_t   anchor = DAOS_ANCHOR_INIT;
	char            dk[16], keys[1024];
	d_sg_list_t     sgl;
	d_iov_t         iov;
	uint32_t        nr, total = 0;
	uint64_t        v, kvv = 0;
	daos_size_t     size;
	int             i, pass;

	(void)state;
	for (i = 0; i < ATOM_OBJS; i++)
		objs[i] = obj_new(t_coh, 21 + (uint64_t)i, OC_S1);
	assert_int_equal(daos_obj_generate_oid(t_coh, &kvid, DAOS_OT_KV_HASHED, OC_S1, 0, 0), 0);
	assert_int_equal(daos_kv_open(t_coh, kvid, DAOS_OO_RW, &kv, NULL), 0);

	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ATOM_DKEYS; i++) {
			snprintf(dk, sizeof(dk), "d%d", i);
			assert_int_equal(put(sx, th, dk, 100 + (uint64_t)i), 0);
		}
		for (i = 0; i < ATOM_OBJS; i++)
			assert_int_equal(put(objs[i], th, "x", 200 + (uint64_t)i), 0);
		v = 77;
		assert_int_equal(daos_kv_put(kv, th, 0, "kvkey", sizeof(v), &v, NULL), 0);
		/* a punch in the same transaction: d0 goes away with the rest */
		d_iov_set(&iov, "d0", 2);
		assert_int_equal(daos_obj_punch_dkeys(sx, th, 0, 1, &iov, NULL), 0);
		if (pass == 1)
			break;
		/* nothing is visible before commit; reading after the
		 * transaction's epoch what it writes makes it restart */
		assert_int_equal(get_now(sx, "d1"), 0);
		assert_int_equal(get_now(objs[0], "x"), 0);
		size = sizeof(kvv);
		assert_int_equal(daos_kv_get(kv, DAOS_TX_NONE, 0, "kvkey", &size, &kvv, NULL), 0);
		assert_int_equal(size, 0);
		assert_int_equal(daos_tx_commit(th, NULL), -DER_TX_RESTART);
		assert_int_equal(get_now(objs[ATOM_OBJS - 1], "x"), 0);
		tx_restart(th);
	}
	assert_int_equal(daos_tx_commit(th, NULL), 0);
	assert_int_equal(daos_tx_close(th, NULL), 0);

	assert_int_equal(get_now(sx, "d0"), 0);
	for (i = 1; i < ATOM_DKEYS; i++) {
		snprintf(dk, sizeof(dk), "d%d", i);
		assert_int_equal(get_now(sx, dk), 100 + (uint64_t)i);
	}
	for (i = 0; i < ATOM_OBJS; i++)
		assert_int_equal(get_now(objs[i], "x"), 200 + (uint64_t)i);
	size = sizeof(kvv);
	assert_int_equal(daos_kv_get(kv, DAOS_TX_NONE, 0, "kvkey", &size, &kvv, NULL), 0);
	assert_int_equal(kvv, 77);

	/* enumeration inside a (read-only) transaction: every group's dkeys */
	assert_int_equal(daos_tx_open(t_coh, &th, DAOS_TF_RDONLY, NULL), 0);
	d_iov_set(&iov, keys, sizeof(keys));
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	while (!daos_anchor_is_eof(&anchor)) {
		nr = ATOM_DKEYS * 2;
		assert_int_equal(daos_obj_list_dkey(sx, th, &nr, kds, &sgl, &anchor, NULL), 0);
		total += nr;
	}
	assert_int_equal(total, ATOM_DKEYS - 1);
	assert_int_equal(daos_tx_close(th, NULL), 0);

	for (i = 0; i < ATOM_OBJS; i++)
		assert_int_equal(daos_obj_close(objs[i], NULL), 0);
	assert_int_equal(daos_kv_close(kv, NULL), 0);
	assert_int_equal(daos_obj_close(sx, NULL), 0);
}

/* ---- conflicts ---- */

static void
test_conflict(void **state)
{
	daos_handle_t oh = obj_new(t_coh, 40, OC_S1), t1, t2, loser;
	uint64_t      v1, v2;
	int           tries, rc1, rc2;

	(void)state;
	assert_int_equal(put(oh, DAOS_TX_NONE, "ctr", 5), 0);
	assert_int_equal(daos_tx_open(t_coh, &t1, 0, NULL), 0);
	assert_int_equal(daos_tx_open(t_coh, &t2, 0, NULL), 0);
	assert_int_equal(get(oh, t1, "ctr", &v1), 0);
	assert_int_equal(get(oh, t2, "ctr", &v2), 0);
	assert_int_equal(v1, 5);
	assert_int_equal(v2, 5);
	assert_int_equal(put(oh, t1, "ctr", v1 + 1), 0);
	assert_int_equal(put(oh, t2, "ctr", v2 + 1), 0);
	/* exactly one wins (t2 read later than t1's epoch: t1 loses) */
	rc1 = daos_tx_commit(t1, NULL);
	rc2 = daos_tx_commit(t2, NULL);
	assert_true((rc1 == 0 && rc2 == -DER_TX_RESTART) || (rc1 == -DER_TX_RESTART && rc2 == 0));
	loser = rc1 == 0 ? t2 : t1;
	assert_int_equal(get_now(oh, "ctr"), 6);
	/* failed until restarted */
	assert_int_equal(daos_tx_commit(loser, NULL), -DER_TX_RESTART);
	assert_int_equal(get(oh, loser, "ctr", &v2), -DER_TX_RESTART);
	assert_int_equal(daos_tx_abort(loser, NULL), -DER_NO_PERM);
	/* the usual retry loop */
	for (tries = 0; tries < 10; tries++) {
		tx_restart(loser);
		assert_int_equal(get(oh, loser, "ctr", &v2), 0);
		assert_int_equal(put(oh, loser, "ctr", v2 + 1), 0);
		if (daos_tx_commit(loser, NULL) == 0)
			break;
	}
	assert_true(tries < 10);
	assert_int_equal(get_now(oh, "ctr"), 7);
	assert_int_equal(daos_tx_restart(loser, NULL), -DER_NO_PERM); /* committed */
	assert_int_equal(daos_tx_close(t1, NULL), 0);
	assert_int_equal(daos_tx_close(t2, NULL), 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
}

static void
test_write_after_read(void **state)
{
	daos_handle_t oh = obj_new(t_coh, 50, OC_S1), t1, t2, snap;
	daos_epoch_t  e;
	uint64_t      v;

	(void)state;
	assert_int_equal(put(oh, DAOS_TX_NONE, "w", 1), 0);

	/* t1 takes its epoch, then someone reads the key at a later epoch */
	assert_int_equal(daos_tx_open(t_coh, &t1, 0, NULL), 0);
	assert_int_equal(get(oh, t1, "other", &v), 0);
	assert_int_equal(get_now(oh, "w"), 1);
	assert_int_equal(put(oh, t1, "w", 2), 0);
	assert_int_equal(daos_tx_commit(t1, NULL), -DER_TX_RESTART);
	assert_int_equal(get_now(oh, "w"), 1);
	/* restarted, it reads and writes after that read: fine */
	tx_restart(t1);
	assert_int_equal(put(oh, t1, "w", 2), 0);
	assert_int_equal(daos_tx_commit(t1, NULL), 0);
	assert_int_equal(get_now(oh, "w"), 2);
	assert_int_equal(daos_tx_close(t1, NULL), 0);

	/* the same with a transactional reader at a later epoch */
	assert_int_equal(daos_tx_open(t_coh, &t1, 0, NULL), 0);
	assert_int_equal(get(oh, t1, "other", &v), 0);
	assert_int_equal(daos_tx_open(t_coh, &t2, 0, NULL), 0);
	assert_int_equal(get(oh, t2, "w", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(put(oh, t1, "w", 3), 0);
	assert_int_equal(daos_tx_commit(t1, NULL), -DER_TX_RESTART);
	assert_int_equal(daos_tx_close(t1, NULL), 0);
	assert_int_equal(daos_tx_close(t2, NULL), 0);

	/* a write outside transactions lands above a read, never under it */
	assert_int_equal(daos_tx_open(t_coh, &t2, 0, NULL), 0);
	assert_int_equal(get(oh, t2, "w", &v), 0);
	assert_int_equal(daos_tx_hdl2epoch(t2, &e), 0);
	assert_int_equal(put(oh, DAOS_TX_NONE, "w", 4), 0);
	assert_int_equal(daos_tx_open_snap(t_coh, e, &snap, NULL), 0);
	assert_int_equal(get(oh, snap, "w", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(daos_tx_close(snap, NULL), 0);
	assert_int_equal(daos_tx_close(t2, NULL), 0);
	assert_int_equal(get_now(oh, "w"), 4);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
}

/* ---- read-only and snapshot transactions ---- */

static void
test_snapshot_tx(void **state)
{
	daos_handle_t oh = obj_new(t_coh, 60, OC_S1), th;
	daos_epoch_t  snap, e;
	daos_key_t    dkey;
	uint64_t      v;

	(void)state;
	assert_int_equal(put(oh, DAOS_TX_NONE, "s", 1), 0);
	assert_int_equal(daos_cont_create_snap(t_coh, &snap, NULL, NULL), 0);
	assert_int_equal(put(oh, DAOS_TX_NONE, "s", 2), 0);

	assert_int_equal(daos_tx_open_snap(t_coh, 0, &th, NULL), -DER_INVAL);
	assert_int_equal(daos_tx_open_snap(t_coh, DAOS_EPOCH_MAX, &th, NULL), -DER_INVAL);
	assert_int_equal(daos_tx_open_snap(t_coh, snap, &th, NULL), 0);
	assert_int_equal(daos_tx_hdl2epoch(th, &e), 0);
	assert_int_equal(e, snap);
	assert_int_equal(get(oh, th, "s", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(put(oh, th, "s", 3), -DER_NO_PERM);
	d_iov_set(&dkey, "s", 1);
	assert_int_equal(daos_obj_punch_dkeys(oh, th, 0, 1, &dkey, NULL), -DER_NO_PERM);
	assert_int_equal(daos_obj_punch(oh, th, 0, NULL), -DER_NO_PERM);
	assert_int_equal(daos_tx_commit(th, NULL), 0);
	assert_int_equal(daos_tx_close(th, NULL), 0);

	assert_int_equal(daos_tx_open(t_coh, &th, DAOS_TF_RDONLY, NULL), 0);
	assert_int_equal(put(oh, th, "s", 3), -DER_NO_PERM);
	assert_int_equal(get(oh, th, "s", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(get_now(oh, "s"), 2);
	assert_int_equal(daos_cont_destroy_snap(t_coh, (daos_epoch_range_t){snap, snap}, NULL), 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
}

/* ---- asynchronous ---- */

#define ASYNC_N 8

static void
eq_wait(daos_handle_t eqh, int n)
{
	daos_event_t *done[ASYNC_N + 1];
	int           got = 0, rc, i;
	time_t        t0 = time(NULL);

	while (got < n) {
		assert_true(time(NULL) - t0 < 30);
		rc = daos_eq_poll(eqh, 0, 1000 * 1000, ASYNC_N + 1, done);
		assert_true(rc >= 0);
		for (i = 0; i < rc; i++)
			assert_int_equal(done[i]->ev_error, 0);
		got += rc;
	}
}

static void
test_async(void **state)
{
	daos_handle_t eqh, th, oh = obj_new(t_coh, 70, OC_SX);
	daos_event_t  evs[ASYNC_N + 1];
	struct val_io vio[ASYNC_N];
	char          dk[16];
	int           i;

	(void)state;
	assert_int_equal(daos_eq_create(&eqh), 0);
	for (i = 0; i <= ASYNC_N; i++)
		assert_int_equal(daos_event_init(&evs[i], eqh, NULL), 0);
	assert_int_equal(daos_tx_open(t_coh, &th, 0, &evs[0]), 0);
	eq_wait(eqh, 1);
	for (i = 0; i < ASYNC_N; i++) {
		snprintf(dk, sizeof(dk), "a%d", i);
		val_io_init(&vio[i], dk, 300 + (uint64_t)i);
		assert_int_equal(put_ev(oh, th, &vio[i], &evs[i + 1]), 0);
	}
	eq_wait(eqh, ASYNC_N);
	assert_int_equal(daos_tx_commit(th, &evs[0]), 0);
	eq_wait(eqh, 1);
	for (i = 0; i < ASYNC_N; i++) {
		snprintf(dk, sizeof(dk), "a%d", i);
		assert_int_equal(get_now(oh, dk), 300 + (uint64_t)i);
	}
	/* reads in a transaction, asynchronously */
	assert_int_equal(daos_tx_close(th, &evs[0]), 0);
	eq_wait(eqh, 1);
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	for (i = 0; i < ASYNC_N; i++) {
		snprintf(dk, sizeof(dk), "a%d", i);
		val_io_init(&vio[i], dk, 0);
		assert_int_equal(daos_obj_fetch(oh, th, 0, &vio[i].vi_dkey, 1, &vio[i].vi_iod,
						&vio[i].vi_sgl, NULL, &evs[i + 1]),
				 0);
	}
	eq_wait(eqh, ASYNC_N);
	for (i = 0; i < ASYNC_N; i++)
		assert_int_equal(vio[i].vi_val, 300 + (uint64_t)i);
	assert_int_equal(daos_tx_abort(th, &evs[0]), 0);
	eq_wait(eqh, 1);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	for (i = 0; i <= ASYNC_N; i++)
		assert_int_equal(daos_event_fini(&evs[i]), 0);
	assert_int_equal(daos_eq_destroy(eqh, 0), 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
}

/* ---- a transaction's condition against conditional writes in flight ---- */

/*
 * Inserts of one key outside a transaction, with values big enough that
 * each waits for a DATA write between its check and its effect, then a
 * transaction opened after them (so its epoch is above theirs) that inserts
 * the same key: of all of them exactly one succeeds, and the key holds its
 * value. The commit may restart (a write held the key while it checked).
 */
#define CRACE_N      12
#define CRACE_ROUNDS 20
#define CRACE_SIZE   (64u << 10)
static void
test_cond_race(void **state)
{
	daos_handle_t eqh, th, oh = obj_new(t_coh, 95, OC_S1);
	daos_event_t  evs[CRACE_N + 1], *done[CRACE_N + 1];
	struct val_io vio[CRACE_N + 1];
	uint64_t     *bufs[CRACE_N + 1];
	char          dk[16];
	int           r, i, n, got, wins, restarts = 0;
	uint64_t      winner;

	(void)state;
	assert_int_equal(daos_eq_create(&eqh), 0);
	for (i = 0; i <= CRACE_N; i++) {
		bufs[i] = calloc(1, CRACE_SIZE);
		assert_non_null(bufs[i]);
		bufs[i][0] = 1 + (uint64_t)i;
	}
	for (r = 0; r < CRACE_ROUNDS; r++) {
		snprintf(dk, sizeof(dk), "r%d", r);
		for (i = 0; i <= CRACE_N; i++) {
			assert_int_equal(daos_event_init(&evs[i], eqh, NULL), 0);
			val_io_init(&vio[i], dk, 0);
			vio[i].vi_iod.iod_size = CRACE_SIZE;
			d_iov_set(&vio[i].vi_iov, bufs[i], CRACE_SIZE);
		}
		for (i = 0; i < CRACE_N; i++)
			assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, DAOS_COND_DKEY_INSERT,
							 &vio[i].vi_dkey, 1, &vio[i].vi_iod,
							 &vio[i].vi_sgl, &evs[i]),
					 0);
		/* the inserts reach the server (and take their epochs) first */
		got = daos_eq_poll(eqh, 0, 300, CRACE_N, done);
		assert_true(got >= 0);
		assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
		assert_int_equal(daos_obj_update(oh, th, DAOS_COND_DKEY_INSERT,
						 &vio[CRACE_N].vi_dkey, 1, &vio[CRACE_N].vi_iod,
						 &vio[CRACE_N].vi_sgl, NULL),
				 0);
		assert_int_equal(daos_tx_commit(th, &evs[CRACE_N]), 0);
		for (; got <= CRACE_N; got += n) {
			n = daos_eq_poll(eqh, 0, DAOS_EQ_WAIT, CRACE_N + 1, done);
			assert_true(n > 0);
		}
		wins   = 0;
		winner = 0;
		for (i = 0; i <= CRACE_N; i++) {
			int rc = evs[i].ev_error;

			if (rc == 0) {
				wins++;
				winner = 1 + (uint64_t)i;
			} else if (i == CRACE_N && rc == -DER_TX_RESTART) {
				restarts++;
			} else {
				assert_int_equal(rc, -DER_EXIST);
			}
			assert_int_equal(daos_event_fini(&evs[i]), 0);
		}
		assert_int_equal(wins, 1);
		/* the winner's value, whole */
		{
			uint64_t *back = calloc(1, CRACE_SIZE);

			val_io_init(&vio[0], dk, 0);
			vio[0].vi_iod.iod_size = DAOS_REC_ANY;
			d_iov_set(&vio[0].vi_iov, back, CRACE_SIZE);
			assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &vio[0].vi_dkey, 1,
							&vio[0].vi_iod, &vio[0].vi_sgl, NULL, NULL),
					 0);
			assert_int_equal(vio[0].vi_iod.iod_size, CRACE_SIZE);
			assert_memory_equal(back, bufs[winner - 1], CRACE_SIZE);
			free(back);
		}
		assert_int_equal(daos_tx_close(th, NULL), 0);
	}
	print_message("cond race: %d of %d commits restarted\n", restarts, CRACE_ROUNDS);
	for (i = 0; i <= CRACE_N; i++)
		free(bufs[i]);
	assert_int_equal(daos_eq_destroy(eqh, 0), 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
}

/* ---- a transaction too big for one message body: it travels as bulk ---- */

static void
test_large(void **state)
{
	daos_handle_t oh = obj_new(t_coh, 85, OC_SX), th;
	const size_t  n  = 1u << 20;
	uint8_t      *buf = malloc(n), *back = calloc(1, n);
	daos_key_t    dkey;
	daos_iod_t    iod = {0};
	daos_recx_t   recx = {.rx_idx = 0, .rx_nr = n};
	d_sg_list_t   sgl;
	d_iov_t       iov;
	size_t        i;

	(void)state;
	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 31 + 7);
	d_iov_set(&dkey, "big", 3);
	d_iov_set(&iod.iod_name, "arr", 3);
	iod.iod_type  = DAOS_IOD_ARRAY;
	iod.iod_size  = 1;
	iod.iod_nr    = 1;
	iod.iod_recxs = &recx;
	d_iov_set(&iov, buf, n);
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	assert_int_equal(daos_tx_open(t_coh, &th, DAOS_TF_ZERO_COPY, NULL), 0);
	assert_int_equal(daos_obj_update(oh, th, 0, &dkey, 1, &iod, &sgl, NULL), 0);
	assert_int_equal(put(oh, th, "small", 5), 0);
	assert_int_equal(daos_tx_commit(th, NULL), 0);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	d_iov_set(&iov, back, n);
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL, NULL), 0);
	assert_memory_equal(back, buf, n);
	assert_int_equal(get_now(oh, "small"), 5);
	free(buf);
	free(back);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
}

/* ---- what one epoch cannot express is refused whole ---- */

static void
test_refused(void **state)
{
	daos_handle_t oh = obj_new(t_coh, 87, OC_S1), other = obj_new(t_coh, 88, OC_S1), th;
	uint8_t       buf[20] = {0}, back[20];
	daos_key_t    dkey;
	daos_iod_t    iod = {0};
	daos_recx_t   recx;
	d_sg_list_t   sgl;
	d_iov_t       iov;
	struct val_io v;

	(void)state;
	d_iov_set(&dkey, "ext", 3);
	d_iov_set(&iod.iod_name, "arr", 3);
	iod.iod_type  = DAOS_IOD_ARRAY;
	iod.iod_size  = 1;
	iod.iod_nr    = 1;
	iod.iod_recxs = &recx;
	sgl.sg_nr     = 1;
	sgl.sg_iovs   = &iov;

	/* partly overlapping extents of one akey: refused, nothing applied */
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	assert_int_equal(put(other, th, "o", 1), 0);
	recx = (daos_recx_t){.rx_idx = 0, .rx_nr = 10};
	d_iov_set(&iov, buf, 10);
	assert_int_equal(daos_obj_update(oh, th, 0, &dkey, 1, &iod, &sgl, NULL), 0);
	recx = (daos_recx_t){.rx_idx = 5, .rx_nr = 10};
	assert_int_equal(daos_obj_update(oh, th, 0, &dkey, 1, &iod, &sgl, NULL), 0);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_INVAL);
	assert_int_equal(daos_tx_abort(th, NULL), 0);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	recx = (daos_recx_t){.rx_idx = 0, .rx_nr = 20};
	iod.iod_size = DAOS_REC_ANY;
	d_iov_set(&iov, back, sizeof(back));
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL, NULL), 0);
	assert_int_equal(iod.iod_size, 0);
	usleep(1000);

	/* an akey written before as a single value, now as an array */
	assert_int_equal(put(oh, DAOS_TX_NONE, "kc", 1), 0);
	usleep(1000);
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	assert_int_equal(put(other, th, "o", 1), 0);
	d_iov_set(&dkey, "kc", 2);
	d_iov_set(&iod.iod_name, "v", 1);
	iod.iod_size = 1;
	recx         = (daos_recx_t){.rx_idx = 0, .rx_nr = 10};
	d_iov_set(&iov, buf, 10);
	assert_int_equal(daos_obj_update(oh, th, 0, &dkey, 1, &iod, &sgl, NULL), 0);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_INVAL);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(get_now(oh, "kc"), 1);

	/* an update after a punch that covers it */
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	d_iov_set(&dkey, "p", 1);
	assert_int_equal(daos_obj_punch_dkeys(oh, th, 0, 1, &dkey, NULL), 0);
	assert_int_equal(put(oh, th, "p", 2), 0);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_NOTSUPPORTED);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	/* conditions: checked at commit against the state at the epoch */
	assert_int_equal(put(oh, DAOS_TX_NONE, "c", 1), 0);
	usleep(1000);
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	assert_int_equal(put(other, th, "o", 1), 0);
	val_io_init(&v, "c", 2);
	assert_int_equal(daos_obj_update(oh, th, DAOS_COND_DKEY_INSERT, &v.vi_dkey, 1, &v.vi_iod,
					 &v.vi_sgl, NULL),
			 0);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_EXIST);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(get_now(oh, "c"), 1);
	usleep(1000);
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	val_io_init(&v, "c", 3);
	assert_int_equal(daos_obj_update(oh, th, DAOS_COND_DKEY_UPDATE, &v.vi_dkey, 1, &v.vi_iod,
					 &v.vi_sgl, NULL),
			 0);
	val_io_init(&v, "c2", 3);
	assert_int_equal(daos_obj_update(oh, th, DAOS_COND_DKEY_INSERT, &v.vi_dkey, 1, &v.vi_iod,
					 &v.vi_sgl, NULL),
			 0);
	assert_int_equal(daos_tx_commit(th, NULL), 0);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(get_now(oh, "c"), 3);
	assert_int_equal(get_now(oh, "c2"), 3);
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	d_iov_set(&dkey, "c", 1);
	assert_int_equal(daos_obj_punch_dkeys(oh, th, DAOS_COND_PUNCH, 1, &dkey, NULL),
			 -DER_NOTSUPPORTED);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(get_now(other, "o"), 0);
	assert_int_equal(get_now(oh, "p"), 0);
	/* an array made inside a transaction (its creation is a conditional update) */
	{
		daos_obj_id_t aid = {.lo = 89, .hi = 0};
		daos_handle_t ah;
		daos_size_t   cell, chunk;

		assert_int_equal(daos_array_generate_oid(t_coh, &aid, true, OC_S1, 0, 0), 0);
		assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
		assert_int_equal(daos_array_create(t_coh, aid, th, 1, 1024, &ah, NULL), 0);
		assert_int_equal(daos_tx_commit(th, NULL), 0);
		assert_int_equal(daos_tx_close(th, NULL), 0);
		assert_int_equal(daos_array_close(ah, NULL), 0);
		assert_int_equal(daos_array_open(t_coh, aid, DAOS_TX_NONE, DAOS_OO_RW, &cell, &chunk,
						 &ah, NULL),
				 0);
		assert_int_equal(cell, 1);
		assert_int_equal(chunk, 1024);
		assert_int_equal(daos_array_close(ah, NULL), 0);
		usleep(1000);
		assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
		assert_int_equal(daos_array_create(t_coh, aid, th, 1, 1024, &ah, NULL), 0);
		assert_int_equal(daos_tx_commit(th, NULL), -DER_EXIST);
		assert_int_equal(daos_tx_close(th, NULL), 0);
		assert_int_equal(daos_array_close(ah, NULL), 0);
	}
	assert_int_equal(daos_obj_close(oh, NULL), 0);
	assert_int_equal(daos_obj_close(other, NULL), 0);
}

/* ---- abort and handles ---- */

static void
test_abort(void **state)
{
	daos_handle_t oh = obj_new(t_coh, 80, OC_S1), th;

	(void)state;
	assert_int_equal(put(oh, DAOS_TX_NONE, "ab", 1), 0);
	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	assert_int_equal(put(oh, th, "ab", 2), 0);
	assert_int_equal(put(oh, th, "ac", 2), 0);
	assert_int_equal(daos_tx_abort(th, NULL), 0);
	assert_int_equal(daos_tx_abort(th, NULL), -DER_ALREADY);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_NO_PERM);
	assert_int_equal(put(oh, th, "ab", 3), -DER_NO_PERM);
	assert_int_equal(get_now(oh, "ab"), 1);
	assert_int_equal(get_now(oh, "ac"), 0);
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
}

static void
test_bad_handles(void **state)
{
	daos_handle_t bad = {.cookie = 12345}, oh = obj_new(t_coh, 90, OC_S1), th;
	daos_epoch_t  e;
	uint64_t      v;

	(void)state;
	assert_int_equal(daos_tx_open(bad, &th, 0, NULL), -DER_NO_HDL);
	assert_int_equal(daos_tx_open(t_coh, NULL, 0, NULL), -DER_INVAL);
	assert_int_equal(daos_tx_open_snap(bad, 5, &th, NULL), -DER_NO_HDL);
	assert_int_equal(daos_tx_commit(bad, NULL), -DER_NO_HDL);
	assert_int_equal(daos_tx_abort(bad, NULL), -DER_NO_HDL);
	assert_int_equal(daos_tx_close(bad, NULL), -DER_NO_HDL);
	assert_int_equal(daos_tx_restart(bad, NULL), -DER_NO_HDL);
	assert_int_equal(daos_tx_hdl2epoch(bad, &e), -DER_NO_HDL);
	assert_int_equal(put(oh, bad, "b", 1), -DER_NO_HDL);
	assert_int_equal(get(oh, bad, "b", &v), -DER_NO_HDL);
	/* an object handle is not a transaction handle */
	assert_int_equal(put(oh, oh, "b", 1), -DER_NO_HDL);

	assert_int_equal(daos_tx_open(t_coh, &th, 0, NULL), 0);
	assert_int_equal(daos_tx_hdl2epoch(th, NULL), -DER_INVAL);
	assert_int_equal(daos_tx_restart(th, NULL), -DER_NO_PERM); /* not failed */
	assert_int_equal(daos_tx_commit(th, NULL), 0);             /* empty */
	assert_int_equal(daos_tx_close(th, NULL), 0);
	assert_int_equal(daos_tx_close(th, NULL), -DER_NO_HDL);
	assert_int_equal(daos_tx_commit(th, NULL), -DER_NO_HDL);
	assert_int_equal(put(oh, th, "b", 1), -DER_NO_HDL);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
}

/* ---- malformed commits: refused, the server lives on ---- */

static void
fuzz_tx_encode(struct denc *e, const uuid_t pool, const uuid_t coh, uint64_t id)
{
	struct dop_tx   tx = {.tx_id = id, .tx_epoch = d_hlc_get(), .tx_nr = 3};
	struct dop_iod  iod = {0};
	struct dop_io   io  = {0};
	struct denc     b;
	daos_recx_t     recx = {.rx_idx = 0, .rx_nr = 8};
	void           *body;
	uint32_t        len;
	const char      data[8] = "fuzzdata";

	uuid_copy(tx.tx_pool, pool);
	uuid_copy(tx.tx_coh, coh);
	dop_tx_encode_head(e, &tx);
	/* an update */
	uuid_copy(io.io_head.dh_pool, pool);
	uuid_copy(io.io_head.dh_coh, coh);
	io.io_head.dh_oid = (daos_obj_id_t){.lo = id, .hi = 0};
	d_iov_set(&io.io_dkey, "fd", 2);
	d_iov_set(&iod.oi_akey, "fa", 2);
	iod.oi_type    = DAOS_IOD_ARRAY;
	iod.oi_size    = 1;
	iod.oi_nr      = 1;
	iod.oi_recxs   = &recx;
	io.io_nr       = 1;
	io.io_iods     = &iod;
	io.io_where    = DOP_DATA_INLINE;
	io.io_data     = data;
	io.io_data_len = sizeof(data);
	denc_init(&b);
	dop_io_encode(&b, &io, true);
	assert_int_equal(denc_finish(&b, 0, &body, &len), 0);
	dop_txo_encode(e, DOP_TXO_UPDATE, (uint32_t)(id % TX_TARGETS), body, len);
	D_FREE(body);
	/* a punch of two dkeys */
	denc_init(&b);
	dop_head_encode(&b, &io.io_head);
	denc_u32(&b, DOP_PUNCH_DKEYS);
	denc_u32(&b, 2);
	denc_bytes(&b, "p1", 2);
	denc_bytes(&b, "p2", 2);
	assert_int_equal(denc_finish(&b, 0, &body, &len), 0);
	dop_txo_encode(e, DOP_TXO_PUNCH, (uint32_t)((id + 1) % TX_TARGETS), body, len);
	D_FREE(body);
	/* a read of one akey */
	denc_init(&b);
	dop_head_encode(&b, &io.io_head);
	denc_bytes(&b, "fd", 2);
	denc_u32(&b, 1);
	denc_bytes(&b, "fa", 2);
	assert_int_equal(denc_finish(&b, 0, &body, &len), 0);
	dop_txo_encode(e, DOP_TXO_READ, (uint32_t)(id % TX_TARGETS), body, len);
	D_FREE(body);
}

static int
fuzz_commit(struct dc_sys *sys, const void *tx, uint32_t len)
{
	struct denc e;
	struct ddec d;
	void       *reply;
	int         rc;

	denc_init(&e);
	denc_u32(&e, DOP_DATA_INLINE);
	denc_bytes(&e, tx, len);
	rc = srv_call(sys, 0, DOP_TX_COMMIT, &e, &d, &reply);
	D_FREE(reply);
	return rc;
}

static void
test_fuzz_commit(void **state)
{
	const char    *env = getenv("SRV_FUZZ_N");
	unsigned int   n = env != NULL ? (unsigned int)atoi(env) / 20 : 2000, i, k, ok = 0;
	struct dc_sys *sys = srv_attach(&srv_main);
	uuid_t         pool, poh, cont, coh;
	struct denc    e;
	uint8_t       *tx, *m;
	uint32_t       len, mlen;

	(void)state;
	assert_int_equal(srv_pool_connect(sys, "tp", poh, pool), 0);
	assert_int_equal(srv_cont_create(sys, pool, poh, "fuzzc", cont), 0);
	assert_int_equal(srv_cont_open(sys, pool, poh, "fuzzc", DAOS_COO_RW, coh), 0);
	denc_init(&e);
	fuzz_tx_encode(&e, pool, coh, 1);
	assert_int_equal(denc_finish(&e, 0, (void **)&tx, &len), 0);
	assert_int_equal(fuzz_commit(sys, tx, len), 0);
	m = malloc(len);
	for (i = 0; i < n; i++) {
		memcpy(m, tx, len);
		mlen = len;
		for (k = 0; k < 1 + (unsigned int)(d_rand() % 4); k++)
			m[d_rand() % len] = (uint8_t)d_rand();
		if (d_rand() % 8 == 0)
			mlen = (uint32_t)(d_rand() % len);
		if (fuzz_commit(sys, m, mlen) == 0)
			ok++;
	}
	free(m);
	D_FREE(tx);
	/* still serving, and still committing */
	denc_init(&e);
	fuzz_tx_encode(&e, pool, coh, 7);
	assert_int_equal(denc_finish(&e, 0, (void **)&tx, &len), 0);
	assert_int_equal(fuzz_commit(sys, tx, len), 0);
	D_FREE(tx);
	print_message("%u malformed commits, %u accepted\n", n, ok);
	dc_sys_detach(sys);
}

/* ---- crash ---- */

#define CRASH_OBJS 8

static int
crash_open(const char *ap, daos_handle_t *poh, daos_handle_t *coh, daos_handle_t *objs)
{
	daos_obj_id_t oid;
	int           i;

	setenv(DC_SYS_ENV_ACCESS_POINTS, ap, 1);
	if (daos_init() != 0)
		return 10;
	if (daos_pool_connect("cp", NULL, DAOS_PC_RW, poh, NULL, NULL) != 0)
		return 11;
	if (daos_cont_open(*poh, "cc", DAOS_COO_RW, coh, NULL, NULL) != 0)
		return 12;
	for (i = 0; i < CRASH_OBJS; i++) {
		oid.lo = 1000 + (uint64_t)i;
		oid.hi = 0;
		if (daos_obj_generate_oid(*coh, &oid, DAOS_OT_MULTI_HASHED, OC_S1, 0, 0) != 0 ||
		    daos_obj_open(*coh, oid, DAOS_OO_RW, &objs[i], NULL) != 0)
			return 13;
	}
	return 0;
}

static int
mkcont_child(const char *ap)
{
	daos_handle_t poh;

	setenv(DC_SYS_ENV_ACCESS_POINTS, ap, 1);
	if (daos_init() != 0 || daos_pool_connect("cp", NULL, DAOS_PC_RW, &poh, NULL, NULL) != 0 ||
	    daos_cont_create_with_label(poh, "cc", NULL, NULL, NULL) != 0 ||
	    daos_pool_disconnect(poh, NULL) != 0)
		return 1;
	return daos_fini() == 0 ? 0 : 2;
}

/*
 * The committing child: from counter start on, one transaction per value
 * writing it to every object; each acknowledged value goes to fd (8 bytes).
 * Runs until killed.
 */
static int
crash_child(const char *ap, uint64_t start, int fd)
{
	daos_handle_t poh, coh, objs[CRASH_OBJS], th;
	uint64_t      ctr = start;
	int           i, rc;

	rc = crash_open(ap, &poh, &coh, objs);
	if (rc != 0)
		return rc;
	for (;;) {
		if (daos_tx_open(coh, &th, 0, NULL) != 0)
			return 14;
		for (i = 0, rc = 0; i < CRASH_OBJS && rc == 0; i++)
			rc = put(objs[i], th, "ctr", ctr);
		if (rc == 0)
			rc = daos_tx_commit(th, NULL);
		daos_tx_close(th, NULL);
		if (rc == 0) {
			if (write(fd, &ctr, sizeof(ctr)) != sizeof(ctr))
				return 15;
			ctr++;
		} else {
			usleep(20 * 1000); /* the server is gone: wait to be killed */
		}
	}
}

/* The checking child: prints "ok <value>" when every object holds the same value. */
static int
verify_child(const char *ap)
{
	daos_handle_t poh, coh, objs[CRASH_OBJS];
	uint64_t      v, first = 0;
	int           i, rc;

	rc = crash_open(ap, &poh, &coh, objs);
	if (rc != 0)
		return rc;
	for (i = 0; i < CRASH_OBJS; i++) {
		if (get(objs[i], DAOS_TX_NONE, "ctr", &v) != 0)
			return 20;
		if (i == 0)
			first = v;
		else if (v != first) {
			printf("torn: object 0 holds %" PRIu64 ", object %d %" PRIu64 "\n", first,
			       i, v);
			return 21;
		}
	}
	printf("ok %" PRIu64 "\n", first);
	fflush(stdout);
	for (i = 0; i < CRASH_OBJS; i++)
		daos_obj_close(objs[i], NULL);
	daos_cont_close(coh, NULL);
	daos_pool_disconnect(poh, NULL);
	return daos_fini() == 0 ? 0 : 22;
}

/* Run the verifier; its value. */
static uint64_t
crash_verify(const char *ap)
{
	char     line[128] = {0};
	uint64_t v = 0;
	int      p[2], status;
	pid_t    pid;
	ssize_t  n;
	size_t   got = 0;
	time_t   t0 = time(NULL);

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execl(self_exe, self_exe, "verify", ap, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], line + got, sizeof(line) - 1 - got)) > 0)
		got += (size_t)n;
	close(p[0]);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (time(NULL) - t0 > 60) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("verifier hung");
		}
		usleep(10 * 1000);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("verifier failed (%d): %s", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			 line);
	assert_int_equal(sscanf(line, "ok %" SCNu64, &v), 1);
	return v;
}

static void
test_crash(void **state)
{
	struct srv     sv = {0};
	struct dc_sys *sys;
	char           ap[64], arg[32], fdarg[16];
	const char    *env = getenv("SRV_CRASH_KILLS");
	int            kills = env != NULL ? atoi(env) : 4, k;
	uint64_t       acked = 0, v, next = 1;
	int            p[2], status;
	pid_t          child;

	(void)state;
	srv_new(&sv, "libdaos_tx", TX_TARGETS, "cp", 256ull << 20);
	snprintf(ap, sizeof(ap), "127.0.0.1:%u", sv.sv_port);
	{
		/* the container, made by a short-lived client of its own */
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			execl(self_exe, self_exe, "mkcont", ap, (char *)NULL);
			_exit(127);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (k = 0; k < kills; k++) {
		uint64_t got = 0;
		ssize_t  n;

		assert_int_equal(pipe(p), 0);
		snprintf(arg, sizeof(arg), "%" PRIu64, next);
		snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
		child = fork();
		assert_true(child >= 0);
		if (child == 0) {
			close(p[0]);
			execl(self_exe, self_exe, "commit", ap, arg, fdarg, (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		/* let it commit a while (the first commits include its connect) */
		usleep((useconds_t)(300 + d_rand() % 400) * 1000);
		srv_stop(&sv, SIGKILL);
		kill(child, SIGKILL);
		assert_int_equal(waitpid(child, &status, 0), child);
		while ((n = read(p[0], &got, sizeof(got))) == sizeof(got))
			acked = MAX(acked, got);
		close(p[0]);
		srv_start(&sv);
		sys = srv_attach(&sv);
		dc_sys_detach(sys);
		v = crash_verify(ap);
		print_message("kill %d: last acknowledged %" PRIu64 ", all objects hold %" PRIu64
			      "\n",
			      k + 1, acked, v);
		assert_true(v >= acked);
		assert_true(v <= MAX(acked, next - 1) + 1);
		next = v + 1;
	}
	assert_true(acked > 0);
	srv_stop(&sv, SIGTERM);
	srv_rmdir(&sv);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_isolation),   cmocka_unit_test(test_atomic_multi),
	    cmocka_unit_test(test_conflict),    cmocka_unit_test(test_write_after_read),
	    cmocka_unit_test(test_snapshot_tx), cmocka_unit_test(test_async),
	    cmocka_unit_test(test_cond_race),
	    cmocka_unit_test(test_large),       cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_abort),
	    cmocka_unit_test(test_bad_handles), cmocka_unit_test(test_fuzz_commit),
	    cmocka_unit_test(test_crash),
	};

	self_exe = realpath("/proc/self/exe", NULL);
	if (argc == 5 && strcmp(argv[1], "commit") == 0)
		return crash_child(argv[2], strtoull(argv[3], NULL, 10), atoi(argv[4]));
	if (argc == 3 && strcmp(argv[1], "verify") == 0)
		return verify_child(argv[2]);
	if (argc == 3 && strcmp(argv[1], "mkcont") == 0)
		return mkcont_child(argv[2]);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("libdaos_tx", tests, setup, teardown);
}
