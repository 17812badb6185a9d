/* mgsleep trial plan: the options, retiring the old trial, the dose from the
 * stored advice, storing the plan and writing its .ics (issues 5, 11, 12).
 * The design, power and words are the library's (include/mgsleep/trial.h,
 * trial_report.h). */
#include "trial_cli.h"

#include <mgsleep/advise.h>
#include <mgsleep/night.h>
#include <mgsleep/trial_report.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STR_(x) #x
#define STR(x) STR_(x)

struct seed {
	uint64_t v;
	int given;
};

struct plan_opts {
	const char *start, *outcome, *ics, *format; /* start: NULL for today */
	long pairs, period_days, washout, baseline;
	struct seed seed;
	int replace;
};

/* The whole uint64_t range, which a long cannot hold: its own parser. */
static int seed_option(void *field, const struct cli_option *opt, const char *arg, int *status)
{
	struct seed *s = field;
	char *end;
	(void)opt;
	errno = 0;
	s->v = (uint64_t)strtoull(arg, &end, 10);
	if (!*arg || *end || errno || strspn(arg, "0123456789") != strlen(arg))
		return *status = cli_error(EXIT_USAGE, "--seed: accepted: a whole number 0 to 18446744073709551615"), -1;
	s->given = 1;
	return 0;
}

const struct cli_option cli_trial_plan_options[] = {
	CLI_OPT_GROUP("plan:"),
	CLI_OPT_DATE(struct plan_opts, start, "start", "first evening of the trial (default today)"),
	CLI_OPT_NUMBER(struct plan_opts, pairs, "pairs", "N", 1, MG_NOF1_MAX_PAIRS, NULL,
		       "pairs of periods, magnesium and none in random order (default 6)"),
	CLI_OPT_NUMBER(struct plan_opts, period_days, "period-days", "D", 2, MG_TRIAL_MAX_PERIOD_DAYS, NULL,
		       "nights per period (default 28: 4 weeks, from the knowledge base)"),
	CLI_OPT_NUMBER(struct plan_opts, washout, "washout", "W", 0, MG_TRIAL_MAX_PERIOD_DAYS,
		       "0 to " STR(MG_TRIAL_MAX_PERIOD_DAYS) " nights",
		       "nights at the start of each period left out of the analysis (default 7)"),
	CLI_OPT_NUMBER(struct plan_opts, baseline, "baseline-days", "N", 0, MG_TRIAL_MAX_BASELINE,
		       "0 to " STR(MG_TRIAL_MAX_BASELINE) " nights",
		       "nights without magnesium before period 1, not randomised\n(0 to 56, default 0 = none)"),
	CLI_OPT_STRING(struct plan_opts, outcome, "outcome", "NAME",
		       "primary outcome: a diary one (default sol), or isi: the ISI\nfilled in at the end of each period"),
	CLI_OPT_CALLBACK(struct plan_opts, seed, struct seed, "seed", "N", seed_option,
			 "seed of the randomisation (default from the clock; printed and stored)"),
	CLI_OPT_STRING(struct plan_opts, ics, "ics", "FILE", "also write the calendar as an iCalendar file (must not exist)"),
	CLI_OPT_ENUM(struct plan_opts, format, "format", cli_text_json, "output (default text)"),
	CLI_OPT_BOOL(struct plan_opts, replace, "replace",
		     "plan a new trial although one is in the store (the old one\nis kept: trial list); without it the "
		     "plan is refused"),
	CLI_OPT_END(),
};

/* The options into o (the KB's design by default). */
static int plan_options(int argc, char **argv, const struct mg_kb *kb, struct plan_opts *o, int *status)
{
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	o->outcome = "sol";
	o->format = "text";
	o->pairs = dg->pairs;
	o->period_days = dg->period_days;
	o->washout = dg->washout;
	return cli_parse_options("trial plan", argc, argv, cli_trial_plan_options, o, 0, status) < 0 ? -1 : 0;
}

