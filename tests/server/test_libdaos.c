/*
 * libdaos against a real daos_server: the DAOS API, synchronous and
 * asynchronous, as an application uses it.
 * - pools and containers: connect by label, query, list, properties,
 *   attributes, snapshots, oid allocation, exact error codes;
 * - objects: single values and array extents inline and by bulk, sizes
 *   learned by fetch, enumeration across shards with anchors, key query,
 *   punch, checksums;
 * - events: many updates in flight on one EQ, parent events, completion
 *   callbacks, daos_event_test;
 * - handle sharing: another process uses global handles with no connect;
 * - container ACLs and owners: the default ACL, get/overwrite/update/delete,
 *   set_owner, bad ACLs refused by the client and by the service.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <daos.h>
#include <gurt/common.h>
#include "srv_harness.h"

static struct srv srv_main;
static char      *self_exe;

static int
setup(void **state)
{
	(void)state;
	srv_new(&srv_main, "libdaos", 2, "lp", 256ull << 20);
	assert_int_equal(daos_init(), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(daos_fini(), 0);
	srv_stop(&srv_main, SIGTERM);
	srv_rmdir(&srv_main);
	return 0;
}

static void
test_pool_cont(void **state)
{
	daos_handle_t    poh, coh, coh2;
	daos_pool_info_t pinfo = {.pi_bits = DPI_ALL};
	daos_cont_info_t cinfo;
	daos_prop_t     *prop;
	uuid_t           cu;
	daos_size_t      ncont = 0;
	struct daos_pool_cont_info conts[4];
	const char      *names[2] = {"color", "shape"};
	const void      *vals[2]  = {"blue", "round"};
	size_t           sizes[2] = {4, 5};
	char             b0[16], b1[16], list[64];
	void            *bufs[2]  = {b0, b1};
	size_t           lsize = sizeof(list);
	daos_epoch_t     snap, epochs[4];
	int              nsnap = 4;
	uint64_t         oid0, oid1;

	(void)state;
	assert_int_equal(daos_pool_connect("nopool", NULL, DAOS_PC_RW, &poh, NULL, NULL),
			 -DER_NONEXIST);
	assert_int_equal(daos_pool_connect("lp", NULL, 0, &poh, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_pool_connect("lp", NULL, DAOS_PC_RW, &poh, &pinfo, NULL), 0);
	assert_int_equal(pinfo.pi_ntargets, 2);
	assert_true(pinfo.pi_space.ps_space.s_total[DAOS_MEDIA_NVME] > 200ull << 20);
	assert_true(pinfo.pi_space.ps_space.s_free[DAOS_MEDIA_NVME] > 0);
	assert_int_equal(daos_pool_query(poh, NULL, &pinfo, NULL, NULL), 0);

	assert_int_equal(daos_cont_create_with_label(poh, "c1", NULL, &cu, NULL), 0);
	assert_int_equal(daos_cont_create_with_label(poh, "c1", NULL, NULL, NULL), -DER_EXIST);
	assert_int_equal(daos_cont_create_with_label(poh, "bad label!", NULL, NULL, NULL),
			 -DER_INVAL);
	assert_int_equal(daos_cont_open(poh, "nocont", DAOS_COO_RW, &coh, NULL, NULL),
			 -DER_NONEXIST);
	assert_int_equal(daos_cont_open(poh, "c1", DAOS_COO_RW, &coh, &cinfo, NULL), 0);
	assert_int_equal(uuid_compare(cinfo.ci_uuid, cu), 0);
	assert_int_equal(daos_pool_list_cont(poh, &ncont, NULL, NULL), 0);
	assert_int_equal(ncont, 1);
	ncont = 4;
	assert_int_equal(daos_pool_list_cont(poh, &ncont, conts, NULL), 0);
	assert_string_equal(conts[0].pci_label, "c1");

	/* properties: checksums on by default, as the container service sets them */
	prop = daos_prop_alloc(0);
	assert_non_null(prop);
	assert_int_equal(daos_cont_query(coh, &cinfo, prop, NULL), 0);
	assert_non_null(daos_prop_entry_get(prop, DAOS_PROP_CO_CSUM));
	assert_int_equal(daos_prop_entry_get(prop, DAOS_PROP_CO_CSUM)->dpe_val,
			 DAOS_PROP_CO_CSUM_CRC32);
	assert_string_equal(daos_prop_entry_get(prop, DAOS_PROP_CO_LABEL)->dpe_str, "c1");
	daos_prop_free(prop);

	/* attributes */
	assert_int_equal(daos_cont_set_attr(coh, 2, names, vals, sizes, NULL), 0);
	assert_int_equal(daos_cont_list_attr(coh, list, &lsize, NULL), 0);
	assert_int_equal(lsize, strlen("color") + 1 + strlen("shape") + 1);
	sizes[0] = sizes[1] = sizeof(b0);
	assert_int_equal(daos_cont_get_attr(coh, 2, names, bufs, sizes, NULL), 0);
	assert_int_equal(sizes[0], 4);
	assert_memory_equal(b0, "blue", 4);
	assert_int_equal(sizes[1], 5);
	assert_int_equal(daos_cont_del_attr(coh, 1, names, NULL), 0);
	sizes[0] = sizeof(b0);
	assert_int_equal(daos_cont_get_attr(coh, 1, names, bufs, sizes, NULL), -DER_NONEXIST);

	/* snapshots and object ids */
	assert_int_equal(daos_cont_create_snap(coh, &snap, "s1", NULL), 0);
	assert_true(snap > 0);
	assert_int_equal(daos_cont_list_snap(coh, &nsnap, epochs, NULL, NULL, NULL), 0);
	assert_int_equal(nsnap, 1);
	assert_int_equal(epochs[0], snap);
	assert_int_equal(daos_cont_destroy_snap(coh, (daos_epoch_range_t){snap, snap}, NULL), 0);
	nsnap = 4;
	assert_int_equal(daos_cont_list_snap(coh, &nsnap, epochs, NULL, NULL, NULL), 0);
	assert_int_equal(nsnap, 0);
	assert_int_equal(daos_cont_alloc_oids(coh, 10, &oid0, NULL), 0);
	assert_int_equal(daos_cont_alloc_oids(coh, 10, &oid1, NULL), 0);
	assert_int_equal(oid1, oid0 + 10);

	/* busy, closed and forced */
	assert_int_equal(daos_cont_destroy(poh, "c1", 0, NULL), -DER_BUSY);
	assert_int_equal(daos_cont_open(poh, "c1", DAOS_COO_RO, &coh2, NULL, NULL), 0);
	assert_int_equal(daos_cont_close(coh2, NULL), 0);
	assert_int_equal(daos_cont_close(coh2, NULL), -DER_NO_HDL);
	assert_int_equal(daos_pool_disconnect(poh, NULL), -DER_BUSY);
	assert_int_equal(daos_cont_close(coh, NULL), 0);
	assert_int_equal(daos_cont_destroy(poh, "c1", 0, NULL), 0);
	assert_int_equal(daos_cont_open(poh, "c1", DAOS_COO_RW, &coh, NULL, NULL), -DER_NONEXIST);
	assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
	assert_int_equal(daos_pool_disconnect(poh, NULL), -DER_NO_HDL);
}

/* ---- objects ---- */

static daos_handle_t t_poh, t_coh;

