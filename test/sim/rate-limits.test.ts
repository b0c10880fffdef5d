// Request weights, order counts and the enforced limits, as Binance documents them
// (developers.binance.com/docs/derivatives/usds-margined-futures/general-info "LIMITS": IP weight
// per minute with X-MBX-USED-WEIGHT-1M, 429 then 418 bans "from 2 minutes to 3 days"; order rate
// limits per account with X-MBX-ORDER-COUNT-10S/-1M; each endpoint page's "Request Weight").
// Limits are small here so the tests stay fast; the venue clock is moved to a minute boundary first
// so a test's requests share one window.
import ccxt from 'ccxt';
import { BINANCE_RATE_LIMITS, RateLimiter } from '../../src/sim/rate-limits.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control } from './control-client.js';
import { alignToMinute, publicRequest, signedRequest } from './signed-request.js';

const S = 'BTC/USDT:USDT';
const long = { positionSide: 'LONG' };
let sim: Simulator;
let ex: any;

beforeAll(async () => {
  sim = await startSimulator({ seed: 31 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await control(sim, 'POST', '/reset', {});
  ex = await binanceClient(sim);
  await ex.loadMarkets();
  alignToMinute(sim);
});
afterEach(async () => {
  await ex.close();
});

/** The used-weight header of ccxt's last answer. */
const usedWeight = () => Number(header('x-mbx-used-weight-1m'));
function header(name: string): string | undefined {
  const h = ex.last_response_headers as Record<string, string>;
  const key = Object.keys(h).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : h[key];
}
/** Weight a call adds to the minute's counter, read from the headers before and after. */
async function weightOf(call: () => Promise<unknown>): Promise<number> {
  const before = sim.rateLimits.usedWeight();
  await call();
  return usedWeight() - before;
}

describe('documented weights in X-MBX-USED-WEIGHT-1M', () => {
  test('each route costs what its page says', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    expect(await weightOf(() => ex.fetchTime())).toBe(1); // Check-Server-Time: 1
    expect(await weightOf(() => ex.loadMarkets(true))).toBe(1); // Exchange-Information: 1
    expect(await weightOf(() => ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long))).toBe(0); // New-Order: 0 on IP
    expect(await weightOf(() => ex.createOrder(S, 'market', 'sell', undefined, undefined, { ...long, stopLossPrice: 60000, closePosition: true }))).toBe(0); // New-Algo-Order: 0
    expect(await weightOf(() => ex.fetchOpenOrders(S))).toBe(1); // Current-All-Open-Orders: 1 with symbol
    expect(await weightOf(() => ex.fetchOpenOrders())).toBe(40); // ... 40 without
    expect(await weightOf(() => ex.fetchOpenOrders(undefined, undefined, undefined, { trigger: true }))).toBe(40); // Current-All-Algo-Open-Orders
    expect(await weightOf(() => ex.fetchBalance())).toBe(5); // Account-Information-V3: 5
    expect(await weightOf(() => ex.fapiPrivateV3GetPositionRisk())).toBe(5); // Position-Information-V3: 5 (ccxt's fetchPositions adds a leverageBracket call)
    expect(await weightOf(() => ex.fapiPrivateGetLeverageBracket())).toBe(1); // Notional-and-Leverage-Brackets: 1
    expect(await weightOf(() => ex.fapiPrivateGetPositionSideDual())).toBe(30); // Get-Current-Position-Mode: 30
    expect(await weightOf(() => ex.fetchMyTrades(S))).toBe(5); // Account-Trade-List: 5
    expect(await weightOf(() => ex.fetchOrders(S))).toBe(5); // All-Orders: 5
    expect(await weightOf(() => ex.fetchOrderBook(S))).toBe(10); // Order-Book: limit 500 (default) costs 10
    expect(await weightOf(() => ex.fetchOrderBook(S, 5))).toBe(2);
    expect(await weightOf(() => ex.fetchOrderBook(S, 1000))).toBe(20);
    expect(await weightOf(() => ex.fetchOHLCV(S, '1m', undefined, 99))).toBe(1); // Kline: [1,100) 1
    expect(await weightOf(() => ex.fetchOHLCV(S, '1m', undefined, 500))).toBe(5); // [500,1000] 5
    expect(await weightOf(() => ex.fetchTicker(S))).toBe(1); // 24hr ticker: 1 with symbol
    expect(await weightOf(() => ex.fetchTradingFee(S))).toBe(20); // User-Commission-Rate: 20
    expect(await weightOf(() => ex.fetchFundingHistory(S))).toBe(30); // Get-Income-History: 30
    const res = await publicRequest(sim, '/fapi/v1/ticker/24hr');
    expect(Number(res.headers.get('x-mbx-used-weight-1m')) - usedWeight()).toBe(40); // 40 without a symbol
  });

  test('X-MBX-ORDER-COUNT-10S and -1M on order answers: New-Order 1 and 1, Place-Multiple-Orders 5 and 1', async () => {
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long);
    expect([header('x-mbx-order-count-10s'), header('x-mbx-order-count-1m')]).toEqual(['1', '1']);
    await ex.createOrders([
      { symbol: S, type: 'limit', side: 'buy', amount: 0.01, price: 60000, params: long },
      { symbol: S, type: 'limit', side: 'buy', amount: 0.01, price: 59000, params: long },
    ]);
    expect([header('x-mbx-order-count-10s'), header('x-mbx-order-count-1m')]).toEqual(['6', '2']);
    await ex.fetchOpenOrders(S);
    expect(header('x-mbx-order-count-10s')).toBeUndefined(); // only order routes carry it
  });
});

