#!/bin/sh
# End-to-end checks of the mgsleep command line, as TAP.
# usage: tests/cli/run.sh /path/to/mgsleep   (run from the repository root)
# Exit status 1 if any check failed.
set -u

# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

# Run mgsleep with stdin from $IN; sets $st, fills $tmp/out and $tmp/err.
IN=/dev/null
mg() {
	"$bin" "$@" <"$IN" >"$tmp/out" 2>"$tmp/err"
	st=$?
}

# Does FILE contain VALUE as a whole token (not part of a longer number)?
echoes() { # echoes VALUE FILE
	_v=$(printf '%s' "$1" | sed 's/[].[\*^$/]/\\&/g')
	grep -Eq "(^|[^0-9A-Za-z.])$_v([^0-9A-Za-z.]|$)" "$2"
}

# A bad input: exit 2, nothing on stdout, exactly one line on stderr that
# names NEEDLE, and (when FORBID is set) does not contain the value given.
bad() { # bad NAME NEEDLE FORBID ARGS...
	_n=$1 _needle=$2 _forbid=$3
	shift 3
	mg "$@"
	check "$_n: exit status 2" [ "$st" -eq 2 ]
	check "$_n: stdout empty" [ ! -s "$tmp/out" ]
	[ "$(lines "$tmp/err")" -eq 1 ] && [ "$(wc -c <"$tmp/err")" -gt 1 ]
	ok $? "$_n: exactly one line on stderr"
	if ! grep -qF -- "$_needle" "$tmp/err"; then
		ok 1 "$_n: stderr names $_needle"
		sed 's/^/#   /' "$tmp/err"
	else
		ok 0 "$_n: stderr names $_needle"
	fi
	if [ -n "$_forbid" ]; then
		if echoes "$_forbid" "$tmp/err"; then
			ok 1 "$_n: stderr does not contain '$_forbid' (health data)"
			sed 's/^/#   /' "$tmp/err"
		else
			ok 0 "$_n: stderr does not contain '$_forbid' (health data)"
		fi
	fi
}

# --- commands ------------------------------------------------------------
mg --version
check "--version: exit 0" [ "$st" -eq 0 ]
check "--version: prints the program and KB versions" grep -q 'mgsleep .*' "$tmp/out"
mg help advise
check "help advise: exit 0" [ "$st" -eq 0 ]
check "help advise: documents --creatinine" grep -q -- '--creatinine' "$tmp/out"
mg nosuchcommand
check "unknown command: exit 2" [ "$st" -eq 2 ]
check "unknown command: one line on stderr" [ "$(lines "$tmp/err")" -eq 1 ]
check "unknown command: stdout empty" [ ! -s "$tmp/out" ]

# --- bad input (issue 2 section 3) -----------------------------------------
bad "--age 250" "--age" 250 advise --age 250
bad "--weight 0" "--weight" 0 advise --weight 0
bad "--creatinine 1.1 (no unit)" "--creatinine" "" advise --creatinine 1.1
bad "--creatinine 1.3 (no unit)" "--creatinine" 1.3 advise --age 70 --creatinine 1.3
bad "--creatinine 0mg/dL" "--creatinine" "0mg/dL" advise --creatinine 0mg/dL
bad "--isi 31" "--isi" 31 advise --isi 31
bad "--isi 3.5" "--isi" 3.5 advise --isi 3.5
bad "--sex other" "--sex" other advise --sex other
bad "--pregnant --sex male" "--pregnant" "" advise --pregnant --sex male
bad "--condition nonsense" "--condition" nonsense advise --condition nonsense
bad "--condition nonsense: lists known names" "kidney-disease" "" advise --condition nonsense
bad "--symptom nonsense" "--symptom" nonsense advise --symptom nonsense
bad "--jurisdiction xx" "--jurisdiction" "" advise --jurisdiction xx
bad "--format pdf" "--format" "" advise --age 40 --format pdf
bad "--profile missing-file" "--profile" "" advise --profile "$tmp/missing-file"
printf '{\n  "age": 70,\n}\n' >"$tmp/trailing.json"
IN=$tmp/trailing.json
bad "--profile - (malformed JSON)" "--profile" "" advise --profile -
check "--profile - (malformed JSON): stderr gives line 3" grep -q 'line 3' "$tmp/err"
printf '{"age": 70, "conditions": ["kidney-disease" "diabetes"]}' >"$tmp/leak.json"
IN=$tmp/leak.json
bad "--profile - (malformed JSON with a condition)" "--profile" diabetes advise --profile -
printf '{"age": 250}' >"$tmp/age.json"
IN=$tmp/age.json
bad "--profile - (age 250 in the file)" "age" 250 advise --profile -
IN=/dev/null

