/*
 * Allocation-failure helpers for unit tests: fail the nth allocation from
 * now on (fault id 0), once. A test loops n = 1, 2, ... until the call under
 * test succeeds, checking at each n that the failure was clean.
 */
#ifndef D_TEST_FI_H
#define D_TEST_FI_H

#include <gurt/common.h>

static inline void
d_test_fi_setup(void)
{
	d_fault_inject_init();
	d_fault_inject_enable();
}

static inline void
d_test_fi_teardown(void)
{
	d_fault_inject_disable();
	d_fault_inject_fini();
}

/* Fail the nth allocation from now, once. n = 0 disarms. */
static inline void
d_test_fail_nth_alloc(uint32_t n)
{
	struct d_fault_attr_t fa = {0};

	fa.fa_id            = 0;
	fa.fa_interval      = n;
	fa.fa_max_faults    = 1;
	fa.fa_probability_x = n > 0 ? 1 : 0;
	fa.fa_probability_y = 1;
	d_fault_attr_set(0, fa);
}

#endif
