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
#include <mgsleep/trial.h>

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

#define MAX_PERIOD_DAYS MG_TRIAL_MAX_PERIOD_DAYS

/* The trial's outcomes (MIDs, priors, published effects, assumed
 * variability) are knowledge-base data (kb/trial.json). The KB in use is
 * set once when a trial command or the report starts. */
static const struct mg_kb *trial_kb;

#define MAX_BASELINE_DAYS MG_TRIAL_MAX_BASELINE

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
	struct mg_trial_plan p;
	long long id;
	char status[12];  /* planned, finished, replaced (as stored) */
	const struct mg_trial_outcome *oc;
	char seed[24];
	double elemental_mg, compound_mg;
	char form[64];
	struct mg_trial_spec spec;
	int prespecified; /* 0: planned before the analysis was stored; the KB's rule is used */
};

/* Trial id (0: the latest) from the store. */
static int load_trial_id(struct mg_db *db, long long id, struct trial *t, int *status)
{
	struct mg_error err = {0};
	char *js = NULL;
	memset(t, 0, sizeof *t);
	if (mg_db_trial_get(db, id, &js, &err)) {
		*status = cli_fail(&err);
		return -1;
	}
	if (!js) {
		*status = id ? cli_error(EXIT_USAGE, "--trial: no trial %lld; see 'mgsleep trial list'", id)
			     : cli_error(EXIT_USAGE, "trial: no trial planned; run 'mgsleep trial plan' first");
		return -1;
	}
	json_t *o = json_loads(js, 0, NULL);
	free(js);
	const char *start = json_string_value(json_object_get(o, "start"));
	const char *oc = json_string_value(json_object_get(o, "outcome"));
	const char *seed = json_string_value(json_object_get(o, "seed"));
	const char *form = json_string_value(json_object_get(o, "form"));
	const char *st = json_string_value(json_object_get(o, "status"));
	json_t *ord = json_object_get(o, "order"), *an = json_object_get(o, "analysis");
	int ok = o && start && oc && seed && form && st && json_is_array(ord) && !mg_date_parse(start, &t->p.start) &&
		 (t->oc = find_outcome(oc));
	if (ok) {
		t->id = json_integer_value(json_object_get(o, "id"));
		t->p.pairs = (int)json_integer_value(json_object_get(o, "pairs"));
		t->p.period_days = (int)json_integer_value(json_object_get(o, "period_days"));
		t->p.washout = (int)json_integer_value(json_object_get(o, "washout"));
		t->p.baseline = (int)json_integer_value(json_object_get(o, "baseline_days"));
		t->elemental_mg = json_number_value(json_object_get(o, "elemental_mg"));
		t->compound_mg = json_number_value(json_object_get(o, "compound_mg"));
		snprintf(t->seed, sizeof t->seed, "%s", seed);
		snprintf(t->form, sizeof t->form, "%s", form);
		snprintf(t->status, sizeof t->status, "%s", st);
		ok = t->p.pairs >= 1 && t->p.pairs <= MG_NOF1_MAX_PAIRS && json_array_size(ord) == (size_t)(2 * t->p.pairs);
		for (int k = 0; ok && k < 2 * t->p.pairs; k++) {
			const char *v = json_string_value(json_array_get(ord, (size_t)k));
			ok = v && (!strcmp(v, "mg") || !strcmp(v, "off"));
			if (ok)
				t->p.order[k] = !strcmp(v, "mg");
		}
		ok = ok && !mg_trial_plan_check(&t->p, NULL);
		/* The analysis stored with the plan; a plan made before it was
		 * stored gets the rule of the KB in use, and says so. */
		mg_trial_spec_from_kb(mg_kb_trial_design(trial_kb), t->oc, &t->spec);
		if (ok && json_is_object(an)) {
			t->prespecified = 1;
			t->spec.alpha = json_number_value(json_object_get(an, "alpha"));
			t->spec.min_pairs = (int)json_integer_value(json_object_get(an, "min_pairs"));
			t->spec.mid = json_number_value(json_object_get(an, "mid"));
			t->spec.mid_verified = json_integer_value(json_object_get(an, "mid_verified")) == 1;
			ok = !mg_trial_spec_check(&t->spec, NULL);
		}
	}
	json_decref(o);
	if (!ok) {
		*status = cli_error(EXIT_FAIL, "trial: the stored trial is damaged");
		return -1;
	}
	return 0;
}

