/* ISI and PSQI: parsing, validation and scoring (reference sections 7.1 and
 * 7.2; docs/questionnaires.md). Pure: no I/O, no globals, no clock; the only
 * heap use is jansson's tree inside mg_psqi_parse_json, freed before it
 * returns. Messages name the item and the accepted values, never the answer
 * given: health data stays out of error output. */
#include <mgsleep/questionnaire.h>

#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- util ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Trim spaces and tabs (also CR/LF, for typed lines) from both ends of
 * [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && (is_blank(**s) || **s == '\r' || **s == '\n')) {
		(*s)++;
		(*n)--;
	}
	while (*n && (is_blank((*s)[*n - 1]) || (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
		(*n)--;
}

/* A whole number made only of digits, capped at 9999 (enough to say "out of
 * range" without overflow). 0 ok, -1 not a whole number, -2 empty. */
static int parse_whole(const char *s, size_t n, int *v)
{
	trim(&s, &n);
	if (!n)
		return -2;
	int x = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		x = x * 10 + (s[i] - '0');
		if (x > 9999)
			x = 9999;
	}
	*v = x;
	return 0;
}

int mg_q_parse_hhmm(const char *s, int *minutes)
{
	if (!s || !is_digit(s[0]))
		return -1;
	int h = s[0] - '0';
	size_t i = 1;
	if (is_digit(s[1])) {
		h = h * 10 + (s[1] - '0');
		i = 2;
	}
	if (s[i] != ':' || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) || s[i + 3] != '\0')
		return -1;
	int m = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	if (h > 23 || m > 59)
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

/* ---------------------------------------------------------------- ISI ---- */

static const char *const isi_items[MG_ISI_ITEMS] = {
	"Difficulty falling asleep",
	"Difficulty staying asleep",
	"Problems waking up too early",
	"How satisfied/dissatisfied are you with your current sleep pattern?",
	"How noticeable to others do you think your sleep problem is in terms of impairing the quality of "
	"your life?",
	"How worried/distressed are you about your current sleep problem?",
	"To what extent do you consider your sleep problem to interfere with your daily functioning (e.g. "
	"daytime fatigue, mood, ability to function at work/daily chores, concentration, memory, mood, "
	"etc.) currently?",
};

static const char *const isi_anchors[MG_ISI_ITEMS][MG_ISI_MAX_ANSWER + 1] = {
	{"None", "Mild", "Moderate", "Severe", "Very severe"},
	{"None", "Mild", "Moderate", "Severe", "Very severe"},
	{"None", "Mild", "Moderate", "Severe", "Very severe"},
	{"Very satisfied", "Satisfied", "Moderately satisfied", "Dissatisfied", "Very dissatisfied"},
	{"Not at all noticeable", "A little", "Somewhat", "Much", "Very much noticeable"},
	{"Not at all worried", "A little", "Somewhat", "Much", "Very much worried"},
	{"Not at all interfering", "A little", "Somewhat", "Much", "Very much interfering"},
};

const char *mg_isi_instructions(void)
{
	return "For each question, choose the number that best describes your answer. Please rate the "
	       "current (i.e. last 2 weeks) severity of your insomnia problem(s).";
}

const char *mg_isi_item_text(int item)
{
	return item >= 1 && item <= MG_ISI_ITEMS ? isi_items[item - 1] : NULL;
}

const char *mg_isi_anchor(int item, int score)
{
	if (item < 1 || item > MG_ISI_ITEMS || score < 0 || score > MG_ISI_MAX_ANSWER)
		return NULL;
	return isi_anchors[item - 1][score];
}

int mg_isi_category_of(int total)
{
	if (total < 0 || total > MG_ISI_ITEMS * MG_ISI_MAX_ANSWER)
		return -1;
	return total <= 7 ? MG_ISI_NONE : total <= 14 ? MG_ISI_SUBTHRESHOLD : total <= 21 ? MG_ISI_MODERATE
											  : MG_ISI_SEVERE;
}

const char *mg_isi_category_name(int category)
{
	static const char *const names[] = {"none", "subthreshold", "moderate", "severe"};
	return category >= 0 && category <= MG_ISI_SEVERE ? names[category] : NULL;
}

const char *mg_isi_category_label(int category)
{
	static const char *const labels[] = {"no clinically significant insomnia", "subthreshold insomnia",
					     "clinical insomnia (moderate severity)", "clinical insomnia (severe)"};
	return category >= 0 && category <= MG_ISI_SEVERE ? labels[category] : NULL;
}

static int isi_reject(struct mg_error *err, int item, const char *what)
{
	char field[16];
	snprintf(field, sizeof field, "item%d", item);
	return mg_fail(err, MG_EINVAL, field, "isi item %d: %s; accepted 0 to 4", item, what);
}

static int isi_item(int item, const char *s, size_t n, int *score, struct mg_error *err)
{
	int v = 0;
	int r = parse_whole(s, n, &v);
	if (r == -2)
		return isi_reject(err, item, "missing answer");
	if (r < 0)
		return isi_reject(err, item, "not a whole number");
	if (v > MG_ISI_MAX_ANSWER)
		return isi_reject(err, item, "out of range");
	*score = v;
	return 0;
}

int mg_isi_parse_answer(int item, const char *text, int *score, struct mg_error *err)
{
	if (item < 1 || item > MG_ISI_ITEMS)
		return mg_fail(err, MG_EINVAL, "isi", "isi: no such item; items are 1 to 7");
	if (!text)
		return isi_reject(err, item, "missing answer");
	return isi_item(item, text, strlen(text), score, err);
}

int mg_isi_parse(const char *answers, int items[MG_ISI_ITEMS], struct mg_error *err)
{
	static const char accepted[] = "7 whole numbers 0 to 4 separated by commas, such as 2,1,1,1,1,1,1";
	if (!answers)
		return mg_fail(err, MG_EINVAL, "isi", "isi: no answers; accepted: %s", accepted);
	const char *s = answers;
	size_t len = strlen(s);
	trim(&s, &len);
	size_t count = 0;
	if (len) {
		count = 1;
		for (size_t i = 0; i < len; i++)
			count += s[i] == ',';
	}
	if (count != MG_ISI_ITEMS)
		return mg_fail(err, MG_EINVAL, "isi", "isi: expected 7 answers, got %zu; accepted: %s", count,
			       accepted);
	int tmp[MG_ISI_ITEMS];
	const char *p = s, *end = s + len;
	for (int k = 0; k < MG_ISI_ITEMS; k++) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		int r = isi_item(k + 1, p, (size_t)(stop - p), &tmp[k], err);
		if (r)
			return r;
		p = stop + (comma != NULL);
	}
	memcpy(items, tmp, sizeof tmp);
	return 0;
}

