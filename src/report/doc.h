/* A tiny document model shared by the text, markdown and html renderers, so
 * the report's structure is written once (report.c) and each backend only
 * knows how to draw a title, a heading, a paragraph, a list item and a
 * reference. */
#ifndef MG_REPORT_DOC_H
#define MG_REPORT_DOC_H

#include <mgsleep/advise.h>
#include <mgsleep/buf.h>
#include <mgsleep/render.h>

struct mg_doc;

struct mg_doc_ops {
	void (*title)(struct mg_doc *d, const char *text);
	void (*heading)(struct mg_doc *d, const char *text);
	/* label may be NULL; cites is the "[1,3]" marker or "" */
	void (*para)(struct mg_doc *d, const char *label, const char *text, const char *cites);
	void (*item)(struct mg_doc *d, const char *label, const char *text, const char *cites);
	void (*reference)(struct mg_doc *d, int num, const char *id, const char *citation, const char *url);
	void (*end)(struct mg_doc *d);
};

struct mg_doc {
	const struct mg_doc_ops *ops;
	const struct mg_render_opts *opts;
	struct mg_buf *out;
	int in_list; /* html: an <ul>/<ol> is open */
	int width;
};

extern const struct mg_doc_ops mg_doc_text, mg_doc_markdown, mg_doc_html;

void mg_report_build(struct mg_doc *d, const struct mg_advice *a);
void mg_render_json(const struct mg_advice *a, const struct mg_render_opts *o, struct mg_buf *out);

/* Shared sentences, used by report.c and json.c so both say the same. */
void mg_report_dose_line(struct mg_buf *b, const struct mg_advice *a);
void mg_report_refs(struct mg_buf *b, const struct mg_advice *a, const struct mg_refs *r);
void mg_report_med_advice(struct mg_buf *b, const struct mg_advice_med *m);
/* A statement's text with its placeholders ({supplement_mg} ...) filled. */
void mg_report_stmt_text(struct mg_buf *b, const struct mg_advice *a, const struct mg_stmt *s);
/* The verdict sentence, after the lead sentences of any referral that comes
 * first (sleep apnoea, severe insomnia). */
void mg_report_verdict_text(struct mg_buf *b, const struct mg_advice *a);
/* "Why this dose": the level's text and/or the form's dose note. */
void mg_report_dose_reason(struct mg_buf *b, const struct mg_advice *a);

#endif
