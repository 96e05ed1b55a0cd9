/*
 * bio_alloc.c - DATA space: a bitmap of 4 KiB blocks with a next-fit hint.
 * Nothing here is persisted: the owner rebuilds the state after a restart by
 * marking every extent its index references, so the index is the only truth
 * and space can neither leak nor be handed out twice.
 */
#include "bio_internal.h"

#define WORD_BITS 64u

static inline bool
blk_used(const struct bio_alloc *ba, uint64_t b)
{
	return (ba->ba_bits[b / WORD_BITS] >> (b % WORD_BITS)) & 1;
}

/* Set (used = true) or clear n bits from b on; count: adjust ba_free. */
static void
blk_range_mark(struct bio_alloc *ba, uint64_t b, uint64_t n, bool used, bool count)
{
	uint64_t end = b + n;

	while (b < end) {
		uint64_t bit  = b % WORD_BITS;
		uint64_t cnt  = WORD_BITS - bit < end - b ? WORD_BITS - bit : end - b;
		uint64_t mask = (cnt == WORD_BITS ? ~0ULL : ((1ULL << cnt) - 1)) << bit;

		if (used)
			ba->ba_bits[b / WORD_BITS] |= mask;
		else
			ba->ba_bits[b / WORD_BITS] &= ~mask;
		b += cnt;
	}
	if (!count)
		return;
	if (used)
		ba->ba_free -= n;
	else
		ba->ba_free += n;
}

static void
blk_range_set(struct bio_alloc *ba, uint64_t b, uint64_t n, bool used)
{
	blk_range_mark(ba, b, n, used, true);
}

void
bio_alloc_hold(struct bio_alloc *ba, uint64_t b, uint64_t n, bool hold)
{
	blk_range_mark(ba, b, n, hold, false);
}

uint64_t
bio_alloc_free_run(const struct bio_alloc *ba, uint64_t from, uint64_t to, uint64_t *n)
{
	uint64_t b = from;
	uint64_t e;

	while (b < to && blk_used(ba, b))
		b++;
	for (e = b; e < to && !blk_used(ba, e); e++)
		;
	*n = e - b;
	return b;
}

/* True when all n bits from b are in state used. */
static bool
blk_range_is(const struct bio_alloc *ba, uint64_t b, uint64_t n, bool used)
{
	uint64_t i;

	for (i = b; i < b + n; i++)
		if (blk_used(ba, i) != used)
			return false;
	return true;
}

/* First block of a free run of n blocks in [from, to), or UINT64_MAX. */
static uint64_t
find_free_run(const struct bio_alloc *ba, uint64_t from, uint64_t to, uint64_t n)
{
	uint64_t start = 0;
	uint64_t run   = 0;
	uint64_t b     = from;

	while (b < to) {
		/* Whole words at once: full ones are skipped, empty ones counted. */
		if (b % WORD_BITS == 0 && b + WORD_BITS <= to) {
			uint64_t w = ba->ba_bits[b / WORD_BITS];

			if (w == ~0ULL) {
				run = 0;
				b += WORD_BITS;
				continue;
			}
			if (w == 0) {
				if (run == 0)
					start = b;
				run += WORD_BITS;
				if (run >= n)
					return start;
				b += WORD_BITS;
				continue;
			}
		}
		if (blk_used(ba, b)) {
			run = 0;
		} else {
			if (run == 0)
				start = b;
			if (++run >= n)
				return start;
		}
		b++;
	}
	return UINT64_MAX;
}

int
bio_alloc_init(struct bio_alloc *ba, uint64_t region_size)
{
	uint64_t words;

	ba->ba_nblks = region_size / BIO_BLK_SIZE - 1;
	words        = (ba->ba_nblks + WORD_BITS - 1) / WORD_BITS;
	D_ALLOC_ARRAY(ba->ba_bits, words);
	if (ba->ba_bits == NULL)
		return -DER_NOMEM;
	/* Bits past the last block stay set so they are never handed out. */
	if (ba->ba_nblks % WORD_BITS != 0)
		ba->ba_bits[words - 1] = ~0ULL << (ba->ba_nblks % WORD_BITS);
	ba->ba_free = ba->ba_nblks;
	ba->ba_hint = 0;
	D_INIT_LIST_HEAD(&ba->ba_deferred);
	return 0;
}

void
bio_alloc_fini(struct bio_alloc *ba)
{
	struct alloc_deferred *ad;
	struct alloc_deferred *tmp;

	if (ba->ba_bits == NULL)
		return;
	d_list_for_each_entry_safe(ad, tmp, &ba->ba_deferred, ad_link) {
		d_list_del(&ad->ad_link);
		D_FREE(ad);
	}
	D_FREE(ba->ba_bits);
}

/* Extent to first block and count; false if outside the region or unaligned. */
static bool
ext_to_blks(const struct bio_alloc *ba, const struct bio_extent *ext, uint64_t *b, uint64_t *n)
{
	if (ext == NULL || ext->be_len == 0 || ext->be_off % BIO_BLK_SIZE != 0 ||
	    ext->be_len % BIO_BLK_SIZE != 0 || ext->be_off < BIO_BLK_SIZE)
		return false;
	*b = ext->be_off / BIO_BLK_SIZE - 1;
	*n = ext->be_len / BIO_BLK_SIZE;
	return *b < ba->ba_nblks && *n <= ba->ba_nblks - *b;
}

