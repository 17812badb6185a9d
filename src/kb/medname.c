/* The medicine-name normaliser (include/mgsleep/medname.h). The vocabulary is
 * knowledge-base data (kb/medicines.json and the names, aliases and brands of
 * kb/interactions.json); this file only folds, tokenises and looks up. No
 * allocation: every buffer is on the stack and bounded. */
#include "kb_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_IN 255  /* longer inputs are not recognised */
#define MAX_TOK 64

enum kind { K_WORD = 1, K_NUM = 2, K_FORM = 4, K_FREQ = 8, K_SALT = 16, K_CONN = 32 };

/* Drop masks of the lookup stages after the first (which keeps everything). */
#define DROP_FORMS (K_NUM | K_FORM | K_CONN)
#define DROP_FREQ (DROP_FORMS | K_FREQ)
#define DROP_SALTS (DROP_FREQ | K_SALT)

struct toks {
	char buf[2 * MAX_IN + 2]; /* tokens, each NUL-terminated */
	unsigned short off[MAX_TOK];
	unsigned char kind[MAX_TOK], part[MAX_TOK];
	size_t n;
	unsigned nparts;
};

int mg_medname_canon(const char *in, char *out, size_t outsz)
{
	size_t n = 0;
	if (!outsz)
		return -1;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		unsigned char ch = *p;
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			continue;
		if (n + 1 >= outsz) {
			out[0] = '\0';
			return -1;
		}
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	return (int)n;
}

static int in_list(const struct mg_wordlist *l, const char *w)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(w, l->w[mid]);
		if (!c)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static int is_sep(unsigned char ch)
{
	return ch && strchr("/+&,;()[]", ch) != NULL;
}

static int is_alpha(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Split into tokens: runs of letters, or of digits (with '.' between digits);
 * a change between letters and digits starts a new token ("40mg" -> 40, mg).
 * Separators and connector words start a new part. -1 if the input is too
 * long or has too many tokens. */
static int tokenise(const struct mg_kb *kb, const char *in, struct toks *t)
{
	size_t len = strlen(in), b = 0;
	t->n = 0;
	t->nparts = 1;
	if (len > MAX_IN)
		return -1;
	const unsigned char *p = (const unsigned char *)in;
	unsigned part = 0;
	int part_used = 0;
	for (size_t i = 0; i < len;) {
		unsigned char ch = p[i];
		if (is_sep(ch)) {
			if (part_used) {
				part++;
				part_used = 0;
			}
			i++;
			continue;
		}
		if (!is_alpha(ch) && !is_digit(ch)) {
			i++;
			continue;
		}
		if (t->n == MAX_TOK)
			return -1;
		size_t start = b;
		int digit = is_digit(ch);
		while (i < len) {
			ch = p[i];
			if (digit ? !(is_digit(ch) || (ch == '.' && i + 1 < len && is_digit(p[i + 1]) && b > start))
				  : !is_alpha(ch))
				break;
			t->buf[b++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
			i++;
		}
		t->buf[b++] = '\0';
		const char *w = t->buf + start;
		unsigned char k = digit				   ? K_NUM
				  : in_list(&kb->form_words, w)	   ? K_FORM
				  : in_list(&kb->freq_words, w)	   ? K_FREQ
				  : in_list(&kb->salt_words, w)	   ? K_SALT
				  : in_list(&kb->conn_words, w)	   ? K_CONN
								   : K_WORD;
		if (k == K_CONN && part_used) {
			part++;
			part_used = 0;
		}
		t->off[t->n] = (unsigned short)start;
		t->kind[t->n] = k;
		t->part[t->n] = (unsigned char)part;
		t->n++;
		if (k != K_CONN)
			part_used = 1;
	}
	t->nparts = part + (part_used ? 1 : 0);
	if (!t->nparts)
		t->nparts = 1;
	return 0;
}

static const char *tok(const struct toks *t, size_t i)
{
	return t->buf + t->off[i];
}

/* Join the tokens of part p (-1: all) whose kind is not in drop. With acid,
 * "<x>ic acid" is read as "<x>ate". Returns the length, -1 if too long. */
static int join(const struct toks *t, int p, unsigned drop, int acid, char *out, size_t outsz)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < t->n; i++) {
		if ((p >= 0 && t->part[i] != (unsigned)p) || (t->kind[i] & drop))
			continue;
		const char *w = tok(t, i);
		size_t wl = strlen(w);
		if (acid && !strcmp(w, "acid") && n >= 2 && !strncmp(out + n - 2, "ic", 2)) {
			if (n + 2 >= outsz)
				return -1;
			memcpy(out + n - 2, "ate", 4);
			n++;
			continue;
		}
		if (n + wl >= outsz)
			return -1;
		memcpy(out + n, w, wl + 1);
		n += wl;
	}
	return (int)n;
}

