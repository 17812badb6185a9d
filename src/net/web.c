/* The web app's server (web.h): who may ask (token, Host, CSRF), the
 * headers every answer carries, the pages, unlocking an encrypted store,
 * and the API's routes (web_api.c, web_import.c). */
#include "web_internal.h"

#if defined(__has_include)
#if __has_include("web_assets.h")
#include "web_assets.h"
#define HAVE_WEB_ASSETS 1
#endif
#endif
#ifndef HAVE_WEB_ASSETS
#define HAVE_WEB_ASSETS 0
#endif

#include <mgsleep/night.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CSP                                                                                                   \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "  \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
#define CSRF_MARK "{{csrf-token}}"

void web_json(struct mg_http_response *res)
{
	res->content_type = "application/json";
}

void web_error(struct mg_http_response *res, int status, const char *field, const char *msg)
{
	res->status = status;
	web_json(res);
	mg_buf_reset(&res->body);
	mg_buf_puts(&res->body, "{\"error\":{\"field\":");
	mg_buf_put_json_str(&res->body, field ? field : "");
	mg_buf_puts(&res->body, ",\"message\":");
	mg_buf_put_json_str(&res->body, msg);
	mg_buf_puts(&res->body, "}}\n");
}

void web_fail(struct mg_http_response *res, const struct mg_error *err)
{
	int st = err->code == MG_EINVAL || err->code == MG_EPARSE ? 400
		 : err->code == MG_EEXIST			    ? 409
		 : err->code == MG_ETOOBIG			    ? 413
								    : 500;
	web_error(res, st, err->field, err->msg[0] ? err->msg : mg_strerror(err->code));
}

int web_method(const struct mg_http_request *req, struct mg_http_response *res, const char *want)
{
	if (!strcmp(req->method, want))
		return 1;
	char msg[64];
	snprintf(msg, sizeof msg, "method: accepted: %s", want);
	web_error(res, 405, "method", msg);
	return 0;
}

/* A write as the CLI does it: begin, the change, commit; rolled back on
 * any error (mg_db_commit and mg_db_close roll back too). */
int web_begin(struct mg_web *w, struct mg_http_response *res, struct mg_error *err)
{
	if (mg_db_begin(w->db, err)) {
		web_fail(res, err);
		return -1;
	}
	return 0;
}

int web_commit(struct mg_web *w, struct mg_http_response *res, struct mg_error *err)
{
	if (mg_db_commit(w->db, err)) {
		mg_db_rollback(w->db);
		web_fail(res, err);
		return -1;
	}
	return 0;
}

/* An optional date query argument; 0, or -1 with the 400 written. */
int web_date_arg(const struct mg_http_request *req, struct mg_http_response *res, const char *name,
		    const char **out)
{
	int32_t d;
	*out = mg_http_query(req, name);
	if (*out && mg_date_parse(*out, &d)) {
		char msg[64];
		snprintf(msg, sizeof msg, "%s: accepted: a date YYYY-MM-DD", name);
		web_error(res, 400, name, msg);
		return -1;
	}
	return 0;
}

int web_end(struct mg_web *w, struct mg_http_response *res, int r, struct mg_error *err)
{
	if (r) {
		mg_db_rollback(w->db);
		web_fail(res, err);
		return -1;
	}
	return web_commit(w, res, err);
}

