#!/bin/sh
# TAP: mgsleep web's server and JSON API (issue 14; docs/web-api.md),
# without a browser: curl with a cookie jar. Expected values are worked out
# by hand below (a night's TIB, TST and SE from its clock times; the ISI
# total; the Oura fixture's durations from its own fields).
#
# usage: tests/cli/web_api.sh MGSLEEP_BINARY   (from the repository root)
set -u

# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
FIX=../shared/fixtures/imports
export TZ=UTC # no DST inside the nights below: clock differences are real minutes

if ! command -v curl >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	skip "curl or python3 is not installed (scripts/bootstrap.sh installs them)"
	finish
fi

pid=
stop_server() {
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}
trap 'stop_server; rm -rf "$tmp"' EXIT

# start_server [ENV=VALUE...]: mgsleep web on a free port; sets url, port, base.
start_server() {
	: >"$tmp/web.out"
	mkdir -p "$tmp/uploads"
	env TMPDIR="$tmp/uploads" "$@" "$bin" web --no-open --listen 127.0.0.1:0 >"$tmp/web.out" 2>"$tmp/web.err" &
	pid=$!
	i=0
	while [ ! -s "$tmp/web.out" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	url=$(sed -n '1s/^Open //p' "$tmp/web.out")
	port=$(printf '%s\n' "$url" | sed -n 's|^http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p')
	base=http://127.0.0.1:$port
	rm -f "$tmp/jar"
}

# login: the token from the URL into the cookie jar, then the CSRF token
# from the page's <meta name="csrf-token">.
login() {
	curl -s -o /dev/null -c "$tmp/jar" "$url"
	csrf=$(curl -s -b "$tmp/jar" "$base/" | sed -n 's/.*<meta name="csrf-token" content="\([0-9a-f]*\)".*/\1/p')
}

# api METHOD PATH [JSON]: prints the status; the body is in $tmp/body,
# the headers in $tmp/headers.
api() {
	if [ $# -ge 3 ]; then
		printf '%s' "$3" >"$tmp/req"
		curl -s -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" \
			-H 'Content-Type: application/json' -X "$1" --data-binary @"$tmp/req" "$base$2"
	else
		curl -s -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" \
			-X "$1" "$base$2"
	fi
}

# jq_ok EXPR: the Python expression on d (the body as JSON) is true.
jq_ok() {
	python3 -c "import json,sys; d=json.load(open('$tmp/body')); sys.exit(0 if ($1) else 1)"
}

header() { grep -i "^$1:" "$tmp/headers" | head -1 | sed 's/^[^:]*: *//' | tr -d '\r'; }

# secure: the web app's five security headers, each exactly once, with the
# values docs/web-api.md gives (the CSP as written there).
CSP_WANT="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
secure() {
	[ "$(header Content-Security-Policy)" = "$CSP_WANT" ] && [ "$(header X-Content-Type-Options)" = nosniff ] &&
		[ "$(header Referrer-Policy)" = no-referrer ] && [ "$(header X-Frame-Options)" = DENY ] &&
		[ "$(header Cache-Control)" = no-store ] &&
		for h in Content-Security-Policy X-Content-Type-Options Referrer-Policy X-Frame-Options Cache-Control; do
			[ "$(grep -ci "^$h:" "$tmp/headers")" = 1 ] || return 1
		done
}

start_server
ok "$(printf '%s\n' "$url" | grep -Eqx 'http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64}'; echo $?)" \
	"first line: Open http://127.0.0.1:PORT/?token= and 64 hex digits"

# ---- who may ask -------------------------------------------------------
curl -s -D "$tmp/headers" -o /dev/null -c "$tmp/jar" "$url" >/dev/null
ok "$(grep -q '^HTTP/1.1 303' "$tmp/headers" && [ "$(header Location)" = / ]; echo $?)" \
	"the token in the URL: 303 to the same path without it"
ok "$(header Set-Cookie | grep -Eq "^mgsleep_$port=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=/$"; echo $?)" \
	"the token moves to an HttpOnly SameSite=Strict cookie"
curl -s -b "$tmp/jar" "$base/" >"$tmp/page"
csrf=$(sed -n 's/.*<meta name="csrf-token" content="\([0-9a-f]*\)".*/\1/p' "$tmp/page")
ok "$(printf '%s' "$csrf" | grep -Eqx '[0-9a-f]{64}' && ! grep -q '{{csrf-token}}' "$tmp/page"; echo $?)" \
	"the page carries this start's CSRF token in its meta tag"
tok=$(printf '%s\n' "$url" | sed 's/.*token=//')
curl -s -D "$tmp/headers" -o /dev/null "$base/diary?token=$tok"
ok "$([ "$(header Location)" = /diary ]; echo $?)" "the token on another page: back to that page"
curl -s -D "$tmp/headers" -o /dev/null "$base//evil.example/?token=$tok"
ok "$([ "$(header Location)" = / ]; echo $?)" "a path that a browser reads as another site: back to / instead"
curl -s -D "$tmp/headers" -o /dev/null "$base/%5Cevil.example?token=$tok"
ok "$([ "$(header Location)" = / ]; echo $?)" "a backslash path: back to / instead"
ok "$([ "$csrf" != "$tok" ]; echo $?)" "the CSRF token is not the access token"

st=$(curl -s -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' "$base/api/nights")
ok "$([ "$st" = 401 ] && ! grep -q nights "$tmp/body"; echo $?)" "no token, no cookie: 401 and no data"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' "$base/api/nights?token=$(printf '%064d' 0)")
ok "$([ "$st" = 403 ]; echo $?)" "a wrong token: 403"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "mgsleep_$port=$(printf '%064d' 0)" "$base/api/nights")
ok "$([ "$st" = 401 ]; echo $?)" "a wrong cookie: 401"
ok "$(header Content-Security-Policy | grep -q "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"; echo $?)" \
	"the Content-Security-Policy on a refusal too"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "Host: evil.example:$port" "$base/api/nights")
ok "$([ "$st" = 421 ] && ! grep -q '"nights"' "$tmp/body"; echo $?)" "another Host (DNS rebinding): 421"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "Host: 127.0.0.1:1" "$base/api/nights")
ok "$([ "$st" = 421 ]; echo $?)" "the right address with another port: 421"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "mgsleep_$port=$tok" -H "Host: localhost:$port" "$base/api/nights")
ok "$([ "$st" = 200 ]; echo $?)" "Host localhost:PORT accepted"
st=$(api GET /api/nights)
ok "$([ "$st" = 200 ] && [ "$(header Cache-Control)" = no-store ] && [ "$(header X-Content-Type-Options)" = nosniff ] &&
	[ "$(header Referrer-Policy)" = no-referrer ] && header Content-Security-Policy | grep -q "frame-ancestors 'none'"; echo $?)" \
	"an API answer: Cache-Control no-store, nosniff, no-referrer, CSP"

