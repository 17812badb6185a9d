#!/bin/sh
# The PostgreSQL extension (pg/, docs/postgres-extension.md) in a throwaway
# PostgreSQL 15 cluster (tests/pg/cluster.sh: initdb in a temporary folder,
# Unix socket only, as the postgres user when run as root; stopped and removed
# on exit, even on failure). The expected answers are the CLI's: every profile
# is given to `mgsleep advise --profile FILE --format json` and to
# mgsleep_advise, and the two must be the same JSON; where a golden file was
# reviewed (tests/golden/*.json) the extension must match it as well.
# Skipped with the reason when PostgreSQL 15 or its server-dev package is
# missing (make deps-dev installs both) or in a sanitizer build, whose
# library cannot be loaded into an uninstrumented postgres.
# usage: tests/pg/run.sh MGSLEEP (run from the repository root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/../cli/lib.sh"
pg_top=$PWD
# shellcheck source=tests/pg/cluster.sh
. "$pg_top/tests/pg/cluster.sh"
build=$(dirname "$bin")

why=$(pg_missing)
if [ -z "$why" ] && nm "$build/libmgsleep_pure.a" 2>/dev/null | grep -q '__asan_\|__ubsan_'; then
	why="sanitizer build: the extension runs in the plain build's make check"
fi
if [ -n "$why" ]; then
	skip "PostgreSQL extension: $why"
	finish
fi

trap 'pg_stop; rm -rf "$tmp"' EXIT
chmod 711 "$tmp" # the postgres user passes through to $tmp/pg only
# Many sessions would each load the KB; these tests use a few.
if ! pg_start "$tmp/pg" "$build" max_worker_processes=8 max_parallel_workers=4; then
	ok 1 "throwaway cluster started with the extension installed"
	finish
fi
ok 0 "throwaway cluster started with the extension installed"
sql() { pg_sql "$@" 2>&1; }

check "CREATE EXTENSION mgsleep" sql -c "CREATE EXTENSION mgsleep"

# --- postgres exports no symbol the extension takes from jansson or libsodium
# (pg/jansson_bind.c: postgres's json_object once took jansson's place).
so=$(find "$tmp/pg/inst" -name mgsleep.so)
# (libsodium's symbols carry no version, so they are matched by the library's
# own list rather than by an @suffix.)
for lib in $(ldd "$so" | awk '/libjansson|libsodium/ {print $3}'); do
	nm -D --defined-only "$lib" | awk '{sub(/@.*/, "", $3); print $3}'
done | sort -u >"$tmp/libs"
nm -D --undefined-only "$so" | awk '{sub(/@.*/, "", $2); print $2}' | sort -u | comm -12 - "$tmp/libs" >"$tmp/ours"
nm -D --defined-only "$(pg_config --bindir)/postgres" | awk '{print $3}' | sort -u >"$tmp/theirs"
clash=$(comm -12 "$tmp/ours" "$tmp/theirs")
[ "$(grep -c '^crypto_\|^sodium_' "$tmp/ours")" -ge 1 ] && [ "$(grep -c '^json_' "$tmp/ours")" -ge 5 ] && [ -z "$clash" ]
ok $? "no jansson/libsodium symbol of mgsleep.so ($(lines "$tmp/ours")) is also exported by postgres${clash:+ (clash: $clash)}"

