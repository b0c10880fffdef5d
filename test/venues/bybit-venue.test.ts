// The Bybit V5 adapter against the simulator's Bybit front on 127.0.0.1 (real ccxt `bybit`, real
// sockets). Proves: a refusal (HTTP 200 with a retCode) becomes a rejection with Bybit's code, a
// 5xx without one an unknown outcome, a rate limit a wait; nothing secret reaches an outcome or a
// log; lookups answer 'absent' only when the open and the finished lists are cleanly empty and
// throw on any failure; hydration reads every page and fails on a position-mode mismatch; fill
// history reads executions; the stream is open only after auth and every subscription.
import { Decimal } from 'decimal.js';
import type { Scope } from '../../src/domain/scope.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { BybitVenue } from '../../src/venues/bybit/venue.js';
import type { StreamItem, VenueMutation } from '../../src/venues/port.js';

const scope: Scope = { exchange: 'bybit', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' };
let sim: Simulator;
let venue: BybitVenue;
let logs: Array<{ event: string; fields: Record<string, unknown> }>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 9, venue: 'bybit', positionMode: 'hedge' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  sim.reset();
  logs = [];
  venue = await BybitVenue.create({
    restUrl: sim.rest, wsUrl: sim.ws, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 800, positionMode: 'hedge', protectiveHeadroom: 0.2,
    log: (event, fields) => logs.push({ event, fields: fields as Record<string, unknown> }),
  });
});
afterEach(async () => {
  await venue.close();
});

const dca = (customOrderId: string, price: string, qty = '0.01'): VenueMutation => ({
  action: 'place', scope, slot: 'DCA1', customOrderId,
  intent: { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: new Decimal(price), qty: new Decimal(qty) },
});

function expectClean(text: string): void {
  expect(text).not.toContain(sim.apiKey);
  expect(text).not.toContain(sim.secret);
  expect(text).not.toMatch(/X-BAPI-SIGN|signature/i);
}

describe('outcomes', () => {
  test('accepted: the venue order id; the order is found by its orderLinkId', async () => {
    const outcome = await venue.submit(dca('dca-ok-1', '60000'));
    expect(outcome).toMatchObject({ kind: 'accepted', exchangeOrderId: expect.any(String) });
    const row = await venue.findByCustomId(scope, 'dca-ok-1');
    expect(row).toMatchObject({ customOrderId: 'dca-ok-1', status: 'NEW', type: 'LIMIT', managedSide: 'LONG', price: new Decimal('60000') });
  });

  test('a refusal answered with HTTP 200 and a retCode is a rejection carrying Bybit\'s code; a duplicate orderLinkId is 110072', async () => {
    await venue.submit(dca('dca-dup-1', '60000'));
    const outcome = await venue.submit(dca('dca-dup-1', '60000'));
    expect(outcome).toMatchObject({ kind: 'rejected', code: 110072 });
    expectClean(JSON.stringify(outcome));
  });

  test('a 5xx without a code is an unknown outcome; 10016 (server error) carries its code for the classifier', async () => {
    sim.faults.addRest({ kind: 'status', path: '/v5/order/create', method: 'POST', status: 503 });
    expect(await venue.submit(dca('dca-5xx', '60000'))).toMatchObject({ kind: 'unknown' });
    sim.faults.addRest({ kind: 'status', path: '/v5/order/create', method: 'POST', status: 200, code: 10016, msg: 'Server error' });
    expect(await venue.submit(dca('dca-10016', '60000'))).toMatchObject({ kind: 'rejected', code: 10016 });
  });

  test('a rate-limit refusal (10006) sets a wait until the reported reset: writes in between are held without a request', async () => {
    sim.faults.addRest({ kind: 'rate_limit', path: '/v5/order/create', method: 'POST' });
    const first = await venue.submit(dca('dca-rl-1', '60000'));
    expect(first).toMatchObject({ kind: 'rejected', code: 10006 });
    const before = sim.requests.since(0).length;
    const held = await venue.submit(dca('dca-rl-2', '60000'));
    expect(held).toMatchObject({ kind: 'rejected', httpStatus: 429, retryAfterMs: expect.any(Number) });
    expect(sim.requests.since(0).length).toBe(before); // nothing was sent while waiting
  });

  test('another failure sets no wait: the next write goes out', async () => {
    sim.faults.addRest({ kind: 'reject', path: '/v5/order/create', method: 'POST', code: 10001, msg: 'params error' });
    expect(await venue.submit(dca('dca-bad', '60000'))).toMatchObject({ kind: 'rejected', code: 10001 });
    expect(await venue.submit(dca('dca-next', '60000'))).toMatchObject({ kind: 'accepted' });
  });

  test('an error body that echoes the key and the secret reaches neither the log nor the outcome', async () => {
    sim.faults.addRest({ kind: 'reject', path: '/v5/order/create', method: 'POST', code: 10003, msg: `invalid key ${sim.apiKey} ${sim.secret}` });
    const outcome = await venue.submit(dca('dca-echo', '60000'));
    expect(outcome).toMatchObject({ kind: 'rejected', code: 10003 });
    expectClean(JSON.stringify(outcome));
    expectClean(JSON.stringify(logs));
  });
});

