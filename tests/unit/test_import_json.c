/* Fitbit and Oura JSON importers (src/import/fitbit.c, oura_json.c).
 *
 * Expected instants were worked out by hand from the fixtures and checked
 * with date(1), e.g. date -u -d '2026-07-08 22:52:30 +0100' +%s; each block
 * shows its derivation. Runs from the repository root (meson workdir). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mgsleep/import.h>

#include "../tap.h"

#define MAXIV 64

struct rec_iv {
	int stage, kind, so, eo;
	long long start, end;
	char source[32], device[32], tz[40], note[32];
};

struct rec {
	struct rec_iv iv[MAXIV];
	int niv;
	struct mg_period pd[4];
	char pd_source[4][32];
	int npd;
	int nskip;
	char skips[2048]; /* reasons, each followed by '|' */
};

static void cp(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "(null)");
}

static int on_iv(void *ctx, const struct mg_interval *iv, struct mg_error *err)
{
	struct rec *r = ctx;
	struct rec_iv *x;
	(void)err;
	if (r->niv == MAXIV)
		return 0;
	x = &r->iv[r->niv++];
	x->stage = iv->stage;
	x->kind = iv->kind;
	x->so = iv->start_offset;
	x->eo = iv->end_offset;
	x->start = iv->start;
	x->end = iv->end;
	cp(x->source, sizeof x->source, iv->source);
	cp(x->device, sizeof x->device, iv->device);
	cp(x->tz, sizeof x->tz, iv->tz);
	cp(x->note, sizeof x->note, iv->note);
	return 0;
}

static int on_pd(void *ctx, const struct mg_period *p, struct mg_error *err)
{
	struct rec *r = ctx;
	(void)err;
	if (r->npd == 4)
		return 0;
	cp(r->pd_source[r->npd], sizeof r->pd_source[0], p->source);
	r->pd[r->npd] = *p;
	r->pd[r->npd].source = r->pd_source[r->npd];
	r->pd[r->npd].device = r->pd[r->npd].tz = r->pd[r->npd].note = NULL; /* borrowed: not kept */
	r->npd++;
	return 0;
}

static void on_skip(void *ctx, const char *what, const char *source, const char *reason)
{
	struct rec *r = ctx;
	size_t l = strlen(r->skips);
	(void)what;
	(void)source;
	r->nskip++;
	snprintf(r->skips + l, sizeof r->skips - l, "%s|", reason);
}

static int count_reason(const struct rec *r, const char *reason)
{
	int n = 0;
	char key[128];
	snprintf(key, sizeof key, "%s|", reason);
	for (const char *p = r->skips; (p = strstr(p, key)); p += strlen(key))
		n++;
	return n;
}

typedef int (*parser_fn)(struct mg_reader *, const struct mg_import_opts *, const struct mg_import_sink *,
			 struct mg_error *);

static int run_mem(parser_fn f, const char *name, const char *data, size_t len, const char *tz, struct rec *r,
		   struct mg_error *err)
{
	struct mg_reader rd;
	struct mg_reader_memctx m;
	struct mg_import_opts o = {.tz = tz};
	struct mg_import_sink s = {.ctx = r, .interval = on_iv, .period = on_pd, .skipped = on_skip};
	memset(r, 0, sizeof *r);
	memset(err, 0, sizeof *err);
	mg_reader_mem(&rd, &m, name, data, len);
	return f(&rd, &o, &s, err);
}

static int run_str(parser_fn f, const char *json, const char *tz, struct rec *r, struct mg_error *err)
{
	return run_mem(f, "inline.json", json, strlen(json), tz, r, err);
}

static int run_file(parser_fn f, const char *path, const char *tz, struct rec *r, struct mg_error *err)
{
	FILE *fp = fopen(path, "rb");
	static char buf[1 << 16];
	size_t n;
	if (!fp) {
		printf("# cannot open %s\n", path);
		memset(r, 0, sizeof *r);
		return -100;
	}
	n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	return run_mem(f, path, buf, n, tz, r, err);
}

/* One stage interval, relative to base. */
static void is_iv(const struct rec *r, int i, int stage, long long base, long long a, long long b, const char *what)
{
	if (!ok(i < r->niv, "%s: interval %d exists", what, i))
		return;
	is_num(r->iv[i].stage, stage, 0, "%s: interval %d stage", what, i);
	is_num((double)(r->iv[i].start - base), (double)a, 0, "%s: interval %d start = base + %lld", what, i, a);
	is_num((double)(r->iv[i].end - base), (double)b, 0, "%s: interval %d end = base + %lld", what, i, b);
}

/* After each IN_BED, the stage intervals of that log lie inside it, in time
 * order, without overlap; every interval has start < end. */
