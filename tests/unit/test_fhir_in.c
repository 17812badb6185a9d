/* FHIR in (issue 13/15) and the CDS Hooks cards. Expected values are worked
 * out by hand from the inputs (ages from calendar dates, 106.08 umol/L / 88.4
 * = 1.2 mg/dL as reference 6.1 converts), the interaction classes and hours
 * from kb/interactions.json, the codes from
 * ../shared/reference/terminology-codes.csv. The official examples in
 * ../shared/fixtures/cds-hooks are replayed when present. */
#include <mgsleep/advise.h>
#include <mgsleep/cds_cards.h>
#include <mgsleep/fhir_in.h>
#include <mgsleep/night.h>

#include "../tap.h"

#include <stdlib.h>

#define FIX "../shared/fixtures/cds-hooks/"

static struct mg_kb *kb;
static int32_t today;

#define PAT(g, bd) "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"" g "\",\"birthDate\":\"" bd "\"}"
#define OBS(loinc, date, val, unit)                                                                          \
	"{\"resourceType\":\"Observation\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/p1\"},"   \
	"\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" loinc "\"}]},"                  \
	"\"effectiveDateTime\":\"" date "\",\"valueQuantity\":{\"value\":" val ",\"system\":"               \
	"\"http://unitsofmeasure.org\",\"code\":\"" unit "\"}}"
#define RX(code, disp) "{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"" code "\"" disp "}"
#define MEDREQ(id, status, coding)                                                                          \
	"{\"resourceType\":\"MedicationRequest\",\"id\":\"" id "\",\"status\":\"" status "\","            \
	"\"subject\":{\"reference\":\"Patient/p1\"},\"medicationCodeableConcept\":{\"coding\":[" coding "]}}"
#define MGOX RX("198741", ",\"display\":\"Magnesium Oxide 400 MG Oral Tablet\"")
#define BUNDLE(...) "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[" __VA_ARGS__ "]}"
#define E(r) "{\"resource\":" r "}"
#define J1(a) a
#define J2(a, b) a "," b
#define J3(a, b, c) a "," b "," c
#define PICK(_1, _2, _3, N, ...) N
/* The prefetch entries (up to three) joined with commas. */
#define JOIN(...) PICK(__VA_ARGS__, J3, J2, J1, J0)(__VA_ARGS__)
#define REQ(orders, ...)                                                                                    \
	"{\"hook\":\"order-sign\",\"context\":{\"patientId\":\"p1\",\"draftOrders\":" orders "},"           \
	"\"prefetch\":{" JOIN(__VA_ARGS__) "}}"

static int parse(const char *json, struct mg_fhir_in *in)
{
	struct mg_error err = {0};
	int r = mg_fhir_in_parse(kb, json, strlen(json), today, in, &err);
	if (r)
		printf("# %s\n", err.msg);
	return r;
}

/* Parse, advise, render, check; the cards in *cards (caller frees). */
static int cards_for(const char *json, struct mg_fhir_in *in, struct mg_advice *a, char **cards)
{
	struct mg_buf b = MG_BUF_INIT;
	struct mg_error err = {0};
	if (parse(json, in))
		return -1;
	int advised = mg_advise(kb, &in->profile, a, NULL) == 0;
	if (mg_cds_cards(kb, in, advised ? a : NULL, NULL, &b, &err))
		return -1;
	int r = mg_cds_cards_check(b.data, b.len, &err);
	if (r)
		printf("# %s\n", err.msg);
	*cards = mg_buf_detach(&b, NULL);
	return r;
}

