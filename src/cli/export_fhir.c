/* FHIR form of an export (issue 5): the typed input of mg_render_fhir
 * (include/mgsleep/fhir.h, rendered by src/report/fhir.c), gathered from the
 * JSON export (the source of truth) the way export_csv.c builds CSV. The
 * library does the rest: the stored profile is read by mg_profile_load_json
 * (weights in pounds converted there), each night is validated and measured
 * by mg_night_compute, and the questionnaires are scored again by
 * mg_isi_score and mg_psqi_score (what was stored came from them). */
#include "trial_cli.h"

#include <mgsleep/fhir.h>
#include <mgsleep/night.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/stats.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The diary nights as FHIR input; forms[i] keeps nights[i].form's text. */
struct fhir_nights {
	struct mg_fhir_night *nights;
	char (*forms)[48];
	size_t n, cap;
	struct mg_error *err;
};

/* A stored night (mg_db_night_rows_each); left out when the library does
 * not accept it. The entry is read by mg_night_entry_read; fn->form is set
 * once all are read (the arrays move while they grow). */
static int night_of(void *ctx, const struct mg_db_night_row *row)
{
	struct fhir_nights *w = ctx;
	struct mg_night_entry e;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct mg_fhir_night *nights = realloc(w->nights, cap * sizeof *nights);
		if (nights)
			w->nights = nights;
		char(*forms)[48] = nights ? realloc(w->forms, cap * sizeof *forms) : NULL;
		if (!forms)
			return mg_fail(w->err, MG_ENOMEM, NULL, "out of memory");
		w->forms = forms;
		w->cap = cap;
	}
	struct mg_fhir_night *fn = &w->nights[w->n];
	if (!row->entry || mg_night_entry_read(row->entry, row->entry_len, &e, NULL) || !row->date ||
	    mg_date_parse(row->date, &e.n.date) || e.n.bed == MG_NIGHT_UNSET || e.n.final_wake == MG_NIGHT_UNSET ||
	    e.n.out_of_bed == MG_NIGHT_UNSET)
		return 0;
	fn->n = e.n;
	if (mg_night_compute(&fn->n, &fn->m, NULL))
		return 0;
	fn->mg = e.elemental_mg;
	fn->compound_mg = e.compound_mg;
	snprintf(w->forms[w->n], sizeof e.form, "%s", e.form);
	fn->mg_time = e.time_min;
	w->n++;
	return 0;
}

/* One stored answer, typed as stored; -1 for a value FHIR has no answer
 * type for (null, a list, an object). */
static int answer_of(json_t *v, struct mg_fhir_answer *a)
{
	if (json_is_integer(v))
		a->type = MG_FHIR_INTEGER, a->integer = json_integer_value(v);
	else if (json_is_real(v))
		a->type = MG_FHIR_DECIMAL, a->decimal = json_real_value(v);
	else if (json_is_boolean(v))
		a->type = MG_FHIR_BOOLEAN, a->integer = json_is_true(v);
	else if (json_is_string(v))
		a->type = MG_FHIR_STRING, a->text = json_string_value(v);
	else
		return -1;
	return 0;
}

/* The answers of q into a (room for all of them), and the score. */
static int questionnaire_of(json_t *q, struct mg_fhir_questionnaire *fq, struct mg_fhir_answer *a)
{
	const char *kind = json_string_value(json_object_get(q, "kind"));
	const char *date = json_string_value(json_object_get(q, "date"));
	json_t *answers = json_object_get(q, "answers"), *v;
	if (!kind || (strcmp(kind, "isi") && strcmp(kind, "psqi")) || !date || mg_date_parse(date, &fq->date))
		return -1;
	fq->kind = !strcmp(kind, "isi") ? MG_FHIR_ISI : MG_FHIR_PSQI;
	fq->answers = a;
	if (json_is_array(answers)) {
		size_t i;
		json_array_foreach(answers, i, v) {
			snprintf(a[fq->n_answers].link_id, sizeof a->link_id, "%zu", i + 1);
			fq->n_answers += !answer_of(v, &a[fq->n_answers]);
		}
	} else {
		const char *key;
		json_object_foreach(answers, key, v) {
			snprintf(a[fq->n_answers].link_id, sizeof a->link_id, "%s", key);
			fq->n_answers += !answer_of(v, &a[fq->n_answers]);
		}
	}
	if (fq->kind == MG_FHIR_ISI) {
		int items[MG_ISI_ITEMS];
		for (size_t i = 0; i < MG_ISI_ITEMS; i++)
			items[i] = json_is_integer(json_array_get(answers, i)) ? (int)json_integer_value(json_array_get(answers, i))
									       : -1;
		fq->scored = json_array_size(answers) == MG_ISI_ITEMS && !mg_isi_score(items, &fq->isi, NULL);
	} else {
		struct mg_psqi_answers pa;
		char *text = json_dumps(answers, JSON_COMPACT);
		fq->scored = text && !mg_psqi_parse_json(text, strlen(text), &pa, NULL) && !mg_psqi_score(&pa, &fq->psqi, NULL);
		free(text);
	}
	return 0;
}

