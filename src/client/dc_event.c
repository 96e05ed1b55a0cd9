/*
 * libdaos core: daos_init/fini, handles, event queues and events, and the
 * operation driver (dc_internal.h says how a call runs).
 */
#include <pthread.h>
#include <gurt/dlog.h>
#include "common/obj_proto.h"
#include "dc_internal.h"

#define DC_EVENT_MAGIC   0x64634576u /* "dcEv" */
#define DC_POLL_SLICE_MS 10          /* longest a progress call holds the lock while sleeping */
#define DC_RETRY_MIN_MS  10          /* first pause between resend rounds, doubling ... */
#define DC_RETRY_MAX_MS  500         /* ... up to this */

/* recursive: calls made of other calls (arrays, KV) re-enter the library */
static pthread_mutex_t dc_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static int             dc_refcount;
static struct dc_sys  *dc_system;
static struct d_hhash *dc_hhash;

/* Requests waiting to be sent again (struct dc_rpc), see dc_rpc_retry. */
static d_list_t dc_retries = D_LIST_HEAD_INIT(dc_retries);
static uint64_t dc_retry_next_us;  /* no resend round before */
static uint32_t dc_retry_delay_ms; /* pause after the current round (0: none yet) */
static uint64_t dc_retry_window_us = (uint64_t)DC_RECONNECT_TIMEOUT_DEFAULT * 1000000;

static void dc_retries_flush(void);
static void dc_retry_run(void);

D_CASSERT(sizeof(struct dc_event) <= sizeof(((daos_event_t *)0)->ev_private));

void
dc_lock(void)
{
	pthread_mutex_lock(&dc_mutex);
}

void
dc_unlock(void)
{
	pthread_mutex_unlock(&dc_mutex);
}

int
dc_initialized(void)
{
	return dc_refcount > 0 ? 0 : -DER_UNINIT;
}

int
dc_sys_get(struct dc_sys **sysp)
{
	int rc;

	if (dc_refcount == 0)
		return -DER_UNINIT;
	if (dc_system == NULL) {
		rc = dc_sys_attach(NULL, 0, &dc_system);
		if (rc != 0) {
			DL_ERROR(rc, "cannot reach the system (set " DC_SYS_ENV_ACCESS_POINTS ")");
			return rc;
		}
	}
	*sysp = dc_system;
	return 0;
}

/* ---- init / fini ---- */

int
daos_init(void)
{
	int rc = 0;

	dc_lock();
	if (dc_refcount == 0) {
		unsigned int secs = DC_RECONNECT_TIMEOUT_DEFAULT;

		d_getenv_uint(DC_RECONNECT_TIMEOUT_ENV, &secs);
		dc_retry_window_us = (uint64_t)secs * 1000000;
		rc = d_log_init();
		if (rc == 0) {
			rc = d_hhash_create(D_HASH_FT_NOLOCK, D_HHASH_BITS, &dc_hhash);
			if (rc != 0)
				d_log_fini();
		}
	}
	if (rc == 0)
		dc_refcount++;
	dc_unlock();
	return rc;
}

int
daos_fini(void)
{
	int rc = 0;

	dc_lock();
	if (dc_refcount == 0) {
		rc = -DER_UNINIT;
	} else if (--dc_refcount == 0) {
		struct dc_sys *sys = dc_system;

		/*
		 * The transport first: destroying it ends the calls still in
		 * flight, whose ops then finish (-DER_UNINIT for a next stage)
		 * and put their handles, so the handle table must still exist.
		 */
		dc_system = NULL;
		dc_sys_detach(sys);
		/* requests waiting for a restarted server end with their last error */
		dc_retries_flush();
		d_hhash_destroy(dc_hhash);
		dc_hhash = NULL;
		d_log_fini();
	}
	dc_unlock();
	return rc;
}

/*
 * In a child after fork(): the parent's transport (its UCX worker, sockets
 * and calls in flight) stays the parent's. It is left as the fork copied it,
 * never torn down from here: that would close the parent's connections. The
 * child attaches afresh at its next call. Pool and container handles stay
 * usable and behave as handles from global2local: closing them in the child
 * is local, only the parent's close releases them on the server. Event queues
 * and events from before the fork must not be used: their calls were the
 * parent's.
 */
static int
dc_reinit_hdl(struct d_hlink *hl, void *arg)
{
	struct dc_hdl *h = container_of(hl, struct dc_hdl, dh_hlink);

	(void)arg;
	if (h->dh_type == DAOS_HTYPE_POOL)
		container_of(h, struct dc_pool, dp_hdl)->dp_global = true;
	else if (h->dh_type == DAOS_HTYPE_CO)
		container_of(h, struct dc_cont, dc_hdl)->dc_global = true;
	return 0;
}

