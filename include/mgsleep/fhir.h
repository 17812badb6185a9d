/* The FHIR form of a person's data (issue 5; moved to the library in issue
 * 12): an HL7 FHIR R4 Bundle of type "collection", as JSON. What goes in,
 * the codes and what is left out: docs/fhir.md.
 *
 * Pure: the caller gathers the data (the CLI from the store's export) into
 * struct mg_fhir_input; the night's timeline comes from mg_night_timeline,
 * dates and clock times from night.h, scores from questionnaire.h and the
 * trial's numbers from the trial analysis, so this renderer computes no
 * clinical number. Deterministic: every resource's id is a UUID (version 8,
 * RFC 9562) made from a BLAKE2b hash of its position and its content, so the
 * same input gives the same bytes.
 *
 * Ownership: every pointer in the input is borrowed; nothing is kept after
 * mg_render_fhir returns. */
#ifndef MGSLEEP_FHIR_H
#define MGSLEEP_FHIR_H

#include <mgsleep/buf.h>
#include <mgsleep/error.h>
#include <mgsleep/night.h>
#include <mgsleep/profile.h>
#include <mgsleep/questionnaire.h>

#include <stddef.h>
#include <stdint.h>

/* One diary night. The metrics are mg_night_compute's for n; the
 * magnesium is the evening's before it. */
struct mg_fhir_night {
	struct mg_night n;         /* date, clock times, offsets, awakenings, quality (0 = not given) */
	struct mg_night_metrics m; /* tib, sol, waso, tst, se_pct */
	double mg;                 /* elemental magnesium, mg; NaN: none, or not answered */
	double compound_mg;        /* the compound's mass, mg; NaN if not known */
	const char *form;          /* the form logged ("bisglycinate"), or NULL */
	int mg_time;               /* clock minutes 0..1439 it was taken; MG_NIGHT_UNSET if not logged */
};

/* One answer of a questionnaire as it was stored, in the stored order
 * (docs/fhir.md: one QuestionnaireResponse item per answer). */
enum mg_fhir_value { MG_FHIR_INTEGER, MG_FHIR_DECIMAL, MG_FHIR_BOOLEAN, MG_FHIR_STRING };
struct mg_fhir_answer {
	char link_id[32];     /* "1" .. "7" for the ISI; the PSQI's key ("bedtime") */
	enum mg_fhir_value type;
	long long integer;    /* MG_FHIR_INTEGER; MG_FHIR_BOOLEAN 0 or 1 */
	double decimal;       /* MG_FHIR_DECIMAL */
	const char *text;     /* MG_FHIR_STRING; an "HH:MM" clock time becomes a valueTime */
};

enum mg_fhir_kind { MG_FHIR_ISI, MG_FHIR_PSQI };
struct mg_fhir_questionnaire {
	enum mg_fhir_kind kind;
	int32_t date; /* the day it was answered (days since 1970-01-01) */
	const struct mg_fhir_answer *answers;
	size_t n_answers;
	int scored;               /* 1: isi or psqi holds the score (mg_isi_score, mg_psqi_score) */
	struct mg_isi isi;        /* MG_FHIR_ISI: total and category */
	struct mg_psqi_result psqi; /* MG_FHIR_PSQI: components, global, poor_sleeper, efficiency_pct */
};

/* One N-of-1 trial and its analysis as 'trial analyze' gives it. */
struct mg_report_trial;
struct mg_fhir_trial {
	const struct mg_report_trial *rt;
	long long id;  /* the trial's number ('trial list') */
	int replaced;  /* replaced by a new plan: the result is "cancelled" */
};

struct mg_fhir_input {
	const struct mg_profile *profile; /* sex, age, weight_kg, height_cm; NULL: no profile */
	const struct mg_fhir_night *nights;
	size_t n_nights;
	const struct mg_fhir_questionnaire *questionnaires;
	size_t n_questionnaires;
	const struct mg_fhir_trial *trials;
	size_t n_trials;
};

/* Appends the Bundle (JSON, one space of indent per level, and a newline)
 * to out. 0, or MG_ENOMEM (the buffer failed or jansson ran out of memory),
 * or MG_EIO (libsodium could not start). */
int mg_render_fhir(const struct mg_fhir_input *in, struct mg_buf *out, struct mg_error *err);

#endif
