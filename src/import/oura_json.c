/* Oura sleep periods as JSON: API v2 "sleep" documents ({"data": [...]}, an
 * array, or one object) and the legacy API v1 shape ({"sleep": [...]} or one
 * object). docs/import-json.md has the mapping.
 *
 * Oura writes bedtime_start/bedtime_end with their UTC offsets, so no zone is
 * needed. The 5-minute hypnogram (v2 sleep_phase_5_min, v1 hypnogram_5min)
 * gives the timeline: one digit per 5 minutes from bedtime_start. Without one
 * only the totals are known, and those become a period. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "import_internal.h"

#define WHAT_PERIOD "Oura sleep period"
#define WHAT_SEG "Oura hypnogram segment"
#define SOURCE "Oura"
#define SLOT 300 /* seconds per hypnogram digit */
#define MAX_PERIOD_SECONDS 86400

static void skip(const struct mg_import_sink *s, const char *what, const char *reason)
{
	if (s->skipped)
		s->skipped(s->ctx, what, SOURCE, reason);
}

static const char *str_field(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int looks_like_period(const json_t *e)
{
	return json_is_object(e) && json_object_get(e, "bedtime_start");
}

/* Documented mapping (Oura API v1 and v2 docs; checked against the v1 sample
 * in tests/unit/test_import_json.c): 1 deep, 2 light, 3 REM, 4 awake. */
static int digit_stage(char d)
{
	switch (d) {
	case '1': return MG_STAGE_DEEP;
	case '2': return MG_STAGE_LIGHT;
	case '3': return MG_STAGE_REM;
	case '4': return MG_STAGE_AWAKE;
	default: return -1;
	}
}

/* A duration in seconds (v2 name first, then the v1 name) as whole minutes,
 * or -1 when absent, null, not a number or beyond two days. */
static int minutes(const json_t *o, const char *v2, const char *v1)
{
	const json_t *v = json_object_get(o, v2);
	double x;
	if (!v && v1)
		v = json_object_get(o, v1);
	if (!json_is_number(v))
		return -1;
	x = json_number_value(v);
	if (!isfinite(x) || x < 0 || x > 2.0 * MAX_PERIOD_SECONDS)
		return -1;
	return (int)floor(x / 60.0 + 0.5);
}

/* v2 type: long_sleep is the day's main sleep; Oura names every other
 * detected period (sleep, late_nap, rest) a nap in its app. v1 has no type
 * but is_longest. -1 when neither says. */
static int nap_of(const json_t *o)
{
	const char *type = str_field(o, "type");
	const json_t *longest;
	if (type) {
		if (!strcmp(type, "long_sleep"))
			return 0;
		if (!strcmp(type, "sleep") || !strcmp(type, "late_nap") || !strcmp(type, "nap") || !strcmp(type, "rest"))
			return 1;
		return -1;
	}
	longest = json_object_get(o, "is_longest");
	if (json_is_integer(longest))
		return json_integer_value(longest) ? 0 : 1;
	if (json_is_boolean(longest))
		return json_is_true(longest) ? 0 : 1;
	return -1;
}

static int read_time(const json_t *o, const char *key, int64_t *utc, int *off)
{
	const char *s = str_field(o, key);
	int has_zone;
	if (!s || mg_parse_iso_time(s, strlen(s), utc, off, &has_zone))
		return -1;
	return has_zone ? 0 : -2;
}

static int one_period(const json_t *p, const struct mg_import_sink *s, struct mg_error *err)
{
	int64_t start, end;
	int so, eo, rc = 0, nap;
	const char *hyp = str_field(p, "sleep_phase_5_min"), *note;
	size_t i, n;

	if (!hyp)
		hyp = str_field(p, "hypnogram_5min");
	if ((rc = read_time(p, "bedtime_start", &start, &so)) || (rc = read_time(p, "bedtime_end", &end, &eo))) {
		skip(s, WHAT_PERIOD, rc == -2 ? "time without UTC offset" : "unreadable bedtime");
		return 0;
	}
	if (str_field(p, "type") && !strcmp(str_field(p, "type"), "deleted")) {
		skip(s, WHAT_PERIOD, "deleted in the Oura app");
		return 0;
	}
	if (end <= start) {
		skip(s, WHAT_PERIOD, "end before start");
		return 0;
	}
	if (end - start > MAX_PERIOD_SECONDS) {
		skip(s, WHAT_PERIOD, "longer than 24 hours");
		return 0;
	}
	nap = nap_of(p);
	note = nap == 1 ? "nap" : "";

	if (!hyp || !*hyp) {
		struct mg_period pd = {
			.source = SOURCE, .device = "", .kind = MG_DEV_WEARABLE, .start = start, .end = end,
			.start_offset = so, .end_offset = eo, .tz = "", .note = "", .nap = nap,
			.tst = minutes(p, "total_sleep_duration", "total"), .sol = minutes(p, "latency", "onset_latency"),
			.awake = minutes(p, "awake_time", "awake"), .light = minutes(p, "light_sleep_duration", "light"),
			.deep = minutes(p, "deep_sleep_duration", "deep"), .rem = minutes(p, "rem_sleep_duration", "rem"),
		};
		return s->period ? s->period(s->ctx, &pd, err) : 0;
	}

	struct mg_interval iv = {
		.source = SOURCE, .device = "", .kind = MG_DEV_WEARABLE, .stage = MG_STAGE_IN_BED, .start = start,
		.end = end, .start_offset = so, .end_offset = eo, .tz = "", .note = note,
	};
	if (s->interval && (rc = s->interval(s->ctx, &iv, err)))
		return rc;
	/* Runs of equal digits. Only the two ends carry an offset; a clock change
	 * inside the night cannot be placed without a zone, so inner instants
	 * carry the start's offset. */
	n = strlen(hyp);
	for (i = 0; i < n;) {
		size_t j = i;
		int64_t a = start + (int64_t)i * SLOT, b;
		int stage;
		if (a >= end) {
			skip(s, WHAT_SEG, "hypnogram longer than the bedtime");
			break;
		}
		while (j < n && hyp[j] == hyp[i])
			j++;
		/* j <= n <= MG_IMPORT_JSON_MAX: j * SLOT fits easily. */
		b = start + (int64_t)j * SLOT;
		if (b > end)
			b = end;
		if ((stage = digit_stage(hyp[i])) < 0) {
			skip(s, WHAT_SEG, "unknown hypnogram digit");
		} else if (s->interval) {
			iv.stage = stage;
			iv.start = a;
			iv.end = b;
			iv.start_offset = so;
			iv.end_offset = b == end ? eo : so;
			if ((rc = s->interval(s->ctx, &iv, err)))
				return rc;
		}
		i = j;
	}
	return 0;
}

int mg_import_oura_json(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
			struct mg_error *err)
{
	char *buf = NULL;
	size_t len, i, nper = 0;
	json_t *root = NULL, *items, *e;
	json_error_t je;
	int rc;

	(void)o; /* Oura times carry their offsets */
	if ((rc = mg_reader_slurp(r, MG_IMPORT_JSON_MAX, &buf, &len, err)))
		goto out;
	if (!(root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je))) {
		rc = mg_import_json_fail(err, r->name, &je);
		goto out;
	}
	if (json_is_array(root)) {
		items = root;
	} else if (json_is_array(json_object_get(root, "data"))) {
		items = json_object_get(root, "data"); /* v2 */
	} else if (json_is_array(json_object_get(root, "sleep"))) {
		items = json_object_get(root, "sleep"); /* v1 */
	} else if (looks_like_period(root)) {
		rc = one_period(root, s, err);
		goto out;
	} else {
		rc = mg_fail(err, MG_EINVAL, r->name, "%s: not an Oura sleep export (no data, sleep or bedtime_start)",
			     r->name);
		goto out;
	}
	json_array_foreach(items, i, e) nper += looks_like_period(e);
	if (json_array_size(items) > 0 && nper == 0) {
		/* e.g. daily_sleep or readiness documents, which have no bedtimes */
		rc = mg_fail(err, MG_EINVAL, r->name, "%s: not an Oura sleep export (no item has bedtime_start)", r->name);
		goto out;
	}
	json_array_foreach(items, i, e)
	{
		if (!looks_like_period(e)) {
			skip(s, WHAT_PERIOD, "not a sleep period");
			continue;
		}
		if ((rc = one_period(e, s, err)))
			goto out;
	}
	rc = 0;
out:
	json_decref(root);
	free(buf);
	return rc;
}
