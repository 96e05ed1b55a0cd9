/* test_zero.c - BIO's DATA pre-writer: it writes zeros over never-written free
 * blocks ahead of the allocator and never over anything handed out; the
 * file's extent map says what was written, also after a reopen. */
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <linux/fiemap.h>
#include "bio_test.h"

#define MiB     (1ULL << 20)
#define EXT_LEN (64 * 1024)
#define NEXT    64 /* 4 MiB of values */

/* Bytes of [off, off + len) of path that are unwritten extents or holes;
 * -1 when the file system cannot tell (no FIEMAP). */
static int64_t
unwritten_bytes(const char *path, uint64_t off, uint64_t len)
{
	struct {
		struct fiemap        fm;
		struct fiemap_extent fe[256];
	} q;
	uint64_t pos = off, end = off + len, written = 0;
	int      fd  = open(path, O_RDONLY);
	bool     last = false;

	assert_true(fd >= 0);
	while (!last && pos < end) {
		uint32_t i;

		memset(&q, 0, sizeof(q));
		q.fm.fm_start        = pos;
		q.fm.fm_length       = end - pos;
		q.fm.fm_extent_count = 256;
		if (ioctl(fd, FS_IOC_FIEMAP, &q.fm) != 0) {
			close(fd);
			return -1;
		}
		if (q.fm.fm_mapped_extents == 0)
			break;
		for (i = 0; i < q.fm.fm_mapped_extents; i++) {
			struct fiemap_extent *fe = &q.fm.fm_extents[i];
			uint64_t              s  = MAX(fe->fe_logical, off);
			uint64_t              e  = MIN(fe->fe_logical + fe->fe_length, end);

			last = (fe->fe_flags & FIEMAP_EXTENT_LAST) != 0;
			pos  = fe->fe_logical + fe->fe_length;
			if (e > s && !(fe->fe_flags & FIEMAP_EXTENT_UNWRITTEN))
				written += e - s;
		}
	}
	close(fd);
	return (int64_t)(len - written);
}

/* File offset of the first unwritten byte at or after off. */
static uint64_t
first_unwritten(const char *path, uint64_t off)
{
	while (unwritten_bytes(path, off, 4096) == 0)
		off += 4096;
	return off;
}

static void
fill(char *buf, uint32_t i)
{
	uint32_t k;

	for (k = 0; k < EXT_LEN; k += 4)
		memcpy(buf + k, &(uint32_t){i * 2654435761u + k}, 4);
}

static void
write_values(struct bio_target *bt, struct bio_extent *ext, uint32_t first, uint32_t n)
{
	static char buf[EXT_LEN];
	char        rec[32] = {0};
	d_sg_list_t sgl;
	d_iov_t     iov;
	uint32_t    i;

	for (i = first; i < first + n; i++) {
		struct bio_io *io;
		uint64_t       lsn;

		assert_int_equal(bio_alloc_reserve(bt, EXT_LEN, &ext[i]), 0);
		fill(buf, i);
		d_iov_set(&iov, buf, EXT_LEN);
		sgl = (d_sg_list_t){1, 0, &iov};
		assert_int_equal(bio_data_write(bt, &ext[i], &sgl, &io), 0);
		assert_int_equal(bio_wal_commit(bt, rec, sizeof(rec), &io, 1, &lsn), 0);
		bio_alloc_publish(bt, &ext[i]);
	}
}

static void
check_values(struct bio_target *bt, const struct bio_extent *ext, uint32_t n)
{
	static char buf[EXT_LEN], want[EXT_LEN];
	d_sg_list_t sgl;
	d_iov_t     iov;
	uint32_t    i;

	for (i = 0; i < n; i++) {
		d_iov_set(&iov, buf, EXT_LEN);
		sgl = (d_sg_list_t){1, 0, &iov};
		assert_int_equal(bio_data_read(bt, &ext[i], &sgl), 0);
		fill(want, i);
		assert_memory_equal(buf, want, EXT_LEN);
	}
}

/* Let the pre-writer run until it has been quiet for a while. */
static void
settle(struct sched *s, struct bio_target *bt)
{
	struct bio_stats st;
	uint64_t         prev = UINT64_MAX;
	int              quiet = 0;

	while (quiet < 5) {
		sched_sleep_ns(s, 20 * 1000 * 1000);
		bio_stats_get(bt, &st);
		quiet = st.data_zeroed == prev ? quiet + 1 : 0;
		prev  = st.data_zeroed;
	}
}

static struct bio_extent exts[NEXT];
static bool              no_fiemap;

