/*
 * daos_obj_class.h - object classes: how an object's data is spread and
 * protected.
 *
 * A class id (daos_oclass_id_t) is a redundancy method (enum daos_obj_redun:
 * one replica, N replicas, or Reed-Solomon EC k+p) shifted by OC_REDUN_SHIFT,
 * or'ed with a number of redundancy groups; MAX_NUM_GROUPS ("GX", "SX") means
 * as many groups as the pool's targets allow, resolved when the object ID is
 * generated (daos_obj_generate_oid). Class names are those of DAOS: "S1",
 * "SX", "RP_2G1", "RP_3GX", "EC_4P2G1", "EC_16P2GX", "RP_XSF".
 *
 * The ids below 50 and the OC_TINY..OC_EC_MAX family are DAOS's older
 * pool-size-relative classes; only their numbers are kept.
 */
#ifndef __DAOS_OBJ_CLASS_H__
#define __DAOS_OBJ_CLASS_H__

#include <sys/types.h>
#include <inttypes.h>

#include <daos_types.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define MAX_OBJ_CLASS_NAME_LEN 24 /* longest class name, NUL included */

#define MAX_NUM_GROUPS               ((1 << 16UL) - 1) /* "X": every target the pool allows */
#define OC_REDUN_SHIFT               24
#define OBJ_CLASS_DEF(redun, grp_nr) ((redun << OC_REDUN_SHIFT) | grp_nr)

/* Redundancy methods (8 bits in the object ID), then the classes themselves. */
enum daos_obj_redun {
	OC_UNKNOWN = 0,

	OR_RP_1 = 1, /* a single copy: no protection */

	/* N replicas */
	OR_RP_2 = 8,
	OR_RP_3,
	OR_RP_4,
	OR_RP_5,
	OR_RP_6,
	OR_RP_8,
	OR_RP_12,
	OR_RP_16,
	OR_RP_24,
	OR_RP_32,
	OR_RP_48,
	OR_RP_64,
	OR_RP_128,

	/* Reed-Solomon, k data + p parity cells per group */
	OR_RS_2P1 = 32,
	OR_RS_2P2,
	OR_RS_4P1,
	OR_RS_4P2,
	OR_RS_8P1,
	OR_RS_8P2,
	OR_RS_16P1,
	OR_RS_16P2,
	OR_RS_4P3,
	OR_RS_8P3,
	OR_RS_16P3,

	/* older classes sized by DAOS from the pool (ids below 50 are reserved too) */
	OC_BACK_COMPAT = 50,
	OC_TINY,  /* one shard */
	OC_SMALL, /* few shards */
	OC_LARGE, /* many shards */
	OC_MAX,   /* as many shards as possible */

	OC_RP_TINY = 60, /* replicated, one group */
	OC_RP_SMALL,
	OC_RP_LARGE,
	OC_RP_MAX,

	OC_RP_SF_TINY = 70, /* more replicas, for scalable fetch */
	OC_RP_SF_SMALL,
	OC_RP_SF_LARGE,
	OC_RP_SF_MAX,

	OC_RP_XSF = 80, /* one group with as many replicas as there are fault domains */

	OC_EC_TINY = 100, /* erasure coded */
	OC_EC_SMALL,
	OC_EC_LARGE,
	OC_EC_MAX,

