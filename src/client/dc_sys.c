/*
 * Attaching to a system and calling its workers (dc_sys.h).
 */
#include <arpa/inet.h>
#include <gurt/common.h>
#include <gurt/debug.h>
#include "common/cli.h"
#include "rpc/rpc.h"
#include "dc_sys.h"

struct dc_sys {
	struct rpc_attach_info ds_info;
	struct rpc_ctx        *ds_ctx;
	struct rpc_ep        **ds_eps;     /* ds_info.ai_nr_workers slots, opened on demand */
	int                    ds_timeout_ms;
	char                   ds_ap[DC_SYS_HOST_MAX + 8];
	char                   ds_host[DC_SYS_HOST_MAX]; /* the access point, to ask again */
	uint16_t               ds_port;
};

static bool
dc_sys_host_is_loopback(const char *host)
{
	struct in_addr in;

	if (strcmp(host, "localhost") == 0)
		return true;
	return inet_pton(AF_INET, host, &in) == 1 && (ntohl(in.s_addr) >> 24) == 127;
}

/* One access point: ask for the attach info, decode it, make the context. */
static int
dc_sys_attach_one(const char *host, uint16_t port, struct dc_sys **sysp)
{
	struct rpc_ctx_attr attr = {.ra_sched = NULL, .ra_name = "client"};
	struct dc_sys      *sys;
	void               *body = NULL;
	uint32_t            len  = 0;
	int                 rc;

	D_ALLOC_PTR(sys);
	if (sys == NULL)
		return -DER_NOMEM;
	snprintf(sys->ds_ap, sizeof(sys->ds_ap), "%s:%u", host, port);
	snprintf(sys->ds_host, sizeof(sys->ds_host), "%s", host);
	sys->ds_port = port;

	rc = rpc_boot_query(host, port, DC_SYS_BOOT_TIMEOUT_MS, &body, &len);
	if (rc != 0) {
		D_DEBUG(DB_ANY, "attach query to %s: " DF_RC "\n", sys->ds_ap, DP_RC(rc));
		goto out_free;
	}
	rc = rpc_attach_decode(body, len, &sys->ds_info);
	D_FREE(body);
	if (rc != 0) {
		D_ERROR("%s sent a malformed attach info: " DF_RC "\n", sys->ds_ap, DP_RC(rc));
		goto out_free;
	}
	/* A system without its system thread's worker cannot serve anything. */
	if (sys->ds_info.ai_nr_workers == 0) {
		D_ERROR("%s sent an attach info without workers\n", sys->ds_ap);
		rc = -DER_PROTO;
		goto out_info;
	}
	D_ALLOC_ARRAY(sys->ds_eps, sys->ds_info.ai_nr_workers);
	if (sys->ds_eps == NULL) {
		rc = -DER_NOMEM;
		goto out_info;
	}
	attr.ra_loopback = dc_sys_host_is_loopback(host);
	rc               = rpc_ctx_create(&attr, &sys->ds_ctx);
	if (rc != 0)
		goto out_eps;
	*sysp = sys;
	return 0;

out_eps:
	D_FREE(sys->ds_eps);
out_info:
	rpc_attach_fini(&sys->ds_info);
out_free:
	D_FREE(sys);
	return rc;
}

/* The access points of the environment, tried in order; the last error wins. */
static int
dc_sys_attach_env(struct dc_sys **sysp)
{
	char    *list = NULL, *save = NULL, *tok;
	char     host[DC_SYS_HOST_MAX];
	uint16_t port;
	int      rc;

	rc = d_agetenv_str(&list, DC_SYS_ENV_ACCESS_POINTS);
	if (rc == -DER_NONEXIST || (rc == 0 && list[strspn(list, " \t")] == '\0')) {
		d_freeenv_str(&list);
		return dc_sys_attach_one(DC_SYS_HOST_DEFAULT, DC_SYS_PORT_DEFAULT, sysp);
	}
	if (rc != 0)
		return rc;

	rc = -DER_INVAL;
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " \t");
		if (*tok == '\0')
			continue;
		if (dcli_parse_hostport(tok, DC_SYS_PORT_DEFAULT, host, sizeof(host), &port) != 0) {
			D_ERROR("%s: \"%s\" is not HOST[:PORT]\n", DC_SYS_ENV_ACCESS_POINTS, tok);
			rc = -DER_INVAL;
			break;
		}
		rc = dc_sys_attach_one(host, port, sysp);
		if (rc == 0 || rc == -DER_NOMEM)
			break;
	}
	d_freeenv_str(&list);
	return rc;
}

