#!/bin/sh
# Golden-file test: run each case of cases.txt in each listed format and
# compare with tests/golden/<name>.<ext>, byte for byte. TAP output.
# usage: tests/golden/run.sh MGSLEEP [--update]
bin=$1
update=${2:-}
dir=tests/golden
n=0
failed=0
unset COLUMNS
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
while IFS='|' read -r name formats args; do
	case $name in '#'* | '') continue ;; esac
	name=$(echo "$name" | tr -d ' ')
	for fmt in $formats; do
		case $fmt in text) ext=txt ;; markdown) ext=md ;; *) ext=$fmt ;; esac
		n=$((n + 1))
		# shellcheck disable=SC2086 # args are word-split on purpose
		"$bin" advise $args --format "$fmt" >"$tmp" 2>&1
		if [ "$update" = --update ]; then
			cp "$tmp" "$dir/$name.$ext"
		fi
		if cmp -s "$tmp" "$dir/$name.$ext"; then
			echo "ok $n - golden $name.$ext"
		else
			echo "not ok $n - golden $name.$ext differs"
			diff "$dir/$name.$ext" "$tmp" | head -20 | sed 's/^/# /'
			failed=$((failed + 1))
		fi
	done
done <"$dir/cases.txt"
echo "1..$n"
[ "$failed" -eq 0 ]
