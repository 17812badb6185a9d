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

/* ---- the stored trial, its events and pauses (issue 12) ---- */

struct mg_night_record;
struct mg_trial_nights;

/* A trial as the store keeps it (mg_db_trial_read fills it; the library
 * allocates nothing). oc is set by mg_trial_bind from the KB in use. */
struct mg_trial {
	long long id;
	char created[32];  /* when it was planned, as stored */
	char status[12];   /* planned, finished, replaced (as stored) */
	char outcome[16];  /* the KB outcome id */
	char seed[24];     /* decimal uint64 */
	char form[64];     /* compound id */
	struct mg_trial_plan p;
	double elemental_mg, compound_mg;
	int prespecified;  /* the analysis was stored with the plan */
	struct mg_trial_spec spec; /* as stored (prespecified) or, after mg_trial_bind, the KB's rule */
	int damaged;       /* the store found a value it cannot read */
	const struct mg_trial_outcome *oc;
};

/* The outcome from the KB, the plan and the stored analysis checked; a
 * trial planned before the analysis was stored gets the KB's rule.
 * MG_EINVAL ("trial": damaged) when anything does not hold. */
int mg_trial_bind(struct mg_trial *t, const struct mg_kb *kb, struct mg_error *err);
/* What the trial is on day today: the stored status, or for the current
 * one ('planned') planned, running or finished from the dates. */
const char *mg_trial_state(const struct mg_trial *t, int32_t today);
/* 1 when the outcome is measured once per period (the KB's per_period, the
 * ISI), 0 for a diary value every night. */
int mg_trial_per_period(const struct mg_trial_outcome *oc);
/* The KB ids of refs ("S33" or "S01, S02"). */
void mg_trial_put_refs(struct mg_buf *b, const struct mg_kb *kb, const struct mg_refs *refs);

#define MG_TRIAL_MAX_EVENTS 64
#define MG_TRIAL_MAX_SYMPTOMS 16

/* An adverse event or a resume as stored (mg_db_trial_events_each). */
struct mg_trial_event {
	int32_t date;     /* MG_DATE_UNSET when the stored date cannot be read */
	int resume;       /* 1: a resume; 0: an adverse event */
	int stops;        /* the event met a stop rule */
	int n_symptoms;
	char symptoms[MG_TRIAL_MAX_SYMPTOMS][32]; /* KB symptom ids */
	char note[128];
};
#define MG_TRIAL_NOTE_MAX 120 /* characters of an event's note */

/* The events of one trial and the pauses they make: a stop event opens a
 * pause unless one is open, a resume closes it. Caller-allocated, no heap. */
struct mg_trial_pauses {
	int n_events, n;
	struct mg_trial_event ev[MG_TRIAL_MAX_EVENTS];
	int32_t from[MG_TRIAL_MAX_EVENTS], to[MG_TRIAL_MAX_EVENTS]; /* evenings from..to-1; INT32_MAX while open */
	int why[MG_TRIAL_MAX_EVENTS]; /* the event (index in ev) that opened each pause */
};
void mg_trial_pauses_init(struct mg_trial_pauses *pz);
/* Adds one event in date order (a callback for mg_db_trial_events_each:
 * ctx is the struct mg_trial_pauses). Events past MG_TRIAL_MAX_EVENTS or
 * with an unreadable date are left out. Returns 0. */
int mg_trial_pauses_add(void *ctx, const struct mg_trial_event *e);
/* The pause covering evening d, or -1. */
int mg_trial_paused_at(const struct mg_trial_pauses *pz, int32_t d);
/* May the trial resume on evening d? Only the latest pause can be open, and
 * it resumes on a later date than it began. 0, or MG_EEXIST (not paused on
 * d: field trial) or MG_EINVAL (d is the day the pause began: field date). */
int mg_trial_resume_check(const struct mg_trial_pauses *pz, int32_t d, struct mg_error *err);
/* The KB's text for the first stop rule (kb/trial.json stop_rules, in that
 * order) whose symptoms include symptom_id; NULL when none stops the trial. */
const char *mg_trial_stop_text(const struct mg_kb *kb, const char *symptom_id);

/* The symptoms of an adverse event from a comma-separated list of KB
 * symptom names, ids or aliases: e->symptoms (ids, each once),
 * e->n_symptoms and e->stops; texts[k] (room for MG_TRIAL_MAX_SYMPTOMS) the
 * stop rule's text for symptom k or NULL. MG_EINVAL naming "symptom" for an
 * unknown name (never echoed) or more than MG_TRIAL_MAX_SYMPTOMS. */
int mg_trial_event_symptoms(const struct mg_kb *kb, const char *list, struct mg_trial_event *e, const char **texts,
			    struct mg_error *err);

/* ---- power at planning, from the diary before the start ---- */

struct mg_trial_plan_power {
	struct mg_trial_diary diary;    /* n 0 when not used (a per-period outcome) */
	struct mg_trial_power_plan pp;
	struct mg_power_result fixed, averaged; /* averaged only when pp.has_prior */
};
/* nt: the diary over the KB's power_diary_days evenings up to the day
 * before the start's eve (start - 2), or NULL for a per-period outcome. */
int mg_trial_plan_power(const struct mg_kb *kb, const struct mg_trial *t, const struct mg_trial_nights *nt,
			uint64_t seed, struct mg_trial_plan_power *out, struct mg_error *err);

/* ---- tonight ---- */

