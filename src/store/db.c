/* Store: SQLite plumbing, migrations, and the sealed (encrypted) file. */
#define _GNU_SOURCE /* renameat2 and RENAME_NOREPLACE, where the C library has them */
#include <mgsleep/store.h>

#include "schema.h"
#include "store_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Sealed file header (all integers little-endian):
 *   magic "MGSEALED" (8) | format u32 (=1) | opslimit u64 | memlimit u64 |
 *   salt (16) | nonce (24) | ciphertext (plaintext = SQLite image, + 16-byte tag)
 * The whole header is authenticated as associated data. */
#define SEAL_MAGIC "MGSEALED"
#define SEAL_FORMAT 1u
#define SEAL_HDR (8 + 4 + 8 + 8 + crypto_pwhash_SALTBYTES + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
#define MAX_STORE_BYTES ((size_t)1 << 30)

struct mg_db {
	sqlite3 *sql;
	char *path;
	int sealed;
	int in_tx;
	int version_at_open;
	unsigned long long opslimit;
	size_t memlimit;
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	int lock_fd; /* sealed: PATH.lock, write-locked for the life of the handle */
	int fresh;   /* sealed, never written yet: the first seal must not replace a file */
	char *tmp;   /* a new plain store not yet in place (mg_db_open_unpublished) */
	/* Statements of mg_db_night_put, prepared on first use and kept for the
	 * life of the handle: preparing the upsert cost ~10x more than running it. */
	sqlite3_stmt *night_get, *night_put;
};

static int sql_fail(struct mg_db *db, struct mg_error *err, const char *what)
{
	return mg_fail(err, MG_EIO, "store", "store: %s: %s", what, db->sql ? sqlite3_errmsg(db->sql) : "no database");
}

int mg_db_sql_fail(struct mg_db *db, struct mg_error *err, const char *what)
{
	return sql_fail(db, err, what);
}

sqlite3 *mg_db_sqlite(struct mg_db *db)
{
	return db->sql;
}

/* A sealed store is a whole-file image: two handles that each re-seal their
 * own copy would lose the first one's commits (last rename wins). So a sealed
 * handle holds an exclusive POSIX lock on PATH.lock from open to close; a
 * second writer waits up to 10 s, then gets a clear error. (Plain stores are
 * locked by SQLite itself.) The lock file is empty and never renamed, so the
 * lock cannot be lost to the store file's atomic replacement. */
static int lock_sealed(struct mg_db *db, struct mg_error *err)
{
	size_t n = strlen(db->path) + 6;
	char *lp = malloc(n);
	if (!lp)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	snprintf(lp, n, "%s.lock", db->path);
	db->lock_fd = open(lp, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
	int r = 0;
	if (db->lock_fd < 0) {
		r = mg_fail(err, MG_EIO, "store", "store '%s': cannot open its lock file: %s", db->path, strerror(errno));
	} else {
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
		int tries = 0;
		while (fcntl(db->lock_fd, F_SETLK, &fl) == -1) {
			if ((errno != EACCES && errno != EAGAIN) || ++tries > 200) {
				r = mg_fail(err, MG_EIO, "store", "store '%s' is in use by another mgsleep; try again", db->path);
				break;
			}
			struct timespec ts = {0, 50 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	free(lp);
	return r;
}

static int exec(struct mg_db *db, const char *sql, struct mg_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int r = mg_fail(err, MG_EIO, "store", "store: %s", msg ? msg : "SQL error");
		sqlite3_free(msg);
		return r;
	}
	return 0;
}

static void put_u32(unsigned char *p, unsigned long v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}
static void put_u64(unsigned char *p, unsigned long long v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}
static unsigned long long get_u64(const unsigned char *p)
{
	unsigned long long v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}
static unsigned long get_u32(const unsigned char *p)
{
	return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

static int read_all(const char *path, unsigned char **out, size_t *len, struct mg_error *err)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	*out = NULL;
	if (fd < 0)
		return mg_fail(err, MG_EIO, "store", "store '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) || st.st_size < 0 || (size_t)st.st_size > MAX_STORE_BYTES) {
		close(fd);
		return mg_fail(err, MG_EIO, "store", "store '%s': cannot read (or larger than 1 GiB)", path);
	}
	unsigned char *buf = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			free(buf);
			buf = NULL;
		} else {
			got += (size_t)n;
		}
	}
	close(fd);
	if (!buf)
		return mg_fail(err, MG_EIO, "store", "store '%s': read failed", path);
	*out = buf;
	*len = got;
	return 0;
}

/* fsync the folder holding path, so a rename or link in it is durable. Best effort. */
static void sync_dir(const char *path)
{
	char *dcopy = strdup(path);
	int dfd = dcopy ? open(dirname(dcopy), O_RDONLY) : -1;
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dcopy);
}

/* "PATH.tmp.PID", malloc'd; NULL when out of memory. remove_stale_tmp knows the form. */
static char *tmp_name(const char *path)
{
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	if (tmp)
		snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	return tmp;
}

/* Create the temporary file, private and new: O_EXCL|O_NOFOLLOW so a file or
 * link planted under this name is never followed or reused. One left by a
 * dead process that had our PID is removed (the name itself, never what a
 * link points to) and the create tried once more. */
static int tmp_create(const char *tmp, struct mg_error *err)
{
	for (int tries = 0;; tries++) {
		int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
		if (fd >= 0 || errno != EEXIST || tries || unlink(tmp))
			return fd >= 0 ? fd : mg_fail(err, MG_EIO, "store", "store '%s': %s", tmp, strerror(errno));
	}
}

/* Put the finished file tmp at path without ever replacing what is there
 * (RENAME_NOREPLACE semantics): link() fails with EEXIST if path exists;
 * renameat2 for file systems without hard links. tmp is gone afterwards,
 * whatever the outcome. */
static int publish(const char *tmp, const char *path, struct mg_error *err)
{
	int e = link(tmp, path) ? errno : 0;
#ifdef RENAME_NOREPLACE
	if (e && e != EEXIST)
		e = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) ? errno : 0;
