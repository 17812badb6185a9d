/* Schema migrations, in order. Migration i takes PRAGMA user_version from i
 * to i+1; each runs in the transaction that opens the store, so a store is
 * never left half-migrated. Never edit a released migration: add one. */
#ifndef MG_STORE_SCHEMA_H
#define MG_STORE_SCHEMA_H

static const char *const mg_migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE profile ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  json TEXT NOT NULL,"
	"  updated TEXT NOT NULL) STRICT;"
	"CREATE TABLE nights ("
	"  date TEXT PRIMARY KEY,"            /* morning of completion, YYYY-MM-DD */
	"  entry TEXT NOT NULL,"              /* the diary items as JSON */
	"  tib INTEGER, sol INTEGER, waso INTEGER, tst INTEGER, se REAL, terminal_wake INTEGER,"
	"  mg_elemental_mg REAL,"             /* magnesium taken that evening, NULL if none */
	"  created TEXT NOT NULL, updated TEXT NOT NULL) STRICT;"
	"CREATE TABLE questionnaires ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('isi', 'psqi')),"
	"  date TEXT NOT NULL,"
	"  answers TEXT NOT NULL,"
	"  result TEXT NOT NULL) STRICT;"
	"CREATE INDEX questionnaires_kind_date ON questionnaires(kind, date);"
	"CREATE TABLE audit ("                /* deleted or replaced rows, purgeable */
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL, action TEXT NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL,"
	"  old TEXT NOT NULL) STRICT;",
	/* 1 -> 2: the food log (issue 6) */
	"CREATE TABLE food_log ("
	"  id INTEGER PRIMARY KEY,"
	"  date TEXT NOT NULL,"                /* the day eaten, YYYY-MM-DD */
	"  ndb TEXT NOT NULL,"                 /* USDA SR28 NDB number */
	"  description TEXT NOT NULL,"
	"  amount TEXT NOT NULL,"              /* as entered: \"1 cup\", \"30g\" */
	"  grams REAL NOT NULL CHECK (grams > 0),"
	"  mg REAL NOT NULL CHECK (mg >= 0),"  /* magnesium in this amount */
	"  created TEXT NOT NULL) STRICT;"
	"CREATE INDEX food_log_date ON food_log(date);"
	"CREATE TABLE diet_quiz ("
	"  id INTEGER PRIMARY KEY,"
	"  date TEXT NOT NULL,"
	"  answers TEXT NOT NULL,"             /* JSON object: item id -> frequency index */
	"  mg REAL NOT NULL CHECK (mg >= 0)) STRICT;"
	"CREATE TABLE trial ("                 /* N-of-1 trial plans (issue 5); the latest is active */
	"  id INTEGER PRIMARY KEY,"
	"  created TEXT NOT NULL,"
	"  start TEXT NOT NULL,"               /* first evening of period 1, YYYY-MM-DD */
	"  pairs INTEGER NOT NULL CHECK (pairs > 0),"
	"  period_days INTEGER NOT NULL CHECK (period_days > 0),"
	"  washout INTEGER NOT NULL CHECK (washout >= 0),"
	"  outcome TEXT NOT NULL,"             /* sol, tst, se, waso, awakenings, quality, isi */
	"  seed TEXT NOT NULL,"                /* decimal uint64 of the randomisation */
	"  orders TEXT NOT NULL,"              /* JSON array, mg or off per period */
	"  elemental_mg REAL NOT NULL CHECK (elemental_mg > 0),"
	"  compound_mg REAL NOT NULL CHECK (compound_mg > 0),"
	"  form TEXT NOT NULL,"
	"  baseline_days INTEGER NOT NULL DEFAULT 0 CHECK (baseline_days BETWEEN 0 AND 56)) STRICT;"  /* nights without magnesium before period 1 */
	"CREATE TABLE trial_event ("           /* adverse events, pauses and resumes of a trial (issue 5) */
	"  id INTEGER PRIMARY KEY,"
	"  trial INTEGER NOT NULL REFERENCES trial(id),"
	"  date TEXT NOT NULL,"                /* YYYY-MM-DD: the pause or resume applies from this evening */
	"  kind TEXT NOT NULL CHECK (kind IN ('event', 'resume')),"
	"  symptoms TEXT NOT NULL,"            /* JSON array of KB symptom ids; [] for a resume */
	"  stops INTEGER NOT NULL CHECK (stops IN (0, 1)),"  /* 1: a stop-rule symptom, the trial pauses */
	"  note TEXT NOT NULL,"
	"  created TEXT NOT NULL) STRICT;",
	/* 2 -> 3: sleep imported from devices (issue 4, docs/import.md). The raw
	 * intervals are the record; device_night is derived from them and can
	 * always be rebuilt. UNIQUE natural keys make every import exactly-once. */
	"CREATE TABLE import_run ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  files TEXT NOT NULL,"               /* JSON array of the file names given (base names) */
	"  report TEXT NOT NULL) STRICT;"      /* JSON: counts per source and type */
	"CREATE TABLE import_source ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"         /* \"Apple Watch\", \"Oura\", \"Sleep as Android\" */
	"  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 3)) STRICT;"  /* enum mg_device_kind */
	"CREATE TABLE import_device ("
	"  id INTEGER PRIMARY KEY,"
	"  text TEXT NOT NULL UNIQUE) STRICT;" /* hardware description as exported */
	"CREATE TABLE sleep_interval ("        /* keyed by its natural key: one b-tree, the fastest insert */
	"  source INTEGER NOT NULL REFERENCES import_source(id),"
	"  device INTEGER REFERENCES import_device(id),"
	"  stage INTEGER NOT NULL CHECK (stage BETWEEN 0 AND 6),"  /* enum mg_stage */
	"  start INTEGER NOT NULL,"            /* UTC seconds */
	"  end INTEGER NOT NULL CHECK (end > start),"
	"  start_offset INTEGER NOT NULL,"     /* minutes east of UTC, as recorded */
	"  end_offset INTEGER NOT NULL,"
	"  tz TEXT NOT NULL,"                  /* IANA zone when the export named one, else '' */
	"  note TEXT NOT NULL,"
	"  run INTEGER NOT NULL REFERENCES import_run(id),"
	"  PRIMARY KEY (source, start, stage, end)) STRICT, WITHOUT ROWID;"
	"CREATE TABLE sleep_period ("          /* totals from exports with no timeline */
	"  id INTEGER PRIMARY KEY,"
	"  source INTEGER NOT NULL REFERENCES import_source(id),"
	"  device INTEGER REFERENCES import_device(id),"
	"  start INTEGER NOT NULL, end INTEGER NOT NULL CHECK (end > start),"
	"  start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,"
	"  tz TEXT NOT NULL, note TEXT NOT NULL,"
	"  nap INTEGER NOT NULL CHECK (nap BETWEEN -1 AND 1),"
	"  tst INTEGER, sol INTEGER, awake INTEGER, light INTEGER, deep INTEGER, rem INTEGER,"  /* minutes, NULL unknown */
	"  run INTEGER NOT NULL REFERENCES import_run(id),"
	"  UNIQUE (source, start, end)) STRICT;"
	"CREATE TABLE device_night ("          /* derived: one row per sleep episode per source */
	"  date TEXT NOT NULL,"                /* local date at the episode's end */
	"  source INTEGER NOT NULL REFERENCES import_source(id),"
	"  main INTEGER NOT NULL CHECK (main IN (0, 1)),"
	"  chosen INTEGER NOT NULL CHECK (chosen IN (0, 1)),"  /* the night's source by priority */
	"  start INTEGER NOT NULL, end INTEGER NOT NULL, end_offset INTEGER NOT NULL,"
	"  tib INTEGER NOT NULL, tst INTEGER NOT NULL, sol INTEGER, waso INTEGER, awakenings INTEGER,"
	"  light INTEGER, deep INTEGER, rem INTEGER, unspecified INTEGER, awake INTEGER,"
	"  PRIMARY KEY (source, start)) STRICT;"
	"CREATE INDEX device_night_date ON device_night(date);"
	"CREATE INDEX device_night_source_date ON device_night(source, date);"
	"CREATE TABLE setting ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL) STRICT;",
	/* 3 -> 4: trials are kept (issue 11). A trial is 'planned' until a new
	 * plan retires it as 'replaced' (before its end) or 'finished'; running
	 * is derived from the dates. The primary analysis is stored with the
	 * plan; trials planned before this migration have none (NULL) and are
	 * analysed with the rule of the knowledge base in use. */
	"ALTER TABLE trial ADD COLUMN status TEXT NOT NULL DEFAULT 'planned' "
	"  CHECK (status IN ('planned', 'running', 'finished', 'replaced'));"
	"ALTER TABLE trial ADD COLUMN alpha REAL CHECK (alpha > 0 AND alpha < 1);"       /* two-sided level of the exact randomisation test */
	"ALTER TABLE trial ADD COLUMN min_pairs INTEGER CHECK (min_pairs BETWEEN 2 AND 64);"
	"ALTER TABLE trial ADD COLUMN mid REAL CHECK (mid > 0);"                        /* minimal important difference, outcome units */
	"ALTER TABLE trial ADD COLUMN mid_verified INTEGER CHECK (mid_verified IN (0, 1));"
	"UPDATE trial SET status = 'replaced' WHERE id < (SELECT max(id) FROM trial);",
};

#define MG_N_MIGRATIONS (int)(sizeof mg_migrations / sizeof mg_migrations[0])

#endif
