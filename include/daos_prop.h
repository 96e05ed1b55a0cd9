/*
 * daos_prop.h - pool and container properties.
 *
 * A property list (daos_prop_t) is an array of typed entries. Each entry's
 * dpe_type says which property it is (DAOS_PROP_PO_* for pools, DAOS_PROP_CO_*
 * for containers) and thereby which member of its value union is used:
 * a number (dpe_val), a string (dpe_str: labels, owners) or a pointer
 * (dpe_val_ptr: ACLs, rank lists, container roots). Lists passed to create or
 * set calls hold the entries to set; lists passed to query calls name the
 * entries to fetch (all of them when the list has no entries).
 *
 * Numbers and value encodings are DAOS's; they are stored by the servers.
 *
 * Caveats:
 * - daos_prop_free() frees the strings and pointers of each entry: set them
 *   with daos_prop_set_str()/daos_prop_set_ptr() (which copy), or hand over
 *   memory allocated with malloc.
 * - A label is 1..127 characters from [A-Za-z0-9_.:-] and must not look like
 *   a UUID (daos_label_is_valid()).
 */
#ifndef __DAOS_PROP_H__
#define __DAOS_PROP_H__

#include <ctype.h>

#include <daos_types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* ---- pool properties (value kind in brackets) ---- */
enum daos_pool_props {
	DAOS_PROP_PO_MIN               = 0,
	DAOS_PROP_PO_LABEL             = 1,  /* [str] pool label */
	DAOS_PROP_PO_ACL               = 2,  /* [ptr] struct daos_acl */
	DAOS_PROP_PO_SPACE_RB          = 3,  /* [val] % of each target reserved for rebuild */
	DAOS_PROP_PO_SELF_HEAL         = 4,  /* [val] DAOS_SELF_HEAL_* flags */
	DAOS_PROP_PO_RECLAIM           = 5,  /* [val] DAOS_RECLAIM_* */
	DAOS_PROP_PO_OWNER             = 6,  /* [str] user@[domain] */
	DAOS_PROP_PO_OWNER_GROUP       = 7,  /* [str] group@[domain] */
	DAOS_PROP_PO_SVC_LIST          = 8,  /* [ptr] d_rank_list_t of service replicas */
	DAOS_PROP_PO_EC_CELL_SZ        = 9,  /* [val] EC cell bytes */
	DAOS_PROP_PO_DATA_THRESH       = 10, /* [val] values this large go to the data tier */
	DAOS_PROP_PO_REDUN_FAC         = 11, /* [val] redundancy factor, 0..4 */
	DAOS_PROP_PO_EC_PDA            = 12, /* [val] performance domain affinity of EC objects */
	DAOS_PROP_PO_RP_PDA            = 13, /* [val] same, of replicated objects */
	DAOS_PROP_PO_GLOBAL_VERSION    = 14, /* [val] on-disk format version */
	DAOS_PROP_PO_UPGRADE_STATUS    = 15, /* [val] DAOS_UPGRADE_STATUS_* */
	DAOS_PROP_PO_SCRUB_MODE        = 16, /* [val] DAOS_SCRUB_MODE_* */
	DAOS_PROP_PO_SCRUB_FREQ        = 17, /* [val] seconds between scrubs */
	DAOS_PROP_PO_SCRUB_THRESH      = 18, /* [val] checksum errors before eviction, 0: never */
	DAOS_PROP_PO_SVC_REDUN_FAC     = 19, /* [val] pool service redundancy factor */
	DAOS_PROP_PO_OBJ_VERSION       = 20, /* [val] object layout version */
	DAOS_PROP_PO_PERF_DOMAIN       = 21, /* [val] DAOS_PROP_PERF_DOMAIN_* */
	DAOS_PROP_PO_CHECKPOINT_MODE   = 22, /* [val] DAOS_CHECKPOINT_* */
	DAOS_PROP_PO_CHECKPOINT_FREQ   = 23, /* [val] seconds between timed checkpoints */
	DAOS_PROP_PO_CHECKPOINT_THRESH = 24, /* [val] % of WAL use that forces a checkpoint */
	DAOS_PROP_PO_REINT_MODE        = 25, /* [val] DAOS_REINT_MODE_* */
	DAOS_PROP_PO_SVC_OPS_ENABLED   = 26, /* [val] 1: detect duplicate metadata requests */
	DAOS_PROP_PO_SVC_OPS_ENTRY_AGE = 27, /* [val] seconds such requests are remembered */
	DAOS_PROP_PO_MAX,
};

