/* Sleep episodes from raw device intervals; see include/mgsleep/device_night.h. */
#include <stdlib.h>
#include <string.h>

#include <mgsleep/device_night.h>
#include <mgsleep/error.h>
#include <mgsleep/night.h>

static int by_start(const void *a, const void *b)
{
	const struct mg_dn_in *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->stage - y->stage;
}

/* By date, then by position (time order), so the sort is stable. */
static int by_date(const void *a, const void *b)
{
	const struct mg_device_night *x = *(const struct mg_device_night *const *)a;
	const struct mg_device_night *y = *(const struct mg_device_night *const *)b;
	int c = strcmp(x->date, y->date);
	return c ? c : (x < y ? -1 : x > y);
}

static int minutes(int64_t sec)
{
	return (int)((sec + 30) / 60);
}

/* Union length, in seconds, of the intervals in iv[a..b) whose stage is in
 * mask (bit 1 << stage). */
static int64_t union_sec(const struct mg_dn_in *iv, size_t a, size_t b, unsigned mask)
{
	int64_t total = 0, cs = 0, ce = 0;
	int open = 0;
	for (size_t i = a; i < b; i++) {
		if (iv[i].stage < 0 || iv[i].stage >= MG_STAGE_COUNT || !(mask & 1u << iv[i].stage))
			continue;
		if (open && iv[i].start <= ce) {
			if (iv[i].end > ce)
				ce = iv[i].end;
			continue;
		}
		if (open)
			total += ce - cs;
		cs = iv[i].start;
		ce = iv[i].end;
		open = 1;
	}
	return open ? total + ce - cs : total;
}

static void episode(const struct mg_dn_in *iv, size_t a, size_t b, struct mg_device_night *dn)
{
	int64_t start = iv[a].start, end = iv[a].end, tst = 0, cs = 0, ce = 0, first = 0, last = 0;
	int end_offset = iv[a].end_offset, open = 0, breaks = 0, lead_in = 0;
	memset(dn, 0, sizeof *dn);
	for (size_t i = a; i < b; i++) {
		if (iv[i].end > end) {
			end = iv[i].end;
			end_offset = iv[i].end_offset;
		}
		if (!mg_stage_is_asleep(iv[i].stage)) {
			/* InBed or Awake before the first sleep marks the time it took to fall asleep. */
			if (!open && (iv[i].stage == MG_STAGE_IN_BED || iv[i].stage == MG_STAGE_AWAKE))
				lead_in = 1;
			continue;
		}
		if (open && iv[i].start <= ce) {
			if (iv[i].end > ce)
				ce = iv[i].end;
			continue;
		}
		if (open) {
			tst += ce - cs;
			if (iv[i].start - ce >= MG_DN_WAKE_MIN_SEC)
				breaks++;
		} else {
			first = iv[i].start;
		}
		cs = iv[i].start;
		ce = iv[i].end;
		open = 1;
	}
	if (open) {
		tst += ce - cs;
		last = ce;
	}
	dn->start = start;
	dn->end = end;
	dn->end_offset = end_offset;
	dn->tib = minutes(end - start);
	dn->tst = minutes(tst);
	dn->sol = open && lead_in ? minutes(first - start) : -1;
	dn->waso = open ? minutes(last - first - tst) : 0;
	dn->awakenings = breaks;
	for (int s = 0; s < MG_STAGE_COUNT; s++)
		dn->stage_min[s] = minutes(union_sec(iv, a, b, 1u << s));
	/* Stage unknown: legacy Asleep and AsleepUnspecified are one thing (the
	 * same record can come once under each name, before and after iOS 16). */
	dn->unspecified = minutes(
		union_sec(iv, a, b, 1u << MG_STAGE_ASLEEP | 1u << MG_STAGE_ASLEEP_UNSPECIFIED));
	mg_date_format(mg_day_of(end + (int64_t)end_offset * 60), dn->date);
}

int mg_device_nights(struct mg_dn_in *iv, size_t n, int (*emit)(void *ctx, const struct mg_device_night *dn),
		     void *ctx)
{
	struct mg_device_night *eps = NULL, **idx = NULL;
	size_t neps = 0, a = 0;
	int rc = 0;
	if (n == 0)
		return 0;
	qsort(iv, n, sizeof *iv, by_start);
	if (!(eps = malloc(n * sizeof *eps))) /* at most one episode per interval */
		return MG_ENOMEM;
	while (a < n) {
		size_t b = a + 1;
		int64_t reach = iv[a].end;
		/* The gap as an unsigned difference: reach + gap overflowed for an
		 * interval ending near the top of the 64-bit range. */
		while (b < n && (iv[b].start <= reach || (uint64_t)iv[b].start - (uint64_t)reach <= (uint64_t)MG_DN_GAP_MIN * 60)) {
			if (iv[b].end > reach)
				reach = iv[b].end;
			b++;
		}
		episode(iv, a, b, &eps[neps++]);
		a = b;
	}
	/* Main sleep of each date: the most sleep; ties go to the longer episode.
	 * Sorted by date through an index, because after travel a later episode
	 * can end on an earlier local date. */
	if (!(idx = malloc(neps * sizeof *idx))) {
		rc = MG_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < neps; i++)
		idx[i] = &eps[i];
	qsort(idx, neps, sizeof *idx, by_date);
	for (size_t i = 0; i < neps;) {
		size_t j = i, best = i;
		while (j < neps && strcmp(idx[j]->date, idx[i]->date) == 0) {
			if (idx[j]->tst > idx[best]->tst || (idx[j]->tst == idx[best]->tst && idx[j]->tib > idx[best]->tib))
				best = j;
			j++;
		}
		/* An episode that saw no sleep (a phone's time in bed) can still be
		 * the night: the store prefers a source that saw sleep. */
		if (idx[best]->tst >= MG_DN_MAIN_MIN || idx[best]->tst == 0)
			idx[best]->main = 1;
		i = j;
	}
	for (size_t i = 0; i < neps && !rc; i++)
		rc = emit(ctx, &eps[i]);
out:
	free(idx);
	free(eps);
	return rc;
}
