/* libFuzzer target: the FHIR request parser of the CDS Hooks service (issue
 * 13) and the cards built from it. The input is a request body or a Bundle;
 * whatever it holds, the cards must pass the card checker. */
#include <mgsleep/advise.h>
#include <mgsleep/cds_cards.h>
#include <mgsleep/fhir_in.h>

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mg_kb *kb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_error err;
	struct mg_fhir_in in;
	struct mg_advice a;
	struct mg_buf b = MG_BUF_INIT;
	if (!kb && mg_kb_load_builtin(&kb, &err))
		abort();
	if (mg_fhir_in_parse(kb, (const char *)data, size, 20254, &in, &err))
		return 0;
	if (in.n_meds > MG_FHIR_MAX_MEDS || in.n_dropped > MG_FHIR_MAX_DROPPED || in.profile.n_meds > MG_MAX_MEDS)
		abort();
	int advised = mg_advise(kb, &in.profile, &a, NULL) == 0;
	if (mg_cds_cards(kb, &in, advised ? &a : NULL, NULL, &b, &err) || mg_cds_cards_check(b.data, b.len, &err))
		abort(); /* every card we write is a valid card */
	mg_buf_release(&b);
	return 0;
}