#define DAOS_PROP_PO_NUM (DAOS_PROP_PO_MAX - DAOS_PROP_PO_MIN - 1)

/* A byte string value (daos_prop_set_byteval). */
struct daos_prop_byteval {
	void  *dpb_data;
	size_t dpb_len;
};

#define DAOS_PROP_PO_EC_CELL_SZ_MIN (1UL << 10)
#define DAOS_PROP_PO_EC_CELL_SZ_MAX (1UL << 30)

#define DAOS_PROP_PO_REDUN_FAC_MAX     4
#define DAOS_PROP_PO_REDUN_FAC_DEFAULT 3

static inline bool
daos_rf_is_valid(unsigned long long rf)
{
	return rf <= DAOS_PROP_PO_REDUN_FAC_MAX;
}

#define DAOS_PROP_PDA_MAX           ((uint32_t)-1)
#define DAOS_PROP_PO_RP_PDA_DEFAULT DAOS_PROP_PDA_MAX
#define DAOS_PROP_PO_EC_PDA_DEFAULT ((uint32_t)1)

enum {
	DAOS_UPGRADE_STATUS_NOT_STARTED = 0,
	DAOS_UPGRADE_STATUS_IN_PROGRESS = 1,
	DAOS_UPGRADE_STATUS_COMPLETED   = 2,
	DAOS_UPGRADE_STATUS_FAILED      = 3,
};

#define DAOS_PROP_PO_SVC_REDUN_FAC_MAX     4
#define DAOS_PROP_PO_SVC_REDUN_FAC_DEFAULT 2

static inline bool
daos_svc_rf_is_valid(uint64_t svc_rf)
{
	return svc_rf <= DAOS_PROP_PO_SVC_REDUN_FAC_MAX;
}

/* Performance domain levels. */
enum {
	DAOS_PROP_PERF_DOMAIN_ROOT  = 255,
	DAOS_PROP_PERF_DOMAIN_GROUP = 200,
};

#define DAOS_PROP_PO_PERF_DOMAIN_DEFAULT DAOS_PROP_PERF_DOMAIN_ROOT
#define DAOS_PROP_CO_PERF_DOMAIN_DEFAULT DAOS_PROP_PERF_DOMAIN_ROOT

/* DAOS_PROP_PO_RECLAIM: when old versions are aggregated. */
enum {
	DAOS_RECLAIM_DISABLED = 0,
	DAOS_RECLAIM_LAZY     = 1, /* when the target is idle */
	DAOS_RECLAIM_SNAPSHOT = 2,
	DAOS_RECLAIM_BATCH    = 3,
	DAOS_RECLAIM_TIME     = 4,
};

/* DAOS_PROP_PO_REINT_MODE */
enum {
	DAOS_REINT_MODE_DATA_SYNC    = 0,
	DAOS_REINT_MODE_NO_DATA_SYNC = 1,
	DAOS_REINT_MODE_INCREMENTAL  = 2,
};

#define DAOS_PROP_PO_REINT_MODE_DEFAULT DAOS_REINT_MODE_DATA_SYNC

/* DAOS_PROP_PO_SCRUB_MODE */
enum {
	DAOS_SCRUB_MODE_OFF     = 0,
	DAOS_SCRUB_MODE_LAZY    = 1,
	DAOS_SCRUB_MODE_TIMED   = 2,
	DAOS_SCRUB_MODE_INVALID = 3,
};

#define DAOS_PROP_PO_SCRUB_MODE_DEFAULT   DAOS_SCRUB_MODE_OFF
#define DAOS_PROP_PO_SCRUB_FREQ_DEFAULT   604800 /* a week */
#define DAOS_PROP_PO_SCRUB_THRESH_DEFAULT 0

/* DAOS_PROP_PO_CHECKPOINT_MODE */
enum {
	DAOS_CHECKPOINT_DISABLED = 0,
	DAOS_CHECKPOINT_TIMED    = 1,
	DAOS_CHECKPOINT_LAZY     = 2,
};

