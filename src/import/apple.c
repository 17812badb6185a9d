/* Apple Health export.xml: the fast scanner.
 *
 * An export is gigabytes of <Record> lines of which a few percent are sleep,
 * so this does not parse XML: it reads fixed chunks and looks, in one
 * vectorised pass, only for the bytes that can matter (docs/import-apple.md):
 *  - "SleepAnalysis", and "&#" (a character reference can spell the type
 *    attribute without the literal text);
 *  - "<!" and "<?", where comments, CDATA sections and processing
 *    instructions start, so that a hit inside them is not a record.
 * For a hit, the tag around it starts at the nearest '<' before it ('<'
 * cannot occur in an attribute value), and that start tag is parsed properly
 * (any attribute order, both quotes, entities, '>' inside values). A sleep
 * Record's children are read for its HKTimeZone MetadataEntry.
 *
 * What is checked: the root is <HealthData>, and the file ends with its end
 * tag followed only by whitespace, comments and processing instructions, so
 * a truncated export fails instead of importing half. What is tolerated:
 * errors expat would refuse outside sleep records (the scanner never looks
 * there). apple_expat.c is the reference; fuzz/fuzz_apple.c holds the two to
 * the same output. Prolog, DOCTYPE and control-character rules are shared
 * with it through apple_common.h. */
#define _GNU_SOURCE /* memmem, memrchr */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "apple_common.h"

#define CHUNK ((size_t)4 << 20)
#define ELEM_MAX ((size_t)16 << 20) /* the largest element (or markup) held whole */
#define PAD 64                      /* zeros after the data: vector loads past the end see no match */

enum { M_NORMAL, M_COMMENT, M_PI, M_CDATA };
enum { R_MORE = 0, R_SKIP = 1, R_DONE = 2 }; /* record(); negative = error */
enum { T_BAD = -1, T_MORE = 0, T_OK = 1 };   /* parse_tag() */

struct fx {
	struct mg_reader *r;
	const struct mg_import_sink *s;
	struct mg_error *err;
	char *buf;      /* buf[0..len) is the file from offset base; then PAD zeros */
	size_t cap, len;
	uint64_t base;
	int eof;
	char *scr;      /* decoded attribute values, cap + 1 bytes */
	size_t nscr;
	uint64_t last_e; /* end of the last comment/PI/CDATA section, 0 = none */
	int last_ok;     /* was the document complete before it? (tail_ok) */
	int root_closed; /* <HealthData/> */
	uint64_t root_end;
};

struct tattr {
	const char *name;
	size_t nl;
	const char *v; /* raw value in buf, NULL if absent */
	size_t n;
};

/* Whitespace for XML, plus the control bytes the pre-filter turns into
 * spaces (apple_common.h), so "a\x0bb" splits words here as it does there. */
static inline int wsz(unsigned char c)
{
	return c == ' ' || c < 0x20;
}

/* Keep buf[keep..len), read until the buffer is full or the file ends.
 * 1 when nothing could be read because the kept part fills ELEM_MAX. */
static int refill(struct fx *f, size_t keep)
{
	memmove(f->buf, f->buf + keep, f->len - keep);
	f->len -= keep;
	f->base += keep;
	if (f->len == f->cap) {
		size_t ncap = f->cap * 2;
		char *nb, *ns;
		if (f->cap >= ELEM_MAX)
			return 1;
		if (ncap > ELEM_MAX)
			ncap = ELEM_MAX;
		if (!(nb = realloc(f->buf, ncap + PAD)))
			return mg_fail(f->err, MG_ENOMEM, f->r->name, "%s: out of memory", f->r->name);
		f->buf = nb;
		if (!(ns = realloc(f->scr, ncap + 1)))
			return mg_fail(f->err, MG_ENOMEM, f->r->name, "%s: out of memory", f->r->name);
		f->scr = ns;
		f->cap = ncap;
	}
	while (!f->eof && f->len < f->cap) {
		ssize_t k = mg_reader_read(f->r, f->buf + f->len, f->cap - f->len, f->err);
		if (k < 0)
			return (int)k;
		if (k == 0)
			f->eof = 1;
		f->len += (size_t)k;
	}
	memset(f->buf + f->len, 0, PAD);
	return 0;
}

static inline int is_candidate(const char *b, size_t i)
{
	char c = b[i], n = b[i + 1];
	return (c == '<' && (n == '!' || n == '?')) || (c == '&' && n == '#') ||
	       (c == 'S' && n == 'l' && b[i + 12] == 's');
}

