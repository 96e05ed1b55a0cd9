/*
 * daos.h - the DAOS client API: include this and link -ldaos.
 *
 * Every call returns 0 or a negative DER_* code (daos_errno.h). Calls taking
 * a daos_event_t * run synchronously when it is NULL, asynchronously
 * otherwise (daos_event.h). Start with daos_init(), then
 *
 *   daos_pool_connect -> daos_cont_open -> daos_obj_open / daos_kv_open /
 *   daos_array_open -> I/O -> close, close, disconnect -> daos_fini()
 *
 * The headers (and what each provides):
 *   daos_version.h  API version           daos_types.h    handles, epochs, oids
 *   daos_event.h    event queues          daos_pool.h     pools
 *   daos_cont.h     containers            daos_prop.h     properties
 *   daos_security.h ACLs                  daos_obj.h      objects, oid layout
 *   daos_obj_class.h object classes       daos_kv.h       key-value objects
 *   daos_array.h    array objects         daos_tx.h       transactions
 *   daos_mgmt.h     system information    daos_api.h      anchors, utilities
 */
#ifndef __DAOS_H__
#define __DAOS_H__

#include <daos_version.h>
#include <daos_types.h>
#include <daos_errno.h>
#include <daos_event.h>

#include <daos_obj.h>
#include <daos_array.h>
#include <daos_kv.h>
#include <daos_prop.h>
#include <daos_cont.h>
#include <daos_pool.h>
#include <daos_mgmt.h>
#include <daos_security.h>
#include <daos_tx.h>

#include <daos_api.h>

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Initialise the library: reads the client configuration, connects nothing yet.
 * Reference-counted: each successful call needs one daos_fini().
 */
int
daos_init(void);

/* Drop one reference; the last one tears the library down (-DER_UNINIT without init). */
int
daos_fini(void);

/*
 * Re-initialise the library in a child after fork() without exec (for
 * pthread_atfork handlers, data-loader worker processes). Pool, container
 * and object handles opened before the fork stay usable in the child; there
 * closing them is local (only the parent's close releases them). Event
 * queues and events made before the fork must be re-created in the child.
 */
int
daos_reinit(void);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_H__ */
