/* Kidney-function formulas against the reference dossier's worked examples
 * (magnesium-evidence.md sections 6.2 and 6.3), which were computed there
 * independently of this code. */
#include "../tap.h"

#include <mgsleep/renal.h>

int main(void)
{
	/* Cockcroft-Gault, mg/dL form (reference 6.2, cases A-E), tolerance 0.1. */
	is_num(mg_crcl_cockcroft_gault(70, 80, 1.2, MG_SEX_MALE), 64.81, 0.1, "CG case A: man 70 y 80 kg SCr 1.2");
	is_num(mg_crcl_cockcroft_gault(80, 55, 1.4, MG_SEX_FEMALE), 27.83, 0.1, "CG case B: woman 80 y 55 kg SCr 1.4");
	is_num(mg_crcl_cockcroft_gault(40, 75, 0.7, MG_SEX_MALE), 148.81, 0.1, "CG case C: man 40 y 75 kg SCr 0.7");
	is_num(mg_crcl_cockcroft_gault(85, 62, 2.0, MG_SEX_MALE), 23.68, 0.1, "CG case D: man 85 y 62 kg SCr 2.0");
	is_num(mg_crcl_cockcroft_gault(60, 95, 0.9, MG_SEX_FEMALE), 99.69, 0.1, "CG case E: actual body weight 95 kg");
	/* umol/L inputs are converted exactly with 88.4 (reference 6.1). The
	 * reference's umol/L column (64.93 for case A) uses K rounded to 1.23; the
	 * exact value by hand is 70 x 80 x 88.4 / (72 x 106.1) = 64.80, which agrees
	 * with the mg/dL form (64.81). */
	is_num(mg_crcl_cockcroft_gault(70, 80, 106.1 / 88.4, MG_SEX_MALE), 64.80, 0.02, "CG case A from 106.1 umol/L (exact 88.4)");
	is_num(mg_crcl_cockcroft_gault(80, 55, 123.8 / 88.4, MG_SEX_FEMALE), 27.73, 0.1, "CG case B from 123.8 umol/L");
	ok(isnan(mg_crcl_cockcroft_gault(70, NAN, 1.2, MG_SEX_MALE)), "CG needs weight");
	ok(isnan(mg_crcl_cockcroft_gault(70, 80, 1.2, MG_SEX_UNKNOWN)), "CG needs sex");
	/* Issue 10 section 1: Cockcroft-Gault is an adult formula (reference 6.2). */
	ok(isnan(mg_crcl_cockcroft_gault(17, 60, 0.8, MG_SEX_MALE)), "CG is not computed under 18");
	ok(!isnan(mg_crcl_cockcroft_gault(18, 60, 0.8, MG_SEX_MALE)), "CG is computed at 18");

	/* CKD-EPI 2021 (reference 6.3, cases A-F), tolerance 0.05. */
	is_num(mg_egfr_ckd_epi_2021(70, 1.2, MG_SEX_MALE), 65.06, 0.05, "CKD-EPI case A");
	is_num(mg_egfr_ckd_epi_2021(80, 1.4, MG_SEX_FEMALE), 38.03, 0.05, "CKD-EPI case B");
	is_num(mg_egfr_ckd_epi_2021(40, 0.7, MG_SEX_MALE), 119.46, 0.05, "CKD-EPI case C (below kappa)");
	is_num(mg_egfr_ckd_epi_2021(85, 2.0, MG_SEX_MALE), 32.10, 0.05, "CKD-EPI case D");
	is_num(mg_egfr_ckd_epi_2021(60, 0.9, MG_SEX_FEMALE), 73.19, 0.05, "CKD-EPI case E");
	is_num(mg_egfr_ckd_epi_2021(55, 0.9, MG_SEX_FEMALE), 75.50, 0.05, "CKD-EPI case F (published ~76)");
	ok(isnan(mg_egfr_ckd_epi_2021(17, 0.9, MG_SEX_FEMALE)), "CKD-EPI is for adults only");

	/* Devine IBW (reference 6.2): man 178 cm = 73.18 kg; case E woman 160 cm = 52.38 kg. */
	is_num(mg_ibw_devine(178, MG_SEX_MALE), 73.18, 0.05, "IBW man 178 cm");
	is_num(mg_ibw_devine(160, MG_SEX_FEMALE), 52.38, 0.05, "IBW woman 160 cm");
	return tap_done();
}
