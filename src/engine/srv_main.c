/*
 * daos_server: the storage server of one node.
 *
 *   daos_server start -o daos_server.yml
 *   daos_server start --data-dir DIR [--listen ADDR[:PORT]] [--targets N]
 *
 * The configuration is read and checked completely before anything touches
 * storage. With --data-dir (embedded mode) a blank directory is formatted at
 * once; with a configuration file blank storage waits for `dmg storage
 * format`. SIGTERM or SIGINT stops cleanly (requests drained, every pool
 * checkpointed) and exits 0.
 */
#include <getopt.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <gurt/dlog.h>
#include "common/cli.h"
#include "dss_config.h"
#include "srv_internal.h"

extern const struct dss_module ds_mgmt_module;
extern const struct dss_module ds_pool_module;
extern const struct dss_module ds_cont_module;
extern const struct dss_module ds_obj_module;
extern const struct dss_module ds_selftest_module;

/* Load order: management first (it owns the pool records containers refer to). */
static const struct dss_module *const srv_modules[] = {
	&ds_mgmt_module, &ds_pool_module, &ds_cont_module, &ds_obj_module, &ds_selftest_module,
};

static void
srv_usage(FILE *f)
{
	fprintf(f,
		"usage: daos_server start [-o CONFIG] [--data-dir DIR] [--listen ADDR[:PORT]]\n"
		"                         [--targets N] [--log-file FILE] [--log-mask MASK]\n"
		"  -o, --config FILE     YAML configuration (see utils/config/daos_server.yml)\n"
		"  -d, --data-dir DIR    embedded mode: storage is files in DIR, formatted if blank\n"
		"  -l, --listen A[:P]    bootstrap address (default 127.0.0.1:10001)\n"
		"  -t, --targets N       target threads (default 1)\n"
		"      --log-file FILE   log destination (default stderr)\n"
		"      --log-mask MASK   e.g. ERR, INFO, ERR,vos=DEBUG\n");
}

static bool
addr_is_loopback(const char *addr)
{
	struct in_addr in;

	if (strcmp(addr, "localhost") == 0)
		return true;
	return inet_pton(AF_INET, addr, &in) == 1 && (ntohl(in.s_addr) >> 24) == 127;
}

/* Transport settings go to UCX through its own variables, set before any context
 * exists; what the environment says already wins. */
static void
srv_transport_env(const struct dss_config *c, bool loopback)
{
	const char *tls = dss_cfg_ucx_tls(c);

	if (tls != NULL)
		setenv("UCX_TLS", strcmp(tls, "shm") == 0 ? "sm,self" : tls, 0);
	if (c->dc_net_devices != NULL)
		setenv("UCX_NET_DEVICES", c->dc_net_devices, 0);
	else if (loopback)
		setenv("UCX_NET_DEVICES", "lo", 0);
}

/* Every client process on this host costs each target a pidfd (and every
 * remote one a socket): the soft limit on open files goes up to the hard one,
 * which a plain shell's 1024 would otherwise make a ceiling of clients. */
static void
srv_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		D_INFO("daos_server: open files stay at the soft limit: %d\n", errno);
}

