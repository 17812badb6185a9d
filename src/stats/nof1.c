/* Analysis of a paired randomised N-of-1 trial at the level the design
 * randomises (the pair): per-pair differences, t interval, exact
 * randomisation test, Bayesian posterior with a t likelihood, and power by
 * simulation. docs/statistics.md has the derivations. No heap: all working
 * arrays are bounded by MG_NOF1_MAX_PAIRS / MG_NOF1_EXACT_MAX and live on
 * the stack (largest frames: the exact test's half-lists, 32 KB, and the
 * posterior quadrature, 32 KB; never live at the same time). */
#include <mgsleep/stats.h>

#include <float.h>
#include <math.h>
#include <string.h>

#define HALF_MAX (MG_NOF1_EXACT_MAX - MG_NOF1_EXACT_MAX / 2) /* larger half of an exact split */
#define TIE_REL 1e-9
#define Q975 0.975

void mg_nof1_opts_default(struct mg_nof1_opts *o)
{
	o->washout = 7;
	o->min_nights = 3;
	o->direction = -1;
	o->mid = 20.0;
	o->prior.mean = 0.0;
	o->prior.sd = INFINITY;
	o->mc_draws = MG_NOF1_MC_DRAWS;
	o->seed = 1;
}

/* ------------------------------------------------------ randomisation test */

/* All 2^k signed sums of d[0..k-1], ascending. Built by merging S - x and
 * S + x, which are both sorted when S is: O(2^k), no sort. buf0 and buf1
 * (room for 2^k each) are used in turn; returns the one holding the result. */
static const double *signed_sums(const double *d, int k, double *buf0, double *buf1)
{
	double *src = buf0, *dst = buf1;
	size_t len = 1;
	src[0] = 0.0;
	for (int i = 0; i < k; i++) {
		double x = fabs(d[i]);
		size_t a = 0, b = 0, o = 0;
		while (a < len && b < len) {
			double va = src[a] - x, vb = src[b] + x;
			int takea = va <= vb;
			dst[o++] = takea ? va : vb;
			a += (size_t)takea;
			b += (size_t)!takea;
		}
		while (a < len)
			dst[o++] = src[a++] - x;
		while (b < len)
			dst[o++] = src[b++] + x;
		len *= 2;
		double *t = src;
		src = dst;
		dst = t;
	}
	return src;
}

/* Number of (i, j) with |L_i + R_j| >= t, t > 0, L and R ascending. */
static uint64_t count_extreme(const double *L, size_t nl, const double *R, size_t nr, double t)
{
	uint64_t c = 0;
	/* L_i + R_j >= t: as L_i grows, the first qualifying j moves left. */
	size_t j = nr;
	for (size_t i = 0; i < nl; i++) {
		while (j > 0 && L[i] + R[j - 1] >= t)
			j--;
		c += nr - j;
	}
	/* L_i + R_j <= -t: as L_i grows, fewer j qualify. */
	j = nr;
	for (size_t i = 0; i < nl; i++) {
		while (j > 0 && L[i] + R[j - 1] > -t)
			j--;
		c += j;
	}
	return c;
}

double mg_randtest_p(const double *d, int n, int draws, uint64_t seed, int *exact)
{
	if (exact)
		*exact = 1;
	if (!d || n < 1 || n > MG_NOF1_MAX_PAIRS)
		return NAN;
	double sum = 0, abssum = 0;
	for (int i = 0; i < n; i++) {
		sum += d[i];
		abssum += fabs(d[i]);
	}
	/* Ties within a relative 1e-9 count as "as extreme": sums of the same
	 * numbers in another order differ by rounding only. */
	double t = fabs(sum) - TIE_REL * abssum;
	if (!(t > 0))
		return 1.0;
	if (n <= MG_NOF1_EXACT_MAX) {
		double b0[1 << HALF_MAX], b1[1 << HALF_MAX], b2[1 << HALF_MAX], b3[1 << HALF_MAX];
		int kl = n / 2, kr = n - kl;
		const double *L = signed_sums(d, kl, b0, b1);
		const double *R = signed_sums(d + kl, kr, b2, b3);
		uint64_t c = count_extreme(L, (size_t)1 << kl, R, (size_t)1 << kr, t);
		return (double)c / (double)((uint64_t)1 << n);
	}
	if (exact)
		*exact = 0;
	if (draws < 1)
		draws = MG_NOF1_MC_DRAWS;
	struct mg_rng rng;
	mg_rng_seed(&rng, seed);
	long hits = 0;
	for (int k = 0; k < draws; k++) {
		uint64_t bits = mg_rng_u64(&rng);
		double s = 0;
		for (int i = 0; i < n; i++)
			s += (bits >> i & 1) ? -d[i] : d[i];
		if (fabs(s) >= t)
			hits++;
	}
	return (double)(hits + 1) / (double)(draws + 1);
}

