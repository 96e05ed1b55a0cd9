/*
 * Faults through the durable store's real files: a DATA write that never
 * reached the disk, DATA / META / WAL corrupted on disk, I/O errors, a full
 * DATA region, and allocation failures in VOS. Each must end in a clear error
 * or a clean recovery, never in a crash, torn data or a changed index.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <inttypes.h>
#include <gurt/common.h>
#include <sched/sched.h>
#include "bio/bio.h"
#include "vos/vos.h"
#include "d_test_fi.h"
#include "vos_test_util.h"

#define BIG   9000 /* above VOS_INLINE_MAX: lives in DATA (3 blocks) */
#define SMALL 100

static char fs_dir[256];

static const daos_obj_id_t fs_oid = {.lo = 7, .hi = 0};

/* Key i's value at epoch e: a function of both, so a reader can tell it is whole. */
static size_t
fs_size(uint32_t i)
{
	return i % 2 == 0 ? BIG : SMALL;
}

static void
fs_fill(uint32_t i, daos_epoch_t e, char *buf)
{
	size_t k;

	for (k = 0; k < fs_size(i); k++)
		buf[k] = (char)(i * 13 + e * 7 + k);
}

static int
fs_put(struct vos *vos, uint32_t i, daos_epoch_t e)
{
	char buf[BIG];
	char key[16];

	snprintf(key, sizeof(key), "f%u", i);
	fs_fill(i, e, buf);
	return tu_put_sv(vos, fs_oid, e, 0, TU_KEY(key), TU_KEY("a"), buf, fs_size(i));
}

enum { FS_OK = 0, FS_ABSENT = 1, FS_WRONG = 2 };

/* FS_OK: the value of epoch e, whole; FS_ABSENT; FS_WRONG; or a fetch error (< 0). */
static int
fs_get(struct vos *vos, uint32_t i, daos_epoch_t e)
{
	static char buf[BIG], want[BIG];
	char        key[16];
	uint64_t    len;
	int         rc;

	snprintf(key, sizeof(key), "f%u", i);
	memset(buf, 0x5a, sizeof(buf));
	rc = tu_get_sv(vos, fs_oid, DAOS_EPOCH_MAX, 0, TU_KEY(key), TU_KEY("a"), buf, sizeof(buf),
		       &len);
	if (rc != 0) {
		size_t k;

		/* Nothing of a value that failed its check is handed out. */
		for (k = 0; k < fs_size(i); k++)
			if (buf[k] != 0 && buf[k] != 0x5a)
				return FS_WRONG;
		return rc;
	}
	if (len == 0)
		return FS_ABSENT;
	fs_fill(i, e, want);
	return len == fs_size(i) && memcmp(buf, want, len) == 0 ? FS_OK : FS_WRONG;
}

struct fs_run {
	void (*fn)(struct sched *s);
	struct sched *s;
};

static void
fs_run_ult(void *arg)
{
	struct fs_run *r = arg;

	r->fn(r->s);
}

static void
fs_run(void (*fn)(struct sched *s))
{
	struct fs_run r = {fn, NULL};

	assert_int_equal(sched_init(&r.s), 0);
	assert_int_equal(sched_ult_create(r.s, fs_run_ult, &r), 0);
	sched_run(r.s);
	sched_fini(r.s);
}

static struct vos_store *
fs_create(struct sched *s, uint64_t data_size)
{
	struct vos_store *vs;

	assert_int_equal(vos_store_format(fs_dir, 2 << 20, 4 << 20, data_size), 0);
	assert_int_equal(vos_store_open(s, fs_dir, &vs), 0);
	assert_int_equal(vos_cont_create(vos_store_vos(vs), tu_cont), 0);
	return vs;
}

static struct vos_store *
fs_reopen(struct sched *s)
{
	struct vos_store *vs;

	assert_int_equal(vos_store_open(s, fs_dir, &vs), 0);
	return vs;
}

