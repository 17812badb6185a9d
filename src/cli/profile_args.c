/* Profile input shared by `advise` and `profile set`: a JSON file and flags. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int cli_profile_file(const char *path, const struct mg_kb *kb, struct mg_profile *p, int *status)
{
	struct mg_error err = {0};
	size_t len;
	char *json = cli_read_file(path, MG_PROFILE_MAX_BYTES, &len, "--profile", status);
	if (!json)
		return -1;
	int r = mg_profile_load_json(p, kb, json, len, &err);
	free(json);
	if (r) {
		*status = cli_error(EXIT_USAGE, "--profile '%s': %s", path, err.msg);
		return -1;
	}
	return 0;
}

/* Recorded, not applied: the --profile file, wherever it appears, is read
 * first and the flags override it. */
static int record(void *field, const struct cli_option *opt, const char *arg, int *status)
{
	struct cli_profile_flags *f = field;
	if (f->n == CLI_PROFILE_MAX_FLAGS) {
		*status = cli_error(EXIT_USAGE, "--%s: accepted: at most %d profile options", opt->name,
				    CLI_PROFILE_MAX_FLAGS);
		return -1;
	}
	f->opt[f->n] = opt;
	f->value[f->n++] = arg;
	return 0;
}

/* The fields of src/core/profile.c, which checks every value; here only what
 * the help says of them. */
#define VALUE(name, argh, help) CLI_OPT_CALLBACK(struct cli_profile_flags, n, size_t, name, argh, record, help)
#define SWITCH(name, help) CLI_OPT_CALLBACK_OPTARG(struct cli_profile_flags, n, size_t, name, record, help)
const struct cli_option cli_profile_options[] = {
	VALUE("age", "YEARS", "0 to 120"),
	VALUE("sex", "female|male", NULL),
	VALUE("weight", "KG", "or pounds with a suffix: 154lb"),
	VALUE("height", "CM", NULL),
	VALUE("creatinine", "VALUE", "with its unit: 1.1mg/dL or 97umol/L"),
	VALUE("egfr", "ML_MIN", "reported eGFR, mL/min/1.73 m2"),
	VALUE("crcl", "ML_MIN", "reported creatinine clearance, mL/min"),
	SWITCH("dialysis", "on dialysis"),
	SWITCH("pregnant", "pregnant"),
	SWITCH("breastfeeding", "breastfeeding"),
	VALUE("condition", "NAME[,NAME]", "repeatable; see 'mgsleep help conditions'"),
	VALUE("med", "NAME[,NAME]", "repeatable; generic or brand name"),
	VALUE("supplement-mg", "MG", "elemental Mg already taken daily from supplements/medicines"),
	VALUE("diet-mg", "MG", "estimated dietary Mg per day"),
	VALUE("isi", "SCORE", "Insomnia Severity Index, 0 to 28"),
	VALUE("symptom", "NAME[,NAME]", "repeatable; see 'mgsleep help symptoms'"),
	VALUE("jurisdiction", "us|eu|uk", "whose supplement limit applies (default: the lowest)"),
	VALUE("prefer-form", "NAME", "preferred compound; see 'mgsleep forms'"),
	CLI_OPT_END(),
};

int cli_profile_apply(const struct cli_profile_flags *f, const struct mg_kb *kb, struct mg_profile *p, int *status)
{
	struct mg_error err = {0};
	for (size_t i = 0; i < f->n; i++)
		if (mg_profile_set(p, kb, f->opt[i]->name, f->value[i], &err)) {
			*status = cli_fail(&err);
			return -1;
		}
	if (mg_profile_check(p, &err)) {
		*status = cli_fail(&err);
		return -1;
	}
	return 0;
}
