/* FHIR form of an export (issue 5): an HL7 FHIR R4 Bundle of type
 * "collection", built from the JSON export (the source of truth) the way
 * export_csv.c builds CSV. What goes in, the codes and what is left out:
 * docs/fhir.md.
 *
 * Deterministic: every resource's id is a UUID (version 8, RFC 9562) made
 * from a BLAKE2b hash of its position and its content, so the same data gives
 * the same bytes. */
#include "cli.h"

#include <mgsleep/night.h>
#include <mgsleep/sleep_report.h>

#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UCUM "http://unitsofmeasure.org"
#define LOINC "http://loinc.org"
#define SNOMED "http://snomed.info/sct"
#define OWN_CS "https://mgsleep.invalid/CodeSystem/sleep"
#define OWN_Q "https://mgsleep.invalid/Questionnaire/"
#define PHR_SLEEP "http://hl7.org/fhir/uv/phr/StructureDefinition/pcd-sleep-observation"

struct fhir {
	json_t *entries;
	char patient[64]; /* fullUrl of the Patient */
	int seq;
};

static int parse_date(const char *s, int64_t *days)
{
	int32_t d;
	if (!s || mg_date_parse(s, &d))
		return -1;
	*days = d;
	return 0;
}

static int parse_clock(const char *s, int *min)
{
	int h, m;
	if (!s || sscanf(s, "%2d:%2d", &h, &m) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	*min = h * 60 + m;
	return 0;
}

/* Local minutes since the epoch and the UTC offset in minutes ->
 * "2026-11-19T22:30:00+01:00". */
static json_t *datetime(int64_t local, int offset)
{
	char buf[40];
	int32_t day = mg_day_of(local * 60);
	int mins = (int)(local - (int64_t)day * 1440), y, mo, d;
	mg_civil_from_days(day, &y, &mo, &d);
	int off = offset < 0 ? -offset : offset;
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:00%c%02d:%02d", y, mo, d, mins / 60, mins % 60,
		 offset < 0 ? '-' : '+', off / 60 % 100, off % 60);
	return json_string(buf);
}

static json_t *quantity(double value, const char *code, const char *unit)
{
	json_t *v = value == floor(value) && fabs(value) < 1e15 ? json_integer((json_int_t)value) : json_real(value);
	return json_pack("{s:o,s:s,s:s,s:s}", "value", v, "unit", unit, "system", UCUM, "code", code);
}

static json_t *concept(const char *system, const char *code, const char *display)
{
	return json_pack("{s:[{s:s,s:s,s:s}],s:s}", "coding", "system", system, "code", code, "display", display,
			 "text", display);
}

static json_t *ref(const char *url)
{
	return json_pack("{s:s}", "reference", url);
}

/* Give res an id (resourceType first, then id) and append it as an entry;
 * its fullUrl is copied to url (room for 64) when url is not NULL. */
static void add(struct fhir *f, json_t *res, char *url)
{
	char *dump = json_dumps(res, JSON_COMPACT | JSON_REAL_PRECISION(15));
	unsigned char h[16];
	char seq[24], u[64];
	crypto_generichash_state st;
	snprintf(seq, sizeof seq, "mgsleep-fhir %d\n", f->seq++);
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)seq, strlen(seq));
	if (dump)
		crypto_generichash_update(&st, (const unsigned char *)dump, strlen(dump));
	crypto_generichash_final(&st, h, sizeof h);
	free(dump);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* version 8: custom */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* RFC 9562 variant */
	int n = snprintf(u, sizeof u, "urn:uuid:");
	for (int i = 0; i < 16; i++)
		n += snprintf(u + n, sizeof u - (size_t)n, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "",
			      h[i]);
	json_t *r = json_object(), *v;
	const char *key;
	json_object_set(r, "resourceType", json_object_get(res, "resourceType"));
	json_object_set_new(r, "id", json_string(u + strlen("urn:uuid:")));
	json_object_foreach(res, key, v) {
		if (strcmp(key, "resourceType"))
			json_object_set(r, key, v);
	}
	json_decref(res);
	json_array_append_new(f->entries, json_pack("{s:s,s:o}", "fullUrl", u, "resource", r));
	if (url)
		memcpy(url, u, strlen(u) + 1);
}

/* An Observation about the person: code, subject, performer. */
static json_t *observation(const struct fhir *f, json_t *code)
{
	return json_pack("{s:s,s:s,s:o,s:o}", "resourceType", "Observation", "status", "final", "code", code,
			 "subject", ref(f->patient));
}

