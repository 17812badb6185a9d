/* The trial's calendar as iCalendar (RFC 5545): all-day events, CRLF lines,
 * commas escaped in texts; DTEND is exclusive. */
#include <mgsleep/night.h>
#include <mgsleep/trial_report.h>

#include <stdio.h>

static void ics_date(int32_t d, char out[9])
{
	char s[11];
	mg_date_format(d, s);
	snprintf(out, 9, "%.4s%.2s%.2s", s, s + 5, s + 8);
}

void mg_trial_ics(struct mg_buf *b, const struct mg_trial *t, const char *now, const char *version)
{
	char stamp[17];
	/* now is 2026-11-23T14:05:00Z -> 20261123T140500Z */
	snprintf(stamp, sizeof stamp, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", now, now + 5, now + 8, now + 11, now + 14,
		 now + 17);
	mg_buf_printf(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mgsleep//trial %s//EN\r\nCALSCALE:GREGORIAN\r\n",
		      version);
	if (t->p.baseline > 0) {
		char d0[9], d1[9];
		ics_date(t->p.start - t->p.baseline, d0);
		ics_date(t->p.start, d1);
		mg_buf_printf(b, "BEGIN:VEVENT\r\nUID:mgsleep-trial-%s-baseline@mgsleep\r\nDTSTAMP:%s\r\n"
				 "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\nSUMMARY:No magnesium (baseline)\r\n"
				 "DESCRIPTION:mgsleep trial baseline: no magnesium\\, keep logging\r\n"
				 "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n",
			      t->seed, stamp, d0, d1);
	}
	for (int k = 0; k < 2 * t->p.pairs; k++) {
		char d0[9], d1[9];
		ics_date(t->p.start + k * t->p.period_days, d0);
		ics_date(t->p.start + (k + 1) * t->p.period_days, d1);
		mg_buf_printf(b, "BEGIN:VEVENT\r\nUID:mgsleep-trial-%s-%d@mgsleep\r\nDTSTAMP:%s\r\n", t->seed, k + 1, stamp);
		mg_buf_printf(b, "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", d0, d1);
		if (t->p.order[k])
			mg_buf_printf(b, "SUMMARY:Magnesium %.0f mg (%s)\r\n", t->elemental_mg, t->form);
		else
			mg_buf_puts(b, "SUMMARY:No magnesium\r\n");
		mg_buf_printf(b, "DESCRIPTION:mgsleep trial period %d of %d (pair %d)\r\nTRANSP:TRANSPARENT\r\n"
				 "END:VEVENT\r\n",
			      k + 1, 2 * t->p.pairs, k / 2 + 1);
	}
	mg_buf_puts(b, "END:VCALENDAR\r\n");
}
