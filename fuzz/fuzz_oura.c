/* libFuzzer target for the Oura sleep JSON importer (API v1 and v2); the
 * checks are in import_sink.h. */
#include "import_sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_import_opts o = {0}; /* Oura times carry their offsets */
	fuzz_import(mg_import_oura_json, &o, 1, data, size);
	return 0;
}