static void
open_cont(const char *label)
{
	assert_int_equal(daos_pool_connect("lp", NULL, DAOS_PC_RW, &t_poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_with_label(t_poh, label, NULL, NULL, NULL), 0);
	assert_int_equal(daos_cont_open(t_poh, label, DAOS_COO_RW, &t_coh, NULL, NULL), 0);
}

static void
close_cont(void)
{
	assert_int_equal(daos_cont_close(t_coh, NULL), 0);
	assert_int_equal(daos_pool_disconnect(t_poh, NULL), 0);
}

static void
fill(uint8_t *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(seed * 7 + i * 13 + (i >> 9));
}

static void
test_objects(void **state)
{
	daos_obj_id_t   oid = {.lo = 1, .hi = 0};
	daos_handle_t   oh;
	daos_key_t      dkey, akey;
	daos_iod_t      iod;
	daos_recx_t     recx[2];
	d_sg_list_t     sgl;
	d_iov_t         iov;
	uint8_t        *big, *back;
	char            small[32], keybuf[1024];
	daos_key_desc_t kds[16];
	daos_anchor_t   anchor = DAOS_ANCHOR_INIT;
	uint32_t        nr, total = 0, i;
	const size_t    BIGN = 1u << 20;

	(void)state;
	open_cont("objc");
	assert_int_equal(daos_obj_generate_oid(t_coh, &oid, DAOS_OT_MULTI_HASHED, OC_RP_2G1, 0, 0),
			 -DER_NOSYS);
	assert_int_equal(daos_obj_generate_oid(t_coh, &oid, DAOS_OT_MULTI_HASHED, OC_SX, 0, 0), 0);
	assert_int_equal(daos_obj_open(t_coh, oid, DAOS_OO_RW, &oh, NULL), 0);

	/* a single value, small */
	d_iov_set(&dkey, "d0", 2);
	d_iov_set(&iod.iod_name, "a", 1);
	iod.iod_type  = DAOS_IOD_SINGLE;
	iod.iod_size  = 11;
	iod.iod_nr    = 1;
	iod.iod_recxs = NULL;
	iod.iod_flags = 0;
	d_iov_set(&iov, "hello world", 11);
	sgl.sg_nr     = 1;
	sgl.sg_nr_out = 0;
	sgl.sg_iovs   = &iov;
	assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL), 0);
	/* fetch it back without knowing its size */
	iod.iod_size = DAOS_REC_ANY;
	d_iov_set(&iov, small, sizeof(small));
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL, NULL), 0);
	assert_int_equal(iod.iod_size, 11);
	assert_int_equal(iov.iov_len, 11);
	assert_memory_equal(small, "hello world", 11);

	/* an array: 1 MiB extent by bulk, read back in two pieces */
	big  = malloc(BIGN);
	back = calloc(1, BIGN);
	fill(big, BIGN, 3);
	d_iov_set(&dkey, "d1", 2);
	d_iov_set(&iod.iod_name, "arr", 3);
	iod.iod_type    = DAOS_IOD_ARRAY;
	iod.iod_size    = 1;
	iod.iod_nr      = 1;
	recx[0].rx_idx  = 4096;
	recx[0].rx_nr   = BIGN;
	iod.iod_recxs   = recx;
	d_iov_set(&iov, big, BIGN);
	assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL), 0);
	recx[0].rx_idx = 4096;
	recx[0].rx_nr  = BIGN / 2;
	recx[1].rx_idx = 4096 + BIGN / 2;
	recx[1].rx_nr  = BIGN / 2;
	iod.iod_nr     = 2;
	d_iov_set(&iov, back, BIGN);
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL, NULL), 0);
	assert_memory_equal(back, big, BIGN);
	/* a hole reads as zeros */
	recx[0].rx_idx = 0;
	recx[0].rx_nr  = 16;
	iod.iod_nr     = 1;
	memset(back, 0xee, 16);
	d_iov_set(&iov, back, 16);
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL, NULL), 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(back[i], 0);
	/* a buffer too small */
	recx[0].rx_nr = 4096 + 16;
	d_iov_set(&iov, back, 16);
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL, NULL),
			 -DER_REC2BIG);

	/* many dkeys, listed back across both targets' shards */
	for (i = 0; i < 40; i++) {
		char k[16];

		snprintf(k, sizeof(k), "key%02u", i);
		d_iov_set(&dkey, k, strlen(k));
		d_iov_set(&iod.iod_name, "a", 1);
		iod.iod_type = DAOS_IOD_SINGLE;
		iod.iod_size = 4;
		iod.iod_nr   = 1;
		d_iov_set(&iov, &i, 4);
		assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL),
				 0);
	}
	while (!daos_anchor_is_eof(&anchor)) {
		nr = 16;
		d_iov_set(&iov, keybuf, sizeof(keybuf));
		assert_int_equal(daos_obj_list_dkey(oh, DAOS_TX_NONE, &nr, kds, &sgl, &anchor, NULL),
				 0);
		total += nr;
	}
	assert_int_equal(total, 40 + 2);

	/* the newest epoch over every group; a punch is newer still */
	{
		daos_epoch_t e1 = 0, e2 = 0;

		assert_int_equal(daos_obj_query_max_epoch(oh, DAOS_TX_NONE, &e1, NULL), 0);
		assert_true(e1 > 0);
		d_iov_set(&dkey, "d0", 2);
		assert_int_equal(daos_obj_punch_dkeys(oh, DAOS_TX_NONE, 0, 1, &dkey, NULL), 0);
		assert_int_equal(daos_obj_query_max_epoch(oh, DAOS_TX_NONE, &e2, NULL), 0);
		assert_true(e2 > e1);
		assert_int_equal(daos_obj_query_max_epoch(oh, DAOS_TX_NONE, NULL, NULL),
				 -DER_INVAL);
	}
	/* the punched dkey reads as empty */
	d_iov_set(&iod.iod_name, "a", 1);
	iod.iod_type = DAOS_IOD_SINGLE;
	iod.iod_size = DAOS_REC_ANY;
	d_iov_set(&iov, small, sizeof(small));
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL, NULL), 0);
	assert_int_equal(iod.iod_size, 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
	assert_int_equal(daos_obj_close(oh, NULL), -DER_NO_HDL);

	/* uint64 dkeys: the largest one and the end of an array */
	oid.lo = 2;
	assert_int_equal(daos_obj_generate_oid(t_coh, &oid, DAOS_OT_DKEY_UINT64, OC_S2, 0, 0), 0);
	assert_int_equal(daos_obj_open(t_coh, oid, DAOS_OO_RW, &oh, NULL), 0);
	for (i = 0; i < 10; i++) {
		uint64_t dk = (uint64_t)i * 1000;

		d_iov_set(&dkey, &dk, sizeof(dk));
		d_iov_set(&iod.iod_name, "x", 1);
		iod.iod_type   = DAOS_IOD_ARRAY;
		iod.iod_size   = 1;
		iod.iod_nr     = 1;
		recx[0].rx_idx = 0;
		recx[0].rx_nr  = 10 + i;
		iod.iod_recxs  = recx;
		d_iov_set(&iov, big, 10 + i);
		assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL),
				 0);
	}
	{
		uint64_t    dk = 0;
		daos_recx_t r;

		d_iov_set(&dkey, &dk, sizeof(dk));
		d_iov_set(&akey, "x", 1);
		assert_int_equal(daos_obj_query_key(oh, DAOS_TX_NONE,
						    DAOS_GET_DKEY | DAOS_GET_RECX | DAOS_GET_MAX,
						    &dkey, &akey, &r, NULL),
				 0);
		assert_int_equal(dk, 9000);
		assert_int_equal(r.rx_idx + r.rx_nr, 19);
	}
	assert_int_equal(daos_obj_close(oh, NULL), 0);
	free(big);
	free(back);
	close_cont();
}

/* ---- events ---- */

static int cb_calls;

static int
comp_cb(void *arg, daos_event_t *ev, int rc)
{
	(void)ev;
	assert_int_equal(rc, 0);
	(*(int *)arg)++;
	return 0;
}

#define NEV 32

static void
test_events(void **state)
{
	daos_handle_t eqh, oh;
	daos_event_t  evs[NEV], parent, child[5], *done[NEV];
	daos_obj_id_t oid = {.lo = 3, .hi = 0};
	daos_key_t    dkeys[NEV];
	daos_iod_t    iods[NEV];
	d_sg_list_t   sgls[NEV];
	d_iov_t       iovs[NEV];
	char          keys[NEV][16];
	uint32_t      vals[NEV];
	int           i, n, got = 0;
	bool          flag;

	(void)state;
	open_cont("evc");
	assert_int_equal(daos_eq_create(&eqh), 0);
	assert_int_equal(daos_obj_generate_oid(t_coh, &oid, DAOS_OT_MULTI_HASHED, OC_SX, 0, 0), 0);
	assert_int_equal(daos_obj_open(t_coh, oid, DAOS_OO_RW, &oh, NULL), 0);
	/* NEV updates in flight at once on one EQ */
	for (i = 0; i < NEV; i++) {
		assert_int_equal(daos_event_init(&evs[i], eqh, NULL), 0);
		assert_int_equal(daos_event_register_comp_cb(&evs[i], comp_cb, &cb_calls), 0);
		snprintf(keys[i], sizeof(keys[i]), "ev%d", i);
		d_iov_set(&dkeys[i], keys[i], strlen(keys[i]));
		d_iov_set(&iods[i].iod_name, "v", 1);
		iods[i].iod_type  = DAOS_IOD_SINGLE;
		iods[i].iod_size  = sizeof(vals[i]);
		iods[i].iod_nr    = 1;
		iods[i].iod_recxs = NULL;
		iods[i].iod_flags = 0;
		vals[i]           = (uint32_t)i * 3;
		d_iov_set(&iovs[i], &vals[i], sizeof(vals[i]));
		sgls[i].sg_nr   = 1;
		sgls[i].sg_iovs = &iovs[i];
		assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkeys[i], 1, &iods[i],
						 &sgls[i], &evs[i]),
				 0);
	}
	assert_int_equal(daos_eq_query(eqh, DAOS_EQR_ALL, 0, NULL), NEV);
	while (got < NEV) {
		n = daos_eq_poll(eqh, 0, DAOS_EQ_WAIT, NEV, done);
		assert_true(n >= 0);
		for (i = 0; i < n; i++)
			assert_int_equal(done[i]->ev_error, 0);
		got += n;
	}
	assert_int_equal(cb_calls, NEV);
	assert_int_equal(daos_eq_poll(eqh, 1, DAOS_EQ_NOWAIT, NEV, done), 0);

	/* a parent completes when its children have */
	assert_int_equal(daos_event_init(&parent, eqh, NULL), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(daos_event_init(&child[i], DAOS_HDL_INVAL, &parent), 0);
		vals[i] = 0;
		iods[i].iod_size = sizeof(vals[i]);
		d_iov_set(&iovs[i], &vals[i], sizeof(vals[i]));
		assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkeys[i], 1, &iods[i],
						&sgls[i], NULL, &child[i]),
				 0);
	}
	/* the group is sealed: no more children */
	assert_int_equal(daos_event_parent_barrier(&parent), 0);
	assert_int_equal(daos_event_init(&child[4], DAOS_HDL_INVAL, &parent), -DER_INVAL);
	n = daos_eq_poll(eqh, 0, DAOS_EQ_WAIT, 1, done);
	assert_int_equal(n, 1);
	assert_ptr_equal(done[0], &parent);
	assert_int_equal(parent.ev_error, 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(daos_event_test(&child[i], DAOS_EQ_NOWAIT, &flag), 0);
		assert_true(flag);
		assert_int_equal(vals[i], (uint32_t)i * 3);
		assert_int_equal(daos_event_fini(&child[i]), 0);
	}
	assert_int_equal(daos_event_fini(&parent), 0);

	/* daos_event_test drives an event on its own */
	assert_int_equal(daos_event_init(&evs[0], eqh, NULL), 0);
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkeys[5], 1, &iods[5], &sgls[5],
					NULL, &evs[0]),
			 0);
	assert_int_equal(daos_event_test(&evs[0], DAOS_EQ_WAIT, &flag), 0);
	assert_true(flag);
	assert_int_equal(evs[0].ev_error, 0);
	/* bad use of events */
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkeys[5], 1, &iods[5], &sgls[5],
					NULL, &parent),
			 -DER_INVAL); /* finalized */
	for (i = 0; i < NEV; i++)
		daos_event_fini(&evs[i]);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
	assert_int_equal(daos_eq_destroy(eqh, 0), 0);
	assert_int_equal(daos_eq_destroy(eqh, 0), -DER_NO_HDL);
	close_cont();
}

