/*
 * daos_perf - a client's view of the system's speed, through libdaos's public
 * API only (what an application sees: pool, container, objects, events).
 *
 *   daos_perf --pool LABEL --cont LABEL
 *             --op update|fetch|kv_put|kv_get|array_write|array_read
 *             --size BYTES --qd N --count N [--json]
 *   daos_perf --pool LABEL --cont LABEL --demo [--json]
 *
 * --qd events are kept in flight on one event queue; --count operations are
 * timed from the first launch to the last completion. The container is
 * created when it does not exist.
 *
 * update writes new single values (acknowledged once durable on the server);
 * values of DP_OBJ_PER_VALUE_MIN bytes and more each get an object of their
 * own (class S1), so objects spread over the targets by placement and large
 * sizes measure bandwidth rather than one target; smaller values are dkeys of
 * one SX object. fetch first writes what it then reads (untimed, same QD) and
 * checks every value it reads back. kv_put and kv_get do the same through
 * daos_kv_put/get on one KV object. Object IDs are reserved with
 * daos_cont_alloc_oids, so a run never overwrites an earlier run's values.
 * array_write and array_read put value i at byte offset i x size of one
 * byte-array object (cell size 1, chunk 1 MiB) through daos_array_write/read.
 *
 * --demo runs a short mixed workload (what `make run` shows a newcomer):
 * one phase of each kind, every read checked against what was written, and
 * one table of the results. The demo's container is its own: an earlier
 * demo's is destroyed first, so repeated runs do not fill the pool.
 */
#include <getopt.h>
#include <daos.h>
#include <gurt/common.h>
#include "common/cli.h"

#define DP_OBJ_PER_VALUE_MIN 4096 /* from here on: one object per value */
#define DP_SIZE_MAX          (64u << 20)
#define DP_QD_MAX            4096

#define DP_ARRAY_CHUNK       (1u << 20)

enum dp_op { DP_UPDATE, DP_FETCH, DP_KV_PUT, DP_KV_GET, DP_ARRAY_WRITE, DP_ARRAY_READ };

static const char *const dp_op_names[] = {"update", "fetch",       "kv_put",
					  "kv_get", "array_write", "array_read"};

static bool
dp_op_reads(enum dp_op op)
{
	return op == DP_FETCH || op == DP_KV_GET || op == DP_ARRAY_READ;
}

static bool
dp_op_kv(enum dp_op op)
{
	return op == DP_KV_PUT || op == DP_KV_GET;
}

static bool
dp_op_array(enum dp_op op)
{
	return op == DP_ARRAY_WRITE || op == DP_ARRAY_READ;
}

/* What one phase measured. */
struct dp_result {
	enum dp_op op;
	uint64_t   size;
	uint32_t   qd;
	uint64_t   count;
	double     seconds;
	double     iops;
	double     mib_s;
	double     p50_us;
	double     p99_us;
};

/* One operation in flight: its event, its buffers, and when it started. */
struct dp_slot {
	daos_event_t  ds_ev;
	uint64_t      ds_idx;
	uint64_t      ds_t0;
	daos_handle_t ds_oh;    /* the value's own object, when it has one */
	uint64_t      ds_dkey;  /* the value's dkey in the shared object */
	daos_key_t    ds_dk;
	daos_iod_t    ds_iod;
	d_sg_list_t   ds_sgl;
	d_iov_t       ds_iov;
	daos_range_t  ds_rg;
	daos_array_iod_t ds_aiod;
	daos_size_t   ds_kv_size;
	char          ds_key[24];
	uint64_t     *ds_buf;   /* size bytes, 8-byte aligned for the stamps */
};

struct dp {
	const char     *pool;
	const char     *cont;
	enum dp_op      op;
	uint64_t        size;
	uint32_t        qd;
	uint64_t        count;
	bool            json;
	bool            fresh;      /* destroy an earlier run's container first */
	daos_handle_t   poh;
	daos_handle_t   coh;
	daos_handle_t   eqh;
	daos_handle_t   shared_oh;  /* the SX, KV or array object values share */
	uint64_t        oid_base;   /* first of count reserved ids, per-value objects */
	bool            per_value;
	bool            reading;    /* the pass in progress reads */
	struct dp_slot *slots;
	uint64_t       *lat_ns;
	double          seconds;
	struct dp_result res;
};

