/* mgsleep log: record one night of the Consensus Sleep Diary, with the
 * evening's magnesium, tags and naps. One transaction; nothing is written if
 * any item is invalid. */
#include "cli.h"

#include <mgsleep/advise.h>
#include <mgsleep/night.h>
#include <mgsleep/night_input.h>

#include "../kb/kb_internal.h" /* struct mg_limit: the limit and its body */

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


struct log_opts {
	struct mg_night_input in;
	char form_answer[48];
	int delete_night, purge_audit;
};

/* Minutes east of UTC in the system time zone at a local wall-clock minute. */
int cli_utc_offset_at(int64_t local_min)
{
	int y, m, d;
	int32_t days = (int32_t)(local_min >= 0 ? local_min / 1440 : (local_min - 1439) / 1440);
	int mins = (int)(local_min - (int64_t)days * 1440);
	mg_civil_from_days(days, &y, &m, &d);
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = mins / 60;
	tm.tm_min = mins % 60;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return 0;
	return (int)(local_min - (int64_t)(t / 60));
}

/* A diary item, checked by the library (night_input.h) as the web API's. */
static int item(void *field, const struct cli_option *opt, const char *v, int *status)
{
	struct mg_error err = {0};
	if (mg_night_input_set(field, opt->name, v, &err)) {
		*status = cli_fail(&err);
		return -1;
	}
	return 0;
}

