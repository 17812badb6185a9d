/* The record stream of `mgsleep screen` (include/mgsleep/screen.h): NDJSON
 * lines, or CSV records through the one RFC 4180 reader (csv.c), copied
 * into a batch so that threads can screen them after the next read.
 *
 * Memory: a 64 KiB chunk, the batch (bounded by the caller's max_bytes plus
 * one record) and, for CSV, the reader's one record. A line over
 * MG_SCREEN_LINE_MAX is counted and skipped, never held. */
#include <mgsleep/profile.h>
#include <mgsleep/screen.h>

#include "import_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK ((size_t)1 << 16)
#define MAX_COLS 32

struct mg_screen_in {
	struct mg_reader *r;
	enum mg_screen_format fmt;
	char chunk[CHUNK];
	size_t pos, len;
	int eof, first;
	unsigned long line; /* NDJSON: number of the next line */
	/* CSV: the reader, fed first with what the sniffing read (replay) */
	struct mg_csv *csv;
	struct mg_reader replay;
	size_t ncols;
	char cols[MAX_COLS][24]; /* profile keys, or "id" */
	/* A read error after some records of a batch: those are given first,
	 * the error at the next call. */
	int pending;
	struct mg_error pending_err;
};

int mg_screen_format_parse(const char *s)
{
	static const char *const names[] = {"auto", "ndjson", "csv", "fhir"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

const char *mg_screen_format_name(enum mg_screen_format f)
{
	return f == MG_SCREEN_CSV ? "csv" : f == MG_SCREEN_FHIR ? "fhir" : f == MG_SCREEN_NDJSON ? "ndjson" : "auto";
}

enum mg_screen_format mg_screen_in_format(const struct mg_screen_in *in)
{
	return in->fmt;
}

void mg_screen_batch_release(struct mg_screen_batch *b)
{
	free(b->arena);
	free(b->recs);
	memset(b, 0, sizeof *b);
}

static int fill(struct mg_screen_in *in, struct mg_error *err)
{
	if (in->eof)
		return 0;
	ssize_t n = mg_reader_read(in->r, in->chunk, sizeof in->chunk, err);
	if (n < 0)
		return (int)n;
	in->pos = 0;
	in->len = (size_t)n;
	in->eof = n == 0;
	return 0;
}

/* What the sniffing read goes to the CSV reader first. */
static ssize_t replay_read(void *ctx, char *buf, size_t cap, struct mg_error *err)
{
	struct mg_screen_in *in = ctx;
	if (in->pos == in->len)
		return in->eof ? 0 : mg_reader_read(in->r, buf, cap, err);
	size_t n = in->len - in->pos < cap ? in->len - in->pos : cap;
	memcpy(buf, in->chunk + in->pos, n);
	in->pos += n;
	return (ssize_t)n;
}

static int csv_header(struct mg_screen_in *in, struct mg_error *err)
{
	size_t n;
	char **cells;
	int r;
	in->replay = (struct mg_reader){in->r->name, -1, 0, replay_read, in, NULL, NULL};
	if ((r = mg_csv_open(&in->csv, &in->replay, err)))
		return r;
	if ((r = mg_csv_next(in->csv, &n, &cells, err)) <= 0)
		return r ? r : mg_fail(err, MG_EINVAL, "header", "line 1: no CSV header; accepted: id and profile keys");
	if (n > MAX_COLS)
		return mg_fail(err, MG_EINVAL, "header", "line 1: more than %d columns", MAX_COLS);
	for (size_t i = 0; i < n; i++) {
		const char *c = cells[i];
		if ((strcmp(c, "id") && !mg_profile_key_kind(c)) || strlen(c) >= sizeof in->cols[0])
			return mg_fail(err, MG_EINVAL, "header",
				       "line 1: column %zu is not a profile key; accepted: id, age, sex, weight, "
				       "height, creatinine, egfr, crcl, dialysis, pregnant, breastfeeding, conditions, "
				       "medicines, supplement_mg, diet_mg, isi, symptoms, jurisdiction, prefer_form",
				       i + 1);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(in->cols[j], c))
				return mg_fail(err, MG_EINVAL, "header", "line 1: column %zu repeats column %zu", i + 1,
					       j + 1);
		memcpy(in->cols[i], c, strlen(c) + 1);
	}
	in->ncols = n;
	return 0;
}

/* The first line decides: a JSON object naming a resourceType is a FHIR
 * resource (a profile has no such key), another object a profile, anything
 * else a CSV header. Only the first chunk is looked at. */
static enum mg_screen_format sniff(const struct mg_screen_in *in)
{
	const char *p = in->chunk, *end = in->chunk + in->len;
	if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p == end || *p != '{')
		return p == end ? MG_SCREEN_NDJSON : MG_SCREEN_CSV;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = (size_t)((nl ? nl : end) - p);
	static const char key[] = "\"resourceType\"";
	for (size_t i = 0; i + sizeof key - 1 <= n; i++)
		if (p[i] == '"' && !memcmp(p + i, key, sizeof key - 1))
			return MG_SCREEN_FHIR;
	return MG_SCREEN_NDJSON;
}

