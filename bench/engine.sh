#!/usr/bin/env bash
# Storage engine benchmark: fio (the device's limit) and vos_perf (our durable
# store) on the same directory in one run, and the ratios the engine issue
# targets.
#   bench/engine.sh [--dir DIR] [--smoke] [--json] [--vos-perf PATH]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/lib.sh"
dir="" smoke=0 json=0 vp="$here/build/src/tools/vos_perf"
while [ $# -gt 0 ]; do
	case "$1" in
	--dir) dir=$2; shift 2 ;;
	--smoke) smoke=1; shift ;;
	--json) json=1; shift ;;
	--vos-perf) vp=$2; shift 2 ;;
	-h|--help) sed -n '2,6p' "$0"; exit 0 ;;
	*) echo "engine.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -x "$vp" ] || (cd "$here" && make >/dev/null) || { echo "engine.sh: no vos_perf" >&2; exit 1; }
command -v fio >/dev/null || { echo "engine.sh: fio missing (scripts/install-deps.sh)" >&2; exit 1; }
work=$(mktemp -d "${dir:-${TMPDIR:-/tmp}}/engine-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ $smoke = 1 ]; then
	runtime=1 fsize=64M n4k=2000 n64=5000 nrec=5000
else
	runtime=5 n4k=100000 n64=400000 nrec=1000000
	# fio's file as large as the 4 KiB values vos_perf reads back: whatever
	# caches below the device (a VM host's) then favour neither side
	fsize=$((n4k * 4 / 1024))M
fi

# fio's IOPS for one job, from its JSON output.
fio_iops() { # rw bs qd [fio args]
	fio_job "$work" "$fsize" "$runtime" "$@" |
		python3 -c 'import json,sys; print(int(json.load(sys.stdin)["iops"]))'
}
ours() { # op size qd count [flags] -> JSON line
	rm -rf "$work/vos"
	"$vp" --dir "$work/vos" --op "$1" --size "$2" --qd "$3" --count "$4" ${5:-} --json
}
field() { python3 -c "import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print('null' if v is None else v)" "$1" "$2"; }

fio_w=$(fio_iops randwrite 4k 32)
fio_r=$(fio_iops randread 4k 32)
fio_r8=$(fio_iops randread 8k 32)
fio_w8=$(fio_iops randwrite 8k 32)
fio_s=$(fio_iops randwrite 4k 1 --fdatasync=1)
# the durable pattern at the same depth: an fdatasync after every 32 writes,
# what one WAL group per round of 32 updates needs at the least
fio_ws=$(fio_iops randwrite 4k 32 --fdatasync=32)
u4k=$(ours update 4096 32 $n4k)
u64=$(ours update 64 128 $n64)
u8k=$(ours update 8192 32 $n4k)
f4k=$(ours fetch 4096 32 $n4k)
f8k=$(ours fetch 8192 32 $n4k)
h64=$(ours fetch 64 32 $n64 --hot)
rec=$(ours recover 64 1 1 "--keys $nrec")
rm -rf "$work/vos" "$work"/limit*

python3 - "$json" "$fio_w" "$fio_r" "$fio_s" "$fio_r8" "$fio_w8" "$fio_ws" "$u4k" "$u64" "$f4k" "$h64" "$rec" "$f8k" "$u8k" <<'PY'
import json, sys
js, fw, fr, fs, fr8, fw8, fws = sys.argv[1] == "1", *(int(a) for a in sys.argv[2:8])
u4k, u64, f4k, h64, rec, f8k, u8k = (json.loads(a) for a in sys.argv[8:15])
rows = [
    ("4 KiB durable update, QD32", u4k["iops"], "fio 4k randwrite QD32 (no sync)", fw, 0.8),
    ("4 KiB update vs fio+fdatasync", u4k["iops"], "fio 4k randwrite QD32, fdatasync every 32", fws, None),
    ("64 B durable update, QD128", u64["iops"], "target 200000/s (fio QD1+fdatasync: %d/s)" % fs, 200000, 1.0),
    ("8 KiB durable update, QD32", u8k["iops"], "fio 8k randwrite QD32 (DATA+WAL in parallel)", fw8, None),
    ("4 KiB cold fetch, QD32", f4k["iops"], "fio 4k randread QD32 (4 KiB lives in DATA)", fr, 0.8),
    ("8 KiB cold fetch, QD32", f8k["iops"], "fio 8k randread QD32 (DATA region)", fr8, 0.8),
    ("64 B hot fetch, QD32", h64["iops"], "target 1000000/s", 1000000, 1.0),
]
out = {"fio": {"randwrite_4k_qd32": fw, "randwrite_4k_qd32_fdatasync32": fws, "randread_4k_qd32": fr, "fdatasync_qd1": fs, "randread_8k_qd32": fr8,
               "randwrite_8k_qd32": fw8},
       "vos_perf": {"update_4k": u4k, "update_64": u64, "update_8k": u8k, "fetch_4k_cold": f4k, "fetch_8k_cold": f8k,
                    "fetch_64_hot": h64, "recover": rec}, "ratios": {}}
for name, v, ref_name, ref, target in rows:
    out["ratios"][name] = round(v / ref, 3)
if js:
    print(json.dumps(out))
    sys.exit(0)
print("%-30s %12s  %-46s %12s %7s %7s" % ("vos_perf", "ops/s", "limit", "ops/s", "ratio", "target"))
for name, v, ref_name, ref, target in rows:
    print("%-30s %12.0f  %-46s %12d %7.2f %7s" % (name, v, ref_name, ref, v / ref,
                                                 "-" if target is None else "%.2f" % target))
print("p50/p99 us: update 4K %.0f/%.0f, update 64B %.0f/%.0f, update 8K %.0f/%.0f, cold fetch 4K %.0f/%.0f, hot fetch 64B %.1f/%.1f" % (
    u4k["p50_us"], u4k["p99_us"], u64["p50_us"], u64["p99_us"], u8k["p50_us"], u8k["p99_us"], f4k["p50_us"], f4k["p99_us"],
    h64["p50_us"], h64["p99_us"]))
print("records per WAL flush: 4K %.1f, 64B %.1f; DRAM per small key %.0f B (target <= 256)" % (
    u4k["records_per_flush"], u64["records_per_flush"], u64["dram_bytes_per_key"]))
print("recovery of %d small keys: %.3f s (target <= 3 s)" % (rec["ops"], rec["recover_s"]))
PY
