/*
 * Redo records: encoding, bounds-checked decoding and blind application.
 *
 * Layout (little-endian): u16 magic, u8 version, u8 type, u32 total length,
 * then the body of the type. Every record is decoded twice: a first pass only
 * checks it, the second applies it, so a malformed record changes nothing.
 */
#include "vos_internal.h"

/* ---- encoding ---- */

void
vos_enc_init(struct vos_enc *e)
{
	e->e_buf = e->e_small;
	e->e_len = 0;
	e->e_cap = sizeof(e->e_small);
	e->e_rc  = 0;
}

void
vos_enc_fini(struct vos_enc *e)
{
	if (e->e_buf != e->e_small)
		D_FREE(e->e_buf);
	vos_enc_init(e);
}

static uint8_t *
enc_room(struct vos_enc *e, size_t n)
{
	if (e->e_rc != 0)
		return NULL;
	if (e->e_len + n > e->e_cap) {
		size_t   cap = e->e_cap;
		uint8_t *nb;

		while (cap < e->e_len + n)
			cap *= 2;
		if (e->e_buf == e->e_small) {
			D_ALLOC_NZ(nb, cap);
			if (nb != NULL)
				memcpy(nb, e->e_small, e->e_len);
		} else {
			D_REALLOC_NZ(nb, e->e_buf, cap);
		}
		if (nb == NULL) {
			e->e_rc = -DER_NOMEM;
			return NULL;
		}
		e->e_buf = nb;
		e->e_cap = cap;
	}
	e->e_len += n;
	return e->e_buf + e->e_len - n;
}

void
vos_enc_bytes(struct vos_enc *e, const void *p, size_t n)
{
	uint8_t *d = enc_room(e, n);

	if (d != NULL && n > 0)
		memcpy(d, p, n);
}

void
vos_enc_u8(struct vos_enc *e, uint8_t v)
{
	vos_enc_bytes(e, &v, 1);
}

void
vos_enc_u16(struct vos_enc *e, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	vos_enc_bytes(e, b, 2);
}

void
vos_enc_u32(struct vos_enc *e, uint32_t v)
{
	vos_enc_u16(e, (uint16_t)v);
	vos_enc_u16(e, (uint16_t)(v >> 16));
}

void
vos_enc_u64(struct vos_enc *e, uint64_t v)
{
	vos_enc_u32(e, (uint32_t)v);
	vos_enc_u32(e, (uint32_t)(v >> 32));
}

void
vos_enc_begin(struct vos_enc *e, enum vos_rec_type type, size_t *start)
{
	*start = e->e_len;
	vos_enc_u16(e, VOS_REC_MAGIC);
	vos_enc_u8(e, VOS_REC_VERSION);
	vos_enc_u8(e, type);
	vos_enc_u32(e, 0);
}

int
vos_enc_end(struct vos_enc *e, size_t start)
{
	uint64_t len = e->e_len - start;

	if (e->e_rc != 0)
		return e->e_rc;
	if (len > UINT32_MAX)
		return e->e_rc = -DER_REC2BIG;
	e->e_buf[start + 4] = (uint8_t)len;
	e->e_buf[start + 5] = (uint8_t)(len >> 8);
	e->e_buf[start + 6] = (uint8_t)(len >> 16);
	e->e_buf[start + 7] = (uint8_t)(len >> 24);
	return 0;
}

void
vos_enc_key(struct vos_enc *e, bool u64, const void *key, uint32_t klen)
{
	vos_enc_u16(e, (uint16_t)klen);
	if (u64 && klen == 8) {
		uint64_t v;

		memcpy(&v, key, 8);
		vos_enc_u64(e, v);
	} else {
		vos_enc_bytes(e, key, klen);
	}
}

void
vos_enc_prefix(struct vos_enc *e, const uuid_t cont, daos_obj_id_t oid)
{
	vos_enc_bytes(e, cont, sizeof(uuid_t));
	vos_enc_u64(e, oid.lo);
	vos_enc_u64(e, oid.hi);
}

void
vos_enc_replace_begin(struct vos_enc *e, const uuid_t cont, const struct vos_obj *o,
		      const struct vos_dkey *d, const struct vos_akey *a, daos_epoch_t lo,
		      daos_epoch_t hi, size_t *start)
{
	vos_enc_begin(e, VREC_REPLACE, start);
	vos_enc_prefix(e, cont, o->o_id);
	vos_enc_key(e, vos_oid_dkey_uint64(o->o_id), d->dk_key, d->dk_klen);
	vos_enc_key(e, vos_oid_akey_uint64(o->o_id), a->ak_key, a->ak_klen);
	vos_enc_u8(e, a->ak_type);
	vos_enc_u32(e, a->ak_rsize);
	vos_enc_u64(e, lo);
	vos_enc_u64(e, hi);
}

void
vos_enc_val(struct vos_enc *e, uint32_t flags, uint64_t len, uint32_t csum, uint64_t idx,
	    uint64_t nr, const void *data)
{
	vos_enc_u8(e, (uint8_t)flags);
	vos_enc_u32(e, csum);
	vos_enc_u64(e, len);
	if (flags & VAL_ARRAY) {
		vos_enc_u64(e, idx);
		vos_enc_u64(e, nr);
	}
	if (flags & VAL_ADDR) {
		const struct vos_data_addr *a = data;

		vos_enc_u64(e, a->da_off);
		vos_enc_u64(e, a->da_aux);
	} else {
		vos_enc_bytes(e, data, len);
	}
}

void
vos_enc_stored_val(struct vos_enc *e, const struct vos_val *v)
{
	vos_enc_u64(e, v->v_epoch);
	vos_enc_val(e, v->v_flags, v->v_len, v->v_csum, val_idx(v), val_nr(v), val_data(v));
}

static void
enc_punches(struct vos_enc *e, const struct vos_punches *p)
{
	uint32_t i;

	vos_enc_u64(e, 0);
	vos_enc_u64(e, DAOS_EPOCH_MAX);
	vos_enc_u32(e, p->vp_nr);
	for (i = 0; i < p->vp_nr; i++)
		vos_enc_u64(e, p->vp_ep[i]);
}

