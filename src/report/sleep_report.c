/* mgsleep report: the HTML of sleep_report.h. Layout only: the advice comes
 * from mg_advise (as 'mgsleep advise' shows it), the trial numbers and its
 * conclusion from the statistics core through cmd_trial.c; this file draws
 * them. Page order (issue 11): who and what to do on the first page, then
 * the charts, questionnaires, diet, devices and weekly means; the nightly
 * table and the references in an appendix that starts on a new page. */
#include "doc.h"
#include "svg.h"

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

/* Fills of the plan calendar and the marks, shared by the SVG classes and
 * the HTML keys (.k-*) so both always agree. */
#define FILL_MG "#cfe3f7"  /* magnesium period, analysed */
#define FILL_MGX "#e4d3f0" /* magnesium outside the trial */
#define FILL_PZ "#f6c99b"  /* paused */
#define FILL_MID "#e2f1dc" /* within the minimal important difference */
#define COL_RUG "#1f5fa8"  /* magnesium taken (diary) */

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

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

static int took_mg(const struct mg_report_night *n)
{
	return !isnan(n->mg) && n->mg > 0;
}

static void put_signed(struct mg_buf *b, double v, int dec)
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
static int plan_period(const struct mg_report_trial *t, int32_t e, int *wash)
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

static int32_t plan_last_evening(const struct mg_report_trial *t)
{
	return t->start + 2 * t->pairs * t->period_days - 1;
}

/* The plan's word for the night of morning m: "magnesium, period 3,
 * washout", "before the trial" ... */
static void put_phase(struct mg_buf *b, const struct mg_report_trial *t, int32_t morning)
{
	int wash, k = plan_period(t, morning - 1, &wash);
	if (!t)
		return;
	if (k < 0) {
		mg_buf_puts(b, morning - 1 < t->start ? "before the trial" : "after the trial");
		return;
	}
	mg_buf_printf(b, "%s, period %d%s%s", t->order[k] ? "magnesium" : "none", k + 1, wash ? ", washout" : "",
		      plan_paused(t, morning - 1) ? ", paused" : "");
}

/* ---- Chart layouts ---------------------------------------------------- */

/* Each chart is drawn twice: wide (screens and print) and narrow (phones,
 * shown by the stylesheet below 40em), so neither is a shrunken copy of the
 * other; text stays at its size on a 390 px screen. */
struct layout {
	double w;
	const char *cls, *suffix;
	int narrow;
};
static const struct layout layouts[2] = {{920, "wide", "", 0}, {360, "narrow", "-n", 1}};

struct chart {
	const struct mg_report_input *in;
	const double *x, *y;
	size_t n;
	double top;
	int32_t first, last; /* mornings shown */
	const char *ylabel;
	int line;
};

/* Draws one layout of a chart; ctx is the chart's own data. */
typedef void (*draw_fn)(struct mg_svg *s, const struct layout *l, const char *id, const void *ctx);

/* <figure> with both drawings, the key (HTML, may be NULL) and the caption
 * (the same text as each <desc>). */
static void figure(struct mg_buf *out, const char *id, const char *title, const char *desc, double wide_h,
		   double narrow_h, draw_fn draw, const void *ctx, const char *key)
{
	mg_buf_puts(out, "<figure>\n");
	for (int k = 0; k < 2; k++) {
		const struct layout *l = &layouts[k];
		char sid[48];
		struct mg_svg s;
		snprintf(sid, sizeof sid, "%s%s", id, l->suffix);
		mg_svg_begin(&s, out, l->w, l->narrow ? narrow_h : wide_h, l->cls, sid, title, desc);
		if (l->narrow)
			mg_svg_margins(&s, 46, 22, 30, 48);
		draw(&s, l, sid, ctx);
		mg_svg_end(&s);
	}
	if (key && *key)
		mg_buf_printf(out, "<p class=\"key\">%s</p>\n", key);
	mg_buf_puts(out, "<figcaption>");
	mg_buf_put_html(out, desc);
	mg_buf_puts(out, "</figcaption>\n</figure>\n");
}

