/* The private store: one SQLite database per user, optionally sealed with a
 * passphrase. This module is the only code that talks to SQLite.
 *
 * Plain stores are ordinary SQLite files (WAL, foreign keys on). Sealed
 * stores are one encrypted file: Argon2id derives a key from the passphrase,
 * the database lives in memory while open, and every commit re-seals it with
 * XChaCha20-Poly1305 into a temporary file that is fsynced and renamed over
 * the old one, so the file on disk is always either the old or the new
 * version, never half of each. Format: docs/data-formats.md.
 *
 * Ownership: mg_db_open returns a handle owned by the caller, released with
 * mg_db_close (which rolls back an open transaction). Strings returned through
 * char ** are malloc'd and owned by the caller. */
#ifndef MGSLEEP_STORE_H
#define MGSLEEP_STORE_H

#include <mgsleep/buf.h>
#include <mgsleep/error.h>
#include <mgsleep/import.h>
#include <mgsleep/night.h>
#include <mgsleep/trial.h>

struct mg_db;

enum {
	MG_DB_CREATE = 1, /* create the store if nothing is at its path */
	MG_DB_SEAL = 2,   /* with MG_DB_CREATE: create it sealed with the passphrase */
	MG_DB_NEW = 4,    /* with MG_DB_CREATE: MG_EEXIST unless this call created it */
};

#define MG_DB_SCHEMA_VERSION 4

/* Is the file at path sealed? 1 yes, 0 plain SQLite, MG_EIO if unreadable or
 * absent (err says which). */
int mg_db_is_sealed(const char *path, struct mg_error *err);

/* passphrase is needed for sealed stores. A wrong passphrase or a tampered
 * file is MG_EINVAL with a clear message, and nothing on disk changes.
 *
 * What open guarantees (docs/data-formats.md, "The store's guarantees"):
 * - a file at path that is neither a plain nor a sealed store (empty,
 *   truncated, a folder, a link to nothing) is refused with MG_EINVAL and
 *   left as it is;
 * - a store is created only where nothing is, and only with MG_DB_CREATE; a
 *   plain one never when passphrase is non-empty nor when PATH.lock shows a
 *   sealed store was there. It is built beside the path (PATH.tmp.PID) and
 *   put in place complete, never replacing a file: when two processes
 *   create at once, one store results and both use it (MG_DB_NEW: the
 *   second gets MG_EEXIST);
 * - migrations run in one write transaction that reads the version itself;
 * - a sealed store reached through a symlink is resolved once: the target is
 *   locked and replaced, the link stays a link. */
int mg_db_open(struct mg_db **out, const char *path, const char *passphrase, unsigned flags,
	       struct mg_error *err);
void mg_db_close(struct mg_db *db);
/* An empty store in memory, never written anywhere: what an import's dry
 * run uses when there is no store yet (a dry run never creates one). */
int mg_db_open_scratch(struct mg_db **out, struct mg_error *err);
int mg_db_sealed(const struct mg_db *db);
/* Schema version the file had before migrations ran on open. */
int mg_db_schema_version_at_open(const struct mg_db *db);
/* PRAGMA integrity_check on the open database (for a sealed store, the
 * decrypted image in memory): 0 if SQLite answers "ok", else MG_EIO with
 * SQLite's first complaint in err. */
int mg_db_integrity_check(struct mg_db *db, struct mg_error *err);

/* One transaction per command: begin, write, commit (re-seals when sealed). */
int mg_db_begin(struct mg_db *db, struct mg_error *err);
int mg_db_commit(struct mg_db *db, struct mg_error *err);
void mg_db_rollback(struct mg_db *db);

/* Re-key a sealed store (or seal a plain one) with a new passphrase. */
int mg_db_rekey(struct mg_db *db, const char *new_passphrase, struct mg_error *err);

/* The stored profile as JSON (docs/profile-schema.md); *json NULL if none. */
int mg_db_profile_get(struct mg_db *db, char **json, struct mg_error *err);
int mg_db_profile_put(struct mg_db *db, const char *json, const char *now, struct mg_error *err);

/* Questionnaire results; answers and result are JSON objects. */
int mg_db_questionnaire_add(struct mg_db *db, const char *kind, const char *date, const char *answers_json,
			    const char *result_json, struct mg_error *err);
/* Total of the most recent ISI; NaN if none. */
int mg_db_latest_isi(struct mg_db *db, double *isi, struct mg_error *err);
/* All results of one kind as a JSON array, oldest first: [{"date":..,"answers":..,"result":..}]. */
int mg_db_questionnaire_list(struct mg_db *db, const char *kind, struct mg_buf *out, struct mg_error *err);

