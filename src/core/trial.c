/* The N-of-1 trial's domain (include/mgsleep/trial.h): calendar, the
 * pre-specified conclusion rule, adherence, power inputs, and the words of the
 * verdict. The rule is deliberately the randomisation test's, not the t
 * interval's: the design randomises the order, so the test is exact whatever
 * the nights look like (docs/statistics.md section 12). */
#include <mgsleep/night.h>
#include <mgsleep/trial.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mg_trial_plan_check(const struct mg_trial_plan *p, struct mg_error *err)
{
	if (!p)
		return mg_fail(err, MG_EINVAL, "trial", "no plan");
	if (p->pairs < 1 || p->pairs > MG_NOF1_MAX_PAIRS)
		return mg_fail(err, MG_EINVAL, "pairs", "pairs: 1 to %d", MG_NOF1_MAX_PAIRS);
	if (p->period_days < 2 || p->period_days > MG_TRIAL_MAX_PERIOD_DAYS)
		return mg_fail(err, MG_EINVAL, "period_days", "period_days: 2 to %d", MG_TRIAL_MAX_PERIOD_DAYS);
	if (p->washout < 0 || p->washout >= p->period_days)
		return mg_fail(err, MG_EINVAL, "washout", "washout: 0 to period_days - 1");
	if (p->baseline < 0 || p->baseline > MG_TRIAL_MAX_BASELINE)
		return mg_fail(err, MG_EINVAL, "baseline", "baseline: 0 to %d nights", MG_TRIAL_MAX_BASELINE);
	for (int i = 0; i < p->pairs; i++)
		if ((p->order[2 * i] != 0) + (p->order[2 * i + 1] != 0) != 1)
			return mg_fail(err, MG_EINVAL, "order", "pair %d needs one period of each arm", i + 1);
	return 0;
}

void mg_trial_randomise(struct mg_trial_plan *p, uint64_t seed)
{
	struct mg_rng rng;
	mg_rng_seed(&rng, seed);
	for (int k = 0; k < p->pairs; k++) {
		int mg_first = mg_rng_below(&rng, 2) == 0;
		p->order[2 * k] = (char)mg_first;
		p->order[2 * k + 1] = (char)!mg_first;
	}
}

int32_t mg_trial_last_evening(const struct mg_trial_plan *p)
{
	return p->start + 2 * p->pairs * p->period_days - 1;
}

int mg_trial_period_at(const struct mg_trial_plan *p, int32_t d)
{
	if (d < p->start || d > mg_trial_last_evening(p))
		return -1;
	return (int)((d - p->start) / p->period_days);
}

void mg_trial_calendar(const struct mg_trial_plan *p, struct mg_trial_period *out)
{
	for (int k = 0; k < 2 * p->pairs; k++) {
		out[k].start = p->start + k * p->period_days;
		out[k].end = out[k].start + p->period_days - 1;
		out[k].analysed_from = out[k].start + p->washout;
		out[k].magnesium = p->order[k] != 0;
		out[k].pair = k / 2 + 1;
	}
}

/* ---- the primary analysis ---- */

void mg_trial_spec_from_kb(const struct mg_trial_design *dg, const struct mg_trial_outcome *oc,
			   struct mg_trial_spec *s)
{
	s->alpha = dg->alpha;
	s->min_pairs = dg->min_pairs;
	s->mid = oc->mid;
	s->mid_verified = oc->mid_verified;
	s->direction = oc->direction;
}

int mg_trial_spec_check(const struct mg_trial_spec *s, struct mg_error *err)
{
	if (!(s->alpha > 0 && s->alpha < 1))
		return mg_fail(err, MG_EINVAL, "alpha", "alpha must be between 0 and 1");
	if (s->min_pairs < 2 || s->min_pairs > MG_NOF1_MAX_PAIRS)
		return mg_fail(err, MG_EINVAL, "min_pairs", "min_pairs: 2 to %d", MG_NOF1_MAX_PAIRS);
	if (!isfinite(s->mid) || s->mid <= 0)
		return mg_fail(err, MG_EINVAL, "mid", "the minimal important difference must be > 0");
	if (s->direction != 1 && s->direction != -1)
		return mg_fail(err, MG_EINVAL, "direction", "direction must be +1 or -1");
	return 0;
}

const char *mg_trial_conclusion_id(enum mg_trial_conclusion c)
{
	switch (c) {
	case MG_TRIAL_INTERIM:
		return "interim";
	case MG_TRIAL_BENEFIT:
		return "benefit";
	case MG_TRIAL_HARM:
		return "harm";
	case MG_TRIAL_NO_MEANINGFUL_EFFECT:
		return "no-meaningful-effect";
	case MG_TRIAL_INCONCLUSIVE:
		return "inconclusive";
	case MG_TRIAL_NOT_ENOUGH:
		break;
	}
	return "not-enough-information";
}

