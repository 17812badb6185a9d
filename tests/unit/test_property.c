/* Property test over 100,000 random valid profiles (seeded, reproducible).
 *
 * Invariants (issue 2, section 6):
 *  - no dose when kidney function is below 30 mL/min or on dialysis;
 *  - dose plus current supplement never above the jurisdiction's limit;
 *  - the verdict is never milder than any single rule: checked against an
 *    oracle written here directly from reference section 9.3, not from kb/;
 *  - the JSON output is always valid against docs/advice.schema.json;
 *  - consult/contraindicated never carry a dose; every format renders;
 *  - issue 10 section 2: a medicine written another way (case, strength,
 *    unit, dose form, frequency, salt, brand, combination product) never
 *    loses the spacing its generic name gives (reference 5): it is recognised
 *    as the same drug, or at worst unrecognised with the general 2-3 h rule
 *    when the drug's own spacing is no longer than that.
 * Set MGSLEEP_PROPERTY_N to change the count. */
#include "../tap.h"
#include "jsonschema.h"

#include <mgsleep/advise.h>
#include <mgsleep/render.h>
#include <mgsleep/renal.h>

#include <ctype.h>
#include <jansson.h>
#include <mgsleep/medname.h>
#include <string.h>
#include <stdint.h>
#include <stdlib.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void) /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static double uni(double lo, double hi)
{
	return lo + (hi - lo) * (double)(rnd() >> 11) / 9007199254740992.0;
}

static int chance(double p)
{
	return uni(0, 1) < p;
}

static const char *conditions[] = {"kidney-disease", "heart-failure", "heart-block", "arrhythmia",
				   "myasthenia-gravis", "bowel-obstruction", "chronic-diarrhea", "constipation",
				   "diabetes", "hypertension", "hypermagnesemia"};
static const char *symptoms[] = {"snoring", "witnessed-apnea", "daytime-sleepiness", "restless-legs", "low-mood",
				 "muscle-cramps", "abdominal-pain", "nausea", "flushing", "slow-pulse"};
static const char *meds[] = {"doxycycline", "ciprofloxacin", "moxifloxacin", "alendronate", "levothyroxine",
			     "dolutegravir", "bictegravir", "gabapentin", "iron", "furosemide",
			     "hydrochlorothiazide", "spironolactone", "omeprazole", "digoxin", "Lasix",
			     "Nexium", "paracetamol", "sertraline", "metformin", "amlodipine"};
#define N(a) (sizeof a / sizeof a[0])

/* Set field f to v printed with `decimals` digits and a unit suffix. */
static void setf(struct mg_profile *p, const struct mg_kb *kb, const char *f, int decimals, const char *suffix,
		 double v)
{
	char s[64];
	struct mg_error err = {0};
	snprintf(s, sizeof s, "%.*f%s", decimals, v, suffix);
	if (mg_profile_set(p, kb, f, s, &err)) {
		printf("# generator produced invalid --%s: %s\n", f, err.msg);
		abort();
	}
}

