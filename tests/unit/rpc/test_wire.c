/*
 * The wire header and attach-info codecs: round trips, every rejected field,
 * and a seeded mutational fuzzer over both decoders (RPC_FUZZ_INPUTS inputs,
 * RPC_FUZZ_SEED; the long variant runs a million).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gurt/common.h>
#include "rpc/rpc.h"

static struct rpc_wire_hdr
good_hdr(void)
{
	struct rpc_wire_hdr h = {
	    .wh_magic    = RPC_MAGIC,
	    .wh_version  = RPC_PROTO_VERSION,
	    .wh_opcode   = 17,
	    .wh_flags    = 0,
	    .wh_status   = -1005,
	    .wh_req_id   = 0x0102030405060708ull,
	    .wh_body_len = 100,
	    .wh_bulk_len = 0,
	};

	return h;
}

static void
test_roundtrip(void **state)
{
	struct rpc_wire_hdr h = good_hdr();
	struct rpc_wire_hdr d;
	uint8_t             buf[RPC_WIRE_HDR_LEN + 8];

	(void)state;
	rpc_wire_encode(&h, buf);
	/* Little-endian on the wire, whatever the host. */
	assert_int_equal(buf[0], 0x44);
	assert_int_equal(buf[3], 0x50);
	assert_int_equal(buf[16], 0x08);
	assert_int_equal(buf[23], 0x01);
	assert_int_equal(rpc_wire_decode(buf, RPC_WIRE_HDR_LEN, 100, &d), 0);
	assert_memory_equal(&h, &d, sizeof(h));

	h.wh_flags    = RPC_WF_REPLY | RPC_WF_BODY_IN_HDR;
	h.wh_body_len = 8;
	h.wh_bulk_len = 1 << 20;
	rpc_wire_encode(&h, buf);
	assert_int_equal(rpc_wire_decode(buf, RPC_WIRE_HDR_LEN + 8, 1 << 20, &d), 0);
	assert_memory_equal(&h, &d, sizeof(h));
}

/* Encode h, then expect decode(hdr_len, data_len) to give rc. */
static void
expect(struct rpc_wire_hdr h, size_t hdr_len, uint64_t data_len, int rc)
{
	uint8_t             buf[RPC_WIRE_HDR_LEN + RPC_BULK_BODY_MAX + 1];
	struct rpc_wire_hdr d;

	memset(buf, 0, sizeof(buf));
	rpc_wire_encode(&h, buf);
	assert_int_equal(rpc_wire_decode(buf, hdr_len, data_len, &d), rc);
}

