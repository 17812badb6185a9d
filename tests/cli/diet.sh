#!/bin/sh
# End-to-end tests of food and diet (issue 6). Expected values are worked out
# by hand from the USDA SR28 rows (mg per 100 g x grams / 100).
# usage: tests/cli/diet.sh MGSLEEP   (TAP output)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

# Every test here needs the USDA table, which is outside the repository;
# tests/cli/nofood.sh tests the build without it (in every build).
if "$bin" --version | grep -q '^food table: not built in'; then
	skip "the USDA food table is not built in (docs/food.md)"
	finish
fi

check "--version names the USDA dataset" sh -c "'$bin' --version | grep -q 'Standard Reference, Release 28'"
check "food search spinach: raw spinach first (11457), souffle not in the top 3" \
	sh -c "'$bin' food search spinach --limit 3 | head -1 | grep -q '^11457' && ! '$bin' food search spinach --limit 3 | grep -qi souffle"
check "food search Almonds finds Nuts, almonds (12061) first" sh -c "'$bin' food search Almonds --limit 1 | grep -q '^12061  Nuts, almonds'"
check "food search JSON: almonds 270 mg per 100 g" \
	sh -c "'$bin' food search almond --limit 1 --format json | grep -q '\"ndb\":\"12061\",\"description\":\"Nuts, almonds\",\"mg_per_100g\":270'"
check "food log almonds '1 oz': 270 x 28.35 / 100 = 76.5 mg (data README example)" \
	sh -c "'$bin' food log almonds '1 oz' --date 2026-11-20 | grep -q '76.5 mg'"
check "food log by NDB number and grams: 12014 pumpkin seeds 10g = 59.2 mg" \
	sh -c "'$bin' food log 12014 10g --date 2026-11-20 | grep -q '59.2 mg'"
check "food log spinach 1 cup: raw spinach 30 g = 23.7 mg" sh -c "'$bin' food log spinach '1 cup' --date 2026-11-21 | grep -q '23.7 mg'"
s=$(status "$bin" food log xyzzyq 1)
check "an unknown food is status 2 with close matches" sh -c "[ $s = 2 ] && grep -q 'close matches' '$tmp/err'"
s=$(status "$bin" food log 'almond chocolatey' 1)
check "a partly matching food lists close matches by word" sh -c "[ $s = 2 ] && grep -q 'almonds' '$tmp/err'"
s=$(status "$bin" food log almonds '1 bowl')
check "an unknown unit is status 2 listing the food's portions" sh -c "[ $s = 2 ] && grep -q '1 oz' '$tmp/err'"
s=$(status "$bin" food log almonds -- -5g)
check "a negative amount is refused (status 2)" [ "$s" = 2 ]
s=$(status "$bin" food log almonds 0g)
check "a zero amount is refused (status 2)" [ "$s" = 2 ]
"$bin" profile set --age 45 --sex female --weight 65 --jurisdiction us >/dev/null
# Day 1: 76.545 + 59.2 = 135.7 mg; day 2: 23.7 mg; mean 79.7 mg. US RDA woman 31-50: 320 mg.
check "diet: daily totals from the food log (135.7 and 23.7 mg), mean 79.7, intake 320" \
	sh -c "'$bin' diet --format json | grep -q '\"days\":\\[{\"date\":\"2026-11-20\",\"mg\":135.7},{\"date\":\"2026-11-21\",\"mg\":23.7}\\],\"mean_mg\":79.7,\"reference_intake_mg\":320'"
check "diet: top food is almonds" sh -c "'$bin' diet --format json | grep -q '\"top_foods\":\\[{\"description\":\"Nuts, almonds\"'"
check "diet JSON: 2 logged days are not used for advice (basis none, 2 of 3 days)" \
	sh -c "'$bin' diet --format json | grep -q '\"advice_estimate\":{\"basis\":\"none\",\"mg\":null,\"log_days\":2,\"min_log_days\":3}'"
check "diet says at least 3 days are needed before the estimate is used for advice" \
	sh -c "'$bin' diet | grep -q 'at least 3 days of logged food are needed before' && '$bin' diet | grep -q 'used for advice (2 so far)'"
check "advise with 2 logged days and no quiz: no diet estimate (diet_mg null)" \
	sh -c "'$bin' advise --format json | grep -q '\"diet_mg\":null,\"diet_source\":null'"
