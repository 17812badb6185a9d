/* libFuzzer target: the fast path of the profile reader against its jansson
 * path (include/mgsleep/profile.h). For any input, mg_profile_load_json_id
 * (fast path first) and mg_profile_load_json_tree (jansson only) must agree:
 * the same return code, error field and message, id, and profile (as
 * mg_profile_to_json writes it). Also without an id (mg_profile_load_json).
 *
 * run: build-fuzz/fuzz/fuzz_profile_fast fuzz/corpus/profile_fast -max_total_time=60 */
#include <mgsleep/profile.h>

#include "builtin_kb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct mg_kb *kb, const char *json, size_t size, int with_id)
{
	struct mg_profile a, b;
	struct mg_error ea = {0}, eb = {0};
	char ida[128] = "", idb[128] = "";
	struct mg_buf ja = MG_BUF_INIT, jb = MG_BUF_INIT;
	mg_profile_init(&a);
	mg_profile_init(&b);
	int ra = with_id ? mg_profile_load_json_id(&a, kb, json, size, ida, sizeof ida, &ea)
			 : mg_profile_load_json(&a, kb, json, size, &ea);
	int rb = mg_profile_load_json_tree(&b, kb, json, size, with_id ? idb : NULL, sizeof idb, &eb);
	mg_profile_to_json(&a, kb, &ja);
	mg_profile_to_json(&b, kb, &jb);
	if (ra != rb || strcmp(ea.field, eb.field) || strcmp(ea.msg, eb.msg) || strcmp(ida, idb) ||
	    ja.len != jb.len || (ja.len && memcmp(ja.data, jb.data, ja.len)))
		abort();
	mg_buf_release(&ja);
	mg_buf_release(&jb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mg_kb *kb = builtin_kb();
	same(kb, (const char *)data, size, 1);
	same(kb, (const char *)data, size, 0);
	return 0;
}
