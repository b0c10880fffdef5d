// The fenced account lease against a real PostgreSQL: one holder at a time, a takeover only after
// expiry and always with a new epoch, a lost lease stays lost for its old holder, release hands
// over at once, and the submit window runs on the holder's monotonic clock from the moment it
// SENT the acquire/renew, closing at the margin, on a lost renew and on a failed one.
import type pg from 'pg';
import { PostgresAccountLease, type AccountLeaseOptions } from '../../src/store/account-lease.js';
import { migrate } from '../../src/store/postgres-schema.js';
import { describePostgresUnreachable, expireLease, manualClock, sleep, TestSchema, whyPostgresUnreachable } from './postgres-fixture.js';

const unreachable = await whyPostgresUnreachable();

if (unreachable) {
  describePostgresUnreachable('PostgreSQL account lease', unreachable);
} else {
  describe('PostgreSQL account lease', () => {
    let schema: TestSchema;
    let pool: pg.Pool;
    let n = 0;
    // Every test gets its own account: leases of earlier tests do not interfere.
    let account: string;
    const lease = (owner: string, over: Partial<AccountLeaseOptions> = {}): PostgresAccountLease =>
      new PostgresAccountLease({ pool, account, owner, ttlMs: 30_000, marginMs: 5_000, ...over });

    beforeAll(async () => {
      schema = await TestSchema.create('account_lease');
      pool = schema.pool();
      await migrate(pool);
    });
    beforeEach(() => {
      n += 1;
      account = `acct-${n}`;
    });
    afterAll(async () => schema?.drop());

    test('A acquires; B cannot while it is unexpired; A renews', async () => {
      const a = lease('A');
      const b = lease('B');
      expect(await a.tryAcquire()).toBe(true);
      expect(a.epoch()).toBe(1);
      expect(await b.tryAcquire()).toBe(false);
      expect(b.epoch()).toBeUndefined();
      expect(b.safeToSubmit()).toBe(false);
      expect(await a.renew()).toBe(true);
      expect(a.epoch()).toBe(1);
      expect(a.safeToSubmit()).toBe(true);
      // B's attempt changed nothing in the row.
      const [row] = await PostgresAccountLease.listAccounts(pool).then((rows) => rows.filter((r) => r.account === account));
      expect(row).toMatchObject({ owner: 'A', epoch: 1, expired: false });
    });

    test('once the lease expires (in real time), B takes over with epoch + 1 and A has lost it for good', async () => {
      const a = lease('A', { ttlMs: 300, marginMs: 100 });
      const b = lease('B', { ttlMs: 300, marginMs: 100 });
      expect(await a.tryAcquire()).toBe(true);
      expect(await b.tryAcquire()).toBe(false);
      await sleep(400);
      expect(await b.tryAcquire()).toBe(true);
      expect(b.epoch()).toBe(2);
      expect(await a.renew()).toBe(false);
      expect(a.epoch()).toBeUndefined();
      expect(a.safeToSubmit()).toBe(false);
      // Lost stays lost: no later renew brings it back, and A cannot take it while B holds it.
      expect(await a.renew()).toBe(false);
      expect(await a.tryAcquire()).toBe(false);
      expect(await b.renew()).toBe(true);
    });

    test('an expired lease cannot be renewed, even if nobody took it over; re-taking it increments the epoch', async () => {
      const a = lease('A');
      expect(await a.tryAcquire()).toBe(true);
      await expireLease(pool, account);
      expect(await a.renew()).toBe(false);
      expect(await a.tryAcquire()).toBe(true);
      expect(a.epoch()).toBe(2);
    });

    test('the same owner cannot silently re-take a lease: a restarted process waits for expiry and gets a new epoch', async () => {
      const first = lease('host-1');
      expect(await first.tryAcquire()).toBe(true);
      // The same owner name, a new process: it cannot know whether its old self is still running.
      const restarted = lease('host-1');
      expect(await restarted.tryAcquire()).toBe(false);
      await expireLease(pool, account);
      expect(await restarted.tryAcquire()).toBe(true);
      expect(restarted.epoch()).toBe(2);
      // The old incarnation is fenced out although its owner name matches.
      expect(await first.renew()).toBe(false);
    });

    test('release stops submitting at once and lets B acquire immediately', async () => {
      const a = lease('A');
      const b = lease('B');
      expect(await a.tryAcquire()).toBe(true);
      const releasing = a.release();
      // Submitting stops before the database has even answered.
      expect(a.safeToSubmit()).toBe(false);
      expect(a.epoch()).toBeUndefined();
      await releasing;
      expect(await b.tryAcquire()).toBe(true);
      expect(b.epoch()).toBe(2);

      expect(await lease('C').tryAcquire()).toBe(false);
    });

    test('a stale holder releasing does not expire the new holder', async () => {
      const a = lease('A');
      const b = lease('B');
      expect(await a.tryAcquire()).toBe(true);
      await expireLease(pool, account);
      expect(await b.tryAcquire()).toBe(true);
      // A still believes it holds epoch 1 and releases it: the row (B, epoch 2) is untouched.
      expect(a.epoch()).toBe(1);
      await a.release();
      expect(await lease('C').tryAcquire()).toBe(false);
      expect(await b.renew()).toBe(true);
      expect(b.epoch()).toBe(2);
    });

    test('safeToSubmit is true until the send moment + ttl - margin, on the monotonic clock', async () => {
      const clock = manualClock(1_000);
      const a = lease('A', { ttlMs: 10_000, marginMs: 2_000, now: clock.now });
      expect(a.safeToSubmit()).toBe(false);
      expect(await a.tryAcquire()).toBe(true);
      clock.set(1_000 + 7_999);
      expect(a.safeToSubmit()).toBe(true);
      clock.set(1_000 + 8_000);
      expect(a.safeToSubmit()).toBe(false);
      // A successful renew opens the window again, measured from when it was sent.
      expect(await a.renew()).toBe(true);
      clock.set(9_000 + 7_999);
      expect(a.safeToSubmit()).toBe(true);
      clock.set(9_000 + 8_000);
      expect(a.safeToSubmit()).toBe(false);
    });

    test('the window is measured when the request is sent: a slow answer only shortens it', async () => {
      const clock = manualClock(0);
      const a = lease('A', { ttlMs: 10_000, marginMs: 2_000, now: clock.now });
      const acquiring = a.tryAcquire();
      // The answer arrives 5 s later on the monotonic clock.
      clock.set(5_000);
      expect(await acquiring).toBe(true);
      clock.set(7_999);
      expect(a.safeToSubmit()).toBe(true);
      clock.set(8_000);
      expect(a.safeToSubmit()).toBe(false);

      const renewing = a.renew();
      clock.set(8_000 + 9_000);
      expect(await renewing).toBe(true);
      clock.set(8_000 + 7_999);
      expect(a.safeToSubmit()).toBe(true);
      clock.set(8_000 + 8_000);
      expect(a.safeToSubmit()).toBe(false);
    });

    test('safeToSubmit goes false after a renew that finds the lease taken over, inside the window', async () => {
      const clock = manualClock(0);
      const a = lease('A', { ttlMs: 10_000, marginMs: 2_000, now: clock.now });
      expect(await a.tryAcquire()).toBe(true);
      await expireLease(pool, account);
      expect(await lease('B').tryAcquire()).toBe(true);
      expect(a.safeToSubmit()).toBe(true); // A has not found out yet, and its window is open
      expect(await a.renew()).toBe(false);
      expect(a.safeToSubmit()).toBe(false);
    });

    test('safeToSubmit goes false the moment a renew fails to reach the database; a later renew resumes', async () => {
      const clock = manualClock(0);
      // The server gives up on any statement after 300 ms: a renew stuck behind a lock fails.
      const impatient = schema.pool('impatient', '-c statement_timeout=300');
      const a = new PostgresAccountLease({ pool: impatient, account, owner: 'A', ttlMs: 10_000, marginMs: 2_000, now: clock.now });
      expect(await a.tryAcquire()).toBe(true);
      const blocker = await schema.begin();
      await blocker.query('select 1 from exstate_lease where account = $1 for update', [account]);
      await expect(a.renew()).rejects.toThrow(/statement timeout/);
      expect(a.safeToSubmit()).toBe(false);
      expect(a.epoch()).toBe(1); // not known to be lost: a renew may still succeed
      await blocker.rollback();
      expect(await a.renew()).toBe(true);
      expect(a.safeToSubmit()).toBe(true);
    });

    test('reportStatus writes mode and readiness into the holder\'s row only; listAccounts shows every account', async () => {
      const a = new PostgresAccountLease({ pool, account, owner: 'A', ttlMs: 30_000, marginMs: 5_000, statusUrl: 'http://10.0.0.1:8080/status' });
      const other = new PostgresAccountLease({ pool, account: `${account}-other`, owner: 'B', ttlMs: 60_000, marginMs: 5_000 });
      expect(await a.reportStatus({ mode: 'live', ready: true })).toBe(false); // not held yet
      expect(await a.tryAcquire()).toBe(true);
      expect(await other.tryAcquire()).toBe(true);
      expect(await a.reportStatus({ mode: 'live', ready: true })).toBe(true);

      const mine = (await PostgresAccountLease.listAccounts(pool)).filter((r) => r.account.startsWith(account));
      expect(mine.map((r) => r.account)).toEqual([account, `${account}-other`]);
      expect(mine[0]).toMatchObject({ owner: 'A', epoch: 1, statusUrl: 'http://10.0.0.1:8080/status', mode: 'live', ready: true, expired: false });
      expect(mine[1]).toMatchObject({ owner: 'B', epoch: 1, statusUrl: null, mode: null, ready: null, expired: false });
      // Expiry and renewal times come from the database's clock, ttl apart.
      expect(mine[0]!.expiresAtMs - mine[0]!.renewedAtMs).toBeCloseTo(30_000, -1);
      expect(mine[1]!.expiresAtMs - mine[1]!.renewedAtMs).toBeCloseTo(60_000, -1);

      // After a takeover the old holder's report is refused and the new holder's row starts clean.
      await expireLease(pool, account);
      const b = lease('B');
      expect(await b.tryAcquire()).toBe(true);
      expect(await a.reportStatus({ mode: 'dry_run', ready: false })).toBe(false);
      const [row] = (await PostgresAccountLease.listAccounts(pool)).filter((r) => r.account === account);
      expect(row).toMatchObject({ owner: 'B', epoch: 2, mode: null, ready: null, statusUrl: null });
    });

    test('a lease whose margin is not smaller than its ttl is refused', () => {
      expect(() => lease('A', { ttlMs: 1_000, marginMs: 1_000 })).toThrow(RangeError);
      expect(() => lease('A', { ttlMs: 0, marginMs: 0 })).toThrow(RangeError);
    });
  });
}