#endif
	unlink(tmp);
	if (e == EEXIST)
		return mg_fail(err, MG_EEXIST, "store", "store '%s' already exists; nothing changed", path);
	if (e)
		return mg_fail(err, MG_EIO, "store", "store '%s': cannot create: %s", path, strerror(e));
	sync_dir(path);
	return 0;
}

/* Write data to path atomically: a new temporary file in the same folder,
 * fsync, then rename over path (or, with noreplace, publish: a file that
 * appeared at path meanwhile is kept and MG_EEXIST returned). Mode 0600. */
static int write_atomic(const char *path, const unsigned char *data, size_t len, int noreplace, struct mg_error *err)
{
	char *tmp = tmp_name(path);
	int fd = -1, r = 0;
	if (!tmp)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	if ((fd = tmp_create(tmp, err)) < 0) {
		r = fd;
		fd = -1;
		free(tmp);
		return r;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = mg_fail(err, MG_EIO, "store", "store '%s': write failed: %s", tmp, strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		fd = -1;
		r = mg_fail(err, MG_EIO, "store", "store '%s': fsync failed: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (noreplace) {
		r = publish(tmp, path, err);
	} else if (rename(tmp, path)) {
		r = mg_fail(err, MG_EIO, "store", "store '%s': rename failed: %s", path, strerror(errno));
	} else {
		sync_dir(path);
	}
out:
	if (fd >= 0)
		close(fd);
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}

/* A process killed while sealing leaves PATH.tmp.PID behind: a whole or
 * partial sealed copy that is never read, but that holds the diary (encrypted,
 * perhaps under a passphrase since changed) and is missed by "delete the
 * file". Remove those whose writer is gone: kill(pid, 0) fails with ESRCH. A
 * live process's file (or one of another user's, EPERM) is left alone, and so
 * is our own PID's (another handle in this process may be sealing). Best
 * effort: errors are ignored, the store itself is never touched. */
static void remove_stale_tmp(const char *path)
{
	char *dcopy = strdup(path), *bcopy = strdup(path), *full = NULL;
	DIR *d = NULL;
	if (!dcopy || !bcopy)
		goto out;
	const char *dir = dirname(dcopy), *base = basename(bcopy);
	size_t blen = strlen(base), dlen = strlen(dir);
	if (!(d = opendir(dir)))
		goto out;
	for (struct dirent *e; (e = readdir(d));) {
		const char *name = e->d_name;
		if (strncmp(name, base, blen) || strncmp(name + blen, ".tmp.", 5))
			continue;
		const char *digits = name + blen + 5;
		if (!*digits || strspn(digits, "0123456789") != strlen(digits) || strlen(digits) > 9)
			continue;
		long pid = strtol(digits, NULL, 10);
		if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		size_t n = dlen + strlen(name) + 2;
		char *p = realloc(full, n);
		if (!p)
			break;
		full = p;
		snprintf(full, n, "%s/%s", dir, name);
		unlink(full);
	}
out:
	if (d)
		closedir(d);
	free(full);
	free(dcopy);
	free(bcopy);
}

static int derive_key(struct mg_db *db, const char *pass, struct mg_error *err)
{
	if (!pass || !*pass)
		return mg_fail(err, MG_EINVAL, "passphrase", "passphrase: needed for this store");
	if (crypto_pwhash(db->key, sizeof db->key, pass, strlen(pass), db->salt, db->opslimit, db->memlimit,
			  crypto_pwhash_ALG_ARGON2ID13))
		return mg_fail(err, MG_ENOMEM, "passphrase", "passphrase: key derivation ran out of memory");
	return 0;
}

static void header(const struct mg_db *db, const unsigned char *nonce, unsigned char *h)
{
	memcpy(h, SEAL_MAGIC, 8);
	put_u32(h + 8, SEAL_FORMAT);
	put_u64(h + 12, db->opslimit);
	put_u64(h + 20, db->memlimit);
	memcpy(h + 28, db->salt, sizeof db->salt);
	memcpy(h + 28 + sizeof db->salt, nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
}

static int seal_to(struct mg_db *db, const char *path, int noreplace, struct mg_error *err)
{
	sqlite3_int64 size = 0;
	unsigned char *img = sqlite3_serialize(db->sql, "main", &size, 0);
	if (!img)
		return sql_fail(db, err, "cannot serialise the database");
	size_t total = SEAL_HDR + (size_t)size + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *out = malloc(total);
	int r = 0;
	if (!out) {
		sqlite3_free(img);
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	}
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	randombytes_buf(nonce, sizeof nonce); /* fresh nonce on every write */
	header(db, nonce, out);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + SEAL_HDR, &clen, img, (unsigned long long)size, out, SEAL_HDR,
						   NULL, nonce, db->key);
	sodium_memzero(img, (size_t)size);
	sqlite3_free(img);
	r = write_atomic(path, out, SEAL_HDR + (size_t)clen, noreplace, err);
	free(out);
	return r;
}

/* The first seal of a new store publishes it: a store that another process
 * created meanwhile is kept, and this one reports MG_EEXIST. */
static int seal(struct mg_db *db, struct mg_error *err)
{
	int r = seal_to(db, db->path, db->fresh, err);
	if (!r)
		db->fresh = 0;
	return r;
}

int mg_db_seal_to(struct mg_db *db, const char *path, struct mg_error *err)
{
	return seal_to(db, path, 1, err);
}

static int unseal(struct mg_db *db, const unsigned char *file, size_t len, const char *pass, struct mg_error *err)
{
	if (len < SEAL_HDR + crypto_aead_xchacha20poly1305_ietf_ABYTES || memcmp(file, SEAL_MAGIC, 8))
		return mg_fail(err, MG_EINVAL, "store", "store '%s': not a sealed mgsleep store (or truncated)", db->path);
	if (get_u32(file + 8) != SEAL_FORMAT)
		return mg_fail(err, MG_EINVAL, "store", "store '%s': unknown sealed format %lu", db->path, get_u32(file + 8));
	db->opslimit = get_u64(file + 12);
	db->memlimit = (size_t)get_u64(file + 20);
	/* The header is authenticated only after the key is derived, so its
	 * limits are bounded first: a tampered header must not cost 1 GiB and
	 * seconds before the refusal. This version writes the INTERACTIVE limits
	 * (64 MiB, 2 passes); MODERATE (256 MiB, 3) leaves room to raise them. */
	if (db->opslimit < crypto_pwhash_OPSLIMIT_MIN || db->opslimit > crypto_pwhash_OPSLIMIT_MODERATE ||
	    db->memlimit < crypto_pwhash_MEMLIMIT_MIN || db->memlimit > crypto_pwhash_MEMLIMIT_MODERATE)
		return mg_fail(err, MG_EINVAL, "store", "store '%s': key-derivation parameters out of range", db->path);
	memcpy(db->salt, file + 28, sizeof db->salt);
	int r = derive_key(db, pass, err);
	if (r)
		return r;
	size_t plen = len - SEAL_HDR - crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *plain = sqlite3_malloc64(plen ? plen : 1);
	unsigned long long got;
	if (!plain)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &got, NULL, file + SEAL_HDR, len - SEAL_HDR, file,
						       SEAL_HDR, file + 28 + sizeof db->salt, db->key)) {
		sqlite3_free(plain);
		return mg_fail(err, MG_EINVAL, "passphrase",
			       "passphrase: wrong passphrase, or the store file was changed or damaged");
	}
	if (sqlite3_open(":memory:", &db->sql) != SQLITE_OK) {
		sqlite3_free(plain);
		return sql_fail(db, err, "cannot open");
	}
	if (sqlite3_deserialize(db->sql, "main", plain, (sqlite3_int64)got, (sqlite3_int64)plen,
				SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
		return sql_fail(db, err, "cannot load the decrypted database");
	return 0;
}

static int schema_version(struct mg_db *db, int *v, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	*v = 0;
	if (sqlite3_prepare_v2(db->sql, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot read the schema version");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : sql_fail(db, err, "cannot read the schema version");
}

static int newer(struct mg_db *db, int v, struct mg_error *err)
{
	return mg_fail(err, MG_EINVAL, "store", "store '%s': made by a newer mgsleep (schema %d, this one knows %d)",
		       db->path, v, MG_N_MIGRATIONS);
}

static int migrate(struct mg_db *db, struct mg_error *err)
{
	int v, r;
	if ((r = schema_version(db, &v, err)))
		return r;
	db->version_at_open = v;
	if (v > MG_N_MIGRATIONS)
		return newer(db, v, err);
	if (v == MG_N_MIGRATIONS)
		return 0;
	/* Another process may be migrating the same file (two first commands at
	 * once): the version read above is a hint; the one that counts is read
	 * again inside the write transaction. */
	if ((r = exec(db, "BEGIN IMMEDIATE", err)))
		return r;
	if (!(r = schema_version(db, &v, err)) && v > MG_N_MIGRATIONS)
		r = newer(db, v, err);
	for (; v < MG_N_MIGRATIONS && !r; v++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if (!(r = exec(db, mg_migrations[v], err)))
			r = exec(db, pragma, err);
	}
	if (r) {
		exec(db, "ROLLBACK", NULL);
		return r;
	}
	if ((r = exec(db, "COMMIT", err)))
		return r;
	return db->sealed ? seal(db, err) : 0;
}

enum { STORE_ABSENT, STORE_PLAIN, STORE_SEALED };

/* What is at path: nothing, a plain (SQLite) store or a sealed one, told by
 * the first bytes. Anything else is refused (MG_EINVAL) and left alone: an
 * empty or truncated file, another kind of file, a folder, a link to nothing.
 * Taking an empty file for "no store yet" once turned a sealed store cut to
 * 0 bytes into a new plain one that stored the next entries unencrypted. */
static int probe(const char *path, struct mg_error *err)
{
	static const char sqlite_magic[16] = "SQLite format 3";
	unsigned char head[16];
	struct stat st;
	ssize_t n = -1;
	if (lstat(path, &st))
		return errno == ENOENT ? STORE_ABSENT : mg_fail(err, MG_EIO, "store", "store '%s': %s", path, strerror(errno));
	/* O_NONBLOCK: a FIFO planted at path must not hang the open. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 && errno != ENOENT)
		return mg_fail(err, MG_EIO, "store", "store '%s': %s", path, strerror(errno));
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode))
		n = read(fd, head, sizeof head);
	if (fd >= 0)
		close(fd);
	if (n >= 8 && !memcmp(head, SEAL_MAGIC, 8))
		return STORE_SEALED;
	if (n == (ssize_t)sizeof head && !memcmp(head, sqlite_magic, sizeof head))
		return STORE_PLAIN;
	return mg_fail(err, MG_EINVAL, "store",
		       "store '%s' is not an mgsleep store (empty, truncated, a link to nothing or another kind of "
		       "file); nothing was changed",
		       path);
}

int mg_db_is_sealed(const char *path, struct mg_error *err)
{
	int r = probe(path, err);
	if (r == STORE_ABSENT)
		return mg_fail(err, MG_EIO, "store", "store '%s' does not exist", path);
	return r < 0 ? r : r == STORE_SEALED;
}

static int mkdirs(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return -1;
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0700) && errno != EEXIST) {
				free(p);
				return -1;
			}
			*s = '/';
		}
	free(p);
	return 0;
}

/* A store is created only where nothing is; a plain one never when a
 * passphrase is set (the user expects encryption) nor when PATH.lock, which
 * only sealed stores make, shows a sealed store was there. */
static int may_create(const char *path, const char *passphrase, unsigned flags, struct mg_error *err)
{
	if (!(flags & MG_DB_CREATE))
		return mg_fail(err, MG_EIO, "store", "store '%s' does not exist; run 'mgsleep init' first", path);
	if (!(flags & MG_DB_SEAL)) {
		size_t n = strlen(path) + 6;
		char *lp = malloc(n);
		if (!lp)
			return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
		snprintf(lp, n, "%s.lock", path);
		struct stat st;
		int sealed_was_here = lstat(lp, &st) == 0;
		free(lp);
		if (sealed_was_here)
			return mg_fail(err, MG_EINVAL, "store",
				       "store '%s' is missing, but its .lock file shows an encrypted store was there; "
				       "put the store back, or remove the .lock file to start a new one",
				       path);
		if (passphrase && *passphrase)
			return mg_fail(err, MG_EINVAL, "passphrase",
				       "store '%s' does not exist and a passphrase is set: create it encrypted with "
				       "'mgsleep init --encrypt' (it is never created unencrypted then)",
				       path);
	}
	if (mkdirs(path))
		return mg_fail(err, MG_EIO, "store", "cannot create the folder for '%s': %s", path, strerror(errno));
	return 0;
}

static struct mg_db *db_new(const char *path)
{
	struct mg_db *db = calloc(1, sizeof *db);
	if (db && !(db->path = strdup(path))) {
		free(db);
		db = NULL;
	}
	if (db)
		db->lock_fd = -1;
	return db;
}

int mg_db_open_unpublished(struct mg_db **out, const char *path, const char *passphrase, struct mg_error *err)
{
	struct mg_db *db = db_new(path);
	int r = 0, fd;
	*out = NULL;
	if (!db || !(db->tmp = tmp_name(path))) {
		mg_db_close(db);
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	}
	if ((r = probe(path, err)) > STORE_ABSENT)
		r = mg_fail(err, MG_EEXIST, "store", "store '%s' already exists; nothing changed", path);
	if (r || (r = may_create(path, passphrase, MG_DB_CREATE, err)))
		goto out;
	if ((fd = tmp_create(db->tmp, err)) < 0) {
		r = fd;
		free(db->tmp); /* not ours: never unlinked */
		db->tmp = NULL;
		goto out;
	}
	close(fd);
	/* The journal in memory: a half-built file is never published, and a
	 * stale one is removed by remove_stale_tmp. */
	if (sqlite3_open_v2(db->tmp, &db->sql, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		r = sql_fail(db, err, "cannot open");
	else if (!(r = exec(db, "PRAGMA journal_mode = MEMORY; PRAGMA foreign_keys = ON", err)))
		r = migrate(db, err);
out:
	if (r)
		mg_db_close(db);
	else
		*out = db;
	return r;
}

int mg_db_open_scratch(struct mg_db **out, struct mg_error *err)
{
	struct mg_db *db = db_new(":memory:");
	int r;
	*out = NULL;
	if (!db)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	if (sqlite3_open(":memory:", &db->sql) != SQLITE_OK)
		r = sql_fail(db, err, "cannot open");
	else if (!(r = exec(db, "PRAGMA foreign_keys = ON", err)))
		r = migrate(db, err);
	if (r)
		mg_db_close(db);
	else
		*out = db;
	return r;
}

int mg_db_publish(struct mg_db *db, struct mg_error *err)
{
	int r = 0;
	if (db->in_tx)
		mg_db_rollback(db);
	sqlite3_finalize(db->night_get);
	sqlite3_finalize(db->night_put);
	db->night_get = db->night_put = NULL;
	if (sqlite3_close(db->sql) != SQLITE_OK)
		r = mg_fail(err, MG_EIO, "store", "store '%s': cannot close", db->path);
	db->sql = NULL;
	if (!r)
		r = publish(db->tmp, db->path, err);
	mg_db_close(db); /* removes the temporary file if it is still there */
	return r;
}

/* Create a new sealed store: the lock first, then the check that nothing is
 * there (two 'init --encrypt' at once: the second finds the first's store).
 * The file appears at the first seal, which never replaces one. */
static int create_sealed(struct mg_db *db, const char *passphrase, struct mg_error *err)
{
	int r;
	db->sealed = db->fresh = 1;
	if ((r = lock_sealed(db, err)) || (r = probe(db->path, err)) < 0)
		return r;
	if (r != STORE_ABSENT)
		return mg_fail(err, MG_EEXIST, "store", "store '%s' already exists; nothing changed", db->path);
	db->opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	db->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	randombytes_buf(db->salt, sizeof db->salt);
	if ((r = derive_key(db, passphrase, err)))
		return r;
	return sqlite3_open(":memory:", &db->sql) != SQLITE_OK ? sql_fail(db, err, "cannot open") : 0;
}

/* Open an existing sealed store. A symlink is resolved once, and the target
 * locked and replaced: renaming over the link would leave the link's target
 * behind with the old data, and two paths to two diverging stores. */
static int open_sealed(struct mg_db *db, const char *passphrase, unsigned char **file, size_t *len,
		       struct mg_error *err)
{
	char *real = realpath(db->path, NULL);
	int r;
	if (!real)
		return mg_fail(err, MG_EIO, "store", "store '%s': %s", db->path, strerror(errno));
	free(db->path);
	db->path = real;
	db->sealed = 1;
	/* Lock before reading, so the image read is the latest one; the file is
	 * probed again under the lock. */
	if ((r = lock_sealed(db, err)) || (r = probe(db->path, err)) < 0)
		return r;
	if (r != STORE_SEALED)
		return mg_fail(err, MG_EINVAL, "store", "store '%s' changed while it was opened; try again", db->path);
	if ((r = read_all(db->path, file, len, err)))
		return r;
	return unseal(db, *file, *len, passphrase, err);
}

int mg_db_open(struct mg_db **out, const char *path, const char *passphrase, unsigned flags, struct mg_error *err)
{
	struct mg_db *db = db_new(path);
	unsigned char *file = NULL;
	size_t len = 0;
	int r = 0, created = 0;
	*out = NULL;
	if (!db)
		return mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	if (sodium_init() < 0) {
		r = mg_fail(err, MG_EIO, "store", "cannot initialise libsodium");
		goto out;
	}
	int what = probe(path, err);
	if (what == STORE_ABSENT && (r = may_create(path, passphrase, flags, err))) {
		goto out;
	} else if (what == STORE_ABSENT && (flags & MG_DB_SEAL)) {
		if ((r = create_sealed(db, passphrase, err)))
			goto out;
		created = 1;
	} else if (what == STORE_ABSENT) {
		/* Built beside the path and put in place complete; when another
		 * process put its own there first, that one is opened instead. */
		struct mg_db *fresh = NULL;
		if (!(r = mg_db_open_unpublished(&fresh, path, passphrase, err)))
			r = mg_db_publish(fresh, err);
		created = !r;
		if (r == MG_EEXIST && !(flags & MG_DB_NEW))
			r = 0;
		if (r || (what = probe(path, err)) < 0) {
			r = r ? r : what;
			goto out;
		}
	} else if (what >= 0 && (flags & (MG_DB_SEAL | MG_DB_NEW))) {
		r = mg_fail(err, MG_EEXIST, "store", "store '%s' already exists; nothing changed", path);
		goto out;
	}
	if (what < 0) {
		r = what;
	} else if (what == STORE_SEALED) {
		r = open_sealed(db, passphrase, &file, &len, err);
	} else if (what == STORE_PLAIN) {
		if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
			r = sql_fail(db, err, "cannot open");
		else
			sqlite3_busy_timeout(db->sql, 5000);
		if (!r)
			r = exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", err);
	}
	if (r || (r = exec(db, "PRAGMA foreign_keys = ON", err)))
		goto out;
	/* A plain file that is not SQLite fails here with SQLite's own message. */
	r = migrate(db, err);
	if (created)
		db->version_at_open = 0;
out:
	if (file) {
		sodium_memzero(file, len);
		free(file);
	}
	if (r) {
		mg_db_close(db);
		return r;
	}
	remove_stale_tmp(db->path); /* sealed: only once the passphrase has been proven */
	*out = db;
	return 0;
}

void mg_db_close(struct mg_db *db)
{
	if (!db)
		return;
	if (db->in_tx)
		mg_db_rollback(db);
	sqlite3_finalize(db->night_get);
	sqlite3_finalize(db->night_put);
	sqlite3_close(db->sql);
	if (db->tmp)
		unlink(db->tmp); /* an unpublished store: only what this handle created */
	if (db->lock_fd >= 0)
		close(db->lock_fd); /* releases the lock */
	sodium_memzero(db->key, sizeof db->key);
	free(db->tmp);
	free(db->path);
	free(db);
}

int mg_db_sealed(const struct mg_db *db)
{
	return db->sealed;
}

int mg_db_schema_version_at_open(const struct mg_db *db)
{
	return db->version_at_open;
}

int mg_db_begin(struct mg_db *db, struct mg_error *err)
{
	int r = exec(db, "BEGIN IMMEDIATE", err);
	db->in_tx = !r;
	return r;
}

int mg_db_commit(struct mg_db *db, struct mg_error *err)
{
	int r = exec(db, "COMMIT", err);
	if (r) {
		mg_db_rollback(db);
		return r;
	}
	db->in_tx = 0;
	/* Sealed: the on-disk file changes only now, atomically. If sealing
	 * fails the file keeps its previous content. */
	return db->sealed ? seal(db, err) : 0;
}

void mg_db_rollback(struct mg_db *db)
{
	if (db->in_tx)
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	db->in_tx = 0;
}

int mg_db_rekey(struct mg_db *db, const char *new_passphrase, struct mg_error *err)
{
	if (!db->sealed) {
		/* Sealing a plain store in place would leave WAL files behind;
		 * export and re-import instead. */
		return mg_fail(err, MG_EINVAL, "store", "store '%s' is not sealed; create a sealed one with "
							 "'mgsleep init --encrypt' and import a backup",
			       db->path);
	}
	randombytes_buf(db->salt, sizeof db->salt);
	int r = derive_key(db, new_passphrase, err);
	return r ? r : seal(db, err);
}

/* ---- data ---- */

static int exec_bound(struct mg_db *db, const char *sql, const char *arg, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "statement");
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "statement");
	sqlite3_finalize(st);
	return r;
}

static int text_query(struct mg_db *db, const char *sql, const char *arg, char **out, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	*out = NULL;
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "query");
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && !(*out = strdup(t)))
			r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	} else if (rc != SQLITE_DONE) {
		r = sql_fail(db, err, "query");
	}
	sqlite3_finalize(st);
	return r;
}

int mg_db_integrity_check(struct mg_db *db, struct mg_error *err)
{
	char *t = NULL;
	int r = text_query(db, "PRAGMA integrity_check", NULL, &t, err);
	if (!r && (!t || strcmp(t, "ok")))
		r = mg_fail(err, MG_EIO, "store", "store '%s': integrity check failed: %s", db->path,
			    t ? t : "no result");
	free(t);
	return r;
}

int mg_db_profile_get(struct mg_db *db, char **json, struct mg_error *err)
{
	return text_query(db, "SELECT json FROM profile WHERE id = 1", NULL, json, err);
}

int mg_db_profile_put(struct mg_db *db, const char *json, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO profile (id, json, updated) VALUES (1, ?1, ?2) "
			       "ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated = excluded.updated",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "profile");
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "profile");
	sqlite3_finalize(st);
	return r;
}

