/* Normal and Student t distributions: CDF, density, quantile; the regularised
 * incomplete beta behind the t CDF. Pure functions of their arguments. */
#include <mgsleep/stats.h>

#include <float.h>
#include <math.h>

#define PI 3.14159265358979323846
#define SQRT1_2 0.70710678118654752440
#define LN_SQRT_2PI 0.91893853320467274178

double mg_norm_cdf(double x)
{
	return 0.5 * erfc(-x * SQRT1_2);
}

double mg_norm_pdf(double x)
{
	return exp(-0.5 * x * x - LN_SQRT_2PI);
}

/* Wichura, M.J. (1988) Algorithm AS 241: The Percentage Points of the Normal
 * Distribution. Applied Statistics 37(3):477-484 (PPND16). */
double mg_norm_quantile(double p)
{
	if (isnan(p) || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	double q = p - 0.5, r, x;
	if (fabs(q) <= 0.425) {
		r = 0.180625 - q * q;
		return q *
		       (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
			     4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
			  1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) /
		       (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
			     2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
			  4.2313330701600911252e+1) * r + 1.0);
	}
	r = q < 0 ? p : 1.0 - p;
	r = sqrt(-log(r));
	if (r <= 5.0) {
		r -= 1.6;
		x = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
			1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
		      4.63033784615654529590e+0) * r + 1.42343711074968357734e+0) /
		    (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
			1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
		      2.05319162663775882187e+0) * r + 1.0);
	} else {
		r -= 5.0;
		x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
			2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
		      5.46378491116411436990e+0) * r + 6.65790464350110377720e+0) /
		    (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
			7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
		      5.99832206555887937690e-1) * r + 1.0);
	}
	return q < 0 ? -x : x;
}

/* Continued fraction for I_x(a, b) (Numerical Recipes' betacf, modified
 * Lentz); converges fast for x < (a + 1) / (a + b + 2). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-16;
	double qab = a + b, qap = a + 1.0, qam = a - 1.0;
	double c = 1.0, d = 1.0 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m <= 20000; m++) {
		double m2 = 2.0 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < eps)
			break;
	}
	return h;
}

/* I_x(a, b) with y = 1 - x supplied by the caller (computed without
 * cancellation where it matters). */
static double beta_inc2(double a, double b, double x, double y)
{
	if (x <= 0)
		return 0.0;
	if (y <= 0)
		return 1.0;
	double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(y);
	if (x < (a + 1.0) / (a + b + 2.0))
		return exp(lfront) * betacf(a, b, x) / a;
	return 1.0 - exp(lfront) * betacf(b, a, y) / b;
}

double mg_beta_inc(double a, double b, double x)
{
	if (isnan(a) || isnan(b) || isnan(x) || a <= 0 || b <= 0 || x < 0 || x > 1 || isinf(a) || isinf(b))
		return NAN;
	return beta_inc2(a, b, x, 1.0 - x);
}

double mg_t_cdf(double x, double df)
{
	if (isnan(x) || isnan(df) || df <= 0)
		return NAN;
	if (isinf(df))
		return mg_norm_cdf(x);
	if (isinf(x))
		return x < 0 ? 0.0 : 1.0;
	/* P(T < -|x|) = I_z(df/2, 1/2) / 2 with z = df / (df + x^2). */
	double x2 = x * x, z, y;
	if (x2 > df) {
		double r = df / x2;
		z = r / (1.0 + r);
		y = 1.0 / (1.0 + r);
	} else {
		double r = x2 / df;
		z = 1.0 / (1.0 + r);
		y = r / (1.0 + r);
	}
	double tail = 0.5 * beta_inc2(0.5 * df, 0.5, z, y);
	return x < 0 ? tail : 1.0 - tail;
}

double mg_t_pdf(double x, double df)
{
	if (isnan(x) || isnan(df) || df <= 0)
		return NAN;
	if (isinf(df))
		return mg_norm_pdf(x);
	double lc = lgamma(0.5 * (df + 1.0)) - lgamma(0.5 * df) - 0.5 * log(df * PI);
	return exp(lc - 0.5 * (df + 1.0) * log1p(x * x / df));
}

/* Lower-tail quantile: x <= 0 with F(x) = q, q in (0, 0.5]. */
static double t_lower_quantile(double q, double df)
{
	if (q == 0.5)
		return 0.0;
	/* Cornish-Fisher start from the normal quantile. */
	double z = mg_norm_quantile(q);
	double x = z + (z * z * z + z) / (4.0 * df) +
		   (5.0 * pow(z, 5) + 16.0 * z * z * z + 3.0 * z) / (96.0 * df * df);
	if (!(x < 0) || !isfinite(x))
		x = -1.0;
	/* Bracket [lo, hi] with F(lo) < q <= F(hi). */
	double hi = 0.0, lo = x;
	while (mg_t_cdf(lo, df) >= q) {
		hi = lo;
		lo *= 2.0;
		if (lo < -1e300)
			return -INFINITY;
	}
	if (x <= lo || x >= hi)
		x = 0.5 * (lo + hi);
	double lq = log(q);
	for (int it = 0; it < 300; it++) {
		double F = mg_t_cdf(x, df);
		if (F < q)
			lo = x;
		else
			hi = x;
		/* Newton on log F (well scaled in the polynomial tail). */
		double f = mg_t_pdf(x, df);
		double nx = (F > 0 && f > 0) ? x - (log(F) - lq) * F / f : NAN;
		if (!(nx > lo && nx < hi))
			nx = 0.5 * (lo + hi);
		if (fabs(nx - x) <= 4 * DBL_EPSILON * fabs(x) || hi - lo <= 4 * DBL_EPSILON * fabs(lo))
			return nx;
		x = nx;
	}
	return x;
}

double mg_t_quantile(double p, double df)
{
	if (isnan(p) || isnan(df) || df <= 0 || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (isinf(df))
		return mg_norm_quantile(p);
	double q = p < 0.5 ? p : 1.0 - p;
	double x;
	if (df == 1.0) {
		x = -1.0 / tan(PI * q);
	} else if (df == 2.0) {
		x = (2.0 * q - 1.0) / sqrt(2.0 * q * (1.0 - q));
	} else {
		x = t_lower_quantile(q, df);
	}
	return p < 0.5 ? x : -x;
}