static void test_patient_and_kidney(void)
{
	struct mg_fhir_in in;
	/* 2025-06-15 minus 1950-06-16: the 75th birthday is tomorrow, so 74. */
	ok(!parse(REQ(BUNDLE(), "\"patient\":" PAT("female", "1950-06-16"),
		      "\"creat\":" BUNDLE(E(OBS("2160-0", "2024-01-01", "2.0", "mg/dL")) ","
					  E(OBS("2160-0", "2025-03-01T08:00:00Z", "1.2", "mg/dL")))),
		  &in),
	   "request with a Patient and two creatinines parses");
	is_num(in.profile.age, 74, 0, "age from birthDate the day before the birthday: 74");
	ok(in.profile.sex == MG_SEX_FEMALE, "gender female -> female");
	is_num(in.profile.creatinine_mg_dl, 1.2, 1e-9, "the latest creatinine (2025-03-01) wins over 2024-01-01");
	ok(in.missing & MG_FHIR_NO_WEIGHT && !(in.missing & MG_FHIR_NO_KIDNEY), "weight missing, kidney known");

	ok(!parse(REQ(BUNDLE(), "\"patient\":" PAT("male", "1950-06-15"),
		      "\"creat\":" OBS("14682-9", "2025-01-01", "106.08", "umol/L")),
		  &in),
	   "creatinine in umol/L parses");
	is_num(in.profile.age, 75, 0, "age on the birthday itself: 75");
	is_num(in.profile.creatinine_mg_dl, 1.2, 1e-9, "106.08 umol/L / 88.4 = 1.2 mg/dL");

	ok(!parse(REQ(BUNDLE(), "\"patient\":" PAT("other", "1980-01-01"),
		      "\"egfr\":" OBS("98979-8", "2025-01-01", "25", "mL/min/{1.73_m2}")),
		  &in),
	   "eGFR parses");
	is_num(in.profile.egfr, 25, 0, "eGFR 98979-8 -> 25 mL/min/1.73 m2");
	ok(!in.legacy_egfr && (in.missing & MG_FHIR_NO_SEX), "2021 equation not flagged; gender other -> sex unknown");

	ok(!parse(REQ(BUNDLE(), "\"patient\":" PAT("male", "1980-01-01"),
		      "\"egfr\":" OBS("62238-1", "2025-01-01", "70", "mL/min/{1.73_m2}")),
		  &in) && in.legacy_egfr && in.profile.egfr == 70,
	   "legacy CKD-EPI 2009 eGFR (62238-1) accepted and flagged");

	ok(!parse(REQ(BUNDLE(), "\"patient\":" PAT("male", "1980-01-01"),
		      "\"creat\":" OBS("2160-0", "2025-01-01", "12", "mg/L")),
		  &in),
	   "creatinine in an unknown unit parses");
	ok(isnan(in.profile.creatinine_mg_dl) && (in.missing & MG_FHIR_NO_KIDNEY) && in.n_dropped == 1 &&
		   !strcmp(in.dropped[0].path, "prefetch.creat.valueQuantity"),
	   "mg/L is refused, not guessed: kidney unknown, the path named");
	ok(!parse(REQ(BUNDLE(), "\"creat\":" OBS("14682-9", "2025-01-01", "1.2", "mg/dL")), &in) &&
		   isnan(in.profile.creatinine_mg_dl),
	   "a mass unit on the moles/volume code (14682-9) is refused");
	ok(!parse(REQ(BUNDLE(), "\"creat\":" OBS("2160-0", "2025-01-01", "106.08", "umol/L")), &in) &&
		   isnan(in.profile.creatinine_mg_dl),
	   "a molar unit on the mass/volume code (2160-0) is refused (kb/terminology.json: its unit is mg/dL)");
	ok(!parse(REQ(BUNDLE(), "\"patient\":" PAT("male", "1980")), &in) && isnan(in.profile.age) &&
		   (in.missing & MG_FHIR_NO_BIRTHDATE),
	   "a birth year alone gives no age");
}

static void test_conditions(void)
{
	struct mg_fhir_in in;
#define COND(sys, code, disp, text)                                                                         \
	"{\"resourceType\":\"Condition\",\"code\":{\"coding\":[{\"system\":\"" sys "\",\"code\":\"" code "\"" \
	disp "}]" text "}}"
	ok(!parse(REQ(BUNDLE(), "\"c\":" BUNDLE(E(COND("http://hl7.org/fhir/sid/icd-10-cm", "N18.4", "", "")) ","
						E(COND("http://snomed.info/sct", "77386006", "", "")))),
		  &in),
	   "conditions parse");
	ok(in.profile.conditions & ((uint64_t)1 << 0), "ICD-10-CM N18.4 (verified) -> kidney disease");
	ok(in.profile.pregnant, "SNOMED 77386006 -> pregnant");
	ok(!parse(REQ(BUNDLE(), "\"c\":" COND("http://hl7.org/fhir/sid/icd-10-cm", "G70.0", "", "")), &in) &&
		   !in.profile.conditions,
	   "unverified G70.0 alone is not enough");
	ok(!parse(REQ(BUNDLE(), "\"c\":" COND("http://hl7.org/fhir/sid/icd-10-cm", "G70.0",
					       ",\"display\":\"Myasthenia gravis\"", "")),
		  &in) && in.profile.conditions,
	   "unverified G70.0 with its display -> myasthenia gravis");
	ok(!parse(REQ(BUNDLE(), "\"c\":" COND("urn:local", "x", "", ",\"text\":\"Heart failure, unspecified\"")),
		  &in) && in.profile.conditions == ((uint64_t)1 << 1),
	   "text 'Heart failure, unspecified' -> heart failure (KB name)");
}

