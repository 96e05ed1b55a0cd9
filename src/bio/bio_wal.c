/*
 * bio_wal.c - the write-ahead log: group commit into a circular region,
 * replay, and reclaim after checkpoints.
 *
 * Committers append records to the open group buffer and sleep. One flusher
 * ULT per target seals the open group, makes the other buffer the open one
 * (so new records keep arriving during the write), writes the sealed group
 * with one durable write (RWF_DSYNC), and wakes its committers. Only one
 * group is in flight at a time, so groups become durable in order and a
 * crash leaves at most one torn group, at the end.
 *
 * A group is valid when its header names the expected block sequence number
 * (so content from an earlier wrap is stale), its CRC32C (seeded with the
 * format's nonce) matches over all its blocks, and its LSNs continue the
 * previous group's. Replay stops at the first group that is not valid.
 */
#include "bio_internal.h"

static inline uint32_t
rec_size(size_t len)
{
	return (uint32_t)((WAL_REC_HDR_SZ + len + BIO_REC_ALIGN - 1) & ~(size_t)(BIO_REC_ALIGN - 1));
}

static inline uint64_t
blks_of(uint64_t bytes)
{
	return (bytes + BIO_BLK_SIZE - 1) / BIO_BLK_SIZE;
}

static inline uint64_t
wal_blk_off(struct bio_target *bt, uint64_t bseq)
{
	return (1 + bseq % bt->bt_wal_nblks) * BIO_BLK_SIZE;
}

/* Where a group of nblks blocks goes when written next: groups never wrap
 * around the ring's end, they skip to its start. */
static uint64_t
wal_place(struct bio_target *bt, uint64_t head, uint64_t nblks)
{
	uint64_t pos = head % bt->bt_wal_nblks;

	return pos + nblks > bt->bt_wal_nblks ? head + bt->bt_wal_nblks - pos : head;
}

static uint32_t
rec_csum(const struct wal_rec_hdr *rh, const void *payload)
{
	struct wal_rec_hdr tmp = *rh;

	tmp.wr_csum = 0;
	return bio_crc32c(payload, rh->wr_len, bio_crc32c(&tmp, sizeof(tmp), ~0u));
}

static uint32_t
group_csum(struct bio_target *bt, char *buf, uint64_t nblks)
{
	struct wal_group_hdr *gh   = (struct wal_group_hdr *)buf;
	uint32_t              save = gh->gh_csum;
	uint32_t              csum;

	gh->gh_csum = 0;
	csum = bio_crc32c(buf, nblks * BIO_BLK_SIZE, (uint32_t)bt->bt_nonce ^ ~0u);
	gh->gh_csum = save;
	return csum;
}

/* ---- reading groups back ---- */

/* A window of the ring read ahead, so small groups cost no read each. */
struct wal_reader {
	char    *wr_buf;
	uint64_t wr_pos;   /* ring position of wr_buf[0] */
	uint64_t wr_nblks; /* valid blocks in wr_buf */
};

#define WAL_READ_BLKS (2 * WAL_GROUP_BLKS)

static int
reader_get(struct bio_target *bt, struct wal_reader *rd, uint64_t pos, uint64_t nblks, char **p)
{
	uint64_t n;
	int      rc;

	if (pos >= rd->wr_pos && pos + nblks <= rd->wr_pos + rd->wr_nblks) {
		*p = rd->wr_buf + (pos - rd->wr_pos) * BIO_BLK_SIZE;
		return 0;
	}
	n = bt->bt_wal_nblks - pos < WAL_READ_BLKS ? bt->bt_wal_nblks - pos : WAL_READ_BLKS;
	D_ASSERT(nblks <= n);
	rd->wr_nblks = 0;
	rc = bio_pread(bt, &bt->bt_reg[BIO_REGION_WAL], rd->wr_buf, n * BIO_BLK_SIZE,
		       (1 + pos) * BIO_BLK_SIZE);
	if (rc != 0)
		return rc;
	rd->wr_pos   = pos;
	rd->wr_nblks = n;
	*p           = rd->wr_buf;
	return 0;
}

enum grp_state {
	GRP_VALID,
	GRP_ABSENT,  /* no header for this bseq: end of log (stale or never written) */
	GRP_BAD,     /* a header for this bseq, but torn or corrupt */
};

/*
 * Check the group expected at bseq; lsn_lo..lsn_hi bound its first LSN
 * (equal except for the first group of a replay, which may start before the
 * checkpoint's LSN). On GRP_VALID *gp points at it in the reader's buffer.
 */
