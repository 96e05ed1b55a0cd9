/*
 * libdaos against an in-memory model: a seeded random sequence of object
 * operations through the public API, each result checked against what the
 * model says it must be, over several objects of classes S1, S2 and SX in
 * one container, with server restarts (clean, and kill -9 with updates in
 * flight) after which the whole model is verified. Across half of the
 * restarts the same pool, container and object handles go on (the server
 * keeps them, libdaos sends the updates in flight again once it is back);
 * across the others they are closed and opened again. The server
 * aggregates with a 20 ms lag (DSTOR_AGG_LAG_MS), so old versions are
 * merged all the time under the checked reads.
 *
 * What runs: single values (small, and larger than the 16 KiB that travel
 * inline) and array extents (overlapping, holes, DAOS_REC_ANY), several iods
 * per call; punch of objects, dkeys and akeys; dkey, akey and recx listing
 * with tiny anchors and buffers (-DER_KEY2BIG and its retry); query_key;
 * the KV API; the array API; synchronous calls mixed with batches of
 * asynchronous ones on an event queue.
 *
 * Where DAOS leaves a choice the model accepts each allowed answer: a dkey
 * whose akeys were all punched may or may not still be listed; an update in
 * flight when the server was killed may or may not be there afterwards (all
 * of its iods or none) when it failed, but one whose event completed must be.
 *
 * Environment: LIBDAOS_MODEL_SEED (default: from the clock; printed),
 * LIBDAOS_MODEL_OPS (default 4000; SRV_CRASH_KILLS * 1000 when only that is
 * set, as in the _long run), LIBDAOS_MODEL_RESTART (ops between restarts,
 * default 400),
 * SRV_KEEP (keep the data directory).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>
#include <daos.h>
#include <gurt/common.h>
#include "srv_harness.h"

/* ---- sizes of the model ---- */
#define NOBJ     4     /* generic objects */
#define NDKEY    6
#define NAKEY    4     /* akeys 0, 1: single values; 2, 3: arrays (record size 1, 4) */
#define SV_MAX   24576 /* largest single value: above the inline limit */
#define ACELLS   8192  /* array akeys: records [0, ACELLS) */
#define NKV      2
#define NKVKEY   12
#define NARR     3     /* DAOS_OT_ARRAY (cell 1, 4), DAOS_OT_ARRAY_BYTE as DFS uses */
#define ARR_MAX  6000  /* array objects: cells [0, ARR_MAX) */
#define MAXIOD   3     /* iods of a random update or fetch (a full fetch: NAKEY) */
#define MAXREQ   8     /* asynchronous requests in flight */
#define POLL_MAX 120   /* seconds an event may take after a kill */

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint32_t
rn(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static void
rfill(uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

/* ---- the model ---- */

struct m_akey {
	uint32_t ma_sv_len; /* single value: 0 absent */
	uint8_t  ma_sv[SV_MAX];
	uint8_t  ma_cells[ACELLS * 4];
	uint8_t  ma_present[ACELLS];
};

struct m_dkey {
	bool          md_written; /* updated since its last punch: it may be listed */
	struct m_akey md_ak[NAKEY];
};

struct m_obj {
	daos_obj_id_t mo_oid;
	daos_handle_t mo_oh;
	bool          mo_uint64; /* DAOS_OT_MULTI_UINT64: uint64 dkeys and akeys */
	char          mo_dkname[NDKEY][48];
	uint64_t      mo_dkval[NDKEY];
	char          mo_akname[NAKEY][8];
	uint64_t      mo_akval[NAKEY];
	struct m_dkey mo_dk[NDKEY];
};

struct m_kv {
	daos_obj_id_t mk_oid;
	daos_handle_t mk_oh;
	uint32_t      mk_len[NKVKEY]; /* 0: absent */
	uint8_t      *mk_val[NKVKEY];
};

struct m_arr {
	daos_obj_id_t ma_oid;
	daos_handle_t ma_oh;
	daos_size_t   ma_cell, ma_chunk;
	uint8_t       ma_cells[ARR_MAX * 4];
	uint8_t       ma_present[ARR_MAX];
};

static struct m_obj *objs;
static struct m_kv   kvs[NKV];
static struct m_arr *arrs;

static const daos_oclass_id_t obj_class[NOBJ] = {OC_S1, OC_S2, OC_SX, OC_SX};
static const bool             obj_uint64[NOBJ] = {false, true, false, true};

static uint32_t
ak_rsize(int a)
{
	return a == 2 ? 1 : 4;
}

static bool
ak_is_array(int a)
{
	return a >= 2;
}

static bool
ak_live(const struct m_akey *ma, int a)
{
	uint32_t i;

	if (!ak_is_array(a))
		return ma->ma_sv_len > 0;
	for (i = 0; i < ACELLS; i++)
		if (ma->ma_present[i])
			return true;
	return false;
}

static bool
dk_live(const struct m_dkey *md)
{
	int a;

	for (a = 0; a < NAKEY; a++)
		if (ak_live(&md->md_ak[a], a))
			return true;
	return false;
}

static void
dk_punch(struct m_dkey *md)
{
	memset(md, 0, sizeof(*md));
}

static void
ak_punch(struct m_akey *ma)
{
	memset(ma, 0, sizeof(*ma));
}

static void
obj_keys_init(struct m_obj *o, int i)
{
	int d, a;

	o->mo_uint64 = obj_uint64[i];
	for (d = 0; d < NDKEY; d++) {
		/* names of different lengths, some long: the listings' buffers run short */
		snprintf(o->mo_dkname[d], sizeof(o->mo_dkname[d]), "dk%d-%.*s", d, d * 7,
			 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
		o->mo_dkval[d] = (uint64_t)d * 1000 + 7;
	}
	for (a = 0; a < NAKEY; a++) {
		snprintf(o->mo_akname[a], sizeof(o->mo_akname[a]), "ak%d", a);
		o->mo_akval[a] = (uint64_t)(a + 1) * 3;
	}
}

static void
dkey_iov(struct m_obj *o, int d, daos_key_t *k)
{
	if (o->mo_uint64)
		d_iov_set(k, &o->mo_dkval[d], sizeof(uint64_t));
	else
		d_iov_set(k, o->mo_dkname[d], strlen(o->mo_dkname[d]));
}

static void
akey_iov(struct m_obj *o, int a, daos_key_t *k)
{
	if (o->mo_uint64)
		d_iov_set(k, &o->mo_akval[a], sizeof(uint64_t));
	else
		d_iov_set(k, o->mo_akname[a], strlen(o->mo_akname[a]));
}

/* Index of the dkey (akey when akey) whose bytes are key, or -1. */
static int
key_index(struct m_obj *o, const void *key, size_t len, bool akey)
{
	int        i, n = akey ? NAKEY : NDKEY;
	daos_key_t k;

	for (i = 0; i < n; i++) {
		if (akey)
			akey_iov(o, i, &k);
		else
			dkey_iov(o, i, &k);
		if (k.iov_len == len && memcmp(k.iov_buf, key, len) == 0)
			return i;
	}
	return -1;
}

/* ---- the server and the handles ---- */

static struct srv    srv_m;
static daos_handle_t m_poh, m_coh, m_eqh;
static uint64_t      n_ops, n_restarts, n_kills, n_uncertain_new, n_uncertain_old;
static uint64_t      seed_used;
static uint64_t      n_key2big, n_rec2big, n_async, n_bulk;

static void arr_open(struct m_arr *ar, bool create);

static void
handles_open(bool create)
{
	int i;

	assert_int_equal(daos_pool_connect("mp", NULL, DAOS_PC_RW, &m_poh, NULL, NULL), 0);
	if (create)
		assert_int_equal(daos_cont_create_with_label(m_poh, "mc", NULL, NULL, NULL), 0);
	assert_int_equal(daos_cont_open(m_poh, "mc", DAOS_COO_RW, &m_coh, NULL, NULL), 0);
	for (i = 0; i < NOBJ; i++) {
		if (create) {
			objs[i].mo_oid = (daos_obj_id_t){.lo = 100 + i, .hi = 0};
			assert_int_equal(daos_obj_generate_oid(m_coh, &objs[i].mo_oid,
							       objs[i].mo_uint64 ? DAOS_OT_MULTI_UINT64
										 : DAOS_OT_MULTI_HASHED,
							       obj_class[i], 0, 0),
					 0);
		}
		assert_int_equal(daos_obj_open(m_coh, objs[i].mo_oid, DAOS_OO_RW, &objs[i].mo_oh,
					       NULL),
				 0);
	}
	for (i = 0; i < NKV; i++) {
		if (create) {
			kvs[i].mk_oid = (daos_obj_id_t){.lo = 200 + i, .hi = 0};
			assert_int_equal(daos_obj_generate_oid(m_coh, &kvs[i].mk_oid,
							       DAOS_OT_KV_HASHED,
							       i == 0 ? OC_S1 : OC_SX, 0, 0),
					 0);
		}
		assert_int_equal(daos_kv_open(m_coh, kvs[i].mk_oid, DAOS_OO_RW, &kvs[i].mk_oh, NULL),
				 0);
	}
	for (i = 0; i < NARR; i++) {
		if (create) {
			arrs[i].ma_oid   = (daos_obj_id_t){.lo = 300 + i, .hi = 0};
			arrs[i].ma_cell  = i == 1 ? 4 : 1;
			arrs[i].ma_chunk = i == 0 ? 4096 : i == 1 ? 1000 : 1500;
			if (i == 2)
				assert_int_equal(daos_obj_generate_oid(m_coh, &arrs[i].ma_oid,
								       DAOS_OT_ARRAY_BYTE, OC_SX, 0,
								       0),
						 0);
			else
				assert_int_equal(daos_array_generate_oid(m_coh, &arrs[i].ma_oid,
									 true, i == 0 ? OC_S2 : OC_SX,
									 0, 0),
						 0);
		}
		arr_open(&arrs[i], create);
	}
	assert_int_equal(daos_eq_create(&m_eqh), 0);
}

/* Create (or open) an array of the model: byte arrays keep no attributes. */
static void
arr_open(struct m_arr *ar, bool create)
{
	daos_size_t cell, chunk;

	if (daos_obj_id2type(ar->ma_oid) == DAOS_OT_ARRAY_BYTE) {
		assert_int_equal(daos_array_open_with_attr(m_coh, ar->ma_oid, DAOS_TX_NONE,
							   DAOS_OO_RW, ar->ma_cell, ar->ma_chunk,
							   &ar->ma_oh, NULL),
				 0);
		return;
	}
	if (create) {
		assert_int_equal(daos_array_create(m_coh, ar->ma_oid, DAOS_TX_NONE, ar->ma_cell,
						   ar->ma_chunk, &ar->ma_oh, NULL),
				 0);
		return;
	}
	assert_int_equal(daos_array_open(m_coh, ar->ma_oid, DAOS_TX_NONE, DAOS_OO_RW, &cell, &chunk,
					 &ar->ma_oh, NULL),
			 0);
	assert_int_equal(cell, ar->ma_cell);
	assert_int_equal(chunk, ar->ma_chunk);
}

/* Close every handle (server_alive false: whatever the server says). */
static void
handles_close(bool server_alive)
{
	int i, rc;

	for (i = 0; i < NOBJ; i++)
		assert_int_equal(daos_obj_close(objs[i].mo_oh, NULL), 0);
	for (i = 0; i < NKV; i++)
		assert_int_equal(daos_kv_close(kvs[i].mk_oh, NULL), 0);
	for (i = 0; i < NARR; i++)
		assert_int_equal(daos_array_close(arrs[i].ma_oh, NULL), 0);
	assert_int_equal(daos_eq_destroy(m_eqh, 0), 0);
	rc = daos_cont_close(m_coh, NULL);
	if (server_alive)
		assert_int_equal(rc, 0);
	rc = daos_pool_disconnect(m_poh, NULL);
	if (server_alive)
		assert_int_equal(rc, 0);
}

static void
server_wait(void)
{
	struct dc_sys *sys = srv_attach(&srv_m);

	dc_sys_detach(sys);
}

/* ---- object I/O requests: one update or fetch under one dkey ---- */

struct mio {
	bool          mi_fetch;
	bool          mi_small;        /* fetch: a single value's buffer is too small */
	int           mi_obj, mi_d, mi_nr;
	int           mi_ak[NAKEY];
	daos_key_t    mi_dkey;
	daos_iod_t    mi_iods[NAKEY];
	daos_recx_t   mi_recxs[NAKEY][3];
	d_sg_list_t   mi_sgls[NAKEY];
	d_iov_t       mi_iovs[NAKEY];
	uint8_t      *mi_buf[NAKEY];
	daos_size_t   mi_req_size[NAKEY]; /* fetch: the iod_size asked */
	struct m_dkey mi_before, mi_after;  /* update: the dkey's model either side */
	daos_event_t  mi_ev;
	bool          mi_busy;
};

static struct mio *mios; /* MAXREQ + 1, the last for synchronous calls */

/*
 * Random extents of an array akey, at times large; overlapping each other in
 * a fetch, not in an update (DAOS rejects that with -DER_INVAL).
 */
static uint32_t
pick_recxs(daos_recx_t *rx, uint32_t rsize, bool disjoint, bool small)
{
	uint32_t n = 1 + rn(3), i, j;

	for (i = 0; i < n; i++) {
		uint64_t len = rn(8) == 0 && !small ? 1 + rn(ACELLS) : 1 + rn(64);

		if (rsize == 1 && len > 2048 && rn(2) == 0)
			len = 2048;
		rx[i].rx_idx = rn((uint32_t)(ACELLS - len + 1));
		rx[i].rx_nr  = len;
		for (j = 0; disjoint && j < i; j++)
			if (rx[i].rx_idx < rx[j].rx_idx + rx[j].rx_nr &&
			    rx[j].rx_idx < rx[i].rx_idx + rx[i].rx_nr)
				return i; /* keep the ones before */
	}
	return n;
}

static void
mio_reset(struct mio *m)
{
	int i;

	for (i = 0; i < NAKEY; i++)
		D_FREE(m->mi_buf[i]);
	m->mi_nr    = 0;
	m->mi_small = false;
}

static void
pick_akeys(struct mio *m)
{
	int perm[NAKEY] = {0, 1, 2, 3}, i, j, t;

	for (i = NAKEY - 1; i > 0; i--) {
		j       = (int)rn((uint32_t)i + 1);
		t       = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	m->mi_nr = 1 + (int)rn(MAXIOD);
	for (i = 0; i < m->mi_nr; i++)
		m->mi_ak[i] = perm[i];
}

static void
mio_prep_update(struct mio *m, int o, int d)
{
	struct m_obj *ob = &objs[o];
	int           i;

	mio_reset(m);
	m->mi_fetch = false;
	m->mi_obj   = o;
	m->mi_d     = d;
	dkey_iov(ob, d, &m->mi_dkey);
	pick_akeys(m);
	m->mi_before = ob->mo_dk[d];
	m->mi_after  = ob->mo_dk[d];
	m->mi_after.md_written = true;
	for (i = 0; i < m->mi_nr; i++) {
		int            a   = m->mi_ak[i];
		daos_iod_t    *iod = &m->mi_iods[i];
		struct m_akey *ma  = &m->mi_after.md_ak[a];
		size_t         len;
		uint32_t       r;

		memset(iod, 0, sizeof(*iod));
		akey_iov(ob, a, &iod->iod_name);
		if (!ak_is_array(a)) {
			len = rn(6) == 0 ? 16385 + rn(SV_MAX - 16385) : 1 + rn(100);
			D_ALLOC(m->mi_buf[i], len);
			assert_non_null(m->mi_buf[i]);
			rfill(m->mi_buf[i], len);
			iod->iod_type = DAOS_IOD_SINGLE;
			iod->iod_size = len;
			iod->iod_nr   = 1;
			ma->ma_sv_len = (uint32_t)len;
			memcpy(ma->ma_sv, m->mi_buf[i], len);
		} else {
			uint32_t rsize = ak_rsize(a), n = pick_recxs(m->mi_recxs[i], rsize, true, false);
			size_t   off   = 0;

			len = 0;
			for (r = 0; r < n; r++)
				len += m->mi_recxs[i][r].rx_nr * rsize;
			D_ALLOC(m->mi_buf[i], len);
			assert_non_null(m->mi_buf[i]);
			rfill(m->mi_buf[i], len);
			iod->iod_type  = DAOS_IOD_ARRAY;
			iod->iod_size  = rsize;
			iod->iod_nr    = n;
			iod->iod_recxs = m->mi_recxs[i];
			for (r = 0; r < n; r++) {
				daos_recx_t *x = &m->mi_recxs[i][r];

				memcpy(ma->ma_cells + x->rx_idx * rsize, m->mi_buf[i] + off,
				       x->rx_nr * rsize);
				memset(ma->ma_present + x->rx_idx, 1, x->rx_nr);
				off += x->rx_nr * rsize;
			}
		}
		d_iov_set(&m->mi_iovs[i], m->mi_buf[i], len);
		m->mi_sgls[i].sg_nr     = 1;
		m->mi_sgls[i].sg_nr_out = 0;
		m->mi_sgls[i].sg_iovs   = &m->mi_iovs[i];
		n_bulk += len > 16384;
	}
}

/*
 * A fetch of random akeys of (o, d); when full (the verification), of every
 * akey (only: of akey only alone), whole arrays.
 */
static void
mio_prep_fetch(struct mio *m, int o, int d, bool full, int only)
{
	struct m_obj *ob = &objs[o];
	int           i, absent = 0;
	bool          big = false, small;

	mio_reset(m);
	m->mi_fetch = true;
	m->mi_obj   = o;
	m->mi_d     = d;
	dkey_iov(ob, d, &m->mi_dkey);
	if (only >= 0) {
		m->mi_nr    = 1;
		m->mi_ak[0] = only;
	} else if (full) {
		m->mi_nr = NAKEY;
		for (i = 0; i < NAKEY; i++)
			m->mi_ak[i] = i;
	} else {
		pick_akeys(m);
	}
	/* absent single values stay in fetches of any size (a bulk-sized fetch
	 * with an absent value once failed with -DER_PROTO); those with one keep
	 * their extents short now and then, for variety */
	for (i = 0; i < m->mi_nr; i++) {
		const struct m_akey *ma = &ob->mo_dk[d].md_ak[m->mi_ak[i]];

		absent += !ak_is_array(m->mi_ak[i]) && ma->ma_sv_len == 0;
		big |= !ak_is_array(m->mi_ak[i]) && ma->ma_sv_len > 4096;
	}
	small = absent > 0 && !big && !full;
	for (i = 0; i < m->mi_nr; i++) {
		int                  a   = m->mi_ak[i];
		daos_iod_t          *iod = &m->mi_iods[i];
		const struct m_akey *ma  = &ob->mo_dk[d].md_ak[a];
		size_t               cap;
		uint32_t             r, n;

		memset(iod, 0, sizeof(*iod));
		akey_iov(ob, a, &iod->iod_name);
		if (!ak_is_array(a)) {
			iod->iod_type = DAOS_IOD_SINGLE;
			iod->iod_nr   = 1;
			/* DAOS_REC_ANY mostly, else the exact size; at times too little room */
			iod->iod_size = (rn(3) == 0 && ma->ma_sv_len > 0) ? ma->ma_sv_len : DAOS_REC_ANY;
			cap           = SV_MAX;
			if (!full && ma->ma_sv_len > 1 && rn(10) == 0 && m->mi_nr == 1) {
				cap         = rn(ma->ma_sv_len);
				m->mi_small = true;
			}
		} else {
			uint32_t rsize = ak_rsize(a);

			iod->iod_type = DAOS_IOD_ARRAY;
			iod->iod_size = (rn(4) == 0 && ak_live(ma, a)) ? DAOS_REC_ANY : rsize;
			if (full) {
				m->mi_recxs[i][0].rx_idx = 0;
				m->mi_recxs[i][0].rx_nr  = ACELLS;
				n                        = 1;
			} else {
				n = pick_recxs(m->mi_recxs[i], rsize, false, small);
			}
			iod->iod_nr    = n;
			iod->iod_recxs = m->mi_recxs[i];
			cap            = 0;
			for (r = 0; r < n; r++)
				cap += m->mi_recxs[i][r].rx_nr * rsize;
		}
		m->mi_req_size[i] = iod->iod_size;
		D_ALLOC(m->mi_buf[i], cap + 1); /* zeroed: holes read as zeros */
		assert_non_null(m->mi_buf[i]);
		d_iov_set(&m->mi_iovs[i], m->mi_buf[i], cap);
		m->mi_sgls[i].sg_nr     = 1;
		m->mi_sgls[i].sg_nr_out = 0;
		m->mi_sgls[i].sg_iovs   = &m->mi_iovs[i];
	}
}

static int
mio_submit(struct mio *m, daos_event_t *ev)
{
	daos_handle_t oh = objs[m->mi_obj].mo_oh;

	if (m->mi_fetch)
		return daos_obj_fetch(oh, DAOS_TX_NONE, 0, &m->mi_dkey, (unsigned int)m->mi_nr,
				      m->mi_iods, m->mi_sgls, NULL, ev);
	return daos_obj_update(oh, DAOS_TX_NONE, 0, &m->mi_dkey, (unsigned int)m->mi_nr,
			       m->mi_iods, m->mi_sgls, ev);
}

#define MFAIL(m, fmt, ...)                                                                         \
	do {                                                                                       \
		mio_dump(m);                                                                       \
		fail_msg("op %" PRIu64 " (seed %" PRIu64 ") obj %d dkey %d: " fmt, n_ops,          \
			 seed_used, (m)->mi_obj, (m)->mi_d, ##__VA_ARGS__);                        \
	} while (0)

/* What a failed request asked, to read with its seed. */
static void
mio_dump(const struct mio *m)
{
	int i;
	uint32_t r;

	print_message("%s of %d iods:\n", m->mi_fetch ? "fetch" : "update", m->mi_nr);
	for (i = 0; i < m->mi_nr; i++) {
		const daos_iod_t *iod = &m->mi_iods[i];

		print_message("  akey %d %s size %" PRIu64 " (asked %" PRIu64 ") room %zu:", m->mi_ak[i],
			      iod->iod_type == DAOS_IOD_SINGLE ? "single" : "array", iod->iod_size,
			      m->mi_req_size[i], m->mi_iovs[i].iov_buf_len);
		for (r = 0; iod->iod_type == DAOS_IOD_ARRAY && r < iod->iod_nr; r++)
			print_message(" [%" PRIu64 ", +%" PRIu64 ")", iod->iod_recxs[r].rx_idx,
				      iod->iod_recxs[r].rx_nr);
		print_message("\n");
	}
}

/* Compare a fetch's result with a dkey's model (the current one, or one given). */
static void
mio_check_fetch(struct mio *m, int rc, const struct m_dkey *md)
{
	int i;

	if (md == NULL)
		md = &objs[m->mi_obj].mo_dk[m->mi_d];
	if (m->mi_small) {
		const struct m_akey *ma = &md->md_ak[m->mi_ak[0]];

		n_rec2big++;
		if (rc != -DER_REC2BIG)
			MFAIL(m, "fetch into %zu bytes of a %u-byte value: %d, not -DER_REC2BIG",
			      m->mi_iovs[0].iov_buf_len, ma->ma_sv_len, rc);
		if (m->mi_iods[0].iod_size != ma->ma_sv_len)
			MFAIL(m, "-DER_REC2BIG gave iod_size %" PRIu64 ", the value has %u",
			      m->mi_iods[0].iod_size, ma->ma_sv_len);
		return;
	}
	if (rc != 0)
		MFAIL(m, "fetch: %d (%s)", rc, d_errstr(rc));
	for (i = 0; i < m->mi_nr; i++) {
		int                  a  = m->mi_ak[i];
		const struct m_akey *ma = &md->md_ak[a];
		daos_iod_t          *iod = &m->mi_iods[i];

		if (!ak_is_array(a)) {
			if (iod->iod_size != ma->ma_sv_len)
				MFAIL(m, "akey %d: iod_size %" PRIu64 ", model %u", a,
				      iod->iod_size, ma->ma_sv_len);
			if (ma->ma_sv_len > 0 && m->mi_iovs[i].iov_len != ma->ma_sv_len)
				MFAIL(m, "akey %d: iov_len %zu, model %u", a, m->mi_iovs[i].iov_len,
				      ma->ma_sv_len);
			if (memcmp(m->mi_buf[i], ma->ma_sv, ma->ma_sv_len) != 0)
				MFAIL(m, "akey %d: single value of %u bytes differs", a,
				      ma->ma_sv_len);
		} else {
			uint32_t rsize = ak_rsize(a), r;
			size_t   off   = 0;
			bool     live  = ak_live(ma, a);

			if (live && iod->iod_size != rsize)
				MFAIL(m, "akey %d: iod_size %" PRIu64 " (asked %" PRIu64 "), record %u",
				      a, iod->iod_size, m->mi_req_size[i], rsize);
			if (!live && m->mi_req_size[i] == DAOS_REC_ANY && iod->iod_size != 0)
				MFAIL(m, "akey %d: no records, yet iod_size %" PRIu64, a,
				      iod->iod_size);
			for (r = 0; r < iod->iod_nr; r++) {
				daos_recx_t *x = &m->mi_recxs[i][r];
				uint64_t     c;

				for (c = x->rx_idx; c < x->rx_idx + x->rx_nr; c++) {
					const uint8_t *got  = m->mi_buf[i] + off;
					static const uint8_t zero[4];
					const uint8_t *want = ma->ma_present[c]
								  ? ma->ma_cells + c * rsize
								  : zero;

					if (memcmp(got, want, rsize) != 0)
						MFAIL(m, "akey %d: record %" PRIu64 " (%s) differs", a,
						      c, ma->ma_present[c] ? "written" : "hole");
					off += rsize;
				}
			}
		}
	}
}

static void
mio_apply(struct mio *m)
{
	objs[m->mi_obj].mo_dk[m->mi_d] = m->mi_after;
}

/*
 * A conditional update (DAOS_COND_DKEY_* / DAOS_COND_AKEY_*): it fails with
 * -DER_EXIST or -DER_NONEXIST, changing nothing, or applies. Where DAOS
 * leaves it open (does a dkey whose akeys were all punched exist?) either.
 */
static void
op_io_cond(struct mio *m)
{
	const struct m_dkey *md = &objs[m->mi_obj].mo_dk[m->mi_d];
	uint64_t             flags;
	int                  want, rc, i, live = 0;
	bool                 open_case = false;

	for (i = 0; i < m->mi_nr; i++)
		live += ak_live(&md->md_ak[m->mi_ak[i]], m->mi_ak[i]);
	switch (rn(4)) {
	case 0:
		flags = DAOS_COND_DKEY_INSERT;
		want  = dk_live(md) ? -DER_EXIST : 0;
		open_case = md->md_written && !dk_live(md);
		break;
	case 1:
		flags = DAOS_COND_DKEY_UPDATE;
		want  = dk_live(md) ? 0 : -DER_NONEXIST;
		open_case = md->md_written && !dk_live(md);
		break;
	case 2:
		flags = DAOS_COND_AKEY_INSERT;
		want  = live > 0 ? -DER_EXIST : 0;
		break;
	default:
		flags = DAOS_COND_AKEY_UPDATE;
		want  = live == m->mi_nr ? 0 : -DER_NONEXIST;
		break;
	}
	rc = daos_obj_update(objs[m->mi_obj].mo_oh, DAOS_TX_NONE, flags, &m->mi_dkey,
			     (unsigned int)m->mi_nr, m->mi_iods, m->mi_sgls, NULL);
	if (rc != want && !(open_case && (rc == 0 || rc == -want)))
		MFAIL(m, "conditional update (flags %#" PRIx64 "): %d, model %d", flags, rc, want);
	if (rc == 0)
		mio_apply(m);
}

/* A synchronous update or fetch, checked. */
static void
op_io_sync(bool fetch)
{
	struct mio *m = &mios[MAXREQ];
	int         o = (int)rn(NOBJ), d = (int)rn(NDKEY), rc;

	if (fetch) {
		mio_prep_fetch(m, o, d, false, -1);
		mio_check_fetch(m, mio_submit(m, NULL), NULL);
		return;
	}
	mio_prep_update(m, o, d);
	if (rn(4) == 0) {
		op_io_cond(m);
		return;
	}
	rc = mio_submit(m, NULL);
	if (rc != 0)
		MFAIL(m, "update: %d (%s)", rc, d_errstr(rc));
	mio_apply(m);
}

/* Wait (bounded) for every busy request's event; returns how many completed. */
static int
mios_reap(bool check, int *failed)
{
	daos_event_t *done[MAXREQ];
	int           busy = 0, got = 0, i, n, waited = 0;

	for (i = 0; i < MAXREQ; i++)
		busy += mios[i].mi_busy;
	while (got < busy) {
		n = daos_eq_poll(m_eqh, 1, 1000 * 1000, MAXREQ, done);
		assert_true(n >= 0);
		if (n == 0 && ++waited > POLL_MAX)
			fail_msg("%d asynchronous requests never completed", busy - got);
		for (i = 0; i < n; i++) {
			struct mio *m = container_of(done[i], struct mio, mi_ev);
			int         rc = done[i]->ev_error;

			assert_true(m->mi_busy);
			m->mi_busy = false;
			got++;
			if (!check) {
				/* across a kill: a completed update was acknowledged */
				if (!m->mi_fetch && rc == 0)
					mio_apply(m);
				else if (!m->mi_fetch)
					failed[m - mios] = 1;
				continue;
			}
			if (m->mi_fetch) {
				mio_check_fetch(m, rc, NULL);
			} else {
				if (rc != 0)
					MFAIL(m, "async update: %d (%s)", rc, d_errstr(rc));
				mio_apply(m);
			}
		}
	}
	return got;
}

/*
 * A batch of asynchronous updates and fetches on distinct dkeys (so their
 * order does not matter), a synchronous fetch of another dkey while they fly.
 */
static void
op_io_async(void)
{
	bool used[NOBJ][NDKEY] = {{false}};
	int  k = 2 + (int)rn(MAXREQ - 1), i, rc;

	for (i = 0; i < k; i++) {
		struct mio *m = &mios[i];
		int         o, d;

		do {
			o = (int)rn(NOBJ);
			d = (int)rn(NDKEY);
		} while (used[o][d]);
		used[o][d] = true;
		if (rn(2) == 0)
			mio_prep_fetch(m, o, d, false, -1);
		else
			mio_prep_update(m, o, d);
		assert_int_equal(daos_event_init(&m->mi_ev, m_eqh, NULL), 0);
		rc = mio_submit(m, &m->mi_ev);
		if (rc != 0)
			MFAIL(m, "async submit: %d", rc);
		m->mi_busy = true;
		n_async++;
	}
	{
		struct mio *m = &mios[MAXREQ];
		int         o, d;

		do {
			o = (int)rn(NOBJ);
			d = (int)rn(NDKEY);
		} while (used[o][d]);
		mio_prep_fetch(m, o, d, false, -1);
		mio_check_fetch(m, mio_submit(m, NULL), NULL);
	}
	mios_reap(true, NULL);
	for (i = 0; i < k; i++)
		assert_int_equal(daos_event_fini(&mios[i].mi_ev), 0);
}

/* ---- punch ---- */

static void
op_punch(void)
{
	int           o = (int)rn(NOBJ), d = (int)rn(NDKEY), r = (int)rn(20);
	struct m_obj *ob = &objs[o];
	daos_key_t    dk, aks[2];
	int           rc, a0, a1;

	if (r == 0) {
		rc = daos_obj_punch(ob->mo_oh, DAOS_TX_NONE, 0, NULL);
		assert_int_equal(rc, 0);
		for (d = 0; d < NDKEY; d++)
			dk_punch(&ob->mo_dk[d]);
	} else if (r < 8) {
		daos_key_t dks[2];
		int        d1 = (d + 1 + (int)rn(NDKEY - 1)) % NDKEY, nr = 1 + (int)rn(2);

		dkey_iov(ob, d, &dks[0]);
		dkey_iov(ob, d1, &dks[1]);
		rc = daos_obj_punch_dkeys(ob->mo_oh, DAOS_TX_NONE, 0, (unsigned int)nr, dks, NULL);
		assert_int_equal(rc, 0);
		dk_punch(&ob->mo_dk[d]);
		if (nr == 2)
			dk_punch(&ob->mo_dk[d1]);
	} else if (r < 10) {
		/* conditional: -DER_NONEXIST when absent */
		dkey_iov(ob, d, &dk);
		rc = daos_obj_punch_dkeys(ob->mo_oh, DAOS_TX_NONE, DAOS_COND_PUNCH, 1, &dk, NULL);
		if (dk_live(&ob->mo_dk[d]))
			assert_int_equal(rc, 0);
		else if (!ob->mo_dk[d].md_written)
			assert_int_equal(rc, -DER_NONEXIST);
		else
			assert_true(rc == 0 || rc == -DER_NONEXIST);
		dk_punch(&ob->mo_dk[d]);
	} else {
		int nr = 1 + (int)rn(2);

		a0 = (int)rn(NAKEY);
		a1 = (a0 + 1 + (int)rn(NAKEY - 1)) % NAKEY;
		dkey_iov(ob, d, &dk);
		akey_iov(ob, a0, &aks[0]);
		akey_iov(ob, a1, &aks[1]);
		rc = daos_obj_punch_akeys(ob->mo_oh, DAOS_TX_NONE, 0, &dk, (unsigned int)nr, aks,
					  NULL);
		assert_int_equal(rc, 0);
		ak_punch(&ob->mo_dk[d].md_ak[a0]);
		if (nr == 2)
			ak_punch(&ob->mo_dk[d].md_ak[a1]);
	}
}

/* ---- listing ---- */

/*
 * Enumerate dkeys (dkey NULL) or akeys of o with tiny nr and buffers, the
 * first-key-too-big case retried with the room asked for. seen[i]: key i
 * was listed (twice fails).
 */
static void
list_keys(struct m_obj *ob, int d, bool *seen)
{
	daos_anchor_t   anchor = DAOS_ANCHOR_INIT;
	daos_key_desc_t kds[5];
	char            buf[256];
	d_sg_list_t     sgl;
	d_iov_t         iov;
	daos_key_t      dk;
	uint32_t        nr, i, room, calls = 0;
	int             rc, n = d < 0 ? NDKEY : NAKEY, prev = -1;

	memset(seen, 0, sizeof(bool) * (size_t)n);
	if (d >= 0)
		dkey_iov(ob, d, &dk);
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	room        = rn(3) == 0 ? 1 + rn(12) : sizeof(buf);
	while (!daos_anchor_is_eof(&anchor)) {
		size_t off = 0;

		assert_true(++calls < 200);
		nr = 1 + rn(5);
		d_iov_set(&iov, buf, room);
		sgl.sg_nr_out = 0;
		if (d < 0)
			rc = daos_obj_list_dkey(ob->mo_oh, DAOS_TX_NONE, &nr, kds, &sgl, &anchor,
						NULL);
		else
			rc = daos_obj_list_akey(ob->mo_oh, DAOS_TX_NONE, &dk, &nr, kds, &sgl,
						&anchor, NULL);
		if (rc == -DER_KEY2BIG) {
			if (kds[0].kd_key_len <= room || kds[0].kd_key_len > sizeof(buf))
				fail_msg("op %" PRIu64 ": -DER_KEY2BIG with %u bytes of room asks "
					 "for %" PRIu64, n_ops, room, kds[0].kd_key_len);
			room = (uint32_t)kds[0].kd_key_len;
			n_key2big++;
			continue;
		}
		if (rc != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): list %s: %d (%s)", n_ops,
				 seed_used, d < 0 ? "dkeys" : "akeys", rc, d_errstr(rc));
		for (i = 0; i < nr; i++) {
			int k;

			assert_true(off + kds[i].kd_key_len <= room);
			k = key_index(ob, buf + off, kds[i].kd_key_len, d >= 0);
			if (k < 0)
				fail_msg("op %" PRIu64 ": listed a key never written", n_ops);
			if (seen[k])
				fail_msg("op %" PRIu64 ": key %d listed twice", n_ops, k);
			/* uint64 keys enumerate in numeric order (ours increase with k) */
			if (ob->mo_uint64 && k < prev)
				fail_msg("op %" PRIu64 " (seed %" PRIu64 "): uint64 %s out of order",
					 n_ops, seed_used, d < 0 ? "dkeys" : "akeys");
			prev    = k;
			seen[k] = true;
			off += kds[i].kd_key_len;
		}
	}
}

static void
check_dkey_list(int o)
{
	struct m_obj *ob = &objs[o];
	bool          seen[NDKEY];
	int           d;

	list_keys(ob, -1, seen);
	for (d = 0; d < NDKEY; d++) {
		if (dk_live(&ob->mo_dk[d]) && !seen[d])
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): obj %d dkey %d holds values, "
				 "not listed", n_ops, seed_used, o, d);
		if (seen[d] && !ob->mo_dk[d].md_written)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): obj %d dkey %d listed, "
				 "punched", n_ops, seed_used, o, d);
	}
}

