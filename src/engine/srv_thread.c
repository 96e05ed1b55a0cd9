/*
 * The engine's threads: N targets and the system thread, how they start and
 * stop, and how the system thread hands work to targets.
 *
 * Start: every target thread creates its scheduler and UCX context and
 * registers the services' handlers, then reports to the main thread; the
 * system thread starts last (it publishes every worker's address through
 * the bootstrap listener), opens the system database and loads the
 * services. Stop (SIGTERM): the system thread unloads the services (pools
 * close their shards with a checkpoint), closes the system database, then
 * tells each target to wait for its requests in flight and stop.
 */
#include "common/proto.h"
#include "srv_internal.h"

struct dss_engine dss_eng = {
	.e_lock = PTHREAD_MUTEX_INITIALIZER,
	.e_cond = PTHREAD_COND_INITIALIZER,
};

static __thread struct dss_xs *dss_xs_cur;

struct dss_xs *
dss_xs_self(void)
{
	D_ASSERT(dss_xs_cur != NULL);
	return dss_xs_cur;
}

int
dss_tgt_self(void)
{
	return dss_xs_cur == NULL ? -1 : dss_xs_cur->x_tgt;
}

enum dss_state
dss_state(void)
{
	return __atomic_load_n(&dss_eng.e_state, __ATOMIC_ACQUIRE);
}

unsigned int
dss_nr_targets(void)
{
	return dss_eng.e_params.dp_nr_targets;
}

const char *
dss_system_name(void)
{
	return dss_eng.e_params.dp_name;
}

const char *
dss_storage_dir(void)
{
	return dss_eng.e_params.dp_dir;
}

uint32_t
dss_self_rank(void)
{
	return dss_eng.e_sb.sb_rank;
}

int
dss_req_begin(void)
{
	enum dss_state st = dss_state();

	if (st == DSS_STOPPING)
		return -DER_SHUTDOWN;
	if (st != DSS_READY)
		return -DER_UNINIT;
	dss_xs_self()->x_inflight++;
	return 0;
}

void
dss_req_end(void)
{
	dss_xs_self()->x_inflight--;
}

/* ---- cross-thread calls ---- */

struct dss_xcall {
	int (*xc_fn)(int tgt, void *arg);
	void              *xc_arg;
	int                xc_tgt;
	int                xc_rc;
	uint32_t          *xc_pending; /* shared by the calls of one foreach */
	struct sched_cond *xc_cond;
};

static void
xcall_done(void *arg)
{
	struct dss_xcall *xc = arg;

	if (--*xc->xc_pending == 0)
		sched_cond_broadcast(xc->xc_cond);
}

static void
xcall_run(void *arg)
{
	struct dss_xcall *xc = arg;

	xc->xc_rc = xc->xc_fn(xc->xc_tgt, xc->xc_arg);
	/* Posting can only fail for lack of memory; spin until the reply is queued
	 * rather than leave the system thread waiting for ever. */
	while (sched_post(dss_eng.e_sys.x_sched, xcall_done, xc) != 0)
		sched_sleep_ns(dss_eng.e_tgts[xc->xc_tgt].x_sched, 1000000);
}

