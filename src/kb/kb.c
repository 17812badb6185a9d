/* Knowledge-base loader and validator.
 *
 * One code path for the embedded copy and for a --kb directory, so a clinic's
 * local policy is checked exactly as strictly as the built-in one. Every
 * string in the loaded structs points into the jansson tree kept in kb->root. */
#include "kb_internal.h"
#include "kb_load.h"

#include <mgsleep/buf.h>

#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Files of a KB directory; each becomes the top-level key of its basename. */
static const char *const kb_files[] = {
	"meta",	      "sources",  "compounds", "intakes",	"limits",   "conditions",
	"symptoms",   "interactions", "rules",	 "referrals", "monitoring", "outcomes",
	"pitfalls",   "studies",  "dose", "diet", "trial", "medicines", "terminology",
};
#define N_KB_FILES (sizeof kb_files / sizeof kb_files[0])

void mg_kb_free(struct mg_kb *kb)
{
	if (!kb)
		return;
	struct arena_block *b = kb->arena;
	while (b) {
		struct arena_block *n = b->next;
		free(b);
		b = n;
	}
	free(kb->canonical_owned);
	json_decref(kb->root);
	free(kb);
}

static int name_matches(const struct mg_named *n, const char *name)
{
	if (!strcasecmp(n->id, name))
		return 1;
	for (size_t i = 0; i < n->n_aliases; i++)
		if (!strcasecmp(n->aliases[i], name))
			return 1;
	return 0;
}

int mg_kb_find_condition(const struct mg_kb *kb, const char *name)
{
	for (size_t i = 0; i < kb->n_conditions; i++)
		if (name_matches(&kb->conditions[i], name))
			return (int)i;
	return -1;
}

int mg_kb_find_symptom(const struct mg_kb *kb, const char *name)
{
	for (size_t i = 0; i < kb->n_symptoms; i++)
		if (name_matches(&kb->symptoms[i], name))
			return (int)i;
	return -1;
}

int find_class(const struct mg_kb *kb, const char *name)
{
	for (size_t i = 0; i < kb->n_classes; i++)
		if (!strcmp(kb->classes[i], name))
			return (int)i;
	return -1;
}


const char *const verdict_names[] = {"recommended", "caution", "consult", "contraindicated"};
const char *const severity_names[] = {"info", "caution", "warning", "danger"};
static const char *const jur_names[] = {"us", "eu", "uk"};

const char *mg_verdict_name(enum mg_verdict v)
{
	return (unsigned)v < 4 ? verdict_names[v] : "?";
}
const char *mg_severity_name(enum mg_severity s)
{
	return (unsigned)s < 4 ? severity_names[s] : "?";
}
const char *mg_jurisdiction_name(enum mg_jurisdiction j)
{
	return (unsigned)j < MG_JUR_COUNT ? jur_names[j] : "?";
}

static int load_sources(struct ctx *c, json_t *root)
{
	json_t *a = section(c, root, "sources", 1);
	if (!a)
		return MG_EKB;
	struct mg_kb *kb = c->kb;
	kb->n_sources = json_array_size(a);
	/* Citation numbers in an advice are indexed by source in 16-bit tables of 256. */
	if (kb->n_sources > 256)
		return mg_fail(c->err, MG_EKB, "sources", "sources: more than 256 sources");
	kb->sources = kb_alloc(kb, (kb->n_sources + 1) * sizeof *kb->sources);
	const char **ids = kb_alloc(kb, (kb->n_sources + 1) * sizeof *ids);
	if (!kb->sources || !ids)
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	size_t i;
	json_t *it;
	json_array_foreach(a, i, it) {
		struct mg_source *s = &kb->sources[i];
		set_where(c, "sources", i, it, "id");
		int r = get_str(c, it, "id", 1, &s->id);
		if (!r)
			r = get_str(c, it, "citation", 1, &s->citation);
		if (!r)
			r = get_str(c, it, "url", 0, &s->url);
		if (!r)
			r = get_str(c, it, "status", 1, &s->status);
		if (r)
			return r;
		static const char *const st[] = {"verified", "verified-secondary", "computed", "unverified", "unknown"};
		if (parse_enum(s->status, st, 5) < 0)
			return bad(c, "unknown status ", s->status);
		ids[i] = s->id;
	}
	return check_unique(c, "sources", ids, kb->n_sources);
}

