/* Files, folders and zip archives: find the exports inside and hand each to
 * its parser as a stream.
 *
 * A zip is read one member at a time (zip.c); a member's first 64 KiB
 * decide its format (so a translated export.xml is found by its root element,
 * and export_cda.xml, GPX routes and prefs.xml are passed over unread). Then
 * the parser pulls the rest through the same reader: nothing is unpacked to
 * disk, and only a JSON document (capped at MG_IMPORT_JSON_MAX) is ever held
 * whole in memory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import_internal.h"

#define HEAD_MAX ((size_t)64 << 10)
#define DEPTH_MAX 16

struct src {
	char head[HEAD_MAX];
	size_t hlen, hpos;
	int fd;             /* plain file, or -1 */
	struct mg_zip *z;   /* zip member, or NULL */
	const char *name;
	/* progress over the whole outer file, in its bytes (compressed for zips) */
	void (*progress)(void *pctx, uint64_t done, int64_t total);
	void *pctx;
	int64_t total;
};

static ssize_t src_read(void *ctx, char *buf, size_t cap, struct mg_error *err)
{
	struct src *s = ctx;
	ssize_t n;
	if (s->hpos < s->hlen) {
		size_t k = s->hlen - s->hpos < cap ? s->hlen - s->hpos : cap;
		memcpy(buf, s->head + s->hpos, k);
		s->hpos += k;
		return (ssize_t)k;
	}
	if (s->z) {
		n = mg_zip_read(s->z, buf, cap, err);
		if (n > 0 && s->progress)
			s->progress(s->pctx, mg_zip_consumed(s->z), s->total);
		return n;
	}
	do
		n = read(s->fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return mg_fail(err, MG_EIO, s->name, "%s: cannot read: %s", s->name, strerror(errno));
	return n;
}

/* Fill the head buffer from the source (up to HEAD_MAX bytes). */
static int fill_head(struct src *s, struct mg_error *err)
{
	s->hlen = s->hpos = 0;
	while (s->hlen < HEAD_MAX) {
		ssize_t n;
		s->hpos = s->hlen; /* src_read serves the head first: skip it while filling */
		n = src_read(s, s->head + s->hlen, HEAD_MAX - s->hlen, err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		s->hlen += (size_t)n;
	}
	s->hpos = 0;
	return 0;
}

static int parse(int fmt, struct mg_reader *r, const struct mg_import_opts *o, const struct mg_import_sink *sk,
		 struct mg_error *err)
{
	switch (fmt) {
	case MG_FMT_APPLE_XML: return mg_import_apple(r, o, sk, err);
	case MG_FMT_FITBIT_JSON: return mg_import_fitbit(r, o, sk, err);
	case MG_FMT_OURA_JSON: return mg_import_oura_json(r, o, sk, err);
	case MG_FMT_OURA_CSV: return mg_import_oura_csv(r, o, sk, err);
	case MG_FMT_SAA_CSV: return mg_import_saa(r, o, sk, err);
	case MG_FMT_GENERIC_CSV: return mg_import_csv(r, o, sk, err);
	default: return mg_fail(err, MG_EINVAL, r->name, "%s: not a format mgsleep reads", r->name);
	}
}

struct walk {
	const struct mg_import_opts *o;
	const struct mg_import_sink *sk;
	void (*progress)(void *pctx, uint64_t done, int64_t total);
	void *pctx;
	void (*on_member)(void *pctx, const char *name, int fmt);
	unsigned ignored, parsed;
	int container; /* the path given is a folder or a zip */
	struct src *s; /* one 64 KiB scratch, reused */
	/* Folders already walked, by device and inode: each is read once, so
	 * links back up the tree (three links to "." once meant 3^16 visits)
	 * end the walk instead of multiplying it. */
	struct seen {
		dev_t dev;
		ino_t ino;
	} *seen;
	size_t nseen, capseen;
};

/* 1 if the folder was walked already, else remembers it: 0, or MG_ENOMEM. */
static int seen_before(struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return 1;
	if (w->nseen == w->capseen) {
		size_t cap = w->capseen ? w->capseen * 2 : 16;
		struct seen *p = realloc(w->seen, cap * sizeof *p);
		if (!p)
			return MG_ENOMEM;
		w->seen = p;
		w->capseen = cap;
	}
	w->seen[w->nseen].dev = st->st_dev;
	w->seen[w->nseen++].ino = st->st_ino;
	return 0;
}

static int import_zip(struct walk *w, const char *path, int fd, int64_t size, struct mg_error *err)
{
	struct mg_zip *z = NULL;
	const char *member;
	char name[1280];
	int rc, r;
	if ((rc = mg_zip_open(&z, fd, path, err)))
		return rc;
	w->container = 1;
	if (mg_zip_count(z) == 0) {
		rc = mg_fail(err, MG_EINVAL, path, "%s: the zip archive is empty", path);
		goto out;
	}
	while ((r = mg_zip_next(z, &member, err)) == 1) {
		struct mg_reader rd;
		int fmt;
		snprintf(name, sizeof name, "%s: %s", path, member);
		w->s->fd = -1;
		w->s->z = z;
		w->s->name = name;
		w->s->progress = w->progress;
		w->s->pctx = w->pctx;
		w->s->total = size;
		if ((rc = fill_head(w->s, err)))
			goto out;
		fmt = mg_import_sniff(w->s->head, w->s->hlen, w->o->map);
		if (fmt == MG_FMT_UNKNOWN || fmt == MG_FMT_ZIP) {
			w->ignored++;
			continue; /* the rest of the member is never inflated */
		}
		if (w->on_member)
			w->on_member(w->pctx, name, fmt);
		memset(&rd, 0, sizeof rd);
		rd.name = name;
		rd.size = -1;
		rd.read = src_read;
		rd.ctx = w->s;
		if ((rc = parse(fmt, &rd, w->o, w->sk, err)))
			goto out;
		w->parsed++;
	}
	rc = r;
out:
	mg_zip_close(z);
	return rc;
}

static int import_one(struct walk *w, const char *path, int depth, struct mg_error *err);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Members in name order, so an import's report is the same on every machine. */
static int import_dir(struct walk *w, const char *path, int depth, struct mg_error *err)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	if (!d)
		return mg_fail(err, MG_EIO, path, "%s: cannot open folder: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		char **nn;
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(nn = realloc(names, cap * sizeof *names))) {
				rc = mg_fail(err, MG_ENOMEM, path, "%s: out of memory", path);
				goto out;
			}
			names = nn;
		}
		size_t len = strlen(path) + strlen(de->d_name) + 2;
		if (!(names[n] = malloc(len))) {
			rc = mg_fail(err, MG_ENOMEM, path, "%s: out of memory", path);
			goto out;
		}
		snprintf(names[n++], len, "%s/%s", path, de->d_name);
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n && !rc; i++)
		rc = import_one(w, names[i], depth + 1, err);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static int import_one(struct walk *w, const char *path, int depth, struct mg_error *err)
{
	struct stat st;
	int fd = -1, rc = 0, fmt;
	struct mg_reader rd;
	if (depth > DEPTH_MAX)
		return 0;
	if (stat(path, &st))
		return mg_fail(err, MG_EIO, path, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		w->container = 1;
		if ((rc = seen_before(w, &st)) < 0)
			return mg_fail(err, MG_ENOMEM, path, "%s: out of memory", path);
		if (rc) {
			w->ignored++;
			return 0;
		}
		return import_dir(w, path, depth, err);
	}
	/* A device, FIFO or socket is never an export (/dev/null once imported
	 * as "nothing" and recorded a run): refused when named, passed over in
	 * a folder. */
	if (!S_ISREG(st.st_mode)) {
		if (depth == 0)
			return mg_fail(err, MG_EINVAL, path, "%s: not a file or folder (a device, pipe or socket)", path);
		w->ignored++;
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return mg_fail(err, MG_EIO, path, "%s: cannot open: %s", path, strerror(errno));
	w->s->fd = fd;
	w->s->z = NULL;
	w->s->name = path;
	w->s->progress = NULL;
	if ((rc = fill_head(w->s, err)))
		goto out;
	fmt = mg_import_sniff(w->s->head, w->s->hlen, w->o->map);
	if (fmt == MG_FMT_ZIP) {
		rc = import_zip(w, path, fd, (int64_t)st.st_size, err);
		goto out;
	}
	if (fmt == MG_FMT_UNKNOWN && depth == 0 && w->o->map)
		fmt = MG_FMT_GENERIC_CSV; /* a file named alone with --map: let the map's check speak */
	if (fmt == MG_FMT_UNKNOWN) {
		if (depth > 0) { /* inside a folder: not every file is a sleep export */
			w->ignored++;
			goto out;
		}
		rc = mg_fail(err, MG_EINVAL, path,
			     "%s: cannot tell the format (not Apple Health, Fitbit, Oura, Sleep as Android; "
			     "for another CSV give --map)",
			     path);
		goto out;
	}
	if (w->on_member)
		w->on_member(w->pctx, path, fmt);
	memset(&rd, 0, sizeof rd);
	rd.name = path;
	rd.size = (int64_t)st.st_size;
	rd.read = src_read;
	rd.ctx = w->s;
	rd.progress = w->progress;
	rd.pctx = w->pctx;
	rc = parse(fmt, &rd, w->o, w->sk, err);
	if (!rc)
		w->parsed++;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int mg_import_path(const char *path, const struct mg_import_opts *o, const struct mg_import_sink *s,
		   void (*progress)(void *pctx, uint64_t done, int64_t total), void *pctx,
		   void (*on_member)(void *pctx, const char *name, int fmt), unsigned *ignored,
		   struct mg_error *err)
{
	struct walk w = {o, s, progress, pctx, on_member, 0, 0, 0, NULL, NULL, 0, 0};
	int rc;
	if (!(w.s = malloc(sizeof *w.s)))
		return mg_fail(err, MG_ENOMEM, path, "out of memory");
	rc = import_one(&w, path, 0, err);
	/* A folder or zip holding no export is the wrong file, not an empty one. */
	if (!rc && w.parsed == 0 && w.container)
		rc = mg_fail(err, MG_EINVAL, path, "%s: no sleep export found inside (%u files looked at)", path,
			     w.ignored);
	if (ignored)
		*ignored = w.ignored;
	free(w.seen);
	free(w.s);
	return rc;
}
