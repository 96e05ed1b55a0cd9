/*
 * bio_internal.h - private to src/bio: on-disk formats and the target handle.
 *
 * On-disk layout (little-endian, every structure in 4 KiB blocks):
 *   every region  block 0: struct bio_region_hdr
 *   wal           blocks 1..N: a ring of groups; a group is 1..64 blocks
 *                 written by one write, starting with struct wal_group_hdr
 *                 followed by records (struct wal_rec_hdr + payload, 8-byte
 *                 aligned). A group's absolute block sequence number (bseq)
 *                 places it at ring block bseq % N; bseq / N is its wrap.
 *   meta          two slots; each a struct meta_slot_hdr block, then image
 *   data          blocks 1..M handed out by the allocator
 */
#ifndef __BIO_INTERNAL_H__
#define __BIO_INTERNAL_H__

#include <gurt/common.h>
#include <gurt/list.h>
#include "bio.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "on-disk format is little-endian");

#define BIO_REGION_MAGIC 0x4f49425f524f5453ULL /* "STOR_BIO" */
#define WAL_GROUP_MAGIC  0x57414c47u           /* "GLAW" */
#define META_SLOT_MAGIC  0x544f4c5341544d45ULL /* "EMTASLOT" */
#define WAL_GROUP_BLKS   (BIO_WAL_GROUP_MAX / BIO_BLK_SIZE)
#define BIO_REC_ALIGN    8u

struct bio_region_hdr {
	uint64_t rh_magic;
	uint32_t rh_version;
	uint32_t rh_kind;
	uuid_t   rh_uuid;
	uint64_t rh_size;        /* region bytes, header included */
	uint32_t rh_blk_size;
	uint32_t rh_csum;        /* CRC32C of this struct with rh_csum = 0 */
	/* Random per format, the same in all three regions: seeds the CRC of WAL
	 * groups and slot headers so content left by an earlier format of the
	 * same device never validates, and regions of two formats never mix. */
	uint64_t rh_nonce;
};

struct wal_group_hdr {
	uint32_t gh_magic;
	uint32_t gh_csum;        /* CRC32C of gh_nblks blocks with gh_csum = 0 */
	uint64_t gh_bseq;        /* absolute sequence of the group's first block */
	uint64_t gh_first_lsn;
	uint32_t gh_nblks;
	uint32_t gh_nrec;
	uint32_t gh_used;        /* bytes of header + records */
	uint32_t gh_pad;
};

struct wal_rec_hdr {
	uint64_t wr_lsn;
	uint32_t wr_len;         /* payload bytes */
	uint32_t wr_csum;        /* CRC32C of header (wr_csum = 0) and payload */
};

#define WAL_GROUP_HDR_SZ sizeof(struct wal_group_hdr)
#define WAL_REC_HDR_SZ   sizeof(struct wal_rec_hdr)

struct meta_slot_hdr {
	uint64_t sh_magic;
	uint64_t sh_gen;         /* larger is newer */
	uint64_t sh_start_lsn;   /* replay starts at this LSN ... */
	uint64_t sh_start_bseq;  /* ... found in the group starting at this bseq */
	uint64_t sh_image_len;
	uint32_t sh_image_csum;
	uint32_t sh_csum;        /* CRC32C of this struct with sh_csum = 0 */
};

/* One open region. */
struct bio_region {
	enum bio_region_kind br_kind;
	int                  br_fd;
	bool                 br_direct;  /* O_DIRECT; else buffered + fdatasync */
	bool                 br_blkdev;
	bool                 br_slice_exact; /* a slice of a given length: header size must match */
	uint64_t             br_base;    /* byte offset of the region in its file or device */
	uint64_t             br_size;
	char                *br_path;    /* for messages: "FILE", or "DEV@OFFSET" for a slice */
	char                *br_dev;     /* what is opened: the file or the device */
};

/* Where one region lives, resolved from a layout (and a slice link, if any). */
struct bio_loc {
	char    *bo_path;  /* file or device */
	uint64_t bo_off;   /* slice start (4 KiB aligned) */
	uint64_t bo_len;   /* slice length, 0: up to the end */
	bool     bo_slice; /* an explicit slice (offset or length given, or a link) */
};

