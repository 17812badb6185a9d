/* FHIR R4 in (include/mgsleep/fhir_in.h; mapping in docs/fhir-input.md).
 * Two passes: collect every resource of the request (context.draftOrders,
 * context.medications, prefetch, or a Bundle) with its JSON path, then map
 * the chosen patient's. Numbers go through mg_profile_set, so a FHIR value
 * is checked by the same ranges and unit conversion as a typed flag. */
#include <mgsleep/fhir_in.h>
#include <mgsleep/terminology.h>
#include <mgsleep/night.h>

#include "../kb/kb_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT ((size_t)8 << 20)
#define MAX_RESOURCES 4096
#define MAX_DEPTH 4
#define PATH_LEN 96

#define RXNORM "http://www.nlm.nih.gov/research/umls/rxnorm"
#define SNOMED "http://snomed.info/sct"
#define ICD10CM "http://hl7.org/fhir/sid/icd-10-cm"
#define UCUM "http://unitsofmeasure.org"

struct res {
	json_t *r;
	char path[PATH_LEN];
	int ordered;
};

/* The observations read, by the measure their code says (kb/terminology.json). */
enum obs_kind { O_CREAT = MG_TERM_CREATININE, O_EGFR = MG_TERM_EGFR, O_WEIGHT = MG_TERM_WEIGHT,
		O_HEIGHT = MG_TERM_HEIGHT, O_COUNT = MG_TERM_COUNT };

struct obs {
	json_t *r;
	const struct res *from;
	int32_t day;
	char rest[40]; /* the time after the date, compared as text */
	const struct mg_term_observation *term; /* the KB code it matched */
};

struct ctx {
	const struct mg_kb *kb;
	struct mg_fhir_in *out;
	int32_t today;
	struct res *res;
	size_t n_res, cap_res;
	const char *patient_id;
	struct obs best[O_COUNT];
	int seen_meds, seen_conditions;
};

static const char *str_at(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void drop(struct ctx *c, const char *path, const char *tail, const char *why)
{
	struct mg_fhir_in *o = c->out;
	if (o->n_dropped == MG_FHIR_MAX_DROPPED) {
		o->n_dropped_omitted++;
		return;
	}
	struct mg_fhir_dropped *d = &o->dropped[o->n_dropped++];
	snprintf(d->path, sizeof d->path, "%s%s%s", path, *tail ? "." : "", tail);
	d->why = why;
}

static int add_res(struct ctx *c, json_t *r, const char *path, int ordered, struct mg_error *err)
{
	if (c->n_res == MAX_RESOURCES)
		return mg_fail(err, MG_ETOOBIG, path, "%s: more than %d resources", path, MAX_RESOURCES);
	if (c->n_res == c->cap_res) {
		size_t cap = c->cap_res ? 2 * c->cap_res : 64;
		struct res *n = realloc(c->res, cap * sizeof *n);
		if (!n)
			return mg_fail(err, MG_ENOMEM, NULL, "out of memory reading FHIR resources");
		c->res = n;
		c->cap_res = cap;
	}
	struct res *x = &c->res[c->n_res++];
	x->r = r;
	x->ordered = ordered;
	snprintf(x->path, sizeof x->path, "%s", path);
	return 0;
}

/* A resource, a Bundle (its entries), an array of either, or a DSTU2-style
 * {"resource": ...} wrapper (the opioid example's prefetch). Anything else
 * is not a resource and is ignored (prefetch may hold other values). */
static int collect(struct ctx *c, json_t *v, const char *path, int ordered, int depth, struct mg_error *err)
{
	char sub[PATH_LEN];
	size_t i;
	json_t *x;
	int r = 0;
	if (depth > MAX_DEPTH)
		return 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
			if ((r = collect(c, x, sub, ordered, depth + 1, err)))
				return r;
		}
		return 0;
	}
	if (!json_is_object(v))
		return 0;
	const char *type = str_at(v, "resourceType");
	if (!type) {
		json_t *w = json_object_get(v, "resource");
		snprintf(sub, sizeof sub, "%s.resource", path);
		return w ? collect(c, w, sub, ordered, depth + 1, err) : 0;
	}
	if (strcmp(type, "Bundle"))
		return add_res(c, v, path, ordered, err);
	json_array_foreach(json_object_get(v, "entry"), i, x) {
		snprintf(sub, sizeof sub, "%s.entry[%zu].resource", path, i);
		if ((r = collect(c, json_object_get(x, "resource"), sub, ordered, depth + 1, err)))
			return r;
	}
	return 0;
}

