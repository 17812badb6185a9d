/* mgsleep screen: a list of profiles -> one NDJSON result per record, in
 * input order (docs/screening.md). The library reads and screens
 * (include/mgsleep/screen.h); this file reads the options, runs each batch
 * on --jobs threads sharing the one loaded KB, and writes the results in
 * order. Memory is bounded by the batch, whatever the input's size. */
#include "cli.h"

#include <mgsleep/night.h>
#include <mgsleep/screen.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_JOBS 64
#define BATCH_RECS 8192
#define BATCH_BYTES ((size_t)8 << 20)

struct screen_opts {
	const char *input, *format, *output, *fields;
	long jobs;
};

static const char *const screen_formats[] = {"auto", "ndjson", "csv", "fhir", NULL};

static const struct cli_option screen_options[] = {
	CLI_OPT_STRING(struct screen_opts, input, "input", "FILE|-", "the profiles (default -, standard input)"),
	CLI_OPT_ENUM(struct screen_opts, format, "format", screen_formats,
		     "the input's format (default auto: from the first line)"),
	CLI_OPT_STRING(struct screen_opts, output, "output", "FILE",
		       "write the results there, replaced at the end (default standard output)"),
	CLI_OPT_NUMBER(struct screen_opts, jobs, "jobs", "N", 1, MAX_JOBS, "a number from 1 to 64",
		       "threads (default: the number of processors)"),
	CLI_OPT_STRING(struct screen_opts, fields, "fields", "LIST",
		       "full, compact (default), or a list of verdict,dose,interactions,warnings,referrals,renal,"
		       "medicines"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_screen = {
	"usage: mgsleep screen [--input FILE|-] [--format auto|ndjson|csv|fhir] [--output FILE] [--jobs N]\n"
	"                      [--fields LIST]\n",
	{screen_options},
	"  --kb DIR                  use a knowledge-base directory instead of the built-in one\n"
	"exit status: 0 every record screened, 1 one or more error results, 2 bad options or input\n"
	"that cannot be read (docs/screening.md)\n",
};

static ssize_t fd_read(void *ctx, char *buf, size_t cap, struct mg_error *err)
{
	int fd = *(int *)ctx;
	for (;;) {
		ssize_t n = read(fd, buf, cap);
		if (n >= 0 || errno != EINTR)
			return n >= 0 ? n : mg_fail(err, MG_EIO, "input", "input: read failed");
	}
}

struct slice {
	pthread_t thread;
	const struct mg_screen_opts *o;
	const struct mg_screen_batch *b;
	struct mg_screen_work *w;
	struct mg_buf out;
	size_t from, to;
	long failed;
};

static void *run_slice(void *arg)
{
	struct slice *s = arg;
	mg_buf_reset(&s->out);
	s->failed = mg_screen_run(s->o, s->w, s->b, s->from, s->to, &s->out);
	return NULL;
}

static int32_t today(void)
{
	char d[11];
	int y, m, day;
	cli_today(d);
	return sscanf(d, "%d-%d-%d", &y, &m, &day) == 3 ? mg_days_from_civil(y, m, day) : 0;
}

int cmd_screen(int argc, char **argv, struct mg_cli *cli)
{
	struct screen_opts o = {"-", "auto", NULL, "compact", 0};
	struct mg_error err = {0};
	struct mg_screen_opts so = {0};
	struct mg_screen_batch batch = MG_SCREEN_BATCH_INIT;
	struct mg_screen_in *in = NULL;
	struct slice *sl = NULL;
	char *tmp_path = NULL;
	int in_fd = -1, out_fd = STDOUT_FILENO, status = EXIT_OK, progress = isatty(STDERR_FILENO);
	size_t jobs = 0;
	unsigned long long done = 0, failed = 0;
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	if (cli_parse_options("screen", argc, argv, screen_options, &o, 0, &status) < 0)
		goto out;
	if (mg_screen_fields_parse(o.fields, &so.fields, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	jobs = o.jobs > 0 ? (size_t)o.jobs : (size_t)sysconf(_SC_NPROCESSORS_ONLN);
	jobs = jobs < 1 ? 1 : jobs > MAX_JOBS ? MAX_JOBS : jobs;
	if (!(sl = calloc(jobs, sizeof *sl))) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	in_fd = strcmp(o.input, "-") ? open(o.input, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (in_fd < 0) {
		status = cli_error(EXIT_USAGE, "--input '%s': cannot be read: %s", o.input, strerror(errno));
		goto out;
	}
	struct mg_reader r = {strcmp(o.input, "-") ? o.input : "standard input", -1, 0, fd_read, &in_fd, NULL, NULL};
	if (mg_screen_in_open(&in, &r, (enum mg_screen_format)mg_screen_format_parse(o.format), &err)) {
		status = cli_error(EXIT_USAGE, "--input '%s': %s", o.input, err.msg);
		goto out;
	}
	if (o.output) {
		/* Written beside the target and renamed at the end: an old file
		 * is replaced whole or not at all. */
		size_t n = strlen(o.output) + 16;
		if (!(tmp_path = malloc(n))) {
			status = cli_error(EXIT_FAIL, "out of memory");
			goto out;
		}
		snprintf(tmp_path, n, "%s.tmp-XXXXXX", o.output);
		if ((out_fd = mkstemp(tmp_path)) < 0) {
			status = cli_error(EXIT_USAGE, "--output '%s': cannot be written: %s", o.output, strerror(errno));
			free(tmp_path);
			tmp_path = NULL;
			goto out;
		}
	}
	so = (struct mg_screen_opts){kb, in, so.fields, today(), MGSLEEP_VERSION};
	for (size_t j = 0; j < jobs; j++) {
		sl[j].o = &so;
		sl[j].b = &batch;
		if (mg_screen_work_new(&sl[j].w, &err)) {
			status = cli_fail(&err);
			goto out;
		}
	}
	for (;;) {
		int n = mg_screen_in_fill(in, &batch, so.fields & MG_SCREEN_FULL ? BATCH_RECS / 8 : BATCH_RECS, BATCH_BYTES,
					  &err);
		if (n < 0) {
			status = cli_error(EXIT_USAGE, "--input '%s': %s", o.input, err.msg);
			goto out;
		}
		if (n == 0)
			break;
		/* Contiguous slices, one per thread (this one runs the first):
		 * written back in slice order, so results keep the input's. */
		size_t used = (size_t)n < jobs ? (size_t)n : jobs, started = 1;
		for (size_t j = 0; j < used; j++) {
			sl[j].from = (size_t)n * j / used;
			sl[j].to = (size_t)n * (j + 1) / used;
		}
		for (; started < used; started++)
			if (pthread_create(&sl[started].thread, NULL, run_slice, &sl[started]))
				break;
		run_slice(&sl[0]);
		/* a thread that could not start: its slice runs here */
		for (size_t j = started; j < used; j++)
			run_slice(&sl[j]);
		for (size_t j = 1; j < started; j++)
			pthread_join(sl[j].thread, NULL);
		for (size_t j = 0; j < used; j++) {
			if (sl[j].failed < 0) {
				status = cli_error(EXIT_FAIL, "out of memory");
				goto out;
			}
			failed += (unsigned long long)sl[j].failed;
			if (cli_write_fd(out_fd, sl[j].out.data, sl[j].out.len)) {
				status = cli_error(EXIT_USAGE, "%s: write failed: %s", o.output ? o.output : "standard output",
						   strerror(errno));
				goto out;
			}
		}
		done += (unsigned long long)n;
		if (progress)
			fprintf(stderr, "\rscreen: %llu records, %llu errors", done, failed);
	}
	if (progress)
		fputc('\n', stderr);
	if (tmp_path) {
		if (fsync(out_fd) || close(out_fd) || rename(tmp_path, o.output)) {
			out_fd = -1;
			status = cli_error(EXIT_USAGE, "--output '%s': cannot be written: %s", o.output, strerror(errno));
			goto out;
		}
		out_fd = -1;
		free(tmp_path);
		tmp_path = NULL;
	}
	status = failed ? EXIT_FAIL : EXIT_OK;
out:
	if (tmp_path) {
		if (out_fd >= 0)
			close(out_fd);
		unlink(tmp_path);
		free(tmp_path);
	}
	for (size_t j = 0; sl && j < jobs; j++) {
		mg_screen_work_free(sl[j].w);
		mg_buf_release(&sl[j].out);
	}
	free(sl);
	mg_screen_in_close(in);
	mg_screen_batch_release(&batch);
	if (in_fd > STDIN_FILENO)
		close(in_fd);
	return status;
}
