/* mgsleep export: everything in the store, as one JSON document. */
#include "cli.h"

#include <mgsleep/night.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	const struct mg_kb *kb = NULL;
	if (cli_parse_options("export", argc, argv, export_options, &o, 0, &status) < 0)
		return status;
	const char *fmt = o.format, *outpath = o.out;
	if (!strcmp(fmt, "csv") && !outpath)
		return cli_error(EXIT_USAGE, "--out: needed with --format csv (a new folder for one CSV file per table)");
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	/* FHIR reads the profile and questionnaires of the export, and the nights itself */
	if ((!strcmp(fmt, "fhir") ? mg_db_export_profile_json : mg_db_export_json)(db, &out, &err)) {
		status = cli_fail(&err);
	} else if (!strcmp(fmt, "csv")) {
		cli_export_csv(out.data, outpath, &status);
	} else if (!strcmp(fmt, "fhir") && (!(kb = cli_kb(cli, &status)) ||
					    cli_export_fhir_e(db, kb, out.data, &fhir, &err))) {
		if (kb)
			status = cli_fail(&err);
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
	mg_buf_release(&out);
	mg_buf_release(&fhir);
	mg_db_close(db);
	return status;
}
