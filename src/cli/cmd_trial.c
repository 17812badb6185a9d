/* mgsleep trial: a randomised N-of-1 trial of magnesium against none (issue 5).
 * plan: calendar of pairs of periods (order within each pair randomised with
 * a recorded seed), power estimate, optional iCalendar file; today: tonight's
 * instruction; analyze: the statistics core (include/mgsleep/stats.h) on the
 * diary nights of each period. docs/statistics.md describes the model. */
#include "cli.h"

#include <mgsleep/advise.h>
#include <mgsleep/night.h>
#include <mgsleep/sleep_report.h>
#include <mgsleep/stats.h>

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PERIOD_DAYS 90

/* The trial's outcomes (MIDs, priors, published effects, assumed
 * variability) are knowledge-base data (kb/trial.json). The KB in use is
 * set once when a trial command or the report starts. */
static const struct mg_kb *trial_kb;

#define MAX_BASELINE_DAYS 56

/* ISI: one questionnaire per period, not a diary value per night. */
static int per_period(const struct mg_trial_outcome *oc)
{
	return !strcmp(oc->id, "isi");
}

static const struct mg_trial_outcome *find_outcome(const char *id)
{
	return trial_kb ? mg_kb_find_trial_outcome(trial_kb, id) : NULL;
}

/* ---- the stored trial ---- */

struct trial {
	int32_t start;
	int pairs, period_days, washout;
	int baseline; /* nights without magnesium before start (evenings start - baseline .. start - 1) */
	const struct mg_trial_outcome *oc;
	char seed[24];
	char order[2 * MG_NOF1_MAX_PAIRS]; /* 1 = magnesium */
	double elemental_mg, compound_mg;
	char form[64];
};

static int load_trial(struct mg_db *db, struct trial *t, int *status)
{
	struct mg_error err = {0};
	char *js = NULL;
	if (mg_db_trial_latest(db, &js, &err)) {
		*status = cli_fail(&err);
		return -1;
	}
	if (!js) {
		*status = cli_error(EXIT_USAGE, "trial: no trial planned; run 'mgsleep trial plan' first");
		return -1;
	}
	json_t *o = json_loads(js, 0, NULL);
	free(js);
	const char *start = json_string_value(json_object_get(o, "start"));
	const char *oc = json_string_value(json_object_get(o, "outcome"));
	const char *seed = json_string_value(json_object_get(o, "seed"));
	const char *form = json_string_value(json_object_get(o, "form"));
	json_t *ord = json_object_get(o, "order");
	int ok = o && start && oc && seed && form && json_is_array(ord) && !mg_date_parse(start, &t->start) &&
		 (t->oc = find_outcome(oc));
	if (ok) {
		t->pairs = (int)json_integer_value(json_object_get(o, "pairs"));
		t->period_days = (int)json_integer_value(json_object_get(o, "period_days"));
		t->washout = (int)json_integer_value(json_object_get(o, "washout"));
		t->baseline = (int)json_integer_value(json_object_get(o, "baseline_days"));
		t->elemental_mg = json_number_value(json_object_get(o, "elemental_mg"));
		t->compound_mg = json_number_value(json_object_get(o, "compound_mg"));
		snprintf(t->seed, sizeof t->seed, "%s", seed);
		snprintf(t->form, sizeof t->form, "%s", form);
		ok = t->pairs >= 1 && t->pairs <= MG_NOF1_MAX_PAIRS && t->period_days >= 1 &&
		     t->period_days <= MAX_PERIOD_DAYS && t->washout >= 0 && t->washout < t->period_days &&
		     t->baseline >= 0 && t->baseline <= MAX_BASELINE_DAYS &&
		     json_array_size(ord) == (size_t)(2 * t->pairs);
		for (int k = 0; ok && k < 2 * t->pairs; k++) {
			const char *v = json_string_value(json_array_get(ord, (size_t)k));
			ok = v && (!strcmp(v, "mg") || !strcmp(v, "off"));
			if (ok)
				t->order[k] = !strcmp(v, "mg");
		}
	}
	json_decref(o);
	if (!ok) {
		*status = cli_error(EXIT_FAIL, "trial: the stored trial is damaged");
		return -1;
	}
	return 0;
}