static int load_compounds(struct ctx *c, json_t *root)
{
	json_t *a = section(c, root, "compounds", 1);
	if (!a)
		return MG_EKB;
	struct mg_kb *kb = c->kb;
	kb->n_compounds = json_array_size(a);
	kb->compounds = kb_alloc(kb, (kb->n_compounds + 1) * sizeof *kb->compounds);
	if (!kb->compounds)
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	size_t i;
	json_t *it;
	json_array_foreach(a, i, it) {
		struct mg_compound *m = &kb->compounds[i];
		set_where(c, "compounds", i, it, "id");
		double declared = 0, mg_atoms = 0;
		int use;
		int r = get_str(c, it, "id", 1, &m->id);
		if (!r)
			r = get_str(c, it, "name", 1, &m->name);
		if (!r)
			r = get_str(c, it, "formula", 1, &m->formula);
		if (!r)
			r = get_num(c, it, "elemental_fraction", 0.001, 1, &declared);
		if (!r)
			r = get_str(c, it, "gi", 1, &m->gi);
		if (!r)
			r = get_str(c, it, "sleep_evidence", 1, &m->sleep_evidence);
		if (!r)
			r = get_enum(c, it, "sleep_use", (const char *const[]){"preferred", "acceptable", "avoid"}, 3,
				     &use);
		if (!r)
			r = get_str(c, it, "use_reason", 1, &m->use_reason);
		if (!r)
			r = get_refs(c, it, "refs", &m->refs);
		if (r)
			return r;
		m->use = (enum mg_sleep_use)use;
		m->trial_compound_mg = NAN;
		json_t *dn = json_object_get(it, "dose_note");
		if (json_object_get(it, "trial_compound_mg") &&
		    (r = get_num(c, it, "trial_compound_mg", 1, 20000, &m->trial_compound_mg)))
			return r;
		if (dn && (!json_is_object(dn) || (r = get_str(c, dn, "text", 1, &m->dose_note)) ||
			   (r = get_refs(c, dn, "refs", &m->dose_note_refs))))
			return r ? r : bad(c, "'dose_note' must be an object with text and refs", NULL);
		/* A form's own trial dose replaces the default dose, so it must say why. */
		if (!isnan(m->trial_compound_mg) && !m->dose_note)
			return bad(c, "'trial_compound_mg' needs a 'dose_note'", NULL);
		if (mg_formula_mass(m->formula, &m->molar_mass, &mg_atoms, c->err))
			return mg_fail(c->err, MG_EKB, c->where, "%s: cannot read formula '%s'", c->where, m->formula);
		if (mg_atoms < 1)
			return bad(c, "formula has no magnesium: ", m->formula);
		m->fraction = mg_atoms * 24.305 / m->molar_mass;
		/* The build fails when the declared fraction is more than 0.5 % (relative)
		 * off what the formula gives: a typo here would mis-dose every user. */
		if (fabs(declared - m->fraction) > 0.005 * m->fraction)
			return mg_fail(c->err, MG_EKB, c->where,
				       "%s: elemental_fraction %.4f is more than 0.5%% off %.4f from formula %s",
				       c->where, declared, m->fraction, m->formula);
		json_t *al = json_object_get(it, "aliases");
		if (al && !json_is_array(al))
			return bad(c, "'aliases' must be an array", NULL);
	}
	for (i = 0; i < kb->n_compounds; i++)
		for (size_t j = i + 1; j < kb->n_compounds; j++)
			if (!strcmp(kb->compounds[i].id, kb->compounds[j].id))
				return mg_fail(c->err, MG_EKB, "compounds", "compounds: duplicate id '%s'",
					       kb->compounds[i].id);
	return 0;
}

static int load_named(struct ctx *c, json_t *root, const char *name, struct mg_named *out, size_t *n)
{
	json_t *a = section(c, root, name, 1);
	if (!a)
		return MG_EKB;
	if (json_array_size(a) > MG_MAX_SET)
		return mg_fail(c->err, MG_EKB, name, "%s: more than %d items", name, MG_MAX_SET);
	*n = json_array_size(a);
	const char *ids[MG_MAX_SET];
	size_t i;
	json_t *it;
	json_array_foreach(a, i, it) {
		set_where(c, name, i, it, "id");
		int r = get_str(c, it, "id", 1, &out[i].id);
		if (!r)
			r = get_str(c, it, "name", 1, &out[i].name);
		if (r)
			return r;
		json_t *al = json_object_get(it, "aliases"), *v;
		size_t k;
		out[i].n_aliases = 0;
		if (al && (!json_is_array(al) || json_array_size(al) > 8))
			return bad(c, "'aliases' must be an array of at most 8 names", NULL);
		json_array_foreach(al, k, v) {
			if (!json_is_string(v))
				return bad(c, "aliases must be strings", NULL);
			out[i].aliases[out[i].n_aliases++] = json_string_value(v);
		}
		ids[i] = out[i].id;
	}
	return check_unique(c, name, ids, *n);
}

