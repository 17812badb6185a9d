#!/bin/sh
# TAP: the bash completion (completion/mgsleep.bash) offers every command of
# the command table in src/cli/main.c (read from the source, not from the
# program), every --option of each command's usage, the subcommands and the
# values a usage lists. The completion function is called as bash calls it,
# with COMP_WORDS and COMP_CWORD.
# usage: tests/cli/completion.sh MGSLEEP   (run from the repository root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
COMPLETION=completion/mgsleep.bash

if ! command -v bash >/dev/null 2>&1; then
	skip "bash not installed"
	finish
fi

# complete WORD...: the completions offered for the last word, one a line, in $tmp/c.
complete_words() {
	bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mgsleep; [ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		"$COMPLETION" "$bin" "$@" >"$tmp/c" 2>"$tmp/c.err"
}
# shellcheck disable=SC2317 # called through check
offers() { grep -qxF -- "$1" "$tmp/c"; } # offers WORD: WORD is among the completions

check "the completion file loads in bash and registers mgsleep" \
	bash -c ". '$COMPLETION' && complete -p mgsleep | grep -q _mgsleep"

# The command table: lines '	{"NAME", cmd_...' in src/cli/main.c.
sed -n 's/^[[:space:]]*{"\([a-z-]*\)", cmd_.*/\1/p' src/cli/main.c >"$tmp/table"
check "src/cli/main.c's command table has commands" test -s "$tmp/table"
complete_words ""
while read -r cmd; do
	check "command '$cmd' of main.c's table is completed" offers "$cmd"
done <"$tmp/table"
check "no command is offered that is not in the table" sh -c "[ \$(wc -l <'$tmp/c') = \$(wc -l <'$tmp/table') ]"

while read -r cmd; do
	[ "$cmd" = help ] && continue
	"$bin" help "$cmd" | grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sort -u >"$tmp/opts"
	complete_words "$cmd" --
	while read -r opt; do
		check "$cmd: option $opt is completed" offers "$opt"
	done <"$tmp/opts"
done <"$tmp/table"

complete_words food ""
check "food: subcommands search, log, list, delete" sh -c "[ \"\$(sort '$tmp/c' | tr '\n' ' ')\" = 'delete list log search ' ]"
complete_words --db x.db trial a
check "trial a (after a global --db PATH): analyze" sh -c "[ \"\$(cat '$tmp/c')\" = analyze ]"
complete_words diary --format ""
check "diary --format: text, json, csv" sh -c "[ \"\$(sort '$tmp/c' | tr '\n' ' ')\" = 'csv json text ' ]"
complete_words advise --sex ""
check "advise --sex: female, male" sh -c "[ \"\$(sort '$tmp/c' | tr '\n' ' ')\" = 'female male ' ]"
complete_words help s
check "help s: screen, summary, symptoms" sh -c "[ \"\$(sort '$tmp/c' | tr '\n' ' ')\" = 'screen summary symptoms ' ]"
complete_words import ""
check "import FILE: nothing offered, so bash completes file names" test ! -s "$tmp/c"
check "no store was created by completing" test ! -e "$MGSLEEP_DB"

finish
