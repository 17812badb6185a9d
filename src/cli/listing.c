/* Options shared by the listing commands (diary, diet, food list): --from
 * DATE, --to DATE and --format. */
#include "cli.h"

#include <mgsleep/night.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const text_json_csv[] = {"text", "json", "csv", NULL};

#define LISTING_DATES                                                                                           \
	CLI_OPT_DATE(struct cli_listing, from, "from", "only days from this date (YYYY-MM-DD)"),                 \
		CLI_OPT_DATE(struct cli_listing, to, "to", "only days up to this date")

const struct cli_option cli_listing_options[] = {
	LISTING_DATES,
	CLI_OPT_ENUM(struct cli_listing, format, "format", cli_text_json, "output (default text)"),
	CLI_OPT_END(),
};

const struct cli_option cli_listing_csv_options[] = {
	LISTING_DATES,
	CLI_OPT_ENUM(struct cli_listing, format, "format", text_json_csv, "output (default text)"),
	CLI_OPT_END(),
};

int cli_night_entry(json_t *night, struct mg_night_entry *e)
{
	json_t *entry = json_object_get(night, "entry");
	/* Back to text: the entry's format has one reader, in src/core/night.c. */
	char *text = entry ? json_dumps(entry, JSON_COMPACT) : NULL;
	int r = mg_night_entry_read(text, text ? strlen(text) : 0, e, NULL);
	free(text);
	return entry && !r ? 0 : -1;
}
