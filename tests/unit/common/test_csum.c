/*
 * Checksums: published check values, agreement with bit-by-bit reference CRCs, sgl
 * and chunked extent computation against one-shot over a flat copy, verify, bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/csum.h"

static const char check_input[] = "123456789";

/* Reflected CRC, one bit at a time: the textbook definition, independent of ISA-L. */
static uint64_t
ref_crc_refl(uint64_t crc, uint64_t poly, const uint8_t *buf, size_t len)
{
	size_t i;
	int    b;

	for (i = 0; i < len; i++) {
		crc ^= buf[i];
		for (b = 0; b < 8; b++)
			crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
	}
	return crc;
}

/* CRC-16/T10-DIF: polynomial 0x8BB7, not reflected, seed 0, no final XOR. */
static uint16_t
ref_crc16_t10dif(const uint8_t *buf, size_t len)
{
	uint16_t crc = 0;
	size_t   i;
	int      b;

	for (i = 0; i < len; i++) {
		crc ^= (uint16_t)(buf[i] << 8);
		for (b = 0; b < 8; b++)
			crc =
			    (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x8BB7) : (uint16_t)(crc << 1);
	}
	return crc;
}

static uint32_t
ref_adler32_seed0(const uint8_t *buf, size_t len)
{
	uint32_t a = 0, b = 0;
	size_t   i;

	for (i = 0; i < len; i++) {
		a = (a + buf[i]) % 65521;
		b = (b + a) % 65521;
	}
	return (b << 16) | a;
}

/* What each type must produce, from the references above. */
static uint64_t
ref_csum(int type, const uint8_t *buf, size_t len)
{
	switch (type) {
	case DCS_TYPE_CRC16:
		return ref_crc16_t10dif(buf, len);
	case DCS_TYPE_CRC32:
		return ref_crc_refl(0, 0x82F63B78, buf, len);
	case DCS_TYPE_CRC32C:
		return ref_crc_refl(0xffffffff, 0x82F63B78, buf, len) ^ 0xffffffff;
	case DCS_TYPE_CRC64:
		return ref_crc_refl(UINT64_MAX, 0xC96C5795D7870F42ULL, buf, len) ^ UINT64_MAX;
	case DCS_TYPE_ADLER32:
		return ref_adler32_seed0(buf, len);
	default:
		fail();
		return 0;
	}
}

static const int all_types[] = {DCS_TYPE_CRC16, DCS_TYPE_CRC32, DCS_TYPE_CRC32C, DCS_TYPE_CRC64,
                                DCS_TYPE_ADLER32};

static uint64_t
csum_value(const struct dcs_csummer *cs, const uint8_t *csum)
{
	uint64_t v = 0;
	int      i;

	for (i = dcs_csum_len(cs) - 1; i >= 0; i--)
		v = (v << 8) | csum[i];
	return v;
}

static uint64_t
one_shot(int type, const void *buf, size_t len)
{
	struct dcs_csummer cs;
	uint8_t            csum[DCS_CSUM_LEN_MAX];

	assert_int_equal(dcs_csummer_init(&cs, type, 0), 0);
	assert_int_equal(dcs_compute(&cs, buf, len, csum, sizeof(csum)), 0);
	return csum_value(&cs, csum);
}

static void
fill_random(uint8_t *buf, size_t len, unsigned int seed)
{
	size_t i;

	srand(seed);
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)rand();
}

static void
test_check_values(void **state)
{
	struct dcs_csummer cs;
	uint8_t            csum[DCS_CSUM_LEN_MAX];

	(void)state;
	/* Published check values of the catalogued CRCs. */
	assert_int_equal(one_shot(DCS_TYPE_CRC16, check_input, 9), 0xD0DB);
	assert_int_equal(one_shot(DCS_TYPE_CRC32C, check_input, 9), 0xE3069283);
	assert_int_equal(one_shot(DCS_TYPE_CRC64, check_input, 9), 0x995DC9BBDF1939FAULL);
	/* DAOS's crc32 is the raw CRC-32C register from seed 0: no published value exists. */
	assert_int_equal(one_shot(DCS_TYPE_CRC32, check_input, 9),
	                 ref_crc_refl(0, 0x82F63B78, (const uint8_t *)check_input, 9));
	assert_int_equal(one_shot(DCS_TYPE_ADLER32, check_input, 9),
	                 ref_adler32_seed0((const uint8_t *)check_input, 9));

	/* Stored little-endian. */
	assert_int_equal(dcs_csummer_init(&cs, DCS_TYPE_CRC32C, 0), 0);
	assert_int_equal(dcs_compute(&cs, check_input, 9, csum, 4), 0);
	assert_memory_equal(csum, "\x83\x92\x06\xe3", 4);
}

