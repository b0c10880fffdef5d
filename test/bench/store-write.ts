// The durable write of one protective pass (an SL and a TP context), old store against new: keyv
// over @keyv/sqlite (async sqlite3, one transaction per key) and better-sqlite3 behind group commit
// (both contexts in one transaction). Both WAL with synchronous=FULL: the same durability, one
// fsync per transaction. `node --import tsx test/bench/store-write.ts [passes]` prints JSON lines.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { openDurableStore } from '../../src/ops/store.js';
import { keyvKv } from '../../src/store/keyv-kv.js';
import type { DurableKv } from '../../src/store/durable-kv.js';

const context = (id: string, slot: string) => ({ customOrderId: id, scopeKey: 'binance:linear:BTCUSDT:LONG', slot, generation: 1, status: 'pending', lifecycle: 'submitting', request: { side: 'SELL', type: 'STOP_MARKET', triggerPrice: '63700', closePosition: true }, createdAtMs: 1, updatedAtMs: 1 });

async function keyvSqliteStore(path: string): Promise<DurableKv> {
  const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, table: 'exstate', busyTimeout: 10_000 });
  const query = (adapter as unknown as { query: (sql: string) => Promise<unknown> }).query;
  await query('PRAGMA journal_mode=WAL');
  await query('PRAGMA synchronous=FULL');
  const keyv = new Keyv({ store: adapter, namespace: 'exstate', throwOnErrors: true });
  keyv.on('error', () => undefined);
  return keyvKv(keyv);
}

/** Per pass: both contexts written (as the executor does, concurrently), then awaited. */
export async function passWriteTimes(kv: DurableKv, passes: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < passes + 20; i++) {
    const t0 = performance.now();
    await Promise.all([kv.set(`ctx:sl${i}`, context(`sl${i}`, 'SL')), kv.set(`ctx:tp${i}`, context(`tp${i}`, 'TP'))]);
    if (i >= 20) times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

export async function compareStores(passes = 300): Promise<{ before: number[]; after: number[] }> {
  const dir = () => join(mkdtempSync(join(tmpdir(), 'exstate-store-bench-')), 's.sqlite');
  const old = await keyvSqliteStore(dir());
  const before = await passWriteTimes(old, passes);
  await old.close();
  const fresh = await openDurableStore(dir());
  const after = await passWriteTimes(fresh.kv, passes);
  await fresh.close();
  return { before, after };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { before, after } = await compareStores(Number(process.argv[2] ?? 300));
  const p = (a: number[], q: number) => Math.round(a[Math.min(a.length - 1, Math.floor((q / 100) * a.length))]! * 1000) / 1000;
  for (const [name, a] of [['keyv_sqlite3_pass_write', before], ['better_sqlite3_group_commit_pass_write', after]] as const) {
    process.stdout.write(`${JSON.stringify({ name, p50_ms: p(a, 50), p99_ms: p(a, 99), max_ms: p(a, 100) })}\n`);
  }
}
