/* The pre-specified trial conclusion (issue 11), large simulation.
 *
 * usage: bench_trial [TRIALS]     (default 20000 simulated trials per design)
 *
 * For each design, TRIALS simulated diaries (tests/unit/nof1_sim.h: baseline
 * 30 min, SD 15, AR(1) rho 0.5, trend -0.05 min/night, onset ramp and
 * carry-over 3 nights, 10 % missing nights, order per pair by a fair coin)
 * are analysed with a look after every completed pair
 * (tests/unit/trial_sim.h): interim looks before the last pair, the final
 * analysis after it, each concluded by mg_trial_conclude with the spec a
 * SOL plan stores (alpha 0.05 two-sided, at least 3 pairs, MID 20 min).
 * Prints, at a true effect of 0, the share of trials whose final conclusion
 * is benefit or harm and the share with benefit or harm at any look; and the
 * 95 % interval coverage at effects 0 and -10.
 * Requirements: both false-claim shares <= 5 % (one-sided 99 % binomial
 * bound for Monte Carlo error), no claim at an interim look, coverage
 * 93-97 %. For contrast it prints what the verdict before issue 11 (an
 * effect named whenever the interval excludes 0) did with the same looks.
 * Output: "key value unit" lines and "# " comments; exit 1 if a
 * requirement is missed. */
#include "../tests/unit/trial_sim.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int trials = argc > 1 ? atoi(argv[1]) : 20000, fail = 0;
	if (trials < 100)
		trials = 100;
	struct mg_trial_spec spec = {0.05, 3, 20, 0, -1};
	struct {
		const char *name;
		int pairs, nights, washout;
	} designs[] = {
		{"6x14w4", 6, 14, 4},
		{"8x14w4", 8, 14, 4},
		{"12x14w4", 12, 14, 4},
		{"6x28w7", 6, 28, 7},
	};
	int bound = binom_upper99(trials, 0.05);
	printf("# %d simulated trials per row; false-claim bound %d (%.2f %%)\n", trials, bound, 100.0 * bound / trials);
	for (size_t k = 0; k < sizeof designs / sizeof designs[0]; k++) {
		for (int null = 1; null >= 0; null--) {
			struct sim_design d = {.pairs = designs[k].pairs, .nights = designs[k].nights,
					       .washout = designs[k].washout, .base = 30, .effect = null ? 0 : -10,
					       .trend = -0.05, .sd = 15, .rho = 0.5, .onset = 3, .carry = 3, .missing = 0.1};
			struct trial_sim_stats s;
			trial_sim_run(&d, trials, 91000 + 10 * (uint64_t)k + (uint64_t)null, &spec, &s);
			double cov = 100.0 * s.covered / s.usable;
			printf("%s_effect%d_coverage %.2f %%\n", designs[k].name, null ? 0 : -10, cov);
			fail |= cov < 93 || cov > 97 || s.interim_claims != 0;
			if (null) {
				printf("%s_false_claims_final %.2f %%\n", designs[k].name, 100.0 * s.final_claims / trials);
				printf("%s_false_claims_any_look %.2f %%\n", designs[k].name, 100.0 * s.any_look_claims / trials);
				fail |= s.final_claims > bound || s.any_look_claims > bound;
				printf("# %s before issue 11 (effect named when the interval excludes 0): %.2f %% final, "
				       "%.2f %% at some look\n",
				       designs[k].name, 100.0 * s.old_final / trials, 100.0 * s.old_any_look / trials);
			} else {
				printf("%s_effect-10_benefit %.2f %%\n", designs[k].name, 100.0 * s.benefit / trials);
			}
			printf("%s_effect%d_interim_claims %d\n", designs[k].name, null ? 0 : -10, s.interim_claims);
		}
	}
	if (fail)
		printf("# FAILED: a requirement was missed\n");
	return fail;
}
