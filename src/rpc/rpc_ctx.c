/*
 * Contexts, endpoints, calls and served requests over UCX active messages.
 * The progress loop (sched mode) and rpc_progress() (client mode) are the
 * only places that call ucp_worker_progress(); completions found there are
 * queued on c_done and their callbacks run right after, outside UCX, so a
 * callback may start the next call.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <gurt/common.h>
#include <gurt/fault_inject.h>
#include "sched/sched.h"
#include "rpc/rpc_internal.h"

/*
 * Busy polling before sleeping on the event fd: a reply that is a round trip
 * away is caught without the cost of arming and waking. It must outlast a
 * wake-up on a loaded machine (~50-100 µs): with a shorter spin, once one
 * side sleeps, each round trip takes longer than the other side's spin and
 * both stay in the slow sleeping mode. The spin only follows activity; an
 * idle thread sleeps.
 * That pays in a ping-pong, where the next message is a round trip away.
 * With several calls out, or a request being handled (waiting for storage),
 * the next message is the next of a burst (a short spin catches it) or comes
 * once the storage is done: spinning through that wait only burns a core the
 * other threads and the kernel's I/O need (a 4 KiB update at QD32 cost twice
 * the CPU with the long spin), so then the spin lasts RPC_SPIN_NS_BUSY.
 */
#define RPC_POLL_NS_DEFAULT (200 * 1000ull)
/* While traffic comes back faster than this, spin for twice its interval
 * (at most this long), so a round trip slowed by one sleep does not make
 * every later one sleep too. */
#define RPC_POLL_NS_MAX (1000 * 1000ull)
#define RPC_SPIN_NS_BUSY (20 * 1000ull)
/* Bodies up to this size are copied into the request itself, and this many
 * freed requests are kept per context: a small request costs no malloc. */
#define RPC_REQ_INLINE 96
#define RPC_REQ_CACHE  64
#define RPC_REQ_ROOM   8192 /* bodies up to this size reuse the request's kept room */
/* The same on the calling side, for the state of a call with a small body. */
#define RPC_CP_INLINE 96
#define RPC_CP_CACHE  64
/* Idle looks at the worker between two reads of the clock. */
#define RPC_SPIN_BURST 16
/* The timer ULT looks at deadlines at least this often while calls are out. */
#define RPC_TIMER_TICK_NS (20 * 1000 * 1000ull)

/* How often a busy loop looks whether a local peer's process ended (a
 * sleeping one wakes for it at once). */
#define RPC_WATCH_NS (10 * 1000 * 1000ull)

/* Set once an endpoint had to do without peer failure detection (the
 * transports UCX chose cannot do it); set-only, so a racy read is harmless. */
static volatile bool   rpc_no_peer_mode;
static pthread_mutex_t rpc_part_lock = PTHREAD_MUTEX_INITIALIZER;
static char            rpc_part_name[RPC_PEER_NAME_MAX];

uint64_t
rpc_now_ns(void)
{
	return d_gettime_ns();
}

/* The same clock at the kernel tick's resolution (d_gettime_coarse), a
 * fraction of the cost: enough for a call's deadline, which then fires at
 * most a tick early, and a call starts at every ping. */
static uint64_t
rpc_coarse_ns(void)
{
	struct timespec ts;

	d_gettime_coarse(&ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

bool
rpc_fault(uint32_t id)
{
	struct d_fault_attr_t *fa;

	if (!d_fault_inject)
		return false;
	fa = d_fault_attr_lookup(id);
	return fa != NULL && D_SHOULD_FAIL(fa);
}

void
rpc_fault_partition(const char *name)
{
	pthread_mutex_lock(&rpc_part_lock);
	if (name == NULL)
		rpc_part_name[0] = '\0';
	else
		snprintf(rpc_part_name, sizeof(rpc_part_name), "%s", name);
	pthread_mutex_unlock(&rpc_part_lock);
}

static bool
rpc_partitioned(const struct rpc_ep *ep)
{
	bool hit;

	if (!d_fault_inject || ep->ep_peer[0] == '\0')
		return false;
	pthread_mutex_lock(&rpc_part_lock);
	hit = strcmp(rpc_part_name, ep->ep_peer) == 0;
	pthread_mutex_unlock(&rpc_part_lock);
	return hit && rpc_fault(RPC_FI_PARTITION);
}

static uint64_t
rpc_poll_ns(void)
{
	static uint64_t poll_ns = UINT64_MAX;
	const char     *s;

	if (poll_ns == UINT64_MAX) {
		s       = getenv("RPC_POLL_US");
		poll_ns = s != NULL ? strtoull(s, NULL, 0) * 1000 : RPC_POLL_NS_DEFAULT;
	}
	return poll_ns;
}

/* Something happened at now: how long to spin before the next sleep. */
static void
rpc_note_activity(struct rpc_ctx *ctx, uint64_t now)
{
	uint64_t gap = now - ctx->c_last_act;

	ctx->c_last_act = now;
	if (gap > RPC_POLL_NS_MAX)
		ctx->c_spin_ns = rpc_poll_ns();
	else
		ctx->c_spin_ns = 2 * gap > RPC_POLL_NS_MAX ? RPC_POLL_NS_MAX
			       : 2 * gap < rpc_poll_ns()  ? rpc_poll_ns()
							  : 2 * gap;
}

static bool
rpc_calls_at_most_one(struct rpc_ctx *ctx)
{
	return d_list_empty(&ctx->c_calls) || ctx->c_calls.next->next == &ctx->c_calls;
}

/* A ping-pong: no request being handled, at most one call out. */
static bool
rpc_ping_pong(struct rpc_ctx *ctx)
{
	return ctx->c_nr_reqs == 0 && rpc_calls_at_most_one(ctx);
}

static bool
rpc_keep_spinning(struct rpc_ctx *ctx, uint64_t now)
{
	uint64_t spin = rpc_ping_pong(ctx) ? ctx->c_spin_ns : MIN(ctx->c_spin_ns, RPC_SPIN_NS_BUSY);

	return now - ctx->c_last_act < spin;
}

/* A sleeping progress ULT does not see work queued by other ULTs: wake it. */
static void
rpc_kick(struct rpc_ctx *ctx)
{
	if (ctx->c_sleeping)
		ucp_worker_signal(ctx->c_worker);
}

/* ---- batches: many small messages, one send ---- */

/*
 * Over TCP each message costs a system call on both sides (and on loopback the
 * sender's one runs the receiver's stack too): at hundreds of small requests
 * in flight that, not the bytes, is the limit. So Nagle's rule: the only
 * exchange in progress goes at once (a ping-pong waits for nothing); while
 * others are out, a small message joins its endpoint's batch, and the progress
 * loop's next turn sends each batch as one message.
 */
static bool
rpc_batch_wanted(struct rpc_ctx *ctx, struct rpc_ep *ep)
{
	/* the caller's own call or request is counted in c_calls or c_nr_reqs */
	return ep->ep_batch != NULL || !rpc_calls_at_most_one(ctx) ||
	       ctx->c_nr_reqs + (d_list_empty(&ctx->c_calls) ? 0 : 1) > 1;
}

#define RPC_BATCH_SPARE 4 /* sent batches a context keeps for its next ones */

/* A batch buffer: a spare one if the context has it (a 32 KiB malloc per
 * batch cost 2% of a target thread under small updates), else a new one. */
static struct rpc_batch *
rpc_batch_get(struct rpc_ctx *ctx)
{
	struct rpc_batch *b;

	if (ctx->c_bspare_nr > 0) {
		b = d_list_entry(ctx->c_bspare.next, struct rpc_batch, b_link);
		d_list_del(&b->b_link);
		ctx->c_bspare_nr--;
	} else {
		D_ALLOC_PTR_NZ(b);
		if (b == NULL)
			return NULL;
	}
	b->b_ctx = ctx;
	b->b_len = 0;
	b->b_nr  = 0;
	return b;
}

/* Done with b (off every list): kept as a spare, or freed. */
static void
rpc_batch_put(struct rpc_batch *b)
{
	struct rpc_ctx *ctx = b->b_ctx;

	if (ctx->c_bspare_nr < RPC_BATCH_SPARE) {
		d_list_add(&b->b_link, &ctx->c_bspare);
		ctx->c_bspare_nr++;
		return;
	}
	D_FREE(b);
}

static void
rpc_batch_sent_cb(void *request, ucs_status_t status, void *user_data)
{
	struct rpc_batch *b = user_data;

	if (status != UCS_OK && status != UCS_ERR_CANCELED)
		D_INFO("batch of %u messages not sent: %s\n", b->b_nr, ucs_status_string(status));
	d_list_del(&b->b_link);
	rpc_batch_put(b);
	ucp_request_free(request);
}

/* Send ep's open batch: a lone message as itself, more as one batch. */
static void
rpc_batch_flush(struct rpc_ep *ep)
{
	struct rpc_ctx     *ctx   = ep->ep_ctx;
	struct rpc_batch   *b     = ep->ep_batch;
	ucp_request_param_t param = {0};
	ucs_status_ptr_t    sp;

	if (b == NULL)
		return;
	ep->ep_batch = NULL;
	b->b_ep      = NULL;
	d_list_del(&b->b_link);
	ctx->c_stats.rs_sends++;
	param.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA |
			     UCP_OP_ATTR_FIELD_FLAGS;
	param.cb.send      = rpc_batch_sent_cb;
	param.user_data    = b;
	/* eager always: a batch is never fetched by rendezvous */
	param.flags = UCP_AM_SEND_FLAG_REPLY | UCP_AM_SEND_FLAG_EAGER;
	if (b->b_nr == 1) {
		const void *hdr, *data;
		uint32_t    hlen, dlen;
		size_t      off = 0;

		rpc_wire_frame_next(b->b_data, b->b_len, &off, &hdr, &hlen, &data, &dlen);
		sp = ucp_am_send_nbx(ep->ep_uep, RPC_AM_ID, hdr, hlen, data, dlen, &param);
	} else {
		sp = ucp_am_send_nbx(ep->ep_uep, RPC_AM_BATCH_ID, NULL, 0, b->b_data, b->b_len,
				     &param);
	}
	if (UCS_PTR_IS_PTR(sp)) {
		d_list_add_tail(&b->b_link, &ctx->c_bsent);
		return;
	}
	if (UCS_PTR_IS_ERR(sp))
		D_INFO("%s: batch of %u messages not sent: %s\n", ctx->c_name, b->b_nr,
		       ucs_status_string(UCS_PTR_STATUS(sp)));
	rpc_batch_put(b);
}

static void
rpc_batch_flush_all(struct rpc_ctx *ctx)
{
	while (!d_list_empty(&ctx->c_batches))
		rpc_batch_flush(d_list_entry(ctx->c_batches.next, struct rpc_batch, b_link)->b_ep);
}

/* An endpoint that failed or closes by force: its unsent messages go nowhere. */
static void
rpc_batch_drop(struct rpc_ep *ep)
{
	if (ep->ep_batch == NULL)
		return;
	d_list_del(&ep->ep_batch->b_link);
	rpc_batch_put(ep->ep_batch);
	ep->ep_batch = NULL;
}

/* Queue a message (its AM header and data) on ep's batch, or return false:
 * too large, or no memory; then the caller sends it on its own. */
static bool
rpc_batch_add(struct rpc_ep *ep, const void *hdr, uint32_t hlen, const void *data, uint32_t dlen)
{
	struct rpc_ctx *ctx  = ep->ep_ctx;
	uint32_t        need = RPC_WIRE_FRAME_HDR + hlen + dlen;

	if (need > RPC_BATCH_FRAME_MAX)
		return false;
	if (ep->ep_batch != NULL && ep->ep_batch->b_len + need > RPC_BATCH_BYTES)
		rpc_batch_flush(ep);
	if (ep->ep_batch == NULL) {
		ep->ep_batch = rpc_batch_get(ctx);
		if (ep->ep_batch == NULL)
			return false;
		ep->ep_batch->b_ep = ep;
		d_list_add_tail(&ep->ep_batch->b_link, &ctx->c_batches);
		rpc_kick(ctx);
	}
	ep->ep_batch->b_len +=
	    (uint32_t)rpc_wire_frame_put(ep->ep_batch->b_data + ep->ep_batch->b_len, hdr, hlen,
					 data, dlen);
	ep->ep_batch->b_nr++;
	ctx->c_stats.rs_msgs++;
	return true;
}

/* ---- parking a ULT on one UCX request ---- */

struct rpc_wait {
	struct sched_cond *w_cond;
	bool               w_done;
	ucs_status_t       w_status;
};

static void
rpc_wait_done(struct rpc_wait *w, ucs_status_t status)
{
	w->w_done   = true;
	w->w_status = status;
	if (w->w_cond != NULL)
		sched_cond_signal(w->w_cond);
}

static void
rpc_wait_send_cb(void *request, ucs_status_t status, void *user_data)
{
	rpc_wait_done(user_data, status);
	ucp_request_free(request);
}

static void
rpc_wait_recv_cb(void *request, ucs_status_t status, size_t length, void *user_data)
{
	(void)length;
	rpc_wait_done(user_data, status);
	ucp_request_free(request);
}

/* Wait for the outcome of a UCX operation that returned sp. */
static ucs_status_t
rpc_wait_status(struct rpc_ctx *ctx, struct rpc_wait *w, ucs_status_ptr_t sp)
{
	if (sp == NULL)
		return UCS_OK;
	if (UCS_PTR_IS_ERR(sp))
		return UCS_PTR_STATUS(sp);
	w->w_cond = sched_cond_create(ctx->c_sched);
	rpc_kick(ctx);
	while (!w->w_done) {
		if (w->w_cond != NULL)
			sched_cond_wait(w->w_cond);
		else
			sched_yield_ult(ctx->c_sched); /* no memory for a wait queue: poll */
	}
	sched_cond_destroy(w->w_cond);
	w->w_cond = NULL;
	return w->w_status;
}

/* ---- scatter/gather lists as UCX datatypes ---- */

static uint64_t
rpc_sgl_len(const d_sg_list_t *sgl)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; sgl != NULL && i < sgl->sg_nr; i++)
		n += sgl->sg_iovs[i].iov_len;
	return n;
}

