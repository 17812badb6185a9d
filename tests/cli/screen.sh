#!/bin/sh
# mgsleep screen (issue 15, docs/screening.md): every result equals what
# `mgsleep advise --format json` says of the same profile run on its own
# (advise's answers are the ones the golden files and tests/unit check by
# hand); --jobs keeps the input order; CSV and NDJSON agree; FHIR Bundles are
# read as the CDS service reads them; errors name the line and continue;
# exit statuses. TAP; usage: tests/cli/screen.sh /path/to/mgsleep
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

gen=$(dirname "$bin")/bench/gen_screen
export MGSLEEP_DB="$tmp/none/mg.db" # no store: advise then uses the profile alone, as screen does
py() { python3 "$tmp/screen.py" "$@"; }
cat >"$tmp/screen.py" <<'EOF'
import datetime, json, sys

def lines(path):
    with open(path) as f:
        return [json.loads(l) for l in f]

def compact(adv):
    """The compact result's fields, from advise --format json (docs/screening.md)."""
    r = adv["renal"]
    return {
        "verdict": adv["verdict"],
        "dose": {"form": adv["dose"]["form"], "elemental_mg": adv["dose"]["elemental_mg"]},
        "interactions": [{"drug": m["drug"], "class": m["class"], "separate_hours": m["separate_hours"]}
                         for m in adv["interactions"]],
        "warnings": [w["code"] for w in adv["warnings"]],
        "referrals": [w["code"] for w in adv["referrals"]],
        "renal": {k: r[k] for k in ("crcl_ml_min", "egfr_ml_min_1_73m2", "value_used", "basis", "category")},
        "unrecognised_medicines": adv["unrecognised_medicines"],
    }

cmd = sys.argv[1]
if cmd == "line":  # line PROFILE ID: the profile on one line with its id
    d = json.load(open(sys.argv[2]))
    d["id"] = sys.argv[3]
    print(json.dumps(d))
elif cmd == "same":  # same RESULT_LINE_FILE INDEX ADVISE_JSON ID: compact result == advise's
    res = lines(sys.argv[2])[int(sys.argv[3])]
    adv = json.load(open(sys.argv[4]))
    want = dict(compact(adv), id=sys.argv[5])
    if res != want:
        print("screen:", json.dumps(res, sort_keys=True))
        print("advise:", json.dumps(want, sort_keys=True))
        sys.exit(1)
elif cmd == "full":  # full RESULTS INDEX ADVISE_JSON ID: --fields full == advise's JSON + id
    res = lines(sys.argv[2])[int(sys.argv[3])]
    adv = json.load(open(sys.argv[4]))
    sys.exit(0 if res.pop("id") == sys.argv[5] and res == adv else 1)
elif cmd == "order":  # order RESULTS N: ids p1..pN in order
    ids = [r["id"] for r in lines(sys.argv[2])]
    sys.exit(0 if ids == ["p%d" % i for i in range(1, int(sys.argv[3]) + 1)] else 1)
elif cmd == "csv-ndjson":  # the same results, error lines one more in CSV (its header)
    a, b = lines(sys.argv[2]), lines(sys.argv[3])
    bad = 0
    for x, y in zip(a, b):
        if "error" in x and "error" in y:
            bad += x["error"]["line"] + 1 != y["error"]["line"]
            x["error"].pop("line"); y["error"].pop("line")
        bad += x != y
    print("differences:", bad, "of", len(a), len(b))
    sys.exit(0 if len(a) == len(b) and bad == 0 else 1)
elif cmd == "eval":  # eval RESULTS EXPR: EXPR over r (the list of results)
    r = lines(sys.argv[2])
    sys.exit(0 if eval(sys.argv[3]) else 1)
elif cmd == "age":  # age YYYY-MM-DD: completed years today (docs/fhir-input.md)
    b = datetime.date.fromisoformat(sys.argv[2])
    t = datetime.date.today()
    print(t.year - b.year - ((t.month, t.day) < (b.month, b.day)))
EOF

