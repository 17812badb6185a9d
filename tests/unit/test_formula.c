/* Stoichiometry against the reference dossier's table 2.1 (computed there
 * from the same atomic weights) and its published cross-checks. */
#include "../tap.h"

#include <mgsleep/kb.h>

static double pct(const char *f)
{
	double mass, mg;
	if (mg_formula_mass(f, &mass, &mg, NULL))
		return -1;
	return mg * 24.305 / mass * 100;
}

static double mw(const char *f)
{
	double mass, mg;
	return mg_formula_mass(f, &mass, &mg, NULL) ? -1 : mass;
}

int main(void)
{
	is_num(mw("MgO"), 40.30, 0.01, "MgO molar mass");
	is_num(pct("MgO"), 60.30, 0.01, "oxide 60.30 %% Mg");
	is_num(pct("Mg(OH)2"), 41.68, 0.01, "hydroxide 41.68 %%");
	is_num(mw("Mg3(C6H5O7)2"), 451.11, 0.02, "trimagnesium dicitrate molar mass");
	is_num(pct("Mg3(C6H5O7)2"), 16.16, 0.01, "citrate 16.16 %%");
	is_num(pct("Mg3(C6H5O7)2.9H2O"), 11.89, 0.01, "citrate nonahydrate 11.89 %%");
	is_num(pct("MgSO4.7H2O"), 9.86, 0.01, "Epsom salt 9.86 %%");
	is_num(pct("MgSO4\xc2\xb7" "7H2O"), 9.86, 0.01, "middle dot accepted for hydrates");
	is_num(pct("MgCl2.6H2O"), 11.96, 0.01, "chloride hexahydrate 11.96 %%");
	is_num(mw("Mg(C2H4NO2)2"), 172.42, 0.02, "bisglycinate molar mass");
	is_num(pct("Mg(C2H4NO2)2"), 14.10, 0.01, "bisglycinate 14.10 %%");
	is_num(pct("Mg(C4H7O5)2"), 8.25, 0.01, "threonate 8.25 %%");
	is_num(pct("MgC3H7O6P"), 12.51, 0.01, "glycerophosphate 12.51 %%");
	/* Cross-check (reference 2.1): 777.6 mg glycerophosphate = 97.2 mg Mg (UK SmPC). */
	is_num(777.6 * pct("MgC3H7O6P") / 100, 97.2, 0.1, "glycerophosphate SmPC cross-check");
	/* Abbasi 2012: 414 mg MgO twice daily = 499 mg Mg. */
	is_num(2 * 414 * pct("MgO") / 100, 499.0, 0.5, "Abbasi oxide dose cross-check");
	/* Table 2.1 last column: 250 mg Mg as bisglycinate = 1774 mg compound. */
	is_num(250 / (pct("Mg(C2H4NO2)2") / 100), 1774, 0.6, "250 mg elemental = 1774 mg bisglycinate");
	is_num(250 / (pct("Mg3(C6H5O7)2") / 100), 1547, 0.6, "250 mg elemental = 1547 mg citrate");

	double m, g;
	ok(mg_formula_mass("Xx2", &m, &g, NULL) == MG_EPARSE, "unknown element is an error");
	ok(mg_formula_mass("Mg(OH", &m, &g, NULL) == MG_EPARSE, "unbalanced parenthesis is an error");
	ok(mg_formula_mass("", &m, &g, NULL) == MG_EPARSE, "empty formula is an error");
	ok(mg_formula_mass("((((((((((Mg))))))))))", &m, &g, NULL) == MG_EPARSE, "nesting is bounded");
	return tap_done();
}
