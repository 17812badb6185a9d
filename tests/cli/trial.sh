#!/bin/sh
# End-to-end tests of 'mgsleep trial': plan (refusal, seed, iCalendar),
# today, analyze on simulated diary nights, bad inputs.
# usage: tests/cli/trial.sh MGSLEEP   (TAP output)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
export MGSLEEP_DB="$tmp/a/mg.db"

# A consult profile: planning is refused.
"$bin" --db "$tmp/c.db" profile set --age 60 --sex male --weight 80 --condition heart-failure >/dev/null 2>&1
s=$(status "$bin" --db "$tmp/c.db" trial plan --seed 1)
check "plan is refused for a consult profile with status 2" [ "$s" = 2 ]
check "... with one line on stderr" sh -c "[ $(lines "$tmp/err") = 1 ] && grep -q consult '$tmp/err'"

"$bin" profile set --age 45 --sex male --weight 80 --height 180 >/dev/null
plan='--start 2026-01-05 --pairs 2 --period-days 6 --washout 1'
# shellcheck disable=SC2086
"$bin" trial plan $plan --seed 7 >"$tmp/p1" 2>&1
# shellcheck disable=SC2086
"$bin" trial plan $plan --seed 7 --replace --ics "$tmp/t.ics" >"$tmp/p2" 2>&1
check "the same --seed gives the same calendar" sh -c "grep '^ *[0-9]' '$tmp/p1' >'$tmp/c1' && grep '^ *[0-9]' '$tmp/p2' >'$tmp/c2' && [ -s '$tmp/c1' ] && cmp -s '$tmp/c1' '$tmp/c2'"
# shellcheck disable=SC2086
"$bin" --db "$tmp/b.db" profile set --age 45 --sex male --weight 80 >/dev/null 2>&1
"$bin" --db "$tmp/b.db" trial plan --pairs 12 --seed 7 --start 2026-01-05 >"$tmp/p3" 2>&1
"$bin" --db "$tmp/b.db" trial plan --pairs 12 --seed 8 --start 2026-01-05 >"$tmp/p4" 2>&1
check "a different seed gives a different order (12 pairs)" sh -c "! cmp -s '$tmp/p3' '$tmp/p4'"
check "2 pairs: the plan says p < 0.05 can never be reached" grep -q "can never reach p < 0.05" "$tmp/p1"
# Reference 9.1 (S05, Schuster 2025): "use 4 weeks as minimum N-of-1 phase";
# no trial measured an effect after 3-7 days. kb/trial.json design.
check "9.1 / S05: 6-night periods are planned with a caution citing S05" \
	sh -c "grep -q 'Caution: periods of 6 nights are shorter than 28 nights.' '$tmp/p1' && grep -q '\[S05\]' '$tmp/p1'"
check "9.1 / S05: the default plan has 28-night periods, washout 7, and no caution" \
	sh -c "grep -q '12 pairs of 28-day periods' '$tmp/p3' && grep -q 'first 7 nights of every period' '$tmp/p3' && ! grep -q Caution '$tmp/p3'"

check "ICS: CRLF on every line" python3 -c "import sys; b=open('$tmp/t.ics','rb').read(); sys.exit(not (b.endswith(b'\\r\\n') and b.count(b'\\n')==b.count(b'\\r\\n')))"
check "ICS: BEGIN:VCALENDAR first, END:VCALENDAR last" sh -c "head -n1 '$tmp/t.ics' | tr -d '\r' | grep -qx BEGIN:VCALENDAR && tail -n1 '$tmp/t.ics' | tr -d '\r' | grep -qx END:VCALENDAR"
check "ICS: one VEVENT per period (4), balanced" sh -c "[ \$(tr -d '\r' <'$tmp/t.ics' | grep -cx BEGIN:VEVENT) = 4 ] && [ \$(tr -d '\r' <'$tmp/t.ics' | grep -cx END:VEVENT) = 4 ]"
check "ICS: DTSTART/DTEND as dates, UID, DTSTAMP, SUMMARY" sh -c "tr -d '\r' <'$tmp/t.ics' | grep -q '^DTSTART;VALUE=DATE:20260105$' && [ \$(grep -c '^DTEND;VALUE=DATE:' '$tmp/t.ics') = 4 ] && [ \$(grep -c '^UID:' '$tmp/t.ics') = 4 ] && [ \$(grep -c '^DTSTAMP:' '$tmp/t.ics') = 4 ] && [ \$(grep -c '^SUMMARY:Magnesium 250 mg (bisglycinate)' '$tmp/t.ics') = 2 ] && [ \$(grep -c '^SUMMARY:No magnesium' '$tmp/t.ics') = 2 ]"
# shellcheck disable=SC2086
s=$(status "$bin" trial plan $plan --seed 7 --ics "$tmp/t.ics")
check "--ics refuses to overwrite an existing file (status 2, naming --ics)" sh -c "[ $s = 2 ] && grep -q -- '--ics' '$tmp/err'"