static int load_trial(struct mg_db *db, struct trial *t, int *status)
{
	return load_trial_id(db, 0, t, status);
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
static int load_pauses(struct mg_db *db, const struct mg_kb *kb, long long trial_id, struct pauses *pz, int *status)
{
	struct mg_error err = {0};
	struct mg_buf b = MG_BUF_INIT;
	memset(pz, 0, sizeof *pz);
	json_t *arr = store_json(mg_db_trial_events_json_for(db, trial_id, &b, &err), &b, &err, status);
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
	for (int k = 0; k < 2 * t->p.pairs * t->p.period_days; k++)
		if (paused_at(pz, t->p.start + k) >= 0) {
			vals[k] = NAN;
			took[k] = MG_TRIAL_EXCLUDED;
			n += t->p.start + k < today;
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
 * evening from + k (its diary row is dated the next morning), took[k] one of
 * MG_TRIAL_TOOK_MG, _TOOK_NONE, _MISSING or _UNANSWERED (logged without a
 * magnesium answer: never counted as none). */
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
		took[k] = MG_TRIAL_MISSING;
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
		json_t *said = json_object_get(json_object_get(row, "entry"), "magnesium");
		took[d - 1 - from] = json_is_number(mg) && json_number_value(mg) > 0 ? MG_TRIAL_TOOK_MG
				     : json_is_null(said)				   ? MG_TRIAL_TOOK_NONE
											   : MG_TRIAL_UNANSWERED;
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
	if (t->p.baseline > 0) {
		char d0[9], d1[9];
		ics_date(t->p.start - t->p.baseline, d0);
		ics_date(t->p.start, d1);
		mg_buf_printf(&b, "BEGIN:VEVENT\r\nUID:mgsleep-trial-%s-baseline@mgsleep\r\nDTSTAMP:%s\r\n"
				  "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\nSUMMARY:No magnesium (baseline)\r\n"
				  "DESCRIPTION:mgsleep trial baseline: no magnesium\\, keep logging\r\n"
				  "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n",
			      t->seed, stamp, d0, d1);
	}
	for (int k = 0; k < 2 * t->p.pairs; k++) {
		char d0[9], d1[9];
		ics_date(t->p.start + k * t->p.period_days, d0);
		ics_date(t->p.start + (k + 1) * t->p.period_days, d1); /* DTEND is exclusive */
		mg_buf_printf(&b, "BEGIN:VEVENT\r\nUID:mgsleep-trial-%s-%d@mgsleep\r\nDTSTAMP:%s\r\n", t->seed, k + 1,
			      stamp);
		mg_buf_printf(&b, "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", d0, d1);
		if (t->p.order[k])
			mg_buf_printf(&b, "SUMMARY:Magnesium %.0f mg (%s)\r\n", t->elemental_mg, t->form);
		else
			mg_buf_puts(&b, "SUMMARY:No magnesium\r\n");
		mg_buf_printf(&b, "DESCRIPTION:mgsleep trial period %d of %d (pair %d)\r\nTRANSP:TRANSPARENT\r\n"
				  "END:VEVENT\r\n",
			      k + 1, 2 * t->p.pairs, k / 2 + 1);
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

/* What the store says the trial is, with running and finished read from
 * the dates for the current one ('planned' in the store). */
static const char *trial_state(const struct trial *t, int32_t today)
{
	if (strcmp(t->status, "planned"))
		return t->status;
	if (today < t->p.start - t->p.baseline)
		return "planned";
	return today <= mg_trial_last_evening(&t->p) + 1 ? "running" : "finished";
}

/* "S33" or "S01, S02": the KB ids of refs. */
static void put_refs(struct mg_buf *b, const struct mg_refs *refs)
{
	for (size_t k = 0; k < refs->n; k++)
		mg_buf_printf(b, "%s%s", k ? ", " : "", mg_kb_source(trial_kb, refs->idx[k])->id);
}

/* The MID's source for the verdict when the KB marks it verified; NULL
 * otherwise (the product's choice). */
static const char *mid_source(const struct trial *t, char *buf, size_t n)
{
	if (!t->spec.mid_verified || !t->oc->mid_refs.n)
		return NULL;
	struct mg_buf b = MG_BUF_INIT;
	put_refs(&b, &t->oc->mid_refs);
	snprintf(buf, n, "%s", b.failed || !b.data ? "" : b.data);
	mg_buf_release(&b);
	return buf[0] ? buf : NULL;
}

static void put_num(struct mg_buf *b, double x, int dec);

/* The plan as data (trial plan --format json, docs/statistics.md 12.1). */
static void plan_json(struct mg_buf *b, const struct trial *t, const struct mg_trial_power_plan *pp,
		      const struct mg_power_result *fixed, const struct mg_power_result *avg, const struct mg_trial_diary *dd,
		      const struct trial *old, const char *old_state)
{
	char d0[11], d1[11];
	struct mg_trial_period per[MG_TRIAL_MAX_PERIODS];
	mg_trial_calendar(&t->p, per);
	mg_date_format(t->p.start, d0);
	mg_date_format(mg_trial_last_evening(&t->p), d1);
	mg_buf_printf(b, "{\"seed\":\"%s\",\"start\":\"%s\",\"end\":\"%s\",\"pairs\":%d,\"period_days\":%d,\"washout\":%d,"
			 "\"baseline_days\":%d,",
		      t->seed, d0, d1, t->p.pairs, t->p.period_days, t->p.washout, t->p.baseline);
	if (t->p.baseline) {
		mg_date_format(t->p.start - t->p.baseline, d0);
		mg_date_format(t->p.start - 1, d1);
		mg_buf_printf(b, "\"baseline\":{\"start\":\"%s\",\"end\":\"%s\"},", d0, d1);
	} else {
		mg_buf_puts(b, "\"baseline\":null,");
	}
	mg_buf_printf(b, "\"outcome\":\"%s\",\"unit\":", t->oc->id);
	mg_buf_put_json_str(b, t->oc->unit);
	mg_buf_puts(b, ",\"dose\":{\"elemental_mg\":");
	put_num(b, t->elemental_mg, 1);
	mg_buf_puts(b, ",\"compound_mg\":");
	put_num(b, t->compound_mg, 1);
	mg_buf_puts(b, ",\"form\":");
	mg_buf_put_json_str(b, t->form);
	mg_buf_puts(b, "},\"analysis\":{\"test\":\"randomisation-exact\",\"sides\":2,\"alpha\":");
	put_num(b, t->spec.alpha, 4);
	mg_buf_printf(b, ",\"estimate\":\"mean-difference-t95\",\"min_pairs\":%d,\"mid\":", t->spec.min_pairs);
	put_num(b, t->spec.mid, 3);
	mg_buf_printf(b, ",\"mid_source\":\"%s\",\"interim\":\"no-claim\"},\"periods\":[",
		      t->spec.mid_verified ? "published" : "product-choice");
	for (int k = 0; k < 2 * t->p.pairs; k++) {
		char ps[11], pe[11], pa[11];
		mg_date_format(per[k].start, ps);
		mg_date_format(per[k].end, pe);
		mg_date_format(per[k].analysed_from, pa);
		mg_buf_printf(b, "%s{\"period\":%d,\"pair\":%d,\"start\":\"%s\",\"end\":\"%s\",\"arm\":\"%s\","
				 "\"analysed_from\":\"%s\"}",
			      k ? "," : "", k + 1, per[k].pair, ps, pe, per[k].magnesium ? "magnesium" : "none", pa);
	}
	const struct mg_power_spec *f = &pp->fixed;
	mg_buf_puts(b, "],\"power\":{\"conclusion_counted\":\"benefit\",\"effect\":");
	put_num(b, f->effect, 3);
	mg_buf_printf(b, ",\"effect_source\":\"%s\",\"chance\":", t->oc->has_evidence ? "prior-mean" : "mid");
	put_num(b, fixed->power, 4);
	mg_buf_puts(b, ",\"mc_se\":");
	put_num(b, fixed->mc_se, 4);
	mg_buf_puts(b, ",\"prior\":");
	if (pp->has_prior) {
		mg_buf_puts(b, "{\"mean\":");
		put_num(b, t->oc->ev_mean, 3);
		mg_buf_puts(b, ",\"sd\":");
		put_num(b, t->oc->ev_sd, 3);
		mg_buf_puts(b, "},\"chance_over_prior\":");
		put_num(b, avg->power, 4);
	} else {
		mg_buf_puts(b, "null,\"chance_over_prior\":null");
	}
	mg_buf_puts(b, ",\"sd_night\":");
	put_num(b, f->sd_night, 3);
	mg_buf_puts(b, ",\"rho\":");
	put_num(b, f->rho, 3);
	mg_buf_puts(b, ",\"missing\":");
	put_num(b, f->missing, 3);
	mg_buf_printf(b, ",\"diary_nights\":%d,\"diary_used\":%s,\"sd_floored\":%s,\"rho_floored\":%s,\"simulations\":%d,"
			 "\"p_min\":",
		      dd->n, pp->diary_used ? "true" : "false", pp->sd_floored ? "true" : "false",
		      pp->rho_floored ? "true" : "false", fixed->n_sim);
	mg_buf_printf(b, "%.6g}", fixed->p_min);
	if (old) {
		mg_buf_printf(b, ",\"retired\":{\"id\":%lld,\"status\":\"%s\"}", old->id, old_state);
	} else {
		mg_buf_puts(b, ",\"retired\":null");
	}
	mg_buf_puts(b, "}\n");
}

static int trial_plan(int argc, char **argv, struct mg_cli *cli)
{
	struct trial t = {0};
	const char *v, *ics = NULL, *fmt = "text";
	char start[11], today_s[11];
	long x;
	int status = EXIT_OK, have_seed = 0, replace = 0;
	uint64_t seed = 0;
	struct mg_error err = {0};
	const struct mg_trial_design *dg = mg_kb_trial_design(trial_kb);
	cli_today(start);
	cli_today(today_s);
	t.p.pairs = dg->pairs;
	t.p.period_days = dg->period_days;
	t.p.washout = dg->washout;
	if (!(t.oc = find_outcome("sol")))
		return cli_error(EXIT_FAIL, "trial: the knowledge base has no outcome 'sol'");
	for (int i = 1; i < argc; i++) {
		int r;
		if (!strcmp(argv[i], "--replace")) {
			replace = 1;
			continue;
		}
		if ((r = cli_opt(argc, argv, &i, "start", &v, &status)) > 0) {
			int32_t d;
			if (mg_date_parse(v, &d))
				return cli_error(EXIT_USAGE, "--start: accepted: a real date YYYY-MM-DD");
			snprintf(start, sizeof start, "%s", v);
		} else if (!r && (r = cli_opt(argc, argv, &i, "pairs", &v, &status)) > 0) {
			if (parse_int(v, 1, MG_NOF1_MAX_PAIRS, &x))
				return cli_error(EXIT_USAGE, "--pairs: accepted: 1 to %d", MG_NOF1_MAX_PAIRS);
			t.p.pairs = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "period-days", &v, &status)) > 0) {
			if (parse_int(v, 2, MAX_PERIOD_DAYS, &x))
				return cli_error(EXIT_USAGE, "--period-days: accepted: 2 to %d", MAX_PERIOD_DAYS);
			t.p.period_days = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "washout", &v, &status)) > 0) {
			if (parse_int(v, 0, MAX_PERIOD_DAYS, &x))
				return cli_error(EXIT_USAGE, "--washout: accepted: 0 to %d nights", MAX_PERIOD_DAYS);
			t.p.washout = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "baseline-days", &v, &status)) > 0) {
			if (parse_int(v, 0, MAX_BASELINE_DAYS, &x))
				return cli_error(EXIT_USAGE, "--baseline-days: accepted: 0 to %d nights", MAX_BASELINE_DAYS);
			t.p.baseline = (int)x;
		} else if (!r && (r = cli_opt(argc, argv, &i, "outcome", &v, &status)) > 0) {
			if (!(t.oc = find_outcome(v)))
				return cli_error(EXIT_USAGE,
						 "--outcome: accepted: sol, tst, se, waso, awakenings, quality, isi");
		} else if (!r && (r = cli_opt(argc, argv, &i, "seed", &v, &status)) > 0) {
			char *end;
			errno = 0;
			unsigned long long sd = strtoull(v, &end, 10);
			if (!*v || *end || errno || strspn(v, "0123456789") != strlen(v))
				return cli_error(EXIT_USAGE, "--seed: accepted: a whole number 0 to 18446744073709551615");
			seed = (uint64_t)sd;
			have_seed = 1;
		} else if (!r && (r = cli_opt(argc, argv, &i, "ics", &v, &status)) > 0) {
			ics = v;
		} else if (!r && (r = cli_opt(argc, argv, &i, "format", &v, &status)) > 0) {
			if (strcmp(v, "text") && strcmp(v, "json"))
				return cli_error(EXIT_USAGE, "--format: accepted: text, json");
			fmt = v;
		}
		if (r < 0)
			return status;
		if (r == 0)
			return cli_error(EXIT_USAGE, "trial plan: unknown option '%s'; accepted: --start, --pairs, "
						     "--period-days, --washout, --baseline-days, --outcome, --seed, --ics, "
						     "--format, --replace",
					 argv[i]);
	}
	if (t.p.washout >= t.p.period_days - 1)
		return cli_error(EXIT_USAGE, "--washout: must leave at least 2 nights of each period (less than "
					     "--period-days minus 1)");
	/* --start is the first evening of the whole trial: the baseline, if
	 * any, comes first and period 1 starts after it. */
	if (mg_date_parse(start, &t.p.start) ||
	    (t.p.start += t.p.baseline, mg_trial_last_evening(&t.p) > MG_DATE_MAX - 2))
		return cli_error(EXIT_USAGE, "--start: the trial would end after 9999-12-31");
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
	struct mg_advice *a = malloc(sizeof *a);
	struct mg_profile *p = malloc(sizeof *p);
	struct trial *old = malloc(sizeof *old);
	struct mg_buf out = MG_BUF_INIT, order = MG_BUF_INIT;
	double *vals = NULL;
	signed char *took = NULL;
	int fd = -1, have_old = 0;
	const char *old_state = NULL, *retire_as = NULL;
	int32_t today;
	mg_date_parse(today_s, &today);
	if (!a || !p || !old) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	/* Nothing lost: a trial in the store is never replaced silently. */
	{
		char *js = NULL;
		if (mg_db_trial_latest(db, &js, &err)) {
			status = cli_fail(&err);
			goto out;
		}
		have_old = js != NULL;
		free(js);
	}
	if (have_old && load_trial(db, old, &status))
		goto out;
	if (have_old && strcmp(old->status, "planned"))
		have_old = 0; /* already retired: nothing current */
	if (have_old) {
		old_state = trial_state(old, today);
		char s0[11], s1[11];
		mg_date_format(old->p.start - old->p.baseline, s0);
		mg_date_format(mg_trial_last_evening(&old->p), s1);
		if (!replace) {
			status = cli_error(EXIT_USAGE, "trial plan: refused: trial %lld (%s to %s, %s) is in the store; nothing "
						       "was changed. To plan a new one add --replace: the old trial is kept "
						       "and stays in 'mgsleep trial list'",
					   old->id, s0, s1, old_state);
			goto out;
		}
		retire_as = !strcmp(old_state, "finished") ? "finished" : "replaced";
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
	mg_trial_randomise(&t.p, seed);
	mg_buf_putc(&order, '[');
	for (int k = 0; k < 2 * t.p.pairs; k++)
		mg_buf_printf(&order, "%s\"%s\"", k ? "," : "", t.p.order[k] ? "mg" : "off");
	mg_buf_putc(&order, ']');

	/* Power: every number from the KB; the diary only where it shows more
	 * variability or more missing nights (mg_trial_power_inputs). */
	struct mg_trial_diary dd = {0, NAN, NAN, NAN};
	if (!per_period(t.oc)) {
		/* the last 365 evenings up to the day before the start */
		int32_t to = t.p.start - 2, from = to - 364;
		if (!(vals = malloc(365 * sizeof *vals)) || !(took = malloc(365))) {
			status = cli_error(EXIT_FAIL, "out of memory");
			goto out;
		}
		if (read_nights(db, from, to, t.oc, vals, took, &status))
			goto out;
		mg_trial_diary_stats(vals, 365, &dd);
	}
	struct mg_trial_power_plan pp;
	struct mg_power_result pr, pa = {0};
	mg_trial_power_inputs(&t.p, t.oc, dg, &t.spec, per_period(t.oc), &dd, seed, &pp);
	if (mg_nof1_power(&pp.fixed, &pr, &err) || (pp.has_prior && mg_nof1_power(&pp.averaged, &pa, &err))) {
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
	struct mg_db_trial row = {p1,
				  t.p.pairs,
				  t.p.period_days,
				  t.p.washout,
				  t.oc->id,
				  t.seed,
				  order.data,
				  t.elemental_mg,
				  t.compound_mg,
				  t.form,
				  t.p.baseline,
				  t.spec.alpha,
				  t.spec.min_pairs,
				  t.spec.mid,
				  t.spec.mid_verified};
	if (order.failed || mg_db_begin(db, &err) || (retire_as && mg_db_trial_retire(db, old->id, retire_as, &err)) ||
	    mg_db_trial_add(db, &row, now, &err) || mg_db_commit(db, &err)) {
		status = order.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_fail(&err);
		goto out;
	}
	if (load_trial(db, &t, &status)) /* the id the store gave it */
		goto out;
	if (fd >= 0) {
		int r = write_ics(fd, &t, now, &status);
		if (close(fd) && !r)
			status = cli_error(EXIT_FAIL, "--ics: cannot write '%s': %s", ics, strerror(errno));
		fd = -1;
		if (status)
			goto out;
	}
	if (!strcmp(fmt, "json")) {
		plan_json(&out, &t, &pp, &pr, &pa, &dd, retire_as ? old : NULL, retire_as);
		status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
		goto out;
	}

	char e[11];
	mg_date_format(mg_trial_last_evening(&t.p), e);
	if (retire_as)
		mg_buf_printf(&out, "Trial %lld is kept in the store as %s ('mgsleep trial list', 'mgsleep trial analyze "
				    "--trial %lld').\n",
			      old->id, retire_as, old->id);
	mg_buf_printf(&out, "N-of-1 trial %lld planned: %d pairs of %d-day periods, %s to %s (%d nights)\n", t.id,
		      t.p.pairs, t.p.period_days, start, e, t.p.baseline + 2 * t.p.pairs * t.p.period_days);
	mg_buf_printf(&out, "Primary outcome: %s (%s). Seed %s (the same seed gives the same order).\n", t.oc->name,
		      t.oc->unit, t.seed);
	mg_buf_printf(&out, "Magnesium: %.0f mg elemental = %.0f mg %s at bedtime; none on the other periods.\n"
			    "Washout: the first %d night%s of every period %s not analysed.\n",
		      t.elemental_mg, t.compound_mg, a->form->name, t.p.washout, t.p.washout == 1 ? "" : "s",
		      t.p.washout == 1 ? "is" : "are");
	{
		char mid[32];
		snprintf(mid, sizeof mid, "%.*f", t.oc->decimals + (t.spec.mid < 1), t.spec.mid);
		mg_buf_printf(&out, "Fixed now, before any result: the answer will be the exact randomisation test "
				    "(two-sided, %g) on %s, with the mean difference and its 95 %% interval as the "
				    "estimate; 'no meaningful effect' means the interval stays within plus or minus %s %s ",
			      t.spec.alpha, t.oc->name, mid, t.oc->unit);
		if (t.spec.mid_verified && t.oc->mid_refs.n) {
			mg_buf_puts(&out, "(the minimal important difference, ");
			put_refs(&out, &t.oc->mid_refs);
			mg_buf_puts(&out, ")");
		} else {
			mg_buf_puts(&out, "(the product's choice, not a published threshold verified for this tool)");
		}
		mg_buf_printf(&out, ". Nothing is concluded before the last period ends, or with fewer than %d usable "
				    "pairs.\n\n",
			      t.spec.min_pairs);
	}
	if (per_period(t.oc))
		mg_buf_puts(&out, "ISI: fill in 'mgsleep isi' on the morning after the last night of every period (the "
				  "last 3 days of a period or the first 3 of the next count; the closest wins).\n\n");
	mg_buf_puts(&out, "period  pair  evenings                   magnesium\n");
	if (t.p.baseline > 0) {
		char d0[11], d1[11];
		mg_date_format(t.p.start - t.p.baseline, d0);
		mg_date_format(t.p.start - 1, d1);
		mg_buf_printf(&out, "baseline    %s to %s   none (baseline, not randomised; keep logging)\n", d0, d1);
	}
	for (int k = 0; k < 2 * t.p.pairs; k++) {
		char d0[11], d1[11];
		mg_date_format(t.p.start + k * t.p.period_days, d0);
		mg_date_format(t.p.start + (k + 1) * t.p.period_days - 1, d1);
		if (t.p.order[k])
			mg_buf_printf(&out, "%6d  %4d  %s to %s   on: %.0f mg (%s)\n", k + 1, k / 2 + 1, d0, d1,
				      t.elemental_mg, t.form);
		else
			mg_buf_printf(&out, "%6d  %4d  %s to %s   off: none\n", k + 1, k / 2 + 1, d0, d1);
	}
	{
		const struct mg_power_spec *f = &pp.fixed;
		char eff[48];
		mg_trial_format_signed(f->effect, t.oc->decimals + 1, eff, sizeof eff);
		mg_buf_printf(&out, "\nPower: if magnesium changes %s by %s %s for you (", t.oc->name, eff, t.oc->unit);
		if (t.oc->has_evidence) {
			mg_buf_puts(&out, "the average of the knowledge base's prior for one person's effect, ");
			put_refs(&out, &t.oc->prior_refs);
		} else {
			mg_buf_puts(&out, "the smallest difference that matters; no trial has measured it");
		}
		mg_buf_printf(&out, "), this plan would end in 'benefit' in about %.0f %% of trials.\n", 100 * pr.power);
		if (pp.has_prior)
			mg_buf_printf(&out, "People differ: averaged over that prior (mean %+.1f, SD %.1f %s; for some the "
					    "effect is larger, for some none or the other way), the chance is %.0f %%.\n",
				      t.oc->ev_mean, t.oc->ev_sd, t.oc->unit, 100 * pa.power);
		mg_buf_printf(&out, "Assumed: %s varies with an SD of %.1f %s from night to night (correlation %.2f "
				    "between nights) and %.0f %% of nights are missing",
			      per_period(t.oc) ? "the ISI" : "each night", f->sd_night, t.oc->unit, f->rho, 100 * f->missing);
		if (per_period(t.oc))
			mg_buf_puts(&out, " (the knowledge base's assumptions).\n");
		else if (!pp.diary_used)
			mg_buf_printf(&out, " (the knowledge base's assumptions: your diary has %d night%s of this outcome, "
					    "fewer than the %d needed to use it).\n",
				      dd.n, dd.n == 1 ? "" : "s", dg->power_min_nights);
		else
			mg_buf_printf(&out, " (your diary's %d nights: SD %.1f, correlation %.2f, %.0f %% missing; where "
					    "they are lower than the knowledge base's assumptions, those are used).\n",
				      dd.n, dd.sd, isnan(dd.rho) ? 0 : dd.rho, 100 * (isnan(dd.missing) ? 0 : dd.missing));
	}
	if (pr.p_min > t.spec.alpha)
		mg_buf_printf(&out, "This design can never reach p < %g: with %d pair%s the smallest possible p is %.3g. "
				    "Plan at least 6 pairs.\n",
			      t.spec.alpha, t.p.pairs, t.p.pairs == 1 ? "" : "s", pr.p_min);
	else if (pr.power < 0.8)
		mg_buf_puts(&out, "That is less than 80 %: more pairs or longer periods would make a clear answer more "
				  "likely.\n");
	if (t.p.period_days < dg->min_period_days) {
		mg_buf_printf(&out, "Caution: periods of %d nights are shorter than %d nights. %s [", t.p.period_days,
			      dg->min_period_days, dg->why);
		put_refs(&out, &dg->refs);
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
	free(old);
	mg_buf_release(&out);
	mg_buf_release(&order);
	mg_db_close(db);
	return status;
}

/* ---- today ---- */

/* --date, and where the subcommand takes them (non-NULL) --format and
 * --trial. */
static int date_option(int argc, char **argv, const char *sub, char date[11], const char **fmt, long long *trial_id,
		       int *status)
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
		} else if (!r && trial_id && (r = cli_opt(argc, argv, &i, "trial", &v, status)) > 0) {
			long x;
			if (parse_int(v, 1, 1000000000L, &x)) {
				*status = cli_error(EXIT_USAGE, "--trial: accepted: a trial number from 'mgsleep trial list'");
				return -1;
			}
			*trial_id = x;
		}
		if (r < 0)
			return -1;
		if (r == 0) {
			*status = cli_error(EXIT_USAGE, "trial %s: unknown option '%s'; accepted: --date%s%s", sub, argv[i],
					    fmt ? ", --format" : "", trial_id ? ", --trial" : "");
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
	if (date_option(argc, argv, "today", date, NULL, NULL, &status))
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
	if (!kb || load_trial(db, &t, &status) || load_pauses(db, kb, t.id, pz, &status))
		goto out;
	char s[11], e[11];
	mg_date_format(t.p.start - t.p.baseline, s);
	mg_date_format(mg_trial_last_evening(&t.p), e);
	if (d < t.p.start - t.p.baseline) {
		mg_buf_printf(&out, "%s: the trial starts on %s; nothing to take for it tonight.\n", date, s);
	} else if (d < t.p.start) {
		mg_buf_printf(&out, "%s: baseline night %d of %d.\nbaseline: no magnesium, keep logging.\n", date,
			      (int)(d - (t.p.start - t.p.baseline)) + 1, t.p.baseline);
	} else if (d > mg_trial_last_evening(&t.p)) {
		mg_buf_printf(&out, "%s: the trial ended on %s. See 'mgsleep trial analyze'.\n", date, e);
	} else if ((pk = paused_at(pz, d)) >= 0) {
		char ps[11];
		mg_date_format(pz->from[pk], ps);
		mg_buf_printf(&out, "%s: the trial is paused since %s because of %s.\n", date, ps, pz->why[pk]);
		mg_buf_puts(&out, "Tonight: take no magnesium. Talk to a clinician before restarting; if you restart, "
				  "record it with 'mgsleep trial resume'.\n");
	} else {
		int k = (int)((d - t.p.start) / t.p.period_days), night = (int)((d - t.p.start) % t.p.period_days) + 1;
		mg_buf_printf(&out, "%s: period %d of %d (pair %d), night %d of %d.\n", date, k + 1, 2 * t.p.pairs, k / 2 + 1,
			      night, t.p.period_days);
		if (t.p.order[k]) {
			const struct mg_compound *c = kb ? mg_kb_find_compound(kb, t.form) : NULL;
			mg_buf_printf(&out, "Tonight: take %.0f mg elemental magnesium = %.0f mg %s%s at bedtime.\n",
				      t.elemental_mg, t.compound_mg, c ? "" : "magnesium ", c ? c->name : t.form);
		} else {
			mg_buf_puts(&out, "Tonight: take no magnesium.\n");
		}
		if (night <= t.p.washout)
			mg_buf_printf(&out, "This is washout night %d of %d: keep to the plan and log it; it is not "
					    "analysed.\n",
				      night, t.p.washout);
		if (night == t.p.period_days && per_period(t.oc))
			mg_buf_puts(&out, "This is the last evening of the period: fill in the ISI tomorrow morning with "
					  "'mgsleep isi' (it is this period's outcome).\n");
	}
	if (d > t.p.start - t.p.baseline && d <= mg_trial_last_evening(&t.p) + 1) {
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
	if (load_trial(db, &t, &status) || load_pauses(db, kb, t.id, pz, &status))
		goto out;
	char s[11];
	mg_date_format(t.p.start, s);
	if (d < t.p.start) {
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

static int trial_resume(int argc, char **argv, struct mg_cli *cli)
{
	char date[11];
	int status = EXIT_OK;
	struct trial t;
	struct mg_error err = {0};
	cli_today(date);
	if (date_option(argc, argv, "resume", date, NULL, NULL, &status))
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
	if (load_trial(db, &t, &status) || load_pauses(db, kb, t.id, pz, &status))
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
	int n_nights = 2 * t->p.pairs * t->p.period_days;
	if (read_nights(db, t->p.start, mg_trial_last_evening(&t->p), oc, vals, took, status))
		return -1;
	/* Nights during a pause do not count (stop rules). */
	int ex = exclude_paused(pz, t, today, vals, took);
	if (excluded)
		*excluded = ex;
	/* Nights after the analysis date do not count yet. */
	for (int k = 0; k < n_nights; k++)
		if (t->p.start + k >= today) {
			vals[k] = NAN;
			took[k] = MG_TRIAL_EXCLUDED;
		}
	for (int i = 0; i < t->p.pairs; i++) {
		const double *p0 = vals + 2 * i * t->p.period_days, *p1 = p0 + t->p.period_days;
		pairs[i].on = t->p.order[2 * i] ? p0 : p1;
		pairs[i].off = t->p.order[2 * i] ? p1 : p0;
		pairs[i].n_on = pairs[i].n_off = t->p.period_days;
	}
	mg_nof1_opts_default(o);
	o->washout = t->p.washout;
	o->min_nights = t->p.period_days - t->p.washout < 3 ? t->p.period_days - t->p.washout : 3;
	if (per_period(oc)) {
		/* One value per period, on its last evening; the washout is moot. */
		json_t *list = isi_list(db, status);
		if (!list)
			return -1;
		for (int k = 0; k < n_nights; k++)
			vals[k] = NAN;
		for (int k = 0; k < 2 * t->p.pairs; k++) {
			int32_t last = t->p.start + (k + 1) * t->p.period_days - 1;
			if (paused_at(pz, last) < 0)
				vals[(k + 1) * t->p.period_days - 1] = isi_at(list, last, today);
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

/* The published average effect for the outcome, when the KB has one. */
static int published(const struct mg_trial_outcome *oc, double *mean, double *lo, double *hi)
{
	*mean = oc->pub_mean;
	*lo = oc->pub_lo;
	*hi = oc->pub_hi;
	return oc->has_published;
}

/* One trial analysed as of a day: what 'trial analyze', the report and the
 * FHIR export all show. */
struct analysis {
	struct trial t;
	int32_t today;
	int interim, excluded, n_nights, pp_removed;
	double *vals, *pp_vals;
	signed char *took;
	struct pauses pz;
	struct mg_nof1_pair pairs[MG_NOF1_MAX_PAIRS];
	struct mg_nof1_opts o;
	/* evidence-based (when the outcome has a prior), sceptical, flat */
	struct mg_nof1_result res[3];
	int has_prior[3];
	struct mg_nof1_result pp; /* per protocol, flat; n_used 0 when not computed */
	int pp_done;
	struct mg_trial_adherence adh;
	enum mg_trial_conclusion c;
	int enough;
	char conclusion_text[1024];
};

static void analysis_free(struct analysis *an)
{
	if (!an)
		return;
	free(an->vals);
	free(an->pp_vals);
	free(an->took);
	free(an);
}

/* Trial id (0: the latest) analysed with the evenings before today. NULL
 * with *status set on failure. */
static struct analysis *analyse(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today, int *status)
{
	struct mg_error err = {0};
	struct analysis *an = calloc(1, sizeof *an);
	if (!an) {
		*status = cli_error(EXIT_FAIL, "out of memory");
		return NULL;
	}
	struct trial *t = &an->t;
	if (load_trial_id(db, id, t, status) || load_pauses(db, kb, t->id, &an->pz, status))
		goto fail;
	an->today = today;
	an->n_nights = 2 * t->p.pairs * t->p.period_days;
	an->vals = malloc((size_t)an->n_nights * sizeof *an->vals);
	an->pp_vals = malloc((size_t)an->n_nights * sizeof *an->pp_vals);
	an->took = malloc((size_t)an->n_nights);
	if (!an->vals || !an->pp_vals || !an->took) {
		*status = cli_error(EXIT_FAIL, "out of memory");
		goto fail;
	}
	if (trial_pairs(db, t, t->oc, &an->pz, today, an->vals, an->took, an->pairs, &an->o, &an->excluded, status))
		goto fail;
	an->o.mid = t->spec.mid; /* as fixed at planning */
	const struct mg_trial_outcome *oc = t->oc;
	struct mg_prior priors[3] = {{oc->ev_mean, oc->ev_sd}, {0, oc->sceptical_sd}, {0, INFINITY}};
	an->has_prior[0] = oc->has_evidence;
	an->has_prior[1] = an->has_prior[2] = 1;
	for (int k = 0; k < 3; k++) {
		an->o.prior = an->has_prior[k] ? priors[k] : priors[2];
		if (mg_nof1_analyse(an->pairs, t->p.pairs, &an->o, &an->res[k], &err)) {
			*status = cli_fail(&err);
			goto fail;
		}
	}
	an->o.prior = priors[2];
	mg_trial_adherence(&t->p, an->took, mg_kb_trial_design(kb), &an->adh);
	/* Per protocol: the same pairs with the nights not taken as planned
	 * left out. An ISI covers a whole period, so it has no such line. */
	if (!per_period(oc)) {
		struct mg_nof1_pair pp[MG_NOF1_MAX_PAIRS];
		memcpy(an->pp_vals, an->vals, (size_t)an->n_nights * sizeof *an->vals);
		an->pp_removed = mg_trial_per_protocol(&t->p, an->took, an->pp_vals);
		for (int i = 0; i < t->p.pairs; i++) {
			pp[i] = an->pairs[i];
			pp[i].on = an->pp_vals + (an->pairs[i].on - an->vals);
			pp[i].off = an->pp_vals + (an->pairs[i].off - an->vals);
		}
		if (mg_nof1_analyse(pp, t->p.pairs, &an->o, &an->pp, &err)) {
			*status = cli_fail(&err);
			goto fail;
		}
		an->pp_done = 1;
	}
	an->interim = today <= mg_trial_last_evening(&t->p) + 1;
	const struct mg_nof1_result *r = &an->res[2];
	an->enough = mg_trial_enough(r, &t->spec);
	an->c = mg_trial_conclude(r, &t->spec, an->interim);
	char src[64];
	struct mg_buf b = MG_BUF_INIT;
	mg_trial_verdict(&b, an->c, r, &t->spec, oc, mid_source(t, src, sizeof src), mg_trial_last_evening(&t->p));
	if (b.failed) {
		mg_buf_release(&b);
		*status = cli_error(EXIT_FAIL, "out of memory");
		goto fail;
	}
	if (b.len && b.data[b.len - 1] == '\n')
		b.len--;
	snprintf(an->conclusion_text, sizeof an->conclusion_text, "%.*s", (int)b.len, b.data);
	mg_buf_release(&b);
	return an;
fail:
	analysis_free(an);
	return NULL;
}

static int fill_report(const struct mg_kb *kb, const struct analysis *an, struct mg_report_trial *rt, char *order)
{
	const struct trial *t = &an->t;
	const struct mg_nof1_result *r = &an->res[2];
	memcpy(order, t->p.order, (size_t)(2 * t->p.pairs));
	memset(rt, 0, sizeof *rt);
	rt->start = t->p.start;
	rt->end = mg_trial_last_evening(&t->p);
	rt->pairs = t->p.pairs;
	rt->period_days = t->p.period_days;
	rt->order = order;
	rt->outcome_name = t->oc->name;
	rt->unit = t->oc->unit;
	rt->decimals = t->oc->decimals;
	rt->as_of = an->today;
	rt->interim = an->interim;
	rt->too_few = (r->flags & MG_NOF1_TOO_FEW) != 0;
	rt->n_used = r->n_used;
	rt->mean = r->mean;
	rt->ci_lo = r->ci_lo;
	rt->ci_hi = r->ci_hi;
	rt->outcome_id = t->oc->id;
	rt->p_value = r->p_value;
	snprintf(rt->verdict, sizeof rt->verdict, "%s", an->conclusion_text);
	rt->has_published = published(t->oc, &rt->pub_mean, &rt->pub_lo, &rt->pub_hi);
	rt->pub_source = "Mah & Pitre 2021, meta-analysis of trials in older adults";
	struct mg_buf b = MG_BUF_INIT;
	put_events(&b, &an->pz, "");
	snprintf(rt->events, sizeof rt->events, "%.*s", (int)b.len, b.len ? b.data : "");
	mg_buf_reset(&b);
	put_pause_verdict(&b, &an->pz, an->excluded, an->today);
	snprintf(rt->pause_note, sizeof rt->pause_note, "%.*s", (int)b.len, b.len ? b.data : "");
	mg_buf_release(&b);
	/* issue 11 */
	rt->conclusion = mg_trial_conclusion_id(an->c);
	snprintf(rt->conclusion_text, sizeof rt->conclusion_text, "%s", an->conclusion_text);
	rt->mid = t->spec.mid;
	rt->mid_verified = t->spec.mid_verified;
	rt->adherence = an->adh.adherence;
	rt->missing_mg = an->adh.missing_mg;
	rt->missing_none = an->adh.missing_none;
	int pp_ok = an->pp_done && an->pp.n_used >= 2;
	rt->pp_mean = pp_ok ? an->pp.mean : NAN;
	rt->pp_lo = pp_ok ? an->pp.ci_lo : NAN;
	rt->pp_hi = pp_ok ? an->pp.ci_hi : NAN;
	rt->washout = t->p.washout;
	rt->elemental_mg = t->elemental_mg;
	rt->compound_mg = t->compound_mg;
	const struct mg_compound *c = mg_kb_find_compound(kb, t->form);
	rt->form_name = c ? c->name : NULL;
	int np = an->pz.n < (int)(sizeof rt->pauses / sizeof rt->pauses[0]) ? an->pz.n
									     : (int)(sizeof rt->pauses / sizeof rt->pauses[0]);
	rt->n_pauses = np;
	for (int k = 0; k < np; k++) {
		rt->pauses[k].from = an->pz.from[k];
		rt->pauses[k].to = an->pz.to[k];
	}
	return 0;
}

int cli_trial_report_id(struct mg_db *db, const struct mg_kb *kb, long long id, int32_t today,
			struct mg_report_trial *rt, char *order, int *status)
{
	trial_kb = kb;
	struct mg_error err = {0};
	char *js = NULL;
	if (mg_db_trial_get(db, id, &js, &err)) {
		*status = cli_fail(&err);
		return -1;
	}
	if (!js)
		return 1;
	free(js);
	struct analysis *an = analyse(db, kb, id, today, status);
	if (!an)
		return -1;
	fill_report(kb, an, rt, order);
	analysis_free(an);
	return 0;
}

int cli_trial_report(struct mg_db *db, const struct mg_kb *kb, int32_t today, struct mg_report_trial *rt,
		     char *order, int *status)
{
	return cli_trial_report_id(db, kb, 0, today, rt, order, status);
}

static const char *const warn_ids[] = {"low-adherence", "off-nights-with-magnesium", "missing-unbalanced"};

/* The secondary outcomes: every other diary outcome, flat prior, the mean
 * difference and interval only; text lines to sec, a JSON array to secj. */
static int secondary(struct mg_db *db, const struct analysis *an, struct mg_buf *sec, struct mg_buf *secj, int *status)
{
	const struct trial *t = &an->t;
	struct mg_error err = {0};
	double *v2 = malloc((size_t)an->n_nights * sizeof *v2);
	signed char *t2 = malloc((size_t)an->n_nights);
	struct mg_nof1_result *r2 = malloc(sizeof *r2);
	struct mg_nof1_pair p2[MG_NOF1_MAX_PAIRS];
	struct mg_nof1_opts o2;
	int rc = 0, first = 1;
	if (!v2 || !t2 || !r2) {
		*status = cli_error(EXIT_FAIL, "out of memory");
		rc = -1;
	}
	mg_buf_putc(secj, '[');
	size_t n_outcomes;
	const struct mg_trial_outcome *all = mg_kb_trial_outcomes(trial_kb, &n_outcomes);
	for (size_t i = 0; !rc && i < n_outcomes; i++) {
		const struct mg_trial_outcome *so = &all[i];
		if (so == t->oc || per_period(so))
			continue;
		if (trial_pairs(db, t, so, &an->pz, an->today, v2, t2, p2, &o2, NULL, status)) {
			rc = -1;
			break;
		}
		o2.prior.mean = 0;
		o2.prior.sd = INFINITY;
		if (mg_nof1_analyse(p2, t->p.pairs, &o2, r2, &err)) {
			*status = cli_fail(&err);
			rc = -1;
			break;
		}
		int few = (r2->flags & MG_NOF1_TOO_FEW) != 0, d2 = so->decimals + 1;
		mg_buf_printf(secj, "%s{\"outcome\":\"%s\",\"pairs_used\":%d,\"mean_difference\":", first ? "" : ",", so->id,
			      r2->n_used);
		put_num(secj, few ? NAN : r2->mean, 3);
		mg_buf_puts(secj, ",\"ci_low\":");
		put_num(secj, few ? NAN : r2->ci_lo, 3);
		mg_buf_puts(secj, ",\"ci_high\":");
		put_num(secj, few ? NAN : r2->ci_hi, 3);
		mg_buf_putc(secj, '}');
		first = 0;
		if (few) {
			mg_buf_printf(sec, "  %s: too few complete pairs (%d)\n", so->name, r2->n_used);
		} else {
			char m[48], lo[48], hi[48];
			mg_trial_format_signed(r2->mean, d2, m, sizeof m);
			mg_trial_format_signed(r2->ci_lo, d2, lo, sizeof lo);
			mg_trial_format_signed(r2->ci_hi, d2, hi, sizeof hi);
			mg_buf_printf(sec, "  %s: %s %s (95 %% interval %s to %s), %d pairs\n", so->name, m, so->unit, lo, hi,
				      r2->n_used);
		}
	}
	mg_buf_putc(secj, ']');
	free(v2);
	free(t2);
	free(r2);
	return rc;
}

/* The baseline (no magnesium, not randomised): context only. */
static int baseline(struct mg_db *db, const struct analysis *an, int *n, double *mean, double *sd, int *status)
{
	const struct trial *t = &an->t;
	*n = 0;
	*mean = *sd = NAN;
	if (t->p.baseline > 0 && per_period(t->oc)) {
		json_t *list = isi_list(db, status);
		if (!list)
			return -1;
		*mean = isi_at(list, t->p.start - 1, an->today);
		*n = !isnan(*mean);
		json_decref(list);
	} else if (t->p.baseline > 0) {
		double bv[MAX_BASELINE_DAYS];
		signed char bt[MAX_BASELINE_DAYS];
		if (read_nights(db, t->p.start - t->p.baseline, t->p.start - 1, t->oc, bv, bt, status))
			return -1;
		double sum = 0, ss = 0;
		for (int k = 0; k < t->p.baseline; k++)
			if (!isnan(bv[k]) && t->p.start - t->p.baseline + k < an->today) {
				(*n)++;
				sum += bv[k];
			}
		*mean = *n ? sum / *n : NAN;
		for (int k = 0; k < t->p.baseline; k++)
			if (!isnan(bv[k]) && t->p.start - t->p.baseline + k < an->today)
				ss += (bv[k] - *mean) * (bv[k] - *mean);
		*sd = *n >= 2 ? sqrt(ss / (*n - 1)) : NAN;
	}
	return 0;
}

static void analyze_json(struct mg_buf *out, const struct analysis *an, const char *date, int base_n, double base_mean,
			 double base_sd, const struct mg_buf *secj)
{
	const struct trial *t = &an->t;
	const struct mg_trial_outcome *oc = t->oc;
	const struct mg_nof1_result *r = &an->res[2];
	const struct mg_trial_adherence *ad = &an->adh;
	int too_few = (r->flags & MG_NOF1_TOO_FEW) != 0;
	char s[11], e[11];
	mg_date_format(t->p.start - t->p.baseline, s);
	mg_date_format(mg_trial_last_evening(&t->p), e);
	mg_buf_printf(out, "{\"trial_id\":%lld,\"status\":\"%s\",\"start\":\"%s\",\"end\":\"%s\",\"as_of\":\"%s\","
			   "\"outcome\":\"%s\",\"pairs\":%d,\"period_days\":%d,\"washout\":%d,\"min_nights\":%d,"
			   "\"seed\":\"%s\",\"interim\":%s,\"too_few_pairs\":%s,\"pairs_used\":%d,",
		      t->id, trial_state(t, an->today), s, e, date, oc->id, t->p.pairs, t->p.period_days, t->p.washout,
		      an->o.min_nights, t->seed, an->interim ? "true" : "false", too_few ? "true" : "false", r->n_used);
	mg_buf_printf(out, "\"conclusion\":\"%s\",\"conclusion_text\":", mg_trial_conclusion_id(an->c));
	mg_buf_put_json_str(out, an->conclusion_text);
	mg_buf_printf(out, ",\"enough_information\":%s,\"analysis\":{\"prespecified\":%s,\"test\":\"randomisation-exact\","
			   "\"sides\":2,\"alpha\":",
		      an->enough ? "true" : "false", t->prespecified ? "true" : "false");
	put_num(out, t->spec.alpha, 4);
	mg_buf_printf(out, ",\"min_pairs\":%d,\"mid\":", t->spec.min_pairs);
	put_num(out, t->spec.mid, 3);
	mg_buf_printf(out, ",\"mid_source\":\"%s\"},\"per_pair\":[", t->spec.mid_verified ? "published" : "product-choice");
	for (int i = 0; i < t->p.pairs; i++) {
		mg_buf_printf(out, "%s{\"pair\":%d,\"mg_first\":%s,\"nights_mg\":%d,\"nights_off\":%d,\"mean_mg\":",
			      i ? "," : "", i + 1, t->p.order[2 * i] ? "true" : "false", r->kept_on[i], r->kept_off[i]);
		put_num(out, r->mean_on[i], 3);
		mg_buf_puts(out, ",\"mean_off\":");
		put_num(out, r->mean_off[i], 3);
		mg_buf_puts(out, ",\"difference\":");
		put_num(out, r->diff[i], 3);
		mg_buf_putc(out, '}');
	}
	mg_buf_puts(out, "],\"mean_difference\":");
	put_num(out, too_few ? NAN : r->mean, 3);
	mg_buf_puts(out, ",\"ci_low\":");
	put_num(out, too_few ? NAN : r->ci_lo, 3);
	mg_buf_puts(out, ",\"ci_high\":");
	put_num(out, too_few ? NAN : r->ci_hi, 3);
	/* p as computed, never rounded to 0 (the smallest exact p is 2^-19). */
	mg_buf_puts(out, ",\"p_value\":");
	if (too_few || isnan(r->p_value))
		mg_buf_puts(out, "null");
	else
		mg_buf_printf(out, "%.6g", r->p_value);
	mg_buf_puts(out, ",\"p_min\":");
	if (too_few || isnan(r->p_min))
		mg_buf_puts(out, "null");
	else
		mg_buf_printf(out, "%.6g", r->p_min);
	mg_buf_puts(out, ",\"mid\":");
	put_num(out, t->spec.mid, 3);
	mg_buf_puts(out, ",\"per_protocol\":");
	if (an->pp_done && an->pp.n_used >= 2) {
		mg_buf_printf(out, "{\"pairs_used\":%d,\"nights_left_out\":%d,\"mean_difference\":", an->pp.n_used,
			      an->pp_removed);
		put_num(out, an->pp.mean, 3);
		mg_buf_puts(out, ",\"ci_low\":");
		put_num(out, an->pp.ci_lo, 3);
		mg_buf_puts(out, ",\"ci_high\":");
		put_num(out, an->pp.ci_hi, 3);
		mg_buf_putc(out, '}');
	} else {
		mg_buf_puts(out, "null");
	}
	/* No probabilities without enough information: they would claim more
	 * than a collapsed or two-pair likelihood holds. */
	mg_buf_puts(out, ",\"posterior\":{");
	put_post(out, "evidence", &an->res[0].post, an->enough && an->has_prior[0]);
	mg_buf_putc(out, ',');
	put_post(out, "sceptical", &an->res[1].post, an->enough);
	mg_buf_putc(out, ',');
	put_post(out, "flat", &an->res[2].post, an->enough);
	int on_planned = 0, on_logged = 0, on_taken = 0, off_logged = 0, off_taken = 0;
	for (int k = 0; k < an->n_nights; k++) {
		int on = t->p.order[k / t->p.period_days];
		if (on && t->p.start + k < an->today && paused_at(&an->pz, t->p.start + k) < 0)
			on_planned++;
		if (an->took[k] < 0)
			continue;
		*(on ? &on_logged : &off_logged) += 1;
		*(on ? &on_taken : &off_taken) += an->took[k];
	}
	mg_buf_printf(out, "},\"adherence\":{\"mg_nights_planned\":%d,\"mg_nights_logged\":%d,\"mg_nights_taken\":%d,"
			   "\"off_nights_logged\":%d,\"off_nights_taken\":%d,\"share_as_planned\":",
		      on_planned, on_logged, on_taken, off_logged, off_taken);
	put_num(out, ad->adherence, 4);
	mg_buf_printf(out, ",\"analysed_mg_nights\":%d,\"analysed_none_nights\":%d,\"missing_mg\":%d,\"missing_none\":%d,"
			   "\"warnings\":[",
		      ad->mg_nights, ad->none_nights, ad->missing_mg, ad->missing_none);
	for (size_t k = 0, n = 0; k < sizeof warn_ids / sizeof warn_ids[0]; k++)
		if (ad->warn & (1u << k))
			mg_buf_printf(out, "%s\"%s\"", n++ ? "," : "", warn_ids[k]);
	mg_buf_printf(out, "]},\"paused_nights\":%d,\"pauses\":[", an->excluded);
	for (int k = 0; k < an->pz.n; k++) {
		char d0[11], d1[11];
		mg_date_format(an->pz.from[k], d0);
		mg_buf_printf(out, "%s{\"from\":\"%s\",\"resumed\":", k ? "," : "", d0);
		if (an->pz.to[k] != INT32_MAX) {
			mg_date_format(an->pz.to[k], d1);
			mg_buf_printf(out, "\"%s\"", d1);
		} else {
			mg_buf_puts(out, "null");
		}
		mg_buf_puts(out, ",\"because\":");
		mg_buf_put_json_str(out, an->pz.why[k]);
		mg_buf_putc(out, '}');
	}
	mg_buf_printf(out, "],\"baseline_days\":%d,\"baseline\":", t->p.baseline);
	if (t->p.baseline > 0) {
		mg_buf_printf(out, "{\"values\":%d,\"mean\":", base_n);
		put_num(out, base_mean, 3);
		mg_buf_puts(out, ",\"sd\":");
		put_num(out, base_sd, 3);
		mg_buf_putc(out, '}');
	} else {
		mg_buf_puts(out, "null");
	}
	mg_buf_puts(out, ",\"secondary\":");
	mg_buf_add(out, secj->data, secj->len);
	mg_buf_puts(out, "}\n");
}

static void analyze_text(struct mg_buf *out, const struct analysis *an, const char *date, int base_n, double base_mean,
			 double base_sd, const struct mg_buf *sec)
{
	const struct trial *t = &an->t;
	const struct mg_trial_outcome *oc = t->oc;
	const struct mg_nof1_result *r = &an->res[2];
	const struct mg_trial_adherence *ad = &an->adh;
	int too_few = (r->flags & MG_NOF1_TOO_FEW) != 0, dec = oc->decimals;
	char s[11], e[11];
	mg_date_format(t->p.start - t->p.baseline, s);
	mg_date_format(mg_trial_last_evening(&t->p), e);
	mg_buf_printf(out, "%sN-of-1 trial %lld (%s), %s to %s: %d pairs of %d-day periods; outcome: %s (%s)\n",
		      an->interim ? "INTERIM analysis. " : "", t->id, trial_state(t, an->today), s, e, t->p.pairs,
		      t->p.period_days, oc->name, oc->unit);
	if (an->interim)
		mg_buf_printf(out, "The trial has not ended (analysis as of %s); results can still change.\n", date);
	if (!t->prespecified)
		mg_buf_puts(out, "This trial was planned before the analysis was stored with the plan; it is analysed "
				 "with the rule of the knowledge base in use.\n");
	if (per_period(oc))
		mg_buf_printf(out, "Pairs used: %d of %d (a pair counts with an ISI at the end of both periods).\n",
			      r->n_used, t->p.pairs);
	else
		mg_buf_printf(out, "Pairs used: %d of %d (a pair counts with at least %d nights logged after the "
				   "%d-night washout in both periods).\n",
			      r->n_used, t->p.pairs, an->o.min_nights, t->p.washout);
	if (t->p.baseline > 0 && !base_n)
		mg_buf_printf(out, "Baseline (%d nights, no magnesium): nothing logged.\n", t->p.baseline);
	else if (t->p.baseline > 0 && per_period(oc))
		mg_buf_printf(out, "Baseline (%d nights, no magnesium): ISI %.0f at its end (context, not part of "
				   "the comparison).\n",
			      t->p.baseline, base_mean);
	else if (t->p.baseline > 0) {
		char sd[32] = "not estimable";
		if (base_n >= 2)
			snprintf(sd, sizeof sd, "%.*f", dec + 1, base_sd);
		mg_buf_printf(out, "Baseline (%d nights, no magnesium, %d logged): mean %.*f %s, SD %s (context, not "
				   "part of the comparison).\n",
			      t->p.baseline, base_n, dec + 1, base_mean, oc->unit, sd);
	}
	if (ad->mg_logged + ad->none_logged)
		mg_buf_printf(out, "Adherence: %.0f %% of the %d analysed nights logged were taken as planned (magnesium "
				   "on %d of %d magnesium nights, on %d of %d nights without).\n",
			      floor(100 * ad->adherence), ad->mg_logged + ad->none_logged, ad->mg_taken, ad->mg_logged,
			      ad->none_taken, ad->none_logged);
	else
		mg_buf_puts(out, "Adherence: no analysed night logged yet.\n");
	if (!per_period(oc))
		mg_buf_printf(out, "Missing nights (analysed, not logged): %d of %d magnesium nights, %d of %d nights "
				   "without.\n",
			      ad->missing_mg, ad->mg_nights, ad->missing_none, ad->none_nights);
	mg_trial_adherence_text(out, ad, mg_kb_trial_design(trial_kb));
	struct mg_buf ev = MG_BUF_INIT, pv = MG_BUF_INIT;
	put_events(&ev, &an->pz, "  ");
	put_pause_verdict(&pv, &an->pz, an->excluded, an->today);
	if (ev.len) {
		mg_buf_puts(out, "Adverse events and pauses (stop rules: stop magnesium and talk to a clinician):\n");
		mg_buf_add(out, ev.data, ev.len);
	}
	if (too_few) {
		mg_buf_printf(out, "Too few complete pairs to estimate an effect: %d usable, at least 2 are needed. "
				   "No numbers are given until then.\n",
			      r->n_used);
	} else {
		char m[48], lo[48], hi[48], p[48];
		mg_trial_format_signed(r->mean, dec + 1, m, sizeof m);
		mg_trial_format_signed(r->ci_lo, dec + 1, lo, sizeof lo);
		mg_trial_format_signed(r->ci_hi, dec + 1, hi, sizeof hi);
		mg_buf_printf(out, "Mean difference, magnesium minus none: %s %s (95 %% interval %s to %s)\n", m, oc->unit, lo,
			      hi);
		if (an->pp_done && an->pp.n_used >= 2) {
			mg_trial_format_signed(an->pp.mean, dec + 1, m, sizeof m);
			mg_trial_format_signed(an->pp.ci_lo, dec + 1, lo, sizeof lo);
			mg_trial_format_signed(an->pp.ci_hi, dec + 1, hi, sizeof hi);
			mg_buf_printf(out, "Per protocol (only nights taken as planned; %d left out): %s %s (95 %% interval "
					   "%s to %s), %d pairs. Read beside the main line, not instead of it.\n",
				      an->pp_removed, m, oc->unit, lo, hi, an->pp.n_used);
		}
		mg_trial_format_p(r->p_value, t->spec.alpha, p, sizeof p);
		mg_buf_printf(out, "Randomisation test (exact, two-sided): %s (the smallest p %d pairs can give is %.3g)\n",
			      p, r->n_used, r->p_min);
		if (an->enough) {
			mg_buf_printf(out, "Probability of a benefit beyond %.*f %s:\n", dec + (t->spec.mid < 1), t->spec.mid,
				      oc->unit);
			const char *names[3] = {"evidence-based prior", "sceptical prior", "flat prior"};
			for (int k = 0; k < 3; k++) {
				if (!an->has_prior[k])
					mg_buf_printf(out, "  %-22s none (no trial data for this outcome)\n", names[k]);
				else
					mg_buf_printf(out, "  %-22s %.0f %%\n", names[k], 100 * an->res[k].post.p_mid);
			}
		} else {
			mg_buf_printf(out, "No probabilities are given: with fewer than %d pairs, or pairs that all gave the "
					   "same difference, they would claim more than the data hold.\n",
				      t->spec.min_pairs);
		}
	}
	mg_buf_putc(out, '\n');
	mg_buf_printf(out, "%s\n", an->conclusion_text);
	if (!too_few && (r->flags & MG_NOF1_P_FLOOR))
		mg_buf_printf(out, "With %d pairs no result can reach p < %g; more pairs are needed for a firm answer.\n",
			      r->n_used, t->spec.alpha);
	if (pv.len)
		mg_buf_add(out, pv.data, pv.len);
	mg_buf_release(&ev);
	mg_buf_release(&pv);
	mg_buf_puts(out, "\nSecondary outcomes (not the question the trial was planned to answer; read with "
			 "caution):\nmean difference, magnesium minus none, with its 95 % interval; no verdict is "
			 "drawn from these.\n");
	mg_buf_add(out, sec->data, sec->len);
	mg_buf_puts(out, "This is information, not medical advice.\n");
}

static int trial_analyze(int argc, char **argv, struct mg_cli *cli)
{
	char date[11];
	const char *fmt = "text";
	long long id = 0;
	int status = EXIT_OK;
	cli_today(date);
	if (date_option(argc, argv, "analyze", date, &fmt, &id, &status))
		return status;
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_buf out = MG_BUF_INIT, sec = MG_BUF_INIT, secj = MG_BUF_INIT;
	int32_t today;
	mg_date_parse(date, &today);
	int base_n = 0;
	double base_mean = NAN, base_sd = NAN;
	struct analysis *an = analyse(db, kb, id, today, &status);
	if (!an || baseline(db, an, &base_n, &base_mean, &base_sd, &status) || secondary(db, an, &sec, &secj, &status))
		goto out;
	if (!strcmp(fmt, "json"))
		analyze_json(&out, an, date, base_n, base_mean, base_sd, &secj);
	else
		analyze_text(&out, an, date, base_n, base_mean, base_sd, &sec);
	status = out.failed || sec.failed || secj.failed ? cli_error(EXIT_FAIL, "out of memory")
							 : cli_write(out.data, out.len);
out:
	analysis_free(an);
	mg_buf_release(&sec);
	mg_buf_release(&secj);
	mg_buf_release(&out);
	mg_db_close(db);
	return status;
}

/* ---- list ---- */

static int trial_list(int argc, char **argv, struct mg_cli *cli)
{
	char date[11];
	const char *fmt = "text";
	int status = EXIT_OK;
	cli_today(date);
	for (int i = 1; i < argc; i++) {
		const char *v;
		int r = cli_opt(argc, argv, &i, "format", &v, &status);
		if (r > 0 && strcmp(v, "text") && strcmp(v, "json"))
			return cli_error(EXIT_USAGE, "--format: accepted: text, json");
		if (r > 0)
			fmt = v;
		if (r < 0)
			return status;
		if (r == 0)
			return cli_error(EXIT_USAGE, "trial list: unknown option '%s'; accepted: --format", argv[i]);
	}
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	struct mg_error err = {0};
	struct mg_buf b = MG_BUF_INIT, out = MG_BUF_INIT;
	int32_t today;
	mg_date_parse(date, &today);
	json_t *arr = store_json(mg_db_trial_list_json(db, &b, &err), &b, &err, &status);
	if (!arr)
		goto out;
	size_t i;
	json_t *row;
	if (!strcmp(fmt, "json"))
		mg_buf_putc(&out, '[');
	else if (!json_array_size(arr))
		mg_buf_puts(&out, "No trial planned yet ('mgsleep trial plan').\n");
	else
		mg_buf_puts(&out, "trial  status    evenings                  pairs  days  outcome  planned on\n");
	json_array_foreach(arr, i, row) {
		struct trial t;
		long long id = json_integer_value(json_object_get(row, "id"));
		if (load_trial_id(db, id, &t, &status))
			goto out;
		char s[11], e[11];
		const char *created = json_string_value(json_object_get(row, "created"));
		mg_date_format(t.p.start - t.p.baseline, s);
		mg_date_format(mg_trial_last_evening(&t.p), e);
		if (!strcmp(fmt, "json"))
			mg_buf_printf(&out, "%s{\"id\":%lld,\"status\":\"%s\",\"stored_status\":\"%s\",\"start\":\"%s\","
					    "\"end\":\"%s\",\"pairs\":%d,\"period_days\":%d,\"outcome\":\"%s\",\"seed\":\"%s\","
					    "\"prespecified\":%s,\"created\":",
				      i ? "," : "", t.id, trial_state(&t, today), t.status, s, e, t.p.pairs,
				      t.p.period_days, t.oc->id, t.seed, t.prespecified ? "true" : "false");
		else
			mg_buf_printf(&out, "%5lld  %-8s  %s to %s  %5d  %4d  %-7s  %.10s\n", t.id, trial_state(&t, today), s,
				      e, t.p.pairs, t.p.period_days, t.oc->id, created ? created : "");
		if (!strcmp(fmt, "json")) {
			mg_buf_put_json_str(&out, created ? created : "");
			mg_buf_putc(&out, '}');
		}
	}
	if (!strcmp(fmt, "json"))
		mg_buf_puts(&out, "]\n");
	else if (json_array_size(arr))
		mg_buf_puts(&out, "Analyse any of them with 'mgsleep trial analyze --trial N'; only the latest is "
				  "followed by 'trial today', 'event' and 'resume'.\n");
	status = out.failed ? cli_error(EXIT_FAIL, "out of memory") : cli_write(out.data, out.len);
out:
	json_decref(arr);
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
		return cli_error(EXIT_USAGE,
				 "trial: missing subcommand; accepted: plan, list, today, analyze, event, resume");
	if (!strcmp(argv[1], "plan"))
		return trial_plan(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "list"))
		return trial_list(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "today"))
		return trial_today(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "analyze") || !strcmp(argv[1], "analyse"))
		return trial_analyze(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "event"))
		return trial_event(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "resume"))
		return trial_resume(argc - 1, argv + 1, cli);
	return cli_error(EXIT_USAGE,
			 "trial: unknown subcommand '%s'; accepted: plan, list, today, analyze, event, resume", argv[1]);
}
