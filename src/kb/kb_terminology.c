/* kb/terminology.json: the codes FHIR input is read by (docs/kb-schema.md). */
#include "kb_internal.h"
#include "kb_load.h"

#include <mgsleep/terminology.h>

#include <jansson.h>
#include <string.h>

static const char *const measure_names[] = {"creatinine", "egfr", "weight", "height"};
static const char *const status_names[] = {"unverified", "verified"};

int mg_kbl_load_terminology(struct ctx *c, json_t *root)
{
	struct mg_kb *kb = c->kb;
	json_t *o = section(c, root, "terminology", 0), *a, *it;
	size_t i;
	int r, v;
	if (!o)
		return MG_EKB;
	snprintf(c->where, sizeof c->where, "terminology");
	if ((r = get_refs(c, o, "refs", &kb->term_refs)))
		return r;
	if (!(a = get_arr(c, o, "observations")))
		return MG_EKB;
	kb->n_term_obs = json_array_size(a);
	if (!(kb->term_obs = kb_alloc(kb, (kb->n_term_obs + 1) * sizeof *kb->term_obs)))
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	json_array_foreach(a, i, it) {
		struct mg_term_observation *t = &kb->term_obs[i];
		set_where(c, "terminology.observations", i, it, "code");
		if ((r = get_str(c, it, "system", 1, &t->system)) || (r = get_str(c, it, "code", 1, &t->code)) ||
		    (r = get_enum(c, it, "measure", measure_names, MG_TERM_COUNT, &v)))
			return r;
		t->measure = (enum mg_term_measure)v;
		t->legacy = json_is_true(json_object_get(it, "legacy"));
		/* A creatinine's value is read in its code's unit, and any other
		 * unit refused: the unit is part of what the code means. */
		if (t->measure == MG_TERM_CREATININE &&
		    ((r = get_str(c, it, "unit", 1, &t->unit)) || (strcmp(t->unit, "mg/dL") && strcmp(t->unit, "umol/L"))))
			return r ? r : bad(c, "a creatinine's unit must be mg/dL or umol/L", NULL);
		/* An observation's value is taken as a number for a safety rule:
		 * only codes seen in their source may do that. */
		if ((r = get_enum(c, it, "status", status_names, 2, &v)))
			return r;
		if (!v)
			return bad(c, "an observation code must be verified", NULL);
	}
	if (!(a = get_arr(c, o, "conditions")))
		return MG_EKB;
	kb->n_term_cond = json_array_size(a);
	if (!(kb->term_cond = kb_alloc(kb, (kb->n_term_cond + 1) * sizeof *kb->term_cond)))
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	json_array_foreach(a, i, it) {
		struct mg_term_condition *t = &kb->term_cond[i];
		set_where(c, "terminology.conditions", i, it, "code");
		if ((r = get_str(c, it, "system", 1, &t->system)) || (r = get_str(c, it, "code", 1, &t->code)) ||
		    (r = get_str(c, it, "display", 1, &t->display)) ||
		    (r = get_str(c, it, "condition", 1, &t->condition)) ||
		    (r = get_enum(c, it, "status", status_names, 2, &t->verified)))
			return r;
		if (strcmp(t->condition, "pregnant") && mg_kb_find_condition(kb, t->condition) < 0)
			return bad(c, "unknown condition ", t->condition);
	}
	static const char *const gap_ids[] = {"patient", "birthdate", "kidney", "weight", "sex", "other"};
	snprintf(c->where, sizeof c->where, "terminology");
	if (!(a = get_arr(c, o, "gaps")))
		return MG_EKB;
	kb->n_term_gaps = json_array_size(a);
	if (!(kb->term_gaps = kb_alloc(kb, (kb->n_term_gaps + 1) * sizeof *kb->term_gaps)))
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	json_array_foreach(a, i, it) {
		struct mg_term_gap *g = &kb->term_gaps[i];
		set_where(c, "terminology.gaps", i, it, "id");
		if ((r = get_enum(c, it, "id", gap_ids, 6, &v)) || (r = get_str(c, it, "text", 1, &g->text)) ||
		    (r = get_refs(c, it, "refs", &g->refs)))
			return r;
		g->id = gap_ids[v];
		if (json_object_get(it, "summary") && (r = get_str(c, it, "summary", 1, &g->summary)))
			return r; /* absent: NULL, as kb_alloc zeroes */
	}
	/* Every gap the FHIR reader can report must have words. */
	for (size_t k = 0; k < sizeof gap_ids / sizeof gap_ids[0]; k++)
		if (!mg_kb_term_gap(kb, gap_ids[k]))
			return bad(c, "a gap is missing: ", gap_ids[k]);
	if (!mg_kb_term_gap(kb, "other")->summary)
		return bad(c, "the 'other' gap needs a summary", NULL);
	snprintf(c->where, sizeof c->where, "terminology");
	if (!(a = get_arr(c, o, "pregnancy_texts")))
		return MG_EKB;
	kb->n_term_pregnancy = json_array_size(a);
	if (!(kb->term_pregnancy = kb_alloc(kb, (kb->n_term_pregnancy + 1) * sizeof *kb->term_pregnancy)))
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	json_array_foreach(a, i, it) {
		if (!json_is_string(it) || !json_string_length(it))
			return bad(c, "pregnancy_texts must be non-empty strings", NULL);
		kb->term_pregnancy[i] = json_string_value(it);
	}
	return 0;
}

const struct mg_term_observation *mg_kb_term_observations(const struct mg_kb *kb, size_t *n)
{
	*n = kb->n_term_obs;
	return kb->term_obs;
}

const struct mg_term_condition *mg_kb_term_conditions(const struct mg_kb *kb, size_t *n)
{
	*n = kb->n_term_cond;
	return kb->term_cond;
}

const char *const *mg_kb_term_pregnancy_texts(const struct mg_kb *kb, size_t *n)
{
	*n = kb->n_term_pregnancy;
	return kb->term_pregnancy;
}

const struct mg_term_gap *mg_kb_term_gap(const struct mg_kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->n_term_gaps; i++)
		if (!strcmp(kb->term_gaps[i].id, id))
			return &kb->term_gaps[i];
	return NULL;
}