static uint64_t
rpc_sgl_cap(const d_sg_list_t *sgl)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; sgl != NULL && i < sgl->sg_nr; i++)
		n += sgl->sg_iovs[i].iov_buf_len;
	return n;
}

/*
 * Describe len bytes of sgl to UCX: one contiguous buffer when a single iov
 * holds them, an iov array (*iovp, to free after the operation) otherwise.
 * use_cap: measure iovs by capacity (receiving) rather than length (sending).
 */
static int
rpc_sgl_dt(const d_sg_list_t *sgl, uint64_t len, bool use_cap, ucp_request_param_t *param,
	   void **buf, size_t *count, ucp_dt_iov_t **iovp)
{
	ucp_dt_iov_t *iov;
	uint64_t      left = len;
	uint32_t      i;
	uint32_t      n = 0;

	*iovp = NULL;
	for (i = 0; i < sgl->sg_nr && sgl->sg_iovs[i].iov_buf_len == 0 && use_cap; i++)
		;
	if (i < sgl->sg_nr &&
	    (use_cap ? sgl->sg_iovs[i].iov_buf_len : sgl->sg_iovs[i].iov_len) >= len) {
		*buf   = sgl->sg_iovs[i].iov_buf;
		*count = len;
		return 0;
	}
	D_ALLOC_ARRAY(iov, sgl->sg_nr);
	if (iov == NULL)
		return -DER_NOMEM;
	for (i = 0; i < sgl->sg_nr && left > 0; i++) {
		uint64_t l = use_cap ? sgl->sg_iovs[i].iov_buf_len : sgl->sg_iovs[i].iov_len;

		if (l == 0)
			continue;
		if (l > left)
			l = left;
		iov[n].buffer = sgl->sg_iovs[i].iov_buf;
		iov[n].length = l;
		left -= l;
		n++;
	}
	param->op_attr_mask |= UCP_OP_ATTR_FIELD_DATATYPE;
	param->datatype = ucp_dt_make_iov();
	*buf            = iov;
	*count          = n;
	*iovp           = iov;
	return 0;
}

/* Record in sgl that len bytes landed in it, in order (iov_len, sg_nr_out). */
static void
rpc_sgl_landed(d_sg_list_t *sgl, uint64_t len)
{
	uint32_t i;

	sgl->sg_nr_out = 0;
	for (i = 0; i < sgl->sg_nr; i++) {
		uint64_t l = sgl->sg_iovs[i].iov_buf_len < len ? sgl->sg_iovs[i].iov_buf_len : len;

		sgl->sg_iovs[i].iov_len = l;
		len -= l;
		if (l > 0)
			sgl->sg_nr_out = i + 1;
	}
}

/* Copy len bytes of an eagerly received payload into sgl (its capacity suffices). */
static void
rpc_sgl_copy_in(d_sg_list_t *sgl, const void *data, uint64_t len)
{
	const uint8_t *p    = data;
	uint64_t       left = len;
	uint32_t       i;

	for (i = 0; i < sgl->sg_nr && left > 0; i++) {
		uint64_t l = sgl->sg_iovs[i].iov_buf_len < left ? sgl->sg_iovs[i].iov_buf_len : left;

		memcpy(sgl->sg_iovs[i].iov_buf, p, l);
		p += l;
		left -= l;
	}
	rpc_sgl_landed(sgl, len);
}

/* ---- calls: completion ---- */

static struct rpc_cpriv *
rpc_call_lookup(struct rpc_ctx *ctx, uint64_t id)
{
	struct rpc_cpriv *cp;

	d_list_for_each_entry(cp, &ctx->c_buckets[id % RPC_CALL_BUCKETS], cp_hlink)
		if (cp->cp_id == id)
			return cp;
	return NULL;
}

static const struct rpc_cpriv rpc_cp_zero;

/* State for a call with a body of body_len bytes. */
static struct rpc_cpriv *
rpc_cp_alloc(struct rpc_ctx *ctx, size_t body_len)
{
	struct rpc_cpriv *cp;

	if (body_len > RPC_CP_INLINE) {
		D_ALLOC(cp, sizeof(*cp) + RPC_WIRE_HDR_LEN + body_len);
		return cp;
	}
	if (!d_list_empty(&ctx->c_cp_cache)) {
		cp = d_list_entry(ctx->c_cp_cache.next, struct rpc_cpriv, cp_link);
		d_list_del(&cp->cp_link);
		ctx->c_cp_cached--;
		/* A copy of a zero template, not memset: GCC makes a memset this
		 * size a rep stosq, whose start-up was 40% of rpc_call_start in a
		 * profile of the shared-memory ping; the copy is a few vector stores. */
		*cp = rpc_cp_zero;
	} else {
		D_ALLOC(cp, sizeof(*cp) + RPC_WIRE_HDR_LEN + RPC_CP_INLINE);
		if (cp == NULL)
			return NULL;
	}
	cp->cp_small = true;
	return cp;
}

static void
rpc_cp_release(struct rpc_cpriv *cp)
{
	struct rpc_ctx *ctx = cp->cp_ctx;

	if (cp->cp_small && ctx->c_cp_cached < RPC_CP_CACHE) {
		d_list_add(&cp->cp_link, &ctx->c_cp_cache);
		ctx->c_cp_cached++;
		return;
	}
	D_FREE(cp);
}

/* Free cp once its callback ran and UCX holds none of its requests. */
static void
rpc_cp_put(struct rpc_cpriv *cp)
{
	if (!cp->cp_done || cp->cp_call != NULL || cp->cp_ureqs > 0)
		return;
	d_list_del(&cp->cp_zlink);
	D_FREE(cp->cp_rbody);
	D_FREE(cp->cp_siov);
	D_FREE(cp->cp_riov);
	rpc_cp_release(cp);
}

/* Complete a call with rc; its callback runs at the next drain. */
static void
rpc_call_finish(struct rpc_cpriv *cp, int rc)
{
	if (cp->cp_done)
		return;
	cp->cp_done = true;
	cp->cp_rc   = rc;
	d_list_del_init(&cp->cp_hlink);
	d_list_del(&cp->cp_link);
	d_list_add_tail(&cp->cp_link, &cp->cp_ctx->c_done);
}

/* Run the callbacks of completed calls. Returns how many ran. */
static int
rpc_drain(struct rpc_ctx *ctx)
{
	int n = 0;

	if (ctx->c_draining)
		return 0;
	ctx->c_draining = true;
	while (!d_list_empty(&ctx->c_done)) {
		struct rpc_cpriv *cp   = d_list_entry(ctx->c_done.next, struct rpc_cpriv, cp_link);
		struct rpc_call  *call = cp->cp_call;

		d_list_del_init(&cp->cp_link);
		cp->cp_call   = NULL;
		call->rc_rc   = cp->cp_rc;
		call->rc_priv = NULL;
		ctx->c_ncompleted++;
		n++;
		cp->cp_cb(call, cp->cp_arg);
		rpc_cp_put(cp);
	}
	ctx->c_draining = false;
	return n;
}

/*
 * Time out expired calls; returns the earliest deadline still pending. The
 * list is walked only once that deadline has come: progress calls this at
 * every turn, with as many calls in flight as the queue depth.
 */
static uint64_t
rpc_expire(struct rpc_ctx *ctx, uint64_t now)
{
	struct rpc_cpriv *cp;
	struct rpc_cpriv *tmp;
	uint64_t          next = UINT64_MAX;

	if (now < ctx->c_expire_at)
		return ctx->c_expire_at;

	d_list_for_each_entry_safe(cp, tmp, &ctx->c_calls, cp_link) {
		/* A reply whose payload is landing came in time; its receive ends it. */
		if (cp->cp_rreq != NULL)
			continue;
		if (cp->cp_deadline <= now)
			rpc_call_finish(cp, -DER_TIMEDOUT);
		else if (cp->cp_deadline < next)
			next = cp->cp_deadline;
	}
	ctx->c_expire_at = next;
	return next;
}

