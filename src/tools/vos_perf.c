/*
 * vos_perf - benchmark one target's durable store (VOS over BIO) on a data
 * directory.
 *
 *   vos_perf --dir DIR --op update|fetch|recover --size BYTES --qd N --count N
 *            [--keys N] [--hot] [--json]
 *
 * --qd ULTs on one target share --count operations. update writes new keys
 * durably (each returns once its WAL group is on disk). fetch first writes
 * the keys, then reads them back: cold by default (the store is closed and
 * reopened, so values in DATA come from the device through O_DIRECT and the
 * index is rebuilt from the checkpoint), or --hot (read twice, time the
 * second pass). recover fills --keys small keys, closes without a final
 * checkpoint, and times the reopen (checkpoint load + WAL replay).
 */
#include <getopt.h>
#include <math.h>
#include <sched/sched.h>
#include "bio/bio.h"
#include "vos/vos.h"
#include "common/cli.h"

struct perf {
	const char       *dir;
	const char       *op;
	uint64_t          size;
	uint32_t          qd;
	uint64_t          count;
	uint64_t          keys;
	bool              hot;
	bool              json;
	struct sched     *sched;
	struct vos_store *vs;
	uuid_t            cont;
	uint64_t         *lat_ns; /* one per timed operation */
	uint64_t          next;   /* next operation index handed out */
	uint32_t          running;
	struct sched_cond *done;   /* signalled when the last worker of a pass ends */
	bool              tty;
	bool              fetching;
	int               rc;
	double            seconds;
	double            recover_s;
	size_t            dram;
	struct bio_stats  bio;
};

static size_t perf_dram;

static void
perf_track_alloc(void *arg, size_t size)
{
	(void)arg;
	perf_dram += size;
}

static void
perf_track_free(void *arg, size_t size)
{
	(void)arg;
	perf_dram -= size;
}

static const daos_obj_id_t perf_oid = {.lo = 7, .hi = 0};

/* Key i as a dkey: 8 bytes, so small keys measure the index, not key copying. */
static int
perf_one(struct perf *p, uint64_t i, char *buf)
{
	d_iov_t dkey;

	d_iov_set(&dkey, &i, sizeof(i));
	if (!p->fetching) {
		struct vos_value val = {0};
		struct vos_iod   iod = {0};

		memset(buf, (int)(i & 0xff), p->size);
		val.vv_buf  = buf;
		val.vv_csum = vos_csum(buf, p->size);
		d_iov_set(&iod.vi_name, "v", 1);
		iod.vi_type = DAOS_IOD_SINGLE;
		iod.vi_size = p->size;
		iod.vi_nr   = 1;
		iod.vi_vals = &val;
		return vos_obj_update(vos_store_vos(p->vs), p->cont, perf_oid, 1, 0, &dkey, 1, &iod);
	} else {
		struct vos_fetch f = {0};
		int              rc;

		d_iov_set(&f.vf_name, "v", 1);
		f.vf_type    = DAOS_IOD_SINGLE;
		f.vf_buf     = buf;
		f.vf_buf_len = p->size;
		rc = vos_obj_fetch(vos_store_vos(p->vs), p->cont, perf_oid, 2, 0, &dkey, 1, &f);
		if (rc == 0 && (f.vf_size != p->size || (uint8_t)buf[0] != (uint8_t)(i & 0xff)))
			rc = -DER_MISMATCH;
		return rc;
	}
}

static void
perf_worker(void *arg)
{
	struct perf *p   = arg;
	char        *buf = NULL;

	/* from the target's registered buffers, as a server's bulk buffers are:
	 * large values go to DATA uncopied, as *_FIXED I/O */
	buf = bio_buf_get(vos_store_bio(p->vs), p->size);
	if (buf == NULL) {
		p->rc = -DER_NOMEM;
		goto out;
	}
	while (p->rc == 0 && p->next < p->count) {
		uint64_t i  = p->next++;
		uint64_t t0 = dcli_now_ns();
		int      rc = perf_one(p, i, buf);

		p->lat_ns[i] = dcli_now_ns() - t0;
		if (p->tty && i % (p->count / 100 + 1) == 0)
			fprintf(stderr, "\r%s: %3.0f%%", p->fetching ? "fetch" : "update",
				100.0 * (double)i / (double)p->count);
		if (rc != 0) {
			fprintf(stderr, "vos_perf: %s of key %" PRIu64 ": %s\n",
				p->fetching ? "fetch" : "update", i, d_errstr(rc));
			p->rc = rc;
		}
	}
out:
	bio_buf_put(vos_store_bio(p->vs), buf, p->size);
	if (--p->running == 0)
		sched_cond_signal(p->done);
}

