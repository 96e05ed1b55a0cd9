#!/usr/bin/env bash
# Storage engine benchmark: fio (the device's limit) and vos_perf (our durable
# store) on the same directory in one run, and the ratios the engine issue
# targets.
#   bench/engine.sh [--dir DIR] [--smoke] [--json] [--vos-perf PATH] [--rounds N]
# This VM's disk swings by 2-4x within minutes, so the figures that are ratios
# are measured in N rounds (default 3, 1 with --smoke), each running fio and
# then vos_perf back to back; a ratio is the median of the N paired ratios,
# printed with their range.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/lib.sh"
dir="" smoke=0 json=0 vp="$here/build/src/tools/vos_perf" rounds=
while [ $# -gt 0 ]; do
	case "$1" in
	--dir) dir=$2; shift 2 ;;
	--smoke) smoke=1; shift ;;
	--json) json=1; shift ;;
	--vos-perf) vp=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	-h|--help) sed -n '2,9p' "$0"; exit 0 ;;
	*) echo "engine.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -x "$vp" ] || (cd "$here" && make >/dev/null) || { echo "engine.sh: no vos_perf" >&2; exit 1; }
command -v fio >/dev/null || { echo "engine.sh: fio missing (scripts/install-deps.sh)" >&2; exit 1; }
work=$(mktemp -d "${dir:-${TMPDIR:-/tmp}}/engine-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ $smoke = 1 ]; then
	runtime=1 fsize=64M n4k=2000 n64=5000 nrec=5000 rounds=${rounds:-1}
else
	runtime=5 n4k=100000 n64=400000 nrec=1000000 rounds=${rounds:-3}
	# fio's file as large as the 4 KiB values vos_perf reads back: whatever
	# caches below the device (a VM host's) then favour neither side
	fsize=$((n4k * 4 / 1024))M
fi
case "$rounds" in '' | *[!0-9]* | 0) echo "engine.sh: --rounds takes a positive number" >&2; exit 2 ;; esac

ours() { # op size qd count [flags] -> JSON line
	rm -rf "$work/vos"
	"$vp" --dir "$work/vos" --op "$1" --size "$2" --qd "$3" --count "$4" ${5:-} --json
}

# One round: each limit right before the vos_perf run it is compared with.
results=()
for r in $(seq 1 "$rounds"); do
	[ $json = 1 ] || echo "engine.sh: round $r of $rounds" >&2
	fw=$(fio_job "$work" "$fsize" "$runtime" randwrite 4k 32)
	# the durable pattern at the same depth: an fdatasync after every 32 writes,
	# what one WAL group per round of 32 updates needs at the least
	fws=$(fio_job "$work" "$fsize" "$runtime" randwrite 4k 32 --fdatasync=32)
	u4k=$(ours update 4096 32 $n4k)
	fw8=$(fio_job "$work" "$fsize" "$runtime" randwrite 8k 32)
	u8k=$(ours update 8192 32 $n4k)
	fr=$(fio_job "$work" "$fsize" "$runtime" randread 4k 32)
	f4k=$(ours fetch 4096 32 $n4k)
	fr8=$(fio_job "$work" "$fsize" "$runtime" randread 8k 32)
	f8k=$(ours fetch 8192 32 $n4k)
	u64=$(ours update 64 128 $n64)
	h64=$(ours fetch 64 32 $n64 --hot)
	rm -f "$work"/limit*
	results+=("$fw" "$fws" "$u4k" "$fw8" "$u8k" "$fr" "$f4k" "$fr8" "$f8k" "$u64" "$h64")
done
# a label only (what one flush costs here): measured once
fs=$(fio_job "$work" "$fsize" "$runtime" randwrite 4k 1 --fdatasync=1)
rm -f "$work"/limit*
rec=$(ours recover 64 1 1 "--keys $nrec")
rm -rf "$work/vos"

