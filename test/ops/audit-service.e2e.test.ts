// The audit journal inside the real service (`startService`, what `exstate start` runs) against the
// simulator: a write-capable run leaves every journal record of the run in the table and the day's
// JSONL file with an intact chain (`exstate journal verify` says so); a dry run writes nothing.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { auditPaths } from '../../src/ops/audit/audit-journal.js';
import { verifyAudit } from '../../src/ops/audit/audit-verify.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { envFor, runEmbedded } from '../gates/spawn.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 1, positionMode: 'hedge' });
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
});

afterAll(async () => {
  await sim?.close();
});

function rows(path: string): Promise<Array<{ seq: number; event: string; run_id: string; account: string; body: string }>> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (e) => {
      if (e) return reject(e);
      db.all('SELECT seq, event, run_id, account, body FROM audit_journal ORDER BY id', (err, r) => db.close(() => (err ? reject(err) : resolve(r as never))));
    });
  });
}

test('a DEMO run journals every record to the audit table and the day\'s JSONL, chain intact', async () => {
  const store = join(mkdtempSync(join(tmpdir(), 'exstate-audit-svc-')), 'data', 'exstate.sqlite');
  const service = runEmbedded(envFor(sim, { EXECUTION_MODE: 'DEMO', STORE_PATH: store }));
  await service.waitFor('service_ready', (r) => r.event === 'service_ready', 45_000);
  expect(await service.stop()).toBe(0);
  const stored = await rows(auditPaths(store).db);
  expect(stored.map((r) => r.seq)).toEqual(service.records.map((r) => r.seq));
  expect(stored.map((r) => r.event)).toEqual(service.records.map((r) => r.event));
  expect(stored.at(-1)!.event).toBe('service_stopped');
  expect(new Set(stored.map((r) => r.run_id)).size).toBe(1);
  expect(stored[0]!.account).toMatch(/^[0-9a-f]{8}$/);
  const all = JSON.stringify(stored);
  expect(all).not.toContain(sim.secret);
  expect(all).not.toContain(sim.apiKey);
  const files = readdirSync(auditPaths(store).dir);
  expect(files.length).toBeGreaterThanOrEqual(1);
  const lines = files.flatMap((f) => readFileSync(join(auditPaths(store).dir, f), 'utf8').trim().split('\n'));
  expect(lines).toHaveLength(stored.length);
  expect(lines.join('\n')).not.toContain(sim.secret);
  expect(await verifyAudit(store)).toMatchObject({ ok: true, records: stored.length, runs: 1 });
  expect(service.records.some((r) => r.event === 'audit_write_failed')).toBe(false);
});

test('a dry run writes nothing: no audit journal, no store, no directory', async () => {
  const root = mkdtempSync(join(tmpdir(), 'exstate-audit-dry-'));
  const store = join(root, 'data', 'exstate.sqlite');
  const service = runEmbedded(envFor(sim, { EXECUTION_MODE: 'DRY_RUN_PRIVATE', STORE_PATH: store }));
  await service.waitFor('service_ready', (r) => r.event === 'service_ready', 45_000);
  expect(await service.stop()).toBe(0);
  expect(existsSync(join(root, 'data'))).toBe(false);
  expect(readdirSync(root)).toEqual([]);
  expect(existsSync(auditPaths(store).db)).toBe(false);
});
