#!/bin/sh
# Medicine names as people and records write them (issue 10 section 2), end
# to end. Expected spacings come from the evidence reference, section 5:
# tetracyclines 2 h before / 6 h after (S30, S18), levothyroxine >= 4 h (S29),
# bisphosphonates 3-4 h (S18; 4 used), dolutegravir 2 / 6 (S26), any other
# medicine 2-3 h (S18; 3 used); and 1.4: magnesium from medicines counts
# toward the supplement limit (S11).
# usage: tests/cli/medicines.sh MGSLEEP   (TAP output)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

# spacing NAME MED DRUG HOURS: advise --med MED gives DRUG with separate_hours HOURS
spacing() {
	"$bin" advise --age 50 --med "$2" --format json >"$tmp/a.json" 2>"$tmp/err"
	check "$1: '$2' -> $3, $4 h" python3 -c "
import json, sys
d = json.load(open('$tmp/a.json'))
m = [i for i in d['interactions'] if i['drug'] == '$3']
sys.exit(not (m and m[0]['separate_hours'] == $4 and m[0]['input'] == sys.argv[1] and not d['unrecognised_medicines']))" "$2"
}

spacing "5 / S30 S18" 'Doxycycline Hyclate 100 MG Oral Capsule' doxycycline 6
spacing "5 / S29" 'LEVOTHYROXINE SODIUM 0.1 MG ORAL TABLET' levothyroxine 4
spacing "5 / S29 (UK name)" 'thyroxine 100 micrograms od' levothyroxine 4
spacing "5 general rule / S18" 'esomeprazole magnesium 40mg' esomeprazole 3
spacing "5 / S27" 'Ciprofloxacin HCl 500mg tab' ciprofloxacin 6
spacing "5 / S18 S30" 'risedronate sodium 35 MG' risedronate 4
spacing "5 / S18 S30 (rINN)" 'alendronic acid 70 mg once weekly' alendronate 4
spacing "5 / S26" 'Triumeq' dolutegravir 6
spacing "5 general rule / S18" 'Triumeq' abacavir 3
spacing "5 / S26" 'abacavir/dolutegravir/lamivudine' dolutegravir 6
spacing "5 general rule / S18" 'Biktarvy' emtricitabine 3
spacing "5 general rule / S18" 'co-amilozide' hydrochlorothiazide 3
spacing "5 general rule / S18" 'Moduretic' amiloride 3
spacing "5 general rule / S18" 'Dyazide' triamterene 3
spacing "5 general rule / S18" 'furosemide 40mg od' furosemide 3
spacing "5 general rule / S18 (BAN)" 'frusemide' furosemide 3
spacing "5 general rule / S18" 'co-amilofruse' furosemide 3
spacing "5 general rule / S18" 'metformin' metformin 3
spacing "5 / S28" 'gabapentin 300 mg' gabapentin 2

# Magnesium-containing medicines (1.4, S11): class magnesium-product, no spacing with itself.
for m in 'Milk of Magnesia' 'magnesium oxide 400 mg' 'Maalox'; do
	"$bin" advise --age 50 --med "$m" --format json >"$tmp/a.json"
	check "1.4 / S11: '$m' is a magnesium product and the advice asks for --supplement-mg" python3 -c "
import json, sys
d = json.load(open('$tmp/a.json'))
i = d['interactions']
sys.exit(not (len(i) == 1 and i[0]['class'] == 'magnesium-product' and i[0]['separate_hours'] is None
              and '--supplement-mg' in i[0]['advice']))"
done

# A caveat belongs to its drug only.
"$bin" advise --age 50 --med ciprofloxacin --med levofloxacin --format json >"$tmp/a.json"
check "5 / S27: the levofloxacin note is under levofloxacin only" python3 -c "
import json, sys
d = {i['drug']: i for i in json.load(open('$tmp/a.json'))['interactions']}
sys.exit(not ('levofloxacin' in (d['levofloxacin']['note'] or '') and d['ciprofloxacin']['note'] is None
              and 'levofloxacin' not in d['ciprofloxacin']['advice']))"
"$bin" advise --age 50 --med spironolactone --med eplerenone >"$tmp/a.txt"
check "5 / S30: the eplerenone note is printed once, under eplerenone" sh -c "
[ \$(grep -c 'For eplerenone' '$tmp/a.txt') = 1 ] && ! grep -A3 '^- spironolactone' '$tmp/a.txt' | grep -q 'For eplerenone'"
check "5 / S18: no medicine says no spacing is needed" sh -c "! '$bin' advise --age 50 --med furosemide,omeprazole,digoxin,hydrochlorothiazide | grep -q 'No spacing'"

# Misspellings: a suggestion and the general rule, never a silent match.
"$bin" advise --age 50 --med levothyroxin --format json >"$tmp/a.json"
check "issue 10: 'levothyroxin' unrecognised, suggestion levothyroxine (JSON)" python3 -c "
import json, sys
d = json.load(open('$tmp/a.json'))
sys.exit(not (d['interactions'] == [] and d['unrecognised_medicines'] == ['levothyroxin']
              and d['medicine_suggestions'] == [{'input': 'levothyroxin', 'suggestion': 'levothyroxine'}]))"
"$bin" advise --age 50 --med doxycyclin >"$tmp/a.txt"
check "issue 10: 'doxycyclin' -> did you mean doxycycline? and 2 to 3 hours (text)" sh -c "
grep -q 'did you mean doxycycline?' '$tmp/a.txt' && grep -A3 '^- doxycyclin:' '$tmp/a.txt' | tr '\n' ' ' | grep -q '2 to 3 hours'"

# profile set stores names as typed and warns, by position, about unrecognised ones.
"$bin" profile set --age 50 --med 'levothyroxin,doxycycline,paracetamol' >"$tmp/out" 2>"$tmp/err"
st=$?
check "profile set with unrecognised medicines exits 0" [ "$st" -eq 0 ]
check "... one warning per unrecognised medicine (2)" [ "$(lines "$tmp/err")" -eq 2 ]
check "... naming --med item 1 with the suggestion" grep -q -- '--med item 1: not recognised; did you mean levothyroxine?' "$tmp/err"
check "... naming --med item 3" grep -q -- '--med item 3: not recognised' "$tmp/err"
check "... without echoing the names typed" sh -c "! grep -q -e 'levothyroxin[^e]' -e paracetamol '$tmp/err'"
check "... and the names are stored as typed" sh -c "'$bin' profile show | grep -q '\"medicines\":\[\"levothyroxin\",\"doxycycline\",\"paracetamol\"\]'"
"$bin" profile set --reset --age 50 --med 'Doxycycline Hyclate 100 MG Oral Capsule' >"$tmp/out" 2>"$tmp/err"
check "profile set with recognised medicines prints no warning" [ ! -s "$tmp/err" ]
finish
