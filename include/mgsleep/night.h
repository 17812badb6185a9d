/* One night of the Consensus Sleep Diary (CSD; Carney et al. 2012, reference
 * section 7.3, source S36): calendar dates, clock times and durations parsed
 * from text, the night laid out on a timeline, validated, and the derived
 * metrics (TIB, SOL, WASO, TST, SE %, terminal wakefulness).
 *
 * Pure arithmetic: no I/O, no heap, no global state, no clock and no time
 * zone database. Every struct here is caller-allocated and holds no pointers;
 * copy it freely. Dates are counted in days since 1970-01-01 in the proleptic
 * Gregorian calendar (Howard Hinnant's days_from_civil / civil_from_days);
 * clock times are minutes after local midnight. The caller (the CLI) supplies
 * the UTC offsets from the system time zone (see mg_night_timeline).
 *
 * Errors: functions taking a struct mg_error fill it with the field named as
 * the CLI flag ("--sol: ...", err->field = "sol") and never with the value
 * given: diary entries are health data. Definitions and choices: docs/diary.md. */
#ifndef MGSLEEP_NIGHT_H
#define MGSLEEP_NIGHT_H

#include <mgsleep/error.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Calendar dates --------------------------------------------------- */

#define MG_DATE_UNSET INT32_MIN /* struct mg_night.date not given */
#define MG_DATE_MIN (-719528)   /* 0000-01-01, the first date mg_date_parse accepts */
#define MG_DATE_MAX 2932896     /* 9999-12-31, the last */

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (1970-01-01 = 0,
 * 2000-03-01 = 11017). Needs 1 <= m <= 12 and 1 <= d <= 31; d is not checked
 * against the month (2023-02-29 gives the day after 2023-02-28). Exact for
 * |y| <= 5,000,000; never overflows internally for any int arguments. */
int32_t mg_days_from_civil(int y, int m, int d);

/* The inverse: the calendar date of a day number. Any int32_t works. */
void mg_civil_from_days(int32_t days, int *y, int *m, int *d);

/* ISO 8601 weekday of a day number: 1 = Monday ... 7 = Sunday
 * (1970-01-01 was a Thursday, 4). */
int mg_weekday(int32_t days);

/* 1 if y is a Gregorian leap year, else 0. */
int mg_is_leap_year(int y);
/* Days in month m (1..12) of year y. */
int mg_days_in_month(int y, int m);
/* The day number of a time given as seconds since 1970-01-01 00:00 in some
 * clock (UTC, or local wall time = UTC + offset): floor division, so times
 * before 1970 fall on the right day. */
int32_t mg_day_of(int64_t seconds);

/* Strict "YYYY-MM-DD": exactly four-digit year 0000..9999, two-digit month
 * 01..12 and day valid for that month and year (leap years included), nothing
 * before or after (no whitespace). On success *days is set and 0 returned;
 * otherwise MG_EINVAL and *days is untouched. */
int mg_date_parse(const char *s, int32_t *days);

/* "YYYY-MM-DD" and a NUL into out. Outside MG_DATE_MIN..MG_DATE_MAX (including
 * MG_DATE_UNSET) writes "0000-00-00", which is never a valid date. */
void mg_date_format(int32_t days, char out[11]);

/* ---- Clock times and durations ---------------------------------------- */

/* "HH:MM" or "H:MM", 00:00..23:59 (no "24:00", no seconds, no whitespace, no
 * sign). *minutes = minutes after midnight 0..1439. 0 or MG_EINVAL (and
 * *minutes untouched). */
int mg_clock_parse(const char *s, int *minutes);

/* "HH:MM" and a NUL into out; a value outside 0..1439 writes "--:--". */
void mg_clock_format(int minutes, char out[6]);

#define MG_NIGHT_MAX_MIN 1440 /* longest duration and longest night: 24 h */

/* A duration in minutes: "30", "90m", "1h", "1h30", "1h30m" (h and m in
 * either case; at most four digits per number; the minutes after an "h" are
 * 0..59). 0..1440 (24 h). 0 or MG_EINVAL (and *minutes untouched). */
int mg_duration_parse(const char *s, int *minutes);

/* A UTC offset in minutes east: "+60", "-300", "0", "+01:00", "-05:30".
 * -840..840 (UTC-14 to UTC+14). 0 or MG_EINVAL (and *minutes untouched). */
int mg_utc_offset_parse(const char *s, int *minutes);

/* ---- A night ---------------------------------------------------------- */

#define MG_NIGHT_UNSET (-1)         /* a time or count not given */
#define MG_NIGHT_MAX_AWAKENINGS 100
#define MG_UTC_OFFSET_MAX 840       /* minutes; offsets are -840..840 */