static int
group_check(struct bio_target *bt, struct wal_reader *rd, uint64_t bseq, uint64_t lsn_lo,
	    uint64_t lsn_hi, char **gp, enum grp_state *st)
{
	struct wal_group_hdr *gh;
	uint64_t              pos = bseq % bt->bt_wal_nblks;
	uint32_t              off;
	uint32_t              i;
	char                 *buf;
	int                   rc;

	*st = GRP_ABSENT;
	rc  = reader_get(bt, rd, pos, 1, &buf);
	if (rc != 0)
		return rc;
	gh = (struct wal_group_hdr *)buf;
	if (gh->gh_magic != WAL_GROUP_MAGIC || gh->gh_bseq != bseq)
		return 0;

	*st = GRP_BAD;
	if (gh->gh_nblks == 0 || gh->gh_nblks > WAL_GROUP_BLKS ||
	    pos + gh->gh_nblks > bt->bt_wal_nblks || gh->gh_used < WAL_GROUP_HDR_SZ ||
	    gh->gh_used > gh->gh_nblks * BIO_BLK_SIZE || gh->gh_nrec == 0)
		return 0;
	rc = reader_get(bt, rd, pos, gh->gh_nblks, &buf);
	if (rc != 0)
		return rc;
	gh = (struct wal_group_hdr *)buf;
	if (group_csum(bt, buf, gh->gh_nblks) != gh->gh_csum)
		return 0;
	if (gh->gh_first_lsn > lsn_hi || gh->gh_first_lsn + gh->gh_nrec <= lsn_lo)
		return 0;

	/* The group checksum covers the records; theirs guard against our bugs. */
	for (off = WAL_GROUP_HDR_SZ, i = 0; i < gh->gh_nrec; i++) {
		struct wal_rec_hdr *rh = (struct wal_rec_hdr *)(buf + off);

		if (off + WAL_REC_HDR_SZ > gh->gh_used || rh->wr_lsn != gh->gh_first_lsn + i ||
		    rh->wr_len > gh->gh_used - off - WAL_REC_HDR_SZ ||
		    rh->wr_csum != rec_csum(rh, rh + 1))
			return 0;
		off += rec_size(rh->wr_len);
	}
	*gp = buf;
	*st = GRP_VALID;
	return 0;
}

typedef int (*group_cb_t)(struct bio_target *bt, const struct wal_group_hdr *gh, void *arg);

struct walk_result {
	uint64_t end_bseq; /* where the next group goes */
	uint64_t end_lsn;  /* LSN the next record gets */
	bool     corrupt;  /* a bad group with valid ones after it */
};

/*
 * Visit the valid groups from (bseq, lsn) on, in order. Also used by open
 * to find the log's end, so it never writes.
 */
static int
wal_walk(struct bio_target *bt, uint64_t bseq, uint64_t lsn, group_cb_t cb, void *arg,
	 struct walk_result *res)
{
	struct wal_reader rd = {0};
	uint64_t          lsn_lo = lsn;
	uint64_t          n = 0;
	char             *buf = NULL;
	int               rc = 0;

	rd.wr_buf = bio_buf_alloc(WAL_READ_BLKS * BIO_BLK_SIZE);
	if (rd.wr_buf == NULL)
		return -DER_NOMEM;
	res->corrupt = false;

