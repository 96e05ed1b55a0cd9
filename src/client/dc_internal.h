/*
 * dc_internal.h - libdaos's private state: the process-wide client, handles,
 * events, and the operation driver every API call runs on.
 *
 * HOW A CALL RUNS
 * An API call checks its arguments, makes a struct dc_op bound to its event
 * (the caller's, or a private one for a blocking call), and starts one or
 * more RPCs with dc_op_rpc(). Their replies are handled inside progress
 * (daos_eq_poll, daos_event_test, or the blocking call's own wait): each
 * reply runs its decode callback; when the last RPC of a stage is back, the
 * op's dc_op_stage_t runs, which starts the next stage or finishes the op
 * with dc_op_finish(). Finishing completes the event (error code, completion
 * callback, parent accounting, EQ completion list). No thread runs behind
 * the caller's back.
 *
 * RESTARTS
 * Pool and container handles live on in the server's system database, so a
 * restarted server (clean stop or kill -9) still knows them. A request that
 * fails because the server went away (-DER_UNREACH: the connection broke or
 * does not connect; -DER_SHUTDOWN: a stopping server refused it, unexecuted)
 * is not failed: progress asks the access point again for the workers'
 * addresses (DC_RETRY_MIN_MS, doubling to DC_RETRY_MAX_MS, between rounds)
 * and, once the server answers, sends it again with the same body and
 * buffers; the op goes on as if nothing had happened. A request still
 * waiting DC_RECONNECT_TIMEOUT_ENV seconds (default
 * DC_RECONNECT_TIMEOUT_DEFAULT; 0 turns resending off) after its first
 * failure ends with that error, as do those waiting at daos_fini.
 * Resending is safe because the requests are idempotent as the server
 * handles them: connect and open name their handle, so a repeat finds it;
 * a repeated disconnect or close gets -DER_NO_HDL, taken as done; an update
 * writes the same values again. Not idempotent, and what may be seen when
 * the server died after executing but before replying: a transaction
 * commit (not resent: -DER_UNREACH, outcome unknown), a container create
 * (-DER_EXIST), a container destroy (-DER_NONEXIST, which the destroy then
 * takes as done: dc_op.op_resent), a conditional insert
 * (-DER_EXIST), a snapshot (a second one at a later epoch), an oid range (a
 * second range; ids are never handed out twice).
 *
 * LOCKING
 * One mutex (dc_lock) guards all client state and the transport context.
 * Progress holds it while it polls, with a short timeout, so several
 * application threads take turns; a single-threaded program never waits.
 */
#ifndef __CLIENT_DC_INTERNAL_H__
#define __CLIENT_DC_INTERNAL_H__

#include <daos.h>
#include <gurt/hash.h>
#include <gurt/list.h>
#include "rpc/rpc.h"
#include "common/proto.h"
#include "dc_sys.h"

/* ---- the process-wide client ---- */

#define DC_RECONNECT_TIMEOUT_ENV     "DSTOR_RECONNECT_TIMEOUT" /* seconds, see RESTARTS */
#define DC_RECONNECT_TIMEOUT_DEFAULT 60

void dc_lock(void);
void dc_unlock(void);
/* Lock held: the attached system (attaching on first use). */
int  dc_sys_get(struct dc_sys **sysp);
/* Lock held: 0 if daos_init was called, else -DER_UNINIT. */
int  dc_initialized(void);

/* ---- handles ---- */

struct dc_hdl {
	struct d_hlink dh_hlink;
	int            dh_type; /* DAOS_HTYPE_* */
	void         (*dh_free)(struct dc_hdl *h);
};

/* Give h a handle of type (one reference held by the table). */
void           dc_hdl_insert(struct dc_hdl *h, int type, void (*free_fn)(struct dc_hdl *h),
			     daos_handle_t *hdl);
/* The object behind hdl with a reference (dc_hdl_put), or NULL if hdl is not
 * a live handle of that type. */
struct dc_hdl *dc_hdl_get(daos_handle_t hdl, int type);
void           dc_hdl_put(struct dc_hdl *h);
/* Remove the handle (the object lives until its last reference goes). */
void           dc_hdl_delete(struct dc_hdl *h);

/* ---- pools and containers ---- */

struct dc_pool {
	struct dc_hdl dp_hdl;
	uuid_t        dp_uuid;
	uuid_t        dp_poh;        /* the handle's uuid, as the pool service knows it */
	uint64_t      dp_flags;      /* DAOS_PC_* */
	uint32_t      dp_nr_targets;
	uint32_t      dp_map_version;
	bool          dp_global;     /* from global2local: disconnect is local only */
	uint32_t      dp_nconts;     /* container handles open on it */
};