static int load_intakes_limits(struct ctx *c, json_t *root)
{
	struct mg_kb *kb = c->kb;
	json_t *o = section(c, root, "intakes", 0), *a, *it;
	if (!o || !(a = get_arr(c, o, "items")))
		return MG_EKB;
	kb->n_intakes = json_array_size(a);
	kb->intakes = kb_alloc(kb, (kb->n_intakes + 1) * sizeof *kb->intakes);
	if (!kb->intakes)
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	size_t i;
	json_array_foreach(a, i, it) {
		struct mg_intake *x = &kb->intakes[i];
		int jur;
		set_where(c, "intakes", i, it, "kind");
		int r = get_enum(c, it, "jurisdiction", jur_names, MG_JUR_COUNT, &jur);
		if (!r)
			r = get_str(c, it, "kind", 1, &x->kind);
		if (!r)
			r = get_num(c, it, "age_min", 0, 200, &x->age_min);
		if (!r)
			r = get_num(c, it, "age_max", 0, 200, &x->age_max);
		if (!r)
			r = get_enum(c, it, "sex", (const char *const[]){"any", "female", "male"}, 3, &x->sex);
		if (!r)
			r = get_enum(c, it, "state", (const char *const[]){"none", "pregnant", "lactating", "any"}, 4,
				     &x->state);
		if (!r)
			r = get_num(c, it, "mg", 1, 2000, &x->mg);
		if (!r)
			r = get_refs(c, it, "refs", &x->refs);
		if (r)
			return r;
		x->jur = (enum mg_jurisdiction)jur;
	}
	if (!(o = section(c, root, "limits", 0)) || !(a = get_arr(c, o, "items")))
		return MG_EKB;
	kb->n_limits = json_array_size(a);
	kb->limits = kb_alloc(kb, (kb->n_limits + 1) * sizeof *kb->limits);
	if (!kb->limits)
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	json_array_foreach(a, i, it) {
		struct mg_limit *x = &kb->limits[i];
		int jur;
		set_where(c, "limits", i, it, "body");
		int r = get_enum(c, it, "jurisdiction", jur_names, MG_JUR_COUNT, &jur);
		if (!r)
			r = get_str(c, it, "body", 1, &x->body);
		if (!r)
			r = get_num(c, it, "age_min", 0, 200, &x->age_min);
		if (!r)
			r = get_num(c, it, "age_max", 0, 200, &x->age_max);
		if (!r)
			r = get_num(c, it, "mg", 1, 2000, &x->mg);
		if (!r)
			r = get_refs(c, it, "refs", &x->refs);
		if (r)
			return r;
		x->jur = (enum mg_jurisdiction)jur;
		x->split_doses = json_is_true(json_object_get(it, "split_doses"));
	}
	return 0;
}

static int find_level(const struct mg_kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->n_levels; i++)
		if (!strcmp(kb->levels[i].id, id))
			return (int)i;
	return -1;
}

enum { ST_RULE = 1, ST_STAGE = 2, ST_STATUS = 4, ST_WHEN = 8, ST_LEAD = 16 };

/* Placeholders a rule's text may hold; the renderer fills them from the
 * advice (src/report/report.c, mg_report_stmt_text). Anything else between
 * braces is a typo that would reach the person verbatim. */
const char *const mg_text_vars[] = {"supplement_mg", "limit_mg", "excess_mg", "room_mg", NULL};

static int check_vars(struct ctx *c, const char *text, int allowed)
{
	for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
		int known = 0;
		for (size_t i = 0; mg_text_vars[i] && !known; i++) {
			size_t n = strlen(mg_text_vars[i]);
			known = !strncmp(p + 1, mg_text_vars[i], n) && p[n + 1] == '}';
		}
		if (!known || !allowed)
			return bad(c, allowed ? "unknown placeholder in text" : "placeholders are allowed in rules only",
				   NULL);
	}
	return 0;
}

static int load_stmts(struct ctx *c, json_t *root, const char *name, unsigned flags, struct mg_stmt **out,
		      size_t *n)
{
	struct mg_kb *kb = c->kb;
	json_t *a = section(c, root, name, 1), *it;
	if (!a)
		return MG_EKB;
	*n = json_array_size(a);
	*out = kb_alloc(kb, (*n + 1) * sizeof **out);
	const char **ids = kb_alloc(kb, (*n + 1) * sizeof *ids);
	if (!*out || !ids)
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	size_t i;
	json_array_foreach(a, i, it) {
		struct mg_stmt *s = &(*out)[i];
		set_where(c, name, i, it, "code");
		s->dose_level = -1;
		int r = get_str(c, it, "code", 1, &s->code);
		if (!r)
			r = get_str(c, it, "text", 1, &s->text);
		if (!r)
			r = get_refs(c, it, "refs", &s->refs);
		if (!r && (flags & ST_WHEN))
			r = get_pred(c, json_object_get(it, "when"), &s->when, 0);
		if (!r && (flags & ST_STAGE))
			r = get_str(c, it, "stage", 1, &s->stage);
		if (!r && (flags & ST_STATUS))
			r = get_str(c, it, "status", 1, &s->status);
		if (!r && (flags & ST_LEAD) && json_object_get(it, "lead"))
			r = get_str(c, it, "lead", 1, &s->lead);
		if (!r)
			r = check_vars(c, s->text, flags & ST_RULE);
		if (!r && (flags & ST_RULE)) {
			int v = 0, sev = 0;
			r = get_str(c, it, "section", 1, &s->section);
			if (!r)
				r = get_enum(c, it, "verdict", verdict_names, 4, &v);
			if (!r)
				r = get_enum(c, it, "severity", severity_names, 4, &sev);
			if (!r && !json_object_get(it, "when"))
				r = bad(c, "a rule needs 'when'", NULL);
			s->verdict = (enum mg_verdict)v;
			s->severity = (enum mg_severity)sev;
			json_t *dl = json_object_get(it, "dose_level");
			if (!r && dl) {
				s->dose_level = json_is_string(dl) ? find_level(kb, json_string_value(dl)) : -1;
				if (s->dose_level < 0)
					r = bad(c, "unknown dose_level", NULL);
			}
		}
		if (r)
			return r;
		ids[i] = s->code;
	}
	return check_unique(c, name, ids, *n);
}

