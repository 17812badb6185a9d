/* mgsleep diet, diet quiz, diet suggest: magnesium from food (issue 6). */
#include "cli.h"

#include <mgsleep/advise.h>
#include <mgsleep/buf.h>
#include <mgsleep/food.h>
#include <mgsleep/night.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The usual-intake estimate (mg_diet_estimate): the food log when it covers
 * MG_DIET_LOG_MIN_DAYS days or more, else the latest quiz (its date in
 * quiz_date, "" if none), else none. */
static int diet_estimate(struct mg_db *db, struct mg_diet_estimate *e, char quiz_date[11], struct mg_error *err)
{
	double log_mg, quiz_mg;
	int days;
	if (mg_db_food_daily_mean(db, &log_mg, &days, err) || mg_db_diet_quiz_latest(db, &quiz_mg, quiz_date, err))
		return -1;
	return mg_diet_estimate(log_mg, days, quiz_mg, e, err) ? -1 : 0;
}

/* The estimate the advice uses (issue 10): NaN and source "" when neither
 * 3 logged days nor a quiz exist. */
int cli_diet_estimate(struct mg_db *db, double *mg, char *source, size_t n, struct mg_error *err)
{
	struct mg_diet_estimate e;
	char date[11];
	*mg = NAN;
	source[0] = '\0';
	if (diet_estimate(db, &e, date, err))
		return -1;
	*mg = e.mg;
	if (e.basis == MG_DIET_LOG)
		snprintf(source, n, "your food log, %d days", e.log_days);
	else if (e.basis == MG_DIET_QUIZ)
		snprintf(source, n, "your diet quiz of %s", date);
	return 0;
}

/* Reference intake for the stored profile (age, sex, pregnancy, jurisdiction),
 * from the same engine that advises. NaN if no profile or no intake applies. */
static double reference_intake(struct mg_cli *cli, struct mg_db *db, const char **kind, int *status)
{
	struct mg_error err = {0};
	const struct mg_kb *kb = cli_kb(cli, status);
	char *json = NULL;
	double mg = NAN;
	*kind = NULL;
	if (!kb || mg_db_profile_get(db, &json, &err) || !json) {
		free(json);
		return NAN;
	}
	struct mg_profile p;
	struct mg_advice *a = malloc(sizeof *a);
	mg_profile_init(&p);
	if (a && !mg_profile_load_json(&p, kb, json, strlen(json), &err) && !mg_advise(kb, &p, a, &err) && a->intake) {
		mg = mg_advice_intake_mg(a);
		*kind = mg_advice_intake_kind(a);
	}
	free(a);
	free(json);
	return mg;
}

/* Which estimate 'mgsleep advise' uses, and why not the log when it is
 * too short (issue 10). */
static void advice_note(struct mg_buf *out, const struct mg_diet_estimate *e, const char *quiz_date)
{
	int d = e->log_days;
	if (e->basis == MG_DIET_LOG) {
		mg_buf_printf(out, "Advice uses the mean of all %d logged days: %.0f mg a day.\n", d, e->mg);
		return;
	}
	mg_buf_printf(out, "Advice does not use the food log yet: at least %d days of logged food are needed before\n"
			   "the estimate is used for advice (%d so far), because one day's intake varies too much.\n",
		      MG_DIET_LOG_MIN_DAYS, d);
	if (e->basis == MG_DIET_QUIZ)
		mg_buf_printf(out, "Until then it uses your diet quiz of %s: %.0f mg a day.\n", quiz_date, e->mg);
	else
		mg_buf_puts(out, "Until then it has no dietary intake; 'mgsleep diet quiz' gives one in two minutes.\n");
}

