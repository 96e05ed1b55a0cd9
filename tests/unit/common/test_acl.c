/*
 * ACLs (src/common/acl.c, daos_security.h): DAOS's binary layout, the text
 * form both ways, the canonical order of entries, adding and removing,
 * validation of crafted bad ACLs (and random mutations of good ones: never a
 * crash, which the sanitizer build checks), principals and local ids, the
 * dump and stream output, and clean failures when memory runs out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <gurt/common.h>
#include <daos_security.h>

#include "common/acl.h"
#include "d_test_fi.h"

/* ---- helpers ---- */

static struct daos_ace *
ace_of(const char *str)
{
	struct daos_ace *ace = NULL;

	assert_int_equal(daos_ace_from_str(str, &ace), 0);
	assert_non_null(ace);
	return ace;
}

static struct daos_acl *
acl_of(const char **strs, size_t nr)
{
	struct daos_acl *acl = NULL;

	assert_int_equal(daos_acl_from_strs(strs, nr, &acl), 0);
	assert_non_null(acl);
	return acl;
}

/* The ACL's entries as text, one per line. */
static void
acl_text(struct daos_acl *acl, char *buf, size_t size)
{
	struct daos_ace *ace;
	size_t           len = 0;

	buf[0] = '\0';
	for (ace = daos_acl_get_next_ace(acl, NULL); ace != NULL;
	     ace = daos_acl_get_next_ace(acl, ace)) {
		assert_int_equal(daos_ace_to_str(ace, buf + len, size - len), 0);
		len += strlen(buf + len);
		assert_true(len + 1 < size);
		buf[len++] = '\n';
		buf[len]   = '\0';
	}
}

/* An ACL of version 1 whose entries are the n bytes at p, as a crafted input. */
static struct daos_acl *
raw_acl(const void *p, size_t n)
{
	struct daos_acl *acl = calloc(1, sizeof(*acl) + n);

	assert_non_null(acl);
	acl->dal_ver = DAOS_ACL_VERSION;
	acl->dal_len = (uint32_t)n;
	if (n > 0)
		memcpy(acl->dal_ace, p, n);
	return acl;
}

static void
assert_bad(struct daos_acl *acl)
{
	char   **strs = NULL;
	size_t   nr   = 0;
	FILE    *f;

	assert_int_equal(daos_acl_validate(acl), -DER_INVAL);
	assert_int_equal(daos_acl_to_strs(acl, &strs, &nr), -DER_INVAL);
	f = fopen("/dev/null", "w");
	assert_non_null(f);
	assert_int_equal(daos_acl_to_stream(f, acl, true), -DER_INVAL);
	fclose(f);
}

/* ---- tests ---- */

static void
test_layout(void **state)
{
	struct daos_ace *ace;

	(void)state;
	/* DAOS's layout, byte for byte */
	assert_int_equal(sizeof(struct daos_acl), 8);
	assert_int_equal(offsetof(struct daos_acl, dal_len), 4);
	assert_int_equal(offsetof(struct daos_acl, dal_ace), 8);
	assert_int_equal(sizeof(struct daos_ace), 32);
	assert_int_equal(offsetof(struct daos_ace, dae_principal_type), 1);
	assert_int_equal(offsetof(struct daos_ace, dae_principal_len), 2);
	assert_int_equal(offsetof(struct daos_ace, dae_access_flags), 4);
	assert_int_equal(offsetof(struct daos_ace, dae_allow_perms), 8);
	assert_int_equal(offsetof(struct daos_ace, dae_audit_perms), 16);
	assert_int_equal(offsetof(struct daos_ace, dae_alarm_perms), 24);
	assert_int_equal(offsetof(struct daos_ace, dae_principal), 32);

	/* names are NUL-terminated and padded to 8 bytes */
	ace = daos_ace_create(DAOS_ACL_USER, "alice@");
	assert_non_null(ace);
	assert_int_equal(ace->dae_principal_type, DAOS_ACL_USER);
	assert_int_equal(ace->dae_principal_len, 8);
	assert_int_equal(ace->dae_access_flags, 0);
	assert_int_equal(daos_ace_get_size(ace), 40);
	assert_string_equal(ace->dae_principal, "alice@");
	assert_string_equal(daos_ace_get_principal_str(ace), "alice@");
	/* no access type yet */
	assert_false(daos_ace_is_valid(ace));
	ace->dae_access_types = DAOS_ACL_ACCESS_ALLOW;
	assert_true(daos_ace_is_valid(ace));
	daos_ace_free(ace);

	ace = daos_ace_create(DAOS_ACL_GROUP, "abcdefgh@");
	assert_int_equal(ace->dae_principal_len, 16);
	assert_int_equal(ace->dae_access_flags, DAOS_ACL_FLAG_GROUP);
	daos_ace_free(ace);
	ace = daos_ace_create(DAOS_ACL_USER, "abcdef@"); /* 7 + NUL: exactly 8 */
	assert_int_equal(ace->dae_principal_len, 8);
	daos_ace_free(ace);

	/* special principals carry no name, whatever is passed */
	ace = daos_ace_create(DAOS_ACL_OWNER_GROUP, "ignored@");
	assert_int_equal(ace->dae_principal_len, 0);
	assert_int_equal(ace->dae_access_flags, DAOS_ACL_FLAG_GROUP);
	assert_string_equal(daos_ace_get_principal_str(ace), "GROUP@");
	assert_int_equal(daos_ace_get_size(ace), 32);
	daos_ace_free(ace);
	ace = daos_ace_create(DAOS_ACL_OWNER, NULL);
	assert_string_equal(daos_ace_get_principal_str(ace), "OWNER@");
	daos_ace_free(ace);
	ace = daos_ace_create(DAOS_ACL_EVERYONE, NULL);
	assert_string_equal(daos_ace_get_principal_str(ace), "EVERYONE@");
	daos_ace_free(ace);

	assert_null(daos_ace_create(DAOS_ACL_USER, NULL));
	assert_null(daos_ace_create(DAOS_ACL_GROUP, ""));
	assert_null(daos_ace_create(NUM_DAOS_ACL_TYPES, NULL));
	assert_null(daos_ace_create((enum daos_acl_principal_type)-1, "a@"));
	assert_int_equal(daos_ace_get_size(NULL), -DER_INVAL);
	assert_int_equal(daos_acl_get_size(NULL), -DER_INVAL);
	assert_false(daos_ace_is_valid(NULL));
	assert_null(daos_ace_get_principal_str(NULL));
	daos_ace_free(NULL);
	daos_acl_free(NULL);
}

