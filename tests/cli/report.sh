#!/bin/sh
# shellcheck disable=SC2086 # $night and $mg are lists of options
# End-to-end tests of 'mgsleep report': the HTML for a small fixed diary
# against tests/golden/report-small.html, well-formed HTML, every chart with
# a title, no external resources, --out never overwrites, the trial plot, and
# a headless Chromium screenshot when chromium is installed.
# usage: tests/cli/report.sh MGSLEEP   (TAP output; run from the repository root)
#        UPDATE_GOLDEN=1 tests/cli/report.sh MGSLEEP   rewrites the golden file
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
golden=tests/golden/report-small.html

# The HTML checker: balanced tags (void elements aside), every <svg> with a
# <title>, and no src/href outside the page except the references' links.
cat >"$tmp/check.py" <<'PY'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "img", "hr", "input", "link", "col", "area", "base", "wbr", "source"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.svgs, self.titled, self.in_refs = [], [], 0, 0, 0
    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs, False)
    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs, tag not in VOID)
    def start(self, tag, attrs, push):
        a = dict(attrs)
        if tag == "svg":
            self.svgs += 1
        if tag == "title" and self.stack and self.stack[-1] == "svg":
            self.titled += 1
        if tag == "ol" and a.get("class") == "refs":
            self.in_refs = len(self.stack) + 1
        for k in ("src", "href"):
            v = a.get(k)
            if v is not None and not v.startswith("#") and not (tag == "a" and self.in_refs):
                self.errors.append("external %s=%s" % (k, v))
        if push:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("unbalanced </%s> (open: %s)" % (tag, self.stack[-3:]))
            return
        self.stack.pop()
        if self.in_refs and len(self.stack) < self.in_refs:
            self.in_refs = 0
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
if p.stack:
    p.errors.append("unclosed: %s" % p.stack)
if p.svgs != p.titled:
    p.errors.append("%d svg, %d with a title" % (p.svgs, p.titled))
print("\n".join(p.errors) or "svgs %d" % p.svgs)
sys.exit(1 if p.errors else 0)
PY

s=$(status "$bin" report)
check "report with no store is refused with status 2" [ "$s" = 2 ]

# A small fixed diary: a week, magnesium on three evenings, a profile, two ISIs.
night='--bed 22:45 --try-sleep 23:00 --final-wake 06:40 --out-of-bed 07:05'
mg='--mg-form bisglycinate --mg-elemental 200'
{
	"$bin" log --date 2026-11-02 $night --sol 45 --awakenings 2 --waso 35 --no-mg &&
	"$bin" log --date 2026-11-03 $night --sol 30 --awakenings 1 --waso 20 $mg &&
	"$bin" log --date 2026-11-04 $night --sol 55 --awakenings 3 --waso 50 --no-mg &&
	"$bin" log --date 2026-11-05 $night --sol 20 --awakenings 1 --waso 15 $mg &&
	"$bin" log --date 2026-11-07 $night --sol 40 --awakenings 2 --waso 30 --no-mg &&
	"$bin" log --date 2026-11-08 $night --sol 25 --awakenings 1 --waso 10 $mg &&
	"$bin" profile set --age 45 --sex female --weight 65 --height 165 --creatinine 0.9mg/dL &&
	"$bin" isi --answers 3,2,2,2,2,1,2 --date 2026-11-01 &&
	"$bin" isi --answers 2,1,2,1,2,1,1 --date 2026-11-08
} >/dev/null 2>"$tmp/setup.err" || cat "$tmp/setup.err" >&2

check "report writes HTML to standard output" sh -c "'$bin' report >'$tmp/r.html'"
if [ -n "${UPDATE_GOLDEN:-}" ]; then
	cp "$tmp/r.html" "$golden"
fi
check "the HTML equals $golden byte for byte" cmp "$tmp/r.html" "$golden"
check "the HTML parses with balanced tags, every <svg> has a <title>, no external src/href" \
	python3 "$tmp/check.py" "$tmp/r.html"
check "three charts: latency, sleep time, ISI" \
	sh -c "[ \$(grep -c '<svg role=\"img\"' '$tmp/r.html') = 3 ]"
check "no scripts, no external stylesheets" sh -c "! grep -qi -e '<script' -e '<link' -e '@import' '$tmp/r.html'"
check "print rules are there" grep -q '@media print' "$tmp/r.html"
check "the note that it is information, not medical advice" grep -q 'information, not medical advice' "$tmp/r.html"

