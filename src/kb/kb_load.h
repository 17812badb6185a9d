/* Private to src/kb: what the loader's files share. The knowledge base is
 * loaded by kb.c (sections, build, accessors), kb_pred.c (the `when`
 * language), kb_medicines.c (the medicine vocabulary) and kb_fragments.c
 * (the JSON pieces the renderer copies); kb_load.c holds the helpers below.
 *
 * The helpers keep their short names inside src/kb (function-like macros,
 * so a struct member of the same name is untouched), but link as mg_kbl_*
 * so that nothing outside the library can collide with them. */
#ifndef MG_KB_LOAD_H
#define MG_KB_LOAD_H

#include "kb_internal.h"

#include <jansson.h>

#define kb_alloc(...) mg_kbl_alloc(__VA_ARGS__)
#define bad(...) mg_kbl_bad(__VA_ARGS__)
#define get_str(...) mg_kbl_get_str(__VA_ARGS__)
#define get_num(...) mg_kbl_get_num(__VA_ARGS__)
#define get_arr(...) mg_kbl_get_arr(__VA_ARGS__)
#define find_source(...) mg_kbl_find_source(__VA_ARGS__)
#define get_refs(...) mg_kbl_get_refs(__VA_ARGS__)
#define parse_enum(...) mg_kbl_parse_enum(__VA_ARGS__)
#define get_enum(...) mg_kbl_get_enum(__VA_ARGS__)
#define set_where(...) mg_kbl_set_where(__VA_ARGS__)
#define section(...) mg_kbl_section(__VA_ARGS__)
#define check_unique(...) mg_kbl_check_unique(__VA_ARGS__)
#define find_class(...) mg_kbl_find_class(__VA_ARGS__)
#define get_pred(...) mg_kbl_get_pred(__VA_ARGS__)
#define get_opt_str(...) mg_kbl_get_opt_str(__VA_ARGS__)
#define verdict_names mg_kbl_verdict_names
#define severity_names mg_kbl_severity_names

/* Where the loader is, for messages: "rules[3] 'renal-severe'". */
struct ctx {
	struct mg_kb *kb;
	struct mg_error *err;
	char where[128];
};

/* The per-KB arena: every allocation of a load, freed at once by mg_kb_free. */
struct arena_block {
	struct arena_block *next;
	max_align_t data[];
};
void *kb_alloc(struct mg_kb *kb, size_t n); /* zeroed; NULL when out of memory */

/* Each returns 0 or MG_EKB (MG_ENOMEM) with a message naming c->where. */
int bad(struct ctx *c, const char *fmt, const char *a);
int get_str(struct ctx *c, json_t *o, const char *key, int required, const char **out);
int get_num(struct ctx *c, json_t *o, const char *key, double lo, double hi, double *out);
json_t *get_arr(struct ctx *c, json_t *o, const char *key); /* NULL (error set) if not an array */
int get_opt_str(struct ctx *c, json_t *o, const char *key, const char **out);
int find_source(const struct mg_kb *kb, const char *id);   /* index or -1 */
int get_refs(struct ctx *c, json_t *o, const char *key, struct mg_refs *r);
int parse_enum(const char *s, const char *const *names, int n); /* index or -1 */
int get_enum(struct ctx *c, json_t *o, const char *key, const char *const *names, int n, int *out);
void set_where(struct ctx *c, const char *section, size_t i, json_t *item, const char *idkey);
json_t *section(struct ctx *c, json_t *root, const char *name, int want_array);
int check_unique(struct ctx *c, const char *section, const char *const *ids, size_t n);
int find_class(const struct mg_kb *kb, const char *name); /* interaction class index or -1 */
int get_pred(struct ctx *c, json_t *o, struct mg_pred *p, int depth);

extern const char *const verdict_names[4];
extern const char *const severity_names[4];

/* The loaders of the other files. */
int mg_kbl_load_interactions(struct ctx *c, json_t *root);
int mg_kbl_load_medicines(struct ctx *c, json_t *root);
int mg_kbl_build_fragments(struct mg_kb *kb, struct mg_error *err);
int mg_kbl_load_terminology(struct ctx *c, json_t *root);

#endif
