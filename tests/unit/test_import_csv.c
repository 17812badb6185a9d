/* The CSV reader and the CSV-based importers: Sleep as Android, Oura CSV,
 * generic CSV with --map and the PleesTracker preset (docs/import-csv.md).
 *
 * Expected instants are worked out by hand from the fixture text; each has
 * its derivation beside it (epoch seconds of a civil time come from
 * `date -u -d '2026-01-10 23:00:00' +%s`; zone offsets from the tz rules:
 * Europe/London goes to BST at 2026-03-29 01:00Z and back at 2026-10-25
 * 01:00Z). Real fixtures are read from ../shared/fixtures/imports. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mgsleep/import.h>

#include "../../src/import/import_internal.h"
#include "../tap.h"

#define FIX "../shared/fixtures/imports/"
#define DATA "tests/data/import/csv/"

/* ---- a sink that keeps everything ---- */

struct iv {
	char source[64], device[64], tz[64], note[256];
	int kind, stage, so, eo;
	int64_t start, end;
};
struct per {
	char source[64], tz[64];
	int kind, so, eo, nap, tst, sol, awake, light, deep, rem;
	int64_t start, end;
};
struct got {
	struct iv iv[256];
	int niv;
	struct per p[32];
	int np;
	char skipped[32][96];
	int nskip;
	char info[8][1024];
	int ninfo;
};

static void cpy(char *d, size_t cap, const char *s)
{
	snprintf(d, cap, "%s", s ? s : "(null)");
}

static int on_iv(void *ctx, const struct mg_interval *v, struct mg_error *err)
{
	struct got *g = ctx;
	struct iv *o;
	(void)err;
	if (g->niv == 256)
		return 0;
	o = &g->iv[g->niv++];
	cpy(o->source, sizeof o->source, v->source);
	cpy(o->device, sizeof o->device, v->device);
	cpy(o->tz, sizeof o->tz, v->tz);
	cpy(o->note, sizeof o->note, v->note);
	o->kind = v->kind;
	o->stage = v->stage;
	o->so = v->start_offset;
	o->eo = v->end_offset;
	o->start = v->start;
	o->end = v->end;
	return 0;
}

static int on_per(void *ctx, const struct mg_period *v, struct mg_error *err)
{
	struct got *g = ctx;
	struct per *o;
	(void)err;
	if (g->np == 32)
		return 0;
	o = &g->p[g->np++];
	cpy(o->source, sizeof o->source, v->source);
	cpy(o->tz, sizeof o->tz, v->tz);
	o->kind = v->kind;
	o->so = v->start_offset;
	o->eo = v->end_offset;
	o->nap = v->nap;
	o->tst = v->tst;
	o->sol = v->sol;
	o->awake = v->awake;
	o->light = v->light;
	o->deep = v->deep;
	o->rem = v->rem;
	o->start = v->start;
	o->end = v->end;
	return 0;
}

static void on_skip(void *ctx, const char *what, const char *source, const char *reason)
{
	struct got *g = ctx;
	(void)what;
	(void)source;
	if (g->nskip < 32)
		cpy(g->skipped[g->nskip++], sizeof g->skipped[0], reason);
}

static void on_info(void *ctx, const char *msg)
{
	struct got *g = ctx;
	if (g->ninfo < 8)
		cpy(g->info[g->ninfo++], sizeof g->info[0], msg);
}

typedef int (*parser_fn)(struct mg_reader *, const struct mg_import_opts *, const struct mg_import_sink *,
			 struct mg_error *);

static char *slurp_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int run_mem(parser_fn fn, const char *name, const char *data, size_t len, const struct mg_import_opts *o,
		   struct got *g, struct mg_error *err)
{
	struct mg_reader r;
	struct mg_reader_memctx m;
	struct mg_import_sink s = {g, on_iv, on_per, on_skip, on_info};
	memset(g, 0, sizeof *g);
	memset(err, 0, sizeof *err);
	mg_reader_mem(&r, &m, name, data, len);
	return fn(&r, o, &s, err);
}

static int run_file(parser_fn fn, const char *path, const struct mg_import_opts *o, struct got *g,
		    struct mg_error *err)
{
	size_t len = 0;
	char *buf = slurp_file(path, &len);
	int rc;
	if (!buf) {
		memset(g, 0, sizeof *g);
		return -100;
	}
	rc = run_mem(fn, path, buf, len, o, g, err);
	free(buf);
	return rc;
}

/* Every interval obeys the interface's promises. */
static int all_sane(const struct got *g)
{
	for (int i = 0; i < g->niv; i++) {
		const struct iv *v = &g->iv[i];
		if (!(v->start < v->end) || v->stage < 0 || v->stage >= MG_STAGE_COUNT || !v->source[0] ||
		    !strcmp(v->source, "(null)") || !strcmp(v->device, "(null)") || !strcmp(v->tz, "(null)") ||
		    !strcmp(v->note, "(null)"))
			return 0;
	}
	return 1;
}

