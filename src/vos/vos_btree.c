/*
 * A compact in-memory B+tree of item pointers. Inner nodes keep, per child,
 * a pointer to the smallest item below it (no key copies), so a key costs the
 * tree one pointer and an 8-byte key prefix (struct btr_ent) plus slack. Leaves start with room for one item and double
 * up to BTR_ORDER; they are halved again when they empty out.
 */
#include "vos_internal.h"

/*
 * An item and the first 8 bytes of its key as a big-endian number (the key
 * itself for 8-byte integer keys): most comparisons of a search end on the
 * prefix, without touching the item, whose cache line is a miss each time.
 */
struct btr_ent {
	void    *e_item;
	uint64_t e_pfx;
};

struct btr_leaf {
	uint16_t       l_n;
	uint16_t       l_cap;
	uint32_t       l_pad;
	struct btr_ent l_ent[];
};

struct btr_inner {
	uint32_t       i_n;
	void          *i_child[BTR_ORDER];
	struct btr_ent i_min[BTR_ORDER]; /* smallest item below each child */
};

/* Order-preserving: a smaller prefix means a smaller key (equal: look closer). */
static inline uint64_t
key_pfx(const struct btr_root *r, const void *k, uint32_t kl)
{
	const uint8_t *b = k;
	uint64_t       v = 0;
	uint32_t       i;

	if (r->br_kind == BTR_U64 && kl == 8) {
		memcpy(&v, k, 8);
		return v;
	}
	for (i = 0; i < 8; i++)
		v = v << 8 | (i < kl ? b[i] : 0);
	return v;
}

/* Prefixes order a search for k only when they were made the way k's is. */
static inline bool
pfx_usable(const struct btr_root *r, uint32_t kl)
{
	return r->br_kind != BTR_U64 || (!r->br_mixed && kl == 8);
}

/* A search key with its prefix, made once per tree operation. */
struct btr_skey {
	const void *k;
	uint32_t    kl;
	uint64_t    pfx;
	bool        usep; /* pfx orders this search (pfx_usable) */
};

static inline struct btr_skey
skey_make(const struct btr_root *r, const void *k, uint32_t kl)
{
	return (struct btr_skey){k, kl, key_pfx(r, k, kl), pfx_usable(r, kl)};
}

int
btr_cmp(const struct btr_root *r, const void *a, uint32_t alen, const void *b, uint32_t blen)
{
	int rc;

	if (r->br_kind == BTR_U64 && alen == 8 && blen == 8) {
		uint64_t x, y;

		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		return x < y ? -1 : x > y;
	}
	rc = memcmp(a, b, alen < blen ? alen : blen);
	if (rc != 0)
		return rc;
	return alen < blen ? -1 : alen > blen;
}

static int
item_cmp(const struct btr_ops *ops, const struct btr_root *r, const void *item, const void *k,
	 uint32_t kl)
{
	uint32_t    il;
	const void *ik = ops->key(item, &il);

	return btr_cmp(r, ik, il, k, kl);
}

static int
ent_cmp(const struct btr_ops *ops, const struct btr_root *r, const struct btr_ent *e,
	const struct btr_skey *sk)
{
	if (sk->usep) {
		if (e->e_pfx != sk->pfx)
			return e->e_pfx < sk->pfx ? -1 : 1;
		if (r->br_kind == BTR_U64)
			return 0; /* the prefix is the whole key */
	}
	return item_cmp(ops, r, e->e_item, sk->k, sk->kl);
}

static uint32_t
node_count(void *node, int level)
{
	return level == 0 ? ((struct btr_leaf *)node)->l_n : ((struct btr_inner *)node)->i_n;
}

static struct btr_ent
node_min(void *node, int level)
{
	return level == 0 ? ((struct btr_leaf *)node)->l_ent[0] : ((struct btr_inner *)node)->i_min[0];
}

