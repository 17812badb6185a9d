/* The medicine vocabulary: interactions.json (drugs, brands, aliases, RxCUIs)
 * and medicines.json (the normaliser's word lists and combinations), loaded
 * into the sorted name table that src/kb/medname.c searches. */
#include "kb_internal.h"
#include "kb_load.h"

#include <mgsleep/buf.h>

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int drug_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mg_drug_name *)a)->canon, ((const struct mg_drug_name *)b)->canon);
}

/* Optional string member: NULL when absent. */
int get_opt_str(struct ctx *c, json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must be a non-empty string", c->where, key);
	*out = json_string_value(v);
	return 0;
}

static int get_rxcui(struct ctx *c, json_t *o, const char *key, const char **out)
{
	int r = get_opt_str(c, o, key, out);
	if (!r && *out && (strlen(*out) > 12 || strspn(*out, "0123456789") != strlen(*out)))
		return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must be an RxCUI (digits)", c->where, key);
	return r;
}

/* Add one name of a medicine (med >= 0) or of a combination (combo >= 0). */
static int add_name(struct ctx *c, json_t *v, const char *generic, unsigned short inter, int med, int combo,
		    size_t cap)
{
	struct mg_kb *kb = c->kb;
	if (!json_is_string(v))
		return bad(c, "names, aliases and brands must be strings", NULL);
	const char *key = json_string_value(v);
	char canon[256];
	int n = mg_medname_canon(key, canon, sizeof canon);
	if (n <= 0)
		return mg_fail(c->err, MG_EKB, c->where, "%s: medicine name '%s' has no letters or is too long",
			       c->where, key);
	char *p = kb_alloc(kb, (size_t)n + 1);
	if (!p)
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	memcpy(p, canon, (size_t)n + 1);
	if (kb->n_drugs >= cap)
		return bad(c, "too many medicine names", NULL);
	kb->drugs[kb->n_drugs++] =
		(struct mg_drug_name){key, p, generic, inter, med, combo, NULL, (size_t)n, mg_medname_chars(p)};
	return 0;
}

static int add_names(struct ctx *c, json_t *item, const char *key, const char *generic, unsigned short inter,
		     int med, int combo, size_t cap)
{
	json_t *a = json_object_get(item, key), *v;
	size_t k;
	if (!a)
		return 0;
	if (!json_is_array(a))
		return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must be an array", c->where, key);
	json_array_foreach(a, k, v) {
		int r = add_name(c, v, generic, inter, med, combo, cap);
		if (r)
			return r;
	}
	return 0;
}

/* One medicine of interactions.json or of medicines.json
 * "no_specific_interaction": name, aliases, brands, rxcui, note. */
static int add_medicine(struct ctx *c, json_t *v, size_t inter, size_t cap)
{
	struct mg_kb *kb = c->kb;
	struct mg_medicine *m = &kb->medicines[kb->n_medicines];
	int r;
	if (!json_is_object(v))
		return bad(c, "each drug must be an object", NULL);
	if ((r = get_str(c, v, "name", 1, &m->name)) || (r = get_opt_str(c, v, "note", &m->note)) ||
	    (r = get_rxcui(c, v, "rxcui", &m->rxcui)) || (r = get_rxcui(c, v, "rxcui_unverified", &m->rxcui_unverified)))
		return r;
	m->inter = &kb->inter[inter];
	int med = (int)kb->n_medicines++;
	if ((r = add_name(c, json_object_get(v, "name"), m->name, (unsigned short)inter, med, -1, cap)) ||
	    (r = add_names(c, v, "aliases", m->name, (unsigned short)inter, med, -1, cap)) ||
	    (r = add_names(c, v, "brands", m->name, (unsigned short)inter, med, -1, cap)))
		return r;
	return 0;
}

static size_t count_names(json_t *list)
{
	size_t n = 0, k;
	json_t *v;
	json_array_foreach(list, k, v) n += 1 + json_array_size(json_object_get(v, "brands")) +
					    json_array_size(json_object_get(v, "aliases"));
	return n;
}