# Day 3: pumpkin seeds 10 g = 592 x 10 / 100 = 59.2 mg. Mean (135.745 + 23.7 + 59.2) / 3 = 72.9 mg.
"$bin" food log 12014 10g --date 2026-11-23 >/dev/null
check "advise uses the food log from 3 days (72.9 mg, below 320) and notes the low-intake finding" \
	sh -c "'$bin' advise --format json | grep -q '\"diet_mg\":72.9,\"diet_source\":\"your food log, 3 days\"' && '$bin' advise --format json | grep -q '\"code\":\"diet-low\"'"
check "diet JSON: 3 logged days are used for advice (72.9 mg)" \
	sh -c "'$bin' diet --format json | grep -q '\"advice_estimate\":{\"basis\":\"log\",\"mg\":72.9,\"log_days\":3,\"min_log_days\":3}'"
check "an explicit --diet-mg wins over the food log" \
	sh -c "'$bin' advise --age 45 --sex female --diet-mg 400 --format json | grep -q '\"diet_mg\":400,\"diet_source\":null'"
# Gap 320 - 72.9 = 247.1 mg. Servings by magnesium (by hand): almonds 81, cooked spinach 78.3,
# brown rice 74.1, black beans 60.2, pumpkin seeds 59.2 ... Greedy: 81 + 78.3 + 74.1 = 233.4 is
# short, so black beans too: 293.6 mg.
check "diet suggest: almonds, spinach, brown rice, black beans, about 294 mg" \
	sh -c "'$bin' diet suggest | grep -A4 'add for example' | tr '\n' ' ' | grep -q 'almonds: 81 mg.*spinach: 78 mg.*brown rice: 74 mg.*black beans: 60 mg' && '$bin' diet suggest | grep -q 'adds about 294 mg'"

# Quiz in a new store: every item once a day (answer 5). Per serving by hand:
# 81 + 59.2 + 78.3 + 60.2 + 24 + 55.2 + 74.1 + 45.6 + 22 + 28 + 48.44 + 31.86 + 30 = 637.9 mg.
export MGSLEEP_DB="$tmp/q.db"
"$bin" profile set --age 45 --sex female --weight 65 --jurisdiction us >/dev/null
check "diet quiz: every item once a day = 638 mg a day" \
	sh -c "'$bin' diet quiz --answers 5,5,5,5,5,5,5,5,5,5,5,5,5 --date 2026-11-22 | grep -q 'about 638 mg a day'"
check "advise uses the quiz: intake met, so the gentler 145 mg start (reference 9.2)" \
	sh -c "'$bin' advise --format json | grep -q '\"elemental_mg\":145,' && '$bin' advise --format json | grep -q 'your diet quiz of 2026-11-22'"
check "diet suggest says no change is needed when intake is met" sh -c "'$bin' diet suggest | grep -q 'No change needed'"
check "diet quiz: never for everything = 0 mg" sh -c "'$bin' diet quiz --answers 0,0,0,0,0,0,0,0,0,0,0,0,0 | grep -q 'about 0 mg'"
s=$(status "$bin" diet quiz --answers 5,5,5)
check "diet quiz with too few answers is status 2" [ "$s" = 2 ]
s=$(status "$bin" diet quiz --answers 9,5,5,5,5,5,5,5,5,5,5,5,5)
check "diet quiz with an answer out of range is status 2 naming the question" sh -c "[ $s = 2 ] && grep -q 'question 1' '$tmp/err'"
check "export carries the food log and the quiz" sh -c "'$bin' export | grep -q '\"diet_quiz\":\\[{\"date\":\"2026-11-22\"'"

# Usual intake, not one day (issue 10): the food log counts for advice from 3
# distinct days. Pumpkin seeds 12014: 592 mg per 100 g; almonds 12061 1 oz:
# 270 x 28.35 / 100 = 76.545 mg. US RDA woman 31-50: 320 mg.
export MGSLEEP_DB="$tmp/t.db"
"$bin" profile set --age 45 --sex female --weight 65 --jurisdiction us >/dev/null
"$bin" advise --format json >"$tmp/base.json"
check "no food logged: diet_mg null, the 250 mg trial dose" \
	sh -c "grep -q '\"elemental_mg\":250,' '$tmp/base.json' && grep -q '\"diet_mg\":null' '$tmp/base.json'"
