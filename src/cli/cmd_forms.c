/* mgsleep forms: the compound table from the knowledge base. */
#include "cli.h"

#include <mgsleep/buf.h>
#include <mgsleep/render.h>

#include <string.h>

struct forms_opts {
	const char *format;
};

static const struct cli_option forms_options[] = {
	CLI_OPT_ENUM(struct forms_opts, format, "format", cli_text_json, "output (default text)"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_forms = {"usage: mgsleep forms [--format text|json]\n", {forms_options}, NULL};

int cmd_forms(int argc, char **argv, struct mg_cli *cli)
{
	struct forms_opts o = {"text"};
	int status = EXIT_OK;
	if (cli_parse_options("forms", argc, argv, forms_options, &o, 0, &status) < 0)
		return status;
	int json = !strcmp(o.format, "json");
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	struct mg_buf b = MG_BUF_INIT;
	size_t n = mg_kb_compound_count(kb);
	if (json)
		mg_buf_putc(&b, '[');
	else
		mg_buf_puts(&b, "form                 Mg %    mg compound per 100 mg Mg   for sleep\n");
	for (size_t i = 0; i < n; i++) {
		const struct mg_compound *c = mg_kb_compound(kb, i);
		if (json) {
			mg_forms_json_one(kb, c, i, &b);
		} else {
			mg_buf_printf(&b, "%-20s %5.2f   %6.0f                      %s\n", c->id, c->fraction * 100,
				      100 / c->fraction, mg_sleep_use_name(c->use));
			mg_buf_printf(&b, "  %s. GI: %s Sleep: %s [", c->name, c->gi, c->sleep_evidence);
			for (unsigned k = 0; k < c->refs.n; k++)
				mg_buf_printf(&b, "%s%s", k ? ", " : "", mg_kb_source(kb, c->refs.idx[k])->id);
			mg_buf_puts(&b, "]\n");
		}
	}
	mg_buf_puts(&b, json ? "]\n" : "\nElemental % is computed from each formula. Sources: 'mgsleep kb info'.\n"
				     "This is information, not medical advice.\n");
	status = b.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(b.data, b.len);
	mg_buf_release(&b);
	return status;
}
