#!/bin/sh
# TAP: mgsleep cds, the CDS Hooks service (issue 13), started on 127.0.0.1
# with port 0 and --insecure-no-auth, talked to with python3's http.client.
# The card rules are those of CDS Hooks 2.0 (../shared/guide/cds-hooks.md):
# summary under 140 characters, indicator info|warning|critical,
# source.label, suggestions with a label and then selectionBehavior
# at-most-one|any, links absolute|smart. The expected cards of our own
# requests come from kb/rules.json (eGFR under 30 -> contraindicated ->
# critical) and kb/interactions.json (tetracyclines: 2 h before or 6 h after
# magnesium, so at least 6 hours apart).
#
# usage: tests/cli/cds.sh MGSLEEP_BINARY JWT_TOOL TEST_CDS_AUTH   (run from the
# repository root; JWT_TOOL is tests/unit/jwt_tool.c built, which makes keys
# and signs tokens; TEST_CDS_AUTH is tests/unit/test_cds_auth.c built, run
# here under strace)
#
# TLS needs openssl (a self-signed certificate made here) and curl; the
# no-connection checks need strace: each is skipped only when its tool is
# absent (scripts/bootstrap.sh --dev installs them).
set -u

# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
jwt=${2:?usage: $0 MGSLEEP_BINARY JWT_TOOL TEST_CDS_AUTH}
auth_test=${3:?usage: $0 MGSLEEP_BINARY JWT_TOOL TEST_CDS_AUTH}
case $jwt in /*) ;; *) jwt=$PWD/$jwt ;; esac
case $auth_test in /*) ;; *) auth_test=$PWD/$auth_test ;; esac
FIX=../shared/fixtures/cds-hooks

if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 is not installed (scripts/bootstrap.sh installs it)"
	finish
fi

cat >"$tmp/cds.py" <<'PY'
import http.client, json, sys, urllib.parse

def req(url, method, path, body_file=None, out=None, authorization=None, origin=None):
    """Prints the status; the body goes to out, the headers to out.hdr
    (one 'name: value' a line, names in lower case)."""
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    body = open(body_file, 'rb').read() if body_file else None
    hdrs = {'Content-Type': 'application/json'} if body is not None else {}
    if authorization:
        hdrs['Authorization'] = authorization
    if origin:
        hdrs['Origin'] = origin
    try:
        c.request(method, path, body=body, headers=hdrs)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered before reading it all (413)
    r = c.getresponse()
    data = r.read()
    if out:
        open(out, 'wb').write(data)
        with open(out + '.hdr', 'w') as h:
            for k, v in r.getheaders():
                h.write(k.lower() + ': ' + v + '\n')
    print(r.status)

def cards_ok(path):
    """0 when the body is a valid CDS Hooks 2.0 card response."""
    doc = json.load(open(path))
    cards = doc.get('cards')
    assert isinstance(cards, list), 'cards is not an array'
    for i, c in enumerate(cards):
        s = c.get('summary')
        assert isinstance(s, str) and len(s) < 140, f'cards[{i}].summary'
        assert c.get('indicator') in ('info', 'warning', 'critical'), f'cards[{i}].indicator'
        src = c.get('source')
        assert isinstance(src, dict) and isinstance(src.get('label'), str), f'cards[{i}].source.label'
        if 'detail' in c:
            assert isinstance(c['detail'], str), f'cards[{i}].detail'
        if 'suggestions' in c:
            assert isinstance(c['suggestions'], list), f'cards[{i}].suggestions'
            for s in c['suggestions']:
                assert isinstance(s.get('label'), str), f'cards[{i}].suggestions.label'
            assert c.get('selectionBehavior') in ('at-most-one', 'any'), f'cards[{i}].selectionBehavior'
        for l in c.get('links', []):
            assert isinstance(l.get('label'), str) and isinstance(l.get('url'), str), f'cards[{i}].links'
            assert l.get('type') in ('absolute', 'smart'), f'cards[{i}].links.type'
        for o in c.get('overrideReasons', []):
            assert isinstance(o.get('display'), str), f'cards[{i}].overrideReasons.display'

cmd = sys.argv[1]
if cmd == 'req':
    req(*sys.argv[2:])
elif cmd == 'cards':
    try:
        cards_ok(sys.argv[2])
    except (AssertionError, ValueError, AttributeError) as e:
        print('invalid:', e)
        sys.exit(1)
elif cmd == 'eval':  # eval FILE EXPR: exit 0 when EXPR (over d, the JSON) is true
    d = json.load(open(sys.argv[2]))
    sys.exit(0 if eval("(" + sys.argv[3] + ")") else 1)
PY
py() { python3 "$tmp/cds.py" "$@"; }

# The validator itself: the spec's card without an indicator must fail.
printf '{"cards":[{"summary":"x","source":{"label":"y"}}]}' >"$tmp/noind.json"
check "validator rejects a card without indicator" sh -c '! python3 "$1" cards "$2"' - "$tmp/cds.py" "$tmp/noind.json"
printf '{"cards":[{"summary":"x","indicator":"info","source":{"label":"y"},"suggestions":[{"label":"z"}]}]}' \
	>"$tmp/nosel.json"
check "validator rejects suggestions without selectionBehavior" \
	sh -c '! python3 "$1" cards "$2"' - "$tmp/cds.py" "$tmp/nosel.json"

# The example systemd unit (examples/systemd/mgsleep-cds.service): its
# ExecStart runs mgsleep cds with options the parser accepts (run here with
# %d, the credentials directory, as a path, and a --listen appended that
# cannot be used: the run then stops at --listen, after every other option
# was parsed), each listed by mgsleep cds --help; and the hardening the
# documentation promises is there.
unit=examples/systemd/mgsleep-cds.service
execstart=$(sed -n 's/^ExecStart=//p' "$unit")
check "systemd unit: ExecStart runs mgsleep cds" sh -c 'case "$1" in */mgsleep\ cds\ *) ;; *) exit 1 ;; esac' - "$execstart"
# shellcheck disable=SC2086 # the options are meant to split on spaces
set -- $(echo "${execstart#* cds }" | sed "s|%d|$tmp/cred|g")
check "systemd unit: every option of ExecStart parses (the run stops only at the unusable --listen appended)" \
	sh -c '"$@" --listen 127.0.0.1:x >/dev/null 2>"$0"; [ $? -eq 2 ] && grep -q "^mgsleep: --listen:" "$0"' \
	"$tmp/unit.err" "$bin" cds "$@"
