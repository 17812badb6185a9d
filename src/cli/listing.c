/* Options shared by the listing commands (diary, diet): --from DATE,
 * --to DATE and --format. */
#include "cli.h"

#include <mgsleep/night.h>

#include <stdio.h>
#include <string.h>

int cli_listing_options(int argc, char **argv, const char *const *formats, struct cli_listing *o, int *status)
{
	for (int i = 1; i < argc; i++) {
		const char *v, **slot = NULL;
		int32_t d;
		int r;
		if ((r = cli_opt(argc, argv, &i, "from", &v, status)) > 0)
			slot = &o->from;
		else if (!r && (r = cli_opt(argc, argv, &i, "to", &v, status)) > 0)
			slot = &o->to;
		if (slot) {
			if (mg_date_parse(v, &d)) {
				*status = cli_error(EXIT_USAGE, "--%s: accepted: a date YYYY-MM-DD", slot == &o->from ? "from" : "to");
				return -1;
			}
			*slot = v;
		} else if (!r && (r = cli_opt(argc, argv, &i, "format", &v, status)) > 0) {
			size_t k;
			for (k = 0; formats[k] && strcmp(v, formats[k]); k++)
				;
			if (!formats[k]) {
				char list[64] = "";
				for (k = 0; formats[k]; k++)
					snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "", formats[k]);
				*status = cli_error(EXIT_USAGE, "--format: accepted: %s", list);
				return -1;
			}
			o->format = v;
		}
		if (r < 0)
			return -1;
		if (r == 0) {
			*status = cli_unknown(argv[0], i, "accepted: --from, --to, --format");
			return -1;
		}
	}
	return 0;
}
