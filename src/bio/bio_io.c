/*
 * bio_io.c - BIO's only contact with the scheduler: reads, writes and
 * flushes through the target's io_uring (the calling ULT yields until the
 * completion), wait queues, and the asynchronous DATA writes.
 */
#include <sys/mman.h>
#include <sched/sched.h>
#include "bio_internal.h"

void *
bio_buf_alloc(size_t len)
{
	void *buf;

	D_ALIGNED_ALLOC_NZ(buf, BIO_BLK_SIZE, len);
	return buf;
}

void
bio_buf_free(void *buf)
{
	D_FREE(buf);
}

static bool
in_arena(const struct bio_target *bt, const void *buf, size_t len)
{
	const char *p = buf;

	return bt->bt_arena != NULL && p >= bt->bt_arena &&
	       p + len <= bt->bt_arena + bt->bt_arena_used;
}

void
bio_arena_init(struct bio_target *bt)
{
	void *a;
	int   slot;

	bt->bt_arena_slot = -1;
	a = mmap(NULL, BIO_ARENA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		 0);
	if (a == MAP_FAILED)
		return;
	slot = sched_buf_register(bt->bt_sched, a, BIO_ARENA_BYTES);
	if (slot < 0) {
		/* e.g. a locked-memory limit: correct, just slower */
		D_INFO("no registered buffers for this target: " DF_RC "\n", DP_RC(slot));
		munmap(a, BIO_ARENA_BYTES);
		return;
	}
	bt->bt_arena      = a;
	bt->bt_arena_used = 0;
	bt->bt_arena_slot = slot;
}

/* len bytes (a multiple of 4 KiB) from the arena, or NULL when it is spent. */
static void *
arena_carve(struct bio_target *bt, size_t len)
{
	char *p;

	if (bt->bt_arena == NULL || BIO_ARENA_BYTES - bt->bt_arena_used < len)
		return NULL;
	p = bt->bt_arena + bt->bt_arena_used;
	bt->bt_arena_used += len;
	return p;
}

/* Size class of len, or -1 above the largest (allocated and freed each time). */
static int
dbuf_class(size_t len)
{
	int c;

	for (c = 0; c < BIO_DBUF_CLASSES; c++)
		if ((size_t)BIO_BLK_SIZE << c >= len)
			return c;
	return -1;
}

void *
bio_buf_get(struct bio_target *bt, size_t len)
{
	int   c = dbuf_class(len);
	void *p;

	if (bt == NULL || c < 0)
		return bio_buf_alloc((len + BIO_BLK_SIZE - 1) & ~(size_t)(BIO_BLK_SIZE - 1));
	if (bt->bt_afree[c] != NULL) {
		p               = bt->bt_afree[c];
		bt->bt_afree[c] = *(void **)p;
		return p;
	}
	if (bt->bt_dbuf_nr[c] > 0)
		return bt->bt_dbuf[c][--bt->bt_dbuf_nr[c]];
	p = arena_carve(bt, (size_t)BIO_BLK_SIZE << c);
	return p != NULL ? p : bio_buf_alloc((size_t)BIO_BLK_SIZE << c);
}

void
bio_buf_put(struct bio_target *bt, void *buf, size_t len)
{
	int c = dbuf_class(len);

	if (buf == NULL)
		return;
	if (bt != NULL && c >= 0 && in_arena(bt, buf, 1)) {
		*(void **)buf   = bt->bt_afree[c];
		bt->bt_afree[c] = buf;
		return;
	}
	if (bt == NULL || c < 0 || bt->bt_dbuf_nr[c] == BIO_DBUF_KEEP) {
		bio_buf_free(buf);
		return;
	}
	bt->bt_dbuf[c][bt->bt_dbuf_nr[c]++] = buf;
}

