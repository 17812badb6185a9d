/* libFuzzer target: a CSV stream for mgsleep screen -> records -> profiles ->
 * advise -> results (fuzz/fuzz_screen.h).
 *
 * run: build-fuzz/fuzz/fuzz_screen_csv fuzz/corpus/screen_csv -max_total_time=60 */
#include "fuzz_screen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_screen(data, size, MG_SCREEN_CSV);
}
