// `exstate journal verify` and `exstate journal show`: read the audit journal's SQLite table (never
// write it). Verify walks every row in the order they were written: within a run the sequence must
// have no gap, every row's hash must be sha256(the previous row's hash + its body) and its body
// must say the sequence its column says. The first fault is named in one line.
import { existsSync } from 'node:fs';
import sqlite3 from 'sqlite3';
import { AUDIT_TABLE, GENESIS_HASH, all, auditPaths, chainHash, closeDb, openDb } from './audit-journal.js';

interface StoredRow {
  id: number;
  seq: number;
  time: string;
  run_id: string;
  account: string;
  scope: string | null;
  pass_id: number | null;
  custom_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  event: string;
  body: string;
  prev_hash: string;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  runs: number;
  /** The first bad sequence and its run, when not ok. */
  badSeq?: number;
  runId?: string;
  line: string;
}

async function readRows(dbPath: string, where = '', params: unknown[] = []): Promise<StoredRow[]> {
  const db = await openDb(dbPath, sqlite3.OPEN_READONLY);
  try {
    return await all<StoredRow>(db, `SELECT * FROM ${AUDIT_TABLE} ${where} ORDER BY id`, params);
  } finally {
    await closeDb(db);
  }
}

export async function verifyAudit(storePath: string): Promise<VerifyResult> {
  const { db } = auditPaths(storePath);
  if (!existsSync(db)) return { ok: false, records: 0, runs: 0, line: `journal verify: FAIL: no audit journal at ${db}` };
  const rows = await readRows(db);
  let prevHash = GENESIS_HASH;
  const lastSeq = new Map<string, number>();
  const fail = (row: StoredRow, badSeq: number, why: string): VerifyResult => ({
    ok: false, records: rows.length, runs: lastSeq.size, badSeq, runId: row.run_id,
    line: `journal verify: FAIL at seq ${badSeq} (run ${row.run_id}): ${why}`,
  });
  for (const row of rows) {
    const before = lastSeq.get(row.run_id);
    if (before !== undefined && row.seq !== before + 1) {
      return row.seq > before + 1 ? fail(row, before + 1, `missing (the run goes from ${before} to ${row.seq})`) : fail(row, row.seq, `out of order after ${before}`);
    }
    lastSeq.set(row.run_id, row.seq);
    let bodySeq: unknown;
    try {
      bodySeq = (JSON.parse(row.body) as { seq?: unknown }).seq;
    } catch {
      return fail(row, row.seq, 'body is not JSON');
    }
    if (bodySeq !== row.seq) return fail(row, row.seq, `body says seq ${String(bodySeq)}`);
    if (row.prev_hash !== prevHash) return fail(row, row.seq, 'chain broken: previous hash does not match the row before');
    if (row.hash !== chainHash(prevHash, row.body)) return fail(row, row.seq, 'hash does not match its body');
    prevHash = row.hash;
  }
  return { ok: true, records: rows.length, runs: lastSeq.size, line: `journal verify: OK: ${rows.length} records, ${lastSeq.size} run(s), no gap, chain intact` };
}

/** `--since`: an ISO time, epoch milliseconds, or an age like 30s, 15m, 2h, 1d. */
export function parseSince(text: string, nowMs = Date.now()): number {
  const age = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(text.trim());
  if (age) return nowMs - Number(age[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd'];
  if (/^\d{10,}$/.test(text.trim())) return Number(text.trim());
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`--since ${JSON.stringify(text)}: not a time (ISO, epoch ms, or an age like 15m)`);
  return ms;
}

/** A scope filter matches the full key, `SYMBOL:SIDE` or `SYMBOL`. */
export function scopeMatches(scope: string | null, filter: string): boolean {
  if (!scope) return false;
  return scope === filter || scope.endsWith(`:${filter}`) || scope.includes(`:${filter}:`);
}

export interface ShowOptions {
  scope?: string;
  since?: string;
  json?: boolean;
}

/** The lines `journal show` prints. */
export async function showAudit(storePath: string, options: ShowOptions): Promise<string[]> {
  const { db } = auditPaths(storePath);
  if (!existsSync(db)) throw new Error(`no audit journal at ${db}`);
  const since = options.since ? new Date(parseSince(options.since)).toISOString() : undefined;
  const rows = (await readRows(db, since ? 'WHERE time >= ?' : '', since ? [since] : [])).filter((r) => !options.scope || scopeMatches(r.scope, options.scope));
  return rows.map((r) => {
    const body = JSON.parse(r.body) as Record<string, unknown>;
    if (options.json) {
      return JSON.stringify({
        seq: r.seq, time: r.time, runId: r.run_id, account: r.account, scope: r.scope, passId: r.pass_id, customId: r.custom_id,
        correlationId: r.correlation_id, causationId: r.causation_id, event: r.event, body, prevHash: r.prev_hash, hash: r.hash,
      });
    }
    const fields = Object.entries(body)
      .filter(([k]) => !['seq', 'atMs', 'event', 'scope'].includes(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return [r.time, `#${r.seq}`, r.event, r.scope ?? '-', ...fields].join(' ');
  });
}
