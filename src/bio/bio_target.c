/* bio_target.c - opening and closing a target's regions, queries, stats. */
#include "bio_internal.h"

static void
target_free(struct bio_target *bt)
{
	int i;

	bio_zero_close(bt);
	bio_wal_close(bt);
	bio_dbuf_fini(bt);
	bio_alloc_fini(&bt->bt_alloc);
	for (i = 0; i < BIO_REGION_NR; i++)
		bio_region_close(&bt->bt_reg[i]);
	D_FREE(bt);
}

int
bio_open(struct sched *sched, const struct bio_layout *lay, const uuid_t uuid,
	 const struct bio_open_opts *opts, struct bio_target **btp)
{
	struct bio_target *bt;
	int                i;
	int                rc;

	if (sched == NULL || lay == NULL || btp == NULL)
		return -DER_INVAL;
	D_ALLOC_PTR(bt);
	if (bt == NULL)
		return -DER_NOMEM;
	bt->bt_sched  = sched;
	bt->bt_newest = -1;
	for (i = 0; i < BIO_REGION_NR; i++)
		bt->bt_reg[i].br_fd = -1;
	if (opts != NULL)
		bt->bt_opts = *opts;
	D_INIT_LIST_HEAD(&bt->bt_alloc.ba_deferred);
	D_INIT_LIST_HEAD(&bt->bt_wq);
	bio_arena_init(bt);

	/* WAL first: its header gives the uuid and nonce the others must match. */
	for (i = 0; i < BIO_REGION_NR; i++) {
		rc = bio_region_open(bt, lay, i, uuid);
		if (rc != 0)
			goto fail;
	}
	rc = bio_alloc_init(&bt->bt_alloc, bt->bt_reg[BIO_REGION_DATA].br_size);
	if (rc != 0)
		goto fail;
	rc = bio_zero_open(bt);
	if (rc != 0)
		goto fail;
	rc = bio_ckpt_open(bt);
	if (rc != 0)
		goto fail;
	rc = bio_wal_open(bt);
	if (rc != 0)
		goto fail;
	*btp = bt;
	return 0;
fail:
	target_free(bt);
	return rc;
}

void
bio_close(struct bio_target *bt)
{
	if (bt != NULL)
		target_free(bt);
}

bool
bio_region_direct(struct bio_target *bt, enum bio_region_kind kind)
{
	return kind < BIO_REGION_NR && bt->bt_reg[kind].br_direct;
}

bool
bio_target_faulty(struct bio_target *bt)
{
	return bt->bt_faulty;
}

void
bio_space_query(struct bio_target *bt, enum bio_region_kind kind, struct bio_space *sp)
{
	switch (kind) {
	case BIO_REGION_WAL:
		sp->bs_total = bt->bt_wal_nblks * BIO_BLK_SIZE;
		sp->bs_free  = (bt->bt_wal_nblks - (bt->bt_wal_head - bt->bt_wal_tail)) *
			      BIO_BLK_SIZE;
		break;
	case BIO_REGION_META:
		sp->bs_total = bt->bt_slot_size - BIO_BLK_SIZE;
		sp->bs_free  = sp->bs_total;
		break;
	case BIO_REGION_DATA:
		sp->bs_total = bt->bt_alloc.ba_nblks * BIO_BLK_SIZE;
		sp->bs_free  = bt->bt_alloc.ba_free * BIO_BLK_SIZE;
		break;
	default:
		sp->bs_total = sp->bs_free = 0;
	}
}

void
bio_stats_get(struct bio_target *bt, struct bio_stats *st)
{
	*st                  = bt->bt_stats;
	st->fixed_ios        = bt->bt_fixed_ios;
	st->registered_bytes = bt->bt_arena != NULL ? BIO_ARENA_BYTES : 0;
	st->records_per_flush =
	    st->wal_flushes > 0 ? (double)st->wal_records / (double)st->wal_flushes : 0.0;
}