/* ------------------------------------------------------------- posterior */

/* P(dir * effect > c) for effect ~ t(nu) located at ybar with scale se. */
static double t_upper(double ybar, double se, double nu, int dir, double c)
{
	return mg_t_cdf((dir * ybar - c) / se, nu);
}

#define MIX_NODES 1024

struct mixture {
	int k;
	double w[MIX_NODES], m[MIX_NODES], s[MIX_NODES];
};

static double mix_cdf(const struct mixture *mx, double x)
{
	double F = 0;
	for (int j = 0; j < mx->k; j++)
		F += mx->w[j] * mg_norm_cdf((x - mx->m[j]) / mx->s[j]);
	return F;
}

/* P(dir * effect > c), summed from the upper side of every component. */
static double mix_upper(const struct mixture *mx, int dir, double c)
{
	double P = 0;
	for (int j = 0; j < mx->k; j++)
		P += mx->w[j] * mg_norm_cdf((dir * mx->m[j] - c) / mx->s[j]);
	return P;
}

static double mix_pdf(const struct mixture *mx, double x)
{
	double f = 0;
	for (int j = 0; j < mx->k; j++)
		f += mx->w[j] * mg_norm_pdf((x - mx->m[j]) / mx->s[j]) / mx->s[j];
	return f;
}

static double mix_quantile(const struct mixture *mx, double p)
{
	double lo = INFINITY, hi = -INFINITY;
	for (int j = 0; j < mx->k; j++) {
		lo = fmin(lo, mx->m[j] - 12.0 * mx->s[j]);
		hi = fmax(hi, mx->m[j] + 12.0 * mx->s[j]);
	}
	double x = 0.5 * (lo + hi);
	for (int it = 0; it < 200; it++) {
		double F = mix_cdf(mx, x) - p;
		if (F < 0)
			lo = x;
		else
			hi = x;
		double f = mix_pdf(mx, x);
		double nx = f > 0 ? x - F / f : NAN;
		if (!(nx > lo && nx < hi))
			nx = 0.5 * (lo + hi);
		double scale = fmax(fabs(nx), hi - lo);
		if (fabs(nx - x) <= 1e-12 * fmax(scale, DBL_MIN) || hi - lo <= 1e-13 * fmax(fabs(lo), fabs(hi)))
			return nx;
		x = nx;
	}
	return x;
}

/* Log of the unnormalised mixing density over u = log w (w = precision
 * multiplier of the t likelihood, w ~ Gamma(nu/2, rate nu/2)), including the
 * Jacobian and the marginal likelihood of ybar under component w. */
static double log_mix_weight(double u, double ybar, double se, double nu, double m0, double s0)
{
	double w = exp(u);
	double V = s0 * s0 + se * se / w;
	double dy = ybar - m0;
	return 0.5 * nu * u - 0.5 * nu * w - 0.5 * log(V) - dy * dy / (2.0 * V);
}

int mg_posterior_t(double ybar, double se, double nu, struct mg_prior prior, double mid, int direction,
		   struct mg_posterior *out, struct mg_error *err)
{
	if (!out)
		return mg_fail(err, MG_EINVAL, "posterior", "no output");
	if (!isfinite(ybar) || !isfinite(se) || se < 0)
		return mg_fail(err, MG_EINVAL, "se", "mean and standard error must be finite, se >= 0");
	if (isnan(nu) || nu <= 0)
		return mg_fail(err, MG_EINVAL, "df", "degrees of freedom must be > 0");
	if (!isfinite(prior.mean) || isnan(prior.sd) || prior.sd <= 0)
		return mg_fail(err, MG_EINVAL, "prior", "prior mean must be finite and prior SD > 0");
	if (!isfinite(mid) || mid <= 0)
		return mg_fail(err, MG_EINVAL, "mid", "minimal important difference must be > 0");
	if (direction != 1 && direction != -1)
		return mg_fail(err, MG_EINVAL, "direction", "direction must be +1 or -1");
	int dir = direction;

