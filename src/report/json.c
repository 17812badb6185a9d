/* JSON rendering: the integration contract (docs/advice.schema.json).
 * Written by hand into one buffer: no intermediate tree, so an advice renders
 * in a few microseconds. Keys are stable; add, never rename. */
#include "doc.h"

#include "../kb/kb_internal.h"

#include <mgsleep/questionnaire.h>

#include <math.h>
#include <string.h>

/* Inlined appends: an advice is ~1,000 small pieces (keys, punctuation), so
 * when the buffer has room they are copied here rather than through a call
 * per piece; otherwise (growth, cap, failed) mg_buf_add decides, as before. */

static inline void add(struct mg_buf *b, const char *s, size_t n)
{
	if (mg_buf_has_room(b, n)) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
	} else {
		mg_buf_add(b, s, n);
	}
}

/* strlen of a literal is folded at compile time */
#define put(b, s) add((b), (s), strlen(s))

static inline void putch(struct mg_buf *b, char c)
{
	if (mg_buf_has_room(b, 1)) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
	} else {
		mg_buf_putc(b, c);
	}
}

#define KEY(b, k) put(b, "\"" k "\":")

static void num_or_null(struct mg_buf *b, double v, int decimals)
{
	if (isnan(v))
		put(b, "null");
	else
		mg_buf_put_num(b, v, decimals);
}

static void str_or_null(struct mg_buf *b, const char *s)
{
	if (s)
		mg_buf_put_json_str(b, s);
	else
		put(b, "null");
}

static void refs(struct mg_buf *b, const struct mg_kb *kb, const struct mg_refs *r)
{
	putch(b, '[');
	for (unsigned i = 0; i < r->n; i++) {
		if (i)
			putch(b, ',');
		mg_buf_put_json_str(b, kb->sources[r->idx[i]].id);
	}
	putch(b, ']');
}

/* Statements were rendered once when the KB loaded, but for rules whose
 * text has placeholders (only rules may): those are written here with the
 * same writer, their text filled. */
static void stmt_list(struct mg_buf *b, const struct mg_advice *a, const struct mg_stmt *const *s, size_t n,
		      struct mg_buf *tmp)
{
	putch(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			putch(b, ',');
		if (s[i]->json) {
			add(b, s[i]->json, s[i]->json_len);
			continue;
		}
		mg_buf_reset(tmp);
		mg_report_stmt_text(tmp, a, s[i]);
		mg_kb_stmt_json(b, a->kb, s[i], MG_STMT_RULE, tmp->data && !tmp->failed ? tmp->data : "");
	}
	putch(b, ']');
}

