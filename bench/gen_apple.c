/* gen_apple: a synthetic Apple Health export.xml for the import benchmark
 * (bench/import.sh, issue 4).
 *
 *   gen_apple SEED SIZE_MB OUT.xml      (SIZE_MB in MiB, may be fractional)
 *
 * Deterministic from SEED and SIZE_MB. Shape of a real export (HealthKit
 * Export Version 14): XML declaration, an inline DTD written here from the
 * documented element structure, <HealthData>, <ExportDate>, <Me>, then
 * Record/Correlation/Workout elements in time order, one local "day" (noon to
 * noon, Europe/Rome, with its real DST switches) at a time, then one
 * ActivitySummary per day, then </HealthData>.
 *
 * Per day (~2,000 records, ~850 KB, as 10 years of Watch data is ~3.1 GB and
 * 7.4 M records): heart rate all day (denser in workouts), active and basal
 * energy, steps and distance from the Watch and the iPhone, respiratory rate
 * and SpO2 at night, HRV now and then; one night of sleep: an iPhone InBed
 * record and contiguous Watch stage segments (Core/Deep/REM/Awake), some with
 * HKTimeZone metadata, a night skipped now and then (Watch charging); blood
 * pressure (a Correlation plus its two Records) every few days; a Workout on
 * about 40 % of days. Source names change after a rename: "Apple Watch di
 * Anna" becomes "Anna’s Apple Watch" (U+2019), likewise the iPhone.
 *
 * Prints to stderr how many elements of each kind it wrote. Every sleep
 * record is distinct (source, value, start, end) and has start < end, so an
 * importer that stores raw intervals must store exactly the printed count. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- output ---- */

static char *obuf;
static size_t olen;
#define OCAP ((size_t)4 << 20)
static FILE *ofp;
static uint64_t written;

