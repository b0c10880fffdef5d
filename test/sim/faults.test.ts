// Every fault, seen by the plain ccxt client the way the real venue's would be (error classes
// after the per-URL error-table fix, closed sockets, timeouts).
import ccxt from 'ccxt';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control, sleep, within } from './control-client.js';

const S = 'BTC/USDT:USDT';
let sim: Simulator;
let ex: any;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await control(sim, 'POST', '/reset', {});
  ex = await binanceClient(sim, { timeout: 1000 });
  await ex.loadMarkets();
});
afterEach(async () => {
  await ex.close();
});

const long = { positionSide: 'LONG' };

describe('venue error codes map to ccxt classes', () => {
  test.each([
    ['-2019 margin insufficient', () => ex.createOrder(S, 'limit', 'buy', 100, 60000, long), ccxt.InsufficientFunds],
    ['-4164 notional too small', () => ex.createOrder(S, 'limit', 'buy', 0.001, 1000, long), ccxt.InvalidOrder],
    ['-2011 cancel of an unknown order', () => ex.cancelOrder('123', S), ccxt.OrderNotFound],
    ['-2013 query of an unknown order', () => ex.fetchOrder('123', S), ccxt.OrderNotFound],
    ['-2022 closing order with nothing to close (hedge mode)', () => ex.createOrder(S, 'limit', 'sell', 0.01, 66000, long), ccxt.InvalidOrder],
    ['-1106 explicit reduceOnly in hedge mode', () => ex.createOrder(S, 'limit', 'sell', 0.01, 66000, { ...long, reduceOnly: true }), ccxt.BadRequest],
    ['-2021 conditional order that would trigger at once', () => ex.createOrder(S, 'market', 'sell', 0.01, undefined, { ...long, stopLossPrice: 66000 }), ccxt.OrderImmediatelyFillable],
    ['-4120 conditional type on the regular endpoint', () => ex.fapiPrivatePostOrder({ symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', quantity: '0.01', stopPrice: '60000', positionSide: 'LONG' }), ccxt.ExchangeError],
  ])('%s', async (_name, call, cls) => {
    await expect(call()).rejects.toBeInstanceOf(cls);
  });

  test('-4116 duplicate client order id (InvalidOrder) and -20132 duplicate client algo id (BadRequest)', async () => {
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'dup' });
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'dup' })).rejects.toThrow(/-4116/);
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'dup' })).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    await ex.createOrder(S, 'market', 'sell', undefined, undefined, { ...long, stopLossPrice: 60000, closePosition: true, clientOrderId: 'dup-a' });
    await expect(ex.createOrder(S, 'market', 'sell', undefined, undefined, { ...long, stopLossPrice: 60000, closePosition: true, clientOrderId: 'dup-a' })).rejects.toBeInstanceOf(ccxt.BadRequest);
  });

  test('-1022 bad signature and -2015 bad API key are authentication errors', async () => {
    const badSecret = await binanceClient(sim, { secret: 'not-the-secret' });
    await expect(badSecret.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    await badSecret.close();
    const badKey = await binanceClient(sim, { apiKey: 'not-the-key' });
    await expect(badKey.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    await badKey.close();
  });

  test('-1021 timestamp outside the window under clock skew (InvalidNonce)', async () => {
    await control(sim, 'POST', '/faults', { clockSkewMs: -20_000 });
    await expect(ex.fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
    await control(sim, 'POST', '/faults', { clockSkewMs: 20_000 });
    await expect(ex.fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
  });

  test('a forced reject code for the next N requests on a path', async () => {
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'reject', path: '/fapi/v1/order', method: 'POST', code: -1000, msg: 'An unknown error occurred.', count: 2 }] });
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long)).rejects.toBeInstanceOf(ccxt.OperationFailed);
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long)).rejects.toBeInstanceOf(ccxt.OperationFailed);
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long)).resolves.toMatchObject({ status: 'open' });
    expect((await control(sim, 'GET', '/state')).orders).toHaveLength(1); // the rejected ones were never applied
  });
});