static void
test_against_reference(void **state)
{
	static const size_t lens[] = {1, 3, 15, 16, 17, 63, 64, 65, 255, 256, 1000, 4096, 70001};
	uint8_t            *buf;
	size_t              i, t;

	(void)state;
	buf = malloc(70001);
	assert_non_null(buf);
	fill_random(buf, 70001, 7);
	/* Lengths and offsets that take ISA-L through its vector and tail paths. */
	for (t = 0; t < ARRAY_SIZE(all_types); t++)
		for (i = 0; i < ARRAY_SIZE(lens); i++) {
			assert_int_equal(one_shot(all_types[t], buf, lens[i]),
			                 ref_csum(all_types[t], buf, lens[i]));
			assert_int_equal(one_shot(all_types[t], buf + 1, lens[i] - 1),
			                 ref_csum(all_types[t], buf + 1, lens[i] - 1));
		}
	free(buf);
}

static void
test_types_and_names(void **state)
{
	struct dcs_csummer cs;

	(void)state;
	assert_int_equal(dcs_type_from_name("crc16"), DCS_TYPE_CRC16);
	assert_int_equal(dcs_type_from_name("CRC32"), DCS_TYPE_CRC32);
	assert_int_equal(dcs_type_from_name("Crc32C"), DCS_TYPE_CRC32C);
	assert_int_equal(dcs_type_from_name("crc64"), DCS_TYPE_CRC64);
	assert_int_equal(dcs_type_from_name("adler32"), DCS_TYPE_ADLER32);
	assert_int_equal(dcs_type_from_name("sha1"), DCS_TYPE_SHA1);
	assert_int_equal(dcs_type_from_name("crc"), -DER_INVAL);
	assert_int_equal(dcs_type_from_name("crc32x"), -DER_INVAL);
	assert_int_equal(dcs_type_from_name(""), -DER_INVAL);
	assert_int_equal(dcs_type_from_name(NULL), -DER_INVAL);
	assert_string_equal(dcs_type_name(DCS_TYPE_CRC64), "crc64");
	assert_string_equal(dcs_type_name(DCS_TYPE_SHA256), "sha256");
	assert_null(dcs_type_name(DCS_TYPE_UNKNOWN));
	assert_null(dcs_type_name(42));

	assert_int_equal(dcs_type_csum_len(DCS_TYPE_CRC16), 2);
	assert_int_equal(dcs_type_csum_len(DCS_TYPE_CRC32), 4);
	assert_int_equal(dcs_type_csum_len(DCS_TYPE_CRC32C), 4);
	assert_int_equal(dcs_type_csum_len(DCS_TYPE_CRC64), 8);
	assert_int_equal(dcs_type_csum_len(DCS_TYPE_SHA1), 0);

	assert_int_equal(dcs_csummer_init(&cs, DCS_TYPE_UNKNOWN, 0), -DER_INVAL);
	assert_int_equal(dcs_csummer_init(&cs, DCS_TYPE_END, 0), -DER_INVAL);
	assert_int_equal(dcs_csummer_init(&cs, -1, 0), -DER_INVAL);
	assert_int_equal(dcs_csummer_init(&cs, 1000, 0), -DER_INVAL);
	assert_int_equal(dcs_csummer_init(NULL, DCS_TYPE_CRC16, 0), -DER_INVAL);
	assert_int_equal(dcs_csummer_init(&cs, DCS_TYPE_SHA512, 0), -DER_NOTSUPPORTED);
	assert_int_equal(dcs_csummer_init_name(&cs, "sha1", 0), -DER_NOTSUPPORTED);
	assert_int_equal(dcs_csummer_init_name(&cs, "md5", 0), -DER_INVAL);

	assert_int_equal(dcs_csummer_init_name(&cs, "CRC64", 0), 0);
	assert_int_equal(cs.dc_type, DCS_TYPE_CRC64);
	assert_int_equal(dcs_csum_len(&cs), 8);
	assert_int_equal(cs.dc_chunk_size, 32 * 1024);
	assert_int_equal(dcs_csummer_init(&cs, DCS_TYPE_CRC16, 4096), 0);
	assert_int_equal(cs.dc_chunk_size, 4096);

	/* DAOS_PROP_CO_CSUM values. */
	assert_int_equal(dcs_type_from_prop(0), DCS_TYPE_UNKNOWN);
	assert_int_equal(dcs_type_from_prop(1), DCS_TYPE_CRC16);
	assert_int_equal(dcs_type_from_prop(2), DCS_TYPE_CRC32);
	assert_int_equal(dcs_type_from_prop(3), DCS_TYPE_CRC64);
	assert_int_equal(dcs_type_from_prop(7), DCS_TYPE_ADLER32);
	assert_int_equal(dcs_type_from_prop(8), DCS_TYPE_UNKNOWN);
	assert_int_equal(dcs_type_to_prop(DCS_TYPE_CRC32), DCS_PROP_CSUM_CRC32);
	assert_int_equal(dcs_type_to_prop(DCS_TYPE_CRC32C), -DER_INVAL);
	assert_int_equal(dcs_type_to_prop(DCS_TYPE_UNKNOWN), -DER_INVAL);
	assert_int_equal(dcs_prop_from_name("off"), DCS_PROP_CSUM_OFF);
	assert_int_equal(dcs_prop_from_name("crc64"), DCS_PROP_CSUM_CRC64);
	assert_int_equal(dcs_prop_from_name("sha256"), DCS_PROP_CSUM_SHA256);
	assert_int_equal(dcs_prop_from_name("crc32c"), -DER_INVAL);
	assert_int_equal(dcs_prop_from_name("bogus"), -DER_INVAL);
}

