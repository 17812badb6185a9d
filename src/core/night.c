/* Consensus Sleep Diary nights: dates, clock times, durations, the timeline
 * and the derived metrics (reference section 7.3), and the stored entry read
 * back. Pure: no I/O, no heap beyond jansson's while reading an entry, no
 * mutable globals, no clock, no libc time functions. See mgsleep/night.h and
 * docs/diary.md. */
#include <mgsleep/night.h>

#include <jansson.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- Calendar (Howard Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms"; proleptic Gregorian, March-based years). Internally 64-bit so
 * that no int argument can overflow. */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int32_t mg_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;                                           /* [0, 399] */
	int64_t mp = (int64_t)m + (m > 2 ? -3 : 9);                             /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;                      /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                    /* [0, 146096] */
	return (int32_t)(era * 146097 + doe - 719468);
}

void mg_civil_from_days(int32_t days, int *y, int *m, int *d)
{
	int64_t z = (int64_t)days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;                                         /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;    /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;                                       /* [0, 11] */
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;                              /* [1, 31] */
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;                                 /* [1, 12] */
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int mg_weekday(int32_t days)
{
	/* 1970-01-01 (day 0) was a Thursday: ISO 4. */
	int64_t r = ((int64_t)days + 3) % 7;
	if (r < 0)
		r += 7;
	return (int)r + 1;
}

int mg_is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int mg_days_in_month(int y, int m)
{
	static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && mg_is_leap_year(y) ? 29 : dim[m - 1];
}

int32_t mg_day_of(int64_t seconds)
{
	return (int32_t)(seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400));
}

/* strlen, but looks at no more than max + 1 bytes (returns max + 1 if longer). */
static size_t len_upto(const char *s, size_t max)
{
	size_t n = 0;
	while (n <= max && s[n])
		n++;
	return n;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* n digits at s as a number, or -1 if any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int mg_date_parse(const char *s, int32_t *days)
{
	if (!s || !days)
		return MG_EINVAL;
	/* Check the length first, so that no digit test reads past the NUL. */
	if (len_upto(s, 10) != 10 || s[4] != '-' || s[7] != '-')
		return MG_EINVAL;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1 || d > mg_days_in_month(y, m))
		return MG_EINVAL;
	*days = mg_days_from_civil(y, m, d);
	return 0;
}

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

void mg_date_format(int32_t days, char out[11])
{
	int y = 0, m = 0, d = 0;
	if (days >= MG_DATE_MIN && days <= MG_DATE_MAX)
		mg_civil_from_days(days, &y, &m, &d);
	put2(out, y / 100);
	put2(out + 2, y % 100);
	out[4] = '-';
	put2(out + 5, m);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = '\0';
}

/* ---- Clock times, durations, offsets ---------------------------------- */

int mg_clock_parse(const char *s, int *minutes)
{
	if (!s || !minutes)
		return MG_EINVAL;
	size_t n = len_upto(s, 5);
	int h;
	if (n == 5 && s[2] == ':')
		h = digits(s, 2);
	else if (n == 4 && s[1] == ':')
		h = digits(s, 1);
	else
		return MG_EINVAL;
	int mi = digits(s + n - 2, 2);
	if (h < 0 || h > 23 || mi < 0 || mi > 59)
		return MG_EINVAL;
	*minutes = h * 60 + mi;
	return 0;
}

void mg_clock_format(int minutes, char out[6])
{
	if (minutes < 0 || minutes > 1439) {
		memcpy(out, "--:--", 6);
		return;
	}
	put2(out, minutes / 60);
	out[2] = ':';
	put2(out + 3, minutes % 60);
	out[5] = '\0';
}

