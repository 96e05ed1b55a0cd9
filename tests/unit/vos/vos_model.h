/*
 * Model-based test of VOS: a seeded random mix of update / fetch / punch /
 * enumerate / query / aggregate / discard / restart, checked against a
 * reference model that keeps flat facts per (object, dkey, akey) and answers
 * every read by brute force.
 *
 * Rules the generator keeps so the model stays simple: writes and discards
 * happen above the aggregation bound; reads happen at a snapshot or at or
 * above the bound (what aggregation promises). "Restart" takes a fuzzy image
 * while more operations run, then loads it into a fresh index and replays
 * every record logged since the image started.
 */
#ifndef __VOS_MODEL_H__
#define __VOS_MODEL_H__

#include "vos_test_util.h"

#define M_OBJS  4
#define M_DKEYS 8
#define M_AKEYS 4 /* 0,1 single values; 2,3 arrays of 1-byte records */
#define M_RANGE 96
#define M_SNAP  53 /* every multiple is a snapshot ... */
#define M_LIVE  20 /* ... until it is this many snapshots below the bound (then deleted) */

struct mfact {
	daos_epoch_t f_epoch;
	uint64_t     f_idx, f_nr; /* arrays */
	uint32_t     f_len;
	uint8_t     *f_data;
};

struct mpath {
	struct mfact *p_f;
	uint32_t      p_n, p_cap;
};

struct mpunch {
	daos_epoch_t *e;
	uint32_t      n, cap;
};

struct model {
	struct mpath  vals[M_OBJS][M_DKEYS][M_AKEYS];
	struct mpunch po[M_OBJS], pd[M_OBJS][M_DKEYS], pa[M_OBJS][M_DKEYS][M_AKEYS];
	daos_epoch_t  bound;
	daos_epoch_t  max_epoch;
};

struct mstate {
	struct model        m;
	struct vos         *vos;
	struct test_backend tb;
	struct test_log     log;
	unsigned int        seed;
	uint64_t            ops[10];
};

static inline uint32_t
mr(struct mstate *s, uint32_t n)
{
	return (uint32_t)(rand_r(&s->seed) % n);
}

static inline daos_obj_id_t
m_oid(int o)
{
	return tu_oid(100 + o, o == 1 ? DAOS_OT_MULTI_UINT64 : 0);
}

/* Keys: object 1 uses uint64 keys whose byte order differs from numeric order. */
struct mkey {
	uint8_t  b[16];
	uint32_t len;
};

static inline struct mkey
m_dkey(int o, int d)
{
	struct mkey k;

	if (o == 1) {
		uint64_t v = (uint64_t)(d * 255 + 1) << (d % 3 * 8);

		memcpy(k.b, &v, 8);
		k.len = 8;
	} else {
		k.len = (uint32_t)snprintf((char *)k.b, sizeof(k.b), "dk%d", (d * 5) % M_DKEYS);
	}
	return k;
}

static inline struct mkey
m_akey(int o, int a)
{
	struct mkey k;

	if (o == 1) {
		uint64_t v = 1000 + a;

		memcpy(k.b, &v, 8);
		k.len = 8;
	} else {
		k.len = (uint32_t)snprintf((char *)k.b, sizeof(k.b), "ak%d", a);
	}
	return k;
}

static inline void
mp_add(struct mpunch *p, daos_epoch_t e)
{
	uint32_t i;

	for (i = 0; i < p->n; i++)
		if (p->e[i] == e)
			return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->e   = realloc(p->e, p->cap * sizeof(*p->e));
	}
	p->e[p->n++] = e;
}

static inline daos_epoch_t
mp_floor(const struct mpunch *p, daos_epoch_t read)
{
	daos_epoch_t f = 0;
	uint32_t     i;

	for (i = 0; i < p->n; i++)
		if (p->e[i] <= read && p->e[i] > f)
			f = p->e[i];
	return f;
}

