/*
 * Object classes: DAOS's numbers and names, name/id round trips, the oid bit
 * layout, sizing of "X" classes and class choice from hints (expected values
 * were checked against DAOS's own sizing code), redundancy attributes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <gurt/common.h>

#include "common/oclass.h"

/* A class's attributes as its name spells them: "S<g>", "RP_<r>G<g>", "EC_<k>P<p>G<g>". */
struct parsed {
	uint32_t rp, k, p, grp;
};

static uint32_t
parse_grp(const char *s)
{
	return strcmp(s, "X") == 0 ? MAX_NUM_GROUPS : (uint32_t)strtoul(s, NULL, 10);
}

static bool
parse_name(const char *name, struct parsed *pc)
{
	char g[8];

	memset(pc, 0, sizeof(*pc));
	if (name[0] == 'S') {
		pc->rp  = 1;
		pc->grp = parse_grp(name + 1);
		return true;
	}
	if (sscanf(name, "RP_%uG%7s", &pc->rp, g) == 2) {
		pc->grp = parse_grp(g);
		return true;
	}
	if (sscanf(name, "EC_%uP%uG%7s", &pc->k, &pc->p, g) == 3) {
		pc->grp = parse_grp(g);
		return true;
	}
	return false;
}

/* Ids as DAOS numbers them: redundancy << 24 | groups. */
static void
test_daos_numbers(void **state)
{
	(void)state;
	assert_int_equal(OC_S1, 0x01000001);
	assert_int_equal(OC_S32, 0x01000020);
	assert_int_equal(OC_SX, 0x0100ffff);
	assert_int_equal(OC_RP_2G1, 0x08000001);
	assert_int_equal(OC_RP_3GX, 0x0900ffff);
	assert_int_equal(OC_RP_6G32, 0x0c000020);
	assert_int_equal(OC_RP_128G1, 0x14000001);
	assert_int_equal(OC_EC_2P1G1, 0x20000001);
	assert_int_equal(OC_EC_4P2G1, 0x23000001);
	assert_int_equal(OC_EC_16P2GX, 0x2700ffff);
	assert_int_equal(OC_EC_4P3G2, 0x28000002);
	assert_int_equal(OC_EC_16P3GX, 0x2a00ffff);
	assert_int_equal(OC_RP_XSF, 80);
	assert_int_equal(OC_TINY, 51);
	assert_int_equal(OC_EC_MAX, 103);
	assert_int_equal(OC_RESERVED, 1 << 30);
	/* 9 single-copy, 5 x 9 replicated, RP_XSF, 11 x 8 erasure-coded */
	assert_int_equal(dcl_class_nr(), 143);
}

/* Every class of the table: name -> id -> name, and attributes that agree with the name. */
static void
test_names_round_trip(void **state)
{
	char buf[MAX_OBJ_CLASS_NAME_LEN];
	int  i;

	(void)state;
	for (i = 0; i < dcl_class_nr(); i++) {
		const struct dcl_class *cls = dcl_class_at(i);
		struct parsed           pc;
		uint32_t                grp;

		assert_int_equal(dcl_name2id(cls->cl_name), cls->cl_id);
		assert_int_equal(dcl_id2name(cls->cl_id, buf), 0);
		assert_string_equal(buf, cls->cl_name);
		assert_ptr_equal(dcl_class_find(cls->cl_id, &grp), cls);
		assert_int_equal(grp, cls->cl_grp_nr);
		if (cls->cl_id == OC_RP_XSF)
			continue;
		assert_true(parse_name(cls->cl_name, &pc));
		assert_int_equal(cls->cl_grp_nr, pc.grp);
		assert_int_equal(cls->cl_id & 0xffffff, pc.grp);
		assert_int_equal(cls->cl_id >> OC_REDUN_SHIFT, cls->cl_redun);
		if (pc.k > 0) {
			assert_int_equal(cls->cl_ec_k, pc.k);
			assert_int_equal(cls->cl_ec_p, pc.p);
			assert_int_equal(dcl_grp_size(cls), pc.k + pc.p);
		} else {
			assert_int_equal(cls->cl_rp_nr, pc.rp);
			assert_int_equal(dcl_grp_size(cls), pc.rp);
		}
	}
	assert_null(dcl_class_at(-1));
	assert_null(dcl_class_at(dcl_class_nr()));
}

