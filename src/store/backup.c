/* Backups and restore. A backup is a copy of the store (sealed stays sealed,
 * same passphrase); a restore reads an export (docs/data-formats.md) into an
 * empty store in one transaction. The restore uses SQLite's JSON functions so
 * entries keep their exact text: export, restore, export gives the same bytes. */
#include "store_internal.h"

#include <mgsleep/night.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int mg_db_backup(struct mg_db *db, const char *path, struct mg_error *err)
{
	if (access(path, F_OK) == 0)
		return mg_fail(err, MG_EEXIST, "backup", "backup: '%s' already exists; choose a new file", path);
	if (mg_db_sealed(db))
		return mg_db_seal_to(db, path, err);
	/* Plain: SQLite's online backup into a new private file. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return mg_fail(err, MG_EIO, "backup", "backup: cannot create '%s'", path);
	close(fd);
	sqlite3 *dst = NULL;
	int r = 0;
	if (sqlite3_open(path, &dst) != SQLITE_OK) {
		r = mg_fail(err, MG_EIO, "backup", "backup: cannot open '%s'", path);
	} else {
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", mg_db_sqlite(db), "main");
		if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE)
			r = mg_fail(err, MG_EIO, "backup", "backup: copy failed: %s", sqlite3_errmsg(dst));
		sqlite3_backup_finish(b);
	}
	sqlite3_close(dst);
	if (r)
		unlink(path);
	return r;
}

static int count(sqlite3 *s, const char *sql, const char *json, long long *n)
{
	sqlite3_stmt *st = NULL;
	int ok = sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK;
	if (ok && json)
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	ok = ok && sqlite3_step(st) == SQLITE_ROW;
	if (ok)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

static int run(struct mg_db *db, const char *sql, const char *json, const char *now, struct mg_error *err,
	       const char *what)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(mg_db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		return mg_db_sql_fail(db, err, what);
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	if (now)
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = mg_fail(err, MG_EINVAL, "backup", "backup: %s: %s", what, sqlite3_errmsg(mg_db_sqlite(db)));
	sqlite3_finalize(st);
	return r;
}

/* 1 if a night's date is not a real calendar date (2026-02-30, 2026-19-39
 * pass the GLOB above): summary and diary parse them with mg_date_parse and
 * rely on it (an impossible date once made summary write out of bounds). */
static int bad_dates(sqlite3 *s, const char *json)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_ERROR, bad = 0;
	if (sqlite3_prepare_v2(s, "SELECT json_extract(value, '$.date') FROM json_each(?1, '$.nights')", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 0);
			int32_t days;
			bad = !d || mg_date_parse(d, &days) != 0;
		}
	}
	sqlite3_finalize(st);
	return bad || rc != SQLITE_DONE;
}

/* Restored device records must be ones an import could have stored: times
 * from 1900 to 9999 and UTC offsets within 18:59 (the parsers' limits,
 * src/import/time.c), zones this system knows. A crafted backup once
 * restored an interval spanning the 64-bit range, which then overflowed when
 * the nights were derived again. */
#define TIME_OK(k) "(json_type(value, '" k "') = 'integer' AND json_extract(value, '" k "') BETWEEN -2208988800 AND 253402300799)"
#define OFFSET_OK(k) "(json_type(value, '" k "') = 'integer' AND json_extract(value, '" k "') BETWEEN -1139 AND 1139)"

