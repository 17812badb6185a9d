/* libFuzzer target: the KB loader and validator (mg_kb_load_json), the path
 * a --kb directory and the embedded copy both go through. Any input either
 * loads or is rejected with an error; nothing may crash, trip ASan/UBSan or
 * leak.
 *
 * run: build-fuzz/fuzz/fuzz_kb fuzz/corpus/kb -max_total_time=60 */
#include <mgsleep/kb.h>

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_kb *kb = NULL;
	struct mg_error err = {0};
	if (mg_kb_load_json(&kb, (const char *)data, size, &err) == 0) {
		if (!kb || !mg_kb_hash(kb) || !mg_kb_version(kb))
			abort();
	} else if (kb) {
		abort(); /* failure must leave *out NULL */
	}
	mg_kb_free(kb);
	return 0;
}