int mg_isi_score(const int items[MG_ISI_ITEMS], struct mg_isi *out, struct mg_error *err)
{
	int total = 0;
	for (int k = 0; k < MG_ISI_ITEMS; k++) {
		if (items[k] < 0 || items[k] > MG_ISI_MAX_ANSWER)
			return isi_reject(err, k + 1, items[k] < 0 ? "missing answer" : "out of range");
		total += items[k];
	}
	memcpy(out->items, items, sizeof out->items);
	out->total = total;
	out->category = mg_isi_category_of(total);
	return 0;
}

/* --------------------------------------------------------------- PSQI ---- */

static const char *const freq_anchors[4] = {"Not during the past month", "Less than once a week",
					    "Once or twice a week", "Three or more times a week"};
static const char *const quality_anchors[4] = {"Very good", "Fairly good", "Fairly bad", "Very bad"};
static const char *const enthusiasm_anchors[4] = {"No problem at all", "Only a very slight problem",
						  "Somewhat of a problem", "A very big problem"};

#define Q5(letter, what)                                                                                   \
	{"q5" letter, "5" letter,                                                                          \
	 "During the past month, how often have you had trouble sleeping because you " what "?", MG_PSQI_CHOICE, \
	 freq_anchors, 0}

/* Questionnaire order; the index is the slot (see slot_int). */
enum {
	I_BED, I_LAT, I_RISE, I_HOURS, I_Q5A, /* .. I_Q5A + 8 = Q5i */
	I_REASON = I_Q5A + 9, I_Q5J, I_QUALITY, I_MEDICATION, I_AWAKE, I_ENTHUSIASM,
};

