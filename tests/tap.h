/* Minimal TAP producer for the unit tests: one "ok N - name" line per check,
 * the plan at the end, exit status 1 if anything failed. Counted per check by
 * tools/test-summary.py. */
#ifndef MG_TAP_H
#define MG_TAP_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *name)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++tap_n, name);
	if (!cond)
		tap_failed++;
	return cond;
}

#include <stdarg.h>

static inline int tap_okf(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int tap_okf(int cond, const char *fmt, ...)
{
	char name[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	return tap_ok(cond, name);
}

/* ok(cond, "name %d", x): an expression, value = cond. */
#define ok(cond, ...) tap_okf(!!(cond), __VA_ARGS__)

/* |got - want| <= tol; prints both on failure. */
#define is_num(got, want, tol, ...)                                                       \
	do {                                                                              \
		double g_ = (got), w_ = (want);                                           \
		char tap_name_[512];                                                      \
		snprintf(tap_name_, sizeof tap_name_, __VA_ARGS__);                       \
		if (!tap_ok(fabs(g_ - w_) <= (tol), tap_name_))                           \
			printf("#   got %.6f, want %.6f (tol %g)\n", g_, w_, (double)(tol));  \
	} while (0)

#define is_str(got, want, ...)                                                        \
	do {                                                                          \
		const char *g_ = (got), *w_ = (want);                                 \
		char tap_name_[512];                                                  \
		snprintf(tap_name_, sizeof tap_name_, __VA_ARGS__);                   \
		if (!tap_ok(g_ && w_ && !strcmp(g_, w_), tap_name_))                  \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

/* A check that was not run: "ok N # SKIP reason" (TAP). */
static inline void tap_skip(const char *reason)
{
	printf("ok %d # SKIP %s\n", ++tap_n, reason);
}

/* 1 when the fixture at path can be read; otherwise one skipped check that
 * names it. Real exports live outside the repository (../shared/fixtures),
 * so a clone with nothing beside it skips them; CI, which has them, runs
 * them all (.ci/run fails on any skip). */
static inline int tap_have_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f) {
		fclose(f);
		return 1;
	}
	char reason[512];
	snprintf(reason, sizeof reason, "fixture %s not found (outside the repository)", path);
	tap_skip(reason);
	return 0;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