/* "Patient/123" names another patient than the one we map? */
static int other_patient(const struct ctx *c, json_t *r)
{
	static const char *const keys[] = {"subject", "patient"};
	if (!c->patient_id)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		const char *ref = str_at(json_object_get(r, keys[i]), "reference");
		if (ref && !strncmp(ref, "Patient/", 8))
			return strcmp(ref + 8, c->patient_id) != 0;
	}
	return 0;
}

static int coded_as(json_t *cc, const char *system, const char *code)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(cc, "coding"), i, x) {
		const char *s = str_at(x, "system"), *k = str_at(x, "code");
		if (s && k && !strcmp(s, system) && !strcmp(k, code))
			return 1;
	}
	return 0;
}

/* Canonical form without a trailing "(...)" (SNOMED's semantic tag). */
static void canon_untagged(const char *s, char *out, size_t outsz)
{
	char tmp[160];
	snprintf(tmp, sizeof tmp, "%s", s);
	size_t n = strlen(tmp);
	while (n && tmp[n - 1] == ' ')
		n--;
	if (n && tmp[n - 1] == ')') {
		char *open = strrchr(tmp, '(');
		if (open)
			n = (size_t)(open - tmp);
	}
	tmp[n] = '\0';
	if (mg_medname_canon(tmp, out, outsz) < 0)
		out[0] = '\0';
}

static int same_text(const char *a, const char *b)
{
	char ca[128], cb[128];
	if (!a || !b)
		return 0;
	canon_untagged(a, ca, sizeof ca);
	canon_untagged(b, cb, sizeof cb);
	return ca[0] && !strcmp(ca, cb);
}

/* ---- Patient ---- */

