/*
 * Test harness for a real daos_server: start one on 127.0.0.1 with a free
 * port and a fresh data directory, wait until it answers, stop it by PID
 * (SIGTERM, or SIGKILL for crash tests), and small synchronous clients of
 * the pool, container and object services through dc_sys.
 */
#ifndef SRV_HARNESS_H
#define SRV_HARNESS_H

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <daos_prop.h>
#include <daos_pool.h>
#include <daos_cont.h>
#include "client/dc_sys.h"
#include "common/srv_proto.h"
#include "common/obj_proto.h"
#include "common/csum.h"

struct srv {
	pid_t    sv_pid;
	uint16_t sv_port;
	char     sv_dir[PATH_MAX];
	uint32_t sv_targets;
};

/*
 * A port nobody listens on now (bound once, released), below the kernel's
 * ephemeral range: a server restarted on it must bind it again, and a port
 * from that range may meanwhile be taken by any process's bind(0) or
 * connect() (UCX listeners, clients): the restart then fails with
 * "address in use". The ephemeral range itself only when nothing is below it.
 */
static inline uint16_t
srv_free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t          len = sizeof(sa);
	unsigned int       lo = 32768, hi = 60999, i;
	uint16_t           port;
	FILE              *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	struct timespec    ts;
	uint32_t           x;
	int                fd;

	if (f != NULL) {
		if (fscanf(f, "%u %u", &lo, &hi) != 2)
			lo = 32768;
		fclose(f);
	}
	(void)hi;
	/* its own generator, seeded per process: concurrent test programs try other
	 * ports, and the tests' own random sequences stay as they are */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	x = ((uint32_t)getpid() * 2654435761u ^ (uint32_t)ts.tv_nsec) | 1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; lo > 22000 && i < 1000; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		/* [20000, lo): above the ports people give servers (10001, ...) */
		port = (uint16_t)(20000 + x % (lo - 20000));
		fd   = socket(AF_INET, SOCK_STREAM, 0);
		assert_true(fd >= 0);
		sa.sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(fd);
			return port;
		}
		close(fd);
	}
	fd          = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = 0;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static inline const char *
srv_bin(void)
{
	const char *b = getenv("DSTOR_SERVER_BIN");

	assert_non_null(b);
	return b;
}