int mg_db_questionnaire_add(struct mg_db *db, const char *kind, const char *date, const char *answers_json,
			    const char *result_json, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql, "INSERT INTO questionnaires (kind, date, answers, result) VALUES (?1, ?2, ?3, ?4)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "questionnaire");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, answers_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, result_json, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "questionnaire");
	sqlite3_finalize(st);
	return r;
}

int mg_db_latest_isi(struct mg_db *db, double *isi, struct mg_error *err)
{
	char *t = NULL;
	int r = text_query(db,
			   "SELECT json_extract(result, '$.total') FROM questionnaires WHERE kind = 'isi' "
			   "ORDER BY date DESC, id DESC LIMIT 1",
			   NULL, &t, err);
	*isi = t ? strtod(t, NULL) : NAN;
	free(t);
	return r;
}

/* Append the single-column JSON text result of sql to out. */
static int json_query(struct mg_db *db, const char *sql, const char *arg, struct mg_buf *out, struct mg_error *err)
{
	char *t = NULL;
	int r = text_query(db, sql, arg, &t, err);
	if (!r)
		mg_buf_puts(out, t ? t : "[]");
	free(t);
	return r;
}

int mg_db_questionnaire_list(struct mg_db *db, const char *kind, struct mg_buf *out, struct mg_error *err)
{
	return json_query(db,
			  "SELECT json_group_array(json_object('date', date, 'answers', json(answers), "
			  "'result', json(result))) FROM (SELECT * FROM questionnaires WHERE kind = ?1 ORDER BY date, id)",
			  kind, out, err);
}