static void oflush(void)
{
	if (olen && fwrite(obuf, 1, olen, ofp) != olen) {
		perror("gen_apple: write");
		exit(1);
	}
	written += olen;
	olen = 0;
}
/* Every element is far below 16 KiB: make room once per element. */
static void oroom(void)
{
	if (olen > OCAP - 16384)
		oflush();
}
static inline void put(const char *s, size_t n)
{
	memcpy(obuf + olen, s, n);
	olen += n;
}
#define PUTS(lit) put((lit), sizeof(lit) - 1)
static inline void putstr(const char *s) { put(s, strlen(s)); }
static inline void putu(uint64_t v)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		obuf[olen++] = t[--n];
}
/* v with `dec` decimals (v >= 0), trailing zeros trimmed as Apple does. */
static void putfix(double v, int dec)
{
	static const uint64_t p10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
	uint64_t m = (uint64_t)(v * (double)p10[dec] + 0.5);
	uint64_t ip = m / p10[dec], fp = m % p10[dec];
	putu(ip);
	if (fp == 0)
		return;
	while (fp % 10 == 0) {
		fp /= 10;
		dec--;
	}
	obuf[olen++] = '.';
	char t[8];
	for (int i = dec - 1; i >= 0; i--) {
		t[i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	put(t, (size_t)dec);
}

/* ---- random numbers: xoshiro256** seeded with splitmix64 ---- */

static uint64_t rs[4];
static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t rnd(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}
static inline double urand(void) { return (double)(rnd() >> 11) * 0x1.0p-53; }
/* integer in [lo, hi] */
static inline int64_t irand(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }
/* roughly normal (sum of 4 uniforms) */
static double nrand(double mean, double sd)
{
	double s = urand() + urand() + urand() + urand() - 2.0;
	return mean + sd * s * 1.7320508;
}

/* ---- calendar and Europe/Rome ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}
/* UTC seconds of 01:00 UTC on the last Sunday of month m of year y (EU rule). */
static int64_t eu_switch(int y, unsigned m)
{
	int64_t last = days_from_civil(y, m, 31); /* March and October have 31 days */
	int64_t wd = (last + 4) % 7;              /* 0 = Sunday; 1970-01-01 was a Thursday */
	return (last - wd) * 86400 + 3600;
}
static int cache_year = -1;
static int64_t cache_on, cache_off;
/* Europe/Rome offset in minutes at utc. */
static int rome_offset(int64_t utc)
{
	int y, m, d;
	civil_from_days(utc / 86400, &y, &m, &d);
	if (y != cache_year) {
		cache_year = y;
		cache_on = eu_switch(y, 3);
		cache_off = eu_switch(y, 10);
	}
	return utc >= cache_on && utc < cache_off ? 120 : 60;
}
/* The instant when the wall clock in Rome reads local (seconds as if UTC);
 * used only for noon and evening times, never inside a clock change. */
static int64_t rome_utc(int64_t local) { return local - 60 * rome_offset(local - 3600); }

static inline void put2(unsigned v)
{
	obuf[olen++] = (char)('0' + v / 10);
	obuf[olen++] = (char)('0' + v % 10);
}
/* "YYYY-MM-DD HH:MM:SS +0100": local wall time in Rome and its offset. */
static void put_time(int64_t utc)
{
	int off = rome_offset(utc);
	int64_t l = utc + 60 * off;
	int64_t days = l / 86400, s = l % 86400;
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	put2((unsigned)y / 100);
	put2((unsigned)y % 100);
	obuf[olen++] = '-';
	put2((unsigned)m);
	obuf[olen++] = '-';
	put2((unsigned)d);
	obuf[olen++] = ' ';
	put2((unsigned)(s / 3600));
	obuf[olen++] = ':';
	put2((unsigned)(s / 60 % 60));
	obuf[olen++] = ':';
	put2((unsigned)(s % 60));
	PUTS(" +");
	put2((unsigned)off / 60);
	PUTS("00");
}
static void put_date(int64_t utc) /* "YYYY-MM-DD" local */
{
	int64_t l = utc + 60 * rome_offset(utc);
	int y, m, d;
	civil_from_days(l / 86400, &y, &m, &d);
	put2((unsigned)y / 100);
	put2((unsigned)y % 100);
	obuf[olen++] = '-';
	put2((unsigned)m);
	obuf[olen++] = '-';
	put2((unsigned)d);
}

/* ---- sources ---- */

static int renamed; /* after the rename: "Anna’s ..." */
static const char *watch_name(void) { return renamed ? "Anna\xe2\x80\x99s Apple Watch" : "Apple Watch di Anna"; }
static const char *phone_name(void) { return renamed ? "Anna\xe2\x80\x99s iPhone" : "iPhone di Anna"; }
static const char *watch_hw, *watch_sw, *phone_hw, *phone_sw;

static void put_hex_addr(void)
{
	static const char hx[] = "0123456789abcdef";
	uint64_t r = rnd();
	PUTS("0x28");
	for (int i = 0; i < 7; i++)
		obuf[olen++] = hx[(r >> (4 * i)) & 15];
}
static void put_source_watch(void)
{
	PUTS(" sourceName=\"");
	putstr(watch_name());
	PUTS("\" sourceVersion=\"");
	putstr(watch_sw);
	PUTS("\" device=\"&lt;&lt;HKDevice: ");
	put_hex_addr();
	PUTS("&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:");
	putstr(watch_hw);
	PUTS(", software:");
	putstr(watch_sw);
	PUTS("&gt;\"");
}
static void put_source_phone(int with_device)
{
	PUTS(" sourceName=\"");
	putstr(phone_name());
	PUTS("\" sourceVersion=\"");
	putstr(phone_sw);
	PUTS("\"");
	if (with_device) {
		PUTS(" device=\"&lt;&lt;HKDevice: ");
		put_hex_addr();
		PUTS("&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:");
		putstr(phone_hw);
		PUTS(", software:");
		putstr(phone_sw);
		PUTS("&gt;\"");
	}
}
static void put_dates(int64_t created, int64_t start, int64_t end)
{
	PUTS(" creationDate=\"");
	put_time(created);
	PUTS("\" startDate=\"");
	put_time(start);
	PUTS("\" endDate=\"");
	put_time(end);
	PUTS("\"");
}

/* ---- events of one day ---- */

enum kind {
	K_HR,
	K_ACTIVE,
	K_BASAL,
	K_STEPS_W,
	K_STEPS_P,
	K_DIST_W,
	K_DIST_P,
	K_RESP,
	K_SPO2,
	K_HRV,
	K_BP_SYS,
	K_BP_DIA,
	K_SLEEP_INBED,
	K_SLEEP_STAGE,
	K_CORRELATION,
	K_WORKOUT,
	K_COUNT
};
static const char *kind_name[K_COUNT] = {
	"Record HeartRate",
	"Record ActiveEnergyBurned",
	"Record BasalEnergyBurned",
	"Record StepCount (Watch)",
	"Record StepCount (iPhone)",
	"Record DistanceWalkingRunning (Watch)",
	"Record DistanceWalkingRunning (iPhone)",
	"Record RespiratoryRate",
	"Record OxygenSaturation",
	"Record HeartRateVariabilitySDNN",
	"Record BloodPressureSystolic",
	"Record BloodPressureDiastolic",
	"Record SleepAnalysis InBed (iPhone)",
	"Record SleepAnalysis stages (Watch)",
	"Correlation BloodPressure",
	"Workout",
};
static uint64_t count[K_COUNT];
static uint64_t stage_count[4];

enum { ST_CORE, ST_DEEP, ST_REM, ST_AWAKE };
static const char *stage_value[4] = {
	"HKCategoryValueSleepAnalysisAsleepCore",
	"HKCategoryValueSleepAnalysisAsleepDeep",
	"HKCategoryValueSleepAnalysisAsleepREM",
	"HKCategoryValueSleepAnalysisAwake",
};

struct ev {
	int64_t start, end, created;
	uint32_t seq;
	uint8_t kind, sub, meta;
	double v, v2;
};
static struct ev *evs;
static size_t nev, capev;
static uint32_t seq;

static struct ev *add(int kind, int64_t start, int64_t end)
{
	if (nev == capev) {
		capev = capev ? capev * 2 : 8192;
		evs = realloc(evs, capev * sizeof *evs);
		if (!evs) {
			perror("gen_apple");
			exit(1);
		}
	}
	struct ev *e = &evs[nev++];
	memset(e, 0, sizeof *e);
	e->kind = (uint8_t)kind;
	e->start = start;
	e->end = end;
	e->created = end + irand(5, 900);
	e->seq = seq++;
	return e;
}
static int evcmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void put_quantity_head(const char *type, int watch)
{
	PUTS(" <Record type=\"");
	putstr(type);
	PUTS("\"");
	if (watch)
		put_source_watch();
	else
		put_source_phone(1);
}

static void emit(const struct ev *e)
{
	oroom();
	count[e->kind]++;
	switch (e->kind) {
	case K_HR:
		put_quantity_head("HKQuantityTypeIdentifierHeartRate", 1);
		PUTS(" unit=\"count/min\"");
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"");
		putu((uint64_t)(e->v + 0.5));
		if (e->meta) {
			PUTS("\">\n  <MetadataEntry key=\"HKMetadataKeyHeartRateMotionContext\" value=\"");
			obuf[olen++] = (char)('0' + e->meta - 1);
			PUTS("\"/>\n </Record>\n");
		} else {
			PUTS("\"/>\n");
		}
		break;
	case K_ACTIVE:
	case K_BASAL:
		put_quantity_head(e->kind == K_ACTIVE ? "HKQuantityTypeIdentifierActiveEnergyBurned"
						      : "HKQuantityTypeIdentifierBasalEnergyBurned", 1);
		PUTS(" unit=\"Cal\"");
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"");
		putfix(e->v, 3);
		PUTS("\"/>\n");
		break;
	case K_STEPS_W:
	case K_STEPS_P:
		put_quantity_head("HKQuantityTypeIdentifierStepCount", e->kind == K_STEPS_W);
		PUTS(" unit=\"count\"");
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"");
		putu((uint64_t)e->v);
		PUTS("\"/>\n");
		break;
	case K_DIST_W:
	case K_DIST_P:
		put_quantity_head("HKQuantityTypeIdentifierDistanceWalkingRunning", e->kind == K_DIST_W);
		PUTS(" unit=\"km\"");
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"");
		putfix(e->v, 5);
		PUTS("\"/>\n");
		break;
	case K_RESP:
		put_quantity_head("HKQuantityTypeIdentifierRespiratoryRate", 1);
		PUTS(" unit=\"count/min\"");
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"");
		putfix(e->v, 1);
		PUTS("\"/>\n");
		break;
	case K_SPO2:
		put_quantity_head("HKQuantityTypeIdentifierOxygenSaturation", 1);
		PUTS(" unit=\"%\"");
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"");
		putfix(e->v, 2);
		PUTS("\">\n  <MetadataEntry key=\"HKMetadataKeyBarometricPressure\" value=\"");
		putu((uint64_t)e->v2);
		PUTS(" kPa\"/>\n </Record>\n");
		break;
	case K_HRV: {
		put_quantity_head("HKQuantityTypeIdentifierHeartRateVariabilitySDNN", 1);
		PUTS(" unit=\"ms\"");
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"");
		putfix(e->v, 4);
		PUTS("\">\n  <HeartRateVariabilityMetadataList>\n");
		double bpm = e->v2;
		for (int i = 0; i < 50; i++) {
			PUTS("   <InstantaneousBeatsPerMinute bpm=\"");
			bpm += (double)irand(-2, 2);
			if (bpm < 45)
				bpm = 45;
			putu((uint64_t)bpm);
			PUTS("\" time=\"");
			/* "8:10:31.45 PM" style */
			int64_t t = e->start + 60 * rome_offset(e->start) + i;
			int h = (int)(t % 86400 / 3600), mi = (int)(t % 3600 / 60), s = (int)(t % 60);
			putu((uint64_t)(h % 12 == 0 ? 12 : h % 12));
			obuf[olen++] = ':';
			put2((unsigned)mi);
			obuf[olen++] = ':';
			put2((unsigned)s);
			obuf[olen++] = '.';
			put2((unsigned)irand(0, 99));
			if (h < 12)
				PUTS(" AM\"/>\n");
			else
				PUTS(" PM\"/>\n");
		}
		PUTS("  </HeartRateVariabilityMetadataList>\n </Record>\n");
		break;
	}
	case K_BP_SYS:
	case K_BP_DIA:
		PUTS(" <Record type=\"");
		putstr(e->kind == K_BP_SYS ? "HKQuantityTypeIdentifierBloodPressureSystolic"
					   : "HKQuantityTypeIdentifierBloodPressureDiastolic");
		PUTS("\" sourceName=\"OMRON connect\" sourceVersion=\"1420\" unit=\"mmHg\"");
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"");
		putu((uint64_t)e->v);
		PUTS("\">\n  <MetadataEntry key=\"HKWasUserEntered\" value=\"0\"/>\n </Record>\n");
		break;
	case K_CORRELATION:
		PUTS(" <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\" sourceName=\"OMRON connect\" "
		     "sourceVersion=\"1420\"");
		put_dates(e->created, e->start, e->end);
		PUTS(">\n  <MetadataEntry key=\"HKWasUserEntered\" value=\"0\"/>\n");
		for (int k = 0; k < 2; k++) {
			PUTS("  <Record type=\"");
			putstr(k ? "HKQuantityTypeIdentifierBloodPressureSystolic"
				 : "HKQuantityTypeIdentifierBloodPressureDiastolic");
			PUTS("\" sourceName=\"OMRON connect\" sourceVersion=\"1420\" unit=\"mmHg\"");
			put_dates(e->created, e->start, e->end);
			PUTS(" value=\"");
			putu((uint64_t)(k ? e->v : e->v2));
			PUTS("\">\n   <MetadataEntry key=\"HKWasUserEntered\" value=\"0\"/>\n  </Record>\n");
		}
		PUTS(" </Correlation>\n");
		break;
	case K_SLEEP_INBED:
		PUTS(" <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\"");
		put_source_phone(0);
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"HKCategoryValueSleepAnalysisInBed\"");
		if (e->meta)
			PUTS(">\n  <MetadataEntry key=\"HKTimeZone\" value=\"Europe/Rome\"/>\n </Record>\n");
		else
			PUTS("/>\n");
		break;
	case K_SLEEP_STAGE:
		stage_count[e->sub]++;
		PUTS(" <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\"");
		put_source_watch();
		put_dates(e->created, e->start, e->end);
		PUTS(" value=\"");
		putstr(stage_value[e->sub]);
		if (e->meta)
			PUTS("\">\n  <MetadataEntry key=\"HKTimeZone\" value=\"Europe/Rome\"/>\n </Record>\n");
		else
			PUTS("\"/>\n");
		break;
	case K_WORKOUT: {
		static const char *act[] = {"HKWorkoutActivityTypeWalking", "HKWorkoutActivityTypeRunning",
					    "HKWorkoutActivityTypeCycling"};
		double min = (double)(e->end - e->start) / 60.0;
		PUTS(" <Workout workoutActivityType=\"");
		putstr(act[e->sub]);
		PUTS("\" duration=\"");
		putfix(min, 6);
		PUTS("\" durationUnit=\"min\"");
		put_source_watch();
		put_dates(e->created, e->start, e->end);
		PUTS(">\n  <MetadataEntry key=\"HKIndoorWorkout\" value=\"0\"/>\n"
		     "  <MetadataEntry key=\"HKTimeZone\" value=\"Europe/Rome\"/>\n"
		     "  <MetadataEntry key=\"HKWeatherTemperature\" value=\"");
		putu((uint64_t)irand(35, 90));
		PUTS(" degF\"/>\n  <WorkoutEvent type=\"HKWorkoutEventTypeSegment\" date=\"");
		put_time(e->start);
		PUTS("\" duration=\"");
		putfix(min / 2, 6);
		PUTS("\" durationUnit=\"min\"/>\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierActiveEnergyBurned\""
		     " startDate=\"");
		put_time(e->start);
		PUTS("\" endDate=\"");
		put_time(e->end);
		PUTS("\" sum=\"");
		putfix(e->v, 4);
		PUTS("\" unit=\"Cal\"/>\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierDistanceWalkingRunning\""
		     " startDate=\"");
		put_time(e->start);
		PUTS("\" endDate=\"");
		put_time(e->end);
		PUTS("\" sum=\"");
		putfix(e->v2, 5);
		PUTS("\" unit=\"km\"/>\n  <WorkoutRoute");
		put_source_phone(0);
		put_dates(e->created, e->start, e->end);
		PUTS(">\n   <MetadataEntry key=\"HKMetadataKeySyncVersion\" value=\"2\"/>\n"
		     "   <FileReference path=\"/workout-routes/route_");
		put_date(e->start);
		PUTS("_");
		{
			int64_t l = e->start + 60 * rome_offset(e->start);
			int h = (int)(l % 86400 / 3600);
			putu((uint64_t)(h % 12 == 0 ? 12 : h % 12));
			obuf[olen++] = '.';
			put2((unsigned)(l % 3600 / 60));
			if (h < 12)
				PUTS("am.gpx\"/>\n");
			else
				PUTS("pm.gpx\"/>\n");
		}
		PUTS("  </WorkoutRoute>\n </Workout>\n");
		break;
	}
	}
}

