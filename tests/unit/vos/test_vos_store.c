/*
 * The durable store end to end: concurrent updates through BIO's group
 * commit, checkpoints, clean and crash-like reopen, and a child process
 * killed with SIGKILL while updating: every acknowledged update survives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
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

/* ---- background aggregation ---- */

static int
put_version(struct vos *vos, uint32_t i, daos_epoch_t epoch)
{
	char             buf[BIG_SIZE];
	char             key[16];
	d_iov_t          dkey;
	struct vos_value val = {0};
	struct vos_iod   iod = {0};

	snprintf(key, sizeof(key), "k%u", i);
	d_iov_set(&dkey, key, strlen(key));
	memset(buf, (int)(epoch & 0xff), BIG_SIZE);
	val.vv_buf  = buf;
	val.vv_csum = vos_csum(buf, BIG_SIZE);
	d_iov_set(&iod.vi_name, "a", 1);
	iod.vi_type = DAOS_IOD_SINGLE;
	iod.vi_size = BIG_SIZE;
	iod.vi_nr   = 1;
	iod.vi_vals = &val;
	return vos_obj_update(vos, st_cont, st_oid, epoch, 0, &dkey, 1, &iod);
}

static uint64_t
data_used(struct vos_store *vs)
{
	struct bio_space sp;

	bio_space_query(vos_store_bio(vs), BIO_REGION_DATA, &sp);
	return sp.bs_total - sp.bs_free;
}

static int
ref_sum_cb(void *arg, const struct vos_data_addr *addr, uint64_t len)
{
	(void)len;
	*(uint64_t *)arg += addr->da_aux; /* the extent's reserved length */
	return 0;
}

static uint64_t
data_referenced(struct vos_store *vs)
{
	uint64_t sum = 0;

	assert_int_equal(vos_data_addr_foreach(vos_store_vos(vs), ref_sum_cb, &sum), 0);
	return sum;
}

static void
body_agg(struct sched *s, void *arg)
{
	struct vos_store      *vs;
	struct vos_store_stats st;
	daos_epoch_t           snap = 150;
	uint64_t               before;
	uint32_t               i;
	int                    e;

	(void)arg;
	assert_int_equal(vos_store_format(st_dir, 4 << 20, 4 << 20, 64 << 20), 0);
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	assert_int_equal(vos_cont_create(vos_store_vos(vs), st_cont), 0);
	/* Ten versions of 20 big values: epochs 100, 110, ..., 190. */
	for (e = 0; e < 10; e++)
		for (i = 0; i < 20; i++)
			assert_int_equal(put_version(vos_store_vos(vs), i, 100 + 10 * e), 0);
	before = data_used(vs);
	assert_int_equal(before, data_referenced(vs));
	/* Keep the snapshot at 150 and what a read at 185 sees: 2 versions of each key. */
	vos_store_agg_tune(vs, 10, 4);
	assert_int_equal(vos_store_agg_set(vs, st_cont, 185, &snap, 1), 0);
	assert_int_equal(vos_store_agg_wait(vs), 0);
	vos_store_stats_get(vs, &st);
	print_message("aggregation: %" PRIu64 " passes, DATA used %" PRIu64 " -> %" PRIu64 "\n",
		      st.vss_agg_passes, before, data_used(vs));
	assert_true(st.vss_agg_passes >= 1);
	assert_int_equal(data_used(vs), data_referenced(vs));
	assert_int_equal(data_referenced(vs), before / 10 * 3); /* 150, 180, 190 */
	vos_store_close(vs, true);
	/* Recovery replays the aggregation records: same result. */
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	assert_int_equal(data_used(vs), before / 10 * 3);
	vos_store_close(vs, false);
}

static void
test_agg(void **state)
{
	(void)state;
	uuid_generate(st_cont);
	run_in_sched(body_agg, NULL);
}

/* ---- SIGKILL while updating, checkpointing and aggregating ----
 *
 * A child overwrites a small key space from many ULTs (each key owned by one
 * ULT, so its versions are written in epoch order), checkpoints often and
 * keeps an aggregation bound just behind its newest epoch, in a DATA region
 * small enough that freed extents are reused. It reports every acknowledged
 * (key, epoch) and when a checkpoint or an aggregation pass is running. The
 * parent kills it at a random moment, or just after one of those reports,
 * then recovers and checks every key: the value is whole (its bytes are a
 * function of key and epoch, the epoch is in the value), not older than the
 * newest acknowledged version, and DATA used equals what the index references.
 */
