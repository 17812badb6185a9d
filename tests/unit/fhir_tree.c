/* The FHIR renderer as it was before issue 14 (src/report/fhir.c at
 * 6e07f97): a jansson tree dumped by jansson. test_fhir_bytes.c checks that
 * the direct writer gives the same bytes. Test-only reference. */
#include <mgsleep/fhir.h>
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

/* Local minutes since the epoch and the UTC offset in minutes ->
 * "2026-11-19T22:30:00+01:00". */
static json_t *datetime(int64_t local, int offset)
{
	char buf[40], date[11], clock[6];
	int32_t day = mg_day_of(local * 60);
	int off = offset < 0 ? -offset : offset;
	mg_date_format(day, date);
	mg_clock_format((int)(local - (int64_t)day * 1440), clock);
	snprintf(buf, sizeof buf, "%sT%s:00%c%02d:%02d", date, clock, offset < 0 ? '-' : '+', off / 60 % 100,
		 off % 60);
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

static void add_patient(struct fhir *f, const struct mg_profile *p)
{
	json_t *pat = json_pack("{s:s}", "resourceType", "Patient");
	if (p && (p->sex == MG_SEX_FEMALE || p->sex == MG_SEX_MALE))
		json_object_set_new(pat, "gender", json_string(p->sex == MG_SEX_FEMALE ? "female" : "male"));
	add(f, pat, f->patient);
	if (!p)
		return;

	/* Age without a birth date: FHIR R4 Patient has no age element, so the
	 * age the person entered is an Observation (LOINC 30525-0 "Age"). */
	if (!isnan(p->age)) {
		json_t *o = observation(f, concept(LOINC, "30525-0", "Age"));
		json_object_set_new(o, "valueQuantity", quantity(p->age, "a", "years"));
		add(f, o, NULL);
	}
	if (isfinite(p->weight_kg)) {
		json_t *o = observation(f, concept(LOINC, "29463-7", "Body weight"));
		json_object_set_new(o, "valueQuantity", quantity(round(p->weight_kg * 10) / 10, "kg", "kg"));
		add(f, o, NULL);
	}
	if (!isnan(p->height_cm)) {
		json_t *o = observation(f, concept(LOINC, "8302-2", "Body height"));
		json_object_set_new(o, "valueQuantity", quantity(p->height_cm, "cm", "cm"));
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

static void add_night(struct fhir *f, const struct mg_fhir_night *fn)
{
	static const struct {
		const char *system, *code, *display, *ucum, *unit;
	} metrics[] = {
		{LOINC, "93832-4", "Sleep duration", "min", "min"},
		{OWN_CS, "time-in-bed", "Time in bed", "min", "min"},
		{OWN_CS, "sleep-onset-latency", "Sleep onset latency", "min", "min"},
		{OWN_CS, "wake-after-sleep-onset", "Wake after sleep onset (WASO)", "min", "min"},
		{OWN_CS, "sleep-efficiency", "Sleep efficiency (total sleep time / time in bed)", "%", "%"},
		{OWN_CS, "awakenings", "Number of awakenings", "{#}", "awakenings"},
	};
	const struct mg_night *n = &fn->n;
	const struct mg_night_metrics *m = &fn->m;
	struct mg_night_times t;
	if (mg_night_timeline(n, &t, NULL))
		return;
	int64_t l_bed = t.local[MG_EV_BED], l_try = t.local[MG_EV_TRY_SLEEP], l_fw = t.local[MG_EV_FINAL_WAKE],
		l_oob = t.local[MG_EV_OUT_OF_BED];
	int off_ev = n->utc_offset_evening, off_mo = n->utc_offset_morning;
	/* in the order of metrics[]; the efficiency to 0.1 % */
	const double value[] = {m->tst, m->tib, m->sol, m->waso, round(m->se_pct * 10) / 10, n->awakenings};

	for (size_t k = 0; k < sizeof metrics / sizeof *metrics; k++) {
		json_t *o = sleep_obs(f, concept(metrics[k].system, metrics[k].code, metrics[k].display), k == 0,
				      datetime(l_bed, off_ev), datetime(l_oob, off_mo));
		json_object_set_new(o, "valueQuantity", quantity(value[k], metrics[k].ucum, metrics[k].unit));
		add(f, o, NULL);
	}
	/* Asleep from sleep onset to the final wake, coded as in the PHR IG's
	 * stage example (the awakenings inside are not separate periods). */
	json_t *o = sleep_obs(f, concept(SNOMED, "258158006", "Sleep, function (observable entity)"), 1,
			      datetime(l_try + m->sol, off_ev), datetime(l_fw, off_mo));
	json_object_set_new(o, "valueCodeableConcept", concept(SNOMED, "248220008", "Asleep (finding)"));
	add(f, o, NULL);
	if (n->quality > 0) {
		o = sleep_obs(f, concept(OWN_CS, "sleep-quality", "Sleep quality rating (1 very poor to 5 very good)"),
			      0, datetime(l_bed, off_ev), datetime(l_oob, off_mo));
		json_object_set_new(o, "valueInteger", json_integer(n->quality));
		add(f, o, NULL);
	}

	if (isnan(fn->mg))
		return;
	char name[128], text[256];
	snprintf(name, sizeof name, "magnesium%s%s", fn->form ? " " : "", fn->form ? fn->form : "");
	int len = snprintf(text, sizeof text, "%g mg elemental magnesium", fn->mg);
	if (!isnan(fn->compound_mg) && len > 0 && (size_t)len < sizeof text)
		len += snprintf(text + len, sizeof text - (size_t)len, " (%g mg %s)", fn->compound_mg, name);
	json_t *dosage = json_object(), *when;
	if (fn->mg_time >= 0 && fn->mg_time < 1440) {
		/* the last time the clock showed that time before the final wake */
		char clock[6];
		int64_t l_t = l_fw - ((n->final_wake - fn->mg_time) % 1440 + 1440) % 1440;
		mg_clock_format(fn->mg_time, clock);
		when = datetime(l_t, l_t <= l_bed ? off_ev : off_mo);
		if (len > 0 && (size_t)len < sizeof text)
			snprintf(text + len, sizeof text - (size_t)len, " at %s", clock);
		json_object_set_new(dosage, "text", json_string(text));
		json_object_set_new(dosage, "timing", json_pack("{s:[O]}", "event", when));
	} else {
		/* no time logged: the evening's date */
		char d[11];
		mg_date_format(mg_day_of(l_bed * 60), d);
		when = json_string(d);
		json_object_set_new(dosage, "text", json_string(text));
	}
	json_object_set_new(dosage, "doseAndRate", json_pack("[{s:o}]", "doseQuantity", quantity(fn->mg, "mg", "mg")));
	json_t *ms = json_pack("{s:s,s:s,s:{s:s},s:o,s:o,s:[o]}", "resourceType", "MedicationStatement", "status",
			       "completed", "medicationCodeableConcept", "text", name, "subject", ref(f->patient),
			       "effectiveDateTime", when, "dosage", dosage);
	add(f, ms, NULL);
}

/* One stored answer as a FHIR answer value; NULL when it has none. */
static json_t *answer(const struct mg_fhir_answer *a)
{
	int min;
	char clock[6], buf[16];
	switch (a->type) {
	case MG_FHIR_INTEGER:
		return json_pack("{s:I}", "valueInteger", (json_int_t)a->integer);
	case MG_FHIR_DECIMAL:
		return json_pack("{s:f}", "valueDecimal", a->decimal);
	case MG_FHIR_BOOLEAN:
		return json_pack("{s:b}", "valueBoolean", a->integer != 0);
	case MG_FHIR_STRING:
		if (a->text && strlen(a->text) == 5 && !mg_clock_parse(a->text, &min)) {
			mg_clock_format(min, clock);
			snprintf(buf, sizeof buf, "%s:00", clock);
			return json_pack("{s:s}", "valueTime", buf);
		}
		return a->text ? json_pack("{s:s}", "valueString", a->text) : NULL;
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

static void add_questionnaire(struct fhir *f, const struct mg_fhir_questionnaire *q)
{
	const char *kind = q->kind == MG_FHIR_ISI ? "isi" : "psqi";
	json_t *items = json_array();
	char url[128], qr[64], date[11];
	if (!items)
		return;
	mg_date_format(q->date, date);
	for (size_t i = 0; i < q->n_answers; i++) {
		json_t *a = answer(&q->answers[i]);
		if (a)
			json_array_append_new(items,
					      json_pack("{s:s,s:[o]}", "linkId", q->answers[i].link_id, "answer", a));
	}
	snprintf(url, sizeof url, OWN_Q "%s", kind);
	add(f,
	    json_pack("{s:s,s:s,s:s,s:o,s:s,s:o,s:o}", "resourceType", "QuestionnaireResponse", "questionnaire", url,
		      "status", "completed", "subject", ref(f->patient), "authored", date, "author", ref(f->patient),
		      "item", items),
	    qr);
	if (!q->scored)
		return;
	if (q->kind == MG_FHIR_ISI) {
		json_t *o = score_obs(f, "isi-total", "Insomnia Severity Index (ISI) total score (0-28)", date, qr,
				      q->isi.total);
		const char *cat = mg_isi_category_label(q->isi.category);
		if (cat)
			json_object_set_new(o, "interpretation", json_pack("[{s:s}]", "text", cat));
		add(f, o, NULL);
		return;
	}
	const struct mg_psqi_result *r = &q->psqi;
	json_t *o = score_obs(f, "psqi-global", "Pittsburgh Sleep Quality Index (PSQI) global score (0-21)", date, qr,
			      r->global);
	json_t *comp = json_array();
	json_object_set_new(o, "interpretation",
			    json_pack("[{s:s}]", "text",
				      r->poor_sleeper ? "poor sleeper (global score above 5)"
						      : "good sleeper (global score 5 or less)"));
	for (int i = 0; i < MG_PSQI_COMPONENTS; i++) {
		char code[32], display[64];
		snprintf(code, sizeof code, "psqi-c%d", i + 1);
		snprintf(display, sizeof display, "PSQI component %d score (0-3)", i + 1);
		json_array_append_new(comp, json_pack("{s:o,s:o}", "code", concept(OWN_CS, code, display),
						      "valueQuantity", quantity(r->components[i], "{score}", "score")));
	}
	/* to 0.1 %, as the store keeps it */
	json_array_append_new(comp, json_pack("{s:o,s:o}", "code",
					      concept(OWN_CS, "psqi-sleep-efficiency", "PSQI habitual sleep efficiency"),
					      "valueQuantity", quantity(round(r->efficiency_pct * 10) / 10, "%", "%")));
	json_object_set_new(o, "component", comp);
	add(f, o, NULL);
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
static void add_trial(struct fhir *f, const struct mg_fhir_trial *ft)
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
	json_object_set_new(o, "status", json_string(ft->replaced ? "cancelled"
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

int fhir_tree_render(const struct mg_fhir_input *in, struct mg_buf *out, struct mg_error *err);
int fhir_tree_render(const struct mg_fhir_input *in, struct mg_buf *out, struct mg_error *err)
{
	struct fhir f = {.entries = NULL};
	char *text = NULL;
	int rc = 0;
	if (sodium_init() < 0) {
		rc = mg_fail(err, MG_EIO, NULL, "cannot start libsodium for the FHIR bundle's ids");
		goto out;
	}
	if (!(f.entries = json_array())) {
		rc = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	add_patient(&f, in->profile);
	for (size_t i = 0; i < in->n_nights; i++)
		add_night(&f, &in->nights[i]);
	for (size_t i = 0; i < in->n_questionnaires; i++)
		add_questionnaire(&f, &in->questionnaires[i]);
	for (size_t i = 0; i < in->n_trials; i++)
		add_trial(&f, &in->trials[i]);

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
	text = json_dumps(bundle, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
	if (!text) {
		rc = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	mg_buf_puts(out, text);
	mg_buf_putc(out, '\n');
	if (out->failed)
		rc = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
out:
	free(text);
	json_decref(f.entries);
	return rc;
}
