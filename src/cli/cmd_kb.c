/* mgsleep kb: validate a knowledge-base directory, or describe the one in use. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

const struct cli_help cli_help_kb = {
	"usage: mgsleep kb check DIR\n"
	"       mgsleep kb info [--kb DIR]\n",
	{NULL},
	NULL,
};

int cmd_kb(int argc, char **argv, struct mg_cli *cli)
{
	int status = EXIT_OK;
	if (argc >= 2 && !strcmp(argv[1], "check")) {
		if (argc != 3)
			return cli_error(EXIT_USAGE, "kb check: needs one directory");
		cli->kb_dir = argv[2];
	} else if (argc == 2 && !strcmp(argv[1], "info")) {
		/* --kb DIR was taken by main */
	} else {
		return cli_error(EXIT_USAGE, "kb: accepted subcommands: check DIR, info");
	}
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	printf("%s: knowledge base %s, sha256 %s\n", argv[1][0] == 'c' ? "ok" : mg_kb_origin(kb), mg_kb_version(kb),
	       mg_kb_hash(kb));
	printf("%zu sources, %zu compounds\n", mg_kb_source_count(kb), mg_kb_compound_count(kb));
	if (argv[1][0] == 'i')
		for (size_t i = 0; i < mg_kb_source_count(kb); i++) {
			const struct mg_source *s = mg_kb_source(kb, i);
			printf("%s  %s (%s)\n", s->id, s->citation, s->status);
		}
	return EXIT_OK;
}
