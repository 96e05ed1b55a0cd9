/*
 * rpc_perf - measure the transport against a running server.
 *
 *   rpc_perf --server ADDR[:PORT] --op ping|bulk_put|bulk_get --size B --qd N
 *            --count N [--target T] [--json]
 *       Bootstraps over TCP, connects to target T's worker and keeps N calls
 *       in flight: ops/s, MiB/s and p50/p99 latency (µs; round trips).
 *   rpc_perf --serve --listen ADDR:PORT [--targets N]
 *       A standalone server: a system thread and N target threads, each with
 *       its scheduler and context serving the selftest handlers, and the
 *       bootstrap listener. Stops cleanly on SIGTERM or SIGINT.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gurt/common.h>
#include "sched/sched.h"
#include "rpc/rpc.h"
#include "common/cli.h"
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#define PERF_DEFAULT_PORT 10001
#define PERF_TARGETS_MAX  64

struct perf_args {
	char     addr[256];
	uint16_t port;
	bool     serve;
	int      op;
	uint64_t size;
	int      qd;
	uint64_t count;
	uint32_t target;
	uint32_t targets;
	bool     json;
};

static bool
is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "localhost") == 0;
}

/* ---- client ---- */

/*
 * A call's latency is taken in ticks of the time-stamp counter, converted at
 * the end with the rate measured over the whole phase: the clock_gettime pair
 * would cost a good part of a shared-memory round trip, and ucx_perftest, our
 * limit, reads the counter too. Elsewhere the clock itself (1 ns a tick).
 */
static inline uint64_t
perf_ticks(void)
{
#if defined(__x86_64__)
	return __rdtsc();
#else
	return dcli_now_ns();
#endif
}

struct perf_slot {
	struct rpc_call ps_call;
	uint64_t        ps_start;
	uint64_t        ps_n; /* bulk_get: the size asked for */
	uint32_t        ps_flags;
	d_iov_t         ps_iov;
	d_sg_list_t     ps_sgl;
};

struct perf_run {
	struct rpc_ep    *pr_ep;
	struct perf_args *pr_args;
	uint8_t          *pr_body;
	uint64_t          pr_started;
	uint64_t          pr_done;
	uint64_t          pr_total; /* calls to make in this phase */
	uint64_t         *pr_lat;   /* perf_ticks() per completed call */
	int               pr_err;
};

static void perf_cb(struct rpc_call *call, void *arg);

static int
perf_issue(struct perf_run *r, struct perf_slot *s)
{
	struct perf_args *a    = r->pr_args;
	struct rpc_call  *call = &s->ps_call;

	memset(call, 0, sizeof(*call));
	call->rc_timeout_ms = 30000;
	switch (a->op) {
	case RPC_OPC_SELFTEST_PING:
		call->rc_opcode   = RPC_OPC_SELFTEST_PING;
		call->rc_body     = r->pr_body;
		call->rc_body_len = (uint32_t)a->size;
		break;
	case RPC_OPC_SELFTEST_BULK_PUT:
		call->rc_opcode   = RPC_OPC_SELFTEST_BULK_PUT;
		call->rc_body     = &s->ps_flags;
		call->rc_body_len = sizeof(s->ps_flags);
		call->rc_bulk_out = &s->ps_sgl;
		break;
	default:
		call->rc_opcode   = RPC_OPC_SELFTEST_BULK_GET;
		call->rc_body     = &s->ps_n;
		call->rc_body_len = sizeof(s->ps_n);
		call->rc_bulk_in  = &s->ps_sgl;
		break;
	}
	s->ps_start = perf_ticks();
	r->pr_started++;
	return rpc_call_start(r->pr_ep, call, perf_cb, r);
}

static void
perf_cb(struct rpc_call *call, void *arg)
{
	struct perf_run  *r = arg;
	struct perf_slot *s = container_of(call, struct perf_slot, ps_call);
	int               rc;

	if (call->rc_rc != 0 && r->pr_err == 0) {
		fprintf(stderr, "rpc_perf: call failed: %s\n", d_errstr(call->rc_rc));
		r->pr_err = call->rc_rc;
	}
	if (r->pr_lat != NULL)
		r->pr_lat[r->pr_done] = perf_ticks() - s->ps_start;
	r->pr_done++;
	rpc_call_fini(call);
	if (r->pr_err == 0 && r->pr_started < r->pr_total) {
		rc = perf_issue(r, s);
		if (rc != 0) {
			r->pr_err = rc;
			r->pr_started--;
		}
	}
}

