/*
 * The helpers DAOS's headers define inline, run over awkward inputs. The output
 * is compared with daos_inline.expected, which is this program's output when
 * built against DAOS's own headers (see README.md).
 */
#include <stdio.h>
#include <string.h>
#include <daos.h>

static void
label(const char *s)
{
	printf("label '%s' %d uuid-any %d uuid-upper %d uuid-lower %d\n", s,
	       daos_label_is_valid(s), daos_is_valid_uuid_string(s, UUID_SST_NONE),
	       daos_is_valid_uuid_string(s, UUID_SST_UPPER),
	       daos_is_valid_uuid_string(s, UUID_SST_LOWER));
}

int
main(void)
{
	static const char *labels[] = {
	    "a", "cont_1", "my.pool:2", "x-y", "-", "with space", "semi;colon", "slash/",
	    "12345678-1234-1234-1234-123456789abc", "12345678-1234-1234-1234-123456789ABC",
	    "12345678-1234-1234-1234-123456789aBc", "12345678-1234-1234-1234-123456789abcd",
	    "12345678_1234-1234-1234-123456789abc", "g2345678-1234-1234-1234-123456789abc", "",
	};
	char                  longl[200];
	daos_key_t            key;
	daos_anchor_t         anchor;
	struct daos_co_status st = {.dcs_status = DAOS_PROP_CO_UNCLEAN, .dcs_flags = 1,
				    .dcs_pm_ver = 77};
	struct daos_prop_entry entry = {.dpe_flags = DAOS_PROP_ENTRY_NOT_SET};
	daos_version_t        ver;
	daos_obj_id_t         oid;
	unsigned int          i;
	int                   t;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		label(labels[i]);
	memset(longl, 'l', sizeof(longl));
	longl[127] = '\0';
	printf("label 127 %d\n", daos_label_is_valid(longl));
	longl[127] = 'l';
	longl[128] = '\0';
	printf("label 128 %d null %d\n", daos_label_is_valid(longl), daos_label_is_valid(NULL));

	printf("handle %d %d %d\n", daos_handle_is_inval(DAOS_HDL_INVAL),
	       daos_handle_is_valid((daos_handle_t){5}), daos_handle_is_inval(DAOS_TX_NONE));
	d_iov_set(&key, NULL, 0);
	printf("key null %d", daos_key_is_null(key));
	d_iov_set(&key, "k", 1);
	printf(" %d\n", daos_key_is_null(key));

	printf("rf %d %d %d %d\n", daos_rf_is_valid(4), daos_rf_is_valid(5), daos_svc_rf_is_valid(4),
	       daos_svc_rf_is_valid(5));
	printf("co_status %#llx", (unsigned long long)daos_prop_co_status_2_val(&st));
	memset(&st, 0, sizeof(st));
	daos_prop_val_2_co_status(DAOS_PROP_CO_STATUS_VAL(1, 2, 0xfffffffeU), &st);
	printf(" %u %u %u\n", st.dcs_status, st.dcs_flags, st.dcs_pm_ver);
	printf("prop set %d", daos_prop_is_set(&entry));
	entry.dpe_flags = 0;
	printf(" %d perf_domain %d\n", daos_prop_is_set(&entry), daos_perf_domain_is_valid("root"));

	for (t = PCF_FUNC_EQ; t <= PCF_FUNC_MAX; t++)
		printf("filter func %d %s\n", t, daos_pool_cont_filter_func_str(t));
	for (t = PCF_KEY_MD_OTIME; t <= PCF_KEY_MAX; t++)
		printf("filter key %d %s\n", t, daos_pool_cont_filter_key_str(t));

	for (t = 0; t <= 16; t++) {
		oid.lo = 1;
		oid.hi = ((uint64_t)t << OID_FMT_TYPE_SHIFT) | ((uint64_t)OR_RS_8P2 << OID_FMT_CLASS_SHIFT) |
			 (7ULL << OID_FMT_META_SHIFT) | 0x1234;
		printf("type %d valid %d: id2type %d dlex %d alex %d du64 %d au64 %d array %d kv %d "
		       "class %#x grp %u nil %d\n",
		       t, daos_otype_t_is_valid(t), daos_obj_id2type(oid), daos_is_dkey_lexical(oid),
		       daos_is_akey_lexical(oid), daos_is_dkey_uint64(oid), daos_is_akey_uint64(oid),
		       daos_is_array(oid), daos_is_kv(oid), daos_obj_id2class(oid),
		       daos_obj_id2grp_nr(oid), daos_obj_id_is_nil(oid));
	}
	oid.lo = 0;
	oid.hi = 0;
	printf("nil %d", daos_obj_id_is_nil(oid));
	oid.hi = 0xffffffff00000000ULL | 4294967000U;
	daos_obj_oid_cycle(&oid);
	printf(" cycle %#llx", (unsigned long long)oid.hi);
	daos_obj_oid_cycle(&oid);
	printf(" %#llx\n", (unsigned long long)oid.hi);
	for (t = 0; t <= 4; t++)
		printf("pa_domain %d %d\n", t, daos_pa_domain_is_valid(t));

	memset(&anchor, 0xff, sizeof(anchor));
	daos_anchor_init(&anchor, 0);
	printf("anchor %u %u %u %llu %u eof %d", anchor.da_type, anchor.da_shard, anchor.da_flags,
	       (unsigned long long)anchor.da_sub_anchors, anchor.da_buf[DAOS_ANCHOR_BUF_MAX - 1],
	       daos_anchor_is_eof(&anchor));
	anchor.da_type = DAOS_ANCHOR_TYPE_EOF;
	printf(" %d\n", daos_anchor_is_eof(&anchor));
	daos_anchor_fini(&anchor);

	daos_version_pack(&ver);
	printf("version protocol %u raw-low-byte %u\n", daos_version_get_protocol(&ver),
	       ver.raw & 0xff);
	return 0;
}
