/* foodc: validate the USDA SR Legacy magnesium table and compile it into a C
 * source file for src/core/food.c. Run by the build; a malformed row fails
 * the build with a message naming the line.
 *
 * usage: foodc TABLE.csv OUT.c
 *        foodc --none OUT.c   (no table: the build without it, docs/food.md)
 *
 * Input (../shared/data/README.md): the header
 *   ndb_no,description,food_group,magnesium_mg_per_100g,portions
 * then 8,050 rows. Fields are separated by commas; a field that holds a comma
 * or a quote is quoted, "" inside being one quote. ndb_no: 5 digits, strictly
 * ascending (food.c finds a food by bisection); magnesium: a number >= 0 with
 * at most one decimal; portions: empty, or items joined by '|', each
 * "AMOUNT UNIT=GRAMS" split at its LAST '=' (a few unit texts contain '='),
 * AMOUNT > 0 with at most 3 decimals, GRAMS > 0 with at most 2 decimals.
 *
 * Output (docs/food.md): one string pool (food-group names, each distinct
 * unit text once, then the descriptions), a pool of the distinct description
 * words (src/core/food_words.h), and parallel arrays with no pointers, so
 * nothing is relocated at start-up. Numbers are exact integers: mg x 10,
 * amount x 1000, grams x 100; portions refer to tables of the distinct
 * amounts and gram weights. Each description is also stored as its list of
 * word numbers (with segment and parenthesis bits), which the search scores
 * without reading the text. */
#include "../src/core/food_words.h"

#include <sodium.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECTED_ROWS 8050
#define HEADER "ndb_no,description,food_group,magnesium_mg_per_100g,portions"
#define MAX_CSV_BYTES (64u << 20)
#define MAX_TEXT 255        /* description, group, unit text: bytes */
#define MAX_DESC_WORDS 64   /* words in one description (food.c's buffer) */
#define MAX_PORTIONS 255    /* per food */
#define MAX_ALL_PORTIONS 65535 /* a food's first portion fits 16 bits */
#define MAX_GROUPS 255
#define MAX_WORDS 4096      /* distinct description words: 12-bit numbers */
#define MAX_AMOUNTS 256     /* distinct portion amounts: 8-bit numbers */
#define MAX_GRAMS 65536     /* distinct gram weights: 16-bit numbers */

static const char *in_path;

