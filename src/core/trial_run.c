/* The running trial (include/mgsleep/trial.h, issue 12): the stored trial
 * bound to the KB, its pauses, tonight's instruction, the diary nights and
 * questionnaire scores it reads, and the analysis as of a day (primary with
 * three priors, per protocol, adherence, baseline, secondary outcomes).
 * Typed inputs in, a typed result out: the store reads, src/report writes. */
#include <mgsleep/night.h>
#include <mgsleep/trial.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mg_trial_bind(struct mg_trial *t, const struct mg_kb *kb, struct mg_error *err)
{
	int ok = !t->damaged && (t->oc = mg_kb_find_trial_outcome(kb, t->outcome)) != NULL &&
		 !mg_trial_plan_check(&t->p, NULL);
	if (ok) {
		/* A plan made before the analysis was stored gets the rule of
		 * the KB in use (and the output says so). */
		struct mg_trial_spec s;
		mg_trial_spec_from_kb(mg_kb_trial_design(kb), t->oc, &s);
		if (t->prespecified) {
			s.alpha = t->spec.alpha;
			s.min_pairs = t->spec.min_pairs;
			s.mid = t->spec.mid;
			s.mid_verified = t->spec.mid_verified;
			ok = !mg_trial_spec_check(&s, NULL);
		}
		t->spec = s;
	}
	if (!ok)
		return mg_fail(err, MG_EINVAL, "trial", "trial: the stored trial is damaged");
	return 0;
}

const char *mg_trial_state(const struct mg_trial *t, int32_t today)
{
	if (strcmp(t->status, "planned"))
		return t->status;
	if (today < t->p.start - t->p.baseline)
		return "planned";
	return today <= mg_trial_last_evening(&t->p) + 1 ? "running" : "finished";
}

int mg_trial_per_period(const struct mg_trial_outcome *oc)
{
	return oc->per_period;
}

void mg_trial_put_refs(struct mg_buf *b, const struct mg_kb *kb, const struct mg_refs *refs)
{
	for (size_t k = 0; k < refs->n; k++)
		mg_buf_printf(b, "%s%s", k ? ", " : "", mg_kb_source(kb, refs->idx[k])->id);
}

int mg_trial_pairs_needed(double alpha)
{
	int n = 1;
	while (n < MG_NOF1_MAX_PAIRS && 2.0 / ldexp(1.0, n) >= alpha)
		n++;
	return n;
}

/* ---- pauses ---- */

void mg_trial_pauses_init(struct mg_trial_pauses *pz)
{
	memset(pz, 0, sizeof *pz);
}

int mg_trial_pauses_add(void *ctx, const struct mg_trial_event *e)
{
	struct mg_trial_pauses *pz = ctx;
	if (pz->n_events >= MG_TRIAL_MAX_EVENTS || e->date == MG_DATE_UNSET)
		return 0;
	int i = pz->n_events++;
	pz->ev[i] = *e;
	int open = pz->n && pz->to[pz->n - 1] == INT32_MAX;
	if (!e->resume && e->stops && !open) {
		pz->from[pz->n] = e->date;
		pz->to[pz->n] = INT32_MAX;
		pz->why[pz->n] = i;
		pz->n++;
	} else if (e->resume && open) {
		pz->to[pz->n - 1] = e->date;
	}
	return 0;
}

int mg_trial_paused_at(const struct mg_trial_pauses *pz, int32_t d)
{
	for (int k = 0; k < pz->n; k++)
		if (d >= pz->from[k] && d < pz->to[k])
			return k;
	return -1;
}

int mg_trial_resume_check(const struct mg_trial_pauses *pz, int32_t d, struct mg_error *err)
{
	char began[11];
	if (!pz->n || pz->to[pz->n - 1] != INT32_MAX || d < pz->from[pz->n - 1])
		return mg_fail(err, MG_EEXIST, "trial", "trial resume: refused: the trial is not paused on that date");
	if (d == pz->from[pz->n - 1]) {
		mg_date_format(pz->from[pz->n - 1], began);
		return mg_fail(err, MG_EINVAL, "date", "date: the pause began on %s; resume on a later date", began);
	}
	return 0;
}

const char *mg_trial_stop_text(const struct mg_kb *kb, const char *symptom_id)
{
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	for (size_t i = 0; i < dg->n_stop_rules; i++) {
		const char *t = mg_kb_symptom_rule(kb, dg->stop_rules[i], symptom_id);
		if (t)
			return t;
	}
	return NULL;
}

