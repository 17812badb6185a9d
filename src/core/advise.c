/* The advise engine. Clinical content (thresholds, verdicts, texts, doses,
 * citations) comes from the knowledge base; this file only derives facts from
 * the profile, evaluates the KB's rules over them, and does the arithmetic.
 * The most severe verdict of any rule or interaction wins. */
#include <mgsleep/advise.h>
#include <mgsleep/questionnaire.h>
#include <mgsleep/renal.h>

#include "../kb/kb_internal.h"

#include <math.h>
#include <string.h>

#define SET(f, b) ((f)->bools |= 1u << (b))

static void cite(struct mg_advice *a, const struct mg_refs *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		unsigned short s = r->idx[i];
		if (s < 256 && !a->ref_num[s] && a->n_refs < 256) {
			a->ref_order[a->n_refs++] = s;
			a->ref_num[s] = (unsigned short)a->n_refs;
		}
	}
}

/* A formula for a person whose sex was not given: the lower of the female
 * and male values (reference 6.3: apply the rule to the lower estimate), so
 * a creatinine is never thrown away for want of a sex. */
static double crcl_any_sex(const struct mg_profile *p)
{
	if (p->sex != MG_SEX_UNKNOWN)
		return mg_crcl_cockcroft_gault(p->age, p->weight_kg, p->creatinine_mg_dl, p->sex);
	return fmin(mg_crcl_cockcroft_gault(p->age, p->weight_kg, p->creatinine_mg_dl, MG_SEX_FEMALE),
		    mg_crcl_cockcroft_gault(p->age, p->weight_kg, p->creatinine_mg_dl, MG_SEX_MALE));
}

static double egfr_any_sex(const struct mg_profile *p)
{
	if (p->sex != MG_SEX_UNKNOWN)
		return mg_egfr_ckd_epi_2021(p->age, p->creatinine_mg_dl, p->sex);
	return fmin(mg_egfr_ckd_epi_2021(p->age, p->creatinine_mg_dl, MG_SEX_FEMALE),
		    mg_egfr_ckd_epi_2021(p->age, p->creatinine_mg_dl, MG_SEX_MALE));
}

static void renal_estimate(struct mg_advice *a, const struct mg_kb *kb, const struct mg_profile *p)
{
	int nosex = p->sex == MG_SEX_UNKNOWN;
	a->crcl_cg = crcl_any_sex(p);
	a->egfr_epi = egfr_any_sex(p);
	a->renal_sex_unknown = nosex && !(isnan(a->crcl_cg) && isnan(a->egfr_epi));
	const struct {
		double v;
		const char *basis;
	} cand[] = {
		{a->crcl_cg, nosex ? "cockcroft-gault-sex-unknown" : "cockcroft-gault"},
		{a->egfr_epi, nosex ? "ckd-epi-2021-sex-unknown" : "ckd-epi-2021"},
		{p->egfr, "reported-egfr"},
		{p->crcl, "reported-crcl"},
	};
	a->renal = NAN;
	/* The lowest available estimate drives the rules: CG and CKD-EPI can fall
	 * on different sides of 30 (reference 6.3, cases B and D). */
	for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++)
		if (!isnan(cand[i].v) && (isnan(a->renal) || cand[i].v < a->renal)) {
			a->renal = cand[i].v;
			a->renal_basis = cand[i].basis;
		}
	/* KDIGO G categories are defined on GFR (reference 6.3, S57), so only an
	 * eGFR places a person in one, never a creatinine clearance. */
	double gfr = fmin(a->egfr_epi, p->egfr); /* fmin ignores one NaN */
	if (!isnan(gfr))
		for (size_t i = 0; i < kb->n_renal_cats; i++)
			if (gfr >= kb->renal_cats[i].min) {
				a->renal_category = kb->renal_cats[i].code;
				a->renal_category_text = kb->renal_cats[i].text;
				break;
			}
	if (p->dialysis) {
		a->renal_basis = "dialysis";
		a->renal_category = "dialysis";
		a->renal_category_text = "on dialysis";
	}
}

static int in_age(double age, double lo, double hi)
{
	return age >= lo && age < hi;
}

