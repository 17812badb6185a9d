/* Statistics core for the N-of-1 trial: a seeded PRNG, the normal and Student
 * t distributions, and the analysis of a paired randomised N-of-1 design
 * (pair-level mean difference, t interval, exact randomisation test, Bayesian
 * posterior, power by simulation). docs/statistics.md explains the model.
 *
 * Pure computation: no I/O, no globals, no clock, no heap. Every function
 * works on caller-allocated memory (structs passed by pointer, arrays the
 * caller owns); nothing is retained between calls. Anything random takes a
 * seed or a struct mg_rng, so every result is reproducible. The one shared
 * state touched is libm's `signgam`, written by lgamma(); the values used here
 * never depend on it.
 *
 * Fallible calls return 0 or a negative MG_E* code and fill *err (may be NULL).
 * "Too few pairs to estimate" is not an error: the call succeeds, the result
 * carries MG_NOF1_TOO_FEW and every estimate that needs two pairs is NaN.
 *
 * Named priors (mean, SD of the individual effect, magnesium minus none) and
 * minimal important differences (MID), derivations in docs/statistics.md:
 *
 *   outcome (units, better)    MID    evidence-based prior   sceptical    flat
 *   SOL  (min, lower)          20     N(-17.4, 18.1)         N(0, 10)     N(0, inf)
 *   ISI  (points, lower)        6     N(-1.6, 1.8)           N(0, 3)      N(0, inf)
 *   TST  (min, higher)         15     N(+16.1, 19.6)         N(0, 7.5)    N(0, inf)
 *   WASO (min, lower)          20     none (no trial data)   N(0, 10)     N(0, inf)
 *   SE   (%, higher)           10     none                   N(0, 5)      N(0, inf)
 *   awakenings (/night, lower) 0.5    none                   N(0, 0.25)   N(0, inf)
 *   quality (1-5, higher)      0.5    none                   N(0, 0.25)   N(0, inf)
 *
 * Evidence-based SD = sqrt(SE_meta^2 + tau^2): SE of the published average
 * effect (from its 95 % CI: width / 3.92) widened by tau, the spread of
 * individual effects around the average, taken equal to |average effect|
 * (people range from no effect to twice the average). SOL: Mah & Pitre 2021
 * -17.36 min, CI -27.27 to -7.44 -> SE 5.06, tau 17.36 -> SD 18.1.
 * ISI: Schuster 2025 -1.6 points, p = 0.049 -> SE 0.81, tau 1.6 -> SD 1.8.
 * TST: Mah & Pitre +16.06 min, CI -5.99 to 38.12 -> SE 11.25, tau 16 -> 19.6.
 * Sceptical: mean 0, SD = MID / 2. Flat: SD = INFINITY.
 * MIDs: ISI 6 (reference S33); the diary ones are the AASM 2021 clinical
 * significance thresholds, intervention versus control (Edinger et al. J Clin
 * Sleep Med 2021;17(2):263-298, Table 3; quality "0.5 SD" read as 0.5 on a
 * 1-5 scale). */
#ifndef MGSLEEP_STATS_H
#define MGSLEEP_STATS_H

#include <mgsleep/error.h>

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- rng.c */

/* xoshiro256** seeded through splitmix64; Box-Muller normals (the second
 * value of each pair is cached in the state). Same seed, same stream, on
 * every platform for the integer and uniform outputs. */
struct mg_rng {
	uint64_t s[4];
	double spare; /* cached normal deviate */
	int has_spare;
};

void mg_rng_seed(struct mg_rng *r, uint64_t seed);
uint64_t mg_rng_u64(struct mg_rng *r);
/* Uniform on [0, 1) with 53 random bits. */
double mg_rng_uniform(struct mg_rng *r);
/* Uniform integer in [0, n), unbiased (Lemire's method); n > 0. */
uint64_t mg_rng_below(struct mg_rng *r, uint64_t n);
/* Standard normal deviate. */
double mg_rng_normal(struct mg_rng *r);
/* Fisher-Yates shuffle of n elements of `size` bytes at base, in place. */
void mg_rng_shuffle(struct mg_rng *r, void *base, size_t n, size_t size);

/* --------------------------------------------------------------- dist.c */

/* Standard normal: CDF via erfc (accurate in both tails), density, and
 * quantile (Wichura AS241, ~1e-16 relative). quantile(0) = -INFINITY,
 * quantile(1) = INFINITY, NaN outside [0, 1]. */
double mg_norm_cdf(double x);
double mg_norm_pdf(double x);
double mg_norm_quantile(double p);

/* Regularised incomplete beta I_x(a, b), a, b > 0, x in [0, 1]: continued
 * fraction (modified Lentz) with the lgamma front factor. NaN on bad input. */
double mg_beta_inc(double a, double b, double x);