/* 1..4 leading digits at *s: the value, *s advanced; -1 if none or too many. */
static int number(const char **s)
{
	const char *p = *s;
	int v = 0, n = 0;
	while (is_digit(*p)) {
		if (++n > 4)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	if (n == 0)
		return -1;
	*s = p;
	return v;
}

int mg_duration_parse(const char *s, int *minutes)
{
	if (!s || !minutes)
		return MG_EINVAL;
	const char *p = s;
	int a = number(&p), v;
	if (a < 0)
		return MG_EINVAL;
	if (*p == '\0' || ((*p == 'm' || *p == 'M') && p[1] == '\0')) {
		v = a; /* "30", "90m" */
	} else if (*p == 'h' || *p == 'H') {
		p++;
		int b = 0;
		if (*p != '\0') { /* "1h30", "1h30m" */
			b = number(&p);
			if (b < 0 || b > 59)
				return MG_EINVAL;
			if (*p == 'm' || *p == 'M')
				p++;
			if (*p != '\0')
				return MG_EINVAL;
		}
		v = a * 60 + b;
	} else {
		return MG_EINVAL;
	}
	if (v > MG_NIGHT_MAX_MIN)
		return MG_EINVAL;
	*minutes = v;
	return 0;
}

int mg_utc_offset_parse(const char *s, int *minutes)
{
	if (!s || !minutes)
		return MG_EINVAL;
	int sign = 1, v;
	const char *p = s;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	size_t n = len_upto(p, 5);
	if (n == 5 && p[2] == ':') { /* "+05:30" (a sign is required) */
		int h = digits(p, 2), mi = digits(p + 3, 2);
		if (p == s || h < 0 || mi < 0 || mi > 59)
			return MG_EINVAL;
		v = h * 60 + mi;
	} else {
		v = number(&p);
		if (v < 0 || *p != '\0')
			return MG_EINVAL;
	}
	if (v > MG_UTC_OFFSET_MAX)
		return MG_EINVAL;
	*minutes = sign * v;
	return 0;
}

/* ---- Fields ------------------------------------------------------------ */

enum kind { K_DATE, K_CLOCK, K_DURATION, K_COUNT, K_QUALITY, K_OFFSET };

struct field {
	const char *name;
	enum kind kind;
	size_t off; /* offsetof the int in struct mg_night (not for K_DATE) */
};

static const struct field fields[] = {
	{"date", K_DATE, 0},
	{"bed", K_CLOCK, offsetof(struct mg_night, bed)},
	{"try-sleep", K_CLOCK, offsetof(struct mg_night, try_sleep)},
	{"sol", K_DURATION, offsetof(struct mg_night, sol_min)},
	{"awakenings", K_COUNT, offsetof(struct mg_night, awakenings)},
	{"waso", K_DURATION, offsetof(struct mg_night, waso_min)},
	{"final-wake", K_CLOCK, offsetof(struct mg_night, final_wake)},
	{"out-of-bed", K_CLOCK, offsetof(struct mg_night, out_of_bed)},
	{"quality", K_QUALITY, offsetof(struct mg_night, quality)},
	{"utc-offset-evening", K_OFFSET, offsetof(struct mg_night, utc_offset_evening)},
	{"utc-offset-morning", K_OFFSET, offsetof(struct mg_night, utc_offset_morning)},
};

static const struct field *find_field(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

int mg_night_is_field(const char *name)
{
	return find_field(name) != NULL;
}

void mg_night_init(struct mg_night *n)
{
	n->date = MG_DATE_UNSET;
	n->bed = n->try_sleep = n->final_wake = n->out_of_bed = MG_NIGHT_UNSET;
	n->sol_min = n->awakenings = n->waso_min = MG_NIGHT_UNSET;
	n->quality = 0;
	n->utc_offset_evening = n->utc_offset_morning = 0;
}

static const char *expected(enum kind k)
{
	switch (k) {
	case K_DATE:
		return "a date YYYY-MM-DD (0000-01-01 to 9999-12-31)";
	case K_CLOCK:
		return "a clock time HH:MM, 00:00 to 23:59";
	case K_DURATION:
		return "minutes, or hours and minutes as in 1h30 or 90m, at most 24 h";
	case K_COUNT:
		return "a whole number from 0 to 100";
	case K_QUALITY:
		return "1 (very poor) to 5 (very good)";
	case K_OFFSET:
		return "minutes east of UTC (+60, -300) or +HH:MM, from -14:00 to +14:00";
	}
	return "";
}

int mg_night_parse_field(struct mg_night *n, const char *field, const char *value, struct mg_error *err)
{
	const struct field *f = find_field(field);
	if (!f)
		return mg_fail(err, MG_EINVAL, field, "--%.40s: unknown diary field; accepted: date, bed, "
			       "try-sleep, sol, awakenings, waso, final-wake, out-of-bed, quality, "
			       "utc-offset-evening, utc-offset-morning", field ? field : "(none)");
	if (!value || !*value)
		return mg_fail(err, MG_EINVAL, f->name, "--%s: no value; expected %s", f->name, expected(f->kind));
	int v = 0, r = MG_EINVAL;
	int32_t days = 0;
	switch (f->kind) {
	case K_DATE:
		r = mg_date_parse(value, &days);
		break;
	case K_CLOCK:
		r = mg_clock_parse(value, &v);
		break;
	case K_DURATION:
		r = mg_duration_parse(value, &v);
		break;
	case K_OFFSET:
		r = mg_utc_offset_parse(value, &v);
		break;
	case K_COUNT: {
		const char *p = value;
		v = number(&p);
		r = v >= 0 && v <= MG_NIGHT_MAX_AWAKENINGS && *p == '\0' ? 0 : MG_EINVAL;
		break;
	}
	case K_QUALITY:
		v = value[0] - '0';
		r = value[1] == '\0' && v >= 1 && v <= 5 ? 0 : MG_EINVAL;
		break;
	}
	if (r)
		return mg_fail(err, MG_EINVAL, f->name, "--%s: not accepted; expected %s", f->name, expected(f->kind));
	if (f->kind == K_DATE)
		n->date = days;
	else
		*(int *)(void *)((char *)n + f->off) = v;
	return 0;
}

const char *mg_night_first_missing(const struct mg_night *n)
{
	if (n->date == MG_DATE_UNSET)
		return "date";
	if (n->bed == MG_NIGHT_UNSET)
		return "bed";
	if (n->final_wake == MG_NIGHT_UNSET)
		return "final-wake";
	if (n->out_of_bed == MG_NIGHT_UNSET)
		return "out-of-bed";
	if (n->sol_min == MG_NIGHT_UNSET)
		return "sol";
	if (n->awakenings == MG_NIGHT_UNSET)
		return "awakenings";
	if (n->waso_min == MG_NIGHT_UNSET)
		return "waso";
	return NULL;
}

/* ---- Timeline ---------------------------------------------------------- */

static int check_clock(int v, const char *name, int optional, struct mg_error *err)
{
	if (v == MG_NIGHT_UNSET && !optional)
		return mg_fail(err, MG_EINVAL, name, "--%s: missing; expected %s", name, expected(K_CLOCK));
	if ((v < 0 && !(optional && v == MG_NIGHT_UNSET)) || v > 1439)
		return mg_fail(err, MG_EINVAL, name, "--%s: out of range; expected %s", name, expected(K_CLOCK));
	return 0;
}

/* Clock gaps bed -> try -> final -> out, each 0..1439 (first occurrence at or
 * after the previous time). */
static void clock_gaps(const struct mg_night *n, int gap[3])
{
	int t = n->try_sleep == MG_NIGHT_UNSET ? n->bed : n->try_sleep;
	gap[0] = ((t - n->bed) % 1440 + 1440) % 1440;
	gap[1] = ((n->final_wake - t) % 1440 + 1440) % 1440;
	gap[2] = ((n->out_of_bed - n->final_wake) % 1440 + 1440) % 1440;
}

int mg_night_timeline(const struct mg_night *n, struct mg_night_times *t, struct mg_error *err)
{
	int r;
	if (n->date == MG_DATE_UNSET)
		return mg_fail(err, MG_EINVAL, "date", "--date: missing; expected %s", expected(K_DATE));
	if (n->date < MG_DATE_MIN || n->date > MG_DATE_MAX)
		return mg_fail(err, MG_EINVAL, "date", "--date: out of range; expected %s", expected(K_DATE));
	if ((r = check_clock(n->bed, "bed", 0, err)) || (r = check_clock(n->try_sleep, "try-sleep", 1, err)) ||
	    (r = check_clock(n->final_wake, "final-wake", 0, err)) ||
	    (r = check_clock(n->out_of_bed, "out-of-bed", 0, err)))
		return r;
	int gap[3];
	clock_gaps(n, gap);
	int64_t fw = (int64_t)n->date * 1440 + n->final_wake;
	t->local[MG_EV_FINAL_WAKE] = fw;
	t->local[MG_EV_TRY_SLEEP] = fw - gap[1];
	t->local[MG_EV_BED] = fw - gap[1] - gap[0];
	t->local[MG_EV_OUT_OF_BED] = fw + gap[2];
	t->utc[MG_EV_BED] = t->local[MG_EV_BED] - n->utc_offset_evening;
	t->utc[MG_EV_TRY_SLEEP] = t->local[MG_EV_TRY_SLEEP] - n->utc_offset_evening;
	t->utc[MG_EV_FINAL_WAKE] = t->local[MG_EV_FINAL_WAKE] - n->utc_offset_morning;
	t->utc[MG_EV_OUT_OF_BED] = t->local[MG_EV_OUT_OF_BED] - n->utc_offset_morning;
	return 0;
}

/* ---- Validation and metrics ------------------------------------------- */

static int check_amount(int v, const char *name, int max, struct mg_error *err)
{
	if (v == MG_NIGHT_UNSET)
		return mg_fail(err, MG_EINVAL, name, "--%s: missing; expected %s", name,
			       expected(max == MG_NIGHT_MAX_AWAKENINGS ? K_COUNT : K_DURATION));
	if (v < 0)
		return mg_fail(err, MG_EINVAL, name, "--%s: must not be negative", name);
	if (v > max)
		return mg_fail(err, MG_EINVAL, name, "--%s: more than %s", name,
			       max == MG_NIGHT_MAX_AWAKENINGS ? "100 awakenings" : "24 h");
	return 0;
}

static int check_offset(int v, const char *name, struct mg_error *err)
{
	if (v < -MG_UTC_OFFSET_MAX || v > MG_UTC_OFFSET_MAX)
		return mg_fail(err, MG_EINVAL, name, "--%s: out of range; expected %s", name, expected(K_OFFSET));
	return 0;
}

int mg_night_compute(const struct mg_night *n, struct mg_night_metrics *m, struct mg_error *err)
{
	static const char *const gap_end[3] = {"try-sleep", "final-wake", "out-of-bed"};
	struct mg_night_times t;
	int r;
	/* Each field on its own, in diary order. */
	if ((r = mg_night_timeline(n, &t, err)) || (r = check_amount(n->sol_min, "sol", MG_NIGHT_MAX_MIN, err)) ||
	    (r = check_amount(n->awakenings, "awakenings", MG_NIGHT_MAX_AWAKENINGS, err)) ||
	    (r = check_amount(n->waso_min, "waso", MG_NIGHT_MAX_MIN, err)) ||
	    (r = check_offset(n->utc_offset_evening, "utc-offset-evening", err)) ||
	    (r = check_offset(n->utc_offset_morning, "utc-offset-morning", err)))
		return r;
	if (n->quality < 0 || n->quality > 5)
		return mg_fail(err, MG_EINVAL, "quality", "--quality: out of range; expected %s", expected(K_QUALITY));
	if (n->waso_min > 0 && n->awakenings == 0)
		return mg_fail(err, MG_EINVAL, "awakenings",
			       "--awakenings: must be at least 1 when --waso is more than 0 minutes");

	/* The timeline in real minutes; the clock change (if any) lies between
	 * try-sleep and final-wake. */
	int gap[3];
	clock_gaps(n, gap);
	int shift = n->utc_offset_morning - n->utc_offset_evening;
	int span = gap[1] - shift; /* try-sleep -> final-wake, real minutes */
	int tib = gap[0] + span + gap[2];
	if (tib > MG_NIGHT_MAX_MIN) {
		/* Usually one time typed out of order wraps almost a full day:
		 * name the field that ends the longest gap. */
		int k = gap[1] >= gap[0] ? 1 : 0;
		if (gap[2] > gap[k])
			k = 2;
		return mg_fail(err, MG_EINVAL, gap_end[k],
			       "--%s: the night would last more than 24 h; times run --bed, --try-sleep, "
			       "--final-wake, --out-of-bed, each at or after the one before",
			       gap_end[k]);
	}
	if (span < 0)
		return mg_fail(err, MG_EINVAL, "final-wake",
			       "--final-wake: before --try-sleep once the change of UTC offset is applied");
	if (tib == 0)
		return mg_fail(err, MG_EINVAL, "out-of-bed", "--out-of-bed: no time in bed: the same instant as --bed");
	if (n->sol_min > span)
		return mg_fail(err, MG_EINVAL, "sol",
			       "--sol: asleep only after the final awakening: longer than the time from "
			       "--try-sleep to --final-wake");
	if (n->sol_min + n->waso_min > span)
		return mg_fail(err, MG_EINVAL, "waso",
			       "--waso: --sol plus --waso is longer than the time from --try-sleep to --final-wake");
	if (m) {
		m->tib = tib;
		m->sol = n->sol_min;
		m->waso = n->waso_min;
		m->tst = span - n->sol_min - n->waso_min;
		m->terminal_wake = gap[2];
		m->waso_with_terminal = n->waso_min + gap[2];
		m->se_pct = 100.0 * m->tst / tib;
	}
	return 0;
}

/* ---- Clearing a field, the date against today -------------------------- */

int mg_night_clear_field(struct mg_night *n, const char *field)
{
	const struct field *f = find_field(field);
	if (!f)
		return MG_EINVAL;
	if (f->kind == K_DATE)
		n->date = MG_DATE_UNSET;
	else
		*(int *)(void *)((char *)n + f->off) =
			f->kind == K_QUALITY || f->kind == K_OFFSET ? 0 : MG_NIGHT_UNSET;
	return 0;
}

int mg_night_check_date(int32_t date, int32_t today, struct mg_error *err)
{
	if (date != MG_DATE_UNSET && date > today)
		return mg_fail(err, MG_EINVAL, "date",
			       "--date: in the future; a night is dated by the morning of its final awakening, "
			       "today at the latest");
	return 0;
}

/* ---- Magnesium answers ------------------------------------------------- */

#define MG_ANSWER_MAX 127 /* longer answers are refused, not cut */
#define MG_ANSWER_WORDS 16

/* A decimal "250", "62.5" (at most 6 digits before the point and 3 after)
 * at *s; advances *s. 0 or -1. */
static int decimal(const char **s, double *v)
{
	const char *p = *s;
	double x = 0, scale = 1;
	int n = 0;
	while (is_digit(*p)) {
		if (++n > 6)
			return -1;
		x = x * 10 + (*p++ - '0');
	}
	if (n == 0)
		return -1;
	if (*p == '.') {
		p++;
		for (n = 0; is_digit(*p); n++) {
			if (n == 3)
				return -1;
			scale /= 10;
			x += (*p++ - '0') * scale;
		}
		if (n == 0)
			return -1;
	}
	*v = x;
	*s = p;
	return 0;
}

static int word_in(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return 1;
	return 0;
}

/* The canonical plural of a unit word, or NULL. */
static const char *unit_word(const char *w)
{
	static const char *const units[][3] = {
		{"capsules", "capsule", "capsules"}, {"capsules", "cap", "caps"},     {"tablets", "tablet", "tablets"},
		{"tablets", "tab", "tabs"},	     {"pills", "pill", "pills"},      {"softgels", "softgel", "softgels"},
		{"scoops", "scoop", "scoops"},	     {"sachets", "sachet", "sachets"}, {"gummies", "gummy", "gummies"},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(w, units[i][1]) || !strcmp(w, units[i][2]))
			return units[i][0];
	return NULL;
}

static int answer_fail(struct mg_error *err)
{
	return mg_fail(err, MG_EINVAL, "magnesium",
		       "magnesium: not understood; answer elemental mg and form (250 bisglycinate), a count "
		       "(2 capsules), no, or ? if you do not know");
}

int mg_night_mg_answer_parse(const char *s, struct mg_night_mg_answer *a, struct mg_error *err)
{
	static const char *const none[] = {"no", "none", "nothing", "0", "n", NULL};
	static const char *const unknown[] = {"?", "unknown", "not sure", "don't know", "dont know", "do not know",
					      "skip", NULL};
	static const char *const count_words[] = {"a", "an", "one", "two", "three", "four", "five",
						  "six", "seven", "eight", "nine", "ten", NULL};
	char buf[MG_ANSWER_MAX + 1], norm[MG_ANSWER_MAX + 1];
	const char *w[MG_ANSWER_WORDS];
	size_t nw = 0, len = 0, k = 0;
	if (!s || !a)
		return answer_fail(err);
	/* Lower case, split at blanks; norm is the words single-spaced. */
	for (const char *p = s;; p++) {
		if (len == MG_ANSWER_MAX)
			return answer_fail(err);
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0') {
			if (len && buf[len - 1]) {
				buf[len++] = '\0';
			}
			if (!c)
				break;
			continue;
		}
		if (!len || !buf[len - 1]) {
			if (nw == MG_ANSWER_WORDS)
				return answer_fail(err);
			w[nw++] = buf + len;
		}
		buf[len++] = c;
	}
	norm[0] = '\0';
	for (size_t i = 0, n = 0; i < nw; i++) {
		size_t l = strlen(w[i]);
		if (i)
			norm[n++] = ' ';
		memcpy(norm + n, w[i], l + 1);
		n += l;
	}
	struct mg_night_mg_answer r;
	memset(&r, 0, sizeof r);
	r.mg = r.count = (double)NAN;
	if (!nw)
		return answer_fail(err);
	if (word_in(norm, none) || word_in(norm, unknown)) {
		r.state = word_in(norm, none) ? MG_NIGHT_MG_NONE : MG_NIGHT_MG_UNKNOWN;
		*a = r;
		return 0;
	}
	/* The amount: a number (with "mg" attached or next) or a count word. */
	double x = 0;
	const char *p = w[0];
	int is_mg = 0;
	if (word_in(w[0], count_words)) {
		for (size_t i = 0; count_words[i]; i++)
			if (!strcmp(w[0], count_words[i]))
				x = i < 2 ? 1 : (double)(i - 1);
		p = "";
	} else if (decimal(&p, &x)) {
		return answer_fail(err);
	}
	if (!strcmp(p, "mg"))
		is_mg = 1;
	else if (*p)
		return answer_fail(err);
	k = 1;
	const char *unit = NULL;
	if (!is_mg && k < nw && !strcmp(w[k], "mg") && !word_in(w[0], count_words)) {
		is_mg = 1;
		k++;
	} else if (!is_mg && k < nw && (unit = unit_word(w[k])) != NULL) {
		k++;
	}
	if (!is_mg && !unit && word_in(w[0], count_words))
		return answer_fail(err); /* "two bisglycinate": two what? */
	if (x == 0) { /* "0 mg", "0 capsules": none taken */
		r.state = MG_NIGHT_MG_NONE;
		*a = r;
		return 0;
	}
	if (unit) {
		if (x > MG_NIGHT_MG_MAX_UNITS)
			return mg_fail(err, MG_EINVAL, "magnesium",
				       "magnesium: accepted: up to %d capsules, tablets, scoops ... in one evening",
				       MG_NIGHT_MG_MAX_UNITS);
		r.count = x;
		snprintf(r.unit, sizeof r.unit, "%s", unit);
	} else {
		if (x < MG_NIGHT_MG_MIN || x > MG_NIGHT_MG_MAX)
			return mg_fail(err, MG_EINVAL, "magnesium",
				       "magnesium: accepted: %d to %d mg elemental magnesium in one evening",
				       MG_NIGHT_MG_MIN, MG_NIGHT_MG_MAX);
		r.mg = x;
	}
	/* The form: what is left, without "of" and "magnesium". */
	if (k < nw && !strcmp(w[k], "of"))
		k++;
	if (k < nw && !strcmp(w[k], "magnesium"))
		k++;
	for (size_t n = 0; k < nw; k++) {
		size_t l = strlen(w[k]);
		if (n + l + 2 > sizeof r.form)
			return mg_fail(err, MG_EINVAL, "magnesium", "magnesium: the form is too long; see 'mgsleep forms'");
		if (n)
			r.form[n++] = ' ';
		memcpy(r.form + n, w[k], l + 1);
		n += l;
	}
	r.state = MG_NIGHT_MG_TAKEN;
	*a = r;
	return 0;
}

int mg_night_mg_amount_parse(const char *s, double *mg, struct mg_error *err)
{
	const char *p = s;
	double x = 0;
	while (p && (*p == ' ' || *p == '\t'))
		p++;
	int r = !p || decimal(&p, &x);
	while (!r && *p == ' ')
		p++;
	if (!r && (p[0] == 'm' || p[0] == 'M') && (p[1] == 'g' || p[1] == 'G'))
		p += 2;
	while (!r && (*p == ' ' || *p == '\t'))
		p++;
	if (r || *p || x <= 0 || x > MG_NIGHT_MG_MAX)
		return mg_fail(err, MG_EINVAL, "magnesium per unit",
			       "magnesium per unit: accepted: mg from the label, more than 0 and up to %d",
			       MG_NIGHT_MG_MAX);
	*mg = x;
	return 0;
}

/* ---- A stored entry read back ------------------------------------------- */

/* One owner for the entry's format: the names below are the ones the diary
 * writes (docs/diary.md). */
static void entry_clock(json_t *o, const char *key, int *out)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (s)
		mg_clock_parse(s, out);
}

