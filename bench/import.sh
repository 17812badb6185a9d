#!/bin/sh
# Import benchmark (issue 4; bench/README.md "Import (issue 4)").
#
# usage: bench/import.sh BUILD_DIR [SIZE_MB]      (SIZE_MB in MiB, default 1024)
#
# Generates a synthetic Apple Health export.xml of SIZE_MB (bench/gen_apple.c,
# seed 42), zips it as Apple does (apple_health_export/export.xml, plus a small
# export_cda.xml), warms the page cache, then times in the same run, with
# hyperfine:
#   wc -l export.xml                                  (reading the file at all)
#   BUILD/mgsleep --db NEW.db import export.xml       (fresh store every run)
#   python3 bench/baseline_import.py export.xml DB    (stdlib baseline)
#   unzip -p export.zip > /dev/null                   (inflating at all)
#   BUILD/mgsleep --db NEW.db import export.zip
# and measures the peak resident memory of both mgsleep imports (one extra run
# each, getrusage of the child). Checks that mgsleep stored as many sleep
# intervals (table sleep_interval) as the baseline did (and as gen_apple
# wrote), then prints the table and PASS/MISS for each goal:
#   export.xml into the store >= 500 MB/s; >= 10x the Python baseline;
#   <= 3x the time of wc -l; export.zip <= 1.5x unzip -p; peak RSS < 64 MB.
# MB = 10^6 bytes; every rate is export.xml bytes per second of wall time.
#
# Env: TMPDIR (where the files go; removed at the end), BENCH_IMPORT_SEED (42),
#      BENCH_IMPORT_RUNS (hyperfine runs of the fast commands, 3),
#      BENCH_IMPORT_PY_RUNS (runs of the Python baseline, 2; 0 skips it).
# Exit status: 0 all goals met, 1 a goal missed or the check failed (or
# mgsleep import is missing or failed), 2 setup error.
# hyperfine's raw data: BUILD_DIR/bench-import-*.json.
set -eu

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 BUILD_DIR [SIZE_MB]" >&2; exit 2; }
cd "$(dirname "$0")/.."
build=$1
size=${2:-1024}
seed=${BENCH_IMPORT_SEED:-42}
runs=${BENCH_IMPORT_RUNS:-3}
pyruns=${BENCH_IMPORT_PY_RUNS:-2}
mgsleep=$build/mgsleep
gen=$build/bench/gen_apple

command -v hyperfine >/dev/null || { echo "import.sh: hyperfine missing (make deps-dev)" >&2; exit 2; }
for t in zip unzip python3 wc; do
	command -v $t >/dev/null || { echo "import.sh: $t missing" >&2; exit 2; }
done
if [ -f "$build/build.ninja" ]; then
	ninja -C "$build" bench/gen_apple >/dev/null || { echo "import.sh: cannot build $gen" >&2; exit 2; }
fi
[ -x "$gen" ] || { echo "import.sh: $gen not built (ninja -C $build bench/gen_apple)" >&2; exit 2; }
[ -x "$mgsleep" ] || echo "import.sh: $mgsleep not built: the mgsleep steps will be reported as missing" >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_import.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Space: the XML (SIZE_MB MiB), the zip (~1/15 of it), stores and slack.
avail_mb=$(df -Pk "$tmp" | awk 'NR == 2 { print int($4 / 1024) }')
need_mb=$(awk -v s="$size" 'BEGIN { print int(s * 1.25 + 200) }')
if [ "$avail_mb" -lt "$need_mb" ]; then
	fit=$(awk -v a="$avail_mb" 'BEGIN { s = int((a - 200) / 1.25); print s < 1 ? 0 : s }')
	[ "$fit" -ge 16 ] || { echo "import.sh: only $avail_mb MiB free in $tmp" >&2; exit 2; }
	echo "import.sh: only $avail_mb MiB free in $tmp, need ~$need_mb MiB for $size MiB: using $fit MiB instead" >&2
	size=$fit
fi

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(date -u '+%Y-%m-%d %H:%M UTC')"
opts=$(python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}
print("buildtype=%s b_sanitize=%s" % (o["buildtype"], o["b_sanitize"]))' "$build/meson-info/intro-buildoptions.json" 2>/dev/null || echo "options unknown")
echo "== build: $build ($opts, $("$mgsleep" --version 2>/dev/null | head -n 1 || echo 'no mgsleep'))"