static void limits_and_intake(struct mg_advice *a, const struct mg_kb *kb, const struct mg_profile *p)
{
	double age = p->age;
	a->jur_default = p->jurisdiction < 0;
	a->jur = a->jur_default ? MG_JUR_EU : (enum mg_jurisdiction)p->jurisdiction;
	const struct mg_limit *lowest = NULL;
	a->limit = NULL;
	for (size_t i = 0; i < kb->n_limits; i++) {
		const struct mg_limit *l = &kb->limits[i];
		if (!in_age(age, l->age_min, l->age_max))
			continue;
		if (!lowest || l->mg < lowest->mg)
			lowest = l;
		if (!a->jur_default && l->jur == a->jur)
			a->limit = l;
	}
	/* No jurisdiction given: the lowest limit that applies (reference 9.2).
	 * A jurisdiction with no limit for this age (UK under 18, EU under 4):
	 * the lowest limit another sets, rather than none. */
	if (!a->limit && lowest) {
		a->limit_fallback = !a->jur_default;
		a->limit = lowest;
	}
	if (a->jur_default && a->limit)
		a->jur = a->limit->jur;
	int state = p->pregnant ? 1 : p->breastfeeding ? 2 : 0;
	for (int pass = 0; pass < 2 && !a->intake; pass++) {
		for (size_t i = 0; i < kb->n_intakes; i++) {
			const struct mg_intake *x = &kb->intakes[i];
			if (x->jur != a->jur || !in_age(age, x->age_min, x->age_max))
				continue;
			if (x->sex != 0 && x->sex != (int)p->sex)
				continue;
			if (x->state != 3 && x->state != state)
				continue;
			a->intake = x;
			break;
		}
		if (!a->intake && state) {
			a->intake_fallback = 1;
			state = 0;
		}
	}
	if (!a->intake)
		a->intake_fallback = 0;
	a->supplement_mg = isnan(p->supplement_mg) ? 0 : p->supplement_mg;
	a->room_mg = a->limit ? a->limit->mg - a->supplement_mg : NAN;
	a->excess_mg = a->limit && a->room_mg < 0 ? -a->room_mg : 0;
}

static void match_meds(struct mg_advice *a, const struct mg_kb *kb, const struct mg_profile *p, struct mg_facts *f)
{
	for (size_t i = 0; i < p->n_meds; i++) {
		struct mg_med_match m;
		int lost = 0;
		mg_kb_match_medicine(kb, p->meds[i], &m);
		for (size_t k = 0; k < m.n; k++) {
			const struct mg_medicine *med = m.med[k];
			int dup = 0;
			for (size_t j = 0; j < a->n_meds; j++)
				dup |= a->meds[j].drug == med->name;
			if (dup)
				continue;
			if (a->n_meds == MG_MAX_ADVICE_MEDS) {
				lost = 1;
				continue;
			}
			const struct mg_interaction *x = med->inter;
			double sep = x->before_h > x->after_h ? x->before_h : x->after_h;
			a->meds[a->n_meds++] = (struct mg_advice_med){x, med->name, p->meds[i], sep, med->note, med->rxcui};
			f->classes |= (uint64_t)1 << kb->inter_class[x - kb->inter];
		}
		if (m.unrecognised || lost) {
			a->suggestion[a->n_unrecognised] = m.suggestion;
			a->unrecognised[a->n_unrecognised++] = p->meds[i];
		}
	}
	if (a->n_unrecognised) {
		SET(f, MG_BF_UNRECOGNISED_MEDS);
		a->unrecognised_text = mg_kb_unrecognised_text(kb);
		a->unrecognised_refs = mg_kb_unrecognised_refs(kb);
	}
}

static void choose_form(struct mg_advice *a, const struct mg_kb *kb, const struct mg_profile *p, struct mg_facts *f)
{
	a->form = kb->default_form;
	a->form_reason = kb->default_reason.text;
	a->form_refs = &kb->default_reason.refs;
	for (size_t i = 0; i < kb->n_form_rules; i++)
		if (mg_pred_eval(&kb->form_rules[i].when, f)) {
			a->form = kb->form_rules[i].form;
			a->form_reason = kb->form_rules[i].reason;
			a->form_refs = &kb->form_rules[i].refs;
			break;
		}
	if (!p->prefer_form[0])
		return;
	const struct mg_compound *c = mg_kb_find_compound(kb, p->prefer_form);
	if (!c)
		return;
	if (c->use == MG_USE_AVOID) {
		a->form_refused = c;
		SET(f, MG_BF_FORM_REFUSED);
		return;
	}
	a->form = c;
	a->form_reason = c->use_reason;
	a->form_refs = &c->refs;
}

