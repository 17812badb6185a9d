/* mgsleep trial: a randomised N-of-1 trial of magnesium against none (issues
 * 5, 11, 12). Argument handling only: the domain is include/mgsleep/trial.h
 * (src/core/trial*.c), the words, JSON and iCalendar trial_report.h
 * (src/report), the typed reads store.h. docs/statistics.md: the model.
 * 'trial plan' is cmd_trial_plan.c; the loaders shared with the report and
 * the export trial_load.c. */
#include "trial_cli.h"

#include <mgsleep/night.h>
#include <mgsleep/trial_report.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct trial_opts {
	const char *date, *format, *symptom, *note; /* date: NULL for today */
	long trial;
};

static const struct cli_option list_options[] = {
	CLI_OPT_GROUP("list:"),
	CLI_OPT_ENUM(struct trial_opts, format, "format", cli_text_json, "output (default text)"),
	CLI_OPT_END(),
};

static const struct cli_option today_options[] = {
	CLI_OPT_GROUP("today:"),
	CLI_OPT_DATE(struct trial_opts, date, "date", "the evening to instruct (default today)"),
	CLI_OPT_END(),
};

static const struct cli_option analyze_options[] = {
	CLI_OPT_GROUP("analyze:"),
	CLI_OPT_NUMBER(struct trial_opts, trial, "trial", "ID", 1, 1000000000L, "a trial number from 'mgsleep trial list'",
		       "a trial from 'trial list' (default the latest)"),
	CLI_OPT_DATE(struct trial_opts, date, "date", "analyse as of this day (default today)"),
	CLI_OPT_ENUM(struct trial_opts, format, "format", cli_text_json, "output (default text)"),
	CLI_OPT_END(),
};

static const struct cli_option event_options[] = {
	CLI_OPT_GROUP("event:"),
	CLI_OPT_STRING(struct trial_opts, symptom, "symptom", "NAME[,NAME]",
		       "an adverse event (see 'mgsleep kb symptoms'); a stop-rule\nsymptom (gut or excess magnesium) "
		       "pauses the trial"),
	CLI_OPT_DATE(struct trial_opts, date, "date", "the day it applies from (default today)"),
	CLI_OPT_STRING(struct trial_opts, note, "note", "TEXT", "a short note (at most 120 characters)"),
	CLI_OPT_END(),
};