check "--out writes the same file" sh -c "'$bin' report --out '$tmp/o.html' && cmp '$tmp/o.html' '$tmp/r.html'"
cp "$tmp/o.html" "$tmp/o.before"
s=$(status "$bin" report --out "$tmp/o.html")
check "--out refuses to overwrite with status 2 naming --out" \
	sh -c "[ $s = 2 ] && grep -q -- '--out' '$tmp/err' && cmp -s '$tmp/o.html' '$tmp/o.before'"
s=$(status "$bin" report --from 2026-02-30)
check "an impossible --from is refused with status 2" [ "$s" = 2 ]
s=$(status "$bin" report --colour)
check "an unknown option is refused with status 2" [ "$s" = 2 ]

"$bin" report --from 2026-11-04 --to 2026-11-05 >"$tmp/sel.html"
check "--from/--to keep only those nights" \
	sh -c "grep -q 'Dates covered: 2026-11-04 to 2026-11-05 (2 nights' '$tmp/sel.html' && ! grep -q '<td>2026-11-03' '$tmp/sel.html'"
"$bin" report --from 2027-01-01 >"$tmp/none.html"
check "with no nights it says so and draws no sleep charts" \
	sh -c "grep -q 'No nights in the diary' '$tmp/none.html' && ! grep -q 'chart-sol' '$tmp/none.html'"
check "... and is still well-formed" python3 "$tmp/check.py" "$tmp/none.html"

# A trial: 3 pairs of 5 nights, seed 42 orders them on,off / on,off / off,on.
export MGSLEEP_DB="$tmp/trial.db"
"$bin" profile set --age 45 --sex female --weight 65 --height 165 --creatinine 0.9mg/dL >/dev/null
"$bin" trial plan --start 2026-10-01 --pairs 3 --period-days 5 --washout 1 --seed 42 >/dev/null
k=0
for p in 1 0 1 0 0 1; do
	for j in 1 2 3 4 5; do
		k=$((k + 1))
		d=$(date -u -d "2026-10-01 +$k days" +%F)
		if [ $p = 1 ]; then
			"$bin" log --date "$d" $night --sol $((15 + j)) --awakenings 0 --waso 0 $mg >/dev/null
		else
			"$bin" log --date "$d" $night --sol $((35 + j * 2)) --awakenings 0 --waso 0 --no-mg >/dev/null
		fi
	done
done
"$bin" report --to 2026-11-01 >"$tmp/t.html"
check "with a trial: the interval plot against the published effect" \
	sh -c "grep -q 'chart-trial' '$tmp/t.html' && grep -q 'Published average' '$tmp/t.html' && grep -q 'class=\"zero\"' '$tmp/t.html'"
check "... the trial's magnesium periods are shaded" grep -q 'trial: magnesium period' "$tmp/t.html"
check "... and the HTML is well-formed" python3 "$tmp/check.py" "$tmp/t.html"

# Screenshot in headless Chromium (Debian's chromium; scripts/bootstrap.sh --dev).
if [ -x /usr/bin/chromium ]; then
	prof=$(mktemp -d)
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync --user-data-dir="$prof" \
		--window-size=1000,1400 --screenshot="$tmp/shot.png" "file://$tmp/t.html" >/dev/null 2>&1
	rm -rf "$prof"
	size=$(wc -c <"$tmp/shot.png" 2>/dev/null || echo 0)
	if [ "$size" -gt 20000 ] && [ "$(head -c 8 "$tmp/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
		ok 0 "headless Chromium renders the report to a PNG ($size bytes)"
	else
		ok 1 "headless Chromium renders the report to a PNG (got $size bytes)"
	fi
else
	skip "chromium not installed"
fi

# Issue 10: advice needs an age. A stored profile without one still gives a
# report of the diary, which says what is missing; a trial cannot be planned.
export MGSLEEP_DB="$tmp/noage.db"
"$bin" profile set --sex female --weight 60 >/dev/null 2>&1
"$bin" report --out "$tmp/noage.html" 2>"$tmp/noage.err"
check "report with no age in the profile: exit 0" [ $? -eq 0 ]
check "report with no age: says the profile needs one (profile set --age)" grep -q "profile set --age" "$tmp/noage.html"
s=$(status "$bin" trial plan)
check "trial plan with no age in the profile: refused (status 2)" [ "$s" = 2 ]

finish
