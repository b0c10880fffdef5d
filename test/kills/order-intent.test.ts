// Kills for the surviving mutants of src/domain/order-intent.ts (issue 9, docs/MUTATION_SURVIVORS.md).
// SPEC section 3: the desired-vs-active comparison normalizes by order kind (a field the kind does
// not use never forces a replacement; a field it uses must match), equivalent orders are left
// alone, and only same-kind price/quantity changes are amended in place. Section 4 / the journal:
// an order's fields cross a boundary as canonical strings with absent fields left out.
import { Decimal } from '../../src/domain/decimal.js';
import { amendable, equivalent, plainOrderFields, type OrderIntent } from '../../src/domain/order-intent.js';
import type { OrderRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const active = (over: Partial<OrderRow>): OrderRow => ({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'o-1', status: 'NEW', side: 'SELL', type: 'LIMIT', ...over });
const want = (over: Partial<OrderIntent>): OrderIntent => ({ slot: 'TP', side: 'SELL', type: 'LIMIT', ...over });

describe('equivalence by order kind', () => {
  test('a different side or a different kind is never the wanted order', () => {
    const stop = { triggerPrice: d('63700'), qty: d('0.01'), reduceOnly: true };
    expect(equivalent(want({ type: 'STOP_MARKET', ...stop }), active({ type: 'STOP_MARKET', ...stop }))).toBe(true);
    expect(equivalent(want({ type: 'STOP_MARKET', ...stop }), active({ type: 'STOP_MARKET', ...stop, side: 'BUY' }))).toBe(false);
    expect(equivalent(want({ type: 'STOP_MARKET', ...stop }), active({ type: 'TAKE_PROFIT_MARKET', ...stop }))).toBe(false);
  });

  test('a close-position stop and a stop for a quantity are different orders', () => {
    const trigger = { type: 'STOP_MARKET' as const, triggerPrice: d('63700') };
    expect(equivalent(want({ ...trigger, closePosition: true }), active({ ...trigger, qty: d('0.01'), reduceOnly: true }))).toBe(false);
    expect(equivalent(want({ ...trigger, qty: d('0.01'), reduceOnly: true }), active({ ...trigger, closePosition: true }))).toBe(false);
  });

  test('every trigger-bearing kind compares its trigger', () => {
    for (const type of ['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT'] as const) {
      const same = { type, price: d('63650'), qty: d('0.01'), reduceOnly: true };
      expect([type, equivalent(want({ ...same, triggerPrice: d('63700') }), active({ ...same, triggerPrice: d('63700.0') }))]).toEqual([type, true]);
      expect([type, equivalent(want({ ...same, triggerPrice: d('63700') }), active({ ...same, triggerPrice: d('63600') }))]).toEqual([type, false]);
    }
  });

  test('every limit-priced kind compares its price', () => {
    for (const type of ['LIMIT', 'STOP', 'TAKE_PROFIT'] as const) {
      const same = { type, triggerPrice: d('63700'), qty: d('0.01'), reduceOnly: true };
      expect([type, equivalent(want({ ...same, price: d('63650') }), active({ ...same, price: d('63650.00') }))]).toEqual([type, true]);
      expect([type, equivalent(want({ ...same, price: d('63650') }), active({ ...same, price: d('63500') }))]).toEqual([type, false]);
    }
  });

  test('a field the kind does not use never forces a replacement (venues report stopPrice 0 on a limit, price 0 on a stop-market)', () => {
    const limit = { type: 'LIMIT' as const, price: d('65650'), qty: d('0.01'), reduceOnly: true };
    expect(equivalent(want(limit), active({ ...limit, triggerPrice: d('0') }))).toBe(true);
    const stop = { type: 'STOP_MARKET' as const, triggerPrice: d('63700'), closePosition: true };
    expect(equivalent(want(stop), active({ ...stop, price: d('0') }))).toBe(true);
  });

  test('a field the kind uses and only one side knows is a difference; unknown on both sides is not', () => {
    const stop = { type: 'STOP_MARKET' as const, triggerPrice: d('63700'), reduceOnly: true };
    expect(equivalent(want({ ...stop, qty: d('0.01') }), active(stop))).toBe(false);
    expect(equivalent(want({ ...stop, qty: d('0.01') }), active({ ...stop, qty: d('0.01'), triggerPrice: undefined }))).toBe(false);
    const limit = { type: 'LIMIT' as const, price: d('65650'), reduceOnly: true };
    expect(equivalent(want(limit), active(limit))).toBe(true);
  });
});

describe('amendable: same kind, only price or quantity differ', () => {
  const limitTp = { type: 'LIMIT' as const, side: 'SELL' as const, price: d('65650'), qty: d('0.01'), reduceOnly: true };

  test('a limit exit at another price is amended in place', () => {
    expect(amendable(want(limitTp), active({ ...limitTp, price: d('65000') }))).toBe(true);
  });

  test('a limit wanted where a stop rests, or a stop wanted where a limit rests, is replaced, not amended', () => {
    expect(amendable(want(limitTp), active({ ...limitTp, type: 'STOP_MARKET', triggerPrice: d('65650') }))).toBe(false);
    expect(amendable(want({ ...limitTp, type: 'STOP_MARKET', triggerPrice: d('63700') }), active(limitTp))).toBe(false);
  });

  test('another side or another reduce-only flag is another order', () => {
    expect(amendable(want(limitTp), active({ ...limitTp, side: 'BUY' }))).toBe(false);
    expect(amendable(want(limitTp), active({ ...limitTp, reduceOnly: false }))).toBe(false);
    expect(amendable(want({ ...limitTp, reduceOnly: undefined }), active(limitTp))).toBe(false);
  });
});

// The domain-changed run's survivors (docs/MUTATION_SURVIVORS.md, last section): the stop branch,
// written from `amendable`'s contract: a stop is amended in place only where the venue amends a
// stop's trigger and quantity (Bybit V5), only for the same kind and side, never a close-position
// stop, only with a quantity and the same reduce-only flag, and never once it has filled.
describe('amendable stops (a venue that amends trigger and quantity in place)', () => {
  const sl = { type: 'STOP_MARKET' as const, side: 'SELL' as const, triggerPrice: d('63700'), qty: d('0.01'), reduceOnly: true };
  const moved = { triggerPrice: d('63000'), qty: d('0.02') };

  test('a stop or a take-profit of the same kind is amended in place there, and only there', () => {
    expect(amendable(want({ ...sl, ...moved }), active(sl), true)).toBe(true);
    const tp = { ...sl, type: 'TAKE_PROFIT_MARKET' as const, triggerPrice: d('66000') };
    expect(amendable(want({ ...tp, ...moved }), active(tp), true)).toBe(true);
    // A venue that cannot amend stops (the default): replaced, not amended.
    expect(amendable(want({ ...sl, ...moved }), active(sl))).toBe(false);
    expect(amendable(want({ ...tp, ...moved }), active(tp))).toBe(false);
  });

  test('another kind, another side, a close-position stop on either side, no quantity: replaced', () => {
    expect(amendable(want(sl), active({ ...sl, type: 'TAKE_PROFIT_MARKET' }), true)).toBe(false);
    expect(amendable(want(sl), active({ ...sl, side: 'BUY' }), true)).toBe(false);
    expect(amendable(want({ ...sl, closePosition: true }), active(sl), true)).toBe(false);
    expect(amendable(want(sl), active({ ...sl, closePosition: true }), true)).toBe(false);
    expect(amendable(want({ ...sl, qty: undefined }), active(sl), true)).toBe(false);
  });

  test('the reduce-only flag must match (absent is false); a stop that has filled at all is replaced', () => {
    expect(amendable(want({ ...sl, reduceOnly: false }), active(sl), true)).toBe(false);
    expect(amendable(want({ ...sl, reduceOnly: undefined }), active({ ...sl, reduceOnly: false }), true)).toBe(true);
    expect(amendable(want({ ...sl, reduceOnly: false }), active({ ...sl, reduceOnly: undefined }), true)).toBe(true);
    expect(amendable(want(sl), active({ ...sl, filledQty: d('0.004') }), true)).toBe(false);
    expect(amendable(want(sl), active({ ...sl, filledQty: d('0') }), true)).toBe(true);
  });

  test('a limit order keeps the limit rule on such a venue: a partly filled limit exit is still amended', () => {
    const limitTp = { type: 'LIMIT' as const, side: 'SELL' as const, price: d('65650'), qty: d('0.01'), reduceOnly: true };
    expect(amendable(want(limitTp), active({ ...limitTp, price: d('65000'), filledQty: d('0.004') }), true)).toBe(true);
  });
});

describe('order fields at a boundary', () => {
  test('absent flags are left out, not carried as undefined; present ones are kept', () => {
    expect(plainOrderFields({ side: 'BUY', type: 'LIMIT', price: d('64350.0'), qty: d('0.010') }))
      .toStrictEqual({ side: 'BUY', type: 'LIMIT', price: '64350', qty: '0.01' });
    expect(Object.keys(plainOrderFields({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63700') }))).toEqual(['side', 'type', 'triggerPrice']);
    expect(plainOrderFields({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63700'), reduceOnly: false, closePosition: true }))
      .toStrictEqual({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: '63700', reduceOnly: false, closePosition: true });
  });
});
