/* libFuzzer target: the sleep-diary parsers and the night validator
 * (mgsleep/night.h), everything a `mgsleep log` flag or prompt goes through.
 *
 * 1. The raw input, as a NUL-terminated string, through mg_date_parse,
 *    mg_clock_parse, mg_duration_parse and mg_utc_offset_parse; what they
 *    accept must be in range and round-trip through the formatters.
 * 2. The input split into lines "field=value", fed to mg_night_parse_field on
 *    a night that starts as the reference 7.3 worked example (a line "reset"
 *    empties it with mg_night_init), then mg_night_timeline and
 *    mg_night_compute; an accepted night must satisfy the metric invariants.
 *    The raw input also goes through the magnesium answer parsers
 *    (mg_night_mg_answer_parse, mg_night_mg_amount_parse).
 * 3. An input starting "RAW" is copied over a struct mg_night as raw bytes,
 *    so validation sees arbitrary ints (INT_MIN, INT_MAX...).
 * 4. The raw input as a stored diary entry (mg_night_entry_parse, issue 12:
 *    entries come back from restored backups): what it reads is in range,
 *    and a refusal names "entry" on one line; read whole
 *    (mg_night_entry_read), the same items, strings terminated in their
 *    buffers, magnesium items only for a taken evening.
 * Nothing may crash, trip ASan/UBSan or leak.
 *
 * run: build-fuzz/fuzz/fuzz_night fuzz/corpus/night -max_total_time=60 */
#include <mgsleep/night.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A rejection: a code, the field named (an unknown field name may be ""),
 * a one-line message naming a flag. */
static void check_error(const struct mg_error *err, int known_field)
{
	if (err->code >= 0 || (known_field && !err->field[0]) || !strstr(err->msg, "--") ||
	    strchr(err->msg, '\n') || strchr(err->msg, '\r'))
		abort();
}

/* A magnesium answer: accepted ones are in range with a bounded form, refused
 * ones name "magnesium" on one line and leave the answer struct untouched. */
static void mg_answers(const char *s)
{
	struct mg_error err = {0};
	struct mg_night_mg_answer a, before;
	memset(&a, 0x5a, sizeof a);
	before = a;
	if (mg_night_mg_answer_parse(s, &a, &err) == 0) {
		if (a.state == MG_NIGHT_MG_TAKEN) {
			int counted = a.count == a.count; /* not NaN */
			if (counted == (a.mg == a.mg) || !memchr(a.form, '\0', sizeof a.form) ||
			    (counted ? a.count <= 0 || a.count > MG_NIGHT_MG_MAX_UNITS || !a.unit[0]
				     : a.mg < MG_NIGHT_MG_MIN || a.mg > MG_NIGHT_MG_MAX))
				abort();
		} else if (a.state != MG_NIGHT_MG_NONE && a.state != MG_NIGHT_MG_UNKNOWN) {
			abort();
		}
	} else if (memcmp(&a, &before, sizeof a) || strcmp(err.field, "magnesium") || strchr(err.msg, '\n')) {
		abort();
	}
	double mg = -1;
	if (mg_night_mg_amount_parse(s, &mg, &err) == 0 ? mg <= 0 || mg > MG_NIGHT_MG_MAX : mg != -1)
		abort();
}

static void raw_parsers(const char *s)
{
	int32_t d = 0;
	int v = 0;
	char out[11], clk[6];
	if (mg_date_parse(s, &d) == 0) {
		if (d < MG_DATE_MIN || d > MG_DATE_MAX)
			abort();
		mg_date_format(d, out);
		if (strcmp(out, s)) /* strict: exactly one spelling per date */
			abort();
	}
	if (mg_clock_parse(s, &v) == 0) {
		if (v < 0 || v > 1439)
			abort();
		mg_clock_format(v, clk);
		size_t len = strlen(s); /* "7:05" formats as "07:05" */
		if (len == 5 ? strcmp(clk, s) != 0 : len != 4 || clk[0] != '0' || strcmp(clk + 1, s) != 0)
			abort();
	}
	if (mg_duration_parse(s, &v) == 0 && (v < 0 || v > MG_NIGHT_MAX_MIN))
		abort();
	if (mg_utc_offset_parse(s, &v) == 0 && (v < -MG_UTC_OFFSET_MAX || v > MG_UTC_OFFSET_MAX))
		abort();
}

static void check_night(const struct mg_night *n)
{
	struct mg_error err = {0};
	struct mg_night_times t;
	struct mg_night_metrics m;
	int timeline_ok = mg_night_timeline(n, &t, &err) == 0;
	if (!timeline_ok)
		check_error(&err, 1);
	if (timeline_ok && !(t.local[0] <= t.local[1] && t.local[1] <= t.local[2] && t.local[2] <= t.local[3] &&
			     t.local[3] - t.local[0] <= 3 * 1439 &&
			     t.local[MG_EV_FINAL_WAKE] == (int64_t)n->date * 1440 + n->final_wake))
		abort();
	memset(&err, 0, sizeof err);
	if (mg_night_compute(n, &m, &err)) {
		check_error(&err, 1);
		return;
	}
	if (!timeline_ok) /* compute validates a superset of the timeline */
		abort();
	if (m.tib < 1 || m.tib > MG_NIGHT_MAX_MIN || m.tst < 0 || m.sol + m.waso + m.tst > m.tib ||
	    m.terminal_wake < 0 || m.terminal_wake > 1439 || m.waso_with_terminal != m.waso + m.terminal_wake ||
	    !(m.se_pct >= 0.0 && m.se_pct <= 100.0))
		abort();
	if (t.utc[MG_EV_OUT_OF_BED] - t.utc[MG_EV_BED] != m.tib)
		abort(); /* real time in bed = the UTC instants' difference */
}