/* Ids outside the table: named from their redundancy, or unknown. */
static void
test_other_ids(void **state)
{
	char     buf[MAX_OBJ_CLASS_NAME_LEN];
	uint32_t grp;

	(void)state;
	assert_int_equal(dcl_id2name(OBJ_CLASS_DEF(OR_RP_1, 3), buf), 0);
	assert_string_equal(buf, "S3");
	assert_int_equal(dcl_id2name(OC_RP_2G1 + 4, buf), 0);
	assert_string_equal(buf, "RP_2G5");
	assert_int_equal(dcl_id2name(OC_EC_4P2G6, buf), 0);
	assert_string_equal(buf, "EC_4P2G6");
	assert_int_equal(dcl_id2name(OBJ_CLASS_DEF(OR_RS_16P3, 1000), buf), 0);
	assert_string_equal(buf, "EC_16P3G1000");
	assert_non_null(dcl_class_find(OC_EC_4P2G6, &grp));
	assert_int_equal(grp, 6);

	/* DAOS's names are the table's only. */
	assert_int_equal(dcl_name2id("EC_4P2G6"), OC_UNKNOWN);
	assert_int_equal(dcl_name2id("S3"), OC_UNKNOWN);
	assert_int_equal(dcl_name2id("s1"), OC_UNKNOWN);
	assert_int_equal(dcl_name2id(""), OC_UNKNOWN);
	assert_int_equal(dcl_name2id(NULL), OC_UNKNOWN);
	assert_int_equal(dcl_name2id("RP_2G1_AND_A_NAME_FAR_TOO_LONG"), OC_UNKNOWN);

	assert_int_equal(dcl_id2name(OC_UNKNOWN, buf), -1);
	assert_string_equal(buf, "UNKNOWN");
	assert_int_equal(dcl_id2name(OC_RP_12G1, buf), -1); /* in the enum, not in the table */
	assert_int_equal(dcl_id2name(OBJ_CLASS_DEF(OR_RP_2, 0), buf), -1);
	assert_int_equal(dcl_id2name(OC_TINY, buf), -1);
	assert_null(dcl_class_find(OC_RESERVED, NULL));
}

static void
test_names_list(void **state)
{
	char   buf[2048];
	size_t want = 0;
	int    i;

	(void)state;
	for (i = 0; i < dcl_class_nr(); i++)
		want += strlen(dcl_class_at(i)->cl_name) + 2;
	assert_int_equal(dcl_names_list(sizeof(buf), buf), want);
	assert_int_equal(strlen(buf), want);
	assert_memory_equal(buf, "S1, S2, S4, S6, S8, S12, S16, S32, SX, RP_2G1, ", 47);
	assert_non_null(strstr(buf, ", RP_6GX, RP_XSF, EC_2P1G1, EC_2P1G2, EC_2P1G4, EC_2P1G8, "));
	assert_int_equal(dcl_names_list(want, buf), -DER_OVERFLOW);
	assert_int_equal(dcl_names_list(want + 1, buf), want);
	assert_int_equal(dcl_names_list(0, buf), -DER_INVAL);
	assert_int_equal(dcl_names_list(sizeof(buf), NULL), -DER_INVAL);
}

/* The top 32 bits of oid.hi: type, redundancy, groups; the caller's 96 bits untouched. */
static void
test_oid_layout(void **state)
{
	struct dcl_layout       lo  = {.dl_domain_nr = 8, .dl_target_nr = 8};
	daos_obj_id_t           oid = {.lo = 0x0123456789abcdefULL, .hi = 0xfedcba9876543210ULL};
	const struct dcl_class *cls;
	uint32_t                grp;
	uint32_t                shards;

	(void)state;
	assert_int_equal(dcl_generate_oid(&oid, DAOS_OT_ARRAY, OC_S1, 0, &lo), 0);
	assert_true(oid.lo == 0x0123456789abcdefULL);
	assert_true(oid.hi == ((11ULL << 56) | (1ULL << 48) | (1ULL << 32) | 0x76543210ULL));
	assert_int_equal(daos_obj_id2type(oid), DAOS_OT_ARRAY);
	assert_int_equal(daos_obj_id2class(oid), OC_S1);
	assert_int_equal(daos_obj_id2grp_nr(oid), 1);
	assert_true(daos_is_array(oid));
	assert_true(daos_is_dkey_uint64(oid));

	/* SX on 8 targets: 8 groups; the oid then carries S8's id. */
	assert_int_equal(dcl_generate_oid(&oid, DAOS_OT_KV_LEXICAL, OC_SX, 0, &lo), 0);
	assert_true(oid.hi == ((10ULL << 56) | (1ULL << 48) | (8ULL << 32) | 0x76543210ULL));
	assert_int_equal(daos_obj_id2class(oid), OC_S8);
	assert_true(daos_is_kv(oid));
	assert_true(daos_is_dkey_lexical(oid));

	/* EC 4+2 with 2 groups on 8 domains x 2 targets: 12 shards. */
	lo.dl_target_nr = 16;
	assert_int_equal(dcl_generate_oid(&oid, DAOS_OT_MULTI_HASHED, OC_EC_4P2G2, 0, &lo), 0);
	assert_int_equal(oid.hi >> 32, (uint64_t)OR_RS_4P2 << 16 | 2);
	assert_int_equal(dcl_oid_layout(oid, &cls, &grp, &shards), 0);
	assert_int_equal(cls->cl_id, OC_EC_4P2G2);
	assert_int_equal(grp, 2);
	assert_int_equal(shards, 12);

	/* RP_XSF travels as redundancy 0 with its id in the group bits. */
	assert_int_equal(dcl_generate_oid(&oid, DAOS_OT_MULTI_HASHED, OC_RP_XSF, 0, &lo), 0);
	assert_int_equal(oid.hi >> 32, 80);
	assert_int_equal(daos_obj_id2class(oid), OC_RP_XSF);
	assert_int_equal(dcl_oid_layout(oid, &cls, &grp, &shards), 0);
	assert_string_equal(cls->cl_name, "RP_XSF");

	/* Group counts above 16 bits are capped, as DAOS does. */
	dcl_oid_set(&oid, DAOS_OT_MULTI_UINT64, OR_RP_1, 1U << 20);
	assert_int_equal(daos_obj_id2grp_nr(oid), MAX_NUM_GROUPS);
	assert_true(daos_is_akey_uint64(oid));
	assert_int_equal(oid.hi & 0xffffffffULL, 0x76543210ULL);

	oid.hi = 0;
	assert_int_equal(dcl_oid_layout(oid, NULL, NULL, NULL), -DER_INVAL);
}

