/* libFuzzer target: backup files (exports) -> mg_db_import_json, the restore
 * that `mgsleep import-backup FILE` runs.
 *
 * One plain store is opened per process in a fresh directory on tmpfs
 * (/dev/shm when there is one, else /tmp), removed at exit. Each input, as a
 * NUL-terminated copy, is imported inside mg_db_begin / mg_db_rollback, so
 * the store is empty again for the next one. Checked:
 *  - nothing crashes, trips ASan/UBSan or leaks (SQLite's JSON functions do
 *    the parsing, the STRICT tables and CHECKs the typing);
 *  - a rejection carries a negative code and a one-line message, and is
 *    never "the store is not empty" (every rollback must leave it empty);
 *  - an accepted import exports (mg_db_export_json) without error;
 *  - every imported night has a real calendar date (mg_date_parse), and
 *    `mgsleep summary` over the imported nights (mg_db_nights_json, jansson,
 *    mg_summarise, as src/cli/cmd_summary.c does it) stays in bounds;
 *  - when the input is also JSON that jansson accepts (the CLI parses the
 *    whole file with jansson before the restore, so only such inputs reach
 *    the store through `mgsleep import-backup`): the export parses with
 *    jansson as an object with format "mgsleep-export", and importing that
 *    export into the emptied store and exporting again gives the same bytes
 *    (the export -> import -> export round trip). Inputs jansson
 *    rejects (invalid UTF-8 in a string, say) are accepted by SQLite and
 *    exported as they came, so jansson would reject that export too.
 *
 * run: build-fuzz/fuzz/fuzz_backup fuzz/corpus/backup -max_total_time=60 */
#include <mgsleep/night.h>
#include <mgsleep/store.h>
#include <mgsleep/summary.h>

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW "2026-11-23T12:00:00Z"

static char dir[64], path[96];
static struct mg_db *db;

static void remove_store(void)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[128];
	mg_db_close(db);
	db = NULL;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		unlink(p);
	}
	rmdir(dir);
}

static struct mg_db *store(void)
{
	if (!db) {
		struct mg_error err = {0};
		struct stat st;
		snprintf(dir, sizeof dir, "%s/fuzz_backup.XXXXXX",
			 stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0 ? "/dev/shm"
													 : "/tmp");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof path, "%s/store.db", dir);
		if (mg_db_open(&db, path, NULL, MG_DB_CREATE, &err))
			abort();
		atexit(remove_store);
	}
	return db;
}

static void check_error(int r, const struct mg_error *err)
{
	if (r >= 0 || err->code != r || !err->msg[0] || strchr(err->msg, '\n') || r == MG_EEXIST)
		abort();
}

static void begin(void)
{
	struct mg_error err = {0};
	if (mg_db_begin(db, &err))
		abort();
}

static void export_json(struct mg_buf *out)
{
	struct mg_error err = {0};
	if (mg_db_export_json(db, out, &err) || !out->data || out->failed)
		abort(); /* exporting what was just imported must work */
}

static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* What cmd_summary does with the stored nights (8 weeks, its default). */
static void summary(void)
{
	struct mg_error err = {0};
	struct mg_buf raw = MG_BUF_INIT;
	if (mg_db_nights_json(db, NULL, NULL, &raw, &err))
		abort();
	json_t *arr = json_loadb(raw.data, raw.len, JSON_ALLOW_NUL, NULL), *e;
	size_t n = json_array_size(arr), i;
	struct mg_summary_night *nights = calloc(n ? n : 1, sizeof *nights);
	struct mg_summary_week wk[8];
	if (!nights)
		abort();
	json_array_foreach(arr, i, e) {
		json_t *entry = json_object_get(e, "entry");
		const char *date = json_string_value(json_object_get(e, "date"));
		if (!date || mg_date_parse(date, &nights[i].date))
			abort(); /* the import let an impossible date in */
		nights[i].v[MG_M_TIB] = num(e, "tib");
		nights[i].v[MG_M_TST] = num(e, "tst");
		nights[i].v[MG_M_SE] = num(e, "se");
		nights[i].v[MG_M_SOL] = num(e, "sol");
		nights[i].v[MG_M_WASO] = num(e, "waso");
		nights[i].v[MG_M_AWAKENINGS] = num(entry, "awakenings");
		nights[i].v[MG_M_QUALITY] = num(entry, "quality");
		nights[i].magnesium = json_is_number(json_object_get(e, "mg_elemental_mg"));
	}
	struct mg_summary s;
	mg_summarise(nights, n, wk, 8, &s);
	if (s.n_weeks > 8)
		abort();
	json_decref(arr);
	free(nights);
	mg_buf_release(&raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT, again = MG_BUF_INIT;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	store();

	begin();
	int r = mg_db_import_json(db, s, NOW, &err);
	if (r) {
		check_error(r, &err);
		mg_db_rollback(db);
		free(s);
		return 0;
	}
	export_json(&out);
	summary();
	mg_db_rollback(db);
	/* SQLite's JSON functions check the syntax only; jansson (the CLI's
	 * gate) also rejects invalid UTF-8, lone surrogates and \u0000, and so
	 * would reject an export of such an input too. */
	json_t *in = json_loadb((const char *)data, size, 0, NULL), *root = NULL;
	if (in) {
		root = json_loadb(out.data, out.len, 0, NULL);
		const char *format = json_string_value(json_object_get(root, "format"));
		if (!json_is_object(root) || !format || strcmp(format, "mgsleep-export"))
			abort();
		/* export -> import -> export is byte-identical */
		begin();
		if (mg_db_import_json(db, out.data, NOW, &err))
			abort();
		export_json(&again);
		mg_db_rollback(db);
		if (again.len != out.len || memcmp(again.data, out.data, out.len))
			abort();
	}
	json_decref(in);
	json_decref(root);
	mg_buf_release(&out);
	mg_buf_release(&again);
	free(s);
	return 0;
}