/* ---- one day: noon to noon, local ---- */

static double hr_rest = 68;

static void awake_streams(int64_t a, int64_t b, int64_t w0, int64_t w1)
{
	/* heart rate: every 2.5-5.5 min, every 5-10 s in the workout [w0, w1) */
	for (int64_t t = a + irand(0, 120); t < b;) {
		struct ev *e = add(K_HR, t, t);
		int inw = t >= w0 && t < w1;
		hr_rest += nrand(0, 1.5) + (68 - hr_rest) * 0.05;
		e->v = inw ? nrand(128, 12) : hr_rest + nrand(6, 5);
		if (e->v < 45)
			e->v = 45;
		e->meta = inw ? 0 : (uint8_t)(urand() < 0.4 ? 1 + (urand() < 0.7) : 0);
		t += inw ? irand(5, 10) : irand(150, 330);
	}
	/* active energy: back-to-back ~1-2 min chunks, with pauses */
	for (int64_t t = a + irand(0, 60); t < b;) {
		int64_t d = irand(50, 130);
		int inw = t >= w0 && t < w1;
		struct ev *e = add(K_ACTIVE, t, t + d);
		e->v = inw ? urand() * 12 + 4 : urand() * 1.2 + 0.05;
		t += d + (urand() < 0.05 ? irand(60, 600) : 0);
	}
	/* basal energy: every ~5 min */
	for (int64_t t = a; t < b; t += irand(240, 420)) {
		struct ev *e = add(K_BASAL, t, t + irand(120, 230));
		e->v = urand() * 6 + 8;
	}
	/* steps and distance from the Watch and the iPhone: walking bouts */
	for (int64_t t = a + irand(0, 900); t < b; t += irand(240, 1300)) {
		int64_t d = irand(60, 600);
		int inw = t >= w0 && t < w1;
		double steps = (double)d * (inw ? 2.6 : 0.3 + urand() * 1.4);
		struct ev *e = add(K_STEPS_W, t, t + d);
		e->v = steps;
		e = add(K_DIST_W, t, t + d);
		e->v = steps * 0.00072;
		if (urand() < 0.55) {
			int64_t s = t + irand(0, 30);
			e = add(K_STEPS_P, s, s + d);
			e->v = steps * (0.8 + urand() * 0.3);
			e = add(K_DIST_P, s, s + d);
			e->v = e[-1].v * 0.00071;
		}
	}
}

