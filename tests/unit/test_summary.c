/* Weekly summary against hand-computed values. */
#include "../tap.h"

#include <mgsleep/night.h>
#include <mgsleep/summary.h>

static struct mg_summary_night night(const char *date, double tst, double sol, int mg)
{
	struct mg_summary_night x;
	mg_date_parse(date, &x.date);
	for (int k = 0; k < MG_M_COUNT; k++)
		x.v[k] = NAN;
	x.v[MG_M_TST] = tst;
	x.v[MG_M_SOL] = sol;
	x.magnesium = mg;
	return x;
}

int main(void)
{
	int32_t d;
	mg_date_parse("2026-11-23", &d); /* a Monday */
	ok(mg_week_monday(d) == d, "2026-11-23 is a Monday");
	ok(mg_week_monday(d + 6) == d, "Sunday 2026-11-29 belongs to that week");
	ok(mg_week_monday(d - 1) == d - 7, "Sunday 2026-11-22 belongs to the week before");
	mg_date_parse("1970-01-05", &d);
	ok(mg_week_monday(d) == d && mg_week_monday(0) == -3, "1970-01-05 was a Monday; 1970-01-01 is in the week of 1969-12-29");

	/* Two weeks. Week 1 (Mon 16 Nov): TST 360, 400, 380 (mean 380, SD 20);
	 * week 2 (Mon 23 Nov): 420, 440 (mean 430). Magnesium on the last three. */
	struct mg_summary_night n[] = {
		night("2026-11-16", 360, 30, 0), night("2026-11-18", 400, 20, 0), night("2026-11-22", 380, 25, 1),
		night("2026-11-23", 420, NAN, 1), night("2026-11-24", 440, 10, 1),
	};
	struct mg_summary_week w[8];
	struct mg_summary s;
	mg_summarise(n, 5, w, 8, &s);
	ok(s.n_weeks == 2, "two weeks");
	is_num(w[0].m[MG_M_TST].mean, 380, 1e-9, "week 1 mean TST 380");
	is_num(w[0].m[MG_M_TST].sd, 20, 1e-9, "week 1 SD 20 (sample)");
	ok(w[0].nights == 3 && w[0].nights_mg == 1, "week 1: 3 nights, 1 with magnesium");
	is_num(w[1].m[MG_M_TST].mean, 430, 1e-9, "week 2 mean TST 430");
	ok(w[1].m[MG_M_SOL].n == 1, "a missing SOL is left out of that mean only");
	is_num(s.with_mg[MG_M_TST].mean, (380 + 420 + 440) / 3.0, 1e-9, "with magnesium: mean TST 413.33");
	is_num(s.without_mg[MG_M_TST].mean, 380, 1e-9, "without magnesium: mean TST 380");
	is_num(s.with_mg[MG_M_SOL].mean, 17.5, 1e-9, "with magnesium: mean SOL (25 + 10) / 2");
	/* Slope by hand: days x = 0,2,6,7,8; y = 360,400,380,420,440.
	 * mean x 4.6, mean y 400; Sxy = sum (x-4.6)(y-400) = 184+(-2.6*0)... computed:
	 * (-4.6)(-40) + (-2.6)(0) + (1.4)(-20) + (2.4)(20) + (3.4)(40) = 184 - 28 + 48 + 136 = 340;
	 * Sxx = 21.16 + 6.76 + 1.96 + 5.76 + 11.56 = 47.2; slope 7.2034/day = 50.42/week. */
	is_num(s.slope_per_week[MG_M_TST], 7 * 340 / 47.2, 1e-9, "trend: TST +50.4 min per week (least squares)");
	ok(isnan(s.slope_per_week[MG_M_QUALITY]), "no trend without data");

	/* Only the last N weeks. */
	mg_summarise(n, 5, w, 1, &s);
	ok(s.n_weeks == 1 && w[0].nights == 2, "--weeks 1 keeps only the last week");
	struct mg_summary_night rev[2] = {n[1], n[0]};
	ok(mg_summarise(rev, 2, w, 8, &s) != 0 && s.n_weeks == 0, "unsorted nights are refused, not miscounted");
	mg_summarise(n, 0, w, 8, &s);
	ok(s.n_weeks == 0 && isnan(s.with_mg[MG_M_TST].mean), "no nights, no weeks");

	/* A device night with no diary entry: magnesium unknown (-1). It is in
	 * the week's mean ((360 + 500) / 2 = 430) but in neither group. */
	struct mg_summary_night u[] = {night("2026-11-16", 360, 30, 0), night("2026-11-17", 500, 10, -1)};
	mg_summarise(u, 2, w, 8, &s);
	ok(w[0].nights == 2 && w[0].nights_mg == 0, "unknown magnesium: a night of the week, not a magnesium night");
	is_num(w[0].m[MG_M_TST].mean, 430, 1e-9, "unknown magnesium: in the weekly mean (430)");
	ok(s.without_mg[MG_M_TST].n == 1 && s.with_mg[MG_M_TST].n == 0,
	   "unknown magnesium: in neither the with nor the without group");
	return tap_done();
}
