/*
 * daos_security.h - access control lists of pools and containers.
 *
 * An ACL (struct daos_acl) is a versioned, packed sequence of access control
 * entries (struct daos_ace), each naming a principal (the owner, a user, the
 * owning group, a group, or everyone) and the permissions allowed to it. It is
 * the value of the DAOS_PROP_PO_ACL and DAOS_PROP_CO_ACL properties.
 *
 * Principals are "OWNER@", "GROUP@", "EVERYONE@", "name@[domain]" for users
 * and groups. The text form of an entry is "access:flags:principal:perms",
 * e.g. "A::OWNER@:rw" or "A:G:GROUP@:r".
 *
 * Caveats:
 * - ACLs and ACEs are variable length: allocate them with the calls below,
 *   copy them with daos_acl_dup(), size them with daos_acl_get_size().
 * - Calls that change an ACL (add, remove) may reallocate it: *acl changes.
 */
#ifndef __DAOS_SECURITY_H__
#define __DAOS_SECURITY_H__

#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#include <daos_prop.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define DAOS_ACL_VERSION (1)

#define DAOS_ACL_MAX_PRINCIPAL_LEN     (255)
#define DAOS_ACL_MAX_PRINCIPAL_BUF_LEN (DAOS_ACL_MAX_PRINCIPAL_LEN + 1)

#define DAOS_ACL_PRINCIPAL_OWNER     "OWNER@"
#define DAOS_ACL_PRINCIPAL_OWNER_GRP "GROUP@"
#define DAOS_ACL_PRINCIPAL_EVERYONE  "EVERYONE@"

#define DAOS_ACL_MAX_ACE_LEN     (65536) /* bytes of all entries of one ACL */
#define DAOS_ACL_MAX_ACE_STR_LEN (DAOS_ACL_MAX_PRINCIPAL_LEN + 64)

struct daos_acl {
	uint16_t dal_ver; /* DAOS_ACL_VERSION */
	uint16_t dal_reserv;
	uint32_t dal_len;  /* bytes in dal_ace */
	uint8_t  dal_ace[]; /* struct daos_ace entries, back to back */
};

/* Principal kinds, in the order entries are kept and checked. */
enum daos_acl_principal_type {
	DAOS_ACL_OWNER,
	DAOS_ACL_USER,
	DAOS_ACL_OWNER_GROUP,
	DAOS_ACL_GROUP,
	DAOS_ACL_EVERYONE,
	NUM_DAOS_ACL_TYPES
};

enum daos_acl_access_type {
	DAOS_ACL_ACCESS_ALLOW = (1U << 0),
	DAOS_ACL_ACCESS_AUDIT = (1U << 1), /* log the access */
	DAOS_ACL_ACCESS_ALARM = (1U << 2), /* notify of the access */
};

#define DAOS_ACL_ACCESS_ALL (DAOS_ACL_ACCESS_ALLOW | DAOS_ACL_ACCESS_AUDIT | DAOS_ACL_ACCESS_ALARM)

enum daos_acl_flags {
	DAOS_ACL_FLAG_GROUP          = (1U << 0), /* the principal is a group */
	DAOS_ACL_FLAG_POOL_INHERIT   = (1U << 1), /* containers inherit this pool entry */
	DAOS_ACL_FLAG_ACCESS_FAIL    = (1U << 2), /* audit/alarm on denied access */
	DAOS_ACL_FLAG_ACCESS_SUCCESS = (1U << 3), /* audit/alarm on granted access */
};

#define DAOS_ACL_FLAG_ALL                                                                          \
	(DAOS_ACL_FLAG_GROUP | DAOS_ACL_FLAG_POOL_INHERIT | DAOS_ACL_FLAG_ACCESS_FAIL |            \
	 DAOS_ACL_FLAG_ACCESS_SUCCESS)

enum daos_acl_perm {
	DAOS_ACL_PERM_READ        = (1U << 0),
	DAOS_ACL_PERM_WRITE       = (1U << 1),
	DAOS_ACL_PERM_CREATE_CONT = (1U << 2),
	DAOS_ACL_PERM_DEL_CONT    = (1U << 3),
	DAOS_ACL_PERM_GET_PROP    = (1U << 4),
	DAOS_ACL_PERM_SET_PROP    = (1U << 5),
	DAOS_ACL_PERM_GET_ACL     = (1U << 6),
	DAOS_ACL_PERM_SET_ACL     = (1U << 7),
	DAOS_ACL_PERM_SET_OWNER   = (1U << 8),
};

#define DAOS_ACL_PERM_POOL_ALL                                                                     \
	(DAOS_ACL_PERM_READ | DAOS_ACL_PERM_GET_PROP | DAOS_ACL_PERM_WRITE |                       \
	 DAOS_ACL_PERM_CREATE_CONT | DAOS_ACL_PERM_DEL_CONT)

