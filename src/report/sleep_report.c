/* mgsleep report: the HTML of sleep_report.h. Layout only: the advice comes
 * from mg_advise (as 'mgsleep advise' shows it), the trial numbers and its
 * conclusion from the statistics core through src/cli/trial_load.c; this file draws
 * them. Page order (issue 11): who and what to do on the first page, then
 * the charts, questionnaires, diet, devices and weekly means; the nightly
 * table and the references in an appendix that starts on a new page.
 *
 * This file: the first page (who, the advice, the trial's summary), the
 * page frame and the helpers shared with report_charts.c (the charts) and
 * report_tables.c (diet, devices, weekly means and the appendix). */
#include "doc.h"
#include "sleep_report_internal.h"

#include "../kb/kb_internal.h"

#include <mgsleep/night.h>
#include <mgsleep/questionnaire.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/summary.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char style[] =
	"<style>\n"
	"body{font:15px/1.45 system-ui,sans-serif;max-width:62em;margin:1.5em auto;padding:0 1em;color:#222}\n"
	"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.4em;border-bottom:1px solid #ccc}\n"
	"h3{font-size:1em;margin:1em 0 .3em}.meta{color:#444}li{margin:.25em 0}.refs{font-size:.85em}"
	".note{font-size:.9em;color:#444}\n"
	"dl.who{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.5em 0}dl.who dt{font-weight:bold}"
	"dl.who dd{margin:0}\n"
	".conclusion{font-size:1.05em;border-left:4px solid #1f5fa8;padding:.3em .8em;background:#f4f8fc}\n"
	"figure{margin:1em 0}svg{width:100%;height:auto;display:block}svg.narrow{display:none}"
	"figcaption,.key{font-size:.85em;color:#444}.key{margin:.3em 0}\n"
	".key span{display:inline-block;margin-right:1em}.key i{display:inline-block;width:1.1em;height:.8em;"
	"margin-right:.3em;vertical-align:-.05em;border:1px solid #999}\n"
	".k-mg{background:" FILL_MG "}.k-mgx{background:" FILL_MGX "}.k-pz{background:" FILL_PZ "}"
	".k-mid{background:" FILL_MID "}.k-rug{background:" COL_RUG "}"
	".k-b0{background:#f3f8f1}.k-b1{background:#fbf7e6}.k-b2{background:#fbeee4}.k-b3{background:#f8e4e4}"
	".k-wo{background:repeating-linear-gradient(45deg,#999 0 1px,#fff 1px 4px)}\n"
	"svg text{font:12px system-ui,sans-serif;fill:#222}svg .ct{font-size:15px;font-weight:bold}svg .al{font-size:13px}\n"
	".ax{stroke:#444;stroke-width:1}.gr{stroke:#ddd;stroke-width:1}.zero{stroke:#000;stroke-width:1.5;stroke-dasharray:5 3}\n"
	".mg{fill:" FILL_MG "}.mgx{fill:" FILL_MGX "}.pz{fill:" FILL_PZ ";fill-opacity:.75}.rug{fill:" COL_RUG "}"
	".mid{fill:" FILL_MID "}.midl{stroke:#3c7a2a;stroke-width:1.2;stroke-dasharray:3 3}\n"
	".wob{fill:#fff;fill-opacity:.35}.wol{stroke:#888;stroke-width:1.5}.pb{stroke:#999;stroke-width:.8}\n"
	".l1{fill:none;stroke:#1f5fa8;stroke-width:1.8}.p1{fill:#1f5fa8}\n"
	".l2{fill:none;stroke:#b3541e;stroke-width:1.8}.p2{fill:#b3541e}.ci{stroke-width:3}.ci1{stroke:#1f5fa8}.ci2{stroke:#777}"
	".ci3{stroke:#5b8fc7}\n"
	".p3{fill:#777}.p4{fill:#fff;stroke:#b3541e;stroke-width:1.8}.b0{fill:#f3f8f1}.b1{fill:#fbf7e6}.b2{fill:#fbeee4}"
	".b3{fill:#f8e4e4}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;font-size:.85em}th,td{padding:.15em .6em;border-bottom:1px solid #e3e3e3;"
	"text-align:right}th:first-child,td:first-child{text-align:left;white-space:nowrap}thead th{border-bottom:2px solid #999}"
	"td.l,th.l{text-align:left}\n"
	"@media screen and (max-width:40em){body{padding:0 .6em;font-size:16px}svg.wide{display:none}"
	"svg.narrow{display:block}svg text{font-size:13px}svg .ct{font-size:15px}svg .al{font-size:13px}"
	"dl.who{grid-template-columns:1fr}dl.who dd{margin-bottom:.4em}}\n"
	"@media print{@page{size:A4;margin:12mm}body{max-width:none;margin:0;padding:0;font-size:9.5pt;line-height:1.35;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{margin-top:.8em}figure{margin:.5em 0}"
	"#summary li{margin:.1em 0;font-size:.95em}#summary p{margin:.5em 0}"
	"figure,tr,li,dl{break-inside:avoid;page-break-inside:avoid}h2,h3{break-after:avoid;page-break-after:avoid}"
	"#appendix{break-before:page;page-break-before:always}"
	"thead{display:table-header-group}a{color:inherit;text-decoration:none}}\n"
	"</style>\n";

