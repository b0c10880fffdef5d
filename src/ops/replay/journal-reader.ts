// Reads one run of an audit journal for replay: the SQLite file (`X.journal.sqlite`, or the context
// store `X.sqlite` it sits beside), one daily JSONL file, or the JSONL directory. Records come
// back as their bodies (the journal record: seq, atMs, event, fields), in write order. The hash
// chain is not checked here (`exstate journal verify` does that): a replay of an edited journal
// replays what it says.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { AUDIT_TABLE, all, auditPaths, closeDb, openDb } from '../audit/audit-journal.js';

export interface ReplayRecord {
  seq: number;
  atMs: number;
  event: string;
  [field: string]: unknown;
}

/** A journal replay cannot use: exit code 2. */
export class ReplayInputError extends Error {}

export interface ReplayJournal {
  runId: string;
  records: ReplayRecord[];
}

/** One journal, whatever its form: its runs (in write order), the last with a baseline, one run's bodies. */
interface Source {
  runs(): Promise<string[]>;
  lastWithBaseline(): Promise<string | undefined>;
  bodies(runId: string): Promise<Array<Record<string, unknown>>>;
}

function parseBody(text: string, where: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ReplayInputError(`${where}: a record body is not JSON`);
  }
}

/** The SQLite table, read run by run (a journal of many runs is not loaded whole). */
async function sqliteSource(path: string): Promise<Source & { close(): Promise<void> }> {
  const db = await openDb(path, sqlite3.OPEN_READONLY).catch((error: Error) => {
    throw new ReplayInputError(`cannot open ${path}: ${error.message}`);
  });
  const query = <T>(sql: string, params: unknown[] = []) => all<T>(db, sql, params).catch((error: Error) => {
    throw new ReplayInputError(`${path} is not an audit journal: ${error.message}`);
  });
  return {
    runs: async () => (await query<{ run_id: string }>(`SELECT run_id FROM ${AUDIT_TABLE} GROUP BY run_id ORDER BY MIN(id)`)).map((r) => r.run_id),
    lastWithBaseline: async () => (await query<{ run_id: string }>(`SELECT run_id FROM ${AUDIT_TABLE} WHERE event = 'replay_baseline' ORDER BY id DESC LIMIT 1`))[0]?.run_id,
    bodies: async (runId) => (await query<{ body: string }>(`SELECT body FROM ${AUDIT_TABLE} WHERE run_id = ? ORDER BY id`, [runId])).map((r) => parseBody(r.body, path)),
    close: () => closeDb(db),
  };
}

/** JSONL lines (one file or a directory of daily files, in name order: the days in order). */
function jsonlSource(files: string[]): Source {
  const rows: Array<{ runId: string; body: Record<string, unknown> }> = [];
  for (const file of files) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let row: { runId?: unknown; body?: unknown };
      try {
        row = JSON.parse(line) as typeof row;
      } catch {
        throw new ReplayInputError(`${file}:${i + 1}: not JSON`);
      }
      if (typeof row.runId !== 'string' || !row.body || typeof row.body !== 'object') throw new ReplayInputError(`${file}:${i + 1}: not an audit journal line`);
      rows.push({ runId: row.runId, body: row.body as Record<string, unknown> });
    });
  }
  return {
    runs: async () => [...new Set(rows.map((r) => r.runId))],
    lastWithBaseline: async () => rows.filter((r) => r.body.event === 'replay_baseline').at(-1)?.runId,
    bodies: async (runId) => rows.filter((r) => r.runId === runId).map((r) => r.body),
  };
}

async function open(path: string): Promise<Source & { close?(): Promise<void> }> {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const files = readdirSync(path).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(path, f));
    if (files.length === 0) throw new ReplayInputError(`no .jsonl files in ${path}`);
    return jsonlSource(files);
  }
  if (path.endsWith('.jsonl')) {
    if (!existsSync(path)) throw new ReplayInputError(`no such file: ${path}`);
    return jsonlSource([path]);
  }
  // The SQLite file itself, or the context store it sits beside (which need not exist any more).
  const db = auditPaths(path).db;
  if (!existsSync(db)) throw new ReplayInputError(`no audit journal at ${db}`);
  return sqliteSource(db);
}

/** The records of one run: `runId` (or a unique prefix of it), else the last run that recorded a replay baseline. */
export async function readReplayJournal(path: string, runId?: string): Promise<ReplayJournal> {
  const source = await open(path);
  try {
    let chosen: string | undefined;
    if (runId) {
      const hits = (await source.runs()).filter((r) => r === runId || r.startsWith(runId));
      if (hits.length !== 1) throw new ReplayInputError(hits.length === 0 ? `no run ${runId} in ${path}` : `run ${runId} is ambiguous (${hits.length} runs)`);
      chosen = hits[0]!;
    } else {
      chosen = await source.lastWithBaseline();
      if (!chosen) throw new ReplayInputError(`no run in ${path} recorded a replay baseline (dry-run and read-only runs record nothing; older versions did not record replay inputs)`);
    }
    const records = (await source.bodies(chosen)).filter((b): b is ReplayRecord => typeof b.seq === 'number' && typeof b.atMs === 'number' && typeof b.event === 'string');
    return { runId: chosen, records };
  } finally {
    await source.close?.();
  }
}
