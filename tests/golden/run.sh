#!/bin/sh
# Golden-file test: run each case of cases.txt in each listed format and
# compare with tests/golden/<name>.<ext>, byte for byte. TAP output.
# usage: tests/golden/run.sh MGSLEEP [--update]
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/../cli/lib.sh"
update=${2:-}
dir=tests/golden
while IFS='|' read -r name formats args; do
	case $name in '#'* | '') continue ;; esac
	name=$(echo "$name" | tr -d ' ')
	for fmt in $formats; do
		case $fmt in text) ext=txt ;; markdown) ext=md ;; *) ext=$fmt ;; esac
		# shellcheck disable=SC2086 # args are word-split on purpose
		"$bin" advise $args --format "$fmt" >"$tmp/out" 2>&1
		if [ "$update" = --update ]; then
			cp "$tmp/out" "$dir/$name.$ext"
		fi
		if cmp -s "$tmp/out" "$dir/$name.$ext"; then
			ok 0 "golden $name.$ext"
		else
			ok 1 "golden $name.$ext differs"
			diff "$dir/$name.$ext" "$tmp/out" | head -20 | sed 's/^/# /'
		fi
	done
done <"$dir/cases.txt"
finish