static void
rpc_call_send_cb(void *request, ucs_status_t status, void *user_data)
{
	struct rpc_cpriv *cp = user_data;

	ucp_request_free(request);
	cp->cp_ureqs--;
	if (status != UCS_OK && status != UCS_ERR_CANCELED)
		rpc_call_finish(cp, -DER_UNREACH);
	rpc_cp_put(cp);
}

/* ---- endpoints ---- */

/* Watch pidfd, the end of ep's peer process, from the loop's epoll set; on
 * failure pidfd is closed and ep stays unwatched. */
static int
rpc_ep_watch(struct rpc_ep *ep, int pidfd)
{
	struct rpc_ctx    *ctx = ep->ep_ctx;
	struct epoll_event ev  = {.events = EPOLLIN, .data.ptr = ep};

	if (epoll_ctl(ctx->c_wait_fd, EPOLL_CTL_ADD, pidfd, &ev) != 0) {
		int err = errno;

		D_ERROR("%s: cannot watch a local peer: %d\n", ctx->c_name, err);
		close(pidfd);
		return d_errno2der(err);
	}
	ep->ep_watched = true;
	ep->ep_pidfd   = pidfd;
	if (ctx->c_nwatch++ == 0)
		ctx->c_watch_at = rpc_now_ns() + RPC_WATCH_NS;
	return 0;
}

static void
rpc_ep_unwatch(struct rpc_ep *ep)
{
	if (!ep->ep_watched)
		return;
	close(ep->ep_pidfd); /* which takes it out of c_wait_fd */
	ep->ep_watched = false;
	if (--ep->ep_ctx->c_nwatch == 0)
		ep->ep_ctx->c_watch_at = UINT64_MAX;
}

/* The peer is gone (why): its calls end with -DER_UNREACH, and the endpoint
 * leaves the cache, so the next connect to its address makes a new one. */
static void
rpc_ep_fail(struct rpc_ep *ep, const char *why)
{
	struct rpc_ctx   *ctx = ep->ep_ctx;
	struct rpc_cpriv *cp;
	struct rpc_cpriv *tmp;

	D_INFO("%s: endpoint to %s failed: %s\n", ctx->c_name,
	       ep->ep_peer[0] ? ep->ep_peer : "peer", why);
	rpc_ep_unwatch(ep);
	ep->ep_failed = true;
	rpc_batch_drop(ep);
	d_list_for_each_entry_safe(cp, tmp, &ctx->c_calls, cp_link)
		if (cp->cp_call->rc_ep == ep)
			rpc_call_finish(cp, -DER_UNREACH);
	d_list_del(&ep->ep_link);
	d_list_add_tail(&ep->ep_link, &ctx->c_dead_eps);
}

static void
rpc_ep_error_cb(void *arg, ucp_ep_h uep, ucs_status_t status)
{
	(void)uep;
	rpc_ep_fail(arg, ucs_status_string(status));
}

static void
rpc_ep_close(struct rpc_ep *ep, bool force)
{
	ucp_request_param_t param = {0};
	ucs_status_ptr_t    sp;

	if (force)
		rpc_batch_drop(ep);
	else
		rpc_batch_flush(ep);
	if (ep->ep_closed)
		return;
	ep->ep_closed = true;
	param.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
	param.flags        = force ? UCP_EP_CLOSE_FLAG_FORCE : 0;
	sp                 = ucp_ep_close_nbx(ep->ep_uep, &param);
	if (UCS_PTR_IS_PTR(sp)) {
		uint64_t end = rpc_now_ns() + 1000000000ull;

		/* Bounded: a peer that vanished mid-close must not hang a destroy. */
		while (ucp_request_check_status(sp) == UCS_INPROGRESS && rpc_now_ns() < end)
			ucp_worker_progress(ep->ep_ctx->c_worker);
		ucp_request_free(sp);
	}
}

/* Local peers whose process ended: failed like a peer UCX saw fail, and
 * closed by force, which ends what UCX still had going to them (UCX would
 * keep a send to a dead peer's shared memory pending for ever). Not from a
 * UCX callback: closing progresses the worker. */
static void
rpc_watch_reap(struct rpc_ctx *ctx, uint64_t now)
{
	struct epoll_event ev[16];
	int                n, i;

	ctx->c_watch_at = ctx->c_nwatch > 0 ? now + RPC_WATCH_NS : UINT64_MAX;
	n               = epoll_wait(ctx->c_wait_fd, ev, 16, 0);
	for (i = 0; i < n; i++) {
		struct rpc_ep *ep = ev[i].data.ptr;

		if (ep == NULL || !ep->ep_watched)
			continue; /* UCX's event fd; or an endpoint a previous one closed */
		rpc_ep_fail(ep, "its process ended");
		rpc_ep_close(ep, true);
	}
}

/* What the loop sleeps on: UCX's event fd, inside the epoll set of the
 * local peers' pidfds when there is one. */
static inline int
rpc_sleep_fd(const struct rpc_ctx *ctx)
{
	return ctx->c_wait_fd >= 0 ? ctx->c_wait_fd : ctx->c_efd;
}

static inline void
rpc_watch_check(struct rpc_ctx *ctx, uint64_t now)
{
	if (now >= ctx->c_watch_at)
		rpc_watch_reap(ctx, now);
}

/* A peer in another process on this host: reached the way UCX chooses with
 * no failure reports asked of it (shared memory, when the transports allow),
 * the kernel telling its end instead. 0 and *pidfd (-1 for our own process),
 * -DER_UNREACH when the process has ended, -DER_NOSYS when it cannot be
 * watched (the peer is then reached as a remote one). */
static int
rpc_ep_local(struct rpc_ctx *ctx, const void *addr, int *pidfd)
{
	struct rpc_host_id peer;

	rpc_addr_host_id(addr, &peer);
	if (!rpc_host_id_local(&ctx->c_host, &peer) || ctx->c_wait_fd < 0)
		return -DER_NOSYS;
	*pidfd = -1;
	if (peer.hi_pid == ctx->c_host.hi_pid)
		return 0;
	*pidfd = rpc_local_pidfd(&peer);
	return *pidfd < 0 ? *pidfd : 0;
}

struct rpc_req {
	struct rpc_ctx     *rq_ctx;
	struct rpc_req     *rq_next;     /* in c_inline or c_req_cache */
	ucp_ep_h            rq_uep;
	struct rpc_ep      *rq_ep;
	struct rpc_ep      *rq_peer_ep;  /* ours to the requester, if it said hello */
	struct rpc_wire_hdr rq_hdr;
	const void         *rq_body;
	void               *rq_body_buf; /* our copy of the body, if any */
	void               *rq_data;     /* eager data UCX keeps for us (release) */
	void               *rq_desc;     /* rendezvous descriptor of the payload */
	void               *rq_copy;     /* payload copied out of a transient buffer */
	bool                rq_bulk_done;
	struct rpc_handler  rq_handler;
	uint8_t             rq_inline[RPC_REQ_INLINE];
	/* kept across reuse from the cache (past the zero template): RPC_REQ_ROOM
	 * bytes for a body that does not fit inline, such as a 4 KiB update's */
	void               *rq_room;
};

/* Its handler runs in the progress ULT (inline, nothing to receive): never park. */
static inline bool
rpc_req_noblock(const struct rpc_req *req)
{
	return req->rq_handler.h_inline && req->rq_hdr.wh_bulk_len == 0;
}

static void
rpc_free_sent_cb(void *request, ucs_status_t status, void *user_data)
{
	(void)status;
	D_FREE(user_data);
	ucp_request_free(request);
}

/*
 * Send hdr and data (with UCX AM flags) from a copy that the send's callback
 * frees: for a sender that cannot wait for UCX (a hello, an error answer, an
 * inline handler's reply).
 */
static ucs_status_t
rpc_send_copy(ucp_ep_h uep, const void *hdr, size_t hlen, const void *data, size_t dlen,
	      uint32_t flags)
{
	ucp_request_param_t param = {0};
	ucs_status_ptr_t    sp;
	uint8_t            *buf;

	D_ALLOC_NZ(buf, hlen + dlen);
	if (buf == NULL)
		return UCS_ERR_NO_MEMORY;
	memcpy(buf, hdr, hlen);
	if (dlen > 0)
		memcpy(buf + hlen, data, dlen);
	param.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA |
			     UCP_OP_ATTR_FIELD_FLAGS;
	param.cb.send      = rpc_free_sent_cb;
	param.user_data    = buf;
	param.flags        = flags;
	sp = ucp_am_send_nbx(uep, RPC_AM_ID, buf, hlen, buf + hlen, dlen, &param);
	if (UCS_PTR_IS_PTR(sp))
		return UCS_OK;
	D_FREE(buf);
	return UCS_PTR_STATUS(sp);
}

/*
 * A new endpoint's first message tells the peer our worker address, so that
 * its replies travel on an endpoint it made itself (rpc_peer_hello) rather
 * than on the one UCX made for our messages: that one UCX may destroy when
 * we fail, while a handler still holds it for its reply.
 */
static void
rpc_hello_send(struct rpc_ctx *ctx, struct rpc_ep *ep)
{
	struct rpc_wire_hdr h = {0};
	uint8_t             hdr[RPC_WIRE_HDR_LEN];

	if (ctx->c_addr_len > RPC_BODY_MAX)
		return;
	h.wh_magic    = RPC_MAGIC;
	h.wh_version  = RPC_PROTO_VERSION;
	h.wh_flags    = RPC_WF_HELLO;
	h.wh_body_len = (uint32_t)ctx->c_addr_len;
	rpc_wire_encode(&h, hdr);
	/* without it (no memory) the peer answers on UCX's endpoint, as before */
	(void)rpc_send_copy(ep->ep_uep, hdr, RPC_WIRE_HDR_LEN, ctx->c_addr, ctx->c_addr_len,
			    UCP_AM_SEND_FLAG_REPLY);
}

static d_list_t *
rpc_peer_bucket(struct rpc_ctx *ctx, ucp_ep_h uep)
{
	uintptr_t k = (uintptr_t)uep;

	return &ctx->c_peers[(k >> 4 ^ k >> 12) % RPC_PEER_BUCKETS];
}

/* Our endpoint for the requester behind UCX's uep (callbacks only), or NULL. */
static struct rpc_peer *
rpc_peer_find(struct rpc_ctx *ctx, ucp_ep_h uep)
{
	struct rpc_peer *pr;

	if (uep == NULL)
		return NULL;
	d_list_for_each_entry(pr, rpc_peer_bucket(ctx, uep), pr_link)
		if (pr->pr_reply_uep == uep)
			return pr;
	return NULL;
}

