/* mgsleep report: the HTML of sleep_report.h. Layout only: the advice comes
 * from mg_advise (as 'mgsleep advise' shows it), the trial numbers from the
 * statistics core through cmd_trial.c; this file draws them. */
#include "doc.h"
#include "svg.h"

#include "../kb/kb_internal.h"

#include <mgsleep/night.h>
#include <mgsleep/questionnaire.h>
#include <mgsleep/sleep_report.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHART_W 920
#define CHART_H 260

static const char style[] =
	"<style>\n"
	"body{font:15px/1.45 system-ui,sans-serif;max-width:62em;margin:1.5em auto;padding:0 1em;color:#222}\n"
	"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.4em;border-bottom:1px solid #ccc}\n"
	"h3{font-size:1em}.meta{color:#444}li{margin:.25em 0}.refs{font-size:.85em}.note{font-size:.9em;color:#444}\n"
	"figure{margin:1em 0}svg{width:100%;height:auto;display:block}figcaption{font-size:.85em;color:#444}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#222}svg .ct{font-size:14px;font-weight:bold}svg .al{font-size:12px}\n"
	".ax{stroke:#444;stroke-width:1}.gr{stroke:#ddd;stroke-width:1}.zero{stroke:#000;stroke-width:1.5;stroke-dasharray:5 3}\n"
	".mg{fill:#cfe3f7}.l1{fill:none;stroke:#1f5fa8;stroke-width:1.8}.p1{fill:#1f5fa8}\n"
	".l2{fill:none;stroke:#b3541e;stroke-width:1.8}.p2{fill:#b3541e}.ci{stroke-width:3}.ci1{stroke:#1f5fa8}.ci2{stroke:#777}\n"
	".p3{fill:#777}.b0{fill:#f3f8f1}.b1{fill:#fbf7e6}.b2{fill:#fbeee4}.b3{fill:#f8e4e4}\n"
	"table{border-collapse:collapse;font-size:.85em}th,td{padding:.15em .6em;border-bottom:1px solid #e3e3e3;"
	"text-align:right}th:first-child,td:first-child{text-align:left}thead th{border-bottom:2px solid #999}\n"
	"@media print{@page{margin:14mm}body{max-width:none;margin:0;padding:0;font-size:10.5pt}"
	"figure,tr,li{break-inside:avoid;page-break-inside:avoid}h2{break-after:avoid;page-break-after:avoid}"
	"thead{display:table-header-group}a{color:inherit;text-decoration:none}}\n"
	"</style>\n";

static void put_date(struct mg_buf *b, int32_t d)
{
	char s[11];
	mg_date_format(d, s);
	mg_buf_puts(b, s);
}

static void put_hm(struct mg_buf *b, int minutes)
{
	mg_buf_printf(b, "%d:%02d", minutes / 60, minutes % 60);
}

static int took_mg(const struct mg_report_night *n)
{
	return !isnan(n->mg) && n->mg > 0;
}

/* Is the night of morning d in a magnesium period of the trial? */
static int trial_on(const struct mg_report_trial *t, int32_t morning)
{
	int32_t e = morning - 1;
	if (e < t->start || e > t->end)
		return 0;
	return t->order[(e - t->start) / t->period_days] != 0;
}

static int shaded(const struct mg_report_input *in, const struct mg_report_night *n)
{
	return in->trial ? trial_on(in->trial, n->date) : took_mg(n);
}

/* Date ticks: a step from a fixed ladder so that there are at most 6. */
static void date_ticks(struct mg_svg *s, int32_t first, int32_t last)
{
	static const int ladder[] = {1, 2, 7, 14, 28, 56, 91, 182, 364, 728};
	int step = ladder[9];
	for (size_t i = 0; i < sizeof ladder / sizeof ladder[0]; i++)
		if ((last - first) / ladder[i] < 6) {
			step = ladder[i];
			break;
		}
	char lab[11];
	for (int32_t d = first; d <= last; d += step) {
		mg_date_format(d, lab);
		mg_svg_xtick(s, d, lab, 0);
	}
}

