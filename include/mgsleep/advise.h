/* The advise engine: profile + knowledge base -> a decision with every number
 * and citation a report needs. Pure: no I/O, no clock, no allocation.
 *
 * Ownership: struct mg_advice is caller-allocated and filled by mg_advise();
 * its pointers borrow from the KB and the profile, which must outlive it. */
#ifndef MGSLEEP_ADVISE_H
#define MGSLEEP_ADVISE_H

#include <mgsleep/kb.h>
#include <mgsleep/profile.h>

#define MG_MAX_FIRED 64

struct mg_stmt;
struct mg_limit;
struct mg_intake;
struct mg_level;
struct mg_isi_text;

struct mg_advice_med {
	const struct mg_interaction *inter;
	const char *drug;  /* the medicine's generic name in the KB */
	const char *input; /* as the user wrote it (one input may give several ingredients) */
	double separate_hours; /* larger of before/after; <0 if no spacing */
	const char *note;  /* a caveat for this drug only, or NULL */
	const char *rxcui; /* verified RxNorm ingredient RxCUI, or NULL */
};

/* Recognised medicines of one advice: up to 32 inputs, a combination product
 * giving one entry per ingredient (deduplicated by generic name). An input
 * whose ingredients no longer fit is reported as unrecognised. */
#define MG_MAX_ADVICE_MEDS 64

struct mg_advice {
	const struct mg_kb *kb;
	const struct mg_profile *profile;
	enum mg_verdict verdict;

	/* kidney function */
	double crcl_cg, egfr_epi;  /* computed; NaN if inputs missing */
	/* Sex not given: each computed estimate is the lower of the female and
	 * male values (reference 6.3: the rule applies to the lower estimate). */
	int renal_sex_unknown;
	double renal;              /* the value the rules used (lowest available); NaN if none */
	const char *renal_basis;   /* "cockcroft-gault", "ckd-epi-2021" (each with "-sex-unknown" when
				    * renal_sex_unknown), "reported-egfr", "reported-crcl", "dialysis", NULL */
	const char *renal_category; /* KDIGO G code (from an eGFR only), "dialysis" or NULL */
	const char *renal_category_text;

	/* insomnia severity: enum mg_isi_category or -1 when no ISI; what it means */
	int isi_category;
	const struct mg_isi_text *insomnia;

	/* referrals that come before treating insomnia, in KB order: their lead
	 * sentences open the verdict */
	const struct mg_stmt *lead[4];
	size_t n_lead;

	/* limits and intake */
	enum mg_jurisdiction jur;
	int jur_default;
	const struct mg_limit *limit; /* NULL if no jurisdiction sets one for this age */
	int limit_fallback;           /* the jurisdiction has none for this age: lowest of the others */
	const struct mg_intake *intake; /* NULL if none */
	int intake_fallback;          /* no row for pregnancy/lactation: non-pregnant row used */
	double supplement_mg, room_mg;
	double excess_mg; /* current supplements above the limit; 0 if none */

	/* dose */
	const struct mg_compound *form;
	const char *form_reason;
	const struct mg_refs *form_refs;
	const struct mg_compound *form_refused; /* preference not followed, or NULL */
	const struct mg_level *level;
	int form_trial_dose; /* the form's own trial dose replaced the level (threonate) */
	double elemental_mg, compound_mg; /* 0 when no dose is proposed */
	int split;

	const struct mg_stmt *warnings[MG_MAX_FIRED];
	size_t n_warnings;
	struct mg_advice_med meds[MG_MAX_ADVICE_MEDS];
	size_t n_meds;
	/* Inputs not (or not fully) recognised, as written, and for each the
	 * closest known name ("did you mean ...?") or NULL. They get the general
	 * rule: unrecognised_text with unrecognised_refs (from the KB). */
	const char *unrecognised[MG_MAX_MEDS];
	const char *suggestion[MG_MAX_MEDS];
	size_t n_unrecognised;
	const char *unrecognised_text;
	const struct mg_refs *unrecognised_refs;
	const struct mg_stmt *referrals[MG_MAX_FIRED], *monitoring[MG_MAX_FIRED], *outcomes[MG_MAX_FIRED],
		*pitfalls[MG_MAX_FIRED];
	size_t n_referrals, n_monitoring, n_outcomes, n_pitfalls;

	/* citation numbers in order of first use: ref_order[k] is the source index
	 * of citation k+1; ref_num[source index] is its number (0 = not cited) */
	unsigned short ref_order[256];
	unsigned short ref_num[256];
	size_t n_refs;
};

/* The reference intake that applied (mg/day, and e.g. "US recommended
 * dietary allowance"); NaN and NULL if none. */
double mg_advice_intake_mg(const struct mg_advice *a);
/* Magnesium a day with the proposal: diet + current supplements + the
 * proposed dose (mg); NaN when dietary intake is unknown. */
double mg_advice_total_mg(const struct mg_advice *a);
const char *mg_advice_intake_kind(const struct mg_advice *a);

/* Why the dose is what it is for the chosen form, beyond the dose level's
 * own text: the form's trial (threonate), or that no sleep trial used this
 * form; NULL for the default form. *refs (if not NULL) gets its sources. */
const char *mg_advice_dose_note(const struct mg_advice *a, const struct mg_refs **refs);

/* Fails with MG_EINVAL (field "age") when the profile has no age: the
 * kidney estimates and the under-18 and 65-plus rules depend on it, and an
 * adult is never assumed. Nothing else can fail once the KB has loaded. */
int mg_advise(const struct mg_kb *kb, const struct mg_profile *p, struct mg_advice *out, struct mg_error *err);

#endif