static void entry_int(json_t *o, const char *key, int lo, int hi, int *out)
{
	json_t *v = json_object_get(o, key);
	if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi)
		*out = (int)json_integer_value(v);
}

/* The entry text as a JSON object, or NULL with err filled. */
static json_t *load_entry(const char *json, size_t len, struct mg_error *err)
{
	json_error_t je;
	json_t *o = json ? json_loadb(json, len, 0, &je) : NULL;
	if (json_is_object(o))
		return o;
	json_decref(o);
	/* jansson's text quotes the entry: only the offset is kept. */
	mg_fail(err, MG_EPARSE, "entry", "diary entry: not a JSON object (byte %d)", json ? je.position : 0);
	return NULL;
}

static void entry_items(json_t *o, struct mg_night *n)
{
	const char *ds = json_string_value(json_object_get(o, "date"));
	if (ds)
		mg_date_parse(ds, &n->date);
	entry_clock(o, "bed", &n->bed);
	entry_clock(o, "try_sleep", &n->try_sleep);
	entry_clock(o, "final_wake", &n->final_wake);
	entry_clock(o, "out_of_bed", &n->out_of_bed);
	entry_int(o, "sol_min", 0, MG_NIGHT_MAX_MIN, &n->sol_min);
	entry_int(o, "awakenings", 0, MG_NIGHT_MAX_AWAKENINGS, &n->awakenings);
	entry_int(o, "waso_min", 0, MG_NIGHT_MAX_MIN, &n->waso_min);
	entry_int(o, "quality", 1, 5, &n->quality);
	entry_int(o, "utc_offset_evening", -MG_UTC_OFFSET_MAX, MG_UTC_OFFSET_MAX, &n->utc_offset_evening);
	entry_int(o, "utc_offset_morning", -MG_UTC_OFFSET_MAX, MG_UTC_OFFSET_MAX, &n->utc_offset_morning);
}

