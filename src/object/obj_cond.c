/*
 * obj_cond.c - a conditional write sees every write started before it.
 *
 * An update or a punch checks its conditions against the index, then waits
 * for its DATA and log writes (it yields), and only then changes the index.
 * In that window two inserts of one key could both find it absent and both
 * succeed. So from its checks to its effect every write holds a slot of two
 * per-target tables, one hashed by (container, object, dkey), one by
 * (container, object):
 *   - plain writes share their slots and never wait for a conditional one:
 *     they take later epochs, which its checks do not look at;
 *   - a conditional write holds its dkey slot alone, after the writes in it
 *     (and the object punches in its object slot) have applied; while it
 *     waits, no new write enters the slot, so a stream of plain writes
 *     cannot starve it;
 *   - a conditional object punch holds its object slot alone, after every
 *     write under the object.
 * Keys sharing a slot only wait for each other more, never less. A
 * transaction's conditions are checked in one step that does not yield
 * (obj_tx.c); it restarts when a write holds a slot it checks
 * (obj_write_busy).
 */
#include <daos_obj.h>
#include "engine/engine.h"
#include "sched/sched.h"
#include "obj_internal.h"

#define OBJ_COND_DKEY_SLOTS 4096u
#define OBJ_COND_OBJ_SLOTS  1024u

struct obj_cond_slot {
	uint32_t cs_shared;  /* plain writes holding it */
	uint32_t cs_sub;     /* object slot: writes under one of its dkeys */
	uint32_t cs_waiting; /* conditional writes waiting for it */
	bool     cs_excl;    /* a conditional write holds it */
};

struct obj_cond_tgt {
	struct obj_cond_slot oc_dkey[OBJ_COND_DKEY_SLOTS];
	struct obj_cond_slot oc_obj[OBJ_COND_OBJ_SLOTS];
	struct sched_cond   *oc_wake;
	uint32_t             oc_waiters;
};

static struct obj_cond_tgt *obj_cond_tgts[DSS_TGT_MAX];

int
obj_cond_init_tgt(int tgt)
{
	struct obj_cond_tgt *t;

	if (obj_cond_tgts[tgt] != NULL)
		return 0;
	D_ALLOC_PTR(t);
	if (t == NULL)
		return -DER_NOMEM;
	t->oc_wake = sched_cond_create(sched_current());
	if (t->oc_wake == NULL) {
		D_FREE(t);
		return -DER_NOMEM;
	}
	obj_cond_tgts[tgt] = t;
	return 0;
}

bool
obj_cond_flags(uint64_t flags)
{
	return (flags & (DAOS_COND_PUNCH | DAOS_COND_DKEY_INSERT | DAOS_COND_DKEY_UPDATE |
			 DAOS_COND_AKEY_INSERT | DAOS_COND_AKEY_UPDATE | DAOS_COND_PER_AKEY)) != 0;
}

/* May g enter now? Nothing changes here. */
static bool
guard_can_enter(const struct obj_cond_tgt *t, const struct obj_wguard *g)
{
	const struct obj_cond_slot *o = &t->oc_obj[g->g_obj];
	uint32_t                    i;

	if (g->g_nr == 0) /* the whole object */
		return g->g_cond ? o->cs_shared == 0 && o->cs_sub == 0 && !o->cs_excl
				 : o->cs_waiting == 0;
	if (o->cs_waiting > 0 || (g->g_cond && (o->cs_shared > 0 || o->cs_excl)))
		return false;
	for (i = 0; i < g->g_nr; i++) {
		const struct obj_cond_slot *d = &t->oc_dkey[g->g_dk[i]];

		if (g->g_cond ? d->cs_shared > 0 || d->cs_excl : d->cs_waiting > 0)
			return false;
	}
	return true;
}

/* Count g as waiting (delta 1) or not any more (-1) in the slots it wants alone. */
static void
guard_waiting(struct obj_cond_tgt *t, const struct obj_wguard *g, int delta)
{
	uint32_t i;

	if (g->g_nr == 0)
		t->oc_obj[g->g_obj].cs_waiting += delta;
	for (i = 0; i < g->g_nr; i++)
		t->oc_dkey[g->g_dk[i]].cs_waiting += delta;
}

void
obj_write_enter(int tgt, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkeys,
		uint32_t nr, bool cond, struct obj_wguard *g)
{
	struct obj_cond_tgt *t  = obj_cond_tgts[tgt];
	uint64_t             oh = obj_oid_hash(cont, oid);
	uint32_t             i, j;

	g->g_tgt  = tgt;
	g->g_cond = cond;
	g->g_obj  = (uint32_t)(oh % OBJ_COND_OBJ_SLOTS);
	/* more dkeys than a guard names: held as the whole object */
	g->g_nr = nr <= OBJ_WGUARD_DKEYS ? nr : 0;
	for (i = 0, j = 0; i < g->g_nr; i++) {
		uint32_t s = (uint32_t)(obj_dkey_hash(oh, &dkeys[i]) % OBJ_COND_DKEY_SLOTS);
		uint32_t k;

		for (k = 0; k < j && g->g_dk[k] != s; k++)
			;
		if (k == j) /* a slot once, however many of its keys */
			g->g_dk[j++] = s;
	}
	g->g_nr = g->g_nr > 0 ? j : 0;
	if (!guard_can_enter(t, g)) {
		if (cond)
			guard_waiting(t, g, 1);
		t->oc_waiters++;
		do {
			sched_cond_wait(t->oc_wake);
		} while (!guard_can_enter(t, g));
		t->oc_waiters--;
		if (cond)
			guard_waiting(t, g, -1);
	}
	if (g->g_nr == 0) {
		if (cond)
			t->oc_obj[g->g_obj].cs_excl = true;
		else
			t->oc_obj[g->g_obj].cs_shared++;
		return;
	}
	t->oc_obj[g->g_obj].cs_sub++;
	for (i = 0; i < g->g_nr; i++) {
		if (cond)
			t->oc_dkey[g->g_dk[i]].cs_excl = true;
		else
			t->oc_dkey[g->g_dk[i]].cs_shared++;
	}
}

void
obj_write_exit(struct obj_wguard *g)
{
	struct obj_cond_tgt *t = obj_cond_tgts[g->g_tgt];
	uint32_t             i;

	if (g->g_nr == 0) {
		if (g->g_cond)
			t->oc_obj[g->g_obj].cs_excl = false;
		else
			t->oc_obj[g->g_obj].cs_shared--;
	} else {
		t->oc_obj[g->g_obj].cs_sub--;
		for (i = 0; i < g->g_nr; i++) {
			if (g->g_cond)
				t->oc_dkey[g->g_dk[i]].cs_excl = false;
			else
				t->oc_dkey[g->g_dk[i]].cs_shared--;
		}
	}
	if (t->oc_waiters > 0)
		sched_cond_broadcast(t->oc_wake);
}

bool
obj_write_busy(int tgt, const uuid_t cont, daos_obj_id_t oid, const d_iov_t *dkey)
{
	const struct obj_cond_tgt  *t  = obj_cond_tgts[tgt];
	uint64_t                    oh = obj_oid_hash(cont, oid);
	const struct obj_cond_slot *o  = &t->oc_obj[oh % OBJ_COND_OBJ_SLOTS];
	const struct obj_cond_slot *d;

	if (o->cs_shared > 0 || o->cs_excl)
		return true;
	if (dkey == NULL)
		return o->cs_sub > 0;
	d = &t->oc_dkey[obj_dkey_hash(oh, dkey) % OBJ_COND_DKEY_SLOTS];
	return d->cs_shared > 0 || d->cs_excl;
}
