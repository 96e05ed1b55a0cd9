#!/bin/bash
# Embedded mode: daos_server start --data-dir DIR --listen 127.0.0.1:PORT formats
# a blank directory itself; stop with SIGTERM exits 0; pools survive a restart.
. "$(dirname "$0")/lib.sh"
integ_init server_lifecycle

SRV_PORT=$(free_port)
DATA="$WORK/data"

step "start on a blank data directory"
srv_start --data-dir "$DATA" --listen "127.0.0.1:$SRV_PORT" --targets 2
srv_wait
expect_rc 0 dmg system query
expect_in "Joined" "$OUT"
expect_rc 0 dmg -j system query
[ "$(json_get 'j["response"]["members"][0]["state"]' "$OUT")" = joined ] ||
	fail "system query --json: state is not joined"
[ "$(json_get 'j["response"]["members"][0]["targets"]' "$OUT")" = 2 ] ||
	fail "system query --json: not 2 targets"
[ -f "$DATA/superblock" ] || fail "no superblock in the data directory"

step "dmg finds the server by --host localhost and through DSTOR_ACCESS_POINTS"
expect_rc 0 timeout 30 "$DMG" --host "localhost:$SRV_PORT" system query
expect_in "Joined" "$OUT"
# The first access point has nobody listening: the next one in the list answers.
DSTOR_ACCESS_POINTS="127.0.0.1:$(free_port),127.0.0.1:$SRV_PORT" expect_rc 0 timeout 30 "$DMG" system query
expect_in "Joined" "$OUT"
DSTOR_ACCESS_POINTS="127.0.0.1:$(free_port)" expect_rc 1 timeout 30 "$DMG" system query
expect_in "DER_UNREACH" "$ERR"
DSTOR_ACCESS_POINTS="127.0.0.1:notaport" expect_rc 1 timeout 30 "$DMG" system query
expect_in "DER_INVAL" "$ERR"

step "create two pools"
expect_rc 0 dmg pool create --size 128MB lc_a
expect_in "UUID" "$OUT"
expect_rc 0 dmg pool create --size 96MiB --properties reclaim:disabled lc_b
expect_rc 0 dmg -j pool list
UUID_A=$(json_get '[p["uuid"] for p in j["response"]["pools"] if p["label"] == "lc_a"][0]' "$OUT")

step "stop with SIGTERM (exit 0), restart on the same directory"
srv_stop
srv_start --data-dir "$DATA" --listen "127.0.0.1:$SRV_PORT" --targets 2
srv_wait
expect_rc 0 dmg -j pool list
[ "$(json_get 'sorted(p["label"] for p in j["response"]["pools"])' "$OUT")" = '["lc_a", "lc_b"]' ] ||
	fail "pools after restart: $(json_get 'j["response"]["pools"]' "$OUT")"
[ "$(json_get '[p["uuid"] for p in j["response"]["pools"] if p["label"] == "lc_a"][0]' "$OUT")" = "$UUID_A" ] ||
	fail "lc_a changed UUID across the restart"
expect_rc 0 dmg pool get-prop lc_b reclaim
expect_in "disabled" "$OUT"

step "a pool created after the restart, a destroy, another restart"
expect_rc 0 dmg pool create --size 64MiB lc_c
expect_rc 0 dmg pool destroy lc_a
srv_stop
srv_start --data-dir "$DATA" --listen "127.0.0.1:$SRV_PORT" --targets 2
srv_wait
expect_rc 0 dmg -j pool list
[ "$(json_get 'sorted(p["label"] for p in j["response"]["pools"])' "$OUT")" = '["lc_b", "lc_c"]' ] ||
	fail "pools after the second restart: $(json_get 'j["response"]["pools"]' "$OUT")"

step "the pid file is gone after a clean stop"
srv_stop
[ ! -e "$DATA/daos_server.pid" ] || fail "daos_server.pid left behind after SIGTERM"