static int get_text_refs(struct ctx *c, json_t *o, const char *key, struct mg_text_refs *out)
{
	json_t *v = json_object_get(o, key);
	snprintf(c->where, sizeof c->where, "dose.%s", key);
	if (!json_is_object(v))
		return bad(c, "missing", NULL);
	int r = get_str(c, v, "text", 1, &out->text);
	return r ? r : get_refs(c, v, "refs", &out->refs);
}

static double min_adult_limit(const struct mg_kb *kb)
{
	double m = INFINITY;
	for (size_t i = 0; i < kb->n_limits; i++)
		if (kb->limits[i].age_max > 18 && kb->limits[i].mg < m)
			m = kb->limits[i].mg;
	return m;
}

static int load_dose(struct ctx *c, json_t *root)
{
	struct mg_kb *kb = c->kb;
	json_t *o = section(c, root, "dose", 0), *a, *it;
	if (!o)
		return MG_EKB;
	const char *form;
	int r = get_str(c, o, "default_form", 1, &form);
	if (r)
		return r;
	if (!(kb->default_form = mg_kb_find_compound(kb, form)))
		return bad(c, "unknown default_form ", form);
	if ((r = get_str(c, o, "default_reason", 1, &kb->default_reason.text)) ||
	    (r = get_refs(c, o, "default_refs", &kb->default_reason.refs)))
		return r;
	if (!(a = get_arr(c, o, "levels")))
		return MG_EKB;
	if (json_array_size(a) == 0 || json_array_size(a) > 4)
		return bad(c, "needs 1 to 4 levels", NULL);
	double limit = min_adult_limit(kb);
	size_t i;
	json_array_foreach(a, i, it) {
		struct mg_level *l = &kb->levels[i];
		set_where(c, "dose.levels", i, it, "id");
		if ((r = get_str(c, it, "id", 1, &l->id)) || (r = get_num(c, it, "mg", 1, 2000, &l->mg)) ||
		    (r = get_str(c, it, "text", 1, &l->text)) || (r = get_refs(c, it, "refs", &l->refs)))
			return r;
		/* A starting dose above any adult supplement limit must never ship. */
		if (l->mg > limit)
			return mg_fail(c->err, MG_EKB, c->where, "%s: dose %g mg is above the upper limit %g mg",
				       c->where, l->mg, limit);
		kb->n_levels++;
	}
	if (!(a = get_arr(c, o, "form_rules")))
		return MG_EKB;
	if (json_array_size(a) > 8)
		return bad(c, "at most 8 form_rules", NULL);
	json_array_foreach(a, i, it) {
		struct mg_form_rule *f = &kb->form_rules[i];
		set_where(c, "dose.form_rules", i, it, "form");
		if ((r = get_pred(c, json_object_get(it, "when"), &f->when, 0)) ||
		    (r = get_str(c, it, "form", 1, &form)) || (r = get_str(c, it, "reason", 1, &f->reason)) ||
		    (r = get_refs(c, it, "refs", &f->refs)))
			return r;
		if (!(f->form = mg_kb_find_compound(kb, form)))
			return bad(c, "unknown form ", form);
		if (f->form->use == MG_USE_AVOID)
			return bad(c, "form rule picks a form marked 'avoid': ", form);
		kb->n_form_rules++;
	}
	if ((r = get_text_refs(c, o, "timing", &kb->timing)) ||
	    (r = get_text_refs(c, o, "timing_split", &kb->timing_split)) ||
	    (r = get_text_refs(c, o, "untested_form", &kb->untested_form)))
		return r;
	snprintf(c->where, sizeof c->where, "dose");
	return get_num(c, o, "min_dose_mg", 1, 250, &kb->min_dose_mg);
}

static int load_meta(struct ctx *c, json_t *root)
{
	struct mg_kb *kb = c->kb;
	json_t *o = section(c, root, "meta", 0), *v, *a, *it;
	if (!o)
		return MG_EKB;
	int r = get_str(c, o, "kb_version", 1, &kb->version);
	if (!r)
		r = get_str(c, o, "disclaimer", 1, &kb->disclaimer);
	if (r)
		return r;
	if (!json_is_object(v = json_object_get(o, "verdicts")))
		return bad(c, "missing 'verdicts'", NULL);
	snprintf(c->where, sizeof c->where, "meta.verdicts");
	for (int i = 0; i < 4; i++)
		if ((r = get_str(c, v, verdict_names[i], 1, &kb->verdict_text[i])))
			return r;
	if (!json_is_object(v = json_object_get(o, "verdict_summaries")))
		return bad(c, "missing 'verdict_summaries'", NULL);
	snprintf(c->where, sizeof c->where, "meta.verdict_summaries");
	for (int i = 0; i < 4; i++)
		if ((r = get_str(c, v, verdict_names[i], 1, &kb->verdict_summary[i])))
			return r;
	snprintf(c->where, sizeof c->where, "meta");
	if (!(a = get_arr(c, o, "renal_categories")) || json_array_size(a) == 0 || json_array_size(a) > 8)
		return bad(c, "needs 1 to 8 renal_categories", NULL);
	size_t i;
	json_array_foreach(a, i, it) {
		struct mg_renal_cat *rc = &kb->renal_cats[i];
		set_where(c, "meta.renal_categories", i, it, "code");
		if ((r = get_num(c, it, "min", 0, 1000, &rc->min)) || (r = get_str(c, it, "code", 1, &rc->code)) ||
		    (r = get_str(c, it, "text", 1, &rc->text)))
			return r;
		if (i > 0 && rc->min >= kb->renal_cats[i - 1].min)
			return bad(c, "renal categories must be in decreasing order of 'min'", NULL);
		kb->n_renal_cats++;
	}
	if (kb->renal_cats[kb->n_renal_cats - 1].min != 0)
		return bad(c, "the last renal category must start at 0", NULL);
	snprintf(c->where, sizeof c->where, "meta");
	if ((r = get_str(c, o, "renal_note", 1, &kb->renal_note)) || (r = get_refs(c, o, "renal_refs", &kb->renal_refs)) ||
	    (r = get_num(c, o, "weight_note_above_ibw", 1, 3, &kb->weight_note_above_ibw)) ||
	    (r = get_refs(c, o, "renal_threshold_refs", &kb->renal_threshold_refs)))
		return r;
	if (!(a = get_arr(c, o, "insomnia")) || json_array_size(a) > 4)
		return bad(c, "needs at most 4 'insomnia' entries", NULL);
	json_array_foreach(a, i, it) {
		struct mg_isi_text *t = &kb->insomnia[i];
		set_where(c, "meta.insomnia", i, it, "category");
		if ((r = get_str(c, it, "category", 1, &t->category)) || (r = get_str(c, it, "text", 1, &t->text)) ||
		    (r = get_refs(c, it, "refs", &t->refs)))
			return r;
		kb->n_insomnia++;
	}
	return 0;
}

