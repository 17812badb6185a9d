/* GET /api/export (json, fhir, csv) and GET /api/backup: the store taken out
 * as a download, each exactly as the command named beside it makes it.
 *
 * The CSV export is a folder of files in the CLI; over HTTP it is one zip
 * holding the same files, byte for byte (cli_export_csv_tables). The zip is
 * written here (PKWARE APPNOTE.TXT 6.3, sections 4.3-4.4: local headers,
 * central directory, end record; deflated with zlib, no ZIP64: the tables of
 * a store are far below 4 GB and the buffer cap refuses more). */
#include "web_internal.h"

#include "../cli/cli.h" /* cli_export_csv_tables, cli_export_fhir_e */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static void le16(struct mg_buf *b, unsigned v)
{
	mg_buf_putc(b, (char)(v & 0xff));
	mg_buf_putc(b, (char)(v >> 8 & 0xff));
}

static void le32(struct mg_buf *b, unsigned long v)
{
	le16(b, (unsigned)(v & 0xffff));
	le16(b, (unsigned)(v >> 16 & 0xffff));
}

/* The fields a local header and its central directory entry share
 * (APPNOTE 4.3.7 from "version needed" on). */
static void zip_common(struct mg_buf *b, unsigned dtime, unsigned ddate, unsigned long crc, size_t csize,
		       size_t usize, size_t name_len)
{
	le16(b, 20); /* version needed: 2.0, deflate */
	le16(b, 0);  /* flags: names are ASCII */
	le16(b, 8);  /* deflated */
	le16(b, dtime);
	le16(b, ddate);
	le32(b, crc);
	le32(b, (unsigned long)csize);
	le32(b, (unsigned long)usize);
	le16(b, (unsigned)name_len);
	le16(b, 0); /* no extra field */
}

/* A zip of n members (names[i], data[i]) into out, dated at t (local time,
 * as zip tools show it). 0, or MG_ENOMEM / MG_ETOOBIG. */
