/* The record stream and the results of `mgsleep screen`
 * (include/mgsleep/screen.h, docs/screening.md): CSV quoting (RFC 4180
 * section 2: quoted commas and line breaks, "" for a quote, CRLF), the
 * format sniffing, error results (line, field, never the value), a line over
 * the cap, and every result valid against docs/screen-result.schema.json.
 * Expected values are the inputs themselves (ids, line numbers counted by
 * hand) and the rules of RFC 4180, not the program's output. */
#include <mgsleep/profile.h>
#include <mgsleep/screen.h>

#include "../tap.h"
#include "jsonschema.h"

#include <jansson.h>
#include <stdlib.h>

static const struct mg_kb *kb;
static json_t *schema;

/* Screen text in format fmt; the results as a JSON array in *res (NULL if
 * the stream failed: then the MG_E* code is returned). */
static int screen(const char *text, enum mg_screen_format fmt, unsigned fields, json_t **res, long *failed,
		  struct mg_error *err)
{
	struct mg_reader r;
	struct mg_reader_memctx m;
	struct mg_screen_in *in = NULL;
	struct mg_screen_batch b = MG_SCREEN_BATCH_INIT;
	struct mg_screen_work *w = NULL;
	struct mg_buf out = MG_BUF_INIT;
	int rc;
	*res = NULL;
	*failed = 0;
	mg_reader_mem(&r, &m, "test", text, strlen(text));
	if ((rc = mg_screen_in_open(&in, &r, fmt, err)) || (rc = mg_screen_work_new(&w, err)))
		goto out;
	struct mg_screen_opts o = {kb, in, fields, 20424 /* 2025-12-02 */, "test"};
	int n;
	/* batches of 2 records, so that records cross batches */
	while ((n = mg_screen_in_fill(in, &b, 2, 1 << 20, err)) > 0)
		*failed += mg_screen_run(&o, w, &b, 0, (size_t)n, &out);
	if ((rc = n) < 0)
		goto out;
	*res = json_array();
	for (const char *s = out.data ? out.data : "", *nl; (nl = strchr(s, '\n')); s = nl + 1) {
		json_error_t je;
		json_t *v = json_loadb(s, (size_t)(nl - s), 0, &je);
		char why[256] = "";
		if (!v || js_validate(schema, v, why, sizeof why)) {
			tap_okf(0, "result line is JSON valid against the schema (%s)", v ? why : je.text);
			json_decref(v);
			continue;
		}
		json_array_append_new(*res, v);
	}
out:
	mg_buf_release(&out);
	mg_screen_work_free(w);
	mg_screen_batch_release(&b);
	mg_screen_in_close(in);
	return rc;
}

static const char *id_of(json_t *res, size_t i)
{
	return json_string_value(json_object_get(json_array_get(res, i), "id"));
}

static long err_line(json_t *res, size_t i)
{
	return (long)json_integer_value(json_object_get(json_object_get(json_array_get(res, i), "error"), "line"));
}

static const char *err_field(json_t *res, size_t i)
{
	return json_string_value(json_object_get(json_object_get(json_array_get(res, i), "error"), "field"));
}

static const char *verdict(json_t *res, size_t i)
{
	return json_string_value(json_object_get(json_array_get(res, i), "verdict"));
}

