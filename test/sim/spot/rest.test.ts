// The spot simulator's REST side through the real ccxt 4.5.84 `binance` client (defaultType spot):
// markets, balances, a market buy and its commission, a locked limit buy and its cancel by client
// id, insufficient balance, a wrong secret and an injected 5xx.
import ccxt from 'ccxt';
import { startSpotSimulator, type SpotSimulator } from '../../../src/sim/spot/server.js';
import { leaves, spotClient } from './spot-client.js';

const S = 'BTC/USDT';
let sim: SpotSimulator;
let ex: any;

beforeAll(async () => {
  sim = await startSpotSimulator({ seed: 7 });
  ex = await spotClient(sim);
});
afterAll(async () => {
  await ex.close();
  await sim.close();
});
beforeEach(() => sim.reset());

test('every URL of the client is on the simulator, and loadMarkets calls exchangeInfo and the margin pair lists', async () => {
  for (const [key, url] of leaves(ex.urls.api)) expect([key, url.startsWith('http://127.0.0.1:') || url.startsWith('ws://127.0.0.1:')]).toEqual([key, true]);
  const markets = await ex.loadMarkets(true);
  expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
  expect(markets[S]).toMatchObject({ id: 'BTCUSDT', type: 'spot', spot: true, base: 'BTC', quote: 'USDT', active: true });
  expect(markets[S].precision).toMatchObject({ price: 0.01, amount: 0.00001 });
  expect(markets[S].limits).toMatchObject({ amount: { min: 0.00001, max: 9000 }, cost: { min: 5 } });
  // with keys set, ccxt's default options.fetchMargins also asks for the margin pair lists
  expect(sim.requests.records.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /api/v3/exchangeInfo', 'GET /sapi/v1/margin/allPairs', 'GET /sapi/v1/margin/isolated/allPairs']);
});

test('fetchBalance: the configured balances, free and locked', async () => {
  const b = await ex.fetchBalance();
  expect(b.USDT).toEqual({ free: 10000, used: 0, total: 10000 });
  expect(b.BTC).toEqual({ free: 0, used: 0, total: 0 });
  expect(b.info).toMatchObject({ canTrade: true, accountType: 'SPOT', commissionRates: { maker: '0.00100000', taker: '0.00100000' } });
  expect(b.info.balances.find((x: any) => x.asset === 'USDT')).toEqual({ asset: 'USDT', free: '10000.00000000', locked: '0.00000000' });
});

test('a MARKET buy fills at the last price; the fee is taken from the BTC received', async () => {
  const o = await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { clientOrderId: 'mkt-buy-1' });
  expect(o).toMatchObject({ clientOrderId: 'mkt-buy-1', status: 'closed', type: 'market', side: 'buy', amount: 0.01, filled: 0.01, average: 65000, cost: 650 });
  expect(o.trades).toHaveLength(1);
  const trades = await ex.fetchMyTrades(S);
  expect(trades).toHaveLength(1);
  expect(trades[0]).toMatchObject({ order: o.id, side: 'buy', price: 65000, amount: 0.01, cost: 650, takerOrMaker: 'taker', fee: { currency: 'BTC', cost: 0.00001 } });
  expect(trades[0].info).toMatchObject({ orderListId: -1, qty: '0.01000000', quoteQty: '650.00000000', commission: '0.00001000', commissionAsset: 'BTC', isBuyer: true, isMaker: false });
  const b = await ex.fetchBalance();
  const raw = (a: string) => b.info.balances.find((x: any) => x.asset === a);
  expect(raw('BTC')).toEqual({ asset: 'BTC', free: '0.00999000', locked: '0.00000000' }); // 0.01 - 0.1 %
  expect(raw('USDT')).toEqual({ asset: 'USDT', free: '9350.00000000', locked: '0.00000000' }); // 10000 - 65000 x 0.01
  const fetched = await ex.fetchOrder(undefined, S, { clientOrderId: 'mkt-buy-1' });
  expect(fetched).toMatchObject({ id: o.id, status: 'closed', filled: 0.01, cost: 650 });
});

