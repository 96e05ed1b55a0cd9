/*
 * Rank lists: small arrays of server ranks. Lists are unsorted unless a
 * function says otherwise; an empty list may have rl_ranks == NULL.
 */
#include <gurt/common.h>

d_rank_list_t *
d_rank_list_alloc(uint32_t size)
{
	d_rank_list_t *rl;

	D_ALLOC_PTR(rl);
	if (rl == NULL)
		return NULL;
	if (size > 0) {
		D_ALLOC_ARRAY(rl->rl_ranks, size);
		if (rl->rl_ranks == NULL) {
			D_FREE(rl);
			return NULL;
		}
	}
	rl->rl_nr = size;
	return rl;
}

void
d_rank_list_free(d_rank_list_t *rank_list)
{
	if (rank_list == NULL)
		return;
	D_FREE(rank_list->rl_ranks);
	D_FREE(rank_list);
}

int
d_rank_list_resize(d_rank_list_t *ptr, uint32_t size)
{
	d_rank_t *ranks;

	if (ptr == NULL)
		return -DER_INVAL;
	if (size == 0) {
		D_FREE(ptr->rl_ranks);
		ptr->rl_nr = 0;
		return 0;
	}
	D_REALLOC_ARRAY(ranks, ptr->rl_ranks, ptr->rl_nr, size);
	if (ranks == NULL)
		return -DER_NOMEM;
	ptr->rl_ranks = ranks;
	ptr->rl_nr    = size;
	return 0;
}

int
d_rank_list_copy(d_rank_list_t *dst, d_rank_list_t *src)
{
	int rc;

	if (dst == NULL || src == NULL)
		return -DER_INVAL;
	if (dst->rl_nr != src->rl_nr) {
		rc = d_rank_list_resize(dst, src->rl_nr);
		if (rc != 0)
			return rc;
	}
	if (src->rl_nr > 0)
		memcpy(dst->rl_ranks, src->rl_ranks, src->rl_nr * sizeof(d_rank_t));
	return 0;
}

int
d_rank_list_dup(d_rank_list_t **dst, const d_rank_list_t *src)
{
	d_rank_list_t *rl;

	if (dst == NULL)
		return -DER_INVAL;
	if (src == NULL) {
		*dst = NULL;
		return 0;
	}
	rl = d_rank_list_alloc(src->rl_nr);
	if (rl == NULL)
		return -DER_NOMEM;
	if (src->rl_nr > 0)
		memcpy(rl->rl_ranks, src->rl_ranks, src->rl_nr * sizeof(d_rank_t));
	*dst = rl;
	return 0;
}

static int
d_rank_cmp(const void *a, const void *b)
{
	d_rank_t ra = *(const d_rank_t *)a;
	d_rank_t rb = *(const d_rank_t *)b;

	return ra < rb ? -1 : ra > rb;
}

void
d_rank_list_sort(d_rank_list_t *rank_list)
{
	if (rank_list != NULL && rank_list->rl_nr > 1)
		qsort(rank_list->rl_ranks, rank_list->rl_nr, sizeof(d_rank_t), d_rank_cmp);
}

int
d_rank_list_dup_sort_uniq(d_rank_list_t **dst, const d_rank_list_t *src)
{
	d_rank_list_t *rl;
	uint32_t       i;
	uint32_t       n;
	int            rc;

	rc = d_rank_list_dup(dst, src);
	if (rc != 0 || *dst == NULL)
		return rc;
	rl = *dst;
	d_rank_list_sort(rl);
	for (i = 1, n = rl->rl_nr > 0 ? 1 : 0; i < rl->rl_nr; i++)
		if (rl->rl_ranks[i] != rl->rl_ranks[n - 1])
			rl->rl_ranks[n++] = rl->rl_ranks[i];
	/* Shrinking never needs memory, so only the count changes. */
	rl->rl_nr = n;
	return 0;
}

void
d_rank_list_shuffle(d_rank_list_t *rank_list)
{
	uint32_t i;

	if (rank_list == NULL)
		return;
	for (i = rank_list->rl_nr; i > 1; i--) {
		uint32_t j   = (uint32_t)(d_rand() % i);
		d_rank_t tmp = rank_list->rl_ranks[i - 1];

		rank_list->rl_ranks[i - 1] = rank_list->rl_ranks[j];
		rank_list->rl_ranks[j]     = tmp;
	}
}

bool
d_rank_list_bsearch(d_rank_list_t *rank_list, d_rank_t rank, int *idx)
{
	d_rank_t *hit;

	if (rank_list == NULL || rank_list->rl_nr == 0)
		return false;
	hit = bsearch(&rank, rank_list->rl_ranks, rank_list->rl_nr, sizeof(d_rank_t), d_rank_cmp);
	if (hit == NULL)
		return false;
	if (idx != NULL)
		*idx = (int)(hit - rank_list->rl_ranks);
	return true;
}

