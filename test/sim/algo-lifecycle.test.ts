// Conditional orders as Binance's Algo Service runs them, placed through the plain ccxt client and
// watched on a raw user-data socket. Docs (developers.binance.com/docs/derivatives/usds-margined-futures/):
// user-data-streams/Event-Algo-Order-Update (NEW, TRIGGERING, TRIGGERED, FINISHED, REJECTED with
// `rm`; `ai`, `ap`, `aq`, `act`), trade/rest-api/New-Algo-Order (workingType, priceProtect),
// user-data-streams/Event-Order-Update (`er` 9: "Market order could not be filled completely"),
// change-log 2025-12-10 (CONDITIONAL_ORDER_TRIGGER_REJECT deprecated, reasons moved to ALGO_UPDATE).
import type { Simulator } from '../../src/sim/server.js';
import { rawStreamSuite } from './raw-stream-suite.js';
import { control } from './control-client.js';
import { algoRows, labels, orderRows, until, type RawStream } from './raw-frames.js';

const S = 'BTC/USDT:USDT';
let sim: Simulator;
let ex: any;
let stream: RawStream;

rawStreamSuite(21, (t) => {
  ({ sim, ex, stream } = t);
});

const long = (amt = '0.01') => control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: amt, entryPrice: '65000' });
const stopLoss = (trigger: number, extra: Record<string, unknown> = {}) =>
  ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: trigger, closePosition: true, positionSide: 'LONG', clientOrderId: 'sl-1', ...extra });
const algoStates = () => algoRows(stream.frames).map((o) => o.X);

test('a stop runs NEW, TRIGGERING, TRIGGERED (ai = the new order), the order fills, then FINISHED with ap, aq and act', async () => {
  await long();
  const sl = await stopLoss(64000);
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63900' });
  await until(() => algoStates().includes('FINISHED'));
  expect(algoStates()).toEqual(['NEW', 'TRIGGERING', 'TRIGGERED', 'FINISHED']);
  const [, triggering, triggered, finished] = algoRows(stream.frames);
  expect(triggering).toMatchObject({ aid: Number(sl.id), ai: '', act: '0', aq: '0' });
  expect(triggered.ai).toMatch(/^\d+$/);
  expect(triggered).toMatchObject({ act: 'MARKET', tt: expect.any(Number), wt: 'CONTRACT_PRICE', cp: true, R: true, rm: '' });
  // The walk meets the stop at its trigger: the market order fills there.
  expect(finished).toMatchObject({ ai: triggered.ai, act: 'MARKET', ap: '64000', aq: '0.01' });
  const child = orderRows(stream.frames).filter((o) => String(o.i) === triggered.ai);
  expect(child.map((o) => `${o.x}:${o.X}`)).toEqual(['NEW:NEW', 'TRADE:FILLED']);
  expect(child[0]).toMatchObject({ o: 'MARKET', ot: 'STOP_MARKET', sp: '64000', cp: true, R: true, er: '0' });
  // Default order: the ALGO_UPDATE TRIGGERED row, then the order's rows, then FINISHED.
  const order = labels(stream.frames).filter((l) => !l.startsWith('TRADE_LITE') && !l.startsWith('ACCOUNT'));
  expect(order.slice(-5)).toEqual(['ALGO:TRIGGERING:sl-1', 'ALGO:TRIGGERED:sl-1', 'ORDER:NEW:NEW:sl-1', 'ORDER:TRADE:FILLED:sl-1', 'ALGO:FINISHED:sl-1']);
  expect((await ex.fetchOrder(sl.id, S, { trigger: true })).info).toMatchObject({ algoStatus: 'FINISHED', actualOrderId: triggered.ai, actualPrice: '64000' });
  expect((await ex.fetchPositions([S])).filter((p: any) => p.contracts > 0)).toEqual([]);
});

