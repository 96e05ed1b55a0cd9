/*
 * rpc.h - the transport: requests, replies and bulk payloads between UCX
 * workers, plus the TCP bootstrap through which a client learns the workers'
 * addresses.
 *
 * WHAT RPC OWNS
 * One struct rpc_ctx per thread that talks on the network: a UCX context and
 * one worker, the endpoints it opened (cached by peer address), the calls it
 * is waiting for, and the handlers it serves. A server target thread, the
 * server's system thread and a client process each own one (a client may own
 * several). Every worker is addressable on its own: its address is an opaque
 * blob (rpc_ctx_address()) that a peer passes to rpc_ep_connect().
 *
 * THE WIRE (little-endian, rpc_wire.c)
 * Every message is one UCX active message whose header is struct rpc_wire_hdr
 * (magic, protocol version, opcode, flags, status, request id, body length,
 * bulk length). A message without bulk carries its body as the AM data. A
 * message with bulk carries its body right after the 40 header bytes, in the
 * AM header (flag RPC_WF_BODY_IN_HDR, body at most RPC_BULK_BODY_MAX), and
 * the bulk payload alone as the AM data: so a receiver knows the body before
 * it chooses where the payload goes. Small messages travel eagerly; large
 * ones by UCX rendezvous, received straight into the destination buffers (no
 * copy loop over the payload).
 * Every field is checked before anything else is read: a malformed,
 * truncated, oversized or unknown message is answered with an error reply
 * (-DER_PROTO, -DER_NOSYS) when it carries a request id, and dropped otherwise;
 * it never reaches a handler and never crashes the receiver.
 * The first message on a new endpoint is a hello (flag RPC_WF_HELLO, no
 * request id, the sender's worker address as body). A serving context then
 * makes its own endpoint to that worker and sends every reply to that
 * requester on it: UCX destroys the endpoint it made for a requester's
 * messages when the requester fails, while handlers may still hold requests
 * to answer; ours stays until the context ends, reports the failure, and a
 * reply to a failed requester is dropped instead of touching freed memory.
 *
 * TWO WAYS TO RUN
 * - On a scheduler (servers): rpc_ctx_create() with a struct sched. A
 *   progress ULT drives the worker; when nothing happens it arms the worker
 *   and sleeps on its event fd through the scheduler's io_uring, so an idle
 *   thread sleeps in the kernel. Each incoming request runs its handler in a
 *   new ULT. rpc_call_wait() parks the calling ULT.
 * - Without one (clients, tools): sched == NULL. Nothing runs behind the
 *   caller's back: progress happens inside rpc_progress() and rpc_call_wait(),
 *   which sleep on the worker's event fd up to their timeout. Such a context
 *   serves no requests (a request to it is answered -DER_NOSYS).
 * - Callbacks never run inside UCX: completions are queued during
 *   ucp_worker_progress and their callbacks run right after, so a callback
 *   may start the next call.
 *
 * ERRORS
 * Calls return 0 or a negative DER code. A call's outcome (rpc_call.rc_rc)
 * is the handler's status from the reply, or a transport error:
 *   -DER_TIMEDOUT  no reply within rc_timeout_ms
 *   -DER_CANCELED  rpc_call_cancel() was called
 *   -DER_UNREACH   the endpoint failed (peer died, connection reset, closed)
 *   -DER_PROTO     the reply was malformed
 *   -DER_NOSYS     the peer has no handler for the opcode
 *   -DER_TRUNC     the reply's bulk did not fit in rc_bulk_in
 * Every call completes exactly once, whatever happens to the peer.
 *
 * THREADING
 * A context and everything made from it belong to the thread that created
 * it; nothing here is locked. Other threads reach a server thread through
 * sched_post(), not through its context.
 *
 * FAULT INJECTION (gurt, d_fault_attr_set)
 * RPC_FI_DROP_REQ drops an outgoing request (the caller times out),
 * RPC_FI_DROP_REPLY drops an outgoing reply, RPC_FI_PARTITION makes every
 * send to a peer whose bootstrap address matches rpc_fault_partition() fail
 * as unreachable. Tests use these for message loss and partitions.
 *
 * CAVEATS
 * - Buffers given for bulk (rc_bulk_out, rc_bulk_in, rpc_reply's bulk) must
 *   stay untouched until the call completes or rpc_reply() returns: UCX may
 *   read or write them in place. A call that ends early (timeout, cancel)
 *   while UCX still sends its rc_bulk_out leaves UCX reading it until the
 *   peer takes it or the endpoint fails; a reply payload already landing in
 *   rc_bulk_in holds off the timeout, and a cancel asks UCX to stop it.
 * - A message with bulk carries at most RPC_BULK_BODY_MAX bytes of body.
 * - The scheduler a context runs on must have been created on its own thread
 *   (its io_uring takes submissions from the creating thread only).
 * - Peer failure needs a transport that can detect it (tcp, verbs). With
 *   shared memory only (UCX_TLS=sm,self), UCX 1.13 cannot: endpoints are then
 *   made without error handling (one UCX error line says so) and calls to a
 *   dead peer end with -DER_TIMEDOUT instead of -DER_UNREACH.
 * - Progress polls for a while after activity (RPC_POLL_US, default 200 µs,
 *   longer while traffic keeps coming, at most 1 ms; 20 µs while a handler
 *   runs or more than one call is out) before it sleeps.
 * - On loopback addresses, when UCX_NET_DEVICES is not set, the context
 *   restricts UCX's network devices to "lo", so loopback tests never touch
 *   another interface. Transports are chosen with UCX's own variables
 *   (UCX_TLS=tcp, UCX_TLS=sm,self, ...).
 */
