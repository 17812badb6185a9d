/* A test helper, not installed: the EHR's side of the CDS Hooks JWT, so that
 * tests/cli/cds.sh can call the running service with real signed tokens.
 *
 *	jwt_tool keygen KID PUBLIC_JWKS_FILE PRIVATE_JWK_FILE [ALG]
 *		a new key pair for ALG, ES384 (P-384, the default) or RS384
 *		(RSA 2048): the public key as a JWKS, the private one as a JWK,
 *		both with kid KID and alg ALG
 *	jwt_tool sign PRIVATE_JWK_FILE ISS AUD EXP_OFFSET JTI [NAME=VALUE ...]
 *		prints the compact JWS of {iss, aud, iat: now, exp: now +
 *		EXP_OFFSET seconds, jti}, signed with the key's alg (ES384 when
 *		it has none) and the header's kid that of the key, and each
 *		NAME=VALUE as one more header string (e.g. jku=URL, x5u=URL)
 *	jwt_tool mint PRIVATE_JWK_FILE ISS AUD EXP_OFFSET JTI_PREFIX N
 *		prints N such tokens (no extra header), one a line, with jti
 *		JTI_PREFIX-0 to JTI_PREFIX-(N-1): the load generator's supply for
 *		bench/cds.sh, since the service refuses a replayed jti
 *
 * Exit 0 on success, 1 on any failure (a message on stderr). */
#include <jansson.h>
#include <rhonabwy.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int keygen(const char *kid, const char *pub_path, const char *priv_path, const char *alg)
{
	jwk_t *priv = NULL, *pub = NULL;
	jwks_t *set = NULL;
	char *pub_text = NULL, *priv_text = NULL;
	int rc = 1;
	int rsa = !strcmp(alg, "RS384");
	if (!rsa && strcmp(alg, "ES384")) {
		fprintf(stderr, "jwt_tool: ALG: accepted: ES384, RS384\n");
		return 1;
	}
	if (r_jwk_init(&priv) || r_jwk_init(&pub) || r_jwks_init(&set) ||
	    r_jwk_generate_key_pair(priv, pub, rsa ? R_KEY_TYPE_RSA : R_KEY_TYPE_EC, rsa ? 2048 : 384, kid) ||
	    r_jwk_set_property_str(priv, "alg", alg) || r_jwk_set_property_str(pub, "alg", alg) ||
	    r_jwk_set_property_str(pub, "use", "sig") || r_jwks_append_jwk(set, pub)) {
		fprintf(stderr, "jwt_tool: the key pair could not be made\n");
		goto out;
	}
	pub_text = r_jwks_export_to_json_str(set, 0);
	priv_text = r_jwk_export_to_json_str(priv, 0);
	if (!pub_text || !priv_text || write_file(pub_path, pub_text) || write_file(priv_path, priv_text)) {
		fprintf(stderr, "jwt_tool: the key files could not be written: %s\n", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	r_free(pub_text);
	r_free(priv_text);
	r_jwks_free(set);
	r_jwk_free(pub);
	r_jwk_free(priv);
	return rc;
}

/* N tokens (one for sign, many for mint), the i-th with jti JTI when n is 0,
 * JTI-i otherwise; the key is read and imported once. */
static int sign(const char *priv_path, const char *iss, const char *aud, const char *exp_offset, const char *jti,
		char **headers, int nheaders, long n)
{
	jwk_t *key = NULL;
	jwt_t *jwt = NULL;
	json_t *claims = NULL, *jwk_json = NULL;
	char *token = NULL, *end, id[256];
	int rc = 1;
	errno = 0;
	long long off = strtoll(exp_offset, &end, 10);
	if (errno || end == exp_offset || *end) {
		fprintf(stderr, "jwt_tool: EXP_OFFSET: an integer number of seconds\n");
		return 1;
	}
	long long now = (long long)time(NULL);
	jwk_json = json_load_file(priv_path, 0, NULL);
	claims = json_pack("{s:s, s:s, s:I, s:I, s:s}", "iss", iss, "aud", aud, "iat", (json_int_t)now, "exp",
			   (json_int_t)(now + off), "jti", jti);
	if (!jwk_json || !claims || r_jwk_init(&key) || r_jwk_import_from_json_t(key, jwk_json) || r_jwt_init(&jwt))
		goto fail;
	const char *alg = r_jwk_get_property_str(key, "alg");
	if (r_jwt_set_sign_alg(jwt, alg ? r_str_to_jwa_alg(alg) : R_JWA_ALG_ES384) ||
	    r_jwt_set_header_str_value(jwt, "typ", "JWT"))
		goto fail;
	for (int i = 0; i < nheaders; i++) {
		char *eq = strchr(headers[i], '=');
		if (!eq) {
			fprintf(stderr, "jwt_tool: a header is NAME=VALUE\n");
			goto out;
		}
		*eq = 0;
		if (r_jwt_set_header_str_value(jwt, headers[i], eq + 1)) {
			fprintf(stderr, "jwt_tool: header %s could not be set\n", headers[i]);
			goto out;
		}
	}
	for (long i = 0; i < (n ? n : 1); i++) {
		if (n)
			snprintf(id, sizeof id, "%s-%ld", jti, i);
		if (json_object_set_new(claims, "jti", json_string(n ? id : jti)) ||
		    r_jwt_set_full_claims_json_t(jwt, claims) || !(token = r_jwt_serialize_signed(jwt, key, 0)))
			goto fail;
		if (puts(token) == EOF) {
			fprintf(stderr, "jwt_tool: stdout: %s\n", strerror(errno));
			goto out;
		}
		r_free(token);
		token = NULL;
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "jwt_tool: the token could not be signed (is %s a private JWK?)\n", priv_path);
out:
	r_free(token);
	r_jwt_free(jwt);
	r_jwk_free(key);
	json_decref(claims);
	json_decref(jwk_json);
	return rc;
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "keygen"))
		return keygen(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : "ES384");
	if (argc >= 7 && !strcmp(argv[1], "sign"))
		return sign(argv[2], argv[3], argv[4], argv[5], argv[6], argv + 7, argc - 7, 0);
	if (argc == 8 && !strcmp(argv[1], "mint")) {
		char *end;
		errno = 0;
		long n = strtol(argv[7], &end, 10);
		if (errno || end == argv[7] || *end || n < 1) {
			fprintf(stderr, "jwt_tool: N: a whole number of tokens, at least 1\n");
			return 1;
		}
		return sign(argv[2], argv[3], argv[4], argv[5], argv[6], NULL, 0, n);
	}
	fprintf(stderr, "usage: jwt_tool keygen KID PUBLIC_JWKS_FILE PRIVATE_JWK_FILE [ES384|RS384]\n"
			"       jwt_tool sign PRIVATE_JWK_FILE ISS AUD EXP_OFFSET JTI [NAME=VALUE ...]\n"
			"       jwt_tool mint PRIVATE_JWK_FILE ISS AUD EXP_OFFSET JTI_PREFIX N\n");
	return 1;
}
