/* The HTML report (issue 11) against hand-computed values: the plan calendar
 * drawn from the plan (not from the logged nights), washout nights and
 * pauses, pre-trial magnesium, the minimal important difference, the first
 * page's numbers, weekly means, and sensible output when the trial's issue-11
 * fields are unknown (NaN, NULL, 0).
 *
 * usage: test_sleep_report [OUT.html]   (writes the full report there, to look at) */
#include "../tap.h"

#include <mgsleep/advise.h>
#include <mgsleep/kb.h>
#include <mgsleep/night.h>
#include <mgsleep/profile.h>
#include <mgsleep/sleep_report.h>

#include <stdint.h>
#include <stdlib.h>

#define NIGHTS 98

static int32_t day(const char *s)
{
	int32_t d = 0;
	mg_date_parse(s, &d);
	return d;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The text of one <svg> by its id, NUL-terminated in a static copy. */
static const char *svg_of(const char *html, const char *id)
{
	static char buf[200000];
	char key[80];
	snprintf(key, sizeof key, "aria-labelledby=\"%s-t ", id);
	const char *a = strstr(html, key), *b = a ? strstr(a, "</svg>") : NULL;
	if (!a || !b || (size_t)(b - a) >= sizeof buf)
		return "";
	memcpy(buf, a, (size_t)(b - a));
	buf[b - a] = 0;
	return buf;
}

static const char profile_json[] = "{\"age\":67,\"sex\":\"male\",\"weight\":80,\"height\":175,"
				   "\"creatinine\":\"1.3mg/dL\",\"medicines\":[\"doxycycline\",\"zzqx\"]}";

int main(int argc, char **argv)
{
	struct mg_error err = {0};
	struct mg_kb *kb;
	struct mg_profile p;
	struct mg_advice *a = malloc(sizeof *a);
	mg_profile_init(&p);
	if (!a || mg_kb_load_builtin(&kb, &err) ||
	    mg_profile_load_json(&p, kb, profile_json, sizeof profile_json - 1, &err) || mg_advise(kb, &p, a, &err)) {
		printf("Bail out! setup: %s\n", err.msg);
		return 1;
	}

	/* The plan: evenings from S = 2026-09-01, 6 pairs of 7 nights, washout 2.
	 * Nights: the mornings S-13 (2026-08-19) .. S+84 (2026-11-24), all but
	 * the morning of 2026-09-19 (period 3, a magnesium period). SOL 30
	 * before the trial, 20 in magnesium periods, 40 in the others. */
	static const char order[12] = {0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1};
	const int32_t S = day("2026-09-01");
	struct mg_report_night nights[NIGHTS];
	size_t n = 0;
	for (int32_t m = S - 13; m <= S + 84; m++) {
		if (m == day("2026-09-19"))
			continue;
		struct mg_report_night *x = &nights[n++];
		int32_t e = m - 1;
		int k = e >= S ? (e - S) / 7 : -1;
		*x = (struct mg_report_night){.date = m, .tib = 480, .tst = 400, .waso = 15, .se_pct = 400.0 / 480 * 100,
					      .quality = 3, .mg = 0};
		x->sol = k < 0 ? 30 : order[k] ? 20 : 40;
		if (k >= 0 && order[k]) {
			x->mg = m == day("2026-09-11") ? 200 : 250;
			x->form = "bisglycinate";
		}
		if (m == day("2026-08-22") || m == day("2026-08-25")) {
			x->mg = 300;
			x->form = "citrate";
		}
		if (m == day("2026-09-26")) { /* evening 09-25: period 4 (none), analysed */
			x->mg = 250;
			x->form = "bisglycinate";
		}
		if (m == day("2026-10-01")) {
			x->tags = "caffeine-late, alcohol";
			x->nap_min = 20;
			x->comment = "woke <at> 3";
		}
	}
	struct mg_report_score isi[2] = {{day("2026-08-31"), 16, 0}, {day("2026-11-24"), 9, 0}};
	struct mg_report_score psqi[2] = {{day("2026-08-31"), 8, 1}, {day("2026-11-24"), 4, 0}};
	struct mg_report_trial t = {.start = S, .end = S + 83, .pairs = 6, .period_days = 7, .order = order,
				    .outcome_name = "the time to fall asleep", .unit = "minutes", .decimals = 0,
				    .as_of = day("2026-11-30"), .n_used = 6, .mean = -16.3, .ci_lo = -17.6, .ci_hi = -14.9,
				    .outcome_id = "sol", .p_value = 0.03125, .has_published = 1, .pub_mean = -17.36,
				    .pub_lo = -27.27, .pub_hi = -7.44, .pub_source = "Mah & Pitre 2021",
				    .conclusion = "benefit", .mid = 20, .mid_verified = 0, .adherence = 0.75,
				    .missing_mg = 1, .missing_none = 0, .pp_mean = -17, .pp_lo = -19, .pp_hi = -15,
				    .washout = 2, .elemental_mg = 250, .compound_mg = 1774, .form_name = "magnesium bisglycinate",
				    .n_pauses = 1};
	snprintf(t.conclusion_text, sizeof t.conclusion_text, "Magnesium shortened the time to fall asleep.");
	t.pauses[0].from = day("2026-10-30");
	t.pauses[0].to = day("2026-11-02");
	struct mg_report_input in = {.version = "test", .advice = a, .nights = nights, .n_nights = n, .isi = isi,
				     .n_isi = 2, .trial = &t, .psqi = psqi, .n_psqi = 2, .diet_mg = 280,
				     .diet_source = "your diet quiz of 2026-08-20"};
	struct mg_buf out = MG_BUF_INIT;
	ok(n == NIGHTS - 1, "97 nights in the fixture");
	ok(mg_render_sleep_report(&in, &out, &err) == 0 && out.data, "renders");
	const char *h = out.data ? out.data : "";
	if (argc > 1) {
		FILE *f = fopen(argv[1], "w");
		if (f) {
			fwrite(h, 1, strlen(h), f);
			fclose(f);
		}
	}

	/* The wide SOL chart: 920 px, plot from x = 60 to 880 (820 px) over the
	 * mornings S-13.5 .. S+84.5 (98 days): 820 / 98 = 8.367347 px a night. */
	const char *sol = svg_of(h, "chart-sol");
	ok(count(sol, "class=\"mg\"/>") == 6, "six magnesium periods shaded, one rectangle each (%zu)",
	   count(sol, "class=\"mg\"/>"));
	/* period 2 (k = 1): mornings S+8 .. S+14, from x = 60 + 21 x 8.367347 = 235.7, 7 nights = 58.6 px */
	ok(strstr(sol, "<rect x=\"235.7\" y=\"30\" width=\"58.6\" height=\"180\" class=\"mg\"/>") != NULL,
	   "period 2 shaded from the plan: x 235.7, width 58.6");
	/* period 3 (k = 2) has a missing night (2026-09-19) and is still one
	 * rectangle: x = 60 + 28 x 8.367347 = 294.3 */
	ok(strstr(sol, "<rect x=\"294.3\" y=\"30\" width=\"58.6\" height=\"180\" class=\"mg\"/>") != NULL,
	   "a missing night does not split its period (x 294.3, width 58.6)");
	/* washout: the first 2 nights of each of the 12 periods, 16.7 px wide */
	ok(count(sol, "fill=\"url(#chart-sol-h)\"") == 12 && strstr(sol, "<pattern id=\"chart-sol-h\""),
	   "twelve washout bands hatched with the chart's own pattern");
	ok(strstr(sol, "<rect x=\"177.1\" y=\"30\" width=\"16.7\" height=\"180\" fill=\"url(#chart-sol-h)\"/>") != NULL,
	   "period 1's washout: x 60 + 14 x 8.367347 = 177.1, 2 nights = 16.7 px");
	/* the pause: evenings 10-30 .. 11-02 = mornings S+60 .. S+63 */
	ok(strstr(sol, "<rect x=\"670.8\" y=\"30\" width=\"33.5\" height=\"180\" class=\"pz\"/>") != NULL,
	   "the pause: x 60 + 73 x 8.367347 = 670.8, 4 nights = 33.5 px");
	/* pre-trial magnesium: mornings 08-22 (S-10) and 08-25 (S-7) */
	ok(strstr(sol, "<rect x=\"85.1\" y=\"30\" width=\"8.4\" height=\"180\" class=\"mgx\"/>") &&
		   strstr(sol, "<rect x=\"110.2\" y=\"30\" width=\"8.4\" height=\"180\" class=\"mgx\"/>") &&
		   count(sol, "class=\"mgx\"") == 2,
	   "the two pre-trial magnesium nights marked (x 85.1 and 110.2)");
	/* bottom marks: every night with magnesium: 2 before + 6 x 7 - 1 missing + 1 off-period = 44 */
	ok(count(sol, "class=\"rug\"") == 44, "44 nights with magnesium marked at the bottom (%zu)",
	   count(sol, "class=\"rug\""));
	ok(strstr(h, "washout nights (first 2 of each period, not analysed)") && strstr(h, "trial paused") &&
		   strstr(h, "magnesium outside the trial"),
	   "the key names washout, pause and magnesium outside the trial");

	/* The trial plot: x from -40 to +30 (step 10), plot 170 .. 880 (710 px):
	 * -20 at 170 + 20/70 x 710 = 372.9, +20 at 778.6; height 110 + 40 x 3 rows. */
	const char *tr = svg_of(h, "chart-trial");
	ok(strstr(tr, "<rect x=\"372.9\" y=\"30\" width=\"405.7\" height=\"150\" class=\"mid\"/>") != NULL,
	   "the minimal important difference band from -20 to +20 minutes");
	ok(count(tr, "class=\"midl\"") == 2 && strstr(tr, "Per protocol (as taken)"), "its two lines, and the per-protocol row");
	ok(strstr(h, "plus or minus 20 minutes (the product's choice, not a published figure)") != NULL,
	   "the MID is labelled as the product's choice when not verified");

	/* First page */
	ok(strstr(h, "<dd>67 years, male, 80 kg, 175 cm.</dd>") != NULL, "who: age, sex, weight, height");
	ok(strstr(h, "doxycycline") && strstr(h, "<strong>not recognised:</strong> zzqx"), "medicines as recognised");
	ok(strstr(h, "Cockcroft-Gault creatinine clearance") && strstr(h, "serum creatinine 1.3 mg/dL"), "kidney function");
	ok(strstr(h, "<p class=\"conclusion\"><strong>Magnesium shortened the time to fall asleep.</strong>") != NULL,
	   "the conclusion in words");
	ok(strstr(h, "-16.3 minutes, magnesium minus none (95% interval -17.6 to -14.9); p = 0.031") != NULL,
	   "estimate, interval with signs, p = 0.03125 as 0.031");
	ok(strstr(h, "75 % of analysed nights taken as allocated (<strong>below 80 %</strong>") != NULL,
	   "adherence 0.75 as 75 %%, flagged below 80 %%");
	ok(strstr(h, "1 in magnesium periods, 0 in the others") != NULL, "missing nights per arm");
	ok(strstr(h, "250 mg elemental magnesium each evening (1,774 mg of magnesium bisglycinate)") != NULL,
	   "the dose and form planned");
	/* taken: analysed magnesium-period nights with magnesium: 6 x 5 - 1 missing = 29, one of them 200 mg */
	ok(strstr(h, "median 250 mg elemental on 29 analysed nights (as bisglycinate); magnesium also on 1 analysed "
		     "night of the no-magnesium periods") != NULL,
	   "the dose taken: median of 29 nights, and the off-period night");
	ok(strstr(h, "Not blinded") != NULL, "says the trial was not blinded");
	ok(strstr(h, "About 280 mg a day, from your diet quiz of 2026-08-20.") != NULL, "dietary magnesium");
	ok(strstr(h, "id=\"chart-psqi\"") == NULL && strstr(h, "aria-labelledby=\"chart-psqi-t ") &&
		   strstr(h, "2 Pittsburgh Sleep Quality Index global scores (0 to 21, lower is better): 8 on 2026-08-31, "
			     "4 on 2026-11-24."),
	   "the PSQI chart with its scores");
	/* the page order: conclusion before the charts, the nightly table after "Appendix" */
	const char *app = strstr(h, "<section id=\"appendix\">");
	ok(app && strstr(h, "class=\"conclusion\"") < strstr(h, "chart-sol") && strstr(h, "<h2>Appendix: the nights</h2>") > app,
	   "first page before the charts; the nightly table in the appendix");

	/* Weekly means, week of Monday 2026-09-07 (mornings 09-07 .. 09-13 =
	 * evenings 09-06 .. 09-12): 2 nights of period 1 (none, SOL 40) and 5 of
	 * period 2 (magnesium, SOL 20): mean SOL 180 / 7 = 25.7; magnesium on 5;
	 * plan: evenings 09-06, 09-07 none; 09-08, 09-09 washout; 09-10 .. 09-12
	 * magnesium. */
	ok(strstr(h, "<tr><td>2026-09-07</td><td>7</td><td>26</td><td>15</td><td>6:40</td><td>83.3</td><td>3.0</td>"
		     "<td>5</td><td class=\"l\">magnesium 3, none 2, washout 2</td></tr>") != NULL,
	   "the weekly row of 2026-09-07 as worked out by hand");
	ok(strstr(h, "<td class=\"l\">magnesium, period 2, washout</td>") != NULL &&
		   strstr(h, "<td>2026-09-09</td>") != NULL,
	   "the nightly table gives the trial phase (2026-09-09: magnesium, period 2, washout)");
	ok(strstr(h, "caffeine-late, alcohol; nap 20 min; &ldquo;woke &lt;at&gt; 3&rdquo;") != NULL,
	   "tags, nap and the comment (escaped) in the appendix");
	ok(count(h, "<svg role=\"img\" class=\"wide\"") == 5 && count(h, "<svg role=\"img\" class=\"narrow\"") == 5,
	   "five charts, each drawn wide and narrow");

	/* p-values: never 0; three digits near 0.05 */
	t.p_value = 0.0004;
	mg_buf_reset(&out);
	mg_render_sleep_report(&in, &out, &err);
	ok(strstr(out.data, "(95% interval -17.6 to -14.9); p below 0.001") != NULL, "p = 0.0004 as 'p below 0.001'");
	t.p_value = 0.0496;
	mg_buf_reset(&out);
	mg_render_sleep_report(&in, &out, &err);
	ok(strstr(out.data, "p = 0.0496") != NULL, "p = 0.0496 keeps three digits");

	/* The issue-11 fields unknown: drawn without them. */
	t = (struct mg_report_trial){.start = S, .end = S + 83, .pairs = 6, .period_days = 7, .order = order,
				     .outcome_name = "the time to fall asleep", .unit = "minutes", .as_of = day("2026-11-30"),
				     .n_used = 6, .mean = -16.3, .ci_lo = -17.6, .ci_hi = -14.9, .p_value = 0.03125,
				     .mid = NAN, .adherence = NAN, .pp_mean = NAN, .pp_lo = NAN, .pp_hi = NAN};
	snprintf(t.verdict, sizeof t.verdict, "The verdict of trial analyze.");
	mg_buf_reset(&out);
	ok(mg_render_sleep_report(&in, &out, &err) == 0, "renders with the issue-11 fields unknown");
	h = out.data;
	ok(!strstr(h, "class=\"mid\"") && !strstr(h, "url(#") && !strstr(h, "class=\"pz\"") && !strstr(h, "Per protocol"),
	   "... no MID band, washout, pause or per-protocol row");
	ok(strstr(h, "<strong>The verdict of trial analyze.</strong>") && strstr(h, "<dt>Adherence</dt><dd>not known.") &&
		   strstr(h, "<dt>Dose</dt><dd>planned: not recorded with the plan; taken: "),
	   "... the verdict sentence, adherence not known, dose not recorded");
	ok(count(svg_of(h, "chart-sol"), "class=\"mg\"/>") == 6, "... and the periods still shaded from the plan");

	/* No trial: the nights with magnesium shaded, one rectangle per run. */
	in.trial = NULL;
	mg_buf_reset(&out);
	ok(mg_render_sleep_report(&in, &out, &err) == 0, "renders without a trial");
	/* runs: 08-22, 08-25, 09-09..09-18 (periods 2 and 3 up to the gap), 09-20..09-22, 09-26 (the
	 * off-period night), period 6, periods 8 and 9 together, period 12 */
	ok(count(svg_of(out.data, "chart-sol"), "class=\"mg\"/>") == 8, "eight runs of magnesium nights shaded (%zu)",
	   count(svg_of(out.data, "chart-sol"), "class=\"mg\"/>"));
	ok(!strstr(out.data, "Trial result") && !strstr(out.data, "Plan</th>"), "... no trial section or plan column");

	mg_buf_release(&out);
	free(a);
	mg_kb_free(kb);
	return tap_done();
}
