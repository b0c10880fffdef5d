// The ccxt Binance USD-M adapter against the simulator on 127.0.0.1 (real ccxt, real sockets).
// Proves: a failed submit carries the HTTP status with the venue code (a 503 with -1001 is not a
// bare -1001), no signed URL or secret reaches an outcome or error; lookups answer 'absent' only
// on a clean -2013 and throw on anything else; fill history reads userTrades (week windows, pages,
// client ids joined) and throws on failure; the private stream reads raw frames (liquidation
// executions, times, malformed rows that do not stop the stream).
import { Decimal } from 'decimal.js';
import type { StreamItem, VenueMutation } from '../../src/venues/port.js';
import type { Scope } from '../../src/domain/scope.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { BinanceUsdmVenue } from '../../src/venues/ccxt/binanceusdm-venue.js';

const scope: Scope = { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' };
let sim: Simulator;
let venue: BinanceUsdmVenue;
let logs: Array<{ event: string; fields: Record<string, unknown> }>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 9 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  sim.reset();
  logs = [];
  venue = await BinanceUsdmVenue.create({
    restUrl: sim.rest, wsUrl: sim.ws, apiKey: sim.apiKey, secret: sim.secret, listenKeyRefreshMs: 60_000, timeoutMs: 800,
    positionMode: 'hedge', weightLimit: 2400, protectiveHeadroom: 0.2, log: (event, fields) => logs.push({ event, fields }),
  });
});
afterEach(async () => {
  await venue.close();
});

const dca = (customOrderId: string, price: string, qty = '0.01'): VenueMutation => ({
  action: 'place', scope, slot: 'DCA1', customOrderId,
  intent: { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: new Decimal(price), qty: new Decimal(qty) },
});
const sl = (customOrderId: string, trigger: string): VenueMutation => ({
  action: 'place', scope, slot: 'SL', customOrderId,
  intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: new Decimal(trigger), closePosition: true },
});

/** Nothing secret or signed in a text: no key, no secret, no signature, no query string. */
function expectClean(text: string): void {
  expect(text).not.toContain(sim.apiKey);
  expect(text).not.toContain(sim.secret);
  expect(text).not.toMatch(/signature/i);
  expect(text).not.toMatch(/timestamp=/);
}

describe('what the adapter logs is scrubbed at the adapter, whoever receives its log', () => {
  test('a venue error body that echoes the key and the secret reaches neither the log nor the outcome', async () => {
    // Venues echo what they were sent in error bodies; the log line keeps the body (it carries the code).
    sim.faults.addRest({ kind: 'reject', path: '/fapi/v1/order', method: 'POST', status: 400, code: -2014, msg: `API-key format invalid: ${sim.apiKey} / ${sim.secret}` });
    const outcome = await venue.submit(dca('dca-echo', '60000'));
    expect(outcome).toMatchObject({ kind: 'rejected', code: -2014 });
    const failed = logs.find((l) => l.event === 'venue_call_failed');
    expect(failed).toBeDefined();
    expect(String(failed!.fields.error)).toContain('-2014');
    expectClean(JSON.stringify(logs));
    expectClean(JSON.stringify(outcome));
  });
});

describe('submit: the HTTP status travels with the venue code', () => {
  test('503 with -1001 on POST /fapi/v1/order -> rejected with code -1001 AND httpStatus 503', async () => {
    sim.faults.addRest({ kind: 'status', path: '/fapi/v1/order', method: 'POST', status: 503, code: -1001 });
    const outcome = await venue.submit(dca('dca-503', '60000'));
    expect(outcome).toMatchObject({ kind: 'rejected', code: -1001, httpStatus: 503 });
    expectClean(JSON.stringify(outcome));
    expectClean(JSON.stringify(logs));
  });

  test('the same when the venue applied it (apply: true): the order exists, the outcome still says 503', async () => {
    sim.faults.addRest({ kind: 'status', path: '/fapi/v1/order', method: 'POST', status: 503, code: -1001, apply: true });
    expect(await venue.submit(dca('dca-applied', '60000'))).toMatchObject({ kind: 'rejected', code: -1001, httpStatus: 503 });
    expect(sim.engine.snapshot().orders.map((o) => o.clientOrderId)).toEqual(['dca-applied']);
  });

  test('503 with -1001 on the algo endpoint (SL) carries 503 too', async () => {
    sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
    sim.faults.addRest({ kind: 'status', path: '/fapi/v1/algoOrder', method: 'POST', status: 503, code: -1001, apply: true });
    expect(await venue.submit(sl('sl-applied', '63700'))).toMatchObject({ kind: 'rejected', code: -1001, httpStatus: 503 });
  });

  test('a definite rejection carries its 4xx status; a 5xx without a body is unknown', async () => {
    sim.faults.addRest({ kind: 'reject', path: '/fapi/v1/order', method: 'POST', status: 400, code: -2019, msg: 'Margin is insufficient.' });
    expect(await venue.submit(dca('dca-margin', '60000'))).toMatchObject({ kind: 'rejected', code: -2019, httpStatus: 400 });
    sim.faults.addRest({ kind: 'status', path: '/fapi/v1/order', method: 'POST', status: 502 });
    const outcome = await venue.submit(dca('dca-502', '60000'));
    expect(outcome.kind).toBe('unknown');
    expectClean(JSON.stringify(outcome));
  });

  test('rate limits keep their status (429 -> retry by the classifier)', async () => {
    sim.faults.addRest({ kind: 'rate_limit', path: '/fapi/v1/order', method: 'POST', status: 429, retryAfterSec: 1 });
    expect(await venue.submit(dca('dca-429', '60000'))).toMatchObject({ kind: 'rejected', httpStatus: 429, retryAfterMs: 1000 });
  });
});