static int load_diet(struct ctx *c, json_t *root)
{
	struct mg_kb *kb = c->kb;
	json_t *o = section(c, root, "diet", 0), *a, *it;
	size_t i;
	int r;
	if (!o)
		return MG_EKB;
	if ((r = get_refs(c, o, "refs", &kb->diet_refs)))
		return r;
	if (!(a = get_arr(c, o, "frequencies")))
		return MG_EKB;
	if (json_array_size(a) < 2 || json_array_size(a) > 10)
		return bad(c, "needs 2 to 10 frequencies", NULL);
	json_array_foreach(a, i, it) {
		struct mg_diet_freq *f = &kb->diet_freq[i];
		set_where(c, "diet.frequencies", i, it, "label");
		if ((r = get_str(c, it, "label", 1, &f->label)) || (r = get_num(c, it, "per_day", 0, 10, &f->per_day)))
			return r;
		kb->n_diet_freq++;
	}
	snprintf(c->where, sizeof c->where, "diet");
	if (!(a = get_arr(c, o, "items")))
		return MG_EKB;
	if (json_array_size(a) < 1 || json_array_size(a) > 24)
		return bad(c, "needs 1 to 24 items", NULL);
	const char *ids[24];
	json_array_foreach(a, i, it) {
		struct mg_diet_item *d = &kb->diet_items[i];
		set_where(c, "diet.items", i, it, "id");
		if ((r = get_str(c, it, "id", 1, &d->id)) || (r = get_str(c, it, "question", 1, &d->question)) ||
		    (r = get_str(c, it, "ndb", 1, &d->ndb)) || (r = get_str(c, it, "portion", 1, &d->portion)) ||
		    (r = get_num(c, it, "grams", 1, 2000, &d->grams)) ||
		    (r = get_num(c, it, "mg_per_100g", 0, 2000, &d->mg_per_100g)))
			return r;
		if (strlen(d->ndb) != 5 || strspn(d->ndb, "0123456789") != 5)
			return bad(c, "ndb must be a 5-digit USDA number", NULL);
		ids[i] = d->id;
		kb->n_diet_items++;
	}
	return check_unique(c, "diet.items", ids, kb->n_diet_items);
}