static const struct {
	const char *coding, *cls;
} meds[] = {
	/* by verified RxNorm ingredient code, no display (terminology-codes.csv) */
	{RX("2551", ""), "fluoroquinolone"},
	{RX("1433868", ""), "integrase-inhibitor"},
	{RX("25480", ""), "gabapentin"},
	{RX("4603", ""), "loop-diuretic"},
	{RX("5487", ""), "thiazide-diuretic"},
	{RX("9997", ""), "potassium-sparing-diuretic"},
	{RX("7646", ""), "ppi"},
	{RX("3407", ""), "digoxin"},
	/* by display (SCD codes, which are not ingredient codes) */
	{RX("199026", ",\"display\":\"Doxycycline 100 MG Oral Capsule\""), "tetracycline"},
	{RX("904431", ",\"display\":\"Alendronic acid 70 MG Oral Tablet\""), "bisphosphonate"},
	{RX("892246", ",\"display\":\"Levothyroxine Sodium 0.1 MG Oral Tablet\""), "levothyroxine"},
	{RX("310325", ",\"display\":\"ferrous sulfate 325 MG Oral Tablet\""), "iron"},
	{RX("198071", ",\"display\":\"Penicillamine 250 MG Oral Tablet\""), "penicillamine"},
	{RX("744842", ",\"display\":\"raltegravir 400 MG Oral Tablet\""), "integrase-inhibitor"},
};

static void test_medicines(void)
{
	struct mg_fhir_in in;
	char json[2048];
	for (size_t i = 0; i < sizeof meds / sizeof meds[0]; i++) {
		snprintf(json, sizeof json, REQ(BUNDLE(E(MEDREQ("o1", "draft", "%s"))), ""), meds[i].coding);
		int r = parse(json, &in);
		ok(!r && in.n_meds == 1 && in.meds[0].ordered && in.meds[0].match.n == 1 &&
			   !strcmp(in.meds[0].match.med[0]->inter->cls, meds[i].cls),
		   "medicine %zu recognised as %s", i, meds[i].cls);
	}
	ok(!parse(REQ(BUNDLE(E(MEDREQ("o1", "draft", RX("3640", "")))), ""), &in) && in.n_meds == 0,
	   "unverified RxCUI 3640 (doxycycline) alone is not recognised");
	ok(!parse(REQ(BUNDLE(), "\"m\":" MEDREQ("m1", "stopped", RX("2551", ""))), &in) && in.n_meds == 0,
	   "a stopped MedicationRequest is not a current medicine");
	ok(!parse(REQ(BUNDLE(E("{\"resourceType\":\"MedicationRequest\",\"status\":\"active\",\"medicationCodeableConcept\":"
			       "{\"text\":\"amiloride / hydrochlorothiazide 5 mg/50 mg tablet\"}}")), ""),
		  &in) && in.n_meds == 1 && in.meds[0].match.n == 2,
	   "combination product text -> two ingredients");
	ok(!parse(REQ(BUNDLE(E("{\"resourceType\":\"MedicationRequest\",\"status\":\"draft\",\"contained\":[{"
			       "\"resourceType\":\"Medication\",\"id\":\"m\",\"code\":{\"coding\":[" MGOX "]}}],"
			       "\"medicationReference\":{\"reference\":\"#m\"}}")), ""),
		  &in) && in.n_meds == 1 && in.meds[0].magnesium && in.magnesium_ordered && in.profile.n_meds == 0,
	   "medicationReference to a contained Medication: magnesium oxide ordered, kept out of the profile's list");
}

/* One card rule per case, magnesium oxide ordered unless said otherwise.
 * Expected values by hand from ../shared/reference/magnesium-evidence.md:
 * kidney cases A, B and D of 6.2/6.3 (Cockcroft-Gault and CKD-EPI 2021,
 * rounded to whole mL/min as the detail shows them; 9.3 rule 1: the lower
 * estimate under 30 -> do not recommend -> critical; rule 2: 30-59, or
 * unknown at 65 or over -> clinician review -> warning); spacing "at least N
 * hours" is the larger of the before/after hours of section 5 (tetracyclines
 * 4-6 h after -> 6, ciprofloxacin 6, moxifloxacin 8, dolutegravir 6,
 * gabapentin 2, bisphosphonates SmPC 3-4 -> 4, levothyroxine 4, iron and
 * penicillamine 3-4 -> 4, any other medicine 2-3 -> 3); rules 4 (heart
 * block, heart failure), 5 (digoxin) and 6 (potassium-sparing) -> refer ->
 * warning. Ages on 2025-06-15. */