	/* At most every block of the ring once: a bound even on a bogus chain. */
	while (n < bt->bt_wal_nblks) {
		struct wal_group_hdr *gh;
		enum grp_state        st;
		uint64_t              at = bseq;

		rc = group_check(bt, &rd, at, lsn_lo, lsn, &buf, &st);
		if (rc == 0 && st == GRP_ABSENT && at % bt->bt_wal_nblks != 0) {
			/* The writer skips the ring's tail when a group does not fit. */
			at = bseq + bt->bt_wal_nblks - bseq % bt->bt_wal_nblks;
			rc = group_check(bt, &rd, at, lsn_lo, lsn, &buf, &st);
		}
		if (rc != 0)
			break;
		if (st == GRP_BAD) {
			/* A torn write only ever hits the last group; one followed
			 * by a valid group is corruption inside the log. */
			struct wal_group_hdr *bad;
			enum grp_state        nst = GRP_ABSENT;
			uint64_t              nb;

			rc = reader_get(bt, &rd, at % bt->bt_wal_nblks, 1, &buf);
			bad = (struct wal_group_hdr *)buf;
			if (rc == 0 && bad->gh_nblks > 0 && bad->gh_nblks <= WAL_GROUP_BLKS &&
			    bad->gh_first_lsn == lsn) {
				nb = at + bad->gh_nblks;
				rc = group_check(bt, &rd, nb, lsn + bad->gh_nrec,
						 lsn + bad->gh_nrec, &buf, &nst);
				if (rc == 0 && nst == GRP_ABSENT && nb % bt->bt_wal_nblks != 0)
					rc = group_check(bt, &rd,
							 nb + bt->bt_wal_nblks -
							     nb % bt->bt_wal_nblks,
							 lsn + bad->gh_nrec, lsn + bad->gh_nrec,
							 &buf, &nst);
			}
			if (rc == 0 && nst == GRP_VALID) {
				D_ERROR("%s: WAL group at block %" PRIu64 " (LSN %" PRIu64
					") is corrupt and later groups exist: log truncated there\n",
					bt->bt_reg[BIO_REGION_WAL].br_path, at, lsn);
				res->corrupt = true;
			}
			break;
		}
		if (st == GRP_ABSENT)
			break;
		gh = (struct wal_group_hdr *)buf;
		if (cb != NULL) {
			rc = cb(bt, gh, arg);
			if (rc != 0)
				break;
		}
		lsn    = gh->gh_first_lsn + gh->gh_nrec;
		lsn_lo = lsn;
		n += at + gh->gh_nblks - bseq;
		bseq = at + gh->gh_nblks;
	}
	res->end_bseq = bseq;
	res->end_lsn  = lsn;
	bio_buf_free(rd.wr_buf);
	return rc;
}

/* ---- live groups: an array ring of what checkpoints may reclaim ---- */

static void
ents_push(struct bio_target *bt, uint64_t bseq, uint64_t nblks, uint64_t first, uint64_t last)
{
	struct wal_grp_ent *e;

	D_ASSERT(bt->bt_ents_nr < bt->bt_ents_cap);
	e = &bt->bt_ents[(bt->bt_ents_first + bt->bt_ents_nr) % bt->bt_ents_cap];
	e->ge_bseq      = bseq;
	e->ge_nblks     = nblks;
	e->ge_first_lsn = first;
	e->ge_last_lsn  = last;
	bt->bt_ents_nr++;
}

static int
open_group_cb(struct bio_target *bt, const struct wal_group_hdr *gh, void *arg)
{
	(void)arg;
	ents_push(bt, gh->gh_bseq, gh->gh_nblks, gh->gh_first_lsn,
		  gh->gh_first_lsn + gh->gh_nrec - 1);
	return 0;
}

uint64_t
bio_wal_lsn_bseq(struct bio_target *bt, uint64_t lsn)
{
	uint64_t i;

	for (i = 0; i < bt->bt_ents_nr; i++) {
		struct wal_grp_ent *e = &bt->bt_ents[(bt->bt_ents_first + i) % bt->bt_ents_cap];

		if (e->ge_last_lsn >= lsn)
			return e->ge_bseq;
	}
	return bt->bt_wal_head;
}

static uint64_t
wal_used_blks(struct bio_target *bt)
{
	return bt->bt_wal_head - bt->bt_wal_tail;
}

void
bio_wal_reclaim(struct bio_target *bt, uint64_t start_lsn)
{
	while (bt->bt_ents_nr > 0 &&
	       bt->bt_ents[bt->bt_ents_first].ge_last_lsn < start_lsn) {
		bt->bt_ents_first = (bt->bt_ents_first + 1) % bt->bt_ents_cap;
		bt->bt_ents_nr--;
	}
	bt->bt_wal_tail = bt->bt_ents_nr > 0 ? bt->bt_ents[bt->bt_ents_first].ge_bseq
					     : bt->bt_wal_head;
	bt->bt_tail_lsn = start_lsn;
	if (wal_used_blks(bt) <= bt->bt_wal_nblks / 2)
		bt->bt_half_requested = false;
	bio_cond_broadcast(bt->bt_space_cond);
}

/* ---- writing ---- */

static void
group_reset(struct wal_group *g, uint64_t seq)
{
	g->wg_used      = WAL_GROUP_HDR_SZ;
	g->wg_nrec      = 0;
	g->wg_first_lsn = 0;
	g->wg_last_lsn  = 0;
	g->wg_seq       = seq;
	g->wg_dsync_gen = 0;
}