static void
check_akey_list(int o, int d)
{
	struct m_obj *ob = &objs[o];
	bool          seen[NAKEY];
	int           a;

	list_keys(ob, d, seen);
	for (a = 0; a < NAKEY; a++)
		if (seen[a] != ak_live(&ob->mo_dk[d].md_ak[a], a))
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): obj %d dkey %d akey %d %s", n_ops,
				 seed_used, o, d, a, seen[a] ? "listed, not there" : "not listed");
}

/* The extents listed must cover exactly the records written. */
static void
check_recx_list(int o, int d, int a)
{
	struct m_obj        *ob = &objs[o];
	const struct m_akey *ma = &ob->mo_dk[d].md_ak[a];
	daos_anchor_t        anchor = DAOS_ANCHOR_INIT;
	daos_recx_t          rx[4];
	daos_size_t          size;
	daos_key_t           dk, ak;
	static uint8_t       cover[ACELLS];
	uint32_t             nr, i, calls = 0;
	uint64_t             c, last;
	bool                 incr = rn(3) != 0; /* a third of the listings descend */
	int                  rc;

	last = incr ? 0 : UINT64_MAX;
	memset(cover, 0, sizeof(cover));
	dkey_iov(ob, d, &dk);
	akey_iov(ob, a, &ak);
	while (!daos_anchor_is_eof(&anchor)) {
		assert_true(++calls < 10000);
		nr = 1 + rn(4);
		rc = daos_obj_list_recx(ob->mo_oh, DAOS_TX_NONE, &dk, &ak, &size, &nr, rx, NULL,
					&anchor, incr, NULL);
		if (rc == -DER_NONEXIST && !ak_live(ma, a))
			break;
		if (rc != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): list recx obj %d dkey %d akey %d: "
				 "%d (%s)", n_ops, seed_used, o, d, a, rc, d_errstr(rc));
		for (i = 0; i < nr; i++) {
			if (rx[i].rx_nr == 0 || rx[i].rx_idx + rx[i].rx_nr > ACELLS)
				fail_msg("op %" PRIu64 ": listed extent [%" PRIu64 ", +%" PRIu64 ")",
					 n_ops, rx[i].rx_idx, rx[i].rx_nr);
			if (incr ? rx[i].rx_idx < last : rx[i].rx_idx > last)
				fail_msg("op %" PRIu64 " (seed %" PRIu64 "): extents out of %s order",
					 n_ops, seed_used, incr ? "increasing" : "decreasing");
			last = rx[i].rx_idx;
			if (size != ak_rsize(a))
				fail_msg("op %" PRIu64 ": listed record size %" PRIu64, n_ops, size);
			for (c = rx[i].rx_idx; c < rx[i].rx_idx + rx[i].rx_nr; c++)
				cover[c] = 1;
		}
	}
	for (c = 0; c < ACELLS; c++)
		if (cover[c] != ma->ma_present[c])
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): obj %d dkey %d akey %d record %" PRIu64
				 " %s", n_ops, seed_used, o, d, a, c,
				 cover[c] ? "listed, a hole" : "written, not listed");
}

