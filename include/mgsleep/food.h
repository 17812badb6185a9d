/* The USDA SR Legacy magnesium table, built into the program (docs/food.md).
 *
 * Data: U.S. Department of Agriculture, Agricultural Research Service. USDA
 * National Nutrient Database for Standard Reference, Release 28 (SR28, 2015,
 * revised May 2016; FoodData Central's "SR Legacy" is the same database
 * frozen). 8,050 foods that have a magnesium value, with magnesium per 100 g
 * edible portion and household portions. tools/foodc validates
 * ../shared/data/usda-sr-legacy-magnesium.csv at build time and compiles it
 * into the library; nothing is read at run time.
 *
 * The table is not part of the repository. A build that does not find it
 * has no foods (mg_food_available() is 0): the lookups then return
 * MG_ENODATA, which callers report as "not built in" (docs/food.md says how
 * to add it). The food log, the diet quiz and the advice do not need it.
 *
 * Pure functions: no I/O, no allocation, no global state; safe from any
 * thread. Foods are numbered 0 .. mg_food_count() - 1 in ascending NDB order. */
#ifndef MGSLEEP_FOOD_H
#define MGSLEEP_FOOD_H

#include <mgsleep/buf.h>
#include <mgsleep/error.h>

#include <stddef.h>

/* Citation of the dataset, for --version and report references (one line). */
#define MG_FOOD_DATASET                                                                  \
	"U.S. Department of Agriculture, Agricultural Research Service. USDA National " \
	"Nutrient Database for Standard Reference, Release 28 (SR28, 2015, revised May " \
	"2016; SR Legacy)"
#define MG_FOOD_DATASET_SHORT "USDA SR28 (SR Legacy)"

struct mg_food {
	size_t index;            /* 0 .. mg_food_count() - 1 */
	char ndb[6];             /* NDB number, 5 digits with leading zeros: "01001" */
	const char *description; /* SR long description: "Nuts, almonds" */
	const char *group;       /* SR food group: "Nut and Seed Products" */
	double mg_per_100g;      /* mg magnesium per 100 g edible portion, as USDA printed it */
	size_t n_portions;       /* household portions, 0 .. 16 (227 foods have none) */
	size_t first_portion_;   /* private */
};

/* One household portion: `amount` `unit` weighs `grams` (the weight of the
 * whole amount, not of one unit): {1, "oz (23 whole kernels)", 28.35},
 * {6, "cracker 1 cracker = 6.5g", 39}, {0.333, "cup", 27}. */
struct mg_food_portion {
	double amount;
	const char *unit;
	double grams;
};

/* 1 when the table is built in, 0 when the build did not find it. */
int mg_food_available(void);

/* Number of foods in the table (8,050; 0 when not built in). */
size_t mg_food_count(void);

/* SHA-256 (hex) of the CSV the table was compiled from, for provenance
 * ("" when not built in). */
const char *mg_food_data_sha256(void);

/* Fill *f with food number `index`. 0, or MG_EINVAL when out of range. */
int mg_food_get(size_t index, struct mg_food *f);

/* Food by NDB number: 1 to 5 digits, leading zeros optional ("1001" and
 * "01001" are the same food), surrounding spaces allowed. 0, MG_ENODATA when
 * the table is not built in, or MG_EINVAL when malformed or not in the table
 * (f is then untouched). */
int mg_food_find_ndb(const char *ndb, struct mg_food *f);

/* Portion i (0 .. f->n_portions - 1) in the table's order. 0 or MG_EINVAL. */
int mg_food_portion(const struct mg_food *f, size_t i, struct mg_food_portion *p);

/* mg magnesium in `grams` of the food: mg_per_100g x grams / 100. */
double mg_food_mg(const struct mg_food *f, double grams);

