/* The knowledge base: every clinical fact, threshold, rule and text mgsleep
 * uses, with citations. Loaded from the copy embedded at build time, or from a
 * directory of JSON files (--kb DIR, MGSLEEP_KB) with the same validation.
 * Schema: docs/kb-schema.md.
 *
 * Ownership: mg_kb_load_* return a heap object owned by the caller, released
 * with mg_kb_free(). Every pointer obtained from it (strings, structs) is
 * borrowed and lives until mg_kb_free(). A loaded KB is immutable and may be
 * shared by threads. */
#ifndef MGSLEEP_KB_H
#define MGSLEEP_KB_H

#include <mgsleep/error.h>
#include <stddef.h>

enum mg_verdict {
	MG_VERDICT_RECOMMENDED = 0, /* reasonable to try at the stated dose */
	MG_VERDICT_CAUTION,         /* reasonable with the stated adjustments */
	MG_VERDICT_CONSULT,         /* do not start without a clinician */
	MG_VERDICT_CONTRAINDICATED, /* do not take */
};

enum mg_severity { MG_SEV_INFO = 0, MG_SEV_CAUTION, MG_SEV_WARNING, MG_SEV_DANGER };

enum mg_jurisdiction { MG_JUR_US = 0, MG_JUR_EU, MG_JUR_UK, MG_JUR_COUNT };

enum mg_sleep_use { MG_USE_PREFERRED = 0, MG_USE_ACCEPTABLE, MG_USE_AVOID };

#define MG_MAX_REFS 8

/* Citations of one item: indices into the KB's sources, in the order given. */
struct mg_refs {
	unsigned char n;
	unsigned short idx[MG_MAX_REFS];
};

struct mg_source {
	const char *id;       /* "S18" */
	const char *citation; /* authors, year, title, journal, DOI/PMID */
	const char *url;      /* may be "" */
	const char *status;   /* verified, verified-secondary, ... */
};

struct mg_compound {
	const char *id;      /* "bisglycinate" */
	const char *name;    /* "magnesium bisglycinate" */
	const char *formula; /* "Mg(C2H4NO2)2" */
	double molar_mass;   /* g/mol, computed from formula */
	double fraction;     /* elemental Mg mass fraction, computed from formula */
	const char *gi;      /* GI / laxative profile, plain words */
	const char *sleep_evidence;
	enum mg_sleep_use use;
	const char *use_reason;
	struct mg_refs refs;
	/* The daily compound dose of this form's own sleep trial when it gave
	 * less magnesium than the default dose (threonate: 1 g), else NaN; and
	 * why the dose is what it is for this form (NULL: the dose level's text
	 * alone, or the KB's note for forms no sleep trial used). */
	double trial_compound_mg;
	const char *dose_note;
	struct mg_refs dose_note_refs;
};

struct mg_interaction {
	const char *id;     /* "fluoroquinolone-moxifloxacin" */
	const char *cls;    /* "fluoroquinolone" */
	const char *advice; /* template; "{drug}" stands for the medicine's name */
	double before_h;    /* take the medicine >= this many hours before Mg; <0 none */
	double after_h;     /* ... or >= this many hours after Mg; <0 none */
	enum mg_verdict verdict;
	enum mg_severity severity;
	struct mg_refs refs;
};

/* diet.json: food-frequency questionnaire items (each a USDA food, its
 * magnesium per 100 g as SR28 prints it, and a serving) and the answer
 * options. mg per serving = mg_per_100g x grams / 100. */
struct mg_diet_item {
	const char *id, *question, *ndb, *portion;
	double grams, mg_per_100g;
};
struct mg_diet_freq {
	const char *label;
	double per_day;
};

/* trial.json: an outcome of the N-of-1 trial. Every number here is data
 * with its sources; mid_verified is 0 when the threshold was not seen in
 * its source (the output then says so). */
struct mg_trial_outcome {
	const char *id, *name, *unit, *lower, *higher;
	int direction; /* +1: higher is better */
	int decimals;
	double mid;
	int mid_verified;
	int has_evidence; /* an evidence-based prior exists */
	double ev_mean, ev_sd, sceptical_sd;
	int has_published; /* a published average effect to draw */
	double pub_mean, pub_lo, pub_hi;
	double default_sd, default_rho; /* assumed nightly variability for power */
	struct mg_refs mid_refs, prior_refs;
	const char *pub_label; /* the published effect's source in words, for the report */
	/* Measured once per period (the ISI) rather than every night: the score
	 * dated within the last window_before days of the period or the first
	 * window_after of the next counts for it. */
	int per_period, window_before, window_after;
};

/* The default design of a trial (kb/trial.json "design"): the phase length
 * comes from the evidence on how soon magnesium acts, so it is data with its
 * sources, not a constant in the planner. */