static void
test_zero_length(void **state)
{
	struct dcs_csummer    cs;
	struct dcs_sgl_cursor cur;
	d_sg_list_t           sgl = {0};
	uint8_t               csum[DCS_CSUM_LEN_MAX];
	uint64_t              n = 99;
	size_t                t;

	(void)state;
	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		uint8_t empty_sgl_csum[DCS_CSUM_LEN_MAX];

		assert_int_equal(dcs_csummer_init(&cs, all_types[t], 0), 0);
		assert_int_equal(dcs_compute(&cs, NULL, 0, csum, sizeof(csum)), 0);
		/* Every type we offer checksums nothing to 0 (seeds and final XORs cancel). */
		assert_int_equal(csum_value(&cs, csum), 0);
		assert_int_equal(dcs_verify(&cs, "", 0, csum), 0);
		assert_int_equal(dcs_compute_sgl(&cs, &sgl, 0, 0, empty_sgl_csum, 8), 0);
		assert_true(dcs_compare(&cs, csum, empty_sgl_csum));
	}
	dcs_sgl_cursor_init(&cur, &sgl);
	assert_int_equal(dcs_extent_nchunks(&cs, 4, 100, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(dcs_compute_extent(&cs, &cur, 4, 100, 0, NULL, 0), 0);
	assert_int_equal(dcs_verify_extent(&cs, &cur, 4, 100, 0, NULL, 0), 0);
	assert_int_equal(dcs_compute(&cs, NULL, 1, csum, sizeof(csum)), -DER_INVAL);
}

static void
test_incremental(void **state)
{
	uint8_t            buf[5000];
	struct dcs_csummer cs;
	struct dcs_state   st;
	uint8_t            whole[DCS_CSUM_LEN_MAX], pieces[DCS_CSUM_LEN_MAX];
	size_t             t, pos, n;

	(void)state;
	fill_random(buf, sizeof(buf), 11);
	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		assert_int_equal(dcs_csummer_init(&cs, all_types[t], 0), 0);
		assert_int_equal(dcs_compute(&cs, buf, sizeof(buf), whole, sizeof(whole)), 0);
		dcs_start(&cs, &st);
		for (pos = 0, n = 0; pos < sizeof(buf); pos += n) {
			n = (size_t)rand() % 300;
			n = MIN(n, sizeof(buf) - pos);
			dcs_update(&st, buf + pos, n);
		}
		dcs_finish(&st, pieces);
		assert_true(dcs_compare(&cs, whole, pieces));
		/* A state can be restarted and reused. */
		dcs_start(&cs, &st);
		dcs_update(&st, buf, sizeof(buf));
		dcs_finish(&st, pieces);
		assert_memory_equal(whole, pieces, dcs_csum_len(&cs));
	}
}

