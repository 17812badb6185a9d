/* Sleep as Android: sleep-export.csv (docs/import-csv.md).
 *
 * The file is a run of records, each a header row starting with "Id", its data
 * row, and optionally a noise row whose first cell is empty. Header rows
 * differ between records (one column per actigraphy sample, one "Event" column
 * per event), so columns are found by name in the header of each record.
 *
 * Time comes from Id (epoch ms of the start) and Tz (IANA zone), never from the
 * From/To text, which is ambiguous around clock changes and whose field order
 * the documentation itself contradicts. The end is Id + Hours: the app's
 * documentation calls Hours "duration of the sleep record", and sleepdiary
 * (the most careful third-party reader) computes end = Id + Hours and time
 * asleep = Hours + LenAdjust minutes; the fixtures agree (To - From = Hours
 * within the rounding of the minute fields, pauses included).
 *
 * What is emitted for one record:
 *  - IN_BED over [start, end].
 *  - With stage events (LIGHT_/DEEP_/REM_/AWAKE_ START and END): one interval
 *    per stretch of the hypnogram, clipped to [start, end]. The stage in force
 *    is the most recently started one still open, so both nested (deep inside
 *    light) and alternating (LIGHT_END at DEEP_START) event styles read
 *    correctly. TRACKING_PAUSED..TRACKING_RESUMED opens a gap in which nothing
 *    is asserted. Time covered by no open stage is left as in bed only: the
 *    app did not say the sleeper was asleep, and guessing would inflate sleep.
 *    LenAdjust is not applied: the hypnogram already places the awake time.
 *  - With no stage events (manual records, tracking without hypnogram):
 *    ASLEEP_UNSPECIFIED over the record shortened by LenAdjust. The app
 *    defines LenAdjust as the minutes (zero or negative) to take off Hours for
 *    falling asleep, pauses and awake periods; it does not say where, so the
 *    time is taken from the start, where it mostly is (sleep latency). It is
 *    ignored for manual records (Cycles -1, or LenAdjust "-1.0", which marks
 *    them according to sleepdiary).
 * The Comment, with its #tags, goes into every interval's note; the app writes
 * a line break in a comment as " \n " and that is turned back into a newline.
 * Millisecond times are truncated to whole seconds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

#define SAA_SOURCE "Sleep as Android"
#define SAA_WHAT "Sleep as Android record"
#define SAA_MAX_EVENTS 4096 /* at most one per CSV field */
#define SAA_MS_MAX 253402300799999LL /* 9999-12-31T23:59:59.999Z */

/* Pseudo-stage for a tracking pause: it opens a gap in the hypnogram. */
#define SAA_PAUSE MG_STAGE_COUNT

struct saa_cols {
	int have;                    /* a header has been read */
	long id, tz, hours, comment, lenadjust, cycles;
	size_t nhdr;
	unsigned char is_event[4096]; /* header cell i is "Event" */
};

struct saa_event {
	int64_t t;  /* UTC seconds */
	int stage;  /* enum mg_stage, or SAA_PAUSE */
	int start;  /* 1 start, 0 end */
	size_t seq; /* order in the file, to keep equal times stable */
};

struct saa_rec {
	int64_t start, end;
	int start_off, end_off;
	const char *tz;
	const char *note;
};

static long find_col(char **f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i], name) == 0)
			return (long)i;
	return -1;
}

static char *cell(char **f, size_t n, long i)
{
	return i >= 0 && (size_t)i < n ? f[i] : NULL;
}

/* A whole decimal integer, nothing else. */
static int parse_i64(const char *s, long long *v)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int parse_num(const char *s, double *v)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return errno || *end || *v != *v ? -1 : 0;
}

static int64_t ms_to_s(long long ms)
{
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

/* "LABEL-epochms" or "LABEL-epochms-value" (value may hold a '-', "1.5E-42"). */
static int parse_event(const char *s, struct saa_event *ev)
{
	static const struct {
		const char *label;
		int stage, start;
	} map[] = {
		{"LIGHT_START", MG_STAGE_LIGHT, 1}, {"LIGHT_END", MG_STAGE_LIGHT, 0},
		{"DEEP_START", MG_STAGE_DEEP, 1},   {"DEEP_END", MG_STAGE_DEEP, 0},
		{"REM_START", MG_STAGE_REM, 1},     {"REM_END", MG_STAGE_REM, 0},
		{"AWAKE_START", MG_STAGE_AWAKE, 1}, {"AWAKE_END", MG_STAGE_AWAKE, 0},
		{"TRACKING_PAUSED", SAA_PAUSE, 1},  {"TRACKING_RESUMED", SAA_PAUSE, 0},
	};
	const char *dash = strchr(s, '-');
	long long ms = 0;
	size_t ll;
	if (!dash)
		return -1;
	ll = (size_t)(dash - s);
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strlen(map[i].label) != ll || memcmp(map[i].label, s, ll) != 0)
			continue;
		const char *p = dash + 1;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			if (ms > SAA_MS_MAX / 10)
				return -1;
			ms = ms * 10 + (*p++ - '0');
		}
		if (*p && *p != '-')
			return -1;
		ev->t = ms_to_s(ms);
		ev->stage = map[i].stage;
		ev->start = map[i].start;
		return 0;
	}
	return -1;
}

