/* The web app's JSON API (docs/web-api.md): each handler calls the library
 * as the matching command does (named beside it), inside one transaction for
 * a write. The lock is held and the store is open (web.c). */
#include "web_internal.h"

#include "../cli/cli.h" /* cli_night_compute, cli_enrich_profile, cli_summary_json */

#include <mgsleep/advise.h>
#include <mgsleep/medname.h>
#include <mgsleep/night_input.h>
#include <mgsleep/questionnaire.h>
#include <mgsleep/render.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET /api/nights[?from=&to=]: the diary (as 'diary --format json') and
 * the device nights beside it. */
static void nights_get(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	const char *from, *to;
	if (web_date_arg(req, res, "from", &from) || web_date_arg(req, res, "to", &to))
		return;
	web_json(res);
	mg_buf_puts(&res->body, "{\"nights\":");
	if (mg_db_nights_json(w->db, from, to, &res->body, &err)) {
		web_fail(res, &err);
		return;
	}
	mg_buf_puts(&res->body, ",\"device_nights\":");
	if (mg_db_device_nights_json(w->db, from, to, &res->body, &err)) {
		web_fail(res, &err);
		return;
	}
	mg_buf_puts(&res->body, "}\n");
}

/* POST /api/nights: 'mgsleep log' (cmd_log.c) with the night as JSON. */
static void nights_post(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct mg_night_input *in = malloc(sizeof *in);
	struct mg_buf entry = MG_BUF_INIT;
	struct mg_night_metrics m;
	const struct mg_compound *form;
	double elemental;
	char date[11];
	int32_t today = web_today();
	if (!in) {
		web_error(res, 500, "", "out of memory");
		goto out;
	}
	if (mg_night_json_read(req->body, req->body_len, in, &err))
		goto bad;
	if (in->night.date == MG_DATE_UNSET)
		in->night.date = today;
	mg_date_format(in->night.date, date);
	if (mg_night_check_date(in->night.date, today, &err) || mg_night_input_missing(in, &err) ||
	    cli_night_compute(&in->night, &m, &err) || mg_night_input_entry(in, w->o.kb, &entry, &elemental, &form, &err))
		goto bad;
	struct mg_db_night rec = {date, entry.data, m.tib, m.sol, m.waso, m.tst, m.terminal_wake, m.se_pct, elemental};
	if (web_begin(w, res, &err))
		goto out;
	if (mg_db_night_put(w->db, &rec, in->replace, cli_now(), &err)) {
		mg_db_rollback(w->db);
		if (err.code == MG_EEXIST)
			web_error(res, 409, "date", "date: a night is already logged for this date; send replace: true to "
						    "replace it (the old entry is kept in the audit table)");
		else
			web_fail(res, &err);
		goto out;
	}
	if (web_commit(w, res, &err))
		goto out;
	res->status = in->replace ? 200 : 201;
	web_json(res);
	mg_buf_printf(&res->body, "{\"date\":\"%s\",\"tib\":%d,\"sol\":%d,\"waso\":%d,\"tst\":%d,\"terminal_wake\":%d,\"se\":",
		      date, m.tib, m.sol, m.waso, m.tst, m.terminal_wake);
	mg_buf_put_num(&res->body, m.se_pct, 1);
	mg_buf_puts(&res->body, ",\"entry\":");
	mg_buf_add(&res->body, entry.data, entry.len);
	mg_buf_puts(&res->body, "}\n");
	goto out;
bad:
	web_fail(res, &err);
out:
	mg_buf_release(&entry);
	free(in);
}

/* GET and DELETE /api/nights/DATE. A delete is 'log --date D --delete':
 * the entry goes to the audit table. */
static void night_one(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res,
		      const char *date)
{
	struct mg_error err = {0};
	int32_t d;
	char *json = NULL;
	if (mg_date_parse(date, &d)) {
		web_error(res, 400, "date", "date: accepted: /api/nights/YYYY-MM-DD");
		return;
	}
	int del = !strcmp(req->method, "DELETE");
	if (!del && !web_method(req, res, "GET"))
		return;
	if (mg_db_night_get(w->db, date, &json, &err)) {
		web_fail(res, &err);
		return;
	}
	if (!json) {
		web_error(res, 404, "date", "date: no night logged for this date");
		return;
	}
	if (!del) {
		web_json(res);
		mg_buf_puts(&res->body, json);
		mg_buf_putc(&res->body, '\n');
	} else if (!web_begin(w, res, &err) && !web_end(w, res, mg_db_night_delete(w->db, date, cli_now(), &err), &err)) {
		web_json(res);
		mg_buf_printf(&res->body, "{\"deleted\":\"%s\"}\n", date);
	}
	free(json);
}