# today: the instruction follows the stored order, period by period.
on_ok=1
off_ok=1
d=5
while [ $d -le 28 ]; do
	e=$(printf '2026-01-%02d' $d)
	k=$(((d - 5) / 6 + 1))
	"$bin" trial today --date "$e" >"$tmp/today" 2>&1
	if sed -n "/^ *$k  /p" "$tmp/p2" | grep -q 'on:'; then
		grep -q 'take 250 mg elemental magnesium = 1774 mg magnesium bisglycinate at bedtime' "$tmp/today" || on_ok=0
		mg="--mg-form bisglycinate --mg-elemental 250"
		sol=20
	else
		grep -q 'take no magnesium' "$tmp/today" || off_ok=0
		mg=--no-mg
		sol=30
	fi
	echo "$(printf '2026-01-%02d' $((d + 1))) $sol $mg" >>"$tmp/nights"
	d=$((d + 1))
done
check "today: magnesium instruction on every evening of the on periods" [ $on_ok = 1 ]
check "today: no magnesium on every evening of the off periods" [ $off_ok = 1 ]
"$bin" trial today --date 2026-01-11 >"$tmp/today" 2>&1
check "today: the first night of a period is a washout night" grep -q 'washout night 1 of 1' "$tmp/today"
check "today: last night's missing diary entry is reported" grep -q "Last night's diary.*missing" "$tmp/today"

# Log pair 1 only: too few pairs.
logn() {
	# shellcheck disable=SC2086
	"$bin" log --date "$1" --bed 22:30 --sol "$2" --awakenings 1 --waso 10 --final-wake 06:30 --out-of-bed 07:00 $3 $4 $5 $6 >/dev/null 2>&1
}
head -n 12 "$tmp/nights" | while read -r dt sol a b c e; do logn "$dt" "$sol" "$a" "$b" "$c" "$e"; done
"$bin" trial analyze --date 2026-02-01 >"$tmp/a1" 2>&1
check "analyze with one complete pair says there are too few pairs" grep -q 'Too few complete pairs' "$tmp/a1"
check "... and gives no mean difference" sh -c "! grep -q 'Mean difference' '$tmp/a1'"
tail -n 12 "$tmp/nights" | while read -r dt sol a b c e; do logn "$dt" "$sol" "$a" "$b" "$c" "$e"; done
"$bin" trial today --date 2026-01-12 >"$tmp/today" 2>&1
check "today: a logged night is not reported missing" sh -c "! grep -q missing '$tmp/today'"
"$bin" trial analyze --date 2026-02-01 --format json >"$tmp/a.json" 2>&1
check "analyze: mean difference exactly -10 (20 on, 30 off), 2 pairs used" \
	python3 -c "import json,sys; d=json.load(open('$tmp/a.json')); sys.exit(not (d['mean_difference']==-10 and d['ci_low']==-10 and d['pairs_used']==2 and d['p_value']==0.5 and d['p_min']==0.5 and not d['interim'] and d['adherence']['mg_nights_taken']==12))"
"$bin" trial analyze --date 2026-02-01 >"$tmp/a2" 2>&1
# Issue 11: 2 pairs (fewer than the 3 the plan fixed), every pair -10: the
# estimate is shown with its sign, but no probabilities and no verdict
# beyond "not enough information" (it used to say "shortened ... by 10
# minutes" at p = 0.5).
check "analyze text: 2 pairs give 'not enough information', the estimate -10.0 with its sign, no probabilities" \
	sh -c "grep -q '^Conclusion: not enough information. Only 2 pairs' '$tmp/a2' && grep -q 'Mean difference, magnesium minus none: -10.0 minutes (95 % interval -10.0 to -10.0)' '$tmp/a2' && grep -q 'No probabilities are given' '$tmp/a2' && ! grep -q 'shortened\|prior  ' '$tmp/a2'"
check "analyze text: the verdict says the trial was not blinded" grep -q 'not blinded: you knew when you took magnesium, so expectation can explain part' "$tmp/a2"
check "analyze text: says no result can reach p < 0.05 with 2 pairs" grep -q 'no result can reach p < 0.05' "$tmp/a2"
"$bin" trial analyze --date 2026-01-20 >"$tmp/a3" 2>&1
check "analyze before the end is marked interim" grep -q INTERIM "$tmp/a3"

"$bin" export >"$tmp/e1.json"
"$bin" --db "$tmp/r.db" import-backup "$tmp/e1.json" >/dev/null 2>&1
"$bin" --db "$tmp/r.db" export >"$tmp/e2.json"
check "export -> import -> export keeps the trial byte-identical" sh -c "grep -q '\"trial\":\[{' '$tmp/e1.json' && cmp -s '$tmp/e1.json' '$tmp/e2.json'"

