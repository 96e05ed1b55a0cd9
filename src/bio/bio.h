/*
 * bio.h - block I/O for one target: the write-ahead log, the checkpoint slots
 * and the data space of a VOS instance, on files or raw block devices, through
 * the target's io_uring.
 *
 * WHAT BIO OWNS
 * Three regions per target, each a file (embedded mode: created by bio_format
 * in a data directory) or a slice of a raw block device (production: an
 * offset and a length inside the device, so many targets and pools share one
 * device; see BLOCK DEVICES). The code path is the same for both.
 *   wal   a circular write-ahead log of opaque records, each with an LSN
 *   meta  two checkpoint slots (ping-pong) holding an opaque index image
 *   data  4 KiB blocks for large values, handed out by an in-DRAM allocator
 * Every region starts with a 4 KiB header (magic, format version, region
 * kind, target uuid, region size, block size, CRC32C). Opening a region that
 * is foreign (other uuid or kind), truncated, corrupt or of a newer format is
 * refused with an error naming the file.
 * BIO never interprets records or images: their content belongs to VOS.
 *
 * BLOCK DEVICES
 * A region on a device (or an explicit slice of a file) starts at a 4 KiB
 * aligned offset (bl_off) and has a length (bl_len; 0: up to the end). Its
 * size comes from ioctl(BLKGETSIZE64); a device whose logical block size
 * (BLKSSZGET) does not divide 4 KiB is refused (-DER_NOTSUPPORTED, naming the
 * device); a physical block size above 4 KiB is logged. Nothing is truncated
 * or preallocated on a device, and bytes outside the slice are never touched.
 * A device is always opened with O_DIRECT (no buffered fallback). The region
 * header is the same as in a file and sits at the slice's first block;
 * messages name the region "DEVICE@OFFSET". Opening a slice whose header is
 * of another target or format (uuid, nonce, kind) or, for a slice given with
 * its length, of another size (a neighbour's or an older layout's data) is
 * refused with -DER_MISMATCH naming the device and offset; a slice without a
 * valid header is -DER_DF_INVAL.
 * A region path may also be a slice link: a small text file written by
 * bio_slice_link_write() that names a device, an offset and a length; BIO
 * then formats and opens that slice instead of the file (that is how a
 * store given only a directory, vos_store_format/open, lands on a device).
 *
 * Durability: a WAL group is written with RWF_DSYNC, in a file (direct or
 * buffered) as on a device: one request, durable when it completes. Linux
 * turns it into a FUA write, or a write followed by a cache flush where the
 * device has no FUA, plus in a file whatever metadata the write needs. DATA
 * and META are made durable by fdatasync() on the region's fd, which sends
 * the device a cache flush (REQ_PREFLUSH) for the whole device. So
 * durability holds on a device that honours FUA and flush, i.e. one with a
 * volatile write cache that obeys them or none at all; a device that
 * acknowledges flushes it did not do (some consumer SSDs, a loop device
 * without --direct-io over a file system that lies) can lose acknowledged
 * writes on power loss, as any file system would.
 *
 * DURABILITY
 * - bio_wal_commit() returns 0 only once its record is on stable storage
 *   (the group write and its flush completed, and so did every earlier
 *   group) and the data writes handed to it are durable. Many concurrent
 *   commits share one write and one flush (group commit); while a group is
 *   being written, the next one fills.
 * - bio_data_write() is submitted at once and runs concurrently with the WAL
 *   append, as a plain O_DIRECT write (one under 64 KiB goes with the other
 *   small writes of the same scheduler pass, adjacent ones coalesced into
 *   one device write); bio_wal_commit() waits for it and
 *   then for an fdatasync of DATA that started after it completed. One such
 *   sync serves every write completed before it (concurrent commits share
 *   it, as they share the WAL's flush).
 * - A WAL group is written only once every DATA write handed to the commits
 *   of the previous group completed and was synced. So after a crash, only records of the
 *   last durable group (bio_wal_open_last_lsn() on) can refer to DATA that
 *   was not (fully) written; the owner checks those against their
 *   checksums at replay. A group may be durable while one of its commits
 *   still waits for its data: durability of the record alone is not an
 *   acknowledgement.
 * - bio_ckpt_end() returns once the image and then the slot header are
 *   flushed; only then is WAL space before the checkpoint's LSN reclaimed.
 * - Space freed by bio_free_deferred() becomes reusable only once the LSN of
 *   the freeing record is durable.
 * - The allocator's state is not persisted: after a restart the owner calls
 *   bio_alloc_mark_used() for every extent its recovered index references,
 *   before any bio_alloc_reserve().
 * Files are opened with O_DIRECT. Where the file system refuses it (open
 * fails with EINVAL), BIO logs that once per region and uses buffered I/O,
 * synced as above: slower, never less durable (never on a device).
 * bio_region_direct() tells which mode is used.
 *
 * THREADING
 * A bio_target belongs to one target thread and its scheduler (src/sched).
 * Every call that does I/O must be made from a ULT of that scheduler: it
 * yields while the I/O is in flight, it never blocks the thread. No call may
 * be made from another thread. bio_format() is the exception: it uses plain
 * system calls and may run anywhere before the target starts.
 *
 * ERRORS
 * Calls return 0 or a negative DER code. Common to all calls:
 *   -DER_INVAL    bad argument
 *   -DER_NOMEM    out of memory
 *   -DER_IO       an I/O failed; the target is now faulty and every later
 *                 I/O call returns -DER_IO until it is closed and reopened
 *   -DER_SHUTDOWN the target is being closed
 *
 * CAVEATS
 * - WAL replay stops at the first group (a run of 4 KiB blocks written by
 *   one write) that is torn, stale (from an earlier wrap) or fails its
 *   CRC32C: records of that group and all later ones are not delivered.
 *   A torn tail is normal after a crash (those records were never
 *   acknowledged); corruption in the middle of the log is reported.
 * - When the WAL is full, committers wait for a checkpoint; the owner must
 *   provide bo_ckpt_request or commits get -DER_NOSPACE at once.
 * - The checkpoint start LSN given to bio_ckpt_end() must not be larger than
 *   the lowest LSN whose effect might be missing from the image; WAL before
 *   it is reclaimed and cannot be replayed any more.
 * - A DATA extent must not be written after bio_alloc_cancel() or
 *   bio_free_deferred(); wait for its bio_io first.
 * - bio_ckpt_load() falls back to the older slot when the newest is torn or
 *   corrupt. That recovers a checkpoint torn by a crash (its WAL was not yet
 *   reclaimed). If a completed newest slot rots later, the WAL between the
 *   two slots' LSNs has already been reclaimed: the changes logged between
 *   the two checkpoints are lost, and BIO does not yet detect that case.
 * - Only little-endian hosts; regions are not portable to big-endian ones.
 * - A commit waiting for a slow DATA write holds back the next group's
 *   write (the ordering above): one slow data write delays every commit
 *   behind it by that much.
 */