static void
op_list(void)
{
	int o = (int)rn(NOBJ), d = (int)rn(NDKEY), r = (int)rn(3);

	if (r == 0)
		check_dkey_list(o);
	else if (r == 1)
		check_akey_list(o, d);
	else
		check_recx_list(o, d, 2 + (int)rn(2));
}

/* ---- query_key (uint64 objects) ---- */

static void
op_query(void)
{
	int           o = rn(2) == 0 ? 1 : 3, d = (int)rn(NDKEY), a, i, rc;
	struct m_obj *ob = &objs[o];
	bool          max = rn(2) == 0;
	uint64_t      dv = 0, av = 0;
	daos_key_t    dk, ak;
	daos_recx_t   rx = {0};
	uint64_t      flags = max ? DAOS_GET_MAX : DAOS_GET_MIN;
	int           kind = (int)rn(3);

	if (kind == 0) {
		/* the largest or smallest dkey */
		int want = -1, allowed = 0;

		d_iov_set(&dk, &dv, sizeof(dv));
		d_iov_set(&ak, &av, sizeof(av));
		rc = daos_obj_query_key(ob->mo_oh, DAOS_TX_NONE, flags | DAOS_GET_DKEY, &dk, NULL,
					NULL, NULL);
		for (i = 0; i < NDKEY; i++) {
			int j = max ? NDKEY - 1 - i : i;

			allowed += ob->mo_dk[j].md_written;
			if (want < 0 && dk_live(&ob->mo_dk[j]))
				want = j;
		}
		if (allowed == 0) {
			if (rc != -DER_NONEXIST)
				fail_msg("op %" PRIu64 " (seed %" PRIu64 "): query dkey of an empty "
					 "object: %d", n_ops, seed_used, rc);
			return;
		}
		if (rc == -DER_NONEXIST && want < 0)
			return;
		if (rc != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): query dkey: %d", n_ops,
				 seed_used, rc);
		i = key_index(ob, &dv, sizeof(dv), false);
		if (i < 0 || !ob->mo_dk[i].md_written ||
		    (want >= 0 && (max ? i < want : i > want)))
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): query %s dkey of obj %d gave %" PRIu64
				 ", model %d", n_ops, seed_used, max ? "max" : "min", o, dv, want);
		return;
	}
	dkey_iov(ob, d, &dk);
	if (kind == 1) {
		/* the largest or smallest akey of dkey d */
		int want = -1;

		d_iov_set(&ak, &av, sizeof(av));
		rc = daos_obj_query_key(ob->mo_oh, DAOS_TX_NONE, flags | DAOS_GET_AKEY, &dk, &ak,
					NULL, NULL);
		for (i = 0; i < NAKEY; i++) {
			int j = max ? NAKEY - 1 - i : i;

			if (want < 0 && ak_live(&ob->mo_dk[d].md_ak[j], j))
				want = j;
		}
		if (want < 0) {
			if (rc != -DER_NONEXIST)
				fail_msg("op %" PRIu64 " (seed %" PRIu64 "): query akey of an empty "
					 "dkey: %d", n_ops, seed_used, rc);
			return;
		}
		if (rc != 0 || av != ob->mo_akval[want])
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): query %s akey obj %d dkey %d: "
				 "%d, %" PRIu64 ", model %" PRIu64, n_ops, seed_used,
				 max ? "max" : "min", o, d, rc, av, ob->mo_akval[want]);
		return;
	}
	/* the end of an array akey's records */
	a = 2 + (int)rn(2);
	akey_iov(ob, a, &ak);
	rc = daos_obj_query_key(ob->mo_oh, DAOS_TX_NONE, flags | DAOS_GET_RECX, &dk, &ak, &rx,
				NULL);
	{
		const struct m_akey *ma = &ob->mo_dk[d].md_ak[a];
		int64_t              lo = -1, hi = -1, c;

		for (c = 0; c < ACELLS; c++)
			if (ma->ma_present[c]) {
				if (lo < 0)
					lo = c;
				hi = c;
			}
		if (lo < 0) {
			if (rc != -DER_NONEXIST && !(rc == 0 && rx.rx_nr == 0))
				fail_msg("op %" PRIu64 " (seed %" PRIu64 "): query recx of no "
					 "records: %d, nr %" PRIu64, n_ops, seed_used, rc, rx.rx_nr);
			return;
		}
		if (rc != 0 || rx.rx_nr == 0 ||
		    (max ? rx.rx_idx + rx.rx_nr != (uint64_t)hi + 1 : rx.rx_idx != (uint64_t)lo))
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): query %s recx obj %d dkey %d akey "
				 "%d: %d, [%" PRIu64 ", +%" PRIu64 "), records [%" PRId64 ", %" PRId64
				 "]", n_ops, seed_used, max ? "max" : "min", o, d, a, rc, rx.rx_idx,
				 rx.rx_nr, lo, hi);
	}
}

