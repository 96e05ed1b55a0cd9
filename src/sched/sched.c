/*
 * The scheduler: a run queue of ULTs, one io_uring, a timer heap and a
 * cross-thread inbox. See README.md for the loop order.
 */
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <gurt/common.h>
#include <gurt/list.h>
#include "sched.h"

#if defined(__SANITIZE_ADDRESS__)
#define SCHED_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCHED_ASAN 1
#endif
#endif
#ifdef SCHED_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#define SCHED_RING_DEFAULT  256
#define SCHED_STACK_DEFAULT (256 * 1024)
/* Stacks kept for reuse instead of unmapped: a server target runs a ULT per
 * request in flight, and at a queue depth above the cache each request paid an
 * mmap and a munmap (64 B KV puts at QD256: 50k/s with 64, 74k/s with 512). */
#define SCHED_STACK_CACHE   512
#define SCHED_RUN_BATCH     64   /* ULTs run between two looks at the ring */
#define SCHED_TAG_EVENTFD   1ULL /* user_data of the inbox eventfd read */

void sched_ctx_switch(void **save_sp, void *load_sp);
void sched_ctx_start(void);

struct sched_ult {
	d_list_t       u_link;  /* run queue, cond wait queue or free list */
	void          *u_sp;    /* saved stack pointer while not running */
	char          *u_stack; /* mapping, guard page first */
	size_t         u_size;  /* usable stack bytes above the guard page */
	void         (*u_fn)(void *);
	void          *u_arg;
	struct sched  *u_sched;
	int            u_res;     /* I/O result handed back by the loop */
	int            u_pending; /* completions still awaited by sched_io_wait_n */
	int           *u_res_n;   /* where sched_io_wait_n wants each result */
	bool           u_done;
};

/* What the loop knows about each in-flight SQE: its ULT and its slot in a batch. */
struct sched_io_tag {
	struct sched_ult *t_ult;
	int               t_idx;
};

struct sched_timer {
	uint64_t          t_deadline; /* CLOCK_MONOTONIC ns */
	struct sched_ult *t_ult;
};

struct sched_post_item {
	d_list_t  p_link;
	void    (*p_fn)(void *);
	void     *p_arg;
};

#define SCHED_BUF_SLOTS 16 /* registered-buffer table entries per ring */

struct sched {
	struct io_uring     s_ring;
	bool                s_buf_table;  /* a sparse buffer table was registered */
	uint32_t            s_buf_used;   /* bit i: slot i holds a buffer */
	size_t              s_stack_size;
	d_list_t            s_ready;
	d_list_t            s_free_stacks; /* finished ULTs, stack kept */
	int                 s_nr_free;
	int                 s_nr_alive;
	int                 s_inflight;    /* SQEs given to ULT waits, not yet completed */
	unsigned int        s_unsubmitted; /* SQEs prepared since the last submit */
	struct sched_ult   *s_cur;
	void               *s_main_sp;     /* the loop's saved stack pointer */
	struct sched_timer *s_timers;      /* binary min-heap by deadline */
	int                 s_nr_timers;
	int                 s_cap_timers;
	int                 s_efd;         /* inbox wake-up */
	uint64_t            s_efd_buf;
	bool                s_efd_armed;
	pthread_mutex_t     s_post_lock;
	d_list_t            s_posted;
	volatile int        s_stopping;
	struct sched_stats  s_stats;
#ifdef SCHED_ASAN
	const void         *s_main_stack_bottom;
	size_t              s_main_stack_size;
#endif
};

static __thread struct sched *sched_tls;

/* ---- context switching (with ASan told about every stack change) ---- */

/*
 * Switch stacks. A ULT switching back to the loop passes learn = the sched,
 * so that, when it is resumed, ASan tells it where the loop's stack is.
 */
static inline void
sched_switch(void **save_sp, void *load_sp, const void *to_bottom, size_t to_size, bool exiting,
	     struct sched *learn)
{
#ifdef SCHED_ASAN
	void *fake = NULL;

	__sanitizer_start_switch_fiber(exiting ? NULL : &fake, to_bottom, to_size);
	sched_ctx_switch(save_sp, load_sp);
	__sanitizer_finish_switch_fiber(fake, learn ? &learn->s_main_stack_bottom : NULL,
					learn ? &learn->s_main_stack_size : NULL);
#else
	(void)to_bottom;
	(void)to_size;
	(void)exiting;
	(void)learn;
	sched_ctx_switch(save_sp, load_sp);
#endif
}

