/* What the trial's commands share (cmd_trial.c, cmd_trial_plan.c; the
 * loaders in trial_load.c, which 'report' and 'export' reach through
 * cli_trial_report_id in cli.h). Each returns 0, or -1 with *status set and
 * one line printed. */
#ifndef MG_CLI_TRIAL_CLI_H
#define MG_CLI_TRIAL_CLI_H

#include "cli.h"

#include <mgsleep/buf.h>
#include <mgsleep/trial.h>

/* Trial id (0: the latest) into *t, bound to the KB. */
int cli_trial_load(struct mg_db *db, const struct mg_kb *kb, long long id, struct mg_trial *t, int *status);
/* The events of trial id, as pauses. */
int cli_trial_load_pauses(struct mg_db *db, long long id, struct mg_trial_pauses *pz, int *status);
/* The diary of evenings from..to (rows dated the morning after); the caller
 * frees it with mg_trial_nights_free. NULL with *status set. */
struct mg_trial_nights *cli_trial_read_nights(struct mg_db *db, int32_t from, int32_t to, int *status);

/* One trial analysed as of a day: what 'trial analyze', the report and the
 * FHIR export show. The caller frees it (free); NULL with *status set. */
struct cli_trial_run {
	struct mg_trial t;
	struct mg_trial_pauses pz;
	struct mg_trial_analysis an;
};
struct cli_trial_run *cli_trial_analyse(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
					int *status);

/* The same without printing, for the web API: errors in err (no trial:
 * MG_EINVAL naming "trial"; damaged: MG_EIO). */
int cli_trial_load_e(struct mg_db *db, const struct mg_kb *kb, long long id, struct mg_trial *t,
		     struct mg_error *err);
int cli_trial_load_pauses_e(struct mg_db *db, long long id, struct mg_trial_pauses *pz, struct mg_error *err);
struct cli_trial_run *cli_trial_analyse_e(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
					  struct mg_error *err);

/* 'trial event' up to the write, shared by the CLI and the web API: the
 * symptoms (KB ids, comma-separated), the note and the date (YYYY-MM-DD) are
 * checked against the latest trial before the store is touched; then
 * e->row is what to write (mg_db_trial_event_add, in the caller's
 * transaction) and e->text the confirmation. 0, or MG_EINVAL naming
 * symptom, note, date or trial (no trial), MG_EEXIST (the trial has
 * MG_TRIAL_MAX_EVENTS events), or the store's error. row's strings point
 * into e and the caller's date and note; cli_trial_event_release frees e's. */
struct cli_trial_event {
	struct mg_db_trial_event row;
	struct mg_buf symptoms_json, text;
};
int cli_trial_event_prepare_e(struct mg_db *db, const struct mg_kb *kb, const char *date, const char *symptoms,
			      const char *note, struct cli_trial_event *e, struct mg_error *err);
void cli_trial_event_release(struct cli_trial_event *e);

/* The command's output, or "out of memory" once for a failed buffer. */
int cli_trial_emit(const struct mg_buf *out);

/* mgsleep trial plan (cmd_trial_plan.c), and its options for the help. */
extern const struct cli_option cli_trial_plan_options[];
int cli_trial_plan(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb);

/* A plan as 'trial plan' makes it, without printing (the CLI and the web
 * API): the design checked (messages name log-style flags: "--washout:
 * ..."), a current trial retired when replace (else MG_EEXIST), the dose
 * from the stored profile's advice, the power, all stored in one
 * transaction, and the trial read back with its id. now: the created
 * stamp. */
#include <mgsleep/trial_report.h>
struct cli_plan_in {
	int32_t start; /* first evening of the whole trial (baseline first) */
	long pairs, period_days, washout, baseline;
	const char *outcome; /* NULL: sol */
	uint64_t seed;
	int replace;
};
struct cli_plan_out {
	struct mg_trial t, old;
	struct mg_trial_plan_power pw;
	const char *form_name, *retire_as;
};
int cli_trial_plan_make(struct mg_db *db, const struct mg_kb *kb, const struct cli_plan_in *in, int32_t today,
			const char *now, struct cli_plan_out *o, struct mg_error *err);
/* What mg_trial_plan_text and _json lay out; ics: the file written or NULL. */
void cli_trial_plan_view(const struct cli_plan_out *o, const char *ics, struct mg_trial_plan_view *v);
/* cli_trial_read_nights without printing. */
struct mg_trial_nights *cli_trial_read_nights_e(struct mg_db *db, int32_t from, int32_t to, struct mg_error *err);

#endif
