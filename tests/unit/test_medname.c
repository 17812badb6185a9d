/* The medicine-name normaliser (issue 10 section 2), against the built-in KB.
 * Expected generics and spacings are worked out from the evidence reference,
 * section 5 (drug interactions) and 1.4 (what counts toward the supplement
 * limit), not from what the code prints:
 *   tetracyclines 2 h before / 6 h after (upper end of "4-6 h", S30, S18);
 *   ciprofloxacin 2 / 6 (S27); bisphosphonates 3-4 h (SmPC, S18), 4 used;
 *   levothyroxine >= 4 h (S29); dolutegravir 2 / 6 (S26); gabapentin >= 2 h (S28);
 *   any other medicine 2-3 h (S18): the tool uses 3 h both ways;
 *   magnesium-containing medicines count toward the supplement limit (1.4, S11). */
#include "../tap.h"

#include <mgsleep/advise.h>
#include <mgsleep/medname.h>

#include <stdlib.h>
#include <string.h>

static const struct mg_kb *kb;

struct want {
	const char *input;
	const char *generic[4]; /* every ingredient, in any order */
	double hours[4];        /* the larger of before/after for each; -1 none */
	const char *cls0;       /* class of the first ingredient */
	const char *why;
};

static const struct want cases[] = {
	/* strengths, units, dose forms, salts (5 / S30 S18, S27, S29, S28) */
	{"Doxycycline Hyclate 100 MG Oral Capsule", {"doxycycline"}, {6}, "tetracycline", "5 / S30 S18"},
	{"doxycycline monohydrate 100mg tablets", {"doxycycline"}, {6}, "tetracycline", "5 / S30 S18"},
	{"LEVOTHYROXINE SODIUM 0.1 MG ORAL TABLET", {"levothyroxine"}, {4}, "levothyroxine", "5 / S29"},
	{"levothyroxine sodium", {"levothyroxine"}, {4}, "levothyroxine", "5 / S29"},
	{"Levothyroxine 50 micrograms tablets", {"levothyroxine"}, {4}, "levothyroxine", "5 / S29"},
	{"Ciprofloxacin HCl 500mg tab", {"ciprofloxacin"}, {6}, "fluoroquinolone", "5 / S27"},
	{"ciprofloxacin hydrochloride 250 mg film-coated tablets bd", {"ciprofloxacin"}, {6}, "fluoroquinolone",
	 "5 / S27"},
	{"risedronate sodium 35 MG", {"risedronate"}, {4}, "bisphosphonate", "5 / S18"},
	{"gabapentin 300 mg", {"gabapentin"}, {2}, "gabapentin", "5 / S28"},
	{"Gabapentin 300 MG Oral Capsule", {"gabapentin"}, {2}, "gabapentin", "5 / S28"},
	{"omeprazole 20 mg", {"omeprazole"}, {3}, "ppi", "5 general rule / S18"},
	{"Omeprazole 20 MG Delayed Release Oral Capsule", {"omeprazole"}, {3}, "ppi", "5 general rule / S18"},
	{"esomeprazole magnesium 40mg", {"esomeprazole"}, {3}, "ppi", "5 general rule / S18"},
	{"pantoprazole sodium sesquihydrate 40 mg gastro-resistant tablets", {"pantoprazole"}, {3}, "ppi",
	 "5 general rule / S18"},
	{"furosemide 40mg od", {"furosemide"}, {3}, "loop-diuretic", "5 general rule / S18"},
	{"Digoxin 0.125 MG Oral Tablet", {"digoxin"}, {3}, "digoxin", "5 general rule / S18"},
	{"amlodipine besylate 5 mg once daily", {"amlodipine"}, {3}, "calcium-channel-blocker", "5 general rule / S18"},
	{"ferrous sulphate 200 mg tds", {"iron"}, {4}, "iron", "5 / S18"},
	{"ferrous fumarate", {"iron"}, {4}, "iron", "5 / S18"},
	/* international names (US and UK) */
	{"thyroxine", {"levothyroxine"}, {4}, "levothyroxine", "5 / S29; BAN"},
	{"L-thyroxine", {"levothyroxine"}, {4}, "levothyroxine", "5 / S29"},
	{"frusemide", {"furosemide"}, {3}, "loop-diuretic", "BAN / S18"},
	{"alendronic acid", {"alendronate"}, {4}, "bisphosphonate", "rINN / 5 / S18"},
	{"Alendronic acid 70 MG Oral Tablet", {"alendronate"}, {4}, "bisphosphonate", "rINN / 5 / S18"},
	{"ibandronic acid 150 mg", {"ibandronate"}, {4}, "bisphosphonate", "rINN / 5 / S18"},
	{"chlortalidone", {"chlorthalidone"}, {3}, "thiazide-diuretic", "rINN / S18"},
	{"bendrofluazide 2.5mg", {"bendroflumethiazide"}, {3}, "thiazide-diuretic", "BAN / S18"},
	{"torasemide", {"torsemide"}, {3}, "loop-diuretic", "rINN / S18"},
	{"cyclosporine", {"ciclosporin"}, {3}, "clinician-managed", "USAN / S47"},
	/* brands */
	{"Synthroid 100 mcg", {"levothyroxine"}, {4}, "levothyroxine", "5 / S29"},
	{"Eltroxin", {"levothyroxine"}, {4}, "levothyroxine", "5 / S29"},
	{"NEXIUM", {"esomeprazole"}, {3}, "ppi", "5 general rule / S18"},
	{"Lasix 40 mg", {"furosemide"}, {3}, "loop-diuretic", "5 general rule / S18"},
	{"Tivicay 50mg", {"dolutegravir"}, {6}, "integrase-inhibitor", "5 / S26"},
	/* combination products: every ingredient */
	{"Triumeq", {"abacavir", "dolutegravir", "lamivudine"}, {3, 6, 3}, "general", "5 / S26 + general rule S18"},
	{"abacavir/dolutegravir/lamivudine", {"abacavir", "dolutegravir", "lamivudine"}, {3, 6, 3}, "general",
	 "5 / S26"},
	{"dolutegravir + lamivudine", {"dolutegravir", "lamivudine"}, {6, 3}, "integrase-inhibitor", "5 / S26"},
	{"Dovato", {"dolutegravir", "lamivudine"}, {6, 3}, "integrase-inhibitor", "5 / S26"},
	{"Biktarvy", {"bictegravir", "emtricitabine", "tenofovir alafenamide"}, {6, 3, 3}, "integrase-inhibitor",
	 "5 / S26"},
	{"Juluca", {"dolutegravir/rilpivirine"}, {6}, "integrase-inhibitor", "5 / S26: 4 h before or 6 h after"},
	{"rilpivirine and dolutegravir", {"dolutegravir/rilpivirine"}, {6}, "integrase-inhibitor",
	 "5 / S26: the Juluca rule in any order"},
	{"co-amilofruse", {"amiloride", "furosemide"}, {3, 3}, "potassium-sparing-diuretic", "5 / S30 S18"},
	{"co-amilofruse 5/40 tablets", {"amiloride", "furosemide"}, {3, 3}, "potassium-sparing-diuretic",
	 "5 / S30 S18"},
	{"co-amilozide", {"amiloride", "hydrochlorothiazide"}, {3, 3}, "potassium-sparing-diuretic", "5 / S30 S18"},
	{"Moduretic", {"amiloride", "hydrochlorothiazide"}, {3, 3}, "potassium-sparing-diuretic", "5 / S30 S18"},
	{"Dyazide", {"triamterene", "hydrochlorothiazide"}, {3, 3}, "potassium-sparing-diuretic", "5 / S30 S18"},
	{"Maxzide", {"triamterene", "hydrochlorothiazide"}, {3, 3}, "potassium-sparing-diuretic", "5 / S30 S18"},
	{"triamterene/hydrochlorothiazide 37.5/25 mg", {"triamterene", "hydrochlorothiazide"}, {3, 3},
	 "potassium-sparing-diuretic", "5 / S30 S18"},
	/* magnesium-containing medicines: no spacing with itself; count toward the limit (1.4, S11) */
	{"Milk of Magnesia", {"magnesium hydroxide"}, {-1}, "magnesium-product", "1.4 / S11"},
	{"magnesium oxide 400 mg", {"magnesium oxide"}, {-1}, "magnesium-product", "1.4 / S11"},
	{"Magnesium Oxide 400 MG Oral Tablet", {"magnesium oxide"}, {-1}, "magnesium-product", "1.4 / S11"},
	{"magnesium citrate", {"magnesium citrate"}, {-1}, "magnesium-product", "1.4 / S11"},
	{"Epsom salts", {"magnesium sulfate"}, {-1}, "magnesium-product", "1.4 / S11"},
	{"Maalox", {"magnesium hydroxide"}, {-1}, "magnesium-product", "1.4 / S11, S27 (Maalox is Mg/Al)"},
	{"magnesium glycinate 120 mg", {"magnesium"}, {-1}, "magnesium-product", "1.4 / S11"},
	/* recognised, no specific interaction: the general rule (5, S18) */
	{"metformin 500 mg bd", {"metformin"}, {3}, "general", "5 general rule / S18"},
	{"lamivudine", {"lamivudine"}, {3}, "general", "5 general rule / S18"},
};

