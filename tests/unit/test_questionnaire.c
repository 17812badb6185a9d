/* ISI and PSQI scoring against the reference dossier (magnesium-evidence.md
 * section 7.1, source S32, and section 7.2, source S35): the PSQI worked
 * example, every band boundary of every component, midnight wrap, the Q5j
 * rule of 2005, range answers, the ISI categories, and parse errors that
 * name the item without echoing the answer (privacy). */
#include "../tap.h"

#include <mgsleep/questionnaire.h>

#include <ctype.h>

/* Does s contain value as a whole token (not inside a longer number or word)? */
static int has_token(const char *s, const char *value)
{
	size_t n = strlen(value);
	for (const char *q = strstr(s, value); q; q = strstr(q + 1, value)) {
		int left = q == s || !(isalnum((unsigned char)q[-1]) || q[-1] == '.');
		int right = !(isalnum((unsigned char)q[n]) || q[n] == '.');
		if (left && right)
			return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- ISI ---- */

static int isi_total(const char *answers, struct mg_isi *out)
{
	int items[MG_ISI_ITEMS];
	struct mg_error err = {0};
	if (mg_isi_parse(answers, items, &err))
		return -100;
	if (mg_isi_score(items, out, &err))
		return -200;
	return out->total;
}

/* A rejected ISI answer string: error, the item named in field and message,
 * the bad value absent from the message. */
static void isi_rejects(const char *answers, const char *field, const char *named, const char *bad,
			const char *why)
{
	int items[MG_ISI_ITEMS] = {9, 9, 9, 9, 9, 9, 9};
	struct mg_error err = {0};
	int r = mg_isi_parse(answers, items, &err);
	ok(r == MG_EINVAL, "S32 ISI \"%s\" (%s): rejected", answers, why);
	is_str(err.field, field, "ISI \"%s\": err.field %s", answers, field);
	if (!ok(strstr(err.msg, named) != NULL, "ISI \"%s\": message names \"%s\"", answers, named))
		printf("#   message: %s\n", err.msg);
	if (bad && !ok(!has_token(err.msg, bad), "ISI \"%s\": message does not contain the value %s (privacy)",
		       answers, bad))
		printf("#   message: %s\n", err.msg);
	ok(items[0] == 9, "ISI \"%s\": items untouched on error", answers);
}

static void isi(void)
{
	struct mg_isi s;
	/* Totals. */
	ok(isi_total("2,1,1,1,1,1,1", &s) == 8, "S32 ISI 2,1,1,1,1,1,1: total 8");
	ok(s.items[0] == 2 && s.items[6] == 1, "ISI items copied in order");
	ok(isi_total("0,0,0,0,0,0,0", &s) == 0 && s.category == MG_ISI_NONE, "S32 ISI total 0: none");
	ok(isi_total("4,4,4,4,4,4,4", &s) == 28 && s.category == MG_ISI_SEVERE, "S32 ISI total 28: severe");
	ok(isi_total(" 1 , 2,\t3 ,4, 0,1 ,2 ", &s) == 13, "ISI whitespace around answers tolerated (total 13)");
	ok(isi_total("0,1,2,3,4,0,1\n", &s) == 11, "ISI trailing newline tolerated (total 11)");

	/* Every category boundary (S32: 0-7, 8-14, 15-21, 22-28). */
	static const struct {
		const char *answers;
		int total, cat;
	} b[] = {
		{"1,1,1,1,1,1,1", 7, MG_ISI_NONE},         {"2,1,1,1,1,1,1", 8, MG_ISI_SUBTHRESHOLD},
		{"2,2,2,2,2,2,2", 14, MG_ISI_SUBTHRESHOLD}, {"3,2,2,2,2,2,2", 15, MG_ISI_MODERATE},
		{"3,3,3,3,3,3,3", 21, MG_ISI_MODERATE},     {"4,3,3,3,3,3,3", 22, MG_ISI_SEVERE},
	};
	for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
		int t = isi_total(b[i].answers, &s);
		ok(t == b[i].total && s.category == b[i].cat, "S32 ISI total %d -> %s", b[i].total,
		   mg_isi_category_name(b[i].cat));
	}
	for (int t = 0; t <= 28; t++) {
		int want = t <= 7 ? 0 : t <= 14 ? 1 : t <= 21 ? 2 : 3;
		if (mg_isi_category_of(t) != want)
			ok(0, "S32 ISI category of %d", t);
	}
	ok(mg_isi_category_of(-1) == -1 && mg_isi_category_of(29) == -1, "ISI category of -1 and 29: none (-1)");
	is_str(mg_isi_category_name(MG_ISI_NONE), "none", "ISI category name none");
	is_str(mg_isi_category_name(MG_ISI_SUBTHRESHOLD), "subthreshold", "ISI category name subthreshold");
	is_str(mg_isi_category_name(MG_ISI_MODERATE), "moderate", "ISI category name moderate");
	is_str(mg_isi_category_name(MG_ISI_SEVERE), "severe", "ISI category name severe");
	ok(mg_isi_category_name(4) == NULL && mg_isi_category_name(-1) == NULL, "ISI category name out of range: NULL");
	is_str(mg_isi_category_label(MG_ISI_NONE), "no clinically significant insomnia", "S32 ISI label 0-7");
	is_str(mg_isi_category_label(MG_ISI_SUBTHRESHOLD), "subthreshold insomnia", "S32 ISI label 8-14");
	is_str(mg_isi_category_label(MG_ISI_MODERATE), "clinical insomnia (moderate severity)", "S32 ISI label 15-21");
	is_str(mg_isi_category_label(MG_ISI_SEVERE), "clinical insomnia (severe)", "S32 ISI label 22-28");

	/* Wording (7.1 table; recall period last 2 weeks). */
	ok(strstr(mg_isi_instructions(), "last 2 weeks") != NULL, "S32 ISI instructions state the recall period");
	is_str(mg_isi_item_text(1), "Difficulty falling asleep", "S32 ISI item 1 wording");
	ok(strstr(mg_isi_item_text(3), "waking up too early") != NULL, "S32 ISI item 3 wording");
	ok(strstr(mg_isi_item_text(4), "satisfied") != NULL, "S32 ISI item 4 is satisfaction");
	ok(strstr(mg_isi_item_text(5), "noticeable to others") != NULL, "S32 ISI item 5 is noticeability");
	ok(strstr(mg_isi_item_text(6), "worried") != NULL, "S32 ISI item 6 is worry");
	ok(strstr(mg_isi_item_text(7), "interfere") != NULL, "S32 ISI item 7 is interference");
	ok(!mg_isi_item_text(0) && !mg_isi_item_text(8), "ISI item text outside 1..7: NULL");
	is_str(mg_isi_anchor(1, 0), "None", "S32 ISI item 1 anchor 0 None");
	is_str(mg_isi_anchor(2, 4), "Very severe", "S32 ISI item 2 anchor 4 Very severe");
	is_str(mg_isi_anchor(4, 0), "Very satisfied", "S32 ISI item 4 anchor 0 Very satisfied");
	is_str(mg_isi_anchor(4, 4), "Very dissatisfied", "S32 ISI item 4 anchor 4 Very dissatisfied");
	is_str(mg_isi_anchor(5, 0), "Not at all noticeable", "S32 ISI item 5 anchor 0");
	is_str(mg_isi_anchor(7, 4), "Very much interfering", "S32 ISI item 7 anchor 4");
	ok(!mg_isi_anchor(1, 5) && !mg_isi_anchor(1, -1) && !mg_isi_anchor(0, 0), "ISI anchor out of range: NULL");
	int all = 1;
	for (int i = 1; i <= 7; i++)
		for (int k = 0; k <= 4; k++)
			all &= mg_isi_anchor(i, k) != NULL && mg_isi_anchor(i, k)[0] != '\0';
	ok(all, "ISI every item has 5 anchors");

	/* Parse errors: each item named; wrong count; out of range; privacy. */
	static const char *const bad_at[] = {"9,1,1,1,1,1,1", "1,9,1,1,1,1,1", "1,1,9,1,1,1,1", "1,1,1,9,1,1,1",
					     "1,1,1,1,9,1,1", "1,1,1,1,1,9,1", "1,1,1,1,1,1,9"};
	for (int k = 0; k < 7; k++) {
		char field[16], named[32];
		snprintf(field, sizeof field, "item%d", k + 1);
		snprintf(named, sizeof named, "isi item %d", k + 1);
		isi_rejects(bad_at[k], field, named, "9", "out of range");
	}
	isi_rejects("1,1,5,1,1,1,1", "item3", "isi item 3", "5", "5 above 4");
	isi_rejects("1,1,1,1,1,1,-1", "item7", "isi item 7", "-1", "negative");
	isi_rejects("1,1,1,2.5,1,1,1", "item4", "isi item 4", "2.5", "not whole");
	isi_rejects("1,x,1,1,1,1,1", "item2", "isi item 2", "x", "not a number");
	isi_rejects("1,1,1,1,1,+3,1", "item6", "isi item 6", "+3", "sign");
	isi_rejects("1,1,,1,1,1,1", "item3", "isi item 3", NULL, "empty answer");
	isi_rejects("1,1,1,1,1,1,99999999999999999999", "item7", "isi item 7", "99999999999999999999", "huge");
	isi_rejects("1,1,1,1,1,1", "isi", "expected 7 answers", NULL, "6 answers");
	isi_rejects("1,1,1,1,1,1,1,1", "isi", "expected 7 answers", NULL, "8 answers");
	isi_rejects("1,1,1,1,1,1,1,", "isi", "expected 7 answers", NULL, "trailing comma");
	isi_rejects("", "isi", "expected 7 answers", NULL, "empty");
	isi_rejects("1 1 1 1 1 1 1", "isi", "expected 7 answers", NULL, "spaces, not commas");
	struct mg_error err = {0};
	int items[MG_ISI_ITEMS];
	ok(mg_isi_parse(NULL, items, &err) == MG_EINVAL, "ISI NULL answers rejected");
	mg_isi_parse("1,1,1,1,1,1", items, &err);
	ok(strstr(err.msg, "got 6") != NULL, "ISI wrong count: message says how many were given");
	mg_isi_parse("1,1,1,3,1,1,7", items, &err);
	if (!ok(strstr(err.msg, "accepted 0 to 4") != NULL, "ISI item 7 out of range: message gives the accepted range"))
		printf("#   message: %s\n", err.msg);

	/* One answer at a time (interactive mode). */
	int v = -1;
	ok(mg_isi_parse_answer(3, " 4\n", &v, &err) == 0 && v == 4, "ISI single answer \" 4\\n\" accepted");
	ok(mg_isi_parse_answer(3, "5", &v, &err) == MG_EINVAL && !strcmp(err.field, "item3") &&
		   strstr(err.msg, "isi item 3") && !has_token(err.msg, "5"),
	   "ISI single answer 5 to item 3: rejected, item named, value not echoed");
	ok(mg_isi_parse_answer(8, "1", &v, &err) == MG_EINVAL, "ISI single answer to item 8: rejected");

	/* Scoring validates its input too. */
	int raw[MG_ISI_ITEMS] = {1, 1, 1, 1, 1, 1, 5};
	ok(mg_isi_score(raw, &s, &err) == MG_EINVAL && !strcmp(err.field, "item7"), "ISI score: item 7 = 5 rejected");
	raw[6] = -1;
	ok(mg_isi_score(raw, &s, &err) == MG_EINVAL && strstr(err.msg, "missing"), "ISI score: item 7 missing");
}

/* --------------------------------------------------------------- PSQI ---- */

/* The reference's worked example (7.2): bedtime 23:00, latency 45, rise
 * 07:00, 6.5 h, Q5a 2, sum Q5b-j 8, Q6 2, Q7 0, Q8 1, Q9 1. */
static void example(struct mg_psqi_answers *a)
{
	mg_psqi_answers_init(a);
	a->bedtime_min = 23 * 60;
	a->latency_min = 45;
	a->rise_min = 7 * 60;
	a->sleep_hours = 6.5;
	static const int q5[MG_PSQI_Q5] = {2, 1, 1, 1, 1, 1, 1, 1, 1, -1}; /* b..i = 8, j missing */
	memcpy(a->q5, q5, sizeof q5);
	a->sleep_quality = 2;
	a->sleep_medication = 0;
	a->trouble_staying_awake = 1;
	a->enthusiasm = 1;
}

static const char example_json[] =
	"{\"bedtime\": \"23:00\", \"sleep_latency_min\": 45, \"rise_time\": \"07:00\", \"sleep_hours\": 6.5,\n"
	" \"q5a\": 2, \"q5b\": 1, \"q5c\": 1, \"q5d\": 1, \"q5e\": 1, \"q5f\": 1, \"q5g\": 1, \"q5h\": 1, \"q5i\": 1,\n"
	" \"sleep_quality\": 2, \"sleep_medication\": 0, \"trouble_staying_awake\": 1, \"enthusiasm\": 1}";

static int score(const struct mg_psqi_answers *a, struct mg_psqi_result *r)
{
	struct mg_error err = {0};
	int rc = mg_psqi_score(a, r, &err);
	if (rc)
		printf("#   score error: %s\n", err.msg);
	return rc;
}

static int comp(struct mg_psqi_answers *a, int c)
{
	struct mg_psqi_result r;
	return score(a, &r) ? -1 : r.components[c];
}

static void psqi_example(void)
{
	struct mg_psqi_answers a;
	struct mg_psqi_result r;
	example(&a);
	ok(score(&a, &r) == 0, "S35 PSQI worked example scores");
	static const int want[7] = {2, 2, 1, 1, 1, 0, 1};
	for (int c = 0; c < 7; c++)
		ok(r.components[c] == want[c], "S35 PSQI worked example C%d (%s) = %d", c + 1, mg_psqi_component_name(c),
		   want[c]);
	ok(r.global == 8, "S35 PSQI worked example global 8");
	ok(r.poor_sleeper == 1, "S35 PSQI worked example: poor sleeper (global > 5)");
	ok(r.time_in_bed_min == 480, "S35 PSQI worked example: time in bed 23:00-07:00 = 480 min");
	is_num(r.efficiency_pct, 81.25, 1e-9, "S35 PSQI worked example: efficiency 6.5/8 = 81.25 %%");
	ok(r.disturbance_sum == 8 && !r.q5j_counted, "S35 PSQI worked example: disturbance sum 8, Q5j not counted");

	/* The same from JSON. */
	struct mg_psqi_answers b;
	struct mg_error err = {0};
	int rc = mg_psqi_parse_json(example_json, strlen(example_json), &b, &err);
	if (!ok(rc == 0, "S35 PSQI worked example parses from JSON"))
		printf("#   %s\n", err.msg);
	ok(score(&b, &r) == 0 && r.global == 8 && r.components[1] == 2 && r.components[3] == 1,
	   "S35 PSQI worked example from JSON: global 8");
	ok(b.bedtime_min == 1380 && b.rise_min == 420 && b.q5[9] == -1 && b.latency_min == 45,
	   "PSQI JSON: times in minutes after midnight, q5j missing");
}

static void psqi_bands(void)
{
	struct mg_psqi_answers a;

	/* C1 = Q6 as answered. */
	for (int q = 0; q <= 3; q++) {
		example(&a);
		a.sleep_quality = q;
		ok(comp(&a, 0) == q, "S35 PSQI C1: Q6 %d -> %d", q, q);
	}

	/* C2 latency bands at 15/16/30/31/60/61 (Q5a 0: the band alone). */
	static const struct {
		double lat;
		int band;
	} lat[] = {{0, 0}, {15, 0}, {16, 1}, {30, 1}, {31, 2}, {60, 2}, {61, 3}, {1440, 3}, {15.5, 1}, {30.5, 2},
		   {60.5, 3}};
	for (size_t i = 0; i < sizeof lat / sizeof lat[0]; i++) {
		/* sum = band + Q5a; choose Q5a 0 and 1 to see both halves of a pair. */
		example(&a);
		a.latency_min = lat[i].lat;
		a.q5[0] = 0;
		int want = (lat[i].band + 1) / 2;
		ok(comp(&a, 1) == want, "S35 PSQI C2: latency %g min, Q5a 0 -> %d", lat[i].lat, want);
		a.q5[0] = 3;
		want = (lat[i].band + 3 + 1) / 2;
		ok(comp(&a, 1) == want, "S35 PSQI C2: latency %g min, Q5a 3 -> %d", lat[i].lat, want);
	}
	/* C2 sums 0..6: (latency band, Q5a). */
	static const struct {
		double lat;
		int q5a, sum, want;
	} c2[] = {{10, 0, 0, 0}, {20, 0, 1, 1}, {20, 1, 2, 1}, {45, 1, 3, 2},
		  {45, 2, 4, 2}, {90, 2, 5, 3}, {90, 3, 6, 3}};
	for (size_t i = 0; i < sizeof c2 / sizeof c2[0]; i++) {
		example(&a);
		a.latency_min = c2[i].lat;
		a.q5[0] = c2[i].q5a;
		ok(comp(&a, 1) == c2[i].want, "S35 PSQI C2: sum %d -> %d", c2[i].sum, c2[i].want);
	}

	/* C3 duration at 5, 6, 7 h and between (bed 20:00, rise 08:00: 12 h in bed). */
	static const struct {
		double h;
		int want;
	} c3[] = {{0, 3},   {4.99, 3}, {5, 2},    {5.5, 2}, {5.99, 2}, {6, 1},
		  {6.5, 1}, {6.99, 1}, {7, 0},    {7.01, 0}, {9, 0},    {12, 0}};
	for (size_t i = 0; i < sizeof c3 / sizeof c3[0]; i++) {
		example(&a);
		a.bedtime_min = 20 * 60;
		a.rise_min = 8 * 60;
		a.sleep_hours = c3[i].h;
		ok(comp(&a, 2) == c3[i].want, "S35 PSQI C3: %g h -> %d (convention >=7 0, >=6 1, >=5 2)", c3[i].h,
		   c3[i].want);
	}

	/* C4 efficiency at 64.9/65/74.9/75/84.9/85 %: 10 h in bed (22:00-08:00). */
	static const struct {
		double h, pct;
		int want;
	} c4[] = {{6.49, 64.9, 3}, {6.5, 65, 2},     {7.49, 74.9, 2}, {7.5, 75, 1}, {8.49, 84.9, 1},
		  {8.5, 85, 0},    {8.45, 84.5, 1},  {10, 100, 0},    {0, 0, 3},    {6.8, 68, 2}};
	for (size_t i = 0; i < sizeof c4 / sizeof c4[0]; i++) {
		struct mg_psqi_result r;
		example(&a);
		a.bedtime_min = 22 * 60;
		a.rise_min = 8 * 60;
		a.sleep_hours = c4[i].h;
		ok(score(&a, &r) == 0 && r.components[3] == c4[i].want,
		   "S35 PSQI C4: efficiency %g %% -> %d (convention >=85 0, >=75 1, >=65 2)", c4[i].pct, c4[i].want);
		is_num(r.efficiency_pct, c4[i].pct, 1e-6, "PSQI efficiency_pct %g %%", c4[i].pct);
	}
	/* 85 % exactly from a sleep time that is not a whole number of minutes:
	 * 7 h 45 min in bed (465 min), 85 % = 395.25 min = 6.5875 h. */
	example(&a);
	a.bedtime_min = 23 * 60 + 15;
	a.rise_min = 7 * 60;
	a.sleep_hours = 6.5875;
	ok(comp(&a, 3) == 0, "S35 PSQI C4: exactly 85 %% of 465 min -> 0");

	/* C5 sums 0/1/9/10/18/19/27 (Q5b..Q5j, with Q5j and its reason). */
	static const struct {
		int sum, want;
	} c5[] = {{0, 0}, {1, 1}, {9, 1}, {10, 2}, {18, 2}, {19, 3}, {27, 3}};
	for (size_t i = 0; i < sizeof c5 / sizeof c5[0]; i++) {
		example(&a);
		int left = c5[i].sum;
		for (int k = 1; k < 10; k++) {
			a.q5[k] = left > 3 ? 3 : left;
			left -= a.q5[k];
		}
		snprintf(a.q5j_reason, sizeof a.q5j_reason, "noise");
		struct mg_psqi_result r;
		ok(score(&a, &r) == 0 && r.disturbance_sum == c5[i].sum && r.components[4] == c5[i].want,
		   "S35 PSQI C5: sum %d -> %d", c5[i].sum, c5[i].want);
	}

	/* C6 = Q7 as answered. */
	for (int q = 0; q <= 3; q++) {
		example(&a);
		a.sleep_medication = q;
		ok(comp(&a, 5) == q, "S35 PSQI C6: Q7 %d -> %d", q, q);
	}

	/* C7 sums 0..6 of Q8 + Q9. */
	static const int c7want[7] = {0, 1, 1, 2, 2, 3, 3};
	for (int sum = 0; sum <= 6; sum++) {
		example(&a);
		a.trouble_staying_awake = sum > 3 ? 3 : sum;
		a.enthusiasm = sum - a.trouble_staying_awake;
		ok(comp(&a, 6) == c7want[sum], "S35 PSQI C7: Q8+Q9 = %d -> %d", sum, c7want[sum]);
	}
	example(&a);
	a.trouble_staying_awake = 0;
	a.enthusiasm = 3;
	ok(comp(&a, 6) == 2, "S35 PSQI C7: Q8 0 + Q9 3 = 3 -> 2");
}

static void psqi_rules(void)
{
	struct mg_psqi_answers a;
	struct mg_psqi_result r;
	struct mg_error err = {0};

	/* Midnight wrap. */
	example(&a);
	a.bedtime_min = 60;
	a.rise_min = 9 * 60;
	a.sleep_hours = 7;
	ok(score(&a, &r) == 0 && r.time_in_bed_min == 480, "PSQI bed 01:00 rise 09:00: 480 min in bed");
	example(&a);
	a.bedtime_min = 22 * 60;
	a.rise_min = 6 * 60;
	ok(score(&a, &r) == 0 && r.time_in_bed_min == 480, "PSQI bed 22:00 rise 06:00: 480 min in bed (wraps midnight)");
	example(&a);
	a.bedtime_min = 0;
	a.rise_min = 23 * 60 + 59;
	a.sleep_hours = 8;
	ok(score(&a, &r) == 0 && r.time_in_bed_min == 1439, "PSQI bed 00:00 rise 23:59: 1439 min in bed");
	example(&a);
	a.bedtime_min = 23 * 60 + 59;
	a.rise_min = 0;
	a.sleep_hours = 0;
	ok(score(&a, &r) == 0 && r.time_in_bed_min == 1, "PSQI bed 23:59 rise 00:00: 1 min in bed");

	/* Global > 5 vs 5 (S35: the original criterion is > 5). */
	example(&a);
	a.sleep_quality = 1; /* global 7 */
	a.trouble_staying_awake = 0;
	a.enthusiasm = 0; /* C7 0: global 6 */
	ok(score(&a, &r) == 0 && r.global == 6 && r.poor_sleeper == 1, "S35 PSQI global 6: poor sleeper");
	a.sleep_hours = 7; /* C3 0; efficiency 87.5 %: C4 0: global 4 */
	ok(score(&a, &r) == 0 && r.global == 4 && r.poor_sleeper == 0, "S35 PSQI global 4: not a poor sleeper");
	a.sleep_quality = 2; /* global 5 */
	ok(score(&a, &r) == 0 && r.global == 5 && r.poor_sleeper == 0, "S35 PSQI global 5: not a poor sleeper (> 5, not >= 5)");

	/* Q5j: missing counts 0; with a value but no reason counts 0 (2005 rule);
	 * with both it counts. */
	example(&a);
	ok(score(&a, &r) == 0 && r.disturbance_sum == 8 && !r.q5j_counted, "S35 PSQI Q5j missing counts 0");
	a.q5[9] = 3;
	ok(score(&a, &r) == 0 && r.disturbance_sum == 8 && !r.q5j_counted && r.components[4] == 1,
	   "S35 PSQI Q5j value without its reason counts 0 (rule of 20 May 2005)");
	snprintf(a.q5j_reason, sizeof a.q5j_reason, "neighbour's dog");
	ok(score(&a, &r) == 0 && r.disturbance_sum == 11 && r.q5j_counted && r.components[4] == 2,
	   "S35 PSQI Q5j value with its reason counts (sum 11 -> C5 2)");
	a.q5[9] = -1;
	ok(score(&a, &r) == 0 && r.disturbance_sum == 8 && !r.q5j_counted, "S35 PSQI Q5j reason without value counts 0");

	/* Range answer: "30-60" -> 45 (S35 missing-data rule). */
	example(&a);
	ok(mg_psqi_set(&a, "sleep_latency_min", "30-60", &err) == 0 && a.latency_min == 45,
	   "S35 PSQI latency \"30-60\" -> midpoint 45");
	ok(mg_psqi_set(&a, "sleep_latency_min", " 30 to 60 ", &err) == 0 && a.latency_min == 45,
	   "PSQI latency \"30 to 60\" -> 45");
	ok(mg_psqi_set(&a, "sleep_latency_min", "30\xe2\x80\x93" "60", &err) == 0 && a.latency_min == 45,
	   "PSQI latency \"30\xe2\x80\x93" "60\" (en dash) -> 45");
	ok(mg_psqi_set(&a, "sleep_latency_min", "15-16", &err) == 0 && a.latency_min == 15.5 && comp(&a, 1) == 2,
	   "PSQI latency \"15-16\" -> 15.5 min, band 1 (+ Q5a 2 = 3 -> C2 2)");
	ok(mg_psqi_set(&a, "sleep_hours", "6-7", &err) == 0 && a.sleep_hours == 6.5, "PSQI sleep hours \"6-7\" -> 6.5");
	ok(mg_psqi_set(&a, "sleep_latency_min", "60-30", &err) == MG_EINVAL && !strcmp(err.field, "sleep_latency_min"),
	   "PSQI latency range from high to low rejected");
	const char *rj = "{\"bedtime\": \"23:00\", \"sleep_latency_min\": \"30-60\", \"rise_time\": \"07:00\", "
			 "\"sleep_hours\": 6.5, \"q5a\": 2, \"q5b\": 1, \"q5c\": 1, \"q5d\": 1, \"q5e\": 1, \"q5f\": 1, "
			 "\"q5g\": 1, \"q5h\": 1, \"q5i\": 1, \"q5j\": null, \"sleep_quality\": 2, \"sleep_medication\": 0, "
			 "\"trouble_staying_awake\": 1, \"enthusiasm\": 1}";
	ok(mg_psqi_parse_json(rj, strlen(rj), &a, &err) == 0 && a.latency_min == 45 && score(&a, &r) == 0 &&
		   r.global == 8,
	   "S35 PSQI JSON latency \"30-60\" -> 45, global 8");

	/* Sleep longer than time in bed; bedtime = rise time. */
	example(&a);
	a.sleep_hours = 8.01;
	ok(mg_psqi_score(&a, &r, &err) == MG_EINVAL && !strcmp(err.field, "sleep_hours") &&
		   strstr(err.msg, "sleep_hours") && !has_token(err.msg, "8.01"),
	   "PSQI sleep 8.01 h in 8 h in bed: error names sleep_hours, no value");
	a.sleep_hours = 8;
	ok(score(&a, &r) == 0 && r.efficiency_pct == 100 && r.components[3] == 0, "PSQI sleep = time in bed: 100 %%");
	example(&a);
	a.rise_min = a.bedtime_min;
	ok(mg_psqi_score(&a, &r, &err) == MG_EINVAL && !strcmp(err.field, "rise_time") && strstr(err.msg, "bedtime"),
	   "PSQI bedtime = rise time: error names rise_time and bedtime");

	/* Scoring checks the struct too. */
	example(&a);
	a.q5[4] = 4;
	ok(mg_psqi_score(&a, &r, &err) == MG_EINVAL && !strcmp(err.field, "q5e"), "PSQI score: q5e 4 rejected");
	example(&a);
	a.sleep_quality = -1;
	ok(mg_psqi_score(&a, &r, &err) == MG_EINVAL && !strcmp(err.field, "sleep_quality") && strstr(err.msg, "missing"),
	   "PSQI score: sleep_quality missing");
	example(&a);
	a.latency_min = NAN;
	ok(mg_psqi_score(&a, &r, &err) == MG_EINVAL && !strcmp(err.field, "sleep_latency_min"),
	   "PSQI score: latency missing");
	example(&a);
	a.rise_min = 1440;
	ok(mg_psqi_score(&a, &r, &err) == MG_EINVAL && !strcmp(err.field, "rise_time"), "PSQI score: rise 24:00 rejected");
	example(&a);
	memset(a.q5j_reason, 'x', sizeof a.q5j_reason);
	ok(mg_psqi_score(&a, &r, &err) == MG_EINVAL && !strcmp(err.field, "q5j_reason"),
	   "PSQI score: unterminated reason rejected");
}

static void hhmm(void)
{
	static const struct {
		const char *s;
		int want; /* -1 rejected */
	} t[] = {{"7:05", 425},  {"07:05", 425}, {"00:00", 0},  {"0:00", 0},   {"23:59", 1439}, {"12:30", 750},
		 {"24:00", -1},  {"7", -1},      {"07:5", -1},  {"07:60", -1}, {"", -1},        {" 7:05", -1},
		 {"7:05 ", -1},  {"007:05", -1}, {"7:055", -1}, {"-1:00", -1}, {"7.05", -1},    {"07:05:00", -1},
		 {"ab:cd", -1},  {"99:00", -1},  {":05", -1}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int m = -7;
		int r = mg_q_parse_hhmm(t[i].s, &m);
		if (t[i].want < 0)
			ok(r == -1 && m == -7, "HH:MM \"%s\" rejected", t[i].s);
		else
			ok(r == 0 && m == t[i].want, "HH:MM \"%s\" = %d min", t[i].s, t[i].want);
	}
	int m;
	ok(mg_q_parse_hhmm(NULL, &m) == -1, "HH:MM NULL rejected");
}

/* A rejected JSON: code, err.field, the key in the message, value not echoed. */
static void json_rejects(const char *key, const char *value, const char *field, int code, const char *bad)
{
	char doc[1024];
	struct mg_psqi_answers a;
	struct mg_error err = {0};
	/* The worked example with one key replaced (or added). */
	snprintf(doc, sizeof doc,
		 "{\"bedtime\": \"23:00\", \"sleep_latency_min\": 45, \"rise_time\": \"07:00\", \"sleep_hours\": 6.5, "
		 "\"q5a\": 2, \"q5b\": 1, \"q5c\": 1, \"q5d\": 1, \"q5e\": 1, \"q5f\": 1, \"q5g\": 1, \"q5h\": 1, "
		 "\"q5i\": 1, \"sleep_quality\": 2, \"sleep_medication\": 0, \"trouble_staying_awake\": 1, "
		 "\"enthusiasm\": 1}");
	char *k = NULL;
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\": ", key);
	k = strstr(doc, pat);
	char out[1200];
	if (k) {
		char *vend = k + strlen(pat);
		if (*vend == '"')
			vend = strchr(vend + 1, '"') + 1;
		else
			vend += strcspn(vend, ",}");
		if (value)
			snprintf(out, sizeof out, "%.*s%s%s", (int)(k - doc + (long)strlen(pat)), doc, value, vend);
		else if (*vend == ',') /* drop the key and its comma */
			snprintf(out, sizeof out, "%.*s%s", (int)(k - doc), doc, vend + 2);
		else /* the last key: drop the comma before it */
			snprintf(out, sizeof out, "%.*s%s", (int)(k - doc - 2), doc, vend);
	} else {
		snprintf(out, sizeof out, "{\"%s\": %s, %s", key, value, doc + 1);
	}
	int r = mg_psqi_parse_json(out, strlen(out), &a, &err);
	ok(r == code, "S35 PSQI JSON %s = %s: rejected", key, value ? value : "(absent)");
	if (!ok(!strcmp(err.field, field) && strstr(err.msg, field), "PSQI JSON %s = %s: error names %s", key,
		value ? value : "(absent)", field))
		printf("#   field %s, message: %s\n", err.field, err.msg);
	if (bad && !ok(!has_token(err.msg, bad), "PSQI JSON %s = %s: message does not contain the value (privacy)", key,
		       value))
		printf("#   message: %s\n", err.msg);
	ok(!strchr(err.msg, '\n'), "PSQI JSON %s: message is one line", key);
}

