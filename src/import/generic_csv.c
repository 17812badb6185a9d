/* Any CSV with one sleep interval per row, described by --map
 * "start=COL,end=COL[,stage=COL][,source=COL]" (docs/import-csv.md).
 *
 * COL is a header name, matched exactly first and then ignoring case. Time
 * cells are ISO 8601 with or without a zone (zoneless ones are read in
 * o->tz), or epoch numbers: below 10^11 they are seconds (10^11 s is the year
 * 5138), from 10^11 on milliseconds (10^11 ms is March 1973), so every date
 * from 1973 to 5138 reads right either way. Without a map, a PleesTracker
 * export (header sid,start,stop,rating) is recognised and read as such. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"

#define EPOCH_MS_FROM 100000000000LL /* 1e11 */

enum { K_START, K_END, K_STAGE, K_SOURCE, K_COUNT };
static const char *const key_names[K_COUNT] = {"start", "end", "stage", "source"};

struct gmap {
	char col[K_COUNT][256];
	int given[K_COUNT];
	long idx[K_COUNT];
};

static void trim_span(const char **a, const char **b)
{
	while (*a < *b && isspace((unsigned char)**a))
		(*a)++;
	while (*b > *a && isspace((unsigned char)(*b)[-1]))
		(*b)--;
}

static int parse_map(const char *map, struct gmap *m, struct mg_error *err)
{
	const char *p = map;
	memset(m, 0, sizeof *m);
	for (int k = 0; k < K_COUNT; k++)
		m->idx[k] = -1;
	while (*p) {
		const char *e = strchr(p, ','), *eq, *ka, *kb, *va, *vb;
		int k;
		if (!e)
			e = p + strlen(p);
		eq = memchr(p, '=', (size_t)(e - p));
		if (!eq)
			return mg_fail(err, MG_EINVAL, "map", "--map: '%.*s' is not KEY=COLUMN", (int)((e - p) > 60 ? 60 : e - p), p);
		ka = p;
		kb = eq;
		va = eq + 1;
		vb = e;
		trim_span(&ka, &kb);
		trim_span(&va, &vb);
		for (k = 0; k < K_COUNT; k++)
			if (strlen(key_names[k]) == (size_t)(kb - ka) && strncasecmp(key_names[k], ka, (size_t)(kb - ka)) == 0)
				break;
		if (k == K_COUNT)
			return mg_fail(err, MG_EINVAL, "map", "--map: unknown key '%.*s' (use start, end, stage, source)",
				       (int)((kb - ka) > 40 ? 40 : kb - ka), ka);
		if (m->given[k])
			return mg_fail(err, MG_EINVAL, "map", "--map: key '%s' given twice", key_names[k]);
		if (va == vb || (size_t)(vb - va) >= sizeof m->col[k])
			return mg_fail(err, MG_EINVAL, "map", "--map: key '%s' needs a column name", key_names[k]);
		memcpy(m->col[k], va, (size_t)(vb - va));
		m->col[k][vb - va] = '\0';
		m->given[k] = 1;
		p = *e ? e + 1 : e;
	}
	if (!m->given[K_START] || !m->given[K_END])
		return mg_fail(err, MG_EINVAL, "map", "--map: key '%s' is required (start=COLUMN,end=COLUMN)",
			       m->given[K_START] ? "end" : "start");
	return 0;
}

static int bind_columns(struct gmap *m, char **f, size_t n, const char *name, struct mg_error *err)
{
	for (int k = 0; k < K_COUNT; k++) {
		if (!m->given[k])
			continue;
		for (size_t i = 0; i < n && m->idx[k] < 0; i++)
			if (strcmp(f[i], m->col[k]) == 0)
				m->idx[k] = (long)i;
		for (size_t i = 0; i < n && m->idx[k] < 0; i++)
			if (strcasecmp(f[i], m->col[k]) == 0)
				m->idx[k] = (long)i;
		if (m->idx[k] < 0)
			return mg_fail(err, MG_EINVAL, "map", "%s: --map %s: no column '%.60s' in the header", name,
				       key_names[k], m->col[k]);
	}
	return 0;
}

/* An epoch number (digits, optionally a fraction, which is dropped). */
static int parse_epoch(const char *s, int64_t *t)
{
	long long v = 0;
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		if (v > 999999999999999LL) /* beyond any date we read */
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p)
		return -1;
	if (v >= EPOCH_MS_FROM)
		v /= 1000;
	if (v > 253402300799LL) /* after 9999-12-31 */
		return -1;
	*t = v;
	return 0;
}

/* 0 read, 1 unreadable (the row is skipped), <0 an error of the options. */
static int parse_cell_time(const char *cellv, const char *zone, int64_t *t, int *off, int *named,
			   struct mg_error *err)
{
	char buf[64];
	const char *a = cellv, *b = cellv + strlen(cellv);
	int64_t wall;
	int zoned, rc;
	trim_span(&a, &b);
	if (b - a <= 0 || (size_t)(b - a) >= sizeof buf)
		return 1;
	memcpy(buf, a, (size_t)(b - a));
	buf[b - a] = '\0';
	*named = 0;
	if (!parse_epoch(buf, t)) {
		if ((rc = mg_tz_offset(zone, *t, off, err)))
			return rc;
		*named = 1;
		return 0;
	}
	if (mg_parse_iso_time(buf, strlen(buf), &wall, off, &zoned))
		return 1;
	if (zoned) {
		*t = wall;
		return 0;
	}
	if ((rc = mg_tz_from_local(zone, wall, t, off, err)))
		return rc;
	*named = 1;
	return 0;
}

