/* mgsleep advise: profile (file and/or flags) -> verdict, dose, report. */
#include "cli.h"

#include <mgsleep/advise.h>
#include <mgsleep/render.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PROFILE_BYTES (1u << 20)

int cmd_advise(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_profile p;
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	struct mg_advice *a = NULL;
	struct mg_render_opts opts = {MG_FMT_TEXT, 0, 0, MGSLEEP_VERSION};
	const char *profile_path = NULL, *v;
	char *json = NULL;
	int status = EXIT_OK, r;
	const struct mg_kb *kb;

	/* First pass: options that change how the rest is read. */
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt(argc, argv, &i, "kb", &v, &status)) > 0)
			cli->kb_dir = v;
		else if (r == 0 && (r = cli_opt(argc, argv, &i, "profile", &v, &status)) > 0)
			profile_path = v;
		if (r < 0)
			return status;
	}
	if (!(kb = cli_kb(cli, &status)))
		return status;
	mg_profile_init(&p);
	if (profile_path) {
		size_t len;
		if (!(json = cli_read_file(profile_path, MAX_PROFILE_BYTES, &len, "--profile", &status)))
			goto out;
		if (mg_profile_load_json(&p, kb, json, len, &err)) {
			status = cli_error(EXIT_USAGE, "--profile '%s': %s", profile_path, err.msg);
			goto out;
		}
	}
	/* Second pass: flags, in order, overriding the file. */
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if ((r = cli_opt(argc, argv, &i, "kb", &v, &status)) || (r = cli_opt(argc, argv, &i, "profile", &v, &status)))
			continue;
		if ((r = cli_opt(argc, argv, &i, "format", &v, &status)) > 0) {
			int f = mg_format_parse(v);
			if (f < 0) {
				status = cli_error(EXIT_USAGE, "--format: unknown format; accepted: text, markdown, json, html");
				goto out;
			}
			opts.format = (enum mg_format)f;
			continue;
		}
		if (r < 0)
			goto out;
		if ((r = cli_opt(argc, argv, &i, "width", &v, &status)) > 0) {
			char *end;
			long w = strtol(v, &end, 10);
			if (*end || w < 40 || w > 1000) {
				status = cli_error(EXIT_USAGE, "--width: accepted: a number of columns from 40 to 1000");
				goto out;
			}
			opts.width = (int)w;
			continue;
		}
		if (r < 0)
			goto out;
		if (strncmp(arg, "--", 2)) {
			status = cli_error(EXIT_USAGE, "advise: unexpected argument; options start with --, see 'mgsleep help advise'");
			goto out;
		}
		char name[64];
		const char *eq = strchr(arg + 2, '=');
		size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		snprintf(name, sizeof name, "%.*s", (int)n, arg + 2);
		int kind = mg_profile_field_kind(name);
		if (kind == 0) {
			status = cli_error(EXIT_USAGE, "advise: unknown option '--%s'; see 'mgsleep help advise'", name);
			goto out;
		}
		if (kind == 2 && !eq)
			v = NULL;
		else if ((r = cli_opt(argc, argv, &i, name, &v, &status)) < 0)
			goto out;
		if (mg_profile_set(&p, kb, name, v, &err)) {
			status = cli_fail(&err);
			goto out;
		}
	}
	if (mg_profile_check(&p, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	if (!(a = malloc(sizeof *a))) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (!opts.width && getenv("COLUMNS"))
		opts.width = atoi(getenv("COLUMNS"));
	opts.color = opts.format == MG_FMT_TEXT && isatty(STDOUT_FILENO);
	if (mg_advise(kb, &p, a, &err) || mg_render_advice(a, &opts, &out, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	status = cli_write(out.data, out.len);
out:
	free(a);
	free(json);
	mg_buf_release(&out);
	return status;
}