static int has(const struct mg_med_match *m, const char *g, double *hours, const char **cls)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->med[i]->name, g)) {
			const struct mg_interaction *x = m->med[i]->inter;
			*hours = x->before_h > x->after_h ? x->before_h : x->after_h;
			*cls = x->cls;
			return 1;
		}
	return 0;
}

static void table(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct want *w = &cases[i];
		struct mg_med_match m;
		size_t want_n = 0;
		mg_kb_match_medicine(kb, w->input, &m);
		while (want_n < 4 && w->generic[want_n])
			want_n++;
		ok(m.n == want_n && !m.unrecognised, "%s: '%s' -> %zu ingredient(s), all recognised", w->why, w->input,
		   want_n);
		for (size_t k = 0; k < want_n; k++) {
			double h = -99;
			const char *cls = NULL;
			if (!ok(has(&m, w->generic[k], &h, &cls), "%s: '%s' contains %s", w->why, w->input, w->generic[k]))
				continue;
			is_num(h, w->hours[k], 0, "%s: '%s': %s spacing %g h", w->why, w->input, w->generic[k], w->hours[k]);
			if (k == 0)
				is_str(cls, w->cls0, "%s: '%s': %s class %s", w->why, w->input, w->generic[k], w->cls0);
		}
	}
}