void
bio_dbuf_fini(struct bio_target *bt)
{
	int c;

	for (c = 0; c < BIO_DBUF_CLASSES; c++) {
		while (bt->bt_dbuf_nr[c] > 0)
			bio_buf_free(bt->bt_dbuf[c][--bt->bt_dbuf_nr[c]]);
		bt->bt_afree[c] = NULL;
	}
	if (bt->bt_arena != NULL) {
		sched_buf_unregister(bt->bt_sched, bt->bt_arena_slot);
		munmap(bt->bt_arena, BIO_ARENA_BYTES);
		bt->bt_arena = NULL;
	}
}

void
bio_set_faulty(struct bio_target *bt, const char *why, int rc)
{
	if (!bt->bt_faulty)
		D_ERROR("%s failed: " DF_RC "; target marked faulty\n", why, DP_RC(rc));
	bt->bt_faulty = true;
}

enum io_op { IO_READ, IO_WRITE, IO_FSYNC };

/* sqe: a read or write of n bytes at p, offset off of region r. From the
 * registered arena it goes as *_FIXED: the kernel has its pages pinned. */
static void
prep_rw(struct bio_target *bt, struct io_uring_sqe *sqe, bool write, struct bio_region *r,
	void *p, unsigned int n, uint64_t off)
{
	bool fixed = in_arena(bt, p, n);
	int  opc   = write ? (fixed ? IORING_OP_WRITE_FIXED : IORING_OP_WRITE)
			   : (fixed ? IORING_OP_READ_FIXED : IORING_OP_READ);

	io_uring_prep_rw(opc, sqe, r->br_fd, p, n, r->br_base + off);
	if (fixed) {
		sqe->buf_index = (__u16)bt->bt_arena_slot;
		bt->bt_fixed_ios++;
	}
}

/* One submission, waited for; short transfers are continued. soft: a
 * failure is reported, not made the target's (the pre-writer's zeros). */
static int
region_io_ex(struct bio_target *bt, struct bio_region *r, enum io_op op, void *buf, size_t len,
	     uint64_t off, bool dsync, bool soft)
{
	size_t done = 0;

	if (bt->bt_faulty)
		return -DER_IO;
	if (!soft && bio_fault(BIO_FI_IO_ERR)) {
		bio_set_faulty(bt, r->br_path, -DER_IO);
		return -DER_IO;
	}
	do {
		struct io_uring_sqe *sqe = sched_get_sqe(bt->bt_sched);
		int                  res;

		switch (op) {
		case IO_READ:
		case IO_WRITE:
			prep_rw(bt, sqe, op == IO_WRITE, r, (char *)buf + done,
				(unsigned int)(len - done), off + done);
			if (op == IO_WRITE && dsync)
				sqe->rw_flags = RWF_DSYNC;
			break;
		case IO_FSYNC:
			io_uring_prep_fsync(sqe, r->br_fd, IORING_FSYNC_DATASYNC);
			break;
		}
		/* a large write goes to the device at once, not after the ULTs
		 * that run before the loop's next submission */
		res = op == IO_WRITE && len - done >= BIO_WRITE_NOW_BYTES
			  ? sched_io_wait_now(bt->bt_sched, sqe)
			  : sched_io_wait(bt->bt_sched, sqe);
		if (res < 0) {
			D_ERROR("%s: %s of %zu bytes at %" PRIu64 ": %s\n", r->br_path,
				op == IO_READ ? "read" : op == IO_WRITE ? "write" : "fdatasync",
				len, off, strerror(-res));
			if (soft)
				return res == -ENOSPC ? -DER_NOSPACE : -DER_IO;
			bio_set_faulty(bt, r->br_path, -DER_IO);
			return -DER_IO;
		}
		if (op == IO_FSYNC)
			return 0;
		if (res == 0) {
			D_ERROR("%s: unexpected end of region at %" PRIu64 "\n", r->br_path,
				off + done);
			if (soft)
				return -DER_IO;
			bio_set_faulty(bt, r->br_path, -DER_IO);
			return -DER_IO;
		}
		done += (size_t)res;
	} while (done < len);
	return 0;
}

static int
region_io(struct bio_target *bt, struct bio_region *r, enum io_op op, void *buf, size_t len,
	  uint64_t off, bool dsync)
{
	return region_io_ex(bt, r, op, buf, len, off, dsync, false);
}

