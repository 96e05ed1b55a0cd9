/*
 * Access control lists (daos_security.h): building, searching and checking
 * struct daos_acl / struct daos_ace, their text form ("A:G:GROUP@:rw"),
 * principals and local users and groups.
 *
 * Layout, DAOS's to the byte: an ACL is an 8-byte header (version, reserved,
 * length of the entries) followed by its entries back to back. An entry is a
 * 32-byte header followed, for named users and groups only, by the principal
 * name, NUL-terminated and zero-padded to a multiple of 8 bytes; so every
 * entry starts 8-byte aligned inside an ACL that is.
 *
 * Entries are kept in the order of enum daos_acl_principal_type (owner,
 * users, owner group, groups, everyone); within a type, in the order they
 * were added. A principal has at most one entry.
 *
 * Nothing here trusts an ACL it did not build: every walk checks that the
 * entry header and its name lie inside dal_len before reading them, so a
 * crafted ACL gets -DER_INVAL (or a shorter walk), never a read out of bounds.
 * daos_acl_validate is stricter than DAOS's in three ways, all about values
 * DAOS never produces: unknown principal types, unknown flag bits and unknown
 * permission bits are refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <gurt/common.h>
#include <gurt/dlog.h>

#include "acl.h"

#define ACE_HDR      sizeof(struct daos_ace)
#define ACL_HDR      sizeof(struct daos_acl)
#define ACL_ALIGN    8
/* The largest name an entry may carry and still fit an ACL on its own. */
#define ACE_NAME_MAX (DAOS_ACL_MAX_ACE_LEN - ACE_HDR - ACL_ALIGN)

/* ---- principal types ---- */

static bool
type_valid(unsigned int type)
{
	return type < NUM_DAOS_ACL_TYPES;
}

/* Users and groups carry a name; owner, owner group and everyone do not. */
static bool
type_named(unsigned int type)
{
	return type == DAOS_ACL_USER || type == DAOS_ACL_GROUP;
}

static bool
type_is_group(unsigned int type)
{
	return type == DAOS_ACL_GROUP || type == DAOS_ACL_OWNER_GROUP;
}

static size_t
padded_name_len(const char *name)
{
	return D_ALIGNUP(strlen(name) + 1, ACL_ALIGN);
}

/* The entry's name as a string, or NULL if it has none or it is not terminated. */
static const char *
ace_name(const struct daos_ace *ace)
{
	if (ace->dae_principal_len == 0 ||
	    memchr(ace->dae_principal, '\0', ace->dae_principal_len) == NULL)
		return NULL;
	return ace->dae_principal;
}

/* Does ace stand for principal (type, name)? name matters for users and groups only. */
static bool
ace_is_principal(const struct daos_ace *ace, unsigned int type, const char *name)
{
	const char *n;

	if (ace->dae_principal_type != type)
		return false;
	if (!type_named(type))
		return true;
	n = ace_name(ace);
	return n != NULL && name != NULL && strcmp(n, name) == 0;
}

/*
 * Is ace sound enough to be copied and compared: a known type, a name length
 * that keeps alignment, a terminated name exactly for named types? Less than
 * daos_ace_is_valid (which also checks the permissions and flags).
 */
static bool
ace_shape_ok(const struct daos_ace *ace)
{
	if (ace == NULL || !type_valid(ace->dae_principal_type) ||
	    ace->dae_principal_len % ACL_ALIGN != 0 || ace->dae_principal_len > ACE_NAME_MAX)
		return false;
	if (type_named(ace->dae_principal_type))
		return ace_name(ace) != NULL;
	return ace->dae_principal_len == 0;
}

/* ---- walking an ACL ---- */

/*
 * The entry at byte off of acl's entries if its header and name lie inside
 * dal_len, else NULL. *next: where the one after it starts.
 */
static struct daos_ace *
acl_entry_at(const struct daos_acl *acl, size_t off, size_t *next)
{
	const struct daos_ace *ace;

	if (off % ACL_ALIGN != 0 || off + ACE_HDR > acl->dal_len)
		return NULL;
	ace = (const struct daos_ace *)(acl->dal_ace + off);
	if (off + ACE_HDR + ace->dae_principal_len > acl->dal_len)
		return NULL;
	*next = off + ACE_HDR + ace->dae_principal_len;
	return (struct daos_ace *)ace;
}

struct daos_ace *
daos_acl_get_next_ace(struct daos_acl *acl, struct daos_ace *current_ace)
{
	const uint8_t *p = (const uint8_t *)current_ace;
	size_t         off;
	size_t         next;

	if (acl == NULL || acl->dal_len > DAOS_ACL_MAX_ACE_LEN)
		return NULL;
	if (current_ace == NULL)
		return acl_entry_at(acl, 0, &next);
	if (p < acl->dal_ace || p >= acl->dal_ace + acl->dal_len)
		return NULL;
	off = (size_t)(p - acl->dal_ace);
	if (acl_entry_at(acl, off, &next) == NULL)
		return NULL;
	return acl_entry_at(acl, next, &next);
}

/* ---- ACLs ---- */

/* An ACL with room for len bytes of entries, header filled. */
static struct daos_acl *
acl_alloc(size_t len)
{
	struct daos_acl *acl;

	if (len > DAOS_ACL_MAX_ACE_LEN)
		return NULL;
	D_ALLOC(acl, ACL_HDR + len);
	if (acl == NULL)
		return NULL;
	acl->dal_ver = DAOS_ACL_VERSION;
	acl->dal_len = (uint32_t)len;
	return acl;
}

