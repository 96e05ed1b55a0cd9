/*
 * Hybrid logical clock: the epochs every update and read carries.
 *
 * A timestamp counts 1/16 ns units since 2021-01-01 00:00:00 UTC; its low 18 bits are
 * a logical counter instead of sub-16 us physical time. The unit, epoch and mask are
 * DAOS's, so timestamps stored by either implementation mean the same instant.
 *
 * The process keeps one last-issued value and moves it with compare-and-swap only, so
 * every thread sees strictly increasing values without a lock, even when the wall
 * clock steps back.
 */
#include <gurt/common.h>
#include <gurt/atomic.h>

/* 16 units per ns: 2^64 units span about 36 years, so the clock lasts until 2057. */
#define HLC_UNITS_PER_NSEC 16ULL
/* 2021-01-01 00:00:00 UTC as Unix seconds. */
#define HLC_EPOCH_UNIX_SEC  1609459200ULL
#define HLC_EPOCH_UNIX_NSEC (HLC_EPOCH_UNIX_SEC * NSEC_PER_SEC)
/* Logical bits: room for 2^18 events per physical tick before borrowing from time. */
#define HLC_LOGICAL_BITS 18
#define HLC_LOGICAL_MASK ((1ULL << HLC_LOGICAL_BITS) - 1)

static ATOMIC uint64_t hlc_last;
/* Maximum believed clock offset between two nodes, in HLC units; one second by default. */
static ATOMIC uint64_t hlc_epsilon = 1ULL * NSEC_PER_SEC * HLC_UNITS_PER_NSEC;
/* Highest timestamp seen by d_hlct_sync(), for processes that only relay timestamps. */
static ATOMIC uint64_t hlct_last;

/* Physical time in HLC units with the logical bits cleared. */
static uint64_t
hlc_physical(void)
{
	struct timespec now;
	uint64_t        nsec;
	int             rc;

	rc = clock_gettime(CLOCK_REALTIME, &now);
	D_ASSERTF(rc == 0, "clock_gettime(CLOCK_REALTIME): %d\n", errno);
	/*
	 * A wall clock before our epoch is misconfigured; treat it as the epoch itself so
	 * the logical counter keeps the clock moving rather than wrapping to 2057.
	 */
	if ((uint64_t)now.tv_sec < HLC_EPOCH_UNIX_SEC)
		return 0;
	nsec = ((uint64_t)now.tv_sec - HLC_EPOCH_UNIX_SEC) * NSEC_PER_SEC + (uint64_t)now.tv_nsec;
	return (nsec * HLC_UNITS_PER_NSEC) & ~HLC_LOGICAL_MASK;
}

/*
 * Issue max(physical now, last issued + 1, floor): later than anything issued before,
 * never behind the wall clock, and not behind floor (a message's timestamp + 1).
 */
static uint64_t
hlc_advance(uint64_t pt, uint64_t floor)
{
	uint64_t last = atomic_load_relaxed(&hlc_last);
	uint64_t next;

	do {
		next = MAX(pt, last + 1);
		next = MAX(next, floor);
	} while (!atomic_compare_exchange(&hlc_last, last, next));
	return next;
}

uint64_t
d_hlc_get(void)
{
	return hlc_advance(hlc_physical(), 0);
}

int
d_hlc_get_msg(uint64_t msg, uint64_t *hlc_out, uint64_t *offset)
{
	uint64_t pt = hlc_physical();
	uint64_t msg_phys = msg & ~HLC_LOGICAL_MASK;
	uint64_t ahead = msg_phys > pt ? msg_phys - pt : 0;
	uint64_t hlc;

	/* The caller wants the skew even when it is refused, to report it. */
	if (offset != NULL)
		*offset = ahead;
	/* Following a sender this far ahead would drag our clock past real time for good. */
	if (ahead > atomic_load_relaxed(&hlc_epsilon))
		return -DER_HLC_SYNC;

	hlc = hlc_advance(pt, msg == UINT64_MAX ? msg : msg + 1);
	if (hlc_out != NULL)
		*hlc_out = hlc;
	return 0;
}

