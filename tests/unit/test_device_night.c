/* Nights from device intervals (src/core/device_night.c; rules in
 * docs/import.md). Every expected value is worked out by hand in the
 * comment beside it. Times are built from civil UTC with a fixed offset. */
#include <mgsleep/device_night.h>
#include <mgsleep/night.h>

#include <stdlib.h>

#include "../tap.h"

#define MAXN 16
static struct mg_device_night got[MAXN];
static int ngot;

static int collect(void *ctx, const struct mg_device_night *dn)
{
	(void)ctx;
	if (ngot < MAXN)
		got[ngot] = *dn;
	ngot++;
	return 0;
}

/* UTC seconds of a local wall time at offset minutes east of UTC. */
static int64_t at(int y, int mo, int d, int h, int mi, int offset)
{
	return ((int64_t)mg_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60) - (int64_t)offset * 60;
}

static struct mg_dn_in iv(int stage, int64_t s, int64_t e, int off)
{
	struct mg_dn_in x = {stage, s, e, off};
	return x;
}

static void run(struct mg_dn_in *v, size_t n)
{
	ngot = 0;
	mg_device_nights(v, n, collect, NULL);
}

int main(void)
{
	const int CET = 60;
	/* 1. A watch night with stages and an in-bed record from the phone's
	 * source merged into one source here (the store derives per source):
	 * in bed 22:30-06:45, light 23:00-01:00, deep 01:00-02:00, awake
	 * 02:00-02:20, rem 02:20-03:00, light 03:00-06:30 (local, +01:00).
	 * TIB = 22:30..06:45 = 8h15 = 495 min.
	 * TST = 120 + 60 + 40 + 210 = 430 min (awake 20 min not counted).
	 * SOL = 23:00 - 22:30 = 30 min (in bed before first sleep).
	 * WASO = (06:30 - 23:00 = 450) - 430 = 20 min; one awakening.
	 * Night = the morning date 2026-03-10. */
	struct mg_dn_in a[] = {
		iv(MG_STAGE_LIGHT, at(2026, 3, 10, 3, 0, CET), at(2026, 3, 10, 6, 30, CET), CET),
		iv(MG_STAGE_IN_BED, at(2026, 3, 9, 22, 30, CET), at(2026, 3, 10, 6, 45, CET), CET),
		iv(MG_STAGE_LIGHT, at(2026, 3, 9, 23, 0, CET), at(2026, 3, 10, 1, 0, CET), CET),
		iv(MG_STAGE_DEEP, at(2026, 3, 10, 1, 0, CET), at(2026, 3, 10, 2, 0, CET), CET),
		iv(MG_STAGE_AWAKE, at(2026, 3, 10, 2, 0, CET), at(2026, 3, 10, 2, 20, CET), CET),
		iv(MG_STAGE_REM, at(2026, 3, 10, 2, 20, CET), at(2026, 3, 10, 3, 0, CET), CET),
	};
	run(a, sizeof a / sizeof *a);
	ok(ngot == 1, "staged night: one episode (got %d)", ngot);
	is_str(got[0].date, "2026-03-10", "night is the morning date");
	ok(got[0].main == 1, "it is the main sleep");
	is_num(got[0].tib, 495, 0, "TIB 22:30-06:45 = 495 min");
	is_num(got[0].tst, 430, 0, "TST = 120+60+40+210 = 430 min");
	is_num(got[0].sol, 30, 0, "SOL = 23:00-22:30 = 30 min");
	is_num(got[0].waso, 20, 0, "WASO = 450-430 = 20 min");
	is_num(got[0].awakenings, 1, 0, "one awakening");
	is_num(got[0].stage_min[MG_STAGE_LIGHT], 330, 0, "light 120+210 = 330 min");
	is_num(got[0].stage_min[MG_STAGE_DEEP], 60, 0, "deep 60 min");
	is_num(got[0].stage_min[MG_STAGE_REM], 40, 0, "REM 40 min");
	is_num(got[0].stage_min[MG_STAGE_AWAKE], 20, 0, "awake 20 min");

	/* 2. Overlaps are never added: a legacy Asleep 23:00-07:00 and an
	 * AsleepCore 01:00-03:00 inside it, plus a duplicate of the first.
	 * TST is the union: 8 h = 480 min, not 480+120+480. No InBed or Awake
	 * before sleep, so SOL is unknown (-1). */
	struct mg_dn_in b[] = {
		iv(MG_STAGE_ASLEEP, at(2026, 3, 9, 23, 0, CET), at(2026, 3, 10, 7, 0, CET), CET),
		iv(MG_STAGE_LIGHT, at(2026, 3, 10, 1, 0, CET), at(2026, 3, 10, 3, 0, CET), CET),
		iv(MG_STAGE_ASLEEP, at(2026, 3, 9, 23, 0, CET), at(2026, 3, 10, 7, 0, CET), CET),
	};
	run(b, 3);
	ok(ngot == 1, "overlapping records: one episode");
	is_num(got[0].tst, 480, 0, "TST is the union, 480 min, not the sum 1080");
	is_num(got[0].sol, -1, 0, "SOL unknown without InBed or Awake before sleep");
	is_num(got[0].waso, 0, 0, "no WASO inside one continuous sleep");

	/* 3. A nap: main night 23:00-07:00 on 2026-03-10 and a nap 14:00-14:40
	 * the same day (gap 7 h > 60 min). Both end on 2026-03-10: the longer
	 * is the main sleep, the nap is not. */
	struct mg_dn_in c[] = {
		iv(MG_STAGE_ASLEEP_UNSPECIFIED, at(2026, 3, 10, 14, 0, CET), at(2026, 3, 10, 14, 40, CET), CET),
		iv(MG_STAGE_ASLEEP_UNSPECIFIED, at(2026, 3, 9, 23, 0, CET), at(2026, 3, 10, 7, 0, CET), CET),
	};
	run(c, 2);
	ok(ngot == 2, "night and nap: two episodes");
	ok(got[0].main == 1 && got[0].tst == 480, "the 480-min night is the main sleep");
	ok(got[1].main == 0 && got[1].tst == 40 && !strcmp(got[1].date, "2026-03-10"), "the 40-min nap is a nap");

	/* 4. A gap of exactly 60 min joins; 61 min splits. Sleep 23:00-01:00,
	 * then 02:00-06:00: gap 60 min -> one episode, TST 360, WASO 60, one
	 * awakening. */
	struct mg_dn_in d[] = {
		iv(MG_STAGE_ASLEEP, at(2026, 3, 9, 23, 0, CET), at(2026, 3, 10, 1, 0, CET), CET),
		iv(MG_STAGE_ASLEEP, at(2026, 3, 10, 2, 0, CET), at(2026, 3, 10, 6, 0, CET), CET),
	};
	run(d, 2);
	ok(ngot == 1 && got[0].tst == 360 && got[0].waso == 60 && got[0].awakenings == 1,
	   "60-min gap: one episode, TST 360, WASO 60, 1 awakening");
	d[1].start += 60; /* 61-min gap */
	run(d, 2);
	ok(ngot == 2, "61-min gap: two episodes");

	/* 5. Travel: sleep 23:00-07:00 at -05:00 (New York) then fly; next
	 * night 23:00-07:00 at +01:00. Dates come from each record's own
	 * offset: 2026-06-02 and 2026-06-03 (not the machine's zone). */
	struct mg_dn_in e[] = {
		iv(MG_STAGE_ASLEEP, at(2026, 6, 1, 23, 0, -300), at(2026, 6, 2, 7, 0, -300), -300),
		iv(MG_STAGE_ASLEEP, at(2026, 6, 2, 23, 0, 60), at(2026, 6, 3, 7, 0, 60), 60),
	};
	run(e, 2);
	ok(ngot == 2 && !strcmp(got[0].date, "2026-06-02") && !strcmp(got[1].date, "2026-06-03"),
	   "travel: each night dated by its own offset (2026-06-02, 2026-06-03)");
	/* In UTC the first ends 12:00Z on 06-02, the second 06:00Z on 06-03. */

	/* 6. DST: Europe/London 2026-03-29, clocks go 01:00 GMT -> 02:00 BST.
	 * Bed 23:00 GMT (23:00Z), awake 07:00 BST (06:00Z): 7 h real = 420 min,
	 * not the 8 h the wall clock suggests. Date 2026-03-29. */
	struct mg_dn_in f[] = {
		iv(MG_STAGE_IN_BED, at(2026, 3, 28, 23, 0, 0), at(2026, 3, 29, 7, 0, 60), 60),
		iv(MG_STAGE_ASLEEP, at(2026, 3, 28, 23, 15, 0), at(2026, 3, 29, 7, 0, 60), 60),
	};
	run(f, 2);
	ok(ngot == 1 && got[0].tib == 420 && got[0].tst == 405 && got[0].sol == 15 && !strcmp(got[0].date, "2026-03-29"),
	   "DST night: TIB 420 real minutes, TST 405, SOL 15, dated 2026-03-29");

	/* 7. A break shorter than a minute is not an awakening: 23:00-02:00
	 * and 02:00:30-06:00 -> TST 179.5+... = 3 h + 3 h 59.5 min = 419.5,
	 * rounds to 420 (half up); awakenings 0. */
	struct mg_dn_in g[] = {
		iv(MG_STAGE_ASLEEP, at(2026, 3, 9, 23, 0, 0), at(2026, 3, 10, 2, 0, 0), 0),
		iv(MG_STAGE_ASLEEP, at(2026, 3, 10, 2, 0, 0) + 30, at(2026, 3, 10, 6, 0, 0), 0),
	};
	run(g, 2);
	ok(ngot == 1 && got[0].tst == 420 && got[0].awakenings == 0, "30-s break: TST 420 (419.5 rounded), 0 awakenings");

	/* 8. An episode with InBed only (a phone's bedtime schedule): TIB, no
	 * sleep. */
	struct mg_dn_in h[] = {iv(MG_STAGE_IN_BED, at(2026, 3, 9, 22, 0, 0), at(2026, 3, 10, 6, 0, 0), 0)};
	run(h, 1);
	ok(ngot == 1 && got[0].tib == 480 && got[0].tst == 0 && got[0].sol == -1, "InBed only: TIB 480, TST 0, SOL unknown");

	/* 9. Legacy Asleep and AsleepUnspecified over the same 7 h: stage
	 * unknown minutes are their union, 420, not 840. */
	struct mg_dn_in u[] = {
		iv(MG_STAGE_ASLEEP, at(2026, 3, 9, 23, 0, 0), at(2026, 3, 10, 6, 0, 0), 0),
		iv(MG_STAGE_ASLEEP_UNSPECIFIED, at(2026, 3, 9, 23, 0, 0), at(2026, 3, 10, 6, 0, 0), 0),
	};
	run(u, 2);
	ok(ngot == 1 && got[0].tst == 420 && got[0].unspecified == 420, "Asleep + AsleepUnspecified: 420 min once");

	/* 10. A 2-minute recording (an app started and stopped) is kept as a
	 * short episode but is not a night: under MG_DN_MAIN_MIN (30 min). */
	struct mg_dn_in t[] = {iv(MG_STAGE_ASLEEP_UNSPECIFIED, at(2026, 3, 10, 7, 0, 0), at(2026, 3, 10, 7, 2, 0), 0)};
	run(t, 1);
	ok(ngot == 1 && got[0].tst == 2 && got[0].main == 0, "2 min of sleep: an episode, not the night's main sleep");
	t[0].end = at(2026, 3, 10, 7, 30, 0);
	run(t, 1);
	ok(ngot == 1 && got[0].tst == 30 && got[0].main == 1, "30 min of sleep: the night's main sleep");

	run(NULL, 0);
	ok(ngot == 0, "no intervals, no nights");
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
