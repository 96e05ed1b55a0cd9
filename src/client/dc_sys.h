/*
 * client/dc_sys.h - how a client process reaches a dstor system: find it at
 * an access point, learn its workers' addresses, and send requests to them.
 *
 * WHAT IT OWNS
 * One struct dc_sys per attached system: the attach info the server gave
 * (system name, rank, pool map version, worker addresses), one client-mode
 * transport context (src/rpc, sched == NULL) and one endpoint per worker it
 * has talked to. Worker 0 is the server's system thread (management, pool
 * and container services); worker t + 1 is target t (object I/O).
 *
 * FINDING THE SYSTEM
 * An access point is "HOST[:PORT]" (default port DC_SYS_PORT_DEFAULT). When
 * the caller gives none, DC_SYS_ENV_ACCESS_POINTS is read: one access point,
 * or several separated by commas, tried in order until one answers. Without
 * it, DC_SYS_HOST_DEFAULT:DC_SYS_PORT_DEFAULT, which is also daos_server's
 * default listen address. The server answers on TCP with the attach info
 * (rpc_boot_query); everything after that travels over UCX.
 *
 * CALLS
 * dc_sys_call() is synchronous: it progresses the context until the reply
 * arrives or the timeout passes. It returns the reply's status as the
 * server's handler set it (0 or -DER_*, e.g. -DER_NONEXIST for a missing
 * pool), or a transport error as rpc.h lists them (-DER_TIMEDOUT,
 * -DER_UNREACH, -DER_PROTO, -DER_NOSYS, -DER_TRUNC). An endpoint that failed
 * is replaced on the next call to the same worker, so a restarted server is
 * reached again once its addresses are re-learned (dc_sys_detach then
 * dc_sys_attach: a new server process has new worker addresses).
 *
 * THREADING
 * A dc_sys belongs to the thread that attached it (the transport context is
 * not locked). A multi-threaded client attaches once per thread.
 *
 * CAVEATS
 * - The attach query is bounded by DC_SYS_BOOT_TIMEOUT_MS per access point:
 *   a host that drops packets costs that long before the next one is tried.
 * - Loopback access points (127.0.0.0/8, "localhost") restrict UCX to the
 *   "lo" device (rpc.h), so a client of a local server never touches
 *   another interface.
 */
#ifndef __CLIENT_DC_SYS_H__
#define __CLIENT_DC_SYS_H__

#include <gurt/common.h>

struct dc_sys;

#define DC_SYS_ENV_ACCESS_POINTS "DSTOR_ACCESS_POINTS"
#define DC_SYS_HOST_DEFAULT      "127.0.0.1"
#define DC_SYS_PORT_DEFAULT      10001
#define DC_SYS_HOST_MAX          256  /* bytes of a host name, with the NUL */
#define DC_SYS_BOOT_TIMEOUT_MS   5000 /* attach query, per access point */
#define DC_SYS_WORKER_SYSTEM     0    /* worker of the system thread */

/* ---- attach and detach ---- */

/*
 * Attach to the system answering at host:port. host NULL: the access points
 * of DC_SYS_ENV_ACCESS_POINTS, else the default (port is then ignored);
 * port 0: DC_SYS_PORT_DEFAULT. Errors: -DER_UNREACH (nothing answers),
 * -DER_TIMEDOUT, -DER_PROTO (not a dstor server, or a malformed answer),
 * -DER_INVAL (a malformed DC_SYS_ENV_ACCESS_POINTS), -DER_NOMEM, -DER_MISC
 * (UCX refused to start).
 */
int  dc_sys_attach(const char *host, uint16_t port, struct dc_sys **sysp);
/* Close every endpoint and the context, free sys (NULL is allowed). */
void dc_sys_detach(struct dc_sys *sys);

/* ---- what the server said about itself ---- */

const char *dc_sys_name(const struct dc_sys *sys);
uint32_t    dc_sys_rank(const struct dc_sys *sys);
uint32_t    dc_sys_map_version(const struct dc_sys *sys);
/* Target threads of the server (workers 1..N). */
uint32_t    dc_sys_nr_targets(const struct dc_sys *sys);
/* The access point that answered, "HOST:PORT". */
const char *dc_sys_access_point(const struct dc_sys *sys);

/* ---- requests ---- */

/* Timeout of later calls, in ms (0: the transport's default). */
void dc_sys_set_timeout(struct dc_sys *sys, int timeout_ms);

/*
 * Send opcode with body (len bytes, at most RPC_BODY_MAX) to worker (0: the
 * system thread, t + 1: target t) and wait for the reply. bulk_in, if not
 * NULL, receives the reply's bulk payload. On return *reply holds the reply
 * body (D_ALLOC'd, D_FREE it; NULL when empty) and *reply_len its length;
 * reply may be NULL when the caller wants no body. Returns the status (see
 * CALLS above); -DER_INVAL for a worker the system does not have.
 */
int  dc_sys_call(struct dc_sys *sys, int worker, uint16_t opcode, const void *body,
		 uint32_t len, d_sg_list_t *bulk_in, void **reply, uint32_t *reply_len);

/*
 * The same with a payload sent after the body (bulk_out, may be NULL; then
 * body is at most RPC_BULK_BODY_MAX bytes) and the bytes of reply payload
 * received (*bulk_in_len, may be NULL).
 */
int  dc_sys_call_bulk(struct dc_sys *sys, int worker, uint16_t opcode, const void *body,
		      uint32_t len, const d_sg_list_t *bulk_out, d_sg_list_t *bulk_in,
		      uint64_t *bulk_in_len, void **reply, uint32_t *reply_len);

/* ---- asynchronous use (libdaos) ---- */

struct rpc_ctx;
struct rpc_ep;
/* The endpoint to worker (opened on demand, reopened after a failure), for
 * rpc_call_start(). -DER_INVAL for a worker the system does not have. */
int             dc_sys_worker_ep(struct dc_sys *sys, int worker, struct rpc_ep **epp);
/*
 * Ask the access point again for the workers' addresses (a restarted server
 * listens on the same port, its workers at new addresses); endpoints to
 * workers whose address changed are reopened on next use. Nothing changes
 * when the access point does not answer (its error is returned) or now has
 * another number of workers (-DER_MISMATCH). dc_sys_worker_ep() does it by
 * itself when an endpoint failed or does not connect.
 */
int             dc_sys_refresh(struct dc_sys *sys);
/* The transport context, to progress with rpc_progress(). */
struct rpc_ctx *dc_sys_rpc_ctx(struct dc_sys *sys);
/* The timeout set by dc_sys_set_timeout (0: the transport's default). */
int             dc_sys_timeout(const struct dc_sys *sys);

#endif /* __CLIENT_DC_SYS_H__ */
