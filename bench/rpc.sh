#!/usr/bin/env bash
# Transport benchmark: ucx_perftest (UCX's own limit: tag_lat 8 B, tag_bw 1 MiB)
# and rpc_perf against `rpc_perf --serve` in one run, over tcp and over shared
# memory, on 127.0.0.1 only, and the ratios the server issue targets:
# 8 B ping RTT <= 1.5 x tag_lat RTT, 1 MiB bulk >= 0.7 x tag_bw.
#   bench/rpc.sh [--smoke] [--json] [--rpc-perf PATH] [--tls tcp|shm|both] [--rounds N]
# This VM's loopback swings by 3x from one second to the next, so each figure is
# measured in N rounds (default 3) that alternate limit and ours; a ratio is the
# median of the N paired ratios, printed with their range.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
smoke=0 json=0 rp="$here/build/src/tools/rpc_perf" which=both rounds=
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) smoke=1; shift ;;
	--json) json=1; shift ;;
	--rpc-perf) rp=$2; shift 2 ;;
	--tls) which=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	-h|--help) sed -n '2,9p' "$0"; exit 0 ;;
	*) echo "rpc.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -x "$rp" ] || (cd "$here" && make >/dev/null) || { echo "rpc.sh: no rpc_perf" >&2; exit 1; }
