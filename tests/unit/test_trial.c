/* The trial domain (include/mgsleep/trial.h): the conclusion rule on
 * hand-made pairs (expected values worked out by hand in the comments),
 * number formats, calendar, adherence, per protocol, power inputs, and a
 * small simulation of the pre-specified rule with a look after every pair. */
#include "../tap.h"
#include "trial_sim.h"

#include <mgsleep/night.h>
#include <mgsleep/trial.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pairs whose differences are d[i] exactly: one night per period, the on
 * night 30 + d[i], the off night 30. */
static double on_v[MG_NOF1_MAX_PAIRS], off_v[MG_NOF1_MAX_PAIRS];

static enum mg_trial_conclusion conclude(const double *d, int n, int direction, int interim,
					 struct mg_nof1_result *res)
{
	struct mg_nof1_pair p[MG_NOF1_MAX_PAIRS];
	struct mg_nof1_opts o;
	mg_nof1_opts_default(&o);
	o.washout = 0;
	o.min_nights = 1;
	o.direction = direction;
	for (int i = 0; i < n; i++) {
		on_v[i] = 30 + d[i];
		off_v[i] = 30;
		p[i] = (struct mg_nof1_pair){&on_v[i], 1, &off_v[i], 1};
	}
	struct mg_trial_spec s = {0.05, 3, 20, 0, direction};
	if (mg_nof1_analyse(p, n, &o, res, NULL))
		return (enum mg_trial_conclusion) - 1;
	return mg_trial_conclude(res, &s, interim);
}

static void rule_table(void)
{
	struct mg_nof1_result r = {0};
	/* All six negative: exact two-sided p = 2 / 2^6 = 0.03125; mean -10,
	 * SD sqrt(10 / 5) = 1.414, interval -11.48 to -8.52: benefit (lower
	 * is better). */
	double six[] = {-10, -12, -8, -10, -11, -9};
	enum mg_trial_conclusion c = conclude(six, 6, -1, 0, &r);
	ok(c == MG_TRIAL_BENEFIT && r.p_value == 0.03125, "6 pairs all lower: benefit (p %g)", r.p_value);
	is_num(r.ci_lo, -10 - 2.570582 * sqrt(2.0 / 6), 1e-5, "... interval low by hand");
	ok(conclude(six, 6, +1, 0, &r) == MG_TRIAL_HARM, "the same where higher is better: harm");
	double up[] = {10, 12, 8, 10, 11, 9};
	ok(conclude(up, 6, -1, 0, &r) == MG_TRIAL_HARM, "6 pairs all higher, lower is better: harm");
	ok(conclude(up, 6, +1, 0, &r) == MG_TRIAL_BENEFIT, "6 pairs all higher, higher is better: benefit");
	ok(conclude(six, 6, -1, 1, &r) == MG_TRIAL_INTERIM, "the same data before the planned end: interim");
	/* Mean 0, SD sqrt(10.5 / 5) = 1.449, interval +-1.52: within +-20. */
	double flat[] = {1, -1, 2, -2, 0.5, -0.5};
	ok(conclude(flat, 6, -1, 0, &r) == MG_TRIAL_NO_MEANINGFUL_EFFECT && r.p_value == 1,
	   "differences around 0, interval within the MID: no-meaningful-effect");
	/* Mean -7.5, SD sqrt(1937.5 / 5) = 19.68, interval -28.2 to +13.2. */
	double wide[] = {-30, 10, -25, 5, -20, 15};
	ok(conclude(wide, 6, -1, 0, &r) == MG_TRIAL_INCONCLUSIVE, "wide interval across 0 and beyond the MID: inconclusive");
	/* All negative (p = 1/32) but one outlier: mean -17.5, SD 40.4, the
	 * interval -59.9 to +24.9 crosses 0: the test alone names no effect. */
	double outlier[] = {-1, -1, -1, -1, -1, -100};
	ok(conclude(outlier, 6, -1, 0, &r) == MG_TRIAL_INCONCLUSIVE && r.p_value < 0.05 && r.ci_hi > 0,
	   "p < 0.05 but the interval crosses 0: inconclusive");
	/* Five pairs all negative: mean -30, SD sqrt(58 / 4) = 3.81, interval
	 * -34.7 to -25.3 excludes 0, but the smallest p 5 pairs can give is
	 * 2/32 = 0.0625: the interval alone names no effect (the old verdict
	 * did). */
	double five[] = {-30, -25, -35, -28, -32};
	ok(conclude(five, 5, -1, 0, &r) == MG_TRIAL_INCONCLUSIVE && r.ci_hi < -20 && r.p_value == 0.0625,
	   "interval excludes 0 but p = 0.0625: inconclusive");
	/* Five pairs -10, -12, -8, -10, -11: SD sqrt(8.8 / 4) = 1.48, interval
	 * -12.0 to -8.4, p 0.0625: within +-20, so no meaningful effect. */
	double small5[] = {-10, -12, -8, -10, -11};
	ok(conclude(small5, 5, -1, 0, &r) == MG_TRIAL_NO_MEANINGFUL_EFFECT && r.ci_lo > -20 && r.ci_hi < 0,
	   "interval beyond 0 but within the MID, p = 0.0625: no-meaningful-effect");
	double two[] = {-10, -12};
	ok(conclude(two, 2, -1, 0, &r) == MG_TRIAL_NOT_ENOUGH, "2 pairs: not enough information");
	double same[] = {-4, -4, -4, -4, -4, -4};
	struct mg_trial_spec s = {0.05, 3, 20, 0, -1};
	ok(conclude(same, 6, -1, 0, &r) == MG_TRIAL_NOT_ENOUGH && !mg_trial_enough(&r, &s),
	   "6 identical differences (SD 0): not enough information, even with p = 1/32");
	ok(!strcmp(mg_trial_conclusion_id(MG_TRIAL_NO_MEANINGFUL_EFFECT), "no-meaningful-effect") &&
		   !strcmp(mg_trial_conclusion_id(MG_TRIAL_NOT_ENOUGH), "not-enough-information"),
	   "conclusion ids");
}

