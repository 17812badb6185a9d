/* Population screening (`mgsleep screen`, issue 15): a stream of profiles
 * (NDJSON, CSV or FHIR Bundles, one per record) -> one NDJSON result per
 * record, in input order. docs/screening.md has the formats, the result's
 * fields and the limits.
 *
 * Three steps, so that the caller can run the middle one on threads:
 *   mg_screen_in_fill   reads records into a batch (one stream, one thread);
 *   mg_screen_run       screens a range of a batch into a buffer: pure, and
 *                       safe on several threads at once over the same KB,
 *                       input and batch, each with its own work and buffer;
 *   the caller writes the buffers in order.
 *
 * No record is ever more than MG_SCREEN_LINE_MAX bytes in memory: a longer
 * NDJSON line becomes an error result (a CSV record that long stops the
 * stream, as it usually means a quote never closed). Messages name the line
 * and the field, never a value.
 *
 * Ownership: mg_screen_in_open returns a heap object released with
 * mg_screen_in_close; it borrows the reader, which must outlive it. A batch
 * is caller-allocated (MG_SCREEN_BATCH_INIT) and owns its memory, released
 * with mg_screen_batch_release. Work objects have one _free. */
#ifndef MGSLEEP_SCREEN_H
#define MGSLEEP_SCREEN_H

#include <mgsleep/advise.h>
#include <mgsleep/buf.h>
#include <mgsleep/error.h>
#include <mgsleep/import.h>
#include <mgsleep/kb.h>

#include <stddef.h>
#include <stdint.h>

enum mg_screen_format { MG_SCREEN_AUTO = 0, MG_SCREEN_NDJSON, MG_SCREEN_CSV, MG_SCREEN_FHIR };

/* "ndjson", "csv", "fhir" (and "auto"); -1 if unknown. */
int mg_screen_format_parse(const char *s);
const char *mg_screen_format_name(enum mg_screen_format f);

/* What a result holds (--fields): groups of the compact result, or the
 * whole advice as `advise --format json` writes it. id is always there. */
enum {
	MG_SCREEN_VERDICT = 1u << 0,
	MG_SCREEN_DOSE = 1u << 1,
	MG_SCREEN_INTERACTIONS = 1u << 2,
	MG_SCREEN_WARNINGS = 1u << 3,
	MG_SCREEN_REFERRALS = 1u << 4,
	MG_SCREEN_RENAL = 1u << 5,
	MG_SCREEN_MEDICINES = 1u << 6, /* unrecognised medicines */
	MG_SCREEN_COMPACT = (1u << 7) - 1,
	MG_SCREEN_FULL = 1u << 8,
};
/* "full", "compact", or a comma-separated list of verdict, dose,
 * interactions, warnings, referrals, renal, medicines (id is implied). */
int mg_screen_fields_parse(const char *list, unsigned *fields, struct mg_error *err);

#define MG_SCREEN_LINE_MAX ((size_t)1 << 20)
#define MG_SCREEN_ID_MAX 128 /* bytes of an id, with its NUL */

struct mg_screen_rec {
	size_t off, len;    /* in the batch's arena: the line, or the CSV cells each NUL-terminated */
	unsigned long line; /* physical line where the record starts, from 1 */
	size_t ncells;      /* CSV: number of cells */
	int too_long;       /* over MG_SCREEN_LINE_MAX: nothing kept */
};

struct mg_screen_batch {
	char *arena;
	size_t len, cap;
	struct mg_screen_rec *recs;
	size_t n, rcap;
};
#define MG_SCREEN_BATCH_INIT {NULL, 0, 0, NULL, 0, 0}
void mg_screen_batch_release(struct mg_screen_batch *b);

struct mg_screen_in;
/* Open a record stream. fmt MG_SCREEN_AUTO sniffs the first line: a JSON
 * object naming a "resourceType" is FHIR, another JSON object NDJSON,
 * anything else CSV. CSV reads its header here: MG_EINVAL (field "header")
 * when a column is not a profile key or "id", or appears twice. */
int mg_screen_in_open(struct mg_screen_in **out, struct mg_reader *r, enum mg_screen_format fmt,
		      struct mg_error *err);
enum mg_screen_format mg_screen_in_format(const struct mg_screen_in *in);
/* CSV: the header's column names (borrowed from in), up to max of them in
 * cols; returns how many there are (0 for the other formats). */
size_t mg_screen_in_columns(const struct mg_screen_in *in, const char **cols, size_t max);
/* Reset b and read up to max_recs records (or until about max_bytes are
 * held) into it. Blank lines are skipped. Returns the number read (0 at the
 * end) or a negative MG_E* (a read error; CSV: a record over the cap or a
 * quote not closed at the end). */
int mg_screen_in_fill(struct mg_screen_in *in, struct mg_screen_batch *b, size_t max_recs, size_t max_bytes,
		      struct mg_error *err);
void mg_screen_in_close(struct mg_screen_in *in);

struct mg_screen_opts {
	const struct mg_kb *kb;
	const struct mg_screen_in *in; /* the stream the batch came from (format, CSV columns) */
	unsigned fields;
	int32_t today;       /* FHIR: days since 1970-01-01, for the age from birthDate */
	const char *version; /* program version for --fields full */
};

struct mg_screen_work;
int mg_screen_work_new(struct mg_screen_work **out, struct mg_error *err);
void mg_screen_work_free(struct mg_screen_work *w);

/* Screen records [from, to) of b, appending one result line (with its
 * newline) per record to out. Returns the number of error results, or a
 * negative MG_E* when out failed (its cap or memory). */
long mg_screen_run(const struct mg_screen_opts *o, struct mg_screen_work *w, const struct mg_screen_batch *b,
		   size_t from, size_t to, struct mg_buf *out);

/* src/report/screen_json.c: the compact result of one advice, and the
 * error result (id NULL or "" when not known). Each one line with '\n'. */
void mg_screen_render(const struct mg_advice *a, const char *id, unsigned fields, struct mg_buf *out);
void mg_screen_render_error(const char *id, unsigned long line, const char *field, const char *msg,
			    struct mg_buf *out);

#endif
