/* libFuzzer target: ISI answers and PSQI JSON answers -> scoring.
 *
 * Each input is fed, as a NUL-terminated copy, to mg_isi_parse (and, when
 * accepted, mg_isi_score) and to mg_psqi_set for every item key (the
 * interactive path), and as bytes to mg_psqi_parse_json; accepted PSQI
 * answers are scored. Invariants checked: scores stay in their ranges, the
 * global score is the sum of the components, an error always carries a
 * one-line message. Nothing may crash, trip ASan/UBSan or leak.
 *
 * run: build-fuzz/fuzz/fuzz_questionnaire fuzz/corpus/questionnaire -max_total_time=60 */
#include <mgsleep/questionnaire.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(int r, const struct mg_error *err)
{
	if (r >= 0)
		return;
	if (err->code != r || !err->msg[0] || strchr(err->msg, '\n'))
		abort();
}

static void isi(const char *s)
{
	int items[MG_ISI_ITEMS];
	struct mg_error err = {0};
	int r = mg_isi_parse(s, items, &err);
	check_error(r, &err);
	if (r)
		return;
	struct mg_isi out;
	if (mg_isi_score(items, &out, &err))
		abort(); /* parsed answers must score */
	if (out.total < 0 || out.total > 28 || out.category != mg_isi_category_of(out.total) ||
	    !mg_isi_category_name(out.category) || !mg_isi_category_label(out.category))
		abort();
}

static void psqi_score(const struct mg_psqi_answers *a, int must_score)
{
	struct mg_psqi_result res;
	struct mg_error err = {0};
	int r = mg_psqi_score(a, &res, &err);
	check_error(r, &err);
	if (r) {
		if (must_score)
			abort(); /* parse_json already made the same checks */
		return;
	}
	int sum = 0;
	for (int c = 0; c < MG_PSQI_COMPONENTS; c++) {
		if (res.components[c] < 0 || res.components[c] > 3)
			abort();
		sum += res.components[c];
	}
	if (sum != res.global || res.poor_sleeper != (res.global > 5) || res.time_in_bed_min < 1 ||
	    res.time_in_bed_min > 1439 || !(res.efficiency_pct >= 0 && res.efficiency_pct <= 100) ||
	    res.disturbance_sum < 0 || res.disturbance_sum > 27)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	isi(s);

	struct mg_psqi_answers a;
	struct mg_error err = {0};
	int r = mg_psqi_parse_json((const char *)data, size, &a, &err);
	check_error(r, &err);
	if (r == 0)
		psqi_score(&a, 1);

	/* The interactive path: the same text as every item's answer, on top
	 * of a complete set of answers, then scored (which may refuse it). */
	struct mg_psqi_answers b;
	mg_psqi_answers_init(&b);
	b.bedtime_min = 23 * 60;
	b.latency_min = 20;
	b.rise_min = 7 * 60;
	b.sleep_hours = 7;
	for (int k = 0; k < MG_PSQI_Q5; k++)
		b.q5[k] = 1;
	b.sleep_quality = b.sleep_medication = b.trouble_staying_awake = b.enthusiasm = 1;
	for (int i = 0; i < MG_PSQI_ITEMS; i++) {
		const struct mg_psqi_item *it = mg_psqi_item(i);
		struct mg_psqi_answers c = b;
		r = mg_psqi_set(&c, it->key, s, &err);
		check_error(r, &err);
		if (r == 0)
			psqi_score(&c, 0);
	}
	int m;
	if (mg_q_parse_hhmm(s, &m) == 0 && (m < 0 || m > 1439))
		abort();
	free(s);
	return 0;
}
