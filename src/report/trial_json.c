/* The N-of-1 trial as data (include/mgsleep/trial_report.h): the plan and
 * the analysis for --format json (docs/statistics.md 12), and the analysis
 * as the sleep report and the FHIR export draw it. */
#include <mgsleep/night.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/trial_report.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static void put_num(struct mg_buf *b, double x, int dec)
{
	if (isnan(x) || isinf(x))
		mg_buf_puts(b, "null");
	else
		mg_buf_put_num(b, x, dec);
}

/* Keys and values alternating: ",\"key\":value" with dec decimals each. */
static void put_nums(struct mg_buf *b, const char *const *keys, const double *v, int n, int dec)
{
	for (int k = 0; k < n; k++) {
		mg_buf_printf(b, "%s\"%s\":", k ? "," : "", keys[k]);
		put_num(b, v[k], dec);
	}
}

/* The planned dose's object, left open for the caller's further keys:
 * {"elemental_mg","compound_mg","form" */
static void put_dose(struct mg_buf *b, const struct mg_trial *t)
{
	mg_buf_puts(b, "{\"elemental_mg\":");
	put_num(b, t->elemental_mg, 1);
	mg_buf_puts(b, ",\"compound_mg\":");
	put_num(b, t->compound_mg, 1);
	mg_buf_puts(b, ",\"form\":");
	mg_buf_put_json_str(b, t->form);
}

void mg_trial_periods_json(struct mg_buf *b, const struct mg_trial *t)
{
	struct mg_trial_period per[MG_TRIAL_MAX_PERIODS];
	mg_trial_calendar(&t->p, per);
	mg_buf_putc(b, '[');
	for (int k = 0; k < 2 * t->p.pairs; k++) {
		char ps[11], pe[11], pa[11];
		mg_date_format(per[k].start, ps);
		mg_date_format(per[k].end, pe);
		mg_date_format(per[k].analysed_from, pa);
		mg_buf_printf(b, "%s{\"period\":%d,\"pair\":%d,\"start\":\"%s\",\"end\":\"%s\",\"arm\":\"%s\","
				 "\"analysed_from\":\"%s\"}",
			      k ? "," : "", k + 1, per[k].pair, ps, pe, per[k].magnesium ? "magnesium" : "none", pa);
	}
	mg_buf_putc(b, ']');
}

void mg_trial_tonight_json(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial *t,
			   const struct mg_trial_pauses *pz, int32_t d)
{
	static const char *const phases[] = {[MG_TRIAL_BEFORE] = "before", [MG_TRIAL_BASELINE] = "baseline",
					     [MG_TRIAL_ENDED] = "ended", [MG_TRIAL_PAUSED] = "paused",
					     [MG_TRIAL_PERIOD] = "period"};
	struct mg_trial_tonight tn;
	char date[11], first[11], last[11];
	mg_trial_tonight(t, pz, d, &tn);
	mg_date_format(d, date);
	mg_date_format(t->p.start - t->p.baseline, first);
	mg_date_format(mg_trial_last_evening(&t->p), last);
	mg_buf_printf(b, "{\"date\":\"%s\",\"phase\":\"%s\",\"paused\":%s,\"first_evening\":\"%s\","
			 "\"last_evening\":\"%s\",\"periods\":%d,\"period_days\":%d,\"baseline_days\":%d,",
		      date, phases[tn.phase], tn.phase == MG_TRIAL_PAUSED ? "true" : "false", first, last, 2 * t->p.pairs,
		      t->p.period_days, t->p.baseline);
	int period = tn.phase == MG_TRIAL_PERIOD;
	if (period)
		mg_buf_printf(b, "\"period\":%d,\"pair\":%d,\"night\":%d,", tn.period, tn.pair, tn.night);
	else
		mg_buf_puts(b, "\"period\":null,\"pair\":null,\"night\":null,");
	if (tn.phase == MG_TRIAL_BASELINE)
		mg_buf_printf(b, "\"baseline_night\":%d,", tn.baseline_night);
	else
		mg_buf_puts(b, "\"baseline_night\":null,");
	if (tn.phase == MG_TRIAL_PAUSED) {
		char ps[11];
		mg_date_format(pz->from[tn.pause], ps);
		mg_buf_printf(b, "\"paused_since\":\"%s\",", ps);
	} else {
		mg_buf_puts(b, "\"paused_since\":null,");
	}
	/* Only a planned magnesium evening takes the dose; every other phase
	 * (before, baseline, pause, the none arm, after the end) takes none. */
	mg_buf_printf(b, "\"magnesium\":%s,\"dose\":", period && tn.magnesium ? "true" : "false");
	if (period && tn.magnesium) {
		const struct mg_compound *c = kb ? mg_kb_find_compound(kb, t->form) : NULL;
		put_dose(b, t);
		mg_buf_puts(b, ",\"name\":");
		mg_buf_put_json_str(b, c ? c->name : t->form);
		mg_buf_puts(b, "}");
	} else {
		mg_buf_puts(b, "null");
	}
	mg_buf_printf(b, ",\"washout\":%s,\"isi_tomorrow\":%s}", period && tn.washout ? "true" : "false",
		      period && tn.isi_tomorrow ? "true" : "false");
}

