#!/bin/sh
# CDS Hooks service benchmark (issue 13; bench/README.md "CDS Hooks service").
#
# usage: bench/cds.sh BUILD_DIR
#
# Starts 'BUILD/mgsleep cds --listen 127.0.0.1:0 --insecure-no-auth' (no JWT
# check: this measures HTTP + FHIR reading + engine + cards), reads the URL
# from its first stdout line, checks one answer of each kind, then runs wrk on
# loopback, keep-alive, for a bounded time against
#   (a) GET  /cds-services                      (discovery)
#   (b) POST /cds-services/mgsleep-order-sign   (bench/cds-order-sign.json: a
#       magnesium oxide order, doxycycline taken, a Patient with birthDate,
#       creatinine, eGFR and weight in prefetch; answers 3 cards)
# and reports requests/s, latency p50/p99 and non-2xx answers, against the
# CDS Hooks budget ("on the order of 500 ms") and the libmicrohttpd baseline
# of ../shared/guide/cds-hooks.md (37,000 req/s keep-alive for a 171-byte
# answer, p50 0.33 ms). The service is stopped with SIGTERM and must exit 0.
#
# Env: BENCH_CDS_SECONDS (per wrk run, 10), BENCH_CDS_THREADS (2),
#      BENCH_CDS_CONNECTIONS (16).
# Exit status: 0 every answer 2xx and p99 within the budget, 1 otherwise,
# 2 setup error.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
cd "$(dirname "$0")/.."
build=$1
mgsleep=$build/mgsleep
secs=${BENCH_CDS_SECONDS:-10}
threads=${BENCH_CDS_THREADS:-2}
conns=${BENCH_CDS_CONNECTIONS:-16}
body=bench/cds-order-sign.json

command -v wrk >/dev/null || { echo "cds.sh: wrk missing (make deps-dev)" >&2; exit 2; }
[ -x "$mgsleep" ] || { echo "cds.sh: $mgsleep not built" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_cds.XXXXXX")
pid=
stop() {
	[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 2' INT TERM

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(date -u '+%Y-%m-%d %H:%M UTC')"
opts=$(python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}
print("buildtype=%s b_sanitize=%s" % (o["buildtype"], o["b_sanitize"]))' "$build/meson-info/intro-buildoptions.json" 2>/dev/null || echo "options unknown")
echo "== build: $build ($opts, $("$mgsleep" --version | head -n 1)); $(wrk --version 2>&1 | head -n 1)"

# The request log (one line per request) goes to a file, as it would to a
# journal: its cost is part of the figure.
"$mgsleep" cds --listen 127.0.0.1:0 --insecure-no-auth >"$tmp/url" 2>"$tmp/log" &
pid=$!
i=0
while [ ! -s "$tmp/url" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
url=$(head -n 1 "$tmp/url")
[ -n "$url" ] || { echo "cds.sh: the service printed no URL" >&2; exit 2; }
echo "== service: $url (pid $pid)"

# One answer of each kind first: the benchmark means nothing if they are wrong.
python3 - "$url" "$body" <<'EOF' || { echo "cds.sh: the service's answers are wrong" >&2; exit 2; }
import json, sys, urllib.request
url, body = sys.argv[1], open(sys.argv[2], "rb").read()
r = urllib.request.urlopen(url)
disc = r.read()
assert r.status == 200 and len(json.loads(disc)["services"]) == 3
r = urllib.request.urlopen(urllib.request.Request(url + "/mgsleep-order-sign", data=body,
                           headers={"Content-Type": "application/json"}))
ans = r.read()
cards = json.loads(ans)["cards"]
assert r.status == 200 and cards
assert any("doxycycline" in c["summary"] for c in cards), "no spacing card"
print("discovery: 200, %d bytes; order-sign: 200, %d bytes request, %d bytes answer, %d cards:"
      % (len(disc), len(body), len(ans), len(cards)))
for c in cards:
    print("  %-8s %s" % (c["indicator"], c["summary"]))
EOF

cat >"$tmp/post.lua" <<'EOF'
local f = assert(io.open(os.getenv("CDS_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
EOF

echo "== (a) wrk -t$threads -c$conns -d${secs}s --latency $url"
wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$url" | tee "$tmp/a.txt"
echo "== (b) wrk -t$threads -c$conns -d${secs}s --latency -s post.lua $url/mgsleep-order-sign  (load average $(cut -d' ' -f1-3 /proc/loadavg))"
CDS_BODY=$body wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s "$tmp/post.lua" "$url/mgsleep-order-sign" |
	tee "$tmp/b.txt"

kill -TERM "$pid"
st=0
wait "$pid" || st=$?
pid=
echo "== service stopped by SIGTERM, exit status $st; request log: $(wc -l <"$tmp/log") lines, by route and status:"
awk '{ n[$3 " " $4]++ } END { for (k in n) printf "  %-28s %d\n", k, n[k] }' "$tmp/log" | sort

echo "== summary"
python3 - "$tmp/a.txt" "$tmp/b.txt" "$st" "$conns" <<'EOF'
import re, sys
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}

def parse(path):
    t = open(path).read()
    ms = lambda v, u: float(v) * UNIT[u]
    pct = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", t, re.M)}
    n = int(re.search(r"^\s*(\d+) requests in", t, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    errors = re.search(r"Socket errors: (.*)", t)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)), "p50": pct["50"], "p99": pct["99"],
            "n": n, "bad": int(non2xx.group(1)) if non2xx else 0, "errors": errors.group(1) if errors else "none"}

a, b = parse(sys.argv[1]), parse(sys.argv[2])
status, conns = int(sys.argv[3]), sys.argv[4]
clean = status == 0
print("| | requests/s | p50 | p99 | requests | non-2xx | socket errors |")
print("|---|---|---|---|---|---|---|")
for label, r in (("GET /cds-services", a), ("POST order-sign", b)):
    print("| %s | %.0f | %.2f ms | %.2f ms | %d | %d | %s |" % (label, r["rps"], r["p50"], r["p99"], r["n"], r["bad"], r["errors"]))
    clean &= r["bad"] == 0 and r["errors"] == "none"
ok = b["p99"] < 500
fail = not (ok and clean)
print()
print("order-sign p99 %.2f ms at saturation (%s connections): CDS Hooks budget ~500 ms  %s"
      % (b["p99"], conns, "PASS" if ok else "MISS"))
print("order-sign throughput: %.0f%% of discovery's here; %.0f%% of the guide's libmicrohttpd baseline (37,000 req/s, 171 bytes)"
      % (100 * b["rps"] / a["rps"], 100 * b["rps"] / 37000))
print("every answer 2xx, no socket errors, SIGTERM exit 0: %s" % ("yes" if clean else "NO"))
sys.exit(1 if fail else 0)
EOF
