#!/bin/sh
# End-to-end tests of the store commands: init, profile, log, diary, export,
# sealed stores. Every failing command must leave the store byte-identical.
# usage: tests/cli/store.sh MGSLEEP   (TAP output)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
export MGSLEEP_DB="$tmp/plain/mg.db"

night='--bed 22:30 --try-sleep 23:00 --sol 30 --awakenings 2 --waso 40 --final-wake 06:30 --out-of-bed 07:00'

# shellcheck disable=SC2086
check "log creates the store and records the reference 7.3 night" "$bin" log --date 2026-11-20 $night --quality 3 --no-mg
check "store file is private (0600)" sh -c "[ \"\$(stat -c %a '$MGSLEEP_DB')\" = 600 ]"
"$bin" diary --format json >"$tmp/d.json"
check "diary JSON: TIB 510, TST 380, SE 74.5 (reference 7.3 worked example)" \
	python3 -c "import json,sys; d=json.load(open('$tmp/d.json'))[0]; sys.exit(not (d['tib']==510 and d['tst']==380 and d['se']==74.5 and d['terminal_wake']==30))"

"$bin" export >"$tmp/before.json"
# shellcheck disable=SC2086
s=$(status "$bin" log --date 2026-11-20 $night)
check "a second night for the same date is refused with status 2" [ "$s" = 2 ]
check "... with one line on stderr naming --date" sh -c "[ $(lines "$tmp/err") = 1 ] && grep -q -- '--date' '$tmp/err'"
s=$(status "$bin" log --date 2026-11-21 --bed 22:30 --sol 600 --awakenings 0 --waso 0 --final-wake 06:30 --out-of-bed 07:00)
check "SOL longer than the night is refused with status 2 naming --sol" sh -c "[ $s = 2 ] && grep -q -- '--sol' '$tmp/err' && [ ! -s '$tmp/out' ]"
s=$(status "$bin" log --date 2026-11-21 --bed 22:30 --sol 10 --awakenings 0 --waso 30 --final-wake 06:30 --out-of-bed 07:00)
check "WASO without awakenings is refused naming --awakenings" sh -c "[ $s = 2 ] && grep -q -- '--awakenings' '$tmp/err'"
s=$(status "$bin" log --date 2026-11-21 --bed 22:30 --sol 10 --awakenings 0 --waso 0 --out-of-bed 07:00)
check "a missing item is refused naming it (--final-wake)" sh -c "[ $s = 2 ] && grep -q -- '--final-wake' '$tmp/err'"
# shellcheck disable=SC2086
s=$(status "$bin" log --date 2026-02-30 $night)
check "an impossible date is refused naming --date" sh -c "[ $s = 2 ] && grep -q -- '--date' '$tmp/err'"
# shellcheck disable=SC2086
s=$(status "$bin" log --date 2026-11-22 $night --mg-form unobtainium --mg-elemental 100)
check "an unknown magnesium form is refused naming --mg-form" sh -c "[ $s = 2 ] && grep -q -- '--mg-form' '$tmp/err'"
# shellcheck disable=SC2086
s=$(status "$bin" log --date 2026-11-22 $night --tag coffee)
check "an unknown tag is refused naming --tag" sh -c "[ $s = 2 ] && grep -q -- '--tag' '$tmp/err'"
"$bin" export >"$tmp/after.json"
check "refused entries leave the store exactly as it was" cmp -s "$tmp/before.json" "$tmp/after.json"
check "no error message echoes the values typed (600)" sh -c "! grep -q 600 '$tmp/err'"

# shellcheck disable=SC2086
check "--replace changes a logged night" "$bin" log --date 2026-11-20 $night --quality 5 --replace
check "... and the new value is stored" sh -c "'$bin' diary --format csv | awk -F, '\$1 == \"2026-11-20\" && \$13 == 5 && \$14 == \"\" { f = 1 } END { exit !f }'"
# shellcheck disable=SC2086
check "magnesium as compound mg is converted with the KB (1774 mg bisglycinate = 250 mg)" \
	"$bin" log --date 2026-11-21 $night --mg-form bisglycinate --mg-compound 1774 --mg-time 22:00 --tag alcohol,stress --nap 20
