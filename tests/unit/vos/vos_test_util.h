/* Small helpers shared by the VOS tests. */
#ifndef __VOS_TEST_UTIL_H__
#define __VOS_TEST_UTIL_H__

#include "vos_test_backend.h"

static const uuid_t tu_cont = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
			       0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01};

static inline d_iov_t
tu_iov(const void *buf, size_t len)
{
	d_iov_t iov = {.iov_buf = (void *)buf, .iov_buf_len = len, .iov_len = len};

	return iov;
}

#define TU_KEY(s) tu_iov((s), strlen(s))

static inline daos_obj_id_t
tu_oid(uint64_t lo, unsigned int type)
{
	daos_obj_id_t oid = {.lo = lo, .hi = (uint64_t)type << OID_FMT_TYPE_SHIFT};

	return oid;
}

static inline int
tu_put_sv(struct vos *vos, daos_obj_id_t oid, daos_epoch_t e, uint64_t flags, d_iov_t dkey,
	  d_iov_t akey, const void *buf, size_t len)
{
	struct vos_value v   = {.vv_buf = buf, .vv_csum = vos_csum(buf, len)};
	struct vos_iod   iod = {.vi_name = akey, .vi_type = DAOS_IOD_SINGLE, .vi_size = len,
				.vi_nr = 1, .vi_vals = &v};

	return vos_obj_update(vos, tu_cont, oid, e, flags, &dkey, 1, &iod);
}

static inline int
tu_put_ext(struct vos *vos, daos_obj_id_t oid, daos_epoch_t e, d_iov_t dkey, d_iov_t akey,
	   uint64_t rsize, uint64_t idx, uint64_t nr, const void *buf)
{
	struct vos_value v   = {.vv_recx = {idx, nr}, .vv_buf = buf,
				.vv_csum = vos_csum(buf, nr * rsize)};
	struct vos_iod   iod = {.vi_name = akey, .vi_type = DAOS_IOD_ARRAY, .vi_size = rsize,
				.vi_nr = 1, .vi_vals = &v};

	return vos_obj_update(vos, tu_cont, oid, e, 0, &dkey, 1, &iod);
}

/* Fetch a single value; returns its size in *len (0: none). */
static inline int
tu_get_sv(struct vos *vos, daos_obj_id_t oid, daos_epoch_t e, uint64_t flags, d_iov_t dkey,
	  d_iov_t akey, void *buf, size_t cap, uint64_t *len)
{
	struct vos_fetch f = {.vf_name = akey, .vf_type = DAOS_IOD_SINGLE, .vf_buf = buf,
			      .vf_buf_len = cap};
	int              rc;

	rc   = vos_obj_fetch(vos, tu_cont, oid, e, flags, &dkey, 1, &f);
	*len = f.vf_size;
	return rc;
}

static inline int
tu_get_ext(struct vos *vos, daos_obj_id_t oid, daos_epoch_t e, d_iov_t dkey, d_iov_t akey,
	   uint64_t rsize, uint64_t idx, uint64_t nr, void *buf, daos_recx_t *map, uint32_t *map_nr)
{
	daos_recx_t      rx = {idx, nr};
	struct vos_fetch f  = {.vf_name = akey, .vf_type = DAOS_IOD_ARRAY, .vf_size = rsize,
			       .vf_nr = 1, .vf_recxs = &rx, .vf_buf = buf,
			       .vf_buf_len = nr * rsize, .vf_map = map,
			       .vf_map_cap = map_nr ? *map_nr : 0};
	int              rc;

	rc = vos_obj_fetch(vos, tu_cont, oid, e, 0, &dkey, 1, &f);
	if (map_nr)
		*map_nr = f.vf_map_nr;
	return rc;
}

#endif