	if (se == 0) { /* degenerate likelihood: a point mass at ybar */
		out->mean = out->median = out->lo = out->hi = ybar;
		out->p_benefit = dir * ybar > 0;
		out->p_mid = dir * ybar > mid;
		out->p_harm_mid = -dir * ybar > mid;
		return 0;
	}
	if (isinf(prior.sd)) { /* flat prior: the posterior is the t itself */
		double tq = mg_t_quantile(Q975, nu);
		out->mean = nu > 1 ? ybar : NAN;
		out->median = ybar;
		out->lo = ybar - tq * se;
		out->hi = ybar + tq * se;
		out->p_benefit = t_upper(ybar, se, nu, dir, 0);
		out->p_mid = t_upper(ybar, se, nu, dir, mid);
		out->p_harm_mid = t_upper(ybar, se, nu, -dir, mid);
		return 0;
	}
	double m0 = prior.mean, s0 = prior.sd;
	if (nu > 1e4 || isinf(nu)) { /* t(nu) indistinguishable from normal: conjugate */
		double v = 1.0 / (1.0 / (s0 * s0) + 1.0 / (se * se));
		double m = v * (m0 / (s0 * s0) + ybar / (se * se)), s = sqrt(v);
		double z = mg_norm_quantile(Q975);
		out->mean = out->median = m;
		out->lo = m - z * s;
		out->hi = m + z * s;
		out->p_benefit = mg_norm_cdf((dir * m) / s);
		out->p_mid = mg_norm_cdf((dir * m - mid) / s);
		out->p_harm_mid = mg_norm_cdf((-dir * m - mid) / s);
		return 0;
	}

	/* Locate the mass of the mixing density on a coarse scan of u = log w,
	 * then integrate it with the trapezoid rule (spectrally accurate for a
	 * smooth integrand that vanishes at both ends). */
	const double ua = -60.0, ub = 12.0, du = 0.05;
	int ncoarse = (int)((ub - ua) / du) + 1;
	double best = -INFINITY;
	for (int i = 0; i < ncoarse; i++)
		best = fmax(best, log_mix_weight(ua + i * du, ybar, se, nu, m0, s0));
	int first = -1, last = -1;
	for (int i = 0; i < ncoarse; i++) {
		if (log_mix_weight(ua + i * du, ybar, se, nu, m0, s0) > best - 45.0) {
			if (first < 0)
				first = i;
			last = i;
		}
	}
	double lo_u = ua + (first - 1) * du, hi_u = ua + (last + 1) * du;
	enum { K = MIX_NODES };
	struct mixture mx;
	double lw[K], h = (hi_u - lo_u) / (K - 1), top = -INFINITY;
	for (int j = 0; j < K; j++) {
		lw[j] = log_mix_weight(lo_u + j * h, ybar, se, nu, m0, s0);
		top = fmax(top, lw[j]);
	}
	double tot = 0;
	mx.k = 0;
	for (int j = 0; j < K; j++) {
		double wt = exp(lw[j] - top);
		if (wt < 1e-20)
			continue;
		double w = exp(lo_u + j * h);
		double v = 1.0 / (1.0 / (s0 * s0) + w / (se * se));
		mx.w[mx.k] = wt;
		mx.m[mx.k] = v * (m0 / (s0 * s0) + w * ybar / (se * se));
		mx.s[mx.k] = sqrt(v);
		tot += wt;
		mx.k++;
	}
	double mean = 0;
	for (int j = 0; j < mx.k; j++) {
		mx.w[j] /= tot;
		mean += mx.w[j] * mx.m[j];
	}
	out->mean = mean;
	out->median = mix_quantile(&mx, 0.5);
	out->lo = mix_quantile(&mx, 1.0 - Q975);
	out->hi = mix_quantile(&mx, Q975);
	out->p_benefit = mix_upper(&mx, dir, 0);
	out->p_mid = mix_upper(&mx, dir, mid);
	out->p_harm_mid = mix_upper(&mx, -dir, mid);
	return 0;
}

/* ------------------------------------------------------------- analysis */

