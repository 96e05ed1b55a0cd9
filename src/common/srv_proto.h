/*
 * common/srv_proto.h - the requests of the management, pool and container
 * services: opcodes and the layout of every body, shared by daos_server and
 * its clients (dmg, daos, libdaos). Bodies are written with common/proto.h;
 * the layout of each request and reply is listed next to its opcode, fields
 * in order. A reply's status travels in the RPC header (0 or -DER_*); a
 * failed request's reply body is empty.
 *
 * Kinds used below: str (u32 length + bytes), uuid (16 bytes), props (see
 * dsp_props_encode), pinfo (dsp_pool_info_encode), cinfo (dsp_cont_info_encode).
 * A "pool id" or "cont id" is a str holding either a UUID or a label.
 */
#ifndef __DCOMMON_SRV_PROTO_H__
#define __DCOMMON_SRV_PROTO_H__

#include "proto.h"

#define DSP_LABEL_MAX    127 /* DAOS_PROP_LABEL_MAX_LEN */
#define DSP_ATTR_NAME_MAX 255
#define DSP_PROPS_MAX    64
#define DSP_LIST_MAX     4096 /* most items one list reply carries */

enum dsp_opcode {
	/* management: system thread */
	DSP_MGMT_SYS_QUERY     = 100, /* -> str system, u32 rank, u32 state (DSS_*), u32 nr_targets,
				       *    str storage dir, u32 nr_pools */
	DSP_MGMT_FORMAT        = 101, /* u32 force -> (nothing) */
	DSP_MGMT_STORAGE_QUERY = 102, /* -> u64 fs_total, u64 fs_free, u32 nr_targets,
				       *    u64 pools_meta, u64 pools_data (bytes reserved by pools),
				       *    u32 n, n x (str device, str role, u64 total, u64 free,
				       *    u32 slices): block devices (n = 0 with a data directory;
				       *    absent from older servers) */
	DSP_MGMT_POOL_CREATE   = 103, /* str label, u64 size, u32 size_percent (0: size is bytes),
				       *    props -> uuid, pinfo */
	DSP_MGMT_POOL_DESTROY  = 104, /* str pool id, u32 force -> (nothing) */
	DSP_MGMT_POOL_LIST     = 105, /* -> u32 n, n × pinfo */
	DSP_MGMT_POOL_EVICT    = 106, /* str pool id -> u32 handles evicted */
	DSP_MGMT_POOL_GET_PROP = 107, /* str pool id -> props */
	DSP_MGMT_POOL_SET_PROP = 108, /* str pool id, props -> (nothing) */
	/* pool service: system thread */
	DSP_POOL_CONNECT       = 200, /* str pool id, uuid handle, u64 flags (DAOS_PC_*) -> pinfo,
				       *    u32 nr_targets, u32 map version */
	DSP_POOL_DISCONNECT    = 201, /* uuid pool, uuid handle -> (nothing) */
	DSP_POOL_QUERY         = 202, /* uuid pool, uuid handle -> pinfo, props */
	DSP_POOL_LIST_CONT     = 203, /* uuid pool, uuid handle -> u32 n, n × (uuid, str label) */
	DSP_POOL_ATTR_LIST     = 204, /* uuid pool, uuid handle, then as DSP_CONT_ATTR_LIST */
	DSP_POOL_ATTR_GET      = 205, /* ... as DSP_CONT_ATTR_GET */
	DSP_POOL_ATTR_SET      = 206, /* ... as DSP_CONT_ATTR_SET */
	DSP_POOL_ATTR_DEL      = 207, /* ... as DSP_CONT_ATTR_DEL */
	DSP_POOL_FILTER_CONT   = 209, /* uuid pool, uuid handle, u32 combine, u32 n, n × (u32 func,
				       *    u32 key, u64 value) -> u32 n, n × (uuid, str label, cinfo) */
	DSP_POOL_QUERY_TARGET  = 208, /* uuid pool, uuid handle, u32 rank, u32 target -> u32 state
				       *    (daos_target_state_t), u64 meta total, meta free,
				       *    data total, data free */
	/* container service: system thread */
	DSP_CONT_CREATE        = 300, /* uuid pool, uuid poh, uuid cont, props -> (nothing) */
	DSP_CONT_DESTROY       = 301, /* uuid pool, uuid poh, str cont id, u32 force -> (nothing) */
	DSP_CONT_OPEN          = 302, /* uuid pool, uuid poh, str cont id, uuid coh, u64 flags
				       *    (DAOS_COO_*) -> cinfo, props */
	DSP_CONT_CLOSE         = 303, /* uuid pool, uuid coh -> (nothing) */
	DSP_CONT_QUERY         = 304, /* uuid pool, uuid coh -> cinfo, props */
	DSP_CONT_SET_PROP      = 305, /* uuid pool, uuid coh, props -> (nothing) */
	DSP_CONT_ATTR_LIST     = 306, /* uuid pool, uuid coh -> u32 n, n × str */
	DSP_CONT_ATTR_GET      = 307, /* uuid pool, uuid coh, u32 n, n × str -> u32 n,
				       *    n × (i32 rc, bytes value) */
	DSP_CONT_ATTR_SET      = 308, /* uuid pool, uuid coh, u32 n, n × (str, bytes) -> (nothing) */
	DSP_CONT_ATTR_DEL      = 309, /* uuid pool, uuid coh, u32 n, n × str -> (nothing) */
	DSP_CONT_SNAP_CREATE   = 310, /* uuid pool, uuid coh, str name -> u64 epoch */
	DSP_CONT_SNAP_LIST     = 311, /* uuid pool, uuid coh -> u32 n, n × (u64 epoch, str name) */
	DSP_CONT_SNAP_DESTROY  = 312, /* uuid pool, uuid coh, u64 epoch -> (nothing) */
	DSP_CONT_ALLOC_OIDS    = 313, /* uuid pool, uuid coh, u64 count -> u64 first oid */
	DSP_CONT_LIST          = 314, /* uuid pool, uuid poh -> u32 n, n × (uuid, str label) */
	DSP_CONT_AGGREGATE     = 315, /* uuid pool, uuid coh, u64 epoch (0: now) -> (nothing) */
};

