/*
 * engine.h - what the server's services may use of the engine: its threads,
 * the way work moves between them, the storage of each target, and the
 * system database.
 *
 * THE THREADS
 * One daos_server process runs N target threads and one system thread, each
 * with its own scheduler (src/sched), io_uring and UCX worker (src/rpc).
 * Targets own, for every pool, their shard's durable store (a vos_store in
 * DIR/tgt<i>/<pool uuid>/). The system thread owns the system database (a
 * vos_store in DIR/sys/) and runs the management, pool and container
 * services.
 *
 * STORAGE
 * Either a data directory (files; the embedded mode) or block devices for
 * the region roles wal, meta and data (one each, or one device for several
 * roles, which then share its table), shared by every target and every
 * pool: each (pool, target) gets one slice of each device, allocated first
 * fit in the device's table (at the start of the device, two copies, so a
 * torn update leaves the previous table) and made durable before the shard
 * is formatted; a destroy frees them after the shard is gone. DIR is then
 * the control directory (control_metadata.path): superblock, system
 * database, and per shard three slice links (bio.h). `dmg storage format`
 * writes the tables (a device holding one needs force); a start holds each
 * device open with O_EXCL (a mounted device, or one another daos_server
 * uses, is refused), refuses devices of another system or role, frees the slices of pools without a
 * record (the pool service removes CREATING and DESTROYING pools itself,
 * which frees theirs) and rewrites links that disagree with the tables.
 * The tables are written with plain system calls on the system thread
 * (format, pool create and destroy only). Nothing on the data path is shared between threads: a service
 * keeps per-target state in arrays indexed by target, each slot touched
 * only by its own target thread, and work for another thread is a message
 * (dss_tgt_run / dss_tgt_foreach). The main thread only starts and stops.
 *
 * STATES
 * A server starts in DSS_AWAIT_FORMAT when its storage is blank (and the
 * configuration does not ask for automatic formatting): only management
 * requests are served until `dmg storage format`. DSS_READY: everything is
 * served. DSS_STOPPING: SIGTERM received, requests get -DER_SHUTDOWN.
 *
 * THREADING RULES
 * Every function here is called from a ULT, and says on which thread.
 */
#ifndef __ENGINE_ENGINE_H__
#define __ENGINE_ENGINE_H__

#include <gurt/common.h>

struct sched;
struct rpc_ctx;
struct vos_store;

#define DSS_TGT_MAX   64
#define DSS_NAME_MAX  63 /* system name */

/* Log a uuid: D_INFO("pool " DF_UUID "\n", DP_UUID(uuid)). */
#define DF_UUID    "%s"
#define DP_UUID(u) dss_uuid_str((u), (char[37]){0})
static inline const char *
dss_uuid_str(const unsigned char *u, char *buf)
{
	uuid_unparse_lower(u, buf);
	return buf;
}

enum dss_state {
	DSS_AWAIT_FORMAT = 0,
	DSS_READY        = 1,
	DSS_STOPPING     = 2,
};

/* ---- the process ---- */

enum dss_state dss_state(void);
unsigned int   dss_nr_targets(void);
/* The calling thread's target index, or -1 on the system thread. */
int            dss_tgt_self(void);
const char    *dss_system_name(void);
/* Root of the storage (the data directory). */
const char    *dss_storage_dir(void);
/* The rank of this server in its system (0 on one node). */
uint32_t       dss_self_rank(void);
/* Free and total bytes of the file system under the data directory; on
 * block devices, of the DATA device's slice space (system thread). */
int            dss_storage_space(uint64_t *total, uint64_t *free);

/* One block device of the engine (system thread): its slice space. */
struct dss_dev_space {
	const char *ds_path;
	const char *ds_role;   /* "wal", "meta", "data" */
	uint64_t    ds_total;  /* bytes slices may use (the device minus its table) */
	uint64_t    ds_free;
	uint32_t    ds_slices; /* slices allocated */
};
/* Fill up to max entries; how many (0 with a data directory). */
int            dss_storage_devices(struct dss_dev_space *ds, int max);

/* ---- services ---- */

/*
 * A service registers its handlers on every thread's context when the
 * thread starts (sm_init_tgt on each target thread, sm_init_sys on the
 * system thread), loads its durable state once the system database is open
 * (sm_load, system thread; called at start and after a format), and drops
 * it on shutdown or before a forced reformat (sm_unload). Any may be NULL.
 */
struct dss_module {
	const char *sm_name;
	int  (*sm_init_tgt)(int tgt, struct rpc_ctx *ctx);
	int  (*sm_init_sys)(struct rpc_ctx *ctx);
	int  (*sm_load)(void);
	void (*sm_unload)(void);
};

/*
 * System thread: format the storage (superblock, system database, target
 * folders) and load the services. Formatted storage: -DER_EXIST unless
 * force, which first unloads the services and removes every pool.
 */
int dss_storage_format(bool force);

/* ---- requests (any thread) ----
 * A handler that touches storage brackets its work with these so shutdown
 * waits for it: -DER_SHUTDOWN once the server is stopping, -DER_UNINIT
 * before it is formatted. */
int  dss_req_begin(void);
void dss_req_end(void);