static int
fs_ref_cb(void *arg, const struct vos_data_addr *addr, uint64_t len)
{
	(void)len;
	*(uint64_t *)arg += addr->da_aux;
	return 0;
}

/* DATA in use is exactly what the index references. */
static void
fs_check_space(struct vos_store *vs)
{
	struct bio_space sp;
	uint64_t         ref = 0;

	bio_space_query(vos_store_bio(vs), BIO_REGION_DATA, &sp);
	assert_int_equal(vos_data_addr_foreach(vos_store_vos(vs), fs_ref_cb, &ref), 0);
	assert_int_equal(sp.bs_total - sp.bs_free, ref);
}

/* The DATA offset of key i's newest value. */
struct fs_find {
	uint64_t off;
	uint64_t n;
};

static int
fs_find_cb(void *arg, const struct vos_data_addr *addr, uint64_t len)
{
	struct fs_find *f = arg;

	(void)len;
	if (f->n++ == 0 || addr->da_off > f->off)
		f->off = addr->da_off;
	return 0;
}

/* Offset of the newest big value (the allocator hands out ascending space at first). */
static uint64_t
fs_last_data_off(struct vos_store *vs)
{
	struct fs_find f = {0};

	assert_int_equal(vos_data_addr_foreach(vos_store_vos(vs), fs_find_cb, &f), 0);
	assert_true(f.n > 0);
	return f.off;
}

static void
fs_corrupt(const char *region, uint64_t off, uint8_t mask)
{
	char    path[300];
	uint8_t b;
	int     fd;

	snprintf(path, sizeof(path), "%s/%s", fs_dir, region);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, (off_t)off), 1);
	b ^= mask;
	assert_int_equal(pwrite(fd, &b, 1, (off_t)off), 1);
	assert_int_equal(fsync(fd), 0);
	close(fd);
}

static void
fs_set_fault(uint32_t id, uint32_t nth)
{
	struct d_fault_attr_t fa = {0};

	fa.fa_id            = id;
	fa.fa_interval      = nth;
	fa.fa_max_faults    = 1;
	fa.fa_probability_x = nth > 0 ? 1 : 0;
	fa.fa_probability_y = 1;
	assert_int_equal(d_fault_attr_set(id, fa), 0);
}

/* ---- a DATA write lost by a crash after its WAL record was flushed ---- */

static void
body_data_lost(struct sched *s)
{
	struct vos_store      *vs = fs_create(s, 8 << 20);
	struct vos_store_stats st;

	assert_int_equal(fs_put(vos_store_vos(vs), 0, 10), 0);
	assert_int_equal(fs_put(vos_store_vos(vs), 1, 11), 0);
	/* The record of key 2 becomes durable, its data never reaches the disk:
	 * then the "crash" (the store is dropped as a SIGKILL would). */
	fs_set_fault(BIO_FI_DATA_LOST, 1);
	assert_int_equal(fs_put(vos_store_vos(vs), 2, 12), 0);
	fs_set_fault(BIO_FI_DATA_LOST, 0);
	vos_store_close(vs, true);

	vs = fs_reopen(s);
	vos_store_stats_get(vs, &st);
	assert_int_equal(st.vss_discarded, 1);
	assert_int_equal(fs_get(vos_store_vos(vs), 0, 10), FS_OK);
	assert_int_equal(fs_get(vos_store_vos(vs), 1, 11), FS_OK);
	assert_int_equal(fs_get(vos_store_vos(vs), 2, 12), FS_ABSENT);
	fs_check_space(vs);
	/* The discarded extent is free: a new value may reuse it, and a second
	 * crash must not bring the discarded record back over it. */
	assert_int_equal(fs_put(vos_store_vos(vs), 4, 14), 0);
	assert_int_equal(fs_put(vos_store_vos(vs), 5, 15), 0);
	vos_store_close(vs, true);
	vs = fs_reopen(s);
	vos_store_stats_get(vs, &st);
	assert_int_equal(st.vss_discarded, 0);
	assert_int_equal(fs_get(vos_store_vos(vs), 2, 12), FS_ABSENT);
	assert_int_equal(fs_get(vos_store_vos(vs), 4, 14), FS_OK);
	assert_int_equal(fs_get(vos_store_vos(vs), 5, 15), FS_OK);
	fs_check_space(vs);
	vos_store_close(vs, false);
}

