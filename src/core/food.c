/* The built-in USDA SR Legacy magnesium table: access, search and amounts.
 * The data are generated at build time by tools/foodc (food_blob.c, layout
 * in docs/food.md); the search rules and the score are documented in
 * include/mgsleep/food.h. */
#include <mgsleep/food.h>

#include "food_words.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* food_blob.c (tools/foodc): keep in step with the declarations it emits. */
extern const size_t mg_food_blob_n, mg_food_blob_n_portions, mg_food_blob_n_words;
extern const char mg_food_blob_sha256[], mg_food_blob_pool[], mg_food_blob_words[];
extern const uint32_t mg_food_blob_ndb[], mg_food_blob_desc[], mg_food_blob_amounts[],
	mg_food_blob_grams[];
extern const uint16_t mg_food_blob_group_name[], mg_food_blob_mg10[], mg_food_blob_pfirst[],
	mg_food_blob_punit[], mg_food_blob_pgrams[], mg_food_blob_word_off[], mg_food_blob_fwd[];
extern const uint8_t mg_food_blob_group[], mg_food_blob_nwords[], mg_food_blob_pamount[];

#define WMAX MG_FOOD_WORD_MAX
_Static_assert(MG_FOOD_QUERY_MAX_WORDS <= 16, "query words are bits 0-15 of struct search.match");
_Static_assert(MG_FOOD_WORD_MAX == MG_FW_MAX, "food.h and food_words.h agree on the word length");
#define DICT_MAX 4096  /* word numbers are 12 bits (foodc) */
#define DESC_WORDS 64  /* words in one description (foodc) */
#define FWD_WORD(e) ((e) & 0xfffu)
#define FWD_PAREN(e) (((e) >> 12) & 1u)
#define FWD_SEG(e) ((e) >> 13)

int mg_food_available(void)
{
	return mg_food_blob_n > 0;
}

size_t mg_food_count(void)
{
	return mg_food_blob_n;
}

const char *mg_food_data_sha256(void)
{
	return mg_food_blob_sha256;
}

int mg_food_get(size_t i, struct mg_food *f)
{
	if (!f || i >= mg_food_blob_n)
		return MG_EINVAL;
	f->index = i;
	uint32_t ndb = mg_food_blob_ndb[i];
	for (int k = 4; k >= 0; k--, ndb /= 10)
		f->ndb[k] = (char)('0' + ndb % 10);
	f->ndb[5] = 0;
	f->description = mg_food_blob_pool + mg_food_blob_desc[i];
	f->group = mg_food_blob_pool + mg_food_blob_group_name[mg_food_blob_group[i]];
	f->mg_per_100g = mg_food_blob_mg10[i] / 10.0;
	f->first_portion_ = mg_food_blob_pfirst[i];
	f->n_portions = (size_t)mg_food_blob_pfirst[i + 1] - mg_food_blob_pfirst[i];
	return 0;
}

int mg_food_find_ndb(const char *s, struct mg_food *f)
{
	if (!mg_food_available())
		return MG_ENODATA;
	if (!s)
		return MG_EINVAL;
	while (*s == ' ')
		s++;
	uint32_t v = 0;
	int digits = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 5)
			return MG_EINVAL;
		v = v * 10 + (uint32_t)(*s - '0');
	}
	while (*s == ' ')
		s++;
	if (!digits || *s)
		return MG_EINVAL;
	size_t lo = 0, hi = mg_food_blob_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (mg_food_blob_ndb[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == mg_food_blob_n || mg_food_blob_ndb[lo] != v)
		return MG_EINVAL;
	return mg_food_get(lo, f);
}