static const struct mg_psqi_item psqi_items[MG_PSQI_ITEMS] = {
	{"bedtime", "1", "During the past month, what time have you usually gone to bed at night?", MG_PSQI_TIME,
	 NULL, 0},
	{"sleep_latency_min", "2",
	 "During the past month, how long (in minutes) has it usually taken you to fall asleep each night?",
	 MG_PSQI_MINUTES, NULL, 0},
	{"rise_time", "3", "During the past month, what time have you usually gotten up in the morning?",
	 MG_PSQI_TIME, NULL, 0},
	{"sleep_hours", "4",
	 "During the past month, how many hours of actual sleep did you get at night? (This may be different "
	 "than the number of hours you spent in bed.)",
	 MG_PSQI_HOURS, NULL, 0},
	Q5("a", "cannot get to sleep within 30 minutes"),
	Q5("b", "wake up in the middle of the night or early morning"),
	Q5("c", "have to get up to use the bathroom"),
	Q5("d", "cannot breathe comfortably"),
	Q5("e", "cough or snore loudly"),
	Q5("f", "feel too cold"),
	Q5("g", "feel too hot"),
	Q5("h", "had bad dreams"),
	Q5("i", "have pain"),
	{"q5j_reason", "5j",
	 "Other reason(s) for trouble sleeping during the past month, please describe (leave empty if none)",
	 MG_PSQI_TEXT, NULL, 1},
	{"q5j", "5j", "How often during the past month have you had trouble sleeping because of this?",
	 MG_PSQI_CHOICE, freq_anchors, 1},
	{"sleep_quality", "6", "During the past month, how would you rate your sleep quality overall?",
	 MG_PSQI_CHOICE, quality_anchors, 0},
	{"sleep_medication", "7",
	 "During the past month, how often have you taken medicine to help you sleep (prescribed or \"over "
	 "the counter\")?",
	 MG_PSQI_CHOICE, freq_anchors, 0},
	{"trouble_staying_awake", "8",
	 "During the past month, how often have you had trouble staying awake while driving, eating meals, or "
	 "engaging in social activity?",
	 MG_PSQI_CHOICE, freq_anchors, 0},
	{"enthusiasm", "9",
	 "During the past month, how much of a problem has it been for you to keep up enough enthusiasm to get "
	 "things done?",
	 MG_PSQI_CHOICE, enthusiasm_anchors, 0},
};

const char *mg_psqi_instructions(void)
{
	return "The following questions relate to your usual sleep habits during the past month only. Your "
	       "answers should indicate the most accurate reply for the majority of days and nights in the past "
	       "month. Please answer all questions.";
}

const struct mg_psqi_item *mg_psqi_item(int i)
{
	return i >= 0 && i < MG_PSQI_ITEMS ? &psqi_items[i] : NULL;
}

const char *mg_psqi_component_id(int i)
{
	static const char *const ids[MG_PSQI_COMPONENTS] = {"quality",      "latency",    "duration",
							    "efficiency",   "disturbances", "medication",
							    "daytime_dysfunction"};
	return i >= 0 && i < MG_PSQI_COMPONENTS ? ids[i] : NULL;
}

const char *mg_psqi_component_name(int i)
{
	static const char *const names[MG_PSQI_COMPONENTS] = {
		"subjective sleep quality", "sleep latency",       "sleep duration",      "habitual sleep efficiency",
		"sleep disturbances",       "use of sleep medication", "daytime dysfunction"};
	return i >= 0 && i < MG_PSQI_COMPONENTS ? names[i] : NULL;
}