night='{"date":"2026-11-20","bed":"23:00","try_sleep":"23:15","sol":20,"awakenings":2,"waso":30,"final_wake":"06:45","out_of_bed":"07:00","quality":3,"mg_form":"glycinate","mg_elemental":200,"tag":["stress"],"nap":[20,10]}'
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H 'Content-Type: application/json' --data-binary "$night" "$base/api/nights")
ok "$([ "$st" = 403 ]; echo $?)" "a write without X-CSRF-Token: 403"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $tok" -H 'Content-Type: application/json' --data-binary "$night" "$base/api/nights")
ok "$([ "$st" = 403 ]; echo $?)" "a write with a wrong X-CSRF-Token (the access token): 403"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -X DELETE "$base/api/nights/2026-11-20")
ok "$([ "$st" = 404 ]; echo $?)" "nothing was stored by the refused writes (DELETE: 404)"

# ---- nights --------------------------------------------------------------
# By hand: in bed 23:00 -> 07:00 = 480 min; trying 23:15 -> final 06:45 =
# 450 min, minus SOL 20 and WASO 30: TST 400; SE 400/480 = 83.3 %;
# terminal wakefulness 06:45 -> 07:00 = 15 min.
st=$(api POST /api/nights "$night")
ok "$([ "$st" = 201 ] && jq_ok 'd["tib"]==480 and d["tst"]==400 and d["se"]==83.3 and d["terminal_wake"]==15'; echo $?)" \
	"POST /api/nights: 201, TIB 480, TST 400, SE 83.3 % (by hand)"
ok "$(jq_ok 'd["entry"]["nap_min"]==30 and d["entry"]["tags"]==["stress"] and d["entry"]["magnesium"]["elemental_mg"]==200'; echo $?)" \
	"the entry: naps added up (30), tags, magnesium"
st=$(api POST /api/nights "$night")
ok "$([ "$st" = 409 ] && jq_ok 'd["error"]["field"]=="date"'; echo $?)" "the same date again: 409"
st=$(api POST /api/nights "$(printf '%s' "$night" | sed 's/"sol":20/"sol":50/; s/}$/,"replace":true}/')")
ok "$([ "$st" = 200 ] && jq_ok 'd["tst"]==370'; echo $?)" "replace: true: 200, TST 450-50-30 = 370"
st=$(api GET '/api/nights?from=2026-11-20&to=2026-11-20')
ok "$([ "$st" = 200 ] && jq_ok 'len(d["nights"])==1 and d["nights"][0]["tst"]==370 and d["device_nights"]==[]'; echo $?)" \
	"GET /api/nights: the replaced night"
st=$(api GET '/api/nights?from=20-11-2026')
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="from"'; echo $?)" "a bad from date: 400"

# The same refusal and words as 'mgsleep log' (one validator, night_input.h).
"$bin" log --date 2026-11-18 --bed 23:00 --sol 600 --awakenings 0 --waso 0 --final-wake 06:00 --out-of-bed 06:10 \
	>/dev/null 2>"$tmp/log.err"
cli_msg=$(sed 's/^mgsleep: //' "$tmp/log.err")
st=$(api POST /api/nights '{"date":"2026-11-18","bed":"23:00","sol":600,"awakenings":0,"waso":0,"final_wake":"06:00","out_of_bed":"06:10"}')
ok "$([ "$st" = 400 ] && [ -n "$cli_msg" ] && jq_ok "d['error']['message']=='''$cli_msg''' and d['error']['field']=='sol'"; echo $?)" \
	"SOL longer than the night: 400 with log's own message"
"$bin" log --date 2026-11-18 --bed 23:00 --sol 10 --awakenings 0 --waso 0 --final-wake 06:00 --out-of-bed 06:10 \
	--mg-form glycinate --mg-compound 500 --mg-elemental 100 >/dev/null 2>"$tmp/log.err"
cli_msg=$(sed 's/^mgsleep: //' "$tmp/log.err")
st=$(api POST /api/nights '{"date":"2026-11-18","bed":"23:00","sol":10,"awakenings":0,"waso":0,"final_wake":"06:00","out_of_bed":"06:10","mg_form":"glycinate","mg_compound":500,"mg_elemental":100}')
ok "$([ "$st" = 400 ] && [ -n "$cli_msg" ] && jq_ok "d['error']['message']=='''$cli_msg'''"; echo $?)" \
	"both --mg-elemental and --mg-compound: 400 with log's own message"
st=$(api POST /api/nights '{"date":"2026-11-18","bed":"zz-secret-zz","sol":10,"awakenings":0,"waso":0,"final_wake":"06:00","out_of_bed":"06:10"}')
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="bed"' && ! grep -q secret "$tmp/body"; echo $?)" \
	"a bad clock time: 400 naming bed, the value never echoed"
st=$(api POST /api/nights '{"date":"2026-11-18","zz-secret-zz":1}')
ok "$([ "$st" = 400 ] && ! grep -q secret "$tmp/body"; echo $?)" "an unknown key: 400, the key never echoed"
st=$(api POST /api/nights '{"date":"2026-11-18","bed":"23:00"')
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="body"'; echo $?)" "not JSON: 400"
st=$(api POST /api/nights '{"date":"2026-11-18","bed":"23:00","sol":10,"awakenings":0,"waso":0,"final_wake":"06:00"}')
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="out-of-bed"'; echo $?)" "an item missing: 400 naming it"
st=$(api POST /api/nights '{"date":"2999-01-01","bed":"23:00","sol":10,"awakenings":0,"waso":0,"final_wake":"06:00","out_of_bed":"06:10"}')
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="date"'; echo $?)" "a night in the future: 400"
python3 -c "print('{\"comment\":\"' + 'x' * (1100 * 1024) + '\"}')" >"$tmp/big.json"
st=$(curl -s -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
	--data-binary @"$tmp/big.json" "$base/api/nights")
ok "$([ "$st" = 413 ]; echo $?)" "a body over 1 MiB: 413"
ok "$(secure; echo $?)" "the server's own 413 carries the CSP, nosniff, no-referrer, DENY and no-store"
st=$(curl -s -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
	-H 'Content-Length: 2000000' --data-binary '{}' "$base/api/nights" 2>/dev/null)
ok "$([ "$st" = 413 ] && secure; echo $?)" "a body declared over 1 MiB: 413 before reading it, with the security headers"