static inline daos_epoch_t
m_floor(struct model *m, int o, int d, int a, daos_epoch_t read)
{
	daos_epoch_t f = mp_floor(&m->po[o], read), x;

	x = mp_floor(&m->pd[o][d], read);
	f = x > f ? x : f;
	x = mp_floor(&m->pa[o][d][a], read);
	return x > f ? x : f;
}

/* Single value at read: index of the fact, or -1. */
static inline int
m_single(struct model *m, int o, int d, int a, daos_epoch_t read)
{
	struct mpath *p  = &m->vals[o][d][a];
	daos_epoch_t  fl = m_floor(m, o, d, a, read);
	int           best = -1;
	uint32_t      i;

	for (i = 0; i < p->p_n; i++)
		if (p->p_f[i].f_epoch <= read && p->p_f[i].f_epoch > fl &&
		    (best < 0 || p->p_f[i].f_epoch > p->p_f[best].f_epoch))
			best = (int)i;
	return best;
}

/* Array at read: bytes and a coverage mask over [0, M_RANGE). */
static inline void
m_array(struct model *m, int o, int d, int a, daos_epoch_t read, uint8_t *buf, bool *cov)
{
	struct mpath *p  = &m->vals[o][d][a];
	daos_epoch_t  fl = m_floor(m, o, d, a, read);
	daos_epoch_t  best[M_RANGE];
	uint32_t      i;
	uint64_t      x;

	memset(buf, 0, M_RANGE);
	memset(cov, 0, M_RANGE * sizeof(bool));
	memset(best, 0, sizeof(best));
	for (i = 0; i < p->p_n; i++) {
		struct mfact *f = &p->p_f[i];

		if (f->f_epoch > read || f->f_epoch <= fl)
			continue;
		for (x = f->f_idx; x < f->f_idx + f->f_nr && x < M_RANGE; x++) {
			if (cov[x] && best[x] >= f->f_epoch)
				continue;
			cov[x]  = true;
			best[x] = f->f_epoch;
			buf[x]  = f->f_data[x - f->f_idx];
		}
	}
}

static inline bool
m_akey_visible(struct model *m, int o, int d, int a, daos_epoch_t read)
{
	struct mpath *p  = &m->vals[o][d][a];
	daos_epoch_t  fl = m_floor(m, o, d, a, read);
	uint32_t      i;

	for (i = 0; i < p->p_n; i++)
		if (p->p_f[i].f_epoch <= read && p->p_f[i].f_epoch > fl)
			return true;
	return false;
}

static inline bool
m_dkey_visible(struct model *m, int o, int d, daos_epoch_t read)
{
	int a;

	for (a = 0; a < M_AKEYS; a++)
		if (m_akey_visible(m, o, d, a, read))
			return true;
	return false;
}

/* The VOS rule for arrays: same epoch, overlapping, different range is refused. */
static inline bool
m_conflict(struct model *m, int o, int d, int a, daos_epoch_t e, uint64_t idx, uint64_t nr)
{
	struct mpath *p = &m->vals[o][d][a];
	uint32_t      i;

	for (i = 0; i < p->p_n; i++) {
		struct mfact *f = &p->p_f[i];

		if (f->f_epoch == e && f->f_idx < idx + nr && idx < f->f_idx + f->f_nr &&
		    (f->f_idx != idx || f->f_nr != nr))
			return true;
	}
	return false;
}

static inline void
m_put(struct model *m, int o, int d, int a, daos_epoch_t e, uint64_t idx, uint64_t nr,
      const uint8_t *data, uint32_t len)
{
	struct mpath *p = &m->vals[o][d][a];
	struct mfact *f = NULL;
	uint32_t      i;

	for (i = 0; i < p->p_n; i++)
		if (p->p_f[i].f_epoch == e && p->p_f[i].f_idx == idx)
			f = &p->p_f[i];
	if (f == NULL) {
		if (p->p_n == p->p_cap) {
			p->p_cap = p->p_cap ? p->p_cap * 2 : 4;
			p->p_f   = realloc(p->p_f, p->p_cap * sizeof(*p->p_f));
		}
		f = &p->p_f[p->p_n++];
	} else {
		free(f->f_data);
	}
	f->f_epoch = e;
	f->f_idx   = idx;
	f->f_nr    = nr;
	f->f_len   = len;
	f->f_data  = malloc(len);
	memcpy(f->f_data, data, len);
	if (e > m->max_epoch)
		m->max_epoch = e;
}

