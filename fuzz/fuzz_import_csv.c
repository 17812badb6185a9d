/* libFuzzer target for the CSV importers (docs/import-csv.md).
 *
 * The first byte picks the parser: 0 Sleep as Android, 1 Oura CSV, 2 generic
 * CSV with a fixed map, 3 generic CSV without a map (the PleesTracker preset);
 * the rest is the file, served through mg_reader_mem. The sink checks what the
 * interface promises of every interval and period and aborts on a breach, so
 * a logic error is a finding, not only a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mgsleep/import.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s)
{
	if (!s)
		abort();
	(void)strlen(s); /* ASan catches a string that is not terminated */
}

static int on_interval(void *ctx, const struct mg_interval *iv, struct mg_error *err)
{
	(void)ctx;
	(void)err;
	check_str(iv->source);
	check_str(iv->device);
	check_str(iv->tz);
	check_str(iv->note);
	if (!iv->source[0] || !(iv->start < iv->end) || iv->stage < 0 || iv->stage >= MG_STAGE_COUNT ||
	    iv->kind < MG_DEV_WEARABLE || iv->kind > MG_DEV_OTHER || iv->start_offset < -18 * 60 ||
	    iv->start_offset > 18 * 60 || iv->end_offset < -18 * 60 || iv->end_offset > 18 * 60)
		abort();
	return 0;
}

static int on_period(void *ctx, const struct mg_period *p, struct mg_error *err)
{
	const int *v[] = {&p->tst, &p->sol, &p->awake, &p->light, &p->deep, &p->rem};
	(void)ctx;
	(void)err;
	check_str(p->source);
	check_str(p->device);
	check_str(p->tz);
	check_str(p->note);
	if (!p->source[0] || !(p->start < p->end) || p->nap < -1 || p->nap > 1)
		abort();
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (*v[i] < -1 || (int64_t)*v[i] * 60 > p->end - p->start + 60)
			abort();
	return 0;
}

static void on_skipped(void *ctx, const char *what, const char *source, const char *reason)
{
	(void)ctx;
	check_str(what);
	check_str(source);
	check_str(reason);
	if (!reason[0])
		abort();
}

static void on_info(void *ctx, const char *msg)
{
	(void)ctx;
	check_str(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_import_sink sink = {NULL, on_interval, on_period, on_skipped, on_info};
	struct mg_import_opts o = {.tz = "Europe/London"};
	struct mg_reader r;
	struct mg_reader_memctx m;
	struct mg_error err;
	int rc;

	if (size < 1)
		return 0;
	memset(&err, 0, sizeof err);
	mg_reader_mem(&r, &m, "fuzz.csv", data + 1, size - 1);
	switch (data[0] % 4) {
	case 0: rc = mg_import_saa(&r, &o, &sink, &err); break;
	case 1: rc = mg_import_oura_csv(&r, &o, &sink, &err); break;
	case 2:
		o.map = "start=start,end=end,stage=stage,source=source";
		rc = mg_import_csv(&r, &o, &sink, &err);
		break;
	default: rc = mg_import_csv(&r, &o, &sink, &err); break;
	}
	/* A failure must say something, on one line. */
	if (rc < 0 && (!err.msg[0] || strchr(err.msg, '\n')))
		abort();
	if (rc > 0)
		abort();
	return 0;
}
