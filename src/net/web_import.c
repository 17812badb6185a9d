/* POST /api/import: an export uploaded as multipart/form-data, streamed to
 * a private temporary file as it arrives (web_multipart.h over the
 * server's upload sink), then read by the importers exactly as 'mgsleep
 * import FILE' reads it, in one transaction, with its JSON report.
 * Form fields: file (the export; required), dry_run ("1"/"true"),
 * prefer_source, tz, and for a CSV of no known layout map and source, as
 * 'import --map SPEC --source NAME' takes them. */
#include "web_internal.h"
#include "web_multipart.h"

#include "../cli/cli.h" /* cli_import_report_json, cli_now */

#include <mgsleep/import.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIELD_MAX 512 /* a map names up to four columns */

enum part { P_NONE, P_FILE, P_DRY_RUN, P_PREFER, P_TZ, P_MAP, P_SOURCE };

struct upload {
	struct mg_multipart *mp;
	char dir[256], path[300], name[256];
	int fd;
	enum part part;
	int have_file, failed;
	struct mg_error err;
	char fields[P_SOURCE + 1][FIELD_MAX]; /* the short text fields */
	size_t field_len;
};

static int on_part(void *ctx, const char *name, const char *filename)
{
	struct upload *u = ctx;
	u->field_len = 0;
	u->part = !strcmp(name, "file") ? P_FILE
		  : !strcmp(name, "dry_run") ? P_DRY_RUN
		  : !strcmp(name, "prefer_source") ? P_PREFER
		  : !strcmp(name, "tz") ? P_TZ
		  : !strcmp(name, "map") ? P_MAP
		  : !strcmp(name, "source") ? P_SOURCE
					 : P_NONE;
	if (u->part != P_FILE)
		return 0;
	if (u->have_file)
		return mg_fail(&u->err, MG_EINVAL, "file", "file: accepted: one file per upload"), -1;
	/* The name as shown in the import's list of files: printable ASCII only. */
	size_t k = 0;
	for (const char *s = filename; *s && k < sizeof u->name - 1; s++)
		if (*s > 0x20 && *s < 0x7f && *s != '/' && *s != '\\')
			u->name[k++] = *s;
	u->name[k] = 0;
	if (!k)
		snprintf(u->name, sizeof u->name, "upload");
	snprintf(u->path, sizeof u->path, "%s/upload", u->dir);
	u->fd = open(u->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (u->fd < 0)
		return mg_fail(&u->err, MG_EIO, "file", "file: cannot write the temporary copy: %s", strerror(errno)), -1;
	u->have_file = 1;
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	struct upload *u = ctx;
	if (u->part == P_FILE) {
		while (len) {
			ssize_t n = write(u->fd, data, len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return mg_fail(&u->err, MG_EIO, "file", "file: cannot write the temporary copy: %s",
					       strerror(errno)), -1;
			data += n, len -= (size_t)n;
		}
		return 0;
	}
	if (u->part == P_NONE)
		return 0;
	if (u->field_len + len >= FIELD_MAX)
		return mg_fail(&u->err, MG_EINVAL, "body", "body: a form field is over %d bytes", FIELD_MAX - 1), -1;
	memcpy(u->fields[u->part] + u->field_len, data, len);
	u->field_len += len;
	u->fields[u->part][u->field_len] = 0;
	return 0;
}

static int sink_write(void *state, const char *data, size_t len)
{
	struct upload *u = state;
	struct mg_error e = {0};
	if (u->failed)
		return -1;
	if (mg_multipart_feed(u->mp, data, len, &e)) {
		u->failed = 1;
		if (!u->err.code)
			u->err = e;
		return -1;
	}
	return 0;
}

static void sink_close(void *state)
{
	struct upload *u = state;
	if (!u)
		return;
	if (u->fd >= 0)
		close(u->fd);
	if (u->have_file)
		unlink(u->path);
	if (u->dir[0])
		rmdir(u->dir);
	mg_multipart_free(u->mp);
	free(u);
}

/* The importer's message names the temporary copy: name the upload instead. */
static const char *renamed(const char *m, const char *path, const char *name, char *out, size_t n)
{
	const char *at = strstr(m, path);
	if (!at)
		return m;
	snprintf(out, n, "%.*s%s%s", (int)(at - m), m, name, at + strlen(path));
	return out;
}

int web_import_sink(struct mg_web *w, const struct mg_http_request *req, struct mg_http_sink *sink,
		    struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct upload *u = calloc(1, sizeof *u);
	res->route = "import";
	if (!u) {
		web_error(res, 500, "", "out of memory");
		return -1;
	}
	u->fd = -1;
	struct mg_multipart_cb cb = {on_part, on_data, u};
	if (mg_multipart_new(&u->mp, mg_http_header(req, "Content-Type"), &cb, &err)) {
		sink_close(u);
		web_error(res, err.code == MG_EINVAL ? 415 : 500, err.field, err.msg);
		return -1;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(u->dir, sizeof u->dir, "%s/mgsleep-upload-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(u->dir)) {
		u->dir[0] = 0;
		sink_close(u);
		web_error(res, 500, "file", "file: cannot make a temporary folder for the upload");
		return -1;
	}
	sink->max = w->o.max_upload;
	sink->write = sink_write;
	sink->close = sink_close;
	sink->state = u;
	return 1;
}

void web_import(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct upload *u = req->upload;
	struct mg_error err = {0};
	struct mg_db_import *im = NULL;
	struct mg_buf names = MG_BUF_INIT;
	int began = 0;
	char msg[sizeof err.msg + 256];
	res->route = "import";
	if (u->failed || mg_multipart_finish(u->mp, &err)) {
		web_fail(res, u->failed ? &u->err : &err);
		goto out;
	}
	if (!u->have_file) {
		web_error(res, 400, "file", "file: missing; send the export as the form field 'file'");
		goto out;
	}
	close(u->fd);
	u->fd = -1;
	const char *dry = u->fields[P_DRY_RUN];
	int dry_run = !strcmp(dry, "1") || !strcmp(dry, "true") || !strcmp(dry, "on");
	struct mg_import_opts o = {u->fields[P_TZ][0] ? u->fields[P_TZ] : NULL,
				   u->fields[P_MAP][0] ? u->fields[P_MAP] : NULL,
				   u->fields[P_SOURCE][0] ? u->fields[P_SOURCE] : NULL};
	const char *prefer = u->fields[P_PREFER][0] ? u->fields[P_PREFER] : NULL;
	if (mg_tz_check(o.tz, &err)) {
		web_error(res, 400, "tz", "tz: not a time zone this computer knows");
		goto out;
	}
	if (mg_db_begin(w->db, &err)) {
		web_fail(res, &err);
		goto out;
	}
	began = 1;
	if (mg_db_import_start(w->db, cli_now(), &im, &err) ||
	    mg_import_path(u->path, &o, mg_db_import_sink(im), NULL, NULL, NULL, NULL, &err)) {
		/* The parsers name the file in err.field; say "file" instead of
		 * the temporary path. */
		int ours = err.code == MG_ENOMEM || !err.field[0] || !strcmp(err.field, "store");
		int map = !strcmp(err.field, "map");
		char msg2[sizeof msg];
		if (ours)
			web_fail(res, &err);
		else /* the map's errors say "--map", the CLI's flag: here it is the field map */
			web_error(res, 400, map ? "map" : "file",
				  renamed(renamed(err.msg, u->path, u->name, msg, sizeof msg), "--map", "map", msg2,
					  sizeof msg2));
		goto out;
	}
	mg_buf_putc(&names, '[');
	mg_buf_put_json_str(&names, u->name);
	mg_buf_putc(&names, ']');
	if (names.failed || mg_db_import_finish(im, names.data, prefer, &err)) {
		web_fail(res, &err);
		goto out;
	}
	web_json(res);
	cli_import_report_json(&res->body, im, dry_run);
	if (dry_run) {
		mg_db_rollback(w->db);
	} else if (mg_db_commit(w->db, &err)) {
		web_fail(res, &err);
		goto out;
	}
	began = 0;
out:
	if (began)
		mg_db_rollback(w->db);
	mg_db_import_free(im);
	mg_buf_release(&names);
}