static void check_layout(const struct rec *r, const char *what)
{
	int good = 1;
	long long lo = 0, hi = 0, prev = 0;
	for (int i = 0; i < r->niv; i++) {
		const struct rec_iv *x = &r->iv[i];
		if (x->start >= x->end || !x->source[0])
			good = 0;
		if (x->stage == MG_STAGE_IN_BED) {
			lo = prev = x->start;
			hi = x->end;
		} else {
			if (x->start < prev || x->start < lo || x->end > hi)
				good = 0;
			prev = x->end;
		}
	}
	ok(good, "%s: stage intervals inside their log, ordered, not overlapping", what);
}

static void test_fitbit_takeout(void)
{
	struct rec r;
	struct mg_error e;
	const char *w = "fitbit takeout";
	int rc = run_file(mg_import_fitbit, "tests/data/import/fitbit/sleep-2026-07-08.json", "Europe/London", &r, &e);
	is_num(rc, 0, 0, "%s: parses (%.200s)", w, e.msg);
	is_num(r.nskip, 0, 0, "%s: nothing skipped (%.200s)", w, r.skips);
	is_num(r.niv, 15, 0, "%s: 1+9 intervals for the night, 1+4 for the nap", w);
	is_num(r.npd, 0, 0, "%s: no periods", w);
	if (r.niv < 15)
		return;
	/* Log 1: startTime 2026-07-08T22:52:30 in London in July = BST (+01:00)
	 * = 21:52:30Z: date -u -d '2026-07-08 22:52:30 +0100' +%s = 1783547550.
	 * endTime 06:30:00 is 7 h 37 min 30 s = 27450 s later on the wall clock
	 * (no clock change in July). */
	const long long S = 1783547550;
	is_iv(&r, 0, MG_STAGE_IN_BED, S, 0, 27450, w);
	is_num(r.iv[0].so, 60, 0, "%s: start offset +60 (BST)", w);
	is_num(r.iv[0].eo, 60, 0, "%s: end offset +60", w);
	is_str(r.iv[0].source, "Fitbit", "%s: source", w);
	is_str(r.iv[0].device, "", "%s: device empty", w);
	is_num(r.iv[0].kind, MG_DEV_WEARABLE, 0, "%s: kind wearable", w);
	is_str(r.iv[0].tz, "Europe/London", "%s: tz is the --tz zone", w);
	is_str(r.iv[0].note, "", "%s: main sleep has no note", w);
	/* levels.data from S: wake 600, light 1800 (600..2400), deep 3600
	 * (2400..6000), light 7200 (6000..13200), rem 1800 (13200..15000),
	 * light 12450 (15000..27450).
	 * shortData: wake at 00:50:00 for 60 s: 00:50:00 - 22:52:30 = 1 h 57 min
	 * 30 s = 7050, so 7050..7110 cuts the light 6000..13200; wake at 02:32:00
	 * for 90 s: 3 h 39 min 30 s = 13170, so 13170..13260 straddles the
	 * light/rem boundary at 13200: light ends at 13170, rem starts at 13260. */
	is_iv(&r, 1, MG_STAGE_AWAKE, S, 0, 600, w);
	is_iv(&r, 2, MG_STAGE_LIGHT, S, 600, 2400, w);
	is_iv(&r, 3, MG_STAGE_DEEP, S, 2400, 6000, w);
	is_iv(&r, 4, MG_STAGE_LIGHT, S, 6000, 7050, w);
	is_iv(&r, 5, MG_STAGE_AWAKE, S, 7050, 7110, w);
	is_iv(&r, 6, MG_STAGE_LIGHT, S, 7110, 13170, w);
	is_iv(&r, 7, MG_STAGE_AWAKE, S, 13170, 13260, w);
	is_iv(&r, 8, MG_STAGE_REM, S, 13260, 15000, w);
	is_iv(&r, 9, MG_STAGE_LIGHT, S, 15000, 27450, w);
	/* Log 2, a classic nap (mainSleep false): 14:00 BST = 13:00Z =
	 * date -u -d '2026-07-09 14:00 +0100' +%s = 1783602000; 40 min. asleep
	 * 600, restless 120 (600..720) -> awake, awake 60 (720..780), asleep
	 * 1620 (780..2400). */
	const long long N = 1783602000;
	is_iv(&r, 10, MG_STAGE_IN_BED, N, 0, 2400, w);
	is_str(r.iv[10].note, "nap", "%s: mainSleep false -> note nap", w);
	is_str(r.iv[11].note, "nap", "%s: the nap's stages carry the note too", w);
	is_iv(&r, 11, MG_STAGE_ASLEEP, N, 0, 600, w);
	is_iv(&r, 12, MG_STAGE_AWAKE, N, 600, 720, "fitbit classic restless");
	is_iv(&r, 13, MG_STAGE_AWAKE, N, 720, 780, "fitbit classic awake");
	is_iv(&r, 14, MG_STAGE_ASLEEP, N, 780, 2400, w);
	check_layout(&r, w);
}