static uint8_t *
put_ace(uint8_t *pen, const struct daos_ace *ace)
{
	size_t len = ACE_HDR + ace->dae_principal_len;

	memcpy(pen, ace, len);
	return pen + len;
}

struct daos_acl *
daos_acl_create(struct daos_ace *aces[], uint16_t num_aces)
{
	struct daos_acl *acl;
	uint8_t         *pen;
	size_t           len = 0;
	unsigned int     type;
	uint16_t         i;

	if (num_aces > 0 && aces == NULL)
		return NULL;
	for (i = 0; i < num_aces; i++) {
		if (!ace_shape_ok(aces[i])) {
			D_ERROR("entry %u of a new ACL is malformed\n", i);
			return NULL;
		}
		len += ACE_HDR + aces[i]->dae_principal_len;
	}
	acl = acl_alloc(len);
	if (acl == NULL)
		return NULL;
	/* A stable sort by type: the caller's order stays within a type. */
	pen = acl->dal_ace;
	for (type = 0; type < NUM_DAOS_ACL_TYPES; type++)
		for (i = 0; i < num_aces; i++)
			if (aces[i]->dae_principal_type == type)
				pen = put_ace(pen, aces[i]);
	return acl;
}

ssize_t
daos_acl_get_size(struct daos_acl *acl)
{
	if (acl == NULL || acl->dal_len > DAOS_ACL_MAX_ACE_LEN)
		return -DER_INVAL;
	return (ssize_t)(ACL_HDR + acl->dal_len);
}

struct daos_acl *
daos_acl_dup(struct daos_acl *acl)
{
	struct daos_acl *copy;
	ssize_t          size = daos_acl_get_size(acl);

	if (size < 0)
		return NULL;
	D_ALLOC(copy, size);
	if (copy != NULL)
		memcpy(copy, acl, size);
	return copy;
}

void
daos_acl_free(struct daos_acl *acl)
{
	D_FREE(acl);
}

int
daos_acl_get_ace_for_principal(struct daos_acl *acl, enum daos_acl_principal_type type,
			       const char *principal, struct daos_ace **ace)
{
	struct daos_ace *cur;

	if (acl == NULL || ace == NULL || !type_valid(type) ||
	    (type_named(type) && principal == NULL))
		return -DER_INVAL;
	for (cur = daos_acl_get_next_ace(acl, NULL); cur != NULL;
	     cur = daos_acl_get_next_ace(acl, cur)) {
		if (ace_is_principal(cur, type, principal)) {
			*ace = cur;
			return 0;
		}
	}
	return -DER_NONEXIST;
}

int
daos_acl_add_ace(struct daos_acl **acl, struct daos_ace *new_ace)
{
	struct daos_acl *old;
	struct daos_acl *acl2;
	struct daos_ace *cur;
	struct daos_ace *same = NULL;
	uint8_t         *pen;
	bool             placed = false;
	size_t           len;
	const char      *name;

	if (acl == NULL || *acl == NULL || !ace_shape_ok(new_ace))
		return -DER_INVAL;
	old  = *acl;
	name = ace_name(new_ace);
	if (daos_acl_get_ace_for_principal(old, new_ace->dae_principal_type, name, &same) != 0)
		same = NULL;
	len = old->dal_len + ACE_HDR + new_ace->dae_principal_len;
	if (same != NULL)
		len -= ACE_HDR + same->dae_principal_len;
	acl2 = acl_alloc(len);
	if (acl2 == NULL)
		return len > DAOS_ACL_MAX_ACE_LEN ? -DER_INVAL : -DER_NOMEM;
	acl2->dal_ver = old->dal_ver;
	/*
	 * The new entry takes the place of the principal's old one, or goes
	 * after the last entry of its type.
	 */
	pen = acl2->dal_ace;
	for (cur = daos_acl_get_next_ace(old, NULL); cur != NULL;
	     cur = daos_acl_get_next_ace(old, cur)) {
		if (cur == same) {
			pen    = put_ace(pen, new_ace);
			placed = true;
			continue;
		}
		if (!placed && cur->dae_principal_type > new_ace->dae_principal_type) {
			pen    = put_ace(pen, new_ace);
			placed = true;
		}
		pen = put_ace(pen, cur);
	}
	if (!placed)
		pen = put_ace(pen, new_ace);
	/* what the walk could not reach of a malformed ACL is dropped */
	acl2->dal_len = (uint32_t)(pen - acl2->dal_ace);
	daos_acl_free(old);
	*acl = acl2;
	return 0;
}

int
daos_acl_remove_ace(struct daos_acl **acl, enum daos_acl_principal_type type,
		    const char *principal_name)
{
	struct daos_acl *acl2;
	struct daos_ace *cur;
	struct daos_ace *victim;
	uint8_t         *pen;
	int              rc;

	if (acl == NULL || *acl == NULL || !type_valid(type) ||
	    (type_named(type) && (principal_name == NULL || *principal_name == '\0')))
		return -DER_INVAL;
	rc = daos_acl_get_ace_for_principal(*acl, type, principal_name, &victim);
	if (rc != 0)
		return rc;
	acl2 = acl_alloc((*acl)->dal_len - ACE_HDR - victim->dae_principal_len);
	if (acl2 == NULL)
		return -DER_NOMEM;
	acl2->dal_ver = (*acl)->dal_ver;
	pen           = acl2->dal_ace;
	for (cur = daos_acl_get_next_ace(*acl, NULL); cur != NULL;
	     cur = daos_acl_get_next_ace(*acl, cur))
		if (cur != victim)
			pen = put_ace(pen, cur);
	acl2->dal_len = (uint32_t)(pen - acl2->dal_ace);
	daos_acl_free(*acl);
	*acl = acl2;
	return 0;
}

