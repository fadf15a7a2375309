#!/bin/sh
# schema-dump.sh DB: the schema of a database as stable text, for the
# golden test of a fresh database.
sqlite3 "$1" "PRAGMA user_version" | sed 's/^/-- user_version /'
sqlite3 "$1" "SELECT sql || ';' FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