/* The i-th interval is stage over [a, b]. */
static void is_iv(const struct got *g, int i, int stage, int64_t a, int64_t b, const char *what)
{
	if (!ok(i < g->niv, "%s: interval %d exists", what, i))
		return;
	ok(g->iv[i].stage == stage && g->iv[i].start == a && g->iv[i].end == b,
	   "%s: %s [%lld, %lld]", what, mg_stage_name(stage), (long long)a, (long long)b);
	if (!(g->iv[i].stage == stage && g->iv[i].start == a && g->iv[i].end == b))
		printf("#   got %s [%lld, %lld]\n", mg_stage_name(g->iv[i].stage), (long long)g->iv[i].start,
		       (long long)g->iv[i].end);
}

/* ---- the CSV reader ---- */

struct rec {
	size_t n;
	char f[8][64];
	unsigned long line;
};

/* Read all records of data through a reader handing out chunk bytes per call
 * (0 = all at once). Returns the last mg_csv_next result. */
struct chunky {
	const char *p;
	size_t left, step;
};
static ssize_t chunky_read(void *ctx, char *buf, size_t cap, struct mg_error *err)
{
	struct chunky *c = ctx;
	size_t n = c->left < cap ? c->left : cap;
	(void)err;
	if (c->step && n > c->step)
		n = c->step;
	memcpy(buf, c->p, n);
	c->p += n;
	c->left -= n;
	return (ssize_t)n;
}

static int csv_all(const char *data, size_t len, size_t step, struct rec *out, int max, int *nrec,
		   struct mg_error *err)
{
	struct chunky ck = {data, len, step};
	struct mg_reader r = {.name = "t.csv", .size = (int64_t)len, .read = chunky_read, .ctx = &ck};
	struct mg_csv *c;
	size_t n;
	char **f;
	int rc;
	*nrec = 0;
	memset(err, 0, sizeof *err);
	if ((rc = mg_csv_open(&c, &r, err)))
		return rc;
	while ((rc = mg_csv_next(c, &n, &f, err)) == 1) {
		if (*nrec < max) {
			struct rec *o = &out[*nrec];
			o->n = n;
			o->line = mg_csv_line(c);
			for (size_t i = 0; i < n && i < 8; i++)
				cpy(o->f[i], sizeof o->f[i], f[i]);
		}
		(*nrec)++;
	}
	mg_csv_close(c);
	return rc;
}

