/* In-process benchmark of the store (issue 3, Performance), all in one run,
 * in a fresh temporary directory (mkdtemp under $TMPDIR or /tmp, removed at
 * the end):
 *
 * 1. Logging N nights (default 10,000) through the library into a new plain
 *    store, one transaction per night as `mgsleep log` does: the items parsed
 *    from text with mg_night_parse_field, mg_night_timeline + mg_night_compute,
 *    the entry JSON built as src/cli/cmd_log.c builds it (magnesium converted
 *    with the built-in KB every other night, tags, a comment now and then),
 *    then mg_db_begin, mg_db_night_put, mg_db_commit. Target: < 1 s.
 *    Baselines in the same run: the same N nights in ONE transaction, and
 *    building the N entries alone (no store).
 * 2. `summary` over 10 years of nights (3,653): from an open plain store to
 *    the computed struct mg_summary, as cmd_summary does it: mg_db_summarise
 *    (one query of the needed columns + mg_summarise) (8 weeks, the
 *    default; also 520, the maximum). Target: < 50 ms.
 * 3. Opening a sealed (encrypted) store holding those 10 years: mg_db_open
 *    with the passphrase (read, Argon2id key derivation, decrypt, load into
 *    memory, schema check), then mg_db_close. Target: < 300 ms. Baseline in
 *    the same run: crypto_pwhash alone with the store's parameters.
 * 4. Not a target: logging into a sealed store, one transaction per night.
 *    Every commit re-seals the whole file (serialise, encrypt, write, fsync,
 *    rename), so the cost per night grows with the store: N_SEALED nights
 *    (default 1,000) into a new sealed store, and 20 nights into the 10-year
 *    sealed store (what one `mgsleep log` costs after 10 years).
 *
 * usage: bench_store [N [N_SEALED]]
 * Output: one "key value unit" line per measurement (medians over rounds;
 * *_best is the fastest round); bench/run.sh parses it.
 *
 * bench_store --make-stores DIR: only write DIR/plain10y.db and
 * DIR/sealed10y.db (passphrase PASSPHRASE below), the 10-year stores of 2. and
 * 3., for run.sh to time whole `mgsleep summary` processes on; DIR must exist
 * and the caller removes it. */
#include "bench.h"

#include <mgsleep/kb.h>
#include <mgsleep/night.h>
#include <mgsleep/store.h>
#include <mgsleep/summary.h>

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEN_YEARS 3653 /* 2016-01-01 .. 2025-12-31 */
#define PASSPHRASE "correct horse battery staple"
#define NOW "2026-11-23T14:00:00Z"
#define MAX_ROUNDS 21

#define TARGET_LOG_S 1.0
#define TARGET_SUMMARY_MS 50.0
#define TARGET_OPEN_MS 300.0

static char tmpdir[64];
static const struct mg_kb *kb;

/* Remove every file in the temporary directory (stores, -wal, -shm, .lock). */
static void clear_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		char p[512];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

static void cleanup(void)
{
	if (tmpdir[0]) {
		clear_tmpdir();
		rmdir(tmpdir);
		tmpdir[0] = '\0';
	}
}

static void die(const char *what, const struct mg_error *err)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, err ? err->msg : "failed");
	cleanup();
	exit(1);
}