# Stop rules: adverse events pause the trial; nights in a pause are not analysed.
pdb="$tmp/p.db"
"$bin" --db "$pdb" profile set --age 45 --sex male --weight 80 --height 180 >/dev/null 2>&1
# shellcheck disable=SC2086
"$bin" --db "$pdb" trial plan $plan --seed 7 >"$tmp/pp" 2>&1
s=$(status "$bin" --db "$pdb" trial event --symptom not-a-symptom --date 2026-01-13)
check "event with an unknown symptom: status 2 listing the known ones" sh -c "[ $s = 2 ] && [ $(lines "$tmp/err") = 1 ] && grep -q 'diarrhea, rectal-bleeding' '$tmp/err'"
s=$(status "$bin" --db "$pdb" trial resume --date 2026-01-13)
check "resume refused when the trial is not paused (status 2)" sh -c "[ $s = 2 ] && grep -q 'not paused' '$tmp/err'"
s=$(status "$bin" --db "$pdb" trial event --symptom diarrhoea --date 2026-01-13 --note "loose stools")
check "event with a stop symptom (diarrhoea): status 0, says paused and stop magnesium" sh -c "[ $s = 0 ] && grep -q 'trial is paused from 2026-01-13: stop taking magnesium' '$tmp/out'"
check "... and prints the KB's gut-symptoms rule text" grep -q 'Do not start magnesium while you have stomach pain' "$tmp/out"
s=$(status "$bin" --db "$pdb" trial event --symptom muscle-weakness --date 2026-01-14)
check "event with an excess symptom prints the KB text to get medical help today" sh -c "[ $s = 0 ] && grep -q 'get medical help today' '$tmp/out' && grep -q 'already paused' '$tmp/out'"
"$bin" --db "$pdb" trial today --date 2026-01-14 >"$tmp/pt" 2>&1
check "today during a pause: paused since the date, why, no magnesium, clinician" sh -c "grep -q 'paused since 2026-01-13 because of diarrhoea' '$tmp/pt' && grep -q 'take no magnesium' '$tmp/pt' && grep -q 'clinician before restarting' '$tmp/pt' && ! grep -q 'elemental' '$tmp/pt'"
s=$(status "$bin" --db "$pdb" trial resume --date 2026-01-15)
check "resume on 2026-01-15: status 0" sh -c "[ $s = 0 ] && grep -q 'resumes on 2026-01-15' '$tmp/out'"
"$bin" --db "$pdb" trial today --date 2026-01-15 >"$tmp/pt" 2>&1
check "today after the resume gives the plan's instruction again" grep -q 'take 250 mg elemental' "$tmp/pt"
s=$(status "$bin" --db "$pdb" trial resume --date 2026-01-16)
check "a second resume is refused (status 2)" [ "$s" = 2 ]
s=$(status "$bin" --db "$pdb" trial event --symptom snoring --date 2026-01-20)
check "a symptom that is not a stop rule is recorded without pausing" sh -c "[ $s = 0 ] && grep -q 'not one of the stop rules' '$tmp/out'"
# The diary: 20 minutes on magnesium, 30 without, except 90 on the paused
# evenings 13 and 14 (period 2, on). Excluded: pair 1 keeps evenings 12, 15,
# 16 on (20) against 30 off, so the difference stays exactly -10. Counted,
# pair 1 would give (20+90+90+20+20)/5 - 30 = +18 and the mean +4.
while read -r dt sol a b c e; do
	ev=$((1${dt#2026-01-} - 101))
	if [ "$ev" = 13 ] || [ "$ev" = 14 ]; then
		sol=90 a=--no-mg b='' c='' e=''
	fi
	# shellcheck disable=SC2086
	"$bin" --db "$pdb" log --date "$dt" --bed 22:30 --sol "$sol" --awakenings 1 --waso 10 --final-wake 06:30 --out-of-bed 07:00 $a $b $c $e >/dev/null 2>&1
done <"$tmp/nights"
"$bin" --db "$pdb" trial analyze --date 2026-02-01 --format json >"$tmp/pa.json" 2>&1
check "analyze: the paused nights are left out (difference -10, not +4; 2 nights excluded)" \
	python3 -c "import json,sys; d=json.load(open('$tmp/pa.json')); sys.exit(not (d['mean_difference']==-10 and d['pairs_used']==2 and d['paused_nights']==2 and d['pauses']==[{'from':'2026-01-13','resumed':'2026-01-15','because':'diarrhoea now'}]))"
check "analyze json: secondary outcomes with difference and interval only" \
	python3 -c "import json,sys; d=json.load(open('$tmp/pa.json')); s=d['secondary']; sys.exit(not (len(s)==5 and [x['outcome'] for x in s]==['tst','se','waso','awakenings','quality'] and all(set(x)=={'outcome','pairs_used','mean_difference','ci_low','ci_high'} for x in s)))"
"$bin" --db "$pdb" trial analyze --date 2026-02-01 >"$tmp/pa" 2>&1
check "analyze text lists the pause: 'Paused on 2026-01-13: diarrhoea'" grep -q 'Paused on 2026-01-13: diarrhoea' "$tmp/pa"
check "... the resume and the non-stop event" sh -c "grep -q 'Resumed on 2026-01-15' '$tmp/pa' && grep -q 'Adverse event on 2026-01-20: loud snoring' '$tmp/pa'"
check "... and the verdict says the trial was paused and why" grep -q 'The trial was paused on 2026-01-13 because of diarrhoea now.*2 nights during the pause are left out' "$tmp/pa"
check "analyze text: secondary outcomes section, labelled, after the verdict, no verdict of its own" \
	sh -c "grep -q '^Secondary outcomes (not the question the trial was planned to answer; read with caution):' '$tmp/pa' && sed -n '/^Secondary outcomes/,\$p' '$tmp/pa' | grep -q '^  total sleep time: .*95 % interval' && ! sed -n '/^Secondary outcomes/,\$p' '$tmp/pa' | grep -qi 'chance\|shortened\|lengthened'"
"$bin" --db "$pdb" report --to 2026-02-01 >"$tmp/pr.html" 2>/dev/null
check "report lists the pause and says why" sh -c "grep -q '<li>Paused on 2026-01-13: diarrhoea now' '$tmp/pr.html' && grep -q 'The trial was paused on 2026-01-13 because of diarrhoea now' '$tmp/pr.html'"
"$bin" --db "$pdb" export >"$tmp/pe1.json"
"$bin" --db "$tmp/pr.db" import-backup "$tmp/pe1.json" >/dev/null 2>&1
"$bin" --db "$tmp/pr.db" export >"$tmp/pe2.json"
check "export -> import -> export keeps the trial events byte-identical" sh -c "grep -q '\"trial_event\":\[{\"trial\":1,\"date\":\"2026-01-13\"' '$tmp/pe1.json' && cmp -s '$tmp/pe1.json' '$tmp/pe2.json'"
"$bin" --db "$tmp/pr.db" trial today --date 2026-01-14 >"$tmp/pt" 2>&1
check "the restored store still knows the pause" grep -q 'paused since 2026-01-13' "$tmp/pt"

# Baseline: 4 nights without magnesium before period 1, not randomised.
bdb="$tmp/bl.db"
"$bin" --db "$bdb" profile set --age 45 --sex male --weight 80 --height 180 >/dev/null 2>&1
"$bin" --db "$bdb" trial plan --start 2026-03-01 --baseline-days 4 --pairs 2 --period-days 6 --washout 1 --seed 7 --ics "$tmp/bl.ics" >"$tmp/bp" 2>&1
check "plan --baseline-days 4: the calendar shows the baseline, then period 1 after it" sh -c "grep -q '^baseline    2026-03-01 to 2026-03-04   none' '$tmp/bp' && grep -q '^ *1     1  2026-03-05 to 2026-03-10' '$tmp/bp' && grep -q '2026-03-01 to 2026-03-28 (28 nights)' '$tmp/bp'"
check "ICS: a baseline event and one per period" sh -c "[ \$(tr -d '\r' <'$tmp/bl.ics' | grep -cx BEGIN:VEVENT) = 5 ] && grep -q '^SUMMARY:No magnesium (baseline)' '$tmp/bl.ics' && tr -d '\r' <'$tmp/bl.ics' | grep -q '^DTSTART;VALUE=DATE:20260301$'"
"$bin" --db "$bdb" trial today --date 2026-03-02 >"$tmp/bt" 2>&1
check "today in the baseline: no magnesium, keep logging" sh -c "grep -q 'baseline: no magnesium, keep logging' '$tmp/bt' && ! grep -q elemental '$tmp/bt'"
"$bin" --db "$bdb" trial today --date 2026-02-28 >"$tmp/bt" 2>&1
check "today before the baseline: the trial starts on its first night" grep -q 'the trial starts on 2026-03-01' "$tmp/bt"
i=0
for sol in 10 20 30 40; do
	i=$((i + 1))
	"$bin" --db "$bdb" log --date "2026-03-0$((i + 1))" --bed 22:30 --sol "$sol" --awakenings 1 --waso 10 --final-wake 06:30 --out-of-bed 07:00 --no-mg >/dev/null 2>&1
done
"$bin" --db "$bdb" trial analyze --date 2026-04-01 --format json >"$tmp/ba.json" 2>&1
check "analyze: baseline mean 25 and SD 12.910 of SOL 10, 20, 30, 40 (sqrt(500/3))" \
	python3 -c "import json,sys; d=json.load(open('$tmp/ba.json')); b=d['baseline']; sys.exit(not (d['baseline_days']==4 and b=={'values':4,'mean':25,'sd':12.91} and d['start']=='2026-03-01'))"
"$bin" --db "$bdb" trial analyze --date 2026-04-01 >"$tmp/ba" 2>&1
check "analyze text: the baseline as context" grep -q 'Baseline (4 nights, no magnesium, 4 logged): mean 25.0 minutes, SD 12.9 (context' "$tmp/ba"
"$bin" --db "$bdb" export >"$tmp/be1.json"
"$bin" --db "$tmp/br.db" import-backup "$tmp/be1.json" >/dev/null 2>&1
"$bin" --db "$tmp/br.db" export >"$tmp/be2.json"
check "export -> import -> export keeps baseline_days byte-identical" sh -c "grep -q '\"baseline_days\":4' '$tmp/be1.json' && cmp -s '$tmp/be1.json' '$tmp/be2.json'"

# ISI at the end of each period as the primary outcome: periods end on the
# evenings 05-06, 05-12, 05-18, 05-24. ISI 10 after every magnesium period,
# 14 after every period without: mean difference exactly -4. Decoys: 28s
# dated 2 and 3 days after period 1 (the one on the morning after, 05-07,
# is closer).
idb="$tmp/isi.db"
"$bin" --db "$idb" profile set --age 45 --sex male --weight 80 --height 180 >/dev/null 2>&1
"$bin" --db "$idb" trial plan --start 2026-05-01 --pairs 2 --period-days 6 --washout 1 --outcome isi --seed 7 >"$tmp/ip" 2>&1
check "plan --outcome isi: ISI named as the primary outcome" grep -q 'Primary outcome: the insomnia severity (ISI total, 0-28)' "$tmp/ip"
"$bin" --db "$idb" export >"$tmp/ie.json"
order=$(python3 -c "import json; print(' '.join(json.load(open('$tmp/ie.json'))['trial'][0]['order']))")
k=0
for o in $order; do
	end=$((6 * k + 6))
	# period 1 on the morning after, period 2 two days before its end, 3 two days after, 4 on the last day
	case $k in 0) day=$((end + 1)) ;; 1) day=$((end - 2)) ;; 2) day=$((end + 2)) ;; *) day=$end ;; esac
	if [ "$o" = mg ]; then ans=2,2,2,1,1,1,1; else ans=2,2,2,2,2,2,2; fi
	"$bin" --db "$idb" isi --answers "$ans" --date "$(printf '2026-05-%02d' $day)" >/dev/null 2>&1
	k=$((k + 1))