static void
test_ace_str_round_trip(void **state)
{
	static const char *const same[] = {
	    "A::OWNER@:rw",         "A:G:GROUP@:rwcdtTaAo", "A::EVERYONE@:",
	    "A::alice@:r",          "A:G:staff@lab.org:rw", "AUL:SF:bob@:rw",
	    "U:S:carol@:t",         "L:F:EVERYONE@:A",      "A:GP:grp@:r",
	    "A:P:OWNER@:co",        "AU:GF:GROUP@:dT",      "A::a@:rwcdtTaAo",
	};
	/* input, canonical output */
	static const char *const canon[][2] = {
	    {"A::OWNER@:wr", "A::OWNER@:rw"},
	    {"UA:FS:dave@:oAatTdcwr", "AU:SF:dave@:rwcdtTaAo"},
	    {"AAA::OWNER@:rrr", "A::OWNER@:r"},
	    {"A:GG:GROUP@:", "A:G:GROUP@:"},
	};
	struct daos_ace *ace;
	char             buf[DAOS_ACL_MAX_ACE_STR_LEN + 1];
	size_t           i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(same); i++) {
		ace = ace_of(same[i]);
		assert_true(daos_ace_is_valid(ace));
		assert_int_equal(daos_ace_to_str(ace, buf, sizeof(buf)), 0);
		assert_string_equal(buf, same[i]);
		daos_ace_free(ace);
	}
	for (i = 0; i < ARRAY_SIZE(canon); i++) {
		ace = ace_of(canon[i][0]);
		assert_int_equal(daos_ace_to_str(ace, buf, sizeof(buf)), 0);
		assert_string_equal(buf, canon[i][1]);
		daos_ace_free(ace);
	}

	/* what the text means in the structure */
	ace = ace_of("AU:GS:staff@:rw");
	assert_int_equal(ace->dae_principal_type, DAOS_ACL_GROUP);
	assert_int_equal(ace->dae_access_types, DAOS_ACL_ACCESS_ALLOW | DAOS_ACL_ACCESS_AUDIT);
	assert_int_equal(ace->dae_access_flags, DAOS_ACL_FLAG_GROUP | DAOS_ACL_FLAG_ACCESS_SUCCESS);
	assert_int_equal(ace->dae_allow_perms, DAOS_ACL_PERM_READ | DAOS_ACL_PERM_WRITE);
	assert_int_equal(ace->dae_audit_perms, DAOS_ACL_PERM_READ | DAOS_ACL_PERM_WRITE);
	assert_int_equal(ace->dae_alarm_perms, 0);
	assert_string_equal(ace->dae_principal, "staff@");

	/* one perms field: entries whose access types disagree have no text form */
	ace->dae_audit_perms = DAOS_ACL_PERM_READ;
	assert_true(daos_ace_is_valid(ace));
	assert_int_equal(daos_ace_to_str(ace, buf, sizeof(buf)), -DER_INVAL);
	ace->dae_audit_perms = ace->dae_allow_perms;

	/* too short a buffer: -DER_TRUNC, what fits, terminated */
	assert_int_equal(daos_ace_to_str(ace, buf, 6), -DER_TRUNC);
	assert_string_equal(buf, "AU:GS");
	assert_int_equal(daos_ace_to_str(ace, buf, 1), -DER_TRUNC);
	assert_string_equal(buf, "");
	assert_int_equal(daos_ace_to_str(ace, buf, strlen("AU:GS:staff@:rw") + 1), 0);
	assert_int_equal(daos_ace_to_str(ace, buf, 0), -DER_INVAL);
	assert_int_equal(daos_ace_to_str(ace, NULL, 10), -DER_INVAL);
	assert_int_equal(daos_ace_to_str(NULL, buf, sizeof(buf)), -DER_INVAL);
	daos_ace_free(ace);

	/* an invalid entry has no text form either */
	ace = daos_ace_create(DAOS_ACL_USER, "x@");
	assert_int_equal(daos_ace_to_str(ace, buf, sizeof(buf)), -DER_INVAL);
	daos_ace_free(ace);
}

static void
test_ace_str_bad(void **state)
{
	static const char *const bad[] = {
	    "",
	    "A",
	    "A::OWNER@",
	    "A::OWNER@:rw:",
	    "A:::OWNER@:rw",
	    "::OWNER@:rw",      /* no access type */
	    "X::OWNER@:rw",     /* unknown access type */
	    "a::OWNER@:rw",     /* case matters */
	    "A:X:OWNER@:rw",    /* unknown flag */
	    "A::OWNER@:rx",     /* unknown permission */
	    "A::OWNER@:R",
	    "A::GROUP@:rw",     /* the owner group without G */
	    "A:G:OWNER@:rw",    /* a user with G */
	    "A:G:EVERYONE@:rw",
	    "A::alice:rw",      /* no @ */
	    "A::@lab:rw",       /* no name */
	    "A::a@b@:rw",       /* two @ */
	    "A:::rw",           /* no principal */
	    "U::alice@:r",      /* audit without success/failure */
	    "L::alice@:r",
	    "A:S:alice@:r",     /* success/failure without audit or alarm */
	    "A:F:alice@:r",
	    "A:: alice@ :r@",
	};
	char             long_str[DAOS_ACL_MAX_ACE_STR_LEN + 64];
	char             name[DAOS_ACL_MAX_PRINCIPAL_LEN + 8];
	struct daos_ace *ace;
	size_t           i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ace = (struct daos_ace *)0x1;
		assert_int_equal(daos_ace_from_str(bad[i], &ace), -DER_INVAL);
		assert_ptr_equal(ace, (struct daos_ace *)0x1); /* untouched */
	}
	/* a 256-character principal is one too many; 255 is fine */
	memset(name, 'n', sizeof(name));
	name[DAOS_ACL_MAX_PRINCIPAL_LEN] = '\0';
	name[DAOS_ACL_MAX_PRINCIPAL_LEN - 1] = '@';
	snprintf(long_str, sizeof(long_str), "A::%s:rw", name);
	ace = ace_of(long_str);
	assert_int_equal(ace->dae_principal_len, 256);
	daos_ace_free(ace);
	name[DAOS_ACL_MAX_PRINCIPAL_LEN - 1] = 'n';
	name[DAOS_ACL_MAX_PRINCIPAL_LEN]     = '@';
	name[DAOS_ACL_MAX_PRINCIPAL_LEN + 1] = '\0';
	snprintf(long_str, sizeof(long_str), "A::%s:rw", name);
	assert_int_equal(daos_ace_from_str(long_str, &ace), -DER_INVAL);
	/* a string longer than DAOS_ACL_MAX_ACE_STR_LEN */
	memset(long_str, 'r', sizeof(long_str) - 1);
	long_str[sizeof(long_str) - 1] = '\0';
	memcpy(long_str, "A::OWNER@:", 10);
	assert_int_equal(daos_ace_from_str(long_str, &ace), -DER_INVAL);

	assert_int_equal(daos_ace_from_str(NULL, &ace), -DER_INVAL);
	assert_int_equal(daos_ace_from_str("A::OWNER@:rw", NULL), -DER_INVAL);
}

