#!/bin/sh
# The layering rules of docs/architecture.md, checked on every `make check`:
#   - SQLite is used only in src/store (one module owns the database);
#   - only src/cli prints or exits (the library returns errors instead);
#   - no file in src/ is over 1,000 lines (split it by responsibility).
# TAP output; exit status 1 if a rule is broken. usage: tools/check-layers.sh [ROOT]
# (meson passes the binary, like to every suite: then the root is the
# working directory, the repository root)
root=.
[ -d "${1:-}" ] && root=$1
cd "$root" || exit 1
n=0 bad=0
ok() { # ok STATUS NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
		bad=1
	fi
}
hits=$(grep -rlE 'sqlite3_|<sqlite3\.h>' src --include='*.[ch]' | grep -v '^src/store/')
ok "$([ -z "$hits" ] && echo 0 || echo 1)" "SQLite only in src/store" "$hits"
hits=$(grep -rnE '(^|[^a-z_])(printf|fprintf|vfprintf|puts|fputs|putchar|perror|exit|_exit|abort)[[:space:]]*\(|[^a-z_](stdout|stderr)[^a-z_]' \
	src --include='*.[ch]' | grep -v '^src/cli/' | grep -vE ':[0-9]+:[[:space:]]*(/\*|\*)')
ok "$([ -z "$hits" ] && echo 0 || echo 1)" "only src/cli prints or exits" "$hits"
hits=$(find src -name '*.[ch]' -exec wc -l {} + | awk '$2 != "total" && $1 > 1000 { print $2 ": " $1 " lines" }')
ok "$([ -z "$hits" ] && echo 0 || echo 1)" "no file in src/ over 1,000 lines" "$hits"
echo "1..$n"
exit $bad