test('a LIMIT buy locks price x quantity of USDT; cancelling it by client id unlocks it', async () => {
  const o = await ex.createOrder(S, 'limit', 'buy', 0.02, 60000, { clientOrderId: 'lim-buy-1' });
  expect(o).toMatchObject({ clientOrderId: 'lim-buy-1', status: 'open', filled: 0, price: 60000 });
  let b = await ex.fetchBalance();
  expect(b.USDT).toEqual({ free: 8800, used: 1200, total: 10000 });
  const open = await ex.fetchOpenOrders(S);
  expect(open.map((x: any) => x.clientOrderId)).toEqual(['lim-buy-1']);
  const c = await ex.cancelOrder(undefined, S, { clientOrderId: 'lim-buy-1' });
  expect(c).toMatchObject({ id: o.id, status: 'canceled' });
  // Binance answers a cancel with the order's id as origClientOrderId and the cancel's own id as
  // clientOrderId, which is the one ccxt's parseOrder reports.
  expect(c.info.origClientOrderId).toBe('lim-buy-1');
  expect(c.clientOrderId).toBe(c.info.clientOrderId);
  expect(c.clientOrderId).not.toBe('lim-buy-1');
  b = await ex.fetchBalance();
  expect(b.USDT).toEqual({ free: 10000, used: 0, total: 10000 });
  expect(await ex.fetchOpenOrders(S)).toEqual([]);
  await expect(ex.cancelOrder(undefined, S, { clientOrderId: 'lim-buy-1' })).rejects.toThrow(/-2011/);
});

test('insufficient free balance: -2010, ccxt InsufficientFunds, nothing placed', async () => {
  await expect(ex.createOrder(S, 'limit', 'buy', 1, 60000)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
  await expect(ex.createOrder(S, 'market', 'sell', 0.01)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
  const last = sim.requests.records.at(-1)!;
  expect(last).toMatchObject({ method: 'POST', path: '/api/v3/order', status: 400, code: -2010 });
  expect(await ex.fetchOpenOrders(S)).toEqual([]);
  expect((await ex.fetchBalance()).USDT.free).toBe(10000);
});

test('a wrong secret is an AuthenticationError (-1022); a wrong API key too (-2015)', async () => {
  const wrong = await spotClient(sim, { secret: 'not-the-secret' });
  const badKey = await spotClient(sim, { apiKey: 'not-the-key' });
  try {
    // With keys, loadMarkets itself signs (ccxt's fetchMargins asks for the margin pair lists).
    await expect(wrong.loadMarkets()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(sim.requests.records.at(-1)).toMatchObject({ path: expect.stringMatching(/^\/sapi\/v1\/margin\//), applied: false, code: -1022 });
    wrong.options.fetchMargins = false;
    await wrong.loadMarkets(true);
    await expect(wrong.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(sim.requests.records.at(-1)).toMatchObject({ path: '/api/v3/account', applied: false, code: -1022 });
    badKey.options.fetchMargins = false;
    await expect(badKey.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(sim.requests.records.at(-1)).toMatchObject({ path: '/api/v3/account', applied: false, status: 401, code: -2015 });
  } finally {
    await wrong.close();
    await badKey.close();
  }
});

test('faults: a 503 is ExchangeNotAvailable; an applied-then-hung order times out but exists', async () => {
  sim.faults.addRest({ kind: 'status', status: 503, path: '/api/v3/account' });
  await expect(ex.fetchBalance()).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
  expect((await ex.fetchBalance()).USDT.free).toBe(10000); // one request only

  const slow = await spotClient(sim, { timeout: 400 });
  try {
    await slow.loadMarkets();
    sim.faults.addRest({ kind: 'timeout_after_apply', method: 'POST', path: '/api/v3/order' });
    await expect(slow.createOrder(S, 'limit', 'buy', 0.01, 60000, { clientOrderId: 'hung-1' })).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    const o = await ex.fetchOrder(undefined, S, { clientOrderId: 'hung-1' });
    expect(o.status).toBe('open');
  } finally {
    await slow.close();
  }

  sim.faults.addRest({ kind: 'reject', code: -1003, status: 429, path: '/api/v3/openOrders' });
  await expect(ex.fetchOpenOrders(S)).rejects.toBeInstanceOf(ccxt.DDoSProtection);
});

test('STOP_LOSS_LIMIT through createOrder(stopLossPrice): locks BTC, triggers on the last price and fills', async () => {
  await ex.createOrder(S, 'market', 'buy', 0.1);
  const sl = await ex.createOrder(S, 'limit', 'sell', 0.05, 59000, { stopLossPrice: 60000, clientOrderId: 'sl-only-1' });
  expect(sl.info).toMatchObject({ type: 'STOP_LOSS_LIMIT' });
  let b = await ex.fetchBalance();
  expect(b.BTC.used).toBe(0.05);
  let o = await ex.fetchOrder(sl.id, S);
  expect(o).toMatchObject({ status: 'open', triggerPrice: 60000, type: 'limit' });
  expect(o.info.isWorking).toBe(false);
  sim.engine.setPrice('BTCUSDT', '59500');
  o = await ex.fetchOrder(sl.id, S);
  expect(o).toMatchObject({ status: 'closed', filled: 0.05, average: 59500 });
  b = await ex.fetchBalance();
  expect(b.BTC.used).toBe(0);
  expect(b.BTC.free).toBeCloseTo(0.0999 - 0.05, 10);
});
