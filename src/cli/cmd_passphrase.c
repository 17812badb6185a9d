/* mgsleep passphrase change: re-key a sealed store. The current passphrase
 * opens it (prompt or MGSLEEP_PASSPHRASE); the new one is asked twice, or
 * taken from MGSLEEP_NEW_PASSPHRASE for scripts. */
#include "cli.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct cli_help cli_help_passphrase = {
	"usage: mgsleep passphrase change\n",
	{NULL},
	"  (new passphrase asked twice, or MGSLEEP_NEW_PASSPHRASE)\n",
};

int cmd_passphrase(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_error err = {0};
	char pass[256] = "", again[256] = "";
	int status = EXIT_OK;
	if (argc != 2 || strcmp(argv[1], "change"))
		return cli_error(EXIT_USAGE, "passphrase: accepted subcommand: change");
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (!mg_db_sealed(db)) {
		mg_db_close(db);
		return cli_error(EXIT_USAGE, "passphrase: store '%s' is not encrypted; create an encrypted one with "
					     "'mgsleep init --encrypt --db NEW' and 'mgsleep import-backup'",
				 cli_db_path(cli));
	}
	const char *env = getenv("MGSLEEP_NEW_PASSPHRASE");
	if (env) {
		if (!*env || strlen(env) >= sizeof pass)
			status = cli_error(EXIT_USAGE, "MGSLEEP_NEW_PASSPHRASE: accepted: 1 to %zu characters", sizeof pass - 1);
		else
			snprintf(pass, sizeof pass, "%s", env);
	} else {
		/* cli_passphrase prefers MGSLEEP_PASSPHRASE, which holds the old one:
		 * the new one must come from the terminal. */
		unsetenv("MGSLEEP_PASSPHRASE");
		if (!cli_passphrase("New passphrase: ", pass, sizeof pass, &status) &&
		    !cli_passphrase("Repeat new passphrase: ", again, sizeof again, &status) && strcmp(pass, again))
			status = cli_error(EXIT_USAGE, "passphrase: the two entries differ; nothing changed");
	}
	if (status == EXIT_OK) {
		if (mg_db_rekey(db, pass, &err))
			status = cli_fail(&err);
		else
			printf("Passphrase changed.\n");
	}
	sodium_memzero(pass, sizeof pass);
	sodium_memzero(again, sizeof again);
	mg_db_close(db);
	return status;
}
