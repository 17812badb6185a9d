/* The N-of-1 trial in words, JSON and iCalendar (src/report/trial_text.c,
 * trial_json.c, ics.c; issue 12). Renderers only: every number comes from
 * include/mgsleep/trial.h (the plan, the pauses, tonight, the analysis) or
 * the KB; nothing here computes a clinical number.
 *
 * Everything is appended to a caller's mg_buf (capped, sticky failure:
 * check b->failed once at the end). Pointers are borrowed for the call. */
#ifndef MGSLEEP_TRIAL_REPORT_H
#define MGSLEEP_TRIAL_REPORT_H

#include <mgsleep/buf.h>
#include <mgsleep/kb.h>
#include <mgsleep/stats.h>
#include <mgsleep/trial.h>

#include <stddef.h>
#include <stdint.h>

/* A plan just stored, with what 'trial plan' says about it. */
struct mg_trial_plan_view {
	const struct mg_trial *t;    /* bound (mg_trial_bind), with the id the store gave it */
	const char *form_name;       /* the compound in words ("magnesium bisglycinate") */
	const struct mg_trial_power_plan *pp;
	const struct mg_power_result *fixed, *averaged; /* averaged only read when pp->has_prior */
	const struct mg_trial_diary *diary;
	const char *ics;             /* the calendar file written, or NULL */
	const struct mg_trial *retired; /* the trial it replaced, or NULL */
	const char *retired_as;      /* "replaced" or "finished" */
};
void mg_trial_plan_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_plan_view *v);
/* docs/statistics.md 12.1 */
void mg_trial_plan_json(struct mg_buf *b, const struct mg_trial_plan_view *v);

/* The plan's periods as 'trial plan --format json' gives them: [{"period",
 * "pair", "start", "end" (evenings), "arm" ("magnesium" or "none"),
 * "analysed_from"}] (mg_trial_calendar). */
void mg_trial_periods_json(struct mg_buf *b, const struct mg_trial *t);
/* 'trial today' for evening d as data (mg_trial_tonight, docs/web-api.md):
 * {"date", "phase" (before, baseline, period, paused, ended), "paused",
 * "first_evening", "last_evening", "periods", "period_days",
 * "baseline_days", "period", "pair", "night" (null outside a period),
 * "baseline_night", "paused_since", "magnesium" (take the dose tonight),
 * "dose" ({"elemental_mg", "compound_mg", "form", "name"} or null),
 * "washout", "isi_tomorrow"}. kb may be NULL (the form's id as its name). */
void mg_trial_tonight_json(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial *t,
			   const struct mg_trial_pauses *pz, int32_t d);

/* The calendar of the plan (RFC 5545, CRLF lines): one all-day event per
 * period and one for the baseline. now is "YYYY-MM-DDTHH:MM:SSZ" (DTSTAMP),
 * version the program's. */
void mg_trial_ics(struct mg_buf *b, const struct mg_trial *t, const char *now, const char *version);

/* 'trial today' for evening d (date its text): tonight's instruction and,
 * when the diary belongs to the trial, whether last night is logged. */
void mg_trial_today_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial *t,
			 const struct mg_trial_pauses *pz, int32_t d, int diary_logged);

/* The answer to 'trial event': the symptoms in words (names), whether any
 * is a stop rule, the pause already open on that date (-1: none), and the
 * KB's text of each stop rule hit (texts[k] for symptom k, NULL if none),
 * each said once. */
void mg_trial_event_text(struct mg_buf *b, const struct mg_trial_pauses *pz, const char *date, const char *names,
			 int stops, int open_pause, const char *const *texts, int n);
/* The answer to 'trial resume' on date: the pause closed is the last one. */
void mg_trial_resume_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_pauses *pz,
			  const char *date);

/* The symptoms of an event in words, comma-separated (KB names; an id the
 * KB does not know is shown as it is), cut to fit n. */
void mg_trial_event_what(const struct mg_kb *kb, const struct mg_trial_event *e, char *out, size_t n);
/* One line per event ("Paused on 2026-12-05: diarrhoea"), each after indent. */
void mg_trial_events_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_pauses *pz,
			  const char *indent);
/* The trial was paused, why, and what it did to the analysis; nothing
 * without a pause. */
void mg_trial_pause_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_pauses *pz, int excluded,
			 int32_t today);

/* 'trial analyze' as of date (its text). */
void mg_trial_analysis_text(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_analysis *an,
			    const char *date);
void mg_trial_analysis_json(struct mg_buf *b, const struct mg_kb *kb, const struct mg_trial_analysis *an,
			    const char *date);

/* 'trial list': the heading (n trials), one row per trial, the closing. */
void mg_trial_list_head(struct mg_buf *b, int json, size_t n);
void mg_trial_list_row(struct mg_buf *b, int json, size_t i, const struct mg_trial *t, int32_t today);
void mg_trial_list_tail(struct mg_buf *b, int json, size_t n);

/* The analysis as the sleep report and the FHIR export draw it; order
 * needs room for 2 * MG_NOF1_MAX_PAIRS. */
struct mg_report_trial;
void mg_trial_report_fill(const struct mg_kb *kb, const struct mg_trial_analysis *an, struct mg_report_trial *rt,
			  char *order);

#endif