"$bin" cds --help >"$tmp/cds-help.txt" 2>&1
check "systemd unit: each option of ExecStart is listed by mgsleep cds --help" sh -c \
	'for o in $(echo "$1" | grep -oE -- "--[a-z-]+"); do grep -qE "^  $o " "$2" || { echo "$o"; exit 1; }; done' \
	- "$execstart" "$tmp/cds-help.txt"
check "systemd unit: TLS from LoadCredential (%d/tls-cert, %d/tls-key)" sh -c \
	'grep -q "^LoadCredential=tls-cert:" "$1" && grep -q "^LoadCredential=tls-key:" "$1" &&
	 echo "$2" | grep -q -- "--tls-cert %d/tls-cert --tls-key %d/tls-key"' - "$unit" "$execstart"
check "systemd unit: DynamicUser, NoNewPrivileges, ProtectSystem=strict, ProtectHome, PrivateTmp, KillSignal=SIGTERM" sh -c \
	'for d in DynamicUser=yes NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes KillSignal=SIGTERM \
	         "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" IPAddressDeny=any; do
		grep -qx "$d" "$1" || { echo "missing $d"; exit 1; }; done; grep -q "^IPAddressAllow=" "$1"' - "$unit"
set --

# Refusals before listening.
check "without --client or --insecure-no-auth: refused, exit 2" \
	sh -c '"$1" cds --listen 127.0.0.1:0 >/dev/null 2>&1; [ $? -eq 2 ]' - "$bin"
check "--listen without a port: refused, exit 2" \
	sh -c '"$1" cds --listen 127.0.0.1 --insecure-no-auth >/dev/null 2>&1; [ $? -eq 2 ]' - "$bin"
check "--listen with a host name: refused, exit 2" \
	sh -c '"$1" cds --listen example.org:0 --insecure-no-auth >/dev/null 2>&1; [ $? -eq 2 ]' - "$bin"

ehr=https://ehr.example.org
"$bin" cds --listen 127.0.0.1:0 --insecure-no-auth --cors-origin "$ehr" --cors-origin http://localhost:3000 \
	>"$tmp/url" 2>"$tmp/log" &
pid=$!
i=0
while [ ! -s "$tmp/url" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
url=$(head -n 1 "$tmp/url")
check "first line is the listening URL" sh -c 'echo "$1" | grep -qE "^http://127\.0\.0\.1:[1-9][0-9]*/cds-services$"' - "$url"

# req METHOD PATH [BODY_FILE [AUTHORIZATION [ORIGIN]]]: the status in $st, the
# body in $tmp/body, the headers in $tmp/body.hdr; AUTHORIZATION is the
# header's value ("Bearer <jwt>").
req() {
	st=$(py req "$url" "$1" "$2" "${3:-}" "$tmp/body" "${4:-}" "${5:-}" 2>"$tmp/py.err") || st=error
}
hdr() { grep -i "^$1: " "$tmp/body.hdr" | sed 's/^[^:]*: //'; } # hdr NAME: its value in the last answer

req GET /cds-services
check "discovery: 200" test "$st" = 200
check "discovery: order-select, order-sign and patient-view services" py eval "$tmp/body" \
	'sorted(s["hook"] for s in d["services"]) == ["order-select", "order-sign", "patient-view"] and
	 all(s["id"] and s["description"] for s in d["services"])'
check "discovery: prefetch for Patient, medicines, statements and Conditions" py eval "$tmp/body" \
	'all(s["prefetch"]["patient"] == "Patient/{{context.patientId}}" and
	     s["prefetch"]["medications"].startswith("MedicationRequest?patient={{context.patientId}}&status=active") and
	     s["prefetch"]["statements"].startswith("MedicationStatement?") and
	     s["prefetch"]["conditions"].startswith("Condition?") for s in d["services"])'