static uint64_t sleep_nights, skipped_nights;

static void sleep_night(int64_t bed, int64_t wake, int tzmeta)
{
	/* the iPhone's InBed, then contiguous Watch stages from onset to wake */
	int64_t onset = bed + irand(300, 1500);
	struct ev *e = add(K_SLEEP_INBED, bed - irand(0, 300), wake + irand(60, 600));
	e->created = e->end + irand(60, 1800);
	e->meta = (uint8_t)tzmeta;
	int64_t created = wake + irand(120, 1200);
	int64_t t = onset;
	int cycle = 0, phase = 0;
	static const int seq_stages[] = {ST_CORE, ST_DEEP, ST_CORE, ST_REM};
	while (t < wake) {
		int st = seq_stages[phase];
		int64_t d;
		if (urand() < 0.12) {
			st = ST_AWAKE;
			d = irand(30, 420);
		} else if (st == ST_DEEP) {
			d = cycle < 2 ? irand(600, 2100) : irand(120, 600);
			phase = (phase + 1) & 3;
		} else if (st == ST_REM) {
			d = irand(300, 600 + 420 * cycle);
			phase = (phase + 1) & 3;
			cycle++;
		} else {
			d = irand(300, 1800);
			phase = (phase + 1) & 3;
		}
		d = d / 30 * 30;
		if (t + d > wake - 60)
			d = wake - t;
		if (d <= 0)
			break;
		e = add(K_SLEEP_STAGE, t, t + d);
		e->sub = (uint8_t)st;
		e->created = created;
		e->meta = (uint8_t)tzmeta;
		t += d;
	}
	/* at night: heart rate every 4-9 min, respiratory rate, SpO2, one HRV */
	for (int64_t u = bed + irand(0, 200); u < wake; u += irand(240, 540)) {
		e = add(K_HR, u, u);
		e->v = nrand(56, 4);
		e->meta = (uint8_t)(urand() < 0.5 ? 1 : 0);
	}
	for (int64_t u = onset + irand(0, 600); u < wake; u += irand(600, 1800)) {
		e = add(K_RESP, u, u + irand(120, 400));
		e->v = nrand(14.5, 1.2);
	}
	for (int k = 0; k < 4; k++) {
		int64_t u = onset + (wake - onset) * (k + 1) / 6 + irand(0, 300);
		e = add(K_SPO2, u, u);
		e->v = (double)irand(92, 100) / 100.0;
		e->v2 = (double)irand(99, 103);
	}
	e = add(K_HRV, onset + irand(600, 3600), 0);
	e->end = e->start + 60;
	e->created = e->end + 30;
	e->v = nrand(45, 12);
	if (e->v < 8)
		e->v = 8;
	e->v2 = 56;
}

