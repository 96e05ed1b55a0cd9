/*
 * The durable store: VOS's seams (log callback, data ops) wired to BIO, plus
 * recovery and checkpointing. See the "durable store" section of vos.h and
 * docs/engine.md.
 */
#include <sys/stat.h>
#include <gurt/list.h>
#include <sched/sched.h>
#include "bio/bio.h"
#include "vos.h"

/* One container the background aggregation keeps below its owner's bound. */
struct store_agg_cont {
	uuid_t        ac_cont;
	daos_epoch_t  ac_bound;     /* 0: not aggregated */
	daos_epoch_t *ac_snaps;
	unsigned int  ac_nsnaps;
	uint64_t      ac_gen;       /* bumped by every vos_store_agg_set */
	uint64_t      ac_done_gen;  /* gen of the last completed pass */
	int           ac_rc;        /* result of the last pass */
};

struct vos_store {
	struct sched          *vs_sched;
	struct bio_target     *vs_bt;
	struct vos            *vs_vos;
	bool                   vs_recovering; /* replay: VOS's frees are not ours to act on */
	bool                   vs_ckpt_busy;
	bool                   vs_ckpt_wanted;
	struct sched_cond     *vs_ckpt_done;
	int                    vs_ckpt_rc;
	uint64_t               vs_check_lsn;  /* replay: records from here on get their data checked */
	uint64_t               vs_logged;     /* records logged since open */
	d_list_t               vs_inflight;   /* store_commit_ent of commits under way, by LSN */

	/* background aggregation */
	struct store_agg_cont **vs_agg;
	unsigned int           vs_agg_nr;
	bool                   vs_agg_running; /* the ULT exists */
	bool                   vs_agg_stop;
	bool                   vs_agg_kick;    /* a setting changed: do not sleep */
	struct sched_cond     *vs_agg_wake;
	struct sched_cond     *vs_agg_done;   /* a pass ended, or the ULT left */
	uint64_t               vs_agg_period_us;
	unsigned int           vs_agg_credits;
	struct vos_store_stats vs_stats;
};

/* ---- the seams ---- */

/*
 * A commit under way. Its record may be durable before the committer runs
 * again and VOS applies it (the committer may still wait for its DATA
 * writes, or just not have been scheduled yet): a checkpoint starting then
 * must replay from it, not from the durable end. ce_lsn is a lower bound
 * of its LSN (the next LSN when it started), and entries are added in
 * order, so the head of the list is the oldest one.
 */
struct store_commit_ent {
	d_list_t ce_link;
	uint64_t ce_lsn;
};

static int
store_commit(struct vos_store *vs, const void *rec, size_t len, struct bio_io **ios, int nr_ios)
{
	struct store_commit_ent ce;
	uint64_t                lsn;
	int                     rc;

	ce.ce_lsn = bio_wal_next_lsn(vs->vs_bt);
	d_list_add_tail(&ce.ce_link, &vs->vs_inflight);
	vs->vs_logged++;
	/* a container's destroy frees space: it may use the WAL's reserve */
	if (nr_ios == 0 && vos_record_frees_space(rec, len))
		rc = bio_wal_commit_reserve(vs->vs_bt, rec, len, &lsn);
	else
		rc = bio_wal_commit(vs->vs_bt, rec, len, ios, nr_ios, &lsn);
	/* VOS applies the record as soon as we return, without yielding. */
	d_list_del(&ce.ce_link);
	return rc;
}

/* Where replay must start for a checkpoint taken from the index as it is now. */
static uint64_t
store_ckpt_start_lsn(struct vos_store *vs)
{
	uint64_t start = bio_wal_durable_lsn(vs->vs_bt) + 1;

	if (!d_list_empty(&vs->vs_inflight)) {
		struct store_commit_ent *ce =
		    d_list_entry(vs->vs_inflight.next, struct store_commit_ent, ce_link);

		start = MIN(start, ce->ce_lsn);
	}
	return start;
}

static int
store_log(void *arg, const void *rec, size_t len)
{
	return store_commit(arg, rec, len, NULL, 0);
}

#define STORE_IOS_MAX 16 /* data writes handed to one commit; more are waited for first */