int
bio_pwrite_soft(struct bio_target *bt, struct bio_region *r, const void *buf, size_t len,
		uint64_t off)
{
	return region_io_ex(bt, r, IO_WRITE, (void *)buf, len, off, false, true);
}

int
bio_pwrite(struct bio_target *bt, struct bio_region *r, const void *buf, size_t len, uint64_t off,
	   bool dsync)
{
	return region_io(bt, r, IO_WRITE, (void *)buf, len, off, dsync);
}

int
bio_pread(struct bio_target *bt, struct bio_region *r, void *buf, size_t len, uint64_t off)
{
	return region_io(bt, r, IO_READ, buf, len, off, false);
}

int
bio_fdatasync(struct bio_target *bt, struct bio_region *r)
{
	return region_io(bt, r, IO_FSYNC, NULL, 0, 0, false);
}

int
bio_data_sync(struct bio_target *bt, uint64_t gen)
{
	while (bt->bt_dsync_done < gen && !bt->bt_faulty) {
		uint64_t upto;
		int      rc;

		if (bt->bt_dsync_running) {
			bio_cond_wait(bt->bt_dsync_cond);
			continue;
		}
		/* every write counted so far completed before this sync starts */
		bt->bt_dsync_running = true;
		upto                 = bt->bt_dsync_req;
		rc                   = bio_fdatasync(bt, &bt->bt_reg[BIO_REGION_DATA]);
		bt->bt_dsync_running = false;
		if (rc == 0 && upto > bt->bt_dsync_done)
			bt->bt_dsync_done = upto;
		bio_cond_broadcast(bt->bt_dsync_cond);
	}
	return bt->bt_dsync_done >= gen ? 0 : -DER_IO;
}

/* ---- wait queues and ULTs ---- */

struct bio_cond *
bio_cond_create(struct bio_target *bt)
{
	return (struct bio_cond *)sched_cond_create(bt->bt_sched);
}

void
bio_cond_destroy(struct bio_cond *c)
{
	if (c != NULL)
		sched_cond_destroy((struct sched_cond *)c);
}

void
bio_cond_wait(struct bio_cond *c)
{
	sched_cond_wait((struct sched_cond *)c);
}

void
bio_cond_signal(struct bio_cond *c)
{
	sched_cond_signal((struct sched_cond *)c);
}

void
bio_cond_broadcast(struct bio_cond *c)
{
	sched_cond_broadcast((struct sched_cond *)c);
}

int
bio_ult_create(struct bio_target *bt, void (*fn)(void *), void *arg)
{
	return sched_ult_create(bt->bt_sched, fn, arg);
}

void
bio_ult_yield(struct bio_target *bt)
{
	sched_yield_ult(bt->bt_sched);
}

void
bio_ult_sleep_us(struct bio_target *bt, uint64_t us)
{
	sched_sleep_ns(bt->bt_sched, us * 1000);
}

/* ---- DATA writes running beside the WAL append ---- */

struct bio_io {
	d_list_t           io_link; /* bt_wq, while queued for a batch writer */
	struct bio_target *io_bt;
	struct bio_cond   *io_cond;
	char              *io_buf;
	bool               io_own_buf; /* a bounce buffer of ours, not the caller's */
	uint64_t           io_off;
	uint64_t           io_len;
	int                io_rc;
	bool               io_done;
};

static bool
data_ext_ok(struct bio_target *bt, const struct bio_extent *ext)
{
	return ext != NULL && ext->be_len > 0 && ext->be_off % BIO_BLK_SIZE == 0 &&
	       ext->be_len % BIO_BLK_SIZE == 0 && ext->be_off >= BIO_BLK_SIZE &&
	       ext->be_off <= bt->bt_reg[BIO_REGION_DATA].br_size &&
	       ext->be_len <= bt->bt_reg[BIO_REGION_DATA].br_size - ext->be_off;
}