static void
test_rejects(void **state)
{
	struct rpc_wire_hdr h;
	struct rpc_wire_hdr d;
	uint8_t             buf[RPC_WIRE_HDR_LEN];

	(void)state;
	h = good_hdr();
	expect(h, RPC_WIRE_HDR_LEN, 100, 0);
	expect(h, RPC_WIRE_HDR_LEN - 1, 100, -DER_PROTO); /* truncated */
	expect(h, RPC_WIRE_HDR_LEN + 1, 100, -DER_PROTO); /* trailing header bytes */
	expect(h, RPC_WIRE_HDR_LEN, 99, -DER_PROTO);      /* body shorter than announced */
	expect(h, RPC_WIRE_HDR_LEN, 101, -DER_PROTO);
	h.wh_magic = 0x12345678;
	expect(h, RPC_WIRE_HDR_LEN, 100, -DER_PROTO);
	h         = good_hdr();
	h.wh_version = RPC_PROTO_VERSION - 1;
	expect(h, RPC_WIRE_HDR_LEN, 100, -DER_PROTO);
	h.wh_version = RPC_PROTO_VERSION + 1;
	expect(h, RPC_WIRE_HDR_LEN, 100, -DER_PROTO);
	h           = good_hdr();
	h.wh_opcode = RPC_OPC_MAX;
	expect(h, RPC_WIRE_HDR_LEN, 100, -DER_PROTO);
	h          = good_hdr();
	h.wh_flags = 1u << 7;
	expect(h, RPC_WIRE_HDR_LEN, 100, -DER_PROTO);
	h        = good_hdr();
	h.wh_pad = 1;
	expect(h, RPC_WIRE_HDR_LEN, 100, -DER_PROTO);
	h             = good_hdr();
	h.wh_body_len = RPC_BODY_MAX + 1;
	expect(h, RPC_WIRE_HDR_LEN, RPC_BODY_MAX + 1, -DER_PROTO);
	h             = good_hdr();
	h.wh_body_len = RPC_BODY_MAX;
	expect(h, RPC_WIRE_HDR_LEN, RPC_BODY_MAX, 0);
	/* bulk: flag required, body in the header, bounded */
	h             = good_hdr();
	h.wh_body_len = 8;
	h.wh_bulk_len = 4096;
	expect(h, RPC_WIRE_HDR_LEN + 8, 4096, -DER_PROTO); /* flag missing */
	h.wh_flags = RPC_WF_BODY_IN_HDR;
	expect(h, RPC_WIRE_HDR_LEN + 8, 4096, 0);
	expect(h, RPC_WIRE_HDR_LEN, 4096, -DER_PROTO);
	expect(h, RPC_WIRE_HDR_LEN + 8, 4104, -DER_PROTO);
	h.wh_bulk_len = RPC_BULK_MAX + 1;
	expect(h, RPC_WIRE_HDR_LEN + 8, RPC_BULK_MAX + 1, -DER_PROTO);
	h.wh_bulk_len = 4096;
	h.wh_body_len = RPC_BULK_BODY_MAX + 1;
	expect(h, RPC_WIRE_HDR_LEN + RPC_BULK_BODY_MAX + 1, 4096, -DER_PROTO);
	/* flag without bulk */
	h             = good_hdr();
	h.wh_flags    = RPC_WF_BODY_IN_HDR;
	expect(h, RPC_WIRE_HDR_LEN, 100, -DER_PROTO);
	/* NULL header */
	assert_int_equal(rpc_wire_decode(NULL, 40, 0, &d), -DER_PROTO);
	/* a foreign message's id is not kept (nothing answers it); ours is */
	h          = good_hdr();
	h.wh_magic = 1;
	rpc_wire_encode(&h, buf);
	rpc_wire_decode(buf, RPC_WIRE_HDR_LEN, 100, &d);
	assert_int_equal(d.wh_req_id, 0);
	h        = good_hdr();
	h.wh_pad = 3;
	rpc_wire_encode(&h, buf);
	rpc_wire_decode(buf, RPC_WIRE_HDR_LEN, 100, &d);
	assert_int_equal(d.wh_req_id, h.wh_req_id);
}

static void
make_attach(struct rpc_attach_info *ai, uint32_t n)
{
	uint32_t i;

	memset(ai, 0, sizeof(*ai));
	strcpy(ai->ai_system, "daos_server");
	ai->ai_rank        = 3;
	ai->ai_map_version = 42;
	ai->ai_nr_workers  = n;
	D_ALLOC_ARRAY(ai->ai_workers, n);
	assert_non_null(ai->ai_workers);
	for (i = 0; i < n; i++) {
		ai->ai_workers[i].wa_len = 50 + i;
		D_ALLOC(ai->ai_workers[i].wa_addr, ai->ai_workers[i].wa_len);
		assert_non_null(ai->ai_workers[i].wa_addr);
		memset(ai->ai_workers[i].wa_addr, (int)i + 1, ai->ai_workers[i].wa_len);
	}
}

static void
test_attach(void **state)
{
	struct rpc_attach_info ai;
	struct rpc_attach_info out;
	void                  *body;
	uint32_t               len;
	uint32_t               i;

	(void)state;
	make_attach(&ai, 5);
	assert_int_equal(rpc_attach_encode(&ai, &body, &len), 0);
	assert_int_equal(rpc_attach_decode(body, len, &out), 0);
	assert_string_equal(out.ai_system, "daos_server");
	assert_int_equal(out.ai_rank, 3);
	assert_int_equal(out.ai_map_version, 42);
	assert_int_equal(out.ai_nr_workers, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(out.ai_workers[i].wa_len, ai.ai_workers[i].wa_len);
		assert_memory_equal(out.ai_workers[i].wa_addr, ai.ai_workers[i].wa_addr,
				    ai.ai_workers[i].wa_len);
	}
	rpc_attach_fini(&out);
	/* every truncation fails cleanly */
	for (i = 0; i < len; i++)
		assert_int_equal(rpc_attach_decode(body, i, &out), -DER_PROTO);
	D_FREE(body);
	/* too long an address is refused at encode time */
	ai.ai_workers[0].wa_len = RPC_WORKER_ADDR_MAX + 1;
	assert_int_equal(rpc_attach_encode(&ai, &body, &len), -DER_INVAL);
	ai.ai_workers[0].wa_len = 50;
	rpc_attach_fini(&ai);
}

