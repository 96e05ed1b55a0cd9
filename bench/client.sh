#!/usr/bin/env bash
# Client benchmark: fio (the device's limit) and daos_perf (an application's
# view through libdaos, against a one-node daos_server) on the same directory
# in one run, and the ratios the client issue targets.
#   bench/client.sh [--dir DIR] [--build DIR] [--targets N] [--smoke] [--json] [--rounds N]
# The server runs on 127.0.0.1 on a free port with its data under DIR; it is
# stopped (by PID) when the script ends, whatever happens. The disk swings by
# 2-4x within minutes, so each figure is measured in N rounds (default 3, 1
# with --smoke) that run fio right before the daos_perf run it is compared
# with; a ratio is the median of the N paired ratios, printed with their range.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/lib.sh"
dir="" build="$here/build" targets=2 smoke=0 json=0 rounds=
while [ $# -gt 0 ]; do
	case "$1" in
	--dir) dir=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--targets) targets=$2; shift 2 ;;
	--smoke) smoke=1; shift ;;
	--json) json=1; shift ;;
	--rounds) rounds=$2; shift 2 ;;
	-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
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
	runtime=1 fsize=64M pool=1GB n4k=1000 n1m=16 nkv=2000 rounds=${rounds:-1}
else
	runtime=5 fsize=1G pool=8GB n4k=50000 n1m=1000 nkv=200000 rounds=${rounds:-3}
fi
case "$rounds" in '' | *[!0-9]* | 0) echo "client.sh: --rounds takes a positive number" >&2; exit 2 ;; esac

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
# One round: each limit (on the directory the server's data uses, the server
# idle meanwhile) right before the daos_perf run it is compared with.
results=()
for r in $(seq 1 "$rounds"); do
	[ $json = 1 ] || echo "client.sh: round $r of $rounds" >&2
	fw4k=$(fio_job "$work" "$fsize" "$runtime" randwrite 4k 32)
	# the least a round of 32 durable updates needs: an fdatasync every 32 writes
	fw4ks=$(fio_job "$work" "$fsize" "$runtime" randwrite 4k 32 --fdatasync=32)
	# every write durable when it completes, as each of ours is when acknowledged
	fw4kd=$(fio_job "$work" "$fsize" "$runtime" randwrite 4k 32 --sync=dsync)
	u4k=$(ours update 4096 32 "$n4k")
	fw1m=$(fio_job "$work" "$fsize" "$runtime" write 1M 8)
	# the same made durable as ours are: an fdatasync every 8 writes
	fw1ms=$(fio_job "$work" "$fsize" "$runtime" write 1M 8 --fdatasync=8)
	fw1md=$(fio_job "$work" "$fsize" "$runtime" write 1M 8 --sync=dsync)
	u1m=$(ours update 1048576 8 "$n1m")
	fr1m=$(fio_job "$work" "$fsize" "$runtime" read 1M 8)
	f1m=$(ours fetch 1048576 8 "$n1m")
	rm -f "$work"/limit*
	kv64=$(ours kv_put 64 32 "$nkv")
	kv64d=$(ours kv_put 64 512 "$nkv")
	results+=("$fw4k" "$fw4ks" "$fw4kd" "$u4k" "$fw1m" "$fw1ms" "$fw1md" "$u1m" "$fr1m" "$f1m"
		"$kv64" "$kv64d")
done

PYTHONPATH="$here/bench" python3 - "$json" "$targets" "${results[@]}" <<'PY'
import json, sys
from paired import print_table, table, table_json
js, targets = sys.argv[1] == "1", int(sys.argv[2])
names = ["fw4k", "fw4ks", "fw4kd", "u4k", "fw1m", "fw1ms", "fw1md", "u1m", "fr1m", "f1m", "kv", "kvd"]
args = [json.loads(a) for a in sys.argv[3:]]
rounds = [dict(zip(names, args[i:i + len(names)])) for i in range(0, len(args), len(names))]
# (row, ours, unit (a key of the JSON), limit's name, limit (a key, or a fixed number), target)
rows = [
    ("4 KiB update, QD32 (durable)", "u4k", "iops", "fio 4k randwrite QD32", "fw4k", 0.6),
    ("4 KiB update vs fio+fdatasync", "u4k", "iops", "fio same, fdatasync/32", "fw4ks", None),
    ("4 KiB update vs fio O_DSYNC", "u4k", "iops", "fio same, O_DSYNC", "fw4kd", None),
    ("1 MiB update, QD8", "u1m", "mib_s", "fio 1M write QD8", "fw1m", 0.7),
    ("1 MiB update vs fio+fdatasync", "u1m", "mib_s", "fio same, fdatasync/8", "fw1ms", None),
    ("1 MiB update vs fio O_DSYNC", "u1m", "mib_s", "fio same, O_DSYNC", "fw1md", None),
    ("1 MiB fetch, QD8", "f1m", "mib_s", "fio 1M read QD8", "fr1m", 0.7),
    ("64 B KV put, QD32", "kv", "iops", "target 100000/s", 100000, 1.0),
    ("64 B KV put, QD512", "kvd", "iops", "target 100000/s", 100000, 1.0),
]
tab = table(rounds, rows)
out = {"targets": targets, "rounds": len(rounds),
       "fio": {k: [rd[f] for rd in rounds] for k, f in
               [("randwrite_4k_qd32", "fw4k"), ("randwrite_4k_qd32_fdatasync32", "fw4ks"),
                ("randwrite_4k_qd32_dsync", "fw4kd"), ("write_1m_qd8", "fw1m"),
                ("write_1m_qd8_fdatasync8", "fw1ms"), ("write_1m_qd8_dsync", "fw1md"),
                ("read_1m_qd8", "fr1m")]},
       "daos_perf": {k: [rd[f] for rd in rounds] for k, f in
                     [("update_4k", "u4k"), ("update_1m", "u1m"), ("fetch_1m", "f1m"),
                      ("kv_put_64", "kv"), ("kv_put_64_qd512", "kvd")]}}
out.update(table_json(tab))
if js:
    print(json.dumps(out))
    sys.exit(0)
print_table("daos_perf", tab)
last = rounds[-1]
print("(%d round%s, %d targets; figures are medians)" % (len(rounds), "" if len(rounds) == 1 else "s", targets))
print("p50/p99 us, last round, ours (fio): update 4K %.0f/%.0f (%.0f/%.0f), update 1M %.0f/%.0f (%.0f/%.0f), "
      "fetch 1M %.0f/%.0f (%.0f/%.0f), KV put 64B %.0f/%.0f" % (
    last["u4k"]["p50_us"], last["u4k"]["p99_us"], last["fw4k"]["p50_us"], last["fw4k"]["p99_us"],
    last["u1m"]["p50_us"], last["u1m"]["p99_us"], last["fw1m"]["p50_us"], last["fw1m"]["p99_us"],
    last["f1m"]["p50_us"], last["f1m"]["p99_us"], last["fr1m"]["p50_us"], last["fr1m"]["p99_us"],
    last["kv"]["p50_us"], last["kv"]["p99_us"]))
PY