/* Write one sealed group durably, with the crash and error points. */
static int
wal_group_write(struct bio_target *bt, char *buf, uint64_t nblks, uint64_t bseq)
{
	struct bio_region *r   = &bt->bt_reg[BIO_REGION_WAL];
	uint64_t           off = wal_blk_off(bt, bseq);
	size_t             len = nblks * BIO_BLK_SIZE;

	if (bio_fault(BIO_FI_CRASH)) {
		if (bio_fault_arg(BIO_FI_CRASH) != 0) {
			/* A torn write: the first half reaches the disk, not the rest. */
			(void)bio_pwrite(bt, r, buf, len / 2 - (len / 2) % 512, off, true);
		}
		D_INFO("fault injection: crash before WAL flush\n");
		_exit(0);
	}
	if (bio_fault(BIO_FI_WAL_FLUSH)) {
		D_ERROR("fault injection: WAL flush fails\n");
		return -DER_IO;
	}
	/* one request, durable when it completes (no fdatasync through io-wq) */
	return bio_pwrite(bt, r, buf, len, off, true);
}

#define WAL_HOLD_MAX_US  500 /* longest a group waits for more committers */
#define WAL_HOLD_STEP_US 20  /* how often a held group looks again */

/*
 * Should the flusher hold the open group a little longer? Over a network the
 * committers of the group just made durable come back with their clients'
 * next requests a round trip later; sealing at once splits one set of
 * clients into two half-size groups that each pay a full flush. So a group
 * smaller than the last round's concurrency waits for the rest, for at most
 * half a group's I/O time (WAL_HOLD_MAX_US at most). A lone committer, a
 * full group or a closing target never waits. Returns true after a sleep.
 */
static bool
wal_hold(struct bio_target *bt, struct wal_group *g)
{
	uint64_t hold = MIN(bt->bt_grp_io_us / 2, WAL_HOLD_MAX_US);
	uint64_t now;

	if (g->wg_nrec >= bt->bt_grp_expect || bt->bt_seal_wanted || bt->bt_closing ||
	    bt->bt_faulty || hold == 0)
		return false;
	now = bio_now_usec();
	if (now >= bt->bt_grp_t0_us + hold)
		return false;
	bio_ult_sleep_us(bt, MIN(WAL_HOLD_STEP_US, bt->bt_grp_t0_us + hold - now));
	return true;
}

static void
wal_flusher(void *arg)
{
	struct bio_target *bt = arg;

	for (;;) {
		struct wal_group     *g = &bt->bt_grp[bt->bt_open_grp];
		struct wal_group_hdr *gh;
		uint64_t              nblks;
		uint64_t              bseq;
		uint64_t              t0, now;
		int                   rc;

		if (g->wg_nrec == 0) {
			if (bt->bt_closing)
				break;
			bio_cond_wait(bt->bt_flush_cond);
			continue;
		}
		if (wal_hold(bt, g))
			continue;
		/* The previous group's DATA writes complete before this group is
		 * written: so after a crash only records of the last durable group
		 * can point at DATA that never made it (what replay may discard). */
		if (bt->bt_grp[!bt->bt_open_grp].wg_data_pending > 0) {
			bio_cond_wait(bt->bt_flush_cond);
			continue;
		}
		/* ... and are durable (a failed sync leaves the target faulty: the
		 * write below then fails like any other) */
		(void)bio_data_sync(bt, bt->bt_grp[!bt->bt_open_grp].wg_dsync_gen);

		/* Seal: the committers checked the ring has room for it here. */
		nblks = blks_of(g->wg_used);
		bseq  = wal_place(bt, bt->bt_wal_head, nblks);
		memset(g->wg_buf + g->wg_used, 0, nblks * BIO_BLK_SIZE - g->wg_used);
		gh               = (struct wal_group_hdr *)g->wg_buf;
		gh->gh_magic     = WAL_GROUP_MAGIC;
		gh->gh_bseq      = bseq;
		gh->gh_first_lsn = g->wg_first_lsn;
		gh->gh_nblks     = (uint32_t)nblks;
		gh->gh_nrec      = g->wg_nrec;
		gh->gh_used      = g->wg_used;
		gh->gh_pad       = 0;
		gh->gh_csum      = group_csum(bt, g->wg_buf, nblks);
		ents_push(bt, bseq, nblks, g->wg_first_lsn, g->wg_last_lsn);
		bt->bt_wal_head = bseq + nblks;

		bt->bt_open_grp = !bt->bt_open_grp;
		group_reset(&bt->bt_grp[bt->bt_open_grp], g->wg_seq + 1);
		bt->bt_inflight    = true;
		bt->bt_seal_wanted = false;
		bio_cond_broadcast(bt->bt_seal_cond);

		t0 = bio_now_usec();
		rc = bt->bt_faulty ? -DER_IO : wal_group_write(bt, g->wg_buf, nblks, bseq);
		bt->bt_inflight = false;
		/* what the next group should wait for: those just made durable are
		 * likely to commit again, beside those already in the open group */
		now               = bio_now_usec();
		bt->bt_grp_io_us  = (bt->bt_grp_io_us * 7 + (now - t0)) / 8;
		bt->bt_grp_expect = g->wg_nrec + bt->bt_grp[bt->bt_open_grp].wg_nrec;
		bt->bt_grp_t0_us  = now;
		if (rc != 0) {
			bio_set_faulty(bt, "WAL group write", rc);
		} else {
			bt->bt_done_seq    = g->wg_seq;
			bt->bt_durable_lsn = g->wg_last_lsn;
			bt->bt_stats.wal_flushes++;
			bt->bt_stats.wal_records += g->wg_nrec;
			bt->bt_stats.wal_bytes += nblks * BIO_BLK_SIZE;
			bio_alloc_durable(bt, bt->bt_durable_lsn);
		}
		bio_cond_broadcast(g->wg_cond);
	}
	bt->bt_flusher_running = false;
	bio_cond_broadcast(bt->bt_exit_cond);
}

