/* What the two servers (cds, web) share: the --listen value and the log
 * line of each request. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cli_http_log(void *ctx, const char *method, const char *route, int status, double ms)
{
	(void)ctx;
	time_t t = time(NULL);
	struct tm tm;
	char when[32];
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s %s %d %.1f ms\n", when, method, route, status, ms);
}

/* "HOST:PORT", "[V6]:PORT". */
int cli_parse_listen(const char *v, char *host, size_t n, unsigned *port)
{
	const char *colon = strrchr(v, ':');
	if (!colon)
		return -1;
	const char *h = v, *he = colon;
	if (*h == '[') {
		if (he[-1] != ']')
			return -1;
		h++, he--;
	}
	if (he <= h || (size_t)(he - h) >= n)
		return -1;
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = 0;
	char *end;
	unsigned long p = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || p > 65535)
		return -1;
	*port = (unsigned)p;
	return 0;
}
