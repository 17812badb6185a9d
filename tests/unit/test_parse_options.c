/* The option parser of the CLI (src/cli/parse_options.c) on a small table.
 * The expected values and messages are the rules written down in issue 12
 * and HELPER-RULES.md (one line, never the value given, the option named,
 * the accepted values listed, exit 2), and the help columns of the
 * hand-written usages it replaces (option at column 2, help at column 28). */
#include "../tap.h"

#include "../../src/cli/cli.h"

#include <stdlib.h>

/* The parser prints through cli_error; here it is captured instead. */
static char last[1024];
static int n_errors;

int cli_error(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last, sizeof last, fmt, ap);
	va_end(ap);
	n_errors++;
	return status;
}

struct naps {
	int n; /* how many times the callback was called */
	const char *arg; /* the last value it got */
};

struct opts {
	int all;
	const char *name, *format, *date;
	long count;
	struct naps naps;
	const char *sub_value;
};

static int count_nap(void *field, const struct cli_option *opt, const char *arg, int *status)
{
	(void)opt;
	if (arg && !strcmp(arg, "bad")) {
		*status = cli_error(EXIT_USAGE, "--nap: accepted: minutes");
		return -1;
	}
	struct naps *naps = field;
	naps->n++;
	naps->arg = arg;
	return 0;
}

static const char *const formats[] = {"text", "json", "csv", NULL};

struct sub {
	const char *value;
};
static const struct cli_option sub_options[] = {
	CLI_OPT_STRING(struct sub, value, "sub", "X", "from an included table"),
	CLI_OPT_END(),
};

static const struct cli_option table[] = {
	CLI_OPT_BOOL(struct opts, all, "all", "every one"),
	CLI_OPT_STRING(struct opts, name, "name", "NAME", "a name\nover two lines"),
	CLI_OPT_ENUM(struct opts, format, "format", formats, "output"),
	CLI_OPT_DATE(struct opts, date, "date", "a day"),
	CLI_OPT_NUMBER(struct opts, count, "count", "N", 1, 52, NULL, "how many"),
	CLI_OPT_GROUP("more:"),
	CLI_OPT_CALLBACK_OPTARG(struct opts, naps, struct naps, "nap", count_nap, NULL),
	CLI_OPT_INCLUDE(struct opts, sub_value, const char *, sub_options),
	CLI_OPT_END(),
};

/* Parse the NULL-terminated words after "cmd"; *o starts zeroed. */
static int parse(struct opts *o, unsigned flags, char **kept, const char *const *words)
{
	static char *argv[32], words_copy[32][64];
	int argc = 0;
	for (const char *w = "cmd"; w && argc < 31; w = *words++) {
		snprintf(words_copy[argc], sizeof words_copy[argc], "%s", w);
		argv[argc] = words_copy[argc];
		argc++;
	}
	argv[argc] = NULL;
	memset(o, 0, sizeof *o);
	last[0] = '\0';
	n_errors = 0;
	int status = EXIT_OK;
	int r = cli_parse_options("cmd", argc, argv, table, o, flags, &status);
	if (r < 0 && status != EXIT_USAGE)
		return -99; /* an error must be a usage error */
	for (int i = 0; r > 0 && i < r && kept; i++)
		kept[i] = argv[i];
	return r;
}
#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void values(void)
{
	struct opts o;
	ok(parse(&o, 0, NULL, WORDS("--all", "--name", "x y", "--format", "json", "--count", "52")) == 0,
	   "flag, string, enum and number parse");
	ok(o.all == 1 && !strcmp(o.name, "x y") && !strcmp(o.format, "json") && o.count == 52,
	   "  and are stored: all 1, name 'x y', format json, count 52 (the upper bound)");
	ok(o.format == formats[1], "an enum stores the table's own string");
	ok(parse(&o, 0, NULL, WORDS("--name=a=b", "--count=1", "--date=2024-02-29")) == 0 && !strcmp(o.name, "a=b") &&
		   o.count == 1 && !strcmp(o.date, "2024-02-29"),
	   "--x=value: the value is everything after the first '=' (a=b); 1 is the lower bound; 2024 is a leap year");
	ok(parse(&o, 0, NULL, WORDS("--name", "--all")) == 0 && !strcmp(o.name, "--all") && !o.all,
	   "--x VALUE takes the next word as the value even when it starts with --");
	ok(parse(&o, 0, NULL, WORDS("--name", "a", "--name", "b")) == 0 && !strcmp(o.name, "b"),
	   "an option given twice keeps the last value");
	ok(parse(&o, 0, NULL, WORDS("--nap", "--nap=30", "--nap")) == 0 && o.naps.n == 3 && o.naps.arg == NULL,
	   "a callback sees every occurrence; an optional-value callback alone gets NULL");
	ok(parse(&o, 0, NULL, WORDS("--nap=30")) == 0 && o.naps.arg && !strcmp(o.naps.arg, "30"), "  and --x=VALUE its value");
	ok(parse(&o, 0, NULL, WORDS("--sub", "s")) == 0 && o.sub_value && !strcmp(o.sub_value, "s"),
	   "an included table's option is stored at its offset");
	ok(parse(&o, 0, NULL, WORDS("--count", "+7")) == 0 && o.count == 7, "a number may have a + sign");
}

/* An error: one line, naming the option, never the value. */
static void refused(const char *name, const char *const *words, const char *want, const char *secret)
{
	struct opts o;
	int r = parse(&o, 0, NULL, words);
	ok(r == -1 && n_errors == 1, "%s: refused, exit 2, one message", name);
	ok(!strcmp(last, want), "%s: message '%s' (got '%s')", name, want, last);
	ok(!strchr(last, '\n'), "%s: one line", name);
	if (secret)
		ok(!strstr(last, secret), "%s: the value '%s' is not repeated", name, secret);
}

