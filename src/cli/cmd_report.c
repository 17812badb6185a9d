/* mgsleep report: the diary, questionnaires, trial and current advice as one
 * self-contained HTML file (src/report/sleep_report.c draws it). */
#include "cli.h"

#include <mgsleep/advise.h>
#include <mgsleep/night.h>
#include <mgsleep/questionnaire.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/stats.h>

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *load_array(const struct mg_buf *b)
{
	json_t *a = json_loadb(b->len ? b->data : "[]", b->len ? b->len : 2, 0, NULL);
	if (!json_is_array(a)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static int get_int(json_t *o, const char *k)
{
	return (int)json_integer_value(json_object_get(o, k));
}

/* Tags as one line into out ("caffeine-late, alcohol"); "" if none. */
static void entry_tags(const struct mg_night_entry *e, char *out, size_t n)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < e->n_tags; i++) {
		int w = snprintf(out + len, n - len, "%s%s", len ? ", " : "", e->tags[i]);
		if (w < 0 || (size_t)w >= n - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
}

/* Questionnaire scores of one kind within --from/--to: result.key, and
 * result.flag_key (a boolean) as the flag. Returns the count. */
static size_t load_scores(json_t *qa, const char *from, const char *to, const char *key, const char *flag_key,
			  struct mg_report_score *sc)
{
	size_t i, n = 0;
	json_t *row;
	json_array_foreach(qa, i, row) {
		const char *ds = json_string_value(json_object_get(row, "date"));
		json_t *res = json_object_get(row, "result");
		if (!ds || (from && strcmp(ds, from) < 0) || (to && strcmp(ds, to) > 0) ||
		    mg_date_parse(ds, &sc[n].date))
			continue;
		sc[n].total = get_int(res, key);
		sc[n].flag = flag_key && json_is_true(json_object_get(res, flag_key));
		n++;
	}
	return n;
}

/* The report's diary nights, read row by row (mg_db_night_rows_each). */
struct night_rows {
	struct mg_report_night *nights;
	char (*tags)[128];
	struct mg_night_entry *entries; /* the report borrows form and comment from these */
	size_t n, cap;
	struct mg_error *err;
};

static int night_row(void *ctx, const struct mg_db_night_row *row)
{
	struct night_rows *w = ctx;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct mg_report_night *nights = realloc(w->nights, cap * sizeof *nights);
		if (nights)
			w->nights = nights;
		char(*tags)[128] = nights ? realloc(w->tags, cap * sizeof *tags) : NULL;
		if (tags)
			w->tags = tags;
		struct mg_night_entry *entries = tags ? realloc(w->entries, cap * sizeof *entries) : NULL;
		if (!entries)
			return mg_fail(w->err, MG_ENOMEM, NULL, "out of memory");
		w->entries = entries;
		w->cap = cap;
	}
	struct mg_report_night *n = &w->nights[w->n];
	memset(n, 0, sizeof *n);
	if (!row->date || mg_date_parse(row->date, &n->date))
		return 0;
	n->tib = row->tib;
	n->tst = row->tst;
	n->sol = row->sol;
	n->waso = row->waso;
	n->se_pct = row->se_pct;
	struct mg_night_entry *e = &w->entries[w->n];
	mg_night_entry_read(row->entry, row->entry ? row->entry_len : 0, e, NULL);
	/* Not answered stays NaN: never read as none. */
	n->mg = e->magnesium == MG_NIGHT_MG_NONE ? 0 : e->elemental_mg;
	n->quality = e->n.quality;
	n->nap_min = e->nap_min > 0 ? e->nap_min : 0;
	entry_tags(e, w->tags[w->n], sizeof w->tags[0]);
	w->n++;
	return 0;
}

/* The device nights the report shows: the chosen source's main sleep of
 * each date (mg_db_device_night_rows_each); names[i] is dev[i].source. */
struct device_rows {
	struct mg_report_device_night *dev;
	char **names;
	size_t n, cap;
	struct mg_error *err;
};

static int device_row(void *ctx, const struct mg_db_device_night_row *row)
{
	struct device_rows *w = ctx;
	int32_t date;
	if (!row->main || !row->chosen || !row->date || mg_date_parse(row->date, &date) || !row->source)
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct mg_report_device_night *dev = realloc(w->dev, cap * sizeof *dev);
		if (dev)
			w->dev = dev;
		char **names = dev ? realloc(w->names, cap * sizeof *names) : NULL;
		if (!names)
			return mg_fail(w->err, MG_ENOMEM, NULL, "out of memory");
		w->names = names;
		w->cap = cap;
	}
	if (!(w->names[w->n] = strdup(row->source)))
		return mg_fail(w->err, MG_ENOMEM, NULL, "out of memory");
	w->dev[w->n] = (struct mg_report_device_night){date, w->names[w->n], row->tib, row->tst, row->sol, row->waso};
	w->n++;
	return 0;
}

struct report_opts {
	const char *out, *from, *to;
};