/* A hello on uep: connect to the sender's worker (ours to keep) and remember the pair. */
static void
rpc_peer_hello(struct rpc_ctx *ctx, ucp_ep_h uep, const void *addr, size_t len)
{
	struct rpc_peer *pr;
	struct rpc_ep   *ep;

	if (uep == NULL || ctx->c_sched == NULL || ctx->c_stopping)
		return; /* a client context serves no requests */
	if (rpc_ep_connect(ctx, addr, len, &ep) != 0)
		return; /* replies then go on uep, as they would without a hello */
	pr = rpc_peer_find(ctx, uep);
	if (pr == NULL) {
		/* a uep UCX reuses after destroying a failed one gets a fresh pair */
		D_ALLOC_PTR(pr);
		if (pr == NULL)
			return;
		pr->pr_reply_uep = uep;
		d_list_add(&pr->pr_link, rpc_peer_bucket(ctx, uep));
	}
	pr->pr_ep = ep;
}

/* Where a request's answer goes: our endpoint when the requester said hello
 * (NULL once it failed: nothing to answer), else UCX's. */
static ucp_ep_h
rpc_req_reply_uep(const struct rpc_req *req)
{
	if (req->rq_peer_ep != NULL)
		return req->rq_peer_ep->ep_failed ? NULL : req->rq_peer_ep->ep_uep;
	return req->rq_uep;
}

int
rpc_ep_connect(struct rpc_ctx *ctx, const void *addr, size_t len, struct rpc_ep **epp)
{
	ucp_ep_params_t params = {0};
	struct rpc_ep  *ep;
	ucs_status_t    st;
	int             pidfd = -1;
	int             rc;

	if (ctx == NULL || addr == NULL || len == 0 || len > RPC_WORKER_ADDR_MAX || epp == NULL)
		return -DER_INVAL;
	d_list_for_each_entry(ep, &ctx->c_eps, ep_link) {
		if (ep->ep_addr != NULL && ep->ep_addr_len == len &&
		    memcmp(ep->ep_addr, addr, len) == 0) {
			*epp = ep;
			return 0;
		}
	}
	/* (a cached one was checked when it was made) */
	if (!rpc_addr_check(addr, len)) {
		D_INFO("%s: not a worker address (%zu bytes): ignored\n", ctx->c_name, len);
		return -DER_PROTO;
	}
	D_ALLOC_PTR(ep);
	if (ep == NULL)
		return -DER_NOMEM;
	D_ALLOC(ep->ep_addr, len);
	if (ep->ep_addr == NULL) {
		D_FREE(ep);
		return -DER_NOMEM;
	}
	memcpy(ep->ep_addr, addr, len);
	ep->ep_addr_len = len;
	ep->ep_ctx      = ctx;

	params.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS |
			    UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE | UCP_EP_PARAM_FIELD_ERR_HANDLER;
	params.address         = (const ucp_address_t *)((uint8_t *)ep->ep_addr + RPC_ADDR_HDR_LEN);
	params.err_mode        = UCP_ERR_HANDLING_MODE_PEER;
	params.err_handler.cb  = rpc_ep_error_cb;
	params.err_handler.arg = ep;
	rc = rpc_ep_local(ctx, addr, &pidfd);
	if (rc == -DER_UNREACH) {
		D_INFO("%s: the worker's process has ended\n", ctx->c_name);
		goto free_ep;
	}
	/* watched before UCX has the endpoint: one we cannot watch is remote */
	if (rc == 0 && pidfd >= 0 && rpc_ep_watch(ep, pidfd) != 0)
		rc = -DER_NOSYS;
	if (rc == 0) {
		/* Error mode NONE lets UCX choose shared memory; the handler stays:
		 * with none, a failure UCX does see (a dead peer's pages, a reset
		 * socket) aborts the process. */
		params.field_mask &= ~(uint64_t)UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE;
		st = ucp_ep_create(ctx->c_worker, &params, &ep->ep_uep);
	} else {
		st = rpc_no_peer_mode ? UCS_ERR_UNREACHABLE
				      : ucp_ep_create(ctx->c_worker, &params, &ep->ep_uep);
	}
	if (st == UCS_ERR_UNREACHABLE && rc != 0) {
		/* A remote peer where UCX has only shared-memory transports, which
		 * in 1.13 cannot report a dead peer: a connection without that
		 * (calls still end by their timeout) beats none. */
		params.field_mask &= ~(uint64_t)(UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE |
						 UCP_EP_PARAM_FIELD_ERR_HANDLER);
		st = ucp_ep_create(ctx->c_worker, &params, &ep->ep_uep);
		/* Asking again each time would only repeat UCX's complaint. */
		if (st == UCS_OK)
			rpc_no_peer_mode = true;
		if (st == UCS_OK && !ctx->c_warned_nopeer) {
			ctx->c_warned_nopeer = true;
			D_INFO("%s: transports without peer failure detection: dead peers end "
			       "calls by timeout only\n", ctx->c_name);
		}
	}
	if (st != UCS_OK) {
		D_ERROR("%s: cannot reach worker: %s\n", ctx->c_name, ucs_status_string(st));
		rpc_ep_unwatch(ep);
		rc = -DER_UNREACH;
		goto free_ep;
	}
	d_list_add_tail(&ep->ep_link, &ctx->c_eps);
	rpc_hello_send(ctx, ep);
	*epp = ep;
	return 0;
free_ep:
	D_FREE(ep->ep_addr);
	D_FREE(ep);
	return rc;
}

void
rpc_ep_set_peer_name(struct rpc_ep *ep, const char *name)
{
	snprintf(ep->ep_peer, sizeof(ep->ep_peer), "%s", name != NULL ? name : "");
}

bool
rpc_ep_failed(struct rpc_ep *ep)
{
	return ep->ep_failed;
}

/* ---- calls: starting, waiting, cancelling ---- */

int
rpc_call_start(struct rpc_ep *ep, struct rpc_call *call, rpc_call_cb_t cb, void *arg)
{
	ucp_request_param_t param = {0};
	struct rpc_wire_hdr h     = {0};
	struct rpc_ctx     *ctx;
	struct rpc_cpriv   *cp;
	ucs_status_ptr_t    sp;
	uint64_t            bulk;
	size_t              hlen;
	void               *buf;
	size_t              count;
	int                 timeout;
	int                 rc;

	if (ep == NULL || call == NULL || cb == NULL || call->rc_opcode >= RPC_OPC_MAX ||
	    call->rc_body_len > RPC_BODY_MAX || (call->rc_body == NULL && call->rc_body_len > 0))
		return -DER_INVAL;
	bulk = rpc_sgl_len(call->rc_bulk_out);
	if (bulk > RPC_BULK_MAX || (bulk > 0 && call->rc_body_len > RPC_BULK_BODY_MAX))
		return -DER_INVAL;
	ctx = ep->ep_ctx;
	if (ep->ep_failed || rpc_partitioned(ep))
		return -DER_UNREACH;

	cp = rpc_cp_alloc(ctx, call->rc_body_len);
	if (cp == NULL)
		return -DER_NOMEM;
	cp->cp_ctx  = ctx;
	cp->cp_call = call;
	cp->cp_cb   = cb;
	cp->cp_arg  = arg;
	cp->cp_id   = ++ctx->c_next_id;
	timeout     = call->rc_timeout_ms > 0 ? call->rc_timeout_ms : RPC_TIMEOUT_DEFAULT_MS;
	cp->cp_deadline = rpc_coarse_ns() + (uint64_t)timeout * 1000000ull;
	if (cp->cp_deadline < ctx->c_expire_at)
		ctx->c_expire_at = cp->cp_deadline;

	h.wh_magic    = RPC_MAGIC;
	h.wh_version  = RPC_PROTO_VERSION;
	h.wh_opcode   = call->rc_opcode;
	h.wh_flags    = bulk > 0 ? RPC_WF_BODY_IN_HDR : 0;
	h.wh_req_id   = cp->cp_id;
	h.wh_body_len = call->rc_body_len;
	h.wh_bulk_len = bulk;
	rpc_wire_encode(&h, cp->cp_hdr);
	if (call->rc_body_len > 0)
		memcpy(cp->cp_hdr + RPC_WIRE_HDR_LEN, call->rc_body, call->rc_body_len);

	param.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA |
			     UCP_OP_ATTR_FIELD_FLAGS;
	param.cb.send   = rpc_call_send_cb;
	param.user_data = cp;
	/* The peer answers on the endpoint UCX hands it with the message. */
	param.flags = UCP_AM_SEND_FLAG_REPLY;
	if (bulk > 0) {
		hlen = RPC_WIRE_HDR_LEN + call->rc_body_len;
		rc   = rpc_sgl_dt(call->rc_bulk_out, bulk, false, &param, &buf, &count, &cp->cp_siov);
		if (rc != 0) {
			rpc_cp_release(cp);
			return rc;
		}
	} else {
		hlen  = RPC_WIRE_HDR_LEN;
		buf   = cp->cp_hdr + RPC_WIRE_HDR_LEN;
		count = call->rc_body_len;
	}

	call->rc_rc          = 0;
	call->rc_reply       = NULL;
	call->rc_reply_len   = 0;
	call->rc_bulk_in_len = 0;
	call->rc_id          = cp->cp_id;
	call->rc_ep          = ep;
	call->rc_priv        = cp;
	if (d_list_empty(&ctx->c_calls) && ctx->c_timer_cond != NULL)
		sched_cond_signal(ctx->c_timer_cond);
	d_list_add_tail(&cp->cp_link, &ctx->c_calls);
	d_list_add_tail(&cp->cp_hlink, &ctx->c_buckets[cp->cp_id % RPC_CALL_BUCKETS]);
	d_list_add_tail(&cp->cp_zlink, &ctx->c_cprivs);

	if (rpc_fault(RPC_FI_DROP_REQ))
		return 0; /* lost on the way: the caller's timeout ends it */
	if (bulk == 0 && rpc_batch_wanted(ctx, ep) &&
	    rpc_batch_add(ep, cp->cp_hdr, (uint32_t)hlen, buf, (uint32_t)count))
		return 0;
	rpc_batch_flush(ep); /* what was gathered for ep goes first */
	ctx->c_stats.rs_msgs++;
	ctx->c_stats.rs_sends++;
	sp = ucp_am_send_nbx(ep->ep_uep, RPC_AM_ID, cp->cp_hdr, hlen, buf, count, &param);
	if (UCS_PTR_IS_ERR(sp)) {
		D_ERROR("%s: send failed: %s\n", ctx->c_name, ucs_status_string(UCS_PTR_STATUS(sp)));
		d_list_del(&cp->cp_link);
		d_list_del(&cp->cp_hlink);
		d_list_del(&cp->cp_zlink);
		call->rc_priv = NULL;
		D_FREE(cp->cp_siov);
		rpc_cp_release(cp);
		return -DER_UNREACH;
	}
	if (sp != NULL)
		cp->cp_ureqs++;
	rpc_kick(ctx);
	return 0;
}

