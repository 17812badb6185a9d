/* Rules shared by the two Apple Health export.xml parsers (apple.c, the fast
 * scanner, and apple_expat.c, the expat reference). Everything that decides
 * what a record means, and how the known export defects are repaired, lives
 * here once, so the differential tests compare parsing, not policy
 * (docs/import-apple.md). Not part of the public API. */
#ifndef MG_IMPORT_APPLE_COMMON_H
#define MG_IMPORT_APPLE_COMMON_H

#include <stdint.h>
#include <string.h>

#include "import_internal.h"

#define MG_APPLE_SLEEP_TYPE "HKCategoryTypeIdentifierSleepAnalysis"
#define MG_APPLE_VALUE_PREFIX "HKCategoryValueSleepAnalysis"
#define MG_APPLE_MAX_SECONDS 86400 /* a sleep sample longer than this is a broken record */

/* Bytes that XML 1.0 forbids and iOS 16+ exports contain anyway (U+000B in
 * sourceName): both parsers read them as a space. Tab, LF and CR are legal. */
static inline int mg_apple_is_ctrl(unsigned char c)
{
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

/* Stage of a value attribute, or -1. Only the symbolic names: Apple's export
 * always writes them, and the raw numbers are ambiguous across iOS versions
 * (1 is Asleep before iOS 16 and AsleepUnspecified after). */
static inline int mg_apple_stage(const char *v)
{
	static const struct {
		const char *name;
		int stage;
	} map[] = {
		{"InBed", MG_STAGE_IN_BED},
		{"Asleep", MG_STAGE_ASLEEP},
		{"AsleepUnspecified", MG_STAGE_ASLEEP_UNSPECIFIED},
		{"Awake", MG_STAGE_AWAKE},
		{"AsleepCore", MG_STAGE_LIGHT},
		{"AsleepDeep", MG_STAGE_DEEP},
		{"AsleepREM", MG_STAGE_REM},
	};
	size_t pl = sizeof MG_APPLE_VALUE_PREFIX - 1;
	if (strncmp(v, MG_APPLE_VALUE_PREFIX, pl) != 0)
		return -1;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(v + pl, map[i].name) == 0)
			return map[i].stage;
	return -1;
}

/* ASCII case-insensitive strstr: brand names appear as "WHOOP" and "Whoop". */
static inline int mg_apple_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] && (hay[i] | 0x20) == (needle[i] | 0x20))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Device kind (docs/import.md: wearable beats phone beats app). The device
 * attribute is HealthKit's HKDevice description, e.g. "<<HKDevice: 0x..>,
 * name:Apple Watch, manufacturer:Apple Inc., model:Watch, ...>". */
static inline int mg_apple_kind(const char *source, const char *device)
{
	static const char *const brands[] = {"Oura", "Fitbit", "Garmin", "Whoop", "Withings", "Polar"};
	if (strstr(device, "model:Watch"))
		return MG_DEV_WEARABLE;
	for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (mg_apple_has(source, brands[i]) || mg_apple_has(device, brands[i]))
			return MG_DEV_WEARABLE;
	if (strstr(device, "model:iPhone") && strstr(source, "iPhone"))
		return MG_DEV_PHONE;
	return MG_DEV_APP;
}

/* The device description without HealthKit's object address: Apple writes
 * "<<HKDevice: 0x2823a1e50>, name:Apple Watch, ..., software:10.3>" with a
 * new address on every record, which made each record a new device (60,000
 * device rows for 62,000 records, half the import time; bench/README.md).
 * The address means nothing outside the phone: keep what is between it and
 * the closing '>' ("name:Apple Watch, ..., software:10.3"), in buf. */