test('childFirst: the triggered order\'s rows (and its ACCOUNT_UPDATE) come before TRIGGERED; ALGO_UPDATE rows keep their own order', async () => {
  await control(sim, 'POST', '/trigger-order', { childFirst: true });
  await long();
  await stopLoss(64000);
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63900' });
  await until(() => algoStates().includes('FINISHED'));
  const order = labels(stream.frames).filter((l) => l !== 'TRADE_LITE').slice(-6);
  expect(order).toEqual(['ALGO:TRIGGERING:sl-1', 'ORDER:NEW:NEW:sl-1', 'ORDER:TRADE:FILLED:sl-1', 'ACCOUNT_UPDATE', 'ALGO:TRIGGERED:sl-1', 'ALGO:FINISHED:sl-1']);
  // Already filled when TRIGGERED is pushed: its ap and aq say so.
  expect(algoRows(stream.frames).find((o) => o.X === 'TRIGGERED')).toMatchObject({ ap: '64000', aq: '0.01' });
});

test('a reduce-only trigger with nothing to reduce is REJECTED with rm; the legacy CONDITIONAL_ORDER_TRIGGER_REJECT on request', async () => {
  await control(sim, 'POST', '/trigger-order', { legacyRejectEvent: true });
  await long();
  const sl = await stopLoss(64000);
  await ex.createOrder(S, 'market', 'sell', 0.01, undefined, { positionSide: 'LONG' }); // flat before the trigger
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63900' });
  await until(() => stream.frames.some((f) => f.e === 'CONDITIONAL_ORDER_TRIGGER_REJECT'));
  expect(algoStates()).toEqual(['NEW', 'TRIGGERING', 'REJECTED']);
  expect(algoRows(stream.frames)[2]).toMatchObject({ X: 'REJECTED', rm: 'Reduce Only reject', ai: '' });
  const legacy = stream.frames.find((f) => f.e === 'CONDITIONAL_ORDER_TRIGGER_REJECT');
  expect(legacy).toMatchObject({ or: { s: 'BTCUSDT', i: Number(sl.id), r: 'Reduce Only reject' } });
  expect(legacy.T).toBeGreaterThan(legacy.E); // as in Binance's example: T is the "me message send time"
  expect((await ex.fetchOrder(sl.id, S, { trigger: true })).status).toBe('rejected');
});

test('POST /__sim/trigger-reject makes the next trigger fail (margin check) without the deprecated event by default', async () => {
  await control(sim, 'POST', '/trigger-reject', { symbol: 'BTCUSDT', reason: 'Margin is insufficient.' });
  // An opening buy stop: not reduce-only, so only the switch can refuse it.
  await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { stopLossPrice: 66000, positionSide: 'LONG', clientOrderId: 'brk-1' });
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '66100' });
  await until(() => algoStates().includes('REJECTED'));
  expect(algoRows(stream.frames).at(-1)).toMatchObject({ X: 'REJECTED', rm: 'Margin is insufficient.' });
  expect(stream.frames.some((f) => f.e === 'CONDITIONAL_ORDER_TRIGGER_REJECT')).toBe(false);
  expect((await control(sim, 'GET', '/state')).positions).toEqual([]);
});

test('a triggered market order that the market can only partly fill expires with er 9; the algo order is FINISHED with aq', async () => {
  await long();
  await control(sim, 'POST', '/liquidity', { symbol: 'BTCUSDT', maxFillQty: '0.004' });
  const sl = await stopLoss(64000);
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63900' });
  await until(() => algoStates().includes('FINISHED'));
  const ai = algoRows(stream.frames).find((o) => o.X === 'TRIGGERED').ai;
  const child = orderRows(stream.frames).filter((o) => String(o.i) === ai);
  expect(child.map((o) => [o.x, o.X, o.l, o.z, o.er])).toEqual([['NEW', 'NEW', '0', '0', '0'], ['TRADE', 'PARTIALLY_FILLED', '0.004', '0.004', '0'], ['EXPIRED', 'EXPIRED', '0', '0.004', '9']]);
  expect(algoRows(stream.frames).at(-1)).toMatchObject({ X: 'FINISHED', aq: '0.004', ap: '64000' });
  expect((await ex.fetchOrder(ai, S)).status).toBe('expired');
  const [p] = await ex.fetchPositions([S]);
  expect(p.contracts).toBeCloseTo(0.006, 10);
  expect((await ex.fetchOrder(sl.id, S, { trigger: true })).info.algoStatus).toBe('FINISHED');
});