int mg_trial_enough(const struct mg_nof1_result *r, const struct mg_trial_spec *s)
{
	/* SD 0 (every pair the same difference) is not certainty: with a few
	 * pairs it is chance, and the t interval and posterior collapse to a point. */
	return r->n_used >= s->min_pairs && r->n_used >= 2 && isfinite(r->sd) && r->sd > 0 && isfinite(r->ci_lo) &&
	       isfinite(r->ci_hi) && !isnan(r->p_value);
}

enum mg_trial_conclusion mg_trial_conclude(const struct mg_nof1_result *r, const struct mg_trial_spec *s,
					   int interim)
{
	if (interim)
		return MG_TRIAL_INTERIM;
	if (!mg_trial_enough(r, s))
		return MG_TRIAL_NOT_ENOUGH;
	int below = r->ci_hi < 0, above = r->ci_lo > 0;
	if (r->p_value < s->alpha && (below || above))
		return s->direction * (above ? 1 : -1) > 0 ? MG_TRIAL_BENEFIT : MG_TRIAL_HARM;
	if (r->ci_lo >= -s->mid && r->ci_hi <= s->mid)
		return MG_TRIAL_NO_MEANINGFUL_EFFECT;
	return MG_TRIAL_INCONCLUSIVE;
}

/* ---- nights ---- */

void mg_trial_adherence(const struct mg_trial_plan *p, const signed char *took, const struct mg_trial_design *dg,
			struct mg_trial_adherence *a)
{
	memset(a, 0, sizeof *a);
	int n = 2 * p->pairs * p->period_days;
	for (int k = 0; k < n; k++) {
		int on = p->order[k / p->period_days] != 0, analysed = k % p->period_days >= p->washout;
		if (took[k] == MG_TRIAL_EXCLUDED)
			continue;
		if (!on && took[k] == MG_TRIAL_TOOK_MG)
			a->off_taken_all++;
		if (!analysed)
			continue;
		int *nights = on ? &a->mg_nights : &a->none_nights, *logged = on ? &a->mg_logged : &a->none_logged;
		int *taken = on ? &a->mg_taken : &a->none_taken, *missing = on ? &a->missing_mg : &a->missing_none;
		(*nights)++;
		if (took[k] == MG_TRIAL_UNANSWERED) { /* adherence unknown: neither taken nor not */
			a->unanswered++;
			continue;
		}
		if (took[k] == MG_TRIAL_MISSING) {
			(*missing)++;
			continue;
		}
		(*logged)++;
		*taken += took[k] == MG_TRIAL_TOOK_MG;
	}
	int logged = a->mg_logged + a->none_logged;
	a->adherence = logged ? (double)(a->mg_taken + a->none_logged - a->none_taken) / logged : NAN;
	if (logged && a->adherence < dg->adherence_warn)
		a->warn |= MG_TRIAL_WARN_LOW_ADHERENCE;
	if (a->off_taken_all)
		a->warn |= MG_TRIAL_WARN_OFF_WITH_MG;
	if (a->mg_nights && a->none_nights &&
	    fabs((double)a->missing_mg / a->mg_nights - (double)a->missing_none / a->none_nights) > dg->missing_imbalance)
		a->warn |= MG_TRIAL_WARN_MISSING_UNBALANCED;
}

int mg_trial_per_protocol(const struct mg_trial_plan *p, const signed char *took, double *vals)
{
	int n = 2 * p->pairs * p->period_days, removed = 0;
	for (int k = 0; k < n; k++) {
		int on = p->order[k / p->period_days] != 0;
		if (k % p->period_days < p->washout)
			continue; /* not analysed anyway */
		if ((took[k] == MG_TRIAL_TOOK_MG && !on) || (took[k] == MG_TRIAL_TOOK_NONE && on)) {
			removed += !isnan(vals[k]);
			vals[k] = NAN;
		}
	}
	return removed;
}

/* ---- power ---- */

void mg_trial_diary_stats(const double *x, int n, struct mg_trial_diary *d)
{
	d->n = mg_series_ar1(x, n, NULL, &d->sd, &d->rho);
	int first = 0;
	while (first < n && isnan(x[first]))
		first++;
	/* Evenings before the first entry are before the diary began, not missing. */
	d->missing = first < n ? (double)(n - first - d->n) / (n - first) : NAN;
}

