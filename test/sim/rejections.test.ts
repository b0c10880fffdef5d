// Limits and rejections as Binance documents them, through the plain ccxt client (and its raw
// signed endpoints where ccxt would not send the request). Docs (developers.binance.com/docs/derivatives/
// usds-margined-futures/): error-code; common-definition (MAX_NUM_ORDERS "both algo orders and normal
// orders are counted", MAX_NUM_ALGO_ORDERS, PERCENT_PRICE BUY <= mark × multiplierUp, SELL >= mark ×
// multiplierDown); trade/rest-api (New Order: reduceOnly, closePosition, GTX/IOC/FOK);
// trade/rest-api/Modify-Order; trade/rest-api/New-Algo-Order; change-log 2025-12-29 (200 conditional orders).
import { DEFAULT_SYMBOLS } from '../../src/sim/defaults.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { rawStreamSuite } from './raw-stream-suite.js';
import { binanceClient } from './ccxt-client.js';
import { control } from './control-client.js';
import { codeOf, orderRows, until, type RawStream } from './raw-frames.js';

const S = 'BTC/USDT:USDT';
const E = 'ETH/USDT:USDT';
let sim: Simulator;
let ex: any;
let stream: RawStream;

rawStreamSuite(31, (t) => {
  ({ sim, ex, stream } = t);
});

const long = (amt = '0.01') => control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: amt, entryPrice: '65000' });
const buyStop = (symbol: string, trigger: number, id: string) => ex.createOrder(symbol, 'market', 'buy', 0.01, undefined, { stopLossPrice: trigger, positionSide: 'LONG', clientOrderId: id });

describe('open-order limits', () => {
  test('MAX_NUM_ALGO_ORDERS: the 11th conditional order on a symbol is -4045 "Reach max stop order limit."; other symbols are counted apart', async () => {
    for (let i = 0; i < 10; i++) await buyStop(S, 66000 + i * 10, `s-${i}`);
    await expect(buyStop(S, 67000, 's-10')).rejects.toThrow(/"code":-4045,"msg":"Reach max stop order limit."/);
    await expect(buyStop(E, 3100, 'e-0')).resolves.toMatchObject({ status: 'open' });
    // The account-wide limit (change log 2025-12-29: 200 across all symbols), lowered here to 11.
    await control(sim, 'POST', '/limits', { maxAlgoOrdersTotal: 11 });
    expect(await codeOf(buyStop(E, 3110, 'e-1'))).toBe(-4045);
  });

  test('MAX_NUM_ORDERS: 200 open orders on a symbol, regular and conditional together; the 201st is -2025', async () => {
    for (let i = 0; i < 199; i++) sim.engine.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', price: String(60000 - i), quantity: '0.001', positionSide: 'LONG', owner: 'manual' });
    await buyStop(S, 66000, 'stop-200');
    expect(await codeOf(ex.createOrder(S, 'limit', 'buy', 0.001, 59000, { positionSide: 'LONG' }))).toBe(-2025);
    expect(await codeOf(buyStop(S, 66100, 'stop-201'))).toBe(-2025);
    await ex.cancelOrder((await ex.fetchOpenOrders(S))[0].id, S);
    await expect(ex.createOrder(S, 'limit', 'buy', 0.001, 59000, { positionSide: 'LONG' })).resolves.toMatchObject({ status: 'open' });
  });
});

describe('filters', () => {
  test('PERCENT_PRICE: a BUY above mark × 1.05 is -4016, a SELL below mark × 0.95 is -4024; the bounds themselves pass', async () => {
    expect(await codeOf(ex.createOrder(S, 'limit', 'buy', 0.001, 68250.1, { positionSide: 'LONG' }))).toBe(-4016);
    expect(await codeOf(ex.createOrder(S, 'limit', 'sell', 0.001, 61749.9, { positionSide: 'SHORT' }))).toBe(-4024);
    await expect(ex.createOrder(S, 'limit', 'buy', 0.001, 68250, { positionSide: 'LONG' })).resolves.toBeDefined();
    await expect(ex.createOrder(S, 'limit', 'sell', 0.001, 61750, { positionSide: 'SHORT' })).resolves.toBeDefined();
    // Judged on the mark, not the last price.
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', last: '70000' });
    expect(await codeOf(ex.createOrder(S, 'limit', 'buy', 0.001, 68300, { positionSide: 'LONG' }))).toBe(-4016);
  });

  test('quantity below minQty is -4004, above maxQty -4005 (error-code page)', async () => {
    const small = await startSimulator({ seed: 3, symbols: [{ ...DEFAULT_SYMBOLS[0]!, minQty: '0.005' }] });
    const c = await binanceClient(small);
    try {
      const order = (quantity: string) => c.fapiPrivatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity, positionSide: 'LONG' });
      expect(await codeOf(order('0.002'))).toBe(-4004);
      expect(await codeOf(order('1001'))).toBe(-4005);
      expect(await codeOf(order('0.005'))).toBe('resolved');
    } finally {
      await c.close();
      await small.close();
    }
  });
});

