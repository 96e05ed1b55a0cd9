/* The index itself: lookups, visibility, value payloads, resolved array views. */
#include <pthread.h>
#include "common/csum.h"
#include "vos_internal.h"

static const void *
cont_key(const void *item, uint32_t *len)
{
	*len = sizeof(uuid_t);
	return ((const struct vos_cont *)item)->c_uuid;
}

static const void *
obj_key(const void *item, uint32_t *len)
{
	*len = 16;
	return ((const struct vos_obj *)item)->o_key;
}

static const void *
dkey_key(const void *item, uint32_t *len)
{
	*len = ((const struct vos_dkey *)item)->dk_klen;
	return ((const struct vos_dkey *)item)->dk_key;
}

static const void *
akey_key(const void *item, uint32_t *len)
{
	*len = ((const struct vos_akey *)item)->ak_klen;
	return ((const struct vos_akey *)item)->ak_key;
}

const struct btr_ops vos_cont_ops = {.key = cont_key};
const struct btr_ops vos_obj_ops  = {.key = obj_key};
const struct btr_ops vos_dkey_ops = {.key = dkey_key};
const struct btr_ops vos_akey_ops = {.key = akey_key};

/* VOS's value checksum is common's CRC-32C csummer: one per value, set up once. */
static struct dcs_csummer vos_csummer;
static pthread_once_t     vos_csummer_once = PTHREAD_ONCE_INIT;

static void
vos_csummer_init(void)
{
	int rc = dcs_csummer_init(&vos_csummer, DCS_TYPE_CRC32C, 0);

	D_ASSERT(rc == 0);
}

uint32_t
vos_csum(const void *buf, size_t len)
{
	uint8_t csum[4];
	int     rc;

	pthread_once(&vos_csummer_once, vos_csummer_init);
	rc = dcs_compute(&vos_csummer, buf, len, csum, sizeof(csum));
	D_ASSERT(rc == 0);
	return (uint32_t)csum[0] | (uint32_t)csum[1] << 8 | (uint32_t)csum[2] << 16 |
	       (uint32_t)csum[3] << 24;
}

void
vos_obj_key(daos_obj_id_t oid, uint8_t key[16])
{
	int i;

	for (i = 0; i < 8; i++) {
		key[i]     = (uint8_t)(oid.hi >> (56 - 8 * i));
		key[8 + i] = (uint8_t)(oid.lo >> (56 - 8 * i));
	}
}

struct vos_cont *
vos_cont_find(struct vos *vos, const uuid_t uuid)
{
	return btr_lookup(&vos_cont_ops, &vos->v_conts, uuid, sizeof(uuid_t));
}

struct vos_obj *
vos_obj_find(struct vos_cont *c, daos_obj_id_t oid)
{
	uint8_t key[16];

	if (c == NULL)
		return NULL;
	vos_obj_key(oid, key);
	return btr_lookup(&vos_obj_ops, &c->c_objs, key, 16);
}

struct vos_dkey *
vos_dkey_find(struct vos_obj *o, const void *key, uint32_t klen)
{
	return o == NULL ? NULL : btr_lookup(&vos_dkey_ops, &o->o_dkeys, key, klen);
}

struct vos_akey *
vos_akey_find(struct vos_dkey *d, const void *key, uint32_t klen)
{
	return d == NULL ? NULL : btr_lookup(&vos_akey_ops, &d->dk_akeys, key, klen);
}

/* ---- punches ---- */

daos_epoch_t
punches_latest(const struct vos_punches *p, daos_epoch_t read)
{
	int lo = 0, hi;

	if (p == NULL)
		return 0;
	hi = p->vp_nr;
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (p->vp_ep[mid] <= read)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? 0 : p->vp_ep[lo - 1];
}

bool
punches_hide(const struct vos_punches *p, daos_epoch_t e, daos_epoch_t read)
{
	return punches_latest(p, read) >= e;
}

daos_epoch_t
vos_punch_floor(const struct vos_obj *o, const struct vos_dkey *d, const struct vos_akey *a,
		daos_epoch_t read)
{
	daos_epoch_t f = punches_latest(o->o_punch, read), x;

	if (d != NULL) {
		x = punches_latest(d->dk_punch, read);
		f = x > f ? x : f;
	}
	if (a != NULL) {
		x = punches_latest(a->ak_punch, read);
		f = x > f ? x : f;
	}
	return f;
}

