/* Time stamps and zones for the importers.
 *
 * Exports carry time three ways: an instant with its UTC offset (Apple, Oura),
 * epoch milliseconds with an IANA zone (Sleep as Android), or a zoneless local
 * wall time (Fitbit). Offsets are parsed here without the C library; zones
 * are looked up in the system's tz database through localtime_r with TZ set,
 * because that is the only complete reader of tzdata we have (glibc keeps the
 * parsed zone, so switching only when the zone changes keeps it cheap). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mgsleep/night.h>

#include "import_internal.h"

int64_t mg_utc_from_civil(int y, int mo, int d, int h, int mi, int s)
{
	return (int64_t)mg_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}


static int digits(const char *s, size_t n, int *v)
{
	int x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

/* "YYYY-MM-DD" then sep then "HH:MM" [":SS" [".fff..."]]; returns bytes used or -1. */
static int civil_prefix(const char *s, size_t n, int need_seconds, int *y, int *mo, int *d, int *h, int *mi,
			int *sec)
{
	size_t i;
	if (n < 16 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':')
		return -1;
	if (digits(s, 4, y) || digits(s + 5, 2, mo) || digits(s + 8, 2, d) || digits(s + 11, 2, h) ||
	    digits(s + 14, 2, mi))
		return -1;
	*sec = 0;
	i = 16;
	if (i < n && s[i] == ':') {
		if (n < 19 || digits(s + 17, 2, sec))
			return -1;
		i = 19;
		if (i < n && s[i] == '.') {
			i++;
			if (i >= n || !isdigit((unsigned char)s[i]))
				return -1;
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
		}
	} else if (need_seconds) {
		return -1;
	}
	if (*y < 1900 || *y > 9999 || *mo < 1 || *mo > 12 || *d < 1 || *d > mg_days_in_month(*y, *mo) || *h > 23 ||
	    *mi > 59 || *sec > 60)
		return -1;
	if (*sec == 60) /* a leap second reads as the next minute's start */
		*sec = 59;
	return (int)i;
}

/* "Z", "+HH:MM", "+HHMM" or "+HH"; the whole rest of the string. */
static int zone_suffix(const char *s, size_t n, int *offset_min)
{
	int hh, mm = 0;
	if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*offset_min = 0;
		return 0;
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-') || digits(s + 1, 2, &hh))
		return -1;
	if (n == 6 && s[3] == ':') {
		if (digits(s + 4, 2, &mm))
			return -1;
	} else if (n == 5) {
		if (digits(s + 3, 2, &mm))
			return -1;
	} else if (n != 3) {
		return -1;
	}
	if (hh > 18 || mm > 59)
		return -1;
	*offset_min = (s[0] == '-' ? -1 : 1) * (hh * 60 + mm);
	return 0;
}

int mg_parse_apple_time(const char *s, size_t n, int64_t *utc, int *offset_min)
{
	int y, mo, d, h, mi, sec, off;
	int i = civil_prefix(s, n, 1, &y, &mo, &d, &h, &mi, &sec);
	if (i < 0 || (size_t)i >= n || s[i] != ' ' || zone_suffix(s + i + 1, n - (size_t)i - 1, &off))
		return MG_EPARSE;
	*offset_min = off;
	*utc = mg_utc_from_civil(y, mo, d, h, mi, sec) - (int64_t)off * 60;
	return 0;
}

int mg_parse_iso_time(const char *s, size_t n, int64_t *utc, int *offset_min, int *has_zone)
{
	int y, mo, d, h, mi, sec, off = 0;
	int i = civil_prefix(s, n, 0, &y, &mo, &d, &h, &mi, &sec);
	if (i < 0)
		return MG_EPARSE;
	*has_zone = (size_t)i < n;
	if (*has_zone && zone_suffix(s + i, n - (size_t)i, &off))
		return MG_EPARSE;
	*offset_min = off;
	*utc = mg_utc_from_civil(y, mo, d, h, mi, sec) - (int64_t)off * 60;
	return 0;
}

