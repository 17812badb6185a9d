/* Oura: the sleep CSV the app and the website export (docs/import-csv.md).
 *
 * Oura has renamed these columns more than once ("Bedtime Start",
 * "bedtime_start", "Bedtime start"), so headers are matched after folding case
 * and dropping spaces, underscores and hyphens, against a list of known names
 * per field. Only start and end are required.
 *
 * Durations: a cell holding ':' is h:mm or h:mm:ss. Otherwise the unit of the
 * numbers comes from the header when it says so ("(min)", "minutes", "(s)",
 * "seconds", "(h)", "hours"); failing that, from the first row that has a
 * non-zero duration: if any duration in it is larger than the row's time in
 * bed counted in minutes, the numbers must be seconds (Oura's own unit, which
 * its API uses), else minutes. A seconds value is never that small unless the
 * sleeper slept under a sixtieth of the time in bed. The unit found is kept
 * for the whole file (an export does not change unit between rows) and
 * reported through sink->info(). A duration longer than the time in bed by
 * more than a minute, negative, or unreadable is treated as absent (-1). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

#define OURA_SOURCE "Oura"
#define OURA_WHAT "Oura row"

enum { F_START, F_END, F_TST, F_AWAKE, F_LIGHT, F_DEEP, F_REM, F_SOL, F_TYPE, F_NAP, F_COUNT };
enum { U_UNKNOWN, U_SECONDS, U_MINUTES, U_HOURS };

static const char *const field_label[F_COUNT] = {
	"start", "end", "total sleep", "awake", "light", "deep", "REM", "latency", "type", "nap",
};

/* Known header names, folded (lower case, no space, '_' or '-'); a unit in
 * brackets is cut off before matching. */
static const char *const names[F_COUNT][8] = {
	[F_START] = {"bedtimestart", "start", "starttime", "sleepstart", NULL},
	[F_END] = {"bedtimeend", "end", "endtime", "sleepend", NULL},
	[F_TST] = {"totalsleepduration", "totalsleep", "totalsleeptime", "total", NULL},
	[F_AWAKE] = {"awaketime", "awake", "awakeduration", "totalawaketime", "awaketimeduration", NULL},
	[F_LIGHT] = {"lightsleepduration", "lightsleep", "light", "lightsleeptime", NULL},
	[F_DEEP] = {"deepsleepduration", "deepsleep", "deep", "deepsleeptime", NULL},
	[F_REM] = {"remsleepduration", "remsleep", "rem", "remduration", "remsleeptime", NULL},
	[F_SOL] = {"latency", "sleeplatency", "onsetlatency", "sleeponsetlatency", NULL},
	[F_TYPE] = {"type", "sleeptype", "periodtype", NULL},
	[F_NAP] = {"nap", "isnap", NULL},
};

struct oura_cols {
	long idx[F_COUNT];
	char head[F_COUNT][64]; /* header as written, for the info line */
	int hint[F_COUNT];      /* unit named in the header */
};

/* Fold a header name; *unit gets a unit named in it. */
static void fold(const char *s, char *out, size_t cap, int *unit)
{
	size_t w = 0;
	char low[256];
	size_t k = 0;
	for (const char *p = s; *p && k + 1 < sizeof low; p++)
		low[k++] = (char)tolower((unsigned char)*p);
	low[k] = '\0';
	*unit = U_UNKNOWN;
	if (strstr(low, "(s)") || strstr(low, "(sec") || strstr(low, "seconds") || strstr(low, "[s]"))
		*unit = U_SECONDS;
	else if (strstr(low, "(min") || strstr(low, "minutes") || strstr(low, "[min"))
		*unit = U_MINUTES;
	else if (strstr(low, "(h)") || strstr(low, "(hours") || strstr(low, "hours") || strstr(low, "[h]"))
		*unit = U_HOURS;
	for (const char *p = low; *p && w + 1 < cap; p++) {
		if (*p == '(' || *p == '[')
			break;
		if (*p == ' ' || *p == '_' || *p == '-' || *p == '\t')
			continue;
		out[w++] = *p;
	}
	out[w] = '\0';
}

static void map_header(struct oura_cols *c, char **f, size_t n)
{
	for (int k = 0; k < F_COUNT; k++)
		c->idx[k] = -1;
	for (size_t i = 0; i < n; i++) {
		char key[128];
		int unit;
		fold(f[i], key, sizeof key, &unit);
		for (int k = 0; k < F_COUNT; k++) {
			if (c->idx[k] >= 0)
				continue;
			for (int j = 0; names[k][j]; j++) {
				if (strcmp(key, names[k][j]) == 0) {
					c->idx[k] = (long)i;
					c->hint[k] = unit;
					snprintf(c->head[k], sizeof c->head[k], "%s", f[i]);
					break;
				}
			}
			if (c->idx[k] == (long)i)
				break;
		}
	}
}