#define MG_ORDER BUNDLE(E(MEDREQ("o1", "draft", MGOX)))
#define ADULT "\"patient\":" PAT("male", "1980-01-01"), "\"creat\":" OBS("2160-0", "2025-01-01", "0.9", "mg/dL")
#define TAKING(coding) "\"meds\":" BUNDLE(E(MEDREQ("m1", "active", coding)))
#define WEIGHT(kg) "\"w\":" OBS("29463-7", "2025-01-01", kg, "kg")
static const struct {
	const char *name, *req, *indicator; /* the advice card's */
	const char *has[3];                 /* in the response */
} rules[] = {
	{"case A: man 70 y, 80 kg, creatinine 1.2 mg/dL: CG 64.81, CKD-EPI 65.06, both >= 60",
	 REQ(MG_ORDER, "\"patient\":" PAT("male", "1955-01-01"), "\"creat\":" OBS("2160-0", "2025-01-01", "1.2", "mg/dL"),
	     WEIGHT("80")),
	 "info", {"Cockcroft-Gault 65 mL/min", "CKD-EPI 2021 65 mL/min/1.73 m2", "age 70, male, serum creatinine 1.2 mg/dL, weight 80 kg"}},
	{"case B: woman 80 y, 55 kg, creatinine 1.4 mg/dL: CG 27.83 < 30 though CKD-EPI 38.03",
	 REQ(MG_ORDER, "\"patient\":" PAT("female", "1945-01-01"), "\"creat\":" OBS("2160-0", "2025-01-01", "1.4", "mg/dL"),
	     WEIGHT("55")),
	 "critical", {"Cockcroft-Gault 28 mL/min", "CKD-EPI 2021 38 mL/min/1.73 m2", "age 80, female"}},
	{"case D in umol/L: man 85 y, 62 kg, 176.8 umol/L = 2.0 mg/dL: CG 23.68, CKD-EPI 32.10",
	 REQ(MG_ORDER, "\"patient\":" PAT("male", "1940-01-01"), "\"creat\":" OBS("14682-9", "2025-01-01", "176.8", "umol/L"),
	     WEIGHT("62")),
	 "critical", {"Cockcroft-Gault 24 mL/min", "CKD-EPI 2021 32 mL/min/1.73 m2", "serum creatinine 2 mg/dL"}},
	{"reported eGFR 45 (30-59): clinician review",
	 REQ(MG_ORDER, "\"patient\":" PAT("female", "1980-01-01"), "\"egfr\":" OBS("98979-8", "2025-01-01", "45", "mL/min/{1.73_m2}")),
	 "warning", {"reported eGFR 45 mL/min/1.73 m2"}},
	{"75 y, no creatinine or eGFR: clinician review, and a card saying to order a creatinine",
	 REQ(MG_ORDER, "\"patient\":" PAT("female", "1950-01-01")), "warning", {"order a serum creatinine"}},
	{"man 45 y, creatinine 0.9 mg/dL, no weight: the card about the weight is information only",
	 REQ(MG_ORDER, ADULT), "info", {"\"indicator\":\"info\",\"detail\":\"What could not be judged:\\n\\n- no body weight"}},
	{"doxycycline taken (tetracycline)", REQ(MG_ORDER, ADULT, TAKING(RX("199026", ",\"display\":\"Doxycycline 100 MG Oral Capsule\""))),
	 NULL, {"Keep doxycycline and magnesium at least 6 hours apart"}},
	{"ciprofloxacin taken (fluoroquinolone)", REQ(MG_ORDER, ADULT, TAKING(RX("2551", ""))), NULL,
	 {"Keep ciprofloxacin and magnesium at least 6 hours apart"}},
	{"moxifloxacin taken (fluoroquinolone, 4 h / 8 h)", REQ(MG_ORDER, ADULT, TAKING(RX("139462", ""))), NULL,
	 {"Keep moxifloxacin and magnesium at least 8 hours apart"}},
	{"dolutegravir taken (integrase inhibitor)", REQ(MG_ORDER, ADULT, TAKING(RX("1433868", ""))), NULL,
	 {"Keep dolutegravir and magnesium at least 6 hours apart"}},
	{"gabapentin taken", REQ(MG_ORDER, ADULT, TAKING(RX("25480", ""))), NULL,
	 {"Keep gabapentin and magnesium at least 2 hours apart"}},
	{"alendronic acid taken (bisphosphonate)",
	 REQ(MG_ORDER, ADULT, TAKING(RX("904431", ",\"display\":\"Alendronic acid 70 MG Oral Tablet\""))), NULL,
	 {"Keep alendronate and magnesium at least 4 hours apart"}},
	{"levothyroxine taken",
	 REQ(MG_ORDER, ADULT, TAKING(RX("892246", ",\"display\":\"Levothyroxine Sodium 0.1 MG Oral Tablet\""))), NULL,
	 {"Keep levothyroxine and magnesium at least 4 hours apart"}},
	{"ferrous sulfate taken (iron)",
	 REQ(MG_ORDER, ADULT, TAKING(RX("310325", ",\"display\":\"ferrous sulfate 325 MG Oral Tablet\""))), NULL,
	 {"magnesium at least 4 hours apart", "iron"}},
	{"penicillamine taken",
	 REQ(MG_ORDER, ADULT, TAKING(RX("198071", ",\"display\":\"Penicillamine 250 MG Oral Tablet\""))), NULL,
	 {"Keep penicillamine and magnesium at least 4 hours apart"}},
	{"furosemide taken (loop diuretic): Mg status, general spacing", REQ(MG_ORDER, ADULT, TAKING(RX("4603", ""))), NULL,
	 {"Keep furosemide and magnesium at least 3 hours apart", "check blood magnesium"}},
	{"omeprazole taken (PPI)", REQ(MG_ORDER, ADULT, TAKING(RX("7646", ""))), NULL,
	 {"Keep omeprazole and magnesium at least 3 hours apart"}},
	{"spironolactone taken (potassium-sparing): refer", REQ(MG_ORDER, ADULT, TAKING(RX("9997", ""))), "warning",
	 {"Keep spironolactone and magnesium at least 3 hours apart", "keep magnesium"}},
	{"digoxin taken: refer", REQ(MG_ORDER, ADULT, TAKING(RX("3407", ""))), "warning",
	 {"Keep digoxin and magnesium at least 3 hours apart"}},
	{"combination product amiloride/hydrochlorothiazide: both ingredients, refer",
	 REQ(MG_ORDER, ADULT, "\"meds\":{\"resourceType\":\"MedicationRequest\",\"status\":\"active\",\"medicationCodeableConcept\":"
	     "{\"text\":\"amiloride / hydrochlorothiazide 5 mg/50 mg tablet\"}}"),
	 "warning", {"Keep amiloride and magnesium at least 3 hours apart",
		     "Keep hydrochlorothiazide and magnesium at least 3 hours apart"}},
	{"heart block (SNOMED 233917008): refer", REQ(MG_ORDER, ADULT, "\"c\":" COND("http://snomed.info/sct", "233917008", "", "")),
	 "warning", {NULL}},
	{"heart failure (SNOMED 84114007): refer", REQ(MG_ORDER, ADULT, "\"c\":" COND("http://snomed.info/sct", "84114007", "", "")),
	 "warning", {NULL}},
	{"ciprofloxacin ordered, magnesium taken: the spacing card too",
	 REQ(BUNDLE(E(MEDREQ("o2", "draft", RX("2551", "")))), ADULT, TAKING(MGOX)), NULL,
	 {"Keep ciprofloxacin and magnesium at least 6 hours apart"}},
};

