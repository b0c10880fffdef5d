// The matching engine's order of events and the realism of its own frames, through the plain ccxt
// client and a raw user-data socket. Docs (developers.binance.com/docs/derivatives/usds-margined-futures/):
// user-data-streams/Event-Order-Update (example: `E` after `T`, `er` "0", `b`/`a` notionals),
// user-data-streams/Event-Balance-and-Position-Update (`cr`: "(Pre-fee) Accumulated Realized"),
// faq/stp-faq (EXPIRE_MAKER default, X=EXPIRED_IN_MATCH, the taker's mode decides), Event-Order-Update
// expiry reasons 1 and 3.
import { replayScenario, type Scenario } from '../../src/sim/scenario.js';
import type { Simulator } from '../../src/sim/server.js';
import { rawStreamSuite } from './raw-stream-suite.js';
import { control } from './control-client.js';
import { labels, orderRows, until, type RawStream } from './raw-frames.js';

const S = 'BTC/USDT:USDT';
let sim: Simulator;
let ex: any;
let stream: RawStream;

rawStreamSuite(41, (t) => {
  ({ sim, ex, stream } = t);
});

const long = (amt = '0.01') => control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: amt, entryPrice: '65000' });
const fillsAndTriggers = () => labels(stream.frames).filter((l) => l.startsWith('ORDER:TRADE') || l.startsWith('ALGO:TRIGGERING'));

describe('a price move is walked level by level', () => {
  test('a resting buy above the stop fills first; the close-position stop then closes both lots at its trigger', async () => {
    await long();
    await ex.createOrder(S, 'limit', 'buy', 0.01, 64000, { positionSide: 'LONG', clientOrderId: 'dca' });
    await ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 63700, closePosition: true, positionSide: 'LONG', clientOrderId: 'sl' });
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63000' });
    await until(() => fillsAndTriggers().length === 3);
    expect(fillsAndTriggers()).toEqual(['ORDER:TRADE:FILLED:dca', 'ALGO:TRIGGERING:sl', 'ORDER:TRADE:FILLED:sl']);
    const trades = await ex.fetchMyTrades(S);
    expect(trades.map((t: any) => [t.side, t.price, t.amount, t.takerOrMaker])).toEqual([['buy', 64000, 0.01, 'maker'], ['sell', 63700, 0.02, 'taker']]);
    expect((await ex.fetchPositions([S])).filter((p: any) => p.contracts > 0)).toEqual([]);
  });

  test('a stop above a resting buy triggers first; the buy then opens a new position', async () => {
    await long();
    await ex.createOrder(S, 'limit', 'buy', 0.01, 63000, { positionSide: 'LONG', clientOrderId: 'dca' });
    await ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 63700, closePosition: true, positionSide: 'LONG', clientOrderId: 'sl' });
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '62900' });
    await until(() => fillsAndTriggers().length === 3);
    expect(fillsAndTriggers()).toEqual(['ALGO:TRIGGERING:sl', 'ORDER:TRADE:FILLED:sl', 'ORDER:TRADE:FILLED:dca']);
    const [p] = await ex.fetchPositions([S]);
    expect(p).toMatchObject({ contracts: 0.01, entryPrice: 63000 });
  });

  test('at one level the resting limit trades before the stop it triggers', async () => {
    await long();
    await ex.createOrder(S, 'limit', 'buy', 0.01, 63700, { positionSide: 'LONG', clientOrderId: 'dca' });
    await ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 63700, closePosition: true, positionSide: 'LONG', clientOrderId: 'sl' });
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63000' });
    await until(() => fillsAndTriggers().length === 3);
    expect(fillsAndTriggers()).toEqual(['ORDER:TRADE:FILLED:dca', 'ALGO:TRIGGERING:sl', 'ORDER:TRADE:FILLED:sl']);
  });

  test('limit orders fill on the last price, not on the mark', async () => {
    const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 64000, { positionSide: 'LONG' });
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', mark: '63000' });
    expect((await ex.fetchOrder(o.id, S)).status).toBe('open');
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', last: '63990' });
    expect((await ex.fetchOrder(o.id, S))).toMatchObject({ status: 'closed', average: 64000 });
  });
});

