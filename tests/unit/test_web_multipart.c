/* The streaming multipart/form-data reader of the web app's uploads
 * (src/net/web_multipart.c): RFC 7578 / RFC 2046 bodies written out by hand
 * below, fed whole and then split at every byte (a boundary may straddle two
 * chunks), the parts' names and data compared with what was written; a
 * boundary inside the data that is not a delimiter; bad bodies refused with
 * a byte offset and never the bytes. */
#include "../tap.h"

#include "../../src/net/web_multipart.h"

#include <stdlib.h>

struct got {
	char names[8][64], files[8][64];
	char data[8][256];
	size_t len[8];
	int parts;
};

static int on_part(void *ctx, const char *name, const char *filename)
{
	struct got *g = ctx;
	if (g->parts == 8)
		return -1;
	snprintf(g->names[g->parts], 64, "%s", name);
	snprintf(g->files[g->parts], 64, "%s", filename);
	g->len[g->parts] = 0;
	g->parts++;
	return 0;
}

static int on_data(void *ctx, const char *d, size_t n)
{
	struct got *g = ctx;
	size_t i = (size_t)g->parts - 1;
	if (g->len[i] + n > sizeof g->data[i])
		return -1;
	memcpy(g->data[i] + g->len[i], d, n);
	g->len[i] += n;
	return 0;
}

/* Feed body in chunks of step bytes (0: whole); the reader's verdict. */
static int run(const char *ct, const char *body, size_t len, size_t step, struct got *g, struct mg_error *err)
{
	struct mg_multipart *m;
	struct mg_multipart_cb cb = {on_part, on_data, g};
	memset(g, 0, sizeof *g);
	int r = mg_multipart_new(&m, ct, &cb, err);
	if (r)
		return r;
	for (size_t i = 0; !r && i < len; i += step ? step : len)
		r = mg_multipart_feed(m, body + i, step && len - i > step ? step : len - i, err);
	if (!r)
		r = mg_multipart_finish(m, err);
	mg_multipart_free(m);
	return r;
}

static const char ct[] = "multipart/form-data; boundary=----XyZ42";
/* Two parts as curl -F writes them: a text field and a file whose data
 * holds "--" and a CRLF that are not a delimiter, and ends in CRLF. */
static const char body[] = "preamble to ignore\r\n"
			   "------XyZ42\r\n"
			   "Content-Disposition: form-data; name=\"dry_run\"\r\n"
			   "\r\n"
			   "1\r\n"
			   "------XyZ42\r\n"
			   "Content-Disposition: form-data; name=\"file\"; filename=\"sleep.csv\"\r\n"
			   "Content-Type: text/csv\r\n"
			   "\r\n"
			   "a,b\r\n--not\r\n------XyZ4 almost\r\n\r\n"
			   "------XyZ42--\r\n"
			   "epilogue";
static const char file_data[] = "a,b\r\n--not\r\n------XyZ4 almost\r\n";

/* A literal body, whole. */
#define RUN(type, lit) run(type, lit, sizeof lit - 1, 0, &g, &err)

int main(void)
{
	struct got g;
	struct mg_error err = {0};
	size_t len = sizeof body - 1;
	int all = 1;
	for (size_t step = 0; step <= len; step++) {
		memset(&err, 0, sizeof err);
		int r = run(ct, body, len, step, &g, &err);
		int good = !r && g.parts == 2 && !strcmp(g.names[0], "dry_run") && !g.files[0][0] && g.len[0] == 1 &&
			   g.data[0][0] == '1' && !strcmp(g.names[1], "file") && !strcmp(g.files[1], "sleep.csv") &&
			   g.len[1] == sizeof file_data - 1 && !memcmp(g.data[1], file_data, g.len[1]);
		if (!good) {
			printf("# chunks of %zu bytes: r=%d parts=%d len1=%zu %s\n", step, r, g.parts, g.len[1], err.msg);
			all = 0;
			break;
		}
	}
	ok(all, "two parts, names, file name and data exact, whole and in chunks of 1 to %zu bytes", len);

	ok(!RUN("multipart/form-data; boundary=\"q b\"", "--q b\r\n\r\nx\r\n--q b--") && g.parts == 1 &&
		   g.len[0] == 1 && !g.names[0][0],
	   "a quoted boundary with a space; a part without headers");
	ok(!RUN(ct, "------XyZ42\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n\r\n------XyZ42--") &&
		   g.parts == 1 && g.len[0] == 0,
	   "an empty part");
	ok(!RUN(ct, "------XyZ42--") && g.parts == 0, "no parts at all");
	ok(!RUN("Multipart/Form-Data;boundary=b", "--b--"), "type and parameter case-insensitive");

	ok(RUN("application/json", "") == MG_EINVAL && !strcmp(err.field, "Content-Type"),
	   "not multipart/form-data: MG_EINVAL naming Content-Type");
	ok(RUN("multipart/form-data", "") == MG_EINVAL, "no boundary: MG_EINVAL");
	char longb[120];
	snprintf(longb, sizeof longb, "multipart/form-data; boundary=%071d", 0);
	ok(RUN(longb, "") == MG_EINVAL, "a boundary of 71 characters: MG_EINVAL (RFC 2046: 1 to 70)");
	ok(RUN(ct, "------XyZ42\r\n\r\nsecret-data") == MG_EPARSE && strstr(err.msg, "byte") &&
		   !strstr(err.msg, "secret"),
	   "a body that ends before the closing boundary: MG_EPARSE with the byte offset, no data");
	ok(RUN(ct, "------XyZ42xx\r\n") == MG_EPARSE, "a boundary line with junk after it: MG_EPARSE");
	char *big = malloc(20000);
	memcpy(big, "------XyZ42\r\n", 13);
	memset(big + 13, 'h', 20000 - 13);
	ok(big && run(ct, big, 20000, 0, &g, &err) == MG_EPARSE && strstr(err.msg, "8 KiB"),
	   "part headers over 8 KiB: MG_EPARSE");
	free(big);
	struct mg_multipart *m;
	struct mg_multipart_cb cb = {on_part, on_data, &g};
	memset(&g, 0, sizeof g);
	mg_multipart_new(&m, ct, &cb, &err);
	int r1 = mg_multipart_feed(m, "------XyZ42xx", 13, &err);
	int r2 = mg_multipart_feed(m, "\r\n", 2, &err);
	ok(r1 == MG_EPARSE && r2 == MG_EPARSE, "after an error every feed returns it again");
	mg_multipart_free(m);
	ok(!RUN(ct, "------XyZ42\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\001b\\c\"\r\n\r\nx\r\n------XyZ42--") &&
		   !strcmp(g.files[0], "abc"),
	   "backslashes and control characters left out of a file name");
	return tap_done();
}