/*
 * The whole check: header, then every entry in bounds, valid, in type order,
 * and no principal twice. Entries of one type sit together (the order says
 * so), so a repeated principal is found among the entries of its own type.
 */
int
daos_acl_validate(struct daos_acl *acl)
{
	struct daos_ace *ace;
	struct daos_ace *prev;
	size_t           off        = 0;
	size_t           next       = 0;
	size_t           type_start = 0; /* offset of the first entry of the current type */
	int              last_type  = -1;

	if (acl == NULL)
		return -DER_INVAL;
	if (acl->dal_ver != DAOS_ACL_VERSION) {
		D_INFO("ACL version %u, expected %u\n", acl->dal_ver, DAOS_ACL_VERSION);
		return -DER_INVAL;
	}
	if (acl->dal_len > DAOS_ACL_MAX_ACE_LEN || acl->dal_len % ACL_ALIGN != 0) {
		D_INFO("ACL entries length %u is not a multiple of %d up to %d\n", acl->dal_len,
		       ACL_ALIGN, DAOS_ACL_MAX_ACE_LEN);
		return -DER_INVAL;
	}
	while (off < acl->dal_len) {
		ace = acl_entry_at(acl, off, &next);
		if (ace == NULL) {
			D_INFO("ACL entry at byte %zu runs past the end (%u)\n", off, acl->dal_len);
			return -DER_INVAL;
		}
		if (!daos_ace_is_valid(ace)) {
			D_INFO("ACL entry at byte %zu is not valid\n", off);
			return -DER_INVAL;
		}
		if (ace->dae_principal_type < last_type) {
			D_INFO("ACL entry at byte %zu is out of order\n", off);
			return -DER_INVAL;
		}
		if (ace->dae_principal_type != last_type) {
			last_type  = ace->dae_principal_type;
			type_start = off;
		}
		for (prev = (struct daos_ace *)(acl->dal_ace + type_start); prev != ace;
		     prev = daos_acl_get_next_ace(acl, prev)) {
			if (ace_is_principal(prev, ace->dae_principal_type, ace_name(ace))) {
				D_INFO("ACL names principal %s twice\n",
				       daos_ace_get_principal_str(ace));
				return -DER_INVAL;
			}
		}
		off = next;
	}
	return 0;
}

/* ---- entries ---- */

struct daos_ace *
daos_ace_create(enum daos_acl_principal_type type, const char *principal_name)
{
	struct daos_ace *ace;
	size_t           name_len = 0;

	if (!type_valid(type))
		return NULL;
	if (type_named(type)) {
		if (principal_name == NULL || *principal_name == '\0' ||
		    strnlen(principal_name, ACE_NAME_MAX) >= ACE_NAME_MAX)
			return NULL;
		name_len = padded_name_len(principal_name);
	}
	D_ALLOC(ace, ACE_HDR + name_len);
	if (ace == NULL)
		return NULL;
	ace->dae_principal_type = type;
	ace->dae_principal_len  = (uint16_t)name_len;
	if (name_len > 0)
		memcpy(ace->dae_principal, principal_name, strlen(principal_name));
	if (type_is_group(type))
		ace->dae_access_flags = DAOS_ACL_FLAG_GROUP;
	return ace;
}

void
daos_ace_free(struct daos_ace *ace)
{
	D_FREE(ace);
}

ssize_t
daos_ace_get_size(struct daos_ace *ace)
{
	if (ace == NULL)
		return -DER_INVAL;
	return (ssize_t)(ACE_HDR + ace->dae_principal_len);
}

static uint64_t
ace_perms_of(const struct daos_ace *ace, unsigned int access)
{
	switch (access) {
	case DAOS_ACL_ACCESS_ALLOW:
		return ace->dae_allow_perms;
	case DAOS_ACL_ACCESS_AUDIT:
		return ace->dae_audit_perms;
	default:
		return ace->dae_alarm_perms;
	}
}

bool
daos_ace_is_valid(struct daos_ace *ace)
{
	static const unsigned int accesses[] = {DAOS_ACL_ACCESS_ALLOW, DAOS_ACL_ACCESS_AUDIT,
						DAOS_ACL_ACCESS_ALARM};
	const uint16_t alert_flags  = DAOS_ACL_FLAG_ACCESS_FAIL | DAOS_ACL_FLAG_ACCESS_SUCCESS;
	const uint8_t  alert_access = DAOS_ACL_ACCESS_AUDIT | DAOS_ACL_ACCESS_ALARM;
	size_t         i;

	if (!ace_shape_ok(ace))
		return false;
	if (ace->dae_access_types == 0 || (ace->dae_access_types & ~DAOS_ACL_ACCESS_ALL) != 0)
		return false;
	if ((ace->dae_access_flags & ~DAOS_ACL_FLAG_ALL) != 0)
		return false;
	/* the group flag exactly on group principals */
	if (type_is_group(ace->dae_principal_type) !=
	    ((ace->dae_access_flags & DAOS_ACL_FLAG_GROUP) != 0))
		return false;
	if (ace->dae_principal_len > 0 && !daos_acl_principal_is_valid(ace->dae_principal))
		return false;
	/* permissions only for the access types the entry has, and only known ones */
	for (i = 0; i < ARRAY_SIZE(accesses); i++) {
		uint64_t perms = ace_perms_of(ace, accesses[i]);

		if ((perms & ~(uint64_t)DAOS_ACL_PERM_ALL) != 0)
			return false;
		if (perms != 0 && (ace->dae_access_types & accesses[i]) == 0)
			return false;
	}
	/* audit and alarm need to know when (success, failure), and only they do */
	return ((ace->dae_access_types & alert_access) != 0) ==
	       ((ace->dae_access_flags & alert_flags) != 0);
}

