/* mgsleep: command table and dispatch (git-style). */
#include "cli.h"

#include <mgsleep/food.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#ifndef MGSLEEP_VERSION
#define MGSLEEP_VERSION "0.0.0"
#endif

static const struct cli_help help_help = {"usage: mgsleep help [COMMAND | conditions | symptoms]\n", {NULL}, NULL};
static const struct cli_help version_help = {"usage: mgsleep version\n", {NULL}, NULL};

static const struct cmd {
	const char *name;
	int (*fn)(int, char **, struct mg_cli *);
	const char *summary;
	const struct cli_help *help; /* its synopsis and option tables */
} commands[] = {
	{"advise", cmd_advise, "decide whether magnesium is reasonable for your sleep, and how", &cli_help_advise},
	{"backup", cmd_backup, "copy your store to a new file (still encrypted if it was)", &cli_help_backup},
	{"cds", cmd_cds, "serve the advice to a clinician's EHR as a CDS Hooks service", &cli_help_cds},
	{"convert", cmd_convert, "convert between elemental magnesium and compound mass", &cli_help_convert},
	{"diary", cmd_diary, "list your nights: times, sleep metrics and magnesium", &cli_help_diary},
	{"diet", cmd_diet, "magnesium from food: daily totals, a two-minute quiz, suggestions", &cli_help_diet},
	{"export", cmd_export, "write everything in your store as JSON", &cli_help_export},
	{"food", cmd_food, "search the USDA food table; log what you eat, list and delete entries", &cli_help_food},
	{"forms", cmd_forms, "list magnesium compounds: elemental %, GI profile, sleep evidence", &cli_help_forms},
	{"help", cmd_help, "show help for a command", &help_help},
	{"import", cmd_import, "read sleep from Apple Health, Fitbit, Oura, Sleep as Android or CSV exports", &cli_help_import},
	{"import-backup", cmd_import_backup, "restore an export into an empty store", &cli_help_import_backup},
	{"init", cmd_init, "create your private store (optionally encrypted)", &cli_help_init},
	{"isi", cmd_isi, "fill in the Insomnia Severity Index; store and show your scores", &cli_help_isi},
	{"kb", cmd_kb, "check or describe a knowledge base", &cli_help_kb},
	{"log", cmd_log, "record one night of your sleep diary", &cli_help_log},
	{"passphrase", cmd_passphrase, "change the passphrase of an encrypted store", &cli_help_passphrase},
	{"profile", cmd_profile, "store your profile so that 'mgsleep advise' needs no options", &cli_help_profile},
	{"psqi", cmd_psqi, "fill in the Pittsburgh Sleep Quality Index; store and show your scores", &cli_help_psqi},
	{"report", cmd_report, "your diary, scores, trial and advice as one HTML file to print or share", &cli_help_report},
	{"screen", cmd_screen, "advise a list of profiles (NDJSON, CSV or FHIR): one result line each", &cli_help_screen},
	{"summary", cmd_summary, "weekly means, nights with and without magnesium, and the trend", &cli_help_summary},
	{"trial", cmd_trial, "plan, follow and analyse a randomised trial of magnesium on yourself", &cli_help_trial},
	{"web", cmd_web, "keep your diary, follow a trial and share the report in your browser", &cli_help_web},
	{"version", cmd_version, "print the program and knowledge-base versions", &version_help},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* "advise, backup, ..." from the table, so error messages never go stale. */
static const char *command_names(void)
{
	static char names[512];
	if (!names[0])
		for (size_t i = 0; i < N_COMMANDS; i++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
				 commands[i].name);
	return names;
}

int cli_error(int status, const char *fmt, ...)
{
	char raw[1024], line[4 * sizeof raw];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* One line, always, and nothing a terminal would act on (a file name
	 * may hold a newline or an escape sequence). */
	mg_escape(line, sizeof line, raw);
	fprintf(stderr, "mgsleep: %s\n", line);
	return status;
}

int cli_fail(const struct mg_error *err)
{
	int status = err->code == MG_EINVAL || err->code == MG_EPARSE || err->code == MG_EKB || err->code == MG_EEXIST
			     ? EXIT_USAGE
												: EXIT_FAIL;
	return cli_error(status, "%s", err->msg[0] ? err->msg : mg_strerror(err->code));
}

const struct mg_kb *cli_kb(struct mg_cli *cli, int *status)
{
	struct mg_error err = {0};
	if (cli->kb)
		return cli->kb;
	const char *dir = cli->kb_dir ? cli->kb_dir : getenv("MGSLEEP_KB");
	struct stat st;
	/* A folder that is not there is a mistyped option (exit 2), not a failure. */
	if (dir && *dir && (stat(dir, &st) || !S_ISDIR(st.st_mode))) {
		*status = cli_error(EXIT_USAGE, "%s: accepted: a knowledge-base folder (see 'mgsleep kb check DIR')",
				    cli->kb_dir ? "--kb" : "MGSLEEP_KB");
		return NULL;
	}
	int r = dir && *dir ? mg_kb_load_dir(&cli->kb, dir, &err) : mg_kb_load_builtin(&cli->kb, &err);
	if (r) {
		*status = cli_fail(&err);
		return NULL;
	}
	return cli->kb;
}

int cli_write(const char *buf, size_t len)
{
	if (len && fwrite(buf, 1, len, stdout) != len)
		return cli_error(EXIT_FAIL, "cannot write output: %s", strerror(errno));
	if (fflush(stdout))
		return cli_error(EXIT_FAIL, "cannot write output: %s", strerror(errno));
	return EXIT_OK;
}

int cli_write_fd(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

char *cli_read_file(const char *path, size_t max, size_t *len, const char *what, int *status)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t n = 0;
	if (!f) {
		*status = cli_error(EXIT_USAGE, "%s: cannot open '%s': %s", what, path, strerror(errno));
		return NULL;
	}
	buf = malloc(max + 1);
	if (buf) {
		n = fread(buf, 1, max + 1, f);
		if (ferror(f)) {
			*status = cli_error(EXIT_USAGE, "%s: cannot read '%s'", what, path);
			free(buf);
			buf = NULL;
		} else if (n > max) {
			*status = cli_error(EXIT_USAGE, "%s: '%s' is larger than %zu bytes", what, path, max);
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			*len = n;
		}
	} else {
		*status = cli_error(EXIT_FAIL, "out of memory");
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **value, int *status)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, "--", 2) || strncmp(a + 2, name, n))
		return 0;
	if (a[2 + n] == '=') {
		*value = a + 3 + n;
		return 1;
	}
	if (a[2 + n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		*status = cli_error(EXIT_USAGE, "--%s: missing value", name);
		*value = NULL;
		return -1;
	}
	*value = argv[++*i];
	return 1;
}

