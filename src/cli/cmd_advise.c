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
	struct cli_profile_flags flags;
	const char *profile, *format;
	long width;
};

static const char *const advise_formats[] = {"text", "markdown", "json", "html", NULL};

static const struct cli_option advise_options[] = {
	CLI_OPT_GROUP("profile options (flags override values from --profile):"),
	CLI_OPT_STRING(struct advise_opts, profile, "profile", "FILE|-", "a profile as JSON (examples/profile.json)"),
	CLI_OPT_INCLUDE(struct advise_opts, flags, struct cli_profile_flags, cli_profile_options),
	CLI_OPT_GROUP("output options:"),
	CLI_OPT_ENUM(struct advise_opts, format, "format", advise_formats, "default text"),
	CLI_OPT_NUMBER(struct advise_opts, width, "width", "COLUMNS", 40, 1000, "a number of columns from 40 to 1000",
		       "wrap text output (default $COLUMNS or 80)"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_advise = {
	"usage: mgsleep advise [--profile FILE|-] [profile options] [--format text|markdown|json|html]\n",
	{advise_options},
	"  --kb DIR                  use a knowledge-base directory instead of the built-in one\n"
	"  --db PATH                 the store (default $MGSLEEP_DB or ~/.local/share/mgsleep/mgsleep.db);\n"
	"                            with no profile options its stored profile and latest ISI are used\n",
};

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
	struct advise_opts o = {.format = "text"};
	struct mg_render_opts render = {MG_FMT_TEXT, 0, 0, MGSLEEP_VERSION};
	struct mg_db *db = NULL;
	int status = EXIT_OK;
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	mg_profile_init(&p);
	if (cli_parse_options("advise", argc, argv, advise_options, &o, 0, &status) < 0)
		goto out;
	render.format = (enum mg_format)mg_format_parse(o.format);
	render.width = (int)o.width;
	if (o.profile && cli_profile_file(o.profile, kb, &p, &status))
		goto out;
	if (cli_profile_apply(&o.flags, kb, &p, &status))
		goto out;
	/* The store is used only when it exists: advice never creates one. */
	if (access(cli_db_path(cli), F_OK) == 0) {
		if (!(db = cli_db_open(cli, 0, &status)))
			goto out;
		if (mg_profile_is_empty(&p) && !o.profile && stored_profile(cli, kb, &p, db, &status))
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
	if (!render.width && getenv("COLUMNS"))
		render.width = atoi(getenv("COLUMNS"));
	render.color = render.format == MG_FMT_TEXT && isatty(STDOUT_FILENO);
	if (mg_advise(kb, &p, a, &err)) {
		/* The library says what is missing; how to give it is the CLI's. */
		status = err.code == MG_EINVAL && !strcmp(err.field, "age")
				 ? cli_error(EXIT_USAGE, "--%s (for the stored profile: mgsleep profile set --age N)",
					     err.msg)
				 : cli_fail(&err);
		goto out;
	}
	if (mg_render_advice(a, &render, &out, &err)) {
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
