/* jansson's json_object() for the library, found in jansson itself.
 *
 * The postgres binary exports a json_object of its own (the SQL function
 * json_object(text[]), fmgrprotos.h), and the dynamic linker lets that
 * unversioned definition satisfy our reference to jansson's versioned
 * json_object@libjansson.so.4: the extension loaded a KB folder
 * (mgsleep.kb_dir, mg_kb_load_dir) by calling PostgreSQL's function and the
 * backend died of a segmentation fault. pg/Makefile links with
 * -Wl,--wrap=json_object, so the library's calls come here, and this looks
 * the symbol up in jansson's own scope. tests/pg/run.sh checks that no other
 * jansson or libsodium symbol the extension uses is also exported by postgres.
 * No PostgreSQL header here: utils/builtins.h declares that other json_object. */
#include <dlfcn.h>
#include <stddef.h>

#define JANSSON_SONAME "libjansson.so.4"

void *__wrap_json_object(void);

void *__wrap_json_object(void)
{
	static void *(*real)(void);
	if (!real) {
		/* Already loaded: mgsleep.so depends on it. */
		void *h = dlopen(JANSSON_SONAME, RTLD_NOW | RTLD_NOLOAD);
		if (h) {
			*(void **)&real = dlsym(h, "json_object");
			dlclose(h);
		}
		if (!real)
			return NULL; /* the library treats it as out of memory */
	}
	return real();
}