static void add_patient(struct fhir *f, json_t *profile)
{
	json_t *p = json_pack("{s:s}", "resourceType", "Patient");
	const char *sex = json_string_value(json_object_get(profile, "sex"));
	if (sex && (!strcmp(sex, "female") || !strcmp(sex, "male")))
		json_object_set_new(p, "gender", json_string(sex));
	add(f, p, f->patient);

	/* Age without a birth date: FHIR R4 Patient has no age element, so the
	 * age the person entered is an Observation (LOINC 30525-0 "Age"). */
	json_t *v = json_object_get(profile, "age");
	if (json_is_number(v)) {
		json_t *o = observation(f, concept(LOINC, "30525-0", "Age"));
		json_object_set_new(o, "valueQuantity", quantity(json_number_value(v), "a", "years"));
		add(f, o, NULL);
	}
	v = json_object_get(profile, "weight");
	double kg = NAN;
	if (json_is_number(v)) {
		kg = json_number_value(v);
	} else if (json_is_string(v)) {
		char *end;
		kg = strtod(json_string_value(v), &end);
		if (!strncmp(end, "lb", 2))
			kg *= 0.45359237;
		else if (*end && strcmp(end, "kg"))
			kg = NAN;
	}
	if (isfinite(kg)) {
		json_t *o = observation(f, concept(LOINC, "29463-7", "Body weight"));
		json_object_set_new(o, "valueQuantity", quantity(round(kg * 10) / 10, "kg", "kg"));
		add(f, o, NULL);
	}
	v = json_object_get(profile, "height");
	if (json_is_number(v)) {
		json_t *o = observation(f, concept(LOINC, "8302-2", "Body height"));
		json_object_set_new(o, "valueQuantity", quantity(json_number_value(v), "cm", "cm"));
		add(f, o, NULL);
	}
}

/* A sleep Observation shaped like the HL7 PHR IG examples. */
static json_t *sleep_obs(const struct fhir *f, json_t *code, int phr, json_t *start, json_t *end)
{
	json_t *o = json_pack("{s:s}", "resourceType", "Observation");
	if (phr)
		json_object_set_new(o, "meta", json_pack("{s:[s]}", "profile", PHR_SLEEP));
	json_object_set_new(o, "status", json_string("final"));
	json_object_set_new(o, "code", code);
	json_object_set_new(o, "subject", ref(f->patient));
	json_object_set_new(o, "effectivePeriod", json_pack("{s:o,s:o}", "start", start, "end", end));
	json_object_set_new(o, "performer", json_pack("[o]", ref(f->patient)));
	return o;
}

