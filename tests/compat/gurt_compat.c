/*
 * Written the way a DAOS program uses gurt: only the public headers, linked
 * with -lgurt from an installed prefix. Prints the results the foundation
 * issue asks for; run-compat.sh checks them.
 */
#include <gurt/common.h>
#include <gurt/hash.h>
#include <daos_errno.h>

struct item {
	d_list_t link;
	int      key;
	int      ref;
};

static struct item *
link2item(d_list_t *link)
{
	return container_of(link, struct item, link);
}

static bool
item_cmp(struct d_hash_table *t, d_list_t *link, const void *key, unsigned int ksize)
{
	(void)t;
	return ksize == sizeof(int) && link2item(link)->key == *(const int *)key;
}

static uint32_t
item_hash(struct d_hash_table *t, d_list_t *link)
{
	(void)t;
	return (uint32_t)link2item(link)->key;
}

static void
item_addref(struct d_hash_table *t, d_list_t *link)
{
	(void)t;
	link2item(link)->ref++;
}

static bool
item_decref(struct d_hash_table *t, d_list_t *link)
{
	(void)t;
	return --link2item(link)->ref == 0;
}

static int freed;

static void
item_free(struct d_hash_table *t, d_list_t *link)
{
	struct item *it = link2item(link);

	(void)t;
	D_FREE(it);
	freed++;
}

static d_hash_table_ops_t item_ops = {
    .hop_key_cmp    = item_cmp,
    .hop_rec_hash   = item_hash,
    .hop_rec_addref = item_addref,
    .hop_rec_decref = item_decref,
    .hop_rec_free   = item_free,
};

int
main(void)
{
	struct d_hash_table *table;
	d_list_t            *link;
	int                  i;
	int                  rc;

	printf("%s\n", d_errstr(-DER_NONEXIST));
	printf("errno2der(ENOENT)=%s\n", d_errstr(d_errno2der(ENOENT)));
	if (d_errno2der(ENOENT) != -DER_NONEXIST)
		return 1;

	rc = d_hash_table_create(D_HASH_FT_EPHEMERAL | D_HASH_FT_NOLOCK, 4, NULL, &item_ops,
				 &table);
	if (rc != 0)
		return 2;
	for (i = 0; i < 100; i++) {
		struct item *it;

		D_ALLOC_PTR(it);
		if (it == NULL)
			return 3;
		it->key = i;
		/* An EPHEMERAL table takes no reference on insert: ours passes to the table. */
		it->ref = 1;
		rc = d_hash_rec_insert(table, &it->key, sizeof(it->key), &it->link, true);
		if (rc != 0)
			return 4;
	}
	while ((link = d_hash_rec_first(table)) != NULL)
		d_hash_rec_decref(table, link);
	printf("drained %d records\n", freed);
	rc = d_hash_table_destroy(table, false);
	return rc == 0 && freed == 100 ? 0 : 5;
}