/* ---- dumps ---- */

static const char *
type_name(unsigned int type)
{
	static const char *const names[] = {"Owner", "User", "Owner Group", "Group", "Everyone"};

	return type_valid(type) ? names[type] : "Unknown Principal Type";
}

static const char *
bit_name(const char *const *names, size_t nr, unsigned int bit, const char *unknown)
{
	return bit < nr && names[bit] != NULL ? names[bit] : unknown;
}

/* Dumps indent with tabs, as DAOS's do. */
static void
indent(uint32_t tabs)
{
	while (tabs-- > 0)
		putchar('\t');
}

static void
dump_bits(uint32_t tabs, const char *title, uint64_t bits, unsigned int width,
	       const char *const *names, size_t nr, const char *unknown)
{
	unsigned int i;

	indent(tabs);
	printf("%s:\n", title);
	if (bits == 0) {
		indent(tabs + 1);
		printf("None\n");
		return;
	}
	for (i = 0; i < width; i++) {
		if (bits & ((uint64_t)1 << i)) {
			indent(tabs + 1);
			printf("%s (%#" PRIx64 ")\n", bit_name(names, nr, i, unknown),
			       (uint64_t)1 << i);
		}
	}
}

void
daos_ace_dump(struct daos_ace *ace, uint32_t tabs)
{
	static const char *const access[] = {"Allow", "Audit", "Alarm"};
	static const char *const flags[]  = {"Group", "Pool Inherit", "Access Fail",
					     "Access Success"};
	static const char *const perms[]  = {"Read",     "Write",   "Create Container",
					     "Delete Container", "Get Prop", "Set Prop",
					     "Get ACL",  "Set ACL", "Set Owner"};
	const char              *name;

	indent(tabs);
	printf("Access Control Entry:\n");
	if (ace == NULL) {
		indent(tabs + 1);
		printf("NULL\n");
		return;
	}
	indent(tabs + 1);
	printf("Principal Type: %s (%u)\n", type_name(ace->dae_principal_type),
	       ace->dae_principal_type);
	indent(tabs + 1);
	printf("Principal Length: %u\n", ace->dae_principal_len);
	if (ace->dae_principal_len > 0) {
		name = ace_name(ace);
		indent(tabs + 1);
		if (name != NULL)
			printf("Principal Name: \"%s\"\n", name);
		else
			printf("Principal Name: (not terminated)\n");
	}
	dump_bits(tabs + 1, "Access Types", ace->dae_access_types, 8, access,
		       ARRAY_SIZE(access), "Unknown Access Type");
	dump_bits(tabs + 1, "Flags", ace->dae_access_flags, 16, flags, ARRAY_SIZE(flags),
		       "Unknown Flag");
	dump_bits(tabs + 1, "Allow Permissions", ace->dae_allow_perms, 64, perms,
		       ARRAY_SIZE(perms), "Unknown Permission");
	dump_bits(tabs + 1, "Audit Permissions", ace->dae_audit_perms, 64, perms,
		       ARRAY_SIZE(perms), "Unknown Permission");
	dump_bits(tabs + 1, "Alarm Permissions", ace->dae_alarm_perms, 64, perms,
		       ARRAY_SIZE(perms), "Unknown Permission");
}

void
daos_acl_dump(struct daos_acl *acl)
{
	struct daos_ace *ace;

	printf("Access Control List:\n");
	if (acl == NULL) {
		printf("\tNULL\n");
		return;
	}
	printf("\tVersion: %u\n", acl->dal_ver);
	printf("\tLength: %u\n", acl->dal_len);
	for (ace = daos_acl_get_next_ace(acl, NULL); ace != NULL;
	     ace = daos_acl_get_next_ace(acl, ace))
		daos_ace_dump(ace, 1);
}

/* ---- principals ---- */

/* "name@" or "name@domain": a non-empty name, one '@', at most 255 characters. */
bool
daos_acl_principal_is_valid(const char *name)
{
	const char *at;
	size_t      len;

	if (name == NULL)
		return false;
	len = strnlen(name, DAOS_ACL_MAX_PRINCIPAL_BUF_LEN);
	if (len == 0 || len > DAOS_ACL_MAX_PRINCIPAL_LEN)
		return false;
	at = strchr(name, '@');
	return at != NULL && at != name && strchr(at + 1, '@') == NULL;
}

/*
 * Run one of the get*_r calls with a buffer that grows until the entry fits.
 * 0 with *found set or cleared (no such entry), or -DER_NOMEM, or the errno's
 * DER_* code.
 */
#define ACL_LOOKUP(call, buf, found)                                                               \
	({                                                                                         \
		size_t __len = 1024;                                                               \
		int    __rc;                                                                       \
		for (;;) {                                                                         \
			D_ALLOC(buf, __len);                                                       \
			if ((buf) == NULL) {                                                       \
				__rc = -DER_NOMEM;                                                 \
				break;                                                             \
			}                                                                          \
			__rc = call;                                                               \
			if (__rc != ERANGE || __len >= (1u << 24))                                 \
				break;                                                             \
			D_FREE(buf);                                                               \
			__len *= 2;                                                                \
		}                                                                                  \
		if (__rc > 0) {                                                                    \
			/* "not found" may come back as an errno too */                            \
			if (__rc == ENOENT || __rc == ESRCH || __rc == EBADF || __rc == EPERM)     \
				__rc = 0, (found) = NULL;                                          \
			else                                                                       \
				__rc = d_errno2der(__rc);                                          \
		}                                                                                  \
		__rc;                                                                              \
	})

