/* mgsleep trial: a randomised N-of-1 trial of magnesium against none (issues
 * 5, 11, 12). Argument handling only: the domain is include/mgsleep/trial.h
 * (src/core/trial*.c), the words, JSON and iCalendar trial_report.h
 * (src/report), the typed reads store.h. docs/statistics.md: the model. */
#include "cli.h"

#include <mgsleep/advise.h>
#include <mgsleep/night.h>
#include <mgsleep/trial.h>
#include <mgsleep/trial_report.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Trial id (0: the latest), bound to the KB. */
static int load(struct mg_db *db, const struct mg_kb *kb, long long id, struct mg_trial *t, int *status)
{
	struct mg_error err = {0};
	int found = 0;
	if (mg_db_trial_read(db, id, t, &found, &err))
		return *status = cli_fail(&err), -1;
	if (!found) {
		*status = id ? cli_error(EXIT_USAGE, "--trial: no trial %lld; see 'mgsleep trial list'", id)
			     : cli_error(EXIT_USAGE, "trial: no trial planned; run 'mgsleep trial plan' first");
		return -1;
	}
	if (mg_trial_bind(t, kb, &err))
		return *status = cli_error(EXIT_FAIL, "trial: the stored trial is damaged"), -1;
	return 0;
}

static int load_pauses(struct mg_db *db, long long id, struct mg_trial_pauses *pz, int *status)
{
	struct mg_error err = {0};
	mg_trial_pauses_init(pz);
	if (mg_db_trial_events_each(db, id, mg_trial_pauses_add, pz, &err))
		return *status = cli_fail(&err), -1;
	return 0;
}

/* The diary of evenings from..to (rows dated the morning after). */
static struct mg_trial_nights *read_nights(struct mg_db *db, int32_t from, int32_t to, int *status)
{
	struct mg_error err = {0};
	struct mg_trial_nights *nt = mg_trial_nights_new(from, to);
	if (!nt)
		*status = cli_error(EXIT_FAIL, "out of memory");
	else if (mg_db_nights_each(db, from + 1, to + 1, mg_trial_nights_put, nt, &err)) {
		*status = cli_fail(&err);
		mg_trial_nights_free(nt);
		nt = NULL;
	}
	return nt;
}

struct scores {
	struct mg_trial_score *v;
	size_t n, cap;
};

static int add_score(void *ctx, const struct mg_trial_score *s)
{
	struct scores *sc = ctx;
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? 2 * sc->cap : 64;
		struct mg_trial_score *v = realloc(sc->v, cap * sizeof *v);
		if (!v)
			return MG_ENOMEM;
		sc->v = v;
		sc->cap = cap;
	}
	sc->v[sc->n++] = *s;
	return 0;
}

