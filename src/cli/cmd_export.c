/* mgsleep export: everything in the store, as one JSON document. */
#include "cli.h"

#include <mgsleep/fhir.h>
#include <mgsleep/night.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/stats.h>

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every trial in the store, analysed as of today, for the FHIR export
 * (nothing lost: replaced and finished trials too). *list and *rts are the
 * caller's to free; -1 with *status set on error. */
static int fhir_trials(struct mg_cli *cli, struct mg_db *db, struct mg_fhir_trial **list,
		       struct mg_report_trial **rts, char (**orders)[2 * MG_NOF1_MAX_PAIRS], size_t *n, int *status)
{
	char today[11];
	int32_t d;
	struct mg_error err = {0};
	struct mg_buf b = MG_BUF_INIT;
	*n = 0;
	cli_today(today);
	mg_date_parse(today, &d);
	const struct mg_kb *kb = cli_kb(cli, status);
	if (!kb)
		return -1;
	if (mg_db_trial_list_json(db, &b, &err)) {
		mg_buf_release(&b);
		*status = cli_fail(&err);
		return -1;
	}
	json_t *arr = b.failed ? NULL : json_loadb(b.data ? b.data : "[]", b.data ? b.len : 2, 0, NULL);
	mg_buf_release(&b);
	size_t m = json_array_size(arr);
	*list = calloc(m + 1, sizeof **list);
	*rts = calloc(m + 1, sizeof **rts);
	*orders = calloc(m + 1, sizeof **orders);
	int rc = 0;
	if (!arr || !*list || !*rts || !*orders) {
		*status = cli_error(EXIT_FAIL, "out of memory");
		rc = -1;
	}
	for (size_t i = 0; !rc && i < m; i++) {
		json_t *row = json_array_get(arr, i);
		long long id = json_integer_value(json_object_get(row, "id"));
		if (cli_trial_report_id(db, kb, id, d, &(*rts)[i], (*orders)[i], status) < 0) {
			rc = -1;
			break;
		}
		const char *st = json_string_value(json_object_get(row, "status"));
		(*list)[*n].rt = &(*rts)[i];
		(*list)[*n].id = id;
		(*list)[*n].replaced = st && !strcmp(st, "replaced");
		(*n)++;
	}
	json_decref(arr);
	return rc;
}

struct export_opts {
	const char *format, *out;
};

static const char *const export_formats[] = {"json", "csv", "fhir", NULL};

static const struct cli_option export_options[] = {
	CLI_OPT_ENUM(struct export_opts, format, "format", export_formats,
		     "json (default); csv: one file per table in --out NEW_FOLDER;\n"
		     "fhir: an HL7 FHIR R4 Bundle (JSON) to share with a clinician (docs/fhir.md)"),
	CLI_OPT_STRING(struct export_opts, out, "out", "FILE", "write to FILE, which must not exist (default: standard output)"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_export = {
	"usage: mgsleep export [--format json|fhir] [--out FILE]\n"
	"       mgsleep export --format csv --out NEW_FOLDER\n",
	{export_options},
	NULL,
};

int cmd_export(int argc, char **argv, struct mg_cli *cli)
{
	struct export_opts o = {"json", NULL};
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	struct mg_buf fhir = MG_BUF_INIT;
	int status = EXIT_OK;
	struct mg_report_trial *rts = NULL;
	struct mg_fhir_trial *trials = NULL;
	char(*orders)[2 * MG_NOF1_MAX_PAIRS] = NULL;
	size_t n_trials = 0;
	if (cli_parse_options("export", argc, argv, export_options, &o, 0, &status) < 0)
		return status;
	const char *fmt = o.format, *outpath = o.out;
	if (!strcmp(fmt, "csv") && !outpath)
		return cli_error(EXIT_USAGE, "--out: needed with --format csv (a new folder for one CSV file per table)");
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (mg_db_export_json(db, &out, &err)) {
		status = cli_fail(&err);
	} else if (!strcmp(fmt, "csv")) {
		cli_export_csv(out.data, outpath, &status);
	} else if (!strcmp(fmt, "fhir") && (fhir_trials(cli, db, &trials, &rts, &orders, &n_trials, &status) ||
					    cli_export_fhir(cli_kb(cli, &status), out.data, trials, n_trials, &fhir, &status))) {
		/* fhir_trials or cli_export_fhir said why */
	} else {
		const struct mg_buf *w = !strcmp(fmt, "fhir") ? &fhir : &out;
		FILE *f = outpath ? fopen(outpath, "wx") : NULL; /* never overwrite an earlier export */
		if (!outpath)
			status = cli_write(w->data, w->len);
		else if (!f)
			status = cli_error(EXIT_FAIL, "--out '%s': cannot create (it must not exist yet)", outpath);
		else if (fwrite(w->data, 1, w->len, f) != w->len || fclose(f))
			status = cli_error(EXIT_FAIL, "--out '%s': write failed", outpath);
	}
	free(rts);
	free(trials);
	free(orders);
	mg_buf_release(&out);
	mg_buf_release(&fhir);
	mg_db_close(db);
	return status;
}