static int32_t trial_end(const struct trial *t) /* last evening */
{
	return t->start + 2 * t->pairs * t->period_days - 1;
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

/* ---- adverse events and pauses ---- */

/* Stop rules (reference section 9.3 rule 11): the KB rules whose symptom
 * sets are the gut symptoms and the symptoms of excess; the symptoms and the
 * texts live in kb/rules.json. Excess is checked first: its text is the
 * more urgent. */
static const char *const stop_rules[] = {"excess-symptoms", "gut-symptoms"};

static const char *stop_text(const struct mg_kb *kb, const char *symptom_id)
{
	for (size_t i = 0; i < sizeof stop_rules / sizeof stop_rules[0]; i++) {
		const char *t = mg_kb_symptom_rule(kb, stop_rules[i], symptom_id);
		if (t)
			return t;
	}
	return NULL;
}

#define MAX_EVENTS 64

struct tevent {
	int32_t date;
	int resume, stops;
	char what[192]; /* the symptoms in plain words, comma-separated */
	char note[128];
};

struct pauses {
	int n_events, n;
	struct tevent ev[MAX_EVENTS];
	int32_t from[MAX_EVENTS], to[MAX_EVENTS]; /* evenings from..to-1; to INT32_MAX while open */
	const char *why[MAX_EVENTS];
};

/* The JSON array a store listing wrote into b (r is the listing's return
 * value), parsed; b is released. NULL with *status set on any failure: a
 * listing that cannot be read must not look like an empty one. */
static json_t *store_json(int r, struct mg_buf *b, const struct mg_error *err, int *status)
{
	json_t *arr = NULL;
	if (r)
		*status = cli_fail(err);
	else if (!(arr = json_loadb(b->data ? b->data : "[]", b->data ? b->len : 2, 0, NULL)))
		*status = cli_error(EXIT_FAIL, "cannot read the store's listing (out of memory?)");
	mg_buf_release(b);
	return arr;
}

/* The events of the latest trial and the pauses they make. kb may be NULL
 * (symptom ids are shown instead of names). */
static int load_pauses(struct mg_db *db, const struct mg_kb *kb, struct pauses *pz, int *status)
{
	struct mg_error err = {0};
	struct mg_buf b = MG_BUF_INIT;
	memset(pz, 0, sizeof *pz);
	json_t *arr = store_json(mg_db_trial_events_json(db, &b, &err), &b, &err, status);
	if (!arr)
		return -1;
	size_t i;
	json_t *row;
	json_array_foreach(arr, i, row) {
		const char *ds = json_string_value(json_object_get(row, "date"));
		const char *kind = json_string_value(json_object_get(row, "kind"));
		const char *note = json_string_value(json_object_get(row, "note"));
		int32_t d;
		if (pz->n_events >= MAX_EVENTS || !ds || !kind || mg_date_parse(ds, &d))
			continue;
		struct tevent *e = &pz->ev[pz->n_events++];
		e->date = d;
		e->resume = !strcmp(kind, "resume");
		e->stops = json_is_true(json_object_get(row, "stops")) ||
			   json_integer_value(json_object_get(row, "stops")) == 1;
		snprintf(e->note, sizeof e->note, "%s", note ? note : "");
		size_t j;
		json_t *sym;
		size_t len = 0;
		json_array_foreach(json_object_get(row, "symptoms"), j, sym) {
			const char *id = json_string_value(sym), *name = NULL;
			if (!id)
				continue;
			if (!kb || !mg_kb_symptom_id(kb, id, &name))
				name = id;
			int w = snprintf(e->what + len, sizeof e->what - len, "%s%s", len ? ", " : "", name);
			if (w < 0 || (size_t)w >= sizeof e->what - len)
				break;
			len += (size_t)w;
		}
		/* the pauses: a stop event opens one unless open; a resume closes it */
		int open = pz->n && pz->to[pz->n - 1] == INT32_MAX;
		if (!e->resume && e->stops && !open) {
			pz->from[pz->n] = d;
			pz->to[pz->n] = INT32_MAX;
			pz->why[pz->n] = e->what;
			pz->n++;
		} else if (e->resume && open) {
			pz->to[pz->n - 1] = d;
		}
	}
	json_decref(arr);
	return 0;
}

/* The pause covering evening d, or -1. */
static int paused_at(const struct pauses *pz, int32_t d)
{
	for (int k = 0; k < pz->n; k++)
		if (d >= pz->from[k] && d < pz->to[k])
			return k;
	return -1;
}

/* Nights during a pause do not count; how many planned evenings (before
 * today) were left out. */
static int exclude_paused(const struct pauses *pz, const struct trial *t, int32_t today, double *vals,
			  signed char *took)
{
	int n = 0;
	for (int k = 0; k < 2 * t->pairs * t->period_days; k++)
		if (paused_at(pz, t->start + k) >= 0) {
			vals[k] = NAN;
			took[k] = -1;
			n += t->start + k < today;
		}
	return n;
}

/* One line per event: "Paused on 2026-12-05: diarrhoea now". */
static void put_events(struct mg_buf *b, const struct pauses *pz, const char *indent)
{
	int open = 0;
	for (int i = 0; i < pz->n_events; i++) {
		const struct tevent *e = &pz->ev[i];
		char ds[11];
		mg_date_format(e->date, ds);
		if (e->resume) {
			mg_buf_printf(b, "%sResumed on %s", indent, ds);
			open = 0;
		} else if (e->stops && !open) {
			mg_buf_printf(b, "%sPaused on %s: %s", indent, ds, e->what);
			open = 1;
		} else if (e->stops) {
			mg_buf_printf(b, "%sAdverse event on %s during the pause: %s", indent, ds, e->what);
		} else {
			mg_buf_printf(b, "%sAdverse event on %s: %s (not a stop rule; the trial went on)", indent, ds,
				      e->what);
		}
		if (e->note[0])
			mg_buf_printf(b, " (note: %s)", e->note);
		mg_buf_putc(b, '\n');
	}
}

/* The sentence for the verdict: the trial was paused, why, and what it did
 * to the analysis. Nothing if there was no pause. */
static void put_pause_verdict(struct mg_buf *b, const struct pauses *pz, int excluded, int32_t today)
{
	for (int k = 0; k < pz->n; k++) {
		char ds[11];
		mg_date_format(pz->from[k], ds);
		mg_buf_printf(b, "The trial was paused on %s because of %s (a stop rule)", ds, pz->why[k]);
		if (pz->to[k] != INT32_MAX) {
			mg_date_format(pz->to[k], ds);
			mg_buf_printf(b, " and resumed on %s. ", ds);
		} else {
			mg_buf_puts(b, pz->from[k] <= today ? " and is still paused: take no magnesium and talk to a "
							     "clinician before restarting. "
							   : ". ");
		}
	}
	if (pz->n)
		mg_buf_printf(b, "%d night%s during the pause%s %s left out of the analysis.\n", excluded,
			      excluded == 1 ? "" : "s", pz->n == 1 ? "" : "s", excluded == 1 ? "is" : "are");
}

/* ---- plan ---- */

/* Advice from the stored profile, as 'mgsleep advise' computes it (cli.h). */
int cli_stored_advice(struct mg_cli *cli, struct mg_db *db, struct mg_advice *a, struct mg_profile *p,
		      int *status)
{
	struct mg_error err = {0};
	char *js = NULL;
	const struct mg_kb *kb = cli_kb(cli, status);
	if (!kb)
		return -1;
	if (mg_db_profile_get(db, &js, &err)) {
		*status = cli_fail(&err);
		return -1;
	}
	if (!js)
		return 1;
	mg_profile_init(p);
	int r = mg_profile_load_json(p, kb, js, strlen(js), &err);
	free(js);
	if (r) {
		*status = cli_error(EXIT_FAIL, "stored profile: %s", err.msg);
		return -1;
	}
	double est, isi;
	char source[96];
	if (isnan(p->diet_mg)) {
		if (cli_diet_estimate(db, &est, source, sizeof source, &err)) {
			*status = cli_fail(&err);
			return -1;
		}
		if (!isnan(est)) {
			p->diet_mg = est;
			snprintf(p->diet_source, sizeof p->diet_source, "%s", source);
		}
	}
	if (isnan(p->isi)) {
		if (mg_db_latest_isi(db, &isi, &err)) {
			*status = cli_fail(&err);
			return -1;
		}
		p->isi = isi;
	}
	if (mg_advise(kb, p, a, &err)) {
		if (err.code == MG_EINVAL && !strcmp(err.field, "age"))
			return 2;
		*status = cli_fail(&err);
		return -1;
	}
	return 0;
}

/* Outcome value of a night from a mgsleep nights JSON row; NaN if absent. */
static double night_value(json_t *row, const struct mg_trial_outcome *oc)
{
	json_t *v;
	if (!strcmp(oc->id, "awakenings") || !strcmp(oc->id, "quality"))
		v = json_object_get(json_object_get(row, "entry"), oc->id);
	else
		v = json_object_get(row, oc->id);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* All diary nights between from and to (evenings, inclusive): values[k] for
 * evening from + k (its diary row is dated the next morning), took[k] = 1 if
 * magnesium was logged, 0 if none, -1 if the night is missing. */
static int read_nights(struct mg_db *db, int32_t from, int32_t to, const struct mg_trial_outcome *oc, double *values,
		       signed char *took, int *status)
{
	struct mg_error err = {0};
	struct mg_buf b = MG_BUF_INIT;
	char d0[11], d1[11];
	mg_date_format(from + 1, d0);
	mg_date_format(to + 1, d1);
	for (int32_t k = 0; k <= to - from; k++) {
		values[k] = NAN;
		took[k] = -1;
	}
	json_t *arr = store_json(mg_db_nights_json(db, d0, d1, &b, &err), &b, &err, status);
	if (!arr)
		return -1;
	size_t i;
	json_t *row;
	json_array_foreach(arr, i, row) {
		int32_t d;
		const char *ds = json_string_value(json_object_get(row, "date"));
		if (!ds || mg_date_parse(ds, &d) || d - 1 < from || d - 1 > to)
			continue;
		values[d - 1 - from] = night_value(row, oc);
		json_t *mg = json_object_get(row, "mg_elemental_mg");
		took[d - 1 - from] = json_is_number(mg) && json_number_value(mg) > 0;
	}
	json_decref(arr);
	return 0;
}

static void ics_date(int32_t d, char out[9])
{
	char s[11];
	mg_date_format(d, s);
	snprintf(out, 9, "%.4s%.2s%.2s", s, s + 5, s + 8);
}

static int write_ics(int fd, const struct trial *t, const char *now, int *status)
{
	struct mg_buf b = MG_BUF_INIT;
	char stamp[17];
	/* now is 2026-11-23T14:05:00Z -> 20261123T140500Z */
	snprintf(stamp, sizeof stamp, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", now, now + 5, now + 8, now + 11, now + 14,
		 now + 17);
	mg_buf_puts(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mgsleep//trial " MGSLEEP_VERSION "//EN\r\n"
			"CALSCALE:GREGORIAN\r\n");
	if (t->baseline > 0) {
		char d0[9], d1[9];
		ics_date(t->start - t->baseline, d0);
		ics_date(t->start, d1);
		mg_buf_printf(&b, "BEGIN:VEVENT\r\nUID:mgsleep-trial-%s-baseline@mgsleep\r\nDTSTAMP:%s\r\n"
				  "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\nSUMMARY:No magnesium (baseline)\r\n"
				  "DESCRIPTION:mgsleep trial baseline: no magnesium\\, keep logging\r\n"
				  "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n",
			      t->seed, stamp, d0, d1);
	}
	for (int k = 0; k < 2 * t->pairs; k++) {
		char d0[9], d1[9];
		ics_date(t->start + k * t->period_days, d0);
		ics_date(t->start + (k + 1) * t->period_days, d1); /* DTEND is exclusive */
		mg_buf_printf(&b, "BEGIN:VEVENT\r\nUID:mgsleep-trial-%s-%d@mgsleep\r\nDTSTAMP:%s\r\n", t->seed, k + 1,
			      stamp);
		mg_buf_printf(&b, "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", d0, d1);
		if (t->order[k])
			mg_buf_printf(&b, "SUMMARY:Magnesium %.0f mg (%s)\r\n", t->elemental_mg, t->form);
		else
			mg_buf_puts(&b, "SUMMARY:No magnesium\r\n");
		mg_buf_printf(&b, "DESCRIPTION:mgsleep trial period %d of %d (pair %d)\r\nTRANSP:TRANSPARENT\r\n"
				  "END:VEVENT\r\n",
			      k + 1, 2 * t->pairs, k / 2 + 1);
	}
	mg_buf_puts(&b, "END:VCALENDAR\r\n");
	int r = 0;
	if (b.failed) {
		r = -1;
		*status = cli_error(EXIT_FAIL, "out of memory");
	} else {
		size_t off = 0;
		while (off < b.len) {
			ssize_t w = write(fd, b.data + off, b.len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				r = -1;
				*status = cli_error(EXIT_FAIL, "--ics: cannot write: %s", strerror(errno));
				break;
			}
			off += (size_t)w;
		}
	}
	mg_buf_release(&b);
	return r;
}

static int trial_plan(int argc, char **argv, struct mg_cli *cli)
{
	struct trial t = {0};
	const char *v, *ics = NULL;
	char start[11];
	long x;
	int status = EXIT_OK, have_seed = 0;
	uint64_t seed = 0;
	struct mg_error err = {0};
	const struct mg_trial_design *dg = mg_kb_trial_design(trial_kb);
	cli_today(start);
	t.pairs = dg->pairs;
	t.period_days = dg->period_days;
	t.washout = dg->washout;
	if (!(t.oc = find_outcome("sol")))
		return cli_error(EXIT_FAIL, "trial: the knowledge base has no outcome 'sol'");
	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = cli_opt(argc, argv, &i, "start", &v, &status)) > 0) {
			int32_t d;
			if (mg_date_parse(v, &d))
				return cli_error(EXIT_USAGE, "--start: accepted: a real date YYYY-MM-DD");
			snprintf(start, sizeof start, "%s", v);
		} else if (!r && (r = cli_opt(argc, argv, &i, "pairs", &v, &status)) > 0) {
			if (parse_int(v, 1, MG_NOF1_MAX_PAIRS, &x))
				return cli_error(EXIT_USAGE, "--pairs: accepted: 1 to %d", MG_NOF1_MAX_PAIRS);
			t.pairs = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "period-days", &v, &status)) > 0) {
			if (parse_int(v, 2, MAX_PERIOD_DAYS, &x))
				return cli_error(EXIT_USAGE, "--period-days: accepted: 2 to %d", MAX_PERIOD_DAYS);
			t.period_days = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "washout", &v, &status)) > 0) {
			if (parse_int(v, 0, MAX_PERIOD_DAYS, &x))
				return cli_error(EXIT_USAGE, "--washout: accepted: 0 to %d nights", MAX_PERIOD_DAYS);
			t.washout = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "baseline-days", &v, &status)) > 0) {
			if (parse_int(v, 0, MAX_BASELINE_DAYS, &x))
				return cli_error(EXIT_USAGE, "--baseline-days: accepted: 0 to %d nights", MAX_BASELINE_DAYS);
			t.baseline = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "outcome", &v, &status)) > 0) {
			if (!(t.oc = find_outcome(v)))
				return cli_error(EXIT_USAGE,
						 "--outcome: accepted: sol, tst, se, waso, awakenings, quality, isi");
		} else if (!r && (r = cli_opt(argc, argv, &i, "seed", &v, &status)) > 0) {
			char *end;
			errno = 0;
			unsigned long long s = strtoull(v, &end, 10);
			if (!*v || *end || errno || strspn(v, "0123456789") != strlen(v))
				return cli_error(EXIT_USAGE, "--seed: accepted: a whole number 0 to 18446744073709551615");
			seed = (uint64_t)s;
			have_seed = 1;
		} else if (!r && (r = cli_opt(argc, argv, &i, "ics", &v, &status)) > 0) {
			ics = v;
		}
		if (r < 0)
			return status;
		if (r == 0)
			return cli_error(EXIT_USAGE, "trial plan: unknown option '%s'; accepted: --start, --pairs, "
						     "--period-days, --washout, --baseline-days, --outcome, --seed, --ics",
					 argv[i]);
	}
	if (t.washout >= t.period_days - 1)
		return cli_error(EXIT_USAGE, "--washout: must leave at least 2 nights of each period (less than "
					     "--period-days minus 1)");
	/* --start is the first evening of the whole trial: the baseline, if
	 * any, comes first and period 1 starts after it. */
	if (mg_date_parse(start, &t.start) || (t.start += t.baseline, trial_end(&t) > MG_DATE_MAX - 2))
		return cli_error(EXIT_USAGE, "--start: the trial would end after 9999-12-31");
	if (!have_seed)
		seed = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	snprintf(t.seed, sizeof t.seed, "%" PRIu64, seed);

	if (ics && access(ics, F_OK) == 0)
		return cli_error(EXIT_USAGE, "--ics: '%s' already exists; choose a new file", ics);
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_advice *a = malloc(sizeof *a);
	struct mg_profile *p = malloc(sizeof *p);
	struct mg_buf out = MG_BUF_INIT, order = MG_BUF_INIT;
	double *vals = NULL;
	signed char *took = NULL;
	int fd = -1;
	if (!a || !p) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	int have = cli_stored_advice(cli, db, a, p, &status);
	if (have == 1)
		status = cli_error(EXIT_USAGE, "trial plan: no profile stored; run 'mgsleep profile set ...' first");
	if (have == 2)
		status = cli_error(EXIT_USAGE, "trial plan: the stored profile has no age, which advice needs; run "
					       "'mgsleep profile set --age N' first");
	if (have)
		goto out;
	if ((a->verdict != MG_VERDICT_RECOMMENDED && a->verdict != MG_VERDICT_CAUTION) || !a->form ||
	    a->elemental_mg <= 0) {
		status = cli_error(EXIT_USAGE, "trial plan: refused: the advice for your stored profile is '%s'; a "
					       "self-experiment needs 'recommended' or 'caution' (see 'mgsleep advise')",
				   mg_verdict_name(a->verdict));
		goto out;
	}
	t.elemental_mg = a->elemental_mg;
	t.compound_mg = a->compound_mg;
	snprintf(t.form, sizeof t.form, "%s", a->form->id);

	/* Randomise the order within each pair: AB or BA with probability 1/2. */
	struct mg_rng rng;
	mg_rng_seed(&rng, seed);
	mg_buf_putc(&order, '[');
	for (int k = 0; k < t.pairs; k++) {
		int mg_first = mg_rng_below(&rng, 2) == 0;
		t.order[2 * k] = (char)mg_first;
		t.order[2 * k + 1] = (char)!mg_first;
		mg_buf_printf(&order, "%s\"%s\",\"%s\"", k ? "," : "", mg_first ? "mg" : "off", mg_first ? "off" : "mg");
	}
	mg_buf_putc(&order, ']');

	/* Power: the diary's own variability when it has >= 14 nights of the outcome. */
	struct mg_power_spec ps;
	struct mg_power_result pr;
	mg_power_spec_default(&ps);
	ps.n_pairs = t.pairs;
	ps.effect = t.oc->has_evidence ? t.oc->ev_mean : t.oc->direction * t.oc->mid;
	if (!strcmp(t.oc->id, "sol"))
		ps.effect = -17;
	ps.nights = per_period(t.oc) ? 1 : t.period_days;
	ps.washout = per_period(t.oc) ? 0 : t.washout;
	ps.sd_night = t.oc->default_sd;
	ps.rho = t.oc->default_rho;
	ps.seed = seed;
	int diary_n = 0;
	{
		/* the last 365 evenings up to the day before the start */
		int32_t to = t.start - 2, from = to - 364;
		if (!(vals = malloc(365 * sizeof *vals)) || !(took = malloc(365))) {
			status = cli_error(EXIT_FAIL, "out of memory");
			goto out;
		}
		if (read_nights(db, from, to, t.oc, vals, took, &status))
			goto out;
		double mean, sd, rho;
		diary_n = mg_series_ar1(vals, 365, &mean, &sd, &rho);
		if (diary_n >= 14 && sd > 0) {
			ps.sd_night = sd;
			ps.rho = isnan(rho) ? 0 : rho;
		} else {
			diary_n = 0;
		}
	}
	if (mg_nof1_power(&ps, &pr, &err)) {
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
	mg_date_format(t.start, p1);
	struct mg_db_trial row = {p1, t.pairs, t.period_days, t.washout, t.oc->id, t.seed, order.data,
				  t.elemental_mg, t.compound_mg, t.form, t.baseline};
	if (order.failed || mg_db_begin(db, &err) || mg_db_trial_add(db, &row, now, &err) || mg_db_commit(db, &err)) {
		status = order.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_fail(&err);
		goto out;
	}
	if (fd >= 0) {
		int r = write_ics(fd, &t, now, &status);
		if (close(fd) && !r)
			status = cli_error(EXIT_FAIL, "--ics: cannot write '%s': %s", ics, strerror(errno));
		fd = -1;
		if (status)
			goto out;
	}

	char e[11];
	mg_date_format(trial_end(&t), e);
	mg_buf_printf(&out, "N-of-1 trial planned: %d pairs of %d-day periods, %s to %s (%d nights)\n", t.pairs,
		      t.period_days, start, e, t.baseline + 2 * t.pairs * t.period_days);
	mg_buf_printf(&out, "Primary outcome: %s (%s). Seed %s (the same seed gives the same order).\n", t.oc->name,
		      t.oc->unit, t.seed);
	mg_buf_printf(&out, "Magnesium: %.0f mg elemental = %.0f mg %s at bedtime; none on the other periods.\n"
			    "Washout: the first %d night%s of every period %s not analysed.\n\n",
		      t.elemental_mg, t.compound_mg, a->form->name, t.washout, t.washout == 1 ? "" : "s",
		      t.washout == 1 ? "is" : "are");
	if (per_period(t.oc))
		mg_buf_puts(&out, "ISI: fill in 'mgsleep isi' on the morning after the last night of every period (the "
				  "last 3 days of a period or the first 3 of the next count; the closest wins).\n\n");
	mg_buf_puts(&out, "period  pair  evenings                   magnesium\n");
	if (t.baseline > 0) {
		char d0[11], d1[11];
		mg_date_format(t.start - t.baseline, d0);
		mg_date_format(t.start - 1, d1);
		mg_buf_printf(&out, "baseline    %s to %s   none (baseline, not randomised; keep logging)\n", d0, d1);
	}
	for (int k = 0; k < 2 * t.pairs; k++) {
		char d0[11], d1[11];
		mg_date_format(t.start + k * t.period_days, d0);
		mg_date_format(t.start + (k + 1) * t.period_days - 1, d1);
		if (t.order[k])
			mg_buf_printf(&out, "%6d  %4d  %s to %s   on: %.0f mg (%s)\n", k + 1, k / 2 + 1, d0, d1,
				      t.elemental_mg, t.form);
		else
			mg_buf_printf(&out, "%6d  %4d  %s to %s   off: none\n", k + 1, k / 2 + 1, d0, d1);
	}
	mg_buf_printf(&out, "\nPower: assuming a true effect of %+.*f %s (%s),\n", t.oc->decimals, ps.effect, t.oc->unit,
		      t.oc->has_evidence ? "the published average" : "the minimal important difference; no trial data");
	if (diary_n)
		mg_buf_printf(&out, "and your diary's variability (%d nights: SD %.1f, night-to-night correlation %.2f),\n",
			      diary_n, ps.sd_night, ps.rho);
	else
		mg_buf_printf(&out, "and an assumed variability (SD %.1f, correlation %.1f; your diary has fewer than 14 "
				    "nights),\n",
			      ps.sd_night, ps.rho);
	mg_buf_printf(&out, "this plan would reach p < 0.05 in about %.0f %% of trials.\n", 100 * pr.power);
	if (pr.p_min > 0.05)
		mg_buf_printf(&out, "This design can never reach p < 0.05: with %d pair%s the smallest possible p is %.3g. "
				    "Plan at least 6 pairs.\n",
			      t.pairs, t.pairs == 1 ? "" : "s", pr.p_min);
	else if (pr.power < 0.8)
		mg_buf_puts(&out, "That is less than 80 %: more pairs or longer periods would make a clear answer more "
				  "likely.\n");
	if (t.period_days < dg->min_period_days) {
		mg_buf_printf(&out, "Caution: periods of %d nights are shorter than %d nights. %s [", t.period_days,
			      dg->min_period_days, dg->why);
		for (size_t k = 0; k < dg->refs.n; k++)
			mg_buf_printf(&out, "%s%s", k ? ", " : "", mg_kb_source(trial_kb, dg->refs.idx[k])->id);
		mg_buf_puts(&out, "]\n");
	}
	if (ics)
		mg_buf_printf(&out, "Calendar written to %s.\n", ics);
	mg_buf_puts(&out, "Each night, 'mgsleep trial today' says what to take; log every morning with 'mgsleep log'.\n"
			  "Stop and talk to a clinician if you get diarrhoea or feel unwell.\n"
			  "This is information, not medical advice.\n");
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
out:
	if (fd >= 0) {
		close(fd);
		unlink(ics);
	}
	free(vals);
	free(took);
	free(a);
	free(p);
	mg_buf_release(&out);
	mg_buf_release(&order);
	mg_db_close(db);
	return status;
}