void mg_psqi_answers_init(struct mg_psqi_answers *a)
{
	memset(a, 0, sizeof *a);
	a->bedtime_min = a->rise_min = -1;
	a->latency_min = a->sleep_hours = NAN;
	for (int i = 0; i < MG_PSQI_Q5; i++)
		a->q5[i] = -1;
	a->sleep_quality = a->sleep_medication = a->trouble_staying_awake = a->enthusiasm = -1;
}

static int find_item(const char *key)
{
	for (int i = 0; i < MG_PSQI_ITEMS; i++)
		if (!strcmp(key, psqi_items[i].key))
			return i;
	return -1;
}

/* Where a TIME or CHOICE item is stored: its offset in the answers. */
static size_t int_offset(int i)
{
	switch (i) {
	case I_BED: return offsetof(struct mg_psqi_answers, bedtime_min);
	case I_RISE: return offsetof(struct mg_psqi_answers, rise_min);
	case I_QUALITY: return offsetof(struct mg_psqi_answers, sleep_quality);
	case I_MEDICATION: return offsetof(struct mg_psqi_answers, sleep_medication);
	case I_AWAKE: return offsetof(struct mg_psqi_answers, trouble_staying_awake);
	case I_ENTHUSIASM: return offsetof(struct mg_psqi_answers, enthusiasm);
	default: /* Q5a..Q5j: I_REASON sits between Q5i and Q5j */
		return offsetof(struct mg_psqi_answers, q5) + sizeof(int) * (size_t)(i == I_Q5J ? 9 : i - I_Q5A);
	}
}

static int *slot_int(struct mg_psqi_answers *a, int i)
{
	return (int *)(void *)((char *)a + int_offset(i));
}

static int get_int(const struct mg_psqi_answers *a, int i)
{
	return *(const int *)(const void *)((const char *)a + int_offset(i));
}

static const char *accepted_of(int i)
{
	switch (psqi_items[i].kind) {
	case MG_PSQI_TIME: return "a time HH:MM from 00:00 to 23:59";
	case MG_PSQI_MINUTES: return "minutes from 0 to 1440, or a range such as 30-60 (its midpoint is used)";
	case MG_PSQI_HOURS: return "hours from 0 to 24 such as 6.5, or a range such as 6-7 (its midpoint is used)";
	case MG_PSQI_TEXT: return "text of at most 127 bytes without control characters";
	case MG_PSQI_CHOICE: break;
	}
	if (psqi_items[i].anchors == quality_anchors)
		return "0 to 3 (0 very good, 1 fairly good, 2 fairly bad, 3 very bad)";
	if (psqi_items[i].anchors == enthusiasm_anchors)
		return "0 to 3 (0 no problem at all, 1 only a very slight problem, 2 somewhat of a problem, 3 a "
		       "very big problem)";
	return "0 to 3 (0 not during the past month, 1 less than once a week, 2 once or twice a week, 3 three "
	       "or more times a week)";
}

static int psqi_reject(struct mg_error *err, int i, const char *what)
{
	return mg_fail(err, MG_EINVAL, psqi_items[i].key, "psqi %s (question %s): %s; accepted: %s", psqi_items[i].key,
		       psqi_items[i].number, what, accepted_of(i));
}

/* Unsigned decimal at *p: digits, optionally '.' and digits (at most 6
 * integer and 6 decimal digits). Advances *p. 0 or -1. */
static int parse_decimal(const char **p, const char *end, double *v)
{
	const char *s = *p;
	long ip = 0, fp = 0, scale = 1;
	int nd = 0;
	while (s < end && is_digit(*s)) {
		if (++nd > 6)
			return -1;
		ip = ip * 10 + (*s++ - '0');
	}
	if (!nd)
		return -1;
	if (s < end && *s == '.') {
		s++;
		int nf = 0;
		while (s < end && is_digit(*s)) {
			if (++nf > 6)
				return -1;
			fp = fp * 10 + (*s++ - '0');
			scale *= 10;
		}
		if (!nf)
			return -1;
	}
	*v = (double)ip + (double)fp / (double)scale;
	*p = s;
	return 0;
}

