/* The sleep report (mgsleep report, issues 5 and 11): one self-contained
 * HTML file a clinician acts on. The first page says who the person is
 * (age, sex, kidney function, medicines as recognised), the advice and the
 * trial's conclusion with its numbers; then the charts (inline SVG,
 * src/report/svg.c, each drawn for a wide page and for a phone), the
 * questionnaires, diet, devices and weekly means; an appendix holds the
 * nightly table and the references. Pure: the caller gathers the data (the
 * CLI from the store); same input, same bytes. Every pointer is borrowed. */
#ifndef MGSLEEP_SLEEP_REPORT_H
#define MGSLEEP_SLEEP_REPORT_H

#include <mgsleep/advise.h>
#include <mgsleep/buf.h>
#include <mgsleep/error.h>

#include <stddef.h>
#include <stdint.h>

struct mg_report_night {
	int32_t date; /* the morning (days since 1970-01-01, night.h) */
	int tib, tst, sol, waso; /* minutes */
	double se_pct;
	double mg; /* elemental magnesium that evening; 0 none; NaN not answered */
	const char *form;    /* the magnesium form logged, or NULL */
	int quality;         /* 1 very poor .. 5 very good; 0 not given */
	int nap_min;         /* naps that day, minutes; 0 none or not given */
	const char *tags;    /* "caffeine-late, alcohol", or NULL */
	const char *comment; /* the person's own note, or NULL */
};

/* A device night (issue 4): the chosen source's main sleep of a date. */
struct mg_report_device_night {
	int32_t date;
	const char *source; /* borrowed */
	int tib, tst;       /* minutes */
	int sol, waso;      /* minutes; -1 when the device does not say */
};

struct mg_report_score {
	int32_t date;
	int total;
	int flag; /* PSQI: poor sleep quality as scored (global above 5); ISI: unused */
};

/* The latest trial and its analysis (flat prior; cmd_trial.c). */
struct mg_report_trial {
	int32_t start, end;   /* first and last evening */
	int pairs, period_days;
	const char *order;    /* 2 * pairs entries, 1 = magnesium */
	const char *outcome_name, *unit;
	int decimals;
	int32_t as_of;
	int interim, too_few, n_used;
	double mean, ci_lo, ci_hi; /* magnesium minus none */
	const char *outcome_id;    /* sol, tst, se, waso, awakenings, quality, isi */
	double p_value;            /* randomisation test */
	char verdict[1024];        /* the verdict sentence of 'trial analyze'; "" when too few pairs */
	/* the published average effect for this outcome, if any */
	int has_published;
	double pub_mean, pub_lo, pub_hi;
	const char *pub_source;
	/* Adverse events and pauses (stop rules), one per line, and the
	 * sentence saying the trial was paused and why; "" if none. */
	char events[2048];
	char pause_note[1024];

	/* Issue 11: the pre-specified answer and what the report draws from the
	 * plan. Filled by the trial code (cli_trial_report); drawn by
	 * src/report/sleep_report.c. */
	const char *conclusion;      /* "benefit", "harm", "no-meaningful-effect", "inconclusive", "interim",
				      * "not-enough-information"; NULL when not analysed */
	char conclusion_text[1024];  /* the same in plain words, as 'trial analyze' prints it */
	double mid;                  /* minimal important difference, outcome units (> 0); NaN if none */
	int mid_verified;            /* 0: the product's choice, say so */
	double adherence;            /* share of analysed nights taken as allocated, 0..1; NaN unknown */
	int missing_mg, missing_none; /* analysed nights with no diary entry, per arm */
	double pp_mean, pp_lo, pp_hi; /* per-protocol estimate (nights taken as allocated); NaN if none */
	int washout;                 /* first nights of each period that are not analysed */
	double elemental_mg, compound_mg; /* the dose planned */
	const char *form_name;       /* e.g. "magnesium bisglycinate"; NULL if unknown */
	int n_pauses;
	struct {
		int32_t from, to; /* evenings; to = INT32_MAX while still paused */
	} pauses[16];
};

struct mg_report_input {
	const char *version;
	const struct mg_advice *advice;   /* NULL: no profile stored, or no age in it (advice_needs_age) */
	const struct mg_report_night *nights; /* oldest first */
	size_t n_nights;
	const struct mg_report_score *isi; /* oldest first */
	size_t n_isi;
	const struct mg_report_trial *trial; /* NULL: no trial */
	const char *from, *to;            /* the --from/--to asked for, or NULL */
	const struct mg_report_device_night *device; /* oldest first; may be NULL */
	size_t n_device;
	int advice_needs_age; /* advice is NULL because the stored profile has no age */
	/* Issue 11 */
	const struct mg_report_score *psqi; /* PSQI global scores, oldest first; may be NULL */
	size_t n_psqi;
	double diet_mg;          /* usual dietary magnesium, mg a day; NaN if not estimated */
	const char *diet_source; /* where it comes from ("your food log, 3 days"); NULL or "" */
};

/* Appends the HTML to out; 0, or MG_ENOMEM/MG_ETOOBIG if the buffer failed. */
int mg_render_sleep_report(const struct mg_report_input *in, struct mg_buf *out, struct mg_error *err);

#endif
