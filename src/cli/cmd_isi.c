/* mgsleep isi: the Insomnia Severity Index (reference 7.1), scored, stored
 * with its date, and shown over time. */
#include "cli.h"

#include <mgsleep/buf.h>
#include <mgsleep/questionnaire.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static int ask(int items[MG_ISI_ITEMS], int *status)
{
	struct mg_error err = {0};
	char line[64];
	printf("%s\n", mg_isi_instructions());
	for (int i = 1; i <= MG_ISI_ITEMS; i++) {
		printf("\n%d. %s\n", i, mg_isi_item_text(i));
		for (int s = 0; s <= 4; s++)
			printf("   %d = %s\n", s, mg_isi_anchor(i, s));
		for (;;) {
			if (cli_prompt("Your answer (0-4): ", line, sizeof line)) {
				*status = cli_error(EXIT_USAGE, "isi: answers ended early; nothing saved");
				return -1;
			}
			if (!mg_isi_parse_answer(i, line, &items[i - 1], &err))
				break;
			printf("%s\n", err.msg);
		}
	}
	return 0;
}

int cli_q_history_text(const char *kind, const char *json)
{
	json_t *a = json_loads(json, 0, NULL), *e;
	size_t i;
	struct mg_buf b = MG_BUF_INIT;
	int isi = !strcmp(kind, "isi");
	mg_buf_puts(&b, isi ? "date        total  category\n" : "date        global  components (C1-C7)  poor sleeper\n");
	json_array_foreach(a, i, e) {
		json_t *r = json_object_get(e, "result");
		mg_buf_printf(&b, "%-11s ", json_string_value(json_object_get(e, "date")));
		if (isi) {
			mg_buf_printf(&b, "%5lld  %s\n", json_integer_value(json_object_get(r, "total")),
				      json_string_value(json_object_get(r, "category_text")));
		} else {
			json_t *c = json_object_get(r, "components"), *v;
			size_t k;
			mg_buf_printf(&b, "%6lld  ", json_integer_value(json_object_get(r, "global")));
			json_array_foreach(c, k, v) mg_buf_printf(&b, "%lld ", json_integer_value(v));
			mg_buf_printf(&b, "      %s\n", json_is_true(json_object_get(r, "poor_sleeper")) ? "yes" : "no");
		}
	}
	if (!json_array_size(a))
		mg_buf_puts(&b, "(none yet)\n");
	json_decref(a);
	int status = b.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(b.data, b.len);
	mg_buf_release(&b);
	return status;
}

const struct cli_help cli_help_isi = {
	"usage: mgsleep isi [--answers A1,...,A7] [--date DATE] [--format text|json]\n"
	"       mgsleep isi --history [--format text|json]\n",
	{cli_q_options_isi},
	NULL,
};

int cmd_isi(int argc, char **argv, struct mg_cli *cli)
{
	struct cli_q q = {0};
	struct mg_error err = {0};
	struct mg_isi isi;
	int items[MG_ISI_ITEMS], status = EXIT_OK;
	if (cli_q_options(argc, argv, cli_q_options_isi, &q, &status))
		return status;
	if (q.history)
		return cli_q_history(cli, "isi", q.json, &status);
	if (q.answers ? mg_isi_parse(q.answers, items, &err) != 0 : ask(items, &status) != 0)
		return status ? status : cli_fail(&err);
	if (mg_isi_score(items, &isi, &err))
		return cli_fail(&err);

	struct mg_buf ans = MG_BUF_INIT, res = MG_BUF_INIT;
	mg_buf_putc(&ans, '[');
	for (int i = 0; i < MG_ISI_ITEMS; i++)
		mg_buf_printf(&ans, "%s%d", i ? "," : "", items[i]);
	mg_buf_putc(&ans, ']');
	mg_isi_result_json(&isi, &res);
	if (!cli_q_save(cli, "isi", q.date, ans.data, res.data, &status)) {
		if (q.json)
			printf("{\"date\":\"%s\",\"items\":%s,\"total\":%d,\"category\":\"%s\"}\n", q.date, ans.data,
			       isi.total, mg_isi_category_name(isi.category));
		else
			printf("Insomnia Severity Index on %s: %d out of 28 (%s).\n"
			       "Bands: 0-7 none, 8-14 subthreshold, 15-21 moderate, 22-28 severe. A change of about 6 "
			       "points is one people notice.\nSaved; 'mgsleep advise' uses your latest score.\n",
			       q.date, isi.total, mg_isi_category_label(isi.category));
	}
	mg_buf_release(&ans);
	mg_buf_release(&res);
	return status;
}
