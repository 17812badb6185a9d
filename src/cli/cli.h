/* The mgsleep program: argv -> library calls -> stdout/stderr/exit status.
 * Only this directory prints or exits. To add a command: write
 * cmd_<name>.c with int cmd_<name>(int argc, char **argv, struct mg_cli *cli)
 * and its options as a table (parse_options.h) in a struct cli_help
 * cli_help_<name>, declare both here, add a row to the table in main.c, and
 * document it in man/mgsleep.1 (tests/cli/test_man.sh checks the options). */
#ifndef MG_CLI_H
#define MG_CLI_H

#include <mgsleep/kb.h>
#include <mgsleep/profile.h>
#include <mgsleep/store.h>

#include "parse_options.h"

#include <signal.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct mg_cli {
	const char *kb_dir; /* --kb DIR or MGSLEEP_KB; NULL for the built-in KB */
	const char *db_path; /* --db PATH; NULL for MGSLEEP_DB or the default */
	struct mg_kb *kb;   /* loaded on demand by cli_kb() */
	const char *cmd;    /* current command name */
};

/* Print "mgsleep: <msg>" to stderr (one line) and return status. */
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Map a library error to a message and exit status (2 for input errors). */
int cli_fail(const struct mg_error *err);
/* Load the KB once (built-in, or --kb / MGSLEEP_KB); NULL after printing. */
const struct mg_kb *cli_kb(struct mg_cli *cli, int *status);
/* Write all of buf to stdout; 0 or EXIT_FAIL. */
int cli_write(const char *buf, size_t len);
/* Write all of p[0..n) to fd, again after EINTR; 0 or -1 (errno set). */
int cli_write_fd(int fd, const char *p, size_t n);
/* Read a file ("-" = stdin) of at most max bytes; caller frees. */
char *cli_read_file(const char *path, size_t max, size_t *len, const char *what, int *status);
/* Match "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i. For the
 * global options (--kb, --db), which main.c takes out before the command. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **value, int *status);
/* An argument the command does not accept, named by its position and never
 * repeated (a stray word may be health data): "CMD: argument N is not an
 * option it accepts; HINT". Returns EXIT_USAGE. In parse_options.c. */
int cli_unknown(const char *cmd, int argi, const char *hint);
void cli_usage(const char *cmd);
int cli_wants_help(int argc, char **argv);

/* The store: path from --db, MGSLEEP_DB, $XDG_DATA_HOME/mgsleep/mgsleep.db or
 * ~/.local/share/mgsleep/mgsleep.db; opened with the passphrase when sealed. */
const char *cli_db_path(struct mg_cli *cli);
struct mg_db *cli_db_open(struct mg_cli *cli, unsigned flags, int *status);
int cli_passphrase(const char *prompt, char *buf, size_t n, int *status);
/* "2026-11-23T14:05:00Z", for created/updated stamps. */
const char *cli_now(void);

/* The profile options (--age 45, --dialysis, --med a,b ...) of advise and
 * profile set, in the order given; applied by cli_profile_apply after the
 * --profile file so that flags override it wherever they appear. Holds
 * argv's strings. */
#define CLI_PROFILE_MAX_FLAGS 128
struct cli_profile_flags {
	size_t n; /* first: the options' field is the whole struct */
	const struct cli_option *opt[CLI_PROFILE_MAX_FLAGS];
	const char *value[CLI_PROFILE_MAX_FLAGS];
};
extern const struct cli_option cli_profile_options[];
/* Apply the flags to p and check it as a whole; 0 or -1 with *status set. */
int cli_profile_apply(const struct cli_profile_flags *f, const struct mg_kb *kb, struct mg_profile *p, int *status);
/* Load a profile JSON file ("-" = stdin) into p. */
int cli_profile_file(const char *path, const struct mg_kb *kb, struct mg_profile *p, int *status);

/* Minutes east of UTC in the system time zone at a local wall-clock minute
 * (minutes since 1970-01-01 00:00 local). In cmd_log.c. */
int cli_utc_offset_at(int64_t local_min);
/* The night laid out with the system time zone's offsets at bed and at the
 * final awakening, then validated and measured (mg_night_compute): what log
 * and the web API store. 0 or MG_EINVAL naming the field. */
struct mg_night_metrics;
int cli_night_compute(struct mg_night *n, struct mg_night_metrics *m, struct mg_error *err);
/* The servers (cds, web; src/cli/serve.c): "HOST:PORT" or "[V6]:PORT" into
 * host (n bytes) and port, 0 or -1; and one request's log line on stderr
 * (time, method, route, status, ms: never a body, header or query). */
