#!/usr/bin/env bash
# Client benchmark: fio (the device's limit) and daos_perf (an application's
# view through libdaos, against a one-node daos_server) on the same directory
# in one run, and the ratios the client issue targets.
#   bench/client.sh [--dir DIR] [--build DIR] [--targets N] [--smoke] [--json]
# The server runs on 127.0.0.1 on a free port with its data under DIR; it is
# stopped (by PID) when the script ends, whatever happens.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/lib.sh"
dir="" build="$here/build" targets=2 smoke=0 json=0
while [ $# -gt 0 ]; do
	case "$1" in
	--dir) dir=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--targets) targets=$2; shift 2 ;;
	--smoke) smoke=1; shift ;;
	--json) json=1; shift ;;
	-h|--help) sed -n '2,7p' "$0"; exit 0 ;;
	*) echo "client.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
server=$build/src/engine/daos_server dmg=$build/src/tools/dmg perf=$build/src/tools/daos_perf
for b in "$server" "$dmg" "$perf"; do
	[ -x "$b" ] || { echo "client.sh: $b is not built (make)" >&2; exit 1; }
done
command -v fio >/dev/null || { echo "client.sh: fio missing (scripts/install-deps.sh)" >&2; exit 1; }
work=$(mktemp -d "${dir:-${TMPDIR:-/tmp}}/client-bench.XXXXXX")
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

if [ $smoke = 1 ]; then
	runtime=1 fsize=64M pool=1GB n4k=1000 n1m=16 nkv=2000
else
	runtime=5 fsize=1G pool=8GB n4k=50000 n1m=1000 nkv=200000
fi

# the device's limits, on the directory the server's data will use
fio_w4k=$(fio_job "$work" "$fsize" "$runtime" randwrite 4k 32)
# the least a round of 32 durable updates needs: an fdatasync every 32 writes
fio_w4ks=$(fio_job "$work" "$fsize" "$runtime" randwrite 4k 32 --fdatasync=32)
fio_w1m=$(fio_job "$work" "$fsize" "$runtime" write 1M 8)
fio_r1m=$(fio_job "$work" "$fsize" "$runtime" read 1M 8)
rm -f "$work"/limit*

# A free port, then the server on it with its data beside fio's files.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DSTOR_ACCESS_POINTS=127.0.0.1:$port
"$server" start --data-dir "$work/data" --listen "127.0.0.1:$port" --targets "$targets" \
	--log-file "$work/server.log" >"$work/server.out" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
	"$dmg" system query >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/server.out" >&2; exit 1; }
	sleep 0.1
done
"$dmg" pool create --size "$pool" bench >/dev/null

ours() { # op size qd count -> JSON
	"$perf" --pool bench --cont bench --op "$1" --size "$2" --qd "$3" --count "$4" --json |
		python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))'
}
u4k=$(ours update 4096 32 "$n4k")
u1m=$(ours update 1048576 8 "$n1m")
f1m=$(ours fetch 1048576 8 "$n1m")
kv64=$(ours kv_put 64 32 "$nkv")
kv64d=$(ours kv_put 64 512 "$nkv")

python3 - "$json" "$targets" "$fio_w4k" "$fio_w1m" "$fio_r1m" "$u4k" "$u1m" "$f1m" "$kv64" "$kv64d" "$fio_w4ks" <<'PY'
import json, sys
js, targets = sys.argv[1] == "1", int(sys.argv[2])
fw4k, fw1m, fr1m, u4k, u1m, f1m, kv, kvd, fw4ks = (json.loads(a) for a in sys.argv[3:12])
# (what, ours, our unit key, limit's name, limit value, target ratio)
rows = [
    ("4 KiB update, QD32 (durable)", u4k["iops"], "ops/s", "fio 4k randwrite QD32", fw4k["iops"], 0.6),
    ("4 KiB update vs fio+fdatasync", u4k["iops"], "ops/s", "fio same, fdatasync/32", fw4ks["iops"], None),
    ("1 MiB update, QD8", u1m["mib_s"], "MiB/s", "fio 1M write QD8", fw1m["mib_s"], 0.7),
    ("1 MiB fetch, QD8", f1m["mib_s"], "MiB/s", "fio 1M read QD8", fr1m["mib_s"], 0.7),
    ("64 B KV put, QD32", kv["iops"], "ops/s", "target 100000/s", 100000.0, 1.0),
    ("64 B KV put, QD512", kvd["iops"], "ops/s", "target 100000/s", 100000.0, 1.0),
]
out = {"targets": targets,
       "fio": {"randwrite_4k_qd32": fw4k, "randwrite_4k_qd32_fdatasync32": fw4ks, "write_1m_qd8": fw1m, "read_1m_qd8": fr1m},
       "daos_perf": {"update_4k": u4k, "update_1m": u1m, "fetch_1m": f1m, "kv_put_64": kv,
                     "kv_put_64_qd512": kvd},
       "ratios": {r[0]: round(r[1] / r[4], 3) for r in rows}}
if js:
    print(json.dumps(out))
    sys.exit(0)
print("%-30s %10s %-6s  %-24s %10s %7s %7s" % ("daos_perf", "ours", "", "limit", "limit", "ratio", "target"))
for name, v, unit, ref_name, ref, target in rows:
    print("%-30s %10.0f %-6s  %-24s %10.0f %7.2f %7s" % (name, v, unit, ref_name, ref, v / ref,
                                                       "-" if target is None else "%.2f" % target))
print("p50/p99 us, ours (fio): update 4K %.0f/%.0f (%.0f/%.0f), update 1M %.0f/%.0f (%.0f/%.0f), "
      "fetch 1M %.0f/%.0f (%.0f/%.0f), KV put 64B %.0f/%.0f" % (
    u4k["p50_us"], u4k["p99_us"], fw4k["p50_us"], fw4k["p99_us"], u1m["p50_us"], u1m["p99_us"],
    fw1m["p50_us"], fw1m["p99_us"], f1m["p50_us"], f1m["p99_us"], fr1m["p50_us"], fr1m["p99_us"],
    kv["p50_us"], kv["p99_us"]))
PY
