/*
 * bio_ckpt.c - the two checkpoint slots of META. A checkpoint is written into
 * the slot not holding the newest valid image; its header goes last, after
 * the image is flushed, so a crash at any point leaves the other slot valid.
 * A slot is valid when its header checksum and its image checksum match.
 */
#include "bio_internal.h"

#define CKPT_BUF_SIZE (1u << 20) /* image bytes staged per write */

struct bio_ckpt {
	struct bio_target *ck_bt;
	int                ck_slot;
	uint64_t           ck_gen;
	uint64_t           ck_len;   /* image bytes appended */
	uint64_t           ck_off;   /* bytes of image already written */
	uint32_t           ck_csum;
	size_t             ck_fill;  /* bytes staged in ck_buf */
	char              *ck_buf;
	int                ck_rc;    /* first error; the checkpoint is then dead */
};

static inline uint64_t
slot_off(struct bio_target *bt, int slot)
{
	return BIO_BLK_SIZE + (uint64_t)slot * bt->bt_slot_size;
}

static inline uint64_t
slot_cap(struct bio_target *bt)
{
	return bt->bt_slot_size - BIO_BLK_SIZE;
}

static uint32_t
slot_hdr_csum(struct bio_target *bt, const struct meta_slot_hdr *sh)
{
	struct meta_slot_hdr tmp = *sh;

	tmp.sh_csum = 0;
	return bio_crc32c(&tmp, sizeof(tmp), (uint32_t)bt->bt_nonce ^ ~0u);
}

/* Stream a slot's image through cb (may be NULL), returning its CRC. */
static int
slot_read_image(struct bio_target *bt, int slot, uint64_t len, bio_ckpt_load_cb_t cb, void *arg,
		uint32_t *csum)
{
	uint64_t done = 0;
	uint32_t crc  = ~0u;
	char    *buf;
	int      rc = 0;

	buf = bio_buf_alloc(CKPT_BUF_SIZE);
	if (buf == NULL)
		return -DER_NOMEM;
	while (done < len) {
		size_t n   = len - done < CKPT_BUF_SIZE ? (size_t)(len - done) : CKPT_BUF_SIZE;
		size_t rdn = (n + BIO_BLK_SIZE - 1) & ~(size_t)(BIO_BLK_SIZE - 1);

		rc = bio_pread(bt, &bt->bt_reg[BIO_REGION_META], buf, rdn,
			       slot_off(bt, slot) + BIO_BLK_SIZE + done);
		if (rc != 0)
			break;
		crc = bio_crc32c(buf, n, crc);
		if (cb != NULL) {
			rc = cb(buf, n, arg);
			if (rc != 0)
				break;
		}
		done += n;
	}
	bio_buf_free(buf);
	*csum = crc;
	return rc;
}

/* Read and check one slot; a valid header lands in bt_slot[slot]. */
static int
slot_load_hdr(struct bio_target *bt, int slot)
{
	struct meta_slot_hdr *sh;
	const char           *path = bt->bt_reg[BIO_REGION_META].br_path;
	uint32_t              csum;
	char                 *blk;
	int                   rc;

	memset(&bt->bt_slot[slot], 0, sizeof(bt->bt_slot[slot]));
	blk = bio_buf_alloc(BIO_BLK_SIZE);
	if (blk == NULL)
		return -DER_NOMEM;
	rc = bio_pread(bt, &bt->bt_reg[BIO_REGION_META], blk, BIO_BLK_SIZE, slot_off(bt, slot));
	if (rc != 0)
		goto out;
	sh = (struct meta_slot_hdr *)blk;
	if (sh->sh_magic != META_SLOT_MAGIC)
		goto out; /* never written */
	if (sh->sh_csum != slot_hdr_csum(bt, sh) || sh->sh_image_len > slot_cap(bt)) {
		D_WARN("%s: checkpoint slot %d has a corrupt header; ignored\n", path, slot);
		goto out;
	}
	rc = slot_read_image(bt, slot, sh->sh_image_len, NULL, NULL, &csum);
	if (rc != 0)
		goto out;
	if (csum != sh->sh_image_csum) {
		D_WARN("%s: checkpoint slot %d (generation %" PRIu64 ") is torn or corrupt; "
		       "ignored\n", path, slot, sh->sh_gen);
		goto out;
	}
	bt->bt_slot[slot] = *sh;
out:
	bio_buf_free(blk);
	return rc;
}

