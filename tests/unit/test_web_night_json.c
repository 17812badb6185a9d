/* The web API's night (mg_night_json_read, include/mgsleep/night_input.h):
 * JSON keys as log's long options with '_' for '-', each value through the
 * same checks as log's flags, so a refusal has log's words; the stored entry
 * as docs/diary.md describes it. Expected entries are written out by hand
 * from that description; bisglycinate's elemental fraction 0.141 is
 * kb/compounds.json's (1000 mg of the compound = 141 mg elemental). Privacy:
 * no message holds a value or key that was sent. */
#include "../tap.h"

#include <mgsleep/kb.h>
#include <mgsleep/night_input.h>

#include <stdlib.h>

static int read_str(const char *js, struct mg_night_input *in, struct mg_error *err)
{
	memset(err, 0, sizeof *err);
	return mg_night_json_read(js, strlen(js), in, err);
}

int main(void)
{
	struct mg_night_input in, cli;
	struct mg_error err = {0}, cerr = {0};
	struct mg_kb *kb = NULL;
	struct mg_buf entry = MG_BUF_INIT;
	double el;
	const struct mg_compound *form;
	if (mg_kb_load_builtin(&kb, &err)) {
		printf("# %s\n", err.msg);
		return 1;
	}

	int r = read_str("{\"date\":\"2026-11-20\",\"bed\":\"23:00\",\"try_sleep\":\"23:15\",\"sol\":20,\"awakenings\":2,"
			 "\"waso\":\"30\",\"final_wake\":\"06:45\",\"out_of_bed\":\"07:00\",\"quality\":4,"
			 "\"comment\":\"ok\",\"tag\":[\"stress\",\"alcohol\"],\"nap\":[20,\"1h\"],\"mg_time\":\"21:30\","
			 "\"mg_form\":\"glycinate\",\"mg_compound\":1000,\"replace\":true}",
			 &in, &err);
	ok(!r, "a whole night is read");
	ok(in.night.bed == 23 * 60 && in.night.try_sleep == 23 * 60 + 15 && in.night.sol_min == 20 &&
		   in.night.awakenings == 2 && in.night.waso_min == 30 && in.night.final_wake == 6 * 60 + 45 &&
		   in.night.out_of_bed == 7 * 60 && in.night.quality == 4,
	   "the items: clock times in minutes, numbers and strings alike");
	ok(in.nap_min == 80, "naps add up: 20 + 1h = 80 min");
	ok(in.replace == 1 && in.has_comment && !strcmp(in.comment, "ok"), "replace and comment");
	ok(!mg_night_input_entry(&in, kb, &entry, &el, &form, &err) && form && !strcmp(form->id, "bisglycinate"),
	   "the entry: glycinate is the KB's bisglycinate");
	is_num(el, 141, 0.05, "1000 mg of bisglycinate = 141 mg elemental (fraction 0.141)");
	is_str(entry.data,
	       "{\"date\":\"2026-11-20\",\"bed\":\"23:00\",\"try_sleep\":\"23:15\",\"sol_min\":20,\"awakenings\":2,"
	       "\"waso_min\":30,\"final_wake\":\"06:45\",\"out_of_bed\":\"07:00\",\"quality\":4,"
	       "\"utc_offset_evening\":0,\"utc_offset_morning\":0,\"comment\":\"ok\",\"magnesium\":{\"elemental_mg\":141,"
	       "\"form\":\"bisglycinate\",\"compound_mg\":1000,\"time\":\"21:30\"},\"tags\":[\"alcohol\",\"stress\"],"
	       "\"nap_min\":80}",
	       "the stored entry as docs/diary.md describes it");
	mg_buf_release(&entry);

	ok(!read_str("{\"tag\":\"exercise,stress\",\"no_mg\":true,\"sol\":null}", &in, &err) && in.no_mg &&
		   in.tags == ((1u << 2) | (1u << 3)) && in.night.sol_min == MG_NIGHT_UNSET,
	   "one tag string with commas as --tag takes it; booleans; null is not given");
	{
		struct mg_buf e2 = MG_BUF_INIT;
		read_str("{\"date\":\"2026-11-20\",\"no_mg\":true}", &in, &err);
		in.night.bed = 0;
		mg_night_input_entry(&in, NULL, &e2, &el, &form, &err);
		ok(e2.data && strstr(e2.data, "\"magnesium\":null") && isnan(el), "no_mg: magnesium null (none, not unknown)");
		mg_buf_release(&e2);
	}

	/* The same refusal as the flag: compare with mg_night_input_set. */
	static const char *const cases[][3] = {
		{"{\"sol\":\"zz99\"}", "sol", "zz99"},
		{"{\"bed\":\"25:00\"}", "bed", "25:00"},
		{"{\"quality\":7}", "quality", "7"},
		{"{\"mg_elemental\":5000}", "mg-elemental", "5000"},
		{"{\"tag\":[\"stress\",\"zz-secret\"]}", "tag", "zz-secret"},
		{"{\"nap\":[600,600]}", "nap", "600"},
		{"{\"mg_time\":\"9pm\"}", "mg-time", "9pm"},
		{"{\"no_mg\":\"maybe\"}", "no-mg", "maybe"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mg_night_input_init(&cli);
		memset(&cerr, 0, sizeof cerr);
		if (!strcmp(cases[i][1], "nap"))
			mg_night_input_set(&cli, "nap", "600", &cerr);
		int cr = mg_night_input_set(&cli, cases[i][1], cases[i][2], &cerr);
		r = read_str(cases[i][0], &in, &err);
		ok(r == MG_EINVAL && cr == MG_EINVAL && !strcmp(err.msg, cerr.msg) && !strcmp(err.field, cerr.field) &&
			   !strstr(err.msg, cases[i][2]),
		   "%s: refused with the flag's words, the value not echoed", cases[i][1]);
	}

	r = read_str("{\"date\":\"2026-11-20\",\"zz-secret\":1}", &in, &err);
	ok(r == MG_EINVAL && !strcmp(err.field, "body") && !strstr(err.msg, "zz-secret"), "an unknown key: refused, not named");
	ok(read_str("{\"sol\":{\"a\":1}}", &in, &err) == MG_EINVAL && !strcmp(err.field, "sol"),
	   "an object as a value: MG_EINVAL naming the key");
	ok(read_str("{\"bed\":[\"23:00\"]}", &in, &err) == MG_EINVAL && !strcmp(err.field, "bed"),
	   "an array for an item that is not repeatable: MG_EINVAL");
	ok(read_str("{\"comment\":\"a\\u0000b\"}", &in, &err) == MG_EPARSE,
	   "a NUL inside a string: MG_EPARSE (never cut short)");
	ok(read_str("[1,2]", &in, &err) == MG_EPARSE && !strcmp(err.field, "body"), "an array: MG_EPARSE");
	ok(read_str("{\"bed\":", &in, &err) == MG_EPARSE && strstr(err.msg, "byte"), "cut JSON: MG_EPARSE with a byte offset");
	ok(read_str("{\"bed\":\"22:00\",\"bed\":\"23:00\"}", &in, &err) == MG_EPARSE, "a key twice: MG_EPARSE");
	char *big = malloc(70000);
	memset(big, ' ', 70000);
	big[0] = '{', big[69999] = '}';
	ok(mg_night_json_read(big, 70000, &in, &err) == MG_ETOOBIG, "over 64 KiB: MG_ETOOBIG");
	free(big);
	char comment[2100];
	snprintf(comment, sizeof comment, "{\"comment\":\"%02001d\"}", 0);
	ok(read_str(comment, &in, &err) == MG_EINVAL && strstr(err.msg, "2000"), "a comment over 2000 characters: refused");

	read_str("{\"mg_compound\":300}", &in, &err);
	ok(mg_night_input_entry(&in, kb, &entry, &el, &form, &err) == MG_EINVAL && !strcmp(err.field, "mg-form"),
	   "a compound amount without a form: --mg-form needed");
	mg_buf_release(&entry);
	read_str("{\"mg_form\":\"zz-unknown\",\"mg_elemental\":100}", &in, &err);
	ok(mg_night_input_entry(&in, kb, &entry, &el, &form, &err) == MG_EINVAL && !strstr(err.msg, "zz-unknown"),
	   "an unknown form: refused, not echoed");
	mg_buf_release(&entry);
	read_str("{\"no_mg\":true,\"mg_elemental\":100}", &in, &err);
	ok(mg_night_input_entry(&in, kb, &entry, &el, &form, &err) == MG_EINVAL && !strcmp(err.field, "no-mg"),
	   "no_mg with an amount: contradiction");
	mg_buf_release(&entry);
	memset(&err, 0, sizeof err);
	mg_night_input_init(&in);
	ok(mg_night_input_missing(&in, &err) == MG_EINVAL && !strcmp(err.field, "date"), "nothing given: date missing first");
	mg_kb_free(kb);
	return tap_done();
}