/* ---- fuzzing ---- */

static uint64_t rng;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static uint64_t
env_u64(const char *name, uint64_t dflt)
{
	const char *s = getenv(name);

	return s != NULL ? strtoull(s, NULL, 0) : dflt;
}

/* Flip, set, insert, delete or splice bytes of buf (len in/out, cap max). */
static void
mutate(uint8_t *buf, size_t *len, size_t cap)
{
	int n = 1 + rnd() % 4;

	while (n-- > 0) {
		size_t l = *len;
		size_t p = l > 0 ? rnd() % l : 0;

		switch (rnd() % 6) {
		case 0:
			if (l > 0)
				buf[p] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1:
			if (l > 0)
				buf[p] = (uint8_t)rnd();
			break;
		case 2: /* interesting values at a 4-aligned spot */
			if (l >= 4) {
				static const uint32_t vals[] = {0, 1, 0xffffffffu, 0x7fffffffu,
								0x80000000u, 40, 4096, 65536};
				uint32_t v = vals[rnd() % 8];

				p &= ~(size_t)3;
				if (p + 4 <= l)
					memcpy(buf + p, &v, 4);
			}
			break;
		case 3:
			if (l < cap) {
				memmove(buf + p + 1, buf + p, l - p);
				buf[p] = (uint8_t)rnd();
				(*len)++;
			}
			break;
		case 4:
			if (l > 0) {
				memmove(buf + p, buf + p + 1, l - p - 1);
				(*len)--;
			}
			break;
		default:
			*len = l > 0 ? rnd() % (l + 1) : 0;
			break;
		}
	}
}

/* Batch frames: what goes in comes out in order; any length that runs past
 * the end is refused, however large. */
static void
test_frames(void **state)
{
	uint8_t     batch[256];
	uint8_t     hdr[RPC_WIRE_HDR_LEN];
	const void *fh, *fd;
	uint32_t    hl, dl;
	size_t      len = 0, off = 0, cut;
	int         i;

	(void)state;
	memset(hdr, 0x5a, sizeof(hdr));
	len += rpc_wire_frame_put(batch + len, hdr, sizeof(hdr), "abc", 3);
	len += rpc_wire_frame_put(batch + len, hdr, sizeof(hdr), NULL, 0);
	len += rpc_wire_frame_put(batch + len, NULL, 0, "z", 1);
	assert_int_equal(len, 3 * RPC_WIRE_FRAME_HDR + 2 * sizeof(hdr) + 4);
	for (i = 0; i < 3; i++) {
		assert_int_equal(rpc_wire_frame_next(batch, len, &off, &fh, &hl, &fd, &dl), 1);
		assert_int_equal(hl, i < 2 ? sizeof(hdr) : 0);
		assert_int_equal(dl, i == 0 ? 3 : i == 1 ? 0 : 1);
		if (i == 0)
			assert_memory_equal(fd, "abc", 3);
	}
	assert_int_equal(rpc_wire_frame_next(batch, len, &off, &fh, &hl, &fd, &dl), 0);
	assert_int_equal(off, len);

	/* every cut inside a frame is a malformed tail, never a read past it */
	for (cut = 1; cut < len; cut++) {
		int rc = 0;

		off = 0;
		while ((rc = rpc_wire_frame_next(batch, cut, &off, &fh, &hl, &fd, &dl)) > 0)
			assert_true(off <= cut);
		assert_true(rc == 0 || rc == -DER_PROTO);
		assert_true(rc == -DER_PROTO || off == cut);
	}
	/* lengths near 2^32 must not wrap the bounds check */
	memset(batch, 0xff, 8);
	off = 0;
	assert_int_equal(rpc_wire_frame_next(batch, 64, &off, &fh, &hl, &fd, &dl), -DER_PROTO);
	batch[0] = 4;
	batch[1] = batch[2] = batch[3] = 0;
	assert_int_equal(rpc_wire_frame_next(batch, 64, &off, &fh, &hl, &fd, &dl), -DER_PROTO);
	assert_int_equal(off, 0);
}

