/*
 * What applications ask the management service (daos_mgmt.h): the system's
 * name and engines, and the pools one may connect to.
 */
#include <daos.h>
#include "common/srv_proto.h"
#include "dc_sys.h"
#include "dc_internal.h"

/* ---- the system ---- */

int
daos_mgmt_get_sys_info(const char *sys, struct daos_sys_info **infop)
{
	struct daos_sys_info *info;
	struct dc_sys        *ds;
	const char           *ap;
	int                   rc;

	(void)sys; /* one system per access point list */
	if (infop == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc == 0)
		rc = dc_sys_get(&ds);
	if (rc != 0)
		goto out;
	D_ALLOC_PTR(info);
	if (info == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	snprintf(info->dsi_system_name, sizeof(info->dsi_system_name), "%s", dc_sys_name(ds));
	/* the transport; UCX picks its own devices within it */
	snprintf(info->dsi_fabric_provider, sizeof(info->dsi_fabric_provider), "ucx");
	/* no agent: the library reaches the access points itself */
	info->dsi_agent_path[0] = '\0';
	D_ALLOC_ARRAY(info->dsi_ranks, 1);
	D_ALLOC_ARRAY(info->dsi_ms_ranks, 1);
	ap = dc_sys_access_point(ds);
	if (info->dsi_ranks != NULL)
		D_ASPRINTF(info->dsi_ranks[0].dru_uri, "ucx+tcp://%s", ap != NULL ? ap : "");
	if (info->dsi_ranks == NULL || info->dsi_ms_ranks == NULL ||
	    info->dsi_ranks[0].dru_uri == NULL) {
		daos_mgmt_put_sys_info(info);
		rc = -DER_NOMEM;
		goto out;
	}
	/* one engine, which is also the management service */
	info->dsi_nr_ranks          = 1;
	info->dsi_ranks[0].dru_rank = dc_sys_rank(ds);
	info->dsi_nr_ms_ranks       = 1;
	info->dsi_ms_ranks[0]       = dc_sys_rank(ds);
	*infop                      = info;
out:
	dc_unlock();
	return rc;
}

void
daos_mgmt_put_sys_info(struct daos_sys_info *info)
{
	uint32_t i;

	if (info == NULL)
		return;
	for (i = 0; info->dsi_ranks != NULL && i < MAX(info->dsi_nr_ranks, 1u); i++)
		D_FREE(info->dsi_ranks[i].dru_uri);
	D_FREE(info->dsi_ranks);
	D_FREE(info->dsi_ms_ranks);
	D_FREE(info);
}

/* ---- the pools ---- */

struct mgmt_list {
	daos_size_t           *ml_npools;
	daos_mgmt_pool_info_t *ml_pools;
};

static int
mgmt_list_pools_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct mgmt_list    *ml = op->op_priv;
	struct dsp_pool_info pi;
	struct ddec          d;
	daos_size_t          cap = *ml->ml_npools;
	uint32_t             n, i;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	n = ddec_count(&d, DSP_LIST_MAX, 16 + 4);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	*ml->ml_npools = n;
	if (ml->ml_pools == NULL)
		return 0; /* the count only */
	if (cap < n)
		return -DER_TRUNC;
	for (i = 0; i < n; i++) {
		daos_mgmt_pool_info_t *mp = &ml->ml_pools[i];

		dsp_pool_info_decode(&d, &pi);
		if (ddec_finish(&d) != 0)
			break;
		memset(mp, 0, sizeof(*mp));
		uuid_copy(mp->mgpi_uuid, pi.pi_uuid);
		D_STRNDUP(mp->mgpi_label, pi.pi_label, DSP_LABEL_MAX);
		mp->mgpi_svc = d_rank_list_alloc(1); /* one engine serves the pool: rank 0 */
		if (mp->mgpi_label == NULL || mp->mgpi_svc == NULL) {
			D_FREE(mp->mgpi_label);
			d_rank_list_free(mp->mgpi_svc);
			mp->mgpi_svc = NULL;
			break;
		}
		mp->mgpi_ldr = mp->mgpi_svc->rl_ranks[0] = 0;
	}
	if (i == n)
		return ddec_finish(&d);
	/* what was filled goes back: the caller frees nothing on failure */
	while (i-- > 0) {
		D_FREE(ml->ml_pools[i].mgpi_label);
		d_rank_list_free(ml->ml_pools[i].mgpi_svc);
		ml->ml_pools[i].mgpi_svc = NULL;
	}
	return ddec_finish(&d) != 0 ? -DER_PROTO : -DER_NOMEM;
}

int
daos_mgmt_list_pools(const char *group, daos_size_t *npools, daos_mgmt_pool_info_t *pools,
		     daos_event_t *ev)
{
	struct mgmt_list *ml;
	struct dc_op     *op;
	struct denc       e;
	int               rc;

	(void)group; /* one system per access point list */
	if (npools == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	D_ALLOC_PTR(ml);
	if (ml == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	ml->ml_npools = npools;
	ml->ml_pools  = pools;
	rc            = dc_op_create(ev, ml, d_free, &op);
	if (rc != 0) {
		D_FREE(ml);
		goto out;
	}
	denc_init(&e); /* an empty body */
	dc_op_rpc(op, 0, DSP_MGMT_POOL_LIST, &e, NULL, NULL, mgmt_list_pools_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}