static void formats(void)
{
	char b[64];
	mg_trial_format_p(0.0004, 0.05, b, sizeof b);
	is_str(b, "p below 0.001", "p 0.0004");
	mg_trial_format_p(ldexp(1, -19), 0.05, b, sizeof b);
	is_str(b, "p below 0.001", "p 2^-19 (20 pairs, all one way) is never 0");
	mg_trial_format_p(0.03125, 0.05, b, sizeof b);
	is_str(b, "p = 0.031", "p 1/32");
	mg_trial_format_p(0.0499, 0.05, b, sizeof b);
	is_str(b, "p = 0.0499", "p 0.0499 is not rounded up to 0.05");
	mg_trial_format_p(0.0501, 0.05, b, sizeof b);
	is_str(b, "p = 0.0501", "p 0.0501 is not rounded down to 0.05");
	mg_trial_format_p(0.5, 0.05, b, sizeof b);
	is_str(b, "p = 0.5", "p 0.5");
	mg_trial_format_p(NAN, 0.05, b, sizeof b);
	is_str(b, "p not available", "p NaN");
	mg_trial_format_signed(-19.5, 1, b, sizeof b);
	is_str(b, "-19.5", "-19.5 keeps its sign");
	mg_trial_format_signed(-0.3, 0, b, sizeof b);
	is_str(b, "-0.3", "-0.3 with 0 decimals is not rounded to 0");
	mg_trial_format_signed(0.04, 0, b, sizeof b);
	is_str(b, "+0.04", "+0.04 with 0 decimals");
	mg_trial_format_signed(12.4, 0, b, sizeof b);
	is_str(b, "+12", "+12");
	mg_trial_format_signed(0, 1, b, sizeof b);
	is_str(b, "0.0", "0 has no sign");

	/* The example: an interval from -19.5 to -0.3 printed as "0 to 20". */
	struct mg_trial_outcome oc = {.id = "sol", .name = "the time to fall asleep", .unit = "minutes",
				      .lower = "shortened", .higher = "lengthened", .direction = -1, .decimals = 0,
				      .mid = 20};
	struct mg_trial_spec s = {0.05, 3, 20, 0, -1};
	struct mg_nof1_result r = {.n_used = 6, .mean = -9.9, .sd = 9, .ci_lo = -19.5, .ci_hi = -0.3, .p_value = 0.03125,
				   .p_min = 0.03125};
	struct mg_buf b2 = MG_BUF_INIT;
	mg_trial_verdict(&b2, MG_TRIAL_BENEFIT, &r, &s, &oc, NULL, 20000);
	ok(b2.data && strstr(b2.data, "95 % interval -19.5 to -0.3 minutes") && strstr(b2.data, "p = 0.031") &&
		   strstr(b2.data, "shortened the time to fall asleep by 9.9 minutes") && strstr(b2.data, "product's choice") &&
		   strstr(b2.data, "not blinded"),
	   "verdict: signed interval, p, the MID labelled as the product's choice, not blinded: %s", b2.data);
	mg_buf_reset(&b2);
	s.mid_verified = 1;
	mg_trial_verdict(&b2, MG_TRIAL_NO_MEANINGFUL_EFFECT, &r, &s, &oc, "S33", 20000);
	ok(b2.data && strstr(b2.data, "(the minimal important difference, S33)") && !strstr(b2.data, "product"),
	   "verdict: a verified MID is cited");
	mg_buf_release(&b2);
}