#ifndef __BIO_H__
#define __BIO_H__

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <uuid/uuid.h>
#include <gurt/types.h>

struct sched;
struct bio_target;
struct bio_io;
struct bio_ckpt;

#define BIO_BLK_SIZE      4096u             /* unit of every on-disk structure */
#define BIO_WAL_GROUP_MAX (256u * 1024)     /* most bytes one WAL group write carries */
#define BIO_WAL_REC_MAX   (BIO_WAL_GROUP_MAX - 256) /* largest record payload */
#define BIO_FORMAT_VERSION 1u               /* on-disk format written by this code */

enum bio_region_kind {
	BIO_REGION_WAL  = 0, /* circular write-ahead log */
	BIO_REGION_META = 1, /* two checkpoint slots */
	BIO_REGION_DATA = 2, /* data blocks for large values */
	BIO_REGION_NR   = 3,
};

/* Where the regions are: either a directory (files "wal", "meta", "data"
 * inside it, each a region or a slice link) or one explicit path per region
 * (file or block device), optionally with a slice of it. Zeroed fields mean
 * "the whole file or device". */
struct bio_layout {
	const char *bl_dir;                   /* used when bl_path[i] is NULL */
	const char *bl_path[BIO_REGION_NR];   /* optional explicit paths */
	uint64_t    bl_off[BIO_REGION_NR];    /* slice start, 4 KiB aligned */
	uint64_t    bl_len[BIO_REGION_NR];    /* slice length, 4 KiB multiple; 0: to the end */
};

