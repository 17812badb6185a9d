/* mgsleep convert: elemental <-> compound mass, for reading a product label. */
#include "cli.h"

#include <mgsleep/buf.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cmd_convert(int argc, char **argv, struct mg_cli *cli)
{
	const char *form = NULL, *elem = NULL, *comp = NULL, *fmt = "text", *v;
	int status = EXIT_OK;
	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = cli_opt(argc, argv, &i, "form", &v, &status)) > 0)
			form = v;
		else if (!r && (r = cli_opt(argc, argv, &i, "elemental", &v, &status)) > 0)
			elem = v;
		else if (!r && (r = cli_opt(argc, argv, &i, "compound", &v, &status)) > 0)
			comp = v;
		else if (!r && (r = cli_opt(argc, argv, &i, "format", &v, &status)) > 0)
			fmt = v;
		if (r < 0)
			return status;
		if (r == 0)
			return cli_unknown("convert", i, "accepted: --form, --elemental, --compound, --format");
	}
	if (!form || !!elem == !!comp)
		return cli_error(EXIT_USAGE, "convert: needs --form NAME and exactly one of --elemental MG or --compound MG");
	if (strcmp(fmt, "text") && strcmp(fmt, "json"))
		return cli_error(EXIT_USAGE, "--format: accepted: text, json");
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	const struct mg_compound *c = mg_kb_find_compound(kb, form);
	if (!c)
		return cli_error(EXIT_USAGE, "--form: unknown form; accepted: %s", mg_kb_compound_names(kb));
	const char *end;
	double mg;
	if (mg_decimal_parse(elem ? elem : comp, &mg, &end) || *end || mg <= 0 || mg > 100000)
		return cli_error(EXIT_USAGE, "--%s: accepted: mg from 0 to 100000", elem ? "elemental" : "compound");
	double e = elem ? mg : mg_elemental_from_compound(c, mg);
	double k = elem ? mg_compound_from_elemental(c, mg) : mg;
	struct mg_buf b = MG_BUF_INIT;
	if (!strcmp(fmt, "json")) {
		mg_buf_puts(&b, "{\"form\":");
		mg_buf_put_json_str(&b, c->id);
		mg_buf_puts(&b, ",\"elemental_mg\":");
		mg_buf_put_num(&b, e, 1);
		mg_buf_puts(&b, ",\"compound_mg\":");
		mg_buf_put_num(&b, k, 1);
		mg_buf_printf(&b, ",\"elemental_fraction\":%.5f}\n", c->fraction);
	} else {
		mg_buf_put_num(&b, e, 1);
		mg_buf_puts(&b, " mg elemental magnesium = ");
		mg_buf_put_num(&b, k, 1);
		mg_buf_printf(&b, " mg %s\n(%s, %.2f %% magnesium by mass; compound = elemental / %.5f)\n", c->name,
			      c->formula, c->fraction * 100, c->fraction);
	}
	status = b.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(b.data, b.len);
	mg_buf_release(&b);
	return status;
}
