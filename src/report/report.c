/* The report's structure, after seed 004: recommendation, dose, kidney,
 * precautions, medicines, referrals, monitoring, expectations, evidence,
 * pitfalls, references. Only what applies to this person is shown, and every
 * computed number comes with its formula and inputs. */
#include "doc.h"

#include "../kb/kb_internal.h"

#include <mgsleep/renal.h>

#include <math.h>
#include <string.h>

void mg_report_refs(struct mg_buf *b, const struct mg_advice *a, const struct mg_refs *r)
{
	int first = 1;
	for (unsigned i = 0; i < r->n; i++) {
		unsigned short n = r->idx[i] < 256 ? a->ref_num[r->idx[i]] : 0;
		if (!n)
			continue;
		mg_buf_puts(b, first ? "[" : ",");
		mg_buf_put_int(b, n, 0);
		first = 0;
	}
	if (!first)
		mg_buf_putc(b, ']');
}

void mg_report_dose_line(struct mg_buf *b, const struct mg_advice *a)
{
	mg_buf_put_int(b, (long long)a->elemental_mg, 1);
	mg_buf_puts(b, " mg elemental magnesium a day = ");
	mg_buf_put_int(b, (long long)a->compound_mg, 1);
	mg_buf_puts(b, " mg ");
	mg_buf_puts(b, a->form->name);
}

/* Expand the KB's "{drug}" placeholder; a sentence that starts with the
 * name starts with a capital. */
void mg_report_med_advice(struct mg_buf *b, const struct mg_advice_med *m)
{
	const char *s = m->inter->advice, *p;
	while ((p = strstr(s, "{drug}"))) {
		mg_buf_add(b, s, (size_t)(p - s));
		int capital = p == m->inter->advice || (p >= s + 2 && p[-2] == '.');
		if (capital && m->drug[0] >= 'a' && m->drug[0] <= 'z') {
			mg_buf_putc(b, (char)(m->drug[0] - 'a' + 'A'));
			mg_buf_puts(b, m->drug + 1);
		} else {
			mg_buf_puts(b, m->drug);
		}
		s = p + 6;
	}
	mg_buf_puts(b, s);
}

void mg_report_stmt_text(struct mg_buf *b, const struct mg_advice *a, const struct mg_stmt *st)
{
	const double vals[] = {a->supplement_mg, a->limit ? a->limit->mg : NAN, a->excess_mg, a->room_mg};
	const char *s = st->text, *p;
	while ((p = strchr(s, '{'))) {
		mg_buf_add(b, s, (size_t)(p - s));
		size_t i = 0, n = 0;
		for (; mg_text_vars[i]; i++) {
			n = strlen(mg_text_vars[i]);
			if (!strncmp(p + 1, mg_text_vars[i], n) && p[n + 1] == '}')
				break;
		}
		if (!mg_text_vars[i]) { /* the loader refuses these; copy rather than loop */
			mg_buf_putc(b, '{');
			s = p + 1;
			continue;
		}
		/* whole milligrams, as doses are: never "0.4 mg over" shown as "0" */
		double v = vals[i];
		mg_buf_put_num(b, isnan(v) ? 0 : v > 0 && v < 1 ? 1 : floor(v + 0.5), 0);
		s = p + n + 2;
	}
	mg_buf_puts(b, s);
}

void mg_report_verdict_text(struct mg_buf *b, const struct mg_advice *a)
{
	for (size_t i = 0; i < a->n_lead; i++) {
		mg_buf_puts(b, a->lead[i]->lead);
		mg_buf_putc(b, ' ');
	}
	mg_buf_puts(b, a->kb->verdict_text[a->verdict]);
}

void mg_report_dose_reason(struct mg_buf *b, const struct mg_advice *a)
{
	const char *note = mg_advice_dose_note(a, NULL);
	if (!a->form_trial_dose)
		mg_buf_puts(b, a->level->text);
	if (note) {
		if (!a->form_trial_dose)
			mg_buf_putc(b, ' ');
		mg_buf_puts(b, note);
	}
}