/* "45", "6.5", "30-60", "30 – 60" (en dash), "30 to 60": midpoint for a
 * range. 0 ok, -1 malformed, -2 range from high to low. */
static int parse_amount(const char *s, size_t n, double *v)
{
	trim(&s, &n);
	const char *p = s, *end = s + n;
	double lo, hi;
	if (parse_decimal(&p, end, &lo))
		return -1;
	while (p < end && is_blank(*p))
		p++;
	if (p == end) {
		*v = lo;
		return 0;
	}
	if (*p == '-')
		p++;
	else if (end - p >= 3 && !memcmp(p, "\xe2\x80\x93", 3))
		p += 3;
	else if (end - p >= 2 && !memcmp(p, "to", 2))
		p += 2;
	else
		return -1;
	while (p < end && is_blank(*p))
		p++;
	if (parse_decimal(&p, end, &hi) || p != end)
		return -1;
	if (hi < lo)
		return -2;
	*v = (lo + hi) / 2;
	return 0;
}

static int set_choice(struct mg_psqi_answers *a, int i, double v, struct mg_error *err)
{
	if (!isfinite(v) || v != floor(v))
		return psqi_reject(err, i, "not a whole number");
	if (v < 0 || v > 3)
		return psqi_reject(err, i, "out of range");
	*slot_int(a, i) = (int)v;
	return 0;
}

static int set_amount(struct mg_psqi_answers *a, int i, double v, struct mg_error *err)
{
	double hi = i == I_LAT ? 1440 : 24;
	if (!isfinite(v) || v < 0 || v > hi)
		return psqi_reject(err, i, "out of range");
	if (i == I_LAT)
		a->latency_min = v;
	else
		a->sleep_hours = v;
	return 0;
}

/* Well-formed UTF-8 (no overlongs, no surrogates), no control characters. */
static int text_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t k;
		unsigned cp;
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return 0;
		i += k + 1;
	}
	return 1;
}

static int set_text(struct mg_psqi_answers *a, int i, const char *text, size_t n, struct mg_error *err)
{
	switch (psqi_items[i].kind) {
	case MG_PSQI_TIME: {
		char buf[8];
		int m;
		trim(&text, &n);
		if (n >= sizeof buf)
			return psqi_reject(err, i, "not a time");
		memcpy(buf, text, n);
		buf[n] = '\0';
		if (!n)
			return psqi_reject(err, i, "missing answer");
		if (mg_q_parse_hhmm(buf, &m))
			return psqi_reject(err, i, "not a time");
		*slot_int(a, i) = m;
		return 0;
	}
	case MG_PSQI_MINUTES:
	case MG_PSQI_HOURS: {
		double v;
		trim(&text, &n);
		if (!n)
			return psqi_reject(err, i, "missing answer");
		int r = parse_amount(text, n, &v);
		if (r == -2)
			return psqi_reject(err, i, "a range must go from low to high");
		if (r)
			return psqi_reject(err, i, "not a number or a range");
		return set_amount(a, i, v, err);
	}
	case MG_PSQI_CHOICE: {
		int v;
		int r = parse_whole(text, n, &v);
		if (r == -2)
			return psqi_reject(err, i, "missing answer");
		if (r)
			return psqi_reject(err, i, "not a whole number");
		return set_choice(a, i, v, err);
	}
	case MG_PSQI_TEXT:
		trim(&text, &n);
		if (n >= MG_PSQI_REASON_LEN)
			return psqi_reject(err, i, "too long");
		if (!text_ok((const unsigned char *)text, n))
			return psqi_reject(err, i, "contains control characters or invalid UTF-8");
		memcpy(a->q5j_reason, text, n);
		a->q5j_reason[n] = '\0';
		return 0;
	}
	return mg_fail(err, MG_EINVAL, psqi_items[i].key, "psqi %s: unknown item kind", psqi_items[i].key);
}