	/* ---- classes with an explicit layout ---- */
	/* no redundancy: S<n> has n shards, SX spreads over all targets */
	OC_S1 = OBJ_CLASS_DEF(OR_RP_1, 1ULL),
	OC_S2 = OBJ_CLASS_DEF(OR_RP_1, 2ULL),
	OC_S4 = OBJ_CLASS_DEF(OR_RP_1, 4ULL),
	OC_S6 = OBJ_CLASS_DEF(OR_RP_1, 6ULL),
	OC_S8 = OBJ_CLASS_DEF(OR_RP_1, 8ULL),
	OC_S12 = OBJ_CLASS_DEF(OR_RP_1, 12ULL),
	OC_S16 = OBJ_CLASS_DEF(OR_RP_1, 16ULL),
	OC_S32 = OBJ_CLASS_DEF(OR_RP_1, 32ULL),
	OC_SX = OBJ_CLASS_DEF(OR_RP_1, MAX_NUM_GROUPS),
	/* 2 replicas, G<n> groups (GX: as many as the targets allow) */
	OC_RP_2G1 = OBJ_CLASS_DEF(OR_RP_2, 1ULL),
	OC_RP_2G2 = OBJ_CLASS_DEF(OR_RP_2, 2ULL),
	OC_RP_2G4 = OBJ_CLASS_DEF(OR_RP_2, 4ULL),
	OC_RP_2G6 = OBJ_CLASS_DEF(OR_RP_2, 6ULL),
	OC_RP_2G8 = OBJ_CLASS_DEF(OR_RP_2, 8ULL),
	OC_RP_2G12 = OBJ_CLASS_DEF(OR_RP_2, 12ULL),
	OC_RP_2G16 = OBJ_CLASS_DEF(OR_RP_2, 16ULL),
	OC_RP_2G32 = OBJ_CLASS_DEF(OR_RP_2, 32ULL),
	OC_RP_2GX = OBJ_CLASS_DEF(OR_RP_2, MAX_NUM_GROUPS),
	/* 3 replicas, G<n> groups (GX: as many as the targets allow) */
	OC_RP_3G1 = OBJ_CLASS_DEF(OR_RP_3, 1ULL),
	OC_RP_3G2 = OBJ_CLASS_DEF(OR_RP_3, 2ULL),
	OC_RP_3G4 = OBJ_CLASS_DEF(OR_RP_3, 4ULL),
	OC_RP_3G6 = OBJ_CLASS_DEF(OR_RP_3, 6ULL),
	OC_RP_3G8 = OBJ_CLASS_DEF(OR_RP_3, 8ULL),
	OC_RP_3G12 = OBJ_CLASS_DEF(OR_RP_3, 12ULL),
	OC_RP_3G16 = OBJ_CLASS_DEF(OR_RP_3, 16ULL),
	OC_RP_3G32 = OBJ_CLASS_DEF(OR_RP_3, 32ULL),
	OC_RP_3GX = OBJ_CLASS_DEF(OR_RP_3, MAX_NUM_GROUPS),
	/* 4 replicas, G<n> groups (GX: as many as the targets allow) */
	OC_RP_4G1 = OBJ_CLASS_DEF(OR_RP_4, 1ULL),
	OC_RP_4G2 = OBJ_CLASS_DEF(OR_RP_4, 2ULL),
	OC_RP_4G4 = OBJ_CLASS_DEF(OR_RP_4, 4ULL),
	OC_RP_4G6 = OBJ_CLASS_DEF(OR_RP_4, 6ULL),
	OC_RP_4G8 = OBJ_CLASS_DEF(OR_RP_4, 8ULL),
	OC_RP_4G12 = OBJ_CLASS_DEF(OR_RP_4, 12ULL),
	OC_RP_4G16 = OBJ_CLASS_DEF(OR_RP_4, 16ULL),
	OC_RP_4G32 = OBJ_CLASS_DEF(OR_RP_4, 32ULL),
	OC_RP_4GX = OBJ_CLASS_DEF(OR_RP_4, MAX_NUM_GROUPS),
	/* 5 replicas, G<n> groups (GX: as many as the targets allow) */
	OC_RP_5G1 = OBJ_CLASS_DEF(OR_RP_5, 1ULL),
	OC_RP_5G2 = OBJ_CLASS_DEF(OR_RP_5, 2ULL),
	OC_RP_5G4 = OBJ_CLASS_DEF(OR_RP_5, 4ULL),
	OC_RP_5G6 = OBJ_CLASS_DEF(OR_RP_5, 6ULL),
	OC_RP_5G8 = OBJ_CLASS_DEF(OR_RP_5, 8ULL),
	OC_RP_5G12 = OBJ_CLASS_DEF(OR_RP_5, 12ULL),
	OC_RP_5G16 = OBJ_CLASS_DEF(OR_RP_5, 16ULL),
	OC_RP_5G32 = OBJ_CLASS_DEF(OR_RP_5, 32ULL),
	OC_RP_5GX = OBJ_CLASS_DEF(OR_RP_5, MAX_NUM_GROUPS),
	/* 6 replicas, G<n> groups (GX: as many as the targets allow) */
	OC_RP_6G1 = OBJ_CLASS_DEF(OR_RP_6, 1ULL),
	OC_RP_6G2 = OBJ_CLASS_DEF(OR_RP_6, 2ULL),
	OC_RP_6G4 = OBJ_CLASS_DEF(OR_RP_6, 4ULL),
	OC_RP_6G6 = OBJ_CLASS_DEF(OR_RP_6, 6ULL),
	OC_RP_6G8 = OBJ_CLASS_DEF(OR_RP_6, 8ULL),
	OC_RP_6G12 = OBJ_CLASS_DEF(OR_RP_6, 12ULL),
	OC_RP_6G16 = OBJ_CLASS_DEF(OR_RP_6, 16ULL),
	OC_RP_6G32 = OBJ_CLASS_DEF(OR_RP_6, 32ULL),
	OC_RP_6GX = OBJ_CLASS_DEF(OR_RP_6, MAX_NUM_GROUPS),
	/* many replicas in one group: what RP_XSF resolves to */
	OC_RP_12G1 = OBJ_CLASS_DEF(OR_RP_12, 1ULL),
	OC_RP_16G1 = OBJ_CLASS_DEF(OR_RP_16, 1ULL),
	OC_RP_24G1 = OBJ_CLASS_DEF(OR_RP_24, 1ULL),
	OC_RP_32G1 = OBJ_CLASS_DEF(OR_RP_32, 1ULL),
	OC_RP_48G1 = OBJ_CLASS_DEF(OR_RP_48, 1ULL),
	OC_RP_64G1 = OBJ_CLASS_DEF(OR_RP_64, 1ULL),
	OC_RP_128G1 = OBJ_CLASS_DEF(OR_RP_128, 1ULL),
	/* erasure code, 2 data + 1 parity cells per group */
	OC_EC_2P1G1 = OBJ_CLASS_DEF(OR_RS_2P1, 1ULL),
	OC_EC_2P1G2 = OBJ_CLASS_DEF(OR_RS_2P1, 2ULL),
	OC_EC_2P1G4 = OBJ_CLASS_DEF(OR_RS_2P1, 4ULL),
	OC_EC_2P1G6 = OBJ_CLASS_DEF(OR_RS_2P1, 6ULL),
	OC_EC_2P1G8 = OBJ_CLASS_DEF(OR_RS_2P1, 8ULL),
	OC_EC_2P1G12 = OBJ_CLASS_DEF(OR_RS_2P1, 12ULL),
	OC_EC_2P1G16 = OBJ_CLASS_DEF(OR_RS_2P1, 16ULL),
	OC_EC_2P1G32 = OBJ_CLASS_DEF(OR_RS_2P1, 32ULL),
	OC_EC_2P1GX = OBJ_CLASS_DEF(OR_RS_2P1, MAX_NUM_GROUPS),
	/* erasure code, 2 data + 2 parity cells per group */
	OC_EC_2P2G1 = OBJ_CLASS_DEF(OR_RS_2P2, 1ULL),
	OC_EC_2P2G2 = OBJ_CLASS_DEF(OR_RS_2P2, 2ULL),
	OC_EC_2P2G4 = OBJ_CLASS_DEF(OR_RS_2P2, 4ULL),
	OC_EC_2P2G6 = OBJ_CLASS_DEF(OR_RS_2P2, 6ULL),
	OC_EC_2P2G8 = OBJ_CLASS_DEF(OR_RS_2P2, 8ULL),
	OC_EC_2P2G12 = OBJ_CLASS_DEF(OR_RS_2P2, 12ULL),
	OC_EC_2P2G16 = OBJ_CLASS_DEF(OR_RS_2P2, 16ULL),
	OC_EC_2P2G32 = OBJ_CLASS_DEF(OR_RS_2P2, 32ULL),
	OC_EC_2P2GX = OBJ_CLASS_DEF(OR_RS_2P2, MAX_NUM_GROUPS),
	/* erasure code, 4 data + 1 parity cells per group */
	OC_EC_4P1G1 = OBJ_CLASS_DEF(OR_RS_4P1, 1ULL),
	OC_EC_4P1G2 = OBJ_CLASS_DEF(OR_RS_4P1, 2ULL),
	OC_EC_4P1G4 = OBJ_CLASS_DEF(OR_RS_4P1, 4ULL),
	OC_EC_4P1G6 = OBJ_CLASS_DEF(OR_RS_4P1, 6ULL),
	OC_EC_4P1G8 = OBJ_CLASS_DEF(OR_RS_4P1, 8ULL),
	OC_EC_4P1G12 = OBJ_CLASS_DEF(OR_RS_4P1, 12ULL),
	OC_EC_4P1G16 = OBJ_CLASS_DEF(OR_RS_4P1, 16ULL),
	OC_EC_4P1G32 = OBJ_CLASS_DEF(OR_RS_4P1, 32ULL),
	OC_EC_4P1GX = OBJ_CLASS_DEF(OR_RS_4P1, MAX_NUM_GROUPS),
	/* erasure code, 4 data + 2 parity cells per group */
	OC_EC_4P2G1 = OBJ_CLASS_DEF(OR_RS_4P2, 1ULL),
	OC_EC_4P2G2 = OBJ_CLASS_DEF(OR_RS_4P2, 2ULL),
	OC_EC_4P2G4 = OBJ_CLASS_DEF(OR_RS_4P2, 4ULL),
	OC_EC_4P2G6 = OBJ_CLASS_DEF(OR_RS_4P2, 6ULL),
	OC_EC_4P2G8 = OBJ_CLASS_DEF(OR_RS_4P2, 8ULL),
	OC_EC_4P2G12 = OBJ_CLASS_DEF(OR_RS_4P2, 12ULL),
	OC_EC_4P2G16 = OBJ_CLASS_DEF(OR_RS_4P2, 16ULL),
	OC_EC_4P2G32 = OBJ_CLASS_DEF(OR_RS_4P2, 32ULL),
	OC_EC_4P2GX = OBJ_CLASS_DEF(OR_RS_4P2, MAX_NUM_GROUPS),
	/* erasure code, 4 data + 3 parity cells per group */
	OC_EC_4P3G1 = OBJ_CLASS_DEF(OR_RS_4P3, 1ULL),
	OC_EC_4P3G2 = OBJ_CLASS_DEF(OR_RS_4P3, 2ULL),
	OC_EC_4P3G4 = OBJ_CLASS_DEF(OR_RS_4P3, 4ULL),
	OC_EC_4P3G6 = OBJ_CLASS_DEF(OR_RS_4P3, 6ULL),
	OC_EC_4P3G8 = OBJ_CLASS_DEF(OR_RS_4P3, 8ULL),
	OC_EC_4P3G12 = OBJ_CLASS_DEF(OR_RS_4P3, 12ULL),
	OC_EC_4P3G16 = OBJ_CLASS_DEF(OR_RS_4P3, 16ULL),
	OC_EC_4P3G32 = OBJ_CLASS_DEF(OR_RS_4P3, 32ULL),
	OC_EC_4P3GX = OBJ_CLASS_DEF(OR_RS_4P3, MAX_NUM_GROUPS),
	/* erasure code, 8 data + 1 parity cells per group */
	OC_EC_8P1G1 = OBJ_CLASS_DEF(OR_RS_8P1, 1ULL),
	OC_EC_8P1G2 = OBJ_CLASS_DEF(OR_RS_8P1, 2ULL),
	OC_EC_8P1G4 = OBJ_CLASS_DEF(OR_RS_8P1, 4ULL),
	OC_EC_8P1G6 = OBJ_CLASS_DEF(OR_RS_8P1, 6ULL),
	OC_EC_8P1G8 = OBJ_CLASS_DEF(OR_RS_8P1, 8ULL),
	OC_EC_8P1G12 = OBJ_CLASS_DEF(OR_RS_8P1, 12ULL),
	OC_EC_8P1G16 = OBJ_CLASS_DEF(OR_RS_8P1, 16ULL),
	OC_EC_8P1G32 = OBJ_CLASS_DEF(OR_RS_8P1, 32ULL),
	OC_EC_8P1GX = OBJ_CLASS_DEF(OR_RS_8P1, MAX_NUM_GROUPS),
	/* erasure code, 8 data + 2 parity cells per group */
	OC_EC_8P2G1 = OBJ_CLASS_DEF(OR_RS_8P2, 1ULL),
	OC_EC_8P2G2 = OBJ_CLASS_DEF(OR_RS_8P2, 2ULL),
	OC_EC_8P2G4 = OBJ_CLASS_DEF(OR_RS_8P2, 4ULL),
	OC_EC_8P2G6 = OBJ_CLASS_DEF(OR_RS_8P2, 6ULL),
	OC_EC_8P2G8 = OBJ_CLASS_DEF(OR_RS_8P2, 8ULL),
	OC_EC_8P2G12 = OBJ_CLASS_DEF(OR_RS_8P2, 12ULL),
	OC_EC_8P2G16 = OBJ_CLASS_DEF(OR_RS_8P2, 16ULL),
	OC_EC_8P2G32 = OBJ_CLASS_DEF(OR_RS_8P2, 32ULL),
	OC_EC_8P2GX = OBJ_CLASS_DEF(OR_RS_8P2, MAX_NUM_GROUPS),
	/* erasure code, 8 data + 3 parity cells per group */
	OC_EC_8P3G1 = OBJ_CLASS_DEF(OR_RS_8P3, 1ULL),
	OC_EC_8P3G2 = OBJ_CLASS_DEF(OR_RS_8P3, 2ULL),
	OC_EC_8P3G4 = OBJ_CLASS_DEF(OR_RS_8P3, 4ULL),
	OC_EC_8P3G6 = OBJ_CLASS_DEF(OR_RS_8P3, 6ULL),
	OC_EC_8P3G8 = OBJ_CLASS_DEF(OR_RS_8P3, 8ULL),
	OC_EC_8P3G12 = OBJ_CLASS_DEF(OR_RS_8P3, 12ULL),
	OC_EC_8P3G16 = OBJ_CLASS_DEF(OR_RS_8P3, 16ULL),
	OC_EC_8P3G32 = OBJ_CLASS_DEF(OR_RS_8P3, 32ULL),
	OC_EC_8P3GX = OBJ_CLASS_DEF(OR_RS_8P3, MAX_NUM_GROUPS),
	/* erasure code, 16 data + 1 parity cells per group */
	OC_EC_16P1G1 = OBJ_CLASS_DEF(OR_RS_16P1, 1ULL),
	OC_EC_16P1G2 = OBJ_CLASS_DEF(OR_RS_16P1, 2ULL),
	OC_EC_16P1G4 = OBJ_CLASS_DEF(OR_RS_16P1, 4ULL),
	OC_EC_16P1G6 = OBJ_CLASS_DEF(OR_RS_16P1, 6ULL),
	OC_EC_16P1G8 = OBJ_CLASS_DEF(OR_RS_16P1, 8ULL),
	OC_EC_16P1G12 = OBJ_CLASS_DEF(OR_RS_16P1, 12ULL),
	OC_EC_16P1G16 = OBJ_CLASS_DEF(OR_RS_16P1, 16ULL),
	OC_EC_16P1G32 = OBJ_CLASS_DEF(OR_RS_16P1, 32ULL),
	OC_EC_16P1GX = OBJ_CLASS_DEF(OR_RS_16P1, MAX_NUM_GROUPS),
	/* erasure code, 16 data + 2 parity cells per group */
	OC_EC_16P2G1 = OBJ_CLASS_DEF(OR_RS_16P2, 1ULL),
	OC_EC_16P2G2 = OBJ_CLASS_DEF(OR_RS_16P2, 2ULL),
	OC_EC_16P2G4 = OBJ_CLASS_DEF(OR_RS_16P2, 4ULL),
	OC_EC_16P2G6 = OBJ_CLASS_DEF(OR_RS_16P2, 6ULL),
	OC_EC_16P2G8 = OBJ_CLASS_DEF(OR_RS_16P2, 8ULL),
	OC_EC_16P2G12 = OBJ_CLASS_DEF(OR_RS_16P2, 12ULL),
	OC_EC_16P2G16 = OBJ_CLASS_DEF(OR_RS_16P2, 16ULL),
	OC_EC_16P2G32 = OBJ_CLASS_DEF(OR_RS_16P2, 32ULL),
	OC_EC_16P2GX = OBJ_CLASS_DEF(OR_RS_16P2, MAX_NUM_GROUPS),
	/* erasure code, 16 data + 3 parity cells per group */
	OC_EC_16P3G1 = OBJ_CLASS_DEF(OR_RS_16P3, 1ULL),
	OC_EC_16P3G2 = OBJ_CLASS_DEF(OR_RS_16P3, 2ULL),
	OC_EC_16P3G4 = OBJ_CLASS_DEF(OR_RS_16P3, 4ULL),
	OC_EC_16P3G6 = OBJ_CLASS_DEF(OR_RS_16P3, 6ULL),
	OC_EC_16P3G8 = OBJ_CLASS_DEF(OR_RS_16P3, 8ULL),
	OC_EC_16P3G12 = OBJ_CLASS_DEF(OR_RS_16P3, 12ULL),
	OC_EC_16P3G16 = OBJ_CLASS_DEF(OR_RS_16P3, 16ULL),
	OC_EC_16P3G32 = OBJ_CLASS_DEF(OR_RS_16P3, 32ULL),
	OC_EC_16P3GX = OBJ_CLASS_DEF(OR_RS_16P3, MAX_NUM_GROUPS),

