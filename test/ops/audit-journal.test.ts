// The audit journal on real SQLite files in a temporary directory, and `exstate journal verify` /
// `exstate journal show` as the real command line in a child process: records land in the table
// and in the day's JSONL file with a valid hash chain; verify passes on a good store and names the
// first bad sequence (exit 1) when a row's body is edited or a row is deleted; show filters by
// scope; a secret placed in a record never reaches the table or the files; a failed write is
// journaled once and stops nothing.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import type { Scope } from '../../src/domain/scope.js';
import { AuditJournal, auditPaths, canonicalJson, chainHash, GENESIS_HASH } from '../../src/ops/audit/audit-journal.js';
import { verifyAudit } from '../../src/ops/audit/audit-verify.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { clearRegisteredSecrets, registerSecret } from '../../src/runtime/redact.js';
import { runCli } from '../gates/spawn.js';

const LONG: Scope = { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' } as Scope;
const SHORT: Scope = { exchange: 'binance', product: 'linear', symbol: 'ETHUSDT', managedSide: 'SHORT' } as Scope;
const SECRET = 'SuperSecretApiValue_9f8e7d';
const DAY1 = Date.parse('2026-03-04T23:59:59.500Z');
const DAY2 = Date.parse('2026-03-05T00:00:00.250Z');

interface Row {
  id: number; seq: number; time: string; run_id: string; account: string; scope: string | null; pass_id: number | null;
  custom_id: string | null; correlation_id: string | null; causation_id: string | null; event: string; body: string; prev_hash: string; hash: string;
}

function query<T>(path: string, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, (e) => {
      if (e) return reject(e);
      db.all(sql, (err, rows) => db.close(() => (err ? reject(err) : resolve(rows as T[]))));
    });
  });
}

async function exec(path: string, sql: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const db = new sqlite3.Database(path, (e) => {
      if (e) return reject(e);
      db.run(sql, (err) => db.close(() => (err ? reject(err) : resolve())));
    });
  });
}

let dir: string;
let store: string;
let records: JournalRecord[];

/** A store written by one run: 10 records over two UTC days, two scopes, a secret in one field. */
async function writeStore(storePath: string, runId = 'run-1'): Promise<JournalRecord[]> {
  let now = DAY1;
  const journal = new Journal({ now: () => now });
  const seen: JournalRecord[] = [];
  journal.subscribe((r) => seen.push(r));
  const audit = new AuditJournal(journal, { storePath, runId, flushMs: 20 });
  journal.record('service_starting', { mode: 'demo', venue: 'sim', symbols: 'auto' }); // queued before open
  await audit.open('ab12cd34');
  journal.record('workflow_pass', { scope: LONG, actionFamily: 'protective', reasons: [], passId: 7 });
  journal.record('request_planned', { scope: LONG, action: 'place', slot: 'SL', customOrderId: 'x-abc-1', side: 'SELL', type: 'STOP_MARKET', wouldSubmit: true, passId: 7 });
  journal.record('workflow_pass', { scope: SHORT, actionFamily: 'noop', reasons: [], passId: 8 });
  journal.record('demo_step', { what: `price moved; key=${SECRET} leaked` });
  await new Promise((r) => setTimeout(r, 60)); // one timed flush
  now = DAY2;
  journal.record('workflow_pass', { scope: LONG, actionFamily: 'dca', reasons: ['x'], passId: 9 });
  journal.record('request_planned', { scope: LONG, action: 'place', slot: 'DCA1', customOrderId: 'x-abc-2', side: 'BUY', type: 'LIMIT', wouldSubmit: true, passId: 9 });
  journal.record('workflow_pass', { scope: SHORT, actionFamily: 'noop', reasons: [], passId: 10 });
  journal.record('demo_step', { what: 'again' });
  journal.record('service_stopped', { exitCode: 0 });
  await audit.close(); // flushes the rest
  return seen;
}

beforeAll(async () => {
  registerSecret(SECRET);
  dir = mkdtempSync(join(tmpdir(), 'exstate-audit-'));
  store = join(dir, 'exstate.sqlite');
  records = await writeStore(store);
});

afterAll(() => clearRegisteredSecrets());

