#!/bin/bash
# daos_server on raw block devices, driven by dmg (and daos_perf when built):
# three loop devices over sparse files as the wal, meta and data devices;
# dmg storage format writes their tables, storage query usage lists them, a
# pool takes a slice of each per target and gives them back when destroyed,
# kill -9 and a restart keep pool and data, a fresh control directory finds
# the devices foreign (format refused without --force), and one device can
# hold all three roles; the control directory is refused as a data directory.
# The loop devices are
# always detached (EXIT trap, by the paths losetup printed). Needs root and
# losetup: otherwise skipped (77).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/loop-control ] || ! command -v losetup >/dev/null 2>&1; then
	echo "SKIP: needs root and loop devices (losetup)"
	exit 77
fi
integ_init block_devices

LOOPS=""
bdev_exit() {
	local rc=$?

	if [ -n "$SRV_PID" ]; then
		kill -KILL "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=""
	fi
	for dev in $LOOPS; do
		losetup -d "$dev" || echo "block_devices: losetup -d $dev failed" >&2
	done
	LOOPS=""
	(exit $rc)
	integ_cleanup
}
trap bdev_exit EXIT

SRV_PORT=$(free_port)
CTL="$WORK/ctl"
CFG="$WORK/daos_server.yml"
declare -A DEV
for role in wal meta data; do
	size=128M
	[ $role = data ] && size=768M
	truncate -s $size "$WORK/$role.img" || fail "cannot create $WORK/$role.img"
	dev=$(losetup --find --show --direct-io=on "$WORK/$role.img" 2>/dev/null)
	if [ -z "$dev" ]; then
		echo "SKIP: losetup could not attach a loop device"
		exit 77
	fi
	LOOPS="$LOOPS $dev"
	DEV[$role]=$dev
done
cat >"$CFG" <<YML
name: integ_bdev
port: $SRV_PORT
listen_addr: 127.0.0.1
control_metadata:
  path: $CTL
engines:
  - targets: 2
    log_file: $WORK/engine.log
    storage:
      - class: kdev
        bdev_list: [${DEV[wal]}]
        bdev_roles: [wal]
      - class: kdev
        bdev_list: [${DEV[meta]}]
        bdev_roles: [meta]
      - class: nvme
        bdev_list: [${DEV[data]}]
        bdev_roles: [data]
YML

slices() {
	expect_rc 0 dmg -j storage query usage
	json_get '[d["slices"] for d in list(j["response"]["host_storage_map"].values())[0]["storage"]["devices"]]' "$OUT"
}

step "blank devices: format writes the device tables, usage lists them"
srv_start -o "$CFG"
srv_wait
expect_rc 0 dmg system query
expect_in "AwaitFormat" "$OUT"
expect_rc 0 timeout 60 "$DMG" -o "$CFG" storage format
expect_rc 0 dmg storage query usage
expect_in "${DEV[data]}" "$OUT"
expect_in "Slices" "$OUT"
[ "$(slices)" = "[0, 0, 0]" ] || fail "slices after format: $(cat "$OUT")"

step "pools take a slice per target on each device; too big a pool is refused"
expect_rc 0 dmg pool create --size 256MiB tank
[ "$(slices)" = "[2, 2, 2]" ] || fail "slices with one pool: $(cat "$OUT")"
expect_rc 1 dmg pool create --size 8GiB huge
expect_in "DER_NOSPACE" "$ERR"
[ "$(slices)" = "[2, 2, 2]" ] || fail "a refused pool left slices: $(cat "$OUT")"
if [ -n "${DAOS_TOOL:-}" ] && [ -x "$DAOS_TOOL" ] && [ -n "${DAOS_PERF:-}" ] && [ -x "$DAOS_PERF" ]; then
	export DSTOR_ACCESS_POINTS="127.0.0.1:$SRV_PORT"
	expect_rc 0 timeout 60 "$DAOS_TOOL" container create tank c1
	# fetch writes its values first, then reads every one back and checks it
	expect_rc 0 timeout 60 "$DAOS_PERF" --pool tank --cont c1 --op fetch --size 64KiB \
		--qd 8 --count 300
fi

step "kill -9 and restart: the pool is there, its slices too"
srv_kill
srv_start -o "$CFG"
srv_wait
expect_rc 0 dmg -j pool list
[ "$(json_get '[(p["label"], p["state"]) for p in j["response"]["pools"]]' "$OUT")" = '[["tank", "Ready"]]' ] ||
	fail "pools after kill -9: $(cat "$OUT")"
[ "$(slices)" = "[2, 2, 2]" ] || fail "slices after kill -9: $(cat "$OUT")"
if [ -n "${DSTOR_ACCESS_POINTS:-}" ]; then
	expect_rc 0 timeout 60 "$DAOS_PERF" --pool tank --cont c1 --op fetch --size 64KiB \
		--qd 8 --count 300
