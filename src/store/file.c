/* Store: the file. Opening and creating (never over something that is not a
 * store), the sealed (encrypted) image and its lock, migrations, transactions
 * and re-keying. The data the store holds is in db.c. */
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

int mg_db_exec(struct mg_db *db, const char *sql, struct mg_error *err)
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
	if ((r = mg_db_exec(db, "BEGIN IMMEDIATE", err)))
		return r;
	if (!(r = schema_version(db, &v, err)) && v > MG_N_MIGRATIONS)
		r = newer(db, v, err);
	for (; v < MG_N_MIGRATIONS && !r; v++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if (!(r = mg_db_exec(db, mg_migrations[v], err)))
			r = mg_db_exec(db, pragma, err);
	}
	if (r) {
		mg_db_exec(db, "ROLLBACK", NULL);
		return r;
	}
	if ((r = mg_db_exec(db, "COMMIT", err)))
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
	else if (!(r = mg_db_exec(db, "PRAGMA journal_mode = MEMORY; PRAGMA foreign_keys = ON", err)))
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
	else if (!(r = mg_db_exec(db, "PRAGMA foreign_keys = ON", err)))
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
			r = mg_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", err);
	}
	if (r || (r = mg_db_exec(db, "PRAGMA foreign_keys = ON", err)))
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
	int r = mg_db_exec(db, "BEGIN IMMEDIATE", err);
	db->in_tx = !r;
	return r;
}

int mg_db_commit(struct mg_db *db, struct mg_error *err)
{
	int r = mg_db_exec(db, "COMMIT", err);
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
