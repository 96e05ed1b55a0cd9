/*
 * bio_zero.c - the DATA pre-writer.
 *
 * A DATA file is preallocated with fallocate(), so its blocks start as
 * unwritten extents. The first write to such a block makes the file system
 * convert the extent, and the fdatasync that makes the write durable must
 * then commit that metadata change through the journal: on ext4 it roughly
 * halves the rate of small durable writes. The pre-writer writes zeros over
 * never-written free blocks a little ahead of the allocator's next-fit hint
 * and syncs them, so by the time a commit lands there its fdatasync is a
 * plain cache flush.
 *
 * Which blocks were ever written is asked from the file system at open
 * (FS_IOC_FIEMAP), kept per 1 MiB chunk and never persisted: the file's own
 * extent map is the truth. Devices, and files whose file system has no
 * extent map (tmpfs), are left alone. Blocks being zeroed are held in the
 * allocator's bitmap (without counting as used), so nothing is handed out
 * under the write; a reservation that finds no room while they are held
 * waits for the write and looks again. Pre-writer errors never make the
 * target faulty: the pre-writer just stops (its writes carry no data).
 *
 * The trade is only good for small writes. One 1 MiB write converts its
 * extent with one journal update, so its fdatasync costs little more than a
 * cache flush, while zeros written ahead of it double the bytes the device
 * writes (1 MiB writes synced every 8 MiB here: 0.76 of the overwrite rate on
 * unwritten extents, about half with the pre-writer running). So while the
 * reservations are large on average, the pre-writer stands aside, and a
 * reservation that covers whole chunks marks them done itself.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/fs.h>
#include <linux/fiemap.h>
#include "bio_internal.h"

#define ZERO_CHUNK_BLKS (BIO_ZERO_CHUNK / BIO_BLK_SIZE)
#define ZERO_SYNC_BYTES (16ULL << 20) /* one fdatasync per this much zeroed */

static inline bool
chunk_done(const struct bio_target *bt, uint64_t c)
{
	return (bt->bt_zmap[c / 64] >> (c % 64)) & 1;
}

static inline void
chunk_set_done(struct bio_target *bt, uint64_t c)
{
	if (!chunk_done(bt, c)) {
		bt->bt_zmap[c / 64] |= 1ULL << (c % 64);
		bt->bt_zchunks_done++;
	}
}

/* Mark done every chunk wholly inside DATA block range [b, b + n). */
static void
mark_written(struct bio_target *bt, uint64_t b, uint64_t n)
{
	uint64_t c   = (b + ZERO_CHUNK_BLKS - 1) / ZERO_CHUNK_BLKS;
	uint64_t end = b + n;

	for (; c < bt->bt_zchunks; c++) {
		uint64_t cend = MIN((c + 1) * ZERO_CHUNK_BLKS, bt->bt_alloc.ba_nblks);

		if (cend > end)
			break;
		chunk_set_done(bt, c);
	}
}

/*
 * Read the DATA file's extent map. Written extents (neither unwritten nor
 * holes) are merged into runs and the chunks they cover marked done.
 * Returns false when the file system has no extent map to ask.
 */
static bool
zmap_load(struct bio_target *bt)
{
	struct bio_region *r     = &bt->bt_reg[BIO_REGION_DATA];
	const uint32_t     nexts = 128;
	struct fiemap     *fm;
	uint64_t           lo   = r->br_base + BIO_BLK_SIZE; /* block 0 of DATA */
	uint64_t           hi   = r->br_base + r->br_size;
	uint64_t           pos  = lo;
	uint64_t           run0 = 0, run1 = 0; /* current written run, file bytes */
	bool               last = false;

	D_ALLOC(fm, sizeof(*fm) + nexts * sizeof(struct fiemap_extent));
	if (fm == NULL)
		return false;
	while (!last && pos < hi) {
		uint32_t i;

		memset(fm, 0, sizeof(*fm));
		fm->fm_start        = pos;
		fm->fm_length       = hi - pos;
		fm->fm_extent_count = nexts;
		if (ioctl(r->br_fd, FS_IOC_FIEMAP, fm) != 0) {
			D_FREE(fm);
			return false;
		}
		if (fm->fm_mapped_extents == 0)
			break;
		for (i = 0; i < fm->fm_mapped_extents; i++) {
			struct fiemap_extent *fe = &fm->fm_extents[i];
			uint64_t              s  = MAX(fe->fe_logical, lo);
			uint64_t              e  = MIN(fe->fe_logical + fe->fe_length, hi);

			if (fe->fe_flags & FIEMAP_EXTENT_LAST)
				last = true;
			pos = fe->fe_logical + fe->fe_length;
			if (e <= s || (fe->fe_flags & (FIEMAP_EXTENT_UNWRITTEN |
						       FIEMAP_EXTENT_DELALLOC |
						       FIEMAP_EXTENT_UNKNOWN)))
				continue;
			if (s != run1) {
				if (run1 > run0)
					mark_written(bt, (run0 - lo) / BIO_BLK_SIZE,
						     (run1 - run0) / BIO_BLK_SIZE);
				run0 = s;
			}
			run1 = e;
		}
	}
	if (run1 > run0)
		mark_written(bt, (run0 - lo) / BIO_BLK_SIZE, (run1 - run0) / BIO_BLK_SIZE);
	D_FREE(fm);
	return true;
}

