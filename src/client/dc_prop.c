/*
 * Property lists (include/daos_prop.h, dc_prop.h): allocation, the value kind
 * of each type, deep copies, merge, parsing of the daos tool's syntax, and the
 * conversion to and from the wire form.
 *
 * Everything here depends on gurt and dcommon only, so that libdaos_common.so
 * can be linked from this file alone.
 */
#include <endian.h>
#include <errno.h>
#include <strings.h>
#include <gurt/common.h>
#include <gurt/debug.h>
#include "common/cli.h"
#include "dc_prop.h"

/* ---- what each type holds ---- */

enum prop_kind {
	PK_UNKNOWN, /* not a DAOS_PROP_PO_* / DAOS_PROP_CO_* type */
	PK_VAL,
	PK_STR,
	PK_ACL,   /* struct daos_acl */
	PK_RANKS, /* d_rank_list_t */
	PK_ROOTS, /* struct daos_prop_co_roots */
	PK_BYTEVAL,
};

static bool
prop_type_is_pool(uint32_t type)
{
	return type > DAOS_PROP_PO_MIN && type < DAOS_PROP_PO_MAX;
}

static bool
prop_type_is_cont(uint32_t type)
{
	return type > DAOS_PROP_CO_MIN && type < DAOS_PROP_CO_MAX;
}

static enum prop_kind
prop_kind_of(uint32_t type)
{
	switch (type) {
	case DAOS_PROP_PO_LABEL:
	case DAOS_PROP_CO_LABEL:
	case DAOS_PROP_PO_OWNER:
	case DAOS_PROP_CO_OWNER:
	case DAOS_PROP_PO_OWNER_GROUP:
	case DAOS_PROP_CO_OWNER_GROUP:
		return PK_STR;
	case DAOS_PROP_PO_ACL:
	case DAOS_PROP_CO_ACL:
		return PK_ACL;
	case DAOS_PROP_PO_SVC_LIST:
		return PK_RANKS;
	case DAOS_PROP_CO_ROOTS:
		return PK_ROOTS;
	default:
		return prop_type_is_pool(type) || prop_type_is_cont(type) ? PK_VAL : PK_UNKNOWN;
	}
}

/* Longest string a string type may hold (labels are shorter than principals). */
static size_t
prop_str_max(uint32_t type)
{
	return type == DAOS_PROP_PO_LABEL || type == DAOS_PROP_CO_LABEL ? DAOS_PROP_LABEL_MAX_LEN
									 : DAOS_ACL_MAX_PRINCIPAL_LEN;
}

bool
daos_prop_has_str(struct daos_prop_entry *entry)
{
	return entry != NULL && prop_kind_of(entry->dpe_type) == PK_STR;
}

bool
daos_prop_has_ptr(struct daos_prop_entry *entry)
{
	enum prop_kind k;

	if (entry == NULL)
		return false;
	k = prop_kind_of(entry->dpe_type);
	return k == PK_ACL || k == PK_RANKS || k == PK_ROOTS;
}

bool
daos_prop_has_byteval(struct daos_prop_entry *entry)
{
	/* DAOS has declared the kind but gives it to no property yet. */
	return entry != NULL && prop_kind_of(entry->dpe_type) == PK_BYTEVAL;
}

/* Bytes of an ACL, header included; -DER_INVAL when its header is not one of ours. */
static int
prop_acl_size(const struct daos_acl *acl, size_t *size)
{
	if (acl->dal_ver != DAOS_ACL_VERSION || acl->dal_len > DAOS_ACL_MAX_ACE_LEN) {
		D_ERROR("bad ACL header: version %u, %u bytes of entries\n", acl->dal_ver,
			acl->dal_len);
		return -DER_INVAL;
	}
	*size = sizeof(*acl) + acl->dal_len;
	return 0;
}

static void
prop_byteval_free(struct daos_prop_byteval *bv)
{
	if (bv == NULL)
		return;
	D_FREE(bv->dpb_data);
	D_FREE(bv);
}

static void
prop_entry_free_value(struct daos_prop_entry *entry)
{
	switch (prop_kind_of(entry->dpe_type)) {
	case PK_STR:
		D_FREE(entry->dpe_str);
		break;
	case PK_RANKS:
		d_rank_list_free(entry->dpe_val_ptr);
		entry->dpe_val_ptr = NULL;
		break;
	case PK_ACL:
	case PK_ROOTS:
		D_FREE(entry->dpe_val_ptr);
		break;
	case PK_BYTEVAL:
		prop_byteval_free(entry->dpe_val_ptr);
		entry->dpe_val_ptr = NULL;
		break;
	default:
		break;
	}
}

static void *
prop_memdup(const void *src, size_t len)
{
	void *p;

	D_ALLOC(p, len);
	if (p != NULL)
		memcpy(p, src, len);
	return p;
}

/* dst (whose value is not owned) gets a deep copy of src's value, type and flags. */
static int
prop_entry_copy_into(const struct daos_prop_entry *src, struct daos_prop_entry *dst)
{
	const struct daos_prop_byteval *bv;
	size_t                          size;
	int                             rc;

	dst->dpe_type   = src->dpe_type;
	dst->dpe_flags  = src->dpe_flags;
	dst->dpe_reserv = 0;
	dst->dpe_val    = 0;
	switch (prop_kind_of(src->dpe_type)) {
	case PK_STR:
		if (src->dpe_str == NULL)
			return 0;
		D_STRNDUP(dst->dpe_str, src->dpe_str, strlen(src->dpe_str));
		return dst->dpe_str == NULL ? -DER_NOMEM : 0;
	case PK_ACL:
		if (src->dpe_val_ptr == NULL)
			return 0;
		rc = prop_acl_size(src->dpe_val_ptr, &size);
		if (rc != 0)
			return rc;
		dst->dpe_val_ptr = prop_memdup(src->dpe_val_ptr, size);
		return dst->dpe_val_ptr == NULL ? -DER_NOMEM : 0;
	case PK_RANKS:
		return d_rank_list_dup((d_rank_list_t **)&dst->dpe_val_ptr, src->dpe_val_ptr);
	case PK_ROOTS:
		if (src->dpe_val_ptr == NULL)
			return 0;
		dst->dpe_val_ptr = prop_memdup(src->dpe_val_ptr, sizeof(struct daos_prop_co_roots));
		return dst->dpe_val_ptr == NULL ? -DER_NOMEM : 0;
	case PK_BYTEVAL:
		bv = src->dpe_val_ptr;
		if (bv == NULL || bv->dpb_data == NULL || bv->dpb_len == 0)
			return 0;
		return daos_prop_entry_set_byteval(dst, bv->dpb_data, bv->dpb_len);
	default:
		dst->dpe_val = src->dpe_val;
		return 0;
	}
}