/* ---- Search --------------------------------------------------------------
 *
 * Words are runs of letters and digits, compared without case (and with
 * accents folded: "entree" finds "Entrée"). Every query word must match a
 * word of the description, anywhere in it:
 *   - fully, when the words are equal or have the same plural stem
 *     ("almond"/"almonds", "spinach"/"spinaches", "berry"/"berries",
 *     "cookie"/"cookies", "tomato"/"tomatoes", "leaf"/"leaves");
 *   - or as a prefix, when the query word as typed starts a description word
 *     ("spin" -> "spinach", "flax" -> "flaxseed").
 * A description is split into comma-separated segments (commas inside
 * parentheses do not split). Its head segments are the first one and, for
 * SR's category-first names, the second: when the first segment is one of
 * "Nuts", "Seeds", "Beans", "Cereals", "Fish", "Cheese", "Spices",
 * "Beverages", "Alcoholic beverage", "Mollusks", "Crustaceans",
 * "Game meat", "Peppers", "Squash" ("Nuts, almonds" is almonds,
 * "Fish, salmon, ..." is salmon; "Soup, spinach" is not spinach).
 *
 *   score = 40 E + 20 H - 2 min(X, 20) - 3 P + 10 F
 *
 *   E = 1 when a head segment is the plain food: every word of it (outside
 *       parentheses) is fully matched by the query ("Spinach, raw",
 *       "Nuts, almonds"; in the second segment the category word itself
 *       counts as matched: "Nuts, cashew nuts" for "cashews");
 *   H = 1 when the first word of a head segment is matched;
 *   X = description words outside parentheses that no query word matches
 *       (the category segment itself excluded): fewer extra words first, so
 *       raw and plain forms come before prepared ones;
 *   P = query words that only matched as a prefix;
 *   F = the form people eat (issue 10), only for the SR groups whose foods
 *       are eaten cooked: Cereal Grains and Pasta, Legumes and Legume
 *       Products, Breakfast Cereals. +1 when a word outside parentheses is
 *       cooked, boiled, prepared, steamed, microwaved or roasted; else 0
 *       when it is canned; else -1 when raw, uncooked, dry or unprepared;
 *       else -1 in Cereal Grains and Pasta ("Oats", flours) and 0 in the
 *       other two. F is 0 in other groups (raw spinach is eaten), and for
 *       every food when a query word is one of those form words ("quinoa
 *       uncooked"). So "Quinoa, cooked" (68) comes before "Quinoa,
 *       uncooked" (48), "Rice, brown, long-grain, cooked" before "..., raw".
 *
 * Before matching, a few everyday words that SR28 does not use are replaced
 * by its words (a table in src/core/food.c; docs/food.md): porridge -> oats
 * cooked, aubergine -> eggplant, courgette -> zucchini, ..., and "oatmeal"
 * -> oats cooked when it is the whole query.
 *
 * Higher scores first; equal scores in ascending NDB order. For "spinach":
 * "Spinach, raw" 58, "Spinach, cooked, boiled, drained, without salt" 50,
 * "Spinach souffle" 18 (its head segment has the extra word "souffle"),
 * "Soup, spinach..." below zero. */
struct mg_food_hit {
	size_t index; /* pass to mg_food_get */
	int score;
};

#define MG_FOOD_QUERY_MAX_WORDS 16
#define MG_FOOD_WORD_MAX 32 /* query words this long or longer match nothing */

/* Rank the foods that match `query`. Writes the best min(n, max_hits) hits,
 * best first, and returns n, the number of matching foods (0 when none; may
 * exceed max_hits, like snprintf). Returns MG_ENODATA when the table is not
 * built in (whatever the query), MG_EINVAL when query is NULL, has
 * no word or more than MG_FOOD_QUERY_MAX_WORDS words. A word of
 * MG_FOOD_WORD_MAX bytes or more matches nothing. hits may be NULL when
 * max_hits is 0. About 0.15 ms per query (bench/bench_food). */
int mg_food_search(const char *query, struct mg_food_hit *hits, size_t max_hits);

