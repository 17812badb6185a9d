#!/bin/sh
# End-to-end tests of `mgsleep import` (issue 4): exactly once, the report,
# --dry-run, source choice, refusals that leave the store as it was, and
# imported nights in diary, summary and export. Expected numbers are worked
# out by hand from the fixtures in tests/data/import/ (comments beside them).
# usage: tests/cli/import.sh MGSLEEP   (TAP output; run from the repository root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
D=tests/data/import/cli
F=${IMPORT_FIXTURES:-../shared/fixtures/imports}
MAP=start=start,end=end,stage=stage,source=device
# shellcheck disable=SC2317 # called through check
js() { # js FILE PYTHON-EXPR: passes when the expression over j (the JSON) is true
	python3 -c "import json,sys; j=json.load(open('$1')); sys.exit(not ($2))"
}

# --- first import: week1.csv ---------------------------------------------
# week1 (generic CSV, +01:00): Phone in bed 22:30-06:45 and asleep 23:00-06:30
# on the night to 2026-03-10, asleep 22:45-06:30 to 2026-03-11; Watch light
# 23:10-02:00, awake 02:00-02:20, REM 02:20-06:40 to 2026-03-10.
check "import of a CSV with --map" "$bin" import "$D/week1.csv" --map "$MAP" --format json
cp "$tmp/check.out" "$tmp/r1.json"
check "report: 6 records read, 6 added, none already there" \
	js "$tmp/r1.json" "sum(c['read'] for c in j['counts'])==6 and sum(c['added'] for c in j['counts'])==6 and sum(c['already'] for c in j['counts'])==0"
check "report: 2 nights (2026-03-10 to 2026-03-11), none before" \
	js "$tmp/r1.json" "j['nights']==2 and j['nights_before']==0 and j['first']=='2026-03-10' and j['last']=='2026-03-11'"
check "report counts per source and record type (Watch rem: 1)" \
	js "$tmp/r1.json" "[c['read'] for c in j['counts'] if c['source']=='Watch' and c['record']=='rem']==[1]"

"$bin" export >"$tmp/e1.json"
# --- exactly once ---------------------------------------------------------
check "the same file again" "$bin" import "$D/week1.csv" --map "$MAP" --format json
cp "$tmp/check.out" "$tmp/r2.json"
check "... adds nothing: 6 already stored, 0 added, still 2 nights" \
	js "$tmp/r2.json" "sum(c['added'] for c in j['counts'])==0 and sum(c['already'] for c in j['counts'])==6 and j['nights']==2"
"$bin" export >"$tmp/e2.json"
check "... and the stored intervals are unchanged" \
	python3 -c "import json,sys; a=json.load(open('$tmp/e1.json')); b=json.load(open('$tmp/e2.json')); sys.exit(a['sleep_interval']!=b['sleep_interval'])"
# week2 repeats the 2026-03-11 night and adds 2026-03-12.
check "an overlapping later export" "$bin" import "$D/week2.csv" --map "$MAP" --format json
cp "$tmp/check.out" "$tmp/r3.json"
check "... adds only what is new: 1 added, 1 already stored, 3 nights" \
	js "$tmp/r3.json" "sum(c['added'] for c in j['counts'])==1 and sum(c['already'] for c in j['counts'])==1 and j['nights']==3 and j['nights_before']==2"

# --- the night's source and its numbers -------------------------------------
"$bin" diary --format json >"$tmp/d.json"
# Both sources are "other" (CSV), so the one with more sleep wins 2026-03-10:
# Phone asleep 23:00-06:30 = 450 min; Watch light 170 + REM 260 = 430 min.
check "2026-03-10: the source with more sleep is chosen (Phone, TST 450)" \
	js "$tmp/d.json" "[x for x in j if x['date']=='2026-03-10'][0]['device'][0]['source']=='Phone' and [x for x in j if x['date']=='2026-03-10'][0]['device'][0]['tst']==450"
# Phone: in bed 22:30-06:45 = 495 min; SOL 23:00-22:30 = 30 min.
check "Phone's night: TIB 495, SOL 30 (InBed kept apart from sleep)" \
	js "$tmp/d.json" "[d for x in j if x['date']=='2026-03-10' for d in x['device'] if d['source']=='Phone'][0]['tib']==495 and [d for x in j if x['date']=='2026-03-10' for d in x['device'] if d['source']=='Phone'][0]['sol']==30"
