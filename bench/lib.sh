# Shared by the bench/*.sh scripts (sourced, not run).

# fio_job DIR SIZE RUNTIME RW BS QD [FIO_ARGS...]: one fio job on files in DIR
# (O_DIRECT, io_uring, time-based), printed as one JSON line with the job's
# "iops", "mib_s", "p50_us" and "p99_us" (completion latency) of its write
# side, or of its read side for a read job.
fio_job() {
	local dir=$1 size=$2 runtime=$3 rw=$4 bs=$5 qd=$6
	shift 6
	fio --name=limit --directory="$dir" --size="$size" --rw="$rw" --bs="$bs" --iodepth="$qd" \
		--ioengine=io_uring --direct=1 --runtime="$runtime" --time_based \
		--output-format=json "$@" 2>/dev/null |
		python3 -c 'import json,sys
j=json.load(sys.stdin)["jobs"][0]
d=j["write"] if j["write"]["iops"] > 0 else j["read"]
pc=d["clat_ns"].get("percentile", {})
print(json.dumps({"iops": d["iops"], "mib_s": d["bw_bytes"]/1048576,
                  "p50_us": pc.get("50.000000", 0)/1e3, "p99_us": pc.get("99.000000", 0)/1e3}))'
}
