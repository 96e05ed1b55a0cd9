/*
 * Command-line helpers: DAOS size syntax (good and bad), dmg's size rendering,
 * JSON output compared byte for byte (escapes, layout, misuse), table layout,
 * progress bar on a pseudo-terminal and on a pipe, ADDR[:PORT].
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pty.h>
#include <math.h>

#include "common/cli.h"

/* Everything written to a memory stream, NUL-terminated; free() it. */
struct memout {
	FILE  *fp;
	char  *buf;
	size_t len;
};

static void
memout_open(struct memout *m)
{
	m->buf = NULL;
	m->len = 0;
	m->fp  = open_memstream(&m->buf, &m->len);
	assert_non_null(m->fp);
}

static char *
memout_close(struct memout *m)
{
	fclose(m->fp);
	return m->buf;
}

static void
test_parse_size_good(void **state)
{
	static const struct {
		const char *in;
		uint64_t    bytes;
	} cases[] = {
	    {"0", 0},
	    {"1058577", 1058577},
	    {"10MB", 10000000},
	    {"10mb", 10000000},
	    {"10 MB", 10000000},
	    {"  10  MB  ", 10000000},
	    {"1K", 1000},
	    {"1k", 1000},
	    {"1kb", 1000},
	    {"1KiB", 1024},
	    {"1ki", 1024},
	    {"1B", 1},
	    {"1.5TB", 1500000000000ULL},
	    {"1.5 TiB", 1649267441664ULL},
	    {"4.5PB", 4500000000000000ULL},
	    {"4PiB", 4ULL << 50},
	    {"2G", 2000000000ULL},
	    {"2GiB", 2ULL << 30},
	    {"3MiB", 3ULL << 20},
	    {".5G", 500000000ULL},
	    {"2.", 2},
	    {"1.9", 1},                /* fractions of a byte are truncated */
	    {"0.1GB", 100000000ULL},   /* exact, no binary floating point rounding */
	    {"0 EiB", 0},
	    {"18446744073709551615", UINT64_MAX},
	    {"15EiB", 15ULL << 60},
	    {"18.4EB", 18400000000000000000ULL},
	    {"1.00000000000000000000000001K", 1000},
	};
	uint64_t b;
	bool     pct;
	size_t   i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		b   = 12345;
		pct = true;
		if (dcli_parse_size(cases[i].in, &b, &pct) != 0)
			fail_msg("\"%s\" refused", cases[i].in);
		if (b != cases[i].bytes || pct)
			fail_msg("\"%s\" -> %" PRIu64 " (want %" PRIu64 ")", cases[i].in, b,
				 cases[i].bytes);
	}
	assert_int_equal(dcli_parse_size("50%", &b, &pct), 0);
	assert_true(pct);
	assert_int_equal(b, 50);
	assert_int_equal(dcli_parse_size(" 100 % ", &b, &pct), 0);
	assert_true(pct);
	assert_int_equal(b, 100);
	assert_int_equal(dcli_parse_size("1%", &b, &pct), 0);
	assert_int_equal(b, 1);
	/* A size where no percentage is expected: percent may be NULL. */
	assert_int_equal(dcli_parse_size("1GB", &b, NULL), 0);
	assert_int_equal(b, 1000000000ULL);
}

static void
test_parse_size_bad(void **state)
{
	static const char *const bad[] = {
	    "", "   ", "horse", "-438 TB", "-1", "+1", "1.5.5", ".", "K", "1KBB", "1 K B", "1e3",
	    "1X", "1,000", "0x10", "10 MB junk", "18446744073709551616", "16EiB", "18.5EB",
	    "99999999999999999999", "0%", "101%", "-5%", "50.5%", "%", "abc%", "1000%",
	    "5 0%", "1GB%",
	};
	uint64_t b = 7;
	bool     pct = false;
	size_t   i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (dcli_parse_size(bad[i], &b, &pct) != -DER_INVAL)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(b, 7);
	}
	assert_int_equal(dcli_parse_size("50%", &b, NULL), -DER_INVAL);
	assert_int_equal(dcli_parse_size(NULL, &b, &pct), -DER_INVAL);
	assert_int_equal(dcli_parse_size("1", NULL, &pct), -DER_INVAL);
}