/* First position in [i, limit) where "<!", "<?", "&#" or "Sl..........s"
 * (the first, second and last bytes of "SleepAnalysis") starts, or limit.
 * Reads up to 28 bytes past a position: the PAD zeros cover the end. */
static size_t find_candidate(const char *b, size_t i, size_t limit)
{
#ifdef __SSE2__
	const __m128i lt = _mm_set1_epi8('<'), bang = _mm_set1_epi8('!'), qm = _mm_set1_epi8('?');
	const __m128i amp = _mm_set1_epi8('&'), hash = _mm_set1_epi8('#');
	const __m128i S = _mm_set1_epi8('S'), l = _mm_set1_epi8('l'), s = _mm_set1_epi8('s');
	for (; i + 32 <= limit; i += 32) {
		__m128i a0 = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
		__m128i a1 = _mm_loadu_si128((const __m128i *)(const void *)(b + i + 1));
		__m128i a12 = _mm_loadu_si128((const __m128i *)(const void *)(b + i + 12));
		__m128i c0 = _mm_loadu_si128((const __m128i *)(const void *)(b + i + 16));
		__m128i c1 = _mm_loadu_si128((const __m128i *)(const void *)(b + i + 17));
		__m128i c12 = _mm_loadu_si128((const __m128i *)(const void *)(b + i + 28));
		__m128i ma = _mm_or_si128(
			_mm_and_si128(_mm_cmpeq_epi8(a0, lt), _mm_or_si128(_mm_cmpeq_epi8(a1, bang), _mm_cmpeq_epi8(a1, qm))),
			_mm_and_si128(_mm_cmpeq_epi8(a0, amp), _mm_cmpeq_epi8(a1, hash)));
		__m128i mc = _mm_or_si128(
			_mm_and_si128(_mm_cmpeq_epi8(c0, lt), _mm_or_si128(_mm_cmpeq_epi8(c1, bang), _mm_cmpeq_epi8(c1, qm))),
			_mm_and_si128(_mm_cmpeq_epi8(c0, amp), _mm_cmpeq_epi8(c1, hash)));
		ma = _mm_or_si128(ma, _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(a0, S), _mm_cmpeq_epi8(a1, l)),
						    _mm_cmpeq_epi8(a12, s)));
		mc = _mm_or_si128(mc, _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(c0, S), _mm_cmpeq_epi8(c1, l)),
						    _mm_cmpeq_epi8(c12, s)));
		unsigned m = (unsigned)_mm_movemask_epi8(ma) | (unsigned)_mm_movemask_epi8(mc) << 16;
		if (m) {
			size_t p = i + (size_t)__builtin_ctz(m);
			return p < limit ? p : limit;
		}
	}
#else
	/* Without SSE2, eight bytes at a time: skip words holding none of the
	 * three first bytes ('<', '&', 'S'; haszero() is exact as a test), and
	 * look at the bytes of the others one by one. */
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	while (i + 8 <= limit) {
		uint64_t w, a, e, s;
		memcpy(&w, b + i, 8);
		a = w ^ (ones * '<');
		e = w ^ (ones * '&');
		s = w ^ (ones * 'S');
		if ((((a - ones) & ~a) | ((e - ones) & ~e) | ((s - ones) & ~s)) & highs) {
			for (size_t k = i; k < i + 8; k++)
				if (is_candidate(b, k))
					return k;
		}
		i += 8;
	}
#endif
	for (; i < limit; i++)
		if (is_candidate(b, i))
			return i;
	return limit;
}

/* Parse the start tag at b[p] == '<' up to len. Wanted attributes are
 * filled (first occurrence; expat refuses duplicates anyway). */