void mg_trial_power_inputs(const struct mg_trial_plan *p, const struct mg_trial_outcome *oc,
			   const struct mg_trial_design *dg, const struct mg_trial_spec *spec, int per_period,
			   const struct mg_trial_diary *d, uint64_t seed, struct mg_trial_power_plan *out)
{
	memset(out, 0, sizeof *out);
	struct mg_power_spec *f = &out->fixed;
	mg_power_spec_default(f);
	f->n_pairs = p->pairs;
	f->alpha = spec->alpha;
	f->direction = spec->direction;
	f->min_pairs = spec->min_pairs;
	f->effect = oc->has_evidence ? oc->ev_mean : spec->direction * spec->mid;
	f->nights = per_period ? 1 : p->period_days;
	f->washout = per_period ? 0 : p->washout;
	f->sd_night = oc->default_sd;
	f->rho = per_period ? 0 : oc->default_rho;
	f->missing = dg->power_missing;
	f->seed = seed;
	if (!per_period && d && d->n >= dg->power_min_nights) {
		out->diary_used = 1;
		/* A few weeks of diary give an SD and a correlation that can be far
		 * too small; never plan on less variability than assumed. */
		if (isfinite(d->sd) && d->sd > f->sd_night)
			f->sd_night = d->sd;
		else
			out->sd_floored = 1;
		if (isfinite(d->rho) && d->rho > f->rho)
			f->rho = d->rho;
		else
			out->rho_floored = 1;
		if (isfinite(d->missing) && d->missing > f->missing) {
			f->missing = fmin(d->missing, 0.9);
			out->missing_from_diary = 1;
		}
	}
	out->averaged = *f;
	out->has_prior = oc->has_evidence;
	if (oc->has_evidence)
		out->averaged.effect_sd = oc->ev_sd;
}

/* ---- numbers ---- */

void mg_trial_format_p(double p, double alpha, char *out, size_t n)
{
	if (isnan(p)) {
		snprintf(out, n, "p not available");
		return;
	}
	if (p < 0.001) {
		snprintf(out, n, "p below 0.001");
		return;
	}
	char s[32];
	for (int digits = 2; digits <= 6; digits++) {
		snprintf(s, sizeof s, "%.*g", digits, p);
		double back = strtod(s, NULL);
		/* never across alpha, and never exactly alpha unless p is */
		if ((back < alpha) == (p < alpha) && (back != alpha || p == alpha) && back >= 0.001)
			break;
	}
	snprintf(out, n, "p = %s", s);
}

void mg_trial_format_signed(double x, int dec, char *out, size_t n)
{
	if (isnan(x)) {
		snprintf(out, n, "not available");
		return;
	}
	int d = dec;
	char s[48];
	for (;;) {
		snprintf(s, sizeof s, "%+.*f", d, x);
		double back = strtod(s, NULL);
		if (back != 0 || x == 0 || d >= dec + 4)
			break;
		d++;
	}
	if (strtod(s, NULL) == 0)
		snprintf(s, sizeof s, "%.*f", d, 0.0); /* "0", never "+0" or "-0" */
	snprintf(out, n, "%s", s);
}

/* "20 minutes (the product's choice ...)" or "6 points (S33)". */
static void put_mid(struct mg_buf *b, const struct mg_trial_spec *s, const struct mg_trial_outcome *oc,
		    const char *mid_source)
{
	mg_buf_printf(b, "%.*f %s", oc->decimals + (s->mid < 1), s->mid, oc->unit);
	if (s->mid_verified && mid_source)
		mg_buf_printf(b, " (the minimal important difference, %s)", mid_source);
	else
		mg_buf_puts(b, " (the smallest difference taken to matter: the product's choice, not a published "
			       "threshold verified for this tool)");
}

