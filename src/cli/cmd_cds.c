/* mgsleep cds: the advice as a CDS Hooks 2.0 service (issue 13;
 * docs/cds-hooks.md). HTTP is src/net/http.h; a request is read by
 * mg_fhir_in_parse, judged by mg_advise and answered by mg_cds_cards. The
 * service never connects anywhere: what prefetch lacks is said in the cards,
 * or answered 412 when nothing can be decided. */
#include "cli.h"

#include "../net/http.h"

#include <mgsleep/advise.h>
#include <mgsleep/cds_cards.h>
#include <mgsleep/fhir_in.h>
#include <mgsleep/night.h>
#include <mgsleep/terminology.h>

#include <mgsleep/cds_auth.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define MAX_CLIENTS 16
#define MAX_ORIGINS 16
#define JWKS_MAX ((size_t)1 << 20)
#define CORS_MAX_AGE "600" /* seconds a browser may cache a preflight */
#define PREFIX "/cds-services"

struct cds_clients {
	size_t n;
	const char *v[MAX_CLIENTS]; /* ISSUER=JWKS_FILE, argv's */
};

struct cds_origins {
	size_t n;
	const char *v[MAX_ORIGINS]; /* argv's */
};

struct cds_opts {
	const char *listen, *base_url;
	struct cds_clients clients;
	int insecure;
	const char *tls_cert, *tls_key;
	struct cds_origins origins;
};

static int add_client(void *field, const struct cli_option *opt, const char *v, int *status)
{
	struct cds_clients *c = field;
	(void)opt;
	const char *eq = strchr(v, '=');
	if (!eq || eq == v || !eq[1]) {
		*status = cli_error(EXIT_USAGE, "--client: accepted: ISSUER=JWKS_FILE");
		return -1;
	}
	if (c->n == MAX_CLIENTS) {
		*status = cli_error(EXIT_USAGE, "--client: accepted: at most %d clients", MAX_CLIENTS);
		return -1;
	}
	c->v[c->n++] = v;
	return 0;
}

/* An origin as browsers send it (RFC 6454): scheme://host[:port], nothing
 * after; compared byte for byte with the Origin header. "*" is refused: a
 * clinical service answers named EHRs only. */
static int add_origin(void *field, const struct cli_option *opt, const char *v, int *status)
{
	struct cds_origins *c = field;
	(void)opt;
	const char *host = !strncmp(v, "https://", 8) ? v + 8 : !strncmp(v, "http://", 7) ? v + 7 : NULL;
	if (!host || !*host || strpbrk(host, "/?#*@ \t\r\n")) {
		*status = cli_error(EXIT_USAGE, "--cors-origin: accepted: an origin such as https://ehr.example.org "
						"or http://localhost:3000 (scheme, host, optional port; no path, no *)");
		return -1;
	}
	if (c->n == MAX_ORIGINS) {
		*status = cli_error(EXIT_USAGE, "--cors-origin: accepted: at most %d origins", MAX_ORIGINS);
		return -1;
	}
	c->v[c->n++] = v;
	return 0;
}

