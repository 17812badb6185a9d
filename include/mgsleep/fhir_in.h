/* FHIR R4 in: a CDS Hooks request (issue 13) or a plain Bundle (issue 15)
 * -> the profile the engine reads, the medicines being ordered and taken,
 * and what could not be judged. The mapping, the codes and what is left out:
 * docs/fhir-input.md.
 *
 * Pure: no I/O and no clock (the caller passes today, as days since
 * 1970-01-01, for the age). Medicines are recognised by the same normaliser
 * as the CLI (medname.h): a verified RxNorm ingredient code first, then the
 * coding's display, then the CodeableConcept's text; an unverified code only
 * when its display or text names the same medicine.
 *
 * Bad pieces of a resource (an unknown unit, a value out of range, a date
 * that does not parse) do not fail the request: they are left out and listed
 * in `dropped` with their JSON path, so the service can say what it could
 * not use. Only input that is not a JSON object, or neither a CDS Hooks
 * request nor a FHIR resource, fails. Messages name the JSON path, never a
 * value.
 *
 * Ownership: struct mg_fhir_in is caller-allocated and holds no heap memory;
 * its medicine matches borrow from the KB, which must outlive it. */
#ifndef MGSLEEP_FHIR_IN_H
#define MGSLEEP_FHIR_IN_H

#include <mgsleep/error.h>
#include <mgsleep/kb.h>
#include <mgsleep/medname.h>
#include <mgsleep/profile.h>

#include <stddef.h>
#include <stdint.h>

/* What the record does not say (bits of mg_fhir_in.missing). */
enum {
	MG_FHIR_NO_PATIENT = 1 << 0,    /* no Patient resource */
	MG_FHIR_NO_BIRTHDATE = 1 << 1,  /* no full birthDate (YYYY-MM-DD): no age, so no advice */
	MG_FHIR_NO_SEX = 1 << 2,        /* gender absent, other or unknown */
	MG_FHIR_NO_KIDNEY = 1 << 3,     /* no usable serum creatinine and no eGFR */
	MG_FHIR_NO_WEIGHT = 1 << 4,     /* no usable body weight (Cockcroft-Gault needs it) */
	MG_FHIR_NO_HEIGHT = 1 << 5,
	MG_FHIR_NO_MED_LIST = 1 << 6,   /* no active MedicationRequest/Statement: none taken, or none sent */
	MG_FHIR_NO_CONDITIONS = 1 << 7, /* no active Condition: none, or none sent */
};

#define MG_FHIR_MAX_MEDS 32
#define MG_FHIR_MAX_DROPPED 16

/* One medicine ordered or taken. */
struct mg_fhir_med {
	char name[MG_MED_LEN];     /* what it was recognised from (display or text, cut at 63 bytes), or the
				    * KB's generic name when only a verified RxCUI said it; "" if nothing */
	struct mg_med_match match; /* its ingredients (borrowed from the KB) */
	int ordered;               /* in context.draftOrders (or the older context.medications) */
	int magnesium;             /* an ingredient is a magnesium product */
	int by_rxcui;              /* recognised from a verified RxNorm ingredient code */
	char path[96];             /* JSON path of the resource, for messages */
	char ref[80];              /* "MedicationRequest/id" when the resource has an id, else "" */
};

struct mg_fhir_dropped {
	char path[96];   /* e.g. prefetch.creatinine.entry[2].resource.valueQuantity */
	const char *why; /* static text, e.g. "unit not mg/dL or umol/L (UCUM)" */
};

struct mg_fhir_in {
	/* meds holds every non-magnesium medicine (ordered or taken), so that
	 * mg_advise answers "should this person take magnesium" with them. */
	struct mg_profile profile;
	struct mg_fhir_med meds[MG_FHIR_MAX_MEDS];
	size_t n_meds, n_meds_omitted; /* omitted: beyond MG_FHIR_MAX_MEDS */
	unsigned missing;              /* MG_FHIR_NO_* bits */
	int legacy_egfr;               /* the eGFR used is a legacy equation (LOINC 62238-1 or 33914-3) */
	int has_orders;                /* the request had draft orders (order-select / order-sign) */
	int magnesium_ordered, magnesium_active;
	struct mg_fhir_dropped dropped[MG_FHIR_MAX_DROPPED];
	size_t n_dropped, n_dropped_omitted;
	char hook[32]; /* the request's hook, "" for a Bundle */
};

/* Parse json (len bytes; at most 8 MiB) and fill out. today is the caller's
 * date (days since 1970-01-01) for the age from birthDate. Returns 0, or
 * MG_EPARSE (not JSON: the byte offset), MG_EINVAL (not a request or a
 * resource), MG_ETOOBIG. The profile is not checked across fields
 * (mg_profile_check) and may lack an age: mg_advise then refuses, and
 * missing says why. */
int mg_fhir_in_parse(const struct mg_kb *kb, const char *json, size_t len, int32_t today, struct mg_fhir_in *out,
		     struct mg_error *err);

#endif
