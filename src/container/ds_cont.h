/*
 * ds_cont.h - the container service: what other server modules may use.
 *
 * Containers live in the system database (record: uuid, label, properties,
 * snapshots, the next free object id; attributes in their own table) and in
 * every target's shard of the pool (a VOS container). Opening a container
 * gives a handle that every target learns before the open returns, so the
 * object service checks handles locally, without asking the system thread.
 * Handles are durable (a record in the system database, written before the
 * open replies): at start the container service hands every reloaded
 * handle to every target again, before any request is served, so a handle
 * survives a restart; it goes with close, its pool handle's disconnect or
 * evict, and its container's or pool's destroy.
 */
#ifndef __CONTAINER_DS_CONT_H__
#define __CONTAINER_DS_CONT_H__

#include <gurt/common.h>
#include <daos_types.h>

/* An open container handle as a target knows it. */
struct ds_cont_tgt_hdl {
	uuid_t   th_coh;
	uuid_t   th_pool;
	uuid_t   th_cont;
	uint64_t th_flags;   /* DAOS_COO_* */
	uint32_t th_csum;    /* DAOS_PROP_CO_CSUM_* of the container */
	bool     th_srv_verify;
};

/* Target thread: the handle, or NULL (closed, evicted, destroyed or never opened). */
const struct ds_cont_tgt_hdl *ds_cont_tgt_hdl_find(const uuid_t coh);

/*
 * Aggregation (cont_agg.c). Each target merges the old versions of its
 * shard of a container below a bound that trails the clock (by
 * DSTOR_AGG_LAG_MS, 20 s unless set) and never passes a snapshot or a write
 * still under way. Target thread:
 *   - ds_cont_agg_hold: a write chosen to land at epoch holds the bound below
 *     it until ds_cont_agg_release (once it is applied, or has failed).
 *     -DER_TX_RESTART when epoch is at or below the bound already (a
 *     transaction older than the lag), -DER_NOMEM.
 *   - ds_cont_agg_read_check: a read at epoch (DAOS_EPOCH_MAX: the latest,
 *     always fine) sees exactly what was there at epoch: 0, or
 *     -DER_TX_RESTART when epoch is at or below the bound and not a snapshot.
 */
int  ds_cont_agg_hold(const uuid_t pool, const uuid_t cont, daos_epoch_t epoch);
void ds_cont_agg_release(const uuid_t pool, const uuid_t cont, daos_epoch_t epoch);
int  ds_cont_agg_read_check(const uuid_t pool, const uuid_t cont, daos_epoch_t epoch);

#endif /* __CONTAINER_DS_CONT_H__ */