static void value_ticks(struct mg_svg *s, double hi, int n)
{
	double step = mg_svg_nice_step(hi, n);
	struct mg_buf lab = MG_BUF_INIT;
	for (double v = 0; v <= hi + 1e-9; v += step) {
		mg_buf_reset(&lab);
		mg_buf_put_num(&lab, v, 1);
		mg_svg_ytick(s, v, lab.data, 1);
	}
	mg_buf_release(&lab);
}

struct series_stats {
	double mean, lo, hi, mean_on, mean_off;
	int n_on, n_off;
};

static void stats_of(const struct mg_report_input *in, const double *y, struct series_stats *st)
{
	double sum = 0, son = 0, soff = 0;
	st->lo = INFINITY;
	st->hi = -INFINITY;
	st->n_on = st->n_off = 0;
	for (size_t i = 0; i < in->n_nights; i++) {
		sum += y[i];
		st->lo = fmin(st->lo, y[i]);
		st->hi = fmax(st->hi, y[i]);
		if (shaded(in, &in->nights[i])) {
			son += y[i];
			st->n_on++;
		} else {
			soff += y[i];
			st->n_off++;
		}
	}
	st->mean = sum / (double)in->n_nights;
	st->mean_on = st->n_on ? son / st->n_on : NAN;
	st->mean_off = st->n_off ? soff / st->n_off : NAN;
}

/* One chart of a nightly series over time with the magnesium nights (or
 * the trial's magnesium periods) shaded. */
