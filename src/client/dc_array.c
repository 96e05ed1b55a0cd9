/*
 * libdaos arrays: a one-dimensional array of fixed-size cells over an object.
 *
 * LAYOUT (uint64 dkeys)
 *   dkey 0, akey "daos_array_md"  the attributes: magic, cell size, chunk size
 *                                 (absent for arrays opened with attributes)
 *   dkey c + 1, akey "0"          chunk c: cells [c * chunk, (c + 1) * chunk),
 *                                 an array akey whose record size is the cell
 *                                 size, indexed from the chunk's start
 * So a range is cut at chunk boundaries and each piece is one update or
 * fetch of its chunk's dkey; the pieces run concurrently, as children of the
 * call's op. The size is one past the highest cell written: the largest
 * chunk dkey and its highest extent (daos_obj_query_key).
 *
 * CAVEATS
 * - set_size and range punch move data: a shrink inside a chunk reads the
 *   chunk's kept part and writes it back after punching the chunk; both wait
 *   for each step even when given an event (the event completes at the end).
 */
#include "common/obj_proto.h"
#include "dc_internal.h"

#define DC_ARRAY_MAGIC    0x5941525241534f44ull /* "DOSARRAY" */
#define DC_ARRAY_MD_AKEY  "daos_array_md"
#define DC_ARRAY_DATA_AKEY '0'

struct dc_array {
	struct dc_hdl da_hdl;
	daos_handle_t da_oh;     /* the object under it */
	daos_obj_id_t da_oid;    /* its ID, for local2global */
	daos_size_t   da_cell;
	daos_size_t   da_chunk;  /* cells per chunk */
	unsigned int  da_mode;
};

static void
array_free(struct dc_hdl *h)
{
	struct dc_array *arr = container_of(h, struct dc_array, da_hdl);

	D_FREE(arr);
}

static struct dc_array *
array_get(daos_handle_t oh)
{
	struct dc_hdl *h = dc_hdl_get(oh, DAOS_HTYPE_ARRAY);

	return h == NULL ? NULL : container_of(h, struct dc_array, da_hdl);
}

/* ---- attributes ---- */

struct array_md {
	uint64_t    am_words[3]; /* magic, cell size, chunk size */
	uint64_t    am_dkey;     /* 0 */
	daos_key_t  am_dk;
	daos_iod_t  am_iod;
	d_sg_list_t am_sgl;
	d_iov_t     am_iov;
	struct dc_array *am_arr;
	daos_handle_t   *am_oh;
	daos_size_t     *am_cell_out;
	daos_size_t     *am_chunk_out;
};

static void
array_md_free(void *priv)
{
	struct array_md *am = priv;

	D_FREE(am->am_arr); /* still ours unless a handle took it */
	D_FREE(am);
}

static void
array_md_iod(struct array_md *am)
{
	am->am_dkey = 0;
	d_iov_set(&am->am_dk, &am->am_dkey, sizeof(am->am_dkey));
	d_iov_set(&am->am_iod.iod_name, DC_ARRAY_MD_AKEY, strlen(DC_ARRAY_MD_AKEY));
	am->am_iod.iod_type = DAOS_IOD_SINGLE;
	am->am_iod.iod_size = sizeof(am->am_words);
	am->am_iod.iod_nr   = 1;
	d_iov_set(&am->am_iov, am->am_words, sizeof(am->am_words));
	am->am_sgl.sg_nr   = 1;
	am->am_sgl.sg_iovs = &am->am_iov;
}

