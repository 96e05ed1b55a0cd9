/* The wire header, worker addresses and the attach info: pure codecs, no UCX. */
#include <string.h>
#include <isa-l.h>
#include <gurt/common.h>
#include "common/proto.h"
#include "rpc/rpc.h"

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | ((uint32_t)get16(p + 2) << 16);
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | ((uint64_t)get32(p + 4) << 32);
}

void
rpc_wire_encode(const struct rpc_wire_hdr *h, void *buf)
{
	uint8_t *p = buf;

	put32(p + 0, h->wh_magic);
	put16(p + 4, h->wh_version);
	put16(p + 6, h->wh_opcode);
	put32(p + 8, h->wh_flags);
	put32(p + 12, (uint32_t)h->wh_status);
	put64(p + 16, h->wh_req_id);
	put32(p + 24, h->wh_body_len);
	put32(p + 28, h->wh_pad);
	put64(p + 32, h->wh_bulk_len);
}

int
rpc_wire_decode(const void *hdr, size_t hdr_len, uint64_t data_len, struct rpc_wire_hdr *h)
{
	const uint8_t *p = hdr;

	memset(h, 0, sizeof(*h));
	if (hdr == NULL || hdr_len < RPC_WIRE_HDR_LEN)
		return -DER_PROTO;
	h->wh_magic    = get32(p + 0);
	h->wh_version  = get16(p + 4);
	h->wh_opcode   = get16(p + 6);
	h->wh_flags    = get32(p + 8);
	h->wh_status   = (int32_t)get32(p + 12);
	h->wh_req_id   = get64(p + 16);
	h->wh_body_len = get32(p + 24);
	h->wh_pad      = get32(p + 28);
	h->wh_bulk_len = get64(p + 32);

	/* A foreign message's request id means nothing: do not let it be answered. */
	if (h->wh_magic != RPC_MAGIC || h->wh_version != RPC_PROTO_VERSION) {
		h->wh_req_id = 0;
		return -DER_PROTO;
	}
	if (h->wh_opcode >= RPC_OPC_MAX || (h->wh_flags & ~(uint32_t)RPC_WF_ALL) != 0 ||
	    h->wh_pad != 0 || h->wh_body_len > RPC_BODY_MAX || h->wh_bulk_len > RPC_BULK_MAX)
		return -DER_PROTO;
	if (h->wh_bulk_len == 0) {
		if ((h->wh_flags & RPC_WF_BODY_IN_HDR) || hdr_len != RPC_WIRE_HDR_LEN ||
		    data_len != h->wh_body_len)
			return -DER_PROTO;
	} else {
		if (!(h->wh_flags & RPC_WF_BODY_IN_HDR) || h->wh_body_len > RPC_BULK_BODY_MAX ||
		    hdr_len != RPC_WIRE_HDR_LEN + (size_t)h->wh_body_len ||
		    data_len != h->wh_bulk_len)
			return -DER_PROTO;
	}
	return 0;
}

/* ---- batch frames ---- */

size_t
rpc_wire_frame_put(void *buf, const void *hdr, uint32_t hdr_len, const void *data,
		   uint32_t data_len)
{
	uint8_t *p = buf;

	put32(p, hdr_len);
	put32(p + 4, data_len);
	if (hdr_len > 0)
		memcpy(p + RPC_WIRE_FRAME_HDR, hdr, hdr_len);
	if (data_len > 0)
		memcpy(p + RPC_WIRE_FRAME_HDR + hdr_len, data, data_len);
	return RPC_WIRE_FRAME_HDR + (size_t)hdr_len + data_len;
}

int
rpc_wire_frame_next(const void *batch, size_t len, size_t *off, const void **hdr,
		    uint32_t *hdr_len, const void **data, uint32_t *data_len)
{
	const uint8_t *p;
	size_t         left;
	uint32_t       hl, dl;

	if (*off >= len)
		return 0;
	p    = (const uint8_t *)batch + *off;
	left = len - *off;
	if (left < RPC_WIRE_FRAME_HDR)
		return -DER_PROTO;
	hl = get32(p);
	dl = get32(p + 4);
	/* compared one by one so that no sum can wrap */
	if (hl > left - RPC_WIRE_FRAME_HDR || dl > left - RPC_WIRE_FRAME_HDR - hl)
		return -DER_PROTO;
	*hdr      = p + RPC_WIRE_FRAME_HDR;
	*hdr_len  = hl;
	*data     = p + RPC_WIRE_FRAME_HDR + hl;
	*data_len = dl;
	*off += RPC_WIRE_FRAME_HDR + (size_t)hl + dl;
	return 1;
}

/* ---- worker addresses ---- */

static uint32_t
addr_csum(const uint8_t *uaddr, size_t ulen)
{
	return crc32_iscsi((unsigned char *)uaddr, (int)ulen, 0);
}