static size_t
sgl_bytes(const d_sg_list_t *sgl, bool capacity)
{
	size_t   n = 0;
	uint32_t i;

	for (i = 0; i < sgl->sg_nr; i++)
		n += capacity ? sgl->sg_iovs[i].iov_buf_len : sgl->sg_iovs[i].iov_len;
	return n;
}

/* io's write is over with rc: wake its waiter. */
static void
io_complete(struct bio_io *io, int rc)
{
	struct bio_target *bt = io->io_bt;

	io->io_rc = rc;
	bt->bt_dsync_req++; /* a DATA sync starting from now covers this write */
	if (rc == 0) {
		bt->bt_stats.data_writes++;
		bt->bt_stats.data_bytes += io->io_len;
	}
	io->io_done = true;
	bio_cond_broadcast(io->io_cond);
}

/* The fault points of one DATA write: true if one settled it without I/O. */
static bool
io_fault(struct bio_io *io)
{
	if (bio_fault(BIO_FI_DATA_WRITE)) {
		bio_set_faulty(io->io_bt, "DATA write (injected)", -DER_IO);
		io_complete(io, -DER_IO);
		return true;
	}
	if (bio_fault(BIO_FI_DATA_LOST)) {
		/* What a crash after the WAL flush but before this write leaves. */
		D_INFO("fault injection: DATA write of %" PRIu64 " bytes dropped\n", io->io_len);
		io_complete(io, 0);
		return true;
	}
	return false;
}

static void
io_free(struct bio_io *io)
{
	bio_cond_destroy(io->io_cond);
	if (io->io_own_buf)
		bio_buf_put(io->io_bt, io->io_buf, io->io_len);
	D_FREE(io);
}

/* A large write: its own ULT, which sends it to the device at once. */
static void
data_write_ult(void *arg)
{
	struct bio_io     *io = arg;
	struct bio_target *bt = io->io_bt;

	if (io_fault(io))
		return;
	bt->bt_stats.data_submits++;
	io_complete(io, bio_pwrite(bt, &bt->bt_reg[BIO_REGION_DATA], io->io_buf, io->io_len,
				   io->io_off, false));
}

static void data_batch_ult(void *arg);

/* A batch writer for what is queued now and until it runs (after the ULTs
 * already ready). */
static int
data_wq_arm(struct bio_target *bt)
{
	int rc = sched_ult_create(bt->bt_sched, data_batch_ult, bt);

	bt->bt_wq_armed = rc == 0;
	return rc;
}

/* Adjacent writes of one batch, sent as one: ios[dr_first] on, dr_nr of them. */
struct data_run {
	uint32_t dr_first;
	uint32_t dr_nr;
	uint64_t dr_bytes;
};

/*
 * The batch writer: takes the small DATA writes queued so far, sorts them by
 * offset, and sends each run of adjacent ones (the allocator hands out space
 * in order, so one round's updates mostly are) as one writev, every run in
 * one submission. Under many small updates a target pays per write, in the
 * kernel's direct-I/O path and the device's doorbell, far more than per byte.
 * A run that fails or comes back short is written again piece by piece, so
 * each write gets the single-write path's error handling.
 */
