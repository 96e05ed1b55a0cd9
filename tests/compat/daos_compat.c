/*
 * A client written the way DAOS's examples and IOR's DAOS backend are: only
 * <daos.h> (and gurt), the usual idioms, its own API version check.
 * run-compat.sh checks that the object asks for the symbols DAOS's library
 * exports, then links it against the prefix and runs it on a real server:
 *   daos_compat POOL CONT   (the server DSTOR_ACCESS_POINTS names)
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <daos.h>
#include <gurt/common.h>

/* IOR, HDF5 and MPI-IO each define this themselves: it must not clash. */
#if defined(DAOS_API_VERSION_MAJOR) && defined(DAOS_API_VERSION_MINOR)
#define CHECK_DAOS_API_VERSION(major, minor)                                                       \
	((DAOS_API_VERSION_MAJOR > (major)) ||                                                     \
	 (DAOS_API_VERSION_MAJOR == (major) && DAOS_API_VERSION_MINOR >= (minor)))
#else
#define CHECK_DAOS_API_VERSION(major, minor) 0
#endif

#if !CHECK_DAOS_API_VERSION(2, 0)
#error "a DAOS 2.x API is required"
#endif

#define CHECK(rc, what)                                                                            \
	do {                                                                                       \
		if ((rc) != 0) {                                                                   \
			fprintf(stderr, "%s: %s (%d)\n", what, d_errstr(rc), rc);                  \
			goto out;                                                                  \
		}                                                                                  \
	} while (0)

#define NR_EVENTS 8

static int
kv_and_array(daos_handle_t coh)
{
	daos_obj_id_t      oid = {.lo = 7, .hi = 0};
	daos_handle_t      oh;
	daos_array_iod_t   iod;
	daos_range_t       rg;
	d_sg_list_t        sgl;
	d_iov_t            iov;
	char               buf[64] = "value";
	daos_size_t        size    = sizeof(buf);
	daos_size_t        cell_size, chunk_size;
	daos_array_stbuf_t stbuf;
	int                rc;

	rc = daos_obj_generate_oid(coh, &oid, DAOS_OT_KV_HASHED, OC_SX, 0, 0);
	CHECK(rc, "generate kv oid");
	rc = daos_kv_open(coh, oid, DAOS_OO_RW, &oh, NULL);
	CHECK(rc, "kv open");
	rc = daos_kv_put(oh, DAOS_TX_NONE, DAOS_COND_KEY_INSERT, "key", strlen(buf) + 1, buf, NULL);
	CHECK(rc, "kv put");
	rc = daos_kv_get(oh, DAOS_TX_NONE, 0, "key", &size, buf, NULL);
	CHECK(rc, "kv get");
	daos_kv_close(oh, NULL);

	oid.lo++;
	rc = daos_array_generate_oid(coh, &oid, true, OC_S1, 0, 0);
	CHECK(rc, "generate array oid");
	rc = daos_array_create(coh, oid, DAOS_TX_NONE, 1, 1 << 20, &oh, NULL);
	CHECK(rc, "array create");
	rg.rg_idx     = 0;
	rg.rg_len     = sizeof(buf);
	iod.arr_nr    = 1;
	iod.arr_rgs   = &rg;
	sgl.sg_nr     = 1;
	sgl.sg_nr_out = 0;
	sgl.sg_iovs   = &iov;
	d_iov_set(&iov, buf, sizeof(buf));
	rc = daos_array_write(oh, DAOS_TX_NONE, &iod, &sgl, NULL);
	CHECK(rc, "array write");
	rc = daos_array_read(oh, DAOS_TX_NONE, &iod, &sgl, NULL);
	CHECK(rc, "array read");
	rc = daos_array_get_size(oh, DAOS_TX_NONE, &size, NULL);
	CHECK(rc, "array get size");
	rc = daos_array_stat(oh, DAOS_TX_NONE, &stbuf, NULL);
	CHECK(rc, "array stat");
	rc = daos_array_get_attr(oh, &chunk_size, &cell_size);
	CHECK(rc, "array get attr");
	rc = daos_array_close(oh, NULL);
	CHECK(rc, "array close");
	rc = daos_array_open(coh, oid, DAOS_TX_NONE, DAOS_OO_RW, &cell_size, &chunk_size, &oh, NULL);
	CHECK(rc, "array open");
	rc = daos_array_destroy(oh, DAOS_TX_NONE, NULL);
	CHECK(rc, "array destroy");
	rc = daos_array_close(oh, NULL);
	CHECK(rc, "array close");
out:
	return rc;
}

