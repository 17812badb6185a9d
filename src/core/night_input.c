/* A diary entry as given (night_input.h): the checks and messages of
 * 'mgsleep log', shared with the web API. */
#include <mgsleep/kb.h>
#include <mgsleep/night_input.h>
#include <mgsleep/profile.h> /* mg_decimal_parse */

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const known_tags[] = {"caffeine-late", "alcohol", "exercise", "stress", "epsom-bath",
					 "other-supplement"};
#define N_TAGS (sizeof known_tags / sizeof known_tags[0])

const char *const *mg_night_tags(size_t *n)
{
	*n = N_TAGS;
	return known_tags;
}

void mg_night_input_init(struct mg_night_input *in)
{
	memset(in, 0, sizeof *in);
	mg_night_init(&in->night);
	in->mg_elemental = in->mg_compound = in->mg_count = in->mg_per_unit = NAN;
}

/* mg of elemental magnesium (1 to 2000) or of the compound (1 to 20000). */
static int mg_amount(double *out, const char *name, const char *v, struct mg_error *err)
{
	const char *end;
	double x, hi = !strcmp(name, "mg-elemental") ? 2000 : 20000;
	if (mg_decimal_parse(v, &x, &end) || *end || x < 1 || x > hi)
		return mg_fail(err, MG_EINVAL, name, "--%s: accepted: mg from 1 to %g", name, hi);
	*out = x;
	return 0;
}

static int tag(unsigned *tags, const char *v, struct mg_error *err)
{
	unsigned add = 0;
	for (const char *s = v;;) {
		size_t n = strcspn(s, ","), k;
		for (k = 0; k < N_TAGS; k++)
			if (strlen(known_tags[k]) == n && !strncmp(s, known_tags[k], n))
				break;
		if (k == N_TAGS)
			return mg_fail(err, MG_EINVAL, "tag",
				       "--tag: unknown tag; accepted: caffeine-late, alcohol, exercise, stress, "
				       "epsom-bath, other-supplement");
		add |= 1u << k;
		if (!s[n])
			break;
		s += n + 1;
	}
	*tags |= add;
	return 0;
}

static int boolean(int *out, const char *name, const char *v, struct mg_error *err)
{
	if (!strcmp(v, "1") || !strcmp(v, "true"))
		*out = 1;
	else if (!strcmp(v, "0") || !strcmp(v, "false"))
		*out = 0;
	else
		return mg_fail(err, MG_EINVAL, name, "--%s: accepted: true or false", name);
	return 0;
}

int mg_night_input_set(struct mg_night_input *in, const char *field, const char *v, struct mg_error *err)
{
	int m;
	if (mg_night_is_field(field)) {
		while (isspace((unsigned char)*v))
			v++;
		return mg_night_parse_field(&in->night, field, v, err);
	}
	if (!strcmp(field, "comment")) {
		if (strlen(v) > MG_NIGHT_COMMENT_MAX)
			return mg_fail(err, MG_EINVAL, "comment", "--comment: accepted: up to %d characters",
				       MG_NIGHT_COMMENT_MAX);
		snprintf(in->comment, sizeof in->comment, "%s", v);
		in->has_comment = 1;
		return 0;
	}
	if (!strcmp(field, "mg-form")) {
		/* Too long to be a KB name: kept as "" and refused as unknown later. */
		snprintf(in->mg_form, sizeof in->mg_form, "%s", strlen(v) < sizeof in->mg_form ? v : "");
		in->has_form = 1;
		return 0;
	}
	if (!strcmp(field, "mg-elemental"))
		return mg_amount(&in->mg_elemental, field, v, err);
	if (!strcmp(field, "mg-compound"))
		return mg_amount(&in->mg_compound, field, v, err);
	if (!strcmp(field, "mg-time")) {
		if (mg_clock_parse(v, &m))
			return mg_fail(err, MG_EINVAL, "mg-time", "--mg-time: accepted: a clock time HH:MM");
		snprintf(in->mg_time, sizeof in->mg_time, "%s", v);
		return 0;
	}
	if (!strcmp(field, "nap")) {
		/* Every --nap adds up, to at most 12 hours. */
		if (mg_duration_parse(v, &m) || in->nap_min + m > 720)
			return mg_fail(err, MG_EINVAL, "nap", "--nap: accepted: minutes (90, 1h30) up to 12 hours in total");
		in->nap_min += m;
		return 0;
	}
	if (!strcmp(field, "tag"))
		return tag(&in->tags, v, err);
	if (!strcmp(field, "no-mg"))
		return boolean(&in->no_mg, field, v, err);
	if (!strcmp(field, "replace"))
		return boolean(&in->replace, field, v, err);
	return mg_fail(err, MG_EINVAL, "field", "field: not a diary item; accepted: log's long option names");
}

int mg_night_input_missing(const struct mg_night_input *in, struct mg_error *err)
{
	const char *missing = mg_night_first_missing(&in->night);
	if (missing)
		return mg_fail(err, MG_EINVAL, missing,
			       "--%s: missing; every night needs --bed, --final-wake, --out-of-bed, --sol, "
			       "--awakenings and --waso",
			       missing);
	return 0;
}