void mg_render_json(const struct mg_advice *a, const struct mg_render_opts *o, struct mg_buf *b)
{
	const struct mg_kb *kb = a->kb;
	const struct mg_profile *p = a->profile;
	struct mg_buf tmp = MG_BUF_INIT; /* dose line, medicine advice: one allocation */
	put(b, "{\"verdict\":");
	mg_buf_put_json_str(b, mg_verdict_name(a->verdict));
	put(b, ",\"verdict_text\":");
	mg_buf_reset(&tmp);
	mg_report_verdict_text(&tmp, a);
	mg_buf_put_json_str(b, tmp.data && !tmp.failed ? tmp.data : "");
	put(b, ",\"first_steps\":[");
	for (size_t i = 0; i < a->n_lead; i++) {
		if (i)
			putch(b, ',');
		mg_buf_put_json_str(b, a->lead[i]->code);
	}
	put(b, "],\"insomnia\":{\"isi\":");
	num_or_null(b, p->isi, 0);
	put(b, ",\"category\":");
	str_or_null(b, mg_isi_category_name(a->isi_category));
	put(b, ",\"label\":");
	str_or_null(b, mg_isi_category_label(a->isi_category));
	put(b, ",\"text\":");
	str_or_null(b, a->insomnia ? a->insomnia->text : NULL);
	put(b, ",\"refs\":");
	if (a->insomnia)
		refs(b, kb, &a->insomnia->refs);
	else
		put(b, "[]");
	putch(b, '}');

	put(b, ",\"renal\":{");
	KEY(b, "crcl_ml_min");
	num_or_null(b, isnan(a->crcl_cg) ? p->crcl : a->crcl_cg, 2);
	put(b, ",\"egfr_ml_min_1_73m2\":");
	num_or_null(b, isnan(a->egfr_epi) ? p->egfr : a->egfr_epi, 2);
	put(b, ",\"crcl_cockcroft_gault\":");
	num_or_null(b, a->crcl_cg, 2);
	put(b, ",\"egfr_ckd_epi_2021\":");
	num_or_null(b, a->egfr_epi, 2);
	put(b, ",\"value_used\":");
	num_or_null(b, a->renal, 2);
	put(b, ",\"basis\":");
	str_or_null(b, a->renal_basis);
	put(b, ",\"sex_unknown\":");
	put(b, a->renal_sex_unknown ? "true" : "false");
	put(b, ",\"category\":");
	str_or_null(b, a->renal_category);
	put(b, ",\"creatinine_mg_dl\":");
	num_or_null(b, p->creatinine_mg_dl, 3);
	put(b, ",\"refs\":");
	refs(b, kb, &kb->renal_refs);
	put(b, ",\"threshold_refs\":");
	refs(b, kb, &kb->renal_threshold_refs);
	putch(b, '}');

	put(b, ",\"dose\":{\"form\":");
	mg_buf_put_json_str(b, a->form->id);
	put(b, ",\"form_name\":");
	mg_buf_put_json_str(b, a->form->name);
	put(b, ",\"form_reason\":");
	mg_buf_put_json_str(b, a->form_reason);
	put(b, ",\"form_refused\":");
	str_or_null(b, a->form_refused ? a->form_refused->id : NULL);
	put(b, ",\"elemental_mg\":");
	mg_buf_put_num(b, a->elemental_mg, 0);
	put(b, ",\"compound_mg\":");
	mg_buf_put_num(b, a->compound_mg, 0);
	put(b, ",\"elemental_fraction\":");
	mg_buf_printf(b, "%.5f", a->form->fraction);
	put(b, ",\"level\":");
	str_or_null(b, a->elemental_mg > 0 ? (a->form_trial_dose ? "form-trial" : a->level->id) : NULL);
	put(b, ",\"dose_reason\":");
	if (a->elemental_mg > 0) {
		mg_buf_reset(&tmp);
		mg_report_dose_reason(&tmp, a);
		mg_buf_put_json_str(b, tmp.data && !tmp.failed ? tmp.data : "");
	} else {
		put(b, "null");
	}
	put(b, ",\"text\":");
	if (a->elemental_mg > 0) {
		mg_buf_reset(&tmp);
		mg_report_dose_line(&tmp, a);
		mg_buf_put_json_str(b, tmp.failed || !tmp.data ? "" : tmp.data);
	} else {
		put(b, "null");
	}
	put(b, ",\"timing\":");
	str_or_null(b, a->elemental_mg > 0 ? (a->split ? kb->timing_split.text : kb->timing.text) : NULL);
	put(b, ",\"split_doses\":");
	put(b, a->split ? "true" : "false");
	put(b, ",\"limit_mg\":");
	num_or_null(b, a->limit ? a->limit->mg : NAN, 0);
	put(b, ",\"limit_body\":");
	str_or_null(b, a->limit ? a->limit->body : NULL);
	put(b, ",\"jurisdiction\":");
	mg_buf_put_json_str(b, mg_jurisdiction_name(a->jur));
	put(b, ",\"jurisdiction_default\":");
	put(b, a->jur_default ? "true" : "false");
	put(b, ",\"current_supplement_mg\":");
	mg_buf_put_num(b, a->supplement_mg, 1);
	put(b, ",\"reference_intake_mg\":");
	num_or_null(b, a->intake ? a->intake->mg : NAN, 0);
	put(b, ",\"diet_mg\":");
	num_or_null(b, p->diet_mg, 1);
	put(b, ",\"diet_source\":");
	str_or_null(b, p->diet_source[0] ? p->diet_source : NULL);
	put(b, ",\"refs\":[");
	{
		/* The sources behind the numbers of this section, in citation
		 * order: mark them, then walk the citation order once. */
		unsigned char used[256] = {0};
		const struct mg_refs *note = NULL;
		if (a->elemental_mg > 0)
			mg_advice_dose_note(a, &note);
		const struct mg_refs *groups[] = {a->elemental_mg > 0 ? a->form_refs : NULL,
						  a->elemental_mg > 0 && !a->form_trial_dose ? &a->level->refs : NULL,
						  note, a->limit ? &a->limit->refs : NULL,
						  a->intake ? &a->intake->refs : NULL};
		for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
			for (unsigned i = 0; groups[g] && i < groups[g]->n; i++)
				used[groups[g]->idx[i] & 255] = 1;
		int first = 1;
		for (size_t k = 0; k < a->n_refs; k++) {
			if (!used[a->ref_order[k] & 255])
				continue;
			if (!first)
				putch(b, ',');
			mg_buf_put_json_str(b, kb->sources[a->ref_order[k]].id);
			first = 0;
		}
	}
	put(b, "]}");

	put(b, ",\"interactions\":[");
	for (size_t i = 0; i < a->n_meds; i++) {
		const struct mg_advice_med *m = &a->meds[i];
		if (i)
			putch(b, ',');
		put(b, "{\"drug\":");
		mg_buf_put_json_str(b, m->drug);
		put(b, ",\"input\":");
		mg_buf_put_json_str(b, m->input);
		put(b, ",\"class\":");
		mg_buf_put_json_str(b, m->inter->cls);
		put(b, ",\"severity\":");
		mg_buf_put_json_str(b, mg_severity_name(m->inter->severity));
		put(b, ",\"verdict\":");
		mg_buf_put_json_str(b, mg_verdict_name(m->inter->verdict));
		mg_buf_reset(&tmp);
		mg_report_med_advice(&tmp, m);
		put(b, ",\"advice\":");
		mg_buf_put_json_str(b, tmp.data && !tmp.failed ? tmp.data : "");
		put(b, ",\"separate_hours\":");
		num_or_null(b, m->separate_hours < 0 ? NAN : m->separate_hours, 1);
		put(b, ",\"take_before_mg_hours\":");
		num_or_null(b, m->inter->before_h < 0 ? NAN : m->inter->before_h, 1);
		put(b, ",\"take_after_mg_hours\":");
		num_or_null(b, m->inter->after_h < 0 ? NAN : m->inter->after_h, 1);
		put(b, ",\"note\":");
		if (m->note)
			mg_buf_put_json_str(b, m->note);
		else
			put(b, "null");
		put(b, ",\"rxcui\":");
		if (m->rxcui)
			mg_buf_put_json_str(b, m->rxcui);
		else
			put(b, "null");
		put(b, ",\"refs\":");
		refs(b, kb, &m->inter->refs);
		putch(b, '}');
	}
	put(b, "],\"unrecognised_medicines\":[");
	for (size_t i = 0; i < a->n_unrecognised; i++) {
		if (i)
			putch(b, ',');
		mg_buf_put_json_str(b, a->unrecognised[i]);
	}
	put(b, "],\"medicine_suggestions\":[");
	for (size_t i = 0; i < a->n_unrecognised; i++) {
		if (i)
			putch(b, ',');
		put(b, "{\"input\":");
		mg_buf_put_json_str(b, a->unrecognised[i]);
		put(b, ",\"suggestion\":");
		if (a->suggestion[i])
			mg_buf_put_json_str(b, a->suggestion[i]);
		else
			put(b, "null");
		putch(b, '}');
	}
	put(b, "],\"warnings\":");
	stmt_list(b, a, a->warnings, a->n_warnings, &tmp);
	put(b, ",\"referrals\":");
	stmt_list(b, a, a->referrals, a->n_referrals, &tmp);
	put(b, ",\"monitoring\":");
	stmt_list(b, a, a->monitoring, a->n_monitoring, &tmp);
	put(b, ",\"expected_outcomes\":");
	stmt_list(b, a, a->outcomes, a->n_outcomes, &tmp);
	put(b, ",\"pitfalls\":");
	stmt_list(b, a, a->pitfalls, a->n_pitfalls, &tmp);
	put(b, ",\"references\":[");
	for (size_t k = 0; k < a->n_refs; k++) {
		if (k)
			putch(b, ',');
		put(b, "{\"number\":");
		mg_buf_put_int(b, (long long)k + 1, 0);
		add(b, kb->source_json[a->ref_order[k]], kb->source_json_len[a->ref_order[k]]);
	}
	put(b, "],\"disclaimer\":");
	mg_buf_put_json_str(b, kb->disclaimer);
	put(b, ",\"kb_version\":");
	mg_buf_put_json_str(b, kb->version);
	put(b, ",\"kb_hash\":");
	mg_buf_put_json_str(b, kb->hash);
	put(b, ",\"version\":");
	mg_buf_put_json_str(b, o->version ? o->version : "");
	put(b, "}\n");
	mg_buf_release(&tmp);
}