/* The CSD core items 1-8 (item 9, the comment, is free text kept by the
 * store). Flag names in brackets; they are also the field names of
 * mg_night_parse_field and of err->field. */
struct mg_night {
	int32_t date;       /* [date] the morning of completion: the calendar day of
			     * the final awakening (see mg_night_timeline);
			     * MG_DATE_UNSET = not given */
	int bed;            /* [bed] item 1, clock minutes 0..1439 */
	int try_sleep;      /* [try-sleep] item 2; MG_NIGHT_UNSET = same as bed */
	int final_wake;     /* [final-wake] item 6 */
	int out_of_bed;     /* [out-of-bed] item 7 */
	int sol_min;        /* [sol] item 3, minutes to fall asleep after try_sleep */
	int awakenings;     /* [awakenings] item 4, 0..100, not counting the final one */
	int waso_min;       /* [waso] item 5, total minutes of those awakenings */
	int quality;        /* [quality] item 8, 1 very poor .. 5 very good; 0 = not given */
	int utc_offset_evening; /* [utc-offset-evening] minutes east of UTC at bed time */
	int utc_offset_morning; /* [utc-offset-morning] ... at the final awakening;
				 * equal (e.g. both 0) when unknown */
};

/* Everything not given: date MG_DATE_UNSET; bed, try_sleep, final_wake,
 * out_of_bed, sol_min, awakenings, waso_min MG_NIGHT_UNSET; quality 0; both
 * offsets 0. */
void mg_night_init(struct mg_night *n);

/* Set one field from text, as typed after a CLI flag or at a prompt. field is
 * one of: date, bed, try-sleep, final-wake, out-of-bed (clock times), sol,
 * waso (durations, mg_duration_parse), awakenings (0..100), quality (1..5),
 * utc-offset-evening, utc-offset-morning (mg_utc_offset_parse). The value is
 * checked on its own (syntax and range); cross-field checks are in
 * mg_night_compute. The caller trims whitespace. 0, or MG_EINVAL with the
 * field named and the accepted form given, never the value; on error *n is
 * unchanged. */
int mg_night_parse_field(struct mg_night *n, const char *field, const char *value, struct mg_error *err);

/* 1 if name is one of the field names above, else 0. */
int mg_night_is_field(const char *name);

/* The first required item still unset, in diary order ("date", "bed",
 * "final-wake", "out-of-bed", "sol", "awakenings", "waso"), or NULL when all
 * are there. try-sleep, quality and the offsets have defaults. For the CLI's
 * "ask only for what is missing". Returns a string literal. */
const char *mg_night_first_missing(const struct mg_night *n);

/* Unset one field again (date, a clock time, a count or duration: "not
 * given"; quality: 0; an offset: 0), so it can be asked once more after
 * mg_night_compute rejected the night naming it. 0, or MG_EINVAL for an
 * unknown field name (nothing changed). */
int mg_night_clear_field(struct mg_night *n, const char *field);

/* A night is dated by the morning of its final awakening, which cannot be
 * after today (the caller's local date; the library has no clock). 0, or
 * MG_EINVAL naming "date" ("--date: in the future ..."). MG_DATE_UNSET is
 * left to mg_night_first_missing. */
int mg_night_check_date(int32_t date, int32_t today, struct mg_error *err);

/* ---- Magnesium that evening -------------------------------------------- */

/* What the diary knows about magnesium on the evening before a night. The
 * stored entry (docs/diary.md) keeps the three apart: "magnesium" is an
 * object (taken), null (none) or "unknown"; an entry without the key (one
 * written before the key was always set) was logged with no answer, so it
 * is unknown too. Not answered is never read as none. */
enum mg_night_mg { MG_NIGHT_MG_UNKNOWN = -1, MG_NIGHT_MG_NONE = 0, MG_NIGHT_MG_TAKEN = 1 };

#define MG_NIGHT_MG_MIN 1        /* elemental mg in one evening, the range accepted */
#define MG_NIGHT_MG_MAX 2000
#define MG_NIGHT_MG_MAX_UNITS 20 /* capsules, tablets ... in one evening */

