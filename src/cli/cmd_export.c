/* mgsleep export: everything in the store, as one JSON document. */
#include "cli.h"

#include <mgsleep/night.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/stats.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The active trial's result for the FHIR export, as of today; NULL if there
 * is no trial or too few pairs. -1 with *status set on error. */
static int fhir_trial(struct mg_cli *cli, struct mg_db *db, struct mg_report_trial *rt, char *order,
		      const struct mg_report_trial **use, int *status)
{
	char today[11];
	int32_t d;
	*use = NULL;
	cli_today(today);
	mg_date_parse(today, &d);
	const struct mg_kb *kb = cli_kb(cli, status);
	if (!kb)
		return -1;
	int r = cli_trial_report(db, kb, d, rt, order, status);
	if (r < 0)
		return -1;
	if (r == 0 && !rt->too_few)
		*use = rt;
	return 0;
}

int cmd_export(int argc, char **argv, struct mg_cli *cli)
{
	const char *fmt = "json", *outpath = NULL, *v;
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	struct mg_buf fhir = MG_BUF_INIT;
	int status = EXIT_OK;
	struct mg_report_trial *rt = NULL;
	const struct mg_report_trial *use = NULL;
	char order[2 * MG_NOF1_MAX_PAIRS];
	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = cli_opt(argc, argv, &i, "format", &v, &status)) > 0)
			fmt = v;
		else if (!r && (r = cli_opt(argc, argv, &i, "out", &v, &status)) > 0)
			outpath = v;
		if (r < 0)
			return status;
		if (r == 0)
			return cli_unknown("export", i, "accepted: --format json|csv|fhir, --out FILE");
	}
	if (strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "fhir"))
		return cli_error(EXIT_USAGE, "--format: accepted: json, csv, fhir");
	if (!strcmp(fmt, "csv") && !outpath)
		return cli_error(EXIT_USAGE, "--out: needed with --format csv (a new folder for one CSV file per table)");
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (mg_db_export_json(db, &out, &err)) {
		status = cli_fail(&err);
	} else if (!strcmp(fmt, "csv")) {
		cli_export_csv(out.data, outpath, &status);
	} else if (!strcmp(fmt, "fhir") && (!(rt = malloc(sizeof *rt)) || fhir_trial(cli, db, rt, order, &use, &status) ||
					    cli_export_fhir(out.data, use, &fhir, &status))) {
		/* fhir_trial or cli_export_fhir said why */
		if (!rt)
			status = cli_error(EXIT_FAIL, "out of memory");
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
	free(rt);
	mg_buf_release(&out);
	mg_buf_release(&fhir);
	mg_db_close(db);
	return status;
}