check "discovery: creatinine 2160-0 and 14682-9, eGFR 98979-8, weight 29463-7, height 8302-2" py eval "$tmp/body" \
	'all("2160-0" in p["creatinine"] and "14682-9" in p["creatinine"] and "98979-8" in p["egfr"] and
	     "29463-7" in p["weight"] and "8302-2" in p["height"] and "_count=1" in p["creatinine"]
	     for p in (s["prefetch"] for s in d["services"]))'

# The official request examples: 200 with valid cards, or 412.
for f in examples_opioid_order-sign_request.json examples_radiology_order-select_request.json \
	spec_patient-view-request-with-prefetch.json spec_request-with-extension.json; do
	if [ ! -r "$FIX/$f" ]; then
		skip "$FIX/$f is absent (../shared/fixtures)"
		continue
	fi
	hook=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hook"])' "$FIX/$f")
	req POST "/cds-services/mgsleep-$hook" "$FIX/$f"
	if [ "$st" = 200 ]; then
		check "$f: 200 with valid cards" py cards "$tmp/body"
	else
		check "$f: 412 (prefetch missing), an OperationOutcome" py eval "$tmp/body" \
			"$st == 412 and d['resourceType'] == 'OperationOutcome'"
	fi
done

# Our own requests (docs/fhir-input.md for the resources read).
mgox='{"resourceType":"MedicationRequest","id":"o1","status":"draft","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"198741","display":"Magnesium Oxide 400 MG Oral Tablet"}]}}'
doxy='{"resourceType":"MedicationRequest","id":"m1","status":"active","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"199026","display":"Doxycycline 100 MG Oral Capsule"}]}}'
amox='{"resourceType":"MedicationRequest","id":"o2","status":"draft","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"text":"Amoxicillin 500 MG Oral Capsule"}}'
pat() { printf '{"resourceType":"Patient","id":"p1","gender":"%s","birthDate":"%s"}' "$1" "$2"; }
obs() { printf '{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"%s"}]},"effectiveDateTime":"2025-01-01","valueQuantity":{"value":%s,"system":"http://unitsofmeasure.org","code":"%s"}}' "$1" "$2" "$3"; }
bundle() { printf '{"resourceType":"Bundle","type":"searchset","entry":[%s]}' "$1"; }
request() { # request HOOK ORDERS PREFETCH_MEMBERS
	printf '{"hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","hook":"%s","context":{"userId":"Practitioner/1","patientId":"p1","draftOrders":%s},"prefetch":{%s}}' "$1" "$2" "$3"
}

request order-sign "$(bundle "{\"resource\":$mgox}")" \
	"\"patient\":$(pat female 1950-01-01),\"egfr\":$(obs 98979-8 20 'mL/min/{1.73_m2}')" >"$tmp/r1.json"
req POST /cds-services/mgsleep-order-sign "$tmp/r1.json"
check "magnesium ordered, eGFR 20: 200" test "$st" = 200
check "magnesium ordered, eGFR 20: valid cards" py cards "$tmp/body"
check "magnesium ordered, eGFR 20: a critical card (kb/rules.json: eGFR under 30)" py eval "$tmp/body" \
	'any(c["indicator"] == "critical" for c in d["cards"])'

# A man born in 1980 with a normal creatinine (0.9 mg/dL), taking doxycycline.
on_doxy="\"patient\":$(pat male 1980-01-01),\"creat\":$(obs 2160-0 0.9 mg/dL),\"meds\":$(bundle "{\"resource\":$doxy}")"
request order-select "$(bundle "{\"resource\":$mgox}")" "$on_doxy" >"$tmp/r2.json"
req POST /cds-services/mgsleep-order-select "$tmp/r2.json"
check "magnesium ordered, doxycycline taken: 200 with valid cards" sh -c '[ "$1" = 200 ] && python3 "$2" cards "$3"' \
	- "$st" "$tmp/cds.py" "$tmp/body"
check "a spacing card: doxycycline and magnesium at least 6 hours apart (kb/interactions.json)" py eval "$tmp/body" \
	'any("doxycycline" in c["summary"] and "6 hours" in c["summary"] for c in d["cards"])'

request order-sign "$(bundle "{\"resource\":$amox}")" "$on_doxy" >"$tmp/r3.json"
req POST /cds-services/mgsleep-order-sign "$tmp/r3.json"
check "no magnesium ordered or taken: 200 with no cards" py eval "$tmp/body" "$st == 200 and d == {'cards': []}"

