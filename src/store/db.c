/* Store: the data it holds (profile, nights, questionnaires, food, trials)
 * and the full export. SQL lives only in src/store; the file itself (open,
 * seal, migrate, transactions) is file.c. */
#include <mgsleep/store.h>

#include "schema.h"
#include "store_internal.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sql_fail(struct mg_db *db, struct mg_error *err, const char *what)
{
	return mg_db_sql_fail(db, err, what);
}

/* ---- data ---- */

static int exec_bound(struct mg_db *db, const char *sql, const char *arg, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "statement");
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "statement");
	sqlite3_finalize(st);
	return r;
}

static int text_query(struct mg_db *db, const char *sql, const char *arg, char **out, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	*out = NULL;
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "query");
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && !(*out = strdup(t)))
			r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	} else if (rc != SQLITE_DONE) {
		r = sql_fail(db, err, "query");
	}
	sqlite3_finalize(st);
	return r;
}

int mg_db_integrity_check(struct mg_db *db, struct mg_error *err)
{
	char *t = NULL;
	int r = text_query(db, "PRAGMA integrity_check", NULL, &t, err);
	if (!r && (!t || strcmp(t, "ok")))
		r = mg_fail(err, MG_EIO, "store", "store '%s': integrity check failed: %s", db->path,
			    t ? t : "no result");
	free(t);
	return r;
}

int mg_db_profile_get(struct mg_db *db, char **json, struct mg_error *err)
{
	return text_query(db, "SELECT json FROM profile WHERE id = 1", NULL, json, err);
}

int mg_db_profile_put(struct mg_db *db, const char *json, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO profile (id, json, updated) VALUES (1, ?1, ?2) "
			       "ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated = excluded.updated",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "profile");
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "profile");
	sqlite3_finalize(st);
	return r;
}

int mg_db_questionnaire_add(struct mg_db *db, const char *kind, const char *date, const char *answers_json,
			    const char *result_json, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql, "INSERT INTO questionnaires (kind, date, answers, result) VALUES (?1, ?2, ?3, ?4)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "questionnaire");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, answers_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, result_json, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "questionnaire");
	sqlite3_finalize(st);
	return r;
}

int mg_db_latest_isi(struct mg_db *db, double *isi, struct mg_error *err)
{
	char *t = NULL;
	int r = text_query(db,
			   "SELECT json_extract(result, '$.total') FROM questionnaires WHERE kind = 'isi' "
			   "ORDER BY date DESC, id DESC LIMIT 1",
			   NULL, &t, err);
	*isi = t ? strtod(t, NULL) : NAN;
	free(t);
	return r;
}

/* Append the single-column JSON text result of sql to out. */
static int json_query(struct mg_db *db, const char *sql, const char *arg, struct mg_buf *out, struct mg_error *err)
{
	char *t = NULL;
	int r = text_query(db, sql, arg, &t, err);
	if (!r)
		mg_buf_puts(out, t ? t : "[]");
	free(t);
	return r;
}

int mg_db_questionnaire_list(struct mg_db *db, const char *kind, struct mg_buf *out, struct mg_error *err)
{
	return json_query(db,
			  "SELECT json_group_array(json_object('date', date, 'answers', json(answers), "
			  "'result', json(result))) FROM (SELECT * FROM questionnaires WHERE kind = ?1 ORDER BY date, id)",
			  kind, out, err);
}

static int audit(struct mg_db *db, const char *action, const char *date, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO audit (at, action, tbl, key, old) SELECT ?1, ?2, 'nights', date, "
			       "json_object('entry', json(entry), 'created', created, 'updated', updated) "
			       "FROM nights WHERE date = ?3",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "audit");
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "audit");
	sqlite3_finalize(st);
	return r;
}

int mg_db_night_latest(struct mg_db *db, char **json, struct mg_error *err)
{
	return text_query(db, "SELECT entry FROM nights ORDER BY date DESC LIMIT 1", NULL, json, err);
}

/* A statement prepared once per handle (NULL if it cannot be); reset() after each use. */
static sqlite3_stmt *cached(struct mg_db *db, sqlite3_stmt **slot, const char *sql)
{
	if (!*slot && sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		sqlite3_finalize(*slot);
		*slot = NULL;
	}
	return *slot;
}

