/*
 * The transport end to end, in one process: server threads (scheduler +
 * sched-mode context + selftest handlers) and client-mode contexts, over
 * loopback only. Ping, bulk in both directions with data checked, queue
 * depth, unknown opcodes, timeouts, cancellation, fault injection, malformed
 * raw UCX messages, the TCP bootstrap, calls made from a server ULT, and an
 * idle server's CPU use.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <gurt/common.h>
#include <gurt/fault_inject.h>
#include "common/proto.h"
#include "rpc/rpc_internal.h"
#include "rpc_harness.h"

enum {
	OPC_SLOW    = 100, /* body: u32 ms to sleep before replying */
	OPC_FORWARD = 101, /* body: a worker address; pings it from the handler ULT */
	OPC_NOREPLY = 102, /* replies only with status, body of bulk size */
	OPC_INLINE  = 103, /* inline handler: see h_inline */
};

static struct th_server srv;
static struct th_server srv2;
static struct rpc_ctx  *cli;
static struct rpc_ep   *ep;

static void
h_slow(struct rpc_req *req, void *arg)
{
	struct ddec d;
	uint32_t    len;
	const void *body = rpc_req_body(req, &len);
	uint32_t    ms;

	(void)arg;
	ddec_init(&d, body, len);
	ms = ddec_u32(&d);
	sched_sleep_ns(sched_current(), (uint64_t)ms * 1000000);
	rpc_reply(req, 0, NULL, 0, NULL);
}

static void
h_forward(struct rpc_req *req, void *arg)
{
	struct th_server *ts   = arg;
	uint32_t          len;
	const void       *addr = rpc_req_body(req, &len);
	struct rpc_call   call = {.rc_opcode = RPC_OPC_SELFTEST_PING, .rc_body = "fwd",
				  .rc_body_len = 3, .rc_timeout_ms = 5000};
	struct rpc_ep    *fep;
	int               rc;

	rc = rpc_ep_connect(ts->ts_ctx, addr, len, &fep);
	if (rc == 0)
		rc = rpc_call_wait(fep, &call);
	if (rc == 0 && (call.rc_reply_len != 3 || memcmp(call.rc_reply, "fwd", 3) != 0))
		rc = -DER_MISC;
	rpc_call_fini(&call);
	rpc_reply(req, rc, NULL, 0, NULL);
}

/*
 * Inline: a request with bulk has its payload received (so it runs in a ULT)
 * and gets the byte count as status; body "bulk" asks for a reply with bulk
 * (refused for an inline handler); any other body is echoed.
 */
static void
h_inline(struct rpc_req *req, void *arg)
{
	static char buf[8192];
	uint32_t    len;
	const void *body = rpc_req_body(req, &len);
	d_iov_t     iov;
	d_sg_list_t sgl = {.sg_nr = 1, .sg_iovs = &iov};
	uint64_t    n   = rpc_req_bulk_len(req);

	(void)arg;
	d_iov_set(&iov, buf, sizeof(buf));
	if (n > 0) {
		int rc = rpc_req_bulk_get(req, &sgl);

		rpc_reply(req, rc == 0 ? (int)n : rc, NULL, 0, NULL);
	} else if (len == 4 && memcmp(body, "bulk", 4) == 0) {
		assert_int_equal(rpc_reply(req, 0, NULL, 0, &sgl), -DER_INVAL);
	} else {
		rpc_reply(req, 0, body, len, NULL);
	}
}

static void
srv_setup(struct th_server *ts)
{
	assert_int_equal(rpc_register_inline(ts->ts_ctx, OPC_INLINE, h_inline, ts), 0);
	assert_int_equal(rpc_register_inline(ts->ts_ctx, OPC_INLINE, h_inline, ts), -DER_EXIST);
	assert_int_equal(rpc_register(ts->ts_ctx, OPC_SLOW, h_slow, ts), 0);
	assert_int_equal(rpc_register(ts->ts_ctx, OPC_FORWARD, h_forward, ts), 0);
	assert_int_equal(rpc_register(ts->ts_ctx, OPC_SLOW, h_slow, ts), -DER_EXIST);
}

