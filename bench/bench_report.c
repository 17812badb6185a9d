/* The HTML report (mgsleep report, issue 5) for a year of nights.
 *
 * usage: bench_report [ROUNDS]   (default 50)
 *
 * Builds a plain store in a temporary directory holding 365 diary nights
 * (magnesium on alternate weeks) 13 monthly ISI and 5 PSQI scores, then times what
 * 'mgsleep report' does after opening the store: read the nights and the
 * scores (ISI and PSQI) as JSON, parse them, compute the advice for a
 * profile, and render the HTML with its five charts, each drawn wide and
 * narrow (the trial plot from a fixed result with every issue-11 field: MID,
 * per-protocol, washout, a pause), the weekly means and the 365-row table.
 * Median of ROUNDS. Requirement: < 200 ms.
 * Output: "key value unit" lines and "# " comments; exit 1 if missed. */
#include "bench.h"

#include <mgsleep/advise.h>
#include <mgsleep/kb.h>
#include <mgsleep/night.h>
#include <mgsleep/profile.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/store.h>

#include <jansson.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NIGHTS 365

static void die(const char *what, const struct mg_error *err)
{
	fprintf(stderr, "bench_report: %s: %s\n", what, err ? err->msg : "failed");
	exit(2);
}

static const char profile_json[] = "{\"age\":45,\"sex\":\"female\",\"weight\":65,\"height\":165,"
				   "\"creatinine\":\"0.9mg/dL\",\"medicines\":[\"doxycycline\"]}";

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 50;
	if (rounds < 1)
		rounds = 1;
	struct mg_error err = {0};
	char dir[] = "/tmp/mgsleep-bench-report-XXXXXX", path[64];
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	snprintf(path, sizeof path, "%s/mg.db", dir);
	struct mg_db *db;
	if (mg_db_open(&db, path, "", MG_DB_CREATE, &err) || mg_db_begin(db, &err))
		die("open", &err);
	int32_t day0;
	mg_date_parse("2025-11-01", &day0);
	for (int k = 0; k < NIGHTS; k++) {
		char date[11];
		mg_date_format(day0 + k, date);
		int on = (k / 7) % 2, sol = 20 + (k * 37) % 40 - (on ? 10 : 0), waso = 10 + (k * 13) % 30;
		int tib = 480, tst = tib - sol - waso - 10;
		struct mg_db_night n = {date, "{}", tib, sol, waso, tst, 10, 100.0 * tst / tib, on ? 250 : NAN};
		if (mg_db_night_put(db, &n, 0, "2026-11-23T00:00:00Z", &err))
			die("night_put", &err);
		if (k % 30 == 0) {
			char res[64];
			snprintf(res, sizeof res, "{\"total\":%d}", 16 - k / 60);
			if (mg_db_questionnaire_add(db, "isi", date, "[]", res, &err))
				die("questionnaire_add", &err);
			snprintf(res, sizeof res, "{\"global\":%d,\"poor_sleeper\":%s}", 9 - k / 60, k < 240 ? "true" : "false");
			if (k % 90 == 0 && mg_db_questionnaire_add(db, "psqi", date, "{}", res, &err))
				die("questionnaire_add", &err);
		}
	}
	if (mg_db_commit(db, &err))
		die("commit", &err);

	struct mg_kb *kb;
	struct mg_profile p;
	struct mg_advice *a = malloc(sizeof *a);
	mg_profile_init(&p);
	if (!a || mg_kb_load_builtin(&kb, &err) ||
	    mg_profile_load_json(&p, kb, profile_json, sizeof profile_json - 1, &err))
		die("profile", &err);
	static const char order[6] = {1, 0, 0, 1, 1, 0};
	struct mg_report_trial trial = {.start = day0 + 200, .end = day0 + 200 + 6 * 14 - 1, .pairs = 3,
					.period_days = 14, .order = order, .outcome_name = "the time to fall asleep",
					.unit = "minutes", .as_of = day0 + 300, .n_used = 3, .mean = -9.8, .ci_lo = -15.2,
					.ci_hi = -4.4, .outcome_id = "sol", .p_value = 0.25, .has_published = 1,
					.pub_mean = -17.36, .pub_lo = -27.27, .pub_hi = -7.44,
					.pub_source = "Mah & Pitre 2021", .conclusion = "inconclusive", .mid = 20,
					.adherence = 0.9, .missing_mg = 2, .missing_none = 1, .pp_mean = -10.5,
					.pp_lo = -16, .pp_hi = -5, .washout = 3, .elemental_mg = 250, .compound_mg = 1774,
					.form_name = "magnesium bisglycinate", .n_pauses = 1};
	trial.pauses[0].from = day0 + 230;
	trial.pauses[0].to = day0 + 233;
	snprintf(trial.conclusion_text, sizeof trial.conclusion_text, "Inconclusive: the interval is wide.");
	double *t = malloc((size_t)rounds * sizeof *t);
	struct mg_report_night *nights = calloc(NIGHTS, sizeof *nights);
	struct mg_report_score isi[32], psqi[32];
	struct mg_buf nb = MG_BUF_INIT, qb = MG_BUF_INIT, pb = MG_BUF_INIT, out = MG_BUF_INIT;
	size_t bytes = 0;
	if (!t || !nights)
		die("out of memory", NULL);
	for (int r = 0; r < rounds; r++) {
		double t0 = now();
		mg_buf_reset(&nb);
		mg_buf_reset(&qb);
		mg_buf_reset(&pb);
		mg_buf_reset(&out);
		if (mg_db_nights_json(db, NULL, NULL, &nb, &err) || mg_db_questionnaire_list(db, "isi", &qb, &err) ||
		    mg_db_questionnaire_list(db, "psqi", &pb, &err))
			die("read", &err);
		json_t *na = json_loadb(nb.data, nb.len, 0, NULL), *qa = json_loadb(qb.data, qb.len, 0, NULL),
		       *pa = json_loadb(pb.data, pb.len, 0, NULL);
		size_t i, nn = 0, ni = 0, np = 0;
		json_t *row;
		json_array_foreach(na, i, row) {
			struct mg_report_night *n = &nights[nn++];
			mg_date_parse(json_string_value(json_object_get(row, "date")), &n->date);
			n->tib = (int)json_integer_value(json_object_get(row, "tib"));
			n->tst = (int)json_integer_value(json_object_get(row, "tst"));
			n->sol = (int)json_integer_value(json_object_get(row, "sol"));
			n->waso = (int)json_integer_value(json_object_get(row, "waso"));
			n->se_pct = json_number_value(json_object_get(row, "se"));
			json_t *mg = json_object_get(row, "mg_elemental_mg");
			n->mg = json_is_number(mg) ? json_number_value(mg) : 0;
		}
		json_array_foreach(qa, i, row) {
			if (ni == 32)
				break;
			mg_date_parse(json_string_value(json_object_get(row, "date")), &isi[ni].date);
			isi[ni++].total = (int)json_integer_value(json_object_get(json_object_get(row, "result"), "total"));
		}
		json_array_foreach(pa, i, row) {
			if (np == 32)
				break;
			json_t *res = json_object_get(row, "result");
			mg_date_parse(json_string_value(json_object_get(row, "date")), &psqi[np].date);
			psqi[np].total = (int)json_integer_value(json_object_get(res, "global"));
			psqi[np++].flag = json_is_true(json_object_get(res, "poor_sleeper"));
		}
		json_decref(na);
		json_decref(qa);
		json_decref(pa);
		if (mg_advise(kb, &p, a, &err))
			die("advise", &err);
		struct mg_report_input in = {.version = "bench", .advice = a, .nights = nights, .n_nights = nn,
					     .isi = isi, .n_isi = ni, .trial = &trial, .psqi = psqi, .n_psqi = np,
					     .diet_mg = 260, .diet_source = "your food log, 3 days"};
		if (mg_render_sleep_report(&in, &out, &err))
			die("render", &err);
		t[r] = now() - t0;
		bytes = out.len;
		if (nn != NIGHTS)
			die("nights read back", NULL);
	}
	qsort(t, (size_t)rounds, sizeof *t, cmp_double);
	double med = t[rounds / 2] * 1e3;
	printf("# HTML report of %d nights: read + parse + advise + render, median of %d rounds\n", NIGHTS, rounds);
	printf("report_year_ms %.2f ms\n", med);
	printf("report_year_best_ms %.2f ms\n", t[0] * 1e3);
	printf("report_year_bytes %zu bytes\n", bytes);
	printf("# requirement: < 200 ms: %s\n", med < 200 ? "met" : "MISSED");
	mg_db_close(db);
	unlink(path);
	char wal[80];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
	rmdir(dir);
	mg_buf_release(&nb);
	mg_buf_release(&qb);
	mg_buf_release(&pb);
	mg_buf_release(&out);
	free(t);
	free(nights);
	free(a);
	mg_kb_free(kb);
	return med < 200 ? 0 : 1;
}
