#!/bin/sh
# The diary as a new user meets it (issue 11): interactive answers re-asked
# instead of dropping the entry, "2 capsules" and the label's mg, a future
# date refused, dose and laxative-form warnings, "not answered" kept apart
# from "none" (in the entry, the diary, the summary, for old entries too),
# tags, naps and comments shown. Values worked out by hand in the comments.
# usage: tests/cli/diary.sh MGSLEEP   (TAP output)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

night='--bed 22:30 --try-sleep 23:00 --sol 30 --awakenings 2 --waso 40 --final-wake 06:30 --out-of-bed 07:00'
# entry DATE: the stored entry's magnesium as JSON
mgof() {
	"$bin" diary --from "$1" --to "$1" --format json |
		python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)[0]['entry'].get('magnesium', 'ABSENT'), sort_keys=True))"
}

# --- a future date --------------------------------------------------------
today=$(python3 -c 'import datetime; print(datetime.date.today())')
tomorrow=$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=1))')
# shellcheck disable=SC2086
"$bin" log --date 2026-01-05 $night --no-mg >/dev/null
"$bin" export >"$tmp/before.json"
# shellcheck disable=SC2086
s=$(status "$bin" log --date "$tomorrow" $night --no-mg)
check "a night dated tomorrow is refused with status 2" [ "$s" = 2 ]
check "... one line on stderr naming --date, not the date, nothing on stdout" \
	sh -c "[ $(lines "$tmp/err") = 1 ] && grep -q -- '--date' '$tmp/err' && ! grep -q '$tomorrow' '$tmp/err' && [ ! -s '$tmp/out' ]"
"$bin" export >"$tmp/after.json"
check "... and the store is exactly as it was" cmp -s "$tmp/before.json" "$tmp/after.json"
# shellcheck disable=SC2086
check "a night dated today is accepted" "$bin" log --date "$today" $night --no-mg

# --- not answered is unknown, not none --------------------------------------
export MGSLEEP_DB="$tmp/sum.db"
base='--bed 23:00 --awakenings 0 --waso 0 --final-wake 07:00 --out-of-bed 07:00'
# TST = 480 - SOL: none 440, taken 470, not answered 380 (week of Monday 2026-11-16).
# shellcheck disable=SC2086
"$bin" log --date 2026-11-16 $base --sol 40 --no-mg >/dev/null
# shellcheck disable=SC2086
"$bin" log --date 2026-11-17 $base --sol 10 --mg-form citrate --mg-elemental 250 >/dev/null
# shellcheck disable=SC2086
"$bin" log --date 2026-11-18 $base --sol 100 >/dev/null
check "--no-mg is stored as null (none)" [ "$(mgof 2026-11-16)" = null ]
check "no magnesium option is stored as \"unknown\", not as none" [ "$(mgof 2026-11-18)" = '"unknown"' ]
# Week: 3 nights, mean TST (440 + 470 + 380) / 3 = 430; with magnesium 1 night
# (470), without 1 night (440). Counted as none, "without" would be 2 nights, 410.
sumcheck() {
	"$bin" summary --format json | python3 -c "
import json, sys
d = json.load(sys.stdin); w = d['weeks'][0]
sys.exit(not (w['week_of'] == '2026-11-16' and w['nights'] == 3 and w['nights_mg'] == 1 and w['tst'] == 430
              and d['with_magnesium']['nights'] == 1 and d['with_magnesium']['tst'] == 470
              and d['without_magnesium']['nights'] == 1 and d['without_magnesium']['tst'] == 440))"
}
check "summary: the unanswered night is in the weekly mean (430) but in neither group (with 470, without 440)" sumcheck
check "diary text: none taken shows 'none', not answered shows '?'" \
	sh -c "'$bin' diary | grep -q '^2026-11-16 .* none\$' && '$bin' diary | grep -q '^2026-11-18 .* ?\$' && '$bin' diary | grep -q '^2026-11-17 .* 250\$'"
check "diary CSV: magnesium column taken / none / unknown" \
	sh -c "'$bin' diary --format csv | python3 -c \"import csv,sys; r=list(csv.DictReader(sys.stdin)); sys.exit([x['magnesium'] for x in r]!=['none','taken','unknown'] or [x['mg_elemental_mg'] for x in r]!=['','250','']) \""