fi

step "kill -9 while pools are being created: their slices are all or nothing"
for i in 1 2 3 4 5; do
	timeout "$DMG_TIMEOUT" "$DMG" --host "127.0.0.1:$SRV_PORT" pool create --size 128MiB "mid$i" \
		>"$WORK/mid$i.out" 2>&1 &
	dmg_pid=$!
	# dmg connects in a few ms and a create takes tens: 8 ms apart
	sleep "0.0$(printf '%02d' $((i * 8)))"
	srv_kill
	wait "$dmg_pid"
	srv_start -o "$CFG"
	srv_wait
	expect_rc 0 dmg -j pool list
	npools=$(json_get 'len([p for p in j["response"]["pools"] if p["state"] == "Ready"])' "$OUT")
	[ "$(json_get 'len(j["response"]["pools"])' "$OUT")" = "$npools" ] ||
		fail "a pool not Ready after kill -9: $(cat "$OUT")"
	echo "   kill $i: $npools pools Ready"
	want="[$((npools * 2)), $((npools * 2)), $((npools * 2))]"
	[ "$(slices)" = "$want" ] || fail "slices after a kill during create: $(cat "$OUT"), want $want"
done
for i in 1 2 3 4 5; do
	dmg pool destroy --force "mid$i" >/dev/null 2>&1
done
[ "$(slices)" = "[2, 2, 2]" ] || fail "slices after destroying the mid pools: $(cat "$OUT")"

step "destroy gives the slices back"
expect_rc 0 dmg pool destroy --force tank
[ "$(slices)" = "[0, 0, 0]" ] || fail "slices after destroy: $(cat "$OUT")"
srv_stop

step "a fresh control directory: the devices are foreign, format needs --force"
rm -rf "$CTL"
srv_start -o "$CFG"
srv_wait
expect_rc 1 dmg storage format
expect_in "DER_EXIST" "$ERR"
expect_rc 0 dmg storage format --force
expect_rc 0 dmg pool create --size 128MiB again
[ "$(slices)" = "[2, 2, 2]" ] || fail "slices after a forced format: $(cat "$OUT")"
srv_stop

step "one device for all three roles: its table carves it among them"
CFG1="$WORK/daos_server_one.yml"
cat >"$CFG1" <<YML
name: integ_bdev1
port: $SRV_PORT
listen_addr: 127.0.0.1
control_metadata:
  path: $WORK/ctl1
engines:
  - targets: 2
    log_file: $WORK/engine1.log
    storage:
      - class: kdev
        bdev_list: [${DEV[data]}]
        bdev_roles: [wal, meta, data]
YML
srv_start -o "$CFG1"
srv_wait
expect_rc 1 dmg storage format
expect_rc 0 dmg storage format --force
expect_rc 0 dmg -j storage query usage
[ "$(json_get '[(d["path"], d["role"], d["slices"]) for d in list(j["response"]["host_storage_map"].values())[0]["storage"]["devices"]]' "$OUT")" = "[[\"${DEV[data]}\", \"wal,meta,data\", 0]]" ] ||
	fail "usage of a shared device: $(cat "$OUT")"
expect_rc 0 dmg pool create --size 256MiB one
[ "$(slices)" = "[6]" ] || fail "slices of a pool on a shared device: $(cat "$OUT")"
# a second server on the same device (another control directory) is refused
sed -e "s|$WORK/ctl1|$WORK/ctl2|" -e "s|^port: .*|port: $(free_port)|" "$CFG1" >"$WORK/second.yml"
expect_rc 1 timeout 30 "$DAOS_SERVER" start -o "$WORK/second.yml"
expect_in "${DEV[data]}: in use" "$ERR"
if [ -n "${DSTOR_ACCESS_POINTS:-}" ]; then
	expect_rc 0 timeout 60 "$DAOS_TOOL" container create one c1
	expect_rc 0 timeout 60 "$DAOS_PERF" --pool one --cont c1 --op fetch --size 64KiB \
		--qd 8 --count 300
fi
srv_kill
srv_start -o "$CFG1"
srv_wait
[ "$(slices)" = "[6]" ] || fail "slices on a shared device after kill -9: $(cat "$OUT")"
expect_rc 0 dmg pool destroy --force one
[ "$(slices)" = "[0]" ] || fail "slices on a shared device after destroy: $(cat "$OUT")"
srv_stop

step "the control directory is not a data directory"
expect_rc 1 timeout 30 "$DAOS_SERVER" start --data-dir "$WORK/ctl1" --listen "127.0.0.1:$SRV_PORT"
expect_in "is the control directory of storage on block devices" "$ERR"
expect_in "${DEV[data]} wal,meta,data" "$WORK/ctl1/devices"