describe('findByCustomId: absent only on a clean "order does not exist"', () => {
  test('finds regular and algo orders; absent when neither exists', async () => {
    sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
    await venue.submit(dca('dca-1', '60000'));
    await venue.submit(sl('sl-1', '63700'));
    expect(await venue.findByCustomId(scope, 'dca-1')).toMatchObject({ kind: 'order', customOrderId: 'dca-1', type: 'LIMIT', status: 'NEW' });
    expect(await venue.findByCustomId(scope, 'sl-1')).toMatchObject({ kind: 'order', customOrderId: 'sl-1', type: 'STOP_MARKET', status: 'NEW' });
    expect(await venue.findByCustomId(scope, 'never-sent')).toBe('absent');
  });

  test.each([
    ['GET /fapi/v1/order 503 -1000', { kind: 'status', path: '/fapi/v1/order', method: 'GET', status: 503, code: -1000 }],
    ['GET /fapi/v1/order 503 -2013 (a 5xx whatever its code)', { kind: 'status', path: '/fapi/v1/order', method: 'GET', status: 503, code: -2013 }],
    ['GET /fapi/v1/order 400 -1000', { kind: 'reject', path: '/fapi/v1/order', method: 'GET', status: 400, code: -1000 }],
    ['GET /fapi/v1/algoOrder 503 -1000 (the regular query said -2013)', { kind: 'status', path: '/fapi/v1/algoOrder', method: 'GET', status: 503, code: -1000 }],
    ['GET /fapi/v1/order 503 text', { kind: 'status', path: '/fapi/v1/order', method: 'GET', status: 503 }],
    ['GET /fapi/v1/order timeout', { kind: 'delay', path: '/fapi/v1/order', method: 'GET', ms: 1500 }],
  ] as const)('%s -> throws, never "absent"; the error carries no signed URL', async (_name, rule) => {
    sim.faults.addRest(rule as never);
    const error = await venue.findByCustomId(scope, 'never-sent').then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error!.name).toBe('VenueCallError');
    expectClean(String(error!.message));
    expectClean(JSON.stringify(error));
  });

  test('a finished order past the retention window answers absent (the port says absent proves nothing)', async () => {
    await venue.submit(dca('dca-f', '66000')); // crosses the mark: fills at once
    expect(await venue.findByCustomId(scope, 'dca-f')).toMatchObject({ status: 'FILLED' });
    sim.faults.forgetFinished = true;
    expect(await venue.findByCustomId(scope, 'dca-f')).toBe('absent');
  });
});