#ifndef __RPC_RPC_H__
#define __RPC_RPC_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gurt/types.h>

struct sched;
struct rpc_ctx;
struct rpc_ep;
struct rpc_req;

#define RPC_MAGIC          0x50525344u /* "DSRP" little-endian */
#define RPC_PROTO_VERSION  4u /* 2: small messages may travel in batches; 3: worker
			       * addresses carry a magic and checksum (RPC_ADDR_HDR_LEN);
			       * 4: and who the worker's process is (rpc_host_id) */
#define RPC_BODY_MAX       (64u * 1024)          /* largest body of one message */
#define RPC_BULK_MAX       (256ull * 1024 * 1024) /* largest bulk payload of one message */
#define RPC_OPC_MAX        1024u                 /* opcodes are < RPC_OPC_MAX */
#define RPC_BULK_BODY_MAX  4096u /* largest body of a message with bulk (it rides in the
                                  * UCX AM header, which UCX caps at about 8 KiB) */

/* Fixed header of every message, little-endian on the wire (40 bytes). */
struct rpc_wire_hdr {
	uint32_t wh_magic;    /* RPC_MAGIC */
	uint16_t wh_version;  /* RPC_PROTO_VERSION */
	uint16_t wh_opcode;   /* < RPC_OPC_MAX */
	uint32_t wh_flags;    /* RPC_WF_* */
	int32_t  wh_status;   /* reply: the handler's status (0 or -DER_*) */
	uint64_t wh_req_id;   /* caller's id, echoed in the reply; 0: no reply wanted */
	uint32_t wh_body_len; /* <= RPC_BODY_MAX */
	uint32_t wh_pad;      /* 0 */
	uint64_t wh_bulk_len; /* <= RPC_BULK_MAX */
};

enum {
	RPC_WF_REPLY       = 1u << 0, /* this message is a reply */
	RPC_WF_BODY_IN_HDR = 1u << 1, /* body follows the header (set iff wh_bulk_len > 0) */
	RPC_WF_HELLO       = 1u << 2, /* a new endpoint's first message: the body is the
					 * sender's worker address (see rpc_ep_connect) */
	RPC_WF_ALL         = RPC_WF_REPLY | RPC_WF_BODY_IN_HDR | RPC_WF_HELLO,
};

