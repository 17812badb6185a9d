#!/bin/sh
# End-to-end tests of a build without the USDA food table (docs/food.md),
# which a clone with nothing beside it gets: the food commands say so in one
# line, and the diet quiz, diet suggest and the advice work without it. Run
# with build/mgsleep-nofood, so that a build with the table tests this too.
# usage: tests/cli/nofood.sh MGSLEEP   (TAP output; run from the repository root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

check "--version says the food table is not built in" sh -c "'$bin' --version | grep -qx 'food table: not built in (docs/food.md)'"

for cmd in "food search almonds" "food log almonds 1oz"; do
	# shellcheck disable=SC2086 # the words of $cmd are arguments
	s=$(status "$bin" $cmd)
	check "$cmd: status 1, one line saying the table is not built in and how to add it" \
		sh -c "[ $s = 1 ] && [ $(lines "$tmp/err") = 1 ] && grep -q 'food table is not built in' '$tmp/err' && grep -q 'FOOD_DATA=PATH' '$tmp/err' && [ ! -s '$tmp/out' ]"
done
check "... and the refused food log created no store" test ! -e "$MGSLEEP_DB"

"$bin" profile set --age 45 --sex female --weight 65 --jurisdiction us >/dev/null
check "food list works (the log is in the store, not the table)" sh -c "'$bin' food list | grep -q 'No food logged'"
check "diet with nothing logged points to the quiz and says why food log is missing" \
	sh -c "'$bin' diet | grep -q 'no food table' && '$bin' diet | grep -q 'mgsleep diet quiz'"

# Per serving by hand from SR28 (kb/diet.json): 81 + 59.2 + 78.3 + 60.2 + 24 +
# 55.2 + 74.1 + 45.6 + 22 + 28 + 48.44 + 31.86 + 30 = 637.9 mg, the same as
# tests/cli/diet.sh gets from the table.
check "diet quiz: every item once a day = 638 mg a day" \
	sh -c "'$bin' diet quiz --answers 5,5,5,5,5,5,5,5,5,5,5,5,5 --date 2026-11-22 | grep -q 'about 638 mg a day'"
check "advise uses the quiz: diet_mg 637.9, the gentler 145 mg start" \
	sh -c "'$bin' advise --format json | grep -q '\"diet_mg\":637.9,\"diet_source\":\"your diet quiz of 2026-11-22\"' && '$bin' advise --format json | grep -q '\"elemental_mg\":145,'"
check "diet suggest: no change needed" sh -c "'$bin' diet suggest | grep -q 'No change needed'"

# Every item less than once a week (0.07 a day): 637.9 x 0.07 = 44.653 mg.
# Gap to the US RDA of 320 mg: 275.3 mg. Servings by magnesium: almonds 81,
# spinach 78.3, brown rice 74.1, black beans 60.2: 233.4 is short, so four:
# 293.6 mg.
export MGSLEEP_DB="$tmp/q.db"
"$bin" profile set --age 45 --sex female --weight 65 --jurisdiction us >/dev/null
check "diet quiz: everything less than once a week = 45 mg a day" \
	sh -c "'$bin' diet quiz --answers 1,1,1,1,1,1,1,1,1,1,1,1,1 --date 2026-11-22 | grep -q 'about 45 mg a day'"
check "diet suggest: almonds, spinach, brown rice, black beans, about 294 mg" \
	sh -c "'$bin' diet suggest | grep -A4 'add for example' | tr '\n' ' ' | grep -q 'almonds: 81 mg.*spinach: 78 mg.*brown rice: 74 mg.*black beans: 60 mg' && '$bin' diet suggest | grep -q 'adds about 294 mg'"

export MGSLEEP_DB="$tmp/none.db"
check "advise --diet-mg 180 works without the table (diet_mg 180)" \
	sh -c "'$bin' advise --age 45 --sex female --diet-mg 180 --format json | grep -q '\"diet_mg\":180,'"

finish
