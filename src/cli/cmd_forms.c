/* mgsleep forms: the compound table from the knowledge base. */
#include "cli.h"

#include <mgsleep/buf.h>
#include <mgsleep/render.h>

#include <string.h>

static const char *const use_names[] = {"preferred", "acceptable", "avoid"};

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
			mg_buf_puts(&b, i ? ",{\"id\":" : "{\"id\":");
			mg_buf_put_json_str(&b, c->id);
			mg_buf_puts(&b, ",\"name\":");
			mg_buf_put_json_str(&b, c->name);
			mg_buf_puts(&b, ",\"formula\":");
			mg_buf_put_json_str(&b, c->formula);
			mg_buf_printf(&b, ",\"molar_mass\":%.2f,\"elemental_percent\":%.2f", c->molar_mass,
				      c->fraction * 100);
			mg_buf_puts(&b, ",\"compound_mg_per_100mg_elemental\":");
			mg_buf_put_num(&b, 100 / c->fraction, 0);
			mg_buf_puts(&b, ",\"sleep_use\":");
			mg_buf_put_json_str(&b, use_names[c->use]);
			mg_buf_puts(&b, ",\"gi\":");
			mg_buf_put_json_str(&b, c->gi);
			mg_buf_puts(&b, ",\"sleep_evidence\":");
			mg_buf_put_json_str(&b, c->sleep_evidence);
			mg_buf_puts(&b, ",\"refs\":[");
			for (unsigned k = 0; k < c->refs.n; k++) {
				if (k)
					mg_buf_putc(&b, ',');
				mg_buf_put_json_str(&b, mg_kb_source(kb, c->refs.idx[k])->id);
			}
			mg_buf_puts(&b, "]}");
		} else {
			mg_buf_printf(&b, "%-20s %5.2f   %6.0f                      %s\n", c->id, c->fraction * 100,
				      100 / c->fraction, use_names[c->use]);
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
