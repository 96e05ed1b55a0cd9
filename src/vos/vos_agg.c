/*
 * Aggregation and discard, one dkey (or one object) per unit of work. The
 * cursor remembers keys, not tree positions, so updates may change the trees
 * between steps (and while a step waits for its records to be logged).
 *
 * Aggregation of an akey: the epochs a reader may still use at or below the
 * bound are the snapshots and the bound itself, n1 < n2 < ... < nk. Each
 * window (n(i-1), ni] only needs what a read at ni sees of it: the newest
 * single value, or the painted pieces of the array extents. Array pieces are
 * rewritten inline and coalesced (at the window's newest contributing epoch);
 * an extent in the data region is kept whole while any of it is visible.
 */
#include "vos_internal.h"

struct vos_agg {
	struct vos         *ag_vos;
	uuid_t              ag_cont;
	bool                ag_discard;
	daos_epoch_range_t  ag_epr;    /* discard range */
	daos_epoch_t       *ag_needed; /* ascending, ends with the bound */
	uint32_t            ag_nneeded;
	bool                ag_have_obj;
	uint8_t             ag_obj[16];
	uint32_t            ag_dklen;  /* 0: start of the object */
	uint8_t             ag_dkey[VOS_KEY_MAX];
};

static int
ep_cmp(const void *a, const void *b)
{
	daos_epoch_t x = *(const daos_epoch_t *)a, y = *(const daos_epoch_t *)b;

	return x < y ? -1 : x > y;
}

int
vos_aggregate_start(struct vos *vos, const uuid_t cont, daos_epoch_t bound,
		    const daos_epoch_t *snaps, unsigned int nsnaps, struct vos_agg **aggp)
{
	struct vos_agg *ag;
	unsigned int    i;

	if (bound == 0 || bound == DAOS_EPOCH_MAX || (nsnaps > 0 && snaps == NULL))
		return -DER_INVAL;
	if (vos_cont_find(vos, cont) == NULL)
		return -DER_NONEXIST;
	D_ALLOC_PTR(ag);
	if (ag == NULL)
		return -DER_NOMEM;
	D_ALLOC_ARRAY(ag->ag_needed, nsnaps + 1);
	if (ag->ag_needed == NULL) {
		D_FREE(ag);
		return -DER_NOMEM;
	}
	for (i = 0; i < nsnaps; i++)
		if (snaps[i] < bound && snaps[i] > 0)
			ag->ag_needed[ag->ag_nneeded++] = snaps[i];
	qsort(ag->ag_needed, ag->ag_nneeded, sizeof(daos_epoch_t), ep_cmp);
	ag->ag_needed[ag->ag_nneeded++] = bound;
	ag->ag_vos                      = vos;
	uuid_copy(ag->ag_cont, cont);
	*aggp = ag;
	return 0;
}

int
vos_discard_start(struct vos *vos, const uuid_t cont, const daos_epoch_range_t *epr,
		  struct vos_agg **aggp)
{
	struct vos_agg *ag;

	if (epr == NULL || epr->epr_lo > epr->epr_hi)
		return -DER_INVAL;
	if (vos_cont_find(vos, cont) == NULL)
		return -DER_NONEXIST;
	D_ALLOC_PTR(ag);
	if (ag == NULL)
		return -DER_NOMEM;
	ag->ag_vos     = vos;
	ag->ag_discard = true;
	ag->ag_epr     = *epr;
	uuid_copy(ag->ag_cont, cont);
	*aggp = ag;
	return 0;
}

void
vos_agg_end(struct vos_agg *ag)
{
	if (ag == NULL)
		return;
	D_FREE(ag->ag_needed);
	D_FREE(ag);
}

/* ---- one akey ---- */

struct agg_out {
	struct vos_enc *ao_enc;
	uint32_t        ao_n;
	bool            ao_changed;
};

static void
out_inline(struct agg_out *ao, daos_epoch_t epoch, uint64_t idx, uint64_t nr, const void *data,
	   uint64_t len)
{
	vos_enc_u64(ao->ao_enc, epoch);
	vos_enc_val(ao->ao_enc, VAL_ARRAY, len, vos_csum(data, len), idx, nr, data);
	ao->ao_n++;
	ao->ao_changed = true;
}