static inline void
mp_discard(struct mpunch *p, daos_epoch_t lo, daos_epoch_t hi)
{
	uint32_t i, n = 0;

	for (i = 0; i < p->n; i++)
		if (p->e[i] < lo || p->e[i] > hi)
			p->e[n++] = p->e[i];
	p->n = n;
}

static inline void
m_discard(struct model *m, daos_epoch_t lo, daos_epoch_t hi)
{
	int      o, d, a;
	uint32_t i, n;

	for (o = 0; o < M_OBJS; o++) {
		mp_discard(&m->po[o], lo, hi);
		for (d = 0; d < M_DKEYS; d++) {
			mp_discard(&m->pd[o][d], lo, hi);
			for (a = 0; a < M_AKEYS; a++) {
				struct mpath *p = &m->vals[o][d][a];

				mp_discard(&m->pa[o][d][a], lo, hi);
				for (i = 0, n = 0; i < p->p_n; i++) {
					if (p->p_f[i].f_epoch >= lo && p->p_f[i].f_epoch <= hi)
						free(p->p_f[i].f_data);
					else
						p->p_f[n++] = p->p_f[i];
				}
				p->p_n = n;
			}
		}
	}
}

/*
 * Forget facts no allowed read can see any more (keeps the model small).
 * Visibility only shrinks as the read epoch grows, so a fact at or below the
 * bound matters iff it is visible at the first allowed read epoch >= its own.
 */
/* Oldest live snapshot: those below were deleted, aggregation may fold them. */
static inline daos_epoch_t
m_snap_lo(daos_epoch_t bound)
{
	daos_epoch_t lo = bound > M_LIVE * M_SNAP ? bound - M_LIVE * M_SNAP : 1;

	return (lo + M_SNAP - 1) / M_SNAP * M_SNAP;
}

static inline bool
m_array_wins(struct mpath *p, struct mfact *f, daos_epoch_t r)
{
	uint64_t x;
	uint32_t i;

	for (x = f->f_idx; x < f->f_idx + f->f_nr; x++) {
		bool covered = false;

		for (i = 0; i < p->p_n && !covered; i++) {
			struct mfact *g = &p->p_f[i];

			covered = g != f && g->f_epoch > f->f_epoch && g->f_epoch <= r &&
				  g->f_idx <= x && x < g->f_idx + g->f_nr;
		}
		if (!covered)
			return true;
	}
	return false;
}

/* First allowed read epoch at or above e (for e <= bound). */
static inline daos_epoch_t
m_first_read(struct model *m, daos_epoch_t e)
{
	daos_epoch_t r = (e + M_SNAP - 1) / M_SNAP * M_SNAP;

	if (r < m_snap_lo(m->bound))
		r = m_snap_lo(m->bound);
	return r >= m->bound ? m->bound : r;
}

/* A punch at or below the bound matters only as the newest one before some allowed read. */
static inline void
mp_forget(struct model *m, struct mpunch *p)
{
	uint32_t i, j, n = 0;

	for (i = 0; i < p->n; i++) {
		bool keep = true;

		if (p->e[i] <= m->bound) {
			daos_epoch_t r = m_first_read(m, p->e[i]);

			for (j = 0; j < p->n; j++)
				if (p->e[j] > p->e[i] && p->e[j] <= r)
					keep = false;
		}
		if (keep)
			p->e[n++] = p->e[i];
	}
	p->n = n;
}