stage=$tmp/stage/apple_health_export
mkdir -p "$stage"
xml=$stage/export.xml
zipf=$tmp/export.zip
echo "== generate: $gen $seed $size $xml"
expected=$("$gen" "$seed" "$size" "$xml")
bytes=$(wc -c < "$xml")
# A clinical-document file as in real exports; importers must skip it.
cat > "$stage/export_cda.xml" <<'EOF'
<?xml version="1.0"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <entry><organizer classCode="CLUSTER" moodCode="EVN"><component><observation classCode="OBS" moodCode="EVN">
  <code code="8867-4" codeSystem="2.16.840.1.113883.6.1" displayName="Heart rate"/>
  <effectiveTime><low value="20210104221015+0100"/><high value="20210104221015+0100"/></effectiveTime>
  <value xsi:type="PQ" value="62" unit="count/min"/>
 </observation></component></organizer></entry>
</ClinicalDocument>
EOF
echo "== zip: apple_health_export/{export.xml,export_cda.xml} -> export.zip"
(cd "$tmp/stage" && zip -q -r "$zipf" apple_health_export)
zbytes=$(wc -c < "$zipf")
echo "export.xml $bytes bytes, export.zip $zbytes bytes, $expected sleep-analysis records"
cat "$xml" "$zipf" > /dev/null # warm the page cache

db=$tmp/mg.db
pydb=$tmp/py.db
j=$build/bench-import
rm -f "$j"-*.json

# One run of each mgsleep import outside hyperfine, for its exit status, its
# peak RSS and its store. A store may have to be created first ('init').
measure() { # OUT_JSON DB -- command...: wall time, peak RSS of the child, exit status
	python3 - "$@" <<'EOF'
import json, resource, subprocess, sys, time
out, db = sys.argv[1], sys.argv[2]
cmd = sys.argv[4:]
t = time.monotonic()
p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"cmd": cmd, "status": p.returncode, "wall": wall, "maxrss_kb": ru.ru_maxrss,
           "user": ru.ru_utime, "sys": ru.ru_stime,
           "stdout": p.stdout.decode(errors="replace")[-2000:],
           "stderr": p.stderr.decode(errors="replace")[-2000:]}, open(out, "w"))
sys.exit(p.returncode)
EOF
}
prep="rm -f $db $db-wal $db-shm $db-journal"
have_mg=0
if [ -x "$mgsleep" ]; then
	$prep
	if measure "$j-rss-xml.json" "$db" -- "$mgsleep" --db "$db" import "$xml"; then
		have_mg=1
	else
		$prep
		if "$mgsleep" --db "$db" init >/dev/null 2>&1 &&
			measure "$j-rss-xml.json" "$db" -- "$mgsleep" --db "$db" import "$xml"; then
			have_mg=1
			prep="$prep && $mgsleep --db $db init"
			echo "import.sh: mgsleep import needs 'mgsleep init' first: done in hyperfine's --prepare" >&2
		else
			echo "import.sh: '$mgsleep --db DB import export.xml' failed; the mgsleep steps are skipped:" >&2
			python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("  exit %d: %s" % (r["status"], r["stderr"].strip()[-600:]))' "$j-rss-xml.json" >&2 || true
		fi
	fi
fi
if [ $have_mg = 1 ]; then
	echo "== mgsleep import export.xml, once: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.2f s, peak RSS %d KiB; stderr: %s" % (r["wall"], r["maxrss_kb"], r["stderr"].strip().replace("\n", " | ")[-400:]))' "$j-rss-xml.json")"
	cp "$db" "$tmp/mg-xml-once.db"
	sh -c "$prep"
	if measure "$j-rss-zip.json" "$db" -- "$mgsleep" --db "$db" import "$zipf"; then
		have_zip=1
		cp "$db" "$tmp/mg-zip-once.db"
	else
		have_zip=0
		echo "import.sh: '$mgsleep --db DB import export.zip' failed; skipped:" >&2
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("  exit %d: %s" % (r["status"], r["stderr"].strip()[-600:]))' "$j-rss-zip.json" >&2 || true
	fi
else
	have_zip=0
fi

echo "== hyperfine (same run, page cache warm; load average $(cut -d' ' -f1-3 /proc/loadavg))"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$j-wc.json" "wc -l $xml"
if [ $have_mg = 1 ]; then
	hyperfine --warmup 1 --runs "$runs" --prepare "$prep" --export-json "$j-mg-xml.json" \
		"$mgsleep --db $db import $xml" ||
		echo "import.sh: hyperfine failed (a run exited non-zero): not measured" >&2
	[ ! -f "$db" ] || cp "$db" "$tmp/mg-xml.db"
