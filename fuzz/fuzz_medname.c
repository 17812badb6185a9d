/* libFuzzer target: the medicine-name normaliser (issue 10 section 2). The
 * input, NUL-terminated, is a medicine name as typed or as a record writes
 * it; it goes through mg_kb_match_medicine, mg_kb_suggest_medicine and the
 * whole advice (profile --med, advise, JSON rendering). */
#include <mgsleep/advise.h>
#include <mgsleep/medname.h>
#include <mgsleep/render.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mg_kb *kb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_error err;
	if (!kb && mg_kb_load_builtin(&kb, &err))
		abort();
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct mg_med_match m;
	size_t n = mg_kb_match_medicine(kb, s, &m);
	if (n != m.n || n > MG_MED_MAX_INGREDIENTS || (n == 0 && !m.unrecognised))
		abort(); /* nothing recognised is always reported as unrecognised */
	for (size_t i = 0; i < n; i++)
		if (!m.med[i] || !m.med[i]->name || !m.med[i]->inter)
			abort();
	const char *sug = mg_kb_suggest_medicine(kb, s);
	if (sug && !*sug)
		abort();
	char canon[64];
	mg_medname_canon(s, canon, sizeof canon);

	struct mg_profile p;
	static struct mg_advice a;
	mg_profile_init(&p);
	if (mg_profile_set(&p, kb, "med", s, &err) == 0 && mg_advise(kb, &p, &a, &err) == 0) {
		struct mg_buf b = MG_BUF_INIT;
		struct mg_render_opts o = {MG_FMT_JSON, 0, 0, "fuzz"};
		if (mg_render_advice(&a, &o, &b, &err))
			abort();
		mg_buf_release(&b);
	}
	free(s);
	return 0;
}
