/* Apple Health export.xml: the fast scanner (mg_import_apple) and the expat
 * reference (mg_import_apple_expat) on hand-written fixtures in
 * tests/data/import/apple/ and the real export in ../shared/fixtures.
 *
 * Every expected instant was worked out by hand from the fixture text and
 * checked with `date -u -d 'YYYY-MM-DD HH:MM:SS +HHMM' +%s`; the derivation
 * is next to each number. Every fixture is also run through both parsers and
 * the two event logs must be byte-identical (docs/import-apple.md). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mgsleep/import.h>

#include "../tap.h"

#define DATA "tests/data/import/apple/"

struct iv {
	char source[128], device[160], tz[64];
	int kind, stage, so, eo;
	long long start, end;
};
struct sk {
	char what[96], source[64], reason[48];
};
struct rec {
	struct iv iv[64];
	struct sk sk[64];
	int niv, nsk;
	int fail_after; /* return MG_EINVAL from the interval callback after this many (0 = never) */
	char *log; /* every event, one line each, for the differential check */
	size_t nlog, caplog;
};

static void reset(struct rec *r)
{
	free(r->log);
	memset(r, 0, sizeof *r);
}

static void logf_(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	char line[1024];
	int n;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	if (r->nlog + (size_t)n + 1 > r->caplog) {
		size_t c = r->caplog ? r->caplog * 2 : 4096;
		char *nl;
		while (c < r->nlog + (size_t)n + 1)
			c *= 2;
		if (!(nl = realloc(r->log, c)))
			abort();
		r->log = nl;
		r->caplog = c;
	}
	memcpy(r->log + r->nlog, line, (size_t)n + 1);
	r->nlog += (size_t)n;
}

static void cp(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s);
}

static int on_interval(void *ctx, const struct mg_interval *v, struct mg_error *err)
{
	struct rec *r = ctx;
	if (r->niv < 64) {
		struct iv *o = &r->iv[r->niv];
		cp(o->source, sizeof o->source, v->source);
		cp(o->device, sizeof o->device, v->device);
		cp(o->tz, sizeof o->tz, v->tz);
		o->kind = v->kind;
		o->stage = v->stage;
		o->start = (long long)v->start;
		o->end = (long long)v->end;
		o->so = v->start_offset;
		o->eo = v->end_offset;
	}
	r->niv++;
	logf_(r, "I|%s|%s|%d|%d|%lld|%lld|%d|%d|%s|%s\n", v->source, v->device, v->kind, v->stage,
	      (long long)v->start, (long long)v->end, v->start_offset, v->end_offset, v->tz, v->note);
	if (r->fail_after && r->niv >= r->fail_after)
		return mg_fail(err, MG_EINVAL, "sink", "sink refuses");
	return 0;
}