/* No key (an entry from before it was always set) is not answered. */
static enum mg_night_mg entry_mg(json_t *m)
{
	return json_is_object(m) ? MG_NIGHT_MG_TAKEN : json_is_null(m) ? MG_NIGHT_MG_NONE : MG_NIGHT_MG_UNKNOWN;
}

int mg_night_entry_parse(const char *json, size_t len, struct mg_night *n, enum mg_night_mg *mg, struct mg_error *err)
{
	mg_night_init(n);
	if (mg)
		*mg = MG_NIGHT_MG_UNKNOWN;
	json_t *o = load_entry(json, len, err);
	if (!o)
		return MG_EPARSE;
	entry_items(o, n);
	if (mg)
		*mg = entry_mg(json_object_get(o, "magnesium"));
	json_decref(o);
	return 0;
}

static double entry_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : (double)NAN;
}

/* Copies s into out (n bytes with the NUL), cut at a UTF-8 character
 * boundary when too long; 1 if it was cut. */
static int copy_cut(char *out, size_t n, const char *s, size_t len)
{
	int cut = len >= n;
	if (cut) {
		len = n - 1;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return cut;
}

static void entry_text(json_t *o, const char *key, char *out, size_t n)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		copy_cut(out, n, json_string_value(v), json_string_length(v));
}