void mg_rep_put_date(struct mg_buf *b, int32_t d)
{
	char s[11];
	mg_date_format(d, s);
	mg_buf_puts(b, s);
}

void mg_rep_put_hm(struct mg_buf *b, int minutes)
{
	mg_buf_printf(b, "%d:%02d", minutes / 60, minutes % 60);
}

const char *mg_rep_plural(long n)
{
	return n == 1 ? "" : "s";
}

int mg_rep_took_mg(const struct mg_report_night *n)
{
	return !isnan(n->mg) && n->mg > 0;
}

void mg_rep_put_signed(struct mg_buf *b, double v, int dec)
{
	if (v > 0)
		mg_buf_putc(b, '+');
	mg_buf_put_fixed(b, v, dec);
}

/* "p = 0.031": two significant digits (three near 0.05, where the last
 * decides), never 0 ("p below 0.001"). */
static void put_p(struct mg_buf *b, double p)
{
	if (isnan(p)) {
		mg_buf_puts(b, "p not computed");
		return;
	}
	if (p < 0.001) {
		mg_buf_puts(b, "p below 0.001");
		return;
	}
	mg_buf_puts(b, "p = ");
	int sig = p >= 0.045 && p < 0.055 ? 3 : 2, dec = sig - 1 - (int)floor(log10(p));
	mg_buf_printf(b, "%.*f", dec < 1 ? 1 : dec > 4 ? 4 : dec, p);
}

/* ---- The plan calendar ------------------------------------------------ */

/* The period of the plan that evening e falls in (0 .. 2 pairs - 1), or -1
 * outside the plan; *wash says whether it is one of the period's washout
 * nights (taken as allocated but not analysed). */
int mg_rep_plan_period(const struct mg_report_trial *t, int32_t e, int *wash)
{
	*wash = 0;
	if (!t || !t->order || t->period_days < 1 || e < t->start)
		return -1;
	int32_t k = (e - t->start) / t->period_days;
	if (k >= 2 * t->pairs)
		return -1;
	*wash = (e - t->start) % t->period_days < t->washout;
	return (int)k;
}

static int plan_paused(const struct mg_report_trial *t, int32_t e)
{
	for (int i = 0; t && i < t->n_pauses && i < 16; i++)
		if (e >= t->pauses[i].from && e <= t->pauses[i].to)
			return 1;
	return 0;
}

int32_t mg_rep_plan_last_evening(const struct mg_report_trial *t)
{
	return t->start + 2 * t->pairs * t->period_days - 1;
}

/* The plan's word for the night of morning m: "magnesium, period 3,
 * washout", "before the trial" ... */