static int stage_of(const char *v)
{
	static const struct {
		const char *name;
		int stage;
	} map[] = {
		{"inbed", MG_STAGE_IN_BED},
		{"asleep", MG_STAGE_ASLEEP_UNSPECIFIED},
		{"sleep", MG_STAGE_ASLEEP_UNSPECIFIED},
		{"asleepunspecified", MG_STAGE_ASLEEP_UNSPECIFIED},
		{"awake", MG_STAGE_AWAKE},
		{"wake", MG_STAGE_AWAKE},
		{"light", MG_STAGE_LIGHT},
		{"core", MG_STAGE_LIGHT},
		{"deep", MG_STAGE_DEEP},
		{"rem", MG_STAGE_REM},
	};
	char k[32];
	size_t w = 0;
	for (const char *p = v; *p; p++) {
		if (*p == ' ' || *p == '_' || *p == '-' || *p == '\t')
			continue;
		if (w + 1 >= sizeof k)
			return -1;
		k[w++] = (char)tolower((unsigned char)*p);
	}
	k[w] = '\0';
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(k, map[i].name) == 0)
			return map[i].stage;
	return -1;
}

static int is_plees_header(char **f, size_t n)
{
	static const char *const h[] = {"sid", "start", "stop", "rating"};
	if (n != 4)
		return 0;
	for (int i = 0; i < 4; i++)
		if (strcasecmp(f[i], h[i]) != 0)
			return 0;
	return 1;
}

int mg_import_csv(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		  struct mg_error *err)
{
	struct mg_csv *c = NULL;
	struct gmap *m = NULL;
	const char *zone = o && o->tz ? o->tz : "";
	const char *dflt_source = o && o->source && *o->source ? o->source : "csv";
	int plees = 0;
	size_t n;
	char **f;
	int rc;

	if (!(m = calloc(1, sizeof *m))) {
		rc = mg_fail(err, MG_ENOMEM, r->name, "%s: out of memory", r->name);
		goto out;
	}
	for (int k = 0; k < K_COUNT; k++)
		m->idx[k] = -1;
	/* Check the map before reading, so a typo fails fast on any file. */
	if (o && o->map && (rc = parse_map(o->map, m, err)))
		goto out;
	if ((rc = mg_csv_open(&c, r, err)))
		goto out;
	if ((rc = mg_csv_next(c, &n, &f, err)) <= 0) {
		if (rc == 0)
			rc = mg_fail(err, MG_EPARSE, r->name, "%s: empty file, no header row", r->name);
		goto out;
	}
	if (o && o->map) {
		if ((rc = bind_columns(m, f, n, r->name, err)))
			goto out;
	} else if (is_plees_header(f, n)) {
		plees = 1;
		m->idx[K_START] = 1;
		m->idx[K_END] = 2;
	} else {
		rc = mg_fail(err, MG_EINVAL, "map", "%s: a CSV of no known layout: give --map start=COLUMN,end=COLUMN",
			     r->name);
		goto out;
	}
	while ((rc = mg_csv_next(c, &n, &f, err)) == 1) {
		struct mg_interval iv = {.device = "", .note = "", .tz = ""};
		const char *src = plees ? "Plees Tracker" : dflt_source;
		char note[32];
		int named_s, named_e, blank = 1;

		for (size_t i = 0; i < n; i++)
			if (f[i][0])
				blank = 0;
		if (blank)
			continue;
		if (m->idx[K_SOURCE] >= 0 && (size_t)m->idx[K_SOURCE] < n && f[m->idx[K_SOURCE]][0])
			src = f[m->idx[K_SOURCE]];
		iv.source = src;
		iv.kind = plees ? MG_DEV_APP : MG_DEV_OTHER;
		iv.stage = MG_STAGE_ASLEEP_UNSPECIFIED;
		if ((size_t)m->idx[K_START] >= n || (size_t)m->idx[K_END] >= n) {
			s->skipped(s->ctx, "CSV row", src, "too few columns");
			continue;
		}
		rc = parse_cell_time(f[m->idx[K_START]], zone, &iv.start, &iv.start_offset, &named_s, err);
		if (rc < 0)
			goto out;
		if (rc) {
			s->skipped(s->ctx, "CSV row", src, "unreadable start");
			continue;
		}
		rc = parse_cell_time(f[m->idx[K_END]], zone, &iv.end, &iv.end_offset, &named_e, err);
		if (rc < 0)
			goto out;
		if (rc) {
			s->skipped(s->ctx, "CSV row", src, "unreadable end");
			continue;
		}
		if (iv.end <= iv.start) {
			s->skipped(s->ctx, "CSV row", src, "end before start");
			continue;
		}
		/* The zone was used (given or the system's) unless both times carried offsets. */
		if ((named_s || named_e) && *zone)
			iv.tz = zone;
		if (m->idx[K_STAGE] >= 0) {
			const char *v = (size_t)m->idx[K_STAGE] < n ? f[m->idx[K_STAGE]] : "";
			if ((iv.stage = stage_of(v)) < 0) {
				s->skipped(s->ctx, "CSV row", src, "unknown stage");
				continue;
			}
		}
		if (plees && n > 3) { /* a short row simply has no rating */
			long rating;
			char *end;
			errno = 0;
			rating = strtol(f[3], &end, 10);
			if (!errno && *f[3] && !*end && rating >= 0 && rating <= 5) {
				snprintf(note, sizeof note, "rating %ld/5", rating);
				iv.note = note;
			}
		}
		if ((rc = s->interval(s->ctx, &iv, err)))
			goto out;
	}
out:
	free(m);
	mg_csv_close(c);
	return rc < 0 ? rc : 0;
}