# --- the profiles: examples/, the golden cases (given as flags: turned into
# a profile file by 'mgsleep profile set', each in its own store), and a few
# more that reach other rules.
mkdir "$tmp/profiles"
for f in examples/*.json; do
	cp "$f" "$tmp/profiles/example-$(basename "$f")"
done
while IFS='|' read -r name formats args; do
	case $name in '#'* | '') continue ;; esac
	name=$(echo "$name" | tr -d ' ')
	# shellcheck disable=SC2086 # args are word-split on purpose
	MGSLEEP_DB="$tmp/conv-$name.db" "$bin" profile set --reset $args >/dev/null &&
		MGSLEEP_DB="$tmp/conv-$name.db" "$bin" profile show >"$tmp/profiles/golden-$name.json"
	ok $? "golden case $name as a profile file"
	case " $formats " in *" json "*) cp "tests/golden/$name.json" "$tmp/golden-$name.expected" ;; esac
done <tests/golden/cases.txt
i=0
while read -r line; do
	i=$((i + 1))
	echo "$line" >"$tmp/profiles/more-$i.json"
done <<'EOF'
{"age": 58, "sex": "male", "weight": 90, "dialysis": true, "medicines": ["lisinopril"]}
{"age": 67, "sex": "female", "weight": 62, "egfr": 24, "conditions": ["kidney-disease"], "medicines": ["ciprofloxacin", "alendronate"]}
{"age": 33, "sex": "female", "breastfeeding": true, "isi": 22, "symptoms": ["witnessed-apnea", "snoring"], "jurisdiction": "uk"}
{"age": 15, "sex": "male", "weight": "120lb", "isi": 9, "prefer_form": "citrate"}
{"age": 74, "sex": "male", "weight": 70, "creatinine": "130umol/L", "conditions": ["heart-block", "myasthenia-gravis"], "medicines": ["digoxin", "unknownium"], "supplement_mg": 400}
{"age": 45, "crcl": 55, "conditions": ["chronic-diarrhea"], "medicines": ["levothyroxine", "doxycycline"], "diet_mg": 150, "jurisdiction": "eu"}
EOF

# The CLI's answer for each; $tmp/mg.db does not exist, so no stored diet or
# ISI is added (advise uses a store only when there is one).
printf 'CREATE TABLE cases (name text PRIMARY KEY, profile jsonb, cli_text text, cli jsonb, golden jsonb);\n' >"$tmp/load.sql"
for f in "$tmp"/profiles/*.json; do
	name=$(basename "$f" .json)
	"$bin" advise --profile "$f" --format json >"$tmp/cli-$name.json"
	ok $? "mgsleep advise --profile $name --format json"
	golden=NULL
	[ -f "$tmp/$name.expected" ] && golden="pg_read_file('$tmp/$name.expected')::jsonb"
	printf "INSERT INTO cases VALUES ('%s', pg_read_file('%s')::jsonb, pg_read_file('%s'), pg_read_file('%s')::jsonb, %s);\n" \
		"$name" "$f" "$tmp/cli-$name.json" "$tmp/cli-$name.json" "$golden" >>"$tmp/load.sql"
done
chmod a+r "$tmp"/profiles/* "$tmp"/cli-*.json "$tmp"/*.expected
check "the profiles and the CLI's answers loaded" sql -f "$tmp/load.sql"

sql -F ' ' -c "SELECT name, mgsleep_advise(profile) = cli, mgsleep_verdict(profile) = cli->>'verdict',
	golden IS NULL OR mgsleep_advise(profile) = golden, mgsleep_advise_json(profile)::text = cli_text
	FROM cases ORDER BY name" >"$tmp/cmp"
n_cases=$(find "$tmp/profiles" -name '*.json' | wc -l)
[ "$(lines "$tmp/cmp")" -eq "$n_cases" ]
ok $? "every profile compared ($n_cases)"
while read -r name advise verdict golden text; do
	[ "$advise" = t ]
	ok $? "mgsleep_advise($name) = mgsleep advise --profile --format json"
	[ "$verdict" = t ]
	ok $? "mgsleep_verdict($name) = its verdict"
	[ "$golden" = t ]
	ok $? "mgsleep_advise($name) = tests/golden (where a json golden exists)"
	[ "$text" = t ]
	ok $? "mgsleep_advise_json($name) is the CLI's output byte for byte"
done <"$tmp/cmp"
verdicts=$(sql -c "SELECT count(DISTINCT mgsleep_verdict(profile)) FROM cases")
[ "$verdicts" -ge 3 ]
ok $? "the profiles reach at least 3 different verdicts ($verdicts)"

# --- errors: an object naming the field, never the value (987654 stands for
# health data), with the library's message, the one the CLI prints. The
# fields were read off docs/profile-schema.md.
while IFS='|' read -r field profile; do
	echo "$profile" >"$tmp/bad.json"
	"$bin" advise --profile "$tmp/bad.json" --format json >/dev/null 2>"$tmp/cli-err"
	st=$?
	got=$(printf "SELECT mgsleep_advise(:'p')->'error'->>'field', mgsleep_advise(:'p')->'error'->>'message',
		mgsleep_verdict(:'p'), mgsleep_advise(:'p') ? 'verdict', mgsleep_advise_json(:'p')::jsonb = mgsleep_advise(:'p')" |
		sql -v p="$profile" -F '|')
	gfield=${got%%|*}
	rest=${got#*|}
	msg=${rest%%|*}
	[ "$st" -eq 2 ] && [ "$gfield" = "$field" ] && [ -n "$msg" ] && [ "${rest#*|}" = "error|f|t" ]
	ok $? "error object for $profile: field $field, verdict 'error'${got:+ (got: $got)}"
	# The CLI may add how to give the field (--age ... profile set --age N).
	case $(cat "$tmp/cli-err") in *": $msg" | *": --$msg (for the stored profile:"*) st=0 ;; *) st=1 ;; esac
	ok $st "its message is the CLI's for the same profile"
	case $got in *987654*) st=1 ;; *) st=0 ;; esac
	ok $st "the value is not in the error"
done <<'EOF'
age|{"age": 987654}
profile|{"age": 40, "agee": 987654}
age|{"sex": "female", "isi": 9}
profile|[987654]
pregnant|{"age": 30, "sex": "male", "pregnant": true, "weight": 98.7654}
creatinine|{"age": 40, "creatinine": 987654}
conditions|{"age": 40, "conditions": ["zz987654"]}
EOF
# The unknown key's name is echoed (a key is no health data), as the CLI does.
printf "SELECT mgsleep_advise('{\"age\": 40, \"agee\": 987654}')::text LIKE '%%unknown key ''agee''%%'" | sql >"$tmp/out"
[ "$(cat "$tmp/out")" = t ]
ok $? "an unknown key is named (a key is no health data), as the CLI does"

# strict: an ERROR with SQLSTATE 22023 and the field, still not the value.
printf "SET mgsleep.strict = on;\n\\\\set VERBOSITY verbose\nSELECT mgsleep_verdict('{\"age\": 987654}');\n" |
	sql >"$tmp/strict" 2>&1
st=$?
[ "$st" -ne 0 ] && grep -q 'ERROR:  22023: mgsleep: invalid profile: age: out of range' "$tmp/strict" &&
	grep -q 'DETAIL:  Field: age' "$tmp/strict" && ! grep -q 987654 "$tmp/strict"
ok $? "mgsleep.strict = on raises ERROR 22023 naming the field, not the value"
sed 's/^/# /' "$tmp/strict" | head -5
printf "SET mgsleep.strict = on;\nSELECT mgsleep_verdict(profile) FROM cases ORDER BY name LIMIT 1;\n" | sql >"$tmp/out"
[ "$(sed -n 1p "$tmp/out")" = "$(sql -c "SELECT cli->>'verdict' FROM cases ORDER BY name LIMIT 1")" ]
ok $? "strict mode answers valid profiles as usual"

# --- NULL in, NULL out (STRICT); the declared attributes.
[ "$(sql -c "SELECT mgsleep_advise(NULL) IS NULL AND mgsleep_advise_json(NULL) IS NULL AND mgsleep_verdict(NULL) IS NULL")" = t ]
ok $? "NULL profile gives NULL"
attrs=$(sql -c "SELECT string_agg(proname || ':' || provolatile::text || proparallel::text || proisstrict::text, ' ' ORDER BY proname)
	FROM pg_proc WHERE proname LIKE 'mgsleep\_%'")
[ "$attrs" = "mgsleep_advise:sstrue mgsleep_advise_json:sstrue mgsleep_kb_version:sstrue mgsleep_verdict:sstrue" ]
ok $? "STABLE, PARALLEL SAFE, STRICT ($attrs)"
sql -c "CREATE TABLE ix (p jsonb); CREATE INDEX ON ix ((mgsleep_verdict(p)))" >"$tmp/out"
grep -q 'must be marked IMMUTABLE' "$tmp/out"
ok $? "no index expression can keep an old KB's answers (STABLE; docs/postgres-extension.md)"

# --- the KB version is the CLI's, and the KB is the one in the JSON.
kbv=$("$bin" kb info | sed -n '1s/.*knowledge base \([^,]*\),.*/\1/p')
[ -n "$kbv" ] && [ "$(sql -c "SELECT mgsleep_kb_version()")" = "$kbv" ]
ok $? "mgsleep_kb_version() = mgsleep kb info's version ($kbv)"
[ "$(sql -c "SELECT bool_and(mgsleep_advise(profile)->>'kb_version' = mgsleep_kb_version()) FROM cases")" = t ]
ok $? "every advice names that KB version"