int mg_screen_in_open(struct mg_screen_in **out, struct mg_reader *r, enum mg_screen_format fmt,
		      struct mg_error *err)
{
	struct mg_screen_in *in = calloc(1, sizeof *in);
	int rc = 0;
	*out = NULL;
	if (!in)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	/* jansson seeds its hash function on first use; do it here, before
	 * any thread parses. */
	json_object_seed(0);
	in->r = r;
	in->line = 1;
	in->first = 1;
	/* Sniffing needs the whole first line (or a full chunk): a pipe may
	 * deliver less than that per read. */
	while (!in->eof && in->len < sizeof in->chunk && !memchr(in->chunk, '\n', in->len)) {
		ssize_t n = mg_reader_read(r, in->chunk + in->len, sizeof in->chunk - in->len, err);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		in->eof = n == 0;
		in->len += (size_t)n;
	}
	/* Bytes may follow even if a read gave none: read again later. */
	in->eof = 0;
	in->fmt = fmt == MG_SCREEN_AUTO ? sniff(in) : fmt;
	if (in->fmt == MG_SCREEN_CSV && (rc = csv_header(in, err)))
		goto out;
	*out = in;
	in = NULL;
out:
	mg_screen_in_close(in);
	return rc;
}

void mg_screen_in_close(struct mg_screen_in *in)
{
	if (!in)
		return;
	mg_csv_close(in->csv);
	free(in);
}

static int grow(struct mg_screen_batch *b, size_t extra, struct mg_error *err)
{
	if (b->cap - b->len > extra)
		return 0;
	size_t ncap = b->cap ? b->cap : (size_t)1 << 16;
	while (ncap - b->len <= extra)
		ncap *= 2;
	char *p = realloc(b->arena, ncap);
	if (!p)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	b->arena = p;
	b->cap = ncap;
	return 0;
}

static struct mg_screen_rec *push(struct mg_screen_batch *b, struct mg_error *err)
{
	if (b->n == b->rcap) {
		size_t ncap = b->rcap ? b->rcap * 2 : 1024;
		struct mg_screen_rec *p = realloc(b->recs, ncap * sizeof *p);
		if (!p) {
			mg_fail(err, MG_ENOMEM, NULL, "out of memory");
			return NULL;
		}
		b->recs = p;
		b->rcap = ncap;
	}
	struct mg_screen_rec *rec = &b->recs[b->n++];
	memset(rec, 0, sizeof *rec);
	return rec;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* One line into the arena (at most MG_SCREEN_LINE_MAX bytes kept): 1, 0 at
 * the end, or a negative MG_E*. */
static int next_line(struct mg_screen_in *in, struct mg_screen_batch *b, struct mg_screen_rec *rec,
		     struct mg_error *err)
{
	size_t total = 0;
	int any = 0, rc;
	rec->off = b->len;
	rec->line = in->line;
	for (;;) {
		if (in->pos == in->len) {
			if ((rc = fill(in, err)))
				return rc;
			if (in->eof)
				break;
		}
		const char *s = in->chunk + in->pos;
		const char *nl = memchr(s, '\n', in->len - in->pos);
		size_t n = nl ? (size_t)(nl - s) : in->len - in->pos;
		any = 1;
		if (!rec->too_long && total + n > MG_SCREEN_LINE_MAX) {
			rec->too_long = 1;
			b->len = rec->off;
		}
		if (!rec->too_long) {
			if ((rc = grow(b, n + 1, err)))
				return rc;
			memcpy(b->arena + b->len, s, n);
			b->len += n;
		}
		total += n;
		in->pos += n + (nl != NULL);
		if (nl)
			break;
	}
	if (!any)
		return 0;
	in->line++;
	if (!rec->too_long) {
		rec->len = b->len - rec->off;
		if (rec->len && b->arena[b->len - 1] == '\r')
			rec->len--, b->len--;
		if (in->first && rec->len >= 3 && !memcmp(b->arena + rec->off, "\xEF\xBB\xBF", 3))
			rec->off += 3, rec->len -= 3;
		b->arena[b->len++] = '\0';
	}
	in->first = 0;
	return 1;
}

static int next_csv(struct mg_screen_in *in, struct mg_screen_batch *b, struct mg_screen_rec *rec,
		    struct mg_error *err)
{
	size_t n;
	char **cells;
	int rc = mg_csv_next(in->csv, &n, &cells, err);
	if (rc <= 0)
		return rc;
	rec->off = b->len;
	rec->line = mg_csv_line(in->csv);
	rec->ncells = n;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(cells[i]);
		if ((rc = grow(b, len + 1, err)))
			return rc;
		memcpy(b->arena + b->len, cells[i], len + 1);
		b->len += len + 1;
	}
	rec->len = b->len - rec->off;
	return 1;
}

int mg_screen_in_fill(struct mg_screen_in *in, struct mg_screen_batch *b, size_t max_recs, size_t max_bytes,
		      struct mg_error *err)
{
	b->len = 0;
	b->n = 0;
	if (in->pending) {
		if (err)
			*err = in->pending_err;
		return in->pending;
	}
	while (b->n < max_recs && b->len < max_bytes) {
		struct mg_screen_rec *rec = push(b, err);
		if (!rec)
			return MG_ENOMEM;
		size_t mark = b->len;
		int rc = in->fmt == MG_SCREEN_CSV ? next_csv(in, b, rec, err) : next_line(in, b, rec, err);
		if (rc < 0) {
			b->n--;
			b->len = mark;
			if (!b->n)
				return rc;
			in->pending = rc;
			if (err)
				in->pending_err = *err;
			break;
		}
		int skip = rc == 0 || (!rec->too_long && (in->fmt == MG_SCREEN_CSV
								  ? rec->ncells == 1 && !b->arena[rec->off]
								  : blank(b->arena + rec->off, rec->len)));
		if (skip) {
			b->n--;
			b->len = mark;
			if (rc == 0)
				break;
		}
	}
	return (int)b->n;
}

size_t mg_screen_in_columns(const struct mg_screen_in *in, const char **cols, size_t max)
{
	size_t n = in->ncols < max ? in->ncols : max;
	for (size_t i = 0; i < n; i++)
		cols[i] = in->cols[i];
	return in->ncols;
}
