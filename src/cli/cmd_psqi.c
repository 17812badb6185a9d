/* mgsleep psqi: the Pittsburgh Sleep Quality Index (reference 7.2). */
#include "cli.h"

#include <mgsleep/buf.h>
#include <mgsleep/questionnaire.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ANSWERS_BYTES (64u << 10)

/* Ask every item; the answers as typed are also collected as a JSON object
 * of strings, which mg_psqi_parse_json reads back (stored with the result). */
static int ask(struct mg_psqi_answers *a, struct mg_buf *typed, int *status)
{
	struct mg_error err = {0};
	char line[160];
	printf("%s\n", mg_psqi_instructions());
	for (int i = 0; i < MG_PSQI_ITEMS; i++) {
		const struct mg_psqi_item *it = mg_psqi_item(i);
		printf("\n%s. %s\n", it->number, it->text);
		if (it->anchors)
			for (int s = 0; s < 4; s++)
				printf("   %d = %s\n", s, it->anchors[s]);
		for (;;) {
			if (cli_prompt(it->optional ? "Your answer (Enter to skip): " : "Your answer: ", line, sizeof line)) {
				*status = cli_error(EXIT_USAGE, "psqi: answers ended early; nothing saved");
				return -1;
			}
			if (!line[0] && it->optional)
				break;
			if (!mg_psqi_set(a, it->key, line, &err)) {
				mg_buf_printf(typed, "%s\"%s\":", typed->len > 1 ? "," : "", it->key);
				mg_buf_put_json_str(typed, line);
				break;
			}
			printf("%s\n", err.msg);
		}
	}
	mg_buf_putc(typed, '}');
	return 0;
}

const struct cli_help cli_help_psqi = {
	"usage: mgsleep psqi [--answers FILE|-] [--date DATE] [--format text|json]\n"
	"       mgsleep psqi --history [--format text|json]\n",
	{cli_q_options_psqi},
	NULL,
};

int cmd_psqi(int argc, char **argv, struct mg_cli *cli)
{
	struct cli_q q = {0};
	struct mg_error err = {0};
	struct mg_psqi_answers a;
	struct mg_psqi_result r;
	char *json = NULL;
	int status = EXIT_OK;
	if (cli_q_options(argc, argv, cli_q_options_psqi, &q, &status))
		return status;
	if (q.history)
		return cli_q_history(cli, "psqi", q.json, &status);
	struct mg_buf res = MG_BUF_INIT, ans = MG_BUF_INIT;
	mg_psqi_answers_init(&a);
	if (q.answers) {
		size_t len;
		if (!(json = cli_read_file(q.answers, MAX_ANSWERS_BYTES, &len, "--answers", &status)))
			return status;
		if (mg_psqi_parse_json(json, len, &a, &err)) {
			free(json);
			return cli_fail(&err);
		}
	} else {
		mg_buf_putc(&ans, '{');
		if (ask(&a, &ans, &status)) {
			mg_buf_release(&ans);
			return status;
		}
	}
	if (mg_psqi_score(&a, &r, &err)) {
		free(json);
		mg_buf_release(&ans);
		return cli_fail(&err);
	}
	mg_psqi_result_json(&r, &res);
	if (json)
		mg_buf_puts(&ans, json);
	if (!cli_q_save(cli, "psqi", q.date, ans.data, res.data, &status)) {
		if (q.json) {
			printf("{\"date\":\"%s\",%s\n", q.date, res.data + 1);
		} else {
			printf("Pittsburgh Sleep Quality Index on %s: %d out of 21 (%s).\n", q.date, r.global,
			       r.poor_sleeper ? "poor sleep quality: above 5" : "good sleep quality: 5 or less");
			for (int i = 0; i < 7; i++)
				printf("  C%d %-26s %d\n", i + 1, mg_psqi_component_name(i), r.components[i]);
			/* same rounding as the JSON (half away from zero) */
			printf("Sleep efficiency %.1f %%. Saved.\n", round(r.efficiency_pct * 10) / 10);
		}
	}
	free(json);
	mg_buf_release(&res);
	mg_buf_release(&ans);
	return status;
}