describe('transport faults', () => {
  test('429 and 418 with Retry-After are rate limits (DDoSProtection); the header is sent', async () => {
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'rate_limit', path: '/fapi/v3/account', status: 429, retryAfterSec: 7 }, { kind: 'rate_limit', path: '/fapi/v3/account', status: 418, retryAfterSec: 120 }] });
    await expect(ex.fetchBalance()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    const raw = await fetch(`${sim.rest}/fapi/v3/account`, { headers: { 'X-MBX-APIKEY': sim.apiKey } });
    expect(raw.status).toBe(418);
    expect(raw.headers.get('retry-after')).toBe('120');
  });

  test('5xx without a JSON body is ExchangeNotAvailable; nothing is applied', async () => {
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', path: '/fapi/v1/order', method: 'POST', status: 503 }] });
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long)).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect((await control(sim, 'GET', '/state')).orders).toEqual([]);
  });

  test('applied then timed out: RequestTimeout, yet the order exists (unknown outcome)', async () => {
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'timeout_after_apply', path: '/fapi/v1/order', method: 'POST' }] });
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'lost-1' })).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    expect((await ex.fetchOrder(undefined, S, { clientOrderId: 'lost-1' })).status).toBe('open');
  });

  test('applied then connection reset: NetworkError, yet the order exists', async () => {
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'reset_after_apply', path: '/fapi/v1/order', method: 'POST' }] });
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'reset-1' })).rejects.toBeInstanceOf(ccxt.NetworkError);
    expect((await ex.fetchOrder(undefined, S, { clientOrderId: 'reset-1' })).status).toBe('open');
  });

  test('used weight is reported per minute', async () => {
    const res = await fetch(`${sim.rest}/fapi/v1/exchangeInfo`);
    expect(Number(res.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(0);
  });
});

describe('stream faults', () => {
  // Returns the pending watch wrapped: awaiting a bare promise here would wait for its result.
  async function watching(): Promise<{ pending: Promise<unknown> }> {
    const pending = ex.watchOrders(S);
    pending.catch(() => undefined);
    for (let i = 0; i < 50 && sim.stream.connectionCount() === 0; i++) await sleep(20);
    return { pending };
  }

  test('a dropped connection (no close frame) rejects the pending watch with NetworkError', async () => {
    const { pending } = await watching();
    await control(sim, 'POST', '/stream/drop');
    await expect(pending).rejects.toBeInstanceOf(ccxt.NetworkError);
  });

  test('a closed connection (close frame 1001) rejects the pending watch with NetworkError', async () => {
    const { pending } = await watching();
    await control(sim, 'POST', '/stream/close');
    await expect(pending).rejects.toThrow(/1001/);
  });

  test('a silent stream stays open and delivers nothing', async () => {
    const { pending } = await watching();
    await control(sim, 'POST', '/faults', { stream: { silent: true } });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long);
    expect(await within(pending, 500)).toBe('pending');
    expect(sim.stream.connectionCount()).toBe(1);
  });

  test('duplicated, reordered and delayed rows (seen on a raw socket)', async () => {
    const { listenKey } = await ex.fapiPrivatePostListenKey();
    const socket = new WebSocket(`${sim.ws}/private/ws?listenKey=${listenKey}`);
    const got: any[] = [];
    socket.on('message', (m) => got.push(JSON.parse(String(m))));
    await new Promise((r) => socket.once('open', r));
    await control(sim, 'POST', '/faults', { stream: { duplicate: true } });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'd-1' });
    await sleep(100);
    expect(got.filter((e) => e.o?.c === 'd-1')).toHaveLength(2);
    got.length = 0;
    await control(sim, 'POST', '/faults', { stream: { duplicate: false, reorder: true } });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'r-1' });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'r-2' });
    await sleep(100);
    expect(got.map((e) => e.o.c)).toEqual(['r-2', 'r-1']);
    got.length = 0;
    await control(sim, 'POST', '/faults', { stream: { reorder: false, delayMs: 300 } });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'late-1' });
    await sleep(100);
    expect(got).toEqual([]);
    await sleep(400);
    expect(got.map((e) => e.o.c)).toEqual(['late-1']);
    socket.close();
  });
});
