/* Private to src/rpc: the structures behind the opaque handles of rpc.h. */
#ifndef __RPC_INTERNAL_H__
#define __RPC_INTERNAL_H__

#include <ucp/api/ucp.h>
#include <gurt/common.h>
#include <gurt/list.h>
#include "rpc/rpc.h"

#define RPC_AM_ID         11u  /* the UCX active message id of a message on its own */
#define RPC_AM_BATCH_ID   12u  /* ... and of a batch of them (rpc_wire_frame_next) */
/* A batch's frames are sent when the next would not fit. Requests that carry
 * their data inline (4 KiB updates) batch too: over TCP a send and a receive
 * each cost more than copying 4 KiB (4 KiB updates through a server, QD32:
 * 24-31k/s with 1 KiB frames in 8 KiB batches, 28-36k/s with these). */
#define RPC_BATCH_BYTES     32768u
#define RPC_BATCH_FRAME_MAX 20480u /* a larger message goes on its own */
#define RPC_CALL_BUCKETS  256u /* id lookup table of a context */
#define RPC_PEER_NAME_MAX 64u

/* A pidfd for peer's process, checked to be that process (rpc_local.c);
 * -DER_UNREACH when it has ended, -DER_NOSYS when it cannot be watched. */
int rpc_local_pidfd(const struct rpc_host_id *peer);

struct rpc_ep {
	d_list_t        ep_link;  /* ctx->c_eps, or ctx->c_dead_eps once failed */
	struct rpc_ctx *ep_ctx;
	ucp_ep_h        ep_uep;
	void           *ep_addr; /* NULL for an endpoint UCX made for a requester */
	size_t          ep_addr_len;
	char            ep_peer[RPC_PEER_NAME_MAX];
	bool            ep_failed;
	bool            ep_closed; /* the UCX endpoint is closed (or never ours to close) */
	bool            ep_watched; /* a peer on this host: ep_pidfd tells its end */
	int             ep_pidfd;
	struct rpc_batch *ep_batch; /* small messages gathered for the next send, or NULL */
};

/* Small messages to one endpoint, gathered until the progress loop's next
 * turn (open, on ctx->c_batches) and then sent as one (on ctx->c_bsent until
 * UCX is done with the bytes). */
struct rpc_batch {
	d_list_t        b_link;
	struct rpc_ctx *b_ctx;
	struct rpc_ep  *b_ep;  /* while open */
	uint32_t       b_len; /* bytes of frames in b_data */
	uint32_t       b_nr;  /* frames */
	uint8_t        b_data[RPC_BATCH_BYTES];
};

/* A started call's private state; it outlives the call while UCX still holds
 * one of its requests (the header it sends, the iov arrays it reads). */
struct rpc_cpriv {
	d_list_t         cp_link;  /* ctx->c_calls while outstanding, ctx->c_done once completed */
	d_list_t         cp_hlink; /* id bucket while outstanding */
	d_list_t         cp_zlink; /* ctx->c_cprivs: every one alive */
	struct rpc_ctx  *cp_ctx;
	struct rpc_call *cp_call; /* NULL once the callback ran */
	rpc_call_cb_t    cp_cb;
	void            *cp_arg;
	uint64_t         cp_id;
	uint64_t         cp_deadline; /* ns, CLOCK_MONOTONIC (from its coarse reading) */
	int              cp_rc;
	int              cp_ureqs;  /* UCX requests still pointing here */
	bool             cp_done;   /* completed (callback queued or run) */
	bool             cp_small;  /* room for RPC_CP_INLINE body bytes: reusable */
	void            *cp_rreq;   /* reply payload being received */
	void            *cp_rbody;  /* reply body while it is received by rendezvous */
	ucp_dt_iov_t    *cp_siov;
	ucp_dt_iov_t    *cp_riov;
	size_t           cp_hdr_len;
	uint8_t          cp_hdr[]; /* wire header then the body (copied at start) */
};

struct rpc_handler {
	rpc_handler_t h_fn;
	void         *h_arg;
	bool          h_inline; /* runs in the progress ULT (rpc_register_inline) */
};

/*
 * A requester that said hello: the endpoint UCX made for its messages (valid
 * only inside UCX's callbacks: UCX destroys it when the peer fails) and the
 * endpoint we made to its worker address, which is ours to keep, reports
 * the peer's failure, and carries every reply.
 */
#define RPC_PEER_BUCKETS 64

struct rpc_peer {
	d_list_t       pr_link;
	ucp_ep_h       pr_reply_uep;
	struct rpc_ep *pr_ep;
};

struct rpc_ctx {
	struct sched      *c_sched;
	char               c_name[32];
	ucp_context_h      c_uctx;
	ucp_worker_h       c_worker;
	void              *c_addr;     /* our worker address as peers get it (rpc_addr_wrap) */
	size_t             c_addr_len;
	int                c_efd;
	int                c_wait_fd;  /* epoll: c_efd and the pidfds of local peers */
	uint32_t           c_nwatch;   /* local peers watched */
	uint64_t           c_watch_at; /* ns: look at the pidfds at the first clock read after */
	struct rpc_host_id c_host;     /* ours, as our address carries it */
	uint64_t           c_next_id;
	uint64_t           c_ncompleted;
	d_list_t           c_eps;
	d_list_t           c_dead_eps;
	d_list_t           c_calls;
	d_list_t           c_peers[RPC_PEER_BUCKETS]; /* requesters' endpoints -> our own */
	uint64_t           c_expire_at; /* ns: no call in c_calls expires before this */
	d_list_t           c_done;
	d_list_t           c_cprivs;
	d_list_t           c_buckets[RPC_CALL_BUCKETS];
	bool               c_draining;
	uint64_t           c_last_act; /* ns: when progress last found something */
	uint64_t           c_spin_ns;  /* how long to poll after it before sleeping */
	bool               c_warned_nopeer;
	d_list_t           c_batches; /* open batches, in the order they were opened */
	d_list_t           c_bsent;   /* batches UCX still sends */
	d_list_t           c_bspare;  /* sent batches kept for reuse (a few 32 KiB buffers) */
	uint32_t           c_bspare_nr;
	struct rpc_ctx_stats c_stats;
	/* sched mode */
	struct rpc_handler c_handlers[RPC_OPC_MAX];
	bool               c_stopping;
	bool               c_orphan;    /* creation failed half-way: the last ULT frees it */
	bool               c_sleeping;  /* progress ULT waits on the event fd */
	int                c_nr_ults;   /* progress + timer ULTs alive */
	int                c_nr_reqs;   /* requests whose handler has not replied */
	struct rpc_req    *c_inline;      /* requests for inline handlers, to run (rq_next) */
	struct rpc_req   **c_inline_tail;
	struct rpc_req    *c_req_cache; /* freed requests kept for reuse (rq_next) */
	int                c_req_cached;
	d_list_t           c_cp_cache;  /* freed small calls' state kept for reuse (cp_link) */
	int                c_cp_cached;
	struct sched_cond *c_stop_cond; /* destroy waits here for the ULTs to end */
	struct sched_cond *c_timer_cond;
	void              *c_selftest;  /* rpc_selftest.c's buffers */
};

uint64_t rpc_now_ns(void);
bool     rpc_fault(uint32_t id);
void     rpc_selftest_fini(struct rpc_ctx *ctx);

#endif /* __RPC_INTERNAL_H__ */