check "... diary shows 250 mg" sh -c "'$bin' diary | grep '^2026-11-21' | grep -q ' 250\$'"
check "diary --from/--to selects nights" sh -c "[ \$('$bin' diary --from 2026-11-21 --to 2026-11-21 --format csv | wc -l) = 2 ]"
check "log --delete removes a night" "$bin" log --date 2026-11-21 --delete
check "... the deleted night is kept in the audit table" \
	sh -c "python3 -c \"import sqlite3; c=sqlite3.connect('$MGSLEEP_DB'); exit(0 if c.execute('select count(*) from audit where action=\\\"delete\\\"').fetchone()[0]==1 else 1)\""
check "log --purge-audit empties it" sh -c "'$bin' log --purge-audit && python3 -c \"import sqlite3; c=sqlite3.connect('$MGSLEEP_DB'); exit(0 if c.execute('select count(*) from audit').fetchone()[0]==0 else 1)\""
check "... which is gone from the diary" sh -c "! '$bin' diary --format csv | grep -q '^2026-11-21'"
s=$(status "$bin" log --date 2026-11-21 --delete)
check "deleting a night that is not there is status 2" [ "$s" = 2 ]

# Interactive log on a terminal (script(1) gives it one): only the missing
# items are asked, and Enter takes last night's answer.
if command -v script >/dev/null 2>&1; then
	printf '23:15\n\n\n\n\n\n\n4\nno\n' | script -qec "'$bin' log --date 2026-11-25" /dev/null >"$tmp/interactive.out" 2>&1
	check "interactive log asks only what is missing and stores the night" \
		sh -c "grep -q 'get into bed' '$tmp/interactive.out' && '$bin' diary --format csv | grep -q '^2026-11-25,23:15,'"
	printf '99:99\n22:00\n\n\n\n\n\n\n\nno\n' | script -qec "'$bin' log --date 2026-11-26 --sol 20" /dev/null >"$tmp/interactive.out" 2>&1
	check "interactive log re-asks after an invalid answer and skips items given as options" \
		sh -c "grep -q -- '--bed' '$tmp/interactive.out' && ! grep -q 'How long did it take you to fall asleep' '$tmp/interactive.out' && '$bin' diary --format csv | grep -q '^2026-11-26,22:00,'"
fi

# Profile stored, then used by advise with no options.
check "profile set stores a profile" "$bin" profile set --age 70 --sex male --weight 80 --creatinine 1.2mg/dL --jurisdiction us
check "profile show prints it as JSON" sh -c "'$bin' profile show | grep -q '\"age\":70'"
check "profile set adds to the stored profile" "$bin" profile set --med doxycycline
check "advise with no options uses the stored profile (case A, CrCl 64.8, doxycycline)" \
	sh -c "'$bin' advise --format json | grep -q '\"crcl_ml_min\":64.81' && '$bin' advise --format json | grep -q '\"class\":\"tetracycline\"'"
check "flags still override the stored profile" sh -c "'$bin' advise --age 30 --format json | grep -q '\"verdict\"'"
s=$(status "$bin" profile set --age 250)
check "profile set with a bad value is status 2 and changes nothing" sh -c "[ $s = 2 ] && '$bin' profile show | grep -q '\"age\":70'"
check "profile set --reset starts again" sh -c "'$bin' profile set --reset --age 40 && '$bin' profile show | grep -q '^{\"age\":40}\$'"
s=$(status "$bin" init)
check "init over an existing store is refused (status 2)" [ "$s" = 2 ]

# advise without a store and without a profile.
s=$(MGSLEEP_DB="$tmp/none/x.db" status "$bin" advise --age 40 --sex female)
check "advise never creates a store" sh -c "[ $s = 0 ] && [ ! -e '$tmp/none/x.db' ]"

