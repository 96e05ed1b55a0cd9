/*
 * libdaos containers: create, open, close, destroy, query, properties,
 * attributes, snapshots, object id allocation, and handle sharing.
 */
#include "common/srv_proto.h"
#include "dc_prop.h"
#include "dc_internal.h"

#define DC_CONT_GLOB_MAGIC   0x434f4e47u /* "GNOC" */
#define DC_CONT_GLOB_VERSION 1u

static void
cont_free(struct dc_hdl *h)
{
	struct dc_cont *cont = container_of(h, struct dc_cont, dc_hdl);

	if (cont->dc_pool != NULL) {
		cont->dc_pool->dp_nconts--;
		dc_pool_put(cont->dc_pool);
	}
	D_FREE(cont);
}

struct dc_cont *
dc_cont_get(daos_handle_t coh)
{
	struct dc_hdl *h = dc_hdl_get(coh, DAOS_HTYPE_CO);

	return h == NULL ? NULL : container_of(h, struct dc_cont, dc_hdl);
}

void
dc_cont_put(struct dc_cont *cont)
{
	dc_hdl_put(&cont->dc_hdl);
}

/* What a container op holds: a pool reference, a container reference, or both. */
struct cont_op {
	struct dc_pool *co_pool;
	struct dc_cont *co_cont;
	void           *co_out[4]; /* the call's output pointers */
	struct dc_attr_out co_attr; /* attribute calls' outputs */
	uint64_t        co_val;    /* a scalar the call carries between stages */
	char           *co_buf;    /* a buffer the call owns */
};

static void
cont_op_free(void *priv)
{
	struct cont_op *co = priv;

	if (co->co_cont != NULL)
		dc_cont_put(co->co_cont);
	if (co->co_pool != NULL)
		dc_pool_put(co->co_pool);
	D_FREE(co->co_buf);
	D_FREE(co);
}

/* Start an op on a pool handle (coh invalid) or on a container handle. */
static int
cont_op_start(daos_handle_t poh, daos_handle_t coh, daos_event_t *ev, struct dc_op **opp,
	      struct cont_op **cop)
{
	struct cont_op *co;
	int             rc = dc_initialized();

	if (rc != 0)
		return rc;
	D_ALLOC_PTR(co);
	if (co == NULL)
		return -DER_NOMEM;
	if (daos_handle_is_valid(coh)) {
		co->co_cont = dc_cont_get(coh);
		if (co->co_cont == NULL) {
			D_FREE(co);
			return -DER_NO_HDL;
		}
	} else {
		co->co_pool = dc_pool_get(poh);
		if (co->co_pool == NULL) {
			D_FREE(co);
			return -DER_NO_HDL;
		}
	}
	rc = dc_op_create(ev, co, cont_op_free, opp);
	if (rc != 0) {
		cont_op_free(co);
		return rc;
	}
	*cop = co;
	return 0;
}

/* Request heads: "uuid pool, uuid poh" or "uuid pool, uuid coh". */
static void
head_pool(struct denc *e, const struct dc_pool *pool)
{
	denc_init(e);
	denc_uuid(e, pool->dp_uuid);
	denc_uuid(e, pool->dp_poh);
}

static void
head_cont(struct denc *e, const struct dc_cont *cont)
{
	denc_init(e);
	denc_uuid(e, cont->dc_pool->dp_uuid);
	denc_uuid(e, cont->dc_coh);
}

static int
cont_destroy_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	(void)arg;
	/* sent again after a restart: the first one may have destroyed it */
	if (call->rc_rc == -DER_NONEXIST && op->op_resent)
		return 0;
	return call->rc_rc;
}

static bool
cont_id_valid(const char *id)
{
	return id != NULL && strlen(id) > 0 && strlen(id) <= DSP_LABEL_MAX;
}

/* ---- create ---- */

static int
cont_create_common(daos_handle_t poh, const char *label, uuid_t *uuid, daos_prop_t *cont_prop,
		   daos_event_t *ev)
{
	struct dsp_props props = {0};
	struct cont_op  *co;
	struct dc_op    *op;
	struct denc      e;
	uuid_t           cu;
	int              rc;

	if (label != NULL && !dsp_label_valid(label))
		return -DER_INVAL;
	dc_lock();
	rc = dc_prop_to_dsp(cont_prop, &props);
	if (rc == 0 && label != NULL)
		rc = dsp_props_set_str(&props, DAOS_PROP_CO_LABEL, label);
	if (rc != 0)
		goto out;
	rc = cont_op_start(poh, DAOS_HDL_INVAL, ev, &op, &co);
	if (rc != 0)
		goto out;
	uuid_generate(cu);
	/* the caller's uuid is written now: the container has it if create succeeds */
	if (uuid != NULL)
		uuid_copy(*uuid, cu);
	head_pool(&e, co->co_pool);
	denc_uuid(&e, cu);
	dsp_props_encode(&e, &props);
	dc_op_rpc(op, 0, DSP_CONT_CREATE, &e, NULL, NULL, dc_reply_status, NULL);
	rc = dc_op_run(op, ev);
out:
	dsp_props_fini(&props);
	dc_unlock();
	return rc;
}