static int parse_tag(const char *b, size_t len, size_t p, struct tattr *want, size_t nw, size_t *nlen,
		     int *selfclose, size_t *end)
{
	size_t i = p + 1, ns = i;
	while (i < len && !wsz((unsigned char)b[i]) && b[i] != '>' && b[i] != '/')
		i++;
	if (i >= len)
		return T_MORE;
	*nlen = i - ns;
	if (!*nlen)
		return T_BAD;
	for (;;) {
		size_t an, al;
		const char *e;
		char q;
		while (i < len && wsz((unsigned char)b[i]))
			i++;
		if (i >= len)
			return T_MORE;
		if (b[i] == '>') {
			*end = i + 1;
			*selfclose = 0;
			return T_OK;
		}
		if (b[i] == '/') {
			if (i + 1 >= len)
				return T_MORE;
			if (b[i + 1] != '>')
				return T_BAD;
			*end = i + 2;
			*selfclose = 1;
			return T_OK;
		}
		an = i;
		while (i < len && !wsz((unsigned char)b[i]) && b[i] != '=' && b[i] != '>' && b[i] != '/')
			i++;
		al = i - an;
		while (i < len && wsz((unsigned char)b[i]))
			i++;
		if (i >= len)
			return T_MORE;
		if (b[i] != '=')
			return T_BAD;
		i++;
		while (i < len && wsz((unsigned char)b[i]))
			i++;
		if (i >= len)
			return T_MORE;
		q = b[i];
		if (q != '"' && q != '\'')
			return T_BAD;
		i++;
		if (!(e = memchr(b + i, q, len - i)))
			return T_MORE;
		for (size_t k = 0; k < nw; k++)
			if (!want[k].v && want[k].nl == al && memcmp(want[k].name, b + an, al) == 0) {
				want[k].v = b + i;
				want[k].n = (size_t)(e - (b + i));
			}
		i = (size_t)(e - b) + 1;
	}
}

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* "&...;" at v[0] (n bytes available): bytes consumed, decoded into o
 * (*on bytes), or 0 if it is not a reference expat would accept. */
static size_t entity(const char *v, size_t n, char *o, size_t *on)
{
	static const struct {
		const char *s;
		char c;
	} named[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
	for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
		size_t l = strlen(named[k].s);
		if (n >= l && memcmp(v, named[k].s, l) == 0) {
			o[0] = named[k].c;
			*on = 1;
			return l;
		}
	}
	if (n >= 4 && v[1] == '#') {
		int hex = v[2] == 'x';
		size_t i = hex ? 3 : 2, d0 = i;
		unsigned long cp = 0;
		for (; i < n; i++) { /* any number of digits, leading zeros included, as expat */
			int dv;
			char c = v[i];
			if (c >= '0' && c <= '9')
				dv = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				dv = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				dv = c - 'A' + 10;
			else
				break;
			cp = cp * (hex ? 16 : 10) + (unsigned long)dv;
			if (cp > 0x10FFFF)
				cp = 0x110000; /* saturate: out of range either way */
		}
		if (i == d0 || i >= n || v[i] != ';')
			return 0;
		/* Expat refuses references to characters XML does not allow;
		 * the scanner is only required to be no stricter. */
		if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
			cp = ' ';
		else if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || cp == 0xFFFE || cp == 0xFFFF)
			cp = 0xFFFD;
		*on = put_utf8(o, cp);
		return i + 1;
	}
	return 0;
}

/* Decode a raw attribute value as expat reports it (entities, references,
 * attribute-value normalisation of literal tab/CR/LF, CRLF as one) plus the
 * control-byte rule. Never longer than the raw text. Returns a NUL-terminated
 * string in the scratch area. */
static const char *decode(struct fx *f, const char *v, size_t n)
{
	char *o = f->scr + f->nscr, *start = o;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '&') {
			size_t on, used = entity(v + i, n - i, o, &on);
			if (used) {
				o += on;
				i += used - 1;
				continue;
			}
		} else if (c < 0x20) {
			if (c == '\r' && i + 1 < n && v[i + 1] == '\n')
				i++;
			c = ' ';
		}
		*o++ = (char)c;
	}
	*o++ = '\0';
	f->nscr = (size_t)(o - f->scr);
	return start;
}

static int raw_is(const char *v, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(v, s, n) == 0;
}

static int decoded_is(struct fx *f, const struct tattr *a, const char *s)
{
	size_t mark = f->nscr;
	int r;
	if (!a->v)
		return 0;
	if (!memchr(a->v, '&', a->n) && !memchr(a->v, '\0', a->n)) { /* the common case: no copy */
		int plain = 1;
		for (size_t i = 0; i < a->n; i++)
			if ((unsigned char)a->v[i] < 0x20)
				plain = 0;
		if (plain)
			return raw_is(a->v, a->n, s);
	}
	r = strcmp(decode(f, a->v, a->n), s) == 0;
	f->nscr = mark;
	return r;
}

/* Skip "<!--...-->", "<![CDATA[...]]>", "<?...?>" at b[j]; the position after
 * it, 0 if more data is needed, or j + 2 for other "<!" declarations. */
