/*
 * daos_pool.h - pools: connect, query, attributes, list containers.
 *
 * A pool is storage reserved on a set of targets. A connection (pool handle)
 * is needed to open containers in it. It can be shared with other processes:
 * daos_pool_local2global() packs it, daos_pool_global2local() turns the bytes
 * back into a handle with no server round trip.
 *
 * daos_pool_connect is a macro for daos_pool_connect2, the symbol the library
 * exports, as in DAOS.
 *
 * Caveats:
 * - Disconnecting a handle obtained with daos_pool_global2local() only
 *   releases it locally; the original holder's disconnect releases it on the
 *   servers, and then the shared copies stop working.
 * - Close the containers opened through a handle before disconnecting it.
 */
#ifndef __DAOS_POOL_H__
#define __DAOS_POOL_H__

#define daos_pool_connect daos_pool_connect2

#include <inttypes.h>
#include <sys/types.h>
#include <uuid/uuid.h>

#include <daos_types.h>
#include <daos_event.h>
#include <daos_prop.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* ---- targets ---- */

typedef enum {
	DAOS_TS_UNKNOWN,
	DAOS_TS_DOWN_OUT, /* failed and rebuilt: its data lives elsewhere */
	DAOS_TS_DOWN,     /* failed, rebuild pending or running */
	DAOS_TS_UP,       /* being reintegrated */
	DAOS_TS_UP_IN,    /* in service */
	DAOS_TS_NEW,      /* being added to the pool map */
	DAOS_TS_DRAIN,    /* its data is being moved away */
} daos_target_state_t;

typedef struct {
	int foo; /* reserved for performance figures */
} daos_target_perf_t;

/* Storage tiers: index of the space arrays below. */
enum daos_media_type_t {
	DAOS_MEDIA_SCM = 0, /* metadata tier */
	DAOS_MEDIA_NVME,    /* data tier */
	DAOS_MEDIA_MAX
};

/* Bytes, per tier. */
struct daos_space {
	uint64_t s_total[DAOS_MEDIA_MAX];
	uint64_t s_free[DAOS_MEDIA_MAX];
};

/* What daos_pool_query_target reports. */
typedef struct {
	uint32_t            ta_padding;
	daos_target_state_t ta_state;
	daos_target_perf_t  ta_perf;
	struct daos_space   ta_space;
} daos_target_info_t;

/* Pool space over its live targets. */
struct daos_pool_space {
	struct daos_space ps_space;                    /* sums */
	uint64_t          ps_free_min[DAOS_MEDIA_MAX];  /* least free on one target */
	uint64_t          ps_free_max[DAOS_MEDIA_MAX];  /* most free on one target */
	uint64_t          ps_free_mean[DAOS_MEDIA_MAX]; /* mean free per target */
	uint32_t          ps_ntargets;                  /* targets counted */
	uint32_t          ps_padding;
};

enum daos_rebuild_state_t {
	DRS_IN_PROGRESS = 0,
	DRS_NOT_STARTED = 1,
	DRS_COMPLETED   = 2,
};

enum daos_rebuild_status_flag {
	DAOS_RSF_DEGRADED = (1 << 0), /* some targets are DOWN: redundancy is reduced */
};

struct daos_rebuild_status {
	uint32_t rs_version; /* pool map version of the current or last rebuild */
	uint32_t rs_seconds; /* its duration */
	int32_t  rs_errno;   /* its failure, 0 if none */
	union {
		int32_t rs_state; /* enum daos_rebuild_state_t; COMPLETED means something only
				   * when rs_version is not 0 */
		int32_t rs_done;
	};
	uint16_t rs_max_supported_layout_ver;
	uint8_t  rs_flags; /* enum daos_rebuild_status_flag */
	uint8_t  rs_reserved_;
	int32_t  rs_fail_rank;
	uint64_t rs_toberb_obj_nr; /* objects to rebuild, grows while it runs */
	uint64_t rs_obj_nr;        /* objects rebuilt (once completed) */
	uint64_t rs_rec_nr;        /* records rebuilt (once completed) */
	uint64_t rs_size;          /* bytes rebuilt */
};

