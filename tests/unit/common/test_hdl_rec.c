/*
 * Durable handle records (common/srv_proto.h): pool and container handles
 * round-trip through their keys and values; damaged input (every
 * truncation, every single-byte change, trailing bytes, wrong or short
 * keys, version 0, null uuids) is refused with -DER_DF_INVAL and a newer
 * version with -DER_DF_INCOMPT, never read half-way or past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <gurt/common.h>

#include "common/srv_proto.h"

static void
pool_rec_make(struct dsp_pool_hdl_rec *r, uint8_t key[DSP_POOL_HDL_KEY_LEN], void **buf,
	      uint32_t *len)
{
	memset(r, 0, sizeof(*r));
	uuid_generate(r->phr_pool);
	uuid_generate(r->phr_hdl);
	r->phr_flags = 2;
	r->phr_time  = 0x1234567890abcdefull;
	dsp_pool_hdl_key(r->phr_pool, r->phr_hdl, key);
	assert_int_equal(dsp_pool_hdl_rec_encode(r, buf, len), 0);
}

static void
cont_rec_make(struct dsp_cont_hdl_rec *r, uint8_t key[DSP_CONT_HDL_KEY_LEN], void **buf,
	      uint32_t *len)
{
	memset(r, 0, sizeof(*r));
	uuid_generate(r->chr_pool);
	uuid_generate(r->chr_cont);
	uuid_generate(r->chr_coh);
	uuid_generate(r->chr_poh);
	r->chr_flags = 4;
	r->chr_time  = 77;
	dsp_cont_hdl_key(r->chr_pool, r->chr_cont, r->chr_coh, key);
	assert_int_equal(dsp_cont_hdl_rec_encode(r, buf, len), 0);
}

static void
test_round_trip(void **state)
{
	struct dsp_pool_hdl_rec pr, pr2;
	struct dsp_cont_hdl_rec cr, cr2;
	uint8_t                 pk[DSP_POOL_HDL_KEY_LEN], ck[DSP_CONT_HDL_KEY_LEN];
	void                   *pb, *cb;
	uint32_t                pl, cl;

	(void)state;
	pool_rec_make(&pr, pk, &pb, &pl);
	assert_int_equal(dsp_pool_hdl_rec_decode(pk, sizeof(pk), pb, pl, &pr2), 0);
	assert_memory_equal(&pr, &pr2, sizeof(pr));
	/* the key leads with the pool, then the handle: prefix sweeps rely on it */
	assert_memory_equal(pk, pr.phr_pool, 16);
	assert_memory_equal(pk + 16, pr.phr_hdl, 16);

	cont_rec_make(&cr, ck, &cb, &cl);
	assert_int_equal(dsp_cont_hdl_rec_decode(ck, sizeof(ck), cb, cl, &cr2), 0);
	assert_memory_equal(&cr, &cr2, sizeof(cr));
	assert_memory_equal(ck, cr.chr_pool, 16);
	assert_memory_equal(ck + 16, cr.chr_cont, 16);
	assert_memory_equal(ck + 32, cr.chr_coh, 16);

	/* one kind of record is not the other */
	assert_int_equal(dsp_cont_hdl_rec_decode(ck, sizeof(ck), pb, pl, &cr2), -DER_DF_INVAL);
	assert_int_equal(dsp_pool_hdl_rec_decode(pk, sizeof(pk), cb, cl, &pr2), -DER_DF_INVAL);
	D_FREE(pb);
	D_FREE(cb);
}

/* Every prefix of a value is refused, and so is the value with bytes after it. */
static void
test_truncated(void **state)
{
	struct dsp_pool_hdl_rec pr, pr2;
	struct dsp_cont_hdl_rec cr, cr2;
	uint8_t                 pk[DSP_POOL_HDL_KEY_LEN], ck[DSP_CONT_HDL_KEY_LEN];
	uint8_t                 longer[256];
	void                   *pb, *cb;
	uint32_t                pl, cl, n;

	(void)state;
	pool_rec_make(&pr, pk, &pb, &pl);
	cont_rec_make(&cr, ck, &cb, &cl);
	for (n = 0; n < pl; n++) {
		/* a copy of exactly n bytes, so a sanitizer sees any read past it */
		void *cut = n == 0 ? NULL : malloc(n);

		if (n > 0)
			memcpy(cut, pb, n);
		assert_int_equal(dsp_pool_hdl_rec_decode(pk, sizeof(pk), n == 0 ? pb : cut, n, &pr2),
				 -DER_DF_INVAL);
		free(cut);
	}
	for (n = 0; n < cl; n++) {
		void *cut = n == 0 ? NULL : malloc(n);

		if (n > 0)
			memcpy(cut, cb, n);
		assert_int_equal(dsp_cont_hdl_rec_decode(ck, sizeof(ck), n == 0 ? cb : cut, n, &cr2),
				 -DER_DF_INVAL);
		free(cut);
	}
	memcpy(longer, pb, pl);
	longer[pl] = 0;
	assert_int_equal(dsp_pool_hdl_rec_decode(pk, sizeof(pk), longer, pl + 1, &pr2),
			 -DER_DF_INVAL);
	memcpy(longer, cb, cl);
	longer[cl] = 0;
	assert_int_equal(dsp_cont_hdl_rec_decode(ck, sizeof(ck), longer, cl + 1, &cr2),
			 -DER_DF_INVAL);
	/* no buffers at all */
	assert_int_equal(dsp_pool_hdl_rec_decode(NULL, 0, NULL, 0, &pr2), -DER_DF_INVAL);
	assert_int_equal(dsp_cont_hdl_rec_decode(NULL, 0, NULL, 0, &cr2), -DER_DF_INVAL);
	D_FREE(pb);
	D_FREE(cb);
}

