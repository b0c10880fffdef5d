// Retention and history paging on the venue clock, through the plain ccxt client. Sources
// (developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/...): Query-Order,
// Query-Algo-Order, All-Orders and Query-All-Algo-Orders all say "These orders will not be found:
// order status is CANCELED or EXPIRED AND order has NO filled trade AND created time + 3 days <
// current time; order create time + 90 days < current time". All-Orders / Query-All-Algo-Orders:
// ">= that orderId (algoId)", "Otherwise most recent orders are returned", "less then 7 days
// (default as the recent 7 days)"; Account-Trade-List: fromId, "the last 7 days' data" by default.
import ccxt from 'ccxt';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control } from './control-client.js';

const S = 'BTC/USDT:USDT';
const long = { positionSide: 'LONG' };
const DAY = 24 * 60 * 60 * 1000;
let sim: Simulator;
let ex: any;

beforeAll(async () => {
  sim = await startSimulator({ seed: 41 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await control(sim, 'POST', '/reset', {});
  ex = await binanceClient(sim);
  await ex.loadMarkets();
});
afterEach(async () => {
  await ex.close();
});

const fetchByClientId = (clientOrderId: string, trigger = false) => ex.fetchOrder(undefined, S, { clientOrderId, ...(trigger ? { trigger: true } : {}) });
const advance = (ms: number) => control(sim, 'POST', '/clock', { advanceMs: ms });

describe('regular orders (Query-Order, All-Orders)', () => {
  test('CANCELED without a fill: served for 3 days after creation, then -2013 (OrderNotFound) and gone from allOrders', async () => {
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'cx-1' });
    await ex.cancelOrder(undefined, S, { clientOrderId: 'cx-1' });
    await advance(3 * DAY - 60_000);
    expect((await fetchByClientId('cx-1')).status).toBe('canceled');
    expect((await ex.fetchOrders(S)).map((o: any) => o.clientOrderId)).toEqual(['cx-1']);
    await advance(2 * 60_000);
    await expect(fetchByClientId('cx-1')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(fetchByClientId('cx-1')).rejects.toThrow(/-2013/);
    expect(await ex.fetchOrders(S)).toEqual([]);
    expect(sim.requests.records.at(-2)).toMatchObject({ path: '/fapi/v1/order', method: 'GET', applied: true, status: 400, code: -2013 });
  });

  test('a fill keeps an order served past 3 days (filled, or partly filled then canceled); 90 days ends every order', async () => {
    await control(sim, 'POST', '/partial-fills', { ratio: '0.5' });
    await ex.createOrder(S, 'limit', 'buy', 0.02, 66000, { ...long, clientOrderId: 'part-1' }); // crosses: half fills
    await ex.cancelOrder(undefined, S, { clientOrderId: 'part-1' });
    await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { ...long, clientOrderId: 'full-1' });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'open-1' });
    await advance(10 * DAY);
    const part = await fetchByClientId('part-1');
    expect([part.status, part.filled]).toEqual(['canceled', 0.01]);
    expect((await fetchByClientId('full-1')).status).toBe('closed');
    await advance(80 * DAY + 60_000);
    for (const id of ['part-1', 'full-1', 'open-1']) await expect(fetchByClientId(id)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    // The open order still rests: openOrders and openOrder list it; only the query window passed.
    expect((await ex.fetchOpenOrders(S)).map((o: any) => o.clientOrderId)).toEqual(['open-1']);
  });

  test('forgetFinished still overrides the windows: every finished order is gone at once', async () => {
    await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { ...long, clientOrderId: 'ff-1' });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'ff-open' });
    await control(sim, 'POST', '/faults', { forgetFinished: true });
    await expect(fetchByClientId('ff-1')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    expect((await ex.fetchOrders(S)).map((o: any) => o.clientOrderId)).toEqual(['ff-open']);
    await control(sim, 'DELETE', '/faults');
    expect((await fetchByClientId('ff-1')).status).toBe('closed');
  });
});

