#!/bin/sh
# shellcheck disable=SC2086 # $night and $mg are lists of options
# End-to-end tests of 'mgsleep report': the HTML for a small fixed diary
# against tests/golden/report-small.html, well-formed HTML, every chart with
# a title, no external resources, --out never overwrites, the trial plot, and
# for a 12-week trial (issue 11) the first page's facts, and headless Chromium
# screenshots at 390 and 1000 px and a print to PDF of at most 4 A4 pages
# before the appendix, when chromium is installed.
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
check "three charts: latency, sleep time, ISI, each drawn wide and narrow (for phones)" \
	sh -c "[ \$(grep -c '<svg role=\"img\" class=\"wide\"' '$tmp/r.html') = 3 ] && [ \$(grep -c '<svg role=\"img\" class=\"narrow\"' '$tmp/r.html') = 3 ]"
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

# Issue 11: a 12-week trial as a clinician gets it. 6 pairs of 7 nights from
# the evening of 2026-09-01, no washout (the washout's drawing is checked by
# tests/unit/test_sleep_report.c with hand-computed positions), 14 diary nights before it
# (magnesium citrate on 5 of them), 3 nights missing, 1 magnesium night left
# out and 2 taken in no-magnesium periods; three ISI, two PSQI, a diet quiz.
export MGSLEEP_DB="$tmp/12w.db"
{
	"$bin" profile set --age 67 --sex male --weight 80 --height 175 --creatinine 1.3mg/dL \
		--med doxycycline,furosemide,zzqx &&
	"$bin" trial plan --start 2026-09-01 --pairs 6 --period-days 7 --washout 0 --seed 7
} >"$tmp/plan.txt" 2>/dev/null
# the allocation, one 1 (magnesium) or 0 per period, from the plan's table
order=$(awk '$3 ~ /^2026-/ && $6 ~ /^(on|off):$/ {printf "%s ", ($6 == "on:") ? 1 : 0}' "$tmp/plan.txt")
check "the 12-week plan has 12 periods" [ "$(echo $order | wc -w)" = 12 ]
for d in $(seq 0 97); do # mornings 2026-08-19 .. 2026-11-24
	case $d in 20 | 47 | 70) continue ;; esac # missing from the diary
	morning=$(date -u -d "2026-08-19 +$d days" +%F)
	if [ $d -lt 14 ]; then
		p=pre$((d % 3 == 1))
	else
		p=$(echo $order | cut -d' ' -f$(((d - 14) / 7 + 1)))
	fi
	more=''
	[ $((d % 9)) = 0 ] && more='--tag caffeine-late'
	[ $((d % 13)) = 5 ] && more='--tag alcohol,stress --nap 20'
	sol=$((40 + (d * 37) % 17 - 8))
	case $p in
	pre1) mg='--mg-form citrate --mg-elemental 300' ;;
	1) mg='--mg-form bisglycinate --mg-elemental 250' sol=$((sol - 16)) ;;
	*) mg='--no-mg' ;;
	esac
	case $d in 51) mg='--no-mg' ;; 37 | 72) mg='--mg-form bisglycinate --mg-elemental 250' ;; esac
	"$bin" log --date "$morning" $night --sol $sol --awakenings 1 --waso $((15 + (d * 7) % 20)) \
		--quality $((2 + d % 3)) $mg $more >/dev/null 2>>"$tmp/12w.err"
done
cat >"$tmp/psqi1.json" <<'JSON'
{"bedtime":"23:00","sleep_latency_min":45,"rise_time":"07:00","sleep_hours":6.5,"q5a":2,"q5b":1,"q5c":1,
 "q5d":1,"q5e":1,"q5f":1,"q5g":1,"q5h":1,"q5i":1,"q5j":0,"sleep_quality":2,"sleep_medication":0,
 "trouble_staying_awake":1,"enthusiasm":1}
