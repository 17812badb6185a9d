/* One diary entry as given by a person, from 'mgsleep log' options or from
 * the web app's JSON (mg_night_json_read): the items of struct mg_night plus
 * the comment, the evening's magnesium, tags and naps, each checked as it is
 * set, then checked as a whole and written as the stored entry
 * (docs/diary.md). One place for the validation and its messages, so the CLI
 * and the web API refuse the same nights with the same words.
 *
 * Field names are log's long options ("try-sleep", "mg-elemental"); messages
 * name them as flags ("--sol: ...") and never hold the value given.
 *
 * Ownership: struct mg_night_input is caller-allocated and holds no pointers
 * (about 2.2 KB). */
#ifndef MGSLEEP_NIGHT_INPUT_H
#define MGSLEEP_NIGHT_INPUT_H

#include <mgsleep/buf.h>
#include <mgsleep/error.h>
#include <mgsleep/night.h>

#define MG_NIGHT_FORM_MAX 127 /* longer --mg-form text is an unknown form */

struct mg_night_input {
	struct mg_night night;
	int has_comment;
	char comment[MG_NIGHT_COMMENT_MAX + 1];
	char mg_form[MG_NIGHT_FORM_MAX + 1]; /* as given; looked up in the KB by mg_night_input_entry */
	int has_form;
	double mg_elemental, mg_compound;   /* NaN: not given */
	double mg_count, mg_per_unit;       /* an interactive "2 capsules": count and mg in one unit; NaN */
	char mg_unit[16];
	char mg_time[6]; /* "" or HH:MM as given */
	double nap_min;  /* every nap added up */
	unsigned tags;   /* bits of mg_night_tags() */
	int no_mg, replace;
};

/* Nothing given: the night all unset, amounts NaN. */
void mg_night_input_init(struct mg_night_input *in);

/* Set one item from text, as typed after log's flag: the night's items
 * (mg_night_parse_field), comment, mg-form, mg-elemental, mg-compound,
 * mg-time, tag (NAME[,NAME]; adds), nap (adds). Booleans (no-mg, replace)
 * take "1"/"true" or "0"/"false". 0, or MG_EINVAL naming the flag; an
 * unknown field is MG_EINVAL naming it "field". */
int mg_night_input_set(struct mg_night_input *in, const char *field, const char *value, struct mg_error *err);

/* The tag names accepted, in bit order; *n set. */
const char *const *mg_night_tags(size_t *n);

/* MG_EINVAL naming the first required item not given, else 0. */
int mg_night_input_missing(const struct mg_night_input *in, struct mg_error *err);

/* After mg_night_compute accepted the night (m its metrics): the magnesium
 * checked as a whole (no-mg against the amounts, elemental or compound, the
 * form in the KB; kb may be NULL only when no form and no compound amount
 * was given) and the stored entry written to entry (docs/diary.md).
 * *elemental: the evening's elemental mg or NaN; *form the KB compound or
 * NULL. 0, MG_EINVAL naming the flag, MG_ENOMEM. */
struct mg_kb;
struct mg_compound;
int mg_night_input_entry(const struct mg_night_input *in, const struct mg_kb *kb, struct mg_buf *entry,
			 double *elemental, const struct mg_compound **form, struct mg_error *err);

/* The web API's night: a JSON object whose keys are log's long options with
 * '_' for '-' (date, bed, try_sleep, sol, awakenings, waso, final_wake,
 * out_of_bed, quality, comment, mg_form, mg_elemental, mg_compound, mg_time,
 * no_mg, replace as strings, numbers or booleans; tag and nap as arrays, or
 * one value). Each value goes through mg_night_input_set, so the checks and
 * messages are log's. Untrusted input: at most 64 KiB, never echoed.
 * 0; MG_EPARSE (field "body", with the byte offset) when it is not a JSON
 * object; MG_EINVAL naming the key when a key is unknown or a value of the
 * wrong type; MG_ETOOBIG. *in is initialised first. */
int mg_night_json_read(const char *json, size_t len, struct mg_night_input *in, struct mg_error *err);

#endif
