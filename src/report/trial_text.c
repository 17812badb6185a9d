/* The N-of-1 trial in plain words (include/mgsleep/trial_report.h): the
 * plan, tonight, events and pauses, the analysis and the list of trials.
 * Lays out what src/core/trial*.c computed; no clinical number is made
 * here. */
#include <mgsleep/night.h>
#include <mgsleep/trial_report.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- events and pauses ---- */

void mg_trial_event_what(const struct mg_kb *kb, const struct mg_trial_event *e, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	for (int j = 0; j < e->n_symptoms; j++) {
		const char *id = e->symptoms[j], *name = NULL;
		if (!kb || !mg_kb_symptom_id(kb, id, &name))
			name = id;
		int w = snprintf(out + len, n - len, "%s%s", len ? ", " : "", name);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
}

/* Why pause k was opened, in words. */
static void why(const struct mg_kb *kb, const struct mg_trial_pauses *pz, int k, char out[192])
{
	mg_trial_event_what(kb, &pz->ev[pz->why[k]], out, 192);
}

void mg_trial_events_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_pauses *pz,
			  const char *indent)
{
	int open = 0;
	for (int i = 0; i < pz->n_events; i++) {
		const struct mg_trial_event *e = &pz->ev[i];
		char ds[11], what[192];
		mg_date_format(e->date, ds);
		mg_trial_event_what(kb, e, what, sizeof what);
		if (e->resume) {
			mg_buf_printf(b, "%sResumed on %s", indent, ds);
			open = 0;
		} else if (e->stops && !open) {
			mg_buf_printf(b, "%sPaused on %s: %s", indent, ds, what);
			open = 1;
		} else if (e->stops) {
			mg_buf_printf(b, "%sAdverse event on %s during the pause: %s", indent, ds, what);
		} else {
			mg_buf_printf(b, "%sAdverse event on %s: %s (not a stop rule; the trial went on)", indent, ds, what);
		}
		if (e->note[0])
			mg_buf_printf(b, " (note: %s)", e->note);
		mg_buf_putc(b, '\n');
	}
}

void mg_trial_pause_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_pauses *pz, int excluded,
			 int32_t today)
{
	for (int k = 0; k < pz->n; k++) {
		char ds[11], w[192];
		mg_date_format(pz->from[k], ds);
		why(kb, pz, k, w);
		mg_buf_printf(b, "The trial was paused on %s because of %s (a stop rule)", ds, w);
		if (pz->to[k] != INT32_MAX) {
			mg_date_format(pz->to[k], ds);
			mg_buf_printf(b, " and resumed on %s. ", ds);
		} else {
			mg_buf_puts(b, pz->from[k] <= today ? " and is still paused: take no magnesium and talk to a "
							     "clinician before restarting. "
							   : ". ");
		}
	}
	if (pz->n)
		mg_buf_printf(b, "%d night%s during the pause%s %s left out of the analysis.\n", excluded,
			      excluded == 1 ? "" : "s", pz->n == 1 ? "" : "s", excluded == 1 ? "is" : "are");
}

void mg_trial_event_text(struct mg_buf *b, const struct mg_trial_pauses *pz, const char *date, const char *names,
			 int stops, int open_pause, const char *const *texts, int n)
{
	mg_buf_printf(b, "Adverse event recorded on %s: %s.\n", date, names);
	if (stops && open_pause >= 0) {
		char ps[11];
		mg_date_format(pz->from[open_pause], ps);
		mg_buf_printf(b, "The trial is already paused (since %s). Take no magnesium.\n", ps);
	} else if (stops) {
		mg_buf_printf(b, "The trial is paused from %s: stop taking magnesium now and take none from tonight.\n",
			      date);
	} else {
		mg_buf_puts(b, "This is not one of the stop rules, so the trial goes on; if it lasts or worries you, "
			       "talk to a clinician.\n");
	}
	/* The KB's own words for each stop rule hit, once each. */
	for (int k = 0; k < n; k++) {
		int seen = !texts[k];
		for (int j = 0; j < k && !seen; j++)
			seen = texts[j] == texts[k];
		if (!seen)
			mg_buf_printf(b, "%s\n", texts[k]);
	}
	if (stops)
		mg_buf_puts(b, "Talk to a clinician before restarting. If you restart, record it with 'mgsleep trial "
			       "resume'; nights during the pause are left out of the analysis.\n");
}

