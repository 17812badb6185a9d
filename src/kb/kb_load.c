/* The loader's shared helpers: typed getters that name the item on error
 * (the "where" of struct ctx), and the per-KB arena. */
#include "kb_load.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void *kb_alloc(struct mg_kb *kb, size_t n)
{
	struct arena_block *b = calloc(1, sizeof *b + n);
	if (!b)
		return NULL;
	b->next = kb->arena;
	kb->arena = b;
	return b->data;
}


int bad(struct ctx *c, const char *fmt, const char *a)
{
	return mg_fail(c->err, MG_EKB, c->where, "%s: %s%s", c->where, fmt, a ? a : "");
}

int get_str(struct ctx *c, json_t *o, const char *key, int required, const char **out)
{
	json_t *v = json_object_get(o, key);
	if (!v) {
		*out = required ? NULL : "";
		return required ? mg_fail(c->err, MG_EKB, c->where, "%s: missing '%s'", c->where, key) : 0;
	}
	if (!json_is_string(v) || (required && json_string_length(v) == 0))
		return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must be a non-empty string", c->where, key);
	*out = json_string_value(v);
	return 0;
}

int get_num(struct ctx *c, json_t *o, const char *key, double lo, double hi, double *out)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_number(v))
		return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must be a number", c->where, key);
	*out = json_number_value(v);
	if (!(*out >= lo && *out <= hi))
		return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must be between %g and %g", c->where, key,
			       lo, hi);
	return 0;
}

json_t *get_arr(struct ctx *c, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_array(v)) {
		mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must be an array", c->where, key);
		return NULL;
	}
	return v;
}

int find_source(const struct mg_kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->n_sources; i++)
		if (!strcmp(kb->sources[i].id, id))
			return (int)i;
	return -1;
}

/* Every clinical item must cite at least one known source. */
int get_refs(struct ctx *c, json_t *o, const char *key, struct mg_refs *r)
{
	json_t *a = get_arr(c, o, key);
	if (!a)
		return MG_EKB;
	if (json_array_size(a) == 0)
		return bad(c, "cites no source", NULL);
	if (json_array_size(a) > MG_MAX_REFS)
		return bad(c, "cites too many sources", NULL);
	r->n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		int s = json_is_string(v) ? find_source(c->kb, json_string_value(v)) : -1;
		if (s < 0)
			return mg_fail(c->err, MG_EKB, c->where, "%s: cites unknown source '%s'", c->where,
				       json_is_string(v) ? json_string_value(v) : "?");
		r->idx[r->n++] = (unsigned short)s;
	}
	return 0;
}

int parse_enum(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int get_enum(struct ctx *c, json_t *o, const char *key, const char *const *names, int n, int *out)
{
	const char *s;
	int r = get_str(c, o, key, 1, &s);
	if (r)
		return r;
	*out = parse_enum(s, names, n);
	if (*out < 0)
		return mg_fail(c->err, MG_EKB, c->where, "%s: unknown %s '%s'", c->where, key, s);
	return 0;
}

void set_where(struct ctx *c, const char *section, size_t i, json_t *item, const char *idkey)
{
	json_t *id = json_object_get(item, idkey);
	snprintf(c->where, sizeof c->where, "%s[%zu]%s%s%s", section, i, json_is_string(id) ? " '" : "",
		 json_is_string(id) ? json_string_value(id) : "", json_is_string(id) ? "'" : "");
}

/* ---- sections ---- */

json_t *section(struct ctx *c, json_t *root, const char *name, int want_array)
{
	json_t *v = json_object_get(root, name);
	snprintf(c->where, sizeof c->where, "%s", name);
	if (want_array ? !json_is_array(v) : !json_is_object(v)) {
		mg_fail(c->err, MG_EKB, name, "%s: missing or not %s", name, want_array ? "an array" : "an object");
		return NULL;
	}
	return v;
}

int check_unique(struct ctx *c, const char *section, const char *const *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(ids[i], ids[j]))
				return mg_fail(c->err, MG_EKB, section, "%s: duplicate id '%s'", section, ids[i]);
	return 0;
}