int mg_kbl_load_interactions(struct ctx *c, json_t *root)
{
	struct mg_kb *kb = c->kb;
	json_t *a = section(c, root, "interactions", 1), *it;
	if (!a)
		return MG_EKB;
	json_t *meds = json_object_get(root, "medicines");
	json_t *general = json_object_get(meds, "general_interaction");
	json_t *nsi = json_object_get(meds, "no_specific_interaction");
	kb->n_inter = json_array_size(a);
	kb->inter = kb_alloc(kb, (kb->n_inter + 1) * sizeof *kb->inter);
	kb->inter_class = kb_alloc(kb, kb->n_inter + 1);
	const char **ids = kb_alloc(kb, (kb->n_inter + 1) * sizeof *ids);
	size_t n_names = count_names(nsi), n_meds = json_array_size(nsi), i;
	n_names += count_names(json_object_get(meds, "combinations"));
	json_array_foreach(a, i, it) {
		json_t *d = json_object_get(it, "drugs");
		n_names += count_names(d);
		n_meds += json_array_size(d);
	}
	kb->drugs = kb_alloc(kb, (n_names + 1) * sizeof *kb->drugs);
	kb->medicines = kb_alloc(kb, (n_meds + 1) * sizeof *kb->medicines);
	if (!kb->inter || !kb->inter_class || !ids || !kb->drugs || !kb->medicines)
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	json_array_foreach(a, i, it) {
		struct mg_interaction *x = &kb->inter[i];
		int verdict, sev;
		set_where(c, "interactions", i, it, "id");
		int r = get_str(c, it, "id", 1, &x->id);
		if (!r)
			r = get_str(c, it, "class", 1, &x->cls);
		if (!r)
			r = get_str(c, it, "advice", 1, &x->advice);
		if (!r)
			r = get_enum(c, it, "verdict", verdict_names, 4, &verdict);
		if (!r)
			r = get_enum(c, it, "severity", severity_names, 4, &sev);
		if (!r)
			r = get_num(c, it, "before_hours", -1, 48, &x->before_h);
		if (!r)
			r = get_num(c, it, "after_hours", -1, 48, &x->after_h);
		if (!r)
			r = get_refs(c, it, "refs", &x->refs);
		if (r)
			return r;
		x->verdict = (enum mg_verdict)verdict;
		x->severity = (enum mg_severity)sev;
		ids[i] = x->id;
		int k = find_class(kb, x->cls);
		if (k < 0) {
			if (kb->n_classes == MG_MAX_SET)
				return bad(c, "too many interaction classes", NULL);
			k = (int)kb->n_classes;
			kb->classes[kb->n_classes++] = x->cls;
		}
		kb->inter_class[i] = (unsigned char)k;
		json_t *d = get_arr(c, it, "drugs"), *v;
		if (!d)
			return MG_EKB;
		/* The general entry's medicines are listed in medicines.json. */
		if (json_array_size(d) == 0 &&
		    !(json_is_string(general) && !strcmp(json_string_value(general), x->id)))
			return bad(c, "lists no drugs", NULL);
		size_t j;
		json_array_foreach(d, j, v) {
			if ((r = add_medicine(c, v, i, n_names)))
				return r;
		}
	}
	return check_unique(c, "interactions", ids, kb->n_inter);
}

/* A word list of medicines.json: canonical, sorted, unique. */
static int cstr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int get_words(struct ctx *c, json_t *o, const char *key, struct mg_wordlist *out)
{
	json_t *a = get_arr(c, o, key), *v;
	size_t i;
	if (!a)
		return MG_EKB;
	out->n = 0;
	out->w = kb_alloc(c->kb, (json_array_size(a) + 1) * sizeof *out->w);
	if (!out->w)
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	json_array_foreach(a, i, v) {
		char canon[64];
		int n = json_is_string(v) ? mg_medname_canon(json_string_value(v), canon, sizeof canon) : -1;
		if (n <= 0 || strcmp(canon, json_string_value(v)))
			return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' must hold lower-case words of letters and digits",
				       c->where, key);
		out->w[out->n++] = json_string_value(v);
	}
	qsort(out->w, out->n, sizeof *out->w, cstr_cmp);
	for (i = 1; i < out->n; i++)
		if (!strcmp(out->w[i - 1], out->w[i]))
			return mg_fail(c->err, MG_EKB, c->where, "%s: '%s' lists '%s' twice", c->where, key, out->w[i]);
	return 0;
}

static int find_medicine(const struct mg_kb *kb, const char *name)
{
	for (size_t i = 0; i < kb->n_medicines; i++)
		if (!strcmp(kb->medicines[i].name, name))
			return (int)i;
	return -1;
}

/* medicines.json: the normaliser's vocabulary, combinations and the
 * medicines with no specific interaction. After load_interactions. */
