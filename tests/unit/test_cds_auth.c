/* The CDS Hooks client's JWT (include/mgsleep/cds_auth.h): the rules of
 * ../shared/guide/cds-hooks.md "Trusting the client (JWT)" and of the CDS
 * Hooks 2.0 specification ("Trusting CDS Clients"), one case each, with a
 * fixed clock. Keys are generated here (rhonabwy/GnuTLS) and the tokens
 * signed with them, so every expected answer follows from the rule, not from
 * the program's output. No case needs the network: the jku of a token must
 * never be fetched (the guide's rhonabwy trap). */
#include "../tap.h"

#include <mgsleep/cds_auth.h>

#include <jansson.h>
#include <pthread.h>
#include <rhonabwy.h>
#include <stdlib.h>
#include <time.h>

#define NOW 1700000000LL
#define ISS "https://ehr.example.org/fhir"
#define AUD "https://cds.example.org/cds-services/mgsleep-order-select"

static jwk_t *ec_priv, *ec_pub, *rsa_priv, *rsa_pub, *evil_priv, *evil_pub, *twin_priv, *twin_pub;

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

static void keypair(jwk_t **priv, jwk_t **pub, int type, unsigned int bits, const char *kid)
{
	if (r_jwk_init(priv) || r_jwk_init(pub) || r_jwk_generate_key_pair(*priv, *pub, type, bits, kid))
		abort();
}

/* "Bearer " + a token signed with key and alg; extra claims merged over
 * the valid defaults (a JSON null removes one). header_extra: more header
 * string values (name, value), or NULL. */
static char *token(jwk_t *key, jwa_alg alg, const char *claims_over, const char *hname, const char *hvalue)
{
	char buf[256];
	json_t *c = json_pack("{s:s, s:s, s:I, s:I, s:s}", "iss", ISS, "aud", AUD, "exp", (json_int_t)(NOW + 300),
			      "iat", (json_int_t)NOW, "jti", "jti-default");
	json_t *over = claims_over ? json_loads(claims_over, 0, NULL) : json_object();
	const char *k;
	json_t *v;
	json_object_foreach(over, k, v) {
		if (json_is_null(v))
			json_object_del(c, k);
		else
			json_object_set(c, k, v);
	}
	jwt_t *jwt;
	if (r_jwt_init(&jwt) || r_jwt_set_full_claims_json_t(jwt, c) || r_jwt_set_sign_alg(jwt, alg) ||
	    r_jwt_set_header_str_value(jwt, "typ", "JWT"))
		abort();
	if (hname)
		r_jwt_set_header_str_value(jwt, hname, hvalue);
	char *t = r_jwt_serialize_signed(jwt, key, 0);
	if (!t)
		abort();
	snprintf(buf, sizeof buf, "Bearer ");
	size_t n = strlen(buf) + strlen(t) + 1;
	char *out = malloc(n);
	snprintf(out, n, "%s%s", buf, t);
	r_free(t);
	r_jwt_free(jwt);
	json_decref(c);
	json_decref(over);
	return out;
}