/* ---- tonight ---- */

void mg_trial_tonight(const struct mg_trial *t, const struct mg_trial_pauses *pz, int32_t d,
		      struct mg_trial_tonight *out)
{
	int32_t first = t->p.start - t->p.baseline, last = mg_trial_last_evening(&t->p);
	int pk;
	memset(out, 0, sizeof *out);
	if (d < first) {
		out->phase = MG_TRIAL_BEFORE;
	} else if (d < t->p.start) {
		out->phase = MG_TRIAL_BASELINE;
		out->baseline_night = (int)(d - first) + 1;
	} else if (d > last) {
		out->phase = MG_TRIAL_ENDED;
	} else if ((pk = mg_trial_paused_at(pz, d)) >= 0) {
		out->phase = MG_TRIAL_PAUSED;
		out->pause = pk;
	} else {
		int k = (int)((d - t->p.start) / t->p.period_days);
		out->phase = MG_TRIAL_PERIOD;
		out->period = k + 1;
		out->pair = k / 2 + 1;
		out->night = (int)((d - t->p.start) % t->p.period_days) + 1;
		out->magnesium = t->p.order[k] != 0;
		out->washout = out->night <= t->p.washout;
		out->isi_tomorrow = out->night == t->p.period_days && mg_trial_per_period(t->oc);
	}
	out->diary_expected = d > first && d <= last + 1;
}

/* ---- nights and scores ---- */

struct mg_trial_nights {
	int32_t from;
	int n;
	struct mg_night_record rec[];
};

struct mg_trial_nights *mg_trial_nights_new(int32_t from, int32_t to)
{
	int n = to >= from ? (int)(to - from + 1) : 0;
	struct mg_trial_nights *nt = malloc(sizeof *nt + (size_t)n * sizeof nt->rec[0]);
	if (!nt)
		return NULL;
	nt->from = from;
	nt->n = n;
	for (int k = 0; k < n; k++)
		mg_night_init(&nt->rec[k].n);
	return nt;
}

void mg_trial_nights_free(struct mg_trial_nights *nt)
{
	free(nt);
}

int mg_trial_nights_put(void *ctx, const struct mg_night_record *r)
{
	struct mg_trial_nights *nt = ctx;
	/* The diary row of evening E is dated the next morning. */
	int64_t k = (int64_t)r->n.date - 1 - nt->from;
	if (r->n.date != MG_DATE_UNSET && k >= 0 && k < nt->n)
		nt->rec[k] = *r;
	return 0;
}

static double minutes(int v)
{
	return v < 0 ? NAN : v;
}

double mg_trial_night_value(const struct mg_night_record *r, const char *outcome_id)
{
	if (!strcmp(outcome_id, "sol"))
		return minutes(r->m.sol);
	if (!strcmp(outcome_id, "tst"))
		return minutes(r->m.tst);
	if (!strcmp(outcome_id, "waso"))
		return minutes(r->m.waso);
	if (!strcmp(outcome_id, "se"))
		return r->m.se_pct;
	if (!strcmp(outcome_id, "awakenings"))
		return minutes(r->n.awakenings);
	if (!strcmp(outcome_id, "quality"))
		return r->n.quality ? r->n.quality : NAN;
	return NAN;
}

void mg_trial_nights_values(const struct mg_trial_nights *nt, const struct mg_trial_outcome *oc, int32_t from,
			    int32_t to, double *vals, signed char *took)
{
	for (int32_t k = 0; k <= to - from; k++) {
		int64_t i = (int64_t)from + k - nt->from;
		const struct mg_night_record *r = i >= 0 && i < nt->n ? &nt->rec[i] : NULL;
		if (!r || r->n.date == MG_DATE_UNSET) {
			vals[k] = NAN;
			took[k] = MG_TRIAL_MISSING;
			continue;
		}
		vals[k] = mg_trial_night_value(r, oc->id);
		/* Not answered is never counted as none (docs/diary.md). */
		took[k] = r->mg_elemental_mg > 0		  ? MG_TRIAL_TOOK_MG
			  : r->magnesium == MG_NIGHT_MG_NONE ? MG_TRIAL_TOOK_NONE
							     : MG_TRIAL_UNANSWERED;
	}
}