/* Every trial in the store, analysed as of today, for the FHIR export
 * (nothing lost: replaced and finished trials too). *list and *rts are the
 * caller's to free; -1 with err set. */
static int fhir_trials(struct mg_db *db, const struct mg_kb *kb, struct mg_fhir_trial **list,
		       struct mg_report_trial **rts, char (**orders)[2 * MG_NOF1_MAX_PAIRS], size_t *n,
		       struct mg_error *err)
{
	char today[11];
	int32_t d;
	struct mg_buf b = MG_BUF_INIT;
	*n = 0;
	cli_today(today);
	mg_date_parse(today, &d);
	if (mg_db_trial_list_json(db, &b, err)) {
		mg_buf_release(&b);
		return -1;
	}
	json_t *arr = b.failed ? NULL : json_loadb(b.data ? b.data : "[]", b.data ? b.len : 2, 0, NULL);
	mg_buf_release(&b);
	size_t m = json_array_size(arr);
	*list = calloc(m + 1, sizeof **list);
	*rts = calloc(m + 1, sizeof **rts);
	*orders = calloc(m + 1, sizeof **orders);
	int rc = 0;
	if (!arr || !*list || !*rts || !*orders)
		rc = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; !rc && i < m; i++) {
		json_t *row = json_array_get(arr, i);
		long long id = json_integer_value(json_object_get(row, "id"));
		if (cli_trial_report_id_e(db, kb, id, d, &(*rts)[i], (*orders)[i], err) < 0) {
			rc = -1;
			break;
		}
		const char *st = json_string_value(json_object_get(row, "status"));
		(*list)[*n].rt = &(*rts)[i];
		(*list)[*n].id = id;
		(*list)[*n].replaced = st && !strcmp(st, "replaced");
		(*n)++;
	}
	json_decref(arr);
	return rc;
}

static int export_fhir(struct mg_db *db, const struct mg_kb *kb, const char *json, const struct mg_fhir_trial *trials,
		       size_t n_trials, struct mg_buf *out, struct mg_error *err)
{
	json_t *root = json_loads(json, 0, NULL), *v;
	json_t *profile = json_object_get(root, "profile");
	json_t *qs = json_object_get(root, "questionnaires");
	struct fhir_nights nights = {.err = err};
	struct mg_profile p;
	int r = 0;
	struct mg_fhir_input in = {.trials = trials, .n_trials = n_trials};
	struct mg_fhir_questionnaire *fq = calloc(json_array_size(qs) + 1, sizeof *fq);
	struct mg_fhir_answer *fa = NULL;
	size_t i, n_answers = 0;
	char *text = NULL;
	json_array_foreach(qs, i, v)
		n_answers += json_is_array(json_object_get(v, "answers")) ? json_array_size(json_object_get(v, "answers"))
									   : json_object_size(json_object_get(v, "answers"));
	fa = calloc(n_answers + 1, sizeof *fa);
	if (!root) {
		r = mg_fail(err, MG_EIO, "export", "export: cannot read the store's export");
		goto out;
	}
	if (!fq || !fa) {
		r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	mg_profile_init(&p);
	if (json_is_object(profile)) {
		if (!(text = json_dumps(profile, JSON_COMPACT))) {
			r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
			goto out;
		}
		if ((r = mg_profile_load_json(&p, kb, text, strlen(text), err)))
			goto out;
		in.profile = &p;
	}
	/* the nights typed, in the export's order (not its JSON parsed again: issue 14) */
	if ((r = mg_db_night_rows_each(db, NULL, NULL, night_of, &nights, err)))
		goto out;
	for (i = 0; i < nights.n; i++)
		nights.nights[i].form = nights.forms[i][0] ? nights.forms[i] : NULL;
	in.nights = nights.nights;
	in.n_nights = nights.n;
	in.questionnaires = fq;
	n_answers = 0;
	json_array_foreach(qs, i, v) {
		if (!questionnaire_of(v, &fq[in.n_questionnaires], fa + n_answers))
			n_answers += fq[in.n_questionnaires++].n_answers;
		else
			fq[in.n_questionnaires] = (struct mg_fhir_questionnaire){0};
	}
	r = mg_render_fhir(&in, out, err);
out:
	free(text);
	free(nights.nights);
	free(nights.forms);
	free(fq);
	free(fa);
	json_decref(root);
	return r;
}

int cli_export_fhir_e(struct mg_db *db, const struct mg_kb *kb, const char *json, struct mg_buf *out,
		      struct mg_error *err)
{
	struct mg_report_trial *rts = NULL;
	struct mg_fhir_trial *trials = NULL;
	char(*orders)[2 * MG_NOF1_MAX_PAIRS] = NULL;
	size_t n = 0;
	int r = fhir_trials(db, kb, &trials, &rts, &orders, &n, err);
	if (!r)
		r = export_fhir(db, kb, json, trials, n, out, err);
	free(rts);
	free(trials);
	free(orders);
	return r ? (err && err->code ? err->code : MG_ENOMEM) : 0;
}
