#!/usr/bin/env bash
# Install the build into a scratch prefix, then compile and run a DAOS-style
# program against that prefix alone (no source tree include paths).
#   run-compat.sh BUILD_DIR COMPAT_SRC_DIR CC
set -euo pipefail
build=$1 src=$2 cc=$3
prefix=$(mktemp -d)
server_pid=
stop_server() {
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		for _ in $(seq 300); do
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}
trap 'stop_server; rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null
test -L "$prefix/lib" || { echo "compat: $prefix/lib link missing"; exit 1; }
test -e "$prefix/lib64/libgurt.so.4" || { echo "compat: libgurt.so.4 not installed"; exit 1; }

flags=()
# A sanitizer build's library needs the sanitizer runtime in the program too.
if nm -D "$prefix/lib64/libgurt.so" | grep -c __asan_init >/dev/null; then
	flags+=(-fsanitize=address,undefined)
fi
"$cc" -Wall -Wextra -Werror "${flags[@]}" -I"$prefix/include" "$src/gurt_compat.c" \
	-L"$prefix/lib64" -lgurt -Wl,-rpath,"$prefix/lib64" -o "$prefix/gurt_compat"
out=$("$prefix/gurt_compat")
echo "$out"
grep -qx 'DER_NONEXIST' <<<"$out"
grep -qx 'errno2der(ENOENT)=DER_NONEXIST' <<<"$out"
grep -qx 'drained 100 records' <<<"$out"

# pkg-config must describe the same prefix.
PKG_CONFIG_PATH="$prefix/lib64/pkgconfig" pkg-config --cflags --libs gurt >/dev/null

# The DAOS client headers (daos.h and what it includes).
for h in daos.h daos_types.h daos_errno.h daos_event.h daos_pool.h daos_cont.h daos_obj.h \
	daos_obj_class.h daos_prop.h daos_security.h daos_kv.h daos_array.h daos_tx.h daos_api.h \
	daos_mgmt.h daos_version.h; do
	test -e "$prefix/include/$h" || { echo "compat: $h not installed"; exit 1; }
done

# A client written the DAOS way compiles against the prefix alone and asks for the
# symbols DAOS's library exports.
"$cc" -Wall -Wextra -Werror "${flags[@]}" -I"$prefix/include" -c "$src/daos_compat.c" \
	-o "$prefix/daos_compat.o"
undef=$(nm "$prefix/daos_compat.o" | awk '$1 == "U" { print $2 }')
for sym in daos_pool_connect2 daos_cont_create2 daos_cont_open2 daos_cont_destroy2 \
	daos_obj_generate_oid2 daos_obj_update daos_kv_put daos_array_write daos_eq_poll; do
	grep -qx "$sym" <<<"$undef" || { echo "compat: daos_compat.o does not call $sym"; exit 1; }
done
echo "compat: DAOS-style client compiles"

# libdaos as DAOS installs it, and a pkg-config file beside gurt's.
for f in libdaos.so libdaos.so.2 libdaos_common.so pkgconfig/daos.pc; do
	test -e "$prefix/lib64/$f" || { echo "compat: lib64/$f not installed"; exit 1; }
done
test "$(PKG_CONFIG_PATH="$prefix/lib64/pkgconfig" pkg-config --libs-only-l daos | xargs)" = \
	"-ldaos -ldaos_common -lgurt" || { echo "compat: daos.pc libs differ"; exit 1; }

# Linked with the link line DAOS programs use, nothing else. Until libdaos exports the
# transaction calls (src/client/dc_tx.c), daos_compat.c updates without one.
link=(-L"$prefix/lib64" -ldaos -ldaos_common -lgurt -Wl,-rpath,"$prefix/lib64")
if ! nm -D --defined-only "$prefix/lib64/libdaos.so" | grep -qw daos_tx_open; then
	echo "compat: libdaos has no transactions yet: daos_compat runs without them"
	"$cc" -Wall -Wextra -Werror "${flags[@]}" -DCOMPAT_NO_TX -I"$prefix/include" \
		-c "$src/daos_compat.c" -o "$prefix/daos_compat.o"
