/* test_slice.c - BIO regions on slices of one file or block device: the bytes
 * around a slice are never touched, the regions work (commit, replay, DATA,
 * checkpoint) across a reopen, slice links, and a slice holding another
 * shard's or no region is refused. With root and losetup, the same on a loop
 * device (skipped otherwise). */
#include <sys/wait.h>
#include "bio_test.h"

#define MiB (1ULL << 20)

/* Three slices of one 40 MiB target, with 1 MiB gaps that must stay intact. */
static const uint64_t sl_off[3] = {1 * MiB, 4 * MiB, 7 * MiB};
static const uint64_t sl_len[3] = {2 * MiB, 2 * MiB, 32 * MiB};
#define SL_TOTAL (40 * MiB)
static char sl_dev[300]; /* the file or device holding the slices */
static char sl_loop[300]; /* a loop device this test attached */

static void
sl_layout(struct bio_layout *lay)
{
	int i;

	memset(lay, 0, sizeof(*lay));
	for (i = 0; i < 3; i++) {
		lay->bl_path[i] = sl_dev;
		lay->bl_off[i]  = sl_off[i];
		lay->bl_len[i]  = sl_len[i];
	}
}

/* Fill the gaps (and the space before the first slice) with a pattern. */
static void
gaps_fill(bool check)
{
	uint64_t gaps[4][2] = {{0, MiB}, {3 * MiB, MiB}, {6 * MiB, MiB}, {39 * MiB, MiB}};
	char    *buf, *want;
	int      fd, g;

	buf  = malloc(MiB);
	want = malloc(MiB);
	assert_non_null(buf);
	assert_non_null(want);
	fd = open(sl_dev, O_RDWR);
	assert_true(fd >= 0);
	for (g = 0; g < 4; g++) {
		memset(want, 0xa0 + g, MiB);
		if (check) {
			assert_int_equal(pread(fd, buf, MiB, (off_t)gaps[g][0]), (ssize_t)MiB);
			assert_memory_equal(buf, want, MiB);
		} else {
			assert_int_equal(pwrite(fd, want, MiB, (off_t)gaps[g][0]), (ssize_t)MiB);
		}
	}
	assert_int_equal(fsync(fd), 0);
	close(fd);
	free(buf);
	free(want);
}

struct sl_arg {
	struct bio_layout *lay;
	int                rc;
	const unsigned char *uuid; /* body_open_rc: uuid asked, NULL: any */
};

static int
count_cb(const void *rec, size_t len, uint64_t lsn, void *arg)
{
	(void)lsn;
	if (bt_rec_check(rec, len))
		(*(uint64_t *)arg)++;
	return 0;
}

static int
ckpt_cb(const void *chunk, size_t len, void *arg)
{
	memcpy(arg, chunk, MIN(len, 64));
	return 0;
}

/* Commit, write DATA, checkpoint; reopen, replay, read the DATA back. */
static void
body_slices(struct sched *s, void *arg)
{
	struct sl_arg    *a = arg;
	struct bio_target *bt;
	struct bio_extent ext;
	struct bio_space  sp;
	struct bio_io    *io;
	struct bio_ckpt  *ck;
	d_sg_list_t       sgl;
	d_iov_t           iov;
	char              rec[256], img[64] = "checkpoint image", got[64];
	char             *val, *back;
	uint64_t          n = 0, start, lsn;
	uint32_t          i;

	assert_int_equal(bio_open(s, a->lay, bt_uuid, NULL, &bt), 0);
	assert_true(bio_region_direct(bt, BIO_REGION_WAL) || !bio_region_direct(bt, BIO_REGION_WAL));
	bio_space_query(bt, BIO_REGION_DATA, &sp);
	assert_int_equal(sp.bs_total, sl_len[2] - 4096);
	val  = malloc(64 * 1024);
	back = malloc(64 * 1024);
	memset(val, 0x5c, 64 * 1024);
	assert_int_equal(bio_alloc_reserve(bt, 64 * 1024, &ext), 0);
	d_iov_set(&iov, val, 64 * 1024);
	sgl.sg_nr = 1;
	sgl.sg_nr_out = 0;
	sgl.sg_iovs = &iov;
	assert_int_equal(bio_data_write(bt, &ext, &sgl, &io), 0);
	assert_int_equal(bio_wal_commit(bt, rec, bt_rec_fill(rec, 1, 0), &io, 1, &lsn), 0);
	bio_alloc_publish(bt, &ext);
	assert_int_equal(bio_ckpt_begin(bt, &ck), 0);
	assert_int_equal(bio_ckpt_write(ck, img, sizeof(img)), 0);
	assert_int_equal(bio_ckpt_end(ck, bio_wal_durable_lsn(bt) + 1), 0);
	for (i = 1; i <= 50; i++)
		assert_int_equal(bio_wal_commit(bt, rec, bt_rec_fill(rec, 1, i), NULL, 0, NULL), 0);
	bio_close(bt);

	assert_int_equal(bio_open(s, a->lay, bt_uuid, NULL, &bt), 0);
	assert_int_equal(bio_ckpt_load(bt, ckpt_cb, got, &start), 0);
	assert_string_equal(got, img);
	assert_int_equal(bio_wal_replay(bt, start, count_cb, &n, NULL), 0);
	assert_int_equal(n, 50);
	d_iov_set(&iov, back, 64 * 1024);
	assert_int_equal(bio_data_read(bt, &ext, &sgl), 0);
	assert_memory_equal(back, val, 64 * 1024);
	bio_close(bt);
	free(val);
	free(back);
}

