#!/bin/sh
# Screening benchmark (issue 15; bench/README.md "Screening").
#
# usage: bench/screen.sh BUILD_DIR [N]          (N profiles, default 1000000)
#
# Generates N profiles with bench/gen_screen (seed 42, deterministic) in two
# mixes: "mixed" (up to 3 medicines from 14 names, 3 of which the KB does not
# list, so the engine also looks for a "did you mean" name) and "known" (only
# the 11 listed names); 2 % of lines lack an age and 1 % have an unknown sex
# (error results). Then, each once, wall time, CPU time (user + system) and
# peak RSS by /usr/bin/time -v:
#   cat FILE > /dev/null                                   (reading it at all)
#   BUILD/mgsleep screen --jobs 1|2 --input FILE > /dev/null  (NDJSON out)
#   the same over the CSV of the mixed profiles, --jobs 2
# and bench_screen FILE (one core, in-process): read / profile reader /
# engine / result split. Goal: >= 200,000 profiles/s per core (--jobs 1)
# with NDJSON out; memory bounded (peak RSS under 64 MB whatever N).
# Bounded in time: about a minute for N = 1,000,000 on 2 cores.
# Env: TMPDIR (the files; removed at the end). Exit status 0 goals met,
# 1 a goal missed, 2 setup error.
set -eu

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 BUILD_DIR [N]" >&2; exit 2; }
cd "$(dirname "$0")/.."
build=$1
n=${2:-1000000}
mgsleep=$build/mgsleep
gen=$build/bench/gen_screen
split=$build/bench/bench_screen
for f in "$mgsleep" "$gen" "$split" /usr/bin/time; do
	[ -x "$f" ] || { echo "screen.sh: $f not found (ninja -C $build)" >&2; exit 2; }
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-screen.XXXXXX")
trap 'rm -rf "$dir"' EXIT

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$gen" "$n" ndjson 42 >"$dir/mixed.ndjson"
"$gen" "$n" ndjson 42 known >"$dir/known.ndjson"
"$gen" "$n" csv 42 >"$dir/mixed.csv"
echo "== $n profiles: mixed.ndjson $(($(wc -c <"$dir/mixed.ndjson") / 1000000)) MB, known.ndjson $(($(wc -c <"$dir/known.ndjson") / 1000000)) MB, mixed.csv $(($(wc -c <"$dir/mixed.csv") / 1000000)) MB"
cat "$dir"/*.ndjson "$dir/mixed.csv" >/dev/null # page cache

miss=0
# measure NAME COMMAND...: wall seconds, rate and peak RSS of one run
measure() {
	name=$1
	shift
	st=0
	/usr/bin/time -v "$@" >/dev/null 2>"$dir/time" || st=$?
	# screen exits 1 for the generated error lines; anything else failed
	[ "$st" -le 1 ] || {
		echo "screen.sh: $name failed" >&2
		cat "$dir/time" >&2
		exit 1
	}
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time")
	cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$dir/time" | awk '{ s += $1 } END { print s }')
	rate=$(awk -v n="$n" -v t="$wall" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
	# per CPU-second: what one core does, whatever else the machine runs
	cpurate=$(awk -v n="$n" -v t="$cpu" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
	printf '%-30s %6.2f s wall %9s/s %6.2f s CPU %9s/CPU-s %4s MB RSS\n' "$name" "$wall" "$rate" "$cpu" \
		"$cpurate" "$((rss / 1024))"
}
echo "== whole program (wall time of one run each)"
for mix in mixed known; do
	measure "cat $mix.ndjson" cat "$dir/$mix.ndjson"
	measure "screen --jobs 1 $mix.ndjson" "$mgsleep" screen --jobs 1 --input "$dir/$mix.ndjson"
	r1=$rate c1=$cpurate
	[ "$rss" -lt 65536 ] || { echo "MISS: peak RSS ${rss} kB >= 64 MB"; miss=1; }
	measure "screen --jobs 2 $mix.ndjson" "$mgsleep" screen --jobs 2 --input "$dir/$mix.ndjson"
	[ "$rss" -lt 65536 ] || { echo "MISS: peak RSS ${rss} kB >= 64 MB"; miss=1; }
	echo "   $mix: --jobs 2 / --jobs 1 = $(awk -v a="$rate" -v b="$r1" 'BEGIN { printf "%.2f", a / b }')x"
	# The goal is per core: profiles per CPU-second of --jobs 1 (the wall
	# rate equals it on an idle machine; the load average above says).
	if [ "$c1" -ge 200000 ]; then
		echo "   $mix: PASS >= 200,000 profiles/s per core ($c1 per CPU-second, $r1/s wall)"
	else
		echo "   $mix: MISS >= 200,000 profiles/s per core ($c1 per CPU-second, $r1/s wall)"
		miss=1
	fi
done
measure "screen --jobs 2 mixed.csv" "$mgsleep" screen --jobs 2 --input "$dir/mixed.csv"
echo "== one core, in-process (bench_screen): where the time goes"
for mix in mixed known; do
	echo "-- $mix"
	"$split" "$dir/$mix.ndjson"
done
exit $miss