void mg_trial_resume_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_pauses *pz,
			  const char *date)
{
	char ps[11], w[192];
	mg_date_format(pz->from[pz->n - 1], ps);
	why(kb, pz, pz->n - 1, w);
	mg_buf_printf(b, "The trial resumes on %s (paused since %s because of %s). Follow 'mgsleep trial today' "
			 "again; stop and record 'mgsleep trial event' if the symptoms come back.\n",
		      date, ps, w);
}

/* ---- plan ---- */

static void plan_calendar(struct mg_buf *b, const struct mg_trial *t)
{
	mg_buf_puts(b, "period  pair  evenings                   magnesium\n");
	if (t->p.baseline > 0) {
		char d0[11], d1[11];
		mg_date_format(t->p.start - t->p.baseline, d0);
		mg_date_format(t->p.start - 1, d1);
		mg_buf_printf(b, "baseline    %s to %s   none (baseline, not randomised; keep logging)\n", d0, d1);
	}
	for (int k = 0; k < 2 * t->p.pairs; k++) {
		char d0[11], d1[11];
		mg_date_format(t->p.start + k * t->p.period_days, d0);
		mg_date_format(t->p.start + (k + 1) * t->p.period_days - 1, d1);
		if (t->p.order[k])
			mg_buf_printf(b, "%6d  %4d  %s to %s   on: %.0f mg (%s)\n", k + 1, k / 2 + 1, d0, d1, t->elemental_mg,
				      t->form);
		else
			mg_buf_printf(b, "%6d  %4d  %s to %s   off: none\n", k + 1, k / 2 + 1, d0, d1);
	}
}

static void plan_power(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_plan_view *v)
{
	const struct mg_trial *t = v->t;
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	const struct mg_power_spec *f = &v->pp->fixed;
	const struct mg_trial_diary *dd = v->diary;
	int per = mg_trial_per_period(t->oc);
	char eff[48];
	mg_trial_format_signed(f->effect, t->oc->decimals + 1, eff, sizeof eff);
	mg_buf_printf(b, "\nPower: if magnesium changes %s by %s %s for you (", t->oc->name, eff, t->oc->unit);
	if (t->oc->has_evidence) {
		mg_buf_puts(b, "the average of the knowledge base's prior for one person's effect, ");
		mg_trial_put_refs(b, kb, &t->oc->prior_refs);
	} else {
		mg_buf_puts(b, "the smallest difference that matters; no trial has measured it");
	}
	mg_buf_printf(b, "), this plan would end in 'benefit' in about %.0f %% of trials.\n", 100 * v->fixed->power);
	if (v->pp->has_prior)
		mg_buf_printf(b, "People differ: averaged over that prior (mean %+.1f, SD %.1f %s; for some the effect is "
				 "larger, for some none or the other way), the chance is %.0f %%.\n",
			      t->oc->ev_mean, t->oc->ev_sd, t->oc->unit, 100 * v->averaged->power);
	mg_buf_printf(b, "Assumed: %s varies with an SD of %.1f %s from night to night (correlation %.2f between "
			 "nights) and %.0f %% of nights are missing",
		      per ? "the ISI" : "each night", f->sd_night, t->oc->unit, f->rho, 100 * f->missing);
	if (per)
		mg_buf_puts(b, " (the knowledge base's assumptions).\n");
	else if (!v->pp->diary_used)
		mg_buf_printf(b, " (the knowledge base's assumptions: your diary has %d night%s of this outcome, fewer "
				 "than the %d needed to use it).\n",
			      dd->n, dd->n == 1 ? "" : "s", dg->power_min_nights);
	else
		mg_buf_printf(b, " (your diary's %d nights: SD %.1f, correlation %.2f, %.0f %% missing; where they are "
				 "lower than the knowledge base's assumptions, those are used).\n",
			      dd->n, dd->sd, isnan(dd->rho) ? 0 : dd->rho, 100 * (isnan(dd->missing) ? 0 : dd->missing));
	if (v->fixed->p_min > t->spec.alpha)
		mg_buf_printf(b, "This design can never reach p < %g: with %d pair%s the smallest possible p is %.3g. "
				 "Plan at least %d pairs.\n",
			      t->spec.alpha, t->p.pairs, t->p.pairs == 1 ? "" : "s", v->fixed->p_min,
			      mg_trial_pairs_needed(t->spec.alpha));
	else if (v->fixed->power < dg->power_target)
		mg_buf_printf(b, "That is less than %.0f %%: more pairs or longer periods would make a clear answer more "
				 "likely.\n",
			      100 * dg->power_target);
	if (t->p.period_days < dg->min_period_days) {
		mg_buf_printf(b, "Caution: periods of %d nights are shorter than %d nights. %s [", t->p.period_days,
			      dg->min_period_days, dg->why);
		mg_trial_put_refs(b, kb, &dg->refs);
		mg_buf_puts(b, "]\n");
	}
}