static void map_patient(struct ctx *c, const struct res *x)
{
	struct mg_profile *p = &c->out->profile;
	const char *g = str_at(x->r, "gender"), *bd = str_at(x->r, "birthDate");
	if (g && (!strcmp(g, "female") || !strcmp(g, "male")))
		mg_profile_set(p, c->kb, "sex", g, NULL);
	int32_t born;
	/* Only a full date gives the age: "1950" could be off by a year. */
	if (!bd)
		return;
	if (strlen(bd) != 10 || mg_date_parse(bd, &born) || born > c->today) {
		drop(c, x->path, "birthDate", "not a full date (YYYY-MM-DD) on or before today");
		return;
	}
	int y, m, d, ty, tm, td;
	if (sscanf(bd, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return;
	char today[11];
	mg_date_format(c->today, today);
	if (sscanf(today, "%4d-%2d-%2d", &ty, &tm, &td) != 3)
		return;
	int age = ty - y - (tm < m || (tm == m && td < d)); /* completed years */
	char num[16];
	snprintf(num, sizeof num, "%d", age);
	if (mg_profile_set(p, c->kb, "age", num, NULL))
		drop(c, x->path, "birthDate", "age out of range (0 to 120)");
}

/* ---- Observations ---- */

static int obs_date(json_t *r, int32_t *day, char *rest, size_t restsz)
{
	const char *s = str_at(r, "effectiveDateTime");
	if (!s)
		s = str_at(r, "effectiveInstant");
	if (!s)
		s = str_at(json_object_get(r, "effectivePeriod"), "end");
	if (!s)
		s = str_at(r, "issued");
	char date[11];
	if (!s || strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (mg_date_parse(date, day))
		return -1;
	snprintf(rest, restsz, "%s", s + 10);
	return 0;
}

static int observation_ok(json_t *r)
{
	const char *st = str_at(r, "status");
	return st && (!strcmp(st, "final") || !strcmp(st, "amended") || !strcmp(st, "corrected"));
}

static void consider_obs(struct ctx *c, const struct res *x)
{
	json_t *code = json_object_get(x->r, "code");
	size_t n;
	const struct mg_term_observation *to = mg_kb_term_observations(c->kb, &n);
	for (size_t i = 0; i < n; i++) {
		if (!coded_as(code, to[i].system, to[i].code))
			continue;
		struct obs o = {x->r, x, 0, "", &to[i]};
		if (obs_date(x->r, &o.day, o.rest, sizeof o.rest)) {
			drop(c, x->path, "effectiveDateTime", "no date: how recent it is is unknown");
			return;
		}
		struct obs *b = &c->best[to[i].measure];
		/* Latest wins; the same time twice: the first (a tie is not a reason to switch). */
		if (!b->r || o.day > b->day || (o.day == b->day && strcmp(o.rest, b->rest) > 0))
			*b = o;
		return;
	}
}

struct unit {
	const char *ucum;   /* valueQuantity.code */
	const char *suffix; /* for mg_profile_set, after the number */
	double factor;      /* applied before */
	const char *cmp_ok; /* comparators accepted as the value: the bound is the cautious side */
};

static const struct unit creat_units[] = {
	{"mg/dL", "mg/dL", 1, "<<="}, {"umol/L", "umol/L", 1, "<<="}, {NULL, NULL, 0, NULL}};
static const struct unit egfr_units[] = {
	{"mL/min/{1.73_m2}", "", 1, ">>="}, {"mL/min/1.73m2", "", 1, ">>="}, {NULL, NULL, 0, NULL}};
static const struct unit weight_units[] = {
	{"kg", "", 1, ""}, {"[lb_av]", "lb", 1, ""}, {"g", "", 0.001, ""}, {NULL, NULL, 0, NULL}};
static const struct unit height_units[] = {
	{"cm", "", 1, ""}, {"m", "", 100, ""}, {"[in_i]", "", 2.54, ""}, {NULL, NULL, 0, NULL}};

static const char *const obs_field[O_COUNT] = {"creatinine", "egfr", "weight", "height"};

static void apply_obs(struct ctx *c, enum obs_kind k)
{
	const struct obs *o = &c->best[k];
	if (!o->r)
		return;
	json_t *q = json_object_get(o->r, "valueQuantity");
	const char *path = o->from->path, *sys = str_at(q, "system"), *code = str_at(q, "code");
	const char *cmp = str_at(q, "comparator");
	json_t *val = json_object_get(q, "value");
	if (!q || !json_is_number(val)) {
		drop(c, path, "valueQuantity", "no numeric value");
		return;
	}
	/* UCUM only: a code from another system, or free text in unit, is not guessed at. */
	if (!code || (sys && strcmp(sys, UCUM))) {
		code = str_at(q, "unit");
		if (sys && strcmp(sys, UCUM))
			code = NULL;
	}
	const struct unit *u = k == O_EGFR ? egfr_units : k == O_WEIGHT ? weight_units : k == O_HEIGHT ? height_units
												    : creat_units;
	/* A creatinine only in the unit its code means (kb/terminology.json). */
	const char *want = k == O_CREAT ? o->term->unit : NULL;
	for (; u->ucum && !(code && !strcmp(code, u->ucum) && (!want || !strcmp(want, u->ucum))); u++)
		;
	if (!u->ucum) {
		drop(c, path, "valueQuantity", "unit unknown, or not the one the LOINC code measures (UCUM)");
		return;
	}
	if (cmp && (!*cmp || !strstr(u->cmp_ok, cmp) || strlen(cmp) > 2)) {
		drop(c, path, "valueQuantity.comparator", "a bound in the direction that could hide a risk");
		return;
	}
	double v = json_number_value(val) * u->factor;
	char num[48];
	if (!isfinite(v) || v < 0 || v > 1e6) {
		drop(c, path, "valueQuantity.value", "out of range");
		return;
	}
	snprintf(num, sizeof num, "%.4f%s", v, u->suffix);
	if (mg_profile_set(&c->out->profile, c->kb, obs_field[k], num, NULL)) {
		drop(c, path, "valueQuantity.value", "out of range");
		return;
	}
	if (k == O_EGFR)
		c->out->legacy_egfr = o->term->legacy;
}

/* ---- Conditions ---- */

static int condition_active(json_t *r)
{
	const char *cs = str_at(json_array_get(json_object_get(json_object_get(r, "clinicalStatus"), "coding"), 0),
				"code");
	const char *vs = str_at(json_array_get(json_object_get(json_object_get(r, "verificationStatus"), "coding"), 0),
				"code");
	if (cs && strcmp(cs, "active") && strcmp(cs, "recurrence") && strcmp(cs, "relapse"))
		return 0;
	return !(vs && (!strcmp(vs, "refuted") || !strcmp(vs, "entered-in-error")));
}

static void set_condition(struct ctx *c, const char *cond)
{
	if (!strcmp(cond, "pregnant"))
		c->out->profile.pregnant = 1;
	else
		mg_profile_set(&c->out->profile, c->kb, "condition", cond, NULL);
}

/* A KB condition name or alias in text: the whole text, or the part before a
 * comma ("Heart failure, unspecified"), with spaces read as hyphens too. */
static int condition_by_text(struct ctx *c, const char *text)
{
	char t[MG_MED_LEN];
	if (!text)
		return 0;
	size_t n_preg;
	const char *const *preg = mg_kb_term_pregnancy_texts(c->kb, &n_preg);
	for (size_t i = 0; i < n_preg; i++)
		if (same_text(text, preg[i])) {
			set_condition(c, "pregnant");
			return 1;
		}
	for (int pass = 0; pass < 4; pass++) {
		snprintf(t, sizeof t, "%s", text);
		if (pass & 1)
			t[strcspn(t, ",(")] = '\0';
		size_t n = strlen(t);
		while (n && t[n - 1] == ' ')
			t[--n] = '\0';
		for (char *s = t; (pass & 2) && *s; s++)
			if (*s == ' ')
				*s = '-';
		int k = mg_kb_find_condition(c->kb, t);
		if (k >= 0) {
			c->out->profile.conditions |= (uint64_t)1 << k;
			return 1;
		}
	}
	return 0;
}

static void map_condition(struct ctx *c, const struct res *x)
{
	json_t *code = json_object_get(x->r, "code"), *cd;
	const char *text = str_at(code, "text");
	size_t i;
	c->seen_conditions = 1;
	json_array_foreach(json_object_get(code, "coding"), i, cd) {
		const char *s = str_at(cd, "system"), *k = str_at(cd, "code"), *disp = str_at(cd, "display");
		if (!s || !k)
			continue;
		size_t n;
		const struct mg_term_condition *tc = mg_kb_term_conditions(c->kb, &n);
		for (size_t j = 0; j < n; j++) {
			const struct mg_term_condition *cc = &tc[j];
			if (strcmp(s, cc->system) || strcmp(k, cc->code))
				continue;
			if (cc->verified || same_text(disp, cc->display) || same_text(text, cc->display)) {
				set_condition(c, cc->condition);
				return;
			}
		}
	}
	if (condition_by_text(c, text))
		return;
	json_array_foreach(json_object_get(code, "coding"), i, cd)
		if (condition_by_text(c, str_at(cd, "display")))
			return;
}

/* ---- Medicines ---- */

static void add_ingredient(struct mg_med_match *m, const struct mg_medicine *med)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->med[i] == med)
			return;
	if (m->n < MG_MED_MAX_INGREDIENTS)
		m->med[m->n++] = med;
}

static void recognise(struct ctx *c, json_t *cc, struct mg_fhir_med *m)
{
	json_t *cd;
	size_t i;
	const char *texts[9];
	size_t nt = 0;
	/* RxNorm displays first, then the other codings', then the text. */
	for (int rx = 1; rx >= 0; rx--)
		json_array_foreach(json_object_get(cc, "coding"), i, cd) {
			const char *s = str_at(cd, "system"), *d = str_at(cd, "display");
			if (d && nt < 8 && (s && !strcmp(s, RXNORM)) == rx)
				texts[nt++] = d;
		}
	if (str_at(cc, "text"))
		texts[nt++] = str_at(cc, "text");
	m->match.unrecognised = 1;
	for (i = 0; i < nt; i++) {
		struct mg_med_match t;
		if (mg_kb_match_medicine(c->kb, texts[i], &t)) {
			m->match = t;
			snprintf(m->name, sizeof m->name, "%s", texts[i]);
			break;
		}
	}
	if (!m->name[0] && nt)
		snprintf(m->name, sizeof m->name, "%s", texts[0]);
	/* A verified ingredient code adds its medicine; an unverified one only
	 * confirms what the text already said, so it adds nothing. */
	json_array_foreach(json_object_get(cc, "coding"), i, cd) {
		const char *s = str_at(cd, "system"), *k = str_at(cd, "code");
		int verified = 0;
		const struct mg_medicine *med = s && k && !strcmp(s, RXNORM) ? mg_kb_find_medicine_rxcui(c->kb, k, &verified)
									    : NULL;
		if (!med || !verified)
			continue;
		if (!m->match.n) {
			m->match.unrecognised = 0;
			m->match.suggestion = NULL;
			snprintf(m->name, sizeof m->name, "%s", med->name);
		}
		add_ingredient(&m->match, med);
		m->by_rxcui = 1;
	}
	for (i = 0; i < m->match.n; i++)
		if (m->match.med[i]->inter && !strcmp(m->match.med[i]->inter->cls, "magnesium-product"))
			m->magnesium = 1;
}

/* medicationReference: "#id" in contained, or a Medication in the request
 * (by "Medication/id" or fullUrl-less id). */
static json_t *find_medication(struct ctx *c, json_t *r, const char *ref)
{
	size_t i;
	json_t *x;
	if (ref[0] == '#') {
		json_array_foreach(json_object_get(r, "contained"), i, x) {
			const char *id = str_at(x, "id"), *t = str_at(x, "resourceType");
			if (id && t && !strcmp(t, "Medication") && !strcmp(id, ref + 1))
				return x;
		}
		return NULL;
	}
	if (strncmp(ref, "Medication/", 11))
		return NULL;
	for (size_t k = 0; k < c->n_res; k++) {
		const char *id = str_at(c->res[k].r, "id"), *t = str_at(c->res[k].r, "resourceType");
		if (id && t && !strcmp(t, "Medication") && !strcmp(id, ref + 11))
			return c->res[k].r;
	}
	return NULL;
}

static int medication_active(const char *type, json_t *r)
{
	const char *st = str_at(r, "status");
	if (!st)
		return 0;
	if (!strcmp(type, "MedicationStatement"))
		return !strcmp(st, "active");
	return !strcmp(st, "active") || !strcmp(st, "draft");
}

static void profile_med(struct mg_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_meds; i++)
		if (!strcmp(p->meds[i], name))
			return;
	if (p->n_meds < MG_MAX_MEDS)
		snprintf(p->meds[p->n_meds++], MG_MED_LEN, "%s", name);
}