void mg_rep_put_phase(struct mg_buf *b, const struct mg_report_trial *t, int32_t morning)
{
	int wash, k = mg_rep_plan_period(t, morning - 1, &wash);
	if (!t)
		return;
	if (k < 0) {
		mg_buf_puts(b, morning - 1 < t->start ? "before the trial" : "after the trial");
		return;
	}
	mg_buf_printf(b, "%s, period %d%s%s", t->order[k] ? "magnesium" : "none", k + 1, wash ? ", washout" : "",
		      plan_paused(t, morning - 1) ? ", paused" : "");
}


static void dose_taken(struct mg_buf *b, const struct mg_report_input *in)
{
	const struct mg_report_trial *t = in->trial;
	double mgs[128];
	size_t n = 0, off = 0;
	const char *forms[4] = {0};
	int wash;
	for (size_t i = 0; i < in->n_nights; i++) {
		const struct mg_report_night *nt = &in->nights[i];
		int k = mg_rep_plan_period(t, nt->date - 1, &wash);
		if (k < 0 || wash || !mg_rep_took_mg(nt) || nt->date - 1 > t->as_of)
			continue;
		if (!t->order[k]) {
			off++;
			continue;
		}
		if (n < sizeof mgs / sizeof mgs[0])
			mgs[n++] = nt->mg;
		for (size_t f = 0; nt->form && f < 4; f++) {
			if (forms[f] && !strcmp(forms[f], nt->form))
				break;
			if (!forms[f]) {
				forms[f] = nt->form;
				break;
			}
		}
	}
	if (!n) {
		mg_buf_puts(b, "none logged yet in the magnesium periods");
	} else {
		/* insertion sort: at most 128 values */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && mgs[j - 1] > mgs[j]; j--) {
				double tmp = mgs[j];
				mgs[j] = mgs[j - 1];
				mgs[j - 1] = tmp;
			}
		mg_buf_puts(b, "median ");
		mg_buf_put_num(b, n % 2 ? mgs[n / 2] : (mgs[n / 2 - 1] + mgs[n / 2]) / 2, 1);
		mg_buf_printf(b, " mg elemental on %zu analysed night%s", n, mg_rep_plural((long)n));
		for (size_t f = 0; f < 4 && forms[f]; f++) {
			mg_buf_puts(b, f ? ", " : " (as ");
			mg_buf_put_html(b, forms[f]);
		}
		if (forms[0])
			mg_buf_putc(b, ')');
	}
	if (off)
		mg_buf_printf(b, "; magnesium also on %zu analysed night%s of the no-magnesium periods", off,
			      mg_rep_plural((long)off));
}

static void dt(struct mg_buf *out, const char *term)
{
	mg_buf_printf(out, "<dt>%s</dt><dd>", term);
}

