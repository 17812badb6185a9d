/* What the web server's files share (src/net/web*.c); not an interface. */
#ifndef MG_NET_WEB_INTERNAL_H
#define MG_NET_WEB_INTERNAL_H

#include "http.h"
#include "web.h"

#include <mgsleep/store.h>

#include <pthread.h>

#define WEB_TOKEN_HEX 65 /* 32 random bytes as hex, and a NUL */

struct mg_web {
	struct mg_web_opts o;
	struct mg_http *http;
	pthread_mutex_t lock; /* one request at a time uses db (and the KB) */
	struct mg_db *db;     /* NULL while an encrypted store is locked */
	int sealed;
	char token[WEB_TOKEN_HEX], csrf[WEB_TOKEN_HEX];
	char cookie_name[32];          /* "mgsleep_PORT": one per server on this host */
	char host_ok[2][80];           /* the Host headers accepted */
	char host_print[64];
	int tls;                       /* HTTPS: the cookie is Secure, any Host name with our port */
	unsigned port;
};

/* {"error":{"field":F,"message":M}} with status; M names the field, never
 * a value given. */
void web_error(struct mg_http_response *res, int status, const char *field, const char *msg);
/* The answer to a library error: 400 for bad input (MG_EINVAL, MG_EPARSE),
 * 409 for MG_EEXIST, 413 for MG_ETOOBIG, else 500. */
void web_fail(struct mg_http_response *res, const struct mg_error *err);
void web_json(struct mg_http_response *res);
/* The Content-Security-Policy of a document whose <style> blocks (in
 * res->body) are allowed by their hashes; set before the common headers. */
void web_csp_for_inline_styles(struct mg_http_response *res);
/* 1 when req's method is want, else 0 with the 405 written. */
int web_method(const struct mg_http_request *req, struct mg_http_response *res, const char *want);
/* A write as the CLI does it: begin, the change, commit (rolled back on
 * error); 0, or -1 with the error written. */
int web_begin(struct mg_web *w, struct mg_http_response *res, struct mg_error *err);
int web_commit(struct mg_web *w, struct mg_http_response *res, struct mg_error *err);
/* After the change (r its result): commit, or roll back and answer the
 * error. So a write is `web_begin(...) || web_end(w, res, change(...), &err)`. */
int web_end(struct mg_web *w, struct mg_http_response *res, int r, struct mg_error *err);
/* An optional YYYY-MM-DD query argument; 0, or -1 with the 400 written. */
int web_date_arg(const struct mg_http_request *req, struct mg_http_response *res, const char *name,
		 const char **out);
/* Today's local date. */
int32_t web_today(void);

/* The API (web_api.c): routes under /api/ once the request is let in. The
 * lock is held and w->db is open. */
void web_api(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res);
/* /api/foods, /api/food[/ID], /api/diet/quiz (web_food.c), p after
 * "/api/"; -1 for another p (nothing written). */
int web_food(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res, const char *p);
/* /api/trial/P (web_trial.c): analysis, ics, event, resume; -1 for
 * another P (nothing written). */
int web_trial(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res, const char *p);
/* GET /api/trial[?date=]: the stored trial with its periods and tonight. */
void web_trial_get(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res);
/* GET /api/export?format=json|fhir|csv and GET /api/backup (web_export.c). */
void web_export(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res);
void web_backup(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res);
/* POST /api/import, streamed (web_import.c). */
int web_import_sink(struct mg_web *w, const struct mg_http_request *req, struct mg_http_sink *sink,
		    struct mg_http_response *res);
void web_import(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res);

#endif
