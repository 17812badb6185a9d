/* Profile input: one validation path for flags and JSON.
 * Messages name the field and the accepted values but never echo the value:
 * health data stays out of error output. */
#include <mgsleep/profile.h>

#include "../kb/kb_internal.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum kind { K_NUM = 1, K_BOOL, K_LIST, K_ENUM, K_STR };

enum fid {
	F_AGE, F_SEX, F_WEIGHT, F_HEIGHT, F_CREAT, F_EGFR, F_CRCL, F_DIALYSIS, F_PREGNANT, F_BREASTFEEDING,
	F_CONDITION, F_MED, F_SUPPLEMENT, F_DIET, F_ISI, F_SYMPTOM, F_JUR, F_FORM,
};

static const struct field {
	enum fid id;
	const char *flag; /* also the JSON key unless json is set */
	const char *json;
	enum kind kind;
	double lo, hi;
	const char *accepted;
} fields[] = {
	{F_AGE, "age", NULL, K_NUM, 0, 120, "a number of years from 0 to 120"},
	{F_SEX, "sex", NULL, K_ENUM, 0, 0, "female or male"},
	{F_WEIGHT, "weight", NULL, K_NUM, 1, 500, "kg from 1 to 500, or pounds with an lb suffix such as 154lb"},
	{F_HEIGHT, "height", NULL, K_NUM, 30, 272, "cm from 30 to 272"},
	{F_CREAT, "creatinine", NULL, K_NUM, 0.1, 30,
	 "a value with its unit, such as 1.1mg/dL or 97umol/L (0.1 to 30 mg/dL)"},
	{F_EGFR, "egfr", NULL, K_NUM, 1, 250, "mL/min/1.73m2 from 1 to 250"},
	{F_CRCL, "crcl", NULL, K_NUM, 1, 300, "mL/min from 1 to 300"},
	{F_DIALYSIS, "dialysis", NULL, K_BOOL, 0, 0, "true or false"},
	{F_PREGNANT, "pregnant", NULL, K_BOOL, 0, 0, "true or false"},
	{F_BREASTFEEDING, "breastfeeding", NULL, K_BOOL, 0, 0, "true or false"},
	{F_CONDITION, "condition", "conditions", K_LIST, 0, 0, NULL},
	{F_MED, "med", "medicines", K_LIST, 0, 0, "medicine names of at most 63 characters, at most 32"},
	{F_SUPPLEMENT, "supplement-mg", "supplement_mg", K_NUM, 0, 5000, "mg from 0 to 5000"},
	{F_DIET, "diet-mg", "diet_mg", K_NUM, 0, 5000, "mg from 0 to 5000"},
	{F_ISI, "isi", NULL, K_NUM, 0, 28, "a whole number from 0 to 28"},
	{F_SYMPTOM, "symptom", "symptoms", K_LIST, 0, 0, NULL},
	{F_JUR, "jurisdiction", NULL, K_ENUM, 0, 0, "us, eu or uk"},
	{F_FORM, "prefer-form", "prefer_form", K_STR, 0, 0, NULL},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

void mg_profile_init(struct mg_profile *p)
{
	memset(p, 0, sizeof *p);
	p->age = p->weight_kg = p->height_cm = p->creatinine_mg_dl = p->egfr = p->crcl = NAN;
	p->supplement_mg = p->diet_mg = p->isi = NAN;
	p->jurisdiction = -1;
}

static const struct field *find_field(const char *name, int json)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		const char *key = json && fields[i].json ? fields[i].json : fields[i].flag;
		if (!strcmp(name, key))
			return &fields[i];
	}
	return NULL;
}

int mg_profile_field_kind(const char *field)
{
	const struct field *f = find_field(field, 0);
	return !f ? 0 : f->kind == K_BOOL ? 2 : 1;
}

struct who {
	const struct field *f;
	int json;
};

static int reject(struct mg_error *err, struct who w, const char *what, const char *accepted)
{
	const char *name = w.json && w.f->json ? w.f->json : w.f->flag;
	return mg_fail(err, MG_EINVAL, name, "%s%s: %s; accepted: %s", w.json ? "" : "--", name, what, accepted);
}

