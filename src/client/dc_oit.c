/*
 * Object ID tables of snapshots (daos_cont_snap_oit_create, daos_oit_*): the
 * IDs of every object a snapshot holds, which a checker walks and marks.
 *
 * A table is an object of the container, of type DAOS_OT_OIT with the
 * snapshot's epoch as oid.lo (as DAOS names it), built from what every
 * target holds at that epoch (the snapshot keeps it readable). Its dkeys are
 * the object IDs, 16 bytes (lo then hi, little-endian), each with a one-byte
 * akey "p" and, once marked, the marker under akey "m"; the dkey "oit" is
 * written last and says the table is whole. A table's handle is its
 * object's handle.
 *
 * The calls do their work synchronously and then complete the event, if
 * any (dc_ev_complete): building a table costs one update per object.
 */
#include "common/oclass.h"
#include "dc_internal.h"

#define OIT_DONE_KEY "oit"
#define OIT_KEY_LEN  16
#define OIT_LIST_MAX 1024

static int
oit_oid(daos_handle_t coh, daos_epoch_t epoch, daos_obj_id_t *oid)
{
	oid->lo = epoch;
	oid->hi = 0;
	return daos_obj_generate_oid(coh, oid, DAOS_OT_OIT, OC_S1, 0, 0);
}

static void
oit_key(daos_obj_id_t oid, uint8_t key[OIT_KEY_LEN])
{
	int i;

	for (i = 0; i < 8; i++) {
		key[i]     = (uint8_t)(oid.lo >> (8 * i));
		key[8 + i] = (uint8_t)(oid.hi >> (8 * i));
	}
}

static daos_obj_id_t
oit_key_oid(const uint8_t *key)
{
	daos_obj_id_t oid = {0};
	int           i;

	for (i = 0; i < 8; i++) {
		oid.lo |= (uint64_t)key[i] << (8 * i);
		oid.hi |= (uint64_t)key[8 + i] << (8 * i);
	}
	return oid;
}

/* One single value under (dkey, akey): write (val), or fetch its size and bytes (buf). */
static int
oit_value(daos_handle_t oh, bool write, const void *dkey, size_t dlen, const char *akey,
	  void *val, size_t *len, uint64_t flags)
{
	daos_key_t  dk;
	daos_iod_t  iod = {0};
	d_sg_list_t sgl = {0};
	d_iov_t     iov;
	int         rc;

	d_iov_set(&dk, (void *)dkey, dlen);
	d_iov_set(&iod.iod_name, (void *)akey, strlen(akey));
	iod.iod_type = DAOS_IOD_SINGLE;
	iod.iod_nr   = 1;
	iod.iod_size = write ? *len : DAOS_REC_ANY;
	d_iov_set(&iov, val, *len);
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	if (write)
		return daos_obj_update(oh, DAOS_TX_NONE, flags, &dk, 1, &iod, &sgl, NULL);
	rc   = daos_obj_fetch(oh, DAOS_TX_NONE, 0, &dk, 1, &iod, &sgl, NULL, NULL);
	*len = rc == 0 ? iod.iod_size : 0;
	return rc;
}

static int
oit_is_snapshot(daos_handle_t coh, daos_epoch_t epoch)
{
	daos_anchor_t anchor = {0};
	daos_epoch_t  eps[64];
	int           n, i, rc;

	while (!daos_anchor_is_eof(&anchor)) {
		n  = (int)ARRAY_SIZE(eps);
		rc = daos_cont_list_snap(coh, &n, eps, NULL, &anchor, NULL);
		if (rc != 0)
			return rc;
		for (i = 0; i < n; i++)
			if (eps[i] == epoch)
				return 0;
	}
	return -DER_NONEXIST;
}