static void psqi_json(void)
{
	/* Bad values, each named. */
	json_rejects("bedtime", "\"24:00\"", "bedtime", MG_EINVAL, "24:00");
	json_rejects("bedtime", "\"23\"", "bedtime", MG_EINVAL, NULL);
	json_rejects("bedtime", "\"23:5\"", "bedtime", MG_EINVAL, "23:5");
	json_rejects("bedtime", "1380", "bedtime", MG_EINVAL, "1380");
	json_rejects("bedtime", "\"\"", "bedtime", MG_EINVAL, NULL);
	json_rejects("rise_time", "\"7am\"", "rise_time", MG_EINVAL, "7am");
	json_rejects("rise_time", "\"23:00\"", "rise_time", MG_EINVAL, NULL); /* = bedtime */
	json_rejects("sleep_hours", "8.5", "sleep_hours", MG_EINVAL, "8.5");  /* > 8 h in bed */
	json_rejects("sleep_latency_min", "-5", "sleep_latency_min", MG_EINVAL, "-5");
	json_rejects("sleep_latency_min", "1441", "sleep_latency_min", MG_EINVAL, "1441");
	json_rejects("sleep_latency_min", "\"half an hour\"", "sleep_latency_min", MG_EINVAL, "half");
	json_rejects("sleep_latency_min", "\"90-30\"", "sleep_latency_min", MG_EINVAL, "90");
	json_rejects("sleep_latency_min", "true", "sleep_latency_min", MG_EINVAL, NULL);
	json_rejects("sleep_hours", "25", "sleep_hours", MG_EINVAL, "25");
	json_rejects("sleep_hours", "-1", "sleep_hours", MG_EINVAL, NULL);
	json_rejects("sleep_hours", "\"6h\"", "sleep_hours", MG_EINVAL, "6h");
	json_rejects("sleep_hours", "[6]", "sleep_hours", MG_EINVAL, NULL);
	static const char *const q[] = {"q5a", "q5b", "q5c", "q5d", "q5e", "q5f", "q5g", "q5h", "q5i",
					"sleep_quality", "sleep_medication", "trouble_staying_awake", "enthusiasm"};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		json_rejects(q[i], "12", q[i], MG_EINVAL, "12");
		json_rejects(q[i], NULL, q[i], MG_EINVAL, NULL); /* missing */
	}
	json_rejects("q5b", "1.5", "q5b", MG_EINVAL, "1.5");
	json_rejects("q5c", "-1", "q5c", MG_EINVAL, NULL);
	json_rejects("q5d", "\"often\"", "q5d", MG_EINVAL, "often");
	json_rejects("q5e", "null", "q5e", MG_EINVAL, NULL);
	json_rejects("q5j", "4", "q5j", MG_EINVAL, NULL);
	json_rejects("q5j_reason", "3", "q5j_reason", MG_EINVAL, NULL);
	json_rejects("q5j_reason", "\"line\\nbreak\"", "q5j_reason", MG_EINVAL, "break");
	json_rejects("q5j_reason", "\"nul\\u0000x\"", "psqi", MG_EPARSE, NULL); /* jansson refuses NUL */
	json_rejects("bedtime", NULL, "bedtime", MG_EINVAL, NULL);
	json_rejects("sleep_latency_min", NULL, "sleep_latency_min", MG_EINVAL, NULL);
	json_rejects("rise_time", NULL, "rise_time", MG_EINVAL, NULL);
	json_rejects("sleep_hours", NULL, "sleep_hours", MG_EINVAL, NULL);

	/* Unknown, duplicate, malformed, wrong top level. */
	struct mg_psqi_answers a;
	struct mg_psqi_result r;
	struct mg_error err = {0};
	const char *j = "{\"bedtime\": \"23:00\", \"bed_time\": \"23:00\"}";
	ok(mg_psqi_parse_json(j, strlen(j), &a, &err) == MG_EINVAL && strstr(err.msg, "bed_time") &&
		   strstr(err.msg, "unknown key") && strstr(err.msg, "sleep_latency_min"),
	   "PSQI JSON unknown key: named, accepted keys listed");
	j = "{\"bedtime\": \"23:00\", \"bedtime\": \"22:41\"}";
	ok(mg_psqi_parse_json(j, strlen(j), &a, &err) == MG_EPARSE && !strstr(err.msg, "22:41") &&
		   !strstr(err.msg, "near"),
	   "PSQI JSON duplicate key: parse error, value not echoed");
	j = "{\"sleep_hours\": 6.5,}";
	ok(mg_psqi_parse_json(j, strlen(j), &a, &err) == MG_EPARSE && strstr(err.msg, "line 1") &&
		   !strstr(err.msg, "6.5"),
	   "PSQI JSON malformed: parse error with position, no quoted text");
	j = "{\"sleep_hours\": 6.123456789";
	ok(mg_psqi_parse_json(j, strlen(j), &a, &err) == MG_EPARSE && !strstr(err.msg, "6.123"),
	   "PSQI JSON truncated: parse error, value not echoed");
	j = "[1,2,3]";
	ok(mg_psqi_parse_json(j, strlen(j), &a, &err) == MG_EINVAL && strstr(err.msg, "object"),
	   "PSQI JSON array at top level rejected");
	ok(mg_psqi_parse_json("", 0, &a, &err) == MG_EPARSE, "PSQI JSON empty input rejected");

	/* Accepted variants: strings for numbers, H:MM, optional q5j with reason. */
	j = "{\"bedtime\": \"1:00\", \"sleep_latency_min\": \"20\", \"rise_time\": \"9:00\", \"sleep_hours\": \"7.5\", "
	    "\"q5a\": \"1\", \"q5b\": 0, \"q5c\": 0, \"q5d\": 0, \"q5e\": 0, \"q5f\": 0, \"q5g\": 0, \"q5h\": 0, "
	    "\"q5i\": 0.0, \"q5j\": 2, \"q5j_reason\": \" street noise \", \"sleep_quality\": 1, "
	    "\"sleep_medication\": 0, \"trouble_staying_awake\": 0, \"enthusiasm\": 1}";
	int rc = mg_psqi_parse_json(j, strlen(j), &a, &err);
	if (!ok(rc == 0, "PSQI JSON strings for numbers, H:MM and q5j with reason accepted"))
		printf("#   %s\n", err.msg);
	ok(a.bedtime_min == 60 && a.rise_min == 540 && a.latency_min == 20 && a.sleep_hours == 7.5 && a.q5[9] == 2,
	   "PSQI JSON variant values stored");
	is_str(a.q5j_reason, "street noise", "PSQI JSON q5j_reason trimmed");
	/* C1 1, C2 (1+1=2 -> 1), C3 0, C4 (450/480 = 93.75 % -> 0), C5 (2 -> 1), C6 0, C7 1: global 4. */
	ok(score(&a, &r) == 0 && r.global == 4 && r.time_in_bed_min == 480 && r.q5j_counted && !r.poor_sleeper,
	   "PSQI JSON variant: bed 01:00 rise 09:00 = 480 min, global 4, good sleeper");

	/* mg_psqi_set errors. */
	mg_psqi_answers_init(&a);
	ok(mg_psqi_set(&a, "nonsense", "1", &err) == MG_EINVAL && strstr(err.msg, "unknown item") &&
		   !strstr(err.msg, "nonsense"),
	   "PSQI set: unknown item rejected");
	ok(mg_psqi_set(&a, "q5a", "4", &err) == MG_EINVAL && !strcmp(err.field, "q5a") && !has_token(err.msg, "4"),
	   "PSQI set q5a 4: rejected, named, not echoed");
	ok(mg_psqi_set(&a, "q5a", " 3\n", &err) == 0 && a.q5[0] == 3, "PSQI set q5a \" 3\\n\" accepted");
	ok(mg_psqi_set(&a, "q5j_reason", "bad\xff utf8", &err) == MG_EINVAL, "PSQI set reason with invalid UTF-8 rejected");
	char longtext[200];
	memset(longtext, 'a', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	ok(mg_psqi_set(&a, "q5j_reason", longtext, &err) == MG_EINVAL && !strstr(err.msg, "aaaa"),
	   "PSQI set reason too long rejected, not echoed");
	ok(mg_psqi_set(&a, "q5j_reason", "caf\xc3\xa9 next door", &err) == 0, "PSQI set reason in UTF-8 accepted");
	ok(mg_psqi_set(&a, "sleep_hours", "6.1234567", &err) == MG_EINVAL, "PSQI set sleep hours with 7 decimals rejected");
	ok(mg_psqi_set(&a, "sleep_hours", "1e1", &err) == MG_EINVAL, "PSQI set sleep hours 1e1 rejected");
	ok(mg_psqi_set(&a, "sleep_hours", "nan", &err) == MG_EINVAL, "PSQI set sleep hours nan rejected");
	ok(mg_psqi_set(&a, "bedtime", " 23:30 ", &err) == 0 && a.bedtime_min == 1410, "PSQI set bedtime trims spaces");

	/* Items table. */
	int n = 0, keys_ok = 1;
	for (const struct mg_psqi_item *it; (it = mg_psqi_item(n)); n++) {
		keys_ok &= it->key && it->text && it->number && strstr(it->text, "past month") != NULL;
		keys_ok &= (it->kind == MG_PSQI_CHOICE) == (it->anchors != NULL);
	}
	ok(n == MG_PSQI_ITEMS && keys_ok, "PSQI items: %d, each with key, number, text stating the recall period", n);
	is_str(mg_psqi_item(0)->key, "bedtime", "PSQI item 1 key bedtime");
	is_str(mg_psqi_item(15)->key, "sleep_quality", "PSQI item 6 key sleep_quality");
	is_str(mg_psqi_item(15)->anchors[2], "Fairly bad", "PSQI Q6 anchor 2 fairly bad");
	ok(strstr(mg_psqi_instructions(), "past month") != NULL, "PSQI instructions state the recall period");
	is_str(mg_psqi_component_id(0), "quality", "PSQI component 1 id");
	is_str(mg_psqi_component_id(6), "daytime_dysfunction", "PSQI component 7 id");
	ok(!mg_psqi_component_id(7) && !mg_psqi_component_name(-1), "PSQI component outside 0..6: NULL");
}

int main(void)
{
	isi();
	psqi_example();
	psqi_bands();
	psqi_rules();
	hhmm();
	psqi_json();
	return tap_done();
}
