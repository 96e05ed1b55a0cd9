#!/bin/bash
# Clients killed with SIGKILL in the middle of their I/O (256 KiB updates by
# bulk, array writes, fetches: requests parked in handlers, payloads half
# pulled) must never take the server down: it keeps serving, and a new
# client's writes and verified reads still work.
. "$(dirname "$0")/lib.sh"
integ_init client_kill
[ -n "${DAOS_PERF:-}" ] && [ -x "$DAOS_PERF" ] || { echo "SKIP: daos_perf not built"; exit 77; }

KILLS=${INTEG_CLIENT_KILLS:-8}
SRV_PORT=$(free_port)
export DSTOR_ACCESS_POINTS=127.0.0.1:$SRV_PORT

step "a server and a pool"
srv_start --data-dir "$WORK/data" --listen "127.0.0.1:$SRV_PORT" --targets 2
srv_wait
expect_rc 0 dmg pool create --size 3GB ck

step "$KILLS clients killed mid-I/O"
ops=(update array_write fetch)
for i in $(seq 1 "$KILLS"); do
	op=${ops[$((i % 3))]}
	"$DAOS_PERF" --pool ck --cont "ck$((i % 2))" --op "$op" --size 256KiB --qd 16 \
		--count 100000 >/dev/null 2>&1 &
	c=$!
	EXTRA_PIDS="$c"
	sleep "0.$((2 + i % 3))"
	kill -KILL "$c" 2>/dev/null
	wait "$c" 2>/dev/null
	EXTRA_PIDS=""
	kill -0 "$SRV_PID" 2>/dev/null || fail "daos_server died after client $i ($op) was killed"
done

step "the server still serves: a new pool, a new client's writes and verified reads"
# (the killed clients' acknowledged writes may have filled the first pool)
expect_rc 0 dmg pool create --size 1GB ck2
expect_rc 0 timeout 120 "$DAOS_PERF" --pool ck2 --cont after --op fetch --size 64KiB --qd 8 --count 200
expect_rc 0 dmg system query
srv_stop
