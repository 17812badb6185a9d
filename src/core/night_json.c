/* The web API's night (night_input.h, mg_night_json_read): JSON keys to
 * log's options, each value through mg_night_input_set so that the checks
 * and messages are log's own. */
#include <mgsleep/night_input.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define NIGHT_JSON_MAX ((size_t)64 << 10)

/* The keys, as log's long options with '_' for '-'; the repeatable ones
 * also take an array. */
static const struct {
	const char *key, *option;
	int repeatable;
} keys[] = {
	{"date", "date", 0},         {"bed", "bed", 0},
	{"try_sleep", "try-sleep", 0}, {"sol", "sol", 0},
	{"awakenings", "awakenings", 0}, {"waso", "waso", 0},
	{"final_wake", "final-wake", 0}, {"out_of_bed", "out-of-bed", 0},
	{"quality", "quality", 0},   {"comment", "comment", 0},
	{"mg_form", "mg-form", 0},   {"mg_elemental", "mg-elemental", 0},
	{"mg_compound", "mg-compound", 0}, {"mg_time", "mg-time", 0},
	{"no_mg", "no-mg", 0},       {"replace", "replace", 0},
	{"tag", "tag", 1},           {"nap", "nap", 1},
};
#define N_KEYS (sizeof keys / sizeof keys[0])

/* One JSON scalar as the text typed after the flag: numbers as written
 * (integers without a point), booleans as true/false. */
static int scalar(const json_t *v, char *buf, size_t n, const char **text)
{
	if (json_is_string(v)) {
		*text = json_string_value(v);
		return 0;
	}
	if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v) && isfinite(json_real_value(v)))
		snprintf(buf, n, "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
	else
		return -1;
	*text = buf;
	return 0;
}

static int set_one(struct mg_night_input *in, const char *key, const char *option, const json_t *v,
		   struct mg_error *err)
{
	char buf[64];
	const char *text;
	if (scalar(v, buf, sizeof buf, &text))
		return mg_fail(err, MG_EINVAL, key, "%s: accepted: a string, number or boolean", key);
	return mg_night_input_set(in, option, text, err);
}

int mg_night_json_read(const char *json, size_t len, struct mg_night_input *in, struct mg_error *err)
{
	json_error_t je;
	mg_night_input_init(in);
	if (len > NIGHT_JSON_MAX)
		return mg_fail(err, MG_ETOOBIG, "body", "body: accepted: up to %zu bytes", NIGHT_JSON_MAX);
	/* Without JSON_ALLOW_NUL a "\u0000" is a parse error: no value is cut short. */
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return mg_fail(err, MG_EPARSE, "body", "body: not a JSON object (near byte %d)", root ? 0 : je.position);
	}
	int r = 0;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		size_t k;
		for (k = 0; k < N_KEYS && strcmp(key, keys[k].key); k++)
			;
		if (k == N_KEYS) {
			/* The key may be anything the client sent: not echoed. */
			r = mg_fail(err, MG_EINVAL, "body", "body: a key is not a diary item; accepted: date, bed, "
							    "try_sleep, sol, awakenings, waso, final_wake, out_of_bed, "
							    "quality, comment, mg_form, mg_elemental, mg_compound, "
							    "mg_time, no_mg, tag, nap, replace");
			break;
		}
		if (json_is_null(v))
			continue; /* not given */
		if (json_is_array(v) && keys[k].repeatable) {
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e) {
				if ((r = set_one(in, keys[k].key, keys[k].option, e, err)))
					break;
			}
		} else {
			r = set_one(in, keys[k].key, keys[k].option, v, err);
		}
		if (r)
			break;
	}
	json_decref(root);
	return r;
}