fi
if [ "$pyruns" -gt 0 ]; then
	hyperfine --warmup 0 --runs "$pyruns" --prepare "rm -f $pydb" --export-json "$j-py.json" \
		"python3 bench/baseline_import.py $xml $pydb" ||
		echo "import.sh: hyperfine failed (a run exited non-zero): not measured" >&2
fi
hyperfine --warmup 1 --runs "$runs" --export-json "$j-unzip.json" "unzip -p $zipf > /dev/null"
if [ $have_zip = 1 ]; then
	hyperfine --warmup 1 --runs "$runs" --prepare "$prep" --export-json "$j-mg-zip.json" \
		"$mgsleep --db $db import $zipf" ||
		echo "import.sh: hyperfine failed (a run exited non-zero): not measured" >&2
	[ ! -f "$db" ] || cp "$db" "$tmp/mg-zip.db"
fi
if [ "$pyruns" -eq 0 ]; then
	echo "== Python baseline skipped (BENCH_IMPORT_PY_RUNS=0): its count comes from one run"
	python3 bench/baseline_import.py "$xml" "$pydb" >/dev/null
fi

echo "== summary (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$j" "$tmp" "$bytes" "$zbytes" "$expected" "$size" <<'EOF'
import json, os, sqlite3, sys
j, tmp, nbytes, zbytes, expected, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
MB = nbytes / 1e6

def hf(name):
    try:
        r = json.load(open("%s-%s.json" % (j, name)))["results"][0]
    except (OSError, ValueError, IndexError, KeyError):
        return None
    return r

def rss(name):
    try:
        return json.load(open("%s-rss-%s.json" % (j, name)))
    except (OSError, ValueError):
        return None

cpu_s = lambda r: r["user"] + r["system"]
wc, mgx, py, uz, mgz = hf("wc"), hf("mg-xml"), hf("py"), hf("unzip"), hf("mg-zip")
fail = 0
results = []

def row(label, r):
    if r is None:
        print("%-36s %s" % (label, "not measured"))
        return
    print("%-36s median %8.3f s  (mean %.3f ± %.3f, min %.3f, max %.3f; user %.3f s, sys %.3f s)  %7.1f MB/s"
          % (label, r["median"], r["mean"], r["stddev"] or 0, r["min"], r["max"], r["user"], r["system"], MB / r["median"]))

print("export.xml: %d bytes (%.1f MB, %s MiB asked), export.zip: %d bytes; gen_apple wrote %d sleep-analysis records"
      % (nbytes, MB, size, zbytes, expected))
row("wc -l export.xml", wc)
row("mgsleep import export.xml", mgx)
row("python3 baseline_import.py", py)
row("unzip -p export.zip > /dev/null", uz)
row("mgsleep import export.zip", mgz)

def goal(label, value, fmt, ok, target):
    global fail
    if value is None:
        status = "MISS (not measured)"
        fail = 1
        shown = "-"
    else:
        status = "PASS" if ok else "MISS"
        fail |= not ok
        shown = fmt % value
    results.append((label, shown, target, status))

v = MB / mgx["median"] if mgx else None
goal("export.xml into the store, one core", v, "%.0f MB/s", v is not None and v >= 500, ">= 500 MB/s")
if mgx:
    cpu = mgx["user"] + mgx["system"]
    results.append(("  (per CPU second: user+sys)", "%.0f MB/s" % (MB / cpu), "", "(%.2f s CPU)" % cpu))
v = py["median"] / mgx["median"] if (py and mgx) else None
goal("speed-up over the Python baseline", v, "%.1fx", v is not None and v >= 10, ">= 10x")
if py and mgx:
    results.append(("  (CPU time, Python / mgsleep)", "%.1fx" % (cpu_s(py) / cpu_s(mgx)), "", ""))
if py:
    results.append(("  (Python baseline alone)", "%.1f MB/s" % (MB / py["median"]), "", ""))
v = mgx["median"] / wc["median"] if (mgx and wc) else None
goal("time / time of wc -l", v, "%.1fx", v is not None and v <= 3, "<= 3x")
if mgx and wc:
    results.append(("  (CPU time / CPU time of wc -l)", "%.1fx" % (cpu_s(mgx) / cpu_s(wc)), "", ""))
if wc:
    results.append(("  (wc -l alone)", "%.0f MB/s" % (MB / wc["median"]), "", ""))
v = mgz["median"] / uz["median"] if (mgz and uz) else None
goal("export.zip time / unzip -p time", v, "%.2fx", v is not None and v <= 1.5, "<= 1.5x")
if mgz and uz:
    results.append(("  (CPU time / CPU time of unzip -p)", "%.2fx" % (cpu_s(mgz) / cpu_s(uz)), "", ""))