describe('fillsSince: REST trade history', () => {
  test('the fills since a time, decimal, with the client id of orders the adapter has seen', async () => {
    const before = Date.now();
    await venue.submit(dca('dca-fill', '66000')); // fills at the mark 65000
    sim.engine.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002', positionSide: 'LONG', clientOrderId: 'manual-x', owner: 'manual' });
    const fills = await venue.fillsSince(scope, before);
    expect(fills).toHaveLength(2);
    const [mine, other] = fills;
    expect(mine).toMatchObject({ kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', side: 'BUY', customOrderId: 'dca-fill', feeAsset: 'USDT' });
    expect(mine!.price.toFixed()).toBe('65000');
    expect(mine!.qty.toFixed()).toBe('0.01');
    expect(mine!.fee!.toFixed()).toBe('0.26');
    expect(mine!.transactionTimeMs).toBeGreaterThanOrEqual(before);
    expect(mine!.exchangeOrderId).toBe(String(sim.engine.snapshot().orders[0]!.orderId));
    expect(other!.customOrderId).toBeUndefined(); // never seen by the adapter: matched by exchange order id
    expect(await venue.fillsSince(scope, Date.now() + 1000)).toEqual([]);
  });

  test('walks week windows and full pages; dedupes by trade id', async () => {
    const now = Date.now();
    const day = 86_400_000;
    const base = { orderId: 1, symbol: 'BTCUSDT', side: 'BUY' as const, positionSide: 'LONG' as const, price: '60000', qty: '0.001', quoteQty: '60', realizedPnl: '0', commission: '0.024', commissionAsset: 'USDT', maker: false, buyer: true };
    let id = 1;
    sim.engine.trades.push({ ...base, id: id++, time: now - 10 * day }); // in the first week window only
    for (let i = 0; i < 2500; i++) sim.engine.trades.push({ ...base, id: id++, time: now - 2 * day + Math.floor(i / 3) }); // 3 per ms: pages
    const fills = await venue.fillsSince(scope, now - 11 * day);
    expect(fills).toHaveLength(2501);
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(2501);
    expect(fills[0]!.tradeId).toBe('1');
  });

  test('a failed read throws (never [])', async () => {
    sim.faults.addRest({ kind: 'status', path: '/fapi/v1/userTrades', method: 'GET', status: 503, code: -1001 });
    await expect(venue.fillsSince(scope, Date.now() - 1000)).rejects.toThrow(/fillsSince failed.*503/);
  });
});

describe('the private stream reads raw frames', () => {
  async function collect(until: (items: StreamItem[]) => boolean, timeoutMs = 4000): Promise<StreamItem[]> {
    const items: StreamItem[] = [];
    const iterator = venue.privateRows()[Symbol.asyncIterator]();
    const deadline = Date.now() + timeoutMs;
    while (!until(items) && Date.now() < deadline) {
      const next = await Promise.race([iterator.next(), new Promise<'late'>((r) => setTimeout(() => r('late'), 100))]);
      if (next !== 'late' && !next.done) items.push(next.value);
    }
    return items;
  }
  const opened = async () => {
    await collect((items) => items.some((i) => i.kind === 'stream' && i.status === 'open'));
    for (let i = 0; i < 100 && sim.stream.connectionCount() === 0; i++) await new Promise((r) => setTimeout(r, 20));
  };

  test('a liquidation execution (x=CALCULATED) is a liquidation fill; a malformed row is reported and the stream goes on', async () => {
    await opened();
    const o = { s: 'BTCUSDT', c: 'autoclose-17000000001', S: 'SELL', o: 'LIQUIDATION', f: 'IOC', q: '0.010', p: '61000.1', ap: '61000.1', sp: '0', x: 'CALCULATED', X: 'FILLED', i: 91, l: '0.010', z: '0.010', L: '61000.1', N: 'USDT', n: '0.244', T: 1700000000100, t: 0, R: false, ps: 'LONG', cp: false, ot: 'LIQUIDATION', rp: '0' };
    sim.stream.publish({ e: 'ORDER_TRADE_UPDATE', E: 1700000000101, T: 1700000000100, o: { ...o, i: 90, z: 'abc', x: 'NEW', X: 'NEW' } });
    sim.stream.publish({ e: 'ORDER_TRADE_UPDATE', E: 1700000000101, T: 1700000000100, o: { ...o, i: 89, x: 'TRADE', t: 5, l: '0' } });
    sim.stream.publish({ e: 'ACCOUNT_UPDATE', E: 1700000000102, T: 1700000000100, a: { m: 'ORDER', B: [{ a: 'USDT', wb: 'NaN', cw: '0' }], P: [{ s: 'BTCUSDT', pa: '0', ep: '0', ps: 'LONG' }] } });
    sim.stream.publish({ e: 'ORDER_TRADE_UPDATE', E: 1700000000103, T: 1700000000100, o });
    const items = await collect((xs) => xs.some((i) => i.kind === 'order' && i.exchangeOrderId === '91'));
    const malformed = items.filter((i) => i.kind === 'malformed').map((i) => (i as { reason: string }).reason);
    expect(malformed).toEqual([expect.stringMatching(/^z: .*"abc"/), expect.stringMatching(/^l: .*"0"/), expect.stringMatching(/^wb: .*"NaN"/)]);
    for (const reason of malformed) expectClean(reason);
    const rows = items.filter((i) => i.kind !== 'stream' && i.kind !== 'malformed');
    expect(rows.map((r) => r.kind)).toEqual(['order', 'position', 'execution', 'order']); // the 89 order row, the position, then 91: fill first
    expect(rows[1]).toMatchObject({ kind: 'position', managedSide: 'LONG', transactionTimeMs: 1700000000100, eventTimeMs: 1700000000102 });
    expect(rows[2]).toMatchObject({ kind: 'execution', liquidation: true, tradeId: 'liq-91-1700000000100', exchangeOrderId: '91', transactionTimeMs: 1700000000100, eventTimeMs: 1700000000103 });
    expect(rows[3]).toMatchObject({ kind: 'order', type: 'LIQUIDATION', status: 'FILLED', transactionTimeMs: 1700000000100 });
  });

  test('engine fills arrive as fill then order row with T and E; a fill learns its client id for fill history', async () => {
    await opened();
    sim.engine.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002', positionSide: 'LONG', clientOrderId: 'seen-on-stream', owner: 'manual' });
    const items = await collect((xs) => xs.some((i) => i.kind === 'position'));
    const fill = items.find((i) => i.kind === 'execution');
    expect(fill).toMatchObject({ customOrderId: 'seen-on-stream', transactionTimeMs: expect.any(Number), eventTimeMs: expect.any(Number) });
    const fills = await venue.fillsSince(scope, Date.now() - 5000);
    expect(fills.map((f) => f.customOrderId)).toEqual(['seen-on-stream']);
  });
});
