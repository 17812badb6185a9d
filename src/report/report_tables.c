/* The sleep report's sections after the charts (sleep_report.c): magnesium
 * from food, devices and weekly means, then the appendix (the nightly
 * table, the device nights and the references). Layout only. */
#include "sleep_report_internal.h"

#include "../kb/kb_internal.h"

#include <mgsleep/night.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/summary.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Diet, devices, weeks --------------------------------------------- */

void mg_rep_diet_section(struct mg_buf *out, const struct mg_report_input *in)
{
	const struct mg_advice *a = in->advice;
	mg_buf_puts(out, "<h2>Magnesium from food</h2>\n<p>");
	if (isnan(in->diet_mg)) {
		mg_buf_puts(out, "Not estimated: log three days of food (<code>mgsleep food log</code>) or answer the "
				 "diet quiz (<code>mgsleep diet quiz</code>).");
	} else {
		mg_buf_puts(out, "About ");
		mg_buf_put_num(out, in->diet_mg, 0);
		mg_buf_puts(out, " mg a day");
		if (in->diet_source && *in->diet_source) {
			mg_buf_puts(out, ", from ");
			mg_buf_put_html(out, in->diet_source);
		}
		mg_buf_putc(out, '.');
	}
	double ref = a ? mg_advice_intake_mg(a) : NAN;
	if (!isnan(ref)) {
		mg_buf_puts(out, " Reference intake for this person: ");
		mg_buf_put_num(out, ref, 0);
		mg_buf_puts(out, " mg a day from food and supplements together (");
		mg_buf_put_html(out, mg_advice_intake_kind(a));
		mg_buf_puts(out, ")");
		double total = mg_advice_total_mg(a);
		if (!isnan(total)) {
			mg_buf_puts(out, "; with current supplements and the proposed dose the total would be ");
			mg_buf_put_num(out, total, 0);
			mg_buf_puts(out, " mg");
		}
		mg_buf_puts(out, ".");
	}
	mg_buf_puts(out, "</p>\n");
}

/* Device nights: secondary to the diary (docs/import.md), so a summary here
 * and the last two weeks in the appendix. */
void mg_rep_device_section(struct mg_buf *out, const struct mg_report_input *in)
{
	double tst = 0, tib = 0;
	mg_buf_puts(out, "<h2>Sleep from devices</h2>\n<p>");
	if (!in->n_device) {
		mg_buf_puts(out, "No device nights imported (<code>mgsleep import</code>).</p>\n");
		return;
	}
	for (size_t i = 0; i < in->n_device; i++) {
		tst += in->device[i].tst;
		tib += in->device[i].tib;
	}
	mg_buf_printf(out, "%zu night%s from ", in->n_device, mg_rep_plural((long)in->n_device));
	mg_rep_put_date(out, in->device[0].date);
	mg_buf_puts(out, " to ");
	mg_rep_put_date(out, in->device[in->n_device - 1].date);
	mg_buf_puts(out, " (one source per night: a watch or ring first): mean asleep ");
	mg_rep_put_hm(out, (int)lround(tst / (double)in->n_device));
	mg_buf_puts(out, ", mean in bed ");
	mg_rep_put_hm(out, (int)lround(tib / (double)in->n_device));
	mg_buf_puts(out, ". Devices estimate sleep from movement and heart rate and often miss the time it takes "
			 "to fall asleep and short awakenings; the diary stays the main record. The last nights are "
			 "in the appendix.</p>\n");
}

static void put_mean(struct mg_buf *b, const struct mg_mean *m, int dec)
{
	if (m->n)
		mg_buf_put_fixed(b, m->mean, dec);
	else
		mg_buf_putc(b, '-');
}

/* One ISO week (Monday to Sunday, by the morning date; mg_summarise). */
static void week_row(struct mg_buf *out, const struct mg_summary_week *w, int n_unknown,
		     const struct mg_report_trial *t)
{
	mg_buf_puts(out, "<tr><td>");
	mg_rep_put_date(out, w->monday);
	mg_buf_printf(out, "</td><td>%d</td><td>", w->nights);
	put_mean(out, &w->m[MG_M_SOL], 0);
	mg_buf_puts(out, "</td><td>");
	put_mean(out, &w->m[MG_M_WASO], 0);
	mg_buf_puts(out, "</td><td>");
	mg_rep_put_hm(out, (int)lround(w->m[MG_M_TST].mean));
	mg_buf_puts(out, "</td><td>");
	put_mean(out, &w->m[MG_M_SE], 1);
	mg_buf_puts(out, "</td><td>");
	put_mean(out, &w->m[MG_M_QUALITY], 1);
	mg_buf_printf(out, "</td><td>%d", w->nights_mg);
	if (n_unknown)
		mg_buf_printf(out, " (%d not answered)", n_unknown);
	if (t) {
		/* the week's seven evenings by the plan calendar */
		static const char *const name[] = {"magnesium", "none", "washout", "outside the trial"};
		int plan[4] = {0}, any = 0, wash;
		for (int d = 0; d < 7; d++) {
			int k = mg_rep_plan_period(t, w->monday + d - 1, &wash);
			plan[k < 0 ? 3 : wash ? 2 : t->order[k] ? 0 : 1]++;
		}
		mg_buf_puts(out, "</td><td class=\"l\">");
		for (int k = 0; k < 4; k++)
			if (plan[k]) {
				mg_buf_printf(out, "%s%s %d", any ? ", " : "", name[k], plan[k]);
				any = 1;
			}
	}
	mg_buf_puts(out, "</td></tr>\n");
}

