/* A small HTTP/1.1 server over libmicrohttpd, for the CDS Hooks service
 * (issue 13) and the future web app: one route callback per request gets the
 * method, path, headers and the whole body (capped: over max_body answers 413
 * without calling it) and fills status, content type and body.
 *
 * Not part of the pure library: it owns sockets and threads and reads the
 * monotonic clock for the request duration. It never prints: each finished
 * request is reported to the caller's log callback (route, status, duration;
 * never the body, a header or the query string), and the caller writes it.
 *
 * Ownership: mg_http_start allocates the server, mg_http_stop frees it after
 * the last request has finished. A request's strings live until the handler
 * returns (a buffered body is then wiped and freed); the handler fills
 * res->body, which the server releases. */
#ifndef MG_NET_HTTP_H
#define MG_NET_HTTP_H

#include <mgsleep/buf.h>
#include <mgsleep/error.h>

#include <stddef.h>

struct mg_http;

struct mg_http_request {
	const char *method; /* "GET", "POST" ... */
	const char *path;   /* without the query string */
	const char *body;   /* NUL-terminated; "" when none */
	size_t body_len;
	void *conn;   /* for mg_http_header */
	void *upload; /* the sink's state when the route streams its body (struct mg_http_sink), else NULL */
};

#define MG_HTTP_MAX_HEADERS 12

struct mg_http_response {
	int status;               /* 200 unless the handler says otherwise */
	const char *content_type; /* static; NULL: no Content-Type */
	const char *route;        /* static label for the log ("discovery"); NULL: "-" */
	struct mg_buf body;       /* empty: no body */
	/* Extra headers, added with mg_http_set_header; the server frees the
	 * values after sending. */
	struct {
		const char *name; /* static */
		char *value;      /* owned */
	} headers[MG_HTTP_MAX_HEADERS];
	int nheaders;
	/* A file sent instead of body (mg_http_send_fd): read as it is sent,
	 * never held in memory; the server closes it. */
	int file_fd, has_file;
	unsigned long long file_len;
};

/* The value of header name (case-insensitive), or NULL; lives as long as req. */
const char *mg_http_header(const struct mg_http_request *req, const char *name);
/* The (decoded) value of query argument name, or NULL; lives as long as req. */
const char *mg_http_query(const struct mg_http_request *req, const char *name);
/* The value of cookie name, or NULL; lives as long as req. */
const char *mg_http_cookie(const struct mg_http_request *req, const char *name);
/* Add a response header (name static, value copied). 0, or MG_ENOMEM, or
 * MG_EINVAL when MG_HTTP_MAX_HEADERS are already set or the value holds a
 * CR or LF (no header injection). */
int mg_http_set_header(struct mg_http_response *res, const char *name, const char *value);

/* Answer with the first len bytes of the open file fd (a download too big to
 * hold, a backup) instead of res->body; the server owns fd from now on and
 * closes it after sending, or on any failure. */
void mg_http_send_fd(struct mg_http_response *res, int fd, unsigned long long len);

/* A route whose body is streamed instead of held (an upload): chosen by the
 * caller's sink callback from the method, path and headers (req->body is
 * then "" and req->upload NULL). Every chunk goes to write as it arrives;
 * over max bytes in all (declared or received) the answer is 413 without
 * calling the handler. The handler then gets req->upload = state. close is
 * called once in every case, after the handler or when the request is
 * abandoned, and releases state. */
struct mg_http_sink {
	size_t max;
	/* 0, or -1 to stop writing (the rest is read and dropped; the handler
	 * learns why from its state). */
	int (*write)(void *state, const char *data, size_t len);
	void (*close)(void *state);
	void *state;
};
/* 1 with *sink filled to stream this request's body, 0 to buffer it as
 * usual, -1 to refuse it: the answer is then res as filled (the handler is
 * not called). */
typedef int (*mg_http_sink_fn)(void *ctx, const struct mg_http_request *req, struct mg_http_sink *sink,
			       struct mg_http_response *res);

typedef void (*mg_http_handler_fn)(void *ctx, const struct mg_http_request *req, struct mg_http_response *res);
/* One finished request: its method, the handler's route label, status and
 * duration in milliseconds. Called from the server's threads. */
typedef void (*mg_http_log_fn)(void *ctx, const char *method, const char *route, int status, double ms);

/* A header every answer carries (struct mg_http_opts.headers). */
struct mg_http_header {
	const char *name, *value;
};

struct mg_http_opts {
	const char *host;  /* numeric IPv4 or IPv6 address, or "localhost"; NULL: 127.0.0.1 */
	unsigned port;     /* 0: any free port (mg_http_port tells which) */
	unsigned threads;  /* the pool; 0: 2 */
	size_t max_body;   /* bytes; 0: 1 MiB */
	mg_http_handler_fn handler;
	mg_http_log_fn log; /* or NULL */
	void *ctx;          /* passed to all three */
	mg_http_sink_fn sink; /* or NULL: every body is buffered (max_body) */
	/* HTTPS: the certificate (chain) and its private key as PEM text, both
	 * or neither (NULL: plain HTTP). Not copied: they must outlive the
	 * server. */
	const char *tls_cert, *tls_key;
	/* Headers added to every answer, the server's own refusals (413) and
	 * the handler's answers alike, unless the handler set the same header
	 * itself; ends at a NULL name; NULL: none. Not copied. */
	const struct mg_http_header *headers;
};

/* Bind and listen (no request is served yet): the caller learns the port
 * before the first request can arrive. 0, or MG_EINVAL (host is not an
 * address), MG_EIO (the port is taken or cannot be bound), MG_ENOMEM. */
int mg_http_listen(struct mg_http **out, const struct mg_http_opts *o, struct mg_error *err);
/* Serve from a thread pool. 0, or MG_EINVAL (only one of tls_cert and
 * tls_key, or the TLS library refused them: not PEM, or not a pair), MG_EIO. */
int mg_http_run(struct mg_http *h, struct mg_error *err);
/* The port listened on (the one chosen when 0 was asked). */
unsigned mg_http_port(const struct mg_http *h);
/* Stop listening, wait for the requests in progress, free h. NULL is fine. */
void mg_http_stop(struct mg_http *h);

#endif