struct dc_cont {
	struct dc_hdl   dc_hdl;
	struct dc_pool *dc_pool;       /* a reference */
	uuid_t          dc_uuid;
	uuid_t          dc_coh;
	uint64_t        dc_flags;      /* DAOS_COO_* */
	uint32_t        dc_csum;       /* DAOS_PROP_CO_CSUM_* */
	uint32_t        dc_csum_chunk;
	bool            dc_srv_verify;
	bool            dc_global;
	uint32_t        dc_nobjs;      /* object handles open on it */
};

/* Lock held: the object behind a handle, with a reference, or NULL. */
struct dc_pool *dc_pool_get(daos_handle_t poh);
void            dc_pool_put(struct dc_pool *pool);
struct dc_cont *dc_cont_get(daos_handle_t coh);
void            dc_cont_put(struct dc_cont *cont);

/* local2global: hand the packed handle in e to the caller's glob (a NULL
 * iov_buf asks for the size, as DAOS does); e is consumed. -DER_TRUNC. */
int dc_glob_export(struct denc *e, d_iov_t *glob);

/* ---- events ---- */

struct dc_op;

/* What the library keeps in daos_event_t.ev_private (160 bytes). */
struct dc_event {
	uint32_t             de_magic;
	uint32_t             de_status;    /* daos_ev_status_t */
	struct dc_eq        *de_eq;        /* NULL: a private event of a blocking call */
	struct dc_event     *de_parent;
	d_list_t             de_children;  /* parent: its children */
	d_list_t             de_sibling;   /* child: in the parent's de_children */
	d_list_t             de_link;      /* in its EQ's running or completed list */
	uint32_t             de_nchild;
	uint32_t             de_nchild_running;
	daos_event_comp_cb_t de_cb;
	void                *de_cb_arg;
	struct dc_op        *de_op;        /* the operation running on it */
	int                  de_child_rc;  /* first error of the children */
	bool                 de_barrier;   /* parent with no work of its own */
};

struct dc_eq {
	struct dc_hdl eq_hdl;
	d_list_t      eq_running;
	d_list_t      eq_completed;
	uint32_t      eq_nrunning;
	uint32_t      eq_ncompleted;
};

/* Lock held: the library's part of ev, or NULL if ev was not initialised. */
struct dc_event *dc_event_get(daos_event_t *ev);
daos_event_t    *dc_event_of(struct dc_event *de);
/* Lock held: progress for at most timeout_ms. */
int              dc_progress(int timeout_ms);

/* ---- operations ---- */

typedef void (*dc_op_stage_t)(struct dc_op *op);
/* Decode a reply; return 0 or an error that becomes the op's result. */
typedef int (*dc_op_reply_t)(struct dc_op *op, struct rpc_call *call, void *arg);

struct dc_op {
	struct dc_op  *op_parent;   /* a child op: counts as one request of its parent */
	daos_event_t  *op_ev;
	int            op_rc;       /* first error of the op so far */
	uint32_t       op_pending;  /* RPCs in flight */
	dc_op_stage_t  op_stage;    /* runs when op_pending drops to 0; NULL: finish */
	dc_op_stage_t  op_on_fail;  /* instead, once, if the op failed (it may clear op_rc) */
	void          *op_priv;     /* the call's own state (freed by op_free) */
	void         (*op_free)(void *priv);
	bool           op_aborted;
	bool           op_resent;   /* a request of it went again after a restart, when the
				     * server may have executed the first (dc_internal.h RESTARTS) */
	daos_event_t   op_own_ev;   /* a blocking call's private event */
};

/*
 * Start an operation on ev (NULL: a blocking call; then dc_op_wait() must
 * follow). On error nothing was started and priv is still the caller's.
 * -DER_INVAL (ev not initialised or already running), -DER_NOMEM.
 */
int  dc_op_create(daos_event_t *ev, void *priv, void (*free_fn)(void *priv), struct dc_op **opp);
/*
 * A child op of parent (for calls made of other calls: arrays, KV): it runs
 * like any op, and its end counts as one finished request of the parent,
 * passing its error on. On error nothing was started.
 */
int  dc_op_create_child(struct dc_op *parent, void *priv, void (*free_fn)(void *priv),
			struct dc_op **opp);
/* Send one request of the op. Its reply runs reply_cb (may be NULL) in
 * progress. body is copied. A failure to start is recorded as the op's error. */
void dc_op_rpc(struct dc_op *op, int worker, uint16_t opc, struct denc *body,
	       const d_sg_list_t *bulk_out, d_sg_list_t *bulk_in, dc_op_reply_t reply_cb,
	       void *arg);
/* Record an error (the first one wins). */
void dc_op_fail(struct dc_op *op, int rc);
/* Call when the op has started all it wants for now: if nothing is in flight,
 * the stage (or the finish) runs at once. */
void dc_op_launch(struct dc_op *op);
/* Finish with rc (or the recorded error): completes the event, frees the op. */
void dc_op_finish(struct dc_op *op, int rc);
/* A blocking call: progress until the op's private event completes, return its
 * result. Lock held. */