uint64_t
d_hlc2nsec(uint64_t hlc)
{
	return hlc / HLC_UNITS_PER_NSEC;
}

uint64_t
d_nsec2hlc(uint64_t nsec)
{
	return nsec * HLC_UNITS_PER_NSEC;
}

uint64_t
d_hlc2unixnsec(uint64_t hlc)
{
	return d_hlc2nsec(hlc) + HLC_EPOCH_UNIX_NSEC;
}

uint64_t
d_unixnsec2hlc(uint64_t unixnsec)
{
	/* 0 is the documented "cannot convert" answer: before the epoch or after 2057. */
	if (unixnsec < HLC_EPOCH_UNIX_NSEC ||
	    unixnsec - HLC_EPOCH_UNIX_NSEC > UINT64_MAX / HLC_UNITS_PER_NSEC)
		return 0;
	return d_nsec2hlc(unixnsec - HLC_EPOCH_UNIX_NSEC);
}

int
d_hlc2timespec(uint64_t hlc, struct timespec *ts)
{
	uint64_t nsec;

	if (ts == NULL)
		return -DER_INVAL;
	nsec = d_hlc2nsec(hlc);
	ts->tv_sec = (time_t)(nsec / NSEC_PER_SEC + HLC_EPOCH_UNIX_SEC);
	ts->tv_nsec = (long)(nsec % NSEC_PER_SEC);
	return 0;
}

int
d_timespec2hlc(struct timespec ts, uint64_t *hlc)
{
	uint64_t sec;
	uint64_t nsec;

	if (hlc == NULL || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -DER_INVAL;
	/* Outside [2021, 2057] the result would silently wrap to another instant. */
	if (ts.tv_sec < 0 || (uint64_t)ts.tv_sec < HLC_EPOCH_UNIX_SEC)
		return -DER_INVAL;
	sec = (uint64_t)ts.tv_sec - HLC_EPOCH_UNIX_SEC;
	if (sec > UINT64_MAX / HLC_UNITS_PER_NSEC / NSEC_PER_SEC)
		return -DER_INVAL;
	nsec = sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	if (nsec > UINT64_MAX / HLC_UNITS_PER_NSEC)
		return -DER_INVAL;
	*hlc = d_nsec2hlc(nsec);
	return 0;
}

void
d_hlc_epsilon_set(uint64_t epsilon)
{
	uint64_t rounded;

	/* Logical bits carry no time, so an offset finer than one tick means a whole tick. */
	if (epsilon > UINT64_MAX - HLC_LOGICAL_MASK)
		rounded = ~HLC_LOGICAL_MASK;
	else
		rounded = (epsilon + HLC_LOGICAL_MASK) & ~HLC_LOGICAL_MASK;
	atomic_store_relaxed(&hlc_epsilon, rounded);
	D_INFO("maximum clock offset set to " DF_U64 " ns\n", d_hlc2nsec(rounded));
}

uint64_t
d_hlc_epsilon_get(void)
{
	return atomic_load_relaxed(&hlc_epsilon);
}

uint64_t
d_hlc_epsilon_get_bound(uint64_t hlc)
{
	uint64_t eps = atomic_load_relaxed(&hlc_epsilon);

	/* Anything that happened before hlc on another node carries at most this value. */
	if (hlc > UINT64_MAX - eps)
		return UINT64_MAX;
	return (hlc + eps) | HLC_LOGICAL_MASK;
}

uint64_t
d_hlc_age2sec(uint64_t hlc)
{
	uint64_t pt = hlc_physical();

	/* A timestamp from the future (another node's skew) has no age yet. */
	if (pt <= hlc)
		return 0;
	return d_hlc2sec(pt - hlc);
}

uint64_t
d_hlct_get(void)
{
	return atomic_load_relaxed(&hlct_last);
}

void
d_hlct_sync(uint64_t msg)
{
	uint64_t seen = atomic_load_relaxed(&hlct_last);

	while (seen < msg && !atomic_compare_exchange(&hlct_last, seen, msg))
		;
}