static int load_trial_outcomes(struct ctx *c, json_t *root)
{
	struct mg_kb *kb = c->kb;
	json_t *o = section(c, root, "trial", 0), *a, *it, *v;
	size_t i;
	int r, dir, dec;
	if (!o || !(a = get_arr(c, o, "outcomes")))
		return MG_EKB;
	if (json_array_size(a) < 1 || json_array_size(a) > 16)
		return bad(c, "needs 1 to 16 outcomes", NULL);
	const char *ids[16];
	json_array_foreach(a, i, it) {
		struct mg_trial_outcome *t = &kb->trial_outcomes[i];
		double d = 0, x = 0; /* set by get_num; initialised for gcc -O3, which cannot see it */
		const char *st;
		set_where(c, "trial.outcomes", i, it, "id");
		if ((r = get_str(c, it, "id", 1, &t->id)) || (r = get_str(c, it, "name", 1, &t->name)) ||
		    (r = get_str(c, it, "unit", 1, &t->unit)) || (r = get_str(c, it, "lower", 1, &t->lower)) ||
		    (r = get_str(c, it, "higher", 1, &t->higher)) || (r = get_num(c, it, "direction", -1, 1, &d)) ||
		    (r = get_num(c, it, "decimals", 0, 3, &x)) || (r = get_num(c, it, "mid", 0.001, 1000, &t->mid)) ||
		    (r = get_str(c, it, "mid_status", 1, &st)) || (r = get_refs(c, it, "mid_refs", &t->mid_refs)) ||
		    (r = get_num(c, it, "sceptical_sd", 0.001, 1000, &t->sceptical_sd)) ||
		    (r = get_num(c, it, "assumed_sd", 0.001, 1000, &t->default_sd)) ||
		    (r = get_num(c, it, "assumed_rho", 0, 0.99, &t->default_rho)))
			return r;
		dir = (int)d;
		dec = (int)x;
		if (dir != -1 && dir != 1)
			return bad(c, "direction must be -1 or 1", NULL);
		t->direction = dir;
		t->decimals = dec;
		t->mid_verified = !strcmp(st, "verified") || !strcmp(st, "verified-secondary");
		if ((v = json_object_get(it, "prior"))) {
			if ((r = get_num(c, v, "mean", -1000, 1000, &t->ev_mean)) ||
			    (r = get_num(c, v, "sd", 0.001, 1000, &t->ev_sd)) || (r = get_refs(c, v, "refs", &t->prior_refs)))
				return r;
			t->has_evidence = 1;
		}
		if ((v = json_object_get(it, "published"))) {
			if ((r = get_num(c, v, "mean", -1000, 1000, &t->pub_mean)) ||
			    (r = get_num(c, v, "lo", -1000, 1000, &t->pub_lo)) || (r = get_num(c, v, "hi", -1000, 1000, &t->pub_hi)))
				return r;
			if ((r = get_str(c, v, "label", 1, &t->pub_label)))
				return r;
			t->has_published = 1;
		}
		/* Issue 12: once per period, with the window its score is taken from. */
		if ((v = json_object_get(it, "per_period"))) {
			double before = 0, after = 0;
			if ((r = get_num(c, v, "window_before", 1, 14, &before)) ||
			    (r = get_num(c, v, "window_after", 1, 14, &after)))
				return r;
			t->per_period = 1;
			t->window_before = (int)before;
			t->window_after = (int)after;
		}
		ids[i] = t->id;
		kb->n_trial_outcomes++;
	}
	if ((r = check_unique(c, "trial.outcomes", ids, kb->n_trial_outcomes)))
		return r;
	/* The default design: its period length answers "how soon does it act" */
	struct mg_trial_design *dg = &kb->trial_design;
	double pairs = 0, days = 0, wash = 0, min_days = 0;
	if (!(v = json_object_get(o, "design")))
		return bad(c, "needs a design (default pairs, period_days, washout)", NULL);
	snprintf(c->where, sizeof c->where, "trial.design");
	if ((r = get_num(c, v, "pairs", 1, 64, &pairs)) || (r = get_num(c, v, "period_days", 2, 90, &days)) ||
	    (r = get_num(c, v, "washout", 0, 89, &wash)) || (r = get_num(c, v, "min_period_days", 2, 90, &min_days)) ||
	    (r = get_str(c, v, "why", 1, &dg->why)) || (r = get_refs(c, v, "refs", &dg->refs)))
		return r;
	dg->pairs = (int)pairs;
	dg->period_days = (int)days;
	dg->washout = (int)wash;
	dg->min_period_days = (int)min_days;
	if (dg->washout >= dg->period_days)
		return bad(c, "washout must be shorter than period_days", NULL);
	if (dg->period_days < dg->min_period_days)
		return bad(c, "the default period_days is shorter than min_period_days", NULL);
	double min_pairs = 0, min_nights = 0;
	if (!(v = json_object_get(o, "analysis")))
		return bad(c, "needs an analysis (alpha, min_pairs, adherence_warn, missing_imbalance, power_...)", NULL);
	snprintf(c->where, sizeof c->where, "trial.analysis");
	if ((r = get_num(c, v, "alpha", 0.001, 0.2, &dg->alpha)) || (r = get_num(c, v, "min_pairs", 2, 64, &min_pairs)) ||
	    (r = get_num(c, v, "adherence_warn", 0, 1, &dg->adherence_warn)) ||
	    (r = get_num(c, v, "missing_imbalance", 0, 1, &dg->missing_imbalance)) ||
	    (r = get_num(c, v, "power_min_diary_nights", 3, 365, &min_nights)) ||
	    (r = get_num(c, v, "power_missing_share", 0, 0.9, &dg->power_missing)))
		return r;
	dg->min_pairs = (int)min_pairs;
	dg->power_min_nights = (int)min_nights;
	double per = 0, target = 0, diary_days = 0;
	if ((r = get_num(c, v, "min_nights_per_period", 1, 90, &per)) ||
	    (r = get_num(c, v, "power_target", 0.5, 0.99, &target)) ||
	    (r = get_num(c, v, "power_diary_days", 28, 3650, &diary_days)))
		return r;
	dg->min_nights = (int)per;
	dg->power_target = target;
	dg->power_diary_days = (int)diary_days;
	if (diary_days < min_nights)
		return bad(c, "power_diary_days is shorter than power_min_diary_nights", NULL);
	/* Stop rules: codes of rules.json (loaded before) with symptoms. */
	snprintf(c->where, sizeof c->where, "trial");
	if (!(a = get_arr(c, o, "stop_rules")))
		return MG_EKB;
	if (json_array_size(a) < 1 || json_array_size(a) > 4)
		return bad(c, "needs 1 to 4 stop_rules", NULL);
	json_array_foreach(a, i, it) {
		const char *code = json_string_value(it);
		size_t k = 0;
		while (code && k < kb->n_rules && strcmp(kb->rules[k].code, code))
			k++;
		if (!code || k == kb->n_rules || !kb->rules[k].when.symptom_any)
			return bad(c, "stop_rules: '%s' is not a rule with symptom_any in rules.json", code ? code : "?");
		dg->stop_rules[dg->n_stop_rules++] = kb->rules[k].code;
	}
	return 0;
}