static int set_num(struct mg_profile *p, struct who w, double v, struct mg_error *err)
{
	const struct field *f = w.f;
	if (!isfinite(v) || v < f->lo || v > f->hi)
		return reject(err, w, "out of range", f->accepted);
	if (f->id == F_ISI && v != floor(v))
		return reject(err, w, "not a whole number", f->accepted);
	switch (f->id) {
	case F_AGE: p->age = v; break;
	case F_WEIGHT: p->weight_kg = v; break;
	case F_HEIGHT: p->height_cm = v; break;
	case F_CREAT: p->creatinine_mg_dl = v; break;
	case F_EGFR: p->egfr = v; break;
	case F_CRCL: p->crcl = v; break;
	case F_SUPPLEMENT: p->supplement_mg = v; break;
	case F_DIET: p->diet_mg = v; break;
	case F_ISI: p->isi = v; break;
	default: break;
	}
	return 0;
}

int mg_decimal_parse(const char *s, double *v, const char **end)
{
	char num[48];
	const char *p = s + (*s == '+' || *s == '-');
	size_t whole = strspn(p, "0123456789"), frac = 0;
	p += whole;
	if (*p == '.') {
		frac = strspn(p + 1, "0123456789");
		p += 1 + frac;
	}
	/* 47 characters hold any value a person types (and a double's 17 digits). */
	if ((!whole && !frac) || (size_t)(p - s) >= sizeof num)
		return -1;
	memcpy(num, s, (size_t)(p - s));
	num[p - s] = '\0';
	*v = strtod(num, NULL); /* only digits and a point reach it: no hex, exponent, inf or nan */
	*end = p;
	return 0;
}

/* Parse "12.5" followed by an optional suffix; returns the suffix (trimmed). */
static int parse_number(const char *s, double *v, const char **suffix)
{
	const char *end;
	while (isspace((unsigned char)*s))
		s++;
	if (mg_decimal_parse(s, v, &end))
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	*suffix = end;
	return 0;
}

static int set_text_num(struct mg_profile *p, struct who w, const char *s, struct mg_error *err)
{
	double v;
	const char *suf;
	if (parse_number(s, &v, &suf))
		return reject(err, w, "not a number", w.f->accepted);
	if (w.f->id == F_WEIGHT && (!strcasecmp(suf, "lb") || !strcasecmp(suf, "lbs"))) {
		v *= 0.45359237;
		suf = "";
	} else if (w.f->id == F_WEIGHT && !strcasecmp(suf, "kg")) {
		suf = "";
	} else if (w.f->id == F_CREAT) {
		/* The unit is required: 1.1 and 97 are both plausible creatinine values. */
		if (!strcasecmp(suf, "mg/dl"))
			suf = "";
		else if (!strcasecmp(suf, "umol/l") || !strcmp(suf, "\xc2\xb5mol/L") || !strcmp(suf, "\xce\xbcmol/L")) {
			v /= 88.4; /* mg/dL = umol/L / 88.4 (reference 6.1) */
			suf = "";
		} else
			return reject(err, w, *suf ? "unknown unit" : "missing unit", w.f->accepted);
	}
	if (*suf)
		return reject(err, w, "unexpected text after the number", w.f->accepted);
	return set_num(p, w, v, err);
}

static int set_bool(struct mg_profile *p, const struct field *f, int v)
{
	switch (f->id) {
	case F_DIALYSIS: p->dialysis = v; break;
	case F_PREGNANT: p->pregnant = v; break;
	case F_BREASTFEEDING: p->breastfeeding = v; break;
	default: break;
	}
	return 0;
}