static void
check_fit(const char *name, uint32_t dom, uint32_t tgt, uint32_t rf, int rc, uint32_t grp)
{
	struct dcl_layout lo = {.dl_domain_nr = dom, .dl_target_nr = tgt, .dl_rf = rf};
	uint32_t          ord;
	uint32_t          grps;

	assert_int_equal(dcl_fit(dcl_name2id(name), &lo, &ord, &grps), rc);
	if (rc == 0) {
		assert_int_equal(ord, dcl_name2id(name) >> OC_REDUN_SHIFT);
		assert_int_equal(grps, grp);
	}
}

/* "X" classes keep a reserve of targets that grows with the RF and the pool. */
static void
test_fit(void **state)
{
	struct dcl_layout lo = {.dl_domain_nr = 16, .dl_target_nr = 16, .dl_gx_reserved = 4};
	uint32_t          ord;
	uint32_t          grps;

	(void)state;
	check_fit("SX", 8, 8, 0, 0, 8);
	check_fit("SX", 4, 32, 0, 0, 32);
	check_fit("SX", 16, 16, 2, 0, 13);
	check_fit("RP_2GX", 16, 64, 1, 0, 28);
	check_fit("EC_4P2GX", 64, 512, 2, 0, 79);
	check_fit("SX", 300, 2400, 2, 0, 2208);
	check_fit("S4", 8, 8, 0, 0, 4);
	check_fit("RP_3G1", 2, 8, 0, -DER_INVAL, 0);     /* 3 replicas, 2 domains */
	check_fit("S32", 8, 8, 0, -DER_INVAL, 0);        /* 32 shards, 8 targets */
	check_fit("EC_16P3GX", 18, 18, 0, -DER_INVAL, 0); /* 19 cells, 18 domains */

	assert_int_equal(dcl_fit(OC_SX, &lo, &ord, &grps), 0); /* explicit reserve */
	assert_int_equal(grps, 12);
	lo.dl_target_nr = 0;
	assert_int_equal(dcl_fit(OC_S1, &lo, &ord, &grps), -DER_INVAL);
	assert_int_equal(dcl_fit(OC_S1, NULL, &ord, &grps), -DER_INVAL);
	lo.dl_target_nr = 16;
	assert_int_equal(dcl_fit(OC_UNKNOWN, &lo, &ord, &grps), -DER_INVAL);
	assert_int_equal(dcl_fit(OC_RP_64G1, &lo, &ord, &grps), -DER_INVAL);
}

static void
check_select(int type, int hints, uint32_t dom, uint32_t tgt, uint32_t rf, int rc, uint32_t ord,
	     uint32_t grp)
{
	struct dcl_layout lo = {.dl_domain_nr = dom, .dl_target_nr = tgt, .dl_rf = rf};
	uint32_t          o;
	uint32_t          g;

	assert_int_equal(dcl_select(type, hints, &lo, &o, &g), rc);
	if (rc == 0) {
		assert_int_equal(o, ord);
		assert_int_equal(g, grp);
	}
}

