/*
 * Small helpers of gurt/common.h: random numbers, growable strings, back-off
 * sequences, pointer vectors, statistics and fatal-signal backtraces.
 */
#include <execinfo.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <gurt/common.h>

/* One generator per process, shared by threads: nrand48 state under a mutex is
 * simplest and fast enough for the non-hot paths that need randomness. */
static pthread_mutex_t d_rand_lock  = PTHREAD_MUTEX_INITIALIZER;
static unsigned short  d_rand_state[3] = {0x330e, 0xabcd, 0x1234};

void
d_srand(long int seed)
{
	pthread_mutex_lock(&d_rand_lock);
	d_rand_state[0] = 0x330e;
	d_rand_state[1] = (unsigned short)seed;
	d_rand_state[2] = (unsigned short)(seed >> 16);
	pthread_mutex_unlock(&d_rand_lock);
}

long int
d_rand(void)
{
	long int r;

	pthread_mutex_lock(&d_rand_lock);
	r = nrand48(d_rand_state);
	pthread_mutex_unlock(&d_rand_lock);
	return r;
}

double
d_randd(void)
{
	double r;

	pthread_mutex_lock(&d_rand_lock);
	r = erand48(d_rand_state);
	pthread_mutex_unlock(&d_rand_lock);
	return r;
}

int
d_write_string_buffer(struct d_string_buffer_t *buf, const char *fmt, ...)
{
	va_list ap;
	size_t  room;
	int     n;

	if (buf == NULL || buf->status != 0)
		return -DER_NO_PERM;
	if (buf->str == NULL) {
		D_ALLOC(buf->str, 64);
		if (buf->str == NULL)
			return buf->status = -DER_NOMEM;
		buf->str_size = 0;
		buf->buf_size = 64;
	}
	for (;;) {
		char *bigger;

		room = buf->buf_size - buf->str_size;
		va_start(ap, fmt);
		n = vsnprintf(buf->str + buf->str_size, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return buf->status = -DER_TRUNC;
		if ((size_t)n < room) {
			buf->str_size += (size_t)n;
			return 0;
		}
		D_REALLOC(bigger, buf->str, buf->buf_size, buf->buf_size * 2 + (size_t)n);
		if (bigger == NULL)
			return buf->status = -DER_NOMEM;
		buf->str = bigger;
		buf->buf_size = buf->buf_size * 2 + (size_t)n;
	}
}

void
d_free_string(struct d_string_buffer_t *buf)
{
	if (buf == NULL)
		return;
	D_FREE(buf->str);
	buf->str_size = 0;
	buf->buf_size = 0;
	buf->status   = 0;
}

int
d_backoff_seq_init(struct d_backoff_seq *seq, uint8_t nzeros, uint16_t factor, uint32_t next,
		   uint32_t max)
{
	if (seq == NULL || factor == 0 || next == 0 || max == 0 || next > max)
		return -DER_INVAL;
	seq->bos_flags  = 0;
	seq->bos_nzeros = nzeros;
	seq->bos_factor = factor;
	seq->bos_next   = next;
	seq->bos_max    = max;
	return 0;
}

void
d_backoff_seq_fini(struct d_backoff_seq *seq)
{
	(void)seq;
}

/* A random delay in [0, bound], where bound grows geometrically up to the maximum:
 * randomness keeps retrying clients from moving in lockstep. */
uint32_t
d_backoff_seq_next(struct d_backoff_seq *seq)
{
	uint64_t bound;

	if (seq->bos_nzeros > 0) {
		seq->bos_nzeros--;
		return 0;
	}
	bound = seq->bos_next;
	seq->bos_next = (uint32_t)MIN((uint64_t)seq->bos_next * seq->bos_factor, seq->bos_max);
	return (uint32_t)((double)bound * d_randd());
}

int
d_vec_pointers_init(struct d_vec_pointers *pointers, uint32_t cap)
{
	if (pointers == NULL)
		return -DER_INVAL;
	pointers->p_buf = NULL;
	pointers->p_cap = 0;
	pointers->p_len = 0;
	if (cap == 0)
		return 0;
	D_ALLOC_ARRAY(pointers->p_buf, cap);
	if (pointers->p_buf == NULL)
		return -DER_NOMEM;
	pointers->p_cap = cap;
	return 0;
}

void
d_vec_pointers_fini(struct d_vec_pointers *pointers)
{
	if (pointers == NULL)
		return;
	D_FREE(pointers->p_buf);
	pointers->p_cap = 0;
	pointers->p_len = 0;
}

int
d_vec_pointers_append(struct d_vec_pointers *pointers, void *pointer)
{
	if (pointers == NULL)
		return -DER_INVAL;
	if (pointers->p_len == pointers->p_cap) {
		uint32_t cap = pointers->p_cap == 0 ? 8 : pointers->p_cap * 2;
		void   **buf;

		D_REALLOC_ARRAY(buf, pointers->p_buf, pointers->p_cap, cap);
		if (buf == NULL)
			return -DER_NOMEM;
		pointers->p_buf = buf;
		pointers->p_cap = cap;
	}
	pointers->p_buf[pointers->p_len++] = pointer;
	return 0;
}

double
d_stand_div(double *array, int nr)
{
	double sum = 0;
	double var = 0;
	int    i;

	if (array == NULL || nr <= 0)
		return 0;
	for (i = 0; i < nr; i++)
		sum += array[i];
	for (i = 0; i < nr; i++)
		var += (array[i] - sum / nr) * (array[i] - sum / nr);
	return sqrt(var / nr);
}

/* Fatal signals: print where we were, then let the default action (core dump) happen. */
static bool d_signal_enabled;

static void
d_signal_handler(int sig)
{
	void *frames[64];
	int   n;

	n = backtrace(frames, ARRAY_SIZE(frames));
	fprintf(stderr, "*** fatal signal %d (%s), backtrace:\n", sig, strsignal(sig));
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

void
d_signal_stack_enable(bool enabled)
{
	d_signal_enabled = enabled;
}

void
d_signal_register(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
	bool             on     = d_signal_enabled;
	size_t           i;

	/* DAOS_SIGNAL_REGISTER overrides the program's default either way. */
	d_getenv_bool("DAOS_SIGNAL_REGISTER", &on);
	if (!on)
		return;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		signal(sigs[i], d_signal_handler);
}
