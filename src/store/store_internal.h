/* Shared inside src/store only. */
#ifndef MG_STORE_INTERNAL_H
#define MG_STORE_INTERNAL_H

#include <mgsleep/store.h>
#include <sqlite3.h>

sqlite3 *mg_db_sqlite(struct mg_db *db);
/* Seal the current database image to path (atomic write), with the store's key. */
int mg_db_seal_to(struct mg_db *db, const char *path, struct mg_error *err);
int mg_db_sql_fail(struct mg_db *db, struct mg_error *err, const char *what);
/* A new plain store for path, migrated, built at PATH.tmp.PID and invisible
 * until mg_db_publish; refused as mg_db_open refuses to create one (path
 * exists: MG_EEXIST; a passphrase set; PATH.lock). mg_db_close discards it. */
int mg_db_open_unpublished(struct mg_db **out, const char *path, const char *passphrase, struct mg_error *err);
/* Close the store and put it at its path without replacing anything
 * (MG_EEXIST if a file appeared there); the temporary file is gone either way. */
int mg_db_publish(struct mg_db *db, struct mg_error *err);

#endif
