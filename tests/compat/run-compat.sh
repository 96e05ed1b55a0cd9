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