static inline void
m_forget(struct model *m)
{
	int      o, d, a;
	uint32_t i, n;

	for (o = 0; o < M_OBJS; o++)
		for (d = 0; d < M_DKEYS; d++)
			for (a = 0; a < M_AKEYS; a++) {
				struct mpath *p = &m->vals[o][d][a];
				bool         *keep = calloc(p->p_n + 1, sizeof(bool));

				for (i = 0; i < p->p_n; i++) {
					struct mfact *f = &p->p_f[i];
					daos_epoch_t  r = m_first_read(m, f->f_epoch);

					if (f->f_epoch > m->bound) {
						keep[i] = true;
						continue;
					}
					if (f->f_epoch <= m_floor(m, o, d, a, r))
						continue;
					if (a < 2)
						keep[i] = &p->p_f[m_single(m, o, d, a, r)] == f;
					else
						keep[i] = m_array_wins(p, f, r);
				}
				for (i = 0, n = 0; i < p->p_n; i++) {
					if (keep[i])
						p->p_f[n++] = p->p_f[i];
					else
						free(p->p_f[i].f_data);
				}
				p->p_n = n;
				free(keep);
			}
	for (o = 0; o < M_OBJS; o++) {
		mp_forget(m, &m->po[o]);
		for (d = 0; d < M_DKEYS; d++) {
			mp_forget(m, &m->pd[o][d]);
			for (a = 0; a < M_AKEYS; a++)
				mp_forget(m, &m->pa[o][d][a]);
		}
	}
}

static inline void
m_free(struct model *m)
{
	int      o, d, a;
	uint32_t i;

	for (o = 0; o < M_OBJS; o++) {
		free(m->po[o].e);
		for (d = 0; d < M_DKEYS; d++) {
			free(m->pd[o][d].e);
			for (a = 0; a < M_AKEYS; a++) {
				for (i = 0; i < m->vals[o][d][a].p_n; i++)
					free(m->vals[o][d][a].p_f[i].f_data);
				free(m->vals[o][d][a].p_f);
				free(m->pa[o][d][a].e);
			}
		}
	}
}

/* ---- operations ---- */

static inline daos_epoch_t
m_write_epoch(struct mstate *s)
{
	return s->m.bound + 1 + mr(s, 40);
}

static inline daos_epoch_t
m_read_epoch(struct mstate *s)
{
	daos_epoch_t lo = m_snap_lo(s->m.bound);

	if (mr(s, 3) == 0 && lo < s->m.bound)
		return lo + mr(s, (uint32_t)((s->m.bound - lo + M_SNAP - 1) / M_SNAP)) * M_SNAP;
	return s->m.bound + mr(s, 50);
}

static inline void
op_update(struct mstate *s)
{
	int             o = mr(s, M_OBJS), d = mr(s, M_DKEYS), n = 1 + mr(s, 2), i;
	daos_epoch_t    e = m_write_epoch(s);
	struct mkey     dk = m_dkey(o, d), ak[2];
	struct vos_iod  iod[2];
	struct vos_value v[2];
	uint8_t         data[2][5000];
	int             akeys[2], expect = 0, rc;
	uint64_t        flags = 0;
	d_iov_t         dkiov = tu_iov(dk.b, dk.len);

	akeys[0] = mr(s, M_AKEYS);
	akeys[1] = (akeys[0] + 1 + mr(s, M_AKEYS - 1)) % M_AKEYS;
	if (mr(s, 10) == 0) {
		flags = mr(s, 2) ? DAOS_COND_DKEY_INSERT : DAOS_COND_DKEY_UPDATE;
		bool vis = m_dkey_visible(&s->m, o, d, e);

		if (flags == DAOS_COND_DKEY_INSERT && vis)
			expect = -DER_EXIST;
		if (flags == DAOS_COND_DKEY_UPDATE && !vis)
			expect = -DER_NONEXIST;
	}
	for (i = 0; i < n; i++) {
		int      a   = akeys[i];
		uint32_t len = 1 + mr(s, 24);
		uint32_t j;

		ak[i] = m_akey(o, a);
		if (mr(s, 50) == 0)
			len = 4100 + mr(s, 500); /* through the data backend */
		for (j = 0; j < len; j++)
			data[i][j] = (uint8_t)('a' + mr(s, 26));
		memset(&v[i], 0, sizeof(v[i]));
		memset(&iod[i], 0, sizeof(iod[i]));
		iod[i].vi_name = tu_iov(ak[i].b, ak[i].len);
		iod[i].vi_nr   = 1;
		iod[i].vi_vals = &v[i];
		v[i].vv_buf    = data[i];
		if (a < 2) {
			iod[i].vi_type = DAOS_IOD_SINGLE;
			iod[i].vi_size = len;
		} else {
			uint64_t idx = mr(s, M_RANGE - 8);

			if (len < 4096 && idx + len > M_RANGE)
				len = (uint32_t)(M_RANGE - idx);
			iod[i].vi_type   = DAOS_IOD_ARRAY;
			iod[i].vi_size   = 1;
			v[i].vv_recx     = (daos_recx_t){idx, len};
			if (expect == 0 && m_conflict(&s->m, o, d, a, e, idx, len))
				expect = -DER_INVAL;
		}
		v[i].vv_csum = vos_csum(data[i], len);
	}
	rc = vos_obj_update(s->vos, tu_cont, m_oid(o), e, flags, &dkiov, n, iod);
	assert_int_equal(rc, expect);
	if (rc != 0)
		return;
	for (i = 0; i < n; i++) {
		if (akeys[i] < 2)
			m_put(&s->m, o, d, akeys[i], e, 0, 0, data[i], (uint32_t)iod[i].vi_size);
		else
			m_put(&s->m, o, d, akeys[i], e, v[i].vv_recx.rx_idx, v[i].vv_recx.rx_nr,
			      data[i], (uint32_t)v[i].vv_recx.rx_nr);
	}
}