static void test_csv_quoting(void)
{
	struct mg_error err = {0};
	json_t *res;
	long failed;
	/* RFC 4180 2.6: a quoted field holds commas and line breaks; 2.7: ""
	 * is a quote. Line numbers: the header is line 1; the second record
	 * starts on line 3 and its quoted id spans lines 3-4, so the third
	 * starts on line 5. A UTF-8 BOM before the header is dropped. */
	const char *csv = "\xEF\xBB\xBFid,age,sex,medicines\r\n"
			  "\"a,1\",52,female,\"levothyroxine;doxycycline\"\r\n"
			  "\"say \"\"hi\"\"\nthere\",40,male,\r\n"
			  "c,,female,\n"
			  "d,30\n"
			  "e,45,\"female\",omeprazole\n";
	int rc = screen(csv, MG_SCREEN_AUTO, MG_SCREEN_COMPACT, &res, &failed, &err);
	tap_okf(rc == 0 && res && json_array_size(res) == 5, "CSV: 5 records, 5 results (rc %d, %s)", rc, err.msg);
	if (!res)
		return;
	tap_ok(id_of(res, 0) && !strcmp(id_of(res, 0), "a,1"), "CSV: a quoted comma stays in the field (RFC 4180 2.6)");
	json_t *inter = json_object_get(json_array_get(res, 0), "interactions");
	tap_okf(json_array_size(inter) == 2, "CSV: medicines split at ';' (2 recognised, got %zu)",
		json_array_size(inter));
	tap_ok(id_of(res, 1) && !strcmp(id_of(res, 1), "say \"hi\"\nthere"),
	       "CSV: \"\" is a quote and a quoted line break is kept (RFC 4180 2.6, 2.7)");
	tap_ok(verdict(res, 1) != NULL, "CSV: an empty medicines cell is no medicine, not an error");
	tap_okf(err_line(res, 2) == 5 && err_field(res, 2) && !strcmp(err_field(res, 2), "age"),
		"CSV: an empty age cell: error on line 5 (after a record over two lines), field age (line %ld)",
		err_line(res, 2));
	tap_okf(err_line(res, 3) == 6 && id_of(res, 3) == NULL,
		"CSV: a short record: error on line 6 with no id (the id cell is not trusted; line %ld)",
		err_line(res, 3));
	tap_ok(verdict(res, 4) != NULL && !strcmp(id_of(res, 4), "e"), "CSV: the run goes on after errors");
	tap_okf(failed == 2, "CSV: 2 error results counted (%ld)", failed);
	json_decref(res);

	rc = screen("id,age\n\"unclosed,40\n", MG_SCREEN_CSV, MG_SCREEN_COMPACT, &res, &failed, &err);
	tap_okf(rc == MG_EPARSE, "CSV: a quote not closed at the end stops the stream (MG_EPARSE, %d)", rc);
	json_decref(res);
	rc = screen("id,age,colour\n1,40,red\n", MG_SCREEN_CSV, MG_SCREEN_COMPACT, &res, &failed, &err);
	tap_okf(rc == MG_EINVAL && !strcmp(err.field, "header") && strstr(err.msg, "column 3"),
		"CSV: an unknown column is a header error naming its number (%s)", err.msg);
	rc = screen("age,id,age\n40,1,41\n", MG_SCREEN_CSV, MG_SCREEN_COMPACT, &res, &failed, &err);
	tap_okf(rc == MG_EINVAL && strstr(err.msg, "column 3 repeats column 1"), "CSV: a repeated column (%s)", err.msg);
}

