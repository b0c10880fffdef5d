// Kills for src/domain/planner.ts (mutation testing, docs/TESTING.md), each case from SPEC
// section 1.7 (ONE family: recovery > cleanup > protective > dca, else noop or blocked), section 3
// (protection before exposure, DCA steps consumed in order, one pending step, equivalence,
// amend rather than replace) and section 4 (flat cleans app orders, side flip).
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderIntent } from '../../src/domain/order-intent.js';
import { planScope, type AppOrder, type Plan, type ScopeView } from '../../src/domain/planner.js';
import type { OrderRow } from '../../src/domain/rows.js';
import type { Strategy } from '../../src/domain/strategy.js';

const d = (s: string) => new Decimal(s);
const TRUSTED = { order: 'trusted', position: 'trusted', filter: 'trusted', context: 'trusted' } as const;
const FILTERS = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };
// Long at 65000: TP 1% = 65650, SL 2% = 63700, DCA1 1% below = 64350, DCA2 1.5% below = 64025.
const STRATEGY: Strategy = { takeProfitPct: d('1'), stopLossPct: d('2'), dca: [{ offsetPct: d('1'), sizePct: d('100') }, { offsetPct: d('1.5'), sizePct: d('50') }] };

function view(over: Partial<ScopeView> = {}): ScopeView {
  return {
    side: 'LONG', product: 'linear', strategy: STRATEGY, trust: { ...TRUSTED }, recoveryRequired: false,
    position: { size: d('0.01'), entryPrice: d('65000') }, filters: FILTERS, appOrders: [], pending: [], consumedDcaSteps: 0,
    oppositeSideBusy: false, ...over,
  };
}

const row = (id: string, over: Partial<OrderRow>): OrderRow => ({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: id, status: 'NEW', side: 'SELL', type: 'LIMIT', ...over });
const sl = (id = 'sl-1', trigger = '63700'): AppOrder => ({ slot: 'SL', customOrderId: id, row: row(id, { type: 'STOP_MARKET', triggerPrice: d(trigger), closePosition: true }) });
const slQty = (id: string, trigger: string, qty: string): AppOrder => ({ slot: 'SL', customOrderId: id, row: row(id, { type: 'STOP_MARKET', triggerPrice: d(trigger), qty: d(qty), reduceOnly: true }) });
const tp = (id = 'tp-1', price = '65650', qty = '0.01'): AppOrder => ({ slot: 'TP', customOrderId: id, row: row(id, { price: d(price), qty: d(qty), reduceOnly: true }) });
const dca = (step: number, id: string, price: string, qty: string): AppOrder => ({ slot: `DCA${step}`, customOrderId: id, row: row(id, { side: 'BUY', price: d(price), qty: d(qty) }) });

/** A plan with its decimals as text, for exact comparison. */
function show(p: Plan) {
  const intent = (i: OrderIntent) => Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v instanceof Decimal ? v.toFixed() : v]));
  return {
    family: p.family,
    mutations: p.mutations.map((m) => ({ action: m.action, slot: m.slot, ...('target' in m ? { target: m.target } : {}), intent: intent(m.intent) })),
    blocks: p.blocks,
    ...(p.note !== undefined ? { note: p.note } : {}),
  };
}

