/* JSON rendering: the integration contract (docs/advice.schema.json).
 * Written by hand into one buffer: no intermediate tree, so an advice renders
 * in a few microseconds. Keys are stable; add, never rename. */
#include "doc.h"

#include "../kb/kb_internal.h"

#include <math.h>
#include <string.h>

#define KEY(b, k) mg_buf_puts(b, "\"" k "\":")

static void num_or_null(struct mg_buf *b, double v, int decimals)
{
	if (isnan(v))
		mg_buf_puts(b, "null");
	else
		mg_buf_put_num(b, v, decimals);
}

static void str_or_null(struct mg_buf *b, const char *s)
{
	if (s)
		mg_buf_put_json_str(b, s);
	else
		mg_buf_puts(b, "null");
}

static void refs(struct mg_buf *b, const struct mg_kb *kb, const struct mg_refs *r)
{
	mg_buf_putc(b, '[');
	for (unsigned i = 0; i < r->n; i++) {
		if (i)
			mg_buf_putc(b, ',');
		mg_buf_put_json_str(b, kb->sources[r->idx[i]].id);
	}
	mg_buf_putc(b, ']');
}

static void stmt_list(struct mg_buf *b, const struct mg_kb *kb, const struct mg_stmt *const *s, size_t n,
		      int with_stage, int with_status)
{
	mg_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			mg_buf_putc(b, ',');
		mg_buf_puts(b, "{\"code\":");
		mg_buf_put_json_str(b, s[i]->code);
		if (with_stage) {
			mg_buf_puts(b, ",\"stage\":");
			mg_buf_put_json_str(b, s[i]->stage);
		}
		if (with_status) {
			mg_buf_puts(b, ",\"status\":");
			str_or_null(b, s[i]->status);
		}
		mg_buf_puts(b, ",\"text\":");
		mg_buf_put_json_str(b, s[i]->text);
		mg_buf_puts(b, ",\"refs\":");
		refs(b, kb, &s[i]->refs);
		mg_buf_putc(b, '}');
	}
	mg_buf_putc(b, ']');
}

