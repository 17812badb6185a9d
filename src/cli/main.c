/* mgsleep: command table and dispatch (git-style). */
#include "cli.h"

#include <mgsleep/food.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef MGSLEEP_VERSION
#define MGSLEEP_VERSION "0.0.0"
#endif

static const struct cmd {
	const char *name;
	int (*fn)(int, char **, struct mg_cli *);
	const char *summary;
	const char *usage;
} commands[] = {
	{"advise", cmd_advise, "decide whether magnesium is reasonable for your sleep, and how",
	 "usage: mgsleep advise [--profile FILE|-] [profile options] [--format text|markdown|json|html]\n"
	 "\n"
	 "profile options (flags override values from --profile):\n"
	 "  --age YEARS               0 to 120\n"
	 "  --sex female|male\n"
	 "  --weight KG               or pounds with a suffix: 154lb\n"
	 "  --height CM\n"
	 "  --creatinine VALUE        with its unit: 1.1mg/dL or 97umol/L\n"
	 "  --egfr ML_MIN             reported eGFR, mL/min/1.73 m2\n"
	 "  --crcl ML_MIN             reported creatinine clearance, mL/min\n"
	 "  --dialysis                on dialysis\n"
	 "  --pregnant                pregnant\n"
	 "  --breastfeeding           breastfeeding\n"
	 "  --condition NAME[,NAME]   repeatable; see 'mgsleep help conditions'\n"
	 "  --med NAME[,NAME]         repeatable; generic or brand name\n"
	 "  --supplement-mg MG        elemental Mg already taken daily from supplements/medicines\n"
	 "  --diet-mg MG              estimated dietary Mg per day\n"
	 "  --isi SCORE               Insomnia Severity Index, 0 to 28\n"
	 "  --symptom NAME[,NAME]     repeatable; see 'mgsleep help symptoms'\n"
	 "  --jurisdiction us|eu|uk   whose supplement limit applies (default: the lowest)\n"
	 "  --prefer-form NAME        preferred compound; see 'mgsleep forms'\n"
	 "\n"
	 "output options:\n"
	 "  --format text|markdown|json|html   default text\n"
	 "  --width COLUMNS           wrap text output (default $COLUMNS or 80)\n"
	 "  --kb DIR                  use a knowledge-base directory instead of the built-in one\n"
	 "  --db PATH                 the store (default $MGSLEEP_DB or ~/.local/share/mgsleep/mgsleep.db);\n"
	 "                            with no profile options its stored profile and latest ISI are used\n"},
	{"backup", cmd_backup, "copy your store to a new file (still encrypted if it was)",
	 "usage: mgsleep backup FILE\n"},
	{"convert", cmd_convert, "convert between elemental magnesium and compound mass",
	 "usage: mgsleep convert --form NAME (--elemental MG | --compound MG) [--format text|json]\n"},
	{"diary", cmd_diary, "list your nights: times, sleep metrics and magnesium",
	 "usage: mgsleep diary [--from DATE] [--to DATE] [--format text|json|csv]\n"},
	{"diet", cmd_diet, "magnesium from food: daily totals, a two-minute quiz, suggestions",
	 "usage: mgsleep diet [--from DATE] [--to DATE] [--format text|json]\n"
	 "       mgsleep diet quiz [--answers N,N,...] [--date DATE]\n"
	 "       mgsleep diet suggest\n"
	 "  quiz: 13 questions on how often you eat the main magnesium foods (0 never ... 6 twice a day\n"
	 "        or more); asked on a terminal, or --answers with one number per question\n"
	 "  suggest: foods, in realistic portions, that would close the gap to your reference intake\n"},
	{"export", cmd_export, "write everything in your store as JSON",
	 "usage: mgsleep export [--format json|fhir] [--out FILE]\n"
	 "       mgsleep export --format csv --out NEW_FOLDER\n"
	 "  --format fhir             an HL7 FHIR R4 Bundle (JSON) to share with a clinician (docs/fhir.md)\n"},
	{"food", cmd_food, "search the USDA food table; log what you eat, list and delete entries",
	 "usage: mgsleep food search WORDS [--limit N] [--format text|json]\n"
	 "       mgsleep food log FOOD AMOUNT [--date DATE]\n"
	 "       mgsleep food list [--from DATE] [--to DATE] [--format text|json]\n"
	 "       mgsleep food delete ID\n"
	 "  FOOD is words to search (the best match is used) or an NDB number such as 12061\n"
	 "  AMOUNT is grams (30g), a portion of the table (1 cup, 1 oz, 2 tbsp) or a count (2)\n"
	 "  list: the logged foods with their ids; delete ID removes one (kept in the audit table)\n"},
	{"forms", cmd_forms, "list magnesium compounds: elemental %, GI profile, sleep evidence",
	 "usage: mgsleep forms [--format text|json]\n"},
	{"help", cmd_help, "show help for a command",
	 "usage: mgsleep help [COMMAND | conditions | symptoms]\n"},
	{"import", cmd_import, "read sleep from Apple Health, Fitbit, Oura, Sleep as Android or CSV exports",
	 "usage: mgsleep import FILE|FOLDER... [--dry-run] [--prefer-source NAME[,NAME]] [--tz ZONE]\n"
	 "                      [--map start=COL,end=COL[,stage=COL][,source=COL]] [--source NAME]\n"
	 "                      [--format text|json]\n"
	 "  FILE                      export.zip or export.xml (Apple Health), sleep-*.json or a Takeout\n"
	 "                            folder or zip (Fitbit), Oura sleep JSON or CSV, Sleep as Android\n"
	 "                            sleep-export.csv or its zip, or any CSV with --map; the format is\n"
	 "                            read from the content, not the name\n"
	 "  --dry-run                 show the report, write nothing\n"
	 "  --prefer-source NAMES     sources to use first when several recorded a night (remembered);\n"
	 "                            default: watch or ring, then phone, then other apps\n"
	 "  --tz ZONE                 time zone of exports with local times and no zone (Fitbit; CSV);\n"
	 "                            default: this computer's\n"
	 "  --map SPEC                columns of a CSV: start, end (required), stage, source\n"
	 "  --source NAME             source name for CSV rows without one (default csv)\n"
	 "  --format FMT              the report as text (default) or json\n"},
	{"import-backup", cmd_import_backup, "restore an export into an empty store",
	 "usage: mgsleep import-backup FILE|-\n"},
	{"init", cmd_init, "create your private store (optionally encrypted)",
	 "usage: mgsleep init [--encrypt] [--db PATH]\n"
	 "  --encrypt                 seal the store with a passphrase (asked without echo,\n"
	 "                            or MGSLEEP_PASSPHRASE)\n"},
	{"isi", cmd_isi, "fill in the Insomnia Severity Index; store and show your scores",
	 "usage: mgsleep isi [--answers A1,...,A7] [--date DATE] [--format text|json]\n"
	 "       mgsleep isi --history [--format text|json]\n"
	 "  --answers LIST            the seven item scores (0-4) in order; asked on a terminal otherwise\n"
	 "  --date DATE               the day you answered (default today)\n"
	 "  --history                 your scores over time\n"},
	{"kb", cmd_kb, "check or describe a knowledge base",
	 "usage: mgsleep kb check DIR\n"
	 "       mgsleep kb info [--kb DIR]\n"},
	{"log", cmd_log, "record one night of your sleep diary",
	 "usage: mgsleep log [--date YYYY-MM-DD] --bed HH:MM [--try-sleep HH:MM] --sol MIN --awakenings N\n"
	 "                   --waso MIN --final-wake HH:MM --out-of-bed HH:MM [--quality 1-5] [--comment TEXT]\n"
	 "                   [--mg-form NAME (--mg-elemental MG | --mg-compound MG) [--mg-time HH:MM] | --no-mg]\n"
	 "                   [--tag NAME[,NAME]] [--nap MIN] [--replace]\n"
	 "       mgsleep log --date YYYY-MM-DD --delete\n"
	 "       mgsleep log --purge-audit\n"
	 "  --date DATE               the morning you fill it in (default today)\n"
	 "  --bed, --try-sleep        when you got into bed, and tried to sleep (default: same)\n"
	 "  --sol MIN                 minutes to fall asleep (30, 1h10)\n"
	 "  --awakenings N            times you woke, not counting the last\n"
	 "  --waso MIN                their total minutes\n"
	 "  --final-wake, --out-of-bed  final awakening, and getting up\n"
	 "  --quality 1-5             1 very poor ... 5 very good\n"
	 "  --mg-form, --mg-elemental, --mg-compound, --mg-time  the evening's magnesium\n"
	 "  --no-mg                   no magnesium that evening\n"
	 "  --tag NAME                caffeine-late, alcohol, exercise, stress, epsom-bath, other-supplement\n"
	 "  --nap MIN                 naps that day (repeatable)\n"
	 "  --replace                 replace the night already logged for this date\n"
	 "  --delete                  delete it (kept in the audit table)\n"
	 "  --purge-audit             forget deleted and replaced entries for good\n"
	 "  (on a terminal, items not given are asked for, with last night's answers as defaults)\n"},
	{"passphrase", cmd_passphrase, "change the passphrase of an encrypted store",
	 "usage: mgsleep passphrase change\n"
	 "  (new passphrase asked twice, or MGSLEEP_NEW_PASSPHRASE)\n"},
	{"profile", cmd_profile, "store your profile so that 'mgsleep advise' needs no options",
	 "usage: mgsleep profile set [--reset] [--profile FILE|-] [profile options of 'advise']\n"
	 "       mgsleep profile show\n"
	 "  --reset                   start from an empty profile instead of the stored one\n"},
	{"psqi", cmd_psqi, "fill in the Pittsburgh Sleep Quality Index; store and show your scores",
	 "usage: mgsleep psqi [--answers FILE|-] [--date DATE] [--format text|json]\n"
	 "       mgsleep psqi --history [--format text|json]\n"
	 "  --answers FILE            a JSON file of answers (docs/questionnaires.md); asked otherwise\n"},
	{"report", cmd_report, "your diary, scores, trial and advice as one HTML file to print or share",
	 "usage: mgsleep report [--out FILE] [--from DATE] [--to DATE]\n"
	 "  --out FILE                write the HTML to FILE, which must not exist (default: standard output)\n"
	 "  --from DATE, --to DATE    only nights and scores from/to these dates (YYYY-MM-DD); a trial is\n"
	 "                            analysed as of --to (default today)\n"},
	{"summary", cmd_summary, "weekly means, nights with and without magnesium, and the trend",
	 "usage: mgsleep summary [--weeks N] [--format text|json|csv]\n"
	 "  --weeks N                 how many recent weeks to show (default 8)\n"},
	{"trial", cmd_trial, "plan, follow and analyse a randomised trial of magnesium on yourself",
	 "usage: mgsleep trial plan [--start DATE] [--pairs N] [--period-days D] [--washout W]\n"
	 "                          [--baseline-days N] [--outcome sol|tst|se|waso|awakenings|quality|isi]\n"
	 "                          [--seed N] [--ics FILE] [--format text|json] [--replace]\n"
	 "       mgsleep trial list [--format text|json]\n"
	 "       mgsleep trial today [--date DATE]\n"
	 "       mgsleep trial analyze [--trial ID] [--date DATE] [--format text|json]\n"
	 "       mgsleep trial event --symptom NAME[,NAME] [--date DATE] [--note TEXT]\n"
	 "       mgsleep trial resume [--date DATE]\n"
	 "  --start DATE              first evening of the trial (default today)\n"
	 "  --pairs N                 pairs of periods, magnesium and none in random order (default 6)\n"
	 "  --period-days D           nights per period (default 28: 4 weeks, from the knowledge base)\n"
	 "  --washout W               nights at the start of each period left out of the analysis (default 7)\n"
	 "  --baseline-days N         nights without magnesium before period 1, not randomised\n"
	 "                            (0 to 56, default 0 = none)\n"
	 "  --outcome NAME            primary outcome: a diary one (default sol), or isi: the ISI\n"
	 "                            filled in at the end of each period\n"
	 "  --seed N                  seed of the randomisation (default from the clock; printed and stored)\n"
	 "  --ics FILE                also write the calendar as an iCalendar file (must not exist)\n"
	 "  --replace                 plan: plan a new trial although one is in the store (the old one\n"
	 "                            is kept: trial list); without it the plan is refused\n"
	 "  --trial ID                analyze: a trial from 'trial list' (default the latest)\n"
	 "  --date DATE               today: the evening to instruct; analyze: analyse as of this day;\n"
	 "                            event, resume: the day it applies from (default today)\n"
	 "  --symptom NAME[,NAME]     event: an adverse event (see 'mgsleep kb symptoms'); a stop-rule\n"
	 "                            symptom (gut or excess magnesium) pauses the trial\n"
	 "  --note TEXT               event: a short note (at most 120 characters)\n"
	 "  --format text|json        plan, list, analyze output (default text)\n"},
	{"version", cmd_version, "print the program and knowledge-base versions", "usage: mgsleep version\n"},
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

int cli_unknown(const char *cmd, int argi, const char *hint)
{
	return cli_error(EXIT_USAGE, "%s: argument %d is not an option it accepts; %s", cmd, argi, hint);
}

void cli_usage(const char *cmd)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, cmd))
			fputs(commands[i].usage, stdout);
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
			fputs(commands[i].usage, stdout);
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
				fputs(commands[c].usage, stdout);
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
