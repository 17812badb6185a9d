/* libFuzzer target: profile JSON -> validation -> advise -> every renderer.
 *
 * The built-in KB is loaded once per process (as the CLI does); each input is
 * parsed with mg_profile_load_json and, when accepted and consistent, advised
 * and rendered in all four formats into one reused buffer. Nothing may crash,
 * trip ASan/UBSan or leak.
 *
 * run: build-fuzz/fuzz/fuzz_profile fuzz/corpus/profile -max_total_time=60 */
#include <mgsleep/advise.h>
#include <mgsleep/profile.h>
#include <mgsleep/render.h>

#include "builtin_kb.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_advice a; /* large; keep it off the stack */
	const struct mg_kb *kb = builtin_kb();
	struct mg_profile p;
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;

	mg_profile_init(&p);
	if (mg_profile_load_json(&p, kb, (const char *)data, size, &err) || mg_profile_check(&p, &err))
		return 0;
	if (mg_advise(kb, &p, &a, &err))
		return 0;
	static const enum mg_format formats[] = {MG_FMT_TEXT, MG_FMT_MARKDOWN, MG_FMT_HTML, MG_FMT_JSON};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		/* text: also a narrow, coloured layout, from the input's size */
		struct mg_render_opts o = {formats[i], 40 + (int)(size % 80), (int)(size & 1), "fuzz"};
		mg_buf_reset(&out);
		if (mg_render_advice(&a, &o, &out, &err))
			abort(); /* rendering an accepted advice must not fail */
		if (!out.data || out.len == 0)
			abort();
	}
	mg_buf_release(&out);
	return 0;
}