st=$(api GET /api/nights/2026-11-20)
ok "$([ "$st" = 200 ] && jq_ok 'd["sol_min"]==50'; echo $?)" "GET /api/nights/DATE: the entry"
st=$(api DELETE /api/nights/2026-11-20)
ok "$([ "$st" = 200 ]; echo $?)" "DELETE /api/nights/DATE: 200"
ok "$([ "$(sqlite3 "$MGSLEEP_DB" "SELECT group_concat(action) FROM audit WHERE key = '2026-11-20' ORDER BY id")" = "replace,delete" ]; echo $?)" \
	"the replace and the delete are in the audit table, as the CLI's"
st=$(api DELETE /api/nights/2026-11-20)
ok "$([ "$st" = 404 ]; echo $?)" "DELETE again: 404"
st=$(api DELETE /api/nights/yesterday)
ok "$([ "$st" = 400 ]; echo $?)" "DELETE a bad date: 400"

# ---- profile, advice, summary, trial, questionnaires ---------------------
st=$(api GET /api/profile)
ok "$([ "$st" = 404 ]; echo $?)" "GET /api/profile before one is stored: 404"
st=$(api GET /api/advice)
ok "$([ "$st" = 404 ] && jq_ok 'd["error"]["field"]=="profile"'; echo $?)" "GET /api/advice without a profile: 404"
st=$(api PUT /api/profile '{"age":"zz-secret-zz"}')
ok "$([ "$st" = 400 ] && ! grep -q secret "$tmp/body"; echo $?)" "PUT /api/profile with a bad age: 400, not echoed"
st=$(api PUT /api/profile "$(cat examples/profile.json)")
ok "$([ "$st" = 200 ] && jq_ok 'd["age"]==52'; echo $?)" "PUT /api/profile: 200"
"$bin" profile show >"$tmp/cli-profile.json"
st=$(api GET /api/profile)
ok "$([ "$st" = 200 ] && cmp -s "$tmp/body" "$tmp/cli-profile.json"; echo $?)" "GET /api/profile = 'mgsleep profile show'"
"$bin" advise --format json >"$tmp/cli-advice.json"
st=$(api GET /api/advice)
ok "$([ "$st" = 200 ] && cmp -s "$tmp/body" "$tmp/cli-advice.json"; echo $?)" "GET /api/advice = 'mgsleep advise --format json'"
st=$(api GET /api/summary)
"$bin" summary --format json >"$tmp/cli-summary.json"
ok "$([ "$st" = 200 ] && cmp -s "$tmp/body" "$tmp/cli-summary.json"; echo $?)" "GET /api/summary = 'mgsleep summary --format json'"
st=$(api GET '/api/summary?weeks=0')
ok "$([ "$st" = 400 ]; echo $?)" "summary weeks=0: 400"
st=$(api GET /api/trial)
ok "$([ "$st" = 404 ]; echo $?)" "GET /api/trial with none planned: 404"
# ---- trial: planned by the CLI on the store the server has open ----------
st=$(api GET /api/trial/analysis)
ok "$([ "$st" = 404 ] && jq_ok 'd["error"]["field"]=="trial"'; echo $?)" "GET /api/trial/analysis with no trial: 404"
"$bin" trial plan --start 2026-10-01 --seed 7 --ics "$tmp/cli.ics" >/dev/null 2>"$tmp/plan.err"
st=$(api GET /api/trial)
ok "$([ "$st" = 200 ] && jq_ok 'd["start"]=="2026-10-01" and d["pairs"]==6'; echo $?)" "GET /api/trial: the trial the CLI planned"
# Its periods and tonight from the library (as 'trial plan --format json'
# and 'trial today'). By hand: 6 pairs of 28-night periods from 2026-10-01
# (kb/trial.json defaults), period k from 2026-10-01 + 28(k-1) days to 27
# days later; the arms of seed 7 from the CLI's own plan in a scratch store.
MGSLEEP_DB="$tmp/arms.db" "$bin" profile set --profile examples/profile.json >/dev/null 2>&1
MGSLEEP_DB="$tmp/arms.db" "$bin" trial plan --start 2026-10-01 --seed 7 --format json >"$tmp/arms-plan.json"
st=$(api GET '/api/trial?date=2026-10-10')
ok "$([ "$st" = 200 ] && python3 -c "
import datetime as dt,json,sys
d=json.load(open('$tmp/body')); cli=json.load(open('$tmp/arms-plan.json'))['periods']
s=dt.date(2026,10,1)
want=[(k+1,k//2+1,str(s+dt.timedelta(28*k)),str(s+dt.timedelta(28*k+27)),str(s+dt.timedelta(28*k+7)),cli[k]['arm']) for k in range(12)]
got=[(p['period'],p['pair'],p['start'],p['end'],p['analysed_from'],p['arm']) for p in d['periods']]
sys.exit(0 if got==want and want[-1][3]=='2027-09-01' else 1)"; echo $?)" \
	"GET /api/trial: 12 periods of 28 nights from 2026-10-01 to 2027-09-01 (by hand), the CLI's arms"
"$bin" trial today --date 2026-10-10 >"$tmp/today.txt"
mg=$(grep -q '^Tonight: take no magnesium' "$tmp/today.txt" && echo False || echo True)
# Evening 2026-10-10 is 9 days after the start: period 1, night 10 (after
# the 7-night washout), pair 1; to take the dose iff 'trial today' says so.
ok "$(jq_ok "d['tonight']['date']=='2026-10-10' and d['tonight']['phase']=='period' and d['tonight']['period']==1 and d['tonight']['pair']==1
	and d['tonight']['night']==10 and not d['tonight']['washout'] and not d['tonight']['paused'] and d['tonight']['magnesium']==$mg
	and (d['tonight']['dose'] is not None)==$mg" && grep -q '^2026-10-10: period 1 of 12 (pair 1), night 10 of 28\.$' "$tmp/today.txt"; echo $?)" \
	"tonight on 2026-10-10: period 1 of 12, night 10, as 'trial today --date 2026-10-10' says"
st=$(api GET '/api/trial?date=2026-10-03')
ok "$([ "$st" = 200 ] && jq_ok "d['tonight']['night']==3 and d['tonight']['washout']"; echo $?)" "tonight on 2026-10-03: night 3, a washout night"
st=$(api GET '/api/trial?date=2026-09-30')
ok "$([ "$st" = 200 ] && jq_ok "d['tonight']['phase']=='before' and d['tonight']['period'] is None and not d['tonight']['magnesium']"; echo $?)" \
	"tonight the evening before the start: before, nothing to take"
st=$(api GET '/api/trial?date=2027-09-02')
ok "$([ "$st" = 200 ] && jq_ok "d['tonight']['phase']=='ended' and d['tonight']['last_evening']=='2027-09-01' and d['tonight']['dose'] is None"; echo $?)" \
	"tonight after 2027-09-01: ended"
st=$(api GET '/api/trial?date=2026-13-01')
ok "$([ "$st" = 400 ] && jq_ok "d['error']['field']=='date'"; echo $?)" "GET /api/trial with an impossible date: 400"
st=$(api GET /api/trial/ics)
ok "$([ "$st" = 200 ] && header Content-Type | grep -q '^text/calendar' && header Content-Disposition | grep -q attachment &&
	[ "$(grep -v '^DTSTAMP' "$tmp/body")" = "$(grep -v '^DTSTAMP' "$tmp/cli.ics")" ]; echo $?)" \
	"GET /api/trial/ics = 'trial plan --ics' (but the time stamp)"
"$bin" trial analyze --date 2026-11-20 --format json >"$tmp/cli-analysis.json"
st=$(api GET '/api/trial/analysis?date=2026-11-20')
ok "$([ "$st" = 200 ] && cmp -s "$tmp/body" "$tmp/cli-analysis.json"; echo $?)" \
	"GET /api/trial/analysis = 'trial analyze --format json'"
st=$(api POST /api/trial/event '{"date":"2026-10-05","symptom":["zz-secret"]}')
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="symptom"' && ! grep -q secret "$tmp/body"; echo $?)" \
	"an adverse event with an unknown symptom: 400, not echoed"
st=$(api POST /api/trial/resume '{"date":"2026-10-06"}')
ok "$([ "$st" = 409 ]; echo $?)" "resume when not paused: 409"
# Diarrhoea is a stop rule (kb/trial.json stop_rules): the trial pauses.
st=$(api POST /api/trial/event '{"date":"2026-10-05","symptom":"diarrhoea","note":"after dinner"}')
ok "$([ "$st" = 201 ] && jq_ok 'd["stops"] and "paused" in d["text"]'; echo $?)" "POST /api/trial/event: diarrhoea pauses the trial"
st=$(api POST /api/trial/resume '{"date":"2026-10-05"}')
ok "$([ "$st" = 400 ]; echo $?)" "resume on the day the pause began: 400"
st=$(api POST /api/trial/resume '{"date":"2026-10-09"}')
ok "$([ "$st" = 200 ]; echo $?)" "POST /api/trial/resume: 200"
# The pause: evenings 2026-10-05 to 2026-10-08 (resumed on 2026-10-09).
st=$(api GET '/api/trial?date=2026-10-06')
ok "$([ "$st" = 200 ] && jq_ok "d['tonight']['phase']=='paused' and d['tonight']['paused'] and d['tonight']['paused_since']=='2026-10-05'
	and not d['tonight']['magnesium'] and d['tonight']['dose'] is None" &&
	"$bin" trial today --date 2026-10-06 | grep -q 'paused since 2026-10-05'; echo $?)" \
	"tonight in the pause: paused since 2026-10-05, no magnesium (as 'trial today')"
