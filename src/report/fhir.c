/* The FHIR Bundle of include/mgsleep/fhir.h. Layout only: the caller
 * gathers the typed input (src/cli/export_fhir.c, from the store's export);
 * the night is placed in time by mg_night_timeline and dates are written
 * with night.h. What goes in, the codes and what is left out: docs/fhir.md.
 *
 * The bytes are those of the jansson tree this file built before (issue 12:
 * the bytes the CLI wrote since issue 5): each resource hashed as jansson's
 * JSON_COMPACT | JSON_REAL_PRECISION(15) dump, the Bundle written as its
 * JSON_INDENT(1) dump, key order as inserted. Building and dumping that tree
 * took about a second for three years of nights (issue 14), so each
 * resource is now written straight as compact text, hashed, wrapped in its
 * entry (hashed again for the Bundle's id) and indented into out; the
 * Bundle's id is filled in at the end. Where jansson would have refused a
 * value (a NULL or non-UTF-8 string, a number that is not finite) the key or
 * the element is left out as its failed json_pack or json_object_set_new
 * did; tests/unit/test_fhir_bytes.c compares with the tree on such input. */
#include <mgsleep/fhir.h>
#include <mgsleep/night.h>
#include <mgsleep/sleep_report.h>

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

/* The Bundle's first lines as JSON_INDENT(1) lays them out; its id (36
 * characters) is filled in at the end. */
#define BUNDLE_HEAD "{\n \"resourceType\": \"Bundle\",\n \"id\": \""
#define BUNDLE_TAIL "\",\n \"type\": \"collection\",\n \"entry\": ["
#define UUID_LEN 36

struct fhir {
	struct mg_buf *out;  /* the Bundle, indented */
	struct mg_buf res;   /* the resource being written, compact, without its id */
	struct mg_buf entry; /* the entry being written, compact */
	size_t res_type_end; /* in res: just after the resourceType's value */
	crypto_generichash_state bundle; /* of the Bundle's compact form without its id (its id's input) */
	char patient[64];    /* fullUrl of the Patient */
	int seq;
};

#define LIT(b, s) mg_buf_add((b), s, sizeof s - 1)

/* jansson's utf8_check_string: what json_string and json_pack's "s" accept. */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!s)
		return 0;
	while (*p) {
		unsigned c = *p, n;
		uint32_t v;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, v = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, v = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, v = c & 0x07;
		else
			return 0;
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			v = (v << 6) | (p[i] & 0x3F);
		}
		if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 2 && v < 0x800) || (n == 3 && v < 0x10000))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* A string as jansson dumps it: \" \\ \b \f \n \r \t, other controls as
 * \u00XX (upper case), everything else (UTF-8 included) as it is. */
static void str(struct mg_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run = s;
	mg_buf_putc(b, '"');
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char e[6] = {'\\', 0, '0', '0', 0, 0};
		size_t n = 2;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			e[1] = 'u', e[4] = hex[c >> 4], e[5] = hex[c & 15], n = 6;
		}
		mg_buf_add(b, run, (size_t)(p - run));
		mg_buf_add(b, e, n);
		run = p + 1;
	}
	mg_buf_puts(b, run);
	mg_buf_putc(b, '"');
}

/* jansson's jsonp_dtostr with precision 15: "%.15g", ".0" when it would read
 * as an integer, and the exponent without "+" or leading zeros. */
static void real(struct mg_buf *b, double v)
{
	char t[40];
	int n = snprintf(t, sizeof t - 3, "%.15g", v);
	if (n < 0 || (size_t)n >= sizeof t - 3)
		return;
	if (!strchr(t, '.') && !strchr(t, 'e'))
		memcpy(t + n, ".0", 3), n += 2;
	char *start = strchr(t, 'e');
	if (start) {
		start++;
		char *end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)(t + n - end) + 1);
			n -= (int)(end - start);
		}
	}
	mg_buf_add(b, t, (size_t)n);
}

/* Local minutes since the epoch and the UTC offset in minutes ->
 * "2026-11-19T22:30:00+01:00". */