int
daos_cont_create2(daos_handle_t poh, uuid_t *uuid, daos_prop_t *cont_prop, daos_event_t *ev)
{
	return cont_create_common(poh, NULL, uuid, cont_prop, ev);
}

int
daos_cont_create_with_label(daos_handle_t poh, const char *label, daos_prop_t *cont_prop,
			    uuid_t *uuid, daos_event_t *ev)
{
	if (label == NULL)
		return -DER_INVAL;
	return cont_create_common(poh, label, uuid, cont_prop, ev);
}

/* ---- open / close / destroy ---- */

static void
cont_info_fill(const struct dsp_cont_info *ci, daos_cont_info_t *info)
{
	uuid_copy(info->ci_uuid, ci->ci_uuid);
	info->ci_lsnapshot  = ci->ci_lsnapshot;
	info->ci_nhandles   = ci->ci_nhandles;
	info->ci_nsnapshots = ci->ci_nsnapshots;
	info->ci_md_otime   = ci->ci_open_time;
	info->ci_md_mtime   = ci->ci_mod_time;
}

/* What the client must know of a container to do I/O in it. */
static void
cont_props_apply(struct dc_cont *cont, const struct dsp_props *props)
{
	const struct dsp_prop *p;

	p               = dsp_props_find(props, DAOS_PROP_CO_CSUM);
	cont->dc_csum   = p != NULL ? (uint32_t)p->dp_val : DAOS_PROP_CO_CSUM_OFF;
	p               = dsp_props_find(props, DAOS_PROP_CO_CSUM_CHUNK_SIZE);
	cont->dc_csum_chunk = p != NULL ? (uint32_t)p->dp_val : 0;
	p                   = dsp_props_find(props, DAOS_PROP_CO_CSUM_SERVER_VERIFY);
	cont->dc_srv_verify = p != NULL && p->dp_val == DAOS_PROP_CO_CSUM_SV_ON;
}

static int
cont_open_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct cont_op      *co   = op->op_priv;
	struct dc_cont      *cont = arg;
	struct dsp_cont_info ci;
	struct dsp_props     props;
	struct ddec          d;
	int                  rc = call->rc_rc;

	if (rc == 0) {
		ddec_init(&d, call->rc_reply, call->rc_reply_len);
		dsp_cont_info_decode(&d, &ci);
		rc = dsp_props_decode(&d, &props);
	}
	if (rc != 0) {
		D_FREE(cont);
		return rc;
	}
	uuid_copy(cont->dc_uuid, ci.ci_uuid);
	cont_props_apply(cont, &props);
	dsp_props_fini(&props);
	if (co->co_out[1] != NULL)
		cont_info_fill(&ci, co->co_out[1]);
	/* the container keeps the op's pool reference until it is closed */
	cont->dc_pool = co->co_pool;
	co->co_pool   = NULL;
	cont->dc_pool->dp_nconts++;
	dc_hdl_insert(&cont->dc_hdl, DAOS_HTYPE_CO, cont_free, co->co_out[0]);
	return 0;
}

int
daos_cont_open2(daos_handle_t poh, const char *cont_id, unsigned int flags, daos_handle_t *coh,
		daos_cont_info_t *info, daos_event_t *ev)
{
	struct dc_cont *cont;
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	if (!cont_id_valid(cont_id) || coh == NULL || (flags & DAOS_COO_IO_BASE_MASK) == 0 ||
	    (flags & ~DAOS_COO_MASK) != 0)
		return -DER_INVAL;
	dc_lock();
	rc = cont_op_start(poh, DAOS_HDL_INVAL, ev, &op, &co);
	if (rc != 0)
		goto out;
	D_ALLOC_PTR(cont);
	if (cont == NULL) {
		dc_op_finish(op, -DER_NOMEM);
		rc = ev == NULL ? dc_op_wait(op) : 0;
		goto out;
	}
	uuid_generate(cont->dc_coh);
	cont->dc_flags = flags;
	co->co_out[0]  = coh;
	co->co_out[1]  = info;
	head_pool(&e, co->co_pool);
	denc_str(&e, cont_id);
	denc_uuid(&e, cont->dc_coh);
	denc_u64(&e, flags);
	dc_op_rpc(op, 0, DSP_CONT_OPEN, &e, NULL, NULL, cont_open_reply, cont);
	if (op->op_pending == 0)
		D_FREE(cont); /* the request never left: nobody else will free it */
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

static int
cont_close_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct cont_op *co = op->op_priv;

	(void)arg;
	if (call->rc_rc != 0 && call->rc_rc != -DER_NO_HDL && call->rc_rc != -DER_NONEXIST)
		return call->rc_rc;
	dc_hdl_delete(&co->co_cont->dc_hdl);
	return 0;
}

