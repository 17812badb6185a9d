/* Shared by `isi` and `psqi`: options, prompting on a terminal, storing a
 * result with its date, and listing the history. */
#include "cli.h"

#include <mgsleep/night.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void cli_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	mg_date_format(mg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday), out);
}

int cli_prompt(const char *question, char *buf, size_t n)
{
	fputs(question, stdout);
	fflush(stdout);
	if (!fgets(buf, (int)n, stdin))
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

const char *const cli_text_json[] = {"text", "json", NULL};

/* isi and psqi differ only in what --answers is. */
#define Q_OPTIONS(answers_argh, answers_help)                                                                  \
	CLI_OPT_STRING(struct cli_q, answers, "answers", answers_argh, answers_help),                             \
		CLI_OPT_DATE(struct cli_q, date, "date", "the day you answered (default today)"),                  \
		CLI_OPT_ENUM(struct cli_q, format, "format", cli_text_json, "output (default text)"),              \
		CLI_OPT_BOOL(struct cli_q, history, "history", "your scores over time"), CLI_OPT_END()
const struct cli_option cli_q_options_isi[] = {
	Q_OPTIONS("LIST", "the seven item scores (0-4) in order; asked on a terminal otherwise")};
const struct cli_option cli_q_options_psqi[] = {
	Q_OPTIONS("FILE", "a JSON file of answers (docs/questionnaires.md); asked otherwise")};

int cli_q_options(int argc, char **argv, const struct cli_option *opts, struct cli_q *q, int *status)
{
	if (cli_parse_options(argv[0], argc, argv, opts, q, 0, status) < 0)
		return -1;
	if (!q->date) {
		cli_today(q->today);
		q->date = q->today;
	}
	q->json = q->format && !strcmp(q->format, "json");
	if (!q->answers && !q->history && !isatty(STDIN_FILENO)) {
		*status = cli_error(EXIT_USAGE, "%s: --answers needed when not on a terminal", argv[0]);
		return -1;
	}
	return 0;
}

int cli_q_save(struct mg_cli *cli, const char *kind, const char *date, const char *answers, const char *result,
	       int *status)
{
	struct mg_error err = {0};
	struct mg_db *db = cli_db_open(cli, MG_DB_CREATE, status);
	int r = 0;
	if (!db)
		return -1;
	if (mg_db_begin(db, &err) || mg_db_questionnaire_add(db, kind, date, answers, result, &err) ||
	    mg_db_commit(db, &err)) {
		*status = cli_fail(&err);
		r = -1;
	}
	mg_db_close(db);
	return r;
}

int cli_q_history(struct mg_cli *cli, const char *kind, int json, int *status)
{
	struct mg_error err = {0};
	struct mg_buf b = MG_BUF_INIT;
	struct mg_db *db = cli_db_open(cli, 0, status);
	if (!db)
		return *status;
	if (mg_db_questionnaire_list(db, kind, &b, &err)) {
		*status = cli_fail(&err);
	} else if (json) {
		mg_buf_putc(&b, '\n');
		*status = cli_write(b.data, b.len);
	} else {
		/* text: one line per result from the JSON the store produced */
		*status = cli_q_history_text(kind, b.data);
	}
	mg_buf_release(&b);
	mg_db_close(db);
	return *status;
}