static int
principal_of(const char *local, char **name)
{
	D_ASPRINTF(*name, "%s@", local);
	return *name == NULL ? -DER_NOMEM : 0;
}

int
daos_acl_uid_to_principal(uid_t uid, char **name)
{
	struct passwd  pw;
	struct passwd *found = NULL;
	char          *buf   = NULL;
	int            rc;

	if (name == NULL)
		return -DER_INVAL;
	rc = ACL_LOOKUP(getpwuid_r(uid, &pw, buf, __len, &found), buf, found);
	if (rc == 0)
		rc = found == NULL ? -DER_NONEXIST : principal_of(found->pw_name, name);
	D_FREE(buf);
	return rc;
}

int
daos_acl_gid_to_principal(gid_t gid, char **name)
{
	struct group  gr;
	struct group *found = NULL;
	char         *buf   = NULL;
	int           rc;

	if (name == NULL)
		return -DER_INVAL;
	rc = ACL_LOOKUP(getgrgid_r(gid, &gr, buf, __len, &found), buf, found);
	if (rc == 0)
		rc = found == NULL ? -DER_NONEXIST : principal_of(found->gr_name, name);
	D_FREE(buf);
	return rc;
}

/* The local part of a valid principal ("alice" of "alice@lab"). */
static int
principal_local(const char *principal, char local[DAOS_ACL_MAX_PRINCIPAL_BUF_LEN])
{
	size_t n;

	if (!daos_acl_principal_is_valid(principal))
		return -DER_INVAL;
	n = (size_t)(strchr(principal, '@') - principal);
	memcpy(local, principal, n);
	local[n] = '\0';
	return 0;
}

int
daos_acl_principal_to_uid(const char *principal, uid_t *uid)
{
	char           local[DAOS_ACL_MAX_PRINCIPAL_BUF_LEN];
	struct passwd  pw;
	struct passwd *found = NULL;
	char          *buf   = NULL;
	int            rc;

	if (uid == NULL)
		return -DER_INVAL;
	rc = principal_local(principal, local);
	if (rc != 0)
		return rc;
	rc = ACL_LOOKUP(getpwnam_r(local, &pw, buf, __len, &found), buf, found);
	if (rc == 0 && found == NULL)
		rc = -DER_NONEXIST;
	if (rc == 0)
		*uid = found->pw_uid;
	D_FREE(buf);
	return rc;
}

int
daos_acl_principal_to_gid(const char *principal, gid_t *gid)
{
	char          local[DAOS_ACL_MAX_PRINCIPAL_BUF_LEN];
	struct group  gr;
	struct group *found = NULL;
	char         *buf   = NULL;
	int           rc;

	if (gid == NULL)
		return -DER_INVAL;
	rc = principal_local(principal, local);
	if (rc != 0)
		return rc;
	rc = ACL_LOOKUP(getgrnam_r(local, &gr, buf, __len, &found), buf, found);
	if (rc == 0 && found == NULL)
		rc = -DER_NONEXIST;
	if (rc == 0)
		*gid = found->gr_gid;
	D_FREE(buf);
	return rc;
}

/* OWNER@, GROUP@, EVERYONE@: the special principals' text, or NULL. */
static const char *
special_str(unsigned int type)
{
	switch (type) {
	case DAOS_ACL_OWNER:
		return DAOS_ACL_PRINCIPAL_OWNER;
	case DAOS_ACL_OWNER_GROUP:
		return DAOS_ACL_PRINCIPAL_OWNER_GRP;
	case DAOS_ACL_EVERYONE:
		return DAOS_ACL_PRINCIPAL_EVERYONE;
	default:
		return NULL;
	}
}

/* The special principal spelled by s, or -1. */
static int
special_type(const char *s)
{
	unsigned int t;

	for (t = 0; t < NUM_DAOS_ACL_TYPES; t++)
		if (special_str(t) != NULL && strcmp(s, special_str(t)) == 0)
			return (int)t;
	return -1;
}

const char *
daos_ace_get_principal_str(struct daos_ace *ace)
{
	const char *s;

	if (ace == NULL)
		return NULL;
	s = special_str(ace->dae_principal_type);
	if (s != NULL)
		return s;
	s = ace_name(ace);
	return s != NULL ? s : "";
}

/* "u:name@", "g:name@", or a special principal. */
int
daos_acl_principal_from_str(const char *principal_str, enum daos_acl_principal_type *type,
			    char **name)
{
	int special;

	if (principal_str == NULL || type == NULL || name == NULL)
		return -DER_INVAL;
	special = special_type(principal_str);
	if (special >= 0) {
		*type = special;
		*name = NULL;
		return 0;
	}
	if (strncmp(principal_str, "u:", 2) == 0)
		*type = DAOS_ACL_USER;
	else if (strncmp(principal_str, "g:", 2) == 0)
		*type = DAOS_ACL_GROUP;
	else
		return -DER_INVAL;
	if (!daos_acl_principal_is_valid(principal_str + 2))
		return -DER_INVAL;
	D_STRNDUP(*name, principal_str + 2, DAOS_ACL_MAX_PRINCIPAL_LEN);
	return *name == NULL ? -DER_NOMEM : 0;
}

/* ---- text form: "access:flags:principal:perms" ---- */

/* One character of a field, the bit it stands for and its verbose word. */
struct ace_char {
	char        ac_ch;
	uint64_t    ac_bit;
	const char *ac_word;
};

