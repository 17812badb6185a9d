/* An RFC 4180 CSV reader over a pull stream (import_internal.h).
 *
 * Records are read byte by byte from a fixed 64 KiB chunk, so memory is
 * bounded by the chunk, one record (at most MG_CSV_LINE_MAX raw bytes) and
 * the field table (at most MG_CSV_FIELDS_MAX entries), whatever the file size.
 *
 * Accepted: quoted fields with "" for a quote, CRLF, LF or a lone CR as the
 * record end, line breaks inside quoted fields (kept verbatim), and a UTF-8
 * byte order mark at the very start (dropped: spreadsheet programs write one,
 * and it would otherwise stick to the first header name). Lenient where RFC
 * 4180 is strict but the intent is plain: a quote inside an unquoted field is
 * kept as a character, and text after a closing quote is appended to the
 * field ("ab"c reads as abc), as Python's csv module does. An unterminated
 * quote at the end of input is an error, because it swallows the rest of the
 * file into one field and hides every record after it. */
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

#define MG_CSV_FIELDS_MAX 4096
#define MG_CSV_CHUNK ((size_t)1 << 16)

enum csv_state {
	ST_FIELD_START, /* nothing of the current field read yet */
	ST_UNQUOTED,
	ST_QUOTED,
	ST_QUOTE_SEEN, /* a quote inside a quoted field: "" or the closing quote */
};

struct mg_csv {
	struct mg_reader *r;
	char chunk[MG_CSV_CHUNK];
	size_t pos, len;
	int eof;
	int skip_lf;           /* the last record ended with CR: a following LF belongs to it */
	unsigned long line;    /* physical line of the next byte, from 1 */
	unsigned long rec_line;
	char *rec;             /* field bytes, each field NUL-terminated */
	size_t rec_len, rec_cap;
	size_t *starts;        /* offset in rec of each field */
	char **fields;         /* handed out: pointers into rec */
	size_t nfields;
};

static int fill(struct mg_csv *c, struct mg_error *err)
{
	ssize_t n;
	if (c->eof)
		return 0;
	n = mg_reader_read(c->r, c->chunk, sizeof c->chunk, err);
	if (n < 0)
		return (int)n;
	c->pos = 0;
	c->len = (size_t)n;
	if (n == 0)
		c->eof = 1;
	return 0;
}

