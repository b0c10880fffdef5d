// The spot user-data stream as ccxt 4.5.84 consumes it: the WebSocket API subscription
// (userDataStream.subscribe.signature on /ws-api/v3), executionReport into watchOrders and
// watchMyTrades, outboundAccountPosition and balanceUpdate into watchBalance, the raw listStatus
// that ccxt ignores (read through a handleMessage hook), eventStreamTerminated, drops and a
// wrong secret.
import ccxt from 'ccxt';
import { startSpotSimulator, type SpotSimulator } from '../../../src/sim/spot/server.js';
import { spotClient } from './spot-client.js';
import { control, sleep, until } from './spot-raw.js';

const S = 'BTC/USDT';
let sim: SpotSimulator;
let ex: any;
/** Every user-data event the client received, unwrapped from its {subscriptionId, event} envelope. */
let raw: any[];

beforeEach(async () => {
  sim = await startSpotSimulator({ seed: 11, balances: { USDT: '10000', BTC: '0.5' } });
  ex = await spotClient(sim);
  raw = [];
  // ccxt binds handleMessage when it opens a connection: a wrapper set before the first watch sees
  // every message, including the listStatus events ccxt itself drops.
  const original = ex.handleMessage.bind(ex);
  ex.handleMessage = (client: unknown, message: any) => {
    if (message && typeof message === 'object' && message.event) raw.push(message.event);
    return original(client, message);
  };
  await ex.loadMarkets();
});
afterEach(async () => {
  await ex.close();
  await sim.close();
});

const subscribed = (n = 1) => until(() => sim.stream.subscriptionCount() >= n);
const events = (e: string) => raw.filter((m) => m.e === e);

test('subscription: ccxt sends userDataStream.subscribe.signature over the WebSocket API, no listen key', async () => {
  const pending = ex.watchOrders(S);
  await subscribed();
  const wsReqs = sim.requests.records.filter((r) => r.method === 'WS');
  expect(wsReqs).toEqual([expect.objectContaining({ path: 'userDataStream.subscribe.signature', applied: true, status: 200 })]);
  expect(wsReqs[0]!.params).not.toHaveProperty('signature');
  expect(sim.requests.records.some((r) => r.path.includes('userDataStream') && r.method !== 'WS')).toBe(false);
  await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { clientOrderId: 'ws-sub-1' });
  const [o] = await pending;
  expect(o).toMatchObject({ clientOrderId: 'ws-sub-1', status: 'open', side: 'buy', price: 60000, amount: 0.01 });
});

test('a MARKET buy: executionReport NEW and TRADE, the trade with its BTC commission, outboundAccountPosition', async () => {
  const orders = ex.watchOrders(S);
  await subscribed();
  const trades = ex.watchMyTrades(S);
  const balance = ex.watchBalance();
  const placed = await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { clientOrderId: 'ws-mkt-1' });
  const [t] = await trades;
  expect(t).toMatchObject({ order: placed.id, symbol: S, side: 'buy', price: 65000, amount: 0.01, cost: 650, takerOrMaker: 'taker', fee: { currency: 'BTC', cost: 0.00001 } });
  const b = await balance;
  await until(() => events('outboundAccountPosition').length >= 1);
  expect(b.BTC).toMatchObject({ free: 0.50999, used: 0 });
  expect(b.USDT).toMatchObject({ free: 9350, used: 0 });
  await orders;
  const reports = events('executionReport');
  expect(reports.map((r) => [r.x, r.X, r.c, r.g])).toEqual([['NEW', 'NEW', 'ws-mkt-1', -1], ['TRADE', 'FILLED', 'ws-mkt-1', -1]]);
  expect(reports[1]).toMatchObject({ s: 'BTCUSDT', S: 'BUY', o: 'MARKET', l: '0.01000000', z: '0.01000000', L: '65000.00000000', n: '0.00001000', N: 'BTC', m: false, Z: '650.00000000', Y: '650.00000000', C: '' });
  expect(typeof reports[1].t).toBe('number');
  const [acct] = events('outboundAccountPosition');
  expect(acct.B).toEqual(expect.arrayContaining([{ a: 'BTC', f: '0.50999000', l: '0.00000000' }, { a: 'USDT', f: '9350.00000000', l: '0.00000000' }]));
  expect(acct.B).toHaveLength(2);
});