static int add_list_item(struct mg_profile *p, const struct mg_kb *kb, struct who w, const char *s, size_t n,
			 struct mg_error *err)
{
	char item[MG_MED_LEN];
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return reject(err, w, "empty name", w.f->id == F_MED ? w.f->accepted : "a known name");
	if (n >= sizeof item) {
		if (w.f->id == F_MED)
			return reject(err, w, "name too long", w.f->accepted);
		n = sizeof item - 1; /* cannot match anything; reported as unknown below */
	}
	memcpy(item, s, n);
	item[n] = '\0';
	if (w.f->id == F_MED) {
		for (size_t i = 0; i < p->n_meds; i++)
			if (!strcasecmp(p->meds[i], item))
				return 0;
		if (p->n_meds == MG_MAX_MEDS)
			return reject(err, w, "too many medicines", w.f->accepted);
		memcpy(p->meds[p->n_meds++], item, n + 1);
		return 0;
	}
	int cond = w.f->id == F_CONDITION;
	int k = cond ? mg_kb_find_condition(kb, item) : mg_kb_find_symptom(kb, item);
	if (k < 0)
		return reject(err, w, cond ? "unknown condition" : "unknown symptom",
			      cond ? mg_kb_condition_names(kb) : mg_kb_symptom_names(kb));
	if (cond)
		p->conditions |= (uint64_t)1 << k;
	else
		p->symptoms |= (uint64_t)1 << k;
	return 0;
}

static int set_text(struct mg_profile *p, const struct mg_kb *kb, struct who w, const char *value,
		    struct mg_error *err)
{
	const struct field *f = w.f;
	switch (f->kind) {
	case K_NUM:
		return set_text_num(p, w, value, err);
	case K_BOOL:
		if (!value || !strcasecmp(value, "true") || !strcasecmp(value, "yes"))
			return set_bool(p, f, 1);
		if (!strcasecmp(value, "false") || !strcasecmp(value, "no"))
			return set_bool(p, f, 0);
		return reject(err, w, "not true or false", f->accepted);
	case K_ENUM:
		if (f->id == F_SEX) {
			if (!strcasecmp(value, "female") || !strcasecmp(value, "f"))
				p->sex = MG_SEX_FEMALE;
			else if (!strcasecmp(value, "male") || !strcasecmp(value, "m"))
				p->sex = MG_SEX_MALE;
			else
				return reject(err, w, "unknown value", f->accepted);
			return 0;
		}
		for (int j = 0; j < MG_JUR_COUNT; j++)
			if (!strcasecmp(value, mg_jurisdiction_name((enum mg_jurisdiction)j))) {
				p->jurisdiction = j;
				return 0;
			}
		return reject(err, w, "unknown value", f->accepted);
	case K_STR:
		if (!mg_kb_find_compound(kb, value))
			return reject(err, w, "unknown form", mg_kb_compound_names(kb));
		snprintf(p->prefer_form, sizeof p->prefer_form, "%s", mg_kb_find_compound(kb, value)->id);
		return 0;
	case K_LIST:
		for (const char *s = value;;) {
			size_t n = strcspn(s, ",");
			int r = add_list_item(p, kb, w, s, n, err);
			if (r)
				return r;
			if (!s[n])
				return 0;
			s += n + 1;
		}
	}
	return 0;
}

int mg_profile_set(struct mg_profile *p, const struct mg_kb *kb, const char *field, const char *value,
		   struct mg_error *err)
{
	const struct field *f = find_field(field, 0);
	if (!f)
		return mg_fail(err, MG_EINVAL, field, "--%s: unknown profile field", field);
	if (!value && f->kind != K_BOOL)
		return reject(err, (struct who){f, 0}, "missing value", f->accepted ? f->accepted : "a name");
	return set_text(p, kb, (struct who){f, 0}, value, err);
}

/* A record's id: a string of at most idcap - 1 bytes, or an integer (given
 * back as its decimal text); absent or null leaves id "". */
