/* Readers, names and the small shared pieces of the import interface. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

static const char *const stage_names[MG_STAGE_COUNT] = {
	"in_bed", "asleep", "asleep_unspecified", "awake", "light", "deep", "rem",
};

const char *mg_stage_name(int stage)
{
	return stage >= 0 && stage < MG_STAGE_COUNT ? stage_names[stage] : "unknown";
}

int mg_stage_is_asleep(int stage)
{
	return stage == MG_STAGE_ASLEEP || stage == MG_STAGE_ASLEEP_UNSPECIFIED || stage == MG_STAGE_LIGHT ||
	       stage == MG_STAGE_DEEP || stage == MG_STAGE_REM;
}

const char *mg_device_kind_name(int kind)
{
	static const char *const n[] = {"wearable", "phone", "app", "other"};
	return kind >= 0 && kind <= MG_DEV_OTHER ? n[kind] : "other";
}

const char *mg_format_name(int fmt)
{
	switch (fmt) {
	case MG_FMT_APPLE_XML: return "Apple Health XML";
	case MG_FMT_FITBIT_JSON: return "Fitbit sleep JSON";
	case MG_FMT_OURA_JSON: return "Oura sleep JSON";
	case MG_FMT_OURA_CSV: return "Oura sleep CSV";
	case MG_FMT_SAA_CSV: return "Sleep as Android CSV";
	case MG_FMT_GENERIC_CSV: return "CSV";
	case MG_FMT_ZIP: return "zip archive";
	default: return "unknown";
	}
}

ssize_t mg_reader_read(struct mg_reader *r, char *buf, size_t cap, struct mg_error *err)
{
	ssize_t n = r->read(r->ctx, buf, cap, err);
	if (n > 0) {
		r->offset += (uint64_t)n;
		if (r->progress)
			r->progress(r->pctx, r->offset, r->size);
	}
	return n;
}

static ssize_t mem_read(void *ctx, char *buf, size_t cap, struct mg_error *err)
{
	struct mg_reader_memctx *m = ctx;
	size_t n = m->left < cap ? m->left : cap;
	(void)err;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (ssize_t)n;
}

void mg_reader_mem(struct mg_reader *r, struct mg_reader_memctx *m, const char *name, const void *data, size_t len)
{
	memset(r, 0, sizeof *r);
	m->p = data;
	m->left = len;
	r->name = name;
	r->size = (int64_t)len;
	r->read = mem_read;
	r->ctx = m;
}

int mg_reader_slurp(struct mg_reader *r, size_t max, char **out, size_t *len, struct mg_error *err)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	int rc = 0;
	if (!buf)
		return mg_fail(err, MG_ENOMEM, r->name, "%s: out of memory", r->name);
	for (;;) {
		ssize_t k;
		if (n == cap) {
			char *nb;
			if (cap > max) {
				rc = mg_fail(err, MG_ETOOBIG, r->name, "%s: larger than %zu MiB, the most read as one document",
					     r->name, max >> 20);
				goto out;
			}
			cap = cap * 2 > max ? max + 1 : cap * 2; /* one byte more tells "exactly max" from "more" */
			if (!(nb = realloc(buf, cap + 1))) {
				rc = mg_fail(err, MG_ENOMEM, r->name, "%s: out of memory", r->name);
				goto out;
			}
			buf = nb;
		}
		k = mg_reader_read(r, buf + n, cap - n, err);
		if (k < 0) {
			rc = (int)k;
			goto out;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	return rc;
}

int mg_import_json_fail(struct mg_error *err, const char *name, const json_error_t *je)
{
	char text[JSON_ERROR_TEXT_LENGTH];
	char *near;
	snprintf(text, sizeof text, "%s", je->text);
	if ((near = strstr(text, " near ")))
		*near = '\0';
	return mg_fail(err, MG_EPARSE, name, "%s: not valid JSON at line %d, column %d: %s", name, je->line, je->column,
		       text);
}