static int audit(struct mg_db *db, const char *action, const char *date, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO audit (at, action, tbl, key, old) SELECT ?1, ?2, 'nights', date, "
			       "json_object('entry', json(entry), 'created', created, 'updated', updated) "
			       "FROM nights WHERE date = ?3",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "audit");
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "audit");
	sqlite3_finalize(st);
	return r;
}

int mg_db_night_latest(struct mg_db *db, char **json, struct mg_error *err)
{
	return text_query(db, "SELECT entry FROM nights ORDER BY date DESC LIMIT 1", NULL, json, err);
}

/* A statement prepared once per handle (NULL if it cannot be); reset() after each use. */
static sqlite3_stmt *cached(struct mg_db *db, sqlite3_stmt **slot, const char *sql)
{
	if (!*slot && sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		sqlite3_finalize(*slot);
		*slot = NULL;
	}
	return *slot;
}

static void reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int mg_db_night_get(struct mg_db *db, const char *date, char **json, struct mg_error *err)
{
	sqlite3_stmt *st = cached(db, &db->night_get, "SELECT entry FROM nights WHERE date = ?1");
	int rc, r = 0;
	*json = NULL;
	if (!st)
		return sql_fail(db, err, "query");
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && !(*json = strdup(t)))
			r = mg_fail(err, MG_ENOMEM, NULL, "out of memory");
	} else if (rc != SQLITE_DONE) {
		r = sql_fail(db, err, "query");
	}
	reset(st);
	return r;
}