/* ---- handle sharing ---- */

static void
hex_encode(const d_iov_t *g, char *out)
{
	size_t i;

	for (i = 0; i < g->iov_len; i++)
		sprintf(out + 2 * i, "%02x", ((uint8_t *)g->iov_buf)[i]);
}

static void
hex_decode(const char *s, d_iov_t *g)
{
	size_t n = strlen(s) / 2, i;
	uint8_t *b = malloc(n);

	for (i = 0; i < n; i++) {
		unsigned int v;

		sscanf(s + 2 * i, "%2x", &v);
		b[i] = (uint8_t)v;
	}
	d_iov_set(g, b, n);
}

/* The other process: global handles in, a fetch out, no connect. */
static int
child_main(const char *pglob, const char *cglob)
{
	daos_handle_t poh, coh, oh;
	daos_obj_id_t oid = {.lo = 4, .hi = 0};
	daos_key_t    dkey;
	daos_iod_t    iod = {0};
	d_sg_list_t   sgl;
	d_iov_t       iov, pg, cg;
	char          buf[16] = {0};

	if (daos_init() != 0)
		return 10;
	hex_decode(pglob, &pg);
	hex_decode(cglob, &cg);
	if (daos_pool_global2local(pg, &poh) != 0 || daos_cont_global2local(poh, cg, &coh) != 0)
		return 11;
	if (daos_obj_generate_oid(coh, &oid, DAOS_OT_MULTI_HASHED, OC_S1, 0, 0) != 0 ||
	    daos_obj_open(coh, oid, DAOS_OO_RO, &oh, NULL) != 0)
		return 12;
	d_iov_set(&dkey, "shared", 6);
	d_iov_set(&iod.iod_name, "a", 1);
	iod.iod_type = DAOS_IOD_SINGLE;
	iod.iod_size = DAOS_REC_ANY;
	iod.iod_nr   = 1;
	d_iov_set(&iov, buf, sizeof(buf));
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	if (daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL, NULL) != 0 ||
	    iod.iod_size != 5 || memcmp(buf, "hello", 5) != 0)
		return 13;
	/* a global handle's disconnect is local: the owner's handle lives on */
	if (daos_obj_close(oh, NULL) != 0 || daos_cont_close(coh, NULL) != 0 ||
	    daos_pool_disconnect(poh, NULL) != 0)
		return 14;
	free(pg.iov_buf);
	free(cg.iov_buf);
	return daos_fini() == 0 ? 0 : 15;
}