/* Student t with df > 0 degrees of freedom (df need not be an integer;
 * df = INFINITY gives the normal). CDF through mg_beta_inc; quantile by
 * safeguarded Newton on the CDF (closed forms for df 1 and 2). NaN for
 * df <= 0 or NaN arguments. */
double mg_t_cdf(double x, double df);
double mg_t_pdf(double x, double df);
double mg_t_quantile(double p, double df);

/* --------------------------------------------------------------- nof1.c */

#define MG_NOF1_MAX_PAIRS 64  /* more pairs: MG_ETOOBIG */
#define MG_NOF1_EXACT_MAX 20  /* exact randomisation test up to this many pairs */
#define MG_NOF1_MC_DRAWS 100000

/* One pair of periods: the nightly values of the magnesium period and of the
 * period without, each in night order (night 0 = first night of the period).
 * A night without a value is NaN, so that the washout counts nights of the
 * calendar, not recorded values. The arrays are the caller's and are only
 * read. Which period came first does not enter the analysis. */
struct mg_nof1_pair {
	const double *on;
	int n_on;
	const double *off;
	int n_off;
};

/* Prior for the effect (magnesium minus none) in outcome units.
 * sd = INFINITY is the flat prior. */
struct mg_prior {
	double mean;
	double sd;
};

struct mg_nof1_opts {
	int washout;     /* nights dropped at the start of every period (carry-over, onset); default 7 */
	int min_nights;  /* a pair is usable with >= this many kept values in both periods; default 3 */
	int direction;   /* +1: higher is better (TST), -1: lower is better (SOL, ISI); default -1 */
	double mid;      /* minimal important difference, > 0, outcome units; default 20 (SOL) */
	struct mg_prior prior; /* default flat */
	int mc_draws;    /* Monte Carlo draws above MG_NOF1_EXACT_MAX pairs; default MG_NOF1_MC_DRAWS */
	uint64_t seed;   /* seed of those draws; default 1 */
};

/* Defaults listed above (SOL, flat prior). */
void mg_nof1_opts_default(struct mg_nof1_opts *o);

/* Result flags. */
enum {
	MG_NOF1_TOO_FEW = 1 << 0,     /* fewer than 2 usable pairs: too few pairs to estimate */
	MG_NOF1_DROPPED = 1 << 1,     /* some pairs were unusable (too few nights) */
	MG_NOF1_MONTE_CARLO = 1 << 2, /* p from seeded Monte Carlo, not exact */
	MG_NOF1_P_FLOOR = 1 << 3,     /* smallest achievable p > 0.05: no result can be significant */
	MG_NOF1_NO_SPREAD = 1 << 4,   /* all differences equal: SD 0, interval of zero width */
};

/* Posterior of the effect. */
struct mg_posterior {
	double mean;     /* NaN when it does not exist (flat prior, 2 pairs: Cauchy) */
	double median;
	double lo, hi;   /* central 95 % credible interval */
	double p_benefit; /* P(effect in the beneficial direction, beyond 0) */
	double p_mid;    /* P(effect beyond the MID in the beneficial direction) */
	double p_harm_mid; /* P(effect beyond the MID in the harmful direction) */
};

struct mg_nof1_result {
	unsigned flags;
	int n_pairs; /* pairs given */
	int n_used;  /* usable pairs */
	/* Per given pair: kept nights and period means (NaN if none), the
	 * difference on - off (NaN if the pair is unusable). */
	int kept_on[MG_NOF1_MAX_PAIRS], kept_off[MG_NOF1_MAX_PAIRS];
	double mean_on[MG_NOF1_MAX_PAIRS], mean_off[MG_NOF1_MAX_PAIRS];
	double diff[MG_NOF1_MAX_PAIRS];
	/* Over usable pairs. mean is NaN with none; the rest NaN with < 2. */
	double mean, sd, se, df, ci_lo, ci_hi; /* 95 % t interval, df = n_used - 1 */
	double p_value;   /* two-sided randomisation p; NaN with no usable pair */
	double p_min;     /* smallest p this number of pairs can give: 2^(1 - n_used) */
	long long n_assignments; /* 2^n_used (exact) or Monte Carlo draws */
	struct mg_posterior post; /* NaN fields with < 2 usable pairs */
};

/* Analyse n pairs. Returns 0, or MG_EINVAL (NULL pointers, n < 0, a negative
 * count, washout < 0, min_nights < 1, direction not +-1, mid <= 0 or not
 * finite, prior sd <= 0 or NaN, prior mean not finite, mc_draws < 1) or
 * MG_ETOOBIG (n > MG_NOF1_MAX_PAIRS). A non-finite night value other than
 * NaN (an infinity) is MG_EINVAL. */
