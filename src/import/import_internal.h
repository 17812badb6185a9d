/* Helpers shared by the import parsers: time stamps, time zones, CSV lines.
 * Not part of the public API. */
#ifndef MG_IMPORT_INTERNAL_H
#define MG_IMPORT_INTERNAL_H

#include <mgsleep/import.h>

/* UTC seconds of a civil date and time (proleptic Gregorian, no leap seconds). */
int64_t mg_utc_from_civil(int y, int mo, int d, int h, int mi, int s);

/* Parse Apple's "YYYY-MM-DD HH:MM:SS +HHMM" (exactly that shape; the zone
 * may also be "-HH:MM" or "Z"). 0 or MG_EPARSE. */
int mg_parse_apple_time(const char *s, size_t n, int64_t *utc, int *offset_min);
/* Parse ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z", "+HH:MM", "+HHMM"
 * or no zone. *has_zone is 0 for a zoneless local time, and then *utc is the
 * wall time read as if it were UTC (convert with mg_tz_from_local). A space
 * may stand for the T. 0 or MG_EPARSE. */
int mg_parse_iso_time(const char *s, size_t n, int64_t *utc, int *offset_min, int *has_zone);

/* Offset from UTC (minutes east) of zone at the instant utc. zone NULL or ""
 * means the system's zone. MG_EINVAL if the zone is not known to the system
 * (err names it). */
int mg_tz_offset(const char *zone, int64_t utc, int *offset_min, struct mg_error *err);
/* The instant when the wall clock in zone reads wall (seconds as returned by
 * mg_utc_from_civil for the wall time). A wall time skipped by a clock change
 * is read with the offset before the change; one that occurs twice, as the
 * first occurrence. *offset_min is the offset at that instant. */
int mg_tz_from_local(const char *zone, int64_t wall, int64_t *utc, int *offset_min, struct mg_error *err);

/* A CSV reader (RFC 4180: quoted fields, "" inside quotes, CRLF or LF, a
 * quoted field may span lines). Lines are capped at MG_CSV_LINE_MAX bytes and
 * 4096 fields. Fields are NUL-terminated and borrowed until the next call. */
#define MG_CSV_LINE_MAX ((size_t)1 << 20)
struct mg_csv;
int mg_csv_open(struct mg_csv **out, struct mg_reader *r, struct mg_error *err);
/* 1 a record was read, 0 end of input, or a negative MG_E* (err names the
 * file and line). */
int mg_csv_next(struct mg_csv *c, size_t *nfields, char ***fields, struct mg_error *err);
unsigned long mg_csv_line(const struct mg_csv *c); /* line where the last record started */
void mg_csv_close(struct mg_csv *c);

/* MG_EPARSE for a jansson error: file, line and column, with jansson's
 * "near '...'" cut off because the text there may be health data. */
struct json_error_t;
int mg_import_json_fail(struct mg_error *err, const char *name, const struct json_error_t *je);

/* Read the whole stream into a NUL-terminated buffer of at most max bytes
 * (MG_ETOOBIG beyond, naming the file). *out is malloc'd, owned by the caller. */
int mg_reader_slurp(struct mg_reader *r, size_t max, char **out, size_t *len, struct mg_error *err);

/* Zip archives (src/import/zip.c): members listed from the central
 * directory, each read as a stream and checked against its CRC-32 and size.
 * fd must stay open until mg_zip_close; name is borrowed for messages. */
struct mg_zip;
int mg_zip_open(struct mg_zip **out, int fd, const char *name, struct mg_error *err);
uint64_t mg_zip_count(const struct mg_zip *z); /* members, folders included */
/* The next file member: 1 (*member borrowed until the next call), 0 at the
 * end, or a negative MG_E*. Folders, encrypted members and compression
 * methods other than stored and deflate are passed over. */
int mg_zip_next(struct mg_zip *z, const char **member, struct mg_error *err);
/* Bytes of the current member: > 0, 0 at its end (after the checks pass),
 * or a negative MG_E* naming the archive and the member. */
ssize_t mg_zip_read(struct mg_zip *z, char *buf, size_t cap, struct mg_error *err);
uint64_t mg_zip_consumed(const struct mg_zip *z); /* compressed bytes read so far */
void mg_zip_close(struct mg_zip *z);

#endif