static void
body_zero(struct sched *s, void *arg)
{
	struct bio_target *bt;
	struct bio_stats   st;
	struct bio_space   sp;
	struct bio_extent  rest, upto;
	char               data[300];
	uint64_t           front, base;
	uint32_t           i;

	(void)arg;
	bt_path(BIO_REGION_DATA, data, sizeof(data));
	if (unwritten_bytes(data, 4096, 128 * MiB - 4096) <= 0) {
		no_fiemap = true; /* a file system without unwritten extents: nothing to do */
		return;
	}
	assert_int_equal(bt_open(s, &bt, NULL), 0);
	bio_stats_get(bt, &st);
	assert_int_equal(st.data_zeroed, 0); /* nothing before the first reservation */

	/* Values written while the pre-writer runs beside them stay intact. */
	write_values(bt, exts, 0, NEXT);
	settle(s, bt);
	check_values(bt, exts, NEXT);
	bio_stats_get(bt, &st);
	assert_true(st.data_zeroed > 0);
	/* the blocks just ahead of the allocator are written now */
	front = exts[NEXT - 1].be_off + EXT_LEN;
	assert_int_equal(unwritten_bytes(data, front, 4 * MiB), 0);
	/* ... and far ahead they are not (an idle target zeroes little) */
	assert_true(unwritten_bytes(data, 120 * MiB, 8 * MiB) > 0);
	print_message("zeroed %" PRIu64 " KiB ahead of %" PRIu64 " KiB of values\n",
		      st.data_zeroed >> 10, (uint64_t)NEXT * EXT_LEN >> 10);
	bio_close(bt);

	/* Reopened: what the extent map shows written is not zeroed again. */
	assert_int_equal(bt_open(s, &bt, NULL), 0);
	for (i = 0; i < NEXT; i++)
		assert_int_equal(bio_alloc_mark_used(bt, &exts[i]), 0);
	check_values(bt, exts, NEXT);
	front = first_unwritten(data, 4096);
	base  = 4096 + (uint64_t)NEXT * EXT_LEN;
	assert_true(front > base);
	/* Take the space up to the first unwritten block: the pre-writer starts
	 * there, not over what is written already. */
	assert_int_equal(bio_alloc_reserve(bt, front - base, &upto), 0);
	assert_int_equal(upto.be_off, base);
	sched_yield_ult(s); /* ... and is now writing zeros at front */
	bio_stats_get(bt, &st);
	assert_int_equal(st.data_zeroed, 0);
	/* A reservation of all that is left, part of it under zeros in flight,
	 * waits for them instead of failing. */
	bio_space_query(bt, BIO_REGION_DATA, &sp);
	assert_int_equal(bio_alloc_reserve(bt, sp.bs_free, &rest), 0);
	assert_int_equal(rest.be_off, front);
	bio_stats_get(bt, &st);
	assert_true(st.data_zeroed > 0);
	bio_space_query(bt, BIO_REGION_DATA, &sp);
	assert_int_equal(sp.bs_free, 0);
	bio_alloc_cancel(bt, &rest);
	bio_alloc_cancel(bt, &upto);
	settle(s, bt);
	check_values(bt, exts, NEXT);
	bio_stats_get(bt, &st);
	print_message("after reopen: zeroed %" PRIu64 " KiB from %" PRIu64 " KiB on\n",
		      st.data_zeroed >> 10, front >> 10);
	bio_close(bt);
}

/* Large writes convert their own extents: the pre-writer stands aside. */
static void
body_big(struct sched *s, void *arg)
{
	struct bio_target *bt;
	struct bio_stats   st;
	struct bio_extent  big[32];
	char               data[300];
	char              *buf;
	uint64_t           zeroed = 0;
	uint32_t           i;

	(void)arg;
	bt_path(BIO_REGION_DATA, data, sizeof(data));
	if (unwritten_bytes(data, 4096, 128 * MiB - 4096) <= 0) {
		no_fiemap = true;
		return;
	}
	assert_int_equal(bt_open(s, &bt, NULL), 0);
	buf = bio_buf_get(bt, MiB);
	assert_non_null(buf);
	for (i = 0; i < 32; i++) {
		struct bio_io *io;
		char           rec[16] = {0};
		uint64_t       lsn;

		if (i == 16) {
			/* by now the reservations are large on average */
			settle(s, bt);
			bio_stats_get(bt, &st);
			zeroed = st.data_zeroed;
		}
		memset(buf, (int)i + 1, MiB);
		assert_int_equal(bio_alloc_reserve(bt, MiB, &big[i]), 0);
		assert_int_equal(bio_data_write_buf(bt, &big[i], buf, &io), 0);
		assert_int_equal(bio_wal_commit(bt, rec, sizeof(rec), &io, 1, &lsn), 0);
		bio_alloc_publish(bt, &big[i]);
	}
	settle(s, bt);
	bio_stats_get(bt, &st);
	assert_int_equal(st.data_zeroed, zeroed);
	for (i = 0; i < 32; i++) {
		d_iov_t     iov;
		d_sg_list_t sgl = {1, 0, &iov};

		d_iov_set(&iov, buf, MiB);
		assert_int_equal(bio_data_read(bt, &big[i], &sgl), 0);
		assert_int_equal(buf[0], i + 1);
		assert_int_equal(buf[MiB - 1], i + 1);
	}
	print_message("1 MiB writes: %" PRIu64 " KiB zeroed, none after the first 16\n",
		      zeroed >> 10);
	bio_buf_put(bt, buf, MiB);
	bio_close(bt);
}

static void
test_big_writes(void **state)
{
	(void)state;
	bt_format(MiB, 256 * 1024, 128 * MiB);
	bt_run(body_big, NULL);
	if (no_fiemap)
		skip();
}

static void
test_prewrite(void **state)
{
	(void)state;
	bt_format(MiB, 256 * 1024, 128 * MiB);
	bt_run(body_zero, NULL);
	if (no_fiemap)
		skip();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prewrite),
	    cmocka_unit_test(test_big_writes),
	};

	return cmocka_run_group_tests(tests, bt_suite_setup, bt_suite_teardown);
}