/* One pass of count operations over qd ULTs; sets p->seconds. */
static int
perf_pass(struct perf *p, bool fetching)
{
	uint64_t t0;
	uint32_t i;

	p->fetching = fetching;
	p->next     = 0;
	t0          = dcli_now_ns();
	for (i = 0; i < p->qd; i++) {
		if (sched_ult_create(p->sched, perf_worker, p) != 0)
			return -DER_NOMEM;
		p->running++;
	}
	while (p->running > 0)
		sched_cond_wait(p->done);
	if (p->tty)
		fprintf(stderr, "\r%20s\r", "");
	p->seconds = (double)(dcli_now_ns() - t0) / 1e9;
	return p->rc;
}

static int
perf_open(struct perf *p)
{
	int rc = vos_store_open(p->sched, p->dir, &p->vs);

	if (rc != 0)
		fprintf(stderr, "vos_perf: cannot open the store in %s: %s\n", p->dir,
			d_errstr(rc));
	return rc;
}

static void
perf_main(struct sched *s, struct perf *p)
{
	struct vos_store_stats st;
	size_t                 dram0;
	int                    rc;

	p->sched = s;
	p->tty   = isatty(2);
	p->done  = sched_cond_create(s);
	if (p->done == NULL) {
		p->rc = -DER_NOMEM;
		return;
	}
	uuid_generate(p->cont);
	rc = perf_open(p);
	if (rc != 0)
		goto out;
	dram0 = perf_dram;
	rc    = vos_cont_create(vos_store_vos(p->vs), p->cont);
	if (rc == 0)
		rc = perf_pass(p, false);
	if (rc != 0)
		goto close;
	p->dram = perf_dram - dram0;
	bio_stats_get(vos_store_bio(p->vs), &p->bio);
	if (strcmp(p->op, "fetch") == 0) {
		if (!p->hot) {
			vos_store_close(p->vs, false);
			rc = perf_open(p);
			if (rc != 0)
				goto out;
		} else {
			rc = perf_pass(p, true);
		}
		if (rc == 0)
			rc = perf_pass(p, true);
	} else if (strcmp(p->op, "recover") == 0) {
		vos_store_close(p->vs, true);
		rc = perf_open(p);
		if (rc != 0)
			goto out;
		vos_store_stats_get(p->vs, &st);
		p->recover_s = (double)st.vss_recover_usec / 1e6;
	}
close:
	vos_store_close(p->vs, false);
out:
	sched_cond_destroy(p->done);
	p->rc = rc;
}

struct perf_run {
	struct perf  *p;
	struct sched *s;
};

