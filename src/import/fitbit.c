/* Fitbit sleep logs (Takeout "Global Export Data/sleep-YYYY-MM-DD.json" or a
 * Web API "sleep" response). docs/import-json.md has the mapping.
 *
 * Fitbit writes zoneless local times and keeps the UTC offset in force when
 * the sleep started for the whole log. So startTime is read in the user's zone
 * (o->tz) and every later time of the log is placed by its wall-clock distance
 * from startTime: a clock change during the night then neither adds nor eats an
 * hour. The offsets reported with each interval are the zone's real offsets at
 * those instants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "import_internal.h"

#define WHAT_LOG "Fitbit sleep log"
#define WHAT_SEG "Fitbit sleep stage"
#define SOURCE "Fitbit"
#define MAX_LOG_SECONDS 86400

struct seg {
	int64_t a, b; /* UTC seconds, a < b */
	int stage;
	size_t idx; /* order in the file, to keep qsort stable */
};

struct segv {
	struct seg *v;
	size_t n, cap;
};

/* The clock of one log: its first instant and the wall time read there. */
struct logclock {
	int64_t utc0, wall0;
};

static void skip(const struct mg_import_sink *s, const char *what, const char *reason)
{
	if (s->skipped)
		s->skipped(s->ctx, what, SOURCE, reason);
}

static int push(struct segv *sv, int64_t a, int64_t b, int stage)
{
	if (sv->n == sv->cap) {
		size_t nc = sv->cap ? sv->cap * 2 : 64;
		struct seg *nv = realloc(sv->v, nc * sizeof *nv);
		if (!nv)
			return MG_ENOMEM;
		sv->v = nv;
		sv->cap = nc;
	}
	sv->v[sv->n] = (struct seg){a, b, stage, sv->n};
	sv->n++;
	return 0;
}

static int seg_cmp(const void *x, const void *y)
{
	const struct seg *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->idx < q->idx ? -1 : p->idx > q->idx;
}

static const char *str_field(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Does this array element look like a sleep log (and not, say, a heart-rate
 * sample with dateTime/value)? */
static int looks_like_log(const json_t *e)
{
	return json_is_object(e) && str_field(e, "startTime") &&
	       (json_object_get(e, "endTime") || json_object_get(e, "levels") || json_object_get(e, "logId"));
}

/* Stage names differ by log type; a log without a known type accepts both
 * sets (their names do not clash: "wake" vs "awake"). Classic "restless" is
 * counted as awake, as Fitbit does in minutesAwake. -1 when unknown. */
static int level_stage(const char *type, const char *level)
{
	int stages = !type || strcmp(type, "classic") != 0;
	int classic = !type || strcmp(type, "stages") != 0;
	if (!level)
		return -1;
	if (stages) {
		if (!strcmp(level, "wake"))
			return MG_STAGE_AWAKE;
		if (!strcmp(level, "light"))
			return MG_STAGE_LIGHT;
		if (!strcmp(level, "deep"))
			return MG_STAGE_DEEP;
		if (!strcmp(level, "rem"))
			return MG_STAGE_REM;
	}
	if (classic) {
		if (!strcmp(level, "asleep"))
			return MG_STAGE_ASLEEP;
		if (!strcmp(level, "restless") || !strcmp(level, "awake"))
			return MG_STAGE_AWAKE;
	}
	return -1;
}

/* A time of the log as a UTC instant (see the top of the file). An explicit
 * offset, which Fitbit never writes, is honoured as it stands. */
static int log_time(const struct logclock *c, const char *s, int64_t *utc)
{
	int64_t t;
	int off, has_zone;
	if (!s || mg_parse_iso_time(s, strlen(s), &t, &off, &has_zone))
		return -1;
	*utc = has_zone ? t : c->utc0 + (t - c->wall0);
	return 0;
}

/* Read levels.data or levels.shortData into sv, clipped to the log, sorted,
 * and trimmed so that no two overlap (a later segment loses its overlap with
 * an earlier one). */
static int read_segments(const json_t *arr, const char *type, const struct logclock *c, int64_t lo, int64_t hi,
			 const struct mg_import_sink *s, struct segv *sv)
{
	size_t i, j;
	int64_t cursor;
	json_t *e;
	int rc;
	sv->n = 0;
	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, e)
	{
		int64_t a;
		json_t *sec = json_object_get(e, "seconds");
		json_int_t n;
		int stage;
		if (log_time(c, str_field(e, "dateTime"), &a)) {
			skip(s, WHAT_SEG, "unreadable dateTime");
			continue;
		}
		if (!json_is_integer(sec) || (n = json_integer_value(sec)) <= 0 || n > MAX_LOG_SECONDS) {
			skip(s, WHAT_SEG, "seconds missing or out of range");
			continue;
		}
		if ((stage = level_stage(type, str_field(e, "level"))) < 0) {
			skip(s, WHAT_SEG, "unknown level");
			continue;
		}
		/* The bounds keep a, b within a day of the log, so no overflow. */
		int64_t b = a + n;
		if (a < lo)
			a = lo;
		if (b > hi)
			b = hi;
		if (a >= b) {
			skip(s, WHAT_SEG, "outside the sleep log");
			continue;
		}
		if ((rc = push(sv, a, b, stage)))
			return rc;
	}
	if (sv->n > 1) /* qsort with a NULL base is undefined even for 0 items */
		qsort(sv->v, sv->n, sizeof *sv->v, seg_cmp);
	cursor = INT64_MIN;
	for (i = j = 0; i < sv->n; i++) {
		struct seg g = sv->v[i];
		if (g.a < cursor)
			g.a = cursor;
		if (g.a >= g.b) {
			skip(s, WHAT_SEG, "overlaps an earlier segment");
			continue;
		}
		cursor = g.b;
		sv->v[j++] = g;
	}
	sv->n = j;
	return 0;
}

