// The durable context store the service opens. Write-capable modes use the SQLite file (through
// group commit: one transaction per turn of the event loop); dry-run and read-only modes never
// write anywhere, so they read an existing file once into memory.
import type { DurableKv } from '../store/durable-kv.js';
import { groupCommit } from '../store/group-commit.js';
import { openSqliteKv, openSqliteReadOnly } from '../store/sqlite-kv.js';

export { NAMESPACE } from '../store/sqlite-kv.js';

export interface OpenStore {
  kv: DurableKv;
  close: () => Promise<void>;
}

export async function openDurableStore(path: string): Promise<OpenStore> {
  const kv = groupCommit(openSqliteKv(path));
  return { kv, close: () => kv.close() };
}

/** An in-memory store holding a read-only copy of the SQLite file's entries, if the file exists. */
export async function openReadOnlyCopy(path: string): Promise<OpenStore> {
  const kv = openSqliteReadOnly(path);
  return { kv, close: () => kv.close() };
}
