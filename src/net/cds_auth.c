/* The CDS Hooks client's JWT (include/mgsleep/cds_auth.h): rhonabwy parses
 * and verifies the signature; the claims are checked here, because
 * rhonabwy's audience check fails on an array aud (the guide's trap). */
#include <mgsleep/cds_auth.h>

#include <jansson.h>
#include <rhonabwy.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIELD "Authorization"
#define MAX_ISSUER 1024
#define MAX_JTI 256
#define N_BUCKETS 65536u      /* replay cache buckets (chained) */
#define SWEEP_EVERY 60        /* seconds between sweeps of expired jti */

struct client {
	char *issuer;
	jwks_t *jwks;
};

struct seen {
	struct seen *next;
	long long expires; /* the token's exp + leeway: forgotten after */
	size_t len;
	char key[];        /* issuer, NUL, jti */
};

struct mg_cds_auth {
	struct client *clients;
	size_t n_clients;
	pthread_mutex_t lock; /* guards everything below */
	struct seen **buckets;
	size_t n_seen;
	long long next_sweep;
};

/* Algorithms a signature with a public key verifies; with the kty each needs. */
static const struct {
	jwa_alg alg;
	unsigned int key_type;
} ALGS[] = {
	{ R_JWA_ALG_ES256, R_KEY_TYPE_EC },    { R_JWA_ALG_ES384, R_KEY_TYPE_EC },
	{ R_JWA_ALG_ES512, R_KEY_TYPE_EC },    { R_JWA_ALG_RS256, R_KEY_TYPE_RSA },
	{ R_JWA_ALG_RS384, R_KEY_TYPE_RSA },   { R_JWA_ALG_RS512, R_KEY_TYPE_RSA },
	{ R_JWA_ALG_PS256, R_KEY_TYPE_RSA },   { R_JWA_ALG_PS384, R_KEY_TYPE_RSA },
	{ R_JWA_ALG_PS512, R_KEY_TYPE_RSA },   { R_JWA_ALG_EDDSA, R_KEY_TYPE_EDDSA },
};

static unsigned int alg_key_type(jwa_alg alg)
{
	for (size_t i = 0; i < sizeof ALGS / sizeof ALGS[0]; i++)
		if (ALGS[i].alg == alg)
			return ALGS[i].key_type;
	return 0;
}

int mg_cds_auth_new(struct mg_cds_auth **out, struct mg_error *err)
{
	struct mg_cds_auth *a = calloc(1, sizeof *a);
	*out = NULL;
	if (!a)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	a->buckets = calloc(N_BUCKETS, sizeof *a->buckets);
	if (!a->buckets || pthread_mutex_init(&a->lock, NULL)) {
		free(a->buckets);
		free(a);
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	}
	*out = a;
	return 0;
}

void mg_cds_auth_free(struct mg_cds_auth *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_clients; i++) {
		free(a->clients[i].issuer);
		r_jwks_free(a->clients[i].jwks);
	}
	free(a->clients);
	for (size_t b = 0; b < N_BUCKETS; b++)
		for (struct seen *s = a->buckets[b], *next; s; s = next) {
			next = s->next;
			free(s);
		}
	free(a->buckets);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static const struct client *find_client(const struct mg_cds_auth *a, const char *issuer)
{
	for (size_t i = 0; i < a->n_clients; i++)
		if (!strcmp(a->clients[i].issuer, issuer))
			return &a->clients[i];
	return NULL;
}

/* Every key public and of a kind some accepted alg verifies with: an HMAC
 * secret or a private key in a JWKS file is a configuration mistake. */
static int check_jwks(jwks_t *jwks, struct mg_error *err)
{
	size_t n = r_jwks_size(jwks);
	if (!n)
		return mg_fail(err, MG_EINVAL, "jwks", "jwks: no key");
	for (size_t i = 0; i < n; i++) {
		jwk_t *k = r_jwks_get_at(jwks, i);
		unsigned int bits = 0;
		int t = k ? r_jwk_key_type(k, &bits, R_FLAG_IGNORE_REMOTE) : 0;
		r_jwk_free(k);
		if (!(t & R_KEY_TYPE_PUBLIC) || !(t & (R_KEY_TYPE_EC | R_KEY_TYPE_RSA | R_KEY_TYPE_EDDSA)))
			return mg_fail(err, MG_EINVAL, "jwks",
				       "jwks: key %zu is not a public EC, RSA or OKP key", i + 1);
	}
	return 0;
}

