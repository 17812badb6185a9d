# Reference values for tests/unit/test_stats.c, computed with SciPy.
# Run: /usr/bin/python3 tests/unit/stats_ref.py   (Debian python3-scipy)
# and paste the output into test_stats.c. Not needed to run the tests.
import math
import numpy as np
import scipy
from scipy import integrate, optimize, special, stats

print("/* SciPy %s, NumPy %s */" % (scipy.__version__, np.__version__))

print("static const double norm_cdf_ref[][2] = { /* x, norm.cdf(x) */")
for x in [-30, -8, -5, -3, -1.96, -1, -0.5, 0, 0.3, 1, 2.5, 4, 6]:
    print("\t{%r, %.17g}," % (float(x), stats.norm.cdf(x)))
print("};")

print("static const double norm_ppf_ref[][2] = { /* p, norm.ppf(p) */")
for p in [1e-300, 1e-12, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 0.999999]:
    print("\t{%r, %.17g}," % (p, stats.norm.ppf(p)))
print("};")

DFS = [1, 2, 3, 5, 10, 30, 2.5, 100]
print("static const double t_cdf_ref[][3] = { /* df, x, t.cdf(x, df) */")
for df in DFS:
    for x in [-50, -6, -2.5, -1, -0.2, 0, 0.5, 1.5, 3, 10]:
        print("\t{%r, %r, %.17g}," % (float(df), float(x), stats.t.cdf(x, df)))
print("};")

# t.ppf in SciPy 1.10 (cephes stdtrit) is good to about 1e-9 only, so its
# answer is refined by brentq on t.cdf (lower tail) or t.sf (upper tail).
def t_ppf(p, df):
    x0 = stats.t.ppf(p, df)
    if p == 0.5:
        return 0.0
    f = (lambda x: stats.t.cdf(x, df) / p - 1) if p < 0.5 else (lambda x: stats.t.sf(x, df) / (1 - p) - 1)
    a, b = x0 - 1e-6 * abs(x0) - 1e-12, x0 + 1e-6 * abs(x0) + 1e-12
    return optimize.brentq(f, a, b, xtol=1e-300, rtol=8.9e-16, maxiter=500)

print("static const double t_ppf_ref[][3] = { /* df, p, t.ppf(p, df) refined */")
for df in DFS:
    for p in [1e-8, 0.001, 0.025, 0.05, 0.2, 0.5, 0.8, 0.975, 0.995, 0.9999]:
        print("\t{%r, %r, %.17g}," % (float(df), p, t_ppf(p, df)))
print("};")

print("static const double beta_inc_ref[][4] = { /* a, b, x, special.betainc(a, b, x) */")
for a, b, x in [(0.5, 0.5, 0.3), (1, 1, 0.25), (2, 3, 0.4), (5, 0.5, 0.9), (0.5, 5, 0.01),
                (10, 20, 0.5), (50, 50, 0.45), (15, 0.5, 0.999), (2.5, 0.5, 1e-6)]:
    print("\t{%r, %r, %r, %.17g}," % (float(a), float(b), x, special.betainc(a, b, x)))
print("};")

# Posterior of the effect under a normal prior N(m0, s0^2) and the t(nu)
# likelihood in (ybar - effect) / se, by adaptive quadrature on the effect.
print("/* ybar, se, nu, m0, s0, mid, dir -> mean, q025, q975, P(dir*effect > mid) */")
print("static const double post_ref[][11] = {")
for ybar, se, nu, m0, s0, mid, d in [(-12.0, 6.0, 5, -17.36, 18.08, 20.0, -1),
                                     (-12.0, 6.0, 5, 0.0, 10.0, 20.0, -1),
                                     (-30.0, 4.0, 1, -17.36, 18.08, 20.0, -1),
                                     (3.0, 10.0, 2, 0.0, 10.0, 20.0, -1),
                                     (25.0, 5.0, 3, 16.06, 19.6, 15.0, 1),
                                     (-2.0, 1.5, 7, -1.6, 1.8, 6.0, -1),
                                     (40.0, 3.0, 4, 0.0, 5.0, 10.0, 1)]:
    def post(e):
        return stats.norm.pdf(e, m0, s0) * stats.t.pdf((ybar - e) / se, nu)
    lo, hi = min(ybar, m0) - 60 * max(se, s0), max(ybar, m0) + 60 * max(se, s0)
    pts = sorted([ybar, m0, ybar - se, ybar + se, m0 - s0, m0 + s0])
    opts = dict(points=pts, limit=500, epsabs=0, epsrel=1e-13)
    Z = integrate.quad(post, lo, hi, **opts)[0]
    mean = integrate.quad(lambda e: e * post(e), lo, hi, **opts)[0] / Z
    cdf = lambda c: integrate.quad(post, lo, c, points=[p for p in pts if lo < p < c], limit=500,
                                   epsabs=0, epsrel=1e-13)[0] / Z
    q025 = optimize.brentq(lambda c: cdf(c) - 0.025, lo, hi, xtol=1e-12)
    q975 = optimize.brentq(lambda c: cdf(c) - 0.975, lo, hi, xtol=1e-12)
    pm = 1 - cdf(mid) if d > 0 else cdf(-mid)
    print("\t{%r, %r, %r, %r, %r, %r, %r, %.15g, %.15g, %.15g, %.15g}," %
          (ybar, se, float(nu), m0, s0, mid, float(d), mean, q025, q975, pm))
print("};")