/* Fault ids (gurt fault injection, d_fault_attr_set()). */
enum bio_fault_id {
	BIO_FI_IO_ERR     = 200, /* the I/O that hits fails: -DER_IO, target faulty */
	BIO_FI_WAL_FLUSH  = 201, /* a WAL group write+flush fails with -DER_IO */
	BIO_FI_DATA_WRITE = 202, /* a DATA write fails with -DER_IO */
	BIO_FI_CRASH      = 203, /* _exit(0) before a WAL flush; fa_argument != 0:
				  * after writing a torn half of the group */
	BIO_FI_NO_DIRECT  = 204, /* open(O_DIRECT) behaves as refused (EINVAL) */
	BIO_FI_DATA_LOST  = 205, /* a DATA write is reported done but never reaches the
				  * disk: what a crash between the WAL flush and the
				  * data write leaves (tests of replay's data check) */
};

/* ---- format, open, close ---- */

/*
 * Create and preallocate (fallocate) the three regions and write their
 * headers. For a file, size[i] is its size in bytes (rounded down to 4 KiB;
 * 0 picks a default: 64 MiB wal, 64 MiB meta, 1 GiB data); existing files are
 * overwritten. For a block device or a slice, size[i] = 0 means the whole
 * slice (or device); a slice's old content is overwritten whatever it was
 * (the caller owns the slice: the engine's device table says so).
 * A whole file is truncated first, so its WAL and META read as zeros; on a
 * device or slice old blocks stay, and never validate: WAL groups and slot
 * headers are checksummed with a per-format random seed (rh_nonce). A WAL
 * file is then written with zeros (its size in bytes, once): group commits
 * rewrite it in place, and blocks written already are no extents for each
 * flush to convert (64 B updates about 12 %, 4 KiB about 25 % faster here).
 * Errors: -DER_INVAL (size too small: wal >= 1 MiB, meta >= 64 KiB,
 * data >= 64 KiB; a size larger than the device or slice; a slice unaligned
 * or beyond the device's end), -DER_NOTSUPPORTED (the device's logical block
 * size does not divide 4 KiB), -DER_NOSPACE (fallocate failed for lack of
 * space), -DER_IO, -DER_NO_PERM.
 */
int bio_format(const struct bio_layout *lay, const uint64_t size[BIO_REGION_NR],
	       const uuid_t uuid);

/*
 * Write (atomically: temporary file, fsync, rename, fsync of the directory)
 * a slice link at path: a text file "dstor-bio-slice 1\nDEV\nOFF\nLEN\n"
 * that a layout's region path may point to. dev is absolute; off and len are
 * multiples of 4 KiB. Plain system calls. -DER_INVAL, -DER_IO, -DER_NOMEM.
 */
int bio_slice_link_write(const char *path, const char *dev, uint64_t off, uint64_t len);
/*
 * Read a slice link. -DER_NONEXIST (no such file), -DER_MISMATCH (a file
 * that is not a slice link, e.g. a region), -DER_DF_INVAL (a damaged link).
 */
int bio_slice_link_read(const char *path, char *dev, size_t devlen, uint64_t *off,
			uint64_t *len);