static const char *basis_name(const char *basis)
{
	return !strncmp(basis, "cockcroft-gault", 15) ? "Cockcroft-Gault creatinine clearance"
	       : !strncmp(basis, "ckd-epi-2021", 12)  ? "CKD-EPI 2021 eGFR"
	       : !strcmp(basis, "reported-egfr")      ? "the eGFR you gave"
	       : !strcmp(basis, "reported-crcl")      ? "the creatinine clearance you gave"
						      : basis;
}

static const char *const severity_label[] = {"Note:", "Caution:", "Warning:", "Danger:"};

struct scratch {
	struct mg_buf text, cites;
};

static const char *cites(struct scratch *s, const struct mg_advice *a, const struct mg_refs *r)
{
	mg_buf_reset(&s->cites);
	mg_report_refs(&s->cites, a, r);
	return s->cites.len ? s->cites.data : "";
}

static void para(struct mg_doc *d, struct scratch *s, const struct mg_advice *a, const char *label,
		 const char *text, const struct mg_refs *r)
{
	d->ops->para(d, label, text, r ? cites(s, a, r) : "");
}

static void item(struct mg_doc *d, struct scratch *s, const struct mg_advice *a, const char *label,
		 const char *text, const struct mg_refs *r)
{
	d->ops->item(d, label, text, r ? cites(s, a, r) : "");
}

static void dose_section(struct mg_doc *d, struct scratch *s, const struct mg_advice *a)
{
	const struct mg_kb *kb = a->kb;
	struct mg_buf *t = &s->text;
	d->ops->heading(d, "Dose");
	if (a->elemental_mg > 0) {
		mg_buf_reset(t);
		mg_report_dose_line(t, a);
		mg_buf_putc(t, '.');
		para(d, s, a, "Take", t->data, NULL);
		para(d, s, a, "Why this form:", a->form_reason, a->form_refs);
		if (a->form_refused) {
			mg_buf_reset(t);
			mg_buf_printf(t, "You asked for %s: %s", a->form_refused->name, a->form_refused->use_reason);
			para(d, s, a, "Not used:", t->data, &a->form_refused->refs);
		}
		const struct mg_refs *note_refs = NULL;
		mg_advice_dose_note(a, &note_refs);
		struct mg_refs why = a->form_trial_dose ? (struct mg_refs){0} : a->level->refs;
		for (unsigned i = 0; note_refs && i < note_refs->n && why.n < MG_MAX_REFS; i++)
			why.idx[why.n++] = note_refs->idx[i];
		mg_buf_reset(t);
		mg_report_dose_reason(t, a);
		para(d, s, a, "Why this dose:", t->data, &why);
		mg_buf_reset(t);
		mg_buf_puts(t, "compound mg = elemental mg / elemental fraction = ");
		mg_buf_put_int(t, (long long)a->elemental_mg, 1);
		mg_buf_puts(t, " / ");
		mg_buf_printf(t, "%.5f", a->form->fraction);
		mg_buf_printf(t, " (%s, %s) = ", a->form->formula, a->form->name);
		mg_buf_put_int(t, (long long)a->compound_mg, 1);
		mg_buf_puts(t, " mg.");
		para(d, s, a, "Calculation:", t->data, NULL);
		const struct mg_text_refs *tm = a->split ? &kb->timing_split : &kb->timing;
		para(d, s, a, "When:", tm->text, &tm->refs);
	} else {
		para(d, s, a, NULL, "No dose is proposed, for the reasons below.", NULL);
	}
	mg_buf_reset(t);
	if (a->limit) {
		mg_buf_put_int(t, (long long)a->limit->mg, 1);
		mg_buf_printf(t, " mg a day from supplements and medicines (%s; food does not count).",
			      a->limit->body);
		if (a->supplement_mg > 0) {
			mg_buf_puts(t, " You already take ");
			mg_buf_put_num(t, a->supplement_mg, 1);
			if (a->excess_mg > 0) {
				mg_buf_puts(t, " mg, which is ");
				mg_buf_put_num(t, a->excess_mg, 1);
				mg_buf_puts(t, " mg over it.");
			} else {
				mg_buf_puts(t, " mg, which leaves ");
				mg_buf_put_num(t, a->room_mg, 1);
				mg_buf_puts(t, " mg.");
			}
		}
		para(d, s, a, "Upper limit:", t->data, &a->limit->refs);
	} else {
		para(d, s, a, "Upper limit:", "none verified for this age and jurisdiction.", NULL);
	}
	if (a->intake) {
		const struct mg_profile *p = a->profile;
		mg_buf_reset(t);
		mg_buf_put_int(t, (long long)a->intake->mg, 1);
		mg_buf_printf(t, " mg a day from food and supplements together (%s)", a->intake->kind);
		if (a->intake_fallback)
			mg_buf_puts(t, "; no separate verified value for pregnancy or breastfeeding, so the usual value is shown");
		mg_buf_puts(t, ".");
		if (!isnan(p->diet_mg)) {
			double total = mg_advice_total_mg(a);
			mg_buf_puts(t, " Your total would be ");
			mg_buf_put_num(t, total, 0);
			mg_buf_puts(t, " mg: ");
			mg_buf_put_num(t, p->diet_mg, 0);
			mg_buf_puts(t, " mg food");
			if (p->diet_source[0])
				mg_buf_printf(t, " (from %s)", p->diet_source);
			mg_buf_puts(t, " + ");
			mg_buf_put_num(t, a->supplement_mg, 0);
			mg_buf_puts(t, " mg current supplements + ");
			mg_buf_put_num(t, a->elemental_mg, 0);
			mg_buf_puts(t, " mg proposed.");
		}
		struct mg_refs r = a->intake->refs;
		const struct mg_refs *diet = mg_kb_diet_refs(a->kb);
		for (unsigned i = 0; p->diet_source[0] && i < diet->n && r.n < MG_MAX_REFS; i++)
			r.idx[r.n++] = diet->idx[i];
		para(d, s, a, "Reference intake:", t->data, &r);
	}
}