static void
test_format_size(void **state)
{
	static const struct {
		uint64_t    bytes;
		const char *dec;
		const char *bin;
	} cases[] = {
	    {0, "0 B", "0 B"},
	    {9, "9 B", "9 B"},
	    {10, "10 B", "10 B"},
	    {999, "999 B", "999 B"},
	    {1000, "1.0 kB", "1000 B"},
	    {1024, "1.0 kB", "1.0 KiB"},
	    {1058577, "1.1 MB", "1.0 MiB"},
	    {10000000, "10 MB", "9.5 MiB"},
	    {64000000, "64 MB", "61 MiB"},
	    {10500, "10 kB", "10 KiB"},  /* 10.5: an exact half rounds to even */
	    {11500, "12 kB", "11 KiB"},
	    {9960, "10 kB", "9.7 KiB"},  /* rounded to tenths first: 9.96 -> 10.0 */
	    {999999, "1000 kB", "977 KiB"},
	    {1000000000000ULL, "1.0 TB", "931 GiB"},
	    {1ULL << 40, "1.1 TB", "1.0 TiB"},
	    {4ULL << 50, "4.5 PB", "4.0 PiB"},
	    {UINT64_MAX, "18 EB", "16 EiB"},
	};
	char   buf[DCLI_SIZE_STRLEN];
	char   tiny[4];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_string_equal(dcli_format_size(cases[i].bytes, buf, sizeof(buf)),
				    cases[i].dec);
		assert_string_equal(dcli_format_isize(cases[i].bytes, buf, sizeof(buf)),
				    cases[i].bin);
	}
	assert_string_equal(dcli_format_size(1000000000000ULL, tiny, sizeof(tiny)), "1.0");
}

static void
test_json_structure(void **state)
{
	static const char expect[] = "{\n"
				     "  \"response\": {\n"
				     "    \"members\": [\n"
				     "      {\n"
				     "        \"addr\": \"127.0.0.1:10001\",\n"
				     "        \"rank\": 0,\n"
				     "        \"up\": true\n"
				     "      },\n"
				     "      {\n"
				     "        \"addr\": null,\n"
				     "        \"rank\": 18446744073709551615,\n"
				     "        \"up\": false\n"
				     "      }\n"
				     "    ],\n"
				     "    \"empty_list\": [],\n"
				     "    \"empty_obj\": {},\n"
				     "    \"nums\": [\n"
				     "      -9223372036854775808,\n"
				     "      0.1,\n"
				     "      1.5,\n"
				     "      -2,\n"
				     "      1e+100,\n"
				     "      null,\n"
				     "      null\n"
				     "    ]\n"
				     "  },\n"
				     "  \"error\": null,\n"
				     "  \"status\": 0\n"
				     "}\n";
	struct memout    m;
	struct dcli_json j;
	char            *out;

	(void)state;
	memout_open(&m);
	dcli_json_init(&j, m.fp);
	dcli_json_obj_begin(&j);
	dcli_json_key(&j, "response");
	dcli_json_obj_begin(&j);
	dcli_json_key(&j, "members");
	dcli_json_arr_begin(&j);
	dcli_json_obj_begin(&j);
	dcli_json_kstr(&j, "addr", "127.0.0.1:10001");
	dcli_json_kuint(&j, "rank", 0);
	dcli_json_kbool(&j, "up", true);
	dcli_json_obj_end(&j);
	dcli_json_obj_begin(&j);
	dcli_json_kstr(&j, "addr", NULL);
	dcli_json_kuint(&j, "rank", UINT64_MAX);
	dcli_json_kbool(&j, "up", false);
	dcli_json_obj_end(&j);
	dcli_json_arr_end(&j);
	dcli_json_key(&j, "empty_list");
	dcli_json_arr_begin(&j);
	dcli_json_arr_end(&j);
	dcli_json_key(&j, "empty_obj");
	dcli_json_obj_begin(&j);
	dcli_json_obj_end(&j);
	dcli_json_key(&j, "nums");
	dcli_json_arr_begin(&j);
	dcli_json_int(&j, INT64_MIN);
	dcli_json_double(&j, 0.1);
	dcli_json_double(&j, 1.5);
	dcli_json_double(&j, -2.0);
	dcli_json_double(&j, 1e100);
	dcli_json_double(&j, NAN);
	dcli_json_double(&j, -INFINITY);
	dcli_json_arr_end(&j);
	dcli_json_obj_end(&j);
	dcli_json_key(&j, "error");
	dcli_json_null(&j);
	dcli_json_kint(&j, "status", 0);
	dcli_json_obj_end(&j);
	assert_int_equal(dcli_json_finish(&j), 0);
	out = memout_close(&m);
	assert_string_equal(out, expect);
	free(out);

	/* A bare scalar is a document too. */
	memout_open(&m);
	dcli_json_init(&j, m.fp);
	dcli_json_kdouble(&j, "x", 1.0); /* a key outside an object */
	assert_int_equal(dcli_json_finish(&j), -DER_INVAL);
	free(memout_close(&m));
	memout_open(&m);
	dcli_json_init(&j, m.fp);
	dcli_json_double(&j, 3.25);
	assert_int_equal(dcli_json_finish(&j), 0);
	out = memout_close(&m);
	assert_string_equal(out, "3.25\n");
	free(out);
}