int
bio_ckpt_open(struct bio_target *bt)
{
	int slot;
	int rc;

	bt->bt_slot_size = ((bt->bt_reg[BIO_REGION_META].br_size - BIO_BLK_SIZE) / 2) &
			   ~(uint64_t)(BIO_BLK_SIZE - 1);
	bt->bt_newest = -1;
	for (slot = 0; slot < 2; slot++) {
		rc = slot_load_hdr(bt, slot);
		if (rc != 0)
			return rc;
		if (bt->bt_slot[slot].sh_magic == META_SLOT_MAGIC &&
		    (bt->bt_newest < 0 ||
		     bt->bt_slot[slot].sh_gen > bt->bt_slot[bt->bt_newest].sh_gen))
			bt->bt_newest = slot;
	}
	if (bt->bt_newest >= 0)
		D_INFO("%s: checkpoint generation %" PRIu64 " in slot %d, replay from LSN %" PRIu64
		       "\n", bt->bt_reg[BIO_REGION_META].br_path,
		       bt->bt_slot[bt->bt_newest].sh_gen, bt->bt_newest,
		       bt->bt_slot[bt->bt_newest].sh_start_lsn);
	return 0;
}

int
bio_ckpt_begin(struct bio_target *bt, struct bio_ckpt **ckp)
{
	struct bio_ckpt *ck;

	if (bt == NULL || ckp == NULL)
		return -DER_INVAL;
	if (bt->bt_faulty)
		return -DER_IO;
	if (bt->bt_ckpt_busy)
		return -DER_BUSY;
	D_ALLOC_PTR(ck);
	if (ck == NULL)
		return -DER_NOMEM;
	ck->ck_buf = bio_buf_alloc(CKPT_BUF_SIZE);
	if (ck->ck_buf == NULL) {
		D_FREE(ck);
		return -DER_NOMEM;
	}
	ck->ck_bt   = bt;
	ck->ck_slot = bt->bt_newest < 0 ? 0 : !bt->bt_newest;
	ck->ck_gen  = bt->bt_newest < 0 ? 1 : bt->bt_slot[bt->bt_newest].sh_gen + 1;
	ck->ck_csum = ~0u;
	/* The slot is overwritten from now on: it no longer holds a valid image. */
	memset(&bt->bt_slot[ck->ck_slot], 0, sizeof(bt->bt_slot[0]));
	bt->bt_ckpt_busy = true;
	*ckp = ck;
	return 0;
}

/* Write the staged bytes (padded to whole blocks) at the image's end. */
static int
ckpt_flush_buf(struct bio_ckpt *ck)
{
	struct bio_target *bt  = ck->ck_bt;
	size_t             len = (ck->ck_fill + BIO_BLK_SIZE - 1) & ~(size_t)(BIO_BLK_SIZE - 1);
	int                rc;

	if (ck->ck_fill == 0)
		return 0;
	memset(ck->ck_buf + ck->ck_fill, 0, len - ck->ck_fill);
	rc = bio_pwrite(bt, &bt->bt_reg[BIO_REGION_META], ck->ck_buf, len,
			slot_off(bt, ck->ck_slot) + BIO_BLK_SIZE + ck->ck_off, false);
	if (rc != 0)
		return rc;
	bt->bt_stats.meta_bytes += len;
	ck->ck_off += ck->ck_fill;
	ck->ck_fill = 0;
	return 0;
}

int
bio_ckpt_write(struct bio_ckpt *ck, const void *buf, size_t len)
{
	const char *p = buf;

	if (ck == NULL || (buf == NULL && len > 0))
		return -DER_INVAL;
	if (ck->ck_rc != 0)
		return ck->ck_rc;
	if (ck->ck_len + len > slot_cap(ck->ck_bt)) {
		D_ERROR("%s: checkpoint image exceeds the slot size %" PRIu64 "\n",
			ck->ck_bt->bt_reg[BIO_REGION_META].br_path, slot_cap(ck->ck_bt));
		return ck->ck_rc = -DER_NOSPACE;
	}
	ck->ck_csum = bio_crc32c(buf, len, ck->ck_csum);
	ck->ck_len += len;
	while (len > 0) {
		size_t n = CKPT_BUF_SIZE - ck->ck_fill < len ? CKPT_BUF_SIZE - ck->ck_fill : len;

		memcpy(ck->ck_buf + ck->ck_fill, p, n);
		ck->ck_fill += n;
		p += n;
		len -= n;
		if (ck->ck_fill == CKPT_BUF_SIZE) {
			ck->ck_rc = ckpt_flush_buf(ck);
			if (ck->ck_rc != 0)
				return ck->ck_rc;
		}
	}
	return 0;
}

