/* The store: migrations, profile round trip, sealed files (wrong passphrase,
 * tampering, re-key), atomic replacement and deterministic export. */
#include "../tap.h"

#include <mgsleep/profile.h>
#include <mgsleep/store.h>

#include "../../src/store/schema.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static char *path(const char *name)
{
	static char p[4][128];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static char *slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	if (!f)
		return NULL;
	char *b = malloc(1 << 20);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

struct rows_seen {
	int n;
	char text[512];
};

static int rows_cb(void *ctx, const struct mg_db_night_row *r)
{
	struct rows_seen *s = ctx;
	size_t len = strlen(s->text);
	snprintf(s->text + len, sizeof s->text - len, "%s %.*s %d %d %d %d %.10g|", r->date, (int)r->entry_len, r->entry,
		 r->tib, r->tst, r->sol, r->waso, r->se_pct);
	s->n++;
	return 0;
}

static int device_rows_cb(void *ctx, const struct mg_db_device_night_row *r)
{
	struct rows_seen *s = ctx;
	size_t len = strlen(s->text);
	snprintf(s->text + len, sizeof s->text - len, "%s %s %d %d %d %d %d %d|", r->date, r->source, r->main, r->chosen,
		 r->tib, r->tst, r->sol, r->waso);
	s->n++;
	return 0;
}

int main(void)
{
	struct mg_db *db = NULL;
	struct mg_error err = {0};
	char *json = NULL;
	snprintf(dir, sizeof dir, "/tmp/mgsleep-store-XXXXXX");
	if (!mkdtemp(dir))
		return 1;

	/* Plain store: created with mode 0600, migrated from version 0. */
	ok(mg_db_open(&db, path("a/b/plain.db"), NULL, 0, &err) != 0, "opening a missing store without CREATE fails");
	ok(mg_db_open(&db, path("a/b/plain.db"), NULL, MG_DB_CREATE, &err) == 0, "create plain store (%s)", err.msg);
	ok(mg_db_schema_version_at_open(db) == 0, "a new store starts at schema 0 and is migrated");
	struct stat st;
	ok(stat(path("a/b/plain.db"), &st) == 0 && (st.st_mode & 077) == 0, "store file is private (mode 0600)");
	ok(mg_db_profile_get(db, &json, &err) == 0 && json == NULL, "no profile in a new store");
	ok(mg_db_begin(db, &err) == 0 && mg_db_profile_put(db, "{\"age\":52}", "2026-11-23T00:00:00Z", &err) == 0 &&
		   mg_db_commit(db, &err) == 0,
	   "profile written in a transaction");
	mg_db_begin(db, &err);
	mg_db_profile_put(db, "{\"age\":99}", "2026-11-23T00:00:01Z", &err);
	mg_db_rollback(db);
	ok(mg_db_profile_get(db, &json, &err) == 0 && json && !strcmp(json, "{\"age\":52}"),
	   "a rolled-back write leaves the stored profile as it was");
	free(json);
	json = NULL;
	ok(mg_db_begin(db, &err) == 0 &&
		   mg_db_questionnaire_add(db, "isi", "2026-11-20", "[1,1,1,1,1,1,1]", "{\"total\":7}", &err) == 0 &&
		   mg_db_questionnaire_add(db, "isi", "2026-11-22", "[3,3,2,2,2,2,2]", "{\"total\":16}", &err) == 0 &&
		   mg_db_commit(db, &err) == 0,
	   "questionnaire results stored");
	double isi = 0;
	ok(mg_db_latest_isi(db, &isi, &err) == 0 && isi == 16, "latest ISI is the most recent (16)");
	mg_db_close(db);
	db = NULL;
	ok(mg_db_open(&db, path("a/b/plain.db"), NULL, 0, &err) == 0 && mg_db_schema_version_at_open(db) == MG_DB_SCHEMA_VERSION,
	   "reopened store is at schema %d, nothing to migrate", MG_DB_SCHEMA_VERSION);
	struct mg_buf e1 = MG_BUF_INIT, e2 = MG_BUF_INIT;
	ok(mg_db_export_json(db, &e1, &err) == 0 && strstr(e1.data, "\"schema_version\":4") &&
		   strstr(e1.data, "\"profile\":{\"age\":52}"),
	   "export holds the schema version and the profile");
	mg_db_export_json(db, &e2, &err);
	ok(e1.len == e2.len && !memcmp(e1.data, e2.data, e1.len), "export is deterministic");
	/* the profile part: the full export's bytes without its nights, cut after its questionnaires */
	struct mg_buf e3 = MG_BUF_INIT, want = MG_BUF_INIT;
	const char *nights = strstr(e1.data, ",\"nights\":"), *qs = strstr(e1.data, ",\"questionnaires\":"),
		   *food = strstr(e1.data, ",\"food_log\":");
	if (nights && qs && food) {
		mg_buf_add(&want, e1.data, (size_t)(nights - e1.data));
		mg_buf_add(&want, qs, (size_t)(food - qs));
		mg_buf_puts(&want, "}\n");
	}
	ok(mg_db_export_profile_json(db, &e3, &err) == 0 && want.len && e3.len == want.len &&
		   !memcmp(e3.data, want.data, e3.len) && strstr(e3.data, "\"questionnaires\":[{\"kind\":\"isi\""),
	   "the profile export is the full export without nights, cut after its questionnaires");
	mg_buf_release(&want);
	mg_buf_release(&e1);
	mg_buf_release(&e2);
	mg_buf_release(&e3);
	mg_db_close(db);
	db = NULL;

	/* Migration from every earlier version: a schema-1 store, made with the
	 * schema-1 SQL exactly as released, is migrated on open and keeps its data. */
	{
		sqlite3 *s1;
		sqlite3_open(path("v1.db"), &s1);
		sqlite3_exec(s1,
			     "CREATE TABLE profile (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, updated TEXT NOT NULL) STRICT;"
			     "CREATE TABLE nights (date TEXT PRIMARY KEY, entry TEXT NOT NULL, tib INTEGER, sol INTEGER, waso INTEGER,"
			     " tst INTEGER, se REAL, terminal_wake INTEGER, mg_elemental_mg REAL, created TEXT NOT NULL, updated TEXT NOT NULL) STRICT;"
			     "CREATE TABLE questionnaires (id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('isi', 'psqi')),"
			     " date TEXT NOT NULL, answers TEXT NOT NULL, result TEXT NOT NULL) STRICT;"
			     "CREATE INDEX questionnaires_kind_date ON questionnaires(kind, date);"
			     "CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, tbl TEXT NOT NULL,"
			     " key TEXT NOT NULL, old TEXT NOT NULL) STRICT;"
			     "INSERT INTO profile VALUES (1, '{\"age\":61}', 't');"
			     "PRAGMA user_version = 1;",
			     NULL, NULL, NULL);
		sqlite3_close(s1);
		ok(mg_db_open(&db, path("v1.db"), NULL, 0, &err) == 0 && mg_db_schema_version_at_open(db) == 1,
		   "a schema-1 store opens and is migrated (%s)", err.msg);
		ok(db && mg_db_profile_get(db, &json, &err) == 0 && json && !strcmp(json, "{\"age\":61}"),
		   "its data survives the migration");
		free(json);
		json = NULL;
		struct mg_db_food f = {"2026-11-23", "12061", "Nuts, almonds", "1 oz", 28.35, 76.5};
		ok(db && mg_db_begin(db, &err) == 0 && mg_db_food_add(db, &f, "t", &err) == 0 && mg_db_commit(db, &err) == 0,
		   "the schema-2 food log is there after migrating");
		double mean;
		int days;
		ok(db && mg_db_food_daily_mean(db, &mean, &days, &err) == 0 && days == 1 && mean == 76.5,
		   "food daily mean over logged days");
		/* Deleting: an unknown id is MG_EINVAL naming "id", the row stays;
		 * the known id (1, the only row) goes, to the audit table. */
		memset(&err, 0, sizeof err);
		ok(db && mg_db_begin(db, &err) == 0 && mg_db_food_delete(db, 2, "t", &err) == MG_EINVAL &&
			   !strcmp(err.field, "id") && (mg_db_rollback(db), 1) &&
			   mg_db_food_daily_mean(db, &mean, &days, &err) == 0 && days == 1,
		   "food delete of an unknown id: MG_EINVAL (id), the row stays");
		memset(&err, 0, sizeof err);
		ok(db && mg_db_begin(db, &err) == 0 && mg_db_food_delete(db, 1, "t", &err) == 0 && mg_db_commit(db, &err) == 0 &&
			   mg_db_food_daily_mean(db, &mean, &days, &err) == 0 && days == 0 && isnan(mean),
		   "food delete of id 1: the log is empty (%s)", err.msg);
		mg_db_close(db);
		db = NULL;
		ok(mg_db_open(&db, path("v1.db"), NULL, 0, &err) == 0 && mg_db_schema_version_at_open(db) == MG_DB_SCHEMA_VERSION,
		   "reopened at schema %d", MG_DB_SCHEMA_VERSION);
		mg_db_close(db);
		db = NULL;
	}

	/* Schema 3 -> 4 (issue 11): a schema-3 store (the released migrations
	 * 0-2, never edited) with two trials, the first replaced silently by
	 * the second as schema 3 did, and an event of each. Both trials and
	 * their events stay readable; the older one is 'replaced', the latest
	 * 'planned'; neither has a stored analysis. */
	{
		sqlite3 *s3;
		sqlite3_open(path("v3.db"), &s3);
		for (int i = 0; i < 3; i++)
			sqlite3_exec(s3, mg_migrations[i], NULL, NULL, NULL);
		int rc = sqlite3_exec(
			s3,
			"INSERT INTO trial (created, start, pairs, period_days, washout, outcome, seed, orders, elemental_mg, "
			"compound_mg, form) VALUES ('c1', '2026-01-05', 2, 6, 1, 'sol', '7', '[\"mg\",\"off\",\"off\",\"mg\"]', "
			"250, 1774, 'bisglycinate'), ('c2', '2026-03-01', 1, 6, 1, 'tst', '8', '[\"off\",\"mg\"]', 250, 1774, "
			"'bisglycinate');"
			"INSERT INTO trial_event (trial, date, kind, symptoms, stops, note, created) VALUES "
			"(1, '2026-01-13', 'event', '[\"diarrhoea\"]', 1, 'first', 'c'), (2, '2026-03-03', 'event', '[]', 0, 'second', 'c');"
			"PRAGMA user_version = 3;",
			NULL, NULL, NULL);
		sqlite3_close(s3);
		ok(rc == SQLITE_OK && mg_db_open(&db, path("v3.db"), NULL, 0, &err) == 0 &&
			   mg_db_schema_version_at_open(db) == 3,
		   "a schema-3 store with two trials opens and is migrated (%s)", err.msg);
		char *t1 = NULL, *t2 = NULL, *cur = NULL;
		ok(db && mg_db_trial_get(db, 1, &t1, &err) == 0 && t1 &&
			   strstr(t1, "\"status\":\"replaced\"") && strstr(t1, "\"start\":\"2026-01-05\"") &&
			   strstr(t1, "\"analysis\":null"),
		   "trial 1 is kept, marked replaced, with no stored analysis (%s)", err.msg);
		ok(db && mg_db_trial_get(db, 2, &t2, &err) == 0 && t2 && strstr(t2, "\"status\":\"planned\"") &&
			   mg_db_trial_latest(db, &cur, &err) == 0 && cur && !strcmp(cur, t2),
		   "trial 2 is the current one (planned)");
		struct mg_buf e = MG_BUF_INIT;
		ok(db && mg_db_trial_events_json_for(db, 1, &e, &err) == 0 && e.data && strstr(e.data, "\"note\":\"first\"") &&
			   !strstr(e.data, "second"),
		   "trial 1 keeps its own event");
		mg_buf_reset(&e);
		ok(db && mg_db_trial_list_json(db, &e, &err) == 0 && e.data && strstr(e.data, "\"id\":1") &&
			   strstr(e.data, "\"id\":2"),
		   "both trials are listed");
		mg_buf_reset(&e);
		memset(&err, 0, sizeof err);
		ok(db && mg_db_trial_retire(db, 1, "finished", &err) == MG_EINVAL,
		   "a replaced trial cannot be retired again (MG_EINVAL)");
		memset(&err, 0, sizeof err);
		struct mg_db_trial nt = {"2026-05-01", 1, 6, 1, "sol", "9", "[\"mg\",\"off\"]", 250, 1774, "bisglycinate",
					 0, 0.05, 3, 20, 0};
		ok(db && mg_db_begin(db, &err) == 0 && mg_db_trial_retire(db, 2, "finished", &err) == 0 &&
			   mg_db_trial_add(db, &nt, "c3", &err) == 0 && mg_db_commit(db, &err) == 0,
		   "retire trial 2 as finished and add trial 3 in one transaction (%s)", err.msg);
		ok(db && mg_db_export_json(db, &e, &err) == 0 && e.data &&
			   strstr(e.data, "{\"id\":1,\"created\":\"c1\",\"status\":\"replaced\"") &&
			   strstr(e.data, "{\"id\":2,\"created\":\"c2\",\"status\":\"finished\"") &&
			   strstr(e.data, "{\"id\":3,\"created\":\"c3\",\"status\":\"planned\"") &&
			   strstr(e.data, "\"analysis\":{\"test\":\"randomisation-exact\",\"sides\":2,\"alpha\":0.05,"
					  "\"estimate\":\"mean-difference-t95\",\"min_pairs\":3,\"mid\":20.0,\"mid_verified\":0,"
					  "\"interim\":\"no-claim\"}"),
		   "the export holds every trial with its status and the stored analysis");
		free(t1);
		free(t2);
		free(cur);
		mg_buf_release(&e);
		mg_db_close(db);
		db = NULL;
	}

	/* A store made by a newer version is refused, not damaged. */
	{
		sqlite3 *s;
		sqlite3_open(path("future.db"), &s);
		sqlite3_exec(s, "PRAGMA user_version = 99", NULL, NULL, NULL);
		sqlite3_close(s);
		ok(mg_db_open(&db, path("future.db"), NULL, 0, &err) == MG_EINVAL && strstr(err.msg, "newer"),
		   "a store with a newer schema is refused: %s", err.msg);
	}
	/* A file that is not a store at all. */
	{
		FILE *f = fopen(path("junk.db"), "w");
		fputs("this is not a database, just text that is long enough to not be empty\n", f);
		fclose(f);
		ok(mg_db_open(&db, path("junk.db"), NULL, 0, &err) != 0, "a non-database file is refused: %s", err.msg);
	}

	/* Sealed store. */
	char sp[128];
	snprintf(sp, sizeof sp, "%s", path("sealed.db"));
	ok(mg_db_open(&db, sp, "correct horse", MG_DB_CREATE | MG_DB_SEAL, &err) == 0, "create sealed store (%s)",
	   err.msg);
	ok(db && mg_db_sealed(db), "store reports sealed");
	mg_db_begin(db, &err);
	mg_db_profile_put(db, "{\"age\":40,\"conditions\":[\"diabetes\"]}", "t", &err);
	ok(mg_db_commit(db, &err) == 0, "commit re-seals (%s)", err.msg);
	mg_db_close(db);
	db = NULL;
	size_t n1, n2;
	char *raw = slurp(sp, &n1);
	ok(raw && n1 > 8 && !memcmp(raw, "MGSEALED", 8), "sealed file starts with its magic");
	int plain_visible = 0;
	for (size_t i = 0; raw && i + 8 < n1; i++)
		plain_visible |= !memcmp(raw + i, "diabetes", 8) || !memcmp(raw + i, "SQLite f", 8);
	ok(!plain_visible, "no plaintext (health data or SQLite header) in the sealed file");
	ok(mg_db_is_sealed(sp, &err) == 1 && mg_db_is_sealed(path("a/b/plain.db"), &err) == 0,
	   "mg_db_is_sealed tells sealed from plain");

	ok(mg_db_open(&db, sp, "wrong", 0, &err) == MG_EINVAL && strstr(err.msg, "wrong passphrase"),
	   "wrong passphrase is a clear error");
	char *after = slurp(sp, &n2);
	ok(after && n1 == n2 && !memcmp(raw, after, n1), "a wrong passphrase changes nothing on disk");
	free(after);
	ok(mg_db_open(&db, sp, NULL, 0, &err) == MG_EINVAL, "a sealed store needs a passphrase");

	ok(mg_db_open(&db, sp, "correct horse", 0, &err) == 0, "right passphrase opens it");
	ok(db && mg_db_profile_get(db, &json, &err) == 0 && json && strstr(json, "diabetes"), "data survives sealing");
	free(json);
	json = NULL;
	ok(db && mg_db_rekey(db, "new passphrase", &err) == 0, "re-key (%s)", err.msg);
	mg_db_close(db);
	db = NULL;
	ok(mg_db_open(&db, sp, "correct horse", 0, &err) != 0, "old passphrase no longer opens it");
	ok(mg_db_open(&db, sp, "new passphrase", 0, &err) == 0, "new passphrase opens it");
	mg_db_close(db);
	db = NULL;

	/* Tampering: flip one byte of the ciphertext, then one of the header. */
	free(raw);
	raw = slurp(sp, &n1);
	for (int which = 0; which < 2; which++) {
		char *t = malloc(n1);
		memcpy(t, raw, n1);
		t[which ? 20 : (long)n1 - 100] ^= 1;
		FILE *f = fopen(path("tampered.db"), "wb");
		fwrite(t, 1, n1, f);
		fclose(f);
		free(t);
		ok(mg_db_open(&db, path("tampered.db"), "new passphrase", 0, &err) != 0,
		   "tampered %s is detected: %s", which ? "header" : "ciphertext", err.msg);
	}
	/* Truncated file. */
	{
		FILE *f = fopen(path("trunc.db"), "wb");
		fwrite(raw, 1, 40, f);
		fclose(f);
		ok(mg_db_open(&db, path("trunc.db"), "new passphrase", 0, &err) != 0, "truncated sealed file is refused");
	}
	free(raw);
	/* No temporary files are left behind by sealing. */
	ok(access(path("sealed.db.tmp"), F_OK) != 0, "no temporary file left");
	ok(mg_db_open(&db, sp, "x", MG_DB_CREATE | MG_DB_SEAL, &err) != 0, "init over an existing store is refused");

	/* Issue 12: a store that never silently resets or races. */
	{
		/* A sealed store cut to 0 or 1 byte is not "no store yet". */
		for (int len = 0; len <= 1; len++) {
			char *cut = path(len ? "cut1.db" : "cut0.db");
			FILE *f = fopen(cut, "wb");
			fwrite("M", 1, (size_t)len, f);
			fclose(f);
			ok(mg_db_open(&db, cut, NULL, MG_DB_CREATE, &err) == MG_EINVAL && strstr(err.msg, "not an mgsleep store"),
			   "a store file of %d byte(s) is refused, not taken for a new store: %s", len, err.msg);
			struct stat cs;
			ok(stat(cut, &cs) == 0 && cs.st_size == len, "... and left at %d byte(s)", len);
		}
		ok(mg_db_open(&db, dir, NULL, MG_DB_CREATE, &err) == MG_EINVAL, "a folder is not a store");
		/* Creation: never unencrypted when a passphrase is set, never where a .lock shows a sealed store. */
		ok(mg_db_open(&db, path("pp.db"), "secret", MG_DB_CREATE, &err) == MG_EINVAL && access(path("pp.db"), F_OK),
		   "with a passphrase set, no plain store is created: %s", err.msg);
		FILE *lf = fopen(path("gone.db.lock"), "w");
		fclose(lf);
		ok(mg_db_open(&db, path("gone.db"), NULL, MG_DB_CREATE, &err) == MG_EINVAL && access(path("gone.db"), F_OK),
		   "a missing store whose .lock remains is not recreated plain: %s", err.msg);
		ok(mg_db_open(&db, path("new.db"), NULL, MG_DB_CREATE | MG_DB_NEW, &err) == 0, "MG_DB_NEW creates a store");
		mg_db_close(db);
		db = NULL;
		ok(mg_db_open(&db, path("new.db"), NULL, MG_DB_CREATE | MG_DB_NEW, &err) == MG_EEXIST,
		   "MG_DB_NEW on an existing store is MG_EEXIST");

		/* Restore into a new path: refused over a file; a failed one leaves nothing. */
		const char *exp = "{\"format\":\"mgsleep-export\",\"schema_version\":1,\"profile\":{\"age\":33}}";
		ok(mg_db_restore_new(path("new.db"), NULL, exp, "t", &err) == MG_EEXIST, "restore_new never replaces a store");
		char rtmp[160];
		snprintf(rtmp, sizeof rtmp, "%s.tmp.%ld", path("r.db"), (long)getpid());
		ok(mg_db_restore_new(path("r.db"), NULL, "{\"format\":\"x\"}", "t", &err) != 0 && access(path("r.db"), F_OK) &&
			   access(rtmp, F_OK),
		   "a failed restore_new leaves nothing behind, not even its temporary file");
		ok(mg_db_restore_new(path("r.db"), NULL, exp, "t", &err) == 0 && mg_db_open(&db, path("r.db"), NULL, 0, &err) == 0 &&
			   mg_db_profile_get(db, &json, &err) == 0 && json && !strcmp(json, "{\"age\":33}"),
		   "restore_new puts a complete store in place");
		free(json);
		json = NULL;
		mg_db_close(db);
		db = NULL;

		/* A sealed store through a symlink: the target is replaced, the link stays a link. */
		char *tgt = path("target.db"), *lnk = path("link.db");
		ok(mg_db_open(&db, tgt, "pw", MG_DB_CREATE | MG_DB_SEAL, &err) == 0, "sealed target created");
		mg_db_close(db);
		db = NULL;
		ok(symlink("target.db", lnk) == 0, "symlink to it");
		ok(mg_db_open(&db, lnk, "pw", 0, &err) == 0 && mg_db_begin(db, &err) == 0 &&
			   mg_db_profile_put(db, "{\"age\":71}", "t", &err) == 0 && mg_db_commit(db, &err) == 0,
		   "a write through the link (%s)", err.msg);
		mg_db_close(db);
		db = NULL;
		struct stat ls;
		ok(lstat(lnk, &ls) == 0 && S_ISLNK(ls.st_mode), "the link is still a link after the re-seal");
		ok(mg_db_open(&db, tgt, "pw", 0, &err) == 0 && mg_db_profile_get(db, &json, &err) == 0 && json &&
			   !strcmp(json, "{\"age\":71}"),
		   "the target holds the write");
		free(json);
		json = NULL;
		/* A link planted at the temporary name is not followed. */
		char planted[160], victim[160];
		snprintf(planted, sizeof planted, "%s.tmp.%ld", tgt, (long)getpid());
		snprintf(victim, sizeof victim, "%s", path("victim.txt"));
		FILE *vf = fopen(victim, "w");
		fputs("untouched\n", vf);
		fclose(vf);
		ok(symlink(victim, planted) == 0, "a link planted at PATH.tmp.PID");
		ok(mg_db_begin(db, &err) == 0 && mg_db_profile_put(db, "{\"age\":72}", "t", &err) == 0 &&
			   mg_db_commit(db, &err) == 0,
		   "the next seal still succeeds (%s)", err.msg);
		mg_db_close(db);
		db = NULL;
		size_t vn;
		char *vtext = slurp(victim, &vn);
		ok(vtext && vn == 10 && !memcmp(vtext, "untouched\n", 10), "the link's target is untouched");
		free(vtext);
		ok(lstat(planted, &ls) != 0 && mg_db_is_sealed(tgt, &err) == 1, "the store is sealed, no temporary name left");

		/* Key-derivation limits are bounded before the (slow) derivation. */
		size_t sn;
		char *sealed = slurp(tgt, &sn);
		unsigned long long gib = 1ull << 30;
		for (int i = 0; i < 8; i++)
			sealed[20 + i] = (char)(gib >> (8 * i)); /* memlimit, little-endian at byte 20 */
		FILE *tf = fopen(path("kdf.db"), "wb");
		fwrite(sealed, 1, sn, tf);
		fclose(tf);
		free(sealed);
		ok(mg_db_open(&db, path("kdf.db"), "pw", 0, &err) == MG_EINVAL && strstr(err.msg, "out of range"),
		   "a header asking 1 GiB for key derivation is refused before deriving: %s", err.msg);

		/* Two first opens of an old store at once: one migrates, the other
		 * finds it done (the version is read inside BEGIN IMMEDIATE). */
		int failures = 0;
		for (int round = 0; round < 8; round++) {
			char *old = path("race.db");
			unlink(old);
			sqlite3 *s1;
			sqlite3_open(old, &s1);
			sqlite3_exec(s1,
				     "PRAGMA journal_mode = WAL;"
				     "CREATE TABLE profile (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, updated TEXT NOT NULL) STRICT;"
				     "CREATE TABLE nights (date TEXT PRIMARY KEY, entry TEXT NOT NULL, tib INTEGER, sol INTEGER, waso INTEGER,"
				     " tst INTEGER, se REAL, terminal_wake INTEGER, mg_elemental_mg REAL, created TEXT NOT NULL, updated TEXT NOT NULL) STRICT;"
				     "CREATE TABLE questionnaires (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, date TEXT NOT NULL,"
				     " answers TEXT NOT NULL, result TEXT NOT NULL) STRICT;"
				     "CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, tbl TEXT NOT NULL,"
				     " key TEXT NOT NULL, old TEXT NOT NULL) STRICT;"
				     "PRAGMA user_version = 1;",
				     NULL, NULL, NULL);
			sqlite3_close(s1);
			pid_t kids[2];
			fflush(stdout); /* a child must not inherit unwritten TAP lines */
			for (int k = 0; k < 2; k++)
				if ((kids[k] = fork()) == 0) {
					struct mg_db *d = NULL;
					struct mg_error e = {0};
					int r = mg_db_open(&d, old, NULL, 0, &e);
					mg_db_close(d);
					_exit(r ? 1 : 0);
				}
			for (int k = 0; k < 2; k++) {
				int ws = 0;
				waitpid(kids[k], &ws, 0);
				failures += !WIFEXITED(ws) || WEXITSTATUS(ws);
			}
		}
		ok(failures == 0, "two processes opening a schema-1 store at once both succeed, 8 rounds (%d failed)", failures);
	}

	/* mg_db_night_rows_each: the rows of mg_db_nights_json, typed. Three
	 * nights put out of order; se 88.94 is listed to 0.1 as 88.9. */
	{
		static const char *dates[] = {"2026-03-02", "2026-03-01", "2026-03-03"};
		ok(mg_db_open(&db, path("rows.db"), NULL, MG_DB_CREATE, &err) == 0, "store for the night rows");
		for (int k = 0; k < 3; k++) {
			char entry[64];
			snprintf(entry, sizeof entry, "{\"date\":\"%s\",\"quality\":%d}", dates[k], k + 1);
			struct mg_db_night n = {dates[k], entry, 480 + k, 10 + k, 20 + k, 450 - k, 5, 88.94, NAN};
			mg_db_begin(db, &err);
			mg_db_night_put(db, &n, 0, "2026-03-04T08:00:00Z", &err);
			mg_db_commit(db, &err);
		}
		struct rows_seen seen = {0};
		ok(mg_db_night_rows_each(db, "2026-03-02", NULL, rows_cb, &seen, &err) == 0 && seen.n == 2 &&
			   !strcmp(seen.text, "2026-03-02 {\"date\":\"2026-03-02\",\"quality\":1} 480 450 10 20 88.9|"
					       "2026-03-03 {\"date\":\"2026-03-03\",\"quality\":3} 482 448 12 22 88.9|"),
		   "night rows from a date: in date order, entry as stored, metrics, se to 0.1 (%s)", seen.text);
		seen = (struct rows_seen){0};
		ok(mg_db_night_rows_each(db, NULL, "2026-03-01", rows_cb, &seen, &err) == 0 && seen.n == 1 &&
			   !strncmp(seen.text, "2026-03-01 ", 11),
		   "night rows up to a date");
		mg_db_close(db);
		db = NULL;
		/* device nights, written as the import derives them: the walk gives
		 * them by date, chosen source first, main sleep first, then start;
		 * an unknown sol or waso as -1 */
		sqlite3 *s3;
		int sql_ok = sqlite3_open(path("rows.db"), &s3) == SQLITE_OK &&
			     sqlite3_exec(s3,
					  "INSERT INTO import_source (id, name, kind) VALUES (1, 'Watch', 0), (2, 'Ring', 1);"
					  "INSERT INTO device_night (date, source, main, chosen, start, end, end_offset, tib, tst, "
					  "sol, waso) VALUES ('2026-03-02', 2, 1, 0, 100, 200, 60, 400, 350, 12, 30),"
					  "('2026-03-02', 1, 0, 1, 50, 80, 60, 30, 25, NULL, NULL),"
					  "('2026-03-02', 1, 1, 1, 90, 190, 60, 420, 380, 14, NULL),"
					  "('2026-03-01', 1, 1, 1, 10, 20, 60, 410, 370, 9, 21)",
					  NULL, NULL, NULL) == SQLITE_OK;
		sqlite3_close(s3);
		seen = (struct rows_seen){0};
		ok(sql_ok && mg_db_open(&db, path("rows.db"), NULL, 0, &err) == 0 &&
			   mg_db_device_night_rows_each(db, "2026-03-02", NULL, device_rows_cb, &seen, &err) == 0 &&
			   !strcmp(seen.text, "2026-03-02 Watch 1 1 420 380 14 -1|2026-03-02 Watch 0 1 30 25 -1 -1|"
					      "2026-03-02 Ring 1 0 400 350 12 30|"),
		   "device night rows from a date, in the listing's order (%s)", seen.text);
		mg_db_close(db);
		db = NULL;
	}

	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd)) {
		/* best effort */
	}
	return tap_done();
}