/* The design into t: what no single option can check, checked here. */
static int plan_design(const struct mg_kb *kb, const struct cli_plan_in *in, struct mg_trial *t, struct mg_error *err)
{
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	const char *outcome = in->outcome ? in->outcome : "sol";
	if (!(t->oc = mg_kb_find_trial_outcome(kb, outcome)))
		return !strcmp(outcome, "sol")
			       ? mg_fail(err, MG_EIO, "outcome", "trial: the knowledge base has no outcome 'sol'")
			       : mg_fail(err, MG_EINVAL, "outcome",
					 "--outcome: accepted: sol, tst, se, waso, awakenings, quality, isi");
	if (in->pairs < 1 || in->pairs > MG_NOF1_MAX_PAIRS)
		return mg_fail(err, MG_EINVAL, "pairs", "--pairs: accepted: 1 to %d", MG_NOF1_MAX_PAIRS);
	if (in->period_days < 2 || in->period_days > MG_TRIAL_MAX_PERIOD_DAYS)
		return mg_fail(err, MG_EINVAL, "period-days", "--period-days: accepted: 2 to %d", MG_TRIAL_MAX_PERIOD_DAYS);
	if (in->washout < 0 || in->washout > MG_TRIAL_MAX_PERIOD_DAYS)
		return mg_fail(err, MG_EINVAL, "washout", "--washout: accepted: 0 to %d nights", MG_TRIAL_MAX_PERIOD_DAYS);
	if (in->baseline < 0 || in->baseline > MG_TRIAL_MAX_BASELINE)
		return mg_fail(err, MG_EINVAL, "baseline-days", "--baseline-days: accepted: 0 to %d nights",
			       MG_TRIAL_MAX_BASELINE);
	if (in->washout >= in->period_days - 1)
		return mg_fail(err, MG_EINVAL, "washout",
			       "--washout: must leave at least 2 nights of each period (less than --period-days minus 1)");
	t->p.pairs = (int)in->pairs;
	t->p.period_days = (int)in->period_days;
	t->p.washout = (int)in->washout;
	t->p.baseline = (int)in->baseline;
	/* --start is the first evening of the whole trial: the baseline, if
	 * any, comes first and period 1 starts after it. */
	t->p.start = in->start + t->p.baseline;
	if (in->start < MG_DATE_MIN || mg_trial_last_evening(&t->p) > MG_DATE_MAX - 2)
		return mg_fail(err, MG_EINVAL, "start", "--start: the trial would end after 9999-12-31");
	snprintf(t->seed, sizeof t->seed, "%" PRIu64, in->seed);
	mg_trial_spec_from_kb(dg, t->oc, &t->spec);
	t->prespecified = 1;
	return 0;
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
		      const char **retire_as, struct mg_error *err)
{
	int found = 0, r;
	*retire_as = NULL;
	if ((r = mg_db_trial_read(db, 0, old, &found, err)))
		return r;
	if (!found)
		return 0;
	if (mg_trial_bind(old, kb, err))
		return mg_fail(err, MG_EIO, "trial", "trial: the stored trial is damaged");
	if (strcmp(old->status, "planned"))
		return 0; /* already retired: nothing current */
	const char *state = mg_trial_state(old, today);
	char s0[11], s1[11];
	mg_date_format(old->p.start - old->p.baseline, s0);
	mg_date_format(mg_trial_last_evening(&old->p), s1);
	if (!replace)
		return mg_fail(err, MG_EEXIST, "replace",
			       "trial plan: refused: trial %lld (%s to %s, %s) is in the store; nothing was changed. To "
			       "plan a new one add --replace: the old trial is kept and stays in 'mgsleep trial list'",
			       old->id, s0, s1, state);
	*retire_as = !strcmp(state, "finished") ? "finished" : "replaced";
	return 0;
}

/* The stored profile's advice, which sets the dose; a trial needs
 * 'recommended' or 'caution'. */
static int plan_dose(struct mg_db *db, const struct mg_kb *kb, struct mg_trial *t, const char **form_name,
		     struct mg_error *err)
{
	struct mg_advice *a = malloc(sizeof *a);
	struct mg_profile *p = malloc(sizeof *p);
	int r = a && p ? cli_stored_advice_e(db, kb, a, p, err) : mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	if (r == 1)
		r = mg_fail(err, MG_EINVAL, "profile", "trial plan: no profile stored; run 'mgsleep profile set ...' first");
	else if (r == 2)
		r = mg_fail(err, MG_EINVAL, "age", "trial plan: the stored profile has no age, which advice needs; run "
						   "'mgsleep profile set --age N' first");
	else if (r < 0)
		r = err->code ? err->code : MG_ENOMEM;
	if (!r && ((a->verdict != MG_VERDICT_RECOMMENDED && a->verdict != MG_VERDICT_CAUTION) || !a->form ||
		   a->elemental_mg <= 0))
		r = mg_fail(err, MG_EINVAL, "profile",
			    "trial plan: refused: the advice for your stored profile is '%s'; a self-experiment needs "
			    "'recommended' or 'caution' (see 'mgsleep advise')",
			    mg_verdict_name(a->verdict));
	if (!r) {
		t->elemental_mg = a->elemental_mg;
		t->compound_mg = a->compound_mg;
		snprintf(t->form, sizeof t->form, "%s", a->form->id);
		*form_name = a->form->name; /* KB text: outlives the advice */
	}
	free(a);
	free(p);
	return r;
}