done
"$bin" --db "$idb" isi --answers 4,4,4,4,4,4,4 --date 2026-05-08 >/dev/null 2>&1
"$bin" --db "$idb" isi --answers 4,4,4,4,4,4,4 --date 2026-05-09 >/dev/null 2>&1
"$bin" --db "$idb" trial analyze --date 2026-06-01 --format json >"$tmp/ia.json" 2>&1
check "analyze isi: mean difference exactly -4 (10 on, 14 off), 2 pairs, min nights 1, no ISI secondary" \
	python3 -c "import json,sys; d=json.load(open('$tmp/ia.json')); sys.exit(not (d['outcome']=='isi' and d['mean_difference']==-4 and d['ci_low']==-4 and d['pairs_used']==2 and d['min_nights']==1 and d['mid']==6 and all(p['nights_mg']==1 and p['nights_off']==1 for p in d['per_pair']) and 'isi' not in [x['outcome'] for x in d['secondary']]))"
"$bin" --db "$idb" trial analyze --date 2026-06-01 >"$tmp/ia" 2>&1
# Issue 11: 2 pairs with the same difference: not enough information (it
# used to print "lowered ... by 4 points (95 % interval 4 to 4)").
check "analyze isi text: 2 pairs, the estimate -4.0 points, not enough information, no probabilities" sh -c "grep -q 'Mean difference, magnesium minus none: -4.0 points' '$tmp/ia' && grep -q '^Conclusion: not enough information' '$tmp/ia' && ! grep -q 'lowered\|evidence-based prior' '$tmp/ia'"
"$bin" --db "$idb" trial analyze --date 2026-05-14 --format json >"$tmp/ia2.json" 2>&1
check "analyze isi mid-trial: only ISIs dated up to the analysis day count (1 pair)" \
	python3 -c "import json,sys; d=json.load(open('$tmp/ia2.json')); sys.exit(not (d['pairs_used']==1 and d['too_few_pairs']))"