static int read_id(const json_t *v, char *id, size_t idcap, struct mg_error *err)
{
	id[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		snprintf(id, idcap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= idcap ||
	    memchr(json_string_value(v), '\0', json_string_length(v)))
		return mg_fail(err, MG_EINVAL, "id", "id: accepted: a string of 1 to %zu bytes, or an integer",
			       idcap - 1);
	memcpy(id, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

/* The fast path of the reader, for batches (`mgsleep screen`): a scan of
 * the common shape, a flat object of ASCII strings without escapes, plain
 * numbers, booleans, null and arrays of such strings, with no jansson tree
 * (which was most of the time of a screened profile). It applies the same
 * field functions to a copy and commits only when the whole object was read
 * without an error; anything else (a syntax or value error, an escape, a
 * non-ASCII byte, an unknown or repeated key, a big number) returns 0 and
 * the jansson path below reads the input from scratch, so errors and every
 * unusual input are that path's. On success both give the same profile
 * (fuzz/fuzz_profile_fast.c checks it). */
struct scan {
	const char *s, *end;
};

static void ws(struct scan *c)
{
	while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
		c->s++;
}

/* A string of printable ASCII without escapes: its bytes (not terminated). */
static int str(struct scan *c, const char **v, size_t *n)
{
	if (c->s == c->end || *c->s != '"')
		return -1;
	const char *b = ++c->s;
	while (c->s < c->end && *c->s != '"') {
		unsigned char ch = (unsigned char)*c->s;
		if (ch < 0x20 || ch >= 0x7f || ch == '\\')
			return -1;
		c->s++;
	}
	if (c->s == c->end)
		return -1;
	*v = b;
	*n = (size_t)(c->s++ - b);
	return 0;
}

/* A JSON number (RFC 8259 grammar) as jansson reads it: an integer (no
 * fraction or exponent; at most 15 digits, so exact as a double) or a real
 * through strtod. *integer says which. */
static int num(struct scan *c, double *v, int *integer)
{
	const char *b = c->s, *p = c->s;
	char buf[48];
	if (p < c->end && *p == '-')
		p++;
	if (p == c->end || !isdigit((unsigned char)*p) || (*p == '0' && p + 1 < c->end && isdigit((unsigned char)p[1])))
		return -1;
	while (p < c->end && isdigit((unsigned char)*p))
		p++;
	*integer = 1;
	if (p < c->end && *p == '.') {
		*integer = 0;
		if (++p == c->end || !isdigit((unsigned char)*p))
			return -1;
		while (p < c->end && isdigit((unsigned char)*p))
			p++;
	}
	if (p < c->end && (*p == 'e' || *p == 'E')) {
		*integer = 0;
		if (++p < c->end && (*p == '+' || *p == '-'))
			p++;
		if (p == c->end || !isdigit((unsigned char)*p))
			return -1;
		while (p < c->end && isdigit((unsigned char)*p))
			p++;
	}
	if ((size_t)(p - b) >= sizeof buf || (*integer && p - b > 15))
		return -1;
	memcpy(buf, b, (size_t)(p - b));
	buf[p - b] = '\0';
	*v = *integer ? (double)strtoll(buf, NULL, 10) : strtod(buf, NULL);
	if (!isfinite(*v))
		return -1;
	c->s = p;
	return 0;
}

static int word(struct scan *c, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(c->end - c->s) < n || memcmp(c->s, w, n))
		return -1;
	c->s += n;
	return 0;
}

/* One value for field f (NULL: the id). 0, or -1 to fall back. */
static int fast_value(struct scan *c, struct mg_profile *p, const struct mg_kb *kb, const struct field *f,
		      char *id, size_t idcap)
{
	struct who w = {f, 1};
	const char *v;
	size_t n;
	double d;
	int integer;
	if (!word(c, "null"))
		return 0;
	if (!f) { /* the id: as read_id takes it */
		if (*c->s == '"') {
			if (str(c, &v, &n) || n == 0 || n >= idcap)
				return -1;
			memcpy(id, v, n);
			id[n] = '\0';
			return 0;
		}
		if (num(c, &d, &integer) || !integer)
			return -1;
		snprintf(id, idcap, "%lld", (long long)d);
		return 0;
	}
	switch (*c->s) {
	case '"': {
		char text[128];
		if (str(c, &v, &n) || f->kind == K_BOOL || f->kind == K_LIST || n >= sizeof text)
			return -1;
		memcpy(text, v, n);
		text[n] = '\0';
		return set_text(p, kb, w, text, NULL) ? -1 : 0;
	}
	case 't':
	case 'f':
		if (f->kind != K_BOOL)
			return -1;
		if (!word(c, "true"))
			return set_bool(p, f, 1);
		return word(c, "false") ? -1 : set_bool(p, f, 0);
	case '[':
		if (f->kind != K_LIST)
			return -1;
		c->s++;
		ws(c);
		if (c->s < c->end && *c->s == ']') {
			c->s++;
			return 0;
		}
		for (;;) {
			ws(c);
			if (str(c, &v, &n) || add_list_item(p, kb, w, v, n, NULL))
				return -1;
			ws(c);
			if (c->s < c->end && *c->s == ',') {
				c->s++;
				continue;
			}
			if (c->s < c->end && *c->s == ']') {
				c->s++;
				return 0;
			}
			return -1;
		}
	default:
		if (f->kind != K_NUM || f->id == F_CREAT || num(c, &d, &integer))
			return -1;
		return set_num(p, w, d, NULL) ? -1 : 0;
	}
}

/* 1 when read (*p and id set), 0 to fall back to the jansson path. */
static int load_fast(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len, char *id,
		     size_t idcap)
{
	struct scan c = {json, json + len};
	struct mg_profile tmp = *p;
	uint32_t seen = 0;
	char idv[256] = "";
	ws(&c);
	if (c.s == c.end || *c.s++ != '{')
		return 0;
	ws(&c);
	if (c.s < c.end && *c.s == '}') {
		c.s++;
	} else {
		for (;;) {
			const char *k;
			size_t n;
			char key[24];
			ws(&c);
			if (str(&c, &k, &n) || n >= sizeof key)
				return 0;
			memcpy(key, k, n);
			key[n] = '\0';
			const struct field *f = id && !strcmp(key, "id") ? NULL : find_field(key, 1);
			unsigned bit = f ? (unsigned)(f - fields) : N_FIELDS;
			if ((!f && !(id && !strcmp(key, "id"))) || seen >> bit & 1)
				return 0;
			seen |= 1u << bit;
			ws(&c);
			if (c.s == c.end || *c.s++ != ':')
				return 0;
			ws(&c);
			if (c.s == c.end || fast_value(&c, &tmp, kb, f, idv, id ? idcap : sizeof idv))
				return 0;
			ws(&c);
			if (c.s < c.end && *c.s == ',') {
				c.s++;
				continue;
			}
			if (c.s < c.end && *c.s == '}') {
				c.s++;
				break;
			}
			return 0;
		}
	}
	ws(&c);
	if (c.s != c.end)
		return 0;
	*p = tmp;
	if (id)
		memcpy(id, idv, strlen(idv) + 1);
	return 1;
}

static int load_tree(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len, char *id,
		     size_t idcap, struct mg_error *err);

/* The one reader of the profile JSON; id (when not NULL) also accepts a
 * top-level "id", read before any other key so that an error elsewhere can
 * still name the record. */
static int load_json(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len, char *id,
		     size_t idcap, struct mg_error *err)
{
	if (load_fast(p, kb, json, len, id, idcap))
		return 0;
	return load_tree(p, kb, json, len, id, idcap, err);
}

int mg_profile_load_json_tree(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len,
			      char *id, size_t idcap, struct mg_error *err)
{
	if (id && idcap < 2)
		return mg_fail(err, MG_EINVAL, "id", "id: no room");
	return load_tree(p, kb, json, len, id, idcap, err);
}

static int load_tree(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len, char *id,
		     size_t idcap, struct mg_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	int r = 0;
	if (!root) {
		/* jansson quotes the text near the error ("near '81'"): health data,
		 * so only the position and the kind of error are kept. */
		char *near = strstr(je.text, " near ");
		if (near)
			*near = '\0';
		return mg_fail(err, MG_EPARSE, "profile", "profile: line %d, column %d: %s", je.line, je.column,
			       je.text);
	}
	if (!json_is_object(root)) {
		r = mg_fail(err, MG_EINVAL, "profile", "profile: the top level must be a JSON object");
		goto out;
	}
	if (id && (r = read_id(json_object_get(root, "id"), id, idcap, err)))
		goto out;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		if (id && !strcmp(key, "id"))
			continue;
		const struct field *f = find_field(key, 1);
		if (!f) {
			r = mg_fail(err, MG_EINVAL, "profile", "profile: unknown key '%.40s'; accepted: age, sex, weight, "
				    "height, creatinine, egfr, crcl, dialysis, pregnant, breastfeeding, conditions, "
				    "medicines, supplement_mg, diet_mg, isi, symptoms, jurisdiction, prefer_form",
				    key);
			goto out;
		}
		struct who w = {f, 1};
		if (json_is_null(v))
			continue;
		if (f->kind == K_NUM && json_is_number(v) && f->id != F_CREAT)
			r = set_num(p, w, json_number_value(v), err);
		else if (f->kind == K_BOOL && json_is_boolean(v))
			r = set_bool(p, f, json_is_true(v));
		else if (f->kind == K_LIST && json_is_array(v)) {
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e) {
				if (!json_is_string(e)) {
					r = reject(err, w, "list items must be strings", "an array of names");
					break;
				}
				if ((r = add_list_item(p, kb, w, json_string_value(e), json_string_length(e), err)))
					break;
			}
		} else if (json_is_string(v) && f->kind != K_BOOL && f->kind != K_LIST)
			r = set_text(p, kb, w, json_string_value(v), err);
		else
			r = reject(err, w, "wrong JSON type", f->id == F_CREAT ? "a string such as \"1.1mg/dL\""
							: f->kind == K_LIST  ? "an array of strings"
							: f->kind == K_BOOL  ? "true or false"
							: f->accepted ? f->accepted : "a string");
		if (r)
			goto out;
	}
out:
	json_decref(root);
	return r;
}