static int
setup(void **state)
{
	(void)state;
	d_fault_inject_init();
	srv.ts_setup     = srv_setup;
	srv.ts_want_boot = true;
	assert_int_equal(th_start(&srv), 0);
	srv2.ts_setup = srv_setup;
	assert_int_equal(th_start(&srv2), 0);
	cli = th_client();
	assert_non_null(cli);
	assert_int_equal(rpc_ep_connect(cli, srv.ts_addr, srv.ts_addr_len, &ep), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rpc_ctx_destroy(cli);
	th_stop(&srv);
	th_stop(&srv2);
	d_fault_inject_fini();
	return 0;
}

static int
ping(struct rpc_ep *e, int timeout_ms)
{
	uint64_t        v    = 0x1122334455667788ull;
	struct rpc_call call = {.rc_opcode = RPC_OPC_SELFTEST_PING, .rc_body = &v,
				.rc_body_len = 8, .rc_timeout_ms = timeout_ms};
	int             rc;

	rc = rpc_call_wait(e, &call);
	if (rc == 0 && (call.rc_reply_len != 8 || memcmp(call.rc_reply, &v, 8) != 0))
		rc = -DER_MISC;
	rpc_call_fini(&call);
	return rc;
}

static void
test_ping(void **state)
{
	struct rpc_ep  *again;
	struct rpc_call call = {.rc_opcode = RPC_OPC_SELFTEST_PING};
	uint8_t        *big;
	int             i;

	(void)state;
	assert_int_equal(rpc_ep_connect(cli, srv.ts_addr, srv.ts_addr_len, &again), 0);
	assert_ptr_equal(again, ep); /* cached */
	for (i = 0; i < 1000; i++)
		assert_int_equal(ping(ep, 5000), 0);
	/* empty body */
	assert_int_equal(rpc_call_wait(ep, &call), 0);
	assert_int_equal(call.rc_reply_len, 0);
	rpc_call_fini(&call);
	/* the largest body: may travel by rendezvous both ways */
	D_ALLOC(big, RPC_BODY_MAX);
	assert_non_null(big);
	for (i = 0; i < (int)RPC_BODY_MAX; i++)
		big[i] = (uint8_t)(i * 7);
	call.rc_body     = big;
	call.rc_body_len = RPC_BODY_MAX;
	assert_int_equal(rpc_call_wait(ep, &call), 0);
	assert_int_equal(call.rc_reply_len, RPC_BODY_MAX);
	assert_memory_equal(call.rc_reply, big, RPC_BODY_MAX);
	rpc_call_fini(&call);
	/* too large a body is refused up front */
	call.rc_body_len = RPC_BODY_MAX + 1;
	assert_int_equal(rpc_call_start(ep, &call, NULL, NULL), -DER_INVAL);
	D_FREE(big);
}

/* Inline handlers: echo, a reply with bulk refused, a request with bulk in a ULT. */
static void
test_inline(void **state)
{
	static uint8_t  out[3000];
	struct rpc_call call = {.rc_opcode = OPC_INLINE, .rc_body = "hello", .rc_body_len = 5};
	d_iov_t         iov;
	d_sg_list_t     sgl = {.sg_nr = 1, .sg_iovs = &iov};

	(void)state;
	assert_int_equal(rpc_call_wait(ep, &call), 0);
	assert_int_equal(call.rc_reply_len, 5);
	assert_memory_equal(call.rc_reply, "hello", 5);
	rpc_call_fini(&call);
	call.rc_body     = "bulk";
	call.rc_body_len = 4;
	assert_int_equal(rpc_call_wait(ep, &call), -DER_INVAL);
	rpc_call_fini(&call);
	memset(out, 7, sizeof(out));
	d_iov_set(&iov, out, sizeof(out));
	call.rc_body     = NULL;
	call.rc_body_len = 0;
	call.rc_bulk_out = &sgl;
	assert_int_equal(rpc_call_wait(ep, &call), (int)sizeof(out));
	rpc_call_fini(&call);
	assert_int_equal(ping(ep, 5000), 0);
}

static void
test_bulk_put(void **state)
{
	static const uint64_t sizes[] = {4096, 1 << 20, 16 << 20, 1};
	uint32_t              flags   = 1;
	unsigned int          i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint64_t        n = sizes[i];
		uint8_t        *buf;
		d_iov_t         iov[3];
		d_sg_list_t     sgl  = {.sg_nr = 3, .sg_iovs = iov};
		struct rpc_call call = {.rc_opcode = RPC_OPC_SELFTEST_BULK_PUT, .rc_body = &flags,
					.rc_body_len = 4, .rc_bulk_out = &sgl,
					.rc_timeout_ms = 20000};
		struct ddec     d;
		uint64_t        j;

		D_ALLOC_NZ(buf, n);
		assert_non_null(buf);
		for (j = 0; j < n; j++)
			buf[j] = rpc_selftest_pattern(j * 3 + i);
		/* one iov, or three uneven ones (UCX iov datatype) */
		if (i % 2 == 0) {
			sgl.sg_nr = 1;
			d_iov_set(&iov[0], buf, n);
		} else {
			d_iov_set(&iov[0], buf, n / 3);
			d_iov_set(&iov[1], buf + n / 3, 0);
			d_iov_set(&iov[2], buf + n / 3, n - n / 3);
		}
		assert_int_equal(rpc_call_wait(ep, &call), 0);
		ddec_init(&d, call.rc_reply, call.rc_reply_len);
		assert_int_equal(ddec_u64(&d), n);
		assert_int_equal(ddec_u32(&d), rpc_selftest_sum(buf, n, 1));
		assert_int_equal(ddec_finish(&d), 0);
		rpc_call_fini(&call);
		D_FREE(buf);
	}
}