# Sealed store through the CLI.
export MGSLEEP_DB="$tmp/sealed/s.db"
check "init --encrypt with MGSLEEP_PASSPHRASE" env MGSLEEP_PASSPHRASE='pass phrase' "$bin" init --encrypt
# shellcheck disable=SC2086
check "log into the sealed store" env MGSLEEP_PASSPHRASE='pass phrase' "$bin" log --date 2026-11-20 $night --comment 'slept badly'
check "diary reads it back" sh -c "MGSLEEP_PASSPHRASE='pass phrase' '$bin' diary | grep -q 2026-11-20"
check "the sealed file holds no plaintext" sh -c "! grep -q 'slept badly' '$MGSLEEP_DB' && ! grep -q 'SQLite format' '$MGSLEEP_DB'"
cp "$MGSLEEP_DB" "$tmp/sealed.copy"
s=$(MGSLEEP_PASSPHRASE=wrong status "$bin" diary)
check "a wrong passphrase is status 2 with a clear message" sh -c "[ $s = 2 ] && grep -q 'wrong passphrase' '$tmp/err'"
s=$(status "$bin" diary </dev/null)
check "no passphrase and no terminal is status 2" [ "$s" = 2 ]
check "failed opens leave the sealed file unchanged" cmp -s "$MGSLEEP_DB" "$tmp/sealed.copy"
check "no temporary files are left beside the store (only its .lock)" \
	sh -c "[ \"\$(ls '$tmp/sealed' | tr '\n' ' ')\" = 's.db s.db.lock ' ]"
# Two writers at once on one sealed store: both nights must survive (the
# handle holds a lock; without it the last re-seal would win).
for d in 21 22 23 24; do
	# shellcheck disable=SC2086
	MGSLEEP_PASSPHRASE='pass phrase' "$bin" log --date 2026-11-$d $night >/dev/null 2>&1 &
done
wait
check "four concurrent writers to a sealed store: every night is kept" \
	sh -c "[ \$(MGSLEEP_PASSPHRASE='pass phrase' '$bin' diary --format csv | grep -c '^2026-11-2[1-4]') = 4 ]"

# Questionnaires (reference 7.1, 7.2).
export MGSLEEP_DB="$tmp/q/mg.db"
check "isi --answers scores 2,2,2,3,2,2,2 = 15, moderate (S32 bands)" \
	sh -c "'$bin' isi --answers 2,2,2,3,2,2,2 --date 2026-11-01 --format json | grep -q '\"total\":15,\"category\":\"moderate\"'"
check "isi 22 is severe (S32)" sh -c "'$bin' isi --answers 4,4,4,4,2,2,2 --date 2026-11-02 --format json | grep -q '\"total\":22,\"category\":\"severe\"'"
s=$(status "$bin" isi --answers 2,2,9,1,1,1,1)
check "an out-of-range answer is status 2 naming the item, without the value" \
	sh -c "[ $s = 2 ] && grep -q 'item 3' '$tmp/err' && ! grep -q 9 '$tmp/err'"
s=$(status "$bin" isi --answers 1,1,1)
check "too few answers is status 2" [ "$s" = 2 ]
s=$(status "$bin" isi </dev/null)
check "isi without --answers and without a terminal is status 2" [ "$s" = 2 ]
if command -v script >/dev/null 2>&1; then
	printf '2\n7\n2\n2\n3\n2\n2\n2\n' | script -qec "'$bin' isi --date 2026-10-30" /dev/null >"$tmp/isi.out" 2>&1
	check "interactive isi asks the 7 items (recall: last 2 weeks), re-asks an invalid answer, scores 15" \
		sh -c "grep -qi 'last 2 weeks' '$tmp/isi.out' && grep -q 'item 2' '$tmp/isi.out' && grep -q '15 out of 28' '$tmp/isi.out'"
fi
check "isi --history lists both results in date order" \
	sh -c "'$bin' isi --history --format json | python3 -c 'import json,sys; h=json.load(sys.stdin); sys.exit(not ([x[\"result\"][\"total\"] for x in h]==[15,15,22]))'"
check "the latest stored ISI (22) gives advise the severe-insomnia referral" \
	sh -c "'$bin' advise --age 40 --sex female --format json | grep -q '\"code\":\"severe-insomnia\"'"
check "an ISI given on the command line wins over the stored one" \
	sh -c "! '$bin' advise --age 40 --sex female --isi 5 --format json | grep -q 'severe-insomnia'"
cat >"$tmp/psqi.json" <<'JSON'
{"bedtime":"23:00","sleep_latency_min":45,"rise_time":"07:00","sleep_hours":6.5,"q5a":2,"q5b":1,"q5c":1,
 "q5d":1,"q5e":1,"q5f":1,"q5g":1,"q5h":1,"q5i":1,"q5j":0,"sleep_quality":2,"sleep_medication":0,
 "trouble_staying_awake":1,"enthusiasm":1}