int mg_db_night_put(struct mg_db *db, const struct mg_db_night *n, int replace, const char *now,
		    struct mg_error *err)
{
	char *old = NULL;
	int r = mg_db_night_get(db, n->date, &old, err);
	if (r)
		return r;
	if (old) {
		free(old);
		if (!replace)
			return mg_fail(err, MG_EEXIST, "date",
				       "--date: a night is already logged for this date; use --replace to change it");
		if ((r = audit(db, "replace", n->date, now, err)))
			return r;
	}
	sqlite3_stmt *st = cached(db, &db->night_put,
			       "INSERT INTO nights (date, entry, tib, sol, waso, tst, se, terminal_wake, mg_elemental_mg, "
			       "created, updated) VALUES (?1, json(?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) "
			       "ON CONFLICT (date) DO UPDATE SET entry = excluded.entry, tib = excluded.tib, "
			       "sol = excluded.sol, waso = excluded.waso, tst = excluded.tst, se = excluded.se, "
			       "terminal_wake = excluded.terminal_wake, mg_elemental_mg = excluded.mg_elemental_mg, "
			       "updated = excluded.updated");
	if (!st)
		return sql_fail(db, err, "night");
	sqlite3_bind_text(st, 1, n->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, n->entry_json, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, n->tib);
	sqlite3_bind_int(st, 4, n->sol);
	sqlite3_bind_int(st, 5, n->waso);
	sqlite3_bind_int(st, 6, n->tst);
	sqlite3_bind_double(st, 7, n->se_pct);
	sqlite3_bind_int(st, 8, n->terminal_wake);
	if (isnan(n->mg_elemental_mg))
		sqlite3_bind_null(st, 9);
	else
		sqlite3_bind_double(st, 9, n->mg_elemental_mg);
	sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "night");
	reset(st);
	return r;
}