/* One Cockcroft-Gault or CKD-EPI line: the formula with this person's
 * numbers; with sex unknown, the female and male values and which is used. */
static void cg_line(struct mg_buf *t, const struct mg_profile *p, enum mg_sex sex)
{
	mg_buf_puts(t, "(140 - ");
	mg_buf_put_num(t, p->age, 1);
	mg_buf_puts(t, " years) x ");
	mg_buf_put_num(t, p->weight_kg, 1);
	mg_buf_puts(t, " kg / (72 x ");
	mg_buf_put_num(t, p->creatinine_mg_dl, 2);
	mg_buf_puts(t, " mg/dL)");
	if (sex == MG_SEX_FEMALE)
		mg_buf_puts(t, " x 0.85 (female)");
	mg_buf_puts(t, " = ");
	mg_buf_put_fixed(t, mg_crcl_cockcroft_gault(p->age, p->weight_kg, p->creatinine_mg_dl, sex), 1);
	mg_buf_puts(t, " mL/min");
}

static void epi_line(struct mg_buf *t, const struct mg_profile *p, enum mg_sex sex)
{
	mg_buf_puts(t, "142 x min(SCr/k, 1)^a x max(SCr/k, 1)^-1.200 x 0.9938^age");
	mg_buf_puts(t, sex == MG_SEX_FEMALE ? " x 1.012, with k 0.7 and a -0.241" : ", with k 0.9 and a -0.302");
	mg_buf_printf(t, " (%s, ", sex == MG_SEX_FEMALE ? "female" : "male");
	mg_buf_put_num(t, p->age, 1);
	mg_buf_puts(t, " years, creatinine ");
	mg_buf_put_num(t, p->creatinine_mg_dl, 2);
	mg_buf_puts(t, " mg/dL) = ");
	mg_buf_put_fixed(t, mg_egfr_ckd_epi_2021(p->age, p->creatinine_mg_dl, sex), 1);
	mg_buf_puts(t, " mL/min/1.73 m2");
}