/* ---- KV ---- */

static void
kv_key(int k, char *name, size_t len)
{
	snprintf(name, len, "kv-key-%d", k);
}

static void
check_kv_get(struct m_kv *kv, int k)
{
	char        name[32];
	daos_size_t size;
	uint8_t    *buf;
	int         rc;

	kv_key(k, name, sizeof(name));
	/* ask the size only */
	size = DAOS_REC_ANY;
	rc   = daos_kv_get(kv->mk_oh, DAOS_TX_NONE, 0, name, &size, NULL, NULL);
	if (rc != 0 || size != kv->mk_len[k])
		fail_msg("op %" PRIu64 " (seed %" PRIu64 "): kv size of %s: %d, %" PRIu64
			 ", model %u", n_ops, seed_used, name, rc, size, kv->mk_len[k]);
	D_ALLOC(buf, SV_MAX);
	assert_non_null(buf);
	size = SV_MAX;
	rc   = daos_kv_get(kv->mk_oh, DAOS_TX_NONE, 0, name, &size, buf, NULL);
	if (rc != 0 || size != kv->mk_len[k] ||
	    (size > 0 && memcmp(buf, kv->mk_val[k], size) != 0))
		fail_msg("op %" PRIu64 " (seed %" PRIu64 "): kv get %s: %d, %" PRIu64
			 " bytes, model %u", n_ops, seed_used, name, rc, size, kv->mk_len[k]);
	if (kv->mk_len[k] > 1) {
		size = kv->mk_len[k] - 1;
		rc   = daos_kv_get(kv->mk_oh, DAOS_TX_NONE, 0, name, &size, buf, NULL);
		if (rc != -DER_REC2BIG || size != kv->mk_len[k])
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): kv get %s into too little: "
				 "%d, size %" PRIu64, n_ops, seed_used, name, rc, size);
	}
	D_FREE(buf);
}