int mg_db_night_delete(struct mg_db *db, const char *date, const char *now, struct mg_error *err)
{
	char *old = NULL;
	int r = mg_db_night_get(db, date, &old, err);
	if (r)
		return r;
	if (!old)
		return mg_fail(err, MG_EINVAL, "date", "--date: no night is logged for this date");
	free(old);
	if ((r = audit(db, "delete", date, now, err)))
		return r;
	return exec_bound(db, "DELETE FROM nights WHERE date = ?1", date, err);
}

int mg_db_audit_purge(struct mg_db *db, struct mg_error *err)
{
	return exec(db, "DELETE FROM audit", err);
}

/* Run a query that returns one JSON text, with ?1 = from and ?2 = to dates
 * (either may be NULL: open range), and append the text to out. */
static int range_json(struct mg_db *db, const char *sql, const char *from, const char *to, struct mg_buf *out,
		      struct mg_error *err, const char *what)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, what);
	if (from)
		sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	if (to)
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		mg_buf_puts(out, (const char *)sqlite3_column_text(st, 0));
	else
		r = sql_fail(db, err, what);
	sqlite3_finalize(st);
	return r;
}

int mg_db_nights_json(struct mg_db *db, const char *from, const char *to, struct mg_buf *out, struct mg_error *err)
{
	return range_json(db,
			  "SELECT json_group_array(json_object('date', date, 'entry', json(entry), 'tib', tib, "
			  "'sol', sol, 'waso', waso, 'tst', tst, 'se', round(se, 1), 'terminal_wake', terminal_wake, "
			  "'mg_elemental_mg', mg_elemental_mg)) FROM (SELECT * FROM nights WHERE "
			  "(?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2) ORDER BY date)",
			  from, to, out, err, "nights");
}

int mg_db_food_add(struct mg_db *db, const struct mg_db_food *f, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO food_log (date, ndb, description, amount, grams, mg, created) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "food");
	sqlite3_bind_text(st, 1, f->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->ndb, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->amount, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 5, f->grams);
	sqlite3_bind_double(st, 6, f->mg);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "food");
	sqlite3_finalize(st);
	return r;
}

int mg_db_food_json(struct mg_db *db, const char *from, const char *to, struct mg_buf *out, struct mg_error *err)
{
	return range_json(db,
			  "SELECT json_group_array(json_object('id', id, 'date', date, 'ndb', ndb, 'description', "
			  "description, 'amount', amount, 'grams', grams, 'mg', mg)) FROM (SELECT * FROM food_log "
			  "WHERE (?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2) ORDER BY date, id)",
			  from, to, out, err, "food");
}

