// The fenced PostgreSQL store against a real server. What it proves: entries and journal records
// round-trip per account; a writer that does not hold the lease (never had it, let it expire, or
// was taken over) is rejected with LeaseLostError and writes nothing; a batch is atomic, also when
// the database itself refuses one entry; and a write racing a takeover either commits BEFORE the
// takeover (the new owner sees it) or is rejected, never committed after it: shown with forced
// interleavings (row locks held by the test) and with a free-running race checked on the
// database's clock.
import type pg from 'pg';
import { ACQUIRE_SQL, PostgresAccountLease } from '../../src/store/account-lease.js';
import { LeaseLostError, type DurableEntry } from '../../src/store/durable-kv.js';
import { groupCommit } from '../../src/store/group-commit.js';
import { migrate } from '../../src/store/postgres-schema.js';
import { PostgresKv } from '../../src/store/postgres-kv.js';
import { describePostgresUnreachable, expireLease, sleep, TestSchema, whyPostgresUnreachable } from './postgres-fixture.js';

const unreachable = await whyPostgresUnreachable();

if (unreachable) {
  describePostgresUnreachable('PostgreSQL fenced store', unreachable);
} else {
  describe('PostgreSQL fenced store', () => {
    let schema: TestSchema;
    let pool: pg.Pool;
    let n = 0;
    let account: string;

    interface Owner {
      lease: PostgresAccountLease;
      kv: PostgresKv;
    }
    const owner = (name: string, poolOfOwner: pg.Pool = pool, ttlMs = 30_000): Owner => {
      const lease = new PostgresAccountLease({ pool: poolOfOwner, account, owner: name, ttlMs, marginMs: Math.floor(ttlMs / 3) });
      return { lease, kv: new PostgresKv({ pool: poolOfOwner, lease }) };
    };
    const rows = async (of = account): Promise<Record<string, unknown>> => {
      const result = await pool.query<{ key: string; value: unknown }>('select key, value from exstate_kv where account = $1', [of]);
      return Object.fromEntries(result.rows.map((r) => [r.key, r.value]));
    };
    const journal = async (): Promise<Array<{ epoch: string; record: unknown }>> =>
      (await pool.query('select epoch, record from exstate_journal where account = $1 order by seq', [account])).rows;
    const collect = async (kv: PostgresKv): Promise<DurableEntry[]> => {
      const out: DurableEntry[] = [];
      for await (const entry of kv.entries()) out.push(entry);
      return out;
    };

    beforeAll(async () => {
      schema = await TestSchema.create('postgres_kv');
      pool = schema.pool();
      await migrate(pool);
    });
    beforeEach(() => {
      n += 1;
      account = `acct-${n}`;
    });
    afterAll(async () => schema?.drop());

    test('entries round-trip for this account only; the last write of a key wins, also inside one batch', async () => {
      const a = owner('A');
      expect(await a.lease.tryAcquire()).toBe(true);
      const context = { customOrderId: 'c1', scopeKey: 'bybit:linear:BTCUSDT:LONG', slot: 'SL', generation: 3, status: 'pending', request: { price: '64000.5', qty: '0.001' }, filled: false, note: null };
      await a.kv.set('ctx:c1', context);
      await a.kv.setMany([
        ['ladder:s', { scopeKey: 's', consumedSteps: 1 }],
        ['fill:t1', true],
        ['ladder:s', { scopeKey: 's', consumedSteps: 2 }],
      ]);
      await a.kv.set('fill:t1', ['a', 1, 'ü "quoted" \\ back']);
      await a.kv.setMany([]);
      // Another account's rows, written by its own holder, are not this account's entries.
      const otherLease = new PostgresAccountLease({ pool, account: `${account}-other`, owner: 'X', ttlMs: 30_000, marginMs: 5_000 });
      expect(await otherLease.tryAcquire()).toBe(true);
      await new PostgresKv({ pool, lease: otherLease }).set('ctx:c1', { other: true });

      expect(await collect(a.kv)).toEqual([
        ['ctx:c1', context],
        ['fill:t1', ['a', 1, 'ü "quoted" \\ back']],
        ['ladder:s', { scopeKey: 's', consumedSteps: 2 }],
      ]);
    });

    test('journal records are appended in order with the epoch that wrote them, atomically with entries when asked', async () => {
      const a = owner('A');
      expect(await a.lease.tryAcquire()).toBe(true);
      await a.kv.appendJournal([{ kind: 'planned', i: 1 }, { kind: 'sent', i: 2 }]);
      await a.kv.setManyAndAppendJournal([['ctx:c1', { status: 'active' }]], [{ kind: 'accepted', i: 3 }]);
      await a.kv.appendJournal([]);
      expect(await journal()).toEqual([
        { epoch: '1', record: { kind: 'planned', i: 1 } },
        { epoch: '1', record: { kind: 'sent', i: 2 } },
        { epoch: '1', record: { kind: 'accepted', i: 3 } },
      ]);
      expect(await rows()).toEqual({ 'ctx:c1': { status: 'active' } });
    });

    test('a writer that never acquired the lease is refused and writes nothing', async () => {
      const a = owner('A');
      await expect(a.kv.set('ctx:c1', { v: 1 })).rejects.toBeInstanceOf(LeaseLostError);
      // Holding the name is not enough: another owner's lease does not let A write.
      const b = owner('B');
      expect(await b.lease.tryAcquire()).toBe(true);
      await expect(a.kv.appendJournal([{ kind: 'x' }])).rejects.toBeInstanceOf(LeaseLostError);
      expect(await rows()).toEqual({});
      expect(await journal()).toEqual([]);
    });

    test('after a takeover, the old owner\'s set, setMany and appendJournal are refused and write nothing', async () => {
      const a = owner('A');
      expect(await a.lease.tryAcquire()).toBe(true);
      await a.kv.setManyAndAppendJournal([['ctx:c1', { by: 'A' }]], [{ by: 'A' }]);
      await expireLease(pool, account);
      const b = owner('B');
      expect(await b.lease.tryAcquire()).toBe(true);

      // A has not renewed, so it still believes it holds epoch 1: the database refuses it.
      expect(a.lease.epoch()).toBe(1);
      await expect(a.kv.set('ctx:c1', { by: 'stale A' })).rejects.toBeInstanceOf(LeaseLostError);
      // The refusal tells A's lease it is lost: A stops submitting.
      expect(a.lease.epoch()).toBeUndefined();
      expect(a.lease.safeToSubmit()).toBe(false);
      await expect(a.kv.setMany([['ctx:c1', { by: 'stale A' }], ['ctx:c2', { by: 'stale A' }]])).rejects.toBeInstanceOf(LeaseLostError);
      await expect(a.kv.appendJournal([{ by: 'stale A' }])).rejects.toBeInstanceOf(LeaseLostError);

      // Even with its old epoch restored (a process that never learned it lost), nothing lands.
      const staleA = new PostgresKv({ pool, lease: { account, owner: 'A', epoch: () => 1 } });
      await expect(staleA.setMany([['ctx:c1', { by: 'stale A' }], ['ctx:c2', { by: 'stale A' }]])).rejects.toBeInstanceOf(LeaseLostError);
      await expect(staleA.appendJournal([{ by: 'stale A' }])).rejects.toBeInstanceOf(LeaseLostError);

      expect(await rows()).toEqual({ 'ctx:c1': { by: 'A' } });
      expect(await journal()).toEqual([{ epoch: '1', record: { by: 'A' } }]);
      await b.kv.setManyAndAppendJournal([['ctx:c1', { by: 'B' }]], [{ by: 'B' }]);
      expect(await rows()).toEqual({ 'ctx:c1': { by: 'B' } });
      expect((await journal()).map((r) => r.epoch)).toEqual(['1', '2']);
    });

    test('an expired lease fences writes even when nobody has taken over', async () => {
      const a = owner('A');
      expect(await a.lease.tryAcquire()).toBe(true);
      await expireLease(pool, account);
      await expect(a.kv.set('ctx:c1', { v: 1 })).rejects.toBeInstanceOf(LeaseLostError);
      expect(await rows()).toEqual({});
    });

    test('setMany is atomic: an entry the database refuses, or one that cannot be serialised, writes none of the batch', async () => {
      const a = owner('A');
      expect(await a.lease.tryAcquire()).toBe(true);
      await a.kv.set('ctx:keep', { v: 'original' });
      // PostgreSQL's jsonb refuses \u0000: the batch fails inside the database, half-way through its rows.
      const refusedByDatabase: DurableEntry[] = [
        ['ctx:keep', { v: 'overwritten' }],
        ['ctx:new1', { v: 1 }],
        ['ctx:bad', { v: 'nul \u0000 byte' }],
        ['ctx:new2', { v: 2 }],
      ];
      await expect(a.kv.setMany(refusedByDatabase)).rejects.toThrow(/unsupported Unicode escape sequence/);
      await expect(a.kv.setMany([['ctx:new1', { v: 1 }], ['ctx:big', { v: 10n }]])).rejects.toThrow(TypeError);
      await expect(a.kv.setMany([['ctx:new1', { v: 1 }], ['ctx:nothing', undefined]])).rejects.toThrow(TypeError);
      // A journal record the database refuses takes the entries of its transaction with it.
      await expect(a.kv.setManyAndAppendJournal([['ctx:new1', { v: 1 }]], [{ bad: '\u0000' }])).rejects.toThrow();
      expect(await rows()).toEqual({ 'ctx:keep': { v: 'original' } });
      expect(await journal()).toEqual([]);
      // The lease is untouched by failures that are not about it.
      expect(a.lease.epoch()).toBe(1);
    });

    test('a write already past the fence when a takeover starts commits first, and the new owner sees it', async () => {
      const poolA = schema.pool('A');
      const poolB = schema.pool('B');
      const a = owner('A', poolA, 1_500);
      expect(await a.lease.tryAcquire()).toBe(true);
      await a.kv.set('ctx:c1', { v: 1 });

      // The test holds the entry's row, so A's write passes the fence (taking FOR SHARE on the
      // lease row) and then waits.
      const blocker = await schema.begin();
      await blocker.query(`select 1 from exstate_kv where account = $1 and key = 'ctx:c1' for update`, [account]);
      const writing = a.kv.set('ctx:c1', { v: 2 });
      const outcome = writing.then(() => 'committed', (e: unknown) => e);
      await schema.waitUntilBlocked('A');

      // The lease expires meanwhile; B's takeover must wait for A's write.
      while ((await pool.query('select expires_at > clock_timestamp() as live from exstate_lease where account = $1', [account])).rows[0].live) await sleep(50);
      const b = owner('B', poolB);
      const takingOver = b.lease.tryAcquire();
      await schema.waitUntilBlocked('B');

      await blocker.rollback();
      expect(await outcome).toBe('committed');
      expect(await takingOver).toBe(true);
      expect(b.lease.epoch()).toBe(2);
      expect(await collect(b.kv)).toEqual([['ctx:c1', { v: 2 }]]);
      // The database's clock agrees: the write is older than the takeover.
      const { rows: order } = await pool.query(
        `select k.updated_at < l.renewed_at as before from exstate_kv k join exstate_lease l using (account) where account = $1`,
        [account],
      );
      expect(order).toEqual([{ before: true }]);
    });

    test('a write that reaches the lease row while a takeover holds it waits, then is refused and writes nothing', async () => {
      const poolA = schema.pool('A');
      const a = owner('A', poolA);
      expect(await a.lease.tryAcquire()).toBe(true);

      // A takeover in progress: the lease expires and B's acquire statement runs, uncommitted.
      const takeover = await schema.begin();
      await takeover.query(`update exstate_lease set expires_at = clock_timestamp() - interval '1 millisecond' where account = $1`, [account]);
      const taken = await takeover.query(ACQUIRE_SQL, [account, 'B', 30_000, null]);
      expect(taken.rows).toEqual([{ epoch: '2' }]);

      // A still sees the committed row (its own, unexpired): its write passes the first look and waits for the row.
      const writing = a.kv.setManyAndAppendJournal([['ctx:c1', { by: 'A' }]], [{ by: 'A' }]);
      const outcome = writing.then(() => 'committed', (e: unknown) => e);
      await schema.waitUntilBlocked('A');
      await takeover.commit();

      expect(await outcome).toBeInstanceOf(LeaseLostError);
      expect(await rows()).toEqual({});
      expect(await journal()).toEqual([]);
    });

    test('free-running race: every write of the old owner either committed before the takeover or was refused', async () => {
      const poolA = schema.pool('A');
      const poolB = schema.pool('B');
      const a = owner('A', poolA, 600);
      const b = owner('B', poolB);
      expect(await a.lease.tryAcquire()).toBe(true);

      // The worst case: a writer that never learns it lost the lease (its epoch stays 1), so
      // every write reaches the database and only the fence stands in its way.
      const unaware = new PostgresKv({ pool: poolA, lease: { account, owner: 'A', epoch: () => 1 } });
      const outcomes = new Map<string, 'committed' | LeaseLostError | unknown>();
      let stop = false;
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; !stop; i += 1) {
          const key = `ctx:w${w}-${i}`;
          await unaware.setMany([[key, { w, i }]]).then(
            () => outcomes.set(key, 'committed'),
            (e: unknown) => outcomes.set(key, e),
          );
        }
      };
      const taker = async (): Promise<void> => {
        await sleep(550);
        while (!(await b.lease.tryAcquire())) await sleep(1);
        // A few more writes of A after the takeover.
        await sleep(30);
        stop = true;
      };
      await Promise.all([writer(1), writer(2), writer(3), writer(4), taker()]);

      const stored = await pool.query<{ key: string; after: boolean }>(
        `select k.key, k.updated_at >= l.renewed_at as after from exstate_kv k join exstate_lease l using (account) where account = $1`,
        [account],
      );
      const storedKeys = new Set(stored.rows.map((r) => r.key));
      const committed = [...outcomes].filter(([, o]) => o === 'committed').map(([k]) => k);
      const refused = [...outcomes].filter(([, o]) => o !== 'committed');
      expect(committed.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      for (const [, error] of refused) expect(error).toBeInstanceOf(LeaseLostError);
      expect([...storedKeys].sort()).toEqual(committed.sort());
      expect(stored.rows.filter((r) => r.after)).toEqual([]);
      expect(b.lease.epoch()).toBe(2);
    });

    test('through group commit, concurrent writes share one fenced transaction and are refused together after a takeover', async () => {
      const a = owner('A');
      expect(await a.lease.tryAcquire()).toBe(true);
      const grouped = groupCommit(a.kv);
      await Promise.all([grouped.set('ctx:1', { v: 1 }), grouped.set('ctx:2', { v: 2 }), grouped.setMany([['ladder:s', { n: 1 }], ['fill:t', true]])]);
      expect(await rows()).toEqual({ 'ctx:1': { v: 1 }, 'ctx:2': { v: 2 }, 'ladder:s': { n: 1 }, 'fill:t': true });

      await expireLease(pool, account);
      expect(await owner('B').lease.tryAcquire()).toBe(true);
      const results = await Promise.allSettled([grouped.set('ctx:1', { v: 'stale' }), grouped.set('ctx:3', { v: 'stale' })]);
      expect(results.map((r) => r.status === 'rejected' && r.reason instanceof LeaseLostError)).toEqual([true, true]);
      expect(await rows()).toEqual({ 'ctx:1': { v: 1 }, 'ctx:2': { v: 2 }, 'ladder:s': { n: 1 }, 'fill:t': true });
    });

    test('close() leaves a pool it was given open, and refuses later writes', async () => {
      const ownPool = schema.pool('own');
      const a = owner('A', ownPool);
      expect(await a.lease.tryAcquire()).toBe(true);
      await a.kv.close();
      expect((await ownPool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      await expect(a.kv.set('ctx:c1', { v: 1 })).rejects.toThrow(/closed/);
      expect(await rows()).toEqual({});
    });
  });
}