int cli_trial_plan_make(struct mg_db *db, const struct mg_kb *kb, const struct cli_plan_in *in, int32_t today,
			const char *now, struct cli_plan_out *o, struct mg_error *err)
{
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	struct mg_trial_nights *nt = NULL;
	struct mg_buf order = MG_BUF_INIT;
	int r;
	memset(o, 0, sizeof *o);
	if ((r = plan_design(kb, in, &o->t, err)) || (r = retire_old(db, kb, in->replace, today, &o->old, &o->retire_as, err)) ||
	    (r = plan_dose(db, kb, &o->t, &o->form_name, err)))
		goto out;
	struct mg_trial *t = &o->t;
	mg_trial_randomise(&t->p, in->seed);
	mg_buf_putc(&order, '[');
	for (int k = 0; k < 2 * t->p.pairs; k++)
		mg_buf_printf(&order, "%s\"%s\"", k ? "," : "", t->p.order[k] ? "mg" : "off");
	mg_buf_putc(&order, ']');
	/* Power: every number from the KB; the diary only where it shows more
	 * variability or more missing nights (mg_trial_power_inputs). */
	if (!mg_trial_per_period(t->oc) &&
	    !(nt = cli_trial_read_nights_e(db, t->p.start - 1 - dg->power_diary_days, t->p.start - 2, err))) {
		r = err->code;
		goto out;
	}
	if ((r = mg_trial_plan_power(kb, t, nt, in->seed, &o->pw, err)))
		goto out;
	char p1[11];
	mg_date_format(t->p.start, p1);
	struct mg_db_trial row = {p1,	     t->p.pairs,     t->p.period_days, t->p.washout,   t->oc->id,
				  t->seed,    order.data,     t->elemental_mg,  t->compound_mg, t->form,
				  t->p.baseline, t->spec.alpha, t->spec.min_pairs, t->spec.mid,  t->spec.mid_verified};
	if (order.failed) {
		r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((r = mg_db_begin(db, err)))
		goto out;
	if ((o->retire_as && (r = mg_db_trial_retire(db, o->old.id, o->retire_as, err))) ||
	    (r = mg_db_trial_add(db, &row, now, err)) || (r = mg_db_commit(db, err))) {
		mg_db_rollback(db);
		goto out;
	}
	r = cli_trial_load_e(db, kb, 0, t, err); /* the id the store gave it */
out:
	mg_trial_nights_free(nt);
	mg_buf_release(&order);
	return r;
}

void cli_trial_plan_view(const struct cli_plan_out *o, const char *ics, struct mg_trial_plan_view *v)
{
	struct mg_trial_plan_view view = {&o->t, o->form_name, &o->pw.pp, &o->pw.fixed, &o->pw.averaged, &o->pw.diary,
					  ics, o->retire_as ? &o->old : NULL, o->retire_as};
	*v = view;
}

int cli_trial_plan(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	struct plan_opts o = {0};
	struct cli_plan_in in;
	struct cli_plan_out *po = NULL;
	struct mg_trial_plan_view v;
	char today_s[11];
	int status = EXIT_OK, fd = -1;
	int32_t today;
	struct mg_error err = {0};
	struct mg_buf out = MG_BUF_INIT, cal = MG_BUF_INIT;
	cli_today(today_s);
	mg_date_parse(today_s, &today);
	if (plan_options(argc, argv, kb, &o, &status))
		return status;
	in.outcome = o.outcome;
	in.pairs = o.pairs, in.period_days = o.period_days, in.washout = o.washout, in.baseline = o.baseline;
	mg_date_parse(o.start ? o.start : today_s, &in.start);
	in.seed = o.seed.given ? o.seed.v : (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	in.replace = o.replace;
	const char *ics = o.ics;
	if (ics && access(ics, F_OK) == 0)
		return cli_error(EXIT_USAGE, "--ics: '%s' already exists; choose a new file", ics);
	struct mg_db *db = cli_db_open(cli, 0, &status);
	if (!db)
		return status;
	if (!(po = malloc(sizeof *po))) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}
	/* The file first, so that a plan is not stored when it cannot be written. */
	if (ics && (fd = open(ics, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
		status = cli_error(errno == EEXIST ? EXIT_USAGE : EXIT_FAIL, "--ics: cannot create '%s': %s", ics,
				   strerror(errno));
		goto out;
	}
	const char *now = cli_now();
	if (cli_trial_plan_make(db, kb, &in, today, now, po, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	if (fd >= 0) {
		mg_trial_ics(&cal, &po->t, now, MGSLEEP_VERSION);
		int r = cal.failed ? (status = cli_error(EXIT_FAIL, "out of memory"), -1) : write_all(fd, &cal);
		if (r && !status)
			status = cli_error(EXIT_FAIL, "--ics: cannot write: %s", strerror(errno));
		if (close(fd) && !r)
			status = cli_error(EXIT_FAIL, "--ics: cannot write '%s': %s", ics, strerror(errno));
		fd = -1;
		if (status)
			goto out;
	}
	cli_trial_plan_view(po, ics, &v);
	if (!strcmp(o.format, "json"))
		mg_trial_plan_json(&out, &v);
	else
		mg_trial_plan_text(&out, kb, &v);
	status = cli_trial_emit(&out);
out:
	if (fd >= 0) {
		close(fd);
		unlink(ics);
	}
	free(po);
	mg_buf_release(&out);
	mg_buf_release(&cal);
	mg_db_close(db);
	return status;
}