static void period_mean(const double *v, int n, int washout, int *kept, double *mean)
{
	double s = 0;
	int k = 0;
	for (int i = washout; i < n; i++)
		if (!isnan(v[i])) {
			s += v[i];
			k++;
		}
	*kept = k;
	*mean = k ? s / k : NAN;
}

static void posterior_nan(struct mg_posterior *p)
{
	p->mean = p->median = p->lo = p->hi = NAN;
	p->p_benefit = p->p_mid = p->p_harm_mid = NAN;
}

static int check_values(const double *v, int n)
{
	for (int i = 0; i < n; i++)
		if (isinf(v[i]))
			return -1;
	return 0;
}

int mg_nof1_analyse(const struct mg_nof1_pair *pairs, int n, const struct mg_nof1_opts *o,
		    struct mg_nof1_result *res, struct mg_error *err)
{
	if (!o || !res || (n > 0 && !pairs))
		return mg_fail(err, MG_EINVAL, "nof1", "missing argument");
	if (n < 0)
		return mg_fail(err, MG_EINVAL, "pairs", "negative number of pairs");
	if (n > MG_NOF1_MAX_PAIRS)
		return mg_fail(err, MG_ETOOBIG, "pairs", "%d pairs; at most %d can be analysed", n, MG_NOF1_MAX_PAIRS);
	if (o->washout < 0)
		return mg_fail(err, MG_EINVAL, "washout", "washout must be >= 0 nights");
	if (o->min_nights < 1)
		return mg_fail(err, MG_EINVAL, "min_nights", "a period needs at least 1 night");
	if (o->direction != 1 && o->direction != -1)
		return mg_fail(err, MG_EINVAL, "direction", "direction must be +1 or -1");
	if (!isfinite(o->mid) || o->mid <= 0)
		return mg_fail(err, MG_EINVAL, "mid", "minimal important difference must be > 0");
	if (!isfinite(o->prior.mean) || isnan(o->prior.sd) || o->prior.sd <= 0)
		return mg_fail(err, MG_EINVAL, "prior", "prior mean must be finite and prior SD > 0");
	if (o->mc_draws < 1)
		return mg_fail(err, MG_EINVAL, "mc_draws", "at least 1 Monte Carlo draw");
	for (int i = 0; i < n; i++) {
		const struct mg_nof1_pair *p = &pairs[i];
		if (p->n_on < 0 || p->n_off < 0 || (p->n_on > 0 && !p->on) || (p->n_off > 0 && !p->off))
			return mg_fail(err, MG_EINVAL, "pairs", "pair %d: bad night array", i + 1);
		if (check_values(p->on, p->n_on) || check_values(p->off, p->n_off))
			return mg_fail(err, MG_EINVAL, "pairs", "pair %d: infinite value", i + 1);
	}

	memset(res, 0, sizeof *res);
	res->n_pairs = n;
	double d[MG_NOF1_MAX_PAIRS];
	int m = 0;
	for (int i = 0; i < n; i++) {
		period_mean(pairs[i].on, pairs[i].n_on, o->washout, &res->kept_on[i], &res->mean_on[i]);
		period_mean(pairs[i].off, pairs[i].n_off, o->washout, &res->kept_off[i], &res->mean_off[i]);
		if (res->kept_on[i] >= o->min_nights && res->kept_off[i] >= o->min_nights) {
			res->diff[i] = res->mean_on[i] - res->mean_off[i];
			d[m++] = res->diff[i];
		} else {
			res->diff[i] = NAN;
		}
	}
	for (int i = n; i < MG_NOF1_MAX_PAIRS; i++)
		res->mean_on[i] = res->mean_off[i] = res->diff[i] = NAN;
	res->n_used = m;
	if (m < n)
		res->flags |= MG_NOF1_DROPPED;
	res->mean = res->sd = res->se = res->df = res->ci_lo = res->ci_hi = NAN;
	res->p_value = res->p_min = NAN;
	posterior_nan(&res->post);
	if (m < 2)
		res->flags |= MG_NOF1_TOO_FEW;
	if (m == 0)
		return 0;