int
bio_zero_open(struct bio_target *bt)
{
	struct bio_region *r = &bt->bt_reg[BIO_REGION_DATA];
	uint64_t           words;

	if (r->br_blkdev || bt->bt_alloc.ba_nblks == 0)
		return 0;
	bt->bt_zchunks = (bt->bt_alloc.ba_nblks + ZERO_CHUNK_BLKS - 1) / ZERO_CHUNK_BLKS;
	words          = (bt->bt_zchunks + 63) / 64;
	D_ALLOC_ARRAY(bt->bt_zmap, words);
	if (bt->bt_zmap == NULL)
		return -DER_NOMEM;
	if (!zmap_load(bt) || bt->bt_zchunks_done == bt->bt_zchunks) {
		/* nothing to ask, or nothing left to do */
		D_FREE(bt->bt_zmap);
		return 0;
	}
	bt->bt_zero_cond = bio_cond_create(bt);
	bt->bt_zero_idle = bio_cond_create(bt);
	if (bt->bt_zero_cond == NULL || bt->bt_zero_idle == NULL)
		return -DER_NOMEM;
	return 0;
}

/*
 * First chunk not done in the window ahead of the hint, or UINT64_MAX. The
 * hint's own chunk is left to the allocator: blocks held there would make
 * it jump over them into space not zeroed yet.
 */
static uint64_t
zero_next(struct bio_target *bt)
{
	uint64_t hc = bt->bt_alloc.ba_hint / ZERO_CHUNK_BLKS;
	uint64_t ahead = MIN(bt->bt_zero_ahead, bt->bt_zchunks - 1);
	uint64_t i;

	for (i = 1; i <= ahead; i++) {
		uint64_t c = (hc + i) % bt->bt_zchunks;

		if (!chunk_done(bt, c))
			return c;
	}
	return UINT64_MAX;
}

/* Zero the free blocks of chunk c, one free run at a time. */
static int
zero_chunk(struct bio_target *bt, uint64_t c)
{
	struct bio_alloc *ba  = &bt->bt_alloc;
	uint64_t          b   = c * ZERO_CHUNK_BLKS;
	uint64_t          end = MIN(b + ZERO_CHUNK_BLKS, ba->ba_nblks);
	int               rc  = 0;

	while (b < end && rc == 0 && !bt->bt_closing && !bt->bt_faulty) {
		uint64_t n;

		/* a reservation that waited for our last write goes first */
		while (bt->bt_zero_waiters > 0 && !bt->bt_closing)
			bio_ult_yield(bt);
		b = bio_alloc_free_run(ba, b, end, &n);
		if (n == 0)
			break;
		bio_alloc_hold(ba, b, n, true);
		bt->bt_zero_held = n;
		rc = bio_pwrite_soft(bt, &bt->bt_reg[BIO_REGION_DATA], bt->bt_zero_buf,
				     n * BIO_BLK_SIZE, (b + 1) * BIO_BLK_SIZE);
		bio_alloc_hold(ba, b, n, false);
		bt->bt_zero_held = 0;
		bio_cond_broadcast(bt->bt_zero_idle);
		if (rc == 0) {
			bt->bt_stats.data_zeroed += n * BIO_BLK_SIZE;
			bt->bt_zero_unsynced += n * BIO_BLK_SIZE;
		}
		b += n;
	}
	if (rc == 0)
		chunk_set_done(bt, c);
	return rc;
}