/* Run total calls with qd in flight; 0 or the first error. */
static int
perf_phase(struct rpc_ctx *ctx, struct perf_run *r, struct perf_slot *slots, uint64_t total)
{
	int i;
	int rc;

	r->pr_started = 0;
	r->pr_done    = 0;
	r->pr_total   = total;
	for (i = 0; i < r->pr_args->qd && r->pr_started < total; i++) {
		rc = perf_issue(r, &slots[i]);
		if (rc != 0) {
			r->pr_started--;
			r->pr_err = rc;
			break;
		}
	}
	while (r->pr_done < r->pr_started) {
		rc = rpc_progress(ctx, 1000);
		if (rc < 0)
			return rc;
	}
	return r->pr_err;
}

static const char *
op_name(int op)
{
	return op == RPC_OPC_SELFTEST_PING ? "ping"
	       : op == RPC_OPC_SELFTEST_BULK_PUT ? "bulk_put" : "bulk_get";
}

static int
perf_client(struct perf_args *a)
{
	struct rpc_ctx_attr    attr = {.ra_name = "rpc_perf", .ra_loopback = is_loopback(a->addr)};
	struct rpc_attach_info ai   = {0};
	struct rpc_ctx        *ctx  = NULL;
	struct perf_slot      *slots = NULL;
	struct perf_run        r    = {.pr_args = a};
	uint8_t               *bufs = NULL;
	void                  *body = NULL;
	uint32_t               len;
	uint64_t               t0;
	uint64_t               k0, k1; /* perf_ticks() around the measured phase */
	double                 ns_per_tick;
	uint64_t               q;
	uint64_t               warm;
	double                 secs;
	double                 iops;
	double                 mib;
	double                 p50, p99;
	double                 per_send;
	struct rpc_ctx_stats   st0, st1;
	int                    i;
	int                    rc;

	rc = rpc_boot_query(a->addr, a->port, 5000, &body, &len);
	if (rc != 0) {
		fprintf(stderr, "rpc_perf: no server at %s:%u: %s\n", a->addr, a->port,
			d_errstr(rc));
		return rc;
	}
	rc = rpc_attach_decode(body, len, &ai);
	D_FREE(body);
	if (rc != 0) {
		fprintf(stderr, "rpc_perf: bad attach info: %s\n", d_errstr(rc));
		return rc;
	}
	if (a->target + 1 >= ai.ai_nr_workers) {
		fprintf(stderr, "rpc_perf: target %u: the server has %u targets\n", a->target,
			ai.ai_nr_workers > 0 ? ai.ai_nr_workers - 1 : 0);
		rc = -DER_INVAL;
		goto out;
	}
	rc = rpc_ctx_create(&attr, &ctx);
	if (rc != 0)
		goto out;
	rc = rpc_ep_connect(ctx, ai.ai_workers[a->target + 1].wa_addr,
			    ai.ai_workers[a->target + 1].wa_len, &r.pr_ep);
	if (rc != 0)
		goto out;
	rpc_ep_set_peer_name(r.pr_ep, a->addr);

	D_ALLOC_ARRAY(slots, a->qd);
	D_ALLOC_ARRAY(r.pr_lat, a->count);
	D_ALLOC(r.pr_body, a->size > 0 ? a->size : 1);
	/* bulk_get: one landing buffer per slot (they land concurrently); bulk_put reads one */
	if (a->op != RPC_OPC_SELFTEST_PING)
		D_ALLOC(bufs, (a->op == RPC_OPC_SELFTEST_BULK_GET ? (size_t)a->qd : 1) *
				      (a->size > 0 ? a->size : 1));
	if (slots == NULL || r.pr_lat == NULL || r.pr_body == NULL ||
	    (a->op != RPC_OPC_SELFTEST_PING && bufs == NULL)) {
		rc = -DER_NOMEM;
		goto out;
	}
	for (i = 0; i < a->qd; i++) {
		struct perf_slot *s = &slots[i];
		uint8_t *b = a->op == RPC_OPC_SELFTEST_BULK_GET ? bufs + (size_t)i * a->size : bufs;

		s->ps_n          = a->size;
		s->ps_sgl.sg_nr   = 1;
		s->ps_sgl.sg_iovs = &s->ps_iov;
		d_iov_set(&s->ps_iov, b, a->size);
	}

	/* Warm up: endpoints wired, buffers touched, UCX caches filled. */
	warm = a->count / 10 < 1000 ? a->count / 10 : 1000;
	rc   = perf_phase(ctx, &r, slots, warm > 0 ? warm : 1);
	if (rc != 0)
		goto out;
	rpc_ctx_stats(ctx, &st0);
	k0   = perf_ticks();
	t0   = dcli_now_ns();
	rc   = perf_phase(ctx, &r, slots, a->count);
	secs = (double)(dcli_now_ns() - t0) / 1e9;
	k1   = perf_ticks();
	if (rc != 0)
		goto out;
	ns_per_tick = k1 > k0 ? secs * 1e9 / (double)(k1 - k0) : 1.0;
	for (q = 0; q < a->count; q++)
		r.pr_lat[q] = (uint64_t)((double)r.pr_lat[q] * ns_per_tick);
	rpc_ctx_stats(ctx, &st1);
	/* requests per UCX send: above 1 when batches formed (src/rpc/README.md) */
	per_send = st1.rs_sends > st0.rs_sends ? (double)(st1.rs_msgs - st0.rs_msgs) /
							 (double)(st1.rs_sends - st0.rs_sends)
					       : 0.0;
	dcli_lat_pcts(r.pr_lat, a->count, &p50, &p99);
	iops = (double)a->count / secs;
	mib  = iops * (double)a->size / (1024.0 * 1024.0);
	if (a->json)
		printf("{\"op\":\"%s\",\"size\":%" PRIu64 ",\"qd\":%d,\"ops\":%" PRIu64
		       ",\"seconds\":%.6f,\"iops\":%.1f,\"mib_s\":%.2f,\"p50_us\":%.2f,"
		       "\"p99_us\":%.2f,\"reqs_per_send\":%.2f}\n",
		       op_name(a->op), a->size, a->qd, a->count, secs, iops, mib, p50, p99,
		       per_send);
	else
		printf("%s size %" PRIu64 " qd %d: %" PRIu64 " ops in %.3f s, %.0f ops/s, "
		       "%.1f MiB/s, p50 %.1f us, p99 %.1f us, %.1f requests per send\n",
		       op_name(a->op), a->size, a->qd, a->count, secs, iops, mib, p50, p99,
		       per_send);
out:
	if (rc != 0)
		fprintf(stderr, "rpc_perf: %s\n", d_errstr(rc));
	rpc_ctx_destroy(ctx);
	rpc_attach_fini(&ai);
	D_FREE(slots);
	D_FREE(r.pr_lat);
	D_FREE(r.pr_body);
	D_FREE(bufs);
	return rc;
}

