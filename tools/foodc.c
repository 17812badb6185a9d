/* foodc: validate the USDA SR Legacy magnesium table and compile it into a C
 * source file for src/core/food.c. Run by the build; a malformed row fails
 * the build with a message naming the line.
 *
 * usage: foodc TABLE.csv OUT.c
 *
 * Input (../shared/data/README.md): a header
 *   ndb_no,description,food_group,magnesium_mg_per_100g,portions
 * then 8,050 rows, fields separated by commas, a field that contains a comma
 * or a quote is quoted ("" inside is one quote). ndb_no: 5 digits, strictly
 * ascending (food.c searches it by bisection); magnesium: a number >= 0 with
 * at most one decimal; portions: empty, or items joined by '|', each
 * "AMOUNT UNIT=GRAMS" split at its LAST '=' (a few unit texts contain '='),
 * AMOUNT > 0 with at most 3 decimals, GRAMS > 0 with at most 2 decimals.
 *
 * Output: one string pool (food-group names, then each distinct unit text
 * once, then the descriptions; NUL-terminated) and parallel arrays, so the
 * table costs ~13 bytes per food and ~10 per portion plus the text, with no
 * pointers (no relocations at start-up). Numbers are stored as exact
 * integers: mg x 10, portion amount x 1000, grams x 100. */
#include <sodium.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECTED_ROWS 8050
#define HEADER "ndb_no,description,food_group,magnesium_mg_per_100g,portions"
#define MAX_INPUT (64u << 20)
#define MAX_TEXT 255        /* description, group, unit text: bytes */
#define MAX_WORD 32         /* food.c compares words of up to this many bytes */
#define MAX_WORDS 64        /* words in one description */
#define MAX_PORTIONS 255    /* per food */
#define MAX_GROUPS 255

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

/* ---- growable arrays and the string pool ---- */

struct strv { /* NUL-separated strings */
	char *d;
	size_t len, cap;
};

static size_t strv_add(struct strv *s, const char *p, size_t n)
{
	size_t off = s->len;
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->d = xrealloc(s->d, s->cap);
	}
	memcpy(s->d + s->len, p, n);
	s->d[s->len + n] = 0;
	s->len += n + 1;
	return off;
}

#define PUSH(arr, n, cap, v)                                                 \
	do {                                                                 \
		if ((n) == (cap)) {                                          \
			(cap) = (cap) ? (cap) * 2 : 1024;                    \
			(arr) = xrealloc((arr), (cap) * sizeof *(arr));      \
		}                                                            \
		(arr)[(n)++] = (v);                                          \
	} while (0)

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
		i++;
		size_t f0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (got < dec) {
				v = v * 10 + (uint64_t)(s[i] - '0');
				got++;
			} else if (s[i] != '0') {
				return -1;
			}
			i++;
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

static int word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* ---- CSV ---- */

#define NFIELDS 5

struct field {
	char *s; /* unquoted copy, NUL-terminated, in the row buffer */
	size_t n;
};

/* Split one line (without its newline) into fields, unquoting into buf
 * (at least n + 1 bytes). Returns the number of fields or -1. */
