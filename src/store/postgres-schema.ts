// The PostgreSQL schema of the shared store, created and migrated by the service at start. Each
// migration runs once, recorded in exstate_schema_version. Everything happens in one transaction
// behind a transaction-scoped advisory lock: two processes starting at once would otherwise both
// see "no version table" and race on CREATE TABLE (IF NOT EXISTS is not safe under concurrency:
// the loser fails on the catalog's unique index). The lock is transaction-scoped, not
// session-scoped, so it cannot leak on a pooled connection.
import type { Pool, PoolClient } from 'pg';

/** Any 64-bit constant names the lock; this one is "exstate" in ASCII. */
const MIGRATION_LOCK_KEY = '111533309208677';

/** Migrations in order; the array index + 1 is the version. Never edit one that has shipped. */
const MIGRATIONS: readonly string[] = [
  `
  create table exstate_kv (
    account text not null,
    key text not null,
    value jsonb not null,
    updated_at timestamptz not null,
    -- The lease epoch of the write: which owner wrote what (a fenced stale owner never appears after a takeover).
    epoch bigint not null,
    primary key (account, key)
  );
  create table exstate_lease (
    account text primary key,
    owner text not null,
    epoch bigint not null,
    expires_at timestamptz not null,
    renewed_at timestamptz not null,
    status_url text null,
    mode text null,
    ready boolean null
  );
  create table exstate_journal (
    account text not null,
    seq bigserial primary key,
    epoch bigint not null,
    at timestamptz not null,
    record jsonb not null
  );
  create index exstate_journal_account_seq on exstate_journal (account, seq);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaTooNewError extends Error {
  constructor(found: number) {
    super(`the database schema is at version ${found}, newer than this build knows (${SCHEMA_VERSION}): upgrade exstate`);
    this.name = 'SchemaTooNewError';
  }
}

/** Brings the schema (in the connection's search_path) to SCHEMA_VERSION; returns the version. */
export async function migrate(pool: Pool): Promise<number> {
  const client = await pool.connect();
  let broken: unknown;
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    const applied = await appliedVersion(client);
    // A newer build migrated this database: an older one must not write to a schema it does not know.
    if (applied > SCHEMA_VERSION) throw new SchemaTooNewError(applied);
    for (let version = applied + 1; version <= SCHEMA_VERSION; version += 1) {
      await client.query(MIGRATIONS[version - 1]!);
      await client.query('insert into exstate_schema_version (version, applied_at) values ($1, now())', [version]);
    }
    await client.query('commit');
    return SCHEMA_VERSION;
  } catch (error) {
    // A connection that cannot even roll back is not handed back to the pool.
    await client.query('rollback').catch((rollbackError: unknown) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}

async function appliedVersion(client: PoolClient): Promise<number> {
  await client.query(
    'create table if not exists exstate_schema_version (version integer primary key, applied_at timestamptz not null)',
  );
  const { rows } = await client.query<{ version: number | null }>('select max(version) as version from exstate_schema_version');
  return rows[0]?.version ?? 0;
}
