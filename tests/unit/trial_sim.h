/* The pre-specified conclusion (include/mgsleep/trial.h) on simulated
 * trials, with a look after every completed pair: shared by
 * tests/unit/test_trial.c (small) and bench/bench_trial.c (large).
 * Diaries from nof1_sim.h (AR(1) nights, onset, carry-over, missing nights,
 * random order per pair). At every look before the last the analysis uses
 * the pairs completed so far and is interim; the last look is the final
 * analysis. A false claim is a conclusion of benefit or harm when the true
 * effect is 0. */
#ifndef MG_TRIAL_SIM_H
#define MG_TRIAL_SIM_H

#include "nof1_sim.h"

#include <mgsleep/trial.h>

struct trial_sim_stats {
	int trials;
	int final_claims;    /* benefit or harm at the final analysis */
	int any_look_claims; /* benefit or harm at any look, interim or final */
	int interim_claims;  /* benefit or harm at an interim look (the rule allows none) */
	int covered, usable; /* final 95 % interval covers the truth / analysable */
	int benefit;         /* final conclusion benefit */
	/* For contrast, the verdict before issue 11 (an effect named whenever
	 * the 95 % t interval excludes 0, interim looks included). */
	int old_final, old_any_look;
};

static inline void trial_sim_run(const struct sim_design *d, int trials, uint64_t seed,
				 const struct mg_trial_spec *spec, struct trial_sim_stats *s)
{
	static struct sim_trial t; /* about 65 KB: not on the stack */
	struct mg_rng r;
	struct mg_nof1_opts o;
	mg_rng_seed(&r, seed);
	mg_nof1_opts_default(&o);
	o.washout = d->washout;
	o.mid = spec->mid;
	o.direction = spec->direction;
	*s = (struct trial_sim_stats){0};
	s->trials = trials;
	for (int k = 0; k < trials; k++) {
		struct mg_nof1_result res;
		int any = 0, old_any = 0;
		sim_trial(d, &r, &t);
		for (int look = 1; look <= d->pairs; look++) {
			if (mg_nof1_analyse(t.p, look, &o, &res, NULL) != 0)
				break;
			enum mg_trial_conclusion c = mg_trial_conclude(&res, spec, look < d->pairs);
			int old = res.n_used >= 2 && (res.ci_lo > 0 || res.ci_hi < 0);
			old_any |= old;
			s->old_final += old && look == d->pairs;
			int claim = c == MG_TRIAL_BENEFIT || c == MG_TRIAL_HARM;
			any |= claim;
			if (look < d->pairs) {
				s->interim_claims += claim;
				continue;
			}
			s->final_claims += claim;
			s->benefit += c == MG_TRIAL_BENEFIT;
			if (res.n_used >= 2) {
				s->usable++;
				s->covered += res.ci_lo <= d->effect && d->effect <= res.ci_hi;
			}
		}
		s->any_look_claims += any;
		s->old_any_look += old_any;
	}
}

#endif