/* The record and its DATA writes: BIO flushes the one while the others run. */
static int
store_log_data(void *arg, const void *rec, size_t len, void **ios, unsigned int nr_ios)
{
	struct vos_store *vs = arg;
	struct bio_io    *bios[STORE_IOS_MAX];
	unsigned int      i;
	int               rc = 0;

	for (i = 0; i < nr_ios; i++) {
		if (i < STORE_IOS_MAX) {
			bios[i] = ios[i];
		} else {
			int rc2 = bio_io_wait(ios[i]);

			rc = rc == 0 ? rc2 : rc;
		}
	}
	if (rc != 0) {
		for (i = 0; i < nr_ios && i < STORE_IOS_MAX; i++)
			bio_io_wait(bios[i]);
		return rc;
	}
	return store_commit(vs, rec, len, bios, (int)MIN(nr_ios, STORE_IOS_MAX));
}

/* A data address is a BIO extent: offset, and the reserved (4 KiB-rounded) length. */
static struct bio_extent
store_ext(const struct vos_data_addr *addr)
{
	struct bio_extent ext = {.be_off = addr->da_off, .be_len = addr->da_aux};

	return ext;
}

static int
store_alloc(void *arg, uint64_t len, struct vos_data_addr *addr)
{
	struct vos_store *vs = arg;
	struct bio_extent ext;
	int               rc;

	rc = bio_alloc_reserve(vs->vs_bt, len, &ext);
	if (rc != 0)
		return rc;
	/* VOS tells us only about frees, not about aborted updates: a reservation
	 * is published at once, and one lost to a failed update is reclaimed at
	 * the next recovery (the allocator is rebuilt from the index). */
	bio_alloc_publish(vs->vs_bt, &ext);
	addr->da_off = ext.be_off;
	addr->da_aux = ext.be_len;
	return 0;
}

static int
store_write_submit(void *arg, const struct vos_data_addr *addr, const void *buf, uint64_t len,
		   void **iop)
{
	struct vos_store *vs  = arg;
	struct bio_extent ext = store_ext(addr);
	struct bio_io    *io;
	d_iov_t           iov;
	d_sg_list_t       sgl = {.sg_nr = 1, .sg_iovs = &iov};
	int               rc;

	/* Whole aligned blocks are written from the caller's memory: VOS keeps
	 * it until the handle is consumed. Anything else goes through a copy. */
	if (((uintptr_t)buf & (BIO_BLK_SIZE - 1)) == 0 && len == ext.be_len) {
		rc = bio_data_write_buf(vs->vs_bt, &ext, buf, &io);
	} else {
		d_iov_set(&iov, (void *)buf, len);
		rc = bio_data_write(vs->vs_bt, &ext, &sgl, &io);
	}
	if (rc == 0)
		*iop = io;
	return rc;
}

static int
store_write(void *arg, const struct vos_data_addr *addr, const void *buf, uint64_t len)
{
	void *io;
	int   rc = store_write_submit(arg, addr, buf, len, &io);

	return rc != 0 ? rc : bio_io_wait(io);
}

static int
store_write_wait(void *arg, void *io)
{
	(void)arg;
	return bio_io_wait(io);
}

static int
store_read(void *arg, const struct vos_data_addr *addr, void *buf, uint64_t len)
{
	struct vos_store *vs  = arg;
	struct bio_extent ext = store_ext(addr);
	d_iov_t           iov;
	d_sg_list_t       sgl = {.sg_nr = 1, .sg_iovs = &iov};

	d_iov_set(&iov, buf, len);
	return bio_data_read(vs->vs_bt, &ext, &sgl);
}

static void
store_free(void *arg, const struct vos_data_addr *addr, uint64_t len)
{
	struct vos_store *vs  = arg;
	struct bio_extent ext = store_ext(addr);

	(void)len;
	if (vs->vs_recovering)
		return;
	/* VOS frees after the dropping record is durable, so the durable LSN covers it. */
	bio_free_deferred(vs->vs_bt, &ext, bio_wal_durable_lsn(vs->vs_bt));
}

