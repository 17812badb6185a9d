/* libFuzzer target: the web API's night (mg_night_json_read, night_input.h)
 * and the entry written from it (mg_night_input_entry). An accepted night's
 * entry must be JSON that the store's reader reads back (mg_night_entry_read)
 * with the same items; a refusal is one line naming a field. Nothing may
 * crash, trip ASan/UBSan or leak.
 *
 * run: build-fuzz/fuzz/fuzz_night_json fuzz/corpus/night_json -max_total_time=60 */
#include <mgsleep/kb.h>
#include <mgsleep/night_input.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mg_kb *kb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_night_input in;
	static struct mg_night_entry e;
	struct mg_error err = {0};
	if (!kb && mg_kb_load_builtin(&kb, NULL))
		abort();
	if (mg_night_json_read((const char *)data, size, &in, &err)) {
		if (err.code >= 0 || !err.field[0] || strchr(err.msg, '\n'))
			abort();
		return 0;
	}
	if (in.nap_min < 0 || in.nap_min > 720 || !memchr(in.comment, 0, sizeof in.comment) ||
	    !memchr(in.mg_form, 0, sizeof in.mg_form))
		abort();
	struct mg_buf entry = MG_BUF_INIT;
	double el;
	const struct mg_compound *form;
	if (in.night.date == MG_DATE_UNSET)
		in.night.date = 20780;
	if (!mg_night_input_entry(&in, kb, &entry, &el, &form, &err)) {
		if (mg_night_entry_read(entry.data, entry.len, &e, &err) || e.n.bed != in.night.bed ||
		    e.n.sol_min != in.night.sol_min || e.n.quality != in.night.quality ||
		    (in.has_comment && strcmp(e.comment, in.comment)))
			abort();
	} else if (err.code >= 0 || strchr(err.msg, '\n')) {
		abort();
	}
	mg_buf_release(&entry);
	return 0;
}
