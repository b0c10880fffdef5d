// Opening the shared store from a URL: the schema is migrated, the lease is NOT taken, the pieces
// work together once it is, and close ends the pool the store made. A server that cannot be
// reached fails the open without the URL's password in the message.
import { SCHEMA_VERSION } from '../../src/store/postgres-schema.js';
import { isPostgresUrl, openPostgresStore, redactPostgresUrl } from '../../src/store/open-store.js';
import { PostgresAccountLease } from '../../src/store/account-lease.js';
import { describePostgresUnreachable, TEST_PG_URL, TestSchema, whyPostgresUnreachable } from './postgres-fixture.js';

const unreachable = await whyPostgresUnreachable();

describe('PostgreSQL store URLs', () => {
  test('postgres:// and postgresql:// select the PostgreSQL store; the password never shows', () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h/db')).toBe(true);
    expect(isPostgresUrl('/var/lib/exstate/store.sqlite')).toBe(false);
    expect(redactPostgresUrl('postgres://svc:s3cret@db.internal:5432/exstate')).toBe('postgres://svc:***@db.internal:5432/exstate');
    expect(redactPostgresUrl('postgres://svc@db.internal/exstate')).toBe('postgres://svc@db.internal/exstate');
  });

  test('a server that cannot be reached fails the open, and the error does not carry the password', async () => {
    // Port 1 on the loopback: refused at once.
    const error = await openPostgresStore('postgres://svc:s3cret@127.0.0.1:1/exstate', { account: 'a', owner: 'o', ttlMs: 10_000, marginMs: 2_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Node's socket errors come from another realm than jest's Error: checked by shape.
    expect(error).toMatchObject({ message: expect.stringContaining('ECONNREFUSED') });
    expect((error as Error).message).not.toContain('s3cret');
    expect(JSON.stringify(error)).not.toContain('s3cret');
  });
});

if (unreachable) {
  describePostgresUnreachable('opening the PostgreSQL store', unreachable);
} else {
  describe('opening the PostgreSQL store', () => {
    let schema: TestSchema;
    beforeAll(async () => {
      schema = await TestSchema.create('open_store');
    });
    afterAll(async () => schema?.drop());

    test('migrates, does not take the lease, works once it is taken, and close ends its pool', async () => {
      const store = await openPostgresStore(TEST_PG_URL, {
        account: 'acct-1',
        owner: 'host-a',
        ttlMs: 10_000,
        marginMs: 2_000,
        statusUrl: 'http://10.0.0.5:7070',
        pool: schema.poolConfig('store'),
      });
      try {
        const { rows } = await store.pool.query<{ version: number }>('select max(version) as version from exstate_schema_version');
        expect(rows[0]!.version).toBe(SCHEMA_VERSION);
        expect(store.lease.epoch()).toBeUndefined();
        expect(await PostgresAccountLease.listAccounts(store.pool)).toEqual([]);

        expect(await store.lease.tryAcquire()).toBe(true);
        await store.kv.set('ctx:c1', { status: 'pending' });
        await store.kv.appendJournal([{ kind: 'planned' }]);
        const entries = [];
        for await (const entry of store.kv.entries()) entries.push(entry);
        expect(entries).toEqual([['ctx:c1', { status: 'pending' }]]);
        expect(await PostgresAccountLease.listAccounts(store.pool)).toEqual([
          expect.objectContaining({ account: 'acct-1', owner: 'host-a', epoch: 1, statusUrl: 'http://10.0.0.5:7070' }),
        ]);
        await store.lease.release();
      } finally {
        await store.close();
      }
      expect(store.pool.ended).toBe(true);

      // A second process opening the same store finds the schema migrated and the lease free.
      const second = await openPostgresStore(TEST_PG_URL, { account: 'acct-1', owner: 'host-b', ttlMs: 10_000, marginMs: 2_000, pool: schema.poolConfig('store') });
      try {
        expect(await second.lease.tryAcquire()).toBe(true);
        expect(second.lease.epoch()).toBe(2);
      } finally {
        await second.close();
      }
    });
  });
}