/* ---- properties: a list of (type, value) in DAOS's numbering ---- */

enum dsp_prop_kind {
	DSP_PROP_VAL   = 0, /* dp_val */
	DSP_PROP_STR   = 1, /* dp_str */
	DSP_PROP_BYTES = 2, /* dp_str holds dp_val bytes (ACLs) */
};

struct dsp_prop {
	uint32_t dp_type; /* DAOS_PROP_PO_* / DAOS_PROP_CO_* */
	uint32_t dp_kind;
	uint64_t dp_val;
	char    *dp_str;  /* D_ALLOC'd by the decoder */
};

struct dsp_props {
	uint32_t         dps_nr;
	struct dsp_prop *dps_props;
};

void dsp_props_encode(struct denc *e, const struct dsp_props *p);
/* -DER_PROTO, -DER_NOMEM; the result is freed with dsp_props_fini. */
int  dsp_props_decode(struct ddec *d, struct dsp_props *p);
void dsp_props_fini(struct dsp_props *p);
/* Entry of type t, or NULL. */
struct dsp_prop *dsp_props_find(const struct dsp_props *p, uint32_t t);
/* Set (add or replace) a value / string entry. -DER_NOMEM, -DER_OVERFLOW (full). */
int  dsp_props_set_val(struct dsp_props *p, uint32_t t, uint64_t v);
int  dsp_props_set_str(struct dsp_props *p, uint32_t t, const char *s);
/* Copy every entry of src into dst (replacing same types). */
int  dsp_props_merge(struct dsp_props *dst, const struct dsp_props *src);

/* ---- pool and container descriptions ---- */

enum dsp_pool_state {
	DSP_POOL_CREATING   = 0,
	DSP_POOL_READY      = 1,
	DSP_POOL_DESTROYING = 2,
};