static void gen_day(int64_t noon, int64_t next_noon, int64_t dayno)
{
	nev = 0;
	/* device generations: a new Watch and iPhone every ~500 days, renamed at day 400 */
	static const char *whw[] = {"Watch5,2", "Watch6,1", "Watch6,7", "Watch7,1"};
	static const char *wsw[] = {"7.2", "8.5", "9.0", "10.1"};
	static const char *phw[] = {"iPhone12,1", "iPhone13,2", "iPhone14,5", "iPhone15,2"};
	static const char *psw[] = {"14.4", "15.6", "16.1", "17.1"};
	int gen = (int)(dayno / 500 % 4);
	watch_hw = whw[gen];
	watch_sw = wsw[gen];
	phone_hw = phw[gen];
	phone_sw = psw[gen];
	renamed = dayno % 800 >= 400;

	/* bedtime around 23:00 local, wake around 07:10 local the next morning */
	int64_t bed = noon + 11 * 3600 + (int64_t)nrand(0, 2400);
	int64_t wake = noon + 19 * 3600 + 600 + (int64_t)nrand(0, 2400);
	if (next_noon - noon != 86400) /* a clock change at night: the wall clock moved */
		wake += next_noon - noon - 86400;
	/* workout: ~40 % of days, evening or the next morning */
	int64_t w0 = 0, w1 = 0;
	if (urand() < 0.4) {
		w0 = urand() < 0.6 ? noon + irand(5 * 3600, 7 * 3600) : wake + irand(3600, 3 * 3600);
		w1 = w0 + irand(20 * 60, 75 * 60);
		struct ev *e = add(K_WORKOUT, w0, w1);
		e->sub = (uint8_t)irand(0, 2);
		e->v = (double)(w1 - w0) / 60.0 * (7 + urand() * 5);
		e->v2 = (double)(w1 - w0) / 60.0 * (0.09 + urand() * 0.08);
	}
	awake_streams(noon, bed, w0, w1);
	awake_streams(wake, next_noon, w0, w1);
	/* sleep: skipped on ~4 % of nights (Watch charging) */
	if (urand() < 0.96) {
		sleep_night(bed, wake, dayno % 800 >= 300);
		sleep_nights++;
	} else {
		skipped_nights++;
	}
	/* blood pressure every ~4 days, in the evening: the Correlation and
	 * its two Records again at the top level, as Apple writes them */
	if (urand() < 0.25) {
		int64_t t = noon + irand(7 * 3600, 9 * 3600);
		double sys = nrand(122, 8), dia = nrand(79, 6);
		struct ev *e = add(K_CORRELATION, t, t);
		e->v = sys;
		e->v2 = dia;
		int64_t c = e->created;
		e = add(K_BP_DIA, t, t);
		e->v = dia;
		e->created = c;
		e = add(K_BP_SYS, t, t);
		e->v = sys;
		e->created = c;
	}
	qsort(evs, nev, sizeof *evs, evcmp);
	for (size_t i = 0; i < nev; i++)
		emit(&evs[i]);
}

