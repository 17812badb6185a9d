/* Profile input: flag parsing (mg_profile_set), cross-field checks
 * (mg_profile_check) and JSON loading (mg_profile_load_json).
 * Unit factors from the reference dossier: 1 lb = 0.45359237 kg (exact,
 * international pound); creatinine umol/L / 88.4 = mg/dL (section 6.1).
 * Privacy rule: error messages name the field, never the value given. */
#include "../tap.h"

#include <mgsleep/kb.h>
#include <mgsleep/profile.h>

#include "../../src/kb/kb_internal.h"

#include <ctype.h>

static struct mg_kb *kb;


static int set(struct mg_profile *p, const char *field, const char *value, struct mg_error *err)
{
	memset(err, 0, sizeof *err);
	return mg_profile_set(p, kb, field, value, err);
}

static int load(struct mg_profile *p, const char *json, struct mg_error *err)
{
	memset(err, 0, sizeof *err);
	return mg_profile_load_json(p, kb, json, strlen(json), err);
}

/* Does s contain value as a whole token (not inside a longer number or word)? */
static int has_token(const char *s, const char *value)
{
	size_t n = strlen(value);
	for (const char *q = strstr(s, value); q; q = strstr(q + 1, value)) {
		int left = q == s || !(isalnum((unsigned char)q[-1]) || q[-1] == '.');
		int right = !(isalnum((unsigned char)q[n]) || q[n] == '.');
		if (left && right)
			return 1;
	}
	return 0;
}

static int cond_bit(const char *name)
{
	int k = mg_kb_find_condition(kb, name);
	return k < 0 ? -1 : k;
}

static int has_cond(const struct mg_profile *p, const char *name)
{
	int k = cond_bit(name);
	return k >= 0 && (p->conditions >> k & 1);
}

static int has_sym(const struct mg_profile *p, const char *name)
{
	int k = mg_kb_find_symptom(kb, name);
	return k >= 0 && (p->symptoms >> k & 1);
}

/* A rejected value: error code, the field named in err.field and err.msg,
 * and the value not echoed. */
static void rejects(const char *field, const char *value, const char *why)
{
	struct mg_profile p;
	struct mg_error err = {0};
	char flag[80];
	mg_profile_init(&p);
	int r = set(&p, field, value, &err);
	snprintf(flag, sizeof flag, "--%s", field);
	ok(r == MG_EINVAL, "--%s %s (%s): rejected with MG_EINVAL", field, value, why);
	is_str(err.field, field, "--%s %s: err.field names the field", field, value);
	if (!ok(strstr(err.msg, flag) != NULL, "--%s %s: message names %s", field, value, flag))
		printf("#   message: %s\n", err.msg);
	/* The value, and its number without the unit ("1.3" of "1.3mmol/L"). */
	char num[64];
	size_t n = strspn(value, "+-.0123456789");
	snprintf(num, sizeof num, "%.*s", (int)n, value);
	if (!ok(!has_token(err.msg, value) && (!n || !has_token(err.msg, num)),
		"--%s %s: message does not contain the value (privacy)", field, value))
		printf("#   message: %s\n", err.msg);
	ok(!strchr(err.msg, '\n'), "--%s %s: message is one line", field, value);
}