int mg_csv_open(struct mg_csv **out, struct mg_reader *r, struct mg_error *err)
{
	struct mg_csv *c = calloc(1, sizeof *c);
	int rc = 0;
	*out = NULL;
	if (!c)
		return mg_fail(err, MG_ENOMEM, r->name, "%s: out of memory", r->name);
	c->r = r;
	c->line = 1;
	c->starts = malloc(MG_CSV_FIELDS_MAX * sizeof *c->starts);
	c->fields = malloc((MG_CSV_FIELDS_MAX + 1) * sizeof *c->fields);
	c->rec_cap = 4096;
	c->rec = malloc(c->rec_cap);
	if (!c->starts || !c->fields || !c->rec) {
		rc = mg_fail(err, MG_ENOMEM, r->name, "%s: out of memory", r->name);
		goto out;
	}
	/* Gather the first three bytes (a reader may deliver fewer per call)
	 * to see whether they are a byte order mark. */
	while (!c->eof && c->len < 3) {
		ssize_t n = mg_reader_read(r, c->chunk + c->len, sizeof c->chunk - c->len, err);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		if (n == 0)
			c->eof = 1;
		c->len += (size_t)n;
	}
	if (c->len >= 3 && memcmp(c->chunk, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
	/* More bytes may follow even if the first reads were short. */
	if (c->eof && c->len > 0)
		c->eof = 0;
	*out = c;
	c = NULL;
out:
	mg_csv_close(c);
	return rc;
}

void mg_csv_close(struct mg_csv *c)
{
	if (!c)
		return;
	free(c->starts);
	free(c->fields);
	free(c->rec);
	free(c);
}

unsigned long mg_csv_line(const struct mg_csv *c)
{
	return c->rec_line;
}

static int put(struct mg_csv *c, char ch, struct mg_error *err)
{
	if (c->rec_len == c->rec_cap) {
		/* Raw bytes are capped at MG_CSV_LINE_MAX and every stored byte
		 * (field byte or NUL) stands for at least one raw byte, plus the
		 * final NUL: the buffer never needs more than this. */
		size_t ncap = c->rec_cap * 2;
		char *nb;
		if (ncap > MG_CSV_LINE_MAX + 2)
			ncap = MG_CSV_LINE_MAX + 2;
		if (ncap <= c->rec_cap)
			return mg_fail(err, MG_ETOOBIG, c->r->name, "%s: line %lu: record longer than %zu bytes",
				       c->r->name, c->rec_line, MG_CSV_LINE_MAX);
		nb = realloc(c->rec, ncap);
		if (!nb)
			return mg_fail(err, MG_ENOMEM, c->r->name, "%s: out of memory", c->r->name);
		c->rec = nb;
		c->rec_cap = ncap;
	}
	c->rec[c->rec_len++] = ch;
	return 0;
}

static int end_field(struct mg_csv *c, struct mg_error *err)
{
	int rc = put(c, '\0', err);
	if (rc)
		return rc;
	if (c->nfields == MG_CSV_FIELDS_MAX)
		return mg_fail(err, MG_ETOOBIG, c->r->name, "%s: line %lu: more than %d fields", c->r->name,
			       c->rec_line, MG_CSV_FIELDS_MAX);
	c->nfields++;
	if (c->nfields < MG_CSV_FIELDS_MAX)
		c->starts[c->nfields] = c->rec_len;
	return 0;
}

int mg_csv_next(struct mg_csv *c, size_t *nfields, char ***fields, struct mg_error *err)
{
	enum csv_state st = ST_FIELD_START;
	size_t raw = 0; /* bytes of input in this record, for the line cap */
	int rc = 0, any = 0;

	c->rec_len = 0;
	c->nfields = 0;
	c->starts[0] = 0;
	c->rec_line = c->line;
	for (;;) {
		unsigned char ch;
		if (c->pos == c->len) {
			if ((rc = fill(c, err)))
				return rc;
			if (c->eof)
				break;
		}
		ch = (unsigned char)c->chunk[c->pos++];
		if (c->skip_lf) {
			c->skip_lf = 0;
			if (ch == '\n')
				continue;
		}
		if (!any) { /* the record starts at its first byte, not after the previous CR LF */
			any = 1;
			c->rec_line = c->line;
		}
		/* The cap counts the record's bytes, not the line break ending it. */
		if (++raw > MG_CSV_LINE_MAX && !((ch == '\n' || ch == '\r') && st != ST_QUOTED))
			return mg_fail(err, MG_ETOOBIG, c->r->name, "%s: line %lu: record longer than %zu bytes",
				       c->r->name, c->rec_line, MG_CSV_LINE_MAX);
		switch (st) {
		case ST_FIELD_START:
		case ST_UNQUOTED:
		case ST_QUOTE_SEEN:
			if (ch == ',') {
				if ((rc = end_field(c, err)))
					return rc;
				st = ST_FIELD_START;
			} else if (ch == '\n' || ch == '\r') {
				c->line++;
				c->skip_lf = ch == '\r';
				goto record;
			} else if (ch == '"' && st == ST_FIELD_START) {
				st = ST_QUOTED;
			} else if (ch == '"' && st == ST_QUOTE_SEEN) {
				if ((rc = put(c, '"', err)))
					return rc;
				st = ST_QUOTED;
			} else {
				if ((rc = put(c, (char)ch, err)))
					return rc;
				st = ST_UNQUOTED;
			}
			break;
		case ST_QUOTED:
			if (ch == '"') {
				st = ST_QUOTE_SEEN;
				break;
			}
			/* Count a CR LF inside a quoted field as one line break. */
			if (ch == '\n' && !(c->rec_len > c->starts[c->nfields] && c->rec[c->rec_len - 1] == '\r'))
				c->line++;
			else if (ch == '\r')
				c->line++;
			if ((rc = put(c, (char)ch, err)))
				return rc;
			break;
		}
	}
	/* End of input. */
	if (!any)
		return 0;
	if (st == ST_QUOTED)
		return mg_fail(err, MG_EPARSE, c->r->name, "%s: line %lu: quoted field not closed before the end of the file",
			       c->r->name, c->rec_line);
record:
	if ((rc = end_field(c, err)))
		return rc;
	for (size_t i = 0; i < c->nfields; i++)
		c->fields[i] = c->rec + c->starts[i];
	c->fields[c->nfields] = NULL;
	*nfields = c->nfields;
	*fields = c->fields;
	return 1;
}
