/* Logging: masks, facilities, debug streams, files, and silence when disabled. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gurt/common.h>

static char log_path[] = "/tmp/gurt_test_log.XXXXXX";

static int
evaluations;

static int
count_eval(void)
{
	return ++evaluations;
}

/* Read the whole log file. */
static char *
slurp(void)
{
	static char buf[65536];
	FILE       *f = fopen(log_path, "r");
	size_t      n;

	assert_non_null(f);
	n      = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int
setup(void **state)
{
	int fd = mkstemp(log_path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	setenv("D_LOG_FILE", log_path, 1);
	setenv("D_LOG_TRUNCATE", "1", 1);
	unsetenv("D_LOG_MASK");
	unsetenv("DD_SUBSYS");
	unsetenv("DD_MASK");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(log_path);
	return 0;
}

static void
test_default_mask(void **state)
{
	(void)state;
	assert_int_equal(d_log_init(), 0);
	D_ERROR("an error %d\n", 42);
	D_INFO("not shown\n");
	D_DEBUG(DB_IO, "not shown either\n");
	d_log_sync();
	assert_non_null(strstr(slurp(), "an error 42"));
	assert_non_null(strstr(slurp(), "ERR"));
	assert_non_null(strstr(slurp(), "test_log.c"));
	assert_null(strstr(slurp(), "not shown"));
	d_log_fini();
}

static void
test_disabled_is_not_evaluated(void **state)
{
	(void)state;
	assert_int_equal(d_log_init(), 0);
	evaluations = 0;
	D_DEBUG(DB_TRACE, "%d\n", count_eval());
	D_INFO("%d\n", count_eval());
	assert_int_equal(evaluations, 0);
	D_ERROR("%d\n", count_eval());
	assert_int_equal(evaluations, 1);
	assert_false(D_LOG_ENABLED(DB_MEM));
	assert_true(D_LOG_ENABLED(DLOG_ERR));
	d_log_fini();
}

static void
test_mask_env(void **state)
{
	(void)state;
	setenv("D_LOG_MASK", "INFO", 1);
	assert_int_equal(d_log_init(), 0);
	D_INFO("info line\n");
	D_DEBUG(DB_IO, "debug line\n");
	d_log_sync();
	assert_non_null(strstr(slurp(), "info line"));
	assert_null(strstr(slurp(), "debug line"));
	d_log_fini();

	setenv("D_LOG_MASK", "DEBUG", 1);
	setenv("DD_MASK", "io", 1);
	assert_int_equal(d_log_init(), 0);
	D_DEBUG(DB_IO, "io stream\n");
	D_DEBUG(DB_MEM, "mem stream\n");
	d_log_sync();
	assert_non_null(strstr(slurp(), "io stream"));
	assert_null(strstr(slurp(), "mem stream"));
	d_log_fini();
	unsetenv("DD_MASK");
	unsetenv("D_LOG_MASK");
}

/* A facility of our own, selected per facility in D_LOG_MASK and DD_SUBSYS. */
static int d_vost_logfac;

static void
test_facilities(void **state)
{
	char masks[256];

	(void)state;
	setenv("D_LOG_MASK", "ERR,vost=DEBUG", 1);
	assert_int_equal(d_init_log_facility(&d_vost_logfac, "vost", "vos test"), 0);
	assert_true(d_vost_logfac > 0);
	assert_int_equal(d_log_allocfacility("vost", NULL), d_vost_logfac); /* same name, same id */
	assert_int_equal(d_log_init(), 0);
#undef D_LOGFAC
#define D_LOGFAC d_vost_logfac
	D_DEBUG(DB_TRACE, "vost debug\n");
#undef D_LOGFAC
#define D_LOGFAC DD_FAC(misc)
	D_DEBUG(DB_TRACE, "misc debug\n");
	d_log_sync();
	assert_non_null(strstr(slurp(), "vost debug"));
	assert_null(strstr(slurp(), "misc debug"));
	assert_true(d_log_getmasks(masks, 0, sizeof(masks), 0) > 0);
	assert_non_null(strstr(masks, "vost=DBUG"));
	assert_non_null(strstr(masks, "misc=ERR"));
	d_log_fini();

	/* DD_SUBSYS limits debug output to the facilities it names. */
	setenv("D_LOG_MASK", "DEBUG", 1);
	setenv("DD_SUBSYS", "misc", 1);
	assert_int_equal(d_log_init(), 0);
#undef D_LOGFAC
#define D_LOGFAC d_vost_logfac
	D_DEBUG(DB_TRACE, "vost hidden\n");
	D_ERROR("vost error still shown\n");
#undef D_LOGFAC
#define D_LOGFAC DD_FAC(misc)
	D_DEBUG(DB_TRACE, "misc shown\n");
	d_log_sync();
	assert_null(strstr(slurp(), "vost hidden"));
	assert_non_null(strstr(slurp(), "vost error still shown"));
	assert_non_null(strstr(slurp(), "misc shown"));
	d_log_fini();
	unsetenv("DD_SUBSYS");
	unsetenv("D_LOG_MASK");
}

static void
test_setmasks(void **state)
{
	(void)state;
	assert_int_equal(d_log_init(), 0);
	assert_int_equal(d_log_setmasks("WARN", -1), 0);
	assert_true(D_LOG_ENABLED(DLOG_WARN));
	assert_false(D_LOG_ENABLED(DLOG_INFO));
	assert_int_equal(d_log_setmasks("bogus", -1), -DER_INVAL);
	assert_int_equal(d_log_setmasks("nofac=DEBUG", -1), -DER_INVAL);
	assert_int_equal(d_log_setmasks("ERR", 3), 0);
	assert_false(D_LOG_ENABLED(DLOG_WARN));
	assert_int_equal(d_log_setlogmask(0, DLOG_INFO), DLOG_ERR);
	assert_true(D_LOG_ENABLED(DLOG_INFO));
	d_log_fini();
}

static void
test_refcount_and_dbg_bits(void **state)
{
	d_dbug_t bit = 0;
	d_dbug_t again = 0;

	(void)state;
	assert_int_equal(d_log_init(), 0);
	assert_int_equal(d_log_init(), 0);
	d_log_fini();
	D_ERROR("still open after one fini\n");
	d_log_sync();
	assert_non_null(strstr(slurp(), "still open after one fini"));
	d_log_fini();

	assert_int_equal(d_log_dbg_bit_alloc(&bit, "mybit", "my bit"), 0);
	assert_true(bit != 0 && (bit & DB_ALL) == bit);
	assert_int_equal(d_log_dbg_bit_alloc(&again, "mybit", NULL), 0);
	assert_true(again == bit);
	assert_int_equal(d_log_dbg_grp_alloc(DB_IO | DB_NET, "iogrp", 0), 0);
	setenv("D_LOG_MASK", "DEBUG", 1);
	setenv("DD_MASK", "iogrp", 1);
	assert_int_equal(d_log_init(), 0);
	assert_true(D_LOG_ENABLED(DB_NET));
	assert_false(D_LOG_ENABLED(DB_MEM));
	assert_false(D_LOG_ENABLED(bit));
	d_log_fini();
	assert_int_equal(d_log_dbg_grp_dealloc("iogrp"), 0);
	assert_int_equal(d_log_dbg_bit_dealloc("mybit"), 0);
	assert_int_equal(d_log_dbg_bit_dealloc("mybit"), -DER_NONEXIST);
	unsetenv("DD_MASK");
	unsetenv("D_LOG_MASK");
}

static void
test_helpers_format(void **state)
{
	(void)state;
	assert_int_equal(d_log_init(), 0);
	DL_ERROR(-DER_NONEXIST, "lookup of %s", "x");
	DS_ERROR(ENOENT, "open");
	D_TRACE_ERROR((void *)0x1234, "traced\n");
	d_log_sync();
	assert_non_null(strstr(slurp(), "lookup of x: DER_NONEXIST(-1005)"));
	assert_non_null(strstr(slurp(), "open: 2 (No such file or directory)"));
	assert_non_null(strstr(slurp(), "(0x1234) traced"));
	d_log_fini();
}

static void
test_bad_log_file(void **state)
{
	(void)state;
	setenv("D_LOG_FILE", "/nonexistent-dir/x.log", 1);
	assert_int_equal(d_log_init(), 0); /* falls back to stderr, says so */
	D_ERROR("to stderr\n");
	d_log_fini();
	setenv("D_LOG_FILE", log_path, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_mask),   cmocka_unit_test(test_disabled_is_not_evaluated),
	    cmocka_unit_test(test_mask_env),       cmocka_unit_test(test_facilities),
	    cmocka_unit_test(test_setmasks),       cmocka_unit_test(test_refcount_and_dbg_bits),
	    cmocka_unit_test(test_helpers_format), cmocka_unit_test(test_bad_log_file),
	};

	return cmocka_run_group_tests_name("gurt_log", tests, setup, teardown);
}
