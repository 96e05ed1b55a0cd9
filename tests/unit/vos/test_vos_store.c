/*
 * The durable store end to end: concurrent updates through BIO's group
 * commit, checkpoints, clean and crash-like reopen, and a child process
 * killed with SIGKILL while updating: every acknowledged update survives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <gurt/common.h>
#include <sched/sched.h>
#include "bio/bio.h"
#include "vos/vos.h"

#define NULTS    16
#define PER_ULT  40
#define BIG_SIZE 9000 /* above VOS_INLINE_MAX: lives in DATA */

static char   st_dir[256];
static uuid_t st_cont;

static const daos_obj_id_t st_oid = {.lo = 1, .hi = 0};

/* Key i's value: its size and bytes are a function of i, so a reader can check them. */
static size_t
val_size(uint32_t i)
{
	return i % 5 == 0 ? BIG_SIZE : 16 + i % 100;
}

static void
val_fill(uint32_t i, char *buf)
{
	size_t n = val_size(i);
	size_t k;

	for (k = 0; k < n; k++)
		buf[k] = (char)(i * 31 + k);
}

static int
put(struct vos *vos, uint32_t i)
{
	char                 buf[BIG_SIZE]; /* per ULT: others run while this one waits */
	char                 key[16];
	d_iov_t              dkey;
	struct vos_value     val = {0};
	struct vos_iod       iod = {0};

	snprintf(key, sizeof(key), "k%u", i);
	d_iov_set(&dkey, key, strlen(key));
	val_fill(i, buf);
	val.vv_buf  = buf;
	val.vv_csum = vos_csum(buf, val_size(i));
	d_iov_set(&iod.vi_name, "a", 1);
	iod.vi_type = DAOS_IOD_SINGLE;
	iod.vi_size = val_size(i);
	iod.vi_nr   = 1;
	iod.vi_vals = &val;
	return vos_obj_update(vos, st_cont, st_oid, 100 + i, 0, &dkey, 1, &iod);
}

/* 0: present and correct; 1: absent; -1: wrong. */
static int
check(struct vos *vos, uint32_t i)
{
	static char      buf[BIG_SIZE];
	static char      want[BIG_SIZE];
	char             key[16];
	d_iov_t          dkey;
	struct vos_fetch f = {0};
	int              rc;

	snprintf(key, sizeof(key), "k%u", i);
	d_iov_set(&dkey, key, strlen(key));
	d_iov_set(&f.vf_name, "a", 1);
	f.vf_type    = DAOS_IOD_SINGLE;
	f.vf_buf     = buf;
	f.vf_buf_len = sizeof(buf);
	rc           = vos_obj_fetch(vos, st_cont, st_oid, DAOS_EPOCH_MAX, 0, &dkey, 1, &f);
	if (rc != 0)
		return -1;
	if (f.vf_size == 0)
		return 1;
	val_fill(i, want);
	return f.vf_size == val_size(i) && memcmp(buf, want, f.vf_size) == 0 ? 0 : -1;
}

struct run {
	void (*fn)(struct sched *s, void *arg);
	void  *arg;
	struct sched *s;
};

static void
run_ult(void *arg)
{
	struct run *r = arg;

	r->fn(r->s, r->arg);
}

static void
run_in_sched(void (*fn)(struct sched *s, void *arg), void *arg)
{
	struct run r = {fn, arg, NULL};

	assert_int_equal(sched_init(&r.s), 0);
	assert_int_equal(sched_ult_create(r.s, run_ult, &r), 0);
	sched_run(r.s);
	sched_fini(r.s);
}

/* ---- concurrent writers ---- */

struct writer {
	struct vos *vos;
	uint32_t    first;
	uint32_t    nr;
	int        *done;
	int         fd; /* >= 0: report each acknowledged key here */
};

static void
writer_ult(void *arg)
{
	struct writer *w = arg;
	uint32_t       i;

	for (i = w->first; i < w->first + w->nr; i++) {
		int rc = put(w->vos, i);

		if (rc != 0) {
			fprintf(stderr, "put %u: %d\n", i, rc);
			abort();
		}
		if (w->fd >= 0 && write(w->fd, &i, sizeof(i)) != sizeof(i))
			abort();
	}
	(*w->done)++;
}

static void
write_range(struct sched *s, struct vos *vos, uint32_t first, uint32_t nr, int fd)
{
	struct writer w[NULTS];
	int           done = 0;
	int           k;

	for (k = 0; k < NULTS; k++) {
		w[k] = (struct writer){vos, first + k * (nr / NULTS), nr / NULTS, &done, fd};
		assert_int_equal(sched_ult_create(s, writer_ult, &w[k]), 0);
	}
	while (done < NULTS)
		sched_yield_ult(s);
}

