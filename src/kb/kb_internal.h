/* Internal view of the knowledge base, shared by the loader (src/kb) and the
 * engine (src/core). Everything here is owned by struct mg_kb and immutable
 * after loading. */
#ifndef MG_KB_INTERNAL_H
#define MG_KB_INTERNAL_H

#include <mgsleep/kb.h>
#include <mgsleep/terminology.h>
#include <mgsleep/medname.h>
#include <stdint.h>

/* Boolean facts a rule can test ("when": {"renal_known": false}). */
#define MG_BFACTS(XX)                                \
	XX(RENAL_KNOWN, "renal_known")               \
	XX(DIALYSIS, "dialysis")                     \
	XX(PREGNANT, "pregnant")                     \
	XX(BREASTFEEDING, "breastfeeding")           \
	XX(ISI_KNOWN, "isi_known")                   \
	XX(DIET_KNOWN, "diet_known")                 \
	XX(DIET_BELOW_INTAKE, "diet_below_intake")   \
	XX(DIET_AT_LEAST_INTAKE, "diet_at_least_intake") \
	XX(SUPPLEMENT_KNOWN, "supplement_known")     \
	XX(SUPPLEMENT_AT_LIMIT, "supplement_at_limit") \
	XX(OVER_LIMIT, "over_limit")                 \
	XX(ROOM_BELOW_DOSE, "room_below_dose")       \
	XX(LIMIT_KNOWN, "limit_known")               \
	XX(LIMIT_FALLBACK, "limit_fallback")         \
	XX(JURISDICTION_DEFAULT, "jurisdiction_default") \
	XX(UNRECOGNISED_MEDS, "unrecognised_meds")   \
	XX(FORM_REFUSED, "form_refused")             \
	XX(DOSE_PROPOSED, "dose_proposed")

enum mg_bfact {
#define XX(e, s) MG_BF_##e,
	MG_BFACTS(XX)
#undef XX
	MG_BF_COUNT
};

#define MG_MAX_SET 64 /* conditions, symptoms, interaction classes: bitmask width */

/* Facts about one person, derived from the profile; what predicates test.
 * NaN means unknown: a numeric test on an unknown fact is false. */
struct mg_facts {
	uint32_t bools; /* bit i = fact i is true */
	double renal;   /* lowest kidney estimate, mL/min */
	double age;
	double isi;
	uint64_t conditions, symptoms, classes;
};

struct mg_pred {
	uint32_t bool_mask, bool_value;
	double renal_below, renal_at_least, age_min, age_below, isi_min; /* NaN = absent */
	uint64_t condition_any, symptom_any, class_any;
	struct mg_pred *any; /* OR of these, if n_any > 0 */
	size_t n_any;
};

struct mg_stmt {
	const char *code;
	const char *section; /* rules only */
	const char *stage;   /* monitoring only */
	const char *status;  /* outcomes only; may be NULL */
	const char *lead;    /* referrals only: a sentence to put before the verdict, or NULL */
	const char *text;    /* rules may hold {supplement_mg} {limit_mg} {excess_mg} {room_mg} */
	enum mg_verdict verdict;
	enum mg_severity severity;
	int dose_level; /* index into kb->levels, or -1 */
	struct mg_refs refs;
	struct mg_pred when;
	/* This statement as it appears in an advice's JSON, built once at load
	 * so that rendering is copying (see src/report/json.c); NULL when the
	 * text holds placeholders and is expanded per advice. */
	const char *json;
	size_t json_len;
};

struct mg_named {
	const char *id;
	const char *name;
	const char *aliases[8];
	size_t n_aliases;
};

struct mg_intake {
	enum mg_jurisdiction jur;
	const char *kind;
	double age_min, age_max;
	int sex;   /* 0 any, 1 female, 2 male (enum mg_sex) */
	int state; /* 0 none, 1 pregnant, 2 lactating, 3 any */
	double mg;
	struct mg_refs refs;
};

struct mg_limit {
	enum mg_jurisdiction jur;
	const char *body;
	double age_min, age_max;
	double mg;
	int split_doses;
	struct mg_refs refs;
};

struct mg_level {
	const char *id;
	double mg;
	const char *text;
	struct mg_refs refs;
};

struct mg_form_rule {
	struct mg_pred when;
	const struct mg_compound *form;
	const char *reason;
	struct mg_refs refs;
};

/* A name the normaliser knows (generic, alias, brand or combination name),
 * sorted by its canonical form. */
struct mg_drug_name {
	const char *key;     /* the name or brand as written in the KB */
	const char *canon;   /* canonical form (mg_medname_canon) */
	const char *generic; /* display name of the medicine (or of the combination) */
	unsigned short inter;
	int med;   /* index into kb->medicines, or -1 for a combination */
	int combo; /* index into kb->combos, or -1 */
	const char *sig; /* several ingredients ("a/b"): canonical ingredients sorted, '/'-joined; else NULL */
	/* For "did you mean": strlen(canon) and mg_medname_chars(canon), so most
	 * names are ruled out without an edit-distance table. */
	size_t len;
	uint32_t chars;
};

/* A combination product (medicines.json "combinations"). */
struct mg_combo {
	const char *name;
	unsigned short med[MG_MED_MAX_INGREDIENTS];
	unsigned char n;
	struct mg_refs refs;
};

/* Word lists of medicines.json, canonical, sorted for bsearch. */
struct mg_wordlist {
	const char **w;
	size_t n;
};

struct mg_renal_cat {
	double min;
	const char *code;
	const char *text;
};

struct mg_text_refs {
	const char *text;
	struct mg_refs refs;
};

