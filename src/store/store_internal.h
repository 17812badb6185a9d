/* Shared inside src/store only. */
#ifndef MG_STORE_INTERNAL_H
#define MG_STORE_INTERNAL_H

#include <mgsleep/store.h>
#include <sqlite3.h>

sqlite3 *mg_db_sqlite(struct mg_db *db);
/* Seal the current database image to path (atomic write), with the store's key. */
int mg_db_seal_to(struct mg_db *db, const char *path, struct mg_error *err);
int mg_db_sql_fail(struct mg_db *db, struct mg_error *err, const char *what);

#endif