static void
body_open_rc(struct sched *s, void *arg)
{
	struct sl_arg    *a  = arg;
	struct bio_target *bt = NULL;

	a->rc = bio_open(s, a->lay, a->uuid, NULL, &bt);
	if (a->rc == 0)
		bio_close(bt);
}

static int
open_rc(struct bio_layout *lay)
{
	struct sl_arg a = {lay, 1, NULL};

	bt_run(body_open_rc, &a);
	return a.rc;
}

/* Format, use, and the refusals, on whatever sl_dev is. */
static void
slices_run(void)
{
	struct bio_layout lay, bad;
	struct sl_arg     a;
	uint64_t          sizes[3] = {0, 0, 0};

	gaps_fill(false);
	sl_layout(&lay);
	uuid_generate(bt_uuid);
	assert_int_equal(bio_format(&lay, sizes, bt_uuid), 0);
	gaps_fill(true);
	a.lay  = &lay;
	a.uuid = NULL;
	bt_run(body_slices, &a);
	gaps_fill(true);

	/* a slice of the wrong length: its header says another size */
	bad = lay;
	bad.bl_len[BIO_REGION_DATA] = 16 * MiB;
	assert_int_equal(open_rc(&bad), -DER_MISMATCH);
	/* META's slice given as the WAL: another kind */
	bad = lay;
	bad.bl_off[BIO_REGION_WAL] = sl_off[BIO_REGION_META];
	assert_int_equal(open_rc(&bad), -DER_MISMATCH);
	/* a slice of a gap: no region there */
	bad = lay;
	bad.bl_off[BIO_REGION_WAL] = 3 * MiB;
	bad.bl_len[BIO_REGION_WAL] = MiB;
	assert_int_equal(open_rc(&bad), -DER_DF_INVAL);
	/* unaligned, beyond the end */
	bad = lay;
	bad.bl_off[BIO_REGION_WAL] = sl_off[0] + 512;
	assert_int_equal(open_rc(&bad), -DER_INVAL);
	bad = lay;
	bad.bl_off[BIO_REGION_DATA] = SL_TOTAL - 16 * MiB;
	assert_int_equal(open_rc(&bad), -DER_DF_INVAL);
	{
		struct stat st;

		/* a device has its size; a file slice past the end is preallocated */
		assert_int_equal(stat(sl_dev, &st), 0);
		if (S_ISBLK(st.st_mode))
			assert_int_equal(bio_format(&bad, sizes, bt_uuid), -DER_INVAL);
	}
	/* a slice of a file or device that does not exist is not created */
	{
		char nodev[400];

		snprintf(nodev, sizeof(nodev), "%s/nodev", bt_dir);
		bad = lay;
		bad.bl_path[BIO_REGION_META] = nodev;
		assert_int_equal(bio_format(&bad, sizes, bt_uuid), -DER_NONEXIST);
		assert_int_equal(access(nodev, F_OK), -1);
	}
	/* a size larger than its slice */
	sizes[BIO_REGION_WAL] = sl_len[0] + 4096;
	assert_int_equal(bio_format(&lay, sizes, bt_uuid), -DER_INVAL);
	gaps_fill(true);
	/* a second format of the same slices by another target: the first one's
	 * uuid no longer opens them */
	sizes[BIO_REGION_WAL] = 0;
	{
		uuid_t old;

		uuid_copy(old, bt_uuid);
		uuid_generate(bt_uuid);
		assert_int_equal(bio_format(&lay, sizes, bt_uuid), 0);
		a.lay  = &lay;
		a.uuid = old;
		bt_run(body_open_rc, &a);
		assert_int_equal(a.rc, -DER_MISMATCH);
		a.uuid = bt_uuid;
		bt_run(body_open_rc, &a);
		assert_int_equal(a.rc, 0);
	}
	gaps_fill(true);
}

static void
test_file_slices(void **state)
{
	int fd;

	(void)state;
	snprintf(sl_dev, sizeof(sl_dev), "%s/dev", bt_dir);
	fd = open(sl_dev, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)SL_TOTAL), 0);
	close(fd);
	slices_run();
	unlink(sl_dev);
}

/* Slice links: a directory whose wal/meta/data name slices; bio_format and
 * bio_open given only the directory land on the slices. */
