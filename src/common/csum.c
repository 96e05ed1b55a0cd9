/*
 * Checksums over buffers, sgls and array extents, computed by ISA-L.
 *
 * Every algorithm we offer is a CRC-like register of at most 64 bits, so a
 * computation's whole state is one uint64_t: that is what keeps the csummer and the
 * incremental state free of allocation.
 */
#include <strings.h>
#include <isa-l.h>

#include "common/csum.h"

struct dcs_algo {
	const char *da_name;
	uint16_t    da_type;
	uint16_t    da_len;
	uint64_t    da_seed;
	/* XORed into the register at the end (all-ones for inverted CRCs). */
	uint64_t da_xorout;
	uint64_t (*da_update)(uint64_t crc, const uint8_t *buf, size_t len);
};

static uint64_t
crc16_update(uint64_t crc, const uint8_t *buf, size_t len)
{
	return crc16_t10dif((uint16_t)crc, buf, len);
}

/* crc32_iscsi takes an int length: feed it in pieces well below INT_MAX. */
#define CRC32_ISCSI_PIECE (1U << 30)

static uint64_t
crc32_iscsi_update(uint64_t crc, const uint8_t *buf, size_t len)
{
	uint32_t c = (uint32_t)crc;

	while (len > 0) {
		size_t n = MIN(len, (size_t)CRC32_ISCSI_PIECE);

		/* ISA-L's prototype lacks const but only reads the buffer. */
		c = crc32_iscsi((unsigned char *)buf, (int)n, c);
		buf += n;
		len -= n;
	}
	return c;
}

static uint64_t
crc64_update(uint64_t crc, const uint8_t *buf, size_t len)
{
	return crc64_ecma_refl(crc, buf, len);
}

static uint64_t
adler32_update(uint64_t crc, const uint8_t *buf, size_t len)
{
	return isal_adler32((uint32_t)crc, buf, len);
}

/* Looked up by type at init only; CRC32C's id sits past DAOS's range. */
static const struct dcs_algo dcs_algos[] = {
    {"crc16", DCS_TYPE_CRC16, 2, 0, 0, crc16_update},
    {"crc32", DCS_TYPE_CRC32, 4, 0, 0, crc32_iscsi_update},
    {"crc64", DCS_TYPE_CRC64, 8, 0, 0, crc64_update},
    {"adler32", DCS_TYPE_ADLER32, 4, 0, 0, adler32_update},
    {"crc32c", DCS_TYPE_CRC32C, 4, 0xffffffff, 0xffffffff, crc32_iscsi_update},
};

/* Names DAOS knows but we do not compute, so users get "not supported", not "unknown". */
static const struct {
	const char *name;
	int         type;
} dcs_unsupported[] = {
    {"sha1", DCS_TYPE_SHA1},
    {"sha256", DCS_TYPE_SHA256},
    {"sha512", DCS_TYPE_SHA512},
};

static const struct dcs_algo *
algo_find(int type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dcs_algos); i++)
		if (dcs_algos[i].da_type == type)
			return &dcs_algos[i];
	return NULL;
}

int
dcs_type_from_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return -DER_INVAL;
	for (i = 0; i < ARRAY_SIZE(dcs_algos); i++)
		if (strcasecmp(name, dcs_algos[i].da_name) == 0)
			return dcs_algos[i].da_type;
	for (i = 0; i < ARRAY_SIZE(dcs_unsupported); i++)
		if (strcasecmp(name, dcs_unsupported[i].name) == 0)
			return dcs_unsupported[i].type;
	return -DER_INVAL;
}

const char *
dcs_type_name(int type)
{
	const struct dcs_algo *algo = algo_find(type);
	size_t                 i;

	if (algo != NULL)
		return algo->da_name;
	for (i = 0; i < ARRAY_SIZE(dcs_unsupported); i++)
		if (dcs_unsupported[i].type == type)
			return dcs_unsupported[i].name;
	return NULL;
}

uint16_t
dcs_type_csum_len(int type)
{
	const struct dcs_algo *algo = algo_find(type);

	return algo == NULL ? 0 : algo->da_len;
}

int
dcs_type_from_prop(uint64_t prop_val)
{
	/* DAOS numbers its property values and its types alike from CRC16 to ADLER32. */
	if (prop_val >= DCS_PROP_CSUM_CRC16 && prop_val <= DCS_PROP_CSUM_ADLER32)
		return (int)prop_val;
	return DCS_TYPE_UNKNOWN;
}

int
dcs_type_to_prop(int type)
{
	if (type >= DCS_TYPE_CRC16 && type <= DCS_TYPE_ADLER32)
		return type;
	return -DER_INVAL;
}

int
dcs_prop_from_name(const char *name)
{
	int type;

	if (name != NULL && strcasecmp(name, "off") == 0)
		return DCS_PROP_CSUM_OFF;
	type = dcs_type_from_name(name);
	if (type < 0)
		return type;
	return dcs_type_to_prop(type);
}

