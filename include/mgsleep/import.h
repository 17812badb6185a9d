/* Importing sleep from device exports (issue 4; docs/import.md).
 *
 * Every format has one parser that reads a byte stream (struct mg_reader) and
 * pushes what it finds into one sink (struct mg_import_sink): raw intervals
 * (a stage between two instants, as the device recorded it) and, for exports
 * that give only totals, periods. Parsers keep no state between calls, never
 * hold a whole file in memory (Apple XML is scanned in fixed-size chunks; a
 * JSON document is capped at MG_IMPORT_JSON_MAX), and never print.
 *
 * Ownership: every pointer in a struct passed to a sink callback is borrowed
 * and valid only during that call; a sink that keeps a string copies it. */
#ifndef MGSLEEP_IMPORT_H
#define MGSLEEP_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <mgsleep/error.h>

/* Stages, named after Apple's HKCategoryValueSleepAnalysis values. The codes
 * are stored in the database: never renumber. */
enum mg_stage {
	MG_STAGE_IN_BED = 0,             /* InBed: overlaps the stages, never added to them */
	MG_STAGE_ASLEEP = 1,             /* Asleep (iOS 8-16), classic trackers: asleep, stage unknown */
	MG_STAGE_ASLEEP_UNSPECIFIED = 2, /* AsleepUnspecified (iOS 16+): asleep, stage unknown */
	MG_STAGE_AWAKE = 3,              /* awake during the sleep session */
	MG_STAGE_LIGHT = 4,              /* Apple AsleepCore, Fitbit/Oura light (about N1+N2) */
	MG_STAGE_DEEP = 5,               /* N3 */
	MG_STAGE_REM = 6,
	MG_STAGE_COUNT
};

/* "in_bed", "asleep", "asleep_unspecified", "awake", "light", "deep", "rem". */
const char *mg_stage_name(int stage);
/* Does the stage count as sleep? (asleep, asleep_unspecified, light, deep, rem) */
int mg_stage_is_asleep(int stage);

/* What recorded it, for choosing one source per night (docs/import.md):
 * a device worn in bed beats a phone, which beats a third-party app. */
enum mg_device_kind {
	MG_DEV_WEARABLE = 0, /* watch, ring, band */
	MG_DEV_PHONE = 1,    /* the phone's own sleep schedule or sensors */
	MG_DEV_APP = 2,      /* a third-party app writing into a health store */
	MG_DEV_OTHER = 3,    /* hand-made files (generic CSV) */
};
const char *mg_device_kind_name(int kind); /* "wearable", "phone", "app", "other" */

struct mg_interval {
	const char *source;  /* app or device that recorded it ("Apple Watch"); never NULL or "" */
	const char *device;  /* hardware description; "" if the export gives none */
	int kind;            /* enum mg_device_kind */
	int stage;           /* enum mg_stage */
	int64_t start, end;  /* UTC seconds since the epoch, start < end */
	int start_offset;    /* UTC offset of local time at start, minutes east of UTC */
	int end_offset;      /* at end (differs from start_offset across a clock change) */
	const char *tz;      /* IANA zone when the export names one, else "" */
	const char *note;    /* text kept from the export (a comment, tags), else "" */
};

/* Totals for a sleep period, from exports that give no timeline (Oura's app
 * CSV). Minutes; -1 when the export does not say. */
struct mg_period {
	const char *source, *device;
	int kind;
	int64_t start, end; /* in bed, UTC seconds */
	int start_offset, end_offset;
	const char *tz, *note;
	int nap;            /* 1 the export calls it a nap, 0 main sleep, -1 it does not say */
	int tst, sol, awake, light, deep, rem;
};

struct mg_import_sink {
	void *ctx;
	/* Return 0 to go on, or a negative MG_E* to stop the parse (err filled). */
	int (*interval)(void *ctx, const struct mg_interval *iv, struct mg_error *err);
	int (*period)(void *ctx, const struct mg_period *p, struct mg_error *err);
	/* A sleep record that was read but not imported. what: the record's kind
	 * as the export names it ("HKCategoryValueSleepAnalysisInBed", "Oura row");
	 * source may be ""; reason is a short phrase ("end before start"). */
	void (*skipped)(void *ctx, const char *what, const char *source, const char *reason);
	/* A line for the import report that is not a count, e.g. which CSV
	 * columns were used ("Oura CSV: start from 'Bedtime Start'"). May be NULL. */
	void (*info)(void *ctx, const char *msg);
};