/* ---- server ---- */

struct perf_thread {
	pthread_t          pt_thread;
	int                pt_idx; /* 0: system thread */
	struct perf_args  *pt_args;
	struct sched      *pt_sched;
	struct rpc_ctx    *pt_ctx;
	struct sched_cond *pt_cond;
	bool               pt_stop;
	int                pt_rc;
};

static struct perf_thread threads[PERF_TARGETS_MAX + 1];
static uint32_t           nthreads;
static struct rpc_boot   *perf_boot;
static pthread_mutex_t    perf_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t     perf_cv   = PTHREAD_COND_INITIALIZER;
static uint32_t           perf_ready;
static uint16_t           perf_port;
static int                perf_boot_rc = 1;

static void
perf_signal_main(void)
{
	pthread_mutex_lock(&perf_lock);
	perf_ready++;
	pthread_cond_broadcast(&perf_cv);
	pthread_mutex_unlock(&perf_lock);
}

static int
perf_provide(void *arg, void **body, uint32_t *len)
{
	struct rpc_worker_addr w[PERF_TARGETS_MAX + 1];
	struct rpc_attach_info ai = {0};
	uint32_t               i;

	(void)arg;
	snprintf(ai.ai_system, sizeof(ai.ai_system), "rpc_perf");
	ai.ai_map_version = 1;
	for (i = 0; i < nthreads; i++)
		rpc_ctx_address(threads[i].pt_ctx, (const void **)&w[i].wa_addr, &w[i].wa_len);
	ai.ai_nr_workers = nthreads;
	ai.ai_workers    = w;
	return rpc_attach_encode(&ai, body, len);
}