bool
d_rank_list_find(d_rank_list_t *rank_list, d_rank_t rank, int *idx)
{
	uint32_t i;

	if (rank_list == NULL)
		return false;
	for (i = 0; i < rank_list->rl_nr; i++) {
		if (rank_list->rl_ranks[i] == rank) {
			if (idx != NULL)
				*idx = (int)i;
			return true;
		}
	}
	return false;
}

bool
d_rank_in_rank_list(d_rank_list_t *rank_list, d_rank_t rank)
{
	return d_rank_list_find(rank_list, rank, NULL);
}

int
d_idx_in_rank_list(d_rank_list_t *rank_list, d_rank_t rank, uint32_t *idx)
{
	int i;

	if (rank_list == NULL || idx == NULL)
		return -DER_INVAL;
	if (!d_rank_list_find(rank_list, rank, &i))
		return -DER_NONEXIST;
	*idx = (uint32_t)i;
	return 0;
}

void
d_rank_list_del_at(d_rank_list_t *list, int idx)
{
	D_ASSERT(list != NULL && idx >= 0 && (uint32_t)idx < list->rl_nr);
	memmove(&list->rl_ranks[idx], &list->rl_ranks[idx + 1],
		(list->rl_nr - (uint32_t)idx - 1) * sizeof(d_rank_t));
	list->rl_nr--;
}

int
d_rank_list_del(d_rank_list_t *rank_list, d_rank_t rank)
{
	int idx;

	if (rank_list == NULL)
		return -DER_INVAL;
	if (!d_rank_list_find(rank_list, rank, &idx))
		return 0;
	d_rank_list_del_at(rank_list, idx);
	return 0;
}

int
d_rank_list_append(d_rank_list_t *rank_list, d_rank_t rank)
{
	uint32_t old;
	int      rc;

	if (rank_list == NULL)
		return -DER_INVAL;
	old = rank_list->rl_nr;
	rc  = d_rank_list_resize(rank_list, old + 1);
	if (rc != 0)
		return rc;
	rank_list->rl_ranks[old] = rank;
	return 0;
}

bool
d_rank_list_identical(d_rank_list_t *rank_list1, d_rank_list_t *rank_list2)
{
	if (rank_list1 == rank_list2)
		return true;
	if (rank_list1 == NULL || rank_list2 == NULL || rank_list1->rl_nr != rank_list2->rl_nr)
		return false;
	return rank_list1->rl_nr == 0 ||
	       memcmp(rank_list1->rl_ranks, rank_list2->rl_ranks,
		      rank_list1->rl_nr * sizeof(d_rank_t)) == 0;
}

void
d_rank_list_filter(d_rank_list_t *src_set, d_rank_list_t *dst_set, bool exclude)
{
	uint32_t i;
	uint32_t n = 0;

	if (src_set == NULL || dst_set == NULL)
		return;
	for (i = 0; i < dst_set->rl_nr; i++) {
		bool in_src = d_rank_in_rank_list(src_set, dst_set->rl_ranks[i]);

		if (in_src != exclude)
			dst_set->rl_ranks[n++] = dst_set->rl_ranks[i];
	}
	dst_set->rl_nr = n;
}