#define DAOS_PROP_PO_CHECKPOINT_MODE_DEFAULT   DAOS_CHECKPOINT_TIMED
#define DAOS_PROP_PO_CHECKPOINT_FREQ_DEFAULT   5 /* seconds */
#define DAOS_PROP_PO_CHECKPOINT_FREQ_MIN       1
#define DAOS_PROP_PO_CHECKPOINT_FREQ_MAX       (1 << 20)
#define DAOS_PROP_PO_CHECKPOINT_THRESH_DEFAULT 50 /* % of the WAL */
#define DAOS_PROP_PO_CHECKPOINT_THRESH_MAX     75
#define DAOS_PROP_PO_CHECKPOINT_THRESH_MIN     10
#define DAOS_PROP_PO_SVC_OPS_ENABLED_DEFAULT   1
#define DAOS_PROP_PO_SVC_OPS_ENTRY_AGE_DEFAULT 300 /* seconds */
#define DAOS_PROP_PO_SVC_OPS_ENTRY_AGE_MIN     60
#define DAOS_PROP_PO_SVC_OPS_ENTRY_AGE_MAX     600

/* DAOS_PROP_PO_SELF_HEAL flags */
#define DAOS_SELF_HEAL_AUTO_EXCLUDE  (1U << 0)
#define DAOS_SELF_HEAL_AUTO_REBUILD  (1U << 1)
#define DAOS_SELF_HEAL_DELAY_REBUILD (1U << 2)

/* ---- container properties (value kind in brackets) ---- */
enum daos_cont_props {
	DAOS_PROP_CO_MIN                = 0x1000,
	DAOS_PROP_CO_LABEL              = 0x1001, /* [str] container label */
	DAOS_PROP_CO_LAYOUT_TYPE        = 0x1002, /* [val] DAOS_PROP_CO_LAYOUT_* */
	DAOS_PROP_CO_LAYOUT_VER         = 0x1003, /* [val] version of that layout */
	DAOS_PROP_CO_CSUM               = 0x1004, /* [val] DAOS_PROP_CO_CSUM_* */
	DAOS_PROP_CO_CSUM_CHUNK_SIZE    = 0x1005, /* [val] bytes per array checksum */
	DAOS_PROP_CO_CSUM_SERVER_VERIFY = 0x1006, /* [val] DAOS_PROP_CO_CSUM_SV_* */
	DAOS_PROP_CO_REDUN_FAC          = 0x1007, /* [val] DAOS_PROP_CO_REDUN_RF* */
	DAOS_PROP_CO_REDUN_LVL          = 0x1008, /* [val] DAOS_PROP_CO_REDUN_RANK/NODE */
	DAOS_PROP_CO_SNAPSHOT_MAX       = 0x1009, /* [val] snapshots kept, 0: no limit */
	DAOS_PROP_CO_ACL                = 0x100a, /* [ptr] struct daos_acl */
	DAOS_PROP_CO_COMPRESS           = 0x100b, /* [val] DAOS_PROP_CO_COMPRESS_* */
	DAOS_PROP_CO_ENCRYPT            = 0x100c, /* [val] DAOS_PROP_CO_ENCRYPT_* */
	DAOS_PROP_CO_OWNER              = 0x100d, /* [str] user@[domain] */
	DAOS_PROP_CO_OWNER_GROUP        = 0x100e, /* [str] group@[domain] */
	DAOS_PROP_CO_DEDUP              = 0x100f, /* [val] DAOS_PROP_CO_DEDUP_* */
	DAOS_PROP_CO_DEDUP_THRESHOLD    = 0x1010, /* [val] smallest value deduplicated */
	DAOS_PROP_CO_ROOTS              = 0x1011, /* [ptr] struct daos_prop_co_roots */
	DAOS_PROP_CO_STATUS             = 0x1012, /* [val] DAOS_PROP_CO_STATUS_VAL() */
	DAOS_PROP_CO_ALLOCED_OID        = 0x1013, /* [val] next oid to allocate from */
	DAOS_PROP_CO_EC_CELL_SZ         = 0x1014, /* [val] EC cell bytes (overrides the pool's) */
	DAOS_PROP_CO_EC_PDA             = 0x1015, /* [val] */
	DAOS_PROP_CO_RP_PDA             = 0x1016, /* [val] */
	DAOS_PROP_CO_GLOBAL_VERSION     = 0x1017, /* [val] immutable */
	DAOS_PROP_CO_SCRUBBER_DISABLED  = 0x1018, /* [val] 1: skip this container when scrubbing */
	DAOS_PROP_CO_OBJ_VERSION        = 0x1019, /* [val] immutable */
	DAOS_PROP_CO_PERF_DOMAIN        = 0x101a, /* [val] inherited from the pool */
	DAOS_PROP_CO_MAX,
};