void
rpc_call_cancel(struct rpc_call *call)
{
	struct rpc_cpriv *cp = call != NULL ? call->rc_priv : NULL;

	if (cp == NULL || cp->cp_done)
		return;
	if (cp->cp_rreq != NULL)
		ucp_request_cancel(cp->cp_ctx->c_worker, cp->cp_rreq);
	rpc_call_finish(cp, -DER_CANCELED);
	rpc_drain(cp->cp_ctx);
}

void
rpc_call_fini(struct rpc_call *call)
{
	if (call == NULL)
		return;
	if (call->rc_reply != call->rc_reply_inl)
		D_FREE(call->rc_reply);
	call->rc_reply     = NULL;
	call->rc_reply_len = 0;
}

struct rpc_call_waiter {
	bool               cw_done;
	struct sched_cond *cw_cond;
};

static void
rpc_call_wait_cb(struct rpc_call *call, void *arg)
{
	struct rpc_call_waiter *cw = arg;

	(void)call;
	cw->cw_done = true;
	if (cw->cw_cond != NULL)
		sched_cond_signal(cw->cw_cond);
}

int
rpc_call_wait(struct rpc_ep *ep, struct rpc_call *call)
{
	struct rpc_call_waiter cw = {0};
	struct rpc_ctx        *ctx;
	int                    rc;

	if (ep == NULL)
		return -DER_INVAL;
	ctx = ep->ep_ctx;
	if (ctx->c_sched != NULL) {
		cw.cw_cond = sched_cond_create(ctx->c_sched);
		if (cw.cw_cond == NULL)
			return -DER_NOMEM;
	}
	rc = rpc_call_start(ep, call, rpc_call_wait_cb, &cw);
	if (rc != 0)
		goto out;
	while (!cw.cw_done) {
		if (ctx->c_sched != NULL) {
			sched_cond_wait(cw.cw_cond);
		} else {
			rc = rpc_progress(ctx, -1);
			if (rc < 0 && !cw.cw_done) {
				rpc_call_cancel(call);
				break;
			}
		}
	}
	rc = call->rc_rc;
out:
	sched_cond_destroy(cw.cw_cond);
	return rc;
}

/* ---- served requests ---- */



/* Answer a request that will not reach a handler. */
static void
rpc_send_error(struct rpc_ctx *ctx, ucp_ep_h uep, const struct rpc_wire_hdr *req, int status)
{
	struct rpc_wire_hdr h = {0};
	uint8_t             hdr[RPC_WIRE_HDR_LEN];

	if (uep == NULL || req->wh_req_id == 0)
		return;
	h.wh_magic   = RPC_MAGIC;
	h.wh_version = RPC_PROTO_VERSION;
	h.wh_opcode  = req->wh_opcode < RPC_OPC_MAX ? req->wh_opcode : 0;
	h.wh_flags   = RPC_WF_REPLY;
	h.wh_status  = status;
	h.wh_req_id  = req->wh_req_id;
	rpc_wire_encode(&h, hdr);
	(void)rpc_send_copy(uep, hdr, RPC_WIRE_HDR_LEN, NULL, 0, 0);
	D_DEBUG(DB_NET, "%s: error reply %d to request %" PRIu64 "\n", ctx->c_name, status,
		req->wh_req_id);
}

static const struct rpc_req rpc_req_zero;

static struct rpc_req *
rpc_req_alloc(struct rpc_ctx *ctx)
{
	struct rpc_req *req = ctx->c_req_cache;

	if (req == NULL) {
		D_ALLOC_PTR(req);
		return req;
	}
	ctx->c_req_cache = req->rq_next;
	ctx->c_req_cached--;
	/* all but the inline body space, which the new owner fills (from a zero
	 * template, as in rpc_cp_alloc) */
	memcpy(req, &rpc_req_zero, offsetof(struct rpc_req, rq_inline));
	return req;
}

/* Where a body of len bytes is kept: in the request when it fits. */
static void *
rpc_req_body_room(struct rpc_req *req, size_t len)
{
	if (len <= RPC_REQ_INLINE)
		return req->rq_inline;
	if (len <= RPC_REQ_ROOM) {
		if (req->rq_room == NULL)
			D_ALLOC_NZ(req->rq_room, RPC_REQ_ROOM);
		return req->rq_room;
	}
	D_ALLOC_NZ(req->rq_body_buf, len);
	return req->rq_body_buf;
}

static void
rpc_req_destroy(struct rpc_req *req)
{
	D_FREE(req->rq_room);
	D_FREE(req);
}

static void
rpc_req_free(struct rpc_req *req)
{
	struct rpc_ctx *ctx = req->rq_ctx;

	if (req->rq_desc != NULL)
		ucp_am_data_release(ctx->c_worker, req->rq_desc);
	if (req->rq_data != NULL)
		ucp_am_data_release(ctx->c_worker, req->rq_data);
	D_FREE(req->rq_body_buf);
	D_FREE(req->rq_copy);
	if (ctx->c_req_cached < RPC_REQ_CACHE) {
		req->rq_next     = ctx->c_req_cache;
		ctx->c_req_cache = req;
		ctx->c_req_cached++;
	} else {
		rpc_req_destroy(req);
	}
	ctx->c_nr_reqs--;
	if (ctx->c_stopping && ctx->c_nr_reqs == 0)
		rpc_kick(ctx);
}

static void
rpc_req_ult(void *arg)
{
	struct rpc_req *req = arg;

	req->rq_handler.h_fn(req, req->rq_handler.h_arg);
}

/* Hand req to its handler: queued for the progress ULT if the handler runs
 * inline (and nothing is left to receive), otherwise in a ULT of its own. */
static void
rpc_req_start(struct rpc_req *req)
{
	struct rpc_ctx *ctx = req->rq_ctx;

	if (rpc_req_noblock(req)) {
		req->rq_next        = NULL;
		*ctx->c_inline_tail = req;
		ctx->c_inline_tail  = &req->rq_next;
		return;
	}
	if (sched_ult_create(ctx->c_sched, rpc_req_ult, req) != 0) {
		D_ERROR("%s: no memory for a handler ULT\n", ctx->c_name);
		rpc_send_error(ctx, rpc_req_reply_uep(req), &req->rq_hdr, -DER_NOMEM);
		rpc_req_free(req);
	}
}

static void
rpc_req_body_cb(void *request, ucs_status_t status, size_t length, void *user_data)
{
	struct rpc_req *req = user_data;

	(void)length;
	ucp_request_free(request);
	if (status != UCS_OK) {
		rpc_req_free(req);
		return;
	}
	rpc_req_start(req);
}

/* A request came in: hand it to a handler ULT, keeping its data where UCX put it. */
static ucs_status_t
rpc_req_arrived(struct rpc_ctx *ctx, const struct rpc_wire_hdr *h, const void *header, void *data,
		size_t length, const ucp_am_recv_param_t *param)
{
	ucp_ep_h            uep  = (param->recv_attr & UCP_AM_RECV_ATTR_FIELD_REPLY_EP) ? param->reply_ep
									      : NULL;
	bool                rndv = (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) != 0;
	ucp_request_param_t rp   = {0};
	struct rpc_req     *req;
	ucs_status_ptr_t    sp;

	if (ctx->c_sched == NULL || ctx->c_stopping) {
		rpc_send_error(ctx, uep, h, ctx->c_stopping ? -DER_SHUTDOWN : -DER_NOSYS);
		return UCS_OK;
	}
	if (ctx->c_handlers[h->wh_opcode].h_fn == NULL) {
		rpc_send_error(ctx, uep, h, -DER_NOSYS);
		return UCS_OK;
	}
	req = rpc_req_alloc(ctx);
	if (req == NULL) {
		rpc_send_error(ctx, uep, h, -DER_NOMEM);
		return UCS_OK;
	}
	req->rq_ctx     = ctx;
	req->rq_uep     = uep;
	req->rq_hdr     = *h;
	{
		struct rpc_peer *pr = rpc_peer_find(ctx, uep);

		if (pr != NULL && pr->pr_ep->ep_failed) {
			/* the requester still talks but our way back failed: answer
			 * on UCX's endpoint, as without a hello */
			d_list_del(&pr->pr_link);
			D_FREE(pr);
			pr = NULL;
		}
		req->rq_peer_ep = pr != NULL ? pr->pr_ep : NULL;
	}
	req->rq_handler = ctx->c_handlers[h->wh_opcode];
	ctx->c_nr_reqs++;

	if (h->wh_bulk_len > 0) {
		/* The body rides in the AM header, valid only during this callback. */
		if (h->wh_body_len > 0) {
			void *room = rpc_req_body_room(req, h->wh_body_len);

			if (room == NULL)
				goto nomem;
			memcpy(room, (const uint8_t *)header + RPC_WIRE_HDR_LEN, h->wh_body_len);
			req->rq_body = room;
		}
		if (rndv) {
			req->rq_desc = data;
		} else if (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_DATA) {
			req->rq_data = data;
		} else {
			D_ALLOC(req->rq_copy, length);
			if (req->rq_copy == NULL)
				goto nomem;
			memcpy(req->rq_copy, data, length);
			rpc_req_start(req);
			return UCS_OK;
		}
		rpc_req_start(req);
		return UCS_INPROGRESS;
	}
	if (!rndv && length == 0) {
		rpc_req_start(req);
		return UCS_OK;
	}
	if (!rndv) {
		if (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_DATA) {
			req->rq_data = data;
			req->rq_body = data;
			rpc_req_start(req);
			return UCS_INPROGRESS;
		}
		void *room = rpc_req_body_room(req, length);

		if (room == NULL)
			goto nomem;
		memcpy(room, data, length);
		req->rq_body = room;
		rpc_req_start(req);
		return UCS_OK;
	}
	/* A body too large to travel eagerly: fetch it before the handler runs. */
	D_ALLOC(req->rq_body_buf, length);
	if (req->rq_body_buf == NULL)
		goto nomem;
	req->rq_body    = req->rq_body_buf;
	rp.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
	rp.cb.recv_am   = rpc_req_body_cb;
	rp.user_data    = req;
	sp              = ucp_am_recv_data_nbx(ctx->c_worker, data, req->rq_body_buf, length, &rp);
	if (sp == NULL) {
		rpc_req_start(req);
	} else if (UCS_PTR_IS_ERR(sp)) {
		D_ERROR("%s: receiving a body failed: %s\n", ctx->c_name,
			ucs_status_string(UCS_PTR_STATUS(sp)));
		rpc_req_free(req);
	}
	return UCS_OK;
nomem:
	rpc_send_error(ctx, uep, h, -DER_NOMEM);
	rpc_req_free(req);
	return UCS_OK;
}

uint16_t
rpc_req_opcode(const struct rpc_req *req)
{
	return req->rq_hdr.wh_opcode;
}

const void *
rpc_req_body(const struct rpc_req *req, uint32_t *len)
{
	if (len != NULL)
		*len = req->rq_hdr.wh_body_len;
	return req->rq_body;
}