static int diet_days(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_error err = {0};
	struct mg_buf raw = MG_BUF_INIT, out = MG_BUF_INIT;
	int status = EXIT_OK;
	struct cli_listing l = {NULL, NULL, "text"};
	if (cli_parse_options("diet", argc, argv, cli_listing_options, &l, 0, &status) < 0)
		return status;
	const char *from = l.from, *to = l.to, *kind;
	int json = !strcmp(l.format, "json");
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (mg_db_food_json(db, from, to, &raw, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	struct mg_diet_estimate est;
	char quiz_date[11];
	if (diet_estimate(db, &est, quiz_date, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	double intake = reference_intake(cli, db, &kind, &status);
	json_t *rows = json_loadb(raw.data, raw.len, 0, NULL), *e;
	size_t i, ndays = 0;
	/* per day totals, and per food totals for the top contributors */
	struct amount {
		const char *name; /* date or food description */
		double mg;
	} days[400], foods[64];
	size_t nfoods = 0;
	double total = 0;
	json_array_foreach(rows, i, e) {
		const char *d = json_string_value(json_object_get(e, "date"));
		double mg = json_number_value(json_object_get(e, "mg"));
		const char *desc = json_string_value(json_object_get(e, "description"));
		if (!ndays || strcmp(days[ndays - 1].name, d)) {
			if (ndays == sizeof days / sizeof days[0])
				break;
			days[ndays].name = d;
			days[ndays++].mg = 0;
		}
		days[ndays - 1].mg += mg;
		total += mg;
		size_t k;
		for (k = 0; k < nfoods && strcmp(foods[k].name, desc); k++)
			;
		if (k == nfoods && nfoods < sizeof foods / sizeof foods[0])
			foods[nfoods++] = (struct amount){desc, 0};
		if (k < nfoods)
			foods[k].mg += mg;
	}
	/* sort foods by contribution, largest first (small n: insertion sort) */
	for (size_t a = 1; a < nfoods; a++)
		for (size_t b = a; b > 0 && foods[b].mg > foods[b - 1].mg; b--) {
			struct amount t = foods[b];
			foods[b] = foods[b - 1];
			foods[b - 1] = t;
		}
	if (json) {
		mg_buf_puts(&out, "{\"days\":[");
		for (size_t d = 0; d < ndays; d++) {
			mg_buf_printf(&out, "%s{\"date\":\"%s\",\"mg\":", d ? "," : "", days[d].name);
			mg_buf_put_num(&out, days[d].mg, 1);
			mg_buf_putc(&out, '}');
		}
		mg_buf_puts(&out, "],\"mean_mg\":");
		if (ndays)
			mg_buf_put_num(&out, total / (double)ndays, 1);
		else
			mg_buf_puts(&out, "null");
		mg_buf_puts(&out, ",\"reference_intake_mg\":");
		if (isnan(intake))
			mg_buf_puts(&out, "null");
		else
			mg_buf_put_num(&out, intake, 0);
		mg_buf_puts(&out, ",\"top_foods\":[");
		for (size_t k = 0; k < nfoods && k < 5; k++) {
			mg_buf_puts(&out, k ? ",{\"description\":" : "{\"description\":");
			mg_buf_put_json_str(&out, foods[k].name);
			mg_buf_puts(&out, ",\"mg\":");
			mg_buf_put_num(&out, foods[k].mg, 1);
			mg_buf_putc(&out, '}');
		}
		/* What the advice uses: the whole log, not only --from/--to. */
		static const char *const basis[] = {"none", "log", "quiz"};
		mg_buf_printf(&out, "],\"advice_estimate\":{\"basis\":\"%s\",\"mg\":", basis[est.basis]);
		if (isnan(est.mg))
			mg_buf_puts(&out, "null");
		else
			mg_buf_put_num(&out, est.mg, 1);
		mg_buf_printf(&out, ",\"log_days\":%d,\"min_log_days\":%d}}\n", est.log_days, MG_DIET_LOG_MIN_DAYS);
	} else if (!ndays && !mg_food_available()) {
		mg_buf_puts(&out, "No food logged yet, and this build has no food table to log food with "
				  "(docs/food.md).\nEstimate your usual intake in two minutes with 'mgsleep diet quiz'.\n");
	} else if (!ndays) {
		mg_buf_puts(&out, "No food logged yet. Log what you eat with 'mgsleep food log FOOD AMOUNT',\n"
				  "or estimate your usual intake in two minutes with 'mgsleep diet quiz'.\n");
	} else {
		mg_buf_puts(&out, "date        magnesium from food\n");
		for (size_t d = 0; d < ndays; d++) {
			mg_buf_printf(&out, "%-11s %6.0f mg", days[d].name, days[d].mg);
			if (!isnan(intake))
				mg_buf_printf(&out, "   %3.0f %% of %.0f mg", 100 * days[d].mg / intake, intake);
			mg_buf_putc(&out, '\n');
		}
		mg_buf_printf(&out, "Mean %.0f mg a day over %zu day%s.", total / (double)ndays, ndays, ndays == 1 ? "" : "s");
		if (!isnan(intake))
			mg_buf_printf(&out, " Reference intake: %.0f mg (%s), food and supplements together.", intake, kind);
		else
			mg_buf_puts(&out, " Set your profile (age, sex) to compare with a reference intake.");
		mg_buf_puts(&out, "\nTop foods:");
		for (size_t k = 0; k < nfoods && k < 5; k++)
			mg_buf_printf(&out, "%s %s (%.0f mg)", k ? ";" : "", foods[k].name, foods[k].mg);
		mg_buf_printf(&out, ".\nSource: %s.\n", MG_FOOD_DATASET_SHORT);
		advice_note(&out, &est, quiz_date);
	}
	json_decref(rows);
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
out:
	mg_buf_release(&raw);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

/* mg per serving of a quiz item, from the knowledge base's SR28 value, so
 * the quiz works in a build without the food table (test_food checks the
 * values against the table when it is built in). */
struct quiz_opts {
	const char *answers, *date;
};

static const struct cli_option quiz_options[] = {
	CLI_OPT_GROUP("quiz:"),
	CLI_OPT_STRING(struct quiz_opts, answers, "answers", "N,N,...", "one answer (0-6) per question, in order"),
	CLI_OPT_DATE(struct quiz_opts, date, "date", "the day you answered (default today)"),
	CLI_OPT_END(),
};

static int diet_quiz(int argc, char **argv, struct mg_cli *cli)
{
	struct quiz_opts o = {NULL, NULL};
	char date[11] = "";
	int status = EXIT_OK;
	if (cli_parse_options("diet quiz", argc, argv, quiz_options, &o, 0, &status) < 0)
		return status;
	const char *answers = o.answers;
	if (o.date)
		snprintf(date, sizeof date, "%s", o.date);
	else
		cli_today(date);
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	size_t ni, nf;
	const struct mg_diet_item *items = mg_kb_diet_items(kb, &ni);
	const struct mg_diet_freq *freqs = mg_kb_diet_freqs(kb, &nf);
	int ans[24];
	if (answers) {
		const char *s = answers;
		for (size_t k = 0; k < ni; k++) {
			char *end;
			long x = strtol(s, &end, 10);
			if (end == s || x < 0 || x >= (long)nf)
				return cli_error(EXIT_USAGE, "diet quiz question %zu: accepted 0 to %zu (see 'mgsleep diet quiz' "
							     "on a terminal for the options)",
						 k + 1, nf - 1);
			ans[k] = (int)x;
			s = end;
			if (k + 1 < ni && *s++ != ',')
				return cli_error(EXIT_USAGE, "diet quiz: expected %zu answers separated by commas", ni);
		}
		if (*s)
			return cli_error(EXIT_USAGE, "diet quiz: expected %zu answers separated by commas", ni);
	} else if (isatty(STDIN_FILENO)) {
		printf("How often do you usually eat each of these? Think of the last month.\n");
		for (size_t f = 0; f < nf; f++)
			printf("  %zu = %s\n", f, freqs[f].label);
		for (size_t k = 0; k < ni; k++) {
			char line[32];
			for (;;) {
				char prompt[200];
				snprintf(prompt, sizeof prompt, "\n%zu. %s\nYour answer (0-%zu): ", k + 1, items[k].question, nf - 1);
				if (cli_prompt(prompt, line, sizeof line))
					return cli_error(EXIT_USAGE, "diet quiz: answers ended early; nothing saved");
				char *end;
				long x = strtol(line, &end, 10);
				if (end != line && !*end && x >= 0 && x < (long)nf) {
					ans[k] = (int)x;
					break;
				}
				printf("  accepted: a number from 0 to %zu\n", nf - 1);
			}
		}
	} else {
		return cli_error(EXIT_USAGE, "diet quiz: --answers needed when not on a terminal");
	}
	double total = 0;
	struct mg_buf a = MG_BUF_INIT, out = MG_BUF_INIT;
	struct mg_error err = {0};
	if (mg_diet_quiz_score(kb, ans, ni, &total, &a, &err)) {
		mg_buf_release(&a);
		return cli_fail(&err);
	}
	for (size_t k = 0; k < ni; k++) {
		double mg = mg_diet_item_mg(&items[k]) * freqs[ans[k]].per_day;
		if (mg > 0)
			mg_buf_printf(&out, "  %-46s %-22s %4.0f mg a day\n", items[k].portion, freqs[ans[k]].label, mg);
	}
	struct mg_db *db = cli_db_open(cli, MG_DB_CREATE, &status);
	if (db) {
		if (mg_db_begin(db, &err) || mg_db_diet_quiz_add(db, date, a.data, total, &err) || mg_db_commit(db, &err))
			status = cli_fail(&err);
		else
			printf("Your usual magnesium from these foods: about %.0f mg a day.\n%s"
			       "The quiz covers the main magnesium sources only, so your real intake is probably a little\n"
			       "higher. Per-serving values come from %s. Saved: 'mgsleep advise' uses it\n"
			       "until you have logged food on at least %d days.\n",
			       total, out.data ? out.data : "", MG_FOOD_DATASET_SHORT, MG_DIET_LOG_MIN_DAYS);
		mg_db_close(db);
	}
	mg_buf_release(&a);
	mg_buf_release(&out);
	return status;
}

static int diet_suggest(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_error err = {0};
	int status = EXIT_OK;
	const char *kind;
	char source[96];
	double est;
	if (argc > 1)
		return cli_error(EXIT_USAGE, "diet suggest: no options accepted");
	(void)argv;
	const struct mg_kb *kb = cli_kb(cli, &status);
	struct mg_db *db = kb ? cli_db_open(cli, 0, &status) : NULL;
	if (!db)
		return status;
	double intake = reference_intake(cli, db, &kind, &status);
	if (cli_diet_estimate(db, &est, source, sizeof source, &err)) {
		status = cli_fail(&err);
	} else if (isnan(intake)) {
		status = cli_error(EXIT_USAGE, "diet suggest: set your profile first (mgsleep profile set --age ... --sex ...)");
	} else if (isnan(est)) {
		status = cli_error(EXIT_USAGE, "diet suggest: no intake estimate yet; run 'mgsleep diet quiz' or log "
					     "food on at least %d days", MG_DIET_LOG_MIN_DAYS);
	} else if (est >= intake) {
		printf("Your food already gives about %.0f mg a day (from %s), at or above the reference intake of %.0f mg "
		       "(%s). No change needed.\n",
		       est, source, intake, kind);
	} else {
		/* Greedy: the foods with the most magnesium per serving first, one
		 * serving each, until the gap is closed (at most four). */
		size_t ni;
		const struct mg_diet_item *items = mg_kb_diet_items(kb, &ni);
		size_t order[24];
		for (size_t k = 0; k < ni; k++)
			order[k] = k;
		for (size_t x = 1; x < ni; x++)
			for (size_t y = x; y > 0 && mg_diet_item_mg(&items[order[y]]) > mg_diet_item_mg(&items[order[y - 1]]); y--) {
				size_t t = order[y];
				order[y] = order[y - 1];
				order[y - 1] = t;
			}
		double gap = intake - est, added = 0;
		printf("Your food gives about %.0f mg a day (from %s); the reference intake is %.0f mg (%s).\n"
		       "To close the gap of %.0f mg without a supplement, add for example:\n",
		       est, source, intake, kind, gap);
		for (size_t k = 0; k < ni && k < 4 && added < gap; k++) {
			double mg = mg_diet_item_mg(&items[order[k]]);
			printf("  - %s: %.0f mg\n", items[order[k]].portion, mg);
			added += mg;
		}
		printf("That adds about %.0f mg. Values from %s.\n", added, MG_FOOD_DATASET_SHORT);
	}
	mg_db_close(db);
	return status;
}

const struct cli_help cli_help_diet = {
	"usage: mgsleep diet [--from DATE] [--to DATE] [--format text|json]\n"
	"       mgsleep diet quiz [--answers N,N,...] [--date DATE]\n"
	"       mgsleep diet suggest\n"
	"  quiz: 13 questions on how often you eat the main magnesium foods (0 never ... 6 twice a day\n"
	"        or more); asked on a terminal, or --answers with one number per question\n"
	"  suggest: foods, in realistic portions, that would close the gap to your reference intake\n",
	{cli_listing_options, quiz_options},
	NULL,
};

int cmd_diet(int argc, char **argv, struct mg_cli *cli)
{
	if (argc >= 2 && !strcmp(argv[1], "quiz"))
		return diet_quiz(argc - 1, argv + 1, cli);
	if (argc >= 2 && !strcmp(argv[1], "suggest"))
		return diet_suggest(argc - 1, argv + 1, cli);
	return diet_days(argc, argv, cli);
}