static void trial_summary(struct mg_buf *out, const struct mg_report_input *in)
{
	const struct mg_report_trial *t = in->trial;
	int dec = t->decimals + 1;
	mg_buf_puts(out, "<h2>Trial result</h2>\n<p class=\"conclusion\"><strong>");
	if (t->conclusion_text[0])
		mg_buf_put_html(out, t->conclusion_text);
	else if (t->verdict[0])
		mg_buf_put_html(out, t->verdict);
	else
		mg_buf_puts(out, "Not enough information yet: too few complete pairs of periods to estimate an effect.");
	mg_buf_puts(out, "</strong></p>\n<dl class=\"who\">\n");
	dt(out, "Trial");
	mg_buf_printf(out, "%sN-of-1 trial from ", t->interim ? "Interim analysis of the " : "");
	mg_rep_put_date(out, t->start);
	mg_buf_puts(out, " to ");
	mg_rep_put_date(out, t->end);
	mg_buf_printf(out, ": %d pairs of %d-day periods, magnesium and none in random order", t->pairs,
		      t->period_days);
	if (t->washout > 0)
		mg_buf_printf(out, "; the first %d night%s of each period not analysed (washout)", t->washout,
			      mg_rep_plural(t->washout));
	mg_buf_puts(out, "; outcome: ");
	mg_buf_put_html(out, t->outcome_name);
	mg_buf_printf(out, " (%s); analysed as of ", t->unit);
	mg_rep_put_date(out, t->as_of);
	mg_buf_printf(out, ", pairs used: %d of %d. Not blinded: expectation can explain part of any effect.</dd>\n",
		      t->n_used, t->pairs);
	if (!t->too_few) {
		dt(out, "Estimate");
		mg_rep_put_signed(out, t->mean, dec);
		mg_buf_printf(out, " %s, magnesium minus none (95%% interval ", t->unit);
		mg_rep_put_signed(out, t->ci_lo, dec);
		mg_buf_puts(out, " to ");
		mg_rep_put_signed(out, t->ci_hi, dec);
		mg_buf_puts(out, "); ");
		put_p(out, t->p_value);
		mg_buf_puts(out, " (exact randomisation test, two-sided).</dd>\n");
		if (!isnan(t->pp_mean)) {
			dt(out, "Per protocol");
			mg_rep_put_signed(out, t->pp_mean, dec);
			mg_buf_printf(out, " %s (", t->unit);
			mg_rep_put_signed(out, t->pp_lo, dec);
			mg_buf_puts(out, " to ");
			mg_rep_put_signed(out, t->pp_hi, dec);
			mg_buf_puts(out, "), nights taken as allocated only.</dd>\n");
		}
	}
	if (!isnan(t->mid) && t->mid > 0) {
		dt(out, "Smallest difference that matters");
		mg_buf_puts(out, "plus or minus ");
		mg_buf_put_num(out, t->mid, dec);
		mg_buf_printf(out, " %s%s.</dd>\n", t->unit,
			      t->mid_verified ? "" : " (the product's choice, not a published figure)");
	}
	dt(out, "Adherence");
	if (isnan(t->adherence)) {
		mg_buf_puts(out, "not known");
	} else {
		mg_buf_put_num(out, 100 * t->adherence, 0);
		mg_buf_puts(out, " % of analysed nights taken as allocated");
		if (t->adherence < 0.8)
			mg_buf_puts(out, " (<strong>below 80 %</strong>: the result may understate the effect)");
	}
	if (t->conclusion)
		mg_buf_printf(out, "; nights missing from the diary: %d in magnesium periods, %d in the others",
			      t->missing_mg, t->missing_none);
	mg_buf_puts(out, ".</dd>\n");
	dt(out, "Dose");
	mg_buf_puts(out, "planned: ");
	if (t->elemental_mg > 0) {
		mg_buf_put_num(out, t->elemental_mg, 0);
		mg_buf_puts(out, " mg elemental magnesium each evening");
		if (t->compound_mg > 0 && t->form_name) {
			mg_buf_puts(out, " (");
			mg_buf_put_int(out, lround(t->compound_mg), 1);
			mg_buf_puts(out, " mg of ");
			mg_buf_put_html(out, t->form_name);
			mg_buf_putc(out, ')');
		} else if (t->form_name) {
			mg_buf_puts(out, " as ");
			mg_buf_put_html(out, t->form_name);
		}
	} else {
		mg_buf_puts(out, "not recorded with the plan");
	}
	mg_buf_puts(out, "; taken: ");
	dose_taken(out, in);
	mg_buf_puts(out, " (diary).</dd>\n</dl>\n");
	if (t->pause_note[0]) {
		mg_buf_puts(out, "<p class=\"pause\"><strong>");
		mg_buf_put_html(out, t->pause_note);
		mg_buf_puts(out, "</strong></p>\n");
	}
	if (t->events[0]) {
		mg_buf_puts(out, "<h3>Adverse events and pauses</h3>\n<ul>\n");
		for (const char *p = t->events; *p;) {
			size_t len = strcspn(p, "\n");
			mg_buf_puts(out, "<li>");
			char line[512];
			snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
			mg_buf_put_html(out, line);
			mg_buf_puts(out, "</li>\n");
			p += len + (p[len] != 0);
		}
		mg_buf_puts(out, "</ul>\n");
	}
}

