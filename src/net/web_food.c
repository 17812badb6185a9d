/* The web API's food endpoints (docs/web-api.md): 'food search', 'food
 * log' (by the table's NDB number, as the pages pick a food from a search),
 * 'food list', 'food delete' and 'diet quiz', each write one transaction.
 * The lock is held and the store is open. */
#include "web_internal.h"

#include "../cli/cli.h" /* cli_now */

#include <mgsleep/food.h>
#include <mgsleep/kb.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HITS 20
#define QUIZ_MAX 24

/* GET /api/foods?q=WORDS: 'food search'. */
static void foods(const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_food_hit hits[MAX_HITS];
	const char *q = mg_http_query(req, "q");
	int n = mg_food_search(q, hits, MAX_HITS);
	if (n == MG_ENODATA) {
		web_error(res, 404, "foods", "foods: this build has no food table (docs/food.md)");
		return;
	}
	if (n < 0) {
		web_error(res, 400, "q", "q: accepted: 1 to 16 words");
		return;
	}
	web_json(res);
	mg_buf_printf(&res->body, "{\"matches\":%d,\"foods\":[", n);
	for (int i = 0; i < n && i < MAX_HITS; i++) {
		struct mg_food f;
		if (mg_food_get(hits[i].index, &f))
			continue;
		mg_buf_printf(&res->body, "%s{\"ndb\":\"%s\",\"description\":", i ? "," : "", f.ndb);
		mg_buf_put_json_str(&res->body, f.description);
		mg_buf_puts(&res->body, ",\"group\":");
		mg_buf_put_json_str(&res->body, f.group);
		mg_buf_puts(&res->body, ",\"mg_per_100g\":");
		mg_buf_put_num(&res->body, f.mg_per_100g, 1);
		mg_buf_putc(&res->body, '}');
	}
	mg_buf_puts(&res->body, "]}\n");
}

/* GET /api/food[?from=&to=]: 'food list --format json'. */
static void food_list(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	const char *from, *to;
	if (web_date_arg(req, res, "from", &from) || web_date_arg(req, res, "to", &to))
		return;
	web_json(res);
	if (mg_db_food_json(w->db, from, to, &res->body, &err))
		web_fail(res, &err);
	else
		mg_buf_putc(&res->body, '\n');
}

/* POST /api/food {"food": NDB number, "amount": "1 cup", "date"}: 'food
 * log', the amount read by the same parser (mg_food_portion_grams). */
static void food_log(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct mg_food f;
	double grams;
	char date[11];
	int32_t d;
	json_t *root = json_loadb(req->body, req->body_len, 0, NULL);
	const char *ndb = json_string_value(json_object_get(root, "food"));
	const char *amount = json_string_value(json_object_get(root, "amount"));
	const char *ds = json_string_value(json_object_get(root, "date"));
	if (!ndb || mg_food_find_ndb(ndb, &f)) {
		web_error(res, mg_food_available() ? 400 : 404, "food",
			  mg_food_available() ? "food: accepted: the NDB number of a food from GET /api/foods"
					      : "food: this build has no food table (docs/food.md)");
		goto out;
	}
	if (!amount || strlen(amount) > 100) {
		web_error(res, 400, "amount", "amount: accepted: grams (30 g) or a portion (1 cup, 2 tbsp)");
		goto out;
	}
	if (ds && (mg_date_parse(ds, &d) || d > web_today())) {
		web_error(res, 400, "date", "date: accepted: a date YYYY-MM-DD, not in the future");
		goto out;
	}
	mg_date_format(ds ? d : web_today(), date);
	if (mg_food_portion_grams(&f, amount, &grams, &err)) {
		web_fail(res, &err);
		goto out;
	}
	double mg = mg_food_mg(&f, grams);
	struct mg_db_food rec = {date, f.ndb, f.description, amount, grams, mg};
	if (web_begin(w, res, &err) || web_end(w, res, mg_db_food_add(w->db, &rec, cli_now(), &err), &err))
		goto out;
	res->status = 201;
	web_json(res);
	mg_buf_printf(&res->body, "{\"date\":\"%s\",\"ndb\":\"%s\",\"description\":", date, f.ndb);
	mg_buf_put_json_str(&res->body, f.description);
	mg_buf_puts(&res->body, ",\"amount\":");
	mg_buf_put_json_str(&res->body, amount);
	mg_buf_puts(&res->body, ",\"grams\":");
	mg_buf_put_num(&res->body, grams, 1);
	mg_buf_puts(&res->body, ",\"mg\":");
	mg_buf_put_num(&res->body, mg, 1);
	mg_buf_puts(&res->body, "}\n");
out:
	json_decref(root);
}