static inline void
op_fetch(struct mstate *s)
{
	int          o = mr(s, M_OBJS), d = mr(s, M_DKEYS), a;
	daos_epoch_t e = m_read_epoch(s);
	struct mkey  dk = m_dkey(o, d);
	d_iov_t      dkiov = tu_iov(dk.b, dk.len);

	for (a = 0; a < M_AKEYS; a++) {
		struct mkey ak = m_akey(o, a);
		uint8_t     buf[5000], mbuf[M_RANGE];
		bool        cov[M_RANGE];
		daos_recx_t map[M_RANGE];
		uint32_t    nmap = M_RANGE, k, x;
		uint64_t    len;

		if (a < 2) {
			int b = m_single(&s->m, o, d, a, e);

			assert_int_equal(tu_get_sv(s->vos, m_oid(o), e, 0, dkiov,
						   tu_iov(ak.b, ak.len), buf, sizeof(buf), &len),
					 0);
			if (b < 0) {
				assert_int_equal(len, 0);
			} else {
				struct mfact *f = &s->m.vals[o][d][a].p_f[b];

				assert_int_equal(len, f->f_len);
				assert_memory_equal(buf, f->f_data, len);
			}
			continue;
		}
		m_array(&s->m, o, d, a, e, mbuf, cov);
		assert_int_equal(tu_get_ext(s->vos, m_oid(o), e, dkiov, tu_iov(ak.b, ak.len), 1, 0,
					    M_RANGE, buf, map, &nmap),
				 0);
		assert_memory_equal(buf, mbuf, M_RANGE);
		for (k = 0, x = 0; k < nmap; k++) {
			for (; x < map[k].rx_idx; x++)
				assert_false(cov[x]);
			for (; x < map[k].rx_idx + map[k].rx_nr; x++)
				assert_true(cov[x]);
		}
		for (; x < M_RANGE; x++)
			assert_false(cov[x]);
	}
}