"$bin" --db "$idb" trial today --date 2026-05-06 >"$tmp/it" 2>&1
check "today on the last evening of a period: fill in the ISI tomorrow" grep -q 'fill in the ISI tomorrow' "$tmp/it"
"$bin" --db "$idb" trial today --date 2026-05-05 >"$tmp/it" 2>&1
check "... and not on the other evenings" sh -c "! grep -q 'ISI' '$tmp/it'"

# ---- Issue 11: nothing lost ----
ndb="$tmp/keep.db"
"$bin" --db "$ndb" profile set --age 45 --sex male --weight 80 --height 180 >/dev/null 2>&1
# shellcheck disable=SC2086
"$bin" --db "$ndb" trial plan $plan --seed 7 >/dev/null 2>&1
"$bin" --db "$ndb" trial event --symptom snoring --date 2026-01-07 --note first >/dev/null 2>&1
cp "$ndb" "$tmp/keep.before"
s=$(status "$bin" --db "$ndb" trial plan --start 2026-03-02 --pairs 6 --period-days 6 --washout 1 --seed 9)
check "plan while a trial exists: refused with status 2, one line naming --replace" \
	sh -c "[ $s = 2 ] && [ $(lines "$tmp/err") = 1 ] && grep -q -- '--replace' '$tmp/err' && grep -q 'nothing was changed' '$tmp/err'"