/* Emit the pieces of one window; inline ones coalesced when adjacent. */
static int
agg_window_array(struct agg_out *ao, struct vos_akey *a, struct vos_piece *p, uint32_t np)
{
	uint32_t rsize = a->ak_rsize, i = 0, j, k;
	uint8_t *buf   = NULL;
	int      rc    = 0;

	D_ALLOC_NZ(buf, VOS_INLINE_MAX);
	if (buf == NULL)
		return -DER_NOMEM;
	while (i < np) {
		struct vos_val *v = p[i].p_val;
		daos_epoch_t    ep;
		uint64_t        used;

		if (v->v_flags & VAL_ADDR) {
			/* Kept whole, once, however many pieces it shows. */
			for (k = 0; k < i; k++)
				if (p[k].p_val == v)
					break;
			if (k == i) {
				vos_enc_stored_val(ao->ao_enc, v);
				ao->ao_n++;
			}
			i++;
			continue;
		}
		/* A run of adjacent inline pieces that fits one inline value. */
		ep   = 0;
		used = 0;
		for (j = i; j < np; j++) {
			struct vos_val *w = p[j].p_val;
			uint64_t        bytes = (p[j].p_hi - p[j].p_lo) * rsize;

			if (w->v_flags & VAL_ADDR || (j > i && p[j].p_lo != p[j - 1].p_hi) ||
			    used + bytes > VOS_INLINE_MAX)
				break;
			if (vos_csum(val_data(w), w->v_len) != w->v_csum) {
				rc = -DER_CSUM;
				goto out;
			}
			memcpy(buf + used, (uint8_t *)val_data(w) + (p[j].p_lo - val_idx(w)) * rsize,
			       bytes);
			used += bytes;
			ep = w->v_epoch > ep ? w->v_epoch : ep;
		}
		if (j == i) {
			/* A single piece larger than an inline value cannot be: values are <= it. */
			rc = -DER_INVAL;
			goto out;
		}
		if (j == i + 1 && p[i].p_lo == val_idx(v) && p[i].p_hi == val_idx_end(v)) {
			vos_enc_stored_val(ao->ao_enc, v);
			ao->ao_n++;
		} else {
			out_inline(ao, ep, p[i].p_lo, p[j - 1].p_hi - p[i].p_lo, buf, used);
		}
		i = j;
	}
out:
	D_FREE(buf);
	return rc;
}

static int
agg_akey(struct vos_agg *ag, struct vos_obj *o, struct vos_dkey *d, struct vos_akey *a,
	 struct vos_enc *e)
{
	daos_epoch_t     bound = ag->ag_needed[ag->ag_nneeded - 1], prev = 0;
	struct vos_val **vals  = vos_akey_vals(a);
	struct agg_out   ao    = {.ao_enc = e};
	uint32_t         old = 0, i, count_pos;
	size_t           start;
	int              rc = 0;

	for (i = 0; i < a->ak_nvals; i++)
		old += vals[i]->v_epoch <= bound;
	if (old == 0)
		return 0;
	vos_enc_replace_begin(e, ag->ag_cont, o, d, a, 0, bound, &start);
	count_pos = e->e_len;
	vos_enc_u32(e, 0);
	for (i = 0; i < ag->ag_nneeded && rc == 0; i++) {
		daos_epoch_t n     = ag->ag_needed[i];
		daos_epoch_t floor = vos_punch_floor(o, d, a, n);

		floor = floor > prev ? floor : prev;
		if (a->ak_type == DAOS_IOD_SINGLE) {
			int j;

			for (j = (int)a->ak_nvals - 1; j >= 0; j--) {
				if (vals[j]->v_epoch > n)
					continue;
				if (vals[j]->v_epoch > floor) {
					vos_enc_stored_val(e, vals[j]);
					ao.ao_n++;
				}
				break;
			}
		} else {
			struct vos_piece *p;
			uint32_t          np;

			rc = vos_array_view(a, 0, UINT64_MAX, floor, n, 0, &p, &np);
			if (rc == 0)
				rc = agg_window_array(&ao, a, p, np);
			D_FREE(p);
		}
		prev = n;
	}
	if (rc != 0) {
		e->e_len = start;
		return rc == -DER_CSUM ? 0 : rc; /* a corrupt value is left for the reader to see */
	}
	if (!ao.ao_changed && ao.ao_n == old) {
		e->e_len = start;
		return 0;
	}
	if (e->e_rc == 0) {
		e->e_buf[count_pos]     = (uint8_t)ao.ao_n;
		e->e_buf[count_pos + 1] = (uint8_t)(ao.ao_n >> 8);
		e->e_buf[count_pos + 2] = (uint8_t)(ao.ao_n >> 16);
		e->e_buf[count_pos + 3] = (uint8_t)(ao.ao_n >> 24);
	}
	return vos_enc_end(e, start);
}