/* Fault ids (gurt fault injection). */
enum rpc_fault_id {
	RPC_FI_DROP_REQ   = 300,
	RPC_FI_DROP_REPLY = 301,
	RPC_FI_PARTITION  = 302,
};

/* ---- wire header codec (pure functions, no UCX; what the fuzzer drives) ---- */

/* Encode h into 40 bytes at buf. */
void rpc_wire_encode(const struct rpc_wire_hdr *h, void *buf);
/*
 * Decode and check a header: hdr_len at least 40, magic and version must
 * match, opcode < RPC_OPC_MAX, no unknown flag, pad 0, body/bulk lengths
 * within their maxima, and the lengths must add up: without bulk, hdr_len ==
 * 40 and data_len == body; with bulk, RPC_WF_BODY_IN_HDR set, body <=
 * RPC_BULK_BODY_MAX, hdr_len == 40 + body and data_len == bulk. -DER_PROTO
 * otherwise (h is filled as far as it could be read, so a request id can
 * still be answered).
 */
int  rpc_wire_decode(const void *hdr, size_t hdr_len, uint64_t data_len,
		     struct rpc_wire_hdr *h);
#define RPC_WIRE_HDR_LEN 40u

/*
 * A batch: several small messages carried as the data of one UCX active
 * message. Each is a frame: its AM header's length and its data's length
 * (u32 little-endian each), then those bytes. rpc_wire_frame_put writes one
 * at buf and returns its size (RPC_WIRE_FRAME_HDR + hdr_len + data_len);
 * rpc_wire_frame_next reads the frame at *off of a batch of len bytes and
 * moves *off past it: 1 for a frame, 0 at the end, -DER_PROTO when a length
 * runs past the end.
 */
#define RPC_WIRE_FRAME_HDR 8u
size_t rpc_wire_frame_put(void *buf, const void *hdr, uint32_t hdr_len, const void *data,
			  uint32_t data_len);
int    rpc_wire_frame_next(const void *batch, size_t len, size_t *off, const void **hdr,
			   uint32_t *hdr_len, const void **data, uint32_t *data_len);

/* ---- contexts ---- */

struct rpc_ctx_attr {
	struct sched *ra_sched;   /* NULL: client mode (see above) */
	const char   *ra_name;    /* for log messages, e.g. "tgt 3" */
	bool          ra_loopback; /* peers are on 127.0.0.0/8: restrict UCX to "lo" */
};

/* Create a UCX context and worker. -DER_NOMEM, -DER_MISC (UCX refused; logged). */
int  rpc_ctx_create(const struct rpc_ctx_attr *attr, struct rpc_ctx **ctxp);
/* Fail every outstanding call (-DER_SHUTDOWN), close endpoints, free. In sched
 * mode call it from a ULT of that scheduler; it stops the progress ULT. */
void rpc_ctx_destroy(struct rpc_ctx *ctx);
/* The worker's address (valid until destroy). */
void rpc_ctx_address(struct rpc_ctx *ctx, const void **addr, size_t *len);

/* Counts of what a context sent: messages, and the UCX sends that carried them
 * (small messages sent while others are out share one send: see README.md). */
struct rpc_ctx_stats {
	uint64_t rs_msgs;  /* requests and replies */
	uint64_t rs_sends; /* active messages that carried them */
};
void rpc_ctx_stats(struct rpc_ctx *ctx, struct rpc_ctx_stats *st);

/*
 * Client mode: make progress for at most timeout_ms (0: only what is ready,
 * < 0: until something completes), sleeping in the kernel while nothing
 * happens. Completion callbacks run inside. Returns the number of calls
 * completed, or a negative DER code.
 */
int  rpc_progress(struct rpc_ctx *ctx, int timeout_ms);

/* ---- endpoints ---- */

/* The endpoint to the worker at addr: cached, so connecting twice returns the
 * same one. -DER_UNREACH (UCX cannot reach it), -DER_PROTO (addr is not an
 * address rpc_ctx_address gave: wrong magic or checksum), -DER_INVAL,
 * -DER_NOMEM. */