static const char key_list[] = "bedtime, sleep_latency_min, rise_time, sleep_hours, q5a, q5b, q5c, q5d, q5e, "
			       "q5f, q5g, q5h, q5i, q5j_reason, q5j, sleep_quality, sleep_medication, "
			       "trouble_staying_awake, enthusiasm";

int mg_psqi_set(struct mg_psqi_answers *a, const char *key, const char *text, struct mg_error *err)
{
	int i = key ? find_item(key) : -1;
	if (i < 0)
		return mg_fail(err, MG_EINVAL, "psqi", "psqi: unknown item; accepted: %s", key_list);
	if (!text)
		return psqi_reject(err, i, "missing answer");
	return set_text(a, i, text, strlen(text), err);
}

static int set_json(struct mg_psqi_answers *a, int i, json_t *v, struct mg_error *err)
{
	enum mg_psqi_kind kind = psqi_items[i].kind;
	if (json_is_null(v))
		return 0; /* not answered: required items are reported by the check */
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (strlen(s) != n)
			return psqi_reject(err, i, "contains a NUL character");
		return set_text(a, i, s, n, err);
	}
	if (json_is_number(v) && kind == MG_PSQI_CHOICE)
		return json_is_integer(v) ? set_choice(a, i, (double)json_integer_value(v), err)
					  : set_choice(a, i, json_real_value(v), err);
	if (json_is_number(v) && (kind == MG_PSQI_MINUTES || kind == MG_PSQI_HOURS))
		return set_amount(a, i, json_number_value(v), err);
	return psqi_reject(err, i, kind == MG_PSQI_TIME   ? "wrong JSON type (a string \"HH:MM\" is expected)"
				   : kind == MG_PSQI_TEXT ? "wrong JSON type (a string is expected)"
							  : "wrong JSON type (a number is expected)");
}

/* Q3 - Q1 in minutes, wrapping midnight: 0..1439. */
static int time_in_bed(const struct mg_psqi_answers *a)
{
	return ((a->rise_min - a->bedtime_min) % 1440 + 1440) % 1440;
}

/* Q4 to the nearest second: band edges (7 h, 85 %) then compare exactly. */
static long long sleep_seconds(const struct mg_psqi_answers *a)
{
	return llround(a->sleep_hours * 3600.0);
}

/* Every answer present (except Q5j) and in range, the reason well-formed,
 * time in bed at least a minute and at least the hours of sleep. */
static int check_answers(const struct mg_psqi_answers *a, struct mg_error *err)
{
	for (int i = 0; i < MG_PSQI_ITEMS; i++) {
		const struct mg_psqi_item *it = &psqi_items[i];
		int missing = 0, bad = 0;
		switch (it->kind) {
		case MG_PSQI_TIME: {
			int m = get_int(a, i);
			missing = m == -1;
			bad = m < 0 || m > 1439;
			break;
		}
		case MG_PSQI_MINUTES:
		case MG_PSQI_HOURS: {
			double v = i == I_LAT ? a->latency_min : a->sleep_hours;
			missing = isnan(v);
			bad = !(v >= 0 && v <= (i == I_LAT ? 1440 : 24));
			break;
		}
		case MG_PSQI_CHOICE: {
			int v = get_int(a, i);
			missing = v == -1;
			bad = v < 0 || v > 3;
			break;
		}
		case MG_PSQI_TEXT: {
			const char *nul = memchr(a->q5j_reason, '\0', sizeof a->q5j_reason);
			bad = !nul || !text_ok((const unsigned char *)a->q5j_reason, (size_t)(nul - a->q5j_reason));
			break;
		}
		}
		if (missing && it->optional)
			continue;
		if (missing)
			return psqi_reject(err, i, "missing answer");
		if (bad)
			return psqi_reject(err, i, "out of range");
	}
	int tib = time_in_bed(a);
	if (tib == 0)
		return mg_fail(err, MG_EINVAL, "rise_time",
			       "psqi rise_time (question 3): the same as bedtime; time in bed must be at least 1 minute");
	if (sleep_seconds(a) > (long long)tib * 60)
		return mg_fail(err, MG_EINVAL, "sleep_hours",
			       "psqi sleep_hours (question 4): more than the time in bed from bedtime to rise_time; "
			       "sleep efficiency cannot exceed 100 %%");
	return 0;
}

