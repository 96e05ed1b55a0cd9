/*
 * The body codec (proto.h): little-endian appends that fail once, reads that
 * check every bound.
 */
#include "proto.h"

/* ---- writing ---- */

void
denc_init(struct denc *e)
{
	memset(e, 0, sizeof(*e));
}

static uint8_t *
denc_room(struct denc *e, size_t n)
{
	uint8_t *p;

	if (e->de_failed)
		return NULL;
	if (e->de_len + n > e->de_cap) {
		size_t   cap = MAX(e->de_cap * 2, MAX(e->de_len + n, (size_t)256));
		uint8_t *buf;

		D_REALLOC(buf, e->de_buf, e->de_cap, cap);
		if (buf == NULL) {
			e->de_failed = true;
			return NULL;
		}
		e->de_buf = buf;
		e->de_cap = cap;
	}
	p = e->de_buf + e->de_len;
	e->de_len += n;
	return p;
}

static void
denc_le(struct denc *e, uint64_t v, int n)
{
	uint8_t *p = denc_room(e, n);
	int      i;

	if (p == NULL)
		return;
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void
denc_u8(struct denc *e, uint8_t v)
{
	denc_le(e, v, 1);
}

void
denc_u16(struct denc *e, uint16_t v)
{
	denc_le(e, v, 2);
}

void
denc_u32(struct denc *e, uint32_t v)
{
	denc_le(e, v, 4);
}

void
denc_u64(struct denc *e, uint64_t v)
{
	denc_le(e, v, 8);
}

void
denc_i32(struct denc *e, int32_t v)
{
	denc_le(e, (uint32_t)v, 4);
}

void
denc_raw(struct denc *e, const void *buf, size_t len)
{
	uint8_t *p;

	if (len == 0)
		return;
	p = denc_room(e, len);
	if (p != NULL)
		memcpy(p, buf, len);
}

void
denc_uuid(struct denc *e, const unsigned char uuid[16])
{
	denc_raw(e, uuid, 16);
}

void
denc_bytes(struct denc *e, const void *buf, size_t len)
{
	if (len > UINT32_MAX) {
		e->de_failed = true;
		return;
	}
	denc_u32(e, (uint32_t)len);
	denc_raw(e, buf, len);
}

void
denc_str(struct denc *e, const char *s)
{
	denc_bytes(e, s, s == NULL ? 0 : strlen(s));
}

int
denc_finish(struct denc *e, size_t max_len, void **buf, uint32_t *len)
{
	if (e->de_failed) {
		denc_fini(e);
		return -DER_NOMEM;
	}
	if ((max_len != 0 && e->de_len > max_len) || e->de_len > UINT32_MAX) {
		denc_fini(e);
		return -DER_OVERFLOW;
	}
	*buf = e->de_buf;
	*len = (uint32_t)e->de_len;
	memset(e, 0, sizeof(*e));
	return 0;
}

void
denc_fini(struct denc *e)
{
	D_FREE(e->de_buf);
	memset(e, 0, sizeof(*e));
}

/* ---- reading ---- */

void
ddec_init(struct ddec *d, const void *buf, size_t len)
{
	d->dd_buf    = buf;
	d->dd_len    = buf == NULL ? 0 : len;
	d->dd_pos    = 0;
	d->dd_failed = false;
}

const void *
ddec_raw(struct ddec *d, size_t len)
{
	const void *p;

	if (d->dd_failed || len > d->dd_len - d->dd_pos) {
		d->dd_failed = true;
		return NULL;
	}
	p = d->dd_buf + d->dd_pos;
	d->dd_pos += len;
	return p;
}

static uint64_t
ddec_le(struct ddec *d, int n)
{
	const uint8_t *p = ddec_raw(d, n);
	uint64_t       v = 0;
	int            i;

	if (p == NULL)
		return 0;
	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint8_t
ddec_u8(struct ddec *d)
{
	return (uint8_t)ddec_le(d, 1);
}

uint16_t
ddec_u16(struct ddec *d)
{
	return (uint16_t)ddec_le(d, 2);
}

uint32_t
ddec_u32(struct ddec *d)
{
	return (uint32_t)ddec_le(d, 4);
}

uint64_t
ddec_u64(struct ddec *d)
{
	return ddec_le(d, 8);
}

int32_t
ddec_i32(struct ddec *d)
{
	return (int32_t)(uint32_t)ddec_le(d, 4);
}

void
ddec_uuid(struct ddec *d, unsigned char uuid[16])
{
	const void *p = ddec_raw(d, 16);

	if (p != NULL)
		memcpy(uuid, p, 16);
	else
		memset(uuid, 0, 16);
}

const void *
ddec_bytes(struct ddec *d, size_t *len)
{
	uint32_t    n = ddec_u32(d);
	const void *p = ddec_raw(d, n);

	*len = p == NULL ? 0 : n;
	return p;
}

void
ddec_str(struct ddec *d, char *s, size_t cap)
{
	size_t      n;
	const char *p = ddec_bytes(d, &n);

	if (cap == 0)
		return;
	s[0] = '\0';
	if (p == NULL)
		return;
	if (n >= cap || memchr(p, '\0', n) != NULL) {
		d->dd_failed = true;
		return;
	}
	memcpy(s, p, n);
	s[n] = '\0';
}

void
ddec_strdup(struct ddec *d, char **s, size_t max_len)
{
	size_t      n;
	const char *p = ddec_bytes(d, &n);

	*s = NULL;
	if (p == NULL)
		return;
	if (n > max_len || memchr(p, '\0', n) != NULL) {
		d->dd_failed = true;
		return;
	}
	D_ALLOC(*s, n + 1);
	if (*s == NULL) {
		d->dd_failed = true;
		return;
	}
	memcpy(*s, p, n);
}

uint32_t
ddec_count(struct ddec *d, uint32_t max, size_t min_elem_size)
{
	uint32_t n = ddec_u32(d);

	if (d->dd_failed)
		return 0;
	if (n > max || (min_elem_size != 0 && (uint64_t)n * min_elem_size > ddec_left(d))) {
		d->dd_failed = true;
		return 0;
	}
	return n;
}

size_t
ddec_left(const struct ddec *d)
{
	return d->dd_failed ? 0 : d->dd_len - d->dd_pos;
}

int
ddec_finish(const struct ddec *d)
{
	return d->dd_failed ? -DER_PROTO : 0;
}