static void
test_data_lost(void **state)
{
	(void)state;
	fs_run(body_data_lost);
}

/* ---- the newest record's DATA corrupted on disk before recovery ---- */

static void
body_data_torn_last(struct sched *s)
{
	struct vos_store      *vs = fs_create(s, 8 << 20);
	struct vos_store_stats st;
	uint64_t               off;

	assert_int_equal(fs_put(vos_store_vos(vs), 0, 10), 0);
	assert_int_equal(fs_put(vos_store_vos(vs), 2, 12), 0);
	off = fs_last_data_off(vs);
	vos_store_close(vs, true);
	/* As if the write of key 2's data had been cut short by the crash. */
	fs_corrupt("data", off + 100, 0xff);

	vs = fs_reopen(s);
	vos_store_stats_get(vs, &st);
	assert_int_equal(st.vss_discarded, 1);
	assert_int_equal(fs_get(vos_store_vos(vs), 0, 10), FS_OK);
	assert_int_equal(fs_get(vos_store_vos(vs), 2, 12), FS_ABSENT);
	fs_check_space(vs);
	vos_store_close(vs, false);
}

static void
test_data_torn_last(void **state)
{
	(void)state;
	fs_run(body_data_torn_last);
}

/* ---- bit flips in DATA of older values: -DER_CSUM on fetch, never the data ---- */

static void
body_data_bitflip(struct sched *s)
{
	struct vos_store *vs = fs_create(s, 8 << 20);
	uint64_t          off;
	int               pass;

	for (pass = 0; pass < 2; pass++) {
		uint32_t k = 10 * (uint32_t)pass;

		assert_int_equal(fs_put(vos_store_vos(vs), k, 20), 0);
		off = fs_last_data_off(vs);
		/* A later record, so key k is not in the newest WAL group. */
		assert_int_equal(fs_put(vos_store_vos(vs), k + 1, 21), 0);
		/* Pass 0: the value comes back from the checkpoint image; 1: from the WAL. */
		vos_store_close(vs, pass == 1);
		fs_corrupt("data", off + 4000, 0x10);
		vs = fs_reopen(s);
		assert_int_equal(fs_get(vos_store_vos(vs), k, 20), -DER_CSUM);
		assert_int_equal(fs_get(vos_store_vos(vs), k + 1, 21), FS_OK);
		fs_check_space(vs);
	}
	vos_store_close(vs, false);
}

static void
test_data_bitflip(void **state)
{
	(void)state;
	fs_run(body_data_bitflip);
}

/* ---- bit flips in META and in the WAL: an error or a clean stop ---- */

#define FS_NKEYS 24

static void
fs_fill_keys(struct vos_store *vs)
{
	uint32_t i;

	for (i = 0; i < FS_NKEYS; i++)
		assert_int_equal(fs_put(vos_store_vos(vs), i, 100 + i), 0);
}

/* After a recovery that succeeded, every key is whole, absent, or refused with -DER_CSUM. */
static void
fs_check_whole_or_absent(struct vos_store *vs, uint32_t *present)
{
	uint32_t i;

	*present = 0;
	for (i = 0; i < FS_NKEYS; i++) {
		int rc = fs_get(vos_store_vos(vs), i, 100 + i);

		assert_true(rc == FS_OK || rc == FS_ABSENT || rc == -DER_CSUM);
		*present += rc == FS_OK;
	}
}