int mg_profile_load_json(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len,
			 struct mg_error *err)
{
	return load_json(p, kb, json, len, NULL, 0, err);
}

int mg_profile_load_json_id(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len, char *id,
			    size_t idcap, struct mg_error *err)
{
	if (idcap < 2)
		return mg_fail(err, MG_EINVAL, "id", "id: no room");
	id[0] = '\0';
	return load_json(p, kb, json, len, id, idcap, err);
}

int mg_profile_key_kind(const char *key)
{
	const struct field *f = find_field(key, 1);
	return !f ? 0 : f->kind == K_BOOL ? 2 : f->kind == K_LIST ? 3 : 1;
}

int mg_profile_set_key(struct mg_profile *p, const struct mg_kb *kb, const char *key, const char *value,
		       struct mg_error *err)
{
	const struct field *f = find_field(key, 1);
	if (!f)
		return mg_fail(err, MG_EINVAL, "profile", "profile: unknown key");
	if (!value)
		return reject(err, (struct who){f, 1}, "missing value", f->accepted ? f->accepted : "a name");
	return set_text(p, kb, (struct who){f, 1}, value, err);
}

int mg_profile_check(const struct mg_profile *p, struct mg_error *err)
{
	if (p->pregnant && p->sex == MG_SEX_MALE)
		return mg_fail(err, MG_EINVAL, "pregnant", "--pregnant: contradicts --sex male");
	if (p->breastfeeding && p->sex == MG_SEX_MALE)
		return mg_fail(err, MG_EINVAL, "breastfeeding", "--breastfeeding: contradicts --sex male");
	if ((p->pregnant || p->breastfeeding) && !isnan(p->age) && (p->age < 10 || p->age > 60))
		return mg_fail(err, MG_EINVAL, p->pregnant ? "pregnant" : "breastfeeding",
			       "--%s: contradicts --age; accepted with ages 10 to 60",
			       p->pregnant ? "pregnant" : "breastfeeding");
	return 0;
}

