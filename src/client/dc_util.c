/*
 * The API's helpers that talk to no server: HLC timestamps as wall-clock
 * time, and rank lists parsed from strings.
 */
#include <daos.h>
#include <gurt/common.h>

int
daos_hlc2timespec(uint64_t hlc, struct timespec *ts)
{
	return d_hlc2timespec(hlc, ts);
}

int
daos_hlc2timestamp(uint64_t hlc, time_t *ts)
{
	struct timespec tspec;
	int             rc;

	if (ts == NULL)
		return -DER_INVAL;
	rc = d_hlc2timespec(hlc, &tspec);
	if (rc == 0)
		*ts = tspec.tv_sec;
	return rc;
}

/* "3", "0-3", "1,5-7" (any of sep between items): the ranks in order given. */
d_rank_list_t *
daos_rank_list_parse(const char *str, const char *sep)
{
	d_rank_list_t *list = NULL;
	char          *buf, *tok, *save = NULL, *end;
	uint32_t       n = 0, cap = 0;

	if (str == NULL || sep == NULL || *sep == '\0')
		return NULL;
	D_STRNDUP(buf, str, 4096);
	if (buf == NULL)
		return NULL;
	for (tok = strtok_r(buf, sep, &save); tok != NULL; tok = strtok_r(NULL, sep, &save)) {
		unsigned long lo, hi;

		errno = 0;
		lo    = strtoul(tok, &end, 10);
		hi    = lo;
		if (end != tok && *end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (errno != 0 || end == tok || *end != '\0' || lo > hi || hi >= UINT32_MAX ||
		    hi - lo >= 1u << 20 || !isdigit((unsigned char)tok[0]))
			goto bad;
		if (n + (hi - lo + 1) > cap) {
			uint32_t       ncap = MAX(cap * 2, n + (uint32_t)(hi - lo + 1));
			d_rank_list_t *nl;

			if (list == NULL) {
				nl = d_rank_list_alloc(ncap);
			} else {
				nl = list;
				if (d_rank_list_resize(nl, ncap) != 0)
					nl = NULL;
			}
			if (nl == NULL)
				goto bad;
			list = nl;
			cap  = ncap;
		}
		for (; lo <= hi; lo++)
			list->rl_ranks[n++] = (d_rank_t)lo;
	}
	if (list == NULL)
		goto bad; /* nothing but separators */
	list->rl_nr = n;
	D_FREE(buf);
	return list;
bad:
	d_rank_list_free(list);
	D_FREE(buf);
	return NULL;
}