/*
 * Value i is stamped with i in its first and last words (and carries a fixed
 * pattern between), so a read of the wrong value, a short read or a stale
 * buffer is caught without comparing every byte of a large value.
 */
static void
dp_stamp(const struct dp *p, uint64_t *buf, uint64_t i)
{
	buf[0] = i ^ 0x5eed5eed5eed5eedULL;
	if (p->size >= 16)
		buf[p->size / 8 - 1] = ~i;
}

static bool
dp_stamp_ok(const struct dp *p, const uint64_t *buf, uint64_t i)
{
	if (p->size < 8)
		return true;
	if (buf[0] != (i ^ 0x5eed5eed5eed5eedULL))
		return false;
	return p->size < 16 || buf[p->size / 8 - 1] == ~i;
}

static int
dp_oid(struct dp *p, uint64_t lo, enum daos_otype_t type, daos_oclass_id_t cid,
       daos_obj_id_t *oid)
{
	oid->lo = lo;
	oid->hi = 0;
	return daos_obj_generate_oid(p->coh, oid, type, cid, 0, 0);
}

/* Start operation i on slot s. */
static int
dp_launch(struct dp *p, struct dp_slot *s, uint64_t i)
{
	daos_obj_id_t oid;
	daos_handle_t oh;
	int           rc;

	s->ds_idx = i;
	if (!p->reading)
		dp_stamp(p, s->ds_buf, i);
	else if (p->size >= 8)
		s->ds_buf[0] = 0; /* a read that fills nothing must not pass the check */
	if (p->op == DP_KV_PUT || p->op == DP_KV_GET) {
		snprintf(s->ds_key, sizeof(s->ds_key), "k%" PRIu64, i);
		s->ds_t0 = dcli_now_ns();
		if (!p->reading)
			return daos_kv_put(p->shared_oh, DAOS_TX_NONE, 0, s->ds_key, p->size,
					   s->ds_buf, &s->ds_ev);
		s->ds_kv_size = p->size;
		return daos_kv_get(p->shared_oh, DAOS_TX_NONE, 0, s->ds_key, &s->ds_kv_size,
				   s->ds_buf, &s->ds_ev);
	}

	if (dp_op_array(p->op)) {
		s->ds_rg.rg_idx       = i * p->size;
		s->ds_rg.rg_len       = p->size;
		s->ds_aiod.arr_nr     = 1;
		s->ds_aiod.arr_rgs    = &s->ds_rg;
		s->ds_aiod.arr_nr_short_read = 0;
		d_iov_set(&s->ds_iov, s->ds_buf, p->size);
		s->ds_sgl.sg_nr     = 1;
		s->ds_sgl.sg_nr_out = 0;
		s->ds_sgl.sg_iovs   = &s->ds_iov;
		s->ds_t0            = dcli_now_ns();
		if (!p->reading)
			return daos_array_write(p->shared_oh, DAOS_TX_NONE, &s->ds_aiod,
						&s->ds_sgl, &s->ds_ev);
		return daos_array_read(p->shared_oh, DAOS_TX_NONE, &s->ds_aiod, &s->ds_sgl,
				       &s->ds_ev);
	}

	s->ds_t0 = dcli_now_ns();
	if (p->per_value) {
		/* opening computes the layout locally: no round trip in the timing */
		rc = dp_oid(p, p->oid_base + i, DAOS_OT_MULTI_HASHED, OC_S1, &oid);
		if (rc == 0)
			rc = daos_obj_open(p->coh, oid, p->reading ? DAOS_OO_RO : DAOS_OO_RW,
					   &s->ds_oh, NULL);
		if (rc != 0)
			return rc;
		oh        = s->ds_oh;
		s->ds_dkey = 0;
	} else {
		oh        = p->shared_oh;
		s->ds_dkey = i;
	}
	d_iov_set(&s->ds_dk, &s->ds_dkey, sizeof(s->ds_dkey));
	d_iov_set(&s->ds_iod.iod_name, "v", 1);
	s->ds_iod.iod_type  = DAOS_IOD_SINGLE;
	s->ds_iod.iod_size  = p->size;
	s->ds_iod.iod_nr    = 1;
	s->ds_iod.iod_recxs = NULL;
	s->ds_iod.iod_flags = 0;
	d_iov_set(&s->ds_iov, s->ds_buf, p->size);
	s->ds_sgl.sg_nr     = 1;
	s->ds_sgl.sg_nr_out = 0;
	s->ds_sgl.sg_iovs   = &s->ds_iov;
	if (!p->reading)
		rc = daos_obj_update(oh, DAOS_TX_NONE, 0, &s->ds_dk, 1, &s->ds_iod, &s->ds_sgl,
				     &s->ds_ev);
	else
		rc = daos_obj_fetch(oh, DAOS_TX_NONE, 0, &s->ds_dk, 1, &s->ds_iod, &s->ds_sgl,
				    NULL, &s->ds_ev);
	if (rc != 0 && p->per_value)
		daos_obj_close(s->ds_oh, NULL);
	return rc;
}