static void test_csv_reader(void)
{
	struct rec rec[8];
	struct mg_error err = {0};
	int nrec, rc;
	static const char basic[] = "a,\"b \"\"q\"\" c\",\"x\r\ny\"\r\n,,\n\"last\"";
	size_t steps[] = {0, 1, 2, 3};

	for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
		rc = csv_all(basic, sizeof basic - 1, steps[k], rec, 8, &nrec, &err);
		ok(rc == 0 && nrec == 3, "csv (read %zu at a time): 3 records", steps[k]);
		ok(rec[0].n == 3 && !strcmp(rec[0].f[0], "a") && !strcmp(rec[0].f[1], "b \"q\" c") &&
			   !strcmp(rec[0].f[2], "x\r\ny"),
		   "csv (%zu): quoted fields, \"\" escapes, CRLF kept inside quotes", steps[k]);
		ok(rec[1].n == 3 && !rec[1].f[0][0] && !rec[1].f[2][0], "csv (%zu): ,, is three empty fields", steps[k]);
		ok(rec[2].n == 1 && !strcmp(rec[2].f[0], "last"), "csv (%zu): last record without a line break", steps[k]);
		/* Record 1 spans lines 1-2 (quoted CR LF), so record 2 is on line 3, record 3 on line 4. */
		ok(rec[0].line == 1 && rec[1].line == 3 && rec[2].line == 4, "csv (%zu): record lines 1, 3, 4", steps[k]);
	}

	rc = csv_all("\xEF\xBB\xBFId,x\n", 8, 1, rec, 8, &nrec, &err);
	ok(rc == 0 && nrec == 1 && !strcmp(rec[0].f[0], "Id"), "csv: a byte order mark is dropped (1-byte reads)");
	rc = csv_all("a,\xEF\xBB\xBF\n", 6, 0, rec, 8, &nrec, &err);
	ok(rc == 0 && !strcmp(rec[0].f[1], "\xEF\xBB\xBF"), "csv: a BOM elsewhere is data");
	rc = csv_all("", 0, 0, rec, 8, &nrec, &err);
	ok(rc == 0 && nrec == 0, "csv: empty input has no records");
	rc = csv_all("a\rb\r", 4, 0, rec, 8, &nrec, &err);
	ok(rc == 0 && nrec == 2 && !strcmp(rec[1].f[0], "b") && rec[1].line == 2, "csv: lone CR ends records");
	rc = csv_all("\"ab\"c,d\"e\n", 10, 0, rec, 8, &nrec, &err);
	ok(rc == 0 && nrec == 1 && !strcmp(rec[0].f[0], "abc") && !strcmp(rec[0].f[1], "d\"e"),
	   "csv: text after a closing quote and a quote in a bare field are kept");

	rc = csv_all("a,b\n\"open,\nmore\n", 16, 0, rec, 8, &nrec, &err);
	ok(rc == MG_EPARSE && nrec == 1, "csv: unterminated quote is a parse error");
	ok(strstr(err.msg, "t.csv") && strstr(err.msg, "line 2"), "csv: ... naming file and line 2 (%s)", err.msg);

	{ /* the line cap: exactly MG_CSV_LINE_MAX bytes pass, one more fails */
		size_t len = 3 + MG_CSV_LINE_MAX + 1 + MG_CSV_LINE_MAX + 2;
		char *big = malloc(len);
		memcpy(big, "ok\n", 3);
		memset(big + 3, 'x', MG_CSV_LINE_MAX);
		big[3 + MG_CSV_LINE_MAX] = '\n';
		memset(big + 4 + MG_CSV_LINE_MAX, 'y', MG_CSV_LINE_MAX + 1);
		big[len - 1] = '\n';
		rc = csv_all(big, len, 0, rec, 8, &nrec, &err);
		ok(rc == MG_ETOOBIG && nrec == 2, "csv: a line of MG_CSV_LINE_MAX bytes is read, one byte more is too big");
		ok(strstr(err.msg, "t.csv") && strstr(err.msg, "line 3"), "csv: ... naming file and line 3 (%s)", err.msg);
		free(big);
	}
	{ /* 4096 fields pass, 4097 fail */
		size_t len = 4096 * 2 + 4097 * 2;
		char *d = malloc(len);
		for (size_t i = 0; i < 4096; i++) {
			d[2 * i] = 'a';
			d[2 * i + 1] = i == 4095 ? '\n' : ',';
		}
		for (size_t i = 0; i < 4097; i++) {
			d[8192 + 2 * i] = 'b';
			d[8192 + 2 * i + 1] = i == 4096 ? '\n' : ',';
		}
		rc = csv_all(d, len, 0, rec, 8, &nrec, &err);
		ok(rc == MG_ETOOBIG && nrec == 1 && rec[0].n == 4096, "csv: 4096 fields read, 4097 refused");
		ok(strstr(err.msg, "line 2") != NULL, "csv: ... naming line 2 (%s)", err.msg);
		free(d);
	}
}

/* ---- Sleep as Android ---- */