bool
vos_akey_visible(struct vos_obj *o, struct vos_dkey *d, struct vos_akey *a, daos_epoch_t read)
{
	daos_epoch_t     floor = vos_punch_floor(o, d, a, read);
	struct vos_val **vals  = vos_akey_vals(a);
	uint32_t         i;

	for (i = 0; i < a->ak_nvals; i++)
		if (vals[i]->v_epoch > floor && vals[i]->v_epoch <= read)
			return true;
	return false;
}

bool
vos_dkey_visible(struct vos_obj *o, struct vos_dkey *d, daos_epoch_t read)
{
	struct btr_cursor c;

	for (btr_first(&vos_akey_ops, &d->dk_akeys, &c); btr_item(&c) != NULL; btr_next(&c))
		if (vos_akey_visible(o, d, btr_item(&c), read))
			return true;
	return false;
}

bool
vos_obj_visible(struct vos_obj *o, daos_epoch_t read)
{
	struct btr_cursor c;

	for (btr_first(&vos_dkey_ops, &o->o_dkeys, &c); btr_item(&c) != NULL; btr_next(&c))
		if (vos_dkey_visible(o, btr_item(&c), read))
			return true;
	return false;
}

/* ---- payloads ---- */

/* Hold DATA freed while a fetch reads; false (no memory): free it now, and
 * a read that meets the blocks reused fails its checksum, -DER_CSUM. */
static bool
vos_data_hold(struct vos *vos, const struct vos_val *v)
{
	struct vos_held *h;

	if (vos->v_held_nr == vos->v_held_cap) {
		uint32_t cap = vos->v_held_cap ? 2 * vos->v_held_cap : 16;

		D_REALLOC_ARRAY(h, vos->v_held, vos->v_held_cap, cap);
		if (h == NULL)
			return false;
		vos->v_held     = h;
		vos->v_held_cap = cap;
	}
	h          = &vos->v_held[vos->v_held_nr++];
	h->vh_addr = *(const struct vos_data_addr *)val_data(v);
	h->vh_len  = v->v_len;
	return true;
}

void
vos_val_free(struct vos *vos, struct vos_val *v, bool free_data)
{
	const struct vos_data_ops *ops = vos->v_attr.va_data;

	if (free_data && (v->v_flags & VAL_ADDR) && ops != NULL && ops->dop_free != NULL &&
	    !(vos->v_readers > 0 && vos_data_hold(vos, v)))
		ops->dop_free(vos->v_attr.va_data_arg, val_data(v), v->v_len);
	D_FREE(v);
}

/* A fetch's reads are done: the last one out frees what was held. */
void
vos_readers_end(struct vos *vos)
{
	const struct vos_data_ops *ops = vos->v_attr.va_data;
	uint32_t                   i;

	D_ASSERT(vos->v_readers > 0);
	if (--vos->v_readers > 0)
		return;
	for (i = 0; i < vos->v_held_nr; i++)
		ops->dop_free(vos->v_attr.va_data_arg, &vos->v_held[i].vh_addr,
			      vos->v_held[i].vh_len);
	vos->v_held_nr = 0;
}

static void
akey_free(void *item, void *arg)
{
	struct vos_akey  *a    = item;
	struct vos_val  **vals = vos_akey_vals(a);
	bool             *fd   = ((void **)arg)[1];
	uint32_t          i;

	for (i = 0; i < a->ak_nvals; i++)
		vos_val_free(((void **)arg)[0], vals[i], *fd);
	if (a->ak_nvals > 1)
		D_FREE(a->ak_vals);
	D_FREE(a->ak_punch);
	D_FREE(a);
}

static void
dkey_free(void *item, void *arg)
{
	struct vos_dkey *d = item;

	btr_destroy(&d->dk_akeys, akey_free, arg);
	D_FREE(d->dk_punch);
	D_FREE(d);
}

static void
obj_free(void *item, void *arg)
{
	struct vos_obj *o = item;

	btr_destroy(&o->o_dkeys, dkey_free, arg);
	D_FREE(o->o_punch);
	D_FREE(o);
}