static void add_night(struct fhir *f, json_t *night)
{
	static const struct {
		const char *key, *system, *code, *display, *ucum, *unit;
	} metrics[] = {
		{"tst", LOINC, "93832-4", "Sleep duration", "min", "min"},
		{"tib", OWN_CS, "time-in-bed", "Time in bed", "min", "min"},
		{"sol", OWN_CS, "sleep-onset-latency", "Sleep onset latency", "min", "min"},
		{"waso", OWN_CS, "wake-after-sleep-onset", "Wake after sleep onset (WASO)", "min", "min"},
		{"se", OWN_CS, "sleep-efficiency", "Sleep efficiency (total sleep time / time in bed)", "%", "%"},
		{"awakenings", OWN_CS, "awakenings", "Number of awakenings", "{#}", "awakenings"},
	};
	json_t *e = json_object_get(night, "entry");
	int64_t day;
	int bed, try_sleep, fw, oob, sol = (int)json_integer_value(json_object_get(night, "sol"));
	int off_ev = (int)json_integer_value(json_object_get(e, "utc_offset_evening"));
	int off_mo = (int)json_integer_value(json_object_get(e, "utc_offset_morning"));
	if (parse_date(json_string_value(json_object_get(night, "date")), &day) ||
	    parse_clock(json_string_value(json_object_get(e, "bed")), &bed) ||
	    parse_clock(json_string_value(json_object_get(e, "final_wake")), &fw) ||
	    parse_clock(json_string_value(json_object_get(e, "out_of_bed")), &oob))
		return;
	if (parse_clock(json_string_value(json_object_get(e, "try_sleep")), &try_sleep))
		try_sleep = bed;
	/* The same timeline as mg_night_timeline: anchored on the final wake on
	 * the morning's date, the other times walked back (or on) by clock gaps. */
	int64_t l_fw = day * 1440 + fw;
	int64_t l_try = l_fw - ((fw - try_sleep) % 1440 + 1440) % 1440;
	int64_t l_bed = l_try - ((try_sleep - bed) % 1440 + 1440) % 1440;
	int64_t l_oob = l_fw + ((oob - fw) % 1440 + 1440) % 1440;

	for (size_t k = 0; k < sizeof metrics / sizeof *metrics; k++) {
		json_t *v = json_object_get(!strcmp(metrics[k].key, "awakenings") ? e : night, metrics[k].key);
		if (!json_is_number(v))
			continue;
		double x = json_number_value(v);
		if (!strcmp(metrics[k].key, "se"))
			x = round(x * 10) / 10;
		json_t *o = sleep_obs(f, concept(metrics[k].system, metrics[k].code, metrics[k].display), k == 0,
				      datetime(l_bed, off_ev), datetime(l_oob, off_mo));
		json_object_set_new(o, "valueQuantity", quantity(x, metrics[k].ucum, metrics[k].unit));
		add(f, o, NULL);
	}
	/* Asleep from sleep onset to the final wake, coded as in the PHR IG's
	 * stage example (the awakenings inside are not separate periods). */
	json_t *o = sleep_obs(f, concept(SNOMED, "258158006", "Sleep, function (observable entity)"), 1,
			      datetime(l_try + sol, off_ev), datetime(l_fw, off_mo));
	json_object_set_new(o, "valueCodeableConcept", concept(SNOMED, "248220008", "Asleep (finding)"));
	add(f, o, NULL);
	json_t *q = json_object_get(e, "quality");
	if (json_is_integer(q)) {
		o = sleep_obs(f, concept(OWN_CS, "sleep-quality", "Sleep quality rating (1 very poor to 5 very good)"),
			      0, datetime(l_bed, off_ev), datetime(l_oob, off_mo));
		json_object_set_new(o, "valueInteger", json_integer(json_integer_value(q)));
		add(f, o, NULL);
	}

	json_t *m = json_object_get(e, "magnesium");
	json_t *mg = json_object_get(m, "elemental_mg");
	if (!json_is_object(m) || !json_is_number(mg))
		return;
	const char *form = json_string_value(json_object_get(m, "form"));
	char name[128], text[256];
	snprintf(name, sizeof name, "magnesium%s%s", form ? " " : "", form ? form : "");
	int n = snprintf(text, sizeof text, "%g mg elemental magnesium", json_number_value(mg));
	json_t *cmg = json_object_get(m, "compound_mg");
	if (json_is_number(cmg) && n > 0 && (size_t)n < sizeof text)
		n += snprintf(text + n, sizeof text - (size_t)n, " (%g mg %s)", json_number_value(cmg), name);
	json_t *dosage = json_object(), *when;
	int t;
	if (!parse_clock(json_string_value(json_object_get(m, "time")), &t)) {
		/* the last time the clock showed that time before the final wake */
		int64_t l_t = l_fw - ((fw - t) % 1440 + 1440) % 1440;
		when = datetime(l_t, l_t <= l_bed ? off_ev : off_mo);
		if (n > 0 && (size_t)n < sizeof text)
			snprintf(text + n, sizeof text - (size_t)n, " at %s", json_string_value(json_object_get(m, "time")));
		json_object_set_new(dosage, "text", json_string(text));
		json_object_set_new(dosage, "timing", json_pack("{s:[O]}", "event", when));
	} else {
		/* no time logged: the evening's date */
		char d[11];
		mg_date_format(mg_day_of(l_bed * 60), d);
		when = json_string(d);
		json_object_set_new(dosage, "text", json_string(text));
	}
	json_object_set_new(dosage, "doseAndRate",
			    json_pack("[{s:o}]", "doseQuantity", quantity(json_number_value(mg), "mg", "mg")));
	json_t *ms = json_pack("{s:s,s:s,s:{s:s},s:o,s:o,s:[o]}", "resourceType", "MedicationStatement", "status",
			       "completed", "medicationCodeableConcept", "text", name, "subject", ref(f->patient),
			       "effectiveDateTime", when, "dosage", dosage);
	add(f, ms, NULL);
}

static json_t *answer(json_t *v)
{
	int h, m;
	char buf[16];
	if (json_is_integer(v))
		return json_pack("{s:O}", "valueInteger", v);
	if (json_is_real(v))
		return json_pack("{s:O}", "valueDecimal", v);
	if (json_is_boolean(v))
		return json_pack("{s:O}", "valueBoolean", v);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strlen(s) == 5 && sscanf(s, "%2d:%2d", &h, &m) == 2) {
			snprintf(buf, sizeof buf, "%02d:%02d:00", h, m);
			return json_pack("{s:s}", "valueTime", buf);
		}
		return json_pack("{s:O}", "valueString", v);
	}
	return NULL;
}