static void
test_verbose(void **state)
{
	static const char *const cases[][2] = {
	    {"A:G:GROUP@:rw", "Allow:Group:Owner-Group:Read/Write"},
	    {"A::OWNER@:rwcdtTaAo",
	     "Allow::Owner:Read/Write/Create-Container/Delete-Container/Get-Prop/Set-Prop/"
	     "Get-ACL/Set-ACL/Set-Owner"},
	    {"AU:SF:alice@:", "Allow/Audit:Access-Success/Access-Failure:alice@:No-Access"},
	    {"L:P:EVERYONE@:r", "Alarm:Pool-Inherit:Everyone:Read"},
	    {"A:G:staff@lab:t", "Allow:Group:staff@lab:Get-Prop"},
	};
	static const char *const bad[] = {
	    "", "::OWNER@:r", "A::OWNER@:rw:", "A::OWNER@", "X::OWNER@:r", "A::OWNER@:x",
	    "A::nobody:r",
	};
	char   buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(daos_ace_str_get_verbose(cases[i][0], buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i][1]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(daos_ace_str_get_verbose(bad[i], buf, sizeof(buf)), -DER_INVAL);
	/* cut: as much as fits */
	assert_int_equal(daos_ace_str_get_verbose("A:G:GROUP@:rw", buf, 12), -DER_TRUNC);
	assert_string_equal(buf, "Allow:Group");
	assert_int_equal(daos_ace_str_get_verbose(NULL, buf, sizeof(buf)), -DER_INVAL);
	assert_int_equal(daos_ace_str_get_verbose("A::OWNER@:r", NULL, 10), -DER_INVAL);
	assert_int_equal(daos_ace_str_get_verbose("A::OWNER@:r", buf, 0), -DER_INVAL);
}

static void
test_acl_order(void **state)
{
	/* scrambled on purpose */
	static const char *strs[] = {
	    "A::EVERYONE@:r", "A:G:g1@:rw", "A::u1@:rw", "A:G:GROUP@:rw",
	    "A::OWNER@:rwcdtTaAo", "A::u2@:r",  "A:G:g2@:t",
	};
	static const char *sorted =
	    "A::OWNER@:rwcdtTaAo\nA::u1@:rw\nA::u2@:r\nA:G:GROUP@:rw\nA:G:g1@:rw\nA:G:g2@:t\n"
	    "A::EVERYONE@:r\n";
	struct daos_ace *aces[ARRAY_SIZE(strs)];
	struct daos_ace *found;
	struct daos_acl *acl;
	struct daos_acl *acl2;
	char             text[1024];
	char           **out;
	size_t           nr;
	size_t           i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(strs); i++)
		aces[i] = ace_of(strs[i]);
	acl = daos_acl_create(aces, ARRAY_SIZE(aces));
	assert_non_null(acl);
	assert_int_equal(acl->dal_ver, DAOS_ACL_VERSION);
	/* 7 entry headers, 4 of them with an 8-byte name */
	assert_int_equal(acl->dal_len, 7 * 32 + 4 * 8);
	assert_int_equal(daos_acl_get_size(acl), 8 + 7 * 32 + 4 * 8);
	assert_int_equal(daos_acl_validate(acl), 0);
	acl_text(acl, text, sizeof(text));
	assert_string_equal(text, sorted);

	/* the same through the strings */
	acl2 = acl_of(strs, ARRAY_SIZE(strs));
	assert_int_equal(daos_acl_get_size(acl2), daos_acl_get_size(acl));
	assert_memory_equal(acl2, acl, daos_acl_get_size(acl));
	daos_acl_free(acl2);
	acl2 = daos_acl_dup(acl);
	assert_memory_equal(acl2, acl, daos_acl_get_size(acl));
	daos_acl_free(acl2);

	assert_int_equal(daos_acl_to_strs(acl, &out, &nr), 0);
	assert_int_equal(nr, ARRAY_SIZE(strs));
	assert_string_equal(out[0], "A::OWNER@:rwcdtTaAo");
	assert_string_equal(out[6], "A::EVERYONE@:r");
	for (i = 0; i < nr; i++)
		free(out[i]);
	free(out);

	/* lookups: users and groups by name, the others by type */
	assert_int_equal(daos_acl_get_ace_for_principal(acl, DAOS_ACL_USER, "u2@", &found), 0);
	assert_string_equal(found->dae_principal, "u2@");
	assert_int_equal(daos_acl_get_ace_for_principal(acl, DAOS_ACL_OWNER, NULL, &found), 0);
	assert_int_equal(found->dae_principal_type, DAOS_ACL_OWNER);
	assert_ptr_equal(found, daos_acl_get_next_ace(acl, NULL));
	assert_int_equal(daos_acl_get_ace_for_principal(acl, DAOS_ACL_GROUP, "u1@", &found),
			 -DER_NONEXIST);
	assert_int_equal(daos_acl_get_ace_for_principal(acl, DAOS_ACL_USER, "u3@", &found),
			 -DER_NONEXIST);
	assert_int_equal(daos_acl_get_ace_for_principal(acl, DAOS_ACL_USER, NULL, &found),
			 -DER_INVAL);
	assert_int_equal(daos_acl_get_ace_for_principal(acl, NUM_DAOS_ACL_TYPES, NULL, &found),
			 -DER_INVAL);
	assert_int_equal(daos_acl_get_ace_for_principal(NULL, DAOS_ACL_OWNER, NULL, &found),
			 -DER_INVAL);
	assert_int_equal(daos_acl_get_ace_for_principal(acl, DAOS_ACL_OWNER, NULL, NULL),
			 -DER_INVAL);

	/* add: a new user goes after the last user; a known principal is replaced in place */
	found = ace_of("A::u3@:w");
	assert_int_equal(daos_acl_add_ace(&acl, found), 0);
	daos_ace_free(found);
	found = ace_of("A::u1@:t");
	assert_int_equal(daos_acl_add_ace(&acl, found), 0);
	daos_ace_free(found);
	found = ace_of("A::OWNER@:r");
	assert_int_equal(daos_acl_add_ace(&acl, found), 0);
	daos_ace_free(found);
	found = ace_of("AU:F:EVERYONE@:");
	assert_int_equal(daos_acl_add_ace(&acl, found), 0);
	daos_ace_free(found);
	assert_int_equal(daos_acl_validate(acl), 0);
	acl_text(acl, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:r\nA::u1@:t\nA::u2@:r\nA::u3@:w\nA:G:GROUP@:rw\n"
				  "A:G:g1@:rw\nA:G:g2@:t\nAU:F:EVERYONE@:\n");

	/* remove */
	assert_int_equal(daos_acl_remove_ace(&acl, DAOS_ACL_USER, "u2@"), 0);
	assert_int_equal(daos_acl_remove_ace(&acl, DAOS_ACL_USER, "u2@"), -DER_NONEXIST);
	assert_int_equal(daos_acl_remove_ace(&acl, DAOS_ACL_OWNER_GROUP, NULL), 0);
	assert_int_equal(daos_acl_remove_ace(&acl, DAOS_ACL_EVERYONE, "ignored@"), 0);
	assert_int_equal(daos_acl_remove_ace(&acl, DAOS_ACL_GROUP, NULL), -DER_INVAL);
	assert_int_equal(daos_acl_remove_ace(&acl, DAOS_ACL_GROUP, ""), -DER_INVAL);
	assert_int_equal(daos_acl_remove_ace(&acl, NUM_DAOS_ACL_TYPES, NULL), -DER_INVAL);
	assert_int_equal(daos_acl_remove_ace(NULL, DAOS_ACL_OWNER, NULL), -DER_INVAL);
	acl_text(acl, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:r\nA::u1@:t\nA::u3@:w\nA:G:g1@:rw\nA:G:g2@:t\n");
	assert_int_equal(daos_acl_validate(acl), 0);

	/* adding needs a sound entry */
	assert_int_equal(daos_acl_add_ace(&acl, NULL), -DER_INVAL);
	assert_int_equal(daos_acl_add_ace(NULL, aces[0]), -DER_INVAL);
	daos_acl_free(acl);

	/* the empty ACL */
	acl = daos_acl_create(NULL, 0);
	assert_non_null(acl);
	assert_int_equal(daos_acl_get_size(acl), 8);
	assert_int_equal(daos_acl_validate(acl), 0);
	assert_null(daos_acl_get_next_ace(acl, NULL));
	out = (char **)0x1;
	assert_int_equal(daos_acl_to_strs(acl, &out, &nr), 0);
	assert_int_equal(nr, 0);
	assert_null(out);
	assert_int_equal(daos_acl_remove_ace(&acl, DAOS_ACL_OWNER, NULL), -DER_NONEXIST);
	assert_int_equal(daos_acl_add_ace(&acl, aces[1]), 0);
	assert_int_equal(daos_acl_validate(acl), 0);
	daos_acl_free(acl);

	/* create keeps what it is given (duplicates too: validate finds them) */
	found   = aces[1];
	aces[1] = aces[0];
	acl     = daos_acl_create(aces, 2);
	assert_int_equal(daos_acl_validate(acl), -DER_INVAL);
	daos_acl_free(acl);
	aces[1] = found;
	for (i = 0; i < ARRAY_SIZE(strs); i++)
		daos_ace_free(aces[i]);

	/* duplicate principals in strings; a user and a group may share a name */
	{
		const char *dup[]  = {"A::alice@:r", "A::alice@:w"};
		const char *dup2[] = {"A::OWNER@:r", "A::OWNER@:w"};
		const char *ok[]   = {"A::alice@:r", "A:G:alice@:w"};

		acl = (struct daos_acl *)0x1;
		assert_int_equal(daos_acl_from_strs(dup, 2, &acl), -DER_INVAL);
		assert_int_equal(daos_acl_from_strs(dup2, 2, &acl), -DER_INVAL);
		assert_ptr_equal(acl, (struct daos_acl *)0x1);
		acl = acl_of(ok, 2);
		daos_acl_free(acl);
		assert_int_equal(daos_acl_from_strs(ok, 0, &acl), -DER_INVAL);
		assert_int_equal(daos_acl_from_strs(NULL, 1, &acl), -DER_INVAL);
		assert_int_equal(daos_acl_from_strs(ok, 2, NULL), -DER_INVAL);
		ok[1] = "A:G:alice@:x";
		assert_int_equal(daos_acl_from_strs(ok, 2, &acl), -DER_INVAL);
	}
}

/* The bytes of an ACE: header, then name padded to pad bytes. */
static size_t
put(uint8_t *buf, uint8_t type, uint8_t access, uint16_t flags, uint64_t allow,
    const char *name, uint16_t pad)
{
	struct daos_ace ace = {0};

	ace.dae_access_types   = access;
	ace.dae_principal_type = type;
	ace.dae_principal_len  = pad;
	ace.dae_access_flags   = flags;
	ace.dae_allow_perms    = allow;
	memcpy(buf, &ace, sizeof(ace));
	memset(buf + sizeof(ace), 0, pad);
	if (name != NULL)
		memcpy(buf + sizeof(ace), name, strnlen(name, pad));
	return sizeof(ace) + pad;
}

static void
test_validate_bad(void **state)
{
	uint8_t          b[512];
	size_t           n;
	struct daos_acl *acl;
	struct daos_ace *ace;
	const uint8_t    A = DAOS_ACL_ACCESS_ALLOW;
	const uint16_t   G = DAOS_ACL_FLAG_GROUP;

	(void)state;
	assert_int_equal(daos_acl_validate(NULL), -DER_INVAL);

	/* a good one to start from */
	n   = put(b, DAOS_ACL_OWNER, A, 0, DAOS_ACL_PERM_READ, NULL, 0);
	n  += put(b + n, DAOS_ACL_USER, A, 0, DAOS_ACL_PERM_READ, "alice@", 8);
	n  += put(b + n, DAOS_ACL_GROUP, A, G, DAOS_ACL_PERM_READ, "staff@", 8);
	acl = raw_acl(b, n);
	assert_int_equal(daos_acl_validate(acl), 0);

	/* wrong version */
	acl->dal_ver = 2;
	assert_bad(acl);
	acl->dal_ver = 0;
	assert_bad(acl);
	acl->dal_ver = DAOS_ACL_VERSION;
	/* lengths: not a multiple of 8, shorter than the entries, too long for an ACL */
	acl->dal_len = n - 4;
	assert_bad(acl);
	acl->dal_len = n - 8; /* the last name runs past the end */
	assert_bad(acl);
	acl->dal_len = 16;
	assert_bad(acl);
	acl->dal_len = DAOS_ACL_MAX_ACE_LEN + 8; /* nothing read past the real end */
	assert_bad(acl);
	assert_int_equal(daos_acl_get_size(acl), -DER_INVAL);
	assert_null(daos_acl_dup(acl));
	assert_null(daos_acl_get_next_ace(acl, NULL));
	acl->dal_len = UINT32_MAX;
	assert_bad(acl);
	free(acl);

	/* trailing bytes after good entries: too few for an entry, or an empty entry */
	memset(b + n, 0, 32);
	acl = raw_acl(b, n + 8);
	assert_bad(acl);
	free(acl);
	acl = raw_acl(b, n + 32);
	assert_bad(acl);
	free(acl);

	/* one bad entry after the owner's */
#define ONE_BAD(type, access, flags, allow, name, pad)                                             \
	do {                                                                                       \
		size_t m = put(b, DAOS_ACL_OWNER, A, 0, 0, NULL, 0);                               \
		m += put(b + m, type, access, flags, allow, name, pad);                            \
		acl = raw_acl(b, m);                                                               \
		assert_bad(acl);                                                                   \
		free(acl);                                                                         \
	} while (0)
	ONE_BAD(DAOS_ACL_USER, A, 0, 0, "alice@", 7);         /* name not padded to 8 */
	ONE_BAD(DAOS_ACL_USER, A, 0, 0, "aaaaaaaa", 8);       /* not terminated */
	ONE_BAD(DAOS_ACL_USER, A, 0, 0, "alice", 8);          /* not a principal */
	ONE_BAD(DAOS_ACL_USER, A, 0, 0, NULL, 0);             /* user without a name */
	ONE_BAD(DAOS_ACL_EVERYONE, A, 0, 0, "x@", 8);         /* special with a name */
	ONE_BAD(5, A, 0, 0, NULL, 0);                         /* unknown principal types */
	ONE_BAD(200, A, 0, 0, "x@", 8);
	ONE_BAD(DAOS_ACL_EVERYONE, 0, 0, 0, NULL, 0);         /* no access type */
	ONE_BAD(DAOS_ACL_EVERYONE, 1 << 3, 0, 0, NULL, 0);    /* unknown access bit */
	ONE_BAD(DAOS_ACL_EVERYONE, A | 0x80, 0, 0, NULL, 0);
	ONE_BAD(DAOS_ACL_EVERYONE, A, 1 << 4, 0, NULL, 0);    /* unknown flag bit */
	ONE_BAD(DAOS_ACL_EVERYONE, A, 0, 1 << 9, NULL, 0);    /* unknown permission bit */
	ONE_BAD(DAOS_ACL_EVERYONE, A, 0, 1ull << 63, NULL, 0);
	ONE_BAD(DAOS_ACL_USER, A, G, 0, "alice@", 8);         /* group flag on a user */
	ONE_BAD(DAOS_ACL_GROUP, A, 0, 0, "staff@", 8);        /* group without the flag */
	ONE_BAD(DAOS_ACL_OWNER_GROUP, A, 0, 0, NULL, 0);
	ONE_BAD(DAOS_ACL_OWNER, A, 0, 0, NULL, 0);            /* the owner twice */
	ONE_BAD(DAOS_ACL_EVERYONE, DAOS_ACL_ACCESS_AUDIT, 0, 0, NULL, 0); /* audit: when? */
	ONE_BAD(DAOS_ACL_EVERYONE, A, DAOS_ACL_FLAG_ACCESS_FAIL, 0, NULL, 0);
#undef ONE_BAD

	/* a name running past the end of the entries */
	n  = put(b, DAOS_ACL_OWNER, A, 0, 0, NULL, 0);
	n += put(b + n, DAOS_ACL_USER, A, 0, 0, "alice@", 8);
	{
		uint16_t len = 64;

		memcpy(b + 32 + offsetof(struct daos_ace, dae_principal_len), &len, sizeof(len));
	}
	acl = raw_acl(b, n);
	assert_bad(acl);
	assert_null(daos_acl_get_next_ace(acl, daos_acl_get_next_ace(acl, NULL)));
	assert_int_equal(daos_acl_get_ace_for_principal(acl, DAOS_ACL_USER, "alice@", &ace),
			 -DER_NONEXIST);
	free(acl);

	/* permissions of an access type the entry does not have */
	n   = put(b, DAOS_ACL_OWNER, A, 0, 0, NULL, 0);
	acl = raw_acl(b, n);
	ace = daos_acl_get_next_ace(acl, NULL);
	ace->dae_alarm_perms = DAOS_ACL_PERM_READ;
	assert_bad(acl);
	ace->dae_alarm_perms = 0;
	assert_int_equal(daos_acl_validate(acl), 0);
	free(acl);

	/* out of order; the same user twice (not next to each other) */
	n   = put(b, DAOS_ACL_EVERYONE, A, 0, 0, NULL, 0);
	n  += put(b + n, DAOS_ACL_OWNER, A, 0, 0, NULL, 0);
	acl = raw_acl(b, n);
	assert_bad(acl);
	free(acl);
	n   = put(b, DAOS_ACL_USER, A, 0, 0, "alice@", 8);
	n  += put(b + n, DAOS_ACL_USER, A, 0, 0, "bob@", 8);
	n  += put(b + n, DAOS_ACL_USER, A, 0, 0, "alice@", 16); /* more padding, same name */
	acl = raw_acl(b, n);
	assert_bad(acl);
	/* the walk still works and lookups find the first */
	assert_int_equal(daos_acl_get_ace_for_principal(acl, DAOS_ACL_USER, "alice@", &ace), 0);
	assert_ptr_equal(ace, acl->dal_ace);
	free(acl);
}

/* Random changes to a good ACL: every call copes, none reads out of bounds. */
static void
test_validate_fuzz(void **state)
{
	static const char *strs[] = {"A::OWNER@:rw", "A::alice@:r", "AU:GS:staff@lab:rwt",
				     "A:G:GROUP@:r", "L:F:EVERYONE@:o"};
	struct daos_acl   *good;
	struct daos_acl   *acl;
	struct daos_ace   *ace;
	struct daos_ace   *extra;
	char             **out;
	size_t             nr;
	size_t             size;
	unsigned int       seed = 12345;
	int                i;
	int                j;
	int                valid = 0;
	FILE              *devnull;

	(void)state;
	devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	good  = acl_of(strs, ARRAY_SIZE(strs));
	size  = daos_acl_get_size(good);
	extra = ace_of("A::zed@:w");
	for (i = 0; i < 20000; i++) {
		int rc;
		int ok;

		acl = malloc(size);
		memcpy(acl, good, size);
		/* flip bits anywhere but in dal_len, which must not claim more than there is */
		for (j = 0; j < 1 + rand_r(&seed) % 3; j++) {
			size_t pos = rand_r(&seed) % size;

			if (pos < 4 || pos >= 8)
				((uint8_t *)acl)[pos] ^= 1 << (rand_r(&seed) % 8);
		}
		if (rand_r(&seed) % 4 == 0)
			acl->dal_len = rand_r(&seed) % (size - 8 + 1); /* shorter */
		ok = daos_acl_validate(acl) == 0;
		valid += ok;
		rc = daos_acl_to_strs(acl, &out, &nr);
		/* a valid entry may still have no text form (perms differing per access type) */
		assert_true(rc == 0 || rc == -DER_INVAL);
		assert_true(ok || rc == -DER_INVAL);
		if (rc == 0) {
			while (nr > 0)
				free(out[--nr]);
			free(out);
		}
		(void)daos_acl_to_stream(devnull, acl, true);
		for (ace = daos_acl_get_next_ace(acl, NULL); ace != NULL;
		     ace = daos_acl_get_next_ace(acl, ace))
			(void)daos_ace_is_valid(ace);
		(void)daos_acl_get_ace_for_principal(acl, DAOS_ACL_USER, "alice@", &ace);
		(void)daos_acl_remove_ace(&acl, DAOS_ACL_GROUP, "staff@lab");
		(void)daos_acl_add_ace(&acl, extra);
		free(acl);
	}
	/* a few flips leave it valid (a permission bit of a known kind...) */
	assert_true(valid > 0);
	daos_ace_free(extra);
	daos_acl_free(good);
	fclose(devnull);
}

static void
test_principals(void **state)
{
	static const char *const good[] = {"a@", "alice@", "alice@lab.org", "a:b@c", "A B@"};
	static const char *const bad[]  = {"", "@", "@lab", "alice", "a@b@", "a@@"};
	enum daos_acl_principal_type type;
	char                         long_name[DAOS_ACL_MAX_PRINCIPAL_LEN + 2];
	char                        *name;
	uid_t                        uid;
	gid_t                        gid;
	size_t                       i;
	int                          rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(daos_acl_principal_is_valid(good[i]));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(daos_acl_principal_is_valid(bad[i]));
	assert_false(daos_acl_principal_is_valid(NULL));
	memset(long_name, 'x', sizeof(long_name));
	long_name[DAOS_ACL_MAX_PRINCIPAL_LEN - 1] = '@';
	long_name[DAOS_ACL_MAX_PRINCIPAL_LEN]     = '\0';
	assert_true(daos_acl_principal_is_valid(long_name));
	long_name[DAOS_ACL_MAX_PRINCIPAL_LEN]     = 'x';
	long_name[DAOS_ACL_MAX_PRINCIPAL_LEN + 1] = '\0';
	assert_false(daos_acl_principal_is_valid(long_name));

	/* "u:name@", "g:name@", the special ones */
	assert_int_equal(daos_acl_principal_from_str("u:alice@", &type, &name), 0);
	assert_int_equal(type, DAOS_ACL_USER);
	assert_string_equal(name, "alice@");
	free(name);
	assert_int_equal(daos_acl_principal_from_str("g:staff@lab", &type, &name), 0);
	assert_int_equal(type, DAOS_ACL_GROUP);
	assert_string_equal(name, "staff@lab");
	free(name);
	assert_int_equal(daos_acl_principal_from_str("OWNER@", &type, &name), 0);
	assert_int_equal(type, DAOS_ACL_OWNER);
	assert_null(name);
	assert_int_equal(daos_acl_principal_from_str("GROUP@", &type, &name), 0);
	assert_int_equal(type, DAOS_ACL_OWNER_GROUP);
	assert_int_equal(daos_acl_principal_from_str("EVERYONE@", &type, &name), 0);
	assert_int_equal(type, DAOS_ACL_EVERYONE);
	assert_null(name);
	{
		const char *no[] = {"alice@", "u:alice", "x:alice@", "u:", "g:@", "owner@", ""};

		for (i = 0; i < ARRAY_SIZE(no); i++)
			assert_int_equal(daos_acl_principal_from_str(no[i], &type, &name),
					 -DER_INVAL);
	}
	assert_int_equal(daos_acl_principal_from_str(NULL, &type, &name), -DER_INVAL);
	assert_int_equal(daos_acl_principal_from_str("OWNER@", NULL, &name), -DER_INVAL);
	assert_int_equal(daos_acl_principal_from_str("OWNER@", &type, NULL), -DER_INVAL);

	/* local ids: root is 0 on every Linux */
	assert_int_equal(daos_acl_uid_to_principal(0, &name), 0);
	assert_string_equal(name, "root@");
	free(name);
	assert_int_equal(daos_acl_gid_to_principal(0, &name), 0);
	assert_string_equal(name, "root@");
	free(name);
	uid = 77;
	assert_int_equal(daos_acl_principal_to_uid("root@", &uid), 0);
	assert_int_equal(uid, 0);
	uid = 77;
	assert_int_equal(daos_acl_principal_to_uid("root@some.domain", &uid), 0);
	assert_int_equal(uid, 0);
	gid = 77;
	assert_int_equal(daos_acl_principal_to_gid("root@", &gid), 0);
	assert_int_equal(gid, 0);
	assert_int_equal(daos_acl_principal_to_uid("no_such_user_dstor@", &uid), -DER_NONEXIST);
	assert_int_equal(daos_acl_principal_to_gid("no_such_group_dstor@", &gid), -DER_NONEXIST);
	assert_int_equal(daos_acl_uid_to_principal((uid_t)4000000123u, &name), -DER_NONEXIST);
	assert_int_equal(daos_acl_gid_to_principal((gid_t)4000000123u, &name), -DER_NONEXIST);
	assert_int_equal(daos_acl_principal_to_uid("root", &uid), -DER_INVAL);
	assert_int_equal(daos_acl_principal_to_gid("@x", &gid), -DER_INVAL);
	assert_int_equal(daos_acl_principal_to_uid(NULL, &uid), -DER_INVAL);
	assert_int_equal(daos_acl_principal_to_uid("root@", NULL), -DER_INVAL);
	assert_int_equal(daos_acl_principal_to_gid("root@", NULL), -DER_INVAL);
	assert_int_equal(daos_acl_uid_to_principal(0, NULL), -DER_INVAL);
	assert_int_equal(daos_acl_gid_to_principal(0, NULL), -DER_INVAL);

	/* this process's user, both ways (when the passwd database knows it) */
	rc = daos_acl_uid_to_principal(getuid(), &name);
	if (rc == 0) {
		assert_int_equal(daos_acl_principal_to_uid(name, &uid), 0);
		assert_int_equal(uid, getuid());
		free(name);
	} else {
		assert_int_equal(rc, -DER_NONEXIST);
	}
}

/* The stream output of an ACL as a string (freed by the caller). */
static int
stream_of(struct daos_acl *acl, bool verbose, char **text)
{
	size_t len;
	FILE  *f = open_memstream(text, &len);
	int    rc;

	assert_non_null(f);
	rc = daos_acl_to_stream(f, acl, verbose);
	fclose(f);
	return rc;
}

/* What fn printed on stdout. */
static char *
stdout_of(void (*fn)(void *), void *arg)
{
	char  path[] = "/tmp/test_acl_dump.XXXXXX";
	int   fd     = mkstemp(path);
	int   saved  = dup(STDOUT_FILENO);
	char *text;
	long  len;
	FILE *f;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	fn(arg);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	f = fdopen(fd, "r");
	fseek(f, 0, SEEK_END);
	len  = ftell(f);
	text = calloc(1, len + 1);
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fread(text, 1, len, f), len);
	fclose(f);
	unlink(path);
	return text;
}