/* Operation of slot s completed with rc: check what it read, release what it held. */
static int
dp_complete(struct dp *p, struct dp_slot *s, int rc)
{
	uint64_t got;

	if (p->per_value && p->op <= DP_FETCH) {
		int crc = daos_obj_close(s->ds_oh, NULL);

		if (rc == 0)
			rc = crc;
	}
	if (rc != 0 || !p->reading)
		return rc;
	got = p->op == DP_KV_GET      ? s->ds_kv_size
	      : p->op == DP_ARRAY_READ ? p->size /* a range reads whole or fails */
				       : s->ds_iod.iod_size;
	if (got != p->size || !dp_stamp_ok(p, s->ds_buf, s->ds_idx))
		return -DER_MISMATCH;
	return 0;
}

/*
 * count operations with at most qd in flight. After a failure nothing more is
 * launched, and what is in flight is reaped before returning its error.
 */
static int
dp_pass(struct dp *p, bool reading, bool timed)
{
	struct dp_slot **free_slots = NULL;
	daos_event_t   **evs        = NULL;
	struct dcli_progress bar;
	uint64_t        launched = 0, done = 0, t0;
	uint32_t        nfree = p->qd, i;
	int             rc = 0, n;

	D_ALLOC_ARRAY(free_slots, p->qd);
	D_ALLOC_ARRAY(evs, p->qd);
	if (free_slots == NULL || evs == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	for (i = 0; i < p->qd; i++)
		free_slots[i] = &p->slots[i];
	p->reading = reading;
	dcli_progress_start(&bar, stderr, reading ? "fetch" : "write");
	t0 = dcli_now_ns();
	while (done < launched || (rc == 0 && launched < p->count)) {
		while (rc == 0 && nfree > 0 && launched < p->count) {
			struct dp_slot *s = free_slots[--nfree];

			rc = dp_launch(p, s, launched);
			if (rc != 0) {
				fprintf(stderr, "daos_perf: %s %" PRIu64 " not launched: %s\n",
					dp_op_names[p->op], launched, d_errstr(rc));
				nfree++;
				break;
			}
			launched++;
		}
		if (done == launched)
			break;
		n = daos_eq_poll(p->eqh, 0, DAOS_EQ_WAIT, p->qd, evs);
		if (n < 0) {
			fprintf(stderr, "daos_perf: daos_eq_poll: %s\n", d_errstr(n));
			rc = n;
			break; /* the queue itself failed: nothing more can be reaped */
		}
		for (i = 0; i < (uint32_t)n; i++) {
			struct dp_slot *s   = container_of(evs[i], struct dp_slot, ds_ev);
			uint64_t        end = dcli_now_ns();
			int             orc = dp_complete(p, s, evs[i]->ev_error);

			if (timed)
				p->lat_ns[s->ds_idx] = end - s->ds_t0;
			if (orc != 0 && rc == 0) {
				fprintf(stderr, "daos_perf: %s %" PRIu64 ": %s\n",
					dp_op_names[p->op], s->ds_idx, d_errstr(orc));
				rc = orc;
			}
			free_slots[nfree++] = s;
			done++;
		}
		dcli_progress_update(&bar, done, p->count);
	}
	dcli_progress_end(&bar);
	p->seconds = (double)(dcli_now_ns() - t0) / 1e9;
out:
	D_FREE(free_slots);
	D_FREE(evs);
	return rc;
}

/* Open the container, creating it first when it is missing. */
static int
dp_cont_open(struct dp *p)
{
	int rc = daos_cont_open(p->poh, p->cont, DAOS_COO_RW, &p->coh, NULL, NULL);

	if (rc == -DER_NONEXIST) {
		rc = daos_cont_create_with_label(p->poh, p->cont, NULL, NULL, NULL);
		if (rc == -DER_EXIST)
			rc = 0; /* another client created it meanwhile */
		if (rc == 0)
			rc = daos_cont_open(p->poh, p->cont, DAOS_COO_RW, &p->coh, NULL, NULL);
	}
	if (rc != 0)
		fprintf(stderr, "daos_perf: container %s: %s\n", p->cont, d_errstr(rc));
	return rc;
}

/* The objects of the run: fresh ids, one shared object or one per value. */
static int
dp_objects(struct dp *p)
{
	daos_obj_id_t oid;
	uint64_t      base;
	bool          kv = dp_op_kv(p->op);
	int           rc;

	p->shared_oh = DAOS_HDL_INVAL;
	p->per_value = !kv && !dp_op_array(p->op) && p->size >= DP_OBJ_PER_VALUE_MIN;
	rc = daos_cont_alloc_oids(p->coh, p->per_value ? p->count : 1, &base, NULL);
	if (rc != 0) {
		fprintf(stderr, "daos_perf: daos_cont_alloc_oids: %s\n", d_errstr(rc));
		return rc;
	}
	if (p->per_value) {
		p->oid_base = base;
		return 0;
	}
	if (dp_op_array(p->op)) {
		rc = dp_oid(p, base, DAOS_OT_ARRAY, OC_SX, &oid);
		if (rc == 0)
			rc = daos_array_create(p->coh, oid, DAOS_TX_NONE, 1, DP_ARRAY_CHUNK,
					       &p->shared_oh, NULL);
		if (rc != 0)
			fprintf(stderr, "daos_perf: creating the array: %s\n", d_errstr(rc));
		return rc;
	}
	rc = dp_oid(p, base, kv ? DAOS_OT_KV_HASHED : DAOS_OT_DKEY_UINT64, OC_SX, &oid);
	if (rc == 0)
		rc = kv ? daos_kv_open(p->coh, oid, DAOS_OO_RW, &p->shared_oh, NULL)
			: daos_obj_open(p->coh, oid, DAOS_OO_RW, &p->shared_oh, NULL);
	if (rc != 0)
		fprintf(stderr, "daos_perf: opening the object: %s\n", d_errstr(rc));
	return rc;
}

static int
dp_slots_init(struct dp *p)
{
	uint32_t i;
	int      rc;

	D_ALLOC_ARRAY(p->slots, p->qd);
	if (p->slots == NULL)
		return -DER_NOMEM;
	for (i = 0; i < p->qd; i++) {
		struct dp_slot *s = &p->slots[i];

		D_ALLOC(s->ds_buf, D_ALIGNUP(p->size, 8));
		if (s->ds_buf == NULL)
			return -DER_NOMEM;
		/* the bytes between the stamps: any pattern, written once */
		memset(s->ds_buf, 0xa5, p->size);
		rc = daos_event_init(&s->ds_ev, p->eqh, NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void
dp_slots_fini(struct dp *p)
{
	uint32_t i;

	if (p->slots == NULL)
		return;
	for (i = 0; i < p->qd; i++) {
		if (p->slots[i].ds_buf == NULL)
			break;
		daos_event_fini(&p->slots[i].ds_ev);
		D_FREE(p->slots[i].ds_buf);
	}
	D_FREE(p->slots);
}

/* Turn the latencies and the pass's time into p->res. */
static void
dp_summarise(struct dp *p)
{
	struct dp_result *r = &p->res;

	dcli_lat_pcts(p->lat_ns, p->count, &r->p50_us, &r->p99_us);
	r->op      = p->op;
	r->size    = p->size;
	r->qd      = p->qd;
	r->count   = p->count;
	r->seconds = p->seconds;
	r->iops    = (double)p->count / p->seconds;
	r->mib_s   = r->iops * (double)p->size / (1 << 20);
}

static const char *
dp_layout(const struct dp *p)
{
	if (dp_op_kv(p->op))
		return "one KV object";
	if (dp_op_array(p->op))
		return "one byte array, a range per value";
	return p->per_value ? "one object per value" : "one SX object, a dkey per value";
}

static void
dp_json_result(struct dcli_json *j, const struct dp_result *r)
{
	dcli_json_obj_begin(j);
	dcli_json_kstr(j, "op", dp_op_names[r->op]);
	dcli_json_kuint(j, "size", r->size);
	dcli_json_kuint(j, "qd", r->qd);
	dcli_json_kuint(j, "ops", r->count);
	dcli_json_kdouble(j, "seconds", r->seconds);
	dcli_json_kdouble(j, "iops", r->iops);
	dcli_json_kdouble(j, "mib_s", r->mib_s);
	dcli_json_kdouble(j, "p50_us", r->p50_us);
	dcli_json_kdouble(j, "p99_us", r->p99_us);
	dcli_json_obj_end(j);
}

static void
dp_report(struct dp *p)
{
	const struct dp_result *r = &p->res;

	if (p->json) {
		struct dcli_json j;

		dcli_json_init(&j, stdout);
		dp_json_result(&j, r);
		dcli_json_finish(&j);
		return;
	}
	printf("op %s  size %" PRIu64 " B  qd %u  ops %" PRIu64 "  %.3f s  (%s)\n",
	       dp_op_names[r->op], r->size, r->qd, r->count, r->seconds, dp_layout(p));
	printf("  %.0f ops/s  %.1f MiB/s  p50 %.1f us  p99 %.1f us\n", r->iops, r->mib_s,
	       r->p50_us, r->p99_us);
}

/* Pool, container and event queue: what every phase shares. */
static int
dp_open(struct dp *p)
{
	int rc;

	rc = daos_pool_connect(p->pool, NULL, DAOS_PC_RW, &p->poh, NULL, NULL);
	if (rc != 0) {
		fprintf(stderr, "daos_perf: pool %s: %s\n", p->pool, d_errstr(rc));
		return rc;
	}
	if (p->fresh) {
		rc = daos_cont_destroy(p->poh, p->cont, 1, NULL);
		if (rc != 0 && rc != -DER_NONEXIST) {
			fprintf(stderr, "daos_perf: destroying container %s: %s\n", p->cont,
				d_errstr(rc));
			goto out_pool;
		}
	}
	rc = dp_cont_open(p);
	if (rc != 0)
		goto out_pool;
	rc = daos_eq_create(&p->eqh);
	if (rc == 0)
		return 0;
	fprintf(stderr, "daos_perf: daos_eq_create: %s\n", d_errstr(rc));
	daos_cont_close(p->coh, NULL);
out_pool:
	daos_pool_disconnect(p->poh, NULL);
	return rc;
}

static void
dp_close(struct dp *p)
{
	daos_eq_destroy(p->eqh, DAOS_EQ_DESTROY_FORCE);
	daos_cont_close(p->coh, NULL);
	daos_pool_disconnect(p->poh, NULL);
}

/* One measured phase (p->op, size, qd, count); a read phase first writes what it checks. */
static int
dp_phase(struct dp *p)
{
	int rc;

	D_ALLOC_ARRAY(p->lat_ns, p->count);
	if (p->lat_ns == NULL) {
		fprintf(stderr, "daos_perf: out of memory for %" PRIu64 " latencies\n", p->count);
		return -DER_NOMEM;
	}
	rc = dp_slots_init(p);
	if (rc != 0) {
		fprintf(stderr, "daos_perf: events and buffers: %s\n", d_errstr(rc));
		goto out;
	}
	rc = dp_objects(p);
	if (rc != 0)
		goto out;
	if (dp_op_reads(p->op))
		rc = dp_pass(p, false, false);
	if (rc == 0)
		rc = dp_pass(p, dp_op_reads(p->op), true);
	if (rc == 0)
		dp_summarise(p);
	if (daos_handle_is_valid(p->shared_oh)) {
		if (dp_op_kv(p->op))
			daos_kv_close(p->shared_oh, NULL);
		else if (dp_op_array(p->op))
			daos_array_close(p->shared_oh, NULL);
		else
			daos_obj_close(p->shared_oh, NULL);
	}
out:
	dp_slots_fini(p);
	D_FREE(p->lat_ns);
	return rc;
}

/* The newcomer's mixed workload: small and large values, KV and array, each read back. */
static const struct {
	enum dp_op op;
	uint64_t   size;
	uint32_t   qd;
	uint64_t   count;
} dp_demo_phases[] = {
	{DP_UPDATE, 4096, 16, 4000},     {DP_FETCH, 4096, 16, 4000},
	{DP_UPDATE, 1u << 20, 4, 64},    {DP_FETCH, 1u << 20, 4, 64},
	{DP_KV_PUT, 64, 32, 10000},      {DP_KV_GET, 64, 32, 10000},
	{DP_ARRAY_WRITE, 65536, 8, 512}, {DP_ARRAY_READ, 65536, 8, 512},
};

static int
dp_demo(struct dp *p)
{
	static const char *const hdr[] = {"Phase", "Size",     "QD",       "Ops",     "Ops/s",
					  "MiB/s", "p50 (us)", "p99 (us)", "Verified"};
	struct dp_result  res[ARRAY_SIZE(dp_demo_phases)];
	struct dcli_table t;
	uint32_t          i, k, n = ARRAY_SIZE(dp_demo_phases);
	int               rc;

	for (i = 0; i < n; i++) {
		p->op    = dp_demo_phases[i].op;
		p->size  = dp_demo_phases[i].size;
		p->qd    = dp_demo_phases[i].qd;
		p->count = dp_demo_phases[i].count;
		rc       = dp_phase(p);
		if (rc != 0)
			return rc;
		res[i] = p->res;
	}
	if (p->json) {
		struct dcli_json j;

		dcli_json_init(&j, stdout);
		dcli_json_arr_begin(&j);
		for (i = 0; i < n; i++)
			dp_json_result(&j, &res[i]);
		dcli_json_arr_end(&j);
		return dcli_json_finish(&j);
	}
	rc = dcli_table_init(&t, ARRAY_SIZE(hdr), hdr);
	for (i = 0; rc == 0 && i < n; i++) {
		char        c[7][32];
		const char *row[ARRAY_SIZE(hdr)];

		dcli_format_isize(res[i].size, c[0], sizeof(c[0]));
		snprintf(c[1], sizeof(c[1]), "%u", res[i].qd);
		snprintf(c[2], sizeof(c[2]), "%" PRIu64, res[i].count);
		snprintf(c[3], sizeof(c[3]), "%.0f", res[i].iops);
		snprintf(c[4], sizeof(c[4]), "%.1f", res[i].mib_s);
		snprintf(c[5], sizeof(c[5]), "%.0f", res[i].p50_us);
		snprintf(c[6], sizeof(c[6]), "%.0f", res[i].p99_us);
		row[0] = dp_op_names[res[i].op];
		for (k = 0; k < 7; k++)
			row[k + 1] = c[k];
		row[8] = dp_op_reads(res[i].op) ? "yes" : "-";
		rc     = dcli_table_add_row(&t, row);
	}
	if (rc == 0)
		rc = dcli_table_print(&t, stdout);
	dcli_table_fini(&t);
	return rc;
}

static void
dp_usage(FILE *f)
{
	fprintf(f, "usage: daos_perf --pool LABEL --cont LABEL\n"
		   "                 --op update|fetch|kv_put|kv_get|array_write|array_read\n"
		   "                 --size BYTES --qd N --count N [--json]\n"
		   "       daos_perf --pool LABEL --cont LABEL --demo [--json]\n"
		   "  --demo: a short mixed workload, every read verified, one table\n"
		   "  --size accepts DAOS's units (4KiB, 1MiB); --qd: events in flight on one "
		   "event queue\n"
		   "  the system is found through DSTOR_ACCESS_POINTS (default 127.0.0.1:10001)\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"pool", required_argument, NULL, 'p'}, {"cont", required_argument, NULL, 'c'},
	    {"op", required_argument, NULL, 'o'},   {"size", required_argument, NULL, 's'},
	    {"qd", required_argument, NULL, 'q'},   {"count", required_argument, NULL, 'n'},
	    {"json", no_argument, NULL, 'j'},       {"help", no_argument, NULL, 'h'},
	    {"demo", no_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	struct dp   p  = {.size = 4096, .qd = 1, .count = 10000, .op = DP_UPDATE};
	const char *op = "update";
	uint64_t    v;
	bool        demo = false;
	int         c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': p.pool = optarg; break;
		case 'c': p.cont = optarg; break;
		case 'o': op = optarg; break;
		case 'j': p.json = true; break;
		case 'd': demo = p.fresh = true; break;
		case 'h': dp_usage(stdout); return 0;
		case 's':
			if (dcli_parse_size(optarg, &v, NULL) != 0 || v == 0 || v > DP_SIZE_MAX) {
				fprintf(stderr, "daos_perf: --size: \"%s\" is not a size in 1B..64MiB\n",
					optarg);
				return 2;
			}
			p.size = v;
			break;
		case 'q': case 'n':
			if (!dcli_parse_u64(optarg, &v) || v == 0 || (c == 'q' && v > DP_QD_MAX)) {
				fprintf(stderr, "daos_perf: --%s needs a number in 1..%s, not \"%s\"\n",
					c == 'q' ? "qd" : "count", c == 'q' ? "4096" : "2^64",
					optarg);
				return 2;
			}
			if (c == 'q')
				p.qd = (uint32_t)v;
			else
				p.count = v;
			break;
		default: dp_usage(stderr); return 2;
		}
	}
	if (optind != argc || p.pool == NULL || p.cont == NULL) {
		fprintf(stderr, "daos_perf: --pool and --cont are required\n");
		dp_usage(stderr);
		return 2;
	}
	for (c = 0; c < (int)ARRAY_SIZE(dp_op_names); c++)
		if (strcmp(op, dp_op_names[c]) == 0)
			break;
	if (c == (int)ARRAY_SIZE(dp_op_names)) {
		fprintf(stderr,
			"daos_perf: unknown --op \"%s\" (update, fetch, kv_put, kv_get, "
			"array_write, array_read)\n",
			op);
		return 2;
	}
	p.op = (enum dp_op)c;
	rc   = daos_init();
	if (rc != 0) {
		fprintf(stderr, "daos_perf: daos_init: %s\n", d_errstr(rc));
		return 1;
	}
	rc = dp_open(&p);
	if (rc == 0) {
		if (demo) {
			rc = dp_demo(&p);
		} else {
			rc = dp_phase(&p);
			if (rc == 0)
				dp_report(&p);
		}
		dp_close(&p);
	}
	daos_fini();
	return rc == 0 ? 0 : 1;
}
