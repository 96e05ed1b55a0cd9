/*
 * The device table (src/engine/srv_devtab.c, built into this test): encode
 * and decode, first-fit allocation and frees, the choice between two copies
 * when one is torn, damaged or stale, bad input (every flipped byte, random
 * bytes, overlapping or out-of-range entries with a valid checksum) giving
 * errors and never a crash, and a regular file refused as a device.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <isa-l.h>

#include "srv_devtab.h"

#define MiB (1ULL << 20)

static void
tab_new(struct dss_devtab *dt, uint64_t size)
{
	memset(dt, 0, sizeof(*dt));
	uuid_generate(dt->dt_sys);
	uuid_generate(dt->dt_dev);
	dt->dt_roles = 1u << DSS_DEV_DATA;
	dt->dt_size  = size;
}

static void *
copy_new(const struct dss_devtab *dt, uint64_t gen)
{
	void *buf = calloc(1, DSS_DEVTAB_COPY);

	assert_non_null(buf);
	assert_int_equal(dss_devtab_encode(dt, gen, buf, DSS_DEVTAB_COPY), 0);
	return buf;
}

/* Recompute a copy's checksum after editing it (header at 0, csum at 76). */
static void
copy_fix_csum(void *buf)
{
	uint32_t nr, c;

	memcpy(&nr, (char *)buf + 60, 4);
	if (nr > dss_devtab_max_ents())
		nr = 0; /* the decoder refuses it before reading entries */
	memset((char *)buf + 76, 0, 4);
	c = crc32_iscsi(buf, (int)(80 + (size_t)nr * 40), ~0u);
	memcpy((char *)buf + 76, &c, 4);
}

static void
test_roundtrip(void **state)
{
	struct dss_devtab dt, back = {0};
	uuid_t            p1, p2;
	uint64_t          off;
	void             *buf;
	uint32_t          i;

	(void)state;
	tab_new(&dt, 100 * MiB);
	uuid_generate(p1);
	uuid_generate(p2);
	assert_int_equal(dss_devtab_alloc(&dt, p1, 0, DSS_DEV_DATA, 10 * MiB, &off), 0);
	assert_int_equal(off, DSS_DEVTAB_RESERVED);
	assert_int_equal(dss_devtab_alloc(&dt, p1, 1, DSS_DEV_DATA, 5 * MiB + 1, &off), 0);
	assert_int_equal(off, 11 * MiB);
	assert_int_equal(dss_devtab_alloc(&dt, p2, 0, DSS_DEV_DATA, 4096, &off), 0);
	assert_int_equal(off, 17 * MiB); /* 5 MiB + 4 KiB ends past 16 MiB: 1 MiB alignment */
	buf = copy_new(&dt, 7);
	assert_int_equal(dss_devtab_decode(buf, DSS_DEVTAB_COPY, &back), 0);
	assert_int_equal(back.dt_gen, 7);
	assert_int_equal(back.dt_nr, 3);
	assert_int_equal(back.dt_size, dt.dt_size);
	assert_int_equal(back.dt_roles, dt.dt_roles);
	assert_int_equal(uuid_compare(back.dt_sys, dt.dt_sys), 0);
	assert_int_equal(uuid_compare(back.dt_dev, dt.dt_dev), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(back.dt_ents[i].de_off, dt.dt_ents[i].de_off);
		assert_int_equal(back.dt_ents[i].de_len, dt.dt_ents[i].de_len);
		assert_int_equal(back.dt_ents[i].de_tgt, dt.dt_ents[i].de_tgt);
		assert_int_equal(uuid_compare(back.dt_ents[i].de_pool, dt.dt_ents[i].de_pool), 0);
	}
	assert_int_equal(back.dt_ents[1].de_len, 5 * MiB + 4096);
	assert_int_equal(dss_devtab_used(&back), 15 * MiB + 8192);
	assert_int_equal(dss_devtab_usable(&back), 99 * MiB);
	/* a decoded table keeps allocating */
	assert_int_equal(dss_devtab_alloc(&back, p2, 1, DSS_DEV_DATA, MiB, &off), 0);
	assert_int_equal(off, 18 * MiB);
	free(buf);
	dss_devtab_fini(&dt);
	dss_devtab_fini(&back);
}

