/*
 * dc_prop.h - libdaos's property lists beyond the public daos_prop.h:
 * DAOS's internal helpers that its tools and libraries call (copy, dup,
 * validation), the conversion between daos_prop_t and the wire form
 * (struct dsp_props, common/srv_proto.h), and the names the `daos` tool
 * gives container properties.
 *
 * OWNERSHIP
 * A daos_prop_t owns what its entries point to: strings (labels, owners),
 * ACLs, the service rank list and the container roots. Every call here that
 * fills an entry copies; daos_prop_free() releases. A call that fails leaves
 * its output as it was (nothing half filled, nothing leaked).
 *
 * WIRE FORM (what dc_prop_to_dsp() sends and dc_prop_from_dsp() accepts)
 *   numbers                      DSP_PROP_VAL, dp_val
 *   labels, owner, owner group   DSP_PROP_STR, no NUL inside
 *   ACLs                         DSP_PROP_BYTES: struct daos_acl as it is in memory,
 *                                header and entries, sizeof(struct daos_acl) + dal_len bytes
 *   DAOS_PROP_PO_SVC_LIST        DSP_PROP_BYTES: rl_nr little-endian u32 ranks
 *   DAOS_PROP_CO_ROOTS           DSP_PROP_BYTES: 4 x (lo, hi) little-endian u64 (64 bytes)
 *
 * Caveats:
 * - Entries flagged DAOS_PROP_ENTRY_NOT_SET are not sent (as daos_prop_dup()
 *   drops them).
 * - A reply entry of a type this client does not know is skipped, so a newer
 *   server's extra properties do not fail a query.
 */
#ifndef __CLIENT_DC_PROP_H__
#define __CLIENT_DC_PROP_H__

#include <daos_prop.h>
#include <daos_security.h>
#include "common/srv_proto.h"

/* ---- DAOS's internal property calls (daos/common.h in DAOS) ---- */

/* True when prop is well formed: known types of one kind (pool or container),
 * no type twice; with input, values within DAOS's bounds as well. */
bool
daos_prop_valid(daos_prop_t *prop, bool pool, bool input);

/* A deep copy of the entries of prop that are set (daos_prop_valid() first);
 * NULL when prop is invalid, has no set entry, or memory runs out. */
daos_prop_t *
daos_prop_dup(daos_prop_t *prop, bool pool, bool input);

/* Replace entry_dup's value (freed first) with a deep copy of entry's,
 * type and flags included. -DER_INVAL, -DER_NOMEM. */
int
daos_prop_entry_copy(struct daos_prop_entry *entry, struct daos_prop_entry *entry_dup);

/* Fill prop_req from a query's reply: every entry of prop_reply when prop_req
 * has none (entries allocated), else only the types prop_req lists; a listed
 * type missing from the reply gets DAOS_PROP_ENTRY_NOT_SET.
 * -DER_INVAL (NULL prop_req), -DER_PROTO (empty reply), -DER_NOMEM. */
int
daos_prop_copy(daos_prop_t *prop_req, daos_prop_t *prop_reply);

/* ---- wire form ---- */

/* A request's properties: out (overwritten, not freed) gets one dsp_prop per
 * set entry of in; in == NULL is a request without properties (out empty).
 * -DER_INVAL: NULL out, more than DAOS_PROP_ENTRIES_MAX_NR entries, unknown or
 * repeated type, missing or invalid label, owner or ACL; -DER_NOMEM. Free out
 * with dsp_props_fini() (also done here on error). */
int
dc_prop_to_dsp(const daos_prop_t *in, struct dsp_props *out);

/* A reply's properties into out. With out->dpp_nr == 0, out gets every entry
 * of in whose type is known (out's entries allocated); otherwise only the
 * types out lists are filled (replacing their values), those in lacks get
 * DAOS_PROP_ENTRY_NOT_SET and 0 is returned (DAOS's query semantics).
 * -DER_INVAL (NULL), -DER_PROTO (an entry of the wrong kind or length),
 * -DER_NOMEM; on error out is unchanged. */
int
dc_prop_from_dsp(const struct dsp_props *in, daos_prop_t *out);

/* ---- container property names, as the `daos` tool and daos_prop_from_str() spell them ---- */

struct dc_prop_name {
	const char *pn_name; /* --properties / get-prop name */
	uint32_t    pn_type; /* DAOS_PROP_CO_* */
	const char *pn_desc; /* get-prop's description column */
	bool        pn_settable; /* false: read only (from_str refuses it) */
};

/* The table, sorted by type, and its length. Pool names are dmg's (src/tools/dmg.c). */
extern const struct dc_prop_name dc_prop_co_names[];
extern const size_t              dc_prop_co_names_nr;

/* Entry by name (DAOS's old names "rf" and "rf_lvl" included) or by type; NULL if none. */
const struct dc_prop_name *
dc_prop_co_name_find(const char *name);
const struct dc_prop_name *
dc_prop_co_name_of(uint32_t type);

/* The value of a container number property from its text ("crc32", "lz4", "on",
 * "rank", "4096"...). -DER_INVAL for text the type does not take. */
int
dc_prop_co_val_parse(uint32_t type, const char *str, uint64_t *val);

/* The text of an enumerated value ("crc32", "off", "node"...); NULL when the
 * type is not enumerated or the value has no name (then print the number). */
const char *
dc_prop_co_val_name(uint32_t type, uint64_t val);

#endif /* __CLIENT_DC_PROP_H__ */