static void die(long line, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (line > 0)
		fprintf(stderr, "foodc: %s:%ld: ", in_path, line);
	else
		fprintf(stderr, "foodc: %s: ", in_path);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "foodc: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- strings ---- */

struct pool { /* NUL-terminated strings back to back */
	char *d;
	size_t len, cap;
};

static size_t pool_add(struct pool *p, const char *s, size_t n)
{
	size_t off = p->len;
	if (p->len + n + 1 > p->cap) {
		p->cap = (p->len + n + 1) * 2;
		p->d = xrealloc(p->d, p->cap);
	}
	memcpy(p->d + p->len, s, n);
	p->d[p->len + n] = 0;
	p->len += n + 1;
	return off;
}

struct strset { /* distinct strings, numbered in order of first use */
	char **v;
	size_t n, cap;
	long *tab; /* open addressing: index + 1, 0 = empty */
	size_t tabsize;
};

static size_t strset_add(struct strset *t, const char *s, size_t n)
{
	if (2 * (t->n + 1) > t->tabsize) { /* grow and rehash */
		size_t size = t->tabsize ? t->tabsize * 2 : 1024;
		long *tab = xrealloc(NULL, size * sizeof *tab);
		memset(tab, 0, size * sizeof *tab);
		t->tabsize = size;
		free(t->tab);
		t->tab = tab;
		for (size_t i = 0; i < t->n; i++) {
			uint32_t h = 2166136261u;
			for (const char *c = t->v[i]; *c; c++)
				h = (h ^ (unsigned char)*c) * 16777619u;
			size_t k = h % size;
			while (tab[k])
				k = (k + 1) % size;
			tab[k] = (long)i + 1;
		}
	}
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	size_t k = h % t->tabsize;
	for (; t->tab[k]; k = (k + 1) % t->tabsize) {
		const char *v = t->v[t->tab[k] - 1];
		if (strlen(v) == n && !memcmp(v, s, n))
			return (size_t)t->tab[k] - 1;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	char *copy = xrealloc(NULL, n + 1);
	memcpy(copy, s, n);
	copy[n] = 0;
	t->v[t->n] = copy;
	t->tab[k] = (long)t->n + 1;
	return t->n++;
}

/* ---- validation helpers ---- */

/* Valid UTF-8 without control characters. */
static int text_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k;
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3;
		else
			return 0;
		if (i + k >= n)
			return 0;
		for (size_t j = 1; j <= k; j++)
			if (((unsigned char)s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

/* A decimal "D[.D]" with at most `dec` significant decimals (further digits
 * must be zeros), as an integer x 10^dec. Returns 0 on success. */
static int parse_fixed(const char *s, size_t n, int dec, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0, digits = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		v = v * 10 + (uint64_t)(s[i++] - '0');
		if (++digits > 9)
			return -1;
	}
	int got = 0;
	if (i < n && s[i] == '.') {
		size_t f0 = ++i;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (got < dec) {
				v = v * 10 + (uint64_t)(s[i] - '0');
				got++;
			} else if (s[i] != '0') {
				return -1;
			}
		}
		if (i == f0)
			return -1;
	}
	if (i != n || digits == 0)
		return -1;
	for (; got < dec; got++)
		v *= 10;
	*out = v;
	return 0;
}

/* ---- CSV ---- */

#define NFIELDS 5

struct field {
	char *s; /* unquoted, NUL-terminated, in the row buffer */
	size_t n;
};

/* Split one line (without its newline) into fields, unquoting into buf
 * (n + NFIELDS bytes at least). Returns the number of fields. */
static int split_csv(const char *line, size_t n, char *buf, struct field *f, long lineno)
{
	size_t i = 0, o = 0;
	int nf = 0;
	for (;;) {
		if (nf == NFIELDS)
			die(lineno, "more than %d fields", NFIELDS);
		f[nf].s = buf + o;
		if (i < n && line[i] == '"') {
			for (i++;;) {
				if (i >= n)
					die(lineno, "field %d: unterminated quoted field", nf + 1);
				if (line[i] == '"') {
					if (i + 1 < n && line[i + 1] == '"') {
						buf[o++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				buf[o++] = line[i++];
			}
			if (i < n && line[i] != ',')
				die(lineno, "field %d: text after the closing quote", nf + 1);
		} else {
			while (i < n && line[i] != ',') {
				if (line[i] == '"')
					die(lineno, "field %d: quote inside an unquoted field", nf + 1);
				buf[o++] = line[i++];
			}
		}
		f[nf].n = (size_t)(buf + o - f[nf].s);
		buf[o++] = 0;
		nf++;
		if (i >= n)
			return nf;
		i++; /* the comma */
	}
}

/* ---- the table being built ---- */

static struct strset groups, units, words;
static struct pool desc_text;

/* Per food (capacity: lines in the file). */
static uint32_t *f_ndb, *f_desc;
static uint8_t *f_group, *f_nwords;
static uint16_t *f_mg10, *f_pfirst;
static size_t n_foods;

/* Per portion: raw values, indexed into the distinct-value tables at the end. */
static uint32_t p_amount[MAX_ALL_PORTIONS], p_grams[MAX_ALL_PORTIONS];
static uint16_t p_unit[MAX_ALL_PORTIONS];
static size_t n_portions;

/* Description words: word number (bits 0-11), in parentheses (bit 12),
 * segment 0, 1 or 2 = later (bits 13-14). */
static uint16_t *fwd;
static size_t n_fwd, cap_fwd;

static void index_words(const char *desc, long lineno)
{
	struct mg_fw w[MAX_DESC_WORDS + 1];
	size_t n = mg_fw_split(desc, w, MAX_DESC_WORDS + 1);
	if (n == 0)
		die(lineno, "description: no word");
	if (n > MAX_DESC_WORDS)
		die(lineno, "description: more than %d words", MAX_DESC_WORDS);
	for (size_t i = 0; i < n; i++) {
		if (w[i].len >= MG_FW_MAX)
			die(lineno, "description: word '%s...' longer than %d bytes", w[i].s, MG_FW_MAX - 1);
		size_t id = strset_add(&words, w[i].s, w[i].len);
		if (id >= MAX_WORDS)
			die(lineno, "more than %d distinct description words", MAX_WORDS);
		if (n_fwd == cap_fwd) {
			cap_fwd = cap_fwd ? cap_fwd * 2 : 65536;
			fwd = xrealloc(fwd, cap_fwd * sizeof *fwd);
		}
		unsigned seg = w[i].seg > 2 ? 2 : w[i].seg;
		fwd[n_fwd++] = (uint16_t)(id | (unsigned)w[i].paren << 12 | seg << 13);
	}
	f_nwords[n_foods] = (uint8_t)n;
}

static void parse_portions(const char *s, size_t n, long lineno)
{
	size_t k = 0, start = 0;
	if (n == 0)
		return;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '|')
			continue;
		const char *it = s + start;
		size_t len = i - start;
		int ilen = (int)len;
		start = i + 1;
		if (++k > MAX_PORTIONS)
			die(lineno, "more than %d portions", MAX_PORTIONS);
		if (len == 0)
			die(lineno, "portion %zu: empty", k);
		const char *eq = NULL;
		for (size_t j = len; j-- > 0 && !eq;)
			if (it[j] == '=')
				eq = it + j;
		if (!eq)
			die(lineno, "portion %zu '%.*s': no '=GRAMS'", k, ilen, it);
		const char *sp = memchr(it, ' ', (size_t)(eq - it));
		if (!sp || sp == it || sp + 1 >= eq)
			die(lineno, "portion %zu '%.*s': not 'AMOUNT UNIT=GRAMS'", k, ilen, it);
		uint64_t amount, grams;
		if (parse_fixed(it, (size_t)(sp - it), 3, &amount) || amount == 0 || amount > UINT32_MAX)
			die(lineno, "portion %zu '%.*s': amount '%.*s' is not a number > 0 with at most 3 decimals",
			    k, ilen, it, (int)(sp - it), it);
		const char *gs = eq + 1;
		size_t gn = (size_t)(it + len - gs);
		if (parse_fixed(gs, gn, 2, &grams) || grams == 0 || grams > UINT32_MAX)
			die(lineno, "portion %zu '%.*s': grams '%.*s' is not a number > 0 with at most 2 decimals",
			    k, ilen, it, (int)gn, gs);
		const char *u = sp + 1;
		size_t un = (size_t)(eq - u);
		if (un > MAX_TEXT || !text_ok(u, un) || u[0] == ' ' || u[un - 1] == ' ')
			die(lineno, "portion %zu '%.*s': unit text is too long, not UTF-8 or padded", k, ilen, it);
		if (n_portions == MAX_ALL_PORTIONS)
			die(lineno, "more than %d portions in all", MAX_ALL_PORTIONS);
		p_amount[n_portions] = (uint32_t)amount;
		p_grams[n_portions] = (uint32_t)grams;
		p_unit[n_portions++] = (uint16_t)strset_add(&units, u, un); /* pool offset later */
	}
}

static char *row_buf; /* unquoted fields of the current row */
static size_t row_cap;

static void parse_row(const char *line, size_t n, long lineno)
{
	if (n + NFIELDS + 1 > row_cap) {
		row_cap = (n + NFIELDS + 1) * 2;
		row_buf = xrealloc(row_buf, row_cap);
	}
	struct field f[NFIELDS];
	int nf = split_csv(line, n, row_buf, f, lineno);
	if (nf != NFIELDS)
		die(lineno, "%d fields, expected %d", nf, NFIELDS);

	if (f[0].n != 5 || strspn(f[0].s, "0123456789") != 5)
		die(lineno, "ndb_no '%s' is not 5 digits", f[0].s);
	uint32_t ndb = (uint32_t)strtoul(f[0].s, NULL, 10);
	if (n_foods && ndb <= f_ndb[n_foods - 1])
		die(lineno, "ndb_no %s is not greater than the previous row's %05u", f[0].s,
		    (unsigned)f_ndb[n_foods - 1]);
	if (f[1].n == 0 || f[1].n > MAX_TEXT || !text_ok(f[1].s, f[1].n))
		die(lineno, "description: empty, longer than %d bytes, or not printable UTF-8", MAX_TEXT);
	if (f[2].n == 0 || f[2].n > MAX_TEXT || !text_ok(f[2].s, f[2].n))
		die(lineno, "food_group: empty, longer than %d bytes, or not printable UTF-8", MAX_TEXT);
	size_t g = strset_add(&groups, f[2].s, f[2].n);
	if (g >= MAX_GROUPS)
		die(lineno, "more than %d food groups", MAX_GROUPS);
	uint64_t mg10;
	if (parse_fixed(f[3].s, f[3].n, 1, &mg10) || mg10 > UINT16_MAX)
		die(lineno, "magnesium_mg_per_100g '%s' is not a number >= 0 with at most one decimal "
			    "(below 6553.5)", f[3].s);

	size_t first = n_portions;
	parse_portions(f[4].s, f[4].n, lineno);
	index_words(f[1].s, lineno);

	f_ndb[n_foods] = ndb;
	f_desc[n_foods] = (uint32_t)pool_add(&desc_text, f[1].s, f[1].n);
	f_group[n_foods] = (uint8_t)g;
	f_mg10[n_foods] = (uint16_t)mg10;
	f_pfirst[n_foods++] = (uint16_t)first;
}

/* ---- distinct values ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorted distinct values of v[0..n-1] into *out; returns how many. */
static size_t distinct(const uint32_t *v, size_t n, uint32_t **out)
{
	uint32_t *d = xrealloc(NULL, n * sizeof *d);
	memcpy(d, v, n * sizeof *d);
	qsort(d, n, sizeof *d, cmp_u32);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || d[k - 1] != d[i])
			d[k++] = d[i];
	*out = d;
	return k;
}

static size_t index_of(const uint32_t *d, size_t n, uint32_t v)
{
	const uint32_t *p = bsearch(&v, d, n, sizeof *d, cmp_u32);
	return (size_t)(p - d);
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- output ---- */

static void put_cstr(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\' || c == '?') /* '?': no trigraphs */
			fprintf(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(o, "\\%03o", c);
		else
			fputc(c, o);
	}
	fputs("\\0\"", o);
}

/* The declarations food.c makes (keep in step), so the compiler checks the
 * definitions that follow against them. */
static void emit_declarations(FILE *o)
{
	fprintf(o, "#include <stddef.h>\n#include <stdint.h>\n\n"
		   "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n\n"
		   "extern const size_t mg_food_blob_n, mg_food_blob_n_portions, mg_food_blob_n_words;\n"
		   "extern const char mg_food_blob_sha256[], mg_food_blob_pool[], mg_food_blob_words[];\n"
		   "extern const uint32_t mg_food_blob_ndb[], mg_food_blob_desc[], mg_food_blob_amounts[],\n"
		   "\tmg_food_blob_grams[];\n"
		   "extern const uint16_t mg_food_blob_group_name[], mg_food_blob_mg10[], mg_food_blob_pfirst[],\n"
		   "\tmg_food_blob_punit[], mg_food_blob_pgrams[], mg_food_blob_word_off[], mg_food_blob_fwd[];\n"
		   "extern const uint8_t mg_food_blob_group[], mg_food_blob_nwords[], mg_food_blob_pamount[];\n\n");
}

/* foodc --none OUT.c: the table when it is not built in (docs/food.md): no
 * foods and an empty SHA-256, which mg_food_available() reports. C has no
 * empty arrays, so each holds one zero that nothing reads (pfirst[0] is the
 * sentinel of zero foods). */
static int emit_none(const char *out)
{
	FILE *o = fopen(out, "w");
	if (!o) {
		fprintf(stderr, "foodc: %s: %s\n", out, strerror(errno));
		return 1;
	}
	fprintf(o, "/* Generated by tools/foodc --none: the USDA table is not built in. Do not edit. */\n");
	emit_declarations(o);
	fprintf(o, "const size_t mg_food_blob_n = 0, mg_food_blob_n_portions = 0, mg_food_blob_n_words = 0;\n"
		   "const char mg_food_blob_sha256[] = \"\", mg_food_blob_pool[] = \"\", mg_food_blob_words[] = \"\";\n"
		   "const uint32_t mg_food_blob_ndb[1] = {0}, mg_food_blob_desc[1] = {0}, mg_food_blob_amounts[1] = {0},\n"
		   "\tmg_food_blob_grams[1] = {0};\n"
		   "const uint16_t mg_food_blob_group_name[1] = {0}, mg_food_blob_mg10[1] = {0}, mg_food_blob_pfirst[1] = {0},\n"
		   "\tmg_food_blob_punit[1] = {0}, mg_food_blob_pgrams[1] = {0}, mg_food_blob_word_off[1] = {0},\n"
		   "\tmg_food_blob_fwd[1] = {0};\n"
		   "const uint8_t mg_food_blob_group[1] = {0}, mg_food_blob_nwords[1] = {0}, mg_food_blob_pamount[1] = {0};\n");
	if (ferror(o) | fclose(o)) {
		fprintf(stderr, "foodc: cannot write %s\n", out);
		return 1;
	}
	return 0;
}

#define EMIT_ARRAY(o, type, name, arr, n)                                                     \
	do {                                                                                  \
		fprintf(o, "const " type " " name "[] = {");                                  \
		for (size_t i_ = 0; i_ < (n); i_++)                                           \
			fprintf(o, "%s%u,", i_ % 16 ? "" : "\n", (unsigned)(arr)[i_]);        \
		fprintf(o, "\n};\n");                                                         \
	} while (0)

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: foodc TABLE.csv OUT.c\n       foodc --none OUT.c\n");
		return 2;
	}
	if (!strcmp(argv[1], "--none"))
		return emit_none(argv[2]);
	in_path = argv[1];
	const char *base = strrchr(in_path, '/');
	base = base ? base + 1 : in_path;
	FILE *in = fopen(in_path, "rb");
	if (!in) {
		fprintf(stderr, "foodc: %s: %s\n", in_path, strerror(errno));
		return 1;
	}
	char *data = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			if (cap > MAX_CSV_BYTES)
				die(0, "larger than %u bytes", MAX_CSV_BYTES);
			data = xrealloc(data, cap);
		}
		size_t got = fread(data + len, 1, cap - len, in);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(in))
		die(0, "read error");
	fclose(in);
	if (sodium_init() < 0) {
		fprintf(stderr, "foodc: libsodium init failed\n");
		return 1;
	}
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)data, len);
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);

	if (len == 0 || data[len - 1] != '\n')
		die(0, "empty, or the last line has no newline");
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += data[i] == '\n';
	f_ndb = xrealloc(NULL, lines * sizeof *f_ndb);
	f_desc = xrealloc(NULL, lines * sizeof *f_desc);
	f_group = xrealloc(NULL, lines * sizeof *f_group);
	f_nwords = xrealloc(NULL, lines * sizeof *f_nwords);
	f_mg10 = xrealloc(NULL, lines * sizeof *f_mg10);
	f_pfirst = xrealloc(NULL, (lines + 1) * sizeof *f_pfirst);
	long lineno = 0;
	for (size_t i = 0; i < len;) {
		char *line = data + i;
		size_t n = (size_t)((char *)memchr(line, '\n', len - i) - line);
		i += n + 1;
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (lineno == 1) {
			if (n != strlen(HEADER) || memcmp(line, HEADER, n))
				die(1, "header is not '%s'", HEADER);
			continue;
		}
		if (n == 0)
			die(lineno, "empty line");
		parse_row(line, n, lineno);
	}
	if (n_foods != EXPECTED_ROWS)
		die(0, "%zu rows, expected %d (../shared/data/README.md)", n_foods, EXPECTED_ROWS);
	f_pfirst[n_foods] = (uint16_t)n_portions; /* sentinel */

	/* Pool: group names, then unit texts (16-bit offsets), then descriptions. */
	struct pool pool = {0};
	uint16_t *group_off = xrealloc(NULL, groups.n * sizeof *group_off);
	for (size_t i = 0; i < groups.n; i++)
		group_off[i] = (uint16_t)pool_add(&pool, groups.v[i], strlen(groups.v[i]));
	size_t *unit_off = xrealloc(NULL, units.n * sizeof *unit_off);
	for (size_t i = 0; i < units.n; i++)
		unit_off[i] = pool_add(&pool, units.v[i], strlen(units.v[i]));
	if (pool.len > UINT16_MAX)
		die(0, "group names and unit texts take %zu bytes (at most 65535)", pool.len);
	for (size_t i = 0; i < n_portions; i++)
		p_unit[i] = (uint16_t)unit_off[p_unit[i]];
	for (size_t i = 0; i < n_foods; i++)
		f_desc[i] += (uint32_t)pool.len;

	/* Words in byte order (food.c bisects them), renumbered. */
	char **sorted = xrealloc(NULL, words.n * sizeof *sorted);
	memcpy(sorted, words.v, words.n * sizeof *sorted);
	qsort(sorted, words.n, sizeof *sorted, cmp_str_ptr);
	uint16_t *renum = xrealloc(NULL, words.n * sizeof *renum);
	uint16_t *word_off = xrealloc(NULL, words.n * sizeof *word_off);
	struct pool word_pool = {0};
	for (size_t i = 0; i < words.n; i++) {
		renum[strset_add(&words, sorted[i], strlen(sorted[i]))] = (uint16_t)i;
		if (word_pool.len > UINT16_MAX)
			die(0, "description words take more than 65535 bytes");
		word_off[i] = (uint16_t)pool_add(&word_pool, sorted[i], strlen(sorted[i]));
	}
	for (size_t i = 0; i < n_fwd; i++)
		fwd[i] = (uint16_t)((fwd[i] & ~0xfffu) | renum[fwd[i] & 0xfff]);

	/* Distinct amounts and gram weights. */
	uint32_t *amounts, *grams;
	size_t n_amounts = distinct(p_amount, n_portions, &amounts);
	size_t n_grams = distinct(p_grams, n_portions, &grams);
	if (n_amounts > MAX_AMOUNTS || n_grams > MAX_GRAMS)
		die(0, "%zu distinct portion amounts (at most %d) and %zu gram weights (at most %d)",
		    n_amounts, MAX_AMOUNTS, n_grams, MAX_GRAMS);
	uint8_t *pa = xrealloc(NULL, n_portions);
	uint16_t *pg = xrealloc(NULL, n_portions * sizeof *pg);
	for (size_t i = 0; i < n_portions; i++) {
		pa[i] = (uint8_t)index_of(amounts, n_amounts, p_amount[i]);
		pg[i] = (uint16_t)index_of(grams, n_grams, p_grams[i]);
	}

	FILE *o = fopen(argv[2], "w");
	if (!o) {
		fprintf(stderr, "foodc: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	fprintf(o, "/* Generated by tools/foodc from %s (SHA-256 %s).\n"
		   " * %zu foods, %zu portions, %zu food groups, %zu unit texts, %zu description words\n"
		   " * (%zu in all). Do not edit. */\n",
		base, hex, n_foods, n_portions, groups.n, units.n, words.n, n_fwd);
	emit_declarations(o);
	fprintf(o, "const size_t mg_food_blob_n = %zu, mg_food_blob_n_portions = %zu, mg_food_blob_n_words = %zu;\n",
		n_foods, n_portions, words.n);
	fprintf(o, "const char mg_food_blob_sha256[] = \"%s\";\n\n", hex);

	fprintf(o, "/* Food groups and unit texts (offsets < 65536), then descriptions. */\n"
		   "const char mg_food_blob_pool[] =");
	for (size_t off = 0; off < pool.len; off += strlen(pool.d + off) + 1) {
		fputs("\n", o);
		put_cstr(o, pool.d + off);
	}
	for (size_t i = 0; i < n_foods; i++) {
		fprintf(o, "\n/* %05u */ ", (unsigned)f_ndb[i]);
		put_cstr(o, desc_text.d + (f_desc[i] - pool.len));
	}
	fprintf(o, ";\n");
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_group_name", group_off, groups.n);

	fprintf(o, "\n/* Per food, in NDB order. mg10: mg per 100 g x 10; pfirst: first portion\n"
		   " * (n + 1 entries); nwords: how many entries of fwd are its description. */\n");
	EMIT_ARRAY(o, "uint32_t", "mg_food_blob_ndb", f_ndb, n_foods);
	EMIT_ARRAY(o, "uint32_t", "mg_food_blob_desc", f_desc, n_foods);
	EMIT_ARRAY(o, "uint8_t", "mg_food_blob_group", f_group, n_foods);
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_mg10", f_mg10, n_foods);
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_pfirst", f_pfirst, n_foods + 1);
	EMIT_ARRAY(o, "uint8_t", "mg_food_blob_nwords", f_nwords, n_foods);

	fprintf(o, "\n/* Per portion: index into amounts (x 1000) and grams (x 100), unit text offset. */\n");
	EMIT_ARRAY(o, "uint32_t", "mg_food_blob_amounts", amounts, n_amounts);
	EMIT_ARRAY(o, "uint32_t", "mg_food_blob_grams", grams, n_grams);
	EMIT_ARRAY(o, "uint8_t", "mg_food_blob_pamount", pa, n_portions);
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_pgrams", pg, n_portions);
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_punit", p_unit, n_portions);

	fprintf(o, "\n/* Distinct description words (src/core/food_words.h), sorted. */\n"
		   "const char mg_food_blob_words[] =");
	for (size_t i = 0; i < words.n; i++) {
		fputs(i % 8 ? " " : "\n", o);
		put_cstr(o, sorted[i]);
	}
	fprintf(o, ";\n");
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_word_off", word_off, words.n);
	fprintf(o, "/* Each description as word numbers: bits 0-11 word, 12 inside parentheses,\n"
		   " * 13-14 comma-separated segment (0, 1, 2 = later). */\n");
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_fwd", fwd, n_fwd);
	int bad = ferror(o) | fclose(o);

	/* Free everything, so that sanitizer builds (LeakSanitizer) pass. */
	struct strset *sets[] = {&groups, &units, &words};
	for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
		for (size_t i = 0; i < sets[k]->n; i++)
			free(sets[k]->v[i]);
		free(sets[k]->v);
		free(sets[k]->tab);
	}
	void *heap[] = {data, f_ndb, f_desc, f_group, f_nwords, f_mg10, f_pfirst, fwd, desc_text.d,
			pool.d, word_pool.d, group_off, unit_off, sorted, renum, word_off, amounts, grams,
			pa, pg, row_buf};
	for (size_t k = 0; k < sizeof heap / sizeof *heap; k++)
		free(heap[k]);
	if (bad) {
		fprintf(stderr, "foodc: cannot write %s\n", argv[2]);
		return 1;
	}
	return 0;
}