/* The object is open and its attributes known: hand out the array handle. */
static void
array_open_done(struct dc_op *op)
{
	struct array_md *am  = op->op_priv;
	struct dc_array *arr = am->am_arr;

	if (am->am_cell_out != NULL) {
		/* opened by reading the attributes */
		if (am->am_iod.iod_size != sizeof(am->am_words) ||
		    am->am_words[0] != DC_ARRAY_MAGIC) {
			daos_obj_close(arr->da_oh, NULL);
			dc_op_finish(op, am->am_iod.iod_size == 0 ? -DER_NONEXIST : -DER_DF_INVAL);
			return;
		}
		arr->da_cell         = am->am_words[1];
		arr->da_chunk        = am->am_words[2];
		*am->am_cell_out     = arr->da_cell;
		*am->am_chunk_out    = arr->da_chunk;
	}
	dc_hdl_insert(&arr->da_hdl, DAOS_HTYPE_ARRAY, array_free, am->am_oh);
	am->am_arr = NULL;
	dc_op_finish(op, 0);
}

/* A failed attribute write or read leaves no object handle behind. */
static void
array_md_fail_close(struct dc_op *op)
{
	struct array_md *am = op->op_priv;

	if (op->op_rc != 0 && am->am_arr != NULL)
		daos_obj_close(am->am_arr->da_oh, NULL);
}