request order-sign "$(bundle "{\"resource\":$amox}")" '"x":null' >"$tmp/r4.json"
req POST /cds-services/mgsleep-order-sign "$tmp/r4.json"
check "no Patient, no medicine list, no magnesium ordered: 412 with an OperationOutcome" py eval "$tmp/body" \
	"$st == 412 and d['resourceType'] == 'OperationOutcome'"

# Errors.
req POST /cds-services/no-such-service "$tmp/r3.json"
check "unknown service: 404" test "$st" = 404
printf '{"hook": "order-sign", "context": {' >"$tmp/bad.json"
req POST /cds-services/mgsleep-order-sign "$tmp/bad.json"
check "malformed JSON: 400 with an OperationOutcome" py eval "$tmp/body" \
	"$st == 400 and d['resourceType'] == 'OperationOutcome' and d['issue'][0]['severity'] == 'error'"
req POST /cds-services/mgsleep-patient-view "$tmp/r3.json"
check "an order-sign request sent to the patient-view service: 400" test "$st" = 400
python3 -c 'import sys; sys.stdout.write("{\"a\":\"" + "x" * (1 << 20) + "\"}")' >"$tmp/big.json"
req POST /cds-services/mgsleep-order-sign "$tmp/big.json"
check "a body over 1 MiB: 413" test "$st" = 413
printf '{"feedback":[{"card":"x","outcome":"accepted","outcomeTimestamp":"2025-01-01T00:00:00Z"}]}' >"$tmp/fb.json"
req POST /cds-services/mgsleep-order-sign/feedback "$tmp/fb.json"
check "feedback: 200" test "$st" = 200

# Cards (CDS Hooks 2.0 Card, and issue 13): a random version 4 uuid each,
# all different; source with the knowledge base's version (kb/meta.json) and
# the URL of its sources, served here; links to the cited sources;
# references numbered in the detail; override reasons. r2 gives two cards
# (the advice and the doxycycline spacing).
kbv=$(python3 -c 'import json; print(json.load(open("kb/meta.json"))["kb_version"])')
req POST /cds-services/mgsleep-order-select "$tmp/r2.json"
cp "$tmp/body" "$tmp/r2.out"
check "cards: a version 4 uuid on every card, all different" py eval "$tmp/r2.out" \
	'len(d["cards"]) >= 2 and len({c["uuid"] for c in d["cards"]}) == len(d["cards"]) and
	 all(__import__("re").fullmatch("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", c["uuid"])
	     for c in d["cards"])'
req POST /cds-services/mgsleep-order-select "$tmp/r2.json"
check "cards: the same request again gets new uuids" py eval "$tmp/body" \
	"not {c['uuid'] for c in d['cards']} & {c['uuid'] for c in __import__('json').load(open('$tmp/r2.out'))['cards']}"
check "cards: source.label names the KB version $kbv; source.url is {base}/sources" py eval "$tmp/r2.out" \
	"all('$kbv' in c['source']['label'] and c['source']['url'] == '${url%/cds-services}/sources' for c in d['cards'])"
check "cards: the advice and spacing cards number their references in the detail and link to them" py eval "$tmp/r2.out" \
	'all("**References**\n\n" in c["detail"] and c["links"] and all(l["type"] == "absolute" and
	     l["url"].startswith("http") and l["label"].startswith("[") for l in c["links"])
	     for c in d["cards"] if c["summary"].startswith(("Magnesium: reasonable", "Keep doxycycline")))'
check "cards: override reasons on every card" py eval "$tmp/r2.out" \
	'all(len(c["overrideReasons"]) >= 2 and all(o["display"] for o in c["overrideReasons"]) for c in d["cards"])'
req GET /sources
check "GET /sources: 200, the KB version and its first source (kb/sources.json S01)" sh -c \
	'[ "$1" = 200 ] && grep -q "knowledge base $2" "$3" && grep -q "^S01\. Mah J, Pitre T" "$3"' - "$st" "$kbv" "$tmp/body"

# CORS: only the --cors-origin list, compared exactly. A listed origin gets
# Access-Control-Allow-Origin (that origin) and Vary: Origin; its preflight
# gets 204 with the methods, headers and max-age; any other origin gets no
# CORS header, and its preflight a 403 (docs/cds-hooks.md).
check "--cors-origin '*': refused, exit 2" sh -c '"$1" cds --insecure-no-auth --cors-origin "*" >/dev/null 2>&1; [ $? -eq 2 ]' - "$bin"
check "--cors-origin with a path: refused, exit 2" \
	sh -c '"$1" cds --insecure-no-auth --cors-origin https://ehr.example.org/app >/dev/null 2>&1; [ $? -eq 2 ]' - "$bin"
req GET /cds-services "" "" "$ehr"
check "CORS: GET from a listed origin: Access-Control-Allow-Origin that origin, Vary: Origin" \
	sh -c '[ "$1" = 200 ] && [ "$2" = "$3" ] && [ "$4" = Origin ]' - "$st" "$(hdr access-control-allow-origin)" "$ehr" "$(hdr vary)"