static void test_fitbit_api(void)
{
	struct rec r;
	struct mg_error e;
	const char *w = "fitbit api";
	int rc = run_file(mg_import_fitbit, "tests/data/import/fitbit/api-sleep-date.json", "Europe/London", &r, &e);
	is_num(rc, 0, 0, "%s: parses (%.200s)", w, e.msg);
	/* 2026-01-10 23:00 in London in January = GMT = 23:00Z:
	 * date -u -d '2026-01-10 23:00 +0000' +%s = 1768086000; 2 h in bed.
	 * asleep 3600, the "snoring" segment skipped, restless 300 (3600..3900)
	 * -> awake, asleep 3300 (3900..7200). */
	const long long S = 1768086000;
	is_num(r.niv, 4, 0, "%s: in bed + 3 stages", w);
	is_iv(&r, 0, MG_STAGE_IN_BED, S, 0, 7200, w);
	is_num(r.iv[0].so, 0, 0, "%s: GMT offset 0", w);
	is_iv(&r, 1, MG_STAGE_ASLEEP, S, 0, 3600, w);
	is_iv(&r, 2, MG_STAGE_AWAKE, S, 3600, 3900, w);
	is_iv(&r, 3, MG_STAGE_ASLEEP, S, 3900, 7200, w);
	is_num(r.nskip, 4, 0, "%s: four skips (%.200s)", w, r.skips);
	is_num(count_reason(&r, "unknown level"), 1, 0, "%s: unknown level skipped", w);
	is_num(count_reason(&r, "end before start"), 1, 0, "%s: end before start skipped", w);
	is_num(count_reason(&r, "longer than 24 hours"), 1, 0, "%s: 33 h log skipped", w);
	is_num(count_reason(&r, "unreadable startTime"), 1, 0, "%s: unreadable startTime skipped", w);
	check_layout(&r, w);
}

static void test_fitbit_dst(void)
{
	struct rec r;
	struct mg_error e;
	const char *w = "fitbit dst";
	int rc = run_file(mg_import_fitbit, "tests/data/import/fitbit/sleep-dst-new-york.json", "America/New_York", &r,
			  &e);
	is_num(rc, 0, 0, "%s: parses (%.200s)", w, e.msg);
	is_num(r.niv, 5 + 2, 0, "%s: 1+4 and 1+1 intervals", w);
	if (r.niv < 7)
		return;
	/* Spring forward: New York went from EST to EDT at 2026-03-08 07:00Z
	 * (02:00 EST -> 03:00 EDT). startTime 2026-03-07T23:30 EST = 04:30Z:
	 * date -u -d '2026-03-07 23:30 EST' +%s = 1772944200. Fitbit keeps the
	 * start offset (EST) for the whole log, so endTime 07:00 is 7.5 h of
	 * wall clock later = 27000 s = 12:00Z = 08:00 EDT (reading 07:00 as EDT
	 * would give 6.5 h, a lost hour). Offsets are the zone's real ones:
	 * -300 at the start, -240 at the end. */
	const long long S = 1772944200;
	is_iv(&r, 0, MG_STAGE_IN_BED, S, 0, 27000, w);
	is_num(r.iv[0].so, -300, 0, "%s: start offset EST", w);
	is_num(r.iv[0].eo, -240, 0, "%s: end offset EDT", w);
	is_str(r.iv[0].tz, "America/New_York", "%s: tz", w);
	/* light 23:30..00:30 (0..3600), deep 00:30..02:00 (3600..9000, ending
	 * at 07:00Z, the change: end offset -240), rem "02:00".."03:00" EST
	 * (9000..12600, an hour that does not exist on the EDT clock, but is real
	 * time in Fitbit's start-offset convention), light 12600..27000. */
	is_iv(&r, 1, MG_STAGE_LIGHT, S, 0, 3600, w);
	is_iv(&r, 2, MG_STAGE_DEEP, S, 3600, 9000, w);
	is_num(r.iv[2].so, -300, 0, "%s: deep starts in EST", w);
	is_num(r.iv[2].eo, -240, 0, "%s: deep ends at the change, EDT", w);
	is_iv(&r, 3, MG_STAGE_REM, S, 9000, 12600, w);
	is_iv(&r, 4, MG_STAGE_LIGHT, S, 12600, 27000, w);
	/* Fall back: EDT -> EST at 2026-11-01 06:00Z. startTime 2026-10-31T23:00
	 * EDT = 03:00Z: date -u -d '2026-10-31 23:00 EDT' +%s = 1793502000.
	 * endTime 07:00 is 8 h of wall clock later at the start offset = 11:00Z
	 * (= 06:00 EST: date -u -d '2026-11-01 06:00 EST' +%s = 1793530800,
	 * 28800 s later; reading 07:00 as EST would give 9 h, a phantom hour). */
	const long long F = 1793502000;
	is_iv(&r, 5, MG_STAGE_IN_BED, F, 0, 28800, w);
	is_num(r.iv[5].so, -240, 0, "%s: fall-back start offset EDT", w);
	is_num(r.iv[5].eo, -300, 0, "%s: fall-back end offset EST", w);
	is_iv(&r, 6, MG_STAGE_ASLEEP, F, 0, 28800, w);
	check_layout(&r, w);
}