const struct mg_trial_design *mg_kb_trial_design(const struct mg_kb *kb)
{
	return &kb->trial_design;
}

const struct mg_trial_outcome *mg_kb_trial_outcomes(const struct mg_kb *kb, size_t *n)
{
	*n = kb->n_trial_outcomes;
	return kb->trial_outcomes;
}

const struct mg_trial_outcome *mg_kb_find_trial_outcome(const struct mg_kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->n_trial_outcomes; i++)
		if (!strcmp(kb->trial_outcomes[i].id, id))
			return &kb->trial_outcomes[i];
	return NULL;
}

static char *join_names(struct mg_kb *kb, const struct mg_named *items, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(items[i].id) + 2;
	char *s = kb_alloc(kb, len);
	size_t at = 0;
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(s + at, len - at, "%s%s", i ? ", " : "", items[i].id);
	return s;
}

int mg_kb_build(struct mg_kb **out, void *rootp, const char *canonical, size_t canonical_len,
		const char *hash, const char *origin, struct mg_error *err)
{
	json_t *root = rootp;
	struct mg_kb *kb = calloc(1, sizeof *kb);
	int r = 0;
	*out = NULL;
	if (!kb) {
		json_decref(root);
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	}
	kb->root = root;
	snprintf(kb->origin, sizeof kb->origin, "%s", origin);
	if (!json_is_object(root)) {
		r = mg_fail(err, MG_EKB, NULL, "knowledge base: top level must be an object");
		goto out;
	}
	if (canonical) {
		kb->canonical = canonical;
		kb->canonical_len = canonical_len;
		snprintf(kb->hash, sizeof kb->hash, "%s", hash);
	} else {
		kb->canonical = kb->canonical_owned = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
		if (!kb->canonical) {
			r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
			goto out;
		}
		kb->canonical_len = strlen(kb->canonical);
		unsigned char h[crypto_hash_sha256_BYTES];
		if (sodium_init() < 0) {
			r = mg_fail(err, MG_EKB, NULL, "cannot initialise libsodium");
			goto out;
		}
		crypto_hash_sha256(h, (const unsigned char *)kb->canonical, kb->canonical_len);
		sodium_bin2hex(kb->hash, sizeof kb->hash, h, sizeof h);
	}
	struct ctx c = {kb, err, ""};
	if ((r = load_sources(&c, root)) || (r = load_compounds(&c, root)) ||
	    (r = load_named(&c, root, "conditions", kb->conditions, &kb->n_conditions)) ||
	    (r = load_named(&c, root, "symptoms", kb->symptoms, &kb->n_symptoms)) ||
	    (r = load_intakes_limits(&c, root)) || (r = mg_kbl_load_interactions(&c, root)) ||
	    (r = mg_kbl_load_medicines(&c, root)) ||
	    (r = load_dose(&c, root)) || (r = load_meta(&c, root)) ||
	    (r = load_stmts(&c, root, "rules", ST_RULE | ST_WHEN, &kb->rules, &kb->n_rules)) ||
	    (r = load_stmts(&c, root, "referrals", ST_WHEN | ST_LEAD, &kb->referrals, &kb->n_referrals)) ||
	    (r = load_stmts(&c, root, "monitoring", ST_WHEN | ST_STAGE, &kb->monitoring, &kb->n_monitoring)) ||
	    (r = load_stmts(&c, root, "outcomes", ST_WHEN | ST_STATUS, &kb->outcomes, &kb->n_outcomes)) ||
	    (r = load_stmts(&c, root, "pitfalls", ST_WHEN, &kb->pitfalls, &kb->n_pitfalls)) ||
	    (r = load_stmts(&c, root, "studies", 0, &kb->studies, &kb->n_studies)) || (r = load_diet(&c, root)) || (r = load_trial_outcomes(&c, root)) ||
	    (r = mg_kbl_load_terminology(&c, root)))
		goto out;
	for (size_t i = 0; i < kb->n_compounds; i++)
		if (!kb->compounds[i].id[0])
			r = MG_EKB;
	kb->condition_names = join_names(kb, kb->conditions, kb->n_conditions);
	kb->symptom_names = join_names(kb, kb->symptoms, kb->n_symptoms);
	{
		struct mg_named tmp[64];
		size_t n = kb->n_compounds < 64 ? kb->n_compounds : 64;
		for (size_t i = 0; i < n; i++)
			tmp[i] = (struct mg_named){.id = kb->compounds[i].id};
		kb->compound_names = join_names(kb, tmp, n);
	}
	if (!kb->condition_names || !kb->symptom_names || !kb->compound_names)
		r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	else
		r = mg_kbl_build_fragments(kb, err);
out:
	if (r) {
		mg_kb_free(kb);
		return r;
	}
	*out = kb;
	return 0;
}