uint64_t
rpc_req_bulk_len(const struct rpc_req *req)
{
	return req->rq_hdr.wh_bulk_len;
}

int
rpc_req_bulk_get(struct rpc_req *req, d_sg_list_t *sgl)
{
	struct rpc_ctx     *ctx   = req->rq_ctx;
	uint64_t            len   = req->rq_hdr.wh_bulk_len;
	ucp_request_param_t param = {0};
	struct rpc_wait     w     = {0};
	ucp_dt_iov_t       *iov;
	ucs_status_t        st;
	void               *buf;
	size_t              count;
	int                 rc;

	if (req->rq_bulk_done || sgl == NULL)
		return -DER_INVAL;
	if (len == 0) {
		rpc_sgl_landed(sgl, 0);
		return 0;
	}
	if (rpc_sgl_cap(sgl) < len)
		return -DER_TRUNC;
	req->rq_bulk_done = true;
	if (req->rq_data != NULL || req->rq_copy != NULL) {
		rpc_sgl_copy_in(sgl, req->rq_data != NULL ? req->rq_data : req->rq_copy, len);
		return 0;
	}
	rc = rpc_sgl_dt(sgl, len, true, &param, &buf, &count, &iov);
	if (rc != 0)
		return rc;
	param.op_attr_mask |= UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
	param.cb.recv_am   = rpc_wait_recv_cb;
	param.user_data    = &w;
	/* UCX owns the descriptor from here, whatever the outcome. */
	st                 = rpc_wait_status(ctx, &w,
					     ucp_am_recv_data_nbx(ctx->c_worker, req->rq_desc, buf, count,
								  &param));
	req->rq_desc = NULL;
	D_FREE(iov);
	if (st != UCS_OK) {
		D_ERROR("%s: receiving a payload failed: %s\n", ctx->c_name, ucs_status_string(st));
		return -DER_UNREACH;
	}
	rpc_sgl_landed(sgl, len);
	return 0;
}

struct rpc_ep *
rpc_req_ep(struct rpc_req *req)
{
	struct rpc_ctx *ctx = req->rq_ctx;
	struct rpc_ep  *ep;

	if (req->rq_peer_ep != NULL)
		return req->rq_peer_ep; /* ours, made at the requester's hello */
	if (req->rq_ep != NULL || req->rq_uep == NULL)
		return req->rq_ep;
	d_list_for_each_entry(ep, &ctx->c_eps, ep_link) {
		if (ep->ep_addr == NULL && ep->ep_uep == req->rq_uep) {
			req->rq_ep = ep;
			return ep;
		}
	}
	D_ALLOC_PTR(ep);
	if (ep == NULL)
		return NULL;
	ep->ep_ctx    = ctx;
	ep->ep_uep    = req->rq_uep;
	ep->ep_closed = true; /* UCX made it; UCX destroys it with the worker */
	d_list_add_tail(&ep->ep_link, &ctx->c_eps);
	req->rq_ep = ep;
	return ep;
}

int
rpc_reply(struct rpc_req *req, int status, const void *body, uint32_t body_len,
	  const d_sg_list_t *bulk)
{
	struct rpc_ctx     *ctx   = req->rq_ctx;
	ucp_request_param_t param = {0};
	struct rpc_wire_hdr h     = {0};
	struct rpc_wait     w     = {0};
	uint8_t             hdr[RPC_WIRE_HDR_LEN + RPC_BULK_BODY_MAX];
	ucp_dt_iov_t       *iov   = NULL;
	uint64_t            blen  = rpc_sgl_len(bulk);
	ucp_ep_h            uep   = rpc_req_reply_uep(req);
	ucs_status_ptr_t    sp;
	ucs_status_t        st;
	size_t              hlen;
	void               *buf;
	size_t              count;
	int                 rc = 0;

	if (req->rq_hdr.wh_req_id == 0 || uep == NULL)
		goto out; /* no answer wanted, or the requester is gone */
	if (body_len > RPC_BODY_MAX || (body == NULL && body_len > 0) || blen > RPC_BULK_MAX ||
	    (blen > 0 && body_len > RPC_BULK_BODY_MAX)) {
		D_ERROR("%s: reply too large (body %u, bulk %" PRIu64 ")\n", ctx->c_name, body_len,
			blen);
		rpc_send_error(ctx, uep, &req->rq_hdr, -DER_OVERFLOW);
		rc = -DER_INVAL;
		goto out;
	}
	if (rpc_req_noblock(req) && blen > 0) {
		D_ERROR("%s: an inline handler's reply carries no bulk\n", ctx->c_name);
		rpc_send_error(ctx, uep, &req->rq_hdr, -DER_INVAL);
		rc = -DER_INVAL;
		goto out;
	}
	if (rpc_fault(RPC_FI_DROP_REPLY))
		goto out;
	h.wh_magic    = RPC_MAGIC;
	h.wh_version  = RPC_PROTO_VERSION;
	h.wh_opcode   = req->rq_hdr.wh_opcode;
	h.wh_flags    = RPC_WF_REPLY | (blen > 0 ? RPC_WF_BODY_IN_HDR : 0);
	h.wh_status   = status;
	h.wh_req_id   = req->rq_hdr.wh_req_id;
	h.wh_body_len = body_len;
	h.wh_bulk_len = blen;
	rpc_wire_encode(&h, hdr);
	param.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
	param.cb.send      = rpc_wait_send_cb;
	param.user_data    = &w;
	if (blen > 0) {
		if (body_len > 0)
			memcpy(hdr + RPC_WIRE_HDR_LEN, body, body_len);
		hlen = RPC_WIRE_HDR_LEN + body_len;
		rc   = rpc_sgl_dt(bulk, blen, false, &param, &buf, &count, &iov);
		if (rc != 0) {
			rpc_send_error(ctx, uep, &req->rq_hdr, rc);
			goto out;
		}
	} else {
		struct rpc_ep *ep = req->rq_peer_ep;

		if (ep != NULL && rpc_batch_wanted(ctx, ep) &&
		    rpc_batch_add(ep, hdr, RPC_WIRE_HDR_LEN, body, body_len))
			goto out;
		/* The caller's body stays put while this ULT is parked: no copy. */
		hlen  = RPC_WIRE_HDR_LEN;
		buf   = (void *)body;
		count = body_len;
	}
	if (req->rq_peer_ep != NULL)
		rpc_batch_flush(req->rq_peer_ep); /* what was gathered for it goes first */
	ctx->c_stats.rs_msgs++;
	ctx->c_stats.rs_sends++;
	if (rpc_req_noblock(req)) {
		/* sent now from our buffers (with FORCE_IMM_CMPL UCX returns no
		 * request: done, or NO_RESOURCE), else from a copy: never wait */
		param.op_attr_mask |= UCP_OP_ATTR_FLAG_FORCE_IMM_CMPL;
		sp = ucp_am_send_nbx(uep, RPC_AM_ID, hdr, hlen, buf, count, &param);
		st = UCS_PTR_STATUS(sp);
		if (st == UCS_ERR_NO_RESOURCE)
			st = rpc_send_copy(uep, hdr, hlen, buf, count, 0);
	} else {
		st = rpc_wait_status(ctx, &w,
				     ucp_am_send_nbx(uep, RPC_AM_ID, hdr, hlen, buf, count, &param));
	}
	D_FREE(iov);
	if (st != UCS_OK) {
		D_INFO("%s: reply to request %" PRIu64 " not sent: %s\n", ctx->c_name,
		       req->rq_hdr.wh_req_id, ucs_status_string(st));
		rc = -DER_UNREACH;
	}
out:
	rpc_req_free(req);
	return rc;
}

static int
rpc_register_as(struct rpc_ctx *ctx, uint16_t opcode, rpc_handler_t fn, void *arg, bool inl)
{
	if (ctx == NULL || ctx->c_sched == NULL || fn == NULL || opcode >= RPC_OPC_MAX ||
	    opcode == RPC_OPC_BOOT_ATTACH)
		return -DER_INVAL;
	if (ctx->c_handlers[opcode].h_fn != NULL)
		return -DER_EXIST;
	ctx->c_handlers[opcode].h_fn     = fn;
	ctx->c_handlers[opcode].h_arg    = arg;
	ctx->c_handlers[opcode].h_inline = inl;
	return 0;
}

int
rpc_register(struct rpc_ctx *ctx, uint16_t opcode, rpc_handler_t fn, void *arg)
{
	return rpc_register_as(ctx, opcode, fn, arg, false);
}

int
rpc_register_inline(struct rpc_ctx *ctx, uint16_t opcode, rpc_handler_t fn, void *arg)
{
	return rpc_register_as(ctx, opcode, fn, arg, true);
}

/* ---- replies ---- */

static void
rpc_reply_recv_cb(void *request, ucs_status_t status, size_t length, void *user_data)
{
	struct rpc_cpriv *cp = user_data;

	(void)length;
	ucp_request_free(request);
	cp->cp_ureqs--;
	cp->cp_rreq = NULL;
	if (!cp->cp_done) {
		if (status == UCS_OK) {
			if (cp->cp_rbody != NULL) {
				cp->cp_call->rc_reply = cp->cp_rbody;
				cp->cp_rbody          = NULL;
			}
			rpc_call_finish(cp, cp->cp_rc);
		} else {
			rpc_call_finish(cp, -DER_UNREACH);
		}
	}
	rpc_cp_put(cp);
}