double mg_trial_score_at(const struct mg_trial_outcome *oc, const struct mg_trial_score *s, size_t n, int32_t last,
			 int32_t today)
{
	double best = NAN;
	int32_t best_dist = INT32_MAX, best_d = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t d = s[i].date;
		if (d > today || d < last - oc->window_before + 1 || d > last + oc->window_after)
			continue;
		int32_t dist = d > last + 1 ? d - (last + 1) : last + 1 - d;
		if (dist < best_dist || (dist == best_dist && d == best_d)) {
			best = s[i].total;
			best_dist = dist;
			best_d = d;
		}
	}
	return best;
}

/* ---- the analysis ---- */

struct inputs {
	const struct mg_trial_design *dg;
	const struct mg_trial *t;
	const struct mg_trial_pauses *pz;
	const struct mg_trial_nights *nt;
	const struct mg_trial_score *isi;
	size_t n_isi;
	int32_t today;
};

/* The trial's nights of outcome oc as pairs of periods (vals, took: 2 *
 * pairs * period_days evenings from the start), nights in a pause or on or
 * after today left out, and the analysis options. Returns how many planned
 * evenings before today a pause left out. */
static int setup(const struct inputs *in, const struct mg_trial_outcome *oc, double *vals, signed char *took,
		 struct mg_nof1_pair *pairs, struct mg_nof1_opts *o)
{
	const struct mg_trial *t = in->t;
	int n_nights = 2 * t->p.pairs * t->p.period_days, excluded = 0;
	mg_trial_nights_values(in->nt, oc, t->p.start, mg_trial_last_evening(&t->p), vals, took);
	for (int k = 0; k < n_nights; k++) {
		int32_t d = t->p.start + k;
		int paused = mg_trial_paused_at(in->pz, d) >= 0; /* stop rules */
		excluded += paused && d < in->today;
		if (paused || d >= in->today) {
			vals[k] = NAN;
			took[k] = MG_TRIAL_EXCLUDED;
		}
	}
	for (int i = 0; i < t->p.pairs; i++) {
		const double *p0 = vals + 2 * i * t->p.period_days, *p1 = p0 + t->p.period_days;
		pairs[i].on = t->p.order[2 * i] ? p0 : p1;
		pairs[i].off = t->p.order[2 * i] ? p1 : p0;
		pairs[i].n_on = pairs[i].n_off = t->p.period_days;
	}
	mg_nof1_opts_default(o);
	o->washout = t->p.washout;
	int after = t->p.period_days - t->p.washout;
	o->min_nights = after < in->dg->min_nights ? after : in->dg->min_nights;
	if (mg_trial_per_period(oc)) {
		/* One value per period, on its last evening; the washout is moot. */
		for (int k = 0; k < n_nights; k++)
			vals[k] = NAN;
		for (int k = 0; k < 2 * t->p.pairs; k++) {
			int32_t last = t->p.start + (k + 1) * t->p.period_days - 1;
			if (mg_trial_paused_at(in->pz, last) < 0)
				vals[(k + 1) * t->p.period_days - 1] = mg_trial_score_at(oc, in->isi, in->n_isi, last, in->today);
		}
		o->washout = 0;
		o->min_nights = 1;
	}
	o->direction = oc->direction;
	o->mid = oc->mid;
	o->seed = strtoull(t->seed, NULL, 10);
	return excluded;
}

/* The baseline (no magnesium, not randomised): context only. */
static void baseline(const struct inputs *in, struct mg_trial_analysis *an)
{
	const struct mg_trial *t = in->t;
	an->base_n = 0;
	an->base_mean = an->base_sd = NAN;
	if (t->p.baseline > 0 && mg_trial_per_period(t->oc)) {
		an->base_mean = mg_trial_score_at(t->oc, in->isi, in->n_isi, t->p.start - 1, in->today);
		an->base_n = !isnan(an->base_mean);
	} else if (t->p.baseline > 0) {
		int32_t first = t->p.start - t->p.baseline;
		double *bv = an->work, sum = 0, ss = 0;
		mg_trial_nights_values(in->nt, t->oc, first, t->p.start - 1, bv, an->work_took);
		for (int k = 0; k < t->p.baseline; k++)
			if (!isnan(bv[k]) && first + k < in->today) {
				an->base_n++;
				sum += bv[k];
			}
		an->base_mean = an->base_n ? sum / an->base_n : NAN;
		for (int k = 0; k < t->p.baseline; k++)
			if (!isnan(bv[k]) && first + k < in->today)
				ss += (bv[k] - an->base_mean) * (bv[k] - an->base_mean);
		an->base_sd = an->base_n >= 2 ? sqrt(ss / (an->base_n - 1)) : NAN;
	}
}

