/* libFuzzer target: food search queries and amount texts (issue 6), both
 * typed by the user. The first byte picks a food; the rest, NUL-terminated,
 * is used as a query and as an amount for that food. */
#include <mgsleep/food.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	struct mg_food_hit hits[20];
	int n = mg_food_search(s, hits, 20);
	if (!mg_food_available()) { /* a build without the table: every search says so */
		if (n != MG_ENODATA)
			abort();
		free(s);
		return 0;
	}
	for (int i = 0; i < n && i < 20; i++) {
		struct mg_food f;
		if (mg_food_get(hits[i].index, &f))
			abort(); /* a hit must name a food */
	}
	struct mg_food f;
	struct mg_error err;
	double g;
	mg_food_get((size_t)data[0] * 31 % mg_food_count(), &f);
	if (mg_food_portion_grams(&f, s, &g, &err) == 0 && !(g > 0 && g <= 10000 && isfinite(mg_food_mg(&f, g))))
		abort(); /* accepted amounts are positive and bounded */
	free(s);
	return 0;
}