static int zip_write(struct mg_buf *out, const char *const *names, const struct mg_buf *data, int n, time_t t)
{
	struct mg_buf cd = MG_BUF_INIT;
	struct tm tm;
	int r = 0;
	localtime_r(&t, &tm);
	unsigned dtime = (unsigned)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	unsigned ddate = (unsigned)((tm.tm_year < 80 ? 0 : tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	for (int i = 0; i < n && !r; i++) {
		const unsigned char *src = (const unsigned char *)(data[i].data ? data[i].data : "");
		size_t len = data[i].len, off = out->len, nl = strlen(names[i]);
		unsigned char *z = NULL;
		z_stream zs = {0};
		if (len > 0x7fffffffu) {
			r = MG_ETOOBIG;
			break;
		}
		unsigned long crc = crc32(0L, src, (uInt)len);
		if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			r = MG_ENOMEM;
			break;
		}
		uLong cap = deflateBound(&zs, (uLong)len);
		if (!(z = malloc(cap))) {
			deflateEnd(&zs);
			r = MG_ENOMEM;
			break;
		}
		zs.next_in = (unsigned char *)(uintptr_t)src;
		zs.avail_in = (uInt)len;
		zs.next_out = z;
		zs.avail_out = (uInt)cap;
		int done = deflate(&zs, Z_FINISH) == Z_STREAM_END;
		size_t clen = zs.total_out;
		deflateEnd(&zs);
		if (!done) {
			free(z);
			r = MG_ENOMEM;
			break;
		}
		le32(out, 0x04034b50);
		zip_common(out, dtime, ddate, crc, clen, len, nl);
		mg_buf_add(out, names[i], nl);
		mg_buf_add(out, (const char *)z, clen);
		free(z);
		le32(&cd, 0x02014b50);
		le16(&cd, 20); /* made by: MS-DOS attributes, 2.0 */
		zip_common(&cd, dtime, ddate, crc, clen, len, nl);
		le16(&cd, 0);  /* comment */
		le16(&cd, 0);  /* disk */
		le16(&cd, 0);  /* internal attributes */
		le32(&cd, 0);  /* external attributes */
		le32(&cd, (unsigned long)off);
		mg_buf_add(&cd, names[i], nl);
	}
	size_t cd_off = out->len;
	mg_buf_add(out, cd.data ? cd.data : "", cd.len);
	le32(out, 0x06054b50);
	le16(out, 0);
	le16(out, 0);
	le16(out, (unsigned)n);
	le16(out, (unsigned)n);
	le32(out, (unsigned long)cd.len);
	le32(out, (unsigned long)cd_off);
	le16(out, 0);
	if (!r && (cd.failed || out->failed))
		r = MG_ENOMEM;
	mg_buf_release(&cd);
	return r;
}

/* 'export --format csv --out DIR' as DIR's files in one zip. */
static int export_csv_zip(const char *json, struct mg_buf *out, struct mg_error *err)
{
	struct mg_buf t[CLI_CSV_TABLES] = {MG_BUF_INIT, MG_BUF_INIT, MG_BUF_INIT};
	int r = cli_export_csv_tables(json, t);
	if (!r)
		r = zip_write(out, cli_export_csv_names, t, CLI_CSV_TABLES, time(NULL));
	for (int k = 0; k < CLI_CSV_TABLES; k++)
		mg_buf_release(&t[k]);
	return r ? mg_fail(err, r, "export", "export: the zip could not be made (out of memory, or over 2 GB)") : 0;
}

/* GET /api/export?format=json|fhir|csv: 'export', 'export --format fhir',
 * 'export --format csv' (zipped), everything in the store, as a download. */
void web_export(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	struct mg_buf json = MG_BUF_INIT;
	const char *f = mg_http_query(req, "format");
	int fhir = f && !strcmp(f, "fhir"), csv = f && !strcmp(f, "csv");
	if (!web_method(req, res, "GET"))
		return;
	if (f && strcmp(f, "json") && !fhir && !csv) {
		web_error(res, 400, "format", "format: accepted: json, fhir, csv");
		return;
	}
	/* FHIR needs only the profile and questionnaires of the export (the
	 * nights are read typed): the shorter export, as 'export --format fhir'. */
	if ((fhir ? mg_db_export_profile_json(w->db, &json, &err)
		  : mg_db_export_json(w->db, csv ? &json : &res->body, &err)) ||
	    (fhir && cli_export_fhir_e(w->db, w->o.kb, json.data, &res->body, &err)) ||
	    (csv && export_csv_zip(json.data, &res->body, &err))) {
		web_fail(res, &err);
	} else {
		res->content_type = fhir ? "application/fhir+json" : csv ? "application/zip" : "application/json";
		mg_http_set_header(res, "Content-Disposition",
				   fhir  ? "attachment; filename=\"mgsleep-fhir.json\""
				   : csv ? "attachment; filename=\"mgsleep-export.zip\""
					 : "attachment; filename=\"mgsleep-export.json\"");
	}
	mg_buf_release(&json);
}

/* GET /api/backup: 'mgsleep backup FILE' (mg_db_backup: SQLite's online
 * backup, or the sealed copy of an encrypted store, same passphrase) into a
 * private temporary folder, then sent from the open file, which is unlinked
 * first: nothing is left behind, whatever happens to the connection. */
void web_backup(struct mg_web *w, const struct mg_http_request *req, struct mg_http_response *res)
{
	struct mg_error err = {0};
	char dir[256], path[300];
	struct stat st;
	int fd = -1;
	if (!web_method(req, res, "GET"))
		return;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/mgsleep-backup-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		web_error(res, 500, "backup", "backup: cannot make a temporary folder");
		return;
	}
	snprintf(path, sizeof path, "%s/mgsleep-backup.db", dir);
	if (mg_db_backup(w->db, path, &err)) {
		/* The message names the temporary path: not the user's business. */
		web_error(res, 500, "backup", "backup: the copy failed");
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st)) {
		web_error(res, 500, "backup", "backup: cannot read the copy");
	} else {
		res->content_type = "application/vnd.sqlite3";
		mg_http_set_header(res, "Content-Disposition", "attachment; filename=\"mgsleep-backup.db\"");
		mg_http_send_fd(res, fd, (uint64_t)st.st_size);
		fd = -1;
	}
	if (fd >= 0)
		close(fd);
	unlink(path);
	rmdir(dir);
}
