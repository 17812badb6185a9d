/* mgsleep diary: the logged nights as a table (text), JSON or CSV. */
#include "cli.h"

#include <mgsleep/night.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void hm(struct mg_buf *b, json_t *v)
{
	long long m = json_integer_value(v);
	mg_buf_printf(b, "%lld:%02lld", m / 60, m % 60);
}

int cmd_diary(int argc, char **argv, struct mg_cli *cli)
{
	const char *from = NULL, *to = NULL, *fmt = "text", *v;
	struct mg_error err = {0};
	struct mg_buf raw = MG_BUF_INIT, out = MG_BUF_INIT;
	int status = EXIT_OK;
	for (int i = 1; i < argc; i++) {
		int r;
		int32_t d;
		const char **slot = NULL;
		if ((r = cli_opt(argc, argv, &i, "from", &v, &status)) > 0)
			slot = &from;
		else if (!r && (r = cli_opt(argc, argv, &i, "to", &v, &status)) > 0)
			slot = &to;
		if (slot) {
			if (mg_date_parse(v, &d))
				return cli_error(EXIT_USAGE, "--%s: accepted: a date YYYY-MM-DD", slot == &from ? "from" : "to");
			*slot = v;
		} else if (!r && (r = cli_opt(argc, argv, &i, "format", &v, &status)) > 0) {
			if (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "csv"))
				return cli_error(EXIT_USAGE, "--format: accepted: text, json, csv");
			fmt = v;
		}
		if (r < 0)
			return status;
		if (r == 0)
			return cli_error(EXIT_USAGE, "diary: unknown option '%s'; accepted: --from, --to, --format", argv[i]);
	}
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (mg_db_nights_json(db, from, to, &raw, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	if (!strcmp(fmt, "json")) {
		mg_buf_putc(&raw, '\n');
		status = cli_write(raw.data, raw.len);
		goto out;
	}
	json_t *nights = json_loadb(raw.data, raw.len, 0, NULL), *n;
	size_t i;
	int csv = !strcmp(fmt, "csv");
	mg_buf_puts(&out, csv ? "date,bed,try_sleep,final_wake,out_of_bed,tib_min,tst_min,se_pct,sol_min,waso_min,"
				"awakenings,terminal_wake_min,quality,mg_elemental_mg\n"
			      : "date        bed    up     in bed  asleep  SE %   SOL  WASO  wakes  quality  Mg mg\n");
	json_array_foreach(nights, i, n) {
		json_t *e = json_object_get(n, "entry"), *mg = json_object_get(n, "mg_elemental_mg");
		if (csv) {
			mg_buf_printf(&out, "%s,%s,%s,%s,%s,%lld,%lld,%.1f,%lld,%lld,%lld,%lld,", str(n, "date"), str(e, "bed"),
				      str(e, "try_sleep"), str(e, "final_wake"), str(e, "out_of_bed"),
				      json_integer_value(json_object_get(n, "tib")), json_integer_value(json_object_get(n, "tst")),
				      json_number_value(json_object_get(n, "se")), json_integer_value(json_object_get(n, "sol")),
				      json_integer_value(json_object_get(n, "waso")),
				      json_integer_value(json_object_get(e, "awakenings")),
				      json_integer_value(json_object_get(n, "terminal_wake")));
			if (json_object_get(e, "quality"))
				mg_buf_printf(&out, "%lld", json_integer_value(json_object_get(e, "quality")));
			mg_buf_putc(&out, ',');
			if (json_is_number(mg))
				mg_buf_put_num(&out, json_number_value(mg), 1);
			mg_buf_putc(&out, '\n');
			continue;
		}
		mg_buf_printf(&out, "%-11s %-6s %-6s ", str(n, "date"), str(e, "bed"), str(e, "out_of_bed"));
		hm(&out, json_object_get(n, "tib"));
		mg_buf_puts(&out, "    ");
		hm(&out, json_object_get(n, "tst"));
		mg_buf_printf(&out, "    %5.1f  %3lld  %4lld  %5lld  ", json_number_value(json_object_get(n, "se")),
			      json_integer_value(json_object_get(n, "sol")), json_integer_value(json_object_get(n, "waso")),
			      json_integer_value(json_object_get(e, "awakenings")));
		if (json_object_get(e, "quality"))
			mg_buf_printf(&out, "%7lld  ", json_integer_value(json_object_get(e, "quality")));
		else
			mg_buf_puts(&out, "      -  ");
		if (json_is_number(mg))
			mg_buf_put_num(&out, json_number_value(mg), 0);
		else
			mg_buf_putc(&out, '-');
		mg_buf_putc(&out, '\n');
	}
	if (!csv)
		mg_buf_printf(&out, "%zu night%s. Times are HH:MM; durations h:mm; SOL and WASO in minutes.\n",
			      json_array_size(nights), json_array_size(nights) == 1 ? "" : "s");
	json_decref(nights);
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
out:
	mg_buf_release(&raw);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}