static const struct vos_data_ops store_data_ops = {
    .dop_alloc = store_alloc,
    .dop_write = store_write,
    .dop_read  = store_read,
    .dop_free  = store_free,
    .dop_write_submit = store_write_submit,
    .dop_write_wait   = store_write_wait,
};

/* ---- checkpoint ---- */

/* Stream the image object by object, yielding between chunks so updates go on. */
static int
store_ckpt_once(struct vos_store *vs)
{
	struct vos_image *img;
	struct bio_ckpt  *ck;
	const void       *chunk;
	size_t            len;
	uint64_t          start_lsn;
	int               rc;

	/* Every record before start_lsn is in the index already; those after may or
	 * may not be in the image, and replay from there re-applies them blindly. */
	start_lsn = store_ckpt_start_lsn(vs);
	rc        = bio_ckpt_begin(vs->vs_bt, &ck);
	if (rc != 0)
		return rc;
	vs->vs_stats.vss_ckpt_active = true;
	rc = vos_image_start(vs->vs_vos, &img);
	if (rc != 0) {
		bio_ckpt_abort(ck);
		return rc;
	}
	while ((rc = vos_image_next(img, &chunk, &len)) == 0) {
		rc = bio_ckpt_write(ck, chunk, len);
		if (rc != 0)
			break;
		sched_yield_ult(vs->vs_sched);
	}
	vos_image_end(img);
	if (rc < 0) {
		bio_ckpt_abort(ck);
		vs->vs_stats.vss_ckpt_active = false;
		return rc;
	}
	rc = bio_ckpt_end(ck, start_lsn);
	if (rc == 0)
		vs->vs_stats.vss_checkpoints++;
	vs->vs_stats.vss_ckpt_active = false;
	return rc;
}

static void
store_ckpt_ult(void *arg)
{
	struct vos_store *vs = arg;

	do {
		vs->vs_ckpt_wanted = false;
		vs->vs_ckpt_rc     = store_ckpt_once(vs);
		if (vs->vs_ckpt_rc != 0)
			DL_ERROR(vs->vs_ckpt_rc, "checkpoint failed");
	} while (vs->vs_ckpt_wanted && vs->vs_ckpt_rc == 0);
	vs->vs_ckpt_busy = false;
	sched_cond_broadcast(vs->vs_ckpt_done);
}

/* BIO's request (WAL half full or full): start a checkpoint ULT unless one runs. */
static void
store_ckpt_request(void *arg)
{
	struct vos_store *vs = arg;

	if (vs->vs_ckpt_busy) {
		vs->vs_ckpt_wanted = true;
		return;
	}
	vs->vs_ckpt_busy = true;
	if (sched_ult_create(vs->vs_sched, store_ckpt_ult, vs) != 0) {
		vs->vs_ckpt_busy = false;
		D_ERROR("no memory to start a checkpoint\n");
	}
}

int
vos_store_checkpoint(struct vos_store *vs)
{
	if (vs->vs_ckpt_busy)
		vs->vs_ckpt_wanted = true;
	else
		store_ckpt_request(vs);
	while (vs->vs_ckpt_busy)
		sched_cond_wait(vs->vs_ckpt_done);
	return vs->vs_ckpt_rc;
}

/* ---- background aggregation ---- */

static uint64_t store_now_usec(void);

/* One pass over one container, a few dkeys per step, yielding between steps. */
static int
store_agg_pass(struct vos_store *vs, struct store_agg_cont *ac)
{
	struct vos_agg *ag;
	uint64_t        gen = ac->ac_gen;
	int             rc;

	rc = vos_aggregate_start(vs->vs_vos, ac->ac_cont, ac->ac_bound, ac->ac_snaps,
				 ac->ac_nsnaps, &ag);
	if (rc != 0)
		return rc;
	vs->vs_stats.vss_agg_active = true;
	while ((rc = vos_agg_step(ag, vs->vs_agg_credits)) == 0) {
		sched_yield_ult(vs->vs_sched);
		/* A pass runs to its end with the bound it started with (restarting
		 * on every new bound would starve it); only closing cuts it short. */
		if (vs->vs_agg_stop)
			break;
	}
	vos_agg_end(ag);
	vs->vs_stats.vss_agg_active = false;
	if (rc < 0)
		return rc;
	if (rc == 1) {
		ac->ac_done_gen = gen;
		vs->vs_stats.vss_agg_passes++;
	}
	return 0;
}