/* DELETE /api/food/ID: 'food delete ID' (kept in the audit table). */
static void food_delete(struct mg_web *w, const char *id_text, struct mg_http_response *res)
{
	struct mg_error err = {0};
	char *end;
	long long id = strtoll(id_text, &end, 10);
	if (!*id_text || *end || id <= 0) {
		web_error(res, 400, "id", "id: accepted: the id of a logged food (GET /api/food)");
		return;
	}
	if (web_begin(w, res, &err))
		return;
	int r = mg_db_food_delete(w->db, (int64_t)id, cli_now(), &err);
	if (web_end(w, res, r, &err)) {
		if (r == MG_EINVAL)
			web_error(res, 404, "id", "id: no logged food has it");
	} else {
		web_json(res);
		mg_buf_printf(&res->body, "{\"deleted\":%lld}\n", id);
	}
}

/* GET /api/diet/quiz: the questions, the answers' words and the latest
 * result; POST {"answers": [one frequency index per question], "date"}:
 * 'diet quiz --answers'. */
static void quiz(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	size_t ni, nf;
	const struct mg_diet_item *items = mg_kb_diet_items(w->o.kb, &ni);
	const struct mg_diet_freq *freqs = mg_kb_diet_freqs(w->o.kb, &nf);
	if (!strcmp(req->method, "GET")) {
		double mg;
		char date[11] = "";
		if (mg_db_diet_quiz_latest(w->db, &mg, date, &err)) {
			web_fail(res, &err);
			return;
		}
		web_json(res);
		mg_buf_puts(&res->body, "{\"items\":[");
		for (size_t k = 0; k < ni; k++) {
			mg_buf_puts(&res->body, k ? ",{\"id\":" : "{\"id\":");
			mg_buf_put_json_str(&res->body, items[k].id);
			mg_buf_puts(&res->body, ",\"question\":");
			mg_buf_put_json_str(&res->body, items[k].question);
			mg_buf_puts(&res->body, ",\"portion\":");
			mg_buf_put_json_str(&res->body, items[k].portion);
			mg_buf_putc(&res->body, '}');
		}
		mg_buf_puts(&res->body, "],\"frequencies\":[");
		for (size_t k = 0; k < nf; k++) {
			mg_buf_puts(&res->body, k ? ",{\"label\":" : "{\"label\":");
			mg_buf_put_json_str(&res->body, freqs[k].label);
			mg_buf_puts(&res->body, ",\"per_day\":");
			mg_buf_put_num(&res->body, freqs[k].per_day, 4);
			mg_buf_putc(&res->body, '}');
		}
		if (date[0]) {
			mg_buf_printf(&res->body, "],\"latest\":{\"date\":\"%s\",\"mg_per_day\":", date);
			mg_buf_put_num(&res->body, mg, 1);
			mg_buf_puts(&res->body, "}}\n");
		} else {
			mg_buf_puts(&res->body, "],\"latest\":null}\n");
		}
		return;
	}
	if (!web_method(req, res, "POST"))
		return;
	int ans[QUIZ_MAX];
	size_t n = 0, i;
	double total;
	char date[11];
	int32_t d;
	struct mg_buf a = MG_BUF_INIT;
	json_t *root = json_loadb(req->body, req->body_len, 0, NULL), *arr = json_object_get(root, "answers"), *v;
	const char *ds = json_string_value(json_object_get(root, "date"));
	if (!json_is_array(arr) || json_array_size(arr) > QUIZ_MAX) {
		web_error(res, 400, "answers", "answers: accepted: an array of one answer per question");
		goto out;
	}
	json_array_foreach(arr, i, v) ans[n++] = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	if (ds && (mg_date_parse(ds, &d) || d > web_today())) {
		web_error(res, 400, "date", "date: accepted: a date YYYY-MM-DD, not in the future");
		goto out;
	}
	mg_date_format(ds ? d : web_today(), date);
	if (mg_diet_quiz_score(w->o.kb, ans, n, &total, &a, &err) || a.failed) {
		web_fail(res, &err);
		goto out;
	}
	if (web_begin(w, res, &err) || web_end(w, res, mg_db_diet_quiz_add(w->db, date, a.data, total, &err), &err))
		goto out;
	res->status = 201;
	web_json(res);
	mg_buf_printf(&res->body, "{\"date\":\"%s\",\"mg_per_day\":", date);
	mg_buf_put_num(&res->body, total, 1);
	mg_buf_puts(&res->body, "}\n");
out:
	json_decref(root);
	mg_buf_release(&a);
}

int web_food(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res, const char *p)
{
	if (!strcmp(p, "foods")) {
		if (web_method(req, res, "GET"))
			foods(req, res);
	} else if (!strcmp(p, "food")) {
		if (!strcmp(req->method, "POST"))
			food_log(w, req, res);
		else if (web_method(req, res, "GET"))
			food_list(w, req, res);
	} else if (!strncmp(p, "food/", 5)) {
		if (web_method(req, res, "DELETE"))
			food_delete(w, p + 5, res);
	} else if (!strcmp(p, "diet/quiz")) {
		quiz(w, req, res);
	} else {
		return -1;
	}
	return 0;
}