void mg_rep_weekly_means(struct mg_buf *out, const struct mg_report_input *in)
{
	const struct mg_report_trial *t = in->trial;
	if (!in->n_nights)
		return;
	size_t n = in->n_nights, n_weeks = (size_t)(mg_week_monday(in->nights[n - 1].date) -
						     mg_week_monday(in->nights[0].date)) / 7 + 1;
	struct mg_summary_night *sn = malloc(n * sizeof *sn);
	struct mg_summary_week *weeks = malloc(n_weeks * sizeof *weeks);
	struct mg_summary sum;
	if (!sn || !weeks) {
		out->failed = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct mg_report_night *nt = &in->nights[i];
		struct mg_summary_night *x = &sn[i];
		x->date = nt->date;
		for (int k = 0; k < MG_M_COUNT; k++)
			x->v[k] = NAN;
		x->v[MG_M_TIB] = nt->tib;
		x->v[MG_M_TST] = nt->tst;
		x->v[MG_M_SE] = nt->se_pct;
		x->v[MG_M_SOL] = nt->sol;
		x->v[MG_M_WASO] = nt->waso;
		if (nt->quality >= 1)
			x->v[MG_M_QUALITY] = nt->quality;
		x->magnesium = isnan(nt->mg) ? -1 : mg_rep_took_mg(nt);
	}
	if (mg_summarise(sn, n, weeks, n_weeks, &sum))
		goto out; /* nights out of order: the caller sorts them, so not reached */
	mg_buf_puts(out, "<h2>Weekly means</h2>\n<p class=\"note\">Weeks from "
			 "Monday, by the morning date; means of the nights logged (weeks with none left out). Latency "
			 "and wake time in minutes, sleep in hours:minutes, quality 1 very poor to 5 very good.");
	if (t)
		mg_buf_puts(out, " Plan: the week's evenings by the trial calendar (washout nights are not analysed).");
	mg_buf_puts(out, "</p>\n<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Week of</th><th scope=\"col\">Nights</th>"
			 "<th scope=\"col\">SOL</th><th scope=\"col\">WASO</th><th scope=\"col\">Asleep</th>"
			 "<th scope=\"col\">SE %</th><th scope=\"col\">Quality</th><th scope=\"col\">Magnesium nights</th>");
	if (t)
		mg_buf_puts(out, "<th scope=\"col\" class=\"l\">Plan</th>");
	mg_buf_puts(out, "</tr></thead>\n<tbody>\n");
	for (size_t w = 0, i = 0; w < sum.n_weeks; w++) {
		int unknown = 0;
		for (; i < n && sn[i].date < weeks[w].monday + 7; i++)
			unknown += sn[i].magnesium < 0;
		if (weeks[w].nights)
			week_row(out, &weeks[w], unknown, t);
	}
	mg_buf_puts(out, "</tbody>\n</table></div>\n");
out:
	free(sn);
	free(weeks);
}

/* ---- Appendix --------------------------------------------------------- */