int
daos_reinit(void)
{
	pthread_mutexattr_t attr;
	int                 rc = 0;

	/* a parent's thread may have held the lock at fork(); it has no thread here */
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&dc_mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	dc_lock();
	if (dc_refcount == 0) {
		rc = -DER_UNINIT;
	} else {
		dc_system = NULL; /* the parent's; its memory and descriptors are left alone */
		D_INIT_LIST_HEAD(&dc_retries);
		dc_retry_delay_ms = 0;
		d_hhash_traverse(dc_hhash, DAOS_HTYPE_POOL, dc_reinit_hdl, NULL);
		d_hhash_traverse(dc_hhash, DAOS_HTYPE_CO, dc_reinit_hdl, NULL);
	}
	dc_unlock();
	return rc;
}

/* ---- handles ---- */

static void
dc_hlink_free(struct d_hlink *hl)
{
	struct dc_hdl *h = container_of(hl, struct dc_hdl, dh_hlink);

	h->dh_free(h);
}

static struct d_hlink_ops dc_hlink_ops = {.hop_free = dc_hlink_free};

void
dc_hdl_insert(struct dc_hdl *h, int type, void (*free_fn)(struct dc_hdl *h), daos_handle_t *hdl)
{
	h->dh_type = type;
	h->dh_free = free_fn;
	d_hhash_hlink_init(&h->dh_hlink, &dc_hlink_ops);
	d_hhash_link_insert(dc_hhash, &h->dh_hlink, type);
	/* the table holds its own reference; drop the creator's */
	d_hhash_link_key(&h->dh_hlink, &hdl->cookie);
	d_hhash_link_putref(dc_hhash, &h->dh_hlink);
}

struct dc_hdl *
dc_hdl_get(daos_handle_t hdl, int type)
{
	struct d_hlink *hl;

	if (dc_hhash == NULL || hdl.cookie == 0 || d_hhash_key_type(hdl.cookie) != type)
		return NULL;
	hl = d_hhash_link_lookup(dc_hhash, hdl.cookie);
	return hl == NULL ? NULL : container_of(hl, struct dc_hdl, dh_hlink);
}

void
dc_hdl_put(struct dc_hdl *h)
{
	d_hhash_link_putref(dc_hhash, &h->dh_hlink);
}

void
dc_hdl_delete(struct dc_hdl *h)
{
	d_hhash_link_delete(dc_hhash, &h->dh_hlink);
}

/* ---- event queues ---- */

static void
eq_free(struct dc_hdl *h)
{
	D_FREE(h);
}

