#!/bin/sh
# End-to-end tests of `mgsleep export --format fhir`: a small store built with
# the CLI, exported as an HL7 FHIR R4 Bundle and checked with python3 (stdlib
# json only) against the structure rules in docs/fhir.md and the shape of the
# official HL7 PHR IG sleep example in ../shared/fixtures/fhir/.
# usage: tests/cli/fhir.sh MGSLEEP   (TAP output; run from the repository root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
fixture=${FHIR_FIXTURES:-../shared/fixtures/fhir}/hl7-phr_Observation-PCDSleepObservation-duration-example.json
# shellcheck disable=SC2317 # called through check
py() { # py PYTHON-CODE: runs with b = the bundle in $tmp/b.json
	python3 -c "import json,sys
b=json.load(open('$tmp/b.json'))
res=[e['resource'] for e in b['entry']]
def of(t): return [r for r in res if r['resourceType']==t]
def codes(r): return [c['code'] for c in r.get('code',{}).get('coding',[])]
$1"
}

# The reference 7.3 worked example night, twice; magnesium on the second.
night='--bed 22:30 --try-sleep 23:00 --sol 30 --awakenings 2 --waso 40 --final-wake 06:30 --out-of-bed 07:00'
check "profile set" "$bin" profile set --age 45 --sex female --weight 70
# shellcheck disable=SC2086
check "log a night without magnesium" "$bin" log --date 2026-11-20 $night --quality 3 --no-mg
# shellcheck disable=SC2086
check "log a night with 250 mg magnesium bisglycinate at 22:00" \
	"$bin" log --date 2026-11-21 $night --mg-form bisglycinate --mg-compound 1774 --mg-time 22:00
check "an ISI" "$bin" isi --answers 2,2,2,2,2,3,2 --date 2026-11-21
cat >"$tmp/psqi.json" <<'JSON'
{"bedtime":"23:00","sleep_latency_min":45,"rise_time":"07:00","sleep_hours":6.5,"q5a":2,"q5b":1,"q5c":1,
 "q5d":1,"q5e":1,"q5f":1,"q5g":1,"q5h":1,"q5i":1,"q5j":0,"sleep_quality":2,"sleep_medication":0,
 "trouble_staying_awake":1,"enthusiasm":1}
JSON
check "a PSQI (reference 7.2 worked example)" "$bin" psqi --answers "$tmp/psqi.json" --date 2026-11-21

check "export --format fhir writes valid JSON" sh -c "'$bin' export --format fhir >'$tmp/b.json' && python3 -m json.tool '$tmp/b.json'"
check "Bundle of type collection with an id" py "sys.exit(not (b['resourceType']=='Bundle' and b['type']=='collection' and b['id']))"
check "every entry has a urn:uuid fullUrl and a resource with resourceType and id matching it" py "
for e in b['entry']:
    r=e['resource']
    assert e['fullUrl']=='urn:uuid:'+r['id'], e
    assert r['resourceType'] and r['id']
assert len({e['fullUrl'] for e in b['entry']})==len(b['entry']), 'duplicate fullUrl'"
check "every reference resolves to a fullUrl in the bundle" py "
urls={e['fullUrl'] for e in b['entry']}
def walk(x):
    if isinstance(x,dict):
        if 'reference' in x: assert x['reference'] in urls, x
        for v in x.values(): walk(v)
    elif isinstance(x,list):
        for v in x: walk(v)
walk(b)
pat='urn:uuid:'+of('Patient')[0]['id']
assert all(r['subject']['reference']==pat for r in res if 'subject' in r)"
check "one Patient, with only what was entered (gender; no name, no birth date)" py "
p=of('Patient'); assert len(p)==1 and p[0].get('gender')=='female'
assert set(p[0])=={'resourceType','id','gender'}, p[0]"
check "every valueQuantity (also in components and doses) has value, UCUM system and code" py "
qs=[]
def walk(x,key=None):
    if isinstance(x,dict):
        if key in ('valueQuantity','doseQuantity'): qs.append(x)
        for k,v in x.items(): walk(v,k)
    elif isinstance(x,list):
        for v in x: walk(v,key)