int
daos_cont_close(daos_handle_t coh, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	if (co->co_cont->dc_nobjs > 0) {
		dc_op_fail(op, -DER_BUSY);
	} else if (co->co_cont->dc_global) {
		dc_hdl_delete(&co->co_cont->dc_hdl);
	} else {
		head_cont(&e, co->co_cont);
		dc_op_rpc(op, 0, DSP_CONT_CLOSE, &e, NULL, NULL, cont_close_reply, NULL);
	}
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_cont_destroy2(daos_handle_t poh, const char *cont_id, int force, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	if (!cont_id_valid(cont_id))
		return -DER_INVAL;
	dc_lock();
	rc = cont_op_start(poh, DAOS_HDL_INVAL, ev, &op, &co);
	if (rc != 0)
		goto out;
	head_pool(&e, co->co_pool);
	denc_str(&e, cont_id);
	denc_u32(&e, force != 0);
	dc_op_rpc(op, 0, DSP_CONT_DESTROY, &e, NULL, NULL, cont_destroy_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- query and properties ---- */

static int
cont_query_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct cont_op      *co = op->op_priv;
	struct dsp_cont_info ci;
	struct dsp_props     props;
	struct ddec          d;
	int                  rc;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	dsp_cont_info_decode(&d, &ci);
	rc = dsp_props_decode(&d, &props);
	if (rc != 0)
		return rc;
	if (co->co_out[0] != NULL)
		cont_info_fill(&ci, co->co_out[0]);
	if (co->co_out[1] != NULL)
		rc = dc_prop_from_dsp(&props, co->co_out[1]);
	dsp_props_fini(&props);
	return rc;
}

int
daos_cont_query(daos_handle_t coh, daos_cont_info_t *info, daos_prop_t *cont_prop,
		daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	co->co_out[0] = info;
	co->co_out[1] = cont_prop;
	head_cont(&e, co->co_cont);
	dc_op_rpc(op, 0, DSP_CONT_QUERY, &e, NULL, NULL, cont_query_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_cont_set_prop(daos_handle_t coh, daos_prop_t *prop, daos_event_t *ev)
{
	struct dsp_props props = {0};
	struct cont_op  *co;
	struct dc_op    *op;
	struct denc      e;
	int              rc;

	if (prop == NULL || prop->dpp_nr == 0)
		return -DER_INVAL;
	dc_lock();
	rc = dc_prop_to_dsp(prop, &props);
	if (rc == 0)
		rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	head_cont(&e, co->co_cont);
	dsp_props_encode(&e, &props);
	dc_op_rpc(op, 0, DSP_CONT_SET_PROP, &e, NULL, NULL, dc_reply_status, NULL);
	rc = dc_op_run(op, ev);
out:
	dsp_props_fini(&props);
	dc_unlock();
	return rc;
}

/* ---- attributes (dc_attr.c) ---- */

int
daos_cont_list_attr(daos_handle_t coh, char *buffer, size_t *size, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	if (size == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	co->co_attr.ao_buf   = buffer;
	co->co_attr.ao_sizes = size;
	head_cont(&e, co->co_cont);
	dc_op_rpc(op, 0, DSP_CONT_ATTR_LIST, &e, NULL, NULL, dc_attr_list_reply, &co->co_attr);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* get (values NULL, buffers given), set (values given), del (neither). */
static int
cont_attr_call(daos_handle_t coh, uint16_t opc, int n, char const *const names[],
	       void *const buffers[], void const *const values[], size_t sizes[],
	       daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	rc = dc_attr_check(n, names, values, sizes, opc == DSP_CONT_ATTR_SET);
	if (rc == 0 && opc == DSP_CONT_ATTR_GET && sizes == NULL)
		rc = -DER_INVAL;
	if (rc != 0)
		return rc;
	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	co->co_attr.ao_buf   = (void *)buffers;
	co->co_attr.ao_sizes = sizes;
	co->co_attr.ao_n     = (uint32_t)n;
	head_cont(&e, co->co_cont);
	dc_attr_encode(&e, n, names, values, sizes);
	dc_op_rpc(op, 0, opc, &e, NULL, NULL,
		  opc == DSP_CONT_ATTR_GET ? dc_attr_get_reply : dc_reply_status, &co->co_attr);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_cont_get_attr(daos_handle_t coh, int n, char const *const names[], void *const buffers[],
		   size_t sizes[], daos_event_t *ev)
{
	return cont_attr_call(coh, DSP_CONT_ATTR_GET, n, names, buffers, NULL, sizes, ev);
}

int
daos_cont_set_attr(daos_handle_t coh, int n, char const *const names[],
		   void const *const values[], size_t const sizes[], daos_event_t *ev)
{
	return cont_attr_call(coh, DSP_CONT_ATTR_SET, n, names, NULL, values, (size_t *)sizes, ev);
}

int
daos_cont_del_attr(daos_handle_t coh, int n, char const *const names[], daos_event_t *ev)
{
	return cont_attr_call(coh, DSP_CONT_ATTR_DEL, n, names, NULL, NULL, NULL, ev);
}

/* ---- snapshots ---- */

static int
snap_create_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct cont_op *co = op->op_priv;
	struct ddec     d;
	uint64_t        epoch;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	epoch = ddec_u64(&d);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	if (co->co_out[0] != NULL)
		*(daos_epoch_t *)co->co_out[0] = epoch;
	return 0;
}

int
daos_cont_create_snap_opt(daos_handle_t coh, daos_epoch_t *epoch, char *name,
			  enum daos_snapshot_opts opts, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	if (!(opts & DAOS_SNAP_OPT_CR) || (opts & ~(DAOS_SNAP_OPT_CR | DAOS_SNAP_OPT_OIT)))
		return -DER_INVAL;
	if (name != NULL && strlen(name) > DSP_LABEL_MAX)
		return -DER_INVAL;
	if (opts & DAOS_SNAP_OPT_OIT) {
		daos_epoch_t snap;

		/* the snapshot, then its object ID table (dc_oit.c) on the caller's event */
		rc = daos_cont_create_snap_opt(coh, &snap, name, DAOS_SNAP_OPT_CR, NULL);
		if (rc != 0)
			return rc;
		if (epoch != NULL)
			*epoch = snap;
		return daos_cont_snap_oit_create(coh, snap, NULL, ev);
	}
	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	co->co_out[0] = epoch;
	head_cont(&e, co->co_cont);
	denc_str(&e, name);
	dc_op_rpc(op, 0, DSP_CONT_SNAP_CREATE, &e, NULL, NULL, snap_create_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_cont_create_snap(daos_handle_t coh, daos_epoch_t *epoch, char *name, daos_event_t *ev)
{
	return daos_cont_create_snap_opt(coh, epoch, name, DAOS_SNAP_OPT_CR, ev);
}

/* Decode a snapshot list reply: calls fn for each (epoch, name). */
static int
snap_list_decode(struct rpc_call *call, int (*fn)(uint32_t i, uint64_t epoch, const char *name,
						   void *arg),
		 void *arg, uint32_t *np)
{
	char        name[DSP_LABEL_MAX + 1];
	struct ddec d;
	uint32_t    n, i;
	int         rc;

	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	n = ddec_count(&d, 1u << 20, 12);
	for (i = 0; i < n; i++) {
		uint64_t epoch = ddec_u64(&d);

		ddec_str(&d, name, sizeof(name));
		if (ddec_finish(&d) != 0)
			return -DER_PROTO;
		rc = fn(i, epoch, name, arg);
		if (rc != 0)
			return rc;
	}
	*np = n;
	return ddec_finish(&d);
}

static int
snap_list_one(uint32_t i, uint64_t epoch, const char *name, void *arg)
{
	struct cont_op *co     = arg;
	daos_epoch_t   *epochs = co->co_out[1];
	char          **names  = co->co_out[2];

	if (i >= co->co_val)
		return 0;
	if (epochs != NULL)
		epochs[i] = epoch;
	if (names != NULL && names[i] != NULL)
		snprintf(names[i], DAOS_SNAPSHOT_MAX_LEN, "%s", name);
	return 0;
}

static int
snap_list_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct cont_op *co = op->op_priv;
	uint32_t        n  = 0;
	int             rc;

	(void)arg;
	rc = snap_list_decode(call, snap_list_one, co, &n);
	if (rc == 0)
		*(int *)co->co_out[0] = (int)n;
	return rc;
}

int
daos_cont_list_snap(daos_handle_t coh, int *nr, daos_epoch_t *epochs, char **names,
		    daos_anchor_t *anchor, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	if (nr == NULL || *nr < 0 || (*nr > 0 && epochs == NULL))
		return -DER_INVAL;
	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	co->co_out[0] = nr;
	co->co_out[1] = epochs;
	co->co_out[2] = names;
	co->co_val    = (uint64_t)*nr;
	head_cont(&e, co->co_cont);
	dc_op_rpc(op, 0, DSP_CONT_SNAP_LIST, &e, NULL, NULL, snap_list_reply, NULL);
	rc = dc_op_run(op, ev);
	if (anchor != NULL && rc == 0 && ev == NULL)
		anchor->da_type = DAOS_ANCHOR_TYPE_EOF; /* one reply carries the whole list */
out:
	dc_unlock();
	return rc;
}

/* destroy_snap: list, then destroy every snapshot in the range. */
struct snap_destroy_arg {
	struct dc_op       *sd_op;
	struct cont_op     *sd_co;
	daos_epoch_range_t  sd_epr;
	uint32_t            sd_found;
};

static int
snap_destroy_one(uint32_t i, uint64_t epoch, const char *name, void *arg)
{
	struct snap_destroy_arg *sd = arg;
	struct denc              e;

	(void)i;
	(void)name;
	if (epoch < sd->sd_epr.epr_lo || epoch > sd->sd_epr.epr_hi)
		return 0;
	head_cont(&e, sd->sd_co->co_cont);
	denc_u64(&e, epoch);
	dc_op_rpc(sd->sd_op, 0, DSP_CONT_SNAP_DESTROY, &e, NULL, NULL, dc_reply_status, NULL);
	sd->sd_found++;
	return 0;
}

static int
snap_destroy_list_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct snap_destroy_arg sd = {.sd_op = op, .sd_co = op->op_priv};
	uint32_t                n;
	int                     rc;

	(void)arg;
	sd.sd_epr.epr_lo = sd.sd_co->co_val;
	sd.sd_epr.epr_hi = (uint64_t)(uintptr_t)sd.sd_co->co_out[0];
	rc               = snap_list_decode(call, snap_destroy_one, &sd, &n);
	if (rc == 0 && sd.sd_found == 0)
		rc = -DER_NONEXIST;
	return rc;
}

int
daos_cont_destroy_snap(daos_handle_t coh, daos_epoch_range_t epr, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	if (epr.epr_lo > epr.epr_hi)
		return -DER_INVAL;
	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	co->co_val    = epr.epr_lo;
	co->co_out[0] = (void *)(uintptr_t)epr.epr_hi;
	head_cont(&e, co->co_cont);
	dc_op_rpc(op, 0, DSP_CONT_SNAP_LIST, &e, NULL, NULL, snap_destroy_list_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- object ids ---- */

static int
alloc_oids_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct cont_op *co = op->op_priv;
	struct ddec     d;
	uint64_t        first;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	first = ddec_u64(&d);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	*(uint64_t *)co->co_out[0] = first;
	return 0;
}

int
daos_cont_alloc_oids(daos_handle_t coh, daos_size_t num_oids, uint64_t *oid, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	if (num_oids == 0 || oid == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	co->co_out[0] = oid;
	head_cont(&e, co->co_cont);
	denc_u64(&e, num_oids);
	dc_op_rpc(op, 0, DSP_CONT_ALLOC_OIDS, &e, NULL, NULL, alloc_oids_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- a pool's containers that pass a filter ---- */

int
daos_pool_cont_filter_init(daos_pool_cont_filter_t *filt, uint32_t combine_func)
{
	if (filt == NULL || combine_func > PCF_COMBINE_LOGICAL_OR)
		return -DER_INVAL;
	memset(filt, 0, sizeof(*filt));
	filt->pcf_combine_func = combine_func;
	return 0;
}

/* As DAOS: the filter refers to part (it is not copied) until fini. */
int
daos_pool_cont_filter_add(daos_pool_cont_filter_t *filt, daos_pool_cont_filter_part_t *part)
{
	daos_pool_cont_filter_part_t **parts;

	if (filt == NULL || part == NULL)
		return -DER_INVAL;
	D_REALLOC_ARRAY(parts, filt->pcf_parts, filt->pcf_nparts, filt->pcf_nparts + 1);
	if (parts == NULL)
		return -DER_NOMEM;
	filt->pcf_parts                     = parts;
	filt->pcf_parts[filt->pcf_nparts++] = part;
	return 0;
}

void
daos_pool_cont_filter_fini(daos_pool_cont_filter_t *filt)
{
	if (filt == NULL)
		return;
	D_FREE(filt->pcf_parts);
	filt->pcf_nparts = 0;
}

static int
filter_cont_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct cont_op              *co   = op->op_priv;
	daos_size_t                 *ncont = co->co_out[0];
	struct daos_pool_cont_info2 *cbuf = co->co_out[1];
	struct dsp_cont_info         ci;
	struct ddec                  d;
	daos_size_t                  cap = *ncont;
	uint32_t                     n, i;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	n = ddec_count(&d, DSP_LIST_MAX, 20);
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	*ncont = n;
	if (cbuf == NULL)
		return 0; /* the count only */
	if (cap < n)
		return -DER_TRUNC;
	for (i = 0; i < n; i++) {
		memset(&cbuf[i], 0, sizeof(cbuf[i]));
		ddec_uuid(&d, cbuf[i].pci_id.pci_uuid);
		ddec_str(&d, cbuf[i].pci_id.pci_label, sizeof(cbuf[i].pci_id.pci_label));
		dsp_cont_info_decode(&d, &ci);
		if (ddec_finish(&d) != 0)
			return -DER_PROTO;
		cont_info_fill(&ci, &cbuf[i].pci_cinfo);
	}
	return 0;
}

int
daos_pool_filter_cont(daos_handle_t poh, daos_pool_cont_filter_t *filter, daos_size_t *ncont,
		      struct daos_pool_cont_info2 *cbuf, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	uint32_t        i, nparts = filter != NULL ? filter->pcf_nparts : 0;
	int             rc;

	if (ncont == NULL || nparts > DAOS_POOL_CONT_FILTER_MAX_NPARTS ||
	    (nparts > 0 && filter->pcf_parts == NULL))
		return -DER_INVAL;
	for (i = 0; i < nparts; i++)
		if (filter->pcf_parts[i] == NULL || filter->pcf_parts[i]->pcfp_func >= PCF_FUNC_MAX ||
		    filter->pcf_parts[i]->pcfp_key >= PCF_KEY_MAX)
			return -DER_INVAL;
	dc_lock();
	rc = cont_op_start(poh, DAOS_HDL_INVAL, ev, &op, &co);
	if (rc != 0)
		goto out;
	co->co_out[0] = ncont;
	co->co_out[1] = cbuf;
	head_pool(&e, co->co_pool);
	denc_u32(&e, filter != NULL ? filter->pcf_combine_func : PCF_COMBINE_LOGICAL_AND);
	denc_u32(&e, nparts);
	for (i = 0; i < nparts; i++) {
		denc_u32(&e, filter->pcf_parts[i]->pcfp_func);
		denc_u32(&e, filter->pcf_parts[i]->pcfp_key);
		denc_u64(&e, filter->pcf_parts[i]->pcfp_val64);
	}
	dc_op_rpc(op, 0, DSP_POOL_FILTER_CONT, &e, NULL, NULL, filter_cont_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/* ---- aggregation and status ---- */

int
daos_cont_aggregate(daos_handle_t coh, daos_epoch_t epoch, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	if (epoch == DAOS_EPOCH_MAX)
		return -DER_INVAL;
	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	head_cont(&e, co->co_cont);
	denc_u64(&e, epoch);
	dc_op_rpc(op, 0, DSP_CONT_AGGREGATE, &e, NULL, NULL, dc_reply_status, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_cont_status_clear(daos_handle_t coh, daos_event_t *ev)
{
	daos_prop_t *prop = daos_prop_alloc(1);
	int          rc;

	if (prop == NULL)
		return -DER_NOMEM;
	prop->dpp_entries[0].dpe_type = DAOS_PROP_CO_STATUS;
	prop->dpp_entries[0].dpe_val  = DAOS_PROP_CO_STATUS_VAL(DAOS_PROP_CO_HEALTHY, 0, 0);
	rc = daos_cont_set_prop(coh, prop, ev);
	daos_prop_free(prop);
	return rc;
}

/* Rolling back and subscribing: DAOS 2.x does not support them either (-DER_NOSYS). */
int
daos_cont_rollback(daos_handle_t coh, daos_epoch_t epoch, daos_event_t *ev)
{
	(void)coh, (void)epoch, (void)ev;
	return -DER_NOSYS;
}

int
daos_cont_subscribe(daos_handle_t coh, daos_epoch_t *epoch, daos_event_t *ev)
{
	(void)coh, (void)epoch, (void)ev;
	return -DER_NOSYS;
}

/* ---- handle sharing ---- */

int
daos_cont_local2global(daos_handle_t coh, d_iov_t *glob)
{
	struct dc_cont *cont;
	struct denc     e;

	if (glob == NULL)
		return -DER_INVAL;
	dc_lock();
	cont = dc_cont_get(coh);
	if (cont == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	denc_init(&e);
	denc_u32(&e, DC_CONT_GLOB_MAGIC);
	denc_u32(&e, DC_CONT_GLOB_VERSION);
	denc_uuid(&e, cont->dc_pool->dp_uuid);
	denc_uuid(&e, cont->dc_uuid);
	denc_uuid(&e, cont->dc_coh);
	denc_u64(&e, cont->dc_flags);
	denc_u32(&e, cont->dc_csum);
	denc_u32(&e, cont->dc_csum_chunk);
	denc_u32(&e, cont->dc_srv_verify);
	dc_cont_put(cont);
	dc_unlock();
	return dc_glob_export(&e, glob);
}

int
daos_cont_global2local(daos_handle_t poh, d_iov_t glob, daos_handle_t *coh)
{
	struct dc_cont *cont;
	struct dc_pool *pool;
	struct ddec     d;
	uuid_t          pu;
	int             rc = 0;

	if (coh == NULL || glob.iov_buf == NULL || glob.iov_len == 0)
		return -DER_INVAL;
	D_ALLOC_PTR(cont);
	if (cont == NULL)
		return -DER_NOMEM;
	ddec_init(&d, glob.iov_buf, glob.iov_len);
	if (ddec_u32(&d) != DC_CONT_GLOB_MAGIC || ddec_u32(&d) > DC_CONT_GLOB_VERSION)
		rc = -DER_INVAL;
	ddec_uuid(&d, pu);
	ddec_uuid(&d, cont->dc_uuid);
	ddec_uuid(&d, cont->dc_coh);
	cont->dc_flags      = ddec_u64(&d);
	cont->dc_csum       = ddec_u32(&d);
	cont->dc_csum_chunk = ddec_u32(&d);
	cont->dc_srv_verify = ddec_u32(&d) != 0;
	cont->dc_global     = true;
	if (rc == 0 && ddec_finish(&d) != 0)
		rc = -DER_INVAL;
	if (rc != 0) {
		D_FREE(cont);
		return rc;
	}
	dc_lock();
	rc   = dc_initialized();
	pool = rc == 0 ? dc_pool_get(poh) : NULL;
	if (rc == 0 && pool == NULL)
		rc = -DER_NO_HDL;
	if (rc == 0 && uuid_compare(pool->dp_uuid, pu) != 0) {
		dc_pool_put(pool);
		rc = -DER_INVAL; /* a container of another pool */
	}
	if (rc == 0) {
		cont->dc_pool = pool;
		pool->dp_nconts++;
		dc_hdl_insert(&cont->dc_hdl, DAOS_HTYPE_CO, cont_free, coh);
	} else {
		D_FREE(cont);
	}
	dc_unlock();
	return rc;
}

/* ---- access control lists and owners (DAOS_PROP_CO_ACL, _OWNER, _OWNER_GROUP) ---- */

/*
 * The ACL calls go through the container's properties: get is a query, the
 * others set DAOS_PROP_CO_ACL, which the container service validates
 * (daos_acl_validate) before storing it. Update and delete read the ACL,
 * change it here and write it back: two requests, so two clients changing
 * one container's ACL at once may lose one's change (DAOS does both on the
 * server). The ACL is stored and returned, not yet enforced on open.
 */

#define CONT_ACL_UPDATE 0 /* co_val of an update; a delete's is 1 + the principal type */

static int
cont_get_acl_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	static const uint32_t types[] = {DAOS_PROP_CO_ACL, DAOS_PROP_CO_OWNER,
					 DAOS_PROP_CO_OWNER_GROUP};
	struct cont_op       *co      = op->op_priv;
	struct dsp_cont_info  ci;
	struct dsp_props      props;
	daos_prop_t          *prop;
	struct ddec           d;
	uint32_t              i;
	int                   rc;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	dsp_cont_info_decode(&d, &ci);
	rc = dsp_props_decode(&d, &props);
	if (rc != 0)
		return rc;
	prop = daos_prop_alloc(ARRAY_SIZE(types));
	if (prop == NULL) {
		dsp_props_fini(&props);
		return -DER_NOMEM;
	}
	for (i = 0; i < ARRAY_SIZE(types); i++)
		prop->dpp_entries[i].dpe_type = types[i];
	rc = dc_prop_from_dsp(&props, prop);
	dsp_props_fini(&props);
	if (rc != 0) {
		daos_prop_free(prop);
		return rc;
	}
	*(daos_prop_t **)co->co_out[0] = prop;
	return 0;
}

int
daos_cont_get_acl(daos_handle_t coh, daos_prop_t **acl_prop, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	if (acl_prop == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0)
		goto out;
	co->co_out[0] = acl_prop;
	head_cont(&e, co->co_cont);
	dc_op_rpc(op, 0, DSP_CONT_QUERY, &e, NULL, NULL, cont_get_acl_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_cont_overwrite_acl(daos_handle_t coh, struct daos_acl *acl, daos_event_t *ev)
{
	daos_prop_t *prop;
	int          rc;

	if (daos_acl_validate(acl) != 0)
		return -DER_INVAL;
	prop = daos_prop_alloc(1);
	if (prop == NULL)
		return -DER_NOMEM;
	prop->dpp_entries[0].dpe_type    = DAOS_PROP_CO_ACL;
	prop->dpp_entries[0].dpe_val_ptr = daos_acl_dup(acl);
	if (prop->dpp_entries[0].dpe_val_ptr == NULL) {
		daos_prop_free(prop);
		return -DER_NOMEM;
	}
	/* encoded before it returns: prop may go at once, also with an event */
	rc = daos_cont_set_prop(coh, prop, ev);
	daos_prop_free(prop);
	return rc;
}

/* The container's ACL from a query reply's properties (empty if it has none). */
static int
cont_acl_of(const struct dsp_props *props, struct daos_acl **aclp)
{
	const struct dsp_prop *p = dsp_props_find(props, DAOS_PROP_CO_ACL);
	struct daos_acl       *acl;

	if (p == NULL || p->dp_kind != DSP_PROP_BYTES || p->dp_val == 0) {
		*aclp = daos_acl_create(NULL, 0);
		return *aclp == NULL ? -DER_NOMEM : 0;
	}
	if (p->dp_val < sizeof(*acl) || p->dp_val > sizeof(*acl) + DAOS_ACL_MAX_ACE_LEN)
		return -DER_PROTO;
	D_ALLOC(acl, p->dp_val);
	if (acl == NULL)
		return -DER_NOMEM;
	memcpy(acl, p->dp_str, p->dp_val);
	if (sizeof(*acl) + acl->dal_len != p->dp_val || daos_acl_validate(acl) != 0) {
		daos_acl_free(acl);
		return -DER_PROTO;
	}
	*aclp = acl;
	return 0;
}

/* The current ACL is back: change it as asked and write it back. */
static int
cont_acl_change_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct cont_op      *co  = op->op_priv;
	struct daos_acl     *acl = NULL;
	struct daos_ace     *ace;
	struct dsp_cont_info ci;
	struct dsp_props     props;
	struct dsp_prop      dp;
	struct dsp_props     one = {.dps_nr = 1, .dps_props = &dp};
	struct ddec          d;
	struct denc          e;
	int                  rc;

	(void)arg;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	dsp_cont_info_decode(&d, &ci);
	rc = dsp_props_decode(&d, &props);
	if (rc != 0)
		return rc;
	rc = cont_acl_of(&props, &acl);
	dsp_props_fini(&props);
	if (rc != 0)
		return rc;
	if (co->co_val == CONT_ACL_UPDATE) {
		struct daos_acl *changes = (struct daos_acl *)co->co_buf;

		for (ace = daos_acl_get_next_ace(changes, NULL); rc == 0 && ace != NULL;
		     ace = daos_acl_get_next_ace(changes, ace))
			rc = daos_acl_add_ace(&acl, ace);
	} else {
		rc = daos_acl_remove_ace(&acl, (enum daos_acl_principal_type)(co->co_val - 1),
					 co->co_buf);
	}
	if (rc == 0) {
		dp.dp_type = DAOS_PROP_CO_ACL;
		dp.dp_kind = DSP_PROP_BYTES;
		dp.dp_val  = (uint64_t)daos_acl_get_size(acl);
		dp.dp_str  = (char *)acl;
		head_cont(&e, co->co_cont);
		dsp_props_encode(&e, &one);
		dc_op_rpc(op, 0, DSP_CONT_SET_PROP, &e, NULL, NULL, dc_reply_status, NULL);
	}
	daos_acl_free(acl);
	return rc;
}

/* Read, change (co_val, co_buf: what) and write back the ACL. buf is the op's. */
static int
cont_acl_change(daos_handle_t coh, uint64_t what, char *buf, daos_event_t *ev)
{
	struct cont_op *co;
	struct dc_op   *op;
	struct denc     e;
	int             rc;

	dc_lock();
	rc = cont_op_start(DAOS_HDL_INVAL, coh, ev, &op, &co);
	if (rc != 0) {
		D_FREE(buf);
		goto out;
	}
	co->co_val = what;
	co->co_buf = buf;
	head_cont(&e, co->co_cont);
	dc_op_rpc(op, 0, DSP_CONT_QUERY, &e, NULL, NULL, cont_acl_change_reply, NULL);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_cont_update_acl(daos_handle_t coh, struct daos_acl *acl, daos_event_t *ev)
{
	struct daos_acl *copy;

	if (daos_acl_validate(acl) != 0)
		return -DER_INVAL;
	copy = daos_acl_dup(acl);
	if (copy == NULL)
		return -DER_NOMEM;
	return cont_acl_change(coh, CONT_ACL_UPDATE, (char *)copy, ev);
}

int
daos_cont_delete_acl(daos_handle_t coh, enum daos_acl_principal_type type, d_string_t name,
		     daos_event_t *ev)
{
	char *copy = NULL;

	if ((unsigned int)type >= NUM_DAOS_ACL_TYPES)
		return -DER_INVAL;
	if (type == DAOS_ACL_USER || type == DAOS_ACL_GROUP) {
		if (!daos_acl_principal_is_valid(name))
			return -DER_INVAL;
		D_STRNDUP(copy, name, DAOS_ACL_MAX_PRINCIPAL_LEN);
		if (copy == NULL)
			return -DER_NOMEM;
	}
	return cont_acl_change(coh, 1 + (uint64_t)type, copy, ev);
}

/* New owner user and/or group; check: they must exist here (getpwnam/getgrnam). */
static int
cont_set_owner(daos_handle_t coh, d_string_t user, d_string_t group, bool check,
	       daos_event_t *ev)
{
	const char  *names[2] = {user, group};
	uint32_t     types[2] = {DAOS_PROP_CO_OWNER, DAOS_PROP_CO_OWNER_GROUP};
	daos_prop_t *prop;
	uint32_t     nr = 0;
	uid_t        uid;
	gid_t        gid;
	int          i;
	int          rc = 0;

	for (i = 0; i < 2; i++) {
		if (names[i] == NULL)
			continue;
		if (!daos_acl_principal_is_valid(names[i]))
			return -DER_INVAL;
		if (check)
			rc = i == 0 ? daos_acl_principal_to_uid(names[i], &uid)
				    : daos_acl_principal_to_gid(names[i], &gid);
		if (rc != 0)
			return rc;
		nr++;
	}
	if (nr == 0)
		return -DER_INVAL;
	prop = daos_prop_alloc(nr);
	if (prop == NULL)
		return -DER_NOMEM;
	for (i = 0, nr = 0; i < 2; i++) {
		if (names[i] == NULL)
			continue;
		prop->dpp_entries[nr].dpe_type = types[i];
		D_STRNDUP(prop->dpp_entries[nr].dpe_str, names[i], DAOS_ACL_MAX_PRINCIPAL_LEN);
		if (prop->dpp_entries[nr].dpe_str == NULL) {
			daos_prop_free(prop);
			return -DER_NOMEM;
		}
		nr++;
	}
	rc = daos_cont_set_prop(coh, prop, ev);
	daos_prop_free(prop);
	return rc;
}

int
daos_cont_set_owner(daos_handle_t coh, d_string_t user, d_string_t group, daos_event_t *ev)
{
	return cont_set_owner(coh, user, group, true, ev);
}

int
daos_cont_set_owner_no_check(daos_handle_t coh, d_string_t user, d_string_t group,
			     daos_event_t *ev)
{
	return cont_set_owner(coh, user, group, false, ev);
}
