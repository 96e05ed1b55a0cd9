/*
 * Aggregation of the pools' shards: old versions of overwritten and punched
 * data are merged away so their space comes back, while every snapshot of
 * the container stays readable.
 *
 * Each target keeps, per container of the pools it serves, an entry with
 * the container's snapshots and its pool's reclaim setting (pushed by the
 * container service from the system thread, at load and whenever they
 * change) and the bound below which the shard's store may be aggregated.
 * A ULT per target moves the bound up behind the clock, CONT_AGG_LAG behind
 * the HLC, and hands it to the store (vos_store_agg_set), whose own ULT does
 * the passes.
 *
 * The store's rule is that nothing is written at or below the bound, and a
 * read below it sees merged versions. So on each target:
 *   - every write holds its epoch (ds_cont_agg_hold) from the moment it is
 *     chosen until it is applied; the bound stays below every held epoch,
 *     and a write whose epoch is already at or below the bound (a
 *     transaction older than the lag) is refused with -DER_TX_RESTART;
 *   - a read at an explicit epoch at or below the bound that is not a
 *     snapshot is refused the same way (ds_cont_agg_read_check);
 *   - a new snapshot at or below the bound is refused, so the service takes
 *     a newer epoch (it cannot be preserved: versions are merged already).
 * An entry created at load starts with the bound the store may have reached
 * before the restart (the clock minus the lag): nothing is known of it, and
 * the redo records of interrupted transactions are applied before anything
 * moves it.
 */
#include <daos_prop.h>
#include <gurt/list.h>
#include <sched/sched.h>
#include "vos/vos.h"
#include "cont_internal.h"

#define CONT_AGG_LAG_ENV    "DSTOR_AGG_LAG_MS"
#define CONT_AGG_LAG_MS     20000u /* default: transactions may last this long */
#define CONT_AGG_SLICE_NS   (250ull * 1000 * 1000) /* a stop waits at most this */

struct cont_agg_ent {
	d_list_t      ae_link;
	uuid_t        ae_pool;
	uuid_t        ae_cont;
	daos_epoch_t *ae_snaps;    /* ascending */
	uint32_t      ae_nsnaps;
	bool          ae_reclaim;  /* the pool's DAOS_PROP_PO_RECLAIM is not DISABLED */
	bool          ae_changed;  /* snapshots or reclaim changed since the last setting */
	daos_epoch_t  ae_bound;    /* the store may be aggregated up to here */
	daos_epoch_t  ae_set;      /* the bound last given to the store; 0: none */
	uint64_t      ae_set_ns;   /* when */
	uint64_t      ae_logged;   /* the store's record count when last looked at */
	daos_epoch_t  ae_written;  /* the clock then: writes since the last setting are below it */
	daos_epoch_t *ae_holds;    /* epochs of writes chosen but not applied yet */
	uint32_t      ae_nholds;
	uint32_t      ae_holds_cap;
};

static d_list_t        agg_ents[DSS_TGT_MAX]; /* each touched by its own target only */
static uint64_t        agg_lag_ns;
static uint64_t        agg_every_ns;          /* at most one new bound per container this often */
static pthread_once_t  agg_once = PTHREAD_ONCE_INIT;

static void
agg_config(void)
{
	uint64_t ms = CONT_AGG_LAG_MS;

	if (d_getenv_uint64_t(CONT_AGG_LAG_ENV, &ms) != 0 || ms == 0)
		ms = CONT_AGG_LAG_MS;
	agg_lag_ns   = ms * 1000 * 1000;
	/* a quarter of the lag, between 10 ms and 5 s */
	agg_every_ns = MIN(MAX(agg_lag_ns / 4, 10ull * 1000 * 1000), 5000ull * 1000 * 1000);
	if (ms != CONT_AGG_LAG_MS)
		D_INFO("aggregation lag %" PRIu64 " ms (%s)\n", ms, CONT_AGG_LAG_ENV);
}

/* The newest bound the clock allows now. */
static daos_epoch_t
agg_clock_bound(void)
{
	daos_epoch_t now = d_hlc_get(), lag = d_nsec2hlc(agg_lag_ns);

	return now > lag ? now - lag : 0;
}

static d_list_t *
agg_list(int tgt)
{
	d_list_t *l = &agg_ents[tgt];

	if (l->next == NULL)
		D_INIT_LIST_HEAD(l);
	return l;
}

static struct cont_agg_ent *
agg_find(int tgt, const uuid_t pool, const uuid_t cont)
{
	struct cont_agg_ent *ae;

	d_list_for_each_entry(ae, agg_list(tgt), ae_link) {
		if (uuid_compare(ae->ae_cont, cont) == 0 && uuid_compare(ae->ae_pool, pool) == 0)
			return ae;
	}
	return NULL;
}

static bool
agg_is_snap(const struct cont_agg_ent *ae, daos_epoch_t epoch)
{
	uint32_t i;

	for (i = 0; i < ae->ae_nsnaps; i++)
		if (ae->ae_snaps[i] == epoch)
			return true;
	return false;
}