static void path_in_tmp(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

/* ---- one night, as `mgsleep log --date ... --bed ... ...` gives it ---- */

struct night_rec {
	char date[11];
	struct mg_buf entry;
	struct mg_night_metrics m;
	double mg_elemental;
};

static void put_clock(struct mg_buf *b, const char *key, int minutes)
{
	char t[6];
	mg_clock_format(minutes, t);
	mg_buf_printf(b, ",\"%s\":\"%s\"", key, t);
}

static void set_field(struct mg_night *n, const char *field, const char *value)
{
	struct mg_error err = {0};
	if (mg_night_parse_field(n, field, value, &err))
		die(field, &err);
}

/* Night i (0-based) from first_day: varied but always valid items, parsed
 * from text as the CLI parses its flags, validated and computed, and the
 * entry JSON written field by field in the order of src/cli/cmd_log.c. */
static void make_night(struct night_rec *r, int32_t first_day, long i)
{
	static const char *const beds[] = {"22:15", "22:40", "23:05", "23:30", "00:10", "21:55", "23:45"};
	static const char *const wakes[] = {"06:10", "06:35", "07:00", "06:50", "07:25", "05:55", "06:20"};
	static const char *const forms[] = {"bisglycinate", "citrate", "oxide", "chloride"};
	static const char *const tags[] = {"caffeine-late", "alcohol", "exercise", "stress", "epsom-bath",
					   "other-supplement"};
	struct mg_night n;
	struct mg_error err = {0};
	char v[32];
	mg_night_init(&n);
	mg_date_format(first_day + (int32_t)i, r->date);
	set_field(&n, "date", r->date);
	set_field(&n, "bed", beds[i % 7]);
	if (i % 3 == 0)
		set_field(&n, "try-sleep", i % 7 == 4 ? "00:25" : "23:50");
	snprintf(v, sizeof v, "%ld", 5 + i % 40);
	set_field(&n, "sol", v);
	snprintf(v, sizeof v, "%ld", i % 4);
	set_field(&n, "awakenings", v);
	snprintf(v, sizeof v, "%ld", i % 4 ? 5 + i % 31 : 0L);
	set_field(&n, "waso", v);
	set_field(&n, "final-wake", wakes[i % 7]);
	mg_clock_format((int)(n.final_wake + 5 + i % 45), v); /* 5 to 49 min later */
	set_field(&n, "out-of-bed", v);
	if (i % 5)
		set_field(&n, "quality", (const char[]){(char)('1' + i % 5), '\0'});
	/* Offsets: the CLI asks the system time zone; unknown here, so equal. */
	struct mg_night_times t;
	if (mg_night_timeline(&n, &t, &err) || mg_night_compute(&n, &r->m, &err))
		die("night", &err);

	const struct mg_compound *form = NULL;
	double compound = NAN;
	r->mg_elemental = NAN;
	if (i % 2 == 0) {
		if (!(form = mg_kb_find_compound(kb, forms[i / 2 % 4])))
			die("kb: form", NULL);
		if (i % 4 == 0) {
			compound = 1000 + (double)(i % 9) * 100; /* --mg-compound */
			r->mg_elemental = mg_elemental_from_compound(form, compound);
		} else {
			r->mg_elemental = 200 + (double)(i % 6) * 25; /* --mg-elemental */
		}
	}

	struct mg_buf *b = &r->entry;
	mg_buf_reset(b);
	mg_buf_printf(b, "{\"date\":\"%s\"", r->date);
	put_clock(b, "bed", n.bed);
	put_clock(b, "try_sleep", n.try_sleep < 0 ? n.bed : n.try_sleep);
	mg_buf_printf(b, ",\"sol_min\":%d,\"awakenings\":%d,\"waso_min\":%d", n.sol_min, n.awakenings, n.waso_min);
	put_clock(b, "final_wake", n.final_wake);
	put_clock(b, "out_of_bed", n.out_of_bed);
	if (n.quality)
		mg_buf_printf(b, ",\"quality\":%d", n.quality);
	mg_buf_printf(b, ",\"utc_offset_evening\":%d,\"utc_offset_morning\":%d", n.utc_offset_evening,
		      n.utc_offset_morning);
	if (i % 10 == 3) {
		mg_buf_puts(b, ",\"comment\":");
		mg_buf_put_json_str(b, "Woke at 3 with the \"usual\" racing thoughts; neighbour's dog.");
	}
	if (!isnan(r->mg_elemental)) {
		mg_buf_puts(b, ",\"magnesium\":{\"elemental_mg\":");
		mg_buf_put_num(b, r->mg_elemental, 1);
		mg_buf_printf(b, ",\"form\":\"%s\",\"compound_mg\":", form->id);
		mg_buf_put_num(b, isnan(compound) ? mg_compound_from_elemental(form, r->mg_elemental) : compound, 1);
		mg_buf_puts(b, ",\"time\":\"21:30\"}");
	} else {
		mg_buf_puts(b, ",\"magnesium\":null");
	}
	if (i % 3 == 1) {
		mg_buf_printf(b, ",\"tags\":[\"%s\"", tags[i % 6]);
		if (i % 6 == 1)
			mg_buf_puts(b, ",\"stress\"");
		mg_buf_putc(b, ']');
	}
	if (i % 11 == 0)
		mg_buf_puts(b, ",\"nap_min\":20");
	mg_buf_putc(b, '}');
	if (b->failed)
		die("entry: out of memory", NULL);
}

static void put_night(struct mg_db *db, const struct night_rec *r)
{
	struct mg_error err = {0};
	struct mg_db_night rec = {r->date,    r->entry.data,       r->m.tib,    r->m.sol,       r->m.waso,
				  r->m.tst, r->m.terminal_wake, r->m.se_pct, r->mg_elemental};
	if (mg_db_night_put(db, &rec, 0, NOW, &err))
		die("night_put", &err);
}

static struct mg_db *open_store(const char *path, const char *pass, unsigned flags)
{
	struct mg_db *db = NULL;
	struct mg_error err = {0};
	if (mg_db_open(&db, path, pass, flags, &err))
		die("open", &err);
	return db;
}

static void begin(struct mg_db *db)
{
	struct mg_error err = {0};
	if (mg_db_begin(db, &err))
		die("begin", &err);
}

static void commit(struct mg_db *db)
{
	struct mg_error err = {0};
	if (mg_db_commit(db, &err))
		die("commit", &err);
}

/* `mgsleep log` n times: build the night, one transaction for it. */
static double log_each(struct mg_db *db, int32_t first_day, long from, long n, struct night_rec *r)
{
	double t0 = now();
	for (long i = from; i < from + n; i++) {
		make_night(r, first_day, i);
		begin(db);
		put_night(db, r);
		commit(db);
	}
	return now() - t0;
}

/* The same nights, all in one transaction. */
static double log_one_tx(struct mg_db *db, int32_t first_day, long n, struct night_rec *r)
{
	double t0 = now();
	begin(db);
	for (long i = 0; i < n; i++) {
		make_night(r, first_day, i);
		put_night(db, r);
	}
	commit(db);
	return now() - t0;
}

/* A new store at path holding the 10 years 2016-01-01 .. 2025-12-31. */
static void make_ten_years(const char *path, int sealed, struct night_rec *r)
{
	struct mg_db *db = open_store(path, sealed ? PASSPHRASE : NULL, MG_DB_CREATE | (sealed ? MG_DB_SEAL : 0));
	log_one_tx(db, mg_days_from_civil(2016, 1, 1), TEN_YEARS, r);
	mg_db_close(db);
}

static long count_nights(struct mg_db *db)
{
	struct mg_buf raw = MG_BUF_INIT;
	struct mg_error err = {0};
	if (mg_db_nights_json(db, NULL, NULL, &raw, &err))
		die("nights_json", &err);
	json_t *a = json_loadb(raw.data, raw.len, 0, NULL);
	long n = a ? (long)json_array_size(a) : -1;
	json_decref(a);
	mg_buf_release(&raw);
	return n;
}

/* What cmd_summary does between opening the store and formatting. */
static size_t summarise(struct mg_db *db, size_t max_weeks, struct mg_summary *s)
{
	struct mg_error err = {0};
	struct mg_summary_week *wk = calloc(max_weeks, sizeof *wk);
	if (!wk || mg_db_summarise(db, wk, max_weeks, s, &err))
		die("summary", &err);
	free(wk);
	return (size_t)s->with_mg[MG_M_TIB].n + (size_t)s->without_mg[MG_M_TIB].n;
}

/* fsync of a 4 KiB rewrite in the temporary directory: the disk's floor
 * under every durable commit. */
static double fsync_cost(void)
{
	char p[128], page[4096];
	double t[MAX_ROUNDS];
	path_in_tmp(p, sizeof p, "fsync-probe");
	memset(page, 'x', sizeof page);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("fsync probe", NULL);
	for (int k = 0; k < MAX_ROUNDS; k++) {
		double t0 = now();
		if (pwrite(fd, page, sizeof page, 0) != (ssize_t)sizeof page || fsync(fd))
			die("fsync probe", NULL);
		t[k] = now() - t0;
	}
	close(fd);
	unlink(p);
	return median(t, MAX_ROUNDS);
}

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : st.st_size;
}

