/*
 * daos_array.h - array objects: a 1-D array of fixed-size cells over an object.
 *
 * An array has a cell size (bytes per record) and a chunk size (records kept
 * under one dkey before the next dkey, hence the next shard, takes over). With
 * type DAOS_OT_ARRAY both are stored in the object (daos_array_create, then
 * daos_array_open finds them); with DAOS_OT_ARRAY_ATTR or DAOS_OT_ARRAY_BYTE
 * the caller remembers them and opens with daos_array_open_with_attr.
 *
 * Indexes and sizes are in records (cells), not bytes, unless the cell size is 1.
 *
 * Caveats:
 * - Reading holes or past the end does not fail: arr_nr_read says how many
 *   records were found, and a nonzero arr_nr_short_read that the read may
 *   have been short (compare with daos_array_get_size()).
 * - daos_array_set_size() is not an allocation: growing writes one record.
 */
#ifndef __DAOS_ARRAY_H__
#define __DAOS_ARRAY_H__

#include <daos_types.h>
#include <daos_event.h>
#include <daos_obj.h>
#include <daos_obj_class.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define DAOS_ARRAY_LIST_IO_LIMIT 16384 /* most ranges in one update */
#define DAOS_ARRAY_RG_LEN_THD    16    /* bytes: ranges this small count against that limit */

/* Records [rg_idx, rg_idx + rg_len). */
typedef struct {
	daos_off_t  rg_idx;
	daos_size_t rg_len;
} daos_range_t;

/* Ranges to read, write or punch. */
typedef struct {
	daos_size_t   arr_nr; /* entries in arr_rgs */
	daos_range_t *arr_rgs;
	daos_size_t   arr_nr_short_read; /* read: nonzero if the read may have been short */
	daos_size_t   arr_nr_read;       /* read: records found */
} daos_array_iod_t;

typedef struct {
	daos_size_t  st_size;      /* records */
	daos_epoch_t st_max_epoch; /* last modification */
} daos_array_stbuf_t;

/* daos_obj_generate_oid for an array: DAOS_OT_ARRAY when add_attr, else DAOS_OT_ARRAY_ATTR. */
static inline int
daos_array_generate_oid(daos_handle_t coh, daos_obj_id_t *oid, bool add_attr, daos_oclass_id_t cid,
			daos_oclass_hints_t hints, uint32_t args)
{
	enum daos_otype_t type = add_attr ? DAOS_OT_ARRAY : DAOS_OT_ARRAY_ATTR;

	return daos_obj_generate_oid(coh, oid, type, cid, hints, args);
}

/* Create an array of type DAOS_OT_ARRAY, storing its sizes; -DER_EXIST if it exists. */
int
daos_array_create(daos_handle_t coh, daos_obj_id_t oid, daos_handle_t th, daos_size_t cell_size,
		  daos_size_t chunk_size, daos_handle_t *oh, daos_event_t *ev);

/* Open an existing DAOS_OT_ARRAY array, returning its sizes; -DER_NONEXIST if not created. */
int
daos_array_open(daos_handle_t coh, daos_obj_id_t oid, daos_handle_t th, unsigned int mode,
		daos_size_t *cell_size, daos_size_t *chunk_size, daos_handle_t *oh,
		daos_event_t *ev);

/* Open an array whose sizes the caller gives (local: no message). */
int
daos_array_open_with_attr(daos_handle_t coh, daos_obj_id_t oid, daos_handle_t th,
			  unsigned int mode, daos_size_t cell_size, daos_size_t chunk_size,
			  daos_handle_t *oh, daos_event_t *ev);

/* Share an open array handle (glob->iov_buf NULL: size only), and back, with a new mode. */
int
daos_array_local2global(daos_handle_t oh, d_iov_t *glob);

int
daos_array_global2local(daos_handle_t coh, d_iov_t glob, unsigned int mode, daos_handle_t *oh);

int
daos_array_close(daos_handle_t oh, daos_event_t *ev);

/* Read the ranges of iod into sgl, records back to back. */
int
daos_array_read(daos_handle_t oh, daos_handle_t th, daos_array_iod_t *iod, d_sg_list_t *sgl,
		daos_event_t *ev);

/* Write the ranges of iod from sgl, which must hold exactly their bytes. */
int
daos_array_write(daos_handle_t oh, daos_handle_t th, daos_array_iod_t *iod, d_sg_list_t *sgl,
		 daos_event_t *ev);

/* Records in the array: one past the highest record written. */
int
daos_array_get_size(daos_handle_t oh, daos_handle_t th, daos_size_t *size, daos_event_t *ev);

/* Size and last modification epoch. */
int
daos_array_stat(daos_handle_t oh, daos_handle_t th, daos_array_stbuf_t *stbuf, daos_event_t *ev);

/* Truncate to size records, or extend to it (see the caveats). */
int
daos_array_set_size(daos_handle_t oh, daos_handle_t th, daos_size_t size, daos_event_t *ev);

/*
 * Punch the whole array, its sizes included. oh must still be closed; every
 * handle to the array fails afterwards, whoever holds it.
 */
int
daos_array_destroy(daos_handle_t oh, daos_handle_t th, daos_event_t *ev);

/* Punch holes at the ranges of iod. */
int
daos_array_punch(daos_handle_t oh, daos_handle_t th, daos_array_iod_t *iod, daos_event_t *ev);

/* The sizes an open handle uses. */
int
daos_array_get_attr(daos_handle_t oh, daos_size_t *chunk_size, daos_size_t *cell_size);

/* Change the chunk size of an open handle (for middleware that stores it itself). */
int
daos_array_update_chunk_size(daos_handle_t oh, daos_size_t chunk_size);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_ARRAY_H__ */