req POST /cds-services/mgsleep-order-sign "$tmp/r1.json" "" http://localhost:3000
check "CORS: POST from the second listed origin: allowed, cards served" \
	sh -c '[ "$1" = 200 ] && [ "$2" = http://localhost:3000 ]' - "$st" "$(hdr access-control-allow-origin)"
for o in https://evil.example https://ehr.example.org.evil.example http://ehr.example.org https://ehr.example.org:443; do
	req GET /cds-services "" "" "$o"
	check "CORS: GET from $o (not listed): served, no Access-Control-* header" \
		sh -c '[ "$1" = 200 ] && ! grep -qi "^access-control-" "$2"' - "$st" "$tmp/body.hdr"
done
req OPTIONS /cds-services/mgsleep-order-sign "" "" "$ehr"
check "CORS: preflight from a listed origin: 204" test "$st" = 204
check "CORS: ... Allow-Methods GET, POST, OPTIONS; Allow-Headers Authorization, Content-Type; a Max-Age" \
	sh -c '[ "$1" = "GET, POST, OPTIONS" ] && [ "$2" = "Authorization, Content-Type" ] && [ "$3" -gt 0 ] && [ "$4" = "$5" ]' \
	- "$(hdr access-control-allow-methods)" "$(hdr access-control-allow-headers)" "$(hdr access-control-max-age)" \
	"$(hdr access-control-allow-origin)" "$ehr"
check "CORS: ... no Access-Control-Allow-Private-Network unless asked" sh -c '[ -z "$1" ]' - "$(hdr access-control-allow-private-network)"
check "CORS: a preflight asking for Private Network Access (Chrome) from a listed origin: allowed" python3 -c '
import http.client, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[2])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
c.request("OPTIONS", u.path, headers={"Origin": sys.argv[1], "Access-Control-Request-Private-Network": "true"})
r = c.getresponse()
sys.exit(0 if r.status == 204 and r.getheader("Access-Control-Allow-Private-Network") == "true" else 1)' "$ehr" "$url"
req OPTIONS /cds-services/mgsleep-order-sign "" "" https://evil.example
check "CORS: preflight from another origin: 403, no Access-Control-* header" \
	sh -c '[ "$1" = 403 ] && ! grep -qi "^access-control-" "$2"' - "$st" "$tmp/body.hdr"

# Feedback (CDS Hooks 2.0 Feedback): validated, counted per service and
# outcome, nothing kept. The three official examples hold one accepted, one
# overridden with a reason and one overridden; with the accepted one sent
# above to order-sign, order-sign ends at 2 accepted and 2 overridden.
fb_ok=1
for f in spec_feedback-accepted.json spec_feedback-overridden-with-reason.json spec_feedback-overridden.json; do
	if [ ! -r "$FIX/$f" ]; then
		skip "$FIX/$f is absent (../shared/fixtures)"
		fb_ok=0
		continue
	fi
	req POST /cds-services/mgsleep-order-sign/feedback "$FIX/$f"
	check "feedback $f: 200" test "$st" = 200
done
printf '{"feedback":[{"card":"a","outcome":"accepted"},{"card":"b","outcome":"accepted"},{"card":"c","outcome":"overridden"}]}' \
	>"$tmp/fb3.json"
req POST /cds-services/mgsleep-patient-view/feedback "$tmp/fb3.json"
check "feedback: three entries to patient-view: 200" test "$st" = 200
for bad in '{"feedback":[{"card":"a","outcome":"rejected"}]}' '{"feedback":[{"outcome":"accepted"}]}' '{"feedback":[]}' \
	'{"feedback":[{"card":"a","outcome":"accepted","overrideReason":{}}]}' '{"feedback":[' '[1]'; do
	printf '%s' "$bad" >"$tmp/fbbad.json"
	req POST /cds-services/mgsleep-order-select/feedback "$tmp/fbbad.json"
	check "feedback $bad: 400 with an OperationOutcome" py eval "$tmp/body" \
		"$st == 400 and d['resourceType'] == 'OperationOutcome'"
done

# The log: one line per request, no health data or body.
check "log: one line per request with route and status" grep -qE '^[0-9T:-]+Z POST mgsleep-order-sign 200 [0-9.]+ ms$' \
	"$tmp/log"
check "log: no birth date, code or body in it" sh -c '! grep -qE "1950|198741|Doxycycline|hookInstance" "$1"' - "$tmp/log"
check "log: feedback as route {id}/feedback" grep -qE '^[0-9T:-]+Z POST mgsleep-order-sign/feedback 200 [0-9.]+ ms$' "$tmp/log"
check "log: no card id or comment from the feedback" sh -c '! grep -qE "4e0a3a1e|9368d37b|comment|rejected" "$1"' - "$tmp/log"

kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 10 ]; do
	sleep 0.1
	i=$((i + 1))
