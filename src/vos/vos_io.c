/* The object-service API: checks, conditions, record building; reads. */
#include "vos_internal.h"

int
vos_open(const struct vos_attr *attr, struct vos **vosp)
{
	struct vos *vos;

	D_ALLOC_PTR(vos);
	if (vos == NULL)
		return -DER_NOMEM;
	if (attr != NULL)
		vos->v_attr = *attr;
	vos->v_conts.br_kind = BTR_BYTES;
	*vosp                = vos;
	return 0;
}

static void
cont_free_cb(void *item, void *arg)
{
	vos_cont_free(arg, item, false);
}

void
vos_close(struct vos *vos)
{
	if (vos == NULL)
		return;
	btr_destroy(&vos->v_conts, cont_free_cb, vos);
	D_FREE(vos->v_held); /* empty: no fetch runs at close */
	D_FREE(vos);
}

static int
cont_record(struct vos *vos, const uuid_t cont, enum vos_rec_type type)
{
	struct vos_enc e;
	size_t         start;
	int            rc;

	vos_enc_init(&e);
	vos_enc_begin(&e, type, &start);
	vos_enc_bytes(&e, cont, sizeof(uuid_t));
	rc = vos_enc_end(&e, start);
	if (rc == 0)
		rc = vos_commit(vos, &e);
	vos_enc_fini(&e);
	return rc;
}

int
vos_cont_create(struct vos *vos, const uuid_t cont)
{
	if (vos_cont_find(vos, cont) != NULL)
		return -DER_EXIST;
	return cont_record(vos, cont, VREC_CONT_CREATE);
}

int
vos_cont_destroy(struct vos *vos, const uuid_t cont)
{
	if (vos_cont_find(vos, cont) == NULL)
		return -DER_NONEXIST;
	return cont_record(vos, cont, VREC_CONT_DESTROY);
}

static int
key_check(const d_iov_t *key, bool u64)
{
	if (key == NULL || key->iov_buf == NULL || key->iov_len == 0)
		return -DER_INVAL;
	if (key->iov_len > VOS_KEY_MAX)
		return -DER_KEY2BIG;
	if (u64 && key->iov_len != sizeof(uint64_t))
		return -DER_INVAL;
	return 0;
}

static int
epoch_check(daos_epoch_t epoch)
{
	return epoch == 0 || epoch == DAOS_EPOCH_MAX ? -DER_INVAL : 0;
}

/* ---- update ---- */

static bool
recx_overlap(const daos_recx_t *a, uint64_t idx, uint64_t nr)
{
	return a->rx_idx < idx + nr && idx < a->rx_idx + a->rx_nr;
}

static int
iod_check(struct vos *vos, struct vos_obj *o, struct vos_dkey *d, const struct vos_iod *iod,
	  daos_epoch_t epoch, uint64_t cond, bool u64)
{
	struct vos_akey *a;
	uint32_t         i, j;
	int              rc;

	rc = key_check(&iod->vi_name, u64);
	if (rc != 0)
		return rc;
	if (iod->vi_vals == NULL || iod->vi_nr == 0 || iod->vi_size == 0)
		return -DER_INVAL;
	if (iod->vi_type == DAOS_IOD_SINGLE) {
		if (iod->vi_nr != 1)
			return -DER_INVAL;
	} else if (iod->vi_type == DAOS_IOD_ARRAY) {
		if (iod->vi_size > UINT32_MAX)
			return -DER_INVAL;
	} else {
		return -DER_INVAL;
	}
	a = vos_akey_find(d, iod->vi_name.iov_buf, iod->vi_name.iov_len);
	if (cond & DAOS_COND_AKEY_INSERT && a != NULL && vos_akey_visible(o, d, a, epoch))
		return -DER_EXIST;
	if (cond & DAOS_COND_AKEY_UPDATE && (a == NULL || !vos_akey_visible(o, d, a, epoch)))
		return -DER_NONEXIST;
	if (a != NULL && a->ak_nvals > 0 &&
	    (a->ak_type != iod->vi_type ||
	     (iod->vi_type == DAOS_IOD_ARRAY && a->ak_rsize != iod->vi_size)))
		return -DER_INVAL;
	for (i = 0; i < iod->vi_nr; i++) {
		const struct vos_value *v = &iod->vi_vals[i];
		uint64_t                len;

		if (iod->vi_type == DAOS_IOD_ARRAY) {
			const daos_recx_t *x = &v->vv_recx;

			if (x->rx_nr == 0 || x->rx_idx + x->rx_nr < x->rx_idx ||
			    x->rx_nr > UINT64_MAX / iod->vi_size)
				return -DER_INVAL;
			len = x->rx_nr * iod->vi_size;
			for (j = 0; j < i; j++)
				if (recx_overlap(&iod->vi_vals[j].vv_recx, x->rx_idx, x->rx_nr))
					return -DER_INVAL;
			if (a != NULL && a->ak_nvals > 0) {
				struct vos_val **vals = vos_akey_vals(a);

				for (j = 0; j < a->ak_nvals; j++) {
					struct vos_val *s = vals[j];

					if (s->v_epoch == epoch &&
					    recx_overlap(x, val_idx(s), val_nr(s)) &&
					    (val_idx(s) != x->rx_idx || val_nr(s) != x->rx_nr))
						return -DER_INVAL;
				}
			}
		} else {
			len = iod->vi_size;
		}
		if (v->vv_buf == NULL) {
			if (len <= VOS_INLINE_MAX)
				return -DER_INVAL;
		} else if (vos_csum(v->vv_buf, len) != v->vv_csum) {
			return -DER_CSUM;
		}
		if (len > VOS_INLINE_MAX &&
		    (vos->v_attr.va_data == NULL || vos->v_attr.va_data->dop_alloc == NULL))
			return -DER_NOTSUPPORTED;
	}
	return 0;
}

/*
 * Place a large value given as bytes in the data region: reserve, then write
 * it, or only submit the write (*io set) when the backend can run it beside
 * the record's log write.
 */