static void map_medication(struct ctx *c, const struct res *x, const char *type)
{
	struct mg_fhir_in *o = c->out;
	if (!medication_active(type, x->r))
		return;
	if (!x->ordered)
		c->seen_meds = 1;
	json_t *cc = json_object_get(x->r, "medicationCodeableConcept");
	if (!cc) {
		const char *ref = str_at(json_object_get(x->r, "medicationReference"), "reference");
		json_t *med = ref ? find_medication(c, x->r, ref) : NULL;
		cc = json_object_get(med, "code");
	}
	if (!json_is_object(cc)) {
		drop(c, x->path, "medicationCodeableConcept", "no medicine named (or a reference not in the request)");
		return;
	}
	if (o->n_meds == MG_FHIR_MAX_MEDS) {
		o->n_meds_omitted++;
		return;
	}
	struct mg_fhir_med *m = &o->meds[o->n_meds];
	memset(m, 0, sizeof *m);
	m->ordered = x->ordered;
	snprintf(m->path, sizeof m->path, "%s", x->path);
	const char *id = str_at(x->r, "id");
	if (id && strlen(id) <= 64 && strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.") ==
					    strlen(id))
		snprintf(m->ref, sizeof m->ref, "%s/%s", type, id);
	recognise(c, cc, m);
	if (!m->name[0]) {
		drop(c, x->path, "medicationCodeableConcept", "no display or text to recognise the medicine by");
		return;
	}
	o->n_meds++;
	if (m->magnesium) {
		o->magnesium_ordered |= m->ordered;
		o->magnesium_active |= !m->ordered;
		return;
	}
	/* Re-matched by the engine: the text that was recognised, and any
	 * ingredient only its verified code named. */
	profile_med(&o->profile, m->name);
	for (size_t i = 0; i < m->match.n && m->by_rxcui; i++) {
		struct mg_med_match t;
		mg_kb_match_medicine(c->kb, m->name, &t);
		int found = 0;
		for (size_t j = 0; j < t.n; j++)
			found |= t.med[j] == m->match.med[i];
		if (!found)
			profile_med(&o->profile, m->match.med[i]->name);
	}
}