test('OCO on the stream: leg reports with g, listStatus EXEC_STARTED then ALL_DONE, the limit leg EXPIRED', async () => {
  const first = ex.watchOrders(S);
  await subscribed();
  const list = await ex.privatePostOrderListOco({
    symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', listClientOrderId: 'ws-oco',
    aboveType: 'LIMIT_MAKER', abovePrice: '70000', aboveClientOrderId: 'ws-tp',
    belowType: 'STOP_LOSS_LIMIT', belowStopPrice: '60000', belowPrice: '59900', belowTimeInForce: 'GTC', belowClientOrderId: 'ws-sl',
  });
  await first;
  await until(() => events('listStatus').length === 1);
  expect(events('listStatus')[0]).toMatchObject({
    s: 'BTCUSDT', g: list.orderListId, c: 'OCO', l: 'EXEC_STARTED', L: 'EXECUTING', r: 'NONE', C: 'ws-oco',
    O: [{ s: 'BTCUSDT', i: list.orders[0].orderId, c: 'ws-sl' }, { s: 'BTCUSDT', i: list.orders[1].orderId, c: 'ws-tp' }],
  });
  const after = ex.watchOrders(S);
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '59950' });
  await after;
  await until(() => events('listStatus').length === 2);
  expect(events('listStatus')[1]).toMatchObject({ g: list.orderListId, l: 'ALL_DONE', L: 'ALL_DONE', C: 'ws-oco' });
  const reports = events('executionReport').map((r) => [r.c, r.x, r.X, r.g]);
  expect(reports).toEqual([
    ['ws-sl', 'NEW', 'NEW', list.orderListId],
    ['ws-tp', 'NEW', 'NEW', list.orderListId],
    ['ws-tp', 'EXPIRED', 'EXPIRED', list.orderListId],
    ['ws-sl', 'TRADE', 'FILLED', list.orderListId],
  ]);
  // ccxt's order cache: one row per order, last state wins
  await until(() => ex.orders.length === 2);
  const cached = Object.fromEntries(ex.orders.map((o: any) => [o.clientOrderId, o.status]));
  expect(cached).toEqual({ 'ws-sl': 'closed', 'ws-tp': 'expired' });
});

test('a cancel: executionReport CANCELED with C = the original client id (ccxt reports it)', async () => {
  const orders = ex.watchOrders(S);
  await subscribed();
  await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { clientOrderId: 'ws-cxl-1' });
  await orders;
  const next = ex.watchOrders(S);
  await ex.cancelOrder(undefined, S, { clientOrderId: 'ws-cxl-1' });
  const updated = await next;
  expect(updated.at(-1)).toMatchObject({ clientOrderId: 'ws-cxl-1', status: 'canceled' });
  const cancel = events('executionReport').at(-1);
  expect(cancel).toMatchObject({ x: 'CANCELED', X: 'CANCELED', C: 'ws-cxl-1' });
  expect(cancel.c).not.toBe('ws-cxl-1');
});

test('a deposit through the control API: balanceUpdate then outboundAccountPosition', async () => {
  const first = ex.watchBalance();
  await subscribed();
  await control(sim, 'POST', '/balance', { asset: 'USDT', free: '10500' });
  await first;
  await until(() => events('outboundAccountPosition').length === 1);
  expect(raw.map((m) => m.e)).toEqual(['balanceUpdate', 'outboundAccountPosition']);
  expect(events('balanceUpdate')[0]).toMatchObject({ a: 'USDT', d: '500.00000000' });
  expect(ex.balance.spot.USDT).toMatchObject({ free: 10500, used: 0 });
});

test('eventStreamTerminated ends the subscription; the next watch subscribes again on the same socket', async () => {
  const pending = ex.watchOrders(S);
  await subscribed();
  const out = await control(sim, 'POST', '/stream/terminate');
  expect(out).toMatchObject({ terminated: 1 });
  await until(() => events('eventStreamTerminated').length === 1);
  expect(sim.stream.subscriptionCount()).toBe(0);
  const again = ex.watchOrders(S);
  await subscribed();
  expect(sim.requests.records.filter((r) => r.method === 'WS' && r.path === 'userDataStream.subscribe.signature')).toHaveLength(2);
  expect(sim.stream.connectionCount()).toBe(1);
  await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { clientOrderId: 'ws-term-1' });
  const [o] = await again;
  expect(o.clientOrderId).toBe('ws-term-1');
  // the watch pending across the termination shares ccxt's 'orders' future: it resolves too
  await expect(Promise.race([pending, sleep(500).then(() => 'pending')])).resolves.not.toBe('pending');
});

test('a dropped stream rejects the pending watch with a NetworkError; the next watch reconnects', async () => {
  const pending = ex.watchOrders(S);
  await subscribed();
  await control(sim, 'POST', '/stream/drop');
  await expect(pending).rejects.toBeInstanceOf(ccxt.NetworkError);
  const again = ex.watchOrders(S);
  await until(() => sim.stream.subscriptionCount() === 1);
  await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { clientOrderId: 'ws-drop-1' });
  expect((await again).at(-1).clientOrderId).toBe('ws-drop-1');
});

test('a wrong secret: the subscription is refused with -1022, ccxt AuthenticationError', async () => {
  const wrong = await spotClient(sim, { secret: 'not-the-secret' });
  try {
    wrong.options.fetchMargins = false; // else loadMarkets already fails on a signed margin list
    await wrong.loadMarkets();
    await expect(wrong.watchOrders(S)).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(sim.requests.records.filter((r) => r.method === 'WS').at(-1)).toMatchObject({ applied: false, status: 400, code: -1022 });
    expect(sim.stream.subscriptionCount()).toBe(0);
  } finally {
    await wrong.close();
  }
});