int  rpc_ep_connect(struct rpc_ctx *ctx, const void *addr, size_t len, struct rpc_ep **epp);
/* Tag an endpoint with the peer's bootstrap address ("127.0.0.2:10001"), for logs
 * and for RPC_FI_PARTITION. */
void rpc_ep_set_peer_name(struct rpc_ep *ep, const char *name);
/* True once the endpoint failed; the next rpc_ep_connect() to the same
 * address makes a new one. */
bool rpc_ep_failed(struct rpc_ep *ep);

/* ---- calls (the client side of a request) ---- */

struct rpc_call;
typedef void (*rpc_call_cb_t)(struct rpc_call *call, void *arg);

#define RPC_REPLY_INLINE 64 /* reply bodies up to this size live in the call (no malloc) */

struct rpc_call {
	/* in */
	uint16_t           rc_opcode;
	const void        *rc_body;       /* request body (copied at start) */
	uint32_t           rc_body_len;
	const d_sg_list_t *rc_bulk_out;   /* payload sent after the body, or NULL */
	d_sg_list_t       *rc_bulk_in;    /* where the reply's payload lands, or NULL */
	int                rc_timeout_ms; /* 0: RPC_TIMEOUT_DEFAULT_MS */
	/* out, valid in the callback / after rpc_call_wait */
	int                rc_rc;         /* see ERRORS above */
	void              *rc_reply;      /* reply body (owned by the call; freed by rpc_call_fini) */
	uint32_t           rc_reply_len;
	uint64_t           rc_bulk_in_len; /* payload bytes received into rc_bulk_in */
	/* private */
	uint64_t           rc_id;
	struct rpc_ep     *rc_ep;
	void              *rc_priv;
	uint8_t            rc_reply_inl[RPC_REPLY_INLINE]; /* rc_reply when it fits */
};

#define RPC_TIMEOUT_DEFAULT_MS 30000

/*
 * Send a request; cb(call, arg) runs once when it completes (in the progress
 * ULT or inside rpc_progress()), successfully or not. The call struct must
 * live until then. Returns 0 (the callback will run), or an error with no
 * callback (-DER_INVAL, -DER_NOMEM, -DER_UNREACH for a failed endpoint).
 */
int  rpc_call_start(struct rpc_ep *ep, struct rpc_call *call, rpc_call_cb_t cb, void *arg);
/* Start and wait (parks the ULT in sched mode; progresses in client mode).
 * Returns call->rc_rc, or the start error. */
int  rpc_call_wait(struct rpc_ep *ep, struct rpc_call *call);
/* Complete a started call now with -DER_CANCELED (its reply, if any comes, is dropped). */
void rpc_call_cancel(struct rpc_call *call);
/* Free the reply body. */
void rpc_call_fini(struct rpc_call *call);

/* ---- serving requests (sched mode only) ---- */

/*
 * A handler runs in its own ULT with the request (an inline one in the
 * progress ULT: rpc_register_inline); it must end with exactly
 * one rpc_reply() (requests sent with no reply wanted are freed by
 * rpc_reply too, which then sends nothing).
 */
typedef void (*rpc_handler_t)(struct rpc_req *req, void *arg);

/* Serve opcode with fn. -DER_EXIST if it has a handler, -DER_INVAL. */
int  rpc_register(struct rpc_ctx *ctx, uint16_t opcode, rpc_handler_t fn, void *arg);
/*
 * Serve opcode with fn run inline: in the progress ULT, right after UCX
 * delivered the request, with no ULT of its own (a ULT's creation and two
 * switches are a good part of a shared-memory round trip). For handlers that
 * answer from memory at once: fn must not park (no rpc_req_bulk_get, no
 * calls, no I/O, no waits), and its reply carries no bulk (-DER_INVAL).
 * Its rpc_reply() never parks: what UCX cannot send at once goes from a
 * copy. A request that brings a bulk payload still gets a ULT.
 */
int  rpc_register_inline(struct rpc_ctx *ctx, uint16_t opcode, rpc_handler_t fn, void *arg);

