/* Error codes and the error record every fallible libmgsleep call fills.
 *
 * Functions return 0 on success or a negative MG_E* code. When the caller
 * passes a struct mg_error, it receives a one-line message that names the
 * offending field, file, line or byte offset (never the user's health data
 * beyond the field name). The library never prints and never exits. */
#ifndef MGSLEEP_ERROR_H
#define MGSLEEP_ERROR_H

#include <stddef.h>

#define MG_ERRNO_MAP(XX)                                   \
	XX(EINVAL, -1, "invalid input")                    \
	XX(ENOMEM, -2, "out of memory")                    \
	XX(EIO, -3, "input/output error")                  \
	XX(EPARSE, -4, "parse error")                      \
	XX(EKB, -5, "knowledge base error")                \
	XX(ETOOBIG, -6, "input too large")                \
	XX(EEXIST, -7, "already exists")                  \
	XX(ENODATA, -8, "not built in")

enum mg_errno {
	MG_OK = 0,
#define XX(name, val, str) MG_##name = (val),
	MG_ERRNO_MAP(XX)
#undef XX
};

struct mg_error {
	int code;        /* one of enum mg_errno */
	char field[64];  /* offending field, flag, file or item id ("" if none) */
	char msg[320];   /* one line, no trailing newline or full stop */
};

/* Human-readable name of a code ("invalid input"); never NULL. */
const char *mg_strerror(int code);

/* Copy src to dst (cap bytes, always terminated when cap > 0), writing
 * control characters (C0, DEL, and C1 encoded in UTF-8) as \xNN, so that the
 * text stays on one line and cannot drive a terminal. Stops before an
 * escape that would not fit. Returns the length written. */
size_t mg_escape(char *dst, size_t cap, const char *src);

/* Record an error and return code, so that `return mg_fail(...)` is one line.
 * err may be NULL. field may be NULL. The message is escaped (mg_escape). */
int mg_fail(struct mg_error *err, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