static void
test_handle_sharing(void **state)
{
	daos_obj_id_t oid = {.lo = 4, .hi = 0};
	daos_handle_t oh;
	daos_key_t    dkey;
	daos_iod_t    iod = {0};
	d_sg_list_t   sgl;
	d_iov_t       iov, pg = {0}, cg = {0};
	char         *ph, *ch;
	pid_t         pid;
	int           status;

	(void)state;
	open_cont("sharec");
	assert_int_equal(daos_obj_generate_oid(t_coh, &oid, DAOS_OT_MULTI_HASHED, OC_S1, 0, 0), 0);
	assert_int_equal(daos_obj_open(t_coh, oid, DAOS_OO_RW, &oh, NULL), 0);
	d_iov_set(&dkey, "shared", 6);
	d_iov_set(&iod.iod_name, "a", 1);
	iod.iod_type = DAOS_IOD_SINGLE;
	iod.iod_size = 5;
	iod.iod_nr   = 1;
	d_iov_set(&iov, "hello", 5);
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL), 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);

	assert_int_equal(daos_pool_local2global(t_poh, &pg), 0);
	pg.iov_buf = malloc(pg.iov_buf_len);
	assert_int_equal(daos_pool_local2global(t_poh, &pg), 0);
	assert_int_equal(daos_cont_local2global(t_coh, &cg), 0);
	cg.iov_buf = malloc(cg.iov_buf_len);
	assert_int_equal(daos_cont_local2global(t_coh, &cg), 0);
	ph = calloc(1, 2 * pg.iov_len + 1);
	ch = calloc(1, 2 * cg.iov_len + 1);
	hex_encode(&pg, ph);
	hex_encode(&cg, ch);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(self_exe, self_exe, "child", ph, ch, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(ph);
	free(ch);
	free(pg.iov_buf);
	free(cg.iov_buf);
	/* our handles still work after the other process let go of its copies */
	assert_int_equal(daos_obj_open(t_coh, oid, DAOS_OO_RO, &oh, NULL), 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
	close_cont();
}

static void
test_bad_input(void **state)
{
	daos_handle_t bad = {.cookie = 12345};
	daos_handle_t h;

	(void)state;
	assert_int_equal(daos_pool_connect(NULL, NULL, DAOS_PC_RW, &h, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_pool_disconnect(bad, NULL), -DER_NO_HDL);
	assert_int_equal(daos_cont_open(bad, "x", DAOS_COO_RW, &h, NULL, NULL), -DER_NO_HDL);
	assert_int_equal(daos_cont_open(bad, NULL, DAOS_COO_RW, &h, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_obj_open(bad, (daos_obj_id_t){0}, DAOS_OO_RW, &h, NULL),
			 -DER_INVAL);
	assert_int_equal(daos_obj_update(bad, DAOS_TX_NONE, 0, NULL, 0, NULL, NULL, NULL),
			 -DER_INVAL);
	assert_int_equal(daos_eq_poll(bad, 0, 0, 1, NULL), -DER_INVAL);
	assert_int_equal(daos_eq_destroy(bad, 0), -DER_NO_HDL);
	assert_int_equal(daos_event_init(NULL, bad, NULL), -DER_INVAL);
	assert_int_equal(daos_oclass_name2id("SX"), OC_SX);
	assert_int_equal(daos_oclass_name2id("nonsense"), OC_UNKNOWN);
	/* what DAOS 2.x does not support either */
	assert_int_equal(daos_obj_query(bad, NULL, NULL, NULL), -DER_NOSYS);
	assert_int_equal(daos_obj_register_class(bad, OC_S1, NULL, NULL), -DER_NOSYS);
	assert_int_equal(daos_obj_query_class(bad, OC_S1, NULL, NULL), -DER_NOSYS);
	assert_int_equal(daos_obj_list_class(bad, NULL, NULL, NULL), -DER_NOSYS);
	assert_int_equal(daos_cont_rollback(bad, 1, NULL), -DER_NOSYS);
	assert_int_equal(daos_cont_subscribe(bad, NULL, NULL), -DER_NOSYS);
}

/* Pool attributes: set, list, get (a missing name answers for itself), del. */
static void
test_pool_attrs(void **state)
{
	const char *const names[] = {"owner", "purpose"};
	const void *const vals[]  = {"alice", "checkpoints"};
	const size_t      lens[]  = {5, 11};
	const char *const missing[] = {"owner", "nope"};
	char              b0[16] = {0}, b1[16] = {0}, list[64];
	void *const       bufs[] = {b0, b1};
	size_t            sizes[2], lsize;
	daos_handle_t     poh, ro;

	(void)state;
	assert_int_equal(daos_pool_connect("lp", NULL, DAOS_PC_RW, &poh, NULL, NULL), 0);
	assert_int_equal(daos_pool_set_attr(poh, 2, names, vals, lens, NULL), 0);
	lsize = sizeof(list);
	assert_int_equal(daos_pool_list_attr(poh, list, &lsize, NULL), 0);
	assert_int_equal(lsize, sizeof("owner") + sizeof("purpose"));
	assert_string_equal(list, "owner");
	assert_string_equal(list + sizeof("owner"), "purpose");
	sizes[0] = sizes[1] = sizeof(b0);
	assert_int_equal(daos_pool_get_attr(poh, 2, names, bufs, sizes, NULL), 0);
	assert_int_equal(sizes[0], 5);
	assert_int_equal(sizes[1], 11);
	assert_memory_equal(b0, "alice", 5);
	assert_memory_equal(b1, "checkpoints", 11);
	sizes[0] = sizes[1] = sizeof(b0);
	assert_int_equal(daos_pool_get_attr(poh, 2, missing, bufs, sizes, NULL), -DER_NONEXIST);
	assert_int_equal(sizes[0], 5);
	assert_int_equal(sizes[1], 0);

	/* read-only handles read, and only read */
	assert_int_equal(daos_pool_connect("lp", NULL, DAOS_PC_RO, &ro, NULL, NULL), 0);
	lsize = sizeof(list);
	assert_int_equal(daos_pool_list_attr(ro, list, &lsize, NULL), 0);
	assert_int_equal(daos_pool_set_attr(ro, 2, names, vals, lens, NULL), -DER_NO_PERM);
	assert_int_equal(daos_pool_del_attr(ro, 1, names, NULL), -DER_NO_PERM);
	assert_int_equal(daos_pool_disconnect(ro, NULL), 0);

	assert_int_equal(daos_pool_del_attr(poh, 2, names, NULL), 0);
	lsize = sizeof(list);
	assert_int_equal(daos_pool_list_attr(poh, list, &lsize, NULL), 0);
	assert_int_equal(lsize, 0);
	assert_int_equal(daos_pool_set_attr(poh, 0, names, vals, lens, NULL), -DER_INVAL);
	assert_int_equal(daos_pool_list_attr(poh, list, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_pool_get_attr(DAOS_HDL_INVAL, 2, names, bufs, sizes, NULL),
			 -DER_NO_HDL);
	assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
}

/* One target's state and space; the two add up to the pool's. */
static void
test_query_target(void **state)
{
	daos_pool_info_t   pi = {.pi_bits = DPI_SPACE};
	daos_target_info_t ti[2];
	daos_handle_t      poh;
	uint32_t           t;

	(void)state;
	assert_int_equal(daos_pool_connect("lp", NULL, DAOS_PC_RO, &poh, NULL, NULL), 0);
	assert_int_equal(daos_pool_query(poh, NULL, &pi, NULL, NULL), 0);
	for (t = 0; t < 2; t++) {
		assert_int_equal(daos_pool_query_target(poh, t, 0, &ti[t], NULL), 0);
		assert_int_equal(ti[t].ta_state, DAOS_TS_UP_IN);
		assert_true(ti[t].ta_space.s_total[DAOS_MEDIA_NVME] > 0);
		assert_true(ti[t].ta_space.s_free[DAOS_MEDIA_NVME] <=
			    ti[t].ta_space.s_total[DAOS_MEDIA_NVME]);
	}
	assert_int_equal(ti[0].ta_space.s_total[DAOS_MEDIA_NVME] +
			     ti[1].ta_space.s_total[DAOS_MEDIA_NVME],
			 pi.pi_space.ps_space.s_total[DAOS_MEDIA_NVME]);
	assert_int_equal(daos_pool_query_target(poh, 2, 0, &ti[0], NULL), -DER_NONEXIST);
	assert_int_equal(daos_pool_query_target(poh, 0, 5, &ti[0], NULL), -DER_NONEXIST);
	assert_int_equal(daos_pool_query_target(poh, 0, 0, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
}

/* Parallel dkey listing: one anchor per group, together every dkey once. */
static void
test_anchor_split(void **state)
{
	daos_obj_id_t   oid = {.lo = 77, .hi = 0};
	daos_anchor_t   anchors[8];
	daos_key_desc_t kds[16];
	daos_handle_t   oh;
	daos_key_t      dkey;
	daos_iod_t      iod;
	d_sg_list_t     sgl;
	d_iov_t         iov;
	char            key[16], buf[1024];
	uint32_t        nr, n, i, a, seen = 0, total = 0;
	uint64_t        v = 1;
	int             hits[64] = {0};

	(void)state;
	open_cont("split");
	assert_int_equal(daos_obj_generate_oid(t_coh, &oid, 0, OC_SX, 0, 0), 0);
	assert_int_equal(daos_obj_open(t_coh, oid, DAOS_OO_RW, &oh, NULL), 0);
	d_iov_set(&iod.iod_name, "a", 1);
	iod.iod_type  = DAOS_IOD_SINGLE;
	iod.iod_size  = sizeof(v);
	iod.iod_nr    = 1;
	iod.iod_recxs = NULL;
	d_iov_set(&iov, &v, sizeof(v));
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	for (i = 0; i < 64; i++) {
		snprintf(key, sizeof(key), "k%02u", i);
		d_iov_set(&dkey, key, strlen(key));
		assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL), 0);
	}
	nr = 0;
	assert_int_equal(daos_obj_anchor_split(oh, &nr, NULL), 0);
	assert_int_equal(nr, 2); /* SX over the two targets */
	nr = 8;
	assert_int_equal(daos_obj_anchor_split(oh, &nr, anchors), -DER_INVAL); /* one per group */
	nr = 0;
	assert_int_equal(daos_obj_anchor_split(oh, &nr, anchors), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(daos_obj_verify(t_coh, oid, DAOS_EPOCH_MAX), 0);
	assert_int_equal(daos_obj_verify(DAOS_HDL_INVAL, oid, DAOS_EPOCH_MAX), -DER_NO_HDL);
	assert_int_equal(daos_obj_anchor_set(oh, 2, &anchors[0]), -DER_INVAL);
	for (a = 0; a < nr; a++) {
		seen = 0;
		while (!daos_anchor_is_eof(&anchors[a])) {
			n = ARRAY_SIZE(kds);
			d_iov_set(&iov, buf, sizeof(buf));
			assert_int_equal(daos_obj_list_dkey(oh, DAOS_TX_NONE, &n, kds, &sgl,
							    &anchors[a], NULL),
					 0);
			for (i = 0, v = 0; i < n; v += kds[i].kd_key_len, i++) {
				unsigned int k;

				assert_int_equal(sscanf(buf + v, "k%02u", &k), 1);
				hits[k]++;
			}
			seen += n;
		}
		assert_true(seen > 0 && seen < 64); /* its group only */
		total += seen;
	}
	assert_int_equal(total, 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(hits[i], 1);

	/* daos_obj_key2anchor: a listing from "k40" is the whole listing's tail from it */
	{
		unsigned int order[64], from[64], nall = 0, nfrom = 0, at;
		daos_anchor_t an = {0};

		for (a = 0; a < 2; a++) {
			if (a == 1) {
				d_iov_set(&dkey, "k40", 3);
				assert_int_equal(daos_obj_key2anchor(oh, DAOS_TX_NONE, &dkey, NULL, &an,
								     NULL),
						 0);
			}
			while (!daos_anchor_is_eof(&an)) {
				n = ARRAY_SIZE(kds);
				d_iov_set(&iov, buf, sizeof(buf));
				assert_int_equal(daos_obj_list_dkey(oh, DAOS_TX_NONE, &n, kds, &sgl,
								    &an, NULL),
						 0);
				for (i = 0, v = 0; i < n; v += kds[i].kd_key_len, i++) {
					unsigned int k;

					assert_int_equal(sscanf(buf + v, "k%02u", &k), 1);
					if (a == 0)
						order[nall++] = k;
					else
						from[nfrom++] = k;
				}
			}
			memset(&an, 0, sizeof(an));
		}
		for (at = 0; at < nall && order[at] != 40; at++)
			;
		assert_true(at < nall);
		assert_int_equal(nfrom, nall - at);
		for (i = 0; i < nfrom; i++)
			assert_int_equal(from[i], order[at + i]);
		assert_int_equal(daos_obj_key2anchor(oh, DAOS_TX_NONE, NULL, NULL, &an, NULL),
				 -DER_INVAL);
	}
	assert_int_equal(daos_obj_close(oh, NULL), 0);
	assert_int_equal(daos_obj_anchor_split(oh, &nr, anchors), -DER_NO_HDL);
	close_cont();
}

/* The child's side of test_fork: codes say which step failed. */
static int
fork_child(daos_handle_t oh)
{
	uint64_t    v = 0, two = 2;
	daos_size_t size = sizeof(v);

	if (daos_reinit() != 0)
		return 10;
	if (daos_kv_get(oh, DAOS_TX_NONE, 0, "parent", &size, &v, NULL) != 0 || v != 1)
		return 11;
	if (daos_kv_put(oh, DAOS_TX_NONE, 0, "child", sizeof(two), &two, NULL) != 0)
		return 12;
	/* the child's closes are its own: the parent's handles stay open */
	if (daos_kv_close(oh, NULL) != 0 || daos_cont_close(t_coh, NULL) != 0 ||
	    daos_pool_disconnect(t_poh, NULL) != 0)
		return 13;
	return daos_fini() == 0 ? 0 : 14;
}

/* daos_reinit in a child after fork(): the inherited handles work there, and
 * closing them in the child leaves the parent's open. */
static void
test_fork(void **state)
{
	daos_obj_id_t oid = {.lo = 99, .hi = 0};
	daos_handle_t oh;
	uint64_t      one = 1, v = 0;
	daos_size_t   size = sizeof(v);
	pid_t         pid;
	int           status;

	(void)state;
	open_cont("forked");
	assert_int_equal(daos_obj_generate_oid(t_coh, &oid, DAOS_OT_KV_HASHED, OC_SX, 0, 0), 0);
	assert_int_equal(daos_kv_open(t_coh, oid, DAOS_OO_RW, &oh, NULL), 0);
	assert_int_equal(daos_kv_put(oh, DAOS_TX_NONE, 0, "parent", sizeof(one), &one, NULL), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fork_child(oh));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(daos_kv_get(oh, DAOS_TX_NONE, 0, "child", &size, &v, NULL), 0);
	assert_int_equal(v, 2);
	assert_int_equal(daos_kv_put(oh, DAOS_TX_NONE, 0, "parent", sizeof(one), &one, NULL), 0);
	assert_int_equal(daos_kv_close(oh, NULL), 0);
	close_cont(); /* the server still knows both handles */
}

/* A middleware's root objects (DAOS_PROP_CO_ROOTS): kept at create, set later, read back. */
static void
test_cont_roots(void **state)
{
	struct daos_prop_co_roots roots = {0}, *got;
	struct daos_prop_entry   *e;
	daos_prop_t              *prop = daos_prop_alloc(2), *back = daos_prop_alloc(1);
	daos_handle_t             poh, coh;
	uuid_t                    uuid;

	(void)state;
	assert_non_null(prop);
	assert_non_null(back);
	roots.cr_oids[0].lo = 1;
	roots.cr_oids[1].lo = 2;
	prop->dpp_entries[0].dpe_type = DAOS_PROP_CO_LABEL;
	assert_int_equal(daos_prop_entry_set_str(&prop->dpp_entries[0], "rooted", 6), 0);
	prop->dpp_entries[1].dpe_type = DAOS_PROP_CO_ROOTS;
	assert_int_equal(daos_prop_entry_set_ptr(&prop->dpp_entries[1], &roots, sizeof(roots)), 0);
	assert_int_equal(daos_pool_connect("lp", NULL, DAOS_PC_RW, &poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_create(poh, &uuid, prop, NULL), 0);
	assert_int_equal(daos_cont_open(poh, "rooted", DAOS_COO_RW, &coh, NULL, NULL), 0);
	back->dpp_entries[0].dpe_type = DAOS_PROP_CO_ROOTS;
	assert_int_equal(daos_cont_query(coh, NULL, back, NULL), 0);
	e = daos_prop_entry_get(back, DAOS_PROP_CO_ROOTS);
	assert_non_null(e);
	got = e->dpe_val_ptr;
	assert_memory_equal(got, &roots, sizeof(roots));

	/* set later, as a middleware does once it has made its objects */
	roots.cr_oids[2].hi = 7;
	daos_prop_free(back);
	back = daos_prop_alloc(1);
	back->dpp_entries[0].dpe_type = DAOS_PROP_CO_ROOTS;
	assert_int_equal(daos_prop_entry_set_ptr(&back->dpp_entries[0], &roots, sizeof(roots)), 0);
	assert_int_equal(daos_cont_set_prop(coh, back, NULL), 0);
	daos_prop_free(back);
	back = daos_prop_alloc(1);
	back->dpp_entries[0].dpe_type = DAOS_PROP_CO_ROOTS;
	assert_int_equal(daos_cont_query(coh, NULL, back, NULL), 0);
	got = daos_prop_entry_get(back, DAOS_PROP_CO_ROOTS)->dpe_val_ptr;
	assert_int_equal(got->cr_oids[2].hi, 7);
	daos_prop_free(back);
	daos_prop_free(prop);
	assert_int_equal(daos_cont_close(coh, NULL), 0);
	assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
}

static int oit_marked_seen;

static int
oit_keep_marked(daos_obj_id_t oid, d_iov_t *marker)
{
	(void)oid;
	if (marker == NULL)
		return 0;
	oit_marked_seen++;
	return marker->iov_len == 4 && memcmp(marker->iov_buf, "done", 4) == 0;
}

/* All the IDs of `oids` (n of them) and nothing else, listed in pieces of room. */
static void
oit_expect(daos_handle_t oit, const daos_obj_id_t *oids, uint32_t n, uint32_t room,
	   int (*list)(daos_handle_t, daos_obj_id_t *, uint32_t *, daos_anchor_t *,
		       daos_event_t *))
{
	daos_anchor_t anchor = {0};
	daos_obj_id_t got[32];
	uint32_t      total = 0, k, i, j;

	while (!daos_anchor_is_eof(&anchor)) {
		k = room;
		assert_int_equal(list(oit, got, &k, &anchor, NULL), 0);
		assert_true(k <= room);
		for (i = 0; i < k; i++) {
			for (j = 0; j < n; j++)
				if (got[i].lo == oids[j].lo && got[i].hi == oids[j].hi)
					break;
			assert_true(j < n);
		}
		total += k;
	}
	assert_int_equal(total, n);
}

/* Object ID tables: a snapshot's objects, listed, marked, filtered, destroyed. */
static void
test_oit(void **state)
{
	static const daos_oclass_id_t cls[] = {OC_S1, OC_S2, OC_SX};
	daos_obj_id_t oids[12], later = {.lo = 500, .hi = 0}, out[8];
	daos_handle_t oh, oit, eqh;
	daos_anchor_t anchor = {0};
	daos_epoch_t  snap, plain;
	daos_event_t  ev;
	daos_key_t    dkey;
	daos_iod_t    iod = {0};
	d_sg_list_t   sgl;
	d_iov_t       iov, m;
	uint64_t      v = 7;
	uint32_t      i, k;
	bool          flag;

	(void)state;
	open_cont("oit");
	d_iov_set(&dkey, "d", 1);
	d_iov_set(&iod.iod_name, "a", 1);
	iod.iod_type = DAOS_IOD_SINGLE;
	iod.iod_size = sizeof(v);
	iod.iod_nr   = 1;
	d_iov_set(&iov, &v, sizeof(v));
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	for (i = 0; i < 12; i++) {
		oids[i].lo = 100 + i;
		oids[i].hi = 0;
		assert_int_equal(daos_obj_generate_oid(t_coh, &oids[i], 0, cls[i % 3], 0, 0), 0);
		assert_int_equal(daos_obj_open(t_coh, oids[i], DAOS_OO_RW, &oh, NULL), 0);
		assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL), 0);
		assert_int_equal(daos_obj_close(oh, NULL), 0);
	}
	assert_int_equal(daos_cont_create_snap(t_coh, &plain, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_snap_opt(t_coh, &snap, NULL,
						   DAOS_SNAP_OPT_CR | DAOS_SNAP_OPT_OIT, NULL),
			 0);
	/* written after the snapshot: not in its table */
	assert_int_equal(daos_obj_generate_oid(t_coh, &later, 0, OC_S1, 0, 0), 0);
	assert_int_equal(daos_obj_open(t_coh, later, DAOS_OO_RW, &oh, NULL), 0);
	assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL), 0);
	assert_int_equal(daos_obj_close(oh, NULL), 0);

	assert_int_equal(daos_oit_open(t_coh, plain, &oit, NULL), -DER_NONEXIST);
	assert_int_equal(daos_cont_snap_oit_create(t_coh, snap + 1, NULL, NULL), -DER_NONEXIST);
	assert_int_equal(daos_cont_snap_oit_create(t_coh, snap, "named", NULL), -DER_NOSYS);
	assert_int_equal(daos_oit_open(t_coh, snap, &oit, NULL), 0);
	oit_expect(oit, oids, 12, 5, daos_oit_list);

	/* marks: three set, one set then cleared */
	d_iov_set(&m, "done", 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(daos_oit_mark(oit, oids[i], &m, NULL), 0);
	assert_int_equal(daos_oit_mark(oit, oids[3], NULL, NULL), 0);
	oit_expect(oit, oids + 3, 9, 4, daos_oit_list_unmarked);
	k = ARRAY_SIZE(out);
	assert_int_equal(daos_oit_list_filter(oit, out, &k, &anchor, oit_keep_marked, NULL), 0);
	assert_int_equal(k, 3);
	assert_int_equal(oit_marked_seen, 3);
	assert_int_equal(daos_oit_mark(oit, later, &m, NULL), -DER_NONEXIST);
	d_iov_set(&m, "0123456789012345678901234567890123", 34);
	assert_int_equal(daos_oit_mark(oit, oids[0], &m, NULL), -DER_INVAL);
	d_iov_set(&m, NULL, 0);
	assert_int_equal(daos_oit_mark(oit, oids[0], &m, NULL), -DER_INVAL);

	/* on an event queue */
	assert_int_equal(daos_eq_create(&eqh), 0);
	assert_int_equal(daos_event_init(&ev, eqh, NULL), 0);
	memset(&anchor, 0, sizeof(anchor));
	k = ARRAY_SIZE(out);
	assert_int_equal(daos_oit_list(oit, out, &k, &anchor, &ev), 0);
	assert_int_equal(daos_event_test(&ev, DAOS_EQ_WAIT, &flag), 0);
	assert_true(flag);
	assert_int_equal(ev.ev_error, 0);
	assert_int_equal(k, ARRAY_SIZE(out));
	assert_int_equal(daos_event_fini(&ev), 0);
	assert_int_equal(daos_eq_destroy(eqh, 0), 0);

	assert_int_equal(daos_cont_snap_oit_destroy(t_coh, oit, NULL), 0);
	assert_int_equal(daos_oit_close(oit, NULL), 0);
	assert_int_equal(daos_oit_open(t_coh, snap, &oit, NULL), -DER_NONEXIST);
	close_cont();
}

/* daos_pool_filter_cont: snapshot and handle counts, AND and OR, count only, TRUNC. */
static void
test_filter_cont(void **state)
{
	daos_pool_cont_filter_part_t snaps = {.pcfp_func = PCF_FUNC_GE, .pcfp_key = PCF_KEY_NUM_SNAPSHOTS,
					      .pcfp_val64 = 2};
	daos_pool_cont_filter_part_t open1 = {.pcfp_func = PCF_FUNC_EQ, .pcfp_key = PCF_KEY_NUM_HANDLES,
					      .pcfp_val64 = 1};
	struct daos_pool_cont_info2  got[64];
	daos_pool_cont_filter_t      f;
	daos_epoch_t                 ep;
	daos_handle_t                poh, c1, c2;
	daos_size_t                  n, all;
	bool                         seen1 = false, seen2 = false;
	uint32_t                     i;

	(void)state;
	assert_int_equal(daos_pool_connect("lp", NULL, DAOS_PC_RW, &poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_with_label(poh, "filt1", NULL, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_with_label(poh, "filt2", NULL, NULL, NULL), 0);
	assert_int_equal(daos_cont_open(poh, "filt1", DAOS_COO_RW, &c1, NULL, NULL), 0);
	assert_int_equal(daos_cont_open(poh, "filt2", DAOS_COO_RW, &c2, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_snap(c1, &ep, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_snap(c1, &ep, NULL, NULL), 0);

	/* no filter: every container; count only */
	all = 0;
	assert_int_equal(daos_pool_filter_cont(poh, NULL, &all, NULL, NULL), 0);
	assert_true(all >= 2);
	n = 1;
	assert_int_equal(daos_pool_filter_cont(poh, NULL, &n, got, NULL), -DER_TRUNC);

	/* AND: at least two snapshots and one handle: filt1, not filt2 */
	assert_int_equal(daos_pool_cont_filter_init(&f, PCF_COMBINE_LOGICAL_AND), 0);
	assert_int_equal(daos_pool_cont_filter_add(&f, &snaps), 0);
	assert_int_equal(daos_pool_cont_filter_add(&f, &open1), 0);
	n = ARRAY_SIZE(got);
	assert_int_equal(daos_pool_filter_cont(poh, &f, &n, got, NULL), 0);
	for (i = 0; i < n; i++) {
		assert_true(got[i].pci_cinfo.ci_nsnapshots >= 2);
		assert_int_equal(got[i].pci_cinfo.ci_nhandles, 1);
		seen1 = seen1 || strcmp(got[i].pci_id.pci_label, "filt1") == 0;
		seen2 = seen2 || strcmp(got[i].pci_id.pci_label, "filt2") == 0;
	}
	assert_true(seen1 && !seen2);
	daos_pool_cont_filter_fini(&f);

	/* OR: both */
	assert_int_equal(daos_pool_cont_filter_init(&f, PCF_COMBINE_LOGICAL_OR), 0);
	assert_int_equal(daos_pool_cont_filter_add(&f, &snaps), 0);
	assert_int_equal(daos_pool_cont_filter_add(&f, &open1), 0);
	n = ARRAY_SIZE(got);
	assert_int_equal(daos_pool_filter_cont(poh, &f, &n, got, NULL), 0);
	seen1 = seen2 = false;
	for (i = 0; i < n; i++) {
		seen1 = seen1 || strcmp(got[i].pci_id.pci_label, "filt1") == 0;
		seen2 = seen2 || strcmp(got[i].pci_id.pci_label, "filt2") == 0;
	}
	assert_true(seen1 && seen2);
	for (i = 0; i < DAOS_POOL_CONT_FILTER_MAX_NPARTS; i++)
		assert_int_equal(daos_pool_cont_filter_add(&f, &snaps), 0);
	assert_int_equal(daos_pool_filter_cont(poh, &f, &n, got, NULL), -DER_INVAL);
	daos_pool_cont_filter_fini(&f);
	assert_int_equal(daos_pool_cont_filter_init(&f, 7), -DER_INVAL);

	assert_int_equal(daos_cont_close(c1, NULL), 0);
	assert_int_equal(daos_cont_close(c2, NULL), 0);
	assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
}

/* The calls that need no handle: pools of the system, classes, HLC, ranks. */
static void
test_api_helpers(void **state)
{
	daos_mgmt_pool_info_t pools[4];
	daos_size_t           n = 0;
	static const d_rank_t want[] = {1, 3, 4, 5, 9};
	d_rank_list_t        *rl;
	struct timespec       ts;
	time_t                t;
	char                  names[2048];
	ssize_t               len;
	uint32_t              i;

	(void)state;
	assert_int_equal(daos_mgmt_list_pools(NULL, NULL, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_mgmt_list_pools(NULL, &n, NULL, NULL), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(daos_mgmt_list_pools(NULL, &n, pools, NULL), -DER_TRUNC);
	n = ARRAY_SIZE(pools);
	assert_int_equal(daos_mgmt_list_pools(NULL, &n, pools, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pools[0].mgpi_label, "lp");
	assert_false(uuid_is_null(pools[0].mgpi_uuid));
	assert_int_equal(pools[0].mgpi_svc->rl_nr, 1);
	D_FREE(pools[0].mgpi_label);
	d_rank_list_free(pools[0].mgpi_svc);

	{
		struct daos_sys_info *si = NULL;

		assert_int_equal(daos_mgmt_get_sys_info(NULL, NULL), -DER_INVAL);
		assert_int_equal(daos_mgmt_get_sys_info(NULL, &si), 0);
		assert_string_equal(si->dsi_system_name, "daos_server");
		assert_int_equal(si->dsi_nr_ranks, 1);
		assert_int_equal(si->dsi_ranks[0].dru_rank, 0);
		assert_non_null(strstr(si->dsi_ranks[0].dru_uri, "127.0.0.1:"));
		assert_int_equal(si->dsi_nr_ms_ranks, 1);
		daos_mgmt_put_sys_info(si);
		daos_mgmt_put_sys_info(NULL);
	}

	assert_true(daos_oclass_nr(0) > 8);
	len = daos_oclass_names_list(sizeof(names), names);
	assert_true(len > 0 && (size_t)len < sizeof(names));
	assert_non_null(strstr(names, "SX"));
	assert_int_equal(daos_oclass_names_list(4, names), -DER_OVERFLOW);

	assert_int_equal(daos_hlc2timestamp(d_hlc_get(), &t), 0);
	assert_true(labs((long)(t - time(NULL))) < 5);
	assert_int_equal(daos_hlc2timespec(d_hlc_get(), &ts), 0);
	assert_int_equal(daos_hlc2timestamp(1, NULL), -DER_INVAL);

	rl = daos_rank_list_parse("1,3-5:9", ",:");
	assert_non_null(rl);
	assert_int_equal(rl->rl_nr, 5);
	for (i = 0; i < rl->rl_nr; i++)
		assert_int_equal(rl->rl_ranks[i], want[i]);
	d_rank_list_free(rl);
	assert_null(daos_rank_list_parse("1,x", ","));
	assert_null(daos_rank_list_parse("5-3", ","));
	assert_null(daos_rank_list_parse(",,", ","));
	assert_null(daos_rank_list_parse("-1", ","));
	assert_null(daos_rank_list_parse(NULL, ","));
}

/* The ACL of a container's properties as its entries' text, one per line. */
static void
acl_prop_text(daos_prop_t *prop, char *buf, size_t size)
{
	struct daos_prop_entry *e = daos_prop_entry_get(prop, DAOS_PROP_CO_ACL);
	char                  **strs;
	size_t                  nr, i, len = 0;

	assert_non_null(e);
	assert_non_null(e->dpe_val_ptr);
	assert_int_equal(daos_acl_to_strs(e->dpe_val_ptr, &strs, &nr), 0);
	buf[0] = '\0';
	for (i = 0; i < nr; i++) {
		len += snprintf(buf + len, size - len, "%s\n", strs[i]);
		free(strs[i]);
	}
	free(strs);
}

static void
get_acl_text(daos_handle_t coh, char *buf, size_t size)
{
	daos_prop_t *prop = NULL;

	assert_int_equal(daos_cont_get_acl(coh, &prop, NULL), 0);
	acl_prop_text(prop, buf, size);
	daos_prop_free(prop);
}

/* Container ACLs and owners: stored, validated by the service, returned (not enforced). */
static void
test_cont_acl(void **state)
{
	const char  *first[]  = {"A::alice@:r", "A:G:staff@:rw", "A::OWNER@:rw"};
	const char  *update[] = {"A::bob@:w", "A::alice@:rwt", "A::EVERYONE@:r"};
	const char  *dup[]    = {"A::OWNER@:rw"};
	daos_handle_t poh, coh, coh2, eqh;
	daos_event_t  ev, *evp;
	daos_prop_t  *prop = NULL, *cprop;
	struct daos_prop_entry *e;
	struct daos_acl *acl, *bad;
	uint8_t       *raw;
	char           text[1024];
	bool           flag;

	(void)state;
	assert_int_equal(daos_pool_connect("lp", NULL, DAOS_PC_RW, &poh, NULL, NULL), 0);
	assert_int_equal(daos_cont_create_with_label(poh, "aclc", NULL, NULL, NULL), 0);
	assert_int_equal(daos_cont_open(poh, "aclc", DAOS_COO_RW, &coh, NULL, NULL), 0);

	/* DAOS's default: the owner may do all, the owner group read and write */
	assert_int_equal(daos_cont_get_acl(coh, &prop, NULL), 0);
	assert_int_equal(prop->dpp_nr, 3);
	acl_prop_text(prop, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:rwdtTaAo\nA:G:GROUP@:rwtT\n");
	e = daos_prop_entry_get(prop, DAOS_PROP_CO_OWNER);
	assert_non_null(e);
	assert_string_equal(e->dpe_str, "root@");
	e = daos_prop_entry_get(prop, DAOS_PROP_CO_OWNER_GROUP);
	assert_non_null(e);
	assert_string_equal(e->dpe_str, "root@");
	daos_prop_free(prop);
	assert_int_equal(daos_cont_get_acl(coh, NULL, NULL), -DER_INVAL);

	/* overwrite, then read back byte for byte */
	assert_int_equal(daos_acl_from_strs(first, 3, &acl), 0);
	assert_int_equal(daos_cont_overwrite_acl(coh, acl, NULL), 0);
	assert_int_equal(daos_cont_get_acl(coh, &prop, NULL), 0);
	e = daos_prop_entry_get(prop, DAOS_PROP_CO_ACL);
	assert_int_equal(daos_acl_get_size(e->dpe_val_ptr), daos_acl_get_size(acl));
	assert_memory_equal(e->dpe_val_ptr, acl, daos_acl_get_size(acl));
	daos_prop_free(prop);
	daos_acl_free(acl);
	get_acl_text(coh, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:rw\nA::alice@:r\nA:G:staff@:rw\n");

	/* update: new principals in their place, known ones replaced */
	assert_int_equal(daos_acl_from_strs(update, 3, &acl), 0);
	assert_int_equal(daos_cont_update_acl(coh, acl, NULL), 0);
	daos_acl_free(acl);
	get_acl_text(coh, text, sizeof(text));
	assert_string_equal(text,
			    "A::OWNER@:rw\nA::alice@:rwt\nA::bob@:w\nA:G:staff@:rw\nA::EVERYONE@:r\n");

	/* delete */
	assert_int_equal(daos_cont_delete_acl(coh, DAOS_ACL_USER, "bob@", NULL), 0);
	assert_int_equal(daos_cont_delete_acl(coh, DAOS_ACL_USER, "bob@", NULL), -DER_NONEXIST);
	assert_int_equal(daos_cont_delete_acl(coh, DAOS_ACL_EVERYONE, NULL, NULL), 0);
	assert_int_equal(daos_cont_delete_acl(coh, DAOS_ACL_OWNER_GROUP, NULL, NULL),
			 -DER_NONEXIST);
	assert_int_equal(daos_cont_delete_acl(coh, DAOS_ACL_GROUP, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_cont_delete_acl(coh, DAOS_ACL_GROUP, "staff", NULL), -DER_INVAL);
	assert_int_equal(daos_cont_delete_acl(coh, (enum daos_acl_principal_type)9, NULL, NULL),
			 -DER_INVAL);
	get_acl_text(coh, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:rw\nA::alice@:rwt\nA:G:staff@:rw\n");

	/* bad ACLs: refused by the client, and by the service when the client lets one by */
	assert_int_equal(daos_cont_overwrite_acl(coh, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_cont_update_acl(coh, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_acl_from_strs(dup, 1, &acl), 0);
	bad = malloc(8 + 2 * acl->dal_len); /* the owner twice */
	memcpy(bad, acl, 8 + acl->dal_len);
	memcpy(bad->dal_ace + acl->dal_len, acl->dal_ace, acl->dal_len);
	bad->dal_len *= 2;
	assert_int_equal(daos_cont_overwrite_acl(coh, bad, NULL), -DER_INVAL);
	assert_int_equal(daos_cont_update_acl(coh, bad, NULL), -DER_INVAL);
	cprop = daos_prop_alloc(1);
	cprop->dpp_entries[0].dpe_type = DAOS_PROP_CO_ACL;
	assert_int_equal(daos_prop_entry_set_ptr(&cprop->dpp_entries[0], bad, 8 + bad->dal_len),
			 0);
	assert_int_equal(daos_cont_set_prop(coh, cprop, NULL), -DER_INVAL);
	raw = cprop->dpp_entries[0].dpe_val_ptr;
	raw[8 + 9] = 0x04; /* bit 10 of the first entry's allow perms: unknown; one owner left */
	((struct daos_acl *)raw)->dal_len = acl->dal_len;
	assert_int_equal(daos_cont_set_prop(coh, cprop, NULL), -DER_INVAL);
	/* nothing changed */
	get_acl_text(coh, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:rw\nA::alice@:rwt\nA:G:staff@:rw\n");
	assert_int_equal(daos_cont_create_with_label(poh, "aclbad", cprop, NULL, NULL), -DER_INVAL);
	daos_prop_free(cprop);
	free(bad);

	/* a container created with its own ACL keeps it */
	cprop = daos_prop_alloc(1);
	cprop->dpp_entries[0].dpe_type = DAOS_PROP_CO_ACL;
	assert_int_equal(daos_prop_entry_set_ptr(&cprop->dpp_entries[0], acl, 8 + acl->dal_len),
			 0);
	assert_int_equal(daos_cont_create_with_label(poh, "acl2", cprop, NULL, NULL), 0);
	daos_prop_free(cprop);
	daos_acl_free(acl);
	assert_int_equal(daos_cont_open(poh, "acl2", DAOS_COO_RW, &coh2, NULL, NULL), 0);
	get_acl_text(coh2, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:rw\n");
	assert_int_equal(daos_cont_close(coh2, NULL), 0);
	assert_int_equal(daos_cont_destroy(poh, "acl2", 0, NULL), 0);

	/* owners */
	assert_int_equal(daos_cont_set_owner(coh, "no_such_user_dstor@", NULL, NULL),
			 -DER_NONEXIST);
	assert_int_equal(daos_cont_set_owner(coh, NULL, "no_such_group_dstor@", NULL),
			 -DER_NONEXIST);
	assert_int_equal(daos_cont_set_owner(coh, NULL, NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_cont_set_owner(coh, "root", NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_cont_set_owner_no_check(coh, "x@y@", NULL, NULL), -DER_INVAL);
	assert_int_equal(daos_cont_set_owner_no_check(coh, "alice@lab", "staff@lab", NULL), 0);
	assert_int_equal(daos_cont_get_acl(coh, &prop, NULL), 0);
	assert_string_equal(daos_prop_entry_get(prop, DAOS_PROP_CO_OWNER)->dpe_str, "alice@lab");
	assert_string_equal(daos_prop_entry_get(prop, DAOS_PROP_CO_OWNER_GROUP)->dpe_str,
			    "staff@lab");
	daos_prop_free(prop);
	assert_int_equal(daos_cont_set_owner(coh, NULL, "root@", NULL), 0);
	assert_int_equal(daos_cont_set_owner(coh, "root@", NULL, NULL), 0);
	assert_int_equal(daos_cont_get_acl(coh, &prop, NULL), 0);
	assert_string_equal(daos_prop_entry_get(prop, DAOS_PROP_CO_OWNER)->dpe_str, "root@");
	assert_string_equal(daos_prop_entry_get(prop, DAOS_PROP_CO_OWNER_GROUP)->dpe_str, "root@");
	daos_prop_free(prop);
	/* the service refuses an owner that is not a principal */
	cprop = daos_prop_alloc(1);
	cprop->dpp_entries[0].dpe_type = DAOS_PROP_CO_OWNER;
	assert_int_equal(daos_prop_entry_set_str(&cprop->dpp_entries[0], "nobody", 6), 0);
	assert_int_equal(daos_cont_set_prop(coh, cprop, NULL), -DER_INVAL);
	daos_prop_free(cprop);

	/* on an event queue: get, and update (a read and a write in one op) */
	assert_int_equal(daos_eq_create(&eqh), 0);
	assert_int_equal(daos_event_init(&ev, eqh, NULL), 0);
	prop = NULL;
	assert_int_equal(daos_cont_get_acl(coh, &prop, &ev), 0);
	assert_int_equal(daos_eq_poll(eqh, 1, DAOS_EQ_WAIT, 1, &evp), 1);
	assert_ptr_equal(evp, &ev);
	assert_int_equal(ev.ev_error, 0);
	acl_prop_text(prop, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:rw\nA::alice@:rwt\nA:G:staff@:rw\n");
	daos_prop_free(prop);
	assert_int_equal(daos_acl_from_strs(update, 1, &acl), 0);
	assert_int_equal(daos_cont_update_acl(coh, acl, &ev), 0);
	daos_acl_free(acl); /* copied: the op does not need it */
	assert_int_equal(daos_eq_poll(eqh, 1, DAOS_EQ_WAIT, 1, &evp), 1);
	assert_int_equal(ev.ev_error, 0);
	assert_int_equal(daos_cont_delete_acl(coh, DAOS_ACL_USER, "carol@", &ev), 0);
	assert_int_equal(daos_eq_poll(eqh, 1, DAOS_EQ_WAIT, 1, &evp), 1);
	assert_int_equal(ev.ev_error, -DER_NONEXIST);
	assert_int_equal(daos_event_test(&ev, 0, &flag), 0);
	assert_int_equal(daos_event_fini(&ev), 0);
	assert_int_equal(daos_eq_destroy(eqh, 0), 0);
	get_acl_text(coh, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:rw\nA::alice@:rwt\nA::bob@:w\nA:G:staff@:rw\n");

	assert_int_equal(daos_cont_close(coh, NULL), 0);
	assert_int_equal(daos_cont_get_acl(coh, &prop, NULL), -DER_NO_HDL);
	assert_int_equal(daos_cont_destroy(poh, "aclc", 0, NULL), 0);
	assert_int_equal(daos_pool_disconnect(poh, NULL), 0);
}

/*
 * Conditional updates racing on one key: of RACEN inserts of the same dkey
 * (or akey) in flight at once, exactly one succeeds and the key holds its
 * value; the rest get -DER_EXIST. Values above VOS's inline size make each
 * one wait for a DATA write between its check and its effect, the window
 * where two of them could both find the key absent.
 */
#define RACEN 24
static void
cond_race_round(daos_handle_t oh, daos_handle_t eqh, const char *dk, const char *ak,
		uint64_t flags, size_t size)
{
	daos_event_t  evs[RACEN], *done[RACEN];
	daos_key_t    dkey;
	daos_iod_t    iods[RACEN];
	d_sg_list_t   sgls[RACEN];
	d_iov_t       iovs[RACEN];
	uint8_t      *bufs[RACEN], *back;
	int           i, n, got = 0, won = -1, exist = 0;

	d_iov_set(&dkey, (void *)dk, strlen(dk));
	for (i = 0; i < RACEN; i++) {
		bufs[i] = malloc(size);
		assert_non_null(bufs[i]);
		fill(bufs[i], size, (unsigned int)i + 1);
		assert_int_equal(daos_event_init(&evs[i], eqh, NULL), 0);
		d_iov_set(&iods[i].iod_name, (void *)ak, strlen(ak));
		iods[i].iod_type  = DAOS_IOD_SINGLE;
		iods[i].iod_size  = size;
		iods[i].iod_nr    = 1;
		iods[i].iod_recxs = NULL;
		iods[i].iod_flags = (flags & DAOS_COND_PER_AKEY) ? DAOS_COND_AKEY_INSERT : 0;
		d_iov_set(&iovs[i], bufs[i], size);
		sgls[i].sg_nr     = 1;
		sgls[i].sg_nr_out = 0;
		sgls[i].sg_iovs   = &iovs[i];
		assert_int_equal(daos_obj_update(oh, DAOS_TX_NONE, flags, &dkey, 1, &iods[i],
						 &sgls[i], &evs[i]),
				 0);
	}
	while (got < RACEN) {
		n = daos_eq_poll(eqh, 0, DAOS_EQ_WAIT, RACEN, done);
		assert_true(n > 0);
		got += n;
	}
	for (i = 0; i < RACEN; i++) {
		if (evs[i].ev_error == 0) {
			assert_int_equal(won, -1);
			won = i;
		} else {
			assert_int_equal(evs[i].ev_error, -DER_EXIST);
			exist++;
		}
		assert_int_equal(daos_event_fini(&evs[i]), 0);
	}
	assert_int_not_equal(won, -1);
	assert_int_equal(exist, RACEN - 1);
	/* the key holds the winner's value, whole */
	back = calloc(1, size);
	iods[0].iod_size  = DAOS_REC_ANY;
	iods[0].iod_flags = 0;
	d_iov_set(&iovs[0], back, size);
	assert_int_equal(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iods[0], &sgls[0], NULL,
					NULL),
			 0);
	assert_int_equal(iods[0].iod_size, size);
	assert_memory_equal(back, bufs[won], size);
	free(back);
	for (i = 0; i < RACEN; i++)
		free(bufs[i]);
}

static void
test_cond_race(void **state)
{
	daos_obj_id_t oid = {.lo = 7, .hi = 0};
	daos_handle_t oh, eqh;

	(void)state;
	open_cont("condrace");
	assert_int_equal(daos_eq_create(&eqh), 0);
	assert_int_equal(daos_obj_generate_oid(t_coh, &oid, 0, OC_S1, 0, 0), 0);
	assert_int_equal(daos_obj_open(t_coh, oid, DAOS_OO_RW, &oh, NULL), 0);
	cond_race_round(oh, eqh, "big", "a", DAOS_COND_DKEY_INSERT, 64 << 10);
	cond_race_round(oh, eqh, "small", "a", DAOS_COND_DKEY_INSERT, 8);
	cond_race_round(oh, eqh, "akeys", "a", DAOS_COND_PER_AKEY, 16 << 10);
	/* a new akey under a dkey that exists */
	cond_race_round(oh, eqh, "akeys", "b", DAOS_COND_AKEY_INSERT, 8);
	assert_int_equal(daos_obj_close(oh, NULL), 0);
	assert_int_equal(daos_eq_destroy(eqh, 0), 0);
	close_cont();
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pool_cont),     cmocka_unit_test(test_objects),
	    cmocka_unit_test(test_events),        cmocka_unit_test(test_handle_sharing),
	    cmocka_unit_test(test_bad_input),     cmocka_unit_test(test_api_helpers),
	    cmocka_unit_test(test_pool_attrs),    cmocka_unit_test(test_anchor_split),
	    cmocka_unit_test(test_query_target),  cmocka_unit_test(test_fork),
	    cmocka_unit_test(test_cont_roots),    cmocka_unit_test(test_oit),
	    cmocka_unit_test(test_filter_cont),
	    cmocka_unit_test(test_cont_acl),      cmocka_unit_test(test_cond_race),
	};

	if (argc == 4 && strcmp(argv[1], "child") == 0)
		return child_main(argv[2], argv[3]);
	self_exe = realpath("/proc/self/exe", NULL);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("libdaos", tests, setup, teardown);
}