	OC_RESERVED = 1 << 30, /* ids from here on are reserved */
};

enum daos_obj_schema {
	DAOS_OS_SINGLE,      /* one stripe */
	DAOS_OS_STRIPED,     /* fixed striping */
	DAOS_OS_DYN_STRIPED, /* dynamic striping */
	DAOS_OS_DYN_CHUNKED, /* dynamic chunking */
};

enum daos_obj_resil {
	DAOS_RES_EC,   /* erasure code */
	DAOS_RES_REPL, /* replication */
};

/* Attributes of a class. */
struct daos_oclass_attr {
	enum daos_obj_schema ca_schema;
	enum daos_obj_resil  ca_resil;
	unsigned int         ca_resil_degree; /* failures tolerated */
	unsigned int         ca_grp_nr;       /* redundancy groups (MAX_NUM_GROUPS: all) */
	union {
		struct daos_rp_attr {
			unsigned int r_proto; /* reserved */
			unsigned int r_num;   /* replicas */
		} rp;
		struct daos_ec_attr {
			unsigned short e_k;   /* data cells */
			unsigned short e_p;   /* parity cells */
			unsigned int   e_len; /* bytes per cell */
		} ec;
	} u;
};

typedef uint32_t daos_oclass_id_t;
typedef uint16_t daos_oclass_hints_t; /* DAOS_OCH_* (daos_obj.h) */