"$bin" food log 12014 60g --date 2026-12-01 >/dev/null # 355.2 mg, above 320 on its own
"$bin" advise --format json >"$tmp/a1.json"
check "1 logged day (355.2 mg) changes neither diet_mg nor the dose: advice identical" cmp -s "$tmp/base.json" "$tmp/a1.json"
"$bin" food log 12014 70g --date 2026-12-02 >/dev/null # 414.4 mg
"$bin" advise --format json >"$tmp/a2.json"
check "2 logged days (mean 384.8 mg) change neither diet_mg nor the dose: advice identical" \
	cmp -s "$tmp/base.json" "$tmp/a2.json"
check "diet: 2 days are not used for advice, and says 3 are needed" \
	sh -c "'$bin' diet | grep -q 'at least 3 days of logged food are needed' && '$bin' diet | grep -q 'it has no dietary intake'"
s=$(status "$bin" diet suggest)
check "diet suggest with 2 logged days and no quiz: status 2, asks for 3 days" \
	sh -c "[ $s = 2 ] && grep -q 'at least 3 days' '$tmp/err'"
"$bin" food log 12061 '1 oz' --date 2026-12-03 >/dev/null
"$bin" food log 12014 50g --date 2026-12-03 >/dev/null # 296 mg; day 3 = 372.545 mg
# Mean (355.2 + 414.4 + 372.545) / 3 = 380.715 mg >= 320: the gentler 145 mg start.
check "3 logged days: diet_mg 380.7 from the log, and the dose becomes the gentler 145 mg" \
	sh -c "'$bin' advise --format json | grep -q '\"elemental_mg\":145,' && '$bin' advise --format json | grep -q '\"diet_mg\":380.7,\"diet_source\":\"your food log, 3 days\"'"
check "diet: 3 days are used for advice (381 mg a day)" \
	sh -c "'$bin' diet | grep -q 'Advice uses the mean of all 3 logged days: 381 mg a day'"

# Deleting a logged food (issue 10). The entries, in the order logged: 1 =
# pumpkin seeds 60 g, 2 = 70 g, 3 = almonds 1 oz, 4 = pumpkin seeds 50 g.
check "food list shows each entry with its id (3 = almonds 1 oz on 2026-12-03)" \
	sh -c "'$bin' food list --format json | grep -q '{\"id\":3,\"date\":\"2026-12-03\",\"ndb\":\"12061\",\"description\":\"Nuts, almonds\",\"amount\":\"1 oz\"'"
check "food list (text) shows the id, date, mg and food" \
	sh -c "'$bin' food list --from 2026-12-03 --to 2026-12-03 | grep -q '^3 .*2026-12-03 .* 76.5 mg  1 oz (28 g) of Nuts, almonds \[12061\]' && [ \$('$bin' food list --from 2026-12-03 --to 2026-12-03 | grep -c '^[0-9]') = 2 ]"
"$bin" export >"$tmp/before.json"
cp "$MGSLEEP_DB" "$tmp/t.copy"
s=$(status "$bin" food delete 99)
check "food delete of an unknown id: status 2, one line naming ID" \
	sh -c "[ $s = 2 ] && [ $(lines "$tmp/err") = 1 ] && grep -q 'food delete: ID: no logged food has this id' '$tmp/err' && [ ! -s '$tmp/out' ]"
check "... and the error does not echo the id typed" sh -c "! grep -q 99 '$tmp/err'"
s=$(status "$bin" food delete 3x)
check "food delete with a malformed id: status 2 naming ID" sh -c "[ $s = 2 ] && grep -q 'ID: accepted' '$tmp/err'"
s=$(status "$bin" food delete)
check "food delete without an id: status 2" [ "$s" = 2 ]
"$bin" export >"$tmp/after.json"
check "refused deletes leave the store exactly as it was (export and file)" \
	sh -c "cmp -s '$tmp/before.json' '$tmp/after.json' && cmp -s '$MGSLEEP_DB' '$tmp/t.copy'"
check "food delete 4 (pumpkin seeds 50 g) succeeds" sh -c "'$bin' food delete 4 | grep -q 'Deleted logged food 4'"
# Day 3 is now almonds alone, 76.545 mg; mean (355.2 + 414.4 + 76.545) / 3 = 282.048 mg < 320.
check "after the delete, diet totals 355.2, 414.4 and 76.5 mg, mean 282" \
	sh -c "'$bin' diet --format json | grep -q '\"days\":\[{\"date\":\"2026-12-01\",\"mg\":355.2},{\"date\":\"2026-12-02\",\"mg\":414.4},{\"date\":\"2026-12-03\",\"mg\":76.5}\],\"mean_mg\":282,'"