static void unrecognised(void)
{
	/* Misspellings get a suggestion, never a silent match. */
	static const char *const typo[][2] = {
		{"levothyroxin", "levothyroxine"}, {"doxycyclin", "doxycycline"}, {"doxycyclin hyclate 100 mg", "doxycycline"},
		{"ciprofloxacine", "ciprofloxacin"}, {"gabapentine", "gabapentin"}, {"omeprazol 20mg", "omeprazole"},
		{"furosemid", "furosemide"},       {"alendronat", "alendronate"},
	};
	for (size_t i = 0; i < sizeof typo / sizeof typo[0]; i++) {
		struct mg_med_match m;
		mg_kb_match_medicine(kb, typo[i][0], &m);
		ok(m.n == 0 && m.unrecognised, "issue 10: misspelling '%s' is not matched silently", typo[i][0]);
		ok(m.suggestion && !strcmp(m.suggestion, typo[i][1]), "issue 10: '%s' -> did you mean %s? (got %s)",
		   typo[i][0], typo[i][1], m.suggestion ? m.suggestion : "none");
		const char *s = mg_kb_suggest_medicine(kb, typo[i][0]);
		ok(s && !strcmp(s, typo[i][1]), "mg_kb_suggest_medicine('%s') = %s", typo[i][0], typo[i][1]);
	}
	/* Nothing close: no suggestion. */
	static const char *const none[] = {"paracetamol", "sertraline", "foobarium", "", "   ", "100 mg", "?!",
					   "sodium"};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		struct mg_med_match m;
		mg_kb_match_medicine(kb, none[i], &m);
		ok(m.n == 0 && m.unrecognised && !m.suggestion, "issue 10: '%s' unrecognised, no suggestion", none[i]);
	}
	/* A combination with an unknown part: the known part is kept, the input is unrecognised too. */
	struct mg_med_match m;
	mg_kb_match_medicine(kb, "amlodipine/valsartan 5/160 mg", &m);
	ok(m.n == 1 && !strcmp(m.med[0]->name, "amlodipine") && m.unrecognised,
	   "issue 10: amlodipine/valsartan -> amlodipine recognised, valsartan part unrecognised");
	/* "oxide" alone is not magnesium oxide; "magnesium" as a salt of esomeprazole is not a magnesium product. */
	mg_kb_match_medicine(kb, "esomeprazole magnesium", &m);
	ok(m.n == 1 && !strcmp(m.med[0]->inter->cls, "ppi"), "issue 10: esomeprazole magnesium is a PPI only");
	/* Over-long input: unrecognised, no crash. */
	char big[600];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	mg_kb_match_medicine(kb, big, &m);
	ok(m.n == 0 && m.unrecognised, "an over-long name is unrecognised");
}