static void calendar_nights(void)
{
	struct mg_trial_plan p = {.start = 100, .pairs = 2, .period_days = 5, .washout = 2, .order = {0, 1, 1, 0}};
	struct mg_trial_period per[4];
	ok(mg_trial_plan_check(&p, NULL) == 0 && mg_trial_last_evening(&p) == 119, "plan: 4 periods of 5, last evening 119");
	mg_trial_calendar(&p, per);
	ok(per[1].start == 105 && per[1].end == 109 && per[1].analysed_from == 107 && per[1].magnesium && per[1].pair == 1 &&
		   per[3].pair == 2 && !per[3].magnesium,
	   "calendar: period 2 is 105-109, analysed from 107, magnesium, pair 1");
	ok(mg_trial_period_at(&p, 104) == 0 && mg_trial_period_at(&p, 105) == 1 && mg_trial_period_at(&p, 99) == -1 &&
		   mg_trial_period_at(&p, 120) == -1,
	   "period of an evening");
	struct mg_trial_plan bad = p;
	bad.order[1] = 0;
	ok(mg_trial_plan_check(&bad, NULL) == MG_EINVAL, "a pair without one period of each arm is refused");
	struct mg_trial_plan a = {.pairs = 12}, a2 = {.pairs = 12};
	mg_trial_randomise(&a, 42);
	mg_trial_randomise(&a2, 42);
	int same = !memcmp(a.order, a2.order, 24), each = 1;
	for (int i = 0; i < 12; i++)
		each &= a.order[2 * i] + a.order[2 * i + 1] == 1;
	ok(same && each, "randomise: same seed, same order; one of each arm per pair");

	/* One pair of 4 nights, washout 1, magnesium first. took by evening:
	 * on: washout mg, mg, none, missing; off: washout mg, none, mg, excluded.
	 * Analysed on: 3 nights, 2 logged (1 taken), 1 missing; off: 2 nights
	 * (one excluded), 2 logged, 1 with magnesium. As allocated: 1 + 1 of 4
	 * logged = 0.5. Magnesium on off-period nights: 2 (washout too).
	 * Missing shares 1/3 and 0/2 differ by 0.33 > 0.1. */
	struct mg_trial_plan q = {.start = 0, .pairs = 1, .period_days = 4, .washout = 1, .order = {1, 0}};
	signed char took[8] = {1, 1, 0, -1, 1, 0, 1, -2};
	struct mg_trial_design dg = {.adherence_warn = 0.8, .missing_imbalance = 0.1};
	struct mg_trial_adherence ad;
	mg_trial_adherence(&q, took, &dg, &ad);
	ok(ad.mg_nights == 3 && ad.mg_logged == 2 && ad.mg_taken == 1 && ad.missing_mg == 1 && ad.none_nights == 2 &&
		   ad.none_logged == 2 && ad.none_taken == 1 && ad.missing_none == 0 && ad.off_taken_all == 2 &&
		   ad.adherence == 0.5,
	   "adherence counts by hand");
	ok(ad.warn == (MG_TRIAL_WARN_LOW_ADHERENCE | MG_TRIAL_WARN_OFF_WITH_MG | MG_TRIAL_WARN_MISSING_UNBALANCED),
	   "all three warnings");
	struct mg_buf b = MG_BUF_INIT;
	mg_trial_adherence_text(&b, &ad, &dg);
	ok(b.data && strstr(b.data, "only 50 % of the analysed nights") && strstr(b.data, "logged on 2 nights") &&
		   strstr(b.data, "1 of 3 analysed magnesium nights and 0 of 2"),
	   "warnings in words");
	mg_buf_release(&b);
	/* The same with the on-period's "none" night logged without any
	 * magnesium answer (issue 11: unknown is never none): it leaves the
	 * adherence counts, so 1 taken of 1 logged on + 1 of 2 off = 2/3. */
	signed char took_u[8] = {1, 1, MG_TRIAL_UNANSWERED, -1, 1, 0, 1, -2};
	mg_trial_adherence(&q, took_u, &dg, &ad);
	ok(ad.unanswered == 1 && ad.mg_logged == 1 && ad.mg_taken == 1 && ad.mg_nights == 3 &&
		   fabs(ad.adherence - 2.0 / 3.0) < 1e-12,
	   "an unanswered night is neither taken nor not taken: adherence 2/3 by hand");
	double v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	ok(mg_trial_per_protocol(&q, took, v) == 2 && isnan(v[2]) && isnan(v[6]) && v[0] == 1 && v[4] == 5 && v[1] == 2,
	   "per protocol: the 2 analysed nights not taken as allocated are left out, washout nights untouched");
}

