#!/bin/bash
# A client of another user on the server's host: the server runs as root, the
# client as nobody. Shared memory between them is refused by the kernel (one
# may not map or read the other's memory), so they must meet over tcp; 1 MiB
# values (bulk both ways) and 4 KiB ones (inline) are written and read back
# verified, each run bounded in time. Skipped unless run as root with
# setpriv, and with a build directory nobody can read.
. "$(dirname "$0")/lib.sh"
integ_init other_user
[ -n "${DAOS_PERF:-}" ] && [ -x "$DAOS_PERF" ] || { echo "SKIP: daos_perf not built"; exit 77; }
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null || { echo "SKIP: needs root and setpriv"; exit 77; }
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
as_nobody test -x "$DAOS_PERF" || { echo "SKIP: nobody cannot run $DAOS_PERF"; exit 77; }

SRV_PORT=$(free_port)
export DSTOR_ACCESS_POINTS=127.0.0.1:$SRV_PORT

step "a server (root) and a pool"
srv_start --data-dir "$WORK/data" --listen "127.0.0.1:$SRV_PORT" --targets 2
srv_wait
expect_rc 0 dmg pool create --size 2GB ou

step "nobody writes and reads back 1 MiB and 4 KiB values"
expect_rc 0 as_nobody timeout 60 "$DAOS_PERF" --pool ou --cont theirs --op fetch --size 1MiB \
	--qd 4 --count 32
expect_rc 0 as_nobody timeout 60 "$DAOS_PERF" --pool ou --cont theirs --op fetch --size 4KiB \
	--qd 16 --count 500

step "root's own client beside it, over shared memory"
expect_rc 0 timeout 60 "$DAOS_PERF" --pool ou --cont ours --op fetch --size 1MiB --qd 4 --count 32
expect_rc 0 dmg system query
srv_stop