check "... and the store is byte-identical" cmp -s "$ndb" "$tmp/keep.before"
s=$(status "$bin" --db "$ndb" trial plan --start 2026-03-02 --pairs 6 --period-days 6 --washout 1 --seed 9 --replace)
check "plan --replace: status 0, says trial 1 is kept and how to reach it" \
	sh -c "[ $s = 0 ] && grep -q \"Trial 1 is kept in the store as finished ('mgsleep trial list', 'mgsleep trial analyze --trial 1')\" '$tmp/out' && grep -q '^N-of-1 trial 2 planned' '$tmp/out'"
"$bin" --db "$ndb" trial list --format json >"$tmp/list.json" 2>&1
check "trial list: both trials, the old one finished (its evenings are past), the new one current" \
	python3 -c "import json,sys; l=json.load(open('$tmp/list.json')); sys.exit(not ([(x['id'],x['stored_status'],x['start'],x['pairs']) for x in l]==[(1,'finished','2026-01-05',2),(2,'planned','2026-03-02',6)]))"
"$bin" --db "$ndb" trial list >"$tmp/list.txt" 2>&1
check "trial list text: one line per trial" sh -c "grep -q '^    1  finished  2026-01-05 to 2026-01-28      2     6  sol' '$tmp/list.txt' && grep -q '^    2  ' '$tmp/list.txt'"
"$bin" --db "$ndb" trial analyze --trial 1 --date 2026-02-01 --format json >"$tmp/old.json" 2>&1
check "analyze --trial 1 reaches the kept trial, with its own event" \
	python3 -c "import json,sys; d=json.load(open('$tmp/old.json')); sys.exit(not (d['trial_id']==1 and d['start']=='2026-01-05' and d['pairs']==2 and d['conclusion']=='not-enough-information'))"
"$bin" --db "$ndb" trial analyze --trial 1 --date 2026-02-01 >"$tmp/old.txt" 2>&1
check "... and lists trial 1's event (not trial 2's)" grep -q 'Adverse event on 2026-01-07: loud snoring' "$tmp/old.txt"
s=$(status "$bin" --db "$ndb" trial analyze --trial 9)
check "analyze --trial 9 (no such trial): status 2 naming --trial" sh -c "[ $s = 2 ] && grep -q -- '--trial' '$tmp/err'"
s=$(status "$bin" --db "$ndb" trial analyze --trial x)
check "analyze --trial x: status 2 naming --trial" sh -c "[ $s = 2 ] && grep -q -- '--trial' '$tmp/err'"
"$bin" --db "$ndb" export >"$tmp/k1.json"
check "export holds both trials with status and the stored analysis, and trial 1's event" \
	python3 -c "import json,sys; d=json.load(open('$tmp/k1.json')); t=d['trial']; sys.exit(not ([(x['id'],x['status']) for x in t]==[(1,'finished'),(2,'planned')] and t[1]['analysis']['alpha']==0.05 and t[1]['analysis']['mid']==20 and t[1]['analysis']['test']=='randomisation-exact' and [e['trial'] for e in d['trial_event']]==[1]))"
"$bin" --db "$tmp/k2.db" import-backup "$tmp/k1.json" >/dev/null 2>&1
"$bin" --db "$tmp/k2.db" export >"$tmp/k2.json"
check "import-backup round trip: export -> import -> export byte-identical with both trials" cmp -s "$tmp/k1.json" "$tmp/k2.json"
"$bin" --db "$tmp/k2.db" trial analyze --trial 1 --date 2026-02-01 --format json >"$tmp/old2.json" 2>&1
check "... and the restored store analyses trial 1 the same" cmp -s "$tmp/old.json" "$tmp/old2.json"
"$bin" --db "$ndb" export --format fhir >"$tmp/k.fhir" 2>&1
check "FHIR export: one trial Observation per trial, numbered 1 and 2" \
	python3 -c "import json,sys; b=json.load(open('$tmp/k.fhir')); t=[e['resource'] for e in b['entry'] if any(c['code']=='nof1-trial-result' for c in e['resource'].get('code',{}).get('coding',[]))]; ids=sorted(c['valueInteger'] for r in t for c in r['component'] if c['code']['coding'][0]['code']=='nof1-trial'); sys.exit(not (ids==[1,2]))"
# An export of schema 3 (no id, status or analysis): the last trial is the
# current one, the others were replaced.
python3 -c "
import json
d=json.load(open('$tmp/k1.json'))
d['schema_version']=3
for t in d['trial']:
    for k in ('id','status','analysis'): del t[k]
json.dump(d,open('$tmp/k3.json','w'))"
"$bin" --db "$tmp/k3.db" import-backup "$tmp/k3.json" >/dev/null 2>&1
"$bin" --db "$tmp/k3.db" trial list --format json >"$tmp/k3l.json" 2>&1
check "import-backup of a schema-3 export: trial 1 replaced, trial 2 current, no stored analysis" \
	python3 -c "import json,sys; l=json.load(open('$tmp/k3l.json')); sys.exit(not ([(x['id'],x['stored_status'],x['prespecified']) for x in l]==[(1,'replaced',False),(2,'planned',False)]))"