void mg_trial_plan_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_plan_view *v)
{
	const struct mg_trial *t = v->t;
	char s[11], e[11], mid[32];
	mg_date_format(t->p.start - t->p.baseline, s);
	mg_date_format(mg_trial_last_evening(&t->p), e);
	if (v->retired)
		mg_buf_printf(b, "Trial %lld is kept in the store as %s ('mgsleep trial list', 'mgsleep trial analyze "
				 "--trial %lld').\n",
			      v->retired->id, v->retired_as, v->retired->id);
	mg_buf_printf(b, "N-of-1 trial %lld planned: %d pairs of %d-day periods, %s to %s (%d nights)\n", t->id,
		      t->p.pairs, t->p.period_days, s, e, t->p.baseline + 2 * t->p.pairs * t->p.period_days);
	mg_buf_printf(b, "Primary outcome: %s (%s). Seed %s (the same seed gives the same order).\n", t->oc->name,
		      t->oc->unit, t->seed);
	mg_buf_printf(b, "Magnesium: %.0f mg elemental = %.0f mg %s at bedtime; none on the other periods.\n"
			 "Washout: the first %d night%s of every period %s not analysed.\n",
		      t->elemental_mg, t->compound_mg, v->form_name, t->p.washout, t->p.washout == 1 ? "" : "s",
		      t->p.washout == 1 ? "is" : "are");
	snprintf(mid, sizeof mid, "%.*f", t->oc->decimals + (t->spec.mid < 1), t->spec.mid);
	mg_buf_printf(b, "Fixed now, before any result: the answer will be the exact randomisation test (two-sided, "
			 "%g) on %s, with the mean difference and its 95 %% interval as the estimate; 'no meaningful "
			 "effect' means the interval stays within plus or minus %s %s ",
		      t->spec.alpha, t->oc->name, mid, t->oc->unit);
	if (t->spec.mid_verified && t->oc->mid_refs.n) {
		mg_buf_puts(b, "(the minimal important difference, ");
		mg_trial_put_refs(b, kb, &t->oc->mid_refs);
		mg_buf_puts(b, ")");
	} else {
		mg_buf_puts(b, "(the product's choice, not a published threshold verified for this tool)");
	}
	mg_buf_printf(b, ". Nothing is concluded before the last period ends, or with fewer than %d usable pairs.\n\n",
		      t->spec.min_pairs);
	if (mg_trial_per_period(t->oc))
		mg_buf_printf(b, "ISI: fill in 'mgsleep isi' on the morning after the last night of every period (the "
				 "last %d days of a period or the first %d of the next count; the closest wins).\n\n",
			      t->oc->window_before, t->oc->window_after);
	plan_calendar(b, t);
	plan_power(b, kb, v);
	if (v->ics)
		mg_buf_printf(b, "Calendar written to %s.\n", v->ics);
	mg_buf_puts(b, "Each night, 'mgsleep trial today' says what to take; log every morning with 'mgsleep log'.\n"
		       "Stop and talk to a clinician if you get diarrhoea or feel unwell.\n"
		       "This is information, not medical advice.\n");
}

/* ---- today ---- */