int mg_cds_auth_add_client(struct mg_cds_auth *a, const char *issuer, const char *jwks_json, size_t len,
			   struct mg_error *err)
{
	json_t *j = NULL;
	jwks_t *jwks = NULL;
	char *iss = NULL;
	struct client *grown;
	int rc;
	if (!issuer || !*issuer || strlen(issuer) > MAX_ISSUER)
		return mg_fail(err, MG_EINVAL, "issuer", "issuer: 1 to %d characters", MAX_ISSUER);
	if (find_client(a, issuer))
		return mg_fail(err, MG_EEXIST, "issuer", "issuer: configured twice");
	if (len > MG_CDS_AUTH_MAX_JWKS)
		return mg_fail(err, MG_ETOOBIG, "jwks", "jwks: over %d bytes", MG_CDS_AUTH_MAX_JWKS);
	json_error_t je;
	j = json_loadb(jwks_json, len, JSON_REJECT_DUPLICATES, &je);
	if (!j || !json_is_array(json_object_get(j, "keys"))) {
		rc = mg_fail(err, MG_EINVAL, "jwks", "jwks: not a JSON Web Key Set (an object with \"keys\")%s",
			     j ? "" : ": malformed JSON");
		goto out;
	}
	if (r_jwks_init(&jwks) != RHN_OK || !(iss = strdup(issuer))) {
		rc = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (r_jwks_import_from_json_t(jwks, j) != RHN_OK) {
		rc = mg_fail(err, MG_EINVAL, "jwks", "jwks: a key is not a valid JWK");
		goto out;
	}
	if ((rc = check_jwks(jwks, err)))
		goto out;
	grown = realloc(a->clients, (a->n_clients + 1) * sizeof *grown);
	if (!grown) {
		rc = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	a->clients = grown;
	a->clients[a->n_clients++] = (struct client){ iss, jwks };
	iss = NULL;
	jwks = NULL;
	rc = 0;
out:
	free(iss);
	r_jwks_free(jwks);
	json_decref(j);
	return rc;
}

/* "Bearer <token>": the scheme is case-insensitive (RFC 7235 2.1); the token
 * is three base64url parts (a JWS; a JWE has five), bounded before any
 * parsing. */
static int bearer_token(const char *h, const char **tok, size_t *len, struct mg_error *err)
{
	if (!h || strncasecmp(h, "Bearer ", 7))
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: no Bearer token");
	h += 7;
	while (*h == ' ')
		h++;
	size_t n = 0, dots = 0;
	for (; h[n]; n++) {
		unsigned char c = (unsigned char)h[n];
		if (n >= MG_CDS_AUTH_MAX_TOKEN)
			return mg_fail(err, MG_EINVAL, FIELD, "jwt: over %d bytes", MG_CDS_AUTH_MAX_TOKEN);
		if (c == '.')
			dots++;
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			   c == '_'))
			return mg_fail(err, MG_EINVAL, FIELD, "jwt: byte %zu is not base64url", n + 1);
	}
	if (dots != 2)
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: not a signed JWT (three parts)");
	*tok = h;
	*len = n;
	return 0;
}

/* A NumericDate claim: 0 with *t set, 1 when absent, -1 when not a number
 * (or out of range). Fractions are allowed (RFC 7519 2) and truncated. */
static int claim_time(const json_t *claims, const char *name, long long *t)
{
	const json_t *v = json_object_get(claims, name);
	if (!v)
		return 1;
	if (json_is_integer(v)) {
		*t = (long long)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (!isfinite(d) || fabs(d) > 1e15)
			return -1;
		*t = (long long)d;
		return 0;
	}
	return -1;
}

static int aud_matches(const json_t *v, const char *aud)
{
	if (json_is_string(v))
		return !strcmp(json_string_value(v), aud);
	if (!json_is_array(v))
		return 0;
	size_t i;
	const json_t *e;
	json_array_foreach(v, i, e)
		if (json_is_string(e) && !strcmp(json_string_value(e), aud))
			return 1;
	return 0;
}

/* The time and audience claims; the signature is already verified. */
static int check_claims(const json_t *c, const char *aud, long long now, struct mg_error *err)
{
	long long exp, nbf, iat;
	int r;
	if (!aud || !aud_matches(json_object_get(c, "aud"), aud))
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: aud is not this service's URL");
	if ((r = claim_time(c, "exp", &exp)))
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: exp %s", r > 0 ? "missing" : "not a number");
	if (exp <= now - MG_CDS_AUTH_LEEWAY)
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: expired");
	if (exp > now + MG_CDS_AUTH_MAX_LIFETIME)
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: exp more than %d s ahead", MG_CDS_AUTH_MAX_LIFETIME);
	if ((r = claim_time(c, "nbf", &nbf)) < 0)
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: nbf not a number");
	if (!r && nbf > now + MG_CDS_AUTH_LEEWAY)
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: not yet valid (nbf)");
	if ((r = claim_time(c, "iat", &iat)))
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: iat %s", r > 0 ? "missing" : "not a number");
	if (iat > now + MG_CDS_AUTH_LEEWAY)
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: issued in the future (iat)");
	const json_t *jti = json_object_get(c, "jti");
	if (!json_is_string(jti) || !json_string_length(jti) || json_string_length(jti) > MAX_JTI ||
	    strlen(json_string_value(jti)) != json_string_length(jti))
		return mg_fail(err, MG_EINVAL, FIELD, "jwt: jti missing (a string of 1 to %d bytes)", MAX_JTI);
	return 0;
}

static uint32_t hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