static void b64url(const char *in, char *out, size_t cap)
{
	static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(in), o = 0;
	for (size_t i = 0; i < n && o + 5 < cap; i += 3) {
		unsigned v = (unsigned char)in[i] << 16 | (i + 1 < n ? (unsigned char)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? (unsigned char)in[i + 2] : 0);
		out[o++] = A[v >> 18 & 63];
		out[o++] = A[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = A[v >> 6 & 63];
		if (i + 2 < n)
			out[o++] = A[v & 63];
	}
	out[o] = 0;
}

/* A token with its header replaced by hdr (JSON) and, when payload is given,
 * its payload replaced (the signature then no longer matches). */
static char *splice(const char *bearer, const char *hdr, const char *payload)
{
	const char *t = bearer + 7, *d1 = strchr(t, '.'), *d2 = strchr(d1 + 1, '.');
	char h[1024], p[2048];
	size_t cap = strlen(bearer) + 4096;
	char *out = malloc(cap);
	if (hdr)
		b64url(hdr, h, sizeof h);
	else
		snprintf(h, sizeof h, "%.*s", (int)(d1 - t), t);
	if (payload)
		b64url(payload, p, sizeof p);
	else
		snprintf(p, sizeof p, "%.*s", (int)(d2 - d1 - 1), d1 + 1);
	snprintf(out, cap, "Bearer %s.%s%s", h, p, d2);
	return out;
}

static char *jwks_of(jwk_t *a, jwk_t *b)
{
	char *ja = r_jwk_export_to_json_str(a, 0), *jb = b ? r_jwk_export_to_json_str(b, 0) : NULL;
	size_t n = strlen(ja) + (jb ? strlen(jb) : 0) + 32;
	char *out = malloc(n);
	snprintf(out, n, "{\"keys\":[%s%s%s]}", ja, jb ? "," : "", jb ? jb : "");
	r_free(ja);
	r_free(jb);
	return out;
}

struct run {
	struct mg_cds_auth *a;
	const char *hdr;
	int rc;
};

static void *check_thread(void *p)
{
	struct run *r = p;
	r->rc = mg_cds_auth_check(r->a, r->hdr, AUD, NOW, NULL);
	return NULL;
}

/* The specification's example token (CDS Hooks 2.0, "Trusting CDS Clients")
 * is not among the fixtures and is not copied from the web: its shape is
 * rebuilt here with a key made at test time. Header: alg ES384, typ JWT, a
 * kid and a jku on the EHR's host; claims: iss, aud, exp 1422568860 (2015),
 * iat 1311280970 (2011), jti and tenant, as in the specification. With the
 * clock a minute before exp it is valid, and the jku is never fetched (the
 * host does not resolve: a fetch would fail or hang, and cds.sh runs this
 * test under strace to see that no connect() happens); at today's clock it
 * is expired. */
#define SPEC_ISS "https://fhir-ehr.example.com/"
#define SPEC_AUD "https://cds.example.org/cds-services/some-service"
#define SPEC_EXP 1422568860LL
#define SPEC_IAT 1311280970LL

static void test_spec_example(long long real_now)
{
	jwk_t *priv, *pub;
	jwt_t *jwt;
	struct mg_cds_auth *a;
	struct mg_error err = {0};
	keypair(&priv, &pub, R_KEY_TYPE_EC, 384, "d9cd3c4f-eb08-4304-b973-44f352fd2ca2");
	json_t *claims = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s}", "iss", SPEC_ISS, "aud", SPEC_AUD, "exp",
				   (json_int_t)SPEC_EXP, "iat", (json_int_t)SPEC_IAT, "jti",
				   "ee22b021-e1b7-4611-ba5b-8eec6a33ac1e", "tenant", "2ddd6c3a-8e9a-44c6-a305-52111ad302a2");
	if (r_jwt_init(&jwt) || r_jwt_set_full_claims_json_t(jwt, claims) || r_jwt_set_sign_alg(jwt, R_JWA_ALG_ES384) ||
	    r_jwt_set_header_str_value(jwt, "typ", "JWT") ||
	    r_jwt_set_header_str_value(jwt, "jku", "https://fhir-ehr.example.com/jwk_uri"))
		abort();
	char *t = r_jwt_serialize_signed(jwt, priv, 0);
	char hdr[2048], *jwks = jwks_of(pub, NULL);
	snprintf(hdr, sizeof hdr, "Bearer %s", t ? t : "");
	if (!t || mg_cds_auth_new(&a, &err))
		abort();
	ok(mg_cds_auth_add_client(a, SPEC_ISS, jwks, strlen(jwks), &err) == 0,
	   "spec example: the EHR's JWKS (its kid) configured for iss " SPEC_ISS);
	ok(mg_cds_auth_check(a, hdr, SPEC_AUD, real_now, &err) == MG_EINVAL && strstr(err.msg, "expired"),
	   "spec example at the real clock: refused, expired (exp is in 2015)");
	memset(&err, 0, sizeof err);
	int rc = mg_cds_auth_check(a, hdr, SPEC_AUD, SPEC_EXP - 60, &err);
	if (!ok(rc == 0, "spec example with the clock 60 s before exp: valid (ES384, kid, jku ignored, tenant)"))
		printf("#   %s\n", err.msg);
	ok(mg_cds_auth_check(a, hdr, SPEC_AUD, SPEC_EXP - 30, &err) == MG_EINVAL && strstr(err.msg, "replayed"),
	   "spec example again within its lifetime: jti replayed");
	mg_cds_auth_free(a);
	free(jwks);
	r_free(t);
	r_jwt_free(jwt);
	json_decref(claims);
	r_jwk_free(priv);
	r_jwk_free(pub);
}