static size_t skip_markup(const char *b, size_t len, size_t j)
{
	const char *term, *e;
	size_t from, tl;
	if (memcmp(b + j, "<!--", 4) == 0)
		term = "-->", tl = 3, from = j + 4;
	else if (memcmp(b + j, "<![CDATA[", 9) == 0)
		term = "]]>", tl = 3, from = j + 9;
	else if (b[j + 1] == '?')
		term = "?>", tl = 2, from = j + 2;
	else
		return j + 2;
	if (from > len || !(e = memmem(b + from, len - from, term, tl)))
		return 0;
	return (size_t)(e - b) + tl;
}

/* The content of a sleep Record from i: find its end tag, and the value of
 * the first HKTimeZone MetadataEntry child that has one. */
static int children(struct fx *f, size_t i, size_t *end, const char **tz)
{
	const char *b = f->buf;
	size_t len = f->len;
	unsigned long depth = 0;
	for (;;) {
		const char *lt = memchr(b + i, '<', len - i);
		size_t j, nlen, te;
		int sc, r;
		struct tattr w[2] = {{"key", 3, NULL, 0}, {"value", 5, NULL, 0}};
		if (!lt)
			return T_MORE;
		j = (size_t)(lt - b);
		if (j + 9 > len && !f->eof)
			return T_MORE;
		if (b[j + 1] == '!' || b[j + 1] == '?') {
			if (!(i = skip_markup(b, len, j)))
				return T_MORE;
			continue;
		}
		if (b[j + 1] == '/') {
			const char *e = memchr(b + j, '>', len - j);
			if (!e)
				return T_MORE;
			i = (size_t)(e - b) + 1;
			if (depth == 0) {
				/* Another name (expat refuses the file) must not let the
				 * Record swallow, say, the root's end tag. */
				if (memcmp(b + j + 2, "Record", 6) != 0 || (b[j + 8] != '>' && !wsz((unsigned char)b[j + 8])))
					return T_BAD;
				*end = i;
				return T_OK;
			}
			depth--;
			continue;
		}
		if ((r = parse_tag(b, len, j, w, 2, &nlen, &sc, &te)) != T_OK)
			return r;
		if (depth == 0 && !*tz && w[1].v && raw_is(b + j + 1, nlen, "MetadataEntry") &&
		    decoded_is(f, &w[0], "HKTimeZone"))
			*tz = decode(f, w[1].v, w[1].n);
		if (!sc)
			depth++;
		i = te;
	}
}

/* The tag around a hit starts at b[lt]. R_DONE with *end after the whole
 * sleep Record, R_SKIP (*end after the tag if known, else 0), R_MORE, or a
 * negative error from the sink. */
static int record(struct fx *f, size_t lt, size_t *end)
{
	struct tattr w[] = {
		{"type", 4, NULL, 0}, {"value", 5, NULL, 0}, {"sourceName", 10, NULL, 0},
		{"device", 6, NULL, 0}, {"startDate", 9, NULL, 0}, {"endDate", 7, NULL, 0},
	};
	const char *v[6] = {NULL}, *tz = NULL;
	size_t nlen, te;
	int sc, r;
	*end = 0;
	if (f->buf[lt + 1] == '/' || f->buf[lt + 1] == '!' || f->buf[lt + 1] == '?')
		return R_SKIP;
	if (lt + 7 >= f->len && !f->eof)
		return R_MORE;
	/* most hits are in the Record's own tag; anything else is not ours */
	if (memcmp(f->buf + lt + 1, "Record", 6) != 0 || !wsz((unsigned char)f->buf[lt + 7]))
		return R_SKIP;
	r = parse_tag(f->buf, f->len, lt, w, 6, &nlen, &sc, &te);
	if (r == T_MORE)
		return R_MORE;
	if (r == T_BAD)
		return R_SKIP;
	*end = te;
	f->nscr = 0;
	if (!decoded_is(f, &w[0], MG_APPLE_SLEEP_TYPE))
		return R_SKIP;
	if (!sc) {
		r = children(f, te, end, &tz);
		if (r == T_MORE)
			return R_MORE;
		if (r == T_BAD) /* expat refuses the file; skip past the start tag */
			return R_SKIP;
	}
	for (int k = 1; k < 6; k++)
		if (w[k].v)
			v[k] = decode(f, w[k].v, w[k].n);
	r = mg_apple_emit(f->s, v[1], v[2], v[3], v[4], v[5], tz, f->err);
	return r ? r : R_DONE;
}

