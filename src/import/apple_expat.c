/* Apple Health export.xml through expat: the reference parser.
 *
 * The fast scanner in apple.c is checked against this one (tests, fuzz/
 * fuzz_apple.c), so it is kept simple and conforming. Real exports are not
 * well-formed XML, so a streaming byte filter sits in front of expat
 * (apple_common.h has the rules, shared with the scanner):
 *  - the DOCTYPE declaration is blanked (iOS 16 ships a broken internal
 *    subset); its bytes become spaces, newlines are kept, so expat's line,
 *    column and byte offset still point into the original file;
 *  - bytes 0x00-0x08, 0x0B, 0x0C, 0x0E-0x1F become a space.
 * The document is read as UTF-8 whatever it declares, as Apple writes it. */
#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "apple_common.h"

#define CHUNK ((size_t)1 << 20)
#define HOLD_MAX 16 /* longest undecided prolog prefix: "<!DOCTYPE" */

struct ex {
	XML_Parser p;
	const struct mg_import_sink *s;
	struct mg_error *err;
	const char *name;
	int rc;            /* first error from a handler or the sink */
	unsigned long depth;
	unsigned long rec_depth; /* depth of the open sleep Record, 0 = none */
	/* the open sleep Record's attributes, copied (expat's are borrowed) */
	char *value, *source, *device, *start, *end, *tz;
};

