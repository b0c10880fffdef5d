// The planner takes the venue's capabilities as data (issue 14): the whole-position reduce-only
// replacement SL is used only where the venue refuses a second close-position stop on one side.
import { Decimal } from '../../src/domain/decimal.js';
import { planScope, type AppOrder, type ScopeView } from '../../src/domain/planner.js';
import type { OrderRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const row = (id: string, over: Partial<OrderRow>): OrderRow => ({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: id, status: 'NEW', side: 'SELL', type: 'LIMIT', ...over });
const oldSl: AppOrder = { slot: 'SL', customOrderId: 'sl-old', row: row('sl-old', { type: 'STOP_MARKET', triggerPrice: d('60000'), closePosition: true }) };
const tp: AppOrder = { slot: 'TP', customOrderId: 'tp-1', row: row('tp-1', { price: d('65650'), qty: d('0.01'), reduceOnly: true }) };

function view(over: Partial<ScopeView>): ScopeView {
  return {
    side: 'LONG', product: 'linear', strategy: { takeProfitPct: d('1'), stopLossPct: d('2'), dca: [] },
    trust: { order: 'trusted', position: 'trusted', filter: 'trusted', context: 'trusted' }, recoveryRequired: false,
    position: { size: d('0.01'), entryPrice: d('65000') }, filters: { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') },
    appOrders: [oldSl, tp], pending: [], consumedDcaSteps: 0, oppositeSideBusy: false, ...over,
  };
}

const placedSl = (v: ScopeView) => planScope(v).mutations.find((m) => m.action === 'place' && m.slot === 'SL')?.intent;

test.each([
  ['exclusive (Binance USD-M)', true],
  ['not stated (the safe reading)', undefined],
] as const)('close-position stops %s: the replacement is the whole-position reduce-only stop', (_name, exclusive) => {
  const intent = placedSl(view(exclusive === undefined ? {} : { closePositionStopsExclusive: exclusive }));
  expect(intent).toMatchObject({ type: 'STOP_MARKET', reduceOnly: true });
  expect(intent?.qty?.toFixed()).toBe('0.01');
  expect(intent?.closePosition).toBeUndefined();
});

test('a venue that accepts two close-position stops gets the close-position replacement directly', () => {
  const intent = placedSl(view({ closePositionStopsExclusive: false }));
  expect(intent).toMatchObject({ type: 'STOP_MARKET', closePosition: true });
  expect(intent?.qty).toBeUndefined();
});

describe('a venue without a close-position stop (Bybit V5: a conditional order always has a quantity)', () => {
  const bybit = { closePositionStops: false, closePositionStopsExclusive: false } as const;

  test('the SL is a reduce-only stop for the whole position, never closePosition', () => {
    const intent = placedSl(view({ ...bybit, appOrders: [tp] }));
    expect(intent).toMatchObject({ slot: 'SL', side: 'SELL', type: 'STOP_MARKET', reduceOnly: true });
    expect(intent?.qty?.toFixed()).toBe('0.01');
    expect(intent?.triggerPrice?.toFixed()).toBe('63700');
    expect(intent?.closePosition).toBeUndefined();
  });

  test('when the position grows, the SL for the old size is replaced by one for the new size', () => {
    const slFor = (qty: string): AppOrder => ({ slot: 'SL', customOrderId: 'sl-1', row: row('sl-1', { type: 'STOP_MARKET', triggerPrice: d('63700'), qty: d(qty), reduceOnly: true }) });
    expect(planScope(view({ ...bybit, appOrders: [slFor('0.01'), tp] })).mutations.filter((m) => m.slot === 'SL')).toEqual([]);
    const grown = view({ ...bybit, appOrders: [slFor('0.01'), { ...tp, row: { ...tp.row, qty: d('0.02'), price: d('65650') } }], position: { size: d('0.02'), entryPrice: d('65000') } });
    const placed = planScope(grown).mutations.find((m) => m.action === 'place' && m.slot === 'SL');
    expect(placed?.intent.qty?.toFixed()).toBe('0.02');
    expect(placed?.intent.reduceOnly).toBe(true);
  });

  test('a position below the venue\'s minimum quantity gets no SL, and the block says why', () => {
    const plan = planScope(view({ ...bybit, appOrders: [], position: { size: d('0.0004'), entryPrice: d('65000') } }));
    expect(plan.mutations.filter((m) => m.slot === 'SL')).toEqual([]);
    expect(plan.blocks.some((b) => b.slot === 'SL')).toBe(true);
  });
});

describe('a venue that amends an untriggered stop in place (Bybit V5: /v5/order/amend takes triggerPrice and qty)', () => {
  const bybit = { closePositionStops: false, closePositionStopsExclusive: false, stopsAmendable: true } as const;
  const slFor = (qty: string): AppOrder => ({ slot: 'SL', customOrderId: 'sl-1', row: row('sl-1', { type: 'STOP_MARKET', triggerPrice: d('63700'), qty: d(qty), reduceOnly: true }) });

  test('the grown position\'s SL is the same order amended to the new size and trigger: no second stop, no window with two', () => {
    const grown = view({ ...bybit, appOrders: [slFor('0.01'), { ...tp, row: { ...tp.row, qty: d('0.02'), price: d('65321.8') } }], position: { size: d('0.02'), entryPrice: d('64675') } });
    const sl = planScope(grown).mutations.filter((m) => m.slot === 'SL');
    expect(sl).toHaveLength(1);
    expect(sl[0]).toMatchObject({ action: 'amend', target: 'sl-1' });
    expect(sl[0]!.intent.qty?.toFixed()).toBe('0.02');
    expect(sl[0]!.intent.triggerPrice?.toFixed()).toBe('63381.5');
  });

  test('a close-position stop, or a venue that cannot amend stops, is replaced instead', () => {
    const grown = (over: Partial<ScopeView>) => planScope(view({ ...bybit, ...over, position: { size: d('0.02'), entryPrice: d('64675') } })).mutations.filter((m) => m.slot === 'SL');
    expect(grown({ appOrders: [slFor('0.01'), tp], stopsAmendable: false }).map((m) => m.action)).toEqual(['place']);
    expect(grown({ appOrders: [oldSl, tp], closePositionStops: true }).every((m) => m.action !== 'amend')).toBe(true);
  });
});

describe('property counterexample (planner.property "exits never over-cover", seed 368750086)', () => {
  test('two TPs in one slot, neither what the slot wants: the surplus is cancelled first, never the other amended beside it', () => {
    const tpAt = (id: string, price: string): AppOrder => ({ slot: 'TP', customOrderId: id, row: row(id, { price: d(price), qty: d('0.01'), reduceOnly: true }) });
    const plan = planScope(view({
      strategy: { takeProfitPct: d('0.1'), dca: [] }, position: { size: d('0.011'), entryPrice: d('10') },
      filters: { tickSize: d('0.01'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('0') },
      appOrders: [tpAt('app-0', '1000'), tpAt('app-1', '1001')], consumedDcaSteps: 1,
    }));
    expect(plan.mutations.map((m) => `${m.action} ${m.slot} ${'target' in m ? m.target : ''}`)).toEqual(['cancel TP app-1']);
  });
});
