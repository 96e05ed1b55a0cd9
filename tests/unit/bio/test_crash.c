/*
 * Crashes of a committing child (SIGKILL, or a torn WAL write then exit at a
 * random flush); every acknowledged record survives. BIO_CRASH_KILLS sets how
 * many (default 60, so every CI run kills 50+; `make test-long` runs 200).
 */
#include "bio_crash.h"

static void
test_crash_kills(void **state)
{
	const char *env = getenv("BIO_CRASH_KILLS");

	(void)state;
	crash_loop(env != NULL ? atoi(env) : 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_crash_kills)};

	return cmocka_run_group_tests_name("bio_crash", tests, bt_suite_setup, bt_suite_teardown);
}