int mg_psqi_parse_json(const char *json, size_t len, struct mg_psqi_answers *a, struct mg_error *err)
{
	mg_psqi_answers_init(a);
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	int r = 0;
	if (!root) {
		/* jansson quotes the text near the error: health data, so only the
		 * position and the kind of error are kept. */
		char *near = strstr(je.text, " near ");
		if (near)
			*near = '\0';
		return mg_fail(err, MG_EPARSE, "psqi", "psqi: line %d, column %d: %s", je.line, je.column, je.text);
	}
	if (!json_is_object(root)) {
		r = mg_fail(err, MG_EINVAL, "psqi", "psqi: the top level must be a JSON object");
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		int i = find_item(key);
		if (i < 0) {
			r = mg_fail(err, MG_EINVAL, "psqi", "psqi: unknown key '%.40s'; accepted: %s", key, key_list);
			goto out;
		}
		if ((r = set_json(a, i, v, err)))
			goto out;
	}
	r = check_answers(a, err);
out:
	json_decref(root);
	return r;
}

/* Sum of two 0..3 items -> 0..3: 0 -> 0, 1-2 -> 1, 3-4 -> 2, 5-6 -> 3. */
static int pair_band(int sum)
{
	return (sum + 1) / 2;
}

int mg_psqi_score(const struct mg_psqi_answers *a, struct mg_psqi_result *res, struct mg_error *err)
{
	int r = check_answers(a, err);
	if (r)
		return r;
	int tib = time_in_bed(a);
	long long sleep_s = sleep_seconds(a);
	long long tib_s = (long long)tib * 60;

	struct mg_psqi_result o;
	memset(&o, 0, sizeof o);
	o.time_in_bed_min = tib;
	o.efficiency_pct = 100.0 * (double)sleep_s / (double)tib_s;

	/* C1 subjective sleep quality: Q6 as answered. */
	o.components[0] = a->sleep_quality;

	/* C2 latency: Q2 <= 15 -> 0, 16-30 -> 1, 31-60 -> 2, > 60 -> 3 (a
	 * non-whole midpoint falls in the band above the lower edge), plus Q5a. */
	double lat = a->latency_min;
	int lat_band = lat <= 15 ? 0 : lat <= 30 ? 1 : lat <= 60 ? 2 : 3;
	o.components[1] = pair_band(lat_band + a->q5[0]);

	/* C3 duration: >= 7 h -> 0, [6, 7) -> 1, [5, 6) -> 2, < 5 -> 3. */
	o.components[2] = sleep_s >= 7 * 3600 ? 0 : sleep_s >= 6 * 3600 ? 1 : sleep_s >= 5 * 3600 ? 2 : 3;

	/* C4 efficiency: >= 85 % -> 0, >= 75 -> 1, >= 65 -> 2, else 3, in integers. */
	long long pct100 = 100 * sleep_s;
	o.components[3] = pct100 >= 85 * tib_s ? 0 : pct100 >= 75 * tib_s ? 1 : pct100 >= 65 * tib_s ? 2 : 3;

	/* C5 disturbances: Q5b..Q5j; Q5j only with its value and its reason. */
	int sum = 0;
	for (int k = 1; k < 9; k++)
		sum += a->q5[k];
	o.q5j_counted = a->q5[9] >= 0 && a->q5j_reason[0] != '\0';
	if (o.q5j_counted)
		sum += a->q5[9];
	o.disturbance_sum = sum;
	o.components[4] = sum == 0 ? 0 : sum <= 9 ? 1 : sum <= 18 ? 2 : 3;

	/* C6 medication: Q7 as answered. C7 daytime dysfunction: Q8 + Q9. */
	o.components[5] = a->sleep_medication;
	o.components[6] = pair_band(a->trouble_staying_awake + a->enthusiasm);

	for (int c = 0; c < MG_PSQI_COMPONENTS; c++)
		o.global += o.components[c];
	o.poor_sleeper = o.global > 5;
	*res = o;
	return 0;
}

