/* CDS Hooks cards (include/mgsleep/cds_cards.h). The wording of the verdict,
 * warnings, spacing and doses is the KB's, through the same helpers as the
 * report (doc.h), so a card never says something the report would not. */
#include <mgsleep/cds_cards.h>
#include <mgsleep/terminology.h>

#include "doc.h"
#include "../kb/kb_internal.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define SUMMARY_MAX 139 /* "< 140 characters" (CDS Hooks 2.0, Card) */
#define LINK_LABEL_MAX 100 /* characters of a link's label: the citation's authors and title */
#define MAX_LINKS 5
#define OVERRIDE_SYSTEM "urn:mgsleep:cds:override-reason"

static const char *const indicator_of_verdict[] = {"info", "info", "warning", "critical"};
static const char *const indicator_of_severity[] = {"info", "info", "warning", "critical"};

struct card {
	struct mg_buf summary, detail;
	unsigned char cited[256]; /* source indexes used in this card */
};

static void cite(struct card *c, const struct mg_advice *a, const struct mg_refs *r)
{
	mg_report_refs(&c->detail, a, r);
	for (unsigned i = 0; i < r->n; i++)
		if (r->idx[i] < 256)
			c->cited[r->idx[i]] = 1;
}

/* The card's own citations, under the advice's numbers, in number order. */
static void references(struct card *c, const struct mg_kb *kb, const struct mg_advice *a)
{
	int first = 1;
	for (size_t k = 0; a && k < a->n_refs; k++) {
		unsigned short s = a->ref_order[k];
		if (!c->cited[s] || s >= mg_kb_source_count(kb))
			continue;
		const struct mg_source *src = mg_kb_source(kb, s);
		mg_buf_puts(&c->detail, first ? "\n\n**References**\n\n" : "\n");
		mg_buf_put_int(&c->detail, (long long)k + 1, 0);
		mg_buf_puts(&c->detail, ". ");
		mg_buf_puts(&c->detail, src->citation);
		if (src->url && *src->url) {
			mg_buf_puts(&c->detail, " <");
			mg_buf_puts(&c->detail, src->url);
			mg_buf_putc(&c->detail, '>');
		}
		first = 0;
	}
	mg_buf_puts(&c->detail, "\n\n_Information, not medical advice._");
}

/* p into dst (cap bytes), at most max characters, cut at a character
 * boundary. With sentences set, it stops before the second ". " and a cut
 * falls back to the last space, marked "...". */
static void cut(char *dst, size_t cap, const char *p, size_t max, int sentences)
{
	size_t chars = 0, i = 0, space = 0;
	int stops = 0;
	for (; p[i] && i + 4 < cap; i++) {
		if (((unsigned char)p[i] & 0xC0) != 0x80 && ++chars > max)
			break;
		if (sentences && p[i] == '.' && p[i + 1] == ' ' && ++stops == 2)
			break;
		if (p[i] == ' ')
			space = i;
		dst[i] = p[i];
	}
	if (sentences && p[i] && p[i] != '.' && space && space + 4 <= cap) {
		memcpy(dst + space, "...", 3);
		i = space + 3;
	}
	dst[i] = '\0';
}

/* So that the summary stays under 140 characters. */
static void put_summary(struct mg_buf *out, const struct mg_buf *s)
{
	char tmp[4 * SUMMARY_MAX + 4];
	cut(tmp, sizeof tmp, s->data ? s->data : "", SUMMARY_MAX, 0);
	mg_buf_put_json_str(out, tmp);
}

/* A link to each source the card cites that has a URL (at most MAX_LINKS),
 * labelled with its reference number and the citation's authors and title
 * (up to its second sentence's end). */