/* Every object of every target at epoch into the table (duplicates fold into one key). */
static int
oit_fill(daos_handle_t coh, daos_handle_t oh, daos_epoch_t epoch)
{
	struct dc_cont *cont;
	daos_obj_id_t  *oids;
	uint8_t         key[OIT_KEY_LEN], one = 1;
	uint32_t        tgt, ntgt, n, i;
	size_t          len;
	int             rc = 0;

	dc_lock();
	cont = dc_cont_get(coh);
	ntgt = cont != NULL ? cont->dc_pool->dp_nr_targets : 0;
	if (cont != NULL)
		dc_cont_put(cont);
	dc_unlock();
	if (ntgt == 0)
		return -DER_NO_HDL;
	D_ALLOC_ARRAY(oids, OIT_LIST_MAX);
	if (oids == NULL)
		return -DER_NOMEM;
	for (tgt = 0; rc == 0 && tgt < ntgt; tgt++) {
		daos_anchor_t anchor = {0};

		while (rc == 0 && !daos_anchor_is_eof(&anchor)) {
			n  = OIT_LIST_MAX;
			rc = dc_cont_list_objs(coh, tgt, epoch, &anchor, oids, &n);
			for (i = 0; rc == 0 && i < n; i++) {
				if (daos_obj_id2type(oids[i]) == DAOS_OT_OIT)
					continue; /* other snapshots' tables */
				oit_key(oids[i], key);
				len = 1;
				rc  = oit_value(oh, true, key, sizeof(key), "p", &one, &len, 0);
			}
		}
	}
	D_FREE(oids);
	return rc;
}

int
daos_cont_snap_oit_create(daos_handle_t coh, daos_epoch_t epoch, char *name, daos_event_t *ev)
{
	daos_obj_id_t oid;
	daos_handle_t oh;
	uint8_t       one = 1;
	size_t        len = 1;
	int           rc;

	if (name != NULL)
		return dc_ev_complete(ev, -DER_NOSYS); /* as DAOS: named tables are not supported */
	if (epoch == 0 || epoch == DAOS_EPOCH_MAX)
		return -DER_INVAL;
	rc = oit_is_snapshot(coh, epoch);
	if (rc == 0)
		rc = oit_oid(coh, epoch, &oid);
	if (rc == 0)
		rc = daos_obj_open(coh, oid, DAOS_OO_RW, &oh, NULL);
	if (rc != 0)
		return dc_ev_complete(ev, rc);
	rc = oit_fill(coh, oh, epoch);
	if (rc == 0)
		rc = oit_value(oh, true, OIT_DONE_KEY, strlen(OIT_DONE_KEY), "p", &one, &len, 0);
	(void)daos_obj_close(oh, NULL);
	return dc_ev_complete(ev, rc);
}

int
daos_cont_snap_oit_destroy(daos_handle_t coh, daos_handle_t oh, daos_event_t *ev)
{
	(void)coh;
	return daos_obj_punch(oh, DAOS_TX_NONE, 0, ev);
}

int
daos_oit_open(daos_handle_t coh, daos_epoch_t epoch, daos_handle_t *oh, daos_event_t *ev)
{
	daos_obj_id_t oid;
	uint8_t       one;
	size_t        len = 1;
	int           rc;

	if (oh == NULL || epoch == 0 || epoch == DAOS_EPOCH_MAX)
		return -DER_INVAL;
	rc = oit_oid(coh, epoch, &oid);
	if (rc == 0)
		rc = daos_obj_open(coh, oid, DAOS_OO_RW, oh, NULL);
	if (rc != 0)
		return dc_ev_complete(ev, rc);
	rc = oit_value(*oh, false, OIT_DONE_KEY, strlen(OIT_DONE_KEY), "p", &one, &len, 0);
	if (rc == 0 && len == 0)
		rc = -DER_NONEXIST; /* no table for that epoch, or one cut short */
	if (rc != 0) {
		(void)daos_obj_close(*oh, NULL);
		*oh = DAOS_HDL_INVAL;
	}
	return dc_ev_complete(ev, rc);
}

int
daos_oit_close(daos_handle_t oh, daos_event_t *ev)
{
	return daos_obj_close(oh, ev);
}

/* List the table's IDs after anchor into oids (*nr: room, then how many), keeping
 * those filter accepts (NULL: all; its marker is NULL for an unmarked ID). */