static void kb_fields(void)
{
	/* rxcui only where terminology-codes.csv says verified; unverified ones are hints. */
	struct mg_med_match m;
	mg_kb_match_medicine(kb, "ciprofloxacin", &m);
	ok(m.n == 1 && m.med[0]->rxcui && !strcmp(m.med[0]->rxcui, "2551"), "terminology-codes: ciprofloxacin RxCUI 2551 (verified)");
	mg_kb_match_medicine(kb, "levothyroxine", &m);
	ok(m.n == 1 && !m.med[0]->rxcui && m.med[0]->rxcui_unverified && !strcmp(m.med[0]->rxcui_unverified, "10582"),
	   "terminology-codes: levothyroxine 10582 is unverified, only a hint");
	int v = -1;
	const struct mg_medicine *x = mg_kb_find_medicine_rxcui(kb, "4603", &v);
	ok(x && !strcmp(x->name, "furosemide") && v == 1, "RxCUI 4603 -> furosemide (verified)");
	x = mg_kb_find_medicine_rxcui(kb, "3640", &v);
	ok(x && !strcmp(x->name, "doxycycline") && v == 0, "RxCUI 3640 -> doxycycline, unverified hint");
	ok(!mg_kb_find_medicine_rxcui(kb, "999999999", &v), "unknown RxCUI -> NULL");
	/* A caveat belongs to its drug only (issue 10). */
	mg_kb_match_medicine(kb, "levofloxacin", &m);
	ok(m.n == 1 && m.med[0]->note && strstr(m.med[0]->note, "levofloxacin"), "5 / S27: levofloxacin carries its note");
	mg_kb_match_medicine(kb, "ciprofloxacin", &m);
	ok(m.n == 1 && !m.med[0]->note && !strstr(m.med[0]->inter->advice, "levofloxacin"),
	   "5 / S27: ciprofloxacin has no levofloxacin note");
	mg_kb_match_medicine(kb, "spironolactone", &m);
	ok(m.n == 1 && !m.med[0]->note && !strstr(m.med[0]->inter->advice, "eplerenone"),
	   "5 / S30: spironolactone has no eplerenone note");
	mg_kb_match_medicine(kb, "eplerenone", &m);
	ok(m.n == 1 && m.med[0]->note && strstr(m.med[0]->note, "eplerenone"), "5 / S30: eplerenone carries its note");
	/* Every recognised medicine that is not magnesium itself (nor zinc or
	 * calcium) has at least the general 2 h (5, S18). */
	size_t bad = 0;
	for (size_t i = 0; i < mg_kb_medicine_count(kb); i++) {
		const struct mg_medicine *med = mg_kb_medicine(kb, i);
		const char *c = med->inter->cls;
		double h = med->inter->before_h > med->inter->after_h ? med->inter->before_h : med->inter->after_h;
		if (strcmp(c, "magnesium-product") && strcmp(c, "zinc") && strcmp(c, "calcium") && h < 2) {
			printf("# %s (%s): %g h\n", med->name, c, h);
			bad++;
		}
	}
	ok(bad == 0, "5 / S18: every recognised medicine but Mg products, zinc, calcium is spaced >= 2 h");
	ok(mg_kb_unrecognised_text(kb) && strstr(mg_kb_unrecognised_text(kb), "2 to 3 hours"),
	   "5 / S18: the general rule for an unrecognised medicine says 2 to 3 hours");
	char c[16];
	ok(mg_medname_canon("Co-Amilofruse 5/40", c, sizeof c) == 15 && !strcmp(c, "coamilofruse540"),
	   "canonical form folds case, hyphens, spaces and slashes");
	ok(mg_medname_canon("abcdefghijklmnopq", c, sizeof c) == -1 && c[0] == '\0', "canonical form reports overflow");
}

