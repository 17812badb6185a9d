/* Consensus Sleep Diary nights (S36, Carney et al. 2012; reference section
 * 7.3): the worked example, midnight wrap-around, the date a night belongs to,
 * DST changes, every validation error, and the date / clock / duration
 * parsers. Day numbers were checked independently with GNU date:
 * `TZ=UTC date -d 2026-11-23 +%s` / 86400 = 20780 (and 2025-11-23 = 20415).
 * Privacy rule: error messages name the field, never the value given. */
#include "../tap.h"

#include <mgsleep/night.h>

#include <ctype.h>
#include <stddef.h>

/* Does s contain value as a whole token (not inside a longer number or word)? */
static int has_token(const char *s, const char *value)
{
	size_t n = strlen(value);
	if (!n)
		return 0;
	for (const char *q = strstr(s, value); q; q = strstr(q + 1, value)) {
		int left = q == s || !(isalnum((unsigned char)q[-1]) || q[-1] == '.');
		int right = !(isalnum((unsigned char)q[n]) || q[n] == '.');
		if (left && right)
			return 1;
	}
	return 0;
}

static int32_t day(const char *s)
{
	int32_t d = MG_DATE_UNSET;
	if (mg_date_parse(s, &d))
		printf("# bad test date %s\n", s);
	return d;
}

/* Fill a night from flag-like pairs, through mg_night_parse_field. */
static int fill(struct mg_night *n, const char *const *kv)
{
	struct mg_error err = {0};
	mg_night_init(n);
	for (; kv[0]; kv += 2)
		if (mg_night_parse_field(n, kv[0], kv[1], &err)) {
			printf("# fill: %s: %s\n", kv[0], err.msg);
			return -1;
		}
	return 0;
}

/* The reference 7.3 worked example, as typed. */
static void example(struct mg_night *n)
{
	static const char *const kv[] = {"date", "2026-11-23", "bed", "22:30", "try-sleep", "23:00",
					 "sol", "30", "awakenings", "2", "waso", "40", "final-wake", "06:30",
					 "out-of-bed", "07:00", "quality", "3", NULL};
	fill(n, kv);
}

/* mg_night_compute rejects n: MG_EINVAL, err.field = field, the message names
 * --field and contains none of the values (text forms) given. */
static void rejects_night(const struct mg_night *n, const char *field, const char *why, const char *const *values)
{
	struct mg_error err = {0};
	struct mg_night_metrics m, m0;
	char flag[80];
	memset(&err, 0, sizeof err);
	memset(&m, 0x5a, sizeof m);
	m0 = m;
	int r = mg_night_compute(n, &m, &err);
	snprintf(flag, sizeof flag, "--%s", field);
	ok(r == MG_EINVAL, "S36 night: %s: rejected with MG_EINVAL", why);
	is_str(err.field, field, "S36 night: %s: err.field names the field", why);
	if (!ok(strstr(err.msg, flag) != NULL, "S36 night: %s: message names %s", why, flag))
		printf("#   message: %s\n", err.msg);
	int echoed = 0;
	for (; values && *values; values++)
		echoed |= has_token(err.msg, *values);
	if (!ok(!echoed, "S36 night: %s: message does not contain the values (privacy)", why))
		printf("#   message: %s\n", err.msg);
	ok(!memcmp(&m, &m0, sizeof m), "S36 night: %s: metrics untouched", why);
}

/* mg_night_parse_field rejects value for field: MG_EINVAL, field named, value
 * not echoed, night unchanged. */
static void rejects_field(const char *field, const char *value)
{
	struct mg_night n, n0;
	struct mg_error err = {0};
	char flag[80];
	example(&n);
	n0 = n;
	memset(&err, 0, sizeof err);
	int r = mg_night_parse_field(&n, field, value, &err);
	snprintf(flag, sizeof flag, "--%s", field);
	ok(r == MG_EINVAL, "--%s '%s': rejected with MG_EINVAL", field, value);
	is_str(err.field, field, "--%s '%s': err.field names the field", field, value);
	if (!ok(strstr(err.msg, flag) != NULL, "--%s '%s': message names %s", field, value, flag))
		printf("#   message: %s\n", err.msg);
	char num[64];
	size_t k = strspn(value, "+-.:0123456789");
	snprintf(num, sizeof num, "%.*s", (int)k, value);
	if (!ok(!has_token(err.msg, value) && (!k || !has_token(err.msg, num)),
		"--%s '%s': message does not contain the value (privacy)", field, value))
		printf("#   message: %s\n", err.msg);
	ok(!memcmp(&n, &n0, sizeof n), "--%s '%s': night unchanged", field, value);
}

static void accepts_field(const char *field, const char *value, int want)
{
	struct mg_night n;
	struct mg_error err = {0};
	mg_night_init(&n);
	int r = mg_night_parse_field(&n, field, value, &err);
	int got = !strcmp(field, "sol") ? n.sol_min : !strcmp(field, "waso") ? n.waso_min
		: !strcmp(field, "awakenings") ? n.awakenings : !strcmp(field, "quality") ? n.quality
		: !strcmp(field, "bed") ? n.bed : !strcmp(field, "try-sleep") ? n.try_sleep
		: !strcmp(field, "final-wake") ? n.final_wake : !strcmp(field, "out-of-bed") ? n.out_of_bed
		: !strcmp(field, "utc-offset-evening") ? n.utc_offset_evening
		: !strcmp(field, "utc-offset-morning") ? n.utc_offset_morning : -9999;
	if (!ok(r == 0 && got == want, "--%s '%s' = %d", field, value, want))
		printf("#   r %d, got %d: %s\n", r, got, err.msg);
}