/* A sealed WAL group whose space is not reclaimed yet. */
struct wal_grp_ent {
	uint64_t ge_bseq;
	uint64_t ge_nblks;       /* with any blocks skipped at the ring's end before it */
	uint64_t ge_first_lsn;
	uint64_t ge_last_lsn;
};

/* An in-DRAM WAL group buffer: open (filling) or in flight. */
struct wal_group {
	char            *wg_buf;       /* WAL_GROUP_BLKS blocks, aligned */
	uint32_t         wg_used;      /* bytes filled, header included */
	uint32_t         wg_nrec;
	uint64_t         wg_first_lsn;
	uint64_t         wg_last_lsn;
	uint64_t         wg_seq;       /* round number: which fill of this buffer */
	uint32_t         wg_data_pending; /* DATA writes of its records not completed yet */
	uint64_t         wg_dsync_gen; /* DATA sync generation its records' writes need */
	struct bio_cond *wg_cond;      /* committers of this buffer's round */
};

/* A deferred free waiting for its LSN to be durable. */
struct alloc_deferred {
	d_list_t          ad_link;
	struct bio_extent ad_ext;
	uint64_t          ad_lsn;
};

struct bio_alloc {
	uint64_t *ba_bits;      /* 1 = used or reserved, one bit per block */
	uint64_t  ba_nblks;     /* data blocks (region minus header block) */
	uint64_t  ba_free;      /* free blocks */
	uint64_t  ba_hint;      /* next-fit start: first block after the last grant */
	d_list_t  ba_deferred;  /* alloc_deferred, in LSN order of arrival */
};

#define BIO_ZERO_CHUNK      (1u << 20) /* pre-writer bookkeeping and write unit */
#define BIO_ZERO_AHEAD_MIN  8          /* chunks zeroed ahead of an idle allocator */
#define BIO_ZERO_AHEAD      64         /* ... and of a busy one */
/* Reservations this large (blocks, on average) convert their own extents more
 * cheaply than zeros written ahead of them: the pre-writer stands aside. */
#define BIO_ZERO_BIG_BLKS   64         /* 256 KiB */

#define BIO_WRITE_NOW_BYTES (64u << 10) /* writes this large are submitted at once */
#define BIO_WQ_BATCH        128u        /* DATA writes one batch writer takes */
#define BIO_RUN_MAX_BYTES   (1u << 20)  /* the most one coalesced write carries */
#define BIO_ARENA_BYTES (16u << 20) /* registered buffer memory per target */
#define BIO_DBUF_CLASSES 9  /* 4 KiB, 8 KiB, ... 1 MiB */
#define BIO_DBUF_KEEP    8   /* buffers kept per class */

struct bio_target {
	struct sched      *bt_sched;
	struct bio_region  bt_reg[BIO_REGION_NR];
	uuid_t             bt_uuid;
	uint64_t           bt_nonce;
	struct bio_open_opts bt_opts;
	bool               bt_faulty;
	bool               bt_closing;

	/* WAL */
	uint64_t           bt_wal_nblks;      /* ring size N */
	uint64_t           bt_wal_head;       /* bseq after the last sealed group */
	uint64_t           bt_wal_tail;       /* bseq of the oldest live group */
	uint64_t           bt_next_lsn;
	uint64_t           bt_durable_lsn;
	struct wal_group   bt_grp[2];         /* double buffer */
	int                bt_open_grp;       /* index of the filling group */
	bool               bt_inflight;       /* the other group is being written */
	struct wal_grp_ent *bt_ents;          /* ring of live sealed groups */
	uint64_t           bt_ents_cap;
	uint64_t           bt_ents_first;
	uint64_t           bt_ents_nr;
	struct bio_cond *bt_flush_cond;     /* wakes the flusher */
	struct bio_cond *bt_space_cond;     /* commits waiting for WAL space */
	struct bio_cond *bt_seal_cond;      /* commits waiting for a new open group */
	uint64_t           bt_grp_seq;        /* rounds sealed so far */
	uint64_t           bt_done_seq;       /* rounds durable (in order) */
	/* group hold (wal_flusher): committers expected in the next group, when
	 * its wait began, and the smoothed time of a group write + flush */
	uint32_t           bt_grp_expect;
	bool               bt_seal_wanted;    /* a committer waits for the open group to go */
	uint64_t           bt_grp_t0_us;
	uint64_t           bt_grp_io_us;
	uint64_t           bt_tail_lsn;       /* first LSN replay must deliver */
	bool               bt_flusher_running;
	struct bio_cond *bt_exit_cond;
	char              *bt_zero;           /* WAL_GROUP_BLKS zeroed blocks */
	bool               bt_wal_corrupt;    /* open found a corrupt group mid-log */
	bool               bt_half_requested; /* bo_ckpt_request sent for half full */
	uint64_t           bt_open_last_lsn;  /* first LSN of the last group found at open */

