/*
 * common/proto.h - the body codec of every request and reply: fields written
 * little-endian, one after the other, and read back with a bounds check on
 * every read.
 *
 * A writer (struct denc) appends into a growing buffer; a failed allocation
 * marks it failed and later appends do nothing, so an encoder checks once at
 * the end (denc_finish). A reader (struct ddec) consumes a received body; a
 * read past the end, or a length field larger than what is left, marks it
 * failed, returns zeros/empty, and ddec_finish() then says -DER_PROTO. So a
 * decoder reads every field unconditionally and checks once, and no
 * malformed body can make it read outside the buffer.
 *
 * Strings are a u32 length and the bytes, without the NUL; ddec_str() returns
 * them NUL-terminated in caller storage, refusing embedded NULs and
 * overlong strings. Byte strings (keys, values) are a u32 length and bytes;
 * ddec_bytes() returns a pointer into the body (no copy).
 */
#ifndef __DCOMMON_PROTO_H__
#define __DCOMMON_PROTO_H__

#include <gurt/common.h>

struct denc {
	uint8_t *de_buf;
	size_t   de_len;
	size_t   de_cap;
	bool     de_failed;
};

struct ddec {
	const uint8_t *dd_buf;
	size_t         dd_len;
	size_t         dd_pos;
	bool           dd_failed;
};

/* ---- writing ---- */

void denc_init(struct denc *e);
void denc_u8(struct denc *e, uint8_t v);
void denc_u16(struct denc *e, uint16_t v);
void denc_u32(struct denc *e, uint32_t v);
void denc_u64(struct denc *e, uint64_t v);
void denc_i32(struct denc *e, int32_t v);
void denc_uuid(struct denc *e, const unsigned char uuid[16]);
/* u32 length + bytes */
void denc_bytes(struct denc *e, const void *buf, size_t len);
/* u32 length + bytes of a NUL-terminated string (NULL encodes as "") */
void denc_str(struct denc *e, const char *s);
/* Raw bytes, no length. */
void denc_raw(struct denc *e, const void *buf, size_t len);
/*
 * Hand over the buffer: 0 with *buf (D_ALLOC'd, D_FREE it; NULL when empty)
 * and *len, or -DER_NOMEM (the buffer is freed). Also -DER_OVERFLOW if the
 * encoding is longer than max_len (0: no limit).
 */
int  denc_finish(struct denc *e, size_t max_len, void **buf, uint32_t *len);
/* Free without handing over. */
void denc_fini(struct denc *e);

/* ---- reading ---- */

void     ddec_init(struct ddec *d, const void *buf, size_t len);
uint8_t  ddec_u8(struct ddec *d);
uint16_t ddec_u16(struct ddec *d);
uint32_t ddec_u32(struct ddec *d);
uint64_t ddec_u64(struct ddec *d);
int32_t  ddec_i32(struct ddec *d);
void     ddec_uuid(struct ddec *d, unsigned char uuid[16]);
/* Pointer into the body and length; NULL/0 on failure. */
const void *ddec_bytes(struct ddec *d, size_t *len);
/* Copy a string of at most cap - 1 bytes into s (NUL-terminated); a longer
 * one or one with an embedded NUL fails the reader. */
void     ddec_str(struct ddec *d, char *s, size_t cap);
/* Like ddec_str, but D_ALLOC's the copy (*s = NULL on failure). */
void     ddec_strdup(struct ddec *d, char **s, size_t max_len);
/* Raw bytes, no length: a pointer to len bytes, NULL on failure. */
const void *ddec_raw(struct ddec *d, size_t len);
/* A count that must not exceed max and must leave room for at least
 * min_elem_size bytes per element: guards allocations sized by the peer. */
uint32_t ddec_count(struct ddec *d, uint32_t max, size_t min_elem_size);
/* Bytes left unread. */
size_t   ddec_left(const struct ddec *d);
/* 0 if every read was in bounds (trailing bytes allowed: newer senders may
 * append fields), -DER_PROTO otherwise. */
int      ddec_finish(const struct ddec *d);

#endif /* __DCOMMON_PROTO_H__ */