static void random_profile(struct mg_profile *p, const struct mg_kb *kb)
{
	struct mg_error err = {0};
	mg_profile_init(p);
	if (!chance(0.03))
		setf(p, kb, "age", 0, "", chance(0.08) ? uni(1, 17.99) : uni(18, 100));
	if (!chance(0.05))
		mg_profile_set(p, kb, "sex", chance(0.5) ? "female" : "male", &err);
	if (chance(0.8))
		setf(p, kb, "weight", 1, "", uni(35, 180));
	if (chance(0.7)) {
		if (chance(0.5))
			setf(p, kb, "creatinine", 2, "mg/dL", chance(0.8) ? uni(0.5, 1.6) : uni(1.6, 6));
		else
			setf(p, kb, "creatinine", 0, "umol/L", chance(0.8) ? uni(45, 140) : uni(140, 500));
	}
	if (chance(0.15))
		setf(p, kb, "egfr", 0, "", uni(5, 130));
	if (chance(0.05))
		setf(p, kb, "crcl", 0, "", uni(5, 150));
	if (chance(0.03))
		mg_profile_set(p, kb, "dialysis", NULL, &err);
	if (p->sex == MG_SEX_FEMALE && !isnan(p->age) && p->age >= 18 && p->age <= 45) {
		if (chance(0.05))
			mg_profile_set(p, kb, "pregnant", NULL, &err);
		else if (chance(0.04))
			mg_profile_set(p, kb, "breastfeeding", NULL, &err);
	}
	for (size_t i = 0; i < N(conditions); i++)
		if (chance(0.03))
			mg_profile_set(p, kb, "condition", conditions[i], &err);
	for (size_t i = 0; i < N(symptoms); i++)
		if (chance(0.02))
			mg_profile_set(p, kb, "symptom", symptoms[i], &err);
	for (size_t i = 0; i < N(meds); i++)
		if (chance(0.04))
			mg_profile_set(p, kb, "med", meds[i], &err);
	if (chance(0.3))
		setf(p, kb, "supplement-mg", 0, "", chance(0.5) ? uni(0, 150) : uni(0, 500));
	if (chance(0.5))
		setf(p, kb, "diet-mg", 0, "", uni(80, 600));
	if (chance(0.6))
		setf(p, kb, "isi", 0, "", (double)(rnd() % 29));
	if (chance(0.8)) {
		static const char *j[] = {"us", "eu", "uk"};
		mg_profile_set(p, kb, "jurisdiction", j[rnd() % 3], &err);
	}
	if (chance(0.1)) {
		static const char *forms[] = {"citrate", "oxide", "threonate", "bisglycinate", "sulfate"};
		mg_profile_set(p, kb, "prefer-form", forms[rnd() % N(forms)], &err);
	}
}

static int has(uint64_t set, const struct mg_kb *kb, const char *name, int cond);

/* The minimum verdict implied by reference 9.3 and issue 2 section 4, written
 * independently of kb/. */
