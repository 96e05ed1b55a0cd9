/*
 * daos_mgmt.h - what applications ask the management service: the system's
 * access points and the pools a user may connect to. Administration (pool
 * creation, storage, ranks) is dmg's, not the client library's.
 */
#ifndef __DAOS_MGMT_H__
#define __DAOS_MGMT_H__

#include <uuid/uuid.h>

#include <daos_types.h>
#include <daos_event.h>
#include <daos_cont.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* The system's name, fabric and engines (sys NULL: the default system); free with put. */
int
daos_mgmt_get_sys_info(const char *sys, struct daos_sys_info **info);

void
daos_mgmt_put_sys_info(struct daos_sys_info *info);

/* One pool, as daos_mgmt_list_pools returns it (label and svc allocated by the library). */
typedef struct {
	uuid_t         mgpi_uuid;
	d_string_t     mgpi_label;
	d_rank_list_t *mgpi_svc; /* pool service replicas */
	d_rank_t       mgpi_ldr; /* pool service leader */
} daos_mgmt_pool_info_t;

/* Make the pool service leader step down (testing). */
int
daos_pool_stop_svc(daos_handle_t poh, daos_event_t *ev);

/*
 * List the pools of system group (NULL: default) that the caller may access.
 * *npools in: room in pools; out: how many there are (pools NULL: only count).
 * -DER_TRUNC when pools is too short.
 */
int
daos_mgmt_list_pools(const char *group, daos_size_t *npools, daos_mgmt_pool_info_t *pools,
		     daos_event_t *ev);

/* daos_debug_set_params keys (fault injection on the engines). */
enum {
	DMG_KEY_FAIL_LOC = 0,
	DMG_KEY_FAIL_VALUE,
	DMG_KEY_FAIL_NUM,
	DMG_KEY_NUM,
};

/* Set a debug parameter on one engine (rank) or all (rank -1). */
int
daos_debug_set_params(const char *grp, d_rank_t rank, unsigned int key_id, uint64_t value,
		      uint64_t value_extra, daos_event_t *ev);

/* Write mark into the engines' logs. */
int
daos_debug_add_mark(const char *mark);

/* State of a blobstore of system group (DAOS's SPDK notion; testing). */
int
daos_mgmt_get_bs_state(const char *group, uuid_t blobstore_uuid, int *blobstore_state,
		       daos_event_t *ev);

/* Version of the servers, and its tag. */
int
dc_mgmt_srv_version(uint32_t *major, uint32_t *minor, uint32_t *patch, char **tag);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_MGMT_H__ */
