/* bio_test.h - helpers shared by the BIO tests: scratch regions, running a
 * test body in a ULT of a fresh scheduler, record payloads. */
#ifndef BIO_TEST_H
#define BIO_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <gurt/common.h>
#include <sched/sched.h>
#include "bio/bio.h"

#define MiB_C (1ULL << 20)

static char   bt_dir[256];
static uuid_t bt_uuid;

static inline void
bt_mkdir(const char *base)
{
	snprintf(bt_dir, sizeof(bt_dir), "%s/bio_test.XXXXXX", base);
	assert_non_null(mkdtemp(bt_dir));
}

static inline void
bt_rmdir(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", bt_dir);
	assert_int_equal(system(cmd), 0);
}

static inline void
bt_format(uint64_t wal, uint64_t meta, uint64_t data)
{
	struct bio_layout lay     = {.bl_dir = bt_dir};
	uint64_t          size[3] = {wal, meta, data};

	uuid_generate(bt_uuid);
	assert_int_equal(bio_format(&lay, size, bt_uuid), 0);
}

static inline void
bt_path(enum bio_region_kind k, char *buf, size_t len)
{
	static const char *names[] = {"wal", "meta", "data"};

	snprintf(buf, len, "%s/%s", bt_dir, names[k]);
}

/* Run fn(arg) in a ULT of a new scheduler and wait for every ULT to end. */
struct bt_run {
	void (*fn)(struct sched *s, void *arg);
	void          *arg;
	struct sched  *s;
};

static inline void
bt_run_ult(void *arg)
{
	struct bt_run *r = arg;

	r->fn(r->s, r->arg);
}

static inline void
bt_run(void (*fn)(struct sched *s, void *arg), void *arg)
{
	struct bt_run r = {fn, arg, NULL};

	assert_int_equal(sched_init(&r.s), 0);
	assert_int_equal(sched_ult_create(r.s, bt_run_ult, &r), 0);
	sched_run(r.s);
	sched_fini(r.s);
}

static inline int
bt_open(struct sched *s, struct bio_target **btp, const struct bio_open_opts *opts)
{
	struct bio_layout lay = {.bl_dir = bt_dir};

	return bio_open(s, &lay, bt_uuid, opts, btp);
}

/* A record's payload is a function of (writer, seq), so replay can check it. */
static inline size_t
bt_rec_fill(char *buf, uint32_t writer, uint32_t seq)
{
	size_t   len = 16 + (writer * 7 + seq * 13) % 200;
	uint32_t i;

	memcpy(buf, &writer, 4);
	memcpy(buf + 4, &seq, 4);
	for (i = 8; i < len; i++)
		buf[i] = (char)(writer ^ seq ^ i);
	return len;
}

static inline bool
bt_rec_check(const char *buf, size_t len)
{
	char     want[256];
	uint32_t writer;
	uint32_t seq;

	if (len < 8)
		return false;
	memcpy(&writer, buf, 4);
	memcpy(&seq, buf + 4, 4);
	return bt_rec_fill(want, writer, seq) == len && memcmp(want, buf, len) == 0;
}

/* Flip one bit of a file at off. */
static inline void
bt_flip(const char *path, uint64_t off)
{
	int  fd = open(path, O_RDWR);
	char c;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, (off_t)off), 1);
	c ^= 0x10;
	assert_int_equal(pwrite(fd, &c, 1, (off_t)off), 1);
	close(fd);
}

/* cmocka group set-up shared by the BIO suites: fault injection on, a scratch directory. */
static inline int
bt_suite_setup(void **state)
{
	(void)state;
	d_fault_inject_init();
	d_fault_inject_enable();
	bt_mkdir(getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	return 0;
}

static inline int
bt_suite_teardown(void **state)
{
	(void)state;
	bt_rmdir();
	d_fault_inject_disable();
	d_fault_inject_fini();
	return 0;
}

#endif