static void test_fitbit_errors(void)
{
	struct rec r;
	struct mg_error e;
	int rc;

	rc = run_file(mg_import_fitbit, "tests/data/import/fitbit/malformed.json", "UTC", &r, &e);
	is_num(rc, MG_EPARSE, 0, "fitbit malformed: MG_EPARSE");
	/* Line 4 is '    "endTime" "2026-07-09T06:30:00.000"' (the ':' is
	 * missing): 4 spaces, "endTime" in columns 5-13, a space, and the
	 * 25-character string in columns 15-39; jansson reports the error when it
	 * has read that string, at its last column. */
	ok(strstr(e.msg, "tests/data/import/fitbit/malformed.json") != NULL, "fitbit malformed: names the file (%.200s)", e.msg);
	ok(strstr(e.msg, "line 4, column 39") != NULL, "fitbit malformed: names line and column (%.200s)", e.msg);
	ok(strstr(e.msg, "2026") == NULL, "fitbit malformed: no value from the file in the message");
	ok(!strchr(e.msg, '\n'), "fitbit malformed: one line");

	rc = run_file(mg_import_fitbit, "tests/data/import/fitbit/heart_rate-2026-07-08.json", "UTC", &r, &e);
	is_num(rc, MG_EINVAL, 0, "fitbit heart rate: refused with MG_EINVAL");
	ok(strstr(e.msg, "not a Fitbit sleep export") != NULL, "fitbit heart rate: says why (%.200s)", e.msg);
	is_num(r.niv, 0, 0, "fitbit heart rate: nothing emitted");

	rc = run_str(mg_import_fitbit, "{\"activities\": []}", "UTC", &r, &e);
	is_num(rc, MG_EINVAL, 0, "fitbit object without sleep: MG_EINVAL");
	rc = run_str(mg_import_fitbit, "42", "UTC", &r, &e);
	is_num(rc, MG_EPARSE, 0, "fitbit scalar document: MG_EPARSE");
	ok(strstr(e.msg, "42") == NULL, "fitbit scalar document: value not echoed (%.200s)", e.msg);
	rc = run_str(mg_import_fitbit, "[{\"startTime\":\"2026-01-01T00:00:00.000\",\"startTime\":\"x\"}]", "UTC", &r,
		     &e);
	is_num(rc, MG_EPARSE, 0, "fitbit duplicate key: MG_EPARSE");
	rc = run_str(mg_import_fitbit, "[]", "UTC", &r, &e);
	is_num(rc, 0, 0, "fitbit empty array: fine");
	is_num(r.niv + r.nskip, 0, 0, "fitbit empty array: nothing");
	rc = run_str(mg_import_fitbit, "{\"sleep\": []}", "UTC", &r, &e);
	is_num(rc, 0, 0, "fitbit empty api response: fine");
	rc = run_str(mg_import_fitbit, "[]", "Mars/Olympus_Mons", &r, &e);
	is_num(rc, MG_EINVAL, 0, "fitbit unknown --tz: MG_EINVAL even for an empty file");
}