static const char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* A duration cell: *clock = 1 for h:mm[:ss] (then *v is minutes), else *v is
 * the number as written. -1 when absent or unreadable. */
static int parse_dur(const char *s, double *v, int *clock)
{
	char *end;
	*clock = 0;
	if (!*s)
		return -1;
	if (strchr(s, ':')) {
		long h, m, sec = 0;
		const char *p = s;
		if (!isdigit((unsigned char)*p))
			return -1;
		errno = 0;
		h = strtol(p, &end, 10);
		if (errno || *end != ':' || !isdigit((unsigned char)end[1]) || h > 48)
			return -1;
		m = strtol(end + 1, &end, 10);
		if (m > 59 || (end - s) < 3)
			return -1;
		if (*end == ':') {
			if (!isdigit((unsigned char)end[1]))
				return -1;
			sec = strtol(end + 1, &end, 10);
			if (sec > 59)
				return -1;
		}
		if (*end)
			return -1;
		*clock = 1;
		*v = (double)(h * 60 + m) + (double)sec / 60.0;
		return 0;
	}
	errno = 0;
	*v = strtod(s, &end);
	if (errno || *end || !(*v >= 0) || *v > 1e9)
		return -1;
	return 0;
}

static int parse_time(const char *s, const char *zone, int64_t *t, int *off, int *zoned, struct mg_error *err)
{
	int64_t wall;
	int rc;
	if (mg_parse_iso_time(s, strlen(s), &wall, off, zoned))
		return 1;
	if (*zoned) {
		*t = wall;
		return 0;
	}
	if ((rc = mg_tz_from_local(zone, wall, t, off, err)))
		return rc;
	return 0;
}

static int nap_of(const char *type, const char *nap)
{
	char k[64];
	int unit;
	if (nap && *nap) {
		fold(nap, k, sizeof k, &unit);
		if (!strcmp(k, "true") || !strcmp(k, "yes") || !strcmp(k, "1"))
			return 1;
		if (!strcmp(k, "false") || !strcmp(k, "no") || !strcmp(k, "0"))
			return 0;
	}
	if (type && *type) {
		fold(type, k, sizeof k, &unit);
		if (!strcmp(k, "longsleep") || !strcmp(k, "main") || !strcmp(k, "mainsleep"))
			return 0;
		if (!strcmp(k, "latenap") || !strcmp(k, "nap") || !strcmp(k, "rest"))
			return 1;
	}
	return -1;
}

static const char *unit_name(int u)
{
	switch (u) {
	case U_SECONDS: return "seconds";
	case U_MINUTES: return "minutes";
	case U_HOURS: return "hours";
	default: return "unit not seen";
	}
}

static void report(const struct mg_import_sink *s, const struct oura_cols *c, int file_unit)
{
	char msg[1024];
	size_t w;
	if (!s->info)
		return;
	w = (size_t)snprintf(msg, sizeof msg, "Oura CSV:");
	for (int k = 0; k < F_COUNT && w < sizeof msg; k++) {
		if (c->idx[k] < 0)
			continue;
		w += (size_t)snprintf(msg + w, sizeof msg - w, "%s %s from '%s'", k ? "," : "", field_label[k],
				      c->head[k]);
		if (k >= F_TST && k <= F_SOL && w < sizeof msg)
			w += (size_t)snprintf(msg + w, sizeof msg - w, " (%s)",
					      unit_name(c->hint[k] ? c->hint[k] : file_unit));
	}
	s->info(s->ctx, msg);
}