static void
ckpt_free(struct bio_ckpt *ck)
{
	ck->ck_bt->bt_ckpt_busy = false;
	bio_buf_free(ck->ck_buf);
	D_FREE(ck);
}

int
bio_ckpt_end(struct bio_ckpt *ck, uint64_t start_lsn)
{
	struct bio_target    *bt;
	struct meta_slot_hdr *sh;
	int                   rc;

	if (ck == NULL)
		return -DER_INVAL;
	bt = ck->ck_bt;
	if (start_lsn > bt->bt_durable_lsn + 1 || start_lsn < bt->bt_tail_lsn) {
		D_ERROR("checkpoint start LSN %" PRIu64 " outside [%" PRIu64 ", %" PRIu64 "]\n",
			start_lsn, bt->bt_tail_lsn, bt->bt_durable_lsn + 1);
		ckpt_free(ck);
		return -DER_INVAL;
	}
	rc = ck->ck_rc;
	if (rc == 0)
		rc = ckpt_flush_buf(ck);
	if (rc == 0)
		rc = bio_fdatasync(bt, &bt->bt_reg[BIO_REGION_META]);
	if (rc != 0)
		goto out;

	/* The image is stable: now the header that makes it valid. The staging
	 * buffer is free and aligned, so it carries the header block. */
	memset(ck->ck_buf, 0, BIO_BLK_SIZE);
	sh                = (struct meta_slot_hdr *)ck->ck_buf;
	sh->sh_magic      = META_SLOT_MAGIC;
	sh->sh_gen        = ck->ck_gen;
	sh->sh_start_lsn  = start_lsn;
	sh->sh_start_bseq = bio_wal_lsn_bseq(bt, start_lsn);
	sh->sh_image_len  = ck->ck_len;
	sh->sh_image_csum = ck->ck_csum;
	sh->sh_csum       = slot_hdr_csum(bt, sh);
	rc = bio_pwrite(bt, &bt->bt_reg[BIO_REGION_META], sh, BIO_BLK_SIZE,
			slot_off(bt, ck->ck_slot), false);
	if (rc == 0)
		rc = bio_fdatasync(bt, &bt->bt_reg[BIO_REGION_META]);
	if (rc != 0)
		goto out;
	bt->bt_stats.meta_bytes += BIO_BLK_SIZE;
	bt->bt_slot[ck->ck_slot] = *sh;
	bt->bt_newest            = ck->ck_slot;
	bt->bt_stats.ckpts++;
	bio_wal_reclaim(bt, start_lsn);
out:
	ckpt_free(ck);
	return rc;
}

void
bio_ckpt_abort(struct bio_ckpt *ck)
{
	struct bio_target *bt;

	if (ck == NULL)
		return;
	bt = ck->ck_bt;
	ckpt_free(ck);
	/* commits waiting for the WAL space this checkpoint would have freed must
	 * not wait for it any longer */
	bt->bt_stats.ckpt_aborts++;
	bio_cond_broadcast(bt->bt_space_cond);
}

int
bio_ckpt_load(struct bio_target *bt, bio_ckpt_load_cb_t cb, void *arg, uint64_t *start_lsn)
{
	struct meta_slot_hdr *sh;
	uint32_t              csum;
	int                   rc;

	if (bt == NULL || cb == NULL || start_lsn == NULL)
		return -DER_INVAL;
	if (bt->bt_faulty)
		return -DER_IO;
	if (bt->bt_newest < 0) {
		*start_lsn = bt->bt_tail_lsn;
		return -DER_NONEXIST;
	}
	sh = &bt->bt_slot[bt->bt_newest];
	*start_lsn = sh->sh_start_lsn;
	rc = slot_read_image(bt, bt->bt_newest, sh->sh_image_len, cb, arg, &csum);
	if (rc == 0 && csum != sh->sh_image_csum) {
		D_ERROR("%s: checkpoint slot %d changed on disk since open\n",
			bt->bt_reg[BIO_REGION_META].br_path, bt->bt_newest);
		rc = -DER_CSUM;
	}
	return rc;
}
