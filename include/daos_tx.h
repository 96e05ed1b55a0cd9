/*
 * daos_tx.h - distributed transactions.
 *
 * A transaction groups object updates, punches and reads of one container so
 * that they become visible atomically at one epoch. Pass its handle as the th
 * argument of object, KV and array calls; DAOS_TX_NONE runs each call on its own.
 *
 * Reads in a transaction see a consistent snapshot; a conflict with another
 * transaction makes commit (or an earlier call) return -DER_TX_RESTART: call
 * daos_tx_restart() and redo the transaction's operations on the same handle.
 *
 * DAOS declares these calls in daos_api.h, which includes this header; both
 * work, as does daos.h.
 */
#ifndef __DAOS_TX_H__
#define __DAOS_TX_H__

#include <daos_types.h>
#include <daos_event.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* daos_tx_open flags */
enum {
	DAOS_TF_RDONLY    = (1 << 0), /* no modification will be made */
	DAOS_TF_ZERO_COPY = (1 << 1), /* keep pointing at caller's value buffers until commit
				       * completes instead of copying them (keys are copied) */
};

/* Open a transaction on container coh (DAOS_TF_* flags). */
int
daos_tx_open(daos_handle_t coh, daos_handle_t *th, uint64_t flags, daos_event_t *ev);

/* Commit; -DER_TX_RESTART asks for a restart. After success th only accepts close. */
int
daos_tx_commit(daos_handle_t th, daos_event_t *ev);

/* Open a read-only transaction reading at a snapshot's epoch. */
int
daos_tx_open_snap(daos_handle_t coh, daos_epoch_t epoch, daos_handle_t *th, daos_event_t *ev);

/* Discard the transaction's modifications; the handle stays open until closed. */
int
daos_tx_abort(daos_handle_t th, daos_event_t *ev);

/* Release the handle (an uncommitted transaction is discarded). */
int
daos_tx_close(daos_handle_t th, daos_event_t *ev);

/* Reset a transaction after -DER_TX_RESTART, for its operations to be issued again. */
int
daos_tx_restart(daos_handle_t th, daos_event_t *ev);

/* The epoch the transaction reads at, once it has one. */
int
daos_tx_hdl2epoch(daos_handle_t th, daos_epoch_t *epoch);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_TX_H__ */