/* Is everything before buf[i] a complete document, give or take trailing
 * whitespace, comments and PIs? Asked where each comment or PI starts (the
 * answer is kept with it) and at the end of the file, so the bytes it needs
 * are always near: the scanner keeps from the last '<', and keeps
 * whitespace that follows the last comment. */
static int tail_ok(const struct fx *f, size_t i)
{
	uint64_t a;
	while (i > 0 && wsz((unsigned char)f->buf[i - 1]))
		i--;
	a = f->base + i;
	if (f->last_e && a == f->last_e)
		return f->last_ok;
	if (f->root_closed && a == f->root_end)
		return 1;
	if (i == 0 || f->buf[i - 1] != '>')
		return 0;
	i--;
	while (i > 0 && wsz((unsigned char)f->buf[i - 1]))
		i--;
	return i >= 12 && memcmp(f->buf + i - 12, "</HealthData", 12) == 0 && f->base + i - 12 >= f->root_end;
}

int mg_import_apple(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		    struct mg_error *err)
{
	struct fx f;
	struct mg_apple_prolog ps;
	size_t i = 0, lt = 0, pos, floor, nlen, te;
	int rc, mode = M_NORMAL, sc, lost = 0, whole = 0, mark_ok = 0;
	uint64_t mark = 0, bad_at = 0;
	const char *name = r->name;
	(void)o;
	memset(&f, 0, sizeof f);
	memset(&ps, 0, sizeof ps);
	f.r = r;
	f.s = s;
	f.err = err;
	/* a small file of known size gets a small buffer (tests, fuzzing,
	 * zip members); a wrong size only costs speed, the buffer still grows */
	f.cap = r->size >= 0 && (uint64_t)r->size < CHUNK ? (size_t)r->size + 1 : CHUNK;
	if (f.cap < 64)
		f.cap = 64;
	f.buf = malloc(f.cap + PAD);
	f.scr = malloc(f.cap + 1);
	if (!f.buf || !f.scr) {
		rc = mg_fail(err, MG_ENOMEM, name, "%s: out of memory", name);
		goto out;
	}
	if ((rc = refill(&f, 0)))
		goto out;

	/* The prolog, byte by byte with the rules expat's pre-filter uses, up
	 * to the '<' of the root element. One byte is kept across refills so
	 * that '<' is still there when the byte after it ends the prolog. */
	for (;;) {
		int a;
		if (i == f.len) {
			size_t keep = i ? i - 1 : 0;
			if (f.eof) {
				bad_at = f.base + i;
				goto not_export;
			}
			if ((rc = refill(&f, keep)))
				goto out;
			i -= keep;
			continue;
		}
		a = mg_apple_prolog_step(&ps, mg_apple_is_ctrl((unsigned char)f.buf[i]) ? ' ' : (unsigned char)f.buf[i]);
		i++;
		if (a == MG_PA_ROOT) {
			lt = i - 2;
			break;
		}
		if (a == MG_PA_JUNK) {
			bad_at = f.base + i - 1;
			goto not_export;
		}
	}
	for (;;) {
		int t = parse_tag(f.buf, f.len, lt, NULL, 0, &nlen, &sc, &te);
		if (t == T_OK && raw_is(f.buf + lt + 1, nlen, "HealthData"))
			break;
		if (t != T_MORE || f.eof) {
			bad_at = f.base + lt;
			goto not_export;
		}
		if ((rc = refill(&f, lt)) > 0)
			goto too_big;
		if (rc)
			goto out;
		lt = 0;
	}
	f.root_closed = sc;
	f.root_end = f.base + te;
	pos = floor = te;

	for (;;) {
		size_t p, limit, keep, end;
		if (mode != M_NORMAL) {
			const char *term = mode == M_COMMENT ? "-->" : mode == M_PI ? "?>" : "]]>";
			size_t tl = strlen(term);
			const char *e = memmem(f.buf + pos, f.len - pos, term, tl);
			if (e) {
				pos = floor = (size_t)(e - f.buf) + tl;
				f.last_e = f.base + pos;
				f.last_ok = mark_ok;
				mode = M_NORMAL;
				continue;
			}
			if (f.eof) {
				rc = mg_fail(err, MG_EPARSE, name, "%s: byte %llu: the file ends inside a %s (truncated?)",
					     name, (unsigned long long)mark,
					     mode == M_COMMENT ? "comment" : mode == M_PI ? "processing instruction"
											  : "CDATA section");
				goto out;
			}
			/* the body is not needed: keep only a possible partial terminator */
			keep = f.len - pos < tl - 1 ? pos : f.len - (tl - 1);
			if ((rc = refill(&f, keep)))
				goto out;
			pos = floor = 0;
			continue;
		}
		limit = f.eof ? f.len : f.len > 16 ? f.len - 16 : 0;
		if (limit < pos)
			limit = pos;
		p = find_candidate(f.buf, pos, limit);
		if (p >= limit) {
			if (f.eof)
				break;
			pos = limit;
			goto more;
		}
		if (f.buf[p] == '<') {
			if (p + 9 > f.len && !f.eof) {
				pos = p;
				goto more;
			}
			mark = f.base + p;
			lost = 0;
			if (memcmp(f.buf + p, "<!--", 4) == 0 || f.buf[p + 1] == '?' ||
			    memcmp(f.buf + p, "<![CDATA[", 9) == 0)
				mark_ok = tail_ok(&f, p);
			if (memcmp(f.buf + p, "<!--", 4) == 0)
				mode = M_COMMENT, pos = p + 4;
			else if (memcmp(f.buf + p, "<![CDATA[", 9) == 0)
				mode = M_CDATA, pos = p + 9;
			else if (f.buf[p + 1] == '?')
				mode = M_PI, pos = p + 2;
			else
				pos = p + 2;
			continue;
		}
		if (f.buf[p] == 'S' && memcmp(f.buf + p, "SleepAnalysis", 13) != 0) {
			pos = p + 1;
			continue;
		}
		{
			const char *l = memrchr(f.buf + floor, '<', p - floor);
			if (!l && lost) {
				/* the tag around this hit was dropped as too large */
				rc = mg_fail(err, MG_ETOOBIG, name, "%s: byte %llu: an element larger than %zu MiB",
					     name, (unsigned long long)(f.base + p), ELEM_MAX >> 20);
				goto out;
			}
			if (!l) { /* in text content */
				pos = p + 1;
				continue;
			}
			lost = 0;
			lt = (size_t)(l - f.buf);
		}
		rc = record(&f, lt, &end);
		if (rc < 0)
			goto out;
		if (rc == R_DONE) {
			pos = floor = end;
		} else if (rc == R_SKIP) {
			pos = end > p ? end : p + 1;
			if (end > p)
				floor = end;
		} else if (f.eof) {
			rc = mg_fail(err, MG_EPARSE, name, "%s: byte %llu: the file ends inside a Record (truncated?)",
				     name, (unsigned long long)(f.base + lt));
			goto out;
		} else {
			/* keep the whole element and read on */
			pos = floor = lt;
			whole = 1;
			goto more;
		}
		continue;
	more:
		/* A hit still to come belongs to the tag opened by the last '<'
		 * at or after floor: keep from there. */
		{
			const char *l = pos > floor ? memrchr(f.buf + floor, '<', pos - floor) : NULL;
			keep = l ? (size_t)(l - f.buf) : pos;
			if (!l) { /* whitespace after a comment is kept for tail_ok */
				size_t k = floor;
				while (k < pos && wsz((unsigned char)f.buf[k]))
					k++;
				if (k == pos)
					keep = floor;
			}
		}
		if (keep == 0 && f.len == f.cap && f.cap >= ELEM_MAX && !whole) {
			/* A huge tag or text that no hit has needed yet: drop it,
			 * and fail only if a hit turns up inside it. */
			keep = pos;
			lost = 1;
		}
		whole = 0;
		if ((rc = refill(&f, keep)) > 0)
			goto too_big;
		if (rc)
			goto out;
		pos -= keep;
		floor = floor > keep ? floor - keep : 0;
	}
	if (!tail_ok(&f, f.len)) {
		rc = mg_fail(err, MG_EPARSE, name,
			     "%s: byte %llu: the file ends before </HealthData> (truncated export?)", name,
			     (unsigned long long)(f.base + f.len));
		goto out;
	}
	rc = 0;
	goto out;
not_export:
	rc = mg_fail(err, MG_EPARSE, name, "%s: byte %llu: not an Apple Health export (no <HealthData> root)", name,
		     (unsigned long long)bad_at);
	goto out;
too_big:
	rc = mg_fail(err, MG_ETOOBIG, name, "%s: byte %llu: an element larger than %zu MiB", name,
		     (unsigned long long)f.base, ELEM_MAX >> 20);
out:
	free(f.buf);
	free(f.scr);
	return rc;
}