describe('enforced IP weight: 429 -1003 with Retry-After, then 418 bans that escalate', () => {
  test('over the minute\'s weight: 429; sending on while told to wait: 418 for 2 minutes, then 4', async () => {
    await control(sim, 'POST', '/rate-limits', { weightPerMinute: 12 });
    await ex.fetchBalance(); // 5
    await ex.fetchBalance(); // 10
    const error = await ex.fetchBalance().catch((e: unknown) => e); // 15 > 12
    expect(error).toBeInstanceOf(ccxt.DDoSProtection);
    expect(String(error.message)).toContain('"code":-1003');
    expect(sim.requests.records.at(-1)).toMatchObject({ path: '/fapi/v3/account', applied: false, status: 429, code: -1003 });
    expect(Number(header('retry-after'))).toBeGreaterThan(0);
    expect(Number(header('retry-after'))).toBeLessThanOrEqual(60);

    // Not backing off: banned.
    const banned = await publicRequest(sim, '/fapi/v1/time');
    expect(banned.status).toBe(418);
    expect(banned.body.code).toBe(-1003);
    expect(banned.body.msg).toMatch(/^Way too many requests; IP banned until \d+\./);
    expect(Number(banned.headers.get('retry-after'))).toBe(120);
    await expect(ex.fetchTime()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    expect(sim.requests.records.at(-1)).toMatchObject({ applied: false, status: 418, code: -1003 });

    // The ban ends on the venue clock; a repeat offender gets a longer one.
    sim.clock.advance(121_000);
    alignToMinute(sim);
    await expect(ex.fetchTime()).resolves.toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) await ex.fetchBalance().catch(() => undefined);
    const again = await publicRequest(sim, '/fapi/v1/time');
    expect(again.status).toBe(418);
    expect(Number(again.headers.get('retry-after'))).toBe(240);
    expect((await control(sim, 'GET', '/rate-limits')).bans).toBe(2);
  });

  test('backing off until Retry-After passes avoids the ban', async () => {
    await control(sim, 'POST', '/rate-limits', { weightPerMinute: 6 });
    await ex.fetchBalance();
    await expect(ex.fetchBalance()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    sim.clock.advance(Number(header('retry-after')) * 1000);
    await expect(ex.fetchBalance()).resolves.toBeDefined();
    expect((await control(sim, 'GET', '/rate-limits')).bans).toBe(0);
  });

  test('bans scale from 2 minutes and stop at 3 days (the limiter on a test clock)', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now, { ...BINANCE_RATE_LIMITS, weightPerMinute: 1 });
    const bans: number[] = [];
    for (let i = 0; i < 14; i++) {
      expect(limiter.admitRequest(2)).toMatchObject({ ok: false, status: 429 });
      const ban = limiter.admitRequest(1);
      if (ban.ok) throw new Error('expected a ban');
      bans.push(ban.retryAfterSec);
      now += ban.retryAfterSec * 1000 + 60_000;
    }
    expect(bans.slice(0, 4)).toEqual([120, 240, 480, 960]);
    expect(Math.max(...bans)).toBe(3 * 24 * 60 * 60);
    expect(bans.at(-1)).toBe(3 * 24 * 60 * 60);
  });
});