/* First index whose item is >= k; *exact when equal. */
static int
leaf_search(const struct btr_ops *ops, const struct btr_root *r, struct btr_leaf *l,
	    const struct btr_skey *sk, bool *exact)
{
	int lo = 0, hi = l->l_n;

	*exact = false;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		int c   = ent_cmp(ops, r, &l->l_ent[mid], sk);

		if (c == 0) {
			*exact = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Last child whose minimum is <= k, or 0. */
static int
inner_search(const struct btr_ops *ops, const struct btr_root *r, struct btr_inner *in,
	     const struct btr_skey *sk)
{
	int lo = 1, hi = in->i_n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (ent_cmp(ops, r, &in->i_min[mid], sk) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

static struct btr_leaf *
leaf_alloc(uint16_t cap)
{
	struct btr_leaf *l;

	D_ALLOC(l, sizeof(*l) + cap * sizeof(struct btr_ent));
	if (l != NULL)
		l->l_cap = cap;
	return l;
}

static int
leaf_resize(struct btr_leaf **lp, uint16_t cap)
{
	struct btr_leaf *nl;

	D_REALLOC_NZ(nl, *lp, sizeof(*nl) + cap * sizeof(struct btr_ent));
	if (nl == NULL)
		return -DER_NOMEM;
	nl->l_cap = cap;
	*lp       = nl;
	return 0;
}

void *
btr_lookup(const struct btr_ops *ops, struct btr_root *r, const void *key, uint32_t klen)
{
	struct btr_skey sk;
	void           *node = r->br_node;
	int             level;
	bool            exact;
	int             i;

	if (node == NULL)
		return NULL;
	sk = skey_make(r, key, klen);
	for (level = r->br_height; level > 0; level--) {
		struct btr_inner *in = node;

		node = in->i_child[inner_search(ops, r, in, &sk)];
	}
	i = leaf_search(ops, r, node, &sk, &exact);
	return exact ? ((struct btr_leaf *)node)->l_ent[i].e_item : NULL;
}

static int
leaf_insert(const struct btr_ops *ops, struct btr_root *r, void **nodep, void *item,
	    const struct btr_skey *sk, void **splitp)
{
	struct btr_leaf *l = *nodep;
	struct btr_leaf *right;
	struct btr_ent   ent = {item, sk->pfx};
	bool             exact;
	int              pos, half, rc;

	pos = leaf_search(ops, r, l, sk, &exact);
	if (exact)
		return -DER_EXIST;
	if (l->l_n < l->l_cap || l->l_cap < BTR_ORDER) {
		if (l->l_n == l->l_cap) {
			rc = leaf_resize(&l, l->l_cap * 2 > BTR_ORDER ? BTR_ORDER : l->l_cap * 2);
			if (rc != 0)
				return rc;
			*nodep = l;
		}
		memmove(&l->l_ent[pos + 1], &l->l_ent[pos], (l->l_n - pos) * sizeof(l->l_ent[0]));
		l->l_ent[pos] = ent;
		l->l_n++;
		return 0;
	}
	right = leaf_alloc(BTR_ORDER);
	if (right == NULL)
		return -DER_NOMEM;
	half = l->l_n / 2;
	memcpy(right->l_ent, &l->l_ent[half], (l->l_n - half) * sizeof(l->l_ent[0]));
	right->l_n = l->l_n - half;
	l->l_n     = half;
	if (pos <= half) {
		memmove(&l->l_ent[pos + 1], &l->l_ent[pos], (l->l_n - pos) * sizeof(l->l_ent[0]));
		l->l_ent[pos] = ent;
		l->l_n++;
	} else {
		pos -= half;
		memmove(&right->l_ent[pos + 1], &right->l_ent[pos],
			(right->l_n - pos) * sizeof(right->l_ent[0]));
		right->l_ent[pos] = ent;
		right->l_n++;
	}
	*splitp = right;
	return 0;
}

static void
inner_put(struct btr_inner *in, int pos, void *child, struct btr_ent min)
{
	memmove(&in->i_child[pos + 1], &in->i_child[pos], (in->i_n - pos) * sizeof(void *));
	memmove(&in->i_min[pos + 1], &in->i_min[pos], (in->i_n - pos) * sizeof(in->i_min[0]));
	in->i_child[pos] = child;
	in->i_min[pos]   = min;
	in->i_n++;
}

static int
node_insert(const struct btr_ops *ops, struct btr_root *r, void **nodep, int level, void *item,
	    const struct btr_skey *sk, void **splitp)
{
	struct btr_inner *in = *nodep, *right = NULL;
	void             *split = NULL;
	int               i, rc, half;

	if (level == 0)
		return leaf_insert(ops, r, nodep, item, sk, splitp);

	/* A child's split cannot be undone: have our own sibling ready first. */
	if (in->i_n == BTR_ORDER) {
		D_ALLOC_PTR(right);
		if (right == NULL)
			return -DER_NOMEM;
	}
	i  = inner_search(ops, r, in, sk);
	rc = node_insert(ops, r, &in->i_child[i], level - 1, item, sk, &split);
	if (rc != 0 || split == NULL) {
		if (rc == 0)
			in->i_min[i] = node_min(in->i_child[i], level - 1);
		D_FREE(right);
		return rc;
	}
	in->i_min[i] = node_min(in->i_child[i], level - 1);
	if (in->i_n < BTR_ORDER) {
		inner_put(in, i + 1, split, node_min(split, level - 1));
		return 0;
	}
	half = in->i_n / 2;
	memcpy(right->i_child, &in->i_child[half], (in->i_n - half) * sizeof(void *));
	memcpy(right->i_min, &in->i_min[half], (in->i_n - half) * sizeof(in->i_min[0]));
	right->i_n = in->i_n - half;
	in->i_n    = half;
	if (i + 1 <= half)
		inner_put(in, i + 1, split, node_min(split, level - 1));
	else
		inner_put(right, i + 1 - half, split, node_min(split, level - 1));
	*splitp = right;
	return 0;
}

int
btr_insert(const struct btr_ops *ops, struct btr_root *r, void *item)
{
	struct btr_inner *root;
	struct btr_skey   sk;
	void             *split = NULL;
	const void       *k;
	uint32_t          kl;
	int               rc;

	k = ops->key(item, &kl);
	if (r->br_kind == BTR_U64 && kl != 8)
		r->br_mixed = 1; /* integer prefixes no longer order this tree */
	sk = skey_make(r, k, kl);
	if (r->br_node == NULL) {
		struct btr_leaf *l = leaf_alloc(1);

		if (l == NULL)
			return -DER_NOMEM;
		l->l_ent[0] = (struct btr_ent){item, sk.pfx};
		l->l_n       = 1;
		r->br_node   = l;
		r->br_height = 0;
		r->br_count  = 1;
		return 0;
	}
	if (r->br_height + 1 >= BTR_MAX_DEPTH)
		return -DER_NOMEM;
	/* An inner split cannot be undone, so make sure the new root is available first. */
	D_ALLOC_PTR(root);
	if (root == NULL)
		return -DER_NOMEM;
	rc = node_insert(ops, r, &r->br_node, r->br_height, item, &sk, &split);
	if (rc != 0) {
		D_FREE(root);
		return rc;
	}
	r->br_count++;
	if (split == NULL) {
		D_FREE(root);
		return 0;
	}
	root->i_child[0] = r->br_node;
	root->i_min[0]   = node_min(r->br_node, r->br_height);
	root->i_child[1] = split;
	root->i_min[1]   = node_min(split, r->br_height);
	root->i_n        = 2;
	r->br_node       = root;
	r->br_height++;
	return 0;
}

/* Merge child j+1 into child j of in (both at level), if it fits. */
static void
inner_merge(struct btr_inner *in, int j, int level)
{
	void    *a = in->i_child[j], *b = in->i_child[j + 1];
	uint32_t na = node_count(a, level), nb = node_count(b, level);

	if (na + nb > BTR_ORDER)
		return;
	if (level == 0) {
		struct btr_leaf *la = a, *lb = b;

		if (la->l_cap < na + nb && leaf_resize(&la, BTR_ORDER) != 0)
			return;
		memcpy(&la->l_ent[na], lb->l_ent, nb * sizeof(la->l_ent[0]));
		la->l_n += nb;
		in->i_child[j] = la;
		D_FREE(lb);
	} else {
		struct btr_inner *ia = a, *ib = b;

		memcpy(&ia->i_child[na], ib->i_child, nb * sizeof(void *));
		memcpy(&ia->i_min[na], ib->i_min, nb * sizeof(ia->i_min[0]));
		ia->i_n += nb;
		D_FREE(ib);
	}
	memmove(&in->i_child[j + 1], &in->i_child[j + 2], (in->i_n - j - 2) * sizeof(void *));
	memmove(&in->i_min[j + 1], &in->i_min[j + 2], (in->i_n - j - 2) * sizeof(in->i_min[0]));
	in->i_n--;
}

static void *
node_delete(const struct btr_ops *ops, struct btr_root *r, void **nodep, int level,
	    const struct btr_skey *sk)
{
	struct btr_inner *in;
	void             *item, *child;
	bool              exact;
	int               i;

	if (level == 0) {
		struct btr_leaf *l = *nodep;

		i = leaf_search(ops, r, l, sk, &exact);
		if (!exact)
			return NULL;
		item = l->l_ent[i].e_item;
		memmove(&l->l_ent[i], &l->l_ent[i + 1], (l->l_n - i - 1) * sizeof(l->l_ent[0]));
		l->l_n--;
		if (l->l_n > 0 && l->l_n * 4 <= l->l_cap && l->l_cap > 1 &&
		    leaf_resize(&l, l->l_cap / 2) == 0)
			*nodep = l;
		return item;
	}
	in   = *nodep;
	i    = inner_search(ops, r, in, sk);
	item = node_delete(ops, r, &in->i_child[i], level - 1, sk);
	if (item == NULL)
		return NULL;
	child = in->i_child[i];
	if (node_count(child, level - 1) == 0) {
		D_FREE(child);
		memmove(&in->i_child[i], &in->i_child[i + 1], (in->i_n - i - 1) * sizeof(void *));
		memmove(&in->i_min[i], &in->i_min[i + 1], (in->i_n - i - 1) * sizeof(in->i_min[0]));
		in->i_n--;
		return item;
	}
	in->i_min[i] = node_min(child, level - 1);
	if (node_count(child, level - 1) < BTR_ORDER / 4 && in->i_n > 1) {
		if (i + 1 < (int)in->i_n)
			inner_merge(in, i, level - 1);
		else
			inner_merge(in, i - 1, level - 1);
	}
	return item;
}

void *
btr_delete(const struct btr_ops *ops, struct btr_root *r, const void *key, uint32_t klen)
{
	struct btr_skey sk;
	void           *item;

	if (r->br_node == NULL)
		return NULL;
	sk   = skey_make(r, key, klen);
	item = node_delete(ops, r, &r->br_node, r->br_height, &sk);
	if (item == NULL)
		return NULL;
	r->br_count--;
	while (r->br_height > 0 && node_count(r->br_node, r->br_height) <= 1) {
		struct btr_inner *in = r->br_node;

		if (in->i_n == 0) {
			D_FREE(in);
			r->br_node   = NULL;
			r->br_height = 0;
			break;
		}
		r->br_node = in->i_child[0];
		r->br_height--;
		D_FREE(in);
	}
	if (r->br_node != NULL && r->br_height == 0 && node_count(r->br_node, 0) == 0) {
		D_FREE(r->br_node);
		r->br_node = NULL;
	}
	return item;
}

static void
node_destroy(void *node, int level, void (*fn)(void *item, void *arg), void *arg)
{
	uint32_t i;

	if (level == 0) {
		struct btr_leaf *l = node;

		for (i = 0; fn != NULL && i < l->l_n; i++)
			fn(l->l_ent[i].e_item, arg);
	} else {
		struct btr_inner *in = node;

		for (i = 0; i < in->i_n; i++)
			node_destroy(in->i_child[i], level - 1, fn, arg);
	}
	D_FREE(node);
}

void
btr_destroy(struct btr_root *r, void (*fn)(void *item, void *arg), void *arg)
{
	if (r->br_node != NULL)
		node_destroy(r->br_node, r->br_height, fn, arg);
	r->br_node   = NULL;
	r->br_count  = 0;
	r->br_height = 0;
}

/* ---- cursors ---- */

static void
cursor_descend(struct btr_cursor *c, int level, bool last)
{
	while (level > 0) {
		struct btr_inner *in = c->bc_node[level];
		int               i  = last ? (int)in->i_n - 1 : 0;

		c->bc_idx[level]      = i;
		c->bc_node[level - 1] = in->i_child[i];
		level--;
	}
	c->bc_idx[0] = last ? (int)((struct btr_leaf *)c->bc_node[0])->l_n - 1 : 0;
}

static void
cursor_init(const struct btr_ops *ops, struct btr_root *r, struct btr_cursor *c)
{
	c->bc_ops   = ops;
	c->bc_root  = r;
	c->bc_valid = r->br_node != NULL && r->br_count > 0;
	if (c->bc_valid)
		c->bc_node[r->br_height] = r->br_node;
}

void
btr_first(const struct btr_ops *ops, struct btr_root *r, struct btr_cursor *c)
{
	cursor_init(ops, r, c);
	if (c->bc_valid)
		cursor_descend(c, r->br_height, false);
}

void
btr_last(const struct btr_ops *ops, struct btr_root *r, struct btr_cursor *c)
{
	cursor_init(ops, r, c);
	if (c->bc_valid)
		cursor_descend(c, r->br_height, true);
}

void *
btr_item(const struct btr_cursor *c)
{
	if (!c->bc_valid)
		return NULL;
	return ((struct btr_leaf *)c->bc_node[0])->l_ent[c->bc_idx[0]].e_item;
}

void
btr_next(struct btr_cursor *c)
{
	int level;

	if (!c->bc_valid)
		return;
	if (c->bc_idx[0] + 1 < (int)((struct btr_leaf *)c->bc_node[0])->l_n) {
		c->bc_idx[0]++;
		return;
	}
	for (level = 1; level <= c->bc_root->br_height; level++) {
		struct btr_inner *in = c->bc_node[level];

		if (c->bc_idx[level] + 1 < (int)in->i_n) {
			c->bc_idx[level]++;
			c->bc_node[level - 1] = in->i_child[c->bc_idx[level]];
			cursor_descend(c, level - 1, false);
			return;
		}
	}
	c->bc_valid = false;
}

void
btr_prev(struct btr_cursor *c)
{
	int level;

	if (!c->bc_valid)
		return;
	if (c->bc_idx[0] > 0) {
		c->bc_idx[0]--;
		return;
	}
	for (level = 1; level <= c->bc_root->br_height; level++) {
		struct btr_inner *in = c->bc_node[level];

		if (c->bc_idx[level] > 0) {
			c->bc_idx[level]--;
			c->bc_node[level - 1] = in->i_child[c->bc_idx[level]];
			cursor_descend(c, level - 1, true);
			return;
		}
	}
	c->bc_valid = false;
}

void
btr_seek(const struct btr_ops *ops, struct btr_root *r, struct btr_cursor *c, const void *key,
	 uint32_t klen, enum btr_seek how)
{
	struct btr_skey  sk = skey_make(r, key, klen);
	struct btr_leaf *l;
	bool             exact;
	int              level, pos;

	cursor_init(ops, r, c);
	if (!c->bc_valid)
		return;
	for (level = r->br_height; level > 0; level--) {
		struct btr_inner *in = c->bc_node[level];
		int               i  = inner_search(ops, r, in, &sk);

		c->bc_idx[level]      = i;
		c->bc_node[level - 1] = in->i_child[i];
	}
	l   = c->bc_node[0];
	pos = leaf_search(ops, r, l, &sk, &exact);
	switch (how) {
	case BTR_SEEK_GE:
		break;
	case BTR_SEEK_GT:
		pos += exact;
		break;
	case BTR_SEEK_LE:
		pos = pos + exact - 1;
		break;
	case BTR_SEEK_LT:
		pos--;
		break;
	}
	if (pos >= (int)l->l_n) {
		c->bc_idx[0] = l->l_n - 1;
		btr_next(c);
	} else if (pos < 0) {
		c->bc_idx[0] = 0;
		btr_prev(c);
	} else {
		c->bc_idx[0] = pos;
	}
}

static int
node_check(const struct btr_ops *ops, struct btr_root *r, void *node, int level,
	   const void **prev, uint32_t *count)
{
	uint32_t i, kl;
	int      rc;

	if (level == 0) {
		struct btr_leaf *l = node;

		if (l->l_n == 0 || l->l_n > l->l_cap || l->l_cap > BTR_ORDER)
			return -DER_INVAL;
		for (i = 0; i < l->l_n; i++) {
			const void *k = ops->key(l->l_ent[i].e_item, &kl);

			if (*prev != NULL && item_cmp(ops, r, *prev, k, kl) >= 0)
				return -DER_INVAL;
			if (l->l_ent[i].e_pfx != key_pfx(r, k, kl))
				return -DER_INVAL;
			*prev = l->l_ent[i].e_item;
			(*count)++;
		}
		return 0;
	}
	struct btr_inner *in = node;

	if (in->i_n == 0 || in->i_n > BTR_ORDER)
		return -DER_INVAL;
	for (i = 0; i < in->i_n; i++) {
		struct btr_ent m = node_min(in->i_child[i], level - 1);

		if (in->i_min[i].e_item != m.e_item || in->i_min[i].e_pfx != m.e_pfx)
			return -DER_INVAL;
		rc = node_check(ops, r, in->i_child[i], level - 1, prev, count);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
btr_check(const struct btr_ops *ops, struct btr_root *r)
{
	const void *prev  = NULL;
	uint32_t    count = 0;
	int         rc;

	if (r->br_node == NULL)
		return r->br_count == 0 ? 0 : -DER_INVAL;
	rc = node_check(ops, r, r->br_node, r->br_height, &prev, &count);
	if (rc == 0 && count != r->br_count)
		rc = -DER_INVAL;
	return rc;
}
