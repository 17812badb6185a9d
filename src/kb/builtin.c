/* The knowledge base compiled into the binary by tools/kbc at build time
 * (already validated there; loaded through the same checks here). */
#include "kb_internal.h"

#include <jansson.h>

extern const char mg_kb_blob[];
extern const size_t mg_kb_blob_len;
extern const char mg_kb_blob_hash[];

int mg_kb_load_builtin(struct mg_kb **out, struct mg_error *err)
{
	json_error_t je;
	*out = NULL;
	json_t *root = json_loadb(mg_kb_blob, mg_kb_blob_len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return mg_fail(err, MG_EKB, "kb", "built-in knowledge base: line %d: %s", je.line, je.text);
	return mg_kb_build(out, root, mg_kb_blob, mg_kb_blob_len, mg_kb_blob_hash, "built-in", err);
}
