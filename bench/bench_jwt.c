/* In-process cost of trusting a CDS Hooks client (issue 13): what the JWT
 * check adds to each request of `mgsleep cds --client`, without HTTP.
 *
 * For ES384 (P-384) and RS384 (RSA 2048), as an EHR would sign: a key pair
 * made here with rhonabwy, N tokens signed with it (iss, aud, iat, exp in an
 * hour, a distinct jti each, header kid), then mg_cds_auth_check over the N
 * tokens in ROUNDS rounds of N/ROUNDS: parse, key by kid, signature, claims,
 * and the replay cache's insert, as the service does per request. A token is
 * used once (a second use would be a replay, refused before the signature).
 * The signing time per token is printed too (the EHR's cost, and what
 * bench/cds.sh pays to mint its supply).
 *
 * usage: bench_jwt [N]   (default 2,000 per algorithm)
 * Output: one "key value unit" line per measurement; *_verify_us is the
 * median round (wall clock), *_verify_best_us the fastest, *_verify_cpu_us
 * the thread's CPU time per check over all rounds. Exit 1 if a token is
 * refused. */
#include "bench.h"

#include <mgsleep/cds_auth.h>

#include <jansson.h>
#include <rhonabwy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 5
#define ISS "https://ehr.example/"
#define AUD "http://127.0.0.1:8080/cds-services/mgsleep-order-sign"

/* Seconds of this thread's CPU time: on a shared machine steadier than the
 * wall clock, which also counts the time other jobs had the CPU. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* 0 when every token verified; prints the figures of one algorithm. */
static int run(const char *name, int key_type, unsigned bits, jwa_alg alg, long n, long long t_now)
{
	jwk_t *priv = NULL, *pub = NULL;
	jwks_t *set = NULL;
	jwt_t *jwt = NULL;
	struct mg_cds_auth *auth = NULL;
	struct mg_error err = {0};
	char *jwks = NULL, **tok = calloc((size_t)n, sizeof *tok);
	double round_s[ROUNDS], cpu = 0;
	int rc = 1;
	if (!tok || r_jwk_init(&priv) || r_jwk_init(&pub) || r_jwks_init(&set) || r_jwt_init(&jwt) ||
	    r_jwk_generate_key_pair(priv, pub, key_type, bits, "bench-1") || r_jwks_append_jwk(set, pub) ||
	    !(jwks = r_jwks_export_to_json_str(set, 0)) || r_jwt_set_sign_alg(jwt, alg) ||
	    r_jwt_set_header_str_value(jwt, "typ", "JWT")) {
		fprintf(stderr, "bench_jwt: %s: key pair\n", name);
		goto out;
	}
	if (mg_cds_auth_new(&auth, &err) || mg_cds_auth_add_client(auth, ISS, jwks, strlen(jwks), &err)) {
		fprintf(stderr, "bench_jwt: %s: %s\n", name, err.msg);
		goto out;
	}
	double t0 = now();
	for (long i = 0; i < n; i++) {
		char jti[32];
		snprintf(jti, sizeof jti, "bench-%ld", i);
		json_t *claims = json_pack("{s:s, s:s, s:I, s:I, s:s}", "iss", ISS, "aud", AUD, "iat", (json_int_t)t_now,
					   "exp", (json_int_t)(t_now + 3000), "jti", jti);
		int bad = !claims || r_jwt_set_full_claims_json_t(jwt, claims) ||
			  !(tok[i] = r_jwt_serialize_signed(jwt, priv, 0));
		json_decref(claims);
		if (bad) {
			fprintf(stderr, "bench_jwt: %s: signing\n", name);
			goto out;
		}
	}
	double sign_us = (now() - t0) * 1e6 / (double)n;
	long per = n / ROUNDS;
	char header[MG_CDS_AUTH_MAX_TOKEN + 8];
	for (int r = 0; r < ROUNDS; r++) {
		t0 = now();
		double c0 = cpu_now();
		for (long i = r * per; i < (r + 1) * per; i++) {
			snprintf(header, sizeof header, "Bearer %s", tok[i]);
			if (mg_cds_auth_check(auth, header, AUD, t_now, &err)) {
				fprintf(stderr, "bench_jwt: %s: token %ld refused: %s\n", name, i, err.msg);
				goto out;
			}
		}
		round_s[r] = (now() - t0) * 1e6 / (double)per;
		cpu += cpu_now() - c0;
	}
	double med = median(round_s, ROUNDS);
	printf("%s_token_bytes %zu bytes\n", name, strlen(tok[0]));
	printf("%s_sign_us %.1f us\n", name, sign_us);
	printf("%s_verify_us %.1f us\n", name, med);
	printf("%s_verify_best_us %.1f us\n", name, round_s[0]);
	printf("%s_verify_cpu_us %.1f us\n", name, cpu * 1e6 / (double)(per * ROUNDS));
	printf("%s_verify_per_s %.0f /s\n", name, 1e6 / med);
	rc = 0;
out:
	for (long i = 0; tok && i < n; i++)
		r_free(tok[i]);
	free(tok);
	r_free(jwks);
	mg_cds_auth_free(auth);
	r_jwt_free(jwt);
	r_jwks_free(set);
	r_jwk_free(pub);
	r_jwk_free(priv);
	return rc;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	if (n < ROUNDS) {
		fprintf(stderr, "usage: bench_jwt [N]   (N >= %d tokens per algorithm)\n", ROUNDS);
		return 2;
	}
	/* The check reads no clock: the caller passes "now", as the service does. */
	long long t = (long long)time(NULL);
	int rc = run("es384", R_KEY_TYPE_EC, 384, R_JWA_ALG_ES384, n, t);
	rc |= run("rs384", R_KEY_TYPE_RSA, 2048, R_JWA_ALG_RS384, n, t);
	return rc;
}