static void
perf_thread_ult(void *arg)
{
	struct perf_thread *pt   = arg;
	struct rpc_ctx_attr attr = {.ra_sched = pt->pt_sched,
				    .ra_loopback = is_loopback(pt->pt_args->addr)};
	char                name[32];
	int                 rc;

	snprintf(name, sizeof(name), pt->pt_idx == 0 ? "sys" : "tgt %d", pt->pt_idx - 1);
	attr.ra_name = name;
	pt->pt_cond  = sched_cond_create(pt->pt_sched);
	rc           = pt->pt_cond == NULL ? -DER_NOMEM : rpc_ctx_create(&attr, &pt->pt_ctx);
	if (rc == 0) {
		rc = rpc_selftest_register(pt->pt_ctx);
		if (rc != 0) {
			rpc_ctx_destroy(pt->pt_ctx);
			pt->pt_ctx = NULL;
		}
	}
	pt->pt_rc = rc;
	perf_signal_main();
	if (rc == 0) {
		while (!pt->pt_stop)
			sched_cond_wait(pt->pt_cond);
		if (pt->pt_idx == 0)
			rpc_boot_close(perf_boot);
		rpc_ctx_destroy(pt->pt_ctx);
	}
	sched_cond_destroy(pt->pt_cond);
}

static void
perf_boot_ult(void *arg)
{
	struct perf_thread *pt = arg;

	perf_boot_rc = rpc_boot_listen(pt->pt_sched, pt->pt_args->addr, pt->pt_args->port,
				       perf_provide, NULL, &perf_port, &perf_boot);
	perf_signal_main();
}

static void
perf_stop_ult(void *arg)
{
	struct perf_thread *pt = arg;

	pt->pt_stop = true;
	sched_cond_signal(pt->pt_cond);
}

static void *
perf_thread_main(void *arg)
{
	struct perf_thread *pt = arg;
	int                 rc;

	/* Made here: the ring takes submissions from its creating thread only. */
	rc = sched_init(&pt->pt_sched);
	if (rc == 0)
		rc = sched_ult_create(pt->pt_sched, perf_thread_ult, pt);
	if (rc != 0) {
		pt->pt_rc = rc;
		perf_signal_main();
		return NULL;
	}
	sched_run(pt->pt_sched);
	return NULL;
}