test('every record lands in the table with its columns and a valid hash chain', async () => {
  const { db } = auditPaths(store);
  expect(db).toBe(join(dir, 'exstate.journal.sqlite'));
  const rows = await query<Row>(db, 'SELECT * FROM audit_journal ORDER BY id');
  expect(rows.map((r) => r.seq)).toEqual(records.map((r) => r.seq));
  expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  let prev = GENESIS_HASH;
  for (const [i, row] of rows.entries()) {
    expect(row.run_id).toBe('run-1');
    expect(row.account).toBe('ab12cd34');
    expect(row.event).toBe(records[i]!.event);
    expect(row.time).toBe(new Date(records[i]!.atMs).toISOString());
    expect(row.body).toBe(canonicalJson(records[i]));
    expect(row.prev_hash).toBe(prev);
    expect(row.hash).toBe(chainHash(prev, row.body));
    prev = row.hash;
  }
  const planned = rows.find((r) => r.event === 'request_planned')!;
  expect(planned).toMatchObject({ scope: 'binance:linear:BTCUSDT:LONG', pass_id: 7, custom_id: 'x-abc-1', correlation_id: null, causation_id: null });
  expect(rows[0]).toMatchObject({ event: 'service_starting', scope: null, pass_id: null, custom_id: null });
});