int
daos_prop_entry_copy(struct daos_prop_entry *entry, struct daos_prop_entry *entry_dup)
{
	struct daos_prop_entry tmp;
	int                    rc;

	if (entry == NULL || entry_dup == NULL)
		return -DER_INVAL;
	/* Copy first, so a failure leaves entry_dup's old value in place. */
	rc = prop_entry_copy_into(entry, &tmp);
	if (rc != 0) {
		prop_entry_free_value(&tmp);
		return rc;
	}
	prop_entry_free_value(entry_dup);
	*entry_dup = tmp;
	return 0;
}

/* ---- lists ---- */

daos_prop_t *
daos_prop_alloc(uint32_t entries_nr)
{
	daos_prop_t *prop;

	if (entries_nr > DAOS_PROP_ENTRIES_MAX_NR) {
		D_ERROR("%u property entries, at most %d\n", entries_nr, DAOS_PROP_ENTRIES_MAX_NR);
		return NULL;
	}
	D_ALLOC_PTR(prop);
	if (prop == NULL)
		return NULL;
	if (entries_nr > 0) {
		D_ALLOC_ARRAY(prop->dpp_entries, entries_nr);
		if (prop->dpp_entries == NULL) {
			D_FREE(prop);
			return NULL;
		}
	}
	prop->dpp_nr = entries_nr;
	return prop;
}

/* Free the values of entries[0..nr) and the array. */
static void
prop_entries_free(struct daos_prop_entry *entries, uint32_t nr)
{
	uint32_t i;

	for (i = 0; entries != NULL && i < nr; i++)
		prop_entry_free_value(&entries[i]);
	D_FREE(entries);
}

void
daos_prop_fini(daos_prop_t *prop)
{
	if (prop == NULL)
		return;
	prop_entries_free(prop->dpp_entries, prop->dpp_nr);
	prop->dpp_entries = NULL;
	prop->dpp_nr      = 0;
}

void
daos_prop_free(daos_prop_t *prop)
{
	if (prop == NULL)
		return;
	daos_prop_fini(prop);
	D_FREE(prop);
}

struct daos_prop_entry *
daos_prop_entry_get(daos_prop_t *prop, uint32_t type)
{
	uint32_t i;

	if (prop == NULL || prop->dpp_entries == NULL)
		return NULL;
	for (i = 0; i < prop->dpp_nr; i++)
		if (prop->dpp_entries[i].dpe_type == type)
			return &prop->dpp_entries[i];
	return NULL;
}

/* Is type among entries[0..nr)? */
static bool
prop_entries_have(const struct daos_prop_entry *entries, uint32_t nr, uint32_t type)
{
	uint32_t i;

	for (i = 0; i < nr; i++)
		if (entries[i].dpe_type == type)
			return true;
	return false;
}

int
daos_prop_merge2(daos_prop_t *old_prop, daos_prop_t *new_prop, daos_prop_t **out_prop)
{
	struct daos_prop_entry *entry;
	daos_prop_t            *result;
	uint32_t                nr;
	uint32_t                next;
	uint32_t                i;
	int                     rc;

	if (old_prop == NULL || new_prop == NULL || out_prop == NULL)
		return -DER_INVAL;
	if ((old_prop->dpp_nr > 0 && old_prop->dpp_entries == NULL) ||
	    (new_prop->dpp_nr > 0 && new_prop->dpp_entries == NULL))
		return -DER_INVAL;

	/* One entry per type: a type new_prop repeats, or old_prop has, takes no new slot. */
	nr = old_prop->dpp_nr;
	for (i = 0; i < new_prop->dpp_nr; i++) {
		uint32_t type = new_prop->dpp_entries[i].dpe_type;

		if (!prop_entries_have(old_prop->dpp_entries, old_prop->dpp_nr, type) &&
		    !prop_entries_have(new_prop->dpp_entries, i, type))
			nr++;
	}
	if (nr > DAOS_PROP_ENTRIES_MAX_NR)
		return -DER_INVAL;
	result = daos_prop_alloc(nr);
	if (result == NULL)
		return -DER_NOMEM;

	for (next = 0; next < old_prop->dpp_nr; next++) {
		rc = daos_prop_entry_copy(&old_prop->dpp_entries[next], &result->dpp_entries[next]);
		if (rc != 0)
			goto err;
	}
	for (i = 0; i < new_prop->dpp_nr; i++) {
		/* Search only the filled slots: the empty ones have type 0. */
		result->dpp_nr = next;
		entry = daos_prop_entry_get(result, new_prop->dpp_entries[i].dpe_type);
		result->dpp_nr = nr;
		if (entry == NULL)
			entry = &result->dpp_entries[next++];
		rc = daos_prop_entry_copy(&new_prop->dpp_entries[i], entry);
		if (rc != 0)
			goto err;
	}
	D_ASSERT(next == nr);
	*out_prop = result;
	return 0;
err:
	daos_prop_free(result);
	return rc;
}

daos_prop_t *
daos_prop_merge(daos_prop_t *old_prop, daos_prop_t *new_prop)
{
	daos_prop_t *out = NULL;

	return daos_prop_merge2(old_prop, new_prop, &out) == 0 ? out : NULL;
}

/* ---- setting one entry ---- */

int
daos_prop_set_str(daos_prop_t *prop, uint32_t type, const char *str, daos_size_t len)
{
	struct daos_prop_entry *entry = daos_prop_entry_get(prop, type);

	return entry == NULL ? -DER_NONEXIST : daos_prop_entry_set_str(entry, str, len);
}

int
daos_prop_entry_set_str(struct daos_prop_entry *entry, const char *str, daos_size_t len)
{
	char  *copy = NULL;
	size_t n;

	if (entry == NULL || !daos_prop_has_str(entry))
		return -DER_INVAL;
	if (str != NULL && len > 0) {
		n = strnlen(str, len);
		/* Refused here rather than truncated: a cut label names another container. */
		if (n > prop_str_max(entry->dpe_type)) {
			D_ERROR("property %#x: string of %zu bytes, at most %zu\n", entry->dpe_type,
				n, prop_str_max(entry->dpe_type));
			return -DER_INVAL;
		}
		D_STRNDUP(copy, str, n);
		if (copy == NULL)
			return -DER_NOMEM;
	}
	/* NULL or empty str clears the entry, as DAOS does. */
	D_FREE(entry->dpe_str);
	entry->dpe_str = copy;
	return 0;
}

int
daos_prop_set_ptr(daos_prop_t *prop, uint32_t type, const void *ptr, daos_size_t size)
{
	struct daos_prop_entry *entry = daos_prop_entry_get(prop, type);

	return entry == NULL ? -DER_NONEXIST : daos_prop_entry_set_ptr(entry, ptr, size);
}