/* ---- Who, and the advice ---------------------------------------------- */

static void cites(struct mg_buf *out, const struct mg_advice *a, const struct mg_refs *r)
{
	struct mg_buf c = MG_BUF_INIT;
	mg_report_refs(&c, a, r);
	if (c.len) {
		mg_buf_puts(out, " <sup>");
		mg_buf_put_html(out, c.data);
		mg_buf_puts(out, "</sup>");
	}
	mg_buf_release(&c);
}

/* Kidney function as the rules saw it: every estimate with its unit, then
 * the one the safety rules used (the lowest). */
static void kidney(struct mg_buf *out, const struct mg_advice *a)
{
	const struct mg_profile *p = a->profile;
	const char *sep = "";
	int used = 0;
	if (p->dialysis) {
		mg_buf_puts(out, "on dialysis");
		return;
	}
	if (!a->renal_basis || isnan(a->renal)) {
		mg_buf_puts(out, "not known (no creatinine, eGFR or creatinine clearance given)");
		return;
	}
	const struct {
		double v;
		const char *what, *unit;
	} est[] = {{a->crcl_cg, "Cockcroft-Gault creatinine clearance", "mL/min"},
		   {a->egfr_epi, "CKD-EPI 2021 eGFR", "mL/min/1.73 m\u00b2"},
		   {p->egfr, "eGFR as given", "mL/min/1.73 m\u00b2"},
		   {p->crcl, "creatinine clearance as given", "mL/min"}};
	for (size_t i = 0; i < sizeof est / sizeof est[0]; i++) {
		if (isnan(est[i].v))
			continue;
		mg_buf_printf(out, "%s%s ", sep, est[i].what);
		mg_buf_put_num(out, est[i].v, 1);
		mg_buf_printf(out, " %s", est[i].unit);
		if (!used && fabs(est[i].v - a->renal) < 1e-9) {
			mg_buf_puts(out, " (used by the safety rules, the lowest)");
			used = 1;
		}
		sep = ", ";
	}
	if (a->renal_sex_unknown && strstr(a->renal_basis, "sex-unknown"))
		mg_buf_puts(out, " (sex not given: the lower of the female and male values)");
	if (!isnan(p->creatinine_mg_dl)) {
		mg_buf_puts(out, "; serum creatinine ");
		mg_buf_put_num(out, p->creatinine_mg_dl, 2);
		mg_buf_puts(out, " mg/dL");
	}
	if (a->renal_category)
		mg_buf_printf(out, "; KDIGO %s, %s", a->renal_category, a->renal_category_text);
}

static void who(struct mg_buf *out, const struct mg_advice *a)
{
	const struct mg_profile *p = a->profile;
	mg_buf_puts(out, "<dl class=\"who\">\n");
	dt(out, "Person");
	mg_buf_put_num(out, p->age, 0);
	mg_buf_puts(out, " years, ");
	mg_buf_puts(out, p->sex == MG_SEX_FEMALE ? "female" : p->sex == MG_SEX_MALE ? "male" : "sex not given");
	if (!isnan(p->weight_kg)) {
		mg_buf_puts(out, ", ");
		mg_buf_put_num(out, p->weight_kg, 1);
		mg_buf_puts(out, " kg");
	}
	if (!isnan(p->height_cm)) {
		mg_buf_puts(out, ", ");
		mg_buf_put_num(out, p->height_cm, 0);
		mg_buf_puts(out, " cm");
	}
	if (p->pregnant)
		mg_buf_puts(out, ", pregnant");
	if (p->breastfeeding)
		mg_buf_puts(out, ", breastfeeding");
	mg_buf_puts(out, ".</dd>\n");
	dt(out, "Kidney function");
	kidney(out, a);
	mg_buf_puts(out, ".</dd>\n");
	dt(out, "Medicines");
	if (!a->n_meds && !a->n_unrecognised)
		mg_buf_puts(out, "none recorded");
	for (size_t i = 0; i < a->n_meds; i++) {
		if (i)
			mg_buf_puts(out, "; ");
		mg_buf_put_html(out, a->meds[i].drug);
		if (a->meds[i].input && strcmp(a->meds[i].input, a->meds[i].drug)) {
			mg_buf_puts(out, " (as written: ");
			mg_buf_put_html(out, a->meds[i].input);
			mg_buf_putc(out, ')');
		}
	}
	for (size_t i = 0; i < a->n_unrecognised; i++) {
		mg_buf_puts(out, i || a->n_meds ? "; " : "");
		mg_buf_puts(out, "<strong>not recognised:</strong> ");
		mg_buf_put_html(out, a->unrecognised[i]);
		if (a->suggestion[i]) {
			mg_buf_puts(out, " (did you mean ");
			mg_buf_put_html(out, a->suggestion[i]);
			mg_buf_puts(out, "?)");
		}
	}
	mg_buf_puts(out, ".</dd>\n");
	if (a->supplement_mg > 0) {
		dt(out, "Magnesium already taken");
		mg_buf_put_num(out, a->supplement_mg, 0);
		mg_buf_puts(out, " mg elemental a day from supplements or medicines.</dd>\n");
	}
	mg_buf_puts(out, "</dl>\n");
}