static void
test_alloc(void **state)
{
	struct dss_devtab dt;
	uuid_t            p[4];
	uint64_t          off;
	int               i;

	(void)state;
	tab_new(&dt, 41 * MiB);
	for (i = 0; i < 4; i++)
		uuid_generate(p[i]);
	for (i = 0; i < 4; i++)
		assert_int_equal(dss_devtab_alloc(&dt, p[i], 0, DSS_DEV_DATA, 10 * MiB, &off), 0);
	/* full: 1 MiB table + 4 x 10 MiB */
	assert_int_equal(dss_devtab_alloc(&dt, p[0], 1, DSS_DEV_DATA, 4096, &off), -DER_NOSPACE);
	assert_int_equal(dss_devtab_alloc(&dt, p[0], 0, DSS_DEV_DATA, 4096, &off), -DER_EXIST);
	assert_int_equal(dss_devtab_alloc(&dt, p[0], 1, DSS_DEV_WAL, 4096, &off), -DER_INVAL);
	assert_int_equal(dss_devtab_alloc(&dt, p[0], 1, 9, 4096, &off), -DER_INVAL);
	assert_int_equal(dss_devtab_alloc(&dt, p[0], 1, DSS_DEV_DATA, 0, &off), -DER_INVAL);
	/* free the second: first fit reuses its place, a larger one does not fit */
	assert_int_equal(dss_devtab_free(&dt, p[1], UINT32_MAX), 1);
	assert_int_equal(dss_devtab_free(&dt, p[1], UINT32_MAX), 0);
	assert_int_equal(dss_devtab_alloc(&dt, p[1], 0, DSS_DEV_DATA, 11 * MiB, &off), -DER_NOSPACE);
	assert_int_equal(dss_devtab_alloc(&dt, p[1], 0, DSS_DEV_DATA, 4 * MiB, &off), 0);
	assert_int_equal(off, 11 * MiB);
	assert_int_equal(dss_devtab_alloc(&dt, p[1], 1, DSS_DEV_DATA, 6 * MiB, &off), 0);
	assert_int_equal(off, 15 * MiB);
	assert_non_null(dss_devtab_find(&dt, p[1], 1, DSS_DEV_DATA));
	assert_null(dss_devtab_find(&dt, p[1], 2, DSS_DEV_DATA));
	/* free by target */
	assert_int_equal(dss_devtab_free(&dt, p[1], 0), 1);
	assert_null(dss_devtab_find(&dt, p[1], 0, DSS_DEV_DATA));
	assert_non_null(dss_devtab_find(&dt, p[1], 1, DSS_DEV_DATA));
	dss_devtab_fini(&dt);
}

static void
test_copies(void **state)
{
	struct dss_devtab dt, got = {0};
	uuid_t            p;
	uint64_t          off;
	void             *c5, *c6;
	bool              torn;

	(void)state;
	tab_new(&dt, 64 * MiB);
	uuid_generate(p);
	c5 = copy_new(&dt, 5);
	assert_int_equal(dss_devtab_alloc(&dt, p, 0, DSS_DEV_DATA, MiB, &off), 0);
	c6 = copy_new(&dt, 6);

	/* both good: the newer, in either slot */
	assert_int_equal(dss_devtab_pick(c5, c6, &got, &torn), 0);
	assert_int_equal(got.dt_gen, 6);
	assert_int_equal(got.dt_nr, 1);
	assert_false(torn);
	assert_int_equal(dss_devtab_pick(c6, c5, &got, &torn), 0);
	assert_int_equal(got.dt_gen, 6);

	/* the newer torn (its second half never written, or one byte flipped): the older */
	memset((char *)c6 + 64, 0, DSS_DEVTAB_COPY - 64);
	assert_int_equal(dss_devtab_pick(c5, c6, &got, &torn), 0);
	assert_int_equal(got.dt_gen, 5);
	assert_int_equal(got.dt_nr, 0);
	assert_true(torn);
	free(c6);
	c6 = copy_new(&dt, 6);
	((char *)c6)[90] ^= 1;
	assert_int_equal(dss_devtab_pick(c6, c5, &got, &torn), 0);
	assert_int_equal(got.dt_gen, 5);
	assert_true(torn);

	/* both damaged, none, a newer version */
	((char *)c5)[20] ^= 1;
	assert_int_equal(dss_devtab_pick(c5, c6, &got, &torn), -DER_DF_INVAL);
	memset(c5, 0, DSS_DEVTAB_COPY);
	memset(c6, 0, DSS_DEVTAB_COPY);
	assert_int_equal(dss_devtab_pick(c5, c6, &got, &torn), -DER_NONEXIST);
	assert_int_equal(dss_devtab_pick(NULL, NULL, &got, NULL), -DER_NONEXIST);
	assert_false(torn);
	free(c6);
	c6 = copy_new(&dt, 9);
	assert_int_equal(dss_devtab_pick(c5, c6, &got, NULL), 0);
	((uint32_t *)c6)[2] = DSS_DEVTAB_VERSION + 1;
	assert_int_equal(dss_devtab_pick(c5, c6, &got, NULL), -DER_DF_INCOMPT);
	free(c5);
	free(c6);
	dss_devtab_fini(&dt);
	dss_devtab_fini(&got);
}