command -v ucx_perftest >/dev/null || { echo "rpc.sh: ucx_perftest missing (ucx-utils)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/rpc-bench.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

if [ $smoke = 1 ]; then
	nlat=2000 nbw=100 nping=2000 nbulk=100 rounds=${rounds:-1}
else
	nlat=100000 nbw=4000 nping=100000 nbulk=4000 rounds=${rounds:-3}
fi
case "$rounds" in
'' | *[!0-9]* | 0) echo "rpc.sh: --rounds takes a positive number" >&2; exit 2 ;;
esac
case "$which" in
both) tls_list="tcp shm" ;;
tcp|shm) tls_list=$which ;;
*) echo "rpc.sh: --tls tcp, shm or both" >&2; exit 2 ;;
esac
# Shared memory as UCX names it here (checked: ucx_info -d lists posix, sysv, cma, self).
ucx_tls() { [ "$1" = tcp ] && echo tcp || echo sm,self; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
# Wait until a TCP port on 127.0.0.1 accepts, at most 10 s.
wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# ucx_perftest client output, "Final:" line: iters typical avg overall bw_avg bw_overall ...
perftest() { # tls test size iters -> "typical_lat_us overall_bw_mib"
	local port out pid
	port=$(free_port)
	UCX_NET_DEVICES=lo UCX_TLS=$(ucx_tls "$1") ucx_perftest -p "$port" >"$work/pt-srv.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	sleep 0.3
	out=$(UCX_NET_DEVICES=lo UCX_TLS=$(ucx_tls "$1") timeout 120 \
		ucx_perftest 127.0.0.1 -p "$port" -t "$2" -s "$3" -n "$4" 2>&1) || {
		echo "rpc.sh: ucx_perftest $2 failed:" >&2
		echo "$out" >&2
		exit 1
	}
	wait "$pid" 2>/dev/null || true
	echo "$out" | awk '$1 == "Final:" { print $3, $7 }'
}

serve_start() { # tls -> sets srv_pid, srv_port
	srv_port=$(free_port)
	UCX_NET_DEVICES=lo UCX_TLS=$(ucx_tls "$1") "$rp" --serve --listen "127.0.0.1:$srv_port" \
		--targets 1 >"$work/srv.log" 2>&1 &
	srv_pid=$!
	pids+=("$srv_pid")
	wait_port "$srv_port" || { echo "rpc.sh: rpc_perf --serve did not start" >&2; cat "$work/srv.log" >&2; exit 1; }
}
serve_stop() {
	kill -TERM "$srv_pid"
	wait "$srv_pid" || { echo "rpc.sh: rpc_perf --serve exited with an error" >&2; exit 1; }
}
ours() { # tls op size qd count -> JSON line
	UCX_NET_DEVICES=lo UCX_TLS=$(ucx_tls "$1") timeout 300 "$rp" --server "127.0.0.1:$srv_port" \
		--op "$2" --size "$3" --qd "$4" --count "$5" --json | grep '^{' # UCX logs to stdout too
}

results=()
for t in $tls_list; do
	serve_start "$t"
	for _ in $(seq 1 "$rounds"); do
		read -r lat _ <<<"$(perftest "$t" tag_lat 8 "$nlat")"
		ping=$(ours "$t" ping 8 1 "$nping")
		read -r _ bw <<<"$(perftest "$t" tag_bw 1048576 "$nbw")"
		put=$(ours "$t" bulk_put 1048576 8 "$nbulk")
		get=$(ours "$t" bulk_get 1048576 8 "$nbulk")
		results+=("$t" "$lat" "$bw" "$ping" "$put" "$get")
	done
	serve_stop
done

PYTHONPATH="$here/bench" python3 - "$json" "${results[@]}" <<'PY'
import json, sys
from paired import med, ratio_cells, ratios_json
js, args = sys.argv[1] == "1", sys.argv[2:]
rounds = {}  # tls -> list of (lat, bw, ping, put, get)
for i in range(0, len(args), 6):
    rounds.setdefault(args[i], []).append(
        (float(args[i + 1]), float(args[i + 2])) + tuple(json.loads(a) for a in args[i + 3:i + 6]))
out, rows = {}, []
for t, rs in rounds.items():
    # ucx_perftest reports half a round trip
    pr = {"ping_rtt": [p["p50_us"] / (2 * lat) for lat, bw, p, u, g in rs],
          "bulk_put": [u["mib_s"] / bw for lat, bw, p, u, g in rs],
          "bulk_get": [g["mib_s"] / bw for lat, bw, p, u, g in rs]}
    lat, bw = med(r[0] for r in rs), med(r[1] for r in rs)
    ours = {k: {f: med(r[j][f] for r in rs) for f in ("iops", "mib_s", "p50_us", "p99_us")}
            for j, k in ((2, "ping"), (3, "bulk_put"), (4, "bulk_get"))}
    out[t] = {"rounds": len(rs),
              "ucx_perftest": {"tag_lat_us": lat, "tag_lat_rtt_us": 2 * lat, "tag_bw_mib_s": bw},
              "rpc_perf": ours}
    out[t].update(ratios_json(pr))
    rows += [(t, "8 B ping RTT p50 (us)", ours["ping"]["p50_us"], "tag_lat RTT (2 x %.2f)" % lat, 2 * lat, pr["ping_rtt"], "<= 1.5"),
             (t, "1 MiB bulk_put QD8 (MiB/s)", ours["bulk_put"]["mib_s"], "tag_bw 1 MiB", bw, pr["bulk_put"], ">= 0.7"),
             (t, "1 MiB bulk_get QD8 (MiB/s)", ours["bulk_get"]["mib_s"], "tag_bw 1 MiB", bw, pr["bulk_get"], ">= 0.7")]
if js:
    print(json.dumps(out))
    sys.exit(0)
n = max(len(rs) for rs in rounds.values())
print("medians of %d round%s, each ratio the median of the paired rounds' ratios" % (n, "s" if n > 1 else ""))
print("%-4s %-28s %10s  %-24s %10s %7s %-11s %7s" % ("tls", "rpc_perf", "ours", "ucx_perftest", "limit", "ratio", "range", "target"))
for t, name, v, ref_name, ref, ratio, target in rows:
    print("%-4s %-28s %10.2f  %-24s %10.2f %s %7s" % (t, name, v, ref_name, ref, ratio_cells(ratio),
          target))
for t in out:
    p = out[t]["rpc_perf"]["ping"]
    print("%s: ping %.0f ops/s, p99 %.1f us" % (t, p["iops"], p["p99_us"]))
PY
