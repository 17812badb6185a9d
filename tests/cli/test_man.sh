#!/bin/sh
# TAP: man/mgsleep.1 documents every command listed by `mgsleep --help`,
# every --option shown by `mgsleep --help` and `mgsleep help <command>`, and
# every option a command declares in its option table (src/cli/parse_options.h),
# as listed by the hidden `mgsleep --list-options`.
#
# usage: tests/cli/test_man.sh MGSLEEP_BINARY   (run from the repository root)
set -u

# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
MAN=${MAN_PAGE:-man/mgsleep.1}

if [ ! -r "$MAN" ]; then
	ok 1 "$MAN is readable"
	finish
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

"$bin" --help >"$tmp/help" 2>"$tmp/help.err"
ok $? "mgsleep --help exits 0"

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
	if ! "$bin" help "$cmd" >"$tmp/usage" 2>/dev/null; then
		ok 1 "mgsleep help $cmd exits 0"
		continue
	fi
	ok 0 "mgsleep help $cmd exits 0"
	grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' "$tmp/usage" | sort -u >"$tmp/opts"
	while read -r opt; do
		check "$cmd option $opt is documented" grep -qxF -- "$opt" "$tmp/man-options"
	done <"$tmp/opts"
done <"$tmp/commands"

# Declared options: "COMMAND --option" per line, from the same tables that
# parse the options and print the help. Each is documented, and shown by
# `mgsleep help COMMAND` (the help is generated from the declarations).
"$bin" --list-options >"$tmp/declared" 2>"$tmp/declared.err"
ok $? "mgsleep --list-options exits 0"
check "mgsleep --list-options lists declared options" test -s "$tmp/declared"
while read -r cmd opt; do
	check "$cmd declares $opt: documented" grep -qxF -- "$opt" "$tmp/man-options"
	"$bin" help "$cmd" 2>/dev/null | grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' >"$tmp/shown"
	check "$cmd declares $opt: shown by mgsleep help $cmd" grep -qxF -- "$opt" "$tmp/shown"
done <"$tmp/declared"
check "every command of --help but help and version declares options" sh -c \
	"grep -vxE 'help|version|backup|import-backup|kb|passphrase' '$tmp/commands' | while read -r c; do grep -q \"^\$c \" '$tmp/declared' || exit 1; done"

# The sections the page must have.
for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES NOTES; do
	check "section $sec is present" grep -qE "^\.SH \"?$sec\"?\$" "$tmp/man"
done
for var in MGSLEEP_KB COLUMNS; do
	check "environment variable $var is documented" grep -qF -- "$var" "$tmp/man"
done

finish
