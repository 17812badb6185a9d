/* The built-in KB, loaded once per fuzzing process (as the CLI does), for
 * the targets that advise. */
#ifndef MG_FUZZ_BUILTIN_KB_H
#define MG_FUZZ_BUILTIN_KB_H

#include <mgsleep/kb.h>

#include <stdlib.h>

static const struct mg_kb *builtin_kb(void)
{
	static struct mg_kb *kb;
	if (!kb) {
		struct mg_error err = {0};
		if (mg_kb_load_builtin(&kb, &err))
			abort(); /* the embedded KB was validated at build time */
	}
	return kb;
}

#endif
