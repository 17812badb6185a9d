/* Trusting a CDS Hooks client (issue 13; ../shared/guide/cds-hooks.md
 * "Trusting the client (JWT)"): every request carries
 * "Authorization: Bearer <JWT>" signed by an EHR on the allow-list.
 *
 * Accepted: a signed JWT (JWS compact form, at most MG_CDS_AUTH_MAX_TOKEN
 * bytes) with header alg ES256/384/512, RS256/384/512, PS256/384/512 or EdDSA
 * and a kid; none and HMAC (HS*) are refused. iss names a configured client;
 * the key is that client's JWKS entry with the header's kid (its kty must fit
 * alg, and its alg, when given, must equal it); the signature verifies; aud is
 * the exact URL called, as a string or in an array; exp is required and not
 * past, nbf (when present) and iat are not in the future, each with
 * MG_CDS_AUTH_LEEWAY seconds of clock skew; exp is at most
 * MG_CDS_AUTH_MAX_LIFETIME after now, which bounds the replay cache; jti is
 * required and not seen before for that issuer while its token is valid.
 *
 * A URL named in a token (jku, x5u) or a key embedded in it (jwk, x5c) is
 * never used and never fetched: rhonabwy's plain r_jwt_parse() fetches jku
 * even with R_FLAG_IGNORE_REMOTE (the guide's trap), so the token is parsed
 * with r_jwt_advanced_parse(R_PARSE_NONE, R_FLAG_IGNORE_REMOTE).
 *
 * Errors name the rule broken ("jwt: expired", "jwt: unknown kid"), never the
 * token or a claim value.
 *
 * Ownership: mg_cds_auth_new allocates; mg_cds_auth_free releases it and
 * everything added. add_client copies its arguments. Configure (new,
 * add_client) from one thread before serving; mg_cds_auth_check may then be
 * called from any number of threads at once. */
#ifndef MGSLEEP_CDS_AUTH_H
#define MGSLEEP_CDS_AUTH_H

#include <mgsleep/error.h>

#include <stddef.h>

#define MG_CDS_AUTH_LEEWAY 60             /* seconds of clock skew allowed on exp, nbf and iat */
#define MG_CDS_AUTH_MAX_LIFETIME 3600     /* exp more than this after now is refused (CDS Hooks: 5 min) */
#define MG_CDS_AUTH_MAX_TOKEN 16384       /* bytes of the JWT; longer is refused before parsing */
#define MG_CDS_AUTH_MAX_JWKS (1024 * 1024) /* bytes of a client's JWKS */
#define MG_CDS_AUTH_MAX_REPLAY 1000000    /* jti remembered at once; beyond, tokens are refused */

struct mg_cds_auth; /* opaque: the allowed clients and the replay cache */

int mg_cds_auth_new(struct mg_cds_auth **out, struct mg_error *err);

/* issuer (the JWT iss) and the JSON text of its JWKS (the CLI reads the
 * file). Every key must be a public EC, RSA or OKP key. MG_EINVAL for a bad
 * JWKS, MG_EEXIST when the issuer is already configured. */
int mg_cds_auth_add_client(struct mg_cds_auth *a, const char *issuer, const char *jwks_json, size_t len,
			   struct mg_error *err);

/* 0 when the Authorization header value ("Bearer <jwt>") is acceptable for
 * audience aud (the exact service URL called) at time now (Unix seconds), and
 * its jti is then remembered; MG_EINVAL otherwise (the caller answers a bare
 * 401), MG_ENOMEM when out of memory. Thread-safe. */
int mg_cds_auth_check(struct mg_cds_auth *a, const char *authorization, const char *aud, long long now,
		      struct mg_error *err);

void mg_cds_auth_free(struct mg_cds_auth *a);

#endif
