#include <mgsleep/buf.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif


void mg_buf_release(struct mg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void mg_buf_reset(struct mg_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *mg_buf_detach(struct mg_buf *b, size_t *len)
{
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int mg_buf_reserve(struct mg_buf *b, size_t extra)
{
	size_t max = b->max ? b->max : MG_BUF_DEFAULT_MAX;
	if (b->failed)
		return -1;
	if (extra > max || b->len + extra + 1 > max) {
		b->failed = 1;
		return -1;
	}
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + extra + 1)
		ncap *= 2;
	if (ncap > max)
		ncap = max;
	char *p = realloc(b->data, ncap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

/* mg_buf_reserve's answer when there is already room, without the call. */
static inline int reserve(struct mg_buf *b, size_t extra)
{
	return mg_buf_has_room(b, extra) ? 0 : mg_buf_reserve(b, extra);
}

void mg_buf_add(struct mg_buf *b, const void *p, size_t n)
{
	if (reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void mg_buf_puts(struct mg_buf *b, const char *s)
{
	mg_buf_add(b, s, strlen(s));
}

void mg_buf_putc(struct mg_buf *b, char c)
{
	if (reserve(b, 1))
		return;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void mg_buf_printf(struct mg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof tmp) {
		mg_buf_add(b, tmp, (size_t)n);
		return;
	}
	if (mg_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void mg_buf_put_int(struct mg_buf *b, long long v, int with_sep)
{
	char tmp[32];
	size_t i = sizeof tmp;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	int digits = 0;
	do {
		if (with_sep && digits && digits % 3 == 0)
			tmp[--i] = ',';
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
		digits++;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	mg_buf_add(b, tmp + i, sizeof tmp - i);
}

static void put_fixed(struct mg_buf *b, double v, int decimals, int trim)
{
	static const double scale[] = {1, 10, 100, 1000};
	if (decimals < 0)
		decimals = 0;
	if (decimals > 3)
		decimals = 3;
	if (!isfinite(v)) {
		mg_buf_puts(b, "null");
		return;
	}
	double r = round(fabs(v) * scale[decimals]);
	if (r > 9e15) { /* beyond exact integers: fall back to printf */
		mg_buf_printf(b, "%.*f", decimals, v);
		return;
	}
	long long n = (long long)r;
	long long ip = n / (long long)scale[decimals];
	long long fp = n % (long long)scale[decimals];
	if (v < 0 && n != 0)
		mg_buf_putc(b, '-');
	mg_buf_put_int(b, ip, 0);
	if (decimals == 0)
		return;
	char frac[4];
	for (int i = decimals - 1; i >= 0; i--) {
		frac[i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	int len = decimals;
	if (trim)
		while (len > 0 && frac[len - 1] == '0')
			len--;
	if (len == 0)
		return;
	mg_buf_putc(b, '.');
	mg_buf_add(b, frac, (size_t)len);
}

void mg_buf_put_fixed(struct mg_buf *b, double v, int decimals)
{
	put_fixed(b, v, decimals, 0);
}

void mg_buf_put_num(struct mg_buf *b, double v, int max_decimals)
{
	put_fixed(b, v, max_decimals, 1);
}

/* Index of the first byte at or after i that JSON needs escaped (< 0x20, '"'
 * or '\\'), or n. Strings are mostly plain prose, so scan 16 (SSE2) or 8
 * (SWAR) bytes at a time; rendering an advice as JSON is dominated by this. */
#ifdef __SSE2__
static inline unsigned json_special16(const char *p)
{
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	/* unsigned v <= 0x1f  <=>  max(v, 0x1f) == 0x1f */
	__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
				 _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
	return (unsigned)_mm_movemask_epi8(m);
}

static inline size_t json_next_special(const char *s, size_t i, size_t n)
{
	unsigned m;
	if (n - i < 16) { /* short: pad with harmless bytes, one test */
		char tmp[16];
		memset(tmp, 'a', sizeof tmp);
		memcpy(tmp, s + i, n - i);
		m = json_special16(tmp);
		return m ? i + (size_t)__builtin_ctz(m) : n;
	}
	for (; i + 16 <= n; i += 16)
		if ((m = json_special16(s + i)))
			return i + (size_t)__builtin_ctz(m);
	/* the tail as the last 16 bytes; those before i are known clean */
	if (i < n && (m = json_special16(s + n - 16)))
		return n - 16 + (size_t)__builtin_ctz(m);
	return n;
}
#else
static inline size_t json_next_special(const char *s, size_t i, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	for (; i + 8 <= n; i += 8) {
		uint64_t w, q, bs;
		memcpy(&w, s + i, 8);
		q = w ^ (ones * '"');
		bs = w ^ (ones * '\\');
		/* "some byte is below 0x20 / zero" (exact for "some byte") */
		if ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high)
			break; /* locate it bytewise below */
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\')
			return i;
	}
	return n;
}
#endif

void mg_buf_put_json_str(struct mg_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	if (reserve(b, n + 2))
		return;
	size_t i;
	if (n < 16) { /* ids, names, short values: most calls */
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x20 || c == '"' || c == '\\')
				break;
		}
	} else {
		i = json_next_special(s, 0, n);
	}
	if (i == n) { /* nothing to escape: the common case, one copy */
		char *d = b->data + b->len;
		d[0] = '"';
		memcpy(d + 1, s, n);
		d[n + 1] = '"';
		d[n + 2] = '\0';
		b->len += n + 2;
		return;
	}
	mg_buf_putc(b, '"');
	size_t run = 0;
	for (; i < n; i = json_next_special(s, i + 1, n)) {
		unsigned char c = (unsigned char)s[i];
		mg_buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			mg_buf_puts(b, "\\\"");
			break;
		case '\\':
			mg_buf_puts(b, "\\\\");
			break;
		case '\n':
			mg_buf_puts(b, "\\n");
			break;
		case '\t':
			mg_buf_puts(b, "\\t");
			break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			mg_buf_add(b, u, sizeof u);
		}
		}
	}
	mg_buf_add(b, s + run, n - run);
	mg_buf_putc(b, '"');
}

void mg_buf_put_html(struct mg_buf *b, const char *s)
{
	const char *run = s;
	for (const char *p = s; *p; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		mg_buf_add(b, run, (size_t)(p - run));
		mg_buf_puts(b, rep);
		run = p + 1;
	}
	mg_buf_puts(b, run);
}