# An entry written before this change: no "magnesium" key at all, and the
# old null for --no-mg. Both keep their meaning: no answer, and none.
python3 -c "import sqlite3; c=sqlite3.connect('$MGSLEEP_DB'); c.execute(\"UPDATE nights SET entry = json_remove(entry, '\$.magnesium') WHERE date = '2026-11-18'\"); c.commit()"
v=$(mgof 2026-11-18)
check "an old entry without the key reads as not answered (diary '?')" \
	sh -c "[ '$v' = '\"ABSENT\"' ] && '$bin' diary | grep -q '^2026-11-18 .* ?\$'"
check "... and the summary is unchanged (without magnesium: 1 night, 440)" sumcheck

# --- warnings: above the limit, laxative forms ------------------------------
export MGSLEEP_DB="$tmp/warn.db"
logmg() { # logmg DATE MG-OPTIONS...: log the reference night with that magnesium
	_d=$1
	shift
	# shellcheck disable=SC2086
	"$bin" log --date "$_d" $night "$@"
}
s=$(status logmg 2026-10-01 --mg-form citrate --mg-elemental 300)
v=$(mgof 2026-10-01 | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["elemental_mg"], m["form"])')
check "no profile: 300 mg is logged (status 0) with a warning against the lowest adult limit, 250 mg (EU)" \
	sh -c "[ $s = 0 ] && grep -q '^Warning: 300 mg elemental magnesium is above 250 mg a day, the lowest adult' '$tmp/out' && [ '$v' = '300 citrate' ]"
s=$(status logmg 2026-10-02 --mg-form bisglycinate --mg-compound 1774)
check "1774 mg bisglycinate (250.07 mg elemental, the KB's own dose) is not above 250: no warning" \
	sh -c "[ $s = 0 ] && ! grep -q Warning '$tmp/out'"
"$bin" profile set --age 70 --jurisdiction us >/dev/null
s=$(status logmg 2026-10-03 --mg-form citrate --mg-elemental 350)
check "US profile: 350 mg is at the limit (350, IOM), not above: no warning" sh -c "[ $s = 0 ] && ! grep -q Warning '$tmp/out'"
s=$(status logmg 2026-10-04 --mg-form citrate --mg-elemental 2000)
check "US profile: 2000 mg is logged with a warning naming 350 mg and the US limit" \
	sh -c "[ $s = 0 ] && grep -q '^Warning: 2000 mg elemental magnesium is above 350 mg a day, your upper limit .*US IOM' '$tmp/out' && [ \"\$('$bin' diary --format csv | grep -c '^2026-10-04,')\" = 1 ]"
"$bin" profile set --jurisdiction uk >/dev/null
s=$(status logmg 2026-10-05 --mg-form citrate --mg-elemental 400)
check "UK profile: 400 mg is at the UK limit (400, EVM), no warning" sh -c "[ $s = 0 ] && ! grep -q Warning '$tmp/out'"
s=$(status logmg 2026-10-06 --mg-form hydroxide --mg-elemental 100)
check "magnesium hydroxide is logged with a laxative warning from the KB" \
	sh -c "[ $s = 0 ] && grep -q '^Warning: magnesium hydroxide (milk of magnesia) is a form to avoid for sleep. It is a laxative' '$tmp/out'"
s=$(status logmg 2026-10-07 --mg-form sulfate --mg-elemental 100)
check "magnesium sulfate too" sh -c "[ $s = 0 ] && grep -q '^Warning: magnesium sulfate .* is a form to avoid for sleep' '$tmp/out'"
s=$(status logmg 2026-10-08 --mg-form oxide --mg-elemental 250)
check "oxide (acceptable for sleep): no warning, a note with its gut profile when it is new" \
	sh -c "[ $s = 0 ] && ! grep -q Warning '$tmp/out' && grep -q '^Note: magnesium oxide, effect on the gut: Among the forms most often reported to cause diarrhoea' '$tmp/out'"
s=$(status logmg 2026-10-09 --mg-form oxide --mg-elemental 250)
check "... and no note the next night on the same form" sh -c "[ $s = 0 ] && ! grep -q Note '$tmp/out'"
check "warnings never go to stderr" sh -c "[ ! -s '$tmp/err' ]"

# --- tags, naps, comments ----------------------------------------------------
# shellcheck disable=SC2086
"$bin" log --date 2026-10-10 $night --no-mg --tag alcohol,stress --nap 20 --nap 15 --comment 'woke at 3, "noisy"' >/dev/null
check "diary text shows tags, naps (20 + 15 = 35 min) and the comment under the night" \
	sh -c "'$bin' diary | grep -A1 '^2026-10-10 ' | grep -q '^            tags: alcohol, stress; naps 35 min; comment: woke at 3, \"noisy\"\$'"
