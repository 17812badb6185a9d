/* Options from a table, in the style of git's parse-options: one declaration
 * per option gives the parsing, the "--x: accepted: ..." message, the lines
 * of `mgsleep help COMMAND` and `mgsleep --list-options` (which
 * tests/cli/test_man.sh checks against man/mgsleep.1).
 *
 * A table is static and const: each option says where its value goes as an
 * offset into the command's own options struct, so that main.c can print the
 * help of a command without running it. The CLI_OPT_* macros check at
 * compile time that the field has the type the kind stores.
 *
 * Ownership: strings stored are argv's (or the table's) and live as long as
 * argv; nothing is allocated. */
#ifndef MG_CLI_PARSE_OPTIONS_H
#define MG_CLI_PARSE_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

enum cli_opt_type {
	CLI_OPT_END,
	CLI_OPT_GROUP,    /* a heading in the help: "profile options ..." */
	CLI_OPT_FLAG,     /* --x: int set to 1 */
	CLI_OPT_STRING,   /* --x VALUE: const char * */
	CLI_OPT_NUMBER,   /* --x N: long, a whole number from lo to hi */
	CLI_OPT_ENUM,     /* --x a|b: const char *, one of values (the table's copy) */
	CLI_OPT_DATE,     /* --x YYYY-MM-DD: const char *, a real date */
	CLI_OPT_CALLBACK, /* --x VALUE: cb(field, option, VALUE) */
	CLI_OPT_INCLUDE,  /* the options of sub, stored at off of this struct */
};

enum {
	/* CALLBACK: also "--x" alone (cb gets NULL) besides "--x=VALUE". */
	CLI_OPT_OPTARG = 1u << 0,
};

struct cli_option {
	enum cli_opt_type type;
	const char *name;          /* without "--"; GROUP: the heading */
	const char *argh;          /* the value in help ("FILE"); ENUM: NULL shows values as a|b */
	const char *help;          /* "\n" continues on the next help line */
	size_t off;                /* offsetof the field in the command's struct */
	long lo, hi;               /* NUMBER: the range, inclusive */
	const char *const *values; /* ENUM: NULL-terminated */
	const char *accepted;      /* the "accepted:" text; NULL: from the range or values */
	/* CALLBACK: 0, or -1 with *status set (one line printed). */
	int (*cb)(void *field, const struct cli_option *opt, const char *arg, int *status);
	const struct cli_option *sub; /* INCLUDE */
	unsigned flags;
};

/* offsetof(T, f), and a compile error (distinct pointer types compared)
 * when T's f is not of type type. Nothing is evaluated. */
#define CLI_FIELD(T, f, type) (offsetof(T, f) + 0 * sizeof(&((T *)0)->f == (type *)0))

#define CLI_OPT_END() {CLI_OPT_END, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, 0}
#define CLI_OPT_GROUP(heading) {CLI_OPT_GROUP, heading, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, 0}
#define CLI_OPT_BOOL(T, f, name, help)                                                                        \
	{CLI_OPT_FLAG, name, NULL, help, CLI_FIELD(T, f, int), 0, 0, NULL, NULL, NULL, NULL, 0}
#define CLI_OPT_STRING(T, f, name, argh, help)                                                                \
	{CLI_OPT_STRING, name, argh, help, CLI_FIELD(T, f, const char *), 0, 0, NULL, NULL, NULL, NULL, 0}
#define CLI_OPT_DATE(T, f, name, help)                                                                        \
	{CLI_OPT_DATE, name, "DATE", help, CLI_FIELD(T, f, const char *), 0, 0, NULL, NULL, NULL, NULL, 0}
#define CLI_OPT_NUMBER(T, f, name, argh, lo, hi, accepted, help)                                              \
	{CLI_OPT_NUMBER, name, argh, help, CLI_FIELD(T, f, long), lo, hi, NULL, accepted, NULL, NULL, 0}
#define CLI_OPT_ENUM(T, f, name, values, help)                                                                \
	{CLI_OPT_ENUM, name, NULL, help, CLI_FIELD(T, f, const char *), 0, 0, values, NULL, NULL, NULL, 0}
#define CLI_OPT_CALLBACK(T, f, type, name, argh, cb, help)                                                    \
	{CLI_OPT_CALLBACK, name, argh, help, CLI_FIELD(T, f, type), 0, 0, NULL, NULL, cb, NULL, 0}
#define CLI_OPT_CALLBACK_OPTARG(T, f, type, name, cb, help)                                                   \
	{CLI_OPT_CALLBACK, name, NULL, help, CLI_FIELD(T, f, type), 0, 0, NULL, NULL, cb, NULL, CLI_OPT_OPTARG}
#define CLI_OPT_INCLUDE(T, f, type, table)                                                                    \
	{CLI_OPT_INCLUDE, NULL, NULL, NULL, CLI_FIELD(T, f, type), 0, 0, NULL, NULL, NULL, table, 0}
/* The options of table, for the same struct as this one (under a heading). */
#define CLI_OPT_INCLUDE_SAME(table) {CLI_OPT_INCLUDE, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, table, 0}

enum {
	/* Arguments that are not options are kept (argv[0..n) on return) and
	 * "--" ends the options; without it they are refused. */
	CLI_PARSE_ARGS = 1u << 0,
};

/* Parse argv[1..argc) of command cmd ("diet quiz") against opts into the
 * struct o. "--x VALUE" and "--x=VALUE" both; an option given twice keeps
 * the last value (a callback sees each). Errors, one line on stderr, never
 * the value: an unknown option by its position ("CMD: argument N is not an
 * option it accepts; accepted: --a, --b" or "see 'mgsleep help CMD'"),
 * "--x: missing value", "--x: accepted: ..." from the table. Returns the
 * number of arguments kept, or -1 with *status = EXIT_USAGE. */
int cli_parse_options(const char *cmd, int argc, char **argv, const struct cli_option *opts, void *o, unsigned flags,
		      int *status);

/* The help of a command: its synopsis lines as written (git's usage
 * strings), the options of each table, then notes. */
struct cli_help {
	const char *synopsis;               /* "usage: mgsleep CMD ...\n" */
	const struct cli_option *tables[7]; /* NULL-terminated; the same table may serve several subcommands */
	const char *notes;                  /* after the options, or NULL */
};
void cli_help_print(FILE *f, const struct cli_help *h);
/* "CMD --name" per declared option, one a line (mgsleep --list-options). */
void cli_help_list_options(FILE *f, const char *cmd, const struct cli_help *h);

#endif
