/* The compact result of `mgsleep screen` (docs/screening.md,
 * docs/screen-result.schema.json): the few fields a population screen sorts
 * and counts by, with the same keys, units and rounding as the same fields
 * of `advise --format json` (src/report/json.c), so the two can be compared
 * and joined. One line per record; nothing computed here. */
#include <mgsleep/screen.h>

#include "../kb/kb_internal.h"

#include <math.h>
#include <string.h>

static void id_field(struct mg_buf *b, const char *id)
{
	mg_buf_puts(b, "{\"id\":");
	if (id && id[0])
		mg_buf_put_json_str(b, id);
	else
		mg_buf_puts(b, "null");
}

static void num_or_null(struct mg_buf *b, double v, int decimals)
{
	if (isnan(v))
		mg_buf_puts(b, "null");
	else
		mg_buf_put_num(b, v, decimals);
}

static void codes(struct mg_buf *b, const char *key, const struct mg_stmt *const *s, size_t n)
{
	mg_buf_puts(b, key);
	mg_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			mg_buf_putc(b, ',');
		mg_buf_put_json_str(b, s[i]->code);
	}
	mg_buf_putc(b, ']');
}

void mg_screen_render(const struct mg_advice *a, const char *id, unsigned fields, struct mg_buf *b)
{
	const struct mg_profile *p = a->profile;
	id_field(b, id);
	if (fields & MG_SCREEN_VERDICT) {
		mg_buf_puts(b, ",\"verdict\":");
		mg_buf_put_json_str(b, mg_verdict_name(a->verdict));
	}
	if (fields & MG_SCREEN_DOSE) {
		mg_buf_puts(b, ",\"dose\":{\"form\":");
		mg_buf_put_json_str(b, a->form->id);
		mg_buf_puts(b, ",\"elemental_mg\":");
		mg_buf_put_num(b, a->elemental_mg, 0);
		mg_buf_putc(b, '}');
	}
	if (fields & MG_SCREEN_INTERACTIONS) {
		mg_buf_puts(b, ",\"interactions\":[");
		for (size_t i = 0; i < a->n_meds; i++) {
			const struct mg_advice_med *m = &a->meds[i];
			if (i)
				mg_buf_putc(b, ',');
			mg_buf_puts(b, "{\"drug\":");
			mg_buf_put_json_str(b, m->drug);
			mg_buf_puts(b, ",\"class\":");
			mg_buf_put_json_str(b, m->inter->cls);
			mg_buf_puts(b, ",\"separate_hours\":");
			num_or_null(b, m->separate_hours < 0 ? NAN : m->separate_hours, 1);
			mg_buf_putc(b, '}');
		}
		mg_buf_putc(b, ']');
	}
	if (fields & MG_SCREEN_WARNINGS)
		codes(b, ",\"warnings\":", a->warnings, a->n_warnings);
	if (fields & MG_SCREEN_REFERRALS)
		codes(b, ",\"referrals\":", a->referrals, a->n_referrals);
	if (fields & MG_SCREEN_RENAL) {
		/* The first two as advise's renal.crcl_ml_min and
		 * renal.egfr_ml_min_1_73m2: computed, else reported. */
		mg_buf_puts(b, ",\"renal\":{\"crcl_ml_min\":");
		num_or_null(b, isnan(a->crcl_cg) ? p->crcl : a->crcl_cg, 2);
		mg_buf_puts(b, ",\"egfr_ml_min_1_73m2\":");
		num_or_null(b, isnan(a->egfr_epi) ? p->egfr : a->egfr_epi, 2);
		mg_buf_puts(b, ",\"value_used\":");
		num_or_null(b, a->renal, 2);
		mg_buf_puts(b, ",\"basis\":");
		if (a->renal_basis)
			mg_buf_put_json_str(b, a->renal_basis);
		else
			mg_buf_puts(b, "null");
		mg_buf_puts(b, ",\"category\":");
		if (a->renal_category)
			mg_buf_put_json_str(b, a->renal_category);
		else
			mg_buf_puts(b, "null");
		mg_buf_putc(b, '}');
	}
	if (fields & MG_SCREEN_MEDICINES) {
		mg_buf_puts(b, ",\"unrecognised_medicines\":[");
		for (size_t i = 0; i < a->n_unrecognised; i++) {
			if (i)
				mg_buf_putc(b, ',');
			mg_buf_put_json_str(b, a->unrecognised[i]);
		}
		mg_buf_putc(b, ']');
	}
	mg_buf_puts(b, "}\n");
}

void mg_screen_render_error(const char *id, unsigned long line, const char *field, const char *msg,
			    struct mg_buf *b)
{
	id_field(b, id);
	mg_buf_puts(b, ",\"error\":{\"line\":");
	mg_buf_put_int(b, (long long)line, 0);
	mg_buf_puts(b, ",\"field\":");
	if (field && field[0])
		mg_buf_put_json_str(b, field);
	else
		mg_buf_puts(b, "null");
	mg_buf_puts(b, ",\"message\":");
	mg_buf_put_json_str(b, msg && msg[0] ? msg : "invalid record");
	mg_buf_puts(b, "}}\n");
}
