/* Weekly summary of diary nights: means of every metric per week, nights with
 * and without magnesium side by side, and the trend. Pure computation over
 * caller-supplied arrays; no I/O, no allocation.
 *
 * Weeks are ISO weeks (Monday to Sunday) of the night's date (the morning).
 * A metric that is missing on a night (NaN) is left out of that mean only. */
#ifndef MGSLEEP_SUMMARY_H
#define MGSLEEP_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

enum mg_metric { MG_M_TIB, MG_M_TST, MG_M_SE, MG_M_SOL, MG_M_WASO, MG_M_AWAKENINGS, MG_M_QUALITY, MG_M_COUNT };

struct mg_summary_night {
	int32_t date; /* days since 1970-01-01 */
	double v[MG_M_COUNT];
	int magnesium; /* 1 taken that evening, 0 not, -1 unknown (left out of with/without) */
};

struct mg_mean {
	double mean; /* NaN when n == 0 */
	double sd;   /* sample SD; NaN when n < 2 */
	int n;
};

struct mg_summary_week {
	int32_t monday; /* date of the week's Monday */
	int nights, nights_mg;
	struct mg_mean m[MG_M_COUNT];
};

struct mg_summary {
	struct mg_summary_week *weeks; /* caller's array, filled oldest first */
	size_t n_weeks;
	struct mg_mean with_mg[MG_M_COUNT], without_mg[MG_M_COUNT];
	/* Least-squares slope of the nightly values against the date, per week
	 * (units of the metric per 7 days); NaN with fewer than 3 nights. */
	double slope_per_week[MG_M_COUNT];
};

const char *mg_metric_id(enum mg_metric m);   /* "tib", "tst", "se", ... */
const char *mg_metric_name(enum mg_metric m); /* "time in bed (min)", ... */

/* nights must be sorted by date (MG_EINVAL otherwise, with *out empty).
 * weeks must have room for max_weeks; only the last max_weeks weeks of the
 * data are summarised: means, with/without and the trend all cover those
 * weeks. Returns 0. */
int mg_summarise(const struct mg_summary_night *nights, size_t n, struct mg_summary_week *weeks, size_t max_weeks,
		 struct mg_summary *out);

/* Monday on or before the date. */
int32_t mg_week_monday(int32_t date);

#endif