describe('family priority', () => {
  test('recovery comes before everything, even cleanup of a flat position', () => {
    const p = planScope(view({ recoveryRequired: true, position: { size: d('0'), entryPrice: d('0') }, appOrders: [tp()] }));
    expect(show(p)).toEqual({ family: 'recovery', mutations: [], blocks: [], note: 'recovery_required' });
  });

  test('untrusted orders block everything', () => {
    const p = planScope(view({ trust: { ...TRUSTED, order: 'untrusted' }, position: { size: d('0'), entryPrice: d('0') }, appOrders: [tp()] }));
    expect(show(p)).toEqual({ family: 'blocked', mutations: [], blocks: [{ reason: 'order_state_untrusted' }] });
  });

  test('a position waiting for its row blocks (also when it looks flat)', () => {
    expect(show(planScope(view({ trust: { ...TRUSTED, position: 'untrusted' } })))).toEqual({ family: 'blocked', mutations: [], blocks: [{ reason: 'awaiting_position_update' }] });
    expect(planScope(view({ trust: { ...TRUSTED, position: 'untrusted' }, position: { size: d('0'), entryPrice: d('0') }, appOrders: [tp()] })).family).toBe('blocked');
  });

  test('no position at all and no orders: noop, nothing to do', () => {
    expect(show(planScope(view({ position: undefined, trust: { ...TRUSTED, position: 'untrusted' } })))).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'flat' });
  });
});

describe('flat position cleans app-owned orders', () => {
  const flat = { position: { size: d('0'), entryPrice: d('0') } };

  test('every app order is cancelled', () => {
    const p = planScope(view({ ...flat, appOrders: [sl(), tp()] }));
    expect(p.family).toBe('cleanup');
    expect(p.mutations.map((m) => [m.action, m.slot, 'target' in m ? m.target : undefined])).toEqual([['cancel', 'SL', 'sl-1'], ['cancel', 'TP', 'tp-1']]);
  });

  test('a cancel already pending is not sent again; when all are pending, wait', () => {
    const p = planScope(view({ ...flat, appOrders: [sl(), tp()], pending: [{ action: 'cancel', slot: 'SL', customOrderId: 'sl-1' }] }));
    expect(p.mutations.map((m) => m.slot)).toEqual(['TP']);
    const all = planScope(view({ ...flat, appOrders: [sl(), tp()], pending: [{ action: 'cancel', slot: 'SL', customOrderId: 'sl-1' }, { action: 'cancel', slot: 'TP', customOrderId: 'tp-1' }] }));
    expect(show(all)).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'awaiting_cleanup_confirmation' });
  });

  test('a negative size is not an open long position', () => {
    expect(planScope(view({ position: { size: d('-0.01'), entryPrice: d('65000') }, appOrders: [tp()] })).family).toBe('cleanup');
  });
});

describe('before protection', () => {
  test('one-way: the other side is cleaned first', () => {
    expect(show(planScope(view({ oppositeSideBusy: true })))).toEqual({ family: 'blocked', mutations: [], blocks: [{ reason: 'awaiting_opposite_side_cleanup' }] });
  });

  test('missing or untrusted filters block', () => {
    expect(show(planScope(view({ filters: undefined })))).toEqual({ family: 'blocked', mutations: [], blocks: [{ reason: 'filters_missing' }] });
    expect(planScope(view({ trust: { ...TRUSTED, filter: 'untrusted' } })).blocks).toEqual([{ reason: 'filters_missing' }]);
  });
});

