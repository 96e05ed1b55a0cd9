/*
 * gurt/types.h - the plain data types shared by every layer: buffers (d_iov_t),
 * scatter/gather lists, ranks and rank lists.
 *
 * Layouts match DAOS's so that programs and on-wire structures built against
 * either set of headers agree.
 */
#ifndef __GURT_TYPES_H__
#define __GURT_TYPES_H__

#include <uuid/uuid.h>
#include <unistd.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include <time.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <pthread.h>
#include <byteswap.h>

#if defined(__cplusplus)
extern "C" {
#else
/* True when var is a uuid in one of its usual C spellings. */
#define d_is_uuid(var)                                                                             \
	(__builtin_types_compatible_p(__typeof__(var), uuid_t) ||                                  \
	 __builtin_types_compatible_p(__typeof__(var), unsigned char *) ||                         \
	 __builtin_types_compatible_p(__typeof__(var), const unsigned char *) ||                   \
	 __builtin_types_compatible_p(__typeof__(var), const uuid_t))
/* True when var is a C string in one of its usual spellings. */
#define d_is_string(var)                                                                           \
	(__builtin_types_compatible_p(__typeof__(var), char *) ||                                  \
	 __builtin_types_compatible_p(__typeof__(var), const char *) ||                            \
	 __builtin_types_compatible_p(__typeof__(var), const char[]) ||                            \
	 __builtin_types_compatible_p(__typeof__(var), char[]))
#endif

#if defined(__has_warning)
#define D_HAS_WARNING(gcc_version, warning) __has_warning(warning)
#else
#define D_HAS_WARNING(gcc_version, warning) ((gcc_version) <= __GNUC__)
#endif

/* uuid_t is an array; wrapping it in a struct lets it be assigned and passed by value. */
struct d_uuid {
	uuid_t uuid;
};

/* A memory buffer: iov_buf_len bytes allocated, the first iov_len of them meaningful. */
typedef struct {
	void  *iov_buf;
	size_t iov_buf_len;
	size_t iov_len;
} d_iov_t;

/* A server (engine) in the system. */
typedef uint32_t d_rank_t;

typedef struct {
	d_rank_t *rl_ranks;
	uint32_t  rl_nr;
} d_rank_list_t;

typedef d_rank_list_t *d_rank_list_ptr_t;

/* Inclusive range of ranks [lo, hi]. */
typedef struct {
	d_rank_t lo;
	d_rank_t hi;
} d_rank_range_t;

typedef struct {
	d_rank_range_t *rrl_ranges;
	uint32_t        rrl_nr;
} d_rank_range_list_t;

typedef char       *d_string_t;
typedef const char *d_const_string_t;

/*
 * Scatter/gather list. sg_nr iovs are given; after a read, sg_nr_out tells how
 * many of them were filled.
 */
typedef struct {
	uint32_t sg_nr;
	uint32_t sg_nr_out;
	d_iov_t *sg_iovs;
} d_sg_list_t;

/* A growable C string written with d_write_string_buffer(). */
struct d_string_buffer_t {
	int    status;   /* 0, or the first -DER_* error met while appending */
	size_t str_size; /* length of the string, without its NUL */
	size_t buf_size; /* bytes allocated for str */
	char  *str;
};

static inline void
d_iov_set(d_iov_t *iov, void *buf, size_t size)
{
	iov->iov_buf = buf;
	iov->iov_len = iov->iov_buf_len = size;
}

#if defined(__cplusplus)
}
#endif

#endif /* __GURT_TYPES_H__ */
