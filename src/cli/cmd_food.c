/* mgsleep food search TEXT and mgsleep food log FOOD AMOUNT: the USDA table
 * (issue 6) and the food log. */
#include "cli.h"

#include <mgsleep/buf.h>
#include <mgsleep/food.h>
#include <mgsleep/night.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "1 oz (23 whole kernels) (28.35 g): 76.5 mg" for the food's first portion. */
static void portion_line(struct mg_buf *b, const struct mg_food *f)
{
	struct mg_food_portion p;
	if (!f->n_portions || mg_food_portion(f, 0, &p))
		return;
	mg_buf_put_num(b, p.amount, 3);
	mg_buf_printf(b, " %s (", p.unit);
	mg_buf_put_num(b, p.grams, 1);
	mg_buf_puts(b, " g): ");
	mg_buf_put_num(b, mg_food_mg(f, p.grams), 1);
	mg_buf_puts(b, " mg");
}

/* Close matches for an unknown food: search each word on its own. */
static void cli_food_close_matches(const char *query, struct mg_buf *b)
{
	char word[64];
	int listed = 0;
	for (const char *s = query; *s && listed < 5;) {
		size_t n = strcspn(s, " ,");
		if (n && n < sizeof word) {
			struct mg_food_hit hits[3];
			memcpy(word, s, n);
			word[n] = '\0';
			int k = mg_food_search(word, hits, 3);
			for (int i = 0; i < k && i < 3 && listed < 5; i++) {
				struct mg_food f;
				mg_food_get(hits[i].index, &f);
				mg_buf_printf(b, "%s%s (%s)", listed++ ? "; " : "", f.description, f.ndb);
			}
		}
		s += n;
		while (*s == ' ' || *s == ',')
			s++;
	}
	if (!listed)
		mg_buf_puts(b, "none; try a simpler word such as 'spinach' or 'almonds'");
}

/* One line when this build has no food table (mg_food_available). */
static int cli_food_not_built_in(const char *what)
{
	return cli_error(EXIT_FAIL, "%s: the USDA food table is not built in; rebuild with "
				    "FOOD_DATA=PATH/usda-sr-legacy-magnesium.csv make (docs/food.md); meanwhile the advice "
				    "can use your diet from 'mgsleep diet quiz' or 'mgsleep advise --diet-mg MG'",
			 what);
}

int cli_food_resolve(const char *text, struct mg_food *f, int *status)
{
	if (!mg_food_available())
		return *status = cli_food_not_built_in("food log");
	if (strlen(text) <= 5 && strspn(text, "0123456789") == strlen(text) && *text) {
		if (mg_food_find_ndb(text, f))
			return *status = cli_error(EXIT_USAGE, "food: no food with this NDB number in %s",
						   MG_FOOD_DATASET_SHORT);
		return 0;
	}
	struct mg_food_hit hit;
	int n = mg_food_search(text, &hit, 1);
	if (n <= 0) {
		struct mg_buf b = MG_BUF_INIT;
		cli_food_close_matches(text, &b);
		*status = cli_error(EXIT_USAGE, "food: no food matches all the words; close matches: %s",
				    b.data ? b.data : "none");
		mg_buf_release(&b);
		return -1;
	}
	mg_food_get(hit.index, f);
	return 0;
}

struct search_opts {
	long limit;
	const char *format;
};

static const struct cli_option search_options[] = {
	CLI_OPT_GROUP("search:"),
	CLI_OPT_NUMBER(struct search_opts, limit, "limit", "N", 1, 100, NULL, "at most N foods (default 10)"),
	CLI_OPT_ENUM(struct search_opts, format, "format", cli_text_json, "output (default text)"),
	CLI_OPT_END(),
};

struct log_opts {
	const char *date;
};

static const struct cli_option log_options[] = {
	CLI_OPT_GROUP("log:"),
	CLI_OPT_DATE(struct log_opts, date, "date", "the day you ate it (default today)"),
	CLI_OPT_END(),
};

static const struct cli_option list_options[] = {
	CLI_OPT_GROUP("list:"),
	CLI_OPT_INCLUDE_SAME(cli_listing_options),
	CLI_OPT_END(),
};