describe('protection before exposure', () => {
  test('a fresh position gets SL and TP in one pass, from the entry', () => {
    expect(show(planScope(view()))).toEqual({
      family: 'protective',
      blocks: [],
      mutations: [
        { action: 'place', slot: 'SL', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '63700', closePosition: true } },
        { action: 'place', slot: 'TP', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: '65650', qty: '0.01', reduceOnly: true } },
      ],
    });
  });

  test('a short mirrors the levels and the sides', () => {
    const p = planScope(view({ side: 'SHORT' }));
    expect(show(p).mutations).toEqual([
      { action: 'place', slot: 'SL', intent: { slot: 'SL', side: 'BUY', type: 'STOP_MARKET', triggerPrice: '66300', closePosition: true } },
      { action: 'place', slot: 'TP', intent: { slot: 'TP', side: 'BUY', type: 'LIMIT', price: '64350', qty: '0.01', reduceOnly: true } },
    ]);
  });

  test('spot has no close-position orders: SL carries the quantity, TP is not reduce-only', () => {
    const p = planScope(view({ product: 'spot' }));
    expect(show(p).mutations).toEqual([
      { action: 'place', slot: 'SL', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '63700', qty: '0.01' } },
      { action: 'place', slot: 'TP', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: '65650', qty: '0.01' } },
    ]);
  });

  test('only the missing protective slot is placed', () => {
    expect(show(planScope(view({ appOrders: [sl()] }))).mutations.map((m) => m.slot)).toEqual(['TP']);
    expect(show(planScope(view({ appOrders: [tp()] }))).mutations.map((m) => m.slot)).toEqual(['SL']);
  });

  test('pending protection holds DCA (a pending order is not trusted state)', () => {
    const p = planScope(view({ appOrders: [sl()], pending: [{ action: 'place', slot: 'TP', customOrderId: 'tp-2' }] }));
    expect(show(p)).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'awaiting_protection_confirmation' });
  });

  test('a protective slot that cannot be placed blocks DCA with its reason', () => {
    // SL 120% below entry is at or below zero: the level is rejected, and no exposure follows.
    const strategy: Strategy = { ...STRATEGY, stopLossPct: d('120') };
    const p = planScope(view({ strategy, appOrders: [tp()] }));
    expect(show(p)).toEqual({ family: 'blocked', mutations: [], blocks: [{ slot: 'SL', reason: 'long_sl_not_beyond_entry_rejected' }] });
  });

  test('a blocked slot is reported beside the protection that can go out', () => {
    const strategy: Strategy = { ...STRATEGY, stopLossPct: d('120') };
    const p = planScope(view({ strategy }));
    expect(show(p)).toEqual({
      family: 'protective',
      mutations: [{ action: 'place', slot: 'TP', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: '65650', qty: '0.01', reduceOnly: true } }],
      blocks: [{ slot: 'SL', reason: 'long_sl_not_beyond_entry_rejected' }],
    });
  });

  test('a same-slot price change is amended, not cancelled and re-placed', () => {
    const p = planScope(view({ appOrders: [sl(), tp('tp-1', '65000.5')] }));
    expect(show(p)).toEqual({
      family: 'protective', blocks: [],
      mutations: [{ action: 'amend', slot: 'TP', target: 'tp-1', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: '65650', qty: '0.01', reduceOnly: true } }],
    });
  });

  test('a stop with the wrong trigger is replaced (stops are not amendable), the old one cleaned after', () => {
    // Binance refuses a second close-position stop on one side (-4130): while the old one is open,
    // the replacement protects the whole position as a reduce-only stop, placed before the old goes.
    const p = planScope(view({ appOrders: [sl('sl-old', '60000'), tp()] }));
    expect(show(p).mutations).toEqual([{ action: 'place', slot: 'SL', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '63700', qty: '0.01', reduceOnly: true } }]);
    const after = planScope(view({ appOrders: [sl('sl-old', '60000'), slQty('sl-new', '63700', '0.01'), tp()] }));
    expect(show(after)).toEqual({ family: 'cleanup', blocks: [], mutations: [{ action: 'cancel', slot: 'SL', target: 'sl-old', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '60000', closePosition: true } }] });
    // Once the old stop is gone, the whole-position stop is the SL: nothing more to do.
    const settled = planScope(view({ appOrders: [slQty('sl-new', '63700', '0.01'), tp()], consumedDcaSteps: 2 }));
    expect(show(settled)).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'dca_ladder_complete' });
  });

  test('a close-position SL still replaces a reduce-only stop that no longer covers the position', () => {
    // No close-position stop is open, so the replacement takes the close-position form again.
    const p = planScope(view({ appOrders: [slQty('sl-q', '63700', '0.005'), tp()] }));
    expect(show(p).mutations).toEqual([{ action: 'place', slot: 'SL', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '63700', closePosition: true } }]);
    const after = planScope(view({ appOrders: [slQty('sl-q', '63700', '0.005'), sl('sl-cp'), tp()] }));
    expect(show(after).mutations.map((m) => ('target' in m ? m.target : m.action))).toEqual(['sl-q']);
  });

  test('a dust position (below the minimum quantity) has no whole-position form: the old close-position SL is cancelled first, then replaced', () => {
    const dust = { ...view().filters!, minQty: d('0.1') };
    const p = planScope(view({ appOrders: [sl('sl-old', '60000'), tp()], filters: dust }));
    expect(show(p)).toEqual({ family: 'cleanup', blocks: [], mutations: [{ action: 'cancel', slot: 'SL', target: 'sl-old', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '60000', closePosition: true } }] });
    // While that cancel is pending nothing else goes out for the slot; once it is gone, the close-position SL is placed.
    const pending = planScope(view({ appOrders: [sl('sl-old', '60000'), tp()], filters: dust, pending: [{ action: 'cancel', slot: 'SL', customOrderId: 'sl-old' }] }));
    expect(pending.mutations.filter((m) => m.slot === 'SL')).toEqual([]);
    const after = planScope(view({ appOrders: [tp()], filters: dust }));
    expect(show(after).mutations).toEqual([{ action: 'place', slot: 'SL', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '63700', closePosition: true } }]);
  });

  test('a reduce-only stop at the wrong level or not reduce-only does not count as the SL', () => {
    const wrongLevel = planScope(view({ appOrders: [slQty('sl-q', '63000', '0.01'), tp()] }));
    expect(wrongLevel.family).toBe('protective');
    const opening: AppOrder = { slot: 'SL', customOrderId: 'sl-o', row: row('sl-o', { type: 'STOP_MARKET', triggerPrice: d('63700'), qty: d('0.01') }) };
    expect(planScope(view({ appOrders: [opening, tp()] })).family).toBe('protective');
  });

  test('equivalent orders are left alone: decimal text and defaults do not matter', () => {
    const p = planScope(view({ appOrders: [sl('sl-1', '63700.00'), tp('tp-1', '65650.0', '0.010')], consumedDcaSteps: 2 }));
    expect(show(p)).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'dca_ladder_complete' });
  });

  test('two equivalent orders in one slot: the later id is the duplicate that goes', () => {
    const p = planScope(view({ appOrders: [sl(), tp('tp-b'), tp('tp-a')] }));
    expect(p.family).toBe('cleanup');
    expect(p.mutations.map((m) => ('target' in m ? m.target : ''))).toEqual(['tp-b']);
  });

  test('an app order in a slot the strategy no longer has is cleaned', () => {
    const strategy: Strategy = { stopLossPct: d('2'), dca: [] };
    const p = planScope(view({ strategy, appOrders: [sl(), tp()] }));
    expect(show(p).mutations.map((m) => [m.action, m.slot])).toEqual([['cancel', 'TP']]);
    const beyond = planScope(view({ strategy, appOrders: [sl(), dca(1, 'd-1', '64350', '0.01')] }));
    expect(beyond.mutations.map((m) => [m.action, m.slot])).toEqual([['cancel', 'DCA1']]);
  });

  test('a slot with pending work is not cleaned under it', () => {
    const strategy: Strategy = { stopLossPct: d('2'), dca: [] };
    const p = planScope(view({ strategy, appOrders: [sl(), tp()], pending: [{ action: 'amend', slot: 'TP', customOrderId: 'tp-1' }] }));
    expect(p.family).not.toBe('cleanup');
  });
});