void mg_rep_nights_table(struct mg_buf *out, const struct mg_report_input *in)
{
	static const char *const quality[] = {"", "very poor", "poor", "fair", "good", "very good"};
	mg_buf_puts(out, "<h2>Appendix: the nights</h2>\n");
	if (!in->n_nights) {
		mg_buf_puts(out, "<p>No nights in the diary for these dates.</p>\n");
		return;
	}
	mg_buf_puts(out, "<p class=\"note\">Dates are the morning after the "
			 "night. Times in hours:minutes, latency and wake time in minutes, magnesium in mg elemental "
			 "(\"?\": not answered).</p>\n<div class=\"scroll\"><table>\n"
			 "<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">In bed</th><th scope=\"col\">Asleep</th>"
			 "<th scope=\"col\">SE %</th><th scope=\"col\">SOL</th><th scope=\"col\">WASO</th>"
			 "<th scope=\"col\" class=\"l\">Quality</th><th scope=\"col\" class=\"l\">Magnesium</th>");
	if (in->trial)
		mg_buf_puts(out, "<th scope=\"col\" class=\"l\">Trial phase</th>");
	mg_buf_puts(out, "<th scope=\"col\" class=\"l\">Tags and notes</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < in->n_nights; i++) {
		const struct mg_report_night *n = &in->nights[i];
		mg_buf_puts(out, "<tr><td>");
		mg_rep_put_date(out, n->date);
		mg_buf_puts(out, "</td><td>");
		mg_rep_put_hm(out, n->tib);
		mg_buf_puts(out, "</td><td>");
		mg_rep_put_hm(out, n->tst);
		mg_buf_puts(out, "</td><td>");
		mg_buf_put_fixed(out, n->se_pct, 1);
		mg_buf_printf(out, "</td><td>%d</td><td>%d</td><td class=\"l\">", n->sol, n->waso);
		if (n->quality >= 1 && n->quality <= 5)
			mg_buf_printf(out, "%d %s", n->quality, quality[n->quality]);
		mg_buf_puts(out, "</td><td class=\"l\">");
		if (mg_rep_took_mg(n)) {
			mg_buf_put_num(out, n->mg, 1);
			if (n->form) {
				mg_buf_putc(out, ' ');
				mg_buf_put_html(out, n->form);
			}
		} else {
			mg_buf_puts(out, isnan(n->mg) ? "?" : "none");
		}
		if (in->trial) {
			mg_buf_puts(out, "</td><td class=\"l\">");
			mg_rep_put_phase(out, in->trial, n->date);
		}
		mg_buf_puts(out, "</td><td class=\"l\">");
		int sep = 0;
		if (n->tags && *n->tags) {
			mg_buf_put_html(out, n->tags);
			sep = 1;
		}
		if (n->nap_min > 0) {
			mg_buf_printf(out, "%snap %d min", sep ? "; " : "", n->nap_min);
			sep = 1;
		}
		if (n->comment && *n->comment) {
			mg_buf_puts(out, sep ? "; &ldquo;" : "&ldquo;");
			mg_buf_put_html(out, n->comment);
			mg_buf_puts(out, "&rdquo;");
		}
		mg_buf_puts(out, "</td></tr>\n");
	}
	mg_buf_puts(out, "</tbody>\n</table></div>\n");
}

void mg_rep_device_table(struct mg_buf *out, const struct mg_report_input *in)
{
	const size_t shown = 14;
	size_t i0 = in->n_device > shown ? in->n_device - shown : 0;
	if (!in->n_device)
		return;
	mg_buf_printf(out, "<h2>Appendix: device nights</h2>\n<p class=\"note\">The last "
			   "%zu device night%s. Times in hours:minutes, latency and wake time in minutes; a dash where "
			   "the device does not say.</p>\n<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">"
			   "Source</th><th scope=\"col\">In bed</th><th scope=\"col\">Asleep</th><th scope=\"col\">SOL"
			   "</th><th scope=\"col\">WASO</th></tr></thead>\n<tbody>\n",
		      in->n_device - i0, mg_rep_plural((long)(in->n_device - i0)));
	for (size_t i = i0; i < in->n_device; i++) {
		const struct mg_report_device_night *d = &in->device[i];
		mg_buf_puts(out, "<tr><td>");
		mg_rep_put_date(out, d->date);
		mg_buf_puts(out, "</td><td>");
		mg_buf_put_html(out, d->source);
		mg_buf_puts(out, "</td><td>");
		mg_rep_put_hm(out, d->tib);
		mg_buf_puts(out, "</td><td>");
		mg_rep_put_hm(out, d->tst);
		if (d->sol >= 0)
			mg_buf_printf(out, "</td><td>%d", d->sol);
		else
			mg_buf_puts(out, "</td><td>-");
		if (d->waso >= 0)
			mg_buf_printf(out, "</td><td>%d</td></tr>\n", d->waso);
		else
			mg_buf_puts(out, "</td><td>-</td></tr>\n");
	}
	mg_buf_puts(out, "</tbody>\n</table></div>\n");
}

void mg_rep_references(struct mg_buf *out, const struct mg_advice *a)
{
	if (!a || !a->n_refs)
		return;
	const struct mg_kb *kb = a->kb;
	mg_buf_puts(out, "<h2>References</h2>\n<ol class=\"refs\">\n");
	for (size_t k = 0; k < a->n_refs; k++) {
		const struct mg_source *src = &kb->sources[a->ref_order[k]];
		mg_buf_printf(out, "<li id=\"ref-%zu\">", k + 1);
		mg_buf_put_html(out, src->citation);
		if (strcmp(src->status, "verified")) {
			mg_buf_puts(out, " (");
			mg_buf_put_html(out, src->status);
			mg_buf_puts(out, ")");
		}
		if (*src->url) {
			mg_buf_puts(out, " <a href=\"");
			mg_buf_put_html(out, src->url);
			mg_buf_puts(out, "\">");
			mg_buf_put_html(out, src->url);
			mg_buf_puts(out, "</a>");
		}
		mg_buf_puts(out, "</li>\n");
	}
	mg_buf_puts(out, "</ol>\n");
}

/* "from A to B", "from A on", "up to B" for --from/--to, after prefix. */