static void
test_links(void **state)
{
	static const char *names[3] = {"wal", "meta", "data"};
	struct bio_layout  lay = {0};
	struct sl_arg      a;
	char               dir[320], path[340], dev[300];
	uint64_t           off, len, sizes[3] = {0, 0, 0};
	int                i, fd;

	(void)state;
	snprintf(sl_dev, sizeof(sl_dev), "%s/dev", bt_dir);
	fd = open(sl_dev, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)SL_TOTAL), 0);
	close(fd);
	gaps_fill(false);
	snprintf(dir, sizeof(dir), "%s/shard", bt_dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		assert_int_equal(bio_slice_link_write(path, sl_dev, sl_off[i], sl_len[i]), 0);
		assert_int_equal(bio_slice_link_read(path, dev, sizeof(dev), &off, &len), 0);
		assert_string_equal(dev, sl_dev);
		assert_int_equal(off, sl_off[i]);
		assert_int_equal(len, sl_len[i]);
	}
	lay.bl_dir = dir;
	uuid_generate(bt_uuid);
	assert_int_equal(bio_format(&lay, sizes, bt_uuid), 0);
	gaps_fill(true);
	a.lay  = &lay;
	a.uuid = NULL;
	bt_run(body_slices, &a);
	gaps_fill(true);
	/* the links are still links (format did not overwrite them) */
	snprintf(path, sizeof(path), "%s/wal", dir);
	assert_int_equal(bio_slice_link_read(path, dev, sizeof(dev), &off, &len), 0);

	/* bad arguments and damaged links: errors, never a crash */
	assert_int_equal(bio_slice_link_write(path, "relative", 0, 0), -DER_INVAL);
	assert_int_equal(bio_slice_link_write(path, sl_dev, 512, 0), -DER_INVAL);
	assert_int_equal(bio_slice_link_write(path, "/a\nb", 0, 0), -DER_INVAL);
	snprintf(path, sizeof(path), "%s/nothing", dir);
	assert_int_equal(bio_slice_link_read(path, dev, sizeof(dev), &off, &len), -DER_NONEXIST);
	{
		static const char *damaged[] = {
		    "dstor-bio-slice 1\n",
		    "dstor-bio-slice 1\nrel\n0\n0\n",
		    "dstor-bio-slice 1\n/dev/x\n12\n0\n",
		    "dstor-bio-slice 1\n/dev/x\n4096\n",
		    "dstor-bio-slice 1\n/dev/x\n4096\n-4096\n",
		    "dstor-bio-slice 1\n/dev/x\n99999999999999999999999\n0\n",
		    "dstor-bio-slice 1\n/dev/x\n4096\n4096\nextra",
		};
		unsigned int k;

		for (k = 0; k < ARRAY_SIZE(damaged); k++) {
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			assert_true(fd >= 0);
			assert_int_equal(write(fd, damaged[k], strlen(damaged[k])),
					 (ssize_t)strlen(damaged[k]));
			close(fd);
			assert_int_equal(bio_slice_link_read(path, dev, sizeof(dev), &off, &len),
					 -DER_DF_INVAL);
		}
		/* a link in a layout that also gives a slice */
		memset(&lay, 0, sizeof(lay));
		snprintf(path, sizeof(path), "%s/wal", dir);
		lay.bl_path[0] = path;
		lay.bl_off[0]  = 4096;
		assert_int_equal(bio_format(&lay, sizes, bt_uuid), -DER_INVAL);
	}
	/* a region file is not a link */
	unlink(sl_dev);
}

/* The same on a loop device, when this process may make one. */
static void
test_loop_device(void **state)
{
	char  img[320], cmd[700];
	FILE *p;
	int   fd;

	(void)state;
	if (geteuid() != 0 || access("/dev/loop-control", F_OK) != 0 ||
	    system("command -v losetup >/dev/null 2>&1") != 0) {
		print_message("not root or no loop devices: skipped\n");
		skip();
	}
	snprintf(img, sizeof(img), "%s/loop.img", bt_dir);
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)SL_TOTAL), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "losetup --find --show --direct-io=on %s 2>/dev/null", img);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (fgets(sl_dev, sizeof(sl_dev), p) == NULL)
		sl_dev[0] = '\0';
	pclose(p);
	sl_dev[strcspn(sl_dev, "\n")] = '\0';
	if (sl_dev[0] != '/') {
		unlink(img);
		print_message("losetup failed: skipped\n");
		skip();
	}
	snprintf(sl_loop, sizeof(sl_loop), "%s", sl_dev);
	slices_run();
}

/* Detach the loop device whatever the test's outcome. */
static int
loop_teardown(void **state)
{
	char cmd[400];

	(void)state;
	if (sl_loop[0] == '/') {
		snprintf(cmd, sizeof(cmd), "losetup -d %s", sl_loop);
		if (system(cmd) != 0)
			print_error("%s failed\n", cmd);
		sl_loop[0] = '\0';
	}
	snprintf(cmd, sizeof(cmd), "%s/loop.img", bt_dir);
	unlink(cmd);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_slices),
	    cmocka_unit_test(test_links),
	    cmocka_unit_test_teardown(test_loop_device, loop_teardown),
	};

	return cmocka_run_group_tests(tests, bt_suite_setup, bt_suite_teardown);
}
