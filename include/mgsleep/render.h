/* Rendering of an advice: text (terminal), markdown, html (one self-contained
 * file) and json (the integration contract, docs/advice.schema.json).
 * Rendering never computes clinical content; it only lays out struct
 * mg_advice. Same input, same bytes. Output is appended to a caller-owned
 * buffer (reuse it across calls to avoid allocation). */
#ifndef MGSLEEP_RENDER_H
#define MGSLEEP_RENDER_H

#include <mgsleep/advise.h>
#include <mgsleep/buf.h>

enum mg_format { MG_FMT_TEXT = 0, MG_FMT_MARKDOWN, MG_FMT_HTML, MG_FMT_JSON };

struct mg_render_opts {
	enum mg_format format;
	int width;           /* text: wrap column (>= 40); 0 means 80 */
	int color;           /* text: ANSI bold for headings */
	const char *version; /* program version printed in the report */
};

/* Returns 0, or MG_ENOMEM/MG_ETOOBIG if the buffer failed. */
int mg_render_advice(const struct mg_advice *a, const struct mg_render_opts *o, struct mg_buf *out,
		     struct mg_error *err);

/* "preferred", "acceptable", "avoid". */
const char *mg_sleep_use_name(enum mg_sleep_use u);
/* Compound i of the KB as one element of 'forms --format json' (a leading
 * comma unless i is 0): id, name, formula, molar mass, elemental %, compound
 * mg per 100 mg elemental, sleep use, GI, sleep evidence, source ids. */
void mg_forms_json_one(const struct mg_kb *kb, const struct mg_compound *c, size_t i, struct mg_buf *out);
/* The whole table: [ ... ] and a newline. */
void mg_forms_json(const struct mg_kb *kb, struct mg_buf *out);

/* Parse "text", "markdown", "html", "json"; -1 if unknown. */
int mg_format_parse(const char *s);

#endif