int
dc_sys_attach(const char *host, uint16_t port, struct dc_sys **sysp)
{
	if (sysp == NULL)
		return -DER_INVAL;
	*sysp = NULL;
	if (host == NULL)
		return dc_sys_attach_env(sysp);
	if (*host == '\0' || strlen(host) >= DC_SYS_HOST_MAX)
		return -DER_INVAL;
	return dc_sys_attach_one(host, port == 0 ? DC_SYS_PORT_DEFAULT : port, sysp);
}

void
dc_sys_detach(struct dc_sys *sys)
{
	if (sys == NULL)
		return;
	/* Destroying the context closes its endpoints; the slots are only borrowed. */
	rpc_ctx_destroy(sys->ds_ctx);
	D_FREE(sys->ds_eps);
	rpc_attach_fini(&sys->ds_info);
	D_FREE(sys);
}

const char *
dc_sys_name(const struct dc_sys *sys)
{
	return sys->ds_info.ai_system;
}

uint32_t
dc_sys_rank(const struct dc_sys *sys)
{
	return sys->ds_info.ai_rank;
}

uint32_t
dc_sys_map_version(const struct dc_sys *sys)
{
	return sys->ds_info.ai_map_version;
}

uint32_t
dc_sys_nr_targets(const struct dc_sys *sys)
{
	return sys->ds_info.ai_nr_workers - 1;
}

const char *
dc_sys_access_point(const struct dc_sys *sys)
{
	return sys->ds_ap;
}

void
dc_sys_set_timeout(struct dc_sys *sys, int timeout_ms)
{
	sys->ds_timeout_ms = timeout_ms < 0 ? 0 : timeout_ms;
}

int
dc_sys_refresh(struct dc_sys *sys)
{
	struct rpc_attach_info info;
	void                  *body = NULL;
	uint32_t               len  = 0, w;
	int                    rc;

	rc = rpc_boot_query(sys->ds_host, sys->ds_port, DC_SYS_BOOT_TIMEOUT_MS, &body, &len);
	if (rc != 0)
		return rc;
	rc = rpc_attach_decode(body, len, &info);
	D_FREE(body);
	if (rc != 0)
		return rc;
	if (info.ai_nr_workers != sys->ds_info.ai_nr_workers) {
		rpc_attach_fini(&info);
		return -DER_MISMATCH;
	}
	for (w = 0; w < info.ai_nr_workers; w++) {
		struct rpc_worker_addr *a = &info.ai_workers[w], *b = &sys->ds_info.ai_workers[w];

		/* the old endpoint stays the context's (calls on it fail); a new one opens */
		if (a->wa_len != b->wa_len || memcmp(a->wa_addr, b->wa_addr, a->wa_len) != 0)
			sys->ds_eps[w] = NULL;
	}
	rpc_attach_fini(&sys->ds_info);
	sys->ds_info = info;
	return 0;
}

/* Has an endpoint failed? Then the server may have restarted at new addresses. */
static bool
dc_sys_any_failed(const struct dc_sys *sys)
{
	uint32_t w;

	for (w = 0; w < sys->ds_info.ai_nr_workers; w++)
		if (sys->ds_eps[w] != NULL && rpc_ep_failed(sys->ds_eps[w]))
			return true;
	return false;
}

/*
 * The endpoint to worker w, (re)opened when missing or failed; the addresses
 * asked again first when it (or another endpoint: a first connect to a
 * worker of a restarted server) failed, or when they do not connect.
 */