static void power_inputs(void)
{
	struct mg_trial_outcome oc = {.id = "sol", .direction = -1, .mid = 20, .has_evidence = 1, .ev_mean = -17.4,
				      .ev_sd = 18.1, .default_sd = 20, .default_rho = 0.3};
	struct mg_trial_design dg = {.alpha = 0.05, .min_pairs = 3, .power_min_nights = 28, .power_missing = 0.1};
	struct mg_trial_spec s;
	mg_trial_spec_from_kb(&dg, &oc, &s);
	struct mg_trial_plan p = {.pairs = 6, .period_days = 28, .washout = 7};
	struct mg_trial_power_plan pp;
	struct mg_trial_diary d = {27, 40, 0.8, 0.5};
	mg_trial_power_inputs(&p, &oc, &dg, &s, 0, &d, 1, &pp);
	ok(!pp.diary_used && pp.fixed.sd_night == 20 && pp.fixed.rho == 0.3 && pp.fixed.missing == 0.1 &&
		   pp.fixed.effect == -17.4 && pp.fixed.direction == -1 && pp.averaged.effect_sd == 18.1,
	   "27 diary nights: the KB's SD, correlation, missing share, effect and prior");
	d = (struct mg_trial_diary){40, 10, 0.1, 0.02};
	mg_trial_power_inputs(&p, &oc, &dg, &s, 0, &d, 1, &pp);
	ok(pp.diary_used && pp.sd_floored && pp.rho_floored && pp.fixed.sd_night == 20 && pp.fixed.rho == 0.3 &&
		   pp.fixed.missing == 0.1,
	   "40 nights with less variability: floored at the KB's values");
	d = (struct mg_trial_diary){40, 30, 0.5, 0.25};
	mg_trial_power_inputs(&p, &oc, &dg, &s, 0, &d, 1, &pp);
	ok(pp.fixed.sd_night == 30 && pp.fixed.rho == 0.5 && pp.fixed.missing == 0.25 && pp.missing_from_diary,
	   "40 nights with more variability and 25 %% missing: the diary's");
	oc.has_evidence = 0;
	mg_trial_power_inputs(&p, &oc, &dg, &s, 1, &d, 1, &pp);
	ok(pp.fixed.effect == -20 && pp.fixed.nights == 1 && pp.fixed.washout == 0 && pp.fixed.rho == 0 &&
		   pp.fixed.sd_night == 20 && !pp.has_prior,
	   "no prior: the MID in the beneficial direction; one value per period: diary unused");
	/* The power of the pre-specified rule with no effect: at most alpha / 2
	 * of trials can conclude benefit (one side), with Monte Carlo slack. */
	struct mg_power_spec ps;
	struct mg_power_result pr;
	mg_power_spec_default(&ps);
	ps.effect = 0;
	ps.sd_night = 20;
	ps.rho = 0.3;
	ps.missing = 0.1;
	ps.direction = -1;
	ps.min_pairs = 3;
	ps.n_sim = 4000;
	int rc = mg_nof1_power(&ps, &pr, NULL);
	ok(rc == 0 && pr.power <= 0.025 + 3 * sqrt(0.025 * 0.975 / 4000),
	   "power at no effect (10 %% missing): %.4f of trials conclude benefit (<= 2.5 %% + MC error)", pr.power);
	ps.effect = -17.4;
	rc = mg_nof1_power(&ps, &pr, NULL);
	double with_missing = pr.power;
	ps.missing = 0;
	rc |= mg_nof1_power(&ps, &pr, NULL);
	ok(rc == 0 && with_missing > 0.5 && with_missing <= pr.power + 0.03,
	   "power at -17.4 min: %.3f with 10 %% missing nights, %.3f with none (missing nights cost power)",
	   with_missing, pr.power);
	ps.missing = 0.1;
	ps.missing = 0.95;
	ok(mg_nof1_power(&ps, &pr, NULL) == MG_EINVAL, "missing share above 0.9 is refused");
}

