/* A test helper, not installed: the EHR's side of the CDS Hooks JWT, so that
 * tests/cli/cds.sh can call the running service with real signed tokens.
 *
 *	jwt_tool keygen KID PUBLIC_JWKS_FILE PRIVATE_JWK_FILE
 *		a new ES384 (P-384) key pair: the public key as a JWKS, the
 *		private one as a JWK, both with kid KID and alg ES384
 *	jwt_tool sign PRIVATE_JWK_FILE ISS AUD EXP_OFFSET JTI [NAME=VALUE ...]
 *		prints the compact JWS of {iss, aud, iat: now, exp: now +
 *		EXP_OFFSET seconds, jti}, signed ES384 with the header's kid
 *		that of the key, and each NAME=VALUE as one more header string
 *		(e.g. jku=URL, x5u=URL)
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

static int keygen(const char *kid, const char *pub_path, const char *priv_path)
{
	jwk_t *priv = NULL, *pub = NULL;
	jwks_t *set = NULL;
	char *pub_text = NULL, *priv_text = NULL;
	int rc = 1;
	if (r_jwk_init(&priv) || r_jwk_init(&pub) || r_jwks_init(&set) ||
	    r_jwk_generate_key_pair(priv, pub, R_KEY_TYPE_EC, 384, kid) ||
	    r_jwk_set_property_str(priv, "alg", "ES384") || r_jwk_set_property_str(pub, "alg", "ES384") ||
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

static int sign(const char *priv_path, const char *iss, const char *aud, const char *exp_offset, const char *jti,
		char **headers, int nheaders)
{
	jwk_t *key = NULL;
	jwt_t *jwt = NULL;
	json_t *claims = NULL, *jwk_json = NULL;
	char *token = NULL, *end;
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
	if (!jwk_json || !claims || r_jwk_init(&key) || r_jwk_import_from_json_t(key, jwk_json) ||
	    r_jwt_init(&jwt) || r_jwt_set_full_claims_json_t(jwt, claims) ||
	    r_jwt_set_sign_alg(jwt, R_JWA_ALG_ES384) || r_jwt_set_header_str_value(jwt, "typ", "JWT")) {
		fprintf(stderr, "jwt_tool: the token could not be made (is %s a private JWK?)\n", priv_path);
		goto out;
	}
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
	if (!(token = r_jwt_serialize_signed(jwt, key, 0))) {
		fprintf(stderr, "jwt_tool: the token could not be signed (is %s a private JWK?)\n", priv_path);
		goto out;
	}
	puts(token);
	rc = 0;
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
	if (argc == 5 && !strcmp(argv[1], "keygen"))
		return keygen(argv[2], argv[3], argv[4]);
	if (argc >= 7 && !strcmp(argv[1], "sign"))
		return sign(argv[2], argv[3], argv[4], argv[5], argv[6], argv + 7, argc - 7);
	fprintf(stderr, "usage: jwt_tool keygen KID PUBLIC_JWKS_FILE PRIVATE_JWK_FILE\n"
			"       jwt_tool sign PRIVATE_JWK_FILE ISS AUD EXP_OFFSET JTI [NAME=VALUE ...]\n");
	return 1;
}