static void
data_batch_ult(void *arg)
{
	struct bio_target   *bt  = arg;
	struct bio_region   *reg = &bt->bt_reg[BIO_REGION_DATA];
	struct bio_io       *ios[BIO_WQ_BATCH];
	struct iovec         iov[BIO_WQ_BATCH];
	struct data_run      runs[BIO_WQ_BATCH];
	struct io_uring_sqe *sqes[BIO_WQ_BATCH];
	int                  res[BIO_WQ_BATCH];
	uint32_t             n    = 0;
	uint32_t             nrun = 0;
	uint32_t             kept = 0;
	bool                 sent;
	uint32_t             i;
	uint32_t             r;

	while (n < BIO_WQ_BATCH && !d_list_empty(&bt->bt_wq)) {
		struct bio_io *io = d_list_entry(bt->bt_wq.next, struct bio_io, io_link);

		d_list_del_init(&io->io_link);
		if (bt->bt_faulty)
			io_complete(io, -DER_IO);
		else if (!io_fault(io))
			ios[n++] = io;
	}
	/* writes queued from now on arm a writer of their own, which runs beside this one */
	bt->bt_wq_armed = false;
	if (!d_list_empty(&bt->bt_wq) && data_wq_arm(bt) != 0) {
		while (!d_list_empty(&bt->bt_wq)) {
			struct bio_io *io = d_list_entry(bt->bt_wq.next, struct bio_io, io_link);

			d_list_del_init(&io->io_link);
			io_complete(io, -DER_NOMEM);
		}
	}

	/* insertion sort: the queue is nearly always in order already */
	for (i = 1; i < n; i++) {
		struct bio_io *io = ios[i];
		uint32_t       j  = i;

		for (; j > 0 && ios[j - 1]->io_off > io->io_off; j--)
			ios[j] = ios[j - 1];
		ios[j] = io;
	}
	for (i = 0; i < n; i++) {
		struct data_run *dr = nrun > 0 ? &runs[nrun - 1] : NULL;

		iov[i] = (struct iovec){.iov_base = ios[i]->io_buf, .iov_len = ios[i]->io_len};
		if (dr != NULL && ios[i]->io_off == ios[i - 1]->io_off + ios[i - 1]->io_len &&
		    dr->dr_bytes + ios[i]->io_len <= BIO_RUN_MAX_BYTES) {
			dr->dr_nr++;
			dr->dr_bytes += ios[i]->io_len;
		} else {
			runs[nrun++] = (struct data_run){i, 1, ios[i]->io_len};
		}
	}
	/* a run the I/O fault point hits fails as one write would, unsent */
	for (r = 0; r < nrun; r++) {
		if (!bio_fault(BIO_FI_IO_ERR)) {
			runs[kept++] = runs[r];
			continue;
		}
		bio_set_faulty(bt, reg->br_path, -DER_IO);
		for (i = runs[r].dr_first; i < runs[r].dr_first + runs[r].dr_nr; i++)
			io_complete(ios[i], -DER_IO);
	}
	nrun = kept;
	if (nrun == 0)
		return;

	/* (a ring smaller than a batch: every write goes alone, below) */
	sent = sched_get_sqes(bt->bt_sched, sqes, (int)nrun) == 0;
	for (r = 0; sent && r < nrun; r++) {
		struct bio_io *io = ios[runs[r].dr_first];

		if (runs[r].dr_nr == 1)
			prep_rw(bt, sqes[r], true, reg, io->io_buf, (unsigned int)io->io_len,
				io->io_off);
		else
			io_uring_prep_writev(sqes[r], reg->br_fd, &iov[runs[r].dr_first],
					     runs[r].dr_nr, reg->br_base + io->io_off);
	}
	if (sent) {
		bt->bt_stats.data_submits += nrun;
		sched_io_wait_n(bt->bt_sched, sqes, (int)nrun, res);
	}
	for (r = 0; r < nrun; r++) {
		bool whole = sent && res[r] == (int)runs[r].dr_bytes;

		for (i = runs[r].dr_first; i < runs[r].dr_first + runs[r].dr_nr; i++)
			io_complete(ios[i], whole ? 0
						  : bio_pwrite(bt, reg, ios[i]->io_buf,
							       ios[i]->io_len, ios[i]->io_off,
							       false));
	}
}

/* A write of ext from buf (ours or the caller's): queued for the batch writer
 * if small, else started in its own ULT. */
static int
data_write_start(struct bio_target *bt, const struct bio_extent *ext, char *buf, bool own,
		 struct bio_io **iop)
{
	struct bio_io *io;
	int            rc;