int32_t web_today(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return mg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Equal length and equal bytes, in time independent of where they differ. */
static int token_ok(const char *given, const char *want)
{
	size_t n = strlen(want);
	return given && strlen(given) == n && sodium_memcmp(given, want, n) == 0;
}

static int is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* A self-contained document (the report) styles itself with <style>
 * blocks: the same policy, with each block allowed by its SHA-256 (CSP
 * level 2 hash sources) instead of 'unsafe-inline'. */
void web_csp_for_inline_styles(struct mg_http_response *res)
{
	struct mg_buf csp = MG_BUF_INIT;
	const char *b = res->body.data, *end = b ? b + res->body.len : NULL;
	mg_buf_puts(&csp, "default-src 'none'; script-src 'self'; style-src 'self'");
	for (const char *p = b; p && (p = strstr(p, "<style>")) && p < end;) {
		const char *q = strstr(p += 7, "</style>");
		if (!q)
			break;
		unsigned char h[crypto_hash_sha256_BYTES];
		char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
		crypto_hash_sha256(h, (const unsigned char *)p, (unsigned long long)(q - p));
		sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
		mg_buf_printf(&csp, " 'sha256-%s'", b64);
		p = q;
	}
	mg_buf_puts(&csp, "; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
			  "base-uri 'none'");
	if (!csp.failed)
		mg_http_set_header(res, "Content-Security-Policy", csp.data);
	mg_buf_release(&csp);
}

/* Every answer, refused ones too (the HTTP server adds them, its own 413
 * included); a handler's own Content-Security-Policy (the report's) wins. */
static const struct mg_http_header security_headers[] = {
	{"Content-Security-Policy", CSP},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"X-Frame-Options", "DENY"},
	/* The pages carry the CSRF token and the API health data: neither is
	 * kept by the browser or a proxy. */
	{"Cache-Control", "no-store"},
	{NULL, NULL},
};

/* A path to send the browser back to: this server's own, never "//host" or
 * "/\\host" (which browsers read as another site), nothing to escape. */
static int local_path(const char *p)
{
	if (p[0] != '/' || p[1] == '/' || strlen(p) > 200)
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("/-_.", *p)))
			return 0;
	return 1;
}

/* Over HTTPS a rebinding page cannot get in (the certificate does not name
 * its site), so any name the certificate covers will do: the Host needs
 * only this server's port. */
static int port_of(const struct mg_web *w, const char *host)
{
	const char *c = strrchr(host, ':');
	char want[8];
	snprintf(want, sizeof want, "%u", w->port);
	return c && c != host && !strcmp(c + 1, want);
}

/* Who may ask: the Host, then the token (URL once, then the cookie), then
 * the CSRF token on writes. 0 to go on; otherwise res holds the refusal. */
static int gate(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	const char *host = mg_http_header(req, "Host");
	if (!host || (strcmp(host, w->host_ok[0]) && strcmp(host, w->host_ok[1]) && !(w->tls && port_of(w, host)))) {
		res->route = "wrong-host";
		web_error(res, 421, "Host", "Host: accepted: the address mgsleep web printed");
		return -1;
	}
	const char *q = mg_http_query(req, "token");
	if (q) {
		if (!token_ok(q, w->token)) {
			res->route = "bad-token";
			web_error(res, 403, "token", "token: not this server's; open the address mgsleep web printed");
			return -1;
		}
		/* Out of the address bar and the history: into a cookie, and the
		 * same path again without it. */
		char cookie[160];
		snprintf(cookie, sizeof cookie, "%s=%s; HttpOnly; SameSite=Strict; Path=/%s", w->cookie_name, w->token,
			 w->tls ? "; Secure" : "");
		res->route = "token";
		res->status = 303;
		mg_http_set_header(res, "Set-Cookie", cookie);
		mg_http_set_header(res, "Location", local_path(req->path) ? req->path : "/");
		return -1;
	}
	if (!token_ok(mg_http_cookie(req, w->cookie_name), w->token)) {
		res->route = "no-token";
		web_error(res, 401, "token", "token: missing; open the address mgsleep web printed");
		return -1;
	}
	if (is_write(req->method) && !token_ok(mg_http_header(req, "X-CSRF-Token"), w->csrf)) {
		res->route = "no-csrf";
		web_error(res, 403, "X-CSRF-Token", "X-CSRF-Token: missing or wrong; reload the page");
		return -1;
	}
	return 0;
}

#if !HAVE_WEB_ASSETS
/* Without the pages built in (web_assets.h), a page that says so and
 * carries the CSRF token, so the API stays usable. */