static json_t *score_obs(const struct fhir *f, const char *code, const char *display, const char *date,
			 const char *qr, double score)
{
	json_t *o = observation(f, concept(OWN_CS, code, display));
	json_object_set_new(o, "effectiveDateTime", json_string(date));
	json_object_set_new(o, "valueQuantity", quantity(score, "{score}", "score"));
	json_object_set_new(o, "derivedFrom", json_pack("[o]", ref(qr)));
	return o;
}

static void add_questionnaire(struct fhir *f, json_t *q)
{
	const char *kind = json_string_value(json_object_get(q, "kind"));
	const char *date = json_string_value(json_object_get(q, "date"));
	json_t *answers = json_object_get(q, "answers"), *res = json_object_get(q, "result"), *items = json_array(), *v;
	char url[128], qr[64];
	size_t i;
	if (!kind || !date || !items)
		return;
	if (json_is_array(answers)) {
		json_array_foreach(answers, i, v) {
			char id[24];
			json_t *a = answer(v);
			snprintf(id, sizeof id, "%zu", i + 1);
			if (a)
				json_array_append_new(items, json_pack("{s:s,s:[o]}", "linkId", id, "answer", a));
		}
	} else {
		const char *key;
		json_object_foreach(answers, key, v) {
			json_t *a = answer(v);
			if (a)
				json_array_append_new(items, json_pack("{s:s,s:[o]}", "linkId", key, "answer", a));
		}
	}
	snprintf(url, sizeof url, OWN_Q "%s", kind);
	add(f,
	    json_pack("{s:s,s:s,s:s,s:o,s:s,s:o,s:o}", "resourceType", "QuestionnaireResponse", "questionnaire", url,
		      "status", "completed", "subject", ref(f->patient), "authored", date, "author", ref(f->patient),
		      "item", items),
	    qr);
	if (!strcmp(kind, "isi") && json_is_number(v = json_object_get(res, "total"))) {
		json_t *o = score_obs(f, "isi-total", "Insomnia Severity Index (ISI) total score (0-28)", date, qr,
				      json_number_value(v));
		const char *cat = json_string_value(json_object_get(res, "category_text"));
		if (cat)
			json_object_set_new(o, "interpretation", json_pack("[{s:s}]", "text", cat));
		add(f, o, NULL);
	} else if (!strcmp(kind, "psqi") && json_is_number(v = json_object_get(res, "global"))) {
		json_t *o = score_obs(f, "psqi-global", "Pittsburgh Sleep Quality Index (PSQI) global score (0-21)",
				      date, qr, json_number_value(v));
		json_t *poor = json_object_get(res, "poor_sleeper"), *comp = json_array(), *c;
		if (json_is_boolean(poor))
			json_object_set_new(o, "interpretation",
					    json_pack("[{s:s}]", "text",
						      json_is_true(poor) ? "poor sleeper (global score above 5)"
									 : "good sleeper (global score 5 or less)"));
		json_array_foreach(json_object_get(res, "components"), i, c) {
			char code[32], display[64];
			snprintf(code, sizeof code, "psqi-c%zu", i + 1);
			snprintf(display, sizeof display, "PSQI component %zu score (0-3)", i + 1);
			json_array_append_new(comp, json_pack("{s:o,s:o}", "code", concept(OWN_CS, code, display),
							      "valueQuantity",
							      quantity(json_number_value(c), "{score}", "score")));
		}
		if (json_is_number(c = json_object_get(res, "efficiency_pct")))
			json_array_append_new(comp, json_pack("{s:o,s:o}", "code",
							      concept(OWN_CS, "psqi-sleep-efficiency",
								      "PSQI habitual sleep efficiency"),
							      "valueQuantity", quantity(json_number_value(c), "%", "%")));
		if (json_array_size(comp))
			json_object_set_new(o, "component", comp);
		else
			json_decref(comp);
		add(f, o, NULL);
	}
}

/* Rounded to 3 decimals, so the bundle does not carry binary noise. */
static double r3(double x)
{
	return round(x * 1000) / 1000;
}

static json_t *component(const char *code, const char *display, const char *key, json_t *value)
{
	return json_pack("{s:o,s:o}", "code", concept(OWN_CS, code, display), key, value);
}

/* The result of one N-of-1 trial as one Observation (docs/fhir.md): a
 * replaced trial is "cancelled", one still running "preliminary". */