static void
test_json_escape(void **state)
{
	/* Quote, backslash, short escapes, other controls as \u00XX, DEL and UTF-8
	 * (2, 3 and 4 bytes) as they are, invalid UTF-8 as U+FFFD. */
	static const char in[] = "q\"b\\n\nr\rt\tc\x01\x1f" "d\x7f"
				 "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
				 "|\xff|\xc0\xaf|\xed\xa0\x80|\xe2\x82|";
	static const char expect[] = "{\n  \"k\\\"\\u0002\": \"q\\\"b\\\\n\\nr\\rt\\tc\\u0001\\u001f"
				     "d\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
				     "|\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd|\"\n}\n";
	struct memout    m;
	struct dcli_json j;
	char            *out;

	(void)state;
	memout_open(&m);
	dcli_json_init(&j, m.fp);
	dcli_json_obj_begin(&j);
	dcli_json_kstr(&j, "k\"\x02", in);
	dcli_json_obj_end(&j);
	assert_int_equal(dcli_json_finish(&j), 0);
	out = memout_close(&m);
	assert_string_equal(out, expect);
	free(out);
}

static void
json_misuse(void (*script)(struct dcli_json *j))
{
	struct memout    m;
	struct dcli_json j;

	memout_open(&m);
	dcli_json_init(&j, m.fp);
	script(&j);
	assert_int_equal(dcli_json_finish(&j), -DER_INVAL);
	free(memout_close(&m));
}

static void
misuse_value_without_key(struct dcli_json *j)
{
	dcli_json_obj_begin(j);
	dcli_json_int(j, 1);
	dcli_json_obj_end(j);
}

static void
misuse_unbalanced(struct dcli_json *j)
{
	dcli_json_obj_begin(j);
	dcli_json_kint(j, "a", 1);
}

static void
misuse_wrong_end(struct dcli_json *j)
{
	dcli_json_arr_begin(j);
	dcli_json_obj_end(j);
}

static void
misuse_key_in_array(struct dcli_json *j)
{
	dcli_json_arr_begin(j);
	dcli_json_key(j, "a");
	dcli_json_int(j, 1);
	dcli_json_arr_end(j);
}

static void
misuse_two_docs(struct dcli_json *j)
{
	dcli_json_int(j, 1);
	dcli_json_int(j, 2);
}

static void
misuse_key_no_value(struct dcli_json *j)
{
	dcli_json_obj_begin(j);
	dcli_json_key(j, "a");
	dcli_json_obj_end(j);
}

static void
misuse_null_key(struct dcli_json *j)
{
	dcli_json_obj_begin(j);
	dcli_json_kint(j, NULL, 1);
	dcli_json_obj_end(j);
}

static void
misuse_too_deep(struct dcli_json *j)
{
	int i;

	for (i = 0; i <= DCLI_JSON_DEPTH_MAX; i++)
		dcli_json_arr_begin(j);
	for (i = 0; i <= DCLI_JSON_DEPTH_MAX; i++)
		dcli_json_arr_end(j);
}

static void
misuse_nothing(struct dcli_json *j)
{
	(void)j;
}

static void
test_json_misuse(void **state)
{
	struct memout    m;
	struct dcli_json j;
	int              i;

	(void)state;
	json_misuse(misuse_value_without_key);
	json_misuse(misuse_unbalanced);
	json_misuse(misuse_wrong_end);
	json_misuse(misuse_key_in_array);
	json_misuse(misuse_two_docs);
	json_misuse(misuse_key_no_value);
	json_misuse(misuse_null_key);
	json_misuse(misuse_too_deep);
	json_misuse(misuse_nothing);

	/* The deepest allowed nesting works. */
	memout_open(&m);
	dcli_json_init(&j, m.fp);
	for (i = 0; i < DCLI_JSON_DEPTH_MAX; i++)
		dcli_json_arr_begin(&j);
	for (i = 0; i < DCLI_JSON_DEPTH_MAX; i++)
		dcli_json_arr_end(&j);
	assert_int_equal(dcli_json_finish(&j), 0);
	free(memout_close(&m));

	dcli_json_init(&j, NULL);
	dcli_json_null(&j);
	assert_int_equal(dcli_json_finish(&j), -DER_INVAL);
}