static void metrics_are(const struct mg_night *n, int tib, int sol, int waso, int tst, int term, double se,
			const char *name)
{
	struct mg_night_metrics m = {0};
	struct mg_error err = {0};
	int r = mg_night_compute(n, &m, &err);
	if (!ok(r == 0, "%s: accepted", name))
		printf("#   %s\n", err.msg);
	is_num(m.tib, tib, 0, "%s: TIB %d min", name, tib);
	is_num(m.sol, sol, 0, "%s: SOL %d min", name, sol);
	is_num(m.waso, waso, 0, "%s: WASO %d min", name, waso);
	is_num(m.tst, tst, 0, "%s: TST %d min", name, tst);
	is_num(m.terminal_wake, term, 0, "%s: terminal wakefulness %d min", name, term);
	is_num(m.se_pct, se, 0.005, "%s: SE %.2f %%", name, se);
}

static void test_worked_example(void)
{
	struct mg_night n;
	struct mg_night_metrics m = {0};
	struct mg_error err = {0};
	example(&n);
	/* Reference 7.3: TIB 510, TST 450 - 30 - 40 = 380, SE 380/510 = 74.5 %, terminal 30. */
	metrics_are(&n, 510, 30, 40, 380, 30, 100.0 * 380 / 510, "S36 worked example 22:30-07:00");
	mg_night_compute(&n, &m, &err);
	is_num(m.se_pct, 74.5, 0.05, "S36 worked example: SE 74.5 %% as printed in the reference");
	/* The WASO variant: terminal wakefulness counted in WASO gives 70, and
	 * TST = (out - try) - SOL - WASO' = 480 - 30 - 70 = 380, unchanged. */
	is_num(m.waso_with_terminal, 70, 0, "S36 worked example, WASO variant incl. terminal wake: 70 min");
	is_num(480 - m.sol - m.waso_with_terminal, m.tst, 0, "S36 WASO variant: TST unchanged (380)");
	ok(mg_night_compute(&n, NULL, &err) == 0, "S36 worked example: validate only (m NULL)");
	ok(n.quality == 3 && n.awakenings == 2, "S36 worked example: quality and awakenings stored");

	/* Timeline: bed on the evening before the date, final awakening on it. */
	struct mg_night_times t;
	int32_t d = day("2026-11-23");
	ok(mg_night_timeline(&n, &t, &err) == 0, "S36 timeline: accepted");
	ok(t.local[MG_EV_BED] == (int64_t)(d - 1) * 1440 + 22 * 60 + 30, "S36 timeline: bed 2026-11-22 22:30");
	ok(t.local[MG_EV_TRY_SLEEP] == (int64_t)(d - 1) * 1440 + 23 * 60, "S36 timeline: try-sleep 2026-11-22 23:00");
	ok(t.local[MG_EV_FINAL_WAKE] == (int64_t)d * 1440 + 6 * 60 + 30, "S36 timeline: final-wake 2026-11-23 06:30");
	ok(t.local[MG_EV_OUT_OF_BED] == (int64_t)d * 1440 + 7 * 60, "S36 timeline: out-of-bed 2026-11-23 07:00");
	ok(t.utc[MG_EV_BED] == t.local[MG_EV_BED] && t.utc[MG_EV_OUT_OF_BED] == t.local[MG_EV_OUT_OF_BED],
	   "S36 timeline: offsets 0 -> UTC = local");
	/* try-sleep not given = same as bed */
	n.try_sleep = MG_NIGHT_UNSET;
	metrics_are(&n, 510, 30, 40, 410, 30, 100.0 * 410 / 510, "S36 example, try-sleep not given (= bed)");
}

static void test_midnight(void)
{
	struct mg_night n;
	struct mg_night_times t;
	struct mg_error err = {0};
	static const char *const after[] = {"date", "2026-11-23", "bed", "01:00", "try-sleep", "01:15",
					    "sol", "20", "awakenings", "1", "waso", "10", "final-wake", "08:30",
					    "out-of-bed", "09:00", NULL};
	fill(&n, after);
	/* gaps 15, 435, 30: TIB 480, TST 435 - 20 - 10 = 405 */
	metrics_are(&n, 480, 20, 10, 405, 30, 100.0 * 405 / 480, "S36 night after midnight 01:00-09:00");
	mg_night_timeline(&n, &t, &err);
	ok(t.local[MG_EV_BED] == (int64_t)day("2026-11-23") * 1440 + 60, "S36 night after midnight: bed on the date itself");

	static const char *const nap[] = {"date", "2026-11-23", "bed", "13:00", "sol", "10", "awakenings", "0",
					  "waso", "0", "final-wake", "13:40", "out-of-bed", "13:45", NULL};
	fill(&n, nap);
	metrics_are(&n, 45, 10, 0, 30, 5, 100.0 * 30 / 45, "S36 nap-like short sleep 13:00-13:45");

	static const char *const worker[] = {"date", "2026-11-23", "bed", "08:00", "try-sleep", "08:10",
					     "sol", "20", "awakenings", "3", "waso", "45", "final-wake", "15:00",
					     "out-of-bed", "15:30", NULL};
	fill(&n, worker);
	metrics_are(&n, 450, 20, 45, 345, 30, 100.0 * 345 / 450, "S36 night worker 08:00-15:30");
	mg_night_timeline(&n, &t, &err);
	ok(t.local[MG_EV_BED] / 1440 == day("2026-11-23") && t.local[MG_EV_OUT_OF_BED] / 1440 == day("2026-11-23"),
	   "S36 night worker: the whole sleep on the date");

	/* Wakes before midnight, gets up after it: out-of-bed on the next day. */
	static const char *const late[] = {"date", "2026-11-23", "bed", "18:00", "sol", "0", "awakenings", "0",
					   "waso", "0", "final-wake", "23:50", "out-of-bed", "00:10", NULL};
	fill(&n, late);
	metrics_are(&n, 370, 0, 0, 350, 20, 100.0 * 350 / 370, "S36 wake 23:50, out of bed 00:10");
	mg_night_timeline(&n, &t, &err);
	ok(t.local[MG_EV_FINAL_WAKE] / 1440 == day("2026-11-23") && t.local[MG_EV_OUT_OF_BED] / 1440 == day("2026-11-24"),
	   "S36 wake 23:50: final awakening on the date, out of bed the day after");

	/* Boundaries that are accepted. */
	example(&n);
	n.sol_min = 450, n.awakenings = 0, n.waso_min = 0;
	metrics_are(&n, 510, 450, 0, 0, 30, 0.0, "S36 no sleep at all: SOL = try-sleep to final-wake");
	n.sol_min = 30, n.awakenings = 100, n.waso_min = 420;
	metrics_are(&n, 510, 30, 420, 0, 30, 0.0, "S36 SOL + WASO = the whole span, 100 awakenings");
	n.awakenings = 2, n.waso_min = 0;
	metrics_are(&n, 510, 30, 0, 420, 30, 100.0 * 420 / 510, "S36 awakenings without minutes (brief) accepted");
	n.quality = 0;
	ok(mg_night_compute(&n, NULL, &err) == 0, "S36 quality not given (0) accepted");
	/* exactly 24 h in bed: 22:30 -> 22:30 the next day */
	n.final_wake = 22 * 60, n.out_of_bed = 22 * 60 + 30;
	metrics_are(&n, 1440, 30, 0, 1380 - 30, 30, 100.0 * 1350 / 1440, "S36 exactly 24 h in bed accepted");
}