describe('algo orders (Query-Algo-Order, Query-All-Algo-Orders)', () => {
  test('CANCELED: not found after 3 days; TRIGGERED/FINISHED: served until 90 days', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    await ex.createOrder(S, 'market', 'sell', 0.01, undefined, { ...long, takeProfitPrice: 70000, clientOrderId: 'tp-c' });
    await ex.cancelOrder(undefined, S, { clientOrderId: 'tp-c', trigger: true });
    await ex.createOrder(S, 'market', 'sell', undefined, undefined, { ...long, stopLossPrice: 64000, closePosition: true, clientOrderId: 'sl-t' });
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63900' });
    const triggered = await fetchByClientId('sl-t', true);
    expect(['TRIGGERED', 'FINISHED']).toContain(triggered.info.algoStatus);
    await advance(3 * DAY + 1000);
    await expect(fetchByClientId('tp-c', true)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    expect((await fetchByClientId('sl-t', true)).info.algoStatus).toBe(triggered.info.algoStatus);
    expect((await ex.fetchOrders(S, undefined, undefined, { trigger: true, startTime: sim.clock.now() - 4 * DAY })).map((o: any) => o.clientOrderId)).toEqual(['sl-t']);
    await advance(87 * DAY);
    await expect(fetchByClientId('sl-t', true)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  });

  test('allAlgoOrders pages: the newest `limit` by default, from an algoId the oldest first, `page` steps on', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.05', entryPrice: '65000' });
    for (let i = 1; i <= 4; i++) await ex.createOrder(S, 'market', 'sell', 0.01, undefined, { ...long, takeProfitPrice: 70000 + i * 100, clientOrderId: `tp-${i}` });
    const ids = (await ex.fetchOpenOrders(S, undefined, undefined, { trigger: true })).map((o: any) => o.id).sort();
    const names = (os: any[]) => os.map((o) => o.clientOrderId);
    expect(names(await ex.fetchOrders(S, undefined, 2, { trigger: true }))).toEqual(['tp-3', 'tp-4']);
    expect(names(await ex.fetchOrders(S, undefined, 2, { trigger: true, page: 2 }))).toEqual(['tp-1', 'tp-2']);
    expect(names(await ex.fetchOrders(S, undefined, 2, { trigger: true, algoId: ids[1] }))).toEqual(['tp-2', 'tp-3']);
    expect(names(await ex.fetchOrders(S, undefined, 2, { trigger: true, algoId: ids[1], page: 2 }))).toEqual(['tp-4']);
  });
});

describe('allOrders paging (ccxt fetchOrders)', () => {
  test('latest by default; from orderId or startTime the oldest first; 7-day span (-1127); the recent 7 days by default', async () => {
    for (let i = 1; i <= 5; i++) await ex.createOrder(S, 'limit', 'buy', 0.01, 60000 - i * 10, { ...long, clientOrderId: `o-${i}` });
    const all = await ex.fetchOrders(S);
    const names = (os: any[]) => os.map((o) => o.clientOrderId);
    expect(names(all)).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5']);
    expect(names(await ex.fetchOrders(S, undefined, 2))).toEqual(['o-4', 'o-5']);
    expect(names(await ex.fetchOrders(S, undefined, 2, { orderId: all[1].id }))).toEqual(['o-2', 'o-3']);
    expect(names(await ex.fetchOrders(S, all[0].timestamp, 3))).toEqual(['o-1', 'o-2', 'o-3']);
    const now = sim.clock.now();
    await expect(ex.fetchOrders(S, now - 8 * DAY, undefined, { until: now })).rejects.toThrow(/-1127/);
    await advance(8 * DAY);
    expect(await ex.fetchOrders(S)).toEqual([]); // older than the default 7 days
    expect(names(await ex.fetchOrders(S, undefined, undefined, { orderId: all[0].id }))).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5']);
    expect(names(await ex.fetchOrders(S, all[0].timestamp, 2))).toEqual(['o-1', 'o-2']);
  });
});

describe('userTrades paging (ccxt fetchMyTrades)', () => {
  test('fromId pages forward through every fill; orderId selects one order; the default is the last 7 days', async () => {
    for (let i = 0; i < 5; i++) await ex.createOrder(S, 'market', 'buy', 0.001, undefined, long);
    const ids = sim.engine.trades.map((t) => String(t.id));
    const page1 = await ex.fetchMyTrades(S, undefined, 2, { fromId: ids[0] });
    const page2 = await ex.fetchMyTrades(S, undefined, 2, { fromId: Number(page1[1].id) + 1 });
    const page3 = await ex.fetchMyTrades(S, undefined, 2, { fromId: Number(page2[1].id) + 1 });
    expect([...page1, ...page2, ...page3].map((t: any) => t.id)).toEqual(ids);
    const orderId = String(sim.engine.trades[2]!.orderId);
    expect((await ex.fetchMyTrades(S, undefined, undefined, { orderId })).map((t: any) => t.order)).toEqual([orderId]);
    await advance(8 * DAY);
    expect(await ex.fetchMyTrades(S)).toEqual([]);
    expect((await ex.fetchMyTrades(S, undefined, 10, { fromId: ids[3] })).map((t: any) => t.id)).toEqual(ids.slice(3));
  });
});