static void
test_bulk_get(void **state)
{
	static const uint64_t sizes[] = {4096, 1 << 20, 16 << 20, 100};
	unsigned int          i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint64_t        n = sizes[i];
		uint8_t        *buf;
		d_iov_t         iov[2];
		d_sg_list_t     sgl  = {.sg_nr = 1, .sg_iovs = iov};
		struct rpc_call call = {.rc_opcode = RPC_OPC_SELFTEST_BULK_GET, .rc_body = &n,
					.rc_body_len = 8, .rc_bulk_in = &sgl,
					.rc_timeout_ms = 20000};
		uint64_t        j;

		D_ALLOC(buf, n + 1);
		assert_non_null(buf);
		if (i % 2 == 0) {
			d_iov_set(&iov[0], buf, n + 1);
		} else {
			sgl.sg_nr = 2;
			d_iov_set(&iov[0], buf, n / 2);
			d_iov_set(&iov[1], buf + n / 2, n + 1 - n / 2);
		}
		assert_int_equal(rpc_call_wait(ep, &call), 0);
		assert_int_equal(call.rc_bulk_in_len, n);
		for (j = 0; j < n; j++)
			if (buf[j] != rpc_selftest_pattern(j))
				fail_msg("byte %" PRIu64 " of %" PRIu64 " differs", j, n);
		assert_int_equal(buf[n], 0);
		rpc_call_fini(&call);

		/* one byte short: the reply's payload does not fit */
		sgl.sg_nr = 1;
		d_iov_set(&iov[0], buf, n - 1);
		assert_int_equal(rpc_call_wait(ep, &call), -DER_TRUNC);
		rpc_call_fini(&call);
		D_FREE(buf);
	}
	/* still healthy */
	assert_int_equal(ping(ep, 5000), 0);
}

struct qd_state {
	int done;
	int bad;
};

static void
qd_cb(struct rpc_call *call, void *arg)
{
	struct qd_state *q = arg;

	q->done++;
	if (call->rc_rc != 0 || call->rc_reply_len != 8)
		q->bad++;
	rpc_call_fini(call);
}

static void
test_queue_depth(void **state)
{
	struct rpc_call calls[64];
	uint64_t        vals[64];
	struct qd_state q = {0};
	struct rpc_ctx_stats st0, st1;
	int             i;

	(void)state;
	rpc_ctx_stats(cli, &st0);
	for (i = 0; i < 64; i++) {
		vals[i]  = (uint64_t)i;
		calls[i] = (struct rpc_call){.rc_opcode = RPC_OPC_SELFTEST_PING,
					     .rc_body = &vals[i], .rc_body_len = 8};
		assert_int_equal(rpc_call_start(ep, &calls[i], qd_cb, &q), 0);
	}
	while (q.done < 64)
		assert_true(rpc_progress(cli, 5000) >= 0);
	assert_int_equal(q.bad, 0);
	assert_int_equal(rpc_progress(cli, 0), 0);
	/* the first went alone; the 63 started while it was out shared sends */
	rpc_ctx_stats(cli, &st1);
	assert_int_equal(st1.rs_msgs - st0.rs_msgs, 64);
	assert_true(st1.rs_sends - st0.rs_sends <= 3);
}