/* GET /api/profile ('profile show'), PUT /api/profile (a whole profile as
 * 'profile set' stores it: read, checked and written back by the library). */
static void profile(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	char *json = NULL;
	struct mg_buf out = MG_BUF_INIT;
	struct mg_profile *p = malloc(sizeof *p);
	if (!p) {
		web_error(res, 500, "", "out of memory");
		return;
	}
	if (!strcmp(req->method, "GET")) {
		if (mg_db_profile_get(w->db, &json, &err))
			web_fail(res, &err);
		else if (!json)
			web_error(res, 404, "profile", "profile: none stored yet");
		else {
			web_json(res);
			mg_buf_puts(&res->body, json);
			mg_buf_putc(&res->body, '\n');
		}
	} else if (web_method(req, res, "PUT")) {
		mg_profile_init(p);
		if (mg_profile_load_json(p, w->o.kb, req->body, req->body_len, &err) || mg_profile_check(p, &err)) {
			web_fail(res, &err);
		} else {
			mg_profile_to_json(p, w->o.kb, &out);
			if (out.failed)
				web_error(res, 500, "", "out of memory");
			else if (!web_begin(w, res, &err) &&
				 !web_end(w, res, mg_db_profile_put(w->db, out.data, cli_now(), &err), &err)) {
				web_json(res);
				mg_buf_add(&res->body, out.data, out.len);
				mg_buf_putc(&res->body, '\n');
			}
		}
	}
	mg_buf_release(&out);
	free(json);
	free(p);
}

/* GET /api/advice: 'advise --format json' from the stored profile, with
 * the diet estimate and latest ISI filled in (cli_stored_advice_e). */
static void advice(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct mg_profile *p = malloc(sizeof *p);
	struct mg_advice *a = malloc(sizeof *a);
	struct mg_render_opts ro = {MG_FMT_JSON, 0, 0, MGSLEEP_VERSION};
	if (!web_method(req, res, "GET"))
		goto out;
	if (!p || !a) {
		web_error(res, 500, "", "out of memory");
		goto out;
	}
	int r = cli_stored_advice_e(w->db, w->o.kb, a, p, &err);
	if (r == 1)
		web_error(res, 404, "profile", "profile: none stored yet; fill in the profile first (PUT /api/profile)");
	else if (r == 2)
		web_error(res, 400, "age", "age: the stored profile has none, which advice needs");
	else if (r < 0)
		web_fail(res, &err);
	else {
		web_json(res);
		if (mg_render_advice(a, &ro, &res->body, &err))
			web_fail(res, &err);
	}
out:
	free(p);
	free(a);
}

/* GET /api/summary[?weeks=N]: 'summary --format json'. */
static void summary(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	const char *q = mg_http_query(req, "weeks");
	char *end;
	long weeks = q ? strtol(q, &end, 10) : 8;
	if (!web_method(req, res, "GET"))
		return;
	if ((q && (!*q || *end)) || weeks < 1 || weeks > 520) {
		web_error(res, 400, "weeks", "weeks: accepted: 1 to 520");
		return;
	}
	web_json(res);
	if (cli_summary_json(w->db, (size_t)weeks, &res->body, &err))
		web_fail(res, &err);
}

/* GET /api/report[?from=&to=]: 'report', one self-contained HTML page to
 * print or save (inline <style> and SVG charts, no script). */
static void report(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	const char *from, *to;
	if (!web_method(req, res, "GET") || web_date_arg(req, res, "from", &from) || web_date_arg(req, res, "to", &to))
		return;
	if (from && to && strcmp(from, to) > 0) {
		web_error(res, 400, "from", "from: must not be after to");
		return;
	}
	if (cli_report_html(w->db, w->o.kb, from, to, web_today(), &res->body, &err)) {
		web_fail(res, &err);
		return;
	}
	res->content_type = "text/html; charset=utf-8";
	web_csp_for_inline_styles(res);
}

/* GET /api/trial: the current trial as stored ('trial status' reads it). */
static void trial(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	char *json = NULL;
	if (!web_method(req, res, "GET"))
		return;
	if (mg_db_trial_latest(w->db, &json, &err))
		web_fail(res, &err);
	else if (!json)
		web_error(res, 404, "trial", "trial: none planned yet");
	else {
		web_json(res);
		mg_buf_puts(&res->body, json);
		mg_buf_putc(&res->body, '\n');
	}
	free(json);
}

/* GET /api/export?format=json|fhir: 'export' and 'export --format fhir',
 * everything in the store, as a download. */