int mg_import_oura_csv(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		       struct mg_error *err)
{
	struct mg_csv *c = NULL;
	struct oura_cols *cols = NULL;
	const char *zone = o && o->tz ? o->tz : "";
	int file_unit = U_UNKNOWN, have_header = 0;
	size_t n;
	char **f;
	int rc;

	if ((rc = mg_csv_open(&c, r, err)))
		goto out;
	if (!(cols = calloc(1, sizeof *cols))) {
		rc = mg_fail(err, MG_ENOMEM, r->name, "%s: out of memory", r->name);
		goto out;
	}
	if ((rc = mg_csv_next(c, &n, &f, err)) <= 0) {
		if (rc == 0)
			rc = mg_fail(err, MG_EPARSE, r->name, "%s: empty file, no Oura header", r->name);
		goto out;
	}
	map_header(cols, f, n);
	if (cols->idx[F_START] < 0 || cols->idx[F_END] < 0) {
		rc = mg_fail(err, MG_EPARSE, r->name, "%s: line %lu: no %s column (like 'Bedtime Start')", r->name,
			     mg_csv_line(c), cols->idx[F_START] < 0 ? "bedtime start" : "bedtime end");
		goto out;
	}
	have_header = 1;
	while ((rc = mg_csv_next(c, &n, &f, err)) == 1) {
		struct mg_period p = {.source = OURA_SOURCE, .device = "", .kind = MG_DEV_WEARABLE, .note = ""};
		double raw[F_COUNT];
		int clock[F_COUNT], zs, ze, empty = 1, tmp;
		int *dst[F_COUNT] = {0};
		const char *cellv[F_COUNT];
		int64_t tib_min;

		for (size_t i = 0; i < n; i++)
			if (*trim(f[i]))
				empty = 0;
		if (empty)
			continue;
		for (int k = 0; k < F_COUNT; k++)
			cellv[k] = cols->idx[k] >= 0 && (size_t)cols->idx[k] < n ? trim(f[cols->idx[k]]) : "";
		rc = parse_time(cellv[F_START], zone, &p.start, &p.start_offset, &zs, err);
		if (rc < 0)
			goto out;
		if (rc) {
			s->skipped(s->ctx, OURA_WHAT, OURA_SOURCE, "unreadable bedtime start");
			continue;
		}
		rc = parse_time(cellv[F_END], zone, &p.end, &p.end_offset, &ze, err);
		if (rc < 0)
			goto out;
		if (rc) {
			s->skipped(s->ctx, OURA_WHAT, OURA_SOURCE, "unreadable bedtime end");
			continue;
		}
		if (p.end <= p.start) {
			s->skipped(s->ctx, OURA_WHAT, OURA_SOURCE, "end before start");
			continue;
		}
		if (p.end - p.start > 48 * 3600) {
			s->skipped(s->ctx, OURA_WHAT, OURA_SOURCE, "longer than 48 hours");
			continue;
		}
		{
			char k[64];
			fold(cellv[F_TYPE], k, sizeof k, &tmp);
			if (!strcmp(k, "deleted")) {
				s->skipped(s->ctx, OURA_WHAT, OURA_SOURCE, "deleted in the Oura app");
				continue;
			}
		}
		p.tz = zs && ze ? "" : zone;
		p.nap = nap_of(cellv[F_TYPE], cellv[F_NAP]);
		dst[F_TST] = &p.tst;
		dst[F_AWAKE] = &p.awake;
		dst[F_LIGHT] = &p.light;
		dst[F_DEEP] = &p.deep;
		dst[F_REM] = &p.rem;
		dst[F_SOL] = &p.sol;
		tib_min = (p.end - p.start) / 60;
		/* Read the numbers, then settle the file's unit if not yet known. */
		for (int k = F_TST; k <= F_SOL; k++) {
			*dst[k] = -1;
			if (parse_dur(cellv[k], &raw[k], &clock[k]))
				raw[k] = -1;
		}
		if (file_unit == U_UNKNOWN) {
			int any = 0, big = 0;
			for (int k = F_TST; k <= F_SOL; k++) {
				if (raw[k] <= 0 || clock[k] || cols->hint[k])
					continue;
				any = 1;
				if (raw[k] > (double)tib_min + 1)
					big = 1;
			}
			if (any)
				file_unit = big ? U_SECONDS : U_MINUTES;
		}
		for (int k = F_TST; k <= F_SOL; k++) {
			int u = cols->hint[k] ? cols->hint[k] : file_unit;
			double m;
			if (raw[k] < 0)
				continue;
			if (clock[k])
				m = raw[k];
			else if (u == U_SECONDS)
				m = raw[k] / 60.0;
			else if (u == U_HOURS)
				m = raw[k] * 60.0;
			else
				m = raw[k]; /* minutes, or a zero whose unit does not matter */
			if (m > (double)tib_min + 1.0)
				continue; /* more than the time in bed: not trusted */
			*dst[k] = (int)(m + 0.5);
		}
		if ((rc = s->period(s->ctx, &p, err)))
			goto out;
		{
			struct mg_interval iv = {
				.source = OURA_SOURCE, .device = "", .kind = MG_DEV_WEARABLE, .stage = MG_STAGE_IN_BED,
				.start = p.start, .end = p.end, .start_offset = p.start_offset,
				.end_offset = p.end_offset, .tz = p.tz, .note = "",
			};
			if ((rc = s->interval(s->ctx, &iv, err)))
				goto out;
		}
	}
out:
	if (have_header && rc >= 0)
		report(s, cols, file_unit);
	free(cols);
	mg_csv_close(c);
	return rc < 0 ? rc : 0;
}