st=$(api GET '/api/trial?date=2026-10-09')
ok "$([ "$st" = 200 ] && jq_ok "d['tonight']['phase']=='period' and not d['tonight']['paused']"; echo $?)" "tonight on the day of the resume: a period night again"
ok "$([ "$(sqlite3 "$MGSLEEP_DB" "SELECT group_concat(kind) FROM (SELECT kind FROM trial_event ORDER BY id)")" = event,resume ]; echo $?)" \
	"the event and the resume are stored"
st=$(api POST /api/trial/plan '{"start":"2026-10-01","seed":7}')
ok "$([ "$st" = 409 ] && jq_ok '"--replace" in d["error"]["message"]'; echo $?)" "POST /api/trial/plan with a trial in the store: 409"
st=$(api POST /api/trial/plan '{"start":"2026-10-01","period_days":5,"washout":4,"replace":true}')
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="washout"'; echo $?)" "a washout that leaves under 2 nights: 400"
st=$(api POST /api/trial/plan '{"start":"2026-10-01","pairs":"six","replace":true}')
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="pairs"'; echo $?)" "pairs not a number: 400"
# 6 pairs x 2 periods x 28 nights = 336 evenings from 2026-10-01: the last
# is 2026-10-01 + 335 days = 2027-09-01. Seed 7 gives the CLI's order above.
st=$(api POST /api/trial/plan '{"start":"2026-10-01","seed":7,"replace":true}')
ok "$([ "$st" = 201 ] && jq_ok 'd["end"]=="2027-09-01" and d["seed"]=="7" and d["retired"]["status"]=="replaced"'; echo $?)" \
	"POST /api/trial/plan, replace: 201, ends 2027-09-01 (by hand)"
python3 -c "import json; print(json.dumps([p['arm'] for p in json.load(open('$tmp/body'))['periods']]))" >"$tmp/api-arms"
MGSLEEP_DB="$tmp/other.db" "$bin" profile set --profile examples/profile.json >/dev/null 2>&1
MGSLEEP_DB="$tmp/other.db" "$bin" trial plan --start 2026-10-01 --seed 7 --format json |
	python3 -c "import json,sys; print(json.dumps([p['arm'] for p in json.load(sys.stdin)['periods']]))" >"$tmp/cli-arms"
ok "$(cmp -s "$tmp/api-arms" "$tmp/cli-arms" && [ -s "$tmp/cli-arms" ]; echo $?)" "the same seed gives the CLI's order of periods"
ok "$([ "$(sqlite3 "$MGSLEEP_DB" "SELECT group_concat(status) FROM (SELECT status FROM trial ORDER BY id)")" = replaced,planned ]; echo $?)" \
	"the old trial is kept as replaced"
st=$(api GET /api/trial/nope)
ok "$([ "$st" = 404 ]; echo $?)" "an unknown trial endpoint: 404"
st=$(api POST /api/trial/analysis '{}')
ok "$([ "$st" = 405 ]; echo $?)" "POST to analysis: 405"

# ISI: seven items of 2 = 14, in the 8-14 band (subthreshold).
# The forms' wording (GET /api/questionnaires) against the reference
# (section 7.1: 7 ISI items, items 1-3 and their anchors None .. Very severe;
# the recall period of 2 weeks) and docs/questionnaires.md's table of PSQI
# keys in questionnaire order (19 items, q5j_reason and q5j optional).
st=$(api GET /api/questionnaires)
ok "$([ "$st" = 200 ] && python3 -c "
import json,re,sys
d=json.load(open('$tmp/body'))
isi=d['isi']['items']
ok=len(isi)==7 and [i['key'] for i in isi]==['item%d'%k for k in range(1,8)]
ok=ok and [i['text'] for i in isi[:3]]==['Difficulty falling asleep','Difficulty staying asleep','Problems waking up too early']
ok=ok and all(i['anchors']==['None','Mild','Moderate','Severe','Very severe'] for i in isi[:3])
ok=ok and isi[3]['anchors'][0]=='Very satisfied' and isi[3]['anchors'][4]=='Very dissatisfied' and '2 weeks' in d['isi']['instructions']
doc=open('docs/questionnaires.md').read()
table=doc[doc.index('| Key | Question'):]
keys=[]
for k in re.findall(r'^[|] '+chr(96)+'([a-z0-9_]+)'+chr(96), table, re.M):
    if k=='q5a': keys+=['q5'+c for c in 'abcdefghi']
    elif k not in keys: keys.append(k)