static void export(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct mg_buf json = MG_BUF_INIT;
	const char *f = mg_http_query(req, "format");
	int fhir = f && !strcmp(f, "fhir");
	if (!web_method(req, res, "GET"))
		return;
	if (f && strcmp(f, "json") && !fhir) {
		web_error(res, 400, "format", "format: accepted: json, fhir (csv: use mgsleep export --format csv)");
		return;
	}
	if ((fhir ? mg_db_export_profile_json(w->db, &json, &err) : mg_db_export_json(w->db, &res->body, &err)) ||
	    (fhir && cli_export_fhir_e(w->db, w->o.kb, json.data, &res->body, &err))) {
		web_fail(res, &err);
	} else {
		res->content_type = fhir ? "application/fhir+json" : "application/json";
		mg_http_set_header(res, "Content-Disposition",
				   fhir ? "attachment; filename=\"mgsleep-fhir.json\""
					: "attachment; filename=\"mgsleep-export.json\"");
	}
	mg_buf_release(&json);
}

/* A questionnaire's date: given (not in the future) or today; NULL with the
 * 400 written. */
static const char *q_date(const char *date, char today[11], struct mg_http_response *res)
{
	int32_t d;
	if (date && (mg_date_parse(date, &d) || d > web_today())) {
		web_error(res, 400, "date", "date: accepted: a date YYYY-MM-DD, not in the future");
		return NULL;
	}
	if (!date) {
		mg_date_format(web_today(), today);
		date = today;
	}
	return date;
}

/* Store a questionnaire's answers and result in one transaction, as
 * cli_q_save does. 0, or -1 with the error written. */
static int q_save(struct mg_web *w, struct mg_http_response *res, const char *kind, const char *date,
		  const char *answers, const char *result)
{
	struct mg_error err = {0};
	return web_begin(w, res, &err) ||
			       web_end(w, res, mg_db_questionnaire_add(w->db, kind, date, answers, result, &err), &err)
		       ? -1
		       : 0;
}

/* POST /api/isi {"date": "YYYY-MM-DD" (default today), "answers": [7 item
 * scores 0-4]}: 'isi --answers', stored the same way. */
static void isi(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct mg_isi s;
	int items[MG_ISI_ITEMS];
	char today[11], list[64] = "";
	struct mg_buf ans = MG_BUF_INIT, result = MG_BUF_INIT;
	if (!web_method(req, res, "POST"))
		return;
	json_t *root = json_loadb(req->body, req->body_len, 0, NULL), *a = json_object_get(root, "answers"), *v;
	const char *date = json_string_value(json_object_get(root, "date"));
	size_t i, k = 0;
	if (!json_is_array(a) || json_array_size(a) != MG_ISI_ITEMS) {
		web_error(res, 400, "answers", "answers: accepted: an array of the seven item scores (0-4) in order");
		goto out;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v)) {
			web_error(res, 400, "answers", "answers: accepted: an array of the seven item scores (0-4) in order");
			goto out;
		}
		k += (size_t)snprintf(list + k, sizeof list - k, "%s%lld", i ? "," : "", (long long)json_integer_value(v));
		if (k >= sizeof list) {
			web_error(res, 400, "answers", "answers: accepted: the seven item scores (0-4) in order");
			goto out;
		}
	}
	if (!(date = q_date(date, today, res)))
		goto out;
	if (mg_isi_parse(list, items, &err) || mg_isi_score(items, &s, &err)) {
		web_fail(res, &err);
		goto out;
	}
	mg_buf_printf(&ans, "[%s]", list);
	mg_isi_result_json(&s, &result);
	if (ans.failed || result.failed) {
		web_error(res, 500, "", "out of memory");
		goto out;
	}
	if (q_save(w, res, "isi", date, ans.data, result.data))
		goto out;
	res->status = 201;
	web_json(res);
	mg_buf_printf(&res->body, "{\"date\":\"%s\",\"items\":%s,\"total\":%d,\"category\":\"%s\"}\n", date, ans.data,
		      s.total, mg_isi_category_name(s.category));
out:
	json_decref(root);
	mg_buf_release(&ans);
	mg_buf_release(&result);
}

/* POST /api/psqi {"date": "YYYY-MM-DD" (default today), "answers": {the
 * items as 'psqi --answers FILE' takes them, docs/questionnaires.md}}. */
static void psqi(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct mg_psqi_answers a;
	struct mg_psqi_result r;
	char today[11];
	char *ans = NULL;
	struct mg_buf result = MG_BUF_INIT;
	if (!web_method(req, res, "POST"))
		return;
	json_t *root = json_loadb(req->body, req->body_len, 0, NULL), *ja = json_object_get(root, "answers");
	const char *date = json_string_value(json_object_get(root, "date"));
	if (!json_is_object(ja) || !(ans = json_dumps(ja, JSON_COMPACT))) {
		web_error(res, 400, "answers", "answers: accepted: an object of the PSQI items (docs/questionnaires.md)");
		goto out;
	}
	if (!(date = q_date(date, today, res)))
		goto out;
	if (mg_psqi_parse_json(ans, strlen(ans), &a, &err) || mg_psqi_score(&a, &r, &err)) {
		web_fail(res, &err);
		goto out;
	}
	mg_psqi_result_json(&r, &result);
	if (result.failed) {
		web_error(res, 500, "", "out of memory");
		goto out;
	}
	if (q_save(w, res, "psqi", date, ans, result.data))
		goto out;
	res->status = 201;
	web_json(res);
	mg_buf_printf(&res->body, "{\"date\":\"%s\",%s\n", date, result.data + 1);
out:
	free(ans);
	json_decref(root);
	mg_buf_release(&result);
}

