/* mgsleep init [--encrypt]: create the private store. */
#include "cli.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_init(int argc, char **argv, struct mg_cli *cli)
{
	int status = EXIT_OK, seal = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--encrypt"))
			seal = 1;
		else
			return cli_unknown("init", i, "accepted: --encrypt, --db PATH");
	}
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