static void
test_nosys(void **state)
{
	struct rpc_call call = {.rc_opcode = 999};

	(void)state;
	assert_int_equal(rpc_call_wait(ep, &call), -DER_NOSYS);
	rpc_call_fini(&call);
	call.rc_opcode = RPC_OPC_MAX;
	assert_int_equal(rpc_call_start(ep, &call, qd_cb, NULL), -DER_INVAL);
}

static uint64_t
now_ms(void)
{
	return rpc_now_ns() / 1000000;
}

static void
test_timeout(void **state)
{
	uint32_t        ms   = 1500;
	struct rpc_call call = {.rc_opcode = OPC_SLOW, .rc_body = &ms, .rc_body_len = 4,
				.rc_timeout_ms = 200};
	uint64_t        t0   = now_ms();

	(void)state;
	assert_int_equal(rpc_call_wait(ep, &call), -DER_TIMEDOUT);
	assert_true(now_ms() - t0 >= 190);
	assert_true(now_ms() - t0 < 1400);
	rpc_call_fini(&call);
	/* the late reply arrives meanwhile and is dropped */
	assert_int_equal(ping(ep, 5000), 0);
}

struct once {
	int n;
	int rc;
};

static void
once_cb(struct rpc_call *call, void *arg)
{
	struct once *o = arg;

	o->n++;
	o->rc = call->rc_rc;
}

static void
test_cancel(void **state)
{
	uint32_t        ms   = 300;
	struct rpc_call call = {.rc_opcode = OPC_SLOW, .rc_body = &ms, .rc_body_len = 4};
	struct once     o    = {0};

	(void)state;
	assert_int_equal(rpc_call_start(ep, &call, once_cb, &o), 0);
	assert_int_equal(rpc_progress(cli, 20), 0);
	rpc_call_cancel(&call);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.rc, -DER_CANCELED);
	rpc_call_cancel(&call); /* again: nothing */
	/* the reply comes and goes unnoticed */
	rpc_progress(cli, 600);
	assert_int_equal(o.n, 1);
	rpc_call_fini(&call);
	assert_int_equal(ping(ep, 5000), 0);
}

static void
arm(uint32_t id, uint64_t max)
{
	struct d_fault_attr_t fa = {0};

	fa.fa_probability_x = max > 0 ? 1 : 0;
	fa.fa_probability_y = 1;
	fa.fa_max_faults    = max;
	assert_int_equal(d_fault_attr_set(id, fa), 0);
}

static void
test_fault_injection(void **state)
{
	struct rpc_call call = {.rc_opcode = RPC_OPC_SELFTEST_PING};

	(void)state;
	d_fault_inject_enable();
	arm(RPC_FI_DROP_REQ, 1);
	assert_int_equal(ping(ep, 200), -DER_TIMEDOUT);
	assert_int_equal(ping(ep, 5000), 0);
	arm(RPC_FI_DROP_REPLY, 1);
	assert_int_equal(ping(ep, 200), -DER_TIMEDOUT);
	assert_int_equal(ping(ep, 5000), 0);

	rpc_ep_set_peer_name(ep, "127.0.0.1:10001");
	rpc_fault_partition("127.0.0.1:10001");
	arm(RPC_FI_PARTITION, 0);
	assert_int_equal(ping(ep, 5000), 0); /* disarmed: no partition */
	arm(RPC_FI_PARTITION, 2);
	assert_int_equal(rpc_call_start(ep, &call, once_cb, NULL), -DER_UNREACH);
	assert_int_equal(ping(ep, 5000), -DER_UNREACH);
	assert_int_equal(ping(ep, 5000), 0); /* max_faults reached */
	rpc_fault_partition(NULL);
	arm(RPC_FI_PARTITION, 0);
	d_fault_inject_disable();
	assert_int_equal(ping(ep, 5000), 0);
}

