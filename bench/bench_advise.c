/* In-process benchmark of the advise path: the built-in KB is loaded once,
 * a full profile is parsed once, then mg_advise + mg_render_advice (JSON)
 * run N times into one reused buffer. Also times the KB load alone, advise
 * alone, and profile parsing + advise + render (what one CLI call does after
 * start-up).
 *
 * usage: bench_advise [N]     (default 1000000; N advise+render per round)
 * Output: one "key value unit" line per measurement (medians of 5 rounds;
 * *_best_ns is the fastest round); run.sh parses it.
 * Requirement (issue): >= 200000 advise+JSON per second on one core. */
#include "bench.h"

#include <mgsleep/advise.h>
#include <mgsleep/profile.h>
#include <mgsleep/render.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 5
#define TARGET_PER_S 200000.0

/* Like examples/profile.json, with every kind of field and several medicines
 * (interactions with spacing, an unrecognised name, a brand name). */
static const char profile_json[] =
	"{\"age\":67,\"sex\":\"female\",\"weight\":\"154lb\",\"height\":165,"
	"\"creatinine\":\"1.1mg/dL\",\"conditions\":[\"hypertension\",\"diabetes\"],"
	"\"medicines\":[\"hydrochlorothiazide\",\"levothyroxine\",\"Cipro\",\"alendronate\","
	"\"omeprazole\",\"gabapentin\",\"metformin\"],"
	"\"supplement_mg\":100,\"diet_mg\":260,\"isi\":14,\"symptoms\":[\"muscle-cramps\"],"
	"\"jurisdiction\":\"us\",\"prefer_form\":\"glycinate\"}";

static void die(const char *what, const struct mg_error *err)
{
	fprintf(stderr, "bench_advise: %s: %s\n", what, err->msg);
	exit(1);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	if (n < ROUNDS) {
		fprintf(stderr, "usage: bench_advise [N >= %d]\n", ROUNDS);
		return 2;
	}
	long per_round = n / ROUNDS;
	struct mg_error err = {0};
	struct mg_kb *kb = NULL;
	struct mg_profile p;
	struct mg_advice *a = malloc(sizeof *a);
	struct mg_buf out = MG_BUF_INIT;
	const struct mg_render_opts opts = {MG_FMT_JSON, 0, 0, MGSLEEP_VERSION};
	double t[ROUNDS], t0;
	size_t sink = 0;

	if (!a)
		return 1;

	/* 1. KB load alone (parse + validate the embedded JSON), median of 50. */
	double kbt[50];
	for (int i = 0; i < 50; i++) {
		t0 = now();
		if (mg_kb_load_builtin(&kb, &err))
			die("kb", &err);
		kbt[i] = now() - t0;
		mg_kb_free(kb);
	}
	printf("kb_load_median %.1f us\n", median(kbt, 50) * 1e6);

	if (mg_kb_load_builtin(&kb, &err))
		die("kb", &err);
	mg_profile_init(&p);
	if (mg_profile_load_json(&p, kb, profile_json, sizeof profile_json - 1, &err) || mg_profile_check(&p, &err))
		die("profile", &err);
	if (mg_advise(kb, &p, a, &err) || mg_render_advice(a, &opts, &out, &err))
		die("advise", &err);
	printf("profile_meds %zu\njson_bytes %zu bytes\n", p.n_meds, out.len);

	/* warm-up */
	for (long i = 0; i < per_round / 10 + 1; i++) {
		mg_buf_reset(&out);
		mg_advise(kb, &p, a, &err);
		mg_render_advice(a, &opts, &out, &err);
		sink += out.len;
	}

	/* 2. advise alone */
	for (int r = 0; r < ROUNDS; r++) {
		t0 = now();
		for (long i = 0; i < per_round; i++) {
			mg_advise(kb, &p, a, &err);
			sink += a->n_refs;
		}
		t[r] = now() - t0;
	}
	double adv = median(t, ROUNDS) / (double)per_round;
	printf("advise_ns %.0f ns/op\n", adv * 1e9);

	/* 3. advise + JSON render into a reused buffer: the requirement */
	for (int r = 0; r < ROUNDS; r++) {
		t0 = now();
		for (long i = 0; i < per_round; i++) {
			mg_buf_reset(&out);
			if (mg_advise(kb, &p, a, &err) || mg_render_advice(a, &opts, &out, &err))
				die("advise", &err);
			sink += out.len;
		}
		t[r] = now() - t0;
	}
	double both = median(t, ROUNDS) / (double)per_round;
	printf("advise_json_ns %.0f ns/op\n", both * 1e9);
	printf("advise_json_best_ns %.0f ns/op\n", t[0] / (double)per_round * 1e9); /* sorted by median() */
	printf("advise_json_per_s %.0f /s\n", 1.0 / both);

	/* 4. profile parse + advise + render (a CLI call minus start-up and KB) */
	long m = per_round / 4 + 1;
	for (int r = 0; r < ROUNDS; r++) {
		t0 = now();
		for (long i = 0; i < m; i++) {
			struct mg_profile q;
			mg_profile_init(&q);
			mg_buf_reset(&out);
			if (mg_profile_load_json(&q, kb, profile_json, sizeof profile_json - 1, &err) ||
			    mg_advise(kb, &q, a, &err) || mg_render_advice(a, &opts, &out, &err))
				die("advise", &err);
			sink += out.len;
		}
		t[r] = now() - t0;
	}
	printf("parse_advise_json_ns %.0f ns/op\n", median(t, ROUNDS) / (double)m * 1e9);

	printf("iterations %ld\nsink %zu\n", per_round * ROUNDS, sink % 10);
	printf("target_advise_json_per_s %.0f %s\n", TARGET_PER_S, 1.0 / both >= TARGET_PER_S ? "PASS" : "FAIL");
	mg_buf_release(&out);
	free(a);
	mg_kb_free(kb);
	return 0;
}