/* Date ticks: a step from a fixed ladder so that there are at most max. */
static void date_ticks(struct mg_svg *s, int32_t first, int32_t last, int max)
{
	static const int ladder[] = {1, 2, 7, 14, 28, 56, 91, 182, 364, 728};
	int step = ladder[9];
	for (size_t i = 0; i < sizeof ladder / sizeof ladder[0]; i++)
		if ((last - first) / ladder[i] < max) {
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

/* ---- Nightly charts --------------------------------------------------- */

/* The plan calendar behind a nightly chart: magnesium periods filled,
 * washout nights hatched, period boundaries, pauses; nights with magnesium
 * outside the trial filled in their own colour; and a strip of marks at the
 * bottom for every night the diary says magnesium was taken. */
static void plan_background(struct mg_svg *s, const char *id, const struct chart *c)
{
	const struct mg_report_input *in = c->in;
	const struct mg_report_trial *t = in->trial;
	double top = c->top;
	if (!t) {
		for (size_t i = 0; i < in->n_nights;) { /* runs of nights with magnesium */
			if (!took_mg(&in->nights[i])) {
				i++;
				continue;
			}
			size_t j = i;
			while (j + 1 < in->n_nights && took_mg(&in->nights[j + 1]) &&
			       in->nights[j + 1].date == in->nights[j].date + 1)
				j++;
			mg_svg_rect(s, in->nights[i].date - 0.5, in->nights[j].date + 0.5, 0, top, "mg");
			i = j + 1;
		}
		return;
	}
	char hatch[64];
	snprintf(hatch, sizeof hatch, "%s-h", id);
	mg_svg_hatch(s, hatch, "wob", "wol");
	for (int k = 0; k < 2 * t->pairs; k++) {
		double m0 = t->start + (double)k * t->period_days + 1; /* first morning of the period */
		double m1 = m0 + t->period_days - 1;
		if (t->order[k])
			mg_svg_rect(s, m0 - 0.5, m1 + 0.5, 0, top, "mg");
		if (t->washout > 0)
			mg_svg_rect_pattern(s, m0 - 0.5, m0 + fmin(t->washout, t->period_days) - 0.5, 0, top, hatch);
		if (k)
			mg_svg_line(s, m0 - 0.5, 0, m0 - 0.5, top, "pb");
	}
	for (int i = 0; i < t->n_pauses && i < 16; i++) {
		double to = t->pauses[i].to == INT32_MAX ? c->last : t->pauses[i].to + 1.0;
		mg_svg_rect(s, t->pauses[i].from + 1 - 0.5, to + 0.5, 0, top, "pz");
	}
	int wash;
	for (size_t i = 0; i < in->n_nights; i++) {
		const struct mg_report_night *n = &in->nights[i];
		if (!took_mg(n))
			continue;
		if (plan_period(t, n->date - 1, &wash) < 0)
			mg_svg_rect(s, n->date - 0.5, n->date + 0.5, 0, top, "mgx");
		mg_svg_rect(s, n->date - 0.35, n->date + 0.35, 0, top * 0.035, "rug");
	}
}

static void draw_nights(struct mg_svg *s, const struct layout *l, const char *id, const void *ctx)
{
	const struct chart *c = ctx;
	const struct mg_report_input *in = c->in;
	mg_svg_scale(s, c->first - 0.5, c->last + 0.5, 0, c->top);
	plan_background(s, id, c);
	value_ticks(s, c->top, l->narrow ? 4 : 5);
	date_ticks(s, c->first, c->last, l->narrow ? 4 : 6);
	mg_svg_axes(s, l->narrow ? "Date (morning after)" : "Date (morning after the night)", c->ylabel);
	/* consecutive nights joined; a gap in the diary breaks the line */
	size_t i = 0;
	while (i < c->n) {
		size_t j = i + 1;
		while (j < c->n && in->nights[j].date == in->nights[j - 1].date + 1)
			j++;
		mg_svg_polyline(s, c->x + i, c->y + i, j - i, c->line ? "l2" : "l1");
		i = j;
	}
	if (c->n <= 120)
		mg_svg_points(s, c->x, c->y, c->n, l->narrow ? 1.8 : 2.5, c->line ? "p2" : "p1");
}

/* The HTML key of the nightly charts: only what is drawn. */
static void night_key(struct mg_buf *k, const struct mg_report_input *in)
{
	const struct mg_report_trial *t = in->trial;
	if (!t) {
		mg_buf_puts(k, "<span><i class=\"k-mg\"></i>magnesium taken (diary)</span>");
		return;
	}
	int outside = 0, wash;
	for (size_t i = 0; i < in->n_nights; i++)
		outside |= took_mg(&in->nights[i]) && plan_period(t, in->nights[i].date - 1, &wash) < 0;
	mg_buf_puts(k, "<span><i class=\"k-mg\"></i>trial: magnesium period</span>");
	if (t->washout > 0)
		mg_buf_printf(k, "<span><i class=\"k-wo\"></i>washout night%s (first %d of each period, not analysed)</span>",
			      plural(t->washout), t->washout);
	if (t->n_pauses > 0)
		mg_buf_puts(k, "<span><i class=\"k-pz\"></i>trial paused</span>");
	if (outside)
		mg_buf_puts(k, "<span><i class=\"k-mgx\"></i>magnesium outside the trial</span>");
	mg_buf_puts(k, "<span><i class=\"k-rug\"></i>bottom marks: magnesium taken (diary)</span>");
}

struct series_stats {
	double mean, lo, hi, mean_on, mean_off;
	int n_on, n_off;
};

/* "On" nights: with a trial, the analysed nights of magnesium periods
 * against those of the other periods; without one, nights with magnesium. */
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
		int on, wash;
		if (in->trial) {
			int k = plan_period(in->trial, in->nights[i].date - 1, &wash);
			if (k < 0 || wash)
				continue;
			on = in->trial->order[k] != 0;
		} else {
			on = took_mg(&in->nights[i]);
		}
		if (on) {
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

/* The chart's dates: the diary's, widened to the whole plan so that its
 * calendar shows, but not beyond the --from/--to asked for. */
static void chart_dates(const struct mg_report_input *in, int32_t *first, int32_t *last)
{
	*first = in->nights[0].date;
	*last = in->nights[in->n_nights - 1].date;
	if (!in->trial || !in->trial->order)
		return;
	int32_t p0 = in->trial->start + 1, p1 = plan_last_evening(in->trial) + 1, lim;
	if (p0 < *first && !(in->from && !mg_date_parse(in->from, &lim) && p0 < lim))
		*first = p0;
	if (p1 > *last && !(in->to && !mg_date_parse(in->to, &lim) && p1 > lim))
		*last = p1;
}

static void night_chart(struct mg_buf *out, const struct mg_report_input *in, const double *x, const double *y,
			const char *id, const char *title, const char *what, const char *unit, const char *ylabel,
			double min_top, int line)
{
	struct mg_buf desc = MG_BUF_INIT, key = MG_BUF_INIT;
	struct series_stats st;
	stats_of(in, y, &st);
	struct chart c = {.in = in, .x = x, .y = y, .n = in->n_nights, .ylabel = ylabel, .line = line};
	chart_dates(in, &c.first, &c.last);
	mg_buf_printf(&desc, "%s for %zu night%s from ", what, in->n_nights, plural((long)in->n_nights));
	put_date(&desc, in->nights[0].date);
	mg_buf_puts(&desc, " to ");
	put_date(&desc, in->nights[in->n_nights - 1].date);
	mg_buf_puts(&desc, ": mean ");
	mg_buf_put_num(&desc, st.mean, 1);
	mg_buf_printf(&desc, " %s, range ", unit);
	mg_buf_put_num(&desc, st.lo, 1);
	mg_buf_puts(&desc, " to ");
	mg_buf_put_num(&desc, st.hi, 1);
	mg_buf_printf(&desc, " %s. %s", unit,
		      in->trial ? "Shaded: the trial's magnesium periods (analysed nights: " : "Shaded: nights with magnesium (");
	if (st.n_on) {
		mg_buf_printf(&desc, "%d night%s, mean ", st.n_on, plural(st.n_on));
		mg_buf_put_num(&desc, st.mean_on, 1);
		mg_buf_printf(&desc, " %s", unit);
		if (st.n_off) {
			mg_buf_printf(&desc, "; %s: %d night%s, mean ", in->trial ? "the other periods" : "other nights",
				      st.n_off, plural(st.n_off));
			mg_buf_put_num(&desc, st.mean_off, 1);
			mg_buf_printf(&desc, " %s", unit);
		}
		/* Side-by-side means invite a conclusion the data cannot carry
		 * unless the nights were randomised. */
		mg_buf_puts(&desc, in->trial ? "). The trial result is the fair comparison."
					     : "). These nights were not randomised, so the difference may come from "
					       "other things; a planned trial gives a fair answer.");
	} else {
		mg_buf_puts(&desc, "none).");
	}
	double top = fmax(min_top, st.hi);
	double step = mg_svg_nice_step(top, 5);
	c.top = ceil(top / step - 1e-9) * step;
	night_key(&key, in);
	figure(out, id, title, desc.data, 260, 280, draw_nights, &c, key.data);
	mg_buf_release(&desc);
	mg_buf_release(&key);
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
		    "Sleep-onset latency (min)", 60, 0);
	for (size_t i = 0; i < in->n_nights; i++)
		y[i] = in->nights[i].tst / 60.0;
	night_chart(out, in, x, y, "chart-tst", "Total sleep time by night", "Total sleep time", "hours",
		    "Total sleep time (hours)", 9, 1);
	free(x);
	free(y);
}

/* ---- Questionnaires --------------------------------------------------- */

struct score_chart {
	const struct mg_report_score *sc;
	size_t n;
	int max;         /* 28 ISI, 21 PSQI */
	int isi;         /* ISI: its four bands; PSQI: points by the stored flag */
	int band_lo[5];  /* ISI */
};

static const char *const isi_band[] = {"no clinical insomnia", "subthreshold", "moderate", "severe"};

static void draw_scores(struct mg_svg *s, const struct layout *l, const char *id, const void *ctx)
{
	(void)id;
	const struct score_chart *q = ctx;
	int32_t first = q->sc[0].date, last = q->sc[q->n - 1].date;
	int pad = last - first < 14 ? 7 : 3;
	if (!l->narrow && q->isi)
		mg_svg_margins(s, 60, 150, 30, 50);
	mg_svg_scale(s, first - pad, last + pad, 0, q->max);
	char lab[24];
	if (q->isi) {
		for (int k = 0; k < 4; k++) {
			double hi = q->band_lo[k + 1] - (k < 3 ? 0.5 : 1), lo = q->band_lo[k] - (k ? 0.5 : 0);
			snprintf(lab, sizeof lab, "b%d", k);
			mg_svg_rect(s, s->x0, s->x1, lo, hi, lab);
			if (!l->narrow)
				mg_svg_text(s, s->right + 8, mg_svg_py(s, (lo + hi) / 2) + 4, "start", "tl", isi_band[k]);
			snprintf(lab, sizeof lab, "%d", q->band_lo[k]);
			mg_svg_ytick(s, q->band_lo[k], lab, 0);
		}
	} else {
		for (int v = 0; v < q->max - 2; v += 5) { /* 0, 5 .. 20 would crowd 21 */
			snprintf(lab, sizeof lab, "%d", v);
			mg_svg_ytick(s, v, lab, 1);
		}
	}
	snprintf(lab, sizeof lab, "%d", q->max);
	mg_svg_ytick(s, q->max, lab, 0);
	date_ticks(s, first - pad, last + pad, l->narrow ? 4 : 6);
	mg_svg_axes(s, "Date", q->isi ? "ISI total (points)" : "PSQI global (points)");
	double *x = malloc(q->n * sizeof *x), *y = malloc(q->n * sizeof *y), *yp = malloc(q->n * sizeof *yp);
	if (!x || !y || !yp) {
		s->out->failed = 1;
	} else {
		for (size_t i = 0; i < q->n; i++) {
			x[i] = q->sc[i].date;
			y[i] = q->sc[i].total;
			yp[i] = q->isi || q->sc[i].flag ? NAN : y[i];
		}
		mg_svg_polyline(s, x, y, q->n, q->isi ? "l1" : "l2");
		mg_svg_points(s, x, y, q->n, 3.5, q->isi ? "p1" : "p2");
		mg_svg_points(s, x, yp, q->n, 3.5, "p4"); /* PSQI: hollow when not a poor sleeper */
	}
	free(x);
	free(y);
	free(yp);
}

static void scores_desc(struct mg_buf *d, const char *name, const struct mg_report_score *sc, size_t n, int max)
{
	mg_buf_printf(d, "%zu %s score%s (0 to %d, lower is better): ", n, name, plural((long)n), max);
	for (size_t i = 0; i < n; i++) {
		if (i)
			mg_buf_puts(d, ", ");
		mg_buf_printf(d, "%d on ", sc[i].total);
		put_date(d, sc[i].date);
	}
	mg_buf_putc(d, '.');
}

static void questionnaires(struct mg_buf *out, const struct mg_report_input *in)
{
	mg_buf_puts(out, "<h2>Insomnia Severity Index and Pittsburgh Sleep Quality Index</h2>\n");
	struct mg_buf desc = MG_BUF_INIT, key = MG_BUF_INIT;
	if (!in->n_isi) {
		mg_buf_puts(out, "<p>No Insomnia Severity Index scores for these dates. Fill one in with "
				 "<code>mgsleep isi</code>.</p>\n");
	} else {
		/* Band edges come from the ISI scoring (questionnaire.c), not a copy. */
		struct score_chart q = {.sc = in->isi, .n = in->n_isi, .max = 28, .isi = 1, .band_lo = {0, 0, 0, 0, 29}};
		for (int t = 28; t >= 0; t--)
			q.band_lo[mg_isi_category_of(t)] = t;
		scores_desc(&desc, "Insomnia Severity Index", in->isi, in->n_isi, 28);
		mg_buf_puts(&desc, " Bands:");
		for (int k = 0; k < 4; k++) {
			mg_buf_printf(&desc, "%s %d-%d %s", k ? "," : "", q.band_lo[k], q.band_lo[k + 1] - 1, isi_band[k]);
			mg_buf_printf(&key, "<span><i class=\"k-b%d\"></i>%d-%d %s</span>", k, q.band_lo[k], q.band_lo[k + 1] - 1,
				      isi_band[k]);
		}
		mg_buf_putc(&desc, '.');
		figure(out, "chart-isi", "Insomnia Severity Index over time", desc.data, 240, 260, draw_scores, &q,
		       key.data);
	}
	mg_buf_reset(&desc);
	if (!in->n_psqi) {
		mg_buf_puts(out, "<p>No Pittsburgh Sleep Quality Index scores for these dates. Fill one in with "
				 "<code>mgsleep psqi</code>.</p>\n");
	} else {
		struct score_chart q = {.sc = in->psqi, .n = in->n_psqi, .max = 21};
		scores_desc(&desc, "Pittsburgh Sleep Quality Index global", in->psqi, in->n_psqi, 21);
		mg_buf_puts(&desc, " Filled points: poor sleep quality as scored (a global score above 5); hollow: not.");
		figure(out, "chart-psqi", "Pittsburgh Sleep Quality Index over time", desc.data, 220, 240, draw_scores,
		       &q, NULL);
	}
	mg_buf_release(&desc);
	mg_buf_release(&key);
}

/* ---- The trial -------------------------------------------------------- */

static void interval_row(struct mg_svg *s, const struct layout *l, double row, double mean, double lo, double hi,
			 const char *cls, const char *pcls, const char *label)
{
	mg_svg_line(s, lo, row, hi, row, cls);
	double py = mg_svg_py(s, row);
	for (int k = 0; k < 2; k++) {
		double px = mg_svg_px(s, k ? hi : lo);
		mg_buf_puts(s->out, "<line x1=\"");
		mg_buf_put_num(s->out, px, 1);
		mg_buf_puts(s->out, "\" x2=\"");
		mg_buf_put_num(s->out, px, 1);
		mg_buf_printf(s->out, "\" y1=\"%.1f\" y2=\"%.1f\" class=\"ax\"/>\n", py - 6, py + 6);
	}
	double xs[1] = {mean}, ys[1] = {row};
	mg_svg_points(s, xs, ys, 1, 5, pcls);
	if (l->narrow)
		mg_svg_text(s, s->left, py - 10, "start", "al", label);
	else
		mg_svg_text(s, s->left - 10, py + 4, "end", "al", label);
}

static void draw_trial(struct mg_svg *s, const struct layout *l, const char *id, const void *ctx)
{
	(void)id;
	const struct mg_report_trial *t = ctx;
	int has_pp = !isnan(t->pp_mean) && !isnan(t->pp_lo) && !isnan(t->pp_hi);
	int has_mid = !isnan(t->mid) && t->mid > 0;
	int rows = 1 + has_pp + t->has_published;
	double lo = fmin(0, t->ci_lo), hi = fmax(0, t->ci_hi);
	if (t->has_published) {
		lo = fmin(lo, t->pub_lo);
		hi = fmax(hi, t->pub_hi);
	}
	if (has_pp) {
		lo = fmin(lo, t->pp_lo);
		hi = fmax(hi, t->pp_hi);
	}
	if (has_mid) {
		lo = fmin(lo, -t->mid);
		hi = fmax(hi, t->mid);
	}
	double step = mg_svg_nice_step(hi - lo, l->narrow ? 4 : 6);
	lo = floor(lo / step - 0.5) * step;
	hi = ceil(hi / step + 0.5) * step;
	mg_svg_margins(s, l->narrow ? 14 : 170, l->narrow ? 22 : 40, 30, 50);
	mg_svg_scale(s, lo, hi, 0, rows + 1);
	if (has_mid) {
		mg_svg_rect(s, -t->mid, t->mid, 0, s->y1, "mid");
		mg_svg_line(s, -t->mid, 0, -t->mid, s->y1, "midl");
		mg_svg_line(s, t->mid, 0, t->mid, s->y1, "midl");
	}
	struct mg_buf lab = MG_BUF_INIT, xl = MG_BUF_INIT;
	for (double v = lo; v <= hi + 1e-9; v += step) {
		mg_buf_reset(&lab);
		put_signed(&lab, fabs(v) < 1e-9 ? 0 : v, step < 1 ? 1 : 0);
		mg_svg_xtick(s, v, lab.data, 1);
	}
	mg_buf_printf(&xl, "%s, magnesium minus none (%s)", l->narrow ? "Difference" : "Difference in the outcome",
		      t->unit);
	mg_svg_axes(s, xl.data, NULL);
	mg_svg_line(s, 0, 0, 0, s->y1, "zero");
	double row = rows;
	interval_row(s, l, row--, t->mean, t->ci_lo, t->ci_hi, "ci ci1", "p1", "Your trial");
	if (has_pp)
		interval_row(s, l, row--, t->pp_mean, t->pp_lo, t->pp_hi, "ci ci3", "p1",
			     l->narrow ? "Per protocol" : "Per protocol (as taken)");
	if (t->has_published)
		interval_row(s, l, row, t->pub_mean, t->pub_lo, t->pub_hi, "ci ci2", "p3", "Published average");
	mg_buf_release(&lab);
	mg_buf_release(&xl);
}

static void trial_chart(struct mg_buf *out, const struct mg_report_input *in)
{
	const struct mg_report_trial *t = in->trial;
	int dec = t->decimals + 1;
	struct mg_buf d = MG_BUF_INIT, key = MG_BUF_INIT;
	mg_buf_puts(&d, "Mean difference, magnesium minus none, in your trial: ");
	put_signed(&d, t->mean, dec);
	mg_buf_printf(&d, " %s (95%% interval ", t->unit);
	put_signed(&d, t->ci_lo, dec);
	mg_buf_puts(&d, " to ");
	put_signed(&d, t->ci_hi, dec);
	mg_buf_puts(&d, ")");
	if (!isnan(t->pp_mean) && !isnan(t->pp_lo) && !isnan(t->pp_hi)) {
		mg_buf_puts(&d, "; per protocol (nights taken as allocated) ");
		put_signed(&d, t->pp_mean, dec);
		mg_buf_puts(&d, " (");
		put_signed(&d, t->pp_lo, dec);
		mg_buf_puts(&d, " to ");
		put_signed(&d, t->pp_hi, dec);
		mg_buf_puts(&d, ")");
	}
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
	mg_buf_puts(&d, ". Points are means, bars 95% intervals; the dashed line is no difference.");
	if (!isnan(t->mid) && t->mid > 0) {
		mg_buf_puts(&d, " Green band: within the minimal important difference (plus or minus ");
		mg_buf_put_num(&d, t->mid, dec);
		mg_buf_printf(&d, " %s%s), a difference too small to matter.", t->unit,
			      t->mid_verified ? "" : "; the product's choice, not a published figure");
		mg_buf_puts(&key, "<span><i class=\"k-mid\"></i>within the minimal important difference</span>");
	}
	int rows = 1 + t->has_published + !isnan(t->pp_mean);
	figure(out, "chart-trial", "Trial result against the published effect", d.data, 110 + 40 * rows,
	       120 + 55 * rows, draw_trial, t, key.data);
	mg_buf_release(&d);
	mg_buf_release(&key);
}

/* The dose taken in the magnesium periods' analysed nights, from the diary:
 * the median elemental amount, and the forms logged. */
static void dose_taken(struct mg_buf *b, const struct mg_report_input *in)
{
	const struct mg_report_trial *t = in->trial;
	double mgs[128];
	size_t n = 0, off = 0;
	const char *forms[4] = {0};
	int wash;
	for (size_t i = 0; i < in->n_nights; i++) {
		const struct mg_report_night *nt = &in->nights[i];
		int k = plan_period(t, nt->date - 1, &wash);
		if (k < 0 || wash || !took_mg(nt) || nt->date - 1 > t->as_of)
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
		mg_buf_printf(b, " mg elemental on %zu analysed night%s", n, plural((long)n));
		for (size_t f = 0; f < 4 && forms[f]; f++) {
			mg_buf_puts(b, f ? ", " : " (as ");
			mg_buf_put_html(b, forms[f]);
		}
		if (forms[0])
			mg_buf_putc(b, ')');
	}
	if (off)
		mg_buf_printf(b, "; magnesium also on %zu analysed night%s of the no-magnesium periods", off,
			      plural((long)off));
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
	put_date(out, t->start);
	mg_buf_puts(out, " to ");
	put_date(out, t->end);
	mg_buf_printf(out, ": %d pairs of %d-day periods, magnesium and none in random order", t->pairs,
		      t->period_days);
	if (t->washout > 0)
		mg_buf_printf(out, "; the first %d night%s of each period not analysed (washout)", t->washout,
			      plural(t->washout));
	mg_buf_puts(out, "; outcome: ");
	mg_buf_put_html(out, t->outcome_name);
	mg_buf_printf(out, " (%s); analysed as of ", t->unit);
	put_date(out, t->as_of);
	mg_buf_printf(out, ", pairs used: %d of %d. Not blinded: expectation can explain part of any effect.</dd>\n",
		      t->n_used, t->pairs);
	if (!t->too_few) {
		dt(out, "Estimate");
		put_signed(out, t->mean, dec);
		mg_buf_printf(out, " %s, magnesium minus none (95%% interval ", t->unit);
		put_signed(out, t->ci_lo, dec);
		mg_buf_puts(out, " to ");
		put_signed(out, t->ci_hi, dec);
		mg_buf_puts(out, "); ");
		put_p(out, t->p_value);
		mg_buf_puts(out, " (exact randomisation test, two-sided).</dd>\n");
		if (!isnan(t->pp_mean)) {
			dt(out, "Per protocol");
			put_signed(out, t->pp_mean, dec);
			mg_buf_printf(out, " %s (", t->unit);
			put_signed(out, t->pp_lo, dec);
			mg_buf_puts(out, " to ");
			put_signed(out, t->pp_hi, dec);
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

/* ---- Diet, devices, weeks --------------------------------------------- */

static void diet_section(struct mg_buf *out, const struct mg_report_input *in)
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
		if (!isnan(in->diet_mg)) {
			double total = in->diet_mg + a->supplement_mg + a->elemental_mg;
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
static void device_section(struct mg_buf *out, const struct mg_report_input *in)
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
	mg_buf_printf(out, "%zu night%s from ", in->n_device, plural((long)in->n_device));
	put_date(out, in->device[0].date);
	mg_buf_puts(out, " to ");
	put_date(out, in->device[in->n_device - 1].date);
	mg_buf_puts(out, " (one source per night: a watch or ring first): mean asleep ");
	put_hm(out, (int)lround(tst / (double)in->n_device));
	mg_buf_puts(out, ", mean in bed ");
	put_hm(out, (int)lround(tib / (double)in->n_device));
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
	put_date(out, w->monday);
	mg_buf_printf(out, "</td><td>%d</td><td>", w->nights);
	put_mean(out, &w->m[MG_M_SOL], 0);
	mg_buf_puts(out, "</td><td>");
	put_mean(out, &w->m[MG_M_WASO], 0);
	mg_buf_puts(out, "</td><td>");
	put_hm(out, (int)lround(w->m[MG_M_TST].mean));
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
			int k = plan_period(t, w->monday + d - 1, &wash);
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

static void weekly_means(struct mg_buf *out, const struct mg_report_input *in)
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
		x->magnesium = isnan(nt->mg) ? -1 : took_mg(nt);
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

static void nights_table(struct mg_buf *out, const struct mg_report_input *in)
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
		put_date(out, n->date);
		mg_buf_puts(out, "</td><td>");
		put_hm(out, n->tib);
		mg_buf_puts(out, "</td><td>");
		put_hm(out, n->tst);
		mg_buf_puts(out, "</td><td>");
		mg_buf_put_fixed(out, n->se_pct, 1);
		mg_buf_printf(out, "</td><td>%d</td><td>%d</td><td class=\"l\">", n->sol, n->waso);
		if (n->quality >= 1 && n->quality <= 5)
			mg_buf_printf(out, "%d %s", n->quality, quality[n->quality]);
		mg_buf_puts(out, "</td><td class=\"l\">");
		if (took_mg(n)) {
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
			put_phase(out, in->trial, n->date);
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

static void device_table(struct mg_buf *out, const struct mg_report_input *in)
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
		      in->n_device - i0, plural((long)(in->n_device - i0)));
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
	mg_buf_puts(out, "</tbody>\n</table></div>\n");
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
		put_date(out, in->nights[0].date);
		mg_buf_puts(out, " to ");
		put_date(out, in->nights[in->n_nights - 1].date);
		mg_buf_printf(out, " (%zu night%s in the diary", in->n_nights, plural((long)in->n_nights));
		selected(out, in, "; selected: ");
		mg_buf_puts(out, ").");
	} else {
		mg_buf_puts(out, "none: no nights in the diary");
		selected(out, in, " ");
		mg_buf_puts(out, ".");
	}
	mg_buf_printf(out, "<br>\nData sources: the sleep diary (%zu night%s), the Insomnia Severity Index (%zu score%s), "
			   "the Pittsburgh Sleep Quality Index (%zu score%s)",
		      in->n_nights, plural((long)in->n_nights), in->n_isi, plural((long)in->n_isi), in->n_psqi,
		      plural((long)in->n_psqi));
	if (in->trial)
		mg_buf_puts(out, ", the trial plan");
	if (!isnan(in->diet_mg))
		mg_buf_puts(out, ", the diet estimate");
	if (in->n_device)
		mg_buf_printf(out, "; devices: %zu night%s.", in->n_device, plural((long)in->n_device));
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
		trial_chart(out, in);
	sleep_charts(out, in);
	questionnaires(out, in);
	diet_section(out, in);
	device_section(out, in);
	weekly_means(out, in);
	mg_buf_puts(out, "<section id=\"appendix\">\n");
	nights_table(out, in);
	device_table(out, in);
	references(out, in->advice);
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