int mg_profile_is_empty(const struct mg_profile *p)
{
	struct mg_profile empty;
	mg_profile_init(&empty);
	/* NaN != NaN, so compare field by field rather than with memcmp. */
	return isnan(p->age) && isnan(p->weight_kg) && isnan(p->height_cm) && isnan(p->creatinine_mg_dl) &&
	       isnan(p->egfr) && isnan(p->crcl) && isnan(p->supplement_mg) && isnan(p->diet_mg) && isnan(p->isi) &&
	       p->sex == empty.sex && !p->dialysis && !p->pregnant && !p->breastfeeding && !p->conditions &&
	       !p->symptoms && p->jurisdiction < 0 && !p->prefer_form[0] && !p->n_meds;
}

static void json_num(struct mg_buf *b, int *first, const char *key, double v)
{
	if (isnan(v))
		return;
	/* %.10g keeps every digit a user or a unit conversion produced, so the
	 * stored profile reads back to the same numbers. */
	mg_buf_printf(b, "%s\"%s\":%.10g", *first ? "" : ",", key, v);
	*first = 0;
}

static void json_bool(struct mg_buf *b, int *first, const char *key, int v)
{
	if (!v)
		return;
	mg_buf_printf(b, "%s\"%s\":true", *first ? "" : ",", key);
	*first = 0;
}