static void test_dst(void)
{
	struct mg_night n;
	struct mg_night_times t;
	struct mg_error err = {0};
	/* Spring forward (EU, 2026-03-29): +60 at bed, +120 at waking. 22:00 ->
	 * 07:00 on the clock is 8 h of real time, not 9. */
	static const char *const spring[] = {"date", "2026-03-29", "bed", "22:00", "try-sleep", "22:30",
					     "sol", "15", "awakenings", "1", "waso", "15", "final-wake", "06:30",
					     "out-of-bed", "07:00", "utc-offset-evening", "+01:00",
					     "utc-offset-morning", "+120", NULL};
	fill(&n, spring);
	/* real gaps 30, 480 - 60 = 420, 30: TIB 480, TST 420 - 30 = 390 */
	metrics_are(&n, 480, 15, 15, 390, 30, 100.0 * 390 / 480, "S36 DST spring forward 22:00-07:00 (+60 -> +120)");
	mg_night_timeline(&n, &t, &err);
	ok(t.utc[MG_EV_OUT_OF_BED] - t.utc[MG_EV_BED] == 480, "S36 DST spring forward: UTC instants 8 h apart");
	ok(t.local[MG_EV_OUT_OF_BED] - t.local[MG_EV_BED] == 540, "S36 DST spring forward: wall clock 9 h apart");
	ok(t.utc[MG_EV_BED] == t.local[MG_EV_BED] - 60 && t.utc[MG_EV_FINAL_WAKE] == t.local[MG_EV_FINAL_WAKE] - 120,
	   "S36 DST spring forward: evening offset for bed, morning offset for final-wake");

	/* Fall back (EU, 2026-10-25): +120 -> +60: 10 h in bed. */
	static const char *const fall[] = {"date", "2026-10-25", "bed", "22:00", "try-sleep", "22:30",
					   "sol", "15", "awakenings", "1", "waso", "15", "final-wake", "06:30",
					   "out-of-bed", "07:00", "utc-offset-evening", "+02:00",
					   "utc-offset-morning", "+60", NULL};
	fill(&n, fall);
	metrics_are(&n, 600, 15, 15, 510, 30, 100.0 * 510 / 600, "S36 DST fall back 22:00-07:00 (+120 -> +60)");
	mg_night_timeline(&n, &t, &err);
	ok(t.utc[MG_EV_OUT_OF_BED] - t.utc[MG_EV_BED] == 600, "S36 DST fall back: UTC instants 10 h apart");

	/* US: -300 -> -240 (spring forward in New York) */
	n.utc_offset_evening = -300, n.utc_offset_morning = -240;
	metrics_are(&n, 480, 15, 15, 390, 30, 100.0 * 390 / 480, "S36 DST spring forward at UTC-5 (-300 -> -240)");
}