int cli_parse_listen(const char *v, char *host, size_t n, unsigned *port);
void cli_http_log(void *ctx, const char *method, const char *route, int status, double ms);
/* A PEM file of option (--tls-cert, --tls-key) holding label ("CERTIFICATE-----",
 * "PRIVATE KEY-----"); the caller frees it. NULL with one line printed
 * (naming the option, never the content). */
char *cli_read_pem(const char *path, const char *option, const char *label, int *status);
/* SIGTERM and SIGINT blocked in this thread (and the threads it starts), for
 * a server that waits for them with sigwait(stop). */
void cli_block_stop_signals(sigset_t *stop);
/* Today's local date as YYYY-MM-DD. */
void cli_today(char out[11]);
/* Print question, read one line from stdin (newline removed); -1 at EOF. */
int cli_prompt(const char *question, char *buf, size_t n);

/* Options shared by the questionnaire commands. */
struct cli_q {
	const char *answers; /* --answers */
	const char *date;    /* --date */
	const char *format;  /* --format text|json */
	int history;         /* --history */
	char today[11];      /* date when --date is not given */
	int json;
};
extern const struct cli_option cli_q_options_isi[], cli_q_options_psqi[];
int cli_q_options(int argc, char **argv, const struct cli_option *opts, struct cli_q *q, int *status);
int cli_q_save(struct mg_cli *cli, const char *kind, const char *date, const char *answers, const char *result,
	       int *status);
int cli_q_history(struct mg_cli *cli, const char *kind, int json, int *status);
int cli_q_history_text(const char *kind, const char *json);

/* s as one CSV field in double quotes, inner quotes doubled (RFC 4180). */
void cli_csv_quoted(struct mg_buf *b, const char *s);
/* Write an export (JSON text) as CSV files in the new folder dir. */
int cli_export_csv(const char *json, const char *dir, int *status);
/* The same tables into t[] (the caller's, released by the caller), named
 * cli_export_csv_names[] in the folder; 0 or MG_ENOMEM. The web app zips them. */
#define CLI_CSV_TABLES 3
extern const char *const cli_export_csv_names[CLI_CSV_TABLES];
int cli_export_csv_tables(const char *json, struct mg_buf t[CLI_CSV_TABLES]);
/* The store as an HL7 FHIR R4 Bundle (JSON) appended to out: the typed
 * input of mg_render_fhir (include/mgsleep/fhir.h) gathered from json (an
 * export, mg_db_export_json or the shorter mg_db_export_profile_json: its
 * profile and questionnaires), the diary nights (mg_db_night_rows_each, in
 * date order as the export lists them), and every trial in the store (current, finished and
 * replaced; cli_trial_report_id) analysed as of today as one Observation
 * each (docs/fhir.md). 0, or the error in err; prints nothing (the web API
 * uses it too). */
int cli_export_fhir_e(struct mg_db *db, const struct mg_kb *kb, const char *json, struct mg_buf *out,
		      struct mg_error *err);

/* --from DATE, --to DATE, --format of the listing commands (diary, diet,
 * food list), into struct cli_listing; format keeps what the caller set
 * when not given. */
struct cli_listing {
	const char *from, *to, *format;
};
extern const struct cli_option cli_listing_options[];     /* --format text|json */
extern const struct cli_option cli_listing_csv_options[]; /* --format text|json|csv */
extern const char *const cli_text_json[];                 /* {"text", "json", NULL} */

/* The diary entry of one night of a listing or export (its "entry" object,
 * as mg_db_nights_json and the export give it), read by the one reader of
 * the entry's format, mg_night_entry_read. -1 when the night has no entry
 * (a date only a device saw) or it cannot be read; *e is then all "not
 * stored". */
struct json_t;
struct mg_night_entry;
int cli_night_entry(struct json_t *night, struct mg_night_entry *e);

/* Food helpers shared by food, diet and advise. */
struct mg_food;
int cli_food_resolve(const char *text, struct mg_food *f, int *status);
int cli_diet_estimate(struct mg_db *db, double *mg, char *source, size_t n, struct mg_error *err);

/* src/cli/advice.c. The profile's missing dietary intake and ISI from the
 * store (usual-intake estimate, latest ISI): the one enrichment step of
 * every command that advises. 0 or -1 with err set. */