static void test_ndjson(void)
{
	struct mg_error err = {0};
	json_t *res;
	long failed;
	const char *nd = "{\"id\":\"x1\",\"age\":40,\"sex\":\"female\"}\n"
			 "\n"
			 "{\"id\":\"x2\",\"age\":\"forty-secret\"}\r\n"
			 "{\"id\":3,\"age\":50,\"sex\":\"male\",\"colour\":\"crimson-secret\"}\n"
			 "{not json\n"
			 "{\"id\":\"x5\",\"sex\":\"female\"}\n"
			 "{\"id\":\"x6\",\"age\":50,\"sex\":\"male\",\"pregnant\":true}\n"
			 "{\"id\":\"x7\",\"age\":70,\"sex\":\"male\"}";
	int rc = screen(nd, MG_SCREEN_AUTO, MG_SCREEN_COMPACT, &res, &failed, &err);
	tap_okf(rc == 0 && json_array_size(res) == 7, "NDJSON: 7 records (a blank line skipped), 7 results (%d)", rc);
	if (!res)
		return;
	tap_ok(verdict(res, 0) && !strcmp(id_of(res, 0), "x1"), "NDJSON: a good record gives a verdict with its id");
	tap_okf(err_line(res, 1) == 3 && !strcmp(err_field(res, 1), "age") && !strcmp(id_of(res, 1), "x2"),
		"NDJSON: a bad value: line 3 (the blank line counted), field age, id kept (line %ld)", err_line(res, 1));
	char *dump = json_dumps(res, 0);
	tap_ok(dump && !strstr(dump, "forty-secret") && !strstr(dump, "crimson-secret"),
	       "NDJSON: no error result echoes a value (an unknown key is named, its value is not)");
	free(dump);
	tap_okf(err_line(res, 2) == 4 && !strcmp(id_of(res, 2), "3"),
		"NDJSON: an unknown key: line 4, an integer id given back as text (line %ld)", err_line(res, 2));
	tap_okf(err_line(res, 3) == 5 && id_of(res, 3) == NULL, "NDJSON: not JSON: line 5, no id (line %ld)",
		err_line(res, 3));
	tap_okf(err_line(res, 4) == 6 && !strcmp(err_field(res, 4), "age"), "NDJSON: no age: line 6, field age");
	tap_okf(err_line(res, 5) == 7 && !strcmp(err_field(res, 5), "pregnant"),
		"NDJSON: checked across fields as advise is (pregnant and male): line 7");
	tap_ok(verdict(res, 6) && !strcmp(id_of(res, 6), "x7"), "NDJSON: a last line without a newline is read");
	tap_okf(failed == 5, "NDJSON: 5 error results counted (%ld)", failed);
	json_decref(res);

	/* A line over the cap is an error result; the next line is screened. */
	size_t big = MG_SCREEN_LINE_MAX + 10;
	char *s = malloc(big + 64);
	memset(s, ' ', big);
	s[0] = '{';
	snprintf(s + big, 64, "}\n{\"id\":\"after\",\"age\":40}\n");
	rc = screen(s, MG_SCREEN_NDJSON, MG_SCREEN_COMPACT, &res, &failed, &err);
	tap_okf(rc == 0 && json_array_size(res) == 2 && err_line(res, 0) == 1 && verdict(res, 1) &&
			!strcmp(id_of(res, 1), "after"),
		"NDJSON: a line over 1 MiB is an error result on line 1, and line 2 is screened (%d)", rc);
	free(s);
	json_decref(res);

	rc = screen("{\"id\":\"f\",\"age\":40}\n", MG_SCREEN_NDJSON, MG_SCREEN_VERDICT, &res, &failed, &err);
	json_t *r0 = json_array_get(res, 0);
	tap_ok(rc == 0 && json_object_size(r0) == 2 && verdict(res, 0),
	       "--fields verdict: id and verdict only");
	json_decref(res);
}

static void test_sniff_and_fields(void)
{
	struct mg_error err = {0};
	struct mg_reader r;
	struct mg_reader_memctx m;
	struct mg_screen_in *in;
	static const struct {
		const char *text;
		enum mg_screen_format fmt;
	} cases[] = {
		{"{\"age\":40}\n", MG_SCREEN_NDJSON},
		{"\n  {\"resourceType\":\"Bundle\"}\n", MG_SCREEN_FHIR},
		{"{\"age\":40}\n{\"resourceType\":\"Bundle\"}\n", MG_SCREEN_NDJSON}, /* the first line decides */
		{"id,age\n", MG_SCREEN_CSV},
		{"", MG_SCREEN_NDJSON},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mg_reader_mem(&r, &m, "t", cases[i].text, strlen(cases[i].text));
		int rc = mg_screen_in_open(&in, &r, MG_SCREEN_AUTO, &err);
		tap_okf(rc == 0 && mg_screen_in_format(in) == cases[i].fmt, "sniff case %zu: %s", i,
			mg_screen_format_name(cases[i].fmt));
		mg_screen_in_close(in);
	}
	unsigned f;
	tap_ok(mg_screen_fields_parse("full", &f, &err) == 0 && f == MG_SCREEN_FULL, "--fields full");
	tap_ok(mg_screen_fields_parse("id,verdict,dose", &f, &err) == 0 && f == (MG_SCREEN_VERDICT | MG_SCREEN_DOSE),
	       "--fields id,verdict,dose");
	tap_ok(mg_screen_fields_parse("verdict,bogus", &f, &err) == MG_EINVAL && !strstr(err.msg, "bogus"),
	       "--fields: an unknown name is refused without echoing it");
	tap_ok(mg_screen_fields_parse("full,dose", &f, &err) == MG_EINVAL, "--fields: full stands alone");
}