/* out = data minus the union of shortData, plus shortData, in time order.
 * Both inputs are sorted and free of overlaps, so one forward pass over
 * shortData serves all data segments. */
static int overlay(const struct segv *data, const struct segv *shrt, struct segv *out)
{
	size_t i, j = 0, k;
	int rc;
	out->n = 0;
	for (i = 0; i < data->n; i++) {
		int64_t a = data->v[i].a, b = data->v[i].b, pos = a;
		while (j < shrt->n && shrt->v[j].b <= a)
			j++;
		for (k = j; k < shrt->n && shrt->v[k].a < b; k++) {
			if (shrt->v[k].a > pos && (rc = push(out, pos, shrt->v[k].a, data->v[i].stage)))
				return rc;
			if (shrt->v[k].b > pos)
				pos = shrt->v[k].b;
		}
		if (pos < b && (rc = push(out, pos, b, data->v[i].stage)))
			return rc;
	}
	for (i = 0; i < shrt->n; i++)
		if ((rc = push(out, shrt->v[i].a, shrt->v[i].b, shrt->v[i].stage)))
			return rc;
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, seg_cmp);
	return 0;
}

static int emit(const struct mg_import_sink *s, const char *tz, const char *note, int stage, int64_t a, int64_t b,
		struct mg_error *err)
{
	struct mg_interval iv = {
		.source = SOURCE, .device = "", .kind = MG_DEV_WEARABLE, .stage = stage, .start = a, .end = b,
		.tz = tz, .note = note,
	};
	int rc;
	if ((rc = mg_tz_offset(tz, a, &iv.start_offset, err)) || (rc = mg_tz_offset(tz, b, &iv.end_offset, err)))
		return rc;
	return s->interval ? s->interval(s->ctx, &iv, err) : 0;
}

struct bufs {
	struct segv data, shrt, out;
};