static int
perf_serve(struct perf_args *a)
{
	sigset_t set;
	uint32_t i;
	int      sig;
	int      rc = 0;

	/* Signals go to the main thread's sigwait only. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	nthreads = a->targets + 1;
	for (i = 0; i < nthreads; i++) {
		threads[i].pt_idx  = (int)i;
		threads[i].pt_args = a;
		if (pthread_create(&threads[i].pt_thread, NULL, perf_thread_main, &threads[i]) != 0) {
			nthreads = i;
			rc       = -DER_MISC;
			break;
		}
	}
	pthread_mutex_lock(&perf_lock);
	while (perf_ready < nthreads)
		pthread_cond_wait(&perf_cv, &perf_lock);
	pthread_mutex_unlock(&perf_lock);
	for (i = 0; i < nthreads; i++)
		if (threads[i].pt_rc != 0 && rc == 0)
			rc = threads[i].pt_rc;
	if (rc == 0) {
		rc = sched_post(threads[0].pt_sched, perf_boot_ult, &threads[0]);
		pthread_mutex_lock(&perf_lock);
		while (rc == 0 && perf_ready < nthreads + 1)
			pthread_cond_wait(&perf_cv, &perf_lock);
		pthread_mutex_unlock(&perf_lock);
		if (rc == 0)
			rc = perf_boot_rc;
	}
	if (rc == 0) {
		printf("rpc_perf: serving on %s:%u with %u targets\n", a->addr, perf_port,
		       a->targets);
		fflush(stdout);
		sigwait(&set, &sig);
		fprintf(stderr, "rpc_perf: %s, stopping\n", strsignal(sig));
	} else {
		fprintf(stderr, "rpc_perf: cannot serve on %s:%u: %s\n", a->addr, a->port,
			d_errstr(rc));
	}
	for (i = 0; i < nthreads; i++) {
		if (threads[i].pt_sched == NULL)
			continue;
		if (threads[i].pt_rc == 0)
			sched_post(threads[i].pt_sched, perf_stop_ult, &threads[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(threads[i].pt_thread, NULL);
		sched_fini(threads[i].pt_sched);
	}
	return rc;
}

/* ---- arguments ---- */

static void
usage(void)
{
	fprintf(stderr,
		"usage: rpc_perf --server ADDR[:PORT] --op ping|bulk_put|bulk_get --size B\n"
		"                --qd N --count N [--target T] [--json]\n"
		"       rpc_perf --serve --listen ADDR:PORT [--targets N]\n");
}

static int
parse_addr(const char *s, struct perf_args *a)
{
	const char *colon = strrchr(s, ':');
	size_t      n     = colon != NULL ? (size_t)(colon - s) : strlen(s);
	char       *end;
	long        port;

	if (n == 0 || n >= sizeof(a->addr))
		return -1;
	memcpy(a->addr, s, n);
	a->addr[n] = '\0';
	if (colon == NULL) {
		a->port = PERF_DEFAULT_PORT;
		return 0;
	}
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port < 0 || port > 65535)
		return -1;
	a->port = (uint16_t)port;
	return 0;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v    = strtoull(s, &end, 0);
	return (errno != 0 || end == s || *end != '\0') ? -1 : 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"server", required_argument, NULL, 's'}, {"serve", no_argument, NULL, 'S'},
	    {"listen", required_argument, NULL, 'l'}, {"targets", required_argument, NULL, 'T'},
	    {"op", required_argument, NULL, 'o'},     {"size", required_argument, NULL, 'z'},
	    {"qd", required_argument, NULL, 'q'},     {"count", required_argument, NULL, 'c'},
	    {"target", required_argument, NULL, 't'}, {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	struct perf_args a = {.op = RPC_OPC_SELFTEST_PING, .size = 8, .qd = 1, .count = 10000,
			      .targets = 1};
	bool             have_addr = false;
	uint64_t         v;
	int              c;
	int              rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'l':
			if (parse_addr(optarg, &a) != 0) {
				fprintf(stderr, "rpc_perf: bad address '%s' (ADDR[:PORT])\n", optarg);
				return 2;
			}
			have_addr = true;
			break;
		case 'S':
			a.serve = true;
			break;
		case 'o':
			if (strcmp(optarg, "ping") == 0)
				a.op = RPC_OPC_SELFTEST_PING;
			else if (strcmp(optarg, "bulk_put") == 0)
				a.op = RPC_OPC_SELFTEST_BULK_PUT;
			else if (strcmp(optarg, "bulk_get") == 0)
				a.op = RPC_OPC_SELFTEST_BULK_GET;
			else {
				fprintf(stderr, "rpc_perf: --op: ping, bulk_put or bulk_get\n");
				return 2;
			}
			break;
		case 'z':
			if (parse_u64(optarg, &a.size) != 0) {
				fprintf(stderr, "rpc_perf: --size: a number of bytes\n");
				return 2;
			}
			break;
		case 'q':
			if (parse_u64(optarg, &v) != 0 || v == 0 || v > 4096) {
				fprintf(stderr, "rpc_perf: --qd: 1 to 4096\n");
				return 2;
			}
			a.qd = (int)v;
			break;
		case 'c':
			if (parse_u64(optarg, &a.count) != 0 || a.count == 0 ||
			    a.count > 100000000) {
				fprintf(stderr, "rpc_perf: --count: 1 to 100000000\n");
				return 2;
			}
			break;
		case 't':
			if (parse_u64(optarg, &v) != 0 || v >= PERF_TARGETS_MAX) {
				fprintf(stderr, "rpc_perf: --target: 0 to %d\n", PERF_TARGETS_MAX - 1);
				return 2;
			}
			a.target = (uint32_t)v;
			break;
		case 'T':
			if (parse_u64(optarg, &v) != 0 || v == 0 || v > PERF_TARGETS_MAX) {
				fprintf(stderr, "rpc_perf: --targets: 1 to %d\n", PERF_TARGETS_MAX);
				return 2;
			}
			a.targets = (uint32_t)v;
			break;
		case 'j':
			a.json = true;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (optind < argc || !have_addr) {
		usage();
		return 2;
	}
	if ((a.op == RPC_OPC_SELFTEST_PING && a.size > RPC_BODY_MAX) ||
	    (a.op != RPC_OPC_SELFTEST_PING && a.size > RPC_SELFTEST_BULK_MAX)) {
		fprintf(stderr, "rpc_perf: --size: at most %u for ping, %llu for bulk\n",
			RPC_BODY_MAX, (unsigned long long)RPC_SELFTEST_BULK_MAX);
		return 2;
	}
	rc = d_log_init();
	if (rc != 0) {
		fprintf(stderr, "rpc_perf: logging: %s\n", d_errstr(rc));
		return 1;
	}
	rc = a.serve ? perf_serve(&a) : perf_client(&a);
	d_log_fini();
	return rc == 0 ? 0 : 1;
}
