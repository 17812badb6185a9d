/* The N-of-1 trial's domain (issue 11): the plan and its calendar, the
 * primary analysis fixed at planning and its conclusion rule, adherence and
 * missing nights, and the inputs of the power calculation. The statistics
 * themselves are in stats.h; docs/statistics.md section 12 states the rules.
 *
 * Pure: no I/O, no heap, no clock, no globals. Every array is the caller's and
 * only read unless said otherwise. Texts are appended to a caller's mg_buf
 * (capped, sticky failure: check b->failed once at the end). */
#ifndef MGSLEEP_TRIAL_H
#define MGSLEEP_TRIAL_H

#include <mgsleep/buf.h>
#include <mgsleep/error.h>
#include <mgsleep/kb.h>
#include <mgsleep/stats.h>

#include <stddef.h>
#include <stdint.h>

#define MG_TRIAL_MAX_PERIODS (2 * MG_NOF1_MAX_PAIRS)
#define MG_TRIAL_MAX_PERIOD_DAYS 90
#define MG_TRIAL_MAX_BASELINE 56

/* A plan: evenings are days since 1970-01-01 (night.h); the diary row of
 * evening E is dated E + 1. Period k covers evenings start + k * period_days
 * to start + (k + 1) * period_days - 1. */
struct mg_trial_plan {
	int32_t start;   /* first evening of period 1 (after the baseline) */
	int pairs;       /* 1..MG_NOF1_MAX_PAIRS */
	int period_days; /* 2..MG_TRIAL_MAX_PERIOD_DAYS */
	int washout;     /* first nights of every period not analysed, < period_days */
	int baseline;    /* nights without magnesium before start, 0..MG_TRIAL_MAX_BASELINE */
	char order[MG_TRIAL_MAX_PERIODS]; /* per period: 1 = magnesium, 0 = none */
};

/* MG_EINVAL naming the field when a number is out of range or a pair does
 * not hold one period of each arm. */
int mg_trial_plan_check(const struct mg_trial_plan *p, struct mg_error *err);
/* The order within each pair: magnesium first with probability 1/2, one
 * mg_rng_below(2) per pair from this seed (0: magnesium first). */
void mg_trial_randomise(struct mg_trial_plan *p, uint64_t seed);
int32_t mg_trial_last_evening(const struct mg_trial_plan *p);
/* The period (0-based) of evening d, or -1 outside the periods. */
int mg_trial_period_at(const struct mg_trial_plan *p, int32_t d);

struct mg_trial_period {
	int32_t start, end;    /* first and last evening */
	int32_t analysed_from; /* first evening after the washout */
	int magnesium;         /* 1: the magnesium arm */
	int pair;              /* 1-based */
};
/* out[0 .. 2 * pairs - 1]. */
void mg_trial_calendar(const struct mg_trial_plan *p, struct mg_trial_period *out);

/* ---- the primary analysis, fixed at planning ---- */

/* Stored with the plan. The test is always the exact randomisation test,
 * two-sided; the estimate is the mean pair difference with its 95 % t
 * interval; before the planned end nothing is concluded. */
struct mg_trial_spec {
	double alpha;     /* two-sided level */
	int min_pairs;    /* fewer usable pairs: not enough information */
	double mid;       /* minimal important difference, outcome units, > 0 */
	int mid_verified; /* 0: the product's choice, and said so */
	int direction;    /* +1: higher is better */
};
/* The spec a plan made today stores: alpha and min_pairs from the KB's
 * trial analysis, MID and direction from the outcome. */
void mg_trial_spec_from_kb(const struct mg_trial_design *dg, const struct mg_trial_outcome *oc,
			   struct mg_trial_spec *s);
/* MG_EINVAL naming the field unless alpha in (0, 1), min_pairs >= 2, mid > 0
 * finite, direction +-1. */
int mg_trial_spec_check(const struct mg_trial_spec *s, struct mg_error *err);

enum mg_trial_conclusion {
	MG_TRIAL_NOT_ENOUGH = 0,       /* "not-enough-information" */
	MG_TRIAL_INTERIM,              /* "interim": before the planned end, nothing claimed */
	MG_TRIAL_BENEFIT,              /* "benefit" */
	MG_TRIAL_HARM,                 /* "harm" */
	MG_TRIAL_NO_MEANINGFUL_EFFECT, /* "no-meaningful-effect" */
	MG_TRIAL_INCONCLUSIVE,         /* "inconclusive" */
};
const char *mg_trial_conclusion_id(enum mg_trial_conclusion c);

/* 1 when the result can carry a verdict: at least min_pairs usable pairs and
 * a spread (SD > 0). Otherwise no posterior probabilities are shown either. */
int mg_trial_enough(const struct mg_nof1_result *r, const struct mg_trial_spec *s);

/* The rule, in this order: interim (before the planned end) -> interim;
 * not enough (above) -> not-enough-information; p < alpha and the 95 %
 * interval on one side of 0 -> benefit or harm by the side; the interval
 * within plus or minus the MID -> no-meaningful-effect; else inconclusive.
 * r is the flat-prior result (its p and interval do not depend on a prior). */
