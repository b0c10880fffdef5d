// The embedded default store: one SQLite file through better-sqlite3. Synchronous on purpose:
// a transaction in WAL mode with synchronous=FULL costs about a quarter of a millisecond here
// (one fsync), less than the async driver's hops around it, and with group commit in front
// (group-commit.ts) one pass's contexts share that one fsync.
//
// The file format is the one the earlier keyv store (@keyv/sqlite) wrote: table `exstate`,
// keys prefixed by the namespace, values serialized as keyv serializes `{ value }`; a store file
// written by an earlier version opens unchanged, and one written by this one opens in it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import type { DurableEntry, DurableKv } from './durable-kv.js';
import { memoryCopy } from './memory-kv.js';

export const NAMESPACE = 'exstate';
const PREFIX = `${NAMESPACE}:`;

export function openSqliteKv(path: string): DurableKv {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS exstate(key VARCHAR(255) PRIMARY KEY, value TEXT )');
  const upsert = db.prepare('INSERT INTO exstate(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const writeAll = db.transaction((entries: readonly DurableEntry[]) => {
    for (const [key, value] of entries) upsert.run(PREFIX + key, defaultSerialize({ value }));
  });
  const setMany = (entries: readonly DurableEntry[]): Promise<void> => {
    try {
      writeAll(entries);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    async *entries() {
      yield* readEntries(db);
    },
    set: (key, value) => setMany([[key, value]]),
    setMany,
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Every entry of an open store file, namespace prefix removed. */
export function* readEntries(db: Database.Database): Generator<DurableEntry> {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'exstate'").get();
  if (!exists) return;
  for (const row of db.prepare('SELECT key, value FROM exstate').iterate() as Iterable<{ key: string; value: string }>) {
    if (!row.key.startsWith(PREFIX)) continue;
    const stored = defaultDeserialize(row.value) as { value?: unknown } | null;
    yield [row.key.slice(PREFIX.length), stored?.value];
  }
}

/** A read-only view of a store file for modes that never write (dry run, status): a missing file is empty. */
export function openSqliteReadOnly(path: string): DurableKv {
  let entries: DurableEntry[] = [];
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      entries = [...readEntries(db)];
    } finally {
      db.close();
    }
  } catch {
    // No file yet (or unreadable): a read-only mode starts from nothing and says so in its status.
  }
  return memoryCopy(entries);
}