# mgsleep.kb_dir: a KB folder (superuser only), reloaded when it changes.
cp -r kb "$tmp/kb" && chmod -R a+rX "$tmp/kb"
"$bin" --kb "$tmp/kb" advise --profile examples/profile.json --format json >"$tmp/cli-kbdir.json"
cp examples/profile.json "$tmp/example.json"
chmod a+r "$tmp/cli-kbdir.json" "$tmp/example.json"
printf "SET mgsleep.kb_dir = '%s';\nSELECT mgsleep_advise(pg_read_file('%s')::jsonb) = pg_read_file('%s')::jsonb;\n" \
	"$tmp/kb" "$tmp/example.json" "$tmp/cli-kbdir.json" | sql >"$tmp/out"
[ "$(cat "$tmp/out")" = t ]
ok $? "SET mgsleep.kb_dir: the advice of mgsleep --kb DIR advise"
sed 's/^/# /' "$tmp/out" | head -3
printf "SET mgsleep.kb_dir = '%s/none';\nSELECT mgsleep_kb_version();\n" "$tmp" | sql >"$tmp/out"
grep -q 'ERROR:  mgsleep: cannot load the knowledge base' "$tmp/out"
ok $? "a missing mgsleep.kb_dir is an ERROR"
sql -c "CREATE ROLE nobody_mg LOGIN" >/dev/null
sql -U nobody_mg -c "SELECT mgsleep_kb_version(); SET mgsleep.kb_dir = '/tmp'" >"$tmp/out"
grep -q 'permission denied' "$tmp/out"
ok $? "mgsleep.kb_dir is for superusers (it reads server files)"