#define CK_KEYS 1024
#define CK_OBJS 8
#define CK_LAG  256 /* aggregation bound: this many epochs behind the newest */

enum { CK_ACK = 0, CK_IN_CKPT = 1, CK_IN_AGG = 2 };

struct ck_msg {
	uint32_t     key;
	uint32_t     tag;
	daos_epoch_t epoch;
};

static daos_epoch_t ck_acked[CK_KEYS]; /* newest acknowledged epoch per key, 0: none */
static daos_epoch_t ck_base;           /* epochs of the next child start above this */

static size_t
ck_size(uint32_t key, daos_epoch_t epoch)
{
	return (key + epoch) % 4 == 0 ? BIG_SIZE : 24 + (key * 7 + epoch) % 200;
}

static void
ck_fill(uint32_t key, daos_epoch_t epoch, char *buf)
{
	size_t n = ck_size(key, epoch);
	size_t k;

	memcpy(buf, &epoch, 8);
	memcpy(buf + 8, &key, 4);
	for (k = 12; k < n; k++)
		buf[k] = (char)(key * 31 + epoch * 17 + k);
}

static daos_obj_id_t
ck_oid(uint32_t key)
{
	daos_obj_id_t oid = {.lo = 10 + key % CK_OBJS, .hi = 0};

	return oid;
}

static int
ck_put(struct vos *vos, uint32_t key, daos_epoch_t epoch)
{
	char             buf[BIG_SIZE];
	char             name[16];
	d_iov_t          dkey;
	struct vos_value val = {0};
	struct vos_iod   iod = {0};

	snprintf(name, sizeof(name), "c%u", key);
	d_iov_set(&dkey, name, strlen(name));
	ck_fill(key, epoch, buf);
	val.vv_buf  = buf;
	val.vv_csum = vos_csum(buf, ck_size(key, epoch));
	d_iov_set(&iod.vi_name, "v", 1);
	iod.vi_type = DAOS_IOD_SINGLE;
	iod.vi_size = ck_size(key, epoch);
	iod.vi_nr   = 1;
	iod.vi_vals = &val;
	return vos_obj_update(vos, st_cont, ck_oid(key), epoch, 0, &dkey, 1, &iod);
}

/* The epoch of the value found (whole), 0 if absent, -1 if torn or unreadable. */
static int64_t
ck_check(struct vos *vos, uint32_t key)
{
	static char      buf[BIG_SIZE];
	static char      want[BIG_SIZE];
	char             name[16];
	d_iov_t          dkey;
	struct vos_fetch f = {0};
	daos_epoch_t     epoch;

	snprintf(name, sizeof(name), "c%u", key);
	d_iov_set(&dkey, name, strlen(name));
	d_iov_set(&f.vf_name, "v", 1);
	f.vf_type    = DAOS_IOD_SINGLE;
	f.vf_buf     = buf;
	f.vf_buf_len = sizeof(buf);
	if (vos_obj_fetch(vos, st_cont, ck_oid(key), DAOS_EPOCH_MAX, 0, &dkey, 1, &f) != 0)
		return -1;
	if (f.vf_size == 0)
		return 0;
	if (f.vf_size < 12)
		return -1;
	memcpy(&epoch, buf, 8);
	if (f.vf_size != ck_size(key, epoch))
		return -1;
	ck_fill(key, epoch, want);
	return memcmp(buf, want, f.vf_size) == 0 ? (int64_t)epoch : -1;
}

struct ck_child {
	struct sched     *s;
	struct vos_store *vs;
	int               fd;
	daos_epoch_t      next_epoch;
	unsigned int      seed;
};

static void
ck_send(struct ck_child *c, uint32_t key, uint32_t tag, daos_epoch_t epoch)
{
	struct ck_msg m = {key, tag, epoch};

	if (write(c->fd, &m, sizeof(m)) != sizeof(m))
		_exit(4);
}

struct ck_writer {
	struct ck_child *c;
	uint32_t         id;
	daos_epoch_t     in_flight; /* epoch of the update under way, 0: none */
};

static struct ck_writer ck_w[NULTS];

