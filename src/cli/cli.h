/* The mgsleep program: argv -> library calls -> stdout/stderr/exit status.
 * Only this directory prints or exits. To add a command: write
 * cmd_<name>.c with int cmd_<name>(int argc, char **argv, struct mg_cli *cli),
 * declare it here, add a row with its usage to the table in main.c, and
 * document it in man/mgsleep.1 (tests/cli/test_man.sh checks the options). */
#ifndef MG_CLI_H
#define MG_CLI_H

#include <mgsleep/kb.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct mg_cli {
	const char *kb_dir; /* --kb DIR or MGSLEEP_KB; NULL for the built-in KB */
	struct mg_kb *kb;   /* loaded on demand by cli_kb() */
	const char *cmd;    /* current command name */
};

/* Print "mgsleep: <msg>" to stderr (one line) and return status. */
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Map a library error to a message and exit status (2 for input errors). */
int cli_fail(const struct mg_error *err);
/* Load the KB once (built-in, or --kb / MGSLEEP_KB); NULL after printing. */
const struct mg_kb *cli_kb(struct mg_cli *cli, int *status);
/* Write all of buf to stdout; 0 or EXIT_FAIL. */
int cli_write(const char *buf, size_t len);
/* Read a file ("-" = stdin) of at most max bytes; caller frees. */
char *cli_read_file(const char *path, size_t max, size_t *len, const char *what, int *status);
/* Match "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **value, int *status);
void cli_usage(const char *cmd);
int cli_wants_help(int argc, char **argv);

int cmd_advise(int argc, char **argv, struct mg_cli *cli);
int cmd_convert(int argc, char **argv, struct mg_cli *cli);
int cmd_forms(int argc, char **argv, struct mg_cli *cli);
int cmd_help(int argc, char **argv, struct mg_cli *cli);
int cmd_kb(int argc, char **argv, struct mg_cli *cli);
int cmd_version(int argc, char **argv, struct mg_cli *cli);

#endif