int mg_food_portion(const struct mg_food *f, size_t i, struct mg_food_portion *p)
{
	if (!f || !p || i >= f->n_portions || f->first_portion_ + i >= mg_food_blob_n_portions)
		return MG_EINVAL;
	size_t k = f->first_portion_ + i;
	p->amount = mg_food_blob_amounts[mg_food_blob_pamount[k]] / 1000.0;
	p->grams = mg_food_blob_grams[mg_food_blob_pgrams[k]] / 100.0;
	p->unit = mg_food_blob_pool + mg_food_blob_punit[k];
	return 0;
}

double mg_food_mg(const struct mg_food *f, double grams)
{
	return f->mg_per_100g * grams / 100.0;
}

/* ---- search ----------------------------------------------------------
 *
 * foodc stores each description as the numbers of its words in a sorted
 * dictionary of the table's distinct words (2,829), with each word's segment
 * and parenthesis bit. A search matches the query words against the
 * dictionary once, then scores every food from its word numbers alone. */

enum { NO_MATCH, PREFIX, FULL };

/* How description word d matches query word q (food.h). */
static int match(struct mg_fw *q, struct mg_fw *d)
{
	if (d->s[0] != q->s[0]) /* a stem keeps the first letter */
		return NO_MATCH;
	if (d->len == q->len && !memcmp(d->s, q->s, q->len))
		return FULL;
	mg_fw_stem_of(d);
	if (d->st_len == q->st_len && !memcmp(d->st, q->st, q->st_len))
		return FULL;
	if (d->len > q->len && !memcmp(d->s, q->s, q->len))
		return PREFIX;
	return NO_MATCH;
}

static const char *dict_word(size_t id)
{
	return mg_food_blob_words + mg_food_blob_word_off[id];
}