static void reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int mg_db_night_get(struct mg_db *db, const char *date, char **json, struct mg_error *err)
{
	sqlite3_stmt *st = cached(db, &db->night_get, "SELECT entry FROM nights WHERE date = ?1");
	int rc, r = 0;
	*json = NULL;
	if (!st)
		return sql_fail(db, err, "query");
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && !(*json = strdup(t)))
			r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	} else if (rc != SQLITE_DONE) {
		r = sql_fail(db, err, "query");
	}
	reset(st);
	return r;
}

int mg_db_night_put(struct mg_db *db, const struct mg_db_night *n, int replace, const char *now,
		    struct mg_error *err)
{
	char *old = NULL;
	int r = mg_db_night_get(db, n->date, &old, err);
	if (r)
		return r;
	if (old) {
		free(old);
		if (!replace)
			return mg_fail(err, MG_EEXIST, "date",
				       "--date: a night is already logged for this date; use --replace to change it");
		if ((r = audit(db, "replace", n->date, now, err)))
			return r;
	}
	sqlite3_stmt *st = cached(db, &db->night_put,
			       "INSERT INTO nights (date, entry, tib, sol, waso, tst, se, terminal_wake, mg_elemental_mg, "
			       "created, updated) VALUES (?1, json(?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) "
			       "ON CONFLICT (date) DO UPDATE SET entry = excluded.entry, tib = excluded.tib, "
			       "sol = excluded.sol, waso = excluded.waso, tst = excluded.tst, se = excluded.se, "
			       "terminal_wake = excluded.terminal_wake, mg_elemental_mg = excluded.mg_elemental_mg, "
			       "updated = excluded.updated");
	if (!st)
		return sql_fail(db, err, "night");
	sqlite3_bind_text(st, 1, n->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, n->entry_json, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, n->tib);
	sqlite3_bind_int(st, 4, n->sol);
	sqlite3_bind_int(st, 5, n->waso);
	sqlite3_bind_int(st, 6, n->tst);
	sqlite3_bind_double(st, 7, n->se_pct);
	sqlite3_bind_int(st, 8, n->terminal_wake);
	if (isnan(n->mg_elemental_mg))
		sqlite3_bind_null(st, 9);
	else
		sqlite3_bind_double(st, 9, n->mg_elemental_mg);
	sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "night");
	reset(st);
	return r;
}

int mg_db_night_delete(struct mg_db *db, const char *date, const char *now, struct mg_error *err)
{
	char *old = NULL;
	int r = mg_db_night_get(db, date, &old, err);
	if (r)
		return r;
	if (!old)
		return mg_fail(err, MG_EINVAL, "date", "--date: no night is logged for this date");
	free(old);
	if ((r = audit(db, "delete", date, now, err)))
		return r;
	return exec_bound(db, "DELETE FROM nights WHERE date = ?1", date, err);
}

int mg_db_audit_purge(struct mg_db *db, struct mg_error *err)
{
	return mg_db_exec(db, "DELETE FROM audit", err);
}

/* Run a query that returns one JSON text, with ?1 = from and ?2 = to dates
 * (either may be NULL: open range), and append the text to out. */
static int range_json(struct mg_db *db, const char *sql, const char *from, const char *to, struct mg_buf *out,
		      struct mg_error *err, const char *what)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, what);
	if (from)
		sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	if (to)
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		mg_buf_puts(out, (const char *)sqlite3_column_text(st, 0));
	else
		r = sql_fail(db, err, what);
	sqlite3_finalize(st);
	return r;
}

int mg_db_nights_json(struct mg_db *db, const char *from, const char *to, struct mg_buf *out, struct mg_error *err)
{
	return range_json(db,
			  "SELECT json_group_array(json_object('date', date, 'entry', json(entry), 'tib', tib, "
			  "'sol', sol, 'waso', waso, 'tst', tst, 'se', round(se, 1), 'terminal_wake', terminal_wake, "
			  "'mg_elemental_mg', mg_elemental_mg)) FROM (SELECT * FROM nights WHERE "
			  "(?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2) ORDER BY date)",
			  from, to, out, err, "nights");
}

int mg_db_food_add(struct mg_db *db, const struct mg_db_food *f, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO food_log (date, ndb, description, amount, grams, mg, created) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "food");
	sqlite3_bind_text(st, 1, f->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->ndb, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->amount, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 5, f->grams);
	sqlite3_bind_double(st, 6, f->mg);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "food");
	sqlite3_finalize(st);
	return r;
}

