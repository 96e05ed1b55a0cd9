/*
 * Model-based VOS test: seeded random operations against a brute-force
 * reference. VOS_MODEL_OPS sets how many per seed (default 10000, two seeds;
 * `make test-long` runs 1,000,000); VOS_MODEL_SEED replays a failing seed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vos/vos_model.h"

static void
test_model(void **state)
{
	unsigned int seed = 20240501;
	const char  *env  = getenv("VOS_MODEL_SEED");

	(void)state;
	const char  *ops  = getenv("VOS_MODEL_OPS");
	int          n    = ops != NULL ? atoi(ops) : 10000;

	if (env != NULL)
		seed = (unsigned int)strtoul(env, NULL, 0);
	run_model(seed, n);
	run_model(seed + 1, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests_name("vos_model", tests, NULL, NULL);
}
