/* libFuzzer target: the FHIR request parser of the CDS Hooks service (issue
 * 13) and the cards built from it, and the feedback reader. The input is a
 * request body, a Bundle or a feedback body; whatever it holds, the cards
 * (with uuids and links) must pass the card checker. */
#include <mgsleep/advise.h>
#include <mgsleep/cds_cards.h>
#include <mgsleep/fhir_in.h>

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mg_kb *kb;

static void counting_random(void *ctx, unsigned char *buf, size_t n)
{
	unsigned char *next = ctx;
	for (size_t i = 0; i < n; i++)
		buf[i] = (*next)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_error err;
	struct mg_fhir_in in;
	struct mg_advice a;
	struct mg_buf b = MG_BUF_INIT;
	struct mg_cds_feedback fb;
	unsigned char next = 0;
	struct mg_cds_opts o = {"https://cds.example.org/sources", counting_random, &next};
	if (!kb && mg_kb_load_builtin(&kb, &err))
		abort();
	if (!mg_cds_feedback_read((const char *)data, size, &fb, &err) && fb.accepted + fb.overridden == 0)
		abort(); /* an accepted body has at least one entry */
	if (mg_fhir_in_parse(kb, (const char *)data, size, 20254, &in, &err))
		return 0;
	if (in.n_meds > MG_FHIR_MAX_MEDS || in.n_dropped > MG_FHIR_MAX_DROPPED || in.profile.n_meds > MG_MAX_MEDS)
		abort();
	int advised = mg_advise(kb, &in.profile, &a, NULL) == 0;
	if (mg_cds_cards(kb, &in, advised ? &a : NULL, &o, &b, &err) || mg_cds_cards_check(b.data, b.len, &err))
		abort(); /* every card we write is a valid card */
	mg_buf_release(&b);
	return 0;
}
