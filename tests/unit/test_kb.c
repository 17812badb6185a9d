/* Knowledge-base loading and build-time validation: the embedded copy equals
 * kb/, and each class of KB error the issue names fails loading with a
 * message that names the file and the item. Each case copies kb/ to a
 * temporary directory and breaks one thing. */
#include "../tap.h"

#include <mgsleep/kb.h>

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static const char *files[] = {"meta",	   "sources",  "compounds", "intakes",  "limits",
			      "conditions", "symptoms", "interactions", "rules",   "referrals",
			      "monitoring", "outcomes", "pitfalls",  "studies",  "dose", "diet", "trial", "medicines",
			      "terminology"};
#define NF (sizeof files / sizeof files[0])

static char dir[64];

static void copy_kb(void)
{
	snprintf(dir, sizeof dir, "/tmp/mgsleep-kbtest-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	for (size_t i = 0; i < NF; i++) {
		char src[256], dst[256];
		snprintf(src, sizeof src, "kb/%s.json", files[i]);
		snprintf(dst, sizeof dst, "%s/%s.json", dir, files[i]);
		json_t *j = json_load_file(src, 0, NULL);
		if (!j || json_dump_file(j, dst, JSON_INDENT(1)))
			abort();
		json_decref(j);
	}
}

static void remove_kb(void)
{
	for (size_t i = 0; i < NF; i++) {
		char p[256];
		snprintf(p, sizeof p, "%s/%s.json", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

static json_t *load(const char *file)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s.json", dir, file);
	return json_load_file(p, 0, NULL);
}

static void save(const char *file, json_t *j)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s.json", dir, file);
	if (json_dump_file(j, p, JSON_INDENT(1)))
		abort();
	json_decref(j);
}

/* Load the broken copy; expect failure whose message contains both needles. */
static void expect_fail(const char *name, const char *n1, const char *n2)
{
	struct mg_kb *kb = NULL;
	struct mg_error err = {0};
	int r = mg_kb_load_dir(&kb, dir, &err);
	ok(r != 0 && kb == NULL, "%s: rejected", name);
	ok(strstr(err.msg, n1) && (!n2 || strstr(err.msg, n2)), "%s: message names '%s'%s%s", name, n1,
	   n2 ? " and " : "", n2 ? n2 : "");
	if (!strstr(err.msg, n1) || (n2 && !strstr(err.msg, n2)))
		printf("#   message: %s\n", err.msg);
	mg_kb_free(kb);
}

#define ARR_GET(a, i, k) json_object_get(json_array_get((a), (i)), (k))

int main(void)
{
	struct mg_kb *builtin = NULL, *fromdir = NULL;
	struct mg_error err = {0};
	ok(mg_kb_load_builtin(&builtin, &err) == 0, "built-in KB loads (%s)", err.msg);
	ok(mg_kb_load_dir(&fromdir, "kb", &err) == 0, "kb/ loads (%s)", err.msg);
	if (builtin && fromdir) {
		is_str(mg_kb_hash(builtin), mg_kb_hash(fromdir), "embedded KB is exactly kb/ (same sha256)");
		is_str(mg_kb_version(builtin), "2026.12.1", "KB version");
	}
	mg_kb_free(fromdir);

	copy_kb();
	json_t *j = load("rules");
	json_array_set_new(json_object_get(json_array_get(j, 0), "refs"), 0, json_string("S99"));
	save("rules", j);
	expect_fail("rule citing an unknown source", "rules.json", "S99");
	remove_kb();

	copy_kb();
	j = load("sources");
	json_array_append(j, json_array_get(j, 0));
	save("sources", j);
	expect_fail("duplicate source id", "duplicate id", "S01");
	remove_kb();

	copy_kb();
	j = load("rules");
	json_object_set_new(json_array_get(j, 1), "code", json_string("renal-severe"));
	save("rules", j);
	expect_fail("duplicate rule code", "duplicate id", "renal-severe");
	remove_kb();

	/* Bisglycinate: formula gives 0.14096; 0.5 % of that is 0.000705. */
	copy_kb();
	j = load("compounds");
	json_object_set_new(json_array_get(j, 0), "elemental_fraction", json_real(0.1418));
	save("compounds", j);
	expect_fail("elemental fraction 0.6 % off its formula", "bisglycinate", "0.5%");
	remove_kb();

	copy_kb();
	j = load("compounds");
	json_object_set_new(json_array_get(j, 0), "elemental_fraction", json_real(0.1416));
	save("compounds", j);
	{
		struct mg_kb *kb = NULL;
		ok(mg_kb_load_dir(&kb, dir, &err) == 0, "elemental fraction 0.45 %% off its formula is accepted");
		mg_kb_free(kb);
	}
	remove_kb();

	copy_kb();
	j = load("compounds");
	json_object_set_new(json_array_get(j, 0), "formula", json_string("Mg(C2H4NO2"));
	save("compounds", j);
	expect_fail("unreadable formula", "compounds.json", "formula");
	remove_kb();

	/* EU upper limit 250 mg (reference 1.4): a 300 mg level must fail the build. */
	copy_kb();
	j = load("dose");
	json_object_set_new(json_array_get(json_object_get(j, "levels"), 0), "mg", json_integer(300));
	save("dose", j);
	expect_fail("dose level above the lowest adult upper limit", "dose.json", "above the upper limit");
	remove_kb();

	/* kb/terminology.json: a code must map to a known condition, and an
	 * observation read as a number for a safety rule must be verified. */
	copy_kb();
	j = load("terminology");
	json_object_set_new(json_array_get(json_object_get(j, "conditions"), 0), "condition", json_string("kidney-diseas"));
	save("terminology", j);
	expect_fail("terminology code for an unknown condition", "terminology", "kidney-diseas");
	remove_kb();
	copy_kb();
	j = load("terminology");
	json_object_set_new(json_array_get(json_object_get(j, "observations"), 0), "status", json_string("unverified"));
	save("terminology", j);
	expect_fail("unverified observation code", "terminology", "must be verified");
	remove_kb();
	/* A creatinine code carries the unit it is measured in (LOINC 2160-0 is
	 * mass per volume, mg/dL): another unit is refused at load. */
	copy_kb();
	j = load("terminology");
	json_object_set_new(json_array_get(json_object_get(j, "observations"), 0), "unit", json_string("mmol/L"));
	save("terminology", j);
	expect_fail("creatinine code with a unit that is neither mg/dL nor umol/L", "terminology", "mg/dL or umol/L");
	remove_kb();

	copy_kb();
	j = load("rules");
	json_object_set_new(json_object_get(json_array_get(j, 0), "when"), "renal_bellow", json_integer(30));
	save("rules", j);
	expect_fail("misspelt test in 'when'", "rules.json", "renal_bellow");
	remove_kb();

	copy_kb();
	j = load("rules");
	json_object_set_new(json_array_get(j, 6), "when",
			    json_pack("{s:[s]}", "condition_any", "heart-blok"));
	save("rules", j);
	expect_fail("unknown condition in 'when'", "rules.json", "heart-blok");
	remove_kb();

	copy_kb();
	j = load("referrals");
	json_object_set_new(json_array_get(j, 0), "refs", json_array());
	save("referrals", j);
	expect_fail("statement citing no source", "referrals.json", "cites no source");
	remove_kb();

	copy_kb();
	j = load("interactions");
	json_object_set_new(json_array_get(j, 0), "verdict", json_string("fine"));
	save("interactions", j);
	expect_fail("unknown verdict", "interactions.json", "fine");
	remove_kb();

	copy_kb();
	j = load("interactions");
	json_array_append_new(json_object_get(json_array_get(j, 0), "drugs"), json_pack("{s:s}", "name", "Lasix"));
	save("interactions", j);
	expect_fail("medicine name listed twice", "interactions.json", "Lasix");
	remove_kb();

	copy_kb();
	{
		char p[256];
		snprintf(p, sizeof p, "%s/limits.json", dir);
		FILE *f = fopen(p, "w");
		fputs("{\n \"items\": [\n  {\"jurisdiction\": \"us\",}\n ]\n}\n", f);
		fclose(f);
	}
	expect_fail("malformed JSON names file, line and column", "limits.json:3:", NULL);
	remove_kb();

	copy_kb();
	{
		char p[256];
		snprintf(p, sizeof p, "%s/studies.json", dir);
		unlink(p);
	}
	expect_fail("missing file", "studies.json", "cannot read");
	remove_kb();

	/* The trial design is data: a washout as long as the period is refused. */
	copy_kb();
	j = load("trial");
	json_object_set_new(json_object_get(j, "design"), "washout", json_integer(28));
	save("trial", j);
	expect_fail("trial washout not shorter than the period", "trial.design", "washout");
	remove_kb();

	ok(mg_kb_load_json(&fromdir, "{\"meta\":", 8, &err) == MG_EPARSE, "truncated KB JSON is a parse error");
	ok(mg_kb_load_json(&fromdir, "[]", 2, &err) == MG_EKB, "KB must be an object");

	if (builtin) {
		const struct mg_compound *c = mg_kb_find_compound(builtin, "Magnesium Glycinate");
		ok(c && !strcmp(c->id, "bisglycinate"), "compound found by alias, case-insensitively");
		ok(mg_kb_find_compound(builtin, "unobtainium") == NULL, "unknown compound is NULL");
		/* Reference 2.1 table: mg compound for 250 mg Mg. */
		is_num(mg_compound_from_elemental(mg_kb_find_compound(builtin, "oxide"), 250), 415, 0.6,
		       "250 mg Mg = 415 mg oxide (ref 2.1)");
		is_num(mg_compound_from_elemental(mg_kb_find_compound(builtin, "citrate"), 250), 1547, 0.6,
		       "250 mg Mg = 1547 mg citrate (ref 2.1)");
		is_num(mg_compound_from_elemental(mg_kb_find_compound(builtin, "threonate"), 250), 3029, 0.6,
		       "250 mg Mg = 3029 mg threonate (ref 2.1)");
		is_num(mg_elemental_from_compound(mg_kb_find_compound(builtin, "threonate"), 1000), 82.5, 0.05,
		       "1 g threonate = 82.5 mg Mg, not 144 (ref 2.1 caveat)");
		is_num(mg_compound_from_elemental(mg_kb_find_compound(builtin, "sulfate"), 250), 2535, 1,
		       "250 mg Mg = 2535 mg Epsom salt (ref 2.1)");
		/* Reference 9.1: "use 4 weeks as minimum N-of-1 phase" (Schuster 2025,
		 * S05); no trial measured an effect after 3-7 days. */
		const struct mg_trial_design *dg = mg_kb_trial_design(builtin);
		ok(dg->period_days == 28 && dg->min_period_days == 28 && dg->washout == 7 && dg->pairs == 6,
		   "9.1 / S05: default trial phases of 4 weeks (28 nights), 7-night washout, 6 pairs");
		ok(dg->refs.n == 1 && !strcmp(mg_kb_source(builtin, dg->refs.idx[0])->id, "S05"),
		   "9.1: the 4-week minimum cites S05 (Schuster 2025)");
		/* Every compound's formula-derived fraction is within 0.5 % of the reference table. */
		for (size_t i = 0; i < mg_kb_compound_count(builtin); i++) {
			const struct mg_compound *m = mg_kb_compound(builtin, i);
			ok(m->refs.n > 0 && m->fraction > 0 && m->fraction < 1, "compound %s is cited and sane", m->id);
		}
	}
	mg_kb_free(builtin);
	return tap_done();
}