int
daos_prop_entry_set_ptr(struct daos_prop_entry *entry, const void *ptr, daos_size_t size)
{
	void *copy = NULL;
	int   rc;

	if (entry == NULL || !daos_prop_has_ptr(entry))
		return -DER_INVAL;
	if (ptr != NULL && size > 0) {
		if (prop_kind_of(entry->dpe_type) == PK_RANKS) {
			/* A flat copy would share rl_ranks, which daos_prop_free() then frees. */
			if (size < sizeof(d_rank_list_t))
				return -DER_INVAL;
			rc = d_rank_list_dup((d_rank_list_t **)&copy, ptr);
			if (rc != 0)
				return rc;
		} else {
			copy = prop_memdup(ptr, size);
			if (copy == NULL)
				return -DER_NOMEM;
		}
	}
	prop_entry_free_value(entry);
	entry->dpe_val_ptr = copy;
	return 0;
}

int
daos_prop_entry_dup_ptr(struct daos_prop_entry *entry_dst, struct daos_prop_entry *entry_src,
			size_t len)
{
	if (entry_dst == NULL || entry_src == NULL)
		return -DER_INVAL;
	/* As DAOS: a raw copy of len bytes over whatever entry_dst pointed to. */
	entry_dst->dpe_val_ptr = NULL;
	if (entry_src->dpe_val_ptr == NULL || len == 0)
		return 0;
	entry_dst->dpe_val_ptr = prop_memdup(entry_src->dpe_val_ptr, len);
	return entry_dst->dpe_val_ptr == NULL ? -DER_NOMEM : 0;
}

int
daos_prop_set_byteval(daos_prop_t *prop, uint32_t type, const void *data, size_t len)
{
	struct daos_prop_entry *entry = daos_prop_entry_get(prop, type);

	return entry == NULL ? -DER_NONEXIST : daos_prop_entry_set_byteval(entry, data, len);
}

int
daos_prop_entry_set_byteval(struct daos_prop_entry *entry, const void *data, size_t len)
{
	struct daos_prop_byteval *bv = NULL;

	if (entry == NULL || !daos_prop_has_byteval(entry))
		return -DER_INVAL;
	if (data != NULL && len > 0) {
		D_ALLOC_PTR(bv);
		if (bv == NULL)
			return -DER_NOMEM;
		bv->dpb_data = prop_memdup(data, len);
		if (bv->dpb_data == NULL) {
			D_FREE(bv);
			return -DER_NOMEM;
		}
		bv->dpb_len = len;
	}
	prop_entry_free_value(entry);
	entry->dpe_val_ptr = bv;
	return 0;
}

int
daos_prop_entry_dup_byteval(struct daos_prop_entry *entry_dst, struct daos_prop_entry *entry_src)
{
	const struct daos_prop_byteval *bv;

	if (entry_dst == NULL || entry_src == NULL)
		return -DER_INVAL;
	bv = entry_src->dpe_val_ptr;
	if (bv == NULL || bv->dpb_data == NULL || bv->dpb_len == 0) {
		entry_dst->dpe_val_ptr = NULL;
		return 0;
	}
	return daos_prop_entry_set_byteval(entry_dst, bv->dpb_data, bv->dpb_len);
}

int
daos_prop_entry_dup_co_roots(struct daos_prop_entry *dst, struct daos_prop_entry *src)
{
	if (dst == NULL || src == NULL)
		return -DER_INVAL;
	if (src->dpe_val_ptr == NULL) {
		D_FREE(dst->dpe_val_ptr);
		return 0;
	}
	/* dst's buffer, when it has one, is a struct daos_prop_co_roots: reuse it. */
	if (dst->dpe_val_ptr == NULL) {
		D_ALLOC(dst->dpe_val_ptr, sizeof(struct daos_prop_co_roots));
		if (dst->dpe_val_ptr == NULL)
			return -DER_NOMEM;
	}
	memcpy(dst->dpe_val_ptr, src->dpe_val_ptr, sizeof(struct daos_prop_co_roots));
	return 0;
}

int
daos_prop_entry_cmp_acl(struct daos_prop_entry *entry1, struct daos_prop_entry *entry2)
{
	size_t size1;
	size_t size2;

	if (entry1 == NULL || entry2 == NULL || prop_kind_of(entry1->dpe_type) != PK_ACL ||
	    prop_kind_of(entry2->dpe_type) != PK_ACL)
		return -DER_INVAL;
	if (entry1->dpe_val_ptr == NULL && entry2->dpe_val_ptr == NULL)
		return 0;
	if (entry1->dpe_val_ptr == NULL || entry2->dpe_val_ptr == NULL)
		return -DER_MISMATCH;
	if (prop_acl_size(entry1->dpe_val_ptr, &size1) != 0 ||
	    prop_acl_size(entry2->dpe_val_ptr, &size2) != 0)
		return -DER_INVAL;
	if (size1 != size2 || memcmp(entry1->dpe_val_ptr, entry2->dpe_val_ptr, size1) != 0)
		return -DER_MISMATCH;
	return 0;
}

/* ---- validation, dup and copy ---- */

static bool
prop_str_valid(uint32_t type, const char *s)
{
	size_t len;

	if (type == DAOS_PROP_PO_LABEL || type == DAOS_PROP_CO_LABEL)
		return daos_label_is_valid(s);
	if (s == NULL)
		return false;
	len = strnlen(s, DAOS_ACL_MAX_PRINCIPAL_LEN + 1);
	return len > 0 && len <= DAOS_ACL_MAX_PRINCIPAL_LEN;
}

