#!/bin/bash
# SIGKILL of the server, then a restart: every pool that dmg saw created is
# there with its properties; a pool create cut short by the kill leaves either
# a Ready pool or nothing, and the server always comes back.
. "$(dirname "$0")/lib.sh"
integ_init sigkill_restart

KILLS=${INTEG_SIGKILL_ROUNDS:-4}
SRV_PORT=$(free_port)
DATA="$WORK/data"
start() {
	srv_start --data-dir "$DATA" --listen "127.0.0.1:$SRV_PORT" --targets 2
	srv_wait
}

labels() {
	expect_rc 0 dmg -j pool list
	json_get 'sorted(p["label"] for p in j["response"]["pools"])' "$OUT"
}

step "pools and properties, then SIGKILL with no warning"
start
expect_rc 0 dmg pool create --size 64MiB sk_a
expect_rc 0 dmg pool create --size 96MiB --properties reclaim:disabled,rd_fac:2 sk_b
expect_rc 0 dmg pool set-prop sk_a space_rb:7
expect_rc 0 dmg pool destroy sk_b
expect_rc 0 dmg pool create --size 96MiB --properties reclaim:disabled,rd_fac:2 sk_b
expect_rc 0 dmg -j pool list
UUIDS=$(json_get 'sorted(p["uuid"] for p in j["response"]["pools"])' "$OUT")
srv_kill

step "restart after SIGKILL: the same pools, UUIDs and properties"
start
[ "$(labels)" = '["sk_a", "sk_b"]' ] || fail "pools after SIGKILL: $(cat "$OUT")"
[ "$(json_get 'sorted(p["uuid"] for p in j["response"]["pools"])' "$OUT")" = "$UUIDS" ] ||
	fail "pool UUIDs changed across SIGKILL"
[ "$(json_get '[p["state"] for p in j["response"]["pools"]]' "$OUT")" = '["Ready", "Ready"]' ] ||
	fail "pools not Ready after SIGKILL: $(cat "$OUT")"
expect_rc 0 dmg -j pool get-prop sk_b reclaim,rd_fac
[ "$(json_get '[p["value"] for p in j["response"]]' "$OUT")" = '["disabled", 2]' ] ||
	fail "sk_b properties after SIGKILL: $(cat "$OUT")"
expect_rc 0 dmg -j pool get-prop sk_a space_rb
[ "$(json_get 'j["response"][0]["value"]' "$OUT")" = 7 ] || fail "sk_a space_rb lost by SIGKILL"

step "SIGKILL while a pool is being created, $KILLS times"
for i in $(seq 1 "$KILLS"); do
	timeout "$DMG_TIMEOUT" "$DMG" --host "127.0.0.1:$SRV_PORT" pool create --size 128MiB "sk_mid$i" \
		>"$WORK/mid$i.out" 2>&1 &
	dmg_pid=$!
	# Spread the kills over a create (about 0.1 to 0.3 s here): 50 ms apart.
	sleep "$(printf '%d.%02d' $((i * 5 / 100)) $((i * 5 % 100)))"
	srv_kill
	wait "$dmg_pid"
	dmg_rc=$?
	start
	expect_rc 0 dmg -j pool list
	state=$(json_get "[p['state'] for p in j['response']['pools'] if p['label'] == 'sk_mid$i']" "$OUT")
	case "$dmg_rc:$state" in
	0:'["Ready"]') ;;          # acknowledged before the kill: must be there
	0:*) fail "sk_mid$i was acknowledged but after SIGKILL it is $state" ;;
	*:'[]' | *:'["Ready"]') ;; # not acknowledged: absent, or completed just in time
	*) fail "a create cut by SIGKILL left sk_mid$i in state $state" ;;
	esac
	if [ "$state" = '["Ready"]' ]; then
		expect_rc 0 dmg pool destroy "sk_mid$i"
	fi
	[ "$(labels)" = '["sk_a", "sk_b"]' ] || fail "round $i: pools are $(cat "$OUT")"
	# A pool of the same name can be made again: nothing half-made stands in the way.
	expect_rc 0 dmg pool create --size 64MiB "sk_mid$i"
	expect_rc 0 dmg pool destroy "sk_mid$i"
	srv_kill
	start
done
[ "$(labels)" = '["sk_a", "sk_b"]' ] || fail "pools after the kill rounds: $(cat "$OUT")"
srv_stop
