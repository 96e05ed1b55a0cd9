/*
 * gurt/common.h - what every module and every DAOS program gets from libgurt:
 * allocation macros that log, set NULL on failure and obey fault injection;
 * rank lists; scatter/gather helpers; environment readers; errno mapping;
 * time helpers and the hybrid logical clock.
 *
 * Rules that hold throughout:
 * - Functions return 0 or a negative DER_* code (daos_errno.h).
 * - D_ALLOC* leave the pointer NULL on failure and never abort; the caller
 *   turns that into -DER_NOMEM. Memory from D_ALLOC* is freed with D_FREE,
 *   which also sets the pointer to NULL.
 * - Allocation failure can be injected through fault id 0 (d_fault_attr_mem),
 *   so every caller's out-of-memory path can be tested.
 */
#ifndef __GURT_COMMON_H__
#define __GURT_COMMON_H__

#include <uuid/uuid.h>
#include <unistd.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include <time.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <pthread.h>
#include <byteswap.h>

#include <daos_errno.h>

/*
 * Programs that test under valgrind include its headers themselves; we only
 * need the no-op forms so that DAOS code using them compiles.
 */
#ifndef D_ON_VALGRIND
#define D_ON_VALGRIND 0
#endif
#ifndef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MAKE_MEM_DEFINED(addr, len) do { (void)(addr); (void)(len); } while (0)
#define VALGRIND_DISABLE_ADDR_ERROR_REPORTING_IN_RANGE(addr, len)                                  \
	do { (void)(addr); (void)(len); } while (0)
#define VALGRIND_ENABLE_ADDR_ERROR_REPORTING_IN_RANGE(addr, len)                                   \
	do { (void)(addr); (void)(len); } while (0)
#endif

#include <gurt/types.h>
#include <gurt/debug.h>
#include <gurt/fault_inject.h>