# Watch: light 170, awake 20, REM 260: TST 430, WASO 20, 1 awakening.
check "Watch's night kept for display: TST 430, WASO 20, 1 awakening, REM 260" \
	js "$tmp/d.json" "[(d['tst'],d['waso'],d['awakenings'],d['rem'],d['chosen']) for x in j if x['date']=='2026-03-10' for d in x['device'] if d['source']=='Watch']==[(430,20,1,260,0)]"
check "--prefer-source Watch (dry run) would choose the Watch" \
	sh -c "'$bin' import '$D/week2.csv' --map '$MAP' --prefer-source Watch --dry-run >/dev/null && '$bin' diary --format json | python3 -c \"import json,sys; j=json.load(sys.stdin); sys.exit([x for x in j if x['date']=='2026-03-10'][0]['device'][0]['source']!='Phone')\""
check "--prefer-source Watch" "$bin" import "$D/week2.csv" --map "$MAP" --prefer-source Watch
"$bin" diary --format json >"$tmp/d2.json"
check "... now the Watch is the night's source, and it is remembered" \
	sh -c "'$bin' import '$D/week2.csv' --map '$MAP' >/dev/null && '$bin' diary --format json | python3 -c \"import json,sys; j=json.load(sys.stdin); sys.exit([x for x in j if x['date']=='2026-03-10'][0]['device'][0]['source']!='Watch')\""

# --- diary and summary show both --------------------------------------------
check "a hand-written night for 2026-03-10" "$bin" log --date 2026-03-10 --bed 22:30 --sol 20 --awakenings 1 --waso 15 \
	--final-wake 06:30 --out-of-bed 06:45 --quality 4 --no-mg
check "diary text shows the diary row and the device line under it" \
	sh -c "'$bin' diary | grep -A1 '^2026-03-10 ' | grep -q 'device: in bed .* (Watch)'"
check "diary text shows a night only a device saw" sh -c "'$bin' diary | grep -q '^2026-03-12  (no diary entry)'"
check "diary JSON keeps the hand-written entry as the main record" \
	sh -c "'$bin' diary --format json | python3 -c \"import json,sys; j=json.load(sys.stdin); x=[x for x in j if x['date']=='2026-03-10'][0]; sys.exit(not (x['sol']==20 and x['entry']['quality']==4 and x['device'][0]['source']=='Watch'))\""
check "diary CSV has the device columns" sh -c "'$bin' diary --format csv | grep -q '^2026-03-12,.*,\"Phone\",480,480,'"
check "summary has a device section" sh -c "'$bin' summary --weeks 520 | grep -q 'From your devices'"
# Three device nights; only 2026-03-10 has a diary entry (--no-mg), so only it
# is "without magnesium"; the other two are unknown and in neither group.
check "summary JSON: 3 device nights; 1 without magnesium, 0 with (the rest unknown)" \
	sh -c "'$bin' summary --weeks 520 --format json | python3 -c \"import json,sys; d=json.load(sys.stdin)['device']; sys.exit(not (sum(w['nights'] for w in d['weeks'])==3 and d['without_magnesium']['nights']==1 and d['with_magnesium']['nights']==0))\""