static void test_saa_written(void)
{
	struct got *g = calloc(1, sizeof *g);
	struct mg_error err = {0};
	int rc = run_file(mg_import_saa, DATA "saa-stages.csv", NULL, g, &err);
	/* Record A: Id 1768086000500 ms = 2026-01-10 23:00:00.5Z (`date -u -d '2026-01-10 23:00:00' +%s` =
	 * 1768086000), so T = 1768086000 (ms truncated); Hours 8.000 -> end T + 28800 = 1768114800.
	 * Events are T + k s + 999 ms, so each reads as T + k. */
	const int64_t T = 1768086000;
	ok(rc == 0, "saa: written file parsed (%s)", err.msg);
	ok(all_sane(g), "saa: all intervals sane");
	/* 4 skipped records: unknown zone, Hours 25, Id not a number, Hours empty. */
	ok(g->nskip == 4, "saa: 4 records skipped (%d)", g->nskip);
	if (g->nskip == 4) {
		is_str(g->skipped[0], "unknown time zone", "saa: Mars/Olympus_Mons is an unknown time zone");
		ok(strstr(g->skipped[1], "Hours") != NULL, "saa: Hours 25 skipped (%s)", g->skipped[1]);
		is_str(g->skipped[2], "unreadable Id", "saa: Id not a number");
		is_str(g->skipped[3], "unreadable Hours", "saa: Hours empty");
	}
	is_iv(g, 0, MG_STAGE_IN_BED, T, T + 28800, "saa A in bed");
	/* LIGHT_START +600 opens light; DEEP_START +2400 nests deep; DEEP_END +5400 back to light;
	 * REM +7200..+8400; AWAKE +14400..+15000; paused +18000..+18300; LIGHT_END +29100 clipped to +28800. */
	is_iv(g, 1, MG_STAGE_LIGHT, T + 600, T + 2400, "saa A");
	is_iv(g, 2, MG_STAGE_DEEP, T + 2400, T + 5400, "saa A");
	is_iv(g, 3, MG_STAGE_LIGHT, T + 5400, T + 7200, "saa A");
	is_iv(g, 4, MG_STAGE_REM, T + 7200, T + 8400, "saa A");
	is_iv(g, 5, MG_STAGE_LIGHT, T + 8400, T + 14400, "saa A");
	is_iv(g, 6, MG_STAGE_AWAKE, T + 14400, T + 15000, "saa A");
	is_iv(g, 7, MG_STAGE_LIGHT, T + 15000, T + 18000, "saa A: light until the pause");
	is_iv(g, 8, MG_STAGE_LIGHT, T + 18300, T + 28800, "saa A: light after the pause, clipped to the end");
	if (g->niv > 8) {
		is_str(g->iv[0].note, "Slept \"ok\"\n #alcohol #stress_2x", "saa A: comment with quotes, \\n and tags");
		is_str(g->iv[8].note, g->iv[0].note, "saa A: every interval carries the comment");
		is_str(g->iv[0].source, "Sleep as Android", "saa: source");
		is_str(g->iv[0].device, "", "saa: device empty");
		is_str(g->iv[0].tz, "Europe/London", "saa: tz from Tz");
		ok(g->iv[0].kind == MG_DEV_PHONE, "saa: kind phone");
		ok(g->iv[0].so == 0 && g->iv[0].eo == 0, "saa A: GMT in January, offsets 0");
	}
	/* Record B, manual: Id 1768172400000 = T + 86400; Hours 7.500 -> +27000 s; LenAdjust -1.0 (manual). */
	is_iv(g, 9, MG_STAGE_IN_BED, T + 86400, T + 86400 + 27000, "saa B manual in bed");
	is_iv(g, 10, MG_STAGE_ASLEEP_UNSPECIFIED, T + 86400, T + 86400 + 27000, "saa B manual asleep over the record");
	if (g->niv > 10)
		is_str(g->iv[10].note, "Manually added\nsecond line", "saa B: comment with a quoted line break");
	/* Record C, spring DST: Id 1774740600000 = 2026-03-28 23:30Z (`date -u -d '2026-03-28 23:30:00' +%s`),
	 * GMT (+0); Hours 7.5 -> 1774767600 = 2026-03-29 07:00Z, after 01:00Z so BST (+60).
	 * No hypnogram, LenAdjust -15 min, Cycles 4 (tracked): asleep from +900 s. */
	is_iv(g, 11, MG_STAGE_IN_BED, 1774740600, 1774767600, "saa C DST in bed");
	is_iv(g, 12, MG_STAGE_ASLEEP_UNSPECIFIED, 1774740600 + 900, 1774767600, "saa C asleep less LenAdjust");
	if (g->niv > 12) {
		ok(g->iv[11].so == 0 && g->iv[11].eo == 60, "saa C: offsets 0 -> +60 across the spring change");
		ok(g->iv[12].so == 0 && g->iv[12].eo == 60, "saa C: asleep offsets 0 -> +60");
		is_str(g->iv[12].note, "#dst", "saa C: tag-only comment");
	}
	/* Record D, autumn DST: Id 1792882800000 = 2026-10-24 23:00Z (`date -u -d '2026-10-24 23:00:00' +%s`)
	 * = 00:00 BST (+60); Hours 8 -> 1792911600 = 07:00Z, GMT (+0). Awake 00:30Z..01:30Z straddles
	 * the change at 01:00Z. */
	{
		const int64_t D = 1792882800;
		is_iv(g, 13, MG_STAGE_IN_BED, D, D + 28800, "saa D in bed");
		is_iv(g, 14, MG_STAGE_LIGHT, D, D + 5400, "saa D light");
		is_iv(g, 15, MG_STAGE_AWAKE, D + 5400, D + 9000, "saa D awake across the change");
		is_iv(g, 16, MG_STAGE_LIGHT, D + 9000, D + 28800, "saa D light to the end");
		if (g->niv > 16) {
			ok(g->iv[13].so == 60 && g->iv[13].eo == 0, "saa D: in bed offsets +60 -> 0");
			ok(g->iv[15].so == 60 && g->iv[15].eo == 0, "saa D: awake offsets +60 -> 0");
			ok(g->iv[16].so == 0 && g->iv[16].eo == 0, "saa D: last light in GMT");
		}
	}
	ok(g->niv == 17, "saa: 17 intervals in all (%d)", g->niv);

	/* Not an export at all. */
	rc = run_mem(mg_import_saa, "x.csv", "\"1\",\"2\"\n", 8, NULL, g, &err);
	ok(rc == MG_EPARSE && strstr(err.msg, "x.csv") && strstr(err.msg, "line 1"),
	   "saa: a data row before any header is refused naming the line (%s)", err.msg);
	free(g);
}