/* Stop the store aggregating the container (it may be about to go). */
static void
agg_unset(struct cont_agg_ent *ae)
{
	struct vos_store *vs;

	if (ae->ae_set == 0)
		return;
	vs = dss_shard_store(ae->ae_pool);
	if (vs != NULL)
		(void)vos_store_agg_set(vs, ae->ae_cont, 0, NULL, 0);
	ae->ae_set = 0;
}

static void
agg_free(struct cont_agg_ent *ae)
{
	agg_unset(ae);
	d_list_del(&ae->ae_link);
	D_FREE(ae->ae_snaps);
	D_FREE(ae->ae_holds);
	D_FREE(ae);
}

static int agg_set(struct cont_agg_ent *ae, struct vos_store *vs, uint64_t now);

/* ---- what the container service pushes (runs on each target) ---- */

/*
 * Move the bound up to epoch now, ahead of the clock's lag (transactions
 * older than epoch restart), staying below every write under way.
 */
static int
agg_now(struct cont_agg_ent *ae, daos_epoch_t epoch)
{
	struct vos_store *vs = dss_shard_store(ae->ae_pool);
	uint32_t          i;

	if (vs == NULL || !ae->ae_reclaim)
		return 0;
	for (i = 0; i < ae->ae_nholds; i++)
		if (ae->ae_holds[i] - 1 < epoch)
			epoch = ae->ae_holds[i] - 1;
	if (epoch > ae->ae_bound)
		ae->ae_bound = epoch;
	if (ae->ae_bound == 0 || ae->ae_bound == ae->ae_set)
		return 0;
	return agg_set(ae, vs, d_gettime_ns());
}

static int
tgt_agg_push(int tgt, void *arg)
{
	const struct cont_agg_push *ap = arg;
	struct cont_agg_ent        *ae = agg_find(tgt, ap->ap_pool, ap->ap_cont);
	daos_epoch_t               *snaps = NULL;
	uint32_t                    i;

	if (ap->ap_drop) {
		if (ae != NULL)
			agg_free(ae);
		return 0;
	}
	if (ap->ap_now > 0)
		return ae == NULL ? 0 : agg_now(ae, ap->ap_now);
	if (ae != NULL) {
		/* a snapshot the store may have merged away already cannot be taken */
		for (i = 0; i < ap->ap_nsnaps; i++)
			if (ap->ap_snaps[i] <= ae->ae_bound && !agg_is_snap(ae, ap->ap_snaps[i]))
				return -DER_TX_RESTART;
	}
	if (ap->ap_nsnaps > 0) {
		D_ALLOC_ARRAY(snaps, ap->ap_nsnaps);
		if (snaps == NULL)
			return -DER_NOMEM;
		memcpy(snaps, ap->ap_snaps, ap->ap_nsnaps * sizeof(*snaps));
	}
	if (ae == NULL) {
		D_ALLOC_PTR(ae);
		if (ae == NULL) {
			D_FREE(snaps);
			return -DER_NOMEM;
		}
		uuid_copy(ae->ae_pool, ap->ap_pool);
		uuid_copy(ae->ae_cont, ap->ap_cont);
		ae->ae_bound   = agg_clock_bound();
		ae->ae_written = d_hlc_get(); /* what the store holds may be that recent */
		d_list_add_tail(&ae->ae_link, agg_list(tgt));
	}
	D_FREE(ae->ae_snaps);
	ae->ae_snaps   = snaps;
	ae->ae_nsnaps  = ap->ap_nsnaps;
	ae->ae_reclaim = ap->ap_reclaim;
	ae->ae_changed = true;
	return 0;
}

int
cont_agg_push(const struct cont_agg_push *ap)
{
	pthread_once(&agg_once, agg_config);
	return dss_tgt_foreach(tgt_agg_push, (void *)ap);
}

static int
tgt_agg_drop_pool(int tgt, void *arg)
{
	const unsigned char *pool = arg;
	struct cont_agg_ent *ae, *tmp;

	d_list_for_each_entry_safe(ae, tmp, agg_list(tgt), ae_link) {
		if (pool == NULL || uuid_compare(ae->ae_pool, pool) == 0)
			agg_free(ae);
	}
	return 0;
}

void
cont_agg_drop_pool(const uuid_t pool)
{
	(void)dss_tgt_foreach(tgt_agg_drop_pool, (void *)pool);
}

void
cont_agg_drop_all(void)
{
	(void)dss_tgt_foreach(tgt_agg_drop_pool, NULL);
}

/* ---- the object service's checks (target thread) ---- */