static void test_fitbit_overlap(void)
{
	struct rec r;
	struct mg_error e;
	const char *w = "fitbit clip";
	/* Zone UTC; 2026-02-01T00:00Z = date -u -d '2026-02-01 00:00Z' +%s =
	 * 1769904000. One hour in bed. data: light 0..600, deep 600..7800 (runs
	 * past endTime: clipped to 3600), a second light 120..240 inside the
	 * first (a later-starting segment loses its overlap with an earlier one:
	 * nothing is left, so it is skipped); shortData: wake 0..600 hides the
	 * whole first light segment. */
	const char *js =
		"{\"sleep\":[{\"startTime\":\"2026-02-01T00:00:00.000\",\"endTime\":\"2026-02-01T01:00:00.000\","
		"\"type\":\"stages\",\"levels\":{\"data\":["
		"{\"dateTime\":\"2026-02-01T00:00:00.000\",\"level\":\"light\",\"seconds\":600},"
		"{\"dateTime\":\"2026-02-01T00:10:00.000\",\"level\":\"deep\",\"seconds\":7200},"
		"{\"dateTime\":\"2026-02-01T00:02:00.000\",\"level\":\"light\",\"seconds\":120}],"
		"\"shortData\":[{\"dateTime\":\"2026-02-01T00:00:00.000\",\"level\":\"wake\",\"seconds\":600}]}}]}";
	const long long T = 1769904000;
	int rc = run_str(mg_import_fitbit, js, "UTC", &r, &e);
	is_num(rc, 0, 0, "%s: parses (%.200s)", w, e.msg);
	is_num(r.niv, 3, 0, "%s: in bed, wake, deep", w);
	is_iv(&r, 0, MG_STAGE_IN_BED, T, 0, 3600, w);
	is_iv(&r, 1, MG_STAGE_AWAKE, T, 0, 600, w);
	is_iv(&r, 2, MG_STAGE_DEEP, T, 600, 3600, w);
	is_num(count_reason(&r, "overlaps an earlier segment"), 1, 0, "%s: overlapping data segment skipped (%.200s)", w,
	       r.skips);
	is_str(r.niv ? r.iv[0].tz : "", "UTC", "%s: tz", w);
	check_layout(&r, w);

	/* Partial overlap: rem 300..900 starts inside light 0..600 and keeps
	 * only 600..900. */
	rc = run_str(mg_import_fitbit,
		     "[{\"startTime\":\"2026-02-01T00:00:00.000\",\"endTime\":\"2026-02-01T01:00:00.000\",\"levels\":{\"data\":["
		     "{\"dateTime\":\"2026-02-01T00:00:00.000\",\"level\":\"light\",\"seconds\":600},"
		     "{\"dateTime\":\"2026-02-01T00:05:00.000\",\"level\":\"rem\",\"seconds\":600}]}}]",
		     "UTC", &r, &e);
	is_num(rc, 0, 0, "fitbit partial overlap: parses");
	is_num(r.niv, 3, 0, "fitbit partial overlap: in bed + 2");
	is_iv(&r, 1, MG_STAGE_LIGHT, T, 0, 600, "fitbit partial overlap");
	is_iv(&r, 2, MG_STAGE_REM, T, 600, 900, "fitbit partial overlap");

	/* With no --tz the system zone is used and tz is "". */
	rc = run_str(mg_import_fitbit, js, NULL, &r, &e);
	is_num(rc, 0, 0, "fitbit system zone: parses");
	is_str(r.niv ? r.iv[0].tz : "(none)", "", "fitbit system zone: tz empty");
}

static void test_oura_v2(void)
{
	struct rec r;
	struct mg_error e;
	const char *w = "oura v2";
	int rc = run_file(mg_import_oura_json, "tests/data/import/oura/v2-sleep.json", NULL, &r, &e);
	is_num(rc, 0, 0, "%s: parses (%.200s)", w, e.msg);
	is_num(r.niv, 7 + 2, 0, "%s: 1+6 intervals, 1+1 for the nap", w);
	is_num(r.npd, 0, 0, "%s: no periods", w);
	if (r.niv < 9)
		return;
	/* bedtime_start 2026-03-29T00:40:00+00:00 = date -u -d '2026-03-29
	 * 00:40 +0000' +%s = 1774744800; bedtime_end 03:12+01:00 = 02:12Z, 92 min
	 * = 5520 s later (London changed to BST at 01:00Z in between).
	 * Hypnogram "4422221111333322224" (19 digits): 44 awake 0..600, 2222
	 * light 600..1800, 1111 deep 1800..3000, 3333 REM 3000..4200, 2222 light
	 * 4200..5400, 4 awake 5400..5700 clipped to 5520. */
	const long long S = 1774744800;
	is_iv(&r, 0, MG_STAGE_IN_BED, S, 0, 5520, w);
	is_num(r.iv[0].so, 0, 0, "%s: start offset from the string", w);
	is_num(r.iv[0].eo, 60, 0, "%s: end offset from the string", w);
	is_str(r.iv[0].source, "Oura", "%s: source", w);
	is_str(r.iv[0].device, "", "%s: device", w);
	is_str(r.iv[0].tz, "", "%s: tz empty", w);
	is_num(r.iv[0].kind, MG_DEV_WEARABLE, 0, "%s: wearable", w);
	is_str(r.iv[0].note, "", "%s: long_sleep is no nap", w);
	is_iv(&r, 1, MG_STAGE_AWAKE, S, 0, 600, w);
	is_iv(&r, 2, MG_STAGE_LIGHT, S, 600, 1800, w);
	is_iv(&r, 3, MG_STAGE_DEEP, S, 1800, 3000, w);
	is_iv(&r, 4, MG_STAGE_REM, S, 3000, 4200, w);
	is_iv(&r, 5, MG_STAGE_LIGHT, S, 4200, 5400, w);
	is_iv(&r, 6, MG_STAGE_AWAKE, S, 5400, 5520, w);
	is_num(r.iv[5].eo, 0, 0, "%s: inner run keeps the start offset", w);
	is_num(r.iv[6].eo, 60, 0, "%s: last run ends with the end offset", w);
	/* Second period, type "sleep": 15:00+01:00 = 14:00Z = date -u -d
	 * '2026-03-29 15:00 +0100' +%s = 1774792800, 20 min. "2259": 22 light
	 * 0..600, then 5 and 9 are unknown digits (skipped). */
	const long long N = 1774792800;
	is_iv(&r, 7, MG_STAGE_IN_BED, N, 0, 1200, w);
	is_str(r.iv[7].note, "nap", "%s: type sleep -> nap", w);
	is_iv(&r, 8, MG_STAGE_LIGHT, N, 0, 600, w);
	is_num(count_reason(&r, "unknown hypnogram digit"), 2, 0, "%s: digits 5 and 9 skipped (%.200s)", w, r.skips);
	is_num(count_reason(&r, "deleted in the Oura app"), 1, 0, "%s: deleted period skipped", w);
	is_num(r.nskip, 3, 0, "%s: three skips", w);
	check_layout(&r, w);
}

