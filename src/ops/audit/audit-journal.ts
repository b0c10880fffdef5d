// The audit journal: every journal record, as the Journal handed it to its sinks (already scrubbed
// by the one scrubber), also goes to a SQLite table and to daily JSONL files beside the context
// store, each row hash-chained to the one before it: hash = sha256(previous hash + canonical body).
// Writes never block the hot path: the sink only queues; a timer flushes the queue in one
// transaction every FLUSH_MS (sooner when MAX_BATCH records wait), and `close` flushes the rest.
// A failed write is journaled once (`audit_write_failed`) and never stops the service.
// Dry-run and read-only modes never open one: they write nothing anywhere.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sqlite3 from 'sqlite3';
import { scopeKey, type Scope } from '../../domain/scope.js';
import type { Journal, JournalRecord } from '../../runtime/journal.js';

export const AUDIT_TABLE = 'audit_journal';
/** The previous hash of the very first row of a file. */
export const GENESIS_HASH = '';
const FLUSH_MS = 100;
const MAX_BATCH = 500;

/** One audit row, as stored (the JSONL lines carry the same fields, `body` parsed). */
export interface AuditRow {
  seq: number;
  time: string;
  runId: string;
  account: string;
  scope: string | null;
  passId: number | null;
  customId: string | null;
  correlationId: string | null;
  causationId: string | null;
  event: string;
  body: string;
  prevHash: string;
  hash: string;
}

/** Where the audit journal of a context store lives: `X.sqlite` -> `X.journal.sqlite` and `X.journal/`. */
export function auditPaths(storePath: string): { db: string; dir: string } {
  if (storePath.endsWith('.journal.sqlite')) return { db: storePath, dir: storePath.slice(0, -'.sqlite'.length) };
  const base = basename(storePath).replace(/\.(sqlite3?|db)$/, '');
  const stem = join(dirname(storePath), `${base}.journal`);
  return { db: `${stem}.sqlite`, dir: stem };
}

