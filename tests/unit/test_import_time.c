/* Time stamps and zones for the importers (src/import/time.c). Expected
 * instants were computed independently with GNU date, e.g.
 *   TZ=UTC date -d '2024-10-25 07:04:44 -0500' +%s   -> 1729857884 */
#include <stdlib.h>
#include <string.h>

#include "../../src/import/import_internal.h"
#include "../tap.h"

static int64_t apple(const char *s, int *off)
{
	int64_t t = 0;
	return mg_parse_apple_time(s, strlen(s), &t, off) ? -1 : t;
}

int main(void)
{
	int off = 0, hz = 0;
	int64_t t = 0;
	struct mg_error err = {0};

	ok(apple("2024-10-25 07:04:44 -0500", &off) == 1729857884 && off == -300,
	   "Apple time with -0500: 1729857884, offset -300");
	ok(apple("2026-03-29 00:30:00 +0000", &off) == 1774744200 && off == 0, "Apple time +0000");
	ok(apple("2026-03-29 00:30:00", &off) == -1, "Apple time without zone is refused");
	ok(apple("2026-02-30 00:30:00 +0000", &off) == -1, "impossible date refused");
	ok(apple("2026-03-29 24:30:00 +0000", &off) == -1, "hour 24 refused");

	ok(!mg_parse_iso_time("2026-07-08T22:52:30.000+02:00", 29, &t, &off, &hz) && t == 1783543950 && off == 120 && hz,
	   "ISO with +02:00 and milliseconds: 1783543950");
	ok(!mg_parse_iso_time("2026-07-08T22:52:30.000", 23, &t, &off, &hz) && !hz, "ISO without zone: zoneless");
	ok(!mg_parse_iso_time("2026-03-29T00:30:00Z", 20, &t, &off, &hz) && t == 1774744200 && hz, "ISO with Z");
	ok(mg_parse_iso_time("2026-03-29T00:30:00+2", 21, &t, &off, &hz) != 0, "malformed zone refused");

	/* Europe/London: 2026-03-29 01:00 GMT -> 02:00 BST. */
	ok(!mg_tz_offset("Europe/London", 1774744200, &off, &err) && off == 0, "London 00:30Z on 29 March: GMT (+0)");
	ok(!mg_tz_offset("Europe/London", 1774744200 + 3600, &off, &err) && off == 60, "London 01:30Z: BST (+60)");
	/* Fitbit's zoneless local time: America/New_York 2026-07-08 22:52:30 EDT. */
	ok(!mg_tz_from_local("America/New_York", mg_utc_from_civil(2026, 7, 8, 22, 52, 30), &t, &off, &err) &&
		   t == 1783565550 && off == -240,
	   "New York local 22:52:30 in July -> 1783565550 (EDT, -240)");
	/* 2026-10-25 01:30 happens twice in London; the first (BST) is taken. */
	ok(!mg_tz_from_local("Europe/London", mg_utc_from_civil(2026, 10, 25, 1, 30, 0), &t, &off, &err) &&
		   t == 1792888200 && off == 60,
	   "repeated hour: the first occurrence (BST)");
	/* 2026-03-08 02:30 does not exist in New York; read with the offset before
	 * (EST, -300): 07:30Z = 1772955000. */
	ok(!mg_tz_from_local("America/New_York", mg_utc_from_civil(2026, 3, 8, 2, 30, 0), &t, &off, &err) &&
		   t == 1772951400 + 3600,
	   "skipped hour read with the offset before the change");
	ok(mg_tz_offset("Mars/Olympus_Mons", 0, &off, &err) == MG_EINVAL && strstr(err.msg, "not known"),
	   "unknown zone is an error, not UTC");
	ok(mg_tz_offset("../etc/passwd", 0, &off, &err) == MG_EINVAL, "path-like zone refused");
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
