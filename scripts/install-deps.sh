#!/usr/bin/env bash
# Install the Debian packages this project builds and tests with.
# Idempotent: does nothing when everything is already installed.
#   scripts/install-deps.sh          install what is missing (needs root)
#   scripts/install-deps.sh --check  only report; exit 1 if something is missing
set -euo pipefail

PKGS=(
	build-essential cmake ninja-build pkg-config clang
	libucx-dev ucx-utils liburing-dev libisal-dev
	libraft-dev libuv1-dev libfuse3-dev libyaml-dev uuid-dev libcmocka-dev
	fio
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	[ "${1:-}" = "--check" ] || echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi

if [ "${1:-}" = "--check" ]; then
	echo "install-deps: missing: ${missing[*]}"
	exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: these packages are missing: ${missing[*]}" >&2
	echo "install-deps: run 'sudo scripts/install-deps.sh' (needs root for apt-get)" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