struct mg_trial_design {
	int pairs, period_days, washout;
	int min_period_days; /* shorter periods get a warning naming refs */
	const char *why;     /* one sentence for that warning */
	struct mg_refs refs;
	/* The pre-specified analysis and the power inputs (trial.json
	 * "analysis", issue 11; include/mgsleep/trial.h uses them). */
	double alpha;             /* two-sided level of the randomisation test */
	int min_pairs;            /* fewer usable pairs: "not enough information" */
	double adherence_warn;    /* warn below this share of nights taken as allocated */
	double missing_imbalance; /* warn when the arms' missing shares differ by more */
	int power_min_nights;     /* a shorter diary is not used for power */
	double power_missing;     /* share of missing nights assumed for power */
	/* Issue 12: numbers that were in the trial's C code. */
	int min_nights;           /* logged nights after the washout for a period to count */
	double power_target;      /* a plan with less power is told so */
	int power_diary_days;     /* evenings of diary before the start read for power */
	size_t n_stop_rules;      /* rules.json codes whose symptoms pause the trial, most urgent first */
	const char *stop_rules[4];
};

struct mg_kb;

int mg_kb_load_builtin(struct mg_kb **out, struct mg_error *err);
/* dir holds the files listed in docs/kb-schema.md. */
int mg_kb_load_dir(struct mg_kb **out, const char *dir, struct mg_error *err);
/* One JSON document with every section as a top-level key (the embedded form). */
int mg_kb_load_json(struct mg_kb **out, const char *json, size_t len, struct mg_error *err);
void mg_kb_free(struct mg_kb *kb);

const char *mg_kb_version(const struct mg_kb *kb);
const char *mg_kb_hash(const struct mg_kb *kb); /* SHA-256 of the canonical JSON, hex */
const char *mg_kb_origin(const struct mg_kb *kb); /* "built-in" or the directory */
/* Canonical JSON (sorted keys, compact) of the loaded KB; borrowed. */
const char *mg_kb_canonical(const struct mg_kb *kb, size_t *len);

size_t mg_kb_source_count(const struct mg_kb *kb);
const struct mg_source *mg_kb_source(const struct mg_kb *kb, size_t i);
size_t mg_kb_compound_count(const struct mg_kb *kb);
const struct mg_compound *mg_kb_compound(const struct mg_kb *kb, size_t i);
/* By id, name or alias, case-insensitively; NULL if unknown. */
const struct mg_compound *mg_kb_find_compound(const struct mg_kb *kb, const char *name);
/* Comma-separated list of accepted names, for error messages; borrowed. */
const char *mg_kb_compound_names(const struct mg_kb *kb);
const char *mg_kb_condition_names(const struct mg_kb *kb);
const char *mg_kb_symptom_names(const struct mg_kb *kb);
/* A symptom (symptoms.json) by id, name or alias, case-insensitively: its
 * id, and *name its plain-words name if name is not NULL; NULL if unknown. */
const char *mg_kb_symptom_id(const struct mg_kb *kb, const char *query, const char **name);
/* The text of the rule with this code (rules.json) if its "symptom_any"
 * includes the symptom with this id; NULL otherwise (or no such rule). */
const char *mg_kb_symptom_rule(const struct mg_kb *kb, const char *code, const char *symptom_id);

const struct mg_trial_outcome *mg_kb_trial_outcomes(const struct mg_kb *kb, size_t *n);
const struct mg_trial_design *mg_kb_trial_design(const struct mg_kb *kb);
const struct mg_trial_outcome *mg_kb_find_trial_outcome(const struct mg_kb *kb, const char *id);
const struct mg_diet_item *mg_kb_diet_items(const struct mg_kb *kb, size_t *n);
const struct mg_diet_freq *mg_kb_diet_freqs(const struct mg_kb *kb, size_t *n);
const struct mg_refs *mg_kb_diet_refs(const struct mg_kb *kb);

/* Elemental <-> compound mass for a compound (mg). */
double mg_compound_from_elemental(const struct mg_compound *c, double elemental_mg);
double mg_elemental_from_compound(const struct mg_compound *c, double compound_mg);

/* Molar mass (g/mol) of a formula such as "Mg3(C6H5O7)2.9H2O" ("·" also
 * accepted for hydrates) and the number of Mg atoms. Returns 0 or MG_EPARSE. */
int mg_formula_mass(const char *formula, double *mass, double *mg_atoms, struct mg_error *err);

const char *mg_verdict_name(enum mg_verdict v);
const char *mg_severity_name(enum mg_severity s);
const char *mg_jurisdiction_name(enum mg_jurisdiction j);

#endif