static void test_card_rules(void)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		struct mg_fhir_in in;
		struct mg_advice a;
		char *cards = NULL;
		int r = cards_for(rules[i].req, &in, &a, &cards);
		ok(!r && cards, "%s: valid cards", rules[i].name);
		const char *adv = cards ? strstr(cards, "\"summary\":\"Magnesium: ") : NULL;
		const char *ind = adv ? strstr(adv, "\"indicator\":\"") : NULL;
		if (rules[i].indicator) {
			size_t n = strlen(rules[i].indicator);
			ok(ind && !strncmp(ind + 13, rules[i].indicator, n) && ind[13 + n] == '"',
			   "%s: the advice card is %s", rules[i].name, rules[i].indicator);
		}
		for (int k = 0; k < 3 && rules[i].has[k]; k++)
			if (!ok(cards && strstr(cards, rules[i].has[k]), "%s: says '%s'", rules[i].name, rules[i].has[k]))
				printf("# %s\n", cards ? cards : "(none)");
		free(cards);
	}
}

static void test_cards(void)
{
	struct mg_fhir_in in;
	struct mg_advice a;
	char *cards = NULL;
	ok(!cards_for(REQ(BUNDLE(E(MEDREQ("o1", "draft", RX("2551", "")))), "\"patient\":" PAT("male", "1980-01-01")),
		      &in, &a, &cards) && !strcmp(cards, "{\"cards\":[]}\n"),
	   "no magnesium ordered or taken -> no cards");
	free(cards);

	/* Magnesium ordered, doxycycline taken: tetracycline spacing is 2 h before or 6 h after
	 * (kb/interactions.json), so at least 6 hours. */
	ok(!cards_for(REQ(BUNDLE(E(MEDREQ("o1", "draft", MGOX))), "\"patient\":" PAT("male", "1980-01-01"),
			  "\"creat\":" OBS("2160-0", "2025-01-01", "0.9", "mg/dL"),
			  "\"meds\":" BUNDLE(E(MEDREQ("m1", "active",
						       RX("199026", ",\"display\":\"Doxycycline 100 MG Oral Capsule\""))))),
		      &in, &a, &cards),
	   "magnesium ordered with doxycycline taken: valid cards");
	ok(cards && strstr(cards, "Keep doxycycline and magnesium at least 6 hours apart"), "a spacing card with 6 hours");
	ok(cards && strstr(cards, "\"summary\":\"Magnesium: "), "an advice card");
	free(cards);

	/* eGFR 20 < 30: rules.json renal-severe -> contraindicated -> critical, with the removal suggestion. */
	ok(!cards_for(REQ(BUNDLE(E(MEDREQ("o1", "draft", MGOX))), "\"patient\":" PAT("female", "1950-01-01"),
			  "\"egfr\":" OBS("98979-8", "2025-01-01", "20", "mL/min/{1.73_m2}")),
		      &in, &a, &cards),
	   "magnesium ordered with eGFR 20: valid cards");
	ok(a.verdict == MG_VERDICT_CONTRAINDICATED && cards && strstr(cards, "\"indicator\":\"critical\"") &&
		   strstr(cards, "\"resourceId\":\"MedicationRequest/o1\""),
	   "critical card suggesting to delete MedicationRequest/o1");
	free(cards);

	/* 75 years old, no creatinine: kidney function cannot be judged. */
	ok(!cards_for(REQ(BUNDLE(E(MEDREQ("o1", "draft", MGOX))), "\"patient\":" PAT("male", "1950-01-01")), &in, &a,
		      &cards) && cards && strstr(cards, "kidney function unknown; order a serum creatinine"),
	   "no creatinine in a 75-year-old: a card says so and what to order");
	free(cards);
	ok(!cards_for(REQ(BUNDLE(E(MEDREQ("o1", "draft", MGOX))), ""), &in, &a, &cards) && cards &&
		   strstr(cards, "could not be judged: no age"),
	   "no Patient: a card says no age, no advice");
	/* With no advice there are no advice numbers: the card numbers its own
	 * sources, from kb/terminology.json's gaps (patient: N04). */
	ok(cards && strstr(cards, "no Patient resource [1]") && strstr(cards, "**References**\\n\\n1. Codes for FHIR input"),
	   "no Patient: the gap is cited [1], and reference 1 is N04 (the codes table)");
	free(cards);
	/* A Patient without a birth date: gap birthdate cites S37 (CKD-EPI) and S38 (Cockcroft-Gault). */
	ok(!cards_for(REQ(BUNDLE(E(MEDREQ("o1", "draft", MGOX))),
			  "\"patient\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"male\"}"),
		      &in, &a, &cards) &&
		   cards && strstr(cards, "age rules need it) [1,2]") && strstr(cards, "1. Inker LA") &&
		   strstr(cards, "2. Cockcroft DW") && strstr(cards, "\"url\":\"https://kidney.org/ckd-epi-creatinine-equation-2021\""),
	   "no birth date: the gap cites [1,2] = S37 and S38, with links");
	free(cards);
}

