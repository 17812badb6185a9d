/* The FHIR renderer writes the bytes of the jansson tree it used to build
 * (issue 14): mg_render_fhir against fhir_tree_render (tests/unit/fhir_tree.c,
 * the renderer before the change, dumped by jansson itself), byte for byte,
 * on ordinary input and on input jansson treats specially: strings to escape
 * (quotes, backslashes, every control character, UTF-8), strings it refuses
 * (not UTF-8, NULL), numbers that are not finite or need an exponent, and
 * no profile or no entries at all. */
#include "../tap.h"

#include <mgsleep/fhir.h>
#include <mgsleep/kb.h>
#include <mgsleep/sleep_report.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int fhir_tree_render(const struct mg_fhir_input *in, struct mg_buf *out, struct mg_error *err);

static void same(const struct mg_fhir_input *in, const char *what)
{
	struct mg_buf a = MG_BUF_INIT, b = MG_BUF_INIT;
	struct mg_error ea = {0}, eb = {0};
	int ra = mg_render_fhir(in, &a, &ea), rb = fhir_tree_render(in, &b, &eb);
	int eq = ra == rb && a.len == b.len && (!a.len || !memcmp(a.data, b.data, a.len));
	ok(eq && a.len > 0, "%s: the same %zu bytes as the jansson tree", what, b.len);
	if (!eq) {
		size_t i = 0;
		while (i < a.len && i < b.len && a.data[i] == b.data[i])
			i++;
		printf("#   rc %d/%d, lengths %zu/%zu, first difference at byte %zu\n", ra, rb, a.len, b.len, i);
	}
	mg_buf_release(&a);
	mg_buf_release(&b);
}

static void night(struct mg_fhir_night *fn, const char *date, int bed, int quality, double mg, double compound,
		  const char *form, int mg_time)
{
	struct mg_night *n = &fn->n;
	mg_night_init(n);
	mg_date_parse(date, &n->date);
	n->bed = bed, n->try_sleep = bed + 20, n->final_wake = 6 * 60 + 30, n->out_of_bed = 7 * 60;
	n->sol_min = 25, n->awakenings = 2, n->waso_min = 35, n->quality = quality;
	n->utc_offset_evening = 60, n->utc_offset_morning = -330;
	mg_night_compute(n, &fn->m, NULL);
	fn->mg = mg, fn->compound_mg = compound, fn->form = form, fn->mg_time = mg_time;
}