/* daos_pool_info_t.pi_bits: what a query should fill in. */
enum daos_pool_info_bit {
	DPI_SPACE                  = 1ULL << 0, /* pi_space */
	DPI_REBUILD_STATUS         = 1ULL << 1, /* pi_rebuild_st */
	DPI_ENGINES_ENABLED        = 1ULL << 2, /* ranks: engines with all targets enabled */
	DPI_ENGINES_DISABLED       = 1ULL << 3, /* ranks: engines with some targets disabled */
	DPI_ENGINES_DEAD           = 1ULL << 4, /* ranks: engines found dead */
	DPI_REBUILD_MAX_LAYOUT_VER = 1ULL << 5,
	DPI_SELF_HEAL_POLICY       = 1ULL << 6,
	DPI_ALL                    = -1,
};

typedef struct {
	uuid_t                     pi_uuid;
	uint32_t                   pi_ntargets;  /* targets */
	uint32_t                   pi_nnodes;    /* engines */
	uint32_t                   pi_ndisabled; /* targets out of service */
	uint32_t                   pi_map_ver;   /* pool map version */
	uint32_t                   pi_leader;    /* pool service leader rank */
	uint64_t                   pi_bits;      /* enum daos_pool_info_bit: in: asked, out: done */
	struct daos_pool_space     pi_space;
	struct daos_rebuild_status pi_rebuild_st;
} daos_pool_info_t;

/* One container, as daos_pool_list_cont returns it. */
struct daos_pool_cont_info {
	uuid_t pci_uuid;
	char   pci_label[DAOS_PROP_LABEL_MAX_LEN + 1];
};

/* One container, as daos_pool_filter_cont returns it. */
struct daos_pool_cont_info2 {
	struct daos_pool_cont_info pci_id;
	daos_cont_info_t           pci_cinfo;
	void                      *pci_reserved[2];
};

/* ---- connection ---- */

/*
 * Connect to pool (a label or a UUID string) of system sys (NULL: the default
 * one) with DAOS_PC_* flags. info (optional) is filled as by a query whose
 * pi_bits it carries. -DER_NONEXIST for no such pool, -DER_NO_PERM if the ACL
 * denies the mode.
 */
int
daos_pool_connect(const char *pool, const char *sys, unsigned int flags, daos_handle_t *poh,
		  daos_pool_info_t *info, daos_event_t *ev);

/* Release a connection (see the caveats for shared handles). */
int
daos_pool_disconnect(daos_handle_t poh, daos_event_t *ev);

/*
 * Pack a connection into glob for another process. With glob->iov_buf NULL,
 * only set glob->iov_buf_len to the size needed.
 */
int
daos_pool_local2global(daos_handle_t poh, d_iov_t *glob);

/* A handle from bytes packed by daos_pool_local2global(). */
int
daos_pool_global2local(d_iov_t glob, daos_handle_t *poh);

/* ---- queries ---- */

/*
 * Query the pool. info (optional): what info->pi_bits asks for. ranks
 * (optional): a new list of engines, chosen by the DPI_ENGINES_* bits (engines
 * with disabled targets when info is NULL), freed with d_rank_list_free().
 * pool_prop (optional): the entries it lists, or all properties when it has
 * no entries; free with daos_prop_free().
 */
int
daos_pool_query(daos_handle_t poh, d_rank_list_t **ranks, daos_pool_info_t *info,
		daos_prop_t *pool_prop, daos_event_t *ev);

/* State and space of target tgt of engine rank. */
int
daos_pool_query_target(daos_handle_t poh, uint32_t tgt, d_rank_t rank, daos_target_info_t *info,
		       daos_event_t *ev);

/* ---- user attributes (name -> bytes) ---- */

/*
 * List attribute names, NUL-separated, into buffer. *size: in, bytes in
 * buffer; out, bytes all names need (a NULL buffer only asks for that).
 */
int
daos_pool_list_attr(daos_handle_t poh, char *buffer, size_t *size, daos_event_t *ev);

/*
 * Fetch n attributes into buffers[i] of sizes[i] bytes; sizes[i] returns each
 * value's full size (a NULL buffers[i] only asks for it).
 */
int
daos_pool_get_attr(daos_handle_t poh, int n, char const *const names[], void *const buffers[],
		   size_t sizes[], daos_event_t *ev);

/* Create or replace n attributes. */
int
daos_pool_set_attr(daos_handle_t poh, int n, char const *const names[],
		   void const *const values[], size_t const sizes[], daos_event_t *ev);