int mg_kbl_load_medicines(struct ctx *c, json_t *root)
{
	struct mg_kb *kb = c->kb;
	json_t *o = section(c, root, "medicines", 0), *a, *it;
	struct mg_refs refs;
	const char *general;
	size_t i, cap = 0;
	int r;
	if (!o)
		return MG_EKB;
	if ((r = get_refs(c, o, "refs", &refs)) || (r = get_words(c, o, "salts", &kb->salt_words)) ||
	    (r = get_words(c, o, "forms", &kb->form_words)) || (r = get_words(c, o, "frequencies", &kb->freq_words)) ||
	    (r = get_words(c, o, "connectors", &kb->conn_words)) ||
	    (r = get_str(c, o, "general_interaction", 1, &general)))
		return r;
	/* the capacity load_interactions reserved */
	cap = kb->n_drugs + count_names(json_object_get(o, "combinations")) +
	      count_names(json_object_get(o, "no_specific_interaction"));
	int gi = -1;
	for (i = 0; i < kb->n_inter; i++)
		if (!strcmp(kb->inter[i].id, general))
			gi = (int)i;
	if (gi < 0)
		return bad(c, "general_interaction names no interaction: ", general);
	if (!(a = get_arr(c, o, "no_specific_interaction")))
		return MG_EKB;
	json_array_foreach(a, i, it) {
		struct mg_refs mr;
		set_where(c, "medicines.no_specific_interaction", i, it, "name");
		if ((r = get_refs(c, it, "refs", &mr)) || (r = add_medicine(c, it, (size_t)gi, cap)))
			return r;
	}
	if (!(a = get_arr(c, o, "combinations")))
		return MG_EKB;
	kb->combos = kb_alloc(kb, (json_array_size(a) + 1) * sizeof *kb->combos);
	if (!kb->combos)
		return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
	json_array_foreach(a, i, it) {
		struct mg_combo *cb = &kb->combos[kb->n_combos];
		json_t *ing, *v;
		size_t k;
		set_where(c, "medicines.combinations", i, it, "name");
		if ((r = get_str(c, it, "name", 1, &cb->name)) || (r = get_refs(c, it, "refs", &cb->refs)))
			return r;
		if (!(ing = get_arr(c, it, "ingredients")))
			return MG_EKB;
		if (json_array_size(ing) < 2 || json_array_size(ing) > MG_MED_MAX_INGREDIENTS)
			return bad(c, "a combination needs 2 to 8 ingredients", NULL);
		json_array_foreach(ing, k, v) {
			int m = json_is_string(v) ? find_medicine(kb, json_string_value(v)) : -1;
			if (m < 0)
				return mg_fail(c->err, MG_EKB, c->where, "%s: unknown ingredient '%s'", c->where,
					       json_is_string(v) ? json_string_value(v) : "?");
			cb->med[cb->n++] = (unsigned short)m;
		}
		int idx = (int)kb->n_combos++;
		unsigned short inter0 = (unsigned short)(kb->medicines[cb->med[0]].inter - kb->inter);
		if ((r = add_name(c, json_object_get(it, "name"), cb->name, inter0, -1, idx, cap)) ||
		    (r = add_names(c, it, "brands", cb->name, inter0, -1, idx, cap)))
			return r;
	}
	snprintf(c->where, sizeof c->where, "medicines");
	const char *cm;
	if ((r = get_str(c, o, "compound_medicine", 1, &cm)))
		return r;
	if ((kb->compound_med = find_medicine(kb, cm)) < 0)
		return bad(c, "compound_medicine names no medicine: ", cm);
	json_t *u = json_object_get(o, "unrecognised");
	snprintf(c->where, sizeof c->where, "medicines.unrecognised");
	if (!json_is_object(u))
		return bad(c, "missing", NULL);
	if ((r = get_str(c, u, "text", 1, &kb->unrecognised.text)) || (r = get_refs(c, u, "refs", &kb->unrecognised.refs)))
		return r;
	qsort(kb->drugs, kb->n_drugs, sizeof *kb->drugs, drug_cmp);
	for (i = 1; i < kb->n_drugs; i++)
		if (!strcmp(kb->drugs[i - 1].canon, kb->drugs[i].canon))
			return mg_fail(c->err, MG_EKB, "interactions",
				       "interactions/medicines: medicine name '%s' listed twice (as '%s')", kb->drugs[i].key,
				       kb->drugs[i - 1].key);
	/* Names of several ingredients ("dolutegravir/rilpivirine") also match
	 * their ingredients written in any order. */
	for (i = 0; i < kb->n_drugs; i++) {
		char sig[256];
		if (!strchr(kb->drugs[i].key, '/') || mg_medname_sig(kb, kb->drugs[i].key, sig, sizeof sig))
			continue;
		char *p = kb_alloc(kb, strlen(sig) + 1);
		if (!p)
			return mg_fail(c->err, MG_ENOMEM, NULL, "out of memory");
		memcpy(p, sig, strlen(sig) + 1);
		kb->drugs[i].sig = p;
	}
	return 0;
}

int mg_kb_find_canon(const struct mg_kb *kb, const char *canon)
{
	size_t lo = 0, hi = kb->n_drugs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(canon, kb->drugs[mid].canon);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

int mg_kb_find_drug(const struct mg_kb *kb, const char *name)
{
	char canon[256];
	if (mg_medname_canon(name, canon, sizeof canon) <= 0)
		return -1;
	return mg_kb_find_canon(kb, canon);
}