static void
zero_ult(void *arg)
{
	struct bio_target *bt = arg;
	int                rc = 0;

	while (!bt->bt_closing && !bt->bt_faulty && rc == 0 &&
	       bt->bt_zchunks_done < bt->bt_zchunks) {
		uint64_t c = bt->bt_zero_avg_blks >= BIO_ZERO_BIG_BLKS ? UINT64_MAX : zero_next(bt);

		if (c == UINT64_MAX || bt->bt_zero_unsynced >= ZERO_SYNC_BYTES) {
			/* Caught up (or a batch is done): make the conversions durable
			 * here, not in some commit's fdatasync. */
			if (bt->bt_zero_unsynced > 0) {
				bt->bt_zero_unsynced = 0;
				rc = bio_fdatasync(bt, &bt->bt_reg[BIO_REGION_DATA]);
				continue;
			}
			bio_cond_wait(bt->bt_zero_cond);
			continue;
		}
		rc = zero_chunk(bt, c);
	}
	if (rc != 0)
		D_WARN("%s: DATA pre-writing stopped: " DF_RC "\n",
		       bt->bt_reg[BIO_REGION_DATA].br_path, DP_RC(rc));
	bt->bt_zero_running = false;
	bio_cond_broadcast(bt->bt_zero_idle);
}

void
bio_zero_kick(struct bio_target *bt, uint64_t b, uint64_t n)
{
	uint64_t hc;

	if (bt->bt_zmap == NULL || bt->bt_closing)
		return;
	/* a cancelled reservation leaves its chunks marked: they are then
	 * converted by whatever lands there, as without the pre-writer */
	mark_written(bt, b, n);
	/* capped, so one huge reservation does not stand for many */
	bt->bt_zero_avg_blks = (bt->bt_zero_avg_blks * 7 + MIN(n, 2 * BIO_ZERO_BIG_BLKS)) / 8;
	if (!bt->bt_zero_started) {
		/* Started by the first reservation: by then the owner has marked
		 * what its recovered index uses. */
		bt->bt_zero_started = true;
		/* never touched, read-only: every page is the kernel's zero page,
		 * so the zeros cost no memory */
		bt->bt_zero_buf = mmap(NULL, BIO_ZERO_CHUNK, PROT_READ,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (bt->bt_zero_buf == MAP_FAILED) {
			bt->bt_zero_buf = NULL;
			return;
		}
		bt->bt_zero_ahead      = BIO_ZERO_AHEAD_MIN;
		bt->bt_zero_hint_chunk = bt->bt_alloc.ba_hint / ZERO_CHUNK_BLKS;
		bt->bt_zero_running    = true;
		if (bio_ult_create(bt, zero_ult, bt) != 0)
			bt->bt_zero_running = false;
		return;
	}
	hc = bt->bt_alloc.ba_hint / ZERO_CHUNK_BLKS;
	if (hc != bt->bt_zero_hint_chunk) {
		bt->bt_zero_hint_chunk = hc;
		/* The allocator caught up with us: writes come faster than the
		 * window covers, look further ahead. An idle target zeroes little. */
		if (hc < bt->bt_zchunks && !chunk_done(bt, hc))
			bt->bt_zero_ahead = MIN(bt->bt_zero_ahead * 2, (uint64_t)BIO_ZERO_AHEAD);
		bio_cond_signal(bt->bt_zero_cond);
	}
}

bool
bio_zero_wait(struct bio_target *bt)
{
	if (bt->bt_zero_held == 0)
		return false;
	bt->bt_zero_waiters++;
	while (bt->bt_zero_held > 0)
		bio_cond_wait(bt->bt_zero_idle);
	bt->bt_zero_waiters--;
	return true;
}

void
bio_zero_close(struct bio_target *bt)
{
	bt->bt_closing = true;
	if (bt->bt_zero_cond != NULL)
		bio_cond_broadcast(bt->bt_zero_cond);
	while (bt->bt_zero_running)
		bio_cond_wait(bt->bt_zero_idle);
	bio_cond_destroy(bt->bt_zero_cond);
	bio_cond_destroy(bt->bt_zero_idle);
	bt->bt_zero_cond = bt->bt_zero_idle = NULL;
	if (bt->bt_zero_buf != NULL)
		munmap(bt->bt_zero_buf, BIO_ZERO_CHUNK);
	bt->bt_zero_buf = NULL;
	D_FREE(bt->bt_zmap);
}