/* Single values and array extents under one dkey, asynchronously, then listed back. */
static int
objects(daos_handle_t coh)
{
	daos_obj_id_t   oid = {.lo = 1, .hi = 0};
	daos_handle_t   oh, eqh = DAOS_HDL_INVAL, th;
	daos_event_t    events[NR_EVENTS], *done[NR_EVENTS];
	daos_key_t      dkey, akey;
	daos_iod_t      iod;
	daos_recx_t     recx;
	d_sg_list_t     sgl;
	d_iov_t         iov;
	daos_anchor_t   anchor = DAOS_ANCHOR_INIT;
	daos_key_desc_t kds[16];
	char            keys[1024];
	char            data[4096];
	uint64_t        dkey_val = 42;
	uint32_t        nr;
	int             i, rc;
	char            name[MAX_OBJ_CLASS_NAME_LEN];

	daos_oclass_id_t cid = daos_oclass_name2id("RP_2G1");

	if (cid == OC_UNKNOWN)
		cid = OC_S1;
	daos_oclass_id2name(cid, name);
	rc = daos_obj_generate_oid(coh, &oid, DAOS_OT_DKEY_UINT64, cid, 0, 0);
	if (rc == -DER_NOSYS) /* dstor has no replication yet */
		rc = daos_obj_generate_oid(coh, &oid, DAOS_OT_DKEY_UINT64, OC_S1, 0, 0);
	CHECK(rc, "generate oid");
	if (!daos_is_dkey_uint64(oid) || daos_obj_id2class(oid) == OC_UNKNOWN)
		return -DER_INVAL;
	rc = daos_obj_open(coh, oid, DAOS_OO_RW, &oh, NULL);
	CHECK(rc, "obj open");

	rc = daos_eq_create(&eqh);
	CHECK(rc, "eq create");
	d_iov_set(&dkey, &dkey_val, sizeof(dkey_val));
	d_iov_set(&akey, "a", 1);
	memset(&iod, 0, sizeof(iod));
	iod.iod_name  = akey;
	iod.iod_type  = DAOS_IOD_ARRAY;
	iod.iod_size  = 1;
	iod.iod_nr    = 1;
	iod.iod_recxs = &recx;
	sgl.sg_nr     = 1;
	sgl.sg_iovs   = &iov;
	for (i = 0; i < NR_EVENTS; i++) {
		rc = daos_event_init(&events[i], eqh, NULL);
		CHECK(rc, "event init");
		recx.rx_idx = (uint64_t)i * (sizeof(data) / NR_EVENTS);
		recx.rx_nr  = sizeof(data) / NR_EVENTS;
		d_iov_set(&iov, data + recx.rx_idx, recx.rx_nr);
		rc = daos_obj_update(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, &events[i]);
		CHECK(rc, "update");
	}
	for (nr = 0; nr < NR_EVENTS;) {
		rc = daos_eq_poll(eqh, 1, DAOS_EQ_WAIT, NR_EVENTS, done);
		if (rc < 0)
			CHECK(rc, "eq poll");
		for (i = 0; i < rc; i++)
			if (done[i]->ev_error != 0)
				CHECK(done[i]->ev_error, "update event");
		nr += rc;
	}
	for (i = 0; i < NR_EVENTS; i++)
		daos_event_fini(&events[i]);
	/* a single value under its own akey ("a" holds an array: a type is kept per akey) */
	d_iov_set(&iod.iod_name, "sv", 2);

#ifndef COMPAT_NO_TX
	/* a single value in a transaction, retried as DAOS's examples do */
	rc = daos_tx_open(coh, &th, 0, NULL);
	CHECK(rc, "tx open");
	do {
		iod.iod_type = DAOS_IOD_SINGLE;
		iod.iod_size = 5;
		iod.iod_recxs = NULL;
		d_iov_set(&iov, "hello", 5);
		rc = daos_obj_update(oh, th, DAOS_COND_DKEY_UPDATE, &dkey, 1, &iod, &sgl, NULL);
		if (rc == 0)
			rc = daos_tx_commit(th, NULL);
		if (rc == -DER_TX_RESTART)
			daos_tx_restart(th, NULL);
	} while (rc == -DER_TX_RESTART);
	daos_tx_close(th, NULL);
	CHECK(rc, "tx");
#else
	/* libdaos without transactions yet (run-compat.sh asks its exports) */
	(void)th;
	iod.iod_type  = DAOS_IOD_SINGLE;
	iod.iod_size  = 5;
	iod.iod_recxs = NULL;
	d_iov_set(&iov, "hello", 5);
	rc = daos_obj_update(oh, DAOS_TX_NONE, DAOS_COND_DKEY_UPDATE, &dkey, 1, &iod, &sgl, NULL);
	CHECK(rc, "update single value");
#endif

	iod.iod_size = DAOS_REC_ANY;
	d_iov_set(&iov, data, sizeof(data));
	rc = daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkey, 1, &iod, &sgl, NULL, NULL);
	CHECK(rc, "fetch");

	while (!daos_anchor_is_eof(&anchor)) {
		nr = ARRAY_SIZE(kds);
		d_iov_set(&iov, keys, sizeof(keys));
		rc = daos_obj_list_dkey(oh, DAOS_TX_NONE, &nr, kds, &sgl, &anchor, NULL);
		CHECK(rc, "list dkeys");
	}
	rc = daos_obj_query_key(oh, DAOS_TX_NONE, DAOS_GET_DKEY | DAOS_GET_MAX, &dkey, NULL, NULL,
				NULL);
	CHECK(rc, "query key");
	rc = daos_obj_punch_dkeys(oh, DAOS_TX_NONE, DAOS_COND_PUNCH, 1, &dkey, NULL);
	CHECK(rc, "punch dkey");
	rc = daos_obj_close(oh, NULL);
