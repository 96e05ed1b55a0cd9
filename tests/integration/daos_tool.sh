#!/bin/bash
# The daos tool against a real server: every command, human and JSON output
# (each JSON document parsed), values that round-trip (set-prop/get-prop,
# pool and container set-attr/get-attr, snapshots and their epochs), and the
# error paths:
# missing pool or container (exact message, exit 1), bad property, bad oid,
# bad arguments (usage, exit 2).
. "$(dirname "$0")/lib.sh"
integ_init daos_tool

if [ -z "${DAOS_TOOL:-}" ] || [ ! -x "$DAOS_TOOL" ]; then
	echo "SKIP: the daos tool is not built (DAOS_TOOL=${DAOS_TOOL:-})"
	exit 77
fi

SRV_PORT=$(free_port)
export DSTOR_ACCESS_POINTS="127.0.0.1:$SRV_PORT"
srv_start --data-dir "$WORK/data" --listen "127.0.0.1:$SRV_PORT" --targets 2
srv_wait
expect_rc 0 dmg pool create --size 256MB tank

daos() {
	timeout "$DMG_TIMEOUT" "$DAOS_TOOL" "$@"
}

# expect_json: the last command's stdout is one JSON document with status 0.
expect_json() {
	python3 -m json.tool "$OUT" >/dev/null || fail "not JSON: $(cat "$OUT")"
	[ "$(json_get 'j["status"]' "$OUT")" = 0 ] || fail "JSON status is not 0: $(cat "$OUT")"
	[ "$(json_get 'j["error"]' "$OUT")" = null ] || fail "JSON error is not null: $(cat "$OUT")"
}

NOPE="DER_NONEXIST(-1005): The specified entity does not exist"

step "pool query and list-containers of an empty pool"
expect_rc 0 daos pool query tank
expect_in "ntarget=2, disabled=0" "$OUT"
expect_in "- Data storage:" "$OUT"
expect_rc 0 daos -j pool query tank
expect_json
POOL_UUID=$(json_get 'j["response"]["uuid"]' "$OUT")
[ "$(json_get 'j["response"]["label"]' "$OUT")" = tank ] || fail "pool query: label"
[ "$(json_get 'j["response"]["total_targets"]' "$OUT")" = 2 ] || fail "pool query: targets"
[ "$(json_get '[t["media_type"] for t in j["response"]["tier_stats"]]' "$OUT")" = \
	'["scm", "nvme"]' ] || fail "pool query: tiers"
expect_rc 0 daos pool query "$POOL_UUID"
expect_in "Pool $POOL_UUID" "$OUT"
expect_rc 0 daos -j pool list-containers tank
expect_json
[ "$(json_get 'j["response"]' "$OUT")" = '[]' ] || fail "a new pool has containers"

step "container create: positional label, --label, POSIX with properties, no label"
expect_rc 0 daos container create tank c1
expect_in "Container Label: c1" "$OUT"
expect_in "Container Type : unknown" "$OUT"
expect_in "Successfully created container" "$OUT"
expect_rc 0 daos -j cont create tank --label c2 --type POSIX \
	--properties cksum:crc64,cksum_size:64KiB,rd_fac:1
expect_json
C2_UUID=$(json_get 'j["response"]["container_uuid"]' "$OUT")
[ "$(json_get 'j["response"]["container_type"]' "$OUT")" = POSIX ] || fail "c2 is not POSIX"
[ "$(json_get 'j["response"]["pool_uuid"]' "$OUT")" = "$POOL_UUID" ] || fail "c2: pool uuid"
expect_rc 0 daos cont create tank px --type posix --oclass SX --chunk-size 1MiB
expect_in "Container Type : POSIX" "$OUT"
expect_in "not kept" "$ERR"
expect_rc 0 daos cont create tank --properties label:c3,srv_cksum:off
expect_in "Container Label: c3" "$OUT"
expect_rc 0 daos -j cont create tank
expect_json
NOLABEL_UUID=$(json_get 'j["response"]["container_uuid"]' "$OUT")