fi
"$cc" "${flags[@]}" "$prefix/daos_compat.o" "${link[@]}" -o "$prefix/daos_compat"
"$cc" -Wall -Wextra -Werror "${flags[@]}" -I"$prefix/include" "$src/daos_ior.c" "${link[@]}" \
	-o "$prefix/daos_ior"
echo "compat: DAOS-style clients link"

# ... and run against the installed daos_server on a free port, a pool made by dmg. The
# installed binaries' RPATH names the configured prefix, not this scratch one, so they are told.
export LD_LIBRARY_PATH="$prefix/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DSTOR_ACCESS_POINTS=127.0.0.1:$port
"$prefix/bin/daos_server" start --data-dir "$prefix/data" --listen "$DSTOR_ACCESS_POINTS" \
	--targets 2 >"$prefix/server.log" 2>&1 &
server_pid=$!
up=0
for _ in $(seq 300); do
	if "$prefix/bin/dmg" system query >/dev/null 2>&1; then
		up=1
		break
	fi
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
[ $up = 1 ] || { echo "compat: daos_server did not answer"; cat "$prefix/server.log"; exit 1; }
"$prefix/bin/dmg" pool create --size 512MB compat >/dev/null
run_client() {
	local rc=0

	timeout 120 "$@" || rc=$?
	if [ $rc != 0 ]; then
		echo "compat: $(basename "$1") failed (exit $rc)"
		tail -20 "$prefix/server.log"
		exit 1
	fi
}
run_client "$prefix/daos_compat" compat compat_cont
run_client "$prefix/daos_ior" compat ior_cont
stop_server
echo "compat: DAOS-style clients run"

# DAOS's ABI: every constant, type size, member offset, call redirection and prototype
# of its client headers, as daos_abi.list records them.
awk -f "$src/abi_gen.awk" "$src/daos_abi.list" >"$prefix/abi.c"
"$cc" -Wall -Wextra -Werror -I"$prefix/include" "$prefix/abi.c" -o "$prefix/abi" ||
	{ echo "compat: a DAOS name is missing or declared differently"; exit 1; }
"$prefix/abi" >"$prefix/abi.out"
grep -v '^#' "$src/daos_abi.list" | diff - "$prefix/abi.out" ||
	{ echo "compat: values differ from DAOS's (< DAOS, > ours)"; exit 1; }
echo "compat: DAOS ABI OK ($(wc -l <"$prefix/abi.out") names)"

# The helpers DAOS's headers define inline behave as DAOS's (expected: their output
# built against DAOS's headers).
"$cc" -Wall -Wextra -Werror -I"$prefix/include" "$src/daos_inline.c" -o "$prefix/daos_inline"
"$prefix/daos_inline" | diff "$src/daos_inline.expected" - ||
	{ echo "compat: inline helpers differ from DAOS's (< DAOS, > ours)"; exit 1; }
echo "compat: inline helpers OK"

# Every public header compiles on its own, in C and in C++.
for h in $(cd "$prefix/include" && find . -name '*.h' | sed 's|^\./||' | sort); do
	echo "#include <$h>" >"$prefix/one.c"
	"$cc" -Wall -Wextra -Werror -I"$prefix/include" -c "$prefix/one.c" -o /dev/null ||
		{ echo "compat: $h does not compile on its own"; exit 1; }
	if command -v g++ >/dev/null; then
		cp "$prefix/one.c" "$prefix/one.cc"
		g++ -Wall -Werror -I"$prefix/include" -c "$prefix/one.cc" -o /dev/null ||
			{ echo "compat: $h does not compile as C++"; exit 1; }
	fi
done
echo "compat: headers OK"
echo "compat: OK"
