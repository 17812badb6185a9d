/* multipart/form-data, streamed (web_multipart.h). The body is read as if a
 * CRLF came before it, so the first boundary is found by the same search as
 * every later one ("\r\n--BOUNDARY"); bytes that might begin a boundary are
 * held back until the next chunk decides. */
#include "web_multipart.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HEADERS_MAX 8192
#define BUF_CAP 16384 /* > HEADERS_MAX + the longest delimiter */
#define NAME_MAX_LEN 255

enum state { PREAMBLE, AFTER_DELIM, HEADERS, BODY, END, FAILED };

struct mg_multipart {
	struct mg_multipart_cb cb;
	enum state st;
	char delim[80]; /* "\r\n--" boundary */
	size_t dlen;
	char buf[BUF_CAP];
	size_t len;      /* bytes held in buf */
	size_t offset;   /* body offset of buf[0], for messages (minus the virtual CRLF) */
	struct mg_error failure;
};

/* The boundary parameter, quoted or not (RFC 2046 5.1.1: 1 to 70
 * characters). */
static int boundary_of(const char *ct, char *out, size_t n)
{
	while (isspace((unsigned char)*ct))
		ct++;
	if (strncasecmp(ct, "multipart/form-data", 19))
		return -1;
	for (const char *p = ct + 19; (p = strchr(p, ';'));) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9))
			continue;
		p += 9;
		size_t k = 0;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (k < n - 1)
					out[k++] = *p;
				else
					return -1;
			if (*p != '"')
				return -1;
		} else {
			for (; *p && *p != ';' && *p != ' ' && *p != '\t'; p++)
				if (k < n - 1)
					out[k++] = *p;
				else
					return -1;
		}
		out[k] = 0;
		return k >= 1 && k <= 70 ? 0 : -1;
	}
	return -1;
}

int mg_multipart_new(struct mg_multipart **out, const char *content_type, const struct mg_multipart_cb *cb,
		     struct mg_error *err)
{
	char b[72];
	*out = NULL;
	if (!content_type || boundary_of(content_type, b, sizeof b))
		return mg_fail(err, MG_EINVAL, "Content-Type",
			       "Content-Type: accepted: multipart/form-data with a boundary of 1 to 70 characters");
	struct mg_multipart *m = calloc(1, sizeof *m);
	if (!m)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	m->cb = *cb;
	m->dlen = (size_t)snprintf(m->delim, sizeof m->delim, "\r\n--%s", b);
	memcpy(m->buf, "\r\n", 2);
	m->len = 2;
	*out = m;
	return 0;
}

static long find(const char *h, size_t hl, const char *n, size_t nl)
{
	for (size_t i = 0; i + nl <= hl; i++) {
		const char *c = memchr(h + i, n[0], hl - nl - i + 1);
		if (!c)
			return -1;
		i = (size_t)(c - h);
		if (!memcmp(c, n, nl))
			return (long)i;
	}
	return -1;
}

static int fail(struct mg_multipart *m, struct mg_error *err, int code, size_t at, const char *what)
{
	m->st = FAILED;
	/* at counts the virtual CRLF */
	mg_fail(&m->failure, code, "body", "body: %s (byte %zu)", what, at >= 2 ? at - 2 : 0);
	if (err)
		*err = m->failure;
	return code;
}

/* A Content-Disposition parameter (name= or filename=), quoted or token,
 * with quotes and control characters left out. */
static void param(const char *line, size_t n, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key), k = 0;
	out[0] = 0;
	for (size_t i = 0; i + kl < n; i++) {
		if ((i && line[i - 1] != ';' && line[i - 1] != ' ' && line[i - 1] != '\t') ||
		    strncasecmp(line + i, key, kl) || line[i + kl] != '=')
			continue;
		size_t j = i + kl + 1;
		int quoted = j < n && line[j] == '"';
		for (j += (size_t)quoted; j < n; j++) {
			unsigned char c = (unsigned char)line[j];
			if (quoted ? c == '"' : (c == ';' || c == ' ' || c == '\t'))
				break;
			if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\' && k < cap - 1)
				out[k++] = (char)c;
		}
		out[k] = 0;
		return;
	}
}