/* Spread flat[0, len) over iovs of the given sizes (copies, so the sgl owns separate buffers). */
static void
sgl_from(d_sg_list_t *sgl, const uint8_t *flat, const size_t *sizes, uint32_t nr)
{
	uint32_t i;
	size_t   pos = 0;

	sgl->sg_nr = nr;
	sgl->sg_nr_out = 0;
	sgl->sg_iovs = calloc(nr, sizeof(*sgl->sg_iovs));
	assert_non_null(sgl->sg_iovs);
	for (i = 0; i < nr; i++) {
		void *b = malloc(sizes[i] + 1);

		assert_non_null(b);
		memcpy(b, flat + pos, sizes[i]);
		/* Buffers larger than their data: only iov_len counts. */
		d_iov_set(&sgl->sg_iovs[i], b, sizes[i]);
		sgl->sg_iovs[i].iov_buf_len = sizes[i] + 1;
		pos += sizes[i];
	}
}

static void
sgl_free(d_sg_list_t *sgl)
{
	uint32_t i;

	for (i = 0; i < sgl->sg_nr; i++)
		free(sgl->sg_iovs[i].iov_buf);
	free(sgl->sg_iovs);
}

/* 1000 bytes in uneven pieces, an empty iov among them. */
static const size_t uneven[] = {1, 7, 0, 100, 3, 250, 139, 500};

static void
test_sgl(void **state)
{
	uint8_t            flat[1000];
	d_sg_list_t        sgl;
	struct dcs_csummer cs;
	uint8_t            a[DCS_CSUM_LEN_MAX], b[DCS_CSUM_LEN_MAX];
	size_t             t;

	(void)state;
	fill_random(flat, sizeof(flat), 3);
	sgl_from(&sgl, flat, uneven, ARRAY_SIZE(uneven));
	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		assert_int_equal(dcs_csummer_init(&cs, all_types[t], 0), 0);
		assert_int_equal(dcs_compute(&cs, flat, sizeof(flat), a, sizeof(a)), 0);
		assert_int_equal(dcs_compute_sgl(&cs, &sgl, 0, sizeof(flat), b, sizeof(b)), 0);
		assert_true(dcs_compare(&cs, a, b));
		/* A range that starts and ends inside iovs. */
		assert_int_equal(dcs_compute(&cs, flat + 5, 600, a, sizeof(a)), 0);
		assert_int_equal(dcs_compute_sgl(&cs, &sgl, 5, 600, b, sizeof(b)), 0);
		assert_true(dcs_compare(&cs, a, b));
		assert_int_equal(dcs_verify_sgl(&cs, &sgl, 5, 600, a), 0);
	}
	/* Past the data. */
	assert_int_equal(dcs_compute_sgl(&cs, &sgl, 0, sizeof(flat) + 1, b, sizeof(b)), -DER_INVAL);
	assert_int_equal(dcs_compute_sgl(&cs, &sgl, sizeof(flat) + 1, 0, b, sizeof(b)), -DER_INVAL);
	assert_int_equal(dcs_compute_sgl(&cs, &sgl, 0, 10, b, 2), -DER_TRUNC);
	assert_int_equal(dcs_compute(&cs, flat, 10, b, dcs_csum_len(&cs) - 1), -DER_TRUNC);
	sgl_free(&sgl);
}