static void
test_json_write_error(void **state)
{
	struct dcli_json j;
	FILE            *fp;

	(void)state;
	/* /dev/full accepts the open and fails every flushed write with ENOSPC. */
	fp = fopen("/dev/full", "w");
	if (fp == NULL)
		skip();
	setvbuf(fp, NULL, _IONBF, 0);
	dcli_json_init(&j, fp);
	dcli_json_obj_begin(&j);
	dcli_json_kstr(&j, "a", "b");
	dcli_json_obj_end(&j);
	assert_int_equal(dcli_json_finish(&j), -DER_IO);
	fclose(fp);
}

static void
test_table(void **state)
{
	static const char *const hdr[] = {"Pool", "Size", "State", "Used"};
	static const char *const r1[]  = {"tank", "1.0 TB", "Ready", "0%"};
	static const char *const r2[]  = {"a-much-longer-label", "64 MB", NULL, "100%"};
	static const char *const r3[]  = {"caf\xc3\xa9", "", "Ready", "5%"};
	static const char        expect[] = "Pool                Size   State Used \n"
					    "----                ----   ----- ---- \n"
					    "tank                1.0 TB Ready 0%   \n"
					    "a-much-longer-label 64 MB  None  100% \n"
					    "caf\xc3\xa9                       Ready 5%   \n";
	struct dcli_table        t;
	struct memout            m;
	char                    *out;
	int                      i;

	(void)state;
	assert_int_equal(dcli_table_init(&t, 4, hdr), 0);
	assert_int_equal(dcli_table_add_row(&t, r1), 0);
	assert_int_equal(dcli_table_add_row(&t, r2), 0);
	assert_int_equal(dcli_table_add_row(&t, r3), 0);
	memout_open(&m);
	assert_int_equal(dcli_table_print(&t, m.fp), 0);
	out = memout_close(&m);
	assert_string_equal(out, expect);
	free(out);
	dcli_table_fini(&t);

	/* Headers only; many rows (the row array grows). */
	assert_int_equal(dcli_table_init(&t, 2, hdr), 0);
	memout_open(&m);
	assert_int_equal(dcli_table_print(&t, m.fp), 0);
	out = memout_close(&m);
	assert_string_equal(out, "Pool Size \n---- ---- \n");
	free(out);
	for (i = 0; i < 100; i++)
		assert_int_equal(dcli_table_add_row(&t, r1), 0);
	assert_int_equal(t.dt_nrows, 100);
	memout_open(&m);
	assert_int_equal(dcli_table_print(&t, m.fp), 0);
	out = memout_close(&m);
	assert_int_equal(strlen(out), 102 * strlen("Pool Size   \n"));
	free(out);
	dcli_table_fini(&t);

	assert_int_equal(dcli_table_init(&t, 0, hdr), -DER_INVAL);
	dcli_table_fini(&t);
	assert_int_equal(dcli_table_init(&t, 2, NULL), -DER_INVAL);
	dcli_table_fini(&t);
	assert_int_equal(dcli_table_init(&t, 4, r2), -DER_INVAL); /* a NULL header */
	assert_int_equal(dcli_table_add_row(&t, r1), -DER_INVAL);
	memout_open(&m);
	assert_int_equal(dcli_table_print(&t, m.fp), -DER_INVAL);
	free(memout_close(&m));
	dcli_table_fini(&t);
	assert_int_equal(dcli_table_init(&t, 2, hdr), 0);
	assert_int_equal(dcli_table_add_row(&t, NULL), -DER_INVAL);
	dcli_table_fini(&t);
}