static void test_oura_period(void)
{
	struct rec r;
	struct mg_error e;
	const char *w = "oura v2 no hypnogram";
	int rc = run_file(mg_import_oura_json, "tests/data/import/oura/v2-late-nap-no-hypnogram.json", NULL, &r, &e);
	is_num(rc, 0, 0, "%s: parses (%.200s)", w, e.msg);
	is_num(r.niv, 0, 0, "%s: no intervals", w);
	is_num(r.npd, 1, 0, "%s: one period", w);
	if (r.npd < 1)
		return;
	/* 18:05-07:00 = 01:05Z next day: date -u -d '2026-07-12 18:05 -0700' +%s
	 * = 1783904700; 45 min = 2700 s in bed. Seconds -> minutes rounded:
	 * total 2100 -> 35, latency 330 -> 5.5 -> 6, awake 600 -> 10, light 1500
	 * -> 25, deep 600 -> 10, rem 0 -> 0. */
	const struct mg_period *p = &r.pd[0];
	is_num((double)p->start, 1783904700.0, 0, "%s: start", w);
	is_num((double)(p->end - p->start), 2700, 0, "%s: 45 min in bed", w);
	is_num(p->start_offset, -420, 0, "%s: start offset", w);
	is_num(p->end_offset, -420, 0, "%s: end offset", w);
	is_num(p->nap, 1, 0, "%s: late_nap is a nap", w);
	is_num(p->tst, 35, 0, "%s: tst", w);
	is_num(p->sol, 6, 0, "%s: sol (5.5 min rounds up)", w);
	is_num(p->awake, 10, 0, "%s: awake", w);
	is_num(p->light, 25, 0, "%s: light", w);
	is_num(p->deep, 10, 0, "%s: deep", w);
	is_num(p->rem, 0, 0, "%s: rem", w);
	is_str(p->source, "Oura", "%s: source", w);
	is_num(p->kind, MG_DEV_WEARABLE, 0, "%s: kind", w);

	/* The same without type, with a v1 total and a string in place of a
	 * number: nap unknown, that total -1. Zone offsets as written. */
	rc = run_str(mg_import_oura_json,
		     "[{\"bedtime_start\":\"2026-01-01T23:00:00Z\",\"bedtime_end\":\"2026-01-02T07:00:00Z\","
		     "\"total\":25200,\"deep\":\"90\"}]",
		     NULL, &r, &e);
	is_num(rc, 0, 0, "oura bare period: parses");
	is_num(r.npd, 1, 0, "oura bare period: one period");
	is_num(r.pd[0].nap, -1, 0, "oura bare period: nap unknown");
	is_num(r.pd[0].tst, 420, 0, "oura bare period: v1 total 25200 s = 420 min");
	is_num(r.pd[0].deep, -1, 0, "oura bare period: string deep -> -1");
	is_num(r.pd[0].sol, -1, 0, "oura bare period: no latency -> -1");
}