JSON
check "psqi: the reference 7.2 worked example gives components 2,2,1,1,1,0,1 and global 8 (S35)" \
	sh -c "'$bin' psqi --answers '$tmp/psqi.json' --format json | grep -q '\"components\":\[2,2,1,1,1,0,1\],\"global\":8,\"poor_sleeper\":true'"
sed 's/"sleep_quality":2/"sleep_quality":7/' "$tmp/psqi.json" >"$tmp/psqi-bad.json"
s=$(status "$bin" psqi --answers "$tmp/psqi-bad.json")
check "psqi: an invalid answer is status 2 naming the key" sh -c "[ $s = 2 ] && grep -q sleep_quality '$tmp/err'"
check "psqi --history shows the result" sh -c "'$bin' psqi --history | grep -q ' 8 '"

# Summary: three nights, hand-computed means.
export MGSLEEP_DB="$tmp/sum/mg.db"
"$bin" log --date 2026-11-16 --bed 23:00 --sol 30 --awakenings 1 --waso 10 --final-wake 06:00 --out-of-bed 07:00 --no-mg >/dev/null
"$bin" log --date 2026-11-17 --bed 23:00 --sol 10 --awakenings 1 --waso 10 --final-wake 06:40 --out-of-bed 07:00 --mg-form citrate --mg-elemental 250 >/dev/null
"$bin" log --date 2026-11-23 --bed 23:00 --sol 20 --awakenings 0 --waso 0 --final-wake 07:00 --out-of-bed 07:00 --mg-form citrate --mg-elemental 250 >/dev/null
# TST by hand (try-sleep = bed): (06:00-23:00) 420-30-10 = 380; (06:40-23:00) 460-10-10 = 440;
# (07:00-23:00) 480-20-0 = 460. Week of 16 Nov: mean 410; with Mg (440, 460): 450; without: 380.
check "summary JSON: week of 2026-11-16 has 2 nights, mean TST 410" \
	sh -c "'$bin' summary --format json | grep -q '\"week_of\":\"2026-11-16\",\"nights\":2,\"nights_mg\":1,\"tib\":480,\"tst\":410'"
check "summary JSON: with magnesium mean TST 450, without 380" \
	sh -c "'$bin' summary --format json | grep -q '\"with_magnesium\":{\"nights\":2,\"tib\":480,\"tst\":450' && '$bin' summary --format json | grep -q '\"without_magnesium\":{\"nights\":1,\"tib\":480,\"tst\":380'"
check "summary text says the nights were not randomised" sh -c "'$bin' summary | grep -q 'not randomised'"
check "summary --weeks 1 shows one week" sh -c "[ \$('$bin' summary --weeks 1 --format csv | wc -l) = 2 ]"
s=$(status "$bin" summary --weeks 0)
check "summary --weeks 0 is status 2" [ "$s" = 2 ]

# Data ownership: export -> import-backup -> export is byte-identical; backups.
export MGSLEEP_DB="$tmp/own/a.db"
# shellcheck disable=SC2086
"$bin" log --date 2026-11-20 $night --quality 3 --comment 'a "quoted" note' --mg-form bisglycinate --mg-compound 1774 >/dev/null
"$bin" isi --answers 2,2,2,3,2,2,2 --date 2026-11-01 >/dev/null
"$bin" psqi --answers "$tmp/psqi.json" --date 2026-11-02 >/dev/null
"$bin" profile set --age 52 --sex female --weight 68 --creatinine 97umol/L --med omeprazole --jurisdiction uk >/dev/null
"$bin" export --out "$tmp/e1.json"
check "import-backup restores an export into a new store" "$bin" --db "$tmp/own/b.db" import-backup "$tmp/e1.json"
"$bin" --db "$tmp/own/b.db" export >"$tmp/e2.json"
check "export -> import-backup -> export is byte-identical" cmp -s "$tmp/e1.json" "$tmp/e2.json"
check "export --format csv writes nights, questionnaires and profile tables" \
	sh -c "'$bin' export --format csv --out '$tmp/csv' && head -1 '$tmp/csv/nights.csv' | grep -q '^date,bed,try_sleep' && grep -q '^2026-11-20,22:30,23:00,30,2,40,06:30,07:00,3,\"a \"\"quoted\"\" note\",' '$tmp/csv/nights.csv' && grep -q '^isi,2026-11-01,' '$tmp/csv/questionnaires.csv' && grep -q '^age,52' '$tmp/csv/profile.csv'"