int mg_nof1_analyse(const struct mg_nof1_pair *pairs, int n, const struct mg_nof1_opts *o,
		    struct mg_nof1_result *res, struct mg_error *err);

/* Two-sided randomisation p for paired differences d[0..n-1] under the sharp
 * null (each d_i could equally have had the opposite sign): the share of the
 * 2^n sign assignments whose |sum| >= |observed sum| (relative tolerance
 * 1e-9 for ties). Exact for n <= MG_NOF1_EXACT_MAX (meet in the middle: the
 * 2^n assignments are counted through two sorted half-lists, O(2^(n/2))).
 * Larger n (up to MG_NOF1_MAX_PAIRS): `draws` random assignments from `seed`,
 * p = (1 + hits) / (1 + draws), *exact set to 0. n = 0 gives NaN.
 * exact may be NULL. */
double mg_randtest_p(const double *d, int n, int draws, uint64_t seed, int *exact);

/* Posterior of the effect given a pair-level summary: mean `ybar`, standard
 * error `se` and nu = n - 1 degrees of freedom, under a normal prior.
 * Likelihood: the marginal of the normal model with p(sigma) ~ 1/sigma, i.e.
 * a t(nu) in (ybar - effect) / se. With a flat prior the posterior is that
 * t; otherwise a scale mixture of normals integrated over the precision
 * (quadrature on log precision). Returns MG_EINVAL for se < 0, nu <= 0,
 * non-finite inputs, bad prior, mid <= 0 or direction not +-1. se = 0 gives
 * a point mass at ybar. */
int mg_posterior_t(double ybar, double se, double nu, struct mg_prior prior, double mid, int direction,
		   struct mg_posterior *out, struct mg_error *err);

/* SD of the mean of m consecutive values of a stationary AR(1) series with
 * marginal SD sd and lag-1 autocorrelation rho (|rho| < 1):
 * sd * sqrt((1 + 2 sum_{k=1}^{m-1} (1 - k/m) rho^k) / m). NaN on bad input. */
double mg_ar1_sd_of_mean(double sd, double rho, int m);

/* Estimate mean, SD (sample) and lag-1 autocorrelation of a nightly series
 * (NaN = missing; rho from the pairs of consecutive nights both present,
 * clamped to [-0.95, 0.95]). Returns the number of values used; the outputs
 * are NaN when it is < 3 (rho also NaN with < 3 consecutive pairs). Any
 * output pointer may be NULL. */
int mg_series_ar1(const double *x, int n, double *mean, double *sd, double *rho);

enum mg_nof1_test { MG_TEST_RANDOMISATION = 0, MG_TEST_T = 1 };

/* Power of a planned trial by simulation. Variability is given either as
 * sd_period > 0 (SD of one period's mean; period means are then simulated
 * independent) or, when sd_period is 0, nightly: sd_night, rho and the
 * period length `nights` of which the first `washout` are dropped (an AR(1)
 * series run through the whole trial, pair orders randomised).
 * The randomisation test is exact for n_pairs <= MG_NOF1_EXACT_MAX; above
 * that the t test is used instead (result.test says which). */
struct mg_power_spec {
	int n_pairs;     /* 1..MG_NOF1_MAX_PAIRS */
	double effect;   /* true mean difference on - off, outcome units */
	double alpha;    /* two-sided level, in (0, 1); default 0.05 */
	int test;        /* enum mg_nof1_test; default randomisation */
	double sd_period;
	double sd_night, rho;
	int nights, washout;
	int n_sim;       /* simulated trials, default 2000 */
	uint64_t seed;   /* default 1 */
	/* Issue 11; 0 (the default) leaves each out. */
	double missing;  /* share of nights missing at random, [0, 0.9]; nightly model only. Each night
			  * is simulated; a pair with fewer than min(3, nights - washout) kept nights in
			  * a period is not used */
	double effect_sd; /* > 0: each simulated trial's effect drawn from N(effect, effect_sd^2) (the
			   * power averaged over a prior for the person's effect) */
	int direction;   /* +-1: count only trials that conclude a benefit in this direction: p < alpha
			  * and the 95 % t interval beyond 0 on that side; 0: any p <= alpha */
	int min_pairs;   /* with direction: at least this many usable pairs and SD > 0 */
};

struct mg_power_result {
	double power;   /* share of simulated trials with p <= alpha */
	double mc_se;   /* its Monte Carlo standard error */
	double p_min;   /* 2^(1 - n_pairs): power is 0 when this exceeds alpha */
	int test;       /* the test actually used */
	int n_sim;
};

void mg_power_spec_default(struct mg_power_spec *s);
/* Returns 0, MG_EINVAL (bad field; names it in err) or MG_ETOOBIG. */
int mg_nof1_power(const struct mg_power_spec *s, struct mg_power_result *out, struct mg_error *err);

#endif