static int
xcall_many(int first, int nr, int (*fn)(int tgt, void *arg), void *arg)
{
	struct dss_xcall  *xcs;
	struct sched_cond *cond;
	uint32_t           pending = 0;
	int                i, rc = 0;

	D_ASSERT(dss_tgt_self() == -1);
	D_ALLOC_ARRAY(xcs, nr);
	cond = sched_cond_create(dss_eng.e_sys.x_sched);
	if (xcs == NULL || cond == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	for (i = 0; i < nr; i++) {
		xcs[i].xc_fn      = fn;
		xcs[i].xc_arg     = arg;
		xcs[i].xc_tgt     = first + i;
		xcs[i].xc_pending = &pending;
		xcs[i].xc_cond    = cond;
		xcs[i].xc_rc      = -DER_NOMEM;
		pending++;
		if (sched_post(dss_eng.e_tgts[first + i].x_sched, xcall_run, &xcs[i]) != 0) {
			pending--;
			if (rc == 0)
				rc = -DER_NOMEM;
		}
	}
	while (pending > 0)
		sched_cond_wait(cond);
	for (i = 0; i < nr && rc == 0; i++)
		rc = xcs[i].xc_rc;
out:
	if (cond != NULL)
		sched_cond_destroy(cond);
	D_FREE(xcs);
	return rc;
}

/* A target's call to the system thread. */
struct dss_syscall {
	int (*sc_fn)(void *arg);
	void              *sc_arg;
	int                sc_rc;
	bool               sc_done;
	struct sched      *sc_sched; /* the caller's */
	struct sched_cond *sc_cond;
};

static void
syscall_done(void *arg)
{
	struct dss_syscall *sc = arg;

	sc->sc_done = true;
	sched_cond_broadcast(sc->sc_cond);
}

static void
syscall_run(void *arg)
{
	struct dss_syscall *sc = arg;

	sc->sc_rc = sc->sc_fn(sc->sc_arg);
	while (sched_post(sc->sc_sched, syscall_done, sc) != 0)
		sched_sleep_ns(dss_eng.e_sys.x_sched, 1000000);
}

int
dss_sys_run(int (*fn)(void *arg), void *arg)
{
	struct dss_syscall sc = {.sc_fn = fn, .sc_arg = arg, .sc_rc = -DER_NOMEM};
	struct dss_xs     *xs;

	if (dss_tgt_self() < 0)
		return fn(arg);
	xs          = dss_xs_self();
	sc.sc_sched = xs->x_sched;
	sc.sc_cond  = sched_cond_create(xs->x_sched);
	if (sc.sc_cond == NULL)
		return -DER_NOMEM;
	if (sched_post(dss_eng.e_sys.x_sched, syscall_run, &sc) != 0) {
		sched_cond_destroy(sc.sc_cond);
		return -DER_NOMEM;
	}
	while (!sc.sc_done)
		sched_cond_wait(sc.sc_cond);
	sched_cond_destroy(sc.sc_cond);
	return sc.sc_rc;
}

int
dss_tgt_run(int tgt, int (*fn)(int tgt, void *arg), void *arg)
{
	if (tgt < 0 || (unsigned int)tgt >= dss_nr_targets())
		return -DER_INVAL;
	return xcall_many(tgt, 1, fn, arg);
}

int
dss_tgt_foreach(int (*fn)(int tgt, void *arg), void *arg)
{
	return xcall_many(0, (int)dss_nr_targets(), fn, arg);
}

/* ---- services ---- */

int
dss_modules_load(void)
{
	int i, rc;

	for (i = 0; i < dss_eng.e_nr_modules; i++) {
		const struct dss_module *m = dss_eng.e_modules[i];

		if (m->sm_load == NULL)
			continue;
		rc = m->sm_load();
		if (rc != 0) {
			DL_ERROR(rc, "service %s failed to load", m->sm_name);
			while (--i >= 0)
				if (dss_eng.e_modules[i]->sm_unload != NULL)
					dss_eng.e_modules[i]->sm_unload();
			return rc;
		}
	}
	return 0;
}

void
dss_modules_unload(void)
{
	int i;

	for (i = dss_eng.e_nr_modules - 1; i >= 0; i--)
		if (dss_eng.e_modules[i]->sm_unload != NULL)
			dss_eng.e_modules[i]->sm_unload();
}

/* ---- thread bodies ---- */

static void
start_report(struct dss_xs *xs, int rc)
{
	pthread_mutex_lock(&dss_eng.e_lock);
	xs->x_start_rc = rc;
	dss_eng.e_started++;
	pthread_cond_broadcast(&dss_eng.e_cond);
	pthread_mutex_unlock(&dss_eng.e_lock);
}

static int
xs_net_init(struct dss_xs *xs)
{
	struct rpc_ctx_attr attr = {0};
	char                name[16];
	const void         *addr;
	size_t              len;
	int                 i, rc;

	snprintf(name, sizeof(name), xs->x_tgt < 0 ? "sys" : "tgt %d", xs->x_tgt);
	attr.ra_sched    = xs->x_sched;
	attr.ra_name     = name;
	attr.ra_loopback = dss_eng.e_params.dp_loopback;
	rc               = rpc_ctx_create(&attr, &xs->x_rpc);
	if (rc != 0)
		return rc;
	rpc_ctx_address(xs->x_rpc, &addr, &len);
	D_ALLOC(xs->x_addr, len);
	if (xs->x_addr == NULL)
		return -DER_NOMEM;
	memcpy(xs->x_addr, addr, len);
	xs->x_addr_len = len;
	for (i = 0; i < dss_eng.e_nr_modules; i++) {
		const struct dss_module *m = dss_eng.e_modules[i];

		if (xs->x_tgt >= 0 && m->sm_init_tgt != NULL)
			rc = m->sm_init_tgt(xs->x_tgt, xs->x_rpc);
		else if (xs->x_tgt < 0 && m->sm_init_sys != NULL)
			rc = m->sm_init_sys(xs->x_rpc);
		if (rc != 0) {
			DL_ERROR(rc, "%s: service %s failed to start", name, m->sm_name);
			return rc;
		}
	}
	return 0;
}

static void
tgt_start_ult(void *arg)
{
	struct dss_xs *xs = arg;
	int            rc = xs_net_init(xs);

	start_report(xs, rc);
	if (rc != 0 && xs->x_rpc != NULL) {
		rpc_ctx_destroy(xs->x_rpc);
		xs->x_rpc = NULL;
	}
}

static void *
tgt_main(void *arg)
{
	struct dss_xs *xs = arg;
	int            rc;

	dss_xs_cur = xs;
	rc         = sched_init(&xs->x_sched);
	if (rc != 0) {
		start_report(xs, rc);
		return NULL;
	}
	rc = sched_ult_create(xs->x_sched, tgt_start_ult, xs);
	if (rc != 0) {
		start_report(xs, rc);
	} else {
		struct sched_stats st;

		sched_run(xs->x_sched);
		/* for the log: how much each pass and each system call carried */
		sched_stats_get(xs->x_sched, &st);
		D_INFO("target %u: %" PRIu64 " ULTs, %" PRIu64 " switches, %" PRIu64
		       " I/O completions, %" PRIu64 " submits, %" PRIu64 " sleeps\n",
		       xs->x_tgt, st.ss_ults, st.ss_switches, st.ss_io_done, st.ss_submits,
		       st.ss_idle_waits);
	}
	return NULL;
}

/* The attach info every client fetches over TCP: who we are and where each worker is. */
static int
boot_provide(void *arg, void **body, uint32_t *len)
{
	struct rpc_attach_info ai = {0};
	struct rpc_worker_addr addrs[DSS_TGT_MAX + 1];
	uint32_t               i;

	(void)arg;
	snprintf(ai.ai_system, sizeof(ai.ai_system), "%s", dss_eng.e_params.dp_name);
	ai.ai_rank         = dss_self_rank();
	ai.ai_map_version  = 1;
	ai.ai_nr_workers   = dss_nr_targets() + 1;
	ai.ai_workers      = addrs;
	addrs[0].wa_addr   = dss_eng.e_sys.x_addr;
	addrs[0].wa_len    = dss_eng.e_sys.x_addr_len;
	for (i = 0; i < dss_nr_targets(); i++) {
		addrs[i + 1].wa_addr = dss_eng.e_tgts[i].x_addr;
		addrs[i + 1].wa_len  = dss_eng.e_tgts[i].x_addr_len;
	}
	return rpc_attach_encode(&ai, body, len);
}

/* Every target answers the transport's selftest requests (rpc_perf). */
static int
selftest_init_tgt(int tgt, struct rpc_ctx *ctx)
{
	(void)tgt;
	return rpc_selftest_register(ctx);
}

const struct dss_module ds_selftest_module = {
	.sm_name     = "selftest",
	.sm_init_tgt = selftest_init_tgt,
};

/*
 * The system thread comes up last: storage first (format, or open the system
 * database and load the services), and only then the bootstrap listener, so
 * no client can attach to a server that is still loading its pools.
 */
static void
sys_start_ult(void *arg)
{
	struct dss_xs     *xs = arg;
	struct dss_params *p  = &dss_eng.e_params;
	int                rc;

	rc = xs_net_init(xs);
	if (rc == 0 && dss_eng.e_formatted) {
		rc = dss_sysdb_open();
		if (rc == 0)
			rc = dss_devs_reconcile();
		if (rc == 0)
			rc = dss_modules_load();
		if (rc == 0)
			__atomic_store_n(&dss_eng.e_state, DSS_READY, __ATOMIC_RELEASE);
		else
			fprintf(stderr, "daos_server: cannot load the system database: %s\n",
				d_errstr(rc));
	} else if (rc == 0 && dss_eng.e_auto_format) {
		rc = dss_storage_format(false);
		if (rc != 0)
			fprintf(stderr, "daos_server: cannot format %s: %s\n", p->dp_dir,
				d_errstr(rc));
	}
	if (rc == 0) {
		rc = rpc_boot_listen(xs->x_sched, p->dp_listen_addr, p->dp_port, boot_provide,
				     NULL, &dss_eng.e_port, &dss_eng.e_boot);
		if (rc != 0)
			fprintf(stderr, "daos_server: cannot listen on %s:%u: %s\n",
				p->dp_listen_addr, p->dp_port, d_errstr(rc));
	}
	start_report(xs, rc);
}

static void *
sys_main(void *arg)
{
	struct dss_xs *xs = arg;
	int            rc;

	dss_xs_cur = xs;
	rc         = sched_init(&xs->x_sched);
	if (rc == 0)
		rc = sched_ult_create(xs->x_sched, sys_start_ult, xs);
	if (rc != 0) {
		start_report(xs, rc);
		return NULL;
	}
	sched_run(xs->x_sched);
	return NULL;
}

static int
wait_started(int nr)
{
	pthread_mutex_lock(&dss_eng.e_lock);
	while (dss_eng.e_started < nr)
		pthread_cond_wait(&dss_eng.e_cond, &dss_eng.e_lock);
	pthread_mutex_unlock(&dss_eng.e_lock);
	return 0;
}

static int
xs_spawn(struct dss_xs *xs, void *(*fn)(void *))
{
	int rc = pthread_create(&xs->x_thread, NULL, fn, xs);

	return rc == 0 ? 0 : d_errno2der(rc);
}

int
dss_threads_start(void)
{
	uint32_t n = dss_eng.e_params.dp_nr_targets;
	uint32_t i;
	int      rc;

	for (i = 0; i < n; i++) {
		struct dss_xs *xs = &dss_eng.e_tgts[i];

		xs->x_tgt = (int)i;
		D_INIT_LIST_HEAD(&xs->x_shards);
		rc = xs_spawn(xs, tgt_main);
		if (rc != 0)
			return rc;
	}
	wait_started((int)n);
	for (i = 0; i < n; i++) {
		if (dss_eng.e_tgts[i].x_start_rc != 0) {
			fprintf(stderr, "daos_server: target %u failed to start: %s\n", i,
				d_errstr(dss_eng.e_tgts[i].x_start_rc));
			return dss_eng.e_tgts[i].x_start_rc;
		}
	}
	dss_eng.e_sys.x_tgt = -1;
	D_INIT_LIST_HEAD(&dss_eng.e_sys.x_shards);
	rc = xs_spawn(&dss_eng.e_sys, sys_main);
	if (rc != 0)
		return rc;
	wait_started((int)n + 1);
	return dss_eng.e_sys.x_start_rc;
}

/* ---- stopping ---- */

static void
tgt_stop_ult(void *arg)
{
	struct dss_xs *xs = arg;

	/* Requests already inside a handler finish; new ones see DSS_STOPPING. */
	while (xs->x_inflight > 0)
		sched_sleep_ns(xs->x_sched, 1000000);
	dss_shards_close_all(xs);
	if (xs->x_rpc != NULL)
		rpc_ctx_destroy(xs->x_rpc);
	xs->x_rpc = NULL;
	sched_stop(xs->x_sched);
}

static void
sys_stop_ult(void *arg)
{
	struct dss_xs *xs = arg;
	uint32_t       i;

	while (xs->x_inflight > 0)
		sched_sleep_ns(xs->x_sched, 1000000);
	if (dss_eng.e_sysdb != NULL) {
		dss_modules_unload();
		dss_sysdb_close();
	}
	for (i = 0; i < dss_nr_targets(); i++)
		if (dss_eng.e_tgts[i].x_sched != NULL)
			sched_post(dss_eng.e_tgts[i].x_sched, tgt_stop_ult, &dss_eng.e_tgts[i]);
	if (dss_eng.e_boot != NULL)
		rpc_boot_close(dss_eng.e_boot);
	dss_eng.e_boot = NULL;
	if (xs->x_rpc != NULL)
		rpc_ctx_destroy(xs->x_rpc);
	xs->x_rpc = NULL;
	sched_stop(xs->x_sched);
}

/* Main thread: stop everything that started, join, free. */
void
dss_threads_stop(void)
{
	uint32_t i;

	__atomic_store_n(&dss_eng.e_state, DSS_STOPPING, __ATOMIC_RELEASE);
	if (dss_eng.e_sys.x_sched != NULL) {
		sched_post(dss_eng.e_sys.x_sched, sys_stop_ult, &dss_eng.e_sys);
		pthread_join(dss_eng.e_sys.x_thread, NULL);
		sched_fini(dss_eng.e_sys.x_sched);
	} else {
		/* the system thread never ran: stop the targets from here */
		for (i = 0; i < dss_nr_targets(); i++)
			if (dss_eng.e_tgts[i].x_sched != NULL)
				sched_post(dss_eng.e_tgts[i].x_sched, tgt_stop_ult,
					   &dss_eng.e_tgts[i]);
	}
	for (i = 0; i < dss_nr_targets(); i++) {
		struct dss_xs *xs = &dss_eng.e_tgts[i];

		if (xs->x_thread == 0)
			continue;
		pthread_join(xs->x_thread, NULL);
		if (xs->x_sched != NULL)
			sched_fini(xs->x_sched);
		D_FREE(xs->x_addr);
	}
	D_FREE(dss_eng.e_sys.x_addr);
}

void
dss_reply(struct rpc_req *req, int rc, struct denc *e)
{
	void    *body = NULL;
	uint32_t len  = 0;

	if (e != NULL) {
		if (rc == 0)
			rc = denc_finish(e, RPC_BODY_MAX, &body, &len);
		else
			denc_fini(e);
	}
	rpc_reply(req, rc, body, rc == 0 ? len : 0, NULL);
	D_FREE(body);
}