void mg_trial_today_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial *t,
			 const struct mg_trial_pauses *pz, int32_t d, int diary_logged)
{
	struct mg_trial_tonight tn;
	char date[11], s[11], e[11];
	mg_trial_tonight(t, pz, d, &tn);
	mg_date_format(d, date);
	mg_date_format(t->p.start - t->p.baseline, s);
	mg_date_format(mg_trial_last_evening(&t->p), e);
	switch (tn.phase) {
	case MG_TRIAL_BEFORE:
		mg_buf_printf(b, "%s: the trial starts on %s; nothing to take for it tonight.\n", date, s);
		break;
	case MG_TRIAL_BASELINE:
		mg_buf_printf(b, "%s: baseline night %d of %d.\nbaseline: no magnesium, keep logging.\n", date,
			      tn.baseline_night, t->p.baseline);
		break;
	case MG_TRIAL_ENDED:
		mg_buf_printf(b, "%s: the trial ended on %s. See 'mgsleep trial analyze'.\n", date, e);
		break;
	case MG_TRIAL_PAUSED: {
		char ps[11], w[192];
		mg_date_format(pz->from[tn.pause], ps);
		why(kb, pz, tn.pause, w);
		mg_buf_printf(b, "%s: the trial is paused since %s because of %s.\n", date, ps, w);
		mg_buf_puts(b, "Tonight: take no magnesium. Talk to a clinician before restarting; if you restart, record "
			       "it with 'mgsleep trial resume'.\n");
		break;
	}
	case MG_TRIAL_PERIOD:
		mg_buf_printf(b, "%s: period %d of %d (pair %d), night %d of %d.\n", date, tn.period, 2 * t->p.pairs,
			      tn.pair, tn.night, t->p.period_days);
		if (tn.magnesium) {
			const struct mg_compound *c = kb ? mg_kb_find_compound(kb, t->form) : NULL;
			mg_buf_printf(b, "Tonight: take %.0f mg elemental magnesium = %.0f mg %s%s at bedtime.\n",
				      t->elemental_mg, t->compound_mg, c ? "" : "magnesium ", c ? c->name : t->form);
		} else {
			mg_buf_puts(b, "Tonight: take no magnesium.\n");
		}
		if (tn.washout)
			mg_buf_printf(b, "This is washout night %d of %d: keep to the plan and log it; it is not analysed.\n",
				      tn.night, t->p.washout);
		if (tn.isi_tomorrow)
			mg_buf_puts(b, "This is the last evening of the period: fill in the ISI tomorrow morning with "
				       "'mgsleep isi' (it is this period's outcome).\n");
		break;
	}
	if (tn.diary_expected && !diary_logged)
		mg_buf_printf(b, "Last night's diary (the morning of %s) is missing: log it with 'mgsleep log --date %s "
				 "...'.\n",
			      date, date);
	else if (tn.diary_expected)
		mg_buf_puts(b, "Last night's diary is logged.\n");
}

/* ---- analyze ---- */

static void analysis_head(struct mg_buf *b, const struct mg_trial_analysis *an, const char *date)
{
	const struct mg_trial *t = an->t;
	const struct mg_trial_outcome *oc = t->oc;
	const struct mg_nof1_result *r = &an->res[2];
	int dec = oc->decimals;
	char s[11], e[11];
	mg_date_format(t->p.start - t->p.baseline, s);
	mg_date_format(mg_trial_last_evening(&t->p), e);
	mg_buf_printf(b, "%sN-of-1 trial %lld (%s), %s to %s: %d pairs of %d-day periods; outcome: %s (%s)\n",
		      an->interim ? "INTERIM analysis. " : "", t->id, mg_trial_state(t, an->today), s, e, t->p.pairs,
		      t->p.period_days, oc->name, oc->unit);
	if (an->interim)
		mg_buf_printf(b, "The trial has not ended (analysis as of %s); results can still change.\n", date);
	if (!t->prespecified)
		mg_buf_puts(b, "This trial was planned before the analysis was stored with the plan; it is analysed with "
			       "the rule of the knowledge base in use.\n");
	if (mg_trial_per_period(oc))
		mg_buf_printf(b, "Pairs used: %d of %d (a pair counts with an ISI at the end of both periods).\n",
			      r->n_used, t->p.pairs);
	else
		mg_buf_printf(b, "Pairs used: %d of %d (a pair counts with at least %d nights logged after the %d-night "
				 "washout in both periods).\n",
			      r->n_used, t->p.pairs, an->o.min_nights, t->p.washout);
	if (t->p.baseline > 0 && !an->base_n)
		mg_buf_printf(b, "Baseline (%d nights, no magnesium): nothing logged.\n", t->p.baseline);
	else if (t->p.baseline > 0 && mg_trial_per_period(oc))
		mg_buf_printf(b, "Baseline (%d nights, no magnesium): ISI %.0f at its end (context, not part of the "
				 "comparison).\n",
			      t->p.baseline, an->base_mean);
	else if (t->p.baseline > 0) {
		char sd[32] = "not estimable";
		if (an->base_n >= 2)
			snprintf(sd, sizeof sd, "%.*f", dec + 1, an->base_sd);
		mg_buf_printf(b, "Baseline (%d nights, no magnesium, %d logged): mean %.*f %s, SD %s (context, not part "
				 "of the comparison).\n",
			      t->p.baseline, an->base_n, dec + 1, an->base_mean, oc->unit, sd);
	}
}

