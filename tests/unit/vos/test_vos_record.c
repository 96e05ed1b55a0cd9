/* Redo records: replay equivalence, fuzzed decoder, checkpoint image round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vos/vos_test_util.h"

static struct test_backend tb;
static struct test_log     tl;

/* Build an index with a bit of everything, logging every record. */
static struct vos *
build(void)
{
	struct vos_attr  attr = {.va_data = &tb_ops, .va_data_arg = &tb, .va_log = tl_append,
				 .va_log_arg = &tl};
	struct vos      *vos;
	struct vos_agg  *ag;
	static char      big[6000];
	daos_epoch_t     snap = 12;
	uint64_t         k;
	d_iov_t          dk = TU_KEY("d1"), ak = TU_KEY("a");
	int              i;

	assert_int_equal(vos_open(&attr, &vos), 0);
	assert_int_equal(vos_cont_create(vos, tu_cont), 0);
	memset(big, 'B', sizeof(big));
	for (i = 1; i < 30; i++) {
		char v[16];

		snprintf(v, sizeof(v), "val-%d", i);
		k = i % 7;
		assert_int_equal(tu_put_sv(vos, tu_oid(1, 0), i, 0, TU_KEY(i % 2 ? "d1" : "d2"),
					   TU_KEY("a"), v, strlen(v)),
				 0);
		assert_int_equal(tu_put_ext(vos, tu_oid(2, DAOS_OT_ARRAY_BYTE), i, tu_iov(&k, 8),
					    TU_KEY("0"), 1, i * 3 % 20, 5, "12345"),
				 0);
	}
	assert_int_equal(tu_put_sv(vos, tu_oid(3, 0), 5, 0, dk, TU_KEY("big"), big, sizeof(big)), 0);
	assert_int_equal(vos_obj_punch(vos, tu_cont, tu_oid(1, 0), 25, 0, &dk, 1, &ak), 0);
	assert_int_equal(vos_obj_punch(vos, tu_cont, tu_oid(3, 0), 40, 0, NULL, 0, NULL), 0);
	assert_int_equal(vos_aggregate_start(vos, tu_cont, 20, &snap, 1, &ag), 0);
	while (vos_agg_step(ag, 2) == 0)
		;
	vos_agg_end(ag);
	return vos;
}

