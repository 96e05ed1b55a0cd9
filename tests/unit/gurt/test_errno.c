/* Error table: numbers as DAOS's, names unique and round-tripping, sane unknowns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gurt/common.h>

static void
test_known_numbers(void **state)
{
	(void)state;
	/* Spot checks against DAOS's numbering; a shifted table breaks all of them. */
	assert_int_equal(DER_NO_PERM, 1001);
	assert_int_equal(DER_INVAL, 1003);
	assert_int_equal(DER_NONEXIST, 1005);
	assert_int_equal(DER_ALREADY, 1008);
	assert_int_equal(DER_NOMEM, 1009);
	assert_int_equal(DER_TIMEDOUT, 1011);
	assert_int_equal(DER_BUSY, 1012);
	assert_int_equal(DER_MISC, 1025);
	assert_int_equal(DER_QUOTA_LIMIT, 1046);
	assert_int_equal(DER_IO, 2001);
	assert_int_equal(DER_NOSPACE, 1007);
	assert_int_equal(DER_CSUM, 2021);
	assert_int_equal(DER_TX_RESTART, 2025);
	assert_int_equal(DER_NOTSUPPORTED, 2037);
	assert_int_equal(DER_IGNORE, 2052);
	assert_int_equal(DER_UNKNOWN, 501000);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(d_errstr(-DER_NONEXIST), "DER_NONEXIST");
	assert_string_equal(d_errstr(DER_NONEXIST), "DER_NONEXIST");
	assert_string_equal(d_errstr(0), "DER_SUCCESS");
	assert_string_equal(d_errstr(-DER_IO), "DER_IO");
	assert_string_equal(d_errstr(-DER_IGNORE), "DER_IGNORE");
	assert_string_equal(d_errstr(-DER_QUOTA_LIMIT), "DER_QUOTA_LIMIT");
}

static void
test_unknown(void **state)
{
	(void)state;
	assert_string_equal(d_errstr(-1), "DER_UNKNOWN");
	assert_string_equal(d_errstr(-999999), "DER_UNKNOWN");
	assert_string_equal(d_errstr(INT_MIN + 1), "DER_UNKNOWN");
	assert_string_equal(d_errstr(-DER_ERR_GURT_BASE), "DER_UNKNOWN");
	assert_string_equal(d_errstr(-(DER_QUOTA_LIMIT + 1)), "DER_UNKNOWN");
	assert_non_null(strstr(d_errdesc(-4242), "4242"));
	assert_string_equal(d_errdesc(-DER_NONEXIST), "The specified entity does not exist");
}

/* Every code in both ranges has a unique name of the form DER_* and a description. */
#define CHECK_ONE(name, desc) check_one(name, #name);

static const char *seen[256];
static int         nseen;

static void
check_one(int code, const char *name)
{
	int i;

	assert_string_equal(d_errstr(-code), name);
	assert_true(strlen(d_errdesc(-code)) > 0);
	assert_null(strstr(d_errdesc(-code), "Unknown error code"));
	for (i = 0; i < nseen; i++)
		assert_string_not_equal(seen[i], name);
	seen[nseen++] = name;
}

static void
test_table_unique(void **state)
{
	(void)state;
	nseen = 0;
	D_FOREACH_GURT_ERR(CHECK_ONE)
	D_FOREACH_DAOS_ERR(CHECK_ONE)
	assert_int_equal(nseen, (DER_QUOTA_LIMIT - 1000) + (DER_IGNORE - 2000));
}

static void
test_errno_mapping(void **state)
{
	(void)state;
	assert_int_equal(d_errno2der(0), 0);
	assert_int_equal(d_errno2der(ENOENT), -DER_NONEXIST);
	assert_int_equal(d_errno2der(EPERM), -DER_NO_PERM);
	assert_int_equal(d_errno2der(EACCES), -DER_NO_PERM);
	assert_int_equal(d_errno2der(ENOMEM), -DER_NOMEM);
	assert_int_equal(d_errno2der(ENOSPC), -DER_NOSPACE);
	assert_int_equal(d_errno2der(EDQUOT), -DER_NOSPACE);
	assert_int_equal(d_errno2der(EEXIST), -DER_EXIST);
	assert_int_equal(d_errno2der(EBUSY), -DER_BUSY);
	assert_int_equal(d_errno2der(ECANCELED), -DER_CANCELED);
	assert_int_equal(d_errno2der(EXDEV), -DER_MISC);

	assert_int_equal(d_der2errno(0), 0);
	assert_int_equal(d_der2errno(-DER_NONEXIST), ENOENT);
	assert_int_equal(d_der2errno(DER_NONEXIST), ENOENT);
	assert_int_equal(d_der2errno(-DER_EXIST), EEXIST);
	assert_int_equal(d_der2errno(-DER_NOSPACE), ENOSPC);
	assert_int_equal(d_der2errno(-DER_INVAL), EINVAL);
	assert_int_equal(d_der2errno(-DER_NO_PERM), EPERM);
	assert_int_equal(d_der2errno(-DER_NOMEM), ENOMEM);
	assert_int_equal(d_der2errno(-DER_TIMEDOUT), ETIMEDOUT);
	assert_int_equal(d_der2errno(-DER_CSUM), EIO);
	assert_int_equal(d_der2errno(-DER_NOTDIR), ENOTDIR);
	assert_int_equal(d_der2errno(-123456), EIO);
	/* Round trip for the errnos DAOS maps one to one. */
	assert_int_equal(d_der2errno(d_errno2der(ENOENT)), ENOENT);
	assert_int_equal(d_der2errno(d_errno2der(EEXIST)), EEXIST);
	assert_int_equal(d_der2errno(d_errno2der(EBUSY)), EBUSY);
}

static void
test_df_rc(void **state)
{
	char buf[128];

	(void)state;
	snprintf(buf, sizeof(buf), DF_RC, DP_RC(-DER_BUSY));
	assert_string_equal(buf, "DER_BUSY(-1012): 'Device or resource busy'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_numbers), cmocka_unit_test(test_names),
	    cmocka_unit_test(test_unknown),       cmocka_unit_test(test_table_unique),
	    cmocka_unit_test(test_errno_mapping), cmocka_unit_test(test_df_rc),
	};

	return cmocka_run_group_tests_name("gurt_errno", tests, NULL, NULL);
}
