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

/* The options into o and t (the KB's design by default); what no single
 * option can check, checked here. */
static int plan_options(int argc, char **argv, const struct mg_kb *kb, struct plan_opts *o, struct mg_trial *t,
			int *status)
{
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	int32_t start;
	char today_s[11];
	cli_today(today_s);
	o->outcome = "sol";
	o->format = "text";
	o->pairs = dg->pairs;
	o->period_days = dg->period_days;
	o->washout = dg->washout;
	if (cli_parse_options("trial plan", argc, argv, cli_trial_plan_options, o, 0, status) < 0)
		return -1;
	if (!(t->oc = mg_kb_find_trial_outcome(kb, o->outcome)))
		return *status = !strcmp(o->outcome, "sol")
					 ? cli_error(EXIT_FAIL, "trial: the knowledge base has no outcome 'sol'")
					 : cli_error(EXIT_USAGE, "--outcome: accepted: sol, tst, se, waso, awakenings, "
								 "quality, isi"),
		       -1;
	if (o->washout >= o->period_days - 1)
		return *status = cli_error(EXIT_USAGE, "--washout: must leave at least 2 nights of each period (less "
						       "than --period-days minus 1)"),
		       -1;
	mg_date_parse(o->start ? o->start : today_s, &start);
	t->p.pairs = (int)o->pairs;
	t->p.period_days = (int)o->period_days;
	t->p.washout = (int)o->washout;
	t->p.baseline = (int)o->baseline;
	/* --start is the first evening of the whole trial: the baseline, if
	 * any, comes first and period 1 starts after it. */
	t->p.start = start + t->p.baseline;
	if (mg_trial_last_evening(&t->p) > MG_DATE_MAX - 2)
		return *status = cli_error(EXIT_USAGE, "--start: the trial would end after 9999-12-31"), -1;
	if (!o->seed.given)
		o->seed.v = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	snprintf(t->seed, sizeof t->seed, "%" PRIu64, o->seed.v);
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

int cli_trial_plan(int argc, char **argv, struct mg_cli *cli, const struct mg_kb *kb)
{
	const struct mg_trial_design *dg = mg_kb_trial_design(kb);
	struct mg_trial t = {0};
	struct plan_opts o = {0};
	const char *form_name = NULL, *retire_as = NULL;
	char today_s[11];
	int status = EXIT_OK, fd = -1;
	int32_t today;
	struct mg_error err = {0};
	cli_today(today_s);
	mg_date_parse(today_s, &today);
	if (plan_options(argc, argv, kb, &o, &t, &status))
		return status;
	const char *ics = o.ics;
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
	if (retire_old(db, kb, o.replace, today, old, &retire_as, &status) || plan_dose(cli, db, &t, &form_name, &status))
		goto out;
	mg_trial_randomise(&t.p, o.seed.v);
	mg_buf_putc(&order, '[');
	for (int k = 0; k < 2 * t.p.pairs; k++)
		mg_buf_printf(&order, "%s\"%s\"", k ? "," : "", t.p.order[k] ? "mg" : "off");
	mg_buf_putc(&order, ']');
	/* Power: every number from the KB; the diary only where it shows more
	 * variability or more missing nights (mg_trial_power_inputs). */
	if (!mg_trial_per_period(t.oc) &&
	    !(nt = cli_trial_read_nights(db, t.p.start - 1 - dg->power_diary_days, t.p.start - 2, &status)))
		goto out;
	if (mg_trial_plan_power(kb, &t, nt, o.seed.v, pw, &err)) {
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
	if (cli_trial_load(db, kb, 0, &t, &status)) /* the id the store gave it */
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
	mg_trial_nights_free(nt);
	free(old);
	free(pw);
	mg_buf_release(&out);
	mg_buf_release(&order);
	mg_buf_release(&cal);
	mg_db_close(db);
	return status;
}