/*
 * Would the open group, grown to used bytes, still fit in the ring? The last
 * WAL_RESERVE_DIV-th of the ring is kept for records that free space (a
 * container's destroy), so that a store whose checkpoint cannot complete
 * (index over its META slot) can still be emptied.
 */
#define WAL_RESERVE_DIV 8

static bool
wal_room(struct bio_target *bt, uint64_t used, bool reserve)
{
	uint64_t nblks = blks_of(used);
	uint64_t limit = bt->bt_wal_nblks - (reserve ? 0 : bt->bt_wal_nblks / WAL_RESERVE_DIV);

	return wal_place(bt, bt->bt_wal_head, nblks) + nblks <= bt->bt_wal_tail + limit;
}

/* Wait for WAL space, asking the owner for a checkpoint. */
static int
wal_wait_space(struct bio_target *bt, uint64_t need_used, bool reserve)
{
	uint64_t ckpts  = bt->bt_stats.ckpts;
	uint64_t aborts = bt->bt_stats.ckpt_aborts;

	if (blks_of(need_used) > bt->bt_wal_nblks / 2 || bt->bt_opts.bo_ckpt_request == NULL) {
		D_ERROR("%s: WAL full\n", bt->bt_reg[BIO_REGION_WAL].br_path);
		return -DER_NOSPACE;
	}
	bt->bt_stats.wal_full_waits++;
	bt->bt_opts.bo_ckpt_request(bt->bt_opts.bo_ckpt_arg);
	while (!wal_room(bt, need_used, reserve)) {
		if (bt->bt_closing)
			return -DER_SHUTDOWN;
		if (bt->bt_faulty)
			return -DER_IO;
		/* A checkpoint completed and freed too little: asking again is futile. */
		if (bt->bt_stats.ckpts > ckpts + 1) {
			D_ERROR("%s: WAL full even after a checkpoint\n",
				bt->bt_reg[BIO_REGION_WAL].br_path);
			return -DER_NOSPACE;
		}
		/* The checkpoint that would free the WAL failed: most often the index
		 * outgrew its META slot. Full, until space is freed (destroy, punch +
		 * aggregation) and a later checkpoint succeeds. */
		if (bt->bt_stats.ckpt_aborts != aborts) {
			D_ERROR("%s: WAL full and its checkpoint failed (metadata over its META "
				"slot?)\n",
				bt->bt_reg[BIO_REGION_WAL].br_path);
			return -DER_NOSPACE;
		}
		bio_cond_wait(bt->bt_space_cond);
	}
	return 0;
}