static void flags(void)
{
	struct mg_profile p;
	struct mg_error err = {0};

	mg_profile_init(&p);
	ok(isnan(p.age) && isnan(p.weight_kg) && isnan(p.creatinine_mg_dl) && isnan(p.isi) && p.jurisdiction == -1 &&
		   p.sex == MG_SEX_UNKNOWN && p.n_meds == 0 && p.conditions == 0,
	   "init: every field unknown");

	ok(set(&p, "weight", "154lb", &err) == 0, "--weight 154lb accepted");
	is_num(p.weight_kg, 154 * 0.45359237, 0.001, "--weight 154lb = 69.85 kg");
	is_num(p.weight_kg, 69.85, 0.01, "--weight 154lb = 69.85 kg (2 dp)");
	ok(set(&p, "weight", "70", &err) == 0 && p.weight_kg == 70, "--weight 70 = 70 kg");
	ok(set(&p, "weight", "70kg", &err) == 0 && p.weight_kg == 70, "--weight 70kg = 70 kg");
	ok(set(&p, "weight", "154LB", &err) == 0 && fabs(p.weight_kg - 69.853) < 0.01, "--weight 154LB (case) accepted");

	ok(set(&p, "creatinine", "1.1mg/dL", &err) == 0, "--creatinine 1.1mg/dL accepted");
	is_num(p.creatinine_mg_dl, 1.1, 1e-9, "--creatinine 1.1mg/dL = 1.1 mg/dL");
	ok(set(&p, "creatinine", "97umol/L", &err) == 0, "--creatinine 97umol/L accepted");
	is_num(p.creatinine_mg_dl, 97 / 88.4, 1e-9, "6.1 / S39: 97 umol/L = 97/88.4 = 1.0973 mg/dL");
	is_num(p.creatinine_mg_dl, 1.0973, 0.0001, "6.1: 97 umol/L = 1.0973 mg/dL (4 dp)");
	ok(set(&p, "creatinine", "106.1\xc2\xb5mol/L", &err) == 0 && fabs(p.creatinine_mg_dl - 1.2) < 0.001,
	   "6.1: 106.1 \xc2\xb5mol/L (micro sign) = 1.2 mg/dL");

	mg_profile_init(&p);
	int r = set(&p, "creatinine", "1.1", &err);
	ok(r == MG_EINVAL, "--creatinine 1.1 without a unit is an error");
	ok(strstr(err.msg, "--creatinine") != NULL, "--creatinine without unit: message names --creatinine");
	is_str(err.field, "creatinine", "--creatinine without unit: err.field creatinine");
	ok(strstr(err.msg, "mg/dL") && strstr(err.msg, "umol/L"), "--creatinine without unit: lists accepted units");
	ok(isnan(p.creatinine_mg_dl), "--creatinine without unit: value not stored");
	rejects("creatinine", "1.3", "no unit");
	rejects("creatinine", "1.3mmol/L", "wrong unit");

	/* Lists: comma-separated and repeated. */
	mg_profile_init(&p);
	ok(set(&p, "condition", "diabetes,hypertension", &err) == 0, "--condition diabetes,hypertension accepted");
	ok(has_cond(&p, "diabetes") && has_cond(&p, "hypertension"), "comma-separated conditions both set");
	ok(set(&p, "condition", "kidney-disease", &err) == 0 && has_cond(&p, "kidney-disease") &&
		   has_cond(&p, "diabetes"),
	   "repeated --condition adds to the list");
	ok(set(&p, "condition", " constipation , ckd ", &err) == 0 && has_cond(&p, "constipation"),
	   "spaces around list items are trimmed");
	ok(set(&p, "condition", "Heart-Failure", &err) == 0 && has_cond(&p, "heart-failure"),
	   "condition names are case-insensitive");
	ok(set(&p, "symptom", "snoring,restless-legs", &err) == 0 && has_sym(&p, "snoring") &&
		   has_sym(&p, "restless-legs"),
	   "comma-separated symptoms");
	ok(set(&p, "symptom", "low-mood", &err) == 0 && has_sym(&p, "low-mood") && has_sym(&p, "snoring"),
	   "repeated --symptom adds to the list");
	ok(set(&p, "med", "doxycycline, Lasix", &err) == 0 && p.n_meds == 2, "--med doxycycline, Lasix -> 2 medicines");
	is_str(p.meds[0], "doxycycline", "--med first item");
	is_str(p.meds[1], "Lasix", "--med second item trimmed");
	ok(set(&p, "med", "levothyroxine", &err) == 0 && p.n_meds == 3, "repeated --med adds to the list");
	ok(set(&p, "med", "LASIX", &err) == 0 && p.n_meds == 3, "the same medicine twice (any case) is listed once");
	ok(set(&p, "med", "foobarium", &err) == 0 && p.n_meds == 4, "an unknown medicine is not an error");

	/* Unknown names list the known ones, and do not echo the name. */
	mg_profile_init(&p);
	r = set(&p, "condition", "nonsense", &err);
	ok(r == MG_EINVAL, "--condition nonsense rejected");
	is_str(err.field, "condition", "--condition nonsense: err.field condition");
	static const char *const conds[] = {"kidney-disease",  "heart-failure", "heart-block",       "arrhythmia",
					    "myasthenia-gravis", "bowel-obstruction", "chronic-diarrhea", "constipation",
					    "diabetes",        "hypertension",  "hypermagnesemia"};
	int all = 1;
	for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++)
		if (!strstr(err.msg, conds[i])) {
			printf("#   missing %s\n", conds[i]);
			all = 0;
		}
	ok(all, "--condition nonsense: message lists every known condition (kidney-disease, ...)");
	ok(!strstr(err.msg, "nonsense"), "--condition nonsense: message does not echo the name");
	ok(set(&p, "condition", "diabetes,nonsense", &err) == MG_EINVAL, "one unknown item in a list is an error");
	r = set(&p, "symptom", "nonsense", &err);
	ok(r == MG_EINVAL, "--symptom nonsense rejected");
	is_str(err.field, "symptom", "--symptom nonsense: err.field symptom");
	static const char *const syms[] = {"snoring",     "witnessed-apnea", "daytime-sleepiness",
					   "restless-legs", "low-mood",      "muscle-cramps"};
	all = 1;
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++)
		if (!strstr(err.msg, syms[i]))
			all = 0;
	ok(all, "--symptom nonsense: message lists every known symptom");
	ok(!strstr(err.msg, "nonsense"), "--symptom nonsense: message does not echo the name");
	ok(set(&p, "med", "", &err) == MG_EINVAL, "--med with an empty name is an error");

	/* Out of range / malformed: named, never echoed. */
	rejects("age", "250", "out of range");
	rejects("age", "-1", "negative");
	rejects("age", "seventy", "not a number");
	rejects("weight", "0", "out of range");
	rejects("weight", "0lb", "out of range");
	rejects("weight", "70stone", "unknown unit");
	rejects("creatinine", "0mg/dL", "out of range");
	rejects("isi", "31", "above 28");
	rejects("isi", "3.5", "not whole");
	rejects("isi", "-1", "negative");
	rejects("egfr", "0", "out of range");
	rejects("crcl", "0", "out of range");
	rejects("height", "0", "out of range");
	rejects("supplement-mg", "-5", "negative");
	rejects("diet-mg", "99999", "out of range");
	rejects("sex", "other", "unknown value");
	rejects("jurisdiction", "xx", "unknown value");
	rejects("age", "1e999", "overflow");
	rejects("age", "nan", "not a number");
	ok(set(&p, "isi", "0", &err) == 0 && p.isi == 0, "--isi 0 accepted (7.1: range 0-28)");
	ok(set(&p, "isi", "28", &err) == 0 && p.isi == 28, "--isi 28 accepted");
	ok(set(&p, "age", "120", &err) == 0 && p.age == 120, "--age 120 accepted");

	/* Enums, booleans, forms. */
	mg_profile_init(&p);
	ok(set(&p, "sex", "female", &err) == 0 && p.sex == MG_SEX_FEMALE, "--sex female");
	ok(set(&p, "sex", "male", &err) == 0 && p.sex == MG_SEX_MALE, "--sex male");
	ok(set(&p, "jurisdiction", "UK", &err) == 0 && p.jurisdiction == MG_JUR_UK, "--jurisdiction UK (case)");
	ok(set(&p, "jurisdiction", "eu", &err) == 0 && p.jurisdiction == MG_JUR_EU, "--jurisdiction eu");
	ok(set(&p, "dialysis", NULL, &err) == 0 && p.dialysis == 1, "--dialysis with no value = true");
	ok(set(&p, "dialysis", "false", &err) == 0 && p.dialysis == 0, "--dialysis=false");
	ok(set(&p, "dialysis", "maybe", &err) == MG_EINVAL && strstr(err.msg, "--dialysis"), "--dialysis=maybe rejected");
	ok(set(&p, "prefer-form", "glycinate", &err) == 0 && !strcmp(p.prefer_form, "bisglycinate"),
	   "--prefer-form glycinate -> bisglycinate");
	ok(set(&p, "prefer-form", "unobtainium", &err) == MG_EINVAL && strstr(err.msg, "bisglycinate") &&
		   strstr(err.msg, "--prefer-form"),
	   "--prefer-form unknown: error lists the known forms");
	ok(set(&p, "age", NULL, &err) == MG_EINVAL && strstr(err.msg, "--age"), "--age without a value rejected");
	ok(set(&p, "bogus", "1", &err) == MG_EINVAL, "unknown field rejected");
	ok(mg_profile_field_kind("age") == 1 && mg_profile_field_kind("dialysis") == 2 &&
		   mg_profile_field_kind("bogus") == 0,
	   "mg_profile_field_kind: value / boolean / unknown");

	/* Contradictions. */
	mg_profile_init(&p);
	set(&p, "sex", "male", &err);
	set(&p, "pregnant", NULL, &err);
	memset(&err, 0, sizeof err);
	ok(mg_profile_check(&p, &err) == MG_EINVAL, "pregnant + male is contradictory");
	ok(strstr(err.msg, "--pregnant") && strstr(err.msg, "--sex"), "pregnant + male: message names --pregnant and --sex");
	mg_profile_init(&p);
	set(&p, "sex", "male", &err);
	set(&p, "breastfeeding", NULL, &err);
	ok(mg_profile_check(&p, &err) == MG_EINVAL && strstr(err.msg, "--breastfeeding"),
	   "breastfeeding + male is contradictory");
	mg_profile_init(&p);
	set(&p, "sex", "female", &err);
	set(&p, "pregnant", NULL, &err);
	ok(mg_profile_check(&p, &err) == 0, "pregnant + female is fine");
	mg_profile_init(&p);
	set(&p, "pregnant", NULL, &err);
	ok(mg_profile_check(&p, &err) == 0, "pregnant, sex not given, is fine");
}