struct dsp_pool_info {
	uuid_t   pi_uuid;
	char     pi_label[DSP_LABEL_MAX + 1];
	uint32_t pi_state;       /* enum dsp_pool_state */
	uint32_t pi_nr_targets;
	uint32_t pi_map_version;
	uint32_t pi_nhandles;    /* open pool handles */
	uint32_t pi_nconts;
	uint64_t pi_meta_total;  /* bytes, all targets (tier 0, like DAOS's SCM/metadata) */
	uint64_t pi_meta_free;
	uint64_t pi_data_total;  /* tier 1 (NVMe) */
	uint64_t pi_data_free;
	uint64_t pi_data_min;    /* least free DATA bytes on one target */
	uint64_t pi_data_max;    /* most */
};

void dsp_pool_info_encode(struct denc *e, const struct dsp_pool_info *pi);
void dsp_pool_info_decode(struct ddec *d, struct dsp_pool_info *pi);

struct dsp_cont_info {
	uuid_t   ci_uuid;
	char     ci_label[DSP_LABEL_MAX + 1];
	uint64_t ci_lsnapshot;  /* latest snapshot epoch, 0 if none */
	uint32_t ci_nsnapshots;
	uint32_t ci_nhandles;
	uint64_t ci_create_time; /* HLC */
	uint64_t ci_open_time;
	uint64_t ci_mod_time;
};

void dsp_cont_info_encode(struct denc *e, const struct dsp_cont_info *ci);
void dsp_cont_info_decode(struct ddec *d, struct dsp_cont_info *ci);

/* Is s a UUID string? (Then it names by UUID, else it is a label.) */
bool dsp_id_is_uuid(const char *s, uuid_t out);
/* Labels as DAOS allows them: 1..127 bytes of [A-Za-z0-9_.:-], not a UUID. */
bool dsp_label_valid(const char *s);

/* ---- durable handle records (system database) ----
 * A pool handle a client connected, and a container handle it opened, kept
 * by the pool and container services in DSS_TBL_POOL_HDL / DSS_TBL_CONT_HDL
 * so both survive a server restart. Keys: pool uuid + handle uuid (32
 * bytes); pool uuid + cont uuid + handle uuid (48 bytes). Values: u32
 * version, then the fields below in order. The decoders check the version
 * (-DER_DF_INCOMPT for a newer one), the length and that the key names the
 * record (-DER_DF_INVAL otherwise): a damaged record is refused, never
 * half-read. */

#define DSP_POOL_HDL_REC_VERSION 1u
#define DSP_CONT_HDL_REC_VERSION 1u
#define DSP_POOL_HDL_KEY_LEN     32
#define DSP_CONT_HDL_KEY_LEN     48

struct dsp_pool_hdl_rec {
	uuid_t   phr_pool;
	uuid_t   phr_hdl;
	uint64_t phr_flags; /* DAOS_PC_* */
	uint64_t phr_time;  /* HLC at connect */
};

struct dsp_cont_hdl_rec {
	uuid_t   chr_pool;
	uuid_t   chr_cont;
	uuid_t   chr_coh;
	uuid_t   chr_poh;   /* the pool handle it was opened through */
	uint64_t chr_flags; /* DAOS_COO_* */
	uint64_t chr_time;  /* HLC at open */
};

void dsp_pool_hdl_key(const uuid_t pool, const uuid_t hdl, uint8_t key[DSP_POOL_HDL_KEY_LEN]);
void dsp_cont_hdl_key(const uuid_t pool, const uuid_t cont, const uuid_t coh,
		      uint8_t key[DSP_CONT_HDL_KEY_LEN]);
/* Encode the record's value: 0 with *buf (D_FREE it), or -DER_NOMEM. */
int  dsp_pool_hdl_rec_encode(const struct dsp_pool_hdl_rec *r, void **buf, uint32_t *len);
int  dsp_cont_hdl_rec_encode(const struct dsp_cont_hdl_rec *r, void **buf, uint32_t *len);
/* Decode a key and value read back. -DER_DF_INVAL, -DER_DF_INCOMPT. */
int  dsp_pool_hdl_rec_decode(const void *key, size_t klen, const void *val, size_t vlen,
			     struct dsp_pool_hdl_rec *r);
int  dsp_cont_hdl_rec_decode(const void *key, size_t klen, const void *val, size_t vlen,
			     struct dsp_cont_hdl_rec *r);

#endif /* __DCOMMON_SRV_PROTO_H__ */