/* Every other diary outcome, flat prior: the mean difference and interval. */
static int secondary(const struct mg_kb *kb, const struct inputs *in, struct mg_trial_analysis *an,
		     struct mg_error *err)
{
	size_t n;
	const struct mg_trial_outcome *all = mg_kb_trial_outcomes(kb, &n);
	struct mg_nof1_pair p2[MG_NOF1_MAX_PAIRS];
	struct mg_nof1_opts o2;
	an->n_secondary = 0;
	for (size_t i = 0; i < n && an->n_secondary < MG_TRIAL_MAX_SECONDARY; i++) {
		const struct mg_trial_outcome *so = &all[i];
		if (so == in->t->oc || mg_trial_per_period(so))
			continue;
		struct mg_trial_secondary *s = &an->secondary[an->n_secondary++];
		setup(in, so, an->work, an->work_took, p2, &o2);
		o2.prior.mean = 0;
		o2.prior.sd = INFINITY;
		s->oc = so;
		int r = mg_nof1_analyse(p2, in->t->p.pairs, &o2, &s->r, err);
		if (r)
			return r;
	}
	return 0;
}

/* The nights behind adherence as the JSON lists them. */
static void count_nights(const struct mg_trial *t, const struct mg_trial_pauses *pz, struct mg_trial_analysis *an)
{
	memset(&an->counts, 0, sizeof an->counts);
	for (int k = 0; k < an->n_nights; k++) {
		int on = t->p.order[k / t->p.period_days];
		if (on && t->p.start + k < an->today && mg_trial_paused_at(pz, t->p.start + k) < 0)
			an->counts.on_planned++;
		if (an->took[k] < 0)
			continue;
		*(on ? &an->counts.on_logged : &an->counts.off_logged) += 1;
		*(on ? &an->counts.on_taken : &an->counts.off_taken) += an->took[k];
	}
}

/* The MID's source for the verdict when the trial marks it verified; NULL
 * otherwise (the product's choice). */
static const char *mid_source(const struct mg_kb *kb, const struct mg_trial *t, char *buf, size_t n)
{
	if (!t->spec.mid_verified || !t->oc->mid_refs.n)
		return NULL;
	struct mg_buf b = MG_BUF_INIT;
	mg_trial_put_refs(&b, kb, &t->oc->mid_refs);
	snprintf(buf, n, "%s", b.failed || !b.data ? "" : b.data);
	mg_buf_release(&b);
	return buf[0] ? buf : NULL;
}