static int
oit_walk(daos_handle_t oh, daos_obj_id_t *oids, uint32_t *nr, daos_anchor_t *anchor,
	 daos_oit_filter_cb *filter)
{
	daos_key_desc_t kds[64];
	uint8_t         keys[64 * OIT_KEY_LEN + 64], marker[DAOS_OIT_MARKER_MAX_LEN];
	d_sg_list_t     sgl;
	d_iov_t         iov;
	uint32_t        room, got = 0, n, i;
	size_t          off;
	int             rc = 0;

	if (oids == NULL || nr == NULL || *nr == 0 || anchor == NULL)
		return -DER_INVAL;
	room = *nr;
	while (rc == 0 && got < room && !daos_anchor_is_eof(anchor)) {
		n = MIN(room - got, (uint32_t)ARRAY_SIZE(kds));
		d_iov_set(&iov, keys, sizeof(keys));
		sgl.sg_nr   = 1;
		sgl.sg_iovs = &iov;
		rc = daos_obj_list_dkey(oh, DAOS_TX_NONE, &n, kds, &sgl, anchor, NULL);
		for (i = 0, off = 0; rc == 0 && i < n; off += kds[i].kd_key_len, i++) {
			daos_obj_id_t oid;
			d_iov_t       m;
			size_t        len = sizeof(marker);
			int           keep = 1;

			if (kds[i].kd_key_len != OIT_KEY_LEN)
				continue; /* the table's own "oit" key */
			oid = oit_key_oid(keys + off);
			if (filter != NULL) {
				rc = oit_value(oh, false, keys + off, OIT_KEY_LEN, "m", marker, &len, 0);
				if (rc != 0)
					break;
				d_iov_set(&m, marker, len);
				keep = filter(oid, len > 0 ? &m : NULL);
				if (keep < 0) {
					rc = keep;
					break;
				}
			}
			if (keep > 0)
				oids[got++] = oid;
		}
	}
	*nr = got;
	return rc;
}

int
daos_oit_list(daos_handle_t oh, daos_obj_id_t *oids, uint32_t *oids_nr, daos_anchor_t *anchor,
	      daos_event_t *ev)
{
	return dc_ev_complete(ev, oit_walk(oh, oids, oids_nr, anchor, NULL));
}

static int
oit_unmarked(daos_obj_id_t oid, d_iov_t *marker)
{
	(void)oid;
	return marker == NULL;
}

int
daos_oit_list_unmarked(daos_handle_t oh, daos_obj_id_t *oids, uint32_t *oids_nr,
		       daos_anchor_t *anchor, daos_event_t *ev)
{
	return dc_ev_complete(ev, oit_walk(oh, oids, oids_nr, anchor, oit_unmarked));
}

int
daos_oit_list_filter(daos_handle_t oh, daos_obj_id_t *oids, uint32_t *oids_nr,
		     daos_anchor_t *anchor, daos_oit_filter_cb filter, daos_event_t *ev)
{
	if (filter == NULL)
		return -DER_INVAL;
	return dc_ev_complete(ev, oit_walk(oh, oids, oids_nr, anchor, filter));
}

int
daos_oit_mark(daos_handle_t oh, daos_obj_id_t oid, d_iov_t *marker, daos_event_t *ev)
{
	uint8_t    key[OIT_KEY_LEN], one;
	size_t     len = 1;
	daos_key_t dk, ak;
	int        rc;

	if (marker != NULL && (marker->iov_buf == NULL || marker->iov_len == 0 ||
			       marker->iov_len > DAOS_OIT_MARKER_MAX_LEN))
		return -DER_INVAL;
	oit_key(oid, key);
	rc = oit_value(oh, false, key, sizeof(key), "p", &one, &len, 0);
	if (rc == 0 && len == 0)
		rc = -DER_NONEXIST; /* not in the table */
	if (rc == 0 && marker != NULL) {
		len = marker->iov_len;
		rc  = oit_value(oh, true, key, sizeof(key), "m", marker->iov_buf, &len, 0);
	} else if (rc == 0) {
		d_iov_set(&dk, key, sizeof(key));
		d_iov_set(&ak, "m", 1);
		rc = daos_obj_punch_akeys(oh, DAOS_TX_NONE, 0, &dk, 1, &ak, NULL);
	}
	return dc_ev_complete(ev, rc);
}
