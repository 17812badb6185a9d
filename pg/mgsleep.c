/* The mgsleep engine inside PostgreSQL 15 (issue 15): mgsleep_advise,
 * mgsleep_verdict and mgsleep_kb_version over a jsonb profile, so that a
 * screening runs where the patient data already is (docs/postgres-extension.md).
 *
 * The library does the work and stays PostgreSQL-free: the profile reader
 * (mg_profile_load_json), the engine (mg_advise) and the JSON renderer of
 * `advise --json` (mg_render_advice). This file only converts between jsonb
 * and text, keeps the knowledge base for the life of the backend, and is the
 * only place that reports errors to PostgreSQL (ereport).
 *
 * Memory: the library allocates with malloc. The KB, the output buffer and
 * the engine's structs live as long as the backend (one set per process;
 * a backend runs one query at a time), so nothing is malloc'd per row;
 * every value returned to PostgreSQL is palloc'd in the caller's context. No
 * ereport is raised while the library holds memory: errors are copied out of
 * struct mg_error first. */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"

#include <mgsleep/advise.h>
#include <mgsleep/render.h>

#include <stdlib.h>
#include <string.h>

PG_MODULE_MAGIC;


static bool strict_mode;
static char *kb_dir_guc;

/* Per backend: the KB and where it came from ("" = built-in). */
static struct mg_kb *kb;
static char kb_loaded_from[1024];
static struct mg_buf out = MG_BUF_INIT;
static struct mg_profile profile;
static struct mg_advice advice;

void _PG_init(void);

void _PG_init(void)
{
	DefineCustomBoolVariable("mgsleep.strict", "Raise an ERROR for an invalid profile instead of returning "
						   "an error object.",
				 NULL, &strict_mode, false, PGC_USERSET, 0, NULL, NULL, NULL);
	/* Superuser only: it makes the server read files. */
	DefineCustomStringVariable("mgsleep.kb_dir", "A knowledge-base folder used instead of the built-in one "
						     "(empty: built-in).",
				   NULL, &kb_dir_guc, "", PGC_SUSET, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("mgsleep");
}

/* The KB for this backend: loaded on first use and again only when
 * mgsleep.kb_dir changes (a string compare per row). */
static const struct mg_kb *backend_kb(void)
{
	const char *dir = kb_dir_guc ? kb_dir_guc : "";
	struct mg_error err = {0};
	struct mg_kb *fresh = NULL;
	int r;
	if (kb && !strcmp(dir, kb_loaded_from))
		return kb;
	if (strlen(dir) >= sizeof kb_loaded_from)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("mgsleep.kb_dir: at most %zu bytes", sizeof kb_loaded_from - 1)));
	r = *dir ? mg_kb_load_dir(&fresh, dir, &err) : mg_kb_load_builtin(&fresh, &err);
	if (r)
		ereport(ERROR, (errcode(r == MG_ENOMEM ? ERRCODE_OUT_OF_MEMORY : ERRCODE_CONFIG_FILE_ERROR),
				errmsg("mgsleep: cannot load the knowledge base: %s", err.msg)));
	mg_kb_free(kb);
	kb = fresh;
	snprintf(kb_loaded_from, sizeof kb_loaded_from, "%s", dir);
	return kb;
}

/* The profile's text, palloc'd: jsonb has already rejected malformed JSON
 * and kept the last of duplicate keys. */
static char *profile_text(Jsonb *jb, size_t *len)
{
	char *s = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	*len = strlen(s);
	return s;
}

/* Profile -> advice, as `mgsleep advise --profile FILE` does it: read, check
 * the cross-field rules, advise. 0, or a negative MG_E* code with err set. */
static int advise_profile(const struct mg_kb *k, Jsonb *jb, struct mg_error *err)
{
	size_t len;
	char *text = profile_text(jb, &len);
	int r;
	mg_profile_init(&profile);
	if (len > MG_PROFILE_MAX_BYTES)
		r = mg_fail(err, MG_ETOOBIG, "profile", "profile: at most %zu bytes", MG_PROFILE_MAX_BYTES);
	else
		r = mg_profile_load_json(&profile, k, text, len, err);
	pfree(text);
	if (!r)
		r = mg_profile_check(&profile, err);
	if (!r)
		r = mg_advise(k, &profile, &advice, err);
	return r;
}

/* With mgsleep.strict = on a profile's error is raised, naming the field,
 * never the value; running out of memory is not the profile's fault and is
 * always raised. */
static void raise_unless_strict_off(const struct mg_error *err)
{
	if (err->code == MG_ENOMEM)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("mgsleep: %s", err->msg)));
	if (!strict_mode)
		return;
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("mgsleep: invalid profile: %s", err->msg),
			errdetail("Field: %s.", err->field[0] ? err->field : "profile"),
			errhint("With mgsleep.strict = off the function returns {\"error\": {\"field\", \"message\"}}.")));
}

/* The advice, or the error object, as JSON text in out. */
static void advice_json(Jsonb *jb)
{
	const struct mg_kb *k = backend_kb();
	struct mg_error err = {0};
	struct mg_render_opts opts = {MG_FMT_JSON, 0, 0, MGSLEEP_VERSION};
	mg_buf_reset(&out);
	if (advise_profile(k, jb, &err)) {
		raise_unless_strict_off(&err);
		/* The same writer of JSON strings as the advice, so that the
		 * message is escaped the same way. */
		mg_buf_puts(&out, "{\"error\":{\"field\":");
		if (err.field[0])
			mg_buf_put_json_str(&out, err.field);
		else
			mg_buf_puts(&out, "null");
		mg_buf_puts(&out, ",\"message\":");
		mg_buf_put_json_str(&out, err.msg);
		mg_buf_puts(&out, "}}\n");
	} else if (mg_render_advice(&advice, &opts, &out, &err)) {
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("mgsleep: %s", err.msg)));
	}
	if (out.failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("mgsleep: cannot render the advice")));
}

PG_FUNCTION_INFO_V1(mgsleep_advise);
Datum mgsleep_advise(PG_FUNCTION_ARGS)
{
	advice_json(PG_GETARG_JSONB_P(0));
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data));
}

/* The same text as json, byte for byte the CLI's: json is stored as text, so
 * nothing is parsed (jsonb_in is most of mgsleep_advise's time, bench/README.md). */
PG_FUNCTION_INFO_V1(mgsleep_advise_json);
Datum mgsleep_advise_json(PG_FUNCTION_ARGS)
{
	advice_json(PG_GETARG_JSONB_P(0));
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, (int)out.len));
}

/* The verdict alone, without rendering; 'error' for an invalid profile (the
 * reason is in mgsleep_advise(profile)->'error'). */
PG_FUNCTION_INFO_V1(mgsleep_verdict);
Datum mgsleep_verdict(PG_FUNCTION_ARGS)
{
	const struct mg_kb *k = backend_kb();
	struct mg_error err = {0};
	if (advise_profile(k, PG_GETARG_JSONB_P(0), &err)) {
		raise_unless_strict_off(&err);
		PG_RETURN_TEXT_P(cstring_to_text("error"));
	}
	PG_RETURN_TEXT_P(cstring_to_text(mg_verdict_name(advice.verdict)));
}

PG_FUNCTION_INFO_V1(mgsleep_kb_version);
Datum mgsleep_kb_version(PG_FUNCTION_ARGS)
{
	(void)fcinfo;
	PG_RETURN_TEXT_P(cstring_to_text(mg_kb_version(backend_kb())));
}