static inline const char *mg_apple_device(const char *device, char *buf, size_t cap)
{
	const char *p;
	size_t n;
	if (!device || strncmp(device, "<<HKDevice: ", 12) != 0 || !(p = strchr(device + 12, '>')))
		return device ? device : "";
	p++;
	while (*p == ',' || *p == ' ')
		p++;
	n = strlen(p);
	if (n && p[n - 1] == '>')
		n--;
	if (n >= cap)
		return device; /* unusually long: keep it whole rather than cut it */
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* One sleep Record, attributes already decoded (NULL = attribute absent).
 * Checks it, then hands it to the sink or reports why it was skipped. The
 * order of the checks is part of the differential contract: both parsers
 * call this with the same strings, so they skip for the same reason. */
static inline int mg_apple_emit(const struct mg_import_sink *s, const char *value, const char *source,
				const char *device, const char *start, const char *end, const char *tz,
				struct mg_error *err)
{
	struct mg_interval iv;
	char devbuf[512];
	const char *what = value ? value : "(no value)";
	const char *src = source ? source : "";
	const char *why = NULL;
	int stage = value ? mg_apple_stage(value) : -1;
	memset(&iv, 0, sizeof iv);
	if (stage < 0)
		why = "unknown sleep value";
	else if (!*src)
		why = "no sourceName";
	else if (!start)
		why = "no startDate";
	else if (!end)
		why = "no endDate";
	else if (mg_parse_apple_time(start, strlen(start), &iv.start, &iv.start_offset) ||
		 mg_parse_apple_time(end, strlen(end), &iv.end, &iv.end_offset))
		why = "date not readable";
	else if (iv.end <= iv.start)
		why = "ends before it starts";
	else if (iv.end - iv.start > MG_APPLE_MAX_SECONDS)
		why = "longer than 24 hours";
	if (why) {
		if (s->skipped)
			s->skipped(s->ctx, what, src, why);
		return 0;
	}
	iv.source = src;
	iv.device = mg_apple_device(device, devbuf, sizeof devbuf);
	iv.kind = mg_apple_kind(iv.source, iv.device);
	iv.stage = stage;
	iv.tz = tz ? tz : "";
	iv.note = "";
	return s->interval ? s->interval(s->ctx, &iv, err) : 0;
}

/* The prolog (everything before the root element), read byte by byte by both
 * parsers so they agree on where the DOCTYPE ends and where the root starts.
 * iOS 16 exports ship an internal subset with an unterminated <!ATTLIST, so
 * the DOCTYPE end rule is deliberately not XML's: after "<!DOCTYPE", if a
 * '[' comes before the first '>', the declaration ends at the first ']'
 * followed by optional whitespace and '>'; otherwise at the first '>'. Nothing
 * in the DTD is needed (the attributes Apple declares are all CDATA). Bytes
 * fed here have already had the control-character rule applied. */
enum {
	MG_PS_TEXT, MG_PS_BOM1, MG_PS_BOM2, MG_PS_LT, MG_PS_BANG, MG_PS_CDASH, MG_PS_DNAME,
	MG_PS_COMMENT, MG_PS_PI, MG_PS_DT, MG_PS_DT_SUB, MG_PS_DT_RB, MG_PS_ROOT, MG_PS_JUNK,
};
/* What to do with the byte just fed (the expat pre-filter acts on these). */
enum {
	MG_PA_PASS,    /* keep it (and nothing is held) */
	MG_PA_HOLD,    /* undecided: hold it back with any earlier held bytes */
	MG_PA_RELEASE, /* keep the held bytes and this one */
	MG_PA_DROP,    /* the held bytes and this one belong to the DOCTYPE: blank them */
	MG_PA_ROOT,    /* the held '<' starts the root element: keep; prolog over */
	MG_PA_JUNK,    /* not a prolog XML allows (or not XML): keep; prolog over */
};
struct mg_apple_prolog {
	int st;
	int k;         /* characters of "<!DOCTYPE" or "<!--" matched so far */
	int q;         /* comment: dashes just seen; PI: '?' just seen */
	int dt_seen;   /* only the first DOCTYPE is dropped */
	uint64_t n;    /* bytes seen */
};

static inline int mg_apple_is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline int mg_apple_prolog_step(struct mg_apple_prolog *ps, unsigned char c)
{
	static const char dt[] = "<!DOCTYPE";
	uint64_t n = ps->n++;
	switch (ps->st) {
	case MG_PS_TEXT:
		if (n == 0 && c == 0xEF) { /* a UTF-8 byte order mark, which expat skips */
			ps->st = MG_PS_BOM1;
			return MG_PA_PASS;
		}
		if (mg_apple_is_ws(c))
			return MG_PA_PASS;
		if (c == '<') {
			ps->st = MG_PS_LT;
			return MG_PA_HOLD;
		}
		ps->st = MG_PS_JUNK;
		return MG_PA_JUNK;
	case MG_PS_BOM1:
		ps->st = c == 0xBB ? MG_PS_BOM2 : MG_PS_JUNK;
		return c == 0xBB ? MG_PA_PASS : MG_PA_JUNK;
	case MG_PS_BOM2:
		ps->st = c == 0xBF ? MG_PS_TEXT : MG_PS_JUNK;
		return c == 0xBF ? MG_PA_PASS : MG_PA_JUNK;
	case MG_PS_LT:
		if (c == '!') {
			ps->st = MG_PS_BANG;
			return MG_PA_HOLD;
		}
		if (c == '?') {
			ps->st = MG_PS_PI;
			ps->q = 0;
			return MG_PA_RELEASE;
		}
		ps->st = MG_PS_ROOT;
		return MG_PA_ROOT;
	case MG_PS_BANG:
		if (c == '-') {
			ps->st = MG_PS_CDASH;
			return MG_PA_RELEASE;
		}
		if (c == 'D' && !ps->dt_seen) {
			ps->st = MG_PS_DNAME;
			ps->k = 3;
			return MG_PA_HOLD;
		}
		ps->st = MG_PS_JUNK;
		return MG_PA_JUNK;
	case MG_PS_CDASH:
		if (c != '-') {
			ps->st = MG_PS_JUNK;
			return MG_PA_JUNK;
		}
		ps->st = MG_PS_COMMENT;
		ps->q = 0;
		return MG_PA_PASS;
	case MG_PS_DNAME:
		if ((char)c != dt[ps->k]) {
			ps->st = MG_PS_JUNK;
			return MG_PA_JUNK;
		}
		if (++ps->k < (int)sizeof dt - 1)
			return MG_PA_HOLD;
		ps->st = MG_PS_DT;
		ps->dt_seen = 1;
		return MG_PA_DROP;
	case MG_PS_COMMENT:
		if (c == '>' && ps->q >= 2)
			ps->st = MG_PS_TEXT;
		ps->q = c == '-' ? ps->q + 1 : 0;
		return MG_PA_PASS;
	case MG_PS_PI:
		if (c == '>' && ps->q)
			ps->st = MG_PS_TEXT;
		ps->q = c == '?';
		return MG_PA_PASS;
	case MG_PS_DT:
		if (c == '[')
			ps->st = MG_PS_DT_SUB;
		else if (c == '>')
			ps->st = MG_PS_TEXT;
		return MG_PA_DROP;
	case MG_PS_DT_SUB:
		if (c == ']')
			ps->st = MG_PS_DT_RB;
		return MG_PA_DROP;
	case MG_PS_DT_RB:
		if (c == '>')
			ps->st = MG_PS_TEXT;
		else if (c != ']' && !mg_apple_is_ws(c))
			ps->st = MG_PS_DT_SUB;
		return MG_PA_DROP;
	default:
		return MG_PA_JUNK;
	}
}

#endif
