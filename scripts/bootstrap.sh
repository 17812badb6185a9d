#!/bin/sh
# Install what mgsleep needs to build and test, from Debian packages only.
# Idempotent: does nothing when everything is present. Uses sudo when not root;
# when neither works it prints the exact command and stops.
set -eu

PKGS="gcc make meson ninja-build pkg-config python3 libjansson-dev libsodium-dev libsqlite3-dev libexpat1-dev zlib1g-dev librhonabwy-dev libmicrohttpd-dev zip unzip"
# Extra tools for sanitizer and fuzz runs (clang with its runtimes) and benchmarks;
# openssl, curl and strace for the CDS service's TLS and no-connection tests;
# PostgreSQL 15 with its server headers for the extension (pg/, tests/pg/run.sh);
# DejaVu, the fonts the browser tests' reference screenshots were made with.
if [ "${1:-}" = "--dev" ]; then
	PKGS="$PKGS clang libclang-rt-14-dev valgrind hyperfine wrk chromium openssl curl strace postgresql-15 postgresql-server-dev-15 fonts-dejavu-core"
	# Node for the browser tests: Debian's, unless a node and npm are
	# already on the PATH (another packaging of them would conflict).
	command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
	command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# The browser tests' npm packages (tests/browser/package-lock.json:
# playwright-core driving Debian's chromium, axe-core, pngjs, pixelmatch);
# never a browser download. Only with --dev, and only once.
browser_deps() {
	[ "${1:-}" = "--dev" ] || return 0
	dir=$(cd "$(dirname "$0")/.." && pwd)/tests/browser
	[ -d "$dir/node_modules/playwright-core" ] && return 0
	command -v npm >/dev/null 2>&1 || return 0
	(cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
}

if [ -z "$missing" ]; then
	browser_deps "${1:-}"
	exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -eq 0 ]; then
	sh -c "$cmd"
	browser_deps "${1:-}"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo sh -c "$cmd"
	browser_deps "${1:-}"
else
	echo "mgsleep: missing packages:$missing" >&2
	echo "mgsleep: run as root:  $cmd" >&2
	exit 1
fi
