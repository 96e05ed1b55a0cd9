/*
 * User attributes in the system database: one DSS_TBL_ATTR entry per name,
 * keyed by the owner's 32-byte prefix (a container: pool uuid + container
 * uuid; a pool: pool uuid + 16 zero bytes) followed by the name. The pool
 * and container services decode their handle, then hand the rest of the
 * request body and their reply encoder here (bodies: common/srv_proto.h).
 */
#include "common/proto.h"
#include "common/srv_proto.h"
#include "srv_internal.h"

static int
attr_key(const uint8_t prefix[DSS_ATTR_PREFIX], const char *name, uint8_t *key, size_t *klen)
{
	size_t n = strlen(name);

	if (n == 0 || n > DSP_ATTR_NAME_MAX)
		return -DER_INVAL;
	memcpy(key, prefix, DSS_ATTR_PREFIX);
	memcpy(key + DSS_ATTR_PREFIX, name, n);
	*klen = DSS_ATTR_PREFIX + n;
	return 0;
}

struct attr_walk {
	const uint8_t *aw_prefix;
	struct denc   *aw_enc; /* NULL: delete what matches */
	uint32_t       aw_nr;
};

static int
attr_walk_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct attr_walk *aw = arg;

	(void)val;
	(void)vlen;
	if (klen <= DSS_ATTR_PREFIX || memcmp(key, aw->aw_prefix, DSS_ATTR_PREFIX) != 0)
		return 0;
	if (aw->aw_enc == NULL)
		return dss_sysdb_del(DSS_TBL_ATTR, key, klen);
	if (aw->aw_nr < DSP_LIST_MAX) {
		denc_bytes(aw->aw_enc, (const uint8_t *)key + DSS_ATTR_PREFIX,
			   klen - DSS_ATTR_PREFIX);
		aw->aw_nr++;
	}
	return 0;
}

int
dss_attr_list(const uint8_t prefix[DSS_ATTR_PREFIX], struct ddec *d, struct denc *e)
{
	struct denc      names;
	struct attr_walk aw = {.aw_prefix = prefix, .aw_enc = &names};
	void            *buf = NULL;
	uint32_t         len = 0;
	int              rc;

	rc = ddec_finish(d);
	if (rc != 0)
		return rc;
	denc_init(&names);
	rc = dss_sysdb_foreach(DSS_TBL_ATTR, attr_walk_one, &aw);
	if (rc == 0)
		rc = denc_finish(&names, 0, &buf, &len);
	else
		denc_fini(&names);
	if (rc == 0) {
		denc_u32(e, aw.aw_nr);
		denc_raw(e, buf, len);
	}
	D_FREE(buf);
	return rc;
}

int
dss_attr_get(const uint8_t prefix[DSS_ATTR_PREFIX], struct ddec *d, struct denc *e)
{
	uint8_t  key[DSS_ATTR_PREFIX + DSP_ATTR_NAME_MAX];
	char     name[DSP_ATTR_NAME_MAX + 1];
	uint32_t n, i;
	int      rc;

	n  = ddec_count(d, DSP_LIST_MAX, 4);
	rc = ddec_finish(d);
	if (rc != 0)
		return rc;
	denc_u32(e, n);
	for (i = 0; i < n; i++) {
		void  *val  = NULL;
		size_t vlen = 0, klen;
		int    arc;

		ddec_str(d, name, sizeof(name));
		if (ddec_finish(d) != 0)
			return -DER_PROTO;
		/* each name answers for itself: a missing one does not fail the rest */
		arc = attr_key(prefix, name, key, &klen);
		if (arc == 0)
			arc = dss_sysdb_get(DSS_TBL_ATTR, key, klen, &val, &vlen);
		denc_i32(e, arc);
		denc_bytes(e, val, arc == 0 ? vlen : 0);
		D_FREE(val);
	}
	return 0;
}

int
dss_attr_set(const uint8_t prefix[DSS_ATTR_PREFIX], struct ddec *d)
{
	uint8_t  key[DSS_ATTR_PREFIX + DSP_ATTR_NAME_MAX];
	char     name[DSP_ATTR_NAME_MAX + 1];
	uint32_t n, i;
	int      rc = 0;

	n = ddec_count(d, DSP_LIST_MAX, 8);
	for (i = 0; rc == 0 && i < n; i++) {
		const void *val;
		size_t      vlen, klen;

		ddec_str(d, name, sizeof(name));
		val = ddec_bytes(d, &vlen);
		rc  = ddec_finish(d);
		if (rc == 0)
			rc = attr_key(prefix, name, key, &klen);
		if (rc == 0 && (vlen == 0 || vlen > DSS_ATTR_VAL_MAX))
			rc = -DER_INVAL;
		if (rc == 0)
			rc = dss_sysdb_put(DSS_TBL_ATTR, key, klen, val, vlen);
	}
	return rc == 0 ? ddec_finish(d) : rc;
}

int
dss_attr_del(const uint8_t prefix[DSS_ATTR_PREFIX], struct ddec *d)
{
	uint8_t  key[DSS_ATTR_PREFIX + DSP_ATTR_NAME_MAX];
	char     name[DSP_ATTR_NAME_MAX + 1];
	uint32_t n, i;
	int      rc = 0;

	n = ddec_count(d, DSP_LIST_MAX, 4);
	for (i = 0; rc == 0 && i < n; i++) {
		size_t klen;

		ddec_str(d, name, sizeof(name));
		rc = ddec_finish(d);
		if (rc == 0)
			rc = attr_key(prefix, name, key, &klen);
		if (rc == 0)
			rc = dss_sysdb_del(DSS_TBL_ATTR, key, klen);
	}
	return rc;
}

int
dss_attr_del_all(const uint8_t prefix[DSS_ATTR_PREFIX])
{
	struct attr_walk aw = {.aw_prefix = prefix};

	return dss_sysdb_foreach(DSS_TBL_ATTR, attr_walk_one, &aw);
}