int mg_db_food_json(struct mg_db *db, const char *from, const char *to, struct mg_buf *out, struct mg_error *err)
{
	return range_json(db,
			  "SELECT json_group_array(json_object('id', id, 'date', date, 'ndb', ndb, 'description', "
			  "description, 'amount', amount, 'grams', grams, 'mg', mg)) FROM (SELECT * FROM food_log "
			  "WHERE (?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2) ORDER BY date, id)",
			  from, to, out, err, "food");
}

int mg_db_food_delete(struct mg_db *db, int64_t id, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	/* The row goes to the audit table first, as a deleted night does. */
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO audit (at, action, tbl, key, old) SELECT ?1, 'delete', 'food_log', "
			       "CAST(id AS TEXT), json_object('date', date, 'ndb', ndb, 'description', description, "
			       "'amount', amount, 'grams', grams, 'mg', mg, 'created', created) FROM food_log WHERE id = ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "food");
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "food");
	else if (sqlite3_changes(db->sql) != 1)
		r = mg_fail(err, MG_EINVAL, "id", "food delete: ID: no logged food has this id (see 'mgsleep food list')");
	sqlite3_finalize(st);
	if (r)
		return r;
	if (sqlite3_prepare_v2(db->sql, "DELETE FROM food_log WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "food");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "food");
	else if (sqlite3_changes(db->sql) != 1)
		r = mg_fail(err, MG_EINVAL, "id", "food delete: ID: no logged food has this id (see 'mgsleep food list')");
	sqlite3_finalize(st);
	return r;
}

int mg_db_food_daily_mean(struct mg_db *db, double *mg, int *days, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	*mg = NAN;
	*days = 0;
	if (sqlite3_prepare_v2(db->sql, "SELECT avg(s), count(*) FROM (SELECT sum(mg) AS s FROM food_log GROUP BY date)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "food");
	if (sqlite3_step(st) == SQLITE_ROW) {
		*days = sqlite3_column_int(st, 1);
		if (*days)
			*mg = sqlite3_column_double(st, 0);
	} else {
		r = sql_fail(db, err, "food");
	}
	sqlite3_finalize(st);
	return r;
}

int mg_db_diet_quiz_add(struct mg_db *db, const char *date, const char *answers_json, double mg,
			struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql, "INSERT INTO diet_quiz (date, answers, mg) VALUES (?1, json(?2), ?3)", -1, &st,
			       NULL) != SQLITE_OK)
		return sql_fail(db, err, "diet quiz");
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, answers_json, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, mg);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "diet quiz");
	sqlite3_finalize(st);
	return r;
}

int mg_db_diet_quiz_latest(struct mg_db *db, double *mg, char date[11], struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	*mg = NAN;
	date[0] = '\0';
	if (sqlite3_prepare_v2(db->sql, "SELECT mg, date FROM diet_quiz ORDER BY date DESC, id DESC LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return sql_fail(db, err, "diet quiz");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*mg = sqlite3_column_double(st, 0);
		snprintf(date, 11, "%s", (const char *)sqlite3_column_text(st, 1));
	} else if (rc != SQLITE_DONE) {
		r = sql_fail(db, err, "diet quiz");
	}
	sqlite3_finalize(st);
	return r;
}

int mg_db_trial_add(struct mg_db *db, const struct mg_db_trial *t, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO trial (created, start, pairs, period_days, washout, outcome, seed, orders, "
			       "elemental_mg, compound_mg, form, baseline_days, status, alpha, min_pairs, mid, mid_verified) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, json(?8), ?9, ?10, ?11, ?12, 'planned', ?13, ?14, ?15, ?16)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "trial");
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->start, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, t->pairs);
	sqlite3_bind_int(st, 4, t->period_days);
	sqlite3_bind_int(st, 5, t->washout);
	sqlite3_bind_text(st, 6, t->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, t->seed, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, t->order_json, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 9, t->elemental_mg);
	sqlite3_bind_double(st, 10, t->compound_mg);
	sqlite3_bind_text(st, 11, t->form, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 12, t->baseline_days);
	sqlite3_bind_double(st, 13, t->alpha);
	sqlite3_bind_int(st, 14, t->min_pairs);
	sqlite3_bind_double(st, 15, t->mid);
	sqlite3_bind_int(st, 16, t->mid_verified != 0);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "trial");
	sqlite3_finalize(st);
	return r;
}