static int
val_place(struct vos *vos, const struct vos_value *v, uint64_t len, struct vos_data_addr *addr,
	  void **io)
{
	const struct vos_data_ops *ops = vos->v_attr.va_data;
	int                        rc;

	*io = NULL;
	rc  = ops->dop_alloc(vos->v_attr.va_data_arg, len, addr);
	if (rc != 0)
		return rc;
	if (ops->dop_write_submit != NULL && ops->dop_write_wait != NULL)
		rc = ops->dop_write_submit(vos->v_attr.va_data_arg, addr, v->vv_buf, len, io);
	else
		rc = ops->dop_write(vos->v_attr.va_data_arg, addr, v->vv_buf, len);
	if (rc != 0 && ops->dop_free != NULL)
		ops->dop_free(vos->v_attr.va_data_arg, addr, len);
	return rc;
}

/* Everything vos_obj_update refuses before it changes anything; *nbig: values. */
static int
update_check(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
	     uint64_t flags, const d_iov_t *dkey, unsigned int iod_nr, const struct vos_iod *iods,
	     uint32_t *nbig)
{
	struct vos_cont *c;
	struct vos_obj  *o;
	struct vos_dkey *d;
	uint32_t         i, j;
	bool             au = vos_oid_akey_uint64(oid);
	int              rc;

	rc = epoch_check(epoch);
	if (rc == 0)
		rc = key_check(dkey, vos_oid_dkey_uint64(oid));
	if (rc != 0)
		return rc;
	if (iod_nr == 0 || iods == NULL)
		return -DER_INVAL;
	c = vos_cont_find(vos, cont);
	if (c == NULL)
		return -DER_NONEXIST;
	o = vos_obj_find(c, oid);
	d = vos_dkey_find(o, dkey->iov_buf, dkey->iov_len);
	if (flags & DAOS_COND_DKEY_INSERT && d != NULL && vos_dkey_visible(o, d, epoch))
		return -DER_EXIST;
	if (flags & DAOS_COND_DKEY_UPDATE && (d == NULL || !vos_dkey_visible(o, d, epoch)))
		return -DER_NONEXIST;
	*nbig = 0;
	for (i = 0; i < iod_nr; i++) {
		uint64_t cond = (flags & DAOS_COND_PER_AKEY) ? iods[i].vi_flags : flags;

		for (j = 0; j < i; j++)
			if (iods[j].vi_name.iov_len == iods[i].vi_name.iov_len &&
			    memcmp(iods[j].vi_name.iov_buf, iods[i].vi_name.iov_buf,
				   iods[i].vi_name.iov_len) == 0)
				return -DER_INVAL;
		rc = iod_check(vos, o, d, &iods[i], epoch, cond, au);
		if (rc != 0)
			return rc;
		*nbig += iods[i].vi_nr;
	}
	return 0;
}

int
vos_obj_update_check(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		     uint64_t flags, const d_iov_t *dkey, unsigned int iod_nr,
		     const struct vos_iod *iods)
{
	uint32_t nbig;

	return update_check(vos, cont, oid, epoch, flags, dkey, iod_nr, iods, &nbig);
}

int
vos_obj_update(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
	       uint64_t flags, const d_iov_t *dkey, unsigned int iod_nr,
	       const struct vos_iod *iods)
{
	struct vos_enc        e;
	struct vos_data_addr *placed = NULL;
	uint64_t             *placed_len = NULL;
	void                **ios = NULL;
	unsigned int          nios = 0;
	bool                  logged = false;
	uint32_t              nplaced = 0, nbig = 0, i, j;
	bool                  du = vos_oid_dkey_uint64(oid), au = vos_oid_akey_uint64(oid);
	size_t                start;
	int                   rc;

	rc = update_check(vos, cont, oid, epoch, flags, dkey, iod_nr, iods, &nbig);
	if (rc != 0)
		return rc;
	D_ALLOC_ARRAY(placed, nbig);
	D_ALLOC_ARRAY(placed_len, nbig);
	D_ALLOC_ARRAY(ios, nbig);
	if (placed == NULL || placed_len == NULL || ios == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}

	vos_enc_init(&e);
	vos_enc_begin(&e, VREC_UPDATE, &start);
	vos_enc_prefix(&e, cont, oid);
	vos_enc_u64(&e, epoch);
	vos_enc_key(&e, du, dkey->iov_buf, dkey->iov_len);
	vos_enc_u32(&e, iod_nr);
	for (i = 0; i < iod_nr && rc == 0; i++) {
		const struct vos_iod *iod = &iods[i];
		bool                  arr = iod->vi_type == DAOS_IOD_ARRAY;

		vos_enc_key(&e, au, iod->vi_name.iov_buf, iod->vi_name.iov_len);
		vos_enc_u8(&e, iod->vi_type);
		vos_enc_u32(&e, arr ? (uint32_t)iod->vi_size : 0);
		vos_enc_u32(&e, iod->vi_nr);
		for (j = 0; j < iod->vi_nr && rc == 0; j++) {
			const struct vos_value *v     = &iod->vi_vals[j];
			uint64_t                len   = arr ? v->vv_recx.rx_nr * iod->vi_size
							    : iod->vi_size;
			uint32_t                vflag = arr ? VAL_ARRAY : 0;
			const void             *data  = v->vv_buf;

			if (len > VOS_INLINE_MAX) {
				vflag |= VAL_ADDR;
				data = &v->vv_addr;
				if (v->vv_buf != NULL) {
					rc = val_place(vos, v, len, &placed[nplaced], &ios[nios]);
					if (rc != 0)
						break;
					if (ios[nios] != NULL)
						nios++;
					placed_len[nplaced] = len;
					data                = &placed[nplaced++];
				}
			}
			vos_enc_val(&e, vflag, len, v->vv_csum, v->vv_recx.rx_idx,
				    v->vv_recx.rx_nr, data);
		}
	}
	if (rc == 0)
		rc = vos_enc_end(&e, start);
	if (rc == 0)
		rc = vos_commit_io(vos, &e, ios, &nios, &logged);
	vos_enc_fini(&e);
	/* Writes that never reached the log are waited for before their space goes back. */
	for (i = 0; i < nios; i++)
		vos->v_attr.va_data->dop_write_wait(vos->v_attr.va_data_arg, ios[i]);
	/* A logged record may be replayed: its extents stay taken until the next
	 * recovery rebuilds the allocator from what the index references. */
	if (rc != 0 && !logged) {
		for (i = 0; i < nplaced; i++)
			vos->v_attr.va_data->dop_free(vos->v_attr.va_data_arg, &placed[i],
						      placed_len[i]);
	}
out:
	D_FREE(placed);
	D_FREE(placed_len);
	D_FREE(ios);
	return rc;
}

