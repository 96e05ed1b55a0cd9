#!/bin/bash
# Bad configuration files and bad daos_server / dmg arguments: one clear
# error line, a non-zero exit (2 for a bad command line), never a crash, and
# nothing written to the data directory.
. "$(dirname "$0")/lib.sh"
integ_init bad_input

# A server must refuse to start: exit non-zero quickly, say why, write nothing.
refuse_start() {
	local want_text=$1 dir=$2
	shift 2
	expect_rc_nonzero timeout 30 "$DAOS_SERVER" start "$@"
	expect_in "$want_text" "$ERR"
	expect_empty_dir "$dir"
}

expect_rc_nonzero() {
	local rc
	"$@" >"$OUT" 2>"$ERR"
	rc=$?
	if [ $rc -eq 0 ] || [ $rc -ge 124 ]; then
		cat "$OUT" "$ERR" >&2
		fail "\"$*\" exited with $rc (expected a clean failure: 1 or 2)"
	fi
}

PORT=$(free_port)
DATA="$WORK/data"

step "bad configuration files"
cfg() {
	printf '%s\n' "$@" >"$WORK/bad.yml"
}
storage="    storage: [{class: file, dir: $DATA}]"
cfg "name: x" "bogus_key: 1" "engines:" "  - targets: 1" "$storage"
refuse_start "bogus_key" "$DATA" -o "$WORK/bad.yml"
cfg "port: $PORT" "engines:" "  - targets: abc" "$storage"
refuse_start "targets" "$DATA" -o "$WORK/bad.yml"
cfg "port: $PORT" "engines:" "  - targets: 65" "$storage"
refuse_start "targets" "$DATA" -o "$WORK/bad.yml"
cfg "port: 0" "engines:" "  - targets: 1" "$storage"
refuse_start "port" "$DATA" -o "$WORK/bad.yml"
cfg "port: 99999" "engines:" "  - targets: 1" "$storage"
refuse_start "port" "$DATA" -o "$WORK/bad.yml"
cfg "port: $PORT" "engines:" "  - targets: 1" "    storage: [{class: dcpm, dir: $DATA}]"
refuse_start "class" "$DATA" -o "$WORK/bad.yml"
cfg "port: $PORT" "engines:" "  - targets: 1" "    storage: [{class: file, dir: $DATA, wal_size: 12XB}]"
refuse_start "wal_size" "$DATA" -o "$WORK/bad.yml"
cfg "port: $PORT" "engines: [" "  - targets: 1"
refuse_start "bad.yml" "$DATA" -o "$WORK/bad.yml"
: >"$WORK/bad.yml"
refuse_start "bad.yml" "$DATA" -o "$WORK/bad.yml"
refuse_start "no_such.yml" "$DATA" -o "$WORK/no_such.yml"
[ ! -e "$DATA" ] || fail "a refused configuration created $DATA"

step "bad daos_server arguments (exit 2)"
for args in "" "frob" "start" "start --data-dir $DATA --targets 0" \
	"start --data-dir $DATA --targets many" "start --data-dir $DATA --listen 127.0.0.1:99999" \
	"start --data-dir $DATA --listen" "start --data-dir $DATA --no-such-option" \
	"start --data-dir $DATA extra_argument"; do
	# shellcheck disable=SC2086 # the words are the arguments
	expect_rc 2 timeout 30 "$DAOS_SERVER" $args
	[ -s "$ERR" ] || fail "daos_server $args: exit 2 without a message"
done
[ ! -e "$DATA" ] || fail "bad daos_server arguments created $DATA"

step "foreign and corrupt data directories are refused and left alone"
mkdir -p "$WORK/foreign"
echo "someone else's file" >"$WORK/foreign/notes.txt"
expect_rc_nonzero timeout 30 "$DAOS_SERVER" start --data-dir "$WORK/foreign" --listen "127.0.0.1:$PORT"
expect_in "foreign" "$ERR"
[ "$(ls -A "$WORK/foreign")" = notes.txt ] || fail "daos_server wrote into a foreign directory"
mkdir -p "$WORK/corrupt"
head -c 512 /dev/urandom >"$WORK/corrupt/superblock"
cp "$WORK/corrupt/superblock" "$WORK/superblock.orig"
expect_rc_nonzero timeout 30 "$DAOS_SERVER" start --data-dir "$WORK/corrupt" --listen "127.0.0.1:$PORT"
expect_in "superblock" "$ERR"
cmp -s "$WORK/corrupt/superblock" "$WORK/superblock.orig" || fail "daos_server changed a corrupt superblock"

