#!/bin/sh
# TAP: make install (PREFIX, DESTDIR) puts the binary, the man page and the
# bash completion in place, the installed binary runs on its own (the KB is
# built in) from any directory, and make uninstall leaves nothing. `make`
# and `make install` never call apt-get; `make demo` and `make check` do
# (through scripts/bootstrap.sh).
# usage: tests/cli/install.sh MGSLEEP   (run from the repository root; the
# build directory is the binary's)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
root=$PWD
build=$(dirname "$bin")
unset FOOD_DATA DESTDIR PREFIX MAKEFLAGS MAKELEVEL

if ! command -v make >/dev/null 2>&1; then
	skip "make not installed"
	finish
fi

d=$tmp/dest
p=/opt/mgsleep-test
check "make install PREFIX=$p DESTDIR=..." make -s -C "$root" install BUILD="$build" PREFIX="$p" DESTDIR="$d"
check "the binary is PREFIX/bin/mgsleep, executable" test -x "$d$p/bin/mgsleep"
check "the man page is PREFIX/share/man/man1/mgsleep.1, identical to man/mgsleep.1" cmp -s man/mgsleep.1 "$d$p/share/man/man1/mgsleep.1"
check "the completion is PREFIX/share/bash-completion/completions/mgsleep" \
	cmp -s completion/mgsleep.bash "$d$p/share/bash-completion/completions/mgsleep"
version=$(sed -n "s/^  version : '\([^']*\)',\$/\1/p" meson.build)
check "the installed binary's --version is mgsleep $version (meson.build)" \
	sh -c "cd / && '$d$p/bin/mgsleep' --version | head -1 | grep -qx 'mgsleep $version'"
check "the installed binary advises from another directory (built-in KB)" \
	sh -c "cd / && '$d$p/bin/mgsleep' advise --age 45 --sex female --format json | grep -q '\"elemental_mg\"'"
check "exactly 3 files installed" sh -c "[ \$(find '$d' -type f | wc -l) = 3 ]"
check "make uninstall" make -s -C "$root" uninstall PREFIX="$p" DESTDIR="$d"
check "nothing is left but empty directories" sh -c "[ \$(find '$d' ! -type d | wc -l) = 0 ]"

for t in all install; do
	make -n -C "$root" $t BUILD="$build" PREFIX="$p" DESTDIR="$d" >"$tmp/n" 2>&1
	check "make $t does not call bootstrap.sh or apt-get" sh -c "! grep -qE 'bootstrap|apt-get' '$tmp/n'"
done
make -n -C "$root" check BUILD="$build" >"$tmp/n" 2>&1
check "make check installs what is missing first (bootstrap.sh)" grep -q 'scripts/bootstrap.sh' "$tmp/n"

finish