struct rpc_req;
struct denc;
struct ddec;
/* Reply to req with rc and, when rc == 0, the body encoded in e (NULL: empty).
 * e is freed. An encoding failure replies -DER_NOMEM / -DER_OVERFLOW. */
void dss_reply(struct rpc_req *req, int rc, struct denc *e);

/* ---- moving work between threads ---- */

/* From a system-thread ULT: run fn(tgt, arg) as a ULT of target tgt and
 * wait for its result. */
int dss_tgt_run(int tgt, int (*fn)(int tgt, void *arg), void *arg);
/* From a system-thread ULT: run fn on every target at once, wait for all,
 * return the first error (by target order) or 0. */
int dss_tgt_foreach(int (*fn)(int tgt, void *arg), void *arg);

/* ---- pool shards on targets (target thread) ---- */

struct dss_shard_size {
	uint64_t ss_wal;
	uint64_t ss_meta;
	uint64_t ss_data;
};

/*
 * Split one target's share of a pool (bytes) into WAL, META and DATA: the
 * configured wal_size/meta_size when set, else 4 % (8 MiB..256 MiB) for the
 * WAL and 6 % (at least 8 MiB) for META, the rest DATA. -DER_INVAL when the
 * share is below DSS_SHARD_MIN or leaves less than DSS_SHARD_DATA_MIN for data.
 */
#define DSS_SHARD_MIN      (32ull << 20)
#define DSS_SHARD_DATA_MIN (16ull << 20)
int  dss_shard_split(uint64_t share, struct dss_shard_size *sz);

/* Create (format) and open the calling target's shard of pool (on block
 * devices: its slices are allocated first, by the system thread).
 * -DER_EXIST, -DER_NOSPACE (also: no free run on a device), -DER_IO. */
int  dss_shard_create(const uuid_t pool, const struct dss_shard_size *sz);
/* Open an existing shard (recovers it). -DER_NONEXIST. */
int  dss_shard_open(const uuid_t pool);
/* Close (with a checkpoint) and, if destroy, remove its files (and free its
 * slices on block devices). */
int  dss_shard_close(const uuid_t pool, bool destroy);
/* The open store of the calling target's shard, NULL if none. */
struct vos_store *dss_shard_store(const uuid_t pool);
/* Space of the calling target's shard: DATA total/free, META total. */
int  dss_shard_space(const uuid_t pool, uint64_t *data_total, uint64_t *data_free,
		     uint64_t *meta_total);

/* ---- the system database (system thread) ----
 * Durable tables of byte keys and values, in the system target's own store:
 * every put is a durable WAL commit before it returns. */

enum dss_sysdb_table {
	DSS_TBL_POOL  = 1, /* key: pool uuid; value: the pool service's record */
	DSS_TBL_CONT  = 2, /* key: pool uuid + cont uuid */
	DSS_TBL_ATTR  = 3, /* key: pool uuid + cont uuid + name */
	DSS_TBL_SYS   = 4, /* system-wide values */
	DSS_TBL_POOL_HDL = 5, /* key: pool uuid + handle uuid (pool service) */
	DSS_TBL_CONT_HDL = 6, /* key: pool uuid + cont uuid + handle uuid */
};

int dss_sysdb_put(enum dss_sysdb_table tbl, const void *key, size_t klen, const void *val,
		  size_t vlen);
/* *val is D_ALLOC'd. -DER_NONEXIST. */
int dss_sysdb_get(enum dss_sysdb_table tbl, const void *key, size_t klen, void **val,
		  size_t *vlen);
int dss_sysdb_del(enum dss_sysdb_table tbl, const void *key, size_t klen);
/* Every live key of tbl, in key order; cb returning non-zero stops with that code. */
int dss_sysdb_foreach(enum dss_sysdb_table tbl,
		      int (*cb)(const void *key, size_t klen, const void *val, size_t vlen,
				void *arg),
		      void *arg);

/* ---- user attributes (system thread; srv_attr.c) ----
 * Pool and container attributes in DSS_TBL_ATTR under an owner's prefix (a
 * container: pool uuid + container uuid; a pool: pool uuid + 16 zero bytes).
 * Each takes the rest of a request body (after the handle) and, for list and
 * get, the reply encoder; bodies as DSP_CONT_ATTR_* in common/srv_proto.h.
 * get answers every name with its own code (-DER_NONEXIST for a missing
 * one). Errors: -DER_PROTO (body), -DER_INVAL (empty or long name, empty or
 * long value), the system database's. */
#define DSS_ATTR_PREFIX  32
#define DSS_ATTR_VAL_MAX (64u * 1024 - 1024) /* a value and its name fit one message */
int dss_attr_list(const uint8_t prefix[DSS_ATTR_PREFIX], struct ddec *d, struct denc *e);
int dss_attr_get(const uint8_t prefix[DSS_ATTR_PREFIX], struct ddec *d, struct denc *e);
int dss_attr_set(const uint8_t prefix[DSS_ATTR_PREFIX], struct ddec *d);
int dss_attr_del(const uint8_t prefix[DSS_ATTR_PREFIX], struct ddec *d);
/* Every attribute of the owner (its destroy). */
int dss_attr_del_all(const uint8_t prefix[DSS_ATTR_PREFIX]);

#endif /* __ENGINE_ENGINE_H__ */