static void test_oura_v1_fixture(void)
{
	struct rec r;
	struct mg_error e;
	const char *w = "oura v1 fixture";
	long long secs[MG_STAGE_COUNT] = {0};
	static const char path[] = "../shared/fixtures/imports/oura/oura-cloud-api-v1_sleep-period_example.json";
	if (!tap_have_file(path))
		return;
	int rc = run_file(mg_import_oura_json, path, NULL, &r, &e);
	is_num(rc, 0, 0, "%s: parses (%.200s)", w, e.msg);
	/* bedtime_start 2017-11-06T02:13:19+02:00 = date -u -d '2017-11-06
	 * 02:13:19 +0200' +%s = 1509927199; bedtime_end 08:12:19, 5 h 59 min =
	 * 21540 s later (the sample's "duration"). hypnogram_5min has 72 digits
	 * = 21600 s, so the last slot (a '4') is clipped from 300 to 240 s.
	 * Runs, by hand: 44 3 4 22222 11 222 3333 2 111 2222222222 1111 333333
	 * 2222 111 22 3333333333 22 3 2222 33 4 = 22 runs. */
	const long long S = 1509927199;
	is_num(r.niv, 1 + 22, 0, "%s: in bed + 22 runs", w);
	is_num(r.nskip, 0, 0, "%s: nothing skipped", w);
	is_iv(&r, 0, MG_STAGE_IN_BED, S, 0, 21540, w);
	is_num(r.niv ? r.iv[0].so : 0, 120, 0, "%s: offset +120", w);
	is_iv(&r, 1, MG_STAGE_AWAKE, S, 0, 600, w);
	is_iv(&r, 2, MG_STAGE_REM, S, 600, 900, w);
	is_iv(&r, 3, MG_STAGE_AWAKE, S, 900, 1200, w);
	is_iv(&r, 22, MG_STAGE_AWAKE, S, 21300, 21540, w);
	check_layout(&r, w);
	for (int i = 0; i < r.niv; i++)
		if (r.iv[i].stage > 0 && r.iv[i].stage < MG_STAGE_COUNT)
			secs[r.iv[i].stage] += r.iv[i].end - r.iv[i].start;
	/* Digit counts by hand, 12 per row ('1' '2' '3' '4' per row):
	 *   443432222211  2 5 2 3
	 *   222333321112  3 5 4 0
	 *   222222222111  3 9 0 0
	 *   133333322221  2 4 6 0
	 *   112233333333  2 2 8 0
	 *   332232222334  0 6 5 1
	 *   sums         12 31 25 4 = 72 digits
	 * So '1' 3600 s, '2' 9300 s, '3' 7500 s, '4' 1200 s (1140 after the clip).
	 * The sample's totals: deep 2910, light 10260, rem 7140, awake 1230.
	 * Differences with the documented mapping 1 deep, 2 light, 3 REM, 4 awake:
	 * +690, -960, +360, -90: each under 1000 s (17 min), summing to 2100 s
	 * in absolute value. The size order matches (light > REM > deep >
	 * awake both ways); any other assignment of digits to stages is further
	 * off: swapping 1 and 3 alone gives |7500-2910| + |3600-7140| = 8130
	 * for those two. */
	is_num(secs[MG_STAGE_DEEP], 3600, 0, "%s: digit 1 = 12 slots = deep 3600 s", w);
	is_num(secs[MG_STAGE_LIGHT], 9300, 0, "%s: digit 2 = 31 slots = light 9300 s", w);
	is_num(secs[MG_STAGE_REM], 7500, 0, "%s: digit 3 = 25 slots = rem 7500 s", w);
	is_num(secs[MG_STAGE_AWAKE], 1140, 0, "%s: digit 4 = 4 slots - 60 s clip = awake 1140 s", w);
	is_num(secs[MG_STAGE_DEEP], 2910, 1000, "%s: deep within 1000 s of the sample's deep", w);
	is_num(secs[MG_STAGE_LIGHT], 10260, 1000, "%s: light within 1000 s of the sample's light", w);
	is_num(secs[MG_STAGE_REM], 7140, 1000, "%s: rem within 1000 s of the sample's rem", w);
	is_num(secs[MG_STAGE_AWAKE], 1230, 1000, "%s: awake within 1000 s of the sample's awake", w);
	/* Is the documented mapping the best of all 24? Error of a mapping =
	 * sum |seconds of its digit - sample total of its stage|. */
	{
		const long long dig[4] = {secs[MG_STAGE_DEEP], secs[MG_STAGE_LIGHT], secs[MG_STAGE_REM],
					  secs[MG_STAGE_AWAKE]}; /* digits 1..4 */
		const long long tot[4] = {2910, 10260, 7140, 1230}; /* deep light rem awake */
		long long best = -1, doc = 0;
		int perm[4];
		for (int k = 0; k < 4; k++)
			doc += llabs(dig[k] - tot[k]);
		for (perm[0] = 0; perm[0] < 4; perm[0]++)
			for (perm[1] = 0; perm[1] < 4; perm[1]++)
				for (perm[2] = 0; perm[2] < 4; perm[2]++)
					for (perm[3] = 0; perm[3] < 4; perm[3]++) {
						long long s = 0;
						if (perm[0] == perm[1] || perm[0] == perm[2] || perm[0] == perm[3] ||
						    perm[1] == perm[2] || perm[1] == perm[3] || perm[2] == perm[3])
							continue;
						for (int k = 0; k < 4; k++)
							s += llabs(dig[k] - tot[perm[k]]);
						if (best < 0 || s < best)
							best = s;
					}
		is_num(doc, 2100, 0, "%s: documented mapping is off by 2100 s in all", w);
		is_num(best, doc, 0, "%s: no other digit mapping fits the totals better", w);
	}
}