JSON
cat >"$tmp/psqi2.json" <<'JSON'
{"bedtime":"23:00","sleep_latency_min":15,"rise_time":"07:00","sleep_hours":7.2,"q5a":0,"q5b":1,"q5c":1,
 "q5d":0,"q5e":0,"q5f":0,"q5g":0,"q5h":0,"q5i":0,"q5j":0,"sleep_quality":1,"sleep_medication":0,
 "trouble_staying_awake":0,"enthusiasm":1}
JSON
{
	"$bin" isi --answers 3,2,2,3,2,2,2 --date 2026-08-31 &&
	"$bin" isi --answers 2,2,1,2,2,1,2 --date 2026-10-13 &&
	"$bin" isi --answers 1,2,1,2,1,1,1 --date 2026-11-24 &&
	"$bin" psqi --answers "$tmp/psqi1.json" --date 2026-08-31 &&
	"$bin" psqi --answers "$tmp/psqi2.json" --date 2026-11-24 &&
	"$bin" diet quiz --answers 3,2,1,4,2,1,0,3,2,1,2,1,3 --date 2026-08-20
} >/dev/null 2>>"$tmp/12w.err"
check "the 12-week store is built without an error" [ ! -s "$tmp/12w.err" ]
"$bin" report --to 2026-11-30 >"$tmp/12w.html"
check "12 weeks: well-formed" python3 "$tmp/check.py" "$tmp/12w.html"
# The PSQI scores by hand (reference 7.2 scoring): the first is the worked
# example, 8; the second: C1 1, C2 (15 min: 0, Q5a 0) 0, C3 (7.2 h) 0, C4
# (7.2 / 8 h = 90 %) 0, C5 (Q5b..j sum 2) 1, C6 0, C7 (0 + 1) 1 = 3.
check "12 weeks: the first page says who (age, sex, kidney function, medicines as recognised)" \
	sh -c "grep -q '<dd>67 years, male, 80 kg, 175 cm.</dd>' '$tmp/12w.html' &&
		grep -q 'Cockcroft-Gault creatinine clearance' '$tmp/12w.html' &&
		grep -q 'doxycycline; furosemide; <strong>not recognised:</strong> zzqx' '$tmp/12w.html'"
check "12 weeks: the trial result with estimate, interval and p-value, before the charts" \
	sh -c "grep -q 'class=\"conclusion\"' '$tmp/12w.html' &&
		grep -q '<dt>Estimate</dt><dd>-[0-9.]* minutes, magnesium minus none (95% interval -[0-9.]* to [-+][0-9.]*); p = 0.031 (exact' '$tmp/12w.html' &&
		[ \$(grep -n 'class=\"conclusion\"' '$tmp/12w.html' | cut -d: -f1) -lt \$(grep -n 'chart-sol' '$tmp/12w.html' | head -1 | cut -d: -f1) ]"
# Dose taken: the nights of magnesium periods (6 x 7 = 42) logged with magnesium; the missing
# nights 20, 47, 70 all fall in no-magnesium periods (1, 5, 9), night 51 (evening 10-08, period
# 6) has none: 41. Nights 37 and 72 are in periods 4 and 9 (no magnesium): 2.
check "12 weeks: the dose taken from the diary, and the magnesium in no-magnesium periods" \
	sh -c "grep -q 'median 250 mg elemental on 41 analysed nights (as bisglycinate); magnesium also on 2 analysed nights of the no-magnesium periods' '$tmp/12w.html'"
check "12 weeks: PSQI over time (8, then 3), dietary magnesium" \
	sh -c "grep -q '8 on 2026-08-31, 3 on 2026-11-24' '$tmp/12w.html' && grep -q 'your diet quiz of 2026-08-20' '$tmp/12w.html'"
check "12 weeks: pre-trial magnesium nights marked (5 nights, each drawn wide and narrow in two charts)" \
	sh -c "[ \$(grep -c 'class=\"mgx\"' '$tmp/12w.html') = 20 ]"
