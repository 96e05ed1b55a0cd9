/*
 * daos_kv.h - flat key-value objects: string keys, byte values.
 *
 * A KV object is an object of type DAOS_OT_KV_* (generate its ID with that
 * type) whose keys are dkeys holding one single value each. Opening is local
 * (no message); a key's value is replaced as a whole by each put.
 */
#ifndef __DAOS_KV_H__
#define __DAOS_KV_H__

#include <daos_types.h>
#include <daos_event.h>
#include <daos_obj.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* Conditional flags of put/get/remove. */
#define DAOS_COND_KEY_INSERT DAOS_COND_DKEY_INSERT /* put: -DER_EXIST if the key exists */
#define DAOS_COND_KEY_UPDATE DAOS_COND_DKEY_UPDATE /* put: -DER_NONEXIST if it does not */
#define DAOS_COND_KEY_GET    DAOS_COND_DKEY_FETCH  /* get: -DER_NONEXIST if it does not */
#define DAOS_COND_KEY_REMOVE DAOS_COND_PUNCH       /* remove: -DER_NONEXIST if it does not */

/* Open KV object oid (DAOS_OO_RO or DAOS_OO_RW); -DER_INVAL if oid is not a KV type. */
int
daos_kv_open(daos_handle_t coh, daos_obj_id_t oid, unsigned int mode, daos_handle_t *oh,
	     daos_event_t *ev);

int
daos_kv_close(daos_handle_t oh, daos_event_t *ev);

/* Punch every key of the object. */
int
daos_kv_destroy(daos_handle_t oh, daos_handle_t th, daos_event_t *ev);

/* Set key (a C string) to size bytes at buf. */
int
daos_kv_put(daos_handle_t oh, daos_handle_t th, uint64_t flags, const char *key,
	    daos_size_t size, const void *buf, daos_event_t *ev);

/*
 * Read key's value into buf. *size in: room in buf (DAOS_REC_ANY with buf NULL:
 * only ask); out: the value's size, 0 when the key is absent.
 * -DER_REC2BIG when the value does not fit.
 */
int
daos_kv_get(daos_handle_t oh, daos_handle_t th, uint64_t flags, const char *key,
	    daos_size_t *size, void *buf, daos_event_t *ev);

int
daos_kv_remove(daos_handle_t oh, daos_handle_t th, uint64_t flags, const char *key,
	       daos_event_t *ev);

/* List keys, as daos_obj_list_dkey (keys are not NUL-terminated in sgl). */
int
daos_kv_list(daos_handle_t oh, daos_handle_t th, uint32_t *nr, daos_key_desc_t *kds,
	     d_sg_list_t *sgl, daos_anchor_t *anchor, daos_event_t *ev);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_KV_H__ */