/* Does a number property hold a value DAOS accepts for it? */
static bool
prop_val_valid(uint32_t type, uint64_t v)
{
	struct daos_co_status st;

	switch (type) {
	case DAOS_PROP_PO_SPACE_RB:
		return v <= 100;
	case DAOS_PROP_PO_SELF_HEAL:
		return (v & ~(uint64_t)(DAOS_SELF_HEAL_AUTO_EXCLUDE | DAOS_SELF_HEAL_AUTO_REBUILD |
					DAOS_SELF_HEAL_DELAY_REBUILD)) == 0;
	case DAOS_PROP_PO_RECLAIM:
		return v <= DAOS_RECLAIM_TIME;
	case DAOS_PROP_PO_REDUN_FAC:
		return daos_rf_is_valid(v);
	case DAOS_PROP_PO_PERF_DOMAIN:
	case DAOS_PROP_CO_PERF_DOMAIN:
		return v == DAOS_PROP_PERF_DOMAIN_ROOT || v == DAOS_PROP_PERF_DOMAIN_GROUP;
	case DAOS_PROP_PO_REINT_MODE:
		return v <= DAOS_REINT_MODE_INCREMENTAL;
	case DAOS_PROP_PO_UPGRADE_STATUS:
		return v <= DAOS_UPGRADE_STATUS_COMPLETED;
	case DAOS_PROP_PO_SCRUB_MODE:
		return v < DAOS_SCRUB_MODE_INVALID;
	case DAOS_PROP_PO_SVC_REDUN_FAC:
		return daos_svc_rf_is_valid(v);
	case DAOS_PROP_PO_SVC_OPS_ENABLED:
		return v <= 1;
	case DAOS_PROP_PO_SVC_OPS_ENTRY_AGE:
		return v >= DAOS_PROP_PO_SVC_OPS_ENTRY_AGE_MIN &&
		       v <= DAOS_PROP_PO_SVC_OPS_ENTRY_AGE_MAX;
	case DAOS_PROP_PO_CHECKPOINT_MODE:
		return v <= DAOS_CHECKPOINT_LAZY;
	case DAOS_PROP_CO_LAYOUT_TYPE:
		return v < DAOS_PROP_CO_LAYOUT_MAX;
	case DAOS_PROP_CO_CSUM:
		return v <= DAOS_PROP_CO_CSUM_ADLER32;
	case DAOS_PROP_CO_CSUM_CHUNK_SIZE:
		return v < (1ULL << 32);
	case DAOS_PROP_CO_CSUM_SERVER_VERIFY:
		return v <= DAOS_PROP_CO_CSUM_SV_ON;
	case DAOS_PROP_CO_DEDUP:
		return v <= DAOS_PROP_CO_DEDUP_HASH;
	case DAOS_PROP_CO_DEDUP_THRESHOLD:
		return v >= 4096 && v < (1ULL << 32);
	case DAOS_PROP_CO_REDUN_FAC:
		return v <= DAOS_PROP_CO_REDUN_RF4;
	case DAOS_PROP_CO_REDUN_LVL:
		return v >= DAOS_PROP_CO_REDUN_MIN && v <= DAOS_PROP_CO_REDUN_MAX;
	case DAOS_PROP_CO_COMPRESS:
		return v <= DAOS_PROP_CO_COMPRESS_DEFLATE4;
	case DAOS_PROP_CO_ENCRYPT:
		return v <= DAOS_PROP_CO_ENCRYPT_AES_GCM256;
	case DAOS_PROP_CO_STATUS:
		daos_prop_val_2_co_status(v, &st);
		return st.dcs_status == DAOS_PROP_CO_HEALTHY || st.dcs_status == DAOS_PROP_CO_UNCLEAN;
	default:
		/* DAOS takes any value for the others (sizes, frequencies, versions...) */
		return true;
	}
}

static bool
prop_entry_valid(const struct daos_prop_entry *e)
{
	size_t size;

	switch (prop_kind_of(e->dpe_type)) {
	case PK_STR:
		return prop_str_valid(e->dpe_type, e->dpe_str);
	case PK_ACL:
		return e->dpe_val_ptr != NULL && prop_acl_size(e->dpe_val_ptr, &size) == 0;
	case PK_VAL:
		return prop_val_valid(e->dpe_type, e->dpe_val);
	default:
		return true;
	}
}

bool
daos_prop_valid(daos_prop_t *prop, bool pool, bool input)
{
	bool     seen[DAOS_PROP_PO_NUM > DAOS_PROP_CO_NUM ? DAOS_PROP_PO_NUM : DAOS_PROP_CO_NUM];
	uint32_t base = pool ? DAOS_PROP_PO_MIN : DAOS_PROP_CO_MIN;
	uint32_t i;

	if (prop == NULL || prop->dpp_nr > DAOS_PROP_ENTRIES_MAX_NR)
		return false;
	if (prop->dpp_nr == 0)
		return prop->dpp_entries == NULL;
	if (prop->dpp_entries == NULL)
		return false;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < prop->dpp_nr; i++) {
		const struct daos_prop_entry *e    = &prop->dpp_entries[i];
		uint32_t                      type = e->dpe_type;

		if (pool ? !prop_type_is_pool(type) : !prop_type_is_cont(type)) {
			D_ERROR("property type %#x is not a %s property\n", type,
				pool ? "pool" : "container");
			return false;
		}
		if (seen[type - base - 1]) {
			D_ERROR("property type %#x given twice\n", type);
			return false;
		}
		seen[type - base - 1] = true;
		/* Query lists name entries; their values are not filled yet. */
		if (input && !prop_entry_valid(e)) {
			D_ERROR("property type %#x: invalid value\n", type);
			return false;
		}
	}
	return true;
}

daos_prop_t *
daos_prop_dup(daos_prop_t *prop, bool pool, bool input)
{
	daos_prop_t *dup;
	uint32_t     nr = 0;
	uint32_t     i;
	uint32_t     j;

	if (!daos_prop_valid(prop, pool, input))
		return NULL;
	for (i = 0; i < prop->dpp_nr; i++)
		if (daos_prop_is_set(&prop->dpp_entries[i]))
			nr++;
	if (nr == 0)
		return NULL;
	dup = daos_prop_alloc(nr);
	if (dup == NULL)
		return NULL;
	for (i = 0, j = 0; i < prop->dpp_nr; i++) {
		if (!daos_prop_is_set(&prop->dpp_entries[i]))
			continue;
		if (daos_prop_entry_copy(&prop->dpp_entries[i], &dup->dpp_entries[j++]) != 0) {
			daos_prop_free(dup);
			return NULL;
		}
	}
	return dup;
}

enum prop_fill_state {
	PF_UNTOUCHED,
	PF_FILLED,
	PF_NOT_SET,
};

/*
 * The query rule shared by daos_prop_copy() and dc_prop_from_dsp(): req with
 * no entries takes all of reply's, else each type req lists is filled from
 * reply or flagged NOT_SET. An entry with type 0 takes the type of reply's
 * entry at the same index (DAOS lets a caller allocate an untyped list).
 * Copies are made aside and moved in at the end, so a failure changes nothing.
 */