/* --make-stores DIR */
static int make_stores(const char *dir)
{
	struct mg_error err = {0};
	struct mg_kb *kbm = NULL;
	struct night_rec rec = {.entry = MG_BUF_INIT};
	char p[4200];
	if (mg_kb_load_builtin(&kbm, &err))
		die("kb", &err);
	kb = kbm;
	snprintf(p, sizeof p, "%s/plain10y.db", dir);
	make_ten_years(p, 0, &rec);
	snprintf(p, sizeof p, "%s/sealed10y.db", dir);
	make_ten_years(p, 1, &rec);
	mg_buf_release(&rec.entry);
	mg_kb_free(kbm);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--make-stores"))
		return make_stores(argv[2]);
	long n_log = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	long n_sealed = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
	if (argc > 3 || n_log < 1 || n_log > 1000000 || n_sealed < 1 || n_sealed > 100000) {
		fprintf(stderr, "usage: bench_store [N (default 10000) [N_SEALED (default 1000)]]\n");
		return 2;
	}
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/bench_store.XXXXXX", base && *base == '/' && strlen(base) < 40 ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("bench_store: mkdtemp");
		return 1;
	}
	struct mg_error err = {0};
	struct mg_kb *kbm = NULL;
	if (mg_kb_load_builtin(&kbm, &err))
		die("kb", &err);
	kb = kbm;
	if (sodium_init() < 0)
		die("sodium_init", NULL);

	struct night_rec rec = {.entry = MG_BUF_INIT};
	char path[128], sealed_path[128];
	double t[MAX_ROUNDS];
	const int32_t day_2000 = mg_days_from_civil(2000, 1, 1), day_2016 = mg_days_from_civil(2016, 1, 1);
	const int log_rounds = 3;
	size_t sink = 0;

	printf("tmpdir %s\n", tmpdir);
	printf("fsync_4k_us %.0f us\n", fsync_cost() * 1e6);

	/* 0. building the entries alone (parse, compute, JSON), no store */
	for (int k = 0; k < log_rounds; k++) {
		double t0 = now();
		for (long i = 0; i < n_log; i++) {
			make_night(&rec, day_2000, i);
			sink += rec.entry.len;
		}
		t[k] = now() - t0;
	}
	printf("build_entry_us %.2f us/night\n", median(t, (size_t)log_rounds) / (double)n_log * 1e6);
	printf("entry_bytes %zu bytes\n", rec.entry.len);

	/* 1. logging n_log nights, one transaction each, into a new plain store */
	printf("log_nights %ld\n", n_log);
	for (int k = 0; k < log_rounds; k++) {
		clear_tmpdir();
		path_in_tmp(path, sizeof path, "plain.db");
		struct mg_db *db = open_store(path, NULL, MG_DB_CREATE);
		t[k] = log_each(db, day_2000, 0, n_log, &rec);
		if (k == 0 && count_nights(db) != n_log)
			die("log: wrong number of nights stored", NULL);
		mg_db_close(db);
	}
	double log_s = median(t, (size_t)log_rounds);
	printf("log_each_tx_s %.3f s\n", log_s);
	printf("log_each_tx_best_s %.3f s\n", t[0]);
	printf("log_each_tx_us %.1f us/night\n", log_s / (double)n_log * 1e6);

	/* 1'. baseline: the same nights in one transaction */
	for (int k = 0; k < log_rounds; k++) {
		clear_tmpdir();
		path_in_tmp(path, sizeof path, "plain.db");
		struct mg_db *db = open_store(path, NULL, MG_DB_CREATE);
		t[k] = log_one_tx(db, day_2000, n_log, &rec);
		mg_db_close(db);
	}
	double one_s = median(t, (size_t)log_rounds);
	printf("log_one_tx_s %.3f s\n", one_s);
	printf("log_one_tx_us %.1f us/night\n", one_s / (double)n_log * 1e6);

	/* 2. summary over 10 years, plain store, opened once */
	clear_tmpdir();
	path_in_tmp(path, sizeof path, "plain10y.db");
	make_ten_years(path, 0, &rec);
	struct mg_db *db = open_store(path, NULL, 0);
	struct mg_summary s;
	sink += summarise(db, 8, &s); /* warm-up: page cache, SQLite cache */
	for (int k = 0; k < MAX_ROUNDS; k++) {
		double t0 = now();
		size_t n = summarise(db, 8, &s);
		t[k] = now() - t0;
		/* means cover the last 8 weeks: at most 56 of the 3,653 nights */
		if (n == 0 || n > 56 || s.n_weeks != 8)
			die("summary: wrong number of nights or weeks", NULL);
		sink += s.n_weeks;
	}
	double sum_ms = median(t, MAX_ROUNDS) * 1e3;
	printf("summary_nights %d\n", TEN_YEARS);
	printf("summary_ms %.2f ms\n", sum_ms);
	printf("summary_best_ms %.2f ms\n", t[0] * 1e3);
	/* the parts: the SQL query that builds the JSON, and jansson's parse */
	for (int k = 0; k < MAX_ROUNDS; k++) {
		struct mg_buf raw = MG_BUF_INIT;
		double t0 = now();
		if (mg_db_nights_json(db, NULL, NULL, &raw, &err))
			die("nights_json", &err);
		t[k] = now() - t0;
		sink += raw.len;
		mg_buf_release(&raw);
	}
	printf("summary_nights_json_ms %.2f ms\n", median(t, MAX_ROUNDS) * 1e3);
	{
		struct mg_buf raw = MG_BUF_INIT;
		if (mg_db_nights_json(db, NULL, NULL, &raw, &err))
			die("nights_json", &err);
		printf("summary_json_bytes %zu bytes\n", raw.len);
		for (int k = 0; k < MAX_ROUNDS; k++) {
			double t0 = now();
			json_t *a = json_loadb(raw.data, raw.len, 0, NULL);
			t[k] = now() - t0;
			sink += json_array_size(a);
			json_decref(a);
		}
		printf("summary_jansson_ms %.2f ms\n", median(t, MAX_ROUNDS) * 1e3);
		mg_buf_release(&raw);
	}
	for (int k = 0; k < MAX_ROUNDS; k++) {
		double t0 = now();
		summarise(db, 520, &s);
		t[k] = now() - t0;
		sink += s.n_weeks;
	}
	printf("summary_520_weeks_ms %.2f ms\n", median(t, MAX_ROUNDS) * 1e3);
	mg_db_close(db);
	printf("plain_10y_bytes %lld bytes\n", (long long)file_size(path));

	/* 3. opening a sealed store of 10 years */
	path_in_tmp(sealed_path, sizeof sealed_path, "sealed10y.db");
	make_ten_years(sealed_path, 1, &rec);
	printf("sealed_10y_bytes %lld bytes\n", (long long)file_size(sealed_path));
	/* Rounds of open + close alternate with rounds of the key derivation
	 * alone (same parameters as the store: the baseline), so both see the
	 * same machine. */
	const int open_rounds = 9;
	double tk[MAX_ROUNDS];
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES], salt[crypto_pwhash_SALTBYTES];
	randombytes_buf(salt, sizeof salt);
	for (int k = 0; k < open_rounds; k++) {
		double t0 = now();
		db = open_store(sealed_path, PASSPHRASE, 0);
		mg_db_close(db);
		t[k] = now() - t0;
		t0 = now();
		if (crypto_pwhash(key, sizeof key, PASSPHRASE, strlen(PASSPHRASE), salt,
				  crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13))
			die("crypto_pwhash: out of memory", NULL);
		tk[k] = now() - t0;
		sink += key[0];
	}
	double td[MAX_ROUNDS]; /* per round: open minus its key derivation */
	for (int k = 0; k < open_rounds; k++)
		td[k] = t[k] - tk[k];
	double open_ms = median(t, (size_t)open_rounds) * 1e3;
	printf("sealed_open_ms %.1f ms\n", open_ms);
	printf("sealed_open_best_ms %.1f ms\n", t[0] * 1e3);
	double kdf_ms = median(tk, (size_t)open_rounds) * 1e3;
	printf("kdf_ms %.1f ms\n", kdf_ms);
	printf("kdf_params opslimit=%llu,memlimit=%zuMiB\n", (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE,
	       (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20);
	printf("sealed_open_minus_kdf_ms %.1f ms\n", median(td, (size_t)open_rounds) * 1e3);
	/* open + summary: `mgsleep summary` on an encrypted 10-year store, in-process */
	for (int k = 0; k < open_rounds; k++) {
		double t0 = now();
		db = open_store(sealed_path, PASSPHRASE, 0);
		sink += summarise(db, 8, &s);
		mg_db_close(db);
		t[k] = now() - t0;
	}
	printf("sealed_open_summary_ms %.1f ms\n", median(t, (size_t)open_rounds) * 1e3);

	/* 4. not a target: one transaction per night into a sealed store */
	db = open_store(sealed_path, PASSPHRASE, 0);
	const long n_late = 20;
	double t_late = log_each(db, day_2016, TEN_YEARS, n_late, &rec);
	mg_db_close(db);
	printf("sealed_10y_log_ms %.1f ms/night\n", t_late / (double)n_late * 1e3);
	unlink(sealed_path);
	path_in_tmp(sealed_path, sizeof sealed_path, "sealed-new.db");
	db = open_store(sealed_path, PASSPHRASE, MG_DB_CREATE | MG_DB_SEAL);
	double t_sealed = log_each(db, day_2000, 0, n_sealed, &rec);
	if (count_nights(db) != n_sealed)
		die("sealed log: wrong number of nights stored", NULL);
	mg_db_close(db);
	printf("sealed_log_nights %ld\n", n_sealed);
	printf("sealed_log_s %.3f s\n", t_sealed);
	printf("sealed_log_ms %.2f ms/night\n", t_sealed / (double)n_sealed * 1e3);
	printf("sealed_log_bytes %lld bytes\n", (long long)file_size(sealed_path));

	printf("sink %zu\n", sink % 10);
	printf("target_log_s %.1f %s\n", TARGET_LOG_S, log_s < TARGET_LOG_S ? "PASS" : "FAIL");
	printf("target_summary_ms %.0f %s\n", TARGET_SUMMARY_MS, sum_ms < TARGET_SUMMARY_MS ? "PASS" : "FAIL");
	printf("target_sealed_open_ms %.0f %s\n", TARGET_OPEN_MS, open_ms < TARGET_OPEN_MS ? "PASS" : "FAIL");
	mg_buf_release(&rec.entry);
	mg_kb_free(kbm);
	cleanup();
	return 0;
}