int mg_night_entry_read(const char *json, size_t len, struct mg_night_entry *e, struct mg_error *err)
{
	memset(e, 0, sizeof *e);
	mg_night_init(&e->n);
	e->magnesium = MG_NIGHT_MG_UNKNOWN;
	e->elemental_mg = e->compound_mg = e->count = e->mg_per_unit = (double)NAN;
	e->time_min = e->nap_min = MG_NIGHT_UNSET;
	json_t *o = load_entry(json, len, err), *m, *v;
	if (!o)
		return MG_EPARSE;
	entry_items(o, &e->n);
	m = json_object_get(o, "magnesium");
	e->magnesium = entry_mg(m);
	if (e->magnesium == MG_NIGHT_MG_TAKEN) {
		e->elemental_mg = entry_num(m, "elemental_mg");
		e->compound_mg = entry_num(m, "compound_mg");
		e->count = entry_num(m, "count");
		e->mg_per_unit = entry_num(m, "mg_per_unit");
		entry_text(m, "unit", e->unit, sizeof e->unit);
		entry_text(m, "form", e->form, sizeof e->form);
		const char *t = json_string_value(json_object_get(m, "time"));
		if (t && !mg_clock_parse(t, &e->time_min))
			snprintf(e->time, sizeof e->time, "%s", t);
	}
	entry_int(o, "nap_min", 0, MG_NIGHT_MAX_MIN, &e->nap_min);
	size_t i;
	json_array_foreach(json_object_get(o, "tags"), i, v) {
		if (json_is_string(v) && e->n_tags < MG_NIGHT_MAX_TAGS)
			copy_cut(e->tags[e->n_tags++], sizeof e->tags[0], json_string_value(v), json_string_length(v));
	}
	v = json_object_get(o, "comment");
	if ((e->has_comment = json_is_string(v)) != 0)
		e->comment_cut = copy_cut(e->comment, sizeof e->comment, json_string_value(v), json_string_length(v));
	json_decref(o);
	return 0;
}