static const char sex_unknown_note[] =
	" Sex was not given, so the estimate was worked out for a woman and for a man and the lower one is used.";

typedef void formula_line(struct mg_buf *t, const struct mg_profile *p, enum mg_sex sex);

/* The formula for this person's sex; without one, for both, and which is used. */
static void formula_lines(struct mg_buf *t, const struct mg_profile *p, formula_line *line, const char *tail)
{
	mg_buf_reset(t);
	if (p->sex != MG_SEX_UNKNOWN) {
		line(t, p, p->sex);
		mg_buf_puts(t, tail);
		return;
	}
	line(t, p, MG_SEX_MALE);
	mg_buf_puts(t, " for a man; ");
	line(t, p, MG_SEX_FEMALE);
	mg_buf_puts(t, " for a woman");
	mg_buf_puts(t, tail);
	mg_buf_puts(t, sex_unknown_note);
}

static void renal_section(struct mg_doc *d, struct scratch *s, const struct mg_advice *a)
{
	const struct mg_profile *p = a->profile;
	struct mg_buf *t = &s->text;
	d->ops->heading(d, "Kidney function");
	if (!isnan(p->creatinine_mg_dl) && isnan(a->crcl_cg) && isnan(a->egfr_epi)) {
		/* A creatinine is never dropped silently: say why it gave no estimate. */
		mg_buf_reset(t);
		mg_buf_puts(t, "creatinine ");
		mg_buf_put_num(t, p->creatinine_mg_dl, 2);
		mg_buf_puts(t, p->age < 18 ? " mg/dL was given, but the adult formulas (Cockcroft-Gault and CKD-EPI "
					     "2021) are not valid under 18, so no estimate is made from it."
					   : " mg/dL was given, but no estimate could be made from it.");
		item(d, s, a, "Creatinine:", t->data, &a->kb->renal_refs);
	}
	if (!a->renal_basis) {
		para(d, s, a, NULL,
		     p->age < 18 ? "Not known. A child's kidney function should be judged by the child's doctor."
				 : "Not known: no creatinine, eGFR or creatinine clearance was given. Give --egfr, or "
				   "--creatinine with its unit (and --weight for a creatinine clearance).",
		     NULL);
		return;
	}
	if (!isnan(a->crcl_cg)) {
		formula_lines(t, p, cg_line, " (actual body weight).");
		item(d, s, a, "Creatinine clearance, Cockcroft-Gault:", t->data, NULL);
		/* Where weight is well above ideal, labs differ on which weight to use
		 * (reference 6.2); show the alternatives, the rule keeps actual weight. */
		double ibw = mg_ibw_devine(p->height_cm, p->sex);
		if (!isnan(ibw) && ibw > 0 && p->weight_kg > a->kb->weight_note_above_ibw * ibw) {
			double adj = ibw + 0.4 * (p->weight_kg - ibw);
			mg_buf_reset(t);
			mg_buf_puts(t, "your weight is well above ideal body weight (Devine, ");
			mg_buf_put_fixed(t, ibw, 1);
			mg_buf_puts(t, " kg). With ideal weight the estimate would be ");
			mg_buf_put_fixed(t, mg_crcl_cockcroft_gault(p->age, ibw, p->creatinine_mg_dl, p->sex), 1);
			mg_buf_puts(t, " mL/min; with adjusted weight (");
			mg_buf_put_fixed(t, adj, 1);
			mg_buf_puts(t, " kg) ");
			mg_buf_put_fixed(t, mg_crcl_cockcroft_gault(p->age, adj, p->creatinine_mg_dl, p->sex), 1);
			mg_buf_puts(t, " mL/min. The safety rules use actual weight; ask your clinician which applies to you.");
			item(d, s, a, "Note on weight:", t->data, NULL);
		}
	}
	if (!isnan(a->egfr_epi)) {
		formula_lines(t, p, epi_line, ".");
		item(d, s, a, "eGFR, CKD-EPI 2021:", t->data, NULL);
	}
	if (!isnan(p->egfr)) {
		mg_buf_reset(t);
		mg_buf_put_num(t, p->egfr, 1);
		mg_buf_puts(t, " mL/min/1.73 m2, as given.");
		item(d, s, a, "Reported eGFR:", t->data, NULL);
	}
	if (!isnan(p->crcl)) {
		mg_buf_reset(t);
		mg_buf_put_num(t, p->crcl, 1);
		mg_buf_puts(t, " mL/min, as given.");
		item(d, s, a, "Reported creatinine clearance:", t->data, NULL);
	}
	mg_buf_reset(t);
	if (p->dialysis) {
		mg_buf_puts(t, "on dialysis: treated as kidney failure whatever the estimates say.");
	} else {
		mg_buf_puts(t, "the lowest estimate, ");
		mg_buf_put_fixed(t, a->renal, 1);
		mg_buf_printf(t, " mL/min, from %s", basis_name(a->renal_basis));
		if (a->renal_sex_unknown && strstr(a->renal_basis, "sex-unknown"))
			mg_buf_puts(t, " (the lower of the female and male values, as sex was not given)");
		if (a->renal_category)
			mg_buf_printf(t, "; KDIGO category %s (%s), from the eGFR", a->renal_category,
				      a->renal_category_text);
		mg_buf_puts(t, ".");
	}
	para(d, s, a, "Used for the safety rules:", t->data, &a->kb->renal_refs);
	para(d, s, a, NULL, a->kb->renal_note, &a->kb->renal_threshold_refs);
}

