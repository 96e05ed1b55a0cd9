/* Long model-based VOS soak: 1M+ seeded random operations against the reference model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vos/vos_model.h"

static void
test_long_model(void **state)
{
	unsigned int seed = 777;
	const char  *env  = getenv("VOS_MODEL_SEED");

	(void)state;
	if (env != NULL)
		seed = (unsigned int)strtoul(env, NULL, 0);
	run_model(seed, 1000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_model),
	};

	return cmocka_run_group_tests_name("vos_long_model", tests, NULL, NULL);
}
