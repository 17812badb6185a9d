/* The trial from the store, for the trial's commands, the report and the
 * FHIR export (trial_cli.h): typed reads (store.h) handed to the pure
 * domain (include/mgsleep/trial.h). */
#include "trial_cli.h"

#include <mgsleep/trial_report.h>

#include <stdlib.h>
#include <string.h>

int cli_trial_load_e(struct mg_db *db, const struct mg_kb *kb, long long id, struct mg_trial *t,
		     struct mg_error *err)
{
	int found = 0, r = mg_db_trial_read(db, id, t, &found, err);
	if (r)
		return r;
	if (!found)
		return id ? mg_fail(err, MG_EINVAL, "trial", "--trial: no trial %lld; see 'mgsleep trial list'", id)
			  : mg_fail(err, MG_EINVAL, "trial", "trial: no trial planned; run 'mgsleep trial plan' first");
	if (mg_trial_bind(t, kb, err))
		return mg_fail(err, MG_EIO, "trial", "trial: the stored trial is damaged");
	return 0;
}

int cli_trial_load(struct mg_db *db, const struct mg_kb *kb, long long id, struct mg_trial *t, int *status)
{
	struct mg_error err = {0};
	return cli_trial_load_e(db, kb, id, t, &err) ? (*status = cli_fail(&err), -1) : 0;
}

int cli_trial_load_pauses_e(struct mg_db *db, long long id, struct mg_trial_pauses *pz, struct mg_error *err)
{
	mg_trial_pauses_init(pz);
	return mg_db_trial_events_each(db, id, mg_trial_pauses_add, pz, err);
}

int cli_trial_event_prepare_e(struct mg_db *db, const struct mg_kb *kb, const char *date, const char *symptoms,
			      const char *note, struct cli_trial_event *e, struct mg_error *err)
{
	struct mg_trial_event ev;
	const char *texts[MG_TRIAL_MAX_SYMPTOMS];
	char names[192], start[11];
	int32_t d;
	int r;
	struct {
		struct mg_trial t;
		struct mg_trial_pauses pz;
	} *l = NULL;
	*e = (struct cli_trial_event){{date, "event", NULL, 0, note ? note : ""}, MG_BUF_INIT, MG_BUF_INIT};
	if (note && strlen(note) > MG_TRIAL_NOTE_MAX)
		return mg_fail(err, MG_EINVAL, "note", "note: at most %d characters", MG_TRIAL_NOTE_MAX);
	if (!symptoms || !*symptoms)
		return mg_fail(err, MG_EINVAL, "symptom", "symptom: required; accepted: %s", mg_kb_symptom_names(kb));
	if (!date || mg_date_parse(date, &d))
		return mg_fail(err, MG_EINVAL, "date", "date: accepted: a date YYYY-MM-DD");
	/* Every name checked before the store is touched. */
	if ((r = mg_trial_event_symptoms(kb, symptoms, &ev, texts, err)))
		return r;
	if (!(l = malloc(sizeof *l)))
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	if ((r = cli_trial_load_e(db, kb, 0, &l->t, err)) || (r = cli_trial_load_pauses_e(db, l->t.id, &l->pz, err)))
		goto out;
	mg_date_format(l->t.p.start, start);
	if (d < l->t.p.start) {
		r = mg_fail(err, MG_EINVAL, "date", "date: before the trial starts (%s)", start);
		goto out;
	}
	if (l->pz.n_events >= MG_TRIAL_MAX_EVENTS) {
		r = mg_fail(err, MG_EEXIST, "trial", "trial event: refused: this trial already has %d events",
			    MG_TRIAL_MAX_EVENTS);
		goto out;
	}
	mg_buf_putc(&e->symptoms_json, '[');
	for (int k = 0; k < ev.n_symptoms; k++)
		mg_buf_printf(&e->symptoms_json, "%s\"%s\"", k ? "," : "", ev.symptoms[k]);
	mg_buf_putc(&e->symptoms_json, ']');
	mg_trial_event_what(kb, &ev, names, sizeof names);
	mg_trial_event_text(&e->text, &l->pz, date, names, ev.stops, mg_trial_paused_at(&l->pz, d), texts,
			    ev.n_symptoms);
	if (e->symptoms_json.failed || e->text.failed) {
		r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	e->row.symptoms_json = e->symptoms_json.data;
	e->row.stops = ev.stops;
out:
	free(l);
	if (r)
		cli_trial_event_release(e);
	return r;
}

void cli_trial_event_release(struct cli_trial_event *e)
{
	mg_buf_release(&e->symptoms_json);
	mg_buf_release(&e->text);
}

int cli_trial_load_pauses(struct mg_db *db, long long id, struct mg_trial_pauses *pz, int *status)
{
	struct mg_error err = {0};
	return cli_trial_load_pauses_e(db, id, pz, &err) ? (*status = cli_fail(&err), -1) : 0;
}

struct mg_trial_nights *cli_trial_read_nights_e(struct mg_db *db, int32_t from, int32_t to, struct mg_error *err)
{
	struct mg_trial_nights *nt = mg_trial_nights_new(from, to);
	if (!nt)
		mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	else if (mg_db_nights_each(db, from + 1, to + 1, mg_trial_nights_put, nt, err)) {
		mg_trial_nights_free(nt);
		nt = NULL;
	}
	return nt;
}

struct mg_trial_nights *cli_trial_read_nights(struct mg_db *db, int32_t from, int32_t to, int *status)
{
	struct mg_error err = {0};
	struct mg_trial_nights *nt = cli_trial_read_nights_e(db, from, to, &err);
	if (!nt)
		*status = cli_fail(&err);
	return nt;
}

struct scores {
	struct mg_trial_score *v;
	size_t n, cap;
};

static int add_score(void *ctx, const struct mg_trial_score *s)
{
	struct scores *sc = ctx;
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? 2 * sc->cap : 64;
		struct mg_trial_score *v = realloc(sc->v, cap * sizeof *v);
		if (!v)
			return MG_ENOMEM;
		sc->v = v;
		sc->cap = cap;
	}
	sc->v[sc->n++] = *s;
	return 0;
}