int
rpc_addr_wrap(const void *uaddr, size_t ulen, const struct rpc_host_id *id, void **addr,
	      size_t *len)
{
	uint8_t *p;

	D_ALLOC(p, RPC_ADDR_HDR_LEN + ulen);
	if (p == NULL)
		return -DER_NOMEM;
	put32(p, RPC_ADDR_MAGIC);
	memcpy(p + 8, id->hi_boot, sizeof(id->hi_boot));
	put64(p + 24, id->hi_pidns_dev);
	put64(p + 32, id->hi_pidns_ino);
	put32(p + 40, id->hi_pid);
	put32(p + 44, id->hi_uid);
	put64(p + 48, id->hi_start);
	memcpy(p + RPC_ADDR_HDR_LEN, uaddr, ulen);
	put32(p + 4, addr_csum(p + 8, RPC_ADDR_HDR_LEN - 8 + ulen));
	*addr = p;
	*len  = RPC_ADDR_HDR_LEN + ulen;
	return 0;
}

bool
rpc_addr_check(const void *addr, size_t len)
{
	const uint8_t *p = addr;

	return len > RPC_ADDR_HDR_LEN && get32(p) == RPC_ADDR_MAGIC &&
	       get32(p + 4) == addr_csum(p + 8, len - 8);
}

void
rpc_addr_host_id(const void *addr, struct rpc_host_id *id)
{
	const uint8_t *p = addr;

	memcpy(id->hi_boot, p + 8, sizeof(id->hi_boot));
	id->hi_pidns_dev = get64(p + 24);
	id->hi_pidns_ino = get64(p + 32);
	id->hi_pid       = get32(p + 40);
	id->hi_uid       = get32(p + 44);
	id->hi_start     = get64(p + 48);
}

/* ---- attach info ---- */

int
rpc_attach_encode(const struct rpc_attach_info *ai, void **body, uint32_t *len)
{
	struct denc e;
	uint32_t    i;

	if (ai->ai_nr_workers > RPC_ATTACH_WORKERS_MAX ||
	    strnlen(ai->ai_system, sizeof(ai->ai_system)) > RPC_SYSTEM_NAME_MAX)
		return -DER_INVAL;
	for (i = 0; i < ai->ai_nr_workers; i++)
		if (ai->ai_workers[i].wa_len > RPC_WORKER_ADDR_MAX)
			return -DER_INVAL;
	denc_init(&e);
	denc_str(&e, ai->ai_system);
	denc_u32(&e, ai->ai_rank);
	denc_u32(&e, ai->ai_map_version);
	denc_u32(&e, ai->ai_nr_workers);
	for (i = 0; i < ai->ai_nr_workers; i++)
		denc_bytes(&e, ai->ai_workers[i].wa_addr, ai->ai_workers[i].wa_len);
	return denc_finish(&e, RPC_BODY_MAX, body, len);
}

void
rpc_attach_fini(struct rpc_attach_info *ai)
{
	uint32_t i;

	for (i = 0; ai->ai_workers != NULL && i < ai->ai_nr_workers; i++)
		D_FREE(ai->ai_workers[i].wa_addr);
	D_FREE(ai->ai_workers);
	ai->ai_nr_workers = 0;
}

int
rpc_attach_decode(const void *body, uint32_t len, struct rpc_attach_info *ai)
{
	struct ddec d;
	uint32_t    n;
	uint32_t    i;
	int         rc;

	memset(ai, 0, sizeof(*ai));
	ddec_init(&d, body, len);
	ddec_str(&d, ai->ai_system, sizeof(ai->ai_system));
	ai->ai_rank        = ddec_u32(&d);
	ai->ai_map_version = ddec_u32(&d);
	/* Each address costs at least its 4-byte length: a count the body cannot hold fails. */
	n = ddec_count(&d, RPC_ATTACH_WORKERS_MAX, 4);
	rc = ddec_finish(&d);
	if (rc != 0)
		return rc;
	if (n > 0) {
		D_ALLOC_ARRAY(ai->ai_workers, n);
		if (ai->ai_workers == NULL)
			return -DER_NOMEM;
	}
	ai->ai_nr_workers = n;
	for (i = 0; i < n; i++) {
		const void *a;
		size_t      alen;

		a = ddec_bytes(&d, &alen);
		if (a == NULL || alen == 0 || alen > RPC_WORKER_ADDR_MAX) {
			rc = -DER_PROTO;
			goto out;
		}
		D_ALLOC(ai->ai_workers[i].wa_addr, alen);
		if (ai->ai_workers[i].wa_addr == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
		memcpy(ai->ai_workers[i].wa_addr, a, alen);
		ai->ai_workers[i].wa_len = alen;
	}
	rc = ddec_finish(&d);
out:
	if (rc != 0)
		rpc_attach_fini(ai);
	return rc;
}