struct bio_open_opts {
	/* Called (from the committing ULT, must not block) when the WAL is half
	 * full or full: the owner should start a checkpoint soon. NULL means
	 * commits that find the WAL full fail with -DER_NOSPACE. */
	void (*bo_ckpt_request)(void *arg);
	void  *bo_ckpt_arg;
};

/*
 * Open the regions of a formatted target. uuid, if not NULL, must match the
 * one given to bio_format. Reads the checkpoint slot headers and scans the
 * WAL to find its end; does not deliver records (bio_wal_replay does).
 * Must be called from a ULT of sched.
 * Errors: -DER_NONEXIST (a file is missing), -DER_DF_INVAL (not a BIO region,
 * corrupt header, truncated file, a slice beyond the device's end),
 * -DER_DF_INCOMPT (newer format version), -DER_MISMATCH (other target's
 * uuid, the region kind is not the expected one, a slice holding a region of
 * another size), -DER_NOTSUPPORTED (device block size), -DER_IO, -DER_NOMEM.
 */
int bio_open(struct sched *sched, const struct bio_layout *lay, const uuid_t uuid,
	     const struct bio_open_opts *opts, struct bio_target **btp);

/* Wait for the WAL group in flight, then close. Commits still waiting for
 * space get -DER_SHUTDOWN. Must be called from a ULT of the target's sched
 * with no other ULT inside a BIO call. */
void bio_close(struct bio_target *bt);

/* True when region kind is opened with O_DIRECT (false: buffered+fdatasync). */
bool bio_region_direct(struct bio_target *bt, enum bio_region_kind kind);

/* True once an I/O error has made the target faulty. */
bool bio_target_faulty(struct bio_target *bt);

/* ---- write-ahead log ---- */

/*
 * Append one record (len bytes, 1 <= len <= BIO_WAL_REC_MAX) to the WAL and
 * wait until it is durable, and until each of the nr_ios data writes in ios
 * completed (those handles are consumed whatever the result). On return
 * *lsn (if not NULL) is the record's LSN, assigned in append order (so LSN
 * order is WAL order), also on failure if the record was appended. The LSN
 * is >= bio_wal_next_lsn() read before the call.
 * Errors: -DER_INVAL, -DER_IO (WAL or data write failed; the record's
 * durability is unknown), -DER_NOSPACE (WAL full and no checkpoint could
 * free space), -DER_SHUTDOWN.
 */
int bio_wal_commit(struct bio_target *bt, const void *rec, size_t len, struct bio_io **ios,
		   int nr_ios, uint64_t *lsn);

/*
 * bio_wal_commit() for a record that frees space (destroying a container):
 * it may use the last eighth of the WAL, which other records leave free, so
 * a store whose checkpoints fail for lack of META space can still shrink.
 */
int bio_wal_commit_reserve(struct bio_target *bt, const void *rec, size_t len, uint64_t *lsn);

/* LSN the next appended record will get. */
uint64_t bio_wal_next_lsn(struct bio_target *bt);

/* Highest LSN known durable (0 if none since format). */
uint64_t bio_wal_durable_lsn(struct bio_target *bt);

/*
 * First LSN of the last WAL group found durable by bio_open (0 when the log
 * was empty). A group is written only after the DATA writes of the previous
 * group's records completed, so after a crash only records with an LSN >=
 * this one can refer to DATA that was never (fully) written; records before
 * it had all their data on disk when they became durable.
 */
uint64_t bio_wal_open_last_lsn(struct bio_target *bt);

typedef int (*bio_replay_cb_t)(const void *rec, size_t len, uint64_t lsn, void *arg);

struct bio_replay_stats {
	uint64_t rs_records;  /* records delivered */
	uint64_t rs_bytes;    /* payload bytes delivered */
	uint64_t rs_usec;     /* time spent */
	uint64_t rs_last_lsn; /* LSN of the last record delivered, 0 if none */
};