enum mg_trial_conclusion mg_trial_conclude(const struct mg_nof1_result *r, const struct mg_trial_spec *s,
					   int interim);

/* ---- nights: adherence, missing nights, per protocol ---- */

/* A night's magnesium as the caller read it from the diary, per evening of
 * the periods (2 * pairs * period_days values from start). */
enum {
	MG_TRIAL_TOOK_NONE = 0,
	MG_TRIAL_TOOK_MG = 1,
	MG_TRIAL_MISSING = -1,  /* no diary entry */
	MG_TRIAL_EXCLUDED = -2, /* not counted: paused, or on or after the analysis date */
	MG_TRIAL_UNANSWERED = -3, /* logged without a magnesium answer: never counted as none */
};

enum {
	MG_TRIAL_WARN_LOW_ADHERENCE = 1 << 0,     /* below the KB's adherence_warn */
	MG_TRIAL_WARN_OFF_WITH_MG = 1 << 1,       /* magnesium logged in a period without */
	MG_TRIAL_WARN_MISSING_UNBALANCED = 1 << 2, /* missing shares differ by more than missing_imbalance */
};

struct mg_trial_adherence {
	int mg_nights, none_nights;   /* analysed nights so far (after the washout), per arm */
	int mg_logged, none_logged;   /* of those, with a diary entry */
	int mg_taken, none_taken;     /* of those logged, with magnesium */
	int missing_mg, missing_none; /* analysed nights with no entry */
	int off_taken_all;            /* nights of periods without (washout included) with magnesium */
	int unanswered;               /* analysed nights logged without a magnesium answer: not in adherence */
	double adherence;             /* logged analysed nights taken as allocated / logged; NaN if none */
	unsigned warn;                /* MG_TRIAL_WARN_* */
};
void mg_trial_adherence(const struct mg_trial_plan *p, const signed char *took, const struct mg_trial_design *dg,
			struct mg_trial_adherence *a);

/* Per protocol: vals (as took) set to NaN on every analysed night (after
 * the washout) logged but not taken as allocated. Returns how many values
 * were removed. */
int mg_trial_per_protocol(const struct mg_trial_plan *p, const signed char *took, double *vals);

/* ---- power at planning ---- */

/* What the diary before the trial says about the outcome (mg_series_ar1 on
 * the evenings before the start; missing = share of evenings without a value
 * from the first value on). n 0: no diary. */
struct mg_trial_diary {
	int n;
	double sd, rho, missing;
};
/* From the nightly values x[0..n-1] (NaN = no value), oldest first. */
void mg_trial_diary_stats(const double *x, int n, struct mg_trial_diary *d);

struct mg_trial_power_plan {
	struct mg_power_spec fixed;    /* the KB's effect for one person (prior mean, or the MID) */
	struct mg_power_spec averaged; /* the effect drawn from the KB's prior per simulated trial */
	int has_prior;                 /* 0: no prior, averaged is not meaningful */
	int diary_used;                /* the diary had >= power_min_nights values */
	int sd_floored, rho_floored;   /* the diary's value was below the assumed one */
	int missing_from_diary;        /* the diary's missing share was above the KB's */
};
/* Every number from the KB: the effect is the outcome's evidence-based prior
 * mean (or the MID in the beneficial direction with no prior); variability
 * the assumed SD and autocorrelation, replaced by the diary's when it has at
 * least power_min_nights values and only where larger; missing nights at the
 * KB's share or the diary's if higher. per_period: one value per period
 * (ISI): nights 1, washout 0, the diary unused. Power counts trials that
 * would conclude "benefit" (spec: alpha, min_pairs, direction). */
void mg_trial_power_inputs(const struct mg_trial_plan *p, const struct mg_trial_outcome *oc,
			   const struct mg_trial_design *dg, const struct mg_trial_spec *spec, int per_period,
			   const struct mg_trial_diary *d, uint64_t seed, struct mg_trial_power_plan *out);

/* ---- numbers and words ---- */

/* "p = 0.031", "p = 0.5", "p below 0.001": two significant digits, more when
 * rounding would move p across alpha or onto it; never 0. NaN gives "p not
 * available". */
void mg_trial_format_p(double p, double alpha, char *out, size_t n);
/* x with its sign ("+4", "-19.5", "-0.3", "0") and dec decimals, more (up to
 * dec + 4) when rounding would turn a non-zero value into 0. */
void mg_trial_format_signed(double x, int dec, char *out, size_t n);

/* The conclusion in plain words, one paragraph ending with a newline: what
 * was found (estimate, interval, p), what it means under the rule, the MID
 * with its source (mid_source, e.g. "S33"; NULL: the product's choice), and
 * that the trial was not blinded. last_evening: the planned end. */
void mg_trial_verdict(struct mg_buf *b, enum mg_trial_conclusion c, const struct mg_nof1_result *r,
		      const struct mg_trial_spec *s, const struct mg_trial_outcome *oc, const char *mid_source,
		      int32_t last_evening);

/* The warnings of mg_trial_adherence in plain words, one line each; nothing
 * when there is none. */
void mg_trial_adherence_text(struct mg_buf *b, const struct mg_trial_adherence *a, const struct mg_trial_design *dg);

#endif