int
vos_enc_object(struct vos_enc *e, const struct vos_cont *c, const struct vos_obj *o)
{
	bool              du = vos_oid_dkey_uint64(o->o_id), au = vos_oid_akey_uint64(o->o_id);
	struct btr_cursor dc, ac;
	size_t            start;
	uint32_t          i;
	int               rc;

	if (o->o_punch != NULL) {
		vos_enc_begin(e, VREC_PUNCH_SET, &start);
		vos_enc_prefix(e, c->c_uuid, o->o_id);
		vos_enc_u8(e, 0);
		enc_punches(e, o->o_punch);
		rc = vos_enc_end(e, start);
		if (rc != 0)
			return rc;
	}
	btr_first(&vos_dkey_ops, (struct btr_root *)&o->o_dkeys, &dc);
	for (; btr_item(&dc) != NULL; btr_next(&dc)) {
		struct vos_dkey *d = btr_item(&dc);

		if (d->dk_punch != NULL) {
			vos_enc_begin(e, VREC_PUNCH_SET, &start);
			vos_enc_prefix(e, c->c_uuid, o->o_id);
			vos_enc_u8(e, 1);
			vos_enc_key(e, du, d->dk_key, d->dk_klen);
			enc_punches(e, d->dk_punch);
			rc = vos_enc_end(e, start);
			if (rc != 0)
				return rc;
		}
		for (btr_first(&vos_akey_ops, &d->dk_akeys, &ac); btr_item(&ac) != NULL;
		     btr_next(&ac)) {
			struct vos_akey *a    = btr_item(&ac);
			struct vos_val **vals = vos_akey_vals(a);

			if (a->ak_punch != NULL) {
				vos_enc_begin(e, VREC_PUNCH_SET, &start);
				vos_enc_prefix(e, c->c_uuid, o->o_id);
				vos_enc_u8(e, 2);
				vos_enc_key(e, du, d->dk_key, d->dk_klen);
				vos_enc_key(e, au, a->ak_key, a->ak_klen);
				enc_punches(e, a->ak_punch);
				rc = vos_enc_end(e, start);
				if (rc != 0)
					return rc;
			}
			if (a->ak_nvals == 0)
				continue;
			vos_enc_replace_begin(e, c->c_uuid, o, d, a, 0, DAOS_EPOCH_MAX, &start);
			vos_enc_u32(e, a->ak_nvals);
			for (i = 0; i < a->ak_nvals; i++)
				vos_enc_stored_val(e, vals[i]);
			rc = vos_enc_end(e, start);
			if (rc != 0)
				return rc;
		}
	}
	return e->e_rc;
}

/* ---- decoding ---- */

struct vos_dec {
	const uint8_t       *d_p;
	size_t               d_left;
	int                  d_rc;
	vos_record_data_cb_t d_data_cb; /* check pass: told about every data address */
	void                *d_data_arg;
};

static const uint8_t *
dec_take(struct vos_dec *d, size_t n)
{
	const uint8_t *p;

	if (d->d_rc != 0)
		return NULL;
	if (n > d->d_left) {
		d->d_rc = -DER_INVAL;
		return NULL;
	}
	p = d->d_p;
	d->d_p += n;
	d->d_left -= n;
	return p;
}