/* Read what is available on fd now (the pty master), NUL-terminated. */
static size_t
pty_drain(int fd, char *buf, size_t cap)
{
	size_t  len = 0;
	ssize_t n;

	while (len + 1 < cap) {
		n = read(fd, buf + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

static void
test_progress(void **state)
{
	struct dcli_progress p;
	struct termios       tio;
	struct memout        m;
	char                 buf[4096];
	char                *out;
	FILE                *fp;
	int                  master;
	int                  slave;
	int                  i;

	(void)state;
	/* Not a terminal: nothing at all. */
	memout_open(&m);
	dcli_progress_start(&p, m.fp, "format");
	for (i = 0; i <= 10; i++)
		dcli_progress_update(&p, i, 10);
	dcli_progress_end(&p);
	out = memout_close(&m);
	assert_int_equal(strlen(out), 0);
	free(out);

	/* A terminal: first state, then (throttled) updates, 100 % always, a final new line. */
	if (openpty(&master, &slave, NULL, NULL, NULL) != 0)
		skip();
	assert_int_equal(tcgetattr(slave, &tio), 0);
	cfmakeraw(&tio);
	assert_int_equal(tcsetattr(slave, TCSANOW, &tio), 0);
	fp = fdopen(slave, "w");
	assert_non_null(fp);
	assert_int_equal(fcntl(master, F_SETFL, O_NONBLOCK), 0);

	dcli_progress_start(&p, fp, "format");
	dcli_progress_update(&p, 0, 1000);
	dcli_progress_update(&p, 1, 1000);   /* same percent, too soon: not drawn */
	dcli_progress_update(&p, 450, 1000); /* too soon: not drawn */
	dcli_progress_update(&p, 1000, 1000);
	dcli_progress_end(&p);
	pty_drain(master, buf, sizeof(buf));
	assert_string_equal(buf, "\rformat [..............................]   0% (0/1000)"
				 "\rformat [##############################] 100% (1000/1000)\n");

	dcli_progress_start(&p, fp, "scan");
	dcli_progress_update(&p, 450, 1000);
	usleep(120 * 1000);
	dcli_progress_update(&p, 460, 1000);
	dcli_progress_update(&p, 7, 0); /* unknown total */
	dcli_progress_end(&p);
	dcli_progress_end(&p); /* nothing drawn since: no second new line */
	pty_drain(master, buf, sizeof(buf));
	assert_string_equal(buf, "\rscan [#############.................]  45% (450/1000)"
				 "\rscan [#############.................]  46% (460/1000)\n");
	fclose(fp);
	close(master);
}

static void
test_hostport(void **state)
{
	static const struct {
		const char *in;
		const char *addr;
		uint16_t    port;
	} good[] = {
	    {"127.0.0.2:10001", "127.0.0.2", 10001},
	    {"127.0.0.2", "127.0.0.2", 10001},
	    {"localhost:1", "localhost", 1},
	    {"node-1.example.com:65535", "node-1.example.com", 65535},
	    {"my_host", "my_host", 10001},
	    {"[::1]:20000", "::1", 20000},
	    {"[fe80::1]", "fe80::1", 10001},
	    {"::1", "::1", 10001},
	    {"2001:db8::5", "2001:db8::5", 10001},
	};
	static const char *const bad[] = {
	    "", ":10001", "host:", "host:0", "host:65536", "host:99999999", "host:12a",
	    "host:-1", "host:+1", "ho st", "host/x", "-host", ".host", "1.2.3", "256.1.1.1",
	    "1.2.3.4.5", "[::1", "[::1]x", "[::1]:", "[]:1", "[127.0.0.1]:1", "::g",
	    "a:b:c", "host:1:2x", "[::1]:1:2",
	};
	char     addr[64];
	char     small[5];
	uint16_t port;
	size_t   i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		port = 0;
		if (dcli_parse_hostport(good[i].in, 10001, addr, sizeof(addr), &port) != 0)
			fail_msg("\"%s\" refused", good[i].in);
		assert_string_equal(addr, good[i].addr);
		assert_int_equal(port, good[i].port);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (dcli_parse_hostport(bad[i], 10001, addr, sizeof(addr), &port) != -DER_INVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	/* No default port: the port is required. */
	assert_int_equal(dcli_parse_hostport("host", 0, addr, sizeof(addr), &port), -DER_INVAL);
	assert_int_equal(dcli_parse_hostport("host:5", 0, addr, sizeof(addr), &port), 0);
	assert_int_equal(port, 5);
	/* The address must fit. */
	assert_int_equal(dcli_parse_hostport("host", 1, small, sizeof(small), &port), 0);
	assert_int_equal(dcli_parse_hostport("hosts", 1, small, sizeof(small), &port),
			 -DER_INVAL);
	assert_int_equal(dcli_parse_hostport(NULL, 1, addr, sizeof(addr), &port), -DER_INVAL);
	assert_int_equal(dcli_parse_hostport("h", 1, NULL, 8, &port), -DER_INVAL);
	assert_int_equal(dcli_parse_hostport("h", 1, addr, sizeof(addr), NULL), -DER_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_size_good), cmocka_unit_test(test_parse_size_bad),
	    cmocka_unit_test(test_format_size),     cmocka_unit_test(test_json_structure),
	    cmocka_unit_test(test_json_escape),     cmocka_unit_test(test_json_misuse),
	    cmocka_unit_test(test_json_write_error), cmocka_unit_test(test_table),
	    cmocka_unit_test(test_progress),        cmocka_unit_test(test_hostport),
	};

	return cmocka_run_group_tests_name("common_cli", tests, NULL, NULL);
}
