/* The sink shared by the JSON importers' fuzz targets (fuzz_fitbit.c,
 * fuzz_oura.c). It checks what every importer promises (include/mgsleep/
 * import.h) and aborts otherwise: start < end, a known stage and kind,
 * non-NULL strings, a source, minutes in range; and, for these timeline
 * formats, that the stage intervals of one night lie inside its IN_BED
 * interval, in time order, without overlap. Also: an error always comes with
 * a one-line message. */
#ifndef MG_FUZZ_IMPORT_SINK_H
#define MG_FUZZ_IMPORT_SINK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mgsleep/import.h>

struct state {
	int64_t lo, hi, prev;
	int have_log;
	int periods_ok; /* 0: the format always has a timeline, a period is a bug */
};

static int on_iv(void *ctx, const struct mg_interval *iv, struct mg_error *err)
{
	struct state *st = ctx;
	(void)err;
	if (!iv->source || !*iv->source || !iv->device || !iv->tz || !iv->note || iv->start >= iv->end ||
	    iv->stage < 0 || iv->stage >= MG_STAGE_COUNT || iv->kind < 0 || iv->kind > MG_DEV_OTHER ||
	    iv->start_offset < -24 * 60 || iv->start_offset > 24 * 60 || iv->end_offset < -24 * 60 ||
	    iv->end_offset > 24 * 60 || iv->end - iv->start > 86400)
		abort();
	if (iv->stage == MG_STAGE_IN_BED) {
		st->lo = st->prev = iv->start;
		st->hi = iv->end;
		st->have_log = 1;
	} else {
		if (!st->have_log || iv->start < st->prev || iv->start < st->lo || iv->end > st->hi)
			abort();
		st->prev = iv->end;
	}
	return 0;
}

static int ok_min(int v)
{
	return v >= -1 && v <= 2 * 24 * 60;
}

static int on_pd(void *ctx, const struct mg_period *p, struct mg_error *err)
{
	const struct state *st = ctx;
	(void)err;
	if (!st->periods_ok || !p->source || !*p->source || !p->device || !p->tz || !p->note || p->start >= p->end ||
	    p->end - p->start > 86400 || p->kind < 0 || p->kind > MG_DEV_OTHER || p->nap < -1 || p->nap > 1 ||
	    !ok_min(p->tst) || !ok_min(p->sol) || !ok_min(p->awake) || !ok_min(p->light) || !ok_min(p->deep) ||
	    !ok_min(p->rem))
		abort();
	return 0;
}

static void on_skip(void *ctx, const char *what, const char *source, const char *reason)
{
	(void)ctx;
	if (!what || !*what || !source || !reason || !*reason)
		abort();
}

typedef int (*fuzz_parser)(struct mg_reader *, const struct mg_import_opts *, const struct mg_import_sink *,
			   struct mg_error *);

static inline void fuzz_import(fuzz_parser parse, const struct mg_import_opts *o, int periods_ok,
			       const uint8_t *data, size_t size)
{
	struct state st = {0, 0, 0, 0, periods_ok};
	struct mg_reader r;
	struct mg_reader_memctx m;
	struct mg_import_sink s = {.ctx = &st, .interval = on_iv, .period = on_pd, .skipped = on_skip};
	struct mg_error err;
	int rc;
	memset(&err, 0, sizeof err);
	mg_reader_mem(&r, &m, "fuzz.json", data, size);
	rc = parse(&r, o, &s, &err);
	if (rc > 0 || (rc < 0 && (!err.msg[0] || strchr(err.msg, '\n'))))
		abort();
}

#endif