static void datetime(struct mg_buf *b, int64_t local, int offset)
{
	/* "\"" date "T" clock ":00" sign HH ":" MM "\"", without snprintf (two per resource) */
	char buf[28];
	int32_t day = mg_day_of(local * 60);
	int off = offset < 0 ? -offset : offset, hh = off / 60 % 100, mm = off % 60;
	buf[0] = '"';
	mg_date_format(day, buf + 1);
	buf[11] = 'T';
	mg_clock_format((int)(local - (int64_t)day * 1440), buf + 12);
	memcpy(buf + 17, ":00", 3);
	buf[20] = offset < 0 ? '-' : '+';
	buf[21] = (char)('0' + hh / 10), buf[22] = (char)('0' + hh % 10), buf[23] = ':';
	buf[24] = (char)('0' + mm / 10), buf[25] = (char)('0' + mm % 10), buf[26] = '"';
	mg_buf_add(b, buf, 27);
}

/* What json_pack of a quantity accepted: a finite value, UTF-8 strings. */
static int quantity_ok(double value, const char *code, const char *unit)
{
	return isfinite(value) && utf8_ok(code) && utf8_ok(unit);
}

static void quantity(struct mg_buf *b, double value, const char *code, const char *unit)
{
	LIT(b, "{\"value\":");
	if (value == floor(value) && fabs(value) < 1e15)
		mg_buf_put_int(b, (long long)value, 0);
	else
		real(b, value);
	LIT(b, ",\"unit\":");
	str(b, unit);
	LIT(b, ",\"system\":\"" UCUM "\",\"code\":");
	str(b, code);
	mg_buf_putc(b, '}');
}

/* system, code and display are this file's ASCII constants. */
static void concept(struct mg_buf *b, const char *system, const char *code, const char *display)
{
	LIT(b, "{\"coding\":[{\"system\":");
	str(b, system);
	LIT(b, ",\"code\":");
	str(b, code);
	LIT(b, ",\"display\":");
	str(b, display);
	LIT(b, "}],\"text\":");
	str(b, display);
	mg_buf_putc(b, '}');
}

static void ref(struct mg_buf *b, const char *url)
{
	LIT(b, "{\"reference\":");
	str(b, url);
	mg_buf_putc(b, '}');
}

/* Begins the resource in f->res: {"resourceType":"TYPE" (the id goes after it). */
static struct mg_buf *begin(struct fhir *f, const char *type)
{
	mg_buf_reset(&f->res);
	LIT(&f->res, "{\"resourceType\":");
	str(&f->res, type);
	f->res_type_end = f->res.len;
	return &f->res;
}

static void hash_text(crypto_generichash_state *st, const char *s, size_t n)
{
	crypto_generichash_update(st, (const unsigned char *)s, n);
}