describe('closing more than the position', () => {
  test('hedge mode: closing orders of a side may not together exceed the position (-2022); nothing to close is -2022', async () => {
    await long();
    expect(await codeOf(ex.createOrder(S, 'limit', 'sell', 0.02, 66000, { positionSide: 'LONG' }))).toBe(-2022);
    await ex.createOrder(S, 'limit', 'sell', 0.006, 66000, { positionSide: 'LONG' });
    expect(await codeOf(ex.createOrder(S, 'limit', 'sell', 0.005, 66100, { positionSide: 'LONG' }))).toBe(-2022);
    await expect(ex.createOrder(S, 'limit', 'sell', 0.004, 66100, { positionSide: 'LONG' })).resolves.toMatchObject({ status: 'open' });
    expect(await codeOf(ex.createOrder(S, 'market', 'buy', 0.001, undefined, { positionSide: 'SHORT' }))).toBe(-2022);
  });

  test('one-way mode: a reduce-only order that with the opening orders of its side would flip without margin is -4118; a lone one larger than the position fills the position and expires (er 4)', async () => {
    const oneWay = await startSimulator({ seed: 4, positionMode: 'one_way', walletBalance: '1000' });
    const c = await binanceClient(oneWay);
    try {
      await c.loadMarkets();
      await control(oneWay, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'BOTH', positionAmt: '0.01', entryPrice: '65000' });
      const opening = await c.createOrder(S, 'limit', 'sell', 0.2, 66000);
      expect(await codeOf(c.createOrder(S, 'market', 'sell', 0.01, undefined, { reduceOnly: true }))).toBe(-4118);
      await c.cancelOrder(opening.id, S);
      const ro = await c.createOrder(S, 'market', 'sell', 0.02, undefined, { reduceOnly: true });
      expect(ro).toMatchObject({ status: 'expired', filled: 0.01 });
      expect((await c.fetchPositions([S])).filter((p: any) => p.contracts > 0)).toEqual([]);
      expect(await codeOf(c.createOrder(S, 'market', 'sell', 0.01, undefined, { reduceOnly: true }))).toBe(-2022);
    } finally {
      await c.close();
      await oneWay.close();
    }
  });

  test('a second close-position stop of the same type on one side is -4130; a close-position take-profit beside it is fine', async () => {
    await long();
    const sl = await ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 64000, closePosition: true, positionSide: 'LONG' });
    const again = ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 63000, closePosition: true, positionSide: 'LONG' });
    await expect(again).rejects.toThrow(/"code":-4130,"msg":"An open stop or take profit order with GTE and closePosition in the direction is existing."/);
    await expect(ex.createOrder(S, 'market', 'sell', undefined, undefined, { takeProfitPrice: 67000, closePosition: true, positionSide: 'LONG' })).resolves.toMatchObject({ status: 'open' });
    await ex.cancelOrder(sl.id, S, { trigger: true });
    await expect(ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 63000, closePosition: true, positionSide: 'LONG' })).resolves.toMatchObject({ status: 'open' });
  });
});

describe('time in force', () => {
  test('GTX (post-only) that would cross is -5022; one that does not rests', async () => {
    expect(await codeOf(ex.createOrder(S, 'limit', 'buy', 0.01, 65100, { positionSide: 'LONG', postOnly: true }))).toBe(-5022);
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 64900, { positionSide: 'LONG', postOnly: true })).resolves.toMatchObject({ status: 'open', postOnly: true });
  });

  test('IOC fills what crosses and expires the rest (er 2); an IOC that does not cross expires unfilled', async () => {
    await control(sim, 'POST', '/liquidity', { symbol: 'BTCUSDT', maxFillQty: '0.004' });
    const ioc = await ex.createOrder(S, 'limit', 'buy', 0.01, 65100, { positionSide: 'LONG', timeInForce: 'IOC', clientOrderId: 'ioc-1' });
    expect(ioc).toMatchObject({ status: 'expired', filled: 0.004, average: 65000 });
    const miss = await ex.createOrder(S, 'limit', 'buy', 0.01, 64900, { positionSide: 'LONG', timeInForce: 'IOC', clientOrderId: 'ioc-2' });
    expect(miss).toMatchObject({ status: 'expired', filled: 0 });
    await until(() => orderRows(stream.frames).filter((o) => o.x === 'EXPIRED').length === 2);
    expect(orderRows(stream.frames).filter((o) => o.c === 'ioc-1').map((o) => [o.x, o.X, o.er])).toEqual([['NEW', 'NEW', '0'], ['TRADE', 'PARTIALLY_FILLED', '0'], ['EXPIRED', 'EXPIRED', '2']]);
    expect(orderRows(stream.frames).filter((o) => o.c === 'ioc-2').map((o) => [o.x, o.er])).toEqual([['NEW', '0'], ['EXPIRED', '2']]);
  });

  test('FOK: -5021 unless it can fill completely at once', async () => {
    await control(sim, 'POST', '/liquidity', { symbol: 'BTCUSDT', maxFillQty: '0.004' });
    expect(await codeOf(ex.createOrder(S, 'limit', 'buy', 0.01, 65100, { positionSide: 'LONG', timeInForce: 'FOK' }))).toBe(-5021);
    expect(await codeOf(ex.createOrder(S, 'limit', 'buy', 0.004, 64900, { positionSide: 'LONG', timeInForce: 'FOK' }))).toBe(-5021);
    await expect(ex.createOrder(S, 'limit', 'buy', 0.004, 65100, { positionSide: 'LONG', timeInForce: 'FOK' })).resolves.toMatchObject({ status: 'closed', filled: 0.004 });
  });

  test('a market order the market can only partly fill expires the rest (er 9)', async () => {
    await control(sim, 'POST', '/liquidity', { symbol: 'BTCUSDT', maxFillQty: '0.004' });
    const m = await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { positionSide: 'LONG', clientOrderId: 'mkt-1' });
    expect(m).toMatchObject({ status: 'expired', filled: 0.004 });
    await until(() => orderRows(stream.frames).some((o) => o.c === 'mkt-1' && o.x === 'EXPIRED'));
    expect(orderRows(stream.frames).filter((o) => o.c === 'mkt-1').at(-1)).toMatchObject({ x: 'EXPIRED', X: 'EXPIRED', z: '0.004', er: '9' });
  });
});