/* Number of a word in the dictionary, or -1. */
static long dict_find(const char *w)
{
	size_t lo = 0, hi = mg_food_blob_n_words;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(dict_word(mid), w);
		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Dictionary word id as an mg_fw (dictionary words are folded words of at
 * most WMAX - 1 bytes, foodc). */
static void dict_fw(size_t id, struct mg_fw *d)
{
	const char *w = dict_word(id);
	size_t n = strlen(w);
	if (n > WMAX)
		n = WMAX;
	memcpy(d->s, w, n);
	d->s[n] = 0;
	d->len = (unsigned char)n;
	d->seg = d->paren = d->have_stem = 0;
	d->st_len = 0;
}

static int same_stem(size_t a, size_t b)
{
	struct mg_fw x, y;
	if (a == b)
		return 1;
	dict_fw(a, &x);
	dict_fw(b, &y);
	mg_fw_stem_of(&x);
	mg_fw_stem_of(&y);
	return x.st_len == y.st_len && !memcmp(x.st, y.st, x.st_len);
}

/* SR's category-first names (food.h): "Nuts, almonds" is almonds. */
static const char *const categories[][2] = {
	{"nuts", NULL}, {"seeds", NULL}, {"beans", NULL}, {"cereals", NULL}, {"fish", NULL},
	{"cheese", NULL}, {"spices", NULL}, {"beverages", NULL}, {"alcoholic", "beverage"},
	{"mollusks", NULL}, {"crustaceans", NULL}, {"game", "meat"}, {"peppers", NULL}, {"squash", NULL},
};
#define N_CATEGORIES (sizeof categories / sizeof *categories)

/* The form people eat (issue 10, food.h): in these SR food groups the food
 * is eaten cooked, so "Quinoa, cooked" comes before "Quinoa, uncooked" and
 * "Beans, black, mature seeds, cooked, boiled" before "..., raw". `unmarked`
 * is the form of a description with none of the words below: in Cereal
 * Grains and Pasta it is not ready to eat ("Oats", "Buckwheat", flours); in
 * the other two it is (tofu, soymilk, peanut butter; ready-to-eat cereals).
 * Other groups are left alone: raw spinach, fruit and nuts are eaten raw. */
static const struct {
	const char *group;
	int unmarked; /* FORM_* */
} cook_first[] = {
	{"Cereal Grains and Pasta", -1},
	{"Legumes and Legume Products", 0},
	{"Breakfast Cereals", 0},
};
#define N_COOK_FIRST (sizeof cook_first / sizeof *cook_first)

/* Words (outside parentheses) that mark a description's form, first match
 * of the classes in this order: cooked (+1), ready as it is (0), uncooked
 * (-1). "Peanuts, all types, dry-roasted" is cooked; "Beans, black, mature
 * seeds, canned" is ready. A query that names any of these words chooses the
 * form itself, and the adjustment is off. */
enum { FORM_UNCOOKED = 1, FORM_READY = 2, FORM_COOKED = 3 };
static const struct {
	const char *word;
	unsigned char form;
} form_words[] = {
	{"cooked", FORM_COOKED}, {"boiled", FORM_COOKED}, {"prepared", FORM_COOKED},
	{"steamed", FORM_COOKED},
	{"microwaved", FORM_COOKED}, {"roasted", FORM_COOKED},
	{"canned", FORM_READY},
	{"raw", FORM_UNCOOKED}, {"uncooked", FORM_UNCOOKED}, {"dry", FORM_UNCOOKED},
	{"unprepared", FORM_UNCOOKED},
};
#define N_FORM_WORDS (sizeof form_words / sizeof *form_words)
#define FORM_WEIGHT 10 /* food.h: + 10 F */

struct search {
	size_t nq;
	unsigned need;             /* one bit per query word */
	/* Per dictionary word: the query words it matches fully (bits 0-15) and
	 * as a prefix only (bits 16-31). */
	uint32_t match[DICT_MAX];
	long cat[N_CATEGORIES][2]; /* dictionary numbers of the category names, -1 if absent */
	int use_form;              /* 0 when the query names a form word */
	unsigned char form[DICT_MAX];   /* FORM_* of a dictionary word, 0 if none */
	signed char group_form[256];    /* per food group: 2 not yet known, 1 cook-first, 0 not */
	signed char group_unmarked[256];
};

/* F of food i (food.h): +1 cooked, -1 uncooked, 0 ready or not a
 * cook-first group. */
static int form_of(struct search *S, size_t i, const uint16_t *e, size_t n)
{
	unsigned g = mg_food_blob_group[i];
	if (S->group_form[g] == 2) {
		const char *name = mg_food_blob_pool + mg_food_blob_group_name[g];
		S->group_form[g] = 0;
		for (size_t k = 0; k < N_COOK_FIRST; k++)
			if (!strcmp(name, cook_first[k].group)) {
				S->group_form[g] = 1;
				S->group_unmarked[g] = (signed char)cook_first[k].unmarked;
			}
	}
	if (!S->group_form[g])
		return 0;
	unsigned best = 0;
	for (size_t k = 0; k < n; k++)
		if (!FWD_PAREN(e[k]) && S->form[FWD_WORD(e[k])] > best)
			best = S->form[FWD_WORD(e[k])];
	return best == FORM_COOKED ? 1 : best == FORM_READY ? 0 : best == FORM_UNCOOKED ? -1 : S->group_unmarked[g];
}

/* 1 when the non-parenthesised words of segment 0 (e[0..n-1]) are a category. */
static int is_category(const struct search *S, const uint16_t *e, size_t n)
{
	long w[3];
	size_t k = 0;
	for (size_t i = 0; i < n && FWD_SEG(e[i]) == 0 && k < 3; i++)
		if (!FWD_PAREN(e[i]))
			w[k++] = (long)FWD_WORD(e[i]);
	if (k == 0 || k == 3)
		return 0;
	for (size_t c = 0; c < N_CATEGORIES; c++)
		if (S->cat[c][0] == w[0] && (k == 1 ? !categories[c][1] : categories[c][1] && S->cat[c][1] == w[1]))
			return 1;
	return 0;
}

/* Score of the food whose description words are e[0..n-1], or INT_MIN when
 * a query word matches none of them (food.h: 40 E + 20 H - 2 min(X, 20) - 3 P). */
static int score_food(struct search *S, size_t food, const uint16_t *e, size_t n)
{
	if (n == 0 || n > DESC_WORDS) /* foodc: 1 to 64 words */
		return INT_MIN;
	uint32_t any = 0;
	for (size_t i = 0; i < n; i++)
		any |= S->match[FWD_WORD(e[i])];
	if (((any | any >> 16) & 0xffff) != S->need)
		return INT_MIN;
	unsigned full_any = any & 0xffff;
	int prefix_only = 0;
	for (unsigned b = S->need & ~full_any; b; b &= b - 1)
		prefix_only++;

	unsigned char m[DESC_WORDS];
	for (size_t i = 0; i < n; i++) {
		uint32_t v = S->match[FWD_WORD(e[i])];
		m[i] = v & 0xffff ? FULL : v ? PREFIX : NO_MATCH;
	}
	int cat = FWD_SEG(e[n - 1]) >= 1 && is_category(S, e, n);
	if (cat) /* the category word repeated in segment 1 counts as matched */
		for (size_t i = 0; i < n && FWD_SEG(e[i]) <= 1; i++) {
			if (FWD_SEG(e[i]) != 1 || m[i] == FULL)
				continue;
			for (size_t k = 0; k < n && FWD_SEG(e[k]) == 0; k++)
				if (same_stem(FWD_WORD(e[i]), FWD_WORD(e[k])))
					m[i] = FULL;
		}
	int exact = 0, head = 0, extra = 0;
	for (unsigned h = 0; h <= (unsigned)cat; h++) {
		int first = 1, all_full = 1, seen = 0;
		for (size_t i = 0; i < n && FWD_SEG(e[i]) <= h; i++) {
			if (FWD_SEG(e[i]) != h || FWD_PAREN(e[i]))
				continue;
			if (first && m[i])
				head = 1;
			first = 0;
			seen = 1;
			all_full &= m[i] == FULL;
		}
		if (seen && all_full)
			exact = 1;
	}
	for (size_t i = 0; i < n; i++)
		extra += !m[i] && !FWD_PAREN(e[i]) && !(cat && FWD_SEG(e[i]) == 0);
	int form = S->use_form ? form_of(S, food, e, n) : 0;
	return 40 * exact + 20 * head - 2 * (extra < 20 ? extra : 20) - 3 * prefix_only + FORM_WEIGHT * form;
}

/* Everyday words that SR28 does not use (food.h), as the table's words. A
 * synonym replaces a query word with the same plural stem ("courgettes"),
 * except that a `whole` one replaces only a query of that one word: SR uses
 * "oatmeal" in cookies and breads, but "oatmeal" alone means cooked oats. */
static const struct {
	const char *word, *means;
	int whole;
} synonyms[] = {
	{"porridge", "oats cooked", 0},   /* 08121 Cereals, oats, regular and quick, ..., cooked with water */
	{"oatmeal", "oats cooked", 1},
	{"aubergine", "eggplant", 0},
	{"courgette", "zucchini", 0},
	{"beetroot", "beets", 0},
	{"prawn", "shrimp", 0},
	{"yoghurt", "yogurt", 0},
	{"groundnut", "peanuts", 0},
	{"swede", "rutabagas", 0},
	{"rocket", "arugula", 0},
	{"wholemeal", "whole wheat", 0}, /* SR: "whole-wheat" */
	{"sweetcorn", "corn sweet", 0},   /* SR: "Corn, sweet, yellow, ..." */
};
#define SYN_WORDS 3 /* most words in a synonym's meaning */

/* Replace the query words that are synonyms; returns the new count, at most
 * MG_FOOD_QUERY_MAX_WORDS (a synonym that would not fit is left as typed). */
static size_t apply_synonyms(struct mg_fw *q, size_t n)
{
	size_t n0 = n;
	for (size_t j = 0; j < n; j++) {
		mg_fw_stem_of(&q[j]);
		for (size_t k = 0; k < sizeof synonyms / sizeof *synonyms; k++) {
			struct mg_fw w, m[SYN_WORDS + 1];
			if (synonyms[k].whole && n0 != 1)
				continue;
			if (mg_fw_split(synonyms[k].word, &w, 1) != 1)
				continue;
			mg_fw_stem_of(&w);
			if (w.st_len != q[j].st_len || memcmp(w.st, q[j].st, w.st_len))
				continue;
			size_t nm = mg_fw_split(synonyms[k].means, m, SYN_WORDS + 1);
			if (nm == 0 || nm > SYN_WORDS || n - 1 + nm > MG_FOOD_QUERY_MAX_WORDS)
				break;
			memmove(&q[j + nm], &q[j + 1], (n - j - 1) * sizeof *q);
			memcpy(&q[j], m, nm * sizeof *q);
			n += nm - 1;
			j += nm - 1;
			break;
		}
	}
	return n;
}

int mg_food_search(const char *query, struct mg_food_hit *hits, size_t max_hits)
{
	struct mg_fw q[MG_FOOD_QUERY_MAX_WORDS + 1];
	struct search S;
	if (!mg_food_available())
		return MG_ENODATA;
	if (!query || (max_hits && !hits))
		return MG_EINVAL;
	memset(&S, 0, sizeof S);
	S.nq = mg_fw_split(query, q, MG_FOOD_QUERY_MAX_WORDS + 1);
	if (S.nq == 0 || S.nq > MG_FOOD_QUERY_MAX_WORDS || mg_food_blob_n_words > DICT_MAX)
		return MG_EINVAL;
	S.nq = apply_synonyms(q, S.nq);
	for (size_t j = 0; j < S.nq; j++) {
		if (q[j].len >= WMAX) /* cut: longer than any word in the table */
			return 0;
		mg_fw_stem_of(&q[j]);
	}
	S.need = (1u << S.nq) - 1;

	/* The query words against the dictionary. */
	int found = 0;
	for (size_t id = 0; id < mg_food_blob_n_words; id++) {
		const char *w = dict_word(id);
		struct mg_fw d;
		int have = 0;
		for (size_t j = 0; j < S.nq; j++) {
			if (w[0] != q[j].s[0])
				continue;
			if (!have) {
				dict_fw(id, &d);
				have = 1;
			}
			int r = match(&q[j], &d);
			if (r == FULL)
				S.match[id] |= 1u << j;
			else if (r == PREFIX)
				S.match[id] |= 1u << (16 + j);
			found |= r != NO_MATCH;
		}
	}
	if (!found)
		return 0;
	for (size_t c = 0; c < N_CATEGORIES; c++)
		for (int k = 0; k < 2; k++)
			S.cat[c][k] = categories[c][k] ? dict_find(categories[c][k]) : -1;
	S.use_form = 1;
	for (size_t k = 0; k < N_FORM_WORDS; k++) {
		long id = dict_find(form_words[k].word);
		if (id < 0)
			continue;
		S.form[id] = form_words[k].form;
		if (S.match[id] & 0xffff) /* the query names the form */
			S.use_form = 0;
	}
	memset(S.group_form, 2, sizeof S.group_form);

	int total = 0;
	size_t kept = 0;
	const uint16_t *e = mg_food_blob_fwd;
	for (size_t i = 0; i < mg_food_blob_n; e += mg_food_blob_nwords[i++]) {
		int sc = score_food(&S, i, e, mg_food_blob_nwords[i]);
		if (sc == INT_MIN)
			continue;
		total++;
		/* Keep the best max_hits, by score then index (= NDB order). Foods
		 * come in index order, so a new hit goes after equal scores. */
		if (kept == max_hits && (kept == 0 || sc <= hits[kept - 1].score))
			continue;
		size_t k = kept < max_hits ? kept++ : kept - 1;
		while (k > 0 && hits[k - 1].score < sc) {
			hits[k] = hits[k - 1];
			k--;
		}
		hits[k].index = i;
		hits[k].score = sc;
	}
	return total;
}

/* ---- amounts --------------------------------------------------------- */

#define UNIT_WORDS 8
#define MAX_GRAMS 10000.0
#define G_PER_OZ 28.349523125
#define G_PER_LB 453.59237

/* Canonical unit words, after the plural stem. */
static const char *const unit_alias[][2] = {
	{"tablespoon", "tbsp"}, {"tbs", "tbsp"}, {"tbl", "tbsp"}, {"teaspoon", "tsp"},
	{"ounc", "oz"}, {"pound", "lb"}, {"lbs", "lb"}, {"fluid", "fl"}, {"gram", "g"},
	{"gr", "g"}, {"kilogram", "kg"}, {"kilo", "kg"}, {"milliliter", "ml"}, {"millilitr", "ml"},
	{"liter", "l"}, {"litr", "l"}, {"med", "medium"}, {"lg", "larg"},
	{"sm", "small"},
};

/* First words of measures, which a bare count does not count (canonical). */
static const char *const measures[] = {
	"oz", "lb", "g", "kg", "mg", "cup", "tbsp", "tsp", "fl", "ml", "l", "quart", "pint",
	"gallon", "cubic", "inch", "dash", "pinch", "jigger", "serving", "nlea", "portion", "recip",
};

/* Canonical words of a unit text: folded, plural stem, aliases. */
static size_t unit_words(const char *text, struct mg_fw *w, size_t maxw)
{
	size_t n = mg_fw_split(text, w, maxw);
	for (size_t i = 0; i < n; i++) {
		mg_fw_stem_of(&w[i]);
		memcpy(w[i].s, w[i].st, w[i].st_len);
		w[i].len = w[i].st_len;
		w[i].s[w[i].len] = 0;
		for (size_t k = 0; k < sizeof unit_alias / sizeof *unit_alias; k++)
			if (!strcmp(w[i].s, unit_alias[k][0])) {
				w[i].len = (unsigned char)strlen(unit_alias[k][1]);
				memcpy(w[i].s, unit_alias[k][1], w[i].len + 1);
				break;
			}
	}
	return n;
}

static int is_measure(const char *canon)
{
	for (size_t k = 0; k < sizeof measures / sizeof *measures; k++)
		if (!strcmp(canon, measures[k]))
			return 1;
	return 0;
}

static int portion_countable(const struct mg_food *f, size_t i, int *medium)
{
	struct mg_food_portion p;
	struct mg_fw w[UNIT_WORDS];
	if (mg_food_portion(f, i, &p) || !unit_words(p.unit, w, 1))
		return 0;
	*medium = !strcmp(w[0].s, "medium");
	return !is_measure(w[0].s);
}

long mg_food_unit_portion(const struct mg_food *f)
{
	int medium;
	long first_countable = -1;
	if (!f || !f->n_portions)
		return -1;
	if (portion_countable(f, 0, &medium))
		return 0;
	for (size_t i = 0; i < f->n_portions; i++)
		if (portion_countable(f, i, &medium)) {
			if (medium)
				return (long)i;
			if (first_countable < 0)
				first_countable = (long)i;
		}
	return first_countable;
}

/* A decimal without sign, exponent or locale ("0.5", ".5", "28.35"), read
 * exactly as strtod would for up to 15 digits. Returns bytes read, 0 if none. */
static size_t read_decimal(const char *s, double *v)
{
	uint64_t mant = 0;
	int digits = 0, frac = 0;
	size_t i = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		if (++digits <= 15)
			mant = mant * 10 + (uint64_t)(s[i] - '0');
		else
			return 0;
	if (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		for (i++; s[i] >= '0' && s[i] <= '9'; i++, frac++)
			if (++digits <= 15)
				mant = mant * 10 + (uint64_t)(s[i] - '0');
			else
				return 0;
	}
	if (!digits)
		return 0;
	double p10 = 1;
	for (int k = 0; k < frac; k++)
		p10 *= 10;
	*v = (double)mant / p10;
	return i;
}

/* NUMBER: DECIMAL, DECIMAL/DECIMAL, or INTEGER DECIMAL/DECIMAL (mixed:
 * "1 1/2"). Returns bytes read, 0 if no number, or (size_t)-1 when a
 * fraction has a zero denominator. */
static size_t read_number(const char *s, double *v)
{
	size_t n = read_decimal(s, v);
	if (!n)
		return 0;
	double d;
	if (s[n] == '/') {
		size_t k = read_decimal(s + n + 1, &d);
		if (!k)
			return 0;
		if (d == 0)
			return (size_t)-1;
		*v /= d;
		return n + 1 + k;
	}
	if (!memchr(s, '.', n)) { /* an integer: maybe a mixed number */
		size_t sp = n;
		while (s[sp] == ' ')
			sp++;
		double a, b;
		size_t k1 = sp > n ? read_decimal(s + sp, &a) : 0;
		if (k1 && s[sp + k1] == '/') {
			size_t k2 = read_decimal(s + sp + k1 + 1, &b);
			if (k2 && b != 0 && a < b) {
				*v += a / b;
				return sp + k1 + 1 + k2;
			}
		}
	}
	return n;
}

/* "1 cup (30 g), 1 bunch (340 g); or grams, e.g. 30g" into buf. */
static void list_portions(const struct mg_food *f, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = 0;
	for (size_t i = 0; i < f->n_portions; i++) {
		struct mg_food_portion p;
		if (mg_food_portion(f, i, &p))
			break;
		char item[300];
		int k = snprintf(item, sizeof item, "%s%g %s (%g g)", i ? ", " : "", p.amount, p.unit, p.grams);
		if (k < 0 || (size_t)k >= sizeof item || len + (size_t)k + 40 >= size) {
			snprintf(buf + len, size - len, ", ...");
			return;
		}
		memcpy(buf + len, item, (size_t)k + 1);
		len += (size_t)k;
	}
}

/* The error message: what is wrong, then the food's portions (fits the
 * 320 bytes of mg_error.msg: what <= 100, list <= 180). */
static int amount_error(const struct mg_food *f, struct mg_error *err, const char *what)
{
	char list[180];
	list_portions(f, list, sizeof list);
	if (!list[0])
		return mg_fail(err, MG_EINVAL, "amount", "%.100s; this food has no household portions "
				"in the table: give grams, e.g. 100g", what);
	return mg_fail(err, MG_EINVAL, "amount", "%.100s; its portions: %s; or grams, e.g. 100g", what, list);
}

int mg_food_portion_grams(const struct mg_food *f, const char *text, double *grams, struct mg_error *err)
{
	if (!f || !grams)
		return mg_fail(err, MG_EINVAL, "amount", "no food or no result");
	if (!text)
		text = "";
	while (*text == ' ' || *text == '\t')
		text++;
	if (!*text)
		return amount_error(f, err, "amount is empty");
	if (*text == '-' || *text == '+')
		return amount_error(f, err, "amount must be a number greater than zero");
	double n = 1;
	size_t used = read_number(text, &n);
	if (used == (size_t)-1)
		return amount_error(f, err, "amount has a zero denominator");
	int has_number = used > 0;
	const char *unit = text + used;
	if (has_number && !(n > 0 && isfinite(n)))
		return amount_error(f, err, "amount must be a number greater than zero");
	while (*unit == ' ' || *unit == '\t')
		unit++;
	if (*unit == '-')
		return amount_error(f, err, "amount must be a number greater than zero");

	struct mg_fw uw[UNIT_WORDS + 1];
	size_t nu = unit_words(unit, uw, UNIT_WORDS + 1);
	double g = -1;
	if (nu == 0 && *unit)
		return amount_error(f, err, "amount has no unit after the number");
	if (nu == 0) { /* a bare count */
		if (!has_number)
			return amount_error(f, err, "amount has no number");
		long pi = mg_food_unit_portion(f);
		struct mg_food_portion p;
		if (pi < 0 || mg_food_portion(f, (size_t)pi, &p))
			return amount_error(f, err, "a bare number counts the food's units, but it has no "
						    "countable portion: give a unit");
		g = n * p.grams / p.amount;
	} else if (nu > UNIT_WORDS) {
		return amount_error(f, err, "amount: unit has too many words");
	} else if (nu == 1 && (!strcmp(uw[0].s, "g") || !strcmp(uw[0].s, "kg"))) {
		g = uw[0].s[0] == 'k' ? n * 1000 : n;
	} else {
		size_t best_len = SIZE_MAX;
		for (size_t i = 0; i < f->n_portions; i++) {
			struct mg_food_portion p;
			struct mg_fw pw[UNIT_WORDS];
			if (mg_food_portion(f, i, &p))
				break;
			size_t np = unit_words(p.unit, pw, nu);
			size_t k = 0;
			while (k < nu && k < np && pw[k].len == uw[k].len && !memcmp(pw[k].s, uw[k].s, uw[k].len))
				k++;
			size_t ul = strlen(p.unit);
			if (k == nu && ul < best_len) {
				best_len = ul;
				g = n * p.grams / p.amount;
			}
		}
		if (g < 0 && nu == 1 && !strcmp(uw[0].s, "oz"))
			g = n * G_PER_OZ;
		else if (g < 0 && nu == 1 && !strcmp(uw[0].s, "lb"))
			g = n * G_PER_LB;
		/* The unit typed is not repeated: it is the person's own words
		 * (health data); the food's portions say what is accepted. */
		if (g < 0)
			return amount_error(f, err, "amount: no portion of that name for this food");
	}
	if (!(g > 0) || !isfinite(g))
		return amount_error(f, err, "amount must be a number greater than zero");
	if (g > MAX_GRAMS)
		return mg_fail(err, MG_EINVAL, "amount", "amount: more than %.0f g of one food at once; accepted: up to "
			       "%.0f g", MAX_GRAMS, MAX_GRAMS);
	*grams = g;
	return 0;
}

/* ---- usual intake (food.h) -------------------------------------------- */

int mg_diet_estimate(double log_mean_mg, int log_days, double quiz_mg, struct mg_diet_estimate *out,
		     struct mg_error *err)
{
	if (!out)
		return mg_fail(err, MG_EINVAL, "estimate", "no result");
	if (log_days < 0)
		return mg_fail(err, MG_EINVAL, "log_days", "log_days: accepted: 0 or more");
	if (log_days > 0 && !(isfinite(log_mean_mg) && log_mean_mg >= 0))
		return mg_fail(err, MG_EINVAL, "log_mean_mg", "log_mean_mg: accepted: a number of 0 or more");
	if (!isnan(quiz_mg) && !(isfinite(quiz_mg) && quiz_mg >= 0))
		return mg_fail(err, MG_EINVAL, "quiz_mg", "quiz_mg: accepted: a number of 0 or more, or none");
	out->log_days = log_days;
	if (log_days >= MG_DIET_LOG_MIN_DAYS) {
		out->basis = MG_DIET_LOG;
		out->mg = log_mean_mg;
	} else if (!isnan(quiz_mg)) {
		out->basis = MG_DIET_QUIZ;
		out->mg = quiz_mg;
	} else {
		out->basis = MG_DIET_NONE;
		out->mg = NAN;
	}
	return 0;
}