check "export --out never overwrites a file" sh -c "! '$bin' export --out '$tmp/e1.json' 2>/dev/null"
cp "$MGSLEEP_DB" "$tmp/a.copy"
s=$(status "$bin" import-backup "$tmp/e1.json")
check "import-backup into a store that has data is status 2 and changes nothing" \
	sh -c "[ $s = 2 ] && cmp -s '$MGSLEEP_DB' '$tmp/a.copy'"
printf '{"format":"mgsleep-export","schema_version":1,"nights":[{"date":"junk","entry":{}}]}' >"$tmp/bad.json"
s=$(status "$bin" --db "$tmp/own/c.db" import-backup "$tmp/bad.json")
check "a malformed backup is status 2 and leaves no store behind" sh -c "[ $s = 2 ] && [ ! -e '$tmp/own/c.db' ]"
printf '{"format":"mgsleep-export","schema_version":99}' >"$tmp/future.json"
s=$(status "$bin" --db "$tmp/own/d.db" import-backup "$tmp/future.json")
check "a backup from a newer schema is refused (status 2)" [ "$s" = 2 ]
check "backup FILE copies a plain store" "$bin" backup "$tmp/own/copy.db"
check "... and the copy opens with the same nights" sh -c "'$bin' --db '$tmp/own/copy.db' diary --format csv | grep -q '^2026-11-20'"
s=$(status "$bin" backup "$tmp/own/copy.db")
check "backup never overwrites a file (status 2)" [ "$s" = 2 ]

export MGSLEEP_DB="$tmp/own/sealed.db"
check "restore into a new encrypted store" sh -c "MGSLEEP_PASSPHRASE=one '$bin' init --encrypt && MGSLEEP_PASSPHRASE=one '$bin' import-backup '$tmp/e1.json'"
check "an encrypted backup stays encrypted and opens with the same passphrase" \
	sh -c "MGSLEEP_PASSPHRASE=one '$bin' backup '$tmp/own/sealed-copy.db' && head -c 8 '$tmp/own/sealed-copy.db' | grep -q MGSEALED && MGSLEEP_PASSPHRASE=one '$bin' --db '$tmp/own/sealed-copy.db' diary | grep -q 2026-11-20"
check "passphrase change re-keys the store" env MGSLEEP_PASSPHRASE=one MGSLEEP_NEW_PASSPHRASE=two "$bin" passphrase change
s=$(MGSLEEP_PASSPHRASE=one status "$bin" diary)
check "... the old passphrase no longer opens it" [ "$s" = 2 ]
check "... the new one does, with the data intact" sh -c "MGSLEEP_PASSPHRASE=two '$bin' export | cmp -s - '$tmp/e1.json'"
s=$(MGSLEEP_DB="$tmp/own/a.db" status "$bin" passphrase change)
check "passphrase change on a plain store is status 2" [ "$s" = 2 ]


# Issue 12: a store that never silently resets or races. Each defect the
# stress tests found has a test; races run two processes at once for a few
# rounds and check that what each command reported is what the store holds.
i12="$tmp/i12"
mkdir -p "$i12"
for len in 0 1; do
	MGSLEEP_PASSPHRASE=pw "$bin" --db "$i12/cut$len.db" init --encrypt >/dev/null
	head -c "$len" "$i12/cut$len.db" >"$i12/cut" && mv "$i12/cut" "$i12/cut$len.db"
	s1=$(status "$bin" --db "$i12/cut$len.db" diary)
	# shellcheck disable=SC2086
	s2=$(status "$bin" --db "$i12/cut$len.db" log --date 2026-11-20 $night)
	check "a sealed store cut to $len byte(s): diary and log refuse it (status 2) and write nothing" \
		sh -c "[ $s1 = 2 ] && [ $s2 = 2 ] && [ \$(wc -c <'$i12/cut$len.db') = $len ] && grep -q 'not an mgsleep store' '$tmp/err'"
done
# shellcheck disable=SC2086
s=$(MGSLEEP_PASSPHRASE=pw status "$bin" --db "$i12/pp.db" log --date 2026-11-20 $night)
check "with MGSLEEP_PASSPHRASE set, log does not create an unencrypted store (status 2)" \
	sh -c "[ $s = 2 ] && [ ! -e '$i12/pp.db' ] && grep -q 'init --encrypt' '$tmp/err'"
