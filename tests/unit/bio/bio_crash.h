/* bio_crash.h - crash test with a real child: it commits records from many
 * ULTs and reports each acknowledged LSN through a pipe; the parent kills it
 * (SIGKILL at a random moment, or a torn write then _exit at the Nth flush),
 * reopens, and checks that every acknowledged record is replayed intact. */
#ifndef BIO_CRASH_H
#define BIO_CRASH_H

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include "bio_test.h"

struct ack {
	uint64_t lsn;
	uint32_t writer;
	uint32_t seq;
};

struct child_ctx {
	struct bio_target *bt;
	struct sched_cond *cond;
	bool               want;
	int                fd;
	uint32_t           id;
	uint32_t           seq0;
};

static struct child_ctx cc_main;
static struct child_ctx cc_w[16];

static void
cc_ckpt_request(void *arg)
{
	struct child_ctx *cc = arg;

	cc->want = true;
	sched_cond_signal(cc->cond);
}

static void
cc_checkpointer(void *arg)
{
	struct child_ctx *cc = arg;
	struct bio_ckpt  *ck;
	uint64_t          start;

	for (;;) {
		if (!cc->want) {
			sched_cond_wait(cc->cond);
			continue;
		}
		cc->want = false;
		start    = bio_wal_durable_lsn(cc->bt) + 1;
		if (bio_ckpt_begin(cc->bt, &ck) != 0)
			_exit(3);
		if (bio_ckpt_write(ck, &start, sizeof(start)) != 0 || bio_ckpt_end(ck, start) != 0)
			_exit(3);
	}
}

static void
cc_writer(void *arg)
{
	struct child_ctx *cc = arg;
	char              buf[256];
	struct ack        a;
	uint32_t          seq;

	for (seq = cc->seq0;; seq++) {
		if (bio_wal_commit(cc->bt, buf, bt_rec_fill(buf, cc->id, seq), NULL, 0, &a.lsn) != 0)
			_exit(2);
		a.writer = cc->id;
		a.seq    = seq;
		if (write(cc->fd, &a, sizeof(a)) != sizeof(a))
			_exit(2);
	}
}

static void
child_body(struct sched *s, void *arg)
{
	struct bio_open_opts opts = {cc_ckpt_request, &cc_main};
	uint32_t             i;

	(void)arg;
	cc_main.cond = sched_cond_create(s);
	if (bt_open(s, &cc_main.bt, &opts) != 0)
		_exit(1);
	sched_ult_create(s, cc_checkpointer, &cc_main);
	for (i = 0; i < 16; i++) {
		cc_w[i]    = cc_main;
		cc_w[i].id = i;
		sched_ult_create(s, cc_writer, &cc_w[i]);
	}
}

/* Replay check: acked records with LSN >= the checkpoint's must be there. */
static struct ack *acks;
static size_t      nr_acks;
static struct ack *seen;
static uint64_t    seen_start;
static uint64_t    seen_cap;
static bool        seen_bad;

static int
crash_load_cb(const void *chunk, size_t len, void *arg)
{
	(void)chunk;
	(void)len;
	(void)arg;
	return 0;
}

static int
crash_replay_cb(const void *rec, size_t len, uint64_t lsn, void *arg)
{
	struct ack *a;

	(void)arg;
	if (lsn < seen_start || lsn - seen_start >= seen_cap || !bt_rec_check(rec, len)) {
		seen_bad = true;
		return 0;
	}
	a      = &seen[lsn - seen_start];
	a->lsn = lsn;
	memcpy(&a->writer, rec, 4);
	memcpy(&a->seq, (const char *)rec + 4, 4);
	return 0;
}

static void
crash_verify(struct sched *s, void *arg)
{
	struct bio_target      *bt;
	struct bio_replay_stats rs;
	uint64_t                start;
	size_t                  i;
	int                     rc;

	(void)arg;
	assert_int_equal(bt_open(s, &bt, NULL), 0);
	rc = bio_ckpt_load(bt, crash_load_cb, NULL, &start);
	assert_true(rc == 0 || rc == -DER_NONEXIST);
	seen_start = start;
	seen_cap   = bio_wal_next_lsn(bt) - start + 1;
	D_ALLOC_ARRAY(seen, seen_cap);
	assert_non_null(seen);
	seen_bad = false;
	assert_int_equal(bio_wal_replay(bt, start, crash_replay_cb, NULL, &rs), 0);
	assert_false(seen_bad);
	print_message("%zu acknowledged, %" PRIu64 " replayed from LSN %" PRIu64 "\n", nr_acks,
		      rs.rs_records, start);
	for (i = 0; i < nr_acks; i++) {
		struct ack *a = &acks[i];

		if (a->lsn < start)
			continue; /* covered by the checkpoint */
		assert_true(a->lsn - start < seen_cap);
		assert_int_equal(seen[a->lsn - start].lsn, a->lsn);
		assert_int_equal(seen[a->lsn - start].writer, a->writer);
		assert_int_equal(seen[a->lsn - start].seq, a->seq);
	}
	D_FREE(seen);
	bio_close(bt);
}

static void
crash_loop(int kills)
{
	uint32_t seq0 = 0;
	int      k;

	acks = malloc(sizeof(*acks) * 4000000);
	assert_non_null(acks);
	bt_format(4 * MiB_C, 256 * 1024, 1 * MiB_C);
	srand((unsigned)getpid());
	for (k = 0; k < kills; k++) {
		int   pfd[2];
		pid_t pid;
		int   ms    = 5 + rand() % 60;
		bool  torn  = k % 3 == 2;
		int   status;

		assert_int_equal(pipe(pfd), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(pfd[0]);
			cc_main.fd   = pfd[1];
			cc_main.seq0 = seq0;
			if (torn) {
				struct d_fault_attr_t fa = {0};

				fa.fa_id            = BIO_FI_CRASH;
				fa.fa_interval      = 2 + rand() % 40;
				fa.fa_max_faults    = 1;
				fa.fa_probability_x = 1;
				fa.fa_probability_y = 1;
				fa.fa_argument      = "1";
				d_fault_attr_set(BIO_FI_CRASH, fa);
			}
			bt_run(child_body, NULL);
			_exit(4);
		}
		close(pfd[1]);
		nr_acks = 0;
		{
			uint64_t      end = (uint64_t)ms * 1000;
			struct pollfd p   = {pfd[0], POLLIN, 0};
			struct timespec t0, t1;
			bool          killed = torn;

			clock_gettime(CLOCK_MONOTONIC, &t0);
			for (;;) {
				ssize_t n;

				clock_gettime(CLOCK_MONOTONIC, &t1);
				/* A torn-write child ends by itself; 5 s is a hang. */
				if ((!killed || torn) &&
				    (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 +
					       (t1.tv_nsec - t0.tv_nsec) / 1000) >=
					(torn ? 5000000 : end)) {
					kill(pid, SIGKILL);
					killed = true;
				}
				if (poll(&p, 1, 1) <= 0)
					continue;
				n = read(pfd[0], &acks[nr_acks], sizeof(struct ack));
				if (n <= 0)
					break;
				assert_int_equal(n, sizeof(struct ack));
				if (nr_acks < 4000000 - 1)
					nr_acks++;
			}
		}
		close(pfd[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
			    (WIFEXITED(status) && WEXITSTATUS(status) == 0));
		bt_run(crash_verify, NULL);
		seq0 += 1000000;
	}
	free(acks);
}

#endif