static void advice_section(struct mg_buf *out, const struct mg_advice *a, int needs_age)
{
	static const char *const severity[] = {"Note:", "Caution:", "Warning:", "Danger:"};
	mg_buf_puts(out, "<h2>Who and current advice</h2>\n");
	if (!a && needs_age) {
		mg_buf_puts(out, "<p>The stored profile has no age, and advice needs one (the kidney estimates and "
				 "the rules for children and people aged 65 or more depend on it). Add it with "
				 "<code>mgsleep profile set --age N</code>.</p>\n");
		return;
	}
	if (!a) {
		mg_buf_puts(out, "<p>No profile is stored, so there is no advice to show. Store one with "
				 "<code>mgsleep profile set ...</code>.</p>\n");
		return;
	}
	who(out, a);
	struct mg_buf t = MG_BUF_INIT;
	mg_report_verdict_text(&t, a);
	mg_buf_printf(out, "<p><strong>Verdict: %s.</strong> ", mg_verdict_name(a->verdict));
	mg_buf_put_html(out, t.data);
	mg_buf_puts(out, "</p>\n<p><strong>Dose:</strong> ");
	if (a->elemental_mg > 0) {
		mg_buf_reset(&t);
		mg_report_dose_line(&t, a);
		mg_buf_put_html(out, t.data);
		mg_buf_puts(out, ".");
	} else {
		mg_buf_puts(out, "none proposed.");
	}
	mg_buf_puts(out, "</p>\n");
	if (a->n_warnings || a->n_meds) {
		mg_buf_puts(out, "<h3>Precautions</h3>\n<ul>\n");
		for (size_t i = 0; i < a->n_warnings; i++) {
			const struct mg_stmt *w = a->warnings[i];
			mg_buf_printf(out, "<li><strong>%s</strong> ", severity[w->severity]);
			mg_buf_put_html(out, w->text);
			cites(out, a, &w->refs);
			mg_buf_puts(out, "</li>\n");
		}
		for (size_t i = 0; i < a->n_meds; i++) {
			mg_buf_reset(&t);
			mg_report_med_advice(&t, &a->meds[i]);
			mg_buf_puts(out, "<li><strong>");
			mg_buf_put_html(out, a->meds[i].drug);
			mg_buf_puts(out, ":</strong> ");
			mg_buf_put_html(out, t.data);
			cites(out, a, &a->meds[i].inter->refs);
			mg_buf_puts(out, "</li>\n");
		}
		mg_buf_puts(out, "</ul>\n");
	}
	mg_buf_release(&t);
	mg_buf_puts(out, "<p class=\"note\">The full reasoning, with every calculation: "
			 "<code>mgsleep advise</code>.</p>\n");
}