/* ---- today ---- */

static int date_option(int argc, char **argv, const char *sub, char date[11], const char **fmt, int *status)
{
	const char *v;
	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = cli_opt(argc, argv, &i, "date", &v, status)) > 0) {
			int32_t d;
			if (mg_date_parse(v, &d)) {
				*status = cli_error(EXIT_USAGE, "--date: accepted: a real date YYYY-MM-DD");
				return -1;
			}
			snprintf(date, 11, "%s", v);
		} else if (!r && fmt && (r = cli_opt(argc, argv, &i, "format", &v, status)) > 0) {
			if (strcmp(v, "text") && strcmp(v, "json")) {
				*status = cli_error(EXIT_USAGE, "--format: accepted: text, json");
				return -1;
			}
			*fmt = v;
		}
		if (r < 0)
			return -1;
		if (r == 0) {
			*status = cli_error(EXIT_USAGE, "trial %s: unknown option '%s'; accepted: --date%s", sub, argv[i],
					    fmt ? ", --format" : "");
			return -1;
		}
	}
	return 0;
}

static int trial_today(int argc, char **argv, struct mg_cli *cli)
{
	char date[11];
	int status = EXIT_OK;
	struct trial t;
	struct mg_error err = {0};
	cli_today(date);
	if (date_option(argc, argv, "today", date, NULL, &status))
		return status;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_buf out = MG_BUF_INIT;
	char *last = NULL;
	int32_t d;
	mg_date_parse(date, &d);
	int pk;
	struct pauses *pz = malloc(sizeof *pz);
	if (!pz) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb || load_trial(db, &t, &status) || load_pauses(db, kb, pz, &status))
		goto out;
	char s[11], e[11];
	mg_date_format(t.start - t.baseline, s);
	mg_date_format(trial_end(&t), e);
	if (d < t.start - t.baseline) {
		mg_buf_printf(&out, "%s: the trial starts on %s; nothing to take for it tonight.\n", date, s);
	} else if (d < t.start) {
		mg_buf_printf(&out, "%s: baseline night %d of %d.\nbaseline: no magnesium, keep logging.\n", date,
			      (int)(d - (t.start - t.baseline)) + 1, t.baseline);
	} else if (d > trial_end(&t)) {
		mg_buf_printf(&out, "%s: the trial ended on %s. See 'mgsleep trial analyze'.\n", date, e);
	} else if ((pk = paused_at(pz, d)) >= 0) {
		char ps[11];
		mg_date_format(pz->from[pk], ps);
		mg_buf_printf(&out, "%s: the trial is paused since %s because of %s.\n", date, ps, pz->why[pk]);
		mg_buf_puts(&out, "Tonight: take no magnesium. Talk to a clinician before restarting; if you restart, "
				  "record it with 'mgsleep trial resume'.\n");
	} else {
		int k = (int)((d - t.start) / t.period_days), night = (int)((d - t.start) % t.period_days) + 1;
		mg_buf_printf(&out, "%s: period %d of %d (pair %d), night %d of %d.\n", date, k + 1, 2 * t.pairs, k / 2 + 1,
			      night, t.period_days);
		if (t.order[k]) {
			const struct mg_compound *c = kb ? mg_kb_find_compound(kb, t.form) : NULL;
			mg_buf_printf(&out, "Tonight: take %.0f mg elemental magnesium = %.0f mg %s%s at bedtime.\n",
				      t.elemental_mg, t.compound_mg, c ? "" : "magnesium ", c ? c->name : t.form);
		} else {
			mg_buf_puts(&out, "Tonight: take no magnesium.\n");
		}
		if (night <= t.washout)
			mg_buf_printf(&out, "This is washout night %d of %d: keep to the plan and log it; it is not "
					    "analysed.\n",
				      night, t.washout);
		if (night == t.period_days && per_period(t.oc))
			mg_buf_puts(&out, "This is the last evening of the period: fill in the ISI tomorrow morning with "
					  "'mgsleep isi' (it is this period's outcome).\n");
	}
	if (d > t.start - t.baseline && d <= trial_end(&t) + 1) {
		if (mg_db_night_get(db, date, &last, &err)) {
			status = cli_fail(&err);
			goto out;
		}
		if (!last)
			mg_buf_printf(&out, "Last night's diary (the morning of %s) is missing: log it with 'mgsleep log "
					    "--date %s ...'.\n",
				      date, date);
		else
			mg_buf_puts(&out, "Last night's diary is logged.\n");
	}
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
out:
	free(pz);
	free(last);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