static void test_validation(void)
{
	struct mg_night n;
	struct mg_error err = {0};
	const char *none[] = {NULL};

	example(&n);
	n.try_sleep = 23 * 60, n.final_wake = 23 * 60 + 30, n.out_of_bed = 23 * 60 + 45, n.sol_min = 45;
	n.awakenings = 0, n.waso_min = 0;
	rejects_night(&n, "sol", "SOL longer than try-sleep to final-wake", (const char *[]){"45", "23:30", NULL});
	err.msg[0] = 0;
	mg_night_compute(&n, NULL, &err);
	ok(strstr(err.msg, "--try-sleep") && strstr(err.msg, "--final-wake"),
	   "S36 SOL too long: message names --try-sleep and --final-wake");

	example(&n);
	n.waso_min = 421;
	rejects_night(&n, "waso", "SOL + WASO longer than try-sleep to final-wake", (const char *[]){"421", NULL});

	example(&n), n.sol_min = -5;
	rejects_night(&n, "sol", "negative SOL", (const char *[]){"-5", "5", NULL});
	example(&n), n.awakenings = -3;
	rejects_night(&n, "awakenings", "negative awakenings", (const char *[]){"-3", "3", NULL});
	example(&n), n.waso_min = -7;
	rejects_night(&n, "waso", "negative WASO", (const char *[]){"-7", "7", NULL});
	example(&n), n.awakenings = 101;
	rejects_night(&n, "awakenings", "101 awakenings", (const char *[]){"101", NULL});
	example(&n), n.sol_min = 1441;
	rejects_night(&n, "sol", "SOL over 24 h", (const char *[]){"1441", NULL});
	example(&n), n.awakenings = 0;
	rejects_night(&n, "awakenings", "WASO 40 min with 0 awakenings", (const char *[]){"40", NULL});
	example(&n), n.quality = 6;
	rejects_night(&n, "quality", "quality 6", (const char *[]){"6", NULL});
	example(&n), n.quality = -1;
	rejects_night(&n, "quality", "quality -1", (const char *[]){"-1", NULL});

	/* Times out of order wrap a day: the field ending the longest gap. */
	example(&n), n.try_sleep = 22 * 60;
	rejects_night(&n, "try-sleep", "tried to sleep before getting into bed (over 24 h)", (const char *[]){"22:00", NULL});
	example(&n), n.final_wake = 22 * 60 + 50;
	rejects_night(&n, "final-wake", "final awakening before trying to sleep (over 24 h)", (const char *[]){"22:50", NULL});
	example(&n), n.out_of_bed = 6 * 60;
	rejects_night(&n, "out-of-bed", "out of bed before the final awakening (over 24 h)", (const char *[]){"06:00", NULL});
	/* 24 h 01 min: 22:30 -> 22:31 the next day */
	example(&n), n.final_wake = 22 * 60, n.out_of_bed = 22 * 60 + 31;
	rejects_night(&n, "final-wake", "a night of 24 h 1 min", none);
	/* 24 h on the clock is 25 h when the clocks go back */
	example(&n), n.final_wake = 22 * 60, n.out_of_bed = 22 * 60 + 30;
	n.utc_offset_evening = 120, n.utc_offset_morning = 60;
	rejects_night(&n, "final-wake", "24 h on the clock + 1 h fall back", none);

	example(&n), n.try_sleep = MG_NIGHT_UNSET, n.final_wake = n.out_of_bed = n.bed, n.sol_min = 0;
	n.awakenings = 0, n.waso_min = 0;
	rejects_night(&n, "out-of-bed", "no time in bed (TIB 0)", none);
	/* spring forward inside a 10-minute span: final-wake before try-sleep in real time */
	example(&n), n.bed = n.try_sleep = 90, n.final_wake = 100, n.out_of_bed = 110, n.sol_min = 0;
	n.awakenings = 0, n.waso_min = 0, n.utc_offset_evening = 60, n.utc_offset_morning = 120;
	rejects_night(&n, "final-wake", "final-wake before try-sleep after the offset change", none);

	example(&n), n.utc_offset_evening = 900;
	rejects_night(&n, "utc-offset-evening", "UTC offset +15 h", (const char *[]){"900", NULL});
	example(&n), n.utc_offset_morning = -841;
	rejects_night(&n, "utc-offset-morning", "UTC offset -841 min", (const char *[]){"-841", "841", NULL});

	example(&n), n.bed = 1440;
	rejects_night(&n, "bed", "bed 1440 min", (const char *[]){"1440", "24:00", NULL});
	example(&n), n.try_sleep = -2;
	rejects_night(&n, "try-sleep", "try-sleep -2", (const char *[]){"-2", NULL});
	example(&n), n.final_wake = 2000;
	rejects_night(&n, "final-wake", "final-wake 2000 min", (const char *[]){"2000", NULL});
	example(&n), n.out_of_bed = -5;
	rejects_night(&n, "out-of-bed", "out-of-bed -5", (const char *[]){"-5", NULL});
	example(&n), n.date = MG_DATE_MAX + 1;
	rejects_night(&n, "date", "date after 9999-12-31", none);

	/* Each required item missing, in diary order. */
	static const struct { const char *field; size_t off; } req[] = {
		{"bed", offsetof(struct mg_night, bed)},
		{"final-wake", offsetof(struct mg_night, final_wake)},
		{"out-of-bed", offsetof(struct mg_night, out_of_bed)},
		{"sol", offsetof(struct mg_night, sol_min)},
		{"awakenings", offsetof(struct mg_night, awakenings)},
		{"waso", offsetof(struct mg_night, waso_min)},
	};
	char why[80];
	for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
		example(&n);
		*(int *)(void *)((char *)&n + req[i].off) = MG_NIGHT_UNSET;
		snprintf(why, sizeof why, "%s missing", req[i].field);
		rejects_night(&n, req[i].field, why, none);
		is_str(mg_night_first_missing(&n), req[i].field, "first missing: %s", req[i].field);
	}
	example(&n), n.date = MG_DATE_UNSET;
	rejects_night(&n, "date", "date missing", none);
	is_str(mg_night_first_missing(&n), "date", "first missing: date");
	example(&n);
	ok(mg_night_first_missing(&n) == NULL, "first missing: none in the worked example");
	mg_night_init(&n);
	is_str(mg_night_first_missing(&n), "date", "first missing after init: date");
}