/* OC_UNKNOWN: the class follows the RF, the redundancy hint, the type and the sharding hint. */
static void
test_select(void **state)
{
	daos_obj_id_t     oid = {.lo = 1};
	struct dcl_layout lo  = {.dl_domain_nr = 8, .dl_target_nr = 8};

	(void)state;
	/* arrays and flat KVs spread, other objects get one group */
	check_select(DAOS_OT_ARRAY, 0, 8, 8, 0, 0, OR_RP_1, 8);
	check_select(DAOS_OT_KV_HASHED, 0, 8, 8, 0, 0, OR_RP_1, 8);
	check_select(DAOS_OT_MULTI_HASHED, 0, 8, 8, 0, 0, OR_RP_1, 1);
	/* RF1: arrays use EC, other objects replicas; RF2: 3 replicas */
	check_select(DAOS_OT_ARRAY_BYTE, 0, 6, 24, 1, 0, OR_RS_4P1, 3);
	check_select(DAOS_OT_MULTI_HASHED, 0, 6, 24, 1, 0, OR_RP_2, 1);
	check_select(DAOS_OT_MULTI_HASHED, 0, 6, 24, 2, 0, OR_RP_3, 1);
	check_select(DAOS_OT_MULTI_HASHED, 0, 2, 8, 2, -DER_INVAL, 0, 0);
	check_select(DAOS_OT_MULTI_HASHED, 0, 8, 8, 4, 0, OR_RP_5, 1);
	/* hints */
	check_select(DAOS_OT_MULTI_HASHED, DAOS_OCH_RDD_EC | DAOS_OCH_SHD_TINY, 12, 48, 0, 0,
		     OR_RS_8P1, 1);
	check_select(DAOS_OT_MULTI_HASHED, DAOS_OCH_RDD_RP | DAOS_OCH_SHD_MAX, 8, 8, 0, 0, OR_RP_2,
		     4);
	check_select(DAOS_OT_ARRAY, DAOS_OCH_SHD_REG, 8, 1024, 0, 0, OR_RP_1, 256);
	check_select(DAOS_OT_ARRAY, DAOS_OCH_SHD_EXT, 8, 2048, 0, 0, OR_RP_1, 1433);
	check_select(DAOS_OT_MULTI_HASHED, DAOS_OCH_SHD_TINY | DAOS_OCH_SHD_HI, 8, 8, 0,
		     -DER_INVAL, 0, 0);

	assert_int_equal(dcl_generate_oid(&oid, DAOS_OT_ARRAY, OC_UNKNOWN, 0, &lo), 0);
	assert_int_equal(daos_obj_id2class(oid), OC_S8);
	assert_int_equal(dcl_generate_oid(&oid, (enum daos_otype_t)(DAOS_OT_MAX + 1), OC_S1, 0, &lo),
			 -DER_INVAL);
	assert_int_equal(dcl_generate_oid(NULL, DAOS_OT_ARRAY, OC_S1, 0, &lo), -DER_INVAL);
}

/* Redundancy classes are recognised as such, with the failures each group survives. */
static void
test_redundancy(void **state)
{
	const struct dcl_class *cls;
	int                     i;

	(void)state;
	for (i = 0; i < dcl_class_nr(); i++) {
		cls = dcl_class_at(i);
		if (cls->cl_name[0] == 'S') {
			assert_false(dcl_is_redundant(cls));
			assert_int_equal(cls->cl_resil_degree, 0);
		} else {
			assert_true(dcl_is_redundant(cls));
			assert_true(cls->cl_resil_degree > 0);
		}
		assert_int_equal(dcl_is_ec(cls), strncmp(cls->cl_name, "EC_", 3) == 0);
	}
	cls = dcl_class_find(OC_RP_3G2, NULL);
	assert_int_equal(dcl_grp_size(cls), 3);
	assert_int_equal(cls->cl_resil_degree, 2);
	cls = dcl_class_find(OC_EC_8P2G1, NULL);
	assert_int_equal(dcl_grp_size(cls), 10);
	assert_int_equal(cls->cl_resil_degree, 2);
	cls = dcl_class_find(OC_RP_XSF, NULL);
	assert_true(dcl_is_redundant(cls));
	assert_int_equal(cls->cl_resil_degree, MAX_NUM_GROUPS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_daos_numbers), cmocka_unit_test(test_names_round_trip),
	    cmocka_unit_test(test_other_ids),    cmocka_unit_test(test_names_list),
	    cmocka_unit_test(test_oid_layout),   cmocka_unit_test(test_fit),
	    cmocka_unit_test(test_select),       cmocka_unit_test(test_redundancy),
	};

	return cmocka_run_group_tests_name("oclass", tests, NULL, NULL);
}