/* The small simulation: 400 trials per design, fixed seeds. */
static void simulation(void)
{
	struct mg_trial_spec spec = {0.05, 3, 20, 0, -1};
	struct sim_design designs[] = {
		{.pairs = 6, .nights = 14, .washout = 4, .base = 30, .effect = 0, .trend = -0.05, .sd = 15, .rho = 0.5,
		 .onset = 3, .carry = 3, .missing = 0.1},
		{.pairs = 8, .nights = 14, .washout = 4, .base = 30, .effect = 0, .trend = -0.05, .sd = 15, .rho = 0.5,
		 .onset = 3, .carry = 3, .missing = 0.1},
		{.pairs = 8, .nights = 14, .washout = 4, .base = 30, .effect = -10, .trend = -0.05, .sd = 15, .rho = 0.5,
		 .onset = 3, .carry = 3, .missing = 0.1},
	};
	const int N = 400;
	for (size_t k = 0; k < sizeof designs / sizeof designs[0]; k++) {
		struct trial_sim_stats st;
		trial_sim_run(&designs[k], N, 7000 + k, &spec, &st);
		double cov = (double)st.covered / st.usable;
		ok(st.interim_claims == 0, "%d pairs, effect %g: no claim at any interim look", designs[k].pairs,
		   designs[k].effect);
		ok(cov >= 0.93 && cov <= 0.97, "%d pairs, effect %g: coverage %.1f %% (93-97)", designs[k].pairs,
		   designs[k].effect, 100 * cov);
		if (designs[k].effect == 0) {
			int bound = binom_upper99(N, 0.05);
			ok(st.final_claims <= bound && st.any_look_claims <= bound,
			   "%d pairs, no effect: false claims %.1f %% final, %.1f %% over all looks (bound %d of %d)",
			   designs[k].pairs, 100.0 * st.final_claims / N, 100.0 * st.any_look_claims / N, bound, N);
		} else {
			ok(st.benefit > N / 4, "%d pairs, effect -10: benefit concluded in %.1f %%", designs[k].pairs,
			   100.0 * st.benefit / N);
		}
	}
}

