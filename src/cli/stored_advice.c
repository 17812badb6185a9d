/* Advice from the stored profile, as 'mgsleep advise' computes it (cli.h):
 * the profile enriched with the diet estimate and the latest ISI when it
 * has none. Used by trial plan, log and report. */
#include "cli.h"

#include <mgsleep/advise.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