static enum mg_verdict oracle(const struct mg_profile *p, const struct mg_kb *kb, double *renal_out)
{
	enum mg_verdict v = MG_VERDICT_RECOMMENDED;
#define AT_LEAST(x) \
	do { \
		if (v < (x)) \
			v = (x); \
	} while (0)
	double r = NAN;
	/* Sex not given: both sexes, the lower counts (reference 6.3). */
	enum mg_sex s1 = p->sex ? p->sex : MG_SEX_FEMALE, s2 = p->sex ? p->sex : MG_SEX_MALE;
	double cand[] = {mg_crcl_cockcroft_gault(p->age, p->weight_kg, p->creatinine_mg_dl, s1),
			 mg_crcl_cockcroft_gault(p->age, p->weight_kg, p->creatinine_mg_dl, s2),
			 mg_egfr_ckd_epi_2021(p->age, p->creatinine_mg_dl, s1),
			 mg_egfr_ckd_epi_2021(p->age, p->creatinine_mg_dl, s2), p->egfr, p->crcl};
	for (int i = 0; i < 6; i++)
		if (!isnan(cand[i]) && (isnan(r) || cand[i] < r))
			r = cand[i];
	*renal_out = r;
	if (p->dialysis || r < 30)
		AT_LEAST(MG_VERDICT_CONTRAINDICATED); /* rule 1 */
	if (r >= 30 && r < 60)
		AT_LEAST(MG_VERDICT_CONSULT); /* rule 2 */
	int known = !isnan(r) || p->dialysis;
	if (!known && has(p->conditions, kb, "kidney-disease", 1))
		AT_LEAST(MG_VERDICT_CONSULT);
	if (!known && (p->age >= 65 || has(p->conditions, kb, "diabetes", 1) || has(p->conditions, kb, "hypertension", 1) ||
		       has(p->conditions, kb, "heart-failure", 1)))
		AT_LEAST(MG_VERDICT_CONSULT); /* rule 2: unknown function in high-risk users */
	if (has(p->conditions, kb, "heart-block", 1) || has(p->conditions, kb, "heart-failure", 1) ||
	    has(p->conditions, kb, "arrhythmia", 1))
		AT_LEAST(MG_VERDICT_CONSULT); /* rule 4 */
	if (has(p->conditions, kb, "myasthenia-gravis", 1))
		AT_LEAST(MG_VERDICT_CONSULT); /* rule 8 */
	if (p->pregnant || p->breastfeeding)
		AT_LEAST(MG_VERDICT_CONSULT); /* rule 9 */
	if (has(p->conditions, kb, "bowel-obstruction", 1) || has(p->conditions, kb, "chronic-diarrhea", 1) ||
	    has(p->conditions, kb, "hypermagnesemia", 1))
		AT_LEAST(MG_VERDICT_CONTRAINDICATED); /* rule 10 */
	if (has(p->symptoms, kb, "abdominal-pain", 0) || has(p->symptoms, kb, "nausea", 0))
		AT_LEAST(MG_VERDICT_CONTRAINDICATED); /* rule 10 */
	if (has(p->symptoms, kb, "flushing", 0) || has(p->symptoms, kb, "slow-pulse", 0))
		AT_LEAST(MG_VERDICT_CONTRAINDICATED); /* rule 11 */
	if (p->age < 18)
		AT_LEAST(MG_VERDICT_CONSULT);
	for (size_t i = 0; i < p->n_meds; i++) {
		const char *m = p->meds[i];
		if (!strcmp(m, "digoxin") || !strcmp(m, "spironolactone") || !strcmp(m, "bictegravir"))
			AT_LEAST(MG_VERDICT_CONSULT); /* rules 5, 6; unverified spacing */
		else if (strcmp(m, "amlodipine"))
			AT_LEAST(MG_VERDICT_CAUTION); /* rule 7 spacing, rule 5 monitoring, unknown medicine */
	}
	/* Limits (reference 1.4): US 65 (1-3 y), 110 (4-8 y), 350 (9+); EU 250 (4+);
	 * UK 400 (adults). Default or no limit for the age: the lowest that applies. */
	double age = p->age;
	double us = age < 1 ? NAN : age < 4 ? 65 : age < 9 ? 110 : 350;
	double eu = age >= 4 ? 250 : NAN, uk = age >= 18 ? 400 : NAN;
	double lowest = fmin(fmin(us, eu), uk); /* fmin ignores NaN */
	double limit = p->jurisdiction == MG_JUR_US ? us : p->jurisdiction == MG_JUR_EU ? eu
		       : p->jurisdiction == MG_JUR_UK ? uk : lowest;
	if (isnan(limit))
		limit = lowest;
	/* rule 3: over the limit, or less than 50 mg of room (issue 10: too
	 * little for a useful dose), and nothing new is added */
	if (!isnan(p->supplement_mg) && p->supplement_mg > limit - 50)
		AT_LEAST(MG_VERDICT_CONTRAINDICATED);
	return v;
#undef AT_LEAST
}

#include "../../src/kb/kb_internal.h"

static int has(uint64_t set, const struct mg_kb *kb, const char *name, int cond)
{
	int k = cond ? mg_kb_find_condition(kb, name) : mg_kb_find_symptom(kb, name);
	return k >= 0 && (set >> k & 1);
}

/* Issue 10 section 2: generated spellings of every KB medicine. */
static void random_case(char *s)
{
	for (; *s; s++)
		if (chance(0.5))
			*s = (char)(chance(0.5) ? toupper((unsigned char)*s) : tolower((unsigned char)*s));
}