/* ---- the request ---- */

static int collect_request(struct ctx *c, json_t *root, struct mg_error *err)
{
	const char *type = str_at(root, "resourceType");
	int r;
	if (type)
		return collect(c, root, "$", 0, 0, err);
	json_t *ctxt = json_object_get(root, "context"), *pre = json_object_get(root, "prefetch");
	const char *hook = str_at(root, "hook");
	if (!json_is_object(ctxt) && !json_is_object(pre))
		return mg_fail(err, MG_EINVAL, "$",
			       "$: neither a CDS Hooks request (context, prefetch) nor a FHIR resource (resourceType)");
	if (hook)
		snprintf(c->out->hook, sizeof c->out->hook, "%s", hook);
	c->patient_id = str_at(ctxt, "patientId");
	size_t before = c->n_res;
	if ((r = collect(c, json_object_get(ctxt, "draftOrders"), "context.draftOrders", 1, 0, err)) ||
	    (r = collect(c, json_object_get(ctxt, "medications"), "context.medications", 1, 0, err)))
		return r;
	c->out->has_orders = c->n_res > before;
	const char *key;
	json_t *v;
	json_object_foreach(pre, key, v) {
		char path[PATH_LEN];
		/* The key is the service's own template name, not health data. */
		snprintf(path, sizeof path, "prefetch.%.40s", key);
		if ((r = collect(c, v, path, 0, 0, err)))
			return r;
	}
	return 0;
}