static void drop_record(struct ex *x)
{
	free(x->value);
	free(x->source);
	free(x->device);
	free(x->start);
	free(x->end);
	free(x->tz);
	x->value = x->source = x->device = x->start = x->end = x->tz = NULL;
	x->rec_depth = 0;
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

/* Copy an optional attribute; 0 or -1 when out of memory. */
static int keep(char **dst, const char *v)
{
	if (!v)
		return 0;
	*dst = strdup(v);
	return *dst ? 0 : -1;
}

static void stop(struct ex *x, int rc)
{
	if (!x->rc)
		x->rc = rc;
	XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct ex *x = ud;
	x->depth++;
	if (x->rc)
		return;
	if (x->depth == 1) {
		if (strcmp(name, "HealthData") != 0)
			stop(x, mg_fail(x->err, MG_EPARSE, x->name,
					"%s: byte %lld: not an Apple Health export (no <HealthData> root)", x->name,
					(long long)XML_GetCurrentByteIndex(x->p)));
		return;
	}
	if (x->rec_depth) {
		/* Inside a sleep Record only its own MetadataEntry children
		 * matter; anything nested deeper, even a Record, is content
		 * (the scanner skips the whole element the same way). */
		const char *k;
		if (x->depth == x->rec_depth + 1 && !x->tz && strcmp(name, "MetadataEntry") == 0 &&
		    (k = attr(a, "key")) && strcmp(k, "HKTimeZone") == 0 && keep(&x->tz, attr(a, "value")))
			stop(x, mg_fail(x->err, MG_ENOMEM, x->name, "%s: out of memory", x->name));
		return;
	}
	if (strcmp(name, "Record") == 0) {
		const char *t = attr(a, "type");
		if (!t || strcmp(t, MG_APPLE_SLEEP_TYPE) != 0)
			return;
		x->rec_depth = x->depth;
		if (keep(&x->value, attr(a, "value")) || keep(&x->source, attr(a, "sourceName")) ||
		    keep(&x->device, attr(a, "device")) || keep(&x->start, attr(a, "startDate")) ||
		    keep(&x->end, attr(a, "endDate")))
			stop(x, mg_fail(x->err, MG_ENOMEM, x->name, "%s: out of memory", x->name));
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct ex *x = ud;
	(void)name;
	if (!x->rc && x->rec_depth && x->depth == x->rec_depth) {
		int r = mg_apple_emit(x->s, x->value, x->source, x->device, x->start, x->end, x->tz, x->err);
		drop_record(x);
		if (r)
			stop(x, r);
	}
	x->depth--;
}

/* Apply the pre-filter to buf[0..n). Returns how many bytes are final; the
 * rest (at most HOLD_MAX, a possible "<!DOCTYPE" still being read) must be
 * carried into the next chunk. */
static size_t prefilter(struct mg_apple_prolog *ps, int *in_prolog, char *buf, size_t n, int eof)
{
	long hold = -1;
	size_t i = 0;
	for (; i < n && *in_prolog; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (mg_apple_is_ctrl(c))
			buf[i] = ' ', c = ' ';
		switch (mg_apple_prolog_step(ps, c)) {
		case MG_PA_HOLD:
			if (hold < 0)
				hold = (long)i;
			break;
		case MG_PA_DROP:
			for (size_t j = hold < 0 ? i : (size_t)hold; j <= i; j++)
				if (buf[j] != '\n' && buf[j] != '\r')
					buf[j] = ' ';
			hold = -1;
			break;
		case MG_PA_ROOT:
		case MG_PA_JUNK:
			*in_prolog = 0;
			hold = -1;
			break;
		default:
			hold = -1;
			break;
		}
	}
	/* after the prolog only the control-byte rule; a loop the compiler
	 * vectorises */
	for (; i < n; i++)
		if (mg_apple_is_ctrl((unsigned char)buf[i]))
			buf[i] = ' ';
	if (hold >= 0 && !eof)
		return (size_t)hold;
	return n;
}

int mg_import_apple_expat(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
			  struct mg_error *err)
{
	struct ex x;
	struct mg_apple_prolog ps;
	char carry[HOLD_MAX];
	size_t ncarry = 0, chunk;
	int in_prolog = 1, rc = 0, eof = 0;
	(void)o;
	memset(&x, 0, sizeof x);
	memset(&ps, 0, sizeof ps);
	x.s = s;
	x.err = err;
	x.name = r->name;
	/* Forcing UTF-8 also keeps a UTF-16 file from being read differently
	 * from the byte scanner. */
	x.p = XML_ParserCreate("UTF-8");
	if (!x.p)
		return mg_fail(err, MG_ENOMEM, r->name, "%s: out of memory", r->name);
	XML_SetUserData(x.p, &x);
	XML_SetElementHandler(x.p, on_start, on_end);
	/* as in apple.c: a small file of known size, a small buffer */
	chunk = r->size >= 0 && (uint64_t)r->size < CHUNK ? (size_t)r->size + 1 : CHUNK;
	if (chunk < 64)
		chunk = 64;
	while (!eof) {
		char *buf = XML_GetBuffer(x.p, (int)(chunk + HOLD_MAX));
		ssize_t k;
		size_t n, ready;
		if (!buf) {
			rc = mg_fail(err, MG_ENOMEM, r->name, "%s: out of memory", r->name);
			goto out;
		}
		memcpy(buf, carry, ncarry);
		n = ncarry;
		k = mg_reader_read(r, buf + n, chunk, err);
		if (k < 0) {
			rc = (int)k;
			goto out;
		}
		eof = k == 0;
		n += (size_t)k;
		/* the carried bytes go through the prolog machine again, from the
		 * state it had at their start (TEXT: a hold always starts at '<') */
		ready = prefilter(&ps, &in_prolog, buf, n, eof);
		ncarry = n - ready;
		if (ncarry) {
			memcpy(carry, buf + ready, ncarry);
			ps.n -= ncarry;
			ps.st = MG_PS_TEXT;
		}
		if (XML_ParseBuffer(x.p, (int)ready, eof) != XML_STATUS_OK) {
			if (x.rc) {
				rc = x.rc;
			} else {
				rc = mg_fail(err, MG_EPARSE, r->name, "%s: line %lu, column %lu: %s (byte %lld)", r->name,
					     (unsigned long)XML_GetCurrentLineNumber(x.p),
					     (unsigned long)XML_GetCurrentColumnNumber(x.p) + 1,
					     XML_ErrorString(XML_GetErrorCode(x.p)),
					     (long long)XML_GetCurrentByteIndex(x.p));
			}
			goto out;
		}
	}
out:
	drop_record(&x);
	XML_ParserFree(x.p);
	return rc;
}
