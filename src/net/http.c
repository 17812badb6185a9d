/* The HTTP server of http.h over libmicrohttpd 0.9.75 (Debian 12). */
#include "http.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_BODY ((size_t)1 << 20)

struct mg_http {
	struct MHD_Daemon *d; /* NULL until mg_http_run */
	struct mg_http_opts o;
	int fd, v6;
	unsigned port;
};

/* One request between the access-handler calls. */
struct pending {
	struct timespec start;
	struct mg_buf body;
	int calls;
	int streamed;           /* the body goes to sink */
	int sink_failed;        /* sink.write said stop */
	size_t received;        /* bytes of a streamed body */
	struct mg_http_sink sink;
};

static double ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

const char *mg_http_header(const struct mg_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *mg_http_query(const struct mg_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *mg_http_cookie(const struct mg_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

int mg_http_set_header(struct mg_http_response *res, const char *name, const char *value)
{
	if (res->nheaders >= MG_HTTP_MAX_HEADERS || strpbrk(value, "\r\n"))
		return MG_EINVAL;
	char *v = strdup(value);
	if (!v)
		return MG_ENOMEM;
	res->headers[res->nheaders].name = name;
	res->headers[res->nheaders++].value = v;
	return 0;
}

void mg_http_send_fd(struct mg_http_response *res, int fd, unsigned long long len)
{
	if (res->has_file)
		close(res->file_fd);
	res->file_fd = fd;
	res->file_len = len;
	res->has_file = 1;
}

static void release(struct mg_http_response *res)
{
	if (res->has_file)
		close(res->file_fd);
	res->has_file = 0;
	mg_buf_release(&res->body);
	for (int i = 0; i < res->nheaders; i++)
		free(res->headers[i].value);
	res->nheaders = 0;
}

static enum MHD_Result answer(struct mg_http *h, struct MHD_Connection *c, const char *method, struct pending *p,
			      struct mg_http_response *res)
{
	struct MHD_Response *r;
	if (res->has_file) {
		/* MHD owns the descriptor once the response exists (it closes it
		 * when the response is destroyed). */
		r = MHD_create_response_from_fd64(res->file_len, res->file_fd);
		if (r)
			res->has_file = 0;
	} else {
		r = MHD_create_response_from_buffer(res->body.len, res->body.len ? res->body.data : (void *)"",
						    MHD_RESPMEM_MUST_COPY);
	}
	enum MHD_Result ok = MHD_NO;
	if (r) {
		if (res->content_type)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
		for (int i = 0; i < res->nheaders; i++)
			MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
		for (const struct mg_http_header *hd = h->o.headers; hd && hd->name; hd++)
			if (!MHD_get_response_header(r, hd->name))
				MHD_add_response_header(r, hd->name, hd->value);
		ok = MHD_queue_response(c, (unsigned)res->status, r);
		MHD_destroy_response(r);
	}
	if (h->o.log)
		h->o.log(h->o.ctx, method, res->route ? res->route : "-", ok == MHD_YES ? res->status : 500,
			 ms_since(&p->start));
	release(res);
	return ok;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				 const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct mg_http *h = cls;
	struct pending *p = *state;
	(void)version;
	if (!p) {
		p = calloc(1, sizeof *p);
		if (!p)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &p->start);
		/* One byte over the cap makes the buffer fail: that is the 413. */
		p->body.max = h->o.max_body + 2;
		*state = p;
	}
	p->calls++;
	struct mg_http_response res = {.status = 200, .body = MG_BUF_INIT};
	if (p->calls == 1) {
		/* A declared length over the cap is refused before reading it. The
		 * normal answer waits for the second call: queued on the first, MHD
		 * closes the connection (keep-alive lost; 37,000 -> 8,300 requests/s
		 * measured, ../shared/guide/cds-hooks.md). */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (h->o.sink) {
			struct mg_http_request req = {method, url, "", 0, c, NULL};
			int s = h->o.sink(h->o.ctx, &req, &p->sink, &res);
			if (s < 0)
				return answer(h, c, method, p, &res);
			p->streamed = s == 1;
		}
		size_t cap = p->streamed ? p->sink.max : h->o.max_body;
		if (cl && strtoull(cl, NULL, 10) > cap) {
			res.status = MHD_HTTP_CONTENT_TOO_LARGE;
			res.route = "too-large";
			return answer(h, c, method, p, &res);
		}
		return MHD_YES;
	}
	if (*upload_size && p->streamed) {
		p->received += *upload_size;
		if (p->received > p->sink.max)
			p->sink_failed = 2;
		else if (!p->sink_failed && p->sink.write(p->sink.state, upload, *upload_size))
			p->sink_failed = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!p->body.failed)
			mg_buf_add(&p->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (p->body.failed || p->sink_failed == 2) {
		res.status = MHD_HTTP_CONTENT_TOO_LARGE;
		res.route = "too-large";
		return answer(h, c, method, p, &res);
	}
	struct mg_http_request req = {method, url, p->body.len ? p->body.data : "", p->body.len, c,
				      p->streamed ? p->sink.state : NULL};
	h->o.handler(h->o.ctx, &req, &res);
	return answer(h, c, method, p, &res);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode toe)
{
	struct pending *p = *state;
	(void)cls, (void)c, (void)toe;
	if (p) {
		if (p->sink.close)
			p->sink.close(p->sink.state);
		/* A body may hold a passphrase (the web app's unlock): wiped, not
		 * just freed. */
		volatile char *b = p->body.data;
		for (size_t i = 0; b && i < p->body.len; i++)
			b[i] = 0;
		mg_buf_release(&p->body);
		free(p);
		*state = NULL;
	}
}

int mg_http_listen(struct mg_http **out, const struct mg_http_opts *o, struct mg_error *err)
{
	*out = NULL;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	const char *host = o->host && strcmp(o->host, "localhost") ? o->host : "127.0.0.1";
	socklen_t sl;
	if (o->port > 65535)
		return mg_fail(err, MG_EINVAL, "port", "port: accepted: 0 to 65535");
	/* Numeric addresses only: no name lookup, so no network traffic. */
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)o->port);
		sl = sizeof *v4;
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)o->port);
		sl = sizeof *v6;
	} else {
		return mg_fail(err, MG_EINVAL, "host", "host: accepted: a numeric IPv4 or IPv6 address, or localhost");
	}
	struct mg_http *h = calloc(1, sizeof *h);
	if (!h)
		return mg_fail(err, MG_ENOMEM, "http", "out of memory");
	h->o = *o;
	if (!h->o.max_body)
		h->o.max_body = DEFAULT_MAX_BODY;
	if (!h->o.threads)
		h->o.threads = 2;
	h->v6 = ss.ss_family == AF_INET6;
	int one = 1;
	h->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0 || setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(h->fd, (struct sockaddr *)&ss, sl) || listen(h->fd, 128) ||
	    getsockname(h->fd, (struct sockaddr *)&ss, &sl)) {
		if (h->fd >= 0)
			close(h->fd);
		free(h);
		return mg_fail(err, MG_EIO, "listen", "cannot listen on that address and port (taken, or not allowed)");
	}
	h->port = ntohs(h->v6 ? v6->sin6_port : v4->sin_port);
	*out = h;
	return 0;
}