static int
prop_fill(daos_prop_t *req, const daos_prop_t *reply)
{
	uint8_t                 state[DAOS_PROP_ENTRIES_MAX_NR] = {0};
	struct daos_prop_entry *tmp;
	uint32_t                nr = req->dpp_nr == 0 ? reply->dpp_nr : req->dpp_nr;
	uint32_t                i;
	int                     rc = 0;

	if (nr == 0)
		return 0;
	if (nr > DAOS_PROP_ENTRIES_MAX_NR || (req->dpp_nr > 0 && req->dpp_entries == NULL))
		return -DER_INVAL;
	D_ALLOC_ARRAY(tmp, nr);
	if (tmp == NULL)
		return -DER_NOMEM;
	for (i = 0; i < nr; i++) {
		const struct daos_prop_entry *src;
		uint32_t                      type;

		if (req->dpp_nr == 0) {
			src = &reply->dpp_entries[i];
		} else {
			type = req->dpp_entries[i].dpe_type;
			if (type == 0 && i < reply->dpp_nr)
				type = reply->dpp_entries[i].dpe_type;
			if (type == 0)
				continue;
			src = daos_prop_entry_get((daos_prop_t *)reply, type);
			if (src == NULL) {
				state[i] = PF_NOT_SET;
				continue;
			}
		}
		state[i] = PF_FILLED;
		rc       = prop_entry_copy_into(src, &tmp[i]);
		if (rc != 0)
			goto out;
	}
	if (req->dpp_nr == 0) {
		req->dpp_entries = tmp;
		req->dpp_nr      = nr;
		return 0;
	}
	for (i = 0; i < nr; i++) {
		if (state[i] == PF_FILLED) {
			prop_entry_free_value(&req->dpp_entries[i]);
			req->dpp_entries[i] = tmp[i];
			state[i]            = PF_UNTOUCHED; /* moved: not freed below */
		} else if (state[i] == PF_NOT_SET) {
			req->dpp_entries[i].dpe_flags |= DAOS_PROP_ENTRY_NOT_SET;
		}
	}
out:
	for (i = 0; i < nr; i++)
		if (state[i] == PF_FILLED)
			prop_entry_free_value(&tmp[i]);
	D_FREE(tmp);
	return rc;
}

int
daos_prop_copy(daos_prop_t *prop_req, daos_prop_t *prop_reply)
{
	if (prop_req == NULL)
		return -DER_INVAL;
	if (prop_reply == NULL || prop_reply->dpp_nr == 0 || prop_reply->dpp_entries == NULL)
		return -DER_PROTO;
	return prop_fill(prop_req, prop_reply);
}

/* ---- container property names ---- */

const struct dc_prop_name dc_prop_co_names[] = {
    {"label", DAOS_PROP_CO_LABEL, "Label", true},
    {"layout_type", DAOS_PROP_CO_LAYOUT_TYPE, "Layout Type", false},
    {"layout_version", DAOS_PROP_CO_LAYOUT_VER, "Layout Version", false},
    {"cksum", DAOS_PROP_CO_CSUM, "Checksum", true},
    {"cksum_size", DAOS_PROP_CO_CSUM_CHUNK_SIZE, "Checksum Chunk Size", true},
    {"srv_cksum", DAOS_PROP_CO_CSUM_SERVER_VERIFY, "Server Checksumming", true},
    {"rd_fac", DAOS_PROP_CO_REDUN_FAC, "Redundancy Factor (0-4)", true},
    {"rd_lvl", DAOS_PROP_CO_REDUN_LVL, "Redundancy Level (rank=1, node=2)", false},
    {"max_snapshot", DAOS_PROP_CO_SNAPSHOT_MAX, "Max Snapshot", false},
    {"acl", DAOS_PROP_CO_ACL, "Access Control List", false},
    {"compression", DAOS_PROP_CO_COMPRESS, "Compression", true},
    {"encryption", DAOS_PROP_CO_ENCRYPT, "Encryption", true},
    {"owner", DAOS_PROP_CO_OWNER, "Owner", false},
    {"group", DAOS_PROP_CO_OWNER_GROUP, "Group", false},
    {"dedup", DAOS_PROP_CO_DEDUP, "Deduplication", true},
    {"dedup_threshold", DAOS_PROP_CO_DEDUP_THRESHOLD, "Dedupe Threshold", true},
    {"root_oids", DAOS_PROP_CO_ROOTS, "Root OIDs", false},
    {"status", DAOS_PROP_CO_STATUS, "Health", false},
    {"alloc_oid", DAOS_PROP_CO_ALLOCED_OID, "Highest Allocated OID", false},
    {"ec_cell_sz", DAOS_PROP_CO_EC_CELL_SZ, "EC Cell Size", true},
    {"ec_pda", DAOS_PROP_CO_EC_PDA, "Performance domain affinity level of EC", true},
    {"rp_pda", DAOS_PROP_CO_RP_PDA, "Performance domain affinity level of RP", true},
    {"global_version", DAOS_PROP_CO_GLOBAL_VERSION, "Global Version", false},
    {"scrub_disabled", DAOS_PROP_CO_SCRUBBER_DISABLED, "Scrubber Disabled", false},
    {"obj_version", DAOS_PROP_CO_OBJ_VERSION, "Object Version", false},
    {"perf_domain", DAOS_PROP_CO_PERF_DOMAIN, "Performance domain level", true},
};

const size_t dc_prop_co_names_nr = ARRAY_SIZE(dc_prop_co_names);

_Static_assert(ARRAY_SIZE(dc_prop_co_names) == DAOS_PROP_CO_NUM,
	       "dc_prop_co_name_of() indexes the table by type");

const struct dc_prop_name *
dc_prop_co_name_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	/* DAOS renamed these and still takes the old spelling. */
	if (strcmp(name, "rf") == 0)
		name = "rd_fac";
	else if (strcmp(name, "rf_lvl") == 0)
		name = "rd_lvl";
	for (i = 0; i < dc_prop_co_names_nr; i++)
		if (strcmp(dc_prop_co_names[i].pn_name, name) == 0)
			return &dc_prop_co_names[i];
	return NULL;
}

const struct dc_prop_name *
dc_prop_co_name_of(uint32_t type)
{
	if (!prop_type_is_cont(type))
		return NULL;
	/* The table holds every type, in order. */
	return &dc_prop_co_names[type - DAOS_PROP_CO_MIN - 1];
}

struct prop_val_name {
	uint32_t    pv_type;
	const char *pv_name; /* the first name of a value is the one printed */
	uint64_t    pv_val;
};