static double med_hours(const struct mg_advice *a, const char *drug, int *found)
{
	*found = 0;
	for (size_t i = 0; i < a->n_meds; i++)
		if (!strcmp(a->meds[i].drug, drug)) {
			*found = 1;
			return a->meds[i].separate_hours;
		}
	return -1;
}

static long variants(const struct mg_kb *kb, struct mg_advice *a, long per_drug, long *tested, char *first, size_t fsz)
{
	static const char *const salts[] = {"sodium", "HCl", "hydrochloride", "hyclate", "monohydrate", "mesylate",
					    "potassium", "besylate"};
	static const char *const units[] = {"mg", "MG", "mcg", "micrograms", "g", "mL", " mg", " MG"};
	static const char *const forms[] = {"tablet", "Oral Capsule", "ER", "tabs", "film-coated tablets",
					    "oral tablet", "capsules"};
	static const char *const freqs[] = {"od", "bd", "once daily", "at night", "prn", "twice a day"};
	long bad = 0;
	struct mg_error err = {0};
	for (size_t m = 0; m < mg_kb_medicine_count(kb); m++) {
		const struct mg_medicine *med = mg_kb_medicine(kb, m);
		struct mg_profile p;
		mg_profile_init(&p);
		mg_profile_set(&p, kb, "age", "50", &err);
		if (mg_profile_set(&p, kb, "med", med->name, &err) || mg_advise(kb, &p, a, &err))
			continue;
		int found;
		double base = med_hours(a, med->name, &found);
		if (!found) {
			bad++;
			snprintf(first, fsz, "generic '%s' itself not recognised", med->name);
			continue;
		}
		/* names of this medicine: generic, aliases, brands, combinations containing it */
		const char *names[64];
		size_t nn = 0;
		for (size_t d = 0; d < kb->n_drugs && nn < 64; d++) {
			const struct mg_drug_name *dn = &kb->drugs[d];
			int mine = dn->med == (int)m;
			if (dn->combo >= 0)
				for (unsigned k = 0; k < kb->combos[dn->combo].n; k++)
					mine |= kb->combos[dn->combo].med[k] == m;
			if (mine)
				names[nn++] = dn->key;
		}
		for (long v = 0; v < per_drug; v++) {
			char s[MG_MED_LEN * 2];
			int n = snprintf(s, sizeof s, "%s", names[rnd() % nn]);
			if (chance(0.4))
				n += snprintf(s + n, sizeof s - (size_t)n, " %s", salts[rnd() % N(salts)]);
			if (chance(0.6))
				n += snprintf(s + n, sizeof s - (size_t)n, " %s%s", chance(0.5) ? "0.1" : "250",
					      units[rnd() % N(units)]);
			if (chance(0.5))
				n += snprintf(s + n, sizeof s - (size_t)n, " %s", forms[rnd() % N(forms)]);
			if (chance(0.3))
				n += snprintf(s + n, sizeof s - (size_t)n, " %s", freqs[rnd() % N(freqs)]);
			random_case(s);
			if (n <= 0 || (size_t)n >= MG_MED_LEN)
				continue;
			mg_profile_init(&p);
			mg_profile_set(&p, kb, "age", "50", &err);
			if (mg_profile_set(&p, kb, "med", s, &err) || mg_advise(kb, &p, a, &err))
				continue;
			(*tested)++;
			double h = med_hours(a, med->name, &found);
			/* the general rule for an unrecognised name: 3 h (2-3 h, S18) */
			int ok_ = found ? h >= base : (a->n_unrecognised == 1 && base <= 3);
			if (!ok_) {
				if (!bad)
					snprintf(first, fsz, "'%s' (%s, %g h) gives %s %g h", s, med->name, base,
						 found ? "recognised" : "unrecognised", h);
				bad++;
			}
		}
	}
	return bad;
}

