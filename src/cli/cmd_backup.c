/* mgsleep backup FILE and mgsleep import-backup FILE. */
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_BACKUP_BYTES ((size_t)512 << 20)

/* No options: the help is the synopsis. */
const struct cli_help cli_help_backup = {"usage: mgsleep backup FILE\n", {NULL}, NULL};
const struct cli_help cli_help_import_backup = {"usage: mgsleep import-backup FILE|-\n", {NULL}, NULL};

int cmd_backup(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_error err = {0};
	int status = EXIT_OK;
	if (argc != 2 || argv[1][0] == '-')
		return cli_error(EXIT_USAGE, "backup: needs one new file name");
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (mg_db_backup(db, argv[1], &err))
		status = cli_fail(&err);
	else
		printf("Backed up to %s%s.\n", argv[1], mg_db_sealed(db) ? " (encrypted, same passphrase)" : "");
	mg_db_close(db);
	return status;
}

int cmd_import_backup(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_error err = {0};
	struct mg_profile p;
	size_t len;
	int status = EXIT_OK;
	if (argc != 2)
		return cli_error(EXIT_USAGE, "import-backup: needs one file (or - for standard input)");
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	char *json = cli_read_file(argv[1], MAX_BACKUP_BYTES, &len, "import-backup", &status);
	if (!json)
		return status;
	/* The profile must be one advise can use; the rest is checked by the store. */
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je);
	json_t *prof = json_object_get(root, "profile");
	if (!root) {
		status = cli_error(EXIT_USAGE, "import-backup '%s': not valid JSON at line %d, column %d", argv[1], je.line,
				   je.column);
	} else if (json_is_object(prof)) {
		char *text = json_dumps(prof, JSON_COMPACT);
		mg_profile_init(&p);
		if (!text || mg_profile_load_json(&p, kb, text, strlen(text), &err) || mg_profile_check(&p, &err))
			status = cli_error(EXIT_USAGE, "import-backup '%s': %s", argv[1], err.msg);
		free(text);
	}
	json_decref(root);
	struct mg_db *db = NULL;
	const char *path = cli_db_path(cli);
	struct stat st;
	/* Into a new store: built aside and put in place complete, so a failure
	 * removes only what this restore made, and of two restores at once one
	 * wins and the other changes nothing. */
	if (status != EXIT_OK) {
		/* said why */
	} else if (lstat(path, &st) && errno == ENOENT) {
		if (mg_db_restore_new(path, getenv("MGSLEEP_PASSPHRASE"), json, cli_now(), &err))
			status = cli_fail(&err);
	} else if ((db = cli_db_open(cli, 0, &status))) {
		if (mg_db_begin(db, &err) || mg_db_import_json(db, json, cli_now(), &err) || mg_db_commit(db, &err))
			status = cli_fail(&err);
		mg_db_close(db);
	}
	if (status == EXIT_OK)
		printf("Restored %s into %s.\n", argv[1], path);
	free(json);
	return status;
}