/* One diary night: the entry as JSON (docs/data-formats.md) and the metrics
 * derived from it, stored beside it so listings need no recomputation. */
struct mg_db_night {
	const char *date;       /* YYYY-MM-DD, the morning */
	const char *entry_json; /* the diary items */
	int tib, sol, waso, tst, terminal_wake;
	double se_pct;
	double mg_elemental_mg; /* magnesium taken that evening; NaN if none */
};

/* Add a night. If one exists for the date: MG_EEXIST unless replace, in which
 * case the old row goes to the audit table first. */
int mg_db_night_put(struct mg_db *db, const struct mg_db_night *n, int replace, const char *now,
		    struct mg_error *err);
/* Delete a night (kept in the audit table). MG_ENOENT-like MG_EINVAL if none. */
int mg_db_night_delete(struct mg_db *db, const char *date, const char *now, struct mg_error *err);
/* Nights with from <= date <= to (either may be NULL) as a JSON array,
 * oldest first: [{"date":..,"entry":{..},"tib":..,"sol":..,"waso":..,"tst":..,
 * "se":..,"terminal_wake":..,"mg_elemental_mg":..}]. */
int mg_db_nights_json(struct mg_db *db, const char *from, const char *to, struct mg_buf *out, struct mg_error *err);
/* The weekly summary of every night in the store (src/store/summarise.c):
 * reads just the columns it needs and calls mg_summarise. weeks has room for
 * max_weeks; *out as mg_summarise fills it. */
struct mg_summary;
struct mg_summary_week;
int mg_db_summarise(struct mg_db *db, struct mg_summary_week *weeks, size_t max_weeks, struct mg_summary *out,
		    struct mg_error *err);
/* The same over device nights: the chosen source's main sleep per date
 * (quality, a diary item, is NaN). */
int mg_db_summarise_device(struct mg_db *db, struct mg_summary_week *weeks, size_t max_weeks,
			   struct mg_summary *out, struct mg_error *err);
/* The entry of the most recent night; *json NULL if none. */
int mg_db_night_latest(struct mg_db *db, char **json, struct mg_error *err);
/* The stored entry of one night; *json NULL if none. */
int mg_db_night_get(struct mg_db *db, const char *date, char **json, struct mg_error *err);
/* Forget the audit trail (deleted and replaced entries). */
int mg_db_audit_purge(struct mg_db *db, struct mg_error *err);

/* The food log (issue 6): one row per food eaten. */
struct mg_db_food {
	const char *date, *ndb, *description, *amount;
	double grams, mg;
};
int mg_db_food_add(struct mg_db *db, const struct mg_db_food *f, const char *now, struct mg_error *err);
/* Rows with from <= date <= to (either may be NULL) as a JSON array, by date
 * then entry: [{"id":..,"date":..,"ndb":..,"description":..,"amount":..,
 * "grams":..,"mg":..}]. */
int mg_db_food_json(struct mg_db *db, const char *from, const char *to, struct mg_buf *out, struct mg_error *err);
/* Delete the food log row `id` (the "id" of mg_db_food_json), keeping it in
 * the audit table until mg_db_audit_purge. Call inside a transaction.
 * MG_EINVAL (field "id") when no row has this id; nothing is changed. */
int mg_db_food_delete(struct mg_db *db, int64_t id, const char *now, struct mg_error *err);
/* Mean daily magnesium from food over the logged days (days with at least
 * one entry), and how many days; NaN and 0 if none. */
int mg_db_food_daily_mean(struct mg_db *db, double *mg, int *days, struct mg_error *err);

/* Diet quiz results: the estimate in mg/day with the answers (JSON). */
int mg_db_diet_quiz_add(struct mg_db *db, const char *date, const char *answers_json, double mg,
			struct mg_error *err);
/* The latest quiz estimate; *mg NaN if none (date then ""). */
int mg_db_diet_quiz_latest(struct mg_db *db, double *mg, char date[11], struct mg_error *err);

/* N-of-1 trial plans (issue 5). Trials are never deleted (issue 11): the
 * latest added is the current one, earlier ones are 'replaced' or
 * 'finished' and stay with their events. */
