/* Typed reads (issue 12): the trial, its events, the diary nights and the
 * questionnaire totals as structs, walked with a callback in the style of
 * sqlite3_exec, so the domain never re-parses the store's JSON listings.
 * The *_json functions of db.c stay for export and --format json. */
#include <mgsleep/store.h>

#include "store_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ?1 = 0 selects the latest trial. */
#define TRIAL_ID "CASE WHEN ?1 = 0 THEN (SELECT max(id) FROM trial) ELSE ?1 END"

static void copy_text(sqlite3_stmt *st, int col, char *out, size_t n, int *damaged)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	if (!s && damaged)
		*damaged = 1;
	snprintf(out, n, "%s", s ? s : "");
}

static int32_t column_date(sqlite3_stmt *st, int col)
{
	int32_t d = MG_DATE_UNSET;
	const char *s = (const char *)sqlite3_column_text(st, col);
	if (!s || mg_date_parse(s, &d))
		return MG_DATE_UNSET;
	return d;
}

/* The stored order ["mg","off",...] into p->order; 0 if it matches pairs. */
static int read_order(const char *text, struct mg_trial_plan *p)
{
	json_t *a = text ? json_loads(text, 0, NULL) : NULL;
	int ok = json_is_array(a) && p->pairs >= 1 && p->pairs <= MG_NOF1_MAX_PAIRS &&
		 json_array_size(a) == (size_t)(2 * p->pairs);
	for (int k = 0; ok && k < 2 * p->pairs; k++) {
		const char *v = json_string_value(json_array_get(a, (size_t)k));
		ok = v && (!strcmp(v, "mg") || !strcmp(v, "off"));
		if (ok)
			p->order[k] = !strcmp(v, "mg");
	}
	json_decref(a);
	return ok ? 0 : -1;
}

static void trial_row(sqlite3_stmt *st, struct mg_trial *t)
{
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	copy_text(st, 1, t->created, sizeof t->created, &t->damaged);
	copy_text(st, 2, t->status, sizeof t->status, &t->damaged);
	if ((t->p.start = column_date(st, 3)) == MG_DATE_UNSET)
		t->damaged = 1;
	t->p.pairs = sqlite3_column_int(st, 4);
	t->p.period_days = sqlite3_column_int(st, 5);
	t->p.washout = sqlite3_column_int(st, 6);
	copy_text(st, 7, t->outcome, sizeof t->outcome, &t->damaged);
	copy_text(st, 8, t->seed, sizeof t->seed, &t->damaged);
	if (read_order((const char *)sqlite3_column_text(st, 9), &t->p))
		t->damaged = 1;
	t->elemental_mg = sqlite3_column_double(st, 10);
	t->compound_mg = sqlite3_column_double(st, 11);
	copy_text(st, 12, t->form, sizeof t->form, &t->damaged);
	t->p.baseline = sqlite3_column_int(st, 13);
	/* Planned before schema 4: no analysis stored with the plan. */
	if (sqlite3_column_type(st, 14) != SQLITE_NULL) {
		t->prespecified = 1;
		t->spec.alpha = sqlite3_column_double(st, 14);
		t->spec.min_pairs = sqlite3_column_int(st, 15);
		t->spec.mid = sqlite3_column_double(st, 16);
		t->spec.mid_verified = sqlite3_column_int(st, 17) == 1;
	}
}

#define TRIAL_COLUMNS                                                                                        \
	"SELECT id, created, status, start, pairs, period_days, washout, outcome, seed, orders, elemental_mg, " \
	"compound_mg, form, baseline_days, alpha, min_pairs, mid, mid_verified FROM trial "

/* Runs sql and gives each row to row(): ?1 is id (unless id < 0) or text,
 * ?2 is text2; a NULL text leaves its parameter NULL. */
