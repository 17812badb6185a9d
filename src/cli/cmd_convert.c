/* mgsleep convert: elemental <-> compound mass, for reading a product label. */
#include "cli.h"

#include <mgsleep/buf.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct convert_opts {
	const char *form, *elem, *comp, *fmt;
};

static const struct cli_option convert_options[] = {
	CLI_OPT_STRING(struct convert_opts, form, "form", "NAME", "the compound; see 'mgsleep forms'"),
	CLI_OPT_STRING(struct convert_opts, elem, "elemental", "MG", "mg of elemental magnesium"),
	CLI_OPT_STRING(struct convert_opts, comp, "compound", "MG", "mg of the compound, as on a label"),
	CLI_OPT_ENUM(struct convert_opts, fmt, "format", cli_text_json, "output (default text)"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_convert = {
	"usage: mgsleep convert --form NAME (--elemental MG | --compound MG) [--format text|json]\n",
	{convert_options},
	NULL,
};

int cmd_convert(int argc, char **argv, struct mg_cli *cli)
{
	struct convert_opts o = {NULL, NULL, NULL, "text"};
	int status = EXIT_OK;
	if (cli_parse_options("convert", argc, argv, convert_options, &o, 0, &status) < 0)
		return status;
	const char *form = o.form, *elem = o.elem, *comp = o.comp, *fmt = o.fmt;
	if (!form || !!elem == !!comp)
		return cli_error(EXIT_USAGE, "convert: needs --form NAME and exactly one of --elemental MG or --compound MG");
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
