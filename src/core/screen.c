/* Screening one record (include/mgsleep/screen.h): the record is read by the
 * readers `advise` and the CDS service use (mg_profile_load_json_id,
 * mg_profile_set_key per CSV cell, mg_fhir_in_parse), checked as `advise`
 * checks flags (mg_profile_check; FHIR as the CDS service, without it),
 * advised by mg_advise and rendered. A record that fails becomes an error
 * result naming the line and field, and the caller goes on. */
#include <mgsleep/fhir_in.h>
#include <mgsleep/profile.h>
#include <mgsleep/render.h>
#include <mgsleep/screen.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct mg_screen_work {
	struct mg_profile p;
	struct mg_advice a;
	struct mg_fhir_in fin;
	struct mg_buf full; /* --fields full: the advice JSON before the id goes in */
};

int mg_screen_work_new(struct mg_screen_work **out, struct mg_error *err)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : mg_fail(err, MG_ENOMEM, NULL, "out of memory");
}

void mg_screen_work_free(struct mg_screen_work *w)
{
	if (!w)
		return;
	mg_buf_release(&w->full);
	free(w);
}

int mg_screen_fields_parse(const char *list, unsigned *fields, struct mg_error *err)
{
	static const struct {
		const char *name;
		unsigned bit;
	} groups[] = {{"full", MG_SCREEN_FULL},
		      {"compact", MG_SCREEN_COMPACT},
		      {"id", 0},
		      {"verdict", MG_SCREEN_VERDICT},
		      {"dose", MG_SCREEN_DOSE},
		      {"interactions", MG_SCREEN_INTERACTIONS},
		      {"warnings", MG_SCREEN_WARNINGS},
		      {"referrals", MG_SCREEN_REFERRALS},
		      {"renal", MG_SCREEN_RENAL},
		      {"medicines", MG_SCREEN_MEDICINES}};
	unsigned f = 0;
	for (const char *s = list;;) {
		size_t n = strcspn(s, ","), i;
		for (i = 0; i < sizeof groups / sizeof groups[0]; i++)
			if (strlen(groups[i].name) == n && !strncmp(s, groups[i].name, n))
				break;
		if (i == sizeof groups / sizeof groups[0])
			return mg_fail(err, MG_EINVAL, "fields", "--fields: unknown name; accepted: full, compact, or a "
				       "list of id, verdict, dose, interactions, warnings, referrals, renal, medicines");
		f |= groups[i].bit;
		if (!s[n])
			break;
		s += n + 1;
	}
	if ((f & MG_SCREEN_FULL) && f != MG_SCREEN_FULL)
		return mg_fail(err, MG_EINVAL, "fields", "--fields: full stands alone; accepted: full, or a list");
	*fields = f;
	return 0;
}

/* A CSV record: each non-empty cell through mg_profile_set_key, list cells
 * split at ';' (the column's items; a ',' also separates, as on the command
 * line). */
static int from_csv(const struct mg_screen_opts *o, struct mg_profile *p, const char *cells,
		    const struct mg_screen_rec *rec, char *id, struct mg_error *err)
{
	const char *cols[32];
	size_t ncols = mg_screen_in_columns(o->in, cols, 32);
	if (rec->ncells != ncols)
		return mg_fail(err, MG_EINVAL, NULL, "%zu cells; accepted: as many as the header's %zu columns",
			       rec->ncells, ncols);
	const char *c = cells;
	for (size_t i = 0; i < ncols; i++, c += strlen(c) + 1)
		if (!strcmp(cols[i], "id") && c[0]) {
			if (strlen(c) >= MG_SCREEN_ID_MAX)
				return mg_fail(err, MG_EINVAL, "id", "id: accepted: at most %d bytes",
					       MG_SCREEN_ID_MAX - 1);
			memcpy(id, c, strlen(c) + 1);
		}
	c = cells;
	for (size_t i = 0; i < ncols; i++, c += strlen(c) + 1) {
		if (!c[0] || !strcmp(cols[i], "id"))
			continue;
		if (mg_profile_key_kind(cols[i]) != 3) {
			if (mg_profile_set_key(p, o->kb, cols[i], c, err))
				return -1;
			continue;
		}
		char item[MG_MED_LEN * 2];
		for (const char *s = c;;) {
			size_t n = strcspn(s, ";");
			/* Longer than any name: refused as too long by the key's own check. */
			size_t k = n < sizeof item - 1 ? n : sizeof item - 1;
			memcpy(item, s, k);
			item[k] = '\0';
			if (mg_profile_set_key(p, o->kb, cols[i], item, err))
				return -1;
			if (!s[n])
				break;
			s += n + 1;
		}
	}
	return 0;
}

