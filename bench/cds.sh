#!/bin/sh
# CDS Hooks service benchmark (issue 13; bench/README.md "CDS Hooks service").
#
# usage: bench/cds.sh BUILD_DIR
#
# The goal: with JWT verification, p99 under 50 ms at 1,000 requests/s on this
# 2-core machine, and the maximum throughput recorded (CDS Hooks budget: "on
# the order of 500 ms").
#
# The service, `BUILD/mgsleep cds --listen 127.0.0.1:PORT`, runs pinned to one
# CPU (taskset -c $BENCH_CDS_SERVICE_CPU, default 0) and wrk to the other
# (BENCH_CDS_WRK_CPU, default 1), so that the load generator does not take the
# service's CPU. It is started afresh for every wrk run (so every run begins
# with an empty replay cache), on the same port, either with
# `--client ISSUER=JWKS` (an EHR with one ES384 and one RS384 key, made by
# jwt_tool) or with `--insecure-no-auth` (the baseline: the same requests
# without the JWT check). Requests (bench/cds/*.json, checked first):
#   order-sign   a draft magnesium oxide order, doxycycline taken, Patient,
#                creatinine, eGFR, weight and conditions in prefetch (2 cards)
#   patient-view the same patient taking magnesium and doxycycline (2 cards)
#   discovery    GET /cds-services
# Each request carries a token of its own (jwt_tool mint: aud the exact URL,
# distinct jti, valid 50 min) from a file minted before the runs; the wrk
# script bench/cds/request.lua hands them out (thread i takes lines i, i+T,
# ...), counts answers that are not 200 and fails the run on any, or when
# the tokens run out.
#
#  (0) bench_jwt: mg_cds_auth_check alone, ES384 and RS384 (pinned like the
#      service)
#  (a) maximum throughput, wrk -t2 --latency for BENCH_CDS_SECONDS: order-sign
#      at each of BENCH_CDS_CONNECTIONS, without and with ES384 tokens;
#      patient-view and discovery at 8 connections; order-sign with RS384 at 8
#      connections for 2 s (RS384 tokens cost 1.3 ms each to sign)
#  (b) a fixed rate of BENCH_CDS_RATE requests/s of order-sign for
#      BENCH_CDS_RATE_SECONDS (RS384: half of it): Debian's wrk 4.1 has no -R
#      and wrk2 is not packaged, so 10 wrk threads of one connection each keep
#      a schedule with the script's delay(); the latency is reported as wrk
#      measures it (from the moment a request is sent) and from the moment it
#      was due, which counts the time a request waited behind a slow one
#      (coordinated omission).
#
# Env: BENCH_CDS_SECONDS (5), BENCH_CDS_CONNECTIONS ("2 8 32"),
#      BENCH_CDS_RATE (1000), BENCH_CDS_RATE_SECONDS (20),
#      BENCH_CDS_SERVICE_CPU (0), BENCH_CDS_WRK_CPU (1; either empty: not
#      pinned).
# Exit status: 0 every answer 200, no socket errors, every service exit 0 and
# the goal met; 1 otherwise; 2 setup error.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
cd "$(dirname "$0")/.."
build=$1
mgsleep=$build/mgsleep
jwt=$build/tests/jwt_tool
bench_jwt=$build/bench/bench_jwt
secs=${BENCH_CDS_SECONDS:-5}
conns=${BENCH_CDS_CONNECTIONS:-2 8 32}
rate=${BENCH_CDS_RATE:-1000}
rate_secs=${BENCH_CDS_RATE_SECONDS:-20}
srv_cpu=${BENCH_CDS_SERVICE_CPU-0}
wrk_cpu=${BENCH_CDS_WRK_CPU-1}
# Empty BENCH_CDS_SERVICE_CPU or BENCH_CDS_WRK_CPU: not pinned.
srv_pin=${srv_cpu:+taskset -c $srv_cpu}
wrk_pin=${wrk_cpu:+taskset -c $wrk_cpu}
paced=10                      # wrk threads = connections of the fixed-rate runs
rs_secs=2                     # RS384 maximum-throughput run
rs_rate_secs=$(((rate_secs + 1) / 2))
iss=https://ehr.example/

for t in wrk taskset python3; do
	command -v $t >/dev/null || { echo "cds.sh: $t missing (scripts/bootstrap.sh --dev)" >&2; exit 2; }