static void
check_kv_list(struct m_kv *kv)
{
	daos_anchor_t   anchor = DAOS_ANCHOR_INIT;
	daos_key_desc_t kds[4];
	char            buf[128], name[32];
	d_sg_list_t     sgl;
	d_iov_t         iov;
	bool            seen[NKVKEY] = {false};
	uint32_t        nr, i, calls = 0, room = rn(3) == 0 ? 1 + rn(8) : sizeof(buf);
	int             k, rc;

	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	while (!daos_anchor_is_eof(&anchor)) {
		size_t off = 0;

		assert_true(++calls < 200);
		nr = 1 + rn(4);
		d_iov_set(&iov, buf, room);
		rc = daos_kv_list(kv->mk_oh, DAOS_TX_NONE, &nr, kds, &sgl, &anchor, NULL);
		if (rc == -DER_KEY2BIG && kds[0].kd_key_len > room &&
		    kds[0].kd_key_len <= sizeof(buf)) {
			room = (uint32_t)kds[0].kd_key_len; /* the room asked for */
			n_key2big++;
			continue;
		}
		if (rc != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): kv list with %u bytes: %d, key %" PRIu64,
				 n_ops, seed_used, room, rc, kds[0].kd_key_len);
		for (i = 0; i < nr; i++) {
			for (k = 0; k < NKVKEY; k++) {
				kv_key(k, name, sizeof(name));
				if (strlen(name) == kds[i].kd_key_len &&
				    memcmp(name, buf + off, kds[i].kd_key_len) == 0)
					break;
			}
			if (k == NKVKEY || seen[k])
				fail_msg("op %" PRIu64 ": kv list: unknown or repeated key", n_ops);
			seen[k] = true;
			off += kds[i].kd_key_len;
		}
	}
	for (k = 0; k < NKVKEY; k++)
		if (seen[k] != (kv->mk_len[k] > 0))
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): kv key %d %s", n_ops, seed_used, k,
				 seen[k] ? "listed, removed" : "not listed");
}

