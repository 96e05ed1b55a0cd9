/*
 * daos_cont.h - containers: create, open, query, properties, ACLs,
 * attributes, snapshots, object ID allocation.
 *
 * A container is a versioned object namespace inside a pool, named by a label
 * or a UUID. Its properties (daos_prop.h) are fixed at creation except the
 * few that daos_cont_set_prop() may change (label, owner, ACL, status...).
 *
 * daos_cont_create, daos_cont_open and daos_cont_destroy are macros for
 * daos_cont_create2, daos_cont_open2 and daos_cont_destroy2, the symbols the
 * library exports, as in DAOS.
 *
 * Caveats:
 * - A snapshot is an epoch: reading "at a snapshot" is opening a read-only
 *   transaction at that epoch (daos_tx_open_snap).
 * - Container handles shared with daos_cont_local2global() need the pool
 *   handle of the receiving process to be turned back into handles.
 */
#ifndef __DAOS_CONT_H__
#define __DAOS_CONT_H__

#define daos_cont_open    daos_cont_open2
#define daos_cont_destroy daos_cont_destroy2
#define daos_cont_create  daos_cont_create2

#include <sys/types.h>

#include <daos_types.h>
#include <daos_event.h>
#include <daos_prop.h>
#include <daos_security.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* Open modes: exactly one of RO, RW, EX, with the other bits as modifiers. */
#define DAOS_COO_RO         (1U << 0) /* read only */
#define DAOS_COO_RW         (1U << 1) /* read and write */
#define DAOS_COO_EX         (1U << 2) /* read and write, no other handle; owner only */
#define DAOS_COO_FORCE      (1U << 3) /* open even if the pool no longer meets the RF */
#define DAOS_COO_RO_MDSTATS (1U << 4) /* with RO: do not update open/close times */
#define DAOS_COO_EVICT      (1U << 5) /* recovery: first evict this user's handles (RO/RW) */
#define DAOS_COO_EVICT_ALL  (1U << 6) /* recovery: first evict all handles (EX, owner) */
#define DAOS_COO_NEW_LAYOUT (1U << 7) /* the client understands the new hash layout */
#define DAOS_COO_NBITS      (8)
#define DAOS_COO_MASK       ((1U << DAOS_COO_NBITS) - 1)
#define DAOS_COO_IO_BASE_MASK (DAOS_COO_RO | DAOS_COO_RW | DAOS_COO_EX)

#define DAOS_CONT_HINT_MAX_LEN 128

/* Parse "1,3,5" (sep: the separators) into a new rank list; NULL on bad input. */
d_rank_list_t *
daos_rank_list_parse(const char *str, const char *sep);

/* ---- handle sharing ---- */

/* Pack an open container handle for another process (glob->iov_buf NULL: size only). */
int
daos_cont_local2global(daos_handle_t coh, d_iov_t *glob);

/* A handle, under pool connection poh, from bytes packed by daos_cont_local2global(). */
int
daos_cont_global2local(daos_handle_t poh, d_iov_t glob, daos_handle_t *coh);

/* ---- life cycle ---- */

/*
 * Create a container with properties cont_prop (optional; a DAOS_PROP_CO_LABEL
 * entry names it). *uuid (optional) returns its UUID. -DER_EXIST if the label
 * is taken.
 */
int
daos_cont_create(daos_handle_t poh, uuid_t *uuid, daos_prop_t *cont_prop, daos_event_t *ev);

/* As daos_cont_create, with the label given apart from cont_prop. */
int
daos_cont_create_with_label(daos_handle_t poh, const char *label, daos_prop_t *cont_prop,
			    uuid_t *uuid, daos_event_t *ev);

/*
 * Open container cont (a label or a UUID string) with DAOS_COO_* flags; info
 * (optional) is filled as by daos_cont_query. -DER_NONEXIST if there is none,
 * -DER_NO_PERM if the ACL denies the mode, -DER_BUSY if an EX handle is open.
 */
int
daos_cont_open(daos_handle_t poh, const char *cont, unsigned int flags, daos_handle_t *coh,
	       daos_cont_info_t *info, daos_event_t *ev);

int
daos_cont_close(daos_handle_t coh, daos_event_t *ev);

/*
 * Destroy container cont (label or UUID string). -DER_BUSY while it has open
 * handles, unless force is set (they are evicted).
 */
int
daos_cont_destroy(daos_handle_t poh, const char *cont, int force, daos_event_t *ev);

/* ---- query and properties ---- */

/*
 * Query an open container. cont_prop (optional): the entries it lists, or all
 * properties when it has no entries; free with daos_prop_free().
 */
int
daos_cont_query(daos_handle_t coh, daos_cont_info_t *info, daos_prop_t *cont_prop,
		daos_event_t *ev);

/* A new property list with the ACL, owner and owner group entries. */
int
daos_cont_get_acl(daos_handle_t coh, daos_prop_t **acl_prop, daos_event_t *ev);

/* Change the settable properties in prop; -DER_NO_PERM without DAOS_ACL_PERM_SET_PROP. */
int
daos_cont_set_prop(daos_handle_t coh, daos_prop_t *prop, daos_event_t *ev);