static int walk(struct mg_db *db, const char *sql, long long id, const char *text, const char *text2,
		int (*row)(sqlite3_stmt *, void *), void *arg, struct mg_error *err, const char *what)
{
	sqlite3 *h = mg_db_sqlite(db);
	sqlite3_stmt *st = NULL;
	int r = 0, rc;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return mg_db_sql_fail(db, err, what);
	if (id >= 0)
		sqlite3_bind_int64(st, 1, id);
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	if (text2)
		sqlite3_bind_text(st, 2, text2, -1, SQLITE_STATIC);
	while (!r && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = row(st, arg);
	if (!r && rc != SQLITE_DONE)
		r = mg_db_sql_fail(db, err, what);
	sqlite3_finalize(st);
	return r;
}

struct trial_walk {
	int (*cb)(void *, const struct mg_trial *);
	void *ctx;
	struct mg_trial *one; /* mg_db_trial_read */
	int found;
};

static int trial_cb(sqlite3_stmt *st, void *arg)
{
	struct trial_walk *w = arg;
	struct mg_trial t;
	w->found = 1;
	trial_row(st, w->one ? w->one : &t);
	return w->one ? 0 : w->cb(w->ctx, &t);
}

int mg_db_trial_read(struct mg_db *db, long long id, struct mg_trial *t, int *found, struct mg_error *err)
{
	struct trial_walk w = {NULL, NULL, t, 0};
	int r = walk(db, TRIAL_COLUMNS "WHERE id = " TRIAL_ID, id, NULL, NULL, trial_cb, &w, err, "trial");
	*found = !r && w.found;
	return r;
}

int mg_db_trials_each(struct mg_db *db, int (*cb)(void *ctx, const struct mg_trial *t), void *ctx,
		      struct mg_error *err)
{
	struct trial_walk w = {cb, ctx, NULL, 0};
	return walk(db, TRIAL_COLUMNS "ORDER BY id", -1, NULL, NULL, trial_cb, &w, err, "trial");
}

struct event_walk {
	int (*cb)(void *, const struct mg_trial_event *);
	void *ctx;
};

static int event_cb(sqlite3_stmt *st, void *arg)
{
	struct event_walk *w = arg;
	struct mg_trial_event e;
	memset(&e, 0, sizeof e);
	const char *kind = (const char *)sqlite3_column_text(st, 1);
	if (!kind)
		return 0;
	e.date = column_date(st, 0);
	e.resume = !strcmp(kind, "resume");
	e.stops = sqlite3_column_int(st, 3) == 1;
	copy_text(st, 4, e.note, sizeof e.note, NULL);
	const char *sj = (const char *)sqlite3_column_text(st, 2);
	json_t *a = sj ? json_loads(sj, 0, NULL) : NULL, *v;
	size_t i;
	json_array_foreach(a, i, v) {
		const char *id = json_string_value(v);
		if (id && e.n_symptoms < MG_TRIAL_MAX_SYMPTOMS)
			snprintf(e.symptoms[e.n_symptoms++], sizeof e.symptoms[0], "%s", id);
	}
	json_decref(a);
	return w->cb(w->ctx, &e);
}

int mg_db_trial_events_each(struct mg_db *db, long long id, int (*cb)(void *ctx, const struct mg_trial_event *e),
			    void *ctx, struct mg_error *err)
{
	struct event_walk w = {cb, ctx};
	return walk(db, "SELECT date, kind, symptoms, stops, note FROM trial_event WHERE trial = " TRIAL_ID
			" ORDER BY date, id",
		    id, NULL, NULL, event_cb, &w, err, "trial event");
}

struct night_walk {
	int (*cb)(void *, const struct mg_night_record *);
	void *ctx;
};

static int column_int(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? MG_NIGHT_UNSET : sqlite3_column_int(st, col);
}

static double column_num(sqlite3_stmt *st, int col)
{
	int t = sqlite3_column_type(st, col);
	return t == SQLITE_INTEGER || t == SQLITE_FLOAT ? sqlite3_column_double(st, col) : NAN;
}

static int night_cb(sqlite3_stmt *st, void *arg)
{
	struct night_walk *w = arg;
	struct mg_night_record r;
	const char *entry = (const char *)sqlite3_column_text(st, 1);
	/* A damaged entry keeps its stored metrics: its items stay unset. */
	mg_night_entry_parse(entry, entry ? (size_t)sqlite3_column_bytes(st, 1) : 0, &r.n, &r.magnesium, NULL);
	r.n.date = column_date(st, 0);
	r.m.tib = column_int(st, 2);
	r.m.sol = column_int(st, 3);
	r.m.waso = column_int(st, 4);
	r.m.tst = column_int(st, 5);
	r.m.se_pct = column_num(st, 6);
	r.m.terminal_wake = column_int(st, 7);
	r.m.waso_with_terminal = r.m.waso < 0 || r.m.terminal_wake < 0 ? MG_NIGHT_UNSET : r.m.waso + r.m.terminal_wake;
	r.mg_elemental_mg = column_num(st, 8);
	return w->cb(w->ctx, &r);
}

int mg_db_nights_each(struct mg_db *db, int32_t from, int32_t to,
		      int (*cb)(void *ctx, const struct mg_night_record *r), void *ctx, struct mg_error *err)
{
	struct night_walk w = {cb, ctx};
	char d0[11], d1[11];
	if (from != MG_DATE_UNSET)
		mg_date_format(from, d0);
	if (to != MG_DATE_UNSET)
		mg_date_format(to, d1);
	/* se to 0.1, as every listing has shown it (the trial's se outcome). */
	return walk(db,
		    "SELECT date, entry, tib, sol, waso, tst, round(se, 1), terminal_wake, mg_elemental_mg FROM nights "
		    "WHERE (?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2) ORDER BY date",
		    -1, from != MG_DATE_UNSET ? d0 : NULL, to != MG_DATE_UNSET ? d1 : NULL, night_cb, &w, err, "nights");
}

struct night_row_walk {
	int (*cb)(void *, const struct mg_db_night_row *);
	void *ctx;
};

static int night_row_cb(sqlite3_stmt *st, void *arg)
{
	struct night_row_walk *w = arg;
	struct mg_db_night_row row;
	row.date = (const char *)sqlite3_column_text(st, 0);
	row.entry = (const char *)sqlite3_column_text(st, 1);
	row.entry_len = (size_t)sqlite3_column_bytes(st, 1); /* after the text, as SQLite asks */
	row.tib = sqlite3_column_int(st, 2);
	row.tst = sqlite3_column_int(st, 3);
	row.sol = sqlite3_column_int(st, 4);
	row.waso = sqlite3_column_int(st, 5);
	row.se_pct = sqlite3_column_double(st, 6);
	return w->cb(w->ctx, &row);
}

int mg_db_night_rows_each(struct mg_db *db, const char *from, const char *to,
			  int (*cb)(void *ctx, const struct mg_db_night_row *r), void *ctx, struct mg_error *err)
{
	struct night_row_walk w = {cb, ctx};
	/* the rows and order of mg_db_nights_json (db.c) */
	return walk(db,
			  "SELECT date, entry, tib, tst, sol, waso, round(se, 1) FROM nights WHERE "
			  "(?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2) ORDER BY date",
			  -1, from, to, night_row_cb, &w, err, "nights");
}

struct device_row_walk {
	int (*cb)(void *, const struct mg_db_device_night_row *);
	void *ctx;
};

static int device_row_cb(sqlite3_stmt *st, void *arg)
{
	struct device_row_walk *w = arg;
	struct mg_db_device_night_row row;
	row.date = (const char *)sqlite3_column_text(st, 0);
	row.source = (const char *)sqlite3_column_text(st, 1);
	row.main = sqlite3_column_int(st, 2);
	row.chosen = sqlite3_column_int(st, 3);
	row.tib = sqlite3_column_int(st, 4);
	row.tst = sqlite3_column_int(st, 5);
	row.sol = sqlite3_column_type(st, 6) == SQLITE_INTEGER ? sqlite3_column_int(st, 6) : -1;
	row.waso = sqlite3_column_type(st, 7) == SQLITE_INTEGER ? sqlite3_column_int(st, 7) : -1;
	return w->cb(w->ctx, &row);
}

int mg_db_device_night_rows_each(struct mg_db *db, const char *from, const char *to,
				 int (*cb)(void *ctx, const struct mg_db_device_night_row *r), void *ctx,
				 struct mg_error *err)
{
	struct device_row_walk w = {cb, ctx};
	/* the rows and order of mg_db_device_nights_json (imports.c) */
	return walk(db,
			  "SELECT n.date, s.name, n.main, n.chosen, n.tib, n.tst, n.sol, n.waso FROM device_night n "
			  "JOIN import_source s ON s.id = n.source "
			  "WHERE (?1 IS NULL OR n.date >= ?1) AND (?2 IS NULL OR n.date <= ?2) "
			  "ORDER BY n.date, n.chosen DESC, n.main DESC, n.start",
			  -1, from, to, device_row_cb, &w, err, "device nights");
}

struct score_walk {
	int (*cb)(void *, const struct mg_trial_score *);
	void *ctx;
};

static int score_cb(sqlite3_stmt *st, void *arg)
{
	struct score_walk *w = arg;
	struct mg_trial_score s = {column_date(st, 0), column_num(st, 1)};
	if (s.date == MG_DATE_UNSET || isnan(s.total))
		return 0;
	return w->cb(w->ctx, &s);
}

int mg_db_scores_each(struct mg_db *db, const char *kind, int (*cb)(void *ctx, const struct mg_trial_score *s),
		      void *ctx, struct mg_error *err)
{
	struct score_walk w = {cb, ctx};
	return walk(db,
		    "SELECT date, json_extract(result, '$.total') FROM questionnaires WHERE kind = ?1 ORDER BY date, id",
		    -1, kind, NULL, score_cb, &w, err, "questionnaires");
}
