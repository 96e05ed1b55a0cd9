/*
 * srv_internal.h - the engine's private state: threads ("execution streams"),
 * the superblock, and what the storage and thread files share.
 */
#ifndef __ENGINE_SRV_INTERNAL_H__
#define __ENGINE_SRV_INTERNAL_H__

#include <pthread.h>
#include <sched/sched.h>
#include <gurt/list.h>
#include "rpc/rpc.h"
#include "vos/vos.h"
#include "engine.h"
#include "srv_devtab.h"

/* One OS thread: a target (x_tgt >= 0) or the system thread (x_tgt == -1). */
struct dss_xs {
	int             x_tgt;
	pthread_t       x_thread;
	struct sched   *x_sched;
	struct rpc_ctx *x_rpc;
	void           *x_addr;     /* copy of the worker address */
	size_t          x_addr_len;
	uint32_t        x_inflight; /* requests being served (dss_req_begin/end) */
	d_list_t        x_shards;   /* targets: struct dss_shard, open pool shards */
	int             x_start_rc;
};

struct dss_shard {
	d_list_t          sh_link;
	uuid_t            sh_pool;
	struct vos_store *sh_store;
};

/* The superblock: what a data directory belongs to. */
#define DSS_SB_FILE    "superblock"
#define DSS_DEVS_FILE  "devices"   /* a control directory: the devices it was formatted with */
#define DSS_SB_MAGIC   0x3142535253544453ull /* "DSTSRSB1" */
#define DSS_SB_VERSION 1u

struct dss_superblock {
	char     sb_name[DSS_NAME_MAX + 1];
	uuid_t   sb_uuid;
	uint32_t sb_rank;
	uint32_t sb_nr_targets;
};

/* What the process was started with, after config and command line. */
struct dss_params {
	char     *dp_name;
	char     *dp_listen_addr;
	uint16_t  dp_port;
	uint32_t  dp_nr_targets;
	char     *dp_dir;       /* data directory, or the control directory with devices */
	char     *dp_dev[DSS_DEV_ROLE_NR]; /* block devices (wal, meta, data), or NULL */
	uint64_t  dp_shard_wal; /* 0: derived from the pool size */
	uint64_t  dp_shard_meta;
	bool      dp_auto_format;
	bool      dp_loopback;
};

struct dss_engine {
	struct dss_params      e_params;
	enum dss_state         e_state;
	struct dss_xs          e_sys;
	struct dss_xs          e_tgts[DSS_TGT_MAX];
	struct dss_superblock  e_sb;
	struct vos_store      *e_sysdb;   /* system thread only */
	/* device tables, one per role (block device storage): read by the main
	 * thread at start, then the system thread's alone */
	struct dss_devtab      e_devtab[DSS_DEV_ROLE_NR];
	/* the role whose e_devtab slot holds the table of role r's device (roles on
	 * one device share its first role's table) */
	int                    e_dev_first[DSS_DEV_ROLE_NR];
	int                    e_dev_excl[DSS_DEV_ROLE_NR]; /* O_EXCL fds held (0: none) */
	struct rpc_boot       *e_boot;
	uint16_t               e_port;    /* bound bootstrap port */
	bool                   e_formatted;   /* the superblock was found at start */
	bool                   e_auto_format; /* embedded mode: format blank storage at start */
	const struct dss_module *const *e_modules;
	int                    e_nr_modules;
	/* start-up handshake with the main thread */
	pthread_mutex_t        e_lock;
	pthread_cond_t         e_cond;
	int                    e_started; /* threads that finished starting */
	int                    e_sys_rc;  /* system thread's start result, 1 while pending */
};

extern struct dss_engine dss_eng;

/* srv_storage.c */
int  dss_sb_read(const char *dir, struct dss_superblock *sb);
int  dss_storage_check(const struct dss_params *p, struct dss_superblock *sb, bool *blank);
int  dss_sysdb_open(void);
void dss_sysdb_close(void);
void dss_shards_close_all(struct dss_xs *xs);

bool dss_devmode(void);
/* System thread, at start: free the slices of pools without a record, and
 * write again the slice links the tables say a shard has. */
int  dss_devs_reconcile(void);
void dss_devtabs_fini(void);

/* srv_thread.c */
/* From a target ULT: run fn(arg) as a ULT of the system thread and wait for
 * its result (on the system thread itself: call it). */
int  dss_sys_run(int (*fn)(void *arg), void *arg);
struct dss_xs *dss_xs_self(void);
int  dss_threads_start(void);
void dss_threads_stop(void);
int  dss_modules_load(void);
void dss_modules_unload(void);

#endif /* __ENGINE_SRV_INTERNAL_H__ */