static const struct ace_char ace_access_chars[] = {
    {'A', DAOS_ACL_ACCESS_ALLOW, "Allow"},
    {'U', DAOS_ACL_ACCESS_AUDIT, "Audit"},
    {'L', DAOS_ACL_ACCESS_ALARM, "Alarm"},
};

static const struct ace_char ace_flag_chars[] = {
    {'G', DAOS_ACL_FLAG_GROUP, "Group"},
    {'S', DAOS_ACL_FLAG_ACCESS_SUCCESS, "Access-Success"},
    {'F', DAOS_ACL_FLAG_ACCESS_FAIL, "Access-Failure"},
    {'P', DAOS_ACL_FLAG_POOL_INHERIT, "Pool-Inherit"},
};

static const struct ace_char ace_perm_chars[] = {
    {'r', DAOS_ACL_PERM_READ, "Read"},
    {'w', DAOS_ACL_PERM_WRITE, "Write"},
    {'c', DAOS_ACL_PERM_CREATE_CONT, "Create-Container"},
    {'d', DAOS_ACL_PERM_DEL_CONT, "Delete-Container"},
    {'t', DAOS_ACL_PERM_GET_PROP, "Get-Prop"},
    {'T', DAOS_ACL_PERM_SET_PROP, "Set-Prop"},
    {'a', DAOS_ACL_PERM_GET_ACL, "Get-ACL"},
    {'A', DAOS_ACL_PERM_SET_ACL, "Set-ACL"},
    {'o', DAOS_ACL_PERM_SET_OWNER, "Set-Owner"},
};

/* The bits of a field's characters s[0..len); -DER_INVAL on a character not in table. */
static int
field_bits(const char *s, size_t len, const struct ace_char *table, size_t nr, uint64_t *bits)
{
	size_t i;
	size_t j;

	*bits = 0;
	for (i = 0; i < len; i++) {
		for (j = 0; j < nr && table[j].ac_ch != s[i]; j++)
			;
		if (j == nr)
			return -DER_INVAL;
		*bits |= table[j].ac_bit;
	}
	return 0;
}

/* The four fields of an entry string, each a start and a length into the string. */
struct ace_fields {
	const char *af_start[4];
	size_t      af_len[4];
};

static int
ace_str_split(const char *str, struct ace_fields *f)
{
	const char *p = str;
	const char *colon;
	int         i;

	if (str == NULL || strnlen(str, DAOS_ACL_MAX_ACE_STR_LEN + 1) > DAOS_ACL_MAX_ACE_STR_LEN)
		return -DER_INVAL;
	for (i = 0; i < 4; i++) {
		colon = strchr(p, ':');
		if ((colon == NULL) != (i == 3))
			return -DER_INVAL; /* fewer or more than four fields */
		f->af_start[i] = p;
		f->af_len[i]   = colon != NULL ? (size_t)(colon - p) : strlen(p);
		p              = colon != NULL ? colon + 1 : NULL;
	}
	return 0;
}

/* Split and check the fields' characters; the principal is copied into name. */
static int
ace_str_parse(const char *str, uint64_t *access, uint64_t *flags,
	      char name[DAOS_ACL_MAX_PRINCIPAL_BUF_LEN], uint64_t *perms)
{
	struct ace_fields f;
	int               rc;

	rc = ace_str_split(str, &f);
	if (rc == 0)
		rc = field_bits(f.af_start[0], f.af_len[0], ace_access_chars,
				ARRAY_SIZE(ace_access_chars), access);
	if (rc == 0)
		rc = field_bits(f.af_start[1], f.af_len[1], ace_flag_chars,
				ARRAY_SIZE(ace_flag_chars), flags);
	if (rc == 0)
		rc = field_bits(f.af_start[3], f.af_len[3], ace_perm_chars,
				ARRAY_SIZE(ace_perm_chars), perms);
	if (rc != 0)
		return rc;
	if (f.af_len[2] > DAOS_ACL_MAX_PRINCIPAL_LEN)
		return -DER_INVAL;
	memcpy(name, f.af_start[2], f.af_len[2]);
	name[f.af_len[2]] = '\0';
	return daos_acl_principal_is_valid(name) ? 0 : -DER_INVAL;
}

int
daos_ace_from_str(const char *str, struct daos_ace **ace)
{
	char             name[DAOS_ACL_MAX_PRINCIPAL_BUF_LEN];
	struct daos_ace *a;
	uint64_t         access;
	uint64_t         flags;
	uint64_t         perms;
	int              type;
	int              rc;

	if (str == NULL || ace == NULL)
		return -DER_INVAL;
	rc = ace_str_parse(str, &access, &flags, name, &perms);
	if (rc != 0) {
		D_INFO("malformed ACE string \"%.*s\"\n", DAOS_ACL_MAX_ACE_STR_LEN, str);
		return rc;
	}
	/* A name that is not special is a group's with the G flag, else a user's. */
	type = special_type(name);
	if (type < 0)
		type = (flags & DAOS_ACL_FLAG_GROUP) ? DAOS_ACL_GROUP : DAOS_ACL_USER;
	a = daos_ace_create(type, name);
	if (a == NULL)
		return -DER_NOMEM;
	a->dae_access_types = (uint8_t)access;
	a->dae_access_flags = (uint16_t)flags;
	if (access & DAOS_ACL_ACCESS_ALLOW)
		a->dae_allow_perms = perms;
	if (access & DAOS_ACL_ACCESS_AUDIT)
		a->dae_audit_perms = perms;
	if (access & DAOS_ACL_ACCESS_ALARM)
		a->dae_alarm_perms = perms;
	/* e.g. "A::GROUP@:r" (a group principal without G), or U without S/F */
	if (!daos_ace_is_valid(a)) {
		D_INFO("ACE string \"%s\" does not make a valid entry\n", str);
		daos_ace_free(a);
		return -DER_INVAL;
	}
	*ace = a;
	return 0;
}

