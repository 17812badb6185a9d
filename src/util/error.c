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

size_t mg_escape(char *dst, size_t cap, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	if (!cap)
		return 0;
	for (const unsigned char *p = (const unsigned char *)src; *p;) {
		/* C0 controls, DEL, and C1 controls in UTF-8 (C2 80..C2 9F; C2 9B
		 * is a terminal's CSI): each byte as \xNN. */
		int len = *p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f ? 2 : 1;
		int esc = len == 2 || *p < 0x20 || *p == 0x7f;
		if (n + (esc ? 4 * (size_t)len : 1) >= cap)
			break;
		for (int k = 0; k < len; k++, p++) {
			if (!esc) {
				dst[n++] = (char)*p;
				continue;
			}
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[*p >> 4];
			dst[n++] = hex[*p & 15];
		}
	}
	dst[n] = '\0';
	return n;
}

int mg_fail(struct mg_error *err, int code, const char *field, const char *fmt, ...)
{
	char raw[sizeof err->msg];
	if (!err)
		return code;
	err->code = code;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* One line, always: a message must never smuggle a newline or a
	 * terminal escape (a zip member's name, a file name) to stderr. */
	mg_escape(err->msg, sizeof err->msg, raw);
	return code;
}
