/* The web API's trial endpoints (docs/web-api.md): what 'trial plan',
 * 'trial analyze', 'trial plan --ics', 'trial event' and 'trial resume' do, through the same
 * loaders (src/cli/trial_load.c) and renderers (trial_report.h), with their
 * refusals as JSON errors. The lock is held and the store is open. */
#include "web_internal.h"

#include "../cli/trial_cli.h" /* cli_trial_load_e, cli_trial_analyse_e, cli_now */

#include <mgsleep/trial_report.h>

#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A date from the query or body, or today; 0, or -1 with the 400 written. */
static int date_or_today(const char *given, char out[11], int32_t *d, struct mg_http_response *res)
{
	if (!given) {
		*d = web_today();
		mg_date_format(*d, out);
		return 0;
	}
	if (mg_date_parse(given, d)) {
		web_error(res, 400, "date", "date: accepted: a date YYYY-MM-DD");
		return -1;
	}
	snprintf(out, 11, "%s", given);
	return 0;
}

/* No trial is 404; anything else as web_fail says. */
static void trial_fail(struct mg_http_response *res, const struct mg_error *err)
{
	if (err->code == MG_EINVAL && !strcmp(err->field, "trial"))
		web_error(res, 404, "trial", err->msg);
	else
		web_fail(res, err);
}

/* GET /api/trial/analysis[?date=]: 'trial analyze --format json'. */
static void analysis(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	char date[11];
	int32_t d;
	if (date_or_today(mg_http_query(req, "date"), date, &d, res))
		return;
	struct cli_trial_run *run = cli_trial_analyse_e(w->db, w->o.kb, 0, d, &err);
	if (!run) {
		trial_fail(res, &err);
		return;
	}
	web_json(res);
	mg_trial_analysis_json(&res->body, w->o.kb, &run->an, date);
	free(run);
}

/* GET /api/trial/ics: the plan's calendar, as 'trial plan --ics FILE'
 * writes it. */
static void ics(struct mg_web *w, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct mg_trial *t = malloc(sizeof *t);
	if (!t) {
		web_error(res, 500, "", "out of memory");
		return;
	}
	if (cli_trial_load_e(w->db, w->o.kb, 0, t, &err)) {
		trial_fail(res, &err);
	} else {
		res->content_type = "text/calendar; charset=utf-8";
		mg_trial_ics(&res->body, t, cli_now(), MGSLEEP_VERSION);
		mg_http_set_header(res, "Content-Disposition", "attachment; filename=\"mgsleep-trial.ics\"");
	}
	free(t);
}

struct latest {
	struct mg_trial t;
	struct mg_trial_pauses pz;
};

/* Write one event row in its own transaction. */
static int add_event(struct mg_web *w, const struct mg_db_trial_event *row, struct mg_http_response *res)
{
	struct mg_error err = {0};
	return web_begin(w, res, &err) || web_end(w, res, mg_db_trial_event_add(w->db, row, cli_now(), &err), &err)
		       ? -1
		       : 0;
}

/* POST /api/trial/event {"date", "symptom": "a,b" or ["a","b"], "note"}:
 * an adverse event, as 'trial event' (cli_trial_event_prepare_e: the same
 * checks and words); a stop rule pauses the trial. */
static void event(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct cli_trial_event e = {{0}, MG_BUF_INIT, MG_BUF_INIT};
	char date[11], list[512] = "";
	int32_t d;
	json_t *root = json_loadb(req->body, req->body_len, 0, NULL), *sym = json_object_get(root, "symptom");
	if (date_or_today(json_string_value(json_object_get(root, "date")), date, &d, res))
		goto out;
	if (json_is_string(sym)) {
		snprintf(list, sizeof list, "%s", json_string_value(sym));
	} else if (json_is_array(sym)) {
		size_t i, k = 0;
		json_t *v;
		json_array_foreach(sym, i, v) {
			if (json_is_string(v) && k < sizeof list)
				k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? "," : "", json_string_value(v));
		}
	}
	if (cli_trial_event_prepare_e(w->db, w->o.kb, date, list, json_string_value(json_object_get(root, "note")), &e,
				      &err)) {
		trial_fail(res, &err);
		goto out;
	}
	if (add_event(w, &e.row, res))
		goto out;
	res->status = 201;
	web_json(res);
	mg_buf_printf(&res->body, "{\"date\":\"%s\",\"stops\":%s,\"text\":", date, e.row.stops ? "true" : "false");
	mg_buf_put_json_str(&res->body, e.text.data ? e.text.data : "");
	mg_buf_puts(&res->body, "}\n");
out:
	json_decref(root);
	cli_trial_event_release(&e);
}

/* POST /api/trial/resume {"date"}: as 'trial resume'. */
static void resume(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct mg_buf text = MG_BUF_INIT;
	struct latest *l = malloc(sizeof *l);
	char date[11];
	int32_t d;
	json_t *root = json_loadb(req->body, req->body_len, 0, NULL);
	if (!l) {
		web_error(res, 500, "", "out of memory");
		goto out;
	}
	if (date_or_today(json_string_value(json_object_get(root, "date")), date, &d, res))
		goto out;
	if (cli_trial_load_e(w->db, w->o.kb, 0, &l->t, &err) || cli_trial_load_pauses_e(w->db, l->t.id, &l->pz, &err)) {
		trial_fail(res, &err);
		goto out;
	}
	if (mg_trial_resume_check(&l->pz, d, &err)) {
		web_fail(res, &err);
		goto out;
	}
	struct mg_db_trial_event row = {date, "resume", "[]", 0, ""};
	if (add_event(w, &row, res))
		goto out;
	mg_trial_resume_text(&text, w->o.kb, &l->pz, date);
	web_json(res);
	mg_buf_printf(&res->body, "{\"date\":\"%s\",\"text\":", date);
	mg_buf_put_json_str(&res->body, text.data ? text.data : "");
	mg_buf_puts(&res->body, "}\n");
out:
	json_decref(root);
	free(l);
	mg_buf_release(&text);
}