/* A stored entry read back: every item read is in its range or unset. */
static void stored_entry(const uint8_t *data, size_t size)
{
	struct mg_night n;
	enum mg_night_mg m;
	struct mg_error err = {0};
	if (mg_night_entry_parse((const char *)data, size, &n, &m, &err)) {
		if (err.code != MG_EPARSE || strcmp(err.field, "entry") || strchr(err.msg, '\n'))
			abort();
		return;
	}
	if ((n.bed < MG_NIGHT_UNSET || n.bed > 1439) || (n.final_wake < MG_NIGHT_UNSET || n.final_wake > 1439) ||
	    n.sol_min < MG_NIGHT_UNSET || n.sol_min > MG_NIGHT_MAX_MIN || n.awakenings < MG_NIGHT_UNSET ||
	    n.awakenings > MG_NIGHT_MAX_AWAKENINGS || n.quality < 0 || n.quality > 5 ||
	    n.utc_offset_evening < -MG_UTC_OFFSET_MAX || n.utc_offset_evening > MG_UTC_OFFSET_MAX ||
	    (m != MG_NIGHT_MG_UNKNOWN && m != MG_NIGHT_MG_NONE && m != MG_NIGHT_MG_TAKEN) ||
	    (n.date != MG_DATE_UNSET && (n.date < MG_DATE_MIN || n.date > MG_DATE_MAX)))
		abort();
}

/* The whole entry read back (mg_night_entry_read): the same items as
 * mg_night_entry_parse, every string NUL-terminated in its buffer, numbers
 * only for a taken evening, and a refusal names "entry" on one line. */
static void stored_entry_whole(const uint8_t *data, size_t size)
{
	static struct mg_night_entry e;
	struct mg_night n;
	enum mg_night_mg m;
	struct mg_error err = {0};
	int r = mg_night_entry_read((const char *)data, size, &e, &err);
	if (r != mg_night_entry_parse((const char *)data, size, &n, &m, NULL))
		abort();
	if (r) {
		if (err.code != MG_EPARSE || strcmp(err.field, "entry") || strchr(err.msg, '\n'))
			abort();
		return;
	}
	if (memcmp(&n, &e.n, sizeof n) || m != e.magnesium || e.n_tags > MG_NIGHT_MAX_TAGS ||
	    memchr(e.form, 0, sizeof e.form) == NULL || memchr(e.unit, 0, sizeof e.unit) == NULL ||
	    memchr(e.comment, 0, sizeof e.comment) == NULL || (e.comment_cut && !e.has_comment) ||
	    (e.time_min != MG_NIGHT_UNSET && (e.time_min < 0 || e.time_min > 1439 || !e.time[0])) ||
	    (e.nap_min != MG_NIGHT_UNSET && (e.nap_min < 0 || e.nap_min > MG_NIGHT_MAX_MIN)))
		abort();
	for (size_t i = 0; i < e.n_tags; i++)
		if (!memchr(e.tags[i], 0, sizeof e.tags[i]))
			abort();
	if (e.magnesium != MG_NIGHT_MG_TAKEN && (!isnan(e.elemental_mg) || !isnan(e.count) || e.form[0] || e.time[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	raw_parsers(s);
	mg_answers(s);
	stored_entry(data, size);
	stored_entry_whole(data, size);

	struct mg_night n;
	if (size >= 3 + sizeof n && !memcmp(s, "RAW", 3)) {
		memcpy(&n, s + 3, sizeof n);
		check_night(&n);
		free(s);
		return 0;
	}

	static const char *const example[][2] = {
		{"date", "2026-11-23"}, {"bed", "22:30"}, {"try-sleep", "23:00"}, {"sol", "30"},
		{"awakenings", "2"}, {"waso", "40"}, {"final-wake", "06:30"}, {"out-of-bed", "07:00"},
	};
	struct mg_error err = {0};
	mg_night_init(&n);
	for (size_t i = 0; i < sizeof example / sizeof example[0]; i++)
		if (mg_night_parse_field(&n, example[i][0], example[i][1], &err))
			abort();
	for (char *line = s, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strcmp(line, "reset")) {
			mg_night_init(&n);
			if (mg_night_first_missing(&n) == NULL)
				abort();
			continue;
		}
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		struct mg_night before = n;
		memset(&err, 0, sizeof err);
		if (mg_night_parse_field(&n, line, eq + 1, &err)) {
			check_error(&err, mg_night_is_field(line));
			if (memcmp(&before, &n, sizeof n))
				abort(); /* a rejected value changes nothing */
		} else if (!mg_night_is_field(line)) {
			abort();
		}
	}
	check_night(&n);
	free(s);
	return 0;
}