static void put_links(struct mg_buf *out, const struct card *c, const struct mg_kb *kb, const struct mg_advice *a)
{
	int n = 0;
	for (size_t k = 0; a && k < a->n_refs && n < MAX_LINKS; k++) {
		unsigned short s = a->ref_order[k];
		if (!c->cited[s] || s >= mg_kb_source_count(kb))
			continue;
		const struct mg_source *src = mg_kb_source(kb, s);
		if (!src->url || !*src->url)
			continue;
		char label[4 * LINK_LABEL_MAX + 24];
		int m = snprintf(label, sizeof label, "[%zu] ", k + 1);
		cut(label + m, sizeof label - (size_t)m, src->citation, LINK_LABEL_MAX, 1);
		mg_buf_puts(out, n++ ? "," : ",\"links\":[");
		mg_buf_puts(out, "{\"label\":");
		mg_buf_put_json_str(out, label);
		mg_buf_puts(out, ",\"url\":");
		mg_buf_put_json_str(out, src->url);
		mg_buf_puts(out, ",\"type\":\"absolute\"}");
	}
	if (n)
		mg_buf_putc(out, ']');
}

/* A version 4 UUID (RFC 9562 5.4) from 16 random bytes. */
static void put_uuid(struct mg_buf *out, const struct mg_cds_opts *o)
{
	unsigned char b[16];
	o->random(o->random_ctx, b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	mg_buf_puts(out, "\"uuid\":\"");
	for (int i = 0; i < 16; i++)
		mg_buf_printf(out, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", b[i]);
	mg_buf_puts(out, "\",");
}

static void emit(struct mg_buf *out, int *n, struct card *c, const struct mg_kb *kb, const struct mg_advice *a,
		 const char *indicator, const char *suggestion_json, const struct mg_cds_opts *o)
{
	references(c, kb, a);
	mg_buf_puts(out, *n ? ",\n{" : "\n{");
	if (o && o->random)
		put_uuid(out, o);
	mg_buf_puts(out, "\"summary\":");
	put_summary(out, &c->summary);
	mg_buf_puts(out, ",\"indicator\":\"");
	mg_buf_puts(out, indicator);
	mg_buf_puts(out, "\",\"detail\":");
	mg_buf_put_json_str(out, c->detail.data ? c->detail.data : "");
	mg_buf_puts(out, ",\"source\":{\"label\":");
	char label[96];
	snprintf(label, sizeof label, "mgsleep knowledge base %s", mg_kb_version(kb));
	mg_buf_put_json_str(out, label);
	if (o && o->sources_url) {
		mg_buf_puts(out, ",\"url\":");
		mg_buf_put_json_str(out, o->sources_url);
	}
	mg_buf_puts(out, "},\"overrideReasons\":["
			 "{\"system\":\"" OVERRIDE_SYSTEM "\",\"code\":\"already-addressed\","
			 "\"display\":\"Already discussed or addressed\"},"
			 "{\"system\":\"" OVERRIDE_SYSTEM "\",\"code\":\"benefit-outweighs-risk\","
			 "\"display\":\"Benefit outweighs the risk for this patient\"},"
			 "{\"system\":\"" OVERRIDE_SYSTEM "\",\"code\":\"not-applicable\","
			 "\"display\":\"Not applicable to this patient\"}]");
	put_links(out, c, kb, a);
	if (suggestion_json) {
		mg_buf_puts(out, ",\"selectionBehavior\":\"at-most-one\",\"suggestions\":[");
		mg_buf_puts(out, suggestion_json);
		mg_buf_putc(out, ']');
	}
	mg_buf_putc(out, '}');
	(*n)++;
	mg_buf_reset(&c->summary);
	mg_buf_reset(&c->detail);
	memset(c->cited, 0, sizeof c->cited);
}

static void kidney_detail(struct card *c, const struct mg_advice *a)
{
	const struct mg_profile *p = a->profile;
	struct mg_buf *d = &c->detail;
	if (isnan(a->renal))
		return;
	mg_buf_puts(d, "\n\n**Kidney function used:** ");
	mg_buf_put_num(d, a->renal, 0);
	mg_buf_puts(d, !strcmp(a->renal_basis, "reported-crcl") || !strncmp(a->renal_basis, "cockcroft", 9)
			       ? " mL/min"
			       : " mL/min/1.73 m2");
	mg_buf_puts(d, " (");
	mg_buf_puts(d, a->renal_basis);
	if (a->renal_category) {
		mg_buf_puts(d, ", ");
		mg_buf_puts(d, a->renal_category);
	}
	mg_buf_puts(d, "). Inputs: age ");
	mg_buf_put_num(d, p->age, 0);
	mg_buf_puts(d, p->sex == MG_SEX_FEMALE ? ", female" : p->sex == MG_SEX_MALE ? ", male" : ", sex not recorded");
	if (!isnan(p->creatinine_mg_dl)) {
		mg_buf_puts(d, ", serum creatinine ");
		mg_buf_put_num(d, p->creatinine_mg_dl, 2);
		mg_buf_puts(d, " mg/dL");
	}
	if (!isnan(p->weight_kg)) {
		mg_buf_puts(d, ", weight ");
		mg_buf_put_num(d, p->weight_kg, 1);
		mg_buf_puts(d, " kg");
	}
	if (!isnan(p->egfr)) {
		mg_buf_puts(d, ", reported eGFR ");
		mg_buf_put_num(d, p->egfr, 0);
		mg_buf_puts(d, " mL/min/1.73 m2");
	}
	mg_buf_putc(d, '.');
	if (!isnan(a->crcl_cg) || !isnan(a->egfr_epi)) {
		mg_buf_puts(d, " Estimates:");
		if (!isnan(a->crcl_cg)) {
			mg_buf_puts(d, " Cockcroft-Gault ");
			mg_buf_put_num(d, a->crcl_cg, 0);
			mg_buf_puts(d, " mL/min;");
		}
		if (!isnan(a->egfr_epi)) {
			mg_buf_puts(d, " CKD-EPI 2021 ");
			mg_buf_put_num(d, a->egfr_epi, 0);
			mg_buf_puts(d, " mL/min/1.73 m2;");
		}
		d->len--; /* the last ';' becomes '.' */
		mg_buf_putc(d, '.');
	}
}

static void advice_card(struct mg_buf *out, int *n, struct card *c, const struct mg_kb *kb, const struct mg_fhir_in *in,
			const struct mg_advice *a, const struct mg_cds_opts *o)
{
	mg_buf_puts(&c->summary, "Magnesium: ");
	mg_buf_puts(&c->summary, kb->verdict_summary[a->verdict]);
	if (a->verdict <= MG_VERDICT_CAUTION && a->form && a->elemental_mg > 0) {
		mg_buf_puts(&c->summary, ", ");
		mg_buf_put_int(&c->summary, (long long)a->elemental_mg, 1);
		mg_buf_puts(&c->summary, " mg elemental a day as ");
		mg_buf_puts(&c->summary, a->form->name);
	}
	mg_report_verdict_text(&c->detail, a);
	for (size_t i = 0; i < a->n_warnings; i++) {
		mg_buf_puts(&c->detail, "\n\n- ");
		mg_report_stmt_text(&c->detail, a, a->warnings[i]);
		mg_buf_putc(&c->detail, ' ');
		cite(c, a, &a->warnings[i]->refs);
	}
	if (a->verdict <= MG_VERDICT_CAUTION && a->form && a->elemental_mg > 0) {
		mg_buf_puts(&c->detail, "\n\n**Dose:** ");
		mg_report_dose_line(&c->detail, a);
		mg_buf_puts(&c->detail, ". ");
		mg_report_dose_reason(&c->detail, a);
		if (a->form_refs) {
			mg_buf_putc(&c->detail, ' ');
			cite(c, a, a->form_refs);
		}
	}
	kidney_detail(c, a);
	if (in->legacy_egfr)
		mg_buf_puts(&c->detail, " The eGFR in the record comes from a legacy equation (CKD-EPI 2009 or MDRD).");
	/* A safe, concrete suggestion: drop the magnesium order when it must not be taken. */
	char sugg[512] = "";
	for (size_t i = 0; a->verdict == MG_VERDICT_CONTRAINDICATED && i < in->n_meds; i++) {
		const struct mg_fhir_med *m = &in->meds[i];
		if (m->ordered && m->magnesium && m->ref[0]) {
			snprintf(sugg, sizeof sugg,
				 "{\"label\":\"Remove the magnesium order\",\"actions\":[{\"type\":\"delete\","
				 "\"description\":\"Remove the magnesium order\",\"resourceId\":\"%s\"}]}",
				 m->ref);
			break;
		}
	}
	emit(out, n, c, kb, a, indicator_of_verdict[a->verdict], sugg[0] ? sugg : NULL, o);
}

static void missing_card(struct mg_buf *out, int *n, struct card *c, const struct mg_kb *kb,
			 const struct mg_fhir_in *in, const struct mg_advice *a, const struct mg_cds_opts *o)
{
	/* The words are the KB's (kb/terminology.json "gaps"), in this order:
	 * the first gap with a summary names the card. */
	static const struct {
		unsigned bit;
		const char *id;
	} gaps[] = {
		{MG_FHIR_NO_PATIENT, "patient"}, {MG_FHIR_NO_BIRTHDATE, "birthdate"}, {MG_FHIR_NO_KIDNEY, "kidney"},
		{MG_FHIR_NO_WEIGHT, "weight"},	 {MG_FHIR_NO_SEX, "sex"},
	};
	unsigned relevant = in->missing & (MG_FHIR_NO_PATIENT | MG_FHIR_NO_BIRTHDATE | MG_FHIR_NO_KIDNEY);
	if (!(in->missing & MG_FHIR_NO_KIDNEY) && !isnan(in->profile.creatinine_mg_dl))
		relevant |= in->missing & (MG_FHIR_NO_WEIGHT | MG_FHIR_NO_SEX);
	if (!relevant && !in->n_dropped)
		return;
	const char *summary = NULL;
	mg_buf_puts(&c->detail, "What could not be judged:");
	for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++)
		if (relevant & gaps[i].bit) {
			const struct mg_term_gap *g = mg_kb_term_gap(kb, gaps[i].id); /* the loader requires each */
			if (!summary)
				summary = g->summary;
			mg_buf_puts(&c->detail, "\n\n- ");
			mg_buf_puts(&c->detail, g->text);
		}
	mg_buf_puts(&c->summary, summary ? summary : mg_kb_term_gap(kb, "other")->summary);
	for (size_t i = 0; i < in->n_dropped; i++) {
		mg_buf_puts(&c->detail, "\n\n- not used: `");
		mg_buf_puts(&c->detail, in->dropped[i].path);
		mg_buf_puts(&c->detail, "`: ");
		mg_buf_puts(&c->detail, in->dropped[i].why);
	}
	/* What a decision rests on (age, kidney function) missing is a warning;
	 * a refinement (weight or sex for Cockcroft-Gault) or a resource not
	 * used is information. */
	unsigned decisive = MG_FHIR_NO_PATIENT | MG_FHIR_NO_BIRTHDATE | MG_FHIR_NO_KIDNEY;
	emit(out, n, c, kb, a, relevant & decisive ? "warning" : "info", NULL, o);
}

/* Is this advised medicine one of the request's orders? */
static int med_ordered(const struct mg_fhir_in *in, const struct mg_advice_med *am)
{
	for (size_t i = 0; i < in->n_meds; i++) {
		const struct mg_fhir_med *m = &in->meds[i];
		if (!m->ordered)
			continue;
		if (am->input && !strcmp(am->input, m->name))
			return 1;
		for (size_t j = 0; j < m->match.n; j++)
			if (!strcmp(m->match.med[j]->name, am->drug))
				return 1;
	}
	return 0;
}

static void spacing_cards(struct mg_buf *out, int *n, struct card *c, const struct mg_kb *kb,
			  const struct mg_fhir_in *in, const struct mg_advice *a, const struct mg_cds_opts *o)
{
	for (size_t i = 0; i < a->n_meds; i++) {
		const struct mg_advice_med *m = &a->meds[i];
		if (m->separate_hours <= 0 || !strcmp(m->inter->cls, "general"))
			continue;
		if (in->has_orders && !in->magnesium_ordered && !med_ordered(in, m))
			continue;
		mg_buf_puts(&c->summary, "Keep ");
		mg_buf_puts(&c->summary, m->drug);
		mg_buf_puts(&c->summary, " and magnesium at least ");
		mg_buf_put_num(&c->summary, m->separate_hours, 1);
		mg_buf_puts(&c->summary, " hours apart");
		mg_report_med_advice(&c->detail, m);
		mg_buf_putc(&c->detail, ' ');
		cite(c, a, &m->inter->refs);
		if (m->note) {
			mg_buf_puts(&c->detail, "\n\n");
			mg_buf_puts(&c->detail, m->note);
		}
		emit(out, n, c, kb, a, indicator_of_severity[m->inter->severity], NULL, o);
	}
}

int mg_cds_cards(const struct mg_kb *kb, const struct mg_fhir_in *in, const struct mg_advice *a,
		 const struct mg_cds_opts *o, struct mg_buf *out, struct mg_error *err)
{
	struct card c = {MG_BUF_INIT, MG_BUF_INIT, {0}};
	int n = 0, r = 0;
	mg_buf_puts(out, "{\"cards\":[");
	if (in->magnesium_ordered || in->magnesium_active) {
		if (a)
			advice_card(out, &n, &c, kb, in, a, o);
		missing_card(out, &n, &c, kb, in, a, o);
		if (a)
			spacing_cards(out, &n, &c, kb, in, a, o);
	}
	mg_buf_puts(out, n ? "\n]}\n" : "]}\n");
	if (out->failed || c.summary.failed || c.detail.failed)
		r = mg_fail(err, MG_ENOMEM, NULL, "could not build the cards");
	mg_buf_release(&c.summary);
	mg_buf_release(&c.detail);
	return r;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	return s[36] == '\0';
}

/* The rule a card's links or overrideReasons break, or NULL. */
static const char *check_lists(const json_t *card, const char **field)
{
	const json_t *links = json_object_get(card, "links"), *reasons = json_object_get(card, "overrideReasons"), *e;
	size_t k;
	if (links && !json_is_array(links))
		return *field = "links", "not an array";
	json_array_foreach(links, k, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		if (!json_is_string(json_object_get(e, "label")) || !json_is_string(json_object_get(e, "url")) || !type ||
		    (strcmp(type, "absolute") && strcmp(type, "smart")))
			return *field = "links", "each needs label, url and type absolute or smart";
	}
	if (reasons && !json_is_array(reasons))
		return *field = "overrideReasons", "not an array";
	json_array_foreach(reasons, k, e)
		if (!json_is_string(json_object_get(e, "display")))
			return *field = "overrideReasons", "each Coding needs a display";
	return NULL;
}

int mg_cds_cards_check(const char *json, size_t len, struct mg_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je), *card;
	size_t i;
	int r = 0;
	char f[64];
	if (!root)
		return mg_fail(err, MG_EPARSE, "$", "not valid JSON at byte %d", je.position);
	json_t *cards = json_object_get(root, "cards");
	if (!json_is_array(cards)) {
		r = mg_fail(err, MG_EINVAL, "cards", "cards: missing or not an array");
		goto out;
	}
	json_array_foreach(cards, i, card) {
		const char *s = json_string_value(json_object_get(card, "summary"));
		const char *ind = json_string_value(json_object_get(card, "indicator"));
		const json_t *uuid = json_object_get(card, "uuid"), *src = json_object_get(card, "source");
		const json_t *url = json_object_get(src, "url");
		json_t *sugg = json_object_get(card, "suggestions");
		const char *sel = json_string_value(json_object_get(card, "selectionBehavior"));
		const char *why = NULL, *field = NULL;
		if (uuid && (!json_is_string(uuid) || !is_uuid(json_string_value(uuid))))
			field = "uuid", why = "not a UUID (8-4-4-4-12 hexadecimal digits)";
		else if (!s || utf8_chars(s) >= 140)
			field = "summary", why = "missing, not a string or 140 characters or more";
		else if (!ind || (strcmp(ind, "info") && strcmp(ind, "warning") && strcmp(ind, "critical")))
			field = "indicator", why = "missing or not info, warning or critical";
		else if (!json_is_string(json_object_get(src, "label")))
			field = "source.label", why = "missing or not a string";
		else if (url && !json_is_string(url))
			field = "source.url", why = "not a string";
		else if (sugg && (!json_is_array(sugg) || !sel || (strcmp(sel, "at-most-one") && strcmp(sel, "any"))))
			field = "selectionBehavior", why = "suggestions need selectionBehavior at-most-one or any";
		for (size_t k = 0; !why && json_is_array(sugg) && k < json_array_size(sugg); k++)
			if (!json_is_string(json_object_get(json_array_get(sugg, k), "label")))
				field = "suggestions.label", why = "a suggestion without a label";
		if (!why)
			why = check_lists(card, &field);
		if (why) {
			snprintf(f, sizeof f, "cards[%zu].%s", i, field);
			r = mg_fail(err, MG_EINVAL, f, "%s: %s", f, why);
			goto out;
		}
	}
out:
	json_decref(root);
	return r;
}

