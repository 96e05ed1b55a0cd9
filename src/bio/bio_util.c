/* bio_util.c - checksums, names, clock and fault-injection helpers of BIO. */
#include <isa-l.h>
#include "bio_internal.h"

uint32_t
bio_crc32c(const void *buf, size_t len, uint32_t seed)
{
	const unsigned char *p = buf;
	uint32_t             crc = seed;

	/* ISA-L takes an int length; WAL groups and image chunks fit, but an
	 * image read as one buffer might not. */
	while (len > 0) {
		size_t n = len > (1u << 30) ? (1u << 30) : len;

		crc = crc32_iscsi((unsigned char *)p, (int)n, crc);
		p += n;
		len -= n;
	}
	return crc;
}

uint32_t
bio_region_hdr_csum(const struct bio_region_hdr *rh)
{
	struct bio_region_hdr tmp = *rh;

	tmp.rh_csum = 0;
	return bio_crc32c(&tmp, sizeof(tmp), ~0u);
}

const char *
bio_region_name(enum bio_region_kind kind)
{
	switch (kind) {
	case BIO_REGION_WAL:
		return "wal";
	case BIO_REGION_META:
		return "meta";
	case BIO_REGION_DATA:
		return "data";
	default:
		return "unknown";
	}
}

uint64_t
bio_now_usec(void)
{
	return d_timeus_secdiff(0);
}

bool
bio_fault(uint32_t id)
{
	struct d_fault_attr_t *fa = d_fault_attr_lookup(id);

	return fa != NULL && D_SHOULD_FAIL(fa);
}

uint64_t
bio_fault_arg(uint32_t id)
{
	struct d_fault_attr_t *fa = d_fault_attr_lookup(id);

	/* The argument is text (it comes from D_FI_CONFIG / D_FI_SPEC); BIO's are numbers. */
	return fa != NULL && fa->fa_argument != NULL ? strtoull(fa->fa_argument, NULL, 0) : 0;
}