static void night_chart(struct mg_buf *out, const struct mg_report_input *in, const double *x, const double *y,
			const char *id, const char *title, const char *what, const char *unit, const char *ylabel,
			double min_top, int line)
{
	struct mg_buf desc = MG_BUF_INIT;
	struct series_stats st;
	const char *shade = in->trial ? "trial magnesium periods" : "nights with magnesium";
	stats_of(in, y, &st);
	int32_t first = in->nights[0].date, last = in->nights[in->n_nights - 1].date;
	mg_buf_printf(&desc, "%s for %zu night%s from ", what, in->n_nights, in->n_nights == 1 ? "" : "s");
	put_date(&desc, first);
	mg_buf_puts(&desc, " to ");
	put_date(&desc, last);
	mg_buf_puts(&desc, ": mean ");
	mg_buf_put_num(&desc, st.mean, 1);
	mg_buf_printf(&desc, " %s, range ", unit);
	mg_buf_put_num(&desc, st.lo, 1);
	mg_buf_puts(&desc, " to ");
	mg_buf_put_num(&desc, st.hi, 1);
	mg_buf_printf(&desc, " %s. Shaded: %s", unit, shade);
	if (st.n_on) {
		mg_buf_printf(&desc, " (%d night%s, mean ", st.n_on, st.n_on == 1 ? "" : "s");
		mg_buf_put_num(&desc, st.mean_on, 1);
		mg_buf_printf(&desc, " %s", unit);
		if (st.n_off) {
			mg_buf_printf(&desc, "; %d other night%s, mean ", st.n_off, st.n_off == 1 ? "" : "s");
			mg_buf_put_num(&desc, st.mean_off, 1);
			mg_buf_printf(&desc, " %s", unit);
		}
		/* Side-by-side means invite a conclusion the data cannot carry
		 * unless the nights were randomised. */
		mg_buf_puts(&desc, in->trial ? "). The trial result below is the fair comparison."
					     : "). These nights were not randomised, so the difference may come from "
					       "other things; a planned trial gives a fair answer.");
	} else {
		mg_buf_puts(&desc, " (none).");
	}

	struct mg_svg s;
	mg_buf_puts(out, "<figure>\n");
	mg_svg_begin(&s, out, CHART_W, CHART_H, id, title, desc.data);
	double top = fmax(min_top, st.hi);
	double step = mg_svg_nice_step(top, 5);
	top = ceil(top / step - 1e-9) * step;
	mg_svg_scale(&s, first - 0.5, last + 0.5, 0, top);
	for (size_t i = 0; i < in->n_nights;) { /* runs of shaded nights, one rectangle each */
		if (!shaded(in, &in->nights[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j + 1 < in->n_nights && shaded(in, &in->nights[j + 1]) &&
		       in->nights[j + 1].date == in->nights[j].date + 1)
			j++;
		mg_svg_rect(&s, in->nights[i].date - 0.5, in->nights[j].date + 0.5, 0, top, "mg");
		i = j + 1;
	}
	value_ticks(&s, top, 5);
	date_ticks(&s, first, last);
	mg_svg_axes(&s, "Date (morning after the night)", ylabel);
	/* consecutive nights joined; a gap in the diary breaks the line */
	size_t i = 0;
	while (i < in->n_nights) {
		size_t j = i + 1;
		while (j < in->n_nights && in->nights[j].date == in->nights[j - 1].date + 1)
			j++;
		mg_svg_polyline(&s, x + i, y + i, j - i, line ? "l2" : "l1");
		i = j;
	}
	if (in->n_nights <= 92)
		mg_svg_points(&s, x, y, in->n_nights, 2.5, line ? "p2" : "p1");
	/* legend */
	mg_buf_puts(out, "<rect x=\"");
	mg_buf_put_num(out, s.right - 190, 1);
	mg_buf_puts(out, "\" y=\"6\" width=\"14\" height=\"12\" class=\"mg\"/>\n");
	mg_svg_text(&s, s.right - 172, 16, "start", "tl", in->trial ? "trial: magnesium period" : "magnesium taken");
	mg_svg_end(&s);
	mg_buf_puts(out, "<figcaption>");
	mg_buf_put_html(out, desc.data);
	mg_buf_puts(out, "</figcaption>\n</figure>\n");
	mg_buf_release(&desc);
}

static void sleep_charts(struct mg_buf *out, const struct mg_report_input *in)
{
	mg_buf_puts(out, "<h2>Sleep over time</h2>\n");
	if (!in->n_nights) {
		mg_buf_puts(out, "<p>No nights in the diary for these dates, so there is nothing to chart yet. Log "
				 "each morning with <code>mgsleep log</code>.</p>\n");
		return;
	}
	double *x = malloc(in->n_nights * sizeof *x), *y = malloc(in->n_nights * sizeof *y);
	if (!x || !y) {
		out->failed = 1;
		free(x);
		free(y);
		return;
	}
	for (size_t i = 0; i < in->n_nights; i++) {
		x[i] = in->nights[i].date;
		y[i] = in->nights[i].sol;
	}
	night_chart(out, in, x, y, "chart-sol", "Sleep-onset latency by night", "Sleep-onset latency", "min",
		    "Sleep-onset latency (minutes)", 60, 0);
	for (size_t i = 0; i < in->n_nights; i++)
		y[i] = in->nights[i].tst / 60.0;
	night_chart(out, in, x, y, "chart-tst", "Total sleep time by night", "Total sleep time", "hours",
		    "Total sleep time (hours)", 9, 1);
	free(x);
	free(y);
}

static void isi_chart(struct mg_buf *out, const struct mg_report_input *in)
{
	static const char *const band[] = {"no clinical insomnia", "subthreshold", "moderate", "severe"};
	/* Band edges come from the ISI scoring (questionnaire.c), not a copy. */
	int band_lo[5] = {0, 0, 0, 0, 29};
	for (int t = 28; t >= 0; t--)
		band_lo[mg_isi_category_of(t)] = t;
	mg_buf_puts(out, "<h2>Insomnia Severity Index</h2>\n");
	if (!in->n_isi) {
		mg_buf_puts(out, "<p>No Insomnia Severity Index scores for these dates. Fill one in with "
				 "<code>mgsleep isi</code>.</p>\n");
		return;
	}
	struct mg_buf desc = MG_BUF_INIT;
	mg_buf_printf(&desc, "%zu Insomnia Severity Index score%s (0 to 28, lower is better): ", in->n_isi,
		      in->n_isi == 1 ? "" : "s");
	for (size_t i = 0; i < in->n_isi; i++) {
		if (i)
			mg_buf_puts(&desc, ", ");
		mg_buf_printf(&desc, "%d on ", in->isi[i].total);
		put_date(&desc, in->isi[i].date);
	}
	mg_buf_puts(&desc, ". Bands:");
	for (int k = 0; k < 4; k++)
		mg_buf_printf(&desc, "%s %d-%d %s", k ? "," : "", band_lo[k], band_lo[k + 1] - 1, band[k]);
	mg_buf_putc(&desc, '.');
	double *x = malloc(in->n_isi * sizeof *x), *y = malloc(in->n_isi * sizeof *y);
	if (!x || !y) {
		out->failed = 1;
		goto out;
	}
	for (size_t i = 0; i < in->n_isi; i++) {
		x[i] = in->isi[i].date;
		y[i] = in->isi[i].total;
	}
	int32_t first = in->isi[0].date, last = in->isi[in->n_isi - 1].date;
	int pad = last - first < 14 ? 7 : 3;
	struct mg_svg s;
	mg_buf_puts(out, "<figure>\n");
	mg_svg_begin(&s, out, CHART_W, CHART_H, "chart-isi", "Insomnia Severity Index over time", desc.data);
	mg_svg_margins(&s, 60, 150, 30, 50);
	mg_svg_scale(&s, first - pad, last + pad, 0, 28);
	char lab[24];
	for (int k = 0; k < 4; k++) {
		double hi = band_lo[k + 1] - (k < 3 ? 0.5 : 1), lo = band_lo[k] - (k ? 0.5 : 0);
		snprintf(lab, sizeof lab, "b%d", k);
		mg_svg_rect(&s, s.x0, s.x1, lo, hi, lab);
		mg_svg_text(&s, s.right + 8, mg_svg_py(&s, (lo + hi) / 2) + 4, "start", "tl", band[k]);
	}
	for (int k = 0; k < 4; k++) {
		snprintf(lab, sizeof lab, "%d", band_lo[k]);
		mg_svg_ytick(&s, band_lo[k], lab, 0);
	}
	mg_svg_ytick(&s, 28, "28", 0);
	date_ticks(&s, first - pad, last + pad);
	mg_svg_axes(&s, "Date", "ISI total (points)");
	mg_svg_polyline(&s, x, y, in->n_isi, "l1");
	mg_svg_points(&s, x, y, in->n_isi, 3.5, "p1");
	mg_svg_end(&s);
	mg_buf_puts(out, "<figcaption>");
	mg_buf_put_html(out, desc.data);
	mg_buf_puts(out, "</figcaption>\n</figure>\n");
out:
	free(x);
	free(y);
	mg_buf_release(&desc);
}

static void put_signed(struct mg_buf *b, double v, int dec)
{
	if (v > 0)
		mg_buf_putc(b, '+');
	mg_buf_put_fixed(b, v, dec);
}

static void interval_row(struct mg_svg *s, double row, double mean, double lo, double hi, const char *cls,
			 const char *pcls, const char *label)
{
	mg_svg_line(s, lo, row, hi, row, cls);
	double py = mg_svg_py(s, row);
	mg_buf_puts(s->out, "<line x1=\"");
	mg_buf_put_num(s->out, mg_svg_px(s, lo), 1);
	mg_buf_puts(s->out, "\" x2=\"");
	mg_buf_put_num(s->out, mg_svg_px(s, lo), 1);
	mg_buf_printf(s->out, "\" y1=\"%.1f\" y2=\"%.1f\" class=\"ax\"/>\n", py - 6, py + 6);
	mg_buf_puts(s->out, "<line x1=\"");
	mg_buf_put_num(s->out, mg_svg_px(s, hi), 1);
	mg_buf_puts(s->out, "\" x2=\"");
	mg_buf_put_num(s->out, mg_svg_px(s, hi), 1);
	mg_buf_printf(s->out, "\" y1=\"%.1f\" y2=\"%.1f\" class=\"ax\"/>\n", py - 6, py + 6);
	double xs[1] = {mean}, ys[1] = {row};
	mg_svg_points(s, xs, ys, 1, 5, pcls);
	mg_svg_text(s, s->left - 10, py + 4, "end", "al", label);
}

static void trial_section(struct mg_buf *out, const struct mg_report_trial *t)
{
	struct mg_buf d = MG_BUF_INIT;
	mg_buf_puts(out, "<h2>Your trial</h2>\n<p>");
	mg_buf_printf(out, "%sN-of-1 trial from ", t->interim ? "Interim analysis of the " : "");
	put_date(out, t->start);
	mg_buf_puts(out, " to ");
	put_date(out, t->end);
	mg_buf_printf(out, ": %d pairs of %d-day periods, magnesium and none in random order; outcome: ", t->pairs,
		      t->period_days);
	mg_buf_put_html(out, t->outcome_name);
	mg_buf_printf(out, " (%s). Analysed as of ", t->unit);
	put_date(out, t->as_of);
	mg_buf_printf(out, "; pairs used: %d of %d.</p>\n", t->n_used, t->pairs);
	if (t->events[0]) {
		mg_buf_puts(out, "<h3>Adverse events and pauses</h3>\n<ul>\n");
		for (const char *p = t->events; *p;) {
			size_t len = strcspn(p, "\n");
			char line[512];
			snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
			mg_buf_puts(out, "<li>");
			mg_buf_put_html(out, line);
			mg_buf_puts(out, "</li>\n");
			p += len;
			if (*p)
				p++;
		}
		mg_buf_puts(out, "</ul>\n");
	}
	if (t->pause_note[0]) {
		mg_buf_puts(out, "<p class=\"pause\"><strong>");
		mg_buf_put_html(out, t->pause_note);
		mg_buf_puts(out, "</strong></p>\n");
	}
	if (t->too_few) {
		mg_buf_printf(out, "<p>Too few complete pairs to estimate an effect: %d usable, at least 2 are needed. "
				   "No result is drawn until then.</p>\n",
			      t->n_used);
		return;
	}
	int dec = t->decimals + 1;
	mg_buf_puts(&d, "Mean difference, magnesium minus none, in your trial: ");
	put_signed(&d, t->mean, dec);
	mg_buf_printf(&d, " %s (95%% interval ", t->unit);
	put_signed(&d, t->ci_lo, dec);
	mg_buf_puts(&d, " to ");
	put_signed(&d, t->ci_hi, dec);
	mg_buf_puts(&d, ")");
	if (t->has_published) {
		mg_buf_puts(&d, "; published average ");
		put_signed(&d, t->pub_mean, dec);
		mg_buf_puts(&d, " (95% interval ");
		put_signed(&d, t->pub_lo, dec);
		mg_buf_puts(&d, " to ");
		put_signed(&d, t->pub_hi, dec);
		mg_buf_printf(&d, ", %s)", t->pub_source);
	} else {
		mg_buf_puts(&d, "; no published trial result for this outcome");
	}
	mg_buf_puts(&d, ". The dashed line is no difference.");

	double lo = fmin(0, t->ci_lo), hi = fmax(0, t->ci_hi);
	if (t->has_published) {
		lo = fmin(lo, t->pub_lo);
		hi = fmax(hi, t->pub_hi);
	}
	double step = mg_svg_nice_step(hi - lo, 6);
	lo = floor(lo / step - 0.5) * step;
	hi = ceil(hi / step + 0.5) * step;
	struct mg_svg s;
	struct mg_buf lab = MG_BUF_INIT, xl = MG_BUF_INIT;
	mg_buf_puts(out, "<figure>\n");
	mg_svg_begin(&s, out, CHART_W, 180, "chart-trial", "Trial result against the published effect", d.data);
	mg_svg_margins(&s, 170, 40, 30, 50);
	mg_svg_scale(&s, lo, hi, 0, t->has_published ? 3 : 2);
	for (double v = lo; v <= hi + 1e-9; v += step) {
		mg_buf_reset(&lab);
		put_signed(&lab, fabs(v) < 1e-9 ? 0 : v, step < 1 ? 1 : 0);
		mg_svg_xtick(&s, v, lab.data, 1);
	}
	mg_buf_printf(&xl, "Difference, magnesium minus none (%s)", t->unit);
	mg_svg_axes(&s, xl.data, NULL);
	mg_svg_line(&s, 0, 0, 0, s.y1, "zero");
	double top = t->has_published ? 2 : 1;
	interval_row(&s, top, t->mean, t->ci_lo, t->ci_hi, "ci ci1", "p1", "Your trial");
	if (t->has_published)
		interval_row(&s, 1, t->pub_mean, t->pub_lo, t->pub_hi, "ci ci2", "p3", "Published average");
	mg_svg_end(&s);
	mg_buf_puts(out, "<figcaption>");
	mg_buf_put_html(out, d.data);
	mg_buf_puts(out, " Points are means, bars 95% intervals.</figcaption>\n</figure>\n");
	mg_buf_release(&lab);
	mg_buf_release(&xl);
	mg_buf_release(&d);
}

static void nights_table(struct mg_buf *out, const struct mg_report_input *in)
{
	mg_buf_puts(out, "<h2>Nights</h2>\n");
	if (!in->n_nights) {
		mg_buf_puts(out, "<p>No nights in the diary for these dates.</p>\n");
		return;
	}
	mg_buf_puts(out, "<table>\n<caption class=\"note\">Dates are the morning after the night. Times in "
			 "hours:minutes, latency and wake time in minutes, magnesium in mg elemental.</caption>\n"
			 "<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">In bed</th><th scope=\"col\">Asleep</th>"
			 "<th scope=\"col\">SE %</th><th scope=\"col\">SOL</th><th scope=\"col\">WASO</th>"
			 "<th scope=\"col\">Magnesium</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < in->n_nights; i++) {
		const struct mg_report_night *n = &in->nights[i];
		mg_buf_puts(out, "<tr><td>");
		put_date(out, n->date);
		mg_buf_puts(out, "</td><td>");
		put_hm(out, n->tib);
		mg_buf_puts(out, "</td><td>");
		put_hm(out, n->tst);
		mg_buf_puts(out, "</td><td>");
		mg_buf_put_fixed(out, n->se_pct, 1);
		mg_buf_printf(out, "</td><td>%d</td><td>%d</td><td>", n->sol, n->waso);
		if (took_mg(n))
			mg_buf_put_num(out, n->mg, 1);
		else
			mg_buf_puts(out, "none");
		mg_buf_puts(out, "</td></tr>\n");
	}
	mg_buf_puts(out, "</tbody>\n</table>\n");
}

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

static void advice_section(struct mg_buf *out, const struct mg_advice *a, int needs_age)
{
	static const char *const severity[] = {"Note:", "Caution:", "Warning:", "Danger:"};
	mg_buf_puts(out, "<h2>Current advice</h2>\n");
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
	mg_buf_printf(out, "<p><strong>Verdict: %s.</strong> ", mg_verdict_name(a->verdict));
	mg_buf_put_html(out, a->kb->verdict_text[a->verdict]);
	mg_buf_puts(out, "</p>\n<p><strong>Dose:</strong> ");
	if (a->elemental_mg > 0) {
		struct mg_buf t = MG_BUF_INIT;
		mg_report_dose_line(&t, a);
		mg_buf_put_html(out, t.data);
		mg_buf_puts(out, ".");
		mg_buf_release(&t);
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
			struct mg_buf t = MG_BUF_INIT;
			mg_report_med_advice(&t, &a->meds[i]);
			mg_buf_puts(out, "<li><strong>");
			mg_buf_put_html(out, a->meds[i].drug);
			mg_buf_puts(out, ":</strong> ");
			mg_buf_put_html(out, t.data);
			cites(out, a, &a->meds[i].inter->refs);
			mg_buf_puts(out, "</li>\n");
			mg_buf_release(&t);
		}
		mg_buf_puts(out, "</ul>\n");
	}
	mg_buf_puts(out, "<p class=\"note\">The full reasoning, with every calculation: "
			 "<code>mgsleep advise</code>.</p>\n");
}

static void references(struct mg_buf *out, const struct mg_advice *a)
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
/* Device nights: secondary to the diary (docs/import.md), so a summary and
 * the last two weeks, not charts that would compete with the diary's. */
static void device_section(struct mg_buf *out, const struct mg_report_input *in)
{
	const size_t shown = 14;
	size_t i0 = in->n_device > shown ? in->n_device - shown : 0;
	double tst = 0, tib = 0;
	if (!in->n_device)
		return;
	for (size_t i = 0; i < in->n_device; i++) {
		tst += in->device[i].tst;
		tib += in->device[i].tib;
	}
	mg_buf_puts(out, "<h2>Sleep from devices</h2>\n<p>");
	mg_buf_printf(out, "%zu night%s from ", in->n_device, in->n_device == 1 ? "" : "s");
	put_date(out, in->device[0].date);
	mg_buf_puts(out, " to ");
	put_date(out, in->device[in->n_device - 1].date);
	mg_buf_puts(out, " (one source per night: a watch or ring first): mean asleep ");
	put_hm(out, (int)lround(tst / (double)in->n_device));
	mg_buf_puts(out, ", mean in bed ");
	put_hm(out, (int)lround(tib / (double)in->n_device));
	mg_buf_puts(out, ". Devices estimate sleep from movement and heart rate and often miss the time it takes "
			 "to fall asleep and short awakenings; the diary above stays the main record.</p>\n");
	mg_buf_printf(out, "<table>\n<caption class=\"note\">The last %zu device night%s. Times in hours:minutes, "
			   "latency and wake time in minutes; a dash where the device does not say.</caption>\n"
			   "<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Source</th><th scope=\"col\">In bed"
			   "</th><th scope=\"col\">Asleep</th><th scope=\"col\">SOL</th><th scope=\"col\">WASO</th>"
			   "</tr></thead>\n<tbody>\n",
		      in->n_device - i0, in->n_device - i0 == 1 ? "" : "s");
	for (size_t i = i0; i < in->n_device; i++) {
		const struct mg_report_device_night *d = &in->device[i];
		mg_buf_puts(out, "<tr><td>");
		put_date(out, d->date);
		mg_buf_puts(out, "</td><td>");
		mg_buf_put_html(out, d->source);
		mg_buf_puts(out, "</td><td>");
		put_hm(out, d->tib);
		mg_buf_puts(out, "</td><td>");
		put_hm(out, d->tst);
		if (d->sol >= 0)
			mg_buf_printf(out, "</td><td>%d", d->sol);
		else
			mg_buf_puts(out, "</td><td>-");
		if (d->waso >= 0)
			mg_buf_printf(out, "</td><td>%d</td></tr>\n", d->waso);
		else
			mg_buf_puts(out, "</td><td>-</td></tr>\n");
	}
	mg_buf_puts(out, "</tbody>\n</table>\n");
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

int mg_render_sleep_report(const struct mg_report_input *in, struct mg_buf *out, struct mg_error *err)
{
	mg_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			 "<title>Sleep and magnesium report</title>\n");
	mg_buf_puts(out, style);
	mg_buf_puts(out, "</head>\n<body>\n<h1>Sleep and magnesium report</h1>\n<p class=\"meta\">Dates covered: ");
	if (in->n_nights) {
		put_date(out, in->nights[0].date);
		mg_buf_puts(out, " to ");
		put_date(out, in->nights[in->n_nights - 1].date);
		mg_buf_printf(out, " (%zu night%s in the diary", in->n_nights, in->n_nights == 1 ? "" : "s");
		selected(out, in, "; selected: ");
		mg_buf_puts(out, ").");
	} else {
		mg_buf_puts(out, "none: no nights in the diary");
		selected(out, in, " ");
		mg_buf_puts(out, ".");
	}
	mg_buf_printf(out, "<br>\nData sources: the sleep diary (%zu night%s), the Insomnia Severity Index (%zu score%s)",
		      in->n_nights, in->n_nights == 1 ? "" : "s", in->n_isi, in->n_isi == 1 ? "" : "s");
	if (in->trial)
		mg_buf_puts(out, ", the trial plan");
	if (in->n_device)
		mg_buf_printf(out, "; devices: %zu night%s (section below).</p>\n", in->n_device,
			      in->n_device == 1 ? "" : "s");
	else
		mg_buf_puts(out, "; devices: none.</p>\n");

	advice_section(out, in->advice, in->advice_needs_age);
	sleep_charts(out, in);
	isi_chart(out, in);
	if (in->trial)
		trial_section(out, in->trial);
	nights_table(out, in);
	device_section(out, in);
	references(out, in->advice);
	mg_buf_puts(out, "<p class=\"note\">");
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
