/* Molar mass of a chemical formula, for checking each compound's declared
 * elemental fraction at build time and for exact elemental<->compound
 * arithmetic. Atomic weights as in the reference dossier, section 0. */
#include <mgsleep/kb.h>

#include <ctype.h>
#include <string.h>

static const struct {
	const char *sym;
	double w;
} elements[] = {
	{"Mg", 24.305}, {"O", 15.999}, {"H", 1.008},  {"C", 12.011},
	{"N", 14.007},  {"Cl", 35.45}, {"S", 32.06},  {"P", 30.974},
	{"Ca", 40.078}, {"K", 39.098}, {"Na", 22.990},
};

struct fparse {
	const char *s;
	size_t pos;
	int depth;
};

static long read_count(struct fparse *p)
{
	long n = 0;
	int any = 0;
	while (isdigit((unsigned char)p->s[p->pos]) && n < 1000) {
		n = n * 10 + (p->s[p->pos++] - '0');
		any = 1;
	}
	return any ? n : 1;
}

/* group := (element count? | '(' group ')' count?)* */
static int parse_group(struct fparse *p, double *mass, double *mg)
{
	*mass = 0;
	*mg = 0;
	for (;;) {
		char c = p->s[p->pos];
		if (c == '(') {
			if (++p->depth > 8)
				return -1;
			p->pos++;
			double m, g;
			if (parse_group(p, &m, &g) || p->s[p->pos] != ')')
				return -1;
			p->pos++;
			p->depth--;
			long n = read_count(p);
			*mass += m * (double)n;
			*mg += g * (double)n;
		} else if (isupper((unsigned char)c)) {
			size_t len = islower((unsigned char)p->s[p->pos + 1]) ? 2 : 1;
			size_t i;
			for (i = 0; i < sizeof elements / sizeof elements[0]; i++)
				if (strlen(elements[i].sym) == len && !strncmp(elements[i].sym, p->s + p->pos, len))
					break;
			if (i == sizeof elements / sizeof elements[0])
				return -1;
			p->pos += len;
			long n = read_count(p);
			*mass += elements[i].w * (double)n;
			if (i == 0)
				*mg += (double)n;
		} else {
			return 0;
		}
	}
}

int mg_formula_mass(const char *formula, double *mass, double *mg_atoms, struct mg_error *err)
{
	struct fparse p = {formula, 0, 0};
	double total = 0, mg = 0;
	for (;;) {
		long mult = read_count(&p); /* hydrate multiplier, e.g. the 9 of .9H2O */
		double m, g;
		if (parse_group(&p, &m, &g) || m == 0)
			goto bad;
		total += m * (double)mult;
		mg += g * (double)mult;
		if (p.s[p.pos] == '\0')
			break;
		if (p.s[p.pos] == '.')
			p.pos++;
		else if (!strncmp(p.s + p.pos, "\xc2\xb7", 2)) /* U+00B7 middle dot */
			p.pos += 2;
		else
			goto bad;
	}
	*mass = total;
	*mg_atoms = mg;
	return 0;
bad:
	return mg_fail(err, MG_EPARSE, "formula", "cannot read formula '%.60s' at character %zu", formula,
		       p.pos + 1);
}
