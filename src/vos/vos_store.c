/*
 * The durable store: VOS's seams (log callback, data ops) wired to BIO, plus
 * recovery and checkpointing. See the "durable store" section of vos.h and
 * docs/engine.md.
 */
#include <sys/stat.h>
#include <sched/sched.h>
#include "bio/bio.h"
#include "vos.h"

struct vos_store {
	struct sched          *vs_sched;
	struct bio_target     *vs_bt;
	struct vos            *vs_vos;
	bool                   vs_recovering; /* replay: VOS's frees are not ours to act on */
	bool                   vs_ckpt_busy;
	bool                   vs_ckpt_wanted;
	struct sched_cond     *vs_ckpt_done;
	int                    vs_ckpt_rc;
	struct vos_store_stats vs_stats;
};

/* ---- the seams ---- */

static int
store_log(void *arg, const void *rec, size_t len)
{
	struct vos_store *vs = arg;
	uint64_t          lsn;

	return bio_wal_commit(vs->vs_bt, rec, len, NULL, 0, &lsn);
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
store_write(void *arg, const struct vos_data_addr *addr, const void *buf, uint64_t len)
{
	struct vos_store *vs  = arg;
	struct bio_extent ext = store_ext(addr);
	struct bio_io    *io;
	d_iov_t           iov;
	d_sg_list_t       sgl = {.sg_nr = 1, .sg_iovs = &iov};
	int               rc;

	d_iov_set(&iov, (void *)buf, len);
	rc = bio_data_write(vs->vs_bt, &ext, &sgl, &io);
	return rc != 0 ? rc : bio_io_wait(io);
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

	/* Every record up to the durable LSN is in the index already; those after may
	 * or may not be in the image, and replay from here re-applies them blindly. */
	start_lsn = bio_wal_durable_lsn(vs->vs_bt) + 1;
	rc        = bio_ckpt_begin(vs->vs_bt, &ck);
	if (rc != 0)
		return rc;
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
		return rc;
	}
	rc = bio_ckpt_end(ck, start_lsn);
	if (rc == 0)
		vs->vs_stats.vss_checkpoints++;
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

static int
store_replay_rec(const void *rec, size_t len, uint64_t lsn, void *arg)
{
	struct vos_store *vs = arg;
	int               rc = vos_apply_record(vs->vs_vos, rec, len);

	if (rc != 0)
		DL_ERROR(rc, "WAL record LSN %" PRIu64 " cannot be applied", lsn);
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
	struct timespec ts;

	d_gettime(&ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
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
	struct bio_open_opts opts;
	struct bio_layout    lay;
	struct vos_attr      attr;
	struct vos_store    *vs;
	int                  rc;

	if (sched == NULL || dir == NULL || vsp == NULL)
		return -DER_INVAL;
	D_ALLOC_PTR(vs);
	if (vs == NULL)
		return -DER_NOMEM;
	vs->vs_sched     = sched;
	vs->vs_ckpt_done = sched_cond_create(sched);
	if (vs->vs_ckpt_done == NULL) {
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
	rc               = vos_open(&attr, &vs->vs_vos);
	if (rc != 0)
		goto close_bio;
	rc = store_recover(vs);
	if (rc != 0)
		goto close_vos;
	*vsp = vs;
	return 0;
close_vos:
	vos_close(vs->vs_vos);
close_bio:
	bio_close(vs->vs_bt);
free:
	sched_cond_destroy(vs->vs_ckpt_done);
	D_FREE(vs);
	return rc;
}

void
vos_store_close(struct vos_store *vs, bool abandon)
{
	int rc;

	if (vs == NULL)
		return;
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
	*st = vs->vs_stats;
}
