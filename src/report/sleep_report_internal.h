/* Private to src/report/sleep_report.c, report_charts.c and report_tables.c:
 * the sleep report is one renderer (include/mgsleep/sleep_report.h) split by
 * responsibility. sleep_report.c holds the first page (who, advice, trial
 * summary), the page frame and the helpers below; report_charts.c the
 * charts (nightly, questionnaires, trial); report_tables.c the diet, device
 * and weekly sections and the appendix. Everything appends to a borrowed
 * struct mg_buf and checks nothing: mg_render_sleep_report checks once. */
#ifndef MG_REPORT_SLEEP_REPORT_INTERNAL_H
#define MG_REPORT_SLEEP_REPORT_INTERNAL_H

#include <mgsleep/buf.h>
#include <mgsleep/sleep_report.h>

#include <stdint.h>

/* Fills of the plan calendar and the marks, shared by the SVG classes and
 * the HTML keys (.k-*) so both always agree. */
#define FILL_MG "#cfe3f7"  /* magnesium period, analysed */
#define FILL_MGX "#e4d3f0" /* magnesium outside the trial */
#define FILL_PZ "#f6c99b"  /* paused */
#define FILL_MID "#e2f1dc" /* within the minimal important difference */
#define COL_RUG "#1f5fa8"  /* magnesium taken (diary) */

/* Shared helpers (sleep_report.c). */
void mg_rep_put_date(struct mg_buf *b, int32_t d);       /* "2026-11-20" */
void mg_rep_put_hm(struct mg_buf *b, int minutes);       /* "7:05" */
const char *mg_rep_plural(long n);                       /* "" or "s" */
int mg_rep_took_mg(const struct mg_report_night *n);     /* the diary says magnesium was taken */
void mg_rep_put_signed(struct mg_buf *b, double v, int dec); /* "+1.5", "-2", "0" */
/* The plan calendar: the period (0 .. 2 pairs - 1) evening e falls in, or -1
 * outside the plan, *wash set for a washout night; the last evening of the
 * plan; the plan's word for the night of a morning ("magnesium, period 3,
 * washout", "before the trial"). */
int mg_rep_plan_period(const struct mg_report_trial *t, int32_t e, int *wash);
int32_t mg_rep_plan_last_evening(const struct mg_report_trial *t);
void mg_rep_put_phase(struct mg_buf *b, const struct mg_report_trial *t, int32_t morning);

/* Sections, in page order after the first page (report_charts.c). */
void mg_rep_trial_chart(struct mg_buf *out, const struct mg_report_input *in);
void mg_rep_sleep_charts(struct mg_buf *out, const struct mg_report_input *in);
void mg_rep_questionnaires(struct mg_buf *out, const struct mg_report_input *in);

/* report_tables.c */
void mg_rep_diet_section(struct mg_buf *out, const struct mg_report_input *in);
void mg_rep_device_section(struct mg_buf *out, const struct mg_report_input *in);
void mg_rep_weekly_means(struct mg_buf *out, const struct mg_report_input *in);
void mg_rep_nights_table(struct mg_buf *out, const struct mg_report_input *in);
void mg_rep_device_table(struct mg_buf *out, const struct mg_report_input *in);
void mg_rep_references(struct mg_buf *out, const struct mg_advice *a);

#endif