static void add_trial(struct fhir *f, const struct cli_fhir_trial *ft)
{
	static const char *const units[][2] = {{"sol", "min"}, {"tst", "min"}, {"waso", "min"}, {"se", "%"},
						{"awakenings", "{#}"}, {"quality", "{score}"}, {"isi", "{score}"}};
	const struct mg_report_trial *t = ft->rt;
	const char *ucum = "1";
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (t->outcome_id && !strcmp(units[i][0], t->outcome_id))
			ucum = units[i][1];
	char s[11], e[11], text[2048];
	mg_date_format(t->start, s);
	mg_date_format(t->end, e);
	json_t *o = observation(f, concept(OWN_CS, "nof1-trial-result",
					   "N-of-1 trial of magnesium: effect, magnesium minus none"));
	json_object_set_new(o, "status", json_string(!strcmp(ft->status, "replaced") ? "cancelled"
						     : t->interim                ? "preliminary"
										 : "final"));
	json_object_set_new(o, "effectivePeriod", json_pack("{s:s,s:s}", "start", s, "end", e));
	json_t *c = json_array();
	json_array_append_new(c, component("nof1-trial", "Trial number in mgsleep", "valueInteger", json_integer(ft->id)));
	json_array_append_new(c, component("nof1-outcome", "Primary outcome of the trial", "valueString",
					   json_string(t->outcome_name)));
	json_array_append_new(c, component("nof1-conclusion", "Pre-specified conclusion", "valueString",
					   json_string(t->conclusion ? t->conclusion : "not-enough-information")));
	if (!t->too_few) {
		json_array_append_new(c, component("nof1-mean-difference", "Mean difference, magnesium minus none",
						   "valueQuantity", quantity(r3(t->mean), ucum, t->unit)));
		json_array_append_new(c, component("nof1-ci95-low", "95 % interval of the mean difference, low",
						   "valueQuantity", quantity(r3(t->ci_lo), ucum, t->unit)));
		json_array_append_new(c, component("nof1-ci95-high", "95 % interval of the mean difference, high",
						   "valueQuantity", quantity(r3(t->ci_hi), ucum, t->unit)));
		/* 6 significant digits: a small p stays above 0 */
		char pv[32];
		snprintf(pv, sizeof pv, "%.6g", t->p_value);
		json_array_append_new(c, component("nof1-randomisation-p", "Randomisation test p-value",
						   "valueQuantity", quantity(strtod(pv, NULL), "1", "1")));
	}
	json_array_append_new(c, component("nof1-pairs-used", "Pairs of periods used in the analysis",
					   "valueInteger", json_integer(t->n_used)));
	json_object_set_new(o, "component", c);
	snprintf(text, sizeof text, "%s%s%s", t->conclusion_text, t->pause_note[0] ? " " : "", t->pause_note);
	size_t n = strlen(text);
	while (n && text[n - 1] == '\n')
		text[--n] = 0;
	json_object_set_new(o, "note", json_pack("[{s:s}]", "text", text));
	add(f, o, NULL);
}

int cli_export_fhir(const char *json, const struct cli_fhir_trial *trials, size_t n_trials, struct mg_buf *out,
		    int *status)
{
	json_t *root = json_loads(json, 0, NULL), *v;
	struct fhir f = {.entries = json_array()};
	size_t i;
	if (!root || !f.entries || sodium_init() < 0) {
		json_decref(root);
		json_decref(f.entries);
		return *status = cli_error(EXIT_FAIL, "export: cannot read the store's export");
	}
	add_patient(&f, json_object_get(root, "profile"));
	json_array_foreach(json_object_get(root, "nights"), i, v)
		add_night(&f, v);
	json_array_foreach(json_object_get(root, "questionnaires"), i, v)
		add_questionnaire(&f, v);
	for (size_t k = 0; k < n_trials; k++)
		add_trial(&f, &trials[k]);
	json_decref(root);

	/* The Bundle's own id: a hash of all its entries. */
	json_t *b = json_pack("{s:s,s:o}", "resourceType", "Bundle", "entries", f.entries);
	f.seq = -1;
	f.entries = json_array();
	add(&f, b, NULL);
	json_t *bundle = json_object_get(json_array_get(f.entries, 0), "resource");
	json_t *entries = json_object_get(bundle, "entries");
	json_object_set_new(bundle, "type", json_string("collection"));
	json_object_set(bundle, "entry", entries);
	json_object_del(bundle, "entries");
	char *text = json_dumps(bundle, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
	json_decref(f.entries);
	if (!text)
		return *status = cli_error(EXIT_FAIL, "out of memory");
	mg_buf_puts(out, text);
	mg_buf_putc(out, '\n');
	free(text);
	if (out->failed)
		*status = cli_error(EXIT_FAIL, "out of memory");
	return *status;
}
