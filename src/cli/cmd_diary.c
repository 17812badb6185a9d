/* mgsleep diary: the logged nights as a table (text), JSON or CSV. */
#include "cli.h"

#include <mgsleep/night.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void hm(struct mg_buf *b, json_t *v)
{
	long long m = json_integer_value(v);
	mg_buf_printf(b, "%lld:%02lld", m / 60, m % 60);
}

/* Put each device night under its date's diary night as "device": [...];
 * dates only devices saw become nights without an "entry". Both arrays are
 * sorted by date. */
static void merge_device(json_t *nights, json_t *dev)
{
	size_t i = 0, j = 0;
	while (j < json_array_size(dev)) {
		json_t *d = json_array_get(dev, j);
		const char *dd = str(d, "date");
		json_t *n = json_array_get(nights, i);
		int c = n ? strcmp(str(n, "date"), dd) : 1;
		if (n && c < 0) {
			i++;
			continue;
		}
		if (!n || c > 0) { /* insert a device-only night before n */
			n = json_pack("{s:s, s:[]}", "date", dd, "device");
			json_array_insert_new(nights, i, n);
		}
		json_t *list = json_object_get(n, "device");
		if (!list) {
			list = json_array();
			json_object_set_new(n, "device", list);
		}
		json_array_append(list, d);
		j++;
	}
}

static void put_min(struct mg_buf *b, json_t *v)
{
	if (json_is_integer(v))
		mg_buf_printf(b, "%lld", json_integer_value(v));
}

static const char *night_mg_word(enum mg_night_mg k)
{
	return k == MG_NIGHT_MG_TAKEN ? "taken" : k == MG_NIGHT_MG_NONE ? "none" : "unknown";
}

/* A clock time of the entry as HH:MM; "" when not stored. */
static const char *clock_text(int minutes, char out[6])
{
	if (minutes == MG_NIGHT_UNSET)
		out[0] = '\0';
	else
		mg_clock_format(minutes, out);
	return out;
}

/* Free text on one line: control characters (a newline in a comment, an
 * escape sequence) become spaces. */