/* Append a record to the open group; returns that group. */
static int
wal_append(struct bio_target *bt, const void *rec, size_t len, int nr_ios, bool reserve,
	   struct wal_group **gp,
	   uint64_t *lsn)
{
	uint32_t            need = rec_size(len);
	struct wal_group   *g;
	struct wal_rec_hdr *rh;
	int                 rc;

	for (;;) {
		if (bt->bt_closing)
			return -DER_SHUTDOWN;
		if (bt->bt_faulty)
			return -DER_IO;
		g = &bt->bt_grp[bt->bt_open_grp];
		if (g->wg_used + need > BIO_WAL_GROUP_MAX) {
			/* This group is full: wait for it to be sealed. */
			bt->bt_seal_wanted = true;
			bio_cond_signal(bt->bt_flush_cond);
			bio_cond_wait(bt->bt_seal_cond);
			continue;
		}
		if (wal_room(bt, g->wg_used + need, reserve))
			break;
		if (g->wg_nrec > 0) {
			/* Let the open group go first: it fits in less. */
			bt->bt_seal_wanted = true;
			bio_cond_signal(bt->bt_flush_cond);
			bio_cond_wait(bt->bt_seal_cond);
			continue;
		}
		rc = wal_wait_space(bt, g->wg_used + need, reserve);
		if (rc != 0)
			return rc;
	}

	rh          = (struct wal_rec_hdr *)(g->wg_buf + g->wg_used);
	rh->wr_lsn  = bt->bt_next_lsn++;
	rh->wr_len  = (uint32_t)len;
	rh->wr_csum = 0;
	memcpy(rh + 1, rec, len);
	memset((char *)(rh + 1) + len, 0, need - WAL_REC_HDR_SZ - len);
	rh->wr_csum = rec_csum(rh, rec);
	if (g->wg_nrec == 0) {
		g->wg_first_lsn = rh->wr_lsn;
		/* a hold counts from the later of this and the last group's end */
		bt->bt_grp_t0_us = bio_now_usec();
	}
	g->wg_last_lsn = rh->wr_lsn;
	g->wg_nrec++;
	g->wg_used += need;
	g->wg_data_pending += (uint32_t)nr_ios;
	*lsn = rh->wr_lsn;
	*gp  = g;

	if (!bt->bt_half_requested && bt->bt_opts.bo_ckpt_request != NULL &&
	    wal_used_blks(bt) + blks_of(g->wg_used) > bt->bt_wal_nblks / 2) {
		bt->bt_half_requested = true;
		bt->bt_opts.bo_ckpt_request(bt->bt_opts.bo_ckpt_arg);
	}
	bio_cond_signal(bt->bt_flush_cond);
	return 0;
}

static int
wal_commit(struct bio_target *bt, const void *rec, size_t len, struct bio_io **ios, int nr_ios,
	   bool reserve, uint64_t *lsnp)
{
	struct wal_group *g = NULL;
	uint64_t          lsn = 0;
	uint64_t          seq = 0;
	uint64_t          dgen = 0; /* DATA sync generation our writes need */
	int               rc;
	int               i;

	if (bt == NULL || rec == NULL || len == 0 || len > BIO_WAL_REC_MAX || nr_ios < 0 ||
	    (nr_ios > 0 && ios == NULL))
		rc = -DER_INVAL;
	else
		rc = wal_append(bt, rec, len, nr_ios, reserve, &g, &lsn);
	if (rc == 0)
		seq = g->wg_seq;
	if (lsnp != NULL)
		*lsnp = lsn;

	/* The data writes run while the group fills and flushes. */
	for (i = 0; i < nr_ios; i++) {
		int rc2 = bio_io_wait(ios[i]);

		ios[i] = NULL;
		if (rc == 0)
			rc = rc2;
	}
	/* The flusher holds the next group back until this count drops to 0;
	 * g cannot be refilled before that, so it is still our round's buffer. */
	if (g != NULL && nr_ios > 0) {
		/* the next group is written only once these writes are durable too
		 * (wal_flusher): a crash then leaves only the newest group pointing at
		 * DATA that may be missing */
		g->wg_data_pending -= (uint32_t)nr_ios;
		if (g->wg_data_pending == 0) {
			bio_cond_signal(bt->bt_flush_cond);
			bio_cond_broadcast(bt->bt_dsync_cond);
		} else {
			/* the group's other writes are about to land: one sync after
			 * the last covers them all, where one started now would be
			 * followed by another */
			while (g->wg_data_pending > 0 && !bt->bt_faulty)
				bio_cond_wait(bt->bt_dsync_cond);
		}
		dgen            = bt->bt_dsync_req; /* covers every write of ours: all completed */
		g->wg_dsync_gen = MAX(g->wg_dsync_gen, dgen);
	}
	if (g == NULL)
		return rc;
	/* acknowledged only once its DATA is durable, like its record */
	if (rc == 0 && nr_ios > 0)
		rc = bio_data_sync(bt, dgen);

	while (bt->bt_done_seq < seq && !bt->bt_faulty)
		bio_cond_wait(g->wg_cond);
	if (bt->bt_done_seq < seq)
		return -DER_IO;
	return rc;
}

int
bio_wal_commit(struct bio_target *bt, const void *rec, size_t len, struct bio_io **ios,
	       int nr_ios, uint64_t *lsnp)
{
	return wal_commit(bt, rec, len, ios, nr_ios, false, lsnp);
}

int
bio_wal_commit_reserve(struct bio_target *bt, const void *rec, size_t len, uint64_t *lsnp)
{
	return wal_commit(bt, rec, len, NULL, 0, true, lsnp);
}

