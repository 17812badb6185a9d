/* Medicine names as people and records write them: the normaliser over the
 * knowledge base's vocabulary (kb/medicines.json and the names, aliases and
 * brands of kb/interactions.json). Pure: no I/O and no allocation.
 *
 * A name is folded to a canonical form (lower-case ASCII letters and digits
 * only; case, spaces, hyphens and punctuation folded) and looked up in this
 * order, stopping at the first stage that finds it:
 *   1. the whole name ("magnesium oxide" is a magnesium product, not "oxide");
 *   2. without strengths, units, dose forms and frequency words
 *      ("Doxycycline Hyclate 100 MG Oral Capsule" -> "doxycycline hyclate");
 *   3. also without salt and hydrate words ("doxycycline");
 *   4. "-ic acid" read as "-ate" ("alendronic acid" -> "alendronate");
 *   5. "magnesium" followed by a compound of compounds.json.
 * A name no stage finds is split into ingredients at "/", "+", "&", ",", ";",
 * brackets and the connector words ("and", "with"), and each part is looked up
 * the same way. Combination products map to every ingredient.
 *
 * Everything returned is borrowed from the KB and lives until mg_kb_free(). */
#ifndef MGSLEEP_MEDNAME_H
#define MGSLEEP_MEDNAME_H

#include <mgsleep/kb.h>

#include <stddef.h>

/* One generic medicine the KB knows. */
struct mg_medicine {
	const char *name;                   /* generic name, e.g. "levothyroxine" */
	const struct mg_interaction *inter; /* what it means with magnesium */
	const char *note;                   /* caveat for this drug only, or NULL */
	const char *rxcui;                  /* verified RxNorm ingredient RxCUI, or NULL */
	const char *rxcui_unverified;       /* a hint only (never the only way to recognise), or NULL */
};

#define MG_MED_MAX_INGREDIENTS 8

struct mg_med_match {
	const struct mg_medicine *med[MG_MED_MAX_INGREDIENTS]; /* distinct, in input order */
	size_t n;
	/* Some part of the input (or all of it) was not recognised. */
	int unrecognised;
	/* For the first unrecognised part: the closest name the KB knows, as
	 * its generic (or combination) name; NULL if none is close enough. */
	const char *suggestion;
};

/* Recognise every ingredient of one input line. Returns out->n. Never fails:
 * an empty, over-long or unknown input gives n == 0 and unrecognised == 1
 * (an input of only strengths and punctuation is unrecognised too). */
size_t mg_kb_match_medicine(const struct mg_kb *kb, const char *input, struct mg_med_match *out);

/* The closest known name (generic or combination name) by edit distance,
 * with a threshold that grows with the length of the name (1 edit up to 5
 * letters, 2 up to 9, 3 beyond); NULL if none. Used for names that are not
 * recognised: a misspelling gets a suggestion, never a silent match. */
const char *mg_kb_suggest_medicine(const struct mg_kb *kb, const char *input);

/* The KB's medicines, one per generic name. */
size_t mg_kb_medicine_count(const struct mg_kb *kb);
const struct mg_medicine *mg_kb_medicine(const struct mg_kb *kb, size_t i);

/* By RxNorm ingredient RxCUI (digits). *verified (may be NULL) is 1 when the
 * code is a verified one, 0 when it only matches an unverified hint, which a
 * caller must confirm with the display text. NULL if no medicine has it. */
const struct mg_medicine *mg_kb_find_medicine_rxcui(const struct mg_kb *kb, const char *rxcui, int *verified);

/* The general rule for a medicine that is not recognised (medicines.json
 * "unrecognised"): one sentence and its citations. */
const char *mg_kb_unrecognised_text(const struct mg_kb *kb);
const struct mg_refs *mg_kb_unrecognised_refs(const struct mg_kb *kb);

/* The canonical form of a name into out (size outsz >= 1): lower-case ASCII
 * letters and digits of the input, everything else dropped. Returns the
 * length, or -1 if it did not fit (out is then ""). */
int mg_medname_canon(const char *in, char *out, size_t outsz);

#endif
