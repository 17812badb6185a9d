/* The FHIR renderer (include/mgsleep/fhir.h) on a small typed input, parsed
 * back with jansson: the Bundle's structure (docs/fhir.md: fullUrl = id,
 * version-8 UUIDs, every reference resolving, one entry per exported item)
 * and values worked out by hand:
 *   - 154 lb x 0.45359237 = 69.853 kg -> 69.9 kg (0.1 kg);
 *   - the reference 7.3 worked night (bed 22:30, try 23:00, SOL 30, 2
 *     awakenings, WASO 40, final wake 06:30, out of bed 07:00) on the
 *     morning the clocks go forward (UTC+1 -> UTC+2, 2026-03-29): 60 real
 *     minutes fewer between trying to sleep and the final wake, so TIB
 *     510 - 60 = 450, TST 390 - 30 - 40 = 320, SE 320/450 = 71.1 %; asleep
 *     from 23:00 + 30 min = 23:30 (+01:00) to 06:30 (+02:00); magnesium at
 *     22:00 is before bed, so on the evening's offset;
 *   - ISI 2,2,2,2,2,3,2 = 15, "clinical insomnia (moderate severity)"
 *     (reference 7.1); the reference 7.2 PSQI worked example: global 8,
 *     components 2,2,1,1,1,0,1, efficiency 6.5 h / 8 h = 81.25 -> 81.3 %. */
#include "../tap.h"

#include <mgsleep/fhir.h>
#include <mgsleep/kb.h>
#include <mgsleep/sleep_report.h>

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

static const char psqi_json[] = "{\"bedtime\":\"23:00\",\"sleep_latency_min\":45,\"rise_time\":\"07:00\","
				"\"sleep_hours\":6.5,\"q5a\":2,\"q5b\":1,\"q5c\":1,\"q5d\":1,\"q5e\":1,\"q5f\":1,"
				"\"q5g\":1,\"q5h\":1,\"q5i\":1,\"q5j\":0,\"sleep_quality\":2,\"sleep_medication\":0,"
				"\"trouble_staying_awake\":1,\"enthusiasm\":1}";

static json_t *render(const struct mg_fhir_input *in, char **text)
{
	struct mg_buf b = MG_BUF_INIT;
	struct mg_error err = {0};
	json_t *root = NULL;
	*text = NULL;
	if (!mg_render_fhir(in, &b, &err) && b.data) {
		root = json_loads(b.data, 0, NULL);
		*text = mg_buf_detach(&b, NULL);
	}
	mg_buf_release(&b);
	return root;
}

/* The resources whose code.coding[0].code is code (or, with code NULL, of
 * resourceType type), the first into *first. */
static size_t find(json_t *bundle, const char *type, const char *code, json_t **first)
{
	size_t i, n = 0;
	json_t *e;
	*first = NULL;
	json_array_foreach(json_object_get(bundle, "entry"), i, e) {
		json_t *r = json_object_get(e, "resource");
		const char *rt = json_string_value(json_object_get(r, "resourceType"));
		const char *c = json_string_value(
			json_object_get(json_array_get(json_object_get(json_object_get(r, "code"), "coding"), 0), "code"));
		if (strcmp(rt ? rt : "", type) || (code && strcmp(c ? c : "", code)))
			continue;
		if (!n++)
			*first = r;
	}
	return n;
}