/* Set the container's status back to DAOS_PROP_CO_HEALTHY. */
int
daos_cont_status_clear(daos_handle_t coh, daos_event_t *ev);

/* Replace the ACL, add or replace entries, or delete one principal's entry. */
int
daos_cont_overwrite_acl(daos_handle_t coh, struct daos_acl *acl, daos_event_t *ev);

int
daos_cont_update_acl(daos_handle_t coh, struct daos_acl *acl, daos_event_t *ev);

int
daos_cont_delete_acl(daos_handle_t coh, enum daos_acl_principal_type type, d_string_t name,
		     daos_event_t *ev);

/* Change owner user and/or group ("name@", NULL: unchanged); _no_check skips the name lookup. */
int
daos_cont_set_owner(daos_handle_t coh, d_string_t user, d_string_t group, daos_event_t *ev);

int
daos_cont_set_owner_no_check(daos_handle_t coh, d_string_t user, d_string_t group,
			     daos_event_t *ev);

/* ---- user attributes (as the pool's, see daos_pool.h) ---- */

int
daos_cont_list_attr(daos_handle_t coh, char *buffer, size_t *size, daos_event_t *ev);

int
daos_cont_get_attr(daos_handle_t coh, int n, char const *const names[], void *const buffers[],
		   size_t sizes[], daos_event_t *ev);

int
daos_cont_set_attr(daos_handle_t coh, int n, char const *const names[],
		   void const *const values[], size_t const sizes[], daos_event_t *ev);

int
daos_cont_del_attr(daos_handle_t coh, int n, char const *const names[], daos_event_t *ev);

/* ---- object IDs and epochs ---- */

/*
 * Reserve num_oids object IDs unique in the container, for any number of
 * clients: *oid is the first, [*oid, *oid + num_oids) are the caller's, to be
 * put in oid.lo before daos_obj_generate_oid().
 */
int
daos_cont_alloc_oids(daos_handle_t coh, daos_size_t num_oids, uint64_t *oid, daos_event_t *ev);

/* Aggregate versions up to epoch (0: now; DAOS_EPOCH_MAX: -DER_INVAL) without waiting for
 * the background pass; -DER_NO_PERM on a read-only handle. */
int
daos_cont_aggregate(daos_handle_t coh, daos_epoch_t epoch, daos_event_t *ev);

/* Roll the container back to the snapshot at epoch (-DER_NOSYS, as in DAOS 2.x). */
int
daos_cont_rollback(daos_handle_t coh, daos_epoch_t epoch, daos_event_t *ev);

/* Wait for a snapshot at *epoch or later (0: the first); *epoch returns the lowest such
 * (-DER_NOSYS, as in DAOS 2.x). */
int
daos_cont_subscribe(daos_handle_t coh, daos_epoch_t *epoch, daos_event_t *ev);

/* ---- snapshots ---- */

#define DAOS_SNAPSHOT_MAX_LEN 128 /* bytes of a snapshot name, NUL included */

/* Take a snapshot now, named name (optional); *epoch returns its epoch. */
int
daos_cont_create_snap(daos_handle_t coh, daos_epoch_t *epoch, char *name, daos_event_t *ev);

enum daos_snapshot_opts {
	DAOS_SNAP_OPT_CR  = (1 << 0), /* create the snapshot */
	DAOS_SNAP_OPT_OIT = (1 << 1), /* and its object ID table */
};

int
daos_cont_create_snap_opt(daos_handle_t coh, daos_epoch_t *epoch, char *name,
			  enum daos_snapshot_opts opts, daos_event_t *ev);

/*
 * List snapshots: *nr in, room in epochs[] and names[] (each name
 * DAOS_SNAPSHOT_MAX_LEN bytes; names may be NULL); out, how many there are.
 * anchor starts zeroed and is left alone between calls.
 */
int
daos_cont_list_snap(daos_handle_t coh, int *nr, daos_epoch_t *epochs, char **names,
		    daos_anchor_t *anchor, daos_event_t *ev);

/*
 * Destroy snapshots in epr: one when epr_lo == epr_hi, all up to epr_hi when
 * epr_lo is 0, all from epr_lo when epr_hi is DAOS_EPOCH_MAX.
 */
int
daos_cont_destroy_snap(daos_handle_t coh, daos_epoch_range_t epr, daos_event_t *ev);

/* The DAOS_ACL_PERM_* bits a user has on a container, from cont_prop's ACL and owners. */
int
daos_cont_get_perms(daos_prop_t *cont_prop, uid_t uid, gid_t *gids, size_t nr_gids,
		    uint64_t *perms);

/* Build the object ID table of a snapshot (for listing its objects), or destroy it. */
int
daos_cont_snap_oit_create(daos_handle_t coh, daos_epoch_t epoch, char *name, daos_event_t *ev);

int
daos_cont_snap_oit_destroy(daos_handle_t coh, daos_handle_t oh, daos_event_t *ev);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_CONT_H__ */