static int one_log(const json_t *log, const char *tz, const struct mg_import_sink *s, struct bufs *bf,
		   const char *name, struct mg_error *err)
{
	const char *st = str_field(log, "startTime"), *type = str_field(log, "type"), *note = "";
	const json_t *levels = json_object_get(log, "levels"), *main_sleep;
	struct logclock c;
	int64_t t, start, end;
	int off, has_zone, rc;
	size_t i;

	if (!st || mg_parse_iso_time(st, strlen(st), &t, &off, &has_zone)) {
		skip(s, WHAT_LOG, "unreadable startTime");
		return 0;
	}
	if (has_zone) {
		start = t;
	} else if ((rc = mg_tz_from_local(tz, t, &start, &off, err))) {
		return rc;
	}
	c.utc0 = start;
	c.wall0 = start + (int64_t)off * 60;
	if (log_time(&c, str_field(log, "endTime"), &end)) {
		skip(s, WHAT_LOG, "unreadable endTime");
		return 0;
	}
	if (end <= start) {
		skip(s, WHAT_LOG, "end before start");
		return 0;
	}
	if (end - start > MAX_LOG_SECONDS) {
		skip(s, WHAT_LOG, "longer than 24 hours");
		return 0;
	}
	/* Takeout says mainSleep, the Web API isMainSleep. */
	main_sleep = json_object_get(log, "mainSleep");
	if (!main_sleep)
		main_sleep = json_object_get(log, "isMainSleep");
	if (json_is_false(main_sleep))
		note = "nap";

	if ((rc = emit(s, tz, note, MG_STAGE_IN_BED, start, end, err)))
		goto out;
	if ((rc = read_segments(json_object_get(levels, "data"), type, &c, start, end, s, &bf->data)) ||
	    (rc = read_segments(json_object_get(levels, "shortData"), type, &c, start, end, s, &bf->shrt)) ||
	    (rc = overlay(&bf->data, &bf->shrt, &bf->out)))
		goto out;
	for (i = 0; i < bf->out.n; i++)
		if ((rc = emit(s, tz, note, bf->out.v[i].stage, bf->out.v[i].a, bf->out.v[i].b, err)))
			goto out;
out:
	if (rc == MG_ENOMEM)
		rc = mg_fail(err, MG_ENOMEM, name, "%s: out of memory", name);
	return rc;
}

int mg_import_fitbit(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		     struct mg_error *err)
{
	const char *tz = o && o->tz ? o->tz : "";
	char *buf = NULL;
	size_t len, i, nlogs = 0;
	json_t *root = NULL, *logs, *e;
	json_error_t je;
	struct bufs bf = {{0}, {0}, {0}};
	int rc, off;

	/* A mistyped zone is an error even when the file holds no logs. */
	if ((rc = mg_tz_offset(tz, 0, &off, err)) || (rc = mg_reader_slurp(r, MG_IMPORT_JSON_MAX, &buf, &len, err)))
		goto out;
	if (!(root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je))) {
		rc = mg_import_json_fail(err, r->name, &je);
		goto out;
	}
	logs = json_is_object(root) ? json_object_get(root, "sleep") : root;
	if (!json_is_array(logs)) {
		rc = mg_fail(err, MG_EINVAL, r->name,
			     "%s: not a Fitbit sleep export (expected an array of sleep logs or {\"sleep\": [...]})",
			     r->name);
		goto out;
	}
	json_array_foreach(logs, i, e) nlogs += looks_like_log(e);
	if (json_array_size(logs) > 0 && nlogs == 0) {
		rc = mg_fail(err, MG_EINVAL, r->name, "%s: not a Fitbit sleep export (no item has startTime and endTime)",
			     r->name);
		goto out;
	}
	json_array_foreach(logs, i, e)
	{
		if (!looks_like_log(e)) {
			skip(s, WHAT_LOG, "not a sleep log");
			continue;
		}
		if ((rc = one_log(e, tz, s, &bf, r->name, err)))
			goto out;
	}
	rc = 0;
out:
	free(bf.data.v);
	free(bf.shrt.v);
	free(bf.out.v);
	json_decref(root);
	free(buf);
	return rc;
}