/* ---- malformed messages from a raw UCX worker ---- */

struct raw {
	ucp_context_h uctx;
	ucp_worker_h  worker;
	ucp_ep_h      uep;
	int           replies;
	int           proto;
};

static ucs_status_t
raw_am_cb(void *arg, const void *header, size_t hlen, void *data, size_t len,
	  const ucp_am_recv_param_t *param)
{
	struct raw         *r = arg;
	struct rpc_wire_hdr h;

	(void)param;
	r->replies++;
	if (rpc_wire_decode(header, hlen, len, &h) == 0 && (h.wh_flags & RPC_WF_REPLY) &&
	    h.wh_status == -DER_PROTO)
		r->proto++;
	(void)data;
	return UCS_OK;
}

static void
raw_open(struct raw *r, const void *addr)
{
	ucp_params_t           p  = {.field_mask = UCP_PARAM_FIELD_FEATURES,
				     .features   = UCP_FEATURE_AM};
	ucp_worker_params_t    wp = {.field_mask  = UCP_WORKER_PARAM_FIELD_THREAD_MODE,
				     .thread_mode = UCS_THREAD_MODE_SINGLE};
	ucp_ep_params_t        ep_params = {.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS,
					    .address    = (const void *)((const uint8_t *)addr +
									 RPC_ADDR_HDR_LEN)};
	ucp_am_handler_param_t ap = {.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID |
						   UCP_AM_HANDLER_PARAM_FIELD_CB |
						   UCP_AM_HANDLER_PARAM_FIELD_ARG,
				     .id = RPC_AM_ID, .cb = raw_am_cb, .arg = r};
	ucp_config_t          *cfg;

	assert_int_equal(ucp_config_read(NULL, NULL, &cfg), UCS_OK);
	assert_int_equal(ucp_config_modify(cfg, "NET_DEVICES", "lo"), UCS_OK);
	assert_int_equal(ucp_init(&p, cfg, &r->uctx), UCS_OK);
	ucp_config_release(cfg);
	assert_int_equal(ucp_worker_create(r->uctx, &wp, &r->worker), UCS_OK);
	assert_int_equal(ucp_worker_set_am_recv_handler(r->worker, &ap), UCS_OK);
	assert_int_equal(ucp_ep_create(r->worker, &ep_params, &r->uep), UCS_OK);
}

static void
raw_send_id(struct raw *r, unsigned id, const void *hdr, size_t hlen, const void *data,
	    size_t dlen)
{
	ucp_request_param_t param = {.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS,
				     .flags        = UCP_AM_SEND_FLAG_REPLY};
	ucs_status_ptr_t    sp;

	sp = ucp_am_send_nbx(r->uep, id, hdr, hlen, data, dlen, &param);
	assert_false(UCS_PTR_IS_ERR(sp));
	if (sp != NULL) {
		while (ucp_request_check_status(sp) == UCS_INPROGRESS)
			ucp_worker_progress(r->worker);
		ucp_request_free(sp);
	}
}

static void
raw_send(struct raw *r, const void *hdr, size_t hlen, const void *data, size_t dlen)
{
	raw_send_id(r, RPC_AM_ID, hdr, hlen, data, dlen);
}

static void
raw_progress(struct raw *r, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;

	while (now_ms() < end)
		ucp_worker_progress(r->worker);
}

static void
raw_close(struct raw *r)
{
	ucp_request_param_t param = {.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS,
				     .flags        = UCP_EP_CLOSE_FLAG_FORCE};
	ucs_status_ptr_t    sp    = ucp_ep_close_nbx(r->uep, &param);

	if (UCS_PTR_IS_PTR(sp)) {
		while (ucp_request_check_status(sp) == UCS_INPROGRESS)
			ucp_worker_progress(r->worker);
		ucp_request_free(sp);
	}
	ucp_worker_destroy(r->worker);
	ucp_cleanup(r->uctx);
}