test('workingType: CONTRACT_PRICE (default) watches the last price, MARK_PRICE the mark; POST /price can move one alone', async () => {
  await long();
  await stopLoss(64000, { clientOrderId: 'sl-last' });
  await ex.createOrder(S, 'market', 'sell', 0.005, undefined, { stopLossPrice: 64000, positionSide: 'LONG', workingType: 'MARK_PRICE', clientOrderId: 'sl-mark' });
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', mark: '63900' });
  const state = await control(sim, 'GET', '/state');
  expect(state.marks.BTCUSDT).toBe('63900');
  expect(state.lastPrices.BTCUSDT).toBe('65000');
  const status = async () => Object.fromEntries((await control(sim, 'GET', '/state')).algoOrders.map((a: any) => [a.clientAlgoId, a.algoStatus]));
  expect(await status()).toEqual({ 'sl-last': 'NEW', 'sl-mark': 'FINISHED' });
  // The mark-triggered market order filled at the last price, not at the mark.
  expect((await ex.fetchMyTrades(S)).map((t: any) => t.price)).toEqual([65000]);
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', last: '63950' });
  expect(await status()).toEqual({ 'sl-last': 'FINISHED', 'sl-mark': 'FINISHED' });
  // -2021 is judged on the watched price: a CONTRACT_PRICE stop above the last price would trigger at once.
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', mark: '65000', last: '63000' });
  await long();
  const rejected = ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 64000, closePosition: true, positionSide: 'LONG' });
  await expect(rejected).rejects.toThrow(/-2021/);
  await expect(ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 64000, closePosition: true, positionSide: 'LONG', workingType: 'MARK_PRICE' })).resolves.toMatchObject({ status: 'open' });
});

test('priceProtect: the trigger waits while mark and last are more than triggerProtect (5%) apart', async () => {
  await long();
  await stopLoss(64000, { priceProtect: true });
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', mark: '69000' });
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', last: '63900' }); // at 64000 the mark is 7.8% away
  expect((await control(sim, 'GET', '/state')).algoOrders[0]).toMatchObject({ algoStatus: 'NEW', priceProtect: true });
  expect(algoRows(stream.frames).at(-1)).toMatchObject({ X: 'NEW', pP: true });
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', mark: '64500' }); // 0.9% apart: it fires
  expect((await control(sim, 'GET', '/state')).algoOrders[0].algoStatus).toBe('FINISHED');
});

test('a STOP (limit) whose order rests stays TRIGGERED until that order fills', async () => {
  await long();
  const sl = await ex.createOrder(S, 'limit', 'sell', 0.01, 64100, { stopLossPrice: 64000, positionSide: 'LONG', clientOrderId: 'sl-lim' });
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63900' }); // triggers; a sell at 64100 does not cross 64000
  expect((await ex.fetchOrder(sl.id, S, { trigger: true })).info.algoStatus).toBe('TRIGGERED');
  const triggered = algoRows(stream.frames).find((o) => o.X === 'TRIGGERED');
  expect((await ex.fetchOrder(triggered.ai, S))).toMatchObject({ status: 'open', type: 'limit', price: 64100 });
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '64200' });
  await until(() => algoStates().includes('FINISHED'));
  expect(algoRows(stream.frames).at(-1)).toMatchObject({ X: 'FINISHED', act: 'LIMIT', ap: '64100', aq: '0.01' });
});