/* Expected per-chunk checksums of an extent, chunk by chunk from a flat copy. */
static void
check_extent(struct dcs_csummer *cs, struct dcs_sgl_cursor *cur, const uint8_t *data,
             uint64_t rec_size, uint64_t idx, uint64_t nr, uint64_t want_chunks)
{
	uint64_t recs_per_chunk = dcs_rec_chunk_size(cs, rec_size) / rec_size;
	uint64_t nchunks, i, lo, hi;
	uint8_t  csums[64 * DCS_CSUM_LEN_MAX];
	uint8_t  expect[DCS_CSUM_LEN_MAX];

	assert_int_equal(dcs_extent_nchunks(cs, rec_size, idx, nr, &nchunks), 0);
	assert_int_equal(nchunks, want_chunks);
	assert_true(nchunks <= 64);
	assert_int_equal(dcs_compute_extent(cs, cur, rec_size, idx, nr, csums, sizeof(csums)), 0);

	lo = idx;
	for (i = 0; i < nchunks; i++) {
		/* Chunk boundaries at absolute multiples of recs_per_chunk. */
		hi = MIN((lo / recs_per_chunk + 1) * recs_per_chunk, idx + nr) - 1;
		assert_int_equal(dcs_compute(cs, data + (lo - idx) * rec_size,
		                             (hi - lo + 1) * rec_size, expect, sizeof(expect)),
		                 0);
		assert_memory_equal(csums + i * dcs_csum_len(cs), expect, dcs_csum_len(cs));
		lo = hi + 1;
	}
	assert_int_equal(lo, idx + nr);
}

