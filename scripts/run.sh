#!/usr/bin/env bash
# The main job for a newcomer (`make run`, `make stop`).
#
#   scripts/run.sh run  BUILD_DIR   start (or reuse) an embedded one-node system,
#                                   make sure pool "demo" and container "demo"
#                                   exist, run a short mixed workload through
#                                   libdaos and print its results
#   scripts/run.sh stop BUILD_DIR   stop that system cleanly (SIGTERM, bounded wait)
#
# The system lives in BUILD_DIR/run: data/ (plain files, no devices, no
# hugepages), server.log, server.out. It listens on 127.0.0.1:$DSTOR_RUN_PORT
# (default 10001, where libdaos, dmg and daos look when DSTOR_ACCESS_POINTS is
# unset, so nothing needs configuring; DSTOR_RUN_DIR moves the system elsewhere).
# It is left running: run again and the same system and pool are reused.
set -euo pipefail

cmd=${1:-}
build=${2:-build}
[ -d "$build" ] || { echo "run: ERROR: no build directory $build: run make first" >&2; exit 1; }
build=$(cd "$build" && pwd)
port=${DSTOR_RUN_PORT:-10001}
targets=${DSTOR_RUN_TARGETS:-2}
pool_size=${DSTOR_RUN_POOL_SIZE:-2GB}
pool=demo
cont=demo

run=${DSTOR_RUN_DIR:-$build/run}
data=$run/data
pidfile=$data/daos_server.pid
server=$build/src/engine/daos_server
dmg=$build/src/tools/dmg
daos=$build/src/tools/daos
perf=$build/src/tools/daos_perf

say() { printf 'run: %s\n' "$*"; }
die() { printf 'run: ERROR: %s\n' "$*" >&2; exit 1; }

# The PID of our server for this data directory, if it is alive.
server_pid() {
	local pid
	[ -f "$pidfile" ] || return 1
	pid=$(cat "$pidfile" 2>/dev/null) || return 1
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	# a recycled PID is someone else's process: check it is daos_server on our data
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "daos_server start --data-dir $data" ||
		return 1
	echo "$pid"
}

port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_server() {
	local pid i
	if pid=$(server_pid); then
		say "reusing the system already running (pid $pid, $data)"
		return 0
	fi
	port_busy "$port" &&
		die "127.0.0.1:$port is in use by another program; stop it or set DSTOR_RUN_PORT"
	mkdir -p "$data"
	say "starting daos_server on 127.0.0.1:$port, $targets targets, storage $data"
	# its own session, so it outlives make; output kept beside the log
	setsid "$server" start --data-dir "$data" --listen "127.0.0.1:$port" \
		--targets "$targets" --log-file "$run/server.log" \
		</dev/null >>"$run/server.out" 2>&1 &
	pid=$!
	for i in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || {
			tail -5 "$run/server.out" >&2
			die "daos_server exited during start-up (see $run/server.out)"
		}
		if "$dmg" system query >/dev/null 2>&1; then
			say "daos_server is up (pid $pid)"
			return 0
		fi
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null || true
	die "daos_server did not answer within 30 s (see $run/server.out)"
}

ensure_pool() {
	if "$dmg" pool query "$pool" >/dev/null 2>&1; then
		say "pool $pool exists"
		return 0
	fi
	say "creating pool $pool ($pool_size)"
	"$dmg" pool create --size "$pool_size" "$pool" >/dev/null
}

do_run() {
	[ -x "$server" ] && [ -x "$dmg" ] && [ -x "$perf" ] ||
		die "$build is not built: run make first"
	export DSTOR_ACCESS_POINTS=127.0.0.1:$port
	start_server
	ensure_pool
	say "workload through libdaos on pool $pool, container $cont (created if missing):"
	echo
	"$perf" --pool "$pool" --cont "$cont" --demo
	echo
	say "every read above was checked against what was written."
	say "the system keeps running. Try:"
	local env="" show=${build#"$PWD"/}
	[ "$port" = 10001 ] || env="DSTOR_ACCESS_POINTS=127.0.0.1:$port "
	echo "    ${env}$show/src/tools/dmg system query"
	echo "    ${env}$show/src/tools/dmg pool query $pool"
	if [ -x "$daos" ]; then
		echo "    ${env}$show/src/tools/daos container list $pool"
		echo "    ${env}$show/src/tools/daos container query $pool $cont"
	fi
	echo "    ${env}$show/src/tools/daos_perf --pool $pool --cont $cont --op update --size 4KiB --qd 32 --count 20000"
	echo "    make stop                 # stops it cleanly; make run again reuses it"
}

do_stop() {
	local pid i
	if ! pid=$(server_pid); then
		say "no system running on $data"
		return 0
	fi
	say "stopping daos_server (pid $pid)"
	kill -TERM "$pid"
	for i in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || { say "stopped"; return 0; }
		sleep 0.1
	done
	die "daos_server (pid $pid) still running after 30 s; see $run/server.log"
}

case "$cmd" in
run) do_run ;;
stop) do_stop ;;
*) echo "usage: scripts/run.sh run|stop [BUILD_DIR]" >&2; exit 2 ;;
esac
