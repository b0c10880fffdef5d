// Every REST route ccxt binanceusdm calls, driven by the plain ccxt client.
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control } from './control-client.js';

const S = 'BTC/USDT:USDT';
let sim: Simulator;
let ex: any;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11 });
  ex = await binanceClient(sim);
});
afterAll(async () => {
  await ex.close();
  await sim.close();
});
beforeEach(async () => {
  await control(sim, 'POST', '/reset', {});
});

test('exchangeInfo and time: markets with filters, server time', async () => {
  const markets = await ex.loadMarkets(true);
  const m = markets[S];
  expect(m.precision.price).toBe(0.1);
  expect(m.precision.amount).toBe(0.001);
  expect(m.limits.amount.min).toBe(0.001);
  expect(m.limits.cost.min).toBe(5);
  expect(Math.abs((await ex.fetchTime()) - Date.now())).toBeLessThan(2000);
});

test('account, positionRisk and leverageBracket: balance and seeded positions', async () => {
  await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '64000' });
  const bal = await ex.fetchBalance();
  expect(bal.info.assets[0].walletBalance).toBe('10000');
  expect(bal.USDT.total).toBe(10010); // margin balance: wallet plus the position's unrealized 10
  const [p] = await ex.fetchPositions([S]);
  expect(p).toMatchObject({ symbol: S, side: 'long', contracts: 0.01, entryPrice: 64000, hedged: true });
});

test('regular orders: create, query by id and by client id, amend, list, cancel, cancel all', async () => {
  const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { positionSide: 'LONG', clientOrderId: 'r-1' });
  expect(o).toMatchObject({ status: 'open', clientOrderId: 'r-1', price: 60000, amount: 0.01, type: 'limit', side: 'buy' });
  expect((await ex.fetchOrder(o.id, S)).clientOrderId).toBe('r-1');
  expect((await ex.fetchOrder(undefined, S, { clientOrderId: 'r-1' })).id).toBe(o.id);
  const edited = await ex.editOrder(o.id, S, 'limit', 'buy', 0.02, 60100);
  expect(edited).toMatchObject({ price: 60100, amount: 0.02, status: 'open' });
  expect((await ex.fetchOpenOrders(S)).map((x: any) => x.clientOrderId)).toEqual(['r-1']);
  expect((await ex.cancelOrder(o.id, S)).status).toBe('canceled');
  await ex.createOrder(S, 'limit', 'buy', 0.01, 59000, { positionSide: 'LONG' });
  await ex.createOrder(S, 'limit', 'buy', 0.01, 58000, { positionSide: 'LONG' });
  await ex.cancelAllOrders(S);
  expect(await ex.fetchOpenOrders(S)).toEqual([]);
});

test('algo orders: conditional types go to /algoOrder; query, list, cancel, cancel all', async () => {
  await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '64000' });
  const sl = await ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 63000, closePosition: true, positionSide: 'LONG', clientOrderId: 'sl-1' });
  expect(sl).toMatchObject({ status: 'open', clientOrderId: 'sl-1', triggerPrice: 63000 });
  const tp = await ex.createOrder(S, 'market', 'sell', 0.01, undefined, { takeProfitPrice: 67000, positionSide: 'LONG', clientOrderId: 'tp-1' });
  expect(tp.triggerPrice).toBe(67000);
  expect(await ex.fetchOpenOrders(S)).toEqual([]); // algo orders are not regular open orders
  const algos = await ex.fetchOpenOrders(S, undefined, undefined, { trigger: true });
  expect(algos.map((x: any) => x.clientOrderId).sort()).toEqual(['sl-1', 'tp-1']);
  expect((await ex.fetchOrder(sl.id, S, { trigger: true })).clientOrderId).toBe('sl-1');
  expect((await ex.fetchOrder(undefined, S, { trigger: true, clientOrderId: 'tp-1' })).id).toBe(tp.id);
  expect((await ex.cancelOrder(sl.id, S, { trigger: true })).status).toBe('canceled');
  await ex.cancelAllOrders(S, { trigger: true });
  expect(await ex.fetchOpenOrders(S, undefined, undefined, { trigger: true })).toEqual([]);
});

test('market orders fill at the mark; userTrades lists the fills with fees', async () => {
  const o = await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { positionSide: 'LONG', clientOrderId: 'm-1' });
  expect(o).toMatchObject({ status: 'closed', filled: 0.01, average: 65000 });
  const trades = await ex.fetchMyTrades(S);
  expect(trades).toHaveLength(1);
  expect(trades[0]).toMatchObject({ order: o.id, side: 'buy', price: 65000, amount: 0.01, takerOrMaker: 'taker' });
  expect(trades[0].fee.cost).toBeCloseTo(0.26, 10);
  const [p] = await ex.fetchPositions([S]);
  expect(p).toMatchObject({ contracts: 0.01, entryPrice: 65000 });
});

test('listenKey: created by the first watch, kept alive by PUT, rejected once unknown', async () => {
  const key = await ex.fapiPrivatePostListenKey();
  expect(typeof key.listenKey).toBe('string');
  await expect(ex.fapiPrivatePutListenKey()).resolves.toEqual({});
  sim.stream.expireAll();
  const { default: ccxt } = await import('ccxt');
  await expect(ex.fapiPrivatePutListenKey()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
});