void mg_render_json(const struct mg_advice *a, const struct mg_render_opts *o, struct mg_buf *b)
{
	const struct mg_kb *kb = a->kb;
	const struct mg_profile *p = a->profile;
	mg_buf_puts(b, "{\"verdict\":");
	mg_buf_put_json_str(b, mg_verdict_name(a->verdict));
	mg_buf_puts(b, ",\"verdict_text\":");
	mg_buf_put_json_str(b, kb->verdict_text[a->verdict]);

	mg_buf_puts(b, ",\"renal\":{");
	KEY(b, "crcl_ml_min");
	num_or_null(b, isnan(a->crcl_cg) ? p->crcl : a->crcl_cg, 2);
	mg_buf_puts(b, ",\"egfr_ml_min_1_73m2\":");
	num_or_null(b, isnan(a->egfr_epi) ? p->egfr : a->egfr_epi, 2);
	mg_buf_puts(b, ",\"crcl_cockcroft_gault\":");
	num_or_null(b, a->crcl_cg, 2);
	mg_buf_puts(b, ",\"egfr_ckd_epi_2021\":");
	num_or_null(b, a->egfr_epi, 2);
	mg_buf_puts(b, ",\"value_used\":");
	num_or_null(b, a->renal, 2);
	mg_buf_puts(b, ",\"basis\":");
	str_or_null(b, a->renal_basis);
	mg_buf_puts(b, ",\"category\":");
	str_or_null(b, a->renal_category);
	mg_buf_puts(b, ",\"creatinine_mg_dl\":");
	num_or_null(b, p->creatinine_mg_dl, 3);
	mg_buf_puts(b, ",\"refs\":");
	refs(b, kb, &kb->renal_refs);
	mg_buf_putc(b, '}');

	mg_buf_puts(b, ",\"dose\":{\"form\":");
	mg_buf_put_json_str(b, a->form->id);
	mg_buf_puts(b, ",\"form_name\":");
	mg_buf_put_json_str(b, a->form->name);
	mg_buf_puts(b, ",\"form_reason\":");
	mg_buf_put_json_str(b, a->form_reason);
	mg_buf_puts(b, ",\"form_refused\":");
	str_or_null(b, a->form_refused ? a->form_refused->id : NULL);
	mg_buf_puts(b, ",\"elemental_mg\":");
	mg_buf_put_num(b, a->elemental_mg, 0);
	mg_buf_puts(b, ",\"compound_mg\":");
	mg_buf_put_num(b, a->compound_mg, 0);
	mg_buf_puts(b, ",\"elemental_fraction\":");
	mg_buf_printf(b, "%.5f", a->form->fraction);
	mg_buf_puts(b, ",\"level\":");
	str_or_null(b, a->elemental_mg > 0 ? a->level->id : NULL);
	mg_buf_puts(b, ",\"text\":");
	if (a->elemental_mg > 0) {
		struct mg_buf line = MG_BUF_INIT;
		mg_report_dose_line(&line, a);
		mg_buf_put_json_str(b, line.failed || !line.data ? "" : line.data);
		mg_buf_release(&line);
	} else {
		mg_buf_puts(b, "null");
	}
	mg_buf_puts(b, ",\"timing\":");
	str_or_null(b, a->elemental_mg > 0 ? (a->split ? kb->timing_split.text : kb->timing.text) : NULL);
	mg_buf_puts(b, ",\"split_doses\":");
	mg_buf_puts(b, a->split ? "true" : "false");
	mg_buf_puts(b, ",\"limit_mg\":");
	num_or_null(b, a->limit ? a->limit->mg : NAN, 0);
	mg_buf_puts(b, ",\"limit_body\":");
	str_or_null(b, a->limit ? a->limit->body : NULL);
	mg_buf_puts(b, ",\"jurisdiction\":");
	mg_buf_put_json_str(b, mg_jurisdiction_name(a->jur));
	mg_buf_puts(b, ",\"jurisdiction_default\":");
	mg_buf_puts(b, a->jur_default ? "true" : "false");
	mg_buf_puts(b, ",\"current_supplement_mg\":");
	mg_buf_put_num(b, a->supplement_mg, 1);
	mg_buf_puts(b, ",\"reference_intake_mg\":");
	num_or_null(b, a->intake ? a->intake->mg : NAN, 0);
	mg_buf_puts(b, ",\"diet_mg\":");
	num_or_null(b, p->diet_mg, 1);
	mg_buf_puts(b, ",\"refs\":[");
	{
		/* the sources behind the numbers of this section, in citation order */
		int first = 1;
		for (size_t k = 0; k < a->n_refs; k++) {
			unsigned short s = a->ref_order[k];
			int used = 0;
			const struct mg_refs *groups[] = {a->elemental_mg > 0 ? a->form_refs : NULL,
							  a->elemental_mg > 0 ? &a->level->refs : NULL,
							  a->limit ? &a->limit->refs : NULL,
							  a->intake ? &a->intake->refs : NULL};
			for (size_t g = 0; g < 4; g++)
				for (unsigned i = 0; groups[g] && i < groups[g]->n; i++)
					used |= groups[g]->idx[i] == s;
			if (!used)
				continue;
			if (!first)
				mg_buf_putc(b, ',');
			mg_buf_put_json_str(b, kb->sources[s].id);
			first = 0;
		}
	}
	mg_buf_puts(b, "]}");

	mg_buf_puts(b, ",\"interactions\":[");
	for (size_t i = 0; i < a->n_meds; i++) {
		const struct mg_advice_med *m = &a->meds[i];
		struct mg_buf adv = MG_BUF_INIT;
		if (i)
			mg_buf_putc(b, ',');
		mg_buf_puts(b, "{\"drug\":");
		mg_buf_put_json_str(b, m->drug);
		mg_buf_puts(b, ",\"input\":");
		mg_buf_put_json_str(b, m->input);
		mg_buf_puts(b, ",\"class\":");
		mg_buf_put_json_str(b, m->inter->cls);
		mg_buf_puts(b, ",\"severity\":");
		mg_buf_put_json_str(b, mg_severity_name(m->inter->severity));
		mg_buf_puts(b, ",\"verdict\":");
		mg_buf_put_json_str(b, mg_verdict_name(m->inter->verdict));
		mg_report_med_advice(&adv, m);
		mg_buf_puts(b, ",\"advice\":");
		mg_buf_put_json_str(b, adv.data && !adv.failed ? adv.data : "");
		mg_buf_release(&adv);
		mg_buf_puts(b, ",\"separate_hours\":");
		num_or_null(b, m->separate_hours < 0 ? NAN : m->separate_hours, 1);
		mg_buf_puts(b, ",\"take_before_mg_hours\":");
		num_or_null(b, m->inter->before_h < 0 ? NAN : m->inter->before_h, 1);
		mg_buf_puts(b, ",\"take_after_mg_hours\":");
		num_or_null(b, m->inter->after_h < 0 ? NAN : m->inter->after_h, 1);
		mg_buf_puts(b, ",\"refs\":");
		refs(b, kb, &m->inter->refs);
		mg_buf_putc(b, '}');
	}
	mg_buf_puts(b, "],\"unrecognised_medicines\":[");
	for (size_t i = 0; i < a->n_unrecognised; i++) {
		if (i)
			mg_buf_putc(b, ',');
		mg_buf_put_json_str(b, a->unrecognised[i]);
	}
	mg_buf_puts(b, "],\"warnings\":[");
	for (size_t i = 0; i < a->n_warnings; i++) {
		const struct mg_stmt *w = a->warnings[i];
		if (i)
			mg_buf_putc(b, ',');
		mg_buf_puts(b, "{\"code\":");
		mg_buf_put_json_str(b, w->code);
		mg_buf_puts(b, ",\"severity\":");
		mg_buf_put_json_str(b, mg_severity_name(w->severity));
		mg_buf_puts(b, ",\"verdict\":");
		mg_buf_put_json_str(b, mg_verdict_name(w->verdict));
		mg_buf_puts(b, ",\"section\":");
		mg_buf_put_json_str(b, w->section);
		mg_buf_puts(b, ",\"text\":");
		mg_buf_put_json_str(b, w->text);
		mg_buf_puts(b, ",\"refs\":");
		refs(b, kb, &w->refs);
		mg_buf_putc(b, '}');
	}
	mg_buf_puts(b, "],\"referrals\":");
	stmt_list(b, kb, a->referrals, a->n_referrals, 0, 0);
	mg_buf_puts(b, ",\"monitoring\":");
	stmt_list(b, kb, a->monitoring, a->n_monitoring, 1, 0);
	mg_buf_puts(b, ",\"expected_outcomes\":");
	stmt_list(b, kb, a->outcomes, a->n_outcomes, 0, 1);
	mg_buf_puts(b, ",\"pitfalls\":");
	stmt_list(b, kb, a->pitfalls, a->n_pitfalls, 0, 0);
	mg_buf_puts(b, ",\"references\":[");
	for (size_t k = 0; k < a->n_refs; k++) {
		const struct mg_source *s = &kb->sources[a->ref_order[k]];
		if (k)
			mg_buf_putc(b, ',');
		mg_buf_puts(b, "{\"number\":");
		mg_buf_put_int(b, (long long)k + 1, 0);
		mg_buf_puts(b, ",\"id\":");
		mg_buf_put_json_str(b, s->id);
		mg_buf_puts(b, ",\"citation\":");
		mg_buf_put_json_str(b, s->citation);
		mg_buf_puts(b, ",\"url\":");
		mg_buf_put_json_str(b, s->url);
		mg_buf_puts(b, ",\"status\":");
		mg_buf_put_json_str(b, s->status);
		mg_buf_putc(b, '}');
	}
	mg_buf_puts(b, "],\"disclaimer\":");
	mg_buf_put_json_str(b, kb->disclaimer);
	mg_buf_puts(b, ",\"kb_version\":");
	mg_buf_put_json_str(b, kb->version);
	mg_buf_puts(b, ",\"kb_hash\":");
	mg_buf_put_json_str(b, kb->hash);
	mg_buf_puts(b, ",\"version\":");
	mg_buf_put_json_str(b, o->version ? o->version : "");
	mg_buf_puts(b, "}\n");
}