uint16_t    rpc_req_opcode(const struct rpc_req *req);
/* The request body (valid until rpc_reply). */
const void *rpc_req_body(const struct rpc_req *req, uint32_t *len);
/* Length of the request's bulk payload (0 if none). */
uint64_t    rpc_req_bulk_len(const struct rpc_req *req);
/*
 * Receive the request's payload into sgl (at most its capacity), parking the
 * ULT while UCX moves it. Call at most once. -DER_TRUNC if sgl is smaller
 * than the payload (nothing received), -DER_UNREACH, -DER_NOMEM.
 */
int  rpc_req_bulk_get(struct rpc_req *req, d_sg_list_t *sgl);
/* The endpoint back to the requester (to call it in turn). */
struct rpc_ep *rpc_req_ep(struct rpc_req *req);

/*
 * Reply with status, body (copied) and an optional payload, then free req.
 * Parks the ULT until UCX no longer needs the buffers. A failure to send is
 * logged and returned (the requester will see a timeout or an endpoint error).
 */
int  rpc_reply(struct rpc_req *req, int status, const void *body, uint32_t body_len,
	       const d_sg_list_t *bulk);

/* ---- bootstrap over TCP: how a client finds the workers ---- */

/*
 * Server side: listen on addr:port (IPv4 dotted or a host name) from a ULT of
 * sched; for each connection read one request (a wire header with opcode
 * RPC_OPC_BOOT_ATTACH), answer with a wire header and the body provide()
 * returns (the attach info: system name, ranks, worker addresses), close.
 * *port_out gets the bound port (useful with port 0). -DER_INVAL (bad
 * address), -DER_BUSY (address in use), -DER_NO_PERM.
 */
#define RPC_OPC_BOOT_ATTACH 1
struct rpc_boot;
typedef int (*rpc_boot_provide_t)(void *arg, void **body, uint32_t *len); /* body: D_ALLOC'd */
int  rpc_boot_listen(struct sched *sched, const char *addr, uint16_t port,
		     rpc_boot_provide_t provide, void *arg, uint16_t *port_out,
		     struct rpc_boot **bootp);
void rpc_boot_close(struct rpc_boot *boot);

/*
 * Client side: connect to addr:port, ask, and return the body (D_ALLOC'd;
 * D_FREE it). Blocking, bounded by timeout_ms. -DER_UNREACH (refused or no
 * route), -DER_TIMEDOUT, -DER_PROTO (not one of our servers).
 */
int  rpc_boot_query(const char *addr, uint16_t port, int timeout_ms, void **body,
		    uint32_t *len);

/* ---- attach info: the body of the RPC_OPC_BOOT_ATTACH answer ---- */

/*
 * What a client needs to reach a system: its name, the rank answering, the
 * pool map version it runs with, and every worker's address. Worker 0 is the
 * system thread's, workers 1..N the targets' (target t is worker t + 1).
 * The engine's provide() encodes one; clients decode it. Encoded with
 * common/proto.h: str system, u32 rank, u32 map version, u32 count, then
 * count byte strings.
 */
#define RPC_SYSTEM_NAME_MAX 63u   /* bytes of a system name, without the NUL */
#define RPC_ATTACH_WORKERS_MAX 4096u
#define RPC_WORKER_ADDR_MAX 4096u /* bytes of one worker address */
/* Who a worker's process is, as far as this host can tell: a peer with our
 * boot id, PID namespace and user is on this host and can be reached over
 * shared memory (which maps, or reads, the other's memory: the kernel allows
 * that between processes of one user), and its PID and start time (ticks
 * since boot, /proc/PID/stat field 22) name it even after the PID is reused.
 * All zero when unknown. */
struct rpc_host_id {
	uint8_t  hi_boot[16];
	uint64_t hi_pidns_dev;
	uint64_t hi_pidns_ino;
	uint32_t hi_pid;
	uint32_t hi_uid; /* effective */
	uint64_t hi_start;
};
/* Ours (-DER_NOSYS, and all zero, without /proc). */
int  rpc_host_id_self(struct rpc_host_id *id);
/* Is peer a process of self's user on self's host, in self's PID namespace? */
bool rpc_host_id_local(const struct rpc_host_id *self, const struct rpc_host_id *peer);