static void put_text(struct mg_buf *b, const char *s)
{
	for (; *s; s++)
		mg_buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

/* Tags joined by sep. */
static void put_tags(struct mg_buf *b, const struct mg_night_entry *e, const char *sep)
{
	for (size_t i = 0; i < e->n_tags; i++)
		mg_buf_printf(b, "%s%s", i ? sep : "", e->tags[i]);
}

/* What the table has no room for, on one indented line (nothing when the
 * night has none of it): the magnesium's form, count and time, tags, naps,
 * the comment. */
static void extras_text(struct mg_buf *b, const struct mg_night_entry *e)
{
	const char *sep = "            ";
	if (e->form[0] || !isnan(e->count) || e->time[0]) {
		mg_buf_printf(b, "%smagnesium:", sep);
		if (!isnan(e->count))
			mg_buf_printf(b, " %g %s of %g mg", e->count, e->unit, isnan(e->mg_per_unit) ? 0 : e->mg_per_unit);
		if (e->form[0])
			mg_buf_printf(b, " %s", e->form);
		if (!isnan(e->compound_mg))
			mg_buf_printf(b, " (%g mg of the compound)", e->compound_mg);
		if (e->time[0])
			mg_buf_printf(b, " at %s", e->time);
		sep = "; ";
	}
	if (e->n_tags) {
		mg_buf_printf(b, "%stags: ", sep);
		put_tags(b, e, ", ");
		sep = "; ";
	}
	if (e->nap_min != MG_NIGHT_UNSET) {
		mg_buf_printf(b, "%snaps %d min", sep, e->nap_min);
		sep = "; ";
	}
	if (e->has_comment) {
		mg_buf_printf(b, "%scomment: ", sep);
		put_text(b, e->comment);
		sep = "; ";
	}
	if (strcmp(sep, "            "))
		mg_buf_putc(b, '\n');
}

/* The CSV columns after the device ones: magnesium (taken, none, unknown),
 * mg_form, tags (separated by ';'), nap_min, comment. */
static void extras_csv(struct mg_buf *b, const struct mg_night_entry *e)
{
	if (!e) {
		mg_buf_puts(b, ",,,,,\n");
		return;
	}
	mg_buf_printf(b, ",%s,%s,", night_mg_word(e->magnesium), e->form);
	put_tags(b, e, ";");
	mg_buf_putc(b, ',');
	if (e->nap_min != MG_NIGHT_UNSET)
		mg_buf_printf(b, "%d", e->nap_min);
	mg_buf_putc(b, ',');
	if (e->has_comment)
		cli_csv_quoted(b, e->comment);
	mg_buf_putc(b, '\n');
}

/* Device columns of the CSV, after device_source; the header is built from
 * the same list. */
static const char *const device_cols[] = {"tib", "tst", "sol", "waso", "awakenings", "light", "deep", "rem"};
#define N_DEVICE_COLS (sizeof device_cols / sizeof *device_cols)

/* The chosen source's main sleep (first in the list) as CSV columns. */
static void device_csv(struct mg_buf *b, json_t *d)
{
	json_t *x = json_array_get(d, 0);
	if (x && json_integer_value(json_object_get(x, "main")) && json_integer_value(json_object_get(x, "chosen"))) {
		cli_csv_quoted(b, str(x, "source")); /* a source name may hold commas or quotes */
		for (size_t k = 0; k < N_DEVICE_COLS; k++) {
			mg_buf_putc(b, ',');
			put_min(b, json_object_get(x, device_cols[k]));
		}
	} else {
		for (size_t k = 0; k < N_DEVICE_COLS; k++)
			mg_buf_putc(b, ',');
	}
}

/* One line per device episode: the chosen main sleep, then other sources'
 * view of the same night, then naps. */
static void device_text(struct mg_buf *b, json_t *d)
{
	size_t i;
	json_t *x;
	json_array_foreach(d, i, x) {
		int main_ = (int)json_integer_value(json_object_get(x, "main"));
		int chosen = (int)json_integer_value(json_object_get(x, "chosen"));
		json_t *sol = json_object_get(x, "sol"), *waso = json_object_get(x, "waso");
		mg_buf_printf(b, "            %s: in bed ", !main_ ? "nap   " : chosen ? "device" : "also  ");
		hm(b, json_object_get(x, "tib"));
		mg_buf_puts(b, ", asleep ");
		hm(b, json_object_get(x, "tst"));
		if (json_is_integer(sol))
			mg_buf_printf(b, ", SOL %lld", json_integer_value(sol));
		if (main_ && json_is_integer(waso))
			mg_buf_printf(b, ", WASO %lld, %lld wake%s", json_integer_value(waso),
				      json_integer_value(json_object_get(x, "awakenings")),
				      json_integer_value(json_object_get(x, "awakenings")) == 1 ? "" : "s");
		if (json_is_integer(json_object_get(x, "deep"))) {
			mg_buf_puts(b, "; light ");
			hm(b, json_object_get(x, "light"));
			mg_buf_puts(b, ", deep ");
			hm(b, json_object_get(x, "deep"));
			mg_buf_puts(b, ", REM ");
			hm(b, json_object_get(x, "rem"));
		}
		mg_buf_printf(b, " (%s)\n", str(x, "source"));
	}
}

const struct cli_help cli_help_diary = {
	"usage: mgsleep diary [--from DATE] [--to DATE] [--format text|json|csv]\n",
	{cli_listing_csv_options},
	NULL,
};

int cmd_diary(int argc, char **argv, struct mg_cli *cli)
{
	struct mg_error err = {0};
	struct mg_buf raw = MG_BUF_INIT, out = MG_BUF_INIT, draw = MG_BUF_INIT;
	int status = EXIT_OK;
	struct cli_listing l = {NULL, NULL, "text"};
	if (cli_parse_options("diary", argc, argv, cli_listing_csv_options, &l, 0, &status) < 0)
		return status;
	const char *from = l.from, *to = l.to, *fmt = l.format;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (mg_db_nights_json(db, from, to, &raw, &err) || mg_db_device_nights_json(db, from, to, &draw, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	json_t *nights = json_loadb(raw.data, raw.len, 0, NULL), *n;
	json_t *dev = json_loadb(draw.data, draw.len, 0, NULL);
	size_t i, ndev = 0, n_diary = 0;
	struct mg_night_entry e;
	int csv = !strcmp(fmt, "csv");
	if (!nights || !dev) {
		json_decref(nights);
		json_decref(dev);
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	merge_device(nights, dev);
	if (!strcmp(fmt, "json")) {
		char *t = json_dumps(nights, JSON_COMPACT | JSON_PRESERVE_ORDER);
		status = t ? cli_write(t, strlen(t)) : cli_error(EXIT_FAIL, "out of memory");
		if (t && !status)
			status = cli_write("\n", 1);
		free(t);
		json_decref(nights);
		json_decref(dev);
		goto out;
	}
	if (csv) {
		mg_buf_puts(&out, "date,bed,try_sleep,final_wake,out_of_bed,tib_min,tst_min,se_pct,sol_min,waso_min,"
				  "awakenings,terminal_wake_min,quality,mg_elemental_mg,device_source");
		for (size_t k = 0; k < N_DEVICE_COLS; k++)
			mg_buf_printf(&out, ",device_%s%s", device_cols[k], strcmp(device_cols[k], "awakenings") ? "_min" : "");
		mg_buf_puts(&out, ",magnesium,mg_form,tags,nap_min,comment\n");
	} else {
		mg_buf_puts(&out, "date        bed    up     in bed  asleep  SE %   SOL  WASO  wakes  quality  Mg mg\n");
	}
	json_array_foreach(nights, i, n) {
		json_t *mg = json_object_get(n, "mg_elemental_mg"), *d = json_object_get(n, "device");
		char bed[6], up[6];
		ndev += json_array_size(d) > 0;
		if (cli_night_entry(n, &e)) { /* a night only a device recorded */
			if (csv) {
				/* 13 empty diary fields, then the device ones */
				mg_buf_printf(&out, "%s,,,,,,,,,,,,,,", str(n, "date"));
				device_csv(&out, d);
				extras_csv(&out, NULL);
			} else {
				mg_buf_printf(&out, "%-11s (no diary entry)\n", str(n, "date"));
				device_text(&out, d);
			}
			continue;
		}
		n_diary++;
		/* Awakenings are always stored; 0 if a damaged entry lost them. */
		int wakes = e.n.awakenings == MG_NIGHT_UNSET ? 0 : e.n.awakenings;
		clock_text(e.n.bed, bed);
		clock_text(e.n.out_of_bed, up);
		if (csv) {
			char try_sleep[6], final_wake[6];
			mg_buf_printf(&out, "%s,%s,%s,%s,%s,%lld,%lld,%.1f,%lld,%lld,%d,%lld,", str(n, "date"), bed,
				      clock_text(e.n.try_sleep, try_sleep), clock_text(e.n.final_wake, final_wake), up,
				      json_integer_value(json_object_get(n, "tib")), json_integer_value(json_object_get(n, "tst")),
				      json_number_value(json_object_get(n, "se")), json_integer_value(json_object_get(n, "sol")),
				      json_integer_value(json_object_get(n, "waso")), wakes,
				      json_integer_value(json_object_get(n, "terminal_wake")));
			if (e.n.quality)
				mg_buf_printf(&out, "%d", e.n.quality);
			mg_buf_putc(&out, ',');
			if (json_is_number(mg))
				mg_buf_put_num(&out, json_number_value(mg), 1);
			mg_buf_putc(&out, ',');
			device_csv(&out, d);
			extras_csv(&out, &e);
			continue;
		}
		mg_buf_printf(&out, "%-11s %-6s %-6s ", str(n, "date"), bed, up);
		hm(&out, json_object_get(n, "tib"));
		mg_buf_puts(&out, "    ");
		hm(&out, json_object_get(n, "tst"));
		mg_buf_printf(&out, "    %5.1f  %3lld  %4lld  %5d  ", json_number_value(json_object_get(n, "se")),
			      json_integer_value(json_object_get(n, "sol")), json_integer_value(json_object_get(n, "waso")),
			      wakes);
		if (e.n.quality)
			mg_buf_printf(&out, "%7d  ", e.n.quality);
		else
			mg_buf_puts(&out, "      -  ");
		if (json_is_number(mg))
			mg_buf_put_num(&out, json_number_value(mg), 0);
		else
			mg_buf_puts(&out, e.magnesium == MG_NIGHT_MG_NONE ? "none" : "?");
		mg_buf_putc(&out, '\n');
		extras_text(&out, &e);
		device_text(&out, d);
	}
	if (!csv) {
		size_t nd = json_array_size(nights) - n_diary;
		mg_buf_printf(&out, "%zu diary night%s", n_diary, n_diary == 1 ? "" : "s");
		if (ndev)
			mg_buf_printf(&out, ", %zu with device sleep (%zu of them with no diary entry)", ndev, nd);
		mg_buf_puts(&out, ". Times are HH:MM; durations h:mm; SOL and WASO in minutes; Mg mg is elemental\n"
				  "magnesium that evening (none: none taken; ?: not answered).\n");
		if (ndev)
			mg_buf_puts(&out, "Device lines show the source chosen for the night first; the diary stays the main\n"
					  "record for how you slept.\n");
	}
	json_decref(nights);
	json_decref(dev);
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
out:
	mg_buf_release(&raw);
	mg_buf_release(&draw);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}
