#!/usr/bin/env bash
# Install the build into a scratch prefix, then compile and run a DAOS-style
# program against that prefix alone (no source tree include paths).
#   run-compat.sh BUILD_DIR COMPAT_SRC_DIR CC
set -euo pipefail
build=$1 src=$2 cc=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null
test -L "$prefix/lib" || { echo "compat: $prefix/lib link missing"; exit 1; }
test -e "$prefix/lib64/libgurt.so.4" || { echo "compat: libgurt.so.4 not installed"; exit 1; }

flags=()
# A sanitizer build's library needs the sanitizer runtime in the program too.
if nm -D "$prefix/lib64/libgurt.so" | grep -q __asan_init; then
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
echo "compat: OK"