/*
 * Deliver, in LSN order, every durable record with LSN >= from_lsn still in
 * the WAL (from the last checkpoint on). Stops cleanly at the torn tail.
 * A callback returning non-zero stops the replay with that code.
 * Errors: -DER_CSUM (a corrupt group was found before valid ones: records
 * after it are lost; the prefix was delivered), -DER_IO, the callback's code.
 */
int bio_wal_replay(struct bio_target *bt, uint64_t from_lsn, bio_replay_cb_t cb, void *arg,
		   struct bio_replay_stats *stats);

/* ---- data region ---- */

struct bio_extent {
	uint64_t be_off; /* byte offset in the DATA region, 4 KiB aligned */
	uint64_t be_len; /* bytes, multiple of 4 KiB */
};

/*
 * Submit a write of sgl (at most ext->be_len bytes; the rest of the extent is
 * zero-filled) to ext and return at once; *iop tracks it. The caller passes
 * *iop to bio_wal_commit() or bio_io_wait(). The sgl may be reused at once.
 * Errors: -DER_INVAL (extent outside the region or unaligned, sgl larger
 * than the extent), -DER_NOMEM, -DER_IO.
 */
int bio_data_write(struct bio_target *bt, const struct bio_extent *ext, const d_sg_list_t *sgl,
		   struct bio_io **iop);

/*
 * The same with no copy: the extent's ext->be_len bytes are written from buf
 * in place. buf is 4 KiB aligned (bio_buf_get()'s are) and holds be_len
 * bytes, the caller zero-filling any tail after its data; it stays allocated
 * and unchanged until the I/O is consumed (bio_io_wait() or bio_wal_commit()
 * has returned). Errors as bio_data_write(); -DER_INVAL also for an
 * unaligned buf.
 */
int bio_data_write_buf(struct bio_target *bt, const struct bio_extent *ext, const void *buf,
		       struct bio_io **iop);

/*
 * A 4 KiB-aligned buffer of at least len bytes (rounded up to 4 KiB), for
 * data bound for bio_data_write_buf(): taken from the target's cache of
 * recently returned ones when one of its size fits (so big buffers do not
 * fault their pages in each time), else allocated. Contents undefined. bt
 * may be NULL (no cache). NULL: out of memory. Return it with bio_buf_put()
 * with the same bt and len, on the target's thread.
 */
void *bio_buf_get(struct bio_target *bt, size_t len);
void  bio_buf_put(struct bio_target *bt, void *buf, size_t len);

/* Wait for an I/O from bio_data_write, free it, return its result. */
int bio_io_wait(struct bio_io *io);

/*
 * Read ext into sgl (up to the sgl's capacity; sg_nr_out and iov_len are
 * set), waiting for completion. Errors: -DER_INVAL, -DER_NOMEM, -DER_IO.
 */
int bio_data_read(struct bio_target *bt, const struct bio_extent *ext, d_sg_list_t *sgl);

/* ---- data space allocator ---- */

/* Reserve len bytes (rounded up to 4 KiB) of contiguous DATA space.
 * The first reservation after bio_open() starts the DATA pre-writer (a file
 * region only: zeros over never-written free blocks just ahead of the
 * allocator, so later commits' fdatasyncs have no unwritten extents to
 * convert). A reservation that finds no room while some of the pre-writer's
 * zeros are in flight waits for them (yields) and looks again.
 * Errors: -DER_NOSPACE (no free run that long), -DER_INVAL (len 0). */
int bio_alloc_reserve(struct bio_target *bt, uint64_t len, struct bio_extent *ext);

/* The reserving record was committed: the extent is now in use. */
void bio_alloc_publish(struct bio_target *bt, const struct bio_extent *ext);

/* Give back a reservation whose record will never be committed. */
void bio_alloc_cancel(struct bio_target *bt, const struct bio_extent *ext);

/* Free ext once LSN lsn is durable (at once if it already is).
 * Errors: -DER_INVAL (extent outside the region or not in use), -DER_NOMEM. */
