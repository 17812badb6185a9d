/* mgsleep import FILE...: device exports into the store, exactly once, with
 * a report of what was read, added, already there and skipped. Everything
 * happens in one transaction: an error in any file leaves the store as it
 * was, and --dry-run rolls back after the report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mgsleep/buf.h>
#include <mgsleep/import.h>
#include <mgsleep/store.h>

#include "cli.h"

struct progress {
	int tty;
	double t0, last;
	double delay; /* seconds before the first draw, so short imports do not flicker */
	int drawn;
	struct mg_buf *lines; /* "Read FILE (FORMAT)." for the report */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void human(char *out, size_t n, double bytes)
{
	if (bytes >= 1e9)
		snprintf(out, n, "%.2f GB", bytes / 1e9);
	else
		snprintf(out, n, "%.0f MB", bytes / 1e6);
}

/* A bar with rate and time left, redrawn at most ten times a second, only
 * on a terminal: redirected output stays clean. */
static void on_progress(void *pctx, uint64_t done, int64_t total)
{
	struct progress *p = pctx;
	double t = now_s(), el, rate;
	char a[32], b[32];
	if (!p->tty || t - p->last < 0.1 || t - p->t0 < p->delay)
		return;
	p->last = t;
	el = t - p->t0;
	rate = el > 0 ? (double)done / el : 0;
	human(a, sizeof a, (double)done);
	if (total > 0 && (uint64_t)total >= done) {
		int w = 30, fill = (int)((double)done / (double)total * w);
		double left = rate > 0 ? (double)((uint64_t)total - done) / rate : 0;
		human(b, sizeof b, (double)total);
		fprintf(stderr, "\r[%.*s%*s] %3d%%  %s of %s  %.0f MB/s  %.0f s left ", fill,
			"##############################", w - fill, "", (int)((double)done * 100.0 / (double)total), a, b,
			rate / 1e6, left);
	} else {
		fprintf(stderr, "\r%s read  %.0f MB/s ", a, rate / 1e6);
	}
	p->drawn = 1;
}

/* Names come from the archive: escaped, so a member named with a newline or
 * a terminal escape prints as text on one line. */
static void put_line(struct mg_buf *o, const char *text)
{
	char line[4 * 1400];
	mg_escape(line, sizeof line, text);
	mg_buf_printf(o, "%s\n", line);
}

static void note_member(void *pctx, const char *name, int fmt)
{
	struct progress *p = pctx;
	char text[1400];
	snprintf(text, sizeof text, "Read %s (%s).", name, mg_format_name(fmt));
	put_line(p->lines, text);
}

static void report_text(struct mg_buf *o, const struct mg_db_import *im, int dry_run)
{
	size_t n, ninfo, nskip = 0;
	const struct mg_import_count *c = mg_db_import_counts(im, &n);
	const char *const *info = mg_db_import_infos(im, &ninfo);
	struct mg_import_totals t;
	unsigned long read = 0, added = 0, present = 0, skipped = 0;
	mg_db_import_totals(im, &t);
	for (size_t i = 0; i < ninfo; i++)
		put_line(o, info[i]);
	if (n)
		mg_buf_printf(o, "\n%-24s %-20s %9s %9s %9s\n", "Source", "Record", "read", dry_run ? "would add" : "added",
			      "had");
	for (size_t i = 0; i < n; i++) {
		read += c[i].read;
		added += c[i].imported;
		present += c[i].present;
		skipped += c[i].skipped;
		if (c[i].reason[0]) {
			nskip++;
			continue;
		}
		mg_buf_printf(o, "%-24.24s %-20.20s %9lu %9lu %9lu\n", c[i].source, c[i].what, c[i].read, c[i].imported,
			      c[i].present);
	}
	if (nskip) {
		mg_buf_puts(o, "\nSkipped records (not imported):\n");
		for (size_t i = 0; i < n; i++)
			if (c[i].reason[0])
				mg_buf_printf(o, "  %lu x %s from %s: %s\n", c[i].skipped, c[i].what,
					      c[i].source[0] ? c[i].source : "(no source)", c[i].reason);
	}
	mg_buf_printf(o, "\nSleep records: %lu read, %lu %s, %lu already stored, %lu skipped.\n", read, added,
		      dry_run ? "would be added" : "added", present, skipped);
	if (t.nights_after)
		mg_buf_printf(o, "Nights with device sleep: %lu (%s to %s), %lu new; naps: %lu.\n", t.nights_after, t.first,
			      t.last, t.nights_after - t.nights_before, t.naps_after);
	else
		mg_buf_puts(o, "No nights with device sleep yet.\n");
	if (dry_run)
		mg_buf_puts(o, "Dry run: nothing was written.\n");
	else if (t.nights_after)
		mg_buf_puts(o, "See them with: mgsleep diary (hand-written entries stay the main record).\n");
}