PYTHONPATH="$here/bench" python3 - "$json" "$rec" "$fs" "${results[@]}" <<'PY'
import json, sys
from paired import print_table, table, table_json
js, rec, fs = sys.argv[1] == "1", json.loads(sys.argv[2]), json.loads(sys.argv[3])
names = ["fw", "fws", "u4k", "fw8", "u8k", "fr", "f4k", "fr8", "f8k", "u64", "h64"]
args = [json.loads(a) for a in sys.argv[4:]]
rounds = [dict(zip(names, args[i:i + len(names)])) for i in range(0, len(args), len(names))]
# (row, ours, unit, limit's name, limit (a key of a round, or a fixed number), target ratio)
rows = [
    ("4 KiB durable update, QD32", "u4k", "iops", "fio 4k randwrite QD32 (no sync)", "fw", 0.8),
    ("4 KiB update vs fio+fdatasync", "u4k", "iops", "fio 4k randwrite QD32, fdatasync every 32", "fws", None),
    ("64 B durable update, QD128", "u64", "iops", "target 200000/s", 200000, 1.0),
    ("8 KiB durable update, QD32", "u8k", "iops", "fio 8k randwrite QD32 (DATA+WAL in parallel)", "fw8", None),
    ("4 KiB cold fetch, QD32", "f4k", "iops", "fio 4k randread QD32 (4 KiB lives in DATA)", "fr", 0.8),
    ("8 KiB cold fetch, QD32", "f8k", "iops", "fio 8k randread QD32 (DATA region)", "fr8", 0.8),
    ("64 B hot fetch, QD32", "h64", "iops", "target 1000000/s", 1000000, 1.0),
]
tab = table(rounds, rows)
last = rounds[-1]
out = {"rounds": len(rounds),
       "fio": {k: [rd[f]["iops"] for rd in rounds] for k, f in
               [("randwrite_4k_qd32", "fw"), ("randwrite_4k_qd32_fdatasync32", "fws"),
                ("randwrite_8k_qd32", "fw8"), ("randread_4k_qd32", "fr"),
                ("randread_8k_qd32", "fr8")]},
       "fdatasync_qd1": fs["iops"],
       "vos_perf": {k: [rd[f] for rd in rounds] for k, f in
                    [("update_4k", "u4k"), ("update_64", "u64"), ("update_8k", "u8k"),
                     ("fetch_4k_cold", "f4k"), ("fetch_8k_cold", "f8k"), ("fetch_64_hot", "h64")]},
       "recover": rec}
out.update(table_json(tab))
if js:
    print(json.dumps(out))
    sys.exit(0)
print_table("vos_perf", tab, 46)
print("(%d round%s; ops/s are medians; fio QD1 write+fdatasync, once: %.0f/s)" % (
    len(rounds), "" if len(rounds) == 1 else "s", fs["iops"]))
print("p50/p99 us, last round: update 4K %.0f/%.0f (fio no sync %.0f/%.0f), update 64B %.0f/%.0f, "
      "update 8K %.0f/%.0f, cold fetch 4K %.0f/%.0f (fio %.0f/%.0f), hot fetch 64B %.1f/%.1f" % (
    last["u4k"]["p50_us"], last["u4k"]["p99_us"], last["fw"]["p50_us"], last["fw"]["p99_us"],
    last["u64"]["p50_us"], last["u64"]["p99_us"], last["u8k"]["p50_us"], last["u8k"]["p99_us"],
    last["f4k"]["p50_us"], last["f4k"]["p99_us"], last["fr"]["p50_us"], last["fr"]["p99_us"],
    last["h64"]["p50_us"], last["h64"]["p99_us"]))
print("records per WAL flush: 4K %.1f, 64B %.1f; DRAM per small key %.0f B (target <= 256)" % (
    last["u4k"]["records_per_flush"], last["u64"]["records_per_flush"], last["u64"]["dram_bytes_per_key"]))
print("recovery of %d small keys: %.3f s (target <= 3 s)" % (rec["ops"], rec["recover_s"]))
PY
