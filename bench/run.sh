#!/bin/sh
# Benchmarks for the performance requirements (bench/README.md):
#  (a) in-process: >= 200,000 advise + JSON renders per second on one core;
#  (b) whole process: 'mgsleep advise --format json' with a full profile,
#      embedded KB included, median < 5 ms;
#  (c) the store (issue 3), in-process (bench/bench_store.c): logging 10,000
#      nights one transaction each < 1 s; summary over 10 years < 50 ms;
#      opening an encrypted 10-year store, key derivation included, < 300 ms.
#      Whole 'mgsleep summary' processes on those stores are timed too (no target).
#  (d) import (issue 4): bench/import.sh BUILD_DIR SIZE_MB (a synthetic 1 GiB
#      Apple export.xml/export.zip: MB/s, against wc -l, unzip -p and a Python
#      stdlib baseline, peak RSS; see bench/README.md).
#  (e) the CDS Hooks service (issue 13): bench/cds.sh BUILD_DIR (wrk on
#      loopback, bounded in time: discovery and an order-sign request;
#      requests/s, p50/p99, non-2xx answers; see bench/README.md).
# usage: bench/run.sh BUILD_DIR      (BUILD_DIR has mgsleep, bench/bench_advise, bench/bench_store)
# Env: BENCH_N (bench_advise iterations), BENCH_RUNS (hyperfine runs, default 200),
#      BENCH_STORE_ARGS (bench_store arguments: N N_SEALED, default 10000 1000),
#      BENCH_STORE_RUNS (hyperfine runs of 'mgsleep summary', default 30),
#      BENCH_IMPORT_MB (size of the import benchmark's export.xml in MiB,
#      default 1024; 0 skips it; more in bench/import.sh),
#      BENCH_CDS_SECONDS (per wrk run, default 5, as in bench/cds.sh; 0 skips bench/cds.sh).
# Exit status 1 if a target is missed.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
cd "$(dirname "$0")/.."
build=$1
mgsleep=$build/mgsleep
bench=$build/bench/bench_advise
bench_store=$build/bench/bench_store
profile=examples/profile.json
out=$build/bench-hyperfine.json
out_store=$build/bench-hyperfine-store.json
for f in "$mgsleep" "$bench" "$bench_store"; do
	[ -x "$f" ] || { echo "run.sh: $f not built (ninja -C $build bench/bench_advise bench/bench_store)" >&2; exit 2; }
done
command -v hyperfine >/dev/null || { echo "run.sh: hyperfine missing (make deps-dev)" >&2; exit 2; }

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
opts=$(python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}
print("buildtype=%s b_sanitize=%s" % (o["buildtype"], o["b_sanitize"]))' "$build/meson-info/intro-buildoptions.json" 2>/dev/null || echo "options unknown")
echo "== build: $build ($opts, $("$mgsleep" --version | head -n 1))"

echo "== (a) in-process: $bench ${BENCH_N:-}"
res_a=$("$bench" ${BENCH_N:-})
echo "$res_a"

echo "== (c) store, in-process: $bench_store ${BENCH_STORE_ARGS:-}"
res_c=$("$bench_store" ${BENCH_STORE_ARGS:-})
echo "$res_c"

echo "== (b) whole process: hyperfine"
hyperfine -N --warmup 20 --runs "${BENCH_RUNS:-200}" --export-json "$out" \
	"$mgsleep advise --format json --profile $profile" \
	"$mgsleep --version" \
	"/bin/true"

echo "== (c') whole process on 10-year stores (no target): hyperfine"
stores=$(mktemp -d /tmp/bench_run.XXXXXX)
trap 'rm -rf "$stores"' EXIT
"$bench_store" --make-stores "$stores"
# the passphrase bench_store seals with (PASSPHRASE in bench_store.c)
MGSLEEP_PASSPHRASE="correct horse battery staple" \
hyperfine -N --warmup 3 --runs "${BENCH_STORE_RUNS:-30}" --export-json "$out_store" \
	"$mgsleep --db $stores/plain10y.db summary --format json" \
	"$mgsleep --db $stores/sealed10y.db summary --format json"