# --- refusals leave the store exactly as it was ------------------------------
"$bin" export >"$tmp/before.json"
s=$(status "$bin" import "$D/truncated.zip")
check "a truncated zip is refused with status 2" [ "$s" = 2 ]
check "... naming the file and the byte offset" grep -q "truncated.zip.*byte [0-9]" "$tmp/err"
s=$(status "$bin" import "$D/empty.zip")
check "an empty zip is refused with status 2 and says so" sh -c "[ $s = 2 ] && grep -q 'empty' '$tmp/err'"
s=$(status "$bin" import "$D/nothing.zip")
check "a zip with no sleep export is refused with status 2" sh -c "[ $s = 2 ] && grep -q 'no sleep export' '$tmp/err'"
s=$(status "$bin" import "$D/week2.csv" "$D/truncated.zip" --map "$MAP")
check "one bad file among good ones fails the whole import" [ "$s" = 2 ]
s=$(status "$bin" import "$D/badcrc.zip" --map "$MAP")
check "a zip member failing its CRC-32 is refused with status 2" sh -c "[ $s = 2 ] && grep -q 'CRC-32' '$tmp/err'"
s=$(status "$bin" import /etc/hostname)
check "an unknown format is refused with status 2" sh -c "[ $s = 2 ] && grep -q 'cannot tell the format' '$tmp/err'"
s=$(status "$bin" import "$tmp/missing.zip")
check "a missing file is refused with status 2" [ "$s" = 2 ]
s=$(status "$bin" import "$D/week1.csv" --map start=nope,end=end)
check "a --map naming a missing column is refused with status 2, naming it" sh -c "[ $s = 2 ] && grep -q nope '$tmp/err'"
s=$(status "$bin" import "$D/week1.csv" --map "$MAP" --tz Mars/Base)
check "an unknown --tz is refused with status 2" [ "$s" = 2 ]
check "errors are one line" sh -c "[ \$(wc -l <'$tmp/err') = 1 ]"
"$bin" export >"$tmp/after.json"
check "after all the refusals the store is exactly as it was" cmp "$tmp/before.json" "$tmp/after.json"
s=$(status "$bin" import "$D/week1.csv" --map "$MAP" --dry-run)
check "--dry-run reports" sh -c "[ $s = 0 ] && grep -q 'Dry run: nothing was written' '$tmp/out'"
"$bin" export >"$tmp/after.json"
check "... and writes nothing" cmp "$tmp/before.json" "$tmp/after.json"
check "no progress bar when stderr is not a terminal" sh -c "'$bin' import '$D/week1.csv' --map '$MAP' 2>'$tmp/pe' >/dev/null && [ ! -s '$tmp/pe' ]"

# --- zips: stored members, folders inside, ZIP64 --------------------------------
# stored.zip holds dir/, dir/readme.txt (not sleep: passed over) and
# dir/week1.csv stored; zip64.zip holds Takeout/week1.csv with ZIP64 headers.
# Both hold the records already imported: 6 read, 0 added.
for z in stored zip64; do
	check "$z.zip: read, its records already stored" \
		sh -c "'$bin' import '$D/$z.zip' --map '$MAP' --format json | python3 -c \"import json,sys; j=json.load(sys.stdin); sys.exit(not (sum(c['read'] for c in j['counts'])==6 and sum(c['added'] for c in j['counts'])==0))\""
done

# --- restore keeps the imported data --------------------------------------
"$bin" export >"$tmp/full.json"
check "export -> import-backup -> export is byte-identical with imported data" \
	sh -c "'$bin' --db '$tmp/r.db' import-backup '$tmp/full.json' >/dev/null && '$bin' --db '$tmp/r.db' export | cmp - '$tmp/full.json'"
check "... and the restored store has the same device nights" \
	sh -c "'$bin' --db '$tmp/r.db' diary --format json | cmp - '$tmp/d2.json' || '$bin' --db '$tmp/r.db' diary --format csv | grep -q '^2026-03-12,'"

# --- Apple export.zip with a translated XML name, and a Takeout folder ------
# apple-es.zip: apple_health_export/exportar.xml (tests/data/import/apple/
# sources.xml) beside export_cda.xml, a GPX route and an ECG CSV, which are
# passed over. The night to 2024-06-11 (-04:00) has five sources:
#   Simon's iPhone   InBed 22:45-06:50            phone
#   Simon's Apple Watch  Core 23:00-02:00 = 180   wearable (model:Watch)
#   AutoSleep        Unspecified 23:05-06:10      app
#   Oura             Deep 00:10-01:00 = 50        wearable (brand)
#   Health Mate      Unspecified 23:00-06:10 = 430  wearable (Withings device)
# Wearables first, then the most sleep: Health Mate, TST 430.
export MGSLEEP_DB="$tmp/apple.db"
check "Apple export.zip with exportar.xml: found by its content" \
	sh -c "'$bin' import '$D/apple-es.zip' >'$tmp/ao' && grep -q 'exportar.xml (Apple Health XML)' '$tmp/ao' && ! grep -q 'export_cda' '$tmp/ao'"