fdb="$tmp/future.db"
"$bin" --db "$fdb" profile set --age 45 --sex male --weight 80 --height 180 >/dev/null 2>&1
"$bin" --db "$fdb" trial plan --start 2099-01-01 --seed 1 >/dev/null 2>&1
"$bin" --db "$fdb" trial plan --start 2099-02-01 --seed 2 --replace --format json >"$tmp/fr.json" 2>&1
check "replacing a trial that has not ended keeps it as 'replaced' (said in the plan JSON and the list)" \
	sh -c "python3 -c \"import json,sys; d=json.load(open('$tmp/fr.json')); sys.exit(not d['retired']=={'id':1,'status':'replaced'})\" && '$bin' --db '$fdb' trial list | grep -q '^    1  replaced  2099-01-01'"

# plan --format json: the calendar as data.
jdb="$tmp/json.db"
"$bin" --db "$jdb" profile set --age 45 --sex male --weight 80 --height 180 >/dev/null 2>&1
"$bin" --db "$jdb" trial plan --start 2026-03-01 --baseline-days 2 --pairs 3 --period-days 5 --washout 2 --seed 11 --format json >"$tmp/plan.json" 2>"$tmp/plan.err"
check "plan --format json: the calendar as data (ISO dates, 6 periods of 5 evenings from 2026-03-03, analysed from night 3, one arm of each per pair)" \
	python3 -c "
import json,sys,datetime as D
d=json.load(open('$tmp/plan.json'))
day=lambda s:D.date.fromisoformat(s)
assert {'seed','start','pairs','period_days','washout','outcome','periods','power'}<=set(d), d.keys()
assert d['seed']=='11' and d['start']=='2026-03-03' and d['pairs']==3 and d['period_days']==5 and d['washout']==2 and d['outcome']=='sol'
assert d['baseline']=={'start':'2026-03-01','end':'2026-03-02'}
p=d['periods']; assert len(p)==6
for k,x in enumerate(p):
    assert day(x['start'])==day('2026-03-03')+D.timedelta(5*k) and day(x['end'])==day(x['start'])+D.timedelta(4)
    assert day(x['analysed_from'])==day(x['start'])+D.timedelta(2) and x['pair']==k//2+1
for i in range(3):
    assert sorted([p[2*i]['arm'],p[2*i+1]['arm']])==['magnesium','none']
pw=d['power']
assert pw['effect']==-17.4 and pw['prior']=={'mean':-17.4,'sd':18.1} and pw['sd_night']==20 and pw['rho']==0.3 and pw['missing']==0.1
assert pw['chance']==0 and pw['chance_over_prior']==0 and pw['p_min']==0.25
assert d['analysis']['alpha']==0.05 and d['analysis']['mid']==20 and d['analysis']['mid_source']=='product-choice'
" 
check "... and the stored order is the one printed" python3 -c "
import json,subprocess,sys
d=json.load(open('$tmp/plan.json'))
e=json.loads(subprocess.run(['$bin','--db','$jdb','export'],capture_output=True,text=True).stdout)
sys.exit(not (e['trial'][0]['order']==['mg' if x['arm']=='magnesium' else 'off' for x in d['periods']]))"