/* ---- issue 12: the running trial, moved out of the CLI ---- */

static struct mg_trial_event event(int32_t d, int resume, int stops)
{
	struct mg_trial_event e;
	memset(&e, 0, sizeof e);
	e.date = d;
	e.resume = resume;
	e.stops = stops;
	return e;
}

static void pauses_tonight(void)
{
	/* The events of trial.sh's pause test, by hand: a stop on the 13th
	 * opens the pause, a second stop inside it changes nothing, a resume on
	 * the 16th closes it (evenings 13, 14, 15 paused), a non-stop event on
	 * the 20th opens nothing. */
	int32_t d13;
	mg_date_parse("2026-01-13", &d13);
	struct mg_trial_pauses pz;
	mg_trial_pauses_init(&pz);
	struct mg_trial_event ev[] = {event(d13, 0, 1), event(d13 + 1, 0, 1), event(d13 + 3, 1, 0),
				      event(d13 + 7, 0, 0), event(MG_DATE_UNSET, 0, 1)};
	for (size_t k = 0; k < sizeof ev / sizeof ev[0]; k++)
		mg_trial_pauses_add(&pz, &ev[k]);
	ok(pz.n_events == 4 && pz.n == 1 && pz.from[0] == d13 && pz.to[0] == d13 + 3 && pz.why[0] == 0,
	   "one pause, 13th to the resume on the 16th; an unreadable date is left out");
	ok(mg_trial_paused_at(&pz, d13 - 1) == -1 && mg_trial_paused_at(&pz, d13) == 0 &&
		   mg_trial_paused_at(&pz, d13 + 2) == 0 && mg_trial_paused_at(&pz, d13 + 3) == -1,
	   "paused on evenings 13-15, not on the 12th or the resume's evening");

	/* 4 baseline nights, 2 pairs of 6 nights, washout 1, order none, mg,
	 * mg, none: period 1 = evenings S..S+5, the last evening S+23. */
	struct mg_trial t;
	memset(&t, 0, sizeof t);
	t.p = (struct mg_trial_plan){.start = 20000, .pairs = 2, .period_days = 6, .washout = 1, .baseline = 4,
				     .order = {0, 1, 1, 0}};
	struct mg_trial_outcome isi = {.id = "isi", .per_period = 1, .window_before = 3, .window_after = 3};
	t.oc = &isi;
	struct mg_trial_tonight tn;
	int32_t S = t.p.start;
	mg_trial_pauses_init(&pz);
	mg_trial_tonight(&t, &pz, S - 5, &tn);
	ok(tn.phase == MG_TRIAL_BEFORE && !tn.diary_expected, "the evening before the baseline: before, no diary due");
	mg_trial_tonight(&t, &pz, S - 4, &tn);
	ok(tn.phase == MG_TRIAL_BASELINE && tn.baseline_night == 1 && !tn.diary_expected,
	   "first baseline evening: night 1, last night's diary not the trial's");
	mg_trial_tonight(&t, &pz, S, &tn);
	ok(tn.phase == MG_TRIAL_PERIOD && tn.period == 1 && tn.pair == 1 && tn.night == 1 && !tn.magnesium &&
		   tn.washout && tn.diary_expected,
	   "evening S: period 1, night 1, none, washout");
	mg_trial_tonight(&t, &pz, S + 11, &tn);
	ok(tn.period == 2 && tn.pair == 1 && tn.night == 6 && tn.magnesium && !tn.washout && tn.isi_tomorrow,
	   "evening S+11: period 2 night 6 of 6, magnesium, the ISI tomorrow");
	mg_trial_tonight(&t, &pz, S + 24, &tn);
	ok(tn.phase == MG_TRIAL_ENDED && tn.diary_expected, "S+24: ended; the last night's diary (morning S+24) is due");
	mg_trial_tonight(&t, &pz, S + 25, &tn);
	ok(!tn.diary_expected, "S+25: no diary due");

	/* The ISI for a period ending on evening L: window L-2 .. L+3. */
	int32_t L = 20100;
	struct mg_trial_score sc[] = {{L - 3, 1}, {L - 2, 2}, {L, 3}, {L + 1, 10}, {L + 1, 12}, {L + 2, 5}, {L + 4, 6}};
	ok(mg_trial_score_at(&isi, sc, 7, L, L + 10) == 12, "the morning after wins; two that day: the later entered");
	ok(mg_trial_score_at(&isi, sc, 3, L, L + 10) == 3, "L-3 is outside; L (1 day off) beats L-2 (3 days)");
	struct mg_trial_score tie[] = {{L + 2, 7}, {L, 3}};
	ok(mg_trial_score_at(&isi, tie, 2, L, L + 10) == 7 && mg_trial_score_at(&isi, tie + 1, 1, L, L + 10) == 3,
	   "a tie (L and L+2, 1 day each) goes to the first found; alone each counts");
	ok(isnan(mg_trial_score_at(&isi, sc + 6, 1, L, L + 10)) && mg_trial_score_at(&isi, sc, 7, L, L) == 3,
	   "L+4 is outside; nothing after today counts");
	ok(mg_trial_pairs_needed(0.05) == 6 && mg_trial_pairs_needed(0.01) == 8,
	   "pairs needed: 2/2^6 = 0.031 < 0.05 (2/2^5 = 0.0625 is not); 2/2^8 = 0.0078 < 0.01");
}