int
dcs_csummer_init(struct dcs_csummer *cs, int type, uint32_t chunk_size)
{
	const struct dcs_algo *algo = algo_find(type);

	if (cs == NULL)
		return -DER_INVAL;
	if (algo == NULL)
		return dcs_type_name(type) != NULL ? -DER_NOTSUPPORTED : -DER_INVAL;
	cs->dc_algo = algo;
	cs->dc_chunk_size = chunk_size == 0 ? DCS_CHUNK_SIZE_DEFAULT : chunk_size;
	cs->dc_type = algo->da_type;
	cs->dc_csum_len = algo->da_len;
	return 0;
}

int
dcs_csummer_init_name(struct dcs_csummer *cs, const char *name, uint32_t chunk_size)
{
	int type = dcs_type_from_name(name);

	if (type < 0)
		return type;
	return dcs_csummer_init(cs, type, chunk_size);
}

uint64_t
dcs_rec_chunk_size(const struct dcs_csummer *cs, uint64_t rec_size)
{
	D_ASSERT(rec_size > 0);
	/* A record is never split across chunks: a chunk holds whole records, at least one. */
	if (rec_size >= cs->dc_chunk_size)
		return rec_size;
	return cs->dc_chunk_size - cs->dc_chunk_size % rec_size;
}

void
dcs_start(const struct dcs_csummer *cs, struct dcs_state *st)
{
	st->ds_algo = cs->dc_algo;
	st->ds_crc = cs->dc_algo->da_seed;
}

void
dcs_update(struct dcs_state *st, const void *buf, size_t len)
{
	if (len > 0)
		st->ds_crc = st->ds_algo->da_update(st->ds_crc, buf, len);
}

void
dcs_finish(struct dcs_state *st, uint8_t *csum)
{
	uint64_t v = st->ds_crc ^ st->ds_algo->da_xorout;
	uint16_t i;

	/* Byte by byte: a fixed little-endian layout whatever the host's byte order. */
	for (i = 0; i < st->ds_algo->da_len; i++)
		csum[i] = (uint8_t)(v >> (8 * i));
}

int
dcs_compute(const struct dcs_csummer *cs, const void *buf, size_t len, uint8_t *csum,
            size_t csum_len)
{
	struct dcs_state st;

	if (csum_len < cs->dc_csum_len)
		return -DER_TRUNC;
	if (buf == NULL && len > 0)
		return -DER_INVAL;
	dcs_start(cs, &st);
	dcs_update(&st, buf, len);
	dcs_finish(&st, csum);
	return 0;
}

bool
dcs_compare(const struct dcs_csummer *cs, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, cs->dc_csum_len) == 0;
}

int
dcs_verify(const struct dcs_csummer *cs, const void *buf, size_t len, const uint8_t *csum)
{
	uint8_t actual[DCS_CSUM_LEN_MAX];
	int     rc;

	rc = dcs_compute(cs, buf, len, actual, sizeof(actual));
	if (rc != 0)
		return rc;
	return dcs_compare(cs, actual, csum) ? 0 : -DER_CSUM;
}

void
dcs_sgl_cursor_init(struct dcs_sgl_cursor *cur, const d_sg_list_t *sgl)
{
	cur->sc_sgl = sgl;
	cur->sc_iov = 0;
	cur->sc_off = 0;
}

/* Feed the next len bytes to st (or just step over them when st is NULL). */
static int
cursor_consume(struct dcs_sgl_cursor *cur, struct dcs_state *st, size_t len)
{
	const d_sg_list_t *sgl = cur->sc_sgl;

	while (len > 0) {
		const d_iov_t *iov;
		size_t         n;

		if (sgl == NULL || sgl->sg_iovs == NULL || cur->sc_iov >= sgl->sg_nr)
			return -DER_INVAL;
		iov = &sgl->sg_iovs[cur->sc_iov];
		if (cur->sc_off >= iov->iov_len) {
			cur->sc_iov++;
			cur->sc_off = 0;
			continue;
		}
		if (iov->iov_buf == NULL)
			return -DER_INVAL;
		n = MIN(len, iov->iov_len - cur->sc_off);
		if (st != NULL)
			dcs_update(st, (const uint8_t *)iov->iov_buf + cur->sc_off, n);
		cur->sc_off += n;
		len -= n;
	}
	return 0;
}

int
dcs_sgl_cursor_skip(struct dcs_sgl_cursor *cur, size_t len)
{
	return cursor_consume(cur, NULL, len);
}

int
dcs_compute_sgl(const struct dcs_csummer *cs, const d_sg_list_t *sgl, size_t off, size_t len,
                uint8_t *csum, size_t csum_len)
{
	struct dcs_sgl_cursor cur;
	struct dcs_state      st;
	int                   rc;

	if (csum_len < cs->dc_csum_len)
		return -DER_TRUNC;
	dcs_sgl_cursor_init(&cur, sgl);
	rc = cursor_consume(&cur, NULL, off);
	if (rc != 0)
		return rc;
	dcs_start(cs, &st);
	rc = cursor_consume(&cur, &st, len);
	if (rc != 0)
		return rc;
	dcs_finish(&st, csum);
	return 0;
}