static size_t collect(const struct mg_stmt *s, size_t n, const struct mg_facts *f, const struct mg_stmt **out)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < MG_MAX_FIRED; i++)
		if (mg_pred_eval(&s[i].when, f))
			out[k++] = &s[i];
	return k;
}

int mg_advise(const struct mg_kb *kb, const struct mg_profile *p, struct mg_advice *a, struct mg_error *err)
{
	memset(a, 0, sizeof *a);
	a->kb = kb;
	a->profile = p;
	a->isi_category = -1;
	/* Never assume an adult: the kidney estimates, the limits and the
	 * under-18 and 65-plus rules all depend on age. */
	if (isnan(p->age))
		return mg_fail(err, MG_EINVAL, "age",
			       "age: required for advice, because the kidney estimates and the rules for "
			       "children and people aged 65 or more depend on it");

	struct mg_facts f = {0, NAN, p->age, p->isi, p->conditions, p->symptoms, 0};
	renal_estimate(a, kb, p);
	f.renal = a->renal;
	if (!isnan(a->renal) || p->dialysis)
		SET(&f, MG_BF_RENAL_KNOWN);
	if (p->dialysis)
		SET(&f, MG_BF_DIALYSIS);
	if (p->pregnant)
		SET(&f, MG_BF_PREGNANT);
	if (p->breastfeeding)
		SET(&f, MG_BF_BREASTFEEDING);
	if (!isnan(p->isi)) {
		SET(&f, MG_BF_ISI_KNOWN);
		a->isi_category = mg_isi_category_of((int)p->isi);
		const char *cat = mg_isi_category_name(a->isi_category);
		for (size_t i = 0; cat && i < kb->n_insomnia; i++)
			if (!strcmp(kb->insomnia[i].category, cat))
				a->insomnia = &kb->insomnia[i];
	}

	limits_and_intake(a, kb, p);
	if (a->jur_default)
		SET(&f, MG_BF_JURISDICTION_DEFAULT);
	if (a->limit)
		SET(&f, MG_BF_LIMIT_KNOWN);
	if (a->limit_fallback)
		SET(&f, MG_BF_LIMIT_FALLBACK);
	if (!isnan(p->supplement_mg))
		SET(&f, MG_BF_SUPPLEMENT_KNOWN);
	/* Already above the limit: reduce, never add (reference 9.3 rule 3).
	 * Less room than the smallest useful dose is no room. */
	if (a->excess_mg > 0)
		SET(&f, MG_BF_OVER_LIMIT);
	else if (a->limit && a->room_mg < kb->min_dose_mg)
		SET(&f, MG_BF_SUPPLEMENT_AT_LIMIT);
	if (!isnan(p->diet_mg)) {
		SET(&f, MG_BF_DIET_KNOWN);
		if (a->intake)
			SET(&f, p->diet_mg < a->intake->mg ? MG_BF_DIET_BELOW_INTAKE : MG_BF_DIET_AT_LEAST_INTAKE);
	}
	match_meds(a, kb, p, &f);
	choose_form(a, kb, p, &f);

	/* Pass 1: the starting dose is the lowest level any matching rule asks for. */
	size_t level = 0;
	for (size_t i = 0; i < kb->n_rules; i++) {
		const struct mg_stmt *r = &kb->rules[i];
		if (r->dose_level >= 0 && kb->levels[r->dose_level].mg < kb->levels[level].mg &&
		    mg_pred_eval(&r->when, &f))
			level = (size_t)r->dose_level;
	}
	a->level = &kb->levels[level];
	double planned = a->level->mg;
	/* A form whose own sleep trial used less magnesium (threonate: 1 g of
	 * compound, about 82 mg) is proposed at that trial's dose, not at the
	 * bisglycinate trial's 250 mg (reference 2.1, 3.1). */
	double form_trial = a->form->trial_compound_mg * a->form->fraction;
	if (!isnan(form_trial) && form_trial < planned) {
		planned = form_trial;
		a->form_trial_dose = 1;
	}
	/* Only current supplements "reduce" the dose; a limit below the planned
	 * dose by itself (young children) just caps it. */
	if (a->limit && a->supplement_mg > 0 && a->room_mg >= kb->min_dose_mg && a->room_mg < planned)
		SET(&f, MG_BF_ROOM_BELOW_DOSE);

	/* Pass 2: the verdict. */
	a->verdict = MG_VERDICT_RECOMMENDED;
	a->n_warnings = collect(kb->rules, kb->n_rules, &f, a->warnings);
	for (size_t i = 0; i < a->n_warnings; i++)
		if (a->warnings[i]->verdict > a->verdict)
			a->verdict = a->warnings[i]->verdict;
	for (size_t i = 0; i < a->n_meds; i++)
		if (a->meds[i].inter->verdict > a->verdict)
			a->verdict = a->meds[i].inter->verdict;

	if (a->verdict <= MG_VERDICT_CAUTION && a->limit) {
		double mg = planned < a->room_mg ? planned : a->room_mg;
		a->elemental_mg = floor(mg);
		a->compound_mg = round(mg_compound_from_elemental(a->form, a->elemental_mg));
		/* The form's own trial dose is a compound mass: say that mass, not
		 * the rounded-down elemental converted back (994 mg for 1 g). */
		if (a->form_trial_dose && mg == planned)
			a->compound_mg = a->form->trial_compound_mg;
		a->split = a->limit->split_doses && a->elemental_mg >= a->limit->mg;
		if (a->elemental_mg > 0)
			SET(&f, MG_BF_DOSE_PROPOSED);
	}

	a->n_referrals = collect(kb->referrals, kb->n_referrals, &f, a->referrals);
	for (size_t i = 0; i < a->n_referrals && a->n_lead < sizeof a->lead / sizeof a->lead[0]; i++)
		if (a->referrals[i]->lead)
			a->lead[a->n_lead++] = a->referrals[i];
	a->n_monitoring = collect(kb->monitoring, kb->n_monitoring, &f, a->monitoring);
	a->n_outcomes = collect(kb->outcomes, kb->n_outcomes, &f, a->outcomes);
	a->n_pitfalls = collect(kb->pitfalls, kb->n_pitfalls, &f, a->pitfalls);

	/* Number citations in the order every renderer prints them. */
	for (size_t i = 0; i < a->n_lead; i++)
		cite(a, &a->lead[i]->refs);
	if (a->insomnia)
		cite(a, &a->insomnia->refs);
	if (a->elemental_mg > 0) {
		cite(a, a->form_refs);
		if (a->form_refused)
			cite(a, &a->form_refused->refs);
		const struct mg_refs *note;
		if (!a->form_trial_dose)
			cite(a, &a->level->refs);
		if (mg_advice_dose_note(a, &note))
			cite(a, note);
		cite(a, a->split ? &kb->timing_split.refs : &kb->timing.refs);
	}
	if (a->limit)
		cite(a, &a->limit->refs);
	if (a->intake)
		cite(a, &a->intake->refs);
	if (a->intake && p->diet_source[0])
		cite(a, &kb->diet_refs); /* the intake was estimated from the food table */
	if (a->renal_basis) {
		cite(a, &kb->renal_refs);
		cite(a, &kb->renal_threshold_refs);
	}
	for (size_t i = 0; i < a->n_warnings; i++)
		cite(a, &a->warnings[i]->refs);
	for (size_t i = 0; i < a->n_meds; i++)
		cite(a, &a->meds[i].inter->refs);
	if (a->n_unrecognised)
		cite(a, a->unrecognised_refs);
	for (size_t i = 0; i < a->n_referrals; i++)
		cite(a, &a->referrals[i]->refs);
	for (size_t i = 0; i < a->n_monitoring; i++)
		cite(a, &a->monitoring[i]->refs);
	for (size_t i = 0; i < a->n_outcomes; i++)
		cite(a, &a->outcomes[i]->refs);
	for (size_t i = 0; i < kb->n_studies; i++)
		cite(a, &kb->studies[i].refs);
	for (size_t i = 0; i < a->n_pitfalls; i++)
		cite(a, &a->pitfalls[i]->refs);
	return 0;
}

double mg_advice_total_mg(const struct mg_advice *a)
{
	return a->profile->diet_mg + a->supplement_mg + a->elemental_mg; /* NaN propagates */
}

double mg_advice_intake_mg(const struct mg_advice *a)
{
	return a->intake ? a->intake->mg : NAN;
}

const char *mg_advice_intake_kind(const struct mg_advice *a)
{
	return a->intake ? a->intake->kind : NULL;
}

const char *mg_advice_dose_note(const struct mg_advice *a, const struct mg_refs **refs)
{
	const struct mg_compound *c = a->form;
	if (c->dose_note) {
		if (refs)
			*refs = &c->dose_note_refs;
		return c->dose_note;
	}
	if (c == a->kb->default_form)
		return NULL;
	if (refs)
		*refs = &a->kb->untested_form.refs;
	return a->kb->untested_form.text;
}