psqi=d['psqi']['items']
ok=ok and [i['key'] for i in psqi]==keys and len(psqi)==19
ok=ok and [i['key'] for i in psqi if i['optional']]==['q5j_reason','q5j']
ok=ok and [i['kind'] for i in psqi[:4]]==['time','minutes','time','hours'] and psqi[18]['anchors'][3]=='A very big problem'
sys.exit(0 if ok else 1)"; echo $?)" \
	"GET /api/questionnaires: the ISI as the reference (7.1) gives it, the PSQI keys of docs/questionnaires.md in order"
st=$(api POST /api/isi '{"date":"2026-11-19","answers":[2,2,2,2,2,2,2]}')
ok "$([ "$st" = 201 ] && jq_ok 'd["total"]==14 and d["category"]=="subthreshold"'; echo $?)" "POST /api/isi: 14, subthreshold"
st=$(api POST /api/isi '{"answers":[2,2,2,2,2,2,9]}')
ok "$([ "$st" = 400 ]; echo $?)" "POST /api/isi with an item over 4: 400"
st=$(api GET /api/isi)
ok "$([ "$st" = 200 ] && jq_ok 'len(d)==1 and d[0]["date"]=="2026-11-19"'; echo $?)" "GET /api/isi: the history"
# PSQI: the reference's worked example (section 7.2): components 2,2,1,1,1,0,1
# = global 8, a poor sleeper; efficiency 6.5 h / 8 h = 81.25 %.
psqi='{"bedtime":"23:00","sleep_latency_min":45,"rise_time":"07:00","sleep_hours":6.5,"q5a":2,"q5b":1,"q5c":1,"q5d":1,"q5e":1,"q5f":1,"q5g":1,"q5h":1,"q5i":1,"q5j":0,"sleep_quality":2,"sleep_medication":0,"trouble_staying_awake":1,"enthusiasm":1}'
st=$(api POST /api/psqi "{\"date\":\"2026-11-19\",\"answers\":$psqi}")
ok "$([ "$st" = 201 ] && jq_ok 'd["global"]==8 and d["components"]==[2,2,1,1,1,0,1] and d["poor_sleeper"] and abs(d["efficiency_pct"]-81.25)<=0.05'; echo $?)" \
	"POST /api/psqi: the reference's worked example, global 8"
st=$(api POST /api/psqi '{"answers":{"bedtime":"23:00"}}')
ok "$([ "$st" = 400 ]; echo $?)" "POST /api/psqi with items missing: 400"
st=$(api GET /api/psqi)
ok "$([ "$st" = 200 ] && jq_ok 'len(d)==1 and d[0]["result"]["global"]==8'; echo $?)" "GET /api/psqi: the history"
"$bin" forms --format json >"$tmp/cli-forms.json"
st=$(api GET /api/forms)
ok "$([ "$st" = 200 ] && cmp -s "$tmp/body" "$tmp/cli-forms.json"; echo $?)" "GET /api/forms = 'mgsleep forms --format json'"
st=$(api GET '/api/medicines/suggest?q=levothyroxin')
ok "$([ "$st" = 200 ] && jq_ok 'd["suggestion"]=="levothyroxine" and d["unrecognised"]'; echo $?)" \
	"medicines/suggest: levothyroxin -> did you mean levothyroxine"
# Diet quiz: every item "once a day" (per_day 1): the sum of each item's
# mg_per_100g x grams / 100 in kb/diet.json.
quiz_n=$(python3 -c "import json; print(len(json.load(open('kb/diet.json'))['items']))")
quiz_mg=$(python3 -c "import json; print(round(sum(i['mg_per_100g'] * i['grams'] / 100 for i in json.load(open('kb/diet.json'))['items']), 1))")
st=$(api GET /api/diet/quiz)
ok "$([ "$st" = 200 ] && jq_ok "len(d['items'])==$quiz_n and d['frequencies'][5]['per_day']==1 and d['latest'] is None"; echo $?)" \
	"GET /api/diet/quiz: the KB's $quiz_n questions and frequencies"
answers=$(python3 -c "print([5] * $quiz_n)")
st=$(api POST /api/diet/quiz "{\"date\":\"2026-11-19\",\"answers\":$answers}")
ok "$([ "$st" = 201 ] && jq_ok "abs(d['mg_per_day'] - $quiz_mg) <= 0.05"; echo $?)" \
	"POST /api/diet/quiz: every food once a day = $quiz_mg mg (kb/diet.json by hand)"
st=$(api POST /api/diet/quiz '{"answers":[9]}')
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="answers"'; echo $?)" "a diet quiz with a wrong answer count: 400"
st=$(api GET '/api/foods?q=almonds')
if [ "$st" = 200 ]; then
	ok "$(jq_ok 'd["matches"]>0'; echo $?)" "food search: almonds found"
	ndb=$(python3 -c "import json; print(json.load(open('$tmp/body'))['foods'][0]['ndb'])")
	per100=$(python3 -c "import json; print(json.load(open('$tmp/body'))['foods'][0]['mg_per_100g'])")
	# 30 g of a food with M mg per 100 g: 0.3 x M mg.
	st=$(api POST /api/food "{\"food\":\"$ndb\",\"amount\":\"30 g\",\"date\":\"2026-11-19\"}")
	ok "$([ "$st" = 201 ] && jq_ok "d['grams']==30 and abs(d['mg'] - 0.3 * $per100) <= 0.05"; echo $?)" \
		"POST /api/food: 30 g = 0.3 x the table's mg per 100 g"
	st=$(api POST /api/food "{\"food\":\"$ndb\",\"amount\":\"a zz-secret\"}")
	ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="amount"' && ! grep -q secret "$tmp/body"; echo $?)" \
		"a food amount that cannot be read: 400, not echoed"
	st=$(api POST /api/food "{\"food\":\"$ndb\",\"amount\":\"2 zzjars\"}")
	ok "$([ "$st" = 400 ] && jq_ok "d['error']['field']=='amount' and 'no portion of that name' in d['error']['message'] and 'or grams' in d['error']['message']" &&
		! grep -q zzjars "$tmp/body"; echo $?)" \
		"a unit the food has not: 400, the library's message (field and portions), the unit not echoed"
	st=$(api POST /api/food "{\"food\":\"$ndb\",\"amount\":\"20 kg\"}")
	ok "$([ "$st" = 400 ] && jq_ok "'10000 g' in d['error']['message']" && ! grep -q 20000 "$tmp/body"; echo $?)" \
		"20 kg: over the 10 kg cap, the amount (20000 g) not echoed"
	st=$(api GET /api/food)
	id=$(python3 -c "import json; print(json.load(open('$tmp/body'))[0]['id'])")
	ok "$([ "$st" = 200 ] && jq_ok 'len(d)==1'; echo $?)" "GET /api/food: the entry"
	st=$(api DELETE "/api/food/$id")
	ok "$([ "$st" = 200 ]; echo $?)" "DELETE /api/food/ID: 200"
	st=$(api DELETE "/api/food/$id")
	ok "$([ "$st" = 404 ]; echo $?)" "DELETE it again: 404"