/* The sleep-export.csv member of a zip, read into memory with mgsleep's zip
 * reader (src/import/zip.c), which checks each member's CRC-32 and size. */
static char *zip_member(const char *path, const char *member, size_t *len)
{
	struct mg_zip *z = NULL;
	struct mg_error err = {0};
	const char *name;
	char *buf = NULL;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || mg_zip_open(&z, fd, path, &err))
		goto out;
	while (mg_zip_next(z, &name, &err) == 1) {
		size_t cap = 1 << 16, n = 0;
		ssize_t k;
		if (strcmp(name, member) != 0)
			continue;
		buf = malloc(cap);
		while (buf && (k = mg_zip_read(z, buf + n, cap - n, &err)) > 0) {
			n += (size_t)k;
			if (n == cap) {
				char *nb = realloc(buf, cap * 2);
				if (!nb) {
					free(buf);
					buf = NULL;
					break;
				}
				buf = nb;
				cap *= 2;
			}
		}
		*len = n;
		break;
	}
out:
	mg_zip_close(z);
	if (fd >= 0)
		close(fd);
	return buf;
}

static void test_saa_fixtures(void)
{
	static const char *const zips[] = {
		"sleepdiary-core_sleep-export.1.zip",          "sleepdiary-core_sleep-export.2.zip",
		"sleepdiary-core_sleep-export.3.zip",          "sleepdiary-core_sleep-export.4.zip",
		"sleepdiary-core_sleep-export.1606551886.zip", "sleepdiary-core_sleep-export.1606736472.zip",
		"sleepdiary-core_sleep-export.1606738409.zip", "sleepdiary-core_sleep-export.1606738537.zip",
		"sleepdiary-core_sleep-export.1606907034.zip",
	};
	/* Records per file = lines starting with "Id," in each sleep-export.csv (grep -c). */
	static const int records[] = {2, 4, 7, 8, 8, 9, 10, 11, 12};
	struct got *g = calloc(1, sizeof *g);
	struct mg_error err = {0};
	for (size_t i = 0; i < sizeof zips / sizeof zips[0]; i++) {
		char path[256];
		size_t len = 0;
		char *csv;
		int rc, inbed = 0;
		snprintf(path, sizeof path, FIX "sleep-as-android/%s", zips[i]);
		if (!tap_have_file(path))
			continue;
		csv = zip_member(path, "sleep-export.csv", &len);
		if (!ok(csv != NULL, "saa fixture %s: sleep-export.csv extracted", zips[i]))
			continue;
		rc = run_mem(mg_import_saa, zips[i], csv, len, NULL, g, &err);
		for (int k = 0; k < g->niv; k++)
			inbed += g->iv[k].stage == MG_STAGE_IN_BED;
		ok(rc == 0 && g->nskip == 0, "saa fixture %s parsed (%s)", zips[i], err.msg);
		ok(inbed == records[i], "saa fixture %s: %d records in bed (%d)", zips[i], records[i], inbed);
		ok(all_sane(g), "saa fixture %s: intervals sane", zips[i]);
		if (i == 0) {
			/* Record 1: Id 1606462701362 -> 1606462701; Hours 0.030 -> +108 s = 1606462809;
			 * no stage events (DHA, LUX, DEVICE, TRACKING_STOPPED_BY_USER only). */
			is_iv(g, 0, MG_STAGE_IN_BED, 1606462701, 1606462809, "saa fixture 1 record 1");
			is_iv(g, 1, MG_STAGE_ASLEEP_UNSPECIFIED, 1606462701, 1606462809, "saa fixture 1 record 1");
			/* The CSV cell is €¥$π\,"" \n  #alcohol_3x ...: "" -> ", " \n " -> newline. */
			ok(g->niv > 1 && !strncmp(g->iv[1].note, "\xE2\x82\xAC\xC2\xA5$\xCF\x80\\,\"\n #alcohol_3x #food", 28),
			   "saa fixture 1: unicode comment kept, quote and newline decoded");
			/* Manual record: Id 1606420800000 = 2020-11-26 20:00Z (`date -u -d @1606420800`);
			 * Hours 11 -> +39600 = 1606460400 (2020-11-27 07:00Z). */
			is_iv(g, 2, MG_STAGE_IN_BED, 1606420800, 1606460400, "saa fixture 1 manual record");
			is_iv(g, 3, MG_STAGE_ASLEEP_UNSPECIFIED, 1606420800, 1606460400, "saa fixture 1 manual record");
			if (g->niv > 3)
				is_str(g->iv[3].note, "Manually added", "saa fixture 1: manual comment");
		}
		if (i == 5) {
			/* First record: Id 1606734191337 -> 1606734191; Hours 0.610 -> 2196 s, end
			 * (1606734191337 + 2196000) / 1000 = 1606736387. LIGHT_START 1606734191337,
			 * TRACKING_PAUSED 1606734825924, TRACKING_RESUMED 1606734876008, LIGHT_END
			 * 1606736411337 (after the end: clipped to 1606736387). */
			is_iv(g, 0, MG_STAGE_IN_BED, 1606734191, 1606736387, "saa fixture 1606736472 record 1");
			is_iv(g, 1, MG_STAGE_LIGHT, 1606734191, 1606734825, "saa fixture 1606736472 light to the pause");
			is_iv(g, 2, MG_STAGE_LIGHT, 1606734876, 1606736387, "saa fixture 1606736472 light after the pause");
			if (g->niv > 2)
				is_str(g->iv[1].note, " #fullmoon #light", "saa fixture 1606736472: auto tags kept");
		}
		free(csv);
	}
	free(g);
}