void mg_trial_plan_json(struct mg_buf *b, const struct mg_trial_plan_view *v)
{
	const struct mg_trial *t = v->t;
	const struct mg_trial_power_plan *pp = v->pp;
	char d0[11], d1[11];
	mg_date_format(t->p.start, d0);
	mg_date_format(mg_trial_last_evening(&t->p), d1);
	mg_buf_printf(b, "{\"seed\":\"%s\",\"start\":\"%s\",\"end\":\"%s\",\"pairs\":%d,\"period_days\":%d,\"washout\":%d,"
			 "\"baseline_days\":%d,",
		      t->seed, d0, d1, t->p.pairs, t->p.period_days, t->p.washout, t->p.baseline);
	if (t->p.baseline) {
		mg_date_format(t->p.start - t->p.baseline, d0);
		mg_date_format(t->p.start - 1, d1);
		mg_buf_printf(b, "\"baseline\":{\"start\":\"%s\",\"end\":\"%s\"},", d0, d1);
	} else {
		mg_buf_puts(b, "\"baseline\":null,");
	}
	mg_buf_printf(b, "\"outcome\":\"%s\",\"unit\":", t->oc->id);
	mg_buf_put_json_str(b, t->oc->unit);
	mg_buf_puts(b, ",\"dose\":");
	put_dose(b, t);
	mg_buf_puts(b, "},\"analysis\":{\"test\":\"randomisation-exact\",\"sides\":2,\"alpha\":");
	put_num(b, t->spec.alpha, 4);
	mg_buf_printf(b, ",\"estimate\":\"mean-difference-t95\",\"min_pairs\":%d,\"mid\":", t->spec.min_pairs);
	put_num(b, t->spec.mid, 3);
	mg_buf_printf(b, ",\"mid_source\":\"%s\",\"interim\":\"no-claim\"},\"periods\":",
		      t->spec.mid_verified ? "published" : "product-choice");
	mg_trial_periods_json(b, t);
	const struct mg_power_spec *f = &pp->fixed;
	mg_buf_puts(b, ",\"power\":{\"conclusion_counted\":\"benefit\",\"effect\":");
	put_num(b, f->effect, 3);
	mg_buf_printf(b, ",\"effect_source\":\"%s\",\"chance\":", t->oc->has_evidence ? "prior-mean" : "mid");
	put_num(b, v->fixed->power, 4);
	mg_buf_puts(b, ",\"mc_se\":");
	put_num(b, v->fixed->mc_se, 4);
	mg_buf_puts(b, ",\"prior\":");
	if (pp->has_prior) {
		mg_buf_puts(b, "{\"mean\":");
		put_num(b, t->oc->ev_mean, 3);
		mg_buf_puts(b, ",\"sd\":");
		put_num(b, t->oc->ev_sd, 3);
		mg_buf_puts(b, "},\"chance_over_prior\":");
		put_num(b, v->averaged->power, 4);
	} else {
		mg_buf_puts(b, "null,\"chance_over_prior\":null");
	}
	mg_buf_puts(b, ",");
	put_nums(b, (const char *const[]){"sd_night", "rho", "missing"}, (const double[]){f->sd_night, f->rho, f->missing},
		 3, 3);
	mg_buf_printf(b, ",\"diary_nights\":%d,\"diary_used\":%s,\"sd_floored\":%s,\"rho_floored\":%s,\"simulations\":%d,"
			 "\"p_min\":",
		      v->diary->n, pp->diary_used ? "true" : "false", pp->sd_floored ? "true" : "false",
		      pp->rho_floored ? "true" : "false", v->fixed->n_sim);
	mg_buf_printf(b, "%.6g}", v->fixed->p_min);
	if (v->retired)
		mg_buf_printf(b, ",\"retired\":{\"id\":%lld,\"status\":\"%s\"}", v->retired->id, v->retired_as);
	else
		mg_buf_puts(b, ",\"retired\":null");
	mg_buf_puts(b, "}\n");
}

