/*
 * acl.h - what the container (and later pool) service needs of ACLs beyond
 * the public API of daos_security.h, which acl.c implements (prefix dacl_).
 *
 * The public calls (daos_acl_*, daos_ace_*) are built into dcommon and
 * exported by libdaos_common, as DAOS does.
 */
#ifndef __COMMON_ACL_H__
#define __COMMON_ACL_H__

#include <stddef.h>
#include <daos_security.h>

/*
 * Is buf[0..len) exactly one valid ACL (header and entries, nothing after)?
 * 0 or -DER_INVAL. buf need not be aligned.
 */
int dacl_check_bytes(const void *buf, size_t len);

/*
 * DAOS's default ACL of a new container: the owner may do everything a
 * container allows (DAOS_ACL_PERM_CONT_ALL), the owner group may read, write
 * and get and set properties. NULL when out of memory; freed with daos_acl_free.
 */
struct daos_acl *dacl_cont_default(void);

#endif /* __COMMON_ACL_H__ */
