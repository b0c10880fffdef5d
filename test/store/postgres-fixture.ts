// A PostgreSQL schema of its own for one test file (so files running side by side do not see each
// other's rows), pools whose search_path points into it, and the helpers the lease and store tests
// share. The server comes from EXSTATE_TEST_PG_URL, else the local trust-auth server.
import pg from 'pg';
import { redactPostgresUrl } from '../../src/store/open-store.js';

export const TEST_PG_URL = process.env.EXSTATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why the test server cannot be used, or undefined when it can. Decided once per file. */
export async function whyPostgresUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${redactPostgresUrl(TEST_PG_URL)} cannot be reached (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The one test a file has when the server is unreachable: a failure under CI, a notice elsewhere. */
export function describePostgresUnreachable(suite: string, reason: string): void {
  describe(suite, () => {
    test('needs a PostgreSQL server (EXSTATE_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test)', () => {
      // CI provides the server: missing there, these tests must fail, not vanish.
      if (process.env.CI) throw new Error(`${reason}: the PostgreSQL store tests did not run`);
      console.warn(`NOT RUN: ${reason}`);
    });
  });
}

/** A transaction the test holds open (to hold row locks); drop() rolls back any left open. */
export interface TestTransaction {
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export class TestSchema {
  private readonly pools: pg.Pool[] = [];
  private readonly open = new Set<TestTransaction>();

  private constructor(
    readonly name: string,
    private readonly admin: pg.Pool,
  ) {}

  /** A fresh schema named after the test file (and the process, so two runs do not collide). */
  static async create(file: string): Promise<TestSchema> {
    const name = `exstate_test_${file.replace(/\W/g, '_')}_${process.pid}`;
    const admin = new pg.Pool({ connectionString: TEST_PG_URL, max: 2 });
    const schema = new TestSchema(name, admin);
    await schema.recreate();
    return schema;
  }

  /** Pool settings that put a connection into this schema; `who` names its sessions in pg_stat_activity. */
  poolConfig(who = 'test', settings = ''): pg.PoolConfig {
    return { options: `-c search_path=${this.name} ${settings}`.trim(), application_name: this.applicationName(who), max: 4 };
  }

  applicationName(who: string): string {
    return `${this.name}:${who}`.slice(0, 63);
  }

  /** A pool into this schema, ended by drop(); `settings` are more `-c name=value` session settings. */
  pool(who = 'test', settings = ''): pg.Pool {
    const pool = new pg.Pool({ connectionString: TEST_PG_URL, ...this.poolConfig(who, settings) });
    pool.on('error', () => undefined);
    this.pools.push(pool);
    return pool;
  }

  /** Begins a transaction on a connection of its own, in this schema. */
  async begin(): Promise<TestTransaction> {
    const client = await this.pool('holder').connect();
    await client.query('begin');
    const end = async (how: 'commit' | 'rollback'): Promise<void> => {
      if (!this.open.delete(tx)) return;
      try {
        await client.query(how);
      } finally {
        client.release();
      }
    };
    const tx: TestTransaction = {
      query: (sql, params) => client.query(sql, params),
      commit: () => end('commit'),
      rollback: () => end('rollback'),
    };
    this.open.add(tx);
    return tx;
  }

  /** Empties the schema (drops every table in it). */
  async recreate(): Promise<void> {
    await this.admin.query(`drop schema if exists ${this.name} cascade`);
    await this.admin.query(`create schema ${this.name}`);
  }

  /** Waits until `count` sessions of `who` are blocked on a lock (a row lock another holds). */
  async waitUntilBlocked(who: string, count = 1, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.admin.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'`,
        [this.applicationName(who)],
      );
      if (rows[0]!.n >= count) return;
      if (Date.now() > deadline) throw new Error(`${who} never waited for a lock`);
      await sleep(20);
    }
  }

  async drop(): Promise<void> {
    // A test that failed half-way may still hold locks the drop would wait for forever.
    await Promise.all([...this.open].map((tx) => tx.rollback().catch(() => undefined)));
    await Promise.all(this.pools.map((p) => (p.ended ? undefined : p.end())));
    await this.admin.query(`drop schema if exists ${this.name} cascade`);
    await this.admin.end();
  }
}

/** Makes the account's lease expire now, in the database's clock, as if its owner had stalled. */
export async function expireLease(pool: pg.Pool, account: string): Promise<void> {
  await pool.query(`update exstate_lease set expires_at = clock_timestamp() - interval '1 millisecond' where account = $1`, [account]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A monotonic clock the test moves by hand. */
export function manualClock(start = 0): { now: () => number; set: (ms: number) => void } {
  let t = start;
  return { now: () => t, set: (ms) => (t = ms) };
}
