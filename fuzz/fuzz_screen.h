/* Shared body of the screen fuzz targets (fuzz_screen_ndjson.c,
 * fuzz_screen_csv.c): the input as a stream of the given format, read in
 * batches of 3 records and screened into one reused buffer, compact and
 * full by turns, until the end or a stream error. Nothing may crash, trip
 * ASan/UBSan or leak; every result must be one line. */
#include <mgsleep/screen.h>

#include "builtin_kb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_screen(const uint8_t *data, size_t size, enum mg_screen_format fmt)
{
	struct mg_error err = {0};
	struct mg_reader r;
	struct mg_reader_memctx m;
	struct mg_screen_in *in = NULL;
	struct mg_screen_batch b = MG_SCREEN_BATCH_INIT;
	struct mg_screen_work *w = NULL;
	struct mg_buf out = MG_BUF_INIT;
	mg_reader_mem(&r, &m, "fuzz", data, size);
	if (mg_screen_in_open(&in, &r, fmt, &err) || mg_screen_work_new(&w, &err))
		goto out;
	struct mg_screen_opts o = {builtin_kb(), in, size & 1 ? MG_SCREEN_FULL : MG_SCREEN_COMPACT, 20424, "fuzz"};
	int n;
	while ((n = mg_screen_in_fill(in, &b, 3, 1 << 16, &err)) > 0) {
		mg_buf_reset(&out);
		long failed = mg_screen_run(&o, w, &b, 0, (size_t)n, &out);
		if (failed < 0 || failed > n)
			abort();
		size_t lines = 0;
		for (size_t i = 0; i < out.len; i++)
			lines += out.data[i] == '\n';
		if (lines != (size_t)n)
			abort(); /* one result line per record */
	}
out:
	mg_buf_release(&out);
	mg_screen_work_free(w);
	mg_screen_batch_release(&b);
	mg_screen_in_close(in);
	return 0;
}