walk(b)
assert len(qs)>15, len(qs)
for q in qs: assert q['system']=='http://unitsofmeasure.org' and q['code'] and isinstance(q['value'],(int,float)), q"
check "TST of the reference night is 380 min, LOINC 93832-4, over bed 22:30 to out of bed 07:00" py "
t=[r for r in of('Observation') if '93832-4' in codes(r) and r['effectivePeriod']['end'].startswith('2026-11-20')]
assert len(t)==1
r=t[0]; assert r['valueQuantity']['value']==380 and r['valueQuantity']['code']=='min', r
assert r['effectivePeriod']=={'start':'2026-11-19T22:30:00+00:00','end':'2026-11-20T07:00:00+00:00'}, r['effectivePeriod']"
check "time in bed 510, SOL 30, WASO 40 min, SE 74.5 %, 2 awakenings {#}" py "
v={codes(r)[0]:(r['valueQuantity']['value'],r['valueQuantity']['code']) for r in of('Observation') if 'valueQuantity' in r and r.get('effectivePeriod',{}).get('end','').startswith('2026-11-20')}
assert v['time-in-bed']==(510,'min') and v['sleep-onset-latency']==(30,'min') and v['wake-after-sleep-onset']==(40,'min'), v
assert v['sleep-efficiency']==(74.5,'%') and v['awakenings']==(2,'{#}'), v"
check "an asleep period per night with the PHR IG stage codes (SNOMED 258158006 / 248220008), onset 23:30" py "
s=[r for r in of('Observation') if '258158006' in codes(r)]
assert len(s)==2 and all(r['valueCodeableConcept']['coding'][0]['code']=='248220008' for r in s)
assert s[0]['effectivePeriod']=={'start':'2026-11-19T23:30:00+00:00','end':'2026-11-20T06:30:00+00:00'}, s[0]"
check "own codes use https://mgsleep.invalid/CodeSystem/sleep; LOINC and SNOMED otherwise" py "
systems={c['system'] for r in res for c in r.get('code',{}).get('coding',[])}
assert systems=={'http://loinc.org','http://snomed.info/sct','https://mgsleep.invalid/CodeSystem/sleep'}, systems"
check "magnesium: one MedicationStatement, on the magnesium night only, 250.1 mg elemental at 22:00 the evening before" py "
m=of('MedicationStatement'); assert len(m)==1
m=m[0]; assert m['status']=='completed' and m['medicationCodeableConcept']['text']=='magnesium bisglycinate'
d=m['dosage'][0]; assert d['doseAndRate'][0]['doseQuantity']['value']==250.1 and d['doseAndRate'][0]['doseQuantity']['code']=='mg'
assert d['timing']['event']==['2026-11-20T22:00:00+00:00'] and m['effectiveDateTime']=='2026-11-20T22:00:00+00:00', m"
check "ISI and PSQI as QuestionnaireResponses with every item answered" py "
q={r['questionnaire']:r for r in of('QuestionnaireResponse')}
isi=q['https://mgsleep.invalid/Questionnaire/isi']; psqi=q['https://mgsleep.invalid/Questionnaire/psqi']
assert [i['answer'][0]['valueInteger'] for i in isi['item']]==[2,2,2,2,2,3,2]
assert len(psqi['item'])==18 and psqi['status']=='completed' and psqi['authored']=='2026-11-21'
assert {'linkId':'bedtime','answer':[{'valueTime':'23:00:00'}]} in psqi['item']"
check "scores as Observations derived from them: ISI 15, PSQI global 8 with components 2,2,1,1,1,0,1" py "
url={r['questionnaire']:'urn:uuid:'+r['id'] for r in of('QuestionnaireResponse')}
o={codes(r)[0]:r for r in of('Observation')}
i=o['isi-total']; p=o['psqi-global']
assert i['valueQuantity']['value']==15 and i['valueQuantity']['code']=='{score}' and i['derivedFrom'][0]['reference']==url['https://mgsleep.invalid/Questionnaire/isi']
assert p['valueQuantity']['value']==8 and p['derivedFrom'][0]['reference']==url['https://mgsleep.invalid/Questionnaire/psqi']
assert [c['valueQuantity']['value'] for c in p['component'][:7]]==[2,2,1,1,1,0,1], p['component']"
if [ -r "$fixture" ]; then
	check "a sleep duration Observation has the top-level shape of the HL7 PHR IG example" py "
f=json.load(open('$fixture'))
t=[r for r in of('Observation') if '93832-4' in codes(r)][0]
# the example's keys minus the generated narrative and with effectivePeriod for effectiveDateTime
want=set(f)-{'text','effectiveDateTime'}|{'effectivePeriod'}
assert set(t)==want, (sorted(set(t)), sorted(want))
assert t['meta']==f['meta'] and t['status']==f['status'] and t['code']['coding'][0]==f['code']['coding'][0]
assert set(t['valueQuantity'])>=set(f['valueQuantity']) and t['valueQuantity']['system']==f['valueQuantity']['system']"
else
	skip "fixture $fixture not found"
fi
check "deterministic: exporting twice gives the same bytes" sh -c "'$bin' export --format fhir | cmp -s - '$tmp/b.json'"
check "--out writes the same bundle to a new file" sh -c "'$bin' export --format fhir --out '$tmp/out.json' && cmp -s '$tmp/out.json' '$tmp/b.json'"
echo keep >"$tmp/existing.json"
s=$(status "$bin" export --format fhir --out "$tmp/existing.json")
check "--format fhir --out to an existing file is refused and leaves it alone" \
	sh -c "[ $s != 0 ] && grep -q 'must not exist' '$tmp/err' && [ \"\$(cat '$tmp/existing.json')\" = keep ]"