/* A worker address as rpc_ctx_address gives it: magic RPC_ADDR_MAGIC (u32 LE),
 * CRC32C (ISA-L crc32_iscsi, seed 0) of the rest (u32 LE), the process's
 * rpc_host_id (boot id 16 bytes, PID namespace device and inode u64 LE, PID
 * u32 LE, effective UID u32 LE, start time u64 LE), then UCX's packed address.
 * rpc_ep_connect checks magic and checksum before UCX sees a byte: UCX trusts
 * a packed address and aborts or reads past it when one is malformed, and a
 * hello's body comes from the network. */
#define RPC_ADDR_HDR_LEN    56u
#define RPC_ADDR_MAGIC      0x52504144u /* "DAPR" on the wire */
/* Wrap UCX's packed address (ulen bytes) and id into *addr (D_ALLOC'd, *len
 * bytes). -DER_NOMEM. */
int  rpc_addr_wrap(const void *uaddr, size_t ulen, const struct rpc_host_id *id, void **addr,
		   size_t *len);
/* Is addr (len bytes) what rpc_addr_wrap made? Then UCX's part starts at
 * RPC_ADDR_HDR_LEN. */
bool rpc_addr_check(const void *addr, size_t len);
/* The host id inside an address rpc_addr_check accepted. */
void rpc_addr_host_id(const void *addr, struct rpc_host_id *id);

struct rpc_worker_addr {
	void  *wa_addr;
	size_t wa_len;
};

struct rpc_attach_info {
	char                    ai_system[RPC_SYSTEM_NAME_MAX + 1];
	uint32_t                ai_rank;
	uint32_t                ai_map_version;
	uint32_t                ai_nr_workers;
	struct rpc_worker_addr *ai_workers; /* ai_nr_workers entries */
};

/* Encode into *body (D_ALLOC'd). -DER_INVAL (too many workers, address or
 * name too long), -DER_NOMEM. */
int  rpc_attach_encode(const struct rpc_attach_info *ai, void **body, uint32_t *len);
/* Decode a received body, every length bounds-checked; the result owns its
 * allocations (rpc_attach_fini). -DER_PROTO (malformed), -DER_NOMEM. */
int  rpc_attach_decode(const void *body, uint32_t len, struct rpc_attach_info *ai);
/* Free what rpc_attach_decode allocated. */
void rpc_attach_fini(struct rpc_attach_info *ai);

/* ---- selftest service: what rpc_perf and the tests measure ---- */

enum {
	RPC_OPC_SELFTEST_PING     = 2, /* body echoed back (at most RPC_BODY_MAX) */
	RPC_OPC_SELFTEST_BULK_PUT = 3, /* request body: u32 flags (1: checksum it); bulk of
	                                * N bytes received into a buffer; reply body: u64
	                                * bytes received, u32 rpc_selftest_sum or 0 */
	RPC_OPC_SELFTEST_BULK_GET = 4, /* request body: u64 N; reply bulk: N bytes of a
	                                * pattern (rpc_selftest_pattern) */
};
#define RPC_SELFTEST_BULK_MAX (64ull * 1024 * 1024) /* largest selftest payload */

/* Register the three selftest handlers on a sched-mode context. */
int  rpc_selftest_register(struct rpc_ctx *ctx);
/* The byte at offset off of a BULK_GET payload (and what tests send with BULK_PUT). */
static inline uint8_t
rpc_selftest_pattern(uint64_t off)
{
	return (uint8_t)((off * 31u + (off >> 12)) & 0xffu);
}
/* The checksum BULK_PUT replies with: a simple Adler-like sum of the bytes. */
uint32_t rpc_selftest_sum(const void *buf, uint64_t len, uint32_t seed);

/* Partition injection: sends to endpoints whose peer name equals name fail
 * while RPC_FI_PARTITION is armed (NULL clears). */
void rpc_fault_partition(const char *name);

#endif /* __RPC_RPC_H__ */
