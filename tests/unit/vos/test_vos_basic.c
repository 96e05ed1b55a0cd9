/* VOS semantics: single values, arrays, punch, conditionals, enumeration, queries, checksums,
 * large values, aggregation, discard and the DRAM cost of a small key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <vos/vos_internal.h>
#include "vos/vos_test_util.h"

static struct test_backend tb;
static struct vos         *vos;

static int
setup(void **state)
{
	struct vos_attr attr = {.va_data = &tb_ops, .va_data_arg = &tb};

	(void)state;
	memset(&tb, 0, sizeof(tb));
	if (vos_open(&attr, &vos) != 0)
		return -1;
	return vos_cont_create(vos, tu_cont);
}

static int
teardown(void **state)
{
	(void)state;
	vos_close(vos);
	tb_fini(&tb);
	return 0;
}

static daos_obj_id_t oid_kv;

static void
test_single_value(void **state)
{
	char     buf[64];
	uint64_t len;

	(void)state;
	oid_kv = tu_oid(1, 0);
	assert_int_equal(tu_put_sv(vos, oid_kv, 10, 0, TU_KEY("d"), TU_KEY("a"), "ten", 3), 0);
	assert_int_equal(tu_put_sv(vos, oid_kv, 20, 0, TU_KEY("d"), TU_KEY("a"), "twenty", 6), 0);
	assert_int_equal(tu_put_sv(vos, oid_kv, 15, 0, TU_KEY("d"), TU_KEY("a"), "fifteen", 7), 0);
	assert_int_equal(tu_get_sv(vos, oid_kv, 5, 0, TU_KEY("d"), TU_KEY("a"), buf, 64, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(tu_get_sv(vos, oid_kv, 12, 0, TU_KEY("d"), TU_KEY("a"), buf, 64, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "ten", 3);
	assert_int_equal(tu_get_sv(vos, oid_kv, 17, 0, TU_KEY("d"), TU_KEY("a"), buf, 64, &len), 0);
	assert_memory_equal(buf, "fifteen", 7);
	assert_int_equal(tu_get_sv(vos, oid_kv, 99, 0, TU_KEY("d"), TU_KEY("a"), buf, 64, &len), 0);
	assert_memory_equal(buf, "twenty", 6);
	/* Too small a buffer: the size is still told. */
	assert_int_equal(tu_get_sv(vos, oid_kv, 99, 0, TU_KEY("d"), TU_KEY("a"), buf, 2, &len),
			 -DER_REC2BIG);
	assert_int_equal(len, 6);
	/* Same epoch again replaces. */
	assert_int_equal(tu_put_sv(vos, oid_kv, 20, 0, TU_KEY("d"), TU_KEY("a"), "TWENTY", 6), 0);
	assert_int_equal(tu_get_sv(vos, oid_kv, 20, 0, TU_KEY("d"), TU_KEY("a"), buf, 64, &len), 0);
	assert_memory_equal(buf, "TWENTY", 6);
	/* Bad arguments. */
	assert_int_equal(tu_put_sv(vos, oid_kv, 0, 0, TU_KEY("d"), TU_KEY("a"), "x", 1), -DER_INVAL);
	{
		struct vos_value v   = {.vv_buf = "abc", .vv_csum = 1234};
		struct vos_iod   iod = {.vi_name = TU_KEY("a"), .vi_type = DAOS_IOD_SINGLE,
					.vi_size = 3, .vi_nr = 1, .vi_vals = &v};
		d_iov_t          dk  = TU_KEY("d");

		assert_int_equal(vos_obj_update(vos, tu_cont, oid_kv, 30, 0, &dk, 1, &iod),
				 -DER_CSUM);
	}
	/* Kind change on a live akey is refused. */
	assert_int_equal(tu_put_ext(vos, oid_kv, 30, TU_KEY("d"), TU_KEY("a"), 1, 0, 2, "xy"),
			 -DER_INVAL);
}

