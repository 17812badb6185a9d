/* A streaming reader of multipart/form-data (RFC 7578 over RFC 2046): the
 * web app's uploads arrive in chunks of any size and leave as the parts'
 * data, so an upload is never held whole in memory (the reader keeps about
 * 16 KiB). Untrusted input: errors name the byte offset, never the bytes.
 *
 * Ownership: mg_multipart_new allocates, mg_multipart_free releases. The
 * names passed to part live until the callback returns. */
#ifndef MG_NET_WEB_MULTIPART_H
#define MG_NET_WEB_MULTIPART_H

#include <mgsleep/error.h>

#include <stddef.h>

struct mg_multipart;

struct mg_multipart_cb {
	/* A part begins: its form field name and file name ("" when absent;
	 * control characters and quotes are not kept). 0, or -1 to stop. */
	int (*part)(void *ctx, const char *name, const char *filename);
	/* The current part's data, in order. 0, or -1 to stop. */
	int (*data)(void *ctx, const char *data, size_t len);
	void *ctx;
};

/* content_type: the request's Content-Type ("multipart/form-data;
 * boundary=..."). MG_EINVAL (field "Content-Type") when it is not that or
 * the boundary is missing or over 70 characters; MG_ENOMEM. */
int mg_multipart_new(struct mg_multipart **out, const char *content_type, const struct mg_multipart_cb *cb,
		     struct mg_error *err);
/* More of the body. 0; MG_EPARSE with the byte offset (a part's headers
 * over 8 KiB, a boundary line not ending as RFC 2046 says); MG_EINVAL when
 * a callback said stop. After an error every call returns it again. */
int mg_multipart_feed(struct mg_multipart *m, const char *data, size_t len, struct mg_error *err);
/* The body has ended: 0 if the closing boundary was seen, else MG_EPARSE. */
int mg_multipart_finish(struct mg_multipart *m, struct mg_error *err);
void mg_multipart_free(struct mg_multipart *m);

#endif