static char *
fs_slurp(const char *region, size_t *len)
{
	char  path[300];
	char *buf;
	int   fd;
	off_t n;

	snprintf(path, sizeof(path), "%s/%s", fs_dir, region);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = lseek(fd, 0, SEEK_END);
	assert_true(n > 0);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)n, 0), n);
	close(fd);
	*len = (size_t)n;
	return buf;
}

static void
fs_restore(const char *region, const char *buf, size_t len)
{
	char path[300];
	int  fd;

	snprintf(path, sizeof(path), "%s/%s", fs_dir, region);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, len, 0), (ssize_t)len);
	assert_int_equal(fsync(fd), 0);
	close(fd);
}

/* Flip one byte at each of offs[] in turn (restoring the region in between) and reopen. */
static void
fs_flip_and_reopen(struct sched *s, const char *region, const uint64_t *offs, int noffs)
{
	size_t len;
	char  *orig = fs_slurp(region, &len);
	int    i, opened = 0, refused = 0;

	for (i = 0; i < noffs; i++) {
		struct vos_store *vs;
		uint32_t          present;
		int               rc;

		if (offs[i] >= len)
			continue;
		fs_corrupt(region, offs[i], 0x04);
		rc = vos_store_open(s, fs_dir, &vs);
		if (rc == 0) {
			fs_check_whole_or_absent(vs, &present);
			vos_store_close(vs, true);
			opened++;
		} else {
			/* A clear error, never a crash. */
			assert_true(rc < 0);
			assert_non_null(d_errstr(rc));
			refused++;
		}
		fs_restore(region, orig, len);
	}
	print_message("%s: %d flips, %d recoveries, %d refused with an error\n", region, noffs,
		      opened, refused);
	free(orig);
}

static void
body_meta_flips(struct sched *s)
{
	struct vos_store *vs = fs_create(s, 8 << 20);
	uint64_t          offs[40];
	uint32_t          present;
	int               n = 0, k;

	fs_fill_keys(vs);
	vos_store_close(vs, false); /* a checkpoint in a slot */
	/* The region header, both slot headers and the images, here and there. */
	for (k = 0; k < 8; k++)
		offs[n++] = (uint64_t)k * 9;
	for (k = 0; k < 32; k++)
		offs[n++] = 4096 + (uint64_t)k * 32 * 1024 + (uint64_t)k * 13;
	fs_flip_and_reopen(s, "meta", offs, n);
	/* Untouched again: everything is there. */
	vs = fs_reopen(s);
	fs_check_whole_or_absent(vs, &present);
	assert_int_equal(present, FS_NKEYS);
	vos_store_close(vs, false);
}

static void
test_meta_flips(void **state)
{
	(void)state;
	fs_run(body_meta_flips);
}

static void
body_wal_flips(struct sched *s)
{
	struct vos_store *vs = fs_create(s, 8 << 20);
	uint64_t          offs[48];
	uint32_t          present;
	int               n = 0, k;

	fs_fill_keys(vs);
	vos_store_close(vs, true); /* everything only in the WAL */
	for (k = 0; k < 8; k++)
		offs[n++] = (uint64_t)k * 11; /* region header */
	for (k = 0; k < 40; k++)
		offs[n++] = 4096 + (uint64_t)k * 4096 + (uint64_t)k * 37 % 4096;
	fs_flip_and_reopen(s, "wal", offs, n);
	vs = fs_reopen(s);
	fs_check_whole_or_absent(vs, &present);
	assert_int_equal(present, FS_NKEYS);
	vos_store_close(vs, false);
}

static void
test_wal_flips(void **state)
{
	(void)state;
	fs_run(body_wal_flips);
}

/* ---- I/O errors: an error to the caller, the target faulty ---- */