int mg_http_run(struct mg_http *h, struct mg_error *err)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | (h->v6 ? MHD_USE_IPv6 : 0);
	int tls = h->o.tls_cert || h->o.tls_key;
	if (tls && !(h->o.tls_cert && h->o.tls_key))
		return mg_fail(err, MG_EINVAL, "tls", "tls: a certificate and its key, both or neither");
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return mg_fail(err, MG_EIO, "tls", "tls: this libmicrohttpd was built without TLS");
	/* The TLS options come last: without TLS an MHD_OPTION_END takes the
	 * place of the first, and MHD reads no further. MHD copies the PEM
	 * into GnuTLS at start, but the caller keeps it until mg_http_stop. */
	h->d = MHD_start_daemon(
		flags | (tls ? MHD_USE_TLS : 0), 0, NULL, NULL, on_access, h, MHD_OPTION_LISTEN_SOCKET, h->fd,
		MHD_OPTION_THREAD_POOL_SIZE, h->o.threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
		h->o.tls_cert, MHD_OPTION_HTTPS_MEM_KEY, h->o.tls_key, MHD_OPTION_END);
	if (!h->d && tls)
		return mg_fail(err, MG_EINVAL, "tls",
			       "tls: the certificate or key was refused (not PEM, or the key is not the certificate's)");
	if (!h->d)
		return mg_fail(err, MG_EIO, "listen", "cannot start the HTTP server");
	return 0;
}

unsigned mg_http_port(const struct mg_http *h)
{
	return h->port;
}

void mg_http_stop(struct mg_http *h)
{
	if (!h)
		return;
	if (h->d)
		MHD_stop_daemon(h->d); /* closes the listening socket too */
	else
		close(h->fd);
	free(h);
}
