/* Codes that FHIR input is read by (kb/terminology.json): LOINC for the
 * observations, SNOMED CT and ICD-10-CM for the conditions, each with its
 * verification status. Data with sources, like every clinical fact, so the
 * FHIR reader (src/import/fhir_in.c) holds no code table of its own.
 *
 * Ownership: everything returned is borrowed from the KB and lives until
 * mg_kb_free(). */
#ifndef MGSLEEP_TERMINOLOGY_H
#define MGSLEEP_TERMINOLOGY_H

#include <mgsleep/kb.h>
#include <stddef.h>

enum mg_term_measure { MG_TERM_CREATININE = 0, MG_TERM_EGFR, MG_TERM_WEIGHT, MG_TERM_HEIGHT, MG_TERM_COUNT };

struct mg_term_observation {
	const char *system, *code;
	enum mg_term_measure measure;
	int legacy;       /* an older equation (eGFR CKD-EPI 2009, MDRD): accepted, and flagged */
	const char *unit; /* creatinine: the UCUM unit its code is measured in ("mg/dL", "umol/L") */
};

struct mg_term_condition {
	const char *system, *code, *display;
	const char *condition; /* a KB condition id, or "pregnant" (the profile's flag) */
	int verified;          /* 0: counts only with its display text beside it */
};

const struct mg_term_observation *mg_kb_term_observations(const struct mg_kb *kb, size_t *n);
const struct mg_term_condition *mg_kb_term_conditions(const struct mg_kb *kb, size_t *n);
/* What a clinician is told when a record lacks something the advice needs
 * ("kidney": order a serum creatinine, reference 9.3 rule 2), by id:
 * patient, birthdate, kidney, weight, sex, other. summary may be NULL (the
 * gap is listed but does not name the card). */
struct mg_term_gap {
	const char *id, *summary, *text;
	struct mg_refs refs;
};
const struct mg_term_gap *mg_kb_term_gap(const struct mg_kb *kb, const char *id); /* NULL if none */

/* Condition texts that mean pregnancy ("pregnant state"), as written. */
const char *const *mg_kb_term_pregnancy_texts(const struct mg_kb *kb, size_t *n);

#endif