/* Buffer of daos_obj_list_class. */
struct daos_oclass_list {
	uint32_t                 cl_nr;     /* room in cl_cids */
	uint32_t                 cl_nr_out; /* returned */
	daos_oclass_id_t        *cl_cids;
	struct daos_oclass_attr *cl_cattrs; /* optional */
};

/* The id of a class name ("S1", "RP_2GX"...), OC_UNKNOWN (0) if there is none. */
int
daos_oclass_name2id(const char *name);

/*
 * Write the names of all classes, each followed by ", ", into str (size bytes).
 * Returns the length needed, -DER_OVERFLOW if str is too short.
 */
ssize_t
daos_oclass_names_list(size_t size, char *str);

/* The number of classes known (opts is reserved). */
int
daos_oclass_nr(int opts);

/*
 * Write the name of class oc_id into name (MAX_OBJ_CLASS_NAME_LEN bytes): the
 * table's name, or the method with its group count ("S3", "RP_2G5") for ids
 * with other group counts. -1 and "UNKNOWN" for an unknown method.
 */
int
daos_oclass_id2name(daos_oclass_id_t oc_id, char *name);

/* Register, query and list classes kept by a container (-DER_NOSYS in DAOS today). */
int
daos_obj_register_class(daos_handle_t coh, daos_oclass_id_t cid, struct daos_oclass_attr *attr,
			daos_event_t *ev);

int
daos_obj_query_class(daos_handle_t coh, daos_oclass_id_t cid, struct daos_oclass_attr *attr,
		     daos_event_t *ev);

int
daos_obj_list_class(daos_handle_t coh, struct daos_oclass_list *list, daos_anchor_t *anchor,
		    daos_event_t *ev);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_OBJ_CLASS_H__ */
