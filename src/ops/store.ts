// The durable context store. Write-capable modes use a SQLite file through keyv; dry-run and
// read-only modes never write anywhere, so they read an existing file once into memory.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import sqlite3 from 'sqlite3';

export const NAMESPACE = 'exstate';

export async function openDurableStore(path: string): Promise<{ keyv: Keyv; close: () => Promise<void> }> {
  mkdirSync(dirname(path), { recursive: true });
  const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, table: 'exstate', busyTimeout: 10_000 });
  // Write-ahead log: one fsync per commit instead of the rollback journal's several, so the
  // context write that precedes every venue call stays short; FULL keeps each commit durable.
  const query = (adapter as unknown as { query: (sql: string) => Promise<unknown> }).query;
  await query('PRAGMA journal_mode=WAL');
  await query('PRAGMA synchronous=FULL');
  const keyv = new Keyv({ store: adapter, namespace: NAMESPACE, throwOnErrors: true });
  keyv.on('error', () => undefined);
  return { keyv, close: async () => keyv.disconnect() };
}

/** An in-memory store holding a read-only copy of the SQLite file's entries, if the file exists. */
export async function openReadOnlyCopy(path: string): Promise<{ keyv: Keyv; close: () => Promise<void> }> {
  const map = new Map<string, unknown>();
  if (existsSync(path)) {
    const rows = await new Promise<Array<{ key: string; value: string }>>((resolve, reject) => {
      const db = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (error) => {
        if (error) return reject(error);
        db.all('SELECT key, value FROM exstate', (err, result) => {
          db.close();
          if (err) reject(err);
          else resolve(result as Array<{ key: string; value: string }>);
        });
      });
    }).catch(() => []);
    for (const row of rows) map.set(row.key, row.value);
  }
  const keyv = new Keyv({ store: map, namespace: NAMESPACE, throwOnErrors: true });
  keyv.on('error', () => undefined);
  return { keyv, close: async () => undefined };
}