static void errors(void)
{
	refused("unknown option", WORDS("--all", "--bipolar"),
		"cmd: argument 2 is not an option it accepts; see 'mgsleep help cmd'", "bipolar");
	refused("a stray word", WORDS("--count", "3", "diagnosed bipolar"),
		"cmd: argument 3 is not an option it accepts; see 'mgsleep help cmd'", "bipolar");
	refused("a single-dash option", WORDS("-x"), "cmd: argument 1 is not an option it accepts; see 'mgsleep help cmd'",
		NULL);
	refused("an option's prefix is not the option", WORDS("--form", "json"),
		"cmd: argument 1 is not an option it accepts; see 'mgsleep help cmd'", NULL);
	refused("-- without arguments accepted", WORDS("--"),
		"cmd: argument 1 is not an option it accepts; see 'mgsleep help cmd'", NULL);
	refused("missing value", WORDS("--all", "--name"), "--name: missing value", NULL);
	refused("missing value of a number", WORDS("--count"), "--count: missing value", NULL);
	refused("enum", WORDS("--format", "pdf-secret"), "--format: accepted: text, json, csv", "pdf-secret");
	refused("number above the range", WORDS("--count", "53"), "--count: accepted: 1 to 52", "53");
	refused("number below the range", WORDS("--count=0"), "--count: accepted: 1 to 52", NULL);
	/* issue 12: hex and exponent numbers are not accepted */
	refused("hex number", WORDS("--count", "0x1A"), "--count: accepted: 1 to 52", "0x1A");
	refused("exponent", WORDS("--count", "1e1"), "--count: accepted: 1 to 52", "1e1");
	refused("number with a trailing word", WORDS("--count", "5 weeks"), "--count: accepted: 1 to 52", "weeks");
	refused("empty number", WORDS("--count="), "--count: accepted: 1 to 52", NULL);
	refused("a number too big for a long", WORDS("--count", "99999999999999999999999"), "--count: accepted: 1 to 52",
		NULL);
	refused("a date that does not exist", WORDS("--date", "2023-02-29"), "--date: accepted: a date YYYY-MM-DD", "2023");
	refused("a switch given a value", WORDS("--all=yes"), "--all: accepted: no value (it is a switch)", "yes");
	refused("a callback's own error", WORDS("--nap", "--nap=bad"), "--nap: accepted: minutes", NULL);
}

static const struct cli_option small[] = {
	CLI_OPT_BOOL(struct opts, all, "all", "every one"),
	CLI_OPT_ENUM(struct opts, format, "format", formats, "output"),
	CLI_OPT_END(),
};

static void short_table(void)
{
	struct opts o;
	char w0[] = "cmd", w1[] = "--secret";
	char *argv[] = {w0, w1, NULL};
	int status = 0;
	memset(&o, 0, sizeof o);
	ok(cli_parse_options("diet quiz", 2, argv, small, &o, 0, &status) == -1 && status == EXIT_USAGE,
	   "a small table: unknown option refused");
	ok(!strcmp(last, "diet quiz: argument 1 is not an option it accepts; accepted: --all, --format"),
	   "  the message lists the table's options (got '%s')", last);
}

static void arguments(void)
{
	struct opts o;
	char *kept[8];
	ok(parse(&o, CLI_PARSE_ARGS, kept, WORDS("a", "--all", "-", "b")) == 3, "arguments kept: 3");
	ok(!strcmp(kept[0], "a") && !strcmp(kept[1], "-") && !strcmp(kept[2], "b") && o.all,
	   "  in order: a, - (standard input), b; the flag is still parsed");
	ok(parse(&o, CLI_PARSE_ARGS, kept, WORDS("--all", "--", "--name", "-x")) == 2 && !o.name &&
		   !strcmp(kept[0], "--name") && !strcmp(kept[1], "-x"),
	   "after --, words starting with - are arguments");
	ok(parse(&o, CLI_PARSE_ARGS, kept, WORDS("--bad", "a")) == -1 && strstr(last, "argument 1"),
	   "an unknown option is refused also where arguments are accepted");
}

static void help(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const struct cli_help h = {"usage: mgsleep cmd [options]\n", {table}, "notes\n"};
	cli_help_print(f, &h);
	fclose(f);
	/* columns: option at 2, help at 28 (the hand-written usages) */
	ok(strstr(text, "usage: mgsleep cmd [options]\n  --all                     every one\n") != NULL,
	   "help: synopsis, then --all with its help at column 28");
	ok(strstr(text, "\n  --name NAME               a name\n                            over two lines\n") != NULL,
	   "help: the value placeholder; a second help line indented to column 28");
	ok(strstr(text, "\n  --format text|json|csv    output\n") != NULL, "help: an enum shows its values a|b|c");
	ok(strstr(text, "\n  --date DATE               a day\n") != NULL, "help: a date shows DATE");
	ok(strstr(text, "\n\nmore:\n  --nap\n") != NULL, "help: a group heading after a blank line; no help, no padding");
	ok(strstr(text, "\n  --sub X                   from an included table\nnotes\n") != NULL,
	   "help: an included table's options, then the notes");
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	cli_help_list_options(f, "cmd", &h);
	fclose(f);
	ok(!strcmp(text, "cmd --all\ncmd --name\ncmd --format\ncmd --date\ncmd --count\ncmd --nap\ncmd --sub\n"),
	   "--list-options: every declared option, included ones too, none of the headings");
	free(text);
}

int main(void)
{
	values();
	errors();
	short_table();
	arguments();
	help();
	return tap_done();
}