static void
test_bad_input(void **state)
{
	struct dss_devtab dt, got = {0};
	uuid_t            p, q;
	uint64_t          off, v;
	char             *good, *buf;
	size_t            k;
	int               n, i;

	(void)state;
	tab_new(&dt, 64 * MiB);
	uuid_generate(p);
	uuid_generate(q);
	assert_int_equal(dss_devtab_alloc(&dt, p, 0, DSS_DEV_DATA, 2 * MiB, &off), 0);
	assert_int_equal(dss_devtab_alloc(&dt, q, 0, DSS_DEV_DATA, 2 * MiB, &off), 0);
	good = copy_new(&dt, 3);
	buf  = malloc(DSS_DEVTAB_COPY);
	assert_non_null(buf);

	/* every byte of header and entries flipped: an error, never a table */
	for (k = 0; k < 80 + 2 * 40; k++) {
		memcpy(buf, good, DSS_DEVTAB_COPY);
		buf[k] ^= 0x40;
		n = dss_devtab_decode(buf, DSS_DEVTAB_COPY, &got);
		assert_true(n == -DER_DF_INVAL || n == -DER_NONEXIST || n == -DER_DF_INCOMPT);
	}
	/* short buffers */
	assert_int_equal(dss_devtab_decode(good, 10, &got), -DER_NONEXIST);
	assert_int_equal(dss_devtab_decode(good, 100, &got), -DER_DF_INVAL);
	assert_int_equal(dss_devtab_decode(NULL, 100, &got), -DER_INVAL);

	/* valid checksums over bad content */
	struct {
		size_t   at;
		uint64_t val;
		int      width;
	} edits[] = {
	    {60, 100000, 4},              /* nr_ents beyond a copy */
	    {80 + 40 + 24, 2 * MiB, 8},   /* second entry overlaps the first */
	    {80 + 24, 4096, 8},           /* an entry inside the table's space */
	    {80 + 24, 3 * MiB + 4096, 8}, /* unaligned offset */
	    {80 + 32, 100 * MiB, 8},      /* beyond the device */
	    {80 + 32, 0, 8},              /* empty */
	    {80 + 20, 7, 4},              /* unknown role */
	    {80 + 20, DSS_DEV_WAL, 4},    /* a role the device does not have */
	    {56, 0, 4},                   /* no roles */
	    {64, 4096, 8},                /* device smaller than its table */
	    {12, 81, 4},                  /* header size */
	};
	for (i = 0; i < (int)ARRAY_SIZE(edits); i++) {
		memcpy(buf, good, DSS_DEVTAB_COPY);
		v = edits[i].val;
		memcpy(buf + edits[i].at, &v, edits[i].width);
		copy_fix_csum(buf);
		if (dss_devtab_decode(buf, DSS_DEVTAB_COPY, &got) != -DER_DF_INVAL)
			fail_msg("edit %d decoded", i);
	}
	/* a null system uuid, a null pool uuid */
	memcpy(buf, good, DSS_DEVTAB_COPY);
	memset(buf + 24, 0, 16);
	copy_fix_csum(buf);
	assert_int_equal(dss_devtab_decode(buf, DSS_DEVTAB_COPY, &got), -DER_DF_INVAL);
	memcpy(buf, good, DSS_DEVTAB_COPY);
	memset(buf + 80, 0, 16);
	copy_fix_csum(buf);
	assert_int_equal(dss_devtab_decode(buf, DSS_DEVTAB_COPY, &got), -DER_DF_INVAL);

	/* random bytes, and random bytes behind a valid magic */
	srand(12345);
	for (i = 0; i < 2000; i++) {
		for (k = 0; k < 512; k++)
			buf[k] = (char)rand();
		if (i % 2 == 0)
			memcpy(buf, good, 8);
		n = dss_devtab_decode(buf, DSS_DEVTAB_COPY, &got);
		assert_true(n != 0);
	}
	/* encode refuses what does not fit */
	assert_int_equal(dss_devtab_encode(&dt, 1, buf, 100), -DER_INVAL);
	free(buf);
	free(good);
	dss_devtab_fini(&dt);
	dss_devtab_fini(&got);
}

static void
test_not_a_device(void **state)
{
	struct dss_devtab dt = {0};
	char              path[] = "/tmp/devtab_test.XXXXXX";
	uuid_t            sys;
	uint64_t          size;
	int               fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 64 * MiB), 0);
	close(fd);
	uuid_generate(sys);
	assert_int_equal(dss_devtab_dev_size(path, &size), -DER_NOTSUPPORTED);
	assert_int_equal(dss_devtab_read(path, &dt, NULL), -DER_NOTSUPPORTED);
	assert_int_equal(dss_devtab_init(path, sys, 1, &dt), -DER_NOTSUPPORTED);
	assert_int_equal(dss_devtab_read("/nonexistent/dev", &dt, NULL), -DER_NONEXIST);
	assert_int_equal(dss_devtab_init(path, sys, 0, &dt), -DER_INVAL);
	unlink(path);
	dss_devtab_fini(&dt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_alloc),
	    cmocka_unit_test(test_copies),    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_not_a_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