/* ---- Oura CSV ---- */

static void test_oura(void)
{
	struct got *g = calloc(1, sizeof *g);
	struct mg_error err = {0};
	struct mg_import_opts o = {.tz = "America/New_York"};
	int rc = run_file(mg_import_oura_csv, DATA "oura-app.csv", NULL, g, &err);
	ok(rc == 0, "oura app csv parsed (%s)", err.msg);
	ok(g->np == 3 && g->niv == 3, "oura: 3 periods and 3 in-bed intervals (%d, %d)", g->np, g->niv);
	ok(g->nskip == 2, "oura: 2 rows skipped (bad start, deleted)");
	if (g->nskip == 2) {
		is_str(g->skipped[0], "unreadable bedtime start", "oura: unreadable start");
		is_str(g->skipped[1], "deleted in the Oura app", "oura: deleted row");
	}
	ok(all_sane(g), "oura: intervals sane");
	if (g->np == 3) {
		/* Row 1: 2026-01-10T23:05Z = 1768086000 + 300 (`date -u -d '2026-01-10 23:00:00' +%s`),
		 * end 07:05Z = +28800. Seconds: 25200/60 = 420 total, 3600 -> 60 awake, 14400 -> 240 light,
		 * 5400 -> 90 deep and REM, 600 -> 10 latency. Seconds because 25200 > 480 min in bed. */
		const struct per *p = &g->p[0];
		ok(p->start == 1768086300 && p->end == 1768086300 + 28800, "oura row 1: start and end");
		ok(p->tst == 420 && p->awake == 60 && p->light == 240 && p->deep == 90 && p->rem == 90 && p->sol == 10,
		   "oura row 1: 420/60/240/90/90/10 minutes (%d %d %d %d %d %d)", p->tst, p->awake, p->light, p->deep,
		   p->rem, p->sol);
		ok(p->nap == 0 && p->so == 0 && p->eo == 0, "oura row 1: long_sleep is main sleep, offset 0");
		is_str(p->source, "Oura", "oura: source");
		is_str(p->tz, "", "oura: zoned times give no tz name");
		ok(p->kind == MG_DEV_WEARABLE, "oura: wearable");
		/* Row 2: 14:00Z..14:40Z on 2026-01-11 = 1768086000 + 15 h (54000) .. + 2400. Nap of 1800 s -> 30
		 * min; awake 600 -> 10; light 30; deep 0; REM 0; latency 300 -> 5. */
		p = &g->p[1];
		ok(p->start == 1768140000 && p->end == 1768142400, "oura row 2: nap times");
		ok(p->nap == 1 && p->tst == 30 && p->awake == 10 && p->light == 30 && p->deep == 0 && p->rem == 0 &&
			   p->sol == 5,
		   "oura row 2: late_nap, 30/10/30/0/0/5 minutes");
		/* Row 3: 2026-06-01T23:30+01:00 = 22:30Z = 1780353000 (`date -u -d '2026-06-01 22:30:00' +%s`);
		 * end 07:00+01:00 = 06:00Z = +27000. */
		p = &g->p[2];
		ok(p->start == 1780353000 && p->end == 1780353000 + 27000 && p->so == 60 && p->eo == 60,
		   "oura row 3: +01:00 offset read");
		ok(p->tst == 390 && p->sol == 15, "oura row 3: 23400 s -> 390 min, 900 s -> 15 min");
	}
	if (g->niv > 0)
		is_iv(g, 0, MG_STAGE_IN_BED, 1768086300, 1768086300 + 28800, "oura row 1 in bed");
	ok(g->ninfo == 1, "oura: one info line");
	if (g->ninfo == 1) {
		ok(strstr(g->info[0], "start from 'Bedtime Start'") && strstr(g->info[0], "end from 'Bedtime End'") &&
			   strstr(g->info[0], "total sleep from 'Total Sleep Duration' (seconds)") &&
			   strstr(g->info[0], "type from 'Type'"),
		   "oura: info names the columns and unit (%s)", g->info[0]);
	}

	rc = run_file(mg_import_oura_csv, DATA "oura-snake.csv", &o, g, &err);
	ok(rc == 0 && g->np == 1, "oura snake_case csv parsed (%s)", err.msg);
	if (g->np == 1) {
		/* 2026-01-10 23:00 in New York (EST, -5 h) = 2026-01-11 04:00Z = 1768104000
		 * (`date -u -d '2026-01-11 04:00:00' +%s`); end 07:00 EST = 12:00Z = +28800.
		 * 7:00 -> 420 min, 4:00 -> 240, 1:30 -> 90; bare numbers 45, 90, 12 are minutes (none
		 * exceeds the 480 min in bed). */
		const struct per *p = &g->p[0];
		ok(p->start == 1768104000 && p->end == 1768104000 + 28800 && p->so == -300 && p->eo == -300,
		   "oura snake: zoneless times read in --tz America/New_York");
		ok(p->tst == 420 && p->awake == 45 && p->light == 240 && p->deep == 90 && p->rem == 90 && p->sol == 12,
		   "oura snake: h:mm and minutes (%d %d %d %d %d %d)", p->tst, p->awake, p->light, p->deep, p->rem, p->sol);
		ok(p->nap == 0, "oura snake: is_nap false");
		is_str(p->tz, "America/New_York", "oura snake: tz recorded");
	}
	ok(g->ninfo == 1 && strstr(g->info[0], "total sleep from 'total_sleep' (minutes)") &&
		   strstr(g->info[0], "nap from 'is_nap'"),
	   "oura snake: info (%s)", g->ninfo ? g->info[0] : "");

	rc = run_mem(mg_import_oura_csv, "o.csv", "Day,Score\n2026-01-01,80\n", 24, NULL, g, &err);
	ok(rc == MG_EPARSE && strstr(err.msg, "o.csv") && strstr(err.msg, "bedtime start"),
	   "oura: no start column refused (%s)", err.msg);
	free(g);
}

