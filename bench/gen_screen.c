/* Synthetic profiles for the screening benchmark (bench/screen.sh): N varied
 * profiles, one per line, as NDJSON (the schema of `advise --profile` plus
 * an id) or as the CSV of docs/screening.md. Deterministic: the same seed
 * gives the same bytes. Needs nothing but libc.
 *
 * usage: gen_screen N [ndjson|csv] [SEED] [known]
 *
 * Medicines are drawn from 14 names; the last 3 are common medicines the KB
 * does not list (no interaction with magnesium), for which the engine looks
 * for a "did you mean" name. With "known", only the first 11 are drawn.
 *
 * Every 50th profile lacks an age and every 97th has an unknown sex value,
 * so the error path is measured too (2 % + 1 % of lines). The values are
 * plausible ranges, not an epidemiological sample. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint32_t next(void) /* xorshift64* */
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 2685821657736338717ull) >> 32);
}

static unsigned pick(unsigned n)
{
	return next() % n;
}

static const char *const meds[] = {"levothyroxine", "doxycycline", "ciprofloxacin", "hydrochlorothiazide",
				   "omeprazole", "alendronate", "amlodipine", "metformin", "furosemide",
				   "gabapentin", "Synthroid", "lisinopril", "atorvastatin", "sertraline"};
static const char *const conds[] = {"hypertension", "diabetes", "constipation", "heart-failure", "arrhythmia"};
static const char *const jurs[] = {"us", "eu", "uk"};

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: gen_screen N [ndjson|csv] [SEED] [known]\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
	int csv = argc > 2 && !strcmp(argv[2], "csv");
	state = argc > 3 ? strtoull(argv[3], NULL, 10) : 42;
	unsigned n_meds = argc > 4 && !strcmp(argv[4], "known") ? 11 : sizeof meds / sizeof meds[0];
	if (!state)
		state = 42;
	if (csv)
		puts("id,age,sex,weight,height,creatinine,conditions,medicines,isi,jurisdiction");
	for (long i = 1; i <= n; i++) {
		char age[16] = "", sex[16], m[256] = "", c[64] = "";
		unsigned a = 18 + pick(78), w = 45 + pick(80), h = 150 + pick(45), cr = 5 + pick(20); /* 0.5..2.4 */
		unsigned isi = pick(29), nm = pick(4), nc = pick(3) == 0;
		if (i % 50)
			snprintf(age, sizeof age, "%u", a);
		snprintf(sex, sizeof sex, "%s", i % 97 == 0 ? "other" : pick(2) ? "female" : "male");
		for (unsigned k = 0; k < nm; k++) {
			size_t l = strlen(m);
			snprintf(m + l, sizeof m - l, csv ? "%s%s" : "%s\"%s\"", k ? (csv ? ";" : ",") : "",
				 meds[pick(n_meds)]);
		}
		if (nc)
			snprintf(c, sizeof c, csv ? "%s" : "\"%s\"", conds[pick(sizeof conds / sizeof conds[0])]);
		const char *j = jurs[pick(3)];
		if (csv)
			printf("p%ld,%s,%s,%u,%u,%u.%umg/dL,%s,\"%s\",%u,%s\n", i, age, sex, w, h, cr / 10, cr % 10, c, m,
			       isi, j);
		else
			printf("{\"id\":\"p%ld\"%s%s,\"sex\":\"%s\",\"weight\":%u,\"height\":%u,\"creatinine\":\"%u.%umg/dL\","
			       "\"conditions\":[%s],\"medicines\":[%s],\"isi\":%u,\"jurisdiction\":\"%s\"}\n",
			       i, age[0] ? ",\"age\":" : "", age, sex, w, h, cr / 10, cr % 10, c, m, isi, j);
	}
	return ferror(stdout) ? 1 : 0;
}
