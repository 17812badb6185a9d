/* CDS Hooks cards (issue 13): an advice and the medicines of a request
 * (fhir_in.h) -> the response body {"cards": [...]} of a CDS Hooks 2.0
 * service. Only magnesium is judged: no magnesium product ordered or taken
 * gives an empty list.
 *
 *   - the advice: critical (contraindicated), warning (consult), info with
 *     the dose (recommended, caution); the kidney estimate with its inputs;
 *   - what could not be judged (no birth date, no creatinine or eGFR ...) and
 *     what to order;
 *   - one spacing card per interacting drug, when magnesium or the drug is
 *     being ordered (or, without draft orders, both are taken).
 *
 * A renderer: it computes no clinical number; texts and citations come from
 * the KB through the advice. Same input, same bytes.
 *
 * Ownership: output is appended to the caller's buffer; nothing is kept. */
#ifndef MGSLEEP_CDS_CARDS_H
#define MGSLEEP_CDS_CARDS_H

#include <mgsleep/advise.h>
#include <mgsleep/buf.h>
#include <mgsleep/fhir_in.h>

struct mg_cds_opts {
	const char *sources_url; /* source.url of every card (the KB's sources), or NULL */
	/* Fills buf with n random bytes, for each card's uuid (a version 4 UUID);
	 * NULL: no uuid (same input, same bytes, for tests). */
	void (*random)(void *ctx, unsigned char *buf, size_t n);
	void *random_ctx;
};

/* a is mg_advise's result for in->profile, or NULL when mg_advise refused
 * (no age): the cards then say what is missing. kb is the KB both came from.
 * Returns 0, or MG_ENOMEM/MG_ETOOBIG if the buffer failed. */
int mg_cds_cards(const struct mg_kb *kb, const struct mg_fhir_in *in, const struct mg_advice *a,
		 const struct mg_cds_opts *o, struct mg_buf *out, struct mg_error *err);

/* Check one response body against the card rules of CDS Hooks 2.0: cards an
 * array; each card with summary (a string under 140 characters), indicator
 * (info, warning or critical), source.label (and source.url a string when
 * given); uuid, when given, a UUID (8-4-4-4-12 hex digits); suggestions an
 * array with a label each, and then selectionBehavior (at-most-one or any);
 * links with label, url and type absolute or smart; overrideReasons Codings
 * with a display. 0, or MG_EINVAL naming the first card and field that
 * breaks a rule. */
int mg_cds_cards_check(const char *json, size_t len, struct mg_error *err);

/* What one feedback body (POST {service}/feedback) says, counted: the body is
 * {"feedback": [...]}, at least one entry, each an object with card (a
 * non-empty string) and outcome accepted or overridden; overrideReason, when
 * given, an object and only with overridden; acceptedSuggestions, when given,
 * an array of objects with an id. Only the outcomes are counted: nothing of
 * the body is kept (it names a patient's card). */
struct mg_cds_feedback {
	unsigned accepted, overridden;
};
/* 0 with *out filled, or MG_EPARSE (not JSON), MG_EINVAL naming the first
 * entry and field that breaks a rule (*out is then zero). */
int mg_cds_feedback_read(const char *json, size_t len, struct mg_cds_feedback *out, struct mg_error *err);

#endif
