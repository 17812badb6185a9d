/* Placeholder: being written (issue 4). */
#include "import_internal.h"

int mg_import_sniff(const char *head, size_t len, int has_map)
{
	(void)head;
	(void)len;
	(void)has_map;
	return MG_FMT_UNKNOWN;
}