/* DAOS_PROP_CO_ROOTS: the objects a middleware (DFS: superblock, root) starts from. */
struct daos_prop_co_roots {
	daos_obj_id_t cr_oids[4];
};

#define DAOS_PROP_CO_NUM (DAOS_PROP_CO_MAX - DAOS_PROP_CO_MIN - 1)

typedef uint16_t daos_cont_layout_t;

/* DAOS_PROP_CO_LAYOUT_TYPE: who laid out the container. */
enum {
	DAOS_PROP_CO_LAYOUT_UNKNOWN,
	DAOS_PROP_CO_LAYOUT_UNKOWN = DAOS_PROP_CO_LAYOUT_UNKNOWN, /* DAOS's old misspelling */
	DAOS_PROP_CO_LAYOUT_POSIX,    /* DFS, dfuse, MPI-IO */
	DAOS_PROP_CO_LAYOUT_HDF5,     /* HDF5 DAOS VOL */
	DAOS_PROP_CO_LAYOUT_PYTHON,   /* PyDAOS */
	DAOS_PROP_CO_LAYOUT_SPARK,    /* Spark shuffle */
	DAOS_PROP_CO_LAYOUT_DATABASE, /* SQL database */
	DAOS_PROP_CO_LAYOUT_ROOT,     /* ROOT/RNTuple */
	DAOS_PROP_CO_LAYOUT_SEISMIC,  /* SEG-Y */
	DAOS_PROP_CO_LAYOUT_METEO,    /* field database */
	DAOS_PROP_CO_LAYOUT_MAX
};

/* DAOS_PROP_CO_CSUM: the checksum computed by clients and kept with the data. */
enum {
	DAOS_PROP_CO_CSUM_OFF     = 0,
	DAOS_PROP_CO_CSUM_CRC16   = 1,
	DAOS_PROP_CO_CSUM_CRC32   = 2,
	DAOS_PROP_CO_CSUM_CRC64   = 3,
	DAOS_PROP_CO_CSUM_SHA1    = 4,
	DAOS_PROP_CO_CSUM_SHA256  = 5,
	DAOS_PROP_CO_CSUM_SHA512  = 6,
	DAOS_PROP_CO_CSUM_ADLER32 = 7,
};

/* DAOS_PROP_CO_CSUM_SERVER_VERIFY */
enum {
	DAOS_PROP_CO_CSUM_SV_OFF,
	DAOS_PROP_CO_CSUM_SV_ON,
};

/* DAOS_PROP_CO_DEDUP */
enum {
	DAOS_PROP_CO_DEDUP_OFF,
	DAOS_PROP_CO_DEDUP_MEMCMP,
	DAOS_PROP_CO_DEDUP_HASH,
};

/* DAOS_PROP_CO_COMPRESS */
enum {
	DAOS_PROP_CO_COMPRESS_OFF,
	DAOS_PROP_CO_COMPRESS_LZ4,
	DAOS_PROP_CO_COMPRESS_DEFLATE, /* deflate at its default level */
	DAOS_PROP_CO_COMPRESS_DEFLATE1,
	DAOS_PROP_CO_COMPRESS_DEFLATE2,
	DAOS_PROP_CO_COMPRESS_DEFLATE3,
	DAOS_PROP_CO_COMPRESS_DEFLATE4,
};

/* DAOS_PROP_CO_ENCRYPT */
enum {
	DAOS_PROP_CO_ENCRYPT_OFF,
	DAOS_PROP_CO_ENCRYPT_AES_XTS128,
	DAOS_PROP_CO_ENCRYPT_AES_XTS256,
	DAOS_PROP_CO_ENCRYPT_AES_CBC128,
	DAOS_PROP_CO_ENCRYPT_AES_CBC192,
	DAOS_PROP_CO_ENCRYPT_AES_CBC256,
	DAOS_PROP_CO_ENCRYPT_AES_GCM128,
	DAOS_PROP_CO_ENCRYPT_AES_GCM256,
};