: >"$i12/gone.db.lock"
# shellcheck disable=SC2086
s=$(status "$bin" --db "$i12/gone.db" log --date 2026-11-20 $night)
check "a missing store whose .lock remains is not recreated unencrypted (status 2)" \
	sh -c "[ $s = 2 ] && [ ! -e '$i12/gone.db' ]"

# init --encrypt racing a log on a new path: a night reported logged is kept.
lost=0 wins=0
for r in 1 2 3 4 5 6; do
	db="$i12/race$r/s.db"
	MGSLEEP_PASSPHRASE=pw "$bin" --db "$db" init --encrypt >/dev/null 2>&1 &
	p1=$!
	# shellcheck disable=SC2086
	"$bin" --db "$db" log --date 2026-11-20 $night >/dev/null 2>&1 </dev/null &
	p2=$!
	wait $p1; si=$?
	wait $p2; sl=$?
	[ "$si" = 0 ] && wins=$((wins + 1))
	if [ "$sl" = 0 ] && ! MGSLEEP_PASSPHRASE=pw "$bin" --db "$db" diary --format csv 2>/dev/null | grep -q '^2026-11-20'; then
		lost=$((lost + 1))
	fi
	if [ "$si" = 0 ] && [ "$(head -c 8 "$db")" != MGSEALED ]; then lost=$((lost + 1)); fi
done
check "init --encrypt racing log, 6 rounds: what each reported is what the store holds ($lost lost)" [ "$lost" = 0 ]
# The same with the passphrase set for both: log refuses, or logs into the sealed store.
lost=0
for r in 1 2 3 4 5 6; do
	db="$i12/racep$r/s.db"
	MGSLEEP_PASSPHRASE=pw "$bin" --db "$db" init --encrypt >/dev/null 2>&1 &
	p1=$!
	# shellcheck disable=SC2086
	MGSLEEP_PASSPHRASE=pw "$bin" --db "$db" log --date 2026-11-20 $night >/dev/null 2>&1 &
	p2=$!
	wait $p1; si=$?
	wait $p2; sl=$?
	[ "$si" = 0 ] && [ "$(head -c 8 "$db")" = MGSEALED ] || lost=$((lost + 1))
	if [ "$sl" = 0 ] && ! MGSLEEP_PASSPHRASE=pw "$bin" --db "$db" diary --format csv 2>/dev/null | grep -q '^2026-11-20'; then
		lost=$((lost + 1))
	fi
done
check "init --encrypt racing log with a passphrase set: sealed every time, no logged night lost ($lost)" [ "$lost" = 0 ]

# Two init --encrypt with different passphrases: one succeeds, and its passphrase opens the store.
bad=0
for r in 1 2 3 4 5; do
	db="$i12/init$r/s.db"
	MGSLEEP_PASSPHRASE=one "$bin" --db "$db" init --encrypt >/dev/null 2>&1 &
	p1=$!
	MGSLEEP_PASSPHRASE=two "$bin" --db "$db" init --encrypt >/dev/null 2>&1 &
	p2=$!
	wait $p1; s1=$?
	wait $p2; s2=$?
	if [ "$s1" = 0 ] && [ "$s2" != 0 ]; then winner=one
	elif [ "$s2" = 0 ] && [ "$s1" != 0 ]; then winner=two
	else bad=$((bad + 1)); continue; fi
	MGSLEEP_PASSPHRASE=$winner "$bin" --db "$db" diary >/dev/null 2>&1 || bad=$((bad + 1))
done
check "two init --encrypt at once, 5 rounds: exactly one succeeds and its passphrase opens the store ($bad bad)" [ "$bad" = 0 ]

# Two import-backup into one new path: one restores, the store holds the backup.
bad=0
for r in 1 2 3 4 5; do
	db="$i12/restore$r/s.db"
	"$bin" --db "$db" import-backup "$tmp/e1.json" >"$i12/o1" 2>/dev/null &
	p1=$!
	"$bin" --db "$db" import-backup "$tmp/e1.json" >"$i12/o2" 2>/dev/null &
	p2=$!
	wait $p1; s1=$?
	wait $p2; s2=$?
	[ $((s1 == 0)) -ne $((s2 == 0)) ] || bad=$((bad + 1))
	[ "$(cat "$i12/o1" "$i12/o2" | grep -c Restored)" = 1 ] || bad=$((bad + 1))
	"$bin" --db "$db" export 2>/dev/null | cmp -s - "$tmp/e1.json" || bad=$((bad + 1))
