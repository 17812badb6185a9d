/* mgsleep init [--encrypt]: create the private store. */
#include "cli.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct init_opts {
	int encrypt;
};

static const struct cli_option init_options[] = {
	CLI_OPT_BOOL(struct init_opts, encrypt, "encrypt",
		     "seal the store with a passphrase (asked without echo,\nor MGSLEEP_PASSPHRASE)"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_init = {"usage: mgsleep init [--encrypt] [--db PATH]\n", {init_options}, NULL};

int cmd_init(int argc, char **argv, struct mg_cli *cli)
{
	struct init_opts o = {0};
	int status = EXIT_OK;
	if (cli_parse_options("init", argc, argv, init_options, &o, 0, &status) < 0)
		return status;
	int seal = o.encrypt;
	const char *path = cli_db_path(cli);
	if (access(path, F_OK) == 0)
		return cli_error(EXIT_USAGE, "init: store '%s' already exists; nothing changed", path);
	char pass[256] = "", again[256] = "";
	struct mg_error err = {0};
	struct mg_db *db = NULL;
	if (seal) {
		if (cli_passphrase("New passphrase: ", pass, sizeof pass, &status))
			return status;
		/* Typed twice on a terminal: a typo here would lock the user out. */
		if (!getenv("MGSLEEP_PASSPHRASE") &&
		    (cli_passphrase("Repeat passphrase: ", again, sizeof again, &status) || strcmp(pass, again))) {
			sodium_memzero(pass, sizeof pass);
			return status ? status : cli_error(EXIT_USAGE, "passphrase: the two entries differ; nothing created");
		}
	}
	/* A passphrase set for a plain init makes the store refuse: never
	 * unencrypted by accident. MG_DB_NEW: of two inits at once, one fails. */
	const char *env = getenv("MGSLEEP_PASSPHRASE");
	int r = mg_db_open(&db, path, seal ? pass : env, MG_DB_CREATE | MG_DB_NEW | (seal ? MG_DB_SEAL : 0), &err);
	sodium_memzero(pass, sizeof pass);
	sodium_memzero(again, sizeof again);
	if (r)
		return cli_fail(&err);
	mg_db_close(db);
	printf("Created %s store at %s\n", seal ? "an encrypted" : "a", path);
	if (seal)
		printf("Keep your passphrase safe: without it the data cannot be recovered.\n");
	return EXIT_OK;
}
