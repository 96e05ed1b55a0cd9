/*
 * ds_pool.h - the pool service of one server (system thread).
 *
 * A pool is storage reserved on every target: a shard (one vos_store) per
 * target, sized at creation as an equal share of the pool's size, split
 * into WAL, META and DATA. The service keeps every pool's record (uuid,
 * label, state, shard sizes, properties) in the system database and in
 * DRAM, and the pool handles clients connect with.
 *
 * Handles are durable: connect writes the handle's record (pool uuid,
 * handle uuid, flags, connect time; DSS_TBL_POOL_HDL, see srv_proto.h)
 * before it replies, disconnect, evict and destroy remove it, and a start
 * loads every record back, so a client keeps using its handle across a
 * restart (clean or kill -9), as DAOS's pool service keeps its handles in
 * its replicated database. A handle whose connect reply never reached the
 * client (the server died after the record was written) is left behind, as
 * in DAOS: `dmg pool evict` (ds_pool_evict) or a forced destroy removes it
 * with the others. A record delete that fails is logged and leaves the
 * handle to come back at the next start (evict removes it then).
 *
 * Crash safety of create and destroy: the record is written in state
 * CREATING (DESTROYING) before any shard is touched, and set READY (removed)
 * after; a pool found CREATING or DESTROYING at start is removed.
 *
 * Every call below runs on the system thread, from a ULT.
 */
#ifndef __POOL_DS_POOL_H__
#define __POOL_DS_POOL_H__

#include <gurt/list.h>
#include "common/srv_proto.h"
#include "engine/engine.h"

struct ds_pool {
	d_list_t              p_link;
	uuid_t                p_uuid;
	char                  p_label[DSP_LABEL_MAX + 1];
	uint32_t              p_state;      /* enum dsp_pool_state */
	uint32_t              p_map_version;
	struct dss_shard_size p_shard;      /* each target's share */
	struct dsp_props      p_props;
	d_list_t              p_handles;    /* struct ds_pool_hdl */
	uint32_t              p_nhandles;
	uint32_t              p_busy;       /* ULTs inside a create/destroy of this pool */
};

struct ds_pool_hdl {
	d_list_t ph_link;
	uuid_t   ph_uuid;
	uint64_t ph_flags; /* DAOS_PC_* */
	uint64_t ph_time;  /* HLC at connect */
};

/* Create a pool of size bytes (or pct % of the free space when pct > 0) with
 * props (label taken from label, may be NULL). -DER_EXIST (label in use),
 * -DER_INVAL (bad label, size too small, bad property), -DER_NOSPACE. */
int  ds_pool_create(const char *label, uint64_t size, uint32_t pct, const struct dsp_props *props,
		    struct ds_pool **poolp);
/* -DER_NONEXIST, -DER_BUSY (handles open, and !force). */
int  ds_pool_destroy(const char *id, bool force);
/* By label or UUID string; only READY pools. NULL if none. */
struct ds_pool *ds_pool_lookup(const char *id);
struct ds_pool *ds_pool_lookup_uuid(const uuid_t uuid);
/* Space and counters, asking every target. */
int  ds_pool_query(struct ds_pool *pool, struct dsp_pool_info *pi);
/* Replace properties (validated; a label must stay unique). */
int  ds_pool_set_props(struct ds_pool *pool, const struct dsp_props *props);
/* Drop every handle, and its record (reloaded handles too). Returns how many. */
uint32_t ds_pool_evict(struct ds_pool *pool);
struct ds_pool_hdl *ds_pool_hdl_find(struct ds_pool *pool, const uuid_t hdl);
/* For each READY pool, in creation order; cb returning non-zero stops. */
int  ds_pool_foreach(int (*cb)(struct ds_pool *pool, void *arg), void *arg);
uint32_t ds_pool_count(void);

/* Called when a pool is destroyed (after its shards are gone), so services
 * layered on pools (containers) drop what they hold for it. */
void ds_pool_on_destroy(void (*fn)(const uuid_t pool));
/* Called after a pool's properties changed (the reclaim setting, say). */
void ds_pool_on_props_set(void (*fn)(const uuid_t pool));
/* Called when a pool handle goes away (disconnect, evict, destroy). */
void ds_pool_on_disconnect(void (*fn)(const uuid_t pool, const uuid_t hdl));

#endif /* __POOL_DS_POOL_H__ */
