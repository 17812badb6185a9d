#include "jsonschema.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int type_ok(const char *t, json_t *v)
{
	if (!strcmp(t, "object")) return json_is_object(v);
	if (!strcmp(t, "array")) return json_is_array(v);
	if (!strcmp(t, "string")) return json_is_string(v);
	if (!strcmp(t, "number")) return json_is_number(v);
	if (!strcmp(t, "integer"))
		return json_is_integer(v) || (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)));
	if (!strcmp(t, "boolean")) return json_is_boolean(v);
	if (!strcmp(t, "null")) return json_is_null(v);
	return 0;
}

static int fail(char *why, size_t n, const char *path, const char *msg)
{
	snprintf(why, n, "%s: %s", path[0] ? path : "/", msg);
	return -1;
}

static int check(json_t *s, json_t *v, const char *path, char *why, size_t n)
{
	const char *key;
	json_t *kw;
	json_object_foreach(s, key, kw) {
		if (!strcmp(key, "$schema") || !strcmp(key, "$id") || !strcmp(key, "title") ||
		    !strcmp(key, "description") || !strcmp(key, "properties") || !strcmp(key, "required") ||
		    !strcmp(key, "additionalProperties") || !strcmp(key, "items") || !strcmp(key, "type") ||
		    !strcmp(key, "enum") || !strcmp(key, "minimum") || !strcmp(key, "maximum") ||
		    !strcmp(key, "examples"))
			continue;
		char m[160];
		snprintf(m, sizeof m, "schema uses unsupported keyword '%s'", key);
		return fail(why, n, path, m);
	}
	json_t *t = json_object_get(s, "type");
	if (t) {
		int any = 0;
		if (json_is_string(t))
			any = type_ok(json_string_value(t), v);
		else {
			size_t i;
			json_t *e;
			json_array_foreach(t, i, e) any |= type_ok(json_string_value(e), v);
		}
		if (!any)
			return fail(why, n, path, "wrong type");
	}
	json_t *en = json_object_get(s, "enum");
	if (en) {
		int found = 0;
		size_t i;
		json_t *e;
		json_array_foreach(en, i, e) found |= json_equal(e, v);
		if (!found)
			return fail(why, n, path, "value not in enum");
	}
	if (json_is_number(v)) {
		json_t *mn = json_object_get(s, "minimum"), *mx = json_object_get(s, "maximum");
		if (mn && json_number_value(v) < json_number_value(mn))
			return fail(why, n, path, "below minimum");
		if (mx && json_number_value(v) > json_number_value(mx))
			return fail(why, n, path, "above maximum");
	}
	if (json_is_object(v)) {
		json_t *props = json_object_get(s, "properties"), *req = json_object_get(s, "required");
		size_t i;
		json_t *e;
		json_array_foreach(req, i, e) if (!json_object_get(v, json_string_value(e)))
		{
			char m[160];
			snprintf(m, sizeof m, "missing required key '%s'", json_string_value(e));
			return fail(why, n, path, m);
		}
		json_object_foreach(v, key, e) {
			json_t *ps = json_object_get(props, key);
			char sub[512];
			snprintf(sub, sizeof sub, "%s/%s", path, key);
			if (!ps) {
				if (json_is_false(json_object_get(s, "additionalProperties")))
					return fail(why, n, sub, "key not allowed");
				continue;
			}
			if (check(ps, e, sub, why, n))
				return -1;
		}
	}
	if (json_is_array(v) && json_object_get(s, "items")) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			char sub[512];
			snprintf(sub, sizeof sub, "%s/%zu", path, i);
			if (check(json_object_get(s, "items"), e, sub, why, n))
				return -1;
		}
	}
	return 0;
}

int js_validate(json_t *schema, json_t *doc, char *why, size_t why_len)
{
	why[0] = '\0';
	return check(schema, doc, "", why, why_len);
}