static inline void
op_punch(struct mstate *s)
{
	int          o = mr(s, M_OBJS), d = mr(s, M_DKEYS), a = mr(s, M_AKEYS), lvl = mr(s, 10);
	daos_epoch_t e = m_write_epoch(s);
	struct mkey  dk = m_dkey(o, d), ak = m_akey(o, a);
	d_iov_t      dkiov = tu_iov(dk.b, dk.len), akiov = tu_iov(ak.b, ak.len);

	if (lvl == 0) {
		assert_int_equal(vos_obj_punch(s->vos, tu_cont, m_oid(o), e, 0, NULL, 0, NULL), 0);
		mp_add(&s->m.po[o], e);
	} else if (lvl < 4) {
		assert_int_equal(vos_obj_punch(s->vos, tu_cont, m_oid(o), e, 0, &dkiov, 0, NULL), 0);
		mp_add(&s->m.pd[o][d], e);
	} else {
		bool vis = m_akey_visible(&s->m, o, d, a, e);
		int  rc  = vos_obj_punch(s->vos, tu_cont, m_oid(o), e, DAOS_COND_PUNCH, &dkiov, 1,
					 &akiov);

		assert_int_equal(rc, vis ? 0 : -DER_NONEXIST);
		if (rc == 0)
			mp_add(&s->m.pa[o][d][a], e);
	}
	if (e > s->m.max_epoch)
		s->m.max_epoch = e;
}

static inline int
mkey_cmp(int o, const struct mkey *x, const struct mkey *y)
{
	if (o == 1) {
		uint64_t a, b;

		memcpy(&a, x->b, 8);
		memcpy(&b, y->b, 8);
		return a < b ? -1 : a > b;
	}
	return strcmp((const char *)x->b, (const char *)y->b);
}

static inline void
op_list(struct mstate *s)
{
	int                 o = mr(s, M_OBJS), d, i, j, nexp = 0, ngot = 0;
	daos_epoch_t        e = m_read_epoch(s);
	struct mkey         exp[M_DKEYS], t;
	vos_anchor_t        an = VOS_ANCHOR_INIT;
	struct vos_key_desc kds[3];
	uint8_t             buf[64];

	for (d = 0; d < M_DKEYS; d++)
		if (m_dkey_visible(&s->m, o, d, e))
			exp[nexp++] = m_dkey(o, d);
	for (i = 1; i < nexp; i++)
		for (j = i; j > 0 && mkey_cmp(o, &exp[j - 1], &exp[j]) > 0; j--) {
			t          = exp[j];
			exp[j]     = exp[j - 1];
			exp[j - 1] = t;
		}
	while (!vos_anchor_is_eof(&an)) {
		uint32_t nr = 1 + mr(s, 3), off = 0, k;

		assert_int_equal(vos_obj_list_keys(s->vos, tu_cont, m_oid(o), e, NULL, &an, &nr, kds,
						   buf, sizeof(buf)),
				 0);
		for (k = 0; k < nr; k++) {
			assert_true(ngot < nexp);
			assert_int_equal(kds[k].kd_len, exp[ngot].len);
			assert_memory_equal(buf + off, exp[ngot].b, exp[ngot].len);
			off += kds[k].kd_len;
			ngot++;
		}
	}
	assert_int_equal(ngot, nexp);
	/* Max dkey agrees. */
	{
		uint8_t kb[16];
		d_iov_t out = {.iov_buf = kb, .iov_buf_len = sizeof(kb)};
		int     rc  = vos_obj_query_key(s->vos, tu_cont, m_oid(o), e,
						DAOS_GET_DKEY | DAOS_GET_MAX, &out, NULL, NULL);

		if (nexp == 0) {
			assert_int_equal(rc, -DER_NONEXIST);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(out.iov_len, exp[nexp - 1].len);
			assert_memory_equal(kb, exp[nexp - 1].b, out.iov_len);
		}
	}
}

static inline void
run_agg(struct mstate *s, struct vos_agg *ag, bool interleave)
{
	int rc;

	while ((rc = vos_agg_step(ag, 1 + mr(s, 4))) == 0)
		if (interleave && mr(s, 2) == 0)
			op_update(s);
	assert_int_equal(rc, 1);
	vos_agg_end(ag);
}

static inline void
op_aggregate(struct mstate *s)
{
	daos_epoch_t    bound = s->m.bound + 1 + mr(s, 20), *snaps, x;
	unsigned int    ns = 0;
	struct vos_agg *ag;

	snaps = malloc((bound / M_SNAP + 1) * sizeof(*snaps));
	for (x = m_snap_lo(bound); x < bound; x += M_SNAP)
		snaps[ns++] = x;
	s->m.bound = bound;
	assert_int_equal(vos_aggregate_start(s->vos, tu_cont, bound, snaps, ns, &ag), 0);
	free(snaps);
	run_agg(s, ag, true);
	m_forget(&s->m);
}

