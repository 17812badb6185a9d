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
	struct mg_error err = {0};
	struct mg_buf raw = MG_BUF_INIT, out = MG_BUF_INIT;
	int status = EXIT_OK;
	struct cli_listing l = {NULL, NULL, "text"};
	static const char *const formats[] = {"text", "json", "csv", NULL};
	if (cli_listing_options(argc, argv, formats, &l, &status))
		return status;
	const char *from = l.from, *to = l.to, *fmt = l.format;
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
