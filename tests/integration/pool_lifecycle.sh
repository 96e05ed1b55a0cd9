#!/bin/bash
# Pools through dmg: create by size and by percentage, list (text and JSON),
# query, duplicate label (-DER_EXIST), missing pool (-DER_NONEXIST), get/set
# properties by DAOS's names, evict, destroy.
. "$(dirname "$0")/lib.sh"
integ_init pool_lifecycle

SRV_PORT=$(free_port)
srv_start --data-dir "$WORK/data" --listen "127.0.0.1:$SRV_PORT" --targets 2
srv_wait

step "create by size, positional label (DAOS's form) and --label"
expect_rc 0 dmg pool create --size 256MB pl_size
expect_in "Pool created with" "$OUT"
expect_rc 0 dmg pool create -z 128MiB --label pl_flag
expect_rc 0 dmg -j pool create --size=1% pl_pct
PCT_UUID=$(json_get 'j["response"]["uuid"]' "$OUT")
[ "$(json_get 'j["status"]' "$OUT")" = 0 ] || fail "JSON status of a create is not 0"
[ "$(json_get 'j["error"]' "$OUT")" = null ] || fail "JSON error of a create is not null"
[ "$(json_get 'j["response"]["tier_bytes"][1] > 0' "$OUT")" = true ] ||
	fail "a pool of 1% has no data tier"

step "list: table columns and JSON fields as DAOS's dmg"
expect_rc 0 dmg pool list
for col in Pool Size State Used Imbalance Disabled; do
	expect_in "$col" "$OUT"
done
expect_in "pl_size" "$OUT"
expect_in "0/2" "$OUT"
expect_rc 0 dmg pool list --verbose
expect_in "$PCT_UUID" "$OUT"
expect_rc 0 dmg -j pool list
[ "$(json_get 'sorted(p["label"] for p in j["response"]["pools"])' "$OUT")" = \
	'["pl_flag", "pl_pct", "pl_size"]' ] || fail "pool list --json: $(cat "$OUT")"
[ "$(json_get '[p["state"] for p in j["response"]["pools"]] == ["Ready"] * 3' "$OUT")" = true ] ||
	fail "pool list --json: not every pool is Ready"
[ "$(json_get '[p for p in j["response"]["pools"] if p["label"] == "pl_size"][0]["total_targets"]' "$OUT")" = 2 ] ||
	fail "pool list --json: pl_size is not on 2 targets"
DATA_TOTAL=$(json_get '[p for p in j["response"]["pools"] if p["label"] == "pl_size"][0]["usage"][1]["size"]' "$OUT")
[ "$DATA_TOTAL" -gt 0 ] && [ "$DATA_TOTAL" -le 256000000 ] ||
	fail "pl_size data tier is $DATA_TOTAL bytes for a 256MB pool"

step "query by label and by UUID"
expect_rc 0 dmg pool query pl_size
expect_in "ntarget=2" "$OUT"
expect_in "state=Ready" "$OUT"
expect_in "- Data storage:" "$OUT"
expect_rc 0 dmg -j pool query "$PCT_UUID"
[ "$(json_get 'j["response"]["label"]' "$OUT")" = pl_pct ] || fail "query by UUID found another pool"

step "duplicate label: DER_EXIST, exit 1, nothing created"
expect_rc 1 dmg pool create --size 64MiB pl_size
expect_in "ERROR: dmg: pool create failed: DER_EXIST(-1004)" "$ERR"
expect_rc 1 dmg -j pool create --size 64MiB pl_size
[ "$(json_get 'j["status"]' "$OUT")" = -1004 ] || fail "JSON status of a duplicate is not -1004"
expect_in "DER_EXIST" "$OUT"
expect_rc 0 dmg -j pool list
[ "$(json_get 'len(j["response"]["pools"])' "$OUT")" = 3 ] || fail "a refused duplicate changed the pool count"