describe('exposure last', () => {
  const protectedView = (over: Partial<ScopeView> = {}) => view({ appOrders: [sl(), tp()], ...over });

  test('DCA1 follows trusted protection', () => {
    expect(show(planScope(protectedView()))).toEqual({
      family: 'dca', blocks: [],
      mutations: [{ action: 'place', slot: 'DCA1', intent: { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: '64350', qty: '0.01' } }],
    });
  });

  test('steps are consumed in order: after DCA1, DCA2 from the same entry', () => {
    expect(show(planScope(protectedView({ consumedDcaSteps: 1 }))).mutations).toEqual([
      { action: 'place', slot: 'DCA2', intent: { slot: 'DCA2', side: 'BUY', type: 'LIMIT', price: '64025', qty: '0.005' } },
    ]);
    expect(show(planScope(protectedView({ consumedDcaSteps: 2 })))).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'dca_ladder_complete' });
  });

  test('a pending DCA place holds the ladder', () => {
    const p = planScope(protectedView({ pending: [{ action: 'place', slot: 'DCA1', customOrderId: 'd-1' }] }));
    expect(show(p)).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'awaiting_dca_confirmation' });
  });

  test('an active DCA order for the current step holds the next step', () => {
    const p = planScope(view({ appOrders: [sl(), tp(), dca(1, 'd-1', '64350', '0.01')] }));
    expect(show(p)).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'dca_step_active' });
  });

  test('an active DCA whose price moved is amended in place', () => {
    const p = planScope(view({ appOrders: [sl(), tp(), dca(1, 'd-1', '64000', '0.01')] }));
    expect(show(p)).toEqual({ family: 'dca', blocks: [], mutations: [{ action: 'amend', slot: 'DCA1', target: 'd-1', intent: { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: '64350', qty: '0.01' } }] });
  });

  test('a partly filled DCA is a consumed step: never amended, it holds the ladder', () => {
    const partly: AppOrder = { ...dca(1, 'd-1', '64000', '0.01'), row: { ...dca(1, 'd-1', '64000', '0.01').row, status: 'PARTIALLY_FILLED', filledQty: d('0.004') } };
    expect(show(planScope(view({ appOrders: [sl(), tp(), partly] })))).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'dca_step_active' });
  });

  test('a DCA level equal to the SL is rejected, long and short', () => {
    const strategy: Strategy = { takeProfitPct: d('1'), stopLossPct: d('2'), dca: [{ offsetPct: d('2'), sizePct: d('100') }] };
    expect(show(planScope(protectedView({ strategy })))).toEqual({ family: 'blocked', mutations: [], blocks: [{ slot: 'DCA1', reason: 'long_dca_equal_sl_rejected' }] });
    const short = view({ side: 'SHORT', strategy, appOrders: [
      { slot: 'SL', customOrderId: 'sl-s', row: row('sl-s', { side: 'BUY', type: 'STOP_MARKET', triggerPrice: d('66300'), closePosition: true }) },
      { slot: 'TP', customOrderId: 'tp-s', row: row('tp-s', { side: 'BUY', price: d('64350'), qty: d('0.01'), reduceOnly: true }) },
    ] });
    expect(show(planScope(short))).toEqual({ family: 'blocked', mutations: [], blocks: [{ slot: 'DCA1', reason: 'short_dca_equal_sl_rejected' }] });
  });

  test('a DCA below min notional is an explicit block, not a silent skip', () => {
    const p = planScope(protectedView({ filters: { ...FILTERS, minNotional: d('1000') } }));
    expect(show(p)).toEqual({ family: 'blocked', mutations: [], blocks: [{ slot: 'DCA1', reason: 'notional_below_min_notional' }] });
  });

  test('a system mode that holds exposure holds DCA, not protection', () => {
    expect(show(planScope(protectedView({ exposureAllowed: false })))).toEqual({ family: 'noop', mutations: [], blocks: [], note: 'exposure_held_by_system_mode' });
    expect(planScope(view({ exposureAllowed: false })).family).toBe('protective');
  });

  test('a TP-only strategy lets DCA follow a trusted TP', () => {
    const strategy: Strategy = { takeProfitPct: d('1'), dca: [{ offsetPct: d('1'), sizePct: d('100') }] };
    expect(planScope(view({ strategy, appOrders: [tp()] })).family).toBe('dca');
  });
});