/* Start daos_server on dir (formatting it if blank); its output goes to dir.log. */
static inline void
srv_start(struct srv *sv)
{
	char listen[64], targets[16], log[PATH_MAX + 8];
	int  fd;

	snprintf(listen, sizeof(listen), "127.0.0.1:%u", sv->sv_port);
	snprintf(targets, sizeof(targets), "%u", sv->sv_targets);
	snprintf(log, sizeof(log), "%s.log", sv->sv_dir);
	sv->sv_pid = fork();
	assert_true(sv->sv_pid >= 0);
	if (sv->sv_pid == 0) {
		/* a test that dies (crash, timeout's SIGKILL) takes its server with it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(srv_bin(), "daos_server", "start", "--data-dir", sv->sv_dir, "--listen",
		      listen, "--targets", targets, (char *)NULL);
		_exit(127);
	}
}

/* Attach, retrying while the server starts (bounded: 30 s). */
static inline struct dc_sys *
srv_attach(struct srv *sv)
{
	struct dc_sys *sys = NULL;
	int            i, rc = -DER_UNREACH;

	for (i = 0; i < 300; i++) {
		rc = dc_sys_attach("127.0.0.1", sv->sv_port, &sys);
		if (rc == 0)
			return sys;
		usleep(100 * 1000);
	}
	fail_msg("server on port %u never answered: %s", sv->sv_port, d_errstr(rc));
	return NULL;
}

static inline int
srv_wait_exit(struct srv *sv, int timeout_ms)
{
	int status, waited = 0;

	while (waited < timeout_ms) {
		pid_t r = waitpid(sv->sv_pid, &status, WNOHANG);

		if (r == sv->sv_pid) {
			sv->sv_pid = 0;
			return status;
		}
		usleep(10 * 1000);
		waited += 10;
	}
	kill(sv->sv_pid, SIGKILL);
	waitpid(sv->sv_pid, &status, 0);
	sv->sv_pid = 0;
	fail_msg("server did not stop within %d ms", timeout_ms);
	return -1;
}

/* SIGTERM (clean: must exit 0) or SIGKILL (a crash). */
static inline void
srv_stop(struct srv *sv, int sig)
{
	int status;

	if (sv->sv_pid <= 0)
		return;
	kill(sv->sv_pid, sig);
	status = srv_wait_exit(sv, 30000);
	if (sig == SIGTERM) {
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

/* ---- synchronous service calls ---- */

static inline int
srv_call(struct dc_sys *sys, int worker, uint16_t opc, struct denc *e, struct ddec *d,
	 void **reply)
{
	void    *body = NULL;
	uint32_t len  = 0, rlen = 0;
	int      rc;

	assert_int_equal(denc_finish(e, 0, &body, &len), 0);
	*reply = NULL;
	rc     = dc_sys_call(sys, worker, opc, body, len, NULL, reply, &rlen);
	D_FREE(body);
	ddec_init(d, *reply, rlen);
	return rc;
}

static inline int
srv_pool_create(struct dc_sys *sys, const char *label, uint64_t size, uuid_t uuid)
{
	struct denc e;
	struct ddec d;
	void       *reply;
	int         rc;

	denc_init(&e);
	denc_str(&e, label);
	denc_u64(&e, size);
	denc_u32(&e, 0);
	denc_u32(&e, 0); /* no properties */
	rc = srv_call(sys, 0, DSP_MGMT_POOL_CREATE, &e, &d, &reply);
	if (rc == 0)
		ddec_uuid(&d, uuid);
	D_FREE(reply);
	return rc;
}

static inline int
srv_pool_connect(struct dc_sys *sys, const char *id, uuid_t poh, uuid_t pool)
{
	struct dsp_pool_info pi;
	struct denc          e;
	struct ddec          d;
	void                *reply;
	int                  rc;

	uuid_generate(poh);
	denc_init(&e);
	denc_str(&e, id);
	denc_uuid(&e, poh);
	denc_u64(&e, DAOS_PC_RW);
	rc = srv_call(sys, 0, DSP_POOL_CONNECT, &e, &d, &reply);
	if (rc == 0) {
		dsp_pool_info_decode(&d, &pi);
		uuid_copy(pool, pi.pi_uuid);
	}
	D_FREE(reply);
	return rc;
}

static inline int
srv_cont_create(struct dc_sys *sys, const uuid_t pool, const uuid_t poh, const char *label,
		uuid_t cont)
{
	struct dsp_props props = {0};
	struct denc      e;
	struct ddec      d;
	void            *reply;
	int              rc;

	uuid_generate(cont);
	denc_init(&e);
	denc_uuid(&e, pool);
	denc_uuid(&e, poh);
	denc_uuid(&e, cont);
	if (label != NULL)
		assert_int_equal(dsp_props_set_str(&props, DAOS_PROP_CO_LABEL, label), 0);
	dsp_props_encode(&e, &props);
	dsp_props_fini(&props);
	rc = srv_call(sys, 0, DSP_CONT_CREATE, &e, &d, &reply);
	D_FREE(reply);
	return rc;
}

static inline int
srv_cont_open(struct dc_sys *sys, const uuid_t pool, const uuid_t poh, const char *id,
	      uint64_t flags, uuid_t coh)
{
	struct denc e;
	struct ddec d;
	void       *reply;
	int         rc;

	uuid_generate(coh);
	denc_init(&e);
	denc_uuid(&e, pool);
	denc_uuid(&e, poh);
	denc_str(&e, id);
	denc_uuid(&e, coh);
	denc_u64(&e, flags);
	rc = srv_call(sys, 0, DSP_CONT_OPEN, &e, &d, &reply);
	D_FREE(reply);
	return rc;
}

/* Put one single value (CRC32 checksum, as containers default to) under dkey/akey "a". */
static inline int
srv_obj_put(struct dc_sys *sys, int tgt, const uuid_t pool, const uuid_t coh, daos_obj_id_t oid,
	    const char *dkey, const void *val, size_t len, bool corrupt_csum)
{
	struct dcs_csummer cs;
	struct dop_iod     iod = {0};
	struct dop_io      io  = {0};
	uint8_t            csum[8];
	struct denc        e;
	void              *body, *reply = NULL;
	uint32_t           blen, rlen;
	d_iov_t            iov;
	d_sg_list_t        sgl = {.sg_nr = 1, .sg_iovs = &iov};
	bool               bulk = len > DOP_INLINE_MAX;
	int                rc;

	assert_int_equal(dcs_csummer_init(&cs, DCS_TYPE_CRC32, 0), 0);
	dcs_compute(&cs, val, len, csum, sizeof(csum));
	if (corrupt_csum)
		csum[0] ^= 0xff;
	uuid_copy(io.io_head.dh_pool, pool);
	uuid_copy(io.io_head.dh_coh, coh);
	io.io_head.dh_oid = oid;
	d_iov_set(&io.io_dkey, (void *)dkey, strlen(dkey));
	d_iov_set(&iod.oi_akey, "a", 1);
	iod.oi_type     = DAOS_IOD_SINGLE;
	iod.oi_size     = len;
	iod.oi_nr       = 1;
	iod.oi_csums    = csum;
	io.io_nr        = 1;
	io.io_iods      = &iod;
	io.io_csum_len  = dcs_csum_len(&cs);
	io.io_where     = bulk ? DOP_DATA_BULK : DOP_DATA_INLINE;
	io.io_data      = val;
	io.io_data_len  = len;
	denc_init(&e);
	dop_io_encode(&e, &io, true);
	assert_int_equal(denc_finish(&e, 0, &body, &blen), 0);
	d_iov_set(&iov, (void *)val, len);
	rc = dc_sys_call_bulk(sys, tgt + 1, DOP_UPDATE, body, blen, bulk ? &sgl : NULL, NULL, NULL,
			      &reply, &rlen);
	D_FREE(body);
	D_FREE(reply);
	return rc;
}

/* Fetch the single value under dkey/akey "a" into buf (cap bytes); *len its size (0: none). */
static inline int
srv_obj_get(struct dc_sys *sys, int tgt, const uuid_t pool, const uuid_t coh, daos_obj_id_t oid,
	    const char *dkey, void *buf, size_t cap, size_t *len)
{
	struct dcs_csummer cs;
	struct dop_iod     iod = {0};
	struct dop_io      io  = {0};
	struct denc        e;
	struct ddec        d;
	void              *body, *reply = NULL;
	uint32_t           blen, rlen = 0, where, nmap;
	uint64_t           size, total, got = 0;
	const void        *csum, *data;
	size_t             clen, dlen;
	d_iov_t            iov;
	d_sg_list_t        sgl = {.sg_nr = 1, .sg_iovs = &iov};
	int                rc;

	uuid_copy(io.io_head.dh_pool, pool);
	uuid_copy(io.io_head.dh_coh, coh);
	io.io_head.dh_oid   = oid;
	io.io_head.dh_epoch = DAOS_EPOCH_MAX;
	d_iov_set(&io.io_dkey, (void *)dkey, strlen(dkey));
	d_iov_set(&iod.oi_akey, "a", 1);
	iod.oi_type    = DAOS_IOD_SINGLE;
	iod.oi_nr      = 1;
	io.io_nr       = 1;
	io.io_iods     = &iod;
	io.io_buf_cap  = cap;
	denc_init(&e);
	dop_io_encode(&e, &io, false);
	assert_int_equal(denc_finish(&e, 0, &body, &blen), 0);
	d_iov_set(&iov, buf, cap);
	rc = dc_sys_call_bulk(sys, tgt + 1, DOP_FETCH, body, blen, NULL, &sgl, &got, &reply, &rlen);
	D_FREE(body);
	if (rc != 0) {
		D_FREE(reply);
		return rc;
	}
	ddec_init(&d, reply, rlen);
	assert_int_equal(ddec_u32(&d), 1);
	size = ddec_u64(&d);
	nmap = ddec_u32(&d);
	assert_int_equal(nmap, 0);
	csum  = ddec_bytes(&d, &clen);
	where = ddec_u32(&d);
	total = ddec_u64(&d);
	assert_int_equal(total, size);
	if (where == DOP_DATA_INLINE) {
		data = ddec_bytes(&d, &dlen);
		assert_int_equal(dlen, size);
		assert_true(dlen <= cap);
		memcpy(buf, data, dlen);
	} else if (where == DOP_DATA_BULK) {
		assert_int_equal(got, size);
	} else {
		D_FREE(reply);
		return -DER_REC2BIG;
	}
	assert_int_equal(ddec_finish(&d), 0);
	/* the client's end of end-to-end checksums */
	if (size > 0) {
		assert_int_equal(dcs_csummer_init(&cs, DCS_TYPE_CRC32, 0), 0);
		assert_int_equal(clen, dcs_csum_len(&cs));
		rc = dcs_verify(&cs, buf, size, csum);
	}
	*len = size;
	D_FREE(reply);
	return rc;
}

/* ---- one server for a whole test program ---- */

/*
 * A fresh server on a free port with its data in a new /tmp/<name>.XXXXXX,
 * and a pool of size bytes labelled pool, made the administrator's way;
 * DSTOR_ACCESS_POINTS names the server, so daos_init() finds it.
 */
static inline void
srv_new(struct srv *sv, const char *name, uint32_t targets, const char *pool, uint64_t size)
{
	char           tmpl[256], ap[64];
	struct dc_sys *sys;
	uuid_t         pu;

	snprintf(tmpl, sizeof(tmpl), "/tmp/%s.XXXXXX", name);
	assert_non_null(mkdtemp(tmpl));
	snprintf(sv->sv_dir, sizeof(sv->sv_dir), "%s/data", tmpl);
	sv->sv_targets = targets;
	sv->sv_port    = srv_free_port();
	srv_start(sv);
	snprintf(ap, sizeof(ap), "127.0.0.1:%u", sv->sv_port);
	setenv(DC_SYS_ENV_ACCESS_POINTS, ap, 1);
	sys = srv_attach(sv);
	assert_int_equal(srv_pool_create(sys, pool, size, pu), 0);
	dc_sys_detach(sys);
}

/* Remove what srv_new made (the server stopped), unless SRV_KEEP is set. */
static inline void
srv_rmdir(struct srv *sv)
{
	char cmd[PATH_MAX + 16];

	if (getenv("SRV_KEEP") != NULL) {
		print_message("kept %s\n", sv->sv_dir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %.*s", (int)(strrchr(sv->sv_dir, '/') - sv->sv_dir),
		 sv->sv_dir);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", sv->sv_dir);
}

#endif /* SRV_HARNESS_H */