/* Keys: wrong length, another handle's, a changed byte anywhere. */
static void
test_keys(void **state)
{
	struct dsp_pool_hdl_rec pr, pr2;
	struct dsp_cont_hdl_rec cr, cr2;
	uint8_t                 pk[DSP_POOL_HDL_KEY_LEN], ck[DSP_CONT_HDL_KEY_LEN];
	uint8_t                 bad[DSP_CONT_HDL_KEY_LEN + 1];
	void                   *pb, *cb;
	uint32_t                pl, cl, i;

	(void)state;
	pool_rec_make(&pr, pk, &pb, &pl);
	cont_rec_make(&cr, ck, &cb, &cl);
	assert_int_equal(dsp_pool_hdl_rec_decode(pk, sizeof(pk) - 1, pb, pl, &pr2), -DER_DF_INVAL);
	assert_int_equal(dsp_cont_hdl_rec_decode(ck, sizeof(ck) - 1, cb, cl, &cr2), -DER_DF_INVAL);
	memcpy(bad, ck, sizeof(ck));
	bad[sizeof(ck)] = 1;
	assert_int_equal(dsp_cont_hdl_rec_decode(bad, sizeof(bad), cb, cl, &cr2), -DER_DF_INVAL);
	assert_int_equal(dsp_pool_hdl_rec_decode(ck, sizeof(ck), pb, pl, &pr2), -DER_DF_INVAL);
	for (i = 0; i < sizeof(pk); i++) {
		memcpy(bad, pk, sizeof(pk));
		bad[i] ^= 0x40;
		assert_int_equal(dsp_pool_hdl_rec_decode(bad, sizeof(pk), pb, pl, &pr2),
				 -DER_DF_INVAL);
	}
	for (i = 0; i < sizeof(ck); i++) {
		memcpy(bad, ck, sizeof(ck));
		bad[i] ^= 0x40;
		assert_int_equal(dsp_cont_hdl_rec_decode(bad, sizeof(ck), cb, cl, &cr2),
				 -DER_DF_INVAL);
	}
	D_FREE(pb);
	D_FREE(cb);
}

/*
 * Any one byte of a value changed: decoded as it is (flags and times are
 * not checked: any value is one a client could have sent), or refused with
 * -DER_DF_INVAL / -DER_DF_INCOMPT (version word); never anything else.
 */
static void
test_flipped(void **state)
{
	struct dsp_pool_hdl_rec pr, pr2;
	struct dsp_cont_hdl_rec cr, cr2;
	uint8_t                 pk[DSP_POOL_HDL_KEY_LEN], ck[DSP_CONT_HDL_KEY_LEN];
	uint8_t                *v;
	void                   *pb, *cb;
	uint32_t                pl, cl, i;
	int                     rc, bit;

	(void)state;
	pool_rec_make(&pr, pk, &pb, &pl);
	cont_rec_make(&cr, ck, &cb, &cl);
	for (i = 0; i < pl; i++) {
		for (bit = 0; bit < 8; bit++) {
			v = pb;
			v[i] ^= (uint8_t)(1u << bit);
			rc = dsp_pool_hdl_rec_decode(pk, sizeof(pk), pb, pl, &pr2);
			if (i < 4)
				assert_true(rc == -DER_DF_INVAL || rc == -DER_DF_INCOMPT);
			else if (i < 36) /* the uuids must match the key */
				assert_int_equal(rc, -DER_DF_INVAL);
			else
				assert_int_equal(rc, 0);
			v[i] ^= (uint8_t)(1u << bit);
		}
	}
	for (i = 0; i < cl; i++) {
		for (bit = 0; bit < 8; bit++) {
			v = cb;
			v[i] ^= (uint8_t)(1u << bit);
			rc = dsp_cont_hdl_rec_decode(ck, sizeof(ck), cb, cl, &cr2);
			if (i < 4)
				assert_true(rc == -DER_DF_INVAL || rc == -DER_DF_INCOMPT);
			else if (i < 52) /* pool, cont, coh: in the key */
				assert_int_equal(rc, -DER_DF_INVAL);
			else
				assert_int_equal(rc, 0); /* poh (not null), flags, time */
			v[i] ^= (uint8_t)(1u << bit);
		}
	}
	D_FREE(pb);
	D_FREE(cb);
}

