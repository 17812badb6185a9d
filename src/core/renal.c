#include <mgsleep/renal.h>

#include <math.h>

double mg_crcl_cockcroft_gault(double age, double weight_kg, double scr, enum mg_sex sex)
{
	/* Not valid under 18 (reference 6.2: an adult formula; children need
	 * their own equations, which this tool does not compute). */
	if (isnan(age) || isnan(weight_kg) || isnan(scr) || scr <= 0 || sex == MG_SEX_UNKNOWN || age < 18 ||
	    age >= 140)
		return NAN;
	double v = (140.0 - age) * weight_kg / (72.0 * scr);
	return sex == MG_SEX_FEMALE ? v * 0.85 : v;
}

double mg_egfr_ckd_epi_2021(double age, double scr, enum mg_sex sex)
{
	if (isnan(age) || isnan(scr) || scr <= 0 || sex == MG_SEX_UNKNOWN || age < 18)
		return NAN;
	int f = sex == MG_SEX_FEMALE;
	double k = f ? 0.7 : 0.9, a = f ? -0.241 : -0.302, r = scr / k;
	double v = 142.0 * pow(fmin(r, 1.0), a) * pow(fmax(r, 1.0), -1.200) * pow(0.9938, age);
	return f ? v * 1.012 : v;
}

double mg_ibw_devine(double height_cm, enum mg_sex sex)
{
	if (isnan(height_cm) || sex == MG_SEX_UNKNOWN)
		return NAN;
	return (sex == MG_SEX_MALE ? 50.0 : 45.5) + 2.3 * (height_cm / 2.54 - 60.0);
}