static void
ck_writer_ult(void *arg)
{
	struct ck_writer *w = arg;
	struct ck_child  *c = w->c;

	for (;;) {
		uint32_t     key   = w->id + NULTS * (uint32_t)(rand_r(&c->seed) % (CK_KEYS / NULTS));
		daos_epoch_t epoch = c->next_epoch++;
		int          rc;

		w->in_flight = epoch;
		rc           = ck_put(vos_store_vos(c->vs), key, epoch);
		w->in_flight = 0;

		if (rc == -DER_NOSPACE)
			continue; /* not acknowledged; aggregation frees space */
		if (rc != 0) {
			fprintf(stderr, "child: update of key %u: %d\n", key, rc);
			_exit(5);
		}
		ck_send(c, key, CK_ACK, epoch);
	}
}

static void
ck_ckpt_ult(void *arg)
{
	struct ck_child *c = arg;

	for (;;) {
		sched_sleep_ns(c->s, 15 * 1000 * 1000);
		if (vos_store_checkpoint(c->vs) != 0)
			_exit(6);
	}
}

static void
ck_agg_ult(void *arg)
{
	struct ck_child *c = arg;

	for (;;) {
		daos_epoch_t low = c->next_epoch;
		int          k;

		sched_sleep_ns(c->s, 5 * 1000 * 1000);
		/* The bound stays below every update still under way (the owner's
		 * promise to aggregation: nothing at or below it is written later). */
		for (k = 0; k < NULTS; k++)
			if (ck_w[k].in_flight != 0 && ck_w[k].in_flight < low)
				low = ck_w[k].in_flight;
		if (low > ck_base + CK_LAG &&
		    vos_store_agg_set(c->vs, st_cont, low - CK_LAG, NULL, 0) != 0)
			_exit(7);
	}
}

/* Tell the parent when a checkpoint or an aggregation pass is under way. */
static void
ck_monitor_ult(void *arg)
{
	struct ck_child       *c = arg;
	struct vos_store_stats st;

	for (;;) {
		sched_sleep_ns(c->s, 200 * 1000);
		vos_store_stats_get(c->vs, &st);
		if (st.vss_ckpt_active)
			ck_send(c, 0, CK_IN_CKPT, 0);
		if (st.vss_agg_active)
			ck_send(c, 0, CK_IN_AGG, 0);
	}
}

static void
body_child(struct sched *s, void *arg)
{
	static struct ck_child c;
	int                     k;

	c.s          = s;
	c.fd         = *(int *)arg;
	c.next_epoch = ck_base + 1;
	c.seed       = (unsigned int)ck_base;
	if (vos_store_open(s, st_dir, &c.vs) != 0)
		_exit(3);
	vos_store_agg_tune(c.vs, 5, 64);
	for (k = 0; k < NULTS; k++) {
		ck_w[k] = (struct ck_writer){&c, (uint32_t)k, 0};
		if (sched_ult_create(s, ck_writer_ult, &ck_w[k]) != 0)
			_exit(3);
	}
	if (sched_ult_create(s, ck_ckpt_ult, &c) != 0 || sched_ult_create(s, ck_agg_ult, &c) != 0 ||
	    sched_ult_create(s, ck_monitor_ult, &c) != 0)
		_exit(3);
	for (;;)
		sched_sleep_ns(s, 1000 * 1000 * 1000);
}

struct verify {
	int      bad;
	uint64_t present;
	uint64_t newer;     /* keys showing an unacknowledged (in-flight) version, whole */
	uint64_t discarded;
};

static void
body_verify(struct sched *s, void *arg)
{
	struct verify         *v = arg;
	struct vos_store      *vs;
	struct vos_store_stats st;
	uint32_t               key;

	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	for (key = 0; key < CK_KEYS; key++) {
		int64_t e = ck_check(vos_store_vos(vs), key);

		if (e < 0 || (ck_acked[key] != 0 && (daos_epoch_t)e < ck_acked[key])) {
			print_message("key %u: found %" PRId64 ", acknowledged %" PRIu64 "\n", key,
				      e, ck_acked[key]);
			v->bad++;
			continue;
		}
		if (e > 0)
			v->present++;
		if ((daos_epoch_t)e > ck_acked[key])
			v->newer++;
	}
	if (data_used(vs) != data_referenced(vs)) {
		print_message("DATA used %" PRIu64 " != referenced %" PRIu64 "\n", data_used(vs),
			      data_referenced(vs));
		v->bad++;
	}
	vos_store_stats_get(vs, &st);
	v->discarded = st.vss_discarded;
	vos_store_close(vs, true);
}

