/*
 * engine/dss_config.h - the configuration of daos_server: what the YAML file
 * (daos_server start -o FILE) and the command line decide before anything
 * touches storage or the network.
 *
 * Order of use: dss_cfg_defaults(), dss_cfg_load() for a file, command-line
 * overrides written straight into the fields, dss_cfg_validate() on the
 * result, and dss_cfg_fini() in every case. Nothing here writes to storage,
 * opens devices or resolves names, so a bad configuration is refused before
 * the server has changed anything.
 *
 * THE FILE (keys and meaning follow DAOS's daos_server.yml where DAOS has
 * the same notion; utils/config/daos_server.yml is a commented example):
 *
 *   name: daos_server        system name, 1..63 of [A-Za-z0-9_.-]
 *   port: 10001              listening port, 1..65535
 *   listen_addr: 127.0.0.1   bind address: IPv4, IPv6 or host name, with an
 *                            optional ":PORT" ("[::1]:10001"); a port given
 *                            here and in port: must agree
 *   provider: ucx+tcp        transport: "ucx+" and UCX transport names, comma
 *                            separated (tcp, shm, rc, dc_x, ud_x, all, ...);
 *                            the server turns them into UCX_TLS. Absent: UCX
 *                            picks. libfabric ("ofi+...") is not supported.
 *   transport_config:
 *     allow_insecure: true   the only accepted value: there is no TLS yet
 *   control_metadata:        required with block device tiers, refused with a
 *     path: /var/lib/dstor   file tier: a directory on a local file system
 *                            for the superblock, the system database (files
 *                            sys/{wal,meta,data}, 96 MiB) and each shard's
 *                            slice links (tgt<i>/<pool>/{wal,meta,data}, text
 *                            files naming device, offset, length). The devices'
 *                            own tables are the authority on who owns which
 *                            slice (engine.h). As DAOS's key of that name;
 *                            its device: (a file system to mount) is refused.
 *   engines:                 a list with exactly one engine:
 *     - targets: 4           target threads, 1..64
 *       fabric_iface: lo     network devices for UCX (UCX_NET_DEVICES), comma
 *                            separated; absent: UCX's choice (lo for a
 *                            loopback listen address)
 *       provider: ucx+tcp    same as the top-level key; if both, they agree
 *       log_file: PATH       absent: stderr
 *       log_mask: INFO       D_LOG_MASK syntax: "PRIO" or "fac=PRIO", comma
 *                            separated; PRIO one of DEBUG, DBG, INFO, NOTE,
 *                            WARN, WARNING, ERR, ERROR, CRIT, ALERT, FATAL,
 *                            EMERG, EMIT (any case)
 *       storage:             either ONE file tier:
 *         - class: file
 *           dir: /var/lib/dstor      a subdirectory per target
 *           wal_size: 1GiB           optional, per target (0: default)
 *           meta_size: 1GiB          optional, per target
 *           data_size: 16GiB         optional, per target
 *                            or block device tiers covering each of the roles
 *                            wal, meta and data exactly once:
 *         - class: kdev              kdev, nvme and bdev are the same here
 *           bdev_list: [/dev/nvme0n1] one kernel block device per tier
 *           bdev_roles: [wal]        roles of that device (one device may hold
 *                                    several: [wal, meta, data]); every target
 *                                    and every pool get a slice of the device
 *                                    of each role
 *           wal_size: 1GiB           optional, per target, only for a role of
 *                                    this tier
 * Sizes take DAOS's syntax (common/cli.h: "64MiB", "1.5TB", "4096"); no %.
 * Classes ram and dcpm (DAOS's SCM tier) are refused: the index lives in DRAM
 * and the WAL on the block tier, so there is no SCM tier to configure.
 *
 * ERRORS
 * -DER_INVAL with one line in err for every bad value, naming file, line,
 * key path, value and what is allowed:
 *   daos_server.yml:7: engines[0].targets: "abc" is not a number (allowed: 1..64)
 * Unknown keys, duplicate keys, a list or map where a single value belongs
 * (and the reverse), bad YAML syntax and an empty file are errors too.
 * -DER_NONEXIST (or the errno's DER code) when the file cannot be opened,
 * -DER_NOMEM. dss_cfg_validate() uses the same key names, without a line.
 *
 * CAVEATS
 * - On a failed load, c holds whatever was read before the error; it stays
 *   consistent for dss_cfg_fini() but must not be used otherwise.
 * - Strings in struct dss_config are owned by it (D_ALLOC'd, freed by
 *   dss_cfg_fini): replace one with D_FREE then D_STRNDUP.
 * - Only the first YAML document of a file is read; a second one is an error.
 */
#ifndef __DSS_CONFIG_H__
#define __DSS_CONFIG_H__

#include <gurt/common.h>

#define DSS_CFG_NAME_DEFAULT   "daos_server"
#define DSS_CFG_ADDR_DEFAULT   "127.0.0.1"
#define DSS_CFG_PORT_DEFAULT   10001
#define DSS_CFG_TARGETS_MAX    64
#define DSS_CFG_NAME_MAX       63            /* characters of a system name */
/* Smallest regions bio_format() accepts (bio.h); 0 still means "default". */
#define DSS_CFG_WAL_SIZE_MIN   (1ULL << 20)
#define DSS_CFG_META_SIZE_MIN  (64ULL << 10)
#define DSS_CFG_DATA_SIZE_MIN  (64ULL << 10)

struct dss_config {
	char    *dc_name;        /* system name, default "daos_server" */
	char    *dc_listen_addr; /* bind address, default "127.0.0.1" */
	uint16_t dc_port;        /* default 10001 */
	uint32_t dc_nr_targets;  /* 1..64, default 1 */
	char    *dc_data_dir;    /* file storage: one directory, a subdir per target */
	char    *dc_ctl_dir;     /* block device storage: control_metadata.path */
	char    *dc_wal_dev;     /* block devices, one per region (production) */
	char    *dc_meta_dev;
	char    *dc_data_dev;
	uint64_t dc_wal_size;    /* per target, bytes; 0 = the server's default */
	uint64_t dc_meta_size;
	uint64_t dc_data_size;
	char    *dc_log_file;    /* NULL = stderr */
	char    *dc_log_mask;    /* "ERR", "INFO,vos=DEBUG"; NULL = gurt's default */
	char    *dc_provider;    /* "ucx+tcp", "ucx+shm", "ucx+rc"...; NULL = UCX's choice */
	char    *dc_net_devices; /* UCX_NET_DEVICES; NULL = auto */
	bool     dc_auto_format; /* embedded --data-dir mode: format an empty dir at start;
				  * command line only, never read from the file */
};

/* Defaults for every field: 0, or -DER_NOMEM (the strings that could not be
 * allocated stay NULL; dss_cfg_validate() then names them). */
int  dss_cfg_defaults(struct dss_config *c);
/* Read path over c (keys absent from the file keep c's values). */
int  dss_cfg_load(const char *path, struct dss_config *c, char *err, size_t errlen);
/*
 * The whole configuration, after file and command line: every value in its
 * range, a name and address present, exactly one storage kind (a data
 * directory, or all three devices, distinct), sizes 0 or at least the
 * DSS_CFG_*_SIZE_MIN.
 */
int  dss_cfg_validate(const struct dss_config *c, char *err, size_t errlen);
void dss_cfg_fini(struct dss_config *c);

/* What UCX_TLS should say for dc_provider ("tcp" for "ucx+tcp"); NULL when
 * dc_provider is NULL. Points into dc_provider. */
const char *dss_cfg_ucx_tls(const struct dss_config *c);

#endif /* __DSS_CONFIG_H__ */
