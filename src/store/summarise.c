/* The store's side of `summary`: one query for the values the weekly
 * summary needs, straight into the pure module's input (no JSON in between:
 * ten years of nights summarise in a few milliseconds). */
#include <mgsleep/night.h>
#include <mgsleep/summary.h>

#include "store_internal.h"

#include <math.h>
#include <stdlib.h>

/* Magnesium on a diary night (p: "" or the table's alias and a dot): 1
 * taken, 0 none (the entry's "magnesium" is null), -1 not answered
 * ("unknown", or no key in an entry written before the key was always
 * set); docs/diary.md. Not answered is never counted as none. */
#define MG_SQL_NIGHT_MG(p)                                                                                \
	"CASE WHEN " p "mg_elemental_mg IS NOT NULL THEN 1 WHEN json_type(" p "entry, '$.magnesium') = 'null' " \
	"THEN 0 ELSE -1 END"

/* sql yields date, tib, tst, se, sol, waso, awakenings, quality, magnesium. */
static int summarise(struct mg_db *db, const char *sql, struct mg_summary_week *weeks, size_t max_weeks,
		     struct mg_summary *out, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	struct mg_summary_night *nights = NULL;
	size_t n = 0, cap = 0;
	int rc, r = 0;
	if (sqlite3_prepare_v2(mg_db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		return mg_db_sql_fail(db, err, "nights");
	/* column k+1 holds metric order[k] */
	static const enum mg_metric order[] = {MG_M_TIB, MG_M_TST,	  MG_M_SE,	MG_M_SOL,
					       MG_M_WASO, MG_M_AWAKENINGS, MG_M_QUALITY};
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 512;
			struct mg_summary_night *p = realloc(nights, ncap * sizeof *p);
			if (!p) {
				r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
				break;
			}
			nights = p;
			cap = ncap;
		}
		struct mg_summary_night *x = &nights[n];
		if (mg_date_parse((const char *)sqlite3_column_text(st, 0), &x->date))
			continue; /* only valid dates are stored; skip rather than miscount */
		for (int k = 0; k < 7; k++)
			x->v[order[k]] = sqlite3_column_type(st, k + 1) == SQLITE_NULL ? NAN : sqlite3_column_double(st, k + 1);
		x->magnesium = sqlite3_column_int(st, 8);
		n++;
	}
	if (!r && rc != SQLITE_DONE)
		r = mg_db_sql_fail(db, err, "nights");
	sqlite3_finalize(st);
	if (!r && mg_summarise(nights, n, weeks, max_weeks, out))
		r = mg_fail(err, MG_EIO, "store", "store: nights out of date order");
	free(nights);
	return r;
}

int mg_db_summarise(struct mg_db *db, struct mg_summary_week *weeks, size_t max_weeks, struct mg_summary *out,
		    struct mg_error *err)
{
	return summarise(db,
			 "SELECT date, tib, tst, se, sol, waso, json_extract(entry, '$.awakenings'), "
			 "json_extract(entry, '$.quality'), " MG_SQL_NIGHT_MG("") " FROM nights ORDER BY date",
			 weeks, max_weeks, out, err);
}

/* The chosen source's main sleep of each date; magnesium as the diary says
 * for that date (device nights know nothing of it): a date with no diary
 * entry is "unknown" (-1), in the weekly means but in neither group of the
 * with/without comparison. Quality is the diary's alone. */
int mg_db_summarise_device(struct mg_db *db, struct mg_summary_week *weeks, size_t max_weeks,
			   struct mg_summary *out, struct mg_error *err)
{
	return summarise(db,
			 "SELECT d.date, d.tib, d.tst, CASE WHEN d.tib > 0 THEN 100.0 * d.tst / d.tib END, d.sol, "
			 "d.waso, d.awakenings, NULL, CASE WHEN n.date IS NULL THEN -1 ELSE " MG_SQL_NIGHT_MG("n.") " END "
			 "FROM device_night d "
			 "LEFT JOIN nights n ON n.date = d.date WHERE d.main = 1 AND d.chosen = 1 ORDER BY d.date",
			 weeks, max_weeks, out, err);
}