/* An output buffer that remembers whether everything fitted. */
struct ace_out {
	char  *ao_buf;
	size_t ao_size;
	size_t ao_len;
	bool   ao_trunc;
};

static void
out_str(struct ace_out *o, const char *s)
{
	size_t n    = strlen(s);
	size_t room = o->ao_size - 1 - o->ao_len;

	if (n > room) {
		n           = room;
		o->ao_trunc = true;
	}
	memcpy(o->ao_buf + o->ao_len, s, n);
	o->ao_len += n;
	o->ao_buf[o->ao_len] = '\0';
}

static void
out_chars(struct ace_out *o, uint64_t bits, const struct ace_char *table, size_t nr)
{
	char   c[2] = {0};
	size_t i;

	for (i = 0; i < nr; i++) {
		if (bits & table[i].ac_bit) {
			c[0] = table[i].ac_ch;
			out_str(o, c);
		}
	}
}

/* Words of the bits joined by '/', or none_word when there are none. */
static void
out_words(struct ace_out *o, uint64_t bits, const struct ace_char *table, size_t nr,
	  const char *none_word)
{
	bool   first = true;
	size_t i;

	for (i = 0; i < nr; i++) {
		if (bits & table[i].ac_bit) {
			if (!first)
				out_str(o, "/");
			out_str(o, table[i].ac_word);
			first = false;
		}
	}
	if (first && none_word != NULL)
		out_str(o, none_word);
}

int
daos_ace_to_str(struct daos_ace *ace, char *buf, size_t buf_len)
{
	struct ace_out o = {.ao_buf = buf, .ao_size = buf_len};
	uint64_t       perms;
	uint64_t       all;

	if (ace == NULL || buf == NULL || buf_len == 0 || !daos_ace_is_valid(ace))
		return -DER_INVAL;
	/* one perms field for all the access types: they must agree */
	all   = ace->dae_allow_perms | ace->dae_audit_perms | ace->dae_alarm_perms;
	perms = all;
	if (((ace->dae_access_types & DAOS_ACL_ACCESS_ALLOW) && ace->dae_allow_perms != all) ||
	    ((ace->dae_access_types & DAOS_ACL_ACCESS_AUDIT) && ace->dae_audit_perms != all) ||
	    ((ace->dae_access_types & DAOS_ACL_ACCESS_ALARM) && ace->dae_alarm_perms != all)) {
		D_INFO("entry has different permissions per access type: no text form\n");
		return -DER_INVAL;
	}
	buf[0] = '\0';
	out_chars(&o, ace->dae_access_types, ace_access_chars, ARRAY_SIZE(ace_access_chars));
	out_str(&o, ":");
	out_chars(&o, ace->dae_access_flags, ace_flag_chars, ARRAY_SIZE(ace_flag_chars));
	out_str(&o, ":");
	out_str(&o, daos_ace_get_principal_str(ace));
	out_str(&o, ":");
	out_chars(&o, perms, ace_perm_chars, ARRAY_SIZE(ace_perm_chars));
	return o.ao_trunc ? -DER_TRUNC : 0;
}

/* The principal in words: Owner, Owner-Group, Everyone, or the name itself. */
static const char *
principal_words(const char *name)
{
	switch (special_type(name)) {
	case DAOS_ACL_OWNER:
		return "Owner";
	case DAOS_ACL_OWNER_GROUP:
		return "Owner-Group";
	case DAOS_ACL_EVERYONE:
		return "Everyone";
	default:
		return name;
	}
}

/*
 * "A:G:GROUP@:rw" -> "Allow:Group:Owner-Group:Read/Write". A translation of
 * the text only: a string that parses is explained even if its entry would
 * not be valid (so that a user sees what they wrote).
 */
int
daos_ace_str_get_verbose(const char *ace_str, char *buf, size_t buf_len)
{
	char           name[DAOS_ACL_MAX_PRINCIPAL_BUF_LEN];
	struct ace_out o = {.ao_buf = buf, .ao_size = buf_len};
	uint64_t       access;
	uint64_t       flags;
	uint64_t       perms;

	if (buf == NULL || buf_len == 0 || ace_str == NULL)
		return -DER_INVAL;
	buf[0] = '\0';
	if (ace_str_parse(ace_str, &access, &flags, name, &perms) != 0 || access == 0)
		return -DER_INVAL;
	out_words(&o, access, ace_access_chars, ARRAY_SIZE(ace_access_chars), NULL);
	out_str(&o, ":");
	out_words(&o, flags, ace_flag_chars, ARRAY_SIZE(ace_flag_chars), NULL);
	out_str(&o, ":");
	out_str(&o, principal_words(name));
	out_str(&o, ":");
	out_words(&o, perms, ace_perm_chars, ARRAY_SIZE(ace_perm_chars), "No-Access");
	return o.ao_trunc ? -DER_TRUNC : 0;
}