done
alive=0
kill -0 "$pid" 2>/dev/null && alive=1
check "SIGTERM ends it within a second" test "$alive" = 0
[ "$alive" = 1 ] && kill -KILL "$pid"
wait "$pid"
check "... with exit status 0" test $? = 0
# The malformed bodies above are not counted.
if [ "$fb_ok" = 1 ]; then
	check "at SIGTERM, one line of feedback counts: order-sign 2 accepted, 2 overridden; patient-view 2 and 1" \
		grep -qx "feedback: mgsleep-order-select accepted 0 overridden 0; mgsleep-order-sign accepted 2 overridden 2; mgsleep-patient-view accepted 2 overridden 1" "$tmp/log"
else
	skip "feedback counts: the official feedback examples are absent (../shared/fixtures)"
fi

# With --client, every request needs a token the client signed: a JWT whose
# aud is the exact URL called (the printed base URL + the path, as
# src/cli/cmd_cds.c builds it), not expired, with a jti not seen before,
# signed by the key of the client's JWKS with the header's kid; anything else
# is a bare 401. The EHR's keys are made here by jwt_tool (ES384), so each
# expected answer follows from one rule (the rules one by one are in
# tests/unit/test_cds_auth.c).
iss=https://ehr.example/
check "jwt_tool: an ES384 key pair for the EHR" "$jwt" keygen ehr-1 "$tmp/jwks.json" "$tmp/ehr.jwk"
check "jwt_tool: another key pair with the same kid" "$jwt" keygen ehr-1 "$tmp/other-jwks.json" "$tmp/other.jwk"
check "the JWKS holds the public key only (no d), kid ehr-1" py eval "$tmp/jwks.json" \
	'[(k["kty"], k["crv"], k["kid"], "d" in k) for k in d["keys"]] == [("EC", "P-384", "ehr-1", False)]'