static void
body_make_cont(struct sched *s, void *arg)
{
	struct vos_store *vs;

	(void)arg;
	assert_int_equal(vos_store_format(st_dir, 1 << 20, 16 << 20, 16 << 20), 0);
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	assert_int_equal(vos_cont_create(vos_store_vos(vs), st_cont), 0);
	vos_store_close(vs, false);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Read the child's reports until the kill moment of this round's mode; then kill it. */
static int
ck_run_round(pid_t pid, int fd, int mode, daos_epoch_t *max_epoch)
{
	uint64_t start = now_ms(), deadline = start + 5 + rand() % 150, warm = start + 20;
	bool     killed = false, hit = false;
	int      status;

	for (;;) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		struct ck_msg m;
		ssize_t       n;

		if (!killed && ((mode == 0 && now_ms() >= deadline) || now_ms() > start + 2000)) {
			kill(pid, SIGKILL);
			killed = true;
		}
		if (poll(&pf, 1, killed ? 100 : 1) <= 0) {
			if (killed)
				break;
			continue;
		}
		n = read(fd, &m, sizeof(m));
		if (n == 0)
			break;
		assert_int_equal(n, sizeof(m));
		if (m.tag == CK_ACK) {
			assert_true(m.key < CK_KEYS);
			if (m.epoch > ck_acked[m.key])
				ck_acked[m.key] = m.epoch;
			if (m.epoch > *max_epoch)
				*max_epoch = m.epoch;
		} else if (!killed && m.tag == (uint32_t)mode && now_ms() >= warm) {
			/* Land inside the checkpoint or the pass, at a random point of it. */
			usleep(rand() % 1500);
			kill(pid, SIGKILL);
			killed = hit = true;
		}
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("child ended by itself (status %#x)", status);
	return hit;
}

static void
test_sigkill(void **state)
{
	const char  *env   = getenv("VOS_STORE_KILLS");
	int          kills = env != NULL ? atoi(env) : 90;
	int          hits[3] = {0}, round;
	daos_epoch_t max_epoch = 0;
	uint64_t     t0 = now_ms(), discarded = 0, newer = 0;

	(void)state;
	uuid_generate(st_cont);
	memset(ck_acked, 0, sizeof(ck_acked));
	run_in_sched(body_make_cont, NULL);
	srand(4242);
	for (round = 0; round < kills; round++) {
		struct verify v    = {0};
		int           mode = round % 3;
		int           pfd[2];
		pid_t         pid;

		/* Epochs keep growing across children, above anything acknowledged. */
		ck_base = (max_epoch > ck_base ? max_epoch : ck_base) + 1000000;
		assert_int_equal(pipe(pfd), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(pfd[0]);
			run_in_sched(body_child, &pfd[1]);
			_exit(0);
		}
		close(pfd[1]);
		if (ck_run_round(pid, pfd[0], mode, &max_epoch) || mode == 0)
			hits[mode]++;
		close(pfd[0]);
		run_in_sched(body_verify, &v);
		discarded += v.discarded;
		newer += v.newer;
		if (v.bad != 0 || round % 10 == 0)
			print_message("round %d (mode %d): %" PRIu64 " keys present, %d bad\n",
				      round, mode, v.present, v.bad);
		assert_int_equal(v.bad, 0);
	}
	print_message("%d kills in %" PRIu64 " ms: %d at random, %d during a checkpoint, %d "
		      "during aggregation; %" PRIu64 " unacknowledged versions found whole, "
		      "%" PRIu64 " records discarded at replay\n",
		      kills, now_ms() - t0, hits[0], hits[1], hits[2], newer, discarded);
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

/* ---- metadata full ---- */

/* A value under VOS_INLINE_MAX: it lives in the index, so it grows the checkpoint image. */
static int
put_inline(struct vos *vos, const uuid_t cont, uint32_t i)
{
	static char      buf[3000];
	char             key[16];
	d_iov_t          dkey;
	struct vos_value val = {0};
	struct vos_iod   iod = {0};

	snprintf(key, sizeof(key), "m%u", i);
	d_iov_set(&dkey, key, strlen(key));
	memset(buf, (int)i, sizeof(buf));
	val.vv_buf  = buf;
	val.vv_csum = vos_csum(buf, sizeof(buf));
	d_iov_set(&iod.vi_name, "a", 1);
	iod.vi_type = DAOS_IOD_SINGLE;
	iod.vi_size = sizeof(buf);
	iod.vi_nr   = 1;
	iod.vi_vals = &val;
	return vos_obj_update(vos, cont, st_oid, 100 + i, 0, &dkey, 1, &iod);
}

/*
 * The index outgrows its META slot: checkpoints fail, the WAL fills, and
 * updates must then fail with -DER_NOSPACE (not wait forever); destroying
 * the container must still work (it may use the WAL's reserve) and bring
 * the store back to service, across a reopen.
 */
static void
body_meta_full(struct sched *s, void *arg)
{
	struct vos_store *vs;
	uuid_t            other;
	uint32_t          i;
	int               rc = 0;

	(void)arg;
	uuid_generate(other);
	assert_int_equal(vos_store_format(st_dir, 1 << 20, 1 << 20, 16 << 20), 0);
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	assert_int_equal(vos_cont_create(vos_store_vos(vs), st_cont), 0);
	for (i = 0; i < 100000; i++) {
		rc = put_inline(vos_store_vos(vs), st_cont, i);
		if (rc != 0)
			break;
	}
	print_message("index full after %u inline values: %d\n", i, rc);
	assert_int_equal(rc, -DER_NOSPACE);
	assert_int_equal(put_inline(vos_store_vos(vs), st_cont, i), -DER_NOSPACE);
	assert_int_equal(vos_cont_destroy(vos_store_vos(vs), st_cont), 0);
	/* space again: a checkpoint can now complete and free the WAL */
	assert_int_equal(vos_store_checkpoint(vs), 0);
	assert_int_equal(vos_cont_create(vos_store_vos(vs), other), 0);
	for (i = 0; i < 50; i++)
		assert_int_equal(put_inline(vos_store_vos(vs), other, i), 0);
	vos_store_close(vs, false);
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	assert_int_equal(put_inline(vos_store_vos(vs), other, 50), 0);
	assert_int_equal(vos_cont_destroy(vos_store_vos(vs), st_cont), -DER_NONEXIST);
	vos_store_close(vs, false);
}

static void
test_meta_full(void **state)
{
	(void)state;
	run_in_sched(body_meta_full, NULL);
}

/*
 * Put-then-delete churn (what the system database sees from transactions'
 * redo records) stays within a small META slot as long as aggregation
 * follows the writes: the punched keys and their values go away. The same
 * churn without aggregation fills the slot (test_meta_full).
 */
static void
body_churn_agg(struct sched *s, void *arg)
{
	struct vos_store *vs;
	struct vos_space  sp;
	char              key[16];
	d_iov_t           dkey;
	uint32_t          i;

	(void)arg;
	assert_int_equal(vos_store_format(st_dir, 1 << 20, 1 << 20, 16 << 20), 0);
	assert_int_equal(vos_store_open(s, st_dir, &vs), 0);
	assert_int_equal(vos_cont_create(vos_store_vos(vs), st_cont), 0);
	vos_store_agg_tune(vs, 1, 0);
	for (i = 0; i < 3000; i++) {
		/* inline values: without aggregation 3000 x 3000 B fill the slot */
		assert_int_equal(put_inline(vos_store_vos(vs), st_cont, i), 0);
		snprintf(key, sizeof(key), "m%u", i);
		d_iov_set(&dkey, key, strlen(key));
		assert_int_equal(vos_obj_punch(vos_store_vos(vs), st_cont, st_oid, 100 + i + 1, 0,
					       &dkey, 0, NULL),
				 0);
		if (i % 100 == 99) {
			assert_int_equal(vos_store_agg_set(vs, st_cont, 100 + i, NULL, 0), 0);
			assert_int_equal(vos_store_agg_wait(vs), 0);
		}
	}
	assert_int_equal(vos_space_query(vos_store_vos(vs), &sp), 0);
	print_message("after churn: %" PRIu64 " dkeys, %" PRIu64 " values, %" PRIu64
		      " inline bytes\n",
		      sp.vs_dkeys, sp.vs_values, sp.vs_inline_bytes);
	assert_true(sp.vs_inline_bytes < 200 * 3000);
	assert_int_equal(vos_store_checkpoint(vs), 0);
	vos_store_close(vs, false);
}

static void
test_churn_agg(void **state)
{
	(void)state;
	run_in_sched(body_churn_agg, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_agg),
	    cmocka_unit_test(test_sigkill),
	    cmocka_unit_test(test_meta_full),
	    cmocka_unit_test(test_churn_agg),
	};

	return cmocka_run_group_tests_name("vos_store", tests, setup, teardown);
}