step "list: pool list-containers, list-cont, container list (human and JSON)"
for cmd in "pool list-containers" "pool list-cont" "container list" "cont list"; do
	# shellcheck disable=SC2086
	expect_rc 0 daos $cmd tank
	expect_in "UUID" "$OUT"
	expect_in "$C2_UUID c2" "$OUT"
	expect_in "$NOLABEL_UUID" "$OUT"
done
expect_rc 0 daos -j cont list tank
expect_json
[ "$(json_get 'sorted(c["label"] for c in j["response"])' "$OUT")" = \
	'["", "c1", "c2", "c3", "px"]' ] || fail "cont list --json: $(cat "$OUT")"

step "container query by label and by UUID"
expect_rc 0 daos cont query tank c2
expect_in "Container UUID              : $C2_UUID" "$OUT"
expect_in "Container Type              : POSIX" "$OUT"
expect_in "Pool UUID                   : $POOL_UUID" "$OUT"
expect_in "Container redundancy factor : 1" "$OUT"
expect_in "Number of snapshots         : 0" "$OUT"
expect_rc 0 daos -j container query tank "$C2_UUID"
expect_json
[ "$(json_get 'j["response"]["container_label"]' "$OUT")" = c2 ] || fail "query by UUID: label"
[ "$(json_get 'j["response"]["num_snapshots"]' "$OUT")" = 0 ] || fail "query: snapshots"
[ "$(json_get 'j["response"]["redundancy_factor"]' "$OUT")" = 1 ] || fail "query: rd_fac"

step "get-prop: every property, chosen ones, DAOS's names and values"
expect_rc 0 daos cont get-prop tank c2
expect_in "Properties for container c2" "$OUT"
for row in "Checksum              crc64" "Checksum Chunk Size   64 KiB" \
	"Layout Type           POSIX (1)" "Redundancy Factor     rd_fac1" \
	"Server Checksumming   on" "Health                HEALTHY" "Label                 c2"; do
	expect_in "$row" "$OUT"
done
expect_rc 0 daos -j cont get-prop tank c2 --properties label,cksum,cksum_size,rd_fac,layout_type
expect_json
[ "$(json_get '[(p["name"], p["value"]) for p in j["response"]]' "$OUT")" = \
	'[["label", "c2"], ["cksum", "crc64"], ["cksum_size", 65536], ["rd_fac", "rd_fac1"], ["layout_type", "POSIX (1)"]]' ] ||
	fail "get-prop --json: $(cat "$OUT")"
expect_rc 0 daos -j cont get-prop tank c3 --properties srv_cksum
[ "$(json_get 'j["response"][0]["value"]' "$OUT")" = off ] || fail "c3 srv_cksum is not off"

step "set-prop then get-prop: the label round-trips, the container answers to it"
expect_rc 0 daos cont set-prop tank c1 --properties label:c1new
expect_in "Properties were successfully set" "$OUT"
expect_rc 0 daos -j cont get-prop tank c1new --properties label
[ "$(json_get 'j["response"][0]["value"]' "$OUT")" = c1new ] || fail "set-prop label lost"
expect_rc 1 daos cont query tank c1
expect_in "ERROR: daos: failed to open container c1: $NOPE" "$ERR"
expect_rc 0 daos cont set-prop tank c1new label:c1b
expect_rc 0 daos -j cont get-prop tank c1b label
[ "$(json_get 'j["response"][0]["value"]' "$OUT")" = c1b ] || fail "positional set-prop lost"
expect_rc 0 daos cont set-prop tank c1b --properties label:c1new
expect_rc 2 daos cont set-prop tank c1new label:x --properties label:y
expect_in "give the properties once" "$ERR"
expect_rc 1 daos cont set-prop tank c1new --properties cksum:off
expect_in "ERROR: daos: failed to set properties on container c1new: DER_NO_PERM(-1001)" "$ERR"

