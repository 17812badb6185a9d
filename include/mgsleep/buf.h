/* Growable byte buffer with a hard size cap (after curl's dynbuf).
 *
 * Appends never fail loudly: on allocation failure or when the cap would be
 * passed the buffer becomes "failed" (b->failed != 0) and later appends are
 * ignored, so a renderer checks once at the end. The buffer owns data; take it
 * with mg_buf_detach() or release it with mg_buf_release(). data is always
 * NUL-terminated when len > 0 and the buffer has not failed. */
#ifndef MGSLEEP_BUF_H
#define MGSLEEP_BUF_H

#include <stddef.h>

struct mg_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* hard cap in bytes; 0 means 64 MiB */
	int failed;
};

#define MG_BUF_INIT {NULL, 0, 0, 0, 0}
#define MG_BUF_DEFAULT_MAX ((size_t)64 << 20)

/* Is there room for n more bytes (and the NUL) without growing? For hot
 * paths that append many small pieces inline (src/report/json.c). */
static inline int mg_buf_has_room(const struct mg_buf *b, size_t n)
{
	return !b->failed && n < b->cap - b->len && b->len + n < (b->max ? b->max : MG_BUF_DEFAULT_MAX);
}

void mg_buf_release(struct mg_buf *b);
void mg_buf_reset(struct mg_buf *b); /* len = 0, keeps memory */
char *mg_buf_detach(struct mg_buf *b, size_t *len);
int mg_buf_reserve(struct mg_buf *b, size_t extra);
void mg_buf_add(struct mg_buf *b, const void *p, size_t n);
void mg_buf_puts(struct mg_buf *b, const char *s);
void mg_buf_putc(struct mg_buf *b, char c);
void mg_buf_printf(struct mg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Integer in decimal; with_sep adds thousands separators ("1,774"). */
void mg_buf_put_int(struct mg_buf *b, long long v, int with_sep);
/* Fixed-point number with `decimals` digits (0..3), rounded half away from
 * zero; trailing zeros kept. Faster than printf and locale-independent. */
void mg_buf_put_fixed(struct mg_buf *b, double v, int decimals);
/* Same, but trailing zeros after the point are dropped ("27.8", "250"). */
void mg_buf_put_num(struct mg_buf *b, double v, int max_decimals);
/* s as a JSON string literal, with quotes. */
void mg_buf_put_json_str(struct mg_buf *b, const char *s);
/* s with &<>"' escaped for HTML. */
void mg_buf_put_html(struct mg_buf *b, const char *s);

#endif