int mg_db_food_delete(struct mg_db *db, int64_t id, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	/* The row goes to the audit table first, as a deleted night does. */
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO audit (at, action, tbl, key, old) SELECT ?1, 'delete', 'food_log', "
			       "CAST(id AS TEXT), json_object('date', date, 'ndb', ndb, 'description', description, "
			       "'amount', amount, 'grams', grams, 'mg', mg, 'created', created) FROM food_log WHERE id = ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "food");
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "food");
	else if (sqlite3_changes(db->sql) != 1)
		r = mg_fail(err, MG_EINVAL, "id", "food delete: ID: no logged food has this id (see 'mgsleep food list')");
	sqlite3_finalize(st);
	if (r)
		return r;
	if (sqlite3_prepare_v2(db->sql, "DELETE FROM food_log WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "food");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "food");
	else if (sqlite3_changes(db->sql) != 1)
		r = mg_fail(err, MG_EINVAL, "id", "food delete: ID: no logged food has this id (see 'mgsleep food list')");
	sqlite3_finalize(st);
	return r;
}

int mg_db_food_daily_mean(struct mg_db *db, double *mg, int *days, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	*mg = NAN;
	*days = 0;
	if (sqlite3_prepare_v2(db->sql, "SELECT avg(s), count(*) FROM (SELECT sum(mg) AS s FROM food_log GROUP BY date)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "food");
	if (sqlite3_step(st) == SQLITE_ROW) {
		*days = sqlite3_column_int(st, 1);
		if (*days)
			*mg = sqlite3_column_double(st, 0);
	} else {
		r = sql_fail(db, err, "food");
	}
	sqlite3_finalize(st);
	return r;
}

int mg_db_diet_quiz_add(struct mg_db *db, const char *date, const char *answers_json, double mg,
			struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql, "INSERT INTO diet_quiz (date, answers, mg) VALUES (?1, json(?2), ?3)", -1, &st,
			       NULL) != SQLITE_OK)
		return sql_fail(db, err, "diet quiz");
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, answers_json, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, mg);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "diet quiz");
	sqlite3_finalize(st);
	return r;
}

int mg_db_diet_quiz_latest(struct mg_db *db, double *mg, char date[11], struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	*mg = NAN;
	date[0] = '\0';
	if (sqlite3_prepare_v2(db->sql, "SELECT mg, date FROM diet_quiz ORDER BY date DESC, id DESC LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return sql_fail(db, err, "diet quiz");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*mg = sqlite3_column_double(st, 0);
		snprintf(date, 11, "%s", (const char *)sqlite3_column_text(st, 1));
	} else if (rc != SQLITE_DONE) {
		r = sql_fail(db, err, "diet quiz");
	}
	sqlite3_finalize(st);
	return r;
}

int mg_db_trial_add(struct mg_db *db, const struct mg_db_trial *t, const char *now, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO trial (created, start, pairs, period_days, washout, outcome, seed, orders, "
			       "elemental_mg, compound_mg, form, baseline_days, status, alpha, min_pairs, mid, mid_verified) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, json(?8), ?9, ?10, ?11, ?12, 'planned', ?13, ?14, ?15, ?16)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "trial");
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->start, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, t->pairs);
	sqlite3_bind_int(st, 4, t->period_days);
	sqlite3_bind_int(st, 5, t->washout);
	sqlite3_bind_text(st, 6, t->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, t->seed, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, t->order_json, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 9, t->elemental_mg);
	sqlite3_bind_double(st, 10, t->compound_mg);
	sqlite3_bind_text(st, 11, t->form, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 12, t->baseline_days);
	sqlite3_bind_double(st, 13, t->alpha);
	sqlite3_bind_int(st, 14, t->min_pairs);
	sqlite3_bind_double(st, 15, t->mid);
	sqlite3_bind_int(st, 16, t->mid_verified != 0);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "trial");
	sqlite3_finalize(st);
	return r;
}

int mg_db_trial_retire(struct mg_db *db, long long id, const char *status, struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (strcmp(status, "replaced") && strcmp(status, "finished"))
		return mg_fail(err, MG_EINVAL, "status", "trial: a trial is retired as replaced or finished");
	if (sqlite3_prepare_v2(db->sql, "UPDATE trial SET status = ?2 WHERE id = ?1 AND status = 'planned'", -1, &st,
			       NULL) != SQLITE_OK)
		return sql_fail(db, err, "trial");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "trial");
	else if (sqlite3_changes(db->sql) != 1)
		r = mg_fail(err, MG_EINVAL, "trial", "trial: no current trial with that id");
	sqlite3_finalize(st);
	return r;
}

/* One trial row as JSON (the columns of the table t). */
#define TRIAL_JSON                                                                                              \
	"json_object('id', t.id, 'created', t.created, 'status', t.status, 'start', t.start, 'pairs', t.pairs, "  \
	"'period_days', t.period_days, 'washout', t.washout, 'outcome', t.outcome, 'seed', t.seed, "             \
	"'order', json(t.orders), 'elemental_mg', t.elemental_mg, 'compound_mg', t.compound_mg, 'form', t.form, " \
	"'baseline_days', t.baseline_days, 'analysis', CASE WHEN t.alpha IS NULL THEN NULL ELSE "               \
	"json_object('alpha', t.alpha, 'min_pairs', t.min_pairs, 'mid', t.mid, 'mid_verified', t.mid_verified) END)"

int mg_db_trial_get(struct mg_db *db, long long id, char **json, struct mg_error *err)
{
	char arg[24];
	snprintf(arg, sizeof arg, "%lld", id);
	return text_query(db,
			  "SELECT " TRIAL_JSON " FROM trial t WHERE t.id = CASE WHEN CAST(?1 AS INTEGER) = 0 THEN "
			  "(SELECT max(id) FROM trial) ELSE CAST(?1 AS INTEGER) END",
			  arg, json, err);
}

int mg_db_trial_latest(struct mg_db *db, char **json, struct mg_error *err)
{
	return mg_db_trial_get(db, 0, json, err);
}

int mg_db_trial_list_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err)
{
	return json_query(db, "SELECT json_group_array(" TRIAL_JSON ") FROM (SELECT * FROM trial ORDER BY id) t", NULL,
			  out, err);
}