/* Walk a mutated batch; every frame must lie inside it. */
static uint64_t
fuzz_frames(const uint8_t *buf, size_t len)
{
	const void *fh, *fd;
	uint32_t    hl, dl;
	size_t      off = 0;
	uint64_t    n   = 0;
	uint8_t    *in;

	D_ALLOC(in, len > 0 ? len : 1);
	assert_non_null(in);
	memcpy(in, buf, len);
	while (rpc_wire_frame_next(in, len, &off, &fh, &hl, &fd, &dl) > 0) {
		assert_true((const uint8_t *)fd + dl <= in + len);
		assert_true((const uint8_t *)fh + hl == (const uint8_t *)fd);
		n++;
	}
	D_FREE(in);
	return n;
}

static void
test_fuzz(void **state)
{
	uint64_t               inputs = env_u64("RPC_FUZZ_INPUTS", 50000);
	uint64_t               i;
	uint64_t               ok_hdr = 0;
	uint64_t               ok_ai  = 0;
	uint64_t               frames = 0;
	uint8_t                seed_batch[3 * (RPC_WIRE_FRAME_HDR + RPC_WIRE_HDR_LEN + 16)];
	size_t                 seed_batch_len = 0;
	struct rpc_attach_info ai;
	void                  *seed_ai;
	uint32_t               seed_ai_len;
	uint8_t                seed_hdr[RPC_WIRE_HDR_LEN + 64];
	uint8_t                buf[8192];
	struct rpc_wire_hdr    h = good_hdr();

	(void)state;
	rng = env_u64("RPC_FUZZ_SEED", 0x9e3779b97f4a7c15ull) | 1;
	print_message("fuzz: %" PRIu64 " inputs, seed %#" PRIx64 "\n", inputs, rng);
	h.wh_flags    = RPC_WF_BODY_IN_HDR;
	h.wh_body_len = 64;
	h.wh_bulk_len = 1 << 20;
	rpc_wire_encode(&h, seed_hdr);
	memset(seed_hdr + RPC_WIRE_HDR_LEN, 0xab, 64);
	make_attach(&ai, 3);
	assert_int_equal(rpc_attach_encode(&ai, &seed_ai, &seed_ai_len), 0);
	rpc_attach_fini(&ai);
	for (i = 0; i < 3; i++)
		seed_batch_len += rpc_wire_frame_put(seed_batch + seed_batch_len, seed_hdr,
						     RPC_WIRE_HDR_LEN, seed_hdr, 16);

	for (i = 0; i < inputs; i++) {
		struct rpc_wire_hdr d;
		struct rpc_attach_info out;
		size_t              len;
		uint8_t            *in;

		if (i % 3 == 2) {
			len = seed_batch_len;
			memcpy(buf, seed_batch, len);
			mutate(buf, &len, sizeof(buf));
			frames += fuzz_frames(buf, len);
		} else if (i % 3 == 0) {
			uint64_t data_len;

			len = sizeof(seed_hdr);
			memcpy(buf, seed_hdr, len);
			mutate(buf, &len, sizeof(buf));
			data_len = rnd() % 4 == 0 ? (uint64_t)rnd() : (1u << 20);
			/* exact-size copy so ASan sees any read past the end */
			D_ALLOC(in, len > 0 ? len : 1);
			assert_non_null(in);
			memcpy(in, buf, len);
			if (rpc_wire_decode(in, len, data_len, &d) == 0) {
				ok_hdr++;
				assert_true(d.wh_opcode < RPC_OPC_MAX);
				assert_true(d.wh_body_len <= RPC_BODY_MAX);
				assert_true(d.wh_bulk_len <= RPC_BULK_MAX);
				assert_int_equal(len, RPC_WIRE_HDR_LEN +
							  (d.wh_bulk_len ? d.wh_body_len : 0));
			}
			D_FREE(in);
		} else {
			len = seed_ai_len;
			memcpy(buf, seed_ai, len);
			mutate(buf, &len, sizeof(buf));
			D_ALLOC(in, len > 0 ? len : 1);
			assert_non_null(in);
			memcpy(in, buf, len);
			if (rpc_attach_decode(in, (uint32_t)len, &out) == 0) {
				ok_ai++;
				assert_true(out.ai_nr_workers <= RPC_ATTACH_WORKERS_MAX);
				rpc_attach_fini(&out);
			}
			D_FREE(in);
		}
	}
	print_message("fuzz: %" PRIu64 " headers, %" PRIu64 " attach bodies and %" PRIu64
		      " batch frames accepted\n", ok_hdr, ok_ai, frames);
	D_FREE(seed_ai);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_attach),
	    cmocka_unit_test(test_frames),
	    cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests_name("rpc_wire", tests, NULL, NULL);
}