	double s = 0;
	for (int i = 0; i < m; i++)
		s += d[i];
	res->mean = s / m;
	int exact = 1;
	res->p_value = mg_randtest_p(d, m, o->mc_draws, o->seed, &exact);
	res->p_min = ldexp(1.0, 1 - m);
	res->n_assignments = exact ? (long long)1 << m : o->mc_draws;
	if (!exact) {
		res->flags |= MG_NOF1_MONTE_CARLO;
		res->p_min = fmax(res->p_min, 1.0 / (o->mc_draws + 1.0));
	}
	if (res->p_min > 0.05)
		res->flags |= MG_NOF1_P_FLOOR;
	if (m < 2)
		return 0;

	double ss = 0;
	for (int i = 0; i < m; i++)
		ss += (d[i] - res->mean) * (d[i] - res->mean);
	res->sd = sqrt(ss / (m - 1));
	res->se = res->sd / sqrt((double)m);
	res->df = m - 1;
	double tq = mg_t_quantile(Q975, res->df);
	res->ci_lo = res->mean - tq * res->se;
	res->ci_hi = res->mean + tq * res->se;
	if (res->sd == 0)
		res->flags |= MG_NOF1_NO_SPREAD;
	return mg_posterior_t(res->mean, res->se, res->df, o->prior, o->mid, o->direction, &res->post, err);
}

/* ---------------------------------------------------------------- series */

double mg_ar1_sd_of_mean(double sd, double rho, int m)
{
	if (!isfinite(sd) || sd < 0 || !(fabs(rho) < 1) || m < 1)
		return NAN;
	double f = 1.0, rk = 1.0;
	for (int k = 1; k < m; k++) {
		rk *= rho;
		f += 2.0 * (1.0 - (double)k / m) * rk;
	}
	return sd * sqrt(f / m);
}

int mg_series_ar1(const double *x, int n, double *mean, double *sd, double *rho)
{
	double s = 0;
	int k = 0;
	if (mean)
		*mean = NAN;
	if (sd)
		*sd = NAN;
	if (rho)
		*rho = NAN;
	if (!x || n < 1)
		return 0;
	for (int i = 0; i < n; i++)
		if (isfinite(x[i])) {
			s += x[i];
			k++;
		}
	if (k < 3)
		return k;
	double mu = s / k, ss = 0, num = 0;
	int pairs = 0;
	for (int i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			continue;
		ss += (x[i] - mu) * (x[i] - mu);
		if (i + 1 < n && isfinite(x[i + 1])) {
			num += (x[i] - mu) * (x[i + 1] - mu);
			pairs++;
		}
	}
	if (mean)
		*mean = mu;
	if (sd)
		*sd = sqrt(ss / (k - 1));
	if (rho && pairs >= 3 && ss > 0) {
		/* lag-1 autocorrelation, rescaled for the pairs actually present */
		double r = (num / pairs) / (ss / k);
		*rho = fmax(-0.95, fmin(0.95, r));
	}
	return k;
}

/* ----------------------------------------------------------------- power */

void mg_power_spec_default(struct mg_power_spec *s)
{
	memset(s, 0, sizeof *s);
	s->n_pairs = 6;
	s->alpha = 0.05;
	s->test = MG_TEST_RANDOMISATION;
	s->nights = 28;
	s->washout = 7;
	s->n_sim = 2000;
	s->seed = 1;
}

/* Two-sided one-sample t test p for d[0..n-1], n >= 2. */
static double t_test_p(const double *d, int n)
{
	double s = 0, ss = 0;
	for (int i = 0; i < n; i++)
		s += d[i];
	double mean = s / n;
	for (int i = 0; i < n; i++)
		ss += (d[i] - mean) * (d[i] - mean);
	double se = sqrt(ss / (n - 1) / n);
	if (se == 0)
		return mean == 0 ? 1.0 : 0.0;
	return 2.0 * mg_t_cdf(-fabs(mean / se), n - 1);
}

/* 1 when differences d[0..m-1] would conclude a benefit in s->direction
 * under the trial's rule (include/mgsleep/trial.h): enough pairs with a
 * spread, p < alpha, and the 95 % t interval beyond 0 on the beneficial side. */