int cli_enrich_profile(struct mg_db *db, struct mg_profile *p, struct mg_error *err);
/* Advice from the stored profile as 'mgsleep advise' computes it (the diet
 * estimate and latest ISI filled in): 0, 1 if no profile is stored, 2 if the
 * stored profile has no age (advice needs one; nothing printed for either),
 * -1 with *status set. */
struct mg_advice;
int cli_stored_advice(struct mg_cli *cli, struct mg_db *db, struct mg_advice *a, struct mg_profile *p,
		      int *status);
/* The same without printing (the web API): -1 with err set. */
int cli_stored_advice_e(struct mg_db *db, const struct mg_kb *kb, struct mg_advice *a, struct mg_profile *p,
			struct mg_error *err);
/* The latest trial analysed as of today (evenings before it) for the report;
 * order needs room for 2 * MG_NOF1_MAX_PAIRS. 0, 1 if no trial, -1. */
struct mg_report_trial;
struct mg_kb;
int cli_trial_report(struct mg_db *db, const struct mg_kb *kb, int32_t today, struct mg_report_trial *rt,
		     char *order, int *status);
/* The same for trial id (0: the latest), kept or current (issue 11); _e
 * prints nothing (err set when -1). */
int cli_trial_report_id(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
			struct mg_report_trial *rt, char *order, int *status);
int cli_trial_report_id_e(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
			  struct mg_report_trial *rt, char *order, struct mg_error *err);

/* 'report': the diary from..to (either NULL), scores, the trial as of to
 * (else today) and the stored profile's advice as one self-contained HTML
 * page appended to out (src/cli/cmd_report.c). 0 or err; prints nothing. */
int cli_report_html(struct mg_db *db, const struct mg_kb *kb, const char *from, const char *to, int32_t today,
		    struct mg_buf *out, struct mg_error *err);
/* 'summary --format json' of the last weeks into out (src/cli/cmd_summary.c);
 * 0 or the store's error. For the web API too. */
int cli_summary_json(struct mg_db *db, size_t weeks, struct mg_buf *out, struct mg_error *err);
/* 'import --format json''s report of a finished import (cmd_import.c). */
struct mg_db_import;
void cli_import_report_json(struct mg_buf *o, const struct mg_db_import *im, int dry_run);

int cmd_advise(int argc, char **argv, struct mg_cli *cli);
int cmd_report(int argc, char **argv, struct mg_cli *cli);
int cmd_food(int argc, char **argv, struct mg_cli *cli);
int cmd_import(int argc, char **argv, struct mg_cli *cli);
int cmd_diet(int argc, char **argv, struct mg_cli *cli);
int cmd_export(int argc, char **argv, struct mg_cli *cli);
int cmd_init(int argc, char **argv, struct mg_cli *cli);
int cmd_isi(int argc, char **argv, struct mg_cli *cli);
int cmd_psqi(int argc, char **argv, struct mg_cli *cli);
int cmd_log(int argc, char **argv, struct mg_cli *cli);
int cmd_diary(int argc, char **argv, struct mg_cli *cli);
int cmd_trial(int argc, char **argv, struct mg_cli *cli);
int cmd_summary(int argc, char **argv, struct mg_cli *cli);
int cmd_passphrase(int argc, char **argv, struct mg_cli *cli);
int cmd_backup(int argc, char **argv, struct mg_cli *cli);
int cmd_import_backup(int argc, char **argv, struct mg_cli *cli);
int cmd_profile(int argc, char **argv, struct mg_cli *cli);
int cmd_convert(int argc, char **argv, struct mg_cli *cli);
int cmd_cds(int argc, char **argv, struct mg_cli *cli);
int cmd_web(int argc, char **argv, struct mg_cli *cli);
int cmd_screen(int argc, char **argv, struct mg_cli *cli);
int cmd_forms(int argc, char **argv, struct mg_cli *cli);
int cmd_help(int argc, char **argv, struct mg_cli *cli);
int cmd_kb(int argc, char **argv, struct mg_cli *cli);
int cmd_version(int argc, char **argv, struct mg_cli *cli);

/* Each command's help: its synopsis and option tables, in its cmd_*.c. */
extern const struct cli_help cli_help_advise, cli_help_backup, cli_help_cds, cli_help_convert, cli_help_diary, cli_help_diet,
	cli_help_export, cli_help_food, cli_help_forms, cli_help_import, cli_help_import_backup, cli_help_init,
	cli_help_isi, cli_help_kb, cli_help_log, cli_help_passphrase, cli_help_profile, cli_help_psqi,
	cli_help_report, cli_help_summary, cli_help_trial, cli_help_web;
extern const struct cli_help cli_help_screen;

#endif
