/*
 * daos_event.h - event queues and events: how every call runs asynchronously.
 *
 * Each call that takes a daos_event_t *ev runs synchronously when ev is NULL
 * (it returns the result) and asynchronously otherwise: it returns 0 once the
 * operation is launched, and the result lands in ev->ev_error when the event
 * completes. Completed events are collected with daos_eq_poll() on the queue
 * the event was initialised with, or with daos_event_test() on the event.
 *
 * Progress is made inside daos_eq_poll(), daos_event_test() and the blocking
 * calls; there is no hidden progress thread.
 *
 * A parent event completes when all its children have; children are launched
 * one by one and the parent is launched last (or barriered) to seal the group.
 *
 * Caveats:
 * - An event must not be reused or finalised while in flight.
 * - Events initialised on an event queue must be finalised before
 *   daos_eq_destroy(), unless DAOS_EQ_DESTROY_FORCE is passed.
 */
#ifndef __DAOS_EVENT_H__
#define __DAOS_EVENT_H__

#include <daos_types.h>
#include <daos_errno.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* Create an event queue. -DER_NOMEM, -DER_UNINIT before daos_init(). */
int
daos_eq_create(daos_handle_t *eqh);

#define DAOS_EQ_DESTROY_FORCE 1 /* abort and discard events still on the queue */

/* Destroy a queue; -DER_BUSY if events are in flight and flags lacks FORCE. */
int
daos_eq_destroy(daos_handle_t eqh, int flags);

/*
 * Reap up to nevents completed events into events[], waiting up to timeout
 * microseconds (DAOS_EQ_WAIT: forever, DAOS_EQ_NOWAIT: not at all) for at least
 * one. With wait_running set, return at once when nothing is in flight.
 * Returns the number of events reaped, or a negative DER_* code.
 */
int
daos_eq_poll(daos_handle_t eqh, int wait_running, int64_t timeout, unsigned int nevents,
	     daos_event_t **events);

/*
 * Count the queue's events of kind query (daos_eq_query_t) and copy up to
 * nevents of them into events[] (which may be NULL), without reaping them.
 */
int
daos_eq_query(daos_handle_t eqh, daos_eq_query_t query, unsigned int nevents,
	      daos_event_t **events);

/*
 * Initialise an event on queue eqh (DAOS_HDL_INVAL: no queue, test it with
 * daos_event_test), optionally as a child of parent.
 */
int
daos_event_init(daos_event_t *ev, daos_handle_t eqh, daos_event_t *parent);

/* Finalise an event (and its children); -DER_BUSY while it is in flight. */
int
daos_event_fini(daos_event_t *ev);

/* Iterate over parent's children: the first one when child is NULL, NULL after the last. */
daos_event_t *
daos_event_next(daos_event_t *parent, daos_event_t *child);

/*
 * Wait up to timeout microseconds (DAOS_EQ_WAIT, DAOS_EQ_NOWAIT as for polling)
 * for ev to complete; *flag tells whether it has.
 */
int
daos_event_test(struct daos_event *ev, int64_t timeout, bool *flag);

/* Called when an event completes: (arg, ev, rc); its return value replaces rc. */
typedef int (*daos_event_comp_cb_t)(void *, daos_event_t *, int);

/* Add a completion callback to ev; callbacks run in the order they were registered. */
int
daos_event_register_comp_cb(struct daos_event *ev, daos_event_comp_cb_t cb, void *arg);

/* Launch a parent event with no operation of its own: it completes when its children have. */
int
daos_event_parent_barrier(struct daos_event *ev);

/* Try to abort an in-flight event; it is still reaped from its queue like any other. */
int
daos_event_abort(daos_event_t *ev);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_EVENT_H__ */