static void
dump_acl(void *arg)
{
	daos_acl_dump(arg);
}

static void
dump_ace(void *arg)
{
	daos_ace_dump(arg, 2);
}

static void
test_dump_stream(void **state)
{
	static const char *strs[] = {"A:G:GROUP@:r", "A::OWNER@:rw", "AU:S:alice@:rt"};
	struct daos_acl   *acl;
	struct daos_acl   *empty;
	struct daos_ace   *ace;
	char              *text;
	FILE              *full;
	uint8_t            junk[64] = {0};

	(void)state;
	acl = acl_of(strs, ARRAY_SIZE(strs));
	assert_int_equal(stream_of(acl, false, &text), 0);
	assert_string_equal(text, "# Entries:\nA::OWNER@:rw\nAU:S:alice@:rt\nA:G:GROUP@:r\n");
	free(text);
	assert_int_equal(stream_of(acl, true, &text), 0);
	assert_string_equal(text, "# Entries:\n"
				  "# Allow::Owner:Read/Write\n"
				  "A::OWNER@:rw\n"
				  "# Allow/Audit:Access-Success:alice@:Read/Get-Prop\n"
				  "AU:S:alice@:rt\n"
				  "# Allow:Group:Owner-Group:Read\n"
				  "A:G:GROUP@:r\n");
	free(text);
	/* nothing to list */
	assert_int_equal(stream_of(NULL, true, &text), 0);
	assert_string_equal(text, "# Entries:\n#   None\n");
	free(text);
	empty = daos_acl_create(NULL, 0);
	assert_int_equal(stream_of(empty, false, &text), 0);
	assert_string_equal(text, "# Entries:\n#   None\n");
	free(text);
	daos_acl_free(empty);
	/* a bad ACL is refused before anything is written */
	empty = raw_acl(junk, sizeof(junk));
	assert_int_equal(stream_of(empty, false, &text), -DER_INVAL);
	assert_string_equal(text, "");
	free(text);
	free(empty);
	/* a stream that fails */
	full = fopen("/dev/full", "w");
	if (full != NULL) {
		assert_int_equal(daos_acl_to_stream(full, acl, true), -DER_IO);
		fclose(full);
	}
	assert_int_equal(daos_acl_to_stream(NULL, acl, false), -DER_INVAL);

	/* the dumps */
	text = stdout_of(dump_acl, acl);
	assert_non_null(strstr(text, "Access Control List:\n\tVersion: 1\n\tLength: 104\n"));
	assert_non_null(strstr(text, "\tAccess Control Entry:\n\t\tPrincipal Type: Owner (0)\n"
				     "\t\tPrincipal Length: 0\n"));
	assert_non_null(strstr(text, "\t\tPrincipal Type: User (1)\n\t\tPrincipal Length: 8\n"
				     "\t\tPrincipal Name: \"alice@\"\n"));
	assert_non_null(strstr(text, "\t\tAccess Types:\n\t\t\tAllow (0x1)\n\t\t\tAudit (0x2)\n"));
	assert_non_null(strstr(text, "\t\tFlags:\n\t\t\tAccess Success (0x8)\n"));
	assert_non_null(strstr(text, "\t\tAllow Permissions:\n\t\t\tRead (0x1)\n"
				     "\t\t\tGet Prop (0x10)\n"));
	assert_non_null(strstr(text, "\t\tAlarm Permissions:\n\t\t\tNone\n"));
	assert_non_null(strstr(text, "Principal Type: Owner Group (2)\n"));
	free(text);
	text = stdout_of(dump_acl, NULL);
	assert_string_equal(text, "Access Control List:\n\tNULL\n");
	free(text);
	text = stdout_of(dump_ace, NULL);
	assert_string_equal(text, "\t\tAccess Control Entry:\n\t\t\tNULL\n");
	free(text);
	/* unknown bits are named as such; a crafted ACL dumps without harm */
	ace                   = daos_ace_create(DAOS_ACL_EVERYONE, NULL);
	ace->dae_access_types = 1 << 5;
	ace->dae_allow_perms  = 1ull << 40;
	text                  = stdout_of(dump_ace, ace);
	assert_non_null(strstr(text, "Unknown Access Type (0x20)"));
	assert_non_null(strstr(text, "Unknown Permission (0x10000000000)"));
	free(text);
	daos_ace_free(ace);
	memset(junk, 0xff, sizeof(junk));
	empty = raw_acl(junk, sizeof(junk));
	text  = stdout_of(dump_acl, empty);
	free(text);
	free(empty);
	daos_acl_free(acl);
}

