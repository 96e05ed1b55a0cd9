/*
 * Error code names and descriptions, generated from the ACTION lists in
 * daos_errno.h so the numbers, names and texts can never drift apart.
 */
#include <gurt/common.h>

#define D_ERR_TABLES(name, base)                                                                   \
	static const char *const d_##name##_names[] = {D_FOREACH_##name##_ERR(D_DEFINE_ERRSTR)};   \
	static const char *const d_##name##_descs[] = {D_FOREACH_##name##_ERR(D_DEFINE_ERRDESC)};

D_FOREACH_ERR_RANGE(D_ERR_TABLES)

struct d_err_range {
	int                       er_base; /* first code is er_base + 1 */
	int                       er_nr;
	const char *const        *er_names;
	const char *const        *er_descs;
};

#define D_ERR_RANGE_ENTRY(name, base)                                                              \
	{(base), (int)ARRAY_SIZE(d_##name##_names), d_##name##_names, d_##name##_descs},

static const struct d_err_range d_err_ranges[] = {D_FOREACH_ERR_RANGE(D_ERR_RANGE_ENTRY)};

/* Index into a range's tables, or NULL when errnum is not a known code. */
static const struct d_err_range *
d_err_lookup(int errnum, int *idx)
{
	size_t i;

	if (errnum < 0)
		errnum = -errnum;
	for (i = 0; i < ARRAY_SIZE(d_err_ranges); i++) {
		const struct d_err_range *r = &d_err_ranges[i];

		if (errnum > r->er_base && errnum <= r->er_base + r->er_nr) {
			*idx = errnum - r->er_base - 1;
			return r;
		}
	}
	return NULL;
}

const char *
d_errstr(int errnum)
{
	const struct d_err_range *r;
	int                       idx;

	if (errnum == 0)
		return "DER_SUCCESS";
	r = d_err_lookup(errnum, &idx);
	return r != NULL ? r->er_names[idx] : "DER_UNKNOWN";
}

const char *
d_errdesc(int errnum)
{
	static __thread char      unknown[40];
	const struct d_err_range *r;
	int                       idx;

	if (errnum == 0)
		return "Success";
	r = d_err_lookup(errnum, &idx);
	if (r != NULL)
		return r->er_descs[idx];
	snprintf(unknown, sizeof(unknown), "Unknown error code %d", errnum);
	return unknown;
}

int
d_der2errno(int rc)
{
	if (rc < 0)
		rc = -rc;
	switch (rc) {
	case DER_SUCCESS:
		return 0;
	case DER_NO_PERM:
	case DER_EP_RO:
		return EPERM;
	case DER_NO_HDL:
		return EBADF;
	case DER_INVAL:
	case DER_IO_INVAL:
	case DER_NOTYPE:
	case DER_NOSCHEMA:
		return EINVAL;
	case DER_EXIST:
		return EEXIST;
	case DER_NONEXIST:
	case DER_ENOENT:
	case DER_CONT_NONEXIST:
		return ENOENT;
	case DER_UNREACH:
	case DER_EXCLUDED:
		return EHOSTUNREACH;
	case DER_NOSPACE:
	case DER_QUOTA_LIMIT:
		return ENOSPC;
	case DER_ALREADY:
		return EALREADY;
	case DER_NOMEM:
	case DER_NO_SHMEM:
		return ENOMEM;
	case DER_NOSYS:
	case DER_NOTSUPPORTED:
		return ENOTSUP;
	case DER_TIMEDOUT:
		return ETIMEDOUT;
	case DER_BUSY:
	case DER_EQ_BUSY:
		return EBUSY;
	case DER_AGAIN:
	case DER_TX_RESTART:
	case DER_OVERLOAD_RETRY:
		return EAGAIN;
	case DER_PROTO:
		return EPROTO;
	case DER_TRUNC:
		return ENOBUFS;
	case DER_OVERFLOW:
	case DER_REC2BIG:
		return EOVERFLOW;
	case DER_KEY2BIG:
		return ENAMETOOLONG;
	case DER_CANCELED:
	case DER_OP_CANCELED:
		return ECANCELED;
	case DER_NOTDIR:
		return ENOTDIR;
	case DER_BADPATH:
		return ENOENT;
	case DER_CSUM:
	case DER_DATA_LOSS:
	case DER_IO:
	case DER_NVME_IO:
		return EIO;
	case DER_INPROGRESS:
		return EINPROGRESS;
	case DER_SHUTDOWN:
		return ESHUTDOWN;
	default:
		return EIO;
	}
}