void cli_usage(const char *cmd)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, cmd))
			cli_help_print(stdout, commands[i].help);
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

static void usage_all(FILE *f)
{
	fputs("usage: mgsleep [--kb DIR] [--db PATH] <command> [options]\n"
	      "       mgsleep help <command>\n"
	      "       mgsleep --version\n\ncommands:\n",
	      f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nExit status: 0 success, 1 failure, 2 usage or input error.\n"
	      "This is information, not medical advice.\n",
	      f);
}

int cmd_help(int argc, char **argv, struct mg_cli *cli)
{
	int status = EXIT_OK;
	if (argc < 2) {
		usage_all(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "conditions") || !strcmp(argv[1], "symptoms")) {
		const struct mg_kb *kb = cli_kb(cli, &status);
		if (!kb)
			return status;
		printf("%s\n", argv[1][0] == 'c' ? mg_kb_condition_names(kb) : mg_kb_symptom_names(kb));
		return EXIT_OK;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, argv[1])) {
			cli_help_print(stdout, commands[i].help);
			return EXIT_OK;
		}
	return cli_error(EXIT_USAGE, "help: unknown command; accepted: %s, conditions, symptoms", command_names());
}

int cmd_version(int argc, char **argv, struct mg_cli *cli)
{
	int status = EXIT_OK;
	(void)argc;
	(void)argv;
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	printf("mgsleep %s\nknowledge base %s (sha256 %s, %s)\n", MGSLEEP_VERSION, mg_kb_version(kb), mg_kb_hash(kb),
	       mg_kb_origin(kb));
	if (mg_food_available())
		printf("food table: %s, %zu foods (sha256 %.12s)\n", MG_FOOD_DATASET, mg_food_count(),
		       mg_food_data_sha256());
	else
		printf("food table: not built in (docs/food.md)\n");
	return EXIT_OK;
}

/* Output that could not be written is a failure, checked once at exit as
 * git does: flush, look for an error, close. Not when the command already
 * failed (its message says more), nor when stdout was closed by the caller. */
static int check_stdout(int status)
{
	struct stat st;
	if (status != EXIT_OK || fstat(fileno(stdout), &st))
		return status;
	if (fflush(stdout) || ferror(stdout))
		status = cli_error(EXIT_FAIL, "cannot write output: %s", errno ? strerror(errno) : "error");
	if (fclose(stdout) && status == EXIT_OK)
		status = cli_error(EXIT_FAIL, "cannot write output: %s", strerror(errno));
	return status;
}

int main(int argc, char **argv)
{
	struct mg_cli cli = {0};
	int i = 1, status = EXIT_OK;
	/* Everything mgsleep writes holds health data (the store, exports,
	 * CSVs, the report, the calendar): private whatever the caller's umask. */
	umask(077);
	/* --kb DIR and --db PATH are global: accepted before or after the command. */
	int n = 1;
	for (int k = 1; k < argc; k++) {
		const char *v;
		int r = cli_opt(argc, argv, &k, "kb", &v, &status);
		if (r == 0 && (r = cli_opt(argc, argv, &k, "db", &v, &status)) > 0)
			cli.db_path = v;
		else if (r > 0)
			cli.kb_dir = v;
		if (r < 0)
			goto out;
		if (r == 0)
			argv[n++] = argv[k];
	}
	argc = n;
	argv[argc] = NULL;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			status = cmd_version(0, NULL, &cli);
			goto out;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage_all(stdout);
			goto out;
		}
		/* Not in the help: for tests/cli/test_man.sh, which checks that
		 * every declared option is in the man page. */
		if (!strcmp(argv[i], "--list-options")) {
			for (size_t c = 0; c < N_COMMANDS; c++)
				cli_help_list_options(stdout, commands[c].name, commands[c].help);
			goto out;
		}
		status = cli_error(EXIT_USAGE, "unknown option before the command; accepted: --kb DIR, --db PATH, "
					       "--version, --help");
		goto out;
	}
	if (i >= argc) {
		usage_all(stderr);
		status = EXIT_USAGE;
		goto out;
	}
	for (size_t c = 0; c < N_COMMANDS; c++)
		if (!strcmp(commands[c].name, argv[i])) {
			cli.cmd = commands[c].name;
			if (cli_wants_help(argc - i, argv + i) && commands[c].fn != cmd_help) {
				cli_help_print(stdout, commands[c].help);
				goto out;
			}
			status = commands[c].fn(argc - i, argv + i, &cli);
			goto out;
		}
	status = cli_error(EXIT_USAGE, "unknown command; accepted: %s", command_names());
out:
	mg_kb_free(cli.kb);
	return check_stdout(status);
}