#if defined(__cplusplus)
extern "C" {
#endif

#ifndef likely
#define likely(x)   __builtin_expect((uintptr_t)(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect((uintptr_t)(x), 0)
#endif

#define D_BIT_IS_SET(val, bit) (((val) & bit) ? 1 : 0)

/* ---- random numbers (per-process, seeded with d_srand) ---- */

#define D_RAND_MAX 0x7fffffff

void     d_srand(long int seed);
long int d_rand(void);   /* in [0, D_RAND_MAX] */
double   d_randd(void);  /* in [0, 1) */

/* ---- memory ---- */

#define _dalloc_ __attribute__((malloc))

void  d_free(void *ptr);
void *d_calloc(size_t nmemb, size_t size) _dalloc_ __attribute__((alloc_size(1, 2)));
void *d_malloc(size_t size) _dalloc_ __attribute__((alloc_size(1)));
void *d_realloc(void *ptr, size_t size) __attribute__((alloc_size(2)));
char *d_strndup(const char *s, size_t n) _dalloc_;
int   d_asprintf(char **strp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like asprintf, but returns the string (or NULL) and puts the length or -1 in *rc. */
char *d_asprintf2(int *rc, const char *fmt, ...) _dalloc_ __attribute__((format(printf, 2, 3)));
void *d_aligned_alloc(size_t alignment, size_t size, bool zero) _dalloc_
	__attribute__((alloc_size(2)));
char *d_realpath(const char *path, char *resolved_path) _dalloc_;

/*
 * After an allocation: inject a failure if fault 0 says so, log success at
 * DB_MEM or failure at error level. name/cname are the stringified
 * arguments, so the log says which variable failed.
 */
#define D_CHECK_ALLOC(func, cond, ptr, name, size, count, cname, on_error)                         \
	do {                                                                                       \
		if (D_SHOULD_FAIL(d_fault_attr_mem)) {                                             \
			d_free(ptr);                                                               \
			(ptr) = NULL;                                                              \
		}                                                                                  \
		if ((cond) && (ptr) != NULL) {                                                     \
			D_DEBUG(DB_MEM, "alloc(" #func ") '%s': %zu * '%s': %zu at %p\n", name,   \
				(size_t)(size), cname, (size_t)(count), (void *)(ptr));            \
			break;                                                                     \
		}                                                                                  \
		(void)(on_error);                                                                  \
		D_ERROR("out of memory (" #func " '%s': %zu * %zu)\n", name, (size_t)(size),       \
			(size_t)((count) ? (count) : 1));                                          \
	} while (0)

#define D_ALLOC_CORE(ptr, size, count)                                                             \
	do {                                                                                       \
		(ptr) = (__typeof__(ptr))d_calloc((count), (size));                                \
		D_CHECK_ALLOC(calloc, true, ptr, #ptr, size, count, #count, 0);                    \
	} while (0)

#define D_ALLOC_CORE_NZ(ptr, size, count)                                                          \
	do {                                                                                       \
		(ptr) = (__typeof__(ptr))d_malloc((count) * (size));                               \
		D_CHECK_ALLOC(malloc, true, ptr, #ptr, size, count, #count, 0);                    \
	} while (0)

#define D_STRNDUP(ptr, s, n)                                                                       \
	do {                                                                                       \
		(ptr) = d_strndup(s, n);                                                           \
		D_CHECK_ALLOC(strndup, true, ptr, #ptr, strnlen(s, n) + 1, 0, #ptr, 0);            \
	} while (0)

/* Only for string literals: sizeof gives their length; a char * would give 8. */
#define D_STRNDUP_S(ptr, s)                                                                        \
	do {                                                                                       \
		_Static_assert(sizeof(s) != sizeof(void *) ||                                      \
				   __builtin_types_compatible_p(__typeof__(s),                     \
								__typeof__("1234567")),            \
			       "D_STRNDUP_S needs a string literal");                              \
		(ptr) = d_strndup(s, sizeof(s));                                                   \
		D_CHECK_ALLOC(strndup, true, ptr, #ptr, sizeof(s), 0, #ptr, 0);                    \
	} while (0)

#define D_ASPRINTF(ptr, ...)                                                                       \
	do {                                                                                       \
		int _len;                                                                          \
		(ptr) = d_asprintf2(&_len, __VA_ARGS__);                                           \
		D_CHECK_ALLOC(asprintf, (ptr) != NULL, ptr, #ptr, _len + 1, 0, #ptr, (ptr) = NULL); \
	} while (0)

/* On failure errno is realpath's own, or ENOMEM when the failure was injected. */
#define D_REALPATH(ptr, path)                                                                      \
	do {                                                                                       \
		(ptr) = d_realpath((path), NULL);                                                  \
		if ((ptr) != NULL) {                                                               \
			size_t _rp_size = strlen(ptr) + 1;                                         \
			D_CHECK_ALLOC(realpath, true, ptr, #ptr, _rp_size, 0, #ptr, 0);            \
			if ((ptr) == NULL)                                                         \
				errno = ENOMEM;                                                    \
		}                                                                                  \
	} while (0)

#define D_ALIGNED_ALLOC(ptr, alignment, size)                                                      \
	do {                                                                                       \
		(ptr) = (__typeof__(ptr))d_aligned_alloc(alignment, size, true);                   \
		D_CHECK_ALLOC(aligned_alloc, true, ptr, #ptr, size, 0, #ptr, 0);                   \
	} while (0)

#define D_ALIGNED_ALLOC_NZ(ptr, alignment, size)                                                   \
	do {                                                                                       \
		(ptr) = (__typeof__(ptr))d_aligned_alloc(alignment, size, false);                  \
		D_CHECK_ALLOC(aligned_alloc, true, ptr, #ptr, size, 0, #ptr, 0);                   \
	} while (0)

/*
 * Resize oldptr into newptr (two distinct variables, so success and failure
 * can be told apart). On success oldptr becomes NULL and bytes past oldsize
 * are zeroed; on failure oldptr is untouched and newptr is NULL. A size of
 * zero allocates one byte, so a NULL result always means failure.
 */
#define D_REALLOC_COMMON(newptr, oldptr, oldsize, size, cnt)                                       \
	do {                                                                                       \
		size_t              _sz    = (size_t)(size) * (size_t)(cnt);                       \
		size_t              _oldsz = (size_t)(oldsize);                                    \
		__typeof__(newptr)  _optr  = (oldptr);                                             \
		D_ASSERT((void *)&(newptr) != (void *)&(oldptr));                                  \
		if (_sz == 0)                                                                      \
			_sz = 1;                                                                   \
		if (D_SHOULD_FAIL(d_fault_attr_mem))                                               \
			(newptr) = NULL;                                                           \
		else                                                                               \
			(newptr) = (__typeof__(newptr))d_realloc(_optr, _sz);                      \
		if ((newptr) == NULL) {                                                            \
			D_ERROR("out of memory (realloc '" #newptr "': %zu)\n", _sz);              \
			break;                                                                     \
		}                                                                                  \
		D_DEBUG(DB_MEM, "realloc '" #newptr "': %zu at %p\n", _sz, (void *)(newptr));      \
		(oldptr) = NULL;                                                                   \
		if (_oldsz < _sz)                                                                  \
			memset((char *)(newptr) + _oldsz, 0, _sz - _oldsz);                        \
	} while (0)

#define D_REALLOC(newptr, oldptr, oldsize, size) D_REALLOC_COMMON(newptr, oldptr, oldsize, size, 1)
#define D_REALLOC_ARRAY(newptr, oldptr, oldcount, count)                                           \
	D_REALLOC_COMMON(newptr, oldptr, (oldcount) * sizeof(*(oldptr)), sizeof(*(oldptr)), count)
/* _NZ: nothing is zeroed; _Z: the whole new allocation is zeroed. */
#define D_REALLOC_NZ(newptr, oldptr, size) D_REALLOC_COMMON(newptr, oldptr, size, size, 1)
#define D_REALLOC_ARRAY_NZ(newptr, oldptr, count)                                                  \
	D_REALLOC_COMMON(newptr, oldptr, (count) * sizeof(*(oldptr)), sizeof(*(oldptr)), count)
#define D_REALLOC_Z(newptr, oldptr, size) D_REALLOC_COMMON(newptr, oldptr, 0, size, 1)
#define D_REALLOC_ARRAY_Z(newptr, oldptr, count)                                                   \
	D_REALLOC_COMMON(newptr, oldptr, 0, sizeof(*(oldptr)), count)

#define D_FREE(ptr)                                                                                \
	do {                                                                                       \
		if ((ptr) != NULL) {                                                               \
			D_DEBUG(DB_MEM, "free '" #ptr "' at %p\n", (void *)(ptr));                 \
			d_free(ptr);                                                               \
			(ptr) = NULL;                                                              \
		}                                                                                  \
	} while (0)

#define D_ALLOC(ptr, size)           D_ALLOC_CORE(ptr, size, 1)
#define D_ALLOC_PTR(ptr)             D_ALLOC(ptr, sizeof(*ptr))
#define D_ALLOC_ARRAY(ptr, count)    D_ALLOC_CORE(ptr, sizeof(*ptr), count)
#define D_ALLOC_NZ(ptr, size)        D_ALLOC_CORE_NZ(ptr, size, 1)
#define D_ALLOC_PTR_NZ(ptr)          D_ALLOC_NZ(ptr, sizeof(*ptr))
#define D_ALLOC_ARRAY_NZ(ptr, count) D_ALLOC_CORE_NZ(ptr, sizeof(*ptr), count)

/* Counts bytes allocated and freed through d_* (used by memory accounting). */
typedef void (*d_alloc_track_cb_t)(void *arg, size_t size);
void d_set_alloc_track_cb(d_alloc_track_cb_t alloc_cb, d_alloc_track_cb_t free_cb, void *arg);

#define D_GOTO(label, rc)                                                                          \
	do {                                                                                       \
		__typeof__(rc) __rc = (rc);                                                        \
		(void)(__rc);                                                                      \
		goto label;                                                                        \
	} while (0)

/* fprintf that logs and returns -DER_IO when the stream fails. */
#define D_FPRINTF(...)                                                                             \
	({                                                                                         \
		int _rc = 0;                                                                       \
		if (fprintf(__VA_ARGS__) < 0) {                                                    \
			D_ERROR("failed to print to stream\n");                                    \
			_rc = -DER_IO;                                                             \
		}                                                                                  \
		_rc;                                                                               \
	})

/* ---- locks: a failing lock call is a bug, so it asserts; the result is a DER code ---- */

#define __D_PTHREAD(fn, x)                                                                         \
	({                                                                                         \
		int _rc = fn(x);                                                                   \
		D_ASSERTF(_rc == 0, #fn "(%p) rc=%d %s\n", (void *)(x), _rc, strerror(_rc));       \
		d_errno2der(_rc);                                                                  \
	})

#define __D_PTHREAD_TRYLOCK(fn, x)                                                                 \
	({                                                                                         \
		int _rc = fn(x);                                                                   \
		D_ASSERTF(_rc == 0 || _rc == EBUSY, #fn " rc=%d %s\n", _rc, strerror(_rc));        \
		d_errno2der(_rc);                                                                  \
	})

#define __D_PTHREAD_INIT(fn, x, y)                                                                 \
	({                                                                                         \
		int _rc = fn(x, y);                                                                \
		if (_rc != 0) {                                                                    \
			D_ASSERT(_rc != EINVAL);                                                   \
			D_ERROR(#fn " failed: rc=%d\n", _rc);                                      \
		}                                                                                  \
		d_errno2der(_rc);                                                                  \
	})

#define D_SPIN_LOCK(x)        __D_PTHREAD(pthread_spin_lock, x)
#define D_SPIN_UNLOCK(x)      __D_PTHREAD(pthread_spin_unlock, x)
#define D_MUTEX_LOCK(x)       __D_PTHREAD(pthread_mutex_lock, x)
#define D_MUTEX_TRYLOCK(x)    __D_PTHREAD_TRYLOCK(pthread_mutex_trylock, x)
#define D_MUTEX_UNLOCK(x)     __D_PTHREAD(pthread_mutex_unlock, x)
#define D_RWLOCK_RDLOCK(x)    __D_PTHREAD(pthread_rwlock_rdlock, x)
#define D_RWLOCK_WRLOCK(x)    __D_PTHREAD(pthread_rwlock_wrlock, x)
#define D_RWLOCK_TRYWRLOCK(x) __D_PTHREAD_TRYLOCK(pthread_rwlock_trywrlock, x)
#define D_RWLOCK_UNLOCK(x)    __D_PTHREAD(pthread_rwlock_unlock, x)
#define D_MUTEX_DESTROY(x)    __D_PTHREAD(pthread_mutex_destroy, x)
#define D_SPIN_DESTROY(x)     __D_PTHREAD(pthread_spin_destroy, x)
#define D_RWLOCK_DESTROY(x)   __D_PTHREAD(pthread_rwlock_destroy, x)
#define D_COND_DESTROY(x)     __D_PTHREAD(pthread_cond_destroy, x)
#define D_MUTEX_INIT(x, y)    __D_PTHREAD_INIT(pthread_mutex_init, x, y)
#define D_SPIN_INIT(x, y)     __D_PTHREAD_INIT(pthread_spin_init, x, y)
#define D_RWLOCK_INIT(x, y)   __D_PTHREAD_INIT(pthread_rwlock_init, x, y)
#define D_COND_INIT(x, y)     __D_PTHREAD_INIT(pthread_cond_init, x, y)

/* ---- hashing ---- */

#define DGOLDEN_RATIO_PRIME_64 0xcbf29ce484222325ULL
#define DGOLDEN_RATIO_PRIME_32 0x9e370001UL

/* Top `bits` bits of a multiplicative hash: a bucket index for 2^bits buckets. */
static inline uint64_t
d_u64_hash(uint64_t val, unsigned int bits)
{
	return (val * DGOLDEN_RATIO_PRIME_64) >> (64 - bits);
}

static inline uint32_t
d_u32_hash(uint64_t key, unsigned int bits)
{
	/* Multiply in 32 bits so the result really has at most `bits` bits. */
	return (uint32_t)(DGOLDEN_RATIO_PRIME_32 * (uint32_t)key) >> (32 - bits);
}

uint64_t d_hash_mix64(uint64_t key);
uint32_t d_hash_mix96(uint32_t a, uint32_t b, uint32_t c);
/* Index of the last of nhashes sorted hashes that is <= value (0 when value is below all). */
unsigned int d_hash_srch_u64(uint64_t *hashes, unsigned int nhashes, uint64_t value);
/* djb2 over len bytes. */
uint32_t d_hash_string_u32(const char *string, unsigned int len);
/* MurmurHash64A. */
uint64_t d_hash_murmur64(const unsigned char *key, unsigned int key_len, unsigned int seed);
/* Jump consistent hash: a bucket in [0, num_buckets) that moves rarely as buckets are added. */
uint32_t d_hash_jump(uint64_t key, uint32_t num_buckets);

#define LOWEST_BIT_SET(x) ((x) & ~((x) - 1))

/* log2 of val rounded up: the number of bits a table of val entries needs. */
static inline unsigned int
d_power2_nbits(unsigned int val)
{
	unsigned int shift;

	for (shift = 1; (val >> shift) != 0; shift++)
		;
	return val == LOWEST_BIT_SET(val) ? shift - 1 : shift;
}

/* ---- rank lists ---- */

d_rank_list_t *d_rank_list_alloc(uint32_t size);
void           d_rank_list_free(d_rank_list_t *rank_list);
int            d_rank_list_dup(d_rank_list_t **dst, const d_rank_list_t *src);
int            d_rank_list_dup_sort_uniq(d_rank_list_t **dst, const d_rank_list_t *src);
/* Keep (exclude=false) or drop (exclude=true) the ranks of dst_set that are in src_set. */
void d_rank_list_filter(d_rank_list_t *src_set, d_rank_list_t *dst_set, bool exclude);
/* Append to src_set the ranks of merge_set it lacks. */
int  d_rank_list_merge(d_rank_list_t *src_set, d_rank_list_t *merge_set);
int  d_rank_list_resize(d_rank_list_t *ptr, uint32_t size);
int  d_rank_list_copy(d_rank_list_t *dst, d_rank_list_t *src);
void d_rank_list_shuffle(d_rank_list_t *rank_list);
void d_rank_list_sort(d_rank_list_t *rank_list);
/* On a sorted list. */
bool d_rank_list_bsearch(d_rank_list_t *rank_list, d_rank_t rank, int *idx);
bool d_rank_list_find(d_rank_list_t *rank_list, d_rank_t rank, int *idx);
void d_rank_list_del_at(d_rank_list_t *list, int idx);
int  d_rank_list_del(d_rank_list_t *rank_list, d_rank_t rank);
/* Same ranks in the same order. */
bool d_rank_list_identical(d_rank_list_t *rank_list1, d_rank_list_t *rank_list2);
bool d_rank_in_rank_list(d_rank_list_t *rank_list, d_rank_t rank);
int  d_idx_in_rank_list(d_rank_list_t *rank_list, d_rank_t rank, uint32_t *idx);
int  d_rank_list_append(d_rank_list_t *rank_list, d_rank_t rank);
int  d_rank_list_dump(d_rank_list_t *rank_list, d_string_t name, int name_len);
d_rank_list_t *uint32_array_to_rank_list(uint32_t *ints, size_t len);
int  rank_list_to_uint32_array(d_rank_list_t *rl, uint32_t **ints, size_t *len);
/* "[0-3,7]": ranges of consecutive ranks. The caller frees *rank_str with D_FREE. */
int  d_rank_list_to_str(d_rank_list_t *rank_list, char **rank_str);
d_rank_range_list_t *d_rank_range_list_alloc(uint32_t size);
d_rank_range_list_t *d_rank_range_list_realloc(d_rank_range_list_t *range_list, uint32_t size);
d_rank_range_list_t *d_rank_range_list_create_from_ranks(d_rank_list_t *rank_list);
int  d_rank_range_list_str(d_rank_range_list_t *list, char **ranks_str);
void d_rank_range_list_free(d_rank_range_list_t *range_list);

/* ---- scatter/gather lists ---- */

static inline int
d_sgl_init(d_sg_list_t *sgl, unsigned int nr)
{
	sgl->sg_nr_out = 0;
	sgl->sg_nr     = nr;
	sgl->sg_iovs   = NULL;
	if (nr == 0)
		return 0;
	D_ALLOC_ARRAY(sgl->sg_iovs, nr);
	return sgl->sg_iovs == NULL ? -DER_NOMEM : 0;
}

/* free_iovs: also free every iov's buffer (the sgl owned them). */
static inline void
d_sgl_fini(d_sg_list_t *sgl, bool free_iovs)
{
	uint32_t i;

	if (sgl == NULL || sgl->sg_iovs == NULL)
		return;
	if (free_iovs)
		for (i = 0; i < sgl->sg_nr; i++)
			D_FREE(sgl->sg_iovs[i].iov_buf);
	D_FREE(sgl->sg_iovs);
	sgl->sg_nr_out = 0;
	sgl->sg_nr     = 0;
}

/* Sum of the iovs' buffer sizes. */
static inline size_t __attribute__((nonnull))
d_sgl_buf_size(d_sg_list_t *sgl)
{
	size_t   size = 0;
	uint32_t i;

	if (sgl->sg_iovs == NULL)
		return 0;
	for (i = 0; i < sgl->sg_nr; i++)
		size += sgl->sg_iovs[i].iov_buf_len;
	return size;
}

/* Copy src's buffers into dst's, iov by iov; dst must have as many iovs, each as large. */
static inline void
d_sgl_buf_copy(d_sg_list_t *dst_sgl, d_sg_list_t *src_sgl)
{
	uint32_t i;

	D_ASSERT(dst_sgl->sg_nr >= src_sgl->sg_nr);
	for (i = 0; i < src_sgl->sg_nr; i++) {
		d_iov_t *d = &dst_sgl->sg_iovs[i];
		d_iov_t *s = &src_sgl->sg_iovs[i];

		D_ASSERT(d->iov_buf_len >= s->iov_buf_len);
		memcpy(d->iov_buf, s->iov_buf, s->iov_buf_len);
		d->iov_len     = s->iov_len;
		d->iov_buf_len = s->iov_buf_len;
	}
}

/* ---- environment ---- */

bool d_isenv_def(char *name);
/* Copy the value into str_val (at most str_size bytes with the NUL): -DER_NONEXIST
 * when unset, -DER_TRUNC when it does not fit (the truncated value is still copied). */
int  d_getenv_str(char *str_val, size_t str_size, const char *name);
/* Allocated copy of the value, freed with d_freeenv_str(). */
int  d_agetenv_str(char **str_val, const char *name);
void d_freeenv_str(char **str_val);
/* An integer is true when non-zero; any other non-empty text is true. */
int  d_getenv_bool(const char *name, bool *bool_val);
int  d_getenv_char(const char *name, char *char_val);
int  d_getenv_int(const char *name, unsigned int *uint_val)
	__attribute__((deprecated("use d_getenv_uint")));
int  d_getenv_uint(const char *name, unsigned int *uint_val);
int  d_getenv_uint32_t(const char *name, uint32_t *uint32_val);
int  d_getenv_uint64_t(const char *name, uint64_t *uint64_val);
/* Thread-safe wrappers around the libc calls (libc's are not safe against each other). */
int  d_putenv(char *name);
int  d_setenv(const char *name, const char *value, int overwrite);
int  d_unsetenv(const char *name);
int  d_clearenv(void);

int  d_write_string_buffer(struct d_string_buffer_t *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void d_free_string(struct d_string_buffer_t *buf);

/* ---- small helpers ---- */

#if !defined(container_of)
/* The structure of type `type` whose member `member` is at ptr. */
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#define D_ALIGNUP(x, a) (((x) + ((a) - 1)) & ~((a) - 1))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif
#ifndef MIN
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifndef min
#define min(x, y) ((x) < (y) ? (x) : (y))
#endif
#ifndef max
#define max(x, y) ((x) > (y) ? (x) : (y))
#endif
#ifndef min_t
#define min_t(type, x, y) ({ type __x = (x); type __y = (y); __x < __y ? __x : __y; })
#endif
#ifndef max_t
#define max_t(type, x, y) ({ type __x = (x); type __y = (y); __x > __y ? __x : __y; })
#endif

#define D_SWAP16(x)  bswap_16(x)
#define D_SWAP32(x)  bswap_32(x)
#define D_SWAP64(x)  bswap_64(x)
#define D_SWAP16S(x) do { *(x) = D_SWAP16(*(x)); } while (0)
#define D_SWAP32S(x) do { *(x) = D_SWAP32(*(x)); } while (0)
#define D_SWAP64S(x) do { *(x) = D_SWAP64(*(x)); } while (0)

/*
 * A system errno as a DER code (negative). The mapping is DAOS's: errors
 * without a close DER equivalent become -DER_MISC.
 */
static inline int
d_errno2der(int err)
{
	switch (err) {
	case 0:
		return 0;
	case EPERM:
	case EACCES:
		return -DER_NO_PERM;
	case ENOMEM:
		return -DER_NOMEM;
	case EDQUOT:
	case ENOSPC:
		return -DER_NOSPACE;
	case EEXIST:
		return -DER_EXIST;
	case ENOENT:
		return -DER_NONEXIST;
	case ECANCELED:
		return -DER_CANCELED;
	case EBUSY:
		return -DER_BUSY;
	default:
		return -DER_MISC;
	}
}

/*
 * A DER code (either sign) as a positive errno, for the POSIX layers (dfs,
 * dfuse) that must hand errno values to their callers. Unknown codes give EIO.
 */
int d_der2errno(int rc);

/* ---- time ---- */

#ifndef NSEC_PER_SEC
#define NSEC_PER_SEC 1000000000
#endif
#ifndef NSEC_PER_MSEC
#define NSEC_PER_MSEC 1000000
#endif
#ifndef NSEC_PER_USEC
#define NSEC_PER_USEC 1000
#endif

/* Monotonic time (never jumps with the wall clock). */
static inline int
d_gettime(struct timespec *t)
{
	return clock_gettime(CLOCK_MONOTONIC, t) == 0 ? 0 : d_errno2der(errno);
}

/* Cheaper, millisecond-grained monotonic time for timeouts. */
static inline int
d_gettime_coarse(struct timespec *t)
{
	return clock_gettime(CLOCK_MONOTONIC_COARSE, t) == 0 ? 0 : d_errno2der(errno);
}

/* t2 - t1 in nanoseconds. */
static inline int64_t
d_timediff_ns(const struct timespec *t1, const struct timespec *t2)
{
	return ((int64_t)t2->tv_sec - (int64_t)t1->tv_sec) * NSEC_PER_SEC +
	       ((int64_t)t2->tv_nsec - (int64_t)t1->tv_nsec);
}

/* t2 - t1 as a timespec (t2 must not be before t1). */
static inline struct timespec
d_timediff(const struct timespec *t1, const struct timespec *t2)
{
	struct timespec d;

	d.tv_sec  = t2->tv_sec - t1->tv_sec;
	d.tv_nsec = t2->tv_nsec - t1->tv_nsec;
	if (d.tv_nsec < 0) {
		d.tv_sec--;
		d.tv_nsec += NSEC_PER_SEC;
	}
	return d;
}

static inline bool
d_timenull(const struct timespec *t)
{
	return t->tv_sec == 0 && t->tv_nsec == 0;
}

static inline bool
d_timeless(const struct timespec *t1, const struct timespec *t2)
{
	return t1->tv_sec < t2->tv_sec || (t1->tv_sec == t2->tv_sec && t1->tv_nsec < t2->tv_nsec);
}

/* Nanoseconds until expiration (monotonic clock); 0 once it has passed. */
static inline int64_t
d_timeleft_ns(const struct timespec *expiration)
{
	struct timespec now;
	int64_t         left;

	d_gettime(&now);
	left = d_timediff_ns(&now, expiration);
	return left > 0 ? left : 0;
}

/* Time since start. */
static inline struct timespec
d_time_elapsed(const struct timespec start)
{
	struct timespec now;

	d_gettime(&now);
	return d_timediff(&start, &now);
}

/* Now (monotonic) in nanoseconds: for intervals and deadlines. */
static inline uint64_t
d_gettime_ns(void)
{
	struct timespec now;

	d_gettime(&now);
	return (uint64_t)now.tv_sec * NSEC_PER_SEC + (uint64_t)now.tv_nsec;
}

/* Now (monotonic, in microseconds) plus sec_diff seconds. */
static inline uint64_t
d_timeus_secdiff(unsigned int sec_diff)
{
	struct timespec now;

	d_gettime(&now);
	return (uint64_t)(now.tv_sec + sec_diff) * 1000000 + (uint64_t)now.tv_nsec / 1000;
}

static inline void
d_timeinc(struct timespec *now, uint64_t ns)
{
	uint64_t nsec = (uint64_t)now->tv_nsec + ns;

	now->tv_sec += nsec / NSEC_PER_SEC;
	now->tv_nsec = nsec % NSEC_PER_SEC;
}

static inline void
d_timeinc_ms(struct timespec *now, unsigned int ms)
{
	d_timeinc(now, (uint64_t)ms * NSEC_PER_MSEC);
}

static inline struct timespec
d_time_ms(unsigned int ms)
{
	struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * NSEC_PER_MSEC};

	return t;
}

static inline double
d_time2ms(struct timespec t)
{
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static inline double
d_time2us(struct timespec t)
{
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static inline double
d_time2s(struct timespec t)
{
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Back-off sequence for retries: nzeros zeros first, then next, next*factor,
 * ... capped at max.
 */
struct d_backoff_seq {
	uint8_t  bos_flags;
	uint8_t  bos_nzeros;
	uint16_t bos_factor;
	uint32_t bos_max;
	uint32_t bos_next;
};

int      d_backoff_seq_init(struct d_backoff_seq *seq, uint8_t nzeros, uint16_t factor,
			    uint32_t next, uint32_t max);
void     d_backoff_seq_fini(struct d_backoff_seq *seq);
uint32_t d_backoff_seq_next(struct d_backoff_seq *seq);

static inline bool
is_on_stack(void *ptr)
{
	int local_var;

	return (uintptr_t)&local_var < (uintptr_t)ptr &&
	       (uintptr_t)&local_var + 100 > (uintptr_t)ptr;
}

/* d_iov_set() that refuses a buffer on the caller's stack (it would dangle). */
static inline void
d_iov_set_safe(d_iov_t *iov, void *buf, size_t size)
{
	D_ASSERTF(!is_on_stack(buf), "buf (%p) is on the stack\n", buf);
	d_iov_set(iov, buf, size);
}

/* Standard deviation of nr values. */
double d_stand_div(double *array, int nr);

/* ---- hybrid logical clock ----
 *
 * An HLC timestamp is 64 bits: physical nanoseconds since the HLC epoch with
 * the low bits replaced by a logical counter. d_hlc_get() never returns the
 * same or a smaller value twice in a process, whatever the wall clock does.
 */
uint64_t d_hlc_get(void);
/* Merge a timestamp received in a message: our clock moves past msg.
 * -DER_HLC_SYNC when msg is ahead of our physical clock by more than epsilon. */
int      d_hlc_get_msg(uint64_t msg, uint64_t *hlc_out, uint64_t *offset);
uint64_t d_hlc2nsec(uint64_t hlc);
static inline uint64_t
d_hlc2usec(uint64_t hlc)
{
	return d_hlc2nsec(hlc) / 1000;
}
static inline uint64_t
d_hlc2msec(uint64_t hlc)
{
	return d_hlc2nsec(hlc) / (1000 * 1000);
}
static inline uint64_t
d_hlc2sec(uint64_t hlc)
{
	return d_hlc2nsec(hlc) / (1000 * 1000 * 1000);
}
uint64_t d_nsec2hlc(uint64_t nsec);
static inline uint64_t
d_usec2hlc(uint64_t usec)
{
	return d_nsec2hlc(usec * 1000);
}
static inline uint64_t
d_msec2hlc(uint64_t msec)
{
	return d_nsec2hlc(msec * 1000 * 1000);
}
static inline uint64_t
d_sec2hlc(uint64_t sec)
{
	return d_nsec2hlc(sec * 1000 * 1000 * 1000);
}
uint64_t d_hlc2unixnsec(uint64_t hlc);
int      d_hlc2timespec(uint64_t hlc, struct timespec *ts);
int      d_timespec2hlc(struct timespec ts, uint64_t *hlc);
uint64_t d_unixnsec2hlc(uint64_t unixnsec);
/* Maximum clock skew tolerated between nodes (HLC units). */
void     d_hlc_epsilon_set(uint64_t epsilon);
uint64_t d_hlc_epsilon_get(void);
/* Upper bound of the uncertainty window of hlc: hlc + epsilon, rounded up. */
uint64_t d_hlc_epsilon_get_bound(uint64_t hlc);
/* Age of hlc in seconds. */
uint64_t d_hlc_age2sec(uint64_t hlc);
/* HLC "tracker": the highest HLC value seen in messages, for processes without a clock of
 * their own to hand out. */
uint64_t d_hlct_get(void);
void     d_hlct_sync(uint64_t msg);

/* ---- growable array of pointers ---- */

struct d_vec_pointers {
	void   **p_buf;
	uint32_t p_cap;
	uint32_t p_len;
};

int  d_vec_pointers_init(struct d_vec_pointers *pointers, uint32_t cap);
void d_vec_pointers_fini(struct d_vec_pointers *pointers);
int  d_vec_pointers_append(struct d_vec_pointers *pointers, void *pointer);

/* Print a backtrace on fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT). */
void d_signal_stack_enable(bool enabled);
void d_signal_register(void);

#if defined(__cplusplus)
}
#endif

#endif /* __GURT_COMMON_H__ */
