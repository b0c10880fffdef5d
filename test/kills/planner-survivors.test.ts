// Kills for the surviving mutants of src/domain/planner.ts (issue 9, docs/MUTATION_SURVIVORS.md).
// Each case states a planner rule from SPEC.md: section 3 (slots: each slot is its own; same-slot
// amendable changes are amended; protection before exposure), section 4 (a flat position cleans
// its app-owned orders; a slot the strategy no longer has is cleaned) and lesson 18 (protection the
// venue refused as "would trigger immediately" is retried only once the mark lets it rest).
import { Decimal } from '../../src/domain/decimal.js';
import { planScope, type AppOrder, type Plan, type ScopeView } from '../../src/domain/planner.js';
import type { OrderRow } from '../../src/domain/rows.js';
import type { Strategy } from '../../src/domain/strategy.js';

const d = (s: string) => new Decimal(s);
const TRUSTED = { order: 'trusted', position: 'trusted', filter: 'trusted', context: 'trusted' } as const;
const FILTERS = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };
// Long at 65000: TP 1% = 65650, SL 2% = 63700, DCA1 1% below = 64350 (0.01), DCA2 1.5% below = 64025 (0.005).
// Short at 65000: TP 64350, SL 66300.
const STRATEGY: Strategy = { takeProfitPct: d('1'), stopLossPct: d('2'), dca: [{ offsetPct: d('1'), sizePct: d('100') }, { offsetPct: d('1.5'), sizePct: d('50') }] };

function view(over: Partial<ScopeView> = {}): ScopeView {
  return {
    side: 'LONG', product: 'linear', strategy: STRATEGY, trust: { ...TRUSTED }, recoveryRequired: false,
    position: { size: d('0.01'), entryPrice: d('65000') }, filters: FILTERS, appOrders: [], pending: [], consumedDcaSteps: 0,
    oppositeSideBusy: false, ...over,
  };
}

const row = (id: string, over: Partial<OrderRow>): OrderRow => ({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: id, status: 'NEW', side: 'SELL', type: 'LIMIT', ...over });
const sl = (id = 'sl-1'): AppOrder => ({ slot: 'SL', customOrderId: id, row: row(id, { type: 'STOP_MARKET', triggerPrice: d('63700'), closePosition: true }) });
const tp = (id = 'tp-1'): AppOrder => ({ slot: 'TP', customOrderId: id, row: row(id, { price: d('65650'), qty: d('0.01'), reduceOnly: true }) });
const shortSl: AppOrder = { slot: 'SL', customOrderId: 'sl-s', row: row('sl-s', { managedSide: 'SHORT', side: 'BUY', type: 'STOP_MARKET', triggerPrice: d('66300'), closePosition: true }) };
const shortTp: AppOrder = { slot: 'TP', customOrderId: 'tp-s', row: row('tp-s', { managedSide: 'SHORT', side: 'BUY', price: d('64350'), qty: d('0.01'), reduceOnly: true }) };
const dca = (step: number, id: string, price: string, qty: string): AppOrder => ({ slot: `DCA${step}`, customOrderId: id, row: row(id, { side: 'BUY', price: d(price), qty: d(qty) }) });

/** What the plan does, in short: family, [action, slot, target], blocks, note. */
const brief = (p: Plan) => ({
  family: p.family,
  mutations: p.mutations.map((m) => [m.action, m.slot, 'target' in m ? m.target : undefined]),
  blocks: p.blocks,
  note: p.note,
});

describe('a flat position cleans every app order (section 4)', () => {
  test('an order with an amend in flight is still cancelled; only a pending cancel is already cleaning it', () => {
    const flat = { position: { size: d('0'), entryPrice: d('0') } };
    const p = planScope(view({ ...flat, appOrders: [sl(), tp()], pending: [{ action: 'amend', slot: 'TP', customOrderId: 'tp-1' }, { action: 'place', slot: 'SL', customOrderId: 'sl-1' }] }));
    expect(brief(p)).toMatchObject({ family: 'cleanup', mutations: [['cancel', 'SL', 'sl-1'], ['cancel', 'TP', 'tp-1']] });
  });
});

describe('each slot is its own (section 3)', () => {
  test('an SL left from a strategy that no longer has one is cancelled', () => {
    const strategy: Strategy = { takeProfitPct: d('1'), dca: [] };
    expect(brief(planScope(view({ strategy, appOrders: [sl(), tp()] })))).toMatchObject({ family: 'cleanup', mutations: [['cancel', 'SL', 'sl-1']] });
  });

  test('a DCA1 off its level is amended, even when DCA2 rests at DCA1\'s level', () => {
    const p = planScope(view({ appOrders: [sl(), tp(), dca(1, 'd-1', '64000', '0.01'), dca(2, 'd-2', '64350', '0.01')] }));
    expect(brief(p)).toMatchObject({ family: 'dca', mutations: [['amend', 'DCA1', 'd-1']] });
  });

  test('two DCA steps resting at one level are not duplicates of each other', () => {
    // DCA2's order (the lower id) sits at DCA1's level; DCA1's own order is exactly what DCA1 wants.
    const p = planScope(view({ appOrders: [sl(), tp(), dca(1, 'd-b', '64350', '0.01'), dca(2, 'd-a', '64350', '0.01')] }));
    expect(brief(p)).toMatchObject({ family: 'noop', mutations: [], note: 'dca_step_active' });
  });

  test('protection counts only orders of its own slot: an exit order recorded under a DCA slot is not the TP', () => {
    const misplaced: AppOrder = { slot: 'DCA1', customOrderId: 'x-1', row: row('x-1', { price: d('65600'), qty: d('0.01'), reduceOnly: true }) };
    expect(brief(planScope(view({ appOrders: [sl(), misplaced] })))).toMatchObject({ family: 'protective', mutations: [['place', 'TP', undefined]] });
    const atLevel: AppOrder = { ...misplaced, row: { ...misplaced.row, price: d('65650') } };
    expect(brief(planScope(view({ appOrders: [sl(), atLevel] })))).toMatchObject({ family: 'protective', mutations: [['place', 'TP', undefined]] });
  });
});