int mg_db_trial_retire(struct mg_db *db, long long id, const char *status, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (strcmp(status, "replaced") && strcmp(status, "finished"))
		return mg_fail(err, MG_EINVAL, "status", "trial: a trial is retired as replaced or finished");
	if (sqlite3_prepare_v2(db->sql, "UPDATE trial SET status = ?2 WHERE id = ?1 AND status = 'planned'", -1, &st,
			       NULL) != SQLITE_OK)
		return sql_fail(db, err, "trial");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "trial");
	else if (sqlite3_changes(db->sql) != 1)
		r = mg_fail(err, MG_EINVAL, "trial", "trial: no current trial with that id");
	sqlite3_finalize(st);
	return r;
}

/* One trial row as JSON (the columns of the table t). */
#define TRIAL_JSON                                                                                              \
	"json_object('id', t.id, 'created', t.created, 'status', t.status, 'start', t.start, 'pairs', t.pairs, "  \
	"'period_days', t.period_days, 'washout', t.washout, 'outcome', t.outcome, 'seed', t.seed, "             \
	"'order', json(t.orders), 'elemental_mg', t.elemental_mg, 'compound_mg', t.compound_mg, 'form', t.form, " \
	"'baseline_days', t.baseline_days, 'analysis', CASE WHEN t.alpha IS NULL THEN NULL ELSE "               \
	"json_object('alpha', t.alpha, 'min_pairs', t.min_pairs, 'mid', t.mid, 'mid_verified', t.mid_verified) END)"

int mg_db_trial_get(struct mg_db *db, long long id, char **json, struct mg_error *err)
{
	char arg[24];
	snprintf(arg, sizeof arg, "%lld", id);
	return text_query(db,
			  "SELECT " TRIAL_JSON " FROM trial t WHERE t.id = CASE WHEN CAST(?1 AS INTEGER) = 0 THEN "
			  "(SELECT max(id) FROM trial) ELSE CAST(?1 AS INTEGER) END",
			  arg, json, err);
}

int mg_db_trial_latest(struct mg_db *db, char **json, struct mg_error *err)
{
	return mg_db_trial_get(db, 0, json, err);
}

int mg_db_trial_list_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err)
{
	return json_query(db, "SELECT json_group_array(" TRIAL_JSON ") FROM (SELECT * FROM trial ORDER BY id) t", NULL,
			  out, err);
}

int mg_db_trial_event_add(struct mg_db *db, const struct mg_db_trial_event *e, const char *now,
			  struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO trial_event (trial, date, kind, symptoms, stops, note, created) "
			       "SELECT max(id), ?1, ?2, json(?3), ?4, ?5, ?6 FROM trial HAVING max(id) IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "trial event");
	sqlite3_bind_text(st, 1, e->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->symptoms_json, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, e->stops != 0);
	sqlite3_bind_text(st, 5, e->note ? e->note : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "trial event");
	else if (sqlite3_changes(db->sql) != 1)
		r = mg_fail(err, MG_EINVAL, "trial", "trial event: no trial planned");
	sqlite3_finalize(st);
	return r;
}

int mg_db_trial_events_json_for(struct mg_db *db, long long id, struct mg_buf *out, struct mg_error *err)
{
	char arg[24];
	snprintf(arg, sizeof arg, "%lld", id);
	return json_query(db,
			  "SELECT json_group_array(json_object('date', date, 'kind', kind, 'symptoms', json(symptoms), "
			  "'stops', stops, 'note', note, 'created', created)) FROM (SELECT * FROM trial_event "
			  "WHERE trial = CASE WHEN CAST(?1 AS INTEGER) = 0 THEN (SELECT max(id) FROM trial) ELSE "
			  "CAST(?1 AS INTEGER) END ORDER BY date, id)",
			  arg, out, err);
}

int mg_db_trial_events_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err)
{
	return mg_db_trial_events_json_for(db, 0, out, err);
}

/* The export's first members: format, schema version, profile, nights
 * (unless with_nights is 0) and questionnaires, without the closing brace. */
