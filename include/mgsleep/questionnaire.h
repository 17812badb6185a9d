/* Questionnaire scoring: Insomnia Severity Index (ISI) and Pittsburgh Sleep
 * Quality Index (PSQI), per the reference dossier sections 7.1 and 7.2
 * (sources S32 for the ISI, S35 for the PSQI). docs/questionnaires.md
 * documents the items, the PSQI answer keys and the scoring conventions.
 *
 * Pure module: no I/O, no printing, no globals, no clock. Ownership: every
 * struct is caller-allocated and filled in place; nothing here allocates,
 * except mg_psqi_parse_json, whose JSON tree (jansson) is freed before it
 * returns. Returned strings are static and must not be freed.
 *
 * Errors follow include/mgsleep/error.h: 0 or a negative MG_E*, and the
 * struct mg_error names the item ("isi item 3", "psqi sleep_hours") and the
 * accepted values, never the answer given (health data). */
#ifndef MGSLEEP_QUESTIONNAIRE_H
#define MGSLEEP_QUESTIONNAIRE_H

#include <mgsleep/buf.h>
#include <mgsleep/error.h>
#include <stddef.h>

/* ---------------------------------------------------------------- ISI ---- */

#define MG_ISI_ITEMS 7
#define MG_ISI_MAX_ANSWER 4 /* each item 0..4; total 0..28 */

/* Total-score categories (reference 7.1, S32). */
enum mg_isi_category {
	MG_ISI_NONE = 0,         /*  0-7: no clinically significant insomnia */
	MG_ISI_SUBTHRESHOLD = 1, /*  8-14: subthreshold insomnia */
	MG_ISI_MODERATE = 2,     /* 15-21: clinical insomnia (moderate severity) */
	MG_ISI_SEVERE = 3,       /* 22-28: clinical insomnia (severe) */
};

struct mg_isi {
	int items[MG_ISI_ITEMS]; /* item 1 is items[0] */
	int total;               /* 0..28 */
	int category;            /* enum mg_isi_category */
};

/* Parse the seven item scores in questionnaire order, "2,1,1,1,1,1,1":
 * exactly 7 comma-separated whole numbers 0..4, spaces and tabs tolerated
 * around each. Errors: "isi: expected 7 answers, got N" (field "isi") or
 * "isi item K: ...; accepted 0 to 4" (field "itemK"). items is written only
 * on success. */
int mg_isi_parse(const char *answers, int items[MG_ISI_ITEMS], struct mg_error *err);

/* One typed answer to item (1..7), for the interactive mode: a whole number
 * 0..4, spaces tolerated. Same messages as mg_isi_parse. */
int mg_isi_parse_answer(int item, const char *text, int *score, struct mg_error *err);

/* Validate the items and fill out (items copied, total, category). */
int mg_isi_score(const int items[MG_ISI_ITEMS], struct mg_isi *out, struct mg_error *err);

/* Category of a total 0..28, or -1 outside that range. */
int mg_isi_category_of(int total);

/* "none", "subthreshold", "moderate", "severe" (stable ids for JSON and the
 * store); NULL if category is not an enum mg_isi_category. */
const char *mg_isi_category_name(int category);

/* Plain words as on the scoring sheet: "no clinically significant insomnia",
 * "subthreshold insomnia", "clinical insomnia (moderate severity)",
 * "clinical insomnia (severe)"; NULL if not a category. */
const char *mg_isi_category_label(int category);

/* Wording of the published form (S32). Instructions state the recall period
 * (the last 2 weeks); items 1-3 are rated under that heading. item is 1..7,
 * score 0..4; NULL outside those ranges. */
const char *mg_isi_instructions(void);
const char *mg_isi_item_text(int item);
const char *mg_isi_anchor(int item, int score);

/* --------------------------------------------------------------- PSQI ---- */

#define MG_PSQI_COMPONENTS 7
#define MG_PSQI_Q5 10          /* Q5a..Q5j */
#define MG_PSQI_REASON_LEN 128 /* Q5j description, bytes including the NUL */

/* The answers to the 19 self-rated items (bed-partner items are not scored).
 * mg_psqi_answers_init marks every item missing (-1, or NaN for doubles). */
struct mg_psqi_answers {
	int bedtime_min;     /* Q1 usual bedtime, minutes after midnight 0..1439 */
	double latency_min;  /* Q2 minutes to fall asleep, 0..1440 (a range answer is stored as its midpoint) */
	int rise_min;        /* Q3 usual getting-up time, minutes after midnight 0..1439 */
	double sleep_hours;  /* Q4 hours of actual sleep per night, 0..24 */
	int q5[MG_PSQI_Q5];  /* Q5a..Q5j frequency 0..3 (q5[0] = Q5a); q5[9] (Q5j) may stay -1 */
	char q5j_reason[MG_PSQI_REASON_LEN]; /* Q5j "other reason(s)" text; "" = not given */
	int sleep_quality;   /* Q6: very good 0, fairly good 1, fairly bad 2, very bad 3 */
	int sleep_medication;      /* Q7 frequency 0..3 */
	int trouble_staying_awake; /* Q8 frequency 0..3 */
	int enthusiasm;            /* Q9: no problem 0 .. a very big problem 3 */
};