step "missing pool: DER_NONEXIST from query, destroy, evict, get-prop, set-prop"
for cmd in "query" "destroy" "evict" "get-prop" "set-prop"; do
	args=(pool "$cmd" no_such_pool)
	[ "$cmd" = set-prop ] && args+=(reclaim:lazy)
	expect_rc 1 dmg "${args[@]}"
	expect_in "DER_NONEXIST(-1005)" "$ERR"
done
expect_rc 1 dmg -j pool query no_such_pool
[ "$(json_get 'j["status"]' "$OUT")" = -1005 ] || fail "JSON status of a missing pool is not -1005"

step "properties: get all, set by name, values by name both ways"
expect_rc 0 dmg pool get-prop pl_size
expect_in "Pool label (label)" "$OUT"
expect_in "Reclaim strategy (reclaim)" "$OUT"
expect_rc 0 dmg pool set-prop pl_size reclaim:disabled,space_rb:10
expect_in "pool set-prop succeeded" "$OUT"
expect_rc 0 dmg -j pool get-prop pl_size reclaim,space_rb,label
[ "$(json_get '[(p["name"], p["value"]) for p in j["response"]]' "$OUT")" = \
	'[["reclaim", "disabled"], ["space_rb", 10], ["label", "pl_size"]]' ] ||
	fail "get-prop after set-prop: $(cat "$OUT")"
expect_rc 0 dmg pool set-prop pl_size reclaim:time
expect_rc 0 dmg pool get-prop pl_size reclaim
expect_in "time" "$OUT"
expect_rc 0 dmg pool create --size 64MiB --properties rd_fac:1,reclaim:lazy,ec_cell_sz:64KiB pl_props
expect_rc 0 dmg -j pool get-prop pl_props rd_fac,reclaim,ec_cell_sz
[ "$(json_get '[p["value"] for p in j["response"]]' "$OUT")" = '[1, "lazy", 65536]' ] ||
	fail "create --properties: $(cat "$OUT")"
expect_rc 0 dmg pool set-prop pl_props label:pl_renamed
expect_rc 0 dmg pool query pl_renamed
expect_rc 1 dmg pool query pl_props
expect_in "DER_NONEXIST" "$ERR"

step "bad property names and values are refused before anything is sent (exit 2)"
expect_rc 2 dmg pool set-prop pl_size reclaim:sometimes
expect_in "valid values: disabled, lazy" "$ERR"
expect_rc 2 dmg pool set-prop pl_size no_such_prop:1
expect_in "unknown property" "$ERR"
expect_rc 2 dmg pool set-prop pl_size space_rb:101
expect_rc 2 dmg pool set-prop pl_size rd_fac
expect_rc 2 dmg pool set-prop pl_size perf_domain:root
expect_rc 2 dmg pool create --size 64MiB --properties label:x pl_twice
expect_rc 2 dmg pool get-prop pl_size bogus
expect_rc 0 dmg pool get-prop pl_size reclaim
expect_in "time" "$OUT"

step "evict, destroy (by label and by UUID), list empties"
expect_rc 0 dmg pool evict pl_size
expect_in "Pool-evict command succeeded" "$OUT"
expect_rc 0 dmg pool destroy pl_size
expect_in "Pool-destroy command succeeded" "$OUT"
expect_rc 0 dmg -j pool destroy "$PCT_UUID"
[ "$(json_get 'j["status"]' "$OUT")" = 0 ] || fail "JSON status of a destroy is not 0"
expect_rc 0 dmg pool destroy --force pl_flag
expect_rc 0 dmg pool destroy pl_renamed
expect_rc 1 dmg pool destroy pl_size
expect_in "DER_NONEXIST" "$ERR"
expect_rc 0 dmg pool list
expect_in "No pools in system" "$OUT"
expect_rc 0 dmg -j pool list
[ "$(json_get 'j["response"]["pools"]' "$OUT")" = '[]' ] || fail "pools left: $(cat "$OUT")"
srv_stop
