#!/bin/sh
# Browser tests of `mgsleep web` (issue 14), TAP: playwright-core driving
# Debian's /usr/bin/chromium (no browser download), axe-core, screenshots.
# Usage: tests/browser/run.sh BUILD/mgsleep   (UPDATE=1: rewrite the reference screenshots)
#
# Runs when /usr/bin/chromium and tests/browser/node_modules exist
# (scripts/bootstrap.sh --dev installs both); otherwise one skip with the
# reason. The server runs on a fresh store in a temporary directory.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/../cli/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ]; then
	skip "browser tests: /usr/bin/chromium is not installed (scripts/bootstrap.sh --dev)"
	finish
fi
if [ ! -d "$here/node_modules/playwright-core" ] || ! command -v node >/dev/null 2>&1; then
	skip "browser tests: node or tests/browser/node_modules missing (scripts/bootstrap.sh --dev runs npm ci there)"
	finish
fi
if ! "$bin" web --help >/dev/null 2>&1; then
	skip "browser tests: this mgsleep has no 'web' command"
	finish
fi

fixtures=$(cd "$here/../.." && pwd)/../shared/fixtures/imports
if [ -f "$fixtures/oura/oura-cloud-api-v1_sleep-period_example.json" ]; then
	MGSLEEP_IMPORT_FIXTURE=$fixtures/oura/oura-cloud-api-v1_sleep-period_example.json
	export MGSLEEP_IMPORT_FIXTURE
else
	MGSLEEP_IMPORT_SKIP="../shared/fixtures/imports is absent"
	export MGSLEEP_IMPORT_SKIP
fi

# A store with a profile and a planned trial, made by the CLI: its plan and
# its "trial today" are what the Trial and Today pages must show. The
# browser's clock is 2025-03-12 (run.mjs): in period 2, with magnesium.
"$bin" init >/dev/null &&
	"$bin" profile set --age 40 --sex female --weight 70 >/dev/null &&
	"$bin" trial plan --start 2025-02-13 --pairs 2 --period-days 14 --washout 3 --baseline-days 7 --seed 7 \
		--format json >"$tmp/plan.json" &&
	"$bin" trial today --date 2025-03-12 >"$tmp/tonight.txt" || {
	ok 1 "the test store is set up with mgsleep init, profile set and trial plan"
	finish
}
MGSLEEP_PLAN_JSON=$tmp/plan.json MGSLEEP_TONIGHT_TXT=$tmp/tonight.txt
export MGSLEEP_PLAN_JSON MGSLEEP_TONIGHT_TXT

# The server prints "Open http://127.0.0.1:PORT/?token=..." first.
"$bin" web --no-open --listen 127.0.0.1:0 >"$tmp/web.out" 2>"$tmp/web.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
url=
i=0
while [ $i -lt 100 ]; do
	url=$(sed -n 's/^Open \(http:[^ ]*\).*/\1/p' "$tmp/web.out" 2>/dev/null | head -n 1)
	[ -n "$url" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
if [ -z "$url" ]; then
	ok 1 "mgsleep web starts and prints its Open line"
	sed 's/^/# /' "$tmp/web.err"
	finish
fi

mkdir -p "$tmp/out"
# run.mjs prints TAP with its own numbering and plan.
node "$here/run.mjs" "$url" "$tmp/out"
rc=$?
if [ $rc -ne 0 ] && [ -n "${MGSLEEP_BROWSER_OUT:-}" ]; then
	mkdir -p "$MGSLEEP_BROWSER_OUT" && cp "$tmp/out"/*.png "$MGSLEEP_BROWSER_OUT"/ 2>/dev/null
	echo "# screenshots and diffs copied to $MGSLEEP_BROWSER_OUT"
fi
exit $rc
