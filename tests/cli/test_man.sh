#!/bin/sh
# TAP: man/mgsleep.1 documents every command listed by `mgsleep --help` and
# every --option shown by `mgsleep --help` and `mgsleep help <command>`.
#
# usage: tests/cli/test_man.sh MGSLEEP_BINARY   (run from the repository root)
set -u

BIN=${1:?usage: test_man.sh MGSLEEP_BINARY}
MAN=${MAN_PAGE:-man/mgsleep.1}
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ ! -r "$MAN" ]; then
	not_ok "$MAN is readable"
	echo "1..$n"
	exit 1
fi

# Normalise troff: drop backslashes, so "\-\-age" reads "--age" and
# "\-\-supplement\-mg" reads "--supplement-mg".
# shellcheck disable=SC1003 # tr's '\\' is one backslash
tr -d '\\' <"$MAN" >"$tmp/man"
# Every --option word in the page, one per line.
grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' "$tmp/man" | sort -u >"$tmp/man-options"
# Command names that head an entry (.TP then .B/.BI NAME) in the COMMANDS section.
awk '
	/^\.SH/ { in_cmds = ($2 == "COMMANDS") ; next }
	in_cmds && /^\.TP/ { want = 1; next }
	in_cmds && want && /^\.B/ { gsub(/"/, ""); print $2; want = 0; next }
	{ want = 0 }
' "$tmp/man" | sort -u >"$tmp/man-commands"

if "$BIN" --help >"$tmp/help" 2>"$tmp/help.err"; then
	ok "mgsleep --help exits 0"
else
	not_ok "mgsleep --help exits 0"
fi

# Commands: the indented lines after "commands:" up to the first blank line.
awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$tmp/help" >"$tmp/commands"
check "mgsleep --help lists commands" test -s "$tmp/commands"

while read -r cmd; do
	check "command '$cmd' has an entry in COMMANDS" grep -qxF -- "$cmd" "$tmp/man-commands"
done <"$tmp/commands"

# Options: those of the global usage, then of each command's usage.
grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' "$tmp/help" | sort -u >"$tmp/opts.global"
while read -r opt; do
	check "global option $opt is documented" grep -qxF -- "$opt" "$tmp/man-options"
done <"$tmp/opts.global"

while read -r cmd; do
	if ! "$BIN" help "$cmd" >"$tmp/usage" 2>/dev/null; then
		not_ok "mgsleep help $cmd exits 0"
		continue
	fi
	ok "mgsleep help $cmd exits 0"
	grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' "$tmp/usage" | sort -u >"$tmp/opts"
	while read -r opt; do
		check "$cmd option $opt is documented" grep -qxF -- "$opt" "$tmp/man-options"
	done <"$tmp/opts"
done <"$tmp/commands"

# The sections the page must have.
for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES NOTES; do
	check "section $sec is present" grep -qE "^\.SH \"?$sec\"?\$" "$tmp/man"
done
for var in MGSLEEP_KB COLUMNS; do
	check "environment variable $var is documented" grep -qF -- "$var" "$tmp/man"
done

echo "1..$n"
[ "$failed" -eq 0 ]