/* DAOS_PROP_CO_REDUN_FAC: how many fault domains may fail without data loss. */
enum {
	DAOS_PROP_CO_REDUN_RF0 = 0,
	DAOS_PROP_CO_REDUN_RF1 = 1,
	DAOS_PROP_CO_REDUN_RF2 = 2,
	DAOS_PROP_CO_REDUN_RF3 = 3,
	DAOS_PROP_CO_REDUN_RF4 = 4,
	DAOS_RF_MAX            = 4,
};

/* DAOS_PROP_CO_REDUN_LVL: what a fault domain is. */
enum {
	DAOS_PROP_CO_REDUN_MIN   = 1,
	DAOS_PROP_CO_REDUN_RANK  = 1, /* an engine */
	DAOS_PROP_CO_REDUN_NODE  = 2, /* a server node */
	DAOS_PROP_CO_REDUN_FAULT = 3, /* the pool's fault domain level */
	DAOS_PROP_CO_REDUN_MAX   = 254,
};

#define DAOS_PROP_CO_REDUN_DEFAULT DAOS_PROP_CO_REDUN_NODE

/* Container health (struct daos_co_status.dcs_status). */
enum {
	DAOS_PROP_CO_HEALTHY, /* redundancy works as configured */
	DAOS_PROP_CO_UNCLEAN, /* more failures than the RF allows happened: data may be lost */
};

#define DAOS_PROP_CO_CLEAR (0x1) /* dcs_flags: clear the UNCLEAN status */

struct daos_co_status {
	uint16_t dcs_status; /* DAOS_PROP_CO_HEALTHY or DAOS_PROP_CO_UNCLEAN */
	uint16_t dcs_flags;  /* DAOS_PROP_CO_CLEAR */
	uint32_t dcs_pm_ver; /* pool map version the status was set at */
};

/* The DAOS_PROP_CO_STATUS value: flags in bits 48-63, status 32-47, map version 0-31. */
#define DAOS_PROP_CO_STATUS_VAL(status, flag, pm_ver)                                              \
	((((uint64_t)(flag)) << 48) | (((uint64_t)(status) & 0xFFFF) << 32) | ((uint64_t)(pm_ver)))

static inline uint64_t
daos_prop_co_status_2_val(struct daos_co_status *co_status)
{
	return DAOS_PROP_CO_STATUS_VAL(co_status->dcs_status, co_status->dcs_flags,
				       co_status->dcs_pm_ver);
}

static inline void
daos_prop_val_2_co_status(uint64_t val, struct daos_co_status *co_status)
{
	co_status->dcs_flags  = (uint16_t)(val >> 48);
	co_status->dcs_status = (uint16_t)((val >> 32) & 0xFFFF);
	co_status->dcs_pm_ver = (uint32_t)(val & 0xFFFFFFFF);
}

/* dpe_flags */
enum {
	DAOS_PROP_ENTRY_NOT_SET = (1 << 0), /* the query found no value for this entry */
};

struct daos_prop_entry {
	uint32_t dpe_type;  /* enum daos_pool_props or daos_cont_props */
	uint16_t dpe_flags; /* DAOS_PROP_ENTRY_* */
	uint16_t dpe_reserv;
	union {
		uint64_t   dpe_val;
		d_string_t dpe_str;
		void      *dpe_val_ptr;
	};
};

#define DAOS_PROP_ENTRIES_MAX_NR 128

#define DAOS_PROP_LABEL_MAX_LEN     (127)
#define DAOS_PROP_MAX_LABEL_BUF_LEN (DAOS_PROP_LABEL_MAX_LEN + 1)

#define DAOS_PROP_CO_LABEL_DEFAULT "container_label_not_set"
#define DAOS_PROP_PO_LABEL_DEFAULT "pool_label_not_set"

