/* Profile input shared by `advise` and `profile set`: a JSON file and flags. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROFILE_BYTES (1u << 20)

int cli_profile_file(const char *path, const struct mg_kb *kb, struct mg_profile *p, int *status)
{
	struct mg_error err = {0};
	size_t len;
	char *json = cli_read_file(path, MAX_PROFILE_BYTES, &len, "--profile", status);
	if (!json)
		return -1;
	int r = mg_profile_load_json(p, kb, json, len, &err);
	free(json);
	if (r) {
		*status = cli_error(EXIT_USAGE, "--profile '%s': %s", path, err.msg);
		return -1;
	}
	return 0;
}

int cli_profile_flags(int argc, char **argv, const struct mg_kb *kb, struct mg_profile *p,
		      int (*other)(void *ctx, int argc, char **argv, int *i, int *status), void *ctx, int *status)
{
	struct mg_error err = {0};
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		int r = other ? other(ctx, argc, argv, &i, status) : 0;
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (strncmp(arg, "--", 2)) {
			*status = cli_unknown(argv[0], i, "options start with --, see 'mgsleep help'");
			return -1;
		}
		char name[64];
		const char *eq = strchr(arg + 2, '=');
		size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		snprintf(name, sizeof name, "%.*s", (int)n, arg + 2);
		int kind = mg_profile_field_kind(name);
		if (kind == 0) {
			*status = cli_error(EXIT_USAGE, "%s: argument %d is not an option it accepts; see 'mgsleep help %s'",
					    argv[0], i, argv[0]);
			return -1;
		}
		if (kind == 2 && !eq)
			v = NULL;
		else if (cli_opt(argc, argv, &i, name, &v, status) < 0)
			return -1;
		if (mg_profile_set(p, kb, name, v, &err)) {
			*status = cli_fail(&err);
			return -1;
		}
	}
	if (mg_profile_check(p, &err)) {
		*status = cli_fail(&err);
		return -1;
	}
	return 0;
}
