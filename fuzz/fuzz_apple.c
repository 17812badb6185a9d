/* Differential fuzzing of the Apple Health export.xml parsers
 * (docs/import-apple.md):
 *
 *  1. Both parsers run on the input through mg_reader_mem. If the expat
 *     reference succeeds, the fast scanner must succeed too, with exactly
 *     the same sequence of interval() and skipped() calls (every field,
 *     strings compared). Where expat refuses the input, the scanner may be
 *     more tolerant (it never looks outside sleep records), so nothing is
 *     required of it then, beyond not crashing.
 *  2. Truncation must be detected: for an input expat accepts, a prefix
 *     (cut at a point derived from the input) that expat refuses must be
 *     refused by the scanner as well. The one documented exception: a cut
 *     just after the end tag of a nested <HealthData> element, which the
 *     scanner cannot tell from the root's (Apple never nests it), so inputs
 *     with a second "<HealthData" skip this check.
 *
 * Any mismatch abort()s, with both event logs on stderr. */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mgsleep/import.h>

struct log {
	char *p;
	size_t n, cap;
};

static void add(struct log *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct log *l, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int k;
	va_start(ap, fmt);
	k = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (k < 0)
		abort();
	if ((size_t)k >= sizeof line) /* the lengths printed in each line cover the rest */
		k = sizeof line - 1;
	if (l->n + (size_t)k + 1 > l->cap) {
		size_t c = l->cap ? l->cap * 2 : 4096;
		while (c < l->n + (size_t)k + 1)
			c *= 2;
		if (!(l->p = realloc(l->p, c)))
			abort();
		l->cap = c;
	}
	memcpy(l->p + l->n, line, (size_t)k + 1);
	l->n += (size_t)k;
}

static int on_interval(void *ctx, const struct mg_interval *v, struct mg_error *err)
{
	(void)err;
	/* lengths too, so that a difference past the line cap still shows */
	add(ctx, "I|%zu:%s|%zu:%s|%d|%d|%lld|%lld|%d|%d|%s|%s\n", strlen(v->source), v->source, strlen(v->device),
	    v->device, v->kind, v->stage, (long long)v->start, (long long)v->end, v->start_offset, v->end_offset, v->tz,
	    v->note);
	if (!*v->source || v->end <= v->start)
		abort(); /* the interface promises both */
	return 0;
}

static void on_skipped(void *ctx, const char *what, const char *source, const char *reason)
{
	add(ctx, "S|%zu:%s|%zu:%s|%s\n", strlen(what), what, strlen(source), source, reason);
}

/* mode: 0 fast path, 1 expat, 2 fast path told the size is 0, so that it
 * starts with its smallest buffer and every input crosses refills */
static int run(int mode, const uint8_t *data, size_t size, struct log *l, char *msg)
{
	struct mg_reader r;
	struct mg_reader_memctx m;
	struct mg_import_sink s;
	struct mg_error err;
	int rc;
	memset(&s, 0, sizeof s);
	memset(&err, 0, sizeof err);
	s.ctx = l;
	s.interval = on_interval;
	s.skipped = on_skipped;
	l->n = 0;
	mg_reader_mem(&r, &m, "fuzz.xml", data, size);
	if (mode == 2)
		r.size = 0;
	rc = mode == 1 ? mg_import_apple_expat(&r, NULL, &s, &err) : mg_import_apple(&r, NULL, &s, &err);
	if (rc && (!err.msg[0] || strchr(err.msg, '\n')))
		abort(); /* errors are one non-empty line */
	if (msg)
		memcpy(msg, err.msg, sizeof err.msg);
	return rc;
}

static void mismatch(const char *what, const struct log *a, const struct log *b)
{
	fprintf(stderr, "fuzz_apple: %s\n--- expat:\n%.*s--- fast:\n%.*s", what, (int)(a->n > 4000 ? 4000 : a->n),
		a->p ? a->p : "", (int)(b->n > 4000 ? 4000 : b->n), b->p ? b->p : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct log ref = {0}, fast = {0}, tiny = {0};
	char m1[sizeof ((struct mg_error *)0)->msg], m2[sizeof m1];
	int rref = run(1, data, size, &ref, NULL);
	int rfast = run(0, data, size, &fast, m1);
	/* the buffer size must never change the outcome */
	if (run(2, data, size, &tiny, m2) != rfast || tiny.n != fast.n || (fast.n && memcmp(tiny.p, fast.p, fast.n)) ||
	    (rfast && strcmp(m1, m2)))
		mismatch("fast path differs with a small buffer", &fast, &tiny);
	if (rref == 0) {
		if (rfast != 0)
			mismatch("expat accepts, fast path fails", &ref, &fast);
		if (ref.n != fast.n || (ref.n && memcmp(ref.p, fast.p, ref.n) != 0))
			mismatch("different events", &ref, &fast);
		const uint8_t *root = memmem(data, size, "<HealthData", 11);
		if (size > 1 && root && !memmem(root + 11, size - (size_t)(root + 11 - data), "<HealthData", 11)) {
			/* a cut somewhere, chosen by the input's bytes */
			size_t h = 0, cut;
			for (size_t i = 0; i < size; i++)
				h = h * 31 + data[i];
			cut = h % size;
			if (run(1, data, cut, &ref, NULL) != 0 && run(0, data, cut, &fast, NULL) == 0)
				mismatch("a truncated copy passes the fast path", &ref, &fast);
		}
	}
	free(ref.p);
	free(fast.p);
	free(tiny.p);
	return 0;
}