describe('exposure waits only for DCA work in flight (section 3)', () => {
  test('a pending cancel of a slot the strategy dropped does not hold the next DCA step', () => {
    const strategy: Strategy = { stopLossPct: d('2'), dca: [{ offsetPct: d('1'), sizePct: d('100') }] };
    const p = planScope(view({ strategy, appOrders: [sl(), tp()], pending: [{ action: 'cancel', slot: 'TP', customOrderId: 'tp-1' }] }));
    expect(brief(p)).toMatchObject({ family: 'dca', mutations: [['place', 'DCA1', undefined]] });
  });
});

describe('refused protection is re-placed only where it would rest (lesson 18)', () => {
  const refused = (side: 'LONG' | 'SHORT', slot: 'SL' | 'TP', mark?: string) => {
    const other = side === 'LONG' ? (slot === 'SL' ? tp() : sl()) : (slot === 'SL' ? shortTp : shortSl);
    return brief(planScope(view({ side, appOrders: [other], unplaceable: { slot, fallback: 'alert', ...(mark ? { mark: d(mark) } : {}) } })));
  };
  const placed = (slot: string) => ({ family: 'protective', mutations: [['place', slot, undefined]] });
  const held = (slot: string) => ({ family: 'blocked', mutations: [], blocks: [{ slot, reason: 'protection_unplaceable' }] });

  test('a long\'s SL rests below the mark, its TP above', () => {
    expect(refused('LONG', 'SL', '64000')).toMatchObject(placed('SL'));
    expect(refused('LONG', 'SL', '63000')).toMatchObject(held('SL'));
    expect(refused('LONG', 'TP', '65000')).toMatchObject(placed('TP'));
    expect(refused('LONG', 'TP', '66000')).toMatchObject(held('TP'));
  });

  test('a short mirrors it: SL above the mark, TP below', () => {
    expect(refused('SHORT', 'SL', '66000')).toMatchObject(placed('SL'));
    expect(refused('SHORT', 'SL', '67000')).toMatchObject(held('SL'));
    expect(refused('SHORT', 'TP', '65000')).toMatchObject(placed('TP'));
    expect(refused('SHORT', 'TP', '64000')).toMatchObject(held('TP'));
  });

  test('no mark read yet: not known to rest, so it stays held', () => {
    expect(refused('LONG', 'SL')).toMatchObject(held('SL'));
    expect(refused('SHORT', 'TP')).toMatchObject(held('TP'));
  });
});

describe('one custom id is one order: rows sharing it are never cleaned as copies of each other (lesson 15)', () => {
  // Two venue rows under one custom id while its context does not know the venue id yet (the
  // submit's answer was lost): one of them may be another user's order. A cancel by that custom
  // id cannot say which one goes, so neither is cancelled as a duplicate or surplus of the other.
  const twin = (order: AppOrder, exchangeOrderId: string): AppOrder => ({ ...order, row: { ...order.row, exchangeOrderId } });

  test('two rows of one custom id that both satisfy the SL slot: neither is cancelled', () => {
    const p = planScope(view({ appOrders: [twin(sl(), '1'), twin(sl(), '2'), tp()] }));
    expect(p.mutations.filter((m) => m.action === 'cancel')).toEqual([]);
  });

  test('two rows of one custom id that both miss the TP level: neither is cancelled as surplus', () => {
    const off = (o: AppOrder): AppOrder => ({ ...o, row: { ...o.row, price: d('66000') } });
    const p = planScope(view({ appOrders: [sl(), twin(off(tp()), '1'), twin(off(tp()), '2')] }));
    expect(p.mutations.filter((m) => m.action === 'cancel')).toEqual([]);
  });
});

describe('the fallback close on spot (lesson 18, issue 14)', () => {
  const spot = (over: Partial<ScopeView>): ScopeView => view({
    product: 'spot', closePositionStops: false, closePositionStopsExclusive: false, amends: false,
    filters: { tickSize: d('0.01'), stepSize: d('0.00001'), minQty: d('0.00001'), minNotional: d('5') },
    unplaceable: { slot: 'SL', fallback: 'close' }, ...over,
  });
  const intents = (p: Plan) => p.mutations.map((m) => [m.action, m.slot, m.intent.side, m.intent.type, m.intent.qty?.toFixed(), m.intent.reduceOnly]);

  test('is a plain market sell of the holding: spot has no reduce-only', () => {
    expect(intents(planScope(spot({ protectionOrderList: false })))).toContainEqual(['place', 'SL', 'SELL', 'MARKET', '0.01', undefined]);
  });

  test('where protection is one order list, the close goes alone: nothing else may lock the base asset it sells', () => {
    expect(intents(planScope(spot({ protectionOrderList: true })))).toEqual([['place', 'SL', 'SELL', 'MARKET', '0.01', undefined]]);
  });
});
