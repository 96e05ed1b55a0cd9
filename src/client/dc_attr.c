/*
 * User attributes: what daos_pool_*_attr and daos_cont_*_attr share. The
 * caller encodes its handle's head, then the names (and values) here; the
 * replies are decoded into the caller's buffers as DAOS documents: list packs
 * the names NUL-separated into as much of the buffer as fits and reports the
 * whole size; get copies as much of each value as fits and reports each
 * value's size.
 */
#include "common/srv_proto.h"
#include "dc_internal.h"

int
dc_reply_status(struct dc_op *op, struct rpc_call *call, void *arg)
{
	(void)op;
	(void)arg;
	return call->rc_rc;
}

int
dc_attr_check(int n, char const *const names[], void const *const values[],
	      size_t const sizes[], bool set)
{
	int i;

	if (n <= 0 || names == NULL || (set && (values == NULL || sizes == NULL)))
		return -DER_INVAL;
	for (i = 0; i < n; i++) {
		if (names[i] == NULL || names[i][0] == '\0' || strlen(names[i]) > DSP_ATTR_NAME_MAX)
			return -DER_INVAL;
		if (set && (values[i] == NULL || sizes[i] == 0))
			return -DER_INVAL;
	}
	return 0;
}

void
dc_attr_encode(struct denc *e, int n, char const *const names[], void const *const values[],
	       size_t const sizes[])
{
	int i;

	denc_u32(e, (uint32_t)n);
	for (i = 0; i < n; i++) {
		denc_str(e, names[i]);
		if (values != NULL)
			denc_bytes(e, values[i], sizes[i]);
	}
}

int
dc_attr_list_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct dc_attr_out *ao  = arg;
	char               *buf = ao->ao_buf;
	size_t              cap = *ao->ao_sizes, total = 0;
	struct ddec         d;
	uint32_t            n, i;

	(void)op;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	n = ddec_count(&d, DSP_LIST_MAX, 4);
	for (i = 0; i < n; i++) {
		size_t      len;
		const char *name = ddec_bytes(&d, &len);

		if (name == NULL)
			break;
		if (buf != NULL && total + len + 1 <= cap) {
			memcpy(buf + total, name, len);
			buf[total + len] = '\0';
		}
		total += len + 1;
	}
	if (ddec_finish(&d) != 0)
		return -DER_PROTO;
	*ao->ao_sizes = total;
	return 0;
}

int
dc_attr_get_reply(struct dc_op *op, struct rpc_call *call, void *arg)
{
	struct dc_attr_out *ao      = arg;
	void *const        *buffers = ao->ao_buf;
	size_t             *sizes   = ao->ao_sizes;
	struct ddec         d;
	uint32_t            n, i;
	int                 rc = 0;

	(void)op;
	if (call->rc_rc != 0)
		return call->rc_rc;
	ddec_init(&d, call->rc_reply, call->rc_reply_len);
	n = ddec_u32(&d);
	if (n != ao->ao_n)
		return -DER_PROTO;
	for (i = 0; i < n; i++) {
		int         arc = ddec_i32(&d);
		size_t      len;
		const void *val = ddec_bytes(&d, &len);

		if (ddec_finish(&d) != 0)
			return -DER_PROTO;
		if (arc != 0) {
			if (rc == 0)
				rc = arc;
			sizes[i] = 0;
			continue;
		}
		if (buffers != NULL && buffers[i] != NULL)
			memcpy(buffers[i], val, MIN(len, sizes[i]));
		sizes[i] = len;
	}
	return rc;
}