/* ---- analyze ---- */

static void put_post(struct mg_buf *b, const char *name, const struct mg_posterior *po, int ok)
{
	mg_buf_printf(b, "\"%s\":", name);
	if (!ok) {
		mg_buf_puts(b, "null");
		return;
	}
	mg_buf_putc(b, '{');
	put_nums(b, (const char *const[]){"median", "lo", "hi"}, (const double[]){po->median, po->lo, po->hi}, 3, 3);
	mg_buf_putc(b, ',');
	put_nums(b, (const char *const[]){"p_benefit", "p_mid", "p_harm_mid"},
		 (const double[]){po->p_benefit, po->p_mid, po->p_harm_mid}, 3, 4);
	mg_buf_putc(b, '}');
}

/* "mean_difference", "ci_low", "ci_high" of a result; null when too few. */
static void put_estimate(struct mg_buf *b, const struct mg_nof1_result *r, int few)
{
	put_nums(b, (const char *const[]){"mean_difference", "ci_low", "ci_high"},
		 (const double[]){few ? NAN : r->mean, few ? NAN : r->ci_lo, few ? NAN : r->ci_hi}, 3, 3);
}

/* p as computed, never rounded to 0 (the smallest exact p is 2^-19). */
static void put_p(struct mg_buf *b, const char *key, double p, int few)
{
	mg_buf_printf(b, ",\"%s\":", key);
	if (few || isnan(p))
		mg_buf_puts(b, "null");
	else
		mg_buf_printf(b, "%.6g", p);
}

static const char *const warn_ids[] = {"low-adherence", "off-nights-with-magnesium", "missing-unbalanced"};

static void analysis_adherence(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_analysis *an)
{
	const struct mg_trial_adherence *ad = &an->adh;
	const struct mg_trial_pauses *pz = an->pz;
	mg_buf_printf(b, "},\"adherence\":{\"mg_nights_planned\":%d,\"mg_nights_logged\":%d,\"mg_nights_taken\":%d,"
			 "\"off_nights_logged\":%d,\"off_nights_taken\":%d,\"share_as_planned\":",
		      an->counts.on_planned, an->counts.on_logged, an->counts.on_taken, an->counts.off_logged,
		      an->counts.off_taken);
	put_num(b, ad->adherence, 4);
	mg_buf_printf(b, ",\"analysed_mg_nights\":%d,\"analysed_none_nights\":%d,\"missing_mg\":%d,\"missing_none\":%d,"
			 "\"warnings\":[",
		      ad->mg_nights, ad->none_nights, ad->missing_mg, ad->missing_none);
	for (size_t k = 0, n = 0; k < sizeof warn_ids / sizeof warn_ids[0]; k++)
		if (ad->warn & (1u << k))
			mg_buf_printf(b, "%s\"%s\"", n++ ? "," : "", warn_ids[k]);
	mg_buf_printf(b, "]},\"paused_nights\":%d,\"pauses\":[", an->excluded);
	for (int k = 0; k < pz->n; k++) {
		char d0[11], d1[11], w[192];
		mg_date_format(pz->from[k], d0);
		mg_buf_printf(b, "%s{\"from\":\"%s\",\"resumed\":", k ? "," : "", d0);
		if (pz->to[k] != INT32_MAX) {
			mg_date_format(pz->to[k], d1);
			mg_buf_printf(b, "\"%s\"", d1);
		} else {
			mg_buf_puts(b, "null");
		}
		mg_trial_event_what(kb, &pz->ev[pz->why[k]], w, sizeof w);
		mg_buf_puts(b, ",\"because\":");
		mg_buf_put_json_str(b, w);
		mg_buf_putc(b, '}');
	}
}

