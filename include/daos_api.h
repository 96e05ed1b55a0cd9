/*
 * daos_api.h - transactions (daos_tx.h), anchor helpers and small utilities,
 * where DAOS keeps them. Included by daos.h.
 */
#ifndef __DAOS_API_H__
#define __DAOS_API_H__

#include <time.h>

#include <daos_types.h>
#include <daos_tx.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* Parse "1,3,5" (sep: the separators) into a new rank list; NULL on bad input. */
d_rank_list_t *
daos_rank_list_parse(const char *str, const char *sep);

/* Reset an anchor to the start of an enumeration; opts is reserved. */
static inline int
daos_anchor_init(daos_anchor_t *anchor, unsigned int opts)
{
	(void)opts;
	memset(anchor, 0, sizeof(*anchor));
	anchor->da_type = DAOS_ANCHOR_TYPE_ZERO;
	return 0;
}

/* Release what an anchor holds (nothing yet). */
static inline void
daos_anchor_fini(daos_anchor_t *anchor)
{
	(void)anchor;
}

/* True once the enumeration the anchor follows has returned everything. */
static inline bool
daos_anchor_is_eof(daos_anchor_t *anchor)
{
	return anchor->da_type == DAOS_ANCHOR_TYPE_EOF;
}

/* Convert an HLC timestamp (an epoch) to wall-clock time. */
int
daos_hlc2timespec(uint64_t hlc, struct timespec *ts);

int
daos_hlc2timestamp(uint64_t hlc, time_t *ts);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_API_H__ */