static int parse_int(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (!*v || *end || errno || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

/* One trial analysed as of a day: what 'trial analyze', the report and the
 * FHIR export show. */
struct run {
	struct mg_trial t;
	struct mg_trial_pauses pz;
	struct mg_trial_analysis an;
};

static struct run *analyse(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today, int *status)
{
	struct mg_error err = {0};
	struct scores isi = {0};
	struct mg_trial_nights *nt = NULL;
	struct run *run = malloc(sizeof *run);
	int ok = 0;
	if (!run) {
		*status = cli_error(EXIT_FAIL, "out of memory");
		return NULL;
	}
	if (load(db, kb, id, &run->t, status) || load_pauses(db, run->t.id, &run->pz, status) ||
	    !(nt = read_nights(db, run->t.p.start - run->t.p.baseline, mg_trial_last_evening(&run->t.p), status)))
		goto out;
	if (mg_db_scores_each(db, "isi", add_score, &isi, &err) ||
	    mg_trial_analyse(kb, &run->t, &run->pz, nt, isi.v, isi.n, today, &run->an, &err)) {
		*status = err.code ? cli_fail(&err) : cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	ok = 1;
out:
	free(isi.v);
	mg_trial_nights_free(nt);
	if (!ok) {
		free(run);
		run = NULL;
	}
	return run;
}

int cli_trial_report_id(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
			struct mg_report_trial *rt, char *order, int *status)
{
	struct mg_error err = {0};
	struct mg_trial t;
	int found = 0;
	if (mg_db_trial_read(db, id, &t, &found, &err))
		return *status = cli_fail(&err), -1;
	if (!found)
		return 1;
	struct run *run = analyse(db, kb, id, today, status);
	if (!run)
		return -1;
	mg_trial_report_fill(kb, &run->an, rt, order);
	free(run);
	return 0;
}

int cli_trial_report(struct mg_db *db, const struct mg_kb *kb, int32_t today, struct mg_report_trial *rt,
		     char *order, int *status)
{
	return cli_trial_report_id(db, kb, 0, today, rt, order, status);
}


/* --date, and where the subcommand takes them (non-NULL) --format and
 * --trial. */
static int date_option(int argc, char **argv, const char *sub, char date[11], const char **fmt, long long *trial_id,
		       int *status)
{
	const char *v;
	for (int i = 1; i < argc; i++) {
		int r;
		long x;
		int32_t d;
		if ((r = cli_opt(argc, argv, &i, "date", &v, status)) > 0) {
			if (mg_date_parse(v, &d))
				return *status = cli_error(EXIT_USAGE, "--date: accepted: a real date YYYY-MM-DD"), -1;
			snprintf(date, 11, "%s", v);
		} else if (!r && fmt && (r = cli_opt(argc, argv, &i, "format", &v, status)) > 0) {
			if (strcmp(v, "text") && strcmp(v, "json"))
				return *status = cli_error(EXIT_USAGE, "--format: accepted: text, json"), -1;
			*fmt = v;
		} else if (!r && trial_id && (r = cli_opt(argc, argv, &i, "trial", &v, status)) > 0) {
			if (parse_int(v, 1, 1000000000L, &x))
				return *status = cli_error(EXIT_USAGE, "--trial: accepted: a trial number from 'mgsleep trial "
								       "list'"),
				       -1;
			*trial_id = x;
		}
		if (r < 0)
			return -1;
		if (r == 0)
			return *status = cli_error(EXIT_USAGE, "trial %s: unknown option '%s'; accepted: --date%s%s", sub,
						   argv[i], fmt ? ", --format" : "", trial_id ? ", --trial" : ""),
			       -1;
	}
	return 0;
}

/* The command's output, or "out of memory" once for a failed buffer. */
static int emit(const struct mg_buf *out)
{
	return out->failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out->data, out->len);
}

/* today and resume: the latest trial and its pauses as of --date. */
struct latest {
	char date[11];
	int32_t d;
	struct mg_trial t;
	struct mg_trial_pauses pz;
};

/* --date, then the store, the trial and its pauses (*db set even on failure). */
static struct latest *open_latest(int argc, char **argv, const char *sub, struct mg_cli *cli, const struct mg_kb *kb,
				  struct mg_db **db, int *status)
{
	struct latest *l = malloc(sizeof *l);
	*db = NULL;
	if (!l) {
		*status = cli_error(EXIT_FAIL, "out of memory");
		return NULL;
	}
	cli_today(l->date);
	if (date_option(argc, argv, sub, l->date, NULL, NULL, status) || mg_date_parse(l->date, &l->d) ||
	    !(*db = cli_db_open(cli, 0, status)) || load(*db, kb, 0, &l->t, status) ||
	    load_pauses(*db, l->t.id, &l->pz, status)) {
		free(l);
		return NULL;
	}
	return l;
}

static int trial_today(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	int status = EXIT_OK;
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	struct mg_db *db = NULL;
	char *last = NULL;
	struct latest *l = open_latest(argc, argv, "today", cli, kb, &db, &status);
	if (!l)
		goto out;
	if (mg_db_night_get(db, l->date, &last, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	mg_trial_today_text(&out, kb, &l->t, &l->pz, l->d, last != NULL);
	status = emit(&out);
out:
	free(l);
	free(last);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

static int trial_event(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	char date[11];
	const char *v, *symptoms = NULL, *note = "", *texts[MG_TRIAL_MAX_SYMPTOMS];
	int status = EXIT_OK;
	struct mg_trial_event ev;
	struct mg_error err = {0};
	cli_today(date);
	for (int i = 1; i < argc; i++) {
		int r;
		int32_t d;
		if ((r = cli_opt(argc, argv, &i, "symptom", &v, &status)) > 0) {
			symptoms = v;
		} else if (!r && (r = cli_opt(argc, argv, &i, "date", &v, &status)) > 0) {
			if (mg_date_parse(v, &d))
				return cli_error(EXIT_USAGE, "--date: accepted: a real date YYYY-MM-DD");
			snprintf(date, sizeof date, "%s", v);
		} else if (!r && (r = cli_opt(argc, argv, &i, "note", &v, &status)) > 0) {
			if (strlen(v) > 120)
				return cli_error(EXIT_USAGE, "--note: at most 120 characters");
			note = v;
		}
		if (r < 0)
			return status;
		if (r == 0)
			return cli_error(EXIT_USAGE, "trial event: unknown option '%s'; accepted: --symptom, --date, --note",
					 argv[i]);
	}
	if (!symptoms || !*symptoms)
		return cli_error(EXIT_USAGE, "trial event: --symptom is required; accepted: %s", mg_kb_symptom_names(kb));
	/* Every name checked before the store is touched. */
	if (mg_trial_event_symptoms(kb, symptoms, &ev, texts, &err))
		return cli_fail(&err);
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_buf sj = MG_BUF_INIT, out = MG_BUF_INIT;
	char names[192], s[11];
	struct latest *l = malloc(sizeof *l);
	if (!l) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	mg_date_parse(date, &l->d);
	if (load(db, kb, 0, &l->t, &status) || load_pauses(db, l->t.id, &l->pz, &status))
		goto out;
	mg_date_format(l->t.p.start, s);
	if (l->d < l->t.p.start) {
		status = cli_error(EXIT_USAGE, "--date: %s is before the trial starts (%s)", date, s);
		goto out;
	}
	if (l->pz.n_events >= MG_TRIAL_MAX_EVENTS) {
		status = cli_error(EXIT_USAGE, "trial event: refused: this trial already has %d events", MG_TRIAL_MAX_EVENTS);
		goto out;
	}
	mg_buf_putc(&sj, '[');
	for (int k = 0; k < ev.n_symptoms; k++)
		mg_buf_printf(&sj, "%s\"%s\"", k ? "," : "", ev.symptoms[k]);
	mg_buf_putc(&sj, ']');
	struct mg_db_trial_event row = {date, "event", sj.data, ev.stops, note};
	if (sj.failed) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (mg_db_begin(db, &err) || mg_db_trial_event_add(db, &row, cli_now(), &err) || mg_db_commit(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	mg_trial_event_what(kb, &ev, names, sizeof names);
	mg_trial_event_text(&out, &l->pz, date, names, ev.stops, mg_trial_paused_at(&l->pz, l->d), texts, ev.n_symptoms);
	status = emit(&out);
out:
	free(l);
	mg_buf_release(&sj);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

static int trial_resume(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	int status = EXIT_OK;
	struct mg_error err = {0};
	struct mg_db *db = NULL;
	struct mg_buf out = MG_BUF_INIT;
	char ps[11];
	struct latest *l = open_latest(argc, argv, "resume", cli, kb, &db, &status);
	if (!l)
		goto out;
	struct mg_trial_pauses *pz = &l->pz;
	/* Only the latest pause can be open; resume it on a later date. */
	if (!pz->n || pz->to[pz->n - 1] != INT32_MAX || l->d < pz->from[pz->n - 1]) {
		status = cli_error(EXIT_USAGE, "trial resume: refused: the trial is not paused on %s", l->date);
		goto out;
	}
	mg_date_format(pz->from[pz->n - 1], ps);
	if (l->d == pz->from[pz->n - 1]) {
		status = cli_error(EXIT_USAGE, "--date: the pause began on %s; resume on a later date", ps);
		goto out;
	}
	struct mg_db_trial_event row = {l->date, "resume", "[]", 0, ""};
	if (mg_db_begin(db, &err) || mg_db_trial_event_add(db, &row, cli_now(), &err) || mg_db_commit(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	mg_trial_resume_text(&out, kb, pz, l->date);
	status = emit(&out);
out:
	free(l);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

static int trial_analyze(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	char date[11];
	const char *fmt = "text";
	long long id = 0;
	int status = EXIT_OK;
	int32_t today;
	cli_today(date);
	if (date_option(argc, argv, "analyze", date, &fmt, &id, &status))
		return status;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_buf out = MG_BUF_INIT;
	mg_date_parse(date, &today);
	struct run *run = analyse(db, kb, id, today, &status);
	if (run) {
		if (!strcmp(fmt, "json"))
			mg_trial_analysis_json(&out, kb, &run->an, date);
		else
			mg_trial_analysis_text(&out, kb, &run->an, date);
		status = emit(&out);
	}
	free(run);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

struct listing {
	const struct mg_kb *kb;
	struct mg_buf rows;
	size_t n;
	int json, damaged;
	int32_t today;
};

static int list_row(void *ctx, const struct mg_trial *stored)
{
	struct listing *l = ctx;
	struct mg_trial t = *stored;
	if (mg_trial_bind(&t, l->kb, NULL))
		return l->damaged = 1;
	mg_trial_list_row(&l->rows, l->json, l->n++, &t, l->today);
	return 0;
}

static int trial_list(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	char date[11];
	struct listing l = {kb, MG_BUF_INIT, 0, 0, 0, 0};
	int status = EXIT_OK;
	cli_today(date);
	mg_date_parse(date, &l.today);
	for (int i = 1; i < argc; i++) {
		const char *v;
		int r = cli_opt(argc, argv, &i, "format", &v, &status);
		if (r > 0 && strcmp(v, "text") && strcmp(v, "json"))
			return cli_error(EXIT_USAGE, "--format: accepted: text, json");
		if (r > 0)
			l.json = !strcmp(v, "json");
		if (r < 0)
			return status;
		if (r == 0)
			return cli_error(EXIT_USAGE, "trial list: unknown option '%s'; accepted: --format", argv[i]);
	}
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT;
	if (mg_db_trials_each(db, list_row, &l, &err)) {
		status = l.damaged ? cli_error(EXIT_FAIL, "trial: the stored trial is damaged") : cli_fail(&err);
	} else {
		mg_trial_list_head(&out, l.json, l.n);
		mg_buf_add(&out, l.rows.data, l.rows.len);
		mg_trial_list_tail(&out, l.json, l.n);
		status = l.rows.failed ? cli_error(EXIT_FAIL, "out of memory") : emit(&out);
	}
	mg_buf_release(&l.rows);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

/* Options of 'trial plan' into t (the KB's design by default). */
static int plan_options(int argc, char **argv, const struct mg_kb *kb, struct mg_trial *t, const char **ics,
			const char **fmt, int *replace, int *have_seed, uint64_t *seed, int *status)
{
	const char *v;
	long x;
	for (int i = 1; i < argc; i++) {
		int r = 0;
		int32_t d;
		char *end;
		if (!strcmp(argv[i], "--replace")) {
			*replace = 1;
			continue;
		}
		if ((r = cli_opt(argc, argv, &i, "start", &v, status)) > 0) {
			if (mg_date_parse(v, &d))
				return cli_error(EXIT_USAGE, "--start: accepted: a real date YYYY-MM-DD");
			t->p.start = d;
		} else if (!r && (r = cli_opt(argc, argv, &i, "pairs", &v, status)) > 0) {
			if (parse_int(v, 1, MG_NOF1_MAX_PAIRS, &x))
				return cli_error(EXIT_USAGE, "--pairs: accepted: 1 to %d", MG_NOF1_MAX_PAIRS);
			t->p.pairs = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "period-days", &v, status)) > 0) {
			if (parse_int(v, 2, MG_TRIAL_MAX_PERIOD_DAYS, &x))
				return cli_error(EXIT_USAGE, "--period-days: accepted: 2 to %d", MG_TRIAL_MAX_PERIOD_DAYS);
			t->p.period_days = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "washout", &v, status)) > 0) {
			if (parse_int(v, 0, MG_TRIAL_MAX_PERIOD_DAYS, &x))
				return cli_error(EXIT_USAGE, "--washout: accepted: 0 to %d nights", MG_TRIAL_MAX_PERIOD_DAYS);
			t->p.washout = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "baseline-days", &v, status)) > 0) {
			if (parse_int(v, 0, MG_TRIAL_MAX_BASELINE, &x))
				return cli_error(EXIT_USAGE, "--baseline-days: accepted: 0 to %d nights", MG_TRIAL_MAX_BASELINE);
			t->p.baseline = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "outcome", &v, status)) > 0) {
			if (!(t->oc = mg_kb_find_trial_outcome(kb, v)))
				return cli_error(EXIT_USAGE, "--outcome: accepted: sol, tst, se, waso, awakenings, quality, isi");
		} else if (!r && (r = cli_opt(argc, argv, &i, "seed", &v, status)) > 0) {
			errno = 0;
			*seed = (uint64_t)strtoull(v, &end, 10);
			if (!*v || *end || errno || strspn(v, "0123456789") != strlen(v))
				return cli_error(EXIT_USAGE, "--seed: accepted: a whole number 0 to 18446744073709551615");
			*have_seed = 1;
		} else if (!r && (r = cli_opt(argc, argv, &i, "ics", &v, status)) > 0) {
			*ics = v;
		} else if (!r && (r = cli_opt(argc, argv, &i, "format", &v, status)) > 0) {
			if (strcmp(v, "text") && strcmp(v, "json"))
				return cli_error(EXIT_USAGE, "--format: accepted: text, json");
			*fmt = v;
		}
		if (r < 0)
			return *status;
		if (r == 0)
			return cli_error(EXIT_USAGE, "trial plan: unknown option '%s'; accepted: --start, --pairs, "
						     "--period-days, --washout, --baseline-days, --outcome, --seed, --ics, "
						     "--format, --replace",
					 argv[i]);
	}
	if (t->p.washout >= t->p.period_days - 1)
		return cli_error(EXIT_USAGE, "--washout: must leave at least 2 nights of each period (less than "
					     "--period-days minus 1)");
	/* --start is the first evening of the whole trial: the baseline, if
	 * any, comes first and period 1 starts after it. */
	t->p.start += t->p.baseline;
	if (mg_trial_last_evening(&t->p) > MG_DATE_MAX - 2)
		return cli_error(EXIT_USAGE, "--start: the trial would end after 9999-12-31");
	return EXIT_OK;
}

static int write_all(int fd, const struct mg_buf *b)
{
	for (size_t off = 0; off < b->len;) {
		ssize_t w = write(fd, b->data + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

/* Nothing lost: a trial in the store is never replaced silently. */
static int retire_old(struct mg_db *db, const struct mg_kb *kb, int replace, int32_t today, struct mg_trial *old,
		      const char **retire_as, int *status)
{
	struct mg_error err = {0};
	int found = 0;
	*retire_as = NULL;
	if (mg_db_trial_read(db, 0, old, &found, &err))
		return *status = cli_fail(&err), -1;
	if (!found)
		return 0;
	if (mg_trial_bind(old, kb, &err))
		return *status = cli_error(EXIT_FAIL, "trial: the stored trial is damaged"), -1;
	if (strcmp(old->status, "planned"))
		return 0; /* already retired: nothing current */
	const char *state = mg_trial_state(old, today);
	char s0[11], s1[11];
	mg_date_format(old->p.start - old->p.baseline, s0);
	mg_date_format(mg_trial_last_evening(&old->p), s1);
	if (!replace)
		return *status = cli_error(EXIT_USAGE, "trial plan: refused: trial %lld (%s to %s, %s) is in the store; "
						       "nothing was changed. To plan a new one add --replace: the old trial "
						       "is kept and stays in 'mgsleep trial list'",
					   old->id, s0, s1, state),
		       -1;
	*retire_as = !strcmp(state, "finished") ? "finished" : "replaced";
	return 0;
}

/* The stored profile's advice, which sets the dose; a trial needs
 * 'recommended' or 'caution'. */
static int plan_dose(struct mg_cli *cli, struct mg_db *db, struct mg_trial *t, const char **form_name, int *status)
{
	struct mg_advice *a = malloc(sizeof *a);
	struct mg_profile *p = malloc(sizeof *p);
	int have = a && p ? cli_stored_advice(cli, db, a, p, status) : (*status = cli_error(EXIT_FAIL, "out of memory"), -1);
	if (have == 1)
		*status = cli_error(EXIT_USAGE, "trial plan: no profile stored; run 'mgsleep profile set ...' first");
	if (have == 2)
		*status = cli_error(EXIT_USAGE, "trial plan: the stored profile has no age, which advice needs; run "
						"'mgsleep profile set --age N' first");
	if (!have && ((a->verdict != MG_VERDICT_RECOMMENDED && a->verdict != MG_VERDICT_CAUTION) || !a->form ||
		      a->elemental_mg <= 0)) {
		*status = cli_error(EXIT_USAGE, "trial plan: refused: the advice for your stored profile is '%s'; a "
						"self-experiment needs 'recommended' or 'caution' (see 'mgsleep advise')",
				    mg_verdict_name(a->verdict));
		have = -1;
	}
	if (!have) {
		t->elemental_mg = a->elemental_mg;
		t->compound_mg = a->compound_mg;
		snprintf(t->form, sizeof t->form, "%s", a->form->id);
		*form_name = a->form->name; /* KB text: outlives the advice */
	}
	free(a);
	free(p);
	return have ? -1 : 0;
}

static int trial_plan(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	struct mg_trial t = {.p = {.pairs = dg->pairs, .period_days = dg->period_days, .washout = dg->washout}};
	const char *ics = NULL, *fmt = "text", *form_name = NULL, *retire_as = NULL;
	char today_s[11];
	int status = EXIT_OK, have_seed = 0, replace = 0, fd = -1;
	uint64_t seed = 0;
	int32_t today;
	struct mg_error err = {0};
	cli_today(today_s);
	mg_date_parse(today_s, &today);
	t.p.start = today;
	if (!(t.oc = mg_kb_find_trial_outcome(kb, "sol")))
		return cli_error(EXIT_FAIL, "trial: the knowledge base has no outcome 'sol'");
	if ((status = plan_options(argc, argv, kb, &t, &ics, &fmt, &replace, &have_seed, &seed, &status)))
		return status;
	if (!have_seed)
		seed = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	snprintf(t.seed, sizeof t.seed, "%" PRIu64, seed);
	mg_trial_spec_from_kb(dg, t.oc, &t.spec);
	t.prespecified = 1;
	if (ics && access(ics, F_OK) == 0)
		return cli_error(EXIT_USAGE, "--ics: '%s' already exists; choose a new file", ics);
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_trial *old = malloc(sizeof *old);
	struct mg_trial_plan_power *pw = malloc(sizeof *pw);
	struct mg_trial_nights *nt = NULL;
	struct mg_buf out = MG_BUF_INIT, order = MG_BUF_INIT, cal = MG_BUF_INIT;
	if (!old || !pw) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (retire_old(db, kb, replace, today, old, &retire_as, &status) || plan_dose(cli, db, &t, &form_name, &status))
		goto out;
	mg_trial_randomise(&t.p, seed);
	mg_buf_putc(&order, '[');
	for (int k = 0; k < 2 * t.p.pairs; k++)
		mg_buf_printf(&order, "%s\"%s\"", k ? "," : "", t.p.order[k] ? "mg" : "off");
	mg_buf_putc(&order, ']');
	/* Power: every number from the KB; the diary only where it shows more
	 * variability or more missing nights (mg_trial_power_inputs). */
	if (!mg_trial_per_period(t.oc) &&
	    !(nt = read_nights(db, t.p.start - 1 - dg->power_diary_days, t.p.start - 2, &status)))
		goto out;
	if (mg_trial_plan_power(kb, &t, nt, seed, pw, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	const char *now = cli_now();
	if (ics && (fd = open(ics, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
		status = cli_error(errno == EEXIST ? EXIT_USAGE : EXIT_FAIL, "--ics: cannot create '%s': %s", ics,
				   strerror(errno));
		goto out;
	}
	char p1[11];
	mg_date_format(t.p.start, p1);
	struct mg_db_trial row = {p1,	     t.p.pairs,	    t.p.period_days, t.p.washout,   t.oc->id,
				  t.seed,    order.data,    t.elemental_mg,  t.compound_mg, t.form,
				  t.p.baseline, t.spec.alpha, t.spec.min_pairs, t.spec.mid,  t.spec.mid_verified};
	if (order.failed || mg_db_begin(db, &err) || (retire_as && mg_db_trial_retire(db, old->id, retire_as, &err)) ||
	    mg_db_trial_add(db, &row, now, &err) || mg_db_commit(db, &err)) {
		status = order.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_fail(&err);
		goto out;
	}
	if (load(db, kb, 0, &t, &status)) /* the id the store gave it */
		goto out;
	if (fd >= 0) {
		mg_trial_ics(&cal, &t, now, MGSLEEP_VERSION);
		int r = cal.failed ? (status = cli_error(EXIT_FAIL, "out of memory"), -1) : write_all(fd, &cal);
		if (r && !status)
			status = cli_error(EXIT_FAIL, "--ics: cannot write: %s", strerror(errno));
		if (close(fd) && !r)
			status = cli_error(EXIT_FAIL, "--ics: cannot write '%s': %s", ics, strerror(errno));
		fd = -1;
		if (status)
			goto out;
	}
	struct mg_trial_plan_view v = {&t, form_name, &pw->pp, &pw->fixed, &pw->averaged, &pw->diary, ics,
				       retire_as ? old : NULL, retire_as};
	if (!strcmp(fmt, "json"))
		mg_trial_plan_json(&out, &v);
	else
		mg_trial_plan_text(&out, kb, &v);
	status = emit(&out);
out:
	if (fd >= 0) {
		close(fd);
		unlink(ics);
	}
	mg_trial_nights_free(nt);
	free(old);
	free(pw);
	mg_buf_release(&out);
	mg_buf_release(&order);
	mg_buf_release(&cal);
	mg_db_close(db);
	return status;
}

int cmd_trial(int argc, char **argv, struct mg_cli *cli)
{
	int status = EXIT_OK;
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	if (argc < 2)
		return cli_error(EXIT_USAGE,
				 "trial: missing subcommand; accepted: plan, list, today, analyze, event, resume");
	if (!strcmp(argv[1], "plan"))
		return trial_plan(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "list"))
		return trial_list(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "today"))
		return trial_today(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "analyze") || !strcmp(argv[1], "analyse"))
		return trial_analyze(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "event"))
		return trial_event(argc - 1, argv + 1, cli, kb);
	if (!strcmp(argv[1], "resume"))
		return trial_resume(argc - 1, argv + 1, cli, kb);
	return cli_error(EXIT_USAGE,
			 "trial: unknown subcommand '%s'; accepted: plan, list, today, analyze, event, resume", argv[1]);
}