#define DAOS_ACL_PERM_CONT_ALL                                                                     \
	(DAOS_ACL_PERM_READ | DAOS_ACL_PERM_WRITE | DAOS_ACL_PERM_DEL_CONT |                       \
	 DAOS_ACL_PERM_GET_PROP | DAOS_ACL_PERM_SET_PROP | DAOS_ACL_PERM_GET_ACL |                 \
	 DAOS_ACL_PERM_SET_ACL | DAOS_ACL_PERM_SET_OWNER)

#define DAOS_ACL_PERM_ALL (DAOS_ACL_PERM_POOL_ALL | DAOS_ACL_PERM_CONT_ALL)

/* One entry; dae_principal is NUL-padded to a multiple of 8 bytes (dae_principal_len). */
struct daos_ace {
	uint8_t  dae_access_types;   /* enum daos_acl_access_type bits */
	uint8_t  dae_principal_type; /* enum daos_acl_principal_type */
	uint16_t dae_principal_len;
	uint16_t dae_access_flags; /* enum daos_acl_flags bits */
	uint16_t dae_reserv;
	uint64_t dae_allow_perms; /* enum daos_acl_perm bits, per access type */
	uint64_t dae_audit_perms;
	uint64_t dae_alarm_perms;
	char     dae_principal[]; /* for USER and GROUP only */
};

/* ---- ACLs ---- */

/* A new ACL holding copies of aces[0..num_aces), sorted; NULL on failure. */
struct daos_acl *
daos_acl_create(struct daos_ace *aces[], uint16_t num_aces);

struct daos_acl *
daos_acl_dup(struct daos_acl *acl);

void
daos_acl_free(struct daos_acl *acl);

/* Bytes of the whole ACL, header included; negative DER_* on a bad one. */
ssize_t
daos_acl_get_size(struct daos_acl *acl);

/* The entry after current_ace (the first when NULL), NULL at the end. */
struct daos_ace *
daos_acl_get_next_ace(struct daos_acl *acl, struct daos_ace *current_ace);

/* Find the entry of a principal (-DER_NONEXIST when absent). */
int
daos_acl_get_ace_for_principal(struct daos_acl *acl, enum daos_acl_principal_type type,
			       const char *principal, struct daos_ace **ace);

/* Insert new_ace, replacing the principal's entry if any; may reallocate *acl. */
int
daos_acl_add_ace(struct daos_acl **acl, struct daos_ace *new_ace);

/* Remove a principal's entry; may reallocate *acl. */
int
daos_acl_remove_ace(struct daos_acl **acl, enum daos_acl_principal_type type,
		    const char *principal_name);

void
daos_acl_dump(struct daos_acl *acl);

/* 0 when the ACL is well formed, -DER_INVAL otherwise. */
int
daos_acl_validate(struct daos_acl *acl);

/* ---- entries ---- */

/* A new empty entry for a principal (principal_name only for USER and GROUP). */
struct daos_ace *
daos_ace_create(enum daos_acl_principal_type type, const char *principal_name);

void
daos_ace_free(struct daos_ace *ace);

ssize_t
daos_ace_get_size(struct daos_ace *ace);

void
daos_ace_dump(struct daos_ace *ace, uint32_t tabs);

bool
daos_ace_is_valid(struct daos_ace *ace);

/* ---- principals and text forms ---- */

/* True for "name@" or "name@domain" with a valid name. */
bool
daos_acl_principal_is_valid(const char *name);

/* Local uid/gid to "name@" and back; the strings returned are freed with free(). */
int
daos_acl_uid_to_principal(uid_t uid, char **name);

int
daos_acl_gid_to_principal(gid_t gid, char **name);

int
daos_acl_principal_to_uid(const char *principal, uid_t *uid);

int
daos_acl_principal_to_gid(const char *principal, gid_t *gid);

/* The principal as text ("OWNER@", "user@"...), pointing into ace or a constant. */
const char *
daos_ace_get_principal_str(struct daos_ace *ace);

/* Parse one "access:flags:principal:perms" entry into a new ace. */
int
daos_ace_from_str(const char *str, struct daos_ace **ace);

/* Format an entry as text into buf; -DER_TRUNC if buf_len is too short. */
int
daos_ace_to_str(struct daos_ace *ace, char *buf, size_t buf_len);

/* Explain an entry's text form in words. */
int
daos_ace_str_get_verbose(const char *ace_str, char *buf, size_t buf_len);

/* Build an ACL from entry strings, and back (strings and array freed with free()). */
int
daos_acl_from_strs(const char **ace_strs, size_t ace_nr, struct daos_acl **acl);

int
daos_acl_to_strs(struct daos_acl *acl, char ***ace_strs, size_t *ace_nr);

/* Split a principal's text into its type and, for users and groups, a new name string. */
int
daos_acl_principal_from_str(const char *principal_str, enum daos_acl_principal_type *type,
			    char **name);

/* Print an ACL one entry per line, with explanations when verbose. */
int
daos_acl_to_stream(FILE *stream, struct daos_acl *acl, bool verbose);

#if defined(__cplusplus)
}
#endif

#endif /* __DAOS_SECURITY_H__ */