/* The profile reader's fast path (src/core/profile.c) against its jansson
 * path: on every input the same code, message, id and profile. The inputs
 * are the corners of RFC 8259 the fast path either takes or must leave to
 * jansson. */
static void test_fast_path(void)
{
	static const char *const in[] = {
		"{\"id\":\"a\",\"age\":52,\"sex\":\"female\",\"weight\":\"154lb\",\"creatinine\":\"80umol/L\"}",
		"{\"id\":-0,\"age\":1e1,\"isi\":0.0,\"medicines\":[],\"conditions\":[ \"diabetes\" ],\"sex\":null}",
		"{\"id\":12345678901234567,\"age\":40}", /* past 15 digits: jansson's */
		"{\"id\":1.5,\"age\":40}",
		"{\"age\":52,\"age\":53}",
		"{\"age\":01}",
		"{\"age\":-1}",
		"{\"age\":1e999}",
		"{\"age\":40,}",
		"{\"age\":40} x",
		" \t\r\n{ } \n",
		"[]",
		"",
		"{\"medicines\":[\"lev\\u006fthyroxine\"],\"age\":40}",
		"{\"medicines\":[\"\",\"x\"],\"age\":40}",
		"{\"medicines\":[\"caf\xc3\xa9\"],\"age\":40}",
		"{\"medicines\":[1],\"age\":40}",
		"{\"creatinine\":1.1,\"age\":40}",
		"{\"dialysis\":\"true\",\"age\":40}",
		"{\"dialysis\":true,\"pregnant\":false,\"age\":40}",
		"{\"colour\":\"red\",\"age\":40}",
		"{\"id\":\"\",\"age\":40}",
		"{\"prefer_form\":\"glycinate\",\"jurisdiction\":\"UK\",\"age\":40}",
		"{\"age\":40",
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		for (int with_id = 0; with_id < 2; with_id++) {
			struct mg_profile a, b;
			struct mg_error ea = {0}, eb = {0};
			char ida[MG_SCREEN_ID_MAX] = "", idb[MG_SCREEN_ID_MAX] = "";
			struct mg_buf ja = MG_BUF_INIT, jb = MG_BUF_INIT;
			mg_profile_init(&a);
			mg_profile_init(&b);
			size_t n = strlen(in[i]);
			int ra = with_id ? mg_profile_load_json_id(&a, kb, in[i], n, ida, sizeof ida, &ea)
					 : mg_profile_load_json(&a, kb, in[i], n, &ea);
			int rb = mg_profile_load_json_tree(&b, kb, in[i], n, with_id ? idb : NULL, sizeof idb, &eb);
			mg_profile_to_json(&a, kb, &ja);
			mg_profile_to_json(&b, kb, &jb);
			if (ra != rb || strcmp(ea.msg, eb.msg) || strcmp(ida, idb) || ja.len != jb.len ||
			    (ja.len && memcmp(ja.data, jb.data, ja.len))) {
				printf("# fast path differs on input %zu (id %d)\n", i, with_id);
				bad++;
			}
			mg_buf_release(&ja);
			mg_buf_release(&jb);
		}
	tap_okf(bad == 0, "profile reader: fast path and jansson path agree on %zu corner inputs (%d differ)",
		sizeof in / sizeof in[0], bad);
}

int main(void)
{
	struct mg_kb *k;
	struct mg_error err = {0};
	json_error_t je;
	if (mg_kb_load_builtin(&k, &err))
		return 1;
	kb = k;
	schema = json_load_file("docs/screen-result.schema.json", 0, &je);
	tap_okf(schema != NULL, "docs/screen-result.schema.json loads (%s)", schema ? "ok" : je.text);
	if (!schema)
		return tap_done();
	test_csv_quoting();
	test_ndjson();
	test_sniff_and_fields();
	test_fast_path();
	json_decref(schema);
	mg_kb_free(k);
	return tap_done();
}
