/*
 * daos_types.h - the types every part of the client API shares: sizes, epochs,
 * handles, object IDs, iteration anchors and events.
 *
 * Layouts and values are DAOS's, so a program built against DAOS's headers and
 * one built against ours pass the same bytes to the library.
 *
 * Caveats:
 * - A daos_handle_t is only a cookie; 0 is never a valid handle (DAOS_HDL_INVAL).
 * - daos_event_t has private space of a fixed size: never copy or move an event
 *   that is in flight, the library may keep pointers into it.
 * - Anchors are opaque past da_type: start from DAOS_ANCHOR_INIT (or
 *   daos_anchor_init()) and do not change them between enumeration calls.
 */
#ifndef DAOS_TYPES_H
#define DAOS_TYPES_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <ctype.h>
#include <limits.h>
#include <uuid/uuid.h>

#include <gurt/types.h>
#include <daos_errno.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define DAOS_SYS_NAME_MAX        15 /* longest system name, without its NUL */
#define DAOS_SYS_INFO_STRING_MAX 63 /* longest string in struct daos_sys_info */

typedef uint64_t daos_size_t;
typedef uint64_t daos_off_t;

#define DAOS_HKEY_MAX 32 /* bytes of a hashed key (SHA-256 sized) */

/* ---- iteration anchors ---- */

typedef enum {
	DAOS_ANCHOR_TYPE_ZERO = 0, /* not started */
	DAOS_ANCHOR_TYPE_HKEY = 1, /* positioned by key hash (internal) */
	DAOS_ANCHOR_TYPE_KEY  = 2, /* positioned by key (internal) */
	DAOS_ANCHOR_TYPE_EOF  = 3, /* enumeration finished */
} daos_anchor_type_t;

#define DAOS_ANCHOR_BUF_MAX 104

/* Where an enumeration stopped; 128 bytes. Callers read da_type only. */
typedef struct {
	uint16_t da_type;        /* daos_anchor_type_t */
	uint16_t da_shard;       /* internal */
	uint32_t da_flags;       /* internal enumeration flags */
	uint64_t da_sub_anchors; /* internal: per-shard offsets of EC objects */
	uint8_t  da_buf[DAOS_ANCHOR_BUF_MAX]; /* internal */
} daos_anchor_t;

#define DAOS_ANCHOR_INIT                                                                           \
	{                                                                                          \
		.da_type = DAOS_ANCHOR_TYPE_ZERO, .da_shard = 0, .da_flags = 0,                    \
		.da_sub_anchors = 0, .da_buf = {0}                                                 \
	}

/* ---- handles ---- */

/* A pool, container, object, event queue or transaction handle. */
typedef struct {
	uint64_t cookie;
} daos_handle_t;

#define DAOS_HDL_INVAL ((daos_handle_t){0})
#define DAOS_TX_NONE   DAOS_HDL_INVAL /* "no transaction": each call is its own */

static inline bool
daos_handle_is_inval(daos_handle_t hdl)
{
	return hdl.cookie == 0;
}

static inline bool
daos_handle_is_valid(daos_handle_t hdl)
{
	return !daos_handle_is_inval(hdl);
}

/* Pool connection modes, exactly one of them (daos_pool_connect). */
#define DAOS_PC_RO    (1U << 0) /* read only */
#define DAOS_PC_RW    (1U << 1) /* read and write */
#define DAOS_PC_EX    (1U << 2) /* read and write, no other connection */
#define DAOS_PC_NBITS 3
#define DAOS_PC_MASK  ((1U << DAOS_PC_NBITS) - 1)

/* ---- epochs ---- */

/* A hybrid logical clock timestamp; every write carries one. */
typedef uint64_t daos_epoch_t;

/* Inclusive range [epr_lo, epr_hi]. */
typedef struct {
	daos_epoch_t epr_lo;
	daos_epoch_t epr_hi;
} daos_epoch_range_t;

#define DAOS_EPOCH_MAX (~0ULL)

/* What daos_cont_open/daos_cont_query report. */
typedef struct {
	uuid_t       ci_uuid;
	daos_epoch_t ci_lsnapshot;  /* latest snapshot */
	uint32_t     ci_nhandles;   /* open handles */
	uint32_t     ci_nsnapshots; /* snapshots */
	uint64_t     ci_md_otime;   /* last open (HLC) */
	uint64_t     ci_md_mtime;   /* last close or metadata change (HLC) */
} daos_cont_info_t;

