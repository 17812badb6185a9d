/* Functions that write past a buffer, or truncate without saying so, are not
 * used in src/: snprintf (checked) or struct mg_buf (include/mgsleep/buf.h)
 * instead. meson.build force-includes this header (-include) into every
 * file of src/, so a call is a build error (-Werror) naming the rule; it
 * declares, never defines, so it works before or after the system headers
 * and whatever feature macros a file sets. */
#ifndef MG_BANNED_H
#define MG_BANNED_H

#define MG_BANNED __attribute__((deprecated("banned in mgsleep (src/util/banned.h): use snprintf or mg_buf")))

char *strcpy(char *dst, const char *src) MG_BANNED;
char *strcat(char *dst, const char *src) MG_BANNED;
int sprintf(char *dst, const char *fmt, ...) MG_BANNED;

#endif