struct mg_db_trial {
	const char *start;       /* YYYY-MM-DD, first evening of period 1 */
	int pairs, period_days, washout;
	const char *outcome;     /* sol, tst, se, waso, awakenings, quality, isi */
	const char *seed;        /* decimal uint64 */
	const char *order_json;  /* ["mg","off",...], one per period */
	double elemental_mg, compound_mg;
	const char *form;        /* compound id, e.g. "bisglycinate" */
	int baseline_days;       /* 0..56 nights without magnesium before period 1 (start) */
	/* The primary analysis fixed at planning (include/mgsleep/trial.h). */
	double alpha;
	int min_pairs;
	double mid;
	int mid_verified;
};
/* Adds a trial with status 'planned'. */
int mg_db_trial_add(struct mg_db *db, const struct mg_db_trial *t, const char *now, struct mg_error *err);
/* Marks trial id 'replaced' or 'finished' (status); MG_EINVAL unless it is
 * 'planned'. Call in the transaction that adds the new plan. */
int mg_db_trial_retire(struct mg_db *db, long long id, const char *status, struct mg_error *err);
/* Trial id (0: the latest) as a JSON object {"id","created","status","start",
 * "pairs","period_days","washout","outcome","seed","order":[..],
 * "elemental_mg","compound_mg","form","baseline_days","analysis"} with
 * analysis {"alpha","min_pairs","mid","mid_verified"} or null (planned before
 * schema 4); *json NULL if there is no such trial. */
int mg_db_trial_get(struct mg_db *db, long long id, char **json, struct mg_error *err);
/* The same for the latest trial. */
int mg_db_trial_latest(struct mg_db *db, char **json, struct mg_error *err);
/* Every trial, oldest first, as a JSON array of the objects above. */
int mg_db_trial_list_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err);
/* Adverse events and resumes of the latest trial (none without a trial:
 * MG_EINVAL). kind is "event" or "resume"; symptoms_json a JSON array of KB
 * symptom ids ("[]" for a resume); stops 1 if the event pauses the trial. */
struct mg_db_trial_event {
	const char *date; /* YYYY-MM-DD */
	const char *kind;
	const char *symptoms_json;
	int stops;
	const char *note; /* "" if none */
};
int mg_db_trial_event_add(struct mg_db *db, const struct mg_db_trial_event *e, const char *now,
			  struct mg_error *err);
/* The events of the latest trial, by date then entry order, as a JSON array
 * [{"date","kind","symptoms":[..],"stops","note","created"}]; "[]" if none. */
int mg_db_trial_events_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err);
/* The same for trial id (0: the latest). */
int mg_db_trial_events_json_for(struct mg_db *db, long long id, struct mg_buf *out, struct mg_error *err);

/* ---- Typed reads (issue 12; src/store/reads.c) ----
 *
 * Rows as structs, walked in the style of sqlite3_exec: cb is called once
 * per row with a struct valid only during the call; a non-zero return stops
 * the walk and is returned. Otherwise 0, or a negative MG_E* code. */

/* Trial id (0: the latest) into *t (oc unset: mg_trial_bind); *found 0 when
 * there is no such trial. A stored value that cannot be read sets
 * t->damaged. */
int mg_db_trial_read(struct mg_db *db, long long id, struct mg_trial *t, int *found, struct mg_error *err);
/* Every trial, oldest first. */
int mg_db_trials_each(struct mg_db *db, int (*cb)(void *ctx, const struct mg_trial *t), void *ctx,
		      struct mg_error *err);
/* The events of trial id (0: the latest), by date then entry order. */
int mg_db_trial_events_each(struct mg_db *db, long long id, int (*cb)(void *ctx, const struct mg_trial_event *e),
			    void *ctx, struct mg_error *err);
/* Diary nights dated from..to (mornings, inclusive; MG_DATE_UNSET: open),
 * oldest first (mg_night_record: the entry read by mg_night_entry_parse). */
int mg_db_nights_each(struct mg_db *db, int32_t from, int32_t to,
		      int (*cb)(void *ctx, const struct mg_night_record *r), void *ctx, struct mg_error *err);
/* One diary night as stored, for a caller that reads the entry whole
 * (mg_night_entry_read): the report. Borrowed for the callback only. The
 * metrics as mg_db_nights_json lists them (se to 0.1), a NULL as 0. */
struct mg_db_night_row {
	const char *date;  /* "YYYY-MM-DD" as stored */
	const char *entry; /* the entry's JSON as stored; NULL if missing */
	size_t entry_len;
	int tib, tst, sol, waso;
	double se_pct;
};
/* The nights of mg_db_nights_json (from, to: "YYYY-MM-DD" or NULL, open),
 * oldest first, without building and parsing its JSON. */
int mg_db_night_rows_each(struct mg_db *db, const char *from, const char *to,
			  int (*cb)(void *ctx, const struct mg_db_night_row *r), void *ctx, struct mg_error *err);
/* One device night as mg_db_device_nights_json lists it (the fields the
 * report reads), borrowed for the callback only; sol and waso -1 when the
 * device does not say. */
