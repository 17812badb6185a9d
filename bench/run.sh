#!/bin/sh
# Benchmarks for the two performance requirements (bench/README.md):
#  (a) in-process: >= 200,000 advise + JSON renders per second on one core;
#  (b) whole process: 'mgsleep advise --format json' with a full profile,
#      embedded KB included, median < 5 ms.
# usage: bench/run.sh BUILD_DIR      (BUILD_DIR has mgsleep and bench/bench_advise)
# Env: BENCH_N (bench_advise iterations), BENCH_RUNS (hyperfine runs, default 200).
# Exit status 1 if a target is missed.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
cd "$(dirname "$0")/.."
build=$1
mgsleep=$build/mgsleep
bench=$build/bench/bench_advise
profile=examples/profile.json
out=$build/bench-hyperfine.json
for f in "$mgsleep" "$bench"; do
	[ -x "$f" ] || { echo "run.sh: $f not built (ninja -C $build bench/bench_advise)" >&2; exit 2; }
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

echo "== (b) whole process: hyperfine"
hyperfine -N --warmup 20 --runs "${BENCH_RUNS:-200}" --export-json "$out" \
	"$mgsleep advise --format json --profile $profile" \
	"$mgsleep --version" \
	"/bin/true"

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
' "$out"