# Unknown medicine: not an error (issue 2 section 3).
mg advise --age 40 --sex male --med foobarium
check "--med foobarium: exit 0" [ "$st" -eq 0 ]
check "--med foobarium: listed as not recognised" grep -qi 'not recognised' "$tmp/out"
check "--med foobarium: the name is shown" grep -q 'foobarium' "$tmp/out"
mg advise --age 40 --sex male --med foobarium --format json
check "--med foobarium --format json: in unrecognised_medicines" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["unrecognised_medicines"] and "foobarium" in json.dumps(d["unrecognised_medicines"]) else 1)' "$tmp/out"

# --- determinism (issue 2 section 5) ---------------------------------------
set -- advise --age 70 --sex female --weight 68 --creatinine 1.0mg/dL --condition hypertension \
	--med doxycycline,Lasix --med foobarium --isi 15 --symptom snoring --diet-mg 250 --jurisdiction uk
for fmt in text markdown json html; do
	"$bin" "$@" --format "$fmt" >"$tmp/a.$fmt" 2>/dev/null
	s1=$?
	"$bin" "$@" --format "$fmt" >"$tmp/b.$fmt" 2>/dev/null
	s2=$?
	[ "$s1" -eq 0 ] && [ "$s2" -eq 0 ] && [ -s "$tmp/a.$fmt" ]
	ok $? "--format $fmt: exit 0 and output"
	check "--format $fmt: same inputs give byte-identical output" cmp -s "$tmp/a.$fmt" "$tmp/b.$fmt"
done
check "--format json: output parses" python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/a.json"
check "--format json: contract keys present (issue 2 section 5)" python3 -c '
import json, sys
d = json.load(sys.stdin)
need = {"verdict", "renal", "dose", "interactions", "warnings", "referrals", "monitoring",
        "expected_outcomes", "references", "kb_version", "version"}
assert need <= set(d), need - set(d)
assert {"crcl_ml_min", "egfr_ml_min_1_73m2", "basis", "category"} <= set(d["renal"])
assert {"form", "elemental_mg", "compound_mg", "timing", "limit_mg", "jurisdiction"} <= set(d["dose"])
for i in d["interactions"]:
    assert {"drug", "class", "advice", "separate_hours"} <= set(i), i
for w in d["warnings"]:
    assert {"code", "severity", "text", "refs"} <= set(w), w
for r in d["referrals"]:
    assert {"code", "text"} <= set(r), r
for r in d["references"]:
    assert {"id", "citation", "url"} <= set(r), r
assert d["verdict"] in ("recommended", "caution", "consult", "contraindicated")
' <"$tmp/a.json"
check "--format html: one self-contained document" grep -qi '</html>' "$tmp/a.html"

# Text report shows both masses (issue 2 section 4: "250 mg elemental = 1,774 mg ...").
mg advise --age 40 --sex male --weight 75 --creatinine 0.7mg/dL --jurisdiction us
check "advise text: 250 mg elemental = 1,774 mg bisglycinate (ref 2.1)" grep -q '1,774 mg magnesium bisglycinate' "$tmp/out"

# Contraindicated: no dose in the JSON (9.3 rule 1).
mg advise --age 80 --sex female --weight 55 --creatinine 1.4mg/dL --jurisdiction us --format json
check "case B (ref 6.3, S18): contraindicated, elemental 0, basis cockcroft-gault" python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["verdict"] == "contraindicated", d["verdict"]
assert d["dose"]["elemental_mg"] == 0, d["dose"]["elemental_mg"]
assert d["renal"]["basis"] == "cockcroft-gault", d["renal"]["basis"]
' <"$tmp/out"

