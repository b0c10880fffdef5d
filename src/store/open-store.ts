// Opens the shared PostgreSQL store for one account (STORE_URL=postgres://...): a pool, the schema
// migrated, the account's lease and its fenced store. It does not take the lease: the caller
// decides when to stand by and when to try.
import pg from 'pg';
import { PostgresAccountLease, type AccountLeaseOptions } from './account-lease.js';
import { migrate } from './postgres-schema.js';
import { PostgresKv } from './postgres-kv.js';

/** The lease's own options (its pool is the store's), plus settings for that pool. */
export interface PostgresStoreOptions extends Omit<AccountLeaseOptions, 'pool'> {
  /** Extra pool settings (max connections, timeouts, `options` such as a search_path). */
  pool?: Omit<pg.PoolConfig, 'connectionString'>;
}

export interface PostgresStore {
  pool: pg.Pool;
  lease: PostgresAccountLease;
  kv: PostgresKv;
  /** Closes the store and ends the pool; does not release the lease (call lease.release() first). */
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = new pg.Pool({ ...options.pool, connectionString: url });
  // An idle connection that breaks emits 'error' on the pool, which would otherwise crash the
  // process; the next query on it fails and that failure reaches the caller.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const lease = new PostgresAccountLease({
    pool,
    account: options.account,
    owner: options.owner,
    ttlMs: options.ttlMs,
    marginMs: options.marginMs,
    statusUrl: options.statusUrl,
    now: options.now,
  });
  const kv = new PostgresKv({ pool, lease });
  return {
    pool,
    lease,
    kv,
    async close() {
      await kv.close();
      await pool.end();
    },
  };
}

/** The URL with any password replaced, for messages and logs. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
