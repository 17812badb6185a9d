/* mgsleep web (issue 14): the local web app's server over src/net/http.h.
 * Security (docs/web-api.md): loopback only unless allowed with TLS; a
 * random token per start, given once in the URL and then held in an
 * HttpOnly SameSite=Strict cookie, on every request; a separate CSRF token
 * (the pages' <meta name="csrf-token">) in X-CSRF-Token on every write; the
 * Host header must name the address listened on (DNS rebinding); a strict
 * Content-Security-Policy on every answer. An encrypted store is unlocked by
 * POST /api/unlock; its key lives only in the open handle, in memory.
 *
 * Not the pure library: it owns the server's threads, reads the clock (for
 * "today") and the system time zone (for a night's UTC offsets), and calls
 * the CLI's shared helpers (src/cli/cli.h) that turn a store into the
 * engine's input, as every command does. It never prints.
 *
 * Ownership: mg_web_start allocates; mg_web_stop stops serving, closes the
 * store and frees everything. The kb is the caller's and must outlive it. */
#ifndef MG_NET_WEB_H
#define MG_NET_WEB_H

#include <mgsleep/error.h>
#include <mgsleep/kb.h>

#include <stddef.h>

struct mg_web;

struct mg_web_opts {
	const char *host;    /* numeric address; NULL: 127.0.0.1 */
	unsigned port;       /* 0: any free port */
	const char *db_path; /* the store */
	const struct mg_kb *kb;
	int allow_remote;    /* a non-loopback host (needs TLS) */
	/* HTTPS: certificate (chain) and private key as PEM text, both or
	 * neither; they must outlive the server. */
	const char *tls_cert, *tls_key;
	size_t max_upload;   /* POST /api/import cap in bytes; 0: 512 MiB */
	unsigned threads;    /* 0: 2 */
	/* One finished request (method, route label, status, ms), or NULL. */
	void (*log)(void *ctx, const char *method, const char *route, int status, double ms);
	void *log_ctx;
};

/* Open the store (a plain one now, created if missing; an encrypted one
 * waits for /api/unlock), make the tokens, listen and serve. MG_EINVAL
 * naming "listen" (a non-loopback host without allow_remote and TLS) or
 * "tls" (the TLS library refused the pair), MG_EIO, MG_ENOMEM, or the
 * store's error. */
int mg_web_start(struct mg_web **out, const struct mg_web_opts *o, struct mg_error *err);
/* "http://127.0.0.1:PORT/?token=..." (https with TLS) into buf (n bytes). */
void mg_web_url(const struct mg_web *w, char *buf, size_t n);
void mg_web_stop(struct mg_web *w);

#endif