done
check "two import-backup into a new path, 5 rounds: one says Restored and the store holds the backup ($bad bad)" [ "$bad" = 0 ]

# Two first commands on a new path: both succeed and both writes are kept.
bad=0
for r in 1 2 3 4 5 6; do
	db="$i12/first$r/s.db"
	"$bin" --db "$db" profile set --age 40 >/dev/null 2>&1 &
	p1=$!
	# shellcheck disable=SC2086
	"$bin" --db "$db" log --date 2026-11-20 $night >/dev/null 2>&1 </dev/null &
	p2=$!
	wait $p1 || bad=$((bad + 1))
	wait $p2 || bad=$((bad + 1))
	"$bin" --db "$db" profile show 2>/dev/null | grep -q '"age":40' || bad=$((bad + 1))
	"$bin" --db "$db" diary --format csv 2>/dev/null | grep -q '^2026-11-20' || bad=$((bad + 1))
done
check "two first commands on a new path, 6 rounds: both succeed, both kept ($bad bad)" [ "$bad" = 0 ]

# A sealed store through a symlink stays one store.
MGSLEEP_PASSPHRASE=pw "$bin" --db "$i12/target.db" init --encrypt >/dev/null
ln -s target.db "$i12/link.db"
# shellcheck disable=SC2086
check "log through a symlink to a sealed store" env MGSLEEP_PASSPHRASE=pw "$bin" --db "$i12/link.db" log --date 2026-11-20 $night
check "... the link is still a link, and the target holds the night" \
	sh -c "[ -L '$i12/link.db' ] && MGSLEEP_PASSPHRASE=pw '$bin' --db '$i12/target.db' diary --format csv | grep -q '^2026-11-20'"

# Files holding health data are 0600 whatever the umask.
export MGSLEEP_DB="$tmp/own/a.db"
(umask 000 && "$bin" export --out "$i12/e.json" && "$bin" export --format csv --out "$i12/csv" &&
	"$bin" backup "$i12/b.db" && "$bin" report --out "$i12/r.html") >/dev/null 2>&1
check "under umask 000, export, CSV (folder 0700), backup and report are private" \
	sh -c "[ \"\$(stat -c %a '$i12/e.json' '$i12/csv' '$i12/csv/nights.csv' '$i12/b.db' '$i12/r.html' | tr '\n' ' ')\" = '600 700 600 600 600 ' ]"

# Errors: one line, never the value given.
s=$(status "$bin" summary --weeks 4 'diagnosed bipolar')
check "a stray argument is refused by position, not repeated (status 2, one line)" \
	sh -c "[ $s = 2 ] && [ $(lines "$tmp/err") = 1 ] && ! grep -q bipolar '$tmp/err' && grep -q 'argument 3' '$tmp/err'"
s=$(status "$bin" trial event --symptom 'panic attacks')
check "an unknown symptom is not repeated; the accepted names are listed" \
	sh -c "[ $s = 2 ] && [ $(lines "$tmp/err") = 1 ] && ! grep -q panic '$tmp/err' && grep -q 'accepted:' '$tmp/err'"
s=$(status "$bin" "$(printf 'diary\n--bad')")
check "an unknown command is not repeated" sh -c "[ $s = 2 ] && [ $(lines "$tmp/err") = 1 ] && ! grep -q bad '$tmp/err'"
s=$(status "$bin" import "$(printf 'no\033[31mfile\nsecond line')")
check "a file name with a newline and an escape prints on one line, escaped" \
	sh -c "[ $s = 2 ] && [ $(lines "$tmp/err") = 1 ] && ! grep -q \"\$(printf '\033')\" '$tmp/err' && grep -q 'no\\\\x1b\\[31mfile\\\\x0asecond' '$tmp/err'"

# Output that cannot be written is a failure.
s=$(MGSLEEP_DB="$i12/full.db" status sh -c "'$bin' isi --answers 2,2,2,3,2,2,2 >/dev/full")
check "isi > /dev/full exits 1 (stdout checked at exit)" [ "$s" = 1 ]