static void json_set(struct mg_buf *b, int *first, const char *key, uint64_t set, const struct mg_named *names,
		     size_t n)
{
	if (!set)
		return;
	mg_buf_printf(b, "%s\"%s\":[", *first ? "" : ",", key);
	int f = 1;
	for (size_t i = 0; i < n; i++)
		if (set >> i & 1) {
			if (!f)
				mg_buf_putc(b, ',');
			mg_buf_put_json_str(b, names[i].id);
			f = 0;
		}
	mg_buf_putc(b, ']');
	*first = 0;
}

void mg_profile_to_json(const struct mg_profile *p, const struct mg_kb *kb, struct mg_buf *b)
{
	int first = 1;
	mg_buf_putc(b, '{');
	json_num(b, &first, "age", p->age);
	if (p->sex != MG_SEX_UNKNOWN) {
		mg_buf_printf(b, "%s\"sex\":\"%s\"", first ? "" : ",", p->sex == MG_SEX_FEMALE ? "female" : "male");
		first = 0;
	}
	json_num(b, &first, "weight", p->weight_kg);
	json_num(b, &first, "height", p->height_cm);
	if (!isnan(p->creatinine_mg_dl)) {
		mg_buf_printf(b, "%s\"creatinine\":\"%.10gmg/dL\"", first ? "" : ",", p->creatinine_mg_dl);
		first = 0;
	}
	json_num(b, &first, "egfr", p->egfr);
	json_num(b, &first, "crcl", p->crcl);
	json_bool(b, &first, "dialysis", p->dialysis);
	json_bool(b, &first, "pregnant", p->pregnant);
	json_bool(b, &first, "breastfeeding", p->breastfeeding);
	json_set(b, &first, "conditions", p->conditions, kb->conditions, kb->n_conditions);
	if (p->n_meds) {
		mg_buf_printf(b, "%s\"medicines\":[", first ? "" : ",");
		for (size_t i = 0; i < p->n_meds; i++) {
			if (i)
				mg_buf_putc(b, ',');
			mg_buf_put_json_str(b, p->meds[i]);
		}
		mg_buf_putc(b, ']');
		first = 0;
	}
	json_num(b, &first, "supplement_mg", p->supplement_mg);
	json_num(b, &first, "diet_mg", p->diet_mg);
	json_num(b, &first, "isi", p->isi);
	json_set(b, &first, "symptoms", p->symptoms, kb->symptoms, kb->n_symptoms);
	if (p->jurisdiction >= 0) {
		mg_buf_printf(b, "%s\"jurisdiction\":\"%s\"", first ? "" : ",",
			      mg_jurisdiction_name((enum mg_jurisdiction)p->jurisdiction));
		first = 0;
	}
	if (p->prefer_form[0]) {
		mg_buf_printf(b, "%s\"prefer_form\":", first ? "" : ",");
		mg_buf_put_json_str(b, p->prefer_form);
	}
	mg_buf_puts(b, "}");
}