static void
test_malformed(void **state)
{
	struct raw          r = {0};
	struct rpc_wire_hdr h;
	uint8_t             hdr[RPC_WIRE_HDR_LEN + 64];
	uint8_t             data[8192];
	uint64_t            seed = 12345;
	int                 expect_proto = 0;
	int                 expect_batch = 0;
	int                 i;

	(void)state;
	memset(data, 0x5a, sizeof(data));
	raw_open(&r, srv.ts_addr);
	h = (struct rpc_wire_hdr){.wh_magic = RPC_MAGIC, .wh_version = RPC_PROTO_VERSION,
				  .wh_opcode = RPC_OPC_SELFTEST_PING, .wh_req_id = 7,
				  .wh_body_len = 8};
	/* a well-formed request over the raw worker is answered */
	rpc_wire_encode(&h, hdr);
	raw_send(&r, hdr, RPC_WIRE_HDR_LEN, data, 8);
	/* wrong magic: dropped, no answer */
	h.wh_magic = 0xdeadbeef;
	rpc_wire_encode(&h, hdr);
	raw_send(&r, hdr, RPC_WIRE_HDR_LEN, data, 8);
	h.wh_magic = RPC_MAGIC;
	/* truncated header: dropped */
	rpc_wire_encode(&h, hdr);
	raw_send(&r, hdr, 20, data, 8);
	raw_send(&r, NULL, 0, data, 8);
	/* body length says more than there is: -DER_PROTO */
	h.wh_body_len = 4000;
	rpc_wire_encode(&h, hdr);
	raw_send(&r, hdr, RPC_WIRE_HDR_LEN, data, 8);
	expect_proto++;
	/* oversized lengths */
	h.wh_body_len = 0xffffffffu;
	rpc_wire_encode(&h, hdr);
	raw_send(&r, hdr, RPC_WIRE_HDR_LEN, data, 8);
	expect_proto++;
	h.wh_body_len = 8;
	h.wh_bulk_len = ~0ull;
	h.wh_flags    = RPC_WF_BODY_IN_HDR;
	rpc_wire_encode(&h, hdr);
	raw_send(&r, hdr, RPC_WIRE_HDR_LEN + 8, data, 8);
	expect_proto++;
	/* bulk announced, body in header missing */
	h.wh_bulk_len = 8192;
	rpc_wire_encode(&h, hdr);
	raw_send(&r, hdr, RPC_WIRE_HDR_LEN, data, 8192);
	expect_proto++;
	/* a reply nobody asked for: dropped */
	h = (struct rpc_wire_hdr){.wh_magic = RPC_MAGIC, .wh_version = RPC_PROTO_VERSION,
				  .wh_flags = RPC_WF_REPLY, .wh_req_id = 99};
	rpc_wire_encode(&h, hdr);
	raw_send(&r, hdr, RPC_WIRE_HDR_LEN, NULL, 0);
	/* batches: three pings in one are three answers */
	{
		uint8_t batch[512];
		size_t  blen = 0;
		int     k;

		h = (struct rpc_wire_hdr){.wh_magic = RPC_MAGIC, .wh_version = RPC_PROTO_VERSION,
					  .wh_opcode = RPC_OPC_SELFTEST_PING, .wh_body_len = 8};
		for (k = 0; k < 3; k++) {
			h.wh_req_id = 101 + k;
			rpc_wire_encode(&h, hdr);
			blen += rpc_wire_frame_put(batch + blen, hdr, RPC_WIRE_HDR_LEN, data, 8);
		}
		raw_send_id(&r, RPC_AM_BATCH_ID, NULL, 0, batch, blen);
		expect_batch = 3;
		/* a frame whose body is not what its header says: -DER_PROTO, then one
		 * good ping, then a frame cut short: the rest is dropped */
		blen        = 0;
		h.wh_req_id = 110;
		rpc_wire_encode(&h, hdr);
		blen += rpc_wire_frame_put(batch + blen, hdr, RPC_WIRE_HDR_LEN, data, 5);
		expect_proto++;
		h.wh_req_id = 111;
		rpc_wire_encode(&h, hdr);
		blen += rpc_wire_frame_put(batch + blen, hdr, RPC_WIRE_HDR_LEN, data, 8);
		expect_batch++;
		blen += rpc_wire_frame_put(batch + blen, hdr, RPC_WIRE_HDR_LEN, data, 8);
		raw_send_id(&r, RPC_AM_BATCH_ID, NULL, 0, batch, blen - 3);
		/* garbage batches, some keeping a good first frame header */
		for (k = 0; k < 200; k++) {
			size_t q, n = (size_t)(seed >> 24) % sizeof(batch);

			for (q = 0; q < n; q++) {
				seed     = seed * 6364136223846793005ull + 1442695040888963407ull;
				batch[q] = (uint8_t)(seed >> 56);
			}
			if (k % 2 == 0 && n >= 8) {
				batch[0] = RPC_WIRE_HDR_LEN;
				batch[1] = batch[2] = batch[3] = 0;
			}
			raw_send_id(&r, RPC_AM_BATCH_ID, NULL, 0, batch, n);
		}
		raw_progress(&r, 200);
	}
	/* hellos whose body is no worker address: random bytes, the server's own
	 * address cut short or with a byte flipped. UCX aborts on a malformed
	 * packed address, so none may reach it; the server answers no hello. */
	{
		uint8_t body[512];
		size_t  alen = srv.ts_addr_len < sizeof(body) ? srv.ts_addr_len : sizeof(body);
		int     k;

		h = (struct rpc_wire_hdr){.wh_magic = RPC_MAGIC, .wh_version = RPC_PROTO_VERSION,
					  .wh_flags = RPC_WF_HELLO};
		for (k = 0; k < 300; k++) {
			size_t q, n = 1 + (size_t)(seed >> 24) % sizeof(body);

			for (q = 0; q < n; q++) {
				seed    = seed * 6364136223846793005ull + 1442695040888963407ull;
				body[q] = (uint8_t)(seed >> 56);
			}
			if (k % 3 == 1 && alen == srv.ts_addr_len) {
				memcpy(body, srv.ts_addr, alen);
				body[RPC_ADDR_HDR_LEN + (seed >> 8) % (alen - RPC_ADDR_HDR_LEN)] ^=
				    (uint8_t)(1 + (seed >> 40) % 255);
				n = alen;
			} else if (k % 3 == 2) {
				/* our magic, then random: the checksum is what stops it */
				body[0] = (uint8_t)RPC_ADDR_MAGIC;
				body[1] = (uint8_t)(RPC_ADDR_MAGIC >> 8);
				body[2] = (uint8_t)(RPC_ADDR_MAGIC >> 16);
				body[3] = (uint8_t)(RPC_ADDR_MAGIC >> 24);
			}
			h.wh_body_len = (uint32_t)n;
			rpc_wire_encode(&h, hdr);
			raw_send(&r, hdr, RPC_WIRE_HDR_LEN, body, n);
		}
		raw_progress(&r, 200);
	}
	/* garbage: random headers of random lengths, random data */
	for (i = 0; i < 2000; i++) {
		size_t hl = (size_t)(seed % sizeof(hdr));
		size_t dl;
		size_t k;

		for (k = 0; k < sizeof(hdr); k++) {
			seed   = seed * 6364136223846793005ull + 1442695040888963407ull;
			hdr[k] = (uint8_t)(seed >> 56);
		}
		/* keep our magic on some, so deeper checks are reached */
		if (i % 2 == 0) {
			h.wh_magic = RPC_MAGIC;
			memcpy(hdr, "DSRP", 4);
			hdr[4] = (uint8_t)RPC_PROTO_VERSION;
			hdr[5] = 0;
		}
		dl = (size_t)(seed >> 20) % sizeof(data);
		raw_send(&r, hdr, hl, data, dl);
		if (i % 100 == 0)
			raw_progress(&r, 1);
	}
	raw_progress(&r, 500);
	print_message("raw: %d answers, %d -DER_PROTO\n", r.replies, r.proto);
	assert_true(r.proto >= expect_proto);
	assert_true(r.replies >= 1 + expect_proto + expect_batch);
	raw_close(&r);
	/* the server still answers */
	assert_int_equal(ping(ep, 5000), 0);
}

