// Issue 14: where the venue's protection is ONE order list (Binance spot OCO: the SL and TP lock
// the same base asset), the planner never amends a leg, cancels the open list before a new one
// (never two lists at once), and then places the SL and TP together in one pass (the runtime
// pairs them into one request). Venues without the capability keep their behaviour.
import { Decimal } from '../../src/domain/decimal.js';
import { planScope, type AppOrder, type ScopeView } from '../../src/domain/planner.js';
import type { OrderRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const row = (id: string, over: Partial<OrderRow>): OrderRow => ({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'BOTH', customOrderId: id, status: 'NEW', side: 'SELL', type: 'LIMIT', reduceOnly: false, closePosition: false, ...over });
const sl = (qty: string, trigger: string): AppOrder => ({ slot: 'SL', customOrderId: 'sl-1', row: row('sl-1', { type: 'STOP_MARKET', triggerPrice: d(trigger), qty: d(qty) }) });
const tp = (qty: string, price: string): AppOrder => ({ slot: 'TP', customOrderId: 'tp-1', row: row('tp-1', { price: d(price), qty: d(qty) }) });
const dca: AppOrder = { slot: 'DCA1', customOrderId: 'dca-1', row: row('dca-1', { side: 'BUY', price: d('64350'), qty: d('0.01') }) };

function spot(over: Partial<ScopeView>): ScopeView {
  return {
    side: 'LONG', product: 'spot', strategy: { takeProfitPct: d('1'), stopLossPct: d('2'), dca: [{ offsetPct: d('1'), sizePct: d('100') }] },
    trust: { order: 'trusted', position: 'trusted', filter: 'trusted', context: 'trusted' }, recoveryRequired: false,
    position: { size: d('0.01'), entryPrice: d('65000') }, filters: { tickSize: d('0.01'), stepSize: d('0.00001'), minQty: d('0.00001'), minNotional: d('5') },
    appOrders: [], pending: [], consumedDcaSteps: 0, oppositeSideBusy: false,
    closePositionStops: false, closePositionStopsExclusive: false, protectionOrderList: true, amends: false, ...over,
  };
}
const summary = (v: ScopeView) => {
  const p = planScope(v);
  return { family: p.family, mutations: p.mutations.map((m) => `${m.action} ${m.slot}${'target' in m ? ` ${m.target}` : ''}`) };
};

test('nothing open: the SL and TP are placed in one pass (quantity, no reduce-only), the DCA buy waits', () => {
  const plan = planScope(spot({}));
  expect(plan.family).toBe('protective');
  expect(plan.mutations.map((m) => [m.action, m.slot, m.intent.type, m.intent.qty?.toFixed(), m.intent.reduceOnly, m.intent.closePosition])).toEqual([
    ['place', 'SL', 'STOP_MARKET', '0.01', undefined, undefined],
    ['place', 'TP', 'LIMIT', '0.01', undefined, undefined],
  ]);
});

test('the list matches the holding: nothing to do for protection, the DCA buy goes out', () => {
  expect(summary(spot({ appOrders: [sl('0.01', '63700'), tp('0.01', '65650')] }))).toEqual({ family: 'dca', mutations: ['place DCA1'] });
});

test('the holding grew (a DCA fill): the open list is cancelled first (both legs, one pass), never amended, nothing placed beside it', () => {
  const grown = spot({ appOrders: [sl('0.01', '63700'), tp('0.01', '65650')], position: { size: d('0.02'), entryPrice: d('64675') }, consumedDcaSteps: 1 });
  expect(summary(grown)).toEqual({ family: 'cleanup', mutations: ['cancel SL sl-1', 'cancel TP tp-1'] });
});

test('only one leg is off (the TP price): the whole list is still replaced (cancel first)', () => {
  expect(summary(spot({ appOrders: [sl('0.01', '63700'), tp('0.01', '66000')], consumedDcaSteps: 1 }))).toEqual({ family: 'cleanup', mutations: ['cancel SL sl-1', 'cancel TP tp-1'] });
});

test('while the cancels are pending nothing new goes out; once the list is gone both legs are placed together', () => {
  const pending = spot({
    appOrders: [sl('0.01', '63700'), tp('0.01', '65650')], position: { size: d('0.02'), entryPrice: d('64675') }, consumedDcaSteps: 1,
    pending: [{ action: 'cancel', slot: 'SL', customOrderId: 'sl-1' }, { action: 'cancel', slot: 'TP', customOrderId: 'tp-1' }],
  });
  expect(summary(pending)).toEqual({ family: 'noop', mutations: [] });
  const gone = spot({ position: { size: d('0.02'), entryPrice: d('64675') }, consumedDcaSteps: 1 });
  expect(summary(gone)).toEqual({ family: 'protective', mutations: ['place SL', 'place TP'] });
});

test('a DCA buy open beside a list to replace: only the list is cancelled (the buy locks quote, not base)', () => {
  const grown = spot({ appOrders: [sl('0.01', '63700'), tp('0.01', '65650'), dca], position: { size: d('0.02'), entryPrice: d('64675') } });
  expect(summary(grown).mutations).toEqual(['cancel SL sl-1', 'cancel TP tp-1']);
});

test('flat: every app order is cancelled (the list and the DCA buy)', () => {
  expect(summary(spot({ appOrders: [sl('0.01', '63700'), tp('0.01', '65650'), dca], position: { size: d('0'), entryPrice: d('0') } }))).toEqual({
    family: 'cleanup', mutations: ['cancel SL sl-1', 'cancel TP tp-1', 'cancel DCA1 dca-1'],
  });
});

test('no amend on spot: a DCA step whose size moved (another buy grew the holding) is cancelled, then placed again', () => {
  const listed = [sl('0.011', '63700'), tp('0.011', '65650')];
  const moved = spot({ appOrders: [...listed, dca], position: { size: d('0.011'), entryPrice: d('65000') } });
  expect(summary(moved)).toEqual({ family: 'cleanup', mutations: ['cancel DCA1 dca-1'] });
  const gone = spot({ appOrders: listed, position: { size: d('0.011'), entryPrice: d('65000') } });
  const plan = planScope(gone);
  expect(plan.mutations.map((m) => [m.action, m.slot, m.intent.qty?.toFixed()])).toEqual([['place', 'DCA1', '0.011']]);
  // where the venue amends (the capability absent), the same step is amended
  expect(summary({ ...moved, amends: undefined, protectionOrderList: undefined })).toEqual({ family: 'dca', mutations: ['amend DCA1 dca-1'] });
});

test('without the capability (Binance USD-M, Bybit): the TP is amended in place and the SL placed beside the old one, as before', () => {
  const view = spot({ protectionOrderList: undefined, amends: undefined, product: 'linear', appOrders: [sl('0.01', '63700'), { ...tp('0.01', '65650'), row: { ...tp('0.01', '65650').row, reduceOnly: true } }], position: { size: d('0.02'), entryPrice: d('64675') } });
  const s = summary({ ...view, appOrders: view.appOrders.map((o) => (o.slot === 'SL' ? { ...o, row: { ...o.row, reduceOnly: true } } : o)) });
  expect(s.family).toBe('protective');
  expect(s.mutations).toEqual(['place SL', 'amend TP tp-1']);
});