out:
	if (daos_handle_is_valid(eqh))
		daos_eq_destroy(eqh, DAOS_EQ_DESTROY_FORCE);
	return rc;
}

int
run_compat_client(const char *pool, const char *cont)
{
	daos_handle_t    poh, coh;
	daos_pool_info_t pinfo = {.pi_bits = DPI_SPACE | DPI_REBUILD_STATUS};
	daos_cont_info_t cinfo;
	daos_prop_t     *prop;
	d_iov_t          glob = {NULL, 0, 0};
	uuid_t           cuuid;
	int              rc, rc2;

	rc = daos_init();
	if (rc != 0)
		return rc;
	rc = daos_pool_connect(pool, NULL, DAOS_PC_RW, &poh, &pinfo, NULL);
	CHECK(rc, "pool connect");
	printf("pool: %u targets, %" PRIu64 " bytes free\n", pinfo.pi_ntargets,
	       pinfo.pi_space.ps_space.s_free[DAOS_MEDIA_NVME]);

	prop = daos_prop_alloc(3);
	if (prop == NULL)
		return -DER_NOMEM;
	prop->dpp_entries[0].dpe_type = DAOS_PROP_CO_LAYOUT_TYPE;
	prop->dpp_entries[0].dpe_val  = DAOS_PROP_CO_LAYOUT_POSIX;
	prop->dpp_entries[1].dpe_type = DAOS_PROP_CO_CSUM;
	prop->dpp_entries[1].dpe_val  = DAOS_PROP_CO_CSUM_CRC32;
	prop->dpp_entries[2].dpe_type = DAOS_PROP_CO_LABEL;
	rc = daos_prop_set_str(prop, DAOS_PROP_CO_LABEL, cont, strlen(cont));
	CHECK(rc, "prop label");
	if (!daos_label_is_valid(cont))
		return -DER_INVAL;
	rc = daos_cont_create(poh, &cuuid, prop, NULL);
	daos_prop_free(prop);
	if (rc == -DER_EXIST)
		rc = 0;
	CHECK(rc, "cont create");
	rc = daos_cont_open(poh, cont, DAOS_COO_RW, &coh, &cinfo, NULL);
	CHECK(rc, "cont open");

	/* share the handle the way MPI programs do */
	rc = daos_cont_local2global(coh, &glob);
	CHECK(rc, "local2global size");

	rc = objects(coh);
	if (rc == 0)
		rc = kv_and_array(coh);

	rc2 = daos_cont_close(coh, NULL);
	if (rc == 0)
		rc = rc2;
	daos_cont_destroy(poh, cont, 1, NULL);
	daos_pool_disconnect(poh, NULL);
out:
	daos_fini();
	return rc;
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: %s POOL CONT\n", argv[0]);
		return 2;
	}
	rc = run_compat_client(argv[1], argv[2]);
	if (rc != 0) {
		fprintf(stderr, "daos_compat: %s (%d)\n", d_errstr(rc), rc);
		return 1;
	}
	printf("daos_compat: OK\n");
	return 0;
}