int mg_trial_analyse(const struct mg_kb *kb, const struct mg_trial *t, const struct mg_trial_pauses *pz,
		     const struct mg_trial_nights *nt, const struct mg_trial_score *isi, size_t n_isi, int32_t today,
		     struct mg_trial_analysis *an, struct mg_error *err)
{
	const struct mg_trial_outcome *oc = t->oc;
	const struct inputs in = {mg_kb_trial_design(kb), t, pz, nt, isi, n_isi, today};
	int r;
	an->t = t;
	an->pz = pz;
	an->today = today;
	an->n_nights = 2 * t->p.pairs * t->p.period_days;
	an->excluded = setup(&in, oc, an->vals, an->took, an->pairs, &an->o);
	an->o.mid = t->spec.mid; /* as fixed at planning */
	struct mg_prior priors[3] = {{oc->ev_mean, oc->ev_sd}, {0, oc->sceptical_sd}, {0, INFINITY}};
	an->has_prior[0] = oc->has_evidence;
	an->has_prior[1] = an->has_prior[2] = 1;
	for (int k = 0; k < 3; k++) {
		an->o.prior = an->has_prior[k] ? priors[k] : priors[2];
		if ((r = mg_nof1_analyse(an->pairs, t->p.pairs, &an->o, &an->res[k], err)))
			return r;
	}
	an->o.prior = priors[2];
	mg_trial_adherence(&t->p, an->took, in.dg, &an->adh);
	/* Per protocol: the same pairs with the nights not taken as planned
	 * left out. An ISI covers a whole period, so it has no such line. */
	an->pp_done = 0;
	an->pp_removed = 0;
	if (!mg_trial_per_period(oc)) {
		struct mg_nof1_pair pp[MG_NOF1_MAX_PAIRS];
		memcpy(an->pp_vals, an->vals, (size_t)an->n_nights * sizeof an->vals[0]);
		an->pp_removed = mg_trial_per_protocol(&t->p, an->took, an->pp_vals);
		for (int i = 0; i < t->p.pairs; i++) {
			pp[i] = an->pairs[i];
			pp[i].on = an->pp_vals + (an->pairs[i].on - an->vals);
			pp[i].off = an->pp_vals + (an->pairs[i].off - an->vals);
		}
		if ((r = mg_nof1_analyse(pp, t->p.pairs, &an->o, &an->pp, err)))
			return r;
		an->pp_done = 1;
	}
	an->interim = today <= mg_trial_last_evening(&t->p) + 1;
	const struct mg_nof1_result *flat = &an->res[2];
	an->enough = mg_trial_enough(flat, &t->spec);
	an->c = mg_trial_conclude(flat, &t->spec, an->interim);
	char src[64];
	struct mg_buf b = MG_BUF_INIT;
	mg_trial_verdict(&b, an->c, flat, &t->spec, oc, mid_source(kb, t, src, sizeof src), mg_trial_last_evening(&t->p));
	if (b.failed) {
		mg_buf_release(&b);
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	}
	if (b.len && b.data[b.len - 1] == '\n')
		b.len--;
	snprintf(an->conclusion_text, sizeof an->conclusion_text, "%.*s", (int)b.len, b.data ? b.data : "");
	mg_buf_release(&b);
	count_nights(t, pz, an);
	baseline(&in, an);
	return secondary(kb, &in, an, err);
}

/* ---- an adverse event, power at planning ---- */

int mg_trial_event_symptoms(const struct mg_kb *kb, const char *list, struct mg_trial_event *e, const char **texts,
			    struct mg_error *err)
{
	e->n_symptoms = e->stops = 0;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		char one[64];
		snprintf(one, sizeof one, "%.*s", (int)(len < 63 ? len : 63), p);
		const char *id = len && len < 63 ? mg_kb_symptom_id(kb, one, NULL) : NULL;
		if (!id)
			return mg_fail(err, MG_EINVAL, "symptom", "--symptom: unknown symptom; accepted: %s",
				       mg_kb_symptom_names(kb));
		int dup = 0;
		for (int k = 0; k < e->n_symptoms; k++)
			dup |= !strcmp(e->symptoms[k], id);
		if (!dup) {
			if (e->n_symptoms == MG_TRIAL_MAX_SYMPTOMS)
				return mg_fail(err, MG_EINVAL, "symptom", "--symptom: at most %d symptoms",
					       MG_TRIAL_MAX_SYMPTOMS);
			texts[e->n_symptoms] = mg_trial_stop_text(kb, id);
			e->stops |= texts[e->n_symptoms] != NULL;
			snprintf(e->symptoms[e->n_symptoms++], sizeof e->symptoms[0], "%s", id);
		}
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

int mg_trial_plan_power(const struct mg_kb *kb, const struct mg_trial *t, const struct mg_trial_nights *nt,
			uint64_t seed, struct mg_trial_plan_power *out, struct mg_error *err)
{
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	int r;
	out->diary = (struct mg_trial_diary){0, NAN, NAN, NAN};
	if (nt && !mg_trial_per_period(t->oc)) {
		/* The evenings up to the day before the start's eve. */
		double vals[3650];
		signed char took[3650];
		int n = dg->power_diary_days < 3650 ? dg->power_diary_days : 3650;
		int32_t to = t->p.start - 2;
		mg_trial_nights_values(nt, t->oc, to - n + 1, to, vals, took);
		mg_trial_diary_stats(vals, n, &out->diary);
	}
	memset(&out->averaged, 0, sizeof out->averaged);
	mg_trial_power_inputs(&t->p, t->oc, dg, &t->spec, mg_trial_per_period(t->oc), &out->diary, seed, &out->pp);
	if ((r = mg_nof1_power(&out->pp.fixed, &out->fixed, err)))
		return r;
	return out->pp.has_prior ? mg_nof1_power(&out->pp.averaged, &out->averaged, err) : 0;
}
