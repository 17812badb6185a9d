/* Advice from what the store knows: the one place that turns a profile plus
 * the store (dietary estimate, latest ISI) into the engine's input, so that
 * advise, report, trial plan, log and diet all advise the same person the
 * same way. */
#include "cli.h"

#include <mgsleep/advise.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_enrich_profile(struct mg_db *db, struct mg_profile *p, struct mg_error *err)
{
	if (isnan(p->diet_mg)) {
		double est;
		char source[96];
		if (cli_diet_estimate(db, &est, source, sizeof source, err))
			return -1;
		if (!isnan(est)) {
			p->diet_mg = est;
			snprintf(p->diet_source, sizeof p->diet_source, "%s", source);
		}
	}
	if (isnan(p->isi) && mg_db_latest_isi(db, &p->isi, err))
		return -1;
	return 0;
}

int cli_stored_advice_e(struct mg_db *db, const struct mg_kb *kb, struct mg_advice *a, struct mg_profile *p,
			struct mg_error *err)
{
	char *js = NULL;
	if (mg_db_profile_get(db, &js, err))
		return -1;
	if (!js)
		return 1;
	mg_profile_init(p);
	int r = mg_profile_load_json(p, kb, js, strlen(js), err);
	free(js);
	if (r) {
		char m[sizeof err->msg];
		snprintf(m, sizeof m, "%s", err->msg); /* not formatted from itself */
		mg_fail(err, MG_EIO, "profile", "stored profile: %s", m);
		return -1;
	}
	if (cli_enrich_profile(db, p, err))
		return -1;
	if (mg_advise(kb, p, a, err))
		return err->code == MG_EINVAL && !strcmp(err->field, "age") ? 2 : -1;
	return 0;
}

int cli_stored_advice(struct mg_cli *cli, struct mg_db *db, struct mg_advice *a, struct mg_profile *p,
		      int *status)
{
	struct mg_error err = {0};
	const struct mg_kb *kb = cli_kb(cli, status);
	if (!kb)
		return -1;
	int r = cli_stored_advice_e(db, kb, a, p, &err);
	if (r < 0)
		*status = cli_fail(&err);
	return r;
}