int
dcs_verify_sgl(const struct dcs_csummer *cs, const d_sg_list_t *sgl, size_t off, size_t len,
               const uint8_t *csum)
{
	uint8_t actual[DCS_CSUM_LEN_MAX];
	int     rc;

	rc = dcs_compute_sgl(cs, sgl, off, len, actual, sizeof(actual));
	if (rc != 0)
		return rc;
	return dcs_compare(cs, actual, csum) ? 0 : -DER_CSUM;
}

/* Chunk geometry of one extent, in records. */
struct extent_chunks {
	uint64_t ec_recs_per_chunk;
	uint64_t ec_lo;
	uint64_t ec_hi; /* last record, inclusive: rx_idx + rx_nr may be 2^64 */
	uint64_t ec_nchunks;
};

static int
extent_chunks_init(const struct dcs_csummer *cs, uint64_t rec_size, uint64_t rx_idx, uint64_t rx_nr,
                   struct extent_chunks *ec)
{
	if (rec_size == 0)
		return -DER_INVAL;
	if (rx_nr == 0) {
		ec->ec_nchunks = 0;
		return 0;
	}
	if (rx_nr - 1 > UINT64_MAX - rx_idx)
		return -DER_INVAL;
	/* The extent's bytes must be addressable in one sgl. */
	if (rx_nr > SIZE_MAX / rec_size)
		return -DER_OVERFLOW;
	ec->ec_recs_per_chunk = dcs_rec_chunk_size(cs, rec_size) / rec_size;
	ec->ec_lo = rx_idx;
	ec->ec_hi = rx_idx + (rx_nr - 1);
	ec->ec_nchunks = ec->ec_hi / ec->ec_recs_per_chunk - ec->ec_lo / ec->ec_recs_per_chunk + 1;
	return 0;
}

int
dcs_extent_nchunks(const struct dcs_csummer *cs, uint64_t rec_size, uint64_t rx_idx, uint64_t rx_nr,
                   uint64_t *nchunks)
{
	struct extent_chunks ec;
	int                  rc;

	rc = extent_chunks_init(cs, rec_size, rx_idx, rx_nr, &ec);
	if (rc == 0)
		*nchunks = ec.ec_nchunks;
	return rc;
}

/* Compute each chunk's checksum into out, or compare it with expect when out is NULL. */
static int
extent_walk(const struct dcs_csummer *cs, struct dcs_sgl_cursor *cur, uint64_t rec_size,
            uint64_t rx_idx, uint64_t rx_nr, uint8_t *out, const uint8_t *expect, size_t csums_len)
{
	struct extent_chunks ec;
	uint8_t              actual[DCS_CSUM_LEN_MAX];
	uint64_t             idx;
	uint64_t             i;
	int                  rc;

	rc = extent_chunks_init(cs, rec_size, rx_idx, rx_nr, &ec);
	if (rc != 0)
		return rc;
	if (ec.ec_nchunks > csums_len / cs->dc_csum_len)
		return -DER_TRUNC;

	idx = ec.ec_lo;
	for (i = 0; i < ec.ec_nchunks; i++) {
		uint64_t chunk_end = idx - idx % ec.ec_recs_per_chunk + (ec.ec_recs_per_chunk - 1);
		uint64_t last = MIN(chunk_end, ec.ec_hi);
		uint8_t *csum = out != NULL ? out + i * cs->dc_csum_len : actual;
		struct dcs_state st;

		dcs_start(cs, &st);
		rc = cursor_consume(cur, &st, (last - idx + 1) * rec_size);
		if (rc != 0)
			return rc;
		dcs_finish(&st, csum);
		if (out == NULL && !dcs_compare(cs, csum, expect + i * cs->dc_csum_len))
			return -DER_CSUM;
		/* last may be UINT64_MAX on the final chunk; idx is not used after it. */
		idx = last + 1;
	}
	return 0;
}

int
dcs_compute_extent(const struct dcs_csummer *cs, struct dcs_sgl_cursor *cur, uint64_t rec_size,
                   uint64_t rx_idx, uint64_t rx_nr, uint8_t *csums, size_t csums_len)
{
	if (csums == NULL && rx_nr > 0)
		return -DER_INVAL;
	return extent_walk(cs, cur, rec_size, rx_idx, rx_nr, csums, NULL, csums_len);
}

int
dcs_verify_extent(const struct dcs_csummer *cs, struct dcs_sgl_cursor *cur, uint64_t rec_size,
                  uint64_t rx_idx, uint64_t rx_nr, const uint8_t *csums, size_t csums_len)
{
	if (csums == NULL && rx_nr > 0)
		return -DER_INVAL;
	return extent_walk(cs, cur, rec_size, rx_idx, rx_nr, NULL, csums, csums_len);
}