static void
test_replay_equivalence(void **state)
{
	struct vos *a, *b;
	uint8_t    *ia = NULL, *ib = NULL;
	size_t      la, lb;

	(void)state;
	memset(&tl, 0, sizeof(tl));
	a = build();
	assert_true(tl.tl_nr > 60);
	assert_int_equal(vos_open(&(struct vos_attr){.va_data = &tb_ops, .va_data_arg = &tb}, &b),
			 0);
	tb.tb_replaying = true;
	assert_int_equal(tb_replay(b, tl.tl_buf, tl.tl_len), 0);
	/* Replaying twice more (idempotence over a state that already has it). */
	assert_int_equal(tb_replay(b, tl.tl_buf, tl.tl_len), 0);
	tb.tb_replaying = false;
	assert_int_equal(tb_image(a, &ia, &la), 0);
	assert_int_equal(tb_image(b, &ib, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(ia, ib, la);
	free(ia);
	free(ib);
	vos_close(a);
	vos_close(b);
}

static void
test_fuzz_decoder(void **state)
{
	struct vos   *a, *scratch;
	unsigned int  seed = 7;
	size_t        off = 0, n = 0, bad = 0;
	uint8_t       rnd[256], *copy;
	int           i, j;

	(void)state;
	memset(&tl, 0, sizeof(tl));
	a = build();
	assert_int_equal(vos_open(&(struct vos_attr){.va_data = &tb_ops, .va_data_arg = &tb},
				  &scratch),
			 0);
	tb.tb_replaying = true;
	/* Random bytes, with and without a valid header. */
	for (i = 0; i < 20000; i++) {
		size_t len = rand_r(&seed) % sizeof(rnd);

		for (j = 0; j < (int)len; j++)
			rnd[j] = (uint8_t)rand_r(&seed);
		if (len >= 8 && i % 2) {
			rnd[0] = 0x52;
			rnd[1] = 0x56;
			rnd[2] = 1;
			rnd[3] = (uint8_t)(1 + rand_r(&seed) % 9);
			rnd[4] = (uint8_t)len;
			rnd[5] = rnd[6] = rnd[7] = 0;
		}
		(void)vos_apply_record(scratch, rnd, len);
	}
	/* Bit flips and truncations of every valid record. */
	while (off < tl.tl_len) {
		size_t rl = vos_record_len(tl.tl_buf + off, tl.tl_len - off);

		assert_true(rl > 0);
		copy = malloc(rl);
		for (i = 0; i < 64; i++) {
			int rc;

			memcpy(copy, tl.tl_buf + off, rl);
			copy[rand_r(&seed) % rl] ^= (uint8_t)(1 << (rand_r(&seed) % 8));
			rc = vos_apply_record(scratch, copy, rl);
			bad += rc != 0;
			rc = vos_apply_record(scratch, copy, rand_r(&seed) % rl);
			assert_true(rc == -DER_DF_INVAL || rc == -DER_INVAL);
		}
		free(copy);
		off += rl;
		n++;
	}
	tb.tb_replaying = false;
	print_message("fuzzed %zu records, %zu flipped copies rejected\n", n, bad);
	assert_true(bad > 0);
	vos_close(scratch);
	vos_close(a);
}

static void
test_image_roundtrip(void **state)
{
	struct vos       *a, *b;
	struct vos_image *img;
	const void       *chunk;
	uint8_t          *ia = NULL, *ib = NULL, *stream = NULL;
	size_t            la, lb, len, tot = 0, used, off = 0, consumed;
	int               rc = 0, nchunks = 0;
	char              buf[16];
	uint64_t          sz;

	(void)state;
	memset(&tl, 0, sizeof(tl));
	a = build();
	assert_int_equal(vos_image_start(a, &img), 0);
	while (vos_image_next(img, &chunk, &len) == 0) {
		stream = realloc(stream, tot + len);
		memcpy(stream + tot, chunk, len);
		tot += len;
		nchunks++;
	}
	vos_image_end(img);
	assert_true(nchunks >= 5); /* header, 3 objects, trailer */
	assert_int_equal(vos_open(&(struct vos_attr){.va_data = &tb_ops, .va_data_arg = &tb}, &b),
			 0);
	/* Feed it in odd-sized pieces, as a reader of the meta region would. */
	while (off < tot) {
		size_t piece = tot - off < 1000 ? tot - off : 1000;

		used = 0;
		for (;;) {
			rc = vos_image_load(b, stream + off, piece, &consumed);
			assert_true(rc >= 0);
			used = consumed;
			if (rc == 1 || used > 0 || piece == tot - off)
				break;
			piece = piece * 2 > tot - off ? tot - off : piece * 2;
		}
		off += used;
		if (rc == 1)
			break;
	}
	assert_int_equal(rc, 1);
	assert_int_equal(off, tot);
	assert_int_equal(tb_image(a, &ia, &la), 0);
	assert_int_equal(tb_image(b, &ib, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(ia, ib, la);
	assert_int_equal(tu_get_sv(b, tu_oid(1, 0), 19, 0, TU_KEY("d1"), TU_KEY("a"), buf, 16, &sz),
			 0);
	assert_memory_equal(buf, "val-19", 6);
	/* Not an image. */
	assert_int_equal(vos_image_load(b, "garbage-garbage!", 16, &consumed), -DER_DF_INVAL);
	free(ia);
	free(ib);
	free(stream);
	vos_close(a);
	vos_close(b);
}

static void
test_log_failure(void **state)
{
	struct vos *a;
	char        buf[8];
	uint64_t    len;

	(void)state;
	memset(&tl, 0, sizeof(tl));
	a = build();
	tl.tl_fail = -DER_IO;
	assert_int_equal(tu_put_sv(a, tu_oid(9, 0), 50, 0, TU_KEY("d"), TU_KEY("a"), "x", 1),
			 -DER_IO);
	assert_int_equal(tu_get_sv(a, tu_oid(9, 0), 50, 0, TU_KEY("d"), TU_KEY("a"), buf, 8, &len),
			 0);
	assert_int_equal(len, 0);
	vos_close(a);
}

static int
teardown(void **state)
{
	(void)state;
	free(tl.tl_buf);
	memset(&tl, 0, sizeof(tl));
	tb_fini(&tb);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_replay_equivalence, teardown),
		cmocka_unit_test_teardown(test_fuzz_decoder, teardown),
		cmocka_unit_test_teardown(test_image_roundtrip, teardown),
		cmocka_unit_test_teardown(test_log_failure, teardown),
	};

	return cmocka_run_group_tests_name("vos_record", tests, NULL, NULL);
}