static int ev_cmp(const void *a, const void *b)
{
	const struct saa_event *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int emit(const struct mg_import_sink *s, const struct saa_rec *rec, int stage, int64_t a, int64_t b,
		struct mg_error *err)
{
	struct mg_interval iv = {
		.source = SAA_SOURCE, .device = "", .kind = MG_DEV_PHONE, .stage = stage,
		.start = a, .end = b, .tz = rec->tz, .note = rec->note,
	};
	int rc;
	if (a < rec->start)
		a = iv.start = rec->start;
	if (b > rec->end)
		b = iv.end = rec->end;
	if (a >= b)
		return 0;
	/* Offsets of the clipped instants, which may straddle a clock change. */
	if ((rc = mg_tz_offset(rec->tz, a, &iv.start_offset, err)) || (rc = mg_tz_offset(rec->tz, b, &iv.end_offset, err)))
		return rc;
	return s->interval(s->ctx, &iv, err);
}

/* Walk the sorted events: the stage in force is the latest opened one still
 * open (see the comment at the top). */
static int emit_stages(const struct mg_import_sink *s, const struct saa_rec *rec, struct saa_event *ev, size_t n,
		       struct mg_error *err)
{
	size_t order[SAA_PAUSE + 1]; /* sequence of opening, 0 = closed */
	size_t tick = 0;
	int cur = -1;
	int64_t cur_from = 0;
	int rc;

	memset(order, 0, sizeof order);
	qsort(ev, n, sizeof *ev, ev_cmp);
	for (size_t i = 0; i < n; i++) {
		int next = -1;
		size_t best = 0;
		if (ev[i].start) {
			order[ev[i].stage] = ++tick;
		} else {
			order[ev[i].stage] = 0;
		}
		for (int k = 0; k <= SAA_PAUSE; k++)
			if (order[k] > best) {
				best = order[k];
				next = k;
			}
		if (next == cur)
			continue;
		if (cur >= 0 && cur != SAA_PAUSE && (rc = emit(s, rec, cur, cur_from, ev[i].t, err)))
			return rc;
		cur = next;
		cur_from = ev[i].t;
	}
	/* A stage still open at the end of the events lasts to the record's end. */
	if (cur >= 0 && cur != SAA_PAUSE && (rc = emit(s, rec, cur, cur_from, rec->end, err)))
		return rc;
	return 0;
}

/* The comment with the app's " \n " line-break escape undone, in place. */
static void unescape_comment(char *c)
{
	char *w = c;
	for (const char *p = c; *p;) {
		if (p[0] == ' ' && p[1] == '\\' && p[2] == 'n' && p[3] == ' ') {
			*w++ = '\n';
			p += 4;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
}

static int record(const struct mg_import_sink *s, const struct saa_cols *cols, char **f, size_t n,
		  struct saa_event *ev, struct mg_error *err)
{
	long long id_ms, cycles = 0;
	double hours, lenadj = 0;
	const char *tz = cell(f, n, cols->tz);
	const char *la = cell(f, n, cols->lenadjust);
	char *comment = cell(f, n, cols->comment);
	struct saa_rec rec;
	size_t nev = 0;
	int rc;

	if (parse_i64(cell(f, n, cols->id), &id_ms) || id_ms < 0 || id_ms > SAA_MS_MAX) {
		s->skipped(s->ctx, SAA_WHAT, SAA_SOURCE, "unreadable Id");
		return 0;
	}
	if (parse_num(cell(f, n, cols->hours), &hours)) {
		s->skipped(s->ctx, SAA_WHAT, SAA_SOURCE, "unreadable Hours");
		return 0;
	}
	if (!(hours > 0 && hours <= 24)) {
		s->skipped(s->ctx, SAA_WHAT, SAA_SOURCE, "Hours outside 0 to 24");
		return 0;
	}
	rec.start = ms_to_s(id_ms);
	rec.end = ms_to_s(id_ms + (long long)(hours * 3600000.0 + 0.5));
	if (rec.end <= rec.start) { /* under a second long */
		s->skipped(s->ctx, SAA_WHAT, SAA_SOURCE, "shorter than a second");
		return 0;
	}
	/* An unknown or empty zone is the record's problem, not the file's. */
	if (!tz || !*tz || mg_tz_offset(tz, rec.start, &rec.start_off, NULL) ||
	    mg_tz_offset(tz, rec.end, &rec.end_off, NULL)) {
		s->skipped(s->ctx, SAA_WHAT, SAA_SOURCE, "unknown time zone");
		return 0;
	}
	rec.tz = tz;
	if (comment)
		unescape_comment(comment);
	rec.note = comment ? comment : "";

	{
		struct mg_interval iv = {
			.source = SAA_SOURCE, .device = "", .kind = MG_DEV_PHONE, .stage = MG_STAGE_IN_BED,
			.start = rec.start, .end = rec.end, .start_offset = rec.start_off,
			.end_offset = rec.end_off, .tz = rec.tz, .note = rec.note,
		};
		if ((rc = s->interval(s->ctx, &iv, err)))
			return rc;
	}

	for (size_t i = 0; i < n && i < cols->nhdr; i++) {
		if (!cols->is_event[i] || parse_event(f[i], &ev[nev]))
			continue;
		ev[nev].seq = nev;
		nev++;
	}
	for (size_t i = 0; i < nev; i++)
		if (ev[i].stage != SAA_PAUSE)
			return emit_stages(s, &rec, ev, nev, err);

	/* No hypnogram: asleep, stage unknown, less LenAdjust from the start. */
	if (la && strcmp(la, "-1.0") != 0 && !parse_num(la, &lenadj) && lenadj < 0 && lenadj >= -24 * 60 &&
	    !(cols->cycles >= 0 && !parse_i64(cell(f, n, cols->cycles), &cycles) && cycles == -1)) {
		int64_t from = rec.start + (int64_t)(-lenadj * 60.0 + 0.5);
		return emit(s, &rec, MG_STAGE_ASLEEP_UNSPECIFIED, from, rec.end, err);
	}
	return emit(s, &rec, MG_STAGE_ASLEEP_UNSPECIFIED, rec.start, rec.end, err);
}

int mg_import_saa(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		  struct mg_error *err)
{
	struct mg_csv *c = NULL;
	struct saa_cols *cols = NULL;
	struct saa_event *ev = NULL;
	size_t n;
	char **f;
	int rc;

	(void)o;
	if ((rc = mg_csv_open(&c, r, err)))
		goto out;
	cols = calloc(1, sizeof *cols);
	ev = malloc(SAA_MAX_EVENTS * sizeof *ev);
	if (!cols || !ev) {
		rc = mg_fail(err, MG_ENOMEM, r->name, "%s: out of memory", r->name);
		goto out;
	}
	while ((rc = mg_csv_next(c, &n, &f, err)) == 1) {
		if (strcmp(f[0], "Id") == 0) {
			cols->have = 1;
			cols->id = 0;
			cols->tz = find_col(f, n, "Tz");
			cols->hours = find_col(f, n, "Hours");
			cols->comment = find_col(f, n, "Comment");
			cols->lenadjust = find_col(f, n, "LenAdjust");
			cols->cycles = find_col(f, n, "Cycles");
			cols->nhdr = n;
			for (size_t i = 0; i < n; i++)
				cols->is_event[i] = strcmp(f[i], "Event") == 0;
			if (cols->tz < 0 || cols->hours < 0) {
				rc = mg_fail(err, MG_EPARSE, r->name, "%s: line %lu: header has no %s column", r->name,
					     mg_csv_line(c), cols->tz < 0 ? "Tz" : "Hours");
				goto out;
			}
			continue;
		}
		/* Noise rows and blank lines start with an empty cell. */
		if (f[0][0] == '\0')
			continue;
		if (!cols->have) {
			rc = mg_fail(err, MG_EPARSE, r->name,
				     "%s: line %lu: not a Sleep as Android export (no header row starting with Id)",
				     r->name, mg_csv_line(c));
			goto out;
		}
		if ((rc = record(s, cols, f, n, ev, err)))
			goto out;
	}
out:
	free(ev);
	free(cols);
	mg_csv_close(c);
	return rc < 0 ? rc : 0;
}