# --- profile file ------------------------------------------------------------
mg advise --profile examples/profile.json
check "--profile examples/profile.json: exit 0" [ "$st" -eq 0 ]
check "--profile examples/profile.json: report on stdout" [ -s "$tmp/out" ]
mg advise --profile examples/profile.json --format json
check "--profile examples/profile.json: limit from the file (us 350)" grep -q '"limit_mg":350' "$tmp/out"
mg advise --profile examples/profile.json --jurisdiction eu --format json
check "--profile + --jurisdiction eu: the flag overrides the file (limit_mg 250)" grep -q '"limit_mg":250' "$tmp/out"
IN=examples/profile.json
mg advise --profile - --format json
check "--profile - reads stdin" grep -q '"limit_mg":350' "$tmp/out"
IN=/dev/null

# --- forms and convert (ref 2.1) ----------------------------------------------
mg forms
check "forms: exit 0" [ "$st" -eq 0 ]
check "forms: bisglycinate 14.10 %" grep -Eq '^bisglycinate[[:space:]].*14\.10' "$tmp/out"
check "forms: citrate 16.16 %" grep -Eq '^citrate[[:space:]].*16\.16' "$tmp/out"

# Number after "=": the compound mass.
first_after_eq() { sed -n 's/.*= *\([0-9][0-9,]*\(\.[0-9]*\)\{0,1\}\) mg.*/\1/p' "$1" | head -n 1 | tr -d ,; }
first_num() { sed -n 's/^\([0-9][0-9,]*\(\.[0-9]*\)\{0,1\}\) mg.*/\1/p' "$1" | head -n 1 | tr -d ,; }
within() { awk -v x="$1" -v w="$2" -v t="$3" 'BEGIN { d = x - w; if (d < 0) d = -d; exit !(x != "" && d <= t) }'; }

mg convert --form bisglycinate --elemental 250
c=$(first_after_eq "$tmp/out")
check "convert: exit 0" [ "$st" -eq 0 ]
# Ref 2.1: 250 x 172.42 / 24.305 = 1773.5, shown as 1774 in the table.
if grep -Eq '(^|[^0-9.])(1,774|1774)([^0-9]|$)' "$tmp/out" || within "$c" 1773.5 0.1; then
	ok 0 "convert --elemental 250 bisglycinate: 1774 mg compound (ref 2.1: 250 x 172.42 / 24.305 = 1773.5)"
else
	ok 1 "convert --elemental 250 bisglycinate: 1774 mg compound (ref 2.1)"
	sed 's/^/#   /' "$tmp/out"
fi
mg convert --form citrate --compound 1547
e=$(first_num "$tmp/out")
check "convert --compound 1547 citrate: about 250 mg elemental (ref 2.1)" within "$e" 250 0.5
mg convert --form oxide --elemental 250
c=$(first_after_eq "$tmp/out")
check "convert --elemental 250 oxide: 415 mg (ref 2.1)" within "$c" 414.6 0.6
mg convert --form bisglycinate
check "convert without an amount: exit 2" [ "$st" -eq 2 ]

# --- knowledge base -----------------------------------------------------------
mg kb check kb
check "kb check kb: exit 0" [ "$st" -eq 0 ]
cp -R kb "$tmp/kb"
python3 - "$tmp/kb/rules.json" <<'EOF'
import json, sys
path = sys.argv[1]
with open(path) as f:
    rules = json.load(f)
rules[0]["refs"].append("S99")
with open(path, "w") as f:
    json.dump(rules, f, indent=1)
EOF
mg kb check "$tmp/kb"
check "kb check with a rule citing S99: exit 2" [ "$st" -eq 2 ]
check "kb check with a rule citing S99: names rules.json" grep -q 'rules.json' "$tmp/err"
check "kb check with a rule citing S99: names S99" grep -q 'S99' "$tmp/err"
check "kb check with a rule citing S99: one line on stderr" [ "$(lines "$tmp/err")" -eq 1 ]
MGSLEEP_KB=$tmp/kb "$bin" advise --age 40 >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$st" -eq 2 ] && [ ! -s "$tmp/out" ]
ok $? "MGSLEEP_KB with a bad KB: advise refuses (exit 2, no report)"

# Issue 10: incomplete and real-world input. Numbers worked out by hand from
# the reference (6.2, 6.3; 1.4 and 9.3 rule 3; 3.1).
bad "no --age (reference 9.3: never assume an adult)" "--age" "" advise --weight 70 --creatinine 4.0mg/dL
check "no --age: the message also names 'profile set --age'" grep -q "profile set --age" "$tmp/err"
# Sex missing, creatinine 4.0 at 50 y, 70 kg: CKD-EPI woman 13.00, man 17.37;
# CG woman 18.59, man 21.88 -> the lowest, 13.0, and 'do not take'.
mg advise --age 50 --weight 70 --creatinine 4.0mg/dL --format json
check "6.3: sex missing, creatinine 4.0 -> contraindicated, no dose" \
	sh -c "grep -q '\"verdict\":\"contraindicated\"' '$tmp/out' && grep -q '\"elemental_mg\":0,' '$tmp/out'"
