/* mgsleep advise: profile (file, flags, or the stored one) -> verdict, dose,
 * report. The latest stored ISI is used when none is given. */
#include "cli.h"

#include <mgsleep/advise.h>
#include <mgsleep/render.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct advise_opts {
	struct mg_render_opts render;
	const char *profile_path;
};

static int advise_option(void *ctx, int argc, char **argv, int *i, int *status)
{
	struct advise_opts *o = ctx;
	const char *v;
	int r;
	if ((r = cli_opt(argc, argv, i, "profile", &v, status)))
		return r; /* read before the flags, see below */
	if ((r = cli_opt(argc, argv, i, "format", &v, status)) > 0) {
		int f = mg_format_parse(v);
		if (f < 0) {
			*status = cli_error(EXIT_USAGE, "--format: unknown format; accepted: text, markdown, json, html");
			return -1;
		}
		o->render.format = (enum mg_format)f;
		return 1;
	}
	if (r)
		return r;
	if ((r = cli_opt(argc, argv, i, "width", &v, status)) > 0) {
		char *end;
		long w = strtol(v, &end, 10);
		if (*end || w < 40 || w > 1000) {
			*status = cli_error(EXIT_USAGE, "--width: accepted: a number of columns from 40 to 1000");
			return -1;
		}
		o->render.width = (int)w;
	}
	return r;
}

/* No profile input at all: the stored profile, if there is a store. */
static int stored_profile(struct mg_cli *cli, const struct mg_kb *kb, struct mg_profile *p, struct mg_db *db,
			  int *status)
{
	struct mg_error err = {0};
	char *json = NULL;
	int r = mg_db_profile_get(db, &json, &err);
	if (r) {
		*status = cli_fail(&err);
		return -1;
	}
	if (!json) {
		*status = cli_error(EXIT_USAGE, "advise: no profile stored in '%s'; give options (see 'mgsleep help "
						"advise') or run 'mgsleep profile set ...'",
				    cli_db_path(cli));
		return -1;
	}
	r = mg_profile_load_json(p, kb, json, strlen(json), &err);
	free(json);
	if (r) {
		*status = cli_error(EXIT_FAIL, "stored profile: %s", err.msg);
		return -1;
	}
	return 0;
}

int cmd_advise(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_profile p;
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	struct mg_advice *a = NULL;
	struct advise_opts o = {{MG_FMT_TEXT, 0, 0, MGSLEEP_VERSION}, NULL};
	struct mg_db *db = NULL;
	int status = EXIT_OK;
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	mg_profile_init(&p);
	/* The file first, so that flags override it wherever they appear. */
	for (int i = 1; i < argc; i++) {
		const char *v;
		int r = cli_opt(argc, argv, &i, "profile", &v, &status);
		if (r < 0)
			goto out;
		if (r > 0)
			o.profile_path = v;
	}
	if (o.profile_path && cli_profile_file(o.profile_path, kb, &p, &status))
		goto out;
	if (cli_profile_flags(argc, argv, kb, &p, advise_option, &o, &status))
		goto out;
	/* The store is used only when it exists: advice never creates one. */
	if (access(cli_db_path(cli), F_OK) == 0) {
		if (!(db = cli_db_open(cli, 0, &status)))
			goto out;
		if (mg_profile_is_empty(&p) && !o.profile_path && stored_profile(cli, kb, &p, db, &status))
			goto out;
		/* Dietary intake and ISI when none was given: the usual-intake
		 * estimate and the latest ISI, as every command that advises. */
		if (cli_enrich_profile(db, &p, &err)) {
			status = cli_fail(&err);
			goto out;
		}
	}
	if (!(a = malloc(sizeof *a))) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (!o.render.width && getenv("COLUMNS"))
		o.render.width = atoi(getenv("COLUMNS"));
	o.render.color = o.render.format == MG_FMT_TEXT && isatty(STDOUT_FILENO);
	if (mg_advise(kb, &p, a, &err) || mg_render_advice(a, &o.render, &out, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	status = cli_write(out.data, out.len);
out:
	mg_db_close(db);
	free(a);
	mg_buf_release(&out);
	return status;
}
