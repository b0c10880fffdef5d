// One account's durable entries and audit journal in the shared PostgreSQL store, fenced by the
// account lease. Every write is ONE statement (so one transaction) that writes only if the lease
// row still names this owner and epoch and is unexpired, holding FOR SHARE on that row until it
// commits. A takeover has to lock the same row, so it waits for writes already past the fence, and
// writes arriving after it re-check the fence against the taken-over row (READ COMMITTED re-reads
// a row that changed while it waited) and write nothing. A stale owner's write is rejected with
// LeaseLostError; it never lands after the next owner has taken over.
import type { Pool } from 'pg';
import type { FencingLease } from './account-lease.js';
import { LeaseLostError, type DurableEntry, type DurableKv } from './durable-kv.js';

/**
 * $1 account, $2 owner, $3 epoch, $4 the entries as one JSON object (key -> value), $5 journal
 * records as one JSON array. jsonb keeps the last of duplicate keys, as writes one after the
 * other would.
 */
export const FENCED_WRITE_SQL = `
with fence as (
  select 1 from exstate_lease
  where account = $1 and owner = $2 and epoch = $3 and expires_at > clock_timestamp()
  for share
), kv as (
  insert into exstate_kv (account, key, value, updated_at, epoch)
  select $1, e.key, e.value, clock_timestamp(), $3 from jsonb_each($4::jsonb) as e(key, value)
  where exists (select 1 from fence)
  on conflict (account, key) do update set value = excluded.value, updated_at = excluded.updated_at, epoch = excluded.epoch
  returning 1
), journal as (
  insert into exstate_journal (account, epoch, at, record)
  select $1, $3, clock_timestamp(), r.record from jsonb_array_elements($5::jsonb) with ordinality as r(record, n)
  where exists (select 1 from fence)
  order by r.n
  returning 1
)
select exists (select 1 from fence) as fenced`;

export interface PostgresKvOptions {
  /** Not ended by close(): whoever made the pool ends it. */
  pool: Pool;
  lease: FencingLease;
}

export class PostgresKv implements DurableKv {
  readonly account: string;
  private readonly pool: Pool;
  private readonly lease: FencingLease;
  private closed = false;

  constructor(options: PostgresKvOptions) {
    this.pool = options.pool;
    this.lease = options.lease;
    this.account = options.lease.account;
  }

  async *entries(): AsyncIterable<DurableEntry> {
    const { rows } = await this.pool.query<{ key: string; value: unknown }>(
      'select key, value from exstate_kv where account = $1 order by key',
      [this.account],
    );
    for (const row of rows) yield [row.key, row.value] as const;
  }

  set(key: string, value: unknown): Promise<void> {
    return this.setMany([[key, value]]);
  }

  setMany(entries: readonly DurableEntry[]): Promise<void> {
    return this.setManyAndAppendJournal(entries, []);
  }

  appendJournal(records: readonly object[]): Promise<void> {
    return this.setManyAndAppendJournal([], records);
  }

  /** Entries and journal records in one fenced transaction: all written, or none (rejects). */
  async setManyAndAppendJournal(entries: readonly DurableEntry[], records: readonly object[]): Promise<void> {
    if (this.closed) throw new Error(`store of account ${this.account} is closed`);
    if (entries.length === 0 && records.length === 0) return;
    // Serialised before anything is sent: a value that cannot be stored fails the whole batch.
    const entriesJson = entriesAsJsonObject(entries);
    const recordsJson = recordsAsJsonArray(records);
    const epoch = this.lease.epoch();
    if (epoch === undefined) throw new LeaseLostError(`${this.describeOwner()} does not hold account ${this.account}; nothing written`);
    const { rows } = await this.pool.query<{ fenced: boolean }>(FENCED_WRITE_SQL, [
      this.account,
      this.lease.owner,
      epoch,
      entriesJson,
      recordsJson,
    ]);
    if (rows[0]?.fenced !== true) {
      this.lease.markLost?.(epoch);
      throw new LeaseLostError(`${this.describeOwner()} at epoch ${epoch} no longer holds account ${this.account} (taken over or expired); nothing written`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private describeOwner(): string {
    return `owner ${JSON.stringify(this.lease.owner)}`;
  }
}

function entriesAsJsonObject(entries: readonly DurableEntry[]): string {
  // Built by hand rather than through an object, so that a key like "__proto__" stays a key.
  const members = entries.map(([key, value]) => `${JSON.stringify(key)}:${jsonOf(value, `value of ${key}`)}`);
  return `{${members.join(',')}}`;
}

function recordsAsJsonArray(records: readonly object[]): string {
  return `[${records.map((record, i) => jsonOf(record, `journal record ${i}`)).join(',')}]`;
}

function jsonOf(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`${what} cannot be stored as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  // undefined, functions and symbols have no JSON form: storing them would silently lose the entry.
  if (json === undefined) throw new TypeError(`${what} cannot be stored as JSON: ${typeof value}`);
  return json;
}
