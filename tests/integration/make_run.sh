#!/usr/bin/env bash
# The newcomer's main job (scripts/run.sh, behind `make run` / `make stop`):
# it starts a one-node system, runs the verified workload through libdaos and
# leaves the system up; a second run reuses the system and the pool; stop
# ends the server cleanly; stop again is harmless. Run in its own directory
# on a free port, so a user's own `make run` system is never touched.
. "$(dirname "$0")/lib.sh"
integ_init make_run
[ -n "${DAOS_PERF:-}" ] && [ -x "$DAOS_PERF" ] || { echo "SKIP: daos_perf not built"; exit 77; }
build=$(cd "$(dirname "$DAOS_SERVER")/../.." && pwd)
runsh="$(cd "$(dirname "$0")/../.." && pwd)/scripts/run.sh"
export DSTOR_RUN_DIR="$WORK/run" DSTOR_RUN_PORT=$(free_port) DSTOR_RUN_POOL_SIZE=1GB
SRV_PORT=$DSTOR_RUN_PORT

pid_of_run() { cat "$DSTOR_RUN_DIR/data/daos_server.pid"; }

# Whatever happens, a server run.sh started here is stopped by its PID (if
# that PID is still our daos_server on this data directory).
stop_run_server() {
	local p
	p=$(pid_of_run 2>/dev/null) || return 0
	tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- "--data-dir $DSTOR_RUN_DIR/data" &&
		kill -KILL "$p" 2>/dev/null
	return 0
}
trap 'rc=$?; stop_run_server; (exit $rc); integ_cleanup' EXIT

step "first run: starts the system, creates the pool, runs and verifies the workload"
expect_rc 0 timeout 240 "$runsh" run "$build"
expect_in "starting daos_server on 127.0.0.1:$DSTOR_RUN_PORT" "$OUT"
expect_in "creating pool demo" "$OUT"
for phase in update fetch kv_put kv_get array_write array_read; do
	grep -q "^$phase " "$OUT" || fail "no $phase row in the results table"
done
[ "$(grep -c ' yes *$' "$OUT")" = 4 ] || fail "not every read phase verified"
expect_in "DSTOR_ACCESS_POINTS=127.0.0.1:$DSTOR_RUN_PORT" "$OUT"
pid=$(pid_of_run)
kill -0 "$pid" || fail "the system is not left running"
dmg pool query demo >/dev/null || fail "pool demo is not there"

step "second run: the same system and pool"
expect_rc 0 timeout 240 "$runsh" run "$build"
expect_in "reusing the system already running (pid $pid" "$OUT"
expect_in "pool demo exists" "$OUT"
[ "$(grep -c ' yes *$' "$OUT")" = 4 ] || fail "not every read phase verified on the second run"

step "stop: clean exit, then nothing to stop"
expect_rc 0 timeout 60 "$runsh" stop "$build"
expect_in "stopped" "$OUT"
kill -0 "$pid" 2>/dev/null && fail "daos_server $pid still running after stop"
expect_in "daos_server: stopped" "$DSTOR_RUN_DIR/server.out"
expect_rc 0 timeout 60 "$runsh" stop "$build"
expect_in "no system running" "$OUT"

step "a busy port is a clear error"
python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(60)' "$DSTOR_RUN_PORT" &
holder=$!
EXTRA_PIDS="$holder"
sleep 0.5
expect_rc 1 timeout 60 "$runsh" run "$build"
expect_in "is in use by another program" "$ERR"
kill "$holder"