check "6.3: sex missing -> renal.basis ckd-epi-2021-sex-unknown, value 13" \
	sh -c "grep -q '\"value_used\":13,\"basis\":\"ckd-epi-2021-sex-unknown\",\"sex_unknown\":true' '$tmp/out'"
mg advise --age 50 --weight 70 --creatinine 4.0mg/dL
check "6.3: the text report shows the creatinine and says the lower of both sexes is used" \
	sh -c "grep -q 'for a woman' '$tmp/out' && grep -q 'lower' '$tmp/out' && ! grep -q 'no creatinine' '$tmp/out'"
# 9.3 rule 2: unknown kidney function at 70 -> consult, no dose, the next step.
mg advise --age 70 --sex female --jurisdiction us --format json
check "9.3 rule 2: age 70, kidney function unknown -> consult, no dose" \
	sh -c "grep -q '\"verdict\":\"consult\"' '$tmp/out' && grep -q '\"elemental_mg\":0,' '$tmp/out' && grep -q 'advise --egfr N' '$tmp/out'"
mg advise --age 70 --sex female --jurisdiction us
check "consult: no instructions for taking magnesium (no 4-week review, no dose pitfalls)" \
	sh -c "! grep -q 'Judge it after' '$tmp/out' && ! grep -q 'Read the label' '$tmp/out' && ! grep -qi 'if a clinician agrees' '$tmp/out'"
# 9.3 rule 3: 420 mg taken, US limit 350 -> 70 mg over.
mg advise --age 40 --sex male --egfr 90 --supplement-mg 420 --jurisdiction us --format json
check "9.3 rule 3: 420 mg over the US 350 -> over-upper-limit stating 70 mg over, no dose" \
	sh -c "grep -q '\"code\":\"over-upper-limit\"' '$tmp/out' && grep -q '70 mg over the 350 mg' '$tmp/out' && grep -q '\"elemental_mg\":0,' '$tmp/out'"
# Less than 50 mg of room: 320 of 350 -> no new dose.
mg advise --age 40 --sex male --egfr 90 --supplement-mg 320 --jurisdiction us --format json
check "9.3 rule 3: 30 mg of room -> no new dose, supplement-at-limit" \
	sh -c "grep -q '\"code\":\"supplement-at-limit\"' '$tmp/out' && grep -q '\"elemental_mg\":0,' '$tmp/out'"
# 3.1 / 2.1: threonate's trial: 1 g of compound = 1000 x 24.305 / 294.50 = 82.5 mg.
mg advise --age 40 --sex male --egfr 90 --prefer-form threonate --jurisdiction us --format json
check "3.1 / S07: threonate -> 82 mg elemental, 1000 mg compound, level form-trial" \
	sh -c "grep -q '\"elemental_mg\":82,\"compound_mg\":1000' '$tmp/out' && grep -q '\"level\":\"form-trial\"' '$tmp/out'"
# 7.1: ISI category and first steps.
mg advise --age 40 --sex male --egfr 90 --isi 5 --jurisdiction us --format json
check "7.1 / S32: ISI 5 -> insomnia {isi 5, category none}" \
	sh -c "grep -q '\"insomnia\":{\"isi\":5,\"category\":\"none\"' '$tmp/out' && grep -q 'unlikely to change much' '$tmp/out'"
mg advise --age 40 --sex male --egfr 90 --symptom drowsiness --jurisdiction us --format json
check "drowsiness is daytime sleepiness: no excess-symptoms rule, apnoea first" \
	sh -c "! grep -q 'excess-symptoms' '$tmp/out' && grep -q '\"verdict_text\":\"First, see your doctor about possible sleep apnoea' '$tmp/out'"
mg advise --age 40 --sex male --egfr 90 --isi 23 --jurisdiction us
check "ISI 23: the verdict leads with seeing a doctor" sh -c "grep -A1 '^Verdict' '$tmp/out' | grep -q 'First, see your doctor'"

finish