static const struct prop_val_name prop_val_names[] = {
    {DAOS_PROP_CO_CSUM, "off", DAOS_PROP_CO_CSUM_OFF},
    {DAOS_PROP_CO_CSUM, "crc16", DAOS_PROP_CO_CSUM_CRC16},
    {DAOS_PROP_CO_CSUM, "crc32", DAOS_PROP_CO_CSUM_CRC32},
    {DAOS_PROP_CO_CSUM, "crc64", DAOS_PROP_CO_CSUM_CRC64},
    {DAOS_PROP_CO_CSUM, "sha1", DAOS_PROP_CO_CSUM_SHA1},
    {DAOS_PROP_CO_CSUM, "sha256", DAOS_PROP_CO_CSUM_SHA256},
    {DAOS_PROP_CO_CSUM, "sha512", DAOS_PROP_CO_CSUM_SHA512},
    {DAOS_PROP_CO_CSUM, "adler32", DAOS_PROP_CO_CSUM_ADLER32},
    {DAOS_PROP_CO_CSUM_SERVER_VERIFY, "off", DAOS_PROP_CO_CSUM_SV_OFF},
    {DAOS_PROP_CO_CSUM_SERVER_VERIFY, "on", DAOS_PROP_CO_CSUM_SV_ON},
    {DAOS_PROP_CO_DEDUP, "off", DAOS_PROP_CO_DEDUP_OFF},
    {DAOS_PROP_CO_DEDUP, "memcmp", DAOS_PROP_CO_DEDUP_MEMCMP},
    {DAOS_PROP_CO_DEDUP, "hash", DAOS_PROP_CO_DEDUP_HASH},
    {DAOS_PROP_CO_COMPRESS, "off", DAOS_PROP_CO_COMPRESS_OFF},
    {DAOS_PROP_CO_COMPRESS, "lz4", DAOS_PROP_CO_COMPRESS_LZ4},
    {DAOS_PROP_CO_COMPRESS, "deflate", DAOS_PROP_CO_COMPRESS_DEFLATE},
    {DAOS_PROP_CO_COMPRESS, "deflate1", DAOS_PROP_CO_COMPRESS_DEFLATE1},
    {DAOS_PROP_CO_COMPRESS, "deflate2", DAOS_PROP_CO_COMPRESS_DEFLATE2},
    {DAOS_PROP_CO_COMPRESS, "deflate3", DAOS_PROP_CO_COMPRESS_DEFLATE3},
    {DAOS_PROP_CO_COMPRESS, "deflate4", DAOS_PROP_CO_COMPRESS_DEFLATE4},
    {DAOS_PROP_CO_ENCRYPT, "off", DAOS_PROP_CO_ENCRYPT_OFF},
    {DAOS_PROP_CO_ENCRYPT, "aes-xts128", DAOS_PROP_CO_ENCRYPT_AES_XTS128},
    {DAOS_PROP_CO_ENCRYPT, "aes-xts256", DAOS_PROP_CO_ENCRYPT_AES_XTS256},
    {DAOS_PROP_CO_ENCRYPT, "aes-cbc128", DAOS_PROP_CO_ENCRYPT_AES_CBC128},
    {DAOS_PROP_CO_ENCRYPT, "aes-cbc192", DAOS_PROP_CO_ENCRYPT_AES_CBC192},
    {DAOS_PROP_CO_ENCRYPT, "aes-cbc256", DAOS_PROP_CO_ENCRYPT_AES_CBC256},
    {DAOS_PROP_CO_ENCRYPT, "aes-gcm128", DAOS_PROP_CO_ENCRYPT_AES_GCM128},
    {DAOS_PROP_CO_ENCRYPT, "aes-gcm256", DAOS_PROP_CO_ENCRYPT_AES_GCM256},
    {DAOS_PROP_CO_REDUN_LVL, "rank", DAOS_PROP_CO_REDUN_RANK},
    {DAOS_PROP_CO_REDUN_LVL, "node", DAOS_PROP_CO_REDUN_NODE},
    {DAOS_PROP_CO_PERF_DOMAIN, "root", DAOS_PROP_PERF_DOMAIN_ROOT},
    {DAOS_PROP_CO_PERF_DOMAIN, "group", DAOS_PROP_PERF_DOMAIN_GROUP},
    {DAOS_PROP_CO_LAYOUT_TYPE, "unknown", DAOS_PROP_CO_LAYOUT_UNKNOWN},
    {DAOS_PROP_CO_LAYOUT_TYPE, "POSIX", DAOS_PROP_CO_LAYOUT_POSIX},
    {DAOS_PROP_CO_LAYOUT_TYPE, "HDF5", DAOS_PROP_CO_LAYOUT_HDF5},
    {DAOS_PROP_CO_LAYOUT_TYPE, "PYTHON", DAOS_PROP_CO_LAYOUT_PYTHON},
    {DAOS_PROP_CO_LAYOUT_TYPE, "SPARK", DAOS_PROP_CO_LAYOUT_SPARK},
    {DAOS_PROP_CO_LAYOUT_TYPE, "DATABASE", DAOS_PROP_CO_LAYOUT_DATABASE},
    {DAOS_PROP_CO_LAYOUT_TYPE, "ROOT", DAOS_PROP_CO_LAYOUT_ROOT},
    {DAOS_PROP_CO_LAYOUT_TYPE, "SEISMIC", DAOS_PROP_CO_LAYOUT_SEISMIC},
    {DAOS_PROP_CO_LAYOUT_TYPE, "METEO", DAOS_PROP_CO_LAYOUT_METEO},
    {DAOS_PROP_CO_STATUS, "HEALTHY", DAOS_PROP_CO_STATUS_VAL(DAOS_PROP_CO_HEALTHY, 0, 0)},
};

/* Types whose value is one of its names and never a bare number. */
static bool
prop_val_names_only(uint32_t type)
{
	switch (type) {
	case DAOS_PROP_CO_CSUM:
	case DAOS_PROP_CO_CSUM_SERVER_VERIFY:
	case DAOS_PROP_CO_DEDUP:
	case DAOS_PROP_CO_COMPRESS:
	case DAOS_PROP_CO_ENCRYPT:
	case DAOS_PROP_CO_LAYOUT_TYPE:
	case DAOS_PROP_CO_STATUS:
		return true;
	default:
		return false;
	}
}

/* Byte counts, which the daos tool also takes as "1MiB", "4k"... */
static bool
prop_val_is_size(uint32_t type)
{
	return type == DAOS_PROP_CO_CSUM_CHUNK_SIZE || type == DAOS_PROP_CO_DEDUP_THRESHOLD ||
	       type == DAOS_PROP_CO_EC_CELL_SZ;
}

/* An unsigned number in C syntax (decimal, 0x..., 0...), the whole string. */
static bool
prop_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v    = strtoull(s, &end, 0);
	return errno == 0 && *end == '\0';
}

int
dc_prop_co_val_parse(uint32_t type, const char *str, uint64_t *val)
{
	uint64_t v;
	size_t   i;

	if (str == NULL || val == NULL || prop_kind_of(type) != PK_VAL || !prop_type_is_cont(type))
		return -DER_INVAL;
	for (i = 0; i < ARRAY_SIZE(prop_val_names); i++) {
		if (prop_val_names[i].pv_type == type &&
		    strcasecmp(prop_val_names[i].pv_name, str) == 0) {
			*val = prop_val_names[i].pv_val;
			return 0;
		}
	}
	if (prop_val_names_only(type))
		return -DER_INVAL;
	if (!prop_parse_u64(str, &v) &&
	    (!prop_val_is_size(type) || dcli_parse_size(str, &v, NULL) != 0))
		return -DER_INVAL;
	if (type == DAOS_PROP_CO_REDUN_FAC && v > DAOS_PROP_CO_REDUN_RF4)
		return -DER_INVAL;
	*val = v;
	return 0;
}

