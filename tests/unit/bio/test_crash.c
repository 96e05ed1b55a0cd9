/* test_crash.c - 10 crashes of a committing child (SIGKILL, or a torn WAL
 * write then exit at a random flush); every acknowledged record survives. */
#include "bio_crash.h"

static void
test_crash_kills(void **state)
{
	(void)state;
	crash_loop(10);
}

static int
setup(void **state)
{
	(void)state;
	d_fault_inject_init();
	d_fault_inject_enable();
	bt_mkdir(getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	bt_rmdir();
	d_fault_inject_fini();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_crash_kills)};

	return cmocka_run_group_tests_name("bio_crash", tests, setup, teardown);
}