static uint64_t
dec_le(struct vos_dec *d, int n)
{
	const uint8_t *p = dec_take(d, n);
	uint64_t       v = 0;
	int            i;

	if (p == NULL)
		return 0;
	for (i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#define dec_u8(d)  ((uint8_t)dec_le(d, 1))
#define dec_u16(d) ((uint16_t)dec_le(d, 2))
#define dec_u32(d) ((uint32_t)dec_le(d, 4))
#define dec_u64(d) dec_le(d, 8)

static void
dec_fail(struct vos_dec *d)
{
	if (d->d_rc == 0)
		d->d_rc = -DER_INVAL;
}

/* A key as a record holds it: buf points into the record being decoded (it
 * lives as long as the decode), or at u64 for an integer key, which the
 * record stores little-endian and the index in host order. */
struct dkey_in {
	const uint8_t *buf;
	uint32_t       len;
	uint8_t        u64[8];
};

static void
dec_key(struct vos_dec *d, bool u64, struct dkey_in *k)
{
	const uint8_t *p;

	k->len = dec_u16(d);
	if (d->d_rc != 0)
		return;
	if (k->len == 0 || k->len > VOS_KEY_MAX || (u64 && k->len != 8)) {
		dec_fail(d);
		return;
	}
	if (u64) {
		uint64_t v = dec_u64(d);

		memcpy(k->u64, &v, 8);
		k->buf = k->u64;
		return;
	}
	p      = dec_take(d, k->len);
	k->buf = p;
}

static void
dec_prefix(struct vos_dec *d, uuid_t cont, daos_obj_id_t *oid)
{
	const uint8_t *p = dec_take(d, sizeof(uuid_t));

	if (p != NULL)
		memcpy(cont, p, sizeof(uuid_t));
	oid->lo = dec_u64(d);
	oid->hi = dec_u64(d);
}

/* Decode one value; allocate it when apply. */
static struct vos_val *
dec_val(struct vos_dec *d, daos_epoch_t epoch, daos_iod_type_t type, uint32_t rsize, bool apply)
{
	struct vos_val *v;
	uint32_t        flags, csum;
	uint64_t        len, idx = 0, nr = 0, dlen;
	const uint8_t  *data;
	size_t          hdr;

	flags = dec_u8(d);
	csum  = dec_u32(d);
	len   = dec_u64(d);
	if (d->d_rc != 0)
		return NULL;
	if ((flags & ~(VAL_ARRAY | VAL_ADDR)) != 0 || len == 0 || epoch == 0 ||
	    ((flags & VAL_ARRAY) != 0) != (type == DAOS_IOD_ARRAY) ||
	    (!(flags & VAL_ADDR) && len > VOS_INLINE_MAX)) {
		dec_fail(d);
		return NULL;
	}
	if (flags & VAL_ARRAY) {
		idx = dec_u64(d);
		nr  = dec_u64(d);
		if (d->d_rc == 0 && (nr == 0 || idx + nr < idx || rsize == 0 ||
				     nr > UINT64_MAX / rsize || nr * rsize != len)) {
			dec_fail(d);
			return NULL;
		}
	}
	dlen = (flags & VAL_ADDR) ? sizeof(struct vos_data_addr) : len;
	data = dec_take(d, dlen);
	if (data != NULL && (flags & VAL_ADDR) && d->d_data_cb != NULL) {
		struct vos_dec       ad = {.d_p = data, .d_left = dlen};
		struct vos_data_addr a;
		int                  rc;

		a.da_off = dec_u64(&ad);
		a.da_aux = dec_u64(&ad);
		rc       = d->d_data_cb(d->d_data_arg, &a, len, csum);
		if (rc != 0) {
			d->d_rc = rc;
			return NULL;
		}
	}
	if (data == NULL || !apply)
		return NULL;
	hdr = sizeof(*v) + ((flags & VAL_ARRAY) ? 16 : 0);
	D_ALLOC_NZ(v, hdr + dlen);
	if (v == NULL) {
		d->d_rc = -DER_NOMEM;
		return NULL;
	}
	v->v_epoch = epoch;
	v->v_len   = len;
	v->v_csum  = csum;
	v->v_flags = flags;
	if (flags & VAL_ARRAY) {
		v->v_ext[0] = idx;
		v->v_ext[1] = nr;
	}
	if (flags & VAL_ADDR) {
		struct vos_data_addr a;
		struct vos_dec       ad = {.d_p = data, .d_left = dlen};

		a.da_off = dec_u64(&ad);
		a.da_aux = dec_u64(&ad);
		memcpy(val_data(v), &a, sizeof(a));
	} else {
		memcpy(val_data(v), data, len);
	}
	return v;
}

/* ---- blind effects on the index ---- */

static struct vos_cont *
cont_get(struct vos *vos, const uuid_t uuid, int *rc)
{
	struct vos_cont *c = vos_cont_find(vos, uuid);

	if (c != NULL)
		return c;
	D_ALLOC_PTR(c);
	if (c == NULL) {
		*rc = -DER_NOMEM;
		return NULL;
	}
	uuid_copy(c->c_uuid, uuid);
	c->c_objs.br_kind = BTR_BYTES;
	*rc = btr_insert(&vos_cont_ops, &vos->v_conts, c);
	if (*rc != 0) {
		D_FREE(c);
		return NULL;
	}
	return c;
}

static struct vos_obj *
obj_get(struct vos_cont *c, daos_obj_id_t oid, int *rc)
{
	struct vos_obj *o = vos_obj_find(c, oid);

	if (o != NULL)
		return o;
	D_ALLOC_PTR(o);
	if (o == NULL) {
		*rc = -DER_NOMEM;
		return NULL;
	}
	o->o_id = oid;
	vos_obj_key(oid, o->o_key);
	o->o_dkeys.br_kind = vos_oid_dkey_uint64(oid) ? BTR_U64 : BTR_BYTES;
	*rc = btr_insert(&vos_obj_ops, &c->c_objs, o);
	if (*rc != 0) {
		D_FREE(o);
		return NULL;
	}
	return o;
}

static struct vos_dkey *
dkey_get(struct vos_obj *o, const struct dkey_in *k, int *rc)
{
	struct vos_dkey *d = vos_dkey_find(o, k->buf, k->len);

	if (d != NULL)
		return d;
	D_ALLOC(d, sizeof(*d) + k->len);
	if (d == NULL) {
		*rc = -DER_NOMEM;
		return NULL;
	}
	d->dk_klen = (uint16_t)k->len;
	memcpy(d->dk_key, k->buf, k->len);
	d->dk_akeys.br_kind = vos_oid_akey_uint64(o->o_id) ? BTR_U64 : BTR_BYTES;
	*rc = btr_insert(&vos_dkey_ops, &o->o_dkeys, d);
	if (*rc != 0) {
		D_FREE(d);
		return NULL;
	}
	return d;
}

static struct vos_akey *
akey_get(struct vos_dkey *d, const struct dkey_in *k, int *rc)
{
	struct vos_akey *a = vos_akey_find(d, k->buf, k->len);

	if (a != NULL)
		return a;
	D_ALLOC(a, sizeof(*a) + k->len);
	if (a == NULL) {
		*rc = -DER_NOMEM;
		return NULL;
	}
	a->ak_klen = (uint16_t)k->len;
	memcpy(a->ak_key, k->buf, k->len);
	*rc = btr_insert(&vos_akey_ops, &d->dk_akeys, a);
	if (*rc != 0) {
		D_FREE(a);
		return NULL;
	}
	return a;
}

static uint32_t
vec_cap(uint32_t n)
{
	uint32_t c = 2;

	while (c < n)
		c *= 2;
	return c;
}

/* Ordering of values in an akey: single by epoch; array by (idx, epoch). */
static int
val_order(const struct vos_val *x, const struct vos_val *y)
{
	if (val_idx(x) != val_idx(y))
		return val_idx(x) < val_idx(y) ? -1 : 1;
	return x->v_epoch < y->v_epoch ? -1 : x->v_epoch > y->v_epoch;
}

static bool
addr_eq(const struct vos_val *x, const struct vos_val *y)
{
	return (x->v_flags & VAL_ADDR) && (y->v_flags & VAL_ADDR) &&
	       memcmp(val_data(x), val_data(y), sizeof(struct vos_data_addr)) == 0;
}

/*
 * Insert v. *cap is the capacity of the akey's value array (it may exceed
 * vec_cap(n) after a reservation). When the array must grow, *spare (if
 * given, of spare_cap entries) is used instead of a new allocation, so an
 * insertion prepared by update_reserve() cannot fail.
 */
static int
akey_insert_val_in(struct vos *vos, struct vos_akey *a, struct vos_val *v, uint32_t *cap,
		   struct vos_val ***spare, uint32_t spare_cap)
{
	struct vos_val **vals = vos_akey_vals(a), **nv;
	uint32_t         lo = 0, hi = a->ak_nvals, n = a->ak_nvals, ncap;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (val_order(vals[mid], v) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && val_order(vals[lo], v) == 0) {
		/* The same slot written again: the newer record wins. */
		vos_val_free(vos, vals[lo], !addr_eq(vals[lo], v));
		vals[lo] = v;
		return 0;
	}
	if (n == 0) {
		a->ak_vals  = v;
		a->ak_nvals = 1;
		return 0;
	}
	if (n == 1 || n + 1 > *cap) {
		if (spare != NULL && *spare != NULL && spare_cap >= n + 1) {
			nv     = *spare;
			*spare = NULL;
			ncap   = spare_cap;
		} else {
			ncap = vec_cap(n + 1);
			D_ALLOC_ARRAY(nv, ncap);
			if (nv == NULL)
				return -DER_NOMEM;
		}
		memcpy(nv, vals, n * sizeof(*nv));
		if (n > 1)
			D_FREE(a->ak_vals);
		a->ak_vals = nv;
		vals       = nv;
		*cap       = ncap;
	}
	memmove(&vals[lo + 1], &vals[lo], (n - lo) * sizeof(*vals));
	vals[lo] = v;
	a->ak_nvals++;
	return 0;
}

static int
akey_insert_val(struct vos *vos, struct vos_akey *a, struct vos_val *v)
{
	uint32_t cap = vec_cap(a->ak_nvals);

	return akey_insert_val_in(vos, a, v, &cap, NULL, 0);
}

/* Drop values with epoch in [lo, hi]; keep those whose address appears in keep[]. */
static void
akey_remove_vals(struct vos *vos, struct vos_akey *a, daos_epoch_t lo, daos_epoch_t hi,
		 struct vos_val **keep, uint32_t nkeep)
{
	struct vos_val **vals = vos_akey_vals(a);
	uint32_t         i, j, n = 0;

	for (i = 0; i < a->ak_nvals; i++) {
		struct vos_val *v = vals[i];
		bool            kept = false;

		if (v->v_epoch < lo || v->v_epoch > hi) {
			vals[n++] = v;
			continue;
		}
		for (j = 0; j < nkeep && !kept; j++)
			kept = addr_eq(v, keep[j]);
		vos_val_free(vos, v, !kept);
	}
	if (n == a->ak_nvals)
		return;
	if (a->ak_nvals > 1 && n <= 1) {
		struct vos_val *only = n == 1 ? vals[0] : NULL;

		D_FREE(a->ak_vals);
		a->ak_vals = only;
	} else if (n == 0) {
		a->ak_vals = NULL;
	}
	a->ak_nvals = n;
}

static int
punches_add(struct vos_punches **pp, daos_epoch_t e)
{
	struct vos_punches *p = *pp, *np;
	uint32_t            i;

	if (p != NULL) {
		for (i = 0; i < p->vp_nr && p->vp_ep[i] < e; i++)
			;
		if (i < p->vp_nr && p->vp_ep[i] == e)
			return 0;
	} else {
		i = 0;
	}
	if (p == NULL || p->vp_nr == p->vp_cap) {
		uint32_t cap = p == NULL ? 1 : p->vp_cap * 2;

		D_ALLOC(np, sizeof(*np) + cap * sizeof(daos_epoch_t));
		if (np == NULL)
			return -DER_NOMEM;
		if (p != NULL) {
			memcpy(np->vp_ep, p->vp_ep, p->vp_nr * sizeof(daos_epoch_t));
			np->vp_nr = p->vp_nr;
		}
		np->vp_cap = cap;
		D_FREE(p);
		p = *pp = np;
	}
	memmove(&p->vp_ep[i + 1], &p->vp_ep[i], (p->vp_nr - i) * sizeof(daos_epoch_t));
	p->vp_ep[i] = e;
	p->vp_nr++;
	return 0;
}

static void
punches_remove(struct vos_punches **pp, daos_epoch_t lo, daos_epoch_t hi)
{
	struct vos_punches *p = *pp;
	uint32_t            i, n = 0;

	if (p == NULL)
		return;
	for (i = 0; i < p->vp_nr; i++)
		if (p->vp_ep[i] < lo || p->vp_ep[i] > hi)
			p->vp_ep[n++] = p->vp_ep[i];
	p->vp_nr = n;
	if (n == 0)
		D_FREE(*pp);
}

/* Remove what has become empty, bottom up; o NULL: a only (if empty). */
static void
prune(struct vos_cont *c, struct vos_obj *o, struct vos_dkey *d, struct vos_akey *a)
{
	if (a != NULL && a->ak_nvals == 0 && a->ak_punch == NULL) {
		btr_delete(&vos_akey_ops, &d->dk_akeys, a->ak_key, a->ak_klen);
		D_FREE(a);
	}
	if (o == NULL)
		return;
	if (d != NULL && d->dk_akeys.br_count == 0 && d->dk_punch == NULL) {
		btr_delete(&vos_dkey_ops, &o->o_dkeys, d->dk_key, d->dk_klen);
		D_FREE(d);
	}
	if (o != NULL && o->o_dkeys.br_count == 0 && o->o_punch == NULL) {
		btr_delete(&vos_obj_ops, &c->c_objs, o->o_key, 16);
		D_FREE(o);
	}
}

/* An akey receiving values of another kind or record size starts over. */
static void
akey_set_kind(struct vos *vos, struct vos_akey *a, uint8_t type, uint32_t rsize)
{
	if (a->ak_nvals > 0 && (a->ak_type != type || a->ak_rsize != rsize))
		akey_remove_vals(vos, a, 0, DAOS_EPOCH_MAX, NULL, 0);
	a->ak_type  = type;
	a->ak_rsize = rsize;
}

/* ---- per-type decode (+ apply) ---- */

#define APPLY_RC(rc, d)                                                                            \
	do {                                                                                       \
		if ((rc) != 0 && (d)->d_rc == 0)                                                   \
			(d)->d_rc = (rc);                                                          \
	} while (0)

#define UPD_FEW 8 /* akeys and values of an update applied without allocating their lists */

/* One akey of an update being applied. */
struct upd_akey {
	struct vos_akey  *ua_akey;
	uint8_t           ua_type;
	uint32_t          ua_rsize;
	uint32_t          ua_first; /* its values: vals[ua_first .. ua_first + ua_nval) */
	uint32_t          ua_nval;
	struct vos_val  **ua_spare; /* value array for growing, allocated up front */
	uint32_t          ua_spare_cap;
};

static bool
upd_kind_changes(const struct upd_akey *ua)
{
	const struct vos_akey *a = ua->ua_akey;

	return a->ak_nvals > 0 && (a->ak_type != ua->ua_type || a->ak_rsize != ua->ua_rsize);
}

/* Allocate now whatever inserting the values will need, so applying cannot fail later. */
static int
upd_reserve(struct upd_akey *ua, uint32_t nua)
{
	uint32_t i, j;

	for (i = 0; i < nua; i++) {
		uint32_t base  = upd_kind_changes(&ua[i]) ? 0 : ua[i].ua_akey->ak_nvals;
		uint32_t extra = ua[i].ua_nval;

		/* A key named twice in one record only needs room once, in its first entry. */
		for (j = 0; j < i && extra > 0; j++)
			if (ua[j].ua_akey == ua[i].ua_akey)
				extra = 0;
		for (j = i + 1; j < nua && extra > 0; j++)
			if (ua[j].ua_akey == ua[i].ua_akey)
				extra += ua[j].ua_nval;
		if (extra == 0 || base + extra < 2 || (base >= 2 && vec_cap(base) >= base + extra))
			continue;
		ua[i].ua_spare_cap = vec_cap(base + extra);
		D_ALLOC_ARRAY(ua[i].ua_spare, ua[i].ua_spare_cap);
		if (ua[i].ua_spare == NULL)
			return -DER_NOMEM;
	}
	return 0;
}

/* Drop the akeys (then dkey, object, container) an update left empty, bottom up. */
static void
upd_unwind(struct vos *vos, struct vos_cont *c, struct vos_obj *o, struct vos_dkey *dkey,
	   struct upd_akey *ua, uint32_t nua, bool new_cont)
{
	uint32_t i, j;

	for (i = 0; dkey != NULL && i < nua; i++) {
		struct vos_akey *a   = ua[i].ua_akey;
		bool             dup = false;

		for (j = 0; j < i && !dup; j++)
			dup = ua[j].ua_akey == a;
		if (dup || a->ak_nvals != 0 || a->ak_punch != NULL)
			continue;
		btr_delete(&vos_akey_ops, &dkey->dk_akeys, a->ak_key, a->ak_klen);
		D_FREE(a);
	}
	if (dkey != NULL && dkey->dk_akeys.br_count == 0 && dkey->dk_punch == NULL) {
		btr_delete(&vos_dkey_ops, &o->o_dkeys, dkey->dk_key, dkey->dk_klen);
		D_FREE(dkey);
	}
	if (o != NULL && o->o_dkeys.br_count == 0 && o->o_punch == NULL) {
		btr_delete(&vos_obj_ops, &c->c_objs, o->o_key, 16);
		D_FREE(o);
	}
	if (new_cont && c != NULL && c->c_objs.br_count == 0) {
		btr_delete(&vos_cont_ops, &vos->v_conts, c->c_uuid, sizeof(uuid_t));
		vos_cont_free(vos, c, false);
	}
}

/*
 * Apply in two phases: first everything that allocates (the keys' nodes,
 * the values, room in the value arrays), then the insertions, which cannot
 * fail. A -DER_NOMEM thus leaves the index as it was.
 */
static void
rec_update(struct vos *vos, struct vos_dec *d, bool apply)
{
	uuid_t            uuid;
	daos_obj_id_t     oid;
	daos_epoch_t      epoch;
	struct dkey_in   dk_s, ak_s, *dk = &dk_s, *ak = &ak_s;
	struct vos_cont  *c = NULL;
	struct vos_obj   *o = NULL;
	struct vos_dkey  *dkey = NULL;
	struct upd_akey   ua_few[UPD_FEW], *ua = NULL;
	struct vos_val   *vals_few[UPD_FEW], **vals = vals_few;
	uint32_t          nak, i, j, nval, rsize, nua = 0, nvals = 0, vcap = UPD_FEW;
	bool              new_cont = false;
	uint8_t           type;
	int               rc = 0;

	dec_prefix(d, uuid, &oid);
	epoch = dec_u64(d);
	dec_key(d, vos_oid_dkey_uint64(oid), dk);
	nak = dec_u32(d);
	if (d->d_rc != 0)
		goto out;
	if (epoch == 0 || epoch == DAOS_EPOCH_MAX || nak == 0) {
		dec_fail(d);
		goto out;
	}
	if (apply) {
		if (nak > d->d_left) {
			dec_fail(d);
			goto out;
		}
		if (nak <= UPD_FEW) {
			ua = ua_few;
			memset(ua, 0, sizeof(ua_few));
		} else {
			D_ALLOC_ARRAY(ua, nak);
			if (ua == NULL) {
				d->d_rc = -DER_NOMEM;
				goto out;
			}
		}
		new_cont = vos_cont_find(vos, uuid) == NULL;
		c        = cont_get(vos, uuid, &rc);
		o        = c ? obj_get(c, oid, &rc) : NULL;
		dkey     = o ? dkey_get(o, dk, &rc) : NULL;
		APPLY_RC(rc, d);
	}
	for (i = 0; i < nak && d->d_rc == 0; i++) {
		struct vos_akey *a = NULL;

		dec_key(d, vos_oid_akey_uint64(oid), ak);
		type  = dec_u8(d);
		rsize = dec_u32(d);
		nval  = dec_u32(d);
		if (d->d_rc != 0)
			break;
		if ((type != DAOS_IOD_SINGLE && type != DAOS_IOD_ARRAY) || nval == 0 ||
		    (type == DAOS_IOD_SINGLE && (nval != 1 || rsize != 0)) ||
		    (type == DAOS_IOD_ARRAY && rsize == 0)) {
			dec_fail(d);
			break;
		}
		if (apply) {
			a = akey_get(dkey, ak, &rc);
			APPLY_RC(rc, d);
			if (a == NULL)
				break;
			ua[nua] = (struct upd_akey){.ua_akey = a, .ua_type = type, .ua_rsize = rsize,
						    .ua_first = nvals, .ua_nval = 0};
			nua++;
		}
		for (j = 0; j < nval && d->d_rc == 0; j++) {
			struct vos_val *v = dec_val(d, epoch, type, rsize, apply);

			if (v == NULL)
				continue;
			if (nvals == vcap) {
				struct vos_val **nv;
				uint32_t         ncap = vcap * 2;

				D_ALLOC_ARRAY(nv, ncap);
				if (nv == NULL) {
					D_FREE(v);
					d->d_rc = -DER_NOMEM;
					break;
				}
				memcpy(nv, vals, nvals * sizeof(*nv));
				if (vals != vals_few)
					D_FREE(vals);
				vals = nv;
				vcap = ncap;
			}
			vals[nvals++] = v;
			ua[nua - 1].ua_nval++;
		}
	}
	if (!apply)
		goto out;
	if (d->d_rc == 0)
		APPLY_RC(upd_reserve(ua, nua), d);
	if (d->d_rc != 0) {
		for (i = 0; i < nvals; i++)
			D_FREE(vals[i]);
		for (i = 0; i < nua; i++)
			D_FREE(ua[i].ua_spare);
		upd_unwind(vos, c, o, dkey, ua, nua, new_cont);
		goto out;
	}
	/* Nothing below allocates (a malformed record naming one akey with two
	 * kinds may, and then applies partly). */
	for (i = 0; i < nua; i++) {
		struct vos_akey *a   = ua[i].ua_akey;
		uint32_t         cap = vec_cap(a->ak_nvals);

		akey_set_kind(vos, a, ua[i].ua_type, ua[i].ua_rsize);
		if (a->ak_nvals < 2)
			cap = 0;
		for (j = 0; j < ua[i].ua_nval; j++) {
			struct vos_val *v = vals[ua[i].ua_first + j];

			vals[ua[i].ua_first + j] = NULL;
			rc = akey_insert_val_in(vos, a, v, &cap, &ua[i].ua_spare,
						ua[i].ua_spare_cap);
			if (rc != 0) {
				D_FREE(v);
				APPLY_RC(rc, d);
			}
		}
		D_FREE(ua[i].ua_spare);
	}
	for (i = 0; i < nvals; i++)
		D_FREE(vals[i]);
	upd_unwind(vos, c, o, dkey, ua, nua, false);
out:
	if (vals != vals_few)
		D_FREE(vals);
	if (ua != ua_few)
		D_FREE(ua);
}

/* PUNCH and PUNCH_SET share their addressing: level 0 object, 1 dkey, 2 akey(s). */
static void
rec_punch_decode(struct vos *vos, struct vos_dec *d, bool apply, bool set)
{
	uuid_t           uuid;
	daos_obj_id_t    oid;
	daos_epoch_t     epoch = 0, lo = 0, hi = 0;
	struct dkey_in  dk_s, ak_s, *dk = &dk_s, *ak = &ak_s;
	struct vos_cont *c = NULL;
	struct vos_obj  *o = NULL;
	struct vos_dkey *dkey = NULL;
	uint8_t          level;
	uint32_t         n = 1, i;
	int              rc = 0;

	dec_prefix(d, uuid, &oid);
	if (!set)
		epoch = dec_u64(d);
	level = dec_u8(d);
	if (d->d_rc == 0 && (level > 2 || (!set && (epoch == 0 || epoch == DAOS_EPOCH_MAX)))) {
		dec_fail(d);
		goto out;
	}
	if (level >= 1)
		dec_key(d, vos_oid_dkey_uint64(oid), dk);
	if (level == 2 && !set)
		n = dec_u32(d);
	if (d->d_rc == 0 && n == 0)
		dec_fail(d);
	if (d->d_rc != 0)
		goto out;
	if (apply) {
		c = cont_get(vos, uuid, &rc);
		o = c ? obj_get(c, oid, &rc) : NULL;
		if (level >= 1 && o != NULL)
			dkey = dkey_get(o, dk, &rc);
		APPLY_RC(rc, d);
	}
	for (i = 0; i < n && d->d_rc == 0; i++) {
		struct vos_punches **pp = NULL;
		struct vos_akey     *a  = NULL;
		uint32_t             np, j;

		if (level == 2)
			dec_key(d, vos_oid_akey_uint64(oid), ak);
		if (set) {
			lo = dec_u64(d);
			hi = dec_u64(d);
			np = dec_u32(d);
			if (d->d_rc == 0 && (lo > hi || np > d->d_left / 8))
				dec_fail(d);
		} else {
			np = 0;
		}
		if (d->d_rc != 0)
			break;
		if (apply) {
			if (level == 2) {
				a = akey_get(dkey, ak, &rc);
				APPLY_RC(rc, d);
				pp = a ? &a->ak_punch : NULL;
			} else {
				pp = level == 1 ? &dkey->dk_punch : &o->o_punch;
			}
			if (pp != NULL && set)
				punches_remove(pp, lo, hi);
			if (pp != NULL && !set) {
				rc = punches_add(pp, epoch);
				APPLY_RC(rc, d);
			}
		}
		for (j = 0; j < np && d->d_rc == 0; j++) {
			daos_epoch_t e = dec_u64(d);

			if (d->d_rc == 0 && (e < lo || e > hi || e == 0))
				dec_fail(d);
			if (d->d_rc == 0 && pp != NULL) {
				rc = punches_add(pp, e);
				APPLY_RC(rc, d);
			}
		}
		/* only the akey here: the next akeys of the record are under dkey */
		if (a != NULL)
			prune(NULL, NULL, dkey, a);
	}
	if (apply && o != NULL)
		prune(c, o, dkey, NULL);
out:
}

/* A punch epoch set with room for one more epoch, or NULL when the set already has e. */
static int
punches_room(struct vos_punches *p, daos_epoch_t e, struct vos_punches **roomp)
{
	struct vos_punches *np;
	uint32_t            i, cap;

	*roomp = p;
	for (i = 0; p != NULL && i < p->vp_nr; i++)
		if (p->vp_ep[i] == e) {
			*roomp = NULL;
			return 0;
		}
	if (p != NULL && p->vp_nr < p->vp_cap)
		return 0;
	cap = p == NULL ? 1 : p->vp_cap * 2;
	D_ALLOC(np, sizeof(*np) + cap * sizeof(daos_epoch_t));
	if (np == NULL)
		return -DER_NOMEM;
	if (p != NULL) {
		memcpy(np->vp_ep, p->vp_ep, p->vp_nr * sizeof(daos_epoch_t));
		np->vp_nr = p->vp_nr;
	}
	np->vp_cap = cap;
	*roomp     = np;
	return 0;
}

/*
 * A PUNCH record: the check pass decodes it, the apply pass first creates
 * the keys and makes room in every punch set (what may fail), then adds the
 * epoch everywhere (what cannot), so -DER_NOMEM leaves the index unchanged.
 */
static void
rec_punch(struct vos *vos, struct vos_dec *d, bool apply)
{
	const struct vos_dec start = *d;
	uuid_t               uuid;
	daos_obj_id_t        oid;
	daos_epoch_t         epoch;
	struct dkey_in      dk_s, ak_s, *dk = &dk_s, *ak = &ak_s;
	struct vos_cont     *c = NULL;
	struct vos_obj      *o = NULL;
	struct vos_dkey     *dkey = NULL;
	struct upd_akey     *ua = NULL;
	struct vos_punches **room = NULL;
	uint8_t              level;
	uint32_t             n = 1, i, j, nua = 0;
	bool                 new_cont;
	int                  rc = 0;

	if (!apply) {
		rec_punch_decode(vos, d, false, false);
		return;
	}
	/* The check pass validated the record: decode it again for real. */
	*d = start;
	dec_prefix(d, uuid, &oid);
	epoch = dec_u64(d);
	level = dec_u8(d);
	if (level >= 1)
		dec_key(d, vos_oid_dkey_uint64(oid), dk);
	if (level == 2)
		n = dec_u32(d);
	if (d->d_rc != 0)
		goto out;
	D_ALLOC_ARRAY(ua, n);
	D_ALLOC_ARRAY(room, n);
	if (ua == NULL || room == NULL) {
		d->d_rc = -DER_NOMEM;
		goto out;
	}
	new_cont = vos_cont_find(vos, uuid) == NULL;
	c        = cont_get(vos, uuid, &rc);
	o        = c ? obj_get(c, oid, &rc) : NULL;
	if (level >= 1 && o != NULL)
		dkey = dkey_get(o, dk, &rc);
	APPLY_RC(rc, d);
	for (i = 0; i < n && d->d_rc == 0; i++) {
		struct vos_punches *p;

		if (level == 2) {
			dec_key(d, vos_oid_akey_uint64(oid), ak);
			ua[nua].ua_akey = akey_get(dkey, ak, &rc);
			APPLY_RC(rc, d);
			if (ua[nua].ua_akey == NULL)
				break;
			p = ua[nua++].ua_akey->ak_punch;
			/* The same akey twice: the first entry makes the room. */
			for (j = 0; j + 1 < nua; j++)
				if (ua[j].ua_akey == ua[nua - 1].ua_akey)
					break;
			if (j + 1 < nua)
				continue;
		} else {
			p = level == 1 ? dkey->dk_punch : o->o_punch;
		}
		APPLY_RC(punches_room(p, epoch, &room[i]), d);
	}
	if (d->d_rc != 0) {
		/* Only rooms made of new allocations are ours to drop. */
		for (i = 0; i < n; i++) {
			struct vos_punches *p;

			if (room[i] == NULL)
				continue;
			if (level == 2)
				p = ua[i].ua_akey->ak_punch;
			else
				p = level == 1 ? dkey->dk_punch : o->o_punch;
			if (room[i] != p)
				D_FREE(room[i]);
		}
		upd_unwind(vos, c, o, dkey, ua, nua, new_cont);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct vos_punches **pp;

		if (level == 2)
			pp = &ua[i].ua_akey->ak_punch;
		else
			pp = level == 1 ? &dkey->dk_punch : &o->o_punch;
		if (room[i] != NULL && room[i] != *pp) {
			D_FREE(*pp);
			*pp = room[i];
		}
		rc = punches_add(pp, epoch); /* there is room: cannot fail */
		APPLY_RC(rc, d);
	}
out:
	D_FREE(room);
	D_FREE(ua);
}

static void
rec_replace(struct vos *vos, struct vos_dec *d, bool apply)
{
	uuid_t           uuid;
	daos_obj_id_t    oid;
	struct dkey_in  dk_s, ak_s, *dk = &dk_s, *ak = &ak_s;
	struct vos_cont *c = NULL;
	struct vos_obj  *o = NULL;
	struct vos_dkey *dkey = NULL;
	struct vos_akey *a = NULL;
	struct vos_val **nv = NULL;
	daos_epoch_t     lo, hi;
	uint32_t         rsize, n, i, got = 0;
	uint8_t          type;
	int              rc = 0;

	dec_prefix(d, uuid, &oid);
	dec_key(d, vos_oid_dkey_uint64(oid), dk);
	dec_key(d, vos_oid_akey_uint64(oid), ak);
	type  = dec_u8(d);
	rsize = dec_u32(d);
	lo    = dec_u64(d);
	hi    = dec_u64(d);
	n     = dec_u32(d);
	if (d->d_rc != 0)
		goto out;
	if ((type != DAOS_IOD_SINGLE && type != DAOS_IOD_ARRAY) || lo > hi ||
	    (type == DAOS_IOD_SINGLE && rsize != 0) || (type == DAOS_IOD_ARRAY && rsize == 0) ||
	    n > d->d_left / 21) {
		dec_fail(d);
		goto out;
	}
	if (apply && n > 0) {
		D_ALLOC_ARRAY(nv, n);
		if (nv == NULL) {
			d->d_rc = -DER_NOMEM;
			goto out;
		}
	}
	/* Decode everything first: the old values are only dropped once the new exist. */
	for (i = 0; i < n && d->d_rc == 0; i++) {
		daos_epoch_t    e = dec_u64(d);
		struct vos_val *v;

		if (d->d_rc == 0 && (e < lo || e > hi)) {
			dec_fail(d);
			break;
		}
		v = dec_val(d, e, type, rsize, apply);
		if (v != NULL)
			nv[got++] = v;
	}
	if (d->d_rc != 0 || !apply)
		goto out;
	c = cont_get(vos, uuid, &rc);
	o = c ? obj_get(c, oid, &rc) : NULL;
	dkey = o ? dkey_get(o, dk, &rc) : NULL;
	a = dkey ? akey_get(dkey, ak, &rc) : NULL;
	APPLY_RC(rc, d);
	if (a != NULL) {
		if (n > 0)
			akey_set_kind(vos, a, type, rsize);
		akey_remove_vals(vos, a, lo, hi, nv, got);
		for (i = 0; i < got && d->d_rc == 0; i++) {
			rc = akey_insert_val(vos, a, nv[i]);
			if (rc == 0)
				nv[i] = NULL;
			APPLY_RC(rc, d);
		}
	}
	if (o != NULL)
		prune(c, o, dkey, a);
out:
	for (i = 0; nv != NULL && i < got; i++)
		D_FREE(nv[i]);
	D_FREE(nv);
}

static void
discard_obj(struct vos *vos, struct vos_cont *c, struct vos_obj *o, daos_epoch_t lo,
	    daos_epoch_t hi)
{
	struct btr_cursor dc, ac;
	uint8_t           key[VOS_KEY_MAX];
	uint32_t          klen;

	punches_remove(&o->o_punch, lo, hi);
	btr_first(&vos_dkey_ops, &o->o_dkeys, &dc);
	while (btr_item(&dc) != NULL) {
		struct vos_dkey *d = btr_item(&dc);

		punches_remove(&d->dk_punch, lo, hi);
		btr_first(&vos_akey_ops, &d->dk_akeys, &ac);
		while (btr_item(&ac) != NULL) {
			struct vos_akey *a = btr_item(&ac);

			punches_remove(&a->ak_punch, lo, hi);
			akey_remove_vals(vos, a, lo, hi, NULL, 0);
			klen = a->ak_klen;
			memcpy(key, a->ak_key, klen);
			if (a->ak_nvals == 0 && a->ak_punch == NULL) {
				btr_delete(&vos_akey_ops, &d->dk_akeys, a->ak_key, a->ak_klen);
				D_FREE(a);
			}
			btr_seek(&vos_akey_ops, &d->dk_akeys, &ac, key, klen, BTR_SEEK_GT);
		}
		klen = d->dk_klen;
		memcpy(key, d->dk_key, klen);
		if (d->dk_akeys.br_count == 0 && d->dk_punch == NULL) {
			btr_delete(&vos_dkey_ops, &o->o_dkeys, d->dk_key, d->dk_klen);
			D_FREE(d);
		}
		btr_seek(&vos_dkey_ops, &o->o_dkeys, &dc, key, klen, BTR_SEEK_GT);
	}
	prune(c, o, NULL, NULL);
}

static void
rec_discard(struct vos *vos, struct vos_dec *d, bool apply)
{
	uuid_t           uuid;
	daos_obj_id_t    oid;
	daos_epoch_t     lo, hi;
	struct vos_cont *c;
	struct vos_obj  *o;

	dec_prefix(d, uuid, &oid);
	lo = dec_u64(d);
	hi = dec_u64(d);
	if (d->d_rc == 0 && lo > hi)
		dec_fail(d);
	if (d->d_rc != 0 || !apply)
		return;
	c = vos_cont_find(vos, uuid);
	o = vos_obj_find(c, oid);
	if (o != NULL)
		discard_obj(vos, c, o, lo, hi);
}

static void
rec_cont(struct vos *vos, struct vos_dec *d, bool apply, bool create)
{
	const uint8_t   *p = dec_take(d, sizeof(uuid_t));
	struct vos_cont *c;
	int              rc = 0;

	if (p == NULL || !apply)
		return;
	if (create) {
		cont_get(vos, p, &rc);
		APPLY_RC(rc, d);
		return;
	}
	c = btr_delete(&vos_cont_ops, &vos->v_conts, p, sizeof(uuid_t));
	if (c != NULL)
		vos_cont_free(vos, c, true);
}

size_t
vos_record_len(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t       rl;

	if (len < VOS_REC_HDR || (p[0] | p[1] << 8) != VOS_REC_MAGIC)
		return 0;
	rl = p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24;
	return rl < VOS_REC_HDR ? 0 : rl;
}

bool
vos_record_frees_space(const void *buf, size_t len)
{
	return vos_record_len(buf, len) == len && ((const uint8_t *)buf)[3] == VREC_CONT_DESTROY;
}

static int
record_pass_dec(struct vos *vos, struct vos_dec *dp, const uint8_t *p, bool apply, int *typep)
{
	struct vos_dec d    = *dp;
	int            type = p[3];

	*typep = type;
	switch (type) {
	case VREC_CONT_CREATE:
	case VREC_CONT_DESTROY:
		rec_cont(vos, &d, apply, type == VREC_CONT_CREATE);
		break;
	case VREC_UPDATE:
		rec_update(vos, &d, apply);
		break;
	case VREC_PUNCH:
		rec_punch(vos, &d, apply);
		break;
	case VREC_PUNCH_SET:
		rec_punch_decode(vos, &d, apply, true);
		break;
	case VREC_REPLACE:
		rec_replace(vos, &d, apply);
		break;
	case VREC_DISCARD:
		rec_discard(vos, &d, apply);
		break;
	case VREC_IMG_BEGIN:
		if (dec_u32(&d) != VOS_REC_VERSION)
			dec_fail(&d);
		break;
	case VREC_IMG_END:
		break;
	default:
		return -DER_DF_INVAL;
	}
	if (d.d_rc == 0 && d.d_left != 0)
		d.d_rc = -DER_INVAL;
	*dp = d;
	return d.d_rc;
}

static int
record_pass(struct vos *vos, const uint8_t *p, size_t len, bool apply, int *typep)
{
	struct vos_dec d = {.d_p = p + VOS_REC_HDR, .d_left = len - VOS_REC_HDR};

	return record_pass_dec(vos, &d, p, apply, typep);
}

static int
record_check_apply(struct vos *vos, const void *buf, size_t len, int *typep)
{
	const uint8_t *p = buf;
	int            rc;

	if (buf == NULL || len < VOS_REC_HDR || vos_record_len(buf, len) != len ||
	    p[2] != VOS_REC_VERSION)
		return -DER_DF_INVAL;
	rc = record_pass(vos, p, len, false, typep);
	if (rc != 0)
		return rc;
	return record_pass(vos, p, len, true, typep);
}

int
vos_apply_record(struct vos *vos, const void *buf, size_t len)
{
	int type, rc;

	rc = record_check_apply(vos, buf, len, &type);
	if (rc != 0)
		D_ERROR("redo record (type %d, %zu bytes) not applied: rc=%d\n", type, len, rc);
	return rc;
}

int
vos_record_data_foreach(const void *buf, size_t len, vos_record_data_cb_t cb, void *arg)
{
	const uint8_t *p = buf;
	struct vos_dec d = {.d_data_cb = cb, .d_data_arg = arg};
	int            type;

	if (buf == NULL || cb == NULL || len < VOS_REC_HDR || vos_record_len(buf, len) != len ||
	    p[2] != VOS_REC_VERSION)
		return -DER_DF_INVAL;
	if (p[3] != VREC_UPDATE)
		return 0;
	d.d_p    = p + VOS_REC_HDR;
	d.d_left = len - VOS_REC_HDR;
	/* The check pass decodes everything and changes nothing: no index needed. */
	return record_pass_dec(NULL, &d, p, false, &type);
}

#define VOS_APPLY_TRIES 4 /* applying a durable record: attempts before giving up */

/* Send one record to the log, with the data writes it refers to. */
static int
commit_log(struct vos *vos, const void *rec, size_t len, void **ios, unsigned int nr)
{
	const struct vos_attr *at = &vos->v_attr;
	unsigned int           i;
	int                    rc = 0;

	if (nr > 0 && at->va_log_data != NULL)
		return at->va_log_data(at->va_log_arg, rec, len, ios, nr);
	/* No log that waits for them: the data goes first. */
	for (i = 0; i < nr; i++) {
		int rc2 = at->va_data->dop_write_wait(at->va_data_arg, ios[i]);

		rc = rc == 0 ? rc2 : rc;
	}
	if (rc == 0 && at->va_log != NULL)
		rc = at->va_log(at->va_log_arg, rec, len);
	return rc;
}

int
vos_commit_io(struct vos *vos, struct vos_enc *e, void **ios, unsigned int *nr_ios,
	      bool *logged)
{
	bool   has_log = vos->v_attr.va_log != NULL || vos->v_attr.va_log_data != NULL;
	size_t off     = 0;
	int    rc;

	if (logged != NULL)
		*logged = false;
	if (e->e_rc != 0)
		return e->e_rc;
	while (off < e->e_len) {
		size_t       rl = vos_record_len(e->e_buf + off, e->e_len - off);
		size_t       bl = rl, end;
		unsigned int nr = nr_ios != NULL ? *nr_ios : 0;

		D_ASSERT(rl >= VOS_REC_HDR && off + rl <= e->e_len);
		/* Whole records that fit go to the log in one call. */
		while (vos->v_attr.va_log_batch_max > 0 && off + bl < e->e_len) {
			size_t next = vos_record_len(e->e_buf + off + bl, e->e_len - off - bl);

			D_ASSERT(next >= VOS_REC_HDR && off + bl + next <= e->e_len);
			if (bl + next > vos->v_attr.va_log_batch_max)
				break;
			bl += next;
		}
		if (nr_ios != NULL)
			*nr_ios = 0;
		rc = commit_log(vos, e->e_buf + off, bl, ios, nr);
		/* After an I/O error the record may or may not be durable: its data
		 * addresses must be treated as referenced. */
		if (logged != NULL && has_log && (rc == 0 || rc == -DER_IO))
			*logged = true;
		if (rc != 0)
			return rc;
		for (end = off + bl; off < end; off += rl) {
			int tries = 0;

			rl = vos_record_len(e->e_buf + off, end - off);
			/* A logged record will be replayed at the next recovery: applying
			 * it now keeps the index equal to the log, so a transient
			 * shortage of memory is worth a few more tries (a failed apply
			 * changes nothing). */
			do {
				rc = vos_apply_record(vos, e->e_buf + off, rl);
			} while (rc == -DER_NOMEM && has_log && ++tries < VOS_APPLY_TRIES);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

int
vos_commit(struct vos *vos, struct vos_enc *e)
{
	return vos_commit_io(vos, e, NULL, NULL, NULL);
}