static int
array_open_common(daos_handle_t coh, daos_obj_id_t oid, daos_handle_t th, unsigned int mode,
		  bool create, daos_size_t cell, daos_size_t chunk, daos_size_t *cell_out,
		  daos_size_t *chunk_out, daos_handle_t *oh, daos_event_t *ev)
{
	struct array_md *am;
	struct dc_op    *op;
	int              rc;

	if (oh == NULL || !daos_is_array(oid))
		return -DER_INVAL;
	if ((create || cell_out == NULL) && (cell == 0 || chunk == 0))
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	D_ALLOC_PTR(am);
	if (am != NULL)
		D_ALLOC_PTR(am->am_arr);
	if (am == NULL || am->am_arr == NULL) {
		if (am != NULL)
			D_FREE(am);
		rc = -DER_NOMEM;
		goto out;
	}
	/* the object handle is local: opening costs no round trip */
	rc = daos_obj_open(coh, oid, create ? DAOS_OO_RW : mode, &am->am_arr->da_oh, NULL);
	if (rc != 0) {
		array_md_free(am);
		goto out;
	}
	rc = dc_op_create(ev, am, array_md_free, &op);
	if (rc != 0) {
		daos_obj_close(am->am_arr->da_oh, NULL);
		array_md_free(am);
		goto out;
	}
	am->am_arr->da_mode  = mode;
	am->am_arr->da_oid   = oid;
	am->am_arr->da_cell  = cell;
	am->am_arr->da_chunk = chunk;
	am->am_oh            = oh;
	array_md_iod(am);
	if (create) {
		am->am_words[0] = DC_ARRAY_MAGIC;
		am->am_words[1] = cell;
		am->am_words[2] = chunk;
		/* an array that exists already is -DER_EXIST, as DAOS says */
		rc = dc_obj_update(op, NULL, am->am_arr->da_oh, th, DAOS_COND_DKEY_INSERT,
				   &am->am_dk, 1, &am->am_iod, &am->am_sgl);
	} else if (cell_out != NULL) {
		am->am_cell_out  = cell_out;
		am->am_chunk_out = chunk_out;
		rc = dc_obj_fetch(op, NULL, am->am_arr->da_oh, th, 0, &am->am_dk, 1, &am->am_iod,
				  &am->am_sgl, NULL);
	}
	dc_op_fail(op, rc);
	if (rc != 0)
		array_md_fail_close(op);
	op->op_stage = array_open_done;
	rc           = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_array_create(daos_handle_t coh, daos_obj_id_t oid, daos_handle_t th, daos_size_t cell_size,
		  daos_size_t chunk_size, daos_handle_t *oh, daos_event_t *ev)
{
	if (daos_obj_id2type(oid) != DAOS_OT_ARRAY)
		return -DER_INVAL; /* ARRAY_ATTR arrays keep no attributes to create */
	return array_open_common(coh, oid, th, DAOS_OO_RW, true, cell_size, chunk_size, NULL,
				 NULL, oh, ev);
}

int
daos_array_open(daos_handle_t coh, daos_obj_id_t oid, daos_handle_t th, unsigned int mode,
		daos_size_t *cell_size, daos_size_t *chunk_size, daos_handle_t *oh,
		daos_event_t *ev)
{
	if (cell_size == NULL || chunk_size == NULL || daos_obj_id2type(oid) != DAOS_OT_ARRAY)
		return -DER_INVAL;
	return array_open_common(coh, oid, th, mode, false, 0, 0, cell_size, chunk_size, oh, ev);
}

int
daos_array_open_with_attr(daos_handle_t coh, daos_obj_id_t oid, daos_handle_t th,
			  unsigned int mode, daos_size_t cell_size, daos_size_t chunk_size,
			  daos_handle_t *oh, daos_event_t *ev)
{
	return array_open_common(coh, oid, th, mode, false, cell_size, chunk_size, NULL, NULL,
				 oh, ev);
}

int
daos_array_close(daos_handle_t oh, daos_event_t *ev)
{
	struct dc_array *arr;
	int              rc;

	dc_lock();
	arr = array_get(oh);
	if (arr == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	rc = daos_obj_close(arr->da_oh, ev);
	if (rc == 0)
		dc_hdl_delete(&arr->da_hdl);
	dc_hdl_put(&arr->da_hdl);
	dc_unlock();
	return rc;
}

int
daos_array_get_attr(daos_handle_t oh, daos_size_t *chunk_size, daos_size_t *cell_size)
{
	struct dc_array *arr;

	if (chunk_size == NULL || cell_size == NULL)
		return -DER_INVAL;
	dc_lock();
	arr = array_get(oh);
	if (arr == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	*chunk_size = arr->da_chunk;
	*cell_size  = arr->da_cell;
	dc_hdl_put(&arr->da_hdl);
	dc_unlock();
	return 0;
}

/* ---- sharing a handle ---- */

#define DC_ARRAY_GLOB_MAGIC 0x41524731u /* "ARG1" */

/* The oid and sizes: global2local opens with them, no message (DAOS's way too). */
int
daos_array_local2global(daos_handle_t oh, d_iov_t *glob)
{
	struct dc_array *arr;
	struct denc      e;

	if (glob == NULL)
		return -DER_INVAL;
	dc_lock();
	arr = array_get(oh);
	if (arr == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	denc_init(&e);
	denc_u32(&e, DC_ARRAY_GLOB_MAGIC);
	denc_u64(&e, arr->da_oid.hi);
	denc_u64(&e, arr->da_oid.lo);
	denc_u64(&e, arr->da_cell);
	denc_u64(&e, arr->da_chunk);
	dc_hdl_put(&arr->da_hdl);
	dc_unlock();
	return dc_glob_export(&e, glob);
}

int
daos_array_global2local(daos_handle_t coh, d_iov_t glob, unsigned int mode, daos_handle_t *oh)
{
	daos_obj_id_t oid;
	daos_size_t   cell, chunk;
	struct ddec   d;

	if (glob.iov_buf == NULL || glob.iov_len == 0 || oh == NULL)
		return -DER_INVAL;
	ddec_init(&d, glob.iov_buf, glob.iov_len);
	if (ddec_u32(&d) != DC_ARRAY_GLOB_MAGIC)
		return -DER_INVAL;
	oid.hi = ddec_u64(&d);
	oid.lo = ddec_u64(&d);
	cell   = ddec_u64(&d);
	chunk  = ddec_u64(&d);
	if (ddec_finish(&d) != 0)
		return -DER_INVAL;
	return daos_array_open_with_attr(coh, oid, DAOS_TX_NONE, mode, cell, chunk, oh, NULL);
}

int
daos_array_update_chunk_size(daos_handle_t oh, daos_size_t chunk_size)
{
	struct dc_array *arr;

	if (chunk_size == 0)
		return -DER_INVAL;
	dc_lock();
	arr = array_get(oh);
	if (arr == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	arr->da_chunk = chunk_size;
	dc_hdl_put(&arr->da_hdl);
	dc_unlock();
	return 0;
}

/* ---- read and write ---- */

/* One chunk's piece of a range. */
struct array_piece {
	uint64_t    ap_dkey;
	daos_key_t  ap_dk;
	daos_iod_t  ap_iod;
	daos_recx_t ap_recx;
	d_sg_list_t ap_sgl;
	d_iov_t    *ap_iovs;
	char        ap_akey;
};

struct array_io {
	uint32_t            ai_nr;
	struct array_piece *ai_pieces;
	daos_array_iod_t   *ai_iod;
	uint64_t            ai_cells;
};

static void
array_io_free(void *priv)
{
	struct array_io *ai = priv;
	uint32_t         i;

	for (i = 0; ai->ai_pieces != NULL && i < ai->ai_nr; i++)
		D_FREE(ai->ai_pieces[i].ap_iovs);
	D_FREE(ai->ai_pieces);
	D_FREE(ai);
}

/* The iovs of sgl covering bytes [off, off + len). */
static int
sgl_slice(const d_sg_list_t *sgl, uint64_t off, uint64_t len, d_sg_list_t *out, bool write)
{
	uint32_t i, n = 0, first = 0;
	uint64_t pos = 0;

	/* count and find the first iov */
	for (i = 0; i < sgl->sg_nr; i++) {
		uint64_t l = write ? sgl->sg_iovs[i].iov_len : sgl->sg_iovs[i].iov_buf_len;

		if (pos + l > off && pos < off + len) {
			if (n == 0)
				first = i;
			n++;
		}
		pos += l;
	}
	if (pos < off + len)
		return -DER_INVAL; /* the sgl is shorter than the ranges */
	D_ALLOC_ARRAY(out->sg_iovs, MAX(n, 1u));
	if (out->sg_iovs == NULL)
		return -DER_NOMEM;
	for (pos = 0, i = 0; i < first; i++)
		pos += write ? sgl->sg_iovs[i].iov_len : sgl->sg_iovs[i].iov_buf_len;
	out->sg_nr     = n;
	out->sg_nr_out = 0;
	for (i = 0; i < n; i++) {
		const d_iov_t *src = &sgl->sg_iovs[first + i];
		uint64_t       l   = write ? src->iov_len : src->iov_buf_len;
		uint64_t       s   = off > pos ? off - pos : 0;
		uint64_t       e   = MIN(l, off + len - pos);

		d_iov_set(&out->sg_iovs[i], (char *)src->iov_buf + s, e - s);
		pos += l;
	}
	return 0;
}

static int
array_io_prep(struct dc_array *arr, daos_array_iod_t *iod, d_sg_list_t *sgl, bool write,
	      struct array_io **aip)
{
	struct array_io *ai;
	uint64_t         n = 0, off = 0, i;
	int              rc;

	if (iod == NULL || sgl == NULL || (iod->arr_nr > 0 && iod->arr_rgs == NULL))
		return -DER_INVAL;
	for (i = 0; i < iod->arr_nr; i++) {
		daos_range_t *rg = &iod->arr_rgs[i];

		if (rg->rg_len == 0)
			continue;
		/* pieces: one per chunk the range touches */
		n += (rg->rg_idx + rg->rg_len - 1) / arr->da_chunk - rg->rg_idx / arr->da_chunk + 1;
	}
	if (n > 1u << 20)
		return -DER_INVAL;
	D_ALLOC_PTR(ai);
	if (ai == NULL)
		return -DER_NOMEM;
	D_ALLOC_ARRAY(ai->ai_pieces, MAX(n, (uint64_t)1));
	if (ai->ai_pieces == NULL) {
		D_FREE(ai);
		return -DER_NOMEM;
	}
	ai->ai_iod = iod;
	for (i = 0; i < iod->arr_nr; i++) {
		daos_range_t *rg  = &iod->arr_rgs[i];
		uint64_t      idx = rg->rg_idx, left = rg->rg_len;

		while (left > 0) {
			struct array_piece *p     = &ai->ai_pieces[ai->ai_nr];
			uint64_t            chunk = idx / arr->da_chunk;
			uint64_t            in    = idx - chunk * arr->da_chunk;
			uint64_t            cnt   = MIN(left, arr->da_chunk - in);

			p->ap_dkey = chunk + 1;
			d_iov_set(&p->ap_dk, &p->ap_dkey, sizeof(p->ap_dkey));
			p->ap_akey = DC_ARRAY_DATA_AKEY;
			d_iov_set(&p->ap_iod.iod_name, &p->ap_akey, 1);
			p->ap_iod.iod_type  = DAOS_IOD_ARRAY;
			p->ap_iod.iod_size  = arr->da_cell;
			p->ap_iod.iod_nr    = 1;
			p->ap_recx.rx_idx   = in;
			p->ap_recx.rx_nr    = cnt;
			p->ap_iod.iod_recxs = &p->ap_recx;
			rc = sgl_slice(sgl, off * arr->da_cell, cnt * arr->da_cell, &p->ap_sgl, write);
			p->ap_iovs = p->ap_sgl.sg_iovs;
			ai->ai_nr++;
			if (rc != 0) {
				array_io_free(ai);
				return rc;
			}
			off += cnt;
			idx += cnt;
			left -= cnt;
		}
	}
	ai->ai_cells = off;
	*aip         = ai;
	return 0;
}

static void
array_read_done(struct dc_op *op)
{
	struct array_io *ai = op->op_priv;

	/* holes read as zeros: every cell asked for is accounted as read */
	ai->ai_iod->arr_nr_read       = ai->ai_cells;
	ai->ai_iod->arr_nr_short_read = 0;
	dc_op_finish(op, 0);
}

/* Read or write ranges of arr; lock held. */
static int
array_io_do(struct dc_array *arr, daos_handle_t th, daos_array_iod_t *iod, d_sg_list_t *sgl,
	    bool write, daos_event_t *ev)
{
	struct array_io *ai = NULL;
	struct dc_op    *op;
	uint32_t         i;
	int              rc;

	rc = array_io_prep(arr, iod, sgl, write, &ai);
	if (rc != 0)
		return rc;
	rc = dc_op_create(ev, ai, array_io_free, &op);
	if (rc != 0) {
		array_io_free(ai);
		return rc;
	}
	for (i = 0; i < ai->ai_nr && op->op_rc == 0; i++) {
		struct array_piece *p = &ai->ai_pieces[i];

		if (write)
			rc = dc_obj_update(op, NULL, arr->da_oh, th, 0, &p->ap_dk, 1, &p->ap_iod,
					   &p->ap_sgl);
		else
			rc = dc_obj_fetch(op, NULL, arr->da_oh, th, 0, &p->ap_dk, 1, &p->ap_iod,
					  &p->ap_sgl, NULL);
		dc_op_fail(op, rc);
	}
	if (!write)
		op->op_stage = array_read_done;
	return dc_op_run(op, ev);
}

static int
array_io(daos_handle_t oh, daos_handle_t th, daos_array_iod_t *iod, d_sg_list_t *sgl,
	 bool write, daos_event_t *ev)
{
	struct dc_array *arr;
	int              rc;

	dc_lock();
	rc = dc_initialized();
	if (rc == 0) {
		arr = array_get(oh);
		if (arr == NULL) {
			rc = -DER_NO_HDL;
		} else {
			rc = array_io_do(arr, th, iod, sgl, write, ev);
			dc_hdl_put(&arr->da_hdl);
		}
	}
	dc_unlock();
	return rc;
}

int
daos_array_write(daos_handle_t oh, daos_handle_t th, daos_array_iod_t *iod, d_sg_list_t *sgl,
		 daos_event_t *ev)
{
	return array_io(oh, th, iod, sgl, true, ev);
}

int
daos_array_read(daos_handle_t oh, daos_handle_t th, daos_array_iod_t *iod, d_sg_list_t *sgl,
		daos_event_t *ev)
{
	return array_io(oh, th, iod, sgl, false, ev);
}

/* ---- size ---- */

struct array_size {
	uint64_t     as_dkey;
	daos_key_t   as_dk;
	daos_key_t   as_ak;
	char         as_akey;
	daos_recx_t  as_recx;
	daos_size_t  as_chunk;
	daos_size_t *as_size;
};

static void
array_size_done(struct dc_op *op)
{
	struct array_size *as = op->op_priv;

	if (as->as_dkey == 0)
		*as->as_size = 0;
	else
		*as->as_size = (as->as_dkey - 1) * as->as_chunk + as->as_recx.rx_idx +
			       as->as_recx.rx_nr;
	dc_op_finish(op, 0);
}

/* A child op's -DER_NONEXIST means an empty array: size 0, not an error. */
static void
array_size_finish(struct dc_op *op)
{
	struct array_size *as = op->op_priv;

	if (op->op_rc == -DER_NONEXIST) {
		op->op_rc    = 0;
		as->as_dkey  = 0;
	}
	if (op->op_rc != 0)
		dc_op_finish(op, 0);
	else
		array_size_done(op);
}

/* Size (and, when epoch is not NULL, the last modification's epoch) of the array. */
static int
array_size_query(daos_handle_t oh, daos_handle_t th, daos_size_t *size, daos_epoch_t *epoch,
		 daos_event_t *ev)
{
	struct dc_array   *arr;
	struct array_size *as;
	struct dc_op      *op;
	int                rc;

	if (size == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	arr = array_get(oh);
	if (arr == NULL) {
		rc = -DER_NO_HDL;
		goto out;
	}
	D_ALLOC_PTR(as);
	if (as == NULL) {
		dc_hdl_put(&arr->da_hdl);
		rc = -DER_NOMEM;
		goto out;
	}
	rc = dc_op_create(ev, as, d_free, &op);
	if (rc != 0) {
		D_FREE(as);
		dc_hdl_put(&arr->da_hdl);
		goto out;
	}
	as->as_size  = size;
	as->as_chunk = arr->da_chunk;
	as->as_akey  = DC_ARRAY_DATA_AKEY;
	d_iov_set(&as->as_dk, &as->as_dkey, sizeof(as->as_dkey));
	d_iov_set(&as->as_ak, &as->as_akey, 1);
	rc = dc_obj_query_key(op, NULL, arr->da_oh, th, DAOS_GET_DKEY | DAOS_GET_RECX | DAOS_GET_MAX,
			      &as->as_dk, &as->as_ak, &as->as_recx);
	dc_op_fail(op, rc);
	if (rc == 0 && epoch != NULL)
		dc_op_fail(op, dc_obj_query_max_epoch(op, NULL, arr->da_oh, th, epoch));
	/* the query's result is read in the stage; its NONEXIST (no chunk) is size 0 */
	op->op_stage   = array_size_finish;
	op->op_on_fail = array_size_finish;
	dc_hdl_put(&arr->da_hdl);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_array_get_size(daos_handle_t oh, daos_handle_t th, daos_size_t *size, daos_event_t *ev)
{
	return array_size_query(oh, th, size, NULL, ev);
}

int
daos_array_stat(daos_handle_t oh, daos_handle_t th, daos_array_stbuf_t *stbuf, daos_event_t *ev)
{
	if (stbuf == NULL)
		return -DER_INVAL;
	return array_size_query(oh, th, &stbuf->st_size, &stbuf->st_max_epoch, ev);
}

/* ---- punch, set_size, destroy (blocking steps, see the caveats) ---- */

/* The extents stored in chunk dkey dk (chunk-relative), in *recxs (to free), *nr of them. */
static int
array_stored(struct dc_array *arr, daos_handle_t th, daos_key_t *dk, daos_recx_t **recxs,
	     uint32_t *nr)
{
	daos_anchor_t anchor = DAOS_ANCHOR_INIT;
	daos_recx_t  *all = NULL, *more;
	daos_key_t    ak;
	daos_size_t   rsize;
	char          akey = DC_ARRAY_DATA_AKEY;
	uint32_t      cap = 0, got;
	int           rc = 0;

	*nr = 0;
	d_iov_set(&ak, &akey, 1);
	while (rc == 0 && !daos_anchor_is_eof(&anchor)) {
		if (*nr + 16 > cap) {
			D_REALLOC_ARRAY(more, all, cap, cap + 64);
			if (more == NULL) {
				rc = -DER_NOMEM;
				break;
			}
			all = more;
			cap += 64;
		}
		got = cap - *nr;
		rc  = daos_obj_list_recx(arr->da_oh, th, dk, &ak, &rsize, &got, all + *nr, NULL,
					 &anchor, true, NULL);
		if (rc == 0)
			*nr += got;
	}
	if (rc == -DER_NONEXIST)
		rc = 0;
	if (rc != 0) {
		D_FREE(all);
		*nr = 0;
	}
	*recxs = all;
	return rc;
}

/*
 * After chunk dk (at lo, its cells read into buf) was punched, write back the
 * stored cells outside [from, to). Only the stored extents: holes written back
 * as zeros would become records and move the array's size to the chunk's end.
 */
static int
array_keep(struct dc_array *arr, daos_handle_t th, const daos_recx_t *recxs, uint32_t nr,
	   uint64_t lo, uint64_t from, uint64_t to, char *buf)
{
	uint64_t         kept[2][2] = {{lo, from}, {to, lo + arr->da_chunk}};
	daos_range_t     rg;
	daos_array_iod_t aiod = {.arr_nr = 1, .arr_rgs = &rg};
	d_sg_list_t      sgl  = {.sg_nr = 1};
	d_iov_t          iov;
	uint32_t         i;
	int              k, rc = 0;

	sgl.sg_iovs = &iov;
	for (i = 0; rc == 0 && i < nr; i++) {
		uint64_t x_lo = lo + recxs[i].rx_idx, x_hi = x_lo + recxs[i].rx_nr;

		for (k = 0; rc == 0 && k < 2; k++) {
			uint64_t a = max(x_lo, kept[k][0]), b = min(x_hi, kept[k][1]);

			if (a >= b)
				continue;
			rg.rg_idx = a;
			rg.rg_len = b - a;
			d_iov_set(&iov, buf + (a - lo) * arr->da_cell, rg.rg_len * arr->da_cell);
			rc = array_io_do(arr, th, &aiod, &sgl, true, NULL);
		}
	}
	return rc;
}

/* Cells [from, to) of the array become holes. */
static int
array_clear(struct dc_array *arr, daos_handle_t th, uint64_t from, uint64_t to)
{
	uint64_t c;
	int      rc = 0;

	for (c = from / arr->da_chunk; rc == 0 && c * arr->da_chunk < to; c++) {
		uint64_t    lo = c * arr->da_chunk, hi = lo + arr->da_chunk;
		uint64_t    dkey = c + 1;
		daos_key_t  dk;

		d_iov_set(&dk, &dkey, sizeof(dkey));
		if (from <= lo && to >= hi) {
			rc = daos_obj_punch_dkeys(arr->da_oh, th, 0, 1, &dk, NULL);
			continue;
		}
		{
			/* part of the chunk stays: read it and where it is stored, punch, write back */
			uint64_t         n = arr->da_chunk * arr->da_cell;
			daos_recx_t     *recxs = NULL;
			uint32_t         nr    = 0;
			char            *buf;
			daos_range_t     rg;
			daos_array_iod_t aiod;
			d_sg_list_t      sgl;
			d_iov_t          iov;

			D_ALLOC(buf, n);
			if (buf == NULL)
				return -DER_NOMEM;
			rg.rg_idx    = lo;
			rg.rg_len    = arr->da_chunk;
			aiod.arr_nr  = 1;
			aiod.arr_rgs = &rg;
			d_iov_set(&iov, buf, n);
			sgl.sg_nr   = 1;
			sgl.sg_iovs = &iov;
			rc          = array_io_do(arr, th, &aiod, &sgl, false, NULL);
			if (rc == 0)
				rc = array_stored(arr, th, &dk, &recxs, &nr);
			if (rc == 0)
				rc = daos_obj_punch_dkeys(arr->da_oh, th, 0, 1, &dk, NULL);
			if (rc == 0)
				rc = array_keep(arr, th, recxs, nr, lo, max(from, lo), min(to, hi),
						buf);
			D_FREE(recxs);
			D_FREE(buf);
		}
	}
	return rc;
}

int
daos_array_punch(daos_handle_t oh, daos_handle_t th, daos_array_iod_t *iod, daos_event_t *ev)
{
	struct dc_array *arr;
	daos_size_t      i;
	int              rc = 0;

	if (iod == NULL || (iod->arr_nr > 0 && iod->arr_rgs == NULL))
		return -DER_INVAL;
	dc_lock();
	arr = array_get(oh);
	if (arr == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	for (i = 0; rc == 0 && i < iod->arr_nr; i++)
		if (iod->arr_rgs[i].rg_len > 0)
			rc = array_clear(arr, th, iod->arr_rgs[i].rg_idx,
					 iod->arr_rgs[i].rg_idx + iod->arr_rgs[i].rg_len);
	dc_hdl_put(&arr->da_hdl);
	dc_unlock();
	return dc_ev_complete(ev, rc);
}

/* One zero cell at size - 1: what makes the size when nothing is stored there. */
static int
array_mark_size(struct dc_array *arr, daos_handle_t th, daos_size_t size)
{
	daos_range_t     rg   = {.rg_idx = size - 1, .rg_len = 1};
	daos_array_iod_t aiod = {.arr_nr = 1, .arr_rgs = &rg};
	d_sg_list_t      sgl;
	d_iov_t          iov;
	char            *z;
	int              rc;

	D_ALLOC(z, arr->da_cell);
	if (z == NULL)
		return -DER_NOMEM;
	d_iov_set(&iov, z, arr->da_cell);
	sgl.sg_nr   = 1;
	sgl.sg_iovs = &iov;
	rc          = array_io_do(arr, th, &aiod, &sgl, true, NULL);
	D_FREE(z);
	return rc;
}

int
daos_array_set_size(daos_handle_t oh, daos_handle_t th, daos_size_t size, daos_event_t *ev)
{
	struct dc_array *arr;
	daos_size_t      cur;
	int              rc;

	dc_lock();
	arr = array_get(oh);
	if (arr == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	rc = daos_array_get_size(oh, th, &cur, NULL);
	if (rc == 0 && size < cur) {
		rc = array_clear(arr, th, size, cur);
		/* a cut inside a hole leaves the size lower than asked */
		if (rc == 0 && size > 0)
			rc = daos_array_get_size(oh, th, &cur, NULL);
	}
	if (rc == 0 && size > cur)
		rc = array_mark_size(arr, th, size);
	dc_hdl_put(&arr->da_hdl);
	dc_unlock();
	return dc_ev_complete(ev, rc);
}

int
daos_array_destroy(daos_handle_t oh, daos_handle_t th, daos_event_t *ev)
{
	struct dc_array *arr;
	int              rc;

	dc_lock();
	arr = array_get(oh);
	if (arr == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	rc = daos_obj_punch(arr->da_oh, th, 0, ev);
	dc_hdl_put(&arr->da_hdl);
	dc_unlock();
	return rc;
}