# Numbers are decimal; naps add up.
s1=$(status "$bin" advise --age 0x1A)
s2=$(status "$bin" advise --age 40 --isi 1e1)
check "hex and exponent numbers are refused (--age 0x1A, --isi 1e1: status 2)" sh -c "[ $s1 = 2 ] && [ $s2 = 2 ]"
# shellcheck disable=SC2086
s=$(status "$bin" --db "$i12/nap.db" log --date 2026-11-20 $night --nap 720 --nap 720)
check "two --nap 720 (24 hours) are refused, 12 hours in total at most" sh -c "[ $s = 2 ] && [ ! -e '$i12/nap.db' ]"

# import: usage, devices, dry runs, loops, archive names.
s=$(status "$bin" --db "$i12/imp.db" import)
check "import with no file: one line on stderr, nothing on stdout, status 2" \
	sh -c "[ $s = 2 ] && [ ! -s '$tmp/out' ] && [ $(lines "$tmp/err") = 1 ]"
s=$(status "$bin" --db "$i12/imp.db" import /dev/null)
check "import /dev/null is refused (status 2) and creates no store" sh -c "[ $s = 2 ] && [ ! -e '$i12/imp.db' ]"
printf 'start,end\n2026-01-01T23:00:00Z,2026-01-02T07:00:00Z\n' >"$i12/sleep.csv"
s=$(status "$bin" --db "$i12/imp.db" import --dry-run --map start=start,end=end "$i12/sleep.csv")
check "import --dry-run reports what it would add and creates no store" \
	sh -c "[ $s = 0 ] && grep -q '1 would be added' '$tmp/out' && [ ! -e '$i12/imp.db' ]"
mkdir -p "$i12/loop/a"
for l in x y z; do ln -s . "$i12/loop/a/$l"; done
ln -s .. "$i12/loop/a/up"
s=$(status "$bin" --db "$i12/imp.db" import "$i12/loop")
check "a folder of symlink loops is walked once per folder (status 2: no export inside)" \
	sh -c "[ $s = 2 ] && grep -q 'no sleep export found' '$tmp/err'"
python3 -c "
import zipfile,sys
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr('\x1b[31mred\nline.csv', 'start,end\n2026-01-01T23:00:00Z,2026-01-02T07:00:00Z\n')
" "$i12/names.zip"
s=$(status "$bin" --db "$i12/zip.db" import --map start=start,end=end "$i12/names.zip")
check "zip member names are printed escaped, on one line" \
	sh -c "[ $s = 0 ] && ! grep -q \"\$(printf '\033')\" '$tmp/out' && grep -q 'x1b\[31mred\\\\x0aline.csv' '$tmp/out'"
s=$(status "$bin" --kb "$i12/no-such-kb" advise --age 40)
check "a missing --kb folder is status 2" [ "$s" = 2 ]

# Restored device records are checked like imported ones.
base='"format":"mgsleep-export","schema_version":3,"import_run":[{"id":1,"at":"2026-01-01T00:00:00Z","files":[],"report":{}}],"import_source":[{"id":1,"name":"w","kind":1}],"import_device":[]'
printf '{%s,"sleep_interval":[[1,null,1,-9223372036854775807,9223372036854775807,0,0,"","",1]]}' "$base" >"$i12/span.json"
printf '{%s,"sleep_interval":[[1,null,1,1767222000,1767250800,99999,60,"","",1]]}' "$base" >"$i12/off.json"
printf '{%s,"sleep_interval":[[1,null,1,1767222000,1767250800,60,60,"Mars/Olympus","",1]]}' "$base" >"$i12/zone.json"
printf '{%s,"sleep_interval":[[1,null,1,1767222000,1767250800,60,60,"Europe/Paris","",1]]}' "$base" >"$i12/ok.json"
for f in span off zone; do
	s=$(status "$bin" --db "$i12/bk-$f.db" import-backup "$i12/$f.json")
	check "a backup with a device record out of range ($f) is refused (status 2), no store left" \
		sh -c "[ $s = 2 ] && [ ! -e '$i12/bk-$f.db' ]"
done
check "... and one within range restores, 8 hours that night (23:00 to 07:00 UTC)" \
	sh -c "'$bin' --db '$i12/bk-ok.db' import-backup '$i12/ok.json' >/dev/null && '$bin' --db '$i12/bk-ok.db' diary --format json | grep -q '\"tst\":480'"

finish