void mg_trial_verdict(struct mg_buf *b, enum mg_trial_conclusion c, const struct mg_nof1_result *r,
		      const struct mg_trial_spec *s, const struct mg_trial_outcome *oc, const char *mid_source,
		      int32_t last_evening)
{
	int dec = oc->decimals + 1;
	char m[48], lo[48], hi[48], p[48], mag[48], end[11];
	mg_trial_format_signed(r->mean, dec, m, sizeof m);
	mg_trial_format_signed(r->ci_lo, dec, lo, sizeof lo);
	mg_trial_format_signed(r->ci_hi, dec, hi, sizeof hi);
	mg_trial_format_signed(fabs(r->mean), dec, mag, sizeof mag);
	if (mag[0] == '+')
		memmove(mag, mag + 1, strlen(mag));
	mg_trial_format_p(r->p_value, s->alpha, p, sizeof p);
	mg_date_format(last_evening, end);
	int have = mg_trial_enough(r, s);
	switch (c) {
	case MG_TRIAL_INTERIM:
		mg_buf_printf(b, "Conclusion: none yet (interim). The trial ends on the evening of %s and, as planned, "
				 "nothing is concluded before then. ",
			      end);
		if (have)
			mg_buf_printf(b, "So far the difference in %s, magnesium minus none, is %s %s (95 %% interval %s "
					 "to %s; randomisation test %s); it can still change. ",
				      oc->name, m, oc->unit, lo, hi, p);
		else
			mg_buf_printf(b, "So far there is not enough information for an estimate (%d usable pair%s%s). ",
				      r->n_used, r->n_used == 1 ? "" : "s",
				      r->n_used >= 2 && !(r->sd > 0) ? ", all with the same difference" : "");
		break;
	case MG_TRIAL_NOT_ENOUGH:
		mg_buf_printf(b, "Conclusion: not enough information. ");
		if (r->n_used < s->min_pairs)
			mg_buf_printf(b, "Only %d pair%s of periods could be used; at least %d are needed before the "
					 "trial can say anything about %s. ",
				      r->n_used, r->n_used == 1 ? "" : "s", s->min_pairs, oc->name);
		else
			mg_buf_printf(b, "Every pair gave the same difference (%s %s), so how much it varies cannot be "
					 "estimated; with %d pairs that is chance, not certainty. ",
				      m, oc->unit, r->n_used);
		break;
	case MG_TRIAL_BENEFIT:
	case MG_TRIAL_HARM:
		mg_buf_printf(b, "Conclusion: %s. In your trial magnesium %s %s by %s %s on average (95 %% interval "
				 "%s to %s %s, magnesium minus none; randomisation test %s, below the planned %g). ",
			      c == MG_TRIAL_BENEFIT ? "benefit" : "harm", r->mean < 0 ? oc->lower : oc->higher, oc->name,
			      mag, oc->unit, lo, hi, oc->unit, p, s->alpha);
		if (fabs(r->mean) < s->mid) {
			mg_buf_puts(b, "The average change is smaller than ");
			put_mid(b, s, oc, mid_source);
			mg_buf_puts(b, ". ");
		}
		break;
	case MG_TRIAL_NO_MEANINGFUL_EFFECT:
		mg_buf_printf(b, "Conclusion: no meaningful effect. The difference, magnesium minus none, is %s %s and "
				 "its 95 %% interval (%s to %s) lies within plus or minus ",
			      m, oc->unit, lo, hi);
		put_mid(b, s, oc, mid_source);
		mg_buf_printf(b, ": whatever magnesium does to %s, it is too small to matter (randomisation test %s). ",
			      oc->name, p);
		break;
	case MG_TRIAL_INCONCLUSIVE:
		mg_buf_printf(b, "Conclusion: inconclusive. The difference, magnesium minus none, is %s %s (95 %% "
				 "interval %s to %s; randomisation test %s): the trial neither showed an effect nor ruled "
				 "out one as large as ",
			      m, oc->unit, lo, hi, p);
		put_mid(b, s, oc, mid_source);
		mg_buf_puts(b, ". ");
		break;
	}
	mg_buf_puts(b, "The trial was not blinded: you knew when you took magnesium, so expectation can explain part "
		       "of any difference.\n");
}

void mg_trial_adherence_text(struct mg_buf *b, const struct mg_trial_adherence *a, const struct mg_trial_design *dg)
{
	if (a->warn & MG_TRIAL_WARN_LOW_ADHERENCE)
		mg_buf_printf(b, "Warning: only %.0f %% of the analysed nights were taken as planned (below %.0f %%); "
				 "the difference underestimates what magnesium taken as planned would do.\n",
			      floor(100 * a->adherence), 100 * dg->adherence_warn);
	if (a->warn & MG_TRIAL_WARN_OFF_WITH_MG)
		mg_buf_printf(b, "Warning: magnesium was logged on %d night%s of the periods without it; those nights "
				 "are not a fair comparison.\n",
			      a->off_taken_all, a->off_taken_all == 1 ? "" : "s");
	if (a->warn & MG_TRIAL_WARN_MISSING_UNBALANCED)
		mg_buf_printf(b, "Warning: missing nights are unbalanced: %d of %d analysed magnesium nights and %d of %d "
				 "nights without are missing. If nights were skipped because they were bad (or good), "
				 "the difference is biased.\n",
			      a->missing_mg, a->mg_nights, a->missing_none, a->none_nights);
}