uint64_t
bio_wal_next_lsn(struct bio_target *bt)
{
	return bt->bt_next_lsn;
}

uint64_t
bio_wal_durable_lsn(struct bio_target *bt)
{
	return bt->bt_durable_lsn;
}

uint64_t
bio_wal_open_last_lsn(struct bio_target *bt)
{
	return bt->bt_open_last_lsn;
}

/* ---- replay ---- */

struct replay_arg {
	uint64_t                 from_lsn;
	bio_replay_cb_t          cb;
	void                    *arg;
	struct bio_replay_stats *st;
};

static int
replay_group_cb(struct bio_target *bt, const struct wal_group_hdr *gh, void *arg)
{
	struct replay_arg *ra  = arg;
	const char        *buf = (const char *)gh;
	uint32_t           off = WAL_GROUP_HDR_SZ;
	uint32_t           i;
	int                rc;

	(void)bt;
	for (i = 0; i < gh->gh_nrec; i++) {
		const struct wal_rec_hdr *rh = (const struct wal_rec_hdr *)(buf + off);

		off += rec_size(rh->wr_len);
		if (rh->wr_lsn < ra->from_lsn)
			continue;
		rc = ra->cb(rh + 1, rh->wr_len, rh->wr_lsn, ra->arg);
		if (rc != 0)
			return rc;
		ra->st->rs_records++;
		ra->st->rs_bytes += rh->wr_len;
		ra->st->rs_last_lsn = rh->wr_lsn;
	}
	return 0;
}

int
bio_wal_replay(struct bio_target *bt, uint64_t from_lsn, bio_replay_cb_t cb, void *arg,
	       struct bio_replay_stats *stats)
{
	struct bio_replay_stats st = {0};
	struct replay_arg       ra = {from_lsn, cb, arg, &st};
	struct walk_result      res;
	uint64_t                start = bio_now_usec();
	int                     rc;

	if (bt == NULL || cb == NULL)
		return -DER_INVAL;
	if (bt->bt_faulty)
		return -DER_IO;
	if (from_lsn < bt->bt_tail_lsn) {
		D_ERROR("%s: replay from LSN %" PRIu64 " asked, the WAL starts at %" PRIu64 "\n",
			bt->bt_reg[BIO_REGION_WAL].br_path, from_lsn, bt->bt_tail_lsn);
		return -DER_INVAL;
	}
	rc = wal_walk(bt, bt->bt_wal_tail, bt->bt_tail_lsn, replay_group_cb, &ra, &res);
	if (rc == 0 && (res.corrupt || bt->bt_wal_corrupt))
		rc = -DER_CSUM;
	st.rs_usec = bio_now_usec() - start;
	D_INFO("%s: replayed %" PRIu64 " records, %" PRIu64 " bytes in %" PRIu64 " us: " DF_RC
	       "\n", bt->bt_reg[BIO_REGION_WAL].br_path, st.rs_records, st.rs_bytes,
	       st.rs_usec, DP_RC(rc));
	if (stats != NULL)
		*stats = st;
	return rc;
}

/* ---- open and close ---- */

/* Zero the blocks the next group may land on, so nothing a crashed
 * incarnation had in flight there can ever chain onto the log. */
static int
wal_zero_ahead(struct bio_target *bt)
{
	uint64_t bseq = bt->bt_wal_head;
	uint64_t end  = bt->bt_wal_head + WAL_GROUP_BLKS;
	int      rc   = 0;

	if (end > bt->bt_wal_tail + bt->bt_wal_nblks)
		end = bt->bt_wal_tail + bt->bt_wal_nblks;
	while (bseq < end && rc == 0) {
		uint64_t pos = bseq % bt->bt_wal_nblks;
		uint64_t n   = end - bseq;

		if (n > bt->bt_wal_nblks - pos)
			n = bt->bt_wal_nblks - pos;
		rc = bio_pwrite(bt, &bt->bt_reg[BIO_REGION_WAL], bt->bt_zero, n * BIO_BLK_SIZE,
				wal_blk_off(bt, bseq), false);
		bseq += n;
	}
	if (rc == 0)
		rc = bio_fdatasync(bt, &bt->bt_reg[BIO_REGION_WAL]);
	return rc;
}