static void
op_kv(void)
{
	struct m_kv *kv = &kvs[rn(NKV)];
	int          k  = (int)rn(NKVKEY), r = (int)rn(10), rc;
	char         name[32];

	kv_key(k, name, sizeof(name));
	if (r < 4) {
		uint32_t len = rn(5) == 0 ? 16385 + rn(SV_MAX - 16385) : 1 + rn(200);
		bool     insert = rn(4) == 0;

		if (insert && kv->mk_len[k] > 0) {
			uint8_t one = 1;

			rc = daos_kv_put(kv->mk_oh, DAOS_TX_NONE, DAOS_COND_KEY_INSERT, name, 1, &one,
					 NULL);
			if (rc != -DER_EXIST)
				fail_msg("op %" PRIu64 " (seed %" PRIu64 "): insert of existing %s: %d",
					 n_ops, seed_used, name, rc);
			return;
		}
		{
			uint8_t *nv;

			D_REALLOC_NZ(nv, kv->mk_val[k], len);
			assert_non_null(nv);
			kv->mk_val[k] = nv;
		}
		rfill(kv->mk_val[k], len);
		rc = daos_kv_put(kv->mk_oh, DAOS_TX_NONE, insert ? DAOS_COND_KEY_INSERT : 0, name,
				 len, kv->mk_val[k], NULL);
		if (rc != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): kv put %s: %d", n_ops, seed_used,
				 name, rc);
		kv->mk_len[k] = len;
	} else if (r < 7) {
		check_kv_get(kv, k);
	} else if (r < 9) {
		rc = daos_kv_remove(kv->mk_oh, DAOS_TX_NONE, 0, name, NULL);
		if (rc != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): kv remove %s: %d", n_ops,
				 seed_used, name, rc);
		kv->mk_len[k] = 0;
	} else {
		check_kv_list(kv);
	}
}

/* Reap n events of the model's EQ (bounded), failing on any error. */
static void
reap_n(int n, const char *what)
{
	daos_event_t *done[MAXREQ];
	int           got = 0, k, waited = 0;

	while (got < n) {
		k = daos_eq_poll(m_eqh, 1, 1000 * 1000, MAXREQ, done);
		assert_true(k >= 0);
		if (k == 0 && ++waited > POLL_MAX)
			fail_msg("%s: %d events never completed", what, n - got);
		while (k-- > 0)
			if (done[k]->ev_error != 0)
				fail_msg("op %" PRIu64 " (seed %" PRIu64 "): async %s: %d", n_ops,
					 seed_used, what, done[k]->ev_error);
			else
				got++;
	}
}

/* Puts of distinct keys in flight at once, then their gets in flight at once. */
static void
op_kv_async(void)
{
	struct m_kv *kv = &kvs[rn(NKV)];
	daos_event_t evs[MAXREQ];
	uint8_t     *vals[MAXREQ], *backs[MAXREQ];
	daos_size_t  lens[MAXREQ], sizes[MAXREQ];
	char         names[MAXREQ][32];
	int          keys[MAXREQ], n = 2 + (int)rn(MAXREQ - 1), i, first = (int)rn(NKVKEY);

	D_CASSERT(MAXREQ <= NKVKEY);
	for (i = 0; i < n; i++) {
		keys[i] = (first + i) % NKVKEY;
		kv_key(keys[i], names[i], sizeof(names[i]));
		lens[i] = rn(5) == 0 ? 16385 + rn(SV_MAX - 16385) : 1 + rn(200);
		D_ALLOC(vals[i], lens[i]);
		D_ALLOC(backs[i], SV_MAX);
		assert_non_null(vals[i]);
		assert_non_null(backs[i]);
		rfill(vals[i], lens[i]);
		assert_int_equal(daos_event_init(&evs[i], m_eqh, NULL), 0);
		assert_int_equal(daos_kv_put(kv->mk_oh, DAOS_TX_NONE, 0, names[i], lens[i], vals[i],
					     &evs[i]),
				 0);
		n_async++;
	}
	reap_n(n, "kv put");
	for (i = 0; i < n; i++) {
		D_FREE(kv->mk_val[keys[i]]);
		kv->mk_val[keys[i]] = vals[i];
		kv->mk_len[keys[i]] = (uint32_t)lens[i];
		assert_int_equal(daos_event_fini(&evs[i]), 0);
		assert_int_equal(daos_event_init(&evs[i], m_eqh, NULL), 0);
		sizes[i] = SV_MAX;
		assert_int_equal(daos_kv_get(kv->mk_oh, DAOS_TX_NONE, 0, names[i], &sizes[i],
					     backs[i], &evs[i]),
				 0);
	}
	reap_n(n, "kv get");
	for (i = 0; i < n; i++) {
		if (sizes[i] != lens[i] || memcmp(backs[i], vals[i], lens[i]) != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): async kv get %s: %" PRIu64
				 " bytes, put %" PRIu64, n_ops, seed_used, names[i], sizes[i],
				 lens[i]);
		assert_int_equal(daos_event_fini(&evs[i]), 0);
		D_FREE(backs[i]);
	}
}

/* ---- arrays ---- */

static daos_size_t
arr_size(const struct m_arr *ar)
{
	int64_t c;

	for (c = ARR_MAX - 1; c >= 0; c--)
		if (ar->ma_present[c])
			return (daos_size_t)c + 1;
	return 0;
}

static void
check_arr_size(struct m_arr *ar)
{
	daos_size_t size = 12345;
	int         rc   = daos_array_get_size(ar->ma_oh, DAOS_TX_NONE, &size, NULL);

	if (rc != 0 || size != arr_size(ar))
		fail_msg("op %" PRIu64 " (seed %" PRIu64 "): array get_size: %d, %" PRIu64
			 ", model %" PRIu64, n_ops, seed_used, rc, size, arr_size(ar));
	/* now and then through daos_array_stat: the same size, and an epoch
	 * (the array's metadata at least was written; a byte array has none,
	 * and once all of it is punched aggregation may leave nothing at all) */
	if (rn(4) == 0) {
		daos_array_stbuf_t st = {0};
		bool               bare;

		bare = daos_obj_id2type(ar->ma_oid) == DAOS_OT_ARRAY_BYTE && arr_size(ar) == 0;
		rc   = daos_array_stat(ar->ma_oh, DAOS_TX_NONE, &st, NULL);
		if (rc != 0 || st.st_size != arr_size(ar) || (st.st_max_epoch == 0 && !bare))
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): array stat: %d, size %" PRIu64
				 ", epoch %" PRIu64 ", model %" PRIu64,
				 n_ops, seed_used, rc, st.st_size, st.st_max_epoch, arr_size(ar));
	}
}

static void
check_arr_read(struct m_arr *ar, daos_range_t *rg, int n)
{
	daos_array_iod_t iod = {.arr_nr = (daos_size_t)n, .arr_rgs = rg};
	d_sg_list_t      sgl;
	d_iov_t          iov;
	uint8_t         *buf;
	size_t           len = 0, off = 0;
	int              i, rc;
	uint64_t         c;

	for (i = 0; i < n; i++)
		len += rg[i].rg_len * ar->ma_cell;
	D_ALLOC(buf, len + 1);
	assert_non_null(buf);
	memset(buf, 0x5a, len);
	d_iov_set(&iov, buf, len);
	sgl.sg_nr     = 1;
	sgl.sg_nr_out = 0;
	sgl.sg_iovs   = &iov;
	rc            = daos_array_read(ar->ma_oh, DAOS_TX_NONE, &iod, &sgl, NULL);
	if (rc != 0)
		fail_msg("op %" PRIu64 " (seed %" PRIu64 "): array read: %d", n_ops, seed_used, rc);
	for (i = 0; i < n; i++)
		for (c = rg[i].rg_idx; c < rg[i].rg_idx + rg[i].rg_len; c++) {
			static const uint8_t zero[4];
			const uint8_t *want = ar->ma_present[c] ? ar->ma_cells + c * ar->ma_cell : zero;

			if (memcmp(buf + off, want, ar->ma_cell) != 0)
				fail_msg("op %" PRIu64 " (seed %" PRIu64 "): array cell %" PRIu64
					 " (%s) differs", n_ops, seed_used, c,
					 ar->ma_present[c] ? "written" : "hole");
			off += ar->ma_cell;
		}
	D_FREE(buf);
}

