/*
 * Private to src/object: what the request handlers (obj_srv.c) and the
 * transaction code (obj_tx.c) share.
 */
#ifndef __OBJECT_OBJ_INTERNAL_H__
#define __OBJECT_OBJ_INTERNAL_H__

#include "bio/bio.h"
#include "vos/vos.h"
#include "common/obj_proto.h"

struct rpc_req;

/* ---- per-target read timestamps and commits in progress (obj_tx.c) ---- */

/* Target thread, at start: its transaction state. -DER_NOMEM. */
int          obj_tx_init_tgt(int tgt);
/*
 * Target thread, before a read at epoch (DAOS_EPOCH_MAX: the latest) of the
 * whole object (dkey NULL: listing dkeys) or of one dkey, by transaction
 * txid (0: none): wait while a transaction being committed writes there at
 * an epoch <= the read's, then remember the read so that no later write
 * lands below it. Never fails; may yield.
 */
void         obj_tx_read(int tgt, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey,
			 daos_epoch_t epoch, uint64_t txid);
/* Target thread: the epoch of a write outside transactions to the object
 * (dkey NULL) or a dkey: the clock's now, above every read remembered there. */
daos_epoch_t obj_tx_write_epoch(int tgt, const uuid_t cont, daos_obj_id_t oid,
				const d_iov_t *dkey);
/* Target thread: -DER_TX_RESTART when a change newer than a transaction's
 * epoch hides from its read of dkey (akeys: nr of them, 0: the whole dkey). */
int          obj_tx_read_check(struct vos *vos, const uuid_t cont, daos_obj_id_t oid,
			       const d_iov_t *dkey, unsigned int nr, const d_iov_t *akeys,
			       daos_epoch_t epoch);

/* System thread: DOP_TX_COMMIT; and, at load, the re-application of the
 * transactions a crash interrupted. */
void obj_tx_commit_handler(struct rpc_req *req, void *arg);
/* The request's bulk payload, which must be exactly len bytes, into a new
 * 4 KiB-aligned buffer (*bufp) from bt's cache (bt NULL: none), so values
 * of whole blocks go to DATA uncopied; give it back with bio_buf_put(bt,
 * *bufp, len). -DER_INVAL (other length), -DER_NOMEM, -DER_UNREACH. */
int  obj_bulk_recv(struct rpc_req *req, struct bio_target *bt, uint64_t len, uint8_t **bufp);
int  obj_tx_recover(void);

/* Hashes of (container, object) and of a dkey under it, for per-target tables. */
uint64_t obj_oid_hash(const uuid_t cont, daos_obj_id_t oid);
uint64_t obj_dkey_hash(uint64_t oh, const d_iov_t *dkey);

/* ---- conditional writes against the writes in flight (obj_cond.c) ---- */

#define OBJ_WGUARD_DKEYS 8 /* dkeys a guard names; more: held as the whole object */

/* What one write holds from its checks to its effect. */
struct obj_wguard {
	int      g_tgt;
	bool     g_cond;
	uint32_t g_obj;                   /* object slot */
	uint32_t g_nr;                    /* dkey slots below; 0: the whole object */
	uint32_t g_dk[OBJ_WGUARD_DKEYS];
};

/* Target thread, at start: its tables. -DER_NOMEM. */
int  obj_cond_init_tgt(int tgt);
/* Do an update's or a punch's flags hold a condition? */
bool obj_cond_flags(uint64_t flags);
/*
 * Target thread, before a write checks anything: hold the object's dkeys (nr
 * of them; 0: the whole object) until obj_write_exit, after its effect. A
 * conditional write (cond) first waits for the writes already holding its
 * slots; a plain one waits only while a conditional one waits there. May
 * yield; never fails.
 */
void obj_write_enter(int tgt, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkeys,
		     uint32_t nr, bool cond, struct obj_wguard *g);
void obj_write_exit(struct obj_wguard *g);
/* Target thread: does a write outside transactions hold the slot of the
 * object's dkey (NULL: anything under the object)? Never yields. */
bool obj_write_busy(int tgt, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey);

/* ---- update and punch bodies (obj_srv.c), shared with transactions ---- */

struct ds_cont_tgt_hdl;

/* With server verification on for the container, check each value of a
 * decoded update against the client's checksum: -DER_CSUM, -DER_INVAL. */
int obj_update_verify(const struct ds_cont_tgt_hdl *hdl, const struct dop_io *io,
		      const uint8_t *data);
/* Write a decoded update whose value bytes are data, at epoch; check_only:
 * only what VOS would refuse (vos_obj_update_check), nothing written. */
int obj_update_exec(struct vos *vos, const uuid_t cont, struct dop_io *io, const uint8_t *data,
		    daos_epoch_t epoch, bool check_only);

struct obj_punch {
	uint32_t op_kind;  /* DOP_PUNCH_* */
	uint32_t op_nr;
	d_iov_t *op_keys;  /* dkeys, or the dkey then the akeys; point into the body */
};

/* The rest of a PUNCH body after its head. -DER_PROTO, -DER_INVAL, -DER_NOMEM. */
int  obj_punch_decode(struct ddec *d, struct obj_punch *p);
void obj_punch_fini(struct obj_punch *p);
int  obj_punch_exec(struct vos *vos, const uuid_t cont, daos_obj_id_t oid, uint64_t flags,
		    const struct obj_punch *p, daos_epoch_t epoch);

#endif /* __OBJECT_OBJ_INTERNAL_H__ */