int
d_rank_list_merge(d_rank_list_t *src_set, d_rank_list_t *merge_set)
{
	uint32_t i;
	int      rc;

	if (src_set == NULL || merge_set == NULL)
		return -DER_INVAL;
	for (i = 0; i < merge_set->rl_nr; i++) {
		if (d_rank_in_rank_list(src_set, merge_set->rl_ranks[i]))
			continue;
		rc = d_rank_list_append(src_set, merge_set->rl_ranks[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

d_rank_list_t *
uint32_array_to_rank_list(uint32_t *ints, size_t len)
{
	d_rank_list_t *rl;

	if (len > UINT32_MAX || (ints == NULL && len > 0))
		return NULL;
	rl = d_rank_list_alloc((uint32_t)len);
	if (rl != NULL && len > 0)
		memcpy(rl->rl_ranks, ints, len * sizeof(uint32_t));
	return rl;
}

int
rank_list_to_uint32_array(d_rank_list_t *rl, uint32_t **ints, size_t *len)
{
	if (rl == NULL || ints == NULL || len == NULL)
		return -DER_INVAL;
	*ints = NULL;
	*len  = rl->rl_nr;
	if (rl->rl_nr == 0)
		return 0;
	D_ALLOC_ARRAY(*ints, rl->rl_nr);
	if (*ints == NULL)
		return -DER_NOMEM;
	memcpy(*ints, rl->rl_ranks, rl->rl_nr * sizeof(uint32_t));
	return 0;
}

int
d_rank_list_dump(d_rank_list_t *rank_list, d_string_t name, int name_len)
{
	struct d_string_buffer_t buf = {0};
	uint32_t                 i;
	int                      rc;

	if (rank_list == NULL || name == NULL || (int)strnlen(name, name_len + 1) > name_len)
		return -DER_INVAL;
	for (i = 0; i < rank_list->rl_nr; i++) {
		rc = d_write_string_buffer(&buf, "%u ", rank_list->rl_ranks[i]);
		if (rc != 0)
			goto out;
	}
	D_DEBUG(DB_TRACE, "%s, %u ranks: %s\n", name, rank_list->rl_nr, buf.str ? buf.str : "");
	rc = 0;
out:
	d_free_string(&buf);
	return rc;
}

d_rank_range_list_t *
d_rank_range_list_alloc(uint32_t size)
{
	d_rank_range_list_t *rl;

	D_ALLOC_PTR(rl);
	if (rl == NULL)
		return NULL;
	if (size > 0) {
		D_ALLOC_ARRAY(rl->rrl_ranges, size);
		if (rl->rrl_ranges == NULL) {
			D_FREE(rl);
			return NULL;
		}
	}
	rl->rrl_nr = size;
	return rl;
}

d_rank_range_list_t *
d_rank_range_list_realloc(d_rank_range_list_t *range_list, uint32_t size)
{
	d_rank_range_t *ranges;

	if (range_list == NULL)
		return d_rank_range_list_alloc(size);
	if (size == 0) {
		D_FREE(range_list->rrl_ranges);
		range_list->rrl_nr = 0;
		return range_list;
	}
	D_REALLOC_ARRAY(ranges, range_list->rrl_ranges, range_list->rrl_nr, size);
	if (ranges == NULL)
		return NULL;
	range_list->rrl_ranges = ranges;
	range_list->rrl_nr     = size;
	return range_list;
}

void
d_rank_range_list_free(d_rank_range_list_t *range_list)
{
	if (range_list == NULL)
		return;
	D_FREE(range_list->rrl_ranges);
	D_FREE(range_list);
}

d_rank_range_list_t *
d_rank_range_list_create_from_ranks(d_rank_list_t *rank_list)
{
	d_rank_range_list_t *ranges;
	d_rank_list_t       *sorted = NULL;
	uint32_t             i;
	uint32_t             n = 0;

	if (d_rank_list_dup_sort_uniq(&sorted, rank_list) != 0)
		return NULL;
	/* Enough room for the worst case: no two ranks adjacent. */
	ranges = d_rank_range_list_alloc(sorted != NULL ? sorted->rl_nr : 0);
	if (ranges == NULL)
		goto out;
	for (i = 0; sorted != NULL && i < sorted->rl_nr; i++) {
		d_rank_t r = sorted->rl_ranks[i];

		if (n > 0 && ranges->rrl_ranges[n - 1].hi + 1 == r) {
			ranges->rrl_ranges[n - 1].hi = r;
		} else {
			ranges->rrl_ranges[n].lo = r;
			ranges->rrl_ranges[n].hi = r;
			n++;
		}
	}
	ranges->rrl_nr = n;
out:
	d_rank_list_free(sorted);
	return ranges;
}

int
d_rank_range_list_str(d_rank_range_list_t *list, char **ranks_str)
{
	struct d_string_buffer_t buf = {0};
	uint32_t                 i;
	int                      rc;

	if (list == NULL || ranks_str == NULL)
		return -DER_INVAL;
	rc = d_write_string_buffer(&buf, "[");
	for (i = 0; rc == 0 && i < list->rrl_nr; i++) {
		const d_rank_range_t *r   = &list->rrl_ranges[i];
		const char           *sep = i == 0 ? "" : ",";

		if (r->lo > r->hi)
			rc = -DER_INVAL;
		else if (r->lo == r->hi)
			rc = d_write_string_buffer(&buf, "%s%u", sep, r->lo);
		else
			rc = d_write_string_buffer(&buf, "%s%u-%u", sep, r->lo, r->hi);
	}
	if (rc == 0)
		rc = d_write_string_buffer(&buf, "]");
	if (rc != 0) {
		d_free_string(&buf);
		return rc;
	}
	*ranks_str = buf.str;
	return 0;
}

int
d_rank_list_to_str(d_rank_list_t *rank_list, char **rank_str)
{
	d_rank_range_list_t *ranges;
	int                  rc;

	if (rank_str == NULL)
		return -DER_INVAL;
	if (rank_list == NULL) {
		*rank_str = NULL;
		return 0;
	}
	ranges = d_rank_range_list_create_from_ranks(rank_list);
	if (ranges == NULL)
		return -DER_NOMEM;
	rc = d_rank_range_list_str(ranges, rank_str);
	d_rank_range_list_free(ranges);
	return rc;
}
