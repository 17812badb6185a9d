/* Sleep imported from devices: the storing sink, the derived nights, the
 * choice of one source per night (docs/import.md). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mgsleep/device_night.h>

#include "store_internal.h"

struct mg_db_import {
	struct mg_db *db;
	sqlite3 *s;
	struct mg_import_sink sink;
	sqlite3_stmt *ins_iv, *ins_period, *find_src, *ins_src, *find_dev, *ins_dev;
	sqlite3_int64 run;
	/* the last source and device looked up: exports come in long runs of one */
	char *last_src, *last_dev;
	sqlite3_int64 last_src_id, last_dev_id;
	struct mg_import_count *counts;
	size_t ncounts, capcounts, last_count;
	char **infos;
	size_t ninfos;
	struct mg_import_totals totals;
	int failed_oom;
};

#define MAX_COUNT_ROWS 1024 /* lines in an import report */

static sqlite3_stmt *prep(sqlite3 *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static struct mg_import_count *count_row(struct mg_db_import *im, const char *source, const char *what,
					 const char *reason)
{
	struct mg_import_count *c, key;
	/* Compare as stored (truncated), so a long name always finds its row. */
	copy(key.source, sizeof key.source, source);
	copy(key.what, sizeof key.what, what);
	copy(key.reason, sizeof key.reason, reason);
	for (size_t k = 0; k <= im->ncounts; k++) {
		size_t i = k == 0 ? im->last_count : k - 1; /* the last row used first: records come in runs */
		if (i >= im->ncounts)
			continue;
		c = &im->counts[i];
		if (!strcmp(c->source, key.source) && !strcmp(c->what, key.what) && !strcmp(c->reason, key.reason)) {
			im->last_count = i;
			return c;
		}
	}
	if (im->ncounts == MAX_COUNT_ROWS) {
		/* A hostile export can name thousands of sources or values: past
		 * the cap, the rest share one line of the report. */
		c = &im->counts[MAX_COUNT_ROWS - 1];
		copy(c->source, sizeof c->source, "(other sources)");
		copy(c->what, sizeof c->what, "(other)");
		copy(c->reason, sizeof c->reason, reason[0] ? "(various)" : "");
		return c;
	}
	if (im->ncounts == im->capcounts) {
		size_t cap = im->capcounts ? im->capcounts * 2 : 16;
		struct mg_import_count *n = realloc(im->counts, cap * sizeof *n);
		if (!n)
			return NULL;
		im->counts = n;
		im->capcounts = cap;
	}
	c = &im->counts[im->ncounts];
	*c = key;
	c->read = c->imported = c->present = c->skipped = 0;
	im->last_count = im->ncounts++;
	return c;
}

static int fail(struct mg_db_import *im, struct mg_error *err, const char *what)
{
	return mg_db_sql_fail(im->db, err, what);
}

/* Id of a source or device by name, inserting it if new. */
static int lookup(struct mg_db_import *im, sqlite3_stmt *find, sqlite3_stmt *ins, const char *name, int kind,
		  char **last, sqlite3_int64 *last_id, sqlite3_int64 *id, struct mg_error *err)
{
	int rc;
	if (*last && !strcmp(*last, name)) {
		*id = *last_id;
		return 0;
	}
	sqlite3_bind_text(find, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(find);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(find, 0);
	} else if (rc == SQLITE_DONE) {
		sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
		if (kind >= 0)
			sqlite3_bind_int(ins, 2, kind);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc != SQLITE_DONE) {
			sqlite3_reset(find);
			return fail(im, err, "import source");
		}
		*id = sqlite3_last_insert_rowid(im->s);
	} else {
		sqlite3_reset(find);
		return fail(im, err, "import source");
	}
	sqlite3_reset(find);
	free(*last);
	if (!(*last = strdup(name)))
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	*last_id = *id;
	return 0;
}

static int source_and_device(struct mg_db_import *im, const char *source, int kind, const char *device,
			     sqlite3_int64 *src, sqlite3_int64 *dev, struct mg_error *err)
{
	int r = lookup(im, im->find_src, im->ins_src, source, kind, &im->last_src, &im->last_src_id, src, err);
	*dev = 0;
	if (!r && device && *device)
		r = lookup(im, im->find_dev, im->ins_dev, device, -1, &im->last_dev, &im->last_dev_id, dev, err);
	return r;
}

