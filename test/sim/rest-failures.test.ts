// Binance's documented failure answers as fault presets, seen through the plain ccxt client and raw
// requests: status, body, whether the venue applied the request, and the request log's record.
// Source: developers.binance.com/docs/derivatives/usds-margined-futures/general-info ("HTTP Return
// Codes", "HTTP 503 Status: Message Variants & Handling") and .../error-code (-1000, -1001, -1007,
// -1008, -1021).
import ccxt from 'ccxt';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { httpStatusOf } from '../../src/venues/ccxt/client.js';
import { binanceClient } from './ccxt-client.js';
import { control } from './control-client.js';
import { publicRequest, signedRequest } from './signed-request.js';

const S = 'BTC/USDT:USDT';
const long = { positionSide: 'LONG' };
let sim: Simulator;
let ex: any;

beforeAll(async () => {
  sim = await startSimulator({ seed: 21 });
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

const preset = (name: string, extra: Record<string, unknown> = {}) =>
  control(sim, 'POST', '/faults', { rest: [{ kind: 'preset', preset: name, path: '/fapi/v1/order', method: 'POST', ...extra }] });
const lastRecord = () => sim.requests.records[sim.requests.records.length - 1]!;
const ordersIn = async () => (await control(sim, 'GET', '/state')).orders.map((o: any) => o.clientOrderId);

describe('503 "Unknown error, please check your request or try again later." (execution status unknown)', () => {
  test('apply: true -> HTTP 503, code -1000, the order exists; the log says applied', async () => {
    await preset('unknown_503', { apply: true });
    const error = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'u-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.OperationFailed);
    expect(httpStatusOf(error)).toBe(503);
    expect(String(error.message)).toContain('Unknown error, please check your request or try again later.');
    expect(await ordersIn()).toEqual(['u-1']);
    expect(lastRecord()).toMatchObject({ path: '/fapi/v1/order', fault: 'preset', preset: 'unknown_503', applied: true, status: 503, code: -1000 });
  });

  test('apply: false -> the same answer, nothing applied', async () => {
    await preset('unknown_503', { apply: false });
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'u-2' })).rejects.toThrow(/Unknown error, please check/);
    expect(await ordersIn()).toEqual([]);
    expect(lastRecord()).toMatchObject({ applied: false, status: 503, code: -1000 });
  });
});

describe('documented failures: never applied', () => {
  test('503 "Service Unavailable." is a plain-text failure (ExchangeNotAvailable) and costs no weight', async () => {
    await preset('unavailable_503');
    const before = sim.rateLimits.usedWeight();
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long)).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(await ordersIn()).toEqual([]);
    expect(lastRecord()).toMatchObject({ applied: false, status: 503 });
    expect(lastRecord().code).toBeUndefined();
    // "Rate-limit counting: not counted" (the state call above goes to the control API, not counted either).
    expect(sim.rateLimits.usedWeight()).toBe(before);
    sim.faults.addRest({ kind: 'preset', preset: 'unavailable_503', path: '/fapi/v1/premiumIndex' });
    const res = await publicRequest(sim, '/fapi/v1/premiumIndex', { symbol: 'BTCUSDT' });
    expect(res.status).toBe(503);
    expect(res.text).toBe('Service Unavailable.');
  });

  test('503 "Internal error; unable to process your request. Please try again." is -1001, not applied; a resend succeeds', async () => {
    await preset('internal_503');
    const error = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'i-1' }).catch((e: unknown) => e);
    expect(httpStatusOf(error)).toBe(503);
    expect(String(error.message)).toContain('"code":-1001');
    expect(await ordersIn()).toEqual([]);
    expect(lastRecord()).toMatchObject({ applied: false, status: 503, code: -1001 });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'i-1' });
    expect(await ordersIn()).toEqual(['i-1']);
  });

  test('a failure preset cannot be applied: the control API refuses the rule', async () => {
    for (const name of ['unavailable_503', 'internal_503', 'overloaded_1008']) {
      await expect(preset(name, { apply: true })).rejects.toThrow(/cannot be applied/);
    }
    await expect(preset('no_such_preset')).rejects.toThrow(/unknown preset/);
  });
});

describe('-1000 and the 408 timeouts (-1007): the outcome is unknown, the rule says which', () => {
  test('unknown_1000: HTTP 500 with -1000, applied when the rule says so', async () => {
    await preset('unknown_1000', { apply: true });
    const error = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'k-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.OperationFailed);
    expect(httpStatusOf(error)).toBe(500);
    expect(await ordersIn()).toEqual(['k-1']);
    expect(lastRecord()).toMatchObject({ applied: true, status: 500, code: -1000 });
  });

  test('timeout_1007: HTTP 408 with -1007 "Send status unknown; execution status unknown." (RequestTimeout), applied', async () => {
    await preset('timeout_1007', { apply: true });
    const error = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 't-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.RequestTimeout);
    expect(httpStatusOf(error)).toBe(408);
    expect(String(error.message)).toContain('"code":-1007');
    expect(await ordersIn()).toEqual(['t-1']);
    expect(lastRecord()).toMatchObject({ applied: true, status: 408, code: -1007 });
  });

  test('408 without a code (RequestTimeout), not applied', async () => {
    await preset('408');
    const error = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 't-2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.RequestTimeout);
    expect(httpStatusOf(error)).toBe(408);
    expect(await ordersIn()).toEqual([]);
    expect(lastRecord()).toMatchObject({ applied: false, status: 408 });
  });

  test('a cancel that was applied behind a 503 unknown: the order is canceled', async () => {
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'c-1' });
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'preset', preset: 'unknown_503', path: '/fapi/v1/order', method: 'DELETE', apply: true }] });
    await expect(ex.cancelOrder(undefined, S, { clientOrderId: 'c-1' })).rejects.toThrow(/Unknown error/);
    expect((await control(sim, 'GET', '/state')).orders[0].status).toBe('CANCELED');
  });
});