# The profiles: examples/ and the golden cases (tests/golden/cases.txt, the
# same flags as JSON keys), and a few more corners.
mkdir -p "$tmp/p"
cp examples/profile.json "$tmp/p/example-profile.json"
printf '%s\n' '{"age":35,"sex":"female","weight":60,"creatinine":"0.8mg/dL","isi":12,"jurisdiction":"us"}' >"$tmp/p/recommended-adult-us.json"
printf '%s\n' '{"age":70,"sex":"male","weight":80,"creatinine":"1.2mg/dL","medicines":["doxycycline"],"isi":16,"jurisdiction":"us"}' >"$tmp/p/case-a-doxycycline.json"
printf '%s\n' '{"age":80,"sex":"female","weight":55,"creatinine":"1.4mg/dL","jurisdiction":"uk"}' >"$tmp/p/case-b-renal-uk.json"
printf '%s\n' '{"age":30,"sex":"female","pregnant":true,"jurisdiction":"eu","isi":10}' >"$tmp/p/pregnant-eu.json"
printf '%s\n' '{"age":45,"sex":"male","weight":85,"egfr":95,"conditions":["constipation"],"supplement_mg":200,"jurisdiction":"us"}' >"$tmp/p/constipation-supplement.json"
printf '%s\n' '{"age":60,"sex":"female","height":160,"weight":95,"creatinine":"0.9mg/dL","diet_mg":180,"symptoms":["snoring","restless-legs"]}' >"$tmp/p/obese-default-jurisdiction.json"
printf '%s\n' '{"age":66,"dialysis":true,"medicines":["ciprofloxacin","levothyroxine","not-a-medicine"]}' >"$tmp/p/dialysis-unknown-med.json"
printf '%s\n' '{"age":12,"sex":"male","weight":40,"height":150,"creatinine":"53umol/L","prefer_form":"oxide"}' >"$tmp/p/child-oxide.json"
printf '%s\n' '{"age":50,"sex":"female","egfr":20,"medicines":["Synthroid","alendronate"]}' >"$tmp/p/egfr-20.json"
: >"$tmp/all.ndjson"
i=0
for f in "$tmp"/p/*.json; do
	py line "$f" "id-$i" >>"$tmp/all.ndjson"
	i=$((i + 1))
done
st=$(status "$bin" screen --input "$tmp/all.ndjson" --jobs 2)
cp "$tmp/out" "$tmp/all.out"
check "screen: $i profiles, exit status 0" test "$st" = 0
check "screen: one result per profile" test "$(lines "$tmp/all.out")" = "$i"
check "screen: nothing on stderr when it is not a terminal (no progress)" test ! -s "$tmp/err"
"$bin" screen --input "$tmp/all.ndjson" --fields full >"$tmp/full.out"
i=0
for f in "$tmp"/p/*.json; do
	name=$(basename "$f" .json)
	"$bin" advise --profile "$f" --format json >"$tmp/adv.json"
	check "$name: verdict, dose, interactions, codes, renal equal advise --format json" \
		py same "$tmp/all.out" "$i" "$tmp/adv.json" "id-$i"
	check "$name: --fields full is advise's JSON with the id" py full "$tmp/full.out" "$i" "$tmp/adv.json" "id-$i"
	i=$((i + 1))
done

# Order and threads: 10,000 generated profiles (bench/gen_screen, 2 % without
# an age and 1 % with an unknown sex, so error results are among them),
# crossing a batch (8,192 records).
if [ -x "$gen" ]; then
	"$gen" 10000 ndjson 7 >"$tmp/g.ndjson"
	"$gen" 10000 csv 7 >"$tmp/g.csv"
	st1=$(status "$bin" screen --input "$tmp/g.ndjson" --jobs 1)
	mv "$tmp/out" "$tmp/g1.out"
	"$bin" screen --input "$tmp/g.ndjson" --jobs 2 >"$tmp/g2.out"
	"$bin" screen --input - --jobs 3 <"$tmp/g.ndjson" >"$tmp/g3.out"
	check "10,000 profiles: exit status 1 (some lines failed)" test "$st1" = 1
	check "10,000 profiles: the same bytes with --jobs 1 and --jobs 2" cmp "$tmp/g1.out" "$tmp/g2.out"
	check "10,000 profiles: the same bytes with --jobs 3 from standard input" cmp "$tmp/g1.out" "$tmp/g3.out"
	check "10,000 profiles: results in input order (ids p1..p10000)" py order "$tmp/g2.out" 10000
	check "10,000 profiles: the generator's 200 missing ages and 103 unknown sexes are error results (2 lines have both; the sex is read first)" py eval \
		"$tmp/g1.out" '(sum("error" in x for x in r) == 200 + 103 - 2 and
		sum(x.get("error", {}).get("field") == "age" for x in r) == 200 - 2)'
	"$bin" screen --input "$tmp/g.csv" --jobs 2 >"$tmp/gc.out"
	check "CSV and NDJSON of the same profiles give the same results (CSV lines one more: the header)" \
		py csv-ndjson "$tmp/g1.out" "$tmp/gc.out"
else
	skip "bench/gen_screen not built"
fi

# Errors: the line, the field, never the value; the run goes on.
{
	printf '%s\n' '{"id":"ok1","age":40}'
	printf '%s\n' '{"id":"bad-json","age":40'
	printf '%s\n' '{"id":"bad-sex","age":40,"sex":"sekret-value"}'
	printf '%s\n' '{"id":"no-age","sex":"female"}'
	printf '%s\n' '{"id":"ok2","age":41}'
} >"$tmp/err.ndjson"
st=$(status "$bin" screen --input "$tmp/err.ndjson")
check "errors: exit status 1" test "$st" = 1
cp "$tmp/out" "$tmp/err.out"
check "errors: 5 results, good lines screened before and after" py eval "$tmp/err.out" \
	'len(r) == 5 and r[0]["verdict"] and r[4]["id"] == "ok2" and r[4]["verdict"]'
check "errors: bad JSON on line 2 (no id: the line could not be read)" py eval "$tmp/err.out" \
	'r[1]["id"] is None and r[1]["error"]["line"] == 2'
check "errors: an unknown sex on line 3, field sex, with the id" py eval "$tmp/err.out" \
	'r[2] == {"id": "bad-sex", "error": {"line": 3, "field": "sex", "message": r[2]["error"]["message"]}}'
check "errors: no age on line 4, field age" py eval "$tmp/err.out" \
	'r[3]["error"]["line"] == 4 and r[3]["error"]["field"] == "age"'
check "errors: the value is never echoed" sh -c '! grep -q sekret "$1"' - "$tmp/err.out"

# Exit status 2: bad options, input that cannot be read.
check "--jobs 0: exit status 2" test "$(status "$bin" screen --jobs 0 --input "$tmp/all.ndjson")" = 2
check "--format xml: exit status 2" test "$(status "$bin" screen --format xml --input "$tmp/all.ndjson")" = 2
check "--fields bogus: exit status 2" test "$(status "$bin" screen --fields bogus --input "$tmp/all.ndjson")" = 2
check "--input of a missing file: exit status 2" test "$(status "$bin" screen --input "$tmp/missing")" = 2
printf 'id,age,colour\n1,40,red\n' >"$tmp/badhdr.csv"
check "a CSV header with an unknown column: exit status 2" test "$(status "$bin" screen --input "$tmp/badhdr.csv")" = 2
check "... and stderr names column 3" grep -q 'column 3' "$tmp/err"
printf 'id,age\n1,40\n"2,41\n' >"$tmp/unclosed.csv"
st=$(status "$bin" screen --input "$tmp/unclosed.csv")
check "CSV with a quote never closed: exit status 2 after the records before it" \
	sh -c '[ "$1" = 2 ] && [ "$(wc -l <"$2")" = 1 ]' - "$st" "$tmp/out"
check "--format csv forces CSV: NDJSON read as CSV is a header error (2)" \
	test "$(status "$bin" screen --format csv --input "$tmp/all.ndjson")" = 2

# --output: written whole, and left as it was when the run stops.
"$bin" screen --input "$tmp/all.ndjson" --jobs 2 --output "$tmp/res.ndjson"
check "--output: the same results as standard output" cmp "$tmp/res.ndjson" "$tmp/all.out"
cp "$tmp/res.ndjson" "$tmp/res.before"
"$bin" screen --input "$tmp/badhdr.csv" --output "$tmp/res.ndjson" 2>/dev/null
check "--output: an input error leaves the old file as it was" cmp "$tmp/res.ndjson" "$tmp/res.before"
check "--output: no temporary file left behind" sh -c '! ls "$1"/res.ndjson.tmp-* 2>/dev/null' - "$tmp"
"$bin" screen --input "$tmp/all.ndjson" --fields verdict,dose >"$tmp/vd.out"
check "--fields verdict,dose: id, verdict and dose only" py eval "$tmp/vd.out" \
	'all(sorted(x) == ["dose", "id", "verdict"] for x in r)'

# FHIR: one Bundle per line (as a FHIR Bulk Data export), read by
# mg_fhir_in_parse as the CDS service reads its prefetch (docs/fhir-input.md),
# so the verdict is the one its cards carry: advise on the mapped profile.
# The resources are those of tests/cli/cds.sh.
doxy='{"resourceType":"MedicationRequest","id":"m1","status":"active","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"199026","display":"Doxycycline 100 MG Oral Capsule"}]}}'
mgox='{"resourceType":"MedicationStatement","id":"s1","status":"active","subject":{"reference":"Patient/p3"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"198741","display":"Magnesium Oxide 400 MG Oral Tablet"}]}}'
pat() { printf '{"resourceType":"Patient","id":"%s","gender":"%s","birthDate":"%s"}' "$1" "$2" "$3"; }
obs() { printf '{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/%s"},"code":{"coding":[{"system":"http://loinc.org","code":"%s"}]},"effectiveDateTime":"2025-01-01","valueQuantity":{"value":%s,"system":"http://unitsofmeasure.org","code":"%s"}}' "$1" "$2" "$3" "$4"; }
bundle() { printf '{"resourceType":"Bundle","type":"searchset","entry":[%s]}\n' "$1"; }
{
	bundle "{\"resource\":$(pat p1 male 1980-01-01)},{\"resource\":$(obs p1 2160-0 0.9 mg/dL)},{\"resource\":$doxy}"
	bundle "{\"resource\":$(pat p2 female 1950-01-01)},{\"resource\":$(obs p2 98979-8 20 'mL/min/{1.73_m2}')}"
	bundle "{\"resource\":$(pat p3 female 1961-03-15)},{\"resource\":$(obs p3 14682-9 80 umol/L)},{\"resource\":$(obs p3 29463-7 62 kg)},{\"resource\":$mgox}"
	bundle "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p4\",\"gender\":\"male\"}}"
	printf '{"resourceType":"Bundle",\n'
} >"$tmp/fhir.ndjson"
st=$(status "$bin" screen --input "$tmp/fhir.ndjson")
cp "$tmp/out" "$tmp/fhir.out"
check "FHIR: sniffed from the first line, 5 results, exit status 1 (two bad lines)" \
	sh -c '[ "$1" = 1 ] && [ "$(wc -l <"$2")" = 5 ]' - "$st" "$tmp/fhir.out"
a1=$(py age 1980-01-01)
a2=$(py age 1950-01-01)
a3=$(py age 1961-03-15)
"$bin" advise --age "$a1" --sex male --creatinine 0.9mg/dL --med doxycycline --format json >"$tmp/f1.json"
check "FHIR p1 (man born 1980, creatinine 0.9 mg/dL, doxycycline): as advise with those flags" \
	py same "$tmp/fhir.out" 0 "$tmp/f1.json" p1
"$bin" advise --age "$a2" --sex female --egfr 20 --format json >"$tmp/f2.json"
check "FHIR p2 (woman born 1950, eGFR 20): as advise --egfr 20" py same "$tmp/fhir.out" 1 "$tmp/f2.json" p2
check "FHIR p2: contraindicated (kb/rules.json: eGFR under 30, the CDS test's critical card)" py eval \
	"$tmp/fhir.out" 'r[1]["verdict"] == "contraindicated"'
"$bin" advise --age "$a3" --sex female --creatinine 80umol/L --weight 62 --format json >"$tmp/f3.json"
check "FHIR p3 (creatinine 80 umol/L, 62 kg, taking magnesium oxide, which is not a medicine to space): as advise" \
	py same "$tmp/fhir.out" 2 "$tmp/f3.json" p3
check "FHIR p4: no birthDate: an error result for line 4, field age, id p4" py eval "$tmp/fhir.out" \
	'r[3]["id"] == "p4" and r[3]["error"]["line"] == 4 and r[3]["error"]["field"] == "age"'
check "FHIR: a Bundle cut short is an error result for line 5" py eval "$tmp/fhir.out" \
	'r[4]["id"] is None and r[4]["error"]["line"] == 5'
(printf '{"resou'; sleep 0.3; printf 'rceType":"Bundle","entry":[{"resource":%s}]}\n' "$(pat p9 female 1970-02-02)") |
	"$bin" screen >"$tmp/slow.out"
check "FHIR sniffed from a pipe that delivers the first line in two reads" py eval "$tmp/slow.out" \
	'len(r) == 1 and r[0]["id"] == "p9" and "verdict" in r[0]'

finish
