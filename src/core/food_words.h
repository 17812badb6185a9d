/* Words of food descriptions, queries and unit texts (private header).
 *
 * Shared by src/core/food.c and tools/foodc, which builds the table's word
 * index with it, so that the build and the search split text alike.
 *
 * A word is a run of ASCII letters and digits or non-ASCII bytes, folded to
 * lower case; Latin-1 letters in UTF-8 (U+00C0..U+00FF) fold to their ASCII
 * base letter ("Entrée" -> "entree"). seg counts the commas outside
 * parentheses before the word; paren is set for words inside parentheses. */
#ifndef MG_FOOD_WORDS_H
#define MG_FOOD_WORDS_H

#include <stddef.h>
#include <string.h>

#define MG_FW_MAX 32 /* longest word compared, bytes; longer ones are cut */

struct mg_fw {
	char s[MG_FW_MAX + 1];  /* folded word, NUL-terminated */
	char st[MG_FW_MAX + 1]; /* its plural stem once mg_fw_stem_of() ran (not terminated) */
	unsigned char len, st_len, seg, paren, have_stem;
};

/* U+00C0 .. U+00FF folded to lower-case ASCII; a space (not a word
 * character) for the multiplication and division signs. */
static const char mg_fw_latin1[64] = "aaaaaaaceeeeiiiidnooooo ouuuuyts"
				     "aaaaaaaceeeeiiiidnooooo ouuuuyty";

/* The folded character at s and its length in bytes. Other non-ASCII bytes
 * are kept as they are (word characters). */
static inline unsigned char mg_fw_fold(const unsigned char *s, size_t *adv)
{
	unsigned char c = s[0];
	*adv = 1;
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
	if (c == 0xc3 && s[1] >= 0x80 && s[1] <= 0xbf) {
		*adv = 2;
		return (unsigned char)mg_fw_latin1[s[1] - 0x80];
	}
	return c;
}

static inline int mg_fw_is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80;
}

/* Split text into at most maxw words; returns how many (more are dropped). */
static inline size_t mg_fw_split(const char *text, struct mg_fw *w, size_t maxw)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = 0, adv = 1;
	unsigned seg = 0, depth = 0;
	unsigned char c = *s ? mg_fw_fold(s, &adv) : 0;
	while (*s) {
		if (!mg_fw_is_word(c)) {
			if (c == '(')
				depth++;
			else if (c == ')' && depth)
				depth--;
			else if (c == ',' && !depth)
				seg++;
			s += adv;
			c = *s ? mg_fw_fold(s, &adv) : 0;
			continue;
		}
		if (n == maxw)
			return n;
		struct mg_fw *cur = &w[n++];
		unsigned len = 0;
		do {
			if (len < MG_FW_MAX)
				cur->s[len++] = (char)c;
			s += adv;
			c = *s ? mg_fw_fold(s, &adv) : 0;
		} while (mg_fw_is_word(c));
		cur->s[len] = 0;
		cur->len = (unsigned char)len;
		cur->seg = (unsigned char)(seg > 255 ? 255 : seg);
		cur->paren = depth > 0;
		cur->have_stem = 0;
	}
	return n;
}

static inline int mg_fw_ends(const char *w, size_t n, const char *suf, size_t k)
{
	return n >= k && !memcmp(w + n - k, suf, k);
}

/* Plural stem of a folded word of n bytes into out (n bytes of room). Words
 * that differ only in number get the same stem: berries/berry -> berri,
 * cookies/cookie -> cooki, spinaches/spinach -> spinach, tomatoes/tomato ->
 * tomato, leaves/leaf -> leaf, sauces/sauce -> sauc, almonds/almond ->
 * almond. The stem keeps the word's first n - 1 letters or fewer, except
 * that its last letter may change (y -> i, ves -> f). */
static inline size_t mg_fw_stem(const char *w, size_t n, char *out)
{
	memcpy(out, w, n);
	if (n >= 5 && mg_fw_ends(w, n, "eaves", 5)) {
		out[n - 3] = 'f';
		return n - 2;
	}
	if (n >= 4 && mg_fw_ends(w, n, "ies", 3))
		return n - 2;
	if (n >= 5 && (mg_fw_ends(w, n, "ches", 4) || mg_fw_ends(w, n, "shes", 4) ||
		       mg_fw_ends(w, n, "sses", 4) || mg_fw_ends(w, n, "xes", 3) || mg_fw_ends(w, n, "zes", 3)))
		return n - 2;
	if (n >= 4 && w[n - 1] == 's' && !mg_fw_ends(w, n, "ss", 2) && !mg_fw_ends(w, n, "us", 2) &&
	    !mg_fw_ends(w, n, "is", 2))
		n--;
	if (n >= 3 && mg_fw_ends(out, n, "ie", 2))
		return n - 1;
	if (n >= 5 && out[n - 1] == 'e')
		return n - 1;
	if (n >= 3 && out[n - 1] == 'y') {
		out[n - 1] = 'i';
		return n;
	}
	return n;
}

static inline void mg_fw_stem_of(struct mg_fw *w)
{
	if (!w->have_stem) {
		w->st_len = (unsigned char)mg_fw_stem(w->s, w->len, w->st);
		w->have_stem = 1;
	}
}

#endif
