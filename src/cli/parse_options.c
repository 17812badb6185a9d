/* Options from a table (parse_options.h): the parser, its messages and the
 * help, all read from the same declarations. */
#include "parse_options.h"

#include "cli.h"

#include <mgsleep/night.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Help columns, as the hand-written usages had them: the option at 2, its
 * help at 28. */
#define HELP_INDENT 2
#define HELP_COLUMN 28
/* Up to this many options are listed in an unknown-option message; more
 * would not fit one line, so the message points at the help instead. */
#define MAX_LISTED 6

int cli_unknown(const char *cmd, int argi, const char *hint)
{
	return cli_error(EXIT_USAGE, "%s: argument %d is not an option it accepts; %s", cmd, argi, hint);
}

/* The option called name (n bytes), searching included tables; *off gets
 * the offset of the struct its own offset is relative to. */
static const struct cli_option *find(const struct cli_option *opts, const char *name, size_t n, size_t *off)
{
	for (; opts->type != CLI_OPT_END; opts++) {
		if (opts->type == CLI_OPT_INCLUDE) {
			size_t sub = 0;
			const struct cli_option *o = find(opts->sub, name, n, &sub);
			if (o) {
				*off = opts->off + sub;
				return o;
			}
		} else if (opts->type != CLI_OPT_GROUP && strlen(opts->name) == n && !strncmp(opts->name, name, n)) {
			*off = 0;
			return opts;
		}
	}
	return NULL;
}

/* Appends "--a, --b" for every option of opts; returns how many. */
static size_t list_names(const struct cli_option *opts, char *buf, size_t size)
{
	size_t n = 0;
	for (; opts->type != CLI_OPT_END; opts++) {
		if (opts->type == CLI_OPT_INCLUDE) {
			n += list_names(opts->sub, buf, size);
		} else if (opts->type != CLI_OPT_GROUP) {
			size_t len = strlen(buf);
			snprintf(buf + len, size - len, "%s--%s", len ? ", " : "", opts->name);
			n++;
		}
	}
	return n;
}

static int unknown(const char *cmd, int argi, const struct cli_option *opts)
{
	char names[512] = "", hint[600];
	if (list_names(opts, names, sizeof names) <= MAX_LISTED)
		snprintf(hint, sizeof hint, "accepted: %s", names);
	else
		snprintf(hint, sizeof hint, "see 'mgsleep help %.*s'", (int)strcspn(cmd, " "), cmd);
	return cli_unknown(cmd, argi, hint);
}

/* "a, b, c" from an enum's values. */
static void join_values(const char *const *values, const char *sep, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t k = 0; values[k]; k++) {
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", k ? sep : "", values[k]);
	}
}

/* A whole number in decimal: digits with an optional sign, nothing else. */
static int parse_long(const char *s, long *v)
{
	const char *p = s + (*s == '+' || *s == '-');
	if (!*p || strspn(p, "0123456789") != strlen(p))
		return -1;
	errno = 0;
	*v = strtol(s, NULL, 10);
	return errno ? -1 : 0;
}

static int store(const struct cli_option *opt, char *field, const char *v, int *status)
{
	char list[256];
	long n;
	int32_t d;
	switch (opt->type) {
	case CLI_OPT_STRING:
		*(const char **)(void *)field = v;
		return 0;
	case CLI_OPT_NUMBER:
		if (parse_long(v, &n) || n < opt->lo || n > opt->hi) {
			if (opt->accepted)
				*status = cli_error(EXIT_USAGE, "--%s: accepted: %s", opt->name, opt->accepted);
			else
				*status = cli_error(EXIT_USAGE, "--%s: accepted: %ld to %ld", opt->name, opt->lo, opt->hi);
			return -1;
		}
		*(long *)(void *)field = n;
		return 0;
	case CLI_OPT_ENUM:
		for (size_t k = 0; opt->values[k]; k++)
			if (!strcmp(v, opt->values[k])) {
				*(const char **)(void *)field = opt->values[k];
				return 0;
			}
		join_values(opt->values, ", ", list, sizeof list);
		*status = cli_error(EXIT_USAGE, "--%s: accepted: %s", opt->name, list);
		return -1;
	case CLI_OPT_DATE:
		if (mg_date_parse(v, &d)) {
			*status = cli_error(EXIT_USAGE, "--%s: accepted: a date YYYY-MM-DD", opt->name);
			return -1;
		}
		*(const char **)(void *)field = v;
		return 0;
	case CLI_OPT_CALLBACK:
		return opt->cb(field, opt, v, status);
	default:
		*(int *)(void *)field = 1;
		return 0;
	}
}

