/*
 * common/csum.h - data checksums shared by the client (computes them on update,
 * verifies them on fetch) and the engine (VOS verifies on update and fetch, the WAL
 * record carries a value's checksum).
 *
 * A csummer is a small value the caller owns: an algorithm, its checksum length and
 * the container's chunk size. Nothing here allocates or locks, so one csummer may be
 * shared read-only by any number of threads and used on the data path as is.
 *
 * Array values are checksummed per chunk: chunks are aligned to absolute record
 * indexes (multiples of chunk_size / rec_size records from index 0), so the same
 * records always fall in the same chunk whatever extent carried them. An extent
 * [rx_idx, rx_idx + rx_nr) gets one checksum per chunk it touches, each covering only
 * the extent's records in that chunk. Single values and keys get one checksum.
 *
 * Checksum bytes are the algorithm's integer stored little-endian (what DAOS stores on
 * the little-endian machines it runs on), csum_len bytes, no padding.
 *
 * Caveats:
 * - "crc32" is DAOS's CRC32: ISA-L crc32_iscsi seeded with 0 and not inverted at the
 *   end, so it is not the textbook CRC-32C value; "crc32c" is the textbook one
 *   (RFC 3720, check value 0xE3069283) and has no DAOS container property.
 * - An sgl is read through iov_len of its first sg_nr iovs; fetch callers whose data
 *   length is in sg_nr_out pass an sgl whose sg_nr says so.
 * - After a failed call that took a cursor, the cursor's position is unspecified.
 */
#ifndef __DCOMMON_CSUM_H__
#define __DCOMMON_CSUM_H__

#include <gurt/common.h>

/* Algorithm ids: DAOS's enum DAOS_HASH_TYPE (formerly DAOS_CSUM_TYPE) values. */
enum dcs_type {
	DCS_TYPE_UNKNOWN = 0, /* HASH_TYPE_UNKNOWN: no checksum */
	DCS_TYPE_CRC16 = 1,   /* CSUM_TYPE_ISAL_CRC16_T10DIF: crc16_t10dif, seed 0 */
	DCS_TYPE_CRC32 = 2,   /* CSUM_TYPE_ISAL_CRC32_ISCSI: crc32_iscsi, seed 0, raw */
	DCS_TYPE_CRC64 = 3,   /* CSUM_TYPE_ISAL_CRC64_REFL: crc64_ecma_refl = CRC-64/XZ */
	DCS_TYPE_SHA1 = 4,    /* known to DAOS, not implemented here */
	DCS_TYPE_SHA256 = 5,  /* not implemented */
	DCS_TYPE_SHA512 = 6,  /* not implemented */
	DCS_TYPE_ADLER32 = 7, /* isal_adler32 seeded with 0 (DAOS's seed, not zlib's 1) */
	DCS_TYPE_END = 8,     /* HASH_TYPE_END: DAOS's ids stop here */
	DCS_TYPE_CRC32C = 16, /* ours: CRC-32C as RFC 3720 defines it */
};

/*
 * Values of the container property DAOS_PROP_CO_CSUM (daos_prop.h): same numbers, kept
 * here so this module does not depend on the public property header.
 */
enum dcs_prop_csum {
	DCS_PROP_CSUM_OFF = 0,     /* DAOS_PROP_CO_CSUM_OFF */
	DCS_PROP_CSUM_CRC16 = 1,   /* DAOS_PROP_CO_CSUM_CRC16   -> DCS_TYPE_CRC16 */
	DCS_PROP_CSUM_CRC32 = 2,   /* DAOS_PROP_CO_CSUM_CRC32   -> DCS_TYPE_CRC32 (default) */
	DCS_PROP_CSUM_CRC64 = 3,   /* DAOS_PROP_CO_CSUM_CRC64   -> DCS_TYPE_CRC64 */
	DCS_PROP_CSUM_SHA1 = 4,    /* DAOS_PROP_CO_CSUM_SHA1    -> DCS_TYPE_SHA1 */
	DCS_PROP_CSUM_SHA256 = 5,  /* DAOS_PROP_CO_CSUM_SHA256  -> DCS_TYPE_SHA256 */
	DCS_PROP_CSUM_SHA512 = 6,  /* DAOS_PROP_CO_CSUM_SHA512  -> DCS_TYPE_SHA512 */
	DCS_PROP_CSUM_ADLER32 = 7, /* DAOS_PROP_CO_CSUM_ADLER32 -> DCS_TYPE_ADLER32 */
};

#define DCS_CHUNK_SIZE_DEFAULT (32 * 1024) /* DAOS_PROP_CO_CSUM_CHUNK_SIZE default */
#define DCS_CSUM_LEN_MAX       8           /* longest checksum we compute (CRC64) */

struct dcs_algo; /* private to csum.c */

struct dcs_csummer {
	const struct dcs_algo *dc_algo;
	uint32_t               dc_chunk_size; /* bytes */
	uint16_t               dc_type;       /* enum dcs_type */
	uint16_t               dc_csum_len;   /* bytes per checksum */
};