void mg_report_build(struct mg_doc *d, const struct mg_advice *a)
{
	const struct mg_kb *kb = a->kb;
	struct scratch s = {MG_BUF_INIT, MG_BUF_INIT};
	struct mg_buf *t = &s.text;

	d->ops->title(d, "Magnesium for sleep: your summary");
	mg_buf_printf(t, "Verdict: %s.", mg_verdict_name(a->verdict));
	{
		struct mg_buf v = MG_BUF_INIT;
		struct mg_refs r = {0};
		mg_report_verdict_text(&v, a);
		for (size_t i = 0; i < a->n_lead; i++)
			for (unsigned j = 0; j < a->lead[i]->refs.n && r.n < MG_MAX_REFS; j++)
				r.idx[r.n++] = a->lead[i]->refs.idx[j];
		para(d, &s, a, t->data, v.failed ? "" : v.data, a->n_lead ? &r : NULL);
		mg_buf_release(&v);
	}
	if (a->insomnia) {
		mg_buf_reset(t);
		mg_buf_puts(t, "ISI ");
		mg_buf_put_num(t, a->profile->isi, 0);
		mg_buf_printf(t, " of 28. %s", a->insomnia->text);
		para(d, &s, a, "Your insomnia score:", t->data, &a->insomnia->refs);
	}

	dose_section(d, &s, a);
	renal_section(d, &s, a);

	if (a->n_warnings) {
		d->ops->heading(d, "Precautions that apply to you");
		for (size_t i = 0; i < a->n_warnings; i++) {
			const struct mg_stmt *w = a->warnings[i];
			mg_buf_reset(t);
			mg_report_stmt_text(t, a, w);
			item(d, &s, a, severity_label[w->severity], t->data, &w->refs);
		}
	}
	if (a->n_meds || a->n_unrecognised) {
		d->ops->heading(d, "Your medicines");
		for (size_t i = 0; i < a->n_meds; i++) {
			const struct mg_advice_med *m = &a->meds[i];
			struct mg_buf label = MG_BUF_INIT;
			if (strcmp(m->drug, m->inter->cls))
				mg_buf_printf(&label, "%s (%s):", m->drug, m->inter->cls);
			else
				mg_buf_printf(&label, "%s:", m->drug);
			mg_buf_reset(t);
			mg_report_med_advice(t, m);
			if (m->note) { /* this drug's own caveat, under this drug only */
				mg_buf_putc(t, ' ');
				mg_buf_puts(t, m->note);
			}
			item(d, &s, a, label.data, t->data, &m->inter->refs);
			mg_buf_release(&label);
		}
		for (size_t i = 0; i < a->n_unrecognised; i++) {
			struct mg_buf label = MG_BUF_INIT;
			mg_buf_printf(&label, "%.63s:", a->unrecognised[i]);
			int part = 0; /* some ingredients of this input were recognised */
			for (size_t j = 0; j < a->n_meds; j++)
				part |= a->meds[j].input == a->unrecognised[i];
			mg_buf_reset(t);
			mg_buf_puts(t, part ? "not fully recognised" : "not recognised");
			if (a->suggestion[i])
				mg_buf_printf(t, " (did you mean %s?)", a->suggestion[i]);
			mg_buf_puts(t, ". Ask a pharmacist whether it interacts with magnesium.");
			if (a->unrecognised_text) {
				mg_buf_putc(t, ' ');
				mg_buf_puts(t, a->unrecognised_text);
			}
			item(d, &s, a, label.data, t->data, a->unrecognised_refs);
			mg_buf_release(&label);
		}
	}
	if (a->n_referrals) {
		d->ops->heading(d, "Worth seeing a professional about");
		for (size_t i = 0; i < a->n_referrals; i++)
			item(d, &s, a, NULL, a->referrals[i]->text, &a->referrals[i]->refs);
	}
	if (a->n_monitoring) {
		d->ops->heading(d, "Monitoring");
		for (size_t i = 0; i < a->n_monitoring; i++) {
			mg_buf_reset(t);
			mg_buf_printf(t, "%s:", a->monitoring[i]->stage);
			item(d, &s, a, t->data, a->monitoring[i]->text, &a->monitoring[i]->refs);
		}
	}
	if (a->n_outcomes) {
		d->ops->heading(d, "What to expect");
		for (size_t i = 0; i < a->n_outcomes; i++)
			item(d, &s, a, NULL, a->outcomes[i]->text, &a->outcomes[i]->refs);
	}
	d->ops->heading(d, "The evidence");
	for (size_t i = 0; i < kb->n_studies; i++)
		item(d, &s, a, NULL, kb->studies[i].text, &kb->studies[i].refs);
	if (a->n_pitfalls) {
		d->ops->heading(d, "Common pitfalls");
		for (size_t i = 0; i < a->n_pitfalls; i++)
			item(d, &s, a, NULL, a->pitfalls[i]->text, &a->pitfalls[i]->refs);
	}
	d->ops->heading(d, "References");
	for (size_t k = 0; k < a->n_refs; k++) {
		const struct mg_source *src = &kb->sources[a->ref_order[k]];
		mg_buf_reset(t);
		mg_buf_puts(t, src->citation);
		if (strcmp(src->status, "verified"))
			mg_buf_printf(t, " (%s)", src->status);
		d->ops->reference(d, (int)k + 1, src->id, t->data, src->url);
	}
	mg_buf_reset(t);
	mg_buf_printf(t, "mgsleep %s, knowledge base %s (sha256 %.12s, %s). %s", d->opts->version, kb->version,
		      kb->hash, kb->origin, kb->disclaimer);
	para(d, &s, a, NULL, t->data, NULL);
	d->ops->end(d);
	mg_buf_release(&s.text);
	mg_buf_release(&s.cites);
}