void cli_import_report_json(struct mg_buf *o, const struct mg_db_import *im, int dry_run)
{
	size_t n, ninfo;
	const struct mg_import_count *c = mg_db_import_counts(im, &n);
	const char *const *info = mg_db_import_infos(im, &ninfo);
	struct mg_import_totals t;
	mg_db_import_totals(im, &t);
	mg_buf_printf(o, "{\"dry_run\":%s,\"counts\":[", dry_run ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		mg_buf_puts(o, i ? ",{\"source\":" : "{\"source\":");
		mg_buf_put_json_str(o, c[i].source);
		mg_buf_puts(o, ",\"record\":");
		mg_buf_put_json_str(o, c[i].what);
		if (c[i].reason[0]) {
			mg_buf_puts(o, ",\"reason\":");
			mg_buf_put_json_str(o, c[i].reason);
		}
		mg_buf_printf(o, ",\"read\":%lu,\"added\":%lu,\"already\":%lu,\"skipped\":%lu}", c[i].read, c[i].imported,
			      c[i].present, c[i].skipped);
	}
	mg_buf_puts(o, "],\"info\":[");
	for (size_t i = 0; i < ninfo; i++) {
		if (i)
			mg_buf_putc(o, ',');
		mg_buf_put_json_str(o, info[i]);
	}
	mg_buf_printf(o, "],\"nights_before\":%lu,\"nights\":%lu,\"naps\":%lu,\"first\":", t.nights_before,
		      t.nights_after, t.naps_after);
	if (t.first[0]) {
		mg_buf_put_json_str(o, t.first);
		mg_buf_puts(o, ",\"last\":");
		mg_buf_put_json_str(o, t.last);
	} else {
		mg_buf_puts(o, "null,\"last\":null");
	}
	mg_buf_puts(o, "}\n");
}

struct import_cli_opts {
	const char *prefer, *tz, *map, *source, *format;
	int dry_run;
};

