// An amend is confirmed by the venue's own word: a row saying AMENDED, or an active row that shows
// the amended price and quantity (a venue or adapter that reports the change as a plain update).
// A row still showing the old values confirms nothing: the scope keeps waiting, and a missed
// deadline sends it to recovery instead of planning on a change that may not have happened.
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderRow } from '../../src/domain/rows.js';
import { parseScopeKey } from '../../src/domain/scope.js';
import { systemClock } from '../../src/runtime/clock.js';
import { ConfirmationTracker, pendingKey } from '../../src/runtime/confirmation-tracker.js';
import { Journal } from '../../src/runtime/journal.js';

const KEY = 'binance:linear:BTCUSDT:LONG';
const d = (s: string) => new Decimal(s);

function trackerWithAmend(intent: { price?: string; qty?: string }) {
  const tracker = new ConfirmationTracker(new Journal(systemClock), parseScopeKey);
  tracker.register({
    scopeKey: KEY, action: 'amend', slot: 'TP', customOrderId: 'tp1', state: 'accepted', sinceMs: 0,
    intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', ...(intent.price ? { price: d(intent.price) } : {}), ...(intent.qty ? { qty: d(intent.qty) } : {}) },
  });
  return tracker;
}

const row = (over: Partial<OrderRow>): OrderRow => ({
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'tp1', exchangeOrderId: '9', side: 'SELL', type: 'LIMIT', status: 'NEW',
  price: d('66000'), qty: d('0.02'), filledQty: d('0'), ...over,
});
const stillPending = (t: ConfirmationTracker) => t.get(pendingKey('amend', 'tp1')) !== undefined;

test('a plain update showing the new price and quantity confirms the amend', () => {
  const t = trackerWithAmend({ price: '66000', qty: '0.02' });
  expect(t.onOrderRow(row({}))).toHaveLength(1);
  expect(stillPending(t)).toBe(false);
});

test('the old price, or the old quantity, confirms nothing', () => {
  const t = trackerWithAmend({ price: '66000', qty: '0.02' });
  expect(t.onOrderRow(row({ price: d('65000') }))).toEqual([]);
  expect(t.onOrderRow(row({ qty: d('0.01') }))).toEqual([]);
  expect(t.onOrderRow(row({ price: undefined }))).toEqual([]);
  expect(stillPending(t)).toBe(true);
});

test('an amend of the quantity alone is confirmed by the quantity (any price shown)', () => {
  const t = trackerWithAmend({ qty: '0.02' });
  expect(t.onOrderRow(row({ qty: d('0.03') }))).toEqual([]);
  expect(t.onOrderRow(row({ price: d('61000') }))).toHaveLength(1);
});

test('an amend of the price alone is confirmed by the price (any quantity shown)', () => {
  const t = trackerWithAmend({ price: '66000' });
  expect(t.onOrderRow(row({ price: d('66000.1') }))).toEqual([]);
  expect(t.onOrderRow(row({ qty: d('0.5') }))).toHaveLength(1);
});

test('a row saying AMENDED confirms whatever values it shows', () => {
  const t = trackerWithAmend({ price: '66000', qty: '0.02' });
  expect(t.onOrderRow(row({ status: 'AMENDED', price: d('1') }))).toHaveLength(1);
});