test('the same records go to one JSONL file per UTC day of their time, same fields', async () => {
  const { dir: jsonl } = auditPaths(store);
  expect(readdirSync(jsonl).sort()).toEqual(['2026-03-04.jsonl', '2026-03-05.jsonl']);
  const lines = ['2026-03-04.jsonl', '2026-03-05.jsonl'].flatMap((f) => readFileSync(join(jsonl, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
  const rows = await query<Row>(auditPaths(store).db, 'SELECT * FROM audit_journal ORDER BY id');
  expect(lines).toHaveLength(rows.length);
  expect(readFileSync(join(jsonl, '2026-03-04.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
  for (const [i, line] of lines.entries()) {
    const row = rows[i]!;
    expect(line).toMatchObject({ seq: row.seq, time: row.time, runId: row.run_id, account: row.account, scope: row.scope, passId: row.pass_id, customId: row.custom_id, event: row.event, prevHash: row.prev_hash, hash: row.hash });
    expect(canonicalJson(line.body)).toBe(row.body);
  }
});

test('a secret placed in a record field never reaches the table or the files', () => {
  const { db, dir: jsonl } = auditPaths(store);
  const files = [db, ...readdirSync(dir).filter((f) => f.startsWith('exstate.journal.sqlite')).map((f) => join(dir, f)), ...readdirSync(jsonl).map((f) => join(jsonl, f))];
  for (const f of files) expect(readFileSync(f).includes(SECRET)).toBe(false);
  expect(readFileSync(join(jsonl, '2026-03-04.jsonl'), 'utf8')).toContain('[redacted]');
});

test('a second run continues the chain in the same file', async () => {
  const d = mkdtempSync(join(tmpdir(), 'exstate-audit-2-'));
  const s = join(d, 'exstate.sqlite');
  await writeStore(s, 'run-a');
  await writeStore(s, 'run-b');
  const result = await verifyAudit(s);
  expect(result).toMatchObject({ ok: true, records: 20, runs: 2 });
});

test('exstate journal verify passes on a good store: one line, exit 0', async () => {
  const child = runCli(['journal', 'verify', '--store', store], {});
  expect(await child.exited).toBe(0);
  expect(child.stdout()).toMatch(/^journal verify: OK: 10 records, 1 run\(s\)[^\n]*\n$/);
});

/** A copy of the audit journal, tampered with by `sql`. */
async function tampered(sql: string): Promise<string> {
  const d = mkdtempSync(join(tmpdir(), 'exstate-audit-bad-'));
  const s = join(d, 'exstate.sqlite');
  copyFileSync(auditPaths(store).db, auditPaths(s).db);
  await exec(auditPaths(s).db, sql);
  return s;
}

test('verify fails (exit 1, one line naming the sequence) when a row body is edited', async () => {
  const s = await tampered(`UPDATE audit_journal SET body = replace(body, '"passId":9', '"passId":99') WHERE seq = 6`);
  const child = runCli(['journal', 'verify', '--store', s], {});
  expect(await child.exited).toBe(1);
  expect(child.stdout()).toMatch(/^journal verify: FAIL at seq 6 \(run run-1\): hash does not match its body\n$/);
});

test('verify fails (exit 1, one line naming the sequence) when a row is deleted', async () => {
  const s = await tampered('DELETE FROM audit_journal WHERE seq = 4');
  const child = runCli(['journal', 'verify', '--store', s], {});
  expect(await child.exited).toBe(1);
  expect(child.stdout()).toMatch(/^journal verify: FAIL at seq 4 \(run run-1\): missing[^\n]*\n$/);
});

test('verify fails when a row is rewritten with a fresh hash of its own (the next row breaks the chain)', async () => {
  const rows = await query<Row>(auditPaths(store).db, 'SELECT * FROM audit_journal WHERE seq = 9');
  const body = rows[0]!.body.replace('again', 'other');
  expect(body).not.toBe(rows[0]!.body);
  const s = await tampered(`UPDATE audit_journal SET body = '${body.replace(/'/g, "''")}', hash = '${chainHash(rows[0]!.prev_hash, body)}' WHERE seq = 9`);
  const result = await verifyAudit(s);
  expect(result).toMatchObject({ ok: false, badSeq: 10 });
});

test('verify fails with one line when there is no audit journal', async () => {
  const child = runCli(['journal', 'verify', '--store', join(mkdtempSync(join(tmpdir(), 'exstate-audit-none-')), 'exstate.sqlite')], {});
  expect(await child.exited).toBe(1);
  expect(child.stdout().trim().split('\n')).toHaveLength(1);
});

test('exstate journal show --scope filters, --since too, --json prints one object a line', async () => {
  const child = runCli(['journal', 'show', '--store', store, '--scope', 'BTCUSDT:LONG', '--json'], {});
  expect(await child.exited).toBe(0);
  const lines = child.stdout().trim().split('\n').map((l) => JSON.parse(l) as { seq: number; scope: string; event: string });
  expect(lines.map((l) => l.seq)).toEqual([2, 3, 6, 7]);
  expect(lines.every((l) => l.scope === 'binance:linear:BTCUSDT:LONG')).toBe(true);

  const since = runCli(['journal', 'show', '--store', store, '--scope', 'binance:linear:ETHUSDT:SHORT', '--since', '2026-03-05T00:00:00Z'], {});
  expect(await since.exited).toBe(0);
  const text = since.stdout().trim().split('\n');
  expect(text).toHaveLength(1);
  expect(text[0]).toMatch(/^2026-03-05T00:00:00\.250Z #8 workflow_pass binance:linear:ETHUSDT:SHORT /);
});

test('a failed write is journaled once as a warning and the journal runs on', async () => {
  const d = mkdtempSync(join(tmpdir(), 'exstate-audit-fail-'));
  const s = join(d, 'exstate.sqlite');
  const journal = new Journal({ now: () => DAY1 });
  const seen: JournalRecord[] = [];
  journal.subscribe((r) => seen.push(r));
  const audit = new AuditJournal(journal, { storePath: s, runId: 'r', flushMs: 10 });
  await audit.open('none');
  // The JSONL directory becomes a file: every append fails from here on.
  rmSync(auditPaths(s).dir, { recursive: true });
  writeFileSync(auditPaths(s).dir, 'not a directory');
  for (let i = 0; i < 3; i++) {
    journal.record('demo_step', { what: `step ${i}` });
    await audit.flush();
  }
  journal.record('demo_step', { what: 'after' });
  await audit.close();
  expect(seen.filter((r) => r.event === 'audit_write_failed')).toHaveLength(1);
  expect(seen.find((r) => r.event === 'audit_write_failed')).toMatchObject({ sink: 'jsonl' });
  // SQLite kept every record, the warning included.
  const rows = await query<Row>(auditPaths(s).db, 'SELECT * FROM audit_journal ORDER BY id');
  expect(rows.map((r) => r.event)).toEqual(seen.map((r) => r.event));
  expect((await verifyAudit(s)).ok).toBe(true);

  // An audit journal that cannot even open is said once and stays off.
  const blocked = join(mkdtempSync(join(tmpdir(), 'exstate-audit-fail-')), 'exstate.sqlite');
  writeFileSync(auditPaths(blocked).dir, 'in the way');
  const off = new AuditJournal(journal, { storePath: blocked });
  const before = seen.length;
  expect(await off.start('none')).toBe(false);
  expect(seen.slice(before).map((r) => r.event)).toEqual(['audit_write_failed']);
  await off.close();
  expect(existsSync(auditPaths(blocked).db)).toBe(false);
});