/* ---- generic CSV and PleesTracker ---- */

static void test_generic(void)
{
	struct got *g = calloc(1, sizeof *g);
	struct mg_error err = {0};
	struct mg_import_opts o = {.map = "start=start, end=End,stage=Stage,source=Device", .source = "MyTracker"};
	int rc = run_file(mg_import_csv, DATA "generic-zone.csv", &o, g, &err);
	/* T = 2026-01-10 23:00Z = 1768086000 (`date -u -d '2026-01-10 23:00:00' +%s`). */
	const int64_t T = 1768086000;
	ok(rc == 0, "generic zoned parsed (%s)", err.msg);
	ok(g->niv == 5 && g->nskip == 2, "generic: 5 rows kept, 2 skipped (%d, %d)", g->niv, g->nskip);
	is_iv(g, 0, MG_STAGE_IN_BED, T, T + 8 * 3600, "generic 'in bed'");
	is_iv(g, 1, MG_STAGE_LIGHT, T + 1200, T + 7200, "generic 'Core' is light");
	is_iv(g, 2, MG_STAGE_DEEP, T + 7200, T + 9000, "generic deep");
	is_iv(g, 3, MG_STAGE_REM, T + 9000, T + 10800, "generic REM");
	is_iv(g, 4, MG_STAGE_AWAKE, T + 10800, T + 11400, "generic Wake");
	if (g->niv == 5) {
		is_str(g->iv[0].source, "Withings", "generic: source from the column");
		is_str(g->iv[2].source, "MyTracker", "generic: empty source cell falls back to --source");
		is_str(g->iv[0].tz, "", "generic: zoned times name no zone");
		ok(g->iv[0].kind == MG_DEV_OTHER, "generic: kind other");
	}
	if (g->nskip == 2) {
		is_str(g->skipped[0], "end before start", "generic: end before start skipped");
		is_str(g->skipped[1], "unknown stage", "generic: unknown stage skipped");
	}

	o = (struct mg_import_opts){.map = "start=from,end=to", .tz = "Europe/Berlin"};
	rc = run_file(mg_import_csv, DATA "generic-local.csv", &o, g, &err);
	/* 2026-03-28 23:30 CET (+1) = 22:30Z = 1774737000; 2026-03-29 07:30 CEST (+2, the change is at
	 * 01:00Z) = 05:30Z = 1774762200 (`date -u -d '2026-03-29 05:30' +%s`). */
	ok(rc == 0 && g->niv == 1, "generic zoneless parsed (%s)", err.msg);
	is_iv(g, 0, MG_STAGE_ASLEEP_UNSPECIFIED, 1774737000, 1774762200, "generic zoneless in Europe/Berlin");
	if (g->niv == 1) {
		ok(g->iv[0].so == 60 && g->iv[0].eo == 120, "generic zoneless: offsets +60 -> +120");
		is_str(g->iv[0].tz, "Europe/Berlin", "generic zoneless: tz from --tz");
		is_str(g->iv[0].source, "csv", "generic: default source csv");
	}

	o = (struct mg_import_opts){.map = "start=begin,end=finish", .tz = "UTC"};
	rc = run_file(mg_import_csv, DATA "generic-epoch.csv", &o, g, &err);
	/* 1768086000000 ms and 1768086000 s are both 2026-01-10 23:00Z; 1768114800 is 07:00Z. */
	ok(rc == 0 && g->niv == 2, "generic epoch parsed (%s)", err.msg);
	is_iv(g, 0, MG_STAGE_ASLEEP_UNSPECIFIED, T, T + 28800, "generic epoch milliseconds");
	is_iv(g, 1, MG_STAGE_ASLEEP_UNSPECIFIED, T, T + 28800, "generic epoch seconds");

	o = (struct mg_import_opts){.map = "start=begin,end=Nope"};
	rc = run_file(mg_import_csv, DATA "generic-epoch.csv", &o, g, &err);
	ok(rc == MG_EINVAL && strstr(err.msg, "'Nope'"), "generic: column not in header names it (%s)", err.msg);
	o.map = "start=begin,finish=finish";
	rc = run_file(mg_import_csv, DATA "generic-epoch.csv", &o, g, &err);
	ok(rc == MG_EINVAL && strstr(err.msg, "'finish'"), "generic: unknown key names it (%s)", err.msg);
	o.map = "start=begin";
	rc = run_file(mg_import_csv, DATA "generic-epoch.csv", &o, g, &err);
	ok(rc == MG_EINVAL && strstr(err.msg, "'end'"), "generic: missing end named (%s)", err.msg);
	o.map = "start=begin,end=";
	rc = run_file(mg_import_csv, DATA "generic-epoch.csv", &o, g, &err);
	ok(rc == MG_EINVAL && strstr(err.msg, "'end'"), "generic: empty column named (%s)", err.msg);
	o.map = NULL;
	rc = run_file(mg_import_csv, DATA "generic-epoch.csv", &o, g, &err);
	ok(rc == MG_EINVAL && strstr(err.msg, "--map"), "generic: unknown layout without a map asks for --map (%s)",
	   err.msg);
	o = (struct mg_import_opts){.map = "start=from,end=to", .tz = "Nowhere/Atlantis"};
	rc = run_file(mg_import_csv, DATA "generic-local.csv", &o, g, &err);
	ok(rc == MG_EINVAL && strstr(err.msg, "Nowhere/Atlantis"), "generic: unknown --tz is an error (%s)", err.msg);

	/* PleesTracker: ms times truncated to seconds: 1608323029380 -> 1608323029 and so on. */
	o = (struct mg_import_opts){.tz = "UTC"};
	if (!tap_have_file(FIX "plees-tracker/sleepdiary-core_plees-tracker.csv")) {
		free(g);
		return;
	}
	rc = run_file(mg_import_csv, FIX "plees-tracker/sleepdiary-core_plees-tracker.csv", &o, g, &err);
	ok(rc == 0 && g->niv == 3, "plees fixture parsed (%s)", err.msg);
	is_iv(g, 0, MG_STAGE_ASLEEP_UNSPECIFIED, 1608323029, 1608323057, "plees row 1");
	is_iv(g, 1, MG_STAGE_ASLEEP_UNSPECIFIED, 1608323062, 1608323063, "plees row 2");
	is_iv(g, 2, MG_STAGE_ASLEEP_UNSPECIFIED, 1608323066, 1608323067, "plees row 3");
	if (g->niv == 3) {
		is_str(g->iv[0].source, "Plees Tracker", "plees: source");
		ok(g->iv[0].kind == MG_DEV_APP, "plees: kind app");
		is_str(g->iv[0].note, "rating 0/5", "plees row 1: rating 0/5");
		is_str(g->iv[1].note, "rating 5/5", "plees row 2: rating 5/5");
		is_str(g->iv[2].note, "rating 3/5", "plees row 3: rating 3/5");
	}
	free(g);
}

int main(void)
{
	test_csv_reader();
	test_saa_written();
	test_saa_fixtures();
	test_oura();
	test_generic();
	return tap_done();
}