check "12 weeks: weekly means, and the nightly table with quality, tags and phase in the appendix" \
	sh -c "grep -q '<h2>Weekly means</h2>' '$tmp/12w.html' &&
		sed -n '/<section id=\"appendix\">/,\$p' '$tmp/12w.html' | grep -q '<td class=\"l\">3 fair</td>' &&
		sed -n '/<section id=\"appendix\">/,\$p' '$tmp/12w.html' | grep -q '<td class=\"l\">magnesium, period 2</td>' &&
		sed -n '/<section id=\"appendix\">/,\$p' '$tmp/12w.html' | grep -q 'alcohol, stress; nap 20 min'"

# Headless Chromium (Debian's chromium; scripts/bootstrap.sh --dev): screenshots
# at a phone's 390 px and at 1000 px, and the print to PDF (A4). The page
# count before the appendix is that of the same page with the appendix hidden.
chrome() {
	prof=$(mktemp -d)
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
		--user-data-dir="$prof" "$@" >/dev/null 2>&1
	rm -rf "$prof"
}
png_ok() { # png_ok FILE: a PNG of more than 20 kB
	[ "$(wc -c <"$1" 2>/dev/null || echo 0)" -gt 20000 ] &&
		[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}
pages() { # pages FILE.pdf: the number of /Type /Page objects
	python3 -c 'import re,sys; print(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", open(sys.argv[1],"rb").read())))' "$1"
}
if [ -x /usr/bin/chromium ]; then
	chrome --window-size=1000,1400 --screenshot="$tmp/shot.png" "file://$tmp/t.html"
	png_ok "$tmp/shot.png"
	ok $? "headless Chromium renders the report to a PNG ($(wc -c <"$tmp/shot.png" 2>/dev/null) bytes)"
	chrome --window-size=390,5000 --screenshot="$tmp/12w-390.png" "file://$tmp/12w.html"
	png_ok "$tmp/12w-390.png"
	ok $? "12 weeks: screenshot at 390 px"
	chrome --window-size=1000,5000 --screenshot="$tmp/12w-1000.png" "file://$tmp/12w.html"
	png_ok "$tmp/12w-1000.png"
	ok $? "12 weeks: screenshot at 1000 px"
	chrome --no-pdf-header-footer --print-to-pdf="$tmp/12w.pdf" "file://$tmp/12w.html"
	sed 's|</head>|<style>#appendix{display:none}</style></head>|' "$tmp/12w.html" >"$tmp/12w-main.html"
	chrome --no-pdf-header-footer --print-to-pdf="$tmp/12w-main.pdf" "file://$tmp/12w-main.html"
	sed 's|</head>|<style>body>:not(#summary){display:none}</style></head>|' "$tmp/12w.html" >"$tmp/12w-first.html"
	chrome --no-pdf-header-footer --print-to-pdf="$tmp/12w-first.pdf" "file://$tmp/12w-first.html"
	first=$(pages "$tmp/12w-first.pdf")
	check "12 weeks: who, the advice and the trial result fit on the first page (got $first)" [ "${first:-0}" = 1 ]
	all=$(pages "$tmp/12w.pdf")
	main=$(pages "$tmp/12w-main.pdf")
	check "12 weeks: printed on A4, at most 4 pages before the appendix (got $main; $all with it)" \
		sh -c "[ '${main:-0}' -ge 1 ] && [ '${main:-0}' -le 4 ] && [ '${all:-0}' -gt '${main:-0}' ]"
	if [ -n "${SHOTS:-}" ]; then # SHOTS=DIR keeps the pictures to look at
		mkdir -p "$SHOTS" && cp "$tmp"/12w-390.png "$tmp"/12w-1000.png "$tmp"/12w.pdf "$tmp"/12w.html "$SHOTS"/
	fi
else
	for k in 1 2 3 4 5; do skip "chromium not installed"; done
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