static void
test_extent_chunks(void **state)
{
	uint8_t               flat[1000];
	d_sg_list_t           sgl;
	struct dcs_csummer    cs;
	struct dcs_sgl_cursor cur;
	size_t                t;
	uint64_t              n;

	(void)state;
	fill_random(flat, sizeof(flat), 5);
	sgl_from(&sgl, flat, uneven, ARRAY_SIZE(uneven));
	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		/* 16-byte chunks of 3-byte records: 5 records (15 bytes) per chunk. */
		assert_int_equal(dcs_csummer_init(&cs, all_types[t], 16), 0);
		assert_int_equal(dcs_rec_chunk_size(&cs, 3), 15);
		dcs_sgl_cursor_init(&cur, &sgl);
		/* Records 7..26: chunks [7,9] [10,14] [15,19] [20,24] [25,26]. */
		check_extent(&cs, &cur, flat, 3, 7, 20, 5);
		/* The next extent's data follows in the same sgl: records 40..44, one chunk. */
		check_extent(&cs, &cur, flat + 60, 3, 40, 5, 1);
		/* A single record is always one chunk. */
		check_extent(&cs, &cur, flat + 75, 3, 1000000, 1, 1);
		/* Records larger than a chunk: one record per chunk. */
		check_extent(&cs, &cur, flat + 78, 40, 3, 4, 4);
		/* Far from zero, still aligned to absolute offsets. */
		check_extent(&cs, &cur, flat + 238, 1, (1ULL << 40) + 14, 35, 4);
		/* Default chunk size: the whole rest in one chunk, then nothing left. */
		assert_int_equal(dcs_csummer_init(&cs, all_types[t], 0), 0);
		check_extent(&cs, &cur, flat + 273, 1, 0, 727, 1);
		assert_int_equal(dcs_sgl_cursor_skip(&cur, 1), -DER_INVAL);
	}

	/* The extent crossing the end of the index space, and bad record sizes. */
	assert_int_equal(dcs_extent_nchunks(&cs, 1, UINT64_MAX, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(dcs_extent_nchunks(&cs, 1, UINT64_MAX, 2, &n), -DER_INVAL);
	assert_int_equal(dcs_extent_nchunks(&cs, 0, 0, 2, &n), -DER_INVAL);
	assert_int_equal(dcs_extent_nchunks(&cs, 1ULL << 40, 0, 1ULL << 40, &n), -DER_OVERFLOW);
	assert_int_equal(dcs_extent_nchunks(&cs, 1, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, UINT64_MAX / (32 * 1024) + 1);
	sgl_free(&sgl);
}

static void
test_verify(void **state)
{
	uint8_t               flat[1000];
	d_sg_list_t           sgl;
	struct dcs_csummer    cs;
	struct dcs_sgl_cursor cur;
	uint8_t               csums[32 * DCS_CSUM_LEN_MAX];
	uint8_t               csum[DCS_CSUM_LEN_MAX];
	size_t                t;

	(void)state;
	fill_random(flat, sizeof(flat), 9);
	sgl_from(&sgl, flat, uneven, ARRAY_SIZE(uneven));
	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		assert_int_equal(dcs_csummer_init(&cs, all_types[t], 64), 0);

		assert_int_equal(dcs_compute(&cs, flat, sizeof(flat), csum, sizeof(csum)), 0);
		assert_int_equal(dcs_verify(&cs, flat, sizeof(flat), csum), 0);
		flat[500] ^= 0x10;
		assert_int_equal(dcs_verify(&cs, flat, sizeof(flat), csum), -DER_CSUM);
		flat[500] ^= 0x10;
		csum[0] ^= 1;
		assert_int_equal(dcs_verify(&cs, flat, sizeof(flat), csum), -DER_CSUM);
		assert_int_equal(dcs_verify_sgl(&cs, &sgl, 0, sizeof(flat), csum), -DER_CSUM);

		/* 250 records of 4 bytes from index 10: records 10..259 touch 17 chunks of 16. */
		dcs_sgl_cursor_init(&cur, &sgl);
		assert_int_equal(dcs_compute_extent(&cs, &cur, 4, 10, 250, csums, sizeof(csums)),
		                 0);
		dcs_sgl_cursor_init(&cur, &sgl);
		assert_int_equal(dcs_verify_extent(&cs, &cur, 4, 10, 250, csums, sizeof(csums)), 0);
		/* Too little room for the checksums. */
		dcs_sgl_cursor_init(&cur, &sgl);
		assert_int_equal(
		    dcs_compute_extent(&cs, &cur, 4, 10, 250, csums, 16 * dcs_csum_len(&cs)),
		    -DER_TRUNC);
		/* Corrupt byte 600 (iov 7 holds bytes 500..999), in the 11th chunk. */
		((uint8_t *)sgl.sg_iovs[7].iov_buf)[100] ^= 0x80;
		dcs_sgl_cursor_init(&cur, &sgl);
		assert_int_equal(dcs_verify_extent(&cs, &cur, 4, 10, 250, csums, sizeof(csums)),
		                 -DER_CSUM);
		((uint8_t *)sgl.sg_iovs[7].iov_buf)[100] ^= 0x80;
		/* Corrupt the last stored checksum. */
		csums[16 * dcs_csum_len(&cs)] ^= 0xff;
		dcs_sgl_cursor_init(&cur, &sgl);
		assert_int_equal(dcs_verify_extent(&cs, &cur, 4, 10, 250, csums, sizeof(csums)),
		                 -DER_CSUM);
		/* More records than the sgl holds. */
		dcs_sgl_cursor_init(&cur, &sgl);
		assert_int_equal(dcs_compute_extent(&cs, &cur, 4, 0, 251, csums, sizeof(csums)),
		                 -DER_INVAL);
	}
	sgl_free(&sgl);
}

static void
test_bad_sgl(void **state)
{
	struct dcs_csummer    cs;
	struct dcs_sgl_cursor cur;
	d_iov_t               iov;
	d_sg_list_t           sgl = {.sg_nr = 2, .sg_iovs = NULL};
	uint8_t               csum[DCS_CSUM_LEN_MAX];

	(void)state;
	assert_int_equal(dcs_csummer_init(&cs, DCS_TYPE_CRC32C, 0), 0);
	/* iovs missing, or an iov claiming data without a buffer. */
	assert_int_equal(dcs_compute_sgl(&cs, &sgl, 0, 1, csum, sizeof(csum)), -DER_INVAL);
	d_iov_set(&iov, NULL, 0);
	iov.iov_len = 10;
	sgl.sg_nr = 1;
	sgl.sg_iovs = &iov;
	assert_int_equal(dcs_compute_sgl(&cs, &sgl, 0, 1, csum, sizeof(csum)), -DER_INVAL);
	dcs_sgl_cursor_init(&cur, NULL);
	assert_int_equal(dcs_sgl_cursor_skip(&cur, 1), -DER_INVAL);
	assert_int_equal(dcs_sgl_cursor_skip(&cur, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_values),    cmocka_unit_test(test_against_reference),
	    cmocka_unit_test(test_types_and_names), cmocka_unit_test(test_zero_length),
	    cmocka_unit_test(test_incremental),     cmocka_unit_test(test_sgl),
	    cmocka_unit_test(test_extent_chunks),   cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_bad_sgl),
	};

	return cmocka_run_group_tests_name("common_csum", tests, NULL, NULL);
}