const char *mg_sleep_use_name(enum mg_sleep_use u)
{
	static const char *const names[] = {"preferred", "acceptable", "avoid"};
	return (unsigned)u < 3 ? names[u] : "";
}

void mg_forms_json_one(const struct mg_kb *kb, const struct mg_compound *c, size_t i, struct mg_buf *b)
{
	mg_buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
	mg_buf_put_json_str(b, c->id);
	mg_buf_puts(b, ",\"name\":");
	mg_buf_put_json_str(b, c->name);
	mg_buf_puts(b, ",\"formula\":");
	mg_buf_put_json_str(b, c->formula);
	mg_buf_printf(b, ",\"molar_mass\":%.2f,\"elemental_percent\":%.2f", c->molar_mass, c->fraction * 100);
	mg_buf_puts(b, ",\"compound_mg_per_100mg_elemental\":");
	mg_buf_put_num(b, 100 / c->fraction, 0);
	mg_buf_puts(b, ",\"sleep_use\":");
	mg_buf_put_json_str(b, mg_sleep_use_name(c->use));
	mg_buf_puts(b, ",\"gi\":");
	mg_buf_put_json_str(b, c->gi);
	mg_buf_puts(b, ",\"sleep_evidence\":");
	mg_buf_put_json_str(b, c->sleep_evidence);
	mg_buf_puts(b, ",\"refs\":[");
	for (unsigned k = 0; k < c->refs.n; k++) {
		if (k)
			mg_buf_putc(b, ',');
		mg_buf_put_json_str(b, mg_kb_source(kb, c->refs.idx[k])->id);
	}
	mg_buf_puts(b, "]}");
}

void mg_forms_json(const struct mg_kb *kb, struct mg_buf *out)
{
	size_t n = mg_kb_compound_count(kb);
	mg_buf_putc(out, '[');
	for (size_t i = 0; i < n; i++)
		mg_forms_json_one(kb, mg_kb_compound(kb, i), i, out);
	mg_buf_puts(out, "]\n");
}