static int
dc_sys_ep(struct dc_sys *sys, int w, struct rpc_ep **epp)
{
	struct rpc_worker_addr *wa;
	bool                    refreshed = false;
	int                     rc;

	if (sys->ds_eps[w] != NULL && !rpc_ep_failed(sys->ds_eps[w])) {
		*epp = sys->ds_eps[w];
		return 0;
	}
	if (sys->ds_eps[w] != NULL || dc_sys_any_failed(sys))
		refreshed = dc_sys_refresh(sys) == 0;
	wa = &sys->ds_info.ai_workers[w];
	rc = rpc_ep_connect(sys->ds_ctx, wa->wa_addr, wa->wa_len, &sys->ds_eps[w]);
	if (rc != 0 && !refreshed && dc_sys_refresh(sys) == 0) {
		wa = &sys->ds_info.ai_workers[w];
		rc = rpc_ep_connect(sys->ds_ctx, wa->wa_addr, wa->wa_len, &sys->ds_eps[w]);
	}
	if (rc != 0) {
		sys->ds_eps[w] = NULL;
		return rc;
	}
	/* Named after the access point so partition injection and logs can tell peers apart. */
	rpc_ep_set_peer_name(sys->ds_eps[w], sys->ds_ap);
	*epp = sys->ds_eps[w];
	return 0;
}

int
dc_sys_call_bulk(struct dc_sys *sys, int worker, uint16_t opcode, const void *body,
		 uint32_t len, const d_sg_list_t *bulk_out, d_sg_list_t *bulk_in,
		 uint64_t *bulk_in_len, void **reply, uint32_t *reply_len)
{
	struct rpc_call call = {0};
	struct rpc_ep  *ep;
	int             rc;

	if (reply != NULL)
		*reply = NULL;
	if (reply_len != NULL)
		*reply_len = 0;
	if (bulk_in_len != NULL)
		*bulk_in_len = 0;
	if (sys == NULL || worker < 0 || (uint32_t)worker >= sys->ds_info.ai_nr_workers ||
	    (body == NULL && len > 0))
		return -DER_INVAL;

	rc = dc_sys_ep(sys, worker, &ep);
	if (rc != 0)
		return rc;

	call.rc_opcode     = opcode;
	call.rc_body       = body;
	call.rc_body_len   = len;
	call.rc_bulk_out   = bulk_out;
	call.rc_bulk_in    = bulk_in;
	call.rc_timeout_ms = sys->ds_timeout_ms;
	rc                 = rpc_call_wait(ep, &call);
	if (bulk_in_len != NULL)
		*bulk_in_len = call.rc_bulk_in_len;
	if (reply != NULL && call.rc_reply_len > 0) {
		D_ALLOC(*reply, call.rc_reply_len);
		if (*reply == NULL) {
			rpc_call_fini(&call);
			return -DER_NOMEM;
		}
		memcpy(*reply, call.rc_reply, call.rc_reply_len);
		if (reply_len != NULL)
			*reply_len = call.rc_reply_len;
	}
	rpc_call_fini(&call);
	return rc;
}

int
dc_sys_call(struct dc_sys *sys, int worker, uint16_t opcode, const void *body, uint32_t len,
	    d_sg_list_t *bulk_in, void **reply, uint32_t *reply_len)
{
	return dc_sys_call_bulk(sys, worker, opcode, body, len, NULL, bulk_in, NULL, reply,
				reply_len);
}

int
dc_sys_worker_ep(struct dc_sys *sys, int worker, struct rpc_ep **epp)
{
	if (sys == NULL || worker < 0 || (uint32_t)worker >= sys->ds_info.ai_nr_workers)
		return -DER_INVAL;
	return dc_sys_ep(sys, worker, epp);
}

struct rpc_ctx *
dc_sys_rpc_ctx(struct dc_sys *sys)
{
	return sys->ds_ctx;
}

int
dc_sys_timeout(const struct dc_sys *sys)
{
	return sys->ds_timeout_ms;
}
