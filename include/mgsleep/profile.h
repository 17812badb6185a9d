/* A person's profile: the inputs to `advise`. Filled from command-line flags
 * (mg_profile_set) and/or a JSON document (mg_profile_load_json); both go
 * through the same validation. Caller-allocated, no heap: init, fill, use.
 * Schema: docs/profile-schema.md. */
#ifndef MGSLEEP_PROFILE_H
#define MGSLEEP_PROFILE_H

#include <mgsleep/buf.h>
#include <mgsleep/kb.h>
#include <stddef.h>
#include <stdint.h>

enum mg_sex { MG_SEX_UNKNOWN = 0, MG_SEX_FEMALE = 1, MG_SEX_MALE = 2 };

#define MG_MAX_MEDS 32
#define MG_MED_LEN 64

struct mg_profile {
	double age;              /* years; NaN = not given (same for all doubles) */
	double weight_kg;
	double height_cm;
	double creatinine_mg_dl; /* serum creatinine, converted to mg/dL */
	double egfr;             /* reported eGFR, mL/min/1.73 m2 */
	double crcl;             /* reported creatinine clearance, mL/min */
	double supplement_mg;    /* elemental Mg already taken daily from supplements/medicines */
	double diet_mg;          /* estimated dietary Mg per day */
	double isi;              /* Insomnia Severity Index 0..28 */
	enum mg_sex sex;
	int dialysis, pregnant, breastfeeding;
	uint64_t conditions; /* bit i = KB condition i */
	uint64_t symptoms;   /* bit i = KB symptom i */
	int jurisdiction;    /* enum mg_jurisdiction, or -1 when not given */
	char prefer_form[48];
	char diet_source[96]; /* where diet_mg came from, for the report; "" = as given */
	size_t n_meds;
	char meds[MG_MAX_MEDS][MG_MED_LEN];
};

void mg_profile_init(struct mg_profile *p);

/* Set one field from text, as typed on the command line. field is the flag
 * name without dashes ("age", "weight", "creatinine", "condition", "med",
 * "symptom", "dialysis", ...); list fields accept comma-separated values and
 * add to what is there; boolean fields accept NULL (meaning true), "true" or
 * "false". Errors name the field (as --field) and the accepted values, never
 * the value given. */
int mg_profile_set(struct mg_profile *p, const struct mg_kb *kb, const char *field, const char *value,
		   struct mg_error *err);

/* Is this a profile flag name (for the CLI's option parser)? 1 = takes a
 * value, 2 = boolean flag, 0 = not a profile field. */
int mg_profile_field_kind(const char *field);

/* A plain decimal number at s: an optional sign, digits with an optional
 * point ("12", "12.5", ".5"), nothing else: no hex (0x1A), exponent (1e1),
 * inf or nan, which strtod would take. 0 with *v and *end (just past the
 * number), or -1 if s does not start with one. */
int mg_decimal_parse(const char *s, double *v, const char **end);

/* The largest profile JSON the readers accept (advise --profile, the
 * PostgreSQL extension): a profile is a few hundred bytes. */
#define MG_PROFILE_MAX_BYTES ((size_t)1 << 20)

/* Fill from a JSON object (keys in docs/profile-schema.md). Unknown keys are
 * errors. Fields already set are overwritten only by keys present. */
int mg_profile_load_json(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len,
			 struct mg_error *err);

/* The same reader for a record of a batch (`mgsleep screen`): the object may
 * also hold "id" (a string of at most idcap - 1 bytes, or an integer given
 * back as its decimal text), copied to id ("" when absent) before any other
 * key is read, so that id is known even when the call fails on another key. */
int mg_profile_load_json_id(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len, char *id,
			    size_t idcap, struct mg_error *err);

/* The same reader without its fast path (jansson's tree for every input):
 * the reference the fast path is checked against (fuzz/fuzz_profile_fast.c,
 * tests/unit/test_profile.c). id may be NULL (then "id" is an unknown key,
 * as for mg_profile_load_json). */
int mg_profile_load_json_tree(struct mg_profile *p, const struct mg_kb *kb, const char *json, size_t len,
			      char *id, size_t idcap, struct mg_error *err);

/* The JSON keys as fields (CSV columns of `screen`): 0 not a profile key,
 * 1 a value, 2 a boolean, 3 a list. mg_profile_set_key sets one from text
 * as mg_profile_set does (lists: comma-separated items added), with
 * messages naming the key as the JSON reader does. */
int mg_profile_key_kind(const char *key);
int mg_profile_set_key(struct mg_profile *p, const struct mg_kb *kb, const char *key, const char *value,
		       struct mg_error *err);

/* The profile as JSON in the same schema mg_profile_load_json reads (only
 * fields that are set; keys in a fixed order, so output is deterministic). */
void mg_profile_to_json(const struct mg_profile *p, const struct mg_kb *kb, struct mg_buf *out);

/* Does the profile hold anything at all? */
int mg_profile_is_empty(const struct mg_profile *p);

/* Cross-field checks (pregnant and male, ...). Call after all sources. */
int mg_profile_check(const struct mg_profile *p, struct mg_error *err);

#endif