step "attributes: set, list, get (human and JSON, base64 values), delete"
expect_rc 0 daos cont set-attr tank c1new greeting "hello world"
expect_rc 0 daos container set-attr tank c1new a2 v2
expect_rc 0 daos cont list-attr tank c1new
expect_in "Attributes for container c1new:" "$OUT"
expect_in "greeting" "$OUT"
expect_rc 0 daos cont list-attr tank c1new --verbose
expect_in "hello world" "$OUT"
expect_rc 0 daos -j cont list-attr tank c1new -v
expect_json
[ "$(json_get 'sorted((a["name"], __import__("base64").b64decode(a["value"]).decode()) for a in j["response"])' "$OUT")" = \
	'[["a2", "v2"], ["greeting", "hello world"]]' ] || fail "list-attr -v --json: $(cat "$OUT")"
expect_rc 0 daos cont get-attr tank c1new greeting
expect_in "greeting hello world" "$OUT"
expect_rc 0 daos -j cont get-attr tank c1new greeting
expect_json
[ "$(json_get '__import__("base64").b64decode(j["response"]["value"]).decode()' "$OUT")" = \
	"hello world" ] || fail "get-attr --json: $(cat "$OUT")"
expect_rc 0 daos cont set-attr tank c1new greeting changed
expect_rc 0 daos cont get-attr tank c1new greeting
expect_in "greeting changed" "$OUT"
expect_rc 0 daos cont del-attr tank c1new a2
expect_rc 1 daos cont get-attr tank c1new a2
expect_in "ERROR: daos: failed to get attribute a2 of container c1new: $NOPE" "$ERR"
expect_rc 0 daos -j cont list-attr tank c1new
[ "$(json_get '[a["name"] for a in j["response"]]' "$OUT")" = '["greeting"]' ] ||
	fail "list-attr after del-attr: $(cat "$OUT")"

step "pool attributes: set, list, get, delete"
expect_rc 0 daos pool set-attr tank site "lab 3"
expect_rc 0 daos pool list-attr tank -v
expect_in "Attributes for pool tank:" "$OUT"
expect_in "lab 3" "$OUT"
expect_rc 0 daos -j pool get-attr tank site
[ "$(json_get '__import__("base64").b64decode(j["response"]["value"]).decode()' "$OUT")" = \
	"lab 3" ] || fail "pool get-attr --json: $(cat "$OUT")"
expect_rc 0 daos pool del-attr tank site
expect_rc 1 daos pool get-attr tank site
expect_in "ERROR: daos: failed to get attribute site of pool tank: $NOPE" "$ERR"
expect_rc 2 daos pool set-attr tank onlyname

step "snapshots: create (named and not), list with their epochs, destroy by name and epoch"
expect_rc 0 daos cont create-snap tank c1new
expect_in "has been created" "$OUT"
EPC1=$(sed -n 's/^snapshot\/epoch \(0x[0-9a-f]*\) has been created$/\1/p' "$OUT")
[ -n "$EPC1" ] || fail "create-snap printed no epoch: $(cat "$OUT")"
expect_rc 0 daos -j cont create-snap tank c1new --snap s2
expect_json
EPC2=$(json_get 'j["response"]["epoch"]' "$OUT")
expect_rc 0 daos -j cont create-snap tank c1new --snap s3
EPC3=$(json_get 'j["response"]["epoch"]' "$OUT")
[ $((EPC1)) -lt "$EPC2" ] && [ "$EPC2" -lt "$EPC3" ] || fail "epochs $EPC1 $EPC2 $EPC3 do not grow"
expect_rc 0 daos cont list-snaps tank c1new
expect_in "Container's snapshots :" "$OUT"
expect_in "$EPC1" "$OUT"
expect_in "$(printf '%#x s2' "$EPC2")" "$OUT"
expect_rc 0 daos -j cont list-snaps tank c1new
expect_json
[ "$(json_get '[(s["epoch"], s.get("name")) for s in j["response"]]' "$OUT")" = \
	"[[$((EPC1)), null], [$EPC2, \"s2\"], [$EPC3, \"s3\"]]" ] || fail "list-snaps --json: $(cat "$OUT")"
