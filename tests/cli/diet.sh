#!/bin/sh
# End-to-end tests of food and diet (issue 6). Expected values are worked out
# by hand from the USDA SR28 rows (mg per 100 g x grams / 100).
# usage: tests/cli/diet.sh MGSLEEP   (TAP output)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

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
check "advise uses the food log (79.7 mg, below 320) and notes the low-intake finding" \
	sh -c "'$bin' advise --format json | grep -q '\"diet_mg\":79.7,\"diet_source\":\"your food log, 2 days\"' && '$bin' advise --format json | grep -q '\"code\":\"diet-low\"'"
check "an explicit --diet-mg wins over the food log" \
	sh -c "'$bin' advise --age 45 --sex female --diet-mg 400 --format json | grep -q '\"diet_mg\":400,\"diet_source\":null'"
# Gap 320 - 79.7 = 240.3 mg. Servings by magnesium (by hand): almonds 81, cooked spinach 78.3,
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

finish