/* ---- fetch ---- */

static struct vos_val *
single_visible(struct vos_obj *o, struct vos_dkey *d, struct vos_akey *a, daos_epoch_t epoch)
{
	daos_epoch_t     floor = vos_punch_floor(o, d, a, epoch);
	struct vos_val **vals  = vos_akey_vals(a);
	int              i;

	for (i = (int)a->ak_nvals - 1; i >= 0; i--) {
		if (vals[i]->v_epoch > epoch)
			continue;
		return vals[i]->v_epoch > floor ? vals[i] : NULL;
	}
	return NULL;
}

static void
map_add(struct vos_fetch *f, uint64_t lo, uint64_t hi, uint64_t *last_hi)
{
	if (f->vf_map_nr > 0 && *last_hi == lo) {
		if (f->vf_map_nr <= f->vf_map_cap && f->vf_map != NULL)
			f->vf_map[f->vf_map_nr - 1].rx_nr += hi - lo;
	} else {
		if (f->vf_map_nr < f->vf_map_cap && f->vf_map != NULL) {
			f->vf_map[f->vf_map_nr].rx_idx = lo;
			f->vf_map[f->vf_map_nr].rx_nr  = hi - lo;
		}
		f->vf_map_nr++;
	}
	*last_hi = hi;
}

/*
 * Fetch. A fetch runs in two passes. The first walks the index (no yield):
 * values kept in DRAM are checked and copied out at once, and for each one
 * in DATA it notes what the read needs (address, length, checksum: copies,
 * never the value itself). The second reads those and may yield; meanwhile
 * an update or aggregation may free the values and keys the first pass
 * walked (freed memory a fetch used to read after a yield), and while any
 * fetch is between its passes the DATA such values used is held, not freed
 * (vos_readers_end), so no read meets its blocks reused.
 */
struct fetch_read {
	const struct vos_val *fr_id;    /* which value: compared, never dereferenced */
	struct vos_data_addr  fr_addr;
	uint64_t              fr_len;
	uint32_t              fr_csum;
	daos_epoch_t          fr_epoch;
	uint8_t              *fr_dst;   /* fr_bytes of the value from fr_off go here */
	uint64_t              fr_off;
	uint64_t              fr_bytes;
	uint32_t              fr_fetch; /* index of its vos_fetch */
};

#define FETCH_INL 8 /* reads and fetches a plan holds without malloc */

struct fetch_plan {
	struct fetch_read *fp_reads;
	uint32_t           fp_nr, fp_cap;
	uint64_t          *fp_need; /* per fetch: bytes of its buffer (zeroed on failure) */
	struct fetch_read  fp_reads_inl[FETCH_INL];
	uint64_t           fp_need_inl[FETCH_INL];
};

static int
csum_check(const void *buf, const struct fetch_read *r)
{
	if (vos_csum(buf, r->fr_len) == r->fr_csum)
		return 0;
	D_ERROR("checksum mismatch on a %" PRIu64 "-byte value at epoch %" PRIu64 "\n", r->fr_len,
		r->fr_epoch);
	return -DER_CSUM;
}

/* Pass one for bytes [off, off + bytes) of v, going to dst. */
static int
fetch_take(struct fetch_plan *fp, uint32_t fetch, const struct vos_val *v, uint8_t *dst,
	   uint64_t off, uint64_t bytes)
{
	struct fetch_read r = {.fr_id = v, .fr_len = v->v_len, .fr_csum = v->v_csum,
			       .fr_epoch = v->v_epoch, .fr_dst = dst, .fr_off = off,
			       .fr_bytes = bytes, .fr_fetch = fetch};
	int               rc;

	if (!(v->v_flags & VAL_ADDR)) {
		rc = csum_check(val_data(v), &r);
		if (rc == 0)
			memcpy(dst, (const uint8_t *)val_data(v) + off, bytes);
		return rc;
	}
	if (fp->fp_nr == fp->fp_cap) {
		uint32_t           cap = 2 * fp->fp_cap;
		struct fetch_read *n;

		D_ALLOC_ARRAY(n, cap);
		if (n == NULL)
			return -DER_NOMEM;
		memcpy(n, fp->fp_reads, fp->fp_nr * sizeof(*n));
		if (fp->fp_reads != fp->fp_reads_inl)
			D_FREE(fp->fp_reads);
		fp->fp_reads = n;
		fp->fp_cap   = cap;
	}
	r.fr_addr                  = *(const struct vos_data_addr *)val_data(v);
	fp->fp_reads[fp->fp_nr++] = r;
	return 0;
}

