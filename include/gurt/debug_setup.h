/*
 * gurt/debug_setup.h - facilities and debug streams.
 *
 * A facility (subsystem) is an int variable holding its id, named by
 * DD_FAC(name); a source file picks its facility with
 *     #define D_LOGFAC DD_FAC(vos)
 * before including gurt headers (default: "misc"). Modules declare and
 * register their facilities with D_LOG_DECLARE_FAC / D_LOG_INSTANTIATE_FAC /
 * D_LOG_REGISTER_FAC.
 *
 * Debug streams (DB_*) are fixed bits here; d_log_dbg_bit_alloc() hands out
 * further named bits at run time.
 */
#ifndef __GURT_DEBUG_SETUP_H__
#define __GURT_DEBUG_SETUP_H__

#include <gurt/dlog.h>

#define DD_GURT_FAC(name) d_##name##_logfac
#ifndef DD_FAC
#define DD_FAC DD_GURT_FAC
#define D_USE_GURT_FAC
#endif
#define DD_FAC_DECL(name) DD_FAC(name)

#ifndef D_LOGFAC
#define D_LOGFAC DD_GURT_FAC(misc)
#endif

/* Debug streams: name, short name, long name, value. DB_ALL selects every stream. */
#define D_FOREACH_GURT_DB(ACTION, arg)                                                             \
	ACTION(DB_ALL, all, all, 0x00ffff00, arg)                                                  \
	ACTION(DB_ANY, any, any, 0x00000100, arg)                                                  \
	ACTION(DB_TRACE, trace, trace, 0x00000200, arg)                                            \
	ACTION(DB_MEM, mem, mem, 0x00000400, arg)                                                  \
	ACTION(DB_NET, net, net, 0x00000800, arg)                                                  \
	ACTION(DB_IO, io, io, 0x00001000, arg)                                                     \
	ACTION(DB_TEST, test, test, 0x00002000, arg)                                               \
	ACTION(DB_MD, md, metadata, 0x00004000, arg)                                               \
	ACTION(DB_PL, pl, placement, 0x00008000, arg)                                              \
	ACTION(DB_MGMT, mgmt, management, 0x00010000, arg)                                         \
	ACTION(DB_EPC, epc, epoch, 0x00020000, arg)                                                \
	ACTION(DB_CSUM, csum, checksum, 0x00040000, arg)                                           \
	ACTION(DB_REBUILD, rebuild, rebuild, 0x00080000, arg)                                      \
	ACTION(DB_SEC, sec, security, 0x00100000, arg)                                             \
	ACTION(DB_DSMS, dsms, service_rpc, 0x00200000, arg)                                        \
	ACTION(DB_DSMC, dsmc, client_rpc, 0x00400000, arg)

#define D_DB_ENUM(flag, s_name, l_name, mask, arg) flag = mask,
enum { D_FOREACH_GURT_DB(D_DB_ENUM, D_NOOP) };
/* First bit d_log_dbg_bit_alloc() may hand out. */
#define D_DB_FIRST_FREE 0x00800000

#define D_LOG_DECLARE_FAC(s_name, l_name, user_dbg_bits)     extern int DD_FAC_DECL(s_name);
#define D_LOG_INSTANTIATE_FAC(s_name, l_name, user_dbg_bits) int DD_FAC_DECL(s_name);

/* Register every facility of a D_FOREACH_*_FAC(ACTION, arg) list; 0 or -DER_UNINIT. */
#define _D_LOG_ALLOCATE_LOG_FACILITY(s_name, l_name, rc)                                           \
	if ((rc) == 0 && d_init_log_facility(&DD_FAC(s_name), #s_name, #l_name) != 0)             \
		(rc) = -DER_UNINIT;
#define D_LOG_REGISTER_FAC(fac_foreach)                                                            \
	({                                                                                         \
		int __rc = 0;                                                                      \
		fac_foreach(_D_LOG_ALLOCATE_LOG_FACILITY, __rc) __rc;                              \
	})

/* Store a new facility's id in *fac; 0 or a negative DER code. */
int d_init_log_facility(int *fac, const char *aname, const char *lname);

#endif /* __GURT_DEBUG_SETUP_H__ */