static void json(void)
{
	struct mg_profile p;
	struct mg_error err = {0};

	mg_profile_init(&p);
	const char *full = "{\"age\": 70, \"sex\": \"female\", \"weight\": \"154lb\", \"height\": 165,"
			   " \"creatinine\": \"97umol/L\", \"egfr\": 55, \"crcl\": 48, \"dialysis\": false,"
			   " \"pregnant\": false, \"breastfeeding\": false,"
			   " \"conditions\": [\"diabetes\", \"hypertension\"], \"medicines\": [\"Lasix\", \"foobarium\"],"
			   " \"supplement_mg\": 100, \"diet_mg\": 260, \"isi\": 15,"
			   " \"symptoms\": [\"snoring\", \"low-mood\"], \"jurisdiction\": \"uk\", \"prefer_form\": \"citrate\"}";
	int r = load(&p, full, &err);
	if (!ok(r == 0, "JSON: a profile with every key loads"))
		printf("#   %s\n", err.msg);
	is_num(p.age, 70, 0, "JSON age");
	ok(p.sex == MG_SEX_FEMALE, "JSON sex");
	is_num(p.weight_kg, 69.85, 0.01, "JSON weight \"154lb\" = 69.85 kg");
	is_num(p.height_cm, 165, 0, "JSON height");
	is_num(p.creatinine_mg_dl, 97 / 88.4, 1e-9, "JSON creatinine \"97umol/L\" = 1.0973 mg/dL");
	is_num(p.egfr, 55, 0, "JSON egfr");
	is_num(p.crcl, 48, 0, "JSON crcl");
	ok(!p.dialysis && !p.pregnant && !p.breastfeeding, "JSON booleans false");
	ok(has_cond(&p, "diabetes") && has_cond(&p, "hypertension") && !has_cond(&p, "kidney-disease"), "JSON conditions");
	ok(p.n_meds == 2 && !strcmp(p.meds[0], "Lasix") && !strcmp(p.meds[1], "foobarium"), "JSON medicines");
	is_num(p.supplement_mg, 100, 0, "JSON supplement_mg");
	is_num(p.diet_mg, 260, 0, "JSON diet_mg");
	is_num(p.isi, 15, 0, "JSON isi");
	ok(has_sym(&p, "snoring") && has_sym(&p, "low-mood"), "JSON symptoms");
	ok(p.jurisdiction == MG_JUR_UK, "JSON jurisdiction");
	is_str(p.prefer_form, "citrate", "JSON prefer_form");

	mg_profile_init(&p);
	r = load(&p, "{\"dialysis\": true, \"pregnant\": true, \"breastfeeding\": true, \"weight\": 80,"
		     " \"creatinine\": \"1.1mg/dL\"}",
		 &err);
	ok(r == 0 && p.dialysis && p.pregnant && p.breastfeeding, "JSON booleans true");
	ok(p.weight_kg == 80 && fabs(p.creatinine_mg_dl - 1.1) < 1e-9, "JSON weight as a number, creatinine with mg/dL");

	/* Flags override file values (issue 2 section 3). */
	mg_profile_init(&p);
	load(&p, "{\"jurisdiction\": \"us\", \"age\": 50}", &err);
	set(&p, "jurisdiction", "eu", &err);
	ok(p.jurisdiction == MG_JUR_EU && p.age == 50, "a flag after the file overrides the file value");
	mg_profile_init(&p);
	r = load(&p, "{\"age\": null, \"isi\": null}", &err);
	ok(r == 0 && isnan(p.age) && isnan(p.isi), "JSON null means not given");

	mg_profile_init(&p);
	r = load(&p, "{\"age\": 40, \"favourite_colour\": \"blue\"}", &err);
	ok(r == MG_EINVAL, "JSON unknown key is an error");
	ok(strstr(err.msg, "unknown key") && strstr(err.msg, "supplement_mg"), "JSON unknown key: message lists the keys");
	r = load(&p, "{\"supplement-mg\": 100}", &err);
	ok(r == MG_EINVAL, "JSON uses supplement_mg, not the flag spelling supplement-mg");

	static const struct {
		const char *json, *field, *why;
	} wrong[] = {
		{"{\"age\": true}", "age", "boolean for a number"},
		{"{\"age\": [70]}", "age", "array for a number"},
		{"{\"age\": \"seventy\"}", "age", "text for a number"},
		{"{\"creatinine\": 1.1}", "creatinine", "number without unit"},
		{"{\"dialysis\": \"yes\"}", "dialysis", "string for a boolean"},
		{"{\"dialysis\": 1}", "dialysis", "number for a boolean"},
		{"{\"conditions\": \"diabetes\"}", "conditions", "string for a list"},
		{"{\"medicines\": [1]}", "medicines", "number in a list"},
		{"{\"symptoms\": {\"snoring\": true}}", "symptoms", "object for a list"},
		{"{\"sex\": 1}", "sex", "number for an enum"},
		{"{\"jurisdiction\": [\"us\"]}", "jurisdiction", "array for an enum"},
		{"{\"isi\": 31}", "isi", "out of range"},
		{"{\"age\": 250}", "age", "out of range"},
		{"{\"conditions\": [\"nonsense\"]}", "conditions", "unknown condition"},
	};
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		mg_profile_init(&p);
		r = load(&p, wrong[i].json, &err);
		ok(r == MG_EINVAL && strstr(err.field, wrong[i].field) && strstr(err.msg, wrong[i].field),
		   "JSON %s (%s): error names %s", wrong[i].json, wrong[i].why, wrong[i].field);
	}
	mg_profile_init(&p);
	load(&p, "{\"age\": 250}", &err);
	ok(!has_token(err.msg, "250"), "JSON age 250: message does not contain the value (privacy)");
	load(&p, "{\"conditions\": [\"diabetes\", \"nonsense\"]}", &err);
	ok(!strstr(err.msg, "nonsense"), "JSON unknown condition: message does not echo the name (privacy)");

	mg_profile_init(&p);
	r = load(&p, "{\n  \"age\": 70,\n}\n", &err);
	ok(r == MG_EPARSE, "malformed JSON (trailing comma) is a parse error");
	if (!ok(strstr(err.msg, "line 3") && strstr(err.msg, "column"), "malformed JSON: message gives line 3 and column"))
		printf("#   message: %s\n", err.msg);
	r = load(&p, "{\"age\": 70", &err);
	ok(r == MG_EPARSE && strstr(err.msg, "line 1"), "truncated JSON is a parse error with its line");
	r = load(&p, "", &err);
	ok(r == MG_EPARSE, "empty input is a parse error");
	r = load(&p, "[1, 2]", &err);
	ok(r != 0, "a JSON array at the top level is an error");
	r = load(&p, "{\"age\": 70, \"age\": 71}", &err);
	ok(r != 0, "a duplicated key is an error");
	/* Privacy: the parser's "near '...'" context must not carry health data. */
	r = load(&p, "{\"age\": 70, \"conditions\": [\"kidney-disease\" \"diabetes\"]}", &err);
	ok(r == MG_EPARSE, "malformed JSON (missing comma in a list) is a parse error");
	if (!ok(!strstr(err.msg, "diabetes"), "malformed JSON: message does not echo a condition from the file (privacy)"))
		printf("#   message: %s\n", err.msg);
	r = load(&p, "{\"age\": 70 81}", &err);
	if (!ok(!has_token(err.msg, "81"), "malformed JSON: message does not echo a number from the file (privacy)"))
		printf("#   message: %s\n", err.msg);
}