/* The part every stored record shares: count it as read, bind its source
 * (?1) and device (?2). */
static int row_begin(struct mg_db_import *im, sqlite3_stmt *st, const char *source, int kind, const char *device,
		     const char *what, struct mg_import_count **c, struct mg_error *err)
{
	sqlite3_int64 src, dev;
	int r;
	if (!(*c = count_row(im, source, what, "")))
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	(*c)->read++;
	if ((r = source_and_device(im, source, kind, device, &src, &dev, err)))
		return r;
	sqlite3_bind_int64(st, 1, src);
	if (dev)
		sqlite3_bind_int64(st, 2, dev);
	else
		sqlite3_bind_null(st, 2);
	return 0;
}

/* Insert; a row whose natural key is already stored is counted, not added. */
static int row_end(struct mg_db_import *im, sqlite3_stmt *st, struct mg_import_count *c, struct mg_error *err)
{
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		return fail(im, err, "sleep record");
	if (sqlite3_changes(im->s))
		c->imported++;
	else
		c->present++;
	return 0;
}

static int on_interval(void *ctx, const struct mg_interval *iv, struct mg_error *err)
{
	struct mg_db_import *im = ctx;
	struct mg_import_count *c;
	sqlite3_stmt *st = im->ins_iv;
	int r = row_begin(im, st, iv->source, iv->kind, iv->device, mg_stage_name(iv->stage), &c, err);
	if (r)
		return r;
	sqlite3_bind_int(st, 3, iv->stage);
	sqlite3_bind_int64(st, 4, iv->start);
	sqlite3_bind_int64(st, 5, iv->end);
	sqlite3_bind_int(st, 6, iv->start_offset);
	sqlite3_bind_int(st, 7, iv->end_offset);
	sqlite3_bind_text(st, 8, iv->tz ? iv->tz : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, iv->note ? iv->note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, im->run);
	return row_end(im, st, c, err);
}

