#include <mgsleep/error.h>
#include <mgsleep/summary.h>

#include <math.h>
#include <string.h>

static const char *const ids[MG_M_COUNT] = {"tib", "tst", "se", "sol", "waso", "awakenings", "quality"};
static const char *const names[MG_M_COUNT] = {
	"time in bed (min)", "total sleep (min)", "sleep efficiency (%)", "time to fall asleep (min)",
	"awake in the night (min)", "awakenings", "quality (1-5)"};

const char *mg_metric_id(enum mg_metric m)
{
	return (unsigned)m < MG_M_COUNT ? ids[m] : "?";
}

const char *mg_metric_name(enum mg_metric m)
{
	return (unsigned)m < MG_M_COUNT ? names[m] : "?";
}

int32_t mg_week_monday(int32_t date)
{
	/* 1970-01-01 was a Thursday: (date + 3) mod 7 is 0 on Mondays. */
	int32_t k = (int32_t)(((int64_t)date + 3) % 7);
	if (k < 0)
		k += 7;
	return date - k;
}

/* Welford accumulation, so a mean over thousands of nights stays exact enough. */
struct acc {
	int n;
	double mean, m2;
};

static void add(struct acc *a, double x)
{
	if (isnan(x))
		return;
	a->n++;
	double d = x - a->mean;
	a->mean += d / a->n;
	a->m2 += d * (x - a->mean);
}

static struct mg_mean finish(const struct acc *a)
{
	struct mg_mean m = {NAN, NAN, a->n};
	if (a->n > 0)
		m.mean = a->mean;
	if (a->n > 1)
		m.sd = sqrt(a->m2 / (a->n - 1));
	return m;
}

int mg_summarise(const struct mg_summary_night *nights, size_t n, struct mg_summary_week *weeks, size_t max_weeks,
		 struct mg_summary *out)
{
	memset(out, 0, sizeof *out);
	out->weeks = weeks;
	if (!n || !max_weeks) {
		for (int k = 0; k < MG_M_COUNT; k++) {
			out->with_mg[k] = out->without_mg[k] = (struct mg_mean){NAN, NAN, 0};
			out->slope_per_week[k] = NAN;
		}
		return 0;
	}
	for (size_t j = 1; j < n; j++)
		if (nights[j].date < nights[j - 1].date)
			return MG_EINVAL; /* unsorted: refuse rather than count weeks backwards */
	int32_t last_monday = mg_week_monday(nights[n - 1].date);
	int32_t first_monday = last_monday - (int32_t)(max_weeks - 1) * 7;
	if (mg_week_monday(nights[0].date) > first_monday)
		first_monday = mg_week_monday(nights[0].date);
	out->n_weeks = (size_t)((last_monday - first_monday) / 7 + 1);

	struct acc wk[MG_M_COUNT], with[MG_M_COUNT], without[MG_M_COUNT];
	/* trend: sums for least squares of value on date, per metric */
	double sx[MG_M_COUNT] = {0}, sy[MG_M_COUNT] = {0}, sxx[MG_M_COUNT] = {0}, sxy[MG_M_COUNT] = {0};
	int sn[MG_M_COUNT] = {0};
	memset(with, 0, sizeof with);
	memset(without, 0, sizeof without);
	size_t i = 0;
	while (i < n && nights[i].date < first_monday)
		i++;
	for (size_t w = 0; w < out->n_weeks; w++) {
		struct mg_summary_week *W = &weeks[w];
		memset(W, 0, sizeof *W);
		memset(wk, 0, sizeof wk);
		W->monday = first_monday + (int32_t)w * 7;
		for (; i < n && nights[i].date < W->monday + 7; i++) {
			const struct mg_summary_night *x = &nights[i];
			W->nights++;
			W->nights_mg += x->magnesium > 0;
			for (int k = 0; k < MG_M_COUNT; k++) {
				add(&wk[k], x->v[k]);
				if (x->magnesium >= 0)
					add(x->magnesium ? &with[k] : &without[k], x->v[k]);
				if (!isnan(x->v[k])) {
					/* dates relative to the first week keep the sums small */
					double d = (double)(x->date - first_monday);
					sx[k] += d;
					sy[k] += x->v[k];
					sxx[k] += d * d;
					sxy[k] += d * x->v[k];
					sn[k]++;
				}
			}
		}
		for (int k = 0; k < MG_M_COUNT; k++)
			W->m[k] = finish(&wk[k]);
	}
	for (int k = 0; k < MG_M_COUNT; k++) {
		out->with_mg[k] = finish(&with[k]);
		out->without_mg[k] = finish(&without[k]);
		double den = sn[k] * sxx[k] - sx[k] * sx[k];
		out->slope_per_week[k] = sn[k] >= 3 && den > 0 ? 7.0 * (sn[k] * sxy[k] - sx[k] * sy[k]) / den : NAN;
	}
	return 0;
}