/* True when label may name a pool or a container (see the caveats above). */
static inline bool
daos_label_is_valid(const char *label)
{
	bool   maybe_uuid = false;
	size_t len;
	size_t i;

	if (label == NULL)
		return false;
	len = strnlen(label, DAOS_PROP_LABEL_MAX_LEN + 1);
	if (len == 0 || len > DAOS_PROP_LABEL_MAX_LEN)
		return false;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)label[i];

		if (c == '-')
			maybe_uuid = true;
		else if (!isalnum(c) && c != '.' && c != '_' && c != ':')
			return false;
	}
	return !(maybe_uuid && daos_is_valid_uuid_string(label, UUID_SST_NONE));
}

#define DAOS_PROP_PO_DATA_THRESH_DEFAULT (1UL << 12) /* 4 KiB */

#define DAOS_PROP_NO_PO_LABEL "pool_label_not_set"
#define DEFAULT_CONT_LABEL    "container_label_not_set"
#define DAOS_PROP_NO_CO_LABEL DEFAULT_CONT_LABEL

static inline bool
daos_perf_domain_is_valid(const char *perf_domain)
{
	return daos_label_is_valid(perf_domain);
}

typedef struct {
	uint32_t                dpp_nr; /* entries in dpp_entries */
	uint32_t                dpp_reserv;
	struct daos_prop_entry *dpp_entries;
} daos_prop_t;

/* A list of entries_nr zeroed entries (at most DAOS_PROP_ENTRIES_MAX_NR); NULL on failure. */
daos_prop_t *
daos_prop_alloc(uint32_t entries_nr);

/* Free what the entries hold and the entry array, not prop itself. */
void
daos_prop_fini(daos_prop_t *prop);

/* daos_prop_fini() then free prop. */
void
daos_prop_free(daos_prop_t *prop);

/* Parse "name:value;name:value" (the daos tool's --properties) into a new list. */
int
daos_prop_from_str(const char *str, daos_size_t len, daos_prop_t **prop);

/* A new list: old_prop's entries, replaced or extended by new_prop's. */
int
daos_prop_merge2(daos_prop_t *old_prop, daos_prop_t *new_prop, daos_prop_t **out_prop);

/* As daos_prop_merge2(), NULL on failure. */
daos_prop_t *
daos_prop_merge(daos_prop_t *old_prop, daos_prop_t *new_prop);

/* The entry of this type, or NULL. */
struct daos_prop_entry *
daos_prop_entry_get(daos_prop_t *prop, uint32_t type);

/* Set the string of the entry of this type to a copy of str (len bytes at most). */
int
daos_prop_set_str(daos_prop_t *prop, uint32_t type, const char *str, daos_size_t len);

int
daos_prop_entry_set_str(struct daos_prop_entry *entry, const char *str, daos_size_t len);

/* Set the pointer value of the entry of this type to a copy of size bytes at ptr. */
int
daos_prop_set_ptr(daos_prop_t *prop, uint32_t type, const void *ptr, daos_size_t size);

int
daos_prop_entry_set_ptr(struct daos_prop_entry *entry, const void *ptr, daos_size_t size);

int
daos_prop_entry_dup_ptr(struct daos_prop_entry *entry_dst, struct daos_prop_entry *entry_src,
			size_t len);

/* Set a byte string value (struct daos_prop_byteval) to a copy of len bytes at data. */
int
daos_prop_set_byteval(daos_prop_t *prop, uint32_t type, const void *data, size_t len);

int
daos_prop_entry_set_byteval(struct daos_prop_entry *entry, const void *data, size_t len);

int
daos_prop_entry_dup_byteval(struct daos_prop_entry *entry_dst, struct daos_prop_entry *entry_src);

/* 0 when the two ACL entries hold the same ACL. */
int
daos_prop_entry_cmp_acl(struct daos_prop_entry *entry1, struct daos_prop_entry *entry2);

int
daos_prop_entry_dup_co_roots(struct daos_prop_entry *dst, struct daos_prop_entry *src);

/* Which member of the value union an entry's type uses. */
bool
daos_prop_has_str(struct daos_prop_entry *entry);

bool
daos_prop_has_ptr(struct daos_prop_entry *entry);

bool
daos_prop_has_byteval(struct daos_prop_entry *entry);

static inline bool
daos_prop_is_set(struct daos_prop_entry *entry)
{
	return !(entry->dpe_flags & DAOS_PROP_ENTRY_NOT_SET);
}

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_PROP_H__ */