struct cli_trial_run *cli_trial_analyse_e(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
					  struct mg_error *err)
{
	struct scores isi = {0};
	struct mg_trial_nights *nt = NULL;
	struct cli_trial_run *run = malloc(sizeof *run);
	int ok = 0;
	if (!run) {
		mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	if (cli_trial_load_e(db, kb, id, &run->t, err) || cli_trial_load_pauses_e(db, run->t.id, &run->pz, err) ||
	    !(nt = cli_trial_read_nights_e(db, run->t.p.start - run->t.p.baseline, mg_trial_last_evening(&run->t.p), err)))
		goto out;
	if (mg_db_scores_each(db, "isi", add_score, &isi, err) ||
	    mg_trial_analyse(kb, &run->t, &run->pz, nt, isi.v, isi.n, today, &run->an, err)) {
		if (!err || !err->code)
			mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	ok = 1;
out:
	free(isi.v);
	mg_trial_nights_free(nt);
	if (!ok) {
		free(run);
		run = NULL;
	}
	return run;
}

struct cli_trial_run *cli_trial_analyse(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
					int *status)
{
	struct mg_error err = {0};
	struct cli_trial_run *run = cli_trial_analyse_e(db, kb, id, today, &err);
	if (!run)
		*status = cli_fail(&err);
	return run;
}

int cli_trial_report_id_e(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
			  struct mg_report_trial *rt, char *order, struct mg_error *err)
{
	struct mg_trial t;
	int found = 0;
	if (mg_db_trial_read(db, id, &t, &found, err))
		return -1;
	if (!found)
		return 1;
	struct cli_trial_run *run = cli_trial_analyse_e(db, kb, id, today, err);
	if (!run)
		return -1;
	mg_trial_report_fill(kb, &run->an, rt, order);
	free(run);
	return 0;
}

int cli_trial_report_id(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
			struct mg_report_trial *rt, char *order, int *status)
{
	struct mg_error err = {0};
	int r = cli_trial_report_id_e(db, kb, id, today, rt, order, &err);
	if (r < 0)
		*status = cli_fail(&err);
	return r;
}

int cli_trial_report(struct mg_db *db, const struct mg_kb *kb, int32_t today, struct mg_report_trial *rt,
		     char *order, int *status)
{
	return cli_trial_report_id(db, kb, 0, today, rt, order, status);
}

int cli_trial_emit(const struct mg_buf *out)
{
	return out->failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out->data, out->len);
}