static int part_headers(struct mg_multipart *m, const char *h, size_t n)
{
	char name[NAME_MAX_LEN + 1] = "", filename[NAME_MAX_LEN + 1] = "";
	for (size_t i = 0; i < n;) {
		const char *eol = memchr(h + i, '\n', n - i);
		size_t ll = eol ? (size_t)(eol - (h + i)) : n - i;
		if (ll > 20 && !strncasecmp(h + i, "content-disposition:", 20)) {
			param(h + i + 20, ll - 20, "name", name, sizeof name);
			param(h + i + 20, ll - 20, "filename", filename, sizeof filename);
		}
		i += ll + 1;
	}
	return m->cb.part ? m->cb.part(m->cb.ctx, name, filename) : 0;
}

/* Consume what can be decided from buf; the number of bytes used, 0 when
 * more input is needed, or -1 after an error. */
static long step(struct mg_multipart *m, struct mg_error *err)
{
	char *b = m->buf;
	size_t len = m->len;
	switch (m->st) {
	case PREAMBLE:
	case BODY: {
		long at = find(b, len, m->delim, m->dlen);
		size_t emit = at >= 0 ? (size_t)at : (len >= m->dlen ? len - (m->dlen - 1) : 0);
		if (m->st == BODY && emit && m->cb.data && m->cb.data(m->cb.ctx, b, emit))
			return fail(m, err, MG_EINVAL, m->offset, "the upload was stopped"), -1;
		if (at < 0)
			return (long)emit;
		m->st = AFTER_DELIM;
		return (long)(emit + m->dlen);
	}
	case AFTER_DELIM: {
		if (len >= 2 && b[0] == '-' && b[1] == '-') {
			m->st = END;
			return 2;
		}
		size_t i = 0;
		while (i < len && (b[i] == ' ' || b[i] == '\t'))
			i++;
		if (i + 2 > len) {
			if (len >= 256)
				return fail(m, err, MG_EPARSE, m->offset, "a boundary line does not end"), -1;
			return 0;
		}
		if (b[i] != '\r' || b[i + 1] != '\n')
			return fail(m, err, MG_EPARSE, m->offset + i, "a boundary line does not end with CRLF"), -1;
		m->st = HEADERS;
		return (long)(i + 2);
	}
	case HEADERS: {
		if (len >= 2 && b[0] == '\r' && b[1] == '\n') {
			m->st = BODY;
			return part_headers(m, b, 0) ? (fail(m, err, MG_EINVAL, m->offset, "the upload was stopped"), -1)
						       : 2;
		}
		long at = find(b, len < HEADERS_MAX ? len : HEADERS_MAX, "\r\n\r\n", 4);
		if (at < 0) {
			if (len >= HEADERS_MAX)
				return fail(m, err, MG_EPARSE, m->offset, "a part's headers are over 8 KiB"), -1;
			return 0;
		}
		m->st = BODY;
		if (part_headers(m, b, (size_t)at + 2))
			return fail(m, err, MG_EINVAL, m->offset, "the upload was stopped"), -1;
		return at + 4;
	}
	case END:
		return (long)len;
	case FAILED:
		return -1;
	}
	return -1;
}

int mg_multipart_feed(struct mg_multipart *m, const char *data, size_t len, struct mg_error *err)
{
	if (m->st == FAILED) {
		if (err)
			*err = m->failure;
		return m->failure.code;
	}
	while (len || m->len) {
		size_t take = BUF_CAP - m->len < len ? BUF_CAP - m->len : len;
		memcpy(m->buf + m->len, data, take);
		m->len += take, data += take, len -= take;
		long used;
		while (m->len && (used = step(m, err)) > 0) {
			memmove(m->buf, m->buf + used, m->len - (size_t)used);
			m->len -= (size_t)used;
			m->offset += (size_t)used;
		}
		if (m->st == FAILED)
			return m->failure.code;
		if (!len)
			break;
	}
	return 0;
}

int mg_multipart_finish(struct mg_multipart *m, struct mg_error *err)
{
	if (m->st == FAILED) {
		if (err)
			*err = m->failure;
		return m->failure.code;
	}
	if (m->st != END)
		return fail(m, err, MG_EPARSE, m->offset + m->len, "it ends before the closing boundary");
	return 0;
}

void mg_multipart_free(struct mg_multipart *m)
{
	free(m);
}
