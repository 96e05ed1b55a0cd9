/*
 * cont_internal.h - what the container service's files share: the service
 * (cont_srv.c) tells the targets' aggregation (cont_agg.c) each container's
 * snapshots and its pool's reclaim setting.
 */
#ifndef __CONTAINER_CONT_INTERNAL_H__
#define __CONTAINER_CONT_INTERNAL_H__

#include "engine/engine.h"
#include "ds_cont.h"

/* A container's aggregation settings, for every target. */
struct cont_agg_push {
	uuid_t              ap_pool;
	uuid_t              ap_cont;
	const daos_epoch_t *ap_snaps; /* ascending */
	uint32_t            ap_nsnaps;
	bool                ap_reclaim;
	bool                ap_drop;  /* forget the container (it is being destroyed) */
	daos_epoch_t        ap_now;   /* > 0: aggregate up to here at once (daos_cont_aggregate) */
};

/*
 * System thread: give every target the settings (their ULT picks them up at
 * its next tick). -DER_TX_RESTART when a target has aggregated past a
 * snapshot it did not know yet (the caller takes a newer epoch; the targets
 * that accepted keep it until the next push), -DER_NOMEM.
 */
int  cont_agg_push(const struct cont_agg_push *ap);
/* System thread: forget every container of pool, or of every pool. */
void cont_agg_drop_pool(const uuid_t pool);
void cont_agg_drop_all(void);
/* Target thread, at its start: the ULT that moves the bounds. */
int  cont_agg_init_tgt(int tgt);

#endif /* __CONTAINER_CONT_INTERNAL_H__ */
