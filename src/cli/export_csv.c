/* CSV form of an export: one file per table in a new folder (nights.csv,
 * questionnaires.csv, profile.csv), RFC 4180 quoting, the JSON export's data
 * flattened. The JSON export stays the complete, restorable form. */
#include "cli.h"

#include <mgsleep/buf.h>
#include <mgsleep/night.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void cli_csv_quoted(struct mg_buf *b, const char *s)
{
	mg_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			mg_buf_putc(b, '"');
		mg_buf_putc(b, *s);
	}
	mg_buf_putc(b, '"');
}

/* A text cell, quoted only when it must be. */
static void csv_text(struct mg_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n"))
		mg_buf_puts(b, s);
	else
		cli_csv_quoted(b, s);
}

/* A number cell as jansson writes the JSON export's numbers: whole numbers
 * (stored as JSON integers) bare, others to 17 significant digits; empty
 * when not stored. */
static void csv_num(struct mg_buf *b, double v)
{
	mg_buf_putc(b, ',');
	if (isnan(v))
		return;
	if (v == floor(v) && fabs(v) < 1e15)
		mg_buf_printf(b, "%.0f", v);
	else
		mg_buf_printf(b, "%.17g", v);
}

static void csv_field(struct mg_buf *b, json_t *v, int first)
{
	if (!first)
		mg_buf_putc(b, ',');
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		csv_text(b, json_string_value(v));
		return;
	}
	char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (t) {
		/* arrays and objects become one quoted JSON cell */
		json_t *tmp = json_is_array(v) || json_is_object(v) ? json_string(t) : NULL;
		if (tmp)
			csv_field(b, tmp, 1);
		else
			mg_buf_puts(b, t);
		json_decref(tmp);
	}
	free(t);
}

static int write_file(const char *dir, const char *name, const struct mg_buf *b)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wx");
	if (!f || fwrite(b->data ? b->data : "", 1, b->len, f) != b->len) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

const char *const cli_export_csv_names[CLI_CSV_TABLES] = {"nights.csv", "questionnaires.csv", "profile.csv"};

int cli_export_csv_tables(const char *json, struct mg_buf t[CLI_CSV_TABLES])
{
	static const char *const night_cols[] = {"date", "bed", "try_sleep", "sol_min", "awakenings", "waso_min",
						 "final_wake", "out_of_bed", "quality", "comment", "tags", "nap_min",
						 "utc_offset_evening", "utc_offset_morning"};
	static const char *const metric_cols[] = {"tib", "sol", "waso", "tst", "se", "terminal_wake", "created",
						  "updated"};
	/* The magnesium's columns, from the typed entry (below). */
	static const char *const mg_cols[] = {"form", "elemental_mg", "compound_mg", "time"};
	struct mg_night_entry e;
	json_t *root = json_loads(json, 0, NULL), *v;
	struct mg_buf *n = &t[0], *q = &t[1], *p = &t[2];
	size_t i, k;
	for (k = 0; k < sizeof night_cols / sizeof *night_cols; k++)
		mg_buf_printf(n, "%s%s", k ? "," : "", night_cols[k]);
	for (k = 0; k < sizeof mg_cols / sizeof *mg_cols; k++)
		mg_buf_printf(n, ",mg_%s", mg_cols[k]);
	for (k = 0; k < sizeof metric_cols / sizeof *metric_cols; k++)
		mg_buf_printf(n, ",%s", metric_cols[k]);
	mg_buf_puts(n, "\r\n");
	json_array_foreach(json_object_get(root, "nights"), i, v) {
		/* The entry's own items flattened as stored, each cell as the JSON
		 * export holds it (an item not stored stays an empty cell). */
		json_t *items = json_object_get(v, "entry");
		for (k = 0; k < sizeof night_cols / sizeof *night_cols; k++)
			csv_field(n, json_object_get(k ? items : v, night_cols[k]), k == 0);
		cli_night_entry(v, &e);
		mg_buf_putc(n, ',');
		csv_text(n, e.form);
		csv_num(n, e.elemental_mg);
		csv_num(n, e.compound_mg);
		mg_buf_putc(n, ',');
		csv_text(n, e.time);
		for (k = 0; k < sizeof metric_cols / sizeof *metric_cols; k++)
			csv_field(n, json_object_get(v, metric_cols[k]), 0);
		mg_buf_puts(n, "\r\n");
	}
	mg_buf_puts(q, "kind,date,answers,result\r\n");
	json_array_foreach(json_object_get(root, "questionnaires"), i, v) {
		csv_field(q, json_object_get(v, "kind"), 1);
		csv_field(q, json_object_get(v, "date"), 0);
		csv_field(q, json_object_get(v, "answers"), 0);
		csv_field(q, json_object_get(v, "result"), 0);
		mg_buf_puts(q, "\r\n");
	}
	mg_buf_puts(p, "field,value\r\n");
	const char *key;
	json_object_foreach(json_object_get(root, "profile"), key, v) {
		json_t *kj = json_string(key);
		csv_field(p, kj, 1);
		csv_field(p, v, 0);
		mg_buf_puts(p, "\r\n");
		json_decref(kj);
	}
	json_decref(root);
	return n->failed || q->failed || p->failed ? MG_ENOMEM : 0;
}

int cli_export_csv(const char *json, const char *dir, int *status)
{
	struct mg_buf t[CLI_CSV_TABLES] = {MG_BUF_INIT, MG_BUF_INIT, MG_BUF_INIT};
	if (mkdir(dir, 0700))
		return *status = cli_error(EXIT_USAGE, "--out '%s': cannot create the folder (it must not exist yet): %s",
					   dir, strerror(errno));
	if (cli_export_csv_tables(json, t))
		*status = cli_error(EXIT_FAIL, "out of memory");
	for (int k = 0; k < CLI_CSV_TABLES && *status == EXIT_OK; k++)
		if (write_file(dir, cli_export_csv_names[k], &t[k]))
			*status = cli_error(EXIT_FAIL, "--out '%s': write failed", dir);
	for (int k = 0; k < CLI_CSV_TABLES; k++)
		mg_buf_release(&t[k]);
	return *status;
}