static struct mg_night_record night(int32_t evening, int sol, double mg, enum mg_night_mg said, int quality)
{
	struct mg_night_record r;
	mg_night_init(&r.n);
	memset(&r.m, 0, sizeof r.m);
	r.n.date = evening + 1;
	r.n.quality = quality;
	r.n.awakenings = 1;
	r.m.sol = sol;
	r.m.tst = 420 - sol;
	r.m.se_pct = 80;
	r.mg_elemental_mg = mg;
	r.magnesium = said;
	return r;
}

static void entry_and_analysis(void)
{
	struct mg_night n;
	enum mg_night_mg m;
	const char *e = "{\"date\":\"2026-01-06\",\"bed\":\"22:30\",\"sol_min\":30,\"awakenings\":1,\"quality\":4,"
			"\"magnesium\":null}";
	ok(!mg_night_entry_parse(e, strlen(e), &n, &m, NULL) && n.bed == 22 * 60 + 30 && n.sol_min == 30 &&
		   n.awakenings == 1 && n.quality == 4 && m == MG_NIGHT_MG_NONE && n.final_wake == MG_NIGHT_UNSET,
	   "entry: items read, magnesium null is none, missing items unset");
	const char *taken = "{\"magnesium\":{\"elemental_mg\":250}}";
	ok(!mg_night_entry_parse(taken, strlen(taken), &n, &m, NULL) && m == MG_NIGHT_MG_TAKEN &&
		   !mg_night_entry_parse("{}", 2, &n, &m, NULL) && m == MG_NIGHT_MG_UNKNOWN &&
		   mg_night_entry_parse("[]", 2, &n, &m, NULL) == MG_EPARSE,
	   "entry: an object is taken, no key is not answered, an array is refused");

	struct mg_kb *kb = NULL;
	if (mg_kb_load_builtin(&kb, NULL)) {
		ok(0, "built-in KB");
		return;
	}
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	ok(dg->min_nights == 3 && dg->n_stop_rules == 2 && !strcmp(dg->stop_rules[0], "excess-symptoms") &&
		   mg_kb_find_trial_outcome(kb, "isi")->window_before == 3,
	   "KB: 3 nights per period, stop rules excess then gut, ISI window 3 days");
	struct mg_trial_event ev;
	const char *texts[MG_TRIAL_MAX_SYMPTOMS];
	struct mg_error err = {0};
	ok(!mg_trial_event_symptoms(kb, "snoring,diarrhea,snoring", &ev, texts, NULL) && ev.n_symptoms == 2 &&
		   ev.stops && !texts[0] && texts[1],
	   "event: snoring (no stop rule) once, diarrhea stops the trial (reference 9.3 rule 11)");
	ok(mg_trial_event_symptoms(kb, "zzqq", &ev, texts, &err) == MG_EINVAL && !strstr(err.msg, "zzqq"),
	   "event: an unknown symptom is refused without echoing it");

	/* 2 pairs of 2 nights (evenings 20000-20007), no washout, order mg,
	 * none, none, mg; SOL on magnesium 10 (pair 1) and 20 (pair 2), without 30: pair differences -20 and -10, mean
	 * -15. min_nights = min(2 - 0, 3) = 2. Fewer than min_pairs (3): not
	 * enough information. */
	struct mg_trial t;
	memset(&t, 0, sizeof t);
	snprintf(t.outcome, sizeof t.outcome, "sol");
	snprintf(t.status, sizeof t.status, "planned");
	snprintf(t.seed, sizeof t.seed, "1");
	t.p = (struct mg_trial_plan){.start = 20000, .pairs = 2, .period_days = 2, .order = {1, 0, 0, 1}};
	ok(!mg_trial_bind(&t, kb, NULL) && t.spec.alpha == 0.05 && t.spec.min_pairs == 3, "bound with the KB's rule");
	struct mg_trial_nights *nt = mg_trial_nights_new(20000, 20007);
	int sol[8] = {10, 10, 30, 30, 30, 30, 20, 20};
	for (int k = 0; k < 8; k++) {
		struct mg_night_record r = night(20000 + k, sol[k], t.p.order[k / 2] ? 250 : NAN,
						 t.p.order[k / 2] ? MG_NIGHT_MG_TAKEN : MG_NIGHT_MG_NONE, 3);
		mg_trial_nights_put(nt, &r);
	}
	struct mg_trial_pauses pz;
	mg_trial_pauses_init(&pz);
	struct mg_trial_analysis *an = malloc(sizeof *an);
	int rc = an ? mg_trial_analyse(kb, &t, &pz, nt, NULL, 0, 20010, an, NULL) : -1;
	ok(!rc && an->res[2].n_used == 2 && an->res[2].mean == -15 && an->o.min_nights == 2 && !an->interim,
	   "analysis: 2 pairs used, mean difference -15 by hand");
	ok(!rc && an->c == MG_TRIAL_NOT_ENOUGH && an->adh.adherence == 1 && an->pp_removed == 0 && an->excluded == 0,
	   "2 < 3 pairs: not enough information; every night as allocated");
	ok(!rc && an->n_secondary == 5 && an->secondary[0].r.mean == 15,
	   "secondary: the 5 other diary outcomes; TST (420 - SOL) differs by +15");
	ok(!rc && an->counts.on_logged == 4 && an->counts.on_taken == 4 && an->counts.off_logged == 4 &&
		   an->counts.off_taken == 0,
	   "4 magnesium nights logged and taken, 4 without logged, none taken");
	rc = an ? mg_trial_analyse(kb, &t, &pz, nt, NULL, 0, 20004, an, NULL) : -1;
	ok(!rc && an->interim && an->c == MG_TRIAL_INTERIM && an->res[2].n_used == 1,
	   "as of evening 20004: interim, only pair 1 complete");
	free(an);
	mg_trial_nights_free(nt);
	mg_kb_free(kb);
}

int main(void)
{
	rule_table();
	formats();
	calendar_nights();
	power_inputs();
	simulation();
	pauses_tonight();
	entry_and_analysis();
	return tap_done();
}