enum mg_trial_phase {
	MG_TRIAL_BEFORE,   /* before the baseline or period 1 */
	MG_TRIAL_BASELINE, /* a baseline night */
	MG_TRIAL_ENDED,    /* after the last evening */
	MG_TRIAL_PAUSED,   /* in a pause (stop rule) */
	MG_TRIAL_PERIOD,   /* a planned evening */
};
struct mg_trial_tonight {
	enum mg_trial_phase phase;
	int baseline_night;   /* BASELINE: 1-based */
	int pause;            /* PAUSED: index in the pauses */
	int period, pair;     /* PERIOD: 1-based */
	int night;            /* PERIOD: 1-based within the period */
	int magnesium;        /* PERIOD: take the planned dose tonight */
	int washout;          /* PERIOD: this night is in the washout */
	int isi_tomorrow;     /* PERIOD: the last evening of a per-period outcome's period */
	int diary_expected;   /* last night's diary belongs to the trial (baseline to the morning after the end) */
};
void mg_trial_tonight(const struct mg_trial *t, const struct mg_trial_pauses *pz, int32_t d,
		      struct mg_trial_tonight *out);

/* ---- the diary nights and questionnaire scores the analysis reads ---- */

/* The diary over evenings from..to: one record per evening (the diary row
 * of evening E is dated E + 1), missing ones with n.date MG_DATE_UNSET.
 * Allocated by mg_trial_nights_new (NULL: out of memory), released with
 * mg_trial_nights_free. */
struct mg_trial_nights;
struct mg_trial_nights *mg_trial_nights_new(int32_t from, int32_t to);
void mg_trial_nights_free(struct mg_trial_nights *nt);
/* Keeps a record for its evening (a callback for mg_db_nights_each: ctx is
 * the struct mg_trial_nights); records outside the range are ignored.
 * Returns 0. */
int mg_trial_nights_put(void *ctx, const struct mg_night_record *r);
/* The outcome's value per evening from..to (NaN: none) and the magnesium
 * (MG_TRIAL_TOOK_MG, _TOOK_NONE, _MISSING or _UNANSWERED). The evenings
 * must lie within the range given to mg_trial_nights_new. */
void mg_trial_nights_values(const struct mg_trial_nights *nt, const struct mg_trial_outcome *oc, int32_t from,
			    int32_t to, double *vals, signed char *took);
/* One night's value of a diary outcome (the KB outcome id: sol, tst, se,
 * waso from the derived metrics; awakenings and quality from the entry);
 * NaN when not recorded or not a diary outcome. */
double mg_trial_night_value(const struct mg_night_record *r, const char *outcome_id);

/* A questionnaire total on a morning (the ISI), oldest first. */
struct mg_trial_score {
	int32_t date;
	double total;
};
/* The score for the end of a period whose last evening is last: one dated
 * within the KB's window around the morning after (isi_window: the last
 * `before` days of the period or the first `after` of the next) and no
 * later than today; the closest to that morning wins, a tie the earlier
 * date, several on one date the latest entered. NaN if none. */
double mg_trial_score_at(const struct mg_trial_outcome *oc, const struct mg_trial_score *s, size_t n, int32_t last,
			 int32_t today);

/* ---- the analysis as of a day ---- */

#define MG_TRIAL_MAX_NIGHTS (MG_TRIAL_MAX_PERIODS * MG_TRIAL_MAX_PERIOD_DAYS)
#define MG_TRIAL_MAX_SECONDARY 16

struct mg_trial_secondary {
	const struct mg_trial_outcome *oc;
	struct mg_nof1_result r; /* flat prior */
};

/* Everything 'trial analyze', the report and the FHIR export show. Large
 * (allocate it on the heap) but holds no heap memory; pairs point into
 * vals, so do not copy it. */
struct mg_trial_analysis {
	const struct mg_trial *t;
	const struct mg_trial_pauses *pz;
	int32_t today;
	int interim, excluded, n_nights, pp_removed;
	double vals[MG_TRIAL_MAX_NIGHTS], pp_vals[MG_TRIAL_MAX_NIGHTS];
	signed char took[MG_TRIAL_MAX_NIGHTS];
	struct mg_nof1_pair pairs[MG_NOF1_MAX_PAIRS];
	struct mg_nof1_opts o;
	struct mg_nof1_result res[3]; /* evidence-based prior (when the outcome has one), sceptical, flat */
	int has_prior[3];
	struct mg_nof1_result pp;     /* per protocol, flat prior */
	int pp_done;                  /* 0 for a per-period outcome */
	struct mg_trial_adherence adh;
	struct {
		int on_planned, on_logged, on_taken, off_logged, off_taken;
	} counts;                     /* the nights behind adherence, as listed */
	enum mg_trial_conclusion c;
	int enough;
	char conclusion_text[1024];
	/* the baseline (no magnesium, not randomised): context only */
	int base_n;
	double base_mean, base_sd;
	/* every other diary outcome, flat prior */
	size_t n_secondary;
	struct mg_trial_secondary secondary[MG_TRIAL_MAX_SECONDARY];
	double work[MG_TRIAL_MAX_NIGHTS]; /* scratch */
	signed char work_took[MG_TRIAL_MAX_NIGHTS];
};

/* The trial (bound) analysed with the evenings before today: the nights
 * from nt (covering the baseline to the last evening), the per-period
 * scores from isi, nights in a pause or on or after today left out.
 * MG_EINVAL/MG_ENOMEM from the statistics. */
int mg_trial_analyse(const struct mg_kb *kb, const struct mg_trial *t, const struct mg_trial_pauses *pz,
		     const struct mg_trial_nights *nt, const struct mg_trial_score *isi, size_t n_isi, int32_t today,
		     struct mg_trial_analysis *an, struct mg_error *err);

/* The fewest pairs whose smallest exact two-sided p is below alpha
 * (2 / 2^n < alpha). */
int mg_trial_pairs_needed(double alpha);

#endif