/* One answer to "Magnesium yesterday evening?", as people say it (case and
 * spacing free):
 *   no, none, nothing, 0                 MG_NIGHT_MG_NONE
 *   ?, unknown, not sure, don't know     MG_NIGHT_MG_UNKNOWN
 *   250 [mg] [of] [magnesium] [FORM]     TAKEN, mg = 250 (elemental), "250mg" too
 *   2 capsules [of] [magnesium] [FORM]   TAKEN, count = 2, unit "capsules", mg NaN:
 *                                        the caller asks the mg in one unit
 * Units: capsule(s), cap(s), tablet(s), tab(s), pill(s), softgel(s),
 * scoop(s), sachet(s), gummy/gummies; the count is a number (0.5 .. 20, "1.5")
 * or a word one .. ten, a, an. form is the rest of the answer, lower case,
 * single-spaced, "" when none was given; the caller looks it up in the KB.
 * 0, or MG_EINVAL with err->field "magnesium" and the accepted forms (never
 * the answer); on error *a is unchanged. */
struct mg_night_mg_answer {
	enum mg_night_mg state;
	double mg;      /* elemental mg, MG_NIGHT_MG_MIN..MAX; NaN when not given */
	double count;   /* units, when the answer counted them; else NaN */
	char unit[16];  /* canonical plural: "capsules", "tablets", "pills", ... */
	char form[48];
};
int mg_night_mg_answer_parse(const char *s, struct mg_night_mg_answer *a, struct mg_error *err);

/* The label's amount in one unit: "100", "100 mg", "100mg", "62.5"
 * (0 < x <= MG_NIGHT_MG_MAX). 0 or MG_EINVAL ("magnesium per unit"; *mg
 * untouched). */
int mg_night_mg_amount_parse(const char *s, double *mg, struct mg_error *err);

/* ---- Timeline --------------------------------------------------------- */

enum mg_night_event { MG_EV_BED, MG_EV_TRY_SLEEP, MG_EV_FINAL_WAKE, MG_EV_OUT_OF_BED, MG_EV_COUNT };

struct mg_night_times {
	/* Local wall-clock minutes since 1970-01-01 00:00 (local), per event;
	 * date = floor(local / 1440), clock = local mod 1440. */
	int64_t local[MG_EV_COUNT];
	/* Minutes since 1970-01-01 00:00 UTC: local minus the evening offset for
	 * bed and try-sleep, minus the morning offset for final-wake and
	 * out-of-bed. */
	int64_t utc[MG_EV_COUNT];
};

/* Lay the night out in time. Rule: starting from bed, each clock time is its
 * first occurrence at or after the previous one (bed <= try_sleep <=
 * final_wake <= out_of_bed), crossing midnight as needed; the whole sequence
 * is then anchored so that final_wake falls on the calendar day `date`. So
 * bed 22:30 / final 06:30 / date 2026-11-23 puts bed on 2026-11-22; a night
 * worker's bed 08:00 / final 15:00 has everything on `date`; someone who
 * wakes at 23:50 and gets up at 00:10 has out_of_bed on the day after `date`.
 *
 * Needs date, bed, final_wake and out_of_bed (and try_sleep if given), not the
 * offsets' consistency, so the CLI can call it first to learn the local
 * instants of bed and final awakening, look up the UTC offsets there, store
 * them in the night and then call mg_night_compute. Validates only the fields
 * it uses (present and in range), not the 24 h limit (mg_night_compute does,
 * in real time): the clock span from bed to out_of_bed may be up to 3 x 1439
 * minutes here. The UTC fields use the offsets as they are in *n. */
int mg_night_timeline(const struct mg_night *n, struct mg_night_times *t, struct mg_error *err);

/* ---- Metrics ---------------------------------------------------------- */

/* Derived metrics of one night, all in minutes except se_pct (reference 7.3):
 *   tib   time in bed                  out_of_bed - bed
 *   sol   sleep-onset latency          item 3
 *   waso  wake after sleep onset       item 5; EXCLUDES terminal wakefulness
 *   tst   total sleep time             (final_wake - try_sleep) - sol - waso
 *   terminal_wake                      out_of_bed - final_wake
 *   se_pct sleep efficiency            tst / tib x 100 (not rounded)
 *   waso_with_terminal                 waso + terminal_wake, the other labs'
 *                                      WASO (reference 7.3 notes both); TST
 *                                      and SE are the same either way.
 * Elapsed times are real minutes: when the UTC offsets differ (a DST change
 * or travel), the change is placed between try_sleep and final_wake, so
 * tib and (final_wake - try_sleep) are the clock difference minus
 * (utc_offset_morning - utc_offset_evening); bed -> try_sleep and
 * final_wake -> out_of_bed are plain clock differences. */
struct mg_night_metrics {
	int tib, sol, waso, tst, terminal_wake;
	double se_pct;
	int waso_with_terminal;
};