/* "magnesium" followed by a compound of compounds.json (stage 5). */
static int match_compound(const struct mg_kb *kb, const struct toks *t, int p)
{
	char rest[2 * MAX_IN + 2];
	size_t n = 0, first = 1, words = 0;
	for (size_t i = 0; i < t->n; i++) {
		if ((p >= 0 && t->part[i] != (unsigned)p) || (t->kind[i] & DROP_FREQ))
			continue;
		const char *w = tok(t, i);
		if (first) {
			if (strcmp(w, "magnesium"))
				return -1;
			first = 0;
			continue;
		}
		size_t wl = strlen(w);
		if (n + wl + 2 >= sizeof rest)
			return -1;
		if (n)
			rest[n++] = ' ';
		memcpy(rest + n, w, wl + 1);
		n += wl;
		words++;
	}
	if (!words || !mg_kb_find_compound(kb, rest))
		return -1;
	char canon[256];
	if (kb->compound_med < 0 || mg_medname_canon(kb->medicines[kb->compound_med].name, canon, sizeof canon) <= 0)
		return -1;
	return mg_kb_find_canon(kb, canon);
}

/* The stages of medname.h for part p (-1: the whole input): a kb->drugs index or -1. */
static int match_part(const struct mg_kb *kb, const struct toks *t, int p)
{
	static const struct {
		unsigned drop;
		int acid;
	} stage[] = {{0, 0}, {DROP_FORMS, 0}, {DROP_FREQ, 0}, {DROP_SALTS, 0}, {DROP_SALTS, 1}};
	char prev[2 * MAX_IN + 2] = "", cur[2 * MAX_IN + 2];
	for (size_t s = 0; s < sizeof stage / sizeof stage[0]; s++) {
		int n = join(t, p, stage[s].drop, stage[s].acid, cur, sizeof cur);
		if (n <= 0 || !strcmp(cur, prev))
			continue;
		int d = mg_kb_find_canon(kb, cur);
		if (d >= 0)
			return d;
		memcpy(prev, cur, (size_t)n + 1);
	}
	return match_compound(kb, t, p);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The parts' salt-free canonical forms, sorted, '/'-joined; -1 if fewer than two. */
static int parts_sig(const struct toks *t, char *out, size_t outsz)
{
	char parts[16][2 * MAX_IN + 2];
	const char *ptr[16];
	size_t np = 0, n = 0;
	for (unsigned p = 0; p < t->nparts && np < 16; p++) {
		if (join(t, (int)p, DROP_SALTS, 1, parts[np], sizeof parts[np]) > 0) {
			ptr[np] = parts[np];
			np++;
		}
	}
	if (np < 2)
		return -1;
	qsort(ptr, np, sizeof *ptr, str_cmp);
	out[0] = '\0';
	for (size_t i = 0; i < np; i++) {
		size_t l = strlen(ptr[i]);
		if (n + l + 2 >= outsz)
			return -1;
		if (i)
			out[n++] = '/';
		memcpy(out + n, ptr[i], l + 1);
		n += l;
	}
	return 0;
}

int mg_medname_sig(const struct mg_kb *kb, const char *name, char *out, size_t outsz)
{
	struct toks t;
	if (tokenise(kb, name, &t) || t.nparts < 2)
		return -1;
	return parts_sig(&t, out, outsz);
}

/* Optimal string alignment distance, or limit + 1 once it exceeds limit. */
static size_t osa(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > MAX_IN || lb > MAX_IN)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	size_t r0[MAX_IN + 1], r1[MAX_IN + 1], r2[MAX_IN + 1];
	size_t *pp = r0, *pr = r1, *cu = r2;
	for (size_t j = 0; j <= lb; j++)
		pr[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t row_min = cu[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = pr[j - 1] + cost;
			if (pr[j] + 1 < v)
				v = pr[j] + 1;
			if (cu[j - 1] + 1 < v)
				v = cu[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cu[j] = v;
			if (v < row_min)
				row_min = v;
		}
		if (row_min > limit)
			return limit + 1;
		size_t *tmp = pp;
		pp = pr;
		pr = cu;
		cu = tmp;
	}
	return pr[lb];
}

uint32_t mg_medname_chars(const char *canon)
{
	uint32_t m = 0;
	for (; *canon; canon++)
		m |= UINT32_C(1) << ((unsigned char)*canon & 31);
	return m;
}

static const char *suggest_canon(const struct mg_kb *kb, const char *q)
{
	size_t ql = strlen(q);
	if (ql < 3)
		return NULL;
	size_t limit = ql <= 5 ? 1 : ql <= 9 ? 2 : 3, best_d = limit + 1;
	uint32_t qc = mg_medname_chars(q);
	const char *best = NULL;
	/* Every KB name was compared in full: 13.5 us for each unlisted medicine
	 * of a profile, most of `screen`'s time (bench/README.md). The two lower
	 * bounds skip the names that cannot be within limit, with the same result. */
	for (size_t i = 0; i < kb->n_drugs; i++) {
		const struct mg_drug_name *dn = &kb->drugs[i];
		if ((dn->len > ql ? dn->len - ql : ql - dn->len) > limit ||
		    ((size_t)__builtin_popcount(qc ^ dn->chars) + 1) / 2 > limit)
			continue;
		size_t d = osa(q, dn->canon, limit);
		if (d < best_d) {
			best_d = d;
			best = kb->drugs[i].generic;
		}
	}
	return best;
}

/* The query a suggestion is made for: salt-free canonical form of part p, or
 * everything if that is empty. */
static const char *suggest_part(const struct mg_kb *kb, const struct toks *t, int p)
{
	char q[2 * MAX_IN + 2];
	if (join(t, p, DROP_SALTS, 0, q, sizeof q) <= 0 && join(t, p, 0, 0, q, sizeof q) <= 0)
		return NULL;
	return suggest_canon(kb, q);
}

static void add_med(const struct mg_kb *kb, struct mg_med_match *out, size_t m)
{
	const struct mg_medicine *med = &kb->medicines[m];
	for (size_t i = 0; i < out->n; i++)
		if (out->med[i] == med)
			return;
	if (out->n == MG_MED_MAX_INGREDIENTS) {
		out->unrecognised = 1; /* more than we can list: the general rule applies */
		return;
	}
	out->med[out->n++] = med;
}

static void add_hit(const struct mg_kb *kb, struct mg_med_match *out, int d)
{
	const struct mg_drug_name *dn = &kb->drugs[d];
	if (dn->combo >= 0) {
		const struct mg_combo *c = &kb->combos[dn->combo];
		for (unsigned i = 0; i < c->n; i++)
			add_med(kb, out, c->med[i]);
	} else if (dn->med >= 0) {
		add_med(kb, out, (size_t)dn->med);
	}
}

size_t mg_kb_match_medicine(const struct mg_kb *kb, const char *input, struct mg_med_match *out)
{
	struct toks t;
	memset(out, 0, sizeof *out);
	if (!input || tokenise(kb, input, &t) || t.n == 0) {
		out->unrecognised = 1;
		return 0;
	}
	int d = match_part(kb, &t, -1);
	if (d >= 0) {
		add_hit(kb, out, d);
		return out->n;
	}
	if (t.nparts > 1) {
		char sig[2 * MAX_IN + 2];
		if (!parts_sig(&t, sig, sizeof sig))
			for (size_t i = 0; i < kb->n_drugs; i++)
				if (kb->drugs[i].sig && !strcmp(kb->drugs[i].sig, sig)) {
					add_hit(kb, out, (int)i);
					return out->n;
				}
		for (unsigned p = 0; p < t.nparts; p++) {
			char q[2 * MAX_IN + 2];
			d = match_part(kb, &t, (int)p);
			if (d >= 0) {
				add_hit(kb, out, d);
				continue;
			}
			/* A part of only strengths, forms and salts ("5 mL", "as sodium") is no medicine. */
			if (join(&t, (int)p, DROP_SALTS, 0, q, sizeof q) <= 0)
				continue;
			if (!out->unrecognised) {
				out->unrecognised = 1;
				out->suggestion = suggest_part(kb, &t, (int)p);
			}
		}
	}
	if (out->n == 0 && !out->unrecognised) {
		out->unrecognised = 1;
		out->suggestion = suggest_part(kb, &t, -1);
	}
	if (out->n == 0)
		out->unrecognised = 1;
	return out->n;
}

const char *mg_kb_suggest_medicine(const struct mg_kb *kb, const char *input)
{
	struct toks t;
	if (!input || tokenise(kb, input, &t) || t.n == 0)
		return NULL;
	return suggest_part(kb, &t, -1);
}

size_t mg_kb_medicine_count(const struct mg_kb *kb)
{
	return kb->n_medicines;
}

const struct mg_medicine *mg_kb_medicine(const struct mg_kb *kb, size_t i)
{
	return i < kb->n_medicines ? &kb->medicines[i] : NULL;
}

const struct mg_medicine *mg_kb_find_medicine_rxcui(const struct mg_kb *kb, const char *rxcui, int *verified)
{
	const struct mg_medicine *hint = NULL;
	if (verified)
		*verified = 0;
	if (!rxcui || !*rxcui)
		return NULL;
	for (size_t i = 0; i < kb->n_medicines; i++) {
		const struct mg_medicine *m = &kb->medicines[i];
		if (m->rxcui && !strcmp(m->rxcui, rxcui)) {
			if (verified)
				*verified = 1;
			return m;
		}
		if (!hint && m->rxcui_unverified && !strcmp(m->rxcui_unverified, rxcui))
			hint = m;
	}
	return hint;
}

const char *mg_kb_unrecognised_text(const struct mg_kb *kb)
{
	return kb->unrecognised.text;
}

const struct mg_refs *mg_kb_unrecognised_refs(const struct mg_kb *kb)
{
	return &kb->unrecognised.refs;
}