static const struct cli_option cds_options[] = {
	CLI_OPT_STRING(struct cds_opts, listen, "listen", "HOST:PORT",
		       "address to listen on (default 127.0.0.1:8080; port 0: any free port)"),
	CLI_OPT_CALLBACK(struct cds_opts, clients, struct cds_clients, "client", "ISSUER=JWKS_FILE", add_client,
			 "an EHR allowed to call: its JWT issuer and key set (repeatable)"),
	CLI_OPT_STRING(struct cds_opts, base_url, "base-url", "URL",
		       "the URL the EHR calls, which tokens must name (default http://HOST:PORT, https with --tls-cert)"),
	CLI_OPT_BOOL(struct cds_opts, insecure, "insecure-no-auth",
		     "accept requests without a token: for local testing only"),
	CLI_OPT_STRING(struct cds_opts, tls_cert, "tls-cert", "FILE",
		       "serve HTTPS with this PEM certificate (chain); needs --tls-key"),
	CLI_OPT_STRING(struct cds_opts, tls_key, "tls-key", "FILE", "the PEM private key of --tls-cert"),
	CLI_OPT_CALLBACK(struct cds_opts, origins, struct cds_origins, "cors-origin", "ORIGIN", add_origin,
			 "a browser origin allowed to call (CORS; exact match; repeatable)"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_cds = {
	"usage: mgsleep cds [--listen HOST:PORT] --client ISSUER=JWKS_FILE [--client ...] [--base-url URL]\n"
	"                   [--tls-cert FILE --tls-key FILE] [--cors-origin ORIGIN ...]\n"
	"       mgsleep cds [--listen HOST:PORT] --insecure-no-auth [--tls-cert FILE --tls-key FILE]\n"
	"                   [--cors-origin ORIGIN ...]\n",
	{cds_options},
	"Prints the URL listened on as the first line; one log line per request on stderr\n"
	"(time, method, route, status, milliseconds). SIGTERM or SIGINT stops it, after one\n"
	"line with the feedback counted per service (accepted, overridden).\n",
};

/* The services: one per hook, the same judgement behind each. */
static const struct service {
	const char *id, *hook, *title, *feedback_route;
} services[] = {
	{"mgsleep-order-select", "order-select", "Magnesium: kidney function and interactions when a medicine is picked",
	 "mgsleep-order-select/feedback"},
	{"mgsleep-order-sign", "order-sign", "Magnesium: kidney function and interactions when an order is signed",
	 "mgsleep-order-sign/feedback"},
	{"mgsleep-patient-view", "patient-view", "Magnesium: kidney function and interactions of the medicines taken",
	 "mgsleep-patient-view/feedback"},
};
#define N_SERVICES (sizeof services / sizeof services[0])

struct cds {
	const struct mg_kb *kb;
	const char *base_url;
	struct mg_buf discovery;
	struct mg_cds_auth *auth; /* NULL with --insecure-no-auth */
	const struct cds_origins *origins;
	struct mg_buf sources; /* the text served at /sources */
	char sources_url[320];
	/* Feedback outcomes per service: [i][0] accepted, [i][1] overridden.
	 * Counts only: a card id or a reason could point at a patient. */
	atomic_ulong feedback[sizeof services / sizeof services[0]][2];
};

/* "Observation?patient=...&code=S|C,S|C&_sort=-date&_count=1" for a measure,
 * with the codes of the KB (kb/terminology.json), so that the reader and the
 * templates cannot drift apart. */
static void observation_template(struct mg_buf *b, const struct mg_kb *kb, const char *key, enum mg_term_measure m)
{
	size_t n, k = 0;
	const struct mg_term_observation *t = mg_kb_term_observations(kb, &n);
	mg_buf_printf(b, ",\"%s\":\"Observation?patient={{context.patientId}}&code=", key);
	for (size_t i = 0; i < n; i++)
		if (t[i].measure == m)
			mg_buf_printf(b, "%s%s|%s", k++ ? "," : "", t[i].system, t[i].code);
	mg_buf_puts(b, "&_sort=-date&_count=1\"");
}

static void build_discovery(struct mg_buf *b, const struct mg_kb *kb)
{
	mg_buf_puts(b, "{\"services\":[");
	for (size_t i = 0; i < N_SERVICES; i++) {
		mg_buf_printf(b, "%s{\"hook\":\"%s\",\"id\":\"%s\",\"title\":", i ? "," : "", services[i].hook,
			      services[i].id);
		mg_buf_put_json_str(b, services[i].title);
		mg_buf_puts(b, ",\"description\":\"Whether magnesium is safe for this patient (kidney function, "
			       "interacting medicines, conditions) and how far apart to take it from interacting "
			       "medicines. Information, not medical advice.\",\"prefetch\":{"
			       "\"patient\":\"Patient/{{context.patientId}}\","
			       "\"medications\":\"MedicationRequest?patient={{context.patientId}}&status=active\","
			       "\"statements\":\"MedicationStatement?patient={{context.patientId}}&status=active\","
			       "\"conditions\":\"Condition?patient={{context.patientId}}&clinical-status=active\"");
		observation_template(b, kb, "creatinine", MG_TERM_CREATININE);
		observation_template(b, kb, "egfr", MG_TERM_EGFR);
		observation_template(b, kb, "weight", MG_TERM_WEIGHT);
		observation_template(b, kb, "height", MG_TERM_HEIGHT);
		mg_buf_puts(b, "},\"usageRequirements\":\"Send the prefetch: this service never calls the FHIR "
			       "server.\"}");
	}
	mg_buf_puts(b, "]}\n");
}

static void build_sources(struct mg_buf *b, const struct mg_kb *kb)
{
	mg_buf_printf(b, "mgsleep knowledge base %s: the sources its cards cite\n\n", mg_kb_version(kb));
	for (size_t i = 0; i < mg_kb_source_count(kb); i++) {
		const struct mg_source *src = mg_kb_source(kb, i);
		mg_buf_printf(b, "%s. %s%s%s%s (%s)\n", src->id, src->citation, *src->url ? " <" : "", src->url,
			      *src->url ? ">" : "", src->status);
	}
	mg_buf_puts(b, "\nInformation, not medical advice.\n");
}

/* An OperationOutcome (CDS Hooks 3.0 recommends one on errors); msg names a
 * path, never a value (fhir_in.h). */
static void outcome(struct mg_http_response *res, int status, const char *code, const char *msg)
{
	res->status = status;
	res->content_type = "application/fhir+json";
	mg_buf_puts(&res->body, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":");
	mg_buf_put_json_str(&res->body, code);
	mg_buf_puts(&res->body, ",\"diagnostics\":");
	mg_buf_put_json_str(&res->body, msg);
	mg_buf_puts(&res->body, "}]}\n");
}

static int32_t today(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return mg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The cards' uuids. getrandom blocks only before the kernel's pool is
 * seeded, at boot; it never fails short for 16 bytes. */
static void random_bytes(void *ctx, unsigned char *buf, size_t n)
{
	(void)ctx;
	while (n) {
		ssize_t r = getrandom(buf, n, 0);
		if (r > 0)
			buf += r, n -= (size_t)r;
	}
}

static void serve_hook(struct cds *s, const struct service *sv, const struct mg_http_request *req,
		       struct mg_http_response *res)
{
	struct mg_fhir_in *in = malloc(sizeof *in);
	struct mg_advice *a = malloc(sizeof *a);
	struct mg_error err = {0};
	if (!in || !a) {
		outcome(res, 500, "exception", "out of memory");
		goto out;
	}
	int r = mg_fhir_in_parse(s->kb, req->body, req->body_len, today(), in, &err);
	if (r == MG_ETOOBIG) {
		res->status = 413;
		goto out;
	}
	if (r) {
		outcome(res, 400, r == MG_EPARSE ? "structure" : "invalid", err.msg);
		goto out;
	}
	if (strcmp(in->hook, sv->hook)) {
		outcome(res, 400, "invalid", "hook: accepted: the hook of this service");
		goto out;
	}
	/* Nothing to judge and no way to fetch it: no patient, no medicine list
	 * and no magnesium being ordered. With a magnesium order alone the cards
	 * say what could not be judged instead. */
	if ((in->missing & MG_FHIR_NO_PATIENT) && (in->missing & MG_FHIR_NO_MED_LIST) && !in->magnesium_ordered) {
		outcome(res, 412, "incomplete",
			"prefetch: the Patient and the active medicines are needed; this service does not call the "
			"FHIR server");
		goto out;
	}
	int advised = mg_advise(s->kb, &in->profile, a, NULL) == 0;
	struct mg_cds_opts o = {s->sources_url, random_bytes, NULL};
	if (mg_cds_cards(s->kb, in, advised ? a : NULL, &o, &res->body, &err)) {
		mg_buf_reset(&res->body);
		outcome(res, 500, "exception", "the cards could not be written");
		goto out;
	}
	res->content_type = "application/json";
out:
	free(in);
	free(a);
}

/* The Origin header when it is on the --cors-origin list, else NULL. */
static const char *listed_origin(const struct cds *s, const struct mg_http_request *req)
{
	const char *origin = mg_http_header(req, "Origin");
	for (size_t i = 0; origin && i < s->origins->n; i++)
		if (!strcmp(origin, s->origins->v[i]))
			return origin;
	return NULL;
}

static void feedback(struct cds *s, size_t i, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_cds_feedback fb;
	struct mg_error err = {0};
	int r = mg_cds_feedback_read(req->body, req->body_len, &fb, &err);
	if (r) {
		outcome(res, 400, r == MG_EPARSE ? "structure" : "invalid", err.msg);
		return;
	}
	atomic_fetch_add(&s->feedback[i][0], fb.accepted);
	atomic_fetch_add(&s->feedback[i][1], fb.overridden);
	res->content_type = "application/json";
	mg_buf_puts(&res->body, "{}\n");
}

static void route(struct cds *s, const struct mg_http_request *req, struct mg_http_response *res)
{
	if (s->auth) {
		char aud[1024];
		snprintf(aud, sizeof aud, "%s%s", s->base_url, req->path);
		if (mg_cds_auth_check(s->auth, mg_http_header(req, "Authorization"), aud, (long long)time(NULL), NULL)) {
			res->status = 401; /* bare: nothing said about why */
			res->route = "unauthorized";
			return;
		}
	}
	int post = !strcmp(req->method, "POST");
	if (!strcmp(req->path, PREFIX) || !strcmp(req->path, PREFIX "/")) {
		res->route = "discovery";
		if (strcmp(req->method, "GET")) {
			outcome(res, 405, "not-supported", "method: accepted: GET");
			return;
		}
		res->content_type = "application/json";
		mg_buf_add(&res->body, s->discovery.data, s->discovery.len);
		return;
	}
	res->route = "not-found";
	if (strncmp(req->path, PREFIX "/", sizeof PREFIX)) {
		outcome(res, 404, "not-found", "path: accepted: /cds-services and /cds-services/{id}");
		return;
	}
	const char *id = req->path + sizeof PREFIX;
	for (size_t i = 0; i < N_SERVICES; i++) {
		size_t n = strlen(services[i].id);
		if (strncmp(id, services[i].id, n))
			continue;
		int fb = !strcmp(id + n, "/feedback");
		if (id[n] && !fb)
			continue;
		res->route = fb ? services[i].feedback_route : services[i].id;
		if (!post)
			outcome(res, 405, "not-supported", "method: accepted: POST");
		else if (fb)
			feedback(s, i, req, res);
		else
			serve_hook(s, &services[i], req, res);
		return;
	}
	outcome(res, 404, "not-found", "service: accepted: the ids listed at /cds-services");
}

/* CORS (docs/cds-hooks.md): only for the --cors-origin list. A preflight
 * (OPTIONS) carries no token, so it is answered before the token check; it
 * serves nothing. From an origin not on the list it is a bare 403, so that
 * the browser stops there; other requests from such an origin are served
 * without CORS headers (the browser then hides the answer from the page). */
static void handle(void *ctx, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct cds *s = ctx;
	const char *origin = listed_origin(s, req);
	if (!strcmp(req->method, "OPTIONS")) {
		res->route = "preflight";
		res->status = origin ? 204 : 403;
		/* Chrome's Private Network Access: a page of a public origin calling
		 * a service on a private address asks first, in the preflight. */
		const char *pna = mg_http_header(req, "Access-Control-Request-Private-Network");
		if (origin && (mg_http_set_header(res, "Access-Control-Allow-Methods", "GET, POST, OPTIONS") ||
			       mg_http_set_header(res, "Access-Control-Allow-Headers", "Authorization, Content-Type") ||
			       mg_http_set_header(res, "Access-Control-Max-Age", CORS_MAX_AGE) ||
			       (pna && !strcmp(pna, "true") &&
				mg_http_set_header(res, "Access-Control-Allow-Private-Network", "true"))))
			res->status = 500;
	} else if (!strcmp(req->path, "/sources")) {
		/* The KB's citations, which every card's source.url names: public,
		 * no health data, opened by the clinician's browser (no token). */
		res->route = "sources";
		if (strcmp(req->method, "GET")) {
			outcome(res, 405, "not-supported", "method: accepted: GET");
		} else {
			res->content_type = "text/plain; charset=utf-8";
			mg_buf_add(&res->body, s->sources.data, s->sources.len);
		}
	} else {
		route(s, req, res);
	}
	if (origin && (mg_http_set_header(res, "Access-Control-Allow-Origin", origin) ||
		       mg_http_set_header(res, "Vary", "Origin")))
		res->status = 500;
}

static int load_clients(struct cds *s, const struct cds_clients *c, int *status)
{
	struct mg_error err = {0};
	if (!c->n)
		return 0;
	if (mg_cds_auth_new(&s->auth, &err)) {
		*status = cli_fail(&err);
		return -1;
	}
	for (size_t i = 0; i < c->n; i++) {
		const char *eq = strchr(c->v[i], '=');
		char issuer[512];
		snprintf(issuer, sizeof issuer, "%.*s", (int)(eq - c->v[i]), c->v[i]);
		size_t len;
		char *jwks = cli_read_file(eq + 1, JWKS_MAX, &len, "--client", status);
		if (!jwks)
			return -1;
		int r = mg_cds_auth_add_client(s->auth, issuer, jwks, len, &err);
		free(jwks);
		if (r) {
			*status = cli_fail(&err);
			return -1;
		}
	}
	return 0;
}

/* One line at the end: how clinicians answered the cards, per service. */
static void report_feedback(struct cds *s)
{
	fprintf(stderr, "feedback:");
	for (size_t i = 0; i < N_SERVICES; i++)
		fprintf(stderr, "%s %s accepted %lu overridden %lu", i ? ";" : "", services[i].id,
			atomic_load(&s->feedback[i][0]), atomic_load(&s->feedback[i][1]));
	fputc('\n', stderr);
}

int cmd_cds(int argc, char **argv, struct mg_cli *cli)
{
	struct cds_opts o = {"127.0.0.1:8080", NULL, {0, {NULL}}, 0, NULL, NULL, {0, {NULL}}};
	struct cds s = {0};
	struct mg_http *h = NULL;
	struct mg_error err = {0};
	char host[64], base[300], *cert = NULL, *key = NULL;
	unsigned port;
	int status = EXIT_OK, served = 0;
	s.discovery = s.sources = (struct mg_buf)MG_BUF_INIT;
	if (cli_parse_options("cds", argc, argv, cds_options, &o, 0, &status) < 0)
		return status;
	if (cli_parse_listen(o.listen, host, sizeof host, &port))
		return cli_error(EXIT_USAGE, "--listen: accepted: HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:0");
	if (!o.clients.n && !o.insecure)
		return cli_error(EXIT_USAGE, "cds: needs --client ISSUER=JWKS_FILE (or --insecure-no-auth, for local "
					     "testing only)");
	if (!o.tls_cert != !o.tls_key)
		return cli_error(EXIT_USAGE, "%s: needs %s too (both or neither)", o.tls_cert ? "--tls-cert" : "--tls-key",
				 o.tls_cert ? "--tls-key" : "--tls-cert");
	if (o.tls_cert && (!(cert = cli_read_pem(o.tls_cert, "--tls-cert", "CERTIFICATE-----", &status)) ||
			   !(key = cli_read_pem(o.tls_key, "--tls-key", "PRIVATE KEY-----", &status))))
		goto out;
	s.origins = &o.origins;
	s.kb = cli_kb(cli, &status);
	if (!s.kb)
		goto out;
	build_discovery(&s.discovery, s.kb);
	build_sources(&s.sources, s.kb);
	if (s.discovery.failed || s.sources.failed) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (load_clients(&s, &o.clients, &status))
		goto out;
	sigset_t stop;
	cli_block_stop_signals(&stop);
	/* Designated: robust to fields other users of http.h add. */
	struct mg_http_opts ho = {.host = host, .port = port, .threads = 2, .max_body = (size_t)1 << 20,
				  .handler = handle, .log = cli_http_log, .ctx = &s, .tls_cert = cert, .tls_key = key};
	if (mg_http_listen(&h, &ho, &err)) {
		status = cli_error(err.code == MG_EINVAL ? EXIT_USAGE : EXIT_FAIL, "--listen: %s", err.msg);
		goto out;
	}
	if (o.base_url) {
		snprintf(base, sizeof base, "%s", o.base_url);
	} else {
		int v6 = strchr(host, ':') != NULL;
		snprintf(base, sizeof base, "%s://%s%s%s:%u", cert ? "https" : "http", v6 ? "[" : "", host, v6 ? "]" : "",
			 mg_http_port(h));
	}
	size_t bl = strlen(base);
	if (bl && base[bl - 1] == '/')
		base[bl - 1] = 0;
	s.base_url = base;
	snprintf(s.sources_url, sizeof s.sources_url, "%s/sources", base);
	if (mg_http_run(h, &err)) {
		status = err.code == MG_EINVAL ? cli_error(EXIT_USAGE, "--tls-cert/--tls-key: %s", err.msg)
					       : cli_fail(&err);
		goto out;
	}
	printf("%s" PREFIX "\n", base);
	fflush(stdout);
	served = 1;
	int sig;
	sigwait(&stop, &sig);
out:
	mg_http_stop(h); /* waits for the requests in progress: the counts are final */
	if (served)
		report_feedback(&s);
	mg_cds_auth_free(s.auth);
	mg_buf_release(&s.discovery);
	mg_buf_release(&s.sources);
	free(cert);
	free(key);
	return status;
}