static int concludes_benefit(const double *d, int m, const struct mg_power_spec *s, int test)
{
	if (m < 2 || m < s->min_pairs)
		return 0;
	double sum = 0, ss = 0;
	for (int i = 0; i < m; i++)
		sum += d[i];
	double mean = sum / m;
	for (int i = 0; i < m; i++)
		ss += (d[i] - mean) * (d[i] - mean);
	double se = sqrt(ss / (m - 1) / m);
	if (!(se > 0))
		return 0;
	double half = mg_t_quantile(Q975, m - 1) * se;
	if (!(s->direction > 0 ? mean - half > 0 : mean + half < 0))
		return 0;
	double p = test == MG_TEST_T ? t_test_p(d, m) : mg_randtest_p(d, m, 1, 0, NULL);
	return p < s->alpha;
}

int mg_nof1_power(const struct mg_power_spec *s, struct mg_power_result *out, struct mg_error *err)
{
	if (!s || !out)
		return mg_fail(err, MG_EINVAL, "power", "missing argument");
	if (s->n_pairs < 1)
		return mg_fail(err, MG_EINVAL, "n_pairs", "at least 1 pair");
	if (s->n_pairs > MG_NOF1_MAX_PAIRS)
		return mg_fail(err, MG_ETOOBIG, "n_pairs", "at most %d pairs", MG_NOF1_MAX_PAIRS);
	if (!isfinite(s->effect))
		return mg_fail(err, MG_EINVAL, "effect", "effect must be finite");
	if (!(s->alpha > 0 && s->alpha < 1))
		return mg_fail(err, MG_EINVAL, "alpha", "alpha must be in (0, 1)");
	if (s->test != MG_TEST_RANDOMISATION && s->test != MG_TEST_T)
		return mg_fail(err, MG_EINVAL, "test", "unknown test");
	if (s->test == MG_TEST_T && s->n_pairs < 2)
		return mg_fail(err, MG_EINVAL, "n_pairs", "the t test needs at least 2 pairs");
	if (s->n_sim < 1 || s->n_sim > 10000000)
		return mg_fail(err, MG_EINVAL, "n_sim", "1 to 10000000 simulated trials");
	int nightly = 0;
	if (isnan(s->sd_period) || s->sd_period < 0 || isinf(s->sd_period))
		return mg_fail(err, MG_EINVAL, "sd_period", "SD of a period mean must be finite and >= 0");
	if (s->sd_period == 0) {
		nightly = 1;
		if (!isfinite(s->sd_night) || s->sd_night <= 0)
			return mg_fail(err, MG_EINVAL, "sd_night", "nightly SD must be > 0 (or give sd_period)");
		if (!(fabs(s->rho) < 1))
			return mg_fail(err, MG_EINVAL, "rho", "autocorrelation must be in (-1, 1)");
		if (s->nights < 1 || s->nights > 366)
			return mg_fail(err, MG_EINVAL, "nights", "period length must be 1 to 366 nights");
		if (s->washout < 0 || s->washout >= s->nights)
			return mg_fail(err, MG_EINVAL, "washout", "washout must leave at least 1 night per period");
	}

	if (!(s->missing >= 0 && s->missing <= 0.9))
		return mg_fail(err, MG_EINVAL, "missing", "share of missing nights must be 0 to 0.9");
	if (s->missing > 0 && !nightly)
		return mg_fail(err, MG_EINVAL, "missing", "missing nights need the nightly model (sd_period 0)");
	if (!isfinite(s->effect_sd) || s->effect_sd < 0)
		return mg_fail(err, MG_EINVAL, "effect_sd", "SD of the effect must be finite and >= 0");
	if (s->direction < -1 || s->direction > 1)
		return mg_fail(err, MG_EINVAL, "direction", "direction must be -1, 0 or +1");
	if (s->min_pairs < 0 || s->min_pairs > MG_NOF1_MAX_PAIRS)
		return mg_fail(err, MG_EINVAL, "min_pairs", "min_pairs must be 0 to %d", MG_NOF1_MAX_PAIRS);

	int n = s->n_pairs;
	int test = s->test;
	if (test == MG_TEST_RANDOMISATION && n > MG_NOF1_EXACT_MAX)
		test = MG_TEST_T;
	struct mg_rng rng;
	mg_rng_seed(&rng, s->seed);
	double d[MG_NOF1_MAX_PAIRS];

	/* Nightly model, sampled exactly without drawing every night: given the
	 * AR(1) state e0 before a period of L nights, the mean M of the kept
	 * nights and the state E after the last night are linear in e0 and the
	 * L innovations z_s (SD si = sd * sqrt(1 - rho^2)):
	 *   M = A e0 + sum c_s z_s,  c_s = (si/m) sum_{j=max(s,w)}^{L-1} rho^(j-s)
	 *   E = B e0 + sum b_s z_s,  b_s = si rho^(L-1-s),  B = rho^L
	 * so (M, E) given e0 is bivariate normal: two draws per period. */
	double A = 0, B = 1, sMM = 0, sEM = 0, sEE = 0;
	if (nightly) {
		int L = s->nights, w = s->washout, m = L - w;
		double rho = s->rho, si = s->sd_night * sqrt(1.0 - rho * rho);
		double VMM = 0, VEE = 0, VME = 0;
		for (int j = w; j < L; j++)
			A += pow(rho, j + 1);
		A /= m;
		B = pow(rho, L);
		for (int k = 0; k < L; k++) {
			double c = 0;
			for (int j = k > w ? k : w; j < L; j++)
				c += pow(rho, j - k);
			c *= si / m;
			double b = si * pow(rho, L - 1 - k);
			VMM += c * c;
			VEE += b * b;
			VME += c * b;
		}
		sMM = sqrt(VMM);
		sEM = VME / sMM;
		sEE = sqrt(fmax(0.0, VEE - sEM * sEM));
	}
	long reject = 0;
	int min_nights = s->nights - s->washout < 3 ? s->nights - s->washout : 3;
	for (int sim = 0; sim < s->n_sim; sim++) {
		/* Drawn only when asked, so that the stream (and every earlier
		 * result) is unchanged without it. */
		double effect = s->effect_sd > 0 ? s->effect + s->effect_sd * mg_rng_normal(&rng) : s->effect;
		int m = n;
		if (!nightly) {
			for (int i = 0; i < n; i++) {
				double a = mg_rng_normal(&rng), b = mg_rng_normal(&rng);
				d[i] = effect + s->sd_period * (a - b);
			}
		} else if (s->missing > 0) {
			/* Night by night: which nights are missing changes the
			 * weights of the period mean, so the two-draw shortcut
			 * below does not apply. */
			double rho = s->rho, si = s->sd_night * sqrt(1.0 - rho * rho);
			double e = s->sd_night * mg_rng_normal(&rng);
			m = 0;
			for (int i = 0; i < n; i++) {
				int on_first = (int)(mg_rng_u64(&rng) >> 63), ok = 1;
				double mean_p[2];
				for (int per = 0; per < 2; per++) {
					double sum = 0;
					int kept = 0;
					for (int j = 0; j < s->nights; j++) {
						e = rho * e + si * mg_rng_normal(&rng);
						if (mg_rng_uniform(&rng) >= s->missing && j >= s->washout) {
							sum += e;
							kept++;
						}
					}
					ok &= kept >= min_nights;
					mean_p[per] = kept ? sum / kept : 0;
				}
				if (ok)
					d[m++] = effect + (on_first ? mean_p[0] - mean_p[1] : mean_p[1] - mean_p[0]);
			}
		} else {
			double e = s->sd_night * mg_rng_normal(&rng); /* stationary start */
			for (int i = 0; i < n; i++) {
				int on_first = (int)(mg_rng_u64(&rng) >> 63);
				double mean_p[2];
				for (int per = 0; per < 2; per++) {
					double z1 = mg_rng_normal(&rng), z2 = mg_rng_normal(&rng);
					mean_p[per] = A * e + sMM * z1;
					e = B * e + sEM * z1 + sEE * z2;
				}
				double on = on_first ? mean_p[0] : mean_p[1], off = on_first ? mean_p[1] : mean_p[0];
				d[i] = effect + on - off;
			}
		}
		if (s->direction)
			reject += concludes_benefit(d, m, s, test);
		else if (m >= 1 && (test != MG_TEST_T || m >= 2)) {
			double p = test == MG_TEST_T ? t_test_p(d, m) : mg_randtest_p(d, m, 1, 0, NULL);
			if (p <= s->alpha * (1 + 1e-12))
				reject++;
		}
	}
	out->n_sim = s->n_sim;
	out->test = test;
	out->power = (double)reject / s->n_sim;
	out->mc_se = sqrt(out->power * (1 - out->power) / s->n_sim);
	out->p_min = test == MG_TEST_RANDOMISATION ? ldexp(1.0, 1 - n) : 0.0;
	return 0;
}
