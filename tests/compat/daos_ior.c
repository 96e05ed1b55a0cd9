/*
 * A client shaped like IOR's and mdtest's DAOS backends and DAOS's documented
 * examples: connect to a pool by label, create and open a container by label,
 * write transfers of one object asynchronously on an event queue and read them
 * back, keep "files" in a flat KV, write and read a byte array, share the
 * container handle as MPI ranks do (local2global / global2local), tear down.
 * Only <daos.h> and what it includes; built and run by run-compat.sh:
 *   daos_ior POOL CONT
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <daos.h>

#define XFER      (64 * 1024) /* bytes per transfer: large enough to travel by bulk */
#define NXFER     16
#define QDEPTH    4
#define NFILES    50

#define TRY(call)                                                                                  \
	do {                                                                                       \
		int rc_ = (call);                                                                  \
		if (rc_ != 0) {                                                                    \
			fprintf(stderr, "%s:%d %s: %d\n", __FILE__, __LINE__, #call, rc_);         \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

static void
pattern(char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(seed + i * 31 + (i >> 8));
}

/* IOR: one dkey per transfer, akey "data", QDEPTH transfers in flight. */
static void
ior_phase(daos_handle_t coh, bool write)
{
	static char    bufs[QDEPTH][XFER];
	daos_obj_id_t  oid = {.lo = 1, .hi = 0};
	daos_handle_t  oh, eqh;
	daos_event_t   evs[QDEPTH], *done[QDEPTH];
	daos_key_t     dkeys[QDEPTH];
	uint64_t       dkv[QDEPTH];
	daos_iod_t     iods[QDEPTH];
	daos_recx_t    recxs[QDEPTH];
	d_sg_list_t    sgls[QDEPTH];
	d_iov_t        iovs[QDEPTH];
	char           expect[XFER];
	int            slot[QDEPTH];
	int            i, n, x = 0, inflight = 0, freeslot[QDEPTH], nfree = QDEPTH;

	TRY(daos_obj_generate_oid(coh, &oid, DAOS_OT_DKEY_UINT64, OC_SX, 0, 0));
	TRY(daos_obj_open(coh, oid, write ? DAOS_OO_RW : DAOS_OO_RO, &oh, NULL));
	TRY(daos_eq_create(&eqh));
	for (i = 0; i < QDEPTH; i++) {
		freeslot[i] = i;
		TRY(daos_event_init(&evs[i], eqh, NULL));
	}
	while (x < NXFER || inflight > 0) {
		while (x < NXFER && nfree > 0) {
			int s = freeslot[--nfree];

			slot[s] = x;
			dkv[s]  = (uint64_t)x;
			d_iov_set(&dkeys[s], &dkv[s], sizeof(dkv[s]));
			memset(&iods[s], 0, sizeof(iods[s]));
			d_iov_set(&iods[s].iod_name, "data", 4);
			iods[s].iod_type  = DAOS_IOD_ARRAY;
			iods[s].iod_size  = 1;
			iods[s].iod_nr    = 1;
			recxs[s].rx_idx   = 0;
			recxs[s].rx_nr    = XFER;
			iods[s].iod_recxs = &recxs[s];
			if (write)
				pattern(bufs[s], XFER, (unsigned int)x);
			else
				memset(bufs[s], 0, XFER);
			d_iov_set(&iovs[s], bufs[s], XFER);
			sgls[s].sg_nr     = 1;
			sgls[s].sg_nr_out = 0;
			sgls[s].sg_iovs   = &iovs[s];
			if (write)
				TRY(daos_obj_update(oh, DAOS_TX_NONE, 0, &dkeys[s], 1, &iods[s],
						    &sgls[s], &evs[s]));
			else
				TRY(daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dkeys[s], 1, &iods[s],
						   &sgls[s], NULL, &evs[s]));
			inflight++;
			x++;
		}
		n = daos_eq_poll(eqh, 1, DAOS_EQ_WAIT, QDEPTH, done);
		if (n < 0)
			TRY(n);
		for (i = 0; i < n; i++) {
			int s = (int)(done[i] - evs);

			TRY(done[i]->ev_error);
			if (!write) {
				pattern(expect, XFER, (unsigned int)slot[s]);
				if (memcmp(expect, bufs[s], XFER) != 0) {
					fprintf(stderr, "transfer %d reads back wrong\n", slot[s]);
					exit(1);
				}
			}
			freeslot[nfree++] = s;
			inflight--;
		}
	}
	for (i = 0; i < QDEPTH; i++)
		TRY(daos_event_fini(&evs[i]));
	TRY(daos_eq_destroy(eqh, 0));
	TRY(daos_obj_close(oh, NULL));
}

/* mdtest: a directory of files as a flat KV, created, stat'ed, listed, removed. */
static void
mdtest_phase(daos_handle_t coh)
{
	daos_obj_id_t   oid = {.lo = 2, .hi = 0};
	daos_handle_t   oh;
	daos_anchor_t   anchor = DAOS_ANCHOR_INIT;
	daos_key_desc_t kds[8];
	d_sg_list_t     sgl;
	d_iov_t         iov;
	char            name[32], keys[8 * 32], val[16];
	daos_size_t     size;
	uint32_t        nr, listed = 0;
	int             i;

	TRY(daos_obj_generate_oid(coh, &oid, DAOS_OT_KV_HASHED, OC_S1, 0, 0));
	TRY(daos_kv_open(coh, oid, DAOS_OO_RW, &oh, NULL));
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "file.mdtest.%d", i);
		TRY(daos_kv_put(oh, DAOS_TX_NONE, DAOS_COND_KEY_INSERT, name, sizeof(i), &i, NULL));
	}
	snprintf(name, sizeof(name), "file.mdtest.%d", 7);
	if (daos_kv_put(oh, DAOS_TX_NONE, DAOS_COND_KEY_INSERT, name, 1, "x", NULL) != -DER_EXIST) {
		fprintf(stderr, "second insert of %s did not fail with -DER_EXIST\n", name);
		exit(1);
	}
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "file.mdtest.%d", i);
		size = sizeof(val);
		TRY(daos_kv_get(oh, DAOS_TX_NONE, 0, name, &size, val, NULL));
		if (size != sizeof(i) || memcmp(val, &i, sizeof(i)) != 0) {
			fprintf(stderr, "stat of %s is wrong\n", name);
			exit(1);
		}
	}
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	while (!daos_anchor_is_eof(&anchor)) {
		nr = 8;
		d_iov_set(&iov, keys, sizeof(keys));
		TRY(daos_kv_list(oh, DAOS_TX_NONE, &nr, kds, &sgl, &anchor, NULL));
		listed += nr;
	}
	if (listed != NFILES) {
		fprintf(stderr, "listed %u files of %d\n", listed, NFILES);
		exit(1);
	}
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "file.mdtest.%d", i);
		TRY(daos_kv_remove(oh, DAOS_TX_NONE, 0, name, NULL));
	}
	size = sizeof(val);
	TRY(daos_kv_get(oh, DAOS_TX_NONE, 0, "file.mdtest.0", &size, val, NULL));
	if (size != 0) {
		fprintf(stderr, "a removed file is still there\n");
		exit(1);
	}
	TRY(daos_kv_close(oh, NULL));
}