	D_ALLOC_PTR(io);
	if (io == NULL) {
		if (own)
			bio_buf_put(bt, buf, ext->be_len);
		return -DER_NOMEM;
	}
	D_INIT_LIST_HEAD(&io->io_link);
	io->io_bt      = bt;
	io->io_off     = ext->be_off;
	io->io_len     = ext->be_len;
	io->io_buf     = buf;
	io->io_own_buf = own;
	io->io_cond    = bio_cond_create(bt);
	if (io->io_cond == NULL)
		D_GOTO(fail, rc = -DER_NOMEM);
	if (ext->be_len < BIO_WRITE_NOW_BYTES) {
		/* the writer runs after the ULTs already ready, so the writes of
		 * one scheduler pass go down together, in the same submission
		 * they would have gone in one by one */
		if (!bt->bt_wq_armed) {
			rc = data_wq_arm(bt);
			if (rc != 0)
				goto fail;
		}
		d_list_add_tail(&io->io_link, &bt->bt_wq);
		*iop = io;
		return 0;
	}
	/* the write starts as soon as the caller parks (a large one reaches
	 * the device then), not after every ULT already ready */
	rc = sched_ult_create_first(bt->bt_sched, data_write_ult, io);
	if (rc != 0)
		goto fail;
	*iop = io;
	return 0;
fail:
	io_free(io);
	return rc;
}

int
bio_data_write(struct bio_target *bt, const struct bio_extent *ext, const d_sg_list_t *sgl,
	       struct bio_io **iop)
{
	char    *buf;
	size_t   off = 0;
	uint32_t i;

	if (bt == NULL || sgl == NULL || iop == NULL || !data_ext_ok(bt, ext) ||
	    sgl_bytes(sgl, false) > ext->be_len)
		return -DER_INVAL;
	if (bt->bt_faulty)
		return -DER_IO;
	buf = bio_buf_get(bt, ext->be_len);
	if (buf == NULL)
		return -DER_NOMEM;
	/* O_DIRECT wants aligned memory: the bounce copy also frees the sgl. */
	for (i = 0; i < sgl->sg_nr; i++) {
		memcpy(buf + off, sgl->sg_iovs[i].iov_buf, sgl->sg_iovs[i].iov_len);
		off += sgl->sg_iovs[i].iov_len;
	}
	memset(buf + off, 0, ext->be_len - off);
	return data_write_start(bt, ext, buf, true, iop);
}

int
bio_data_write_buf(struct bio_target *bt, const struct bio_extent *ext, const void *buf,
		   struct bio_io **iop)
{
	if (bt == NULL || buf == NULL || iop == NULL || !data_ext_ok(bt, ext) ||
	    ((uintptr_t)buf & (BIO_BLK_SIZE - 1)) != 0)
		return -DER_INVAL;
	if (bt->bt_faulty)
		return -DER_IO;
	return data_write_start(bt, ext, (char *)buf, false, iop);
}

int
bio_io_wait(struct bio_io *io)
{
	int rc;

	if (io == NULL)
		return -DER_INVAL;
	while (!io->io_done)
		bio_cond_wait(io->io_cond);
	rc = io->io_rc;
	io_free(io);
	return rc;
}

int
bio_data_read(struct bio_target *bt, const struct bio_extent *ext, d_sg_list_t *sgl)
{
	size_t   want;
	size_t   off = 0;
	uint32_t i;
	char    *buf;
	int      rc;

	if (bt == NULL || sgl == NULL || !data_ext_ok(bt, ext))
		return -DER_INVAL;
	want = sgl_bytes(sgl, true);
	if (want > ext->be_len)
		want = ext->be_len;
	buf = bio_buf_get(bt, ext->be_len);
	if (buf == NULL)
		return -DER_NOMEM;
	rc = bio_pread(bt, &bt->bt_reg[BIO_REGION_DATA], buf,
		       (want + BIO_BLK_SIZE - 1) & ~(size_t)(BIO_BLK_SIZE - 1), ext->be_off);
	if (rc == 0) {
		sgl->sg_nr_out = 0;
		for (i = 0; i < sgl->sg_nr && off < want; i++) {
			d_iov_t *iov = &sgl->sg_iovs[i];
			size_t   n   = want - off < iov->iov_buf_len ? want - off : iov->iov_buf_len;

			memcpy(iov->iov_buf, buf + off, n);
			iov->iov_len = n;
			off += n;
			sgl->sg_nr_out++;
		}
	}
	bio_buf_put(bt, buf, ext->be_len);
	return rc;
}
