/* Where the time of `mgsleep screen` goes, on one core, in-process
 * (bench/screen.sh runs it; bench/README.md "Screening"):
 *   read   the stream into batches (mg_screen_in_fill), nothing else;
 *   parse  + each line through the profile reader and the cross-field check
 *            (mg_profile_load_json_id, mg_profile_check), as screen does;
 *   advise + mg_advise on each profile that parsed;
 *   screen the whole of mg_screen_run (parse, advise, the compact result).
 * Each pass over the whole file, KB loaded once; CPU ns per record (this
 * thread's CPU time, so that other work on a shared machine does not count),
 * and the share of each step derived from the differences.
 *
 * usage: bench_screen FILE.ndjson */
#include <mgsleep/profile.h>
#include <mgsleep/screen.h>

#include "bench.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

enum pass { READ, PARSE, ADVISE, SCREEN };

static ssize_t fd_read(void *ctx, char *buf, size_t cap, struct mg_error *err)
{
	(void)err;
	return read(*(int *)ctx, buf, cap);
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double run(const char *path, const struct mg_kb *kb, enum pass pass, unsigned long *records)
{
	struct mg_error err = {0};
	struct mg_screen_in *in = NULL;
	struct mg_screen_batch b = MG_SCREEN_BATCH_INIT;
	struct mg_screen_work *w = NULL;
	struct mg_buf out = MG_BUF_INIT;
	static struct mg_advice a;
	struct mg_profile p;
	char id[MG_SCREEN_ID_MAX];
	int fd = open(path, O_RDONLY), n;
	struct mg_reader r = {path, -1, 0, fd_read, &fd, NULL, NULL};
	double t0 = cpu_now();
	if (fd < 0 || mg_screen_in_open(&in, &r, MG_SCREEN_NDJSON, &err) || mg_screen_work_new(&w, &err)) {
		fprintf(stderr, "bench_screen: %s: cannot be read\n", path);
		exit(2);
	}
	struct mg_screen_opts o = {kb, in, MG_SCREEN_COMPACT, 20424, "bench"};
	*records = 0;
	while ((n = mg_screen_in_fill(in, &b, 8192, (size_t)8 << 20, &err)) > 0) {
		*records += (unsigned long)n;
		if (pass == SCREEN) {
			mg_buf_reset(&out);
			mg_screen_run(&o, w, &b, 0, (size_t)n, &out);
			continue;
		}
		for (size_t i = 0; pass != READ && i < b.n; i++) {
			mg_profile_init(&p);
			if (b.recs[i].too_long ||
			    mg_profile_load_json_id(&p, kb, b.arena + b.recs[i].off, b.recs[i].len, id, sizeof id, &err) ||
			    mg_profile_check(&p, &err))
				continue;
			if (pass == ADVISE)
				mg_advise(kb, &p, &a, &err);
		}
	}
	double t = cpu_now() - t0;
	mg_buf_release(&out);
	mg_screen_work_free(w);
	mg_screen_batch_release(&b);
	mg_screen_in_close(in);
	close(fd);
	return t;
}

int main(int argc, char **argv)
{
	struct mg_kb *kb;
	struct mg_error err = {0};
	static const char *const names[] = {"read", "parse", "advise", "screen"};
	double ns[4];
	unsigned long recs = 0;
	if (argc != 2) {
		fprintf(stderr, "usage: bench_screen FILE.ndjson\n");
		return 2;
	}
	if (mg_kb_load_builtin(&kb, &err))
		return 1;
	for (int pass = READ; pass <= SCREEN; pass++) {
		double t = run(argv[1], kb, (enum pass)pass, &recs);
		ns[pass] = t * 1e9 / (double)recs;
		printf("%-7s %8.0f CPU ns/record  %9.0f records per CPU-second  (%lu records)\n", names[pass], ns[pass], recs / t, recs);
	}
	printf("split: read %.0f ns, profile reader %.0f ns, engine (mg_advise) %.0f ns, compact result %.0f ns\n",
	       ns[READ], ns[PARSE] - ns[READ], ns[ADVISE] - ns[PARSE], ns[SCREEN] - ns[ADVISE]);
	mg_kb_free(kb);
	return 0;
}