int main(void)
{
	struct mg_kb *kb = NULL;
	struct mg_error err = {0};
	if (mg_kb_load_builtin(&kb, &err)) {
		ok(0, "built-in KB loads: %s", err.msg);
		return tap_done();
	}
	json_error_t je;
	json_t *schema = json_load_file("docs/advice.schema.json", 0, &je);
	ok(schema != NULL, "docs/advice.schema.json loads (%s)", schema ? "ok" : je.text);

	long n = getenv("MGSLEEP_PROPERTY_N") ? atol(getenv("MGSLEEP_PROPERTY_N")) : 100000;
	long bad_renal = 0, bad_limit = 0, bad_oracle = 0, bad_schema = 0, bad_nodose = 0, bad_render = 0,
	     bad_level = 0, bad_determinism = 0, bad_noage = 0, n_noage = 0, bad_creat = 0, n_unsafe_creat = 0;
	long n_contra = 0, n_consult = 0, n_caution = 0, n_rec = 0;
	struct mg_buf b = MG_BUF_INIT, b2 = MG_BUF_INIT;
	struct mg_advice *a = malloc(sizeof *a);
	struct mg_render_opts jo = {MG_FMT_JSON, 0, 0, "test"};
	char first_failure[600] = "";

	for (long i = 0; i < n; i++) {
		struct mg_profile p;
		random_profile(&p, kb);
		if (mg_profile_check(&p, &err))
			continue;
		int r = mg_advise(kb, &p, a, &err);
		/* No age, no advice: never an adult assumed (issue 10 section 1). */
		if (isnan(p.age)) {
			n_noage++;
			bad_noage += !(r == MG_EINVAL && !strcmp(err.field, "age") && a->elemental_mg == 0);
			continue;
		}
		if (r) {
			bad_render++;
			continue;
		}
		/* A creatinine that is unsafe for either sex (CKD-EPI below 30 for
		 * a woman and for a man) never yields a dose, whatever else is
		 * missing (reference 6.3, 9.3 rule 1). */
		if (!isnan(p.creatinine_mg_dl) && p.age >= 18 &&
		    fmax(mg_egfr_ckd_epi_2021(p.age, p.creatinine_mg_dl, MG_SEX_FEMALE),
			 mg_egfr_ckd_epi_2021(p.age, p.creatinine_mg_dl, MG_SEX_MALE)) < 30) {
			n_unsafe_creat++;
			bad_creat += a->elemental_mg != 0;
		}
		double renal;
		enum mg_verdict min = oracle(&p, kb, &renal);
		n_contra += a->verdict == MG_VERDICT_CONTRAINDICATED;
		n_consult += a->verdict == MG_VERDICT_CONSULT;
		n_caution += a->verdict == MG_VERDICT_CAUTION;
		n_rec += a->verdict == MG_VERDICT_RECOMMENDED;
		if ((p.dialysis || renal < 30) && (a->elemental_mg != 0 || a->verdict != MG_VERDICT_CONTRAINDICATED))
			bad_renal++;
		if (a->limit && a->elemental_mg + a->supplement_mg > a->limit->mg + 1e-9 && a->elemental_mg > 0)
			bad_limit++;
		if (a->verdict < min) {
			if (getenv("MGSLEEP_PROPERTY_DEBUG"))
				printf("# oracle: age %.0f sex %d jur %d supp %.0f renal %.1f dialysis %d verdict %s oracle %s\n",
				       p.age, p.sex, p.jurisdiction, p.supplement_mg, renal, p.dialysis,
				       mg_verdict_name(a->verdict), mg_verdict_name(min));
			if (!bad_oracle)
				snprintf(first_failure, sizeof first_failure, "profile %ld: verdict %s, oracle %s", i,
					 mg_verdict_name(a->verdict), mg_verdict_name(min));
			bad_oracle++;
		}
		if (a->verdict >= MG_VERDICT_CONSULT && (a->elemental_mg != 0 || a->compound_mg != 0))
			bad_nodose++;
		/* 250 (trial) or 145 (gentler), threonate's 1 g of compound (82 mg,
		 * reference 3.1), or less when the limit caps it. */
		int threonate = !strcmp(a->form->id, "threonate");
		if (a->elemental_mg > 250 || (a->elemental_mg > 0 && a->elemental_mg != 250 && a->elemental_mg != 145 &&
					      !(threonate && a->elemental_mg == 82) && !(a->room_mg < a->level->mg)))
			bad_level++;
		if (threonate && a->elemental_mg > 82)
			bad_level++;
		mg_buf_reset(&b);
		if (mg_render_advice(a, &jo, &b, &err)) {
			bad_render++;
			continue;
		}
		json_t *doc = json_loadb(b.data, b.len, 0, &je);
		char why[400];
		if (!doc || (schema && js_validate(schema, doc, why, sizeof why))) {
			if (!bad_schema)
				snprintf(first_failure, sizeof first_failure, "profile %ld: %s", i,
					 doc ? why : je.text);
			bad_schema++;
		}
		json_decref(doc);
		if (i % 97 == 0) {
			for (int f = MG_FMT_TEXT; f <= MG_FMT_HTML; f++) {
				struct mg_render_opts o = {(enum mg_format)f, 80, 0, "test"};
				mg_buf_reset(&b2);
				if (mg_render_advice(a, &o, &b2, &err) || b2.len < 200)
					bad_render++;
			}
			mg_buf_reset(&b2);
			mg_render_advice(a, &jo, &b2, &err);
			if (b2.len != b.len || memcmp(b.data, b2.data, b.len))
				bad_determinism++;
		}
	}
	printf("# %ld profiles: %ld recommended, %ld caution, %ld consult, %ld contraindicated\n", n, n_rec,
	       n_caution, n_consult, n_contra);
	if (first_failure[0])
		printf("# first failure: %s\n", first_failure);
	ok(bad_renal == 0, "no dose when kidney function < 30 or on dialysis (%ld violations)", bad_renal);
	ok(n_noage > 0 && bad_noage == 0, "no age -> an error naming age and no dose (%ld of %ld)", bad_noage, n_noage);
	ok(n_unsafe_creat > 0 && bad_creat == 0,
	   "a creatinine unsafe for both sexes never yields a dose, whatever is missing (%ld of %ld)", bad_creat,
	   n_unsafe_creat);
	ok(bad_limit == 0, "dose + current supplement never above the limit (%ld violations)", bad_limit);
	ok(bad_oracle == 0, "verdict never milder than any single rule of reference 9.3 (%ld violations)", bad_oracle);
	ok(bad_nodose == 0, "consult/contraindicated never carry a dose (%ld violations)", bad_nodose);
	ok(bad_level == 0, "dose is 250 or 145 mg unless capped by the limit (%ld violations)", bad_level);
	ok(bad_schema == 0, "JSON always valid against docs/advice.schema.json (%ld violations)", bad_schema);
	ok(bad_render == 0, "every format renders (%ld failures)", bad_render);
	ok(bad_determinism == 0, "same input, byte-identical JSON (%ld failures)", bad_determinism);
	ok(n_contra > 0 && n_consult > 0 && n_caution > 0 && n_rec > 0, "the generator reaches every verdict");
	{
		long tested = 0, per = n / 500 > 20 ? n / 500 : 20;
		char why[300] = "";
		long bad_var = variants(kb, a, per, &tested, why, sizeof why);
		if (why[0])
			printf("# first variant failure: %s\n", why);
		ok(bad_var == 0 && tested > 1000,
		   "issue 10 / 5: %ld spellings (case, strength, form, frequency, salt, brand, combination) never lose "
		   "a spacing (%ld violations)",
		   tested, bad_var);
	}
	json_decref(schema);
	mg_buf_release(&b);
	mg_buf_release(&b2);
	free(a);
	mg_kb_free(kb);
	return tap_done();
}