/* Out of memory at every allocation in turn: -DER_NOMEM, nothing changed or leaked. */
static void
test_alloc_failures(void **state)
{
	static const char *strs[] = {"A::OWNER@:rw", "A::alice@:r", "A:G:GROUP@:r"};
	struct daos_acl   *acl;
	struct daos_acl   *before;
	struct daos_ace   *ace;
	char             **out;
	char              *name;
	size_t             nr;
	uint32_t           n;
	int                rc;

	(void)state;
	d_test_fi_setup();
	for (n = 1;; n++) {
		acl = NULL;
		d_test_fail_nth_alloc(n);
		rc = daos_acl_from_strs(strs, ARRAY_SIZE(strs), &acl);
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
		assert_null(acl);
	}
	assert_true(n > 3);
	before = daos_acl_dup(acl);
	ace    = ace_of("A::bob@:w");
	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		rc = daos_acl_add_ace(&acl, ace);
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
		assert_memory_equal(acl, before, daos_acl_get_size(before));
	}
	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		rc = daos_acl_remove_ace(&acl, DAOS_ACL_USER, "bob@");
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
	}
	assert_memory_equal(acl, before, daos_acl_get_size(before));
	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		rc = daos_acl_to_strs(acl, &out, &nr);
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
	}
	while (nr > 0)
		free(out[--nr]);
	free(out);
	for (n = 1;; n++) {
		d_test_fail_nth_alloc(n);
		rc = daos_acl_uid_to_principal(0, &name);
		d_test_fail_nth_alloc(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -DER_NOMEM);
	}
	free(name);
	d_test_fail_nth_alloc(1);
	assert_null(daos_ace_create(DAOS_ACL_OWNER, NULL));
	d_test_fail_nth_alloc(1);
	assert_null(daos_acl_dup(acl));
	d_test_fail_nth_alloc(0);
	d_test_fi_teardown();
	daos_ace_free(ace);
	daos_acl_free(before);
	daos_acl_free(acl);
}

