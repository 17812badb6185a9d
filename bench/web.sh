#!/bin/sh
# Benchmark (not a test) of mgsleep web (issue 14): every API answer and page
# for a store with three years of diary nights and a year of imported device
# data, timed at the server (the duration its log line gives, from the first
# byte of the request to the answer queued) and at a keep-alive client; and
# the Today page's bytes over the wire (the page and every asset it names).
# A trial is planned through the API (begun 120 evenings ago) so that its
# analysis and calendar are timed too.
# Target: under 20 ms at the server for each; Today under 100 KB.
#
# The store: a year of Apple Watch data (bench/gen_apple: 215 MiB of
# export.xml make about 365 nights, imported with 'mgsleep import'), then 1,095 diary
# nights posted through the API (POST /api/nights, one a day ending
# yesterday), a profile and an ISI score.
#
# usage: bench/web.sh BUILD_DIR     (BUILD_DIR has mgsleep and bench/gen_apple)
# Env: BENCH_WEB_RUNS requests per answer (default 50), BENCH_WEB_APPLE_MB
# (default 215; 0: no device data). Bounded: about a minute on 2 cores.
# Exit status 1 if a target is missed.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
cd "$(dirname "$0")/.."
build=$1
mgsleep=$PWD/$build/mgsleep
gen=$PWD/$build/bench/gen_apple
runs=${BENCH_WEB_RUNS:-50}
apple_mb=${BENCH_WEB_APPLE_MB:-215}
for f in "$mgsleep" "$gen"; do
	[ -x "$f" ] || { echo "web.sh: $f not built (ninja -C $build mgsleep bench/gen_apple)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "web.sh: python3 missing" >&2; exit 2; }

tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export MGSLEEP_DB="$tmp/mg.db" TZ=UTC
unset MGSLEEP_PASSPHRASE MGSLEEP_KB

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
if [ "$apple_mb" != 0 ]; then
	"$gen" 1 "$apple_mb" "$tmp/export.xml" >/dev/null 2>&1
	t0=$(date +%s.%N)
	"$mgsleep" import "$tmp/export.xml" --format json >"$tmp/import.json"
	t1=$(date +%s.%N)
	rm -f "$tmp/export.xml"
	python3 -c "import json; d=json.load(open('$tmp/import.json')); print('== device data: %d nights, %s to %s (import %.1f s)' % (d['nights'], d['first'], d['last'], $t1 - $t0))"
fi

"$mgsleep" web --no-open >"$tmp/out" 2>"$tmp/log" &
pid=$!
i=0
while [ ! -s "$tmp/out" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
url=$(sed -n '1s/^Open //p' "$tmp/out")

python3 - "$url" "$tmp/log" "$runs" <<'PY'
import http.client, json, re, statistics, sys, time, urllib.parse, datetime

url, log, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlsplit(url)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
c.request('GET', u.path + '?' + u.query)
r = c.getresponse(); r.read()
cookie = r.getheader('Set-Cookie').split(';')[0]
c.request('GET', '/', headers={'Cookie': cookie})
r = c.getresponse(); page = r.read().decode()
csrf = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)"', page).group(1)
H = {'Cookie': cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json'}

def req(method, path, body=None):
    c.request(method, path, body=body, headers=H)
    r = c.getresponse()
    data = r.read()
    return r.status, data

today = datetime.date.today()
t0 = time.time()
for i in range(1095):
    d = today - datetime.timedelta(days=1 + i)
    night = {'date': d.isoformat(), 'bed': '23:%02d' % (i % 50), 'sol': 10 + i % 30, 'awakenings': i % 4,
             'waso': 5 * (i % 4), 'final_wake': '06:%02d' % (i % 45), 'out_of_bed': '07:00', 'quality': 1 + i % 5}
    if i % 2:
        night.update({'mg_form': 'glycinate', 'mg_elemental': 200, 'mg_time': '21:30'})
    else:
        night['no_mg'] = True
    st, _ = req('POST', '/api/nights', json.dumps(night))
    assert st == 201, st
print('== diary: 1095 nights posted in %.1f s' % (time.time() - t0))
assert req('PUT', '/api/profile', open('examples/profile.json').read())[0] == 200
assert req('POST', '/api/isi', json.dumps({'answers': [2, 2, 2, 1, 2, 2, 1]}))[0] == 201
# A trial begun 120 evenings ago (over four periods of the diary above).
st, _ = req('POST', '/api/trial/plan', json.dumps({'start': (today - datetime.timedelta(days=120)).isoformat(), 'seed': 1}))
assert st == 201, st

def log_lines():
    return open(log).read().splitlines()

month = (today - datetime.timedelta(days=30)).isoformat()
answers = [
    ('GET', '/'),
    ('GET', '/diary'),
    ('GET', '/advice'),
    ('GET', '/trial'),
    ('GET', '/questionnaires'),
    ('GET', '/import'),
    ('GET', '/share'),
    ('GET', '/api/session'),
    ('GET', '/api/nights?from=' + month),
    ('GET', '/api/nights'),
    ('GET', '/api/nights/' + (today - datetime.timedelta(days=1)).isoformat()),
    ('GET', '/api/summary'),
    ('GET', '/api/summary?weeks=160'),
    ('GET', '/api/profile'),
    ('GET', '/api/advice'),
    ('GET', '/api/trial'),
    ('GET', '/api/trial/analysis'),
    ('GET', '/api/trial/ics'),
    ('GET', '/api/isi'),
    ('GET', '/api/psqi'),
    ('GET', '/api/forms'),
    ('GET', '/api/food'),
    ('GET', '/api/diet/quiz'),
    ('GET', '/api/report?from=' + month),
    ('GET', '/api/report'),
    ('GET', '/api/foods?q=almonds'),
    ('GET', '/api/medicines/suggest?q=levothyroxin'),
    ('GET', '/api/export?format=json'),
    ('GET', '/api/export?format=fhir'),
    ('POST', '/api/nights'),
]
worst = 0.0
print('%-44s %6s %9s %9s %9s %10s %9s' % ('answer', 'status', 'srv p50', 'srv p99', 'srv max', 'client p50', 'bytes'))
for method, path in answers:
    body = None
    if method == 'POST':
        body = json.dumps({'date': (today - datetime.timedelta(days=1)).isoformat(), 'bed': '23:00', 'sol': 15,
                           'awakenings': 1, 'waso': 10, 'final_wake': '06:30', 'out_of_bed': '06:45',
                           'no_mg': True, 'replace': True})
    n0 = len(log_lines())
    client = []
    for _ in range(runs):
        t = time.perf_counter()
        st, data = req(method, path, body)
        client.append((time.perf_counter() - t) * 1e3)
    time.sleep(0.05)
    ms = [float(l.split()[-2]) for l in log_lines()[n0:]]
    ms.sort()
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    worst = max(worst, p99)
    print('%-44s %6d %7.2f ms %7.2f ms %7.2f ms %8.2f ms %9d' % (method + ' ' + path[:38], st, statistics.median(ms), p99,
          ms[-1], statistics.median(client), len(data)))

# Today: the page and every asset it names (src= and href= on this server).
total = len(page.encode())
assets = sorted(set(re.findall(r'(?:src|href)="(/[^"]*)"', page)))
for a in assets:
    c.request('GET', a, headers={'Cookie': cookie})
    r = c.getresponse()
    total += len(r.read())
print('== Today page: %d bytes over the wire (the page %d + %d assets; no compression)' % (total, len(page.encode()), len(assets)))
ok = worst < 20 and total < 100 * 1024
print('== targets: every answer p99 < 20 ms at the server: %s (worst p99 %.2f ms); Today < 100 KB: %s'
      % ('met' if worst < 20 else 'MISSED', worst, 'met' if total < 100 * 1024 else 'MISSED'))
sys.exit(0 if ok else 1)
PY
