#!/bin/sh
# The PostgreSQL extension over a generated table (issue 15; bench/README.md):
# rows per second of
#   SELECT count(*) FROM t WHERE mgsleep_verdict(profile) = 'recommended'
#   SELECT sum(length(mgsleep_advise(profile)::text)) FROM t WHERE id <= N
#   (and the same with mgsleep_advise_json, which returns the text unparsed)
# each against the same query calling a trivial SQL function (the floor: the
# scan, the jsonb access and the aggregate without the engine), with
# max_parallel_workers_per_gather 0 and 2. A throwaway cluster as in the
# tests (tests/pg/cluster.sh), removed on exit.
# usage: bench/pg.sh BUILD_DIR   (the extension is built and installed there, in the temporary folder)
# Env: BENCH_PG_ROWS (rows of t, default 1000000), BENCH_PG_ADVISE_ROWS (rows given to
#      mgsleep_advise, default 100000: about 0.5 ms each with the jsonb in and out, so
#      1,000,000 would take minutes), BENCH_PG_TIMEOUT (statement_timeout, default 600s).
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
cd "$(dirname "$0")/.."
build=$(cd "$1" && pwd)
rows=${BENCH_PG_ROWS:-1000000}
advise_rows=${BENCH_PG_ADVISE_ROWS:-100000}
timeout=${BENCH_PG_TIMEOUT:-600s}
pg_top=$PWD
# shellcheck source=tests/pg/cluster.sh
. tests/pg/cluster.sh
why=$(pg_missing)
[ -z "$why" ] || { echo "pg.sh: $why" >&2; exit 2; }
ninja -C "$build" libmgsleep_pure.a >/dev/null

tmp=$(mktemp -d)
trap 'pg_stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 711 "$tmp"
# jit off: compiling the plan would add a variable few hundred ms to each
# query and measures LLVM, not the extension.
pg_start "$tmp/pg" "$build" shared_buffers=512MB max_worker_processes=8 max_parallel_workers=4 jit=off \
	"statement_timeout=$timeout" >&2

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(date -u)"
echo "== $(pg_sql -c "SELECT version()" | cut -d, -f1), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Varied profiles: age 18-97, both sexes, weight 45-124 kg, creatinine 0.5-3.4
# mg/dL or none, 8 medicine lists (one unknown name), some kidney disease or
# constipation, ISI 0-28, the three jurisdictions. Multipliers coprime with
# the moduli spread the combinations.
t0=$(date +%s)
pg_sql <<EOF
CREATE EXTENSION mgsleep;
CREATE TABLE t AS
SELECT g AS id, jsonb_strip_nulls(jsonb_build_object(
	'age', 18 + (g * 7919) % 80,
	'sex', CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END,
	'weight', 45 + (g * 104729) % 80,
	'creatinine', CASE WHEN g % 10 = 0 THEN NULL ELSE to_char(0.5 + ((g * 31) % 30) / 10.0, 'FM0.0') || 'mg/dL' END,
	'medicines', (ARRAY['[]', '["doxycycline"]', '["levothyroxine", "hydrochlorothiazide"]', '["ciprofloxacin"]',
	                    '["lisinopril", "amlodipine"]', '["alendronate"]', '["digoxin"]', '["unknownium"]'])[1 + g % 8]::jsonb,
	'conditions', CASE WHEN g % 13 = 0 THEN '["kidney-disease"]'::jsonb
	                   WHEN g % 17 = 0 THEN '["constipation"]'::jsonb ELSE '[]'::jsonb END,
	'isi', (g * 13) % 29,
	'jurisdiction', (ARRAY['us', 'eu', 'uk'])[1 + g % 3])) AS profile
FROM generate_series(1::bigint, $rows) g;
VACUUM ANALYZE t;
-- The floors: trivial SQL functions, PARALLEL SAFE like the extension's.
CREATE FUNCTION floor_text(jsonb) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS \$\$ SELECT \$1->>'sex' \$\$;
CREATE FUNCTION floor_jsonb(jsonb) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS \$\$ SELECT \$1 \$\$;
EOF
echo "== table t: $rows rows, $(pg_sql -c "SELECT pg_size_pretty(pg_table_size('t'))"), generated in $(($(date +%s) - t0)) s"
echo "== verdicts: $(pg_sql -c "SELECT string_agg(v || ' ' || n, ', ' ORDER BY v) FROM
	(SELECT mgsleep_verdict(profile) v, count(*) n FROM t WHERE id <= 10000 GROUP BY 1) s") (first 10,000 rows)"

# run NAME ROWS WORKERS QUERY: one warm-up run of the floor's kind is not
# needed (t is in shared buffers after VACUUM); EXPLAIN ANALYZE without
# per-node timing gives the execution time and the workers launched.
run() {
	out=$(printf "SET max_parallel_workers_per_gather = %s;\nEXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) %s\n" "$3" "$4" |
		pg_sql)
	ms=$(echo "$out" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')
	launched=$(echo "$out" | sed -n 's/.*Workers Launched: \([0-9]*\).*/\1/p' | head -n 1)
	awk -v name="$1" -v rows="$2" -v w="$3" -v l="${launched:-0}" -v ms="$ms" 'BEGIN {
		printf "%-34s workers %s (launched %s)  %9d rows  %10.1f ms  %12.0f rows/s  %8.2f us/row\n",
			name, w, l, rows, ms, rows / (ms / 1000), ms * 1000 / rows }'
}

for w in 0 2; do
	run "floor: floor_text(p) = 'recommended'" "$rows" $w \
		"SELECT count(*) FROM t WHERE floor_text(profile) = 'recommended';"
	run "mgsleep_verdict(p) = 'recommended'" "$rows" $w \
		"SELECT count(*) FROM t WHERE mgsleep_verdict(profile) = 'recommended';"
	run "floor: sum(length(floor_jsonb(p)::text))" "$advise_rows" $w \
		"SELECT sum(length(floor_jsonb(profile)::text)) FROM t WHERE id <= $advise_rows;"
	run "sum(length(mgsleep_advise(p)::text))" "$advise_rows" $w \
		"SELECT sum(length(mgsleep_advise(profile)::text)) FROM t WHERE id <= $advise_rows;"
	run "sum(length(mgsleep_advise_json(p)::text))" "$advise_rows" $w \
		"SELECT sum(length(mgsleep_advise_json(profile)::text)) FROM t WHERE id <= $advise_rows;"
done