/*
 * Work left: a setting not yet served by a complete pass. Updates since then
 * add none: nothing is written at or below the bound (the caller's promise),
 * so a second pass with the same setting would find nothing to merge.
 */
static bool
store_agg_due(const struct store_agg_cont *ac)
{
	return ac->ac_bound != 0 && ac->ac_done_gen != ac->ac_gen;
}

static void
store_agg_ult(void *arg)
{
	struct vos_store *vs = arg;
	unsigned int      i;
	int               rc;

	while (!vs->vs_agg_stop) {
		bool     any = false;
		uint64_t until;

		vs->vs_agg_kick = false;
		for (i = 0; i < vs->vs_agg_nr && !vs->vs_agg_stop; i++) {
			struct store_agg_cont *ac = vs->vs_agg[i];

			if (!store_agg_due(ac))
				continue;
			any = true;
			rc  = store_agg_pass(vs, ac);
			ac->ac_rc = rc;
			if (rc == -DER_NONEXIST) {
				ac->ac_bound = 0; /* the container is gone */
			} else if (rc != 0) {
				DL_ERROR(rc, "background aggregation of a container failed");
				vs->vs_stats.vss_agg_errors++;
			}
		}
		sched_cond_broadcast(vs->vs_agg_done);
		if (vs->vs_agg_kick)
			continue;
		if (!any) {
			/* nothing due: sleep until a new setting or close */
			sched_cond_wait(vs->vs_agg_wake);
			continue;
		}
		/* Passes ran: rest a period (in short slices, so close is quick) before
		 * serving newer settings, so a caller moving its bound often does not
		 * make the store scan all the time. */
		until = store_now_usec() + vs->vs_agg_period_us;
		while (!vs->vs_agg_stop && !vs->vs_agg_kick && store_now_usec() < until)
			sched_sleep_ns(vs->vs_sched, 2 * 1000 * 1000);
	}
	vs->vs_agg_running = false;
	sched_cond_broadcast(vs->vs_agg_done);
}

static void
store_agg_stop(struct vos_store *vs)
{
	vs->vs_agg_stop = true;
	sched_cond_broadcast(vs->vs_agg_wake);
	while (vs->vs_agg_running)
		sched_cond_wait(vs->vs_agg_done);
}

int
vos_store_agg_set(struct vos_store *vs, const uuid_t cont, daos_epoch_t bound,
		  const daos_epoch_t *snaps, unsigned int nsnaps)
{
	struct store_agg_cont *ac = NULL;
	daos_epoch_t          *copy = NULL;
	unsigned int           i;

	if (vs == NULL || cont == NULL || bound == DAOS_EPOCH_MAX || (nsnaps > 0 && snaps == NULL))
		return -DER_INVAL;
	if (vs->vs_agg_stop)
		return -DER_SHUTDOWN;
	for (i = 0; i < vs->vs_agg_nr && ac == NULL; i++)
		if (uuid_compare(vs->vs_agg[i]->ac_cont, cont) == 0)
			ac = vs->vs_agg[i];
	if (ac == NULL && bound == 0)
		return 0;
	if (nsnaps > 0) {
		D_ALLOC_ARRAY(copy, nsnaps);
		if (copy == NULL)
			return -DER_NOMEM;
		memcpy(copy, snaps, nsnaps * sizeof(*snaps));
	}
	if (ac == NULL) {
		struct store_agg_cont **arr;

		D_ALLOC_PTR(ac);
		D_REALLOC_ARRAY(arr, vs->vs_agg, vs->vs_agg_nr, vs->vs_agg_nr + 1);
		if (ac == NULL || arr == NULL) {
			D_FREE(ac);
			D_FREE(copy);
			return -DER_NOMEM;
		}
		uuid_copy(ac->ac_cont, cont);
		vs->vs_agg                 = arr;
		vs->vs_agg[vs->vs_agg_nr++] = ac;
	}
	if (!vs->vs_agg_running) {
		int rc = sched_ult_create(vs->vs_sched, store_agg_ult, vs);

		if (rc != 0) {
			D_FREE(copy);
			return rc;
		}
		vs->vs_agg_running = true;
	}
	D_FREE(ac->ac_snaps);
	ac->ac_snaps  = copy;
	ac->ac_nsnaps = nsnaps;
	ac->ac_bound  = bound;
	ac->ac_gen++;
	/* served by the next pass: at once when the ULT is idle, after its rest
	 * period when a pass just ran (vos_store_agg_wait hurries it) */
	sched_cond_broadcast(vs->vs_agg_wake);
	return 0;
}

