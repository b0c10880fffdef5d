// The engine's indexes (book-index.ts) and per-symbol margin sums (margin-sums.ts) against the
// scans they replaced: same open orders in the same order, same client-id answers, same margin and
// available balance to the digit, through fills, amendments, cancels, triggers and liquidations;
// and seeding a large account stays linear.
import { Decimal } from 'decimal.js';
import { liquidate } from '../../src/sim/account-events.js';
import { SimEngine, isOpen } from '../../src/sim/engine.js';
import { seededRandom } from '../../src/sim/rng.js';
import type { PositionSide, SymbolSpec } from '../../src/sim/sim-types.js';

const SYMBOLS: SymbolSpec[] = [
  { symbol: 'AUSDT', baseAsset: 'A', quoteAsset: 'USDT', tickSize: '0.1', stepSize: '0.001', minQty: '0.001', maxQty: '1000', minNotional: '5', pricePrecision: 1, quantityPrecision: 3 },
  { symbol: 'BUSDT', baseAsset: 'B', quoteAsset: 'USDT', tickSize: '0.00001', stepSize: '1', minQty: '1', maxQty: '10000000', minNotional: '5', pricePrecision: 5, quantityPrecision: 0 },
];
const MARKS: Record<string, number> = { AUSDT: 100, BUSDT: 1.23456 };

function engine(positionMode: 'hedge' | 'one_way', symbols = SYMBOLS) {
  const e = new SimEngine({ clock: () => 0, positionMode, symbols, walletBalance: '1000000', leverage: 20, makerFee: '0.0002', takerFee: '0.0004' });
  for (const s of symbols) e.setMark(s.symbol, String(MARKS[s.symbol] ?? 100));
  return e;
}

/** What the indexed answers must equal: the full scans the engine used to run. */
function expectSameAsScans(e: SimEngine): void {
  const open = [...e.orders.values()].filter((o) => isOpen(o.status));
  expect(e.openOrderList()).toEqual(open);
  for (const s of SYMBOLS) expect(e.openOrderList(s.symbol)).toEqual(open.filter((o) => o.symbol === s.symbol));
  expect(e.usedMargin().toFixed()).toBe(e.usedMarginByLoop().toFixed());
  expect(e.available().toFixed()).toBe(e.wallet.add(e.unrealizedByLoop()).sub(e.usedMarginByLoop()).toFixed());
}

test.each(['hedge', 'one_way'] as const)('%s: indexes and margin sums answer as the scans through a random workload', (mode) => {
  const e = engine(mode);
  const random = seededRandom(7);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const price = (s: SymbolSpec, spread: number) => {
    const tick = Number(s.tickSize);
    return (Math.max(tick, Math.round((Number(e.marks.get(s.symbol)) * (1 + (random() - 0.5) * spread)) / tick) * tick)).toFixed(s.pricePrecision);
  };
  const qty = (s: SymbolSpec) => (s.symbol === 'BUSDT' ? String(1 + Math.floor(random() * 5000)) : (0.001 * (1 + Math.floor(random() * 3000))).toFixed(3));
  const side = (): PositionSide => (mode === 'hedge' ? pick(['LONG', 'SHORT'] as const) : 'BOTH');
  const ids: number[] = [];
  for (let i = 0; i < 600; i++) {
    const s = pick(SYMBOLS);
    const op = Math.floor(random() * 9);
    try {
      if (op < 3) ids.push(e.placeOrder({ symbol: s.symbol, side: pick(['BUY', 'SELL']), type: random() < 0.8 ? 'LIMIT' : 'MARKET', price: price(s, 0.08), quantity: qty(s), positionSide: mode === 'hedge' ? side() : undefined, clientOrderId: `c${i % 40}` }).orderId);
      else if (op === 3 && ids.length) e.cancelOrder(s.symbol, { orderId: pick(ids) });
      else if (op === 4 && ids.length) e.amendOrder(s.symbol, { orderId: pick(ids) }, qty(s), price(s, 0.08));
      else if (op === 5) e.setMark(s.symbol, price(s, 0.1));
      else if (op === 6) e.placeAlgo({ symbol: s.symbol, side: pick(['BUY', 'SELL']), type: 'STOP_MARKET', triggerPrice: price(s, 0.1), quantity: qty(s), positionSide: mode === 'hedge' ? side() : undefined });
      else if (op === 7) liquidate(e, { symbol: s.symbol, positionSide: side(), kind: pick(['liquidation', 'adl']), execution: 'TRADE' });
      else e.seedPosition(s.symbol, side(), random() < 0.5 ? qty(s) : `-${qty(s)}`, price(s, 0.1));
    } catch {
      // refusals are part of the workload
    }
    expectSameAsScans(e);
    const cid = `c${i % 40}`;
    const newest = [...e.orders.values()].filter((o) => o.symbol === s.symbol && o.clientOrderId === cid).pop();
    expect(e.findOrder(s.symbol, { clientOrderId: cid })).toBe(newest);
  }
});