/* Punches at or below bound that no remaining value needs are dropped. */
static int
agg_punches(struct vos_agg *ag, struct vos_obj *o, struct vos_dkey *d, struct vos_akey *a,
	    struct vos_enc *e)
{
	daos_epoch_t        bound = ag->ag_needed[ag->ag_nneeded - 1], min = DAOS_EPOCH_MAX;
	struct vos_punches *p     = a != NULL ? a->ak_punch : d->dk_punch;
	struct btr_cursor   c;
	uint32_t            i, keep = 0, drop = 0;
	size_t              start;
	bool                du = vos_oid_dkey_uint64(o->o_id);

	if (p == NULL)
		return 0;
	if (a != NULL) {
		for (i = 0; i < a->ak_nvals; i++)
			min = vos_akey_vals(a)[i]->v_epoch < min ? vos_akey_vals(a)[i]->v_epoch : min;
	} else {
		for (btr_first(&vos_akey_ops, &d->dk_akeys, &c); btr_item(&c); btr_next(&c)) {
			struct vos_akey *x = btr_item(&c);

			for (i = 0; i < x->ak_nvals; i++)
				if (vos_akey_vals(x)[i]->v_epoch < min)
					min = vos_akey_vals(x)[i]->v_epoch;
		}
	}
	for (i = 0; i < p->vp_nr; i++) {
		if (p->vp_ep[i] > bound)
			continue;
		if (p->vp_ep[i] >= min)
			keep++;
		else
			drop++;
	}
	if (drop == 0)
		return 0;
	vos_enc_begin(e, VREC_PUNCH_SET, &start);
	vos_enc_prefix(e, ag->ag_cont, o->o_id);
	vos_enc_u8(e, a != NULL ? 2 : 1);
	vos_enc_key(e, du, d->dk_key, d->dk_klen);
	if (a != NULL)
		vos_enc_key(e, vos_oid_akey_uint64(o->o_id), a->ak_key, a->ak_klen);
	vos_enc_u64(e, 0);
	vos_enc_u64(e, bound);
	vos_enc_u32(e, keep);
	for (i = 0; i < p->vp_nr; i++)
		if (p->vp_ep[i] <= bound && p->vp_ep[i] >= min)
			vos_enc_u64(e, p->vp_ep[i]);
	return vos_enc_end(e, start);
}

/* Value records of one dkey, appended to e. */
static int
agg_dkey_values(struct vos_agg *ag, struct vos_obj *o, struct vos_dkey *d, struct vos_enc *e)
{
	struct btr_cursor ac;
	int               rc = 0;

	for (btr_first(&vos_akey_ops, &d->dk_akeys, &ac); btr_item(&ac) && rc == 0; btr_next(&ac))
		rc = agg_akey(ag, o, d, btr_item(&ac), e);
	return rc;
}

/* Punch records of one dkey (found again by key: committing may have yielded). */
static int
agg_dkey_punches(struct vos_agg *ag, struct vos_cont *c, daos_obj_id_t oid, const void *key,
		 uint32_t klen, struct vos_enc *e)
{
	struct btr_cursor ac;
	struct vos_obj   *o = vos_obj_find(c, oid);
	struct vos_dkey  *d = vos_dkey_find(o, key, klen);
	int               rc = 0;

	if (d == NULL)
		return 0;
	for (btr_first(&vos_akey_ops, &d->dk_akeys, &ac); btr_item(&ac) && rc == 0; btr_next(&ac))
		rc = agg_punches(ag, o, d, btr_item(&ac), e);
	if (rc == 0)
		rc = agg_punches(ag, o, d, NULL, e);
	return rc;
}

/* A dkey a step worked on, remembered by key for its punch phase. */
struct agg_pick {
	daos_obj_id_t ap_oid;
	uint32_t      ap_klen;
	uint8_t      *ap_key;
};

static bool
obj_has_range(struct vos_obj *o, daos_epoch_t lo, daos_epoch_t hi)
{
	struct btr_cursor dc, ac;
	uint32_t          i;

	if (o->o_punch != NULL && punches_latest(o->o_punch, hi) >= lo)
		return true;
	for (btr_first(&vos_dkey_ops, &o->o_dkeys, &dc); btr_item(&dc); btr_next(&dc)) {
		struct vos_dkey *d = btr_item(&dc);

		if (d->dk_punch != NULL && punches_latest(d->dk_punch, hi) >= lo)
			return true;
		for (btr_first(&vos_akey_ops, &d->dk_akeys, &ac); btr_item(&ac); btr_next(&ac)) {
			struct vos_akey *a = btr_item(&ac);

			if (a->ak_punch != NULL && punches_latest(a->ak_punch, hi) >= lo)
				return true;
			for (i = 0; i < a->ak_nvals; i++)
				if (vos_akey_vals(a)[i]->v_epoch >= lo &&
				    vos_akey_vals(a)[i]->v_epoch <= hi)
					return true;
		}
	}
	return false;
}