const char *
dc_prop_co_val_name(uint32_t type, uint64_t val)
{
	struct daos_co_status st;
	size_t                i;

	if (type == DAOS_PROP_CO_STATUS) {
		/* The value packs flags and a map version around the status. */
		daos_prop_val_2_co_status(val, &st);
		if (st.dcs_status == DAOS_PROP_CO_HEALTHY)
			return "HEALTHY";
		return st.dcs_status == DAOS_PROP_CO_UNCLEAN ? "UNCLEAN" : NULL;
	}
	for (i = 0; i < ARRAY_SIZE(prop_val_names); i++)
		if (prop_val_names[i].pv_type == type && prop_val_names[i].pv_val == val)
			return prop_val_names[i].pv_name;
	return NULL;
}

/* ---- "name:value;name:value" ---- */

static int
prop_parse_entry(char *tok, struct daos_prop_entry *entry, daos_prop_t *done)
{
	const struct dc_prop_name *pn;
	char                      *colon = strchr(tok, ':');
	char                      *val;

	/* Split at the first ':' only: labels may hold more. */
	if (colon == NULL || colon == tok || colon[1] == '\0') {
		D_ERROR("property \"%s\": expected name:value\n", tok);
		return -DER_INVAL;
	}
	*colon = '\0';
	val    = colon + 1;
	pn     = dc_prop_co_name_find(tok);
	if (pn == NULL || !pn->pn_settable) {
		D_ERROR("property %s is %s\n", tok, pn == NULL ? "unknown" : "read only");
		return -DER_INVAL;
	}
	if (daos_prop_entry_get(done, pn->pn_type) != NULL) {
		D_ERROR("property %s given twice\n", tok);
		return -DER_INVAL;
	}
	entry->dpe_type = pn->pn_type;
	if (prop_kind_of(pn->pn_type) == PK_STR) {
		if (!daos_label_is_valid(val)) {
			D_ERROR("invalid label \"%s\"\n", val);
			return -DER_INVAL;
		}
		return daos_prop_entry_set_str(entry, val, strlen(val));
	}
	return dc_prop_co_val_parse(pn->pn_type, val, &entry->dpe_val);
}

int
daos_prop_from_str(const char *str, daos_size_t len, daos_prop_t **prop)
{
	daos_prop_t *p = NULL;
	char        *buf;
	char        *save = NULL;
	char        *tok;
	uint32_t     n    = 0;
	int          rc   = 0;

	if (str == NULL || len == 0 || prop == NULL)
		return -DER_INVAL;
	D_STRNDUP(buf, str, len);
	if (buf == NULL)
		return -DER_NOMEM;
	/* Empty items (";;", a trailing ';') are skipped, as DAOS's tokenizer does. */
	for (tok = buf; *tok != '\0'; tok++)
		if (*tok != ';' && (tok == buf || tok[-1] == ';'))
			n++;
	if (n == 0 || n > DAOS_PROP_ENTRIES_MAX_NR) {
		D_ERROR("%u properties in \"%s\"\n", n, buf);
		D_GOTO(out, rc = -DER_INVAL);
	}
	p = daos_prop_alloc(n);
	if (p == NULL)
		D_GOTO(out, rc = -DER_NOMEM);
	/* Count entries as they are parsed, so the duplicate check sees only those. */
	p->dpp_nr = 0;
	for (tok = strtok_r(buf, ";", &save); tok != NULL; tok = strtok_r(NULL, ";", &save)) {
		rc = prop_parse_entry(tok, &p->dpp_entries[p->dpp_nr], p);
		p->dpp_nr++;
		if (rc != 0)
			break;
	}
	if (rc == 0)
		*prop = p;
	else
		daos_prop_free(p);
out:
	D_FREE(buf);
	return rc;
}

/* ---- wire form ---- */

static int
prop_ranks_to_dsp(const d_rank_list_t *rl, struct dsp_prop *dp)
{
	uint32_t *w;
	uint32_t  i;

	dp->dp_val = 0;
	if (rl == NULL || rl->rl_nr == 0)
		return 0;
	if (rl->rl_ranks == NULL || rl->rl_nr > DSP_LIST_MAX)
		return -DER_INVAL;
	D_ALLOC(dp->dp_str, rl->rl_nr * sizeof(*w));
	if (dp->dp_str == NULL)
		return -DER_NOMEM;
	w = (uint32_t *)dp->dp_str;
	for (i = 0; i < rl->rl_nr; i++)
		w[i] = htole32(rl->rl_ranks[i]);
	dp->dp_val = rl->rl_nr * sizeof(*w);
	return 0;
}

static int
prop_roots_to_dsp(const struct daos_prop_co_roots *roots, struct dsp_prop *dp)
{
	uint64_t *w;
	int       i;

	D_ALLOC(dp->dp_str, 8 * sizeof(*w));
	if (dp->dp_str == NULL)
		return -DER_NOMEM;
	w = (uint64_t *)dp->dp_str;
	for (i = 0; i < 4; i++) {
		w[2 * i]     = htole64(roots->cr_oids[i].lo);
		w[2 * i + 1] = htole64(roots->cr_oids[i].hi);
	}
	dp->dp_val = 8 * sizeof(*w);
	return 0;
}

static int
prop_entry_to_dsp(const struct daos_prop_entry *e, struct dsp_prop *dp)
{
	size_t size;
	int    rc;

	dp->dp_type = e->dpe_type;
	switch (prop_kind_of(e->dpe_type)) {
	case PK_VAL:
		dp->dp_kind = DSP_PROP_VAL;
		dp->dp_val  = e->dpe_val;
		return 0;
	case PK_STR:
		dp->dp_kind = DSP_PROP_STR;
		if (!prop_str_valid(e->dpe_type, e->dpe_str)) {
			D_ERROR("property %#x: missing or invalid string\n", e->dpe_type);
			return -DER_INVAL;
		}
		D_STRNDUP(dp->dp_str, e->dpe_str, strlen(e->dpe_str));
		return dp->dp_str == NULL ? -DER_NOMEM : 0;
	case PK_ACL:
		dp->dp_kind = DSP_PROP_BYTES;
		if (e->dpe_val_ptr == NULL)
			return -DER_INVAL;
		rc = prop_acl_size(e->dpe_val_ptr, &size);
		if (rc != 0)
			return rc;
		dp->dp_str = prop_memdup(e->dpe_val_ptr, size);
		if (dp->dp_str == NULL)
			return -DER_NOMEM;
		dp->dp_val = size;
		return 0;
	case PK_RANKS:
		dp->dp_kind = DSP_PROP_BYTES;
		return prop_ranks_to_dsp(e->dpe_val_ptr, dp);
	case PK_ROOTS:
		dp->dp_kind = DSP_PROP_BYTES;
		if (e->dpe_val_ptr == NULL)
			return -DER_INVAL;
		return prop_roots_to_dsp(e->dpe_val_ptr, dp);
	default:
		D_ERROR("property type %#x is unknown\n", e->dpe_type);
		return -DER_INVAL;
	}
}

