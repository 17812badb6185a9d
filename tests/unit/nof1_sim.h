/* Simulated N-of-1 trials for the calibration proof, shared by
 * tests/unit/test_calibration.c (small) and bench/bench_stats.c (large).
 *
 * Nightly value = baseline + trend * night + effect * (magnesium acting)
 *               + AR(1) noise (marginal SD sd, lag-1 correlation rho, one
 *                 series running through the whole trial)
 * where "magnesium acting" is 1 on the nights of a magnesium period after an
 * onset ramp of `onset` nights ((j + 1) / onset on night j), and carry-over
 * 0.5^(j + 1) on night j < `carry` of a period without magnesium that follows
 * one with it (within a pair or across the boundary between pairs). A share `missing` of nights is left blank (NaN). The order
 * within each pair is a fair coin. With washout >= max(onset, carry) the kept
 * nights see exactly `effect`, which is the truth the intervals must cover. */
#ifndef MG_NOF1_SIM_H
#define MG_NOF1_SIM_H

#include <mgsleep/stats.h>

#include <math.h>

#define SIM_MAX_NIGHTS 64

struct sim_design {
	int pairs, nights, washout;
	double base, effect, trend, sd, rho;
	int onset, carry;
	double missing;
};

struct sim_trial {
	double v[MG_NOF1_MAX_PAIRS][2][SIM_MAX_NIGHTS]; /* [pair][0 = on, 1 = off][night] */
	struct mg_nof1_pair p[MG_NOF1_MAX_PAIRS];
};

static inline void sim_trial(const struct sim_design *d, struct mg_rng *r, struct sim_trial *t)
{
	double e = d->sd * mg_rng_normal(r), innov = sqrt(1 - d->rho * d->rho);
	int g = 0, prev_on = 0;
	for (int i = 0; i < d->pairs; i++) {
		int on_first = (int)(mg_rng_u64(r) >> 63);
		for (int k = 0; k < 2; k++) {
			int on = on_first ? k == 0 : k == 1;
			double *v = t->v[i][on ? 0 : 1];
			for (int j = 0; j < d->nights; j++, g++) {
				e = d->rho * e + innov * d->sd * mg_rng_normal(r);
				double act = 0;
				if (on)
					act = j + 1 >= d->onset ? 1.0 : (j + 1.0) / d->onset;
				else if (prev_on && j < d->carry) /* off period right after an on period */
					act = ldexp(1.0, -(j + 1));
				double y = d->base + d->trend * g + d->effect * act + e;
				v[j] = mg_rng_uniform(r) < d->missing ? NAN : y;
			}
			prev_on = on;
		}
		t->p[i] = (struct mg_nof1_pair){t->v[i][0], d->nights, t->v[i][1], d->nights};
	}
}

struct sim_stats {
	int trials, usable, covered, rand_reject, t_reject, post_covered;
};

/* Run `trials` simulated trials of design d and analyse each. */
static inline void sim_run(const struct sim_design *d, int trials, uint64_t seed, struct sim_stats *s)
{
	static struct sim_trial t; /* about 65 KB: not on the stack */
	struct mg_rng r;
	struct mg_nof1_opts o;
	mg_rng_seed(&r, seed);
	mg_nof1_opts_default(&o);
	o.washout = d->washout;
	*s = (struct sim_stats){0};
	s->trials = trials;
	for (int k = 0; k < trials; k++) {
		struct mg_nof1_result res;
		sim_trial(d, &r, &t);
		if (mg_nof1_analyse(t.p, d->pairs, &o, &res, NULL) != 0 || res.n_used < 2)
			continue;
		s->usable++;
		s->covered += res.ci_lo <= d->effect && d->effect <= res.ci_hi;
		s->post_covered += res.post.lo <= d->effect && d->effect <= res.post.hi;
		s->rand_reject += res.p_value <= 0.05;
		double tp = res.se > 0 ? 2 * mg_t_cdf(-fabs(res.mean / res.se), res.df) : 1;
		s->t_reject += tp <= 0.05;
	}
}

/* Smallest count c with P(X > c) <= 0.01 under Binomial(n, p): the
 * one-sided 99 % upper bound; a count above it has probability <= 1 %. */
static inline int binom_upper99(int n, double p)
{
	double tail = 1.0; /* P(X >= c) */
	for (int c = 0; c <= n; c++) {
		double lp = lgamma(n + 1.0) - lgamma(c + 1.0) - lgamma(n - c + 1.0) + c * log(p) + (n - c) * log1p(-p);
		tail -= exp(lp); /* now P(X > c) */
		if (tail <= 0.01)
			return c;
	}
	return n;
}

#endif
