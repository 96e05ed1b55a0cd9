# Shared helpers of the integration tests: a daos_server on 127.0.0.1 with a
# port chosen at run time and a fresh data directory, driven with dmg.
#
# A test script sources this file, calls integ_init NAME, then uses:
#   srv_start ARGS...     start "daos_server start ARGS..." in the background
#   srv_wait              wait until "dmg system query" answers (or fail)
#   srv_stop              SIGTERM, then SIGKILL after SRV_STOP_TIMEOUT seconds;
#                         fails unless the server exits 0 on SIGTERM
#   srv_kill              SIGKILL, no questions
#   dmg ARGS...           dmg against that server, bounded by DMG_TIMEOUT
#   expect_rc N CMD...    run CMD, fail the test unless it exits N; its stdout
#                         and stderr are kept in $OUT and $ERR
#   expect_in TEXT FILE   fail unless FILE contains TEXT (fixed string)
#   json_get EXPR FILE    evaluate a Python expression on the parsed JSON "j"
# Every server started is stopped by PID in the EXIT trap, whatever happens,
# and so is every PID a test adds to EXTRA_PIDS.
#
# Environment (set by tests/integration/CMakeLists.txt): DAOS_SERVER, DMG,
# INTEG_WORK (a directory under the build tree). A test that passes removes
# its directory there unless INTEG_KEEP=1.

set -u

SRV_WAIT_TIMEOUT=${SRV_WAIT_TIMEOUT:-30}
SRV_STOP_TIMEOUT=${SRV_STOP_TIMEOUT:-30}
DMG_TIMEOUT=${DMG_TIMEOUT:-90}
SRV_PID=""
SRV_PORT=""
EXTRA_PIDS=""
SRV_LOG=""
STEP=0

integ_init() {
	TEST_NAME=$1
	if [ -z "${DAOS_SERVER:-}" ] || [ ! -x "$DAOS_SERVER" ] || [ -z "${DMG:-}" ] ||
	   [ ! -x "$DMG" ]; then
		echo "SKIP: daos_server or dmg is not built (DAOS_SERVER=${DAOS_SERVER:-}, DMG=${DMG:-})"
		exit 77
	fi
	WORK="${INTEG_WORK:?}/$TEST_NAME"
	rm -rf "$WORK"
	mkdir -p "$WORK"
	OUT="$WORK/out"
	ERR="$WORK/err"
	trap integ_cleanup EXIT
	trap 'exit 130' INT TERM
}

integ_cleanup() {
	local rc=$?

	if [ -n "$SRV_PID" ]; then
		kill -KILL "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=""
	fi
	for pid in $EXTRA_PIDS; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ $rc -ne 0 ] && [ -n "$SRV_LOG" ] && [ -f "$SRV_LOG" ]; then
		echo "---- server log ($SRV_LOG), last lines ----"
		tail -n 30 "$SRV_LOG"
	fi
	if [ $rc -eq 0 ]; then
		echo "PASS: $TEST_NAME"
		# a passed test's data (pools are preallocated files) is only disk space;
		# a failed one's stays for a look, as does everything with INTEG_KEEP=1
		[ -n "${INTEG_KEEP:-}" ] || rm -rf "$WORK"
	fi
	exit $rc
}

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

step() {
	STEP=$((STEP + 1))
	echo "== $TEST_NAME $STEP: $*"
}

# A TCP port nobody listens on now (the kernel's choice, released at once).
# A port nobody listens on now, below the kernel's ephemeral range (as the
# server tests' srv_free_port): one from that range may be taken meanwhile by
# any process's bind(0) or connect(), and a test that binds it again (a
# restart, the busy-port step of make_run.sh) would then lose it.
free_port() {
	python3 -c 'import random, socket
lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(1000):
    port = random.randrange(20000, lo) if lo > 22000 else 0
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        continue
    print(s.getsockname()[1])
    s.close()
    break'
}

srv_start() {
	[ -z "$SRV_PID" ] || fail "srv_start: a server is already running (pid $SRV_PID)"
	SRV_LOG="$WORK/server.$((STEP)).log"
	"$DAOS_SERVER" start "$@" >"$SRV_LOG" 2>&1 &
	SRV_PID=$!
}

srv_wait() {
	local deadline=$((SECONDS + SRV_WAIT_TIMEOUT))

	while [ $SECONDS -lt $deadline ]; do
		if ! kill -0 "$SRV_PID" 2>/dev/null; then
			wait "$SRV_PID"
			local rc=$?
			SRV_PID=""
			fail "daos_server exited with $rc before answering"
		fi
		if timeout 10 "$DMG" --host "127.0.0.1:$SRV_PORT" system query >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	fail "daos_server did not answer dmg system query within ${SRV_WAIT_TIMEOUT}s"
}

srv_stop() {
	local deadline=$((SECONDS + SRV_STOP_TIMEOUT)) rc

	[ -n "$SRV_PID" ] || fail "srv_stop: no server running"
	kill -TERM "$SRV_PID" 2>/dev/null
	while kill -0 "$SRV_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
		sleep 0.1
	done
	if kill -0 "$SRV_PID" 2>/dev/null; then
		kill -KILL "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=""
		fail "daos_server ignored SIGTERM for ${SRV_STOP_TIMEOUT}s (killed)"
	fi
	wait "$SRV_PID"
	rc=$?
	SRV_PID=""
	[ $rc -eq 0 ] || fail "daos_server exited with $rc after SIGTERM (expected 0)"
}

srv_kill() {
	[ -n "$SRV_PID" ] || fail "srv_kill: no server running"
	kill -KILL "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=""
}

dmg() {
	timeout "$DMG_TIMEOUT" "$DMG" --host "127.0.0.1:$SRV_PORT" "$@"
}

expect_rc() {
	local want=$1 rc
	shift
	"$@" >"$OUT" 2>"$ERR"
	rc=$?
	if [ $rc -ne "$want" ]; then
		echo "---- stdout of: $*" >&2
		cat "$OUT" >&2
		echo "---- stderr" >&2
		cat "$ERR" >&2
		fail "\"$*\" exited with $rc, expected $want"
	fi
}

expect_in() {
	grep -qF -- "$1" "$2" || {
		echo "---- $2:" >&2
		cat "$2" >&2
		fail "\"$1\" not found in $(basename "$2")"
	}
}

expect_not_in() {
	if grep -qF -- "$1" "$2"; then
		echo "---- $2:" >&2
		cat "$2" >&2
		fail "\"$1\" unexpectedly found in $(basename "$2")"
	fi
}

# json_get EXPR FILE: print the value of a Python expression over j (the document).
json_get() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[2]))
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "$2" ||
		fail "cannot evaluate $1 on $(basename "$2")"
}

# A directory that must hold nothing: what a refused start must leave behind.
expect_empty_dir() {
	if [ -e "$1" ] && [ -n "$(ls -A "$1")" ]; then
		ls -la "$1" >&2
		fail "$1 is not empty"
	fi
}