/* The final hash as a version-8 UUID "xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx" (36 characters and a NUL). */
static void uuid(crypto_generichash_state *st, char u[UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[16];
	crypto_generichash_final(st, h, sizeof h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* version 8: custom */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* RFC 9562 variant */
	for (int i = 0, n = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			u[n++] = '-';
		u[n++] = hex[h[i] >> 4];
		u[n++] = hex[h[i] & 15];
	}
	u[UUID_LEN] = '\0';
}

static void reindent(struct mg_buf *out, const char *s, size_t n, int depth);

/* Ends the resource in f->res (valid: 0 when jansson's json_pack of it
 * failed, which left an entry with only an id), gives it an id (a hash of
 * its position and its compact form; resourceType first, then id) and
 * appends it as an entry; its fullUrl is copied to url (room for 64) when
 * url is not NULL. */
static void add(struct fhir *f, int valid, char *url)
{
	char seq[24], id[UUID_LEN + 1];
	crypto_generichash_state st;
	struct mg_buf *e = &f->entry, *r = &f->res;
	if (valid)
		mg_buf_putc(r, '}');
	valid = valid && !r->failed;
	int n = snprintf(seq, sizeof seq, "mgsleep-fhir %d\n", f->seq++);
	crypto_generichash_init(&st, NULL, 0, 16);
	hash_text(&st, seq, (size_t)n);
	if (valid)
		hash_text(&st, r->data, r->len);
	uuid(&st, id);
	mg_buf_reset(e);
	if (f->seq > 1) /* not the first entry */
		mg_buf_putc(e, ',');
	LIT(e, "{\"fullUrl\":\"urn:uuid:");
	mg_buf_add(e, id, UUID_LEN);
	LIT(e, "\",\"resource\":");
	if (valid) {
		mg_buf_add(e, r->data, f->res_type_end);
		LIT(e, ",\"id\":\"");
		mg_buf_add(e, id, UUID_LEN);
		mg_buf_putc(e, '"');
		mg_buf_add(e, r->data + f->res_type_end, r->len - f->res_type_end);
	} else {
		LIT(e, "{\"id\":\"");
		mg_buf_add(e, id, UUID_LEN);
		LIT(e, "\"}");
	}
	mg_buf_putc(e, '}');
	if (r->failed || e->failed) {
		f->out->failed = 1;
	} else {
		hash_text(&f->bundle, e->data, e->len);
		/* the comma, then the entry on its own line at depth 2 */
		size_t skip = f->seq > 1;
		mg_buf_add(f->out, e->data, skip);
		LIT(f->out, "\n  ");
		reindent(f->out, e->data + skip, e->len - skip, 2);
	}
	if (url)
		snprintf(url, 64, "urn:uuid:%s", id);
}

/* An Observation about the person: code, subject, performer. */
static struct mg_buf *observation(struct fhir *f, const char *system, const char *code, const char *display)
{
	struct mg_buf *b = begin(f, "Observation");
	LIT(b, ",\"status\":\"final\",\"code\":");
	concept(b, system, code, display);
	LIT(b, ",\"subject\":");
	ref(b, f->patient);
	return b;
}

static void value_quantity(struct mg_buf *b, double value, const char *code, const char *unit)
{
	if (!quantity_ok(value, code, unit))
		return;
	LIT(b, ",\"valueQuantity\":");
	quantity(b, value, code, unit);
}

static void add_patient(struct fhir *f, const struct mg_profile *p)
{
	struct mg_buf *b = begin(f, "Patient");
	if (p && (p->sex == MG_SEX_FEMALE || p->sex == MG_SEX_MALE)) {
		LIT(b, ",\"gender\":");
		str(b, p->sex == MG_SEX_FEMALE ? "female" : "male");
	}
	add(f, 1, f->patient);
	if (!p)
		return;

	/* Age without a birth date: FHIR R4 Patient has no age element, so the
	 * age the person entered is an Observation (LOINC 30525-0 "Age"). */
	if (!isnan(p->age)) {
		value_quantity(observation(f, LOINC, "30525-0", "Age"), p->age, "a", "years");
		add(f, 1, NULL);
	}
	if (isfinite(p->weight_kg)) {
		value_quantity(observation(f, LOINC, "29463-7", "Body weight"), round(p->weight_kg * 10) / 10, "kg", "kg");
		add(f, 1, NULL);
	}
	if (!isnan(p->height_cm)) {
		value_quantity(observation(f, LOINC, "8302-2", "Body height"), p->height_cm, "cm", "cm");
		add(f, 1, NULL);
	}
}

/* A sleep Observation shaped like the HL7 PHR IG examples, from start
 * (local minutes, offset) to end. */
static struct mg_buf *sleep_obs(struct fhir *f, const char *system, const char *code, const char *display, int phr,
				int64_t start, int off_start, int64_t end, int off_end)
{
	struct mg_buf *b = begin(f, "Observation");
	if (phr)
		LIT(b, ",\"meta\":{\"profile\":[\"" PHR_SLEEP "\"]}");
	LIT(b, ",\"status\":\"final\",\"code\":");
	concept(b, system, code, display);
	LIT(b, ",\"subject\":");
	ref(b, f->patient);
	LIT(b, ",\"effectivePeriod\":{\"start\":");
	datetime(b, start, off_start);
	LIT(b, ",\"end\":");
	datetime(b, end, off_end);
	LIT(b, "},\"performer\":[");
	ref(b, f->patient);
	mg_buf_putc(b, ']');
	return b;
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
	struct mg_buf *b;
	if (mg_night_timeline(n, &t, NULL))
		return;
	int64_t l_bed = t.local[MG_EV_BED], l_try = t.local[MG_EV_TRY_SLEEP], l_fw = t.local[MG_EV_FINAL_WAKE],
		l_oob = t.local[MG_EV_OUT_OF_BED];
	int off_ev = n->utc_offset_evening, off_mo = n->utc_offset_morning;
	/* in the order of metrics[]; the efficiency to 0.1 % */
	const double value[] = {m->tst, m->tib, m->sol, m->waso, round(m->se_pct * 10) / 10, n->awakenings};

	for (size_t k = 0; k < sizeof metrics / sizeof *metrics; k++) {
		b = sleep_obs(f, metrics[k].system, metrics[k].code, metrics[k].display, k == 0, l_bed, off_ev, l_oob,
			      off_mo);
		value_quantity(b, value[k], metrics[k].ucum, metrics[k].unit);
		add(f, 1, NULL);
	}
	/* Asleep from sleep onset to the final wake, coded as in the PHR IG's
	 * stage example (the awakenings inside are not separate periods). */
	b = sleep_obs(f, SNOMED, "258158006", "Sleep, function (observable entity)", 1, l_try + m->sol, off_ev, l_fw,
		      off_mo);
	LIT(b, ",\"valueCodeableConcept\":");
	concept(b, SNOMED, "248220008", "Asleep (finding)");
	add(f, 1, NULL);
	if (n->quality > 0) {
		b = sleep_obs(f, OWN_CS, "sleep-quality", "Sleep quality rating (1 very poor to 5 very good)", 0, l_bed,
			      off_ev, l_oob, off_mo);
		LIT(b, ",\"valueInteger\":");
		mg_buf_put_int(b, n->quality, 0);
		add(f, 1, NULL);
	}

	if (isnan(fn->mg))
		return;
	char name[128], text[256], clock[6];
	snprintf(name, sizeof name, "magnesium%s%s", fn->form ? " " : "", fn->form ? fn->form : "");
	int len = snprintf(text, sizeof text, "%g mg elemental magnesium", fn->mg);
	if (!isnan(fn->compound_mg) && len > 0 && (size_t)len < sizeof text)
		len += snprintf(text + len, sizeof text - (size_t)len, " (%g mg %s)", fn->compound_mg, name);
	int timed = fn->mg_time >= 0 && fn->mg_time < 1440;
	int64_t l_t = 0;
	if (timed) {
		/* the last time the clock showed that time before the final wake */
		l_t = l_fw - ((n->final_wake - fn->mg_time) % 1440 + 1440) % 1440;
		mg_clock_format(fn->mg_time, clock);
		if (len > 0 && (size_t)len < sizeof text)
			snprintf(text + len, sizeof text - (size_t)len, " at %s", clock);
	}
	b = begin(f, "MedicationStatement");
	if (!utf8_ok(name)) {
		add(f, 0, NULL);
		return;
	}
	LIT(b, ",\"status\":\"completed\",\"medicationCodeableConcept\":{\"text\":");
	str(b, name);
	LIT(b, "},\"subject\":");
	ref(b, f->patient);
	LIT(b, ",\"effectiveDateTime\":");
	size_t when = b->len;
	if (timed) {
		datetime(b, l_t, l_t <= l_bed ? off_ev : off_mo);
	} else {
		/* no time logged: the evening's date */
		char d[11];
		mg_date_format(mg_day_of(l_bed * 60), d);
		str(b, d);
	}
	size_t when_len = b->len - when;
	LIT(b, ",\"dosage\":[{");
	size_t open = b->len;
	if (utf8_ok(text)) {
		LIT(b, "\"text\":");
		str(b, text);
	}
	if (timed) {
		if (b->len > open)
			mg_buf_putc(b, ',');
		LIT(b, "\"timing\":{\"event\":[");
		if (!b->failed)
			mg_buf_add(b, b->data + when, when_len);
		LIT(b, "]}");
	}
	if (quantity_ok(fn->mg, "mg", "mg")) {
		if (b->len > open)
			mg_buf_putc(b, ',');
		LIT(b, "\"doseAndRate\":[{\"doseQuantity\":");
		quantity(b, fn->mg, "mg", "mg");
		LIT(b, "}]");
	}
	LIT(b, "}]");
	add(f, 1, NULL);
}

/* One stored answer as a FHIR answer value into b; 0 when it has none (the
 * item is left out). */
static int answer(struct mg_buf *b, const struct mg_fhir_answer *a)
{
	int min;
	char clock[6], buf[16];
	switch (a->type) {
	case MG_FHIR_INTEGER:
		LIT(b, "{\"valueInteger\":");
		mg_buf_put_int(b, a->integer, 0);
		break;
	case MG_FHIR_DECIMAL:
		if (!isfinite(a->decimal))
			return 0;
		LIT(b, "{\"valueDecimal\":");
		real(b, a->decimal);
		break;
	case MG_FHIR_BOOLEAN:
		if (a->integer != 0)
			LIT(b, "{\"valueBoolean\":true");
		else
			LIT(b, "{\"valueBoolean\":false");
		break;
	case MG_FHIR_STRING:
		if (a->text && strlen(a->text) == 5 && !mg_clock_parse(a->text, &min)) {
			mg_clock_format(min, clock);
			snprintf(buf, sizeof buf, "%s:00", clock);
			LIT(b, "{\"valueTime\":");
			str(b, buf);
			break;
		}
		if (!utf8_ok(a->text))
			return 0;
		LIT(b, "{\"valueString\":");
		str(b, a->text);
		break;
	default:
		return 0;
	}
	mg_buf_putc(b, '}');
	return 1;
}

static int answer_ok(const struct mg_fhir_answer *a)
{
	int min;
	switch (a->type) {
	case MG_FHIR_INTEGER:
	case MG_FHIR_BOOLEAN:
		return 1;
	case MG_FHIR_DECIMAL:
		return isfinite(a->decimal);
	case MG_FHIR_STRING:
		return (a->text && strlen(a->text) == 5 && !mg_clock_parse(a->text, &min)) || utf8_ok(a->text);
	}
	return 0;
}

static struct mg_buf *score_obs(struct fhir *f, const char *code, const char *display, const char *date,
				const char *qr, double score)
{
	struct mg_buf *b = observation(f, OWN_CS, code, display);
	LIT(b, ",\"effectiveDateTime\":");
	str(b, date);
	value_quantity(b, score, "{score}", "score");
	LIT(b, ",\"derivedFrom\":[");
	ref(b, qr);
	mg_buf_putc(b, ']');
	return b;
}

/* An element of a "component" array; *first tells whether a comma goes before. */
static void component_start(struct mg_buf *b, int *first, const char *code, const char *display, const char *key)
{
	if (!*first)
		mg_buf_putc(b, ',');
	*first = 0;
	LIT(b, "{\"code\":");
	concept(b, OWN_CS, code, display);
	mg_buf_putc(b, ',');
	str(b, key);
	mg_buf_putc(b, ':');
}

static void component_quantity(struct mg_buf *b, int *first, const char *code, const char *display, double value,
			       const char *ucum, const char *unit)
{
	if (!quantity_ok(value, ucum, unit))
		return;
	component_start(b, first, code, display, "valueQuantity");
	quantity(b, value, ucum, unit);
	mg_buf_putc(b, '}');
}

static void component_int(struct mg_buf *b, int *first, const char *code, const char *display, long long v)
{
	component_start(b, first, code, display, "valueInteger");
	mg_buf_put_int(b, v, 0);
	mg_buf_putc(b, '}');
}

static void component_string(struct mg_buf *b, int *first, const char *code, const char *display, const char *s)
{
	if (!utf8_ok(s))
		return;
	component_start(b, first, code, display, "valueString");
	str(b, s);
	mg_buf_putc(b, '}');
}

static void add_questionnaire(struct fhir *f, const struct mg_fhir_questionnaire *q)
{
	const char *kind = q->kind == MG_FHIR_ISI ? "isi" : "psqi";
	char qr[64], date[11];
	mg_date_format(q->date, date);
	struct mg_buf *b = begin(f, "QuestionnaireResponse");
	LIT(b, ",\"questionnaire\":\"" OWN_Q);
	mg_buf_puts(b, kind);
	LIT(b, "\",\"status\":\"completed\",\"subject\":");
	ref(b, f->patient);
	LIT(b, ",\"authored\":");
	str(b, date);
	LIT(b, ",\"author\":");
	ref(b, f->patient);
	LIT(b, ",\"item\":[");
	int first = 1;
	for (size_t i = 0; i < q->n_answers; i++) {
		if (!answer_ok(&q->answers[i]) || !utf8_ok(q->answers[i].link_id))
			continue;
		if (!first)
			mg_buf_putc(b, ',');
		first = 0;
		LIT(b, "{\"linkId\":");
		str(b, q->answers[i].link_id);
		LIT(b, ",\"answer\":[");
		answer(b, &q->answers[i]);
		LIT(b, "]}");
	}
	mg_buf_putc(b, ']');
	add(f, 1, qr);
	if (!q->scored)
		return;
	if (q->kind == MG_FHIR_ISI) {
		b = score_obs(f, "isi-total", "Insomnia Severity Index (ISI) total score (0-28)", date, qr, q->isi.total);
		const char *cat = mg_isi_category_label(q->isi.category);
		if (cat && utf8_ok(cat)) {
			LIT(b, ",\"interpretation\":[{\"text\":");
			str(b, cat);
			LIT(b, "}]");
		}
		add(f, 1, NULL);
		return;
	}
	const struct mg_psqi_result *r = &q->psqi;
	b = score_obs(f, "psqi-global", "Pittsburgh Sleep Quality Index (PSQI) global score (0-21)", date, qr, r->global);
	LIT(b, ",\"interpretation\":[{\"text\":");
	str(b, r->poor_sleeper ? "poor sleeper (global score above 5)" : "good sleeper (global score 5 or less)");
	LIT(b, "}],\"component\":[");
	first = 1;
	for (int i = 0; i < MG_PSQI_COMPONENTS; i++) {
		char code[32], display[64];
		snprintf(code, sizeof code, "psqi-c%d", i + 1);
		snprintf(display, sizeof display, "PSQI component %d score (0-3)", i + 1);
		component_quantity(b, &first, code, display, r->components[i], "{score}", "score");
	}
	/* to 0.1 %, as the store keeps it */
	component_quantity(b, &first, "psqi-sleep-efficiency", "PSQI habitual sleep efficiency",
			   round(r->efficiency_pct * 10) / 10, "%", "%");
	mg_buf_putc(b, ']');
	add(f, 1, NULL);
}

/* Rounded to 3 decimals, so the bundle does not carry binary noise. */
static double r3(double x)
{
	return round(x * 1000) / 1000;
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
	/* observation()'s "status", replaced where it stands */
	struct mg_buf *b = begin(f, "Observation");
	LIT(b, ",\"status\":");
	str(b, ft->replaced ? "cancelled" : t->interim ? "preliminary" : "final");
	LIT(b, ",\"code\":");
	concept(b, OWN_CS, "nof1-trial-result", "N-of-1 trial of magnesium: effect, magnesium minus none");
	LIT(b, ",\"subject\":");
	ref(b, f->patient);
	LIT(b, ",\"effectivePeriod\":{\"start\":");
	str(b, s);
	LIT(b, ",\"end\":");
	str(b, e);
	LIT(b, "},\"component\":[");
	int first = 1;
	component_int(b, &first, "nof1-trial", "Trial number in mgsleep", ft->id);
	component_string(b, &first, "nof1-outcome", "Primary outcome of the trial", t->outcome_name);
	component_string(b, &first, "nof1-conclusion", "Pre-specified conclusion",
			 t->conclusion ? t->conclusion : "not-enough-information");
	if (!t->too_few) {
		component_quantity(b, &first, "nof1-mean-difference", "Mean difference, magnesium minus none", r3(t->mean),
				   ucum, t->unit);
		component_quantity(b, &first, "nof1-ci95-low", "95 % interval of the mean difference, low", r3(t->ci_lo),
				   ucum, t->unit);
		component_quantity(b, &first, "nof1-ci95-high", "95 % interval of the mean difference, high",
				   r3(t->ci_hi), ucum, t->unit);
		/* 6 significant digits: a small p stays above 0 */
		char pv[32];
		snprintf(pv, sizeof pv, "%.6g", t->p_value);
		component_quantity(b, &first, "nof1-randomisation-p", "Randomisation test p-value", strtod(pv, NULL), "1",
				   "1");
	}
	component_int(b, &first, "nof1-pairs-used", "Pairs of periods used in the analysis", t->n_used);
	mg_buf_putc(b, ']');
	snprintf(text, sizeof text, "%s%s%s", t->conclusion_text, t->pause_note[0] ? " " : "", t->pause_note);
	size_t n = strlen(text);
	while (n && text[n - 1] == '\n')
		text[--n] = 0;
	if (utf8_ok(text)) {
		LIT(b, ",\"note\":[{\"text\":");
		str(b, text);
		LIT(b, "}]");
	}
	add(f, 1, NULL);
}

/* The compact JSON s (one entry, as written above) the way jansson's
 * JSON_INDENT(1) dump lays it out at depth: one space of indent per level,
 * ": " after keys, "{}" and "[]" when empty. Written straight into out's
 * memory, with room made for the longest piece first. */
static void reindent(struct mg_buf *out, const char *s, size_t n, int depth)
{
	static const char nl[] = "\n                                                                ";
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"') { /* to the closing quote: one not after an odd number of backslashes */
			for (;;) {
				const char *q = memchr(s + i + 1, '"', n - i - 1);
				if (!q) {
					i = n;
					break;
				}
				i = (size_t)(q - s);
				size_t k = 0;
				while (s[i - 1 - k] == '\\')
					k++;
				if (!(k & 1))
					break;
			}
			continue;
		}
		if (c != '{' && c != '[' && c != '}' && c != ']' && c != ',' && c != ':')
			continue;
		/* the run before c, then c and at most a newline and the indent */
		if (!mg_buf_has_room(out, i - run + 3 + sizeof nl) && mg_buf_reserve(out, i - run + 3 + sizeof nl))
			return;
		if (depth + 1 >= (int)sizeof nl - 1) { /* deeper than this file writes */
			out->failed = 1;
			return;
		}
		char *d = out->data + out->len;
		memcpy(d, s + run, i - run);
		d += i - run;
		run = i + 1;
		switch (c) {
		case '{':
		case '[':
			*d++ = c;
			if (i + 1 < n && s[i + 1] == (c == '{' ? '}' : ']')) {
				*d++ = s[++i];
				run = i + 1;
			} else {
				depth++;
				memcpy(d, nl, (size_t)depth + 1);
				d += depth + 1;
			}
			break;
		case '}':
		case ']':
			depth--;
			memcpy(d, nl, (size_t)depth + 1);
			d += depth + 1;
			*d++ = c;
			break;
		case ',':
			*d++ = ',';
			memcpy(d, nl, (size_t)depth + 1);
			d += depth + 1;
			break;
		default:
			*d++ = ':';
			*d++ = ' ';
		}
		out->len = (size_t)(d - out->data);
		*d = '\0';
	}
	mg_buf_add(out, s + run, n - run);
}