	/* META */
	uint64_t           bt_slot_size;      /* bytes per slot, header block included */
	struct meta_slot_hdr bt_slot[2];      /* valid headers (sh_magic 0 = invalid) */
	int                bt_newest;         /* slot index, -1 if none */
	bool               bt_ckpt_busy;

	/* DATA */
	struct bio_alloc   bt_alloc;
	/* DATA writes are plain O_DIRECT writes; what makes them durable is one
	 * fdatasync shared by every write completed before it started. */
	uint64_t           bt_dsync_req;      /* DATA writes completed so far */
	uint64_t           bt_dsync_done;     /* writes up to this count are durable */
	bool               bt_dsync_running;
	struct bio_cond   *bt_dsync_cond;
	/* small DATA writes queued for the next batch writer (bio_io.c), which
	 * sends adjacent ones to the device as one write */
	d_list_t           bt_wq;
	bool               bt_wq_armed;       /* a batch writer will take bt_wq */
	/* aligned bounce buffers of DATA I/O, kept for reuse: a fresh 1 MiB
	 * buffer per write costs more in page faults than the write itself */
	void              *bt_dbuf[BIO_DBUF_CLASSES][BIO_DBUF_KEEP];
	uint32_t           bt_dbuf_nr[BIO_DBUF_CLASSES];
	/* Registered arena (bio_io.c): buffers carved from it are pinned by the
	 * kernel once, so their I/O uses READ/WRITE_FIXED. Carved, never given
	 * back to it: freed ones wait on a per-class list. */
	char              *bt_arena;               /* BIO_ARENA_BYTES, or NULL */
	uint64_t           bt_arena_used;
	int                bt_arena_slot;          /* sched buffer slot, -1: none */
	void              *bt_afree[BIO_DBUF_CLASSES]; /* free arena buffers, linked */
	uint64_t           bt_fixed_ios;           /* I/Os that went as *_FIXED */

	/* DATA pre-writer (bio_zero.c): never-written blocks ahead of the hint */
	uint64_t          *bt_zmap;           /* 1 bit per chunk: written once, or zeroed */
	uint64_t           bt_zchunks;        /* chunks of DATA (the last may be short) */
	uint64_t           bt_zchunks_done;
	uint64_t           bt_zero_ahead;     /* window, chunks past the hint's chunk */
	uint64_t           bt_zero_hint_chunk;
	uint64_t           bt_zero_held;      /* blocks held by the write in flight */
	uint32_t           bt_zero_waiters;   /* reservations waiting for that write */
	uint64_t           bt_zero_unsynced;  /* bytes zeroed since the last fdatasync */
	uint64_t           bt_zero_avg_blks;  /* moving average of reservation sizes */
	void              *bt_zero_buf;       /* BIO_ZERO_CHUNK of zeros */
	bool               bt_zero_started;
	bool               bt_zero_running;
	struct bio_cond   *bt_zero_cond;      /* wakes the pre-writer */
	struct bio_cond   *bt_zero_idle;      /* its write finished, or it left */

	struct bio_stats   bt_stats;
};