static double num(json_t *o, const char *path1, const char *path2)
{
	json_t *v = json_object_get(json_object_get(o, path1), path2);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(json_t *o, const char *path1, const char *path2)
{
	json_t *v = path2 ? json_object_get(json_object_get(o, path1), path2) : json_object_get(o, path1);
	return json_string_value(v) ? json_string_value(v) : "";
}

static int refs_ok(json_t *x, json_t *urls)
{
	size_t i;
	const char *k;
	json_t *v;
	if (json_is_object(x)) {
		json_t *r = json_object_get(x, "reference");
		if (r && !json_object_get(urls, json_string_value(r)))
			return 0;
		json_object_foreach(x, k, v) if (!refs_ok(v, urls)) return 0;
	} else if (json_is_array(x)) {
		json_array_foreach(x, i, v) if (!refs_ok(v, urls)) return 0;
	}
	return 1;
}

static int uuid8(const char *id)
{
	if (strlen(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-')
		return 0;
	return id[14] == '8' && strchr("89ab", id[19]);
}

int main(void)
{
	struct mg_error err = {0};
	struct mg_kb *kb = NULL;
	struct mg_profile p;
	struct mg_fhir_night nights[2];
	struct mg_fhir_answer isi_a[MG_ISI_ITEMS], psqi_a[3];
	struct mg_fhir_questionnaire qs[2];
	struct mg_report_trial rt;
	struct mg_fhir_trial trial = {&rt, 3, 1};
	struct mg_psqi_answers pa;
	int isi_items[MG_ISI_ITEMS] = {2, 2, 2, 2, 2, 3, 2};
	char *text = NULL, *text2 = NULL;
	json_t *b = NULL, *b2 = NULL, *o;

	mg_profile_init(&p);
	if (mg_kb_load_builtin(&kb, &err) || mg_profile_set(&p, kb, "sex", "male", &err) ||
	    mg_profile_set(&p, kb, "age", "61.5", &err) || mg_profile_set(&p, kb, "weight", "154lb", &err)) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}

	/* night 1: the reference night over the spring DST change, magnesium at 22:00 */
	struct mg_night *n = &nights[0].n;
	mg_night_init(n);
	mg_date_parse("2026-03-29", &n->date);
	n->bed = 22 * 60 + 30, n->try_sleep = 23 * 60, n->final_wake = 6 * 60 + 30, n->out_of_bed = 7 * 60;
	n->sol_min = 30, n->awakenings = 2, n->waso_min = 40, n->quality = 3;
	n->utc_offset_evening = 60, n->utc_offset_morning = 120;
	nights[0].mg = 250, nights[0].compound_mg = 1774, nights[0].form = "bisglycinate", nights[0].mg_time = 22 * 60;
	/* night 2: no DST, no quality, 100 mg without a form or a time */
	n = &nights[1].n;
	mg_night_init(n);
	mg_date_parse("2026-03-30", &n->date);
	n->bed = 23 * 60, n->final_wake = 7 * 60, n->out_of_bed = 7 * 60, n->sol_min = 10, n->awakenings = 0,
	n->waso_min = 0, n->utc_offset_evening = n->utc_offset_morning = 120;
	nights[1].mg = 100, nights[1].compound_mg = NAN, nights[1].form = NULL, nights[1].mg_time = MG_NIGHT_UNSET;
	int bad = mg_night_compute(&nights[0].n, &nights[0].m, &err) || mg_night_compute(&nights[1].n, &nights[1].m, &err);

	memset(qs, 0, sizeof qs);
	for (int i = 0; i < MG_ISI_ITEMS; i++) {
		snprintf(isi_a[i].link_id, sizeof isi_a[i].link_id, "%d", i + 1);
		isi_a[i].type = MG_FHIR_INTEGER, isi_a[i].integer = isi_items[i];
	}
	qs[0] = (struct mg_fhir_questionnaire){.kind = MG_FHIR_ISI, .answers = isi_a, .n_answers = MG_ISI_ITEMS, .scored = 1};
	mg_date_parse("2026-03-30", &qs[0].date);
	bad |= mg_isi_score(isi_items, &qs[0].isi, &err);
	/* three of the PSQI answers as stored, one of each kind */
	psqi_a[0] = (struct mg_fhir_answer){"bedtime", MG_FHIR_STRING, 0, 0, "23:00"};
	psqi_a[1] = (struct mg_fhir_answer){"sleep_hours", MG_FHIR_DECIMAL, 0, 6.5, NULL};
	psqi_a[2] = (struct mg_fhir_answer){"q5j_reason", MG_FHIR_STRING, 0, 0, "24:00"};
	qs[1] = (struct mg_fhir_questionnaire){.kind = MG_FHIR_PSQI, .answers = psqi_a, .n_answers = 3, .scored = 1};
	qs[1].date = qs[0].date;
	bad |= mg_psqi_parse_json(psqi_json, strlen(psqi_json), &pa, &err) || mg_psqi_score(&pa, &qs[1].psqi, &err);

	memset(&rt, 0, sizeof rt);
	mg_date_parse("2025-05-01", &rt.start);
	mg_date_parse("2025-05-24", &rt.end);
	rt.outcome_id = "isi", rt.outcome_name = "the insomnia severity (ISI total, 0-28)", rt.unit = "points";
	rt.mean = rt.ci_lo = rt.ci_hi = -4, rt.p_value = 0.5, rt.n_used = 2, rt.conclusion = "inconclusive";
	snprintf(rt.conclusion_text, sizeof rt.conclusion_text, "Conclusion: inconclusive.\n");
	if (bad) {
		printf("Bail out! the input does not validate: %s\n", err.msg);
		return 1;
	}

	struct mg_fhir_input in = {&p, nights, 2, qs, 2, &trial, 1};
	b = render(&in, &text);
	ok(b && !strcmp(str(b, "resourceType", NULL), "Bundle") && !strcmp(str(b, "type", NULL), "collection"),
	   "a Bundle of type collection");
	ok(uuid8(str(b, "id", NULL)), "the Bundle's id is a version-8 UUID");
	/* Patient, age, weight; 6 metrics + asleep + quality + dose; 6 + asleep + dose;
	 * ISI response and score; PSQI response and score; the trial */
	ok(json_array_size(json_object_get(b, "entry")) == 3 + 9 + 8 + 2 + 2 + 1, "25 entries (3 + 9 + 8 + 2 + 2 + 1)");
	size_t i;
	json_t *e, *urls = json_object();
	int ids = 1;
	json_array_foreach(json_object_get(b, "entry"), i, e) {
		char want[64];
		const char *id = str(e, "resource", "id");
		snprintf(want, sizeof want, "urn:uuid:%s", id);
		ids &= uuid8(id) && !strcmp(str(e, "fullUrl", NULL), want) && !json_object_get(urls, want);
		json_object_set_new(urls, want, json_true());
	}
	ok(ids, "every entry: fullUrl urn:uuid:ID, ID a version-8 UUID, no two alike");
	ok(refs_ok(b, urls), "every reference resolves to an entry");
	json_decref(urls);

	ok(find(b, "Patient", NULL, &o) == 1 && !strcmp(str(o, "gender", NULL), "male") && json_object_size(o) == 3,
	   "one Patient: resourceType, id, gender male (nothing else)");
	ok(find(b, "Observation", "30525-0", &o) == 1 && num(o, "valueQuantity", "value") == 61.5 &&
		   !strcmp(str(o, "valueQuantity", "code"), "a"),
	   "age 61.5 a (LOINC 30525-0)");
	ok(find(b, "Observation", "29463-7", &o) == 1 && num(o, "valueQuantity", "value") == 69.9,
	   "154 lb is 69.9 kg (LOINC 29463-7)");
	ok(find(b, "Observation", "8302-2", &o) == 0, "no height entered: no height Observation");

	ok(find(b, "Observation", "93832-4", &o) == 2 && num(o, "valueQuantity", "value") == 320 &&
		   json_is_integer(json_object_get(json_object_get(o, "valueQuantity"), "value")),
	   "TST 320 min on the DST night, an integer (LOINC 93832-4)");
	is_str(str(o, "effectivePeriod", "start"), "2026-03-28T22:30:00+01:00", "... from bed on the evening's offset");
	is_str(str(o, "effectivePeriod", "end"), "2026-03-29T07:00:00+02:00", "... to out of bed on the morning's");
	ok(!strcmp(json_string_value(json_array_get(json_object_get(json_object_get(o, "meta"), "profile"), 0)),
		   "http://hl7.org/fhir/uv/phr/StructureDefinition/pcd-sleep-observation"),
	   "... with the PHR sleep profile");
	ok(find(b, "Observation", "time-in-bed", &o) == 2 && num(o, "valueQuantity", "value") == 450, "TIB 450 min");
	ok(find(b, "Observation", "sleep-efficiency", &o) == 2 && num(o, "valueQuantity", "value") == 71.1 &&
		   !strcmp(str(o, "valueQuantity", "code"), "%"),
	   "SE 71.1 %%");
	ok(find(b, "Observation", "awakenings", &o) == 2 && num(o, "valueQuantity", "value") == 2 &&
		   !strcmp(str(o, "valueQuantity", "code"), "{#}"),
	   "2 awakenings {#}");
	ok(find(b, "Observation", "258158006", &o) == 2 &&
		   !strcmp(str(o, "effectivePeriod", "start"), "2026-03-28T23:30:00+01:00") &&
		   !strcmp(str(o, "effectivePeriod", "end"), "2026-03-29T06:30:00+02:00"),
	   "asleep 23:30 (+01:00) to 06:30 (+02:00)");
	ok(find(b, "Observation", "sleep-quality", &o) == 1 && json_integer_value(json_object_get(o, "valueInteger")) == 3,
	   "quality 3 on the first night only (0 = not given)");

	ok(find(b, "MedicationStatement", NULL, &o) == 2, "two MedicationStatements");
	is_str(str(o, "effectiveDateTime", NULL), "2026-03-28T22:00:00+01:00", "22:00 before bed: evening's offset");
	json_t *d = json_array_get(json_object_get(o, "dosage"), 0);
	is_str(str(d, "text", NULL), "250 mg elemental magnesium (1774 mg magnesium bisglycinate) at 22:00", "dose text");
	json_t *dq = json_object_get(json_array_get(json_object_get(d, "doseAndRate"), 0), "doseQuantity");
	ok(json_number_value(json_object_get(dq, "value")) == 250 && !strcmp(str(dq, "code", NULL), "mg"),
	   "dose 250 mg (UCUM mg)");
	json_t *m2 = json_object_get(json_array_get(json_object_get(b, "entry"), 3 + 9 + 7), "resource");
	is_str(str(m2, "effectiveDateTime", NULL), "2026-03-29", "no time logged: the evening's date");
	is_str(str(json_array_get(json_object_get(m2, "dosage"), 0), "text", NULL), "100 mg elemental magnesium",
	       "... and the dose text without compound or time");
	is_str(str(m2, "medicationCodeableConcept", "text"), "magnesium", "... no form: just magnesium");

	ok(find(b, "Observation", "isi-total", &o) == 1 && num(o, "valueQuantity", "value") == 15 &&
		   !strcmp(str(json_array_get(json_object_get(o, "interpretation"), 0), "text", NULL),
			   "clinical insomnia (moderate severity)"),
	   "ISI total 15, clinical insomnia (moderate severity)");
	ok(find(b, "Observation", "psqi-global", &o) == 1 && num(o, "valueQuantity", "value") == 8, "PSQI global 8");
	json_t *comp = json_object_get(o, "component");
	int want_c[] = {2, 2, 1, 1, 1, 0, 1}, comps = json_array_size(comp) == 8;
	for (int k = 0; comps && k < 7; k++)
		comps = num(json_array_get(comp, (size_t)k), "valueQuantity", "value") == want_c[k];
	ok(comps, "PSQI components 2,2,1,1,1,0,1 and the efficiency");
	ok(num(json_array_get(comp, 7), "valueQuantity", "value") == 81.3, "PSQI efficiency 81.25 -> 81.3 %%");
	is_str(str(json_array_get(json_object_get(o, "interpretation"), 0), "text", NULL),
	       "poor sleeper (global score above 5)", "8 is above 5: poor sleeper");
	ok(find(b, "QuestionnaireResponse", NULL, &o) == 2 && json_array_size(json_object_get(o, "item")) == 7 &&
		   json_integer_value(json_object_get(
			   json_array_get(json_object_get(json_array_get(json_object_get(o, "item"), 5), "answer"), 0),
			   "valueInteger")) == 3,
	   "the ISI response: 7 items, item 6 answered 3");
	json_t *it = json_object_get(json_object_get(json_array_get(json_object_get(b, "entry"), 22), "resource"), "item");
	is_str(str(json_array_get(json_object_get(json_array_get(it, 0), "answer"), 0), "valueTime", NULL), "23:00:00",
	       "a stored clock time is a valueTime");
	json_t *dec = json_object_get(json_array_get(json_object_get(json_array_get(it, 1), "answer"), 0), "valueDecimal");
	ok(json_is_real(dec) && json_real_value(dec) == 6.5, "a decimal is a valueDecimal 6.5");
	is_str(str(json_array_get(json_object_get(json_array_get(it, 2), "answer"), 0), "valueString", NULL), "24:00",
	       "24:00 is not a clock time: a valueString");

	ok(find(b, "Observation", "nof1-trial-result", &o) == 1 && !strcmp(str(o, "status", NULL), "cancelled"),
	   "the replaced trial's result is cancelled");
	is_str(str(o, "effectivePeriod", "start"), "2025-05-01", "trial start");
	comp = json_object_get(o, "component");
	ok(json_array_size(comp) == 8 && num(json_array_get(comp, 3), "valueQuantity", "value") == -4 &&
		   !strcmp(str(json_array_get(comp, 3), "valueQuantity", "code"), "{score}") &&
		   num(json_array_get(comp, 6), "valueQuantity", "value") == 0.5,
	   "8 components: mean difference -4 {score}, p 0.5");
	is_str(str(json_array_get(json_object_get(o, "note"), 0), "text", NULL), "Conclusion: inconclusive.",
	       "the note without the trailing newline");

	b2 = render(&in, &text2);
	ok(text && text2 && !strcmp(text, text2), "the same input gives the same bytes");
	free(text2);
	json_decref(b2);
	nights[1].mg = 101;
	b2 = render(&in, &text2);
	ok(text2 && strcmp(str(b, "id", NULL), str(b2, "id", NULL)), "a different dose gives another Bundle id");
	free(text2);
	json_decref(b2);

	struct mg_fhir_input empty = {0};
	b2 = render(&empty, &text2);
	ok(b2 && json_array_size(json_object_get(b2, "entry")) == 1 && find(b2, "Patient", NULL, &o) == 1 &&
		   json_object_size(o) == 2,
	   "no data: a Bundle with just a Patient (no gender)");
	ok(text2 && text2[strlen(text2) - 1] == '\n' && text2[strlen(text2) - 2] == '}', "ends with a newline");
	free(text2);
	json_decref(b2);

	free(text);
	json_decref(b);
	mg_kb_free(kb);
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