static inline void
op_discard(struct mstate *s)
{
	daos_epoch_range_t epr;
	struct vos_agg    *ag;

	epr.epr_lo = m_write_epoch(s);
	epr.epr_hi = epr.epr_lo + mr(s, 3);
	assert_int_equal(vos_discard_start(s->vos, tu_cont, &epr, &ag), 0);
	run_agg(s, ag, false);
	m_discard(&s->m, epr.epr_lo, epr.epr_hi);
}

static inline void
op_restart(struct mstate *s)
{
	struct vos_attr   attr = {.va_data = &tb_ops, .va_data_arg = &s->tb, .va_log = tl_append,
				  .va_log_arg = &s->log};
	struct vos_image *img;
	struct vos       *fresh;
	const void       *chunk;
	uint8_t          *stream = NULL, *ia = NULL, *ib = NULL;
	size_t            len, tot = 0, start = s->log.tl_len, consumed, la, lb;
	int               rc;

	assert_int_equal(vos_image_start(s->vos, &img), 0);
	while ((rc = vos_image_next(img, &chunk, &len)) == 0) {
		stream = realloc(stream, tot + len);
		memcpy(stream + tot, chunk, len);
		tot += len;
		/* Updates go on while the image is taken. */
		if (mr(s, 2) == 0)
			op_update(s);
		if (mr(s, 4) == 0)
			op_punch(s);
	}
	assert_int_equal(rc, 1);
	vos_image_end(img);
	assert_int_equal(vos_open(&attr, &fresh), 0);
	s->tb.tb_replaying = true;
	assert_int_equal(vos_image_load(fresh, stream, tot, &consumed), 1);
	assert_int_equal(consumed, tot);
	assert_int_equal(tb_replay(fresh, s->log.tl_buf + start, s->log.tl_len - start), 0);
	s->tb.tb_replaying = false;
	assert_int_equal(tb_image(s->vos, &ia, &la), 0);
	assert_int_equal(tb_image(fresh, &ib, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(ia, ib, la);
	free(ia);
	free(ib);
	free(stream);
	vos_close(s->vos);
	s->vos = fresh;
	/* The log before this point is no longer needed. */
	s->log.tl_len = 0;
}

static inline void
run_model(unsigned int seed, uint64_t nops)
{
	struct mstate  *s = calloc(1, sizeof(*s));
	struct vos_attr attr;
	uint64_t        i;

	s->seed = seed;
	attr    = (struct vos_attr){.va_data = &tb_ops, .va_data_arg = &s->tb,
				    .va_log = tl_append, .va_log_arg = &s->log};
	assert_int_equal(vos_open(&attr, &s->vos), 0);
	assert_int_equal(vos_cont_create(s->vos, tu_cont), 0);
	for (i = 0; i < nops; i++) {
		uint32_t r = mr(s, 1000);
		int      k;

		if (r < 420)
			op_update(s), k = 0;
		else if (r < 700)
			op_fetch(s), k = 1;
		else if (r < 800)
			op_punch(s), k = 2;
		else if (r < 900)
			op_list(s), k = 3;
		else if (r < 960)
			op_aggregate(s), k = 4;
		else if (r < 985)
			op_discard(s), k = 5;
		else
			op_restart(s), k = 6;
		s->ops[k]++;
	}
	print_message("seed %u: %" PRIu64 " ops: update %" PRIu64 " fetch %" PRIu64
		      " punch %" PRIu64 " list %" PRIu64 " aggregate %" PRIu64 " discard %" PRIu64
		      " restart %" PRIu64 "; bound %" PRIu64 "\n",
		      seed, nops, s->ops[0], s->ops[1], s->ops[2], s->ops[3], s->ops[4], s->ops[5],
		      s->ops[6], s->m.bound);
	vos_close(s->vos);
	m_free(&s->m);
	tb_fini(&s->tb);
	free(s->log.tl_buf);
	free(s);
}

#endif
