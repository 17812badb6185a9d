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

void mg_kb_stmt_json(struct mg_buf *b, const struct mg_kb *kb, const struct mg_stmt *st, enum mg_stmt_kind kind,
		     const char *text)
{
	mg_buf_puts(b, "{\"code\":");
	mg_buf_put_json_str(b, st->code);
	if (kind == MG_STMT_RULE) {
		mg_buf_puts(b, ",\"severity\":");
		mg_buf_put_json_str(b, mg_severity_name(st->severity));
		mg_buf_puts(b, ",\"verdict\":");
		mg_buf_put_json_str(b, mg_verdict_name(st->verdict));
		mg_buf_puts(b, ",\"section\":");
		mg_buf_put_json_str(b, st->section);
	} else if (kind == MG_STMT_STAGED) {
		mg_buf_puts(b, ",\"stage\":");
		mg_buf_put_json_str(b, st->stage);
	} else if (kind == MG_STMT_STATUSED) {
		mg_buf_puts(b, ",\"status\":");
		mg_buf_put_json_str(b, st->status);
	}
	mg_buf_puts(b, ",\"text\":");
	mg_buf_put_json_str(b, text);
	mg_buf_puts(b, ",\"refs\":[");
	for (unsigned i = 0; i < st->refs.n; i++) {
		if (i)
			mg_buf_putc(b, ',');
		mg_buf_put_json_str(b, kb->sources[st->refs.idx[i]].id);
	}
	mg_buf_puts(b, "]}");
}

int mg_kbl_build_fragments(struct mg_kb *kb, struct mg_error *err)
{
	struct mg_buf b = MG_BUF_INIT;
	struct {
		struct mg_stmt *s;
		size_t n;
		enum mg_stmt_kind kind;
	} lists[] = {{kb->rules, kb->n_rules, MG_STMT_RULE},	       {kb->referrals, kb->n_referrals, MG_STMT_PLAIN},
		     {kb->monitoring, kb->n_monitoring, MG_STMT_STAGED}, {kb->outcomes, kb->n_outcomes, MG_STMT_STATUSED},
		     {kb->pitfalls, kb->n_pitfalls, MG_STMT_PLAIN},     {kb->studies, kb->n_studies, MG_STMT_PLAIN}};
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
		for (size_t i = 0; i < lists[l].n; i++) {
			struct mg_stmt *st = &lists[l].s[i];
			if (strchr(st->text, '{'))
				continue; /* placeholders: rendered per advice */
			mg_buf_reset(&b);
			mg_kb_stmt_json(&b, kb, st, lists[l].kind, st->text);
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