void mg_trial_analysis_json(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_analysis *an,
			    const char *date)
{
	const struct mg_trial *t = an->t;
	const struct mg_trial_outcome *oc = t->oc;
	const struct mg_nof1_result *r = &an->res[2];
	int too_few = (r->flags & MG_NOF1_TOO_FEW) != 0;
	char s[11], e[11];
	mg_date_format(t->p.start - t->p.baseline, s);
	mg_date_format(mg_trial_last_evening(&t->p), e);
	mg_buf_printf(b, "{\"trial_id\":%lld,\"status\":\"%s\",\"start\":\"%s\",\"end\":\"%s\",\"as_of\":\"%s\","
			 "\"outcome\":\"%s\",\"pairs\":%d,\"period_days\":%d,\"washout\":%d,\"min_nights\":%d,"
			 "\"seed\":\"%s\",\"interim\":%s,\"too_few_pairs\":%s,\"pairs_used\":%d,",
		      t->id, mg_trial_state(t, an->today), s, e, date, oc->id, t->p.pairs, t->p.period_days, t->p.washout,
		      an->o.min_nights, t->seed, an->interim ? "true" : "false", too_few ? "true" : "false", r->n_used);
	mg_buf_printf(b, "\"conclusion\":\"%s\",\"conclusion_text\":", mg_trial_conclusion_id(an->c));
	mg_buf_put_json_str(b, an->conclusion_text);
	mg_buf_printf(b, ",\"enough_information\":%s,\"analysis\":{\"prespecified\":%s,\"test\":\"randomisation-exact\","
			 "\"sides\":2,\"alpha\":",
		      an->enough ? "true" : "false", t->prespecified ? "true" : "false");
	put_num(b, t->spec.alpha, 4);
	mg_buf_printf(b, ",\"min_pairs\":%d,\"mid\":", t->spec.min_pairs);
	put_num(b, t->spec.mid, 3);
	mg_buf_printf(b, ",\"mid_source\":\"%s\"},\"per_pair\":[", t->spec.mid_verified ? "published" : "product-choice");
	for (int i = 0; i < t->p.pairs; i++) {
		mg_buf_printf(b, "%s{\"pair\":%d,\"mg_first\":%s,\"nights_mg\":%d,\"nights_off\":%d,", i ? "," : "", i + 1,
			      t->p.order[2 * i] ? "true" : "false", r->kept_on[i], r->kept_off[i]);
		put_nums(b, (const char *const[]){"mean_mg", "mean_off", "difference"},
			 (const double[]){r->mean_on[i], r->mean_off[i], r->diff[i]}, 3, 3);
		mg_buf_putc(b, '}');
	}
	mg_buf_puts(b, "],");
	put_estimate(b, r, too_few);
	put_p(b, "p_value", r->p_value, too_few);
	put_p(b, "p_min", r->p_min, too_few);
	mg_buf_puts(b, ",\"mid\":");
	put_num(b, t->spec.mid, 3);
	mg_buf_puts(b, ",\"per_protocol\":");
	if (an->pp_done && an->pp.n_used >= 2) {
		mg_buf_printf(b, "{\"pairs_used\":%d,\"nights_left_out\":%d,", an->pp.n_used, an->pp_removed);
		put_estimate(b, &an->pp, 0);
		mg_buf_putc(b, '}');
	} else {
		mg_buf_puts(b, "null");
	}
	/* No probabilities without enough information: they would claim more
	 * than a collapsed or two-pair likelihood holds. */
	mg_buf_puts(b, ",\"posterior\":{");
	put_post(b, "evidence", &an->res[0].post, an->enough && an->has_prior[0]);
	mg_buf_putc(b, ',');
	put_post(b, "sceptical", &an->res[1].post, an->enough);
	mg_buf_putc(b, ',');
	put_post(b, "flat", &an->res[2].post, an->enough);
	analysis_adherence(b, kb, an);
	mg_buf_printf(b, "],\"baseline_days\":%d,\"baseline\":", t->p.baseline);
	if (t->p.baseline > 0) {
		mg_buf_printf(b, "{\"values\":%d,", an->base_n);
		put_nums(b, (const char *const[]){"mean", "sd"}, (const double[]){an->base_mean, an->base_sd}, 2, 3);
		mg_buf_putc(b, '}');
	} else {
		mg_buf_puts(b, "null");
	}
	mg_buf_puts(b, ",\"secondary\":[");
	for (size_t i = 0; i < an->n_secondary; i++) {
		const struct mg_trial_secondary *sc = &an->secondary[i];
		mg_buf_printf(b, "%s{\"outcome\":\"%s\",\"pairs_used\":%d,", i ? "," : "", sc->oc->id, sc->r.n_used);
		put_estimate(b, &sc->r, (sc->r.flags & MG_NOF1_TOO_FEW) != 0);
		mg_buf_putc(b, '}');
	}
	mg_buf_puts(b, "]}\n");
}