/* GET /api/isi, /api/psqi: the history ('isi --history --format json'). */
static void q_history(struct mg_web *w, const char *kind, struct mg_http_response *res)
{
	struct mg_error err = {0};
	web_json(res);
	if (mg_db_questionnaire_list(w->db, kind, &res->body, &err))
		web_fail(res, &err);
	else
		mg_buf_putc(&res->body, '\n');
}

/* GET /api/medicines/suggest?q=NAME: what 'profile set --med' recognises
 * in it, and the closest known name when a part is not recognised. */
static void medicines(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_med_match m;
	const char *q = mg_http_query(req, "q");
	if (!q || !*q || strlen(q) > 200) {
		web_error(res, 400, "q", "q: accepted: 1 to 200 characters");
		return;
	}
	mg_kb_match_medicine(w->o.kb, q, &m);
	web_json(res);
	mg_buf_puts(&res->body, "{\"recognised\":[");
	for (size_t i = 0; i < m.n; i++) {
		if (i)
			mg_buf_putc(&res->body, ',');
		mg_buf_put_json_str(&res->body, m.med[i]->name);
	}
	mg_buf_printf(&res->body, "],\"unrecognised\":%s,\"suggestion\":", m.unrecognised ? "true" : "false");
	if (m.suggestion)
		mg_buf_put_json_str(&res->body, m.suggestion);
	else
		mg_buf_puts(&res->body, "null");
	mg_buf_puts(&res->body, "}\n");
}

void web_api(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	const char *p = req->path + 5; /* after "/api/" */
	if (!strcmp(p, "nights")) {
		res->route = "nights";
		if (!strcmp(req->method, "POST"))
			nights_post(w, req, res);
		else if (web_method(req, res, "GET"))
			nights_get(w, req, res);
	} else if (!strncmp(p, "nights/", 7)) {
		res->route = "night";
		night_one(w, req, res, p + 7);
	} else if (!strcmp(p, "profile")) {
		res->route = "profile";
		profile(w, req, res);
	} else if (!strcmp(p, "advice")) {
		res->route = "advice";
		advice(w, req, res);
	} else if (!strcmp(p, "report")) {
		res->route = "report";
		report(w, req, res);
	} else if (!strcmp(p, "summary")) {
		res->route = "summary";
		summary(w, req, res);
	} else if (!strcmp(p, "trial")) {
		res->route = "trial";
		trial(w, req, res);
	} else if (!strncmp(p, "trial/", 6)) {
		res->route = "trial";
		if (web_trial(w, req, res, p + 6))
			web_error(res, 404, "path", "path: no such API endpoint (docs/web-api.md)");
	} else if (!strcmp(p, "export")) {
		res->route = "export";
		export(w, req, res);
	} else if (!strcmp(p, "isi")) {
		res->route = "isi";
		if (!strcmp(req->method, "GET"))
			q_history(w, "isi", res);
		else
			isi(w, req, res);
	} else if (!strcmp(p, "psqi")) {
		res->route = "psqi";
		if (!strcmp(req->method, "GET"))
			q_history(w, "psqi", res);
		else
			psqi(w, req, res);
	} else if (!strcmp(p, "forms")) {
		/* 'forms --format json': the compounds for the magnesium form field. */
		res->route = "forms";
		if (web_method(req, res, "GET")) {
			web_json(res);
			mg_forms_json(w->o.kb, &res->body);
		}
	} else if (!strcmp(p, "foods") || !strncmp(p, "food", 4) || !strncmp(p, "diet/", 5)) {
		res->route = "food";
		if (web_food(w, req, res, p))
			web_error(res, 404, "path", "path: no such API endpoint (docs/web-api.md)");
	} else if (!strcmp(p, "medicines/suggest")) {
		res->route = "medicines";
		if (web_method(req, res, "GET"))
			medicines(w, req, res);
	} else if (!strcmp(p, "import")) {
		res->route = "import";
		web_error(res, 405, "method", "method: accepted: POST with multipart/form-data");
	} else {
		res->route = "not-found";
		web_error(res, 404, "path", "path: no such API endpoint (docs/web-api.md)");
	}
}
