/* Environment readers: values, absence, bad numbers, truncation, thread safety. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gurt/common.h>

static void
test_str(void **state)
{
	char  buf[8];
	char *s;

	(void)state;
	assert_int_equal(d_setenv("T_STR", "hello", 1), 0);
	assert_true(d_isenv_def("T_STR"));
	assert_int_equal(d_getenv_str(buf, sizeof(buf), "T_STR"), 0);
	assert_string_equal(buf, "hello");
	assert_int_equal(d_setenv("T_STR", "much too long", 1), 0);
	assert_int_equal(d_getenv_str(buf, sizeof(buf), "T_STR"), -DER_TRUNC);
	assert_string_equal(buf, "much to");
	assert_int_equal(d_agetenv_str(&s, "T_STR"), 0);
	assert_string_equal(s, "much too long");
	d_freeenv_str(&s);
	assert_null(s);
	assert_int_equal(d_unsetenv("T_STR"), 0);
	assert_false(d_isenv_def("T_STR"));
	assert_int_equal(d_getenv_str(buf, sizeof(buf), "T_STR"), -DER_NONEXIST);
	assert_int_equal(d_agetenv_str(&s, "T_STR"), -DER_NONEXIST);
	assert_null(s);
	assert_int_equal(d_getenv_str(NULL, 4, "T_STR"), -DER_INVAL);
	assert_int_equal(d_setenv("BAD=NAME", "x", 1), -DER_INVAL);
}

static void
test_bool_char(void **state)
{
	bool b = false;
	char c = 0;

	(void)state;
	d_setenv("T_B", "1", 1);
	assert_int_equal(d_getenv_bool("T_B", &b), 0);
	assert_true(b);
	d_setenv("T_B", "0", 1);
	assert_int_equal(d_getenv_bool("T_B", &b), 0);
	assert_false(b);
	d_setenv("T_B", "yes", 1);
	assert_int_equal(d_getenv_bool("T_B", &b), 0);
	assert_true(b);
	d_unsetenv("T_B");
	b = true;
	assert_int_equal(d_getenv_bool("T_B", &b), -DER_NONEXIST);
	assert_true(b); /* untouched when unset */

	d_setenv("T_C", "x", 1);
	assert_int_equal(d_getenv_char("T_C", &c), 0);
	assert_int_equal(c, 'x');
	d_setenv("T_C", "xy", 1);
	assert_int_equal(d_getenv_char("T_C", &c), -DER_INVAL);
	d_unsetenv("T_C");
	assert_int_equal(d_getenv_char("T_C", &c), -DER_NONEXIST);
}

static void
test_numbers(void **state)
{
	unsigned int u   = 0;
	uint32_t     u32 = 0;
	uint64_t     u64 = 0;

	(void)state;
	d_setenv("T_N", "42", 1);
	assert_int_equal(d_getenv_uint("T_N", &u), 0);
	assert_int_equal(u, 42);
	d_setenv("T_N", "0x10", 1);
	assert_int_equal(d_getenv_uint32_t("T_N", &u32), 0);
	assert_int_equal(u32, 16);
	d_setenv("T_N", "18446744073709551615", 1);
	assert_int_equal(d_getenv_uint64_t("T_N", &u64), 0);
	assert_true(u64 == UINT64_MAX);
	assert_int_equal(d_getenv_uint32_t("T_N", &u32), -DER_INVAL); /* too big */
	d_setenv("T_N", "-1", 1);
	assert_int_equal(d_getenv_uint("T_N", &u), -DER_INVAL);
	d_setenv("T_N", "12abc", 1);
	assert_int_equal(d_getenv_uint64_t("T_N", &u64), -DER_INVAL);
	d_setenv("T_N", "", 1);
	assert_int_equal(d_getenv_uint("T_N", &u), -DER_INVAL);
	d_unsetenv("T_N");
	assert_int_equal(d_getenv_uint("T_N", &u), -DER_NONEXIST);
	assert_int_equal(d_getenv_uint(NULL, &u), -DER_INVAL);
}

static void *
env_writer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 2000; i++)
		d_setenv("T_RACE", (i & 1) ? "1111111111" : "2", 1);
	return NULL;
}

/* Readers racing a writer never see a torn value (the lock makes this hold). */
static void
test_concurrent(void **state)
{
	pthread_t th;
	char      buf[32];
	int       i;

	(void)state;
	d_setenv("T_RACE", "2", 1);
	pthread_create(&th, NULL, env_writer, NULL);
	for (i = 0; i < 2000; i++) {
		assert_int_equal(d_getenv_str(buf, sizeof(buf), "T_RACE"), 0);
		assert_true(strcmp(buf, "2") == 0 || strcmp(buf, "1111111111") == 0);
	}
	pthread_join(th, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_str),
	    cmocka_unit_test(test_bool_char),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_concurrent),
	};

	return cmocka_run_group_tests_name("gurt_env", tests, NULL, NULL);
}