describe('enforced order limits: -1015 "Too many new orders"', () => {
  test('over the 10-second count: 429 -1015 (not applied, no ban); the next window accepts again', async () => {
    await control(sim, 'POST', '/rate-limits', { ordersPer10s: 3 });
    for (let i = 0; i < 3; i++) await ex.createOrder(S, 'limit', 'buy', 0.01, 60000 - i * 10, long);
    const error = await ex.createOrder(S, 'limit', 'buy', 0.01, 59000, { ...long, clientOrderId: 'over-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.DDoSProtection);
    expect(String(error.message)).toContain('"code":-1015');
    expect(String(error.message)).toContain('Too many new orders; current limit is 3 orders per 10 SECOND.');
    expect(sim.requests.records.at(-1)).toMatchObject({ applied: false, status: 429, code: -1015 });
    expect(sim.engine.orders.size).toBe(3);
    // Order limits are per account: another order right away is -1015 again, not an IP ban.
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 59000, long)).rejects.toThrow(/-1015/);
    await expect(ex.fetchTime()).resolves.toBeGreaterThan(0);
    sim.clock.advance(10_000);
    await ex.createOrder(S, 'limit', 'buy', 0.01, 59000, { ...long, clientOrderId: 'later-1' });
    expect(sim.engine.orders.size).toBe(4);
  });

  test('over the minute count; a batch costs 1 on the minute limiter', async () => {
    await control(sim, 'POST', '/rate-limits', { ordersPerMinute: 3 });
    await ex.createOrders([
      { symbol: S, type: 'limit', side: 'buy', amount: 0.01, price: 60000, params: long },
      { symbol: S, type: 'limit', side: 'buy', amount: 0.01, price: 59900, params: long },
    ]);
    await ex.createOrder(S, 'limit', 'buy', 0.01, 59800, long);
    await ex.editOrder((await ex.fetchOpenOrders(S))[0].id, S, 'limit', 'buy', 0.02, 60000); // Modify-Order counts 1
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 59700, long)).rejects.toThrow(/current limit is 3 orders per 1 MINUTE/);
    expect(sim.engine.orders.size).toBe(3);
  });
});

describe('configuration', () => {
  test("defaults are Binance's; exchangeInfo advertises the configured limits; reset restores them", async () => {
    expect((await control(sim, 'GET', '/rate-limits')).limits).toEqual({ weightPerMinute: 2400, ordersPer10s: 300, ordersPerMinute: 1200 });
    await control(sim, 'POST', '/rate-limits', { weightPerMinute: 100, ordersPer10s: 7 });
    const info = (await publicRequest(sim, '/fapi/v1/exchangeInfo')).body;
    expect(info.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 7 },
    ]);
    await expect(control(sim, 'POST', '/rate-limits', { weightPerMinute: 0 })).rejects.toThrow(/positive integer/);
    await control(sim, 'POST', '/reset', {});
    expect((await control(sim, 'GET', '/rate-limits')).limits).toEqual({ weightPerMinute: 2400, ordersPer10s: 300, ordersPerMinute: 1200 });
  });

  test('a simulator option sets the limits; DELETE /__sim/rate-limits lifts a ban', async () => {
    const small = await startSimulator({ seed: 32, rateLimits: { weightPerMinute: 3 } });
    try {
      alignToMinute(small);
      for (let i = 0; i < 3; i++) expect((await publicRequest(small, '/fapi/v1/time')).status).toBe(200);
      expect((await publicRequest(small, '/fapi/v1/time')).status).toBe(429);
      expect((await publicRequest(small, '/fapi/v1/time')).status).toBe(418);
      await control(small, 'DELETE', '/rate-limits');
      const ok = await signedRequest(small, 'GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-mbx-used-weight-1m')).toBe('1');
    } finally {
      await small.close();
    }
  });
});
