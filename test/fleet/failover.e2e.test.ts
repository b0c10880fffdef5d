// Issue 15: many hosts, one account. Real service processes share one PostgreSQL store; the
// fenced account lease decides which one manages the account. Observed at the venue (the
// simulator's orders and request log) and from what each process prints.
import pg from 'pg';
import type { Simulator } from '../../src/sim/server.js';
import { runCli, type Child } from '../gates/spawn.js';
import { describePostgresUnreachable, TestSchema, whyPostgresUnreachable } from '../store/postgres-fixture.js';
import { accountName, event, lineAfter, openPosition, placesPerClientId, seededVenue, settledOrders, sleep, startOwner, storeUrlFor } from './fleet-stack.js';

const unreachable = await whyPostgresUnreachable();

if (unreachable) {
  describePostgresUnreachable('fail-over between service processes', unreachable);
} else {
  describe('fail-over between service processes', () => {
    let schema: TestSchema;
    const sims: Simulator[] = [];
    const children: Child[] = [];
    const proxies: Array<{ close(): void }> = [];
    const spawnOwner = (...args: Parameters<typeof startOwner>) => {
      const child = startOwner(...args);
      children.push(child);
      return child;
    };
    const venue = async (withPosition = true) => {
      const sim = await seededVenue(withPosition);
      sims.push(sim);
      return sim;
    };

    beforeAll(async () => {
      schema = await TestSchema.create('failover_e2e');
    });
    afterAll(async () => {
      for (const c of children) {
        try { process.kill(c.proc.pid!, 'SIGCONT'); } catch { /* gone */ }
      }
      await Promise.all(children.map((c) => c.stop()));
      await Promise.all(sims.map((s) => s.close()));
      for (const p of proxies) p.close();
      await schema.drop();
    });

    test('one owner, one standby: kill -9 of the owner mid-submit; the standby takes over and the venue ends with one order per slot', async () => {
      const sim = await venue(false);
      const store = { url: storeUrlFor(schema.name), account: accountName() };
      const owner = spawnOwner(sim, store);
      await owner.waitForLine('service_ready', (l) => event(l) === 'service_ready' && l.mode === 'demo', 60_000);
      expect(owner.lines().find((l) => event(l) === 'lease_acquired')?.epoch).toBe(1);
      const standby = spawnOwner(sim, store);
      await standby.waitForLine('lease_standby', (l) => event(l) === 'lease_standby', 60_000);
      // A position opens; the owner's first protective place is applied at the venue, and the
      // owner dies before it hears the answer (its context says "submitting").
      let killedAt = 0;
      sim.requests.onRecord((r) => {
        if (!killedAt && r.method === 'POST' && r.path === '/fapi/v1/algoOrder' && r.applied) {
          killedAt = Date.now();
          process.kill(owner.proc.pid!, 'SIGKILL');
        }
      });
      sim.faults.addRest({ kind: 'timeout_after_apply', method: 'POST', path: '/fapi/v1/algoOrder', count: 1 });
      openPosition(sim, '0.01');
      expect(await owner.exited).toBe(137);
      expect(killedAt).toBeGreaterThan(0);
      const took = await standby.waitForLine('lease_acquired', (l) => event(l) === 'lease_acquired', 30_000);
      expect(took.epoch).toBe(2);
      await standby.waitForLine('service_ready', (l) => event(l) === 'service_ready', 30_000);
      // Within lease expiry (3 s) plus startup and recovery.
      expect(Date.now() - killedAt).toBeLessThan(20_000);
      const settled = await settledOrders(sim);
      if (process.env.FLEET_DEBUG) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync('/tmp/fleet-owner.log', owner.stdout());
        writeFileSync('/tmp/fleet-standby.log', standby.stdout());
        writeFileSync('/tmp/fleet-requests.json', JSON.stringify(sim.requests.records.filter((r) => r.method !== 'GET'), null, 1));
      }
      expect(settled).toEqual({ SL: 1, TP: 1, DCA: 1 });
      // The place that was in flight when the owner died was looked up or adopted, never sent again.
      for (const [id, n] of placesPerClientId(sim)) expect(`${id}:${n}`).toBe(`${id}:1`);
      expect(standby.proc.exitCode).toBeNull();
      // The fleet view reads the shared store: the account, its new owner and epoch, its mode and readiness.
      const fleet = runCli(['fleet', 'status', '--json'], { STORE_URL: store.url });
      expect(await fleet.exited).toBe(0);
      const row = (JSON.parse(fleet.stdout()) as { accounts: Array<Record<string, unknown>> }).accounts.find((a) => a.account === store.account);
      expect(row).toMatchObject({ epoch: 2, lease: 'held', mode: 'NORMAL', ready: true });
      expect(String(row!.owner)).toContain(`:${standby.proc.pid}:`);
    }, 150_000);

    test('SIGSTOP of the owner past its lease, SIGCONT: the stale owner writes nothing and submits nothing', async () => {
      const sim = await venue();
      const store = { url: storeUrlFor(schema.name), account: accountName() };
      const owner = spawnOwner(sim, store);
      await owner.waitForLine('service_ready', (l) => event(l) === 'service_ready', 60_000);
      expect(await settledOrders(sim)).toEqual({ SL: 1, TP: 1, DCA: 1 });
      const standby = spawnOwner(sim, store);
      await standby.waitForLine('lease_standby', (l) => event(l) === 'lease_standby', 60_000);

      // The owner freezes just as a fill changes the position: it has work it will want to do.
      process.kill(owner.proc.pid!, 'SIGSTOP');
      openPosition(sim, '0.02');
      const requestsBefore = sim.requests.records.length;
      await standby.waitForLine('lease_acquired', (l) => event(l) === 'lease_acquired' && l.epoch === 2, 30_000);
      await standby.waitForLine('service_ready', (l) => event(l) === 'service_ready', 30_000);
      const ownerLinesAtStop = owner.lines().length;
      const staleBefore = await rowsOfEpoch(store.account, schema.name, 1);
      const staleJournalBefore = await journalCount(store.account, schema.name, 1);

      process.kill(owner.proc.pid!, 'SIGCONT');
      await owner.waitForLine('lease_lost', (l) => event(l) === 'lease_lost', 20_000);
      await sleep(3_000);
      const afterContinue = owner.lines().slice(ownerLinesAtStop);
      // Nothing sent by the stale owner after it woke up.
      expect(afterContinue.filter((l) => event(l) === 'submission_sent')).toEqual([]);
      // Its durable writes (if it tried any) were refused by the fence: no row of its epoch was
      // written or rewritten after the takeover (the new owner may have rewritten some as epoch 2).
      const staleAfter = await rowsOfEpoch(store.account, schema.name, 1);
      for (const row of staleAfter) expect(staleBefore).toContain(row);
      // The shared journal holds the owners' records epoch by epoch: none from the stale owner after the takeover.
      expect(await journalCount(store.account, schema.name, 1)).toBe(staleJournalBefore);
      expect(await journalCount(store.account, schema.name, 2)).toBeGreaterThan(0);
      // The venue: one order per slot, every place sent once.
      expect(await settledOrders(sim)).toEqual({ SL: 1, TP: 1, DCA: 1 });
      for (const [id, n] of placesPerClientId(sim)) expect(`${id}:${n}`).toBe(`${id}:1`);
      expect(sim.requests.records.length).toBeGreaterThan(requestsBefore); // the new owner did act
      // The stale owner did not exit: it stands by again.
      await lineAfter(owner, ownerLinesAtStop, 'standby again', (l) => event(l) === 'lease_standby', 20_000);
      expect(owner.proc.exitCode).toBeNull();
    }, 150_000);

    test('the database becomes unreachable: the owner pauses (LEASE_LOST), sends nothing, and takes the account back when it returns', async () => {
      const sim = await venue();
      const proxy = await startProxy(new URL(storeUrlFor(schema.name)));
      proxies.push(proxy);
      const store = { url: proxy.url, account: accountName() };
      const owner = spawnOwner(sim, store);
      await owner.waitForLine('service_ready', (l) => event(l) === 'service_ready', 60_000);
      expect(await settledOrders(sim)).toEqual({ SL: 1, TP: 1, DCA: 1 });
      const linesAtCut = owner.lines().length;
      proxy.cut();
      await owner.waitForLine('lease_lost', (l) => event(l) === 'lease_lost', 20_000);
      await owner.waitForLine('LEASE_LOST raised', (l) => event(l) === 'alert_raised' && l.reason === 'LEASE_LOST', 5_000);
      // A position change while paused: nothing goes out.
      openPosition(sim, '0.02');
      await sleep(2_000);
      expect(owner.lines().slice(linesAtCut).filter((l) => event(l) === 'submission_sent')).toEqual([]);
      proxy.restore();
      const back = await lineAfter(owner, linesAtCut, 'lease taken back', (l) => event(l) === 'lease_acquired', 30_000);
      expect(back.epoch).toBe(2);
      await lineAfter(owner, linesAtCut, 'ready again', (l) => event(l) === 'service_ready', 30_000);
      expect(await settledOrders(sim)).toEqual({ SL: 1, TP: 1, DCA: 1 });
      for (const [id, n] of placesPerClientId(sim)) expect(`${id}:${n}`).toBe(`${id}:1`);
      expect(owner.proc.exitCode).toBeNull();
    }, 150_000);

    /** How many shared journal records the account has from one lease epoch. */
    async function journalCount(account: string, schemaName: string, epoch: number): Promise<number> {
      const client = new pg.Client({ connectionString: storeUrlFor(schemaName) });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>('select count(*) as n from exstate_journal where account = $1 and epoch = $2', [account, epoch]);
        return Number(rows[0]!.n);
      } finally {
        await client.end();
      }
    }

    /** The account's stored entries last written under one lease epoch, as "key@updated_at". */
    async function rowsOfEpoch(account: string, schemaName: string, epoch: number): Promise<string[]> {
      const client = new pg.Client({ connectionString: storeUrlFor(schemaName) });
      await client.connect();
      try {
        const { rows } = await client.query<{ row: string }>(
          `select key || '@' || (extract(epoch from updated_at) * 1000000)::bigint as row from exstate_kv where account = $1 and epoch = $2`, [account, epoch]);
        return rows.map((r) => r.row);
      } finally {
        await client.end();
      }
    }
  });
}

/** A TCP proxy to the database that can be cut (every connection dropped, new ones refused) and restored. */
async function startProxy(target: URL): Promise<{ url: string; cut(): void; restore(): void; close(): void }> {
  const net = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  const url = new URL(target.toString());
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
    close() {
      open = false;
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