static void on_skipped(void *ctx, const char *what, const char *source, const char *reason)
{
	struct rec *r = ctx;
	if (r->nsk < 64) {
		cp(r->sk[r->nsk].what, sizeof r->sk[0].what, what);
		cp(r->sk[r->nsk].source, sizeof r->sk[0].source, source);
		cp(r->sk[r->nsk].reason, sizeof r->sk[0].reason, reason);
	}
	r->nsk++;
	logf_(r, "S|%s|%s|%s\n", what, source, reason);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)n + 1)) && fread(b, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

/* expat: 0 fast path, 1 expat, 2 fast path told the size is 0, so that it
 * starts from its smallest buffer and crosses many refills */
static int run(int expat, const char *name, const char *data, size_t len, struct rec *r, struct mg_error *err)
{
	struct mg_reader rd;
	struct mg_reader_memctx m;
	struct mg_import_sink s = {0};
	s.ctx = r;
	s.interval = on_interval;
	s.skipped = on_skipped;
	memset(err, 0, sizeof *err);
	mg_reader_mem(&rd, &m, name, data, len);
	if (expat == 2) {
		rd.size = 0;
		expat = 0;
	}
	return expat ? mg_import_apple_expat(&rd, NULL, &s, err) : mg_import_apple(&rd, NULL, &s, err);
}

/* Run both parsers on a buffer; check they agree. rc of the fast path. */
static int both_mem(const char *name, const char *data, size_t len, struct rec *fast, struct mg_error *err)
{
	static struct rec ref, tiny;
	struct mg_error e2, e3;
	int rc, rc2, rc3;
	reset(fast);
	reset(&ref);
	reset(&tiny);
	rc = run(0, name, data, len, fast, err);
	rc2 = run(1, name, data, len, &ref, &e2);
	rc3 = run(2, name, data, len, &tiny, &e3);
	ok(rc3 == rc && !strcmp(e3.msg, err->msg) && tiny.nlog == fast->nlog &&
		   (!tiny.nlog || memcmp(tiny.log, fast->log, tiny.nlog) == 0),
	   "%s: same result from a 64-byte starting buffer", name);
	if (rc2 == 0) {
		ok(rc == 0, "%s: fast path succeeds where expat does (%s)", name, err->msg);
		ok(fast->nlog == ref.nlog && (!fast->nlog || memcmp(fast->log, ref.log, fast->nlog) == 0),
		   "%s: fast path and expat give the same events", name);
		if ((fast->nlog != ref.nlog || (fast->nlog && memcmp(fast->log, ref.log, fast->nlog) != 0)) && fast->nlog < 8192)
			printf("# fast:\n%s# expat:\n%s", fast->log ? fast->log : "", ref.log ? ref.log : "");
	} else {
		ok(rc != 0, "%s: both parsers fail (expat: %s)", name, e2.msg);
	}
	return rc;
}

static int both(const char *path, struct rec *fast, struct mg_error *err)
{
	size_t len = 0;
	char *data = slurp(path, &len);
	int rc;
	if (!ok(data != NULL, "read %s", path))
		return -100;
	rc = both_mem(path, data, len, fast, err);
	free(data);
	return rc;
}

static void check_iv(const struct rec *r, int i, const char *source, int kind, int stage, long long start,
		     long long end, int so, int eo, const char *tz, const char *what)
{
	const struct iv *v = &r->iv[i];
	if (!ok(i < r->niv, "%s: interval %d exists", what, i))
		return;
	ok(!strcmp(v->source, source) && v->kind == kind && v->stage == stage && v->start == start && v->end == end &&
		   v->so == so && v->eo == eo && !strcmp(v->tz, tz),
	   "%s: %s %s %lld..%lld", what, mg_stage_name(stage), mg_device_kind_name(kind), start, end);
	if (strcmp(v->source, source) || v->kind != kind || v->stage != stage || v->start != start || v->end != end ||
	    v->so != so || v->eo != eo || strcmp(v->tz, tz))
		printf("#   got %s|%d|%d|%lld|%lld|%d|%d|%s\n", v->source, v->kind, v->stage, v->start, v->end, v->so,
		       v->eo, v->tz);
}

static void check_sk(const struct rec *r, int i, const char *what, const char *source, const char *reason)
{
	if (!ok(i < r->nsk, "skip %d exists", i))
		return;
	is_str(r->sk[i].what, what, "skip %d: what", i);
	is_str(r->sk[i].source, source, "skip %d: source", i);
	is_str(r->sk[i].reason, reason, "skip %d: %s", i, reason);
}

/* As stored: decoded, and without HealthKit's per-record object address
 * ("<<HKDevice: 0x2823a1e50>, "), which would make every record a new device. */
static const char *const watch_dev = "name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, "
				     "software:10.3";

static struct rec R;

static void test_values(void)
{
	struct mg_error err = {0};
	int rc = both(DATA "values.xml", &R, &err);
	is_num(rc, 0, 0, "values.xml parses");
	is_num(R.niv, 8, 0, "values.xml: 8 intervals");
	is_num(R.nsk, 11, 0, "values.xml: 11 skipped");
	/* +0100 throughout: UTC = wall - 1 h.
	 * 2024-03-02 22:30 +0100 = 2024-03-02 21:30Z = 1709415000 (19784 days * 86400 = 1709337600, + 77400)
	 * 2024-03-03 06:45 +0100 = 05:45Z = 1709424000 + 20700 = 1709444700 (1709424000 = 2024-03-03 00:00Z) */
	check_iv(&R, 0, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_IN_BED, 1709415000, 1709444700, 60, 60, "Europe/Berlin",
		 "InBed");
	ok(!strcmp(R.iv[0].device, watch_dev), "InBed: device decoded (&lt; &gt;), object address dropped");
	/* 22:45 +0100 = 21:45Z = 1709337600 + 78300 = 1709415900; 23:30 +0100 = 22:30Z = 1709418600 */
	check_iv(&R, 1, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_LIGHT, 1709415900, 1709418600, 60, 60, "", "AsleepCore");
	/* 00:15 +0100 on the 3rd = 2024-03-02 23:15Z = 1709337600 + 83700 = 1709421300 */
	check_iv(&R, 2, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_DEEP, 1709418600, 1709421300, 60, 60, "", "AsleepDeep");
	/* 01:00 +0100 on the 3rd = 00:00Z = 1709424000 */
	check_iv(&R, 3, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_REM, 1709421300, 1709424000, 60, 60, "", "AsleepREM");
	/* 01:05 +0100 = 00:05Z = 1709424300 */
	check_iv(&R, 4, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_AWAKE, 1709424000, 1709424300, 60, 60, "", "Awake");
	/* 03:00 +0100 = 02:00Z = 1709424000 + 7200 = 1709431200 */
	check_iv(&R, 5, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_ASLEEP, 1709424300, 1709431200, 60, 60, "", "Asleep");
	/* 06:30 +0100 = 05:30Z = 1709424000 + 19800 = 1709443800 */
	check_iv(&R, 6, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_ASLEEP_UNSPECIFIED, 1709431200, 1709443800, 60, 60, "",
		 "AsleepUnspecified");
	/* exactly 24 h is kept: 2024-03-04 12:00 +0100 = 11:00Z = 1709510400 + 39600 = 1709550000, + 86400 */
	check_iv(&R, 7, "Apple Watch", MG_DEV_APP, MG_STAGE_IN_BED, 1709550000, 1709636400, 60, 60, "",
		 "24 h exactly, no device");
	check_sk(&R, 0, "HKCategoryValueSleepAnalysisAsleepLight", "Apple Watch", "unknown sleep value");
	check_sk(&R, 1, "1", "Apple Watch", "unknown sleep value");
	check_sk(&R, 2, "(no value)", "Apple Watch", "unknown sleep value");
	check_sk(&R, 3, "HKCategoryValueSleepAnalysisInBed", "Apple Watch", "ends before it starts");
	check_sk(&R, 4, "HKCategoryValueSleepAnalysisAwake", "Apple Watch", "ends before it starts");
	check_sk(&R, 5, "HKCategoryValueSleepAnalysisInBed", "Apple Watch", "longer than 24 hours");
	check_sk(&R, 6, "HKCategoryValueSleepAnalysisInBed", "", "no sourceName");
	check_sk(&R, 7, "HKCategoryValueSleepAnalysisInBed", "", "no sourceName");
	check_sk(&R, 8, "HKCategoryValueSleepAnalysisAsleepCore", "Apple Watch", "no startDate");
	check_sk(&R, 9, "HKCategoryValueSleepAnalysisAsleepCore", "Apple Watch", "no endDate");
	check_sk(&R, 10, "HKCategoryValueSleepAnalysisAsleepDeep", "Apple Watch", "date not readable");
}

static void test_sources(void)
{
	struct mg_error err = {0};
	int rc = both(DATA "sources.xml", &R, &err);
	is_num(rc, 0, 0, "sources.xml parses");
	is_num(R.niv, 5, 0, "sources.xml: 5 overlapping intervals");
	/* -0400 (EDT): UTC = wall + 4 h. 2024-06-11 00:00Z = 19885 days = 1718064000.
	 * 2024-06-10 22:45 -0400 = 06-11 02:45Z = 1718064000 + 9900 = 1718073900
	 * 2024-06-11 06:50 -0400 = 10:50Z = 1718064000 + 39000 = 1718103000 */
	check_iv(&R, 0, "Simon\xe2\x80\x99s iPhone", MG_DEV_PHONE, MG_STAGE_IN_BED, 1718073900, 1718103000, -240, -240, "",
		 "iPhone (model:iPhone, name has iPhone)");
	/* 23:00 -0400 = 03:00Z = 1718074800; 02:00 -0400 = 06:00Z = 1718085600 */
	check_iv(&R, 1, "Simon\xe2\x80\x99s Apple Watch", MG_DEV_WEARABLE, MG_STAGE_LIGHT, 1718074800, 1718085600, -240,
		 -240, "", "Watch (model:Watch)");
	/* 23:05 -0400 = 03:05Z = 1718075100; 06:10 -0400 = 10:10Z = 1718100600 */
	check_iv(&R, 2, "AutoSleep", MG_DEV_APP, MG_STAGE_ASLEEP_UNSPECIFIED, 1718075100, 1718100600, -240, -240, "",
		 "AutoSleep on an iPhone is an app");
	/* 00:10 -0400 = 04:10Z = 1718079000; 01:00 -0400 = 05:00Z = 1718082000 */
	check_iv(&R, 3, "Oura", MG_DEV_WEARABLE, MG_STAGE_DEEP, 1718079000, 1718082000, -240, -240, "",
		 "Oura by brand name");
	check_iv(&R, 4, "Health Mate", MG_DEV_WEARABLE, MG_STAGE_ASLEEP_UNSPECIFIED, 1718074800, 1718100600, -240, -240,
		 "", "Withings named in device");
}

static void test_zones(void)
{
	struct mg_error err = {0};
	int rc = both(DATA "zones.xml", &R, &err);
	is_num(rc, 0, 0, "zones.xml parses");
	is_num(R.niv, 4, 0, "zones.xml: 4 intervals");
	/* DST: 2023-11-04 23:30 -0400 = 11-05 03:30Z; 2023-11-05 00:00Z = 19666 days = 1699142400,
	 * + 12600 = 1699155000. 2023-11-05 06:45 -0500 = 11:45Z = 1699142400 + 42300 = 1699184700
	 * (8 h 15 min in bed: the clock went back one hour during the night) */
	check_iv(&R, 0, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_IN_BED, 1699155000, 1699184700, -240, -300,
		 "America/New_York", "night across the fall-back change");
	/* travel: 2024-01-15 23:10 +0100 = 22:10Z; 2024-01-15 00:00Z = 19737 days = 1705276800,
	 * + 79800 = 1705356600. 2024-01-16 03:40 -0500 = 08:40Z = 1705363200 + 31200 = 1705394400 */
	check_iv(&R, 1, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_ASLEEP, 1705356600, 1705394400, 60, -300, "",
		 "Paris to New York");
	/* nap: 2024-01-20 00:00Z = 1705708800; 14:05Z = +50700 = 1705759500; 14:35Z = 1705761300 */
	check_iv(&R, 2, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_ASLEEP_UNSPECIFIED, 1705759500, 1705761300, 0, 0, "",
		 "nap");
	/* +0530: 2024-02-01 23:00 +0530 = 17:30Z; 2024-02-01 00:00Z = 1706745600, + 63000 = 1706808600;
	 * 2024-02-02 06:00 +0530 = 00:30Z = 1706832000 + 1800 = 1706833800 */
	check_iv(&R, 3, "Apple Watch", MG_DEV_WEARABLE, MG_STAGE_LIGHT, 1706808600, 1706833800, 330, 330,
		 "Asia/Kolkata", "half-hour offset");
}

static void test_ios16(void)
{
	struct mg_error err = {0};
	int rc = both(DATA "ios16-dtd.xml", &R, &err);
	is_num(rc, 0, 0, "ios16-dtd.xml: broken DTD and U+000B tolerated (%s)", err.msg);
	is_num(R.niv, 1, 0, "ios16-dtd.xml: 1 interval");
	/* 2022-11-10 01:15 -0500 = 06:15Z; 2022-11-10 00:00Z = 19306 days = 1668038400, + 22500 = 1668060900;
	 * 01:45 -0500 = 06:45Z = 1668062700. U+000B in sourceName reads as a space. */
	check_iv(&R, 0, "Jane s Apple Watch", MG_DEV_WEARABLE, MG_STAGE_REM, 1668060900, 1668062700, -300, -300, "",
		 "control characters become spaces");
}

static void test_odd(void)
{
	struct mg_error err = {0};
	int rc = both(DATA "odd.xml", &R, &err);
	is_num(rc, 0, 0, "odd.xml parses (%s)", err.msg);
	/* 2024-04-30 05:40 +0100 = 04:40Z; 2024-04-30 00:00Z = 19843 days = 1714435200, + 16800 = 1714452000;
	 * 06:10 +0100 = 05:10Z = 1714453800. Records in the comment, the PI, the CDATA section, nested in
	 * the sleep Record, in <RecordX>, and with a type that has a trailing space are not records. */
	is_num(R.niv, 5, 0, "odd.xml: 5 intervals");
	is_num(R.nsk, 0, 0, "odd.xml: nothing skipped");
	check_iv(&R, 0, "Bob's \"Sleep\" & Co > you", MG_DEV_APP, MG_STAGE_LIGHT, 1714452000, 1714453800, 60, 60, "",
		 "odd attribute order, quotes, entities");
	is_str(R.iv[0].device, "a>b <x>", "'>' inside a value, &lt;&gt; decoded");
	check_iv(&R, 1, "Caf\xc3\xa9 \xe2\x80\x99Sleep", MG_DEV_APP, MG_STAGE_AWAKE, 1714452000, 1714453800, 60, 60, "",
		 "type and value spelled with character references");
	check_iv(&R, 2, "Sleep  Tracker", MG_DEV_APP, MG_STAGE_IN_BED, 1714452000, 1714453800, 60, 60, "Europe/London",
		 "newline+tab normalised; first direct HKTimeZone child, key with a reference");
	check_iv(&R, 3, "Omron", MG_DEV_APP, MG_STAGE_DEEP, 1714452000, 1714453800, 60, 60, "", "Record in a Correlation");
	check_iv(&R, 4, "Inside HeartRate", MG_DEV_APP, MG_STAGE_REM, 1714452000, 1714453800, 60, 60, "",
		 "Record nested in a non-sleep Record");
}

static void test_errors(void)
{
	struct mg_error err = {0};
	int rc;
	/* truncated.xml is 406 bytes (wc -c) and ends inside a HeartRate start tag */
	rc = both(DATA "truncated.xml", &R, &err);
	is_num(rc, MG_EPARSE, 0, "truncated.xml fails in the fast path");
	ok(strstr(err.msg, "truncated.xml") && strstr(err.msg, "byte 406"), "truncated.xml: file and offset (%s)",
	   err.msg);
	is_num(R.niv, 1, 0, "truncated.xml: the record before the cut was seen");
	/* truncated-in-record.xml: header 39 + 28 + 202 bytes = 269, then one space: the sleep
	 * Record's '<' is byte 270 (0-based); the file ends among its children */
	rc = both(DATA "truncated-in-record.xml", &R, &err);
	is_num(rc, MG_EPARSE, 0, "truncated-in-record.xml fails");
	ok(strstr(err.msg, "byte 270") != NULL, "truncated-in-record.xml: offset of the Record (%s)", err.msg);
	/* the comment opens at 269 + "</HealthData>\n" (14) = byte 283 */
	rc = both(DATA "truncated-in-comment.xml", &R, &err);
	is_num(rc, MG_EPARSE, 0, "truncated-in-comment.xml fails");
	ok(strstr(err.msg, "byte 283") != NULL, "truncated-in-comment.xml: offset of the comment (%s)", err.msg);

	rc = both(DATA "not-apple.xml", &R, &err);
	is_num(rc, MG_EPARSE, 0, "not-apple.xml fails");
	/* <gpx starts after the 39-byte XML declaration line */
	ok(strstr(err.msg, "not an Apple Health export") && strstr(err.msg, "byte 39"), "not-apple.xml: says why (%s)",
	   err.msg);
	is_num(R.niv, 0, 0, "not-apple.xml: no intervals");
	reset(&R);
	rc = run(1, "not-apple.xml", "<gpx/>", 6, &R, &err);
	ok(rc == MG_EPARSE && strstr(err.msg, "not an Apple Health export"), "expat: not an export (%s)", err.msg);

	rc = both_mem("empty", "", 0, &R, &err);
	ok(rc == MG_EPARSE && strstr(err.msg, "not an Apple Health export"), "empty file (%s)", err.msg);
	rc = both_mem("cut-root", "<HealthData locale=\"en\">", 24, &R, &err);
	ok(rc == MG_EPARSE && strstr(err.msg, "byte 24"), "no end tag (%s)", err.msg);
	rc = both_mem("self-closed", "<?xml version=\"1.0\"?>\n<HealthData/>\n<!-- x -->\n", 47, &R, &err);
	is_num(rc, 0, 0, "self-closed root with a trailing comment (%s)", err.msg);
	rc = both_mem("bom", "\xef\xbb\xbf<HealthData></HealthData >\n", 30, &R, &err);
	is_num(rc, 0, 0, "UTF-8 byte order mark (%s)", err.msg);
	{
		/* the sink's error stops both parsers at once */
		size_t len = 0;
		char *d = slurp(DATA "values.xml", &len);
		for (int e = 0; e < 2 && d; e++) {
			reset(&R);
			R.fail_after = 2;
			rc = run(e, "values.xml", d, len, &R, &err);
			ok(rc == MG_EINVAL && R.niv == 2 && !strcmp(err.msg, "sink refuses"),
			   "%s: a sink error stops the parse", e ? "expat" : "fast");
		}
		free(d);
	}
}

static void test_charrefs(void)
{
	/* expat reads references with any number of digits; so must the scanner
	 * (found in review: an 8-digit cap made it miss this record) */
	static const char doc[] = "<HealthData><Record type=\"HKCategoryTypeIdentifier&#x000000053;leepAnalysis\" "
				  "sourceName=\"A&#0000000000066;\" startDate=\"2024-01-01 01:00:00 +0000\" "
				  "endDate=\"2024-01-01 02:00:00 +0000\" value=\"HKCategoryValueSleepAnalysisInBed\"/>"
				  "</HealthData>";
	struct mg_error err = {0};
	int rc = both_mem("leading-zeros", doc, sizeof doc - 1, &R, &err);
	is_num(rc, 0, 0, "leading zeros in character references (%s)", err.msg);
	/* 2024-01-01 00:00Z = 19723 days = 1704067200; 01:00Z = 1704070800, 02:00Z = 1704074400 */
	check_iv(&R, 0, "AB", MG_DEV_APP, MG_STAGE_IN_BED, 1704070800, 1704074400, 0, 0, "", "leading zeros");
}

static void test_real(void)
{
	static const char path[] = "../shared/fixtures/imports/apple-health/healthkit-to-sqlite_tests_export.xml";
	struct mg_error err = {0};
	if (!tap_have_file(path))
		return;
	int rc = both(path, &R, &err);
	is_num(rc, 0, 0, "real export (healthkit-to-sqlite) parses (%s)", err.msg);
	ok(R.niv == 0 && R.nsk == 0, "real export: no sleep records, nothing skipped");
}

/* A document larger than the scanner's 4 MiB chunk, with sleep records,
 * comments, CDATA and references at every kind of place relative to the
 * chunk edges; both parsers must agree. */
static void test_big(void)
{
	static const char *const pieces[] = {
		(" <Record type=\"HKQuantityTypeIdentifierHeartRate\" sourceName=\"Apple Watch\" device=\"&lt;&lt;HKDevice: "
		 "0x1&gt;, model:Watch&gt;\" startDate=\"2024-01-01 00:00:00 +0000\" endDate=\"2024-01-01 00:00:00 +0000\" "
		 "value=\"60\">\n  <MetadataEntry key=\"HKMetadataKeyHeartRateMotionContext\" value=\"0\"/>\n </Record>\n"),
		(" <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\" sourceName=\"Apple Watch\" startDate=\"2024-01-01 "
		 "01:00:00 +0000\" endDate=\"2024-01-01 02:00:00 +0000\" value=\"HKCategoryValueSleepAnalysisAsleepCore\">\n"
		 "  <MetadataEntry key=\"HKTimeZone\" value=\"Europe/London\"/>\n </Record>\n"),
		" <!-- SleepAnalysis <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\"/> -->\n",
		" <![CDATA[ SleepAnalysis &# <!-- ]]>\n",
		(" <Record type=\"HKCategoryTypeIdentifier&#83;leepAnalysis\" sourceName=\"A&#x26;B\" startDate=\"2024-01-01 "
		 "03:00:00 +0000\" endDate=\"2024-01-01 03:30:00 +0000\" value=\"HKCategoryValueSleepAnalysisAwake\"/>\n"),
		" <?pi SleepAnalysis?>\n",
	};
	size_t cap = (size_t)11 << 20, n = 0;
	char *d = malloc(cap);
	unsigned x = 12345;
	int rc;
	struct mg_error err = {0};
	if (!ok(d != NULL, "big: memory"))
		return;
	n += (size_t)sprintf(d, "<?xml version=\"1.0\"?>\n<HealthData locale=\"en\">\n");
	while (n < cap - 4096) {
		const char *p;
		x = x * 1103515245u + 12345u;
		p = pieces[(x >> 16) % 6 < 2 ? 0 : (x >> 16) % 6];
		if ((x >> 8) % 7 == 0)
			p = pieces[1];
		memcpy(d + n, p, strlen(p));
		n += strlen(p);
	}
	n += (size_t)sprintf(d + n, "</HealthData>\n");
	rc = both_mem("big", d, n, &R, &err);
	is_num(rc, 0, 0, "big: parses (%s)", err.msg);
	ok(R.niv > 1000, "big: many intervals (%d)", R.niv);
	/* cut it: must fail, never import half silently */
	rc = both_mem("big-cut", d, n - 20, &R, &err);
	ok(rc == MG_EPARSE && strstr(err.msg, "byte"), "big cut short fails (%s)", err.msg);
	free(d);
}

int main(void)
{
	test_values();
	test_sources();
	test_zones();
	test_ios16();
	test_odd();
	test_errors();
	test_charrefs();
	test_real();
	test_big();
	reset(&R);
	return tap_done();
}