expect_rc 0 daos -j cont query tank c1new
[ "$(json_get 'j["response"]["num_snapshots"]' "$OUT")" = 3 ] || fail "query: 3 snapshots"
[ "$(json_get 'j["response"]["latest_snapshot"]' "$OUT")" = "$EPC3" ] || fail "query: latest"
expect_rc 0 daos cont destroy-snap tank c1new --snap s2
expect_in "$(printf 'snapshot/epoch %#x has been destroyed' "$EPC2")" "$OUT"
expect_rc 0 daos cont destroy-snap tank c1new --epc "$EPC1"
expect_rc 0 daos -j cont list-snaps tank c1new
[ "$(json_get '[s["epoch"] for s in j["response"]]' "$OUT")" = "[$EPC3]" ] ||
	fail "list-snaps after destroy-snap: $(cat "$OUT")"
expect_rc 1 daos cont destroy-snap tank c1new --snap nosuch
expect_in "ERROR: daos: no snapshot named nosuch in container c1new: $NOPE" "$ERR"
expect_rc 0 daos cont destroy-snap tank c1new --epcrange "1-$EPC3"
expect_rc 0 daos -j cont list-snaps tank c1new
[ "$(json_get 'j["response"]' "$OUT")" = '[]' ] || fail "epcrange left snapshots: $(cat "$OUT")"

step "object query: the layout an oid encodes"
S2_HI=$(((1 << 48) | (2 << 32)))          # type 0, single copy, 2 groups
RP_HI=$(((8 << 48) | (2 << 32)))          # RP_2G2
EC_HI=$(((32 << 48) | (1 << 32)))         # EC_2P1G1
expect_rc 0 daos object query tank c1new "$S2_HI.7"
expect_in "oid: $S2_HI.7 ver 0 grp_nr: 2" "$OUT"
expect_in "class: S2, type: MULTI_HASHED, group size: 1, shards: 2" "$OUT"
expect_rc 0 daos obj query tank c1new "$RP_HI.1"
expect_in "class: RP_2G2" "$OUT"
expect_in "replica 1 shard 3" "$OUT"
expect_rc 0 daos -j obj query tank c1new "$EC_HI.3"
expect_json
[ "$(json_get '[j["response"][k] for k in ("class", "grp_nr", "grp_size", "shard_nr")]' "$OUT")" = \
	'["EC_2P1G1", 1, 3, 3]' ] || fail "object query --json: $(cat "$OUT")"
expect_rc 2 daos obj query tank c1new 12.x
expect_in "ERROR: daos: invalid object ID \"12.x\"" "$ERR"
expect_in "usage: daos" "$ERR"
expect_rc 2 daos obj query tank c1new 12
expect_rc 1 daos obj query tank c1new 0.5
expect_in "ERROR: daos: failed to query object 0.5: no known object class: DER_INVAL(-1003)" "$ERR"

step "missing pool and container: exact errors, exit 1, JSON envelope"
for cmd in "pool query" "pool list-cont" "cont list" "cont create"; do
	# shellcheck disable=SC2086
	expect_rc 1 daos $cmd no_such_pool
	expect_in "ERROR: daos: failed to connect to pool no_such_pool: $NOPE" "$ERR"
done
for cmd in query get-prop list-attr list-snaps create-snap; do
	expect_rc 1 daos cont "$cmd" tank no_such_cont
	expect_in "ERROR: daos: failed to open container no_such_cont: $NOPE" "$ERR"
done
expect_rc 1 daos cont destroy tank no_such_cont
expect_in "ERROR: daos: failed to destroy container no_such_cont: $NOPE" "$ERR"
expect_rc 1 daos -j cont query tank no_such_cont
python3 -m json.tool "$OUT" >/dev/null || fail "error envelope is not JSON"
[ "$(json_get 'j["status"]' "$OUT")" = -1005 ] || fail "JSON status of a missing container"
[ "$(json_get 'j["response"]' "$OUT")" = null ] || fail "JSON response of a failure"
expect_in "failed to open container no_such_cont" "$OUT"
expect_rc 1 daos cont create tank c2
expect_in "ERROR: daos: failed to create container: DER_EXIST(-1004)" "$ERR"