static void
body_roundtrip(struct sched *s, void *arg)
{
	struct vos_store      *vs;
	struct vos_store_stats st;
	struct vos_space       sp1;
	struct vos_space       sp2;
	struct bio_stats       bs;
	uint32_t               n = NULTS * PER_ULT;
	uint32_t               i;

	(void)arg;
	assert_int_equal(vos_store_format(st_dir, 4 << 20, 4 << 20, 64 << 20), 0);
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	assert_int_equal(vos_cont_create(vos_store_vos(vs), st_cont), 0);
	write_range(s, vos_store_vos(vs), 0, n, -1);
	bio_stats_get(vos_store_bio(vs), &bs);
	print_message("%u updates, %" PRIu64 " WAL flushes\n", n, bs.wal_flushes);
	assert_true(bs.wal_flushes < n); /* group commit shared flushes */
	assert_int_equal(vos_space_query(vos_store_vos(vs), &sp1), 0);

	/* Clean close (checkpoint), reopen: everything there, little to replay. */
	vos_store_close(vs, false);
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(check(vos_store_vos(vs), i), 0);
	assert_int_equal(vos_space_query(vos_store_vos(vs), &sp2), 0);
	assert_memory_equal(&sp1, &sp2, sizeof(sp1));

	/* More updates, a checkpoint in the middle, then a crash-like close. */
	write_range(s, vos_store_vos(vs), n, n, -1);
	assert_int_equal(vos_store_checkpoint(vs), 0);
	write_range(s, vos_store_vos(vs), 2 * n, n, -1);
	vos_store_close(vs, true);
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	vos_store_stats_get(vs, &st);
	print_message("recovery replayed %" PRIu64 " records in %" PRIu64 " us\n", st.vss_replayed,
		      st.vss_recover_usec);
	assert_true(st.vss_replayed >= n); /* the updates after the checkpoint */
	for (i = 0; i < 3 * n; i++)
		assert_int_equal(check(vos_store_vos(vs), i), 0);
	/* The allocator was rebuilt: new big values do not land on live ones. */
	write_range(s, vos_store_vos(vs), 3 * n, n, -1);
	for (i = 0; i < 4 * n; i++)
		assert_int_equal(check(vos_store_vos(vs), i), 0);
	vos_store_close(vs, false);
}

static void
test_roundtrip(void **state)
{
	(void)state;
	uuid_generate(st_cont);
	run_in_sched(body_roundtrip, NULL);
}

/* ---- SIGKILL while updating ---- */

static void
body_child(struct sched *s, void *arg)
{
	struct vos_store *vs;
	int               fd = *(int *)arg;

	if (vos_store_open(s, st_dir, &vs) != 0)
		_exit(3);
	/* Keep writing until killed; each acknowledged key goes to the parent. */
	for (uint32_t base = 0;; base += NULTS * PER_ULT)
		write_range(s, vos_store_vos(vs), 1000000 + base, NULTS * PER_ULT, fd);
}

struct verify {
	uint32_t *acked;
	size_t    nr;
	int       bad;
};

static void
body_verify(struct sched *s, void *arg)
{
	struct verify    *v = arg;
	struct vos_store *vs;
	size_t            i;

	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	for (i = 0; i < v->nr; i++)
		if (check(vos_store_vos(vs), v->acked[i]) != 0)
			v->bad++;
	vos_store_close(vs, true);
}

static void
body_make_cont(struct sched *s, void *arg)
{
	struct vos_store *vs;

	(void)arg;
	assert_int_equal(vos_store_format(st_dir, 1 << 20, 4 << 20, 64 << 20), 0);
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	assert_int_equal(vos_cont_create(vos_store_vos(vs), st_cont), 0);
	vos_store_close(vs, false);
}

static void
test_sigkill(void **state)
{
	const char *env   = getenv("VOS_STORE_KILLS");
	int         kills = env != NULL ? atoi(env) : 8;
	int         round;

	(void)state;
	uuid_generate(st_cont);
	run_in_sched(body_make_cont, NULL);
	srand(4242);
	for (round = 0; round < kills; round++) {
		struct verify v = {0};
		size_t        cap = 0;
		int           pfd[2];
		pid_t         pid;
		uint32_t      key;
		int           status;
		ssize_t       n;

		assert_int_equal(pipe(pfd), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(pfd[0]);
			run_in_sched(body_child, &pfd[1]);
			_exit(0);
		}
		close(pfd[1]);
		/* Once it writes, let it go on for a random while (the 1 MiB WAL makes it
		 * checkpoint too), then kill it. */
		n = read(pfd[0], &key, sizeof(key));
		assert_int_equal(n, sizeof(key));
		v.acked    = malloc(1024 * sizeof(*v.acked));
		cap        = 1024;
		v.acked[0] = key;
		v.nr       = 1;
		usleep((rand() % 200) * 1000);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		while ((n = read(pfd[0], &key, sizeof(key))) == sizeof(key)) {
			if (v.nr == cap) {
				cap      = cap ? cap * 2 : 1024;
				v.acked  = realloc(v.acked, cap * sizeof(*v.acked));
				assert_non_null(v.acked);
			}
			v.acked[v.nr++] = key;
		}
		close(pfd[0]);
		run_in_sched(body_verify, &v);
		print_message("round %d: %zu acknowledged updates, %d missing or wrong\n", round,
			      v.nr, v.bad);
		assert_int_equal(v.bad, 0);
		free(v.acked);
	}
}

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";

	(void)state;
	snprintf(st_dir, sizeof(st_dir), "%s/vos_store.XXXXXX", tmp);
	assert_non_null(mkdtemp(st_dir));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", st_dir);
	return system(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_sigkill),
	};

	return cmocka_run_group_tests_name("vos_store", tests, setup, teardown);
}
