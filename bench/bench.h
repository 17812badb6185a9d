/* Timing helpers shared by the bench_*.c programs. Each benchmark is its own
 * executable, so these are static inline in a header instead of five copies
 * of the same code (or a library just for the benchmarks). */
#ifndef MGSLEEP_BENCH_H
#define MGSLEEP_BENCH_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* qsort comparator, ascending doubles. */
static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of v[0..n-1]; sorts v in place, so v[0] is then the best round. */
static inline double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