void mg_isi_result_json(const struct mg_isi *s, struct mg_buf *out)
{
	mg_buf_printf(out, "{\"total\":%d,\"category\":\"%s\",\"category_text\":", s->total,
		      mg_isi_category_name(s->category));
	mg_buf_put_json_str(out, mg_isi_category_label(s->category));
	mg_buf_putc(out, '}');
}

void mg_psqi_result_json(const struct mg_psqi_result *r, struct mg_buf *out)
{
	mg_buf_puts(out, "{\"components\":[");
	for (int i = 0; i < MG_PSQI_COMPONENTS; i++)
		mg_buf_printf(out, "%s%d", i ? "," : "", r->components[i]);
	mg_buf_printf(out, "],\"global\":%d,\"poor_sleeper\":%s,\"efficiency_pct\":", r->global,
		      r->poor_sleeper ? "true" : "false");
	mg_buf_put_num(out, r->efficiency_pct, 1);
	mg_buf_putc(out, '}');
}

void mg_questionnaires_json(struct mg_buf *out)
{
	static const char *const kinds[] = {[MG_PSQI_TIME] = "time", [MG_PSQI_MINUTES] = "minutes",
					    [MG_PSQI_HOURS] = "hours", [MG_PSQI_CHOICE] = "choice",
					    [MG_PSQI_TEXT] = "text"};
	mg_buf_puts(out, "{\"isi\":{\"instructions\":");
	mg_buf_put_json_str(out, mg_isi_instructions());
	mg_buf_puts(out, ",\"items\":[");
	for (int i = 1; i <= MG_ISI_ITEMS; i++) {
		mg_buf_printf(out, "%s{\"key\":\"item%d\",\"number\":\"%d\",\"text\":", i > 1 ? "," : "", i, i);
		mg_buf_put_json_str(out, mg_isi_item_text(i));
		mg_buf_puts(out, ",\"anchors\":[");
		for (int v = 0; v <= MG_ISI_MAX_ANSWER; v++) {
			if (v)
				mg_buf_putc(out, ',');
			mg_buf_put_json_str(out, mg_isi_anchor(i, v));
		}
		mg_buf_puts(out, "]}");
	}
	mg_buf_puts(out, "]},\"psqi\":{\"instructions\":");
	mg_buf_put_json_str(out, mg_psqi_instructions());
	mg_buf_puts(out, ",\"items\":[");
	for (int i = 0; i < MG_PSQI_ITEMS; i++) {
		const struct mg_psqi_item *it = &psqi_items[i];
		mg_buf_printf(out, "%s{\"key\":\"%s\",\"number\":\"%s\",\"text\":", i ? "," : "", it->key, it->number);
		mg_buf_put_json_str(out, it->text);
		mg_buf_printf(out, ",\"kind\":\"%s\",\"optional\":%s,\"anchors\":", kinds[it->kind],
			      it->optional ? "true" : "false");
		if (it->anchors) {
			mg_buf_putc(out, '[');
			for (int v = 0; v < 4; v++) {
				if (v)
					mg_buf_putc(out, ',');
				mg_buf_put_json_str(out, it->anchors[v]);
			}
			mg_buf_putc(out, ']');
		} else {
			mg_buf_puts(out, "null");
		}
		mg_buf_putc(out, '}');
	}
	mg_buf_puts(out, "]}}\n");
}