/* ---- the document ---- */

/* Written for this benchmark from the documented structure of export.xml
 * (HealthKit Export Version 14): well-formed, no default attribute values. */
static const char *const dtd[] = {
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE HealthData [\n"
	"<!-- HealthKit Export Version: 14 -->\n",
	"<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|"
	"VisionPrescription)*)>\n"
	"<!ATTLIST HealthData\n  locale CDATA #REQUIRED\n>\n",
	"<!ELEMENT ExportDate EMPTY>\n"
	"<!ATTLIST ExportDate\n  value CDATA #REQUIRED\n>\n",
	"<!ELEMENT Me EMPTY>\n"
	"<!ATTLIST Me\n"
	"  HKCharacteristicTypeIdentifierDateOfBirth                 CDATA #REQUIRED\n"
	"  HKCharacteristicTypeIdentifierBiologicalSex               CDATA #REQUIRED\n"
	"  HKCharacteristicTypeIdentifierBloodType                   CDATA #REQUIRED\n"
	"  HKCharacteristicTypeIdentifierFitzpatrickSkinType         CDATA #REQUIRED\n"
	"  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED\n>\n",
	"<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>\n"
	"<!ATTLIST Record\n"
	"  type          CDATA #REQUIRED\n"
	"  unit          CDATA #IMPLIED\n"
	"  value         CDATA #IMPLIED\n"
	"  sourceName    CDATA #REQUIRED\n"
	"  sourceVersion CDATA #IMPLIED\n"
	"  device        CDATA #IMPLIED\n"
	"  creationDate  CDATA #IMPLIED\n"
	"  startDate     CDATA #REQUIRED\n"
	"  endDate       CDATA #REQUIRED\n>\n"
	"<!-- Note: Any Records that appear as children of a correlation also appear as top-level records in this "
	"document. -->\n",
	"<!ELEMENT Correlation ((MetadataEntry|Record)*)>\n"
	"<!ATTLIST Correlation\n"
	"  type          CDATA #REQUIRED\n"
	"  sourceName    CDATA #REQUIRED\n"
	"  sourceVersion CDATA #IMPLIED\n"
	"  device        CDATA #IMPLIED\n"
	"  creationDate  CDATA #IMPLIED\n"
	"  startDate     CDATA #REQUIRED\n"
	"  endDate       CDATA #REQUIRED\n>\n",
	"<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>\n"
	"<!ATTLIST Workout\n"
	"  workoutActivityType   CDATA #REQUIRED\n"
	"  duration              CDATA #IMPLIED\n"
	"  durationUnit          CDATA #IMPLIED\n"
	"  totalDistance         CDATA #IMPLIED\n"
	"  totalDistanceUnit     CDATA #IMPLIED\n"
	"  totalEnergyBurned     CDATA #IMPLIED\n"
	"  totalEnergyBurnedUnit CDATA #IMPLIED\n"
	"  sourceName            CDATA #REQUIRED\n"
	"  sourceVersion         CDATA #IMPLIED\n"
	"  device                CDATA #IMPLIED\n"
	"  creationDate          CDATA #IMPLIED\n"
	"  startDate             CDATA #REQUIRED\n"
	"  endDate               CDATA #REQUIRED\n>\n",
	"<!ELEMENT WorkoutEvent EMPTY>\n"
	"<!ATTLIST WorkoutEvent\n"
	"  type         CDATA #REQUIRED\n"
	"  date         CDATA #REQUIRED\n"
	"  duration     CDATA #IMPLIED\n"
	"  durationUnit CDATA #IMPLIED\n>\n",
	"<!ELEMENT WorkoutStatistics EMPTY>\n"
	"<!ATTLIST WorkoutStatistics\n"
	"  type      CDATA #REQUIRED\n"
	"  startDate CDATA #REQUIRED\n"
	"  endDate   CDATA #REQUIRED\n"
	"  average   CDATA #IMPLIED\n"
	"  minimum   CDATA #IMPLIED\n"
	"  maximum   CDATA #IMPLIED\n"
	"  sum       CDATA #IMPLIED\n"
	"  unit      CDATA #IMPLIED\n>\n",
	"<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>\n"
	"<!ATTLIST WorkoutRoute\n"
	"  sourceName    CDATA #REQUIRED\n"
	"  sourceVersion CDATA #IMPLIED\n"
	"  device        CDATA #IMPLIED\n"
	"  creationDate  CDATA #IMPLIED\n"
	"  startDate     CDATA #REQUIRED\n"
	"  endDate       CDATA #REQUIRED\n>\n",
	"<!ELEMENT FileReference EMPTY>\n"
	"<!ATTLIST FileReference\n  path CDATA #REQUIRED\n>\n",
	"<!ELEMENT ActivitySummary EMPTY>\n"
	"<!ATTLIST ActivitySummary\n"
	"  dateComponents           CDATA #IMPLIED\n"
	"  activeEnergyBurned       CDATA #IMPLIED\n"
	"  activeEnergyBurnedGoal   CDATA #IMPLIED\n"
	"  activeEnergyBurnedUnit   CDATA #IMPLIED\n"
	"  appleMoveTime            CDATA #IMPLIED\n"
	"  appleMoveTimeGoal        CDATA #IMPLIED\n"
	"  appleExerciseTime        CDATA #IMPLIED\n"
	"  appleExerciseTimeGoal    CDATA #IMPLIED\n"
	"  appleStandHours          CDATA #IMPLIED\n"
	"  appleStandHoursGoal      CDATA #IMPLIED\n>\n",
	"<!ELEMENT MetadataEntry EMPTY>\n"
	"<!ATTLIST MetadataEntry\n  key   CDATA #REQUIRED\n  value CDATA #REQUIRED\n>\n",
	"<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>\n",
	"<!ELEMENT InstantaneousBeatsPerMinute EMPTY>\n"
	"<!ATTLIST InstantaneousBeatsPerMinute\n  bpm  CDATA #REQUIRED\n  time CDATA #REQUIRED\n>\n",
	"<!ELEMENT ClinicalRecord EMPTY>\n"
	"<!ATTLIST ClinicalRecord\n"
	"  type              CDATA #REQUIRED\n"
	"  identifier        CDATA #REQUIRED\n"
	"  sourceName        CDATA #REQUIRED\n"
	"  sourceURL         CDATA #REQUIRED\n"
	"  fhirVersion       CDATA #REQUIRED\n"
	"  receivedDate      CDATA #REQUIRED\n"
	"  resourceFilePath  CDATA #REQUIRED\n>\n",
	"<!ELEMENT Audiogram ((MetadataEntry|SensitivityPoint)*)>\n"
	"<!ATTLIST Audiogram\n"
	"  type          CDATA #REQUIRED\n"
	"  sourceName    CDATA #REQUIRED\n"
	"  sourceVersion CDATA #IMPLIED\n"
	"  device        CDATA #IMPLIED\n"
	"  creationDate  CDATA #IMPLIED\n"
	"  startDate     CDATA #REQUIRED\n"
	"  endDate       CDATA #REQUIRED\n>\n",
	"<!ELEMENT SensitivityPoint EMPTY>\n"
	"<!ATTLIST SensitivityPoint\n"
	"  frequencyValue   CDATA #REQUIRED\n"
	"  frequencyUnit    CDATA #REQUIRED\n"
	"  leftEarValue     CDATA #IMPLIED\n"
	"  leftEarUnit      CDATA #IMPLIED\n"
	"  rightEarValue    CDATA #IMPLIED\n"
	"  rightEarUnit     CDATA #IMPLIED\n>\n",
	"<!ELEMENT VisionPrescription ((RightEye|LeftEye|Attachment|MetadataEntry)*)>\n"
	"<!ATTLIST VisionPrescription\n"
	"  type             CDATA #REQUIRED\n"
	"  dateIssued       CDATA #REQUIRED\n"
	"  expirationDate   CDATA #IMPLIED\n"
	"  brand            CDATA #IMPLIED\n>\n",
	"<!ELEMENT RightEye EMPTY>\n"
	"<!ATTLIST RightEye\n"
	"  sphere     CDATA #IMPLIED\n"
	"  sphereUnit CDATA #IMPLIED\n"
	"  cylinder   CDATA #IMPLIED\n"
	"  axis       CDATA #IMPLIED\n>\n",
	"<!ELEMENT LeftEye EMPTY>\n"
	"<!ATTLIST LeftEye\n"
	"  sphere     CDATA #IMPLIED\n"
	"  sphereUnit CDATA #IMPLIED\n"
	"  cylinder   CDATA #IMPLIED\n"
	"  axis       CDATA #IMPLIED\n>\n",
	"<!ELEMENT Attachment EMPTY>\n"
	"<!ATTLIST Attachment\n  identifier CDATA #IMPLIED\n>\n"
	"]>\n",
};

#define ACTIVITY_SUMMARY_BYTES 320 /* upper bound of one ActivitySummary line */

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s SEED SIZE_MB OUT.xml   (SIZE_MB in MiB, may be fractional)\n", argv[0]);
		return 2;
	}
	char *endp;
	errno = 0;
	uint64_t seed = strtoull(argv[1], &endp, 10);
	if (errno || *endp) {
		fprintf(stderr, "gen_apple: bad SEED '%s'\n", argv[1]);
		return 2;
	}
	double mb = strtod(argv[2], &endp);
	if (*endp || !(mb > 0) || mb > 1e6) {
		fprintf(stderr, "gen_apple: bad SIZE_MB '%s'\n", argv[2]);
		return 2;
	}
	uint64_t target = (uint64_t)(mb * 1048576.0);
	ofp = fopen(argv[3], "wb");
	if (!ofp) {
		fprintf(stderr, "gen_apple: %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	obuf = malloc(OCAP);
	if (!obuf) {
		perror("gen_apple");
		return 1;
	}
	uint64_t sm = seed;
	for (int i = 0; i < 4; i++)
		rs[i] = splitmix(&sm);

	/* Records start at noon on 2021-01-04 in Rome. */
	int64_t day0 = days_from_civil(2021, 1, 4);
	for (size_t i = 0; i < sizeof dtd / sizeof dtd[0]; i++)
		putstr(dtd[i]);
	PUTS("<HealthData locale=\"en_US\">\n <ExportDate value=\"");
	/* ~850 KB a day: the export is dated (roughly) a few days after the last record */
	int64_t est_days = (int64_t)(target / 800000) + 3;
	put_time((day0 + est_days) * 86400 + 9 * 3600);
	PUTS("\"/>\n <Me HKCharacteristicTypeIdentifierDateOfBirth=\"1988-04-17\" "
	     "HKCharacteristicTypeIdentifierBiologicalSex=\"HKBiologicalSexFemale\" "
	     "HKCharacteristicTypeIdentifierBloodType=\"HKBloodTypeNotSet\" "
	     "HKCharacteristicTypeIdentifierFitzpatrickSkinType=\"HKFitzpatrickSkinTypeNotSet\" "
	     "HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse=\"None\"/>\n");

	uint64_t head = olen;
	int64_t d = 0;
	for (;; d++) {
		int64_t noon = rome_utc((day0 + d) * 86400 + 12 * 3600);
		int64_t next = rome_utc((day0 + d + 1) * 86400 + 12 * 3600);
		/* stop when one more day (about the average so far) would overshoot */
		uint64_t sofar = written + olen, avg = d ? (sofar - head) / (uint64_t)d : 0;
		if (d > 0 && sofar + avg / 2 + (uint64_t)(d + 1) * ACTIVITY_SUMMARY_BYTES + 32 >= target)
			break;
		gen_day(noon, next, d);
	}
	/* one ActivitySummary per day, after the records, as in real exports */
	for (int64_t i = 0; i < d; i++) {
		oroom();
		int y, m, dd;
		civil_from_days(day0 + i, &y, &m, &dd);
		PUTS(" <ActivitySummary dateComponents=\"");
		put2((unsigned)y / 100);
		put2((unsigned)y % 100);
		obuf[olen++] = '-';
		put2((unsigned)m);
		obuf[olen++] = '-';
		put2((unsigned)dd);
		PUTS("\" activeEnergyBurned=\"");
		putfix(urand() * 600 + 150, 3);
		PUTS("\" activeEnergyBurnedGoal=\"500\" activeEnergyBurnedUnit=\"Cal\" appleMoveTime=\"0\" "
		     "appleMoveTimeGoal=\"0\" appleExerciseTime=\"");
		putu((uint64_t)irand(0, 80));
		PUTS("\" appleExerciseTimeGoal=\"30\" appleStandHours=\"");
		putu((uint64_t)irand(4, 15));
		PUTS("\" appleStandHoursGoal=\"12\"/>\n");
	}
	PUTS("</HealthData>\n");
	oflush();
	if (fclose(ofp) != 0) {
		perror("gen_apple: close");
		return 1;
	}

	uint64_t records = 0, sleep = count[K_SLEEP_INBED] + count[K_SLEEP_STAGE];
	for (int k = 0; k < K_COUNT; k++)
		if (k != K_CORRELATION && k != K_WORKOUT)
			records += count[k];
	fprintf(stderr, "gen_apple: %s: %" PRIu64 " bytes, %" PRId64 " days from 2021-01-04 (Europe/Rome), seed %" PRIu64 "\n",
		argv[3], written, d, seed);
	for (int k = 0; k < K_COUNT; k++)
		fprintf(stderr, "  %-40s %10" PRIu64 "\n", kind_name[k], count[k]);
	fprintf(stderr, "  %-40s %10" PRId64 "\n", "ActivitySummary", d);
	fprintf(stderr, "  sleep stages: core %" PRIu64 ", deep %" PRIu64 ", rem %" PRIu64 ", awake %" PRIu64
			"; nights %" PRIu64 ", nights without sleep data %" PRIu64 "\n",
		stage_count[ST_CORE], stage_count[ST_DEEP], stage_count[ST_REM], stage_count[ST_AWAKE], sleep_nights,
		skipped_nights);
	fprintf(stderr, "  top-level Records %" PRIu64 " (+ %" PRIu64 " inside Correlations), %.1f bytes per Record, "
			"sleep-analysis Records %" PRIu64 " (%.2f %%)\n",
		records, 2 * count[K_CORRELATION], (double)written / (double)records, sleep,
		100.0 * (double)sleep / (double)records);
	printf("%" PRIu64 "\n", sleep); /* stdout: the number of sleep records, for scripts */
	free(obuf);
	free(evs);
	return 0;
}