static void analysis_adherence(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_analysis *an)
{
	const struct mg_trial_adherence *ad = &an->adh;
	if (ad->mg_logged + ad->none_logged)
		mg_buf_printf(b, "Adherence: %.0f %% of the %d analysed nights logged were taken as planned (magnesium on "
				 "%d of %d magnesium nights, on %d of %d nights without).\n",
			      floor(100 * ad->adherence), ad->mg_logged + ad->none_logged, ad->mg_taken, ad->mg_logged,
			      ad->none_taken, ad->none_logged);
	else
		mg_buf_puts(b, "Adherence: no analysed night logged yet.\n");
	if (!mg_trial_per_period(an->t->oc))
		mg_buf_printf(b, "Missing nights (analysed, not logged): %d of %d magnesium nights, %d of %d nights "
				 "without.\n",
			      ad->missing_mg, ad->mg_nights, ad->missing_none, ad->none_nights);
	mg_trial_adherence_text(b, ad, mg_kb_trial_design(kb));
	if (an->pz->n_events) {
		mg_buf_puts(b, "Adverse events and pauses (stop rules: stop magnesium and talk to a clinician):\n");
		mg_trial_events_text(b, kb, an->pz, "  ");
	}
}

static void interval(double m, double lo, double hi, int dec, char out[3][48])
{
	mg_trial_format_signed(m, dec, out[0], 48);
	mg_trial_format_signed(lo, dec, out[1], 48);
	mg_trial_format_signed(hi, dec, out[2], 48);
}

static void analysis_estimate(struct mg_buf *b, const struct mg_trial_analysis *an)
{
	const struct mg_trial *t = an->t;
	const struct mg_trial_outcome *oc = t->oc;
	const struct mg_nof1_result *r = &an->res[2];
	int dec = oc->decimals;
	char x[3][48], p[48];
	if (r->flags & MG_NOF1_TOO_FEW) {
		mg_buf_printf(b, "Too few complete pairs to estimate an effect: %d usable, at least 2 are needed. No "
				 "numbers are given until then.\n",
			      r->n_used);
		return;
	}
	interval(r->mean, r->ci_lo, r->ci_hi, dec + 1, x);
	mg_buf_printf(b, "Mean difference, magnesium minus none: %s %s (95 %% interval %s to %s)\n", x[0], oc->unit, x[1],
		      x[2]);
	if (an->pp_done && an->pp.n_used >= 2) {
		interval(an->pp.mean, an->pp.ci_lo, an->pp.ci_hi, dec + 1, x);
		mg_buf_printf(b, "Per protocol (only nights taken as planned; %d left out): %s %s (95 %% interval %s to "
				 "%s), %d pairs. Read beside the main line, not instead of it.\n",
			      an->pp_removed, x[0], oc->unit, x[1], x[2], an->pp.n_used);
	}
	mg_trial_format_p(r->p_value, t->spec.alpha, p, sizeof p);
	mg_buf_printf(b, "Randomisation test (exact, two-sided): %s (the smallest p %d pairs can give is %.3g)\n", p,
		      r->n_used, r->p_min);
	if (an->enough) {
		static const char *const names[3] = {"evidence-based prior", "sceptical prior", "flat prior"};
		mg_buf_printf(b, "Probability of a benefit beyond %.*f %s:\n", dec + (t->spec.mid < 1), t->spec.mid,
			      oc->unit);
		for (int k = 0; k < 3; k++) {
			if (!an->has_prior[k])
				mg_buf_printf(b, "  %-22s none (no trial data for this outcome)\n", names[k]);
			else
				mg_buf_printf(b, "  %-22s %.0f %%\n", names[k], 100 * an->res[k].post.p_mid);
		}
	} else {
		mg_buf_printf(b, "No probabilities are given: with fewer than %d pairs, or pairs that all gave the same "
				 "difference, they would claim more than the data hold.\n",
			      t->spec.min_pairs);
	}
}

