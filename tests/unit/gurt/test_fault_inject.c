/* Fault injection: firing rules, arming from YAML and D_FI_SPEC, names, threads, D_ALLOC. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gurt/common.h>
#include "d_test_fi.h"

static int
count_fires(struct d_fault_attr_t *fa, int hits)
{
	int n = 0;
	int i;

	for (i = 0; i < hits; i++)
		n += D_SHOULD_FAIL(fa);
	return n;
}

static void
arm(uint32_t id, uint32_t x, uint32_t y, uint32_t interval, uint64_t max)
{
	struct d_fault_attr_t fa = {0};

	fa.fa_probability_x = x;
	fa.fa_probability_y = y;
	fa.fa_interval      = interval;
	fa.fa_max_faults    = max;
	fa.fa_err_code      = -DER_IO;
	fa.fa_argument      = "arg";
	assert_int_equal(d_fault_attr_set(id, fa), 0);
}

static void
test_rules(void **state)
{
	struct d_fault_attr_t *fa;

	(void)state;
	unsetenv("D_FI_CONFIG");
	unsetenv("D_FI_SPEC");
	assert_int_equal(d_fault_inject_init(), 0);
	assert_false(d_fault_inject_is_enabled()); /* nothing configured */
	assert_non_null(d_fault_attr_mem);
	assert_null(d_fault_attr_lookup(300));

	arm(300, 1, 1, 1, 0);
	fa = d_fault_attr_lookup(300);
	assert_non_null(fa);
	assert_int_equal(count_fires(fa, 10), 0); /* disabled: never fires */
	assert_int_equal(d_fault_inject_enable(), 0);
	assert_int_equal(count_fires(fa, 10), 10);
	assert_int_equal(d_fault_attr_err_code(300), -DER_IO);
	assert_string_equal(fa->fa_argument, "arg");

	arm(300, 1, 1, 4, 0); /* every 4th hit */
	assert_int_equal(count_fires(fa, 20), 5);
	arm(300, 1, 1, 3, 2); /* every 3rd, at most twice */
	assert_int_equal(count_fires(fa, 30), 2);
	arm(300, 0, 1, 1, 0); /* x = 0 disarms */
	assert_int_equal(count_fires(fa, 10), 0);
	arm(300, 1, 4, 1, 0); /* about a quarter */
	{
		int n = count_fires(fa, 4000);

		assert_true(n > 800 && n < 1200);
	}
	arm(300, 1, 0, 1, 0); /* y = 0: always */
	assert_int_equal(count_fires(fa, 5), 5);
	assert_int_equal(d_fault_attr_err_code(12345), 0);
	assert_false(d_should_fail(NULL));
	d_fault_inject_disable();
	assert_int_equal(d_fault_inject_fini(), 0);
	assert_null(d_fault_attr_mem);
	assert_int_equal(d_fault_inject_enable(), -DER_UNINIT);
}

static char cfg_path[] = "/tmp/gurt_test_fi.XXXXXX";