/* Pass two; the failed read's fetch index in *bad. */
static int
fetch_reads(struct vos *vos, struct fetch_plan *fp, uint32_t *bad)
{
	const struct vos_data_ops *ops    = vos->v_attr.va_data;
	const struct vos_val      *cached = NULL;
	uint8_t                   *tmp    = NULL;
	uint64_t                   cap    = 0;
	uint32_t                   i;
	int                        rc = 0;

	if (fp->fp_nr > 0 && (ops == NULL || ops->dop_read == NULL)) {
		*bad = fp->fp_reads[0].fr_fetch;
		return -DER_NOTSUPPORTED;
	}
	for (i = 0; i < fp->fp_nr; i++) {
		struct fetch_read *r = &fp->fp_reads[i];
		/* a whole value straight into place; a part through a copy that
		 * serves the neighbouring parts of the same value too */
		bool               whole = r->fr_off == 0 && r->fr_bytes == r->fr_len;
		uint8_t           *to;

		*bad = r->fr_fetch;
		if (whole || cached != r->fr_id) {
			if (!whole && cap < r->fr_len) {
				D_FREE(tmp);
				D_ALLOC_NZ(tmp, r->fr_len);
				if (tmp == NULL) {
					rc = -DER_NOMEM;
					break;
				}
				cap = r->fr_len;
			}
			to     = whole ? r->fr_dst : tmp;
			cached = NULL;
			rc     = ops->dop_read(vos->v_attr.va_data_arg, &r->fr_addr, to, r->fr_len);
			if (rc == 0)
				rc = csum_check(to, r);
			if (rc != 0)
				break;
			if (whole)
				continue;
			cached = r->fr_id;
		}
		memcpy(r->fr_dst, tmp + r->fr_off, r->fr_bytes);
	}
	D_FREE(tmp);
	return rc;
}

static int
fetch_array(struct vos_obj *o, struct vos_dkey *d, struct vos_akey *a, daos_epoch_t epoch,
	    struct vos_fetch *f, struct fetch_plan *fp, uint32_t fetch)
{
	struct vos_piece *pieces = NULL;
	uint8_t          *out = f->vf_buf;
	uint64_t          need = 0, rsize, last_hi = UINT64_MAX;
	uint32_t          np, i, j;
	daos_epoch_t      floor;
	int               rc = 0;

	rsize = (a == NULL || a->ak_nvals == 0) ? 0 : a->ak_rsize;
	if (a != NULL && a->ak_nvals > 0 && a->ak_type != DAOS_IOD_ARRAY)
		return -DER_INVAL;
	if (f->vf_size != 0 && rsize != 0 && f->vf_size != rsize)
		return -DER_INVAL;
	if (rsize == 0)
		rsize = f->vf_size;
	f->vf_size   = rsize;
	f->vf_map_nr = 0;
	if (f->vf_nr > 0 && f->vf_recxs == NULL)
		return -DER_INVAL;
	for (i = 0; i < f->vf_nr; i++) {
		if (f->vf_recxs[i].rx_idx + f->vf_recxs[i].rx_nr < f->vf_recxs[i].rx_idx)
			return -DER_INVAL;
		need += f->vf_recxs[i].rx_nr * rsize;
	}
	if (out != NULL && need > f->vf_buf_len)
		return -DER_REC2BIG;
	if (out != NULL) {
		memset(out, 0, need);
		fp->fp_need[fetch] = need;
	}
	if (a == NULL || a->ak_nvals == 0)
		return 0;
	floor = vos_punch_floor(o, d, a, epoch);
	for (i = 0; i < f->vf_nr; i++) {
		const daos_recx_t *x = &f->vf_recxs[i];

		rc = vos_array_view(a, x->rx_idx, x->rx_idx + x->rx_nr, floor, epoch, 0, &pieces,
				    &np);
		if (rc != 0)
			break;
		for (j = 0; j < np && rc == 0; j++) {
			struct vos_piece *p = &pieces[j];

			map_add(f, p->p_lo, p->p_hi, &last_hi);
			if (out != NULL)
				rc = fetch_take(fp, fetch, p->p_val, out + (p->p_lo - x->rx_idx) * rsize,
						(p->p_lo - val_idx(p->p_val)) * rsize,
						(p->p_hi - p->p_lo) * rsize);
		}
		D_FREE(pieces);
		if (rc != 0)
			break;
		out = out == NULL ? NULL : out + x->rx_nr * rsize;
	}
	return rc;
}

/* Pass one over every fetch (the index only: no yield). */
static int
fetch_plan(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
	   uint64_t flags, const d_iov_t *dkey, unsigned int nr, struct vos_fetch *fetches,
	   struct fetch_plan *fp, uint32_t *bad)
{
	struct vos_obj  *o;
	struct vos_dkey *d;
	unsigned int     i;
	int              rc;