/** JSON with object keys sorted at every depth (after toJSON), so one record has one text. */
export function canonicalJson(value: unknown): string {
  const plain = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sort((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(plain));
}

/**
 * sha256(previous hash + canonical body), in base64url (43 characters): a 64-hex run anywhere in
 * a file is what the secret checks flag as a leaked HMAC signature.
 */
export function chainHash(prevHash: string, body: string): string {
  return createHash('sha256').update(prevHash + body).digest('base64url');
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The scope key a record is about, if it names one. */
export function scopeOf(record: Record<string, unknown>): string | null {
  const s = record.scope as Scope | undefined;
  if (s && typeof s === 'object' && typeof s.symbol === 'string') return scopeKey(s);
  return str(record.scopeKey) ?? str(record.scope);
}

export const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${AUDIT_TABLE} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL, time TEXT NOT NULL, run_id TEXT NOT NULL, account TEXT NOT NULL,
  scope TEXT, pass_id INTEGER, custom_id TEXT, correlation_id TEXT, causation_id TEXT,
  event TEXT NOT NULL, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`;

// ---- promise helpers over sqlite3 -----------------------------------------------------------------

export function openDb(path: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}
export function run(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
}
export function all<T>(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
}
export function closeDb(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve) => db.close(() => resolve()));
}

export interface AuditJournalOptions {
  /** The context store's path: the audit journal lives beside it (see auditPaths). */
  storePath: string;
  runId?: string;
  flushMs?: number;
  maxBatch?: number;
}

export class AuditJournal {
  readonly runId: string;
  readonly paths: { db: string; dir: string };
  private queue: JournalRecord[] = [];
  private db: sqlite3.Database | undefined;
  private account = 'none';
  private lastHash = GENESIS_HASH;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private warned = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly flushMs: number;
  private readonly maxBatch: number;

  /** Subscribes at once: records are queued from here on and written once `open` has run. */
  constructor(private readonly journal: Journal, options: AuditJournalOptions) {
    this.runId = options.runId ?? randomUUID();
    this.paths = auditPaths(options.storePath);
    this.flushMs = options.flushMs ?? FLUSH_MS;
    this.maxBatch = options.maxBatch ?? MAX_BATCH;
    this.unsubscribe = journal.subscribe((record) => {
      if (this.closed) return;
      this.queue.push(record);
      if (this.db && this.queue.length >= this.maxBatch) void this.flush();
    });
  }

  /** Opens (creates) the table and the JSONL directory; `account` is a fingerprint, never a key. */
  async open(account: string): Promise<void> {
    this.account = account;
    mkdirSync(this.paths.dir, { recursive: true });
    const db = await openDb(this.paths.db, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
    try {
      db.configure('busyTimeout', 10_000);
      await run(db, 'PRAGMA journal_mode=WAL');
      await run(db, CREATE_TABLE);
      const last = await all<{ hash: string }>(db, `SELECT hash FROM ${AUDIT_TABLE} ORDER BY id DESC LIMIT 1`);
      this.lastHash = last[0]?.hash ?? GENESIS_HASH;
    } catch (error) {
      await closeDb(db);
      throw error;
    }
    this.db = db;
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  /** `open`, but a failure is journaled once (`audit_write_failed`) and the audit journal stays off: the service runs on. */
  async start(account: string): Promise<boolean> {
    try {
      await this.open(account);
      return true;
    } catch (error) {
      this.failed('sqlite', error);
      this.closed = true;
      this.queue = [];
      this.unsubscribe();
      return false;
    }
  }

  /** Writes what is queued (one flush at a time, in record order). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  /** Stops listening, flushes the rest and closes the file. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // Twice: a warning the last batch raised is itself a record.
    if (this.db) await this.flush().then(() => this.flush());
    this.closed = true;
    this.unsubscribe();
    const db = this.db;
    this.db = undefined;
    if (db) await closeDb(db);
  }

  private rowOf(record: JournalRecord): AuditRow {
    const body = canonicalJson(record);
    const prevHash = this.lastHash;
    const hash = chainHash(prevHash, body);
    this.lastHash = hash;
    const passId = record.passId;
    return {
      seq: record.seq, time: new Date(record.atMs).toISOString(), runId: this.runId, account: this.account,
      scope: scopeOf(record), passId: typeof passId === 'number' ? passId : null, customId: str(record.customOrderId),
      correlationId: str(record.correlationId), causationId: str(record.causationId), event: record.event, body, prevHash, hash,
    };
  }

  private async writeBatch(): Promise<void> {
    const db = this.db;
    if (!db || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.queue.length);
    const rows = batch.map((r) => this.rowOf(r));
    try {
      await run(db, 'BEGIN');
      try {
        for (const r of rows) {
          await run(db, `INSERT INTO ${AUDIT_TABLE} (seq, time, run_id, account, scope, pass_id, custom_id, correlation_id, causation_id, event, body, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
            [r.seq, r.time, r.runId, r.account, r.scope, r.passId, r.customId, r.correlationId, r.causationId, r.event, r.body, r.prevHash, r.hash]);
        }
        await run(db, 'COMMIT');
      } catch (error) {
        await run(db, 'ROLLBACK').catch(() => undefined);
        throw error;
      }
    } catch (error) {
      this.failed('sqlite', error);
    }
    const byDay = new Map<string, string[]>();
    for (const r of rows) {
      const day = r.time.slice(0, 10);
      const lines = byDay.get(day) ?? [];
      lines.push(JSON.stringify({ ...r, body: JSON.parse(r.body) as unknown }));
      byDay.set(day, lines);
    }
    for (const [day, lines] of byDay) {
      try {
        await appendFile(join(this.paths.dir, `${day}.jsonl`), `${lines.join('\n')}\n`);
      } catch (error) {
        this.failed('jsonl', error);
      }
    }
  }

  private failed(sink: string, error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.journal.record('audit_write_failed', { sink, reason: String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 300) });
  }
}