static void test_validator(void)
{
	struct mg_error err = {0};
	const char *no_ind = "{\"cards\":[{\"summary\":\"x\",\"source\":{\"label\":\"y\"}}]}";
	const char *sugg = "{\"cards\":[{\"summary\":\"x\",\"indicator\":\"info\",\"source\":{\"label\":\"y\"},"
			   "\"suggestions\":[{\"label\":\"z\"}]}]}";
	ok(mg_cds_cards_check(no_ind, strlen(no_ind), &err) == MG_EINVAL && !strcmp(err.field, "cards[0].indicator"),
	   "validator rejects a card without indicator");
	ok(mg_cds_cards_check(sugg, strlen(sugg), &err) == MG_EINVAL, "validator rejects suggestions without selectionBehavior");
	char longs[400] = "{\"cards\":[{\"indicator\":\"info\",\"source\":{\"label\":\"y\"},\"summary\":\"";
	memset(longs + strlen(longs), 'a', 140);
	strncat(longs, "\"}]}", sizeof longs - strlen(longs) - 1);
	ok(mg_cds_cards_check(longs, strlen(longs), &err) == MG_EINVAL, "validator rejects a 140-character summary");
	longs[strlen("{\"cards\":[{\"indicator\":\"info\",\"source\":{\"label\":\"y\"},\"summary\":\"") + 139] = 0;
	strncat(longs, "\"}]}", sizeof longs - strlen(longs) - 1);
	ok(mg_cds_cards_check(longs, strlen(longs), &err) == 0, "validator accepts a 139-character summary");
#define CARD(extra) "{\"cards\":[{\"summary\":\"x\",\"indicator\":\"info\",\"source\":{\"label\":\"y\"}" extra "}]}"
	static const struct {
		const char *json, *field; /* NULL: valid */
	} v[] = {
		{CARD(",\"uuid\":\"4e0a3a1e-3283-4575-ab82-028d55fe2719\""), NULL},
		{CARD(",\"uuid\":\"4e0a3a1e32834575ab82028d55fe2719\""), "cards[0].uuid"},
		{CARD(",\"uuid\":\"4e0a3a1e-3283-4575-ab82-028d55fe271\""), "cards[0].uuid"},
		{CARD(",\"uuid\":7"), "cards[0].uuid"},
		{"{\"cards\":[{\"summary\":\"x\",\"indicator\":\"info\",\"source\":{}}]}", "cards[0].source.label"},
		{"{\"cards\":[{\"summary\":\"x\",\"indicator\":\"info\"}]}", "cards[0].source.label"},
		{"{\"cards\":[{\"summary\":\"x\",\"indicator\":\"info\",\"source\":{\"label\":\"y\",\"url\":1}}]}",
		 "cards[0].source.url"},
		{CARD(",\"indicator\":\"hard-stop\""), "cards[0].indicator"},
		{CARD(",\"links\":[{\"label\":\"a\",\"url\":\"https://a.example\",\"type\":\"absolute\"}]"), NULL},
		{CARD(",\"links\":[{\"label\":\"a\",\"url\":\"https://a.example\",\"type\":\"relative\"}]"), "cards[0].links"},
		{CARD(",\"links\":[{\"label\":\"a\",\"type\":\"smart\"}]"), "cards[0].links"},
		{CARD(",\"overrideReasons\":[{\"code\":\"c\",\"system\":\"s\"}]"), "cards[0].overrideReasons"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		memset(&err, 0, sizeof err);
		int r = mg_cds_cards_check(v[i].json, strlen(v[i].json), &err);
		ok(v[i].field ? r == MG_EINVAL && !strcmp(err.field, v[i].field) : r == 0, "validator %s %s",
		   v[i].field ? "rejects, naming" : "accepts", v[i].field ? v[i].field : v[i].json);
	}
}

/* Counts bytes 0x00, 0x01 ... so that the uuid is known in advance. */
static void counting_random(void *ctx, unsigned char *buf, size_t n)
{
	unsigned char *next = ctx;
	for (size_t i = 0; i < n; i++)
		buf[i] = (*next)++;
}

static void test_uuid_and_links(void)
{
	struct mg_fhir_in in;
	struct mg_advice a;
	struct mg_buf b = MG_BUF_INIT;
	struct mg_error err = {0};
	unsigned char next = 0;
	struct mg_cds_opts o = {"https://cds.example.org/sources", counting_random, &next};
	const char *req = REQ(MG_ORDER, ADULT, TAKING(RX("2551", "")));
	int r = parse(req, &in) || mg_advise(kb, &in.profile, &a, NULL) || mg_cds_cards(kb, &in, &a, &o, &b, &err);
	ok(!r && !mg_cds_cards_check(b.data, b.len, &err), "cards with uuids and links: valid");
	/* Bytes 00..0f with the version nibble set to 4 (byte 6: 0x06 -> 0x46) and
	 * the variant bits to 10 (byte 8: 0x08 -> 0x88), RFC 9562 5.4. */
	ok(b.data && strstr(b.data, "\"uuid\":\"00010203-0405-4607-8809-0a0b0c0d0e0f\""),
	   "the first card's uuid: bytes 00..0f as a version 4 UUID");
	ok(b.data && strstr(b.data, "\"uuid\":\"10111213-1415-4617-9819-1a1b1c1d1e1f\""),
	   "the second card's uuid: the next 16 bytes");
	ok(b.data && strstr(b.data, "\"url\":\"https://cds.example.org/sources\""), "source.url is the given sources URL");
	ok(b.data && strstr(b.data, "\"links\":[{\"label\":\"[") && strstr(b.data, "\"type\":\"absolute\""),
	   "links to the cited sources, numbered as in the detail");
	ok(b.data && strstr(b.data, "**References**\\n\\n1. "), "numbered references in the detail");
	mg_buf_release(&b);
}

static void test_feedback(void)
{
	static const struct {
		const char *json;
		int rc;
		unsigned acc, ovr;
		const char *field;
	} f[] = {
		{"{\"feedback\":[{\"card\":\"c1\",\"outcome\":\"accepted\",\"acceptedSuggestions\":[{\"id\":\"s\"}]},"
		 "{\"card\":\"c2\",\"outcome\":\"overridden\",\"overrideReason\":{\"userComment\":\"x\"}},"
		 "{\"card\":\"c3\",\"outcome\":\"overridden\"}]}", 0, 1, 2, NULL},
		{"{\"feedback\":[]}", MG_EINVAL, 0, 0, "feedback"},
		{"{\"feedback\":{}}", MG_EINVAL, 0, 0, "feedback"},
		{"{}", MG_EINVAL, 0, 0, "feedback"},
		{"{\"feedback\":[{\"outcome\":\"accepted\"}]}", MG_EINVAL, 0, 0, "feedback[0].card"},
		{"{\"feedback\":[{\"card\":\"\",\"outcome\":\"accepted\"}]}", MG_EINVAL, 0, 0, "feedback[0].card"},
		{"{\"feedback\":[{\"card\":\"c\",\"outcome\":\"ignored\"}]}", MG_EINVAL, 0, 0, "feedback[0].outcome"},
		{"{\"feedback\":[{\"card\":\"c\",\"outcome\":\"accepted\"},{\"card\":\"c\",\"outcome\":\"accepted\","
		 "\"overrideReason\":{}}]}", MG_EINVAL, 0, 0, "feedback[1].overrideReason"},
		{"{\"feedback\":[{\"card\":\"c\",\"outcome\":\"accepted\",\"acceptedSuggestions\":[{}]}]}", MG_EINVAL, 0, 0,
		 "feedback[0].acceptedSuggestions"},
		{"{\"feedback\":[7]}", MG_EINVAL, 0, 0, "feedback[0]"},
		{"{\"feedback\":[", MG_EPARSE, 0, 0, "$"},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		struct mg_cds_feedback c = {9, 9};
		struct mg_error err = {0};
		int r = mg_cds_feedback_read(f[i].json, strlen(f[i].json), &c, &err);
		ok(r == f[i].rc && c.accepted == f[i].acc && c.overridden == f[i].ovr &&
			   (!f[i].field || !strcmp(err.field, f[i].field)),
		   "feedback %zu: rc %d, %u accepted, %u overridden%s%s", i, f[i].rc, f[i].acc, f[i].ovr,
		   f[i].field ? ", naming " : "", f[i].field ? f[i].field : "");
	}
	struct mg_error err = {0};
	struct mg_cds_feedback c;
	const char *secret = "{\"feedback\":[{\"card\":\"c\",\"outcome\":\"secret-outcome\"}]}";
	ok(mg_cds_feedback_read(secret, strlen(secret), &c, &err) && !strstr(err.msg, "secret"),
	   "the error never repeats a value");
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	if (!f)
		return NULL;
	s = malloc(1 << 20);
	*len = s ? fread(s, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	return s;
}

static void test_fixtures(void)
{
	static const char *const reqs[] = {
		"examples_opioid_order-sign_request.json", "examples_radiology_order-select_request.json",
		"hook_order-select_R4_context.json", "hook_order-sign_R4_context.json",
		"hook_patient-view_context-1.json", "spec_patient-view-request-with-prefetch.json",
		"spec_prefetch-data.json", "spec_request-with-extension.json",
		"spec_prefetch-token-context-draftOrders-MedicationRequest.json",
	};
	struct mg_error err = {0};
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		char path[256];
		size_t len;
		snprintf(path, sizeof path, FIX "%s", reqs[i]);
		if (!tap_have_file(path))
			continue;
		char *s = slurp(path, &len);
		struct mg_fhir_in in;
		struct mg_advice a;
		struct mg_buf b = MG_BUF_INIT;
		int r = s ? mg_fhir_in_parse(kb, s, len, today, &in, &err) : -1;
		int advised = !r && mg_advise(kb, &in.profile, &a, NULL) == 0;
		ok(!r && !mg_cds_cards(kb, &in, advised ? &a : NULL, NULL, &b, &err) &&
			   !mg_cds_cards_check(b.data, b.len, &err) && !strcmp(b.data, "{\"cards\":[]}\n"),
		   "%s: parsed, no magnesium, no cards", reqs[i]);
		if (!strcmp(reqs[i], "spec_patient-view-request-with-prefetch.json"))
			is_num(in.profile.age, 99, 0, "%s: born 1925-12-23, 99 on 2025-06-15", reqs[i]);
		mg_buf_release(&b);
		free(s);
	}
	const char *cardfiles[][2] = {{"spec_response-single-card-links.json", "1"},
				      {"spec_response-cards-links-overrideReasons.json", "0"},
				      {"spec_response-empty-cards.json", "0"}};
	for (size_t i = 0; i < 3; i++) {
		char path[256];
		size_t len;
		snprintf(path, sizeof path, FIX "%s", cardfiles[i][0]);
		if (!tap_have_file(path))
			continue;
		char *s = slurp(path, &len);
		int bad = s && mg_cds_cards_check(s, len, &err) != 0;
		ok(bad == (cardfiles[i][1][0] == '1') && (!bad || !strcmp(err.field, "cards[0].indicator")),
		   "%s: validator %s it%s", cardfiles[i][0], bad ? "rejects" : "accepts", bad ? " (cards[0].indicator)" : "");
		free(s);
	}
}

static void test_errors(void)
{
	struct mg_fhir_in in;
	struct mg_error err = {0};
	const char *bad = "{\"context\": {\"patientId\": \"secret-123\"";
	ok(mg_fhir_in_parse(kb, bad, strlen(bad), today, &in, &err) == MG_EPARSE && !strstr(err.msg, "secret"),
	   "truncated JSON: a parse error with the byte offset, no value");
	ok(mg_fhir_in_parse(kb, "[1]", 3, today, &in, &err) == MG_EINVAL, "an array is not a request");
	ok(mg_fhir_in_parse(kb, "{\"a\":1}", 7, today, &in, &err) == MG_EINVAL && !strcmp(err.field, "$"),
	   "an object that is neither a request nor a resource: the path $");
}

int main(void)
{
	struct mg_error err = {0};
	if (mg_kb_load_builtin(&kb, &err)) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	today = mg_days_from_civil(2025, 6, 15);
	test_patient_and_kidney();
	test_conditions();
	test_medicines();
	test_cards();
	test_card_rules();
	test_validator();
	test_uuid_and_links();
	test_feedback();
	test_fixtures();
	test_errors();
	mg_kb_free(kb);
	return tap_done();
}
