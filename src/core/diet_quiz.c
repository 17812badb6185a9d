/* The diet quiz scored (food.h): servings a day from the frequency times
 * the magnesium in a serving, both from kb/diet.json. */
#include <mgsleep/food.h>
#include <mgsleep/kb.h>

double mg_diet_item_mg(const struct mg_diet_item *it)
{
	return it->mg_per_100g * it->grams / 100;
}

int mg_diet_quiz_score(const struct mg_kb *kb, const int *ans, size_t n, double *total, struct mg_buf *answers_json,
		       struct mg_error *err)
{
	size_t ni, nf;
	const struct mg_diet_item *items = mg_kb_diet_items(kb, &ni);
	const struct mg_diet_freq *freqs = mg_kb_diet_freqs(kb, &nf);
	if (n != ni)
		return mg_fail(err, MG_EINVAL, "answers", "diet quiz: expected %zu answers", ni);
	for (size_t k = 0; k < n; k++)
		if (ans[k] < 0 || (size_t)ans[k] >= nf)
			return mg_fail(err, MG_EINVAL, "answers", "diet quiz question %zu: accepted 0 to %zu", k + 1, nf - 1);
	*total = 0;
	mg_buf_putc(answers_json, '{');
	for (size_t k = 0; k < n; k++) {
		*total += mg_diet_item_mg(&items[k]) * freqs[ans[k]].per_day;
		mg_buf_printf(answers_json, "%s\"%s\":%d", k ? "," : "", items[k].id, ans[k]);
	}
	mg_buf_putc(answers_json, '}');
	return 0;
}