static void
body_io_err(struct sched *s)
{
	struct vos_store *vs = fs_create(s, 8 << 20);
	uint32_t          i;

	fs_fill_keys(vs);
	/* The next I/O fails: the WAL write of a small update, or the DATA write
	 * of a big one. */
	for (i = 0; i < 2; i++) {
		vos_store_close(vs, false);
		vs = fs_reopen(s);
		fs_set_fault(BIO_FI_IO_ERR, 1);
		assert_int_equal(fs_put(vos_store_vos(vs), 100 + i, 500), -DER_IO);
		fs_set_fault(BIO_FI_IO_ERR, 0);
		assert_true(bio_target_faulty(vos_store_bio(vs)));
		/* Faulty stays faulty until reopened. */
		assert_int_equal(fs_put(vos_store_vos(vs), 1, 501), -DER_IO);
		assert_int_equal(fs_get(vos_store_vos(vs), 1, 101), FS_OK);
		vos_store_close(vs, true);
		vs = fs_reopen(s);
		assert_false(bio_target_faulty(vos_store_bio(vs)));
		fs_check_space(vs);
		assert_int_equal(fs_get(vos_store_vos(vs), 1, 101), FS_OK);
		assert_int_equal(fs_get(vos_store_vos(vs), 2, 102), FS_OK);
	}
	assert_int_equal(fs_put(vos_store_vos(vs), 1, 600), 0);
	assert_int_equal(fs_get(vos_store_vos(vs), 1, 600), FS_OK);
	vos_store_close(vs, false);
}

static void
test_io_err(void **state)
{
	(void)state;
	fs_run(body_io_err);
}

/* ---- a full DATA region ---- */

static void
body_disk_full(struct sched *s)
{
	struct vos_store *vs = fs_create(s, 256 << 10); /* 63 blocks: 21 big values */
	struct vos_space  sp1, sp2;
	d_iov_t           dkey;
	char              key[16];
	uint32_t          n, i;
	int               rc;

	for (n = 0;; n += 2) {
		rc = fs_put(vos_store_vos(vs), n, 10);
		if (rc != 0)
			break;
	}
	assert_int_equal(rc, -DER_NOSPACE);
	print_message("DATA full after %u big values\n", n / 2);
	/* Nothing lost, nothing half-added, small values still fit in the index. */
	assert_int_equal(vos_space_query(vos_store_vos(vs), &sp1), 0);
	assert_int_equal(fs_put(vos_store_vos(vs), n, 11), -DER_NOSPACE);
	assert_int_equal(vos_space_query(vos_store_vos(vs), &sp2), 0);
	assert_memory_equal(&sp1, &sp2, sizeof(sp1));
	assert_int_equal(fs_put(vos_store_vos(vs), 1, 10), 0);
	for (i = 0; i < n; i += 2)
		assert_int_equal(fs_get(vos_store_vos(vs), i, 10), FS_OK);
	fs_check_space(vs);

	/* Punch two keys, aggregate past the punch: their space comes back. */
	for (i = 0; i < 4; i += 2) {
		snprintf(key, sizeof(key), "f%u", i);
		d_iov_set(&dkey, key, strlen(key));
		assert_int_equal(vos_obj_punch(vos_store_vos(vs), tu_cont, fs_oid, 20, 0, &dkey, 0,
					       NULL),
				 0);
	}
	vos_store_agg_tune(vs, 10, 0);
	assert_int_equal(vos_store_agg_set(vs, tu_cont, 30, NULL, 0), 0);
	assert_int_equal(vos_store_agg_wait(vs), 0);
	fs_check_space(vs);
	assert_int_equal(fs_put(vos_store_vos(vs), n, 40), 0);
	assert_int_equal(fs_put(vos_store_vos(vs), n + 2, 40), 0);
	assert_int_equal(fs_put(vos_store_vos(vs), n + 4, 40), -DER_NOSPACE);
	vos_store_close(vs, true);
	vs = fs_reopen(s);
	fs_check_space(vs);
	assert_int_equal(fs_get(vos_store_vos(vs), 0, 10), FS_ABSENT);
	for (i = 4; i < n; i += 2)
		assert_int_equal(fs_get(vos_store_vos(vs), i, 10), FS_OK);
	assert_int_equal(fs_get(vos_store_vos(vs), n, 40), FS_OK);
	assert_int_equal(fs_get(vos_store_vos(vs), n + 2, 40), FS_OK);
	vos_store_close(vs, false);
}