struct mg_db_device_night_row {
	const char *date, *source; /* "YYYY-MM-DD"; the source's name */
	int main, chosen;          /* 1: the main sleep; the night's chosen source */
	int tib, tst, sol, waso;
};
/* The rows of mg_db_device_nights_json, in its order, without its JSON. */
int mg_db_device_night_rows_each(struct mg_db *db, const char *from, const char *to,
				 int (*cb)(void *ctx, const struct mg_db_device_night_row *r), void *ctx,
				 struct mg_error *err);
/* The totals of one questionnaire kind ("isi", "psqi"), by date then entry
 * order; results without a numeric total are left out. */
int mg_db_scores_each(struct mg_db *db, const char *kind, int (*cb)(void *ctx, const struct mg_trial_score *s),
		      void *ctx, struct mg_error *err);

/* ---- Sleep imported from devices (issue 4; docs/import.md) ----
 *
 * An import runs inside the caller's transaction: start it, hand the sink to
 * the parsers (mg_import_path), finish it (which derives the nights and
 * records the run), then commit, or roll back for a dry run. Records already
 * stored (same source, stage, start and end) are counted, not added. */
struct mg_db_import;

/* One line of the import report: records of one kind from one source, and
 * for skipped records, why. */
struct mg_import_count {
	char source[96];
	char what[64];   /* stage name, or the export's own name for a skipped record */
	char reason[80]; /* "" unless skipped */
	unsigned long read, imported, present, skipped;
};

struct mg_import_totals {
	unsigned long nights_before, nights_after; /* dates with a main sleep from any source */
	unsigned long naps_after;
	char first[11], last[11];                   /* date range of the nights, "" if none */
};

int mg_db_import_start(struct mg_db *db, const char *now, struct mg_db_import **out, struct mg_error *err);
/* The sink that stores what parsers find; borrowed, valid until mg_db_import_free. */
const struct mg_import_sink *mg_db_import_sink(struct mg_db_import *im);
/* Derive the nights again and record this run. files: JSON array of names.
 * prefer: comma-separated source names that come first when choosing a
 * night's source (stored for later imports); NULL keeps the stored choice. */
int mg_db_import_finish(struct mg_db_import *im, const char *files, const char *prefer, struct mg_error *err);
const struct mg_import_count *mg_db_import_counts(const struct mg_db_import *im, size_t *n);
/* info() lines from the parsers, in order; borrowed. */
const char *const *mg_db_import_infos(const struct mg_db_import *im, size_t *n);
void mg_db_import_totals(const struct mg_db_import *im, struct mg_import_totals *t);
void mg_db_import_free(struct mg_db_import *im);

/* Derive device nights again from the stored intervals and periods (after a
 * restore, or to apply a new source preference; prefer as above). */
int mg_db_device_nights_rebuild(struct mg_db *db, const char *prefer, struct mg_error *err);
/* Device nights as a JSON array ordered by date, then chosen first:
 * [{"date","source","kind","main","chosen","start","end","end_offset","tib","tst","sol","waso",
 * "awakenings","light","deep","rem","unspecified","awake"}]; minutes, null when unknown.
 * from/to as for mg_db_nights_json. */
int mg_db_device_nights_json(struct mg_db *db, const char *from, const char *to, struct mg_buf *out,
			     struct mg_error *err);

/* Copy the store to a new file at path (sealed stays sealed, same key). */
int mg_db_backup(struct mg_db *db, const char *path, struct mg_error *err);
/* Restore an export into this store, which must be empty (MG_EEXIST
 * otherwise). Call inside mg_db_begin/commit: any error rolls back. */
int mg_db_import_json(struct mg_db *db, const char *json, const char *now, struct mg_error *err);
/* Restore an export into a new plain store at path, where nothing may be:
 * built beside it and put in place only once complete, never replacing a
 * file (MG_EEXIST if one appeared meanwhile). On any error nothing is left
 * behind, and nothing else is touched. Refused like any creation when
 * passphrase is non-empty or PATH.lock exists (see mg_db_open). */
int mg_db_restore_new(const char *path, const char *passphrase, const char *json, const char *now,
		      struct mg_error *err);

/* Everything in the store as one JSON document with a schema version
 * (docs/data-formats.md). Deterministic: same data, same bytes. */
int mg_db_export_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err);
/* The same document with only its format, schema_version, profile and
 * questionnaires (the same bytes as there, then "}"): what the FHIR export
 * reads beside the nights (mg_db_night_rows_each), without the imported
 * device records that make up most of a full export. */
int mg_db_export_profile_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err);

#endif
