// The matching engine on its own: one-way positions, manual orders, the seeded walk.
import { Decimal } from 'decimal.js';
import { DEFAULT_SYMBOLS } from '../../src/sim/defaults.js';
import { SimEngine, type UserEvent } from '../../src/sim/engine.js';
import { walkStep } from '../../src/sim/price-driver.js';
import { seededRandom } from '../../src/sim/rng.js';

function engine(positionMode: 'hedge' | 'one_way') {
  const e = new SimEngine({ clock: () => 0, positionMode, symbols: DEFAULT_SYMBOLS, walletBalance: '10000', leverage: 20, makerFee: '0.0002', takerFee: '0.0004' });
  e.setMark('BTCUSDT', '65000');
  const events: UserEvent[] = [];
  e.onEvent((x) => events.push(x));
  return { e, events };
}

test('one-way mode: signed position, VWAP entry, a flip opens the other side at the fill price', () => {
  const { e, events } = engine('one_way');
  e.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
  e.setMark('BTCUSDT', '66000');
  e.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
  expect(e.position('BTCUSDT', 'BOTH')).toMatchObject({ positionAmt: '0.02', entryPrice: '65500' });
  e.placeOrder({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.03' });
  expect(e.position('BTCUSDT', 'BOTH')).toMatchObject({ positionAmt: '-0.01', entryPrice: '66000' });
  const account = events.filter((x) => x.e === 'ACCOUNT_UPDATE').pop() as any;
  expect(account.a.P[0]).toMatchObject({ ps: 'BOTH', pa: '-0.01' });
  expect(() => e.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', positionSide: 'LONG' })).toThrow(/position side/);
});

test('cumulative and last fill quantities (z and l) and true fill prices', () => {
  const { e, events } = engine('hedge');
  e.partialFillRatio = new Decimal('0.5');
  const o = e.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', price: '64000', quantity: '0.01', positionSide: 'LONG' });
  e.setMark('BTCUSDT', '63900');
  e.setMark('BTCUSDT', '63800');
  const fills = events.filter((x) => x.e === 'ORDER_TRADE_UPDATE' && (x.o as any).x === 'TRADE').map((x) => x.o as any);
  expect(fills.map((f) => [f.l, f.z, f.L, f.X])).toEqual([['0.005', '0.005', '64000', 'PARTIALLY_FILLED'], ['0.005', '0.01', '64000', 'FILLED']]);
  expect(e.orders.get(o.orderId)!.status).toBe('FILLED');
});

test('manual orders are on the book like any other and carry their owner in the state', () => {
  const { e } = engine('hedge');
  e.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', price: '60000', quantity: '0.05', positionSide: 'LONG', clientOrderId: 'manual-1', owner: 'manual' });
  expect(e.snapshot().orders[0]).toMatchObject({ clientOrderId: 'manual-1', owner: 'manual', status: 'NEW' });
});

test('the seeded walk is the same for the same seed and differs for another', () => {
  const walk = (seed: number) => {
    const r = seededRandom(seed);
    let p = new Decimal('65000');
    return Array.from({ length: 20 }, () => (p = walkStep(p, new Decimal('0.1'), '0.1', r())).toFixed());
  };
  expect(walk(1)).toEqual(walk(1));
  expect(walk(1)).not.toEqual(walk(2));
});

test('take-profit and stop triggers on each side', () => {
  const { e } = engine('hedge');
  e.seedPosition('BTCUSDT', 'SHORT', '-0.01', '65000');
  const tp = e.placeAlgo({ symbol: 'BTCUSDT', side: 'BUY', type: 'TAKE_PROFIT_MARKET', triggerPrice: '64000', closePosition: true, positionSide: 'SHORT' });
  e.setMark('BTCUSDT', '64500');
  expect(e.algos.get(tp.algoId)!.algoStatus).toBe('NEW');
  e.setMark('BTCUSDT', '63990');
  expect(e.algos.get(tp.algoId)!.algoStatus).toBe('FINISHED');
  expect(e.position('BTCUSDT', 'SHORT').positionAmt).toBe('0');
  expect(e.wallet.gt(10000)).toBe(true); // a short closed lower made money (minus the taker fee)
});