/* Validate the whole night and compute its metrics (m may be NULL to only
 * validate). Errors, each naming its field:
 *   a required item missing or out of range; try_sleep not -1 or 0..1439;
 *   negative sol, awakenings or waso; awakenings over 100; quality not 0..5;
 *   an offset outside -840..840; waso > 0 with awakenings 0 (awakenings);
 *   a night over 24 h of real time (the field ending the longest clock gap,
 *   usually a time entered out of order); no time in bed (out-of-bed);
 *   final_wake before try_sleep once the offsets are applied (final-wake);
 *   sol longer than final_wake - try_sleep (sol); sol + waso longer than
 *   that (waso).
 * On error *m is untouched. */
int mg_night_compute(const struct mg_night *n, struct mg_night_metrics *m, struct mg_error *err);

/* ---- A stored night read back ------------------------------------------ */

/* One diary night as the store keeps it (mg_db_nights_each): the entry's
 * items, the metrics stored beside it, and the magnesium of that evening. */
struct mg_night_record {
	struct mg_night n;          /* n.date: the morning; items not in the entry unset */
	struct mg_night_metrics m;  /* as stored; se_pct to 0.1 as the listings show it */
	double mg_elemental_mg;     /* elemental mg taken that evening; NaN if none recorded */
	enum mg_night_mg magnesium; /* the entry's answer: taken, none (null), or not answered */
};

/* The diary items of a stored entry (the JSON object docs/diary.md
 * describes: "date", "bed", "try_sleep", "final_wake", "out_of_bed" as
 * text, "sol_min", "awakenings", "waso_min", "quality", the offsets, and
 * "magnesium": an object, null or "unknown"). Lenient as a reader of what
 * was already stored: an item missing or of the wrong type is left unset
 * (mg_night_init), so a damaged item never hides the rest. *mg may be
 * NULL. MG_EPARSE (field "entry", with the byte offset) when the text is
 * not a JSON object; *n is then all unset. */
int mg_night_entry_parse(const char *json, size_t len, struct mg_night *n, enum mg_night_mg *mg, struct mg_error *err);

/* ---- The whole stored entry ------------------------------------------- */

#define MG_NIGHT_COMMENT_MAX 2000 /* bytes; what 'mgsleep log --comment' accepts */
#define MG_NIGHT_MAX_TAGS 16
#define MG_NIGHT_TAG_MAX 31

/* Everything a stored entry says, for the readers that show more than the
 * items (diary listing, report, exports). Caller-allocated and, like every
 * struct here, without pointers: strings are copied into the fixed buffers
 * below, so the struct outlives the JSON it came from and copies freely
 * (about 2.6 KB). What was not stored, or was stored with the wrong type, is
 * "not stored": NaN, MG_NIGHT_UNSET, "" or 0 as said per field. */
struct mg_night_entry {
	struct mg_night n;          /* the items, as mg_night_entry_parse gives them */
	enum mg_night_mg magnesium; /* taken (object), none (null), else not answered */
	/* The "magnesium" object's items; only when magnesium is TAKEN. */
	double elemental_mg;        /* "elemental_mg"; NaN */
	double compound_mg;         /* "compound_mg", the compound's mass; NaN */
	double count;               /* "count" of units ("2 capsules"); NaN */
	double mg_per_unit;         /* "mg_per_unit", elemental mg in one unit; NaN */
	char unit[16];              /* "unit" ("capsules"); "" */
	char form[48];              /* "form", a KB compound id; "" */
	char time[6];               /* "time" taken, as stored when it is a valid clock time; "" */
	int time_min;               /* the same as clock minutes; MG_NIGHT_UNSET */
	int nap_min;                /* "nap_min", naps that day in minutes (0..1440); MG_NIGHT_UNSET */
	size_t n_tags;              /* "tags": its strings, in order; others skipped */
	char tags[MG_NIGHT_MAX_TAGS][MG_NIGHT_TAG_MAX + 1]; /* longer tags cut, more tags dropped */
	int has_comment;            /* "comment" is a string */
	int comment_cut;            /* it was longer than MG_NIGHT_COMMENT_MAX bytes: cut at a
				     * UTF-8 character boundary (only a store edited by hand or
				     * restored from elsewhere holds one) */
	char comment[MG_NIGHT_COMMENT_MAX + 1]; /* CSD item 9, as typed: may hold control
						 * characters; the renderer escapes them */
};

/* Reads a stored entry whole: the one reader of the entry's format
 * (docs/diary.md). Lenient as mg_night_entry_parse is, with the same errors;
 * on MG_EPARSE *e is all "not stored" (magnesium not answered). */
int mg_night_entry_read(const char *json, size_t len, struct mg_night_entry *e, struct mg_error *err);

#endif