check "five sources, one night; the wearable with the most sleep is chosen (Health Mate, 430)" \
	sh -c "'$bin' diary --format json | python3 -c \"import json,sys; x=json.load(sys.stdin)[0]; d=x['device']; sys.exit(not (x['date']=='2024-06-11' and len(d)==5 and d[0]['source']=='Health Mate' and d[0]['tst']==430 and sum(e['chosen'] for e in d)==1))\""
check "--prefer-source 'Apple Watch' chooses Simon's Apple Watch (180)" \
	sh -c "'$bin' import '$D/apple-es.zip' --prefer-source 'Apple Watch' >/dev/null && '$bin' diary --format json | python3 -c \"import json,sys; d=json.load(sys.stdin)[0]['device'][0]; sys.exit(not (d['source'].endswith('Apple Watch') and d['tst']==180))\""
# A later Apple export repeats the five records and adds the next night
# (Watch Core 23:30-06:30 = 420 min, with another HKDevice address, to
# 2024-06-12): 6 read, 1 added, 5 already stored, 2 nights.
check "a later Apple export adds only the new night" \
	sh -c "'$bin' import '$D/apple-later.xml' --format json | python3 -c \"import json,sys; j=json.load(sys.stdin); sys.exit(not (sum(c['read'] for c in j['counts'])==6 and sum(c['added'] for c in j['counts'])==1 and j['nights']==2 and j['last']=='2024-06-12'))\""
check "... and the Watch keeps one device row across HKDevice addresses" \
	sh -c "'$bin' export | python3 -c \"import json,sys; j=json.load(sys.stdin); sys.exit(sum(1 for d in j['import_device'] if 'model:Watch' in d['text'])!=1)\""
# The report: the Watch was preferred above, so 2024-06-11 is Core 23:00-02:00
# (180 min) and 2024-06-12 Core 23:30-06:30 (420 min): mean asleep
# (180 + 420) / 2 = 300 min = 5:00, and in bed the same.
check "the report has a device section: 2 nights, mean asleep 5:00" \
	sh -c "'$bin' report --out '$tmp/r.html' >/dev/null && grep -q 'devices: 2 nights' '$tmp/r.html' && grep -q '2 nights from 2024-06-11 to 2024-06-12 (one source per night: a watch or ring first): mean asleep 5:00, mean in bed 5:00' '$tmp/r.html'"
# A Google Takeout folder: the sleep file is found among other files (a
# heart-rate JSON is passed over by content).
mkdir -p "$tmp/Takeout/Fitbit/Global Export Data"
cp tests/data/import/fitbit/sleep-2026-07-08.json tests/data/import/fitbit/heart_rate-2026-07-08.json \
	"$tmp/Takeout/Fitbit/Global Export Data/"
check "a Takeout folder: sleep-*.json found, heart rate passed over" \
	sh -c "'$bin' import '$tmp/Takeout' --tz America/New_York >'$tmp/to' && grep -q 'sleep-2026-07-08.json (Fitbit sleep JSON)' '$tmp/to' && ! grep -q 'heart_rate' '$tmp/to'"
check "Oura CSV: the report says which columns were used" \
	sh -c "'$bin' import tests/data/import/csv/oura-app.csv --dry-run | grep -q \"Oura CSV: .*'Bedtime Start'\""

# --- found in review: regressions ----------------------------------------------
export MGSLEEP_DB="$tmp/rv.db"
s=$(status "$bin" import "$D/cdshort.zip" --map "$MAP")
check "a zip whose central directory is shorter than its entry count is refused" \
	sh -c "[ $s = 2 ] && grep -q 'shorter than its entry count' '$tmp/err'"
s=$(status "$bin" import "$D/dironly.zip")
check "a zip holding only a folder is refused (no sleep export inside)" \
	sh -c "[ $s = 2 ] && grep -q 'no sleep export' '$tmp/err'"
# The same night as Asleep and as AsleepUnspecified: 23:00-06:00 = 420 min,
# once, in total sleep and in the stage-unknown minutes.
check "Asleep and AsleepUnspecified for the same night count once (420 min)" \
	sh -c "'$bin' import '$D/apple-dup.xml' >/dev/null && '$bin' diary --format json | python3 -c \"import json,sys; d=json.load(sys.stdin)[0]['device'][0]; sys.exit(not (d['tst']==420 and d['unspecified']==420))\""