/* GET /api/trial[?date=]: the current trial as stored, with its periods
 * (as 'trial plan --format json') and what evening date (default today) is
 * for it (as 'trial today --date': mg_trial_tonight, with the pauses), so
 * the pages show the library's calendar and never compute one. */
void web_trial_get(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct latest *l = malloc(sizeof *l);
	char *json = NULL, date[11];
	int32_t d;
	if (!l) {
		web_error(res, 500, "", "out of memory");
		goto out;
	}
	if (!web_method(req, res, "GET") || date_or_today(mg_http_query(req, "date"), date, &d, res))
		goto out;
	if (mg_db_trial_latest(w->db, &json, &err)) {
		web_fail(res, &err);
		goto out;
	}
	if (!json) {
		web_error(res, 404, "trial", "trial: none planned yet");
		goto out;
	}
	size_t n = strlen(json);
	while (n && json[n - 1] != '}')
		n--;
	if (!n || cli_trial_load_e(w->db, w->o.kb, 0, &l->t, &err) ||
	    cli_trial_load_pauses_e(w->db, l->t.id, &l->pz, &err)) {
		if (!n)
			mg_fail(&err, MG_EIO, "trial", "trial: the stored trial is damaged");
		trial_fail(res, &err);
		goto out;
	}
	web_json(res);
	mg_buf_add(&res->body, json, n - 1);
	mg_buf_puts(&res->body, ",\"periods\":");
	mg_trial_periods_json(&res->body, &l->t);
	mg_buf_puts(&res->body, ",\"tonight\":");
	mg_trial_tonight_json(&res->body, w->o.kb, &l->t, &l->pz, d);
	mg_buf_puts(&res->body, "}\n");
out:
	free(json);
	free(l);
}

/* An integer body field, or def when absent; -1 with the 400 written when
 * it is not a whole number. */
static int int_field(json_t *root, const char *key, long def, long *out, struct mg_http_response *res)
{
	json_t *v = json_object_get(root, key);
	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < -100000 || json_integer_value(v) > 100000) {
		char msg[80];
		snprintf(msg, sizeof msg, "%s: accepted: a whole number", key);
		web_error(res, 400, key, msg);
		return -1;
	}
	*out = (long)json_integer_value(v);
	return 0;
}

/* POST /api/trial/plan {"start", "pairs", "period_days", "washout",
 * "baseline_days", "outcome", "seed", "replace"}: 'trial plan --format
 * json' (cli_trial_plan_make: the same checks, dose and power). */
static void plan(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	const struct mg_trial_design *dg = mg_kb_trial_design(w->o.kb);
	struct mg_error err = {0};
	struct cli_plan_in in = {0};
	struct cli_plan_out *po = malloc(sizeof *po);
	struct mg_trial_plan_view v;
	char start[11];
	json_t *root = json_loadb(req->body, req->body_len, 0, NULL), *seed = json_object_get(root, "seed");
	if (!po) {
		web_error(res, 500, "", "out of memory");
		goto out;
	}
	if (!json_is_object(root)) {
		web_error(res, 400, "body", "body: accepted: a JSON object (docs/web-api.md)");
		goto out;
	}
	if (date_or_today(json_string_value(json_object_get(root, "start")), start, &in.start, res) ||
	    int_field(root, "pairs", dg->pairs, &in.pairs, res) ||
	    int_field(root, "period_days", dg->period_days, &in.period_days, res) ||
	    int_field(root, "washout", dg->washout, &in.washout, res) ||
	    int_field(root, "baseline_days", 0, &in.baseline, res))
		goto out;
	in.outcome = json_string_value(json_object_get(root, "outcome"));
	in.replace = json_is_true(json_object_get(root, "replace"));
	if (json_is_integer(seed) && json_integer_value(seed) >= 0) {
		in.seed = (uint64_t)json_integer_value(seed);
	} else if (seed && !json_is_null(seed)) {
		web_error(res, 400, "seed", "seed: accepted: a whole number 0 or more");
		goto out;
	} else {
		randombytes_buf(&in.seed, sizeof in.seed);
	}
	if (cli_trial_plan_make(w->db, w->o.kb, &in, web_today(), cli_now(), po, &err)) {
		web_fail(res, &err);
		goto out;
	}
	cli_trial_plan_view(po, NULL, &v);
	res->status = 201;
	web_json(res);
	mg_trial_plan_json(&res->body, &v);
out:
	json_decref(root);
	free(po);
}

int web_trial(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res, const char *p)
{
	int get = !strcmp(req->method, "GET"), post = !strcmp(req->method, "POST");
	if (!strcmp(p, "analysis") && get)
		analysis(w, req, res);
	else if (!strcmp(p, "ics") && get)
		ics(w, res);
	else if (!strcmp(p, "event") && post)
		event(w, req, res);
	else if (!strcmp(p, "resume") && post)
		resume(w, req, res);
	else if (!strcmp(p, "plan") && post)
		plan(w, req, res);
	else if (!strcmp(p, "analysis") || !strcmp(p, "ics") || !strcmp(p, "event") || !strcmp(p, "resume") ||
		 !strcmp(p, "plan"))
		web_error(res, 405, "method", get ? "method: accepted: POST" : "method: accepted: GET");
	else
		return -1;
	return 0;
}
