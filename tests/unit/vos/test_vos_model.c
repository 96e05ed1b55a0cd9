/* Model-based VOS test: ~20k seeded random operations against a brute-force reference. */
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
	if (env != NULL)
		seed = (unsigned int)strtoul(env, NULL, 0);
	run_model(seed, 10000);
	run_model(seed + 1, 10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests_name("vos_model", tests, NULL, NULL);
}