check "diary text shows the form and compound under a magnesium night" \
	sh -c "'$bin' diary | grep -A1 '^2026-10-02 ' | grep -q '^            magnesium: bisglycinate (1774 mg of the compound)\$'"
check "diary CSV has tags, nap_min and comment columns" \
	sh -c "'$bin' diary --format csv | python3 -c \"import csv,sys; r=[x for x in csv.DictReader(sys.stdin) if x['date']=='2026-10-10'][0]; sys.exit(not (r['tags']=='alcohol;stress' and r['nap_min']=='35' and r['comment']=='woke at 3, \\\"noisy\\\"' and r['magnesium']=='none'))\""

# --- interactive answers (script(1) gives a terminal) -------------------------
if command -v script >/dev/null 2>&1; then
	# Only --bed is missing: asked are bed, try-sleep, quality, magnesium.
	rest='--sol 30 --awakenings 2 --waso 40 --final-wake 06:30 --out-of-bed 07:00'
	printf '22:30\n\n\n2 capsules\nlots\n100\ncitrate\n' |
		MGSLEEP_DB="$tmp/i1.db" script -qec "'$bin' log --date 2026-11-10 $rest" /dev/null >"$tmp/i1.out" 2>&1
	v=$(MGSLEEP_DB="$tmp/i1.db" mgof 2026-11-10 | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["elemental_mg"], m["count"], m["unit"], m["mg_per_unit"], m["form"])')
	check "'2 capsules' asks the mg in one capsule, re-asks a bad amount, stores 2 x 100 = 200 mg with the count" \
		sh -c "grep -q \"How many mg of magnesium (elemental) does one capsule contain? (the label says 'magnesium ... mg')\" '$tmp/i1.out' && grep -q 'magnesium per unit: accepted' '$tmp/i1.out' && [ '$v' = '200 2 capsules 100 citrate' ]"
	printf '22:30\n\n\n250 unobtainium\n250 bisglycinate\n' |
		MGSLEEP_DB="$tmp/i2.db" script -qec "'$bin' log --date 2026-11-10 $rest" /dev/null >"$tmp/i2.out" 2>&1
	v=$(MGSLEEP_DB="$tmp/i2.db" mgof 2026-11-10 | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["elemental_mg"], m["form"])')
	check "an unknown form is asked again instead of dropping the entry" \
		sh -c "grep -q 'magnesium form: not known' '$tmp/i2.out' && [ '$v' = '250 bisglycinate' ]"
	printf '22:30\n\n\nyes\n\n' |
		MGSLEEP_DB="$tmp/i3.db" script -qec "'$bin' log --date 2026-11-10 $rest" /dev/null >"$tmp/i3.out" 2>&1
	v=$(MGSLEEP_DB="$tmp/i3.db" mgof 2026-11-10)
	check "a bad magnesium answer is re-asked; Enter with nothing to default to is stored as unknown, not none" \
		sh -c "grep -q 'magnesium: not understood' '$tmp/i3.out' && [ '$v' = '\"unknown\"' ]"
	# SOL 600 is longer than 22:30 -> 06:30 (480 min): the night is refused
	# naming --sol, which alone is asked again; 30 is then stored.
	printf '22:30\n\n600\n\n30\n' |
		MGSLEEP_DB="$tmp/i4.db" script -qec "'$bin' log --date 2026-11-10 --awakenings 2 --waso 40 --final-wake 06:30 --out-of-bed 07:00 --no-mg" /dev/null >"$tmp/i4.out" 2>&1
	check "a night refused as a whole asks again the item it names (SOL) and keeps the other answers" \
		sh -c "grep -q -- '--sol' '$tmp/i4.out' && MGSLEEP_DB='$tmp/i4.db' '$bin' diary --format csv | grep -q '^2026-11-10,22:30,22:30,06:30,07:00,510,410,'"
	printf '' | MGSLEEP_DB="$tmp/i5.db" script -qec "'$bin' log --date $tomorrow $rest" /dev/null >"$tmp/i5.out" 2>&1
	check "interactive: a future --date is refused before any question" \
		sh -c "grep -q -- '--date: in the future' '$tmp/i5.out' && ! grep -q 'get into bed' '$tmp/i5.out' && [ ! -e '$tmp/i5.db' ]"
else
	skip "script(1) not installed: interactive answers not tested"
fi

finish