int
bio_alloc_reserve(struct bio_target *bt, uint64_t len, struct bio_extent *ext)
{
	struct bio_alloc *ba = &bt->bt_alloc;
	uint64_t          n;
	uint64_t          b;

	if (len == 0 || ext == NULL)
		return -DER_INVAL;
	n = (len + BIO_BLK_SIZE - 1) / BIO_BLK_SIZE;
	for (;;) {
		if (n > ba->ba_free)
			return -DER_NOSPACE;
		b = find_free_run(ba, ba->ba_hint, ba->ba_nblks, n);
		if (b == UINT64_MAX)
			b = find_free_run(ba, 0,
					  ba->ba_hint + n - 1 < ba->ba_nblks ? ba->ba_hint + n - 1
									     : ba->ba_nblks,
					  n);
		if (b != UINT64_MAX)
			break;
		/* the room may be under the pre-writer's zeros */
		if (!bio_zero_wait(bt))
			return -DER_NOSPACE;
	}
	blk_range_set(ba, b, n, true);
	ba->ba_hint = b + n < ba->ba_nblks ? b + n : 0;
	ext->be_off = (b + 1) * BIO_BLK_SIZE;
	ext->be_len = n * BIO_BLK_SIZE;
	bio_zero_kick(bt, b, n);
	return 0;
}

void
bio_alloc_publish(struct bio_target *bt, const struct bio_extent *ext)
{
	uint64_t b;
	uint64_t n;

	/* Reserved and used blocks look alike in the bitmap; check the caller. */
	if (!ext_to_blks(&bt->bt_alloc, ext, &b, &n) || !blk_range_is(&bt->bt_alloc, b, n, true))
		D_ERROR("publish of an extent that was not reserved\n");
}

void
bio_alloc_cancel(struct bio_target *bt, const struct bio_extent *ext)
{
	uint64_t b;
	uint64_t n;

	if (!ext_to_blks(&bt->bt_alloc, ext, &b, &n) ||
	    !blk_range_is(&bt->bt_alloc, b, n, true)) {
		D_ERROR("cancel of an extent that was not reserved\n");
		return;
	}
	blk_range_set(&bt->bt_alloc, b, n, false);
}

int
bio_free_deferred(struct bio_target *bt, const struct bio_extent *ext, uint64_t lsn)
{
	struct alloc_deferred *ad;
	uint64_t               b;
	uint64_t               n;

	if (!ext_to_blks(&bt->bt_alloc, ext, &b, &n) ||
	    !blk_range_is(&bt->bt_alloc, b, n, true)) {
		D_ERROR("free of extent [%" PRIu64 ", +%" PRIu64 ") that is not in use\n",
			ext != NULL ? ext->be_off : 0, ext != NULL ? ext->be_len : 0);
		return -DER_INVAL;
	}
	if (lsn <= bt->bt_durable_lsn) {
		blk_range_set(&bt->bt_alloc, b, n, false);
		return 0;
	}
	D_ALLOC_PTR(ad);
	if (ad == NULL)
		return -DER_NOMEM;
	ad->ad_ext = *ext;
	ad->ad_lsn = lsn;
	d_list_add_tail(&ad->ad_link, &bt->bt_alloc.ba_deferred);
	return 0;
}

void
bio_alloc_durable(struct bio_target *bt, uint64_t durable_lsn)
{
	struct alloc_deferred *ad;
	struct alloc_deferred *tmp;
	uint64_t               b;
	uint64_t               n;

	d_list_for_each_entry_safe(ad, tmp, &bt->bt_alloc.ba_deferred, ad_link) {
		if (ad->ad_lsn > durable_lsn)
			continue;
		/* Two deferred frees of one extent must not free it twice. */
		if (ext_to_blks(&bt->bt_alloc, &ad->ad_ext, &b, &n) &&
		    blk_range_is(&bt->bt_alloc, b, n, true))
			blk_range_set(&bt->bt_alloc, b, n, false);
		else
			D_ERROR("extent [%" PRIu64 ", +%" PRIu64 ") freed twice\n",
				ad->ad_ext.be_off, ad->ad_ext.be_len);
		d_list_del(&ad->ad_link);
		D_FREE(ad);
	}
}

int
bio_alloc_mark_used(struct bio_target *bt, const struct bio_extent *ext)
{
	uint64_t b;
	uint64_t n;

	if (!ext_to_blks(&bt->bt_alloc, ext, &b, &n))
		return -DER_INVAL;
	if (!blk_range_is(&bt->bt_alloc, b, n, false)) {
		D_ERROR("extent [%" PRIu64 ", +%" PRIu64 ") is referenced twice\n", ext->be_off,
			ext->be_len);
		return -DER_EXIST;
	}
	blk_range_set(&bt->bt_alloc, b, n, true);
	return 0;
}