# A 6-pair trial with hand-made differences -10, -12, -8, -10, -11, -9
# minutes (magnesium minus none): all six negative, so the exact two-sided
# randomisation p is 2/64 = 0.03125; mean -10, SD sqrt(10/5) = 1.4142,
# SE 0.57735, t(0.975, 5) = 2.570582 -> 95 % interval -11.484 to -8.516.
# Conclusion: benefit. One washout night of a period without is logged with
# magnesium: a warning, but no analysed night changes.
bdb6="$tmp/six.db"
"$bin" --db "$bdb6" profile set --age 45 --sex male --weight 80 --height 180 >/dev/null 2>&1
"$bin" --db "$bdb6" trial plan --start 2026-03-02 --pairs 6 --period-days 6 --washout 1 --seed 5 >/dev/null 2>&1
order6=$("$bin" --db "$bdb6" export | python3 -c "import json,sys; print(' '.join(json.load(sys.stdin)['trial'][0]['order']))")
python3 - "$order6" >"$tmp/six.nights" <<'PY'
import sys, datetime as D
order = sys.argv[1].split()
diffs = [-10, -12, -8, -10, -11, -9]
start = D.date(2026, 3, 2)
first_off = True
for k, arm in enumerate(order):
    for n in range(6):
        ev = start + D.timedelta(6 * k + n)
        sol = 30 + diffs[k // 2] if arm == 'mg' else 30
        mg = 'mg' if arm == 'mg' else 'none'
        if arm == 'off' and n == 0 and first_off:
            mg, first_off = 'mg', False  # washout night, not analysed
        print((ev + D.timedelta(1)).isoformat(), sol, mg)
PY
while read -r dt sol m; do
	if [ "$m" = mg ]; then a='--mg-form bisglycinate --mg-elemental 250'; else a=--no-mg; fi
	# shellcheck disable=SC2086
	"$bin" --db "$bdb6" log --date "$dt" --bed 22:30 --sol "$sol" --awakenings 1 --waso 10 --final-wake 06:30 --out-of-bed 07:00 $a >/dev/null 2>&1
done <"$tmp/six.nights"
"$bin" --db "$bdb6" trial analyze --date 2026-05-20 --format json >"$tmp/six.json" 2>&1
check "6 pairs all favouring magnesium: benefit, p 0.03125, interval -11.484 to -8.516 (by hand)" \
	python3 -c "import json,sys; d=json.load(open('$tmp/six.json')); sys.exit(not (d['conclusion']=='benefit' and d['p_value']==0.03125 and d['mean_difference']==-10 and d['ci_low']==-11.484 and d['ci_high']==-8.516 and d['pairs_used']==6 and d['enough_information'] and d['posterior']['flat'] is not None))"
check "... adherence 1 over 60 analysed nights, the off-night with magnesium warned about, per protocol equal" \
	python3 -c "import json,sys; d=json.load(open('$tmp/six.json')); a=d['adherence']; pp=d['per_protocol']; sys.exit(not (a['share_as_planned']==1 and a['analysed_mg_nights']==30 and a['missing_mg']==0 and a['warnings']==['off-nights-with-magnesium'] and pp['mean_difference']==-10 and pp['nights_left_out']==0))"
"$bin" --db "$bdb6" trial analyze --date 2026-05-20 >"$tmp/six.txt" 2>&1
check "... text: 'Conclusion: benefit', p = 0.031, the signed interval, the warning, not blinded" \
	sh -c "grep -q '^Conclusion: benefit. In your trial magnesium shortened the time to fall asleep by 10.0 minutes on average (95 % interval -11.5 to -8.5 minutes, magnesium minus none; randomisation test p = 0.031' '$tmp/six.txt' && grep -q 'smaller than 20 minutes (the smallest difference taken to matter: the product' '$tmp/six.txt' && grep -q '^Warning: magnesium was logged on 1 night of the periods without' '$tmp/six.txt' && grep -q 'not blinded' '$tmp/six.txt'"
"$bin" --db "$bdb6" trial analyze --date 2026-04-20 --format json >"$tmp/six-i.json" 2>&1
check "before the planned end the conclusion is interim, whatever the data" \
	python3 -c "import json,sys; d=json.load(open('$tmp/six-i.json')); sys.exit(not (d['conclusion']=='interim' and d['interim'] and d['conclusion_text'].startswith('Conclusion: none yet (interim).')))"

for bad in "--pairs 0|--pairs" "--outcome foo|--outcome" "--start 2026-02-30|--start" "--period-days 1|--period-days" \
	"--washout 6 --period-days 6|--washout" "--seed x|--seed" "--baseline-days 57|--baseline-days" "--format xml|--format"; do
	args=${bad%|*}
	flag=${bad#*|}
	# shellcheck disable=SC2086
	s=$(status "$bin" trial plan $args)
	check "plan $args: status 2, one line naming $flag" sh -c "[ $s = 2 ] && [ $(lines "$tmp/err") = 1 ] && grep -q -- '$flag' '$tmp/err'"
done
s=$(status "$bin" trial today --date 2026-13-01)
check "today --date 2026-13-01: status 2 naming --date" sh -c "[ $s = 2 ] && grep -q -- '--date' '$tmp/err'"
s=$(status "$bin" trial analyze --format xml)
check "analyze --format xml: status 2 naming --format" sh -c "[ $s = 2 ] && grep -q -- '--format' '$tmp/err'"
# Issue 12: the trial's options come from tables (src/cli/cmd_trial.c,
# cmd_trial_plan.c) like every command's: an unknown option or a stray word
# is named by its position and never repeated (it may be health data), and
# the help lists every option of every subcommand.
for sub in plan list today analyze event resume; do
	s=$(status "$bin" trial $sub 'diagnosed bipolar')
	check "trial $sub with a stray word: status 2, one line, by position, the word not echoed" \
		sh -c "[ $s = 2 ] && [ $(lines "$tmp/err") = 1 ] && grep -q 'trial $sub: argument 1 is not an option it accepts' '$tmp/err' && ! grep -q bipolar '$tmp/err'"
	s=$(status "$bin" trial $sub --panic-attacks)
	check "trial $sub --panic-attacks: status 2, the option not echoed" sh -c "[ $s = 2 ] && ! grep -q panic '$tmp/err'"
done
s=$(status "$bin" trial plan --replace=yes)
check "plan --replace=yes: status 2, --replace takes no value" sh -c "[ $s = 2 ] && grep -q -- '--replace: accepted: no value' '$tmp/err'"
"$bin" help trial >"$tmp/help" 2>&1
for opt in start pairs period-days washout baseline-days outcome seed ics format replace trial date symptom note; do
	check "help trial shows --$opt" grep -q -- "^  --$opt " "$tmp/help"
done
s=$(status "$bin" --db "$tmp/none.db" trial today)
check "today with no store or trial fails cleanly" [ "$s" != 0 ]

finish
