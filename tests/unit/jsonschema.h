/* A validator for the JSON Schema subset docs/advice.schema.json uses:
 * type (string or array), properties, required, additionalProperties:false,
 * items, enum, minimum, maximum. Unknown keywords are an error, so the schema
 * cannot silently use something this validator ignores. */
#ifndef MG_TEST_JSONSCHEMA_H
#define MG_TEST_JSONSCHEMA_H

#include <jansson.h>

/* 0 if valid; otherwise -1 with a JSON-pointer-like path and reason in why. */
int js_validate(json_t *schema, json_t *doc, char *why, size_t why_len);

#endif