check "... and the advice follows: diet_mg 282, back to the 250 mg start" \
	sh -c "'$bin' advise --format json | grep -q '\"diet_mg\":282,\"diet_source\":\"your food log, 3 days\"' && '$bin' advise --format json | grep -q '\"elemental_mg\":250,'"
s=$(status "$bin" food delete 4)
check "deleting the same id again: status 2" [ "$s" = 2 ]
"$bin" food delete 3 >/dev/null
"$bin" advise --format json >"$tmp/a3.json"
check "deleting day 3's last food leaves 2 days: the advice is again the one with no diet" cmp -s "$tmp/base.json" "$tmp/a3.json"
check "the export's food log no longer has the deleted entries" \
	sh -c "'$bin' export | grep -q '\"food_log\":\[{\"date\":\"2026-12-01\",[^]]*},{\"date\":\"2026-12-02\",[^]]*}\],\"diet_quiz\"' && ! '$bin' export | grep -q 12061"

# The quiz is used while the log has fewer than 3 days; from 3 days the log.
export MGSLEEP_DB="$tmp/u.db"
"$bin" profile set --age 45 --sex female --weight 65 --jurisdiction us >/dev/null
"$bin" food log 12014 60g --date 2026-12-01 >/dev/null
"$bin" food log 12014 70g --date 2026-12-02 >/dev/null
"$bin" diet quiz --answers 5,5,5,5,5,5,5,5,5,5,5,5,5 --date 2026-11-30 >/dev/null # 637.9 mg (above)
check "2 logged days and a quiz: advise uses the quiz (637.9 mg), not the log (384.8)" \
	sh -c "'$bin' advise --format json | grep -q '\"diet_mg\":637.9,\"diet_source\":\"your diet quiz of 2026-11-30\"'"
check "diet: says the quiz is used until 3 days are logged" \
	sh -c "'$bin' diet | grep -q 'Until then it uses your diet quiz of 2026-11-30: 638 mg a day'"
"$bin" food log 12061 '1 oz' --date 2026-12-03 >/dev/null
# Mean (355.2 + 414.4 + 76.545) / 3 = 282.048 mg, below 320: back to the 250 mg start.
check "3 logged days win over the quiz: diet_mg 282 from the log, the 250 mg dose" \
	sh -c "'$bin' advise --format json | grep -q '\"diet_mg\":282,\"diet_source\":\"your food log, 3 days\"' && '$bin' advise --format json | grep -q '\"elemental_mg\":250,'"

# Search prefers the form people eat (issue 10); by hand from the table.
export MGSLEEP_DB="$tmp/s.db"
check "food search quinoa: Quinoa, cooked (20137) first, uncooked (20035) second" \
	sh -c "'$bin' food search quinoa --limit 2 | grep -E '^[0-9]{5}' | tr '\n' ' ' | grep -q '^20137  Quinoa, cooked 20035  Quinoa, uncooked'"
check "food search rice: Rice, brown, long-grain, cooked (20037) first" \
	sh -c "'$bin' food search rice --limit 1 | grep -q '^20037  Rice, brown, long-grain, cooked'"
check "food search lentils: cooked, boiled lentils (16070) first" \
	sh -c "'$bin' food search lentils --limit 1 | grep -q '^16070  Lentils, mature seeds, cooked, boiled, without salt'"
check "food search porridge: oats cooked with water (08121)" \
	sh -c "'$bin' food search porridge --limit 1 | grep -q '^08121  Cereals, oats, regular and quick, unenriched, cooked with water'"
check "food search aubergine finds Eggplant, raw (11209)" sh -c "'$bin' food search aubergine --limit 1 | grep -q '^11209  Eggplant, raw'"
check "food log quinoa '1 cup': cooked quinoa 185 g x 64 / 100 = 118.4 mg" \
	sh -c "'$bin' food log quinoa '1 cup' --date 2026-12-01 | grep -q 'Quinoa, cooked \[20137\] on 2026-12-01: 118.4 mg'"
check "food log porridge '1 cup': oats cooked 234 g x 27 / 100 = 63.2 mg" \
	sh -c "'$bin' food log porridge '1 cup' --date 2026-12-01 | grep -q '\[08121\] on 2026-12-01: 63.2 mg'"
check "food log 'black beans' '1 cup': cooked 172 g x 70 / 100 = 120.4 mg" \
	sh -c "'$bin' food log 'black beans' '1 cup' --date 2026-12-01 | grep -q '\[16015\] on 2026-12-01: 120.4 mg'"

finish