/* A dkey or akey: any bytes, iov_len of them. */
typedef d_iov_t daos_key_t;

static inline bool
daos_key_is_null(daos_key_t key)
{
	return key.iov_buf_len == 0 || key.iov_buf == NULL;
}

/* ---- events ---- */

/*
 * Completion of one non-blocking call. ev_error holds its result once the event
 * has completed. ev_private is the library's (20 words on every architecture).
 */
typedef struct daos_event {
	int ev_error;
	struct {
		uint64_t space[20];
	} ev_private;
	uint64_t ev_debug;
} daos_event_t;

#define DAOS_EQ_WAIT   -1 /* daos_eq_poll timeout: wait forever */
#define DAOS_EQ_NOWAIT 0  /* daos_eq_poll timeout: return at once */

/* What daos_eq_query counts. */
typedef enum {
	DAOS_EQR_COMPLETED = (1),      /* completed, not yet polled */
	DAOS_EQR_WAITING   = (1 << 1), /* in flight */
	DAOS_EQR_ALL       = (DAOS_EQR_COMPLETED | DAOS_EQR_WAITING),
} daos_eq_query_t;

typedef enum {
	DAOS_EVS_READY,
	DAOS_EVS_RUNNING,
	DAOS_EVS_COMPLETED,
	DAOS_EVS_ABORTED,
} daos_ev_status_t;

/* Pool targets as (rank, index within the rank) pairs. */
struct d_tgt_list {
	d_rank_t *tl_ranks;
	int32_t  *tl_tgts;
	uint32_t  tl_nr;
};

struct daos_eq;

/* Handle types, in the low 4 bits of a cookie (odd: bit 0 marks "not a pointer"). */
enum {
	DAOS_HTYPE_EQ    = 1,
	DAOS_HTYPE_POOL  = 3,
	DAOS_HTYPE_CO    = 5,
	DAOS_HTYPE_OBJ   = 7,
	DAOS_HTYPE_ARRAY = 9,
	DAOS_HTYPE_TX    = 11,
	DAOS_HTYPE_KV    = 13,
};

/*
 * 128-bit object ID, unique in its container. The top 32 bits of hi are the
 * system's (type, class, groups: see daos_obj.h); the other 96 are the caller's.
 */
typedef struct {
	uint64_t lo;
	uint64_t hi;
} daos_obj_id_t;

#define DAOS_UUID_STR_SIZE 37 /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and NUL */

/* Letter case daos_is_valid_uuid_string accepts. */
#define UUID_SST_UPPER 1
#define UUID_SST_LOWER -1
#define UUID_SST_NONE  0

/* True when uuid is the 36-character text form of a UUID, in the case asked for. */
static inline bool
daos_is_valid_uuid_string(const char *uuid, int sensitive)
{
	const size_t len = DAOS_UUID_STR_SIZE - 1;
	size_t       i;

	if (strnlen(uuid, len) != len)
		return false;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)uuid[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
			continue;
		}
		if (!isxdigit(c))
			return false;
		if (sensitive >= UUID_SST_UPPER && islower(c))
			return false;
		if (sensitive <= UUID_SST_LOWER && isupper(c))
			return false;
	}
	return true;
}

/* An engine and the URI clients reach it at. */
struct daos_rank_uri {
	uint32_t dru_rank;
	char    *dru_uri;
};

/* What daos_mgmt_get_sys_info returns. */
struct daos_sys_info {
	char                  dsi_system_name[DAOS_SYS_INFO_STRING_MAX + 1];
	char                  dsi_fabric_provider[DAOS_SYS_INFO_STRING_MAX + 1];
	char                  dsi_agent_path[PATH_MAX];
	uint32_t              dsi_nr_ranks;
	struct daos_rank_uri *dsi_ranks;
	uint32_t              dsi_nr_ms_ranks; /* management service replicas */
	uint32_t             *dsi_ms_ranks;
};

#define DAOS_ATTR_NAME_MAX 511 /* longest pool or container attribute name */

#if defined(__cplusplus)
}
#endif

#endif /* DAOS_TYPES_H */