/* bio_util.c */
uint32_t bio_crc32c(const void *buf, size_t len, uint32_t seed);
uint32_t bio_region_hdr_csum(const struct bio_region_hdr *rh);
const char *bio_region_name(enum bio_region_kind kind);
uint64_t bio_now_usec(void);
bool bio_fault(uint32_t id);
uint64_t bio_fault_arg(uint32_t id);

/* bio_region.c */
int  bio_region_open(struct bio_target *bt, const struct bio_layout *lay, enum bio_region_kind kind,
		     const uuid_t uuid);
void bio_region_close(struct bio_region *r);
char *bio_region_path(const struct bio_layout *lay, enum bio_region_kind kind);
int  bio_loc_resolve(const struct bio_layout *lay, enum bio_region_kind kind, struct bio_loc *loc);
void bio_loc_fini(struct bio_loc *loc);

/* bio_io.c: I/O on a region through the scheduler's io_uring; these yield. */
int  bio_pwrite(struct bio_target *bt, struct bio_region *r, const void *buf, size_t len,
		uint64_t off, bool dsync);
int  bio_pread(struct bio_target *bt, struct bio_region *r, void *buf, size_t len, uint64_t off);
int  bio_fdatasync(struct bio_target *bt, struct bio_region *r);
/* A write whose failure is only reported: the target is not made faulty. */
int  bio_pwrite_soft(struct bio_target *bt, struct bio_region *r, const void *buf, size_t len,
		     uint64_t off);
/* Make DATA writes up to completion count gen durable: joins a running
 * fdatasync of DATA or starts one. -DER_IO (the target goes faulty). */
int  bio_data_sync(struct bio_target *bt, uint64_t gen);
/* Frees the cache of bio_buf_get() and the arena. */
void  bio_dbuf_fini(struct bio_target *bt);
/* Map and register the arena (no arena when that fails: I/O goes unfixed). */
void  bio_arena_init(struct bio_target *bt);
void bio_set_faulty(struct bio_target *bt, const char *why, int rc);
void *bio_buf_alloc(size_t len);
void  bio_buf_free(void *buf);
/* Wait queues and ULTs of the target's scheduler. */
struct bio_cond *bio_cond_create(struct bio_target *bt);
void bio_cond_destroy(struct bio_cond *c);
void bio_cond_wait(struct bio_cond *c);
void bio_cond_signal(struct bio_cond *c);
void bio_cond_broadcast(struct bio_cond *c);
int  bio_ult_create(struct bio_target *bt, void (*fn)(void *), void *arg);
void bio_ult_sleep_us(struct bio_target *bt, uint64_t us);
void bio_ult_yield(struct bio_target *bt);

/* bio_alloc.c */
int  bio_alloc_init(struct bio_alloc *ba, uint64_t region_size);
void bio_alloc_fini(struct bio_alloc *ba);
void bio_alloc_durable(struct bio_target *bt, uint64_t durable_lsn);
/* First free run in blocks [from, to): its start, *n its length (0: none). */
uint64_t bio_alloc_free_run(const struct bio_alloc *ba, uint64_t from, uint64_t to, uint64_t *n);
/* Hold (or release) free blocks [b, b + n) so nothing is handed out there;
 * held blocks still count as free. */
void bio_alloc_hold(struct bio_alloc *ba, uint64_t b, uint64_t n, bool hold);

/* bio_zero.c: the DATA pre-writer */
int  bio_zero_open(struct bio_target *bt);
void bio_zero_close(struct bio_target *bt);
/* After a reservation of blocks [b, b + n): start the pre-writer, or tell it
 * the hint moved. */
void bio_zero_kick(struct bio_target *bt, uint64_t b, uint64_t n);
/* A reservation found no room: wait if the pre-writer holds blocks (true). */
bool bio_zero_wait(struct bio_target *bt);

/* bio_wal.c */
int  bio_wal_open(struct bio_target *bt);
void bio_wal_close(struct bio_target *bt);
void bio_wal_reclaim(struct bio_target *bt, uint64_t start_lsn);
uint64_t bio_wal_lsn_bseq(struct bio_target *bt, uint64_t lsn);

/* bio_ckpt.c */
int  bio_ckpt_open(struct bio_target *bt);

#endif /* __BIO_INTERNAL_H__ */
