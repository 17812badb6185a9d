/* JSON fragments for the renderer: each statement and source as it appears
 * in an advice's JSON, built once when the KB loads, so that rendering an
 * advice is copying (src/report/json.c). */
#include "kb_internal.h"
#include "kb_load.h"

#include <mgsleep/buf.h>

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *keep(struct mg_kb *kb, struct mg_buf *b, size_t *len)
{
	char *p = b->failed ? NULL : kb_alloc(kb, b->len + 1);
	if (p)
		memcpy(p, b->data, b->len + 1);
	*len = b->len;
	return p;
}

static void frag_refs(struct mg_buf *b, const struct mg_kb *kb, const struct mg_refs *r)
{
	mg_buf_puts(b, ",\"refs\":[");
	for (unsigned i = 0; i < r->n; i++) {
		if (i)
			mg_buf_putc(b, ',');
		mg_buf_put_json_str(b, kb->sources[r->idx[i]].id);
	}
	mg_buf_puts(b, "]}");
}

/* The exact bytes src/report/json.c would otherwise produce for each item;
 * the golden tests hold the two to the same output. */
int mg_kbl_build_fragments(struct mg_kb *kb, struct mg_error *err)
{
	struct mg_buf b = MG_BUF_INIT;
	struct {
		struct mg_stmt *s;
		size_t n;
		int kind; /* 0 rule, 1 plain, 2 stage, 3 status */
	} lists[] = {{kb->rules, kb->n_rules, 0},	    {kb->referrals, kb->n_referrals, 1},
		     {kb->monitoring, kb->n_monitoring, 2}, {kb->outcomes, kb->n_outcomes, 3},
		     {kb->pitfalls, kb->n_pitfalls, 1},     {kb->studies, kb->n_studies, 1}};
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
		for (size_t i = 0; i < lists[l].n; i++) {
			struct mg_stmt *st = &lists[l].s[i];
			if (strchr(st->text, '{'))
				continue; /* placeholders: rendered per advice */
			mg_buf_reset(&b);
			mg_buf_puts(&b, "{\"code\":");
			mg_buf_put_json_str(&b, st->code);
			if (lists[l].kind == 0) {
				mg_buf_puts(&b, ",\"severity\":");
				mg_buf_put_json_str(&b, mg_severity_name(st->severity));
				mg_buf_puts(&b, ",\"verdict\":");
				mg_buf_put_json_str(&b, mg_verdict_name(st->verdict));
				mg_buf_puts(&b, ",\"section\":");
				mg_buf_put_json_str(&b, st->section);
			} else if (lists[l].kind == 2) {
				mg_buf_puts(&b, ",\"stage\":");
				mg_buf_put_json_str(&b, st->stage);
			} else if (lists[l].kind == 3) {
				mg_buf_puts(&b, ",\"status\":");
				mg_buf_put_json_str(&b, st->status);
			}
			mg_buf_puts(&b, ",\"text\":");
			mg_buf_put_json_str(&b, st->text);
			frag_refs(&b, kb, &st->refs);
			if (!(st->json = keep(kb, &b, &st->json_len)))
				goto oom;
		}
	kb->source_json = kb_alloc(kb, (kb->n_sources + 1) * sizeof *kb->source_json);
	kb->source_json_len = kb_alloc(kb, (kb->n_sources + 1) * sizeof *kb->source_json_len);
	if (!kb->source_json || !kb->source_json_len)
		goto oom;
	for (size_t i = 0; i < kb->n_sources; i++) {
		const struct mg_source *src = &kb->sources[i];
		mg_buf_reset(&b);
		mg_buf_puts(&b, ",\"id\":");
		mg_buf_put_json_str(&b, src->id);
		mg_buf_puts(&b, ",\"citation\":");
		mg_buf_put_json_str(&b, src->citation);
		mg_buf_puts(&b, ",\"url\":");
		mg_buf_put_json_str(&b, src->url);
		mg_buf_puts(&b, ",\"status\":");
		mg_buf_put_json_str(&b, src->status);
		mg_buf_putc(&b, '}');
		if (!(kb->source_json[i] = keep(kb, &b, &kb->source_json_len[i])))
			goto oom;
	}
	mg_buf_release(&b);
	return 0;
oom:
	mg_buf_release(&b);
	return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
}
