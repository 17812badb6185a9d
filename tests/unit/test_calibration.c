/* Calibration proof (issue 5), small version: simulate diaries with a known
 * effect, a linear trend, AR(1) nights (rho 0.5), an onset ramp in magnesium
 * periods and carry-over into the following period without, 10 % missing
 * nights; drop the washout; analyse each trial at the pair level; check that
 *   - the 95 % t interval covers the true effect in 93-97 % of trials, and
 *   - the randomisation test's false-positive rate at a true effect of 0 is
 *     at most 5 %, allowing for Monte Carlo error with a one-sided binomial
 *     bound: the count must not exceed the 99 % upper point of
 *     Binomial(trials, 0.05), i.e. an honest 5 % test fails this check with
 *     probability <= 1 %.
 * Designs: 4, 6 and 8 pairs of 14-night periods, washout 4 nights (onset and
 * carry-over 3 nights). 2,000 trials per design and scenario; the seeds are
 * fixed, so the run is deterministic. bench/bench_stats.c runs 20,000. */
#include "../tap.h"
#include "nof1_sim.h"

#define TRIALS 2000

int main(void)
{
	const int pairs[] = {4, 6, 8};
	int bound = binom_upper99(TRIALS, 0.05);
	printf("# one-sided 99 %% binomial bound for a 5 %% test over %d trials: %d rejections (%.2f %%)\n", TRIALS, bound,
	       100.0 * bound / TRIALS);
	for (int k = 0; k < 3; k++) {
		for (int null = 0; null < 2; null++) {
			struct sim_design d = {.pairs = pairs[k], .nights = 14, .washout = 4, .base = 30,
					       .effect = null ? 0 : -10, .trend = -0.05, .sd = 15, .rho = 0.5,
					       .onset = 3, .carry = 3, .missing = 0.1};
			struct sim_stats s;
			sim_run(&d, TRIALS, 1000 + 10 * (uint64_t)k + (uint64_t)null, &s);
			double cov = (double)s.covered / s.usable;
			printf("# %d pairs x 14 nights, effect %g: %d/%d usable; t-interval coverage %.2f %%, "
			       "flat-prior credible coverage %.2f %%, randomisation rejections %.2f %%, t-test rejections %.2f %%\n",
			       d.pairs, d.effect, s.usable, s.trials, 100 * cov, 100.0 * s.post_covered / s.usable,
			       100.0 * s.rand_reject / s.usable, 100.0 * s.t_reject / s.usable);
			ok(s.usable == TRIALS, "%d pairs, effect %g: every simulated trial analysable", d.pairs, d.effect);
			ok(cov >= 0.93 && cov <= 0.97, "%d pairs, effect %g: 95 %% interval covers the truth in %.2f %% (93-97)",
			   d.pairs, d.effect, 100 * cov);
			if (null) {
				ok(s.rand_reject <= bound,
				   "%d pairs, no effect: randomisation test false positives %d/%d = %.2f %% <= 5 %% (bound %d)",
				   d.pairs, s.rand_reject, s.usable, 100.0 * s.rand_reject / s.usable, bound);
				ok(s.t_reject <= bound, "%d pairs, no effect: t test false positives %.2f %% <= 5 %% (bound %d)",
				   d.pairs, 100.0 * s.t_reject / s.usable, bound);
			}
		}
	}
	/* Power at the published SOL effect, for the record (not a requirement). */
	struct mg_power_spec ps;
	struct mg_power_result pr;
	mg_power_spec_default(&ps);
	ps.effect = -17;
	ps.sd_night = 15;
	ps.rho = 0.5;
	ps.nights = 14;
	ps.washout = 4;
	for (int k = 0; k < 3; k++) {
		ps.n_pairs = pairs[k];
		int rc = mg_nof1_power(&ps, &pr, NULL);
		ok(rc == 0 && pr.power >= 0 && pr.power <= 1, "power, %d pairs x 14 nights, effect -17 min, SD 15, rho 0.5: %.3f",
		   ps.n_pairs, pr.power);
	}
	return tap_done();
}