# --- a parallel query gives the serial query's answers. Every case 400
# times, and the invalid profiles; the leader does not take part, so the
# function runs only in the workers.
sql -c "CREATE TABLE t AS SELECT row_number() OVER () AS id, profile FROM
	(SELECT profile FROM cases, generate_series(1, 400)
	 UNION ALL SELECT '{\"age\": 987654}' FROM generate_series(1, 100)) s; ANALYZE t" >"$tmp/out"
q="SELECT v, count(*) FROM (SELECT mgsleep_verdict(profile) v FROM t) s GROUP BY v ORDER BY v;
SELECT sum(hashtext(mgsleep_advise(profile)::text)::numeric), count(*) FROM t;"
printf "SET max_parallel_workers_per_gather = 0;\n%s\n" "$q" | sql >"$tmp/serial"
par="SET max_parallel_workers_per_gather = 2; SET force_parallel_mode = on; SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET parallel_leader_participation = off;"
printf "%s\n%s\n" "$par" "$q" | sql >"$tmp/parallel"
printf "%s\nEXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT sum(hashtext(mgsleep_advise(profile)::text)::numeric) FROM t;\n" \
	"$par" | sql >"$tmp/plan"
workers=$(sed -n 's/.*Workers Launched: \([0-9]*\).*/\1/p' "$tmp/plan")
[ "${workers:-0}" -ge 1 ] && grep -q 'Parallel Seq Scan' "$tmp/plan"
ok $? "the query ran as a parallel sequential scan (workers launched: ${workers:-none})"
[ "$(lines "$tmp/serial")" -ge 4 ] && cmp -s "$tmp/serial" "$tmp/parallel"
ok $? "parallel workers give the serial answers (verdict counts, sum of the advice hashes)"
[ "$(grep -c '^error|100$' "$tmp/serial")" -eq 1 ]
ok $? "the invalid rows are counted as 'error'"

# --- nothing leaks per row: the backend's private resident memory (RssAnon:
# shared buffers are not in it) after a first pass of 10,000 advices and
# 20,000 verdicts (malloc's arenas settle: about 0.4 MB), and after two more
# passes. More than 100 bytes kept per row would pass 2 MB. (The library
# itself is checked for leaks by valgrind: make valgrind.)
rss="SELECT (regexp_match(pg_read_file('/proc/self/status'), 'RssAnon:\s+(\d+)'))[1]::int;"
pass="SELECT count(mgsleep_advise(profile)) > 0 FROM (SELECT profile FROM t LIMIT 5000) s, generate_series(1, 2);
SELECT sum(length(mgsleep_verdict(profile))) > 0 FROM (SELECT profile FROM t LIMIT 10000) s, generate_series(1, 2);"
printf "SET max_parallel_workers_per_gather = 0;\n%s\n%s\n%s\n%s\n%s\n" "$pass" "$rss" "$pass" "$pass" "$rss" |
	sql >"$tmp/rss"
before=$(sed -n 3p "$tmp/rss")
after=$(sed -n 8p "$tmp/rss")
[ -n "$before" ] && [ -n "$after" ] && [ $((after - before)) -lt 2048 ]
ok $? "no memory kept per row (RssAnon ${before:-?} kB, then ${after:-?} kB after 20,000 more advices, 40,000 verdicts)"

finish
