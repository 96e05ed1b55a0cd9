/*
 * libdaos KV objects: string keys, opaque values. A key is a dkey holding one
 * single value under the akey "0" (DAOS's layout), so a KV object is an
 * ordinary object that the object API can read too.
 */
#include "common/obj_proto.h"
#include "dc_internal.h"

#define DC_KV_KEY_MAX DOP_KEY_MAX

struct kv_get {
	daos_iod_t   kg_iod;
	d_sg_list_t  kg_sgl;
	d_iov_t      kg_iov;
	daos_key_t   kg_dkey;
	char         kg_akey;
	daos_size_t *kg_size;
};

static bool
kv_key_valid(const char *key)
{
	return key != NULL && key[0] != '\0' && strlen(key) <= DC_KV_KEY_MAX;
}

int
daos_kv_open(daos_handle_t coh, daos_obj_id_t oid, unsigned int mode, daos_handle_t *oh,
	     daos_event_t *ev)
{
	if (!daos_is_kv(oid))
		return -DER_INVAL; /* a KV is an object of a KV type */
	return daos_obj_open(coh, oid, mode, oh, ev);
}

int
daos_kv_close(daos_handle_t oh, daos_event_t *ev)
{
	return daos_obj_close(oh, ev);
}

int
daos_kv_destroy(daos_handle_t oh, daos_handle_t th, daos_event_t *ev)
{
	return daos_obj_punch(oh, th, 0, ev);
}

int
daos_kv_put(daos_handle_t oh, daos_handle_t th, uint64_t flags, const char *key,
	    daos_size_t size, const void *buf, daos_event_t *ev)
{
	struct kv_get *kp;
	struct dc_op  *op;
	int            rc;

	if (!kv_key_valid(key) || size == 0 || buf == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	/* the descriptors must outlive the call when it is asynchronous */
	D_ALLOC_PTR(kp);
	if (kp == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	rc = dc_op_create(ev, kp, d_free, &op);
	if (rc != 0) {
		D_FREE(kp);
		goto out;
	}
	kp->kg_akey = '0';
	d_iov_set(&kp->kg_dkey, (void *)key, strlen(key));
	d_iov_set(&kp->kg_iod.iod_name, &kp->kg_akey, 1);
	kp->kg_iod.iod_type = DAOS_IOD_SINGLE;
	kp->kg_iod.iod_size = size;
	kp->kg_iod.iod_nr   = 1;
	d_iov_set(&kp->kg_iov, (void *)buf, size);
	kp->kg_sgl.sg_nr   = 1;
	kp->kg_sgl.sg_iovs = &kp->kg_iov;
	rc = dc_obj_update(op, NULL, oh, th, flags, &kp->kg_dkey, 1, &kp->kg_iod, &kp->kg_sgl);
	dc_op_fail(op, rc);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

/*
 * The fetch is done: the value's size is the caller's answer, also with
 * -DER_REC2BIG (the room the value needs), as DAOS's daos_kv_get says it.
 */
static void
kv_get_done(struct dc_op *op)
{
	struct kv_get *kg = op->op_priv;

	if (op->op_rc == 0 || op->op_rc == -DER_REC2BIG)
		*kg->kg_size = kg->kg_iod.iod_size;
	dc_op_finish(op, 0);
}

int
daos_kv_get(daos_handle_t oh, daos_handle_t th, uint64_t flags, const char *key,
	    daos_size_t *size, void *buf, daos_event_t *ev)
{
	struct kv_get *kg;
	struct dc_op  *op;
	int            rc;

	if (!kv_key_valid(key) || size == NULL || (buf != NULL && *size == 0))
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	D_ALLOC_PTR(kg);
	if (kg == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	rc = dc_op_create(ev, kg, d_free, &op);
	if (rc != 0) {
		D_FREE(kg);
		goto out;
	}
	kg->kg_size = size;
	kg->kg_akey = '0';
	d_iov_set(&kg->kg_dkey, (void *)key, strlen(key));
	d_iov_set(&kg->kg_iod.iod_name, &kg->kg_akey, 1);
	kg->kg_iod.iod_type = DAOS_IOD_SINGLE;
	kg->kg_iod.iod_size = DAOS_REC_ANY;
	kg->kg_iod.iod_nr   = 1;
	d_iov_set(&kg->kg_iov, buf, buf == NULL ? 0 : *size);
	kg->kg_sgl.sg_nr   = 1;
	kg->kg_sgl.sg_iovs = &kg->kg_iov;
	op->op_stage       = kv_get_done;
	op->op_on_fail     = kv_get_done;
	/* buf NULL: only the size is wanted */
	rc = dc_obj_fetch(op, NULL, oh, th, flags, &kg->kg_dkey, 1, &kg->kg_iod,
			  buf == NULL ? NULL : &kg->kg_sgl, NULL);
	dc_op_fail(op, rc);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_kv_remove(daos_handle_t oh, daos_handle_t th, uint64_t flags, const char *key,
	       daos_event_t *ev)
{
	struct kv_get *kr;
	struct dc_op  *op;
	int            rc;

	if (!kv_key_valid(key))
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	D_ALLOC_PTR(kr);
	if (kr == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	rc = dc_op_create(ev, kr, d_free, &op);
	if (rc != 0) {
		D_FREE(kr);
		goto out;
	}
	d_iov_set(&kr->kg_dkey, (void *)key, strlen(key));
	rc = dc_obj_punch(op, NULL, oh, th, flags, DOP_PUNCH_DKEYS, NULL, 1, &kr->kg_dkey);
	dc_op_fail(op, rc);
	rc = dc_op_run(op, ev);
out:
	dc_unlock();
	return rc;
}

int
daos_kv_list(daos_handle_t oh, daos_handle_t th, uint32_t *nr, daos_key_desc_t *kds,
	     d_sg_list_t *sgl, daos_anchor_t *anchor, daos_event_t *ev)
{
	return daos_obj_list_dkey(oh, th, nr, kds, sgl, anchor, ev);
}