int
ds_cont_agg_hold(const uuid_t pool, const uuid_t cont, daos_epoch_t epoch)
{
	struct cont_agg_ent *ae = agg_find(dss_tgt_self(), pool, cont);

	if (ae == NULL)
		return 0; /* not aggregated on this target */
	if (epoch <= ae->ae_bound)
		return -DER_TX_RESTART;
	if (ae->ae_nholds == ae->ae_holds_cap) {
		uint32_t      cap = ae->ae_holds_cap == 0 ? 16 : ae->ae_holds_cap * 2;
		daos_epoch_t *h;

		D_REALLOC_ARRAY(h, ae->ae_holds, ae->ae_holds_cap, cap);
		if (h == NULL)
			return -DER_NOMEM;
		ae->ae_holds     = h;
		ae->ae_holds_cap = cap;
	}
	ae->ae_holds[ae->ae_nholds++] = epoch;
	return 0;
}

void
ds_cont_agg_release(const uuid_t pool, const uuid_t cont, daos_epoch_t epoch)
{
	struct cont_agg_ent *ae = agg_find(dss_tgt_self(), pool, cont);
	uint32_t             i;

	if (ae == NULL)
		return; /* dropped (destroyed) meanwhile */
	for (i = 0; i < ae->ae_nholds; i++) {
		if (ae->ae_holds[i] == epoch) {
			ae->ae_holds[i] = ae->ae_holds[--ae->ae_nholds];
			return;
		}
	}
	D_ASSERTF(0, "aggregation hold at %#" PRIx64 " released twice\n", epoch);
}

int
ds_cont_agg_read_check(const uuid_t pool, const uuid_t cont, daos_epoch_t epoch)
{
	struct cont_agg_ent *ae;

	if (epoch == DAOS_EPOCH_MAX)
		return 0;
	ae = agg_find(dss_tgt_self(), pool, cont);
	if (ae == NULL || epoch > ae->ae_bound || agg_is_snap(ae, epoch))
		return 0;
	return -DER_TX_RESTART;
}

/* ---- the bound (target thread) ---- */

static void
agg_tick_one(struct cont_agg_ent *ae, daos_epoch_t clock, uint64_t now)
{
	struct vos_store_stats st;
	struct vos_store      *vs = dss_shard_store(ae->ae_pool);
	daos_epoch_t           want = clock;
	uint32_t               i;

	if (vs == NULL)
		return;
	if (!ae->ae_reclaim) {
		agg_unset(ae); /* the bound stays: what is merged stays merged */
		ae->ae_changed = false;
		return;
	}
	for (i = 0; i < ae->ae_nholds; i++)
		if (ae->ae_holds[i] - 1 < want)
			want = ae->ae_holds[i] - 1;
	if (want > ae->ae_bound)
		ae->ae_bound = want;
	vos_store_stats_get(vs, &st);
	if (st.vss_logged != ae->ae_logged) {
		ae->ae_logged  = st.vss_logged;
		ae->ae_written = d_hlc_get();
	}
	/* A pass scans the whole container: only while writes (the store's,
	 * any container's) may lie between the last setting and the bound, and
	 * not too often. Its own records count as writes: one idle pass more. */
	if (!ae->ae_changed &&
	    (ae->ae_set >= ae->ae_written || ae->ae_bound == ae->ae_set ||
	     now - ae->ae_set_ns < agg_every_ns))
		return;
	if (ae->ae_bound == 0)
		return;
	(void)agg_set(ae, vs, now);
}

static int
agg_set(struct cont_agg_ent *ae, struct vos_store *vs, uint64_t now)
{
	int rc = vos_store_agg_set(vs, ae->ae_cont, ae->ae_bound, ae->ae_snaps, ae->ae_nsnaps);

	if (rc != 0) {
		DL_ERROR(rc, "container " DF_UUID ": aggregation not set", DP_UUID(ae->ae_cont));
		return rc;
	}
	ae->ae_set     = ae->ae_bound;
	ae->ae_set_ns  = now;
	ae->ae_changed = false;
	return 0;
}

static void
agg_ult(void *arg)
{
	struct sched        *s   = sched_current();
	int                  tgt = (int)(intptr_t)arg;
	uint64_t             nap = MIN(CONT_AGG_SLICE_NS, agg_every_ns), slept = 0;
	struct cont_agg_ent *ae;
	daos_epoch_t         clock;

	while (!sched_stopping(s)) {
		/* short naps so a stop is quick; a tick at most once a second */
		sched_sleep_ns(s, nap);
		slept += nap;
		if (slept < MIN(agg_every_ns, 1000ull * 1000 * 1000) || dss_state() != DSS_READY)
			continue;
		slept = 0;
		clock = agg_clock_bound();
		d_list_for_each_entry(ae, agg_list(tgt), ae_link)
			agg_tick_one(ae, clock, d_gettime_ns());
	}
	tgt_agg_drop_pool(tgt, NULL);
}

int
cont_agg_init_tgt(int tgt)
{
	pthread_once(&agg_once, agg_config);
	agg_list(tgt);
	return sched_ult_create(sched_current(), agg_ult, (void *)(intptr_t)tgt);
}