const struct cli_help cli_help_food = {
	"usage: mgsleep food search WORDS [--limit N] [--format text|json]\n"
	"       mgsleep food log FOOD AMOUNT [--date DATE]\n"
	"       mgsleep food list [--from DATE] [--to DATE] [--format text|json]\n"
	"       mgsleep food delete ID\n"
	"  FOOD is words to search (the best match is used) or an NDB number such as 12061\n"
	"  AMOUNT is grams (30g), a portion of the table (1 cup, 1 oz, 2 tbsp) or a count (2)\n"
	"  list: the logged foods with their ids; delete ID removes one (kept in the audit table)\n",
	{search_options, log_options, list_options},
	NULL,
};

static int food_search(int argc, char **argv)
{
	struct mg_buf q = MG_BUF_INIT, out = MG_BUF_INIT;
	struct search_opts o = {10, "text"};
	int status = EXIT_OK;
	int nwords = cli_parse_options("food search", argc, argv, search_options, &o, CLI_PARSE_ARGS, &status);
	if (nwords < 0)
		return status;
	long limit = o.limit;
	int json = !strcmp(o.format, "json");
	for (int i = 0; i < nwords; i++)
		mg_buf_printf(&q, "%s%s", q.len ? " " : "", argv[i]);
	if (!q.len)
		return cli_error(EXIT_USAGE, "food search: needs some words, e.g. 'mgsleep food search spinach'");
	struct mg_food_hit hits[100];
	int n = mg_food_search(q.data, hits, (size_t)limit);
	mg_buf_release(&q);
	if (n == MG_ENODATA)
		return cli_food_not_built_in("food search");
	if (n < 0)
		return cli_error(EXIT_USAGE, "food search: accepted: 1 to 16 words");
	int shown = n < limit ? n : (int)limit;
	if (json)
		mg_buf_putc(&out, '[');
	for (int i = 0; i < shown; i++) {
		struct mg_food f;
		mg_food_get(hits[i].index, &f);
		if (json) {
			mg_buf_printf(&out, "%s{\"ndb\":\"%s\",\"description\":", i ? "," : "", f.ndb);
			mg_buf_put_json_str(&out, f.description);
			mg_buf_puts(&out, ",\"mg_per_100g\":");
			mg_buf_put_num(&out, f.mg_per_100g, 1);
			mg_buf_puts(&out, ",\"portions\":[");
			for (size_t k = 0; k < f.n_portions; k++) {
				struct mg_food_portion p;
				mg_food_portion(&f, k, &p);
				mg_buf_puts(&out, k ? ",{\"amount\":" : "{\"amount\":");
				mg_buf_put_num(&out, p.amount, 3);
				mg_buf_puts(&out, ",\"unit\":");
				mg_buf_put_json_str(&out, p.unit);
				mg_buf_puts(&out, ",\"grams\":");
				mg_buf_put_num(&out, p.grams, 2);
				mg_buf_puts(&out, ",\"mg\":");
				mg_buf_put_num(&out, mg_food_mg(&f, p.grams), 1);
				mg_buf_putc(&out, '}');
			}
			mg_buf_puts(&out, "]}");
		} else {
			mg_buf_printf(&out, "%s  %s\n       ", f.ndb, f.description);
			mg_buf_put_num(&out, f.mg_per_100g, 1);
			mg_buf_puts(&out, " mg per 100 g");
			if (f.n_portions) {
				mg_buf_puts(&out, "; ");
				portion_line(&out, &f);
			}
			mg_buf_putc(&out, '\n');
		}
	}
	if (json)
		mg_buf_puts(&out, "]\n");
	else if (!n)
		mg_buf_puts(&out, "No food matches all the words.\n");
	else
		mg_buf_printf(&out, "%d match%s%s. Source: %s.\n", n, n == 1 ? "" : "es",
			      n > shown ? " (use --limit to see more)" : "", MG_FOOD_DATASET_SHORT);
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
	mg_buf_release(&out);
	return status;
}

