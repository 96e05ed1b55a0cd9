/*
 * In-process servers for the rpc tests: each is a thread with a scheduler,
 * a sched-mode context serving the selftest handlers (plus what the test
 * registers in its setup hook) and, optionally, a TCP bootstrap listener on
 * 127.0.0.1 with a port chosen by the kernel.
 */
#ifndef RPC_HARNESS_H
#define RPC_HARNESS_H

#include <pthread.h>
#include <string.h>
#include <gurt/common.h>
#include "sched/sched.h"
#include "rpc/rpc.h"

struct th_server {
	pthread_t       ts_thread;
	struct sched   *ts_sched;
	struct rpc_ctx *ts_ctx;
	struct rpc_boot *ts_boot;
	uint16_t        ts_boot_port;
	bool            ts_want_boot;
	void          (*ts_setup)(struct th_server *ts); /* runs in a ULT after ctx creation */
	void           *ts_priv;
	uint8_t         ts_addr[4096];
	size_t          ts_addr_len;
	int             ts_rc;
	bool            ts_ready;
	pthread_mutex_t ts_lock;
	pthread_cond_t  ts_cv;
};

static int
th_provide(void *arg, void **body, uint32_t *len)
{
	struct th_server      *ts = arg;
	struct rpc_worker_addr w[2];
	struct rpc_attach_info ai = {0};

	strcpy(ai.ai_system, "dstor_test");
	ai.ai_rank        = 0;
	ai.ai_map_version = 1;
	/* worker 0 (system thread) and 1 (target 0) are the same thread here */
	w[0].wa_addr      = ts->ts_addr;
	w[0].wa_len       = ts->ts_addr_len;
	w[1]              = w[0];
	ai.ai_nr_workers  = 2;
	ai.ai_workers     = w;
	return rpc_attach_encode(&ai, body, len);
}

static void
th_main_ult(void *arg)
{
	struct th_server   *ts   = arg;
	struct rpc_ctx_attr attr = {.ra_sched = ts->ts_sched, .ra_name = "test srv",
				    .ra_loopback = true};
	const void         *addr;
	size_t              len;
	int                 rc;

	rc = rpc_ctx_create(&attr, &ts->ts_ctx);
	if (rc == 0)
		rc = rpc_selftest_register(ts->ts_ctx);
	if (rc == 0) {
		rpc_ctx_address(ts->ts_ctx, &addr, &len);
		memcpy(ts->ts_addr, addr, len);
		ts->ts_addr_len = len;
		if (ts->ts_setup != NULL)
			ts->ts_setup(ts);
	}
	if (rc == 0 && ts->ts_want_boot)
		rc = rpc_boot_listen(ts->ts_sched, "127.0.0.1", 0, th_provide, ts,
				     &ts->ts_boot_port, &ts->ts_boot);
	pthread_mutex_lock(&ts->ts_lock);
	ts->ts_rc    = rc;
	ts->ts_ready = true;
	pthread_cond_broadcast(&ts->ts_cv);
	pthread_mutex_unlock(&ts->ts_lock);
	while (!sched_stopping(ts->ts_sched))
		sched_sleep_ns(ts->ts_sched, 5 * 1000 * 1000);
	rpc_boot_close(ts->ts_boot);
	rpc_ctx_destroy(ts->ts_ctx);
}

/* The scheduler is made on its own thread: its ring accepts submissions from
 * the thread that created it only (IORING_SETUP_SINGLE_ISSUER). */
static void *
th_thread(void *arg)
{
	struct th_server *ts = arg;
	int               rc;

	rc = sched_init(&ts->ts_sched);
	if (rc == 0) {
		rc = sched_ult_create(ts->ts_sched, th_main_ult, ts);
		if (rc == 0)
			sched_run(ts->ts_sched);
	}
	if (rc != 0) {
		pthread_mutex_lock(&ts->ts_lock);
		ts->ts_rc    = rc;
		ts->ts_ready = true;
		pthread_cond_broadcast(&ts->ts_cv);
		pthread_mutex_unlock(&ts->ts_lock);
	}
	return NULL;
}

/* Start a server; 0 once it serves. */
static inline int
th_start(struct th_server *ts)
{
	pthread_mutex_init(&ts->ts_lock, NULL);
	pthread_cond_init(&ts->ts_cv, NULL);
	pthread_create(&ts->ts_thread, NULL, th_thread, ts);
	pthread_mutex_lock(&ts->ts_lock);
	while (!ts->ts_ready)
		pthread_cond_wait(&ts->ts_cv, &ts->ts_lock);
	pthread_mutex_unlock(&ts->ts_lock);
	return ts->ts_rc;
}

static inline void
th_stop(struct th_server *ts)
{
	sched_stop(ts->ts_sched);
	pthread_join(ts->ts_thread, NULL);
	sched_fini(ts->ts_sched);
	pthread_mutex_destroy(&ts->ts_lock);
	pthread_cond_destroy(&ts->ts_cv);
}

static inline struct rpc_ctx *
th_client(void)
{
	struct rpc_ctx_attr attr = {.ra_sched = NULL, .ra_name = "test cli", .ra_loopback = true};
	struct rpc_ctx     *ctx  = NULL;

	if (rpc_ctx_create(&attr, &ctx) != 0)
		return NULL;
	return ctx;
}

#endif