step "bad dmg arguments: usage, exit 2, nothing sent"
SRV_PORT=$PORT # nothing listens there: a command that got past its arguments would fail with 1
for args in "" "pool" "frob" "pool frob" "storage query" "system query extra" \
	"--no-such-flag system query" "--host" "--host 127.0.0.1:notaport system query" \
	"pool create" "pool create --size 64MiB" "pool create --size abc p" \
	"pool create --size 0 p" "pool create --size 101% p" "pool create --size 0% p" \
	"pool create --size 64MiB bad/label" "pool create --size 64MiB a b" \
	"pool create --size 64MiB --label a b" "pool create --size 64MiB --properties nope:1 p" \
	"pool create --size 64MiB --properties reclaim p" "pool query" "pool query a b" \
	"pool destroy" "pool list extra" "pool list --size 1" "pool set-prop p" \
	"pool set-prop p rd_fac:9" "pool get-prop p no_such_prop" "system query --force"; do
	# shellcheck disable=SC2086
	expect_rc 2 timeout 30 "$DMG" --host "127.0.0.1:$PORT" $args
	expect_in "ERROR: dmg:" "$ERR"
	expect_in "usage:" "$ERR"
done
expect_rc 2 timeout 30 "$DMG" -j pool create
[ "$(json_get 'j["status"]' "$OUT")" = -1025 ] || fail "JSON status of a usage error is not -1025"
[ "$(json_get 'j["error"] is not None' "$OUT")" = true ] || fail "JSON error of a usage error is empty"
expect_rc 0 timeout 30 "$DMG" --help
expect_in "pool create" "$OUT"

step "dmg without a server: DER_UNREACH, exit 1, bounded"
start=$SECONDS
expect_rc 1 dmg system query
expect_in "DER_UNREACH" "$ERR"
expect_rc 1 dmg -j pool list
[ "$(json_get 'j["status"]' "$OUT")" = -1006 ] || fail "JSON status without a server is not -1006"
[ $((SECONDS - start)) -lt 30 ] || fail "dmg took $((SECONDS - start))s to give up"
DSTOR_ACCESS_POINTS="127.0.0.1:$PORT" expect_rc 1 timeout 30 "$DMG" system query
expect_in "127.0.0.1:$PORT" "$ERR"

step "dmg against a TCP peer that is not a dstor server: a clean error, bounded"
# fake_peer MODE: junk (answers garbage and closes) or mute (accepts, never
# answers); sets FAKE_PORT. Runs in this shell so its PID joins EXTRA_PIDS.
fake_peer() {
	python3 -c 'import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
held = []
while True:
    c, _ = s.accept()
    if sys.argv[1] == "junk":
        c.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + bytes(range(256)) * 4)
        c.close()
    else:
        held.append(c)' "$1" >"$WORK/fake.$1.port" 2>"$WORK/fake.$1.err" </dev/null &
	EXTRA_PIDS="$EXTRA_PIDS $!"
	for _ in $(seq 50); do
		[ -s "$WORK/fake.$1.port" ] && break
		sleep 0.1
	done
	FAKE_PORT=$(cat "$WORK/fake.$1.port")
	[ -n "$FAKE_PORT" ] || fail "the $1 peer did not start"
}
fake_peer junk
expect_rc 1 timeout 30 "$DMG" --host "127.0.0.1:$FAKE_PORT" system query
expect_in "DER_PROTO" "$ERR"
fake_peer mute
start=$SECONDS
expect_rc 1 timeout 30 "$DMG" --host "127.0.0.1:$FAKE_PORT" -j pool list
[ "$(json_get 'j["status"]' "$OUT")" = -1011 ] || fail "JSON status against a mute peer is not DER_TIMEDOUT"
[ $((SECONDS - start)) -lt 20 ] || fail "dmg took $((SECONDS - start))s against a mute peer"

step "dmg -o with a bad or missing configuration: exit 1, the reason"
cfg "name: x" "bogus_key: 1"
expect_rc 1 timeout 30 "$DMG" -o "$WORK/bad.yml" system query
expect_in "bogus_key" "$ERR"
expect_rc 1 timeout 30 "$DMG" -o "$WORK/no_such.yml" system query
expect_in "no_such.yml" "$ERR"

step "a second server on a port in use is refused; the first keeps serving"
SRV_PORT=$(free_port)
srv_start --data-dir "$WORK/first" --listen "127.0.0.1:$SRV_PORT"
srv_wait
expect_rc_nonzero timeout 30 "$DAOS_SERVER" start --data-dir "$WORK/second" --listen "127.0.0.1:$SRV_PORT"
expect_in "127.0.0.1:$SRV_PORT" "$ERR"
# Not checked: whether the refused server left $WORK/second formatted. Since the
# bootstrap listener opens after storage is loaded, embedded mode formats the blank
# directory before it finds the port taken (reported on the server issue).
expect_rc 0 dmg system query
expect_in "Joined" "$OUT"
srv_stop
