// The simulator faults that test whether evidence survives: a 5xx that was applied anyway, finished
// orders the venue no longer serves (retention window), failing lookups, and fill history. Driven
// by the plain ccxt client, the way the real venue would be seen.
import ccxt from 'ccxt';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control } from './control-client.js';

const S = 'BTC/USDT:USDT';
const long = { positionSide: 'LONG' };
let sim: Simulator;
let ex: any;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await control(sim, 'POST', '/reset', {});
  ex = await binanceClient(sim, { timeout: 1500 });
  await ex.loadMarkets();
});
afterEach(async () => {
  await ex.close();
});

describe('a 5xx that was applied (status fault with apply: true)', () => {
  test('POST /fapi/v1/order: the order exists, yet the answer is 503 with the given code', async () => {
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', path: '/fapi/v1/order', method: 'POST', status: 503, code: -1001, apply: true }] });
    const error = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'applied-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.BaseError);
    expect(String(error.message)).toContain('"code":-1001');
    const state = await control(sim, 'GET', '/state');
    expect(state.orders.map((o: any) => [o.clientOrderId, o.status])).toEqual([['applied-1', 'NEW']]);
    expect((await ex.fetchOrder(undefined, S, { clientOrderId: 'applied-1' })).status).toBe('open');
  });

  test('raw answer: HTTP 503, Binance JSON body; the default message is the documented "unknown" one', async () => {
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', path: '/fapi/v1/premiumIndex', status: 503, code: -1000, apply: true }] });
    const res = await fetch(`${sim.rest}/fapi/v1/premiumIndex?symbol=BTCUSDT`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ code: -1000, msg: 'Unknown error, please check your request or try again later.' });
  });

  test('POST /fapi/v1/algoOrder: the stop exists once, and the error is not a definite rejection', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', path: '/fapi/v1/algoOrder', method: 'POST', status: 503, code: -1001, apply: true }] });
    await expect(ex.createOrder(S, 'market', 'sell', undefined, undefined, { ...long, stopLossPrice: 63000, closePosition: true, clientOrderId: 'sl-1' })).rejects.toThrow(/-1001/);
    const state = await control(sim, 'GET', '/state');
    expect(state.algoOrders.map((a: any) => [a.clientAlgoId, a.algoStatus])).toEqual([['sl-1', 'NEW']]);
  });

  test('without apply (the default) nothing is applied', async () => {
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', path: '/fapi/v1/order', method: 'POST', status: 503, code: -1001 }] });
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long)).rejects.toThrow(/-1001/);
    expect((await control(sim, 'GET', '/state')).orders).toEqual([]);
  });

  test('DELETE with apply: the cancel happened', async () => {
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'c-1' });
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', path: '/fapi/v1/order', method: 'DELETE', status: 503, apply: true }] });
    await expect(ex.cancelOrder(undefined, S, { clientOrderId: 'c-1' })).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect((await control(sim, 'GET', '/state')).orders[0].status).toBe('CANCELED');
  });
});

describe('lookups that fail, and finished orders no longer served', () => {
  test('a status fault on GET /fapi/v1/order fails N lookups, then the order is served', async () => {
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'q-1' });
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', path: '/fapi/v1/order', method: 'GET', status: 503, code: -1000, count: 2 }] });
    await expect(ex.fetchOrder(undefined, S, { clientOrderId: 'q-1' })).rejects.toThrow(/-1000/);
    await expect(ex.fetchOrder(undefined, S, { clientOrderId: 'q-1' })).rejects.toThrow(/-1000/);
    expect((await ex.fetchOrder(undefined, S, { clientOrderId: 'q-1' })).status).toBe('open');
  });

  test('the algo query fails the same way (GET /fapi/v1/algoOrder)', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    await ex.createOrder(S, 'market', 'sell', undefined, undefined, { ...long, stopLossPrice: 63000, closePosition: true, clientOrderId: 'sl-q' });
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', path: '/fapi/v1/algoOrder', method: 'GET', status: 503, code: -1000 }] });
    await expect(ex.fetchOrder(undefined, S, { clientOrderId: 'sl-q', trigger: true })).rejects.toThrow(/-1000/);
    expect((await ex.fetchOrder(undefined, S, { clientOrderId: 'sl-q', trigger: true })).info.algoStatus).toBe('NEW');
  });

  test('forgetFinished: finished orders answer -2013 (OrderNotFound), open ones are served, userTrades keeps the fills', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'open-1' });
    await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { ...long, clientOrderId: 'filled-1' });
    await ex.createOrder(S, 'market', 'sell', undefined, undefined, { ...long, stopLossPrice: 63000, closePosition: true, clientOrderId: 'sl-f' });
    await ex.cancelOrder(undefined, S, { clientOrderId: 'sl-f', trigger: true });
    expect((await ex.fetchOrder(undefined, S, { clientOrderId: 'filled-1' })).status).toBe('closed');

    const faults = await control(sim, 'POST', '/faults', { forgetFinished: true });
    expect(faults.forgetFinished).toBe(true);
    await expect(ex.fetchOrder(undefined, S, { clientOrderId: 'filled-1' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.fetchOrder(undefined, S, { clientOrderId: 'filled-1' })).rejects.toThrow(/-2013/);
    await expect(ex.fetchOrder(undefined, S, { clientOrderId: 'sl-f', trigger: true })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    expect((await ex.fetchOrder(undefined, S, { clientOrderId: 'open-1' })).status).toBe('open');
    const trades = await ex.fetchMyTrades(S);
    const filledId = (await control(sim, 'GET', '/state')).orders.find((o: any) => o.clientOrderId === 'filled-1').orderId;
    expect(trades.map((t: any) => String(t.info.orderId))).toEqual([String(filledId)]);

    await control(sim, 'DELETE', '/faults');
    expect((await ex.fetchOrder(undefined, S, { clientOrderId: 'filled-1' })).status).toBe('closed');
  });
});

describe('userTrades as Binance serves it', () => {
  test('from a start time: the oldest first, at most `limit`; without one the latest; fromId cannot go with a time', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    for (let i = 0; i < 3; i++) await ex.createOrder(S, 'market', 'buy', 0.001, undefined, long);
    const all = sim.engine.trades.map((t) => String(t.id));
    expect(all).toHaveLength(3);
    const fromStart = await ex.fetchMyTrades(S, sim.engine.trades[0]!.time, 2, { endTime: Date.now() });
    expect(fromStart.map((t: any) => String(t.info.id))).toEqual(all.slice(0, 2));
    const latest = await ex.fetchMyTrades(S, undefined, 2);
    expect(latest.map((t: any) => String(t.info.id))).toEqual(all.slice(1));
    await expect(ex.fetchMyTrades(S, Date.now() - 1000, undefined, { fromId: 1 })).rejects.toThrow(/-1128/);
    await expect(ex.fetchMyTrades(S, Date.now() - 8 * 86_400_000, undefined, { endTime: Date.now() })).rejects.toThrow(/-1127/);
  });
});
