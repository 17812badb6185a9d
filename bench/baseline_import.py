#!/usr/bin/env python3
"""Baseline for the import benchmark (bench/import.sh, issue 4): import the
sleep records of an Apple Health export.xml the way popular Python importers
do it, with the standard library only.

    python3 bench/baseline_import.py EXPORT.xml DB

xml.etree.ElementTree.iterparse over the file (end events), keep each Record
of type HKCategoryTypeIdentifierSleepAnalysis as (sourceName, value,
startDate, endDate), clear every element to bound memory, insert into an
sqlite3 table with executemany in batches of 1000 inside one transaction
(INSERT OR IGNORE on a UNIQUE natural key). Prints the number of rows stored.
"""
import sqlite3
import sys
import xml.etree.ElementTree as ET

SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
BATCH = 1000


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: baseline_import.py EXPORT.xml DB")
    path, db_path = sys.argv[1], sys.argv[2]

    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE TABLE IF NOT EXISTS sleep ("
        " source TEXT NOT NULL, value TEXT NOT NULL,"
        " start_date TEXT NOT NULL, end_date TEXT NOT NULL,"
        " UNIQUE (source, value, start_date, end_date))"
    )
    sql = "INSERT OR IGNORE INTO sleep (source, value, start_date, end_date) VALUES (?, ?, ?, ?)"

    batch = []
    with db:  # one transaction
        for _event, elem in ET.iterparse(path, events=("end",)):
            if elem.tag == "Record":
                if elem.get("type") == SLEEP:
                    batch.append((elem.get("sourceName"), elem.get("value"),
                                  elem.get("startDate"), elem.get("endDate")))
                    if len(batch) >= BATCH:
                        db.executemany(sql, batch)
                        batch.clear()
                elem.clear()
            elif elem.tag in ("Correlation", "Workout", "ActivitySummary"):
                elem.clear()
        if batch:
            db.executemany(sql, batch)
    (count,) = db.execute("SELECT count(*) FROM sleep").fetchone()
    db.close()
    print(count)


if __name__ == "__main__":
    main()
