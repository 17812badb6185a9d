/* The charts of the sleep report (sleep_report.c): every chart as inline
 * SVG (svg.c), drawn once for a wide page and once for a phone; the
 * nightly charts over the plan calendar, the questionnaire scores and the
 * trial's result against the published effect. Layout only. */
#include "sleep_report_internal.h"
#include "svg.h"

#include <mgsleep/night.h>
#include <mgsleep/questionnaire.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/summary.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
			if (!mg_rep_took_mg(&in->nights[i])) {
				i++;
				continue;
			}
			size_t j = i;
			while (j + 1 < in->n_nights && mg_rep_took_mg(&in->nights[j + 1]) &&
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
		if (!mg_rep_took_mg(n))
			continue;
		if (mg_rep_plan_period(t, n->date - 1, &wash) < 0)
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
		outside |= mg_rep_took_mg(&in->nights[i]) && mg_rep_plan_period(t, in->nights[i].date - 1, &wash) < 0;
	mg_buf_puts(k, "<span><i class=\"k-mg\"></i>trial: magnesium period</span>");
	if (t->washout > 0)
		mg_buf_printf(k, "<span><i class=\"k-wo\"></i>washout night%s (first %d of each period, not analysed)</span>",
			      mg_rep_plural(t->washout), t->washout);
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
			int k = mg_rep_plan_period(in->trial, in->nights[i].date - 1, &wash);
			if (k < 0 || wash)
				continue;
			on = in->trial->order[k] != 0;
		} else {
			on = mg_rep_took_mg(&in->nights[i]);
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
	int32_t p0 = in->trial->start + 1, p1 = mg_rep_plan_last_evening(in->trial) + 1, lim;
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
	mg_buf_printf(&desc, "%s for %zu night%s from ", what, in->n_nights, mg_rep_plural((long)in->n_nights));
	mg_rep_put_date(&desc, in->nights[0].date);
	mg_buf_puts(&desc, " to ");
	mg_rep_put_date(&desc, in->nights[in->n_nights - 1].date);
	mg_buf_puts(&desc, ": mean ");
	mg_buf_put_num(&desc, st.mean, 1);
	mg_buf_printf(&desc, " %s, range ", unit);
	mg_buf_put_num(&desc, st.lo, 1);
	mg_buf_puts(&desc, " to ");
	mg_buf_put_num(&desc, st.hi, 1);
	mg_buf_printf(&desc, " %s. %s", unit,
		      in->trial ? "Shaded: the trial's magnesium periods (analysed nights: " : "Shaded: nights with magnesium (");
	if (st.n_on) {
		mg_buf_printf(&desc, "%d night%s, mean ", st.n_on, mg_rep_plural(st.n_on));
		mg_buf_put_num(&desc, st.mean_on, 1);
		mg_buf_printf(&desc, " %s", unit);
		if (st.n_off) {
			mg_buf_printf(&desc, "; %s: %d night%s, mean ", in->trial ? "the other periods" : "other nights",
				      st.n_off, mg_rep_plural(st.n_off));
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

void mg_rep_sleep_charts(struct mg_buf *out, const struct mg_report_input *in)
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
	mg_buf_printf(d, "%zu %s score%s (0 to %d, lower is better): ", n, name, mg_rep_plural((long)n), max);
	for (size_t i = 0; i < n; i++) {
		if (i)
			mg_buf_puts(d, ", ");
		mg_buf_printf(d, "%d on ", sc[i].total);
		mg_rep_put_date(d, sc[i].date);
	}
	mg_buf_putc(d, '.');
}

void mg_rep_questionnaires(struct mg_buf *out, const struct mg_report_input *in)
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
		mg_rep_put_signed(&lab, fabs(v) < 1e-9 ? 0 : v, step < 1 ? 1 : 0);
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

void mg_rep_trial_chart(struct mg_buf *out, const struct mg_report_input *in)
{
	const struct mg_report_trial *t = in->trial;
	int dec = t->decimals + 1;
	struct mg_buf d = MG_BUF_INIT, key = MG_BUF_INIT;
	mg_buf_puts(&d, "Mean difference, magnesium minus none, in your trial: ");
	mg_rep_put_signed(&d, t->mean, dec);
	mg_buf_printf(&d, " %s (95%% interval ", t->unit);
	mg_rep_put_signed(&d, t->ci_lo, dec);
	mg_buf_puts(&d, " to ");
	mg_rep_put_signed(&d, t->ci_hi, dec);
	mg_buf_puts(&d, ")");
	if (!isnan(t->pp_mean) && !isnan(t->pp_lo) && !isnan(t->pp_hi)) {
		mg_buf_puts(&d, "; per protocol (nights taken as allocated) ");
		mg_rep_put_signed(&d, t->pp_mean, dec);
		mg_buf_puts(&d, " (");
		mg_rep_put_signed(&d, t->pp_lo, dec);
		mg_buf_puts(&d, " to ");
		mg_rep_put_signed(&d, t->pp_hi, dec);
		mg_buf_puts(&d, ")");
	}
	if (t->has_published) {
		mg_buf_puts(&d, "; published average ");
		mg_rep_put_signed(&d, t->pub_mean, dec);
		mg_buf_puts(&d, " (95% interval ");
		mg_rep_put_signed(&d, t->pub_lo, dec);
		mg_buf_puts(&d, " to ");
		mg_rep_put_signed(&d, t->pub_hi, dec);
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
