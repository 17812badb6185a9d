/* Shared inside src/store only. */
#ifndef MG_STORE_INTERNAL_H
#define MG_STORE_INTERNAL_H

#include <mgsleep/store.h>
#include <sodium.h>
#include <sqlite3.h>

/* The handle: db.c (data) and file.c (the file: open, seal, lock,
 * migrate, transactions) share it. */
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

sqlite3 *mg_db_sqlite(struct mg_db *db);
/* Seal the current database image to path (atomic write), with the store's key. */
int mg_db_seal_to(struct mg_db *db, const char *path, struct mg_error *err);
int mg_db_sql_fail(struct mg_db *db, struct mg_error *err, const char *what);
/* Run SQL with no result rows; MG_EIO naming SQLite's message. */
int mg_db_exec(struct mg_db *db, const char *sql, struct mg_error *err);
/* A new plain store for path, migrated, built at PATH.tmp.PID and invisible
 * until mg_db_publish; refused as mg_db_open refuses to create one (path
 * exists: MG_EEXIST; a passphrase set; PATH.lock). mg_db_close discards it. */
int mg_db_open_unpublished(struct mg_db **out, const char *path, const char *passphrase, struct mg_error *err);
/* Close the store and put it at its path without replacing anything
 * (MG_EEXIST if a file appeared there); the temporary file is gone either way. */
int mg_db_publish(struct mg_db *db, struct mg_error *err);

#endif
