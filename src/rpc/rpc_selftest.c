/* Selftest service: ping and bulk handlers that rpc_perf and the tests measure. */
#include <string.h>
#include <gurt/common.h>
#include "common/proto.h"
#include "rpc/rpc_internal.h"

/*
 * One growable buffer per use. Handlers of one context run concurrently (each
 * parked in UCX), so a buffer that grows is retired, not freed, while an older
 * handler may still read it; retired ones go at rpc_selftest_fini.
 */
struct rpc_st_buf {
	d_list_t sb_link;
	uint8_t *sb_buf;
	size_t   sb_len;
};

struct rpc_selftest {
	struct rpc_st_buf *st_src;  /* BULK_GET source, filled with the pattern */
	struct rpc_st_buf *st_sink; /* BULK_PUT destination when nothing is checked */
	d_list_t           st_retired;
};

uint32_t
rpc_selftest_sum(const void *buf, uint64_t len, uint32_t seed)
{
	const uint8_t *p = buf;
	uint32_t       a = seed & 0xffff;
	uint32_t       b = seed >> 16;
	uint64_t       i;

	for (i = 0; i < len; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return (b << 16) | a;
}

static struct rpc_st_buf *
rpc_st_grow(struct rpc_selftest *st, struct rpc_st_buf **slot, size_t len, bool pattern)
{
	struct rpc_st_buf *nb;
	size_t             cap = 4096;
	size_t             i;

	if (*slot != NULL && (*slot)->sb_len >= len)
		return *slot;
	while (cap < len)
		cap *= 2;
	D_ALLOC_PTR(nb);
	if (nb == NULL)
		return NULL;
	D_ALLOC_NZ(nb->sb_buf, cap);
	if (nb->sb_buf == NULL) {
		D_FREE(nb);
		return NULL;
	}
	nb->sb_len = cap;
	if (pattern)
		for (i = 0; i < cap; i++)
			nb->sb_buf[i] = rpc_selftest_pattern(i);
	if (*slot != NULL)
		d_list_add_tail(&(*slot)->sb_link, &st->st_retired);
	*slot = nb;
	return nb;
}

static void
rpc_st_free(struct rpc_st_buf *b)
{
	if (b == NULL)
		return;
	D_FREE(b->sb_buf);
	D_FREE(b);
}

void
rpc_selftest_fini(struct rpc_ctx *ctx)
{
	struct rpc_selftest *st = ctx->c_selftest;
	struct rpc_st_buf   *b;
	struct rpc_st_buf   *tmp;

	if (st == NULL)
		return;
	d_list_for_each_entry_safe(b, tmp, &st->st_retired, sb_link)
		rpc_st_free(b);
	rpc_st_free(st->st_src);
	rpc_st_free(st->st_sink);
	D_FREE(st);
	ctx->c_selftest = NULL;
}

static void
rpc_st_ping(struct rpc_req *req, void *arg)
{
	const void *body;
	uint32_t    len;

	(void)arg;
	body = rpc_req_body(req, &len);
	rpc_reply(req, 0, body, len, NULL);
}

static void
rpc_st_bulk_put(struct rpc_req *req, void *arg)
{
	struct rpc_ctx      *ctx = arg;
	struct rpc_selftest *st  = ctx->c_selftest;
	uint64_t             n   = rpc_req_bulk_len(req);
	struct rpc_st_buf   *sink;
	uint8_t             *priv = NULL;
	d_iov_t              iov;
	d_sg_list_t          sgl  = {.sg_nr = 1, .sg_iovs = &iov};
	struct ddec          d;
	struct denc          e;
	uint32_t             flags;
	uint32_t             sum = 0;
	uint32_t             blen;
	const void          *body;
	void                *out = NULL;
	uint32_t             olen = 0;
	int                  rc;

	body = rpc_req_body(req, &blen);
	ddec_init(&d, body, blen);
	flags = ddec_u32(&d);
	rc    = ddec_finish(&d);
	if (rc != 0 || n > RPC_SELFTEST_BULK_MAX) {
		rc = rc != 0 ? rc : -DER_INVAL;
		goto out;
	}
	if (flags & 1) {
		/* Checked payloads get their own buffer: concurrent puts must not mix. */
		D_ALLOC_NZ(priv, n > 0 ? n : 1);
		if (priv == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
		d_iov_set(&iov, priv, n);
	} else {
		sink = rpc_st_grow(st, &st->st_sink, n, false);
		if (sink == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
		d_iov_set(&iov, sink->sb_buf, n);
	}
	rc = rpc_req_bulk_get(req, &sgl);
	if (rc != 0)
		goto out;
	if (flags & 1)
		sum = rpc_selftest_sum(priv, n, 1);
	denc_init(&e);
	denc_u64(&e, n);
	denc_u32(&e, sum);
	rc = denc_finish(&e, 0, &out, &olen);
out:
	rpc_reply(req, rc, out, olen, NULL);
	D_FREE(out);
	D_FREE(priv);
}

static void
rpc_st_bulk_get(struct rpc_req *req, void *arg)
{
	struct rpc_ctx      *ctx = arg;
	struct rpc_selftest *st  = ctx->c_selftest;
	struct rpc_st_buf   *src;
	d_iov_t              iov;
	d_sg_list_t          sgl = {.sg_nr = 1, .sg_iovs = &iov};
	struct ddec          d;
	const void          *body;
	uint32_t             blen;
	uint64_t             n;
	int                  rc;

	body = rpc_req_body(req, &blen);
	ddec_init(&d, body, blen);
	n  = ddec_u64(&d);
	rc = ddec_finish(&d);
	if (rc == 0 && n > RPC_SELFTEST_BULK_MAX)
		rc = -DER_INVAL;
	if (rc != 0) {
		rpc_reply(req, rc, NULL, 0, NULL);
		return;
	}
	src = rpc_st_grow(st, &st->st_src, n, true);
	if (src == NULL) {
		rpc_reply(req, -DER_NOMEM, NULL, 0, NULL);
		return;
	}
	d_iov_set(&iov, src->sb_buf, n);
	rpc_reply(req, 0, NULL, 0, n > 0 ? &sgl : NULL);
}

int
rpc_selftest_register(struct rpc_ctx *ctx)
{
	struct rpc_selftest *st;
	int                  rc;

	if (ctx == NULL || ctx->c_sched == NULL)
		return -DER_INVAL;
	if (ctx->c_selftest != NULL)
		return -DER_EXIST;
	D_ALLOC_PTR(st);
	if (st == NULL)
		return -DER_NOMEM;
	D_INIT_LIST_HEAD(&st->st_retired);
	ctx->c_selftest = st;
	rc = rpc_register_inline(ctx, RPC_OPC_SELFTEST_PING, rpc_st_ping, ctx);
	if (rc == 0)
		rc = rpc_register(ctx, RPC_OPC_SELFTEST_BULK_PUT, rpc_st_bulk_put, ctx);
	if (rc == 0)
		rc = rpc_register(ctx, RPC_OPC_SELFTEST_BULK_GET, rpc_st_bulk_get, ctx);
	return rc;
}