int cli_parse_options(const char *cmd, int argc, char **argv, const struct cli_option *opts, void *o, unsigned flags,
		      int *status)
{
	int kept = 0, options_end = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		if (options_end || arg[0] != '-' || !arg[1]) {
			if (!(flags & CLI_PARSE_ARGS)) {
				*status = unknown(cmd, i, opts);
				return -1;
			}
			argv[kept++] = argv[i];
			continue;
		}
		if (!strcmp(arg, "--") && (flags & CLI_PARSE_ARGS)) {
			options_end = 1;
			continue;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name), off = 0;
		const struct cli_option *opt = arg[1] == '-' && n ? find(opts, name, n, &off) : NULL;
		if (!opt) {
			*status = unknown(cmd, i, opts);
			return -1;
		}
		if (opt->type == CLI_OPT_FLAG && eq) {
			*status = cli_error(EXIT_USAGE, "--%s: accepted: no value (it is a switch)", opt->name);
			return -1;
		}
		if (eq) {
			v = eq + 1;
		} else if (opt->type == CLI_OPT_FLAG || (opt->flags & CLI_OPT_OPTARG)) {
			v = NULL;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			*status = cli_error(EXIT_USAGE, "--%s: missing value", opt->name);
			return -1;
		}
		if (store(opt, (char *)o + off + opt->off, v, status))
			return -1;
	}
	return kept;
}

/* "--name ARGH" as the help shows it. */
static void label(const struct cli_option *opt, char *buf, size_t size)
{
	char values[256] = "";
	const char *argh = opt->argh;
	if (!argh && opt->type == CLI_OPT_ENUM) {
		join_values(opt->values, "|", values, sizeof values);
		argh = values;
	}
	snprintf(buf, size, "--%s%s%s", opt->name, argh ? " " : "", argh ? argh : "");
}

static void print_options(FILE *f, const struct cli_option *opts)
{
	char lab[300];
	for (; opts->type != CLI_OPT_END; opts++) {
		if (opts->type == CLI_OPT_INCLUDE) {
			print_options(f, opts->sub);
			continue;
		}
		if (opts->type == CLI_OPT_GROUP) {
			fprintf(f, "\n%s\n", opts->name);
			continue;
		}
		label(opts, lab, sizeof lab);
		int width = HELP_INDENT + (int)strlen(lab);
		fprintf(f, "%*s%s", HELP_INDENT, "", lab);
		for (const char *h = opts->help ? opts->help : ""; *h;) {
			size_t len = strcspn(h, "\n");
			int pad = width < HELP_COLUMN ? HELP_COLUMN - width : 2;
			fprintf(f, "%*s%.*s", pad, "", (int)len, h);
			h += len;
			if (*h == '\n' && *++h) {
				fputc('\n', f);
				width = 0;
			}
		}
		fputc('\n', f);
	}
}

void cli_help_print(FILE *f, const struct cli_help *h)
{
	fputs(h->synopsis, f);
	for (size_t t = 0; t < sizeof h->tables / sizeof h->tables[0] && h->tables[t]; t++)
		print_options(f, h->tables[t]);
	if (h->notes)
		fputs(h->notes, f);
}

static void list_options(FILE *f, const char *cmd, const struct cli_option *opts)
{
	for (; opts->type != CLI_OPT_END; opts++)
		if (opts->type == CLI_OPT_INCLUDE)
			list_options(f, cmd, opts->sub);
		else if (opts->type != CLI_OPT_GROUP)
			fprintf(f, "%s --%s\n", cmd, opts->name);
}

void cli_help_list_options(FILE *f, const char *cmd, const struct cli_help *h)
{
	for (size_t t = 0; t < sizeof h->tables / sizeof h->tables[0] && h->tables[t]; t++)
		list_options(f, cmd, h->tables[t]);
}