int
dc_prop_to_dsp(const daos_prop_t *in, struct dsp_props *out)
{
	uint32_t i;
	int      rc = 0;

	if (out == NULL)
		return -DER_INVAL;
	memset(out, 0, sizeof(*out));
	if (in == NULL || in->dpp_nr == 0)
		return 0;
	if (in->dpp_nr > DAOS_PROP_ENTRIES_MAX_NR || in->dpp_entries == NULL)
		return -DER_INVAL;
	D_ALLOC_ARRAY(out->dps_props, in->dpp_nr);
	if (out->dps_props == NULL)
		return -DER_NOMEM;
	for (i = 0; i < in->dpp_nr; i++) {
		const struct daos_prop_entry *e = &in->dpp_entries[i];

		if (!daos_prop_is_set((struct daos_prop_entry *)e))
			continue;
		/* The server keeps one value per type; a repeated one would be ambiguous. */
		if (dsp_props_find(out, e->dpe_type) != NULL) {
			D_ERROR("property type %#x given twice\n", e->dpe_type);
			D_GOTO(err, rc = -DER_INVAL);
		}
		/* Distinct known types are fewer than DSP_PROPS_MAX. */
		D_ASSERT(out->dps_nr < DSP_PROPS_MAX || prop_kind_of(e->dpe_type) == PK_UNKNOWN);
		rc = prop_entry_to_dsp(e, &out->dps_props[out->dps_nr++]);
		if (rc != 0)
			goto err;
	}
	if (out->dps_nr == 0)
		D_FREE(out->dps_props);
	return 0;
err:
	dsp_props_fini(out);
	return rc;
}

static int
prop_entry_from_dsp(const struct dsp_prop *dp, struct daos_prop_entry *e)
{
	enum prop_kind   k   = prop_kind_of(dp->dp_type);
	const char      *s   = dp->dp_str;
	size_t           len = dp->dp_val;
	struct daos_acl  hdr;
	d_rank_list_t   *rl;
	struct daos_prop_co_roots *roots;
	uint32_t         w32;
	uint64_t         w64[2];
	uint32_t         i;

	memset(e, 0, sizeof(*e));
	e->dpe_type = dp->dp_type;
	if (k == PK_VAL) {
		if (dp->dp_kind != DSP_PROP_VAL)
			goto bad;
		e->dpe_val = dp->dp_val;
		return 0;
	}
	if (k == PK_STR) {
		if (dp->dp_kind != DSP_PROP_STR)
			goto bad;
		if (s == NULL)
			s = "";
		if (strnlen(s, prop_str_max(dp->dp_type) + 1) > prop_str_max(dp->dp_type))
			goto bad;
		D_STRNDUP(e->dpe_str, s, strlen(s));
		return e->dpe_str == NULL ? -DER_NOMEM : 0;
	}
	if (dp->dp_kind != DSP_PROP_BYTES || (len > 0 && s == NULL))
		goto bad;
	switch (k) {
	case PK_ACL:
		if (len < sizeof(hdr))
			goto bad;
		memcpy(&hdr, s, sizeof(hdr));
		if (hdr.dal_ver != DAOS_ACL_VERSION || hdr.dal_len > DAOS_ACL_MAX_ACE_LEN ||
		    len != sizeof(hdr) + hdr.dal_len)
			goto bad;
		e->dpe_val_ptr = prop_memdup(s, len);
		return e->dpe_val_ptr == NULL ? -DER_NOMEM : 0;
	case PK_RANKS:
		if (len % sizeof(w32) != 0)
			goto bad;
		rl = d_rank_list_alloc(len / sizeof(w32));
		if (rl == NULL)
			return -DER_NOMEM;
		for (i = 0; i < rl->rl_nr; i++) {
			memcpy(&w32, s + i * sizeof(w32), sizeof(w32));
			rl->rl_ranks[i] = le32toh(w32);
		}
		e->dpe_val_ptr = rl;
		return 0;
	case PK_ROOTS:
		if (len != 4 * sizeof(w64))
			goto bad;
		D_ALLOC_PTR(roots);
		if (roots == NULL)
			return -DER_NOMEM;
		for (i = 0; i < 4; i++) {
			memcpy(w64, s + i * sizeof(w64), sizeof(w64));
			roots->cr_oids[i].lo = le64toh(w64[0]);
			roots->cr_oids[i].hi = le64toh(w64[1]);
		}
		e->dpe_val_ptr = roots;
		return 0;
	default:
		break;
	}
bad:
	D_ERROR("reply property %#x: kind %u with %zu bytes does not fit the type\n", dp->dp_type,
		dp->dp_kind, len);
	e->dpe_type = 0;
	return -DER_PROTO;
}

int
dc_prop_from_dsp(const struct dsp_props *in, daos_prop_t *out)
{
	daos_prop_t reply = {0};
	uint32_t    i;
	int         rc = 0;

	if (in == NULL || out == NULL)
		return -DER_INVAL;
	if (in->dps_nr > 0 && in->dps_props == NULL)
		return -DER_PROTO;
	if (in->dps_nr > DAOS_PROP_ENTRIES_MAX_NR)
		return -DER_PROTO;
	if (in->dps_nr > 0) {
		D_ALLOC_ARRAY(reply.dpp_entries, in->dps_nr);
		if (reply.dpp_entries == NULL)
			return -DER_NOMEM;
	}
	for (i = 0; i < in->dps_nr; i++) {
		const struct dsp_prop *dp = &in->dps_props[i];

		/* A newer server's property, or a second copy of one: not ours to show. */
		if (prop_kind_of(dp->dp_type) == PK_UNKNOWN ||
		    daos_prop_entry_get(&reply, dp->dp_type) != NULL)
			continue;
		rc = prop_entry_from_dsp(dp, &reply.dpp_entries[reply.dpp_nr]);
		if (rc != 0) {
			prop_entry_free_value(&reply.dpp_entries[reply.dpp_nr]);
			goto out;
		}
		reply.dpp_nr++;
	}
	rc = prop_fill(out, &reply);
out:
	daos_prop_fini(&reply);
	return rc;
}