int bio_free_deferred(struct bio_target *bt, const struct bio_extent *ext, uint64_t lsn);

/* Recovery: ext is referenced by the recovered index.
 * Errors: -DER_INVAL (outside the region), -DER_EXIST (overlaps space
 * already marked or reserved: a double reference). */
int bio_alloc_mark_used(struct bio_target *bt, const struct bio_extent *ext);

struct bio_space {
	uint64_t bs_total; /* usable bytes */
	uint64_t bs_free;  /* bytes free now */
};

/* Space of one region: DATA = allocator; WAL = ring; META = one slot's
 * image capacity (free = total). */
void bio_space_query(struct bio_target *bt, enum bio_region_kind kind, struct bio_space *sp);

/* ---- checkpoint slots ---- */

/* Start writing an image into the older slot. Errors: -DER_BUSY (one is
 * already being written), -DER_IO, -DER_NOMEM. */
int bio_ckpt_begin(struct bio_target *bt, struct bio_ckpt **ckp);

/* Append len bytes to the image (yields while writing).
 * Errors: -DER_NOSPACE (slot full; the checkpoint must be aborted), -DER_IO. */
int bio_ckpt_write(struct bio_ckpt *ck, const void *buf, size_t len);

/*
 * Finish: write the tail of the image, flush, then write and flush the slot
 * header (image length, CRC32C, start_lsn, generation). Then reclaims the
 * WAL before start_lsn and wakes committers waiting for space. ck is freed.
 * start_lsn must be <= bio_wal_durable_lsn() + 1.
 * Errors: -DER_INVAL (start_lsn beyond the durable end, or older than the
 * last checkpoint's), -DER_IO (the previous slot stays the valid one).
 */
int bio_ckpt_end(struct bio_ckpt *ck, uint64_t start_lsn);

/* Drop an unfinished checkpoint; the previous one stays valid. ck is freed. */
void bio_ckpt_abort(struct bio_ckpt *ck);

typedef int (*bio_ckpt_load_cb_t)(const void *chunk, size_t len, void *arg);

/*
 * Stream the newest valid checkpoint image to cb in chunks, in order (if the
 * newest slot is torn or corrupt, the other one is used and that is logged).
 * *start_lsn is where WAL replay must start (1 when there is no checkpoint).
 * Errors: -DER_NONEXIST (no checkpoint was ever written; *start_lsn is set),
 * -DER_CSUM (the image changed on disk since open), -DER_IO, cb's code.
 */
int bio_ckpt_load(struct bio_target *bt, bio_ckpt_load_cb_t cb, void *arg, uint64_t *start_lsn);

/* ---- statistics ---- */

struct bio_stats {
	uint64_t wal_flushes;      /* group writes+flushes completed */
	uint64_t wal_records;      /* records made durable */
	uint64_t wal_bytes;        /* bytes written to WAL (with headers, padding) */
	uint64_t data_writes;      /* DATA writes completed */
	uint64_t data_bytes;       /* bytes written to DATA */
	uint64_t data_submits;     /* device writes they went in (adjacent small
				    * ones are coalesced) */
	uint64_t data_zeroed;      /* never-written DATA zeroed ahead of the allocator */
	uint64_t meta_bytes;       /* bytes written to META */
	uint64_t ckpts;            /* checkpoints completed */
	uint64_t ckpt_aborts;      /* checkpoints abandoned (image over the slot, I/O error) */
	uint64_t wal_full_waits;   /* commits that waited for WAL space */
	uint64_t fixed_ios;        /* I/Os from registered buffers (READ/WRITE_FIXED) */
	uint64_t registered_bytes; /* memory registered with the ring (0: none, e.g.
				    * over the locked-memory limit) */
	double   records_per_flush; /* wal_records / wal_flushes */
};

/* Counters since open. */
void bio_stats_get(struct bio_target *bt, struct bio_stats *st);

#endif /* __BIO_H__ */
