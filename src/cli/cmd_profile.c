/* mgsleep profile set|show: the stored profile that `advise` uses. */
#include "cli.h"

#include <mgsleep/medname.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct set_opts {
	struct cli_profile_flags flags;
	const char *file;
	int reset;
};

static const struct cli_option set_options[] = {
	CLI_OPT_BOOL(struct set_opts, reset, "reset", "start from an empty profile instead of the stored one"),
	CLI_OPT_STRING(struct set_opts, file, "profile", "FILE|-", "a profile as JSON; flags override its values"),
	CLI_OPT_GROUP("profile options (as for 'advise'):"),
	CLI_OPT_INCLUDE(struct set_opts, flags, struct cli_profile_flags, cli_profile_options),
	CLI_OPT_END(),
};

const struct cli_help cli_help_profile = {
	"usage: mgsleep profile set [--reset] [--profile FILE|-] [profile options of 'advise']\n"
	"       mgsleep profile show\n",
	{set_options},
	NULL,
};

static int profile_set(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	struct set_opts o = {.file = NULL};
	struct mg_profile p;
	struct mg_error err = {0};
	struct mg_buf json = MG_BUF_INIT;
	char *old = NULL;
	int status = EXIT_OK;
	if (cli_parse_options("profile set", argc, argv, set_options, &o, 0, &status) < 0)
		return status;
	struct mg_db *db = cli_db_open(cli, MG_DB_CREATE, &status);
	if (!db)
		return status;
	mg_profile_init(&p);
	/* Start from what is stored, unless --reset; then the file, then flags. */
	if (!o.reset && mg_db_profile_get(db, &old, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	if (old && mg_profile_load_json(&p, kb, old, strlen(old), &err)) {
		status = cli_error(EXIT_FAIL, "stored profile: %s", err.msg);
		goto out;
	}
	if (o.file && cli_profile_file(o.file, kb, &p, &status))
		goto out;
	if (cli_profile_apply(&o.flags, kb, &p, &status))
		goto out;
	mg_profile_to_json(&p, kb, &json);
	if (json.failed) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (mg_db_begin(db, &err) || mg_db_profile_put(db, json.data, cli_now(), &err) || mg_db_commit(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	printf("Profile saved. 'mgsleep advise' now uses it.\n");
	/* Names are stored as typed; one warning per medicine the KB does not
	 * recognise, by position (never echoing the name), with a suggestion. */
	for (size_t i = 0; i < p.n_meds; i++) {
		struct mg_med_match m;
		mg_kb_match_medicine(kb, p.meds[i], &m);
		if (!m.unrecognised)
			continue;
		fprintf(stderr, "mgsleep: warning: --med item %zu: %s; ", i + 1,
			m.n ? "a part is not recognised" : "not recognised");
		if (m.suggestion)
			fprintf(stderr, "did you mean %s?", m.suggestion);
		else
			fprintf(stderr, "ask a pharmacist whether it interacts with magnesium.");
		fprintf(stderr, " %s\n", mg_kb_unrecognised_text(kb));
	}
out:
	free(old);
	mg_buf_release(&json);
	mg_db_close(db);
	return status;
}

static int profile_show(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_error err = {0};
	char *json = NULL;
	int status = EXIT_OK;
	if (argc > 1)
		return cli_error(EXIT_USAGE, "profile show: no options accepted (the profile is printed as JSON)");
	(void)argv;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (mg_db_profile_get(db, &json, &err))
		status = cli_fail(&err);
	else if (!json)
		status = cli_error(EXIT_FAIL, "profile show: no profile stored; run 'mgsleep profile set ...'");
	else
		printf("%s\n", json);
	free(json);
	mg_db_close(db);
	return status;
}

int cmd_profile(int argc, char **argv, struct mg_cli *cli)
{
	int status = EXIT_OK;
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	if (argc >= 2 && !strcmp(argv[1], "set"))
		return profile_set(argc - 1, argv + 1, cli, kb);
	if (argc >= 2 && !strcmp(argv[1], "show"))
		return profile_show(argc - 1, argv + 1, cli);
	return cli_error(EXIT_USAGE, "profile: accepted subcommands: set, show");
}