static void advice(void)
{
	struct mg_profile p;
	struct mg_error err = {0};
	static struct mg_advice a;
	mg_profile_init(&p);
	mg_profile_set(&p, kb, "age", "40", &err);
	mg_profile_set(&p, kb, "med", "Triumeq", &err);
	mg_profile_set(&p, kb, "med", "Tivicay", &err);
	mg_profile_set(&p, kb, "med", "levothyroxin", &err);
	mg_advise(kb, &p, &a, &err);
	ok(a.n_meds == 3, "issue 10: Triumeq + Tivicay -> abacavir, dolutegravir, lamivudine (deduplicated)");
	ok(a.n_unrecognised == 1 && !strcmp(a.unrecognised[0], "levothyroxin") && a.suggestion[0] &&
		   !strcmp(a.suggestion[0], "levothyroxine"),
	   "issue 10: levothyroxin unrecognised with suggestion levothyroxine");
	ok(a.unrecognised_text && a.unrecognised_refs && a.unrecognised_refs->n >= 1,
	   "5 / S18: unrecognised medicines carry the general rule and its source");
	int dtg = 0;
	for (size_t i = 0; i < a.n_meds; i++)
		if (!strcmp(a.meds[i].drug, "dolutegravir"))
			dtg = a.meds[i].separate_hours == 6 && a.meds[i].rxcui && !strcmp(a.meds[i].rxcui, "1433868");
	ok(dtg, "5 / S26: dolutegravir from Triumeq keeps 2 h before / 6 h after, RxCUI 1433868");
}

/* The "did you mean" search skips names by length and by the characters
 * they hold (lower bounds on the edit distance). A name as many substitutions
 * from a listed medicine as the limit allows (1 up to 5 letters, 2 up to 9,
 * 3 beyond: medname.h) is within reach, so it must still get a suggestion,
 * and so must a deletion or a transposition. */
static void edits_within_limit(void)
{
	size_t n = mg_kb_medicine_count(kb), tried = 0, got = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = mg_kb_medicine(kb, i)->name;
		size_t len = strlen(name);
		if (len < 7 || len > 40 || strspn(name, "abcdefghijklmnopqrstuvwxyz") != len)
			continue;
		char v[3][48];
		size_t mid = len / 2, limit = len <= 9 ? 2 : 3;
		memcpy(v[0], name, len + 1); /* limit substitutions, two apart */
		for (size_t k = 0; k < limit; k++)
			v[0][1 + 2 * k] = name[1 + 2 * k] == 'q' ? 'x' : 'q';
		memcpy(v[1], name, mid); /* a deletion */
		memcpy(v[1] + mid, name + mid + 1, len - mid);
		memcpy(v[2], name, len + 1); /* a transposition */
		v[2][mid] = name[mid + 1], v[2][mid + 1] = name[mid];
		for (int k = 0; k < 3; k++) {
			struct mg_med_match m;
			if (mg_kb_match_medicine(kb, v[k], &m))
				continue; /* the edit made another listed name */
			tried++;
			got += mg_kb_suggest_medicine(kb, v[k]) != NULL;
		}
	}
	ok(tried > 100 && got == tried, "every name within the edit limit of a medicine gets a suggestion (%zu of %zu)",
	   got, tried);
}

int main(void)
{
	struct mg_kb *k = NULL;
	struct mg_error err = {0};
	if (mg_kb_load_builtin(&k, &err)) {
		ok(0, "built-in KB loads: %s", err.msg);
		return tap_done();
	}
	kb = k;
	table();
	unrecognised();
	edits_within_limit();
	kb_fields();
	advice();
	mg_kb_free(k);
	return tap_done();
}