static void put_clock(struct mg_buf *b, const char *key, int minutes)
{
	char t[6];
	mg_clock_format(minutes, t);
	mg_buf_printf(b, ",\"%s\":\"%s\"", key, t);
}

/* Magnesium that evening: elemental mg, or compound mg converted with the KB. */
static int magnesium(const struct mg_night_input *in, const struct mg_kb *kb, double *elemental,
		     const struct mg_compound **form, struct mg_error *err)
{
	*form = NULL;
	*elemental = in->mg_elemental;
	if (in->no_mg && (in->has_form || !isnan(in->mg_elemental) || !isnan(in->mg_compound)))
		return mg_fail(err, MG_EINVAL, "no-mg", "--no-mg: contradicts the --mg-* options");
	if (!isnan(in->mg_elemental) && !isnan(in->mg_compound))
		return mg_fail(err, MG_EINVAL, "mg-compound",
			       "--mg-compound: give either --mg-elemental or --mg-compound, not both");
	if (!in->has_form && isnan(in->mg_compound))
		return 0;
	if (!in->has_form)
		return mg_fail(err, MG_EINVAL, "mg-form", "--mg-form: needed with --mg-compound");
	if (!kb)
		return mg_fail(err, MG_EKB, "mg-form", "--mg-form: no knowledge base to look it up in");
	if (!(*form = mg_kb_find_compound(kb, in->mg_form)))
		return mg_fail(err, MG_EINVAL, "mg-form", "--mg-form: unknown form; accepted: %s",
			       mg_kb_compound_names(kb));
	if (!isnan(in->mg_compound))
		*elemental = mg_elemental_from_compound(*form, in->mg_compound);
	else if (isnan(in->mg_elemental))
		return mg_fail(err, MG_EINVAL, "mg-elemental",
			       "--mg-elemental: needed with --mg-form (or give --mg-compound)");
	return 0;
}

int mg_night_input_entry(const struct mg_night_input *in, const struct mg_kb *kb, struct mg_buf *entry,
			 double *elemental, const struct mg_compound **form, struct mg_error *err)
{
	const struct mg_night *n = &in->night;
	char date[11];
	int r = magnesium(in, kb, elemental, form, err);
	if (r)
		return r;
	mg_date_format(n->date, date);
	mg_buf_printf(entry, "{\"date\":\"%s\"", date);
	put_clock(entry, "bed", n->bed);
	put_clock(entry, "try_sleep", n->try_sleep < 0 ? n->bed : n->try_sleep);
	mg_buf_printf(entry, ",\"sol_min\":%d,\"awakenings\":%d,\"waso_min\":%d", n->sol_min, n->awakenings,
		      n->waso_min);
	put_clock(entry, "final_wake", n->final_wake);
	put_clock(entry, "out_of_bed", n->out_of_bed);
	if (n->quality)
		mg_buf_printf(entry, ",\"quality\":%d", n->quality);
	mg_buf_printf(entry, ",\"utc_offset_evening\":%d,\"utc_offset_morning\":%d", n->utc_offset_evening,
		      n->utc_offset_morning);
	if (in->has_comment) {
		mg_buf_puts(entry, ",\"comment\":");
		mg_buf_put_json_str(entry, in->comment);
	}
	if (!isnan(*elemental)) {
		mg_buf_puts(entry, ",\"magnesium\":{\"elemental_mg\":");
		mg_buf_put_num(entry, *elemental, 1);
		if (*form) {
			mg_buf_printf(entry, ",\"form\":\"%s\",\"compound_mg\":", (*form)->id);
			mg_buf_put_num(entry,
				       isnan(in->mg_compound) ? mg_compound_from_elemental(*form, *elemental)
							      : in->mg_compound,
				       1);
		}
		if (!isnan(in->mg_count)) {
			mg_buf_puts(entry, ",\"count\":");
			mg_buf_put_num(entry, in->mg_count, 1);
			mg_buf_printf(entry, ",\"unit\":\"%s\",\"mg_per_unit\":", in->mg_unit);
			mg_buf_put_num(entry, in->mg_per_unit, 1);
		}
		if (in->mg_time[0])
			mg_buf_printf(entry, ",\"time\":\"%s\"", in->mg_time);
		mg_buf_putc(entry, '}');
	} else {
		/* none, or not answered: never the same (docs/diary.md) */
		mg_buf_puts(entry, in->no_mg ? ",\"magnesium\":null" : ",\"magnesium\":\"unknown\"");
	}
	if (in->tags) {
		mg_buf_puts(entry, ",\"tags\":[");
		for (size_t k = 0, first = 1; k < N_TAGS; k++)
			if (in->tags >> k & 1) {
				mg_buf_printf(entry, "%s\"%s\"", first ? "" : ",", known_tags[k]);
				first = 0;
			}
		mg_buf_putc(entry, ']');
	}
	if (in->nap_min > 0)
		mg_buf_printf(entry, ",\"nap_min\":%d", (int)in->nap_min);
	mg_buf_putc(entry, '}');
	return entry->failed ? mg_fail(err, MG_ENOMEM, NULL, "out of memory") : 0;
}