fail=0
echo "== summary"
echo "$res_a" | python3 -c '
import json, sys
a = dict(l.split(None, 1) for l in sys.stdin if l.strip())
res = json.load(open(sys.argv[1]))["results"]
fail = 0
rate = float(a["advise_json_per_s"].split()[0])
ok = rate >= 200000
fail |= not ok
print("in-process advise+json : %9.0f /s  (median %s ns/op, best round %s ns/op)  target >= 200000/s  %s"
      % (rate, a["advise_json_ns"].split()[0], a["advise_json_best_ns"].split()[0], "PASS" if ok else "FAIL"))
print("in-process advise only : %9s ns/op" % a["advise_ns"].split()[0])
print("kb load (in-process)   : %9s us" % a["kb_load_median"].split()[0])
for r in res:
    print("median %-52s %7.3f ms  (mean %.3f, min %.3f, max %.3f)" % (r["command"], r["median"] * 1e3, r["mean"] * 1e3, r["min"] * 1e3, r["max"] * 1e3))
adv = res[0]["median"] * 1e3
ok = adv < 5.0
fail |= not ok
print("whole-process advise   : %9.3f ms median  target < 5 ms  %s" % (adv, "PASS" if ok else "FAIL"))
sys.exit(1 if fail else 0)
' "$out" || fail=1
echo "$res_c" | python3 -c '
import json, sys
c = dict(l.split(None, 1) for l in sys.stdin if l.strip())
v = lambda k: float(c[k].split()[0])
fail = 0
def target(label, value, unit, limit, extra):
    global fail
    ok = value < limit
    fail |= not ok
    print("%-23s: %9.3f %-3s %s  target < %g %s  %s" % (label, value, unit, extra, limit, unit, "PASS" if ok else "FAIL"))
target("store: log %s nights" % c["log_nights"].strip(), v("log_each_tx_s"), "s", 1.0,
       "(one transaction each, %.0f us/night; best round %.3f s; fsync 4 KiB %.0f us)"
       % (v("log_each_tx_us"), v("log_each_tx_best_s"), v("fsync_4k_us")))
print("  baseline, one tx      : %9.3f s   (%.1f us/night; building the entries alone %.2f us/night)"
      % (v("log_one_tx_s"), v("log_one_tx_us"), v("build_entry_us")))
target("store: summary 10 years", v("summary_ms"), "ms", 50.0,
       "(%s nights; best round %.2f ms; SQL %.2f ms + jansson parse %.2f ms of %.0f KB)"
       % (c["summary_nights"].strip(), v("summary_best_ms"), v("summary_nights_json_ms"), v("summary_jansson_ms"),
          v("summary_json_bytes") / 1024))
target("store: open sealed 10y", v("sealed_open_ms"), "ms", 300.0,
       "(Argon2id alone %.1f ms, %s; the rest %.1f ms)" % (v("kdf_ms"), c["kdf_params"].strip(), v("sealed_open_minus_kdf_ms")))
print("  sealed log (no target): %9.2f ms/night over %s nights into a new store; %.1f ms/night into the 10-year one"
      % (v("sealed_log_ms"), c["sealed_log_nights"].strip(), v("sealed_10y_log_ms")))
for r in json.load(open(sys.argv[1]))["results"]:
    print("median %-52s %7.1f ms  (mean %.1f, min %.1f, max %.1f)" % (r["command"], r["median"] * 1e3, r["mean"] * 1e3, r["min"] * 1e3, r["max"] * 1e3))
sys.exit(1 if fail else 0)
' "$out_store" || fail=1

import_mb=${BENCH_IMPORT_MB:-1024}
if [ "$import_mb" != 0 ]; then
	echo "== (d) import (issue 4): bench/import.sh $build $import_mb"
	./bench/import.sh "$build" "$import_mb" || fail=1
fi
if [ "${BENCH_CDS_SECONDS:-5}" != 0 ]; then
	echo "== (e) CDS Hooks service (issue 13): bench/cds.sh $build"
	./bench/cds.sh "$build" || fail=1
fi
exit $fail
