/*
 * common/oclass.h - the object class table and the object ID encoding, which
 * the client (daos_obj_generate_oid, daos_oclass_*) and the engine (placement,
 * redundancy) must compute identically from an oid and the pool's size.
 *
 * The classes, their names and numbers are DAOS's (daos_obj_class.h): S1..S32
 * and SX (one copy), RP_<r>G<g> and RP_<r>GX (r replicas), EC_<k>P<p>G<g> and
 * EC_<k>P<p>GX (k data + p parity cells per group), RP_XSF. A class id is
 * (redundancy << OC_REDUN_SHIFT) | groups, so an id whose group count is not in
 * the table ("S3", "RP_2G5") is still a valid class of that redundancy.
 *
 * Object IDs (daos_obj.h): the top 32 bits of oid.hi hold the type (8 bits),
 * the redundancy (8 bits) and the group count (16 bits). "X" group counts are
 * resolved when the oid is generated, from the pool's fault domains and
 * targets, keeping some targets in reserve the way DAOS does (more as the RF
 * and the pool grow), so objects created on a pool keep fitting after a few
 * failures. Ids below OR_RP_1 << OC_REDUN_SHIFT (only RP_XSF in the table) are
 * encoded as redundancy 0 with the id in the group bits.
 *
 * Everything here is a pure function of its arguments: no allocation, no
 * locking, no logging; callable on any thread.
 *
 * Caveats (DAOS's behaviour, kept on purpose):
 * - dcl_name2id() knows the table's names only: "EC_4P2G6" is no name although
 *   OC_EC_4P2G6 is an id (its name, from dcl_id2name(), is "EC_4P2G6"), and
 *   "S3" is no name either. Ids RP_12G1..RP_128G1 are in daos_obj_class.h but
 *   not in the table: unknown.
 * - RP_XSF is generated as is (redundancy 0, groups 80); placement decides
 *   its replicas.
 * - DAOS_OCH_SHD_EXT means max(1024, 70% of the targets) (DAOS documents 80%).
 */
#ifndef __DCOMMON_OCLASS_H__
#define __DCOMMON_OCLASS_H__

#include <daos_types.h>
#include <daos_obj.h>
#include <daos_obj_class.h>

/* One class of the table. */
struct dcl_class {
	const char      *cl_name;  /* "S1", "RP_2GX", "EC_4P2G1" */
	daos_oclass_id_t cl_id;
	uint32_t         cl_redun; /* enum daos_obj_redun; MAX_NUM_GROUPS for RP_XSF */
	uint32_t         cl_grp_nr;       /* groups, MAX_NUM_GROUPS for "X" */
	uint32_t         cl_rp_nr;        /* replicas (1: none, MAX_NUM_GROUPS: RP_XSF), 0 for EC */
	uint16_t         cl_ec_k;         /* EC data cells, 0 for replication */
	uint16_t         cl_ec_p;         /* EC parity cells */
	uint32_t         cl_resil_degree; /* failures tolerated per group */
};

/* What a pool offers a class, from its map (see the header comment). */
struct dcl_layout {
	uint32_t dl_domain_nr;   /* fault domains (at the container's redundancy level) */
	uint32_t dl_target_nr;   /* targets */
	uint32_t dl_rf;          /* container redundancy factor (DAOS_PROP_CO_REDUN_RF*) */
	uint32_t dl_gx_reserved; /* > 0: targets kept free for "X" classes (DAOS's
				  * D_GX_RESERVED), instead of the RF-based reserve */
};

/* ---- the table ---- */

/* Number of classes in the table. */
int dcl_class_nr(void);

/* The i-th class of the table (0 <= i < dcl_class_nr()), in DAOS's order. */
const struct dcl_class *dcl_class_at(int i);

/*
 * The class of id, or NULL: an exact table entry, or the entry of the same
 * redundancy when id carries another (non-zero) group count. *grp_nr (optional)
 * returns the group count id asks for (MAX_NUM_GROUPS for "X").
 */
const struct dcl_class *dcl_class_find(daos_oclass_id_t id, uint32_t *grp_nr);

/* Cells (replicas, or k + p) in one redundancy group of cls. */
uint32_t dcl_grp_size(const struct dcl_class *cls);

/* True when cls keeps data through failures (replicas or EC). */
bool dcl_is_redundant(const struct dcl_class *cls);

static inline bool
dcl_is_ec(const struct dcl_class *cls)
{
	return cls->cl_ec_k > 0;
}

/* ---- names ---- */

/* The id of a table name, OC_UNKNOWN (0) for any other string (NULL included). */
daos_oclass_id_t dcl_name2id(const char *name);

/*
 * Write id's name into buf (MAX_OBJ_CLASS_NAME_LEN bytes): the table's, or the
 * redundancy's name with id's group count. Returns 0, or -1 and "UNKNOWN".
 */
int dcl_id2name(daos_oclass_id_t id, char *buf);

/* "S1, S2, ..., " into str; the length, or -DER_INVAL / -DER_OVERFLOW. */
ssize_t dcl_names_list(size_t size, char *str);

/* ---- sizing and oid generation ---- */

/*
 * Resolve class id for a pool: *ord and *grp_nr are what goes in the oid.
 * -DER_INVAL for an unknown class, a pool without targets or domains, a group
 * larger than the fault domains, or more cells than targets.
 */
int dcl_fit(daos_oclass_id_t id, const struct dcl_layout *lo, uint32_t *ord, uint32_t *grp_nr);

/*
 * Choose a class for an object of type otype from hints (DAOS_OCH_*) and the
 * layout's RF, as daos_obj_generate_oid does for OC_UNKNOWN. -DER_INVAL for a
 * bad sharding hint or a pool too small for the RF.
 */
int dcl_select(enum daos_otype_t otype, daos_oclass_hints_t hints, const struct dcl_layout *lo,
	       uint32_t *ord, uint32_t *grp_nr);

/* Overwrite the top 32 bits of oid->hi with type, redundancy and groups (capped at 16 bits). */
void dcl_oid_set(daos_obj_id_t *oid, enum daos_otype_t type, uint32_t ord, uint32_t grp_nr);

/*
 * daos_obj_generate_oid without the container: class cid (OC_UNKNOWN: chosen
 * from hints) fitted to lo, encoded with type into *oid; the caller's 96 bits
 * are kept. -DER_INVAL for a bad type, class, hint or pool.
 */
int dcl_generate_oid(daos_obj_id_t *oid, enum daos_otype_t type, daos_oclass_id_t cid,
		     daos_oclass_hints_t hints, const struct dcl_layout *lo);

/*
 * The class an oid was generated with, its group count and its shard count
 * (groups x group size); -DER_INVAL for an oid of no known class. RP_XSF
 * reports one group of MAX_NUM_GROUPS cells: one per fault domain, capped by
 * placement.
 */
int dcl_oid_layout(daos_obj_id_t oid, const struct dcl_class **cls, uint32_t *grp_nr,
		   uint32_t *shard_nr);

#endif /* __DCOMMON_OCLASS_H__ */