/* Version words: 0 is damage, a newer one is not ours to read; null uuids are damage. */
static void
test_versions_and_nulls(void **state)
{
	struct dsp_pool_hdl_rec pr, pr2;
	struct dsp_cont_hdl_rec cr, cr2;
	uint8_t                 pk[DSP_POOL_HDL_KEY_LEN], ck[DSP_CONT_HDL_KEY_LEN];
	uint8_t                *v;
	void                   *pb, *cb;
	uint32_t                pl, cl;

	(void)state;
	pool_rec_make(&pr, pk, &pb, &pl);
	cont_rec_make(&cr, ck, &cb, &cl);
	v = pb;
	v[0] = 0;
	assert_int_equal(dsp_pool_hdl_rec_decode(pk, sizeof(pk), pb, pl, &pr2), -DER_DF_INVAL);
	v[0] = DSP_POOL_HDL_REC_VERSION + 1;
	assert_int_equal(dsp_pool_hdl_rec_decode(pk, sizeof(pk), pb, pl, &pr2), -DER_DF_INCOMPT);
	/* a newer version may be longer: still -DER_DF_INCOMPT, not a length error */
	{
		uint8_t longer[128] = {0};

		memcpy(longer, pb, pl);
		assert_int_equal(dsp_pool_hdl_rec_decode(pk, sizeof(pk), longer, pl + 8, &pr2),
				 -DER_DF_INCOMPT);
	}
	v = cb;
	v[0] = 0;
	assert_int_equal(dsp_cont_hdl_rec_decode(ck, sizeof(ck), cb, cl, &cr2), -DER_DF_INVAL);
	v[0] = DSP_CONT_HDL_REC_VERSION + 1;
	assert_int_equal(dsp_cont_hdl_rec_decode(ck, sizeof(ck), cb, cl, &cr2), -DER_DF_INCOMPT);
	D_FREE(pb);
	D_FREE(cb);

	/* records of null handles (their keys made alike) */
	pool_rec_make(&pr, pk, &pb, &pl);
	D_FREE(pb);
	uuid_clear(pr.phr_hdl);
	dsp_pool_hdl_key(pr.phr_pool, pr.phr_hdl, pk);
	assert_int_equal(dsp_pool_hdl_rec_encode(&pr, &pb, &pl), 0);
	assert_int_equal(dsp_pool_hdl_rec_decode(pk, sizeof(pk), pb, pl, &pr2), -DER_DF_INVAL);
	D_FREE(pb);
	cont_rec_make(&cr, ck, &cb, &cl);
	D_FREE(cb);
	uuid_clear(cr.chr_poh);
	assert_int_equal(dsp_cont_hdl_rec_encode(&cr, &cb, &cl), 0);
	assert_int_equal(dsp_cont_hdl_rec_decode(ck, sizeof(ck), cb, cl, &cr2), -DER_DF_INVAL);
	D_FREE(cb);
}

/* Random bytes as values and keys: refused or decoded, never a crash. */
static void
test_random(void **state)
{
	struct dsp_pool_hdl_rec pr;
	struct dsp_cont_hdl_rec cr;
	uint8_t                 key[64], val[128];
	int                     i, rc;
	size_t                  j, vl, kl;

	(void)state;
	srand(42);
	for (i = 0; i < 20000; i++) {
		vl = (size_t)rand() % sizeof(val);
		kl = (size_t)rand() % sizeof(key);
		for (j = 0; j < sizeof(val); j++)
			val[j] = (uint8_t)rand();
		for (j = 0; j < sizeof(key); j++)
			key[j] = (uint8_t)rand();
		if (i % 2)
			val[0] = 1, val[1] = val[2] = val[3] = 0; /* a plausible version */
		rc = dsp_pool_hdl_rec_decode(key, kl, val, vl, &pr);
		assert_true(rc == -DER_DF_INVAL || rc == -DER_DF_INCOMPT);
		rc = dsp_cont_hdl_rec_decode(key, kl, val, vl, &cr);
		assert_true(rc == -DER_DF_INVAL || rc == -DER_DF_INCOMPT);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_flipped),
		cmocka_unit_test(test_versions_and_nulls),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests_name("hdl_rec", tests, NULL, NULL);
}