static const struct cli_option report_options[] = {
	CLI_OPT_STRING(struct report_opts, out, "out", "FILE",
		       "write the HTML to FILE, which must not exist (default: standard output)"),
	CLI_OPT_DATE(struct report_opts, from, "from", "only nights and scores from this date (YYYY-MM-DD)"),
	CLI_OPT_DATE(struct report_opts, to, "to", "only nights and scores up to this date; a trial is\n"
						    "analysed as of --to (default today)"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_report = {
	"usage: mgsleep report [--out FILE] [--from DATE] [--to DATE]\n",
	{report_options},
	NULL,
};

int cli_report_html(struct mg_db *db, const struct mg_kb *kb, const char *from, const char *to, int32_t today,
		    struct mg_buf *out, struct mg_error *err)
{
	struct mg_buf qb = MG_BUF_INIT, pb = MG_BUF_INIT;
	struct device_rows devs = {.err = err};
	struct night_rows rows = {.err = err};
	struct mg_report_score *isi = NULL, *psqi = NULL;
	char diet_source[96];
	struct mg_advice *a = malloc(sizeof *a);
	struct mg_profile *p = malloc(sizeof *p);
	struct mg_report_trial trial;
	char order[2 * MG_NOF1_MAX_PAIRS];
	json_t *qa = NULL, *pa = NULL;
	struct mg_report_input in = {.version = MGSLEEP_VERSION, .from = from, .to = to, .diet_mg = NAN};
	int r;
	if (!a || !p) {
		r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((r = cli_stored_advice_e(db, kb, a, p, err)) < 0) {
		r = err->code ? err->code : MG_ENOMEM;
		goto out;
	}
	if (r == 0)
		in.advice = a;
	in.advice_needs_age = r == 2;
	/* the nights typed, not as mg_db_nights_json's JSON parsed again (issue 14: most of a long report's time) */
	if ((r = mg_db_night_rows_each(db, from, to, night_row, &rows, err)) ||
	    (r = mg_db_questionnaire_list(db, "isi", &qb, err)) ||
	    (r = mg_db_questionnaire_list(db, "psqi", &pb, err)) ||
	    (r = mg_db_device_night_rows_each(db, from, to, device_row, &devs, err)))
		goto out;
	/* Diet: what the advice used (the profile's figure, or the estimate
	 * cli_stored_advice filled in), else the estimate alone. */
	if (in.advice && !isnan(p->diet_mg)) {
		in.diet_mg = p->diet_mg;
		in.diet_source = p->diet_source[0] ? p->diet_source : "the profile";
	} else if ((r = cli_diet_estimate(db, &in.diet_mg, diet_source, sizeof diet_source, err))) {
		goto out;
	} else {
		in.diet_source = diet_source;
	}
	if (!(qa = load_array(&qb)) || !(pa = load_array(&pb))) {
		r = mg_fail(err, MG_EIO, "store", "report: cannot read the store's nights or scores");
		goto out;
	}
	isi = calloc(json_array_size(qa) + 1, sizeof *isi);
	psqi = calloc(json_array_size(pa) + 1, sizeof *psqi);
	if (!isi || !psqi) {
		r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	size_t i;
	/* the pointers into the entries, now that they stay put */
	for (i = 0; i < rows.n; i++) {
		struct mg_night_entry *e = &rows.entries[i];
		rows.nights[i].form = e->form[0] ? e->form : NULL;
		rows.nights[i].comment = e->has_comment ? e->comment : NULL;
		rows.nights[i].tags = rows.tags[i];
	}
	in.n_nights = rows.n;
	in.n_isi = load_scores(qa, from, to, "total", NULL, isi);
	in.n_psqi = load_scores(pa, from, to, "global", "poor_sleeper", psqi);
	static const struct mg_report_night no_nights[1];
	in.nights = rows.nights ? rows.nights : no_nights;
	in.isi = isi;
	in.psqi = psqi;
	/* Device nights: the chosen source's main sleep of each date. */
	static const struct mg_report_device_night no_device[1];
	in.device = devs.dev ? devs.dev : no_device;
	in.n_device = devs.n;

	/* The trial as of --to (its evenings before that morning), else today. */
	int32_t as_of = today;
	if (to)
		mg_date_parse(to, &as_of);
	if ((r = cli_trial_report_id_e(db, kb, 0, as_of, &trial, order, err)) < 0) {
		r = err->code ? err->code : MG_ENOMEM;
		goto out;
	}
	if (r == 0)
		in.trial = &trial;
	r = mg_render_sleep_report(&in, out, err);
out:
	json_decref(qa);
	json_decref(pa);
	for (size_t k = 0; k < devs.n; k++)
		free(devs.names[k]);
	free(devs.names);
	free(devs.dev);
	free(rows.nights);
	free(rows.tags);
	free(rows.entries);
	free(isi);
	free(psqi);
	free(a);
	free(p);
	mg_buf_release(&qb);
	mg_buf_release(&pb);
	return r;
}

int cmd_report(int argc, char **argv, struct mg_cli *cli)
{
	struct report_opts o = {NULL, NULL, NULL};
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	int status = EXIT_OK, fd = -1;
	char today_s[11];
	int32_t today;
	if (cli_parse_options("report", argc, argv, report_options, &o, 0, &status) < 0)
		return status;
	const char *out_path = o.out, *from = o.from, *to = o.to;
	if (from && to && strcmp(from, to) > 0)
		return cli_error(EXIT_USAGE, "--from: must not be after --to");
	if (out_path && access(out_path, F_OK) == 0)
		return cli_error(EXIT_USAGE, "--out: '%s' already exists; choose a new file", out_path);
	if (access(cli_db_path(cli), F_OK) != 0)
		return cli_error(EXIT_USAGE, "report: no store at '%s'; log a night with 'mgsleep log' first",
				 cli_db_path(cli));
	cli_today(today_s);
	mg_date_parse(today_s, &today);
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		goto out;
	if (cli_report_html(db, kb, from, to, today, &out, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	if (!out_path) {
		status = cli_write(out.data, out.len);
		goto out;
	}
	if ((fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
		status = cli_error(errno == EEXIST ? EXIT_USAGE : EXIT_FAIL, "--out: cannot create '%s': %s", out_path,
				   strerror(errno));
		goto out;
	}
	if (cli_write_fd(fd, out.data, out.len) || close(fd)) {
		fd = -1;
		unlink(out_path);
		status = cli_error(EXIT_FAIL, "--out: cannot write '%s': %s", out_path, strerror(errno));
		goto out;
	}
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}