int main(void)
{
	struct mg_error err = {0};
	struct mg_kb *kb = NULL;
	struct mg_profile p;
	struct mg_fhir_night nights[9];
	struct mg_fhir_questionnaire qs[3];
	struct mg_report_trial rt[3];
	struct mg_fhir_trial trials[3] = {{&rt[0], 1, 1}, {&rt[1], 2, 0}, {&rt[2], 3, 0}};

	mg_profile_init(&p);
	if (mg_kb_load_builtin(&kb, &err) || mg_profile_set(&p, kb, "sex", "female", &err) ||
	    mg_profile_set(&p, kb, "age", "47.25", &err) || mg_profile_set(&p, kb, "weight", "61.37", &err)) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	p.height_cm = INFINITY; /* json_real refuses it: no valueQuantity */

	night(&nights[0], "2026-01-10", 22 * 60 + 30, 3, 250, 1774, "bisglycinate", 22 * 60);
	night(&nights[1], "2026-01-11", 23 * 60, 0, 0.1, NAN, NULL, MG_NIGHT_UNSET);
	night(&nights[2], "2026-01-12", 23 * 60 + 59, 5, 1e20, 3e-7, "a \"quoted\" \\ form\t\x01\x1f\x7f caf\xc3\xa9",
	      6 * 60);
	night(&nights[3], "2026-01-13", 21 * 60, 1, 200, 400, "\xff not UTF-8", 21 * 60); /* the statement fails */
	night(&nights[4], "2026-01-14", 22 * 60, 2, INFINITY, NAN, "oxide", 23 * 60);     /* no doseAndRate */
	night(&nights[5], "2026-01-15", 22 * 60, 2, 123.456789012345678, NAN, "\xe2\x82\xac", 3 * 60);
	night(&nights[6], "2026-01-16", 22 * 60, 4, 1e-7, 2.5e15, "citrate", 12 * 60);
	night(&nights[7], "2026-01-17", 22 * 60, 4, NAN, NAN, NULL, MG_NIGHT_UNSET); /* no magnesium */
	night(&nights[8], "2026-01-18", 22 * 60, 4, -5, NAN, "\xed\xa0\x80 surrogate", MG_NIGHT_UNSET);
	nights[1].m.se_pct = NAN; /* no sleep-efficiency value */

	struct mg_fhir_answer a[] = {
		{"1", MG_FHIR_INTEGER, 3, 0, NULL},
		{"2", MG_FHIR_INTEGER, -9223372036854775807LL - 1, 0, NULL},
		{"bedtime", MG_FHIR_STRING, 0, 0, "23:00"},
		{"rise", MG_FHIR_STRING, 0, 0, "24:00"},
		{"hours", MG_FHIR_DECIMAL, 0, 6.5, NULL},
		{"tiny", MG_FHIR_DECIMAL, 0, 1e-7, NULL},
		{"huge", MG_FHIR_DECIMAL, 0, 1e300, NULL},
		{"third", MG_FHIR_DECIMAL, 0, 1.0 / 3, NULL},
		{"whole", MG_FHIR_DECIMAL, 0, 7, NULL},
		{"nan", MG_FHIR_DECIMAL, 0, NAN, NULL},
		{"yes", MG_FHIR_BOOLEAN, 1, 0, NULL},
		{"no", MG_FHIR_BOOLEAN, 0, 0, NULL},
		{"note", MG_FHIR_STRING, 0, 0, "\b\f\n\r\t\x0b\x1f \"/\\ \xc3\xa9\xf0\x9f\x98\xb4"},
		{"bad", MG_FHIR_STRING, 0, 0, "\xc3\x28"},
		{"null", MG_FHIR_STRING, 0, 0, NULL},
		{"\xc0\x80", MG_FHIR_INTEGER, 1, 0, NULL},
	};
	memset(qs, 0, sizeof qs);
	int isi_items[MG_ISI_ITEMS] = {2, 2, 2, 2, 2, 3, 2};
	qs[0] = (struct mg_fhir_questionnaire){.kind = MG_FHIR_ISI, .answers = a, .n_answers = 2, .scored = 1};
	mg_date_parse("2026-01-18", &qs[0].date);
	mg_isi_score(isi_items, &qs[0].isi, NULL);
	qs[1] = (struct mg_fhir_questionnaire){.kind = MG_FHIR_PSQI, .answers = a + 2,
					       .n_answers = sizeof a / sizeof *a - 2, .scored = 1};
	qs[1].date = qs[0].date;
	for (int i = 0; i < MG_PSQI_COMPONENTS; i++)
		qs[1].psqi.components[i] = i % 4;
	qs[1].psqi.global = 9, qs[1].psqi.poor_sleeper = 1, qs[1].psqi.efficiency_pct = NAN;
	qs[2] = (struct mg_fhir_questionnaire){.kind = MG_FHIR_PSQI, .answers = NULL, .n_answers = 0, .scored = 1};
	qs[2].date = qs[0].date;
	qs[2].psqi.efficiency_pct = 81.25;

	memset(rt, 0, sizeof rt);
	for (int i = 0; i < 3; i++) {
		mg_date_parse("2025-05-01", &rt[i].start);
		mg_date_parse("2025-05-24", &rt[i].end);
	}
	rt[0].outcome_id = "sol", rt[0].outcome_name = "time to fall asleep", rt[0].unit = "min";
	rt[0].mean = -4.12345, rt[0].ci_lo = -9.9999, rt[0].ci_hi = 1.5, rt[0].p_value = 0.0000123456789;
	rt[0].n_used = 4, rt[0].conclusion = "inconclusive";
	snprintf(rt[0].conclusion_text, sizeof rt[0].conclusion_text, "Conclusion: \"inconclusive\".\n\n");
	snprintf(rt[0].pause_note, sizeof rt[0].pause_note, "Paused\ttwice.");
	/* NULL unit and name, no conclusion, a p that is not a number, interim */
	rt[1].outcome_id = "isi", rt[1].interim = 1, rt[1].mean = 2, rt[1].p_value = NAN;
	snprintf(rt[1].conclusion_text, sizeof rt[1].conclusion_text, "caf\xc3");
	rt[2].outcome_id = NULL, rt[2].outcome_name = "se", rt[2].unit = "%", rt[2].too_few = 1;

	struct mg_fhir_input in = {&p, nights, 9, qs, 3, trials, 3};
	same(&in, "edge cases");
	struct mg_fhir_input plain = {&p, nights, 1, qs, 1, trials, 1};
	same(&plain, "one of each");
	struct mg_fhir_input none = {NULL, NULL, 0, NULL, 0, NULL, 0};
	same(&none, "no profile, nothing else");
	p.sex = MG_SEX_UNKNOWN, p.age = NAN, p.weight_kg = NAN, p.height_cm = 170.5;
	struct mg_fhir_input bare = {&p, nights + 7, 2, qs + 2, 1, trials + 2, 1};
	same(&bare, "a profile without sex, age or weight");

	mg_kb_free(kb);
	return tap_done();
}
