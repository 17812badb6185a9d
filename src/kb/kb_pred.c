/* The `when` predicate language (docs/kb-schema.md): parsed once at load,
 * evaluated against a person's facts by the engine. */
#include "kb_internal.h"
#include "kb_load.h"

#include <mgsleep/buf.h>

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int get_set(struct ctx *c, json_t *v, int (*find)(const struct mg_kb *, const char *), uint64_t *out)
{
	if (!json_is_array(v) || json_array_size(v) == 0)
		return bad(c, "a set test needs a non-empty array of names", NULL);
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		int k = json_is_string(e) ? find(c->kb, json_string_value(e)) : -1;
		if (k < 0)
			return mg_fail(c->err, MG_EKB, c->where, "%s: unknown name '%s' in 'when'", c->where,
				       json_is_string(e) ? json_string_value(e) : "?");
		*out |= (uint64_t)1 << k;
	}
	return 0;
}

static const char *const bfact_names[] = {
#define XX(e, s) s,
	MG_BFACTS(XX)
#undef XX
};

int get_pred(struct ctx *c, json_t *o, struct mg_pred *p, int depth)
{
	memset(p, 0, sizeof *p);
	p->renal_below = p->renal_at_least = p->age_min = p->age_below = p->isi_min = NAN;
	if (!o)
		return 0;
	if (depth > 3)
		return bad(c, "'when' is nested more than 3 levels deep", NULL);
	if (!json_is_object(o))
		return bad(c, "'when' must be an object", NULL);
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		double *num = !strcmp(key, "renal_below")      ? &p->renal_below
			      : !strcmp(key, "renal_at_least") ? &p->renal_at_least
			      : !strcmp(key, "age_min")	       ? &p->age_min
			      : !strcmp(key, "age_below")      ? &p->age_below
			      : !strcmp(key, "isi_min")	       ? &p->isi_min
						       : NULL;
		if (num) {
			if (!json_is_number(v))
				return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must be a number", c->where, key);
			*num = json_number_value(v);
			continue;
		}
		int r = 0;
		if (!strcmp(key, "condition_any"))
			r = get_set(c, v, mg_kb_find_condition, &p->condition_any);
		else if (!strcmp(key, "symptom_any"))
			r = get_set(c, v, mg_kb_find_symptom, &p->symptom_any);
		else if (!strcmp(key, "class_any"))
			r = get_set(c, v, mg_kbl_find_class, &p->class_any);
		else if (!strcmp(key, "any")) {
			if (!json_is_array(v) || json_array_size(v) < 2)
				return bad(c, "'any' needs an array of at least two tests", NULL);
			p->n_any = json_array_size(v);
			p->any = kb_alloc(c->kb, p->n_any * sizeof *p->any);
			if (!p->any)
				return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
			for (size_t i = 0; i < p->n_any && !r; i++)
				r = get_pred(c, json_array_get(v, i), &p->any[i], depth + 1);
		} else {
			size_t b;
			for (b = 0; b < MG_BF_COUNT; b++)
				if (!strcmp(key, bfact_names[b]))
					break;
			if (b == MG_BF_COUNT)
				return mg_fail(c->err, MG_EKB, c->where, "%s: unknown test '%s' in 'when'", c->where,
					       key);
			if (!json_is_boolean(v))
				return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must be true or false", c->where,
					       key);
			p->bool_mask |= 1u << b;
			if (json_is_true(v))
				p->bool_value |= 1u << b;
		}
		if (r)
			return r;
	}
	return 0;
}

int mg_pred_eval(const struct mg_pred *p, const struct mg_facts *f)
{
	if ((f->bools ^ p->bool_value) & p->bool_mask)
		return 0;
	/* NaN compares false, so an unknown fact fails every numeric test. */
	if (!isnan(p->renal_below) && !(f->renal < p->renal_below))
		return 0;
	if (!isnan(p->renal_at_least) && !(f->renal >= p->renal_at_least))
		return 0;
	if (!isnan(p->age_min) && !(f->age >= p->age_min))
		return 0;
	if (!isnan(p->age_below) && !(f->age < p->age_below))
		return 0;
	if (!isnan(p->isi_min) && !(f->isi >= p->isi_min))
		return 0;
	if (p->condition_any && !(p->condition_any & f->conditions))
		return 0;
	if (p->symptom_any && !(p->symptom_any & f->symptoms))
		return 0;
	if (p->class_any && !(p->class_any & f->classes))
		return 0;
	if (p->n_any) {
		for (size_t i = 0; i < p->n_any; i++)
			if (mg_pred_eval(&p->any[i], f))
				return 1;
		return 0;
	}
	return 1;
}