/* meta.json "insomnia": what an ISI category means for magnesium. */
struct mg_isi_text {
	const char *category; /* an id of mg_isi_category_name() */
	const char *text;
	struct mg_refs refs;
};

struct mg_kb {
	void *root; /* json_t *, kept alive: every string points into it */
	const char *canonical;
	size_t canonical_len;
	char *canonical_owned; /* set when canonical was produced here */
	char hash[65];
	char origin[256];
	const char *version;
	void *arena; /* list of extra allocations */

	struct mg_source *sources;
	size_t n_sources;
	struct mg_compound *compounds;
	size_t n_compounds;
	struct mg_intake *intakes;
	size_t n_intakes;
	struct mg_limit *limits;
	size_t n_limits;
	struct mg_named conditions[MG_MAX_SET], symptoms[MG_MAX_SET];
	size_t n_conditions, n_symptoms;
	const char *classes[MG_MAX_SET];
	size_t n_classes;
	unsigned char *inter_class; /* class index per interaction */
	struct mg_interaction *inter;
	size_t n_inter;
	struct mg_drug_name *drugs; /* sorted by canon */
	size_t n_drugs;
	struct mg_medicine *medicines; /* one per generic medicine */
	size_t n_medicines;
	struct mg_combo *combos;
	size_t n_combos;
	struct mg_wordlist salt_words, form_words, freq_words, conn_words;
	int compound_med; /* medicines.json compound_medicine: index into medicines, or -1 */
	struct mg_text_refs unrecognised; /* the general rule for an unrecognised medicine */
	struct mg_stmt *rules, *referrals, *monitoring, *outcomes, *pitfalls, *studies;
	size_t n_rules, n_referrals, n_monitoring, n_outcomes, n_pitfalls, n_studies;

	const struct mg_compound *default_form;
	struct mg_text_refs default_reason;
	struct mg_level levels[4];
	size_t n_levels;
	struct mg_form_rule form_rules[8];
	size_t n_form_rules;
	struct mg_text_refs timing, timing_split;
	struct mg_text_refs untested_form; /* "why this dose" for a form no sleep trial used */
	double min_dose_mg; /* less room than this under the limit: no new dose */

	const char *verdict_text[4];
	const char *verdict_summary[4]; /* a few words for a clinician's card summary */
	struct mg_renal_cat renal_cats[8];
	size_t n_renal_cats;
	struct mg_refs renal_refs;           /* the formulas and the KDIGO categories */
	struct mg_refs renal_threshold_refs; /* the labels behind the thresholds */
	const char *renal_note; /* the thresholds in words, shown under the estimate */
	double weight_note_above_ibw; /* weight / ideal weight above which the CG weight alternatives are shown */
	struct mg_isi_text insomnia[4];
	size_t n_insomnia;
	const char *disclaimer;

	char *compound_names, *condition_names, *symptom_names;

	/* diet.json: the food-frequency questionnaire and suggestion foods */
	struct mg_diet_freq diet_freq[10];
	size_t n_diet_freq;
	struct mg_diet_item diet_items[24];
	size_t n_diet_items;
	struct mg_refs diet_refs;

	struct mg_trial_outcome trial_outcomes[16];
	size_t n_trial_outcomes;
	struct mg_trial_design trial_design;

	/* terminology.json: the codes FHIR input is read by */
	struct mg_term_observation *term_obs;
	size_t n_term_obs;
	struct mg_term_condition *term_cond;
	size_t n_term_cond;
	struct mg_term_gap *term_gaps;
	size_t n_term_gaps;
	const char **term_pregnancy;
	size_t n_term_pregnancy;
	struct mg_refs term_refs;

	/* Per source: its JSON object after the "number" member, i.e.
	 * ,"id":..,"citation":..,"url":..,"status":..} (built once at load). */
	const char **source_json;
	size_t *source_json_len;
};

/* A statement as it appears in an advice's JSON, with text (its own, or
 * with placeholders filled): the one writer of that shape, used once at load
 * (kb_fragments.c) and per advice for rules with placeholders (json.c). */
enum mg_stmt_kind { MG_STMT_RULE, MG_STMT_PLAIN, MG_STMT_STAGED, MG_STMT_STATUSED };
struct mg_buf;
void mg_kb_stmt_json(struct mg_buf *b, const struct mg_kb *kb, const struct mg_stmt *st, enum mg_stmt_kind kind,
		     const char *text);

/* The placeholders a rule's text may hold, NULL-terminated (kb.c). */
extern const char *const mg_text_vars[];

int mg_pred_eval(const struct mg_pred *p, const struct mg_facts *f);
int mg_kb_find_condition(const struct mg_kb *kb, const char *name);
int mg_kb_find_symptom(const struct mg_kb *kb, const char *name);
/* Index into kb->drugs of a name whose canonical form equals name's, or -1. */
int mg_kb_find_drug(const struct mg_kb *kb, const char *name);
/* Same, for an already canonical string. */
int mg_kb_find_canon(const struct mg_kb *kb, const char *canon);
/* Canonical signature of a several-ingredient name ("dolutegravir/rilpivirine"):
 * each part reduced as the normaliser does, sorted, joined with '/'. Returns 0,
 * or -1 if the name has fewer than two parts or does not fit. */
int mg_medname_sig(const struct mg_kb *kb, const char *name, char *out, size_t outsz);
/* The characters a canonical name holds, as a set (bit c & 31): one edit
 * (insert, delete, substitute, transpose) changes at most two members, so
 * popcount(a ^ b) / 2, rounded up, never exceeds the edit distance. */
uint32_t mg_medname_chars(const char *canon);
int mg_kb_build(struct mg_kb **out, void *root, const char *canonical, size_t canonical_len,
		const char *hash, const char *origin, struct mg_error *err);

#endif