static int
srv_pidfile(const char *dir, char *path, size_t len)
{
	char buf[32];
	int  fd, n;

	snprintf(path, len, "%s/daos_server.pid", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return d_errno2der(errno);
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, n) != n) {
		close(fd);
		return -DER_IO;
	}
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'o'},   {"data-dir", required_argument, NULL, 'd'},
	    {"listen", required_argument, NULL, 'l'},   {"targets", required_argument, NULL, 't'},
	    {"log-file", required_argument, NULL, 'F'}, {"log-mask", required_argument, NULL, 'M'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	struct dss_config  cfg;
	struct dss_params *p = &dss_eng.e_params;
	const char        *cfg_path = NULL, *listen = NULL, *log_file = NULL, *log_mask = NULL;
	const char        *data_dir = NULL;
	char               err[512], pidpath[PATH_MAX];
	long               targets  = 0;
	bool               blank;
	sigset_t           sigs;
	int                c, sig, rc;

	if (argc < 2 || strcmp(argv[1], "start") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			srv_usage(stdout);
			return 0;
		}
		srv_usage(stderr);
		return 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "o:d:l:t:h", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'o': cfg_path = optarg; break;
		case 'd': data_dir = optarg; break;
		case 'l': listen = optarg; break;
		case 'F': log_file = optarg; break;
		case 'M': log_mask = optarg; break;
		case 't':
			targets = strtol(optarg, &end, 10);
			if (*end != '\0' || targets < 1 || targets > DSS_TGT_MAX) {
				fprintf(stderr, "daos_server: --targets: \"%s\" (allowed: 1..%d)\n",
					optarg, DSS_TGT_MAX);
				return 2;
			}
			break;
		case 'h': srv_usage(stdout); return 0;
		default: srv_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "daos_server: unexpected argument \"%s\"\n", argv[optind]);
		return 2;
	}
	if (cfg_path == NULL && data_dir == NULL) {
		fprintf(stderr, "daos_server: give a configuration (-o FILE) or a data directory "
				"(--data-dir DIR)\n");
		return 2;
	}

	/* Configuration: file, then the command line over it; nothing is touched before
	 * the whole of it is valid. */
	dss_cfg_defaults(&cfg);
	if (cfg_path != NULL) {
		rc = dss_cfg_load(cfg_path, &cfg, err, sizeof(err));
		if (rc != 0) {
			fprintf(stderr, "daos_server: %s\n", err);
			dss_cfg_fini(&cfg);
			return 1;
		}
	} else {
		cfg.dc_auto_format = true;
	}
	if (data_dir != NULL) {
		D_FREE(cfg.dc_data_dir);
		D_STRNDUP(cfg.dc_data_dir, data_dir, PATH_MAX);
	}
	if (listen != NULL) {
		char     addr[256];
		uint16_t port;

		rc = dcli_parse_hostport(listen, cfg.dc_port, addr, sizeof(addr), &port);
		if (rc != 0) {
			fprintf(stderr, "daos_server: --listen: \"%s\" is not ADDR[:PORT]\n", listen);
			dss_cfg_fini(&cfg);
			return 2;
		}
		D_FREE(cfg.dc_listen_addr);
		D_STRNDUP(cfg.dc_listen_addr, addr, sizeof(addr));
		cfg.dc_port = port;
	}
	if (targets > 0)
		cfg.dc_nr_targets = (uint32_t)targets;
	if (log_file != NULL) {
		D_FREE(cfg.dc_log_file);
		D_STRNDUP(cfg.dc_log_file, log_file, PATH_MAX);
	}
	if (log_mask != NULL) {
		D_FREE(cfg.dc_log_mask);
		D_STRNDUP(cfg.dc_log_mask, log_mask, 256);
	}
	rc = dss_cfg_validate(&cfg, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "daos_server: %s\n", err);
		dss_cfg_fini(&cfg);
		return 1;
	}

	p->dp_name        = cfg.dc_name;
	p->dp_shard_wal   = cfg.dc_wal_size;
	p->dp_shard_meta  = cfg.dc_meta_size;
	p->dp_listen_addr = cfg.dc_listen_addr;
	p->dp_port        = cfg.dc_port;
	p->dp_nr_targets  = cfg.dc_nr_targets;
	/* block devices: the control directory holds what a data directory would,
	 * except the shards' regions, which are slices of the devices */
	p->dp_dir                 = cfg.dc_data_dir != NULL ? cfg.dc_data_dir : cfg.dc_ctl_dir;
	p->dp_dev[DSS_DEV_WAL]    = cfg.dc_wal_dev;
	p->dp_dev[DSS_DEV_META]   = cfg.dc_meta_dev;
	p->dp_dev[DSS_DEV_DATA]   = cfg.dc_data_dev;
	p->dp_auto_format = cfg.dc_auto_format;
	p->dp_loopback    = addr_is_loopback(cfg.dc_listen_addr);
	dss_eng.e_modules    = srv_modules;
	dss_eng.e_nr_modules = ARRAY_SIZE(srv_modules);

	/* A log file gets INFO and up; the terminal only errors, unless a mask says otherwise. */
	rc = d_log_init_adv("daos_server", cfg.dc_log_file, DLOG_FLV_DEFAULT,
			    cfg.dc_log_file != NULL ? DLOG_INFO : DLOG_ERR, DLOG_ERR, NULL);
	if (rc != 0) {
		fprintf(stderr, "daos_server: cannot open the log: %s\n", d_errstr(rc));
		dss_cfg_fini(&cfg);
		return 1;
	}
	if (cfg.dc_log_mask != NULL)
		d_log_setmasks(cfg.dc_log_mask, -1);

	rc = dss_storage_check(p, &dss_eng.e_sb, &blank);
	if (rc != 0)
		goto out_log;
	srv_transport_env(&cfg, p->dp_loopback);
	srv_raise_nofile();

	/* Signals are taken by this thread alone, with sigwait. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* The system thread opens (or, in embedded mode, formats) the storage on its
	 * own scheduler; until it has, the server is not ready. */
	dss_eng.e_state       = DSS_AWAIT_FORMAT;
	dss_eng.e_formatted   = !blank;
	dss_eng.e_auto_format = blank && p->dp_auto_format;
	rc = dss_threads_start();
	if (rc != 0) {
		dss_threads_stop();
		goto out_log;
	}
	if (srv_pidfile(p->dp_dir, pidpath, sizeof(pidpath)) != 0)
		pidpath[0] = '\0';
	printf("daos_server[%d]: %s listening on %s:%u, %u target%s, storage %s%s%s%s%s%s%s%s\n",
	       (int)getpid(), p->dp_name, p->dp_listen_addr, dss_eng.e_port, p->dp_nr_targets,
	       p->dp_nr_targets == 1 ? "" : "s", p->dp_dir,
	       dss_devmode() ? " + wal " : "", dss_devmode() ? p->dp_dev[DSS_DEV_WAL] : "",
	       dss_devmode() ? ", meta " : "", dss_devmode() ? p->dp_dev[DSS_DEV_META] : "",
	       dss_devmode() ? ", data " : "", dss_devmode() ? p->dp_dev[DSS_DEV_DATA] : "",
	       dss_state() == DSS_READY ? "" : " (not formatted: run 'dmg storage format')");
	fflush(stdout);

	do {
		if (sigwait(&sigs, &sig) != 0)
			sig = SIGTERM;
	} while (sig == SIGHUP);
	D_INFO("signal %d: stopping\n", sig);
	dss_threads_stop();
	if (pidpath[0] != '\0')
		unlink(pidpath);
	printf("daos_server: stopped\n");
	rc = 0;
out_log:
	dss_devtabs_fini();
	d_log_fini();
	dss_cfg_fini(&cfg);
	return rc == 0 ? 0 : 1;
}