else
	ok "$([ "$st" = 404 ] && jq_ok 'd["error"]["field"]=="foods"'; echo $?)" "food search in a build without the table: 404"
	for _ in 1 2 3 4 5; do skip "no food table in this build"; done
fi
st=$(api GET /api/nope)
ok "$([ "$st" = 404 ] && secure; echo $?)" "an unknown endpoint: 404, with the security headers"
st=$(curl -s -D "$tmp/headers" -o /dev/null -w '%{http_code}' -b "$tmp/jar" "$base/no-such-page")
ok "$([ "$st" = 404 ] && secure; echo $?)" "an unknown page: 404, with the security headers"
st=$(api DELETE /api/profile)
ok "$([ "$st" = 405 ]; echo $?)" "a method an endpoint does not take: 405"

# ---- concurrent writers: the CLI and the API on one store ----------------
(
	for d in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15; do
		"$bin" log --date 2026-10-$d --bed 23:00 --sol 10 --awakenings 0 --waso 0 --final-wake 06:00 \
			--out-of-bed 06:10 --no-mg >/dev/null 2>>"$tmp/cli-loop.err"
	done
) &
loop=$!
posted=0
for d in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15; do
	st=$(api POST /api/nights "{\"date\":\"2026-09-$d\",\"bed\":\"23:00\",\"sol\":10,\"awakenings\":0,\"waso\":0,\"final_wake\":\"06:00\",\"out_of_bed\":\"06:10\",\"no_mg\":true}")
	[ "$st" = 201 ] && posted=$((posted + 1))
done
wait "$loop"
count=$("$bin" diary --from 2026-09-01 --to 2026-10-31 --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
ok "$([ "$posted" = 15 ] && [ "$count" = 30 ] && [ ! -s "$tmp/cli-loop.err" ]; echo $?)" \
	"15 CLI logs and 15 API posts at the same time: 30 nights, none lost"

# ---- export round trip ---------------------------------------------------
st=$(api GET /api/export?format=json)
ok "$([ "$st" = 200 ] && header Content-Disposition | grep -q attachment; echo $?)" "GET /api/export?format=json: an attachment"
cp "$tmp/body" "$tmp/export.json"
"$bin" export >"$tmp/cli-export.json"
ok "$(python3 -c "
import json,sys
a=json.load(open('$tmp/export.json')); b=json.load(open('$tmp/cli-export.json'))
a.pop('exported_at',None); b.pop('exported_at',None)
sys.exit(0 if a==b else 1)"; echo $?)" "the API's export = 'mgsleep export'"
MGSLEEP_DB="$tmp/restored.db" "$bin" import-backup "$tmp/export.json" >/dev/null 2>&1
ok "$([ "$(MGSLEEP_DB="$tmp/restored.db" "$bin" diary --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 30 ]; echo $?)" \
	"export, import-backup into a new store: the 30 nights are there"
"$bin" export --format fhir >"$tmp/cli-fhir.json"
st=$(api GET /api/export?format=fhir)
ok "$([ "$st" = 200 ] && header Content-Type | grep -q '^application/fhir+json' && python3 -c "
import json,sys
a=json.load(open('$tmp/body')); b=json.load(open('$tmp/cli-fhir.json'))
# ids and time stamps are made per run; the resources are the same
def shape(x): return sorted((e['resource']['resourceType'], json.dumps(e['resource'].get('code', e['resource'].get('questionnaire')), sort_keys=True)) for e in x['entry'])
sys.exit(0 if a['resourceType']=='Bundle' and shape(a)==shape(b) else 1)"; echo $?)" \
	"GET /api/export?format=fhir: the same resources as 'export --format fhir'"
"$bin" report >"$tmp/cli-report.html"
st=$(api GET /api/report)
ok "$([ "$st" = 200 ] && header Content-Type | grep -q '^text/html' && cmp -s "$tmp/body" "$tmp/cli-report.html"; echo $?)" \
	"GET /api/report = 'mgsleep report'"
header Content-Security-Policy >"$tmp/csp"
ok "$(python3 -c "
import base64,hashlib,re,sys
html=open('$tmp/body').read(); csp=open('$tmp/csp').read()
styles=re.findall(r'<style>(.*?)</style>', html, re.S)
want=[\"'sha256-%s'\" % base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in styles]
sys.exit(0 if styles and all(w in csp for w in want) and 'unsafe-inline' not in csp and \"default-src 'none'\" in csp else 1)"; echo $?)" \
	"the report's CSP allows its <style> by SHA-256 (hashlib), never unsafe-inline"
ok "$([ "$(grep -ci '^Content-Security-Policy:' "$tmp/headers")" = 1 ]; echo $?)" "the report has one CSP (its own, not the common one too)"
st=$(api GET '/api/report?from=2026-12-01&to=2026-11-01')
ok "$([ "$st" = 400 ]; echo $?)" "report from after to: 400"
st=$(api GET /api/export?format=xml)
ok "$([ "$st" = 400 ]; echo $?)" "export in an unknown format: 400"

# ---- CSV export (a zip of the CLI's folder) and backup -------------------
"$bin" export --format csv --out "$tmp/cli-csv" >/dev/null
st=$(api GET /api/export?format=csv)
ok "$([ "$st" = 200 ] && header Content-Type | grep -q '^application/zip' &&
	header Content-Disposition | grep -q 'attachment; filename="mgsleep-export.zip"'; echo $?)" \
	"GET /api/export?format=csv: a zip attachment"