static void
test_array(void **state)
{
	daos_obj_id_t oid = tu_oid(2, 0);
	char          buf[32];
	daos_recx_t   map[8];
	uint32_t      nmap = 8;

	(void)state;
	/* [0,10) at 5, [5,15) at 7, [3,6) at 6, [20,22) at 3. */
	assert_int_equal(tu_put_ext(vos, oid, 5, TU_KEY("d"), TU_KEY("a"), 1, 0, 10, "AAAAAAAAAA"),
			 0);
	assert_int_equal(tu_put_ext(vos, oid, 7, TU_KEY("d"), TU_KEY("a"), 1, 5, 10, "BBBBBBBBBB"),
			 0);
	assert_int_equal(tu_put_ext(vos, oid, 6, TU_KEY("d"), TU_KEY("a"), 1, 3, 3, "CCC"), 0);
	assert_int_equal(tu_put_ext(vos, oid, 3, TU_KEY("d"), TU_KEY("a"), 1, 20, 2, "DD"), 0);
	/* Same epoch overlap with a different range is refused. */
	assert_int_equal(tu_put_ext(vos, oid, 7, TU_KEY("d"), TU_KEY("a"), 1, 14, 2, "EE"),
			 -DER_INVAL);
	assert_int_equal(tu_get_ext(vos, oid, 100, TU_KEY("d"), TU_KEY("a"), 1, 0, 24, buf, map,
				    &nmap),
			 0);
	assert_memory_equal(buf, "AAACCBBBBBBBBBB\0\0\0\0\0DD\0\0", 24);
	assert_int_equal(nmap, 2);
	assert_int_equal(map[0].rx_idx, 0);
	assert_int_equal(map[0].rx_nr, 15);
	assert_int_equal(map[1].rx_idx, 20);
	assert_int_equal(map[1].rx_nr, 2);
	nmap = 8;
	assert_int_equal(tu_get_ext(vos, oid, 6, TU_KEY("d"), TU_KEY("a"), 1, 0, 12, buf, map,
				    &nmap),
			 0);
	assert_memory_equal(buf, "AAACCCAAAA\0\0", 12);
	assert_int_equal(nmap, 1);
	assert_int_equal(map[0].rx_nr, 10);
	nmap = 8;
	assert_int_equal(tu_get_ext(vos, oid, 4, TU_KEY("d"), TU_KEY("a"), 1, 0, 24, buf, map,
				    &nmap),
			 0);
	assert_int_equal(nmap, 1);
	assert_int_equal(buf[20], 'D');
	/* Wrong record size. */
	assert_int_equal(tu_get_ext(vos, oid, 4, TU_KEY("d"), TU_KEY("a"), 2, 0, 2, buf, NULL, NULL),
			 -DER_INVAL);
	/* Multi-byte records. */
	assert_int_equal(tu_put_ext(vos, oid, 5, TU_KEY("d"), TU_KEY("w"), 4, 2, 2, "abcdefgh"), 0);
	assert_int_equal(tu_get_ext(vos, oid, 5, TU_KEY("d"), TU_KEY("w"), 4, 1, 3, buf, NULL, NULL),
			 0);
	assert_memory_equal(buf, "\0\0\0\0abcdefgh", 12);
}