void mg_trial_analysis_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_analysis *an,
			    const char *date)
{
	const struct mg_nof1_result *r = &an->res[2];
	analysis_head(b, an, date);
	analysis_adherence(b, kb, an);
	analysis_estimate(b, an);
	mg_buf_putc(b, '\n');
	mg_buf_printf(b, "%s\n", an->conclusion_text);
	if (!(r->flags & MG_NOF1_TOO_FEW) && (r->flags & MG_NOF1_P_FLOOR))
		mg_buf_printf(b, "With %d pairs no result can reach p < %g; more pairs are needed for a firm answer.\n",
			      r->n_used, an->t->spec.alpha);
	mg_trial_pause_text(b, kb, an->pz, an->excluded, an->today);
	mg_buf_puts(b, "\nSecondary outcomes (not the question the trial was planned to answer; read with caution):\n"
		       "mean difference, magnesium minus none, with its 95 % interval; no verdict is drawn from these.\n");
	for (size_t i = 0; i < an->n_secondary; i++) {
		const struct mg_trial_secondary *s = &an->secondary[i];
		char x[3][48];
		if (s->r.flags & MG_NOF1_TOO_FEW) {
			mg_buf_printf(b, "  %s: too few complete pairs (%d)\n", s->oc->name, s->r.n_used);
			continue;
		}
		interval(s->r.mean, s->r.ci_lo, s->r.ci_hi, s->oc->decimals + 1, x);
		mg_buf_printf(b, "  %s: %s %s (95 %% interval %s to %s), %d pairs\n", s->oc->name, x[0], s->oc->unit, x[1],
			      x[2], s->r.n_used);
	}
	mg_buf_puts(b, "This is information, not medical advice.\n");
}

/* ---- list ---- */

void mg_trial_list_head(struct mg_buf *b, int json, size_t n)
{
	if (json)
		mg_buf_putc(b, '[');
	else if (!n)
		mg_buf_puts(b, "No trial planned yet ('mgsleep trial plan').\n");
	else
		mg_buf_puts(b, "trial  status    evenings                  pairs  days  outcome  planned on\n");
}

void mg_trial_list_row(struct mg_buf *b, int json, size_t i, const struct mg_trial *t, int32_t today)
{
	char s[11], e[11];
	mg_date_format(t->p.start - t->p.baseline, s);
	mg_date_format(mg_trial_last_evening(&t->p), e);
	if (!json) {
		mg_buf_printf(b, "%5lld  %-8s  %s to %s  %5d  %4d  %-7s  %.10s\n", t->id, mg_trial_state(t, today), s, e,
			      t->p.pairs, t->p.period_days, t->oc->id, t->created);
		return;
	}
	mg_buf_printf(b, "%s{\"id\":%lld,\"status\":\"%s\",\"stored_status\":\"%s\",\"start\":\"%s\",\"end\":\"%s\","
			 "\"pairs\":%d,\"period_days\":%d,\"outcome\":\"%s\",\"seed\":\"%s\",\"prespecified\":%s,"
			 "\"created\":",
		      i ? "," : "", t->id, mg_trial_state(t, today), t->status, s, e, t->p.pairs, t->p.period_days,
		      t->oc->id, t->seed, t->prespecified ? "true" : "false");
	mg_buf_put_json_str(b, t->created);
	mg_buf_putc(b, '}');
}

void mg_trial_list_tail(struct mg_buf *b, int json, size_t n)
{
	if (json)
		mg_buf_puts(b, "]\n");
	else if (n)
		mg_buf_puts(b, "Analyse any of them with 'mgsleep trial analyze --trial N'; only the latest is followed by "
			       "'trial today', 'event' and 'resume'.\n");
}