static void test_fields(void)
{
	accepts_field("bed", "22:30", 1350);
	accepts_field("bed", "7:05", 425);
	accepts_field("try-sleep", "00:00", 0);
	accepts_field("final-wake", "23:59", 1439);
	accepts_field("out-of-bed", "07:00", 420);
	accepts_field("sol", "30", 30);
	accepts_field("sol", "90m", 90);
	accepts_field("sol", "1h30", 90);
	accepts_field("sol", "1h30m", 90);
	accepts_field("waso", "2H05M", 125);
	accepts_field("waso", "1h", 60);
	accepts_field("waso", "0", 0);
	accepts_field("waso", "24h", 1440);
	accepts_field("waso", "1440", 1440);
	accepts_field("awakenings", "0", 0);
	accepts_field("awakenings", "100", 100);
	accepts_field("quality", "1", 1);
	accepts_field("quality", "5", 5);
	accepts_field("utc-offset-evening", "+01:00", 60);
	accepts_field("utc-offset-evening", "-05:30", -330);
	accepts_field("utc-offset-morning", "+120", 120);
	accepts_field("utc-offset-morning", "-300", -300);
	accepts_field("utc-offset-morning", "0", 0);
	accepts_field("utc-offset-morning", "+14:00", 840);
	accepts_field("utc-offset-morning", "-840", -840);

	static const char *const bad[][2] = {
		{"date", "2023-02-29"}, {"date", "2026-13-01"}, {"date", "2026-00-10"}, {"date", "2026-04-31"},
		{"date", "2026-1-01"}, {"date", "26-01-01"}, {"date", "2026-01-01x"}, {"date", "2026/01/01"},
		{"date", " 2026-01-01"}, {"date", "1900-02-29"}, {"date", "tomorrow"},
		{"bed", "24:00"}, {"bed", "7:60"}, {"bed", "07:5"}, {"bed", "0730"}, {"bed", "7h30"},
		{"bed", " 07:30"}, {"bed", "-1:00"}, {"bed", "07:30:00"}, {"bed", "007:30"}, {"bed", "+7:30"},
		{"try-sleep", "25:00"}, {"final-wake", "6.30"}, {"out-of-bed", "7pm"},
		{"sol", "-5"}, {"sol", "25h"}, {"sol", "1441"}, {"sol", "1h60"}, {"sol", "1.5h"}, {"sol", "abc"},
		{"sol", "12345"}, {"sol", "1h30s"}, {"sol", "h30"}, {"sol", "1hm"}, {"waso", "1h 30"},
		{"waso", "23h61"}, {"waso", "1441m"}, {"waso", "30 "},
		{"awakenings", "101"}, {"awakenings", "-1"}, {"awakenings", "2.5"}, {"awakenings", "two"},
		{"quality", "0"}, {"quality", "6"}, {"quality", "3.5"}, {"quality", "10"}, {"quality", "great"},
		{"utc-offset-evening", "+15:00"}, {"utc-offset-evening", "900"}, {"utc-offset-evening", "+1:00"},
		{"utc-offset-morning", "05:30"}, {"utc-offset-morning", "+05:60"}, {"utc-offset-morning", "+"},
		{"utc-offset-morning", "-841"},
		{"sol", ""}, {"date", ""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		rejects_field(bad[i][0], bad[i][1]);

	struct mg_night n;
	struct mg_error err = {0};
	mg_night_init(&n);
	ok(mg_night_parse_field(&n, "colour", "blue", &err) == MG_EINVAL && strstr(err.msg, "--colour") &&
		   !strstr(err.msg, "blue"),
	   "unknown field rejected, named, value not echoed");
	ok(mg_night_parse_field(&n, NULL, "1", &err) == MG_EINVAL, "NULL field rejected");
	ok(mg_night_parse_field(&n, "sol", NULL, &err) == MG_EINVAL && !strcmp(err.field, "sol"), "NULL value rejected");
	ok(mg_night_is_field("out-of-bed") && mg_night_is_field("utc-offset-morning") && !mg_night_is_field("tib") &&
		   !mg_night_is_field(NULL),
	   "mg_night_is_field");
}

static void test_dates(void)
{
	/* Known day numbers (GNU date, see the top of this file). */
	ok(mg_days_from_civil(1970, 1, 1) == 0, "days_from_civil 1970-01-01 = 0");
	ok(mg_days_from_civil(2000, 3, 1) == 11017, "days_from_civil 2000-03-01 = 11017");
	ok(mg_days_from_civil(2026, 11, 23) == 20780, "days_from_civil 2026-11-23 = 20780");
	ok(mg_days_from_civil(2025, 11, 23) == 20415, "days_from_civil 2025-11-23 = 20415");
	ok(mg_days_from_civil(1969, 12, 31) == -1, "days_from_civil 1969-12-31 = -1");
	ok(mg_days_from_civil(1900, 3, 1) == -25508, "days_from_civil 1900-03-01 = -25508");
	ok(mg_days_from_civil(2024, 2, 29) == 19782 && mg_days_from_civil(2024, 3, 1) == 19783,
	   "days_from_civil 2024-02-29 = 19782, 2024-03-01 = 19783");
	ok(mg_days_from_civil(0, 1, 1) == MG_DATE_MIN && mg_days_from_civil(9999, 12, 31) == MG_DATE_MAX,
	   "MG_DATE_MIN = 0000-01-01, MG_DATE_MAX = 9999-12-31");

	int32_t d = 0;
	ok(mg_date_parse("2024-02-29", &d) == 0 && d == 19782, "2024-02-29 (leap year) accepted");
	ok(mg_date_parse("2000-02-29", &d) == 0, "2000-02-29 (400-year leap) accepted");
	d = 77;
	ok(mg_date_parse("2023-02-29", &d) == MG_EINVAL && d == 77, "2023-02-29 rejected, output untouched");
	ok(mg_date_parse("1900-02-29", &d) == MG_EINVAL, "1900-02-29 (century, not leap) rejected");
	ok(mg_date_parse("2026-13-01", &d) == MG_EINVAL, "2026-13-01 rejected");
	ok(mg_date_parse(NULL, &d) == MG_EINVAL, "NULL date rejected");
	ok(mg_date_parse("0000-01-01", &d) == 0 && d == MG_DATE_MIN, "0000-01-01 accepted");
	ok(mg_date_parse("9999-12-31", &d) == 0 && d == MG_DATE_MAX, "9999-12-31 accepted");

	char s[11];
	mg_date_format(20780, s);
	is_str(s, "2026-11-23", "format 20780");
	mg_date_format(-1, s);
	is_str(s, "1969-12-31", "format -1");
	mg_date_format(MG_DATE_MIN, s);
	is_str(s, "0000-01-01", "format MG_DATE_MIN");
	mg_date_format(MG_DATE_UNSET, s);
	is_str(s, "0000-00-00", "format MG_DATE_UNSET -> 0000-00-00");
	mg_date_format(MG_DATE_MAX + 1, s);
	is_str(s, "0000-00-00", "format past 9999-12-31 -> 0000-00-00");

	/* Every day 0000-01-01 .. 9999-12-31: format -> parse round trip and
	 * civil_from_days stepping one calendar day at a time. */
	int bad = 0, py = 0, pm = 1, pd = 0;
	for (int32_t k = MG_DATE_MIN; k <= MG_DATE_MAX && bad < 5; k++) {
		int y, m, dd;
		int32_t back = 0;
		mg_civil_from_days(k, &y, &m, &dd);
		int next = (y == py && m == pm && dd == pd + 1) || (y == py && m == pm + 1 && dd == 1) ||
			   (y == py + 1 && m == 1 && dd == 1 && pm == 12) || k == MG_DATE_MIN;
		mg_date_format(k, s);
		if (!next || mg_days_from_civil(y, m, dd) != k || mg_date_parse(s, &back) || back != k) {
			printf("# day %ld: %s\n", (long)k, s);
			bad++;
		}
		py = y, pm = m, pd = dd;
	}
	ok(bad == 0, "every day 0000-01-01..9999-12-31: consecutive, round-trips through format and parse");

	ok(mg_weekday(0) == 4, "1970-01-01 is a Thursday (4)");
	ok(mg_weekday(20780) == 1, "2026-11-23 is a Monday (1)");
	ok(mg_weekday(11017) == 3, "2000-03-01 is a Wednesday (3)");
	ok(mg_weekday(-1) == 3, "1969-12-31 is a Wednesday (3)");
	ok(mg_weekday(MG_DATE_MIN) == 6, "0000-01-01 is a Saturday (6)");
	ok(mg_weekday(day("2026-03-29")) == 7, "2026-03-29 is a Sunday (7)");
	ok(mg_is_leap_year(2024) && !mg_is_leap_year(2023) && !mg_is_leap_year(1900) && mg_is_leap_year(2000),
	   "leap years 2024, 2000; not 2023, 1900");
	ok(mg_days_in_month(2024, 2) == 29 && mg_days_in_month(1900, 2) == 28 && mg_days_in_month(2000, 2) == 29 &&
		   mg_days_in_month(2026, 4) == 30 && mg_days_in_month(2026, 12) == 31,
	   "days in month: Feb 2024 29, Feb 1900 28, Feb 2000 29, Apr 30, Dec 31");
	/* floor division: one second before the epoch is day -1, not day 0 */
	ok(mg_day_of(0) == 0 && mg_day_of(86399) == 0 && mg_day_of(86400) == 1 && mg_day_of(-1) == -1 &&
		   mg_day_of(-86400) == -1 && mg_day_of(-86401) == -2,
	   "day of a time: 0..86399 s is day 0, -1 s is day -1, -86401 s is day -2");
	/* 2026-11-23 00:00Z = 1795392000 s (date -u -d 2026-11-23 +%s) = day 20780 */
	ok(mg_day_of(1795392000) == mg_days_from_civil(2026, 11, 23), "day of 2026-11-23 00:00Z");
}

static void test_clock(void)
{
	int v = -9;
	ok(mg_clock_parse("7:05", &v) == 0 && v == 425, "clock 7:05 = 425");
	ok(mg_clock_parse("07:05", &v) == 0 && v == 425, "clock 07:05 = 425");
	ok(mg_clock_parse("00:00", &v) == 0 && v == 0, "clock 00:00 = 0");
	ok(mg_clock_parse("23:59", &v) == 0 && v == 1439, "clock 23:59 = 1439");
	v = -9;
	ok(mg_clock_parse("24:00", &v) == MG_EINVAL && v == -9, "clock 24:00 rejected, output untouched");
	ok(mg_clock_parse("", &v) == MG_EINVAL && mg_clock_parse(NULL, &v) == MG_EINVAL, "clock empty / NULL rejected");
	char s[6];
	mg_clock_format(425, s);
	is_str(s, "07:05", "clock format 425");
	mg_clock_format(1440, s);
	is_str(s, "--:--", "clock format 1440 -> --:--");
	mg_clock_format(-1, s);
	is_str(s, "--:--", "clock format -1 -> --:--");
	int bad = 0;
	for (int k = 0; k < 1440; k++) {
		mg_clock_format(k, s);
		if (mg_clock_parse(s, &v) || v != k)
			bad++;
	}
	ok(bad == 0, "clock: every minute round-trips");
	v = -9;
	ok(mg_duration_parse("1h30", &v) == 0 && v == 90, "duration 1h30 = 90");
	ok(mg_duration_parse("1441", &v) == MG_EINVAL && v == 90, "duration 1441 rejected, output untouched");
}

/* Magnesium answers, as a new user types them (issue 11): the state, the
 * amount, the count and unit, the form left for the KB; every refusal names
 * "magnesium" and never echoes the answer. */
static void test_mg_answers(void)
{
	struct mg_error err = {0};
	struct mg_night_mg_answer a;
	static const char *const nones[] = {"no", "None", " nothing ", "0", "0 mg", "0 capsules"};
	for (size_t i = 0; i < sizeof nones / sizeof *nones; i++)
		ok(!mg_night_mg_answer_parse(nones[i], &a, &err) && a.state == MG_NIGHT_MG_NONE, "'%s' is none",
		   nones[i]);
	static const char *const unknowns[] = {"?", "unknown", "Don't know", "not  sure", "skip"};
	for (size_t i = 0; i < sizeof unknowns / sizeof *unknowns; i++)
		ok(!mg_night_mg_answer_parse(unknowns[i], &a, &err) && a.state == MG_NIGHT_MG_UNKNOWN,
		   "'%s' is unknown, not none", unknowns[i]);

	ok(!mg_night_mg_answer_parse("250 bisglycinate", &a, &err) && a.state == MG_NIGHT_MG_TAKEN && a.mg == 250 &&
		   isnan(a.count) && !strcmp(a.form, "bisglycinate"),
	   "'250 bisglycinate': 250 mg, form bisglycinate");
	ok(!mg_night_mg_answer_parse("250mg of Magnesium Citrate", &a, &err) && a.mg == 250 &&
		   !strcmp(a.form, "citrate"),
	   "'250mg of Magnesium Citrate': 250 mg, form citrate (of and magnesium dropped)");
	ok(!mg_night_mg_answer_parse("62.5 mg", &a, &err) && a.mg == 62.5 && !strcmp(a.form, ""),
	   "'62.5 mg': 62.5 mg, no form");
	ok(!mg_night_mg_answer_parse("400 milk of magnesia", &a, &err) && a.mg == 400 &&
		   !strcmp(a.form, "milk of magnesia"),
	   "'400 milk of magnesia': a form of several words is kept whole");

	ok(!mg_night_mg_answer_parse("2 capsules", &a, &err) && a.state == MG_NIGHT_MG_TAKEN && a.count == 2 &&
		   isnan(a.mg) && !strcmp(a.unit, "capsules") && !strcmp(a.form, ""),
	   "'2 capsules': a count of 2 capsules, mg to be asked");
	ok(!mg_night_mg_answer_parse("two caps of glycinate", &a, &err) && a.count == 2 &&
		   !strcmp(a.unit, "capsules") && !strcmp(a.form, "glycinate"),
	   "'two caps of glycinate': 2 capsules, form glycinate");
	ok(!mg_night_mg_answer_parse("a tablet", &a, &err) && a.count == 1 && !strcmp(a.unit, "tablets"),
	   "'a tablet': 1 tablet");
	ok(!mg_night_mg_answer_parse("1.5 Scoops", &a, &err) && a.count == 1.5 && !strcmp(a.unit, "scoops"),
	   "'1.5 Scoops': 1.5 scoops");
	ok(!mg_night_mg_answer_parse("3 gummies", &a, &err) && a.count == 3 && !strcmp(a.unit, "gummies"),
	   "'3 gummies'");
	ok(!mg_night_mg_answer_parse("1 tab", &a, &err) && a.count == 1 && !strcmp(a.unit, "tablets"), "'1 tab'");

	struct mg_night_mg_answer before = a;
	static const char *const bad[] = {"", "   ", "yes", "some", "two bisglycinate", "2,5 mg", "2001",
					  "2001 mg citrate", "21 capsules", "0.5", "-250", "1e3"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memset(&err, 0, sizeof err);
		int r = mg_night_mg_answer_parse(bad[i], &a, &err);
		ok(r == MG_EINVAL && !strcmp(err.field, "magnesium") && !memcmp(&a, &before, sizeof a) &&
			   (!bad[i][0] || !strstr(err.msg, bad[i])),
		   "'%s' refused naming magnesium, answer untouched and not echoed", bad[i]);
	}
	ok(!mg_night_mg_answer_parse("2000", &a, &err) && a.mg == 2000 && !mg_night_mg_answer_parse("1", &a, &err) &&
		   a.mg == 1,
	   "1 and 2000 mg are the ends of the accepted range");
	ok(!mg_night_mg_answer_parse("20 tablets", &a, &err) && a.count == 20, "20 tablets is the most accepted");

	double mg = -1;
	ok(!mg_night_mg_amount_parse("100", &mg, &err) && mg == 100, "label amount '100' = 100 mg");
	ok(!mg_night_mg_amount_parse(" 62.5 MG ", &mg, &err) && mg == 62.5, "label amount ' 62.5 MG ' = 62.5 mg");
	ok(!mg_night_mg_amount_parse("100mg", &mg, &err) && mg == 100, "label amount '100mg' = 100 mg");
	mg = -1;
	ok(mg_night_mg_amount_parse("0", &mg, &err) == MG_EINVAL && mg_night_mg_amount_parse("abc", &mg, &err) &&
		   mg_night_mg_amount_parse("2001", &mg, &err) && mg_night_mg_amount_parse("", &mg, &err) && mg == -1,
	   "label amounts 0, abc, 2001, empty refused, output untouched");
}

/* A future date is refused; today and earlier are not (2026-11-23 = 20780). */
static void test_future_and_clear(void)
{
	struct mg_error err = {0};
	int32_t today = day("2026-11-23");
	ok(mg_night_check_date(today, today, &err) == 0, "a night dated today is accepted");
	ok(mg_night_check_date(day("2025-11-23"), today, &err) == 0, "a night a year ago is accepted");
	ok(mg_night_check_date(day("2026-11-24"), today, &err) == MG_EINVAL && !strcmp(err.field, "date") &&
		   strstr(err.msg, "--date") && !strstr(err.msg, "2026"),
	   "tomorrow is refused naming --date, without the date");

	struct mg_night n;
	mg_night_init(&n);
	static const char *const kv[] = {"date", "2026-11-23", "bed", "22:30", "sol", "30", "quality", "4", NULL};
	fill(&n, kv);
	ok(mg_night_clear_field(&n, "sol") == 0 && n.sol_min == MG_NIGHT_UNSET && n.bed == 22 * 60 + 30,
	   "clearing sol unsets it and nothing else");
	ok(mg_night_clear_field(&n, "quality") == 0 && n.quality == 0, "clearing quality sets 0 (not given)");
	ok(mg_night_clear_field(&n, "bed") == 0 && !strcmp(mg_night_first_missing(&n), "bed"),
	   "a cleared bed time is missing again");
	ok(mg_night_clear_field(&n, "nap") == MG_EINVAL, "an unknown field cannot be cleared");
}

/* mg_night_entry_read on hand-written entries in the format docs/diary.md
 * gives (what 'mgsleep log' writes); each expected value is the one typed in
 * the entry text. */
static void test_entry_read(void)
{
	static struct mg_night_entry e; /* 2.6 KB: not on the stack of every check */
	struct mg_error err = {0};
	const char *old = "{\"date\":\"2026-11-20\",\"bed\":\"22:30\",\"sol_min\":30,\"awakenings\":2}";
	ok(!mg_night_entry_read(old, strlen(old), &e, &err) && e.magnesium == MG_NIGHT_MG_UNKNOWN &&
		   isnan(e.elemental_mg) && e.form[0] == '\0' && e.time_min == MG_NIGHT_UNSET &&
		   e.nap_min == MG_NIGHT_UNSET && e.n_tags == 0 && !e.has_comment && e.n.bed == 22 * 60 + 30 &&
		   e.n.sol_min == 30 && e.n.quality == 0,
	   "an old entry without the magnesium key: not answered, never none; nothing else stored");
	const char *none = "{\"magnesium\":null}", *unk = "{\"magnesium\":\"unknown\"}";
	ok(!mg_night_entry_read(none, strlen(none), &e, &err) && e.magnesium == MG_NIGHT_MG_NONE && isnan(e.elemental_mg),
	   "magnesium null: none taken (elemental mg not stored)");
	ok(!mg_night_entry_read(unk, strlen(unk), &e, &err) && e.magnesium == MG_NIGHT_MG_UNKNOWN,
	   "magnesium \"unknown\": not answered");
	const char *taken = "{\"magnesium\":{\"elemental_mg\":141.3,\"form\":\"bisglycinate\",\"compound_mg\":1000,"
			    "\"count\":2,\"unit\":\"capsules\",\"mg_per_unit\":62.5,\"time\":\"9:05\"},"
			    "\"tags\":[\"caffeine-late\",7,\"alcohol\"],\"nap_min\":20,\"quality\":4}";
	ok(!mg_night_entry_read(taken, strlen(taken), &e, &err) && e.magnesium == MG_NIGHT_MG_TAKEN &&
		   e.elemental_mg == 141.3 && e.compound_mg == 1000 && e.count == 2 && e.mg_per_unit == 62.5 &&
		   !strcmp(e.unit, "capsules") && !strcmp(e.form, "bisglycinate") && !strcmp(e.time, "9:05") &&
		   e.time_min == 9 * 60 + 5 && e.nap_min == 20 && e.n.quality == 4,
	   "an object: elemental and compound mg, count, unit, mg per unit, form, time as stored and in minutes");
	ok(e.n_tags == 2 && !strcmp(e.tags[0], "caffeine-late") && !strcmp(e.tags[1], "alcohol"),
	   "tags: the strings in order, a number among them skipped");
	const char *bad = "{\"magnesium\":{\"elemental_mg\":\"250\",\"form\":5,\"time\":\"25:00\"},\"nap_min\":-5,"
			  "\"tags\":\"alcohol\",\"comment\":12}";
	ok(!mg_night_entry_read(bad, strlen(bad), &e, &err) && e.magnesium == MG_NIGHT_MG_TAKEN && isnan(e.elemental_mg) &&
		   e.form[0] == '\0' && e.time[0] == '\0' && e.time_min == MG_NIGHT_UNSET && e.nap_min == MG_NIGHT_UNSET &&
		   e.n_tags == 0 && !e.has_comment,
	   "items of the wrong type or range are not stored (a text mg, a clock 25:00, negative naps, tags not a list)");
	const char *ctl = "{\"comment\":\"line1\\nline2\\t\\u001b[31m \\\"q\\\", \\u00e9\"}";
	ok(!mg_night_entry_read(ctl, strlen(ctl), &e, &err) && e.has_comment && !e.comment_cut &&
		   !strcmp(e.comment, "line1\nline2\t\x1b[31m \"q\", \xc3\xa9"),
	   "a comment with a newline, a tab, an escape sequence, quotes and UTF-8 is kept as typed (decoded)");
	/* 1999 'a' then U+00E9 (2 bytes): 2001 bytes, cut before the e-acute. */
	static char longc[2100];
	size_t n = (size_t)snprintf(longc, sizeof longc, "{\"comment\":\"");
	memset(longc + n, 'a', 1999);
	n += 1999;
	n += (size_t)snprintf(longc + n, sizeof longc - n, "\xc3\xa9\"}");
	ok(!mg_night_entry_read(longc, n, &e, &err) && e.comment_cut && strlen(e.comment) == 1999 &&
		   e.comment[1998] == 'a',
	   "a comment over 2000 bytes is cut at a character boundary and flagged");
	ok(mg_night_entry_read("[1]", 3, &e, &err) == MG_EPARSE && !strcmp(err.field, "entry") &&
		   e.magnesium == MG_NIGHT_MG_UNKNOWN && e.n.bed == MG_NIGHT_UNSET && isnan(e.elemental_mg),
	   "not an object: MG_EPARSE naming the entry, everything not stored");
	ok(mg_night_entry_read(NULL, 0, &e, &err) == MG_EPARSE, "no text: MG_EPARSE");
}

int main(void)
{
	test_worked_example();
	test_midnight();
	test_dst();
	test_validation();
	test_fields();
	test_dates();
	test_clock();
	test_mg_answers();
	test_future_and_clear();
	test_entry_read();
	return tap_done();
}