static void
test_punch(void **state)
{
	daos_obj_id_t oid = tu_oid(3, 0);
	d_iov_t       dk  = TU_KEY("d"), ak = TU_KEY("a");
	char          buf[32];
	uint64_t      len;

	(void)state;
	assert_int_equal(tu_put_sv(vos, oid, 10, 0, dk, ak, "v10", 3), 0);
	assert_int_equal(tu_put_sv(vos, oid, 10, 0, dk, TU_KEY("b"), "b10", 3), 0);
	assert_int_equal(vos_obj_punch(vos, tu_cont, oid, 20, 0, &dk, 1, &ak), 0);
	assert_int_equal(tu_get_sv(vos, oid, 19, 0, dk, ak, buf, 32, &len), 0);
	assert_int_equal(len, 3);
	assert_int_equal(tu_get_sv(vos, oid, 20, 0, dk, ak, buf, 32, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(tu_get_sv(vos, oid, 20, 0, dk, TU_KEY("b"), buf, 32, &len), 0);
	assert_int_equal(len, 3);
	assert_int_equal(tu_put_sv(vos, oid, 25, 0, dk, ak, "v25", 3), 0);
	assert_int_equal(tu_get_sv(vos, oid, 30, 0, dk, ak, buf, 32, &len), 0);
	assert_memory_equal(buf, "v25", 3);
	/* dkey punch at 40, object punch at 50. */
	assert_int_equal(vos_obj_punch(vos, tu_cont, oid, 40, 0, &dk, 0, NULL), 0);
	assert_int_equal(tu_get_sv(vos, oid, 45, 0, dk, TU_KEY("b"), buf, 32, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(tu_put_sv(vos, oid, 45, 0, dk, ak, "v45", 3), 0);
	assert_int_equal(vos_obj_punch(vos, tu_cont, oid, 50, 0, NULL, 0, NULL), 0);
	assert_int_equal(tu_get_sv(vos, oid, 49, 0, dk, ak, buf, 32, &len), 0);
	assert_int_equal(len, 3);
	assert_int_equal(tu_get_sv(vos, oid, 50, 0, dk, ak, buf, 32, &len), 0);
	assert_int_equal(len, 0);
	/* Conditional punch of what is not there. */
	assert_int_equal(vos_obj_punch(vos, tu_cont, oid, 60, DAOS_COND_PUNCH, &dk, 0, NULL),
			 -DER_NONEXIST);
	assert_int_equal(vos_obj_punch(vos, tu_cont, oid, 48, DAOS_COND_PUNCH, &dk, 1, &ak), 0);
}

static void
test_conditional(void **state)
{
	daos_obj_id_t oid = tu_oid(4, 0);
	d_iov_t       dk  = TU_KEY("d"), ak = TU_KEY("a");
	char          buf[8];
	uint64_t      len;

	(void)state;
	assert_int_equal(tu_put_sv(vos, oid, 10, DAOS_COND_DKEY_UPDATE, dk, ak, "x", 1),
			 -DER_NONEXIST);
	assert_int_equal(tu_put_sv(vos, oid, 10, DAOS_COND_DKEY_INSERT, dk, ak, "x", 1), 0);
	assert_int_equal(tu_put_sv(vos, oid, 11, DAOS_COND_DKEY_INSERT, dk, ak, "y", 1), -DER_EXIST);
	/* Visibility is judged at the operation's epoch. */
	assert_int_equal(tu_put_sv(vos, oid, 9, DAOS_COND_DKEY_INSERT, dk, TU_KEY("b"), "y", 1), 0);
	assert_int_equal(tu_put_sv(vos, oid, 12, DAOS_COND_AKEY_INSERT, dk, ak, "y", 1), -DER_EXIST);
	assert_int_equal(tu_put_sv(vos, oid, 12, DAOS_COND_AKEY_INSERT, dk, TU_KEY("c"), "y", 1), 0);
	assert_int_equal(tu_put_sv(vos, oid, 12, DAOS_COND_AKEY_UPDATE, dk, TU_KEY("z"), "y", 1),
			 -DER_NONEXIST);
	assert_int_equal(tu_put_sv(vos, oid, 13, DAOS_COND_AKEY_UPDATE, dk, ak, "z", 1), 0);
	assert_int_equal(tu_get_sv(vos, oid, 20, DAOS_COND_AKEY_FETCH, dk, TU_KEY("q"), buf, 8, &len),
			 -DER_NONEXIST);
	assert_int_equal(tu_get_sv(vos, oid, 20, DAOS_COND_DKEY_FETCH, TU_KEY("nod"), ak, buf, 8,
				   &len),
			 -DER_NONEXIST);
	assert_int_equal(tu_get_sv(vos, oid, 20, DAOS_COND_DKEY_FETCH | DAOS_COND_AKEY_FETCH, dk, ak,
				   buf, 8, &len),
			 0);
	assert_int_equal(len, 1);
	/* After a punch, insert is allowed again. */
	assert_int_equal(vos_obj_punch(vos, tu_cont, oid, 30, 0, &dk, 0, NULL), 0);
	assert_int_equal(tu_put_sv(vos, oid, 31, DAOS_COND_DKEY_INSERT, dk, ak, "n", 1), 0);
	/* Per-akey conditions. */
	{
		struct vos_value v[2] = {{.vv_buf = "1", .vv_csum = vos_csum("1", 1)},
					 {.vv_buf = "2", .vv_csum = vos_csum("2", 1)}};
		struct vos_iod   iod[2] = {
                        {.vi_name = TU_KEY("a"), .vi_type = DAOS_IOD_SINGLE, .vi_size = 1,
                         .vi_nr = 1, .vi_vals = &v[0], .vi_flags = DAOS_COND_AKEY_UPDATE},
                        {.vi_name = TU_KEY("new"), .vi_type = DAOS_IOD_SINGLE, .vi_size = 1,
                         .vi_nr = 1, .vi_vals = &v[1], .vi_flags = DAOS_COND_AKEY_INSERT},
                };

		assert_int_equal(vos_obj_update(vos, tu_cont, oid, 32, DAOS_COND_PER_AKEY, &dk, 2,
						iod),
				 0);
		assert_int_equal(vos_obj_update(vos, tu_cont, oid, 33, DAOS_COND_PER_AKEY, &dk, 2,
						iod),
				 -DER_EXIST);
	}
}

static void
test_enumerate(void **state)
{
	daos_obj_id_t       oid = tu_oid(5, DAOS_OT_MULTI_UINT64), ko = tu_oid(6, 0);
	struct vos_key_desc kds[3];
	vos_anchor_t        an = VOS_ANCHOR_INIT;
	uint64_t            keys[] = {300, 1, 70000, 2, 256}, got[8], k, v = 7;
	uint8_t             buf[64], big[200];
	uint32_t            nr, total = 0, i;
	d_iov_t             ak = tu_iov(&v, 8), dk;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_int_equal(tu_put_sv(vos, oid, 10 + i, 0, tu_iov(&keys[i], 8), ak, "x", 1), 0);
	k = 2;
	assert_int_equal(vos_obj_punch(vos, tu_cont, oid, 20, 0, &(d_iov_t){.iov_buf = &k,
						.iov_buf_len = 8, .iov_len = 8}, 0, NULL), 0);
	/* At 100: 1, 256, 300, 70000 (2 is punched), two per call. */
	while (!vos_anchor_is_eof(&an)) {
		nr = 2;
		assert_int_equal(vos_obj_list_keys(vos, tu_cont, oid, 100, NULL, &an, &nr, kds, buf,
						   sizeof(buf)),
				 0);
		assert_true(nr <= 2);
		for (i = 0; i < nr; i++) {
			assert_int_equal(kds[i].kd_len, 8);
			memcpy(&got[total++], buf + 8 * i, 8);
		}
	}
	assert_int_equal(total, 4);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 256);
	assert_int_equal(got[2], 300);
	assert_int_equal(got[3], 70000);
	/* At 11 only 300 and 1 existed. */
	memset(&an, 0, sizeof(an));
	nr = 3;
	assert_int_equal(vos_obj_list_keys(vos, tu_cont, oid, 11, NULL, &an, &nr, kds, buf, 64), 0);
	assert_int_equal(nr, 2);
	assert_true(vos_anchor_is_eof(&an));

	/* Long string keys resume through the hashed anchor; a tiny buffer is KEY2BIG. */
	for (i = 0; i < 4; i++) {
		memset(big, 'k', sizeof(big));
		big[150] = (uint8_t)('0' + i);
		assert_int_equal(tu_put_sv(vos, ko, 5, 0, tu_iov(big, 160), TU_KEY("a"), "x", 1), 0);
	}
	memset(&an, 0, sizeof(an));
	nr = 1;
	assert_int_equal(vos_obj_list_keys(vos, tu_cont, ko, 5, NULL, &an, &nr, kds, buf, 64),
			 -DER_KEY2BIG);
	assert_int_equal(kds[0].kd_len, 160);
	total = 0;
	while (!vos_anchor_is_eof(&an)) {
		nr = 1;
		assert_int_equal(vos_obj_list_keys(vos, tu_cont, ko, 5, NULL, &an, &nr, kds, big,
						   sizeof(big)),
				 0);
		if (nr == 1)
			assert_int_equal(big[150], '0' + total++);
	}
	assert_int_equal(total, 4);
	/* vos_anchor_at: at the long key "..2" itself (hashed), then at a short missing key */
	memset(big, 'k', sizeof(big));
	big[150] = '2';
	assert_int_equal(vos_anchor_at(big, 160, &an), 0);
	nr = 1;
	assert_int_equal(vos_obj_list_keys(vos, tu_cont, ko, 5, NULL, &an, &nr, kds, big, sizeof(big)),
			 0);
	assert_int_equal(nr, 1);
	assert_int_equal(big[150], '2');
	k = 257;
	assert_int_equal(vos_anchor_at(&k, 8, &an), 0);
	nr = 3;
	assert_int_equal(vos_obj_list_keys(vos, tu_cont, oid, 100, NULL, &an, &nr, kds, buf, 64), 0);
	assert_int_equal(nr, 2); /* 300, 70000 */
	memcpy(&k, buf, 8);
	assert_int_equal(k, 300);
	k = 300;
	assert_int_equal(vos_anchor_at(&k, 8, &an), 0);
	nr = 3;
	assert_int_equal(vos_obj_list_keys(vos, tu_cont, oid, 100, NULL, &an, &nr, kds, buf, 64), 0);
	assert_int_equal(nr, 2); /* the key itself first */
	assert_int_equal(vos_anchor_at(NULL, 8, &an), -DER_INVAL);
	assert_int_equal(vos_anchor_at(&k, 0, &an), -DER_INVAL);

	/* Akeys of a dkey, and objects of the container. */
	memset(&an, 0, sizeof(an));
	nr = 3;
	dk = TU_KEY("d");
	assert_int_equal(vos_obj_list_keys(vos, tu_cont, oid_kv, 100, &dk, &an, &nr, kds,
					   buf, 64),
			 0);
	assert_int_equal(nr, 1);
	assert_int_equal(kds[0].kd_type, DAOS_IOD_SINGLE);
	{
		daos_obj_id_t oids[16];

		memset(&an, 0, sizeof(an));
		nr = 16;
		assert_int_equal(vos_cont_list_objs(vos, tu_cont, 100, &an, &nr, oids), 0);
		assert_true(nr >= 5);
	}
}

static void
test_recx_and_query(void **state)
{
	daos_obj_id_t        oid = tu_oid(7, DAOS_OT_ARRAY_BYTE);
	uint64_t             d0 = 0, d1 = 1, d9 = 9;
	struct vos_recx_desc rd[4];
	vos_anchor_t         an = VOS_ANCHOR_INIT;
	d_iov_t              ak = TU_KEY("0"), dk;
	daos_recx_t          rx;
	uint64_t             out = 0;
	char                 akbuf[8];
	d_iov_t              dout = {.iov_buf = &out, .iov_buf_len = 8};
	d_iov_t              aout = {.iov_buf = akbuf, .iov_buf_len = 8};
	uint32_t             nr, total = 0;

	(void)state;
	assert_int_equal(tu_put_ext(vos, oid, 5, tu_iov(&d0, 8), ak, 1, 0, 4, "abcd"), 0);
	assert_int_equal(tu_put_ext(vos, oid, 6, tu_iov(&d0, 8), ak, 1, 2, 4, "EFGH"), 0);
	assert_int_equal(tu_put_ext(vos, oid, 5, tu_iov(&d0, 8), ak, 1, 10, 2, "xy"), 0);
	assert_int_equal(tu_put_ext(vos, oid, 5, tu_iov(&d1, 8), ak, 1, 0, 1, "z"), 0);
	assert_int_equal(tu_put_ext(vos, oid, 7, tu_iov(&d9, 8), ak, 1, 0, 1, "z"), 0);
	/* Pieces: [0,2)@5 [2,6)@6 [10,12)@5 */
	dk = tu_iov(&d0, 8);
	while (!vos_anchor_is_eof(&an)) {
		nr = 2;
		assert_int_equal(vos_obj_list_recx(vos, tu_cont, oid, 10, &dk, &ak, false, &an, &nr,
						   &rd[total]),
				 0);
		total += nr;
	}
	assert_int_equal(total, 3);
	assert_int_equal(rd[0].rd_recx.rx_nr, 2);
	assert_int_equal(rd[1].rd_epoch, 6);
	assert_int_equal(rd[2].rd_recx.rx_idx, 10);
	/* descending, two at a time: the same pieces, last first */
	memset(&an, 0, sizeof(an));
	total = 0;
	while (!vos_anchor_is_eof(&an)) {
		nr = 2;
		assert_int_equal(vos_obj_list_recx(vos, tu_cont, oid, 10, &dk, &ak, true, &an, &nr,
						   &rd[total]),
				 0);
		total += nr;
	}
	assert_int_equal(total, 3);
	assert_int_equal(rd[0].rd_recx.rx_idx, 10);
	assert_int_equal(rd[1].rd_recx.rx_idx, 2);
	assert_int_equal(rd[1].rd_epoch, 6);
	assert_int_equal(rd[2].rd_recx.rx_idx, 0);
	assert_int_equal(rd[2].rd_recx.rx_nr, 2);

	assert_int_equal(vos_obj_query_key(vos, tu_cont, oid, 10, DAOS_GET_DKEY | DAOS_GET_MAX,
					   &dout, NULL, NULL),
			 0);
	assert_int_equal(out, 9);
	assert_int_equal(vos_obj_query_key(vos, tu_cont, oid, 6, DAOS_GET_DKEY | DAOS_GET_MAX,
					   &dout, NULL, NULL),
			 0);
	assert_int_equal(out, 1);
	assert_int_equal(vos_obj_query_key(vos, tu_cont, oid, 10,
					   DAOS_GET_DKEY | DAOS_GET_AKEY | DAOS_GET_RECX |
						   DAOS_GET_MIN,
					   &dout, &aout, &rx),
			 0);
	assert_int_equal(out, 0);
	assert_int_equal(aout.iov_len, 1);
	assert_int_equal(rx.rx_idx, 0);
	assert_int_equal(vos_obj_query_key(vos, tu_cont, oid, 10, DAOS_GET_RECX | DAOS_GET_MAX, &dk,
					   &ak, &rx),
			 0);
	assert_int_equal(rx.rx_idx + rx.rx_nr, 12);
	assert_int_equal(vos_obj_query_key(vos, tu_cont, oid, 4, DAOS_GET_DKEY | DAOS_GET_MAX,
					   &dout, NULL, NULL),
			 -DER_NONEXIST);
}

static void
test_csum_and_large(void **state)
{
	daos_obj_id_t     oid = tu_oid(8, 0);
	static char       big[10000], back[10000];
	char              buf[16];
	uint64_t          len;
	struct vos_cont  *c;
	struct vos_akey  *a;
	struct vos_val   *v;
	struct vos_space  sp;
	int               i;

	(void)state;
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = (char)(i * 7);
	assert_int_equal(tu_put_sv(vos, oid, 5, 0, TU_KEY("d"), TU_KEY("big"), big, sizeof(big)), 0);
	assert_int_equal(tb.tb_allocs, 1);
	assert_int_equal(tu_get_sv(vos, oid, 5, 0, TU_KEY("d"), TU_KEY("big"), back, sizeof(back),
				   &len),
			 0);
	assert_int_equal(len, sizeof(big));
	assert_memory_equal(big, back, sizeof(big));
	assert_int_equal(vos_space_query(vos, &sp), 0);
	assert_int_equal(sp.vs_data_bytes, sizeof(big));

	/* Corrupt an inline value in memory: fetch reports it and returns no data. */
	assert_int_equal(tu_put_sv(vos, oid, 5, 0, TU_KEY("d"), TU_KEY("s"), "hello", 5), 0);
	c = vos_cont_find(vos, tu_cont);
	a = vos_akey_find(vos_dkey_find(vos_obj_find(c, oid), "d", 1), "s", 1);
	v = vos_akey_vals(a)[0];
	((char *)val_data(v))[1] ^= 0x20;
	memset(buf, 0x55, sizeof(buf));
	assert_int_equal(tu_get_sv(vos, oid, 5, 0, TU_KEY("d"), TU_KEY("s"), buf, 16, &len),
			 -DER_CSUM);
	for (i = 0; i < 5; i++)
		assert_int_equal(buf[i], 0);
	/* Same for the large value in the backend. */
	tb.tb_ext[0].te_buf[3] ^= 1;
	assert_int_equal(tu_get_sv(vos, oid, 5, 0, TU_KEY("d"), TU_KEY("big"), back, sizeof(back),
				   &len),
			 -DER_CSUM);
	/* Without a backend, large values are refused. */
	{
		struct vos *nb;

		assert_int_equal(vos_open(NULL, &nb), 0);
		assert_int_equal(vos_cont_create(nb, tu_cont), 0);
		assert_int_equal(tu_put_sv(nb, oid, 5, 0, TU_KEY("d"), TU_KEY("b"), big, sizeof(big)),
				 -DER_NOTSUPPORTED);
		vos_close(nb);
	}
}

static void
test_aggregate(void **state)
{
	daos_obj_id_t    oid   = tu_oid(9, 0);
	daos_epoch_t     snaps[] = {15};
	struct vos_agg  *ag;
	struct vos_space before, after;
	char             buf[64];
	uint64_t         len;
	d_iov_t          dk = TU_KEY("d"), ak = TU_KEY("s");
	int              e, rc;

	(void)state;
	for (e = 10; e < 30; e++) {
		char v[8];

		snprintf(v, sizeof(v), "v%d", e);
		assert_int_equal(tu_put_sv(vos, oid, e, 0, TU_KEY("d"), TU_KEY("s"), v, 3), 0);
		assert_int_equal(tu_put_ext(vos, oid, e, TU_KEY("d"), TU_KEY("a"), 1, e - 10, 3, v),
				 0);
	}
	assert_int_equal(vos_obj_punch(vos, tu_cont, oid, 26, 0, &dk, 1, &ak), 0);
	assert_int_equal(vos_space_query(vos, &before), 0);
	assert_int_equal(vos_aggregate_start(vos, tu_cont, 25, snaps, 1, &ag), 0);
	while ((rc = vos_agg_step(ag, 1)) == 0)
		;
	assert_int_equal(rc, 1);
	vos_agg_end(ag);
	assert_int_equal(vos_space_query(vos, &after), 0);
	assert_true(after.vs_values < before.vs_values);
	/* The snapshot and everything from the bound up read as before. */
	assert_int_equal(tu_get_sv(vos, oid, 15, 0, TU_KEY("d"), TU_KEY("s"), buf, 64, &len), 0);
	assert_memory_equal(buf, "v15", 3);
	assert_int_equal(tu_get_sv(vos, oid, 25, 0, TU_KEY("d"), TU_KEY("s"), buf, 64, &len), 0);
	assert_memory_equal(buf, "v25", 3);
	assert_int_equal(tu_get_sv(vos, oid, 26, 0, TU_KEY("d"), TU_KEY("s"), buf, 64, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(tu_get_ext(vos, oid, 15, TU_KEY("d"), TU_KEY("a"), 1, 0, 8, buf, NULL, NULL),
			 0);
	assert_memory_equal(buf, "vvvvvv15", 8);
	assert_int_equal(tu_get_ext(vos, oid, 29, TU_KEY("d"), TU_KEY("a"), 1, 0, 22, buf, NULL,
				    NULL),
			 0);
	assert_memory_equal(buf, "vvvvvvvvvvvvvvvvvvvv29", 22);

	/* Discard [27, 29]: what was written there disappears. */
	{
		daos_epoch_range_t epr = {27, 29};

		assert_int_equal(vos_discard_start(vos, tu_cont, &epr, &ag), 0);
		while ((rc = vos_agg_step(ag, 1)) == 0)
			;
		assert_int_equal(rc, 1);
		vos_agg_end(ag);
	}
	assert_int_equal(tu_get_ext(vos, oid, 100, TU_KEY("d"), TU_KEY("a"), 1, 0, 22, buf, NULL,
				    NULL),
			 0);
	assert_memory_equal(buf, "vvvvvvvvvvvvvvvvv26\0\0\0", 22);
}

/* What runs while the fetch below waits for its first read: the second
 * extent is overwritten and aggregation drops it, freeing its value. */
static void
agg_during_read(void *arg)
{
	daos_obj_id_t  *oid = arg;
	static uint8_t  d[8192];
	struct vos_agg *ag;
	int             rc;

	memset(d, 'D', sizeof(d));
	assert_int_equal(tu_put_ext(vos, *oid, 13, TU_KEY("d"), TU_KEY("a"), 1, 8192, 8192, d), 0);
	assert_int_equal(vos_aggregate_start(vos, tu_cont, 50, NULL, 0, &ag), 0);
	while ((rc = vos_agg_step(ag, 8)) == 0)
		;
	assert_int_equal(rc, 1);
	vos_agg_end(ag);
}

/*
 * A fetch reads DATA piece by piece, yielding at each read; another ULT may
 * meanwhile overwrite and aggregate what it is reading. The fetch returns
 * what was there when it started, reads no freed memory (this was a
 * use-after-free, found by ASan in the libdaos model test), and the DATA the
 * dropped value used is freed only once the fetch is done.
 */
static void
test_fetch_meets_aggregation(void **state)
{
	daos_obj_id_t   oid = tu_oid(11, 0);
	static uint8_t  b[8192], c[8192], out[16384];
	uint64_t        frees;

	(void)state;
	memset(b, 'B', sizeof(b));
	memset(c, 'C', sizeof(c));
	assert_int_equal(tu_put_ext(vos, oid, 11, TU_KEY("d"), TU_KEY("a"), 1, 0, 8192, b), 0);
	assert_int_equal(tu_put_ext(vos, oid, 12, TU_KEY("d"), TU_KEY("a"), 1, 8192, 8192, c), 0);
	frees               = tb.tb_frees;
	tb.tb_read_hook     = agg_during_read;
	tb.tb_read_hook_arg = &oid;
	assert_int_equal(tu_get_ext(vos, oid, 100, TU_KEY("d"), TU_KEY("a"), 1, 0, 16384, out,
				    NULL, NULL),
			 0);
	assert_null(tb.tb_read_hook);
	assert_memory_equal(out, b, sizeof(b));
	assert_memory_equal(out + 8192, c, sizeof(c));
	assert_true(tb.tb_frees > frees); /* C's DATA, once the fetch ended */
	/* and a fetch now sees the overwrite */
	assert_int_equal(tu_get_ext(vos, oid, 100, TU_KEY("d"), TU_KEY("a"), 1, 8192, 8192, out,
				    NULL, NULL),
			 0);
	memset(c, 'D', sizeof(c));
	assert_memory_equal(out, c, sizeof(c));
}

/* DRAM per small key: 100k dkeys, one akey each holding a 64-byte single value. */
static int64_t mem_bytes;

static void
mem_alloc(void *arg, size_t size)
{
	(void)arg;
	mem_bytes += size;
}

static void
mem_free(void *arg, size_t size)
{
	(void)arg;
	mem_bytes -= size;
}

static void
test_dram_per_key(void **state)
{
	struct vos   *m;
	daos_obj_id_t oid = tu_oid(1, 0);
	char          key[32], val[64];
	int64_t       base;
	double        per;
	int           i, nkeys = 100000;

	(void)state;
	memset(val, 'v', sizeof(val));
	assert_int_equal(vos_open(NULL, &m), 0);
	assert_int_equal(vos_cont_create(m, tu_cont), 0);
	d_set_alloc_track_cb(mem_alloc, mem_free, NULL);
	base = mem_bytes;
	for (i = 0; i < nkeys; i++) {
		snprintf(key, sizeof(key), "dkey-%08d", i * 7919 % nkeys);
		assert_int_equal(tu_put_sv(m, oid, 1 + i % 5, 0, TU_KEY(key), TU_KEY("akey"), val,
					   sizeof(val)),
				 0);
	}
	per = (double)(mem_bytes - base) / nkeys;
	d_set_alloc_track_cb(NULL, NULL, NULL);
	print_message("VOS DRAM per small key (13-byte dkey, 4-byte akey, 64-byte value): "
		      "%.1f bytes\n", per);
	assert_true(per <= 256.0);
	vos_close(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_value),
		cmocka_unit_test(test_array),
		cmocka_unit_test(test_punch),
		cmocka_unit_test(test_conditional),
		cmocka_unit_test(test_enumerate),
		cmocka_unit_test(test_recx_and_query),
		cmocka_unit_test(test_csum_and_large),
		cmocka_unit_test(test_aggregate),
		cmocka_unit_test(test_fetch_meets_aggregation),
		cmocka_unit_test(test_dram_per_key),
	};

	return cmocka_run_group_tests_name("vos_basic", tests, setup, teardown);
}
