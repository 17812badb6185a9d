/* Kidney-function estimates. Pure functions; NaN when inputs are missing or
 * outside the equation's domain. */
#ifndef MGSLEEP_RENAL_H
#define MGSLEEP_RENAL_H

#include <mgsleep/profile.h>

/* Cockcroft-Gault creatinine clearance, mL/min, actual body weight:
 * (140 - age) x weight / (72 x SCr mg/dL), x 0.85 if female (reference 6.2).
 * Adults only: NaN under 18. */
double mg_crcl_cockcroft_gault(double age, double weight_kg, double scr_mg_dl, enum mg_sex sex);

/* CKD-EPI 2021 (race-free), mL/min/1.73 m2, adults >= 18 (reference 6.3). */
double mg_egfr_ckd_epi_2021(double age, double scr_mg_dl, enum mg_sex sex);

/* Devine ideal body weight, kg (reference 6.2), for display. */
double mg_ibw_devine(double height_cm, enum mg_sex sex);

#endif