s=$(status "$bin" export --format xml)
check "an unknown format is status 2 naming fhir among the accepted ones" sh -c "[ $s = 2 ] && grep -q fhir '$tmp/err'"
MGSLEEP_DB="$tmp/empty.db" "$bin" init >/dev/null 2>&1
check "an empty store exports a Bundle with just the Patient" sh -c "MGSLEEP_DB='$tmp/empty.db' '$bin' export --format fhir | python3 -c 'import json,sys; b=json.load(sys.stdin); sys.exit(not ([e[\"resource\"][\"resourceType\"] for e in b[\"entry\"]]==[\"Patient\"]))'"

check "no trial: no trial result Observation" py "assert not [r for r in of('Observation') if 'nof1-trial-result' in codes(r)]"
# A finished trial with ISI as the outcome: ISI 10 after every magnesium
# period and 14 after every period without -> mean difference -4 points.
tdb="$tmp/t.db"
MGSLEEP_DB="$tdb" "$bin" profile set --age 45 --sex female --weight 70 >/dev/null 2>&1
MGSLEEP_DB="$tdb" "$bin" trial plan --start 2025-05-01 --pairs 2 --period-days 6 --washout 1 --outcome isi --seed 7 >/dev/null 2>&1
order=$(MGSLEEP_DB="$tdb" "$bin" export | python3 -c "import json,sys; print(' '.join(json.load(sys.stdin)['trial'][0]['order']))")
k=0
for o in $order; do
	if [ "$o" = mg ]; then ans=2,2,2,1,1,1,1; else ans=2,2,2,2,2,2,2; fi
	MGSLEEP_DB="$tdb" "$bin" isi --answers "$ans" --date "$(printf '2025-05-%02d' $((6 * k + 7)))" >/dev/null 2>&1
	k=$((k + 1))
done
check "a store with a finished trial exports" sh -c "MGSLEEP_DB='$tdb' '$bin' export --format fhir >'$tmp/t.json'"
cp "$tmp/b.json" "$tmp/b0.json"
cp "$tmp/t.json" "$tmp/b.json"
check "the trial result: one Observation, own code, final, subject the Patient, trial dates" py "
t=[r for r in of('Observation') if 'nof1-trial-result' in codes(r)]
assert len(t)==1, t
t=t[0]
assert t['code']['coding'][0]['system']=='https://mgsleep.invalid/CodeSystem/sleep' and t['status']=='final'
assert t['subject']['reference']=='urn:uuid:'+of('Patient')[0]['id']
assert t['effectivePeriod']=={'start':'2025-05-01','end':'2025-05-24'}, t['effectivePeriod']"
check "... components: mean difference -4 {score}, interval -4 to -4, p 0.5, 2 pairs, the outcome" py "
t=[r for r in of('Observation') if 'nof1-trial-result' in codes(r)][0]
c={x['code']['coding'][0]['code']:x for x in t['component']}
q=lambda k:(c[k]['valueQuantity']['value'],c[k]['valueQuantity']['code'],c[k]['valueQuantity']['system'])
u='http://unitsofmeasure.org'
assert q('nof1-mean-difference')==(-4,'{score}',u) and q('nof1-ci95-low')==(-4,'{score}',u) and q('nof1-ci95-high')==(-4,'{score}',u), c
assert q('nof1-randomisation-p')==(0.5,'1',u) and c['nof1-pairs-used']['valueInteger']==2
assert c['nof1-outcome']['valueString']=='the insomnia severity (ISI total, 0-28)'"
# Issue 11: 2 pairs are fewer than the 3 the plan fixed, so the note is the
# pre-specified conclusion "not enough information" (it used to say
# "lowered ... by 4 points (95 % interval 4 to 4)" with a 0 % chance).
check "... the pre-specified conclusion as a component and as the note (not enough information, not blinded)" py "
t=[r for r in of('Observation') if 'nof1-trial-result' in codes(r)][0]
c={x['code']['coding'][0]['code']:x for x in t['component']}
assert c['nof1-conclusion']['valueString']=='not-enough-information' and c['nof1-trial']['valueInteger']==1, c
n=t['note'][0]['text']
assert n.startswith('Conclusion: not enough information. Only 2 pairs of periods could be used; at least 3 are needed'), n
assert n.endswith('expectation can explain part of any difference.') and 'lowered' not in n, n"
check "the trial export is deterministic" sh -c "MGSLEEP_DB='$tdb' '$bin' export --format fhir | cmp -s - '$tmp/t.json'"
cp "$tmp/b0.json" "$tmp/b.json"

finish