/* ---- bootstrap ---- */

static void
test_boot(void **state)
{
	struct rpc_attach_info ai;
	struct rpc_ep         *bep;
	void                  *body = NULL;
	uint32_t               len  = 0;
	struct sockaddr_in     sin  = {.sin_family = AF_INET};
	socklen_t              sl   = sizeof(sin);
	uint64_t               t0;
	int                    fd;

	(void)state;
	assert_int_equal(rpc_boot_query("127.0.0.1", srv.ts_boot_port, 2000, &body, &len), 0);
	assert_int_equal(rpc_attach_decode(body, len, &ai), 0);
	D_FREE(body);
	assert_string_equal(ai.ai_system, "dstor_test");
	assert_int_equal(ai.ai_nr_workers, 2);
	assert_int_equal(rpc_ep_connect(cli, ai.ai_workers[1].wa_addr, ai.ai_workers[1].wa_len,
					&bep),
			 0);
	assert_int_equal(ping(bep, 5000), 0);
	rpc_attach_fini(&ai);

	/* a port nobody listens on: refused */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd                  = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	close(fd);
	assert_int_equal(rpc_boot_query("127.0.0.1", ntohs(sin.sin_port), 2000, &body, &len),
			 -DER_UNREACH);
	/* a listener that never answers: timed out */
	fd          = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = 0;
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	t0 = now_ms();
	assert_int_equal(rpc_boot_query("127.0.0.1", ntohs(sin.sin_port), 300, &body, &len),
			 -DER_TIMEDOUT);
	assert_true(now_ms() - t0 < 2000);
	close(fd);
	assert_int_equal(rpc_boot_query("no such host name.invalid", 1, 300, &body, &len),
			 -DER_INVAL);
	/* something that is not our server: a peer that closes at once */
	fd           = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = 0;
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	{
		/* a child answers the query with 40 bytes of something else */
		int  rc;
		char junk[RPC_WIRE_HDR_LEN];

		rc = fork();
		if (rc == 0) {
			int c = accept(fd, NULL, NULL);

			if (recv(c, junk, sizeof(junk), MSG_WAITALL) > 0 &&
			    send(c, "HTTP/1.0 400 Bad\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n", 40, 0) > 0)
				close(c);
			_exit(0);
		}
		assert_true(rc > 0);
		assert_int_equal(rpc_boot_query("127.0.0.1", ntohs(sin.sin_port), 2000, &body,
						&len),
				 -DER_PROTO);
		waitpid(rc, NULL, 0);
	}
	close(fd);
}