static void bind_min(sqlite3_stmt *st, int i, int v)
{
	if (v >= 0)
		sqlite3_bind_int(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int on_period(void *ctx, const struct mg_period *p, struct mg_error *err)
{
	struct mg_db_import *im = ctx;
	struct mg_import_count *c;
	sqlite3_stmt *st = im->ins_period;
	int r = row_begin(im, st, p->source, p->kind, p->device, "period", &c, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 3, p->start);
	sqlite3_bind_int64(st, 4, p->end);
	sqlite3_bind_int(st, 5, p->start_offset);
	sqlite3_bind_int(st, 6, p->end_offset);
	sqlite3_bind_text(st, 7, p->tz ? p->tz : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, p->note ? p->note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, p->nap < 0 ? -1 : p->nap > 0);
	bind_min(st, 10, p->tst);
	bind_min(st, 11, p->sol);
	bind_min(st, 12, p->awake);
	bind_min(st, 13, p->light);
	bind_min(st, 14, p->deep);
	bind_min(st, 15, p->rem);
	sqlite3_bind_int64(st, 16, im->run);
	return row_end(im, st, c, err);
}

static void on_skipped(void *ctx, const char *what, const char *source, const char *reason)
{
	struct mg_db_import *im = ctx;
	struct mg_import_count *c = count_row(im, source ? source : "", what ? what : "", reason ? reason : "?");
	if (c) {
		c->read++;
		c->skipped++;
	} else {
		im->failed_oom = 1;
	}
}

static void on_info(void *ctx, const char *msg)
{
	struct mg_db_import *im = ctx;
	char **n;
	if (im->ninfos >= 256 || !(n = realloc(im->infos, (im->ninfos + 1) * sizeof *n)))
		return;
	im->infos = n;
	if ((im->infos[im->ninfos] = strdup(msg)))
		im->ninfos++;
}

static int count_nights(sqlite3 *s, unsigned long *n)
{
	sqlite3_stmt *st = NULL;
	int ok = sqlite3_prepare_v2(s, "SELECT count(DISTINCT date) FROM device_night WHERE main = 1", -1, &st, NULL) ==
		 SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
	if (ok)
		*n = (unsigned long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

int mg_db_import_start(struct mg_db *db, const char *now, struct mg_db_import **out, struct mg_error *err)
{
	struct mg_db_import *im = calloc(1, sizeof *im);
	sqlite3_stmt *st = NULL;
	int r = 0;
	*out = NULL;
	if (!im)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	im->db = db;
	im->s = mg_db_sqlite(db);
	im->sink = (struct mg_import_sink){im, on_interval, on_period, on_skipped, on_info};
	im->ins_iv = prep(im->s, "INSERT OR IGNORE INTO sleep_interval (source, device, stage, start, end, start_offset, "
				 "end_offset, tz, note, run) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	im->ins_period = prep(im->s, "INSERT OR IGNORE INTO sleep_period (source, device, start, end, start_offset, "
				     "end_offset, tz, note, nap, tst, sol, awake, light, deep, rem, run) VALUES "
				     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
	im->find_src = prep(im->s, "SELECT id FROM import_source WHERE name = ?1");
	im->ins_src = prep(im->s, "INSERT INTO import_source (name, kind) VALUES (?1, ?2)");
	im->find_dev = prep(im->s, "SELECT id FROM import_device WHERE text = ?1");
	im->ins_dev = prep(im->s, "INSERT INTO import_device (text) VALUES (?1)");
	if (!im->ins_iv || !im->ins_period || !im->find_src || !im->ins_src || !im->find_dev || !im->ins_dev) {
		r = mg_db_sql_fail(db, err, "import");
		goto out;
	}
	/* The run row comes first so every interval can name it; finish fills in the report. */
	if (sqlite3_prepare_v2(im->s, "INSERT INTO import_run (at, files, report) VALUES (?1, '[]', '{}')", -1, &st,
			       NULL) != SQLITE_OK) {
		r = mg_db_sql_fail(db, err, "import run");
		goto out;
	}
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		r = mg_db_sql_fail(db, err, "import run");
		goto out;
	}
	im->run = sqlite3_last_insert_rowid(im->s);
	if (count_nights(im->s, &im->totals.nights_before))
		r = mg_db_sql_fail(db, err, "device nights");
out:
	sqlite3_finalize(st);
	if (r)
		mg_db_import_free(im);
	else
		*out = im;
	return r;
}

const struct mg_import_sink *mg_db_import_sink(struct mg_db_import *im)
{
	return &im->sink;
}

const struct mg_import_count *mg_db_import_counts(const struct mg_db_import *im, size_t *n)
{
	*n = im->ncounts;
	return im->counts;
}

const char *const *mg_db_import_infos(const struct mg_db_import *im, size_t *n)
{
	*n = im->ninfos;
	return (const char *const *)im->infos;
}

void mg_db_import_totals(const struct mg_db_import *im, struct mg_import_totals *t)
{
	*t = im->totals;
}

void mg_db_import_free(struct mg_db_import *im)
{
	if (!im)
		return;
	sqlite3_finalize(im->ins_iv);
	sqlite3_finalize(im->ins_period);
	sqlite3_finalize(im->find_src);
	sqlite3_finalize(im->ins_src);
	sqlite3_finalize(im->find_dev);
	sqlite3_finalize(im->ins_dev);
	free(im->last_src);
	free(im->last_dev);
	free(im->counts);
	for (size_t i = 0; i < im->ninfos; i++)
		free(im->infos[i]);
	free(im->infos);
	free(im);
}

/* ---- derived nights ---- */

struct derive {
	sqlite3 *s;
	sqlite3_stmt *ins;
	sqlite3_int64 source;
};

static void bind_opt(sqlite3_stmt *st, int i, int v, int known)
{
	if (known)
		sqlite3_bind_int(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int put_night(void *ctx, const struct mg_device_night *dn)
{
	struct derive *d = ctx;
	sqlite3_stmt *st = d->ins;
	int asleep = dn->tst > 0, r;
	sqlite3_bind_text(st, 1, dn->date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, d->source);
	sqlite3_bind_int(st, 3, dn->main);
	sqlite3_bind_int64(st, 4, dn->start);
	sqlite3_bind_int64(st, 5, dn->end);
	sqlite3_bind_int(st, 6, dn->end_offset);
	sqlite3_bind_int(st, 7, dn->tib);
	sqlite3_bind_int(st, 8, dn->tst);
	bind_opt(st, 9, dn->sol, dn->sol >= 0);
	bind_opt(st, 10, dn->waso, asleep);
	bind_opt(st, 11, dn->awakenings, asleep);
	/* Stage minutes only where the source reports stages at all. */
	int staged = dn->stage_min[MG_STAGE_LIGHT] + dn->stage_min[MG_STAGE_DEEP] + dn->stage_min[MG_STAGE_REM] > 0;
	bind_opt(st, 12, dn->stage_min[MG_STAGE_LIGHT], staged);
	bind_opt(st, 13, dn->stage_min[MG_STAGE_DEEP], staged);
	bind_opt(st, 14, dn->stage_min[MG_STAGE_REM], staged);
	sqlite3_bind_int(st, 15, dn->unspecified);
	sqlite3_bind_int(st, 16, dn->stage_min[MG_STAGE_AWAKE]);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : MG_EIO;
}

/* Episodes of one source from its intervals. */
static int derive_source(struct derive *d, sqlite3_stmt *sel, struct mg_error *err, struct mg_db *db)
{
	struct mg_dn_in *iv = NULL;
	size_t n = 0, cap = 0;
	int r = 0, rc;
	sqlite3_bind_int64(sel, 1, d->source);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		if (n == cap) {
			struct mg_dn_in *nv;
			cap = cap ? cap * 2 : 1024;
			if (!(nv = realloc(iv, cap * sizeof *iv))) {
				r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
				goto out;
			}
			iv = nv;
		}
		iv[n].stage = sqlite3_column_int(sel, 0);
		iv[n].start = sqlite3_column_int64(sel, 1);
		iv[n].end = sqlite3_column_int64(sel, 2);
		iv[n].end_offset = sqlite3_column_int(sel, 3);
		n++;
	}
	if (rc != SQLITE_DONE) {
		r = mg_db_sql_fail(db, err, "sleep intervals");
		goto out;
	}
	r = mg_device_nights(iv, n, put_night, d);
	if (r == MG_ENOMEM)
		r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	else if (r)
		r = mg_db_sql_fail(db, err, "device nights");
out:
	sqlite3_reset(sel);
	free(iv);
	return r;
}

static int exec_sql(struct mg_db *db, const char *sql, struct mg_error *err)
{
	return sqlite3_exec(mg_db_sqlite(db), sql, NULL, NULL, NULL) == SQLITE_OK ? 0
										 : mg_db_sql_fail(db, err, "device nights");
}

/* Rank of a source for a night: lower wins. Sources the user prefers come
 * first, in the order given; then wearables, phones, apps, others. */
static int rank(const char *prefer, const char *name, int kind)
{
	int i = 0;
	const char *p = prefer;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (len && strlen(name) >= len) {
			for (const char *q = name; *q; q++)
				if (strncasecmp(q, p, len) == 0)
					return i;
		}
		i++;
		p = e ? e + 1 : NULL;
	}
	return 100 + kind;
}

static int choose(struct mg_db *db, const char *prefer, struct mg_error *err)
{
	sqlite3 *s = mg_db_sqlite(db);
	sqlite3_stmt *sel = NULL, *upd = NULL;
	char date[11] = "";
	sqlite3_int64 best_row = 0;
	int best_key[3] = {0, 0, 0}, r = 0, rc, have = 0;
	if (sqlite3_prepare_v2(s, "SELECT n.rowid, n.date, s.name, s.kind, n.tst FROM device_night n "
				  "JOIN import_source s ON s.id = n.source WHERE n.main = 1 ORDER BY n.date, s.name",
			       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s, "UPDATE device_night SET chosen = 1 WHERE rowid = ?1", -1, &upd, NULL) != SQLITE_OK) {
		r = mg_db_sql_fail(db, err, "device nights");
		goto out;
	}
	for (;;) {
		rc = sqlite3_step(sel);
		const char *d = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(sel, 1) : NULL;
		if (have && (!d || strcmp(d, date))) {
			sqlite3_bind_int64(upd, 1, best_row);
			if (sqlite3_step(upd) != SQLITE_DONE) {
				r = mg_db_sql_fail(db, err, "device nights");
				goto out;
			}
			sqlite3_reset(upd);
			have = 0;
		}
		if (rc != SQLITE_ROW)
			break;
		/* A source that saw sleep beats one that only saw time in bed. */
		int key[3] = {sqlite3_column_int(sel, 4) > 0 ? 0 : 1,
			      rank(prefer, (const char *)sqlite3_column_text(sel, 2), sqlite3_column_int(sel, 3)),
			      -sqlite3_column_int(sel, 4)};
		if (!have || key[0] < best_key[0] ||
		    (key[0] == best_key[0] &&
		     (key[1] < best_key[1] || (key[1] == best_key[1] && key[2] < best_key[2])))) {
			memcpy(best_key, key, sizeof key);
			best_row = sqlite3_column_int64(sel, 0);
			snprintf(date, sizeof date, "%s", d);
			have = 1;
		}
	}
	if (rc != SQLITE_DONE)
		r = mg_db_sql_fail(db, err, "device nights");
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return r;
}

static int setting_get(struct mg_db *db, const char *key, char **value)
{
	sqlite3_stmt *st = NULL;
	int ok = sqlite3_prepare_v2(mg_db_sqlite(db), "SELECT value FROM setting WHERE key = ?1", -1, &st, NULL) ==
		 SQLITE_OK;
	*value = NULL;
	if (ok) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			*value = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

int mg_db_device_nights_rebuild(struct mg_db *db, const char *prefer, struct mg_error *err)
{
	sqlite3 *s = mg_db_sqlite(db);
	sqlite3_stmt *sources = NULL, *sel = NULL, *st = NULL;
	struct derive d = {s, NULL, 0};
	char *stored = NULL;
	int r = 0, rc;
	if (prefer) {
		if (sqlite3_prepare_v2(s, "INSERT INTO setting (key, value) VALUES ('prefer_source', ?1) "
					  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
				       -1, &st, NULL) != SQLITE_OK) {
			r = mg_db_sql_fail(db, err, "setting");
			goto out;
		}
		sqlite3_bind_text(st, 1, prefer, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			r = mg_db_sql_fail(db, err, "setting");
			goto out;
		}
	} else if (setting_get(db, "prefer_source", &stored)) {
		r = mg_db_sql_fail(db, err, "setting");
		goto out;
	}
	if ((r = exec_sql(db, "DELETE FROM device_night", err)))
		goto out;
	if (sqlite3_prepare_v2(s, "SELECT id FROM import_source ORDER BY id", -1, &sources, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s, "SELECT stage, start, end, end_offset FROM sleep_interval WHERE source = ?1", -1, &sel,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s, "INSERT OR IGNORE INTO device_night (date, source, main, chosen, start, end, "
				  "end_offset, tib, tst, sol, waso, awakenings, light, deep, rem, unspecified, awake) "
				  "VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
			       -1, &d.ins, NULL) != SQLITE_OK) {
		r = mg_db_sql_fail(db, err, "device nights");
		goto out;
	}
	while (!r && (rc = sqlite3_step(sources)) == SQLITE_ROW) {
		d.source = sqlite3_column_int64(sources, 0);
		r = derive_source(&d, sel, err, db);
	}
	/* Periods (totals without a timeline) count only where the same source
	 * has no episode with sleep overlapping them; an episode of in-bed time
	 * alone (the period's own InBed record, from Oura's CSV) gives way to the
	 * period's totals. A nap flag from the export is kept. */
	if (!r)
		r = exec_sql(db,
			     "DELETE FROM device_night WHERE tst = 0 AND EXISTS (SELECT 1 FROM sleep_period p "
			     "WHERE p.source = device_night.source AND p.start < device_night.end AND p.end > device_night.start)",
			     err);
	if (!r)
		r = exec_sql(db,
			     "INSERT OR IGNORE INTO device_night (date, source, main, chosen, start, end, end_offset, tib, "
			     "tst, sol, waso, awakenings, light, deep, rem, unspecified, awake) "
			     "SELECT date(p.end + p.end_offset * 60, 'unixepoch'), p.source, p.nap != 1, 0, p.start, p.end, "
			     "p.end_offset, (p.end - p.start + 30) / 60, coalesce(p.tst, 0), p.sol, NULL, NULL, p.light, p.deep, "
			     "p.rem, CASE WHEN p.light IS NULL THEN p.tst END, p.awake FROM sleep_period p "
			     "WHERE NOT EXISTS (SELECT 1 FROM device_night n WHERE n.source = p.source AND n.start < p.end "
			     "AND n.end > p.start)",
			     err);
	/* One main sleep per source and date: a period marked main loses to a
	 * longer one on the same date. */
	if (!r)
		r = exec_sql(db,
			     "UPDATE device_night SET main = 0 WHERE main = 1 AND EXISTS (SELECT 1 FROM device_night o "
			     "WHERE o.source = device_night.source AND o.date = device_night.date AND o.main = 1 AND "
			     "(o.tst > device_night.tst OR (o.tst = device_night.tst AND o.start > device_night.start)))",
			     err);
	if (!r)
		r = choose(db, prefer ? prefer : stored, err);
out:
	free(stored);
	sqlite3_finalize(st);
	sqlite3_finalize(sources);
	sqlite3_finalize(sel);
	sqlite3_finalize(d.ins);
	return r;
}

int mg_db_import_finish(struct mg_db_import *im, const char *files, const char *prefer, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	struct mg_buf rep = MG_BUF_INIT;
	int r;
	size_t added = 0;
	if (im->failed_oom)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < im->ncounts; i++)
		added += im->counts[i].imported;
	/* The nights derive from the stored records and the preference alone:
	 * a re-import that added nothing, with no new preference, leaves them. */
	if ((added || prefer) && (r = mg_db_device_nights_rebuild(im->db, prefer, err)))
		return r;
	mg_buf_puts(&rep, "{\"counts\":[");
	for (size_t i = 0; i < im->ncounts; i++) {
		const struct mg_import_count *c = &im->counts[i];
		mg_buf_puts(&rep, i ? ",{\"source\":" : "{\"source\":");
		mg_buf_put_json_str(&rep, c->source);
		mg_buf_puts(&rep, ",\"what\":");
		mg_buf_put_json_str(&rep, c->what);
		mg_buf_puts(&rep, ",\"reason\":");
		mg_buf_put_json_str(&rep, c->reason);
		mg_buf_printf(&rep, ",\"read\":%lu,\"imported\":%lu,\"present\":%lu,\"skipped\":%lu}", c->read,
			      c->imported, c->present, c->skipped);
	}
	mg_buf_puts(&rep, "]}");
	if (rep.failed) {
		r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(im->s, "UPDATE import_run SET files = json(?1), report = ?2 WHERE id = ?3", -1, &st,
			       NULL) != SQLITE_OK) {
		r = mg_db_sql_fail(im->db, err, "import run");
		goto out;
	}
	sqlite3_bind_text(st, 1, files ? files : "[]", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rep.data, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, im->run);
	if (sqlite3_step(st) != SQLITE_DONE) {
		r = mg_db_sql_fail(im->db, err, "import run");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (count_nights(im->s, &im->totals.nights_after) ||
	    sqlite3_prepare_v2(im->s, "SELECT (SELECT count(*) FROM device_night WHERE main = 0), "
				     "(SELECT min(date) FROM device_night WHERE main = 1), "
				     "(SELECT max(date) FROM device_night WHERE main = 1)",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		r = mg_db_sql_fail(im->db, err, "device nights");
		goto out;
	}
	im->totals.naps_after = (unsigned long)sqlite3_column_int64(st, 0);
	copy(im->totals.first, sizeof im->totals.first, (const char *)sqlite3_column_text(st, 1));
	copy(im->totals.last, sizeof im->totals.last, (const char *)sqlite3_column_text(st, 2));
out:
	sqlite3_finalize(st);
	mg_buf_release(&rep);
	return r;
}

int mg_db_device_nights_json(struct mg_db *db, const char *from, const char *to, struct mg_buf *out,
			     struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(mg_db_sqlite(db),
			       "SELECT json_group_array(json_object('date', date, 'source', name, 'kind', kind, "
			       "'main', main, 'chosen', chosen, 'start', start, 'end', end, 'end_offset', end_offset, "
			       "'tib', tib, 'tst', tst, 'sol', sol, 'waso', waso, 'awakenings', awakenings, 'light', light, "
			       "'deep', deep, 'rem', rem, 'unspecified', unspecified, 'awake', awake)) FROM "
			       "(SELECT n.*, s.name, s.kind FROM device_night n JOIN import_source s ON s.id = n.source "
			       "WHERE (?1 IS NULL OR n.date >= ?1) AND (?2 IS NULL OR n.date <= ?2) "
			       "ORDER BY n.date, n.chosen DESC, n.main DESC, n.start)",
			       -1, &st, NULL) != SQLITE_OK)
		return mg_db_sql_fail(db, err, "device nights");
	if (from)
		sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	if (to)
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		mg_buf_puts(out, (const char *)sqlite3_column_text(st, 0));
	else
		r = mg_db_sql_fail(db, err, "device nights");
	sqlite3_finalize(st);
	return r;
}