int mg_render_fhir(const struct mg_fhir_input *in, struct mg_buf *out, struct mg_error *err)
{
	struct fhir f = {.out = out, .res = MG_BUF_INIT, .entry = MG_BUF_INIT};
	int rc = 0;
	if (sodium_init() < 0) {
		rc = mg_fail(err, MG_EIO, NULL, "cannot start libsodium for the FHIR bundle's ids");
		goto out;
	}
	/* The Bundle's own id: a hash of all its entries, as the compact
	 * {"resourceType":"Bundle","entries":[...]} at position -1. */
	crypto_generichash_init(&f.bundle, NULL, 0, 16);
	hash_text(&f.bundle, "mgsleep-fhir -1\n{\"resourceType\":\"Bundle\",\"entries\":[",
		  sizeof "mgsleep-fhir -1\n{\"resourceType\":\"Bundle\",\"entries\":[" - 1);
	size_t id_at = out->len + sizeof BUNDLE_HEAD - 1;
	LIT(out, BUNDLE_HEAD "________-____-____-____-____________" BUNDLE_TAIL);
	add_patient(&f, in->profile);
	for (size_t i = 0; i < in->n_nights; i++)
		add_night(&f, &in->nights[i]);
	for (size_t i = 0; i < in->n_questionnaires; i++)
		add_questionnaire(&f, &in->questionnaires[i]);
	for (size_t i = 0; i < in->n_trials; i++)
		add_trial(&f, &in->trials[i]);
	LIT(out, "\n ]\n}\n");
	if (out->failed) {
		rc = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	hash_text(&f.bundle, "]}", 2);
	char id[UUID_LEN + 1];
	uuid(&f.bundle, id);
	memcpy(out->data + id_at, id, UUID_LEN);
out:
	mg_buf_release(&f.res);
	mg_buf_release(&f.entry);
	return rc;
}
