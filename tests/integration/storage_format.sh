#!/bin/bash
# daos_server start -o CONFIG on blank storage waits for "dmg storage format";
# a second format without --force is refused; --force wipes every pool; a
# formatted directory starts ready; dmg finds the server through -o CONFIG.
. "$(dirname "$0")/lib.sh"
integ_init storage_format

SRV_PORT=$(free_port)
DATA="$WORK/data"
CFG="$WORK/daos_server.yml"
cat >"$CFG" <<YML
name: integ_fmt
port: $SRV_PORT
listen_addr: 127.0.0.1
engines:
  - targets: 2
    log_file: $WORK/engine.log
    storage:
      - class: file
        dir: $DATA
YML

step "blank storage: the server waits for a format"
srv_start -o "$CFG"
srv_wait
expect_rc 0 timeout 30 "$DMG" -o "$CFG" system query
expect_in "AwaitFormat" "$OUT"
expect_rc 0 timeout 30 "$DMG" -o "$CFG" -j system query
[ "$(json_get 'j["response"]["members"][0]["state"]' "$OUT")" = awaitformat ] ||
	fail "system query --json before format: state is not awaitformat"
expect_rc 1 dmg pool create --size 64MiB too_early
expect_in "ERROR: dmg: pool create failed" "$ERR"
[ ! -e "$DATA/superblock" ] || fail "a superblock exists before dmg storage format"

step "format, then the system is joined"
expect_rc 0 timeout 60 "$DMG" -o "$CFG" storage format
expect_in "Format Summary" "$OUT"
expect_in "$DATA" "$OUT"
expect_rc 0 dmg system query
expect_in "Joined" "$OUT"
[ -f "$DATA/superblock" ] || fail "no superblock after format"

step "a second format without --force fails, in text and JSON"
expect_rc 0 dmg pool create --size 64MiB keep_me
expect_rc 1 dmg storage format
expect_in "DER_EXIST" "$ERR"
expect_rc 1 dmg -j storage format
[ "$(json_get 'j["status"]' "$OUT")" = -1004 ] || fail "JSON status of a refused format is not -1004"
[ "$(json_get 'j["response"]' "$OUT")" = null ] || fail "JSON response of a refused format is not null"
expect_rc 0 dmg -j pool list
[ "$(json_get 'len(j["response"]["pools"])' "$OUT")" = 1 ] || fail "a refused format lost the pool"

step "format --force wipes every pool"
expect_rc 0 dmg pool create --size 64MiB wiped
expect_rc 0 dmg storage format --force
expect_rc 0 dmg -j pool list
[ "$(json_get 'len(j["response"]["pools"])' "$OUT")" = 0 ] || fail "pools left after format --force"
expect_rc 0 dmg pool list
expect_in "No pools in system" "$OUT"
expect_rc 0 dmg pool create --size 64MiB after_force
expect_rc 0 dmg storage query usage
expect_in "Pools-DATA" "$OUT"
expect_rc 0 dmg -j storage query usage
[ "$(json_get 'list(j["response"]["host_storage_map"].values())[0]["storage"]["targets"]' "$OUT")" = 2 ] ||
	fail "storage query usage --json: not 2 targets"

step "restart from the configuration: formatted storage starts joined, pools kept"
srv_stop
srv_start -o "$CFG"
srv_wait
expect_rc 0 dmg system query
expect_in "Joined" "$OUT"
expect_rc 0 dmg -j pool list
[ "$(json_get '[p["label"] for p in j["response"]["pools"]]' "$OUT")" = '["after_force"]' ] ||
	fail "pools after restart: $(cat "$OUT")"
srv_stop