static int split_csv(const char *line, size_t n, char *buf, struct field *f, int maxf, long lineno)
{
	size_t i = 0, o = 0;
	int nf = 0;
	for (;;) {
		if (nf == maxf)
			die(lineno, "more than %d fields", maxf);
		f[nf].s = buf + o;
		if (i < n && line[i] == '"') {
			i++;
			for (;;) {
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

static struct strv pool_head; /* groups, then unit texts (offsets must fit 16 bits) */
static struct strv pool_desc;

static char **groups;
static size_t n_groups, cap_groups;

static char **units; /* distinct unit texts */
static size_t n_units, cap_units;

/* Per food (capacity: lines in the file) and per portion (at most 65535,
 * so that a food's first portion fits 16 bits). */
#define MAX_ALL_PORTIONS UINT16_MAX
static uint32_t *f_ndb, *f_desc;
static uint8_t *f_group;
static uint16_t *f_mg10, *f_pfirst;
static size_t n_foods;

static uint32_t p_amount[MAX_ALL_PORTIONS], p_grams[MAX_ALL_PORTIONS];
static uint16_t p_unit[MAX_ALL_PORTIONS];
static size_t n_portions;

static size_t group_index(const char *g, size_t n, long lineno)
{
	for (size_t i = 0; i < n_groups; i++)
		if (strlen(groups[i]) == n && !memcmp(groups[i], g, n))
			return i;
	if (n_groups == MAX_GROUPS)
		die(lineno, "more than %d food groups", MAX_GROUPS);
	char *copy = xrealloc(NULL, n + 1);
	memcpy(copy, g, n);
	copy[n] = 0;
	PUSH(groups, n_groups, cap_groups, copy);
	return n_groups - 1;
}

/* Distinct unit texts, numbered in order of first use (linear probing);
 * they go into the pool after the group names once all rows are read. */
#define UNIT_HASH 8192
static long unit_hash[UNIT_HASH];

static size_t unit_index(const char *u, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)u[i]) * 16777619u;
	for (size_t k = h % UNIT_HASH;; k = (k + 1) % UNIT_HASH) {
		long j = unit_hash[k] - 1;
		if (j < 0) {
			char *copy = xrealloc(NULL, n + 1);
			memcpy(copy, u, n);
			copy[n] = 0;
			if (n_units + 1 >= UNIT_HASH / 2) {
				fprintf(stderr, "foodc: too many distinct unit texts\n");
				exit(1);
			}
			PUSH(units, n_units, cap_units, copy);
			unit_hash[k] = (long)n_units;
			return n_units - 1;
		}
		if (strlen(units[j]) == n && !memcmp(units[j], u, n))
			return (size_t)j;
	}
}

static void check_words(const char *s, size_t n, long lineno)
{
	size_t words = 0;
	for (size_t i = 0; i < n;) {
		if (!word_byte((unsigned char)s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && word_byte((unsigned char)s[j]))
			j++;
		if (j - i > MAX_WORD)
			die(lineno, "description: a word of %zu bytes (at most %d)", j - i, MAX_WORD);
		words++;
		i = j;
	}
	if (words == 0)
		die(lineno, "description: no word");
	if (words > MAX_WORDS)
		die(lineno, "description: %zu words (at most %d)", words, MAX_WORDS);
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
		k++;
		if (k > MAX_PORTIONS)
			die(lineno, "more than %d portions", MAX_PORTIONS);
		if (len == 0)
			die(lineno, "portion %zu: empty", k);
		const char *eq = NULL;
		for (size_t j = len; j-- > 0;)
			if (it[j] == '=') {
				eq = it + j;
				break;
			}
		if (!eq)
			die(lineno, "portion %zu '%.*s': no '=GRAMS'", k, (int)len, it);
		const char *sp = memchr(it, ' ', (size_t)(eq - it));
		if (!sp || sp == it || sp + 1 >= eq)
			die(lineno, "portion %zu '%.*s': not 'AMOUNT UNIT=GRAMS'", k, (int)len, it);
		uint64_t amount, grams;
		if (parse_fixed(it, (size_t)(sp - it), 3, &amount) || amount == 0 || amount > UINT32_MAX)
			die(lineno, "portion %zu '%.*s': amount '%.*s' is not a number > 0 with at most 3 decimals",
			    k, (int)len, it, (int)(sp - it), it);
		const char *gs = eq + 1;
		size_t gn = (size_t)(it + len - gs);
		if (parse_fixed(gs, gn, 2, &grams) || grams == 0 || grams > UINT32_MAX)
			die(lineno, "portion %zu '%.*s': grams '%.*s' is not a number > 0 with at most 2 decimals",
			    k, (int)len, it, (int)gn, gs);
		const char *u = sp + 1;
		size_t un = (size_t)(eq - u);
		if (un > MAX_TEXT || !text_ok(u, un) || u[0] == ' ' || u[un - 1] == ' ')
			die(lineno, "portion %zu '%.*s': bad unit text", k, (int)len, it);
		size_t ui = unit_index(u, un);
		if (ui > UINT16_MAX)
			die(lineno, "too many distinct unit texts");
		if (n_portions == MAX_ALL_PORTIONS)
			die(lineno, "more than %d portions in all", MAX_ALL_PORTIONS - 1);
		p_amount[n_portions] = (uint32_t)amount;
		p_grams[n_portions] = (uint32_t)grams;
		p_unit[n_portions++] = (uint16_t)ui; /* unit index for now; pool offset later */
		start = i + 1;
	}
}

static void parse_row(char *line, size_t n, long lineno)
{
	static char *buf;
	static size_t bufcap;
	if (n + 1 > bufcap) {
		bufcap = (n + 1) * 2;
		buf = xrealloc(buf, bufcap);
	}
	struct field f[NFIELDS];
	int nf = split_csv(line, n, buf, f, NFIELDS, lineno);
	if (nf != NFIELDS)
		die(lineno, "%d fields, expected %d", nf, NFIELDS);

	/* ndb_no */
	if (f[0].n != 5 || strspn(f[0].s, "0123456789") != 5)
		die(lineno, "ndb_no '%s' is not 5 digits", f[0].s);
	uint32_t ndb = (uint32_t)strtoul(f[0].s, NULL, 10);
	if (n_foods && ndb <= f_ndb[n_foods - 1])
		die(lineno, "ndb_no %s is not greater than the previous row's %05u", f[0].s,
		    (unsigned)f_ndb[n_foods - 1]);
	/* description */
	if (f[1].n == 0 || f[1].n > MAX_TEXT || !text_ok(f[1].s, f[1].n))
		die(lineno, "description: empty, longer than %d bytes, or not printable UTF-8", MAX_TEXT);
	check_words(f[1].s, f[1].n, lineno);
	/* food_group */
	if (f[2].n == 0 || f[2].n > MAX_TEXT || !text_ok(f[2].s, f[2].n))
		die(lineno, "food_group: empty, too long, or not printable UTF-8");
	size_t g = group_index(f[2].s, f[2].n, lineno);
	/* magnesium */
	uint64_t mg10;
	if (parse_fixed(f[3].s, f[3].n, 1, &mg10) || mg10 > UINT16_MAX)
		die(lineno, "magnesium_mg_per_100g '%s' is not a number >= 0 with at most one decimal "
			    "(and below 6553.5)", f[3].s);

	size_t first = n_portions;
	parse_portions(f[4].s, f[4].n, lineno);

	f_ndb[n_foods] = ndb;
	f_desc[n_foods] = (uint32_t)strv_add(&pool_desc, f[1].s, f[1].n);
	f_group[n_foods] = (uint8_t)g;
	f_mg10[n_foods] = (uint16_t)mg10;
	f_pfirst[n_foods++] = (uint16_t)first;
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

#define EMIT_ARRAY(o, type, name, arr, n, fmt)                                       \
	do {                                                                         \
		fprintf(o, "const " type " " name "[] = {");                         \
		for (size_t i_ = 0; i_ < (n); i_++)                                  \
			fprintf(o, "%s" fmt ",", i_ % 16 ? "" : "\n", (unsigned)(arr)[i_]); \
		fprintf(o, "\n};\n");                                                \
	} while (0)

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: foodc TABLE.csv OUT.c\n");
		return 2;
	}
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
			if (cap > MAX_INPUT)
				die(0, "larger than %u bytes", MAX_INPUT);
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
	f_mg10 = xrealloc(NULL, lines * sizeof *f_mg10);
	f_pfirst = xrealloc(NULL, (lines + 1) * sizeof *f_pfirst);
	long lineno = 0;
	for (size_t i = 0; i < len;) {
		char *line = data + i;
		char *nl = memchr(line, '\n', len - i);
		size_t n = (size_t)(nl - line);
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

	/* Pool: groups, then unit texts, then descriptions. */
	size_t *group_off = xrealloc(NULL, n_groups * sizeof *group_off);
	for (size_t i = 0; i < n_groups; i++)
		group_off[i] = strv_add(&pool_head, groups[i], strlen(groups[i]));
	size_t *unit_off = xrealloc(NULL, n_units * sizeof *unit_off);
	for (size_t i = 0; i < n_units; i++)
		unit_off[i] = strv_add(&pool_head, units[i], strlen(units[i]));
	if (pool_head.len > UINT16_MAX)
		die(0, "group names and unit texts take %zu bytes (at most 65535)", pool_head.len);
	for (size_t i = 0; i < n_portions; i++)
		p_unit[i] = (uint16_t)unit_off[p_unit[i]];
	for (size_t i = 0; i < n_foods; i++)
		f_desc[i] += (uint32_t)pool_head.len;

	FILE *o = fopen(argv[2], "w");
	if (!o) {
		fprintf(stderr, "foodc: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	fprintf(o, "/* Generated by tools/foodc from %s (SHA-256 %s).\n"
		   " * %zu foods, %zu portions, %zu food groups, %zu distinct unit texts. Do not edit. */\n",
		base, hex, n_foods, n_portions, n_groups, n_units);
	fprintf(o, "#include <stddef.h>\n#include <stdint.h>\n\n"
		   "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n\n"
		   "extern const size_t mg_food_blob_n, mg_food_blob_n_groups, mg_food_blob_n_portions;\n"
		   "extern const char mg_food_blob_sha256[], mg_food_blob_pool[];\n"
		   "extern const uint16_t mg_food_blob_group_name[], mg_food_blob_mg10[], mg_food_blob_pfirst[],\n"
		   "\tmg_food_blob_punit[];\n"
		   "extern const uint32_t mg_food_blob_ndb[], mg_food_blob_desc[], mg_food_blob_pamount[],\n"
		   "\tmg_food_blob_pgrams[];\n"
		   "extern const uint8_t mg_food_blob_group[];\n\n");
	fprintf(o, "const size_t mg_food_blob_n = %zu, mg_food_blob_n_groups = %zu, mg_food_blob_n_portions = %zu;\n",
		n_foods, n_groups, n_portions);
	fprintf(o, "const char mg_food_blob_sha256[] = \"%s\";\n\n", hex);
	fprintf(o, "/* Food groups and unit texts (offsets < 65536), then descriptions. */\n"
		   "const char mg_food_blob_pool[] =");
	for (size_t off = 0; off < pool_head.len; off += strlen(pool_head.d + off) + 1) {
		fputs("\n", o);
		put_cstr(o, pool_head.d + off);
	}
	for (size_t i = 0; i < n_foods; i++) {
		fprintf(o, "\n/* %05u */ ", (unsigned)f_ndb[i]);
		put_cstr(o, pool_desc.d + (f_desc[i] - pool_head.len));
	}
	fprintf(o, ";\n\n");
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_group_name", group_off, n_groups, "%u");
	fprintf(o, "/* Per food, in NDB order. mg10: mg per 100 g x 10. pfirst: first portion (n + 1 entries). */\n");
	EMIT_ARRAY(o, "uint32_t", "mg_food_blob_ndb", f_ndb, n_foods, "%u");
	EMIT_ARRAY(o, "uint32_t", "mg_food_blob_desc", f_desc, n_foods, "%u");
	EMIT_ARRAY(o, "uint8_t", "mg_food_blob_group", f_group, n_foods, "%u");
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_mg10", f_mg10, n_foods, "%u");
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_pfirst", f_pfirst, n_foods + 1, "%u");
	fprintf(o, "/* Per portion: amount x 1000, grams x 100, unit text offset. */\n");
	EMIT_ARRAY(o, "uint32_t", "mg_food_blob_pamount", p_amount, n_portions, "%u");
	EMIT_ARRAY(o, "uint32_t", "mg_food_blob_pgrams", p_grams, n_portions, "%u");
	EMIT_ARRAY(o, "uint16_t", "mg_food_blob_punit", p_unit, n_portions, "%u");
	int bad = ferror(o) | fclose(o);
	if (bad) {
		fprintf(stderr, "foodc: cannot write %s\n", argv[2]);
		return 1;
	}
	return 0;
}
