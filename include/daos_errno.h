/*
 * daos_errno.h - error numbers.
 *
 * Every function returns 0 or a negative DER_* value. Names and numbers are
 * those of DAOS: two consecutive ranges, GURT's from 1001 and DAOS's from 2001,
 * in the order listed below. Never reorder or insert in the middle: the value
 * of every code after the change would move. Append at the end of a range.
 *
 * Each ACTION(name, description) entry yields the enum value, the name that
 * d_errstr() returns and the text that d_errdesc() returns.
 */
#ifndef __DAOS_ERRNO_H__
#define __DAOS_ERRNO_H__

#if defined(__cplusplus)
extern "C" {
#endif

/* clang-format off */
#define D_FOREACH_GURT_ERR(ACTION)                                                   \
	ACTION(DER_NO_PERM,		Operation not permitted)                       \
	ACTION(DER_NO_HDL,		Invalid handle)                                \
	ACTION(DER_INVAL,		Invalid parameters)                            \
	ACTION(DER_EXIST,		Entity already exists)                         \
	ACTION(DER_NONEXIST,		The specified entity does not exist)           \
	ACTION(DER_UNREACH,		Unreachable node)                              \
	ACTION(DER_NOSPACE,		No space left on storage target)               \
	ACTION(DER_ALREADY,		Operation already performed)                   \
	ACTION(DER_NOMEM,		Out of memory)                                 \
	ACTION(DER_NOSYS,		Function not implemented)                      \
	ACTION(DER_TIMEDOUT,		Timed out)                                     \
	ACTION(DER_BUSY,		Device or resource busy)                       \
	ACTION(DER_AGAIN,		Try again)                                     \
	ACTION(DER_PROTO,		Incompatible protocol)                         \
	ACTION(DER_UNINIT,		Not initialized)                               \
	ACTION(DER_TRUNC,		Buffer too short)                              \
	ACTION(DER_OVERFLOW,		Value too large for its type or buffer)        \
	ACTION(DER_CANCELED,		Operation canceled)                            \
	ACTION(DER_OOG,			Out of group or member list)                   \
	ACTION(DER_HG,			Transport layer error)                         \
	ACTION(DER_UNREG,		RPC or protocol version not registered)        \
	ACTION(DER_ADDRSTR_GEN,		Could not build an address string)             \
	ACTION(DER_PMIX,		PMIx layer error)                              \
	ACTION(DER_IVCB_FORWARD,	Value not available locally and must be forwarded) \
	ACTION(DER_MISC,		Miscellaneous error)                           \
	ACTION(DER_BADPATH,		Bad path name)                                 \
	ACTION(DER_NOTDIR,		Not a directory)                               \
	ACTION(DER_CORPC_INCOMPLETE,	Collective RPC failed)                         \
	ACTION(DER_NO_RAS_RANK,		No rank subscribed to RAS)                     \
	ACTION(DER_NOTATTACH,		Service group not attached)                    \
	ACTION(DER_MISMATCH,		Version mismatch)                              \
	ACTION(DER_EXCLUDED,		Rank has been excluded)                        \
	ACTION(DER_NOREPLY,		RPC handler sent no reply)                     \
	ACTION(DER_DOS,			Denial of service)                             \
	ACTION(DER_BAD_TARGET,		Wrong target for this RPC)                     \
	ACTION(DER_GRPVER,		Group version mismatch)                        \
	ACTION(DER_HLC_SYNC,		Clock skew too large for HLC synchronization)  \
	ACTION(DER_NO_SHMEM,		Not enough shared memory)                      \
	ACTION(DER_ADD_METRIC_FAILED,	Could not add metric)                          \
	ACTION(DER_DURATION_MISMATCH,	Duration end without a matching start)         \
	ACTION(DER_OP_NOT_PERMITTED,	Operation not permitted for this metric type)  \
	ACTION(DER_EXCEEDS_PATH_LEN,	Path name too long)                            \
	ACTION(DER_METRIC_NOT_FOUND,	Metric not found)                              \
	ACTION(DER_SHMEM_PERMS,		Shared memory segment not accessible to this user or group) \
	ACTION(DER_HG_FATAL,		Fatal transport layer error)                   \
	ACTION(DER_QUOTA_LIMIT,		Quota limit reached)

#define D_FOREACH_DAOS_ERR(ACTION)                                                   \
	ACTION(DER_IO,			I/O error)                                     \
	ACTION(DER_FREE_MEM,		Error while freeing memory)                    \
	ACTION(DER_ENOENT,		Entry not found)                               \
	ACTION(DER_NOTYPE,		Unknown object type)                           \
	ACTION(DER_NOSCHEMA,		Unknown object schema)                         \
	ACTION(DER_NOLOCAL,		Object is not local)                           \
	ACTION(DER_STALE,		Stale pool map version)                        \
	ACTION(DER_NOTLEADER,		Not the service leader)                        \
	ACTION(DER_TGT_CREATE,		Could not create target)                       \
	ACTION(DER_EP_RO,		Epoch is read-only)                            \
	ACTION(DER_EP_OLD,		Epoch too old: its data has been aggregated)   \
	ACTION(DER_KEY2BIG,		Key too large)                                 \
	ACTION(DER_REC2BIG,		Record too large)                              \
	ACTION(DER_IO_INVAL,		I/O buffers do not match object extents)       \
	ACTION(DER_EQ_BUSY,		Event queue is busy)                           \
	ACTION(DER_DOMAIN,		Cluster component domains do not match)       \
	ACTION(DER_SHUTDOWN,		Service is shutting down)                      \
	ACTION(DER_INPROGRESS,		Operation in progress)                         \
	ACTION(DER_NOTAPPLICABLE,	Not applicable)                                \
	ACTION(DER_NOTREPLICA,		Not a service replica)                         \
	ACTION(DER_CSUM,		Checksum mismatch)                             \
	ACTION(DER_DF_INVAL,		Unsupported on-disk format)                    \
	ACTION(DER_DF_INCOMPT,		Incompatible on-disk format version)           \
	ACTION(DER_REC_SIZE,		Wrong record size)                             \
	ACTION(DER_TX_RESTART,		Transaction must restart)                      \
	ACTION(DER_DATA_LOSS,		Data lost or unrecoverable)                    \
	ACTION(DER_OP_CANCELED,		Operation canceled)                            \
	ACTION(DER_TX_BUSY,		Transaction not committed yet)                 \
	ACTION(DER_AGENT_INCOMPAT,	Agent incompatible with this library)          \
	ACTION(DER_NEED_TX,		Must be done in a distributed transaction)     \
	ACTION(DER_RF,			Failures exceed the redundancy factor)         \
	ACTION(DER_FETCH_AGAIN,		Fetch again)                                   \
	ACTION(DER_TX_UNCERTAIN,	Transaction status uncertain)                  \
	ACTION(DER_AGENT_COMM,		Cannot communicate with agent)                 \
	ACTION(DER_ID_MISMATCH,		ID mismatch)                                   \
	ACTION(DER_TGT_RETRY,		Retry with another target)                     \
	ACTION(DER_NOTSUPPORTED,	Operation not supported)                       \
	ACTION(DER_CONTROL_INCOMPAT,	Control plane components incompatible)        \
	ACTION(DER_NO_SERVICE,		No service available)                          \
	ACTION(DER_TX_ID_REUSED,	Transaction ID may be reused)                  \
	ACTION(DER_UPDATE_AGAIN,	Update again)                                  \
	ACTION(DER_NVME_IO,		NVMe I/O error)                                \
	ACTION(DER_NO_CERT,		Certificate not accessible)                    \
	ACTION(DER_BAD_CERT,		Invalid x509 certificate)                      \
	ACTION(DER_VOS_PARTIAL_UPDATE,	Partial overwrite of an array value at the same epoch) \
	ACTION(DER_CHKPT_BUSY,		Page read-only while a checkpoint runs)        \
	ACTION(DER_DIV_BY_ZERO,		Division by zero)                              \
	ACTION(DER_OVERLOAD_RETRY,	Service overloaded: retry later)               \
	ACTION(DER_NOT_RESUME,		Cannot resume the former check instance)       \
	ACTION(DER_CONT_NONEXIST,	The specified container does not exist)        \
	ACTION(DER_CONT_DESTROYING,	The specified container is being destroyed)   \
	ACTION(DER_IGNORE,		Item ignored)
/* clang-format on */

/* Each range: its name and base. The first code of a range is base + 1. */
#define D_FOREACH_ERR_RANGE(ACTION)                                                                \
	ACTION(GURT, 1000)                                                                         \
	ACTION(DAOS, 2000)

#define D_DEFINE_ERRNO(name, desc)   name,
#define D_DEFINE_ERRSTR(name, desc)  #name,
#define D_DEFINE_ERRDESC(name, desc) #desc,

#define D_DEFINE_RANGE_ERRNO(name, base)                                                           \
	DER_ERR_##name##_BASE = (base), D_FOREACH_##name##_ERR(D_DEFINE_ERRNO)

enum daos_errno {
	DER_SUCCESS = 0,
	D_FOREACH_ERR_RANGE(D_DEFINE_RANGE_ERRNO)
	DER_LAST_VALID,
	DER_UNKNOWN = (DER_ERR_GURT_BASE + 500000),
};

/* Name of an error code ("DER_NONEXIST"); either sign is accepted. */
const char *
d_errstr(int errnum);

/* One-line description of an error code; "Unknown error <n>" for unknown ones. */
const char *
d_errdesc(int errnum);

#define DO_PRAGMA(str) _Pragma(#str)
#define DEPRECATE_ERROR(olde, newe)                                                                \
	({                                                                                         \
		DO_PRAGMA(message(#olde " is deprecated, use " #newe));                            \
		newe;                                                                              \
	})
#define DER_EVICTED DEPRECATE_ERROR(DER_EVICTED, DER_EXCLUDED)

/* printf helpers: D_ERROR("open failed: " DF_RC "\n", DP_RC(rc)); */
#ifndef DF_RC
#define DF_RC    "%s(%d): '%s'"
#define DP_RC(rc) d_errstr(rc), rc, d_errdesc(rc)
#endif

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_ERRNO_H__ */