static void
test_disk_full(void **state)
{
	(void)state;
	fs_run(body_disk_full);
}

/* ---- allocation failures: -DER_NOMEM and an unchanged index ---- */

/* The whole index as bytes (its checkpoint image), to compare before and after. */
static char *
fs_image(struct vos *vos, size_t *lenp)
{
	struct vos_image *img;
	const void       *chunk;
	size_t            len, cap = 1 << 16, used = 0;
	char             *buf = malloc(cap);
	int               rc;

	assert_non_null(buf);
	assert_int_equal(vos_image_start(vos, &img), 0);
	while ((rc = vos_image_next(img, &chunk, &len)) == 0) {
		while (used + len > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		memcpy(buf + used, chunk, len);
		used += len;
	}
	assert_int_equal(rc, 1);
	vos_image_end(img);
	*lenp = used;
	return buf;
}

/* One transaction touching new and existing keys, single values and arrays. */
static int
fs_mixed_update(struct vos *vos, daos_epoch_t e)
{
	static char      big[BIG], small[SMALL], arr[64 * 8];
	struct vos_value v[3];
	struct vos_iod   iods[3];
	d_iov_t          dkey = TU_KEY("f1");

	memset(big, (int)e, sizeof(big));
	memset(small, (int)e + 1, sizeof(small));
	memset(arr, (int)e + 2, sizeof(arr));
	v[0] = (struct vos_value){.vv_buf = small, .vv_csum = vos_csum(small, SMALL)};
	v[1] = (struct vos_value){.vv_buf = big, .vv_csum = vos_csum(big, BIG)};
	v[2] = (struct vos_value){.vv_recx = {e, 64}, .vv_buf = arr,
				  .vv_csum = vos_csum(arr, sizeof(arr))};
	iods[0] = (struct vos_iod){TU_KEY("a"), DAOS_IOD_SINGLE, SMALL, 1, 0, &v[0]};
	iods[1] = (struct vos_iod){TU_KEY("new-big"), DAOS_IOD_SINGLE, BIG, 1, 0, &v[1]};
	iods[2] = (struct vos_iod){TU_KEY("arr"), DAOS_IOD_ARRAY, 8, 1, 0, &v[2]};
	return vos_obj_update(vos, tu_cont, fs_oid, e, 0, &dkey, 3, iods);
}

static int
fs_new_dkey_update(struct vos *vos, daos_epoch_t e)
{
	char key[16];

	snprintf(key, sizeof(key), "new%" PRIu64, e);
	return tu_put_sv(vos, fs_oid, e, 0, TU_KEY(key), TU_KEY("b"), "xyz", 3);
}

static int
fs_punch_akeys(struct vos *vos, daos_epoch_t e)
{
	d_iov_t dkey = TU_KEY("f1");
	d_iov_t akeys[3] = {TU_KEY("arr"), TU_KEY("never-written"), TU_KEY("a")};

	/* Existing keys and a new one, each getting a punch set of its own. */
	return vos_obj_punch(vos, tu_cont, fs_oid, e, 0, &dkey, 3, akeys);
}

static int
fs_punch_dkey(struct vos *vos, daos_epoch_t e)
{
	d_iov_t dkey = TU_KEY("brand-new-dkey");

	return vos_obj_punch(vos, tu_cont, fs_oid, e, 0, &dkey, 0, NULL);
}

/*
 * Fail the 1st, 2nd, ... allocation of op until it succeeds; each failure must
 * be -DER_NOMEM with the index as it was. Returns how many failures were seen.
 */
static int
fs_nomem_loop(struct vos *vos, int (*op)(struct vos *vos, daos_epoch_t e), daos_epoch_t e)
{
	size_t   len0, len1;
	char    *img0 = fs_image(vos, &len0), *img1;
	uint32_t nth;
	int      rc = -DER_NOMEM;

	for (nth = 1; rc == -DER_NOMEM; nth++) {
		d_test_fail_nth_alloc(nth);
		rc = op(vos, e);
		d_test_fail_nth_alloc(0);
		assert_true(rc == 0 || rc == -DER_NOMEM);
		if (rc != 0) {
			img1 = fs_image(vos, &len1);
			assert_int_equal(len0, len1);
			assert_memory_equal(img0, img1, len0);
			free(img1);
		}
		assert_true(nth < 1000);
	}
	img1 = fs_image(vos, &len1);
	assert_true(len0 != len1 || memcmp(img0, img1, len0) != 0);
	free(img0);
	free(img1);
	return (int)nth - 2;
}

static void
body_nomem_store(struct sched *s)
{
	struct vos_store *vs = fs_create(s, 8 << 20);
	struct vos       *vos = vos_store_vos(vs);
	int               n;

	fs_fill_keys(vs);

	n = fs_nomem_loop(vos, fs_mixed_update, 1000);
	n += fs_nomem_loop(vos, fs_mixed_update, 1001);
	n += fs_nomem_loop(vos, fs_new_dkey_update, 1002);
	n += fs_nomem_loop(vos, fs_punch_akeys, 1003);
	n += fs_nomem_loop(vos, fs_punch_dkey, 1004);

	print_message("store: %d allocation failures, each clean\n", n);
	fs_check_space(vs);
	vos_store_close(vs, true);
	vs = fs_reopen(s);
	fs_check_space(vs);
	assert_int_equal(fs_get(vos_store_vos(vs), 2, 102), FS_OK);
	vos_store_close(vs, false);
}

static void
test_nomem_store(void **state)
{
	(void)state;
	fs_run(body_nomem_store);
}

static void
test_nomem_dram(void **state)
{
	struct test_backend tb   = {0};
	struct vos_attr     attr = {.va_data = &tb_ops, .va_data_arg = &tb};
	struct vos         *vos;
	uint32_t            i;
	int                 n;

	(void)state;
	assert_int_equal(vos_open(&attr, &vos), 0);
	assert_int_equal(vos_cont_create(vos, tu_cont), 0);
	for (i = 0; i < FS_NKEYS; i++)
		assert_int_equal(fs_put(vos, i, 100 + i), 0);

	n = fs_nomem_loop(vos, fs_mixed_update, 1000);
	n += fs_nomem_loop(vos, fs_mixed_update, 1001);
	n += fs_nomem_loop(vos, fs_new_dkey_update, 1002);
	n += fs_nomem_loop(vos, fs_punch_akeys, 1003);
	n += fs_nomem_loop(vos, fs_punch_dkey, 1004);

	print_message("index alone: %d allocation failures, each clean\n", n);
	vos_close(vos);
	tb_fini(&tb);
}

static int
fs_setup(void **state)
{
	const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";

	(void)state;
	snprintf(fs_dir, sizeof(fs_dir), "%s/vos_faults.XXXXXX", tmp);
	assert_non_null(mkdtemp(fs_dir));
	d_fault_inject_init();
	d_fault_inject_enable();
	return 0;
}

static int
fs_teardown(void **state)
{
	char cmd[300];

	(void)state;
	d_fault_inject_disable();
	d_fault_inject_fini();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fs_dir);
	return system(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_data_lost),    cmocka_unit_test(test_data_torn_last),
	    cmocka_unit_test(test_data_bitflip), cmocka_unit_test(test_meta_flips),
	    cmocka_unit_test(test_wal_flips),    cmocka_unit_test(test_io_err),
	    cmocka_unit_test(test_disk_full),    cmocka_unit_test(test_nomem_dram),
	    cmocka_unit_test(test_nomem_store),
	};

	return cmocka_run_group_tests_name("vos_faults", tests, fs_setup, fs_teardown);
}