struct mg_psqi_result {
	int components[MG_PSQI_COMPONENTS]; /* C1..C7, each 0..3, in order */
	int global;                         /* 0..21 */
	int poor_sleeper;                   /* global > 5 (the original criterion) */
	double efficiency_pct;              /* Q4 / time in bed x 100, 0..100 */
	int time_in_bed_min;                /* Q3 - Q1, wrapping midnight, 1..1439 */
	int disturbance_sum;                /* Q5b..Q5j as scored, 0..27 */
	int q5j_counted;                    /* 1 if Q5j entered that sum (value and reason given) */
};

void mg_psqi_answers_init(struct mg_psqi_answers *a);

/* Fill a from a JSON object whose keys follow the items (docs/questionnaires.md):
 *   bedtime "HH:MM" (Q1), sleep_latency_min (Q2), rise_time "HH:MM" (Q3),
 *   sleep_hours (Q4), q5a .. q5i (Q5a-i), q5j and q5j_reason (optional, Q5j),
 *   sleep_quality (Q6), sleep_medication (Q7), trouble_staying_awake (Q8),
 *   enthusiasm (Q9).
 * Numbers may be JSON numbers or strings as mg_psqi_set accepts (so a range
 * "30-60" for the latency becomes its midpoint, 45). Unknown keys, duplicate
 * keys, wrong types, out-of-range values and missing required items are
 * errors naming the key, and so are a bedtime equal to the rise time
 * (rise_time) and more hours of sleep than time in bed (sleep_hours): the
 * same checks as mg_psqi_score. a is initialised first; on error its
 * content is unspecified. */
int mg_psqi_parse_json(const char *json, size_t len, struct mg_psqi_answers *a, struct mg_error *err);

/* Set one answer from typed text, by JSON key (the interactive mode):
 * times "HH:MM" (or "H:MM") from 00:00 to 23:59; sleep_latency_min and
 * sleep_hours a plain decimal ("45", "6.5") or a range "LOW-HIGH" (also
 * with an en dash or "to"), stored as the midpoint; the 0..3 items a single
 * whole number; q5j_reason any text without control characters, at most
 * 127 bytes (empty clears it). */
int mg_psqi_set(struct mg_psqi_answers *a, const char *key, const char *text, struct mg_error *err);

/* Check every answer (ranges, required items present, bedtime != rise
 * time, sleep hours <= time in bed) and score the seven components and the
 * global score. Conventions (docs/questionnaires.md):
 *   C2: latency <= 15 -> 0, <= 30 -> 1, <= 60 -> 2, else 3 (minutes);
 *   C3: hours >= 7 -> 0, >= 6 -> 1, >= 5 -> 2, else 3;
 *   C4: efficiency >= 85 % -> 0, >= 75 -> 1, >= 65 -> 2, else 3;
 *   C5: Q5j counts only when both its value and its reason are given
 *       (scoring rule change of 20 May 2005).
 * Sleep hours are taken to the nearest second, so band edges compare exactly. */
int mg_psqi_score(const struct mg_psqi_answers *a, struct mg_psqi_result *r, struct mg_error *err);

/* Component i (0..6): stable id ("quality", "latency", "duration",
 * "efficiency", "disturbances", "medication", "daytime_dysfunction") and
 * plain name ("subjective sleep quality", ...); NULL outside 0..6. */
const char *mg_psqi_component_id(int i);
const char *mg_psqi_component_name(int i);

/* The result as the store keeps it (its "result" column), for 'isi',
 * 'psqi' and the web API: {"total","category","category_text"} and
 * {"components":[7],"global","poor_sleeper","efficiency_pct"}. Appended to
 * out (check out->failed). */
void mg_isi_result_json(const struct mg_isi *s, struct mg_buf *out);
void mg_psqi_result_json(const struct mg_psqi_result *r, struct mg_buf *out);

/* The items in questionnaire order, for the interactive mode and the docs. */
enum mg_psqi_kind {
	MG_PSQI_TIME = 1, /* "HH:MM" */
	MG_PSQI_MINUTES,  /* decimal minutes or a range */
	MG_PSQI_HOURS,    /* decimal hours or a range */
	MG_PSQI_CHOICE,   /* 0..3, anchors[0..3] */
	MG_PSQI_TEXT,     /* free text (Q5j reason) */
};

struct mg_psqi_item {
	const char *key;    /* JSON key and mg_psqi_set key */
	const char *number; /* "1" .. "9", "5a" .. "5j" */
	const char *text;   /* the question, recall period included */
	enum mg_psqi_kind kind;
	const char *const *anchors; /* 4 labels for MG_PSQI_CHOICE, else NULL */
	int optional;               /* 1 for q5j_reason and q5j */
};

#define MG_PSQI_ITEMS 19
const char *mg_psqi_instructions(void);
/* Item i in 0..MG_PSQI_ITEMS-1 (q5j_reason comes just before q5j, as on the
 * form); NULL outside. */
const struct mg_psqi_item *mg_psqi_item(int i);

/* The published wording of both forms as data, for the web app's pages
 * (GET /api/questionnaires): {"isi":{"instructions","items":[{"key"
 * ("item1".."item7"),"number","text","anchors":[5]}]},"psqi":{"instructions",
 * "items":[{"key","number","text","kind" (time, minutes, hours, choice,
 * text),"optional","anchors":[4] or null}]}} in questionnaire order. */
void mg_questionnaires_json(struct mg_buf *out);

/* Strict "HH:MM" or "H:MM", 00:00..23:59, nothing else (no spaces, no
 * seconds): 0 and *minutes set, or -1. */
int mg_q_parse_hhmm(const char *s, int *minutes);

#endif
