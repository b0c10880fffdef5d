// Equivalence compares what the venue would do, with the venue's defaults filled in: an order
// the venue echoes with reduceOnly=false is the same as an intent that never set it, and a
// decimal written differently is the same number (SPEC section 3: equivalent orders are left
// alone; a replace loop sends orders forever).
import { Decimal } from '../../src/domain/decimal.js';
import { amendable, equivalent, type OrderIntent } from '../../src/domain/order-intent.js';
import type { OrderRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const dca: OrderIntent = { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: d('64350'), qty: d('0.01') };
const echo = (over: Partial<OrderRow> = {}): OrderRow => ({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'a', side: 'BUY', type: 'LIMIT', status: 'NEW', price: d('64350.0'), qty: d('0.010'), ...over });

test('an absent reduceOnly is the venue default false, on either side', () => {
  expect(equivalent(dca, echo({ reduceOnly: false }))).toBe(true);
  expect(equivalent({ ...dca, reduceOnly: false }, echo({}))).toBe(true);
  expect(equivalent(dca, echo({ reduceOnly: true }))).toBe(false);
  expect(amendable({ ...dca, price: d('64000') }, echo({ reduceOnly: false }))).toBe(true);
});

test('an absent closePosition is false; a close-position stop ignores quantity and reduceOnly', () => {
  const sl: OrderIntent = { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63700'), closePosition: true };
  expect(equivalent(sl, echo({ side: 'SELL', type: 'STOP_MARKET', price: undefined, triggerPrice: d('63700.00'), qty: undefined, closePosition: true, reduceOnly: true }))).toBe(true);
  expect(equivalent(dca, echo({ closePosition: false }))).toBe(true);
  expect(equivalent(sl, echo({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63700'), closePosition: false }))).toBe(false);
});