/* Forget every jti whose token has expired. Caller holds the lock. */
static void sweep(struct mg_cds_auth *a, long long now)
{
	for (size_t b = 0; b < N_BUCKETS; b++)
		for (struct seen **p = &a->buckets[b]; *p;) {
			struct seen *s = *p;
			if (s->expires <= now) {
				*p = s->next;
				free(s);
				a->n_seen--;
			} else {
				p = &s->next;
			}
		}
	a->next_sweep = now + SWEEP_EVERY;
}

/* Remember issuer+jti until expires; MG_EINVAL when already there (a replay)
 * or when the cache is full of live tokens (refusing is the safe side). */
static int remember(struct mg_cds_auth *a, const char *issuer, const char *jti, long long expires, long long now,
		    struct mg_error *err)
{
	size_t il = strlen(issuer), jl = strlen(jti), len = il + 1 + jl;
	struct seen *s = malloc(sizeof *s + len);
	int rc = 0;
	if (!s)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	memcpy(s->key, issuer, il + 1);
	memcpy(s->key + il + 1, jti, jl);
	s->len = len;
	s->expires = expires;
	uint32_t b = hash(s->key, len) % N_BUCKETS;
	pthread_mutex_lock(&a->lock);
	if (now >= a->next_sweep || a->n_seen >= MG_CDS_AUTH_MAX_REPLAY)
		sweep(a, now);
	for (const struct seen *o = a->buckets[b]; o; o = o->next)
		if (o->len == len && !memcmp(o->key, s->key, len) && o->expires > now) {
			rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: jti replayed");
			goto out;
		}
	if (a->n_seen >= MG_CDS_AUTH_MAX_REPLAY) {
		rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: replay cache full (%d live tokens)", MG_CDS_AUTH_MAX_REPLAY);
		goto out;
	}
	s->next = a->buckets[b];
	a->buckets[b] = s;
	a->n_seen++;
	s = NULL;
out:
	pthread_mutex_unlock(&a->lock);
	free(s);
	return rc;
}

int mg_cds_auth_check(struct mg_cds_auth *a, const char *authorization, const char *aud, long long now,
		      struct mg_error *err)
{
	const char *tok = NULL;
	size_t len = 0;
	jwt_t *jwt = NULL;
	jwk_t *key = NULL;
	char *claims_text = NULL;
	json_t *claims = NULL;
	int rc;
	if ((rc = bearer_token(authorization, &tok, &len, err)))
		return rc;
	if (r_jwt_init(&jwt) != RHN_OK) {
		rc = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	/* Never r_jwt_parse: it fetches jku. R_PARSE_NONE: no jwk, jku, x5c or
	 * x5u from the header, and no unsigned (alg none) token. */
	if (r_jwt_advanced_parsen(jwt, tok, len, R_PARSE_NONE, R_FLAG_IGNORE_REMOTE) != RHN_OK ||
	    r_jwt_get_type(jwt) != R_JWT_TYPE_SIGN) {
		rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: malformed, or unsigned (alg none)");
		goto out;
	}
	jwa_alg alg = r_jwt_get_sign_alg(jwt);
	unsigned int want_type = alg_key_type(alg);
	if (!want_type) {
		rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: alg not accepted (none and HMAC never; ES384 or RS384)");
		goto out;
	}
	const char *kid = r_jwt_get_header_str_value(jwt, "kid");
	if (!kid || !*kid) {
		rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: kid missing");
		goto out;
	}
	claims_text = r_jwt_get_full_claims_str(jwt);
	claims = claims_text ? json_loads(claims_text, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (!json_is_object(claims)) {
		rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: claims not a JSON object");
		goto out;
	}
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	const struct client *cl = iss ? find_client(a, iss) : NULL;
	if (!cl) {
		rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: iss %s", iss ? "not a configured client" : "missing");
		goto out;
	}
	if (!(key = r_jwks_get_by_kid(cl->jwks, kid))) {
		rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: unknown kid");
		goto out;
	}
	unsigned int bits = 0;
	const char *key_alg = r_jwk_get_property_str(key, "alg");
	if (!(r_jwk_key_type(key, &bits, R_FLAG_IGNORE_REMOTE) & want_type) ||
	    (key_alg && r_str_to_jwa_alg(key_alg) != alg)) {
		rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: alg does not fit the key");
		goto out;
	}
	if (r_jwt_verify_signature(jwt, key, R_FLAG_IGNORE_REMOTE) != RHN_OK) {
		rc = mg_fail(err, MG_EINVAL, FIELD, "jwt: bad signature");
		goto out;
	}
	if ((rc = check_claims(claims, aud, now, err)))
		goto out;
	long long exp = 0;
	claim_time(claims, "exp", &exp);
	rc = remember(a, iss, json_string_value(json_object_get(claims, "jti")), exp + MG_CDS_AUTH_LEEWAY, now, err);
out:
	json_decref(claims);
	r_free(claims_text);
	r_jwk_free(key);
	r_jwt_free(jwt);
	return rc;
}