/* ---- the report and the FHIR export ---- */

void mg_trial_report_fill(const struct mg_kb *kb, const struct mg_trial_analysis *an, struct mg_report_trial *rt,
			  char *order)
{
	const struct mg_trial *t = an->t;
	const struct mg_nof1_result *r = &an->res[2];
	const struct mg_trial_pauses *pz = an->pz;
	memcpy(order, t->p.order, (size_t)(2 * t->p.pairs));
	memset(rt, 0, sizeof *rt);
	rt->start = t->p.start;
	rt->end = mg_trial_last_evening(&t->p);
	rt->pairs = t->p.pairs;
	rt->period_days = t->p.period_days;
	rt->order = order;
	rt->outcome_name = t->oc->name;
	rt->unit = t->oc->unit;
	rt->decimals = t->oc->decimals;
	rt->as_of = an->today;
	rt->interim = an->interim;
	rt->too_few = (r->flags & MG_NOF1_TOO_FEW) != 0;
	rt->n_used = r->n_used;
	rt->mean = r->mean;
	rt->ci_lo = r->ci_lo;
	rt->ci_hi = r->ci_hi;
	rt->outcome_id = t->oc->id;
	rt->p_value = r->p_value;
	snprintf(rt->verdict, sizeof rt->verdict, "%s", an->conclusion_text);
	rt->has_published = t->oc->has_published;
	rt->pub_mean = t->oc->pub_mean;
	rt->pub_lo = t->oc->pub_lo;
	rt->pub_hi = t->oc->pub_hi;
	rt->pub_source = t->oc->pub_label;
	struct mg_buf b = MG_BUF_INIT;
	mg_trial_events_text(&b, kb, pz, "");
	snprintf(rt->events, sizeof rt->events, "%.*s", (int)b.len, b.len ? b.data : "");
	mg_buf_reset(&b);
	mg_trial_pause_text(&b, kb, pz, an->excluded, an->today);
	snprintf(rt->pause_note, sizeof rt->pause_note, "%.*s", (int)b.len, b.len ? b.data : "");
	mg_buf_release(&b);
	/* issue 11 */
	rt->conclusion = mg_trial_conclusion_id(an->c);
	snprintf(rt->conclusion_text, sizeof rt->conclusion_text, "%s", an->conclusion_text);
	rt->mid = t->spec.mid;
	rt->mid_verified = t->spec.mid_verified;
	rt->adherence = an->adh.adherence;
	rt->missing_mg = an->adh.missing_mg;
	rt->missing_none = an->adh.missing_none;
	int pp_ok = an->pp_done && an->pp.n_used >= 2;
	rt->pp_mean = pp_ok ? an->pp.mean : NAN;
	rt->pp_lo = pp_ok ? an->pp.ci_lo : NAN;
	rt->pp_hi = pp_ok ? an->pp.ci_hi : NAN;
	rt->washout = t->p.washout;
	rt->elemental_mg = t->elemental_mg;
	rt->compound_mg = t->compound_mg;
	const struct mg_compound *c = mg_kb_find_compound(kb, t->form);
	rt->form_name = c ? c->name : NULL;
	int max = (int)(sizeof rt->pauses / sizeof rt->pauses[0]);
	rt->n_pauses = pz->n < max ? pz->n : max;
	for (int k = 0; k < rt->n_pauses; k++) {
		rt->pauses[k].from = pz->from[k];
		rt->pauses[k].to = pz->to[k];
	}
}