/* From the running ULT back to the loop. */
static void
sched_park(struct sched *s)
{
	struct sched_ult *u = s->s_cur;
	const void       *bottom = NULL;
	size_t            size   = 0;

#ifdef SCHED_ASAN
	bottom = s->s_main_stack_bottom;
	size   = s->s_main_stack_size;
#endif
	sched_switch(&u->u_sp, s->s_main_sp, bottom, size, u->u_done, s);
}

/* Every ULT starts here, on its own stack. */
static void
sched_ult_entry(void *arg)
{
	struct sched_ult *u = arg;
	struct sched     *s = u->u_sched;

#ifdef SCHED_ASAN
	/* First arrival on this stack: learn the loop's stack for the switches back. */
	__sanitizer_finish_switch_fiber(NULL, &s->s_main_stack_bottom, &s->s_main_stack_size);
#endif
	u->u_fn(u->u_arg);
	u->u_done = true;
	sched_park(s);
	__builtin_unreachable();
}

/* Lay out the frame sched_ctx_switch pops: control words, r15..r12, rbx, rbp, return. */
static void
sched_ult_prepare(struct sched_ult *u)
{
	uintptr_t top = ((uintptr_t)u->u_stack + u->u_size + getpagesize()) & ~(uintptr_t)15;
	uint64_t *sp  = (uint64_t *)top - 8;
	uint32_t  mxcsr;
	uint16_t  fpucw;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fpucw));
	sp[0]   = (uint64_t)mxcsr | ((uint64_t)fpucw << 32);
	sp[1]   = 0;                            /* r15 */
	sp[2]   = 0;                            /* r14 */
	sp[3]   = (uint64_t)sched_ult_entry;    /* r13: entry */
	sp[4]   = (uint64_t)u;                  /* r12: its argument */
	sp[5]   = 0;                            /* rbx */
	sp[6]   = 0;                            /* rbp: ends backtraces */
	sp[7]   = (uint64_t)sched_ctx_start;    /* return address */
	u->u_sp = sp;
}

static void
sched_ready(struct sched *s, struct sched_ult *u)
{
	d_list_add_tail(&u->u_link, &s->s_ready);
}

/* Run u until it parks; free or recycle it if it finished. */
static void
sched_resume(struct sched *s, struct sched_ult *u)
{
	s->s_cur = u;
	s->s_stats.ss_switches++;
	sched_switch(&s->s_main_sp, u->u_sp, u->u_stack + getpagesize(), u->u_size, false, NULL);
	s->s_cur = NULL;
	if (!u->u_done)
		return;
	s->s_nr_alive--;
	if (s->s_nr_free < SCHED_STACK_CACHE) {
		d_list_add(&u->u_link, &s->s_free_stacks);
		s->s_nr_free++;
	} else {
		munmap(u->u_stack, u->u_size + getpagesize());
		D_FREE(u);
	}
}