/* ---- event, resume ---- */

static int trial_event(int argc, char **argv, struct mg_cli *cli)
{
	char date[11];
	const char *v, *symptoms = NULL, *note = "";
	int status = EXIT_OK;
	cli_today(date);
	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = cli_opt(argc, argv, &i, "symptom", &v, &status)) > 0) {
			symptoms = v;
		} else if (!r && (r = cli_opt(argc, argv, &i, "date", &v, &status)) > 0) {
			int32_t d;
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
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	if (!symptoms || !*symptoms)
		return cli_error(EXIT_USAGE, "trial event: --symptom is required; accepted: %s", mg_kb_symptom_names(kb));
	/* Validate every name before touching the store. */
	const char *ids[16], *texts[16];
	int n_ids = 0, stops = 0;
	struct mg_buf sj = MG_BUF_INIT, names = MG_BUF_INIT, out = MG_BUF_INIT;
	mg_buf_putc(&sj, '[');
	for (const char *p = symptoms; *p;) {
		size_t len = strcspn(p, ",");
		char one[64];
		snprintf(one, sizeof one, "%.*s", (int)(len < 63 ? len : 63), p);
		const char *name = NULL, *id = len && len < 63 ? mg_kb_symptom_id(kb, one, &name) : NULL;
		if (!id) {
			mg_buf_release(&sj);
			mg_buf_release(&names);
			return cli_error(EXIT_USAGE, "--symptom: unknown symptom%.0s; accepted: %s", one,
					 mg_kb_symptom_names(kb));
		}
		int dup = 0;
		for (int k = 0; k < n_ids; k++)
			dup |= !strcmp(ids[k], id);
		if (!dup) {
			if (n_ids == 16) {
				mg_buf_release(&sj);
				mg_buf_release(&names);
				return cli_error(EXIT_USAGE, "--symptom: at most 16 symptoms");
			}
			texts[n_ids] = stop_text(kb, id);
			stops |= texts[n_ids] != NULL;
			ids[n_ids++] = id;
			mg_buf_printf(&sj, "%s\"%s\"", n_ids > 1 ? "," : "", id);
			mg_buf_printf(&names, "%s%s", n_ids > 1 ? ", " : "", name);
		}
		p += len;
		if (*p)
			p++;
	}
	mg_buf_putc(&sj, ']');
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db) {
		mg_buf_release(&sj);
		mg_buf_release(&names);
		return status;
	}
	struct trial t;
	struct pauses *pz = malloc(sizeof *pz);
	struct mg_error err = {0};
	int32_t d;
	mg_date_parse(date, &d);
	if (!pz) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (load_trial(db, &t, &status) || load_pauses(db, kb, pz, &status))
		goto out;
	char s[11];
	mg_date_format(t.start, s);
	if (d < t.start) {
		status = cli_error(EXIT_USAGE, "--date: %s is before the trial starts (%s)", date, s);
		goto out;
	}
	if (pz->n_events >= MAX_EVENTS) {
		status = cli_error(EXIT_USAGE, "trial event: refused: this trial already has %d events", MAX_EVENTS);
		goto out;
	}
	int was = paused_at(pz, d);
	struct mg_db_trial_event row = {date, "event", sj.data, stops, note};
	if (sj.failed || names.failed) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (mg_db_begin(db, &err) || mg_db_trial_event_add(db, &row, cli_now(), &err) || mg_db_commit(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	mg_buf_printf(&out, "Adverse event recorded on %s: %s.\n", date, names.data);
	if (stops && was >= 0) {
		char ps[11];
		mg_date_format(pz->from[was], ps);
		mg_buf_printf(&out, "The trial is already paused (since %s). Take no magnesium.\n", ps);
	} else if (stops) {
		mg_buf_printf(&out, "The trial is paused from %s: stop taking magnesium now and take none from tonight.\n",
			      date);
	} else {
		mg_buf_puts(&out, "This is not one of the stop rules, so the trial goes on; if it lasts or worries you, "
				  "talk to a clinician.\n");
	}
	/* The KB's own words for each stop rule hit, once each. */
	for (int k = 0; k < n_ids; k++) {
		int seen = !texts[k];
		for (int j = 0; j < k && !seen; j++)
			seen = texts[j] == texts[k];
		if (!seen)
			mg_buf_printf(&out, "%s\n", texts[k]);
	}
	if (stops)
		mg_buf_puts(&out, "Talk to a clinician before restarting. If you restart, record it with 'mgsleep trial "
				  "resume'; nights during the pause are left out of the analysis.\n");
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
out:
	free(pz);
	mg_buf_release(&sj);
	mg_buf_release(&names);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

static int date_option(int argc, char **argv, const char *sub, char date[11], const char **fmt, int *status);

static int trial_resume(int argc, char **argv, struct mg_cli *cli)
{
	char date[11];
	int status = EXIT_OK;
	struct trial t;
	struct mg_error err = {0};
	cli_today(date);
	if (date_option(argc, argv, "resume", date, NULL, &status))
		return status;
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct pauses *pz = malloc(sizeof *pz);
	int32_t d;
	mg_date_parse(date, &d);
	if (!pz) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (load_trial(db, &t, &status) || load_pauses(db, kb, pz, &status))
		goto out;
	/* Only the latest pause can be open; resume it on a later date. */
	if (!pz->n || pz->to[pz->n - 1] != INT32_MAX || d < pz->from[pz->n - 1]) {
		status = cli_error(EXIT_USAGE, "trial resume: refused: the trial is not paused on %s", date);
		goto out;
	}
	char ps[11];
	mg_date_format(pz->from[pz->n - 1], ps);
	if (d == pz->from[pz->n - 1]) {
		status = cli_error(EXIT_USAGE, "--date: the pause began on %s; resume on a later date", ps);
		goto out;
	}
	struct mg_db_trial_event row = {date, "resume", "[]", 0, ""};
	if (mg_db_begin(db, &err) || mg_db_trial_event_add(db, &row, cli_now(), &err) || mg_db_commit(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	struct mg_buf out = MG_BUF_INIT;
	mg_buf_printf(&out, "The trial resumes on %s (paused since %s because of %s). Follow 'mgsleep trial today' "
			    "again; stop and record 'mgsleep trial event' if the symptoms come back.\n",
		      date, ps, pz->why[pz->n - 1]);
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
	mg_buf_release(&out);
out:
	free(pz);
	mg_db_close(db);
	return status;
}

/* ---- analyze ---- */

static void put_num(struct mg_buf *b, double x, int dec)
{
	if (isnan(x) || isinf(x))
		mg_buf_puts(b, "null");
	else
		mg_buf_put_num(b, x, dec);
}

static void put_post(struct mg_buf *b, const char *name, const struct mg_posterior *po, int ok)
{
	mg_buf_printf(b, "\"%s\":", name);
	if (!ok) {
		mg_buf_puts(b, "null");
		return;
	}
	mg_buf_puts(b, "{\"median\":");
	put_num(b, po->median, 3);
	mg_buf_puts(b, ",\"lo\":");
	put_num(b, po->lo, 3);
	mg_buf_puts(b, ",\"hi\":");
	put_num(b, po->hi, 3);
	mg_buf_puts(b, ",\"p_benefit\":");
	put_num(b, po->p_benefit, 4);
	mg_buf_puts(b, ",\"p_mid\":");
	put_num(b, po->p_mid, 4);
	mg_buf_puts(b, ",\"p_harm_mid\":");
	put_num(b, po->p_harm_mid, 4);
	mg_buf_putc(b, '}');
}

/* The ISI list (mgsleep isi) as a JSON array; NULL on error. */
static json_t *isi_list(struct mg_db *db, int *status)
{
	struct mg_error err = {0};
	struct mg_buf b = MG_BUF_INIT;
	return store_json(mg_db_questionnaire_list(db, "isi", &b, &err), &b, &err, status);
}

/* The ISI total at the end of a period whose last evening is last: the one
 * recorded on the last 3 days of the period or the first 3 of the next
 * (dated no later than today), closest to the morning after last wins; a
 * tie goes to the earlier date, several on one date to the latest entered.
 * NaN if none. */
static double isi_at(json_t *list, int32_t last, int32_t today)
{
	double best = NAN;
	int32_t best_dist = INT32_MAX, best_d = 0;
	size_t i;
	json_t *row;
	json_array_foreach(list, i, row) {
		int32_t d;
		const char *ds = json_string_value(json_object_get(row, "date"));
		json_t *v = json_object_get(json_object_get(row, "result"), "total");
		if (!ds || mg_date_parse(ds, &d) || !json_is_number(v) || d > today || d < last - 2 || d > last + 3)
			continue;
		int32_t dist = d > last + 1 ? d - (last + 1) : last + 1 - d;
		if (dist < best_dist || (dist == best_dist && d == best_d)) {
			best = json_number_value(v);
			best_dist = dist;
			best_d = d;
		}
	}
	return best;
}

/* The diary nights of the trial as pairs of periods (values in vals, 2 *
 * pairs * period_days of them; took as read_nights), nights on or after
 * today left out, and the analysis options of the trial. */
static int trial_pairs(struct mg_db *db, const struct trial *t, const struct mg_trial_outcome *oc, const struct pauses *pz,
		       int32_t today, double *vals, signed char *took, struct mg_nof1_pair *pairs,
		       struct mg_nof1_opts *o, int *excluded, int *status)
{
	int n_nights = 2 * t->pairs * t->period_days;
	if (read_nights(db, t->start, trial_end(t), oc, vals, took, status))
		return -1;
	/* Nights during a pause do not count (stop rules). */
	int ex = exclude_paused(pz, t, today, vals, took);
	if (excluded)
		*excluded = ex;
	/* Nights after the analysis date do not count yet. */
	for (int k = 0; k < n_nights; k++)
		if (t->start + k >= today) {
			vals[k] = NAN;
			took[k] = -1;
		}
	for (int i = 0; i < t->pairs; i++) {
		const double *p0 = vals + 2 * i * t->period_days, *p1 = p0 + t->period_days;
		pairs[i].on = t->order[2 * i] ? p0 : p1;
		pairs[i].off = t->order[2 * i] ? p1 : p0;
		pairs[i].n_on = pairs[i].n_off = t->period_days;
	}
	mg_nof1_opts_default(o);
	o->washout = t->washout;
	o->min_nights = t->period_days - t->washout < 3 ? t->period_days - t->washout : 3;
	if (per_period(oc)) {
		/* One value per period, on its last evening; the washout is moot. */
		json_t *list = isi_list(db, status);
		if (!list)
			return -1;
		for (int k = 0; k < n_nights; k++)
			vals[k] = NAN;
		for (int k = 0; k < 2 * t->pairs; k++) {
			int32_t last = t->start + (k + 1) * t->period_days - 1;
			if (paused_at(pz, last) < 0)
				vals[(k + 1) * t->period_days - 1] = isi_at(list, last, today);
		}
		json_decref(list);
		o->washout = 0;
		o->min_nights = 1;
	}
	o->direction = oc->direction;
	o->mid = oc->mid;
	o->seed = strtoull(t->seed, NULL, 10);
	return 0;
}

/* The verdict in plain words, never more certain than the interval: r the
 * flat-prior result, pr the result whose posterior gives the chance
 * (evidence-based prior when the outcome has one). One line. */
static void put_verdict(struct mg_buf *b, const struct mg_trial_outcome *oc, const struct mg_nof1_result *r,
			const struct mg_nof1_result *pr, int evidence, int interim)
{
	int dec = oc->decimals;
	double m = r->mean;
	const char *verb = m < 0 ? oc->lower : oc->higher;
	mg_buf_printf(b, "In your trial%s, ", interim ? " so far" : "");
	if (r->ci_lo > 0 || r->ci_hi < 0)
		mg_buf_printf(b, "magnesium %s %s by %.*f %s (95 %% interval %.*f to %.*f). ", verb, oc->name, dec,
			      fabs(m), oc->unit, dec, fmin(fabs(r->ci_lo), fabs(r->ci_hi)), dec,
			      fmax(fabs(r->ci_lo), fabs(r->ci_hi)));
	else
		mg_buf_printf(b, "%s was %.*f %s %s with magnesium, but the 95 %% interval (%+.*f to %+.*f) "
				 "includes no effect, so the trial has not shown whether magnesium changes it. ",
			      oc->name, dec, fabs(m), oc->unit, m < 0 ? "lower" : "higher", dec, r->ci_lo, dec, r->ci_hi);
	/* A threshold not seen in its source is still used, but said to be so. */
	mg_buf_printf(b, "The chance that the real benefit is larger than %.*f %s%s is %.0f %% (%s).\n", dec, oc->mid,
		      oc->unit, oc->mid_verified ? "" : " (a threshold from a sleep guideline, not verified for this tool)",
		      100 * pr->post.p_mid, evidence ? "evidence-based prior" : "flat prior");
}

/* The published average effect for the outcome, when the KB has one. */
static int published(const struct mg_trial_outcome *oc, double *mean, double *lo, double *hi)
{
	*mean = oc->pub_mean;
	*lo = oc->pub_lo;
	*hi = oc->pub_hi;
	return oc->has_published;
}

int cli_trial_report(struct mg_db *db, const struct mg_kb *kb, int32_t today, struct mg_report_trial *rt,
		     char *order, int *status)
{
	trial_kb = kb;
	struct mg_error err = {0};
	struct trial t;
	char *js = NULL;
	if (mg_db_trial_latest(db, &js, &err)) {
		*status = cli_fail(&err);
		return -1;
	}
	if (!js)
		return 1;
	free(js);
	if (load_trial(db, &t, status))
		return -1;
	int n_nights = 2 * t.pairs * t.period_days, rc = -1;
	double *vals = malloc((size_t)n_nights * sizeof *vals);
	signed char *took = malloc((size_t)n_nights);
	struct mg_nof1_result *res = malloc(sizeof *res), *ev = malloc(sizeof *ev);
	struct pauses *pz = malloc(sizeof *pz);
	struct mg_nof1_pair pairs[MG_NOF1_MAX_PAIRS];
	struct mg_nof1_opts o;
	int excluded = 0;
	if (!vals || !took || !res || !ev || !pz) {
		*status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	if (load_pauses(db, kb, pz, status) ||
	    trial_pairs(db, &t, t.oc, pz, today, vals, took, pairs, &o, &excluded, status))
		goto out;
	o.prior.mean = 0;
	o.prior.sd = INFINITY;
	if (mg_nof1_analyse(pairs, t.pairs, &o, res, &err)) {
		*status = cli_fail(&err);
		goto out;
	}
	o.prior.mean = t.oc->ev_mean;
	o.prior.sd = t.oc->ev_sd;
	if (t.oc->has_evidence && mg_nof1_analyse(pairs, t.pairs, &o, ev, &err)) {
		*status = cli_fail(&err);
		goto out;
	}
	memcpy(order, t.order, (size_t)(2 * t.pairs));
	memset(rt, 0, sizeof *rt);
	rt->mid = rt->adherence = rt->pp_mean = rt->pp_lo = rt->pp_hi = NAN; /* issue 11 fields: unknown */
	rt->start = t.start;
	rt->end = trial_end(&t);
	rt->pairs = t.pairs;
	rt->period_days = t.period_days;
	rt->order = order;
	rt->outcome_name = t.oc->name;
	rt->unit = t.oc->unit;
	rt->decimals = t.oc->decimals;
	rt->as_of = today;
	rt->interim = today <= trial_end(&t) + 1;
	rt->too_few = (res->flags & MG_NOF1_TOO_FEW) != 0;
	rt->n_used = res->n_used;
	rt->mean = res->mean;
	rt->ci_lo = res->ci_lo;
	rt->ci_hi = res->ci_hi;
	rt->outcome_id = t.oc->id;
	rt->p_value = res->p_value;
	rt->verdict[0] = 0;
	if (!rt->too_few) {
		struct mg_buf b = MG_BUF_INIT;
		put_verdict(&b, t.oc, res, t.oc->has_evidence ? ev : res, t.oc->has_evidence, rt->interim);
		if (b.len && b.data[b.len - 1] == '\n')
			b.len--;
		snprintf(rt->verdict, sizeof rt->verdict, "%.*s", (int)b.len, b.len ? b.data : "");
		mg_buf_release(&b);
	}
	rt->has_published = published(t.oc, &rt->pub_mean, &rt->pub_lo, &rt->pub_hi);
	rt->pub_source = "Mah & Pitre 2021, meta-analysis of trials in older adults";
	{
		struct mg_buf b = MG_BUF_INIT;
		put_events(&b, pz, "");
		snprintf(rt->events, sizeof rt->events, "%.*s", (int)b.len, b.len ? b.data : "");
		mg_buf_reset(&b);
		put_pause_verdict(&b, pz, excluded, today);
		snprintf(rt->pause_note, sizeof rt->pause_note, "%.*s", (int)b.len, b.len ? b.data : "");
		mg_buf_release(&b);
	}
	rc = 0;
out:
	free(pz);
	free(vals);
	free(took);
	free(res);
	free(ev);
	return rc;
}

static int trial_analyze(int argc, char **argv, struct mg_cli *cli)
{
	char date[11];
	const char *fmt = "text";
	int status = EXIT_OK;
	struct trial t;
	struct mg_error err = {0};
	cli_today(date);
	if (date_option(argc, argv, "analyze", date, &fmt, &status))
		return status;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_buf out = MG_BUF_INIT;
	double *vals = NULL;
	signed char *took = NULL;
	struct mg_nof1_result *res[3] = {NULL, NULL, NULL};
	struct pauses *pz = NULL;
	struct mg_buf sec = MG_BUF_INIT, secj = MG_BUF_INIT;
	int32_t today;
	mg_date_parse(date, &today);
	if (load_trial(db, &t, &status))
		goto out;
	const struct mg_trial_outcome *oc = t.oc;
	int n_nights = 2 * t.pairs * t.period_days;
	vals = malloc((size_t)n_nights * sizeof *vals);
	took = malloc((size_t)n_nights);
	for (int k = 0; k < 3; k++)
		res[k] = malloc(sizeof *res[k]);
	if (!vals || !took || !res[0] || !res[1] || !res[2]) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	struct mg_nof1_pair pairs[MG_NOF1_MAX_PAIRS];
	struct mg_nof1_opts o;
	int excluded = 0;
	if (!(pz = malloc(sizeof *pz))) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb || load_pauses(db, kb, pz, &status) ||
	    trial_pairs(db, &t, oc, pz, today, vals, took, pairs, &o, &excluded, &status))
		goto out;
	/* The baseline (no magnesium, not randomised): context only. */
	int base_n = 0;
	double base_mean = NAN, base_sd = NAN;
	if (t.baseline > 0 && per_period(oc)) {
		json_t *list = isi_list(db, &status);
		if (!list)
			goto out;
		base_mean = isi_at(list, t.start - 1, today);
		base_n = !isnan(base_mean);
		json_decref(list);
	} else if (t.baseline > 0) {
		double bv[MAX_BASELINE_DAYS];
		signed char bt[MAX_BASELINE_DAYS];
		if (read_nights(db, t.start - t.baseline, t.start - 1, oc, bv, bt, &status))
			goto out;
		double sum = 0, ss = 0;
		for (int k = 0; k < t.baseline; k++)
			if (!isnan(bv[k]) && t.start - t.baseline + k < today) {
				base_n++;
				sum += bv[k];
			}
		base_mean = base_n ? sum / base_n : NAN;
		for (int k = 0; k < t.baseline; k++)
			if (!isnan(bv[k]) && t.start - t.baseline + k < today)
				ss += (bv[k] - base_mean) * (bv[k] - base_mean);
		base_sd = base_n >= 2 ? sqrt(ss / (base_n - 1)) : NAN;
	}
	struct mg_prior priors[3] = {{oc->ev_mean, oc->ev_sd}, {0, oc->sceptical_sd}, {0, INFINITY}};
	int has_prior[3] = {oc->has_evidence, 1, 1};
	for (int k = 0; k < 3; k++) {
		o.prior = has_prior[k] ? priors[k] : priors[2];
		if (mg_nof1_analyse(pairs, t.pairs, &o, res[k], &err)) {
			status = cli_fail(&err);
			goto out;
		}
	}
	const struct mg_nof1_result *r = res[2];
	int too_few = (r->flags & MG_NOF1_TOO_FEW) != 0, interim = today <= trial_end(&t) + 1;
	/* Adherence: diary magnesium against the plan, over logged nights. */
	int on_logged = 0, on_taken = 0, off_logged = 0, off_taken = 0, on_planned = 0;
	for (int k = 0; k < n_nights; k++) {
		int on = t.order[k / t.period_days];
		if (on && t.start + k < today && paused_at(pz, t.start + k) < 0)
			on_planned++;
		if (took[k] < 0)
			continue;
		if (on) {
			on_logged++;
			on_taken += took[k];
		} else {
			off_logged++;
			off_taken += took[k];
		}
	}
	/* Secondary outcomes: every other diary outcome, flat prior, the mean
	 * difference and interval only. The primary's nights are reused after. */
	{
		double *v2 = malloc((size_t)n_nights * sizeof *v2);
		signed char *t2 = malloc((size_t)n_nights);
		struct mg_nof1_result *r2 = malloc(sizeof *r2);
		struct mg_nof1_pair p2[MG_NOF1_MAX_PAIRS];
		struct mg_nof1_opts o2;
		int bad = !v2 || !t2 || !r2, first = 1;
		mg_buf_putc(&secj, '[');
		size_t n_outcomes;
		const struct mg_trial_outcome *all = mg_kb_trial_outcomes(trial_kb, &n_outcomes);
		for (size_t i = 0; !bad && i < n_outcomes; i++) {
			const struct mg_trial_outcome *so = &all[i];
			if (so == oc || per_period(so))
				continue;
			if (trial_pairs(db, &t, so, pz, today, v2, t2, p2, &o2, NULL, &status)) {
				bad = 2;
				break;
			}
			o2.prior.mean = 0;
			o2.prior.sd = INFINITY;
			if (mg_nof1_analyse(p2, t.pairs, &o2, r2, &err)) {
				status = cli_fail(&err);
				bad = 2;
				break;
			}
			int few = (r2->flags & MG_NOF1_TOO_FEW) != 0, d2 = so->decimals + 1;
			mg_buf_printf(&secj, "%s{\"outcome\":\"%s\",\"pairs_used\":%d,\"mean_difference\":", first ? "" : ",",
				      so->id, r2->n_used);
			put_num(&secj, few ? NAN : r2->mean, 3);
			mg_buf_puts(&secj, ",\"ci_low\":");
			put_num(&secj, few ? NAN : r2->ci_lo, 3);
			mg_buf_puts(&secj, ",\"ci_high\":");
			put_num(&secj, few ? NAN : r2->ci_hi, 3);
			mg_buf_putc(&secj, '}');
			first = 0;
			if (few)
				mg_buf_printf(&sec, "  %s: too few complete pairs (%d)\n", so->name, r2->n_used);
			else
				mg_buf_printf(&sec, "  %s: %+.*f %s (95 %% interval %+.*f to %+.*f), %d pairs\n", so->name, d2,
					      r2->mean, so->unit, d2, r2->ci_lo, d2, r2->ci_hi, r2->n_used);
		}
		mg_buf_putc(&secj, ']');
		free(v2);
		free(t2);
		free(r2);
		if (bad) {
			if (bad == 1)
				status = cli_error(EXIT_FAIL, "out of memory");
			goto out;
		}
	}
	struct mg_buf ev = MG_BUF_INIT, pv = MG_BUF_INIT;
	put_events(&ev, pz, "  ");
	put_pause_verdict(&pv, pz, excluded, today);
	char s[11], e[11];
	mg_date_format(t.start - t.baseline, s);
	mg_date_format(trial_end(&t), e);
	int dec = oc->decimals;
	if (!strcmp(fmt, "json")) {
		mg_buf_printf(&out, "{\"start\":\"%s\",\"end\":\"%s\",\"as_of\":\"%s\",\"outcome\":\"%s\",\"pairs\":%d,"
				    "\"period_days\":%d,\"washout\":%d,\"min_nights\":%d,\"seed\":\"%s\",\"interim\":%s,"
				    "\"too_few_pairs\":%s,\"pairs_used\":%d,\"per_pair\":[",
			      s, e, date, oc->id, t.pairs, t.period_days, t.washout, o.min_nights, t.seed,
			      interim ? "true" : "false", too_few ? "true" : "false", r->n_used);
		for (int i = 0; i < t.pairs; i++) {
			mg_buf_printf(&out, "%s{\"pair\":%d,\"mg_first\":%s,\"nights_mg\":%d,\"nights_off\":%d,\"mean_mg\":",
				      i ? "," : "", i + 1, t.order[2 * i] ? "true" : "false", r->kept_on[i], r->kept_off[i]);
			put_num(&out, r->mean_on[i], 3);
			mg_buf_puts(&out, ",\"mean_off\":");
			put_num(&out, r->mean_off[i], 3);
			mg_buf_puts(&out, ",\"difference\":");
			put_num(&out, r->diff[i], 3);
			mg_buf_putc(&out, '}');
		}
		mg_buf_puts(&out, "],\"mean_difference\":");
		put_num(&out, too_few ? NAN : r->mean, 3);
		mg_buf_puts(&out, ",\"ci_low\":");
		put_num(&out, too_few ? NAN : r->ci_lo, 3);
		mg_buf_puts(&out, ",\"ci_high\":");
		put_num(&out, too_few ? NAN : r->ci_hi, 3);
		mg_buf_puts(&out, ",\"p_value\":");
		put_num(&out, too_few ? NAN : r->p_value, 4);
		mg_buf_puts(&out, ",\"p_min\":");
		put_num(&out, too_few ? NAN : r->p_min, 4);
		mg_buf_puts(&out, ",\"mid\":");
		put_num(&out, oc->mid, 2);
		mg_buf_puts(&out, ",\"posterior\":{");
		put_post(&out, "evidence", &res[0]->post, !too_few && has_prior[0]);
		mg_buf_putc(&out, ',');
		put_post(&out, "sceptical", &res[1]->post, !too_few);
		mg_buf_putc(&out, ',');
		put_post(&out, "flat", &res[2]->post, !too_few);
		mg_buf_printf(&out, "},\"adherence\":{\"mg_nights_planned\":%d,\"mg_nights_logged\":%d,"
				    "\"mg_nights_taken\":%d,\"off_nights_logged\":%d,\"off_nights_taken\":%d},",
			      on_planned, on_logged, on_taken, off_logged, off_taken);
		mg_buf_printf(&out, "\"paused_nights\":%d,\"pauses\":[", excluded);
		for (int k = 0; k < pz->n; k++) {
			char d0[11], d1[11];
			mg_date_format(pz->from[k], d0);
			if (pz->to[k] != INT32_MAX)
				mg_date_format(pz->to[k], d1);
			mg_buf_printf(&out, "%s{\"from\":\"%s\",\"resumed\":", k ? "," : "", d0);
			if (pz->to[k] != INT32_MAX)
				mg_buf_printf(&out, "\"%s\"", d1);
			else
				mg_buf_puts(&out, "null");
			mg_buf_puts(&out, ",\"because\":");
			mg_buf_put_json_str(&out, pz->why[k]);
			mg_buf_putc(&out, '}');
		}
		mg_buf_printf(&out, "],\"baseline_days\":%d,\"baseline\":", t.baseline);
		if (t.baseline > 0) {
			mg_buf_printf(&out, "{\"values\":%d,\"mean\":", base_n);
			put_num(&out, base_mean, 3);
			mg_buf_puts(&out, ",\"sd\":");
			put_num(&out, base_sd, 3);
			mg_buf_putc(&out, '}');
		} else {
			mg_buf_puts(&out, "null");
		}
		mg_buf_puts(&out, ",\"secondary\":");
		mg_buf_add(&out, secj.data, secj.len);
		mg_buf_puts(&out, "}\n");
	} else {
		mg_buf_printf(&out, "%sN-of-1 trial %s to %s: %d pairs of %d-day periods; outcome: %s (%s)\n",
			      interim ? "INTERIM analysis. " : "", s, e, t.pairs, t.period_days, oc->name, oc->unit);
		if (interim)
			mg_buf_printf(&out, "The trial has not ended (analysis as of %s); results can still change.\n", date);
		if (per_period(oc))
			mg_buf_printf(&out, "Pairs used: %d of %d (a pair counts with an ISI at the end of both periods).\n",
				      r->n_used, t.pairs);
		else
			mg_buf_printf(&out, "Pairs used: %d of %d (a pair counts with at least %d nights logged after the "
					    "%d-night washout in both periods).\n",
				      r->n_used, t.pairs, o.min_nights, t.washout);
		if (t.baseline > 0 && !base_n)
			mg_buf_printf(&out, "Baseline (%d nights, no magnesium): nothing logged.\n", t.baseline);
		else if (t.baseline > 0 && per_period(oc))
			mg_buf_printf(&out, "Baseline (%d nights, no magnesium): ISI %.0f at its end (context, not part of "
					    "the comparison).\n",
				      t.baseline, base_mean);
		else if (t.baseline > 0) {
			char sd[32] = "not estimable";
			if (base_n >= 2)
				snprintf(sd, sizeof sd, "%.*f", dec + 1, base_sd);
			mg_buf_printf(&out, "Baseline (%d nights, no magnesium, %d logged): mean %.*f %s, SD %s (context, not "
					    "part of the comparison).\n",
				      t.baseline, base_n, dec + 1, base_mean, oc->unit, sd);
		}
		mg_buf_printf(&out, "Adherence: magnesium logged on %d of %d magnesium nights logged (%d planned so far); "
				    "on %d of %d nights without.\n",
			      on_taken, on_logged, on_planned, off_taken, off_logged);
		if (ev.len) {
			mg_buf_puts(&out, "Adverse events and pauses (stop rules: stop magnesium and talk to a clinician):\n");
			mg_buf_add(&out, ev.data, ev.len);
		}
		if (too_few) {
			mg_buf_printf(&out, "Too few complete pairs to estimate an effect: %d usable, at least 2 are needed. "
					    "No numbers are given until then.\n",
				      r->n_used);
			if (pv.len)
				mg_buf_add(&out, pv.data, pv.len);
		} else {
			mg_buf_printf(&out, "Mean difference, magnesium minus none: %+.*f %s (95 %% interval %+.*f to %+.*f)\n",
				      dec + 1, r->mean, oc->unit, dec + 1, r->ci_lo, dec + 1, r->ci_hi);
			mg_buf_printf(&out, "Randomisation test: p = %.3g (the smallest p %d pairs can give is %.3g)\n",
				      r->p_value, r->n_used, r->p_min);
			mg_buf_printf(&out, "Probability of a benefit beyond %.*f %s (the minimal important difference):\n",
				      dec, oc->mid, oc->unit);
			const char *names[3] = {"evidence-based prior", "sceptical prior", "flat prior"};
			for (int k = 0; k < 3; k++) {
				if (!has_prior[k])
					mg_buf_printf(&out, "  %-22s none (no trial data for this outcome)\n", names[k]);
				else
					mg_buf_printf(&out, "  %-22s %.0f %%\n", names[k], 100 * res[k]->post.p_mid);
			}
			mg_buf_putc(&out, '\n');
			put_verdict(&out, oc, r, has_prior[0] ? res[0] : res[2], has_prior[0], interim);
			if (r->flags & MG_NOF1_NO_SPREAD)
				mg_buf_puts(&out, "Every pair gave the same difference, so the interval has no width; with "
						  "so few pairs that is not certainty.\n");
			if (r->flags & MG_NOF1_P_FLOOR)
				mg_buf_printf(&out, "With %d pairs no result can reach p < 0.05; more pairs are needed for a "
						    "firm answer.\n",
					      r->n_used);
			if (pv.len)
				mg_buf_add(&out, pv.data, pv.len);
		}
		mg_buf_puts(&out, "\nSecondary outcomes (not the question the trial was planned to answer; read with "
				  "caution):\nmean difference, magnesium minus none, with its 95 % interval; no verdict is "
				  "drawn from these.\n");
		mg_buf_add(&out, sec.data, sec.len);
		mg_buf_puts(&out, "This is information, not medical advice.\n");
	}
	mg_buf_release(&ev);
	mg_buf_release(&pv);
	status = out.failed || sec.failed || secj.failed ? cli_error(EXIT_FAIL, "out of memory")
							 : cli_write(out.data, out.len);
out:
	free(pz);
	mg_buf_release(&sec);
	mg_buf_release(&secj);
	for (int k = 0; k < 3; k++)
		free(res[k]);
	free(vals);
	free(took);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

int cmd_trial(int argc, char **argv, struct mg_cli *cli)
{
	int kb_status = EXIT_OK;
	if (!(trial_kb = cli_kb(cli, &kb_status)))
		return kb_status;
	if (argc < 2)
		return cli_error(EXIT_USAGE, "trial: missing subcommand; accepted: plan, today, analyze, event, resume");
	if (!strcmp(argv[1], "plan"))
		return trial_plan(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "today"))
		return trial_today(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "analyze") || !strcmp(argv[1], "analyse"))
		return trial_analyze(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "event"))
		return trial_event(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "resume"))
		return trial_resume(argc - 1, argv + 1, cli);
	return cli_error(EXIT_USAGE, "trial: unknown subcommand '%s'; accepted: plan, today, analyze, event, resume",
			 argv[1]);
}