int  dc_op_wait(struct dc_op *op);

/*
 * Object calls as parts of a bigger call: with parent, the object call runs
 * as a child op of parent (ev unused); without, exactly as the public call.
 * kind of dc_obj_punch: DOP_PUNCH_* (common/obj_proto.h). The buffers must
 * live until the parent completes.
 */
int dc_obj_update(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh, daos_handle_t th,
		  uint64_t flags, daos_key_t *dkey, unsigned int nr, daos_iod_t *iods,
		  d_sg_list_t *sgls);
int dc_obj_fetch(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh, daos_handle_t th,
		 uint64_t flags, daos_key_t *dkey, unsigned int nr, daos_iod_t *iods,
		 d_sg_list_t *sgls, daos_iom_t *ioms);
int dc_obj_punch(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh, daos_handle_t th,
		 uint64_t flags, uint32_t kind, daos_key_t *dkey, unsigned int nr,
		 daos_key_t *keys);
int dc_obj_query_key(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh,
		     daos_handle_t th, uint64_t flags, daos_key_t *dkey, daos_key_t *akey,
		     daos_recx_t *recx);
/* The newest epoch of any value or punch of the object, over all its groups. */
int dc_obj_query_max_epoch(struct dc_op *parent, daos_event_t *ev, daos_handle_t oh,
			   daos_handle_t th, daos_epoch_t *epoch);

/* ---- transactions (dc_tx.c) ---- */

struct dc_tx;

/* Lock held: the transaction behind th with a reference (dc_tx_put), or NULL. */
struct dc_tx *dc_tx_get(daos_handle_t th);
void          dc_tx_put(struct dc_tx *tx);
/* May an operation on an object of cont join the transaction now? -DER_INVAL
 * (another container), -DER_NO_PERM (a write in a read-only or snapshot
 * transaction; committed or aborted), -DER_TX_RESTART (it failed: restart
 * first), -DER_INPROGRESS (committing). */
int           dc_tx_check(struct dc_tx *tx, const struct dc_cont *cont, bool write);
/* The epoch its reads use, chosen by the first operation that asks. */
daos_epoch_t  dc_tx_epoch(struct dc_tx *tx);
/* The id its reads carry to the targets (0: a transaction that cannot write). */
uint64_t      dc_tx_read_id(const struct dc_tx *tx);
/* Add an operation (DOP_TXO_*, the body of the request it stands for, to
 * worker); body is consumed. -DER_OVERFLOW (the transaction is too big), -DER_NOMEM. */
int           dc_tx_add(struct dc_tx *tx, uint32_t kind, int worker, struct denc *body);
/* An operation of the transaction ended with rc: -DER_TX_RESTART fails it. */
void          dc_tx_fail(struct dc_tx *tx, int rc);

/*
 * The shape every API call takes: lock, check, build, run; for a blocking
 * call (ev NULL) wait and return the result, else return 0 (the result goes
 * to the event).
 */
int  dc_op_run(struct dc_op *op, daos_event_t *ev);
/* For a call whose work is done already, synchronously: ev NULL, return rc;
 * else complete ev with rc (its error) and return 0, or the failure to. */
int  dc_ev_complete(daos_event_t *ev, int rc);

/*
 * Blocking: up to *nr objects of target tgt with something visible at epoch,
 * after anchor (zeroed at first; EOF at the end); *nr returns how many. The
 * object ID tables (dc_oit.c) are built from these.
 */
int dc_cont_list_objs(daos_handle_t coh, uint32_t tgt, daos_epoch_t epoch, daos_anchor_t *anchor,
		      daos_obj_id_t *oids, uint32_t *nr);

/* ---- user attributes (dc_attr.c): what pools and containers share ---- */

struct dc_attr_out {
	void    *ao_buf;   /* list: the names buffer; get: the value buffers */
	size_t  *ao_sizes; /* list: its size (in: room, out: need); get: each value's */
	uint32_t ao_n;     /* get: how many names were asked */
};

/* A reply decoder for calls whose reply carries nothing but its status. */
int  dc_reply_status(struct dc_op *op, struct rpc_call *call, void *arg);
/* n names (and, to set, their values): -DER_INVAL for what the server refuses. */
int  dc_attr_check(int n, char const *const names[], void const *const values[],
		   size_t const sizes[], bool set);
/* The names (and values, unless NULL) after the handle's head. */
void dc_attr_encode(struct denc *e, int n, char const *const names[],
		    void const *const values[], size_t const sizes[]);
/* Reply decoders for dc_op_rpc; arg: the op's struct dc_attr_out. */
int  dc_attr_list_reply(struct dc_op *op, struct rpc_call *call, void *arg);
int  dc_attr_get_reply(struct dc_op *op, struct rpc_call *call, void *arg);

#endif /* __CLIENT_DC_INTERNAL_H__ */