# Oura's app CSV gives totals only (tests/data/import/csv/oura-app.csv, row 1:
# 23:05-07:05 in bed, total sleep 25200 s = 420 min, deep 5400 s = 90 min).
check "Oura CSV nights take the export's totals (TST 420, deep 90), not 0" \
	sh -c "'$bin' import tests/data/import/csv/oura-app.csv >/dev/null; '$bin' diary --format json | python3 -c \"import json,sys; d=[x for x in json.load(sys.stdin) if x['date']=='2026-01-11'][0]['device'][0]; sys.exit(not (d['tst']==420 and d['deep']==90 and d['tib']==480))\""
check "diary CSV: every row has as many fields as the header" \
	sh -c "'$bin' diary --format csv | python3 -c \"import csv,sys; r=list(csv.reader(sys.stdin)); sys.exit(len(set(len(x) for x in r))!=1)\""
# A zoneless CSV read in the user's TZ (not the machine's /etc/localtime):
# 2026-03-28 23:30 in New York is EDT (-04:00) -> offset -240.
check "zoneless times are read in the user's TZ when no --tz is given" \
	sh -c "TZ=America/New_York '$bin' --db '$tmp/tz.db' import tests/data/import/csv/generic-local.csv --map start=from,end=to >/dev/null && '$bin' --db '$tmp/tz.db' export | python3 -c \"import json,sys; sys.exit(json.load(sys.stdin)['sleep_interval'][0][5]!=-240)\""

# --- a sealed (encrypted) store ---------------------------------------------
check "import into a sealed store: the file stays sealed and reads back" \
	sh -c "MGSLEEP_PASSPHRASE=pw '$bin' --db '$tmp/sealed.db' init --encrypt >/dev/null && MGSLEEP_PASSPHRASE=pw '$bin' --db '$tmp/sealed.db' import '$D/apple-es.zip' >/dev/null && head -c 8 '$tmp/sealed.db' | grep -q MGSEALED && MGSLEEP_PASSPHRASE=pw '$bin' --db '$tmp/sealed.db' diary | grep -q 'Health Mate'"
cp "$tmp/sealed.db" "$tmp/sealed.before"
s=$(MGSLEEP_PASSPHRASE=pw status "$bin" --db "$tmp/sealed.db" import "$D/truncated.zip")
check "a refused import leaves the sealed file byte-identical" sh -c "[ $s = 2 ] && cmp '$tmp/sealed.db' '$tmp/sealed.before'"

# --- the progress bar, on a terminal only ------------------------------------
gen=$(dirname "$bin")/bench/gen_apple
if [ -x "$gen" ] && "$gen" 7 40 "$tmp/big.xml" >/dev/null 2>&1; then
	# stderr on a pseudo-terminal: the bar appears with the rate and the time
	# left, and is cleared before the report. MGSLEEP_PROGRESS_DELAY=0 draws from
	# the start (the default waits half a second, so short imports do not flicker).
	check "on a terminal a progress bar shows rate and time left" python3 -c "
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(['$bin', '--db', '$tmp/pty.db', 'import', '$tmp/big.xml', '--dry-run'], stdout=subprocess.DEVNULL, stderr=s, env=dict(os.environ, MGSLEEP_PROGRESS_DELAY='0'))
os.close(s)
out = b''
while True:
    try:
        d = os.read(m, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
p.wait()
sys.exit(not (p.returncode == 0 and b'MB/s' in out and b's left' in out and b'%' in out and out.endswith(b'\\r\\033[K')))"
	rm -f "$tmp/big.xml"
fi

# --- real exports from other projects (../shared/fixtures/imports) ----------
if [ -d "$F" ]; then
	export MGSLEEP_DB="$tmp/real.db"
	for f in "$F"/*/*; do
		case $f in *.md) continue ;; esac
		s=$(status "$bin" import "$f")
		if [ "$s" = 0 ]; then
			check "real export $(basename "$f"): imported" true
		else
			check "real export $(basename "$f"): refused with status 2 and one clear line" \
				sh -c "[ $s = 2 ] && [ \$(wc -l <'$tmp/err') = 1 ] && grep -q '$(basename "$f")' '$tmp/err'"
		fi
	done
	check "the integrity of the store after the real exports" \
		sh -c "'$bin' export | python3 -c 'import json,sys; json.load(sys.stdin)'"
else
	skip "real exports: $F not found (outside the repository)"
fi

finish