void
vos_store_agg_tune(struct vos_store *vs, unsigned int period_ms, unsigned int credits)
{
	vs->vs_agg_period_us = (uint64_t)(period_ms > 0 ? period_ms : VOS_STORE_AGG_PERIOD_MS) * 1000;
	vs->vs_agg_credits   = credits > 0 ? credits : VOS_STORE_AGG_CREDITS;
}

int
vos_store_agg_wait(struct vos_store *vs)
{
	unsigned int i;
	bool         due;

	do {
		due = false;
		for (i = 0; i < vs->vs_agg_nr; i++)
			due = due || store_agg_due(vs->vs_agg[i]);
		if (due) {
			if (!vs->vs_agg_running)
				return -DER_SHUTDOWN;
			vs->vs_agg_kick = true;
			sched_cond_broadcast(vs->vs_agg_wake);
			sched_cond_wait(vs->vs_agg_done);
			/* A failing pass would stay due for ever: report it instead. */
			for (i = 0; i < vs->vs_agg_nr; i++)
				if (vs->vs_agg[i]->ac_bound != 0 && vs->vs_agg[i]->ac_rc != 0)
					return vs->vs_agg[i]->ac_rc;
		}
	} while (due);
	return 0;
}

/* ---- format, open (recovery), close ---- */

static void
store_layout(const char *dir, struct bio_layout *lay)
{
	memset(lay, 0, sizeof(*lay));
	lay->bl_dir = dir;
}

int
vos_store_format(const char *dir, uint64_t wal_size, uint64_t meta_size, uint64_t data_size)
{
	struct bio_layout lay;
	uint64_t          sizes[BIO_REGION_NR];
	uuid_t            uuid;

	if (dir == NULL)
		return -DER_INVAL;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return d_errno2der(errno);
	sizes[BIO_REGION_WAL]  = wal_size;
	sizes[BIO_REGION_META] = meta_size;
	sizes[BIO_REGION_DATA] = data_size;
	uuid_generate(uuid);
	store_layout(dir, &lay);
	return bio_format(&lay, sizes, uuid);
}

struct store_load {
	struct vos_store *sl_vs;
	char             *sl_buf; /* bytes received but not consumed yet */
	size_t            sl_len;
	size_t            sl_cap;
	bool              sl_done;
};

/* Checkpoint chunks arrive in any size; VOS consumes whole pieces of its image. */
static int
store_load_chunk(const void *chunk, size_t len, void *arg)
{
	struct store_load *sl = arg;
	size_t             used;
	int                rc;

	if (sl->sl_len + len > sl->sl_cap) {
		size_t cap = MAX(sl->sl_cap * 2, sl->sl_len + len);
		char  *buf;

		D_REALLOC(buf, sl->sl_buf, sl->sl_cap, cap);
		if (buf == NULL)
			return -DER_NOMEM;
		sl->sl_buf = buf;
		sl->sl_cap = cap;
	}
	memcpy(sl->sl_buf + sl->sl_len, chunk, len);
	sl->sl_len += len;
	rc = vos_image_load(sl->sl_vs->vs_vos, sl->sl_buf, sl->sl_len, &used);
	if (rc < 0)
		return rc;
	memmove(sl->sl_buf, sl->sl_buf + used, sl->sl_len - used);
	sl->sl_len -= used;
	sl->sl_done = rc == 1;
	return 0;
}

#define STORE_DATA_TORN 1 /* a value's DATA does not match its checksum */