describe('self-trade prevention', () => {
  test('EXPIRE_MAKER (the default): the own resting order the taker reaches expires with X=EXPIRED_IN_MATCH and er 1', async () => {
    // No outside liquidity: the hedge-mode SELL SHORT reaches the account's own BUY LONG bid.
    await control(sim, 'POST', '/liquidity', { symbol: 'BTCUSDT', maxFillQty: '0' });
    const bid = await ex.createOrder(S, 'limit', 'buy', 0.01, 64000, { positionSide: 'LONG', clientOrderId: 'own-bid' });
    const sell = await ex.createOrder(S, 'limit', 'sell', 0.01, 63900, { positionSide: 'SHORT', clientOrderId: 'own-ask' });
    await until(() => orderRows(stream.frames).some((o) => o.X === 'EXPIRED_IN_MATCH'));
    const expired = orderRows(stream.frames).find((o) => o.X === 'EXPIRED_IN_MATCH');
    expect(expired).toMatchObject({ c: 'own-bid', x: 'EXPIRED', X: 'EXPIRED_IN_MATCH', er: '1', V: 'EXPIRE_MAKER', z: '0' });
    expect((await ex.fetchOrder(bid.id, S))).toMatchObject({ status: 'expired', filled: 0 });
    expect(sell).toMatchObject({ status: 'open', filled: 0 }); // nothing else to trade with: it rests
    expect(await ex.fetchMyTrades(S)).toEqual([]);
  });

  test('the taker\'s mode decides: EXPIRE_TAKER expires the IOC taker (er 3) and leaves the resting order', async () => {
    await control(sim, 'POST', '/liquidity', { symbol: 'BTCUSDT', maxFillQty: '0.004' });
    const bid = await ex.createOrder(S, 'limit', 'buy', 0.01, 64000, { positionSide: 'LONG', clientOrderId: 'own-bid' });
    const ioc = await ex.createOrder(S, 'limit', 'sell', 0.01, 63900, { positionSide: 'SHORT', timeInForce: 'IOC', selfTradePreventionMode: 'EXPIRE_TAKER', clientOrderId: 'taker' });
    expect(ioc).toMatchObject({ status: 'expired', filled: 0.004 });
    await until(() => orderRows(stream.frames).some((o) => o.X === 'EXPIRED_IN_MATCH'));
    expect(orderRows(stream.frames).filter((o) => o.c === 'taker').at(-1)).toMatchObject({ x: 'EXPIRED', X: 'EXPIRED_IN_MATCH', er: '3', V: 'EXPIRE_TAKER' });
    expect((await ex.fetchOrder(bid.id, S)).status).toBe('open');
  });
});

describe('the engine\'s own frames', () => {
  test('E comes a few ms after T; er is a string; b/a carry the open orders\' notionals', async () => {
    await ex.createOrder(S, 'limit', 'buy', 0.01, 64000, { positionSide: 'LONG', clientOrderId: 'bid' });
    await ex.createOrder(S, 'limit', 'sell', 0.002, 66000, { positionSide: 'SHORT', clientOrderId: 'ask' });
    await until(() => orderRows(stream.frames).length === 2);
    const engineFrames = stream.frames.filter((f) => ['ORDER_TRADE_UPDATE', 'ALGO_UPDATE', 'ACCOUNT_UPDATE'].includes(f.e));
    for (const f of engineFrames) {
      expect(f.E).toBeGreaterThan(f.T);
      expect(f.E - f.T).toBeLessThanOrEqual(3);
    }
    const [, ask] = orderRows(stream.frames);
    expect(ask).toMatchObject({ er: '0', b: '640', a: '132', i: expect.any(Number), t: 0, gtd: 0, si: 0, ss: 0 });
    expect(ask).not.toHaveProperty('N'); // "will not push if no commission"
    expect(ask).not.toHaveProperty('AP'); // "only pushed with TRAILING_STOP_MARKET order"
  });

  test('ACCOUNT_UPDATE cr accumulates the realized PnL of the position side', async () => {
    await ex.createOrder(S, 'market', 'buy', 0.02, undefined, { positionSide: 'LONG' });
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '66000' });
    await ex.createOrder(S, 'market', 'sell', 0.01, undefined, { positionSide: 'LONG' });
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '64000' });
    await ex.createOrder(S, 'market', 'sell', 0.005, undefined, { positionSide: 'LONG' });
    await until(() => stream.frames.filter((f) => f.e === 'ACCOUNT_UPDATE').length === 3);
    const cr = stream.frames.filter((f) => f.e === 'ACCOUNT_UPDATE').map((f) => f.a.P[0].cr);
    expect(cr).toEqual(['0', '10', '5']);
  });
});

describe('scenarios', () => {
  const scenario: Scenario = {
    seed: 7,
    positions: [{ symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' }],
    steps: [
      { atMs: 0, settings: { liquidity: { symbol: 'BTCUSDT', maxFillQty: '0.004' }, triggerOrder: { childFirst: true } } },
      { atMs: 0, order: { symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '64000', closePosition: true, positionSide: 'LONG', clientOrderId: 'sl', algo: true } },
      { atMs: 0, order: { symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '64000', quantity: '0.002', positionSide: 'LONG', workingType: 'MARK_PRICE', clientOrderId: 'sl-mark', algo: true } },
      { atMs: 500, price: { symbol: 'BTCUSDT', mark: '63900' } },
      { atMs: 1000, price: { symbol: 'BTCUSDT', last: '63900' } },
    ],
  };

  test('price steps may move mark or last alone and settings steps switch the engine; a replay is identical', () => {
    const first = replayScenario(scenario);
    expect(replayScenario(scenario)).toEqual(first);
    const status = Object.fromEntries(first.books.algoOrders.map((a) => [a.clientAlgoId, a.algoStatus]));
    expect(status).toEqual({ sl: 'FINISHED', 'sl-mark': 'FINISHED' });
    // The mark stop sold 0.002 at the last price (65000); the last-price stop found 0.004 of liquidity.
    expect(first.books.trades.map((t) => [t.price, t.qty])).toEqual([['65000', '0.002'], ['64000', '0.004']]);
    const rows = first.events.filter((e) => e.e === 'ORDER_TRADE_UPDATE').map((e) => (e.o as any).er);
    expect(rows.at(-1)).toBe('9');
  });
});