# Unzipped by Python's zipfile (its own reader, CRC checked by testzip), then
# compared with the CLI's folder byte for byte.
ok "$(python3 -c "
import os,sys,zipfile
z=zipfile.ZipFile('$tmp/body')
if z.testzip() is not None: sys.exit(1)
names=sorted(z.namelist())
if names!=sorted(os.listdir('$tmp/cli-csv')) or names!=['nights.csv','profile.csv','questionnaires.csv']: sys.exit(1)
sys.exit(0 if all(z.read(n)==open('$tmp/cli-csv/'+n,'rb').read() for n in names) else 1)"; echo $?)" \
	"the zip holds nights.csv, questionnaires.csv, profile.csv, each = 'export --format csv --out DIR' byte for byte"
ok "$([ "$(grep -c . "$tmp/cli-csv/nights.csv")" = 31 ]; echo $?)" "nights.csv: a header and the 30 nights"
st=$(api GET /api/backup)
cp "$tmp/body" "$tmp/web-backup.db"
"$bin" backup "$tmp/cli-backup.db" >/dev/null
ok "$([ "$st" = 200 ] && header Content-Disposition | grep -q 'attachment; filename="mgsleep-backup.db"' &&
	[ "$(head -c 15 "$tmp/web-backup.db")" = "SQLite format 3" ]; echo $?)" \
	"GET /api/backup: an attachment, an SQLite database"
MGSLEEP_DB="$tmp/web-backup.db" "$bin" export >"$tmp/web-backup.json"
MGSLEEP_DB="$tmp/cli-backup.db" "$bin" export >"$tmp/cli-backup.json"
ok "$(python3 -c "
import json,sys
a=json.load(open('$tmp/web-backup.json')); b=json.load(open('$tmp/cli-backup.json'))
a.pop('exported_at',None); b.pop('exported_at',None)
sys.exit(0 if a==b and len(a['nights'])==30 else 1)"; echo $?)" \
	"the backup opens with mgsleep and holds what 'mgsleep backup' holds (30 nights)"
ok "$([ -z "$(ls -A "$tmp/uploads")" ]; echo $?)" "no temporary backup left behind (the server's TMPDIR is empty)"
st=$(api POST /api/backup '{}')
ok "$([ "$st" = 405 ]; echo $?)" "POST /api/backup: 405"

# ---- import (streamed) ---------------------------------------------------
oura=$FIX/oura/oura-cloud-api-v1_sleep-period_example.json
if [ -f "$oura" ]; then
	st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -F "file=@$oura" "$base/api/import")
	ok "$([ "$st" = 200 ] && jq_ok 'd["nights"]==1 and not d["dry_run"]'; echo $?)" "POST /api/import (Oura v1 fixture): 1 night"
	# From the fixture itself: duration 21540 s = 359 min in bed; asleep, the
	# hypnogram's 5-minute slots that are not 4 (awake), which the importer
	# prefers to the summary's totals (src/import/oura_json.c).
	tst=$(python3 -c "import json; h=json.load(open('$oura'))['hypnogram_5min']; print(5 * sum(c != '4' for c in h))")
	st=$(api GET /api/nights)
	ok "$([ "$st" = 200 ] && jq_ok "len(d['device_nights'])==1 and d['device_nights'][0]['tib']==359 and d['device_nights'][0]['tst']==$tst"; echo $?)" \
		"the imported night: 359 min in bed, $tst asleep (the fixture's seconds and hypnogram)"
	st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -F "file=@$oura" -F dry_run=1 "$base/api/import")
	ok "$([ "$st" = 200 ] && jq_ok 'd["dry_run"] and d["nights_before"]==1'; echo $?)" "a dry run: the report, nothing written"
else
	skip "no Oura fixture at $oura"
	skip "no Oura fixture at $oura"
	skip "no Oura fixture at $oura"
fi
# A CSV of no known layout with a column map, as 'import --map ... --source'.
# By hand: in bed 22:50-06:40 UTC = 470 min, asleep 23:00-06:30 = 450 min,
# 10 min to fall asleep; the night is the morning's date, 2026-03-02.
printf 'Begin,Finish,Phase\n2026-03-01T22:50:00Z,2026-03-02T06:40:00Z,in bed\n2026-03-01T23:00:00Z,2026-03-02T06:30:00Z,asleep\n' >"$tmp/mapped.csv"
MGSLEEP_DB="$tmp/csv-cli.db" "$bin" import "$tmp/mapped.csv" --map start=Begin,end=Finish,stage=Phase --source mywatch \
	--format json >"$tmp/csv-cli.json"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -F "file=@$tmp/mapped.csv" \
	-F map=start=Begin,end=Finish,stage=Phase -F source=mywatch "$base/api/import")
ok "$([ "$st" = 200 ] && python3 -c "
import json,sys
a=json.load(open('$tmp/body')); b=json.load(open('$tmp/csv-cli.json'))
sys.exit(0 if a['counts']==b['counts'] and b['nights']==1 and b['first']=='2026-03-02' and a['nights']-a['nights_before']==1
	and {c['source'] for c in a['counts']}=={'mywatch'} else 1)"; echo $?)" \
	"POST /api/import with map and source: the report of 'import --map ... --source mywatch' (1 night, source mywatch)"
st=$(api GET '/api/nights?from=2026-03-02&to=2026-03-02')
ok "$([ "$st" = 200 ] && jq_ok "[(n['source'],n['tib'],n['tst'],n['sol']) for n in d['device_nights']]==[('mywatch',470,450,10)]"; echo $?)" \
	"the mapped night: mywatch, 470 min in bed, 450 asleep, 10 to fall asleep (by hand)"
api GET /api/nights >/dev/null
cp "$tmp/body" "$tmp/before-bad-map.json"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -F "file=@$tmp/mapped.csv;filename=mine.csv" \
	-F map=start=Begin,end=Nope "$base/api/import")
ok "$([ "$st" = 400 ] && jq_ok "d['error']['field']=='map' and d['error']['message']==\"mine.csv: map end: no column 'Nope' in the header\""; echo $?)" \
	"a map naming a column not in the header: 400, field map, naming the key and the upload (not the temporary path)"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -F "file=@$tmp/mapped.csv" \
	-F map=start=Begin "$base/api/import")
ok "$([ "$st" = 400 ] && jq_ok "d['error']['field']=='map' and 'end' in d['error']['message'] and '--map' not in d['error']['message']"; echo $?)" \
	"a map without end: 400, field map, saying end is required"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -F "file=@$tmp/mapped.csv" "$base/api/import")
ok "$([ "$st" = 400 ] && jq_ok "d['error']['field']=='file' and 'map' in d['error']['message']"; echo $?)" \
	"the same CSV without a map: 400, saying to give a map"
