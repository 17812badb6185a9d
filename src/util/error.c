#include <mgsleep/error.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *mg_strerror(int code)
{
	switch (code) {
	case MG_OK:
		return "success";
#define XX(name, val, str) \
	case MG_##name:    \
		return str;
		MG_ERRNO_MAP(XX)
#undef XX
	default:
		return "unknown error";
	}
}

int mg_fail(struct mg_error *err, int code, const char *field, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	/* One line, always: a message must never smuggle a newline to stderr. */
	for (char *p = err->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return code;
}
