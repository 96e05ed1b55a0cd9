/*
 * Allocation wrappers behind the D_ALLOC* macros. They exist as functions
 * (not macros around libc) so memory accounting can hook them and so every
 * allocation passes one place that tests can fail on purpose.
 */
#include <malloc.h>
#include <stdarg.h>
#include <gurt/common.h>

static d_alloc_track_cb_t d_alloc_track_cb;
static d_alloc_track_cb_t d_free_track_cb;
static void              *d_track_arg;

void
d_set_alloc_track_cb(d_alloc_track_cb_t alloc_cb, d_alloc_track_cb_t free_cb, void *arg)
{
	d_alloc_track_cb = alloc_cb;
	d_free_track_cb  = free_cb;
	d_track_arg      = arg;
}

/* The usable size is what the allocator really handed out, so alloc and free agree. */
static inline void
d_track_alloc(void *ptr)
{
	if (d_alloc_track_cb != NULL && ptr != NULL)
		d_alloc_track_cb(d_track_arg, malloc_usable_size(ptr));
}

void
d_free(void *ptr)
{
	if (d_free_track_cb != NULL && ptr != NULL)
		d_free_track_cb(d_track_arg, malloc_usable_size(ptr));
	free(ptr);
}

void *
d_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb, size);

	d_track_alloc(p);
	return p;
}

void *
d_malloc(size_t size)
{
	void *p = malloc(size);

	d_track_alloc(p);
	return p;
}

void *
d_realloc(void *ptr, size_t size)
{
	size_t old = 0;
	void  *p;

	if (d_free_track_cb != NULL && ptr != NULL)
		old = malloc_usable_size(ptr);
	p = realloc(ptr, size);
	if (p != NULL && d_free_track_cb != NULL && ptr != NULL)
		d_free_track_cb(d_track_arg, old);
	if (p != NULL)
		d_track_alloc(p);
	return p;
}

char *
d_strndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	d_track_alloc(p);
	return p;
}

int
d_asprintf(char **strp, const char *fmt, ...)
{
	va_list ap;
	int     rc;

	va_start(ap, fmt);
	rc = vasprintf(strp, fmt, ap);
	va_end(ap);
	if (rc >= 0)
		d_track_alloc(*strp);
	return rc;
}

char *
d_asprintf2(int *rc, const char *fmt, ...)
{
	va_list ap;
	char   *str = NULL;

	va_start(ap, fmt);
	*rc = vasprintf(&str, fmt, ap);
	va_end(ap);
	if (*rc < 0)
		return NULL;
	d_track_alloc(str);
	return str;
}

void *
d_aligned_alloc(size_t alignment, size_t size, bool zero)
{
	void *p = NULL;

	/* posix_memalign, unlike aligned_alloc, takes sizes that are not multiples of alignment. */
	if (posix_memalign(&p, alignment, size) != 0)
		return NULL;
	if (zero)
		memset(p, 0, size);
	d_track_alloc(p);
	return p;
}

char *
d_realpath(const char *path, char *resolved_path)
{
	char *p = realpath(path, resolved_path);

	if (resolved_path == NULL)
		d_track_alloc(p);
	return p;
}