static void map_all(struct ctx *c)
{
	struct mg_fhir_in *o = c->out;
	const struct res *patient = NULL;
	for (size_t i = 0; i < c->n_res; i++) {
		const char *t = str_at(c->res[i].r, "resourceType"), *id = str_at(c->res[i].r, "id");
		if (t && !strcmp(t, "Patient") && (!c->patient_id || (id && !strcmp(id, c->patient_id)))) {
			patient = &c->res[i];
			break;
		}
	}
	if (patient) {
		if (!c->patient_id)
			c->patient_id = str_at(patient->r, "id");
		map_patient(c, patient);
	}
	for (size_t i = 0; i < c->n_res; i++) {
		const struct res *x = &c->res[i];
		const char *t = str_at(x->r, "resourceType");
		if (!t || other_patient(c, x->r))
			continue;
		if (!strcmp(t, "Observation") && observation_ok(x->r))
			consider_obs(c, x);
		else if (!strcmp(t, "Condition") && condition_active(x->r))
			map_condition(c, x);
		else if (!strcmp(t, "MedicationRequest") || !strcmp(t, "MedicationOrder") ||
			 !strcmp(t, "MedicationStatement"))
			map_medication(c, x, t);
	}
	for (int k = 0; k < O_COUNT; k++)
		apply_obs(c, (enum obs_kind)k);
	const struct mg_profile *p = &o->profile;
	o->missing = (patient ? 0u : MG_FHIR_NO_PATIENT) | (isnan(p->age) ? MG_FHIR_NO_BIRTHDATE : 0u) |
		     (p->sex == MG_SEX_UNKNOWN ? MG_FHIR_NO_SEX : 0u) |
		     (isnan(p->creatinine_mg_dl) && isnan(p->egfr) ? MG_FHIR_NO_KIDNEY : 0u) |
		     (isnan(p->weight_kg) ? MG_FHIR_NO_WEIGHT : 0u) | (isnan(p->height_cm) ? MG_FHIR_NO_HEIGHT : 0u) |
		     (c->seen_meds ? 0u : MG_FHIR_NO_MED_LIST) | (c->seen_conditions ? 0u : MG_FHIR_NO_CONDITIONS);
}

int mg_fhir_in_parse(const struct mg_kb *kb, const char *json, size_t len, int32_t today, struct mg_fhir_in *out,
		     struct mg_error *err)
{
	struct ctx c = {.kb = kb, .out = out, .today = today};
	json_error_t je;
	json_t *root = NULL;
	int r = 0;
	memset(out, 0, sizeof *out);
	mg_profile_init(&out->profile);
	if (len > MAX_INPUT) {
		r = mg_fail(err, MG_ETOOBIG, "$", "FHIR input over %zu MiB", MAX_INPUT >> 20);
		goto out;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		r = mg_fail(err, MG_EPARSE, "$", "not valid JSON at byte %d", je.position);
		goto out;
	}
	if (!json_is_object(root)) {
		r = mg_fail(err, MG_EINVAL, "$", "$: not a JSON object");
		goto out;
	}
	if ((r = collect_request(&c, root, err)))
		goto out;
	map_all(&c);
out:
	free(c.res);
	json_decref(root);
	return r;
}