describe('lookups', () => {
  test('a finished order is found in the history list; an unknown orderLinkId is absent', async () => {
    await venue.submit(dca('dca-cancel-1', '60000'));
    expect(await venue.submit({ ...dca('dca-cancel-1', '60000'), action: 'cancel' })).toMatchObject({ kind: 'accepted' });
    expect(await venue.findByCustomId(scope, 'dca-cancel-1')).toMatchObject({ status: 'CANCELED' });
    expect(await venue.findByCustomId(scope, 'never-sent-1')).toBe('absent');
  });

  test('a lookup that fails (5xx, timeout) throws: it never answers absent', async () => {
    sim.faults.addRest({ kind: 'status', path: '/v5/order/realtime', method: 'GET', status: 502 });
    await expect(venue.findByCustomId(scope, 'never-sent-2')).rejects.toThrow(/findByCustomId failed/);
    sim.faults.addRest({ kind: 'status', path: '/v5/order/history', method: 'GET', status: 200, code: 10016, msg: 'Server error' });
    await expect(venue.findByCustomId(scope, 'never-sent-3')).rejects.toThrow(/findByCustomId failed/);
  });
});

describe('hydration', () => {
  test('reads every page of open orders (Bybit pages at 50) and the hedge positions; foreign orders are kept as such', async () => {
    sim.engine.seedPosition('BTCUSDT', 'LONG', '0.5', '65000');
    for (let i = 0; i < 60; i++) await venue.submit(dca(`page-${i}`, String(50000 + i * 10)));
    sim.engine.placeOrder({ symbol: 'BTCUSDT', positionSide: 'LONG', side: 'BUY', type: 'LIMIT', price: '40000', quantity: '0.01', clientOrderId: 'manual-1', owner: 'manual' });
    const snapshot = await venue.hydrate({ subject: 'startup' });
    expect(snapshot.openOrders!.filter((o) => o.customOrderId?.startsWith('page-'))).toHaveLength(60);
    expect(snapshot.openOrders!.some((o) => o.customOrderId === 'manual-1')).toBe(true);
    expect(snapshot.positions!.find((p) => p.managedSide === 'LONG')).toMatchObject({ size: new Decimal('0.5'), entryPrice: new Decimal('65000') });
    expect(snapshot.filters!.BTCUSDT).toBeDefined();
    expect(snapshot.balances?.[0]).toMatchObject({ asset: 'USDT' });
  });
});

describe('fill history', () => {
  test('executions since a time, with their orderLinkId and the hedge side', async () => {
    sim.engine.setMark('BTCUSDT', '65000');
    const since = Date.now() - 1000;
    await venue.submit({ ...dca('buy-now-1', '66000'), intent: { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: new Decimal('66000'), qty: new Decimal('0.01') } });
    const fills = await venue.fillsSince(scope, since);
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ customOrderId: 'buy-now-1', side: 'BUY', qty: new Decimal('0.01'), managedSide: 'LONG' });
  });
});

describe('the private stream', () => {
  test('open only after auth and all four subscriptions; a fill arrives as fill, order and position rows', async () => {
    const items: StreamItem[] = [];
    // What the venue had recorded at the moment the adapter said `open` (read synchronously then).
    let topicsAtOpen: string[] | undefined;
    const stream = venue.privateRows()[Symbol.asyncIterator]();
    const pump = (async () => {
      for (;;) {
        const next = await stream.next();
        if (next.done) return;
        if (next.value.kind === 'stream' && next.value.status === 'open' && !topicsAtOpen) {
          const { sessions } = sim.stream.describe() as unknown as { sessions: Array<{ authenticated: boolean; topics: string[] }> };
          topicsAtOpen = sessions.filter((s) => s.authenticated).flatMap((s) => s.topics).sort();
        }
        items.push(next.value);
      }
    })();
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
      if (!ok()) throw new Error(`timed out: ${what}`);
    };
    await until('open', () => items.some((i) => i.kind === 'stream' && i.status === 'open'));
    // Open means authenticated and every topic subscribed, as the venue itself recorded it then.
    expect(topicsAtOpen).toEqual(['execution', 'order', 'position', 'wallet']);
    sim.engine.setMark('BTCUSDT', '65000');
    await venue.submit({ ...dca('stream-1', '66000') });
    await until('fill rows', () => items.some((i) => i.kind === 'execution') && items.some((i) => i.kind === 'position'));
    expect(items.find((i) => i.kind === 'execution')).toMatchObject({ customOrderId: 'stream-1', managedSide: 'LONG' });
    expect(items.filter((i) => i.kind === 'malformed')).toEqual([]);
    await venue.close();
    await pump;
  });
});