if mgz:
    results.append(("  (export.zip import)", "%.0f MB/s" % (MB / mgz["median"]), "", ""))
if uz:
    results.append(("  (unzip -p alone)", "%.0f MB/s" % (MB / uz["median"]), "", ""))
for name in ("xml", "zip"):
    r = rss(name)
    ok = r is not None and r["status"] == 0
    v = r["maxrss_kb"] / 1024 if ok else None
    goal("peak RSS, import export.%s" % name, v, "%.1f MiB", v is not None and v < 64, "< 64 MiB")

# Correctness: the store must hold as many sleep intervals as the baseline.
STAGE = {"HKCategoryValueSleepAnalysisInBed": 0, "HKCategoryValueSleepAnalysisAsleep": 1,
         "HKCategoryValueSleepAnalysisAsleepUnspecified": 2, "HKCategoryValueSleepAnalysisAwake": 3,
         "HKCategoryValueSleepAnalysisAsleepCore": 4, "HKCategoryValueSleepAnalysisAsleepDeep": 5,
         "HKCategoryValueSleepAnalysisAsleepREM": 6}
pyn, pystages, pysecs = None, {}, {}
try:
    c = sqlite3.connect("file:%s/py.db?mode=ro" % tmp, uri=True)
    pyn = c.execute("SELECT count(*) FROM sleep").fetchone()[0]
    for v, n in c.execute("SELECT value, count(*) FROM sleep GROUP BY value"):
        pystages[STAGE.get(v, v)] = n
    from datetime import datetime
    ts = lambda x: int(datetime.strptime(x, "%Y-%m-%d %H:%M:%S %z").timestamp())
    for v, a, b in c.execute("SELECT value, start_date, end_date FROM sleep"):
        k = STAGE.get(v, v)
        pysecs[k] = pysecs.get(k, 0) + ts(b) - ts(a)
    c.close()
except sqlite3.Error as e:
    print("baseline store unreadable: %s" % e)

def mg_count(path):
    if not os.path.exists(path):
        return None, None, None, "no store"
    try:
        c = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        n = c.execute("SELECT count(*) FROM sleep_interval").fetchone()[0]
        try:
            st = dict(c.execute("SELECT stage, count(*) FROM sleep_interval GROUP BY stage").fetchall())
            secs = dict(c.execute("SELECT stage, sum(end - start) FROM sleep_interval GROUP BY stage").fetchall())
        except sqlite3.Error:
            st = secs = None
        c.close()
        return n, st, secs, ""
    except sqlite3.Error as e:
        return None, None, None, "table sleep_interval not readable (%s): the schema may not be there yet" % e

checks = []
for label, f in (("export.xml, once", "mg-xml-once.db"), ("export.xml, last hyperfine run", "mg-xml.db"),
                 ("export.zip, once", "mg-zip-once.db"), ("export.zip, last hyperfine run", "mg-zip.db")):
    path = os.path.join(tmp, f)
    if not os.path.exists(path):
        continue
    n, st, secs, why = mg_count(path)
    if n is None:
        checks.append("mgsleep %-32s: %s  CHECK SKIPPED" % (label, why))
        continue
    ok = n == pyn == expected
    fail |= not ok
    extra = "; counts by stage match" if st == pystages else ""
    if secs is not None:
        if secs == pysecs:
            extra += "; seconds by stage match (UTC offsets, DST)"
        else:
            fail = 1
            extra += "; seconds by stage DIFFER: mgsleep %s vs baseline %s" % (dict(sorted(secs.items())), dict(sorted(pysecs.items(), key=lambda kv: str(kv[0]))))
    if st is not None and st != pystages:
        extra = "; by stage mgsleep %s vs baseline %s" % (dict(sorted(st.items())), dict(sorted(pystages.items())))
        fail = 1
    checks.append("mgsleep %-32s: %d sleep intervals, baseline %s, generator %d  %s%s"
                  % (label, n, pyn, expected, "OK" if ok else "MISMATCH", extra))
if not checks:
    checks.append("no mgsleep store to check (mgsleep import missing or failed); baseline stored %s, generator wrote %d  %s"
                  % (pyn, expected, "OK" if pyn == expected else "MISMATCH"))
    fail = 1

print()
print("| goal | measured | target | status |")
print("|---|---|---|---|")
for r in results:
    print("| %s | %s | %s | %s |" % r)
print()
for line in checks:
    print("check: " + line)
print("stage counts of the baseline (mgsleep codes): %s" % dict(sorted(pystages.items(), key=lambda kv: str(kv[0]))))
sys.exit(1 if fail else 0)
EOF