api GET /api/nights >/dev/null
ok "$(cmp -s "$tmp/body" "$tmp/before-bad-map.json"; echo $?)" "the refused imports changed nothing"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -F "file=@examples/profile.json" "$base/api/import")
ok "$([ "$st" = 403 ]; echo $?)" "an upload without X-CSRF-Token: 403"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -F "dry_run=1" "$base/api/import")
ok "$([ "$st" = 400 ] && jq_ok 'd["error"]["field"]=="file"'; echo $?)" "an upload without a file: 400"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
	--data-binary '{}' "$base/api/import")
ok "$([ "$st" = 415 ]; echo $?)" "an upload that is not multipart/form-data: 415"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: multipart/form-data; boundary=b' \
	-H 'Content-Length: 999999999999' -D "$tmp/headers" --data-binary 'x' "$base/api/import" 2>/dev/null)
ok "$([ "$st" = 413 ] && secure; echo $?)" "an upload declared over the cap: 413, with the security headers"
# 50 MB of CSV rows nobody can read as sleep: streamed to disk, refused by
# the importer, and the server's peak memory grows by far less than 50 MB.
python3 -c "
import sys
row = b'a,b,c,d,e,f,g,h\n' * 4096
with open('$tmp/big.csv', 'wb') as f:
    for _ in range(50 * 1024 * 1024 // len(row)): f.write(row)"
hwm0=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$pid/status)
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -F "file=@$tmp/big.csv" "$base/api/import")
hwm1=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$pid/status)
echo "# 50 MB upload: status $st, VmHWM $hwm0 kB -> $hwm1 kB"
ok "$([ "$st" = 400 ] && [ $((hwm1 - hwm0)) -lt 16384 ]; echo $?)" "a 50 MB upload: streamed (peak memory +$((hwm1 - hwm0)) kB < 16 MB)"
# Removed when the request completes, just after the answer is sent.
i=0
while [ -n "$(ls -A "$tmp/uploads")" ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
ok "$([ -z "$(ls -A "$tmp/uploads")" ]; echo $?)" "the temporary copies are gone (the server's TMPDIR is empty)"
stop_server

# ---- an encrypted store --------------------------------------------------
export MGSLEEP_DB="$tmp/sealed.db"
MGSLEEP_PASSPHRASE=correct-horse "$bin" init --encrypt >/dev/null 2>&1
start_server
login
st=$(api GET /api/nights)
ok "$([ "$st" = 423 ] && jq_ok 'd["error"]["field"]=="passphrase" and "unlock" in d["error"]["message"]'; echo $?)" \
	"an encrypted store before unlock: 423, saying to unlock"
st=$(api GET /api/session)
ok "$([ "$st" = 200 ] && jq_ok 'd["locked"] and d["encrypted"]'; echo $?)" "GET /api/session: locked, encrypted"
st=$(api POST /api/unlock '{"passphrase":"wrong-horse"}')
ok "$([ "$st" = 403 ] && ! grep -q horse "$tmp/body"; echo $?)" "a wrong passphrase: 403, not echoed"
st=$(api POST /api/unlock '{"passphrase":"correct-horse"}')
ok "$([ "$st" = 200 ]; echo $?)" "POST /api/unlock: 200"
st=$(api POST /api/nights '{"date":"2026-11-20","bed":"23:00","sol":10,"awakenings":0,"waso":0,"final_wake":"06:00","out_of_bed":"06:10"}')
ok "$([ "$st" = 201 ] && jq_ok 'd["tst"]==410'; echo $?)" "then a night is stored (TST 420-10 = 410)"
ok "$(! grep -q correct-horse "$tmp/web.err"; echo $?)" "the passphrase is not in the log"
st=$(api GET /api/backup)
cp "$tmp/body" "$tmp/sealed-backup.db"
ok "$([ "$st" = 200 ] && [ "$(head -c 15 "$tmp/sealed-backup.db")" != "SQLite format 3" ] &&
	[ "$(MGSLEEP_DB="$tmp/sealed-backup.db" MGSLEEP_PASSPHRASE=correct-horse "$bin" diary --format json |
		python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ]; echo $?)" \
	"GET /api/backup of an encrypted store: still encrypted, opens with the same passphrase (1 night)"
stop_server
ok "$([ "$(MGSLEEP_PASSPHRASE=correct-horse "$bin" diary --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ]; echo $?)" \
	"the night is in the encrypted store after the server stops"
"$bin" web --no-open --listen 0.0.0.0:0 >/dev/null 2>"$tmp/err"
ok "$([ $? = 2 ] && grep -q 'allow-remote' "$tmp/err"; echo $?)" "a non-loopback address: exit 2, saying how (--allow-remote with TLS)"
"$bin" web --no-open --listen 0.0.0.0:0 --allow-remote >/dev/null 2>"$tmp/err"
ok "$([ $? = 2 ] && grep -q 'tls-cert' "$tmp/err"; echo $?)" "--allow-remote without TLS: exit 2"

# ---- HTTPS (--allow-remote with a self-signed certificate) ----------------
export MGSLEEP_DB="$tmp/tls.db"
if ! command -v openssl >/dev/null 2>&1; then
	for _ in 1 2 3 4; do skip "TLS: openssl is not installed (scripts/bootstrap.sh --dev installs it)"; done
else
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
	: >"$tmp/web.out"
	"$bin" web --no-open --listen 127.0.0.1:0 --allow-remote --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" \
		>"$tmp/web.out" 2>"$tmp/web.err" &
	pid=$!
	i=0
	while [ ! -s "$tmp/web.out" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	url=$(sed -n '1s/^Open //p' "$tmp/web.out")
	ok "$(printf '%s\n' "$url" | grep -Eqx 'https://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64}'; echo $?)" "TLS: the URL printed is https"
	curl -s --cacert "$tmp/cert.pem" -D "$tmp/headers" -o /dev/null -c "$tmp/jar" "$url"
	ok "$(header Set-Cookie | grep -q '; Secure$'; echo $?)" "TLS: the cookie is Secure"
	st=$(curl -s --cacert "$tmp/cert.pem" -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" "${url%%/?token=*}/api/nights")
	ok "$([ "$st" = 200 ]; echo $?)" "TLS: the API over https with the cookie"
	st=$(curl -s -o /dev/null -w '%{http_code}' "http://${url#https://}")
	ok "$([ "$st" = 000 ]; echo $?)" "TLS: plain http to the port gets nothing"
	stop_server
fi
"$bin" web --no-open --listen 127.0.0.1:0 --allow-remote --tls-cert "$tmp/cert.pem" --tls-key "$tmp/cert.pem" >/dev/null 2>"$tmp/err"
ok "$([ $? = 2 ] && ! grep -q 'BEGIN' "$tmp/err"; echo $?)" "a certificate given as the key: exit 2, the PEM never printed"

finish