/* A reply came in: find its call, land the body and payload, complete it. */
static ucs_status_t
rpc_reply_arrived(struct rpc_ctx *ctx, const struct rpc_wire_hdr *h, const void *header, void *data,
		  size_t length, bool rndv)
{
	ucp_request_param_t param = {0};
	struct rpc_cpriv   *cp    = rpc_call_lookup(ctx, h->wh_req_id);
	struct rpc_call    *call;
	ucs_status_ptr_t    sp;
	const void         *body;
	void               *buf;
	size_t              count;
	int                 rc;

	/* Late (timed out, cancelled) or duplicate: nobody waits for it. */
	if (cp == NULL || cp->cp_rreq != NULL)
		return UCS_OK;
	call = cp->cp_call;
	body = h->wh_bulk_len > 0 ? (const uint8_t *)header + RPC_WIRE_HDR_LEN : data;
	if (h->wh_body_len > 0 && (h->wh_bulk_len > 0 || !rndv)) {
		if (h->wh_body_len <= RPC_REPLY_INLINE)
			call->rc_reply = call->rc_reply_inl;
		else
			D_ALLOC_NZ(call->rc_reply, h->wh_body_len);
		if (call->rc_reply == NULL) {
			rpc_call_finish(cp, -DER_NOMEM);
			return UCS_OK;
		}
		memcpy(call->rc_reply, body, h->wh_body_len);
	}
	call->rc_reply_len = h->wh_body_len;
	cp->cp_rc          = h->wh_status;
	if (h->wh_bulk_len > 0) {
		if (call->rc_bulk_in == NULL || rpc_sgl_cap(call->rc_bulk_in) < h->wh_bulk_len) {
			rpc_call_finish(cp, -DER_TRUNC);
			return UCS_OK;
		}
		call->rc_bulk_in_len = h->wh_bulk_len;
		if (!rndv) {
			rpc_sgl_copy_in(call->rc_bulk_in, data, length);
			rpc_call_finish(cp, h->wh_status);
			return UCS_OK;
		}
		rc = rpc_sgl_dt(call->rc_bulk_in, length, true, &param, &buf, &count,
				&cp->cp_riov);
		if (rc != 0) {
			rpc_call_finish(cp, rc);
			return UCS_OK;
		}
		rpc_sgl_landed(call->rc_bulk_in, length);
	} else if (rndv) {
		D_ALLOC(cp->cp_rbody, length);
		if (cp->cp_rbody == NULL) {
			rpc_call_finish(cp, -DER_NOMEM);
			return UCS_OK;
		}
		buf   = cp->cp_rbody;
		count = length;
	} else {
		rpc_call_finish(cp, h->wh_status);
		return UCS_OK;
	}
	param.op_attr_mask |= UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
	param.cb.recv_am = rpc_reply_recv_cb;
	param.user_data  = cp;
	sp               = ucp_am_recv_data_nbx(ctx->c_worker, data, buf, count, &param);
	if (UCS_PTR_IS_ERR(sp)) {
		rpc_call_finish(cp, -DER_UNREACH);
	} else if (sp == NULL) {
		if (cp->cp_rbody != NULL) {
			call->rc_reply = cp->cp_rbody;
			cp->cp_rbody   = NULL;
		}
		rpc_call_finish(cp, h->wh_status);
	} else {
		cp->cp_rreq = sp;
		cp->cp_ureqs++;
	}
	return UCS_OK;
}

static ucs_status_t
rpc_am_cb(void *arg, const void *header, size_t header_length, void *data, size_t length,
	  const ucp_am_recv_param_t *param)
{
	struct rpc_ctx     *ctx = arg;
	struct rpc_wire_hdr h;
	int                 rc;

	rc = rpc_wire_decode(header, header_length, length, &h);
	if (rc != 0) {
		D_INFO("%s: malformed message dropped (%zu header, %zu data bytes)\n", ctx->c_name,
		       header_length, length);
		if (h.wh_flags & RPC_WF_REPLY) {
			struct rpc_cpriv *cp = rpc_call_lookup(ctx, h.wh_req_id);

			if (cp != NULL && cp->cp_rreq == NULL)
				rpc_call_finish(cp, -DER_PROTO);
		} else {
			rpc_send_error(ctx,
				       (param->recv_attr & UCP_AM_RECV_ATTR_FIELD_REPLY_EP)
					   ? param->reply_ep
					   : NULL,
				       &h, -DER_PROTO);
		}
		return UCS_OK;
	}
	if (h.wh_flags & RPC_WF_REPLY)
		return rpc_reply_arrived(ctx, &h, header, data, length,
					 (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) != 0);
	if (h.wh_flags & RPC_WF_HELLO) {
		if (!(param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) && length > 0 &&
		    length <= RPC_WORKER_ADDR_MAX)
			rpc_peer_hello(ctx,
				       (param->recv_attr & UCP_AM_RECV_ATTR_FIELD_REPLY_EP)
					   ? param->reply_ep
					   : NULL,
				       data, length);
		return UCS_OK;
	}
	return rpc_req_arrived(ctx, &h, header, data, length, param);
}

/* A batch came in: each frame as if it had come alone (its bytes are
 * valid only during this callback, so the handlers copy what they keep). */
static ucs_status_t
rpc_batch_cb(void *arg, const void *header, size_t header_length, void *data, size_t length,
	     const ucp_am_recv_param_t *param)
{
	struct rpc_ctx     *ctx = arg;
	ucp_am_recv_param_t fp  = *param;
	const void         *hdr, *fdata;
	uint32_t            hlen, dlen;
	size_t              off = 0;
	int                 rc;

	(void)header;
	(void)header_length;
	if (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) {
		D_INFO("%s: batch by rendezvous dropped (%zu bytes)\n", ctx->c_name, length);
		return UCS_OK; /* ours are always eager */
	}
	fp.recv_attr &= ~(uint64_t)UCP_AM_RECV_ATTR_FLAG_DATA;
	while ((rc = rpc_wire_frame_next(data, length, &off, &hdr, &hlen, &fdata, &dlen)) > 0)
		rpc_am_cb(ctx, hdr, hlen, (void *)fdata, dlen, &fp);
	if (rc < 0)
		D_INFO("%s: malformed batch: rest of its %zu bytes dropped at %zu\n", ctx->c_name,
		       length, off);
	return UCS_OK;
}

/* ---- progress ---- */

/* Run the inline handlers of the requests UCX delivered (outside UCX's
 * callbacks, so they may send). Returns how many ran. */
static int
rpc_run_inline(struct rpc_ctx *ctx)
{
	int n = 0;

	while (ctx->c_inline != NULL) {
		struct rpc_req *req = ctx->c_inline;

		ctx->c_inline = req->rq_next;
		if (ctx->c_inline == NULL)
			ctx->c_inline_tail = &ctx->c_inline;
		req->rq_handler.h_fn(req, req->rq_handler.h_arg);
		n++;
	}
	return n;
}

/* The inline handlers and completion callbacks UCX made due; how many ran. */
static int
rpc_answer(struct rpc_ctx *ctx)
{
	return (ctx->c_inline != NULL ? rpc_run_inline(ctx) : 0) + rpc_drain(ctx);
}

/* What was gathered goes out, then what UCX has ready, then what that made
 * due; what the first look found is answered before looking again (a ping's
 * answer does not wait for a look that finds nothing; README.md, "One turn"). */
static int
rpc_progress_once(struct rpc_ctx *ctx)
{
	int n;

	rpc_batch_flush_all(ctx);
	if (ucp_worker_progress(ctx->c_worker) == 0)
		return rpc_answer(ctx);
	n = 1 + rpc_answer(ctx);
	while (ucp_worker_progress(ctx->c_worker) != 0)
		n++;
	return n + rpc_answer(ctx);
}

int
rpc_progress(struct rpc_ctx *ctx, int timeout_ms)
{
	uint64_t     end   = 0; /* set at the first clock read: one read a turn at most */
	uint64_t     done0 = ctx->c_ncompleted;
	unsigned int idle  = 0;

	if (ctx->c_sched != NULL)
		return -DER_INVAL;
	for (;;) {
		uint64_t now;
		uint64_t next;
		int      wait_ms;
		int      rc;
		int      n = rpc_progress_once(ctx);

		if (n == 0 && ++idle % RPC_SPIN_BURST != 0 && ctx->c_ncompleted == done0 &&
		    timeout_ms != 0)
			continue; /* look again before paying for the clock (as the ULT does) */
		now = rpc_now_ns();
		if (end == 0)
			end = timeout_ms < 0 ? UINT64_MAX : now + (uint64_t)timeout_ms * 1000000ull;
		if (n > 0)
			rpc_note_activity(ctx, now);
		rpc_watch_check(ctx, now);
		next = rpc_expire(ctx, now);
		rpc_drain(ctx);
		if (ctx->c_ncompleted > done0 || timeout_ms == 0 || now >= end)
			break;
		if (rpc_keep_spinning(ctx, now))
			continue;
		if (ucp_worker_arm(ctx->c_worker) == UCS_ERR_BUSY)
			continue;
		if (next > end)
			next = end;
		wait_ms = next == UINT64_MAX ? -1 : (int)((next - now + 999999) / 1000000);
		rc = poll(&(struct pollfd){.fd = rpc_sleep_fd(ctx), .events = POLLIN}, 1, wait_ms);
		if (rc < 0 && errno != EINTR)
			return d_errno2der(errno);
		if (ctx->c_nwatch > 0)
			rpc_watch_reap(ctx, rpc_now_ns());
	}
	/* callbacks may have started calls: they go now, not at the next poll */
	rpc_batch_flush_all(ctx);
	return (int)(ctx->c_ncompleted - done0);
}

static void rpc_ctx_free(struct rpc_ctx *ctx);

static void
rpc_ult_exit(struct rpc_ctx *ctx)
{
	ctx->c_nr_ults--;
	sched_cond_broadcast(ctx->c_stop_cond);
	if (ctx->c_orphan && ctx->c_nr_ults == 0)
		rpc_ctx_free(ctx);
}

/* Sched mode: the one ULT that drives the worker (loop order in README.md). */
static void
rpc_progress_ult(void *arg)
{
	struct rpc_ctx *ctx  = arg;
	struct sched   *s    = ctx->c_sched;
	unsigned int    idle = 0;

	while (!ctx->c_stopping || ctx->c_nr_reqs > 0) {
		struct io_uring_sqe *sqe;
		uint64_t             now;

		if (rpc_progress_once(ctx) > 0) {
			now = rpc_now_ns();
			rpc_note_activity(ctx, now);
			rpc_watch_check(ctx, now);
			/* what ran inline left nothing to run: look again at once */
			if (sched_others_waiting(s) || ++idle % RPC_SPIN_BURST == 0)
				sched_yield_ult(s);
			continue;
		}
		/* Nothing came. While nothing else waits on this thread, look again
		 * at once: a yield costs a pass of the scheduler's loop (clock reads
		 * for its timers included), a good part of a shared-memory round
		 * trip. The clock and a yield still come every RPC_SPIN_BURST looks. */
		if (++idle % RPC_SPIN_BURST != 0 && !sched_others_waiting(s))
			continue;
		now = rpc_now_ns();
		rpc_watch_check(ctx, now);
		if (rpc_keep_spinning(ctx, now)) {
			sched_yield_ult(s);
			continue;
		}
		if (ucp_worker_arm(ctx->c_worker) == UCS_ERR_BUSY) {
			sched_yield_ult(s);
			continue;
		}
		ctx->c_sleeping = true;
		sqe             = sched_get_sqe(s);
		io_uring_prep_poll_add(sqe, rpc_sleep_fd(ctx), POLLIN);
		sched_io_wait(s, sqe);
		ctx->c_sleeping = false;
		if (ctx->c_nwatch > 0)
			rpc_watch_reap(ctx, rpc_now_ns());
	}
	rpc_ult_exit(ctx);
}

/* Sched mode: times out calls; sleeps on a wait queue while none is out. */
static void
rpc_timer_ult(void *arg)
{
	struct rpc_ctx *ctx = arg;

	while (!ctx->c_stopping) {
		uint64_t now;
		uint64_t next;

		if (d_list_empty(&ctx->c_calls)) {
			sched_cond_wait(ctx->c_timer_cond);
			continue;
		}
		now  = rpc_now_ns();
		next = rpc_expire(ctx, now);
		rpc_drain(ctx);
		if (next != UINT64_MAX)
			sched_sleep_ns(ctx->c_sched,
				       next - now < RPC_TIMER_TICK_NS ? next - now : RPC_TIMER_TICK_NS);
	}
	rpc_ult_exit(ctx);
}