static void test_oura_errors(void)
{
	struct rec r;
	struct mg_error e;
	int rc;
	rc = run_str(mg_import_oura_json, "{\"data\": [\n  {\"day\": \"2026-01-01\", \"score\": 80}\n]}", NULL, &r, &e);
	is_num(rc, MG_EINVAL, 0, "oura daily_sleep: refused");
	ok(strstr(e.msg, "not an Oura sleep export") != NULL, "oura daily_sleep: says why (%.200s)", e.msg);
	rc = run_str(mg_import_oura_json, "{\"data\": [\n  {\"bedtime_start\": }\n]}", NULL, &r, &e);
	is_num(rc, MG_EPARSE, 0, "oura malformed: MG_EPARSE");
	/* Line 2 is '  {"bedtime_start": }': the '}' in column 21 is where a
	 * value should be. */
	ok(strstr(e.msg, "inline.json: not valid JSON at line 2, column 21") != NULL, "oura malformed: file, line, column (%.200s)",
	   e.msg);
	rc = run_str(mg_import_oura_json, "{\"readiness\": 1}", NULL, &r, &e);
	is_num(rc, MG_EINVAL, 0, "oura unrelated object: refused");
	rc = run_str(mg_import_oura_json, "{\"data\": []}", NULL, &r, &e);
	is_num(rc, 0, 0, "oura empty data: fine");
	rc = run_str(mg_import_oura_json,
		     "{\"sleep\":[{\"bedtime_start\":\"2026-01-01T23:00:00\",\"bedtime_end\":\"2026-01-02T07:00:00\","
		     "\"hypnogram_5min\":\"22\"},"
		     "{\"bedtime_start\":\"2026-01-02T07:00:00Z\",\"bedtime_end\":\"2026-01-01T07:00:00Z\",\"hypnogram_5min\":\"22\"},"
		     "{\"bedtime_start\":\"2026-01-01T23:00:00Z\",\"bedtime_end\":\"2026-01-01T23:05:00Z\",\"hypnogram_5min\":\"2244\"},"
		     "{\"bedtime_start\":7}]}",
		     NULL, &r, &e);
	is_num(rc, 0, 0, "oura v1 odd periods: parses");
	is_num(count_reason(&r, "time without UTC offset"), 1, 0, "oura: zoneless bedtime skipped (%.200s)", r.skips);
	is_num(count_reason(&r, "end before start"), 1, 0, "oura: end before start skipped");
	is_num(count_reason(&r, "hypnogram longer than the bedtime"), 1, 0, "oura: hypnogram past the end noted");
	is_num(count_reason(&r, "unreadable bedtime"), 1, 0, "oura: numeric bedtime skipped");
	/* The third: 5 min in bed, "22" fills it, "44" lies past the end. */
	is_num(r.niv, 2, 0, "oura: in bed + one light run");
	check_layout(&r, "oura odd periods");
}

static int stop_calls;
static int on_iv_stop(void *ctx, const struct mg_interval *iv, struct mg_error *err)
{
	(void)ctx;
	(void)iv;
	if (++stop_calls == 2) {
		snprintf(err->msg, sizeof err->msg, "sink full");
		err->code = MG_EIO;
		return MG_EIO;
	}
	return 0;
}

/* A sink that stops the parse: the parser returns its code at once. */
static void test_sink_stop(void)
{
	struct rec r;
	struct mg_error e;
	struct mg_import_sink s = {.ctx = &r, .interval = on_iv_stop, .period = on_pd, .skipped = on_skip};
	struct mg_import_opts o = {.tz = "Europe/London"};
	const char *files[2] = {"tests/data/import/fitbit/sleep-2026-07-08.json", "tests/data/import/oura/v2-sleep.json"};
	parser_fn fns[2] = {mg_import_fitbit, mg_import_oura_json};
	for (int k = 0; k < 2; k++) {
		static char buf[1 << 16];
		FILE *fp = fopen(files[k], "rb");
		size_t n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
		struct mg_reader rd;
		struct mg_reader_memctx m;
		int rc;
		if (fp)
			fclose(fp);
		memset(&r, 0, sizeof r);
		memset(&e, 0, sizeof e);
		stop_calls = 0;
		mg_reader_mem(&rd, &m, files[k], buf, n);
		rc = fns[k](&rd, &o, &s, &e);
		is_num(rc, MG_EIO, 0, "%s: the sink's error is returned", files[k]);
		is_num(stop_calls, 2, 0, "%s: no interval after the sink stopped", files[k]);
		is_str(e.msg, "sink full", "%s: the sink's message is kept", files[k]);
	}
}

int main(void)
{
	test_fitbit_takeout();
	test_fitbit_api();
	test_fitbit_dst();
	test_fitbit_errors();
	test_fitbit_overlap();
	test_oura_v2();
	test_oura_period();
	test_oura_v1_fixture();
	test_oura_errors();
	test_sink_stop();
	return tap_done();
}
