/* Tell an export's format from its first bytes, never from its name: Apple's
 * XML is renamed on non-English phones, and people rename files. */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"

static const char *find(const char *h, size_t n, const char *needle)
{
	return memmem(h, n, needle, strlen(needle));
}

/* Case-insensitive, ignoring spaces and underscores: "Bedtime Start" ==
 * "bedtime_start". */
static int header_has(const char *line, size_t n, const char *key)
{
	char a[4096];
	size_t m = 0;
	for (size_t i = 0; i < n && m + 1 < sizeof a; i++)
		if (line[i] != ' ' && line[i] != '_' && line[i] != '"')
			a[m++] = (char)tolower((unsigned char)line[i]);
	a[m] = '\0';
	return strstr(a, key) != NULL;
}

/* Does the header line name the column the map takes the start from? A
 * readme or a heart-rate CSV beside the sleep file in a folder does not. */
static int map_start_in(const char *map, const char *line, size_t n)
{
	const char *p = strstr(map, "start=");
	size_t k;
	while (p && p != map && p[-1] != ',')
		p = strstr(p + 1, "start=");
	if (!p)
		return 0;
	p += 6;
	k = strcspn(p, ",");
	if (k == 0)
		return 0;
	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(line + i, p, k) == 0)
			return 1;
	return 0;
}

int mg_import_sniff(const char *head, size_t len, const char *map)
{
	size_t i = 0, eol;
	if (len >= 4 && head[0] == 'P' && head[1] == 'K' &&
	    ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) || (head[2] == 7 && head[3] == 8)))
		return MG_FMT_ZIP;
	if (len >= 3 && (unsigned char)head[0] == 0xEF && (unsigned char)head[1] == 0xBB &&
	    (unsigned char)head[2] == 0xBF)
		i = 3;
	while (i < len && isspace((unsigned char)head[i]))
		i++;
	if (i >= len)
		return MG_FMT_UNKNOWN;
	if (head[i] == '<') /* the root is what makes it Apple's: export_cda.xml is XML too */
		return find(head + i, len - i, "<HealthData") || find(head + i, len - i, "<!DOCTYPE HealthData")
			       ? MG_FMT_APPLE_XML
			       : MG_FMT_UNKNOWN;
	if (head[i] == '[' || head[i] == '{') {
		if (find(head + i, len - i, "\"logId\"") || find(head + i, len - i, "\"dateOfSleep\""))
			return MG_FMT_FITBIT_JSON;
		if (find(head + i, len - i, "\"bedtime_start\""))
			return MG_FMT_OURA_JSON;
		return MG_FMT_UNKNOWN;
	}
	for (eol = i; eol < len && head[eol] != '\n'; eol++)
		;
	if (eol - i >= 10 && memcmp(head + i, "Id,Tz,From", 10) == 0)
		return MG_FMT_SAA_CSV;
	if (eol - i >= 10 && memcmp(head + i, "\"Id\",\"Tz\",", 10) == 0)
		return MG_FMT_SAA_CSV;
	if (header_has(head + i, eol - i, "bedtimestart"))
		return MG_FMT_OURA_CSV;
	if (eol - i >= 21 && memcmp(head + i, "sid,start,stop,rating", 21) == 0)
		return MG_FMT_GENERIC_CSV;
	if (map && map_start_in(map, head + i, eol - i))
		return MG_FMT_GENERIC_CSV;
	return MG_FMT_UNKNOWN;
}