static int
sched_ult_new(struct sched *s, void (*fn)(void *), void *arg, bool first)
{
	struct sched_ult *u;

	if (s == NULL || fn == NULL)
		return -DER_INVAL;
	if (!d_list_empty(&s->s_free_stacks)) {
		u = d_list_entry(s->s_free_stacks.next, struct sched_ult, u_link);
		d_list_del(&u->u_link);
		s->s_nr_free--;
	} else {
		size_t page = getpagesize();

		D_ALLOC_PTR(u);
		if (u == NULL)
			return -DER_NOMEM;
		u->u_size  = s->s_stack_size;
		u->u_stack = mmap(NULL, u->u_size + page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (u->u_stack == MAP_FAILED) {
			D_FREE(u);
			return -DER_NOMEM;
		}
		/* A guard page below the stack turns an overflow into a clean SIGSEGV. */
		mprotect(u->u_stack, page, PROT_NONE);
	}
#ifdef SCHED_ASAN
	/* A ULT leaves its stack without unwinding, and a new mapping may reuse the
	 * addresses of an old one: either way stale frame redzones must go. */
	ASAN_UNPOISON_MEMORY_REGION(u->u_stack + getpagesize(), u->u_size);
#endif
	u->u_fn    = fn;
	u->u_arg   = arg;
	u->u_sched = s;
	u->u_done  = false;
	sched_ult_prepare(u);
	if (first)
		d_list_add(&u->u_link, &s->s_ready);
	else
		sched_ready(s, u);
	s->s_nr_alive++;
	s->s_stats.ss_ults++;
	return 0;
}

int
sched_ult_create(struct sched *s, void (*fn)(void *), void *arg)
{
	return sched_ult_new(s, fn, arg, false);
}

int
sched_ult_create_first(struct sched *s, void (*fn)(void *), void *arg)
{
	return sched_ult_new(s, fn, arg, true);
}

void
sched_yield_ult(struct sched *s)
{
	sched_ready(s, s->s_cur);
	sched_park(s);
}

bool
sched_others_waiting(struct sched *s)
{
	return !d_list_empty(&s->s_ready) || s->s_unsubmitted > 0 ||
	       io_uring_cq_ready(&s->s_ring) > 0;
}

struct sched *
sched_current(void)
{
	return sched_tls;
}

/* ---- timers: a binary min-heap of deadlines ---- */

static uint64_t
sched_now_ns(void)
{
	return d_gettime_ns();
}

static void
sched_timer_swap(struct sched *s, int a, int b)
{
	struct sched_timer t = s->s_timers[a];

	s->s_timers[a] = s->s_timers[b];
	s->s_timers[b] = t;
}

static int
sched_timer_push(struct sched *s, uint64_t deadline, struct sched_ult *u)
{
	int i;

	if (s->s_nr_timers == s->s_cap_timers) {
		int                 cap = s->s_cap_timers ? s->s_cap_timers * 2 : 16;
		struct sched_timer *t;

		D_REALLOC_ARRAY(t, s->s_timers, s->s_cap_timers, cap);
		if (t == NULL)
			return -DER_NOMEM;
		s->s_timers     = t;
		s->s_cap_timers = cap;
	}
	i              = s->s_nr_timers++;
	s->s_timers[i] = (struct sched_timer){deadline, u};
	while (i > 0 && s->s_timers[(i - 1) / 2].t_deadline > s->s_timers[i].t_deadline) {
		sched_timer_swap(s, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

static void
sched_timer_pop(struct sched *s)
{
	int i = 0;

	s->s_timers[0] = s->s_timers[--s->s_nr_timers];
	for (;;) {
		int l = 2 * i + 1;
		int m = i;

		if (l < s->s_nr_timers && s->s_timers[l].t_deadline < s->s_timers[m].t_deadline)
			m = l;
		if (l + 1 < s->s_nr_timers && s->s_timers[l + 1].t_deadline < s->s_timers[m].t_deadline)
			m = l + 1;
		if (m == i)
			break;
		sched_timer_swap(s, i, m);
		i = m;
	}
}

/* Make the ULTs whose deadline passed ready; return ns until the next one (UINT64_MAX: none). */
static uint64_t
sched_timers_expire(struct sched *s)
{
	uint64_t now;

	if (s->s_nr_timers == 0)
		return UINT64_MAX;
	now = sched_now_ns();
	while (s->s_nr_timers > 0 && s->s_timers[0].t_deadline <= now) {
		sched_ready(s, s->s_timers[0].t_ult);
		sched_timer_pop(s);
	}
	return s->s_nr_timers > 0 ? s->s_timers[0].t_deadline - now : UINT64_MAX;
}

void
sched_sleep_ns(struct sched *s, uint64_t ns)
{
	/* Out of memory for the heap: sleeping less is the harmless failure. */
	if (sched_timer_push(s, sched_now_ns() + ns, s->s_cur) != 0) {
		sched_yield_ult(s);
		return;
	}
	sched_park(s);
}

/* ---- I/O ---- */

struct io_uring *
sched_ring(struct sched *s)
{
	return &s->s_ring;
}

static void
sched_submit(struct sched *s)
{
	if (s->s_unsubmitted == 0)
		return;
	io_uring_submit(&s->s_ring);
	s->s_unsubmitted = 0;
	s->s_stats.ss_submits++;
}

int
sched_get_sqes(struct sched *s, struct io_uring_sqe **sqes, int n)
{
	int i;

	if (n < 0 || (unsigned int)n > s->s_ring.sq.ring_entries)
		return -DER_INVAL;
	while (io_uring_sq_space_left(&s->s_ring) < (unsigned int)n) {
		s->s_unsubmitted = 1;
		sched_submit(s);
	}
	for (i = 0; i < n; i++) {
		sqes[i] = io_uring_get_sqe(&s->s_ring);
		s->s_unsubmitted++;
	}
	return 0;
}

struct io_uring_sqe *
sched_get_sqe(struct sched *s)
{
	struct io_uring_sqe *sqe;

	(void)sched_get_sqes(s, &sqe, 1); /* a ring has at least one entry */
	return sqe;
}

static int
sched_io_wait_ex(struct sched *s, struct io_uring_sqe **sqes, int n, int *res, bool now)
{
	struct sched_io_tag tags[n];
	struct sched_ult   *u = s->s_cur;
	int                 rc = 0;
	int                 i;

	for (i = 0; i < n; i++) {
		tags[i] = (struct sched_io_tag){u, i};
		io_uring_sqe_set_data(sqes[i], &tags[i]);
	}
	u->u_pending = n;
	u->u_res_n   = res;
	s->s_inflight += n;
	if (now)
		sched_submit(s);
	sched_park(s);
	for (i = 0; res != NULL && i < n; i++)
		if (res[i] < 0 && rc == 0)
			rc = res[i];
	return res != NULL ? rc : u->u_res;
}

int
sched_io_wait_n(struct sched *s, struct io_uring_sqe **sqes, int n, int *res)
{
	return sched_io_wait_ex(s, sqes, n, res, false);
}

int
sched_io_wait(struct sched *s, struct io_uring_sqe *sqe)
{
	return sched_io_wait_ex(s, &sqe, 1, NULL, false);
}

int
sched_io_wait_now(struct sched *s, struct io_uring_sqe *sqe)
{
	return sched_io_wait_ex(s, &sqe, 1, NULL, true);
}

static void sched_inbox_arm(struct sched *s);
static void sched_inbox_drain(struct sched *s);

/* Hand every available completion to its ULT. */
static int
sched_reap(struct sched *s)
{
	struct io_uring_cqe *cqe;
	unsigned int         head;
	int                  n = 0;

	io_uring_for_each_cqe(&s->s_ring, head, cqe) {
		void *data = io_uring_cqe_get_data(cqe);

		n++;
		if ((uintptr_t)data == SCHED_TAG_EVENTFD) {
			s->s_efd_armed = false;
			continue;
		}
		struct sched_io_tag *tag = data;
		struct sched_ult    *u   = tag->t_ult;

		u->u_res = cqe->res;
		if (u->u_res_n != NULL)
			u->u_res_n[tag->t_idx] = cqe->res;
		s->s_inflight--;
		s->s_stats.ss_io_done++;
		if (--u->u_pending == 0)
			sched_ready(s, u);
	}
	io_uring_cq_advance(&s->s_ring, n);
	if (!s->s_efd_armed) {
		sched_inbox_drain(s);
		sched_inbox_arm(s);
	}
	return n;
}

/* ---- cross-thread inbox ---- */

/* Keep one read on the eventfd in the ring, so a post wakes a sleeping loop. */
static void
sched_inbox_arm(struct sched *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->s_ring);

	if (sqe == NULL) {
		sched_submit(s);
		sqe = io_uring_get_sqe(&s->s_ring);
		if (sqe == NULL)
			return; /* retried after the next reap */
	}
	io_uring_prep_read(sqe, s->s_efd, &s->s_efd_buf, sizeof(s->s_efd_buf), 0);
	io_uring_sqe_set_data(sqe, (void *)SCHED_TAG_EVENTFD);
	s->s_unsubmitted++;
	s->s_efd_armed = true;
}

static void
sched_inbox_drain(struct sched *s)
{
	d_list_t                items;
	struct sched_post_item *it;
	struct sched_post_item *tmp;

	D_INIT_LIST_HEAD(&items);
	pthread_mutex_lock(&s->s_post_lock);
	d_list_splice_init(&s->s_posted, &items);
	pthread_mutex_unlock(&s->s_post_lock);
	d_list_for_each_entry_safe(it, tmp, &items, p_link) {
		d_list_del(&it->p_link);
		if (sched_ult_create(s, it->p_fn, it->p_arg) != 0)
			D_ERROR("dropping posted work: no memory for a ULT\n");
		D_FREE(it);
	}
}

int
sched_post(struct sched *s, void (*fn)(void *), void *arg)
{
	struct sched_post_item *it;
	uint64_t                one = 1;

	if (s == NULL || fn == NULL)
		return -DER_INVAL;
	D_ALLOC_PTR(it);
	if (it == NULL)
		return -DER_NOMEM;
	it->p_fn  = fn;
	it->p_arg = arg;
	pthread_mutex_lock(&s->s_post_lock);
	d_list_add_tail(&it->p_link, &s->s_posted);
	pthread_mutex_unlock(&s->s_post_lock);
	if (write(s->s_efd, &one, sizeof(one)) != sizeof(one))
		D_ERROR("sched_post: eventfd write failed: %s\n", strerror(errno));
	return 0;
}

void
sched_stop(struct sched *s)
{
	uint64_t one = 1;

	s->s_stopping = 1;
	if (write(s->s_efd, &one, sizeof(one)) != sizeof(one))
		D_ERROR("sched_stop: eventfd write failed: %s\n", strerror(errno));
}

bool
sched_stopping(struct sched *s)
{
	return s->s_stopping != 0;
}

/* ---- the loop ---- */

void
sched_run(struct sched *s)
{
	struct sched *saved = sched_tls;

	sched_tls = s;
	if (!s->s_efd_armed)
		sched_inbox_arm(s);
	for (;;) {
		uint64_t next_timer;
		int      n;

		/* 1. Everything prepared since the last pass goes to the kernel in one call. */
		sched_submit(s);
		/* 2. Completions make their ULTs ready (and refill the inbox). */
		sched_reap(s);
		/* 3. Expired timers make their ULTs ready. */
		sched_timers_expire(s);
		/* 4. Run a bounded batch of ready ULTs. */
		for (n = 0; n < SCHED_RUN_BATCH && !d_list_empty(&s->s_ready); n++) {
			struct sched_ult *u = d_list_entry(s->s_ready.next, struct sched_ult, u_link);

			d_list_del(&u->u_link);
			sched_resume(s, u);
		}
		if (!d_list_empty(&s->s_ready))
			continue;
		if (s->s_nr_alive == 0)
			break;
		/* 5. Nothing ready: sleep in the kernel until a completion, a post or a timer.
		 * The ULTs just run may have armed timers: look again. */
		next_timer = sched_timers_expire(s);
		if (!d_list_empty(&s->s_ready) || s->s_unsubmitted > 0 ||
		    io_uring_cq_ready(&s->s_ring) > 0)
			continue;
		s->s_stats.ss_idle_waits++;
		if (next_timer == UINT64_MAX) {
			io_uring_submit_and_wait(&s->s_ring, 1);
		} else {
			struct __kernel_timespec ts = {
			    .tv_sec  = (long long)(next_timer / NSEC_PER_SEC),
			    .tv_nsec = (long long)(next_timer % NSEC_PER_SEC),
			};
			struct io_uring_cqe *cqe;

			io_uring_wait_cqe_timeout(&s->s_ring, &cqe, &ts);
		}
	}
	sched_tls = saved;
}

/* ---- life cycle ---- */

int
sched_init_attr(struct sched **sp, const struct sched_attr *attr)
{
	struct io_uring_params p = {0};
	struct sched          *s;
	unsigned int           entries;
	int                    rc;

	D_ALLOC_PTR(s);
	if (s == NULL)
		return -DER_NOMEM;
	entries         = attr && attr->sa_ring_entries ? attr->sa_ring_entries : SCHED_RING_DEFAULT;
	s->s_stack_size = attr && attr->sa_stack_size ? D_ALIGNUP(attr->sa_stack_size, 4096)
						      : SCHED_STACK_DEFAULT;
	D_INIT_LIST_HEAD(&s->s_ready);
	D_INIT_LIST_HEAD(&s->s_free_stacks);
	D_INIT_LIST_HEAD(&s->s_posted);
	pthread_mutex_init(&s->s_post_lock, NULL);

	/* Only this thread submits; completions need no interrupt of the task. Older
	 * kernels refuse these flags: then take the plain ring. */
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN;
	rc      = io_uring_queue_init_params(entries, &s->s_ring, &p);
	if (rc == -EINVAL) {
		memset(&p, 0, sizeof(p));
		rc = io_uring_queue_init_params(entries, &s->s_ring, &p);
	}
	if (rc < 0) {
		D_ERROR("io_uring setup failed: %s\n", strerror(-rc));
		rc = d_errno2der(-rc);
		goto fail;
	}
	/* Slots for buffers the kernel keeps pinned (READ/WRITE_FIXED): an empty
	 * table now, filled by sched_buf_register. Without it (old kernel), I/O
	 * simply goes without. */
	s->s_buf_table = io_uring_register_buffers_sparse(&s->s_ring, SCHED_BUF_SLOTS) == 0;
	s->s_efd = eventfd(0, EFD_CLOEXEC);
	if (s->s_efd < 0) {
		rc = d_errno2der(errno);
		io_uring_queue_exit(&s->s_ring);
		goto fail;
	}
	*sp = s;
	return 0;
fail:
	pthread_mutex_destroy(&s->s_post_lock);
	D_FREE(s);
	return rc;
}

int
sched_init(struct sched **sp)
{
	return sched_init_attr(sp, NULL);
}

void
sched_fini(struct sched *s)
{
	struct sched_ult       *u;
	struct sched_ult       *tmp;
	struct sched_post_item *it;
	struct sched_post_item *itmp;

	if (s == NULL)
		return;
	D_ASSERTF(s->s_nr_alive == 0, "%d ULTs still alive\n", s->s_nr_alive);
	d_list_for_each_entry_safe(u, tmp, &s->s_free_stacks, u_link) {
		munmap(u->u_stack, u->u_size + getpagesize());
		D_FREE(u);
	}
	d_list_for_each_entry_safe(it, itmp, &s->s_posted, p_link)
		D_FREE(it);
	io_uring_queue_exit(&s->s_ring);
	close(s->s_efd);
	pthread_mutex_destroy(&s->s_post_lock);
	D_FREE(s->s_timers);
	D_FREE(s);
}

int
sched_buf_register(struct sched *s, void *base, size_t len)
{
	struct iovec iov = {.iov_base = base, .iov_len = len};
	__u64        tag = 0;
	int          i;
	int          rc;

	if (s == NULL || base == NULL || len == 0)
		return -DER_INVAL;
	if (!s->s_buf_table)
		return -DER_NOTSUPPORTED;
	for (i = 0; i < SCHED_BUF_SLOTS; i++)
		if (!(s->s_buf_used & (1u << i)))
			break;
	if (i == SCHED_BUF_SLOTS)
		return -DER_AGAIN;
	rc = io_uring_register_buffers_update_tag(&s->s_ring, (unsigned int)i, &iov, &tag, 1);
	if (rc < 0)
		return rc == -ENOMEM ? -DER_NOMEM : d_errno2der(-rc);
	s->s_buf_used |= 1u << i;
	return i;
}

void
sched_buf_unregister(struct sched *s, int slot)
{
	struct iovec iov = {0};
	__u64        tag = 0;

	if (s == NULL || slot < 0 || slot >= SCHED_BUF_SLOTS || !(s->s_buf_used & (1u << slot)))
		return;
	(void)io_uring_register_buffers_update_tag(&s->s_ring, (unsigned int)slot, &iov, &tag, 1);
	s->s_buf_used &= ~(1u << slot);
}

void
sched_stats_get(struct sched *s, struct sched_stats *st)
{
	*st = s->s_stats;
}

/* ---- wait queues ---- */

struct sched_cond {
	struct sched *c_sched;
	d_list_t      c_waiters;
};

struct sched_cond *
sched_cond_create(struct sched *s)
{
	struct sched_cond *c;

	D_ALLOC_PTR(c);
	if (c == NULL)
		return NULL;
	c->c_sched = s;
	D_INIT_LIST_HEAD(&c->c_waiters);
	return c;
}

void
sched_cond_destroy(struct sched_cond *c)
{
	if (c == NULL)
		return;
	D_ASSERT(d_list_empty(&c->c_waiters));
	D_FREE(c);
}

void
sched_cond_wait(struct sched_cond *c)
{
	struct sched *s = c->c_sched;

	d_list_add_tail(&s->s_cur->u_link, &c->c_waiters);
	sched_park(s);
}

void
sched_cond_signal(struct sched_cond *c)
{
	struct sched_ult *u;

	if (d_list_empty(&c->c_waiters))
		return;
	u = d_list_entry(c->c_waiters.next, struct sched_ult, u_link);
	d_list_del(&u->u_link);
	sched_ready(c->c_sched, u);
}

void
sched_cond_broadcast(struct sched_cond *c)
{
	while (!d_list_empty(&c->c_waiters))
		sched_cond_signal(c);
}