void
vos_cont_free(struct vos *vos, struct vos_cont *c, bool free_data)
{
	void *arg[2] = {vos, &free_data};

	btr_destroy(&c->c_objs, obj_free, arg);
	D_FREE(c);
}

/* ---- array views ---- */

static int
piece_add(struct vos_piece **pp, uint32_t *np, uint32_t *cap, uint64_t lo, uint64_t hi,
	  struct vos_val *v)
{
	if (*np == *cap) {
		struct vos_piece *n;
		uint32_t          ncap = *cap ? *cap * 2 : 8;

		D_REALLOC_ARRAY(n, *pp, *cap, ncap);
		if (n == NULL)
			return -DER_NOMEM;
		*pp  = n;
		*cap = ncap;
	}
	(*pp)[*np].p_lo  = lo;
	(*pp)[*np].p_hi  = hi;
	(*pp)[*np].p_val = v;
	(*np)++;
	return 0;
}

static int
piece_cmp(const void *a, const void *b)
{
	const struct vos_piece *x = a, *y = b;

	return x->p_lo < y->p_lo ? -1 : x->p_lo > y->p_lo;
}

static int
val_epoch_desc(const void *a, const void *b)
{
	const struct vos_val *x = *(struct vos_val *const *)a, *y = *(struct vos_val *const *)b;

	if (x->v_epoch != y->v_epoch)
		return x->v_epoch > y->v_epoch ? -1 : 1;
	/* Same epoch: the one sorting later in the akey wins, deterministically. */
	return val_idx(x) > val_idx(y) ? -1 : val_idx(x) < val_idx(y);
}

int
vos_array_view(struct vos_akey *a, uint64_t lo, uint64_t hi, daos_epoch_t floor,
	       daos_epoch_t read, daos_epoch_t min_epoch, struct vos_piece **pieces,
	       uint32_t *npieces)
{
	struct vos_val  **vals = vos_akey_vals(a);
	struct vos_val  **cand = NULL;
	struct vos_piece *out = NULL, *tmp = NULL;
	uint32_t          ncand = 0, nout = 0, cap = 0, ntmp = 0, tcap = 0, i, j;
	int               rc = 0;

	*pieces  = NULL;
	*npieces = 0;
	if (a->ak_nvals == 0 || lo >= hi)
		return 0;
	D_ALLOC_ARRAY(cand, a->ak_nvals);
	if (cand == NULL)
		return -DER_NOMEM;
	for (i = 0; i < a->ak_nvals; i++) {
		struct vos_val *v = vals[i];

		if (v->v_epoch <= floor || v->v_epoch > read || v->v_epoch < min_epoch)
			continue;
		if (val_idx(v) >= hi || val_idx_end(v) <= lo)
			continue;
		cand[ncand++] = v;
	}
	qsort(cand, ncand, sizeof(*cand), val_epoch_desc);
	/* Paint newest first: each candidate only fills what is still uncovered. */
	for (i = 0; i < ncand; i++) {
		uint64_t s = val_idx(cand[i]) > lo ? val_idx(cand[i]) : lo;
		uint64_t e = val_idx_end(cand[i]) < hi ? val_idx_end(cand[i]) : hi;
		uint64_t cur = s;

		ntmp = 0;
		for (j = 0; j < nout && cur < e; j++) {
			if (out[j].p_hi <= cur)
				continue;
			if (out[j].p_lo >= e)
				break;
			if (out[j].p_lo > cur) {
				rc = piece_add(&tmp, &ntmp, &tcap, cur, out[j].p_lo, cand[i]);
				if (rc != 0)
					goto out;
			}
			cur = out[j].p_hi;
		}
		if (cur < e) {
			rc = piece_add(&tmp, &ntmp, &tcap, cur, e, cand[i]);
			if (rc != 0)
				goto out;
		}
		for (j = 0; j < ntmp; j++) {
			rc = piece_add(&out, &nout, &cap, tmp[j].p_lo, tmp[j].p_hi, tmp[j].p_val);
			if (rc != 0)
				goto out;
		}
		if (ntmp > 0)
			qsort(out, nout, sizeof(*out), piece_cmp);
	}
	*pieces  = out;
	*npieces = nout;
	out      = NULL;
out:
	D_FREE(out);
	D_FREE(tmp);
	D_FREE(cand);
	return rc;
}