/* What the container service uses: byte checks and the default container ACL. */
static void
test_service_helpers(void **state)
{
	struct daos_acl *acl;
	uint8_t         *buf;
	char             text[256];
	ssize_t          size;

	(void)state;
	acl = dacl_cont_default();
	assert_non_null(acl);
	acl_text(acl, text, sizeof(text));
	assert_string_equal(text, "A::OWNER@:rwdtTaAo\nA:G:GROUP@:rwtT\n");
	size = daos_acl_get_size(acl);
	assert_int_equal(dacl_check_bytes(acl, size), 0);
	assert_int_equal(dacl_check_bytes(acl, size - 8), -DER_INVAL);
	assert_int_equal(dacl_check_bytes(acl, size + 8), -DER_INVAL);
	assert_int_equal(dacl_check_bytes(acl, 4), -DER_INVAL);
	assert_int_equal(dacl_check_bytes(NULL, 0), -DER_INVAL);
	/* unaligned is fine */
	buf = malloc(size + 1);
	memcpy(buf + 1, acl, size);
	assert_int_equal(dacl_check_bytes(buf + 1, size), 0);
	buf[1 + 8 + 1] = 9; /* the first entry's principal type */
	assert_int_equal(dacl_check_bytes(buf + 1, size), -DER_INVAL);
	free(buf);
	daos_acl_free(acl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout),          cmocka_unit_test(test_ace_str_round_trip),
	    cmocka_unit_test(test_ace_str_bad),     cmocka_unit_test(test_verbose),
	    cmocka_unit_test(test_acl_order),       cmocka_unit_test(test_validate_bad),
	    cmocka_unit_test(test_validate_fuzz),   cmocka_unit_test(test_principals),
	    cmocka_unit_test(test_dump_stream),     cmocka_unit_test(test_alloc_failures),
	    cmocka_unit_test(test_service_helpers),
	};

	return cmocka_run_group_tests_name("acl", tests, NULL, NULL);
}
