/* libFuzzer target: the Authorization header value of a CDS Hooks request
 * (issue 13), checked against one fixed client (an ES384 public key made
 * for this target; its private key was thrown away after signing the
 * corpus) at a fixed clock. A fresh checker per input, so that the replay
 * cache does not make a run depend on the inputs before it. */
#include <mgsleep/cds_auth.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char JWKS[] = "{\"keys\":[{\"kty\":\"EC\",\"x\":\"iJ71fup1ANA83mUcnI009t-WSywIoJmsEz4kzkt4c9ilHJ6ehl4ISRuElmPzGZPa\",\"y\":\"zIuK_pfvRJl4DPR20QwF_4lrWagGb9J8PCWrLPOfh2zQ5As48mxvb629yUSd4GJJ\",\"crv\":\"P-384\",\"kid\":\"fuzz1\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_cds_auth *a;
	struct mg_error err;
	char *h = malloc(size + 1);
	if (!h || mg_cds_auth_new(&a, &err) || mg_cds_auth_add_client(a, "https://ehr.example", JWKS, strlen(JWKS), &err))
		abort();
	memcpy(h, data, size);
	h[size] = 0; /* a header value is a C string; an embedded NUL ends it */
	int rc = mg_cds_auth_check(a, h, "https://cds.example/cds-services/x", 1700000000, &err);
	if (rc != 0 && rc != MG_EINVAL && rc != MG_ENOMEM)
		abort();
	if (rc == 0 && mg_cds_auth_check(a, h, "https://cds.example/cds-services/x", 1700000000, &err) != MG_EINVAL)
		abort(); /* accepted once, a replay after */
	mg_cds_auth_free(a);
	free(h);
	return 0;
}