static const char fallback_page[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<meta name=\"csrf-token\" content=\"" CSRF_MARK "\"><title>mgsleep</title></head>"
	"<body><p>mgsleep: this build has no pages; the API is at /api/.</p></body></html>\n";
#endif

static void page(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	const unsigned char *data = NULL;
	size_t len = 0;
	const char *type = NULL;
	res->route = "page";
	if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
		web_error(res, 405, "method", "method: accepted: GET");
		return;
	}
#if HAVE_WEB_ASSETS
	if (mg_web_asset(req->path, &data, &len, &type)) {
		web_error(res, 404, "path", "path: no such page");
		return;
	}
#else
	if (strcmp(req->path, "/")) {
		web_error(res, 404, "path", "path: no such page");
		return;
	}
	data = (const unsigned char *)fallback_page;
	len = sizeof fallback_page - 1;
	type = "text/html; charset=utf-8";
#endif
	res->content_type = type;
	const char *text = (const char *)data;
	/* The page's one {{csrf-token}} becomes this start's CSRF token. */
	const char *mark = !strncmp(type, "text/html", 9) ? strstr(text, CSRF_MARK) : NULL;
	if (mark && (size_t)(mark - text) < len) {
		size_t pre = (size_t)(mark - text), ml = sizeof CSRF_MARK - 1;
		mg_buf_add(&res->body, text, pre);
		mg_buf_puts(&res->body, w->csrf);
		mg_buf_add(&res->body, text + pre + ml, len - pre - ml);
	} else {
		mg_buf_add(&res->body, text, len);
	}
}

/* POST /api/unlock {"passphrase": "..."}: the key stays in the open
 * handle, in memory; the passphrase is wiped. */
static void unlock(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	res->route = "unlock";
	if (strcmp(req->method, "POST")) {
		web_error(res, 405, "method", "method: accepted: POST");
		return;
	}
	if (w->db) {
		web_json(res);
		mg_buf_puts(&res->body, "{\"unlocked\":true}\n");
		return;
	}
	json_t *root = json_loadb(req->body, req->body_len, 0, NULL);
	const char *pass = json_string_value(json_object_get(root, "passphrase"));
	if (!pass || !*pass) {
		web_error(res, 400, "passphrase", "passphrase: accepted: a JSON object with the passphrase as a string");
	} else if (mg_db_open(&w->db, w->o.db_path, pass, 0, &err)) {
		w->db = NULL;
		web_error(res, err.code == MG_EINVAL ? 403 : 500, "passphrase",
			  err.code == MG_EINVAL ? "passphrase: wrong, or the store is damaged" : err.msg);
	} else {
		web_json(res);
		mg_buf_puts(&res->body, "{\"unlocked\":true}\n");
	}
	if (pass)
		sodium_memzero((void *)(uintptr_t)pass, strlen(pass));
	json_decref(root);
}

static void handle(void *ctx, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_web *w = ctx;
	if (gate(w, req, res))
		return;
	if (strncmp(req->path, "/api/", 5)) {
		page(w, req, res);
		return;
	}
	pthread_mutex_lock(&w->lock);
	if (!strcmp(req->path, "/api/unlock")) {
		unlock(w, req, res);
	} else if (!strcmp(req->path, "/api/session")) {
		res->route = "session";
		web_json(res);
		mg_buf_printf(&res->body, "{\"locked\":%s,\"encrypted\":%s}\n", w->db ? "false" : "true",
			      w->sealed ? "true" : "false");
	} else if (!w->db) {
		res->route = "locked";
		web_error(res, 423, "passphrase", "the store is encrypted: unlock it first (POST /api/unlock)");
	} else if (req->upload) {
		web_import(w, req, res);
	} else {
		web_api(w, req, res);
	}
	pthread_mutex_unlock(&w->lock);
	if (res->body.failed) {
		mg_buf_release(&res->body);
		web_error(res, 500, "", "out of memory");
	}
}