static int pick_ranges(daos_range_t *rg);

/* Writes of disjoint ranges of one array in flight at once, then reads of them. */
static void
op_array_async(void)
{
	struct m_arr    *ar = &arrs[rn(NARR)];
	daos_event_t     evs[4];
	daos_range_t     rg[4][3];
	daos_array_iod_t iods[4];
	d_sg_list_t      sgls[4];
	d_iov_t          iovs[4];
	uint8_t         *bufs[4];
	int              n = 2 + (int)rn(3), i, j, k;
	size_t           len;
	uint64_t         c;

	for (i = 0; i < n; i++) {
		int tries = 0;

		do {
			/* one range each of at most 300 cells, clear of the others' */
			assert_true(++tries < 1000);
			rg[i][0].rg_len = 1 + rn(300);
			rg[i][0].rg_idx = rn((uint32_t)(ARR_MAX - rg[i][0].rg_len + 1));
			for (j = 0; j < i; j++)
				if (rg[i][0].rg_idx < rg[j][0].rg_idx + rg[j][0].rg_len &&
				    rg[j][0].rg_idx < rg[i][0].rg_idx + rg[i][0].rg_len)
					break;
		} while (j < i);
		len = rg[i][0].rg_len * ar->ma_cell;
		D_ALLOC(bufs[i], len);
		assert_non_null(bufs[i]);
		rfill(bufs[i], len);
		iods[i].arr_nr  = 1;
		iods[i].arr_rgs = rg[i];
		d_iov_set(&iovs[i], bufs[i], len);
		sgls[i].sg_nr     = 1;
		sgls[i].sg_nr_out = 0;
		sgls[i].sg_iovs   = &iovs[i];
		assert_int_equal(daos_event_init(&evs[i], m_eqh, NULL), 0);
		assert_int_equal(daos_array_write(ar->ma_oh, DAOS_TX_NONE, &iods[i], &sgls[i],
						  &evs[i]),
				 0);
		n_async++;
	}
	reap_n(n, "array write");
	for (i = 0; i < n; i++) {
		memcpy(ar->ma_cells + rg[i][0].rg_idx * ar->ma_cell, bufs[i],
		       rg[i][0].rg_len * ar->ma_cell);
		memset(ar->ma_present + rg[i][0].rg_idx, 1, rg[i][0].rg_len);
		memset(bufs[i], 0x5a, rg[i][0].rg_len * ar->ma_cell);
		assert_int_equal(daos_event_fini(&evs[i]), 0);
		assert_int_equal(daos_event_init(&evs[i], m_eqh, NULL), 0);
		assert_int_equal(daos_array_read(ar->ma_oh, DAOS_TX_NONE, &iods[i], &sgls[i],
						 &evs[i]),
				 0);
	}
	reap_n(n, "array read");
	for (i = 0; i < n; i++) {
		for (c = rg[i][0].rg_idx, k = 0; c < rg[i][0].rg_idx + rg[i][0].rg_len; c++, k++)
			if (memcmp(bufs[i] + (size_t)k * ar->ma_cell, ar->ma_cells + c * ar->ma_cell,
				   ar->ma_cell) != 0)
				fail_msg("op %" PRIu64 " (seed %" PRIu64 "): async array read: cell "
					 "%" PRIu64 " differs", n_ops, seed_used, c);
		assert_int_equal(daos_event_fini(&evs[i]), 0);
		D_FREE(bufs[i]);
	}
}

static int
pick_ranges(daos_range_t *rg)
{
	int n = 1 + (int)rn(3), i;

	for (i = 0; i < n; i++) {
		uint64_t len = rn(6) == 0 ? 1 + rn(ARR_MAX) : 1 + rn(300);

		rg[i].rg_idx = rn((uint32_t)(ARR_MAX - len + 1));
		rg[i].rg_len = len;
	}
	return n;
}

static void
op_array(void)
{
	struct m_arr *ar = &arrs[rn(NARR)];
	daos_range_t  rg[3];
	int           r = (int)rn(12), n, i, rc;

	if (r < 4) {
		daos_array_iod_t iod;
		d_sg_list_t      sgl;
		d_iov_t          iov;
		uint8_t         *buf;
		size_t           len = 0, off = 0;

		/* ranges that do not overlap one another: DAOS leaves the winner undefined */
		do {
			n = pick_ranges(rg);
			for (i = 1; i < n; i++)
				if (rg[i].rg_idx < rg[i - 1].rg_idx + rg[i - 1].rg_len &&
				    rg[i - 1].rg_idx < rg[i].rg_idx + rg[i].rg_len)
					break;
		} while (i < n);
		for (i = 0; i < n; i++)
			len += rg[i].rg_len * ar->ma_cell;
		D_ALLOC(buf, len);
		assert_non_null(buf);
		rfill(buf, len);
		iod.arr_nr  = (daos_size_t)n;
		iod.arr_rgs = rg;
		d_iov_set(&iov, buf, len);
		sgl.sg_nr   = 1;
		sgl.sg_iovs = &iov;
		rc          = daos_array_write(ar->ma_oh, DAOS_TX_NONE, &iod, &sgl, NULL);
		if (rc != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): array write: %d", n_ops,
				 seed_used, rc);
		for (i = 0; i < n; i++) {
			memcpy(ar->ma_cells + rg[i].rg_idx * ar->ma_cell, buf + off,
			       rg[i].rg_len * ar->ma_cell);
			memset(ar->ma_present + rg[i].rg_idx, 1, rg[i].rg_len);
			off += rg[i].rg_len * ar->ma_cell;
		}
		D_FREE(buf);
	} else if (r < 7) {
		n = pick_ranges(rg);
		check_arr_read(ar, rg, n);
	} else if (r < 9) {
		check_arr_size(ar);
	} else if (r == 11 && rn(4) == 0) {
		/* destroy: gone with its attributes, then made again */
		daos_size_t cell, chunk;
		bool        attrs = daos_obj_id2type(ar->ma_oid) == DAOS_OT_ARRAY;

		assert_int_equal(daos_array_destroy(ar->ma_oh, DAOS_TX_NONE, NULL), 0);
		assert_int_equal(daos_array_close(ar->ma_oh, NULL), 0);
		if (attrs)
			assert_int_equal(daos_array_open(m_coh, ar->ma_oid, DAOS_TX_NONE, DAOS_OO_RW,
							 &cell, &chunk, &ar->ma_oh, NULL),
					 -DER_NONEXIST);
		memset(ar->ma_present, 0, sizeof(ar->ma_present));
		arr_open(ar, true);
		check_arr_size(ar);
	} else if (r < 11) {
		daos_size_t cur = arr_size(ar), size;

		size = rn(2) == 0 && cur > 0 ? rn((uint32_t)cur) : rn(ARR_MAX);
		if (rn(8) == 0)
			size = 0;
		rc = daos_array_set_size(ar->ma_oh, DAOS_TX_NONE, size, NULL);
		if (rc != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): array set_size %" PRIu64 ": %d",
				 n_ops, seed_used, size, rc);
		if (size < ARR_MAX)
			memset(ar->ma_present + size, 0, ARR_MAX - size);
		if (size > 0 && !ar->ma_present[size - 1]) {
			/* the size is one zero cell at its end */
			memset(ar->ma_cells + (size - 1) * ar->ma_cell, 0, ar->ma_cell);
			ar->ma_present[size - 1] = 1;
		}
		check_arr_size(ar);
	} else {
		daos_array_iod_t iod;

		n           = pick_ranges(rg);
		iod.arr_nr  = (daos_size_t)n;
		iod.arr_rgs = rg;
		rc          = daos_array_punch(ar->ma_oh, DAOS_TX_NONE, &iod, NULL);
		if (rc != 0)
			fail_msg("op %" PRIu64 " (seed %" PRIu64 "): array punch: %d", n_ops,
				 seed_used, rc);
		for (i = 0; i < n; i++)
			memset(ar->ma_present + rg[i].rg_idx, 0, rg[i].rg_len);
	}
}

/* ---- whole-model verification ---- */

static void
verify_all(void)
{
	struct mio  *m = &mios[MAXREQ];
	daos_range_t rg;
	int          o, d, a, i, k;

	for (o = 0; o < NOBJ; o++) {
		check_dkey_list(o);
		for (d = 0; d < NDKEY; d++) {
			mio_prep_fetch(m, o, d, true, -1);
			mio_check_fetch(m, mio_submit(m, NULL), NULL);
			for (a = 0; a < 2; a++) {
				mio_prep_fetch(m, o, d, true, a);
				mio_check_fetch(m, mio_submit(m, NULL), NULL);
			}
			check_akey_list(o, d);
			for (a = 2; a < NAKEY; a++)
				check_recx_list(o, d, a);
		}
	}
	for (i = 0; i < NKV; i++) {
		check_kv_list(&kvs[i]);
		for (k = 0; k < NKVKEY; k++)
			check_kv_get(&kvs[i], k);
	}
	for (i = 0; i < NARR; i++) {
		check_arr_size(&arrs[i]);
		rg.rg_idx = 0;
		rg.rg_len = ARR_MAX;
		check_arr_read(&arrs[i], &rg, 1);
	}
}

/* ---- restarts ---- */

/*
 * An update in flight when the server died: after the restart the dkey must
 * read as before it or after it, all of its iods alike; the model takes what
 * is there.
 */