/* Delete n attributes. */
int
daos_pool_del_attr(daos_handle_t poh, int n, char const *const names[], daos_event_t *ev);

/* ---- containers ---- */

/*
 * List the pool's containers into cbuf (*ncont entries; NULL: only count).
 * *ncont returns how many there are; -DER_TRUNC when cbuf is too short.
 */
int
daos_pool_list_cont(daos_handle_t poh, daos_size_t *ncont, struct daos_pool_cont_info *cbuf,
		    daos_event_t *ev);

/* Filters for daos_pool_filter_cont: parts "key func value", combined by AND or OR. */
enum daos_pool_cont_filter_func {
	PCF_FUNC_EQ = 0,
	PCF_FUNC_NE,
	PCF_FUNC_LT,
	PCF_FUNC_LE,
	PCF_FUNC_GT,
	PCF_FUNC_GE,
	PCF_FUNC_MAX
};

static inline const char *
daos_pool_cont_filter_func_str(enum daos_pool_cont_filter_func f)
{
	switch (f) {
	case PCF_FUNC_EQ:
		return "==";
	case PCF_FUNC_NE:
		return "!=";
	case PCF_FUNC_LT:
		return "<";
	case PCF_FUNC_LE:
		return "<=";
	case PCF_FUNC_GT:
		return ">";
	case PCF_FUNC_GE:
		return ">=";
	default:
		return "UNKNOWN";
	}
}

/* What a filter part compares (all with pcfp_val64). */
enum daos_pool_cont_filter_key {
	PCF_KEY_MD_OTIME = 0, /* last open (HLC) */
	PCF_KEY_MD_MTIME,     /* last metadata change (HLC) */
	PCF_KEY_NUM_SNAPSHOTS,
	PCF_KEY_NUM_HANDLES,
	PCF_KEY_MAX
};

static inline const char *
daos_pool_cont_filter_key_str(enum daos_pool_cont_filter_key k)
{
	switch (k) {
	case PCF_KEY_MD_OTIME:
		return "md_open_time";
	case PCF_KEY_MD_MTIME:
		return "md_modify_time";
	case PCF_KEY_NUM_SNAPSHOTS:
		return "num_snapshots";
	case PCF_KEY_NUM_HANDLES:
		return "num_handles";
	default:
		return "UNKNOWN";
	}
}

typedef struct daos_pool_cont_filter_part {
	uint32_t pcfp_func; /* enum daos_pool_cont_filter_func */
	uint32_t pcfp_key;  /* enum daos_pool_cont_filter_key */
	union {
		uint64_t   pcfp_val64;
		d_string_t pcfp_valstr;
	};
} daos_pool_cont_filter_part_t;

enum daos_pool_cont_filter_combine {
	PCF_COMBINE_LOGICAL_AND = 0,
	PCF_COMBINE_LOGICAL_OR,
};

typedef struct daos_pool_cont_filter {
	uint32_t                            pcf_combine_func; /* enum daos_pool_cont_filter_combine */
	uint32_t                            pcf_nparts;
	struct daos_pool_cont_filter_part **pcf_parts;
} daos_pool_cont_filter_t;

#define DAOS_POOL_CONT_FILTER_MAX_NPARTS (8)

/* Start an empty filter; add parts with daos_pool_cont_filter_add(), which refers to
 * each part (not copied) until daos_pool_cont_filter_fini(), as DAOS does. */
int
daos_pool_cont_filter_init(daos_pool_cont_filter_t *filt, uint32_t combine_func);

int
daos_pool_cont_filter_add(daos_pool_cont_filter_t *filt, daos_pool_cont_filter_part_t *part);

void
daos_pool_cont_filter_fini(daos_pool_cont_filter_t *filt);

/* As daos_pool_list_cont, for the containers that pass filter (NULL: all). */
int
daos_pool_filter_cont(daos_handle_t poh, daos_pool_cont_filter_t *filter, daos_size_t *ncont,
		      struct daos_pool_cont_info2 *cbuf, daos_event_t *ev);

/*
 * The DAOS_ACL_PERM_* bits a user (uid, with groups gids) has on a pool, from
 * pool_prop's ACL, OWNER and OWNER_GROUP entries.
 */
int
daos_pool_get_perms(daos_prop_t *pool_prop, uid_t uid, gid_t *gids, size_t nr_gids,
		    uint64_t *perms);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_POOL_H__ */