step "bad properties and arguments: usage on stderr, exit 2, nothing created"
expect_rc 2 daos cont create tank bad1 --properties cksum:bogus
expect_in "ERROR: daos: invalid value \"bogus\" for property \"cksum\"" "$ERR"
expect_in "usage: daos" "$ERR"
expect_rc 2 daos cont create tank bad1 --properties foo:1
expect_in "ERROR: daos: unknown property \"foo\"" "$ERR"
expect_rc 2 daos cont create tank bad1 --properties cksum
expect_in "expected name:value" "$ERR"
expect_rc 2 daos cont create tank bad1 --properties cksum:crc32,cksum:crc64
expect_in "duplicate property \"cksum\"" "$ERR"
expect_rc 2 daos cont set-prop tank c2 --properties layout_type:HDF5
expect_in "property \"layout_type\" cannot be set" "$ERR"
expect_rc 2 daos cont get-prop tank c2 --properties nosuch
expect_in "unknown property \"nosuch\"" "$ERR"
expect_rc 2 daos cont create tank bad1 --type FOO
expect_in "invalid container type \"FOO\"" "$ERR"
expect_rc 2 daos cont create tank bad1 --oclass S1
expect_in "for POSIX containers" "$ERR"
expect_rc 2 daos cont create tank bad1 --type POSIX --oclass NOPE
expect_in "unknown object class \"NOPE\"" "$ERR"
expect_rc 2 daos cont create tank bad1 --label other
expect_in "two labels given" "$ERR"
expect_rc 2 daos -j cont create tank bad1 --properties foo:1
python3 -m json.tool "$OUT" >/dev/null || fail "usage envelope is not JSON"
[ "$(json_get 'j["status"]' "$OUT")" = -1025 ] || fail "JSON status of a bad argument"
expect_rc 2 daos cont set-prop tank c2
expect_in "give --properties" "$ERR"
expect_rc 2 daos cont destroy-snap tank c2
expect_in "give one of --epc, --snap, --epcrange" "$ERR"
expect_rc 2 daos cont destroy-snap tank c2 --epc nope
expect_rc 2 daos cont query tank
expect_in "missing argument" "$ERR"
expect_rc 2 daos cont query tank c2 extra
expect_in "unexpected argument \"extra\"" "$ERR"
expect_rc 2 daos cont query tank c2 --force
expect_in "--force is not an option" "$ERR"
expect_rc 2 daos cont frobnicate tank
expect_in "unknown command \"cont frobnicate\"" "$ERR"
expect_rc 2 daos --bogus pool query tank
expect_rc 2 daos
expect_rc 0 daos --help
expect_in "daos container create POOL" "$OUT"
expect_rc 0 daos -j cont list tank
[ "$(json_get 'len(j["response"])' "$OUT")" = 5 ] || fail "a refused create made a container"

step "destroy: by label and by UUID, then the pool is empty again"
expect_rc 0 daos cont destroy tank c1new
expect_in "Successfully destroyed container c1new" "$OUT"
expect_rc 0 daos -j cont destroy tank "$NOLABEL_UUID" --force
expect_json
for c in c2 c3 px; do
	expect_rc 0 daos container destroy tank "$c"
done
expect_rc 0 daos -j pool list-cont tank
[ "$(json_get 'j["response"]' "$OUT")" = '[]' ] || fail "containers left: $(cat "$OUT")"

step "no server: the transport's error, exit 1"
expect_rc 1 env DSTOR_ACCESS_POINTS="127.0.0.1:$(free_port)" "$DAOS_TOOL" pool query tank
expect_in "ERROR: daos: failed to connect to pool tank: DER_" "$ERR"

srv_stop
