/*
 * TEST DOUBLE: an in-memory data backend implementing struct vos_data_ops,
 * the interface the engine implements over BIO. Addresses are never reused,
 * so a read of freed space is caught. While `replaying` is set, frees are
 * ignored (the engine does the same during recovery).
 */
#ifndef __VOS_TEST_BACKEND_H__
#define __VOS_TEST_BACKEND_H__

#include <vos/vos.h>

struct tb_extent {
	uint8_t *te_buf;
	uint64_t te_len;
	bool     te_freed;
};

struct test_backend {
	struct tb_extent *tb_ext;
	uint64_t          tb_nr, tb_cap;
	uint64_t          tb_allocs, tb_frees;
	bool              tb_replaying;
	/* Run once at the next read, before its bytes are copied: what other
	 * ULTs may do while a real read waits for the device. */
	void            (*tb_read_hook)(void *arg);
	void             *tb_read_hook_arg;
};

static inline int
tb_alloc(void *arg, uint64_t len, struct vos_data_addr *addr)
{
	struct test_backend *tb = arg;

	if (tb->tb_nr == tb->tb_cap) {
		tb->tb_cap = tb->tb_cap ? tb->tb_cap * 2 : 64;
		tb->tb_ext = realloc(tb->tb_ext, tb->tb_cap * sizeof(*tb->tb_ext));
		if (tb->tb_ext == NULL)
			return -DER_NOMEM;
	}
	tb->tb_ext[tb->tb_nr].te_buf   = calloc(1, len);
	tb->tb_ext[tb->tb_nr].te_len   = len;
	tb->tb_ext[tb->tb_nr].te_freed = false;
	addr->da_off                   = tb->tb_nr++;
	addr->da_aux                   = 0x7e57;
	tb->tb_allocs++;
	return 0;
}

static inline struct tb_extent *
tb_find(struct test_backend *tb, const struct vos_data_addr *addr, uint64_t len)
{
	if (addr->da_off >= tb->tb_nr || addr->da_aux != 0x7e57)
		return NULL;
	if (tb->tb_ext[addr->da_off].te_len != len || tb->tb_ext[addr->da_off].te_freed)
		return NULL;
	return &tb->tb_ext[addr->da_off];
}

static inline int
tb_write(void *arg, const struct vos_data_addr *addr, const void *buf, uint64_t len)
{
	struct tb_extent *te = tb_find(arg, addr, len);

	if (te == NULL)
		return -DER_INVAL;
	memcpy(te->te_buf, buf, len);
	return 0;
}

static inline int
tb_read(void *arg, const struct vos_data_addr *addr, void *buf, uint64_t len)
{
	struct test_backend *tb = arg;
	struct tb_extent    *te;

	if (tb->tb_read_hook != NULL) {
		void (*hook)(void *) = tb->tb_read_hook;

		tb->tb_read_hook = NULL;
		hook(tb->tb_read_hook_arg);
	}
	te = tb_find(tb, addr, len);
	if (te == NULL)
		return -DER_IO;
	memcpy(buf, te->te_buf, len);
	return 0;
}

static inline void
tb_free(void *arg, const struct vos_data_addr *addr, uint64_t len)
{
	struct test_backend *tb = arg;
	struct tb_extent    *te;

	if (tb->tb_replaying)
		return;
	te = tb_find(tb, addr, len);
	if (te == NULL) {
		fprintf(stderr, "test backend: bad or double free of %" PRIu64 "\n", addr->da_off);
		abort();
	}
	te->te_freed = true;
	free(te->te_buf);
	te->te_buf = NULL;
	tb->tb_frees++;
}

static const struct vos_data_ops tb_ops = {
	.dop_alloc = tb_alloc,
	.dop_write = tb_write,
	.dop_read  = tb_read,
	.dop_free  = tb_free,
};

static inline void
tb_fini(struct test_backend *tb)
{
	uint64_t i;

	for (i = 0; i < tb->tb_nr; i++)
		free(tb->tb_ext[i].te_buf);
	free(tb->tb_ext);
	memset(tb, 0, sizeof(*tb));
}

/* A log that keeps every record (for replay tests). */
struct test_log {
	uint8_t *tl_buf;
	size_t   tl_len, tl_cap;
	uint64_t tl_nr;
	int      tl_fail; /* next call returns this once */
};

static inline int
tl_append(void *arg, const void *rec, size_t len)
{
	struct test_log *tl = arg;

	if (tl->tl_fail) {
		int rc = tl->tl_fail;

		tl->tl_fail = 0;
		return rc;
	}
	if (tl->tl_len + len > tl->tl_cap) {
		while (tl->tl_len + len > tl->tl_cap)
			tl->tl_cap = tl->tl_cap ? tl->tl_cap * 2 : 4096;
		tl->tl_buf = realloc(tl->tl_buf, tl->tl_cap);
		if (tl->tl_buf == NULL)
			return -DER_NOMEM;
	}
	memcpy(tl->tl_buf + tl->tl_len, rec, len);
	tl->tl_len += len;
	tl->tl_nr++;
	return 0;
}

/* Serialise a whole index into one malloc'ed buffer. */
static inline int
tb_image(struct vos *vos, uint8_t **out, size_t *out_len)
{
	struct vos_image *img;
	const void       *chunk;
	size_t            len, tot = 0;
	uint8_t          *buf = NULL;
	int               rc;

	rc = vos_image_start(vos, &img);
	if (rc != 0)
		return rc;
	while ((rc = vos_image_next(img, &chunk, &len)) == 0) {
		buf = realloc(buf, tot + len);
		memcpy(buf + tot, chunk, len);
		tot += len;
	}
	vos_image_end(img);
	*out     = buf;
	*out_len = tot;
	return rc == 1 ? 0 : rc;
}

/* Replay a log (records back to back) into vos. */
static inline int
tb_replay(struct vos *vos, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	int    rc;

	while (off < len) {
		size_t rl = vos_record_len(buf + off, len - off);

		if (rl == 0 || off + rl > len)
			return -DER_DF_INVAL;
		rc = vos_apply_record(vos, buf + off, rl);
		if (rc != 0)
			return rc;
		off += rl;
	}
	return 0;
}

#endif