/* The id of a FHIR record: the Patient's (the first, as mg_fhir_in_parse
 * takes it), in the Bundle's entries or as the resource itself. */
static int is_patient(const json_t *r)
{
	const char *t = json_string_value(json_object_get(r, "resourceType"));
	return t && !strcmp(t, "Patient");
}

static void fhir_id(const char *json, size_t len, char *id)
{
	json_t *root = json_loadb(json, len, 0, NULL), *pat = NULL;
	if (!root)
		return;
	if (is_patient(root))
		pat = root;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(root, "entry"), i, e) {
		json_t *r = json_object_get(e, "resource");
		if (!pat && is_patient(r))
			pat = r;
	}
	json_t *v = json_object_get(pat, "id");
	if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < MG_SCREEN_ID_MAX)
		memcpy(id, json_string_value(v), json_string_length(v) + 1);
	json_decref(root);
}

static int full(const struct mg_screen_opts *o, struct mg_screen_work *w, const char *id, struct mg_buf *out,
		struct mg_error *err)
{
	struct mg_render_opts ro = {MG_FMT_JSON, 0, 0, o->version};
	mg_buf_reset(&w->full);
	if (mg_render_advice(&w->a, &ro, &w->full, err))
		return -1;
	/* advise's object with "id" as its first key, on one line */
	mg_buf_puts(out, "{\"id\":");
	if (id[0])
		mg_buf_put_json_str(out, id);
	else
		mg_buf_puts(out, "null");
	mg_buf_putc(out, ',');
	mg_buf_add(out, w->full.data + 1, w->full.len - 1);
	return 0;
}

static int screen_one(const struct mg_screen_opts *o, struct mg_screen_work *w, const struct mg_screen_batch *b,
		      const struct mg_screen_rec *rec, struct mg_buf *out)
{
	struct mg_error err = {0};
	char id[MG_SCREEN_ID_MAX] = "";
	const char *text = b->arena + rec->off;
	const struct mg_profile *p = &w->p;
	int r;
	if (rec->too_long) {
		mg_fail(&err, MG_ETOOBIG, NULL, "line longer than %zu bytes", MG_SCREEN_LINE_MAX);
		goto fail;
	}
	mg_profile_init(&w->p);
	switch (mg_screen_in_format(o->in)) {
	case MG_SCREEN_CSV:
		r = from_csv(o, &w->p, text, rec, id, &err) || mg_profile_check(&w->p, &err);
		break;
	case MG_SCREEN_FHIR:
		fhir_id(text, rec->len, id);
		r = mg_fhir_in_parse(o->kb, text, rec->len, o->today, &w->fin, &err);
		p = &w->fin.profile;
		break;
	default:
		r = mg_profile_load_json_id(&w->p, o->kb, text, rec->len, id, sizeof id, &err) ||
		    mg_profile_check(&w->p, &err);
		break;
	}
	if (r || mg_advise(o->kb, p, &w->a, &err))
		goto fail;
	if (o->fields & MG_SCREEN_FULL) {
		if (full(o, w, id, out, &err))
			goto fail;
	} else {
		mg_screen_render(&w->a, id, o->fields, out);
	}
	return 0;
fail:
	mg_screen_render_error(id, rec->line, err.field, err.msg, out);
	return 1;
}

long mg_screen_run(const struct mg_screen_opts *o, struct mg_screen_work *w, const struct mg_screen_batch *b,
		   size_t from, size_t to, struct mg_buf *out)
{
	long failed = 0;
	for (size_t i = from; i < to && i < b->n; i++)
		failed += screen_one(o, w, b, &b->recs[i], out);
	if (out->failed)
		return out->len ? MG_ETOOBIG : MG_ENOMEM;
	return failed;
}