test('a replaced or deleted order rebuilds the index in the map order', () => {
  const e = engine('hedge');
  const a = e.placeOrder({ symbol: 'AUSDT', side: 'BUY', type: 'LIMIT', price: '95', quantity: '1', positionSide: 'LONG' });
  const b = e.placeOrder({ symbol: 'AUSDT', side: 'BUY', type: 'LIMIT', price: '94', quantity: '1', positionSide: 'LONG' });
  e.orders.set(a.orderId, { ...a, origQty: '2' });
  expect(e.openOrderList('AUSDT').map((o) => [o.orderId, o.origQty])).toEqual([[a.orderId, '2'], [b.orderId, '1']]);
  expectSameAsScans(e);
  e.orders.delete(b.orderId);
  expect(e.openOrderList().map((o) => o.orderId)).toEqual([a.orderId]);
  expectSameAsScans(e);
});

test('a total the one-by-one sum would round is taken from the loop', () => {
  const e = engine('one_way');
  // A VWAP entry of 20 significant digits: the unrealized PnL terms carry more decimals than a 20-digit sum keeps.
  e.placeOrder({ symbol: 'AUSDT', side: 'BUY', type: 'MARKET', quantity: '0.3' });
  e.setMark('AUSDT', '100.7');
  e.placeOrder({ symbol: 'AUSDT', side: 'BUY', type: 'MARKET', quantity: '0.7' });
  e.setMark('AUSDT', '101.3');
  e.placeOrder({ symbol: 'AUSDT', side: 'BUY', type: 'MARKET', quantity: '0.11' });
  e.seedPosition('BUSDT', 'BOTH', '-123456789', '1.2345678901234567891');
  expect(new Decimal(e.position('AUSDT', 'BOTH').entryPrice).precision()).toBeGreaterThan(10);
  expectSameAsScans(e);
});

test('seeding 1,000 symbols (2,000 positions, 8,000 open orders) stays linear', () => {
  const symbols: SymbolSpec[] = Array.from({ length: 1_000 }, (_, i) => ({ ...SYMBOLS[0]!, symbol: `S${i}USDT`, baseAsset: `S${i}`, maxQty: '100000' }));
  const e = engine('hedge', symbols);
  const t0 = performance.now();
  for (const s of symbols) {
    e.seedPosition(s.symbol, 'LONG', '1', '100');
    e.seedPosition(s.symbol, 'SHORT', '-1', '100');
    for (let k = 0; k < 8; k++) e.placeOrder({ symbol: s.symbol, side: k % 2 ? 'SELL' : 'BUY', type: 'LIMIT', price: k % 2 ? `${101 + k}` : `${99 - k}`, quantity: '0.1', positionSide: k % 2 ? 'SHORT' : 'LONG' });
  }
  // Every placement scanned every earlier order and position before: ~90 s here; a few hundred ms now.
  expect(performance.now() - t0).toBeLessThan(20_000);
  expect(e.openOrderList()).toHaveLength(8_000);
  expect(e.usedMargin().toFixed()).toBe(e.usedMarginByLoop().toFixed());
});