/* An incremental computation; lives on the caller's stack. */
struct dcs_state {
	const struct dcs_algo *ds_algo;
	uint64_t               ds_crc;
};

/* A read position in an sgl, advanced as extents are consumed one after the other. */
struct dcs_sgl_cursor {
	const d_sg_list_t *sc_sgl;
	uint32_t           sc_iov;
	size_t             sc_off;
};

/* ---- types, names and container properties ---- */

/* Type for "crc16", "crc32", "crc32c", "crc64", "adler32", "sha1"... (any case);
 * -DER_INVAL for an unknown name. */
int dcs_type_from_name(const char *name);
/* Name of a known type, NULL otherwise. */
const char *dcs_type_name(int type);
/* Checksum length of an implemented type, 0 otherwise. */
uint16_t dcs_type_csum_len(int type);
/* DCS_TYPE_UNKNOWN for "off" and for values we do not know. */
int dcs_type_from_prop(uint64_t prop_val);
/* Property value; -DER_INVAL for a type that has none (UNKNOWN, CRC32C). */
int dcs_type_to_prop(int type);
/* Property value for a name as `daos cont create --csum` takes it, "off" included. */
int dcs_prop_from_name(const char *name);

/* ---- set up ---- */

/*
 * chunk_size 0 means DCS_CHUNK_SIZE_DEFAULT. -DER_INVAL for an unknown type,
 * -DER_NOTSUPPORTED for a DAOS type we do not compute (SHA).
 */
int dcs_csummer_init(struct dcs_csummer *cs, int type, uint32_t chunk_size);
int dcs_csummer_init_name(struct dcs_csummer *cs, const char *name, uint32_t chunk_size);

static inline uint16_t
dcs_csum_len(const struct dcs_csummer *cs)
{
	return cs->dc_csum_len;
}

/* Chunk size for records of rec_size bytes: whole records, at least one (DAOS's rule). */
uint64_t dcs_rec_chunk_size(const struct dcs_csummer *cs, uint64_t rec_size);

/* ---- incremental ---- */

void dcs_start(const struct dcs_csummer *cs, struct dcs_state *st);
void dcs_update(struct dcs_state *st, const void *buf, size_t len);
/* Writes dcs_csum_len() bytes to csum. */
void dcs_finish(struct dcs_state *st, uint8_t *csum);

/* ---- one checksum over contiguous bytes ---- */

/* -DER_TRUNC when csum_len is shorter than the checksum. */
int dcs_compute(const struct dcs_csummer *cs, const void *buf, size_t len, uint8_t *csum,
                size_t csum_len);
/* Over bytes [off, off + len) of the sgl's data; -DER_INVAL when the sgl is shorter. */
int  dcs_compute_sgl(const struct dcs_csummer *cs, const d_sg_list_t *sgl, size_t off, size_t len,
                     uint8_t *csum, size_t csum_len);
bool dcs_compare(const struct dcs_csummer *cs, const uint8_t *a, const uint8_t *b);
/* 0, or -DER_CSUM when the data does not match csum (dcs_csum_len() bytes). */
int dcs_verify(const struct dcs_csummer *cs, const void *buf, size_t len, const uint8_t *csum);
int dcs_verify_sgl(const struct dcs_csummer *cs, const d_sg_list_t *sgl, size_t off, size_t len,
                   const uint8_t *csum);

/* ---- array extents, one checksum per chunk ---- */

void dcs_sgl_cursor_init(struct dcs_sgl_cursor *cur, const d_sg_list_t *sgl);
/* Step over len bytes (a hole in a fetch); -DER_INVAL past the end. */
int dcs_sgl_cursor_skip(struct dcs_sgl_cursor *cur, size_t len);

/* Number of chunks [rx_idx, rx_idx + rx_nr) touches (0 when rx_nr is 0); -DER_INVAL for
 * rec_size 0 or an extent past UINT64_MAX, -DER_OVERFLOW when its bytes do not fit size_t. */
int dcs_extent_nchunks(const struct dcs_csummer *cs, uint64_t rec_size, uint64_t rx_idx,
                       uint64_t rx_nr, uint64_t *nchunks);
/*
 * Consume rx_nr * rec_size bytes at the cursor and write one checksum per chunk to
 * csums, back to back; -DER_TRUNC when csums_len cannot hold them all.
 */
int dcs_compute_extent(const struct dcs_csummer *cs, struct dcs_sgl_cursor *cur, uint64_t rec_size,
                       uint64_t rx_idx, uint64_t rx_nr, uint8_t *csums, size_t csums_len);
/* Same walk, comparing with csums; -DER_CSUM at the first chunk that differs. */
int dcs_verify_extent(const struct dcs_csummer *cs, struct dcs_sgl_cursor *cur, uint64_t rec_size,
                      uint64_t rx_idx, uint64_t rx_nr, const uint8_t *csums, size_t csums_len);

#endif /* __DCOMMON_CSUM_H__ */