static int
discard_obj(struct vos_agg *ag, struct vos_obj *o)
{
	struct vos_enc e;
	size_t         start;
	int            rc;

	if (!obj_has_range(o, ag->ag_epr.epr_lo, ag->ag_epr.epr_hi))
		return 0;
	vos_enc_init(&e);
	vos_enc_begin(&e, VREC_DISCARD, &start);
	vos_enc_prefix(&e, ag->ag_cont, o->o_id);
	vos_enc_u64(&e, ag->ag_epr.epr_lo);
	vos_enc_u64(&e, ag->ag_epr.epr_hi);
	rc = vos_enc_end(&e, start);
	if (rc == 0)
		rc = vos_commit(ag->ag_vos, &e);
	vos_enc_fini(&e);
	return rc;
}

/*
 * The records of all the dkeys of one step are committed together (values
 * first, then punches), so a step costs two log writes whatever its credits.
 */
int
vos_agg_step(struct vos_agg *ag, unsigned int credits)
{
	struct btr_cursor oc, dc;
	struct vos_cont  *c;
	struct vos_obj   *o;
	struct vos_dkey  *d;
	struct agg_pick  *picks = NULL;
	struct vos_enc    e;
	unsigned int      npicks = 0, i;
	int               rc = 0, done = 0;

	if (credits == 0)
		credits = 1;
	if (!ag->ag_discard) {
		D_ALLOC_ARRAY(picks, credits);
		if (picks == NULL)
			return -DER_NOMEM;
	}
	vos_enc_init(&e);
	while (credits > 0) {
		c = vos_cont_find(ag->ag_vos, ag->ag_cont);
		if (c == NULL) {
			done = 1;
			break;
		}
		if (ag->ag_have_obj)
			btr_seek(&vos_obj_ops, &c->c_objs, &oc, ag->ag_obj, 16,
				 ag->ag_discard ? BTR_SEEK_GT : BTR_SEEK_GE);
		else
			btr_first(&vos_obj_ops, &c->c_objs, &oc);
		o = btr_item(&oc);
		if (o == NULL) {
			done = 1;
			break;
		}
		if (ag->ag_have_obj && memcmp(o->o_key, ag->ag_obj, 16) != 0)
			ag->ag_dklen = 0; /* a new object */
		memcpy(ag->ag_obj, o->o_key, 16);
		ag->ag_have_obj = true;
		if (ag->ag_discard) {
			rc = discard_obj(ag, o);
			if (rc != 0)
				goto out;
			credits--;
			continue;
		}
		if (ag->ag_dklen == 0)
			btr_first(&vos_dkey_ops, &o->o_dkeys, &dc);
		else
			btr_seek(&vos_dkey_ops, &o->o_dkeys, &dc, ag->ag_dkey, ag->ag_dklen,
				 BTR_SEEK_GT);
		d = btr_item(&dc);
		if (d == NULL) {
			/* Object done: move past it. */
			btr_seek(&vos_obj_ops, &c->c_objs, &oc, ag->ag_obj, 16, BTR_SEEK_GT);
			o = btr_item(&oc);
			if (o == NULL) {
				done = 1;
				break;
			}
			memcpy(ag->ag_obj, o->o_key, 16);
			ag->ag_dklen = 0;
			continue;
		}
		D_ALLOC_NZ(picks[npicks].ap_key, d->dk_klen);
		if (picks[npicks].ap_key == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
		picks[npicks].ap_oid  = o->o_id;
		picks[npicks].ap_klen = d->dk_klen;
		memcpy(picks[npicks].ap_key, d->dk_key, d->dk_klen);
		npicks++;
		rc = agg_dkey_values(ag, o, d, &e);
		if (rc != 0)
			goto out;
		ag->ag_dklen = d->dk_klen;
		memcpy(ag->ag_dkey, d->dk_key, d->dk_klen);
		credits--;
	}
	if (e.e_len > 0)
		rc = vos_commit(ag->ag_vos, &e);
	vos_enc_fini(&e);
	c = vos_cont_find(ag->ag_vos, ag->ag_cont);
	for (i = 0; rc == 0 && c != NULL && i < npicks; i++)
		rc = agg_dkey_punches(ag, c, picks[i].ap_oid, picks[i].ap_key, picks[i].ap_klen,
				      &e);
	if (rc == 0 && e.e_len > 0)
		rc = vos_commit(ag->ag_vos, &e);
out:
	vos_enc_fini(&e);
	for (i = 0; i < npicks; i++)
		D_FREE(picks[i].ap_key);
	D_FREE(picks);
	return rc != 0 ? rc : done;
}