static int food_log(int argc, char **argv, struct mg_cli *cli)
{
	struct log_opts o = {NULL};
	char date[11] = "";
	int status = EXIT_OK;
	int npos = cli_parse_options("food log", argc, argv, log_options, &o, CLI_PARSE_ARGS, &status);
	if (npos < 0)
		return status;
	if (npos != 2)
		return cli_error(EXIT_USAGE, "food log: needs FOOD and AMOUNT, e.g. mgsleep food log almonds '1 oz'");
	const char *pos[2] = {argv[0], argv[1]};
	if (o.date)
		snprintf(date, sizeof date, "%s", o.date);
	else
		cli_today(date);
	struct mg_food f;
	struct mg_error err = {0};
	double grams;
	if (cli_food_resolve(pos[0], &f, &status))
		return status;
	if (mg_food_portion_grams(&f, pos[1], &grams, &err))
		return cli_error(EXIT_USAGE, "AMOUNT for %s: %s", f.description, err.msg);
	double mg = mg_food_mg(&f, grams);
	struct mg_db_food rec = {date, f.ndb, f.description, pos[1], grams, mg};
	struct mg_db *db = cli_db_open(cli, MG_DB_CREATE, &status);
	if (!db)
		return status;
	if (mg_db_begin(db, &err) || mg_db_food_add(db, &rec, cli_now(), &err) || mg_db_commit(db, &err))
		status = cli_fail(&err);
	else
		printf("Logged %s (%.0f g) of %s [%s] on %s: %.1f mg magnesium.\n", pos[1], grams, f.description, f.ndb,
		       date, mg);
	mg_db_close(db);
	return status;
}

/* mgsleep food list [--from DATE] [--to DATE] [--format text|json]: the
 * logged foods with the ids that food delete takes. */
static int food_list(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_error err = {0};
	struct mg_buf raw = MG_BUF_INIT, out = MG_BUF_INIT;
	int status = EXIT_OK;
	struct cli_listing l = {NULL, NULL, "text"};
	if (cli_parse_options("food list", argc, argv, list_options, &l, 0, &status) < 0)
		return status;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (mg_db_food_json(db, l.from, l.to, &raw, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	if (!strcmp(l.format, "json")) {
		mg_buf_add(&out, raw.data, raw.len);
		mg_buf_putc(&out, '\n');
	} else {
		json_t *rows = json_loadb(raw.data, raw.len, 0, NULL), *e;
		size_t i;
		if (!json_array_size(rows))
			mg_buf_puts(&out, "No food logged. Log what you eat with 'mgsleep food log FOOD AMOUNT'.\n");
		else
			mg_buf_puts(&out, "id     date        magnesium  amount and food\n");
		json_array_foreach(rows, i, e) {
			mg_buf_printf(&out, "%-6lld %-10s %7.1f mg  %s (%.0f g) of %s [%s]\n",
				      (long long)json_integer_value(json_object_get(e, "id")),
				      json_string_value(json_object_get(e, "date")),
				      json_number_value(json_object_get(e, "mg")), json_string_value(json_object_get(e, "amount")),
				      json_number_value(json_object_get(e, "grams")),
				      json_string_value(json_object_get(e, "description")),
				      json_string_value(json_object_get(e, "ndb")));
		}
		if (json_array_size(rows))
			mg_buf_puts(&out, "Delete an entry with 'mgsleep food delete ID'.\n");
		json_decref(rows);
	}
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
out:
	mg_buf_release(&raw);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

/* mgsleep food delete ID: one logged food, in one transaction. */
static int food_delete(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_error err = {0};
	int status = EXIT_OK;
	if (argc != 2 || !argv[1][0] || strspn(argv[1], "0123456789") != strlen(argv[1]) || strlen(argv[1]) > 18)
		return cli_error(EXIT_USAGE, "food delete: ID: accepted: one entry id, a whole number from 'mgsleep food list'");
	long long id = strtoll(argv[1], NULL, 10);
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (mg_db_begin(db, &err) || mg_db_food_delete(db, id, cli_now(), &err) || mg_db_commit(db, &err))
		status = cli_fail(&err);
	else
		printf("Deleted logged food %lld (kept in the audit table until 'mgsleep log --purge-audit').\n", id);
	mg_db_close(db);
	return status;
}

int cmd_food(int argc, char **argv, struct mg_cli *cli)
{
	if (argc >= 2 && !strcmp(argv[1], "search"))
		return food_search(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "log"))
		return food_log(argc - 1, argv + 1, cli);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return food_list(argc - 1, argv + 1, cli);
	if (argc >= 2 && !strcmp(argv[1], "delete"))
		return food_delete(argc - 1, argv + 1, cli);
	return cli_error(EXIT_USAGE, "food: accepted subcommands: search, log, list, delete");
}
