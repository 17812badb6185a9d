/* libFuzzer target: the web app's streaming multipart/form-data reader
 * (src/net/web_multipart.c). The first line of the input is the
 * Content-Type, the rest the body; the body is fed whole and then in chunks
 * whose sizes come from the input's first byte, and both runs must give the
 * same parts, the same data and the same verdict. Nothing may crash, trip
 * ASan/UBSan or leak.
 *
 * run: build-fuzz/fuzz/fuzz_web_multipart fuzz/corpus/web_multipart -max_total_time=60 */
#include "../src/net/web_multipart.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct digest {
	int parts;
	size_t bytes;
	uint32_t hash;
};

static int on_part(void *ctx, const char *name, const char *filename)
{
	struct digest *d = ctx;
	if (strlen(name) > 255 || strlen(filename) > 255)
		abort();
	d->parts++;
	for (const char *s = filename; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == '"')
			abort();
	d->hash = d->hash * 31 + (uint32_t)strlen(name);
	return 0;
}

static int on_data(void *ctx, const char *p, size_t n)
{
	struct digest *d = ctx;
	d->bytes += n;
	for (size_t i = 0; i < n; i++)
		d->hash = d->hash * 131 + (unsigned char)p[i];
	return 0;
}

static int run(const char *ct, const char *body, size_t len, size_t step, struct digest *d)
{
	struct mg_multipart *m;
	struct mg_multipart_cb cb = {on_part, on_data, d};
	struct mg_error err = {0};
	memset(d, 0, sizeof *d);
	int r = mg_multipart_new(&m, ct, &cb, &err);
	if (r)
		return r;
	for (size_t i = 0; !r && i < len; i += step)
		r = mg_multipart_feed(m, body + i, len - i < step ? len - i : step, &err);
	if (!r)
		r = mg_multipart_finish(m, &err);
	if (r && (err.code != r || strchr(err.msg, '\n')))
		abort();
	mg_multipart_free(m);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 100000)
		return 0;
	const char *nl = memchr(data + 1, '\n', size - 1);
	if (!nl)
		return 0;
	size_t ctl = (size_t)(nl - (const char *)data) - 1;
	char ct[256];
	if (ctl >= sizeof ct)
		return 0;
	memcpy(ct, data + 1, ctl);
	ct[ctl] = 0;
	const char *body = nl + 1;
	size_t len = size - (size_t)(body - (const char *)data);
	struct digest a, b;
	int ra = run(ct, body, len, len ? len : 1, &a);
	int rb = run(ct, body, len, (size_t)data[0] % 17 + 1, &b);
	if (ra != rb || (!ra && (a.parts != b.parts || a.bytes != b.bytes || a.hash != b.hash)))
		abort();
	return 0;
}