describe('modify (PUT /fapi/v1/order)', () => {
  test('quantity and price are both required (-1102); unchanged values are -5027; a filter failure leaves the order as it was', async () => {
    const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { positionSide: 'LONG' });
    expect(await codeOf(ex.fapiPrivatePutOrder({ symbol: 'BTCUSDT', orderId: o.id, side: 'BUY', price: '60100' }))).toBe(-1102);
    expect(await codeOf(ex.editOrder(o.id, S, 'limit', 'buy', 0.01, 60000))).toBe(-5027);
    expect(await codeOf(ex.fapiPrivatePutOrder({ symbol: 'BTCUSDT', orderId: o.id, side: 'BUY', quantity: '0.01', price: '60100.05' }))).toBe(-4014);
    expect(await codeOf(ex.editOrder(o.id, S, 'limit', 'buy', 0.01, 68300))).toBe(-4016);
    expect(await ex.fetchOrder(o.id, S)).toMatchObject({ status: 'open', price: 60000, amount: 0.01 });
    // A modified order's STP mode becomes NONE (faq/stp-faq).
    const edited = await ex.editOrder(o.id, S, 'limit', 'buy', 0.02, 60100);
    expect(edited.info).toMatchObject({ status: 'NEW', price: '60100', origQty: '0.02', selfTradePreventionMode: 'NONE' });
  });

  test('a new quantity not above the executed quantity cancels the order; so does a post-only price that would cross', async () => {
    await control(sim, 'POST', '/partial-fills', { ratio: '0.4' });
    const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 64000, { positionSide: 'LONG', clientOrderId: 'part-1' });
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '64500' });
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63950' });
    expect((await ex.fetchOrder(o.id, S)).filled).toBeCloseTo(0.004, 10);
    const cut = await ex.editOrder(o.id, S, 'limit', 'buy', 0.004, 64000);
    expect(cut).toMatchObject({ status: 'canceled', filled: 0.004 });
    const gtx = await ex.createOrder(S, 'limit', 'buy', 0.01, 63900, { positionSide: 'LONG', postOnly: true, clientOrderId: 'gtx-1' });
    const crossed = await ex.editOrder(gtx.id, S, 'limit', 'buy', 0.01, 64000);
    expect(crossed).toMatchObject({ status: 'canceled', filled: 0 });
    await until(() => orderRows(stream.frames).filter((r) => r.x === 'CANCELED').length === 2);
    expect(orderRows(stream.frames).filter((r) => r.x === 'CANCELED').map((r) => r.c)).toEqual(['part-1', 'gtx-1']);
  });
});

describe('New Algo Order parameter rules', () => {
  const algo = (params: Record<string, string>) =>
    ex.fapiPrivatePostAlgoOrder({ algoType: 'CONDITIONAL', symbol: 'BTCUSDT', type: 'STOP_MARKET', triggerPrice: '64000', ...params });

  test('reduceOnly is refused in hedge mode (-1106); closePosition with a quantity is -4137; closePosition on the opening side is refused', async () => {
    await long();
    expect(await codeOf(algo({ side: 'SELL', positionSide: 'LONG', quantity: '0.01', reduceOnly: 'true' }))).toBe(-1106);
    expect(await codeOf(algo({ side: 'SELL', positionSide: 'LONG', quantity: '0.01', closePosition: 'true' }))).toBe(-4137);
    expect(await codeOf(algo({ side: 'BUY', positionSide: 'LONG', closePosition: 'true', triggerPrice: '66000' }))).toBe(-4062);
    expect(await codeOf(algo({ side: 'SELL', positionSide: 'LONG', quantity: '0.01', workingType: 'INDEX_PRICE' }))).toBe(-4031);
    expect(await codeOf(algo({ side: 'SELL', positionSide: 'LONG', closePosition: 'true' }))).toBe('resolved');
  });
});