int
daos_eq_create(daos_handle_t *eqh)
{
	struct dc_eq *eq;
	int           rc;

	if (eqh == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	D_ALLOC_PTR(eq);
	if (eq == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	D_INIT_LIST_HEAD(&eq->eq_running);
	D_INIT_LIST_HEAD(&eq->eq_completed);
	dc_hdl_insert(&eq->eq_hdl, DAOS_HTYPE_EQ, eq_free, eqh);
out:
	dc_unlock();
	return rc;
}

static struct dc_eq *
eq_get(daos_handle_t eqh)
{
	struct dc_hdl *h = dc_hdl_get(eqh, DAOS_HTYPE_EQ);

	return h == NULL ? NULL : container_of(h, struct dc_eq, eq_hdl);
}

int
daos_eq_destroy(daos_handle_t eqh, int flags)
{
	struct dc_eq    *eq;
	struct dc_event *de, *tmp;
	int              rc = 0;

	dc_lock();
	eq = eq_get(eqh);
	if (eq == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	if ((eq->eq_nrunning > 0 || eq->eq_ncompleted > 0) && !(flags & DAOS_EQ_DESTROY_FORCE)) {
		rc = -DER_BUSY;
		goto out;
	}
	/* forced: events still running are aborted, completed ones forgotten */
	d_list_for_each_entry_safe(de, tmp, &eq->eq_running, de_link) {
		if (de->de_op != NULL)
			de->de_op->op_aborted = true;
		d_list_del_init(&de->de_link);
		de->de_eq = NULL;
	}
	d_list_for_each_entry_safe(de, tmp, &eq->eq_completed, de_link) {
		d_list_del_init(&de->de_link);
		de->de_eq = NULL;
	}
	dc_hdl_delete(&eq->eq_hdl);
out:
	dc_hdl_put(&eq->eq_hdl);
	dc_unlock();
	return rc;
}

int
dc_progress(int timeout_ms)
{
	struct dc_sys *sys;
	int            rc;

	if (dc_system == NULL)
		return 0; /* nothing can be in flight before the first attach */
	sys = dc_system;
	rc  = rpc_progress(dc_sys_rpc_ctx(sys), timeout_ms);
	dc_retry_run();
	return rc < 0 ? rc : 0;
}

/* Move up to n completed events of eq to evs. */
static int
eq_reap(struct dc_eq *eq, unsigned int n, daos_event_t **evs)
{
	struct dc_event *de, *tmp;
	int              got = 0;

	d_list_for_each_entry_safe(de, tmp, &eq->eq_completed, de_link) {
		if ((unsigned int)got >= n)
			break;
		d_list_del_init(&de->de_link);
		eq->eq_ncompleted--;
		evs[got++] = dc_event_of(de);
	}
	return got;
}

static uint64_t
dc_now_us(void)
{
	return d_timeus_secdiff(0);
}

int
daos_eq_poll(daos_handle_t eqh, int wait_running, int64_t timeout, unsigned int nevents,
	     daos_event_t **events)
{
	struct dc_eq *eq;
	uint64_t      deadline = 0;
	int           got, rc = 0;

	if (nevents == 0 || events == NULL)
		return -DER_INVAL;
	if (timeout > 0)
		deadline = dc_now_us() + (uint64_t)timeout;
	dc_lock();
	eq = eq_get(eqh);
	if (eq == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	for (;;) {
		got = eq_reap(eq, nevents, events);
		if (got > 0)
			break;
		/* wait_running: return at once when nothing is in flight */
		if (wait_running && eq->eq_nrunning == 0)
			break;
		if (timeout == 0)
			break;
		if (timeout > 0 && dc_now_us() >= deadline)
			break;
		rc = dc_progress(timeout < 0 ? DC_POLL_SLICE_MS
					     : (int)MIN((int64_t)DC_POLL_SLICE_MS,
							(int64_t)(deadline - dc_now_us()) / 1000 + 1));
		if (rc != 0)
			break;
		if (got == 0 && timeout == 0)
			break;
		/* give other threads a turn at the lock */
		dc_unlock();
		dc_lock();
		if (eq_get(eqh) != eq) {
			rc = -DER_NO_HDL;
			break;
		}
		dc_hdl_put(&eq->eq_hdl);
	}
	if (rc == 0) {
		/* one more non-blocking pass so fast completions are not missed */
		if (got == 0 && timeout == 0) {
			dc_progress(0);
			got = eq_reap(eq, nevents, events);
		}
	}
	dc_hdl_put(&eq->eq_hdl);
	dc_unlock();
	return rc != 0 ? rc : got;
}

int
daos_eq_query(daos_handle_t eqh, daos_eq_query_t query, unsigned int nevents,
	      daos_event_t **events)
{
	struct dc_eq    *eq;
	struct dc_event *de;
	unsigned int     n = 0;

	if ((query & DAOS_EQR_ALL) == 0)
		return -DER_INVAL;
	dc_lock();
	eq = eq_get(eqh);
	if (eq == NULL) {
		dc_unlock();
		return -DER_NO_HDL;
	}
	if (query & DAOS_EQR_COMPLETED) {
		d_list_for_each_entry(de, &eq->eq_completed, de_link) {
			if (events != NULL && n < nevents)
				events[n] = dc_event_of(de);
			n++;
		}
	}
	if (query & DAOS_EQR_WAITING) {
		d_list_for_each_entry(de, &eq->eq_running, de_link) {
			if (events != NULL && n < nevents)
				events[n] = dc_event_of(de);
			n++;
		}
	}
	dc_hdl_put(&eq->eq_hdl);
	dc_unlock();
	return events == NULL ? (int)n : (int)MIN(n, nevents);
}

/* ---- events ---- */

struct dc_event *
dc_event_get(daos_event_t *ev)
{
	struct dc_event *de = (struct dc_event *)&ev->ev_private;

	return de->de_magic == DC_EVENT_MAGIC ? de : NULL;
}

daos_event_t *
dc_event_of(struct dc_event *de)
{
	return container_of((void *)de, daos_event_t, ev_private);
}

int
daos_event_init(daos_event_t *ev, daos_handle_t eqh, daos_event_t *parent)
{
	struct dc_event *de, *pde = NULL;
	struct dc_eq    *eq = NULL;
	int              rc = 0;

	if (ev == NULL)
		return -DER_INVAL;
	dc_lock();
	rc = dc_initialized();
	if (rc != 0)
		goto out;
	if (parent != NULL) {
		pde = dc_event_get(parent);
		if (pde == NULL || pde->de_status != DAOS_EVS_READY) {
			rc = -DER_INVAL;
			goto out;
		}
	} else if (daos_handle_is_valid(eqh)) {
		eq = eq_get(eqh);
		if (eq == NULL) {
			rc = -DER_NO_HDL;
			goto out;
		}
		dc_hdl_put(&eq->eq_hdl); /* the EQ outlives its events: destroy checks */
	}
	memset(ev, 0, sizeof(*ev));
	de           = (struct dc_event *)&ev->ev_private;
	de->de_magic = DC_EVENT_MAGIC;
	de->de_status = DAOS_EVS_READY;
	de->de_eq     = eq;
	D_INIT_LIST_HEAD(&de->de_children);
	D_INIT_LIST_HEAD(&de->de_sibling);
	D_INIT_LIST_HEAD(&de->de_link);
	if (pde != NULL) {
		/* a child reports to its parent, and through it to the parent's EQ */
		de->de_parent = pde;
		d_list_add_tail(&de->de_sibling, &pde->de_children);
		pde->de_nchild++;
	}
out:
	dc_unlock();
	return rc;
}

int
daos_event_fini(daos_event_t *ev)
{
	struct dc_event *de, *c, *tmp;
	int              rc = 0;

	if (ev == NULL)
		return -DER_INVAL;
	dc_lock();
	de = dc_event_get(ev);
	if (de == NULL) {
		rc = -DER_INVAL;
	} else if (de->de_status == DAOS_EVS_RUNNING) {
		rc = -DER_BUSY;
	} else {
		d_list_for_each_entry_safe(c, tmp, &de->de_children, de_sibling) {
			if (c->de_status == DAOS_EVS_RUNNING) {
				rc = -DER_BUSY;
				goto out;
			}
			d_list_del_init(&c->de_sibling);
			c->de_parent = NULL;
			c->de_magic  = 0;
		}
		if (!d_list_empty(&de->de_link)) {
			d_list_del_init(&de->de_link);
			if (de->de_eq != NULL && de->de_status == DAOS_EVS_COMPLETED)
				de->de_eq->eq_ncompleted--;
		}
		if (de->de_parent != NULL) {
			d_list_del_init(&de->de_sibling);
			de->de_parent->de_nchild--;
		}
		de->de_magic = 0;
	}
out:
	dc_unlock();
	return rc;
}

daos_event_t *
daos_event_next(daos_event_t *parent, daos_event_t *child)
{
	struct dc_event *pde, *cde;
	daos_event_t    *next = NULL;

	dc_lock();
	pde = parent == NULL ? NULL : dc_event_get(parent);
	if (pde != NULL && !d_list_empty(&pde->de_children)) {
		if (child == NULL) {
			next = dc_event_of(d_list_entry(pde->de_children.next, struct dc_event,
							de_sibling));
		} else {
			cde = dc_event_get(child);
			if (cde != NULL && cde->de_sibling.next != &pde->de_children)
				next = dc_event_of(d_list_entry(cde->de_sibling.next,
								struct dc_event, de_sibling));
		}
	}
	dc_unlock();
	return next;
}

int
daos_event_register_comp_cb(struct daos_event *ev, daos_event_comp_cb_t cb, void *arg)
{
	struct dc_event *de;
	int              rc = 0;

	if (ev == NULL || cb == NULL)
		return -DER_INVAL;
	dc_lock();
	de = dc_event_get(ev);
	if (de == NULL || de->de_status == DAOS_EVS_RUNNING) {
		rc = -DER_INVAL;
	} else {
		de->de_cb     = cb;
		de->de_cb_arg = arg;
	}
	dc_unlock();
	return rc;
}

/* An event is done: result, callback, its EQ's list, and its parent. */
static void
dc_event_complete(struct dc_event *de, int rc)
{
	daos_event_t    *ev = dc_event_of(de);
	struct dc_event *p  = de->de_parent;

	de->de_status = DAOS_EVS_COMPLETED;
	de->de_op     = NULL;
	ev->ev_error  = rc;
	de->de_child_rc = 0; /* the next round of children starts clean */
	if (de->de_cb != NULL) {
		int crc = de->de_cb(de->de_cb_arg, ev, rc);

		if (crc != 0 && ev->ev_error == 0)
			ev->ev_error = crc;
	}
	if (!d_list_empty(&de->de_link)) {
		d_list_del_init(&de->de_link);
		de->de_eq->eq_nrunning--;
	}
	if (p != NULL) {
		if (ev->ev_error != 0 && p->de_child_rc == 0)
			p->de_child_rc = ev->ev_error;
		/* a parent completes after its last child (and its own op, if any) */
		if (--p->de_nchild_running == 0 && p->de_op == NULL &&
		    p->de_status == DAOS_EVS_RUNNING)
			dc_event_complete(p, p->de_child_rc);
		return;
	}
	if (de->de_eq != NULL) {
		d_list_add_tail(&de->de_link, &de->de_eq->eq_completed);
		de->de_eq->eq_ncompleted++;
	}
}

/*
 * Mark de running. A child counts against its parent, which must not have
 * been launched yet: children are launched one by one and the parent last
 * (daos_event_parent_barrier), so a child finishing early cannot complete
 * a group that is still being filled.
 */
static int
dc_event_launch(struct dc_event *de)
{
	struct dc_event *p = de->de_parent;

	if (de->de_status == DAOS_EVS_RUNNING)
		return -DER_INVAL;
	if (de->de_nchild > 0 && !de->de_barrier) {
		/* a parent's completion is its children's: it runs no op itself */
		return -DER_NO_PERM;
	}
	if (p != NULL && p->de_status == DAOS_EVS_RUNNING)
		return -DER_INVAL; /* the group is sealed */
	de->de_status = DAOS_EVS_RUNNING;
	dc_event_of(de)->ev_error = 0;
	if (p != NULL) {
		p->de_nchild_running++;
	} else if (de->de_eq != NULL) {
		d_list_add_tail(&de->de_link, &de->de_eq->eq_running);
		de->de_eq->eq_nrunning++;
	}
	return 0;
}

int
daos_event_parent_barrier(struct daos_event *ev)
{
	struct dc_event *de;
	int              rc = 0;

	dc_lock();
	de = ev == NULL ? NULL : dc_event_get(ev);
	if (de == NULL || de->de_nchild == 0 || de->de_parent != NULL) {
		rc = -DER_INVAL;
	} else {
		de->de_barrier = true;
		rc             = dc_event_launch(de);
		/* completes with its last child, or now when all are done */
		if (rc == 0 && de->de_nchild_running == 0)
			dc_event_complete(de, de->de_child_rc);
	}
	dc_unlock();
	return rc;
}

int
daos_event_test(struct daos_event *ev, int64_t timeout, bool *flag)
{
	struct dc_event *de;
	uint64_t         deadline = timeout > 0 ? dc_now_us() + (uint64_t)timeout : 0;
	int              rc       = 0;

	if (ev == NULL || flag == NULL)
		return -DER_INVAL;
	dc_lock();
	de = dc_event_get(ev);
	if (de == NULL) {
		dc_unlock();
		return -DER_INVAL;
	}
	for (;;) {
		if (de->de_status != DAOS_EVS_RUNNING)
			break;
		if (timeout == 0 || (timeout > 0 && dc_now_us() >= deadline)) {
			rc = dc_progress(0);
			break;
		}
		rc = dc_progress(DC_POLL_SLICE_MS);
		if (rc != 0)
			break;
		dc_unlock();
		dc_lock();
	}
	*flag = de->de_status == DAOS_EVS_COMPLETED || de->de_status == DAOS_EVS_ABORTED;
	/* an event tested complete is not handed out by daos_eq_poll as well */
	if (*flag && de->de_eq != NULL && !d_list_empty(&de->de_link)) {
		d_list_del_init(&de->de_link);
		de->de_eq->eq_ncompleted--;
	}
	dc_unlock();
	return rc;
}

int
daos_event_abort(daos_event_t *ev)
{
	struct dc_event *de;
	int              rc = 0;

	dc_lock();
	de = ev == NULL ? NULL : dc_event_get(ev);
	if (de == NULL)
		rc = -DER_INVAL;
	else if (de->de_status == DAOS_EVS_RUNNING && de->de_op != NULL)
		de->de_op->op_aborted = true; /* its replies are ignored; it ends -DER_CANCELED */
	dc_unlock();
	return rc;
}

/* ---- handle sharing ---- */

int
dc_glob_export(struct denc *e, d_iov_t *glob)
{
	void    *buf;
	uint32_t len;
	int      rc;

	rc = denc_finish(e, 0, &buf, &len);
	if (rc != 0)
		return rc;
	/* DAOS's protocol: a NULL buffer asks for the size */
	if (glob->iov_buf == NULL) {
		glob->iov_buf_len = len;
	} else if (glob->iov_buf_len < len) {
		rc = -DER_TRUNC;
	} else {
		memcpy(glob->iov_buf, buf, len);
		glob->iov_len = len;
	}
	D_FREE(buf);
	return rc;
}

/* ---- operations ---- */

struct dc_rpc {
	struct rpc_call rp_call;
	struct dc_op   *rp_op;
	dc_op_reply_t   rp_cb;
	void           *rp_arg;
	void           *rp_body;
	int             rp_worker;
	d_list_t        rp_link;        /* in dc_retries while it waits to be sent again */
	uint64_t        rp_deadline_us; /* resent until then (0: it has not failed yet) */
	int             rp_rc;          /* its last error, while it waits */
	bool            rp_sent;        /* its last failure came after it went out */
};

static void
dc_op_free(struct dc_op *op)
{
	if (op->op_free != NULL)
		op->op_free(op->op_priv);
	D_FREE(op);
}

int
dc_op_create(daos_event_t *ev, void *priv, void (*free_fn)(void *priv), struct dc_op **opp)
{
	struct dc_event *de;
	struct dc_op    *op;
	int              rc;

	D_ALLOC_PTR(op);
	if (op == NULL)
		return -DER_NOMEM;
	if (ev == NULL) {
		/* a blocking call: a private event, on no EQ */
		ev = &op->op_own_ev;
		de = (struct dc_event *)&ev->ev_private;
		de->de_magic = DC_EVENT_MAGIC;
		D_INIT_LIST_HEAD(&de->de_children);
		D_INIT_LIST_HEAD(&de->de_sibling);
		D_INIT_LIST_HEAD(&de->de_link);
	} else {
		de = dc_event_get(ev);
		if (de == NULL) {
			D_FREE(op);
			return -DER_INVAL;
		}
	}
	rc = dc_event_launch(de);
	if (rc != 0) {
		D_FREE(op);
		return rc == -DER_NO_PERM ? -DER_INVAL : rc;
	}
	de->de_op   = op;
	op->op_ev   = ev;
	op->op_priv = priv;
	op->op_free = free_fn;
	*opp        = op;
	return 0;
}

int
dc_op_create_child(struct dc_op *parent, void *priv, void (*free_fn)(void *priv),
		   struct dc_op **opp)
{
	struct dc_op *op;

	D_ALLOC_PTR(op);
	if (op == NULL)
		return -DER_NOMEM;
	op->op_parent = parent;
	op->op_priv   = priv;
	op->op_free   = free_fn;
	parent->op_pending++;
	*opp = op;
	return 0;
}

static void dc_op_advance(struct dc_op *op);

int
dc_ev_complete(daos_event_t *ev, int rc)
{
	struct dc_op *op;
	int           crc;

	if (ev == NULL)
		return rc;
	dc_lock();
	crc = dc_op_create(ev, NULL, NULL, &op);
	if (crc == 0) {
		dc_op_fail(op, rc);
		dc_op_launch(op);
	}
	dc_unlock();
	return crc;
}

void
dc_op_fail(struct dc_op *op, int rc)
{
	if (rc != 0 && op->op_rc == 0)
		op->op_rc = rc;
}

void
dc_op_finish(struct dc_op *op, int rc)
{
	struct dc_event *de  = op->op_ev == NULL ? NULL : dc_event_get(op->op_ev);
	bool             own = op->op_ev == &op->op_own_ev;

	dc_op_fail(op, rc);
	if (op->op_aborted)
		op->op_rc = -DER_CANCELED;
	if (op->op_parent != NULL) {
		struct dc_op *parent = op->op_parent;

		dc_op_fail(parent, op->op_rc);
		dc_op_free(op);
		if (--parent->op_pending == 0)
			dc_op_advance(parent);
		return;
	}
	if (own) {
		/* the blocking caller reads the result, then frees the op */
		de->de_status           = DAOS_EVS_COMPLETED;
		op->op_own_ev.ev_error  = op->op_rc;
		return;
	}
	if (de != NULL)
		dc_event_complete(de, op->op_rc);
	dc_op_free(op);
}

/* Nothing in flight: run the next stage, or finish. */
static void
dc_op_advance(struct dc_op *op)
{
	dc_op_stage_t stage = op->op_stage;

	if (op->op_rc != 0 && !op->op_aborted && op->op_on_fail != NULL) {
		stage          = op->op_on_fail;
		op->op_on_fail = NULL;
		op->op_stage   = NULL;
		stage(op);
		return;
	}
	if (op->op_rc != 0 || op->op_aborted || stage == NULL) {
		dc_op_finish(op, 0);
		return;
	}
	op->op_stage = NULL;
	stage(op);
}

static bool
dc_op_aborted(const struct dc_op *op)
{
	for (; op != NULL; op = op->op_parent)
		if (op->op_aborted)
			return true;
	return false;
}

/* The request's outcome is in: its reply callback, then the op's accounting. */
static void
dc_rpc_finish(struct dc_rpc *rp)
{
	struct rpc_call *call = &rp->rp_call;
	struct dc_op    *op   = rp->rp_op;
	int              rc   = call->rc_rc;

	if (rp->rp_cb != NULL && !dc_op_aborted(op))
		rc = rp->rp_cb(op, call, rp->rp_arg);
	dc_op_fail(op, rc);
	rpc_call_fini(call);
	D_FREE(rp->rp_body);
	D_FREE(rp);
	if (--op->op_pending == 0)
		dc_op_advance(op);
}

/* A request that never went out (or is given up while waiting): no reply callback. */
static void
dc_rpc_unsent(struct dc_rpc *rp, int rc)
{
	struct dc_op *op = rp->rp_op;

	dc_op_fail(op, rc);
	D_FREE(rp->rp_body);
	D_FREE(rp);
	if (--op->op_pending == 0)
		dc_op_advance(op);
}

/* A waiting request's end: as its last attempt ended. */
static void
dc_rpc_giveup(struct dc_rpc *rp)
{
	if (!rp->rp_sent) {
		dc_rpc_unsent(rp, rp->rp_rc);
		return;
	}
	rp->rp_call.rc_rc = rp->rp_rc;
	dc_rpc_finish(rp);
}

static void dc_rpc_done(struct rpc_call *call, void *arg);

static int
dc_rpc_send(struct dc_rpc *rp)
{
	struct dc_sys *sys;
	struct rpc_ep *ep;
	int            rc;

	rc = dc_sys_get(&sys);
	if (rc == 0)
		rc = dc_sys_worker_ep(sys, rp->rp_worker, &ep);
	if (rc != 0)
		return rc;
	rp->rp_call.rc_timeout_ms = dc_sys_timeout(sys);
	return rpc_call_start(ep, &rp->rp_call, dc_rpc_done, rp);
}

/*
 * Sending again after a server restart (dc_internal.h, RESTARTS). A request
 * that failed with rc is queued instead of failed when rc says the server
 * went away (-DER_UNREACH: the connection broke, or it did not connect) or
 * refused it while stopping (-DER_SHUTDOWN: not executed), the system was
 * attached, the op is not aborted, and its window (DC_RECONNECT_TIMEOUT_ENV)
 * since its first failure is not over. sent: it had gone out, so the server
 * may have executed it; a transaction commit is then not repeated (a commit
 * that did apply would conflict with its own writes): it ends -DER_UNREACH,
 * its outcome unknown, as before. Returns true if queued (the op's pending
 * count stays).
 */
static bool
dc_rpc_retry(struct dc_rpc *rp, int rc, bool sent)
{
	uint64_t now;

	if (dc_system == NULL || dc_retry_window_us == 0 || dc_op_aborted(rp->rp_op))
		return false;
	if (rc != -DER_UNREACH && rc != -DER_SHUTDOWN)
		return false;
	if (rc == -DER_UNREACH && sent && rp->rp_call.rc_opcode == DOP_TX_COMMIT)
		return false;
	now = dc_now_us();
	if (rp->rp_deadline_us == 0)
		rp->rp_deadline_us = now + dc_retry_window_us;
	else if (now >= rp->rp_deadline_us)
		return false;
	if (d_list_empty(&dc_retries) && dc_retry_delay_ms == 0)
		dc_retry_next_us = now; /* the first round at once */
	D_DEBUG(DB_IO, "opcode %u to worker %d: " DF_RC ", sent again once the server answers\n",
		rp->rp_call.rc_opcode, rp->rp_worker, DP_RC(rc));
	rpc_call_fini(&rp->rp_call);
	rp->rp_call.rc_rc          = 0;
	rp->rp_call.rc_bulk_in_len = 0;
	rp->rp_rc                  = rc;
	rp->rp_sent                = sent;
	d_list_add_tail(&rp->rp_link, &dc_retries);
	return true;
}

/*
 * One resend round, from progress (lock held), when one is due: ask the
 * access point for the workers' addresses; when it answers, send every
 * waiting request again (same body, same buffers); when it does not, they
 * wait for the next round, up to their window.
 */
static void
dc_retry_run(void)
{
	struct dc_rpc *rp;
	d_list_t       todo;
	uint64_t       now;
	int            up, rc;

	if (d_list_empty(&dc_retries)) {
		dc_retry_delay_ms = 0;
		return;
	}
	now = dc_now_us();
	if (now < dc_retry_next_us || dc_system == NULL)
		return;
	dc_retry_delay_ms =
	    dc_retry_delay_ms == 0 ? DC_RETRY_MIN_MS : MIN(dc_retry_delay_ms * 2, DC_RETRY_MAX_MS);
	up = dc_sys_refresh(dc_system);
	/* the pause counts from the round's end: the address query may have taken a while */
	dc_retry_next_us = dc_now_us() + (uint64_t)dc_retry_delay_ms * 1000;
	D_INIT_LIST_HEAD(&todo);
	d_list_splice_init(&dc_retries, &todo);
	while (!d_list_empty(&todo)) {
		rp = d_list_entry(todo.next, struct dc_rpc, rp_link);
		d_list_del_init(&rp->rp_link);
		if (dc_op_aborted(rp->rp_op) || up == -DER_MISMATCH) {
			/* aborted, or another system answers at the access point */
			dc_rpc_giveup(rp);
			continue;
		}
		if (up != 0) {
			if (now >= rp->rp_deadline_us)
				dc_rpc_giveup(rp);
			else
				d_list_add_tail(&rp->rp_link, &dc_retries);
			continue;
		}
		if (rp->rp_sent && rp->rp_rc == -DER_UNREACH)
			rp->rp_op->op_resent = true;
		rc = dc_rpc_send(rp);
		if (rc != 0 && !dc_rpc_retry(rp, rc, false)) {
			rp->rp_rc   = rc;
			rp->rp_sent = false;
			dc_rpc_giveup(rp);
		}
	}
}

/* daos_fini: nothing will progress them any more. */
static void
dc_retries_flush(void)
{
	struct dc_rpc *rp;

	while (!d_list_empty(&dc_retries)) {
		rp = d_list_entry(dc_retries.next, struct dc_rpc, rp_link);
		d_list_del_init(&rp->rp_link);
		dc_rpc_giveup(rp);
	}
	dc_retry_delay_ms = 0;
}

static void
dc_rpc_done(struct rpc_call *call, void *arg)
{
	struct dc_rpc *rp = arg;

	if (dc_rpc_retry(rp, call->rc_rc, true))
		return;
	dc_rpc_finish(rp);
}

void
dc_op_rpc(struct dc_op *op, int worker, uint16_t opc, struct denc *body,
	  const d_sg_list_t *bulk_out, d_sg_list_t *bulk_in, dc_op_reply_t reply_cb, void *arg)
{
	struct dc_rpc *rp;
	uint32_t       len = 0;
	int            rc;

	D_ALLOC_PTR(rp);
	if (rp == NULL) {
		denc_fini(body);
		dc_op_fail(op, -DER_NOMEM);
		return;
	}
	rc = denc_finish(body, RPC_BODY_MAX, &rp->rp_body, &len);
	if (rc != 0) {
		D_FREE(rp);
		dc_op_fail(op, rc);
		return;
	}
	D_INIT_LIST_HEAD(&rp->rp_link);
	rp->rp_op               = op;
	rp->rp_cb               = reply_cb;
	rp->rp_arg              = arg;
	rp->rp_worker           = worker;
	rp->rp_call.rc_opcode   = opc;
	rp->rp_call.rc_body     = rp->rp_body;
	rp->rp_call.rc_body_len = len;
	rp->rp_call.rc_bulk_out = bulk_out;
	rp->rp_call.rc_bulk_in  = bulk_in;
	op->op_pending++;
	rc = dc_rpc_send(rp);
	if (rc != 0 && !dc_rpc_retry(rp, rc, false)) {
		op->op_pending--;
		D_FREE(rp->rp_body);
		D_FREE(rp);
		dc_op_fail(op, rc);
	}
}

void
dc_op_launch(struct dc_op *op)
{
	if (op->op_pending == 0)
		dc_op_advance(op);
}

int
dc_op_wait(struct dc_op *op)
{
	struct dc_event *de = (struct dc_event *)&op->op_own_ev.ev_private;
	int              rc;

	while (de->de_status != DAOS_EVS_COMPLETED) {
		rc = dc_progress(DC_POLL_SLICE_MS);
		if (rc != 0 && de->de_status != DAOS_EVS_COMPLETED) {
			/* the transport itself failed: calls in flight still complete
			 * (with errors) on later progress; keep going */
			D_DEBUG(DB_IO, "progress: " DF_RC "\n", DP_RC(rc));
		}
		if (de->de_status == DAOS_EVS_COMPLETED)
			break;
		dc_unlock();
		dc_lock();
	}
	rc = op->op_own_ev.ev_error;
	dc_op_free(op);
	return rc;
}

int
dc_op_run(struct dc_op *op, daos_event_t *ev)
{
	if (op->op_parent != NULL) {
		dc_op_launch(op);
		return 0;
	}
	dc_op_launch(op);
	if (ev == NULL)
		return dc_op_wait(op);
	return 0;
}