/* The rule a feedback entry breaks, or NULL. */
static const char *feedback_entry(const json_t *e, int *overridden, const char **field)
{
	const char *card = json_string_value(json_object_get(e, "card"));
	const char *outcome = json_string_value(json_object_get(e, "outcome"));
	const json_t *reason = json_object_get(e, "overrideReason"), *acc = json_object_get(e, "acceptedSuggestions"), *x;
	size_t k;
	if (!json_is_object(e))
		return *field = "", "not an object";
	if (!card || !*card)
		return *field = ".card", "missing or not a non-empty string";
	if (!outcome || (strcmp(outcome, "accepted") && strcmp(outcome, "overridden")))
		return *field = ".outcome", "missing or not accepted or overridden";
	*overridden = outcome[0] == 'o';
	if (reason && (!json_is_object(reason) || !*overridden))
		return *field = ".overrideReason", "an object, and only with outcome overridden";
	if (acc && !json_is_array(acc))
		return *field = ".acceptedSuggestions", "not an array";
	json_array_foreach(acc, k, x)
		if (!json_is_string(json_object_get(x, "id")))
			return *field = ".acceptedSuggestions", "each needs an id";
	return NULL;
}

int mg_cds_feedback_read(const char *json, size_t len, struct mg_cds_feedback *out, struct mg_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je), *e;
	struct mg_cds_feedback n = {0, 0};
	size_t i;
	int r = 0;
	char f[64];
	*out = n;
	if (!root)
		return mg_fail(err, MG_EPARSE, "$", "not valid JSON at byte %d", je.position);
	json_t *fb = json_object_get(root, "feedback");
	if (!json_is_array(fb) || !json_array_size(fb)) {
		r = mg_fail(err, MG_EINVAL, "feedback", "feedback: missing, not an array or empty");
		goto out;
	}
	json_array_foreach(fb, i, e) {
		const char *field = NULL, *why;
		int overridden = 0;
		if ((why = feedback_entry(e, &overridden, &field))) {
			snprintf(f, sizeof f, "feedback[%zu]%s", i, field);
			r = mg_fail(err, MG_EINVAL, f, "%s: %s", f, why);
			goto out;
		}
		if (overridden)
			n.overridden++;
		else
			n.accepted++;
	}
	*out = n;
out:
	json_decref(root);
	return r;
}
