/* From one source's raw intervals to sleep episodes and nights (pure logic,
 * no I/O; rules in docs/import.md, tests in tests/unit/test_device_night.c).
 *
 * Intervals closer than MG_DN_GAP_MIN minutes belong to one episode. An
 * episode's night is the local calendar date at its end (the morning it
 * ends, as in the diary). Of the episodes ending on one date the one with the
 * most sleep is the main sleep, if it has at least MG_DN_MAIN_MIN minutes of
 * it; the others are naps (a 2-minute test recording is not a night). Overlapping intervals
 * are never added: sleep is the union of the asleep stages, each stage's
 * minutes are the union of that stage's intervals, and InBed only bounds the
 * time in bed. */
#ifndef MGSLEEP_DEVICE_NIGHT_H
#define MGSLEEP_DEVICE_NIGHT_H

#include <stddef.h>
#include <stdint.h>

#include <mgsleep/import.h>

#define MG_DN_GAP_MIN 60     /* a longer gap with no record starts a new episode */
#define MG_DN_WAKE_MIN_SEC 60 /* a break in sleep shorter than this is not an awakening */
#define MG_DN_MAIN_MIN 30     /* less sleep than this is never a night's main sleep */

struct mg_dn_in {
	int stage;          /* enum mg_stage */
	int64_t start, end; /* UTC seconds */
	int end_offset;     /* minutes east of UTC at end */
};

struct mg_device_night {
	char date[11];       /* YYYY-MM-DD: local date at the episode's end */
	int main;            /* 1 the date's main sleep, 0 a nap */
	int64_t start, end;  /* episode bounds, UTC seconds */
	int end_offset;
	int tib;             /* minutes from the first record (InBed or stage) to the last */
	int tst;             /* minutes asleep (union of asleep stages) */
	int sol;             /* minutes from in bed to first sleep; -1 when the data do not say */
	int waso;            /* minutes awake between first sleep and final awakening */
	int awakenings;      /* breaks of at least MG_DN_WAKE_MIN_SEC between sleep */
	int stage_min[MG_STAGE_COUNT]; /* union minutes of each stage */
	int unspecified;     /* union minutes of asleep and asleep_unspecified together */
};

/* Episodes of one source. iv is sorted in place (by start). emit is called
 * once per episode in time order; a non-zero return stops and is returned.
 * Returns 0, the emit result, or MG_ENOMEM. */
int mg_device_nights(struct mg_dn_in *iv, size_t n, int (*emit)(void *ctx, const struct mg_device_night *dn),
		     void *ctx);

#endif
