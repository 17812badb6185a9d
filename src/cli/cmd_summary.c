/* mgsleep summary: weekly means of every metric, nights with and without
 * magnesium side by side, the trend, and sparklines. */
#include "cli.h"

#include <mgsleep/night.h>
#include <mgsleep/summary.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WEEKS 520

static void put_mean(struct mg_buf *b, struct mg_mean m, int decimals)
{
	if (isnan(m.mean))
		mg_buf_puts(b, "null");
	else
		mg_buf_put_num(b, m.mean, decimals);
}

/* Smallest range a sparkline spans, per metric, so that a 1-minute wobble is
 * not drawn as a full-height swing: the chart must not look more certain
 * than the numbers. */
static const double min_span[MG_M_COUNT] = {60, 60, 10, 20, 20, 2, 2};

/* ▁▂▃▄▅▆▇█ scaled over the weekly means (at least min_span wide, centred); a
 * space for a week without data. */
static void sparkline(struct mg_buf *b, const struct mg_summary *s, int k)
{
	static const char *const bars[] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
	double lo = INFINITY, hi = -INFINITY;
	for (size_t w = 0; w < s->n_weeks; w++) {
		double v = s->weeks[w].m[k].mean;
		if (!isnan(v)) {
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
	}
	if (hi - lo < min_span[k]) {
		double mid = (hi + lo) / 2;
		lo = mid - min_span[k] / 2;
		hi = mid + min_span[k] / 2;
	}
	for (size_t w = 0; w < s->n_weeks; w++) {
		double v = s->weeks[w].m[k].mean;
		if (isnan(v))
			mg_buf_putc(b, ' ');
		else
			mg_buf_puts(b, bars[(int)lrint((v - lo) / (hi - lo) * 7)]);
	}
}

static void text_mean(struct mg_buf *b, struct mg_mean m, int decimals)
{
	char t[32];
	if (isnan(m.mean))
		snprintf(t, sizeof t, "-");
	else
		snprintf(t, sizeof t, "%.*f", decimals, round(m.mean * pow(10, decimals)) / pow(10, decimals));
	mg_buf_printf(b, "%9s", t);
}

static const int decimals[MG_M_COUNT] = {0, 0, 1, 0, 0, 1, 1};

/* "weeks":[...],"with_magnesium":{..},"without_magnesium":{..},"trend_per_week":{..} */
static void json_section(struct mg_buf *out, const struct mg_summary *s)
{
	mg_buf_puts(out, "\"weeks\":[");
	for (size_t w = 0; w < s->n_weeks; w++) {
		char d[11];
		mg_date_format(s->weeks[w].monday, d);
		mg_buf_printf(out, "%s{\"week_of\":\"%s\",\"nights\":%d,\"nights_mg\":%d", w ? "," : "", d,
			      s->weeks[w].nights, s->weeks[w].nights_mg);
		for (int k = 0; k < MG_M_COUNT; k++) {
			mg_buf_printf(out, ",\"%s\":", mg_metric_id((enum mg_metric)k));
			put_mean(out, s->weeks[w].m[k], 2);
		}
		mg_buf_putc(out, '}');
	}
	mg_buf_puts(out, "],\"with_magnesium\":{");
	for (int pass = 0; pass < 2; pass++) {
		const struct mg_mean *m = pass ? s->without_mg : s->with_mg;
		if (pass)
			mg_buf_puts(out, "},\"without_magnesium\":{");
		mg_buf_printf(out, "\"nights\":%d", m[MG_M_TIB].n);
		for (int k = 0; k < MG_M_COUNT; k++) {
			mg_buf_printf(out, ",\"%s\":", mg_metric_id((enum mg_metric)k));
			put_mean(out, m[k], 2);
		}
	}
	mg_buf_puts(out, "},\"trend_per_week\":{");
	for (int k = 0; k < MG_M_COUNT; k++) {
		mg_buf_printf(out, "%s\"%s\":", k ? "," : "", mg_metric_id((enum mg_metric)k));
		put_mean(out, (struct mg_mean){s->slope_per_week[k], NAN, 0}, 2);
	}
	mg_buf_putc(out, '}');
}

static void csv_section(struct mg_buf *out, const struct mg_summary *s, const char *source)
{
	for (size_t w = 0; w < s->n_weeks; w++) {
		char d[11];
		mg_date_format(s->weeks[w].monday, d);
		mg_buf_printf(out, "%s,%d,%d", d, s->weeks[w].nights, s->weeks[w].nights_mg);
		for (int k = 0; k < MG_M_COUNT; k++) {
			mg_buf_putc(out, ',');
			if (!isnan(s->weeks[w].m[k].mean))
				mg_buf_put_num(out, s->weeks[w].m[k].mean, 2);
		}
		mg_buf_printf(out, ",%s\n", source);
	}
}

static size_t nights_in(const struct mg_summary *s)
{
	size_t n = 0;
	for (size_t w = 0; w < s->n_weeks; w++)
		n += (size_t)s->weeks[w].nights;
	return n;
}

/* Weekly table, trend and with/without magnesium; metrics the section does
 * not have (quality from devices) are left out. */
static void text_section(struct mg_buf *out, const struct mg_summary *s, int has_quality)
{
	int nk = has_quality ? MG_M_COUNT : MG_M_QUALITY;
	mg_buf_printf(out, "Weekly means over the last %zu week%s (%zu nights in them)\n\n", s->n_weeks,
		      s->n_weeks == 1 ? "" : "s", nights_in(s));
	mg_buf_printf(out, "week of      nights  with Mg   in bed   asleep     SE %%      SOL     WASO  wakings%s\n",
		      has_quality ? "  quality" : "");
	for (size_t w = 0; w < s->n_weeks; w++) {
		char d[11];
		mg_date_format(s->weeks[w].monday, d);
		mg_buf_printf(out, "%-11s %7d %8d", d, s->weeks[w].nights, s->weeks[w].nights_mg);
		for (int k = 0; k < nk; k++)
			text_mean(out, s->weeks[w].m[k], decimals[k]);
		mg_buf_putc(out, '\n');
	}
	mg_buf_puts(out, "\nTrend by week\n");
	for (int k = 0; k < nk; k++) {
		mg_buf_printf(out, "  %-27s ", mg_metric_name((enum mg_metric)k));
		sparkline(out, s, k);
		if (!isnan(s->slope_per_week[k]))
			mg_buf_printf(out, "  %+.1f per week", s->slope_per_week[k]);
		mg_buf_putc(out, '\n');
	}
	if (s->with_mg[MG_M_TIB].n + s->without_mg[MG_M_TIB].n == 0) {
		mg_buf_puts(out, "\nWith and without magnesium: not known for these nights (no diary entry says).\n");
		return;
	}
	mg_buf_printf(out, "\nNights with and without magnesium (%d and %d nights)\n", s->with_mg[MG_M_TIB].n,
		      s->without_mg[MG_M_TIB].n);
	mg_buf_puts(out, "                              with Mg  without\n");
	for (int k = 0; k < nk; k++) {
		mg_buf_printf(out, "  %-27s", mg_metric_name((enum mg_metric)k));
		text_mean(out, s->with_mg[k], decimals[k]);
		text_mean(out, s->without_mg[k], decimals[k]);
		mg_buf_putc(out, '\n');
	}
}

static void summary_json(struct mg_buf *out, const struct mg_summary *s, const struct mg_summary *sd)
{
	mg_buf_putc(out, '{');
	json_section(out, s);
	mg_buf_puts(out, ",\"device\":{");
	json_section(out, sd);
	mg_buf_puts(out, "}}\n");
}

int cli_summary_json(struct mg_db *db, size_t weeks, struct mg_buf *out, struct mg_error *err)
{
	struct mg_summary s, sd;
	struct mg_summary_week *wk = calloc(weeks, sizeof *wk), *wkd = calloc(weeks, sizeof *wkd);
	int r = !wk || !wkd ? mg_fail(err, MG_ENOMEM, NULL, "out of memory") : 0;
	if (!r && !(r = mg_db_summarise(db, wk, weeks, &s, err)) && !(r = mg_db_summarise_device(db, wkd, weeks, &sd, err)))
		summary_json(out, &s, &sd);
	free(wk);
	free(wkd);
	return r;
}

struct summary_opts {
	long weeks;
	const char *format;
};

static const char *const summary_formats[] = {"text", "json", "csv", NULL};

static const struct cli_option summary_options[] = {
	CLI_OPT_NUMBER(struct summary_opts, weeks, "weeks", "N", 1, MAX_WEEKS, NULL,
		       "how many recent weeks to show (default 8)"),
	CLI_OPT_ENUM(struct summary_opts, format, "format", summary_formats, "output (default text)"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_summary = {
	"usage: mgsleep summary [--weeks N] [--format text|json|csv]\n",
	{summary_options},
	NULL,
};

int cmd_summary(int argc, char **argv, struct mg_cli *cli)
{
	struct summary_opts o = {8, "text"};
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	struct mg_summary_week *wk = NULL, *wkd = NULL;
	int status = EXIT_OK;
	if (cli_parse_options("summary", argc, argv, summary_options, &o, 0, &status) < 0)
		return status;
	const char *fmt = o.format;
	long weeks = o.weeks;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	wk = calloc((size_t)weeks, sizeof *wk);
	wkd = calloc((size_t)weeks, sizeof *wkd);
	if (!wk || !wkd) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	struct mg_summary s, sd;
	if (mg_db_summarise(db, wk, (size_t)weeks, &s, &err) || mg_db_summarise_device(db, wkd, (size_t)weeks, &sd, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	size_t n = nights_in(&s), nd = nights_in(&sd);
	if (!strcmp(fmt, "json")) {
		/* The diary's summary at the top level (as before imports existed); the
		 * devices' beside it. */
		summary_json(&out, &s, &sd);
	} else if (!strcmp(fmt, "csv")) {
		mg_buf_puts(&out, "week_of,nights,nights_mg");
		for (int k = 0; k < MG_M_COUNT; k++)
			mg_buf_printf(&out, ",%s", mg_metric_id((enum mg_metric)k));
		mg_buf_puts(&out, ",source\n");
		csv_section(&out, &s, "diary");
		if (nd)
			csv_section(&out, &sd, "device");
	} else if (!n && !nd) {
		mg_buf_puts(&out, "No nights logged yet. Start with 'mgsleep log' each morning, or 'mgsleep import'\n"
				  "the export of your watch, ring or sleep app.\n");
	} else {
		if (n) {
			mg_buf_puts(&out, "Your sleep diary\n");
			text_section(&out, &s, 1);
		}
		if (nd) {
			mg_buf_printf(&out, "%sFrom your devices (main sleep; one source per night, see 'mgsleep diary')\n",
				      n ? "\n" : "");
			text_section(&out, &sd, 0);
			mg_buf_puts(&out, "\nDevices estimate sleep from movement and heart rate; they often miss the time it\n"
					  "takes to fall asleep and short awakenings. Your diary stays the main record.\n");
		}
		mg_buf_puts(&out, "\nThese nights were not randomised, so a difference may come from other things\n"
				  "(stress, season, expectation). Judge magnesium only after 4 weeks or more; a planned\n"
				  "trial with random on and off periods gives an honest answer.\n"
				  "This is information, not medical advice.\n");
	}
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
out:
	free(wk);
	free(wkd);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}