/* ---- calls from a server ULT (sched mode rpc_call_wait, timer ULT) ---- */

static void
test_server_calls(void **state)
{
	struct rpc_call call = {.rc_opcode = OPC_FORWARD, .rc_body = srv2.ts_addr,
				.rc_body_len = (uint32_t)srv2.ts_addr_len};
	int             i;

	(void)state;
	for (i = 0; i < 20; i++) {
		assert_int_equal(rpc_call_wait(ep, &call), 0);
		rpc_call_fini(&call);
	}
}

/* ---- an idle server sleeps ---- */

static void
test_idle_cpu(void **state)
{
	clockid_t       cid;
	struct timespec a;
	struct timespec b;
	double          used;

	(void)state;
	assert_int_equal(ping(ep, 5000), 0);
	assert_int_equal(pthread_getcpuclockid(srv.ts_thread, &cid), 0);
	usleep(100 * 1000);
	clock_gettime(cid, &a);
	usleep(1000 * 1000);
	clock_gettime(cid, &b);
	used = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	print_message("idle server thread: %.2f%% of a core\n", used * 100);
	/* a spinning loop uses the whole second; a sleeping one almost none. The
	 * bound is loose so a loaded or sanitized machine cannot fail it. */
	assert_true(used < 0.25);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ping),
	    cmocka_unit_test(test_inline),
	    cmocka_unit_test(test_bulk_put),
	    cmocka_unit_test(test_bulk_get),
	    cmocka_unit_test(test_queue_depth),
	    cmocka_unit_test(test_nosys),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_fault_injection),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_boot),
	    cmocka_unit_test(test_server_calls),
	    cmocka_unit_test(test_idle_cpu),
	};

	return cmocka_run_group_tests_name("rpc", tests, setup, teardown);
}
