/* A build without the USDA food table (docs/food.md): linked with the empty
 * table that tools/foodc --none emits. Every lookup says "not built in"
 * (MG_ENODATA) rather than "no such food", and the quiz items still carry
 * their SR28 values in the knowledge base. */
#include "../tap.h"

#include <mgsleep/food.h>
#include <mgsleep/kb.h>

int main(void)
{
	struct mg_food f = {.index = 7};
	struct mg_food_hit h[4];
	ok(!mg_food_available(), "the table is not built in");
	ok(mg_food_count() == 0, "no foods");
	is_str(mg_food_data_sha256(), "", "no SHA-256");
	ok(mg_food_search("almonds", h, 4) == MG_ENODATA, "search: MG_ENODATA");
	ok(mg_food_search("x", NULL, 0) == MG_ENODATA, "search counting only: MG_ENODATA");
	ok(mg_food_find_ndb("12061", &f) == MG_ENODATA, "find by NDB number: MG_ENODATA");
	ok(f.index == 7, "... and the food is untouched");
	ok(mg_food_get(0, &f) == MG_EINVAL, "food 0 is out of range");
	is_str(mg_strerror(MG_ENODATA), "not built in", "MG_ENODATA reads 'not built in'");

	struct mg_kb *kb = NULL;
	struct mg_error err = {0};
	if (ok(mg_kb_load_builtin(&kb, &err) == 0, "the built-in KB loads without the table (%s)", err.msg)) {
		size_t n;
		const struct mg_diet_item *it = mg_kb_diet_items(kb, &n);
		/* kb/diet.json, from SR28: almonds 12061 270 mg per 100 g x 30 g = 81 mg;
		 * pumpkin seeds 12014 592 x 10 g = 59.2 mg. */
		ok(n == 13, "13 quiz items");
		if (n >= 2) {
			is_num(it[0].mg_per_100g * it[0].grams / 100, 81, 1e-9, "quiz item 1: almonds 30 g = 81 mg");
			is_num(it[1].mg_per_100g * it[1].grams / 100, 59.2, 1e-9, "quiz item 2: pumpkin seeds 10 g = 59.2 mg");
		}
		mg_kb_free(kb);
	}
	return tap_done();
}
