/* libFuzzer target for the Fitbit sleep JSON importer; the checks are in
 * import_sink.h. Fitbit logs always have times: a period is a bug. */
#include "import_sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A zone with clock changes, so the DST paths are reached. */
	struct mg_import_opts o = {.tz = "America/New_York"};
	fuzz_import(mg_import_fitbit, &o, 0, data, size);
	return 0;
}