static void selected(struct mg_buf *out, const struct mg_report_input *in, const char *prefix)
{
	if (!in->from && !in->to)
		return;
	mg_buf_puts(out, prefix);
	if (in->from) {
		mg_buf_puts(out, "from ");
		mg_buf_put_html(out, in->from);
		mg_buf_puts(out, in->to ? " to " : " on");
	} else {
		mg_buf_puts(out, "up to ");
	}
	if (in->to)
		mg_buf_put_html(out, in->to);
}

static void header(struct mg_buf *out, const struct mg_report_input *in)
{
	mg_buf_puts(out, "<h1>Sleep and magnesium report</h1>\n<p class=\"meta\">Dates covered: ");
	if (in->n_nights) {
		mg_rep_put_date(out, in->nights[0].date);
		mg_buf_puts(out, " to ");
		mg_rep_put_date(out, in->nights[in->n_nights - 1].date);
		mg_buf_printf(out, " (%zu night%s in the diary", in->n_nights, mg_rep_plural((long)in->n_nights));
		selected(out, in, "; selected: ");
		mg_buf_puts(out, ").");
	} else {
		mg_buf_puts(out, "none: no nights in the diary");
		selected(out, in, " ");
		mg_buf_puts(out, ".");
	}
	mg_buf_printf(out, "<br>\nData sources: the sleep diary (%zu night%s), the Insomnia Severity Index (%zu score%s), "
			   "the Pittsburgh Sleep Quality Index (%zu score%s)",
		      in->n_nights, mg_rep_plural((long)in->n_nights), in->n_isi, mg_rep_plural((long)in->n_isi), in->n_psqi,
		      mg_rep_plural((long)in->n_psqi));
	if (in->trial)
		mg_buf_puts(out, ", the trial plan");
	if (!isnan(in->diet_mg))
		mg_buf_puts(out, ", the diet estimate");
	if (in->n_device)
		mg_buf_printf(out, "; devices: %zu night%s.", in->n_device, mg_rep_plural((long)in->n_device));
	else
		mg_buf_puts(out, "; devices: none.");
	mg_buf_puts(out, "<br>\nThis is information, not medical advice.</p>\n");
}

int mg_render_sleep_report(const struct mg_report_input *in, struct mg_buf *out, struct mg_error *err)
{
	mg_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			 "<title>Sleep and magnesium report</title>\n");
	mg_buf_puts(out, style);
	mg_buf_puts(out, "</head>\n<body>\n<section id=\"summary\">\n");
	header(out, in);
	advice_section(out, in->advice, in->advice_needs_age);
	if (in->trial)
		trial_summary(out, in);
	mg_buf_puts(out, "</section>\n");
	if (in->trial && !in->trial->too_few)
		mg_rep_trial_chart(out, in);
	mg_rep_sleep_charts(out, in);
	mg_rep_questionnaires(out, in);
	mg_rep_diet_section(out, in);
	mg_rep_device_section(out, in);
	mg_rep_weekly_means(out, in);
	mg_buf_puts(out, "<section id=\"appendix\">\n");
	mg_rep_nights_table(out, in);
	mg_rep_device_table(out, in);
	mg_rep_references(out, in->advice);
	mg_buf_puts(out, "</section>\n<p class=\"note\">");
	if (in->advice) {
		const struct mg_kb *kb = in->advice->kb;
		mg_buf_printf(out, "mgsleep %s, knowledge base %s (sha256 %.12s, %s). ", in->version, kb->version, kb->hash,
			      kb->origin);
		mg_buf_put_html(out, kb->disclaimer);
		if (!strstr(kb->disclaimer, "not medical advice"))
			mg_buf_puts(out, " This is information, not medical advice.");
	} else {
		mg_buf_printf(out, "mgsleep %s. This is information, not medical advice.", in->version);
	}
	mg_buf_puts(out, "</p>\n</body>\n</html>\n");
	if (out->failed)
		return mg_fail(err, MG_ENOMEM, NULL, "cannot render the report: out of memory");
	return 0;
}