	o = vos_obj_find(vos_cont_find(vos, cont), oid);
	d = vos_dkey_find(o, dkey->iov_buf, dkey->iov_len);
	if (flags & DAOS_COND_DKEY_FETCH && (d == NULL || !vos_dkey_visible(o, d, epoch)))
		return -DER_NONEXIST;
	for (i = 0; i < nr; i++) {
		struct vos_fetch *f    = &fetches[i];
		uint64_t          cond = (flags & DAOS_COND_PER_AKEY) ? f->vf_flags : flags;
		struct vos_akey  *a;
		struct vos_val   *v;

		*bad = i;
		rc   = key_check(&f->vf_name, vos_oid_akey_uint64(oid));
		if (rc != 0)
			return rc;
		a = vos_akey_find(d, f->vf_name.iov_buf, f->vf_name.iov_len);
		if (cond & DAOS_COND_AKEY_FETCH && (a == NULL || !vos_akey_visible(o, d, a, epoch)))
			return -DER_NONEXIST;
		if (f->vf_type == DAOS_IOD_ARRAY) {
			rc = fetch_array(o, d, a, epoch, f, fp, i);
			if (rc != 0)
				return rc;
			continue;
		}
		if (f->vf_type != DAOS_IOD_SINGLE)
			return -DER_INVAL;
		f->vf_map_nr = 0;
		if (a != NULL && a->ak_nvals > 0 && a->ak_type != DAOS_IOD_SINGLE)
			return -DER_INVAL;
		v          = a == NULL ? NULL : single_visible(o, d, a, epoch);
		f->vf_size = v == NULL ? 0 : v->v_len;
		if (v == NULL || f->vf_buf == NULL)
			continue;
		if (f->vf_buf_len < v->v_len)
			return -DER_REC2BIG;
		fp->fp_need[i] = v->v_len;
		rc             = fetch_take(fp, i, v, f->vf_buf, 0, v->v_len);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
vos_obj_fetch(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
	      uint64_t flags, const d_iov_t *dkey, unsigned int nr, struct vos_fetch *fetches)
{
	struct fetch_plan fp;
	uint32_t          bad = 0;
	int               rc;

	rc = epoch == 0 ? -DER_INVAL : key_check(dkey, vos_oid_dkey_uint64(oid));
	if (rc != 0)
		return rc;
	if (nr > 0 && fetches == NULL)
		return -DER_INVAL;
	fp.fp_reads = fp.fp_reads_inl;
	fp.fp_nr    = 0;
	fp.fp_cap   = FETCH_INL;
	fp.fp_need  = fp.fp_need_inl;
	if (nr > FETCH_INL) {
		D_ALLOC_ARRAY(fp.fp_need, nr);
		if (fp.fp_need == NULL)
			return -DER_NOMEM;
	} else {
		memset(fp.fp_need_inl, 0, sizeof(fp.fp_need_inl));
	}
	vos->v_readers++;
	rc = fetch_plan(vos, cont, oid, epoch, flags, dkey, nr, fetches, &fp, &bad);
	if (rc == 0)
		rc = fetch_reads(vos, &fp, &bad);
	vos_readers_end(vos);
	/* never hand out part of a bad value */
	if (rc != 0 && bad < nr && fetches[bad].vf_buf != NULL && fp.fp_need[bad] > 0)
		memset(fetches[bad].vf_buf, 0, fp.fp_need[bad]);
	if (fp.fp_reads != fp.fp_reads_inl)
		D_FREE(fp.fp_reads);
	if (fp.fp_need != fp.fp_need_inl)
		D_FREE(fp.fp_need);
	return rc;
}

/* ---- punch ---- */

int
vos_obj_punch(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
	      uint64_t flags, const d_iov_t *dkey, unsigned int akey_nr, const d_iov_t *akeys)
{
	bool             du = vos_oid_dkey_uint64(oid), au = vos_oid_akey_uint64(oid);
	struct vos_cont *c;
	struct vos_obj  *o;
	struct vos_dkey *d = NULL;
	struct vos_enc   e;
	size_t           start;
	unsigned int     i;
	int              rc;

	rc = epoch_check(epoch);
	if (rc == 0 && dkey != NULL)
		rc = key_check(dkey, du);
	if (rc == 0 && akey_nr > 0 && (dkey == NULL || akeys == NULL))
		rc = -DER_INVAL;
	for (i = 0; rc == 0 && i < akey_nr; i++)
		rc = key_check(&akeys[i], au);
	if (rc != 0)
		return rc;
	c = vos_cont_find(vos, cont);
	if (c == NULL)
		return -DER_NONEXIST;
	o = vos_obj_find(c, oid);
	if (dkey != NULL)
		d = vos_dkey_find(o, dkey->iov_buf, dkey->iov_len);
	if (flags & DAOS_COND_PUNCH) {
		if (dkey == NULL && (o == NULL || !vos_obj_visible(o, epoch)))
			return -DER_NONEXIST;
		if (dkey != NULL && akey_nr == 0 && (d == NULL || !vos_dkey_visible(o, d, epoch)))
			return -DER_NONEXIST;
		for (i = 0; i < akey_nr; i++) {
			struct vos_akey *a = vos_akey_find(d, akeys[i].iov_buf, akeys[i].iov_len);

			if (a == NULL || !vos_akey_visible(o, d, a, epoch))
				return -DER_NONEXIST;
		}
	}
	vos_enc_init(&e);
	vos_enc_begin(&e, VREC_PUNCH, &start);
	vos_enc_prefix(&e, cont, oid);
	vos_enc_u64(&e, epoch);
	vos_enc_u8(&e, dkey == NULL ? 0 : akey_nr == 0 ? 1 : 2);
	if (dkey != NULL)
		vos_enc_key(&e, du, dkey->iov_buf, dkey->iov_len);
	if (akey_nr > 0) {
		vos_enc_u32(&e, akey_nr);
		for (i = 0; i < akey_nr; i++)
			vos_enc_key(&e, au, akeys[i].iov_buf, akeys[i].iov_len);
	}
	rc = vos_enc_end(&e, start);
	if (rc == 0)
		rc = vos_commit(vos, &e);
	vos_enc_fini(&e);
	return rc;
}

/* ---- enumeration ---- */

static uint64_t
key_hash(const void *key, uint32_t len)
{
	const uint8_t *p = key;
	uint64_t       h = 0xcbf29ce484222325ULL;
	uint32_t       i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define ANCHOR_HASHED 0x1
#define ANCHOR_AT     0x2 /* resume at the key itself (vos_anchor_at), not after it */
#define ANCHOR_PREFIX (sizeof(((vos_anchor_t *)0)->va_buf) - 8)

static void
anchor_set_key(vos_anchor_t *an, const void *key, uint32_t len)
{
	an->va_type = VOS_ANCHOR_KEY;
	if (len <= VOS_ANCHOR_KEY_MAX) {
		an->va_flags = 0;
		an->va_len   = (uint16_t)len;
		memcpy(an->va_buf, key, len);
	} else {
		uint64_t h = key_hash(key, len);

		an->va_flags = ANCHOR_HASHED;
		an->va_len   = ANCHOR_PREFIX;
		memcpy(an->va_buf, key, ANCHOR_PREFIX);
		memcpy(an->va_buf + ANCHOR_PREFIX, &h, 8);
	}
}

int
vos_anchor_at(const void *key, uint32_t len, vos_anchor_t *anchor)
{
	if (key == NULL || len == 0 || len > VOS_KEY_MAX || anchor == NULL)
		return -DER_INVAL;
	memset(anchor, 0, sizeof(*anchor));
	anchor_set_key(anchor, key, len);
	anchor->va_flags |= ANCHOR_AT;
	return 0;
}

/* Put the cursor on the first key after the anchor (at it, for ANCHOR_AT). */
static int
anchor_seek(const struct btr_ops *ops, struct btr_root *r, struct btr_cursor *c,
	    const vos_anchor_t *an)
{
	uint64_t h;
	uint32_t kl;

	switch (an->va_type) {
	case VOS_ANCHOR_ZERO:
		btr_first(ops, r, c);
		return 0;
	case VOS_ANCHOR_EOF:
		c->bc_valid = false;
		return 0;
	case VOS_ANCHOR_KEY:
		break;
	default:
		return -DER_INVAL;
	}
	if (an->va_len == 0 || an->va_len > sizeof(an->va_buf) ||
	    (an->va_flags & ANCHOR_HASHED && an->va_len != ANCHOR_PREFIX))
		return -DER_INVAL;
	if (!(an->va_flags & ANCHOR_HASHED)) {
		btr_seek(ops, r, c, an->va_buf, an->va_len,
			 an->va_flags & ANCHOR_AT ? BTR_SEEK_GE : BTR_SEEK_GT);
		return 0;
	}
	memcpy(&h, an->va_buf + ANCHOR_PREFIX, 8);
	btr_seek(ops, r, c, an->va_buf, ANCHOR_PREFIX, BTR_SEEK_GE);
	for (; btr_item(c) != NULL; btr_next(c)) {
		const void *k = ops->key(btr_item(c), &kl);

		if (kl < ANCHOR_PREFIX || memcmp(k, an->va_buf, ANCHOR_PREFIX) != 0)
			break;
		if (key_hash(k, kl) == h) {
			if (!(an->va_flags & ANCHOR_AT))
				btr_next(c);
			return 0;
		}
	}
	/* The anchored key is gone: resume at the start of its prefix. */
	btr_seek(ops, r, c, an->va_buf, ANCHOR_PREFIX, BTR_SEEK_GE);
	return 0;
}

int
vos_obj_list_keys(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		  const d_iov_t *dkey, vos_anchor_t *anchor, uint32_t *nr,
		  struct vos_key_desc *kds, void *buf, size_t buf_len)
{
	const struct btr_ops *ops = dkey == NULL ? &vos_dkey_ops : &vos_akey_ops;
	struct btr_root      *root;
	struct btr_cursor     c;
	struct vos_obj       *o;
	struct vos_dkey      *d = NULL;
	uint32_t              n = 0, cap, kl;
	size_t                used = 0;
	int                   rc;

	if (anchor == NULL || nr == NULL || (*nr > 0 && (kds == NULL || buf == NULL)) ||
	    epoch == 0)
		return -DER_INVAL;
	if (dkey != NULL && (rc = key_check(dkey, vos_oid_dkey_uint64(oid))) != 0)
		return rc;
	cap = *nr;
	*nr = 0;
	o   = vos_obj_find(vos_cont_find(vos, cont), oid);
	if (o != NULL && dkey != NULL)
		d = vos_dkey_find(o, dkey->iov_buf, dkey->iov_len);
	if (o == NULL || (dkey != NULL && d == NULL)) {
		if (anchor->va_type > VOS_ANCHOR_EOF)
			return -DER_INVAL;
		anchor->va_type = VOS_ANCHOR_EOF;
		return 0;
	}
	root = dkey == NULL ? &o->o_dkeys : &d->dk_akeys;
	rc   = anchor_seek(ops, root, &c, anchor);
	if (rc != 0)
		return rc;
	for (; btr_item(&c) != NULL && n < cap; btr_next(&c)) {
		void       *item = btr_item(&c);
		const void *k;
		bool        vis;

		vis = dkey == NULL ? vos_dkey_visible(o, item, epoch)
				   : vos_akey_visible(o, d, item, epoch);
		if (!vis)
			continue;
		k = ops->key(item, &kl);
		if (used + kl > buf_len) {
			if (n == 0) {
				kds[0].kd_len = kl;
				return -DER_KEY2BIG;
			}
			break;
		}
		memcpy((uint8_t *)buf + used, k, kl);
		used += kl;
		kds[n].kd_len  = kl;
		kds[n].kd_type = dkey == NULL ? 0 : ((struct vos_akey *)item)->ak_type;
		n++;
		anchor_set_key(anchor, k, kl);
	}
	if (btr_item(&c) == NULL)
		anchor->va_type = VOS_ANCHOR_EOF;
	*nr = n;
	return 0;
}

int
vos_cont_list_objs(struct vos *vos, const uuid_t cont, daos_epoch_t epoch, vos_anchor_t *anchor,
		   uint32_t *nr, daos_obj_id_t *oids)
{
	struct vos_cont  *c;
	struct btr_cursor cur;
	uint32_t          n = 0, cap;
	int               rc;

	if (anchor == NULL || nr == NULL || (*nr > 0 && oids == NULL) || epoch == 0)
		return -DER_INVAL;
	cap = *nr;
	*nr = 0;
	c   = vos_cont_find(vos, cont);
	if (c == NULL)
		return -DER_NONEXIST;
	rc = anchor_seek(&vos_obj_ops, &c->c_objs, &cur, anchor);
	if (rc != 0)
		return rc;
	for (; btr_item(&cur) != NULL && n < cap; btr_next(&cur)) {
		struct vos_obj *o = btr_item(&cur);

		if (!vos_obj_visible(o, epoch))
			continue;
		oids[n++] = o->o_id;
		anchor_set_key(anchor, o->o_key, 16);
	}
	if (btr_item(&cur) == NULL)
		anchor->va_type = VOS_ANCHOR_EOF;
	*nr = n;
	return 0;
}

static int
akey_lookup(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey,
	    const d_iov_t *akey, struct vos_obj **op, struct vos_dkey **dp, struct vos_akey **ap)
{
	int rc = key_check(dkey, vos_oid_dkey_uint64(oid));

	if (rc == 0)
		rc = key_check(akey, vos_oid_akey_uint64(oid));
	if (rc != 0)
		return rc;
	*op = vos_obj_find(vos_cont_find(vos, cont), oid);
	*dp = vos_dkey_find(*op, dkey->iov_buf, dkey->iov_len);
	*ap = vos_akey_find(*dp, akey->iov_buf, akey->iov_len);
	return 0;
}

int
vos_obj_list_recx(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		  const d_iov_t *dkey, const d_iov_t *akey, bool decr, vos_anchor_t *anchor,
		  uint32_t *nr, struct vos_recx_desc *recxs)
{
	struct vos_obj   *o;
	struct vos_dkey  *d;
	struct vos_akey  *a;
	struct vos_piece *p = NULL;
	uint64_t          from = decr ? UINT64_MAX : 0; /* decr: where the rest ends */
	uint32_t          np, i, n = 0, cap;
	int               rc;

	if (anchor == NULL || nr == NULL || (*nr > 0 && recxs == NULL) || epoch == 0)
		return -DER_INVAL;
	rc = akey_lookup(vos, cont, oid, dkey, akey, &o, &d, &a);
	if (rc != 0)
		return rc;
	cap = *nr;
	*nr = 0;
	if (anchor->va_type == VOS_ANCHOR_KEY) {
		if (anchor->va_len != 8)
			return -DER_INVAL;
		memcpy(&from, anchor->va_buf, 8);
	} else if (anchor->va_type != VOS_ANCHOR_ZERO) {
		if (anchor->va_type != VOS_ANCHOR_EOF)
			return -DER_INVAL;
		return 0;
	}
	if (a == NULL || a->ak_type != DAOS_IOD_ARRAY || a->ak_nvals == 0) {
		anchor->va_type = VOS_ANCHOR_EOF;
		return 0;
	}
	rc = vos_array_view(a, decr ? 0 : from, decr ? from : UINT64_MAX,
			    vos_punch_floor(o, d, a, epoch), epoch, 0, &p, &np);
	if (rc != 0)
		return rc;
	for (i = 0; i < np && n < cap; i++, n++) {
		const struct vos_piece *pc = &p[decr ? np - 1 - i : i];

		recxs[n].rd_recx.rx_idx = pc->p_lo;
		recxs[n].rd_recx.rx_nr  = pc->p_hi - pc->p_lo;
		recxs[n].rd_epoch       = pc->p_val->v_epoch;
		recxs[n].rd_rsize       = a->ak_rsize;
		from                    = decr ? pc->p_lo : pc->p_hi;
	}
	if (i == np) {
		anchor->va_type = VOS_ANCHOR_EOF;
	} else {
		anchor->va_type = VOS_ANCHOR_KEY;
		anchor->va_len  = 8;
		memcpy(anchor->va_buf, &from, 8);
	}
	*nr = n;
	D_FREE(p);
	return 0;
}

/* ---- queries ---- */

static int
key_out(d_iov_t *iov, const void *k, uint32_t kl)
{
	if (iov == NULL || iov->iov_buf == NULL)
		return -DER_INVAL;
	if (iov->iov_buf_len < kl) {
		iov->iov_len = kl;
		return -DER_KEY2BIG;
	}
	memcpy(iov->iov_buf, k, kl);
	iov->iov_len = kl;
	return 0;
}

int
vos_obj_query_key(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, daos_epoch_t epoch,
		  uint32_t flags, d_iov_t *dkey, d_iov_t *akey, daos_recx_t *recx)
{
	bool              max = flags & DAOS_GET_MAX;
	struct vos_obj   *o;
	struct vos_dkey  *d = NULL;
	struct vos_akey  *a = NULL;
	struct vos_piece *p = NULL;
	struct btr_cursor c;
	uint32_t          np, kl;
	const void       *k;
	int               rc;

	if (epoch == 0 || !(flags & (DAOS_GET_MAX | DAOS_GET_MIN)) ||
	    (flags & DAOS_GET_MAX && flags & DAOS_GET_MIN) ||
	    !(flags & (DAOS_GET_DKEY | DAOS_GET_AKEY | DAOS_GET_RECX)) ||
	    (flags & DAOS_GET_RECX && recx == NULL))
		return -DER_INVAL;
	o = vos_obj_find(vos_cont_find(vos, cont), oid);
	if (o == NULL)
		return -DER_NONEXIST;
	if (flags & DAOS_GET_DKEY) {
		for (max ? btr_last(&vos_dkey_ops, &o->o_dkeys, &c)
			 : btr_first(&vos_dkey_ops, &o->o_dkeys, &c);
		     btr_item(&c) != NULL; max ? btr_prev(&c) : btr_next(&c))
			if (vos_dkey_visible(o, btr_item(&c), epoch))
				break;
		d = btr_item(&c);
		if (d == NULL)
			return -DER_NONEXIST;
		rc = key_out(dkey, d->dk_key, d->dk_klen);
		if (rc != 0)
			return rc;
	} else {
		rc = key_check(dkey, vos_oid_dkey_uint64(oid));
		if (rc != 0)
			return rc;
		d = vos_dkey_find(o, dkey->iov_buf, dkey->iov_len);
	}
	if (d == NULL)
		return -DER_NONEXIST;
	if (flags & DAOS_GET_AKEY) {
		for (max ? btr_last(&vos_akey_ops, &d->dk_akeys, &c)
			 : btr_first(&vos_akey_ops, &d->dk_akeys, &c);
		     btr_item(&c) != NULL; max ? btr_prev(&c) : btr_next(&c))
			if (vos_akey_visible(o, d, btr_item(&c), epoch))
				break;
		a = btr_item(&c);
		if (a == NULL)
			return -DER_NONEXIST;
		k  = vos_akey_ops.key(a, &kl);
		rc = key_out(akey, k, kl);
		if (rc != 0)
			return rc;
	} else if (flags & DAOS_GET_RECX) {
		rc = key_check(akey, vos_oid_akey_uint64(oid));
		if (rc != 0)
			return rc;
		a = vos_akey_find(d, akey->iov_buf, akey->iov_len);
	}
	if (!(flags & DAOS_GET_RECX))
		return 0;
	if (a == NULL || a->ak_type != DAOS_IOD_ARRAY)
		return -DER_NONEXIST;
	rc = vos_array_view(a, 0, UINT64_MAX, vos_punch_floor(o, d, a, epoch), epoch, 0, &p, &np);
	if (rc != 0)
		return rc;
	if (np == 0) {
		rc = -DER_NONEXIST;
	} else {
		struct vos_piece *x = max ? &p[np - 1] : &p[0];

		recx->rx_idx = x->p_lo;
		recx->rx_nr  = x->p_hi - x->p_lo;
	}
	D_FREE(p);
	return rc;
}

int
vos_data_addr_foreach(struct vos *vos,
		      int (*cb)(void *arg, const struct vos_data_addr *addr, uint64_t len),
		      void *arg)
{
	struct btr_cursor cc, oc, dc, ac;
	uint32_t          i;
	int               rc;

	for (btr_first(&vos_cont_ops, &vos->v_conts, &cc); btr_item(&cc); btr_next(&cc)) {
		struct vos_cont *c = btr_item(&cc);

		for (btr_first(&vos_obj_ops, &c->c_objs, &oc); btr_item(&oc); btr_next(&oc)) {
			struct vos_obj *o = btr_item(&oc);

			for (btr_first(&vos_dkey_ops, &o->o_dkeys, &dc); btr_item(&dc);
			     btr_next(&dc)) {
				struct vos_dkey *d = btr_item(&dc);

				for (btr_first(&vos_akey_ops, &d->dk_akeys, &ac); btr_item(&ac);
				     btr_next(&ac)) {
					struct vos_akey *a    = btr_item(&ac);
					struct vos_val **vals = vos_akey_vals(a);

					for (i = 0; i < a->ak_nvals; i++) {
						if (!(vals[i]->v_flags & VAL_ADDR))
							continue;
						rc = cb(arg, val_data(vals[i]), vals[i]->v_len);
						if (rc != 0)
							return rc;
					}
				}
			}
		}
	}
	return 0;
}

static int
space_cb(void *arg, const struct vos_data_addr *addr, uint64_t len)
{
	(void)addr;
	((struct vos_space *)arg)->vs_data_bytes += len;
	return 0;
}

int
vos_space_query(struct vos *vos, struct vos_space *sp)
{
	struct btr_cursor cc, oc, dc, ac;
	uint32_t          i;

	memset(sp, 0, sizeof(*sp));
	sp->vs_conts = vos->v_conts.br_count;
	for (btr_first(&vos_cont_ops, &vos->v_conts, &cc); btr_item(&cc); btr_next(&cc)) {
		struct vos_cont *c = btr_item(&cc);

		sp->vs_objs += c->c_objs.br_count;
		for (btr_first(&vos_obj_ops, &c->c_objs, &oc); btr_item(&oc); btr_next(&oc)) {
			struct vos_obj *o = btr_item(&oc);

			sp->vs_dkeys += o->o_dkeys.br_count;
			for (btr_first(&vos_dkey_ops, &o->o_dkeys, &dc); btr_item(&dc);
			     btr_next(&dc)) {
				struct vos_dkey *d = btr_item(&dc);

				sp->vs_akeys += d->dk_akeys.br_count;
				for (btr_first(&vos_akey_ops, &d->dk_akeys, &ac); btr_item(&ac);
				     btr_next(&ac)) {
					struct vos_akey *a    = btr_item(&ac);
					struct vos_val **vals = vos_akey_vals(a);

					sp->vs_values += a->ak_nvals;
					for (i = 0; i < a->ak_nvals; i++)
						if (!(vals[i]->v_flags & VAL_ADDR))
							sp->vs_inline_bytes += vals[i]->v_len;
				}
			}
		}
	}
	return vos_data_addr_foreach(vos, space_cb, sp);
}

/* ---- newest change (transaction validation) ---- */

static daos_epoch_t
punches_newest(const struct vos_punches *p)
{
	return p == NULL || p->vp_nr == 0 ? 0 : p->vp_ep[p->vp_nr - 1];
}

static daos_epoch_t
akey_newest(struct vos_akey *a)
{
	struct vos_val **vals = vos_akey_vals(a);
	daos_epoch_t     e    = punches_newest(a->ak_punch);
	uint32_t         i;

	/* array values are sorted by index first: look at all of them */
	for (i = 0; i < a->ak_nvals; i++)
		e = MAX(e, vals[i]->v_epoch);
	return e;
}

static daos_epoch_t
dkey_newest(struct vos_dkey *d, const d_iov_t *akey)
{
	struct btr_cursor c;
	struct vos_akey  *a;
	daos_epoch_t      e = punches_newest(d->dk_punch);

	if (akey != NULL) {
		a = vos_akey_find(d, akey->iov_buf, akey->iov_len);
		return a == NULL ? e : MAX(e, akey_newest(a));
	}
	for (btr_first(&vos_akey_ops, &d->dk_akeys, &c); btr_item(&c) != NULL; btr_next(&c))
		e = MAX(e, akey_newest(btr_item(&c)));
	return e;
}

int
vos_obj_newest(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey,
	       const d_iov_t *akey, daos_epoch_t *epoch)
{
	struct btr_cursor c;
	struct vos_obj   *o;
	struct vos_dkey  *d;
	daos_epoch_t      e;
	int               rc;

	if (epoch == NULL || (akey != NULL && dkey == NULL))
		return -DER_INVAL;
	if (dkey != NULL) {
		rc = key_check(dkey, vos_oid_dkey_uint64(oid));
		if (rc == 0 && akey != NULL)
			rc = key_check(akey, vos_oid_akey_uint64(oid));
		if (rc != 0)
			return rc;
	}
	*epoch = 0;
	o      = vos_obj_find(vos_cont_find(vos, cont), oid);
	if (o == NULL)
		return 0;
	e = punches_newest(o->o_punch);
	if (dkey != NULL) {
		d = vos_dkey_find(o, dkey->iov_buf, dkey->iov_len);
		if (d != NULL)
			e = MAX(e, dkey_newest(d, akey));
	} else {
		for (btr_first(&vos_dkey_ops, &o->o_dkeys, &c); btr_item(&c) != NULL; btr_next(&c))
			e = MAX(e, dkey_newest(btr_item(&c), NULL));
	}
	*epoch = e;
	return 0;
}