/* Does the DATA at addr hold the value the record describes? */
static int
store_check_data(void *arg, const struct vos_data_addr *addr, uint64_t len, uint32_t csum)
{
	struct vos_store *vs  = arg;
	struct bio_extent ext = store_ext(addr);
	d_iov_t           iov;
	d_sg_list_t       sgl = {.sg_nr = 1, .sg_iovs = &iov};
	void             *buf;
	int               rc;

	if (len > ext.be_len)
		return STORE_DATA_TORN;
	D_ALLOC_NZ(buf, len);
	if (buf == NULL)
		return -DER_NOMEM;
	d_iov_set(&iov, buf, len);
	rc = bio_data_read(vs->vs_bt, &ext, &sgl);
	if (rc == -DER_INVAL)
		rc = STORE_DATA_TORN; /* an extent outside the region: not ours */
	else if (rc == 0 && vos_csum(buf, len) != csum)
		rc = STORE_DATA_TORN;
	D_FREE(buf);
	return rc;
}

static int
store_replay_one(struct vos_store *vs, const void *rec, size_t len, uint64_t lsn)
{
	int rc;

	/* Only the newest group's records may have DATA writes a crash cut short
	 * (bio_wal_open_last_lsn); such an update was never acknowledged. */
	if (vs->vs_check_lsn != 0 && lsn >= vs->vs_check_lsn) {
		rc = vos_record_data_foreach(rec, len, store_check_data, vs);
		if (rc == STORE_DATA_TORN) {
			D_WARN("WAL record LSN %" PRIu64 " refers to DATA that was never written: "
			       "discarded (that update was not acknowledged)\n", lsn);
			vs->vs_stats.vss_discarded++;
			return 0;
		}
		if (rc != 0 && rc != -DER_INVAL && rc != -DER_DF_INVAL)
			return rc;
	}
	rc = vos_apply_record(vs->vs_vos, rec, len);
	if (rc != 0)
		DL_ERROR(rc, "WAL record LSN %" PRIu64 " cannot be applied", lsn);
	return rc;
}

/* A WAL record holds one or more VOS records (va_log_batch_max). */
static int
store_replay_rec(const void *rec, size_t len, uint64_t lsn, void *arg)
{
	const char *p   = rec;
	size_t      off = 0;
	int         rc  = 0;

	while (off < len && rc == 0) {
		size_t rl = vos_record_len(p + off, len - off);

		if (rl == 0 || rl > len - off) {
			D_ERROR("WAL record LSN %" PRIu64 " holds no whole VOS record at %zu\n", lsn,
				off);
			return -DER_DF_INVAL;
		}
		rc = store_replay_one(arg, p + off, rl, lsn);
		off += rl;
	}
	return rc;
}

static int
store_mark_used(void *arg, const struct vos_data_addr *addr, uint64_t len)
{
	struct vos_store *vs  = arg;
	struct bio_extent ext = store_ext(addr);

	(void)len;
	return bio_alloc_mark_used(vs->vs_bt, &ext);
}

static uint64_t
store_now_usec(void)
{
	return d_timeus_secdiff(0);
}

static int
store_recover(struct vos_store *vs)
{
	struct store_load       sl = {.sl_vs = vs};
	struct bio_replay_stats rs = {0};
	uint64_t                start_lsn;
	uint64_t                t0 = store_now_usec();
	int                     rc;

	vs->vs_recovering = true;
	vs->vs_check_lsn  = bio_wal_open_last_lsn(vs->vs_bt);
	rc                = bio_ckpt_load(vs->vs_bt, store_load_chunk, &sl, &start_lsn);
	if (rc == -DER_NONEXIST)
		rc = 0; /* never checkpointed: everything is in the WAL */
	else if (rc == 0 && !sl.sl_done)
		rc = -DER_DF_INVAL; /* the image ended before its trailer */
	D_FREE(sl.sl_buf);
	if (rc == 0)
		rc = bio_wal_replay(vs->vs_bt, start_lsn, store_replay_rec, vs, &rs);
	if (rc == 0)
		rc = vos_data_addr_foreach(vs->vs_vos, store_mark_used, vs);
	vs->vs_recovering           = false;
	vs->vs_stats.vss_replayed     = rs.rs_records;
	vs->vs_stats.vss_recover_usec = store_now_usec() - t0;
	D_INFO("recovered: %" PRIu64 " WAL records in %" PRIu64 " us: " DF_RC "\n", rs.rs_records,
	       vs->vs_stats.vss_recover_usec, DP_RC(rc));
	return rc;
}