static int check_device(sqlite3 *s, const char *json, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	long long n = 0;
	int rc = SQLITE_ERROR, r = 0;
	if (count(s, "SELECT count(*) FROM json_each(?1, '$.sleep_interval') WHERE NOT (" TIME_OK("$[3]") " AND "
		     TIME_OK("$[4]") " AND " OFFSET_OK("$[5]") " AND " OFFSET_OK("$[6]") ")",
		  json, &n) || n)
		return mg_fail(err, MG_EINVAL, "backup",
			       "backup: sleep_interval: times must be from 1900 to 9999 and UTC offsets within 18:59");
	if (count(s, "SELECT count(*) FROM json_each(?1, '$.sleep_period') WHERE NOT (" TIME_OK("$.start") " AND "
		     TIME_OK("$.end") " AND " OFFSET_OK("$.start_offset") " AND " OFFSET_OK("$.end_offset") ")",
		  json, &n) || n)
		return mg_fail(err, MG_EINVAL, "backup",
			       "backup: sleep_period: times must be from 1900 to 9999 and UTC offsets within 18:59");
	if (sqlite3_prepare_v2(s,
			       "SELECT DISTINCT tz FROM (SELECT json_extract(value, '$[7]') AS tz FROM "
			       "json_each(?1, '$.sleep_interval') UNION ALL SELECT json_extract(value, '$.tz') FROM "
			       "json_each(?1, '$.sleep_period')) WHERE tz IS NOT ''",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		while (!r && (rc = sqlite3_step(st)) == SQLITE_ROW)
			if (sqlite3_column_type(st, 0) != SQLITE_TEXT ||
			    mg_tz_check((const char *)sqlite3_column_text(st, 0), NULL))
				r = mg_fail(err, MG_EINVAL, "backup", "backup: a sleep record names a time zone this system does not know");
	}
	sqlite3_finalize(st);
	mg_tz_check("", NULL); /* back to the user's own zone */
	if (!r && rc != SQLITE_DONE)
		r = mg_fail(err, MG_EINVAL, "backup", "backup: sleep records: not readable");
	return r;
}

int mg_db_import_json(struct mg_db *db, const char *json, const char *now, struct mg_error *err)
{
	sqlite3 *s = mg_db_sqlite(db);
	long long n = 0;
	if (count(s, "SELECT (SELECT count(*) FROM nights) + (SELECT count(*) FROM questionnaires) + "
		     "(SELECT count(*) FROM profile) + (SELECT count(*) FROM food_log) + (SELECT count(*) FROM diet_quiz) + "
		     "(SELECT count(*) FROM trial) + (SELECT count(*) FROM trial_event) + "
		     "(SELECT count(*) FROM import_run) + (SELECT count(*) FROM setting)",
		  NULL, &n) || n)
		return mg_fail(err, MG_EEXIST, "backup",
			       "backup: the store is not empty; restore into a new one with --db NEW");
	if (count(s, "SELECT json_valid(?1)", json, &n) || !n)
		return mg_fail(err, MG_EPARSE, "backup", "backup: not valid JSON");
	if (count(s, "SELECT json_extract(?1, '$.format') IS 'mgsleep-export' AND "
		     "json_type(?1, '$.schema_version') = 'integer' AND json_extract(?1, '$.schema_version') BETWEEN 1 AND "
		     "(SELECT user_version FROM pragma_user_version)",
		  json, &n) || !n)
		return mg_fail(err, MG_EINVAL, "backup",
			       "backup: not an mgsleep export of a schema this version knows (format, schema_version)");
	if (count(s, "SELECT count(*) FROM json_each(?1, '$.nights') WHERE json_type(value, '$.entry') IS NOT 'object' "
		     "OR json_extract(value, '$.date') NOT GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'",
		  json, &n) || n || bad_dates(s, json))
		return mg_fail(err, MG_EINVAL, "backup", "backup: nights: every night needs a date YYYY-MM-DD and an entry");
	int r = check_device(s, json, err);
	if (!r)
		r = run(db,
			"INSERT INTO profile (id, json, updated) SELECT 1, json_extract(?1, '$.profile'), ?2 "
			"WHERE json_type(?1, '$.profile') = 'object'",
			json, now, err, "profile");
	if (!r)
		r = run(db,
			"INSERT INTO nights (date, entry, tib, sol, waso, tst, se, terminal_wake, mg_elemental_mg, "
			"created, updated) SELECT json_extract(value, '$.date'), json_extract(value, '$.entry'), "
			"json_extract(value, '$.tib'), json_extract(value, '$.sol'), json_extract(value, '$.waso'), "
			"json_extract(value, '$.tst'), json_extract(value, '$.se'), json_extract(value, '$.terminal_wake'), "
			"json_extract(value, '$.mg_elemental_mg'), json_extract(value, '$.created'), "
			"json_extract(value, '$.updated') FROM json_each(?1, '$.nights')",
			json, NULL, err, "nights");
	if (!r)
		r = run(db,
			"INSERT INTO questionnaires (kind, date, answers, result) SELECT json_extract(value, '$.kind'), "
			"json_extract(value, '$.date'), json(json_extract(value, '$.answers')), "
			"json(json_extract(value, '$.result')) FROM json_each(?1, '$.questionnaires')",
			json, NULL, err, "questionnaires");
	/* Schema 1 exports have no food log; json_each of a missing path is empty. */
	if (!r)
		r = run(db,
			"INSERT INTO food_log (date, ndb, description, amount, grams, mg, created) SELECT "
			"json_extract(value, '$.date'), json_extract(value, '$.ndb'), json_extract(value, '$.description'), "
			"json_extract(value, '$.amount'), json_extract(value, '$.grams'), json_extract(value, '$.mg'), "
			"json_extract(value, '$.created') FROM json_each(?1, '$.food_log')",
			json, NULL, err, "food_log");
	if (!r)
		r = run(db,
			"INSERT INTO diet_quiz (date, answers, mg) SELECT json_extract(value, '$.date'), "
			"json(json_extract(value, '$.answers')), json_extract(value, '$.mg') "
			"FROM json_each(?1, '$.diet_quiz')",
			json, NULL, err, "diet_quiz");
	/* Exports made before trials existed have no "trial" array. */
	if (!r)
		r = run(db,
			"INSERT INTO trial (id, created, start, pairs, period_days, washout, outcome, seed, orders, "
			"elemental_mg, compound_mg, form, baseline_days, status, alpha, min_pairs, mid, mid_verified) "
			"SELECT json_extract(value, '$.id'), json_extract(value, '$.created'), "
			"json_extract(value, '$.start'), json_extract(value, '$.pairs'), json_extract(value, '$.period_days'), "
			"json_extract(value, '$.washout'), json_extract(value, '$.outcome'), json_extract(value, '$.seed'), "
			"json(json_extract(value, '$.order')), json_extract(value, '$.elemental_mg'), "
			"json_extract(value, '$.compound_mg'), json_extract(value, '$.form'), "
			"coalesce(json_extract(value, '$.baseline_days'), 0), "
			/* schema 3 and older: the last trial is the current one, the rest were replaced */
			"coalesce(json_extract(value, '$.status'), CASE WHEN key = json_array_length(?1, '$.trial') - 1 "
			"THEN 'planned' ELSE 'replaced' END), json_extract(value, '$.analysis.alpha'), "
			"json_extract(value, '$.analysis.min_pairs'), json_extract(value, '$.analysis.mid'), "
			"json_extract(value, '$.analysis.mid_verified') FROM json_each(?1, '$.trial')",
			json, NULL, err, "trial");
	if (!r)
		r = run(db,
			"INSERT INTO trial_event (trial, date, kind, symptoms, stops, note, created) SELECT "
			"(SELECT t.id FROM trial t WHERE (SELECT count(*) FROM trial t2 WHERE t2.id <= t.id) = "
			"json_extract(value, '$.trial')), "
			"json_extract(value, '$.date'), json_extract(value, '$.kind'), "
			"json(json_extract(value, '$.symptoms')), json_extract(value, '$.stops'), "
			"json_extract(value, '$.note'), json_extract(value, '$.created') FROM json_each(?1, '$.trial_event')",
			json, NULL, err, "trial_event");
	/* Device imports (schema 3) keep their ids: intervals name their source,
	 * device and run by id. Older exports have none of these arrays. */
	if (!r)
		r = run(db,
			"INSERT INTO import_run (id, at, files, report) SELECT json_extract(value, '$.id'), "
			"json_extract(value, '$.at'), json(json_extract(value, '$.files')), "
			"json(json_extract(value, '$.report')) FROM json_each(?1, '$.import_run')",
			json, NULL, err, "import_run");
	if (!r)
		r = run(db,
			"INSERT INTO import_source (id, name, kind) SELECT json_extract(value, '$.id'), "
			"json_extract(value, '$.name'), json_extract(value, '$.kind') FROM json_each(?1, '$.import_source')",
			json, NULL, err, "import_source");
	if (!r)
		r = run(db,
			"INSERT INTO import_device (id, text) SELECT json_extract(value, '$.id'), "
			"json_extract(value, '$.text') FROM json_each(?1, '$.import_device')",
			json, NULL, err, "import_device");
	if (!r)
		r = run(db,
			"INSERT INTO sleep_interval (source, device, stage, start, end, start_offset, end_offset, tz, note, "
			"run) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
			"json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), "
			"json_extract(value, '$[6]'), json_extract(value, '$[7]'), json_extract(value, '$[8]'), "
			"json_extract(value, '$[9]') FROM json_each(?1, '$.sleep_interval')",
			json, NULL, err, "sleep_interval");
	if (!r)
		r = run(db,
			"INSERT INTO sleep_period (source, device, start, end, start_offset, end_offset, tz, note, nap, tst, "
			"sol, awake, light, deep, rem, run) SELECT json_extract(value, '$.source'), "
			"json_extract(value, '$.device'), json_extract(value, '$.start'), json_extract(value, '$.end'), "
			"json_extract(value, '$.start_offset'), json_extract(value, '$.end_offset'), "
			"json_extract(value, '$.tz'), json_extract(value, '$.note'), json_extract(value, '$.nap'), "
			"json_extract(value, '$.tst'), json_extract(value, '$.sol'), json_extract(value, '$.awake'), "
			"json_extract(value, '$.light'), json_extract(value, '$.deep'), json_extract(value, '$.rem'), "
			"json_extract(value, '$.run') FROM json_each(?1, '$.sleep_period')",
			json, NULL, err, "sleep_period");
	if (!r)
		r = run(db,
			"INSERT INTO setting (key, value) SELECT json_extract(value, '$.key'), json_extract(value, '$.value') "
			"FROM json_each(?1, '$.setting')",
			json, NULL, err, "setting");
	if (!r)
		r = mg_db_device_nights_rebuild(db, NULL, err);
	return r;
}

int mg_db_restore_new(const char *path, const char *passphrase, const char *json, const char *now,
		      struct mg_error *err)
{
	struct mg_db *db = NULL;
	int r = mg_db_open_unpublished(&db, path, passphrase, err);
	if (!r && !(r = mg_db_begin(db, err)) && !(r = mg_db_import_json(db, json, now, err)) &&
	    !(r = mg_db_commit(db, err)))
		return mg_db_publish(db, err);
	mg_db_close(db); /* removes the half-built store, nothing else */
	return r;
}