static int sink(void *ctx, const struct mg_http_request *req, struct mg_http_sink *s, struct mg_http_response *res)
{
	struct mg_web *w = ctx;
	if (strcmp(req->path, "/api/import") || strcmp(req->method, "POST"))
		return 0;
	if (gate(w, req, res))
		return -1;
	return web_import_sink(w, req, s, res);
}

static void log_fwd(void *ctx, const char *method, const char *route, int status, double ms)
{
	struct mg_web *w = ctx;
	if (w->o.log)
		w->o.log(w->o.log_ctx, method, route, status, ms);
}

static int loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (!strcmp(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

int mg_web_start(struct mg_web **out, const struct mg_web_opts *o, struct mg_error *err)
{
	unsigned char rnd[32];
	struct mg_error probe = {0};
	int r;
	*out = NULL;
	const char *host = o->host ? o->host : "127.0.0.1";
	int tls = o->tls_cert && o->tls_key;
	/* The token must never cross a network in clear. */
	if (!loopback(host) && !(o->allow_remote && tls))
		return mg_fail(err, MG_EINVAL, "listen",
			       o->allow_remote ? "--allow-remote: needs --tls-cert and --tls-key"
					       : "--listen: accepted: a loopback address (127.0.0.1, ::1); another "
						 "address needs --allow-remote with --tls-cert and --tls-key");
	if (sodium_init() < 0)
		return mg_fail(err, MG_EIO, "random", "cannot initialise the random number generator");
	struct mg_web *w = calloc(1, sizeof *w);
	if (!w)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	w->o = *o;
	if (!w->o.max_upload)
		w->o.max_upload = (size_t)512 << 20;
	pthread_mutex_init(&w->lock, NULL);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(w->token, sizeof w->token, rnd, sizeof rnd);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(w->csrf, sizeof w->csrf, rnd, sizeof rnd);
	sodium_memzero(rnd, sizeof rnd);
	w->sealed = mg_db_is_sealed(o->db_path, &probe) == 1;
	if (!w->sealed && (r = mg_db_open(&w->db, o->db_path, "", MG_DB_CREATE, err)))
		goto fail;
	w->tls = tls;
	struct mg_http_opts ho = {.host = host,
				  .port = o->port,
				  .threads = o->threads ? o->threads : 2,
				  .max_body = (size_t)1 << 20,
				  .handler = handle,
				  .log = log_fwd,
				  .ctx = w,
				  .sink = sink,
				  .tls_cert = tls ? o->tls_cert : NULL,
				  .tls_key = tls ? o->tls_key : NULL,
				  .headers = security_headers};
	if ((r = mg_http_listen(&w->http, &ho, err)))
		goto fail;
	w->port = mg_http_port(w->http);
	int v6 = strchr(host, ':') != NULL;
	snprintf(w->host_print, sizeof w->host_print, "%s%s%s", v6 ? "[" : "", strcmp(host, "localhost") ? host : "127.0.0.1",
		 v6 ? "]" : "");
	snprintf(w->host_ok[0], sizeof w->host_ok[0], "%s:%u", w->host_print, w->port);
	snprintf(w->host_ok[1], sizeof w->host_ok[1], "localhost:%u", w->port);
	snprintf(w->cookie_name, sizeof w->cookie_name, "mgsleep_%u", w->port);
	if ((r = mg_http_run(w->http, err))) {
		if (r == MG_EINVAL)
			snprintf(err->field, sizeof err->field, "tls");
		goto fail;
	}
	*out = w;
	return 0;
fail:
	mg_web_stop(w);
	return r;
}

void mg_web_url(const struct mg_web *w, char *buf, size_t n)
{
	snprintf(buf, n, "%s://%s:%u/?token=%s", w->tls ? "https" : "http", w->host_print, w->port, w->token);
}

void mg_web_stop(struct mg_web *w)
{
	if (!w)
		return;
	mg_http_stop(w->http);
	mg_db_close(w->db);
	pthread_mutex_destroy(&w->lock);
	sodium_memzero(w->token, sizeof w->token);
	sodium_memzero(w->csrf, sizeof w->csrf);
	free(w);
}