int
vos_store_open(struct sched *sched, const char *dir, struct vos_store **vsp)
{
	struct bio_open_opts opts = {0};
	struct bio_layout    lay;
	struct vos_attr      attr;
	struct vos_store    *vs;
	int                  rc;

	if (sched == NULL || dir == NULL || vsp == NULL)
		return -DER_INVAL;
	D_ALLOC_PTR(vs);
	if (vs == NULL)
		return -DER_NOMEM;
	vs->vs_sched          = sched;
	D_INIT_LIST_HEAD(&vs->vs_inflight);
	vs->vs_agg_period_us  = VOS_STORE_AGG_PERIOD_MS * 1000;
	vs->vs_agg_credits    = VOS_STORE_AGG_CREDITS;
	vs->vs_ckpt_done      = sched_cond_create(sched);
	vs->vs_agg_wake       = sched_cond_create(sched);
	vs->vs_agg_done       = sched_cond_create(sched);
	if (vs->vs_ckpt_done == NULL || vs->vs_agg_wake == NULL || vs->vs_agg_done == NULL) {
		rc = -DER_NOMEM;
		goto free;
	}
	opts.bo_ckpt_request = store_ckpt_request;
	opts.bo_ckpt_arg     = vs;
	store_layout(dir, &lay);
	rc = bio_open(sched, &lay, NULL, &opts, &vs->vs_bt);
	if (rc != 0)
		goto free;
	attr.va_data     = &store_data_ops;
	attr.va_data_arg = vs;
	attr.va_log      = store_log;
	attr.va_log_arg  = vs;
	attr.va_log_data = store_log_data;
	attr.va_log_batch_max = BIO_WAL_REC_MAX;
	rc               = vos_open(&attr, &vs->vs_vos);
	if (rc != 0)
		goto close_bio;
	rc = store_recover(vs);
	if (rc != 0)
		goto close_vos;
	if (vs->vs_stats.vss_discarded > 0) {
		/* The discarded records are still in the WAL, and their extents are
		 * free again: a checkpoint past them makes sure no later recovery
		 * replays them over reused space. */
		rc = vos_store_checkpoint(vs);
		if (rc != 0)
			goto close_vos;
	}
	*vsp = vs;
	return 0;
close_vos:
	vos_close(vs->vs_vos);
close_bio:
	bio_close(vs->vs_bt);
free:
	sched_cond_destroy(vs->vs_ckpt_done);
	sched_cond_destroy(vs->vs_agg_wake);
	sched_cond_destroy(vs->vs_agg_done);
	D_FREE(vs);
	return rc;
}

void
vos_store_close(struct vos_store *vs, bool abandon)
{
	unsigned int i;
	int          rc;

	if (vs == NULL)
		return;
	store_agg_stop(vs);
	while (vs->vs_ckpt_busy)
		sched_cond_wait(vs->vs_ckpt_done);
	if (!abandon) {
		/* A final checkpoint makes the next open replay almost nothing. */
		rc = vos_store_checkpoint(vs);
		if (rc != 0)
			DL_ERROR(rc, "final checkpoint failed; the WAL still has everything");
	}
	bio_close(vs->vs_bt);
	vos_close(vs->vs_vos);
	sched_cond_destroy(vs->vs_ckpt_done);
	sched_cond_destroy(vs->vs_agg_wake);
	sched_cond_destroy(vs->vs_agg_done);
	for (i = 0; i < vs->vs_agg_nr; i++) {
		D_FREE(vs->vs_agg[i]->ac_snaps);
		D_FREE(vs->vs_agg[i]);
	}
	D_FREE(vs->vs_agg);
	D_FREE(vs);
}

struct vos *
vos_store_vos(struct vos_store *vs)
{
	return vs->vs_vos;
}

struct bio_target *
vos_store_bio(struct vos_store *vs)
{
	return vs->vs_bt;
}

void
vos_store_stats_get(struct vos_store *vs, struct vos_store_stats *st)
{
	*st            = vs->vs_stats;
	st->vss_logged = vs->vs_logged;
}