/* The zone currently loaded into the C library, so that a run of records in
 * one zone costs one tzset; and the user's own TZ as the process started,
 * which is what "the system's zone" means when no zone is named. */
static char tz_loaded[128];
static int tz_is_loaded;
static char tz_user[256];
static int tz_user_set, tz_user_saved;

static int use_zone(const char *zone, struct mg_error *err)
{
	const char *z = zone && *zone ? zone : "";
	if (!tz_user_saved) {
		const char *u = getenv("TZ");
		tz_user_set = u != NULL && strlen(u) < sizeof tz_user;
		if (tz_user_set)
			snprintf(tz_user, sizeof tz_user, "%s", u);
		tz_user_saved = 1;
	}
	if (tz_is_loaded && strcmp(tz_loaded, z) == 0)
		return 0;
	if (strlen(z) >= sizeof tz_loaded || strstr(z, "..") || z[0] == '/')
		return mg_fail(err, MG_EINVAL, "tz", "time zone '%.60s' is not a zone name like Europe/London", z);
	if (*z) {
		/* glibc silently falls back to UTC for an unknown zone: check the
		 * file exists first so a typo is an error, not a shifted night. */
		const char *dir = getenv("TZDIR");
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", z);
		FILE *f = fopen(path, "rb");
		char magic[4] = {0};
		int okf = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
		if (f)
			fclose(f);
		if (!okf && strcmp(z, "UTC") != 0)
			return mg_fail(err, MG_EINVAL, "tz", "time zone '%.60s' is not known to this system", z);
		if (setenv("TZ", z, 1))
			return mg_fail(err, MG_ENOMEM, "tz", "cannot set the time zone");
	} else if (tz_user_set) {
		if (setenv("TZ", tz_user, 1))
			return mg_fail(err, MG_ENOMEM, "tz", "cannot set the time zone");
	} else {
		unsetenv("TZ");
	}
	tzset();
	snprintf(tz_loaded, sizeof tz_loaded, "%s", z);
	tz_is_loaded = 1;
	return 0;
}

int mg_tz_offset(const char *zone, int64_t utc, int *offset_min, struct mg_error *err)
{
	struct tm tm;
	time_t t = (time_t)utc;
	int r = use_zone(zone, err);
	if (r)
		return r;
	if (!localtime_r(&t, &tm))
		return mg_fail(err, MG_EINVAL, "time", "time out of range");
	/* tm_gmtoff is not POSIX: the offset is local wall time minus UTC. */
	*offset_min = (int)((mg_utc_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
					       tm.tm_sec) - utc) / 60);
	return 0;
}

int mg_tz_from_local(const char *zone, int64_t wall, int64_t *utc, int *offset_min, struct mg_error *err)
{
	/* Try the offsets in force a day either side: the right instant is one
	 * whose local reading equals wall. Earliest match wins (first occurrence
	 * of a repeated hour); none means the hour was skipped. */
	int offs[2], r, found = 0;
	int64_t best = 0;
	int best_off = 0;
	if ((r = mg_tz_offset(zone, wall - 86400, &offs[0], err)) || (r = mg_tz_offset(zone, wall + 86400, &offs[1], err)))
		return r;
	for (int k = 0; k < 2; k++) {
		int64_t cand = wall - (int64_t)offs[k] * 60;
		int o;
		if ((r = mg_tz_offset(zone, cand, &o, err)))
			return r;
		if (o == offs[k] && (!found || cand < best)) {
			best = cand;
			best_off = o;
			found = 1;
		}
	}
	if (!found) { /* skipped wall time: read it with the offset before the change */
		best = wall - (int64_t)offs[0] * 60;
		if ((r = mg_tz_offset(zone, best, &best_off, err)))
			return r;
	}
	*utc = best;
	*offset_min = best_off;
	return 0;
}

int mg_tz_check(const char *zone, struct mg_error *err)
{
	int off;
	return mg_tz_offset(zone, 0, &off, err);
}