static const struct cli_option resume_options[] = {
	CLI_OPT_GROUP("resume:"),
	CLI_OPT_DATE(struct trial_opts, date, "date", "the day it applies from (default today)"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_trial = {
	"usage: mgsleep trial plan [--start DATE] [--pairs N] [--period-days D] [--washout W]\n"
	"                          [--baseline-days N] [--outcome sol|tst|se|waso|awakenings|quality|isi]\n"
	"                          [--seed N] [--ics FILE] [--format text|json] [--replace]\n"
	"       mgsleep trial list [--format text|json]\n"
	"       mgsleep trial today [--date DATE]\n"
	"       mgsleep trial analyze [--trial ID] [--date DATE] [--format text|json]\n"
	"       mgsleep trial event --symptom NAME[,NAME] [--date DATE] [--note TEXT]\n"
	"       mgsleep trial resume [--date DATE]\n",
	{cli_trial_plan_options, list_options, today_options, analyze_options, event_options, resume_options},
	NULL,
};

/* The subcommand's options into o; the date (default today) into date. */
static int trial_options(const char *cmd, int argc, char **argv, const struct cli_option *opts, struct trial_opts *o,
			 char date[11], int *status)
{
	o->format = "text";
	if (cli_parse_options(cmd, argc, argv, opts, o, 0, status) < 0)
		return -1;
	if (o->date)
		snprintf(date, 11, "%s", o->date);
	else
		cli_today(date);
	return 0;
}

/* today and resume: the latest trial and its pauses as of --date. */
struct latest {
	char date[11];
	int32_t d;
	struct mg_trial t;
	struct mg_trial_pauses pz;
};

/* The options, then the store, the trial and its pauses (*db set even on
 * failure). */
static struct latest *open_latest(int argc, char **argv, const char *cmd, const struct cli_option *opts,
				  struct mg_cli *cli, const struct mg_kb *kb, struct mg_db **db, int *status)
{
	struct trial_opts o = {0};
	struct latest *l = malloc(sizeof *l);
	*db = NULL;
	if (!l) {
		*status = cli_error(EXIT_FAIL, "out of memory");
		return NULL;
	}
	if (trial_options(cmd, argc, argv, opts, &o, l->date, status) || mg_date_parse(l->date, &l->d) ||
	    !(*db = cli_db_open(cli, 0, status)) || cli_trial_load(*db, kb, 0, &l->t, status) ||
	    cli_trial_load_pauses(*db, l->t.id, &l->pz, status)) {
		free(l);
		return NULL;
	}
	return l;
}

static int trial_today(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	int status = EXIT_OK;
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	struct mg_db *db = NULL;
	char *last = NULL;
	struct latest *l = open_latest(argc, argv, "trial today", today_options, cli, kb, &db, &status);
	if (!l)
		goto out;
	if (mg_db_night_get(db, l->date, &last, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	mg_trial_today_text(&out, kb, &l->t, &l->pz, l->d, last != NULL);
	status = cli_trial_emit(&out);
out:
	free(l);
	free(last);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

static int trial_event(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	char date[11];
	int status = EXIT_OK;
	struct trial_opts o = {0};
	struct mg_error err = {0};
	struct cli_trial_event e = {{0}, MG_BUF_INIT, MG_BUF_INIT};
	if (trial_options("trial event", argc, argv, event_options, &o, date, &status))
		return status;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (cli_trial_event_prepare_e(db, kb, date, o.symptom, o.note, &e, &err) || mg_db_begin(db, &err) ||
	    mg_db_trial_event_add(db, &e.row, cli_now(), &err) || mg_db_commit(db, &err))
		status = cli_fail(&err);
	else
		status = cli_trial_emit(&e.text);
	cli_trial_event_release(&e);
	mg_db_close(db);
	return status;
}

static int trial_resume(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	int status = EXIT_OK;
	struct mg_error err = {0};
	struct mg_db *db = NULL;
	struct mg_buf out = MG_BUF_INIT;
	struct latest *l = open_latest(argc, argv, "trial resume", resume_options, cli, kb, &db, &status);
	if (!l)
		goto out;
	struct mg_db_trial_event row = {l->date, "resume", "[]", 0, ""};
	if (mg_trial_resume_check(&l->pz, l->d, &err) || mg_db_begin(db, &err) ||
	    mg_db_trial_event_add(db, &row, cli_now(), &err) || mg_db_commit(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	mg_trial_resume_text(&out, kb, &l->pz, l->date);
	status = cli_trial_emit(&out);
out:
	free(l);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

static int trial_analyze(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	char date[11];
	struct trial_opts o = {0};
	int status = EXIT_OK;
	int32_t today;
	if (trial_options("trial analyze", argc, argv, analyze_options, &o, date, &status))
		return status;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_buf out = MG_BUF_INIT;
	mg_date_parse(date, &today);
	struct cli_trial_run *run = cli_trial_analyse(db, kb, o.trial, today, &status);
	if (run) {
		if (!strcmp(o.format, "json"))
			mg_trial_analysis_json(&out, kb, &run->an, date);
		else
			mg_trial_analysis_text(&out, kb, &run->an, date);
		status = cli_trial_emit(&out);
	}
	free(run);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

struct listing {
	const struct mg_kb *kb;
	struct mg_buf rows;
	size_t n;
	int json, damaged;
	int32_t today;
};

static int list_row(void *ctx, const struct mg_trial *stored)
{
	struct listing *l = ctx;
	struct mg_trial t = *stored;
	if (mg_trial_bind(&t, l->kb, NULL))
		return l->damaged = 1;
	mg_trial_list_row(&l->rows, l->json, l->n++, &t, l->today);
	return 0;
}

static int trial_list(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	char date[11];
	struct trial_opts o = {0};
	struct listing l = {kb, MG_BUF_INIT, 0, 0, 0, 0};
	int status = EXIT_OK;
	if (trial_options("trial list", argc, argv, list_options, &o, date, &status))
		return status;
	mg_date_parse(date, &l.today);
	l.json = !strcmp(o.format, "json");
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	if (mg_db_trials_each(db, list_row, &l, &err)) {
		status = l.damaged ? cli_error(EXIT_FAIL, "trial: the stored trial is damaged") : cli_fail(&err);
	} else {
		mg_trial_list_head(&out, l.json, l.n);
		mg_buf_add(&out, l.rows.data, l.rows.len);
		mg_trial_list_tail(&out, l.json, l.n);
		status = l.rows.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_trial_emit(&out);
	}
	mg_buf_release(&l.rows);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

int cmd_trial(int argc, char **argv, struct mg_cli *cli)
{
	int status = EXIT_OK;
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	if (argc < 2)
		return cli_error(EXIT_USAGE,
				 "trial: missing subcommand; accepted: plan, list, today, analyze, event, resume");
	if (!strcmp(argv[1], "plan"))
		return cli_trial_plan(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "list"))
		return trial_list(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "today"))
		return trial_today(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "analyze") || !strcmp(argv[1], "analyse"))
		return trial_analyze(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "event"))
		return trial_event(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "resume"))
		return trial_resume(argc - 1, argv + 1, cli, kb);
	return cli_error(EXIT_USAGE,
			 "trial: unknown subcommand '%s'; accepted: plan, list, today, analyze, event, resume", argv[1]);
}