describe('503 -1008 "Request throttled by system-level protection" (reduce-only / close-position exempt)', () => {
  test('an opening order is refused and not applied; the rule does not count', async () => {
    await preset('overloaded_1008');
    const before = sim.rateLimits.usedWeight();
    const error = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'o-1' }).catch((e: unknown) => e);
    expect(httpStatusOf(error)).toBe(503);
    expect(String(error.message)).toContain('"code":-1008');
    expect(String(error.message)).toContain('Reduce-only/close-position orders are exempt');
    expect(await ordersIn()).toEqual([]);
    expect(lastRecord()).toMatchObject({ applied: false, status: 503, code: -1008, fault: 'preset' });
    expect(sim.rateLimits.usedWeight()).toBe(before);
  });

  test('a closing order (LONG+SELL in hedge mode) goes through and leaves the rule armed for the next opening one', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.02', entryPrice: '65000' });
    await preset('overloaded_1008');
    await ex.createOrder(S, 'limit', 'sell', 0.01, 70000, { ...long, clientOrderId: 'close-1' });
    expect(lastRecord()).toMatchObject({ applied: true, status: 200 });
    expect(lastRecord().fault).toBeUndefined();
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 'open-1' })).rejects.toThrow(/-1008/);
    expect(await ordersIn()).toEqual(['close-1']);
  });

  test('one-way mode: reduceOnly=true is exempt; a batch is exempt only when every order reduces', async () => {
    const oneWay = await startSimulator({ seed: 22, positionMode: 'one_way' });
    const ow = await binanceClient(oneWay);
    try {
      await control(oneWay, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'BOTH', positionAmt: '0.03', entryPrice: '65000' });
      await ow.loadMarkets();
      // One rule on every /fapi/v1 path and method: only the requests that are not exempt consume it.
      oneWay.faults.addRest({ kind: 'preset', preset: 'overloaded_1008', path: '/fapi/v1', count: 5 });
      await ow.createOrder(S, 'limit', 'sell', 0.01, 70000, { reduceOnly: true, clientOrderId: 'ro-1' });
      await ow.createOrders([
        { symbol: S, type: 'limit', side: 'sell', amount: 0.01, price: 70100, params: { reduceOnly: true } },
        { symbol: S, type: 'limit', side: 'sell', amount: 0.01, price: 70200, params: { reduceOnly: true } },
      ]);
      expect(oneWay.engine.orders.size).toBe(3);
      await expect(ow.createOrders([
        { symbol: S, type: 'limit', side: 'sell', amount: 0.01, price: 70300, params: { reduceOnly: true } },
        { symbol: S, type: 'limit', side: 'buy', amount: 0.01, price: 60000 },
      ])).rejects.toThrow(/-1008/);
      // Cancels are exempt too.
      await ow.cancelOrder(undefined, S, { clientOrderId: 'ro-1' });
      expect(oneWay.faults.rest[0]!.remaining).toBe(4);
      expect(oneWay.engine.orders.size).toBe(3);
    } finally {
      await ow.close();
      await oneWay.close();
    }
  });
});

describe('existing fault kinds keep working next to the presets', () => {
  test('status with apply, reject and rate_limit', async () => {
    await control(sim, 'POST', '/faults', { rest: [
      { kind: 'status', path: '/fapi/v1/order', method: 'POST', status: 503, code: -1001, apply: true },
      { kind: 'reject', path: '/fapi/v1/order', method: 'POST', code: -1000 },
      { kind: 'rate_limit', path: '/fapi/v1/order', method: 'POST', status: 429, retryAfterSec: 3 },
    ] });
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 's-1' })).rejects.toThrow(/-1001/);
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 's-2' })).rejects.toBeInstanceOf(ccxt.OperationFailed);
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { ...long, clientOrderId: 's-3' })).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    expect(await ordersIn()).toEqual(['s-1']);
    expect(sim.requests.records.slice(-3).map((r) => [r.fault, r.applied, r.status, r.code])).toEqual([
      ['status', true, 503, -1001], ['reject', false, 400, -1000], ['rate_limit', false, 429, -1003],
    ]);
  });
});

describe('-1021: the timestamp outside recvWindow or ahead of the server (general-info "Timing Security")', () => {
  test('a request 1 s ahead and one older than recvWindow are refused with -1021, never applied', async () => {
    const ahead = await signedRequest(sim, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.01', price: '60000', positionSide: 'LONG', timeInForce: 'GTC' }, { timestamp: Date.now() + 5_000 });
    expect(ahead.status).toBe(400);
    expect(ahead.body).toEqual({ code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." });
    expect(lastRecord()).toMatchObject({ applied: false, status: 400, code: -1021 });
    const stale = await signedRequest(sim, 'GET', '/fapi/v3/account', { recvWindow: 2000 }, { timestamp: Date.now() - 10_000 });
    expect(stale.body).toEqual({ code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
    expect(await ordersIn()).toEqual([]);
  });

  test('under a clock-skew fault ccxt sees InvalidNonce; the log records -1021', async () => {
    await control(sim, 'POST', '/faults', { clockSkewMs: -30_000 });
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long)).rejects.toBeInstanceOf(ccxt.InvalidNonce);
    expect(lastRecord()).toMatchObject({ path: '/fapi/v1/order', applied: false, code: -1021 });
    expect(await ordersIn()).toEqual([]);
  });
});