static void
write_cfg(const char *text)
{
	int fd = mkstemp(cfg_path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	setenv("D_FI_CONFIG", cfg_path, 1);
}

static void
drop_cfg(void)
{
	unlink(cfg_path);
	strcpy(cfg_path, "/tmp/gurt_test_fi.XXXXXX");
	unsetenv("D_FI_CONFIG");
}

static void
test_yaml(void **state)
{
	struct d_fault_attr_t *fa;
	uint32_t               id;

	(void)state;
	write_cfg("seed: 7\n"
		  "thread_default: true\n"
		  "fault_config:\n"
		  "  - id: 301\n"
		  "    probability_x: 1\n"
		  "    probability_y: 1\n"
		  "    interval: 2\n"
		  "    max_faults: 3\n"
		  "    err_code: -1003\n"
		  "    argument: hello\n"
		  "  - name: wal_flush\n"
		  "    interval: 5\n");
	assert_int_equal(d_fault_inject_init(), 0);
	assert_true(d_fault_inject_is_enabled());
	assert_int_equal(d_fault_config_file, 1);
	fa = d_fault_attr_lookup(301);
	assert_non_null(fa);
	assert_int_equal(fa->fa_interval, 2);
	assert_int_equal(fa->fa_max_faults, 3);
	assert_int_equal(fa->fa_err_code, -DER_INVAL);
	assert_string_equal(fa->fa_argument, "hello");
	assert_int_equal(count_fires(fa, 100), 3);

	/* The named entry waits for its point to register, then applies. */
	assert_int_equal(d_fault_id_by_name("wal_flush", &id), -DER_NONEXIST);
	assert_null(d_fault_attr_lookup(302));
	assert_int_equal(d_fault_id_register(302, "wal_flush"), 0);
	assert_int_equal(d_fault_id_register(302, "wal_flush"), 0);
	assert_int_equal(d_fault_id_register(303, "wal_flush"), -DER_EXIST);
	assert_int_equal(d_fault_id_by_name("wal_flush", &id), 0);
	assert_int_equal(id, 302);
	fa = d_fault_attr_lookup(302);
	assert_non_null(fa);
	assert_int_equal(count_fires(fa, 10), 2);
	d_fault_inject_fini();
	drop_cfg();
}

static void
test_bad_config(void **state)
{
	static const char *const bad[] = {
	    "fault_config:\n  - id: 1\n    interval: many\n",
	    "fault_config:\n  - probability_x: 1\n",
	    "fault_config:\n  - id: -4\n",
	    "fault_config: [\n",
	    "surprise: 1\n",
	    "seed: x\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		write_cfg(bad[i]);
		assert_int_equal(d_fault_inject_init(), -DER_INVAL);
		assert_false(d_fault_inject_is_enabled());
		drop_cfg();
	}
	setenv("D_FI_CONFIG", "/no/such/file.yaml", 1);
	assert_int_equal(d_fault_inject_init(), -DER_NONEXIST);
	unsetenv("D_FI_CONFIG");

	setenv("D_FI_SPEC", "1:interval", 1);
	assert_int_equal(d_fault_inject_init(), -DER_INVAL);
	setenv("D_FI_SPEC", "1:prob=2", 1);
	assert_int_equal(d_fault_inject_init(), -DER_INVAL);
	setenv("D_FI_SPEC", "1:color=red", 1);
	assert_int_equal(d_fault_inject_init(), -DER_INVAL);
	setenv("D_FI_SPEC", ":max=1", 1);
	assert_int_equal(d_fault_inject_init(), -DER_INVAL);
	unsetenv("D_FI_SPEC");
}

static void
test_spec(void **state)
{
	struct d_fault_attr_t *fa;

	(void)state;
	setenv("D_FI_SPEC", "310:interval=3,max=2,err=-1005,arg=xyz;311:prob=1/2", 1);
	assert_int_equal(d_fault_inject_init(), 0);
	assert_true(d_fault_inject_is_enabled());
	fa = d_fault_attr_lookup(310);
	assert_non_null(fa);
	assert_int_equal(fa->fa_err_code, -DER_NONEXIST);
	assert_string_equal(fa->fa_argument, "xyz");
	assert_int_equal(count_fires(fa, 30), 2);
	fa = d_fault_attr_lookup(311);
	assert_int_equal(fa->fa_probability_x, 1);
	assert_int_equal(fa->fa_probability_y, 2);
	d_fault_inject_fini();
	unsetenv("D_FI_SPEC");
}

static void *
other_thread(void *arg)
{
	struct d_fault_attr_t *fa = arg;

	return (void *)(intptr_t)count_fires(fa, 10);
}

static void
test_threads(void **state)
{
	struct d_fault_attr_t *fa;
	pthread_t              th;
	void                  *ret;

	(void)state;
	d_test_fi_setup();
	arm(320, 1, 1, 1, 0);
	fa = d_fault_attr_lookup(320);
	d_fault_inject_thread_enable(false);
	assert_int_equal(count_fires(fa, 10), 0);
	pthread_create(&th, NULL, other_thread, fa); /* other threads follow the default */
	pthread_join(th, &ret);
	assert_int_equal((intptr_t)ret, 10);
	d_fault_inject_thread_default_enable(false);
	pthread_create(&th, NULL, other_thread, fa);
	pthread_join(th, &ret);
	assert_int_equal((intptr_t)ret, 0);
	d_fault_inject_thread_default_enable(true);
	d_fault_inject_thread_enable(true);
	assert_int_equal(count_fires(fa, 10), 10);
	d_test_fi_teardown();
}

static void
test_alloc_fault(void **state)
{
	char *p;
	int   i;
	int   failed = 0;

	(void)state;
	d_test_fi_setup();
	d_test_fail_nth_alloc(3);
	for (i = 0; i < 5; i++) {
		D_ALLOC(p, 16);
		if (p == NULL) {
			failed++;
			assert_int_equal(i, 2);
		}
		D_FREE(p);
	}
	assert_int_equal(failed, 1);
	d_test_fi_teardown();
	/* After fini D_ALLOC works whatever was armed. */
	D_ALLOC(p, 16);
	assert_non_null(p);
	D_FREE(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rules),   cmocka_unit_test(test_yaml),
	    cmocka_unit_test(test_bad_config), cmocka_unit_test(test_spec),
	    cmocka_unit_test(test_threads), cmocka_unit_test(test_alloc_fault),
	};

	return cmocka_run_group_tests_name("gurt_fault_inject", tests, NULL, NULL);
}
