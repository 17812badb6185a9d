/* Placeholder: being written (issue 4). */
#include "import_internal.h"

int mg_import_fitbit(struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *s, struct mg_error *err)
{
	(void)o;
	(void)s;
	return mg_fail(err, MG_EINVAL, r->name, "%s: this format is not supported yet", r->name);
}