static const struct cli_option import_options[] = {
	CLI_OPT_BOOL(struct import_cli_opts, dry_run, "dry-run", "show the report, write nothing"),
	CLI_OPT_STRING(struct import_cli_opts, prefer, "prefer-source", "NAMES",
		       "sources to use first when several recorded a night (remembered);\n"
		       "default: watch or ring, then phone, then other apps"),
	CLI_OPT_STRING(struct import_cli_opts, tz, "tz", "ZONE",
		       "time zone of exports with local times and no zone (Fitbit; CSV);\ndefault: this computer's"),
	CLI_OPT_STRING(struct import_cli_opts, map, "map", "SPEC", "columns of a CSV: start, end (required), stage, source"),
	CLI_OPT_STRING(struct import_cli_opts, source, "source", "NAME", "source name for CSV rows without one (default csv)"),
	CLI_OPT_ENUM(struct import_cli_opts, format, "format", cli_text_json, "the report as text (default) or json"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_import = {
	"usage: mgsleep import FILE|FOLDER... [--dry-run] [--prefer-source NAME[,NAME]] [--tz ZONE]\n"
	"                      [--map start=COL,end=COL[,stage=COL][,source=COL]] [--source NAME]\n"
	"                      [--format text|json]\n"
	"  FILE                      export.zip or export.xml (Apple Health), sleep-*.json or a Takeout\n"
	"                            folder or zip (Fitbit), Oura sleep JSON or CSV, Sleep as Android\n"
	"                            sleep-export.csv or its zip, or any CSV with --map; the format is\n"
	"                            read from the content, not the name\n",
	{import_options},
	NULL,
};

int cmd_import(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_import_opts o = {0};
	const char *prefer = NULL, *format = "text";
	const char **files = NULL;
	int nfiles = 0, dry_run = 0, status = EXIT_OK, began = 0;
	struct mg_db *db = NULL;
	struct mg_db_import *im = NULL;
	struct mg_error err = {0};
	struct mg_buf names = MG_BUF_INIT, out = MG_BUF_INIT, lines = MG_BUF_INIT;
	struct progress pg = {0};

	if (!(files = calloc((size_t)argc, sizeof *files)))
		return cli_error(EXIT_FAIL, "out of memory");
	struct import_cli_opts io = {NULL, NULL, NULL, NULL, "text", 0};
	if ((nfiles = cli_parse_options("import", argc, argv, import_options, &io, CLI_PARSE_ARGS, &status)) < 0) {
		nfiles = 0;
		goto out;
	}
	for (int i = 0; i < nfiles; i++)
		files[i] = argv[i];
	prefer = io.prefer, format = io.format, dry_run = io.dry_run;
	o.tz = io.tz, o.map = io.map, o.source = io.source;
	if (!nfiles) {
		status = cli_error(EXIT_USAGE, "import: needs a FILE or FOLDER; see 'mgsleep help import'");
		goto out;
	}
	if (mg_tz_check(o.tz, &err)) {
		status = cli_error(EXIT_USAGE, "--tz: %s", err.msg);
		goto out;
	}
	/* Check every file is there before touching the store. */
	for (int i = 0; i < nfiles; i++) {
		struct stat fst;
		if (access(files[i], R_OK) || stat(files[i], &fst)) {
			status = cli_error(EXIT_USAGE, "%s: %s", files[i], strerror(errno));
			goto out;
		}
		if (!S_ISREG(fst.st_mode) && !S_ISDIR(fst.st_mode)) {
			status = cli_error(EXIT_USAGE, "%s: not a file or folder (a device, pipe or socket)", files[i]);
			goto out;
		}
	}
	/* A dry run never creates the store: without one it runs on an empty
	 * store in memory, which is what the first import would find. */
	struct stat st;
	if (dry_run && lstat(cli_db_path(cli), &st) && errno == ENOENT) {
		if (mg_db_open_scratch(&db, &err)) {
			status = cli_fail(&err);
			goto out;
		}
	} else if (!(db = cli_db_open(cli, dry_run ? 0 : MG_DB_CREATE, &status))) {
		goto out;
	}
	if (mg_db_begin(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	began = 1;
	if (mg_db_import_start(db, cli_now(), &im, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	pg.lines = &lines;
	pg.tty = isatty(2);
	pg.delay = getenv("MGSLEEP_PROGRESS_DELAY") ? atof(getenv("MGSLEEP_PROGRESS_DELAY")) : 0.5;
	pg.t0 = now_s();
	pg.last = pg.t0 - 1;
	mg_buf_putc(&names, '[');
	for (int i = 0; i < nfiles; i++) {
		const char *base = strrchr(files[i], '/');
		if (mg_import_path(files[i], &o, mg_db_import_sink(im), on_progress, &pg, note_member, NULL, &err)) {
			if (pg.drawn)
				fputc('\n', stderr);
			/* Parsers name the file in err.field: then the input is at
			 * fault (exit 2); the store ("store") and memory are ours (exit 1). */
			int ours = err.code == MG_ENOMEM || !err.field[0] || !strcmp(err.field, "store");
			status = cli_error(ours ? EXIT_FAIL : EXIT_USAGE, "%s", err.msg[0] ? err.msg : mg_strerror(err.code));
			goto out;
		}
		if (i)
			mg_buf_putc(&names, ',');
		mg_buf_put_json_str(&names, base ? base + 1 : files[i]);
	}
	mg_buf_putc(&names, ']');
	if (pg.drawn)
		fputs("\r\033[K", stderr);
	if (mg_db_import_finish(im, names.data, prefer, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	if (!strcmp(format, "json")) {
		cli_import_report_json(&out, im, dry_run);
	} else {
		mg_buf_add(&out, lines.data, lines.len);
		report_text(&out, im, dry_run);
	}
	if (dry_run) {
		mg_db_rollback(db);
	} else if (mg_db_commit(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	began = 0;
	if (out.failed)
		status = cli_error(EXIT_FAIL, "out of memory");
	else
		status = cli_write(out.data, out.len);
out:
	mg_db_import_free(im);
	if (began)
		mg_db_rollback(db);
	if (db)
		mg_db_close(db);
	mg_buf_release(&names);
	mg_buf_release(&out);
	mg_buf_release(&lines);
	free(files);
	return status;
}