int mg_db_trial_event_add(struct mg_db *db, const struct mg_db_trial_event *e, const char *now,
			  struct mg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "INSERT INTO trial_event (trial, date, kind, symptoms, stops, note, created) "
			       "SELECT max(id), ?1, ?2, json(?3), ?4, ?5, ?6 FROM trial HAVING max(id) IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "trial event");
	sqlite3_bind_text(st, 1, e->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->symptoms_json, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, e->stops != 0);
	sqlite3_bind_text(st, 5, e->note ? e->note : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(db, err, "trial event");
	else if (sqlite3_changes(db->sql) != 1)
		r = mg_fail(err, MG_EINVAL, "trial", "trial event: no trial planned");
	sqlite3_finalize(st);
	return r;
}

int mg_db_trial_events_json_for(struct mg_db *db, long long id, struct mg_buf *out, struct mg_error *err)
{
	char arg[24];
	snprintf(arg, sizeof arg, "%lld", id);
	return json_query(db,
			  "SELECT json_group_array(json_object('date', date, 'kind', kind, 'symptoms', json(symptoms), "
			  "'stops', stops, 'note', note, 'created', created)) FROM (SELECT * FROM trial_event "
			  "WHERE trial = CASE WHEN CAST(?1 AS INTEGER) = 0 THEN (SELECT max(id) FROM trial) ELSE "
			  "CAST(?1 AS INTEGER) END ORDER BY date, id)",
			  arg, out, err);
}

int mg_db_trial_events_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err)
{
	return mg_db_trial_events_json_for(db, 0, out, err);
}

int mg_db_export_json(struct mg_db *db, struct mg_buf *out, struct mg_error *err)
{
	int r;
	char *profile = NULL;
	mg_buf_printf(out, "{\"format\":\"mgsleep-export\",\"schema_version\":%d,\"profile\":", MG_N_MIGRATIONS);
	if ((r = mg_db_profile_get(db, &profile, err)))
		return r;
	mg_buf_puts(out, profile ? profile : "null");
	free(profile);
	mg_buf_puts(out, ",\"nights\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('date', date, 'entry', json(entry), 'tib', tib, "
			    "'sol', sol, 'waso', waso, 'tst', tst, 'se', se, 'terminal_wake', terminal_wake, "
			    "'mg_elemental_mg', mg_elemental_mg, 'created', created, 'updated', updated)) "
			    "FROM (SELECT * FROM nights ORDER BY date)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"questionnaires\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('kind', kind, 'date', date, 'answers', json(answers), "
			    "'result', json(result))) FROM (SELECT * FROM questionnaires ORDER BY kind, date, id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"food_log\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('date', date, 'ndb', ndb, 'description', description, "
			    "'amount', amount, 'grams', grams, 'mg', mg, 'created', created)) "
			    "FROM (SELECT * FROM food_log ORDER BY date, id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"diet_quiz\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('date', date, 'answers', json(answers), 'mg', mg)) "
			    "FROM (SELECT * FROM diet_quiz ORDER BY date, id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"trial\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('id', id, 'created', created, 'status', status, 'start', start, "
			    "'pairs', pairs, 'period_days', period_days, 'washout', washout, 'outcome', outcome, 'seed', seed, "
			    "'order', json(orders), 'elemental_mg', elemental_mg, 'compound_mg', compound_mg, 'form', form, "
			    "'baseline_days', baseline_days, 'analysis', CASE WHEN alpha IS NULL THEN NULL ELSE "
			    "json_object('test', 'randomisation-exact', 'sides', 2, 'alpha', alpha, 'estimate', "
			    "'mean-difference-t95', 'min_pairs', min_pairs, 'mid', mid, 'mid_verified', mid_verified, "
			    "'interim', 'no-claim') END)) FROM (SELECT * FROM trial ORDER BY id)",
			    NULL, out, err)))
		return r;
	/* Events name their trial by its position in the "trial" array (1-based). */
	mg_buf_puts(out, ",\"trial_event\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('trial', (SELECT count(*) FROM trial t WHERE t.id <= e.trial), "
			    "'date', date, 'kind', kind, 'symptoms', json(symptoms), 'stops', stops, 'note', note, "
			    "'created', created)) FROM (SELECT * FROM trial_event ORDER BY trial, date, id) e",
			    NULL, out, err)))
		return r;
	/* Imported device sleep (schema 3): the raw records with their ids, so
	 * a restore keeps every reference; device nights are derived again. */
	mg_buf_puts(out, ",\"import_run\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('id', id, 'at', at, 'files', json(files), "
			    "'report', json(report))) FROM (SELECT * FROM import_run ORDER BY id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"import_source\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('id', id, 'name', name, 'kind', kind)) "
			    "FROM (SELECT * FROM import_source ORDER BY id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"import_device\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('id', id, 'text', text)) "
			    "FROM (SELECT * FROM import_device ORDER BY id)",
			    NULL, out, err)))
		return r;
	/* Intervals are many (a decade of a watch is ~200,000): one compact
	 * array each, columns as in docs/data-formats.md. */
	mg_buf_puts(out, ",\"sleep_interval_columns\":[\"source\",\"device\",\"stage\",\"start\",\"end\","
			 "\"start_offset\",\"end_offset\",\"tz\",\"note\",\"run\"],\"sleep_interval\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_array(source, device, stage, start, end, start_offset, "
			    "end_offset, tz, note, run)) FROM (SELECT * FROM sleep_interval ORDER BY source, start, stage, end)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"sleep_period\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('source', source, 'device', device, 'start', start, "
			    "'end', end, 'start_offset', start_offset, 'end_offset', end_offset, 'tz', tz, 'note', note, "
			    "'nap', nap, 'tst', tst, 'sol', sol, 'awake', awake, 'light', light, 'deep', deep, 'rem', rem, "
			    "'run', run)) FROM (SELECT * FROM sleep_period ORDER BY id)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, ",\"setting\":");
	if ((r = json_query(db,
			    "SELECT json_group_array(json_object('key', key, 'value', value)) "
			    "FROM (SELECT * FROM setting ORDER BY key)",
			    NULL, out, err)))
		return r;
	mg_buf_puts(out, "}\n");
	return out->failed ? mg_fail(err, MG_ENOMEM, NULL, "out of memory") : 0;
}
