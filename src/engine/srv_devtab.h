/*
 * srv_devtab.h - the device table: how an engine's block devices are carved
 * into the slices of every target's shard of every pool (private to the
 * engine; built into its unit test alone, like dss_config.c).
 *
 * ON DISK (little-endian), at the start of every device the engine uses:
 *   [0, 256 KiB)          copy 0 of the table
 *   [256 KiB, 512 KiB)    copy 1
 *   [512 KiB, 1 MiB)      unused
 *   [1 MiB, end)          slices, each 1 MiB aligned
 * A copy is a struct devtab_hdr followed by nr_ents struct devtab_ent, in
 * offset order, with a CRC32C over both; the copy with the larger generation
 * that checks out is the table. An update writes the copy holding the older
 * generation (so the newest one is never being overwritten), with O_DIRECT,
 * then fdatasync (a cache flush of the device): a torn or failed update
 * leaves the previous table, and the update is not reported done.
 * The header names the system (the superblock's uuid, which `dmg storage
 * format` generates), the device itself (a uuid per format) and the roles
 * of the device (DSS_DEV_ROLE_* bits).
 *
 * THREADING: no locks; the engine uses a table from one thread at a time
 * (the main thread before the threads start, then the system thread). The
 * calls use plain system calls (they block briefly: format, pool create and
 * destroy only).
 *
 * ERRORS: -DER_NONEXIST (no table: neither copy has the magic), -DER_DF_INVAL
 * (a copy with the magic that fails its checks, or entries that overlap or
 * leave the device), -DER_DF_INCOMPT (a newer version), -DER_NOSPACE (no
 * free run long enough, or the table is full), -DER_EXIST (the slice is
 * already allocated), -DER_NOTSUPPORTED (not a block device when one is
 * required, or a logical block size that does not divide 4 KiB), -DER_IO,
 * -DER_NOMEM, -DER_INVAL.
 */
#ifndef __ENGINE_SRV_DEVTAB_H__
#define __ENGINE_SRV_DEVTAB_H__

#include <gurt/common.h>

#define DSS_DEVTAB_MAGIC    0x31425444524f5453ull /* "STORDTB1" */
#define DSS_DEVTAB_VERSION  1u
#define DSS_DEVTAB_COPY     (256u << 10)          /* bytes per copy */
#define DSS_DEVTAB_RESERVED (1ull << 20)          /* first byte a slice may use */
#define DSS_DEVTAB_ALIGN    (1ull << 20)          /* slice offsets */

enum dss_dev_role { DSS_DEV_WAL = 0, DSS_DEV_META = 1, DSS_DEV_DATA = 2, DSS_DEV_ROLE_NR = 3 };

struct dss_devtab_ent {
	uuid_t   de_pool;
	uint32_t de_tgt;
	uint32_t de_role; /* enum dss_dev_role */
	uint64_t de_off;  /* bytes from the device's start, DSS_DEVTAB_ALIGN aligned */
	uint64_t de_len;  /* bytes, a multiple of 4 KiB */
};

struct dss_devtab {
	char                  *dt_path;  /* the device (for messages and I/O) */
	uint64_t               dt_gen;   /* generation of the newest copy on disk */
	uuid_t                 dt_sys;   /* system (superblock) uuid */
	uuid_t                 dt_dev;   /* this device's uuid */
	uint32_t               dt_roles; /* 1 << enum dss_dev_role */
	uint64_t               dt_size;  /* device bytes when formatted */
	uint32_t               dt_nr;
	uint32_t               dt_cap;
	struct dss_devtab_ent *dt_ents;  /* sorted by de_off, no overlaps */
};

/* Most entries one copy holds. */
uint32_t dss_devtab_max_ents(void);
/* The bytes of a copy that hold the table (header + entries, 4 KiB rounded). */
size_t dss_devtab_copy_len(uint32_t nr);

/* Encode dt as a copy of generation gen into buf (len >= dss_devtab_copy_len). */
int dss_devtab_encode(const struct dss_devtab *dt, uint64_t gen, void *buf, size_t len);
/* Decode and check one copy (dt_path untouched, dt_ents allocated). */
int dss_devtab_decode(const void *buf, size_t len, struct dss_devtab *dt);
/*
 * The table from two copies (each DSS_DEVTAB_COPY bytes, either may be
 * NULL): the valid one of larger generation. *torn (if not NULL) says a copy
 * had the magic and failed its checks (a torn update, or damage).
 */
int dss_devtab_pick(const void *copy0, const void *copy1, struct dss_devtab *dt, bool *torn);

/* First fit: a slice of len bytes (rounded up to 4 KiB) for (pool, tgt, role). */
int dss_devtab_alloc(struct dss_devtab *dt, const uuid_t pool, uint32_t tgt, uint32_t role,
		     uint64_t len, uint64_t *off);
/* Drop every entry of (pool, tgt) (tgt UINT32_MAX: of every target); how many. */
uint32_t dss_devtab_free(struct dss_devtab *dt, const uuid_t pool, uint32_t tgt);
/* The entry of (pool, tgt, role), or NULL. */
const struct dss_devtab_ent *dss_devtab_find(const struct dss_devtab *dt, const uuid_t pool,
					     uint32_t tgt, uint32_t role);
/* Bytes slices may use, and bytes allocated. */
uint64_t dss_devtab_usable(const struct dss_devtab *dt);
uint64_t dss_devtab_used(const struct dss_devtab *dt);

/* ---- on a device (plain system calls) ---- */

/* Size of the block device at path (BLKGETSIZE64); refuses other files and
 * logical block sizes that do not divide 4 KiB (a message names the device). */
int dss_devtab_dev_size(const char *path, uint64_t *size);
/* Read the table of the device at path (dt_path is set). */
int dss_devtab_read(const char *path, struct dss_devtab *dt, bool *torn);
/* A new, empty table for the device at path: both copies written. */
int dss_devtab_init(const char *path, const uuid_t sys, uint32_t roles, struct dss_devtab *dt);
/* Write dt as the next generation (the older copy), then fdatasync. */
int dss_devtab_write(struct dss_devtab *dt);
/* Free what dt holds (not the device). */
void dss_devtab_fini(struct dss_devtab *dt);

#endif /* __ENGINE_SRV_DEVTAB_H__ */