/* A byte array, as DFS keeps a file's data. */
static void
array_phase(daos_handle_t coh)
{
	daos_obj_id_t    oid = {.lo = 3, .hi = 0};
	daos_handle_t    oh;
	daos_array_iod_t iod;
	daos_range_t     rg;
	d_sg_list_t      sgl;
	d_iov_t          iov;
	static char      buf[3 * XFER], back[3 * XFER];
	daos_size_t      size;

	TRY(daos_array_generate_oid(coh, &oid, true, OC_SX, 0, 0));
	TRY(daos_array_create(coh, oid, DAOS_TX_NONE, 1, XFER, &oh, NULL));
	pattern(buf, sizeof(buf), 9);
	rg.rg_idx   = 100;
	rg.rg_len   = sizeof(buf);
	iod.arr_nr  = 1;
	iod.arr_rgs = &rg;
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	d_iov_set(&iov, buf, sizeof(buf));
	TRY(daos_array_write(oh, DAOS_TX_NONE, &iod, &sgl, NULL));
	TRY(daos_array_get_size(oh, DAOS_TX_NONE, &size, NULL));
	if (size != 100 + sizeof(buf)) {
		fprintf(stderr, "array size %zu\n", (size_t)size);
		exit(1);
	}
	d_iov_set(&iov, back, sizeof(back));
	TRY(daos_array_read(oh, DAOS_TX_NONE, &iod, &sgl, NULL));
	if (memcmp(buf, back, sizeof(buf)) != 0) {
		fprintf(stderr, "array reads back wrong\n");
		exit(1);
	}
	TRY(daos_array_set_size(oh, DAOS_TX_NONE, 10, NULL));
	TRY(daos_array_get_size(oh, DAOS_TX_NONE, &size, NULL));
	if (size != 10) {
		fprintf(stderr, "truncated array size %zu\n", (size_t)size);
		exit(1);
	}
	TRY(daos_array_destroy(oh, DAOS_TX_NONE, NULL));
	TRY(daos_array_close(oh, NULL));
}

int
main(int argc, char **argv)
{
	daos_handle_t poh, coh, coh2;
	d_iov_t       glob = {NULL, 0, 0};
	uuid_t        uuid;

	if (argc != 3) {
		fprintf(stderr, "usage: %s POOL CONT\n", argv[0]);
		return 2;
	}
	TRY(daos_init());
	TRY(daos_pool_connect(argv[1], NULL, DAOS_PC_RW, &poh, NULL, NULL));
	TRY(daos_cont_create_with_label(poh, argv[2], NULL, &uuid, NULL));
	TRY(daos_cont_open(poh, argv[2], DAOS_COO_RW, &coh, NULL, NULL));

	/* rank 0 broadcasts its handle; the others open theirs from it */
	TRY(daos_cont_local2global(coh, &glob));
	glob.iov_buf = malloc(glob.iov_buf_len);
	TRY(daos_cont_local2global(coh, &glob));
	TRY(daos_cont_global2local(poh, glob, &coh2));
	free(glob.iov_buf);

	ior_phase(coh, true);
	ior_phase(coh2, false);
	mdtest_phase(coh);
	array_phase(coh2);

	TRY(daos_cont_close(coh2, NULL));
	TRY(daos_cont_close(coh, NULL));
	TRY(daos_cont_destroy(poh, argv[2], 0, NULL));
	TRY(daos_pool_disconnect(poh, NULL));
	TRY(daos_fini());
	printf("daos_ior: OK\n");
	return 0;
}
