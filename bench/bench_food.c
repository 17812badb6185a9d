/* In-process benchmark of the food search (issue 6): every query of a
 * realistic list runs against the whole built-in table (8,050 foods),
 * keeping the best 10 hits, as `mgsleep food search` does.
 *
 * usage: bench_food [ROUNDS]   (default 25; each round runs every query once)
 * Output: one "key value unit" line per measurement:
 *   food_search_<query> the median time of that query over the rounds;
 *   food_search_median_us / _p90_us / _max_us over all query medians;
 *   target_food_search_us: PASS when the slowest query's median is < 5 ms.
 * Requirement (issue 6): search under 5 ms per query over the whole table. */
#include "bench.h"

#include <mgsleep/food.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_US 5000.0
#define MAX_ROUNDS 1000

static const char *const queries[] = {
	"spinach", "almond", "pumpkin seeds", "black beans", "dark chocolate", "quinoa",
	"banana", "salmon", "oat", "milk", "cashews", "brown rice", "avocado", "yogurt",
	"tofu", "peanut butter", "chia seeds", "whole wheat bread", "broccoli", "lentils cooked",
	"edamame", "kale", "potato baked", "chicken breast roasted", "Almonds", "spinaches",
	"s",     /* one letter: a prefix of thousands of words, the slowest kind */
	"xyzzy", /* no match */
};
#define NQ (sizeof queries / sizeof *queries)

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 25;
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: bench_food [ROUNDS 1..%d]\n", MAX_ROUNDS);
		return 2;
	}
	if (!mg_food_available()) {
		fprintf(stderr, "bench_food: the USDA food table is not built in (docs/food.md)\n");
		return 1;
	}
	static double t[NQ][MAX_ROUNDS];
	double med[NQ];
	struct mg_food_hit hits[10];
	long sink = 0;

	/* warm-up: page the table in */
	for (size_t q = 0; q < NQ; q++)
		sink += mg_food_search(queries[q], hits, 10);

	for (long r = 0; r < rounds; r++)
		for (size_t q = 0; q < NQ; q++) {
			double t0 = now();
			int n = mg_food_search(queries[q], hits, 10);
			t[q][r] = now() - t0;
			if (n < 0) {
				fprintf(stderr, "bench_food: '%s' failed\n", queries[q]);
				return 1;
			}
			sink += n + (n ? (long)hits[0].index : 0);
		}

	printf("foods %zu\nqueries %zu\nrounds %ld\n", mg_food_count(), NQ, rounds);
	for (size_t q = 0; q < NQ; q++) {
		med[q] = median(t[q], (size_t)rounds) * 1e6;
		char key[64];
		size_t k = 0;
		for (const char *s = queries[q]; *s && k < sizeof key - 1; s++)
			key[k++] = *s == ' ' ? '_' : *s;
		key[k] = 0;
		printf("food_search_%s %.1f us (%d matches)\n", key, med[q], mg_food_search(queries[q], NULL, 0));
	}
	double sorted[NQ];
	memcpy(sorted, med, sizeof med);
	double all = median(sorted, NQ); /* sorts */
	double p90 = sorted[(NQ * 9) / 10 < NQ ? (NQ * 9) / 10 : NQ - 1];
	double max = sorted[NQ - 1];
	printf("food_search_median_us %.1f us\nfood_search_p90_us %.1f us\nfood_search_max_us %.1f us\n", all, p90, max);
	printf("sink %ld\n", sink % 10);
	printf("target_food_search_us %.0f %s\n", TARGET_US, max < TARGET_US ? "PASS" : "FAIL");
	return max < TARGET_US ? 0 : 1;
}