int main(void)
{
	struct mg_cds_auth *a;
	struct mg_error err = {0};
	jwk_t *hmac;
	keypair(&ec_priv, &ec_pub, R_KEY_TYPE_EC, 384, "ec1");
	keypair(&rsa_priv, &rsa_pub, R_KEY_TYPE_RSA, 2048, "rsa1");
	keypair(&evil_priv, &evil_pub, R_KEY_TYPE_EC, 384, "evil");
	keypair(&twin_priv, &twin_pub, R_KEY_TYPE_EC, 384, "ec1"); /* the same kid, another key */
	if (r_jwk_init(&hmac) ||
	    r_jwk_import_from_json_str(hmac, "{\"kty\":\"oct\",\"kid\":\"ec1\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"}"))
		abort();

	ok(mg_cds_auth_new(&a, &err) == 0, "new");
	char *jwks = jwks_of(ec_pub, rsa_pub);
	ok(mg_cds_auth_add_client(a, ISS, jwks, strlen(jwks), &err) == 0, "add the client (ES384 + RS384 keys)");
	ok(mg_cds_auth_add_client(a, ISS, jwks, strlen(jwks), &err) == MG_EEXIST, "the same issuer twice: EEXIST");
	char *priv_jwks = jwks_of(ec_priv, NULL);
	ok(mg_cds_auth_add_client(a, "other", priv_jwks, strlen(priv_jwks), &err) == MG_EINVAL,
	   "a JWKS holding a private key is refused");
	const char *oct = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"}]}";
	ok(mg_cds_auth_add_client(a, "other", oct, strlen(oct), &err) == MG_EINVAL, "a JWKS holding an HMAC secret is refused");
	ok(mg_cds_auth_add_client(a, "other", "{\"keys\":", 8, &err) == MG_EINVAL, "malformed JWKS JSON is refused");
	free(priv_jwks);

	char *valid_ec = token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"j1\"}", NULL, NULL);
	char *other_ec = token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"j1\",\"aud\":\"https://evil.example\"}", NULL, NULL);
	/* the payload of a second, differently claimed token under the first one's signature */
	const char *d1 = strchr(other_ec + 7, '.'), *d2 = strchr(d1 + 1, '.');
	const char *v1 = strchr(valid_ec + 7, '.'), *v2 = strchr(v1 + 1, '.');
	size_t tn = strlen(valid_ec) + strlen(other_ec);
	char *tampered = malloc(tn);
	snprintf(tampered, tn, "%.*s%.*s%s", (int)(v1 - valid_ec), valid_ec, (int)(d2 - d1), d1, v2);

	char none_hdr[128], none_pl[512], *none_tok = malloc(1024);
	b64url("{\"alg\":\"none\",\"kid\":\"ec1\",\"typ\":\"JWT\"}", none_hdr, sizeof none_hdr);
	char pl[400];
	snprintf(pl, sizeof pl, "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%lld,\"iat\":%lld,\"jti\":\"n1\"}", ISS, AUD,
		 NOW + 300, NOW);
	b64url(pl, none_pl, sizeof none_pl);
	snprintf(none_tok, 1024, "Bearer %s.%s.", none_hdr, none_pl);

	char *long_tok = malloc(MG_CDS_AUTH_MAX_TOKEN + 64);
	memcpy(long_tok, "Bearer a.b.", 11);
	memset(long_tok + 11, 'c', MG_CDS_AUTH_MAX_TOKEN + 10);
	long_tok[MG_CDS_AUTH_MAX_TOKEN + 21] = 0;

	char *valid_rs = token(rsa_priv, R_JWA_ALG_RS384, "{\"jti\":\"j2\"}", NULL, NULL);
	struct {
		const char *name;
		char *hdr;      /* owned */
		int rc;
		const char *msg; /* a part of err.msg, when refused */
	} cases[] = {
		{ "valid ES384", valid_ec, 0, NULL },
		{ "valid RS384", valid_rs, 0, NULL },
		{ "aud as an array containing the URL",
		  token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"j3\",\"aud\":[\"https://x.example\",\"" AUD "\"]}", NULL, NULL), 0, NULL },
		{ "a jku is ignored, never fetched (TEST-NET address: a fetch would hang or fail)",
		  token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"j4\"}", "jku", "http://192.0.2.1/jwks.json"), 0, NULL },
		{ "Epic's form: nbf = iat - 5 min, sub", token(rsa_priv, R_JWA_ALG_RS384,
		  "{\"jti\":\"j5\",\"nbf\":1699999700,\"sub\":\"client\"}", NULL, NULL), 0, NULL },
		{ "exp 30 s past: within the 60 s leeway",
		  token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"j6\",\"exp\":1699999970,\"iat\":1699999700}", NULL, NULL), 0, NULL },
		{ "replayed jti (the valid ES384 token again)", dupstr(valid_ec), MG_EINVAL, "jti replayed" },
		{ "tampered payload", tampered, MG_EINVAL, "bad signature" },
		{ "alg none", none_tok, MG_EINVAL, "unsigned" },
		{ "HS256 (with the public key's kid)", token(hmac, R_JWA_ALG_HS256, "{\"jti\":\"h1\"}", NULL, NULL),
		  MG_EINVAL, "alg not accepted" },
		{ "unknown kid (an attacker's key)", token(evil_priv, R_JWA_ALG_ES384, "{\"jti\":\"e1\"}", "jku",
		  "http://192.0.2.1/evil.json"), MG_EINVAL, "unknown kid" },
		{ "the configured kid, another key", token(twin_priv, R_JWA_ALG_ES384, "{\"jti\":\"e2\"}", NULL, NULL),
		  MG_EINVAL, "bad signature" },
		{ "RS384 naming the EC key's kid", token(rsa_priv, R_JWA_ALG_RS384, "{\"jti\":\"e3\"}", "kid", "ec1"),
		  MG_EINVAL, "alg does not fit" },
		{ "kid missing", splice(valid_ec, "{\"alg\":\"ES384\",\"typ\":\"JWT\"}", NULL), MG_EINVAL, "kid missing" },
		{ "wrong iss", token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"w1\",\"iss\":\"https://evil.example\"}", NULL, NULL),
		  MG_EINVAL, "not a configured client" },
		{ "iss missing", token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"w2\",\"iss\":null}", NULL, NULL), MG_EINVAL,
		  "iss missing" },
		{ "wrong aud", token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"w3\",\"aud\":\"" AUD "/\"}", NULL, NULL),
		  MG_EINVAL, "aud" },
		{ "aud array without the URL",
		  token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"w4\",\"aud\":[\"https://x.example\"]}", NULL, NULL), MG_EINVAL, "aud" },
		{ "expired (61 s past, beyond the leeway)",
		  token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"x1\",\"exp\":1699999939,\"iat\":1699999700}", NULL, NULL),
		  MG_EINVAL, "expired" },
		{ "exp missing", token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"x2\",\"exp\":null}", NULL, NULL), MG_EINVAL,
		  "exp missing" },
		{ "exp a day ahead (beyond the 1 h bound)",
		  token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"x3\",\"exp\":1700086400}", NULL, NULL), MG_EINVAL, "ahead" },
		{ "nbf in the future (120 s)", token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"x4\",\"nbf\":1700000120}", NULL, NULL),
		  MG_EINVAL, "not yet valid" },
		{ "iat missing", token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"x5\",\"iat\":null}", NULL, NULL), MG_EINVAL,
		  "iat missing" },
		{ "jti missing", token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":null}", NULL, NULL), MG_EINVAL, "jti missing" },
		{ "not Bearer", dupstr("Basic dXNlcjpwYXNz"), MG_EINVAL, "no Bearer" },
		{ "a JWE-shaped value (five parts)", dupstr("Bearer a.b.c.d.e"), MG_EINVAL, "three parts" },
		{ "token over the length bound", long_tok, MG_EINVAL, "over" },
	};
	size_t n = sizeof cases / sizeof cases[0];
	for (size_t i = 0; i < n; i++) {
		memset(&err, 0, sizeof err);
		int rc = mg_cds_auth_check(a, cases[i].hdr, AUD, NOW, &err);
		if (!ok(rc == cases[i].rc, "%s: rc %d", cases[i].name, cases[i].rc))
			printf("#   got %d (%s)\n", rc, err.msg);
		if (cases[i].msg)
			ok(strstr(err.msg, cases[i].msg) && !strstr(err.msg, "example") && !strstr(err.msg, "eyJ"),
			   "%s: the error says '%s', without a claim value or the token", cases[i].name, cases[i].msg);
	}
	ok(mg_cds_auth_check(a, NULL, AUD, NOW, &err) == MG_EINVAL, "no Authorization header");

	/* Four threads, one fresh token: exactly one is accepted. */
	char *race = token(ec_priv, R_JWA_ALG_ES384, "{\"jti\":\"race\"}", NULL, NULL);
	struct run runs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		runs[i] = (struct run){ a, race, 1 };
		pthread_create(&th[i], NULL, check_thread, &runs[i]);
	}
	int accepted = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		accepted += runs[i].rc == 0;
	}
	ok(accepted == 1, "the same token from 4 threads at once: accepted once (got %d)", accepted);

	/* After its exp (+ leeway) the jti is forgotten, and the token is refused as expired. */
	ok(mg_cds_auth_check(a, valid_ec, AUD, NOW + 400, &err) == MG_EINVAL && strstr(err.msg, "expired"),
	   "the replayed token after its exp: expired");


	for (size_t i = 0; i < n; i++)
		free(cases[i].hdr);
	free(race);
	free(other_ec);
	free(jwks);
	mg_cds_auth_free(a);
	r_jwk_free(hmac);
	r_jwk_free(ec_priv);
	r_jwk_free(ec_pub);
	r_jwk_free(rsa_priv);
	r_jwk_free(rsa_pub);
	r_jwk_free(evil_priv);
	r_jwk_free(evil_pub);
	r_jwk_free(twin_priv);
	r_jwk_free(twin_pub);
	/* The library never reads the clock; its caller does, here. */
	test_spec_example((long long)time(NULL));
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