int mg_kb_load_json(struct mg_kb **out, const char *json, size_t len, struct mg_error *err)
{
	json_error_t je;
	*out = NULL;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return mg_fail(err, MG_EPARSE, "kb", "knowledge base: line %d, column %d: %s", je.line, je.column,
			       je.text);
	return mg_kb_build(out, root, NULL, 0, NULL, "json", err);
}

int mg_kb_load_dir(struct mg_kb **out, const char *dir, struct mg_error *err)
{
	json_t *root = json_object();
	*out = NULL;
	if (!root)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < N_KB_FILES; i++) {
		char path[4096];
		json_error_t je;
		snprintf(path, sizeof path, "%s/%s.json", dir, kb_files[i]);
		json_t *v = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
		if (!v) {
			json_decref(root);
			if (je.line < 0)
				return mg_fail(err, MG_EIO, path, "%s: cannot read file", path);
			return mg_fail(err, MG_EPARSE, path, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		}
		json_object_set_new(root, kb_files[i], v);
	}
	int r = mg_kb_build(out, root, NULL, 0, NULL, dir, err);
	if (r && err && err->code == MG_EKB && err->field[0]) {
		/* Name the file: the section before the first '[' or '.' is its basename. */
		char sec[64], msg[sizeof err->msg];
		size_t n = strcspn(err->field, "[.");
		snprintf(sec, sizeof sec, "%.*s", (int)n, err->field);
		snprintf(msg, sizeof msg, "%s", err->msg);
		mg_fail(err, MG_EKB, err->field, "%s/%s.json: %s", dir, sec, msg);
	}
	return r;
}

const char *mg_kb_version(const struct mg_kb *kb) { return kb->version; }
const char *mg_kb_hash(const struct mg_kb *kb) { return kb->hash; }
const char *mg_kb_origin(const struct mg_kb *kb) { return kb->origin; }
const char *mg_kb_canonical(const struct mg_kb *kb, size_t *len)
{
	if (len)
		*len = kb->canonical_len;
	return kb->canonical;
}
size_t mg_kb_source_count(const struct mg_kb *kb) { return kb->n_sources; }
const struct mg_source *mg_kb_source(const struct mg_kb *kb, size_t i) { return &kb->sources[i]; }
size_t mg_kb_compound_count(const struct mg_kb *kb) { return kb->n_compounds; }
const struct mg_compound *mg_kb_compound(const struct mg_kb *kb, size_t i) { return &kb->compounds[i]; }
const char *mg_kb_compound_names(const struct mg_kb *kb) { return kb->compound_names; }
const char *mg_kb_condition_names(const struct mg_kb *kb) { return kb->condition_names; }
const char *mg_kb_symptom_names(const struct mg_kb *kb) { return kb->symptom_names; }

const char *mg_kb_symptom_id(const struct mg_kb *kb, const char *query, const char **name)
{
	int i = mg_kb_find_symptom(kb, query);
	if (i < 0)
		return NULL;
	if (name)
		*name = kb->symptoms[i].name;
	return kb->symptoms[i].id;
}

const char *mg_kb_symptom_rule(const struct mg_kb *kb, const char *code, const char *symptom_id)
{
	int s = mg_kb_find_symptom(kb, symptom_id);
	if (s < 0)
		return NULL;
	for (size_t i = 0; i < kb->n_rules; i++)
		if (!strcmp(kb->rules[i].code, code))
			return (kb->rules[i].when.symptom_any >> s) & 1 ? kb->rules[i].text : NULL;
	return NULL;
}

const struct mg_compound *mg_kb_find_compound(const struct mg_kb *kb, const char *name)
{
	json_t *arr = json_object_get(kb->root, "compounds");
	/* Ids first: a stored profile keeps the id, and advise looks it up every time. */
	for (size_t i = 0; i < kb->n_compounds; i++)
		if (!strcmp(kb->compounds[i].id, name))
			return &kb->compounds[i];
	for (size_t i = 0; i < kb->n_compounds; i++) {
		const struct mg_compound *m = &kb->compounds[i];
		if (!strcasecmp(m->id, name) || !strcasecmp(m->name, name))
			return m;
		json_t *al = json_object_get(json_array_get(arr, i), "aliases"), *v;
		size_t k;
		json_array_foreach(al, k, v) if (json_is_string(v) && !strcasecmp(json_string_value(v), name)) return m;
	}
	return NULL;
}

double mg_compound_from_elemental(const struct mg_compound *c, double elemental_mg)
{
	return elemental_mg / c->fraction;
}

double mg_elemental_from_compound(const struct mg_compound *c, double compound_mg)
{
	return compound_mg * c->fraction;
}

const struct mg_diet_item *mg_kb_diet_items(const struct mg_kb *kb, size_t *n)
{
	*n = kb->n_diet_items;
	return kb->diet_items;
}

const struct mg_diet_freq *mg_kb_diet_freqs(const struct mg_kb *kb, size_t *n)
{
	*n = kb->n_diet_freq;
	return kb->diet_freq;
}

const struct mg_refs *mg_kb_diet_refs(const struct mg_kb *kb)
{
	return &kb->diet_refs;
}