int main(void)
{
	struct mg_error err = {0};
	if (mg_kb_load_builtin(&kb, &err)) {
		printf("Bail out! built-in KB: %s\n", err.msg);
		return 1;
	}
	flags();
	json();
	/* Issue 12: numbers are plain decimals (no hex, exponent, inf, nan). */
	{
		static const char *const good[] = {"26", "26.5", ".5", "-3", "+4", "70."};
		static const double want[] = {26, 26.5, 0.5, -3, 4, 70};
		static const char *const bad[] = {"0x1A", "1e1", "inf", "nan", "", ".", "-", "x1"};
		for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
			double v = -1;
			const char *end = NULL;
			ok(mg_decimal_parse(good[i], &v, &end) == 0 && v == want[i] && *end == '\0',
			   "mg_decimal_parse reads '%s' as %g", good[i], want[i]);
		}
		for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
			double v;
			const char *end = NULL;
			int r = mg_decimal_parse(bad[i], &v, &end);
			ok(r != 0 || *end != '\0', "mg_decimal_parse does not take '%s' whole", bad[i]);
		}
		struct mg_profile q;
		mg_profile_init(&q);
		ok(mg_profile_set(&q, kb, "age", "0x1A", &err) != 0 && mg_profile_set(&q, kb, "isi", "1e1", &err) != 0,
		   "--age 0x1A and --isi 1e1 are refused");
	}
	/* Messages stay on one line and cannot drive a terminal. */
	{
		char out[64];
		mg_escape(out, sizeof out, "a\nb\x1b[31m\xc2\x9b" "c \xc3\xa9");
		ok(!strcmp(out, "a\\x0ab\\x1b[31m\\xc2\\x9bc \xc3\xa9"), "mg_escape: newline, ESC and C1 CSI as \\xNN, UTF-8 kept: %s", out);
		mg_escape(out, 6, "ab\ncd");
		ok(!strcmp(out, "ab"), "mg_escape never cuts an escape in half");
		mg_fail(&err, MG_EINVAL, "x", "member '%s'", "evil\n\x1b]0;title\x07");
		ok(!strchr(err.msg, '\n') && !strchr(err.msg, '\x1b') && !strchr(err.msg, '\x07'), "mg_fail escapes its message: %s", err.msg);
	}
	mg_kb_free(kb);
	return tap_done();
}
