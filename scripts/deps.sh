#!/bin/sh
# deps.sh: install the Debian packages lookout needs that are missing.
# Build: compilers and the libraries found with pkg-config (libcsv has
# no .pc file and is linked by name).  Run: the OpenCC data files.
# Tests: clang and its sanitizer runtimes (only recommended by clang, so
# named here) for the second compiler.  Arguments name more packages
# (make test asks for chromium, to render the report; make valgrind for
# valgrind).
set -e
PKGS="build-essential pkg-config clang libclang-rt-dev
libsqlite3-dev libpcre2-dev libigraph-dev libcjson-dev libopencc-dev
libutf8proc-dev libcsv-dev libcmocka-dev opencc sqlite3
$*"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "deps: need root to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -q >/dev/null
${SUDO:-} apt-get install -y -q --no-install-recommends $missing >/dev/null