done
for f in "$mgsleep" "$jwt" "$bench_jwt"; do
	[ -x "$f" ] || { echo "cds.sh: $f not built (ninja -C $build)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_cds.XXXXXX")
pid=
fail=0
stop() {
	[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 2' INT TERM

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(load)"
opts=$(python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}
print("buildtype=%s b_sanitize=%s" % (o["buildtype"], o["b_sanitize"]))' "$build/meson-info/intro-buildoptions.json" 2>/dev/null || echo "options unknown")
echo "== build: $build ($opts, $("$mgsleep" --version | head -n 1)); $(wrk --version 2>&1 | head -n 1)"
echo "== service on CPU ${srv_cpu:-any}, wrk on CPU ${wrk_cpu:-any} (taskset -c)"

echo "== (0) $srv_pin $bench_jwt 1000  (load average $(load))"
# $srv_pin and $wrk_pin are split on purpose: a command and its arguments, or nothing.
# shellcheck disable=SC2086
$srv_pin "$bench_jwt" 1000 | tee "$tmp/jwt.txt"

# A port chosen once, so that the tokens' aud (the exact URL called) holds for
# every service started below.
hz=$(getconf CLK_TCK)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$jwt" keygen ehr-es "$tmp/es.jwks" "$tmp/es.jwk" ES384 >/dev/null
"$jwt" keygen ehr-rs "$tmp/rs.jwks" "$tmp/rs.jwk" RS384 >/dev/null
python3 -c '
import json, sys
keys = [k for f in sys.argv[2:] for k in json.load(open(f))["keys"]]
json.dump({"keys": keys}, open(sys.argv[1], "w"))' "$tmp/jwks.json" "$tmp/es.jwks" "$tmp/rs.jwks"

# Tokens: enough for the longest run of each kind, at a rate above what one
# CPU can serve (ES384: ~420 us of CPU per order-sign, at most ~2,400/s; with
# RS384 ~200 us, ~5,000/s), plus 10 % for the fixed-rate runs. Every service
# starts with an empty replay cache, so the runs of a kind share one file.
n_max=$((4000 * secs))
n_es=$((n_max > rate * rate_secs * 11 / 10 ? n_max : rate * rate_secs * 11 / 10))
n_rs=$((6000 * rs_secs > rate * rs_rate_secs * 11 / 10 ? 6000 * rs_secs : rate * rs_rate_secs * 11 / 10))
mint() { # mint KEY SERVICE_PATH PREFIX N OUT
	"$jwt" mint "$1" "$iss" "$base$2" 3000 "$3" "$4" >"$5" || { echo "cds.sh: jwt_tool mint failed" >&2; exit 2; }
}
t0=$(date +%s)
(mint "$tmp/rs.jwk" /cds-services/mgsleep-order-sign rs-a $((n_rs / 2)) "$tmp/rs-a.tok") &
m1=$!
(mint "$tmp/rs.jwk" /cds-services/mgsleep-order-sign rs-b $((n_rs - n_rs / 2)) "$tmp/rs-b.tok") &
m2=$!
mint "$tmp/es.jwk" /cds-services/mgsleep-order-sign es-sign "$n_es" "$tmp/es-order-sign.tok"
mint "$tmp/es.jwk" /cds-services/mgsleep-patient-view es-view "$n_max" "$tmp/es-patient-view.tok"
mint "$tmp/es.jwk" /cds-services es-disc "$n_max" "$tmp/es-discovery.tok"
if ! wait "$m1" || ! wait "$m2"; then
	exit 2
fi
cat "$tmp/rs-a.tok" "$tmp/rs-b.tok" >"$tmp/rs-order-sign.tok"
echo "== tokens: $n_es ES384 for order-sign, $n_max each for patient-view and discovery, $n_rs RS384 for order-sign; minted in $(($(date +%s) - t0)) s"

# start AUTH: the service, with --client (AUTH es384 or rs384: the same
# client, both keys) or --insecure-no-auth (none).
start() {
	: >"$tmp/url"
	if [ "$1" = none ]; then
		# shellcheck disable=SC2086
		$srv_pin "$mgsleep" cds --listen "127.0.0.1:$port" --insecure-no-auth >"$tmp/url" 2>>"$tmp/log" &
	else
		# shellcheck disable=SC2086
		$srv_pin "$mgsleep" cds --listen "127.0.0.1:$port" --client "$iss=$tmp/jwks.json" \
			>"$tmp/url" 2>>"$tmp/log" &
	fi
	pid=$!
	i=0
	while [ ! -s "$tmp/url" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(head -n 1 "$tmp/url")" = "$base/cds-services" ] ||
		{ echo "cds.sh: the service did not start on $base (port taken?)" >&2; exit 2; }
}
# halt: SIGTERM, which must end it with status 0; the CPU time it used
# (user + system, in clock ticks) in $ticks first: on a shared machine the CPU
# per request is steadier than the rates.
halt() {
	ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	pid=
	[ "$st" = 0 ] || { echo "cds.sh: the service exited with status $st" >&2; fail=1; }
}

# One answer of each kind first, with a token: the benchmark means nothing if
# they are wrong.
start es384
python3 bench/cds/check.py "$base" "$jwt" "$tmp/es.jwk" "$tmp/rs.jwk" "$iss" ||
	{ echo "cds.sh: the service's answers are wrong" >&2; exit 2; }
halt
: >"$tmp/log" # the check's refusals (401) are not part of the runs

# run KIND AUTH SERVICE CONNECTIONS SECONDS: one wrk run against a fresh
# service; KIND max (as fast as it answers) or rate (fixed rate).
n=0
run() {
	kind=$1 auth=$2 svc=$3 c=$4 d=$5
	n=$((n + 1))
	out=$tmp/run$n.txt
	body=
	path=/cds-services
	[ "$svc" = discovery ] || { body=bench/cds/$svc.json; path=/cds-services/mgsleep-$svc; }
	tokens=-
	[ "$auth" = none ] || tokens=$tmp/${auth%384}-$svc.tok
	start "$auth"
	if [ "$kind" = rate ]; then
		echo "== (b) $svc, auth $auth: CDS_RATE=$((rate / paced)) wrk -t$paced -c$paced -d${d}s --latency  (load average $(load))"
		# shellcheck disable=SC2086
		CDS_BODY=$body CDS_RATE=$((rate / paced)) CDS_SAMPLES=$out.lat $wrk_pin \
			wrk -t$paced -c$paced -d"${d}s" --latency -s bench/cds/request.lua "$base$path" -- "$tokens" $paced \
			>"$out" || fail=1
	else
		echo "== (a) $svc, auth $auth: wrk -t2 -c$c -d${d}s --latency  (load average $(load))"
		# shellcheck disable=SC2086
		CDS_BODY=$body $wrk_pin \
			wrk -t2 -c"$c" -d"${d}s" --latency -s bench/cds/request.lua "$base$path" -- "$tokens" 2 \
			>"$out" || fail=1
	fi
	halt
	sed -n 's/^/   /; /Latency\|Req\/Sec\|%\|requests in\|Requests\/sec\|Non-2xx\|Socket\|cds:/p' "$out"
	printf '%s %s %s %s %s %s %s\n' "$kind" "$auth" "$svc" "$c" "$out" "$(load | cut -d' ' -f1)" \
		"$(awk -v t="$ticks" -v hz="$hz" 'BEGIN { print t / hz }')" >>"$tmp/runs"
}

for c in $conns; do
	run max none order-sign "$c" "$secs"
	run max es384 order-sign "$c" "$secs"
done
for svc in patient-view discovery; do
	run max none "$svc" 8 "$secs"
	run max es384 "$svc" 8 "$secs"
done
run max rs384 order-sign 8 "$rs_secs"
run rate none order-sign $paced "$rate_secs"
run rate es384 order-sign $paced "$rate_secs"
run rate rs384 order-sign $paced "$rs_rate_secs"

# The request lines only: each service also writes its feedback counts at
# SIGTERM ("feedback: ...").
grep -v '^feedback:' "$tmp/log" >"$tmp/requests" || :
echo "== every service stopped by SIGTERM; request log: $(wc -l <"$tmp/requests") lines, by route and status:"
awk '{ n[$3 " " $4]++ } END { for (k in n) printf "  %-28s %d\n", k, n[k] }' "$tmp/requests" | sort
awk '$4 != 200 { print "  not 200: " $0 }' "$tmp/requests" | head -n 20
if awk '$4 != 200 { bad = 1 } END { exit !bad }' "$tmp/requests"; then
	echo "cds.sh: the log has answers other than 200" >&2
	fail=1
fi

echo "== summary"
python3 bench/cds/summary.py "$tmp/runs" "$tmp/jwt.txt" "$rate" || fail=1
exit "$fail"