/* ---- Amounts -------------------------------------------------------------
 *
 * Grams in an amount of the food, as a person writes it:
 *   - grams: "30g", "30 g", "30 grams", "0.5 kg";
 *   - a portion of the table: NUMBER UNIT, scaled from the table's amount:
 *     "1 cup", "2 tbsp", "0.5 cup", "1/2 cup", "1 1/2 cups". UNIT's words
 *     must begin the portion's unit text, word by word, without case or
 *     plural ("cup" matches "cup, chopped" and "cup (8 fl oz)"; "fl oz"
 *     matches "fl oz"); tablespoon/tbs = tbsp, teaspoon = tsp, ounce = oz,
 *     pound = lb. When several portions match, the shortest unit text wins
 *     (then the first in the table);
 *   - ounces and pounds by weight (28.349523125 g, 453.59237 g) when the
 *     food has no such portion: "1 oz", "2 lb";
 *   - a bare count, "3": that many of the food's count unit
 *     (mg_food_unit_portion: "1 large" egg, "1 medium" banana);
 *   - a unit without a number means 1: "cup" = "1 cup".
 * The number must be greater than 0 and the result at most 10 kg. Errors
 * (MG_EINVAL, field "amount") say what is wrong and list the food's
 * portions with their grams. */
int mg_food_portion_grams(const struct mg_food *f, const char *amount_text, double *grams,
			  struct mg_error *err);

/* The portion a bare count refers to, or -1 when none: the first portion if
 * its unit is countable (not a measure such as oz, cup, tbsp, fl oz,
 * serving), else a "medium" portion, else the first countable portion. */
long mg_food_unit_portion(const struct mg_food *f);

/* ---- Usual intake --------------------------------------------------------
 *
 * Which estimate of usual dietary magnesium (mg a day) the advice may use
 * (issue 10): the mean of the food log's daily totals when the log covers at
 * least MG_DIET_LOG_MIN_DAYS distinct days; otherwise the latest diet quiz;
 * otherwise none. One day (or two) is never used on its own: a single day's
 * intake varies too much from day to day to describe usual intake, which is
 * what the dose rules are about (a day of nuts and beans, then a day
 * without). 3 is the minimum issue 10 sets; it is a floor, not a number
 * derived from a variance model, and more days describe usual intake
 * better. */
#define MG_DIET_LOG_MIN_DAYS 3

enum mg_diet_basis {
	MG_DIET_NONE = 0, /* no estimate: the advice gets no dietary intake */
	MG_DIET_LOG,      /* the food log's mean daily total */
	MG_DIET_QUIZ,     /* the latest diet quiz */
};

struct mg_diet_estimate {
	enum mg_diet_basis basis;
	double mg;    /* mg a day; NaN when basis is MG_DIET_NONE */
	int log_days; /* distinct days in the food log, used or not */
};

/* Choose the estimate from the food log (mean of the daily totals over
 * log_days distinct days; log_mean_mg NaN when log_days is 0) and the latest
 * quiz (quiz_mg, NaN when there is none). 0, or MG_EINVAL (field
 * "log_days", "log_mean_mg" or "quiz_mg") when log_days < 0, the mean is
 * missing, negative or not finite while log_days > 0, or quiz_mg is negative
 * or infinite; *out is then untouched. */
int mg_diet_estimate(double log_mean_mg, int log_days, double quiz_mg, struct mg_diet_estimate *out,
		     struct mg_error *err);

/* ---- The diet quiz (kb/diet.json) ----------------------------------------
 *
 * Elemental mg in one serving of a quiz item; and the quiz scored: ans[k]
 * is the frequency (an index into mg_kb_diet_freqs) of item k, for each of
 * the n items; *total the mg a day from these foods, and the answers as the
 * store keeps them ({"ITEM_ID":N,...}) appended to answers_json. 0, or
 * MG_EINVAL naming "answers" when n is not the number of items or an answer
 * is out of range. */
struct mg_kb;
struct mg_diet_item;
double mg_diet_item_mg(const struct mg_diet_item *it);
int mg_diet_quiz_score(const struct mg_kb *kb, const int *ans, size_t n, double *total, struct mg_buf *answers_json,
		       struct mg_error *err);

#endif