: >"$tmp/url2"
"$bin" cds --listen 127.0.0.1:0 --client "$iss=$tmp/jwks.json" --cors-origin "$ehr" >"$tmp/url2" 2>"$tmp/log2" &
pid2=$!
i=0
while [ ! -s "$tmp/url2" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
url=$(head -n 1 "$tmp/url2")
base=${url%/cds-services}
sign() { # sign KEY AUD EXP_OFFSET JTI [HEADER=VALUE ...]: "Bearer <jwt>" in $tok; a
	# failure is a failed test, so that no 401 below passes for want of a token
	_k=$1 _a=$2 _e=$3 _j=$4
	shift 4
	tok="Bearer $("$jwt" sign "$_k" "$iss" "$_a" "$_e" "$_j" "$@" 2>"$tmp/jwt.err")" ||
		{ ok 1 "jwt_tool sign $_j"; sed "s/^/# /" "$tmp/jwt.err"; }
}
req GET /cds-services
check "--client: discovery without a token is a bare 401" test "$st" = 401

sign "$tmp/ehr.jwk" "$url" 300 jti-discovery
req GET /cds-services "" "$tok"
check "--client: discovery with a valid token (aud: the URL called): 200" test "$st" = 200
check "--client: ... and the three services listed" py eval "$tmp/body" 'len(d["services"]) == 3'
first=$tok
req GET /cds-services "" "$first"
check "--client: the same token again (jti replayed): 401" test "$st" = 401

sign "$tmp/ehr.jwk" "$base/cds-services/mgsleep-order-sign" 300 jti-sign
req POST /cds-services/mgsleep-order-sign "$tmp/r1.json" "$tok"
check "--client: POST order-sign with a valid token: 200 with valid cards" \
	sh -c '[ "$1" = 200 ] && python3 "$2" cards "$3"' - "$st" "$tmp/cds.py" "$tmp/body"
check "--client: ... the critical card of eGFR 20, as without --client" py eval "$tmp/body" \
	'any(c["indicator"] == "critical" for c in d["cards"])'

sign "$tmp/ehr.jwk" "$base/cds-services/mgsleep-order-select" 300 jti-wrong-aud
req POST /cds-services/mgsleep-order-sign "$tmp/r1.json" "$tok"
check "--client: a token for another service's URL (wrong aud): 401" test "$st" = 401
sign "$tmp/ehr.jwk" "$base/cds-services/mgsleep-order-sign" -600 jti-expired
req POST /cds-services/mgsleep-order-sign "$tmp/r1.json" "$tok"
check "--client: a token expired 10 minutes ago: 401" test "$st" = 401
sign "$tmp/other.jwk" "$base/cds-services/mgsleep-order-sign" 300 jti-other-key
req POST /cds-services/mgsleep-order-sign "$tmp/r1.json" "$tok"
check "--client: a token signed by another key with the same kid: 401" test "$st" = 401
check "--client: ... a bare 401, no body" test ! -s "$tmp/body"
req POST /cds-services/mgsleep-order-sign "$tmp/r1.json"
check "--client: POST without a token: 401" test "$st" = 401
# The refusals above were for their tokens, not for the client: a fresh one
# is still accepted.
sign "$tmp/ehr.jwk" "$base/cds-services/mgsleep-order-sign" 300 jti-after
req POST /cds-services/mgsleep-order-sign "$tmp/r1.json" "$tok"
check "--client: after the refusals a fresh valid token: 200" test "$st" = 200
# Browsers send no Authorization on a preflight: it must not need one.
req OPTIONS /cds-services/mgsleep-order-sign "" "" "$ehr"
check "--client: a preflight from a listed origin, without a token: 204" \
	sh -c '[ "$1" = 204 ] && [ "$2" = "$3" ]' - "$st" "$(hdr access-control-allow-origin)" "$ehr"
req POST /cds-services/mgsleep-order-sign "$tmp/r1.json" "" "$ehr"
check "--client: a POST from a listed origin without a token: 401, with the CORS header so the page sees it" \
	sh -c '[ "$1" = 401 ] && [ "$2" = "$3" ]' - "$st" "$(hdr access-control-allow-origin)" "$ehr"
check "--client: log: the refusals as unauthorized 401, the token never" sh -c \
	'grep -qE "^[0-9T:-]+Z POST unauthorized 401 [0-9.]+ ms$" "$1" && ! grep -qF "${2#Bearer }" "$1" &&
	 ! grep -q "eyJ" "$1"' - "$tmp/log2" "$first"
kill -TERM "$pid2" 2>/dev/null
wait "$pid2"
check "--client: the service stops cleanly" test $? = 0
printf '{"keys": [' >"$tmp/bad-jwks.json"
check "--client with a JWKS that is not JSON: refused at start" \
	sh -c '"$1" cds --listen 127.0.0.1:0 --client "https://ehr.example/=$2" >/dev/null 2>&1; [ $? -ne 0 ]' - "$bin" "$tmp/bad-jwks.json"

# serve NAME COMMAND...: runs COMMAND (an mgsleep cds, possibly under
# strace) in the background, stdout in $tmp/NAME.url and stderr in
# $tmp/NAME.log; $spid is its pid and $surl the URL printed (empty when it
# did not start within 10 s).
serve() {
	_n=$1
	shift
	: >"$tmp/$_n.url"
	"$@" >"$tmp/$_n.url" 2>"$tmp/$_n.log" &
	spid=$!
	_i=0
	while [ ! -s "$tmp/$_n.url" ] && kill -0 "$spid" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	surl=$(head -n 1 "$tmp/$_n.url")
}
# refused NAME ARGS...: mgsleep cds ARGS must exit 2 with exactly one line on
# stderr, naming NAME, and no PEM content (no "BEGIN", no base64 run).
refused() {
	_want=$1
	shift
	"$bin" cds --listen 127.0.0.1:0 --insecure-no-auth "$@" >/dev/null 2>"$tmp/refused.err"
	_st=$?
	cat "$tmp/refused.err"
	[ "$_st" -eq 2 ] && [ "$(lines "$tmp/refused.err")" = 1 ] && grep -q -- "$_want" "$tmp/refused.err" &&
		! grep -qE "BEGIN|[A-Za-z0-9+/]{40}" "$tmp/refused.err"
}

# TLS: a self-signed certificate for 127.0.0.1 made here; curl trusts it only
# through --cacert.
if ! command -v openssl >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
	skip "TLS: openssl or curl is not installed (scripts/bootstrap.sh --dev installs them)"
else
	pem() { # pem NAME: a P-256 key and its self-signed certificate, $tmp/NAME-key.pem and $tmp/NAME-cert.pem
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/$1-key.pem" -out "$tmp/$1-cert.pem"
	}
	check "openssl: a self-signed certificate for 127.0.0.1" pem tls
	check "openssl: another key pair" pem other
	serve tls "$bin" cds --listen 127.0.0.1:0 --insecure-no-auth --tls-cert "$tmp/tls-cert.pem" --tls-key "$tmp/tls-key.pem"
	check "TLS: the URL printed (the default base URL) is https" sh -c 'echo "$1" | grep -qE "^https://127\.0\.0\.1:[1-9][0-9]*/cds-services$"' - "$surl"
	check "TLS: curl --cacert gets discovery over https: 200, three services" sh -c \
		'[ "$(curl -sS --max-time 10 --cacert "$1" -o "$2" -w "%{http_code}" "$3")" = 200 ] &&
		 python3 -c "import json,sys; assert len(json.load(open(sys.argv[1]))[\"services\"]) == 3" "$2"' \
		- "$tmp/tls-cert.pem" "$tmp/tls-body" "$surl"
	check "TLS: curl without the certificate refuses the server (untrusted)" \
		sh -c '! curl -sS --max-time 10 -o /dev/null "$1"' - "$surl"
	check "TLS: plain http to the TLS port fails" sh -c '! curl -sS --max-time 10 -o /dev/null "http://${1#https://}"' - "$surl"
	kill -TERM "$spid"
	wait "$spid"
	check "TLS: the service stops cleanly" test $? = 0

	# With --client, aud is the https URL.
	serve tlsauth "$bin" cds --listen 127.0.0.1:0 --client "$iss=$tmp/jwks.json" --tls-cert "$tmp/tls-cert.pem" \
		--tls-key "$tmp/tls-key.pem"
	sign "$tmp/ehr.jwk" "$surl" 300 jti-tls
	check "TLS + --client: a token whose aud is the https URL: 200" sh -c \
		'[ "$(curl -sS --max-time 10 --cacert "$1" -H "Authorization: $2" -o /dev/null -w "%{http_code}" "$3")" = 200 ]' \
		- "$tmp/tls-cert.pem" "$tok" "$surl"
	sign "$tmp/ehr.jwk" "http://${surl#https://}" 300 jti-tls-http
	check "TLS + --client: a token whose aud is the http URL: 401" sh -c \
		'[ "$(curl -sS --max-time 10 --cacert "$1" -H "Authorization: $2" -o /dev/null -w "%{http_code}" "$3")" = 401 ]' \
		- "$tmp/tls-cert.pem" "$tok" "$surl"
	kill -TERM "$spid"
	wait "$spid"

	check "--tls-cert without --tls-key: exit 2, one line" refused --tls-key --tls-cert "$tmp/tls-cert.pem"
	check "--tls-key missing: exit 2, one line naming --tls-key" \
		refused --tls-key --tls-cert "$tmp/tls-cert.pem" --tls-key "$tmp/no-such-key.pem"
	check "--tls-key unreadable (a directory): exit 2, one line naming --tls-key" \
		refused --tls-key --tls-cert "$tmp/tls-cert.pem" --tls-key "$tmp"
	check "--tls-key holding a certificate: exit 2, one line, no PEM content" \
		refused --tls-key --tls-cert "$tmp/tls-cert.pem" --tls-key "$tmp/tls-cert.pem"
	check "--tls-cert holding a key: exit 2, one line, no PEM content" \
		refused --tls-cert --tls-cert "$tmp/tls-key.pem" --tls-key "$tmp/tls-key.pem"
	check "--tls-key of another certificate: exit 2, one line, no PEM content" \
		refused --tls-key --tls-cert "$tmp/tls-cert.pem" --tls-key "$tmp/other-key.pem"
fi

# No outbound connection (issue 13, Trust): the service under strace gets
# discovery, POSTs and tokens whose header names jku and x5u URLs (a TEST-NET
# address and the specification's host); not one connect() may happen. The
# server's own sends go to accepted sockets: a sendto or sendmsg naming an
# address would be a datagram out (DNS, say), and none may happen either.
if ! command -v strace >/dev/null 2>&1; then
	skip "no outbound connection: strace is not installed (scripts/bootstrap.sh --dev installs it)"
else
	# LeakSanitizer cannot run under ptrace (make asan): leaks are checked
	# by the untraced runs above.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	export ASAN_OPTIONS
	serve nonet strace -f -qq -e trace=connect,sendto,sendmsg -o "$tmp/strace.txt" \
		"$bin" cds --listen 127.0.0.1:0 --client "$iss=$tmp/jwks.json"
	url=$surl
	base=${url%/cds-services}
	sign "$tmp/ehr.jwk" "$url" 300 jti-nonet-1
	req GET /cds-services "" "$tok"
	check "strace: discovery with a token: 200" test "$st" = 200
	sign "$tmp/ehr.jwk" "$base/cds-services/mgsleep-order-sign" 300 jti-nonet-2 jku=http://192.0.2.1/jwks.json \
		x5u=https://fhir-ehr.example.com/x5u.pem
	req POST /cds-services/mgsleep-order-sign "$tmp/r1.json" "$tok"
	check "strace: a token with jku and x5u in its header: 200 (the URLs ignored)" test "$st" = 200
	sign "$tmp/other.jwk" "$base/cds-services/mgsleep-order-select" 300 jti-nonet-3 \
		jku=https://fhir-ehr.example.com/jwk_uri x5u=http://192.0.2.1/x5u.pem
	req POST /cds-services/mgsleep-order-select "$tmp/r2.json" "$tok"
	check "strace: a token by an unknown key pointing at its jku: 401, not fetched" test "$st" = 401
	req POST /cds-services/mgsleep-order-sign/feedback "$tmp/fb.json"
	mg=$(ps -o pid= --ppid "$spid" | tr -d ' ')
	[ -n "$mg" ] && kill -TERM "$mg"
	wait "$spid"
	check "strace: the traced service served and stopped" sh -c '[ -n "$1" ] && grep -q "sendto\|sendmsg" "$2"' - "$mg" "$tmp/strace.txt"
	check "strace: no connect() by the service" sh -c '! grep -q "connect(" "$1"' - "$tmp/strace.txt"
	check "strace: no sendto/sendmsg to an address" sh -c '! grep -qE "send(to|msg)\(.*sa_family=AF_INET" "$1"' - "$tmp/strace.txt"
	check "strace: the JWT table with the specification's example (jku) makes no connect()" sh -c \
		'strace -f -qq -e trace=connect -o "$1" "$2" >/dev/null && ! grep -q "connect(" "$1"' - "$tmp/strace2.txt" "$auth_test"
fi

finish