int
daos_acl_from_strs(const char **ace_strs, size_t ace_nr, struct daos_acl **acl)
{
	struct daos_ace **aces;
	struct daos_acl  *a = NULL;
	size_t            i;
	int               rc = 0;

	if (ace_strs == NULL || ace_nr == 0 || ace_nr > UINT16_MAX || acl == NULL)
		return -DER_INVAL;
	D_ALLOC_ARRAY(aces, ace_nr);
	if (aces == NULL)
		return -DER_NOMEM;
	for (i = 0; rc == 0 && i < ace_nr; i++)
		rc = daos_ace_from_str(ace_strs[i], &aces[i]);
	if (rc == 0) {
		a = daos_acl_create(aces, (uint16_t)ace_nr);
		if (a == NULL)
			rc = -DER_NOMEM;
	}
	/* a principal given twice */
	if (rc == 0)
		rc = daos_acl_validate(a);
	if (rc == 0)
		*acl = a;
	else
		daos_acl_free(a);
	for (i = 0; i < ace_nr; i++)
		daos_ace_free(aces[i]);
	D_FREE(aces);
	return rc;
}

static void
free_strs(char **strs, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		D_FREE(strs[i]);
	D_FREE(strs);
}

int
daos_acl_to_strs(struct daos_acl *acl, char ***ace_strs, size_t *ace_nr)
{
	char             buf[DAOS_ACL_MAX_ACE_STR_LEN + 1];
	struct daos_ace *ace;
	char           **strs = NULL;
	size_t           nr   = 0;
	size_t           i;
	int              rc;

	if (ace_strs == NULL || ace_nr == NULL)
		return -DER_INVAL;
	rc = daos_acl_validate(acl);
	if (rc != 0)
		return rc;
	for (ace = daos_acl_get_next_ace(acl, NULL); ace != NULL;
	     ace = daos_acl_get_next_ace(acl, ace))
		nr++;
	if (nr > 0) {
		D_ALLOC_ARRAY(strs, nr);
		if (strs == NULL)
			return -DER_NOMEM;
	}
	for (i = 0, ace = daos_acl_get_next_ace(acl, NULL); i < nr;
	     i++, ace = daos_acl_get_next_ace(acl, ace)) {
		rc = daos_ace_to_str(ace, buf, sizeof(buf));
		if (rc == 0) {
			D_STRNDUP(strs[i], buf, sizeof(buf));
			if (strs[i] == NULL)
				rc = -DER_NOMEM;
		}
		if (rc != 0) {
			free_strs(strs, nr);
			return rc;
		}
	}
	*ace_strs = strs;
	*ace_nr   = nr;
	return 0;
}

/*
 * The ACL file format the daos tool reads and writes: a "# Entries:" line,
 * then one entry per line ("#   None" when there is none), each preceded by
 * its explanation as a comment when verbose.
 */
int
daos_acl_to_stream(FILE *stream, struct daos_acl *acl, bool verbose)
{
	char   words[DAOS_ACL_MAX_ACE_STR_LEN * 2];
	char **strs = NULL;
	size_t nr   = 0;
	size_t i;
	int    rc;

	if (stream == NULL)
		return -DER_INVAL;
	if (acl != NULL) {
		rc = daos_acl_to_strs(acl, &strs, &nr);
		if (rc != 0)
			return rc;
	}
	rc = D_FPRINTF(stream, "# Entries:\n");
	if (rc == 0 && nr == 0)
		rc = D_FPRINTF(stream, "#   None\n");
	for (i = 0; rc == 0 && i < nr; i++) {
		if (verbose) {
			/* a cut explanation is still worth printing */
			rc = daos_ace_str_get_verbose(strs[i], words, sizeof(words));
			if (rc == 0 || rc == -DER_TRUNC)
				rc = D_FPRINTF(stream, "# %s\n", words);
		}
		if (rc == 0)
			rc = D_FPRINTF(stream, "%s\n", strs[i]);
	}
	if (rc == 0 && fflush(stream) != 0)
		rc = -DER_IO;
	free_strs(strs, nr);
	return rc;
}

/* ---- for the services (acl.h) ---- */

int
dacl_check_bytes(const void *buf, size_t len)
{
	struct daos_acl  hdr;
	struct daos_acl *acl;
	int              rc;

	if (buf == NULL || len < ACL_HDR || len > ACL_HDR + DAOS_ACL_MAX_ACE_LEN)
		return -DER_INVAL;
	memcpy(&hdr, buf, ACL_HDR);
	if (ACL_HDR + hdr.dal_len != len)
		return -DER_INVAL;
	/* an aligned copy: the entries hold 64-bit fields */
	D_ALLOC(acl, len);
	if (acl == NULL)
		return -DER_NOMEM;
	memcpy(acl, buf, len);
	rc = daos_acl_validate(acl);
	daos_acl_free(acl);
	return rc;
}

static struct daos_ace *
allow_ace(enum daos_acl_principal_type type, uint64_t perms)
{
	struct daos_ace *ace = daos_ace_create(type, NULL);

	if (ace != NULL) {
		ace->dae_access_types = DAOS_ACL_ACCESS_ALLOW;
		ace->dae_allow_perms  = perms;
	}
	return ace;
}

struct daos_acl *
dacl_cont_default(void)
{
	struct daos_ace *aces[2];
	struct daos_acl *acl = NULL;

	aces[0] = allow_ace(DAOS_ACL_OWNER, DAOS_ACL_PERM_CONT_ALL);
	aces[1] = allow_ace(DAOS_ACL_OWNER_GROUP, DAOS_ACL_PERM_READ | DAOS_ACL_PERM_WRITE |
							  DAOS_ACL_PERM_GET_PROP |
							  DAOS_ACL_PERM_SET_PROP);
	if (aces[0] != NULL && aces[1] != NULL)
		acl = daos_acl_create(aces, 2);
	daos_ace_free(aces[0]);
	daos_ace_free(aces[1]);
	return acl;
}