static int export_head(struct mg_db *db, struct mg_buf *out, int with_nights, struct mg_error *err)
{
	int r;
	char *profile = NULL;
	mg_buf_printf(out, "{\"format\":\"mgsleep-export\",\"schema_version\":%d,\"profile\":", MG_N_MIGRATIONS);
	if ((r = mg_db_profile_get(db, &profile, err)))
		return r;
	mg_buf_puts(out, profile ? profile : "null");
	free(profile);
	if (with_nights)
		mg_buf_puts(out, ",\"nights\":");
	if (with_nights && (r = json_query(db,
			    "SELECT json_group_array(json_object('date', date, 'entry', json(entry), 'tib', tib, "
			    "'sol', sol, 'waso', waso, 'tst', tst, 'se', se, 'terminal_wake', terminal_wake, "
			    "'mg_elemental_mg', mg_elemental_mg, 'created', created, 'updated', updated)) "
			    "FROM (SELECT * FROM nights ORDER BY date)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"questionnaires\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('kind', kind, 'date', date, 'answers', json(answers), "
			    "'result', json(result))) FROM (SELECT * FROM questionnaires ORDER BY kind, date, id)",
			    NULL, out, err)))
		return r;
	return 0;
}

int mg_db_export_profile_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err)
{
	int r = export_head(db, out, 0, err);
	if (r)
		return r;
	mg_buf_puts(out, "}\n");
	return out->failed ? mg_fail(err, MG_ENOMEM, NULL, "out of memory") : 0;
}

int mg_db_export_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err)
{
	int r = export_head(db, out, 1, err);
	if (r)
		return r;
	mg_buf_puts(out, ",\"food_log\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('date', date, 'ndb', ndb, 'description', description, "
			    "'amount', amount, 'grams', grams, 'mg', mg, 'created', created)) "
			    "FROM (SELECT * FROM food_log ORDER BY date, id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"diet_quiz\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('date', date, 'answers', json(answers), 'mg', mg)) "
			    "FROM (SELECT * FROM diet_quiz ORDER BY date, id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"trial\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('id', id, 'created', created, 'status', status, 'start', start, "
			    "'pairs', pairs, 'period_days', period_days, 'washout', washout, 'outcome', outcome, 'seed', seed, "
			    "'order', json(orders), 'elemental_mg', elemental_mg, 'compound_mg', compound_mg, 'form', form, "
			    "'baseline_days', baseline_days, 'analysis', CASE WHEN alpha IS NULL THEN NULL ELSE "
			    "json_object('test', 'randomisation-exact', 'sides', 2, 'alpha', alpha, 'estimate', "
			    "'mean-difference-t95', 'min_pairs', min_pairs, 'mid', mid, 'mid_verified', mid_verified, "
			    "'interim', 'no-claim') END)) FROM (SELECT * FROM trial ORDER BY id)",
			    NULL, out, err)))
		return r;
	/* Events name their trial by its position in the "trial" array (1-based). */
	mg_buf_puts(out, ",\"trial_event\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('trial', (SELECT count(*) FROM trial t WHERE t.id <= e.trial), "
			    "'date', date, 'kind', kind, 'symptoms', json(symptoms), 'stops', stops, 'note', note, "
			    "'created', created)) FROM (SELECT * FROM trial_event ORDER BY trial, date, id) e",
			    NULL, out, err)))
		return r;
	/* Imported device sleep (schema 3): the raw records with their ids, so
	 * a restore keeps every reference; device nights are derived again. */
	mg_buf_puts(out, ",\"import_run\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('id', id, 'at', at, 'files', json(files), "
			    "'report', json(report))) FROM (SELECT * FROM import_run ORDER BY id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"import_source\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('id', id, 'name', name, 'kind', kind)) "
			    "FROM (SELECT * FROM import_source ORDER BY id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"import_device\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('id', id, 'text', text)) "
			    "FROM (SELECT * FROM import_device ORDER BY id)",
			    NULL, out, err)))
		return r;
	/* Intervals are many (a decade of a watch is ~200,000): one compact
	 * array each, columns as in docs/data-formats.md. */
	mg_buf_puts(out, ",\"sleep_interval_columns\":[\"source\",\"device\",\"stage\",\"start\",\"end\","
			 "\"start_offset\",\"end_offset\",\"tz\",\"note\",\"run\"],\"sleep_interval\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_array(source, device, stage, start, end, start_offset, "
			    "end_offset, tz, note, run)) FROM (SELECT * FROM sleep_interval ORDER BY source, start, stage, end)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"sleep_period\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('source', source, 'device', device, 'start', start, "
			    "'end', end, 'start_offset', start_offset, 'end_offset', end_offset, 'tz', tz, 'note', note, "
			    "'nap', nap, 'tst', tst, 'sol', sol, 'awake', awake, 'light', light, 'deep', deep, 'rem', rem, "
			    "'run', run)) FROM (SELECT * FROM sleep_period ORDER BY id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"setting\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('key', key, 'value', value)) "
			    "FROM (SELECT * FROM setting ORDER BY key)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, "}\n");
	return out->failed ? mg_fail(err, MG_ENOMEM, NULL, "out of memory") : 0;
}
