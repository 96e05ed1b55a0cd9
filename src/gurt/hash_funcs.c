/*
 * Hash functions of gurt/common.h. They are published algorithms, written out here; placement
 * and on-disk layouts depend on their exact values, so never "improve" one in place.
 */
#include <string.h>

#include <gurt/common.h>

/* Thomas Wang's 64-bit integer mix: every input bit flips about half the output bits. */
uint64_t
d_hash_mix64(uint64_t key)
{
	key = ~key + (key << 21);
	key ^= key >> 24;
	key += (key << 3) + (key << 8);
	key ^= key >> 14;
	key += (key << 2) + (key << 4);
	key ^= key >> 28;
	key += key << 31;
	return key;
}

/* Bob Jenkins' 96-bit mix of three words, reduced to the third. */
uint32_t
d_hash_mix96(uint32_t a, uint32_t b, uint32_t c)
{
	a -= b; a -= c; a ^= c >> 13;
	b -= c; b -= a; b ^= a << 8;
	c -= a; c -= b; c ^= b >> 13;
	a -= b; a -= c; a ^= c >> 12;
	b -= c; b -= a; b ^= a << 16;
	c -= a; c -= b; c ^= b >> 5;
	a -= b; a -= c; a ^= c >> 3;
	b -= c; b -= a; b ^= a << 10;
	c -= a; c -= b; c ^= b >> 15;
	return c;
}

/* Bernstein's djb2: h = h * 33 + byte, from 5381. Bytes are unsigned so results don't depend
 * on the platform's char signedness.
 */
uint32_t
d_hash_string_u32(const char *string, unsigned int len)
{
	const unsigned char *p = (const unsigned char *)string;
	uint32_t             h = 5381;
	unsigned int         i;

	for (i = 0; i < len; i++)
		h = (h << 5) + h + p[i];
	return h;
}

/* Austin Appleby's MurmurHash64A, reading little-endian words whatever the host order. */
uint64_t
d_hash_murmur64(const unsigned char *key, unsigned int key_len, unsigned int seed)
{
	const uint64_t       m    = 0xc6a4a7935bd1e995ULL;
	const int            r    = 47;
	const unsigned char *tail = key + (key_len & ~7U);
	uint64_t             h    = seed ^ ((uint64_t)key_len * m);
	const unsigned char *p;
	uint64_t             k;
	int                  i;

	for (p = key; p != tail; p += 8) {
		k = 0;
		for (i = 7; i >= 0; i--)
			k = (k << 8) | p[i];
		k *= m;
		k ^= k >> r;
		k *= m;
		h ^= k;
		h *= m;
	}

	if (key_len & 7) {
		for (i = (int)(key_len & 7) - 1; i >= 0; i--)
			h ^= (uint64_t)tail[i] << (8 * i);
		h *= m;
	}

	h ^= h >> r;
	h *= m;
	h ^= h >> r;
	return h;
}

/*
 * Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014): a key moves
 * only when the bucket count grows past the bucket it would jump to, so growing from n to n+1
 * buckets moves about 1/(n+1) of the keys, all to the new bucket.
 */
uint32_t
d_hash_jump(uint64_t key, uint32_t num_buckets)
{
	int64_t b = -1;
	int64_t j = 0;

	if (num_buckets == 0)
		return 0;

	while (j < (int64_t)num_buckets) {
		b   = j;
		key = key * 2862933555777941757ULL + 1;
		j   = (int64_t)((double)(b + 1) * ((double)(1LL << 31) / (double)((key >> 33) + 1)));
	}
	return (uint32_t)b;
}

/*
 * Consistent-hash ring search over sorted hashes: the index of the last hash not above value,
 * or 0 when value is below them all.
 */
unsigned int
d_hash_srch_u64(uint64_t *hashes, unsigned int nhashes, uint64_t value)
{
	unsigned int low  = 0;
	unsigned int high;
	unsigned int mid;

	if (nhashes == 0)
		return 0;

	high = nhashes - 1;
	/* Invariant: hashes[low] <= value < hashes[high], or the answer is low or high. */
	while (high - low > 1) {
		mid = low + (high - low) / 2;
		if (value >= hashes[mid])
			low = mid;
		else
			high = mid;
	}
	return value >= hashes[high] ? high : low;
}