#define ITEM(name, argh, help) CLI_OPT_CALLBACK(struct log_opts, in, struct mg_night_input, name, argh, item, help)
static const struct cli_option log_options[] = {
	ITEM("date", "DATE", "the morning you fill it in (default today)"),
	ITEM("bed", "HH:MM", "when you got into bed"),
	ITEM("try-sleep", "HH:MM", "when you tried to sleep (default: the same)"),
	ITEM("sol", "MIN", "minutes to fall asleep (30, 1h10)"),
	ITEM("awakenings", "N", "times you woke, not counting the last"),
	ITEM("waso", "MIN", "their total minutes"),
	ITEM("final-wake", "HH:MM", "final awakening"),
	ITEM("out-of-bed", "HH:MM", "getting up"),
	ITEM("quality", "1-5", "1 very poor ... 5 very good"),
	ITEM("comment", "TEXT", "up to 2000 characters"),
	ITEM("mg-form", "NAME", "the evening's magnesium: its form (see 'mgsleep forms')"),
	ITEM("mg-elemental", "MG", "mg of elemental magnesium"),
	ITEM("mg-compound", "MG", "or mg of the compound"),
	ITEM("mg-time", "HH:MM", "when you took it"),
	CLI_OPT_BOOL(struct log_opts, in.no_mg, "no-mg", "no magnesium that evening"),
	ITEM("tag", "NAME[,NAME]", "caffeine-late, alcohol, exercise, stress, epsom-bath, other-supplement"),
	ITEM("nap", "MIN", "naps that day (repeatable)"),
	CLI_OPT_BOOL(struct log_opts, in.replace, "replace", "replace the night already logged for this date"),
	CLI_OPT_BOOL(struct log_opts, delete_night, "delete", "delete it (kept in the audit table)"),
	CLI_OPT_BOOL(struct log_opts, purge_audit, "purge-audit", "forget deleted and replaced entries for good"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_log = {
	"usage: mgsleep log [--date YYYY-MM-DD] --bed HH:MM [--try-sleep HH:MM] --sol MIN --awakenings N\n"
	"                   --waso MIN --final-wake HH:MM --out-of-bed HH:MM [--quality 1-5] [--comment TEXT]\n"
	"                   [--mg-form NAME (--mg-elemental MG | --mg-compound MG) [--mg-time HH:MM] | --no-mg]\n"
	"                   [--tag NAME[,NAME]] [--nap MIN] [--replace]\n"
	"       mgsleep log --date YYYY-MM-DD --delete\n"
	"       mgsleep log --purge-audit\n",
	{log_options},
	"  (on a terminal, items not given are asked for, with last night's answers as defaults)\n",
};

/* The diary's questions (Consensus Sleep Diary core items, reference 7.3),
 * asked on a terminal for whatever the flags did not give. The default in
 * brackets comes from the last night logged; Enter accepts it. */
static const struct {
	const char *field, *question;
} questions[] = {
	{"bed", "What time did you get into bed? (HH:MM)"},
	{"try-sleep", "What time did you try to go to sleep? (HH:MM)"},
	{"sol", "How long did it take you to fall asleep? (minutes)"},
	{"awakenings", "How many times did you wake up, not counting the final awakening?"},
	{"waso", "In total, how long did these awakenings last? (minutes)"},
	{"final-wake", "What time was your final awakening? (HH:MM)"},
	{"out-of-bed", "What time did you get out of bed for the day? (HH:MM)"},
	{"quality", "How would you rate the quality of your sleep? (1 very poor ... 5 very good)"},
};

/* Last night's answer to a question as it would be typed, read through the
 * one reader of the stored entry (mg_night_entry_read); "" if none. */
static void last_answer(const struct mg_night_entry *e, const char *field, char def[32])
{
	const struct mg_night *n = &e->n;
	int clock = !strcmp(field, "bed")	 ? n->bed
		    : !strcmp(field, "try-sleep")  ? n->try_sleep
		    : !strcmp(field, "final-wake") ? n->final_wake
		    : !strcmp(field, "out-of-bed") ? n->out_of_bed
						   : -1;
	int count = !strcmp(field, "sol")	 ? n->sol_min
		    : !strcmp(field, "awakenings") ? n->awakenings
		    : !strcmp(field, "waso")	   ? n->waso_min
		    : !strcmp(field, "quality") && n->quality > 0 ? n->quality
								    : -1;
	def[0] = '\0';
	if (clock >= 0)
		mg_clock_format(clock, def);
	else if (count >= 0)
		snprintf(def, 32, "%d", count);
}

static int is_set(const struct mg_night *n, const char *field)
{
	return !strcmp(field, "bed")	       ? n->bed >= 0
	       : !strcmp(field, "try-sleep")  ? n->try_sleep >= 0
	       : !strcmp(field, "sol")	       ? n->sol_min >= 0
	       : !strcmp(field, "awakenings") ? n->awakenings >= 0
	       : !strcmp(field, "waso")       ? n->waso_min >= 0
	       : !strcmp(field, "final-wake") ? n->final_wake >= 0
	       : !strcmp(field, "out-of-bed") ? n->out_of_bed >= 0
					      : n->quality > 0;
}

/* The index of a diary question, or -1. */
static int question_of(const char *field)
{
	for (size_t q = 0; q < sizeof questions / sizeof questions[0]; q++)
		if (!strcmp(questions[q].field, field))
			return (int)q;
	return -1;
}

static int ended_early(int *status)
{
	*status = cli_error(EXIT_USAGE, "log: answers ended early; nothing saved");
	return -1;
}

/* The form for an interactive answer: the KB's id, or "" when the person
 * does not know it (Enter). A form the KB does not know is asked again. */
static int ask_form(struct log_opts *o, const struct mg_kb *kb, const char *given, int *status)
{
	char line[128];
	for (;;) {
		const char *v = given;
		if (!v || !v[0]) {
			if (cli_prompt("Which form of magnesium? (e.g. bisglycinate, citrate, oxide; see 'mgsleep forms'; "
				       "Enter if you do not know) ",
				       line, sizeof line))
				return ended_early(status);
			v = line;
			while (isspace((unsigned char)*v))
				v++;
			if (!v[0]) {
				o->form_answer[0] = '\0';
				return 0;
			}
		}
		given = NULL;
		const struct mg_compound *c = mg_kb_find_compound(kb, v);
		if (c) {
			snprintf(o->form_answer, sizeof o->form_answer, "%s", c->id);
			return 0;
		}
		printf("  magnesium form: not known; accepted: %s\n", mg_kb_compound_names(kb));
	}
}

/* "Magnesium yesterday evening?": re-asked until it is understood. Enter
 * takes last night's answer when there was one, else leaves it unanswered
 * (stored as unknown, never as none). */
static int ask_magnesium(struct log_opts *o, struct mg_cli *cli, const struct mg_night_entry *prev, int *status)
{
	struct mg_error err = {0};
	char line[128], def[64] = "";
	const struct mg_kb *kb = cli_kb(cli, status);
	if (!kb)
		return -1;
	if (prev && prev->magnesium == MG_NIGHT_MG_TAKEN && !isnan(prev->elemental_mg))
		snprintf(def, sizeof def, "%g %s", prev->elemental_mg, prev->form[0] ? prev->form : "mg");
	else if (prev && prev->magnesium == MG_NIGHT_MG_NONE)
		snprintf(def, sizeof def, "no");
	for (;;) {
		char prompt[256];
		struct mg_night_mg_answer a;
		snprintf(prompt, sizeof prompt,
			 "Magnesium yesterday evening? (elemental mg and form, e.g. 250 bisglycinate; or a count, e.g. "
			 "2 capsules; no; ? if you do not know)%s%s%s ",
			 def[0] ? " [" : "", def, def[0] ? "]" : "");
		if (cli_prompt(prompt, line, sizeof line))
			return ended_early(status);
		const char *v = line;
		while (isspace((unsigned char)*v))
			v++;
		if (!v[0])
			v = def;
		if (!v[0])
			return 0; /* not answered: unknown */
		if (mg_night_mg_answer_parse(v, &a, &err)) {
			printf("  %s\n", err.msg);
			continue;
		}
		if (a.state == MG_NIGHT_MG_NONE)
			o->in.no_mg = 1;
		if (a.state != MG_NIGHT_MG_TAKEN)
			return 0;
		if (a.form[0] && !mg_kb_find_compound(kb, a.form)) {
			printf("  magnesium form: not known; accepted: %s\n", mg_kb_compound_names(kb));
			continue;
		}
		o->in.mg_elemental = a.mg;
		/* A count: the mg in one unit is on the label. */
		const char *one = !strcmp(a.unit, "gummies") ? "gummy" : a.unit;
		int one_len = !strcmp(a.unit, "gummies") ? 5 : (int)strlen(a.unit) - 1;
		while (isnan(o->in.mg_elemental)) {
			double per;
			snprintf(prompt, sizeof prompt,
				 "How many mg of magnesium (elemental) does one %.*s contain? (the label says "
				 "'magnesium ... mg') ",
				 one_len, one);
			if (cli_prompt(prompt, line, sizeof line))
				return ended_early(status);
			if (mg_night_mg_amount_parse(line, &per, &err)) {
				printf("  %s\n", err.msg);
				continue;
			}
			if (a.count * per < MG_NIGHT_MG_MIN || a.count * per > MG_NIGHT_MG_MAX) {
				printf("  magnesium: that makes less than %d or more than %d mg elemental in one evening; "
				       "check the label\n",
				       MG_NIGHT_MG_MIN, MG_NIGHT_MG_MAX);
				continue;
			}
			o->in.mg_count = a.count;
			o->in.mg_per_unit = per;
			o->in.mg_elemental = a.count * per;
			snprintf(o->in.mg_unit, sizeof o->in.mg_unit, "%s", a.unit);
		}
		if (ask_form(o, kb, a.form, status))
			return -1;
		if (o->form_answer[0]) {
			snprintf(o->in.mg_form, sizeof o->in.mg_form, "%s", o->form_answer);
			o->in.has_form = 1;
		}
		return 0;
	}
}

/* Ask, on a terminal, whatever the options did not give (only: just that
 * question again, after the whole night was refused naming it). */
static int ask_missing(struct log_opts *o, struct mg_cli *cli, const char *only, int ask_mg, int *status)
{
	struct mg_error err = {0};
	char *last = NULL, line[128];
	struct mg_night_entry *prev = malloc(sizeof *prev); /* ~2.6 kB: not on the stack */
	int r = 0;
	struct mg_db *db = access(cli_db_path(cli), F_OK) == 0 ? cli_db_open(cli, 0, status) : NULL;
	if (prev && !(db && !mg_db_night_latest(db, &last, &err) && last &&
		      !mg_night_entry_read(last, strlen(last), prev, &err))) {
		free(prev); /* no earlier night to offer defaults from */
		prev = NULL;
	}
	mg_db_close(db);
	free(last);
	for (size_t q = 0; q < sizeof questions / sizeof questions[0]; q++) {
		if (only ? strcmp(questions[q].field, only) != 0 : is_set(&o->in.night, questions[q].field))
			continue;
		char def[32] = "";
		/* Trying to sleep defaults to tonight's bed time, not last night's:
		 * an earlier default would wrap the night past 24 hours. Asked
		 * again after a refusal, nothing is offered: last night's answer
		 * is what was refused or what led to it. */
		if (only)
			;
		else if (!strcmp(questions[q].field, "try-sleep") && o->in.night.bed >= 0)
			mg_clock_format(o->in.night.bed, def);
		else if (prev)
			last_answer(prev, questions[q].field, def);
		for (;;) {
			char prompt[200];
			snprintf(prompt, sizeof prompt, "%s%s%s%s ", questions[q].question, def[0] ? " [" : "", def,
				 def[0] ? "]" : "");
			if (cli_prompt(prompt, line, sizeof line)) {
				r = ended_early(status);
				goto out;
			}
			const char *v = line[0] ? line : def;
			if (!v[0] && !strcmp(questions[q].field, "quality"))
				break; /* optional */
			if (!mg_night_parse_field(&o->in.night, questions[q].field, v, &err))
				break;
			printf("  %s\n", err.msg);
		}
	}
	if (ask_mg)
		r = ask_magnesium(o, cli, prev, status);
out:
	free(prev);
	return r;
}

/* The upper limit for supplemental magnesium that applies to the person:
 * from the stored profile through the advise engine, or, with no age
 * stored, the advice for an adult (the lowest adult limit of the KB's
 * jurisdictions when none is stored). NULL when none applies or the advice
 * fails (its error is printed; the night is already stored). */
static const struct mg_limit *dose_limit(struct mg_cli *cli, struct mg_db *db, struct mg_advice *a,
					 struct mg_profile *p, int *no_age)
{
	struct mg_error err = {0};
	int st = EXIT_OK, have = cli_stored_advice(cli, db, a, p, &st);
	const struct mg_kb *kb = cli_kb(cli, &st);
	*no_age = have == 1 || have == 2;
	if (have == 1)
		mg_profile_init(p);
	if (*no_age) {
		p->age = 18; /* an adult: the advice never assumes one, but a warning may */
		have = kb && !mg_advise(kb, p, a, &err) ? 0 : -1;
	}
	return have ? NULL : a->limit;
}

/* After the night is stored: what the knowledge base says about the
 * magnesium logged. A dose above the upper limit and a laxative form (KB
 * sleep_use "avoid") are warnings every time; any other form that is not
 * the preferred one gets its gut profile (KB "gi") as a note when it is new,
 * i.e. differs from the latest night logged before (docs/diary.md). */
static void log_warnings(struct mg_cli *cli, struct mg_db *db, double mg, const struct mg_compound *form,
			 const char *prev_form)
{
	struct mg_advice *a = calloc(1, sizeof *a);
	struct mg_profile *p = calloc(1, sizeof *p);
	int no_age = 0;
	const struct mg_limit *l = a && p ? dose_limit(cli, db, a, p, &no_age) : NULL;
	/* Whole mg: 1,774 mg of bisglycinate is 250.07 mg, the KB's own 250 mg dose. */
	if (l && round(mg) > l->mg) {
		printf("Warning: %.0f mg elemental magnesium is above %g mg a day, ", round(mg), l->mg);
		if (no_age)
			printf("the lowest adult upper limit for supplemental magnesium (%s); store your age and "
			       "country with 'mgsleep profile set' to check against yours.",
			       l->body);
		else
			printf("your upper limit for supplemental magnesium (%s).", l->body);
		printf(" Logged as given; talk to a pharmacist or doctor before taking this much again.\n");
	}
	if (form && form->use == MG_USE_AVOID)
		printf("Warning: %s is a form to avoid for sleep. %s %s Logged as given; see 'mgsleep forms'.\n",
		       form->name, form->use_reason, form->gi);
	else if (form && form->use != MG_USE_PREFERRED && (!prev_form || strcmp(prev_form, form->id)))
		printf("Note: %s, effect on the gut: %s\n", form->name, form->gi);
	free(a);
	free(p);
}

int cmd_log(int argc, char **argv, struct mg_cli *cli)
{
	struct log_opts o;
	struct mg_error err = {0};
	struct mg_buf entry = MG_BUF_INIT;
	struct mg_db *db = NULL;
	char *latest = NULL;
	struct mg_night_entry *prev = NULL;
	const char *prev_form = NULL;
	int status = EXIT_OK;
	memset(&o, 0, sizeof o);
	mg_night_input_init(&o.in);
	struct mg_night *night = &o.in.night;
	if (cli_parse_options("log", argc, argv, log_options, &o, 0, &status) < 0)
		return status;
	if (o.purge_audit) {
		/* Forget deleted and replaced entries for good. */
		if (!(db = cli_db_open(cli, 0, &status)))
			return status;
		if (mg_db_begin(db, &err) || mg_db_audit_purge(db, &err) || mg_db_commit(db, &err))
			status = cli_fail(&err);
		else
			printf("Deleted and replaced entries are now gone for good.\n");
		mg_db_close(db);
		return status;
	}
	/* Today, local time: the default date and the latest one accepted. */
	char date[11], today_s[11];
	int32_t today;
	cli_today(today_s);
	mg_date_parse(today_s, &today);
	if (night->date == MG_DATE_UNSET)
		night->date = today;
	mg_date_format(night->date, date);
	if (o.delete_night) {
		if (!(db = cli_db_open(cli, 0, &status)))
			return status;
		if (mg_db_begin(db, &err) || mg_db_night_delete(db, date, cli_now(), &err) || mg_db_commit(db, &err))
			status = cli_fail(&err);
		else
			printf("Deleted the night of %s (kept in the audit table until purged).\n", date);
		mg_db_close(db);
		return status;
	}
	if (mg_night_check_date(night->date, today, &err))
		return cli_fail(&err);
	/* On a terminal, ask for whatever is missing; a night refused as a whole
	 * (say, SOL longer than the night) asks again the item it names instead
	 * of dropping every answer. */
	int interactive = mg_night_first_missing(night) && isatty(STDIN_FILENO);
	int ask_mg = !o.in.no_mg && !o.in.has_form && isnan(o.in.mg_elemental) && isnan(o.in.mg_compound);
	struct mg_night_metrics m;
	for (const char *only = NULL;;) {
		if (interactive && ask_missing(&o, cli, only, ask_mg && !only, &status))
			return status;
		if (mg_night_input_missing(&o.in, &err))
			return cli_fail(&err);
		int r = cli_night_compute(night, &m, &err);
		if (!r)
			break;
		if (!interactive || question_of(err.field) < 0)
			return cli_fail(&err);
		printf("  %s\n", err.msg);
		only = questions[question_of(err.field)].field;
		mg_night_clear_field(night, only);
	}

	/* The KB only when a form or a compound amount needs looking up. */
	const struct mg_compound *form = NULL;
	const struct mg_kb *kb = NULL;
	double elemental;
	if ((o.in.has_form || !isnan(o.in.mg_compound)) && !(kb = cli_kb(cli, &status)))
		return status;
	int r = mg_night_input_entry(&o.in, kb, &entry, &elemental, &form, &err);
	if (r) {
		status = cli_fail(&err);
		goto out;
	}

	struct mg_db_night rec = {date, entry.data, m.tib, m.sol, m.waso, m.tst, m.terminal_wake, m.se_pct, elemental};
	if (!(db = cli_db_open(cli, MG_DB_CREATE, &status)))
		goto out;
	/* The form of the latest night before this one, for the note on a new form. */
	if (form && mg_db_night_latest(db, &latest, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	if (latest && (prev = malloc(sizeof *prev)) && !mg_night_entry_read(latest, strlen(latest), prev, &err) &&
	    prev->magnesium == MG_NIGHT_MG_TAKEN && prev->form[0])
		prev_form = prev->form;
	if (mg_db_begin(db, &err) || mg_db_night_put(db, &rec, o.in.replace, cli_now(), &err) ||
	    mg_db_commit(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	printf("Logged the night of %s: in bed %dh%02d, asleep %dh%02d, sleep efficiency %.1f %%, "
	       "%d min to fall asleep, %d min awake in the night.\n",
	       date, m.tib / 60, m.tib % 60, m.tst / 60, m.tst % 60, m.se_pct, m.sol, m.waso);
	if (!isnan(elemental))
		log_warnings(cli, db, elemental, form, prev_form);
out:
	free(prev);
	free(latest);
	mg_buf_release(&entry);
	mg_db_close(db);
	return status;
}

/* Offsets from the system time zone at bed and at the final awakening, so
 * a DST change inside the night is counted in real minutes. */
int cli_night_compute(struct mg_night *n, struct mg_night_metrics *m, struct mg_error *err)
{
	struct mg_night_times t;
	int r = mg_night_timeline(n, &t, err);
	if (r)
		return r;
	n->utc_offset_evening = cli_utc_offset_at(t.local[MG_EV_BED]);
	n->utc_offset_morning = cli_utc_offset_at(t.local[MG_EV_FINAL_WAKE]);
	return mg_night_compute(n, m, err);
}