static void
perf_ult(void *arg)
{
	struct perf_run *r = arg;

	perf_main(r->s, r->p);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: vos_perf --dir DIR --op update|fetch|recover --size BYTES --qd N "
		   "--count N [--keys N] [--hot] [--json]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dir", required_argument, NULL, 'd'},   {"op", required_argument, NULL, 'o'},
	    {"size", required_argument, NULL, 's'},  {"qd", required_argument, NULL, 'q'},
	    {"count", required_argument, NULL, 'c'}, {"keys", required_argument, NULL, 'k'},
	    {"hot", no_argument, NULL, 'H'},         {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	struct perf     p = {.size = 4096, .qd = 1, .count = 10000};
	struct perf_run run;
	struct sched   *s;
	uint64_t        v;
	double          p50, p99, iops, mib;
	int             c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': p.dir = optarg; break;
		case 'o': p.op = optarg; break;
		case 'H': p.hot = true; break;
		case 'j': p.json = true; break;
		case 'h': usage(stdout); return 0;
		case 's': case 'q': case 'c': case 'k':
			if (!dcli_parse_u64(optarg, &v) || v == 0) {
				fprintf(stderr, "vos_perf: --%s needs a positive number, not '%s'\n",
					c == 's' ? "size" : c == 'q' ? "qd" : c == 'c' ? "count" : "keys",
					optarg);
				return 2;
			}
			if (c == 's') p.size = v;
			else if (c == 'q') p.qd = (uint32_t)v;
			else if (c == 'c') p.count = v;
			else p.keys = v;
			break;
		default: usage(stderr); return 2;
		}
	}
	if (p.dir == NULL || p.op == NULL) {
		fprintf(stderr, "vos_perf: --dir and --op are required\n");
		usage(stderr);
		return 2;
	}
	if (strcmp(p.op, "update") != 0 && strcmp(p.op, "fetch") != 0 &&
	    strcmp(p.op, "recover") != 0) {
		fprintf(stderr, "vos_perf: unknown --op '%s' (update, fetch or recover)\n", p.op);
		return 2;
	}
	if (strcmp(p.op, "recover") == 0) {
		p.count = p.keys ? p.keys : 100000;
		p.size  = MIN(p.size, 64);
	}
	if (p.size > (64 << 20)) {
		fprintf(stderr, "vos_perf: --size is at most 64 MiB\n");
		return 2;
	}
	D_ALLOC_ARRAY(p.lat_ns, p.count);
	if (p.lat_ns == NULL) {
		fprintf(stderr, "vos_perf: out of memory\n");
		return 1;
	}
	/*
	 * WAL: enough for a few seconds of groups. META: two checkpoint slots, each
	 * holding the index image, inline values (<= 4 KiB) included. DATA: every
	 * larger value plus room.
	 */
	c = vos_store_format(p.dir, 256ULL << 20,
			     MAX(64ULL << 20, 2 * p.count * (MIN(p.size, 4096) + 256)),
			     MAX(64ULL << 20, p.count * D_ALIGNUP(p.size, 4096) * 5 / 4));
	if (c != 0) {
		fprintf(stderr, "vos_perf: cannot format %s: %s\n", p.dir, d_errstr(c));
		return 1;
	}
	d_set_alloc_track_cb(perf_track_alloc, perf_track_free, NULL);
	if (sched_init(&s) != 0)
		return 1;
	run.p = &p;
	run.s = s;
	sched_ult_create(s, perf_ult, &run);
	sched_run(s);
	sched_fini(s);
	if (p.rc != 0)
		return 1;

	dcli_lat_pcts(p.lat_ns, p.count, &p50, &p99);
	iops = (double)p.count / p.seconds;
	mib  = iops * (double)p.size / (1 << 20);
	if (p.json) {
		printf("{\"op\":\"%s\",\"size\":%" PRIu64 ",\"qd\":%u,\"ops\":%" PRIu64
		       ",\"seconds\":%.4f,\"iops\":%.0f,\"mib_s\":%.1f,\"p50_us\":%.1f,"
		       "\"p99_us\":%.1f,\"dram_bytes_per_key\":%.1f,\"wal_flushes\":%" PRIu64
		       ",\"records_per_flush\":%.1f,\"recover_s\":",
		       p.op, p.size, p.qd, p.count, p.seconds, iops, mib, p50, p99,
		       (double)p.dram / (double)p.count, p.bio.wal_flushes,
		       p.bio.records_per_flush);
		if (strcmp(p.op, "recover") == 0)
			printf("%.3f}\n", p.recover_s);
		else
			printf("null}\n");
	} else {
		printf("op %s  size %" PRIu64 " B  qd %u  ops %" PRIu64 "  %.3f s\n", p.op, p.size,
		       p.qd, p.count, p.seconds);
		printf("  %.0f ops/s  %.1f MiB/s  p50 %.1f us  p99 %.1f us\n", iops, mib, p50, p99);
		printf("  WAL flushes %" PRIu64 " (%.1f records each)  DRAM %.0f B/key\n",
		       p.bio.wal_flushes, p.bio.records_per_flush,
		       (double)p.dram / (double)p.count);
		if (strcmp(p.op, "recover") == 0)
			printf("  recovery of %" PRIu64 " keys: %.3f s\n", p.count, p.recover_s);
	}
	D_FREE(p.lat_ns);
	return 0;
}