/* A pull stream. read fills up to cap bytes and returns how many, 0 at the
 * end, or a negative MG_E* (err filled). Use mg_reader_read, which counts
 * offset and reports progress. */
struct mg_reader {
	const char *name; /* for messages: "export.zip: apple_health_export/export.xml" */
	int64_t size;     /* total bytes when known, else -1 */
	uint64_t offset;  /* bytes delivered so far */
	ssize_t (*read)(void *ctx, char *buf, size_t cap, struct mg_error *err);
	void *ctx;
	void (*progress)(void *pctx, uint64_t done, int64_t total); /* may be NULL */
	void *pctx;
};
ssize_t mg_reader_read(struct mg_reader *r, char *buf, size_t cap, struct mg_error *err);
/* A reader over memory (tests, fuzzers, sniffed prefixes). *r borrows data. */
struct mg_reader_memctx {
	const char *p;
	size_t left;
};

void mg_reader_mem(struct mg_reader *r, struct mg_reader_memctx *m, const char *name, const void *data,
		   size_t len);

/* Options some formats need. Zero-initialised means the defaults. */
struct mg_import_opts {
	const char *tz;     /* zone for zoneless local times (Fitbit, generic CSV); NULL or "" = the system's */
	const char *map;    /* generic CSV: "start=COL,end=COL[,stage=COL][,source=COL]" (docs/import.md) */
	const char *source; /* generic CSV: source name when no column gives one; NULL = "csv" */
};

/* 0 if zone names a time zone this system knows (NULL or "" = its own),
 * else MG_EINVAL naming it: check --tz before reading anything. */
int mg_tz_check(const char *zone, struct mg_error *err);

#define MG_IMPORT_JSON_MAX ((size_t)64 << 20) /* one JSON document; Fitbit's are per month */

enum mg_import_format {
	MG_FMT_UNKNOWN = 0,
	MG_FMT_APPLE_XML,
	MG_FMT_FITBIT_JSON,
	MG_FMT_OURA_JSON,
	MG_FMT_OURA_CSV,
	MG_FMT_SAA_CSV,
	MG_FMT_GENERIC_CSV,
	MG_FMT_ZIP,
};
const char *mg_format_name(int fmt); /* "Apple Health XML", ... */

/* Tell the format from the first bytes of a file (at least 4 KiB when the
 * file is that long). map: the user's --map or NULL; with it, a CSV whose
 * first line names the map's start column is generic CSV. Never fails:
 * MG_FMT_UNKNOWN when nothing matches. */
int mg_import_sniff(const char *head, size_t len, const char *map);

/* The parsers. Each returns 0 or a negative MG_E*; err names the file
 * (r->name) and the byte offset or line of the problem. */
int mg_import_apple(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		    struct mg_error *err);
/* The same records through expat, a conforming XML parser, for differential
 * tests of the fast scanner above (and a second opinion in the field). */
int mg_import_apple_expat(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
			  struct mg_error *err);
int mg_import_fitbit(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		     struct mg_error *err);
int mg_import_oura_json(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
			struct mg_error *err);
int mg_import_oura_csv(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		       struct mg_error *err);
int mg_import_saa(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		  struct mg_error *err);
int mg_import_csv(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s,
		  struct mg_error *err);

/* Parse one file or folder (a zip's or folder's members are sniffed one by
 * one; members of no known format are counted in *ignored and skipped).
 * on_member, if not NULL, hears the name and format of each member parsed. */
int mg_import_path(const char *path, const struct mg_import_opts *o, const struct mg_import_sink *s,
		   void (*progress)(void *pctx, uint64_t done, int64_t total), void *pctx,
		   void (*on_member)(void *pctx, const char *name, int fmt), unsigned *ignored,
		   struct mg_error *err);

#endif
