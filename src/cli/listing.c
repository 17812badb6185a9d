/* Options shared by the listing commands (diary, diet, food list): --from
 * DATE, --to DATE and --format. */
#include "cli.h"

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
