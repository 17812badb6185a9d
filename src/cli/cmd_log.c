/* mgsleep log: record one night of the Consensus Sleep Diary, with the
 * evening's magnesium, tags and naps. One transaction; nothing is written if
 * any item is invalid. */
#include "cli.h"

#include <mgsleep/night.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

static const char *const known_tags[] = {"caffeine-late", "alcohol", "exercise", "stress", "epsom-bath",
					 "other-supplement"};
#define N_TAGS (sizeof known_tags / sizeof known_tags[0])

struct log_opts {
	struct mg_night night;
	const char *comment, *mg_form, *mg_time;
	double mg_elemental, mg_compound, nap_min;
	unsigned tags;
	int replace, no_mg, delete_night, purge_audit;
};

/* Minutes east of UTC in the system time zone at a local wall-clock minute. */
static int utc_offset_at(int64_t local_min)
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

static int parse_mg(const char *flag, const char *v, double lo, double hi, double *out, int *status)
{
	const char *end;
	double x;
	if (mg_decimal_parse(v, &x, &end) || *end || x < lo || x > hi) {
		*status = cli_error(EXIT_USAGE, "--%s: accepted: mg from %g to %g", flag, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

static int log_option(struct log_opts *o, int argc, char **argv, int *i, int *status)
{
	struct mg_error err = {0};
	const char *arg = argv[*i], *v;
	char name[32];
	if (!strcmp(arg, "--replace"))
		return o->replace = 1;
	if (!strcmp(arg, "--no-mg"))
		return o->no_mg = 1;
	if (!strcmp(arg, "--delete"))
		return o->delete_night = 1;
	if (!strcmp(arg, "--purge-audit"))
		return o->purge_audit = 1;
	if (strncmp(arg, "--", 2)) {
		*status = cli_error(EXIT_USAGE, "log: unexpected argument; options start with --, see 'mgsleep help log'");
		return -1;
	}
	snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
	int r = cli_opt(argc, argv, i, name, &v, status);
	if (r <= 0) {
		if (r == 0)
			*status = cli_unknown("log", *i, "see 'mgsleep help log'");
		return -1;
	}
	if (mg_night_is_field(name)) {
		while (isspace((unsigned char)*v))
			v++;
		if (mg_night_parse_field(&o->night, name, v, &err)) {
			*status = cli_fail(&err);
			return -1;
		}
		return 1;
	}
	if (!strcmp(name, "comment")) {
		if (strlen(v) > 2000) {
			*status = cli_error(EXIT_USAGE, "--comment: accepted: up to 2000 characters");
			return -1;
		}
		o->comment = v;
	} else if (!strcmp(name, "mg-form")) {
		o->mg_form = v;
	} else if (!strcmp(name, "mg-elemental")) {
		return parse_mg(name, v, 1, 2000, &o->mg_elemental, status) ? -1 : 1;
	} else if (!strcmp(name, "mg-compound")) {
		return parse_mg(name, v, 1, 20000, &o->mg_compound, status) ? -1 : 1;
	} else if (!strcmp(name, "mg-time")) {
		int m;
		if (mg_clock_parse(v, &m)) {
			*status = cli_error(EXIT_USAGE, "--mg-time: accepted: a clock time HH:MM");
			return -1;
		}
		o->mg_time = v;
	} else if (!strcmp(name, "nap")) {
		int m;
		if (mg_duration_parse(v, &m) || o->nap_min + m > 720) { /* the total of every --nap */
			*status = cli_error(EXIT_USAGE, "--nap: accepted: minutes (90, 1h30) up to 12 hours in total");
			return -1;
		}
		o->nap_min += m;
	} else if (!strcmp(name, "tag")) {
		for (const char *s = v;;) {
			size_t n = strcspn(s, ","), k;
			for (k = 0; k < N_TAGS; k++)
				if (strlen(known_tags[k]) == n && !strncmp(s, known_tags[k], n))
					break;
			if (k == N_TAGS) {
				*status = cli_error(EXIT_USAGE, "--tag: unknown tag; accepted: caffeine-late, alcohol, "
								"exercise, stress, epsom-bath, other-supplement");
				return -1;
			}
			o->tags |= 1u << k;
			if (!s[n])
				break;
			s += n + 1;
		}
	} else {
		*status = cli_unknown("log", *i, "see 'mgsleep help log'");
		return -1;
	}
	return 1;
}

/* The diary's questions (Consensus Sleep Diary core items, reference 7.3),
 * asked on a terminal for whatever the flags did not give. The default in
 * brackets comes from the last night logged; Enter accepts it. */
static const struct {
	const char *field, *question, *last_key;
} questions[] = {
	{"bed", "What time did you get into bed? (HH:MM)", "bed"},
	{"try-sleep", "What time did you try to go to sleep? (HH:MM)", "try_sleep"},
	{"sol", "How long did it take you to fall asleep? (minutes)", "sol_min"},
	{"awakenings", "How many times did you wake up, not counting the final awakening?", "awakenings"},
	{"waso", "In total, how long did these awakenings last? (minutes)", "waso_min"},
	{"final-wake", "What time was your final awakening? (HH:MM)", "final_wake"},
	{"out-of-bed", "What time did you get out of bed for the day? (HH:MM)", "out_of_bed"},
	{"quality", "How would you rate the quality of your sleep? (1 very poor ... 5 very good)", "quality"},
};

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

static int ask_missing(struct log_opts *o, struct mg_cli *cli, int *status)
{
	struct mg_error err = {0};
	char *last = NULL, line[128];
	json_t *prev = NULL;
	struct mg_db *db = access(cli_db_path(cli), F_OK) == 0 ? cli_db_open(cli, 0, status) : NULL;
	if (db && !mg_db_night_latest(db, &last, &err) && last)
		prev = json_loads(last, 0, NULL);
	mg_db_close(db);
	free(last);
	for (size_t q = 0; q < sizeof questions / sizeof questions[0]; q++) {
		if (is_set(&o->night, questions[q].field))
			continue;
		json_t *d = json_object_get(prev, questions[q].last_key);
		char def[32] = "";
		/* Trying to sleep defaults to tonight's bed time, not last night's:
		 * an earlier default would wrap the night past 24 hours. */
		if (!strcmp(questions[q].field, "try-sleep") && o->night.bed >= 0)
			mg_clock_format(o->night.bed, def);
		else if (json_is_string(d))
			snprintf(def, sizeof def, "%s", json_string_value(d));
		else if (json_is_integer(d))
			snprintf(def, sizeof def, "%lld", json_integer_value(d));
		for (;;) {
			char prompt[200];
			snprintf(prompt, sizeof prompt, "%s%s%s%s ", questions[q].question, def[0] ? " [" : "", def,
				 def[0] ? "]" : "");
			if (cli_prompt(prompt, line, sizeof line)) {
				json_decref(prev);
				*status = cli_error(EXIT_USAGE, "log: answers ended early; nothing saved");
				return -1;
			}
			const char *v = line[0] ? line : def;
			if (!v[0] && !strcmp(questions[q].field, "quality"))
				break; /* optional */
			if (!mg_night_parse_field(&o->night, questions[q].field, v, &err))
				break;
			printf("  %s\n", err.msg);
		}
	}
	if (!o->no_mg && !o->mg_form && isnan(o->mg_elemental) && isnan(o->mg_compound)) {
		json_t *m = json_object_get(prev, "magnesium");
		char def[64] = "no";
		if (json_is_object(m) && json_is_string(json_object_get(m, "form")))
			snprintf(def, sizeof def, "%g %s", json_number_value(json_object_get(m, "elemental_mg")),
				 json_string_value(json_object_get(m, "form")));
		for (;;) {
			char prompt[160];
			snprintf(prompt, sizeof prompt,
				 "Magnesium yesterday evening? (elemental mg and form, e.g. 250 bisglycinate, or no) [%s] ", def);
			if (cli_prompt(prompt, line, sizeof line)) {
				json_decref(prev);
				*status = cli_error(EXIT_USAGE, "log: answers ended early; nothing saved");
				return -1;
			}
			const char *v = line[0] ? line : def;
			static char form[48];
			double mg;
			if (!strcmp(v, "no") || !strcmp(v, "none") || !strcmp(v, "0")) {
				o->no_mg = 1;
				break;
			}
			if (sscanf(v, "%lf %47s", &mg, form) == 2 && mg >= 1 && mg <= 2000) {
				o->mg_elemental = mg;
				o->mg_form = form;
				break;
			}
			printf("  give elemental mg and a form (see 'mgsleep forms'), or no\n");
		}
	}
	json_decref(prev);
	return 0;
}

static void put_clock(struct mg_buf *b, const char *key, int minutes)
{
	char t[6];
	mg_clock_format(minutes, t);
	mg_buf_printf(b, ",\"%s\":\"%s\"", key, t);
}

int cmd_log(int argc, char **argv, struct mg_cli *cli)
{
	struct log_opts o;
	struct mg_error err = {0};
	struct mg_buf entry = MG_BUF_INIT;
	struct mg_db *db = NULL;
	int status = EXIT_OK;
	memset(&o, 0, sizeof o);
	mg_night_init(&o.night);
	o.mg_elemental = o.mg_compound = NAN;
	for (int i = 1; i < argc; i++)
		if (log_option(&o, argc, argv, &i, &status) < 0)
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
	if (o.night.date == MG_DATE_UNSET) {
		/* Default: this morning, local time. */
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		o.night.date = mg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	}
	char date[11];
	mg_date_format(o.night.date, date);
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
	/* On a terminal, ask for whatever is missing. */
	if (mg_night_first_missing(&o.night) && isatty(STDIN_FILENO) && ask_missing(&o, cli, &status))
		return status;
	const char *missing = mg_night_first_missing(&o.night);
	if (missing)
		return cli_error(EXIT_USAGE, "--%s: missing; every night needs --bed, --final-wake, --out-of-bed, --sol, "
					     "--awakenings and --waso",
				 missing);
	/* Offsets from the system time zone at bed and at the final awakening,
	 * so a DST change inside the night is counted in real minutes. */
	struct mg_night_times t;
	if (mg_night_timeline(&o.night, &t, &err))
		return cli_fail(&err);
	o.night.utc_offset_evening = utc_offset_at(t.local[MG_EV_BED]);
	o.night.utc_offset_morning = utc_offset_at(t.local[MG_EV_FINAL_WAKE]);
	struct mg_night_metrics m;
	if (mg_night_compute(&o.night, &m, &err))
		return cli_fail(&err);

	/* Magnesium that evening: elemental mg, or compound mg converted with the KB. */
	const struct mg_compound *form = NULL;
	if (o.no_mg && (o.mg_form || !isnan(o.mg_elemental) || !isnan(o.mg_compound)))
		return cli_error(EXIT_USAGE, "--no-mg: contradicts the --mg-* options");
	if (!isnan(o.mg_elemental) && !isnan(o.mg_compound))
		return cli_error(EXIT_USAGE, "--mg-compound: give either --mg-elemental or --mg-compound, not both");
	if (o.mg_form || !isnan(o.mg_compound)) {
		const struct mg_kb *kb = cli_kb(cli, &status);
		if (!kb)
			return status;
		if (!o.mg_form)
			return cli_error(EXIT_USAGE, "--mg-form: needed with --mg-compound");
		if (!(form = mg_kb_find_compound(kb, o.mg_form)))
			return cli_error(EXIT_USAGE, "--mg-form: unknown form; accepted: %s", mg_kb_compound_names(kb));
		if (!isnan(o.mg_compound))
			o.mg_elemental = mg_elemental_from_compound(form, o.mg_compound);
		else if (isnan(o.mg_elemental))
			return cli_error(EXIT_USAGE, "--mg-elemental: needed with --mg-form (or give --mg-compound)");
	}

	mg_buf_printf(&entry, "{\"date\":\"%s\"", date);
	put_clock(&entry, "bed", o.night.bed);
	put_clock(&entry, "try_sleep", o.night.try_sleep < 0 ? o.night.bed : o.night.try_sleep);
	mg_buf_printf(&entry, ",\"sol_min\":%d,\"awakenings\":%d,\"waso_min\":%d", o.night.sol_min, o.night.awakenings,
		      o.night.waso_min);
	put_clock(&entry, "final_wake", o.night.final_wake);
	put_clock(&entry, "out_of_bed", o.night.out_of_bed);
	if (o.night.quality)
		mg_buf_printf(&entry, ",\"quality\":%d", o.night.quality);
	mg_buf_printf(&entry, ",\"utc_offset_evening\":%d,\"utc_offset_morning\":%d", o.night.utc_offset_evening,
		      o.night.utc_offset_morning);
	if (o.comment) {
		mg_buf_puts(&entry, ",\"comment\":");
		mg_buf_put_json_str(&entry, o.comment);
	}
	if (!isnan(o.mg_elemental)) {
		mg_buf_puts(&entry, ",\"magnesium\":{\"elemental_mg\":");
		mg_buf_put_num(&entry, o.mg_elemental, 1);
		if (form) {
			mg_buf_printf(&entry, ",\"form\":\"%s\",\"compound_mg\":", form->id);
			mg_buf_put_num(&entry, isnan(o.mg_compound) ? mg_compound_from_elemental(form, o.mg_elemental)
								    : o.mg_compound,
				       1);
		}
		if (o.mg_time)
			mg_buf_printf(&entry, ",\"time\":\"%s\"", o.mg_time);
		mg_buf_putc(&entry, '}');
	} else if (o.no_mg) {
		mg_buf_puts(&entry, ",\"magnesium\":null");
	}
	if (o.tags) {
		mg_buf_puts(&entry, ",\"tags\":[");
		for (size_t k = 0, first = 1; k < N_TAGS; k++)
			if (o.tags >> k & 1) {
				mg_buf_printf(&entry, "%s\"%s\"", first ? "" : ",", known_tags[k]);
				first = 0;
			}
		mg_buf_putc(&entry, ']');
	}
	if (o.nap_min > 0)
		mg_buf_printf(&entry, ",\"nap_min\":%d", (int)o.nap_min);
	mg_buf_putc(&entry, '}');
	if (entry.failed) {
		status = cli_error(EXIT_FAIL, "out of memory");
		goto out;
	}

	struct mg_db_night rec = {date, entry.data, m.tib, m.sol, m.waso, m.tst, m.terminal_wake, m.se_pct,
				  o.mg_elemental};
	if (!(db = cli_db_open(cli, MG_DB_CREATE, &status)))
		goto out;
	if (mg_db_begin(db, &err) || mg_db_night_put(db, &rec, o.replace, cli_now(), &err) ||
	    mg_db_commit(db, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	printf("Logged the night of %s: in bed %dh%02d, asleep %dh%02d, sleep efficiency %.1f %%, "
	       "%d min to fall asleep, %d min awake in the night.\n",
	       date, m.tib / 60, m.tib % 60, m.tst / 60, m.tst % 60, m.se_pct, m.sol, m.waso);
out:
	mg_buf_release(&entry);
	mg_db_close(db);
	return status;
}