/* ---- contexts ---- */

static void
rpc_fault_register(void)
{
	d_fault_id_register(RPC_FI_DROP_REQ, "rpc_drop_req");
	d_fault_id_register(RPC_FI_DROP_REPLY, "rpc_drop_reply");
	d_fault_id_register(RPC_FI_PARTITION, "rpc_partition");
}

static void
rpc_fault_names(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, rpc_fault_register);
}

int
rpc_ctx_create(const struct rpc_ctx_attr *attr, struct rpc_ctx **ctxp)
{
	ucp_params_t         params  = {0};
	ucp_worker_params_t  wparams = {0};
	ucp_am_handler_param_t ap    = {0};
	ucp_config_t        *config  = NULL;
	struct rpc_ctx      *ctx;
	ucp_address_t       *uaddr;
	size_t               ulen;
	ucs_status_t         st;
	uint32_t             i;
	int                  rc = -DER_MISC;

	if (attr == NULL || ctxp == NULL)
		return -DER_INVAL;
	rpc_fault_names();
	D_ALLOC_PTR(ctx);
	if (ctx == NULL)
		return -DER_NOMEM;
	ctx->c_sched = attr->ra_sched;
	ctx->c_efd      = -1;
	ctx->c_wait_fd  = -1;
	ctx->c_watch_at = UINT64_MAX;
	snprintf(ctx->c_name, sizeof(ctx->c_name), "%s", attr->ra_name ? attr->ra_name : "rpc");
	D_INIT_LIST_HEAD(&ctx->c_eps);
	D_INIT_LIST_HEAD(&ctx->c_dead_eps);
	D_INIT_LIST_HEAD(&ctx->c_batches);
	D_INIT_LIST_HEAD(&ctx->c_bsent);
	D_INIT_LIST_HEAD(&ctx->c_bspare);
	D_INIT_LIST_HEAD(&ctx->c_calls);
	for (i = 0; i < RPC_PEER_BUCKETS; i++)
		D_INIT_LIST_HEAD(&ctx->c_peers[i]);
	D_INIT_LIST_HEAD(&ctx->c_done);
	D_INIT_LIST_HEAD(&ctx->c_cprivs);
	D_INIT_LIST_HEAD(&ctx->c_cp_cache);
	ctx->c_inline_tail = &ctx->c_inline;
	for (i = 0; i < RPC_CALL_BUCKETS; i++)
		D_INIT_LIST_HEAD(&ctx->c_buckets[i]);

	st = ucp_config_read(NULL, NULL, &config);
	if (st != UCS_OK)
		goto ucx_err;
	if (attr->ra_loopback && getenv("UCX_NET_DEVICES") == NULL) {
		st = ucp_config_modify(config, "NET_DEVICES", "lo");
		if (st != UCS_OK)
			goto ucx_err;
	}
	params.field_mask = UCP_PARAM_FIELD_FEATURES | UCP_PARAM_FIELD_NAME;
	params.features   = UCP_FEATURE_AM | UCP_FEATURE_WAKEUP;
	params.name       = ctx->c_name;
	st                = ucp_init(&params, config, &ctx->c_uctx);
	if (st != UCS_OK)
		goto ucx_err;
	wparams.field_mask  = UCP_WORKER_PARAM_FIELD_THREAD_MODE;
	wparams.thread_mode = UCS_THREAD_MODE_SINGLE;
	st                  = ucp_worker_create(ctx->c_uctx, &wparams, &ctx->c_worker);
	if (st != UCS_OK)
		goto ucx_err;
	st = ucp_worker_get_efd(ctx->c_worker, &ctx->c_efd);
	if (st != UCS_OK)
		goto ucx_err;
	/* Sleeping on this instead of c_efd also wakes for a local peer's end.
	 * Without it (or without /proc) every peer is reached as a remote one. */
	if (rpc_host_id_self(&ctx->c_host) == 0) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};

		ctx->c_wait_fd = epoll_create1(EPOLL_CLOEXEC);
		if (ctx->c_wait_fd >= 0 &&
		    epoll_ctl(ctx->c_wait_fd, EPOLL_CTL_ADD, ctx->c_efd, &ev) != 0) {
			close(ctx->c_wait_fd);
			ctx->c_wait_fd = -1;
		}
	}
	st = ucp_worker_get_address(ctx->c_worker, &uaddr, &ulen);
	if (st != UCS_OK)
		goto ucx_err;
	/* peers get our wrapped copy; UCX's own is not needed after this */
	rc = rpc_addr_wrap(uaddr, ulen, &ctx->c_host, &ctx->c_addr, &ctx->c_addr_len);
	ucp_worker_release_address(ctx->c_worker, uaddr);
	if (rc != 0)
		goto fail;
	ap.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_FLAGS |
			UCP_AM_HANDLER_PARAM_FIELD_CB | UCP_AM_HANDLER_PARAM_FIELD_ARG;
	ap.id    = RPC_AM_ID;
	/* Requests outlive the callback (their handler runs later in a ULT). */
	ap.flags = UCP_AM_FLAG_PERSISTENT_DATA;
	ap.cb    = rpc_am_cb;
	ap.arg   = ctx;
	st       = ucp_worker_set_am_recv_handler(ctx->c_worker, &ap);
	if (st != UCS_OK)
		goto ucx_err;
	ap.id    = RPC_AM_BATCH_ID;
	ap.flags = 0;
	ap.cb    = rpc_batch_cb;
	st       = ucp_worker_set_am_recv_handler(ctx->c_worker, &ap);
	if (st != UCS_OK)
		goto ucx_err;
	ucp_config_release(config);
	config = NULL;

	if (ctx->c_sched != NULL) {
		ctx->c_stop_cond  = sched_cond_create(ctx->c_sched);
		ctx->c_timer_cond = sched_cond_create(ctx->c_sched);
		if (ctx->c_stop_cond == NULL || ctx->c_timer_cond == NULL) {
			rc = -DER_NOMEM;
			goto fail;
		}
		rc = sched_ult_create(ctx->c_sched, rpc_progress_ult, ctx);
		if (rc != 0)
			goto fail;
		ctx->c_nr_ults++;
		rc = sched_ult_create(ctx->c_sched, rpc_timer_ult, ctx);
		if (rc != 0) {
			/* The progress ULT already holds ctx: it ends at its first turn and
			 * frees the context itself. */
			D_ERROR("%s: no memory for the timer ULT\n", ctx->c_name);
			ctx->c_stopping = true;
			ctx->c_orphan   = true;
			return rc;
		}
		ctx->c_nr_ults++;
	}
	*ctxp = ctx;
	return 0;

ucx_err:
	D_ERROR("%s: UCX refused: %s\n", ctx->c_name, ucs_status_string(st));
	rc = -DER_MISC;
fail:
	if (config != NULL)
		ucp_config_release(config);
	D_FREE(ctx->c_addr);
	if (ctx->c_wait_fd >= 0)
		close(ctx->c_wait_fd);
	if (ctx->c_worker != NULL)
		ucp_worker_destroy(ctx->c_worker);
	if (ctx->c_uctx != NULL)
		ucp_cleanup(ctx->c_uctx);
	sched_cond_destroy(ctx->c_stop_cond);
	sched_cond_destroy(ctx->c_timer_cond);
	D_FREE(ctx);
	return rc;
}

static void
rpc_ctx_free(struct rpc_ctx *ctx)
{
	struct rpc_cpriv *cp;
	struct rpc_cpriv *ctmp;
	struct rpc_ep    *ep;
	struct rpc_ep    *etmp;
	uint32_t          i;

	d_list_for_each_entry_safe(cp, ctmp, &ctx->c_calls, cp_link)
		rpc_call_finish(cp, -DER_SHUTDOWN);
	rpc_drain(ctx);

	d_list_splice_init(&ctx->c_dead_eps, &ctx->c_eps);
	d_list_for_each_entry(ep, &ctx->c_eps, ep_link)
		rpc_ep_close(ep, true);
	rpc_progress_once(ctx);
	rpc_selftest_fini(ctx);
	D_FREE(ctx->c_addr);
	ucp_worker_destroy(ctx->c_worker);
	ucp_cleanup(ctx->c_uctx);
	/* Requests UCX never completed are gone with the worker: free what they pointed at. */
	d_list_for_each_entry_safe(cp, ctmp, &ctx->c_cprivs, cp_zlink) {
		cp->cp_ureqs = 0;
		rpc_cp_put(cp);
	}
	d_list_splice_init(&ctx->c_bspare, &ctx->c_bsent);
	while (!d_list_empty(&ctx->c_bsent)) {
		struct rpc_batch *b = d_list_entry(ctx->c_bsent.next, struct rpc_batch, b_link);

		d_list_del(&b->b_link);
		D_FREE(b);
	}
	d_list_for_each_entry_safe(ep, etmp, &ctx->c_eps, ep_link) {
		rpc_ep_unwatch(ep);
		d_list_del(&ep->ep_link);
		D_FREE(ep->ep_addr);
		D_FREE(ep);
	}
	if (ctx->c_wait_fd >= 0)
		close(ctx->c_wait_fd);
	for (i = 0; i < RPC_PEER_BUCKETS; i++) {
		struct rpc_peer *pr;
		struct rpc_peer *ptmp;

		d_list_for_each_entry_safe(pr, ptmp, &ctx->c_peers[i], pr_link) {
			d_list_del(&pr->pr_link);
			D_FREE(pr);
		}
	}
	while (ctx->c_req_cache != NULL) {
		struct rpc_req *req = ctx->c_req_cache;

		ctx->c_req_cache = req->rq_next;
		rpc_req_destroy(req);
	}
	while (!d_list_empty(&ctx->c_cp_cache)) {
		cp = d_list_entry(ctx->c_cp_cache.next, struct rpc_cpriv, cp_link);
		d_list_del(&cp->cp_link);
		D_FREE(cp);
	}
	sched_cond_destroy(ctx->c_stop_cond);
	sched_cond_destroy(ctx->c_timer_cond);
	D_FREE(ctx);
}

void
rpc_ctx_stats(struct rpc_ctx *ctx, struct rpc_ctx_stats *st)
{
	*st = ctx->c_stats;
}

void
rpc_ctx_destroy(struct rpc_ctx *ctx)
{
	if (ctx == NULL)
		return;
	ctx->c_stopping = true;
	if (ctx->c_sched != NULL) {
		sched_cond_broadcast(ctx->c_timer_cond);
		ucp_worker_signal(ctx->c_worker);
		while (ctx->c_nr_ults > 0)
			sched_cond_wait(ctx->c_stop_cond);
	}
	rpc_ctx_free(ctx);
}

void
rpc_ctx_address(struct rpc_ctx *ctx, const void **addr, size_t *len)
{
	*addr = ctx->c_addr;
	*len  = ctx->c_addr_len;
}