static void
settle_uncertain(struct mio *u)
{
	struct mio *m = &mios[MAXREQ];
	int         rc, i, d = u->mi_d, o = u->mi_obj;
	bool        is_before = true, is_after = true;

	for (i = 0; i < u->mi_nr; i++) {
		int                  a = u->mi_ak[i];
		const struct m_akey *b = &u->mi_before.md_ak[a], *f = &u->mi_after.md_ak[a];
		daos_iod_t          *iod;

		/* alone, with room for either value (see the KNOWN in mio_prep_fetch) */
		mio_prep_fetch(m, o, d, true, a);
		m->mi_iods[0].iod_size = ak_is_array(a) ? ak_rsize(a) : DAOS_REC_ANY;
		rc                     = mio_submit(m, NULL);
		if (rc != 0)
			MFAIL(m, "fetch after restart: %d", rc);
		iod = &m->mi_iods[0];
		if (!ak_is_array(a)) {
			if (iod->iod_size != b->ma_sv_len ||
			    memcmp(m->mi_buf[0], b->ma_sv, b->ma_sv_len) != 0)
				is_before = false;
			if (iod->iod_size != f->ma_sv_len ||
			    memcmp(m->mi_buf[0], f->ma_sv, f->ma_sv_len) != 0)
				is_after = false;
		} else {
			uint32_t rsize = ak_rsize(a), c;

			for (c = 0; c < ACELLS; c++) {
				const uint8_t *got = m->mi_buf[0] + (size_t)c * rsize;
				static const uint8_t zero[4];

				if (memcmp(got, b->ma_present[c] ? b->ma_cells + c * rsize : zero,
					   rsize) != 0)
					is_before = false;
				if (memcmp(got, f->ma_present[c] ? f->ma_cells + c * rsize : zero,
					   rsize) != 0)
					is_after = false;
			}
		}
	}
	if (!is_before && !is_after)
		MFAIL(u, "after the crash the update in flight is neither there nor absent "
			 "(torn across its %d iods)", u->mi_nr);
	if (is_after && !is_before) {
		mio_apply(u);
		n_uncertain_new++;
	} else {
		n_uncertain_old++;
	}
}

static void
restart(bool kill9)
{
	int  failed[MAXREQ] = {0};
	int  i, k = 0;
	bool reopen = rn(2) == 0; /* else the same handles go on after the restart */

	if (kill9) {
		/* updates in flight when the server dies */
		bool used[NOBJ][NDKEY] = {{false}};

		k = 1 + (int)rn(MAXREQ);
		for (i = 0; i < k; i++) {
			struct mio *m = &mios[i];
			int         o, d;

			do {
				o = (int)rn(NOBJ);
				d = (int)rn(NDKEY);
			} while (used[o][d]);
			used[o][d] = true;
			mio_prep_update(m, o, d);
			assert_int_equal(daos_event_init(&m->mi_ev, m_eqh, NULL), 0);
			assert_int_equal(mio_submit(m, &m->mi_ev), 0);
			m->mi_busy = true;
		}
		/* let some of them reach the server */
		if (rn(2) == 0)
			usleep(rn(3000));
		srv_stop(&srv_m, SIGKILL);
		n_kills++;
		srv_start(&srv_m);
		/* the updates cut off are sent again once the server answers */
		mios_reap(false, failed);
		for (i = 0; i < k; i++)
			assert_int_equal(daos_event_fini(&mios[i].mi_ev), 0);
		server_wait();
		/* the new server knows the old handles: closing them works */
		if (reopen)
			handles_close(true);
	} else {
		if (reopen)
			handles_close(true);
		srv_stop(&srv_m, SIGTERM);
		srv_start(&srv_m);
		server_wait();
	}
	n_restarts++;
	if (reopen)
		handles_open(false);
	for (i = 0; i < k; i++)
		if (failed[i])
			settle_uncertain(&mios[i]);
	verify_all();
}

/* ---- the run ---- */

static uint64_t
env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? strtoull(v, NULL, 0) : def;
}

static void
test_model(void **state)
{
	uint64_t nops, every, i;

	(void)state;
	seed_used = env_u64("LIBDAOS_MODEL_SEED", (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16));
	nops      = env_u64("LIBDAOS_MODEL_OPS", getenv("SRV_CRASH_KILLS") != NULL
						     ? env_u64("SRV_CRASH_KILLS", 0) * 1000
						     : 4000);
	every     = env_u64("LIBDAOS_MODEL_RESTART", 400);
	print_message("LIBDAOS_MODEL_SEED=%" PRIu64 " LIBDAOS_MODEL_OPS=%" PRIu64
		      " LIBDAOS_MODEL_RESTART=%" PRIu64 "\n",
		      seed_used, nops, every);
	rng_state = seed_used * 0x9e3779b97f4a7c15ull + 1;

	objs = calloc(NOBJ, sizeof(*objs));
	arrs = calloc(NARR, sizeof(*arrs));
	mios = calloc(MAXREQ + 1, sizeof(*mios));
	assert_non_null(objs);
	assert_non_null(arrs);
	assert_non_null(mios);
	for (i = 0; i < NOBJ; i++)
		obj_keys_init(&objs[i], (int)i);
	handles_open(true);

	for (n_ops = 1; n_ops <= nops; n_ops++) {
		uint32_t r = rn(100);

		if (r < 22)
			op_io_sync(false);
		else if (r < 40)
			op_io_sync(true);
		else if (r < 50)
			op_io_async();
		else if (r < 58)
			op_punch();
		else if (r < 70)
			op_list();
		else if (r < 76)
			op_query();
		else if (r < 86)
			op_kv();
		else if (r < 88)
			op_kv_async();
		else if (r < 97)
			op_array();
		else
			op_array_async();
		if (every > 0 && n_ops % every == 0 && n_ops < nops)
			restart(rn(2) == 0);
	}
	verify_all();
	handles_close(true);
	print_message("%" PRIu64 " ops, %" PRIu64 " restarts (%" PRIu64 " kill -9; updates in flight "
		      "then found %" PRIu64 " applied, %" PRIu64 " not)\n",
		      nops, n_restarts, n_kills, n_uncertain_new, n_uncertain_old);
	print_message("%" PRIu64 " async requests, %" PRIu64 " updates over 16 KiB, %" PRIu64
		      " -DER_KEY2BIG listings, %" PRIu64 " -DER_REC2BIG fetches\n",
		      n_async, n_bulk, n_key2big, n_rec2big);
	for (i = 0; i < MAXREQ + 1; i++)
		mio_reset(&mios[i]);
	for (i = 0; i < NKV; i++)
		for (int k = 0; k < NKVKEY; k++)
			D_FREE(kvs[i].mk_val[k]);
	free(objs);
	free(arrs);
	free(mios);
}

/*
 * A fetch of a 20000-byte single value and an absent one, both
 * DAOS_REC_ANY: rc 0 with iod_size 20000 and 0 (it once returned -DER_PROTO:
 * the second request still took size 0 for "unknown" and sent no bulk).
 */
static void
test_absent_in_big_fetch(void **state)
{
	daos_obj_id_t oid = {.lo = 900, .hi = 0};
	daos_handle_t poh, coh, oh;
	daos_key_t    dk;
	daos_iod_t    iod[2];
	d_sg_list_t   sgl[2];
	d_iov_t       iov[2];
	static char   big[20000], back[SV_MAX];
	char          small[16];
	int           i;

	(void)state;
	assert_int_equal(daos_pool_connect("mp", NULL, DAOS_PC_RW, &poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_with_label(poh, "known", NULL, NULL, NULL), 0);
	assert_int_equal(daos_cont_open(poh, "known", DAOS_COO_RW, &coh, NULL, NULL), 0);
	assert_int_equal(daos_obj_generate_oid(coh, &oid, DAOS_OT_MULTI_HASHED, OC_S1, 0, 0), 0);
	assert_int_equal(daos_obj_open(coh, oid, DAOS_OO_RW, &oh, NULL), 0);
	memset(iod, 0, sizeof(iod));
	d_iov_set(&dk, "d", 1);
	d_iov_set(&iod[0].iod_name, "x", 1);
	d_iov_set(&iod[1].iod_name, "absent", 6);
	for (i = 0; i < 2; i++) {
		iod[i].iod_type = DAOS_IOD_SINGLE;
		iod[i].iod_nr   = 1;
		sgl[i].sg_nr    = 1;
		sgl[i].sg_iovs  = &iov[i];
	}
	memset(big, 7, sizeof(big));
	iod[0].iod_size = sizeof(big);
	d_iov_set(&iov[0], big, sizeof(big));
	assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dk, 1, iod, sgl, NULL), 0);
	iod[0].iod_size = DAOS_REC_ANY;
	iod[1].iod_size = DAOS_REC_ANY;
	d_iov_set(&iov[0], back, sizeof(back));
	d_iov_set(&iov[1], small, sizeof(small));
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dk, 2, iod, sgl, NULL, NULL), 0);
	assert_int_equal(iod[0].iod_size, sizeof(big));
	assert_int_equal(iod[1].iod_size, 0);
	assert_memory_equal(back, big, sizeof(big));
	assert_int_equal(daos_obj_close(oh, NULL), 0);
	assert_int_equal(daos_cont_close(coh, NULL), 0);
	assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
}

static int
setup(void **state)
{
	(void)state;
	setenv("DSTOR_AGG_LAG_MS", "20", 0);
	srv_new(&srv_m, "libdaos_model", 2, "mp", 512ull << 20);
	assert_int_equal(daos_init(), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(daos_fini(), 0);
	srv_stop(&srv_m, SIGTERM);
	srv_rmdir(&srv_m);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model),
	    cmocka_unit_test(test_absent_in_big_fetch),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("libdaos_model", tests, setup, teardown);
}