int
bio_wal_open(struct bio_target *bt)
{
	struct walk_result res;
	uint64_t           start_bseq = 0;
	uint64_t           start_lsn  = 1;
	int                i;
	int                rc;

	bt->bt_wal_nblks = bt->bt_reg[BIO_REGION_WAL].br_size / BIO_BLK_SIZE - 1;
	bt->bt_ents_cap  = bt->bt_wal_nblks + 1;
	D_ALLOC_ARRAY(bt->bt_ents, bt->bt_ents_cap);
	bt->bt_zero = bio_buf_alloc(WAL_GROUP_BLKS * BIO_BLK_SIZE);
	if (bt->bt_ents == NULL || bt->bt_zero == NULL)
		return -DER_NOMEM;
	memset(bt->bt_zero, 0, WAL_GROUP_BLKS * BIO_BLK_SIZE);
	for (i = 0; i < 2; i++) {
		bt->bt_grp[i].wg_buf  = bio_buf_get(bt, BIO_WAL_GROUP_MAX);
		bt->bt_grp[i].wg_cond = bio_cond_create(bt);
		if (bt->bt_grp[i].wg_buf == NULL || bt->bt_grp[i].wg_cond == NULL)
			return -DER_NOMEM;
	}
	bt->bt_flush_cond = bio_cond_create(bt);
	bt->bt_space_cond = bio_cond_create(bt);
	bt->bt_seal_cond  = bio_cond_create(bt);
	bt->bt_exit_cond  = bio_cond_create(bt);
	bt->bt_dsync_cond = bio_cond_create(bt);
	if (bt->bt_flush_cond == NULL || bt->bt_space_cond == NULL || bt->bt_seal_cond == NULL ||
	    bt->bt_exit_cond == NULL || bt->bt_dsync_cond == NULL)
		return -DER_NOMEM;

	if (bt->bt_newest >= 0) {
		start_bseq = bt->bt_slot[bt->bt_newest].sh_start_bseq;
		start_lsn  = bt->bt_slot[bt->bt_newest].sh_start_lsn;
	}
	bt->bt_wal_tail = start_bseq;
	bt->bt_tail_lsn = start_lsn;
	rc = wal_walk(bt, start_bseq, start_lsn, open_group_cb, NULL, &res);
	if (rc != 0)
		return rc;
	/* Later groups are overwritten from now on; replay reports the loss. */
	bt->bt_wal_corrupt = res.corrupt;
	bt->bt_wal_head    = res.end_bseq;
	bt->bt_next_lsn    = res.end_lsn;
	bt->bt_durable_lsn = res.end_lsn - 1;
	if (bt->bt_ents_nr > 0) {
		bt->bt_wal_tail = bt->bt_ents[bt->bt_ents_first].ge_bseq;
		bt->bt_open_last_lsn =
		    bt->bt_ents[(bt->bt_ents_first + bt->bt_ents_nr - 1) % bt->bt_ents_cap]
			.ge_first_lsn;
	}
	D_INFO("%s: WAL of %" PRIu64 " blocks, live [%" PRIu64 ", %" PRIu64 "), next LSN %" PRIu64
	       "\n", bt->bt_reg[BIO_REGION_WAL].br_path, bt->bt_wal_nblks, bt->bt_wal_tail,
	       bt->bt_wal_head, bt->bt_next_lsn);

	rc = wal_zero_ahead(bt);
	if (rc != 0)
		return rc;

	bt->bt_open_grp = 0;
	group_reset(&bt->bt_grp[0], 1);
	bt->bt_done_seq        = 0;
	bt->bt_flusher_running = true;
	rc = bio_ult_create(bt, wal_flusher, bt);
	if (rc != 0)
		bt->bt_flusher_running = false;
	return rc;
}

void
bio_wal_close(struct bio_target *bt)
{
	int i;

	bt->bt_closing = true;
	if (bt->bt_flush_cond != NULL)
		bio_cond_broadcast(bt->bt_flush_cond);
	if (bt->bt_space_cond != NULL)
		bio_cond_broadcast(bt->bt_space_cond);
	if (bt->bt_seal_cond != NULL)
		bio_cond_broadcast(bt->bt_seal_cond);
	/* The flusher writes what is still open before it leaves. */
	while (bt->bt_flusher_running)
		bio_cond_wait(bt->bt_exit_cond);

	for (i = 0; i < 2; i++) {
		bio_buf_put(bt, bt->bt_grp[i].wg_buf, BIO_WAL_GROUP_MAX);
		bio_cond_destroy(bt->bt_grp[i].wg_cond);
	}
	bio_cond_destroy(bt->bt_flush_cond);
	bio_cond_destroy(bt->bt_space_cond);
	bio_cond_destroy(bt->bt_seal_cond);
	bio_cond_destroy(bt->bt_exit_cond);
	bio_cond_destroy(bt->bt_dsync_cond);
	bio_buf_free(bt->bt_zero);
	D_FREE(bt->bt_ents);
}
