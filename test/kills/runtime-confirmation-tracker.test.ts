// Kills for the surviving mutants of src/runtime/confirmation-tracker.ts (issue 9,
// docs/MUTATION_SURVIVORS_RUNTIME.md), written from docs/CONFIRMATION_LIFECYCLE.md and SPEC
// sections 1 and 2: REST acceptance confirms nothing; a private row confirms a place, an AMENDED
// row (or one showing the amended values) an amend, a terminal row anything; a row that beats the
// REST answer is buffered once; the scope's timeout runs against the OLDEST accepted entry, and a
// restored entry (after a restart of a running service: no intent known) against its own age.
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderRow } from '../../src/domain/rows.js';
import { parseScopeKey } from '../../src/domain/scope.js';
import { ConfirmationTracker, pendingKey, type PendingConfirmation } from '../../src/runtime/confirmation-tracker.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';

const KEY = 'binance:linear:BTCUSDT:LONG';
const d = (s: string) => new Decimal(s);
const clock = { now: () => 1_000, setTimeout: () => 0, clearTimeout: () => undefined };

function tracker() {
  const journal = new Journal(clock as never);
  const records: JournalRecord[] = [];
  journal.subscribe((r) => records.push(r));
  return { t: new ConfirmationTracker(journal, parseScopeKey), records };
}

const entry = (over: Partial<PendingConfirmation>): Omit<PendingConfirmation, 'key'> => ({
  scopeKey: KEY, action: 'place', slot: 'SL', customOrderId: 'o1', state: 'accepted', sinceMs: 0, ...over,
});

const row = (over: Partial<OrderRow>): OrderRow => ({
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'o1', exchangeOrderId: '9', side: 'SELL', type: 'LIMIT', status: 'NEW',
  price: d('66000'), qty: d('0.02'), filledQty: d('0'), ...over,
});

const events = (records: JournalRecord[], name: string) => records.filter((r) => r.event === name);

describe('the confirmation timeout runs against the oldest accepted entry', () => {
  test('whatever order the entries were registered in (a restored entry is older than a fresh one)', () => {
    const { t } = tracker();
    // A fresh submission first, then entries restored after a restart with their own (older) ages.
    t.register(entry({ customOrderId: 'fresh', sinceMs: 50_000 }));
    t.register(entry({ customOrderId: 'restored-a', sinceMs: 20_000 }));
    t.register(entry({ customOrderId: 'restored-b', sinceMs: 30_000 }));
    expect(t.deadline(KEY, 1_000)).toBe(21_000);
  });

  test('the oldest first, then younger ones: still the oldest', () => {
    const { t } = tracker();
    t.register(entry({ customOrderId: 'a', sinceMs: 10_000 }));
    t.register(entry({ customOrderId: 'b', sinceMs: 30_000 }));
    t.register(entry({ customOrderId: 'c', sinceMs: 20_000 }));
    expect(t.deadline(KEY, 1_000)).toBe(11_000);
  });
});

describe('what a row confirms depends on the action (section 2)', () => {
  test('a cancel is not confirmed by a row showing the order still active', () => {
    const { t, records } = tracker();
    t.register(entry({ action: 'cancel', slot: 'TP' }));
    expect(t.onOrderRow(row({ status: 'NEW' }))).toEqual([]);
    expect(t.onOrderRow(row({ status: 'PARTIALLY_FILLED', filledQty: d('0.01') }))).toEqual([]);
    expect(t.get(pendingKey('cancel', 'o1'))).toBeDefined();
    expect(events(records, 'confirmation_matched')).toEqual([]);
    // Its terminal row does.
    expect(t.onOrderRow(row({ status: 'CANCELED' }))).toHaveLength(1);
    expect(t.get(pendingKey('cancel', 'o1'))).toBeUndefined();
  });

  test('a restored amend (its new values unknown) is not confirmed by a plain active row; AMENDED confirms it', () => {
    const { t } = tracker();
    t.register(entry({ action: 'amend', slot: 'TP' })); // restored: no intent
    expect(t.onOrderRow(row({ status: 'NEW' }))).toEqual([]);
    expect(t.get(pendingKey('amend', 'o1'))).toBeDefined();
    expect(t.onOrderRow(row({ status: 'AMENDED' }))).toHaveLength(1);
  });

  test('an amend of the price is confirmed by a plain row showing that price', () => {
    const { t } = tracker();
    t.register(entry({ action: 'amend', slot: 'TP', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d('66000') } }));
    expect(t.onOrderRow(row({ price: d('66000'), qty: d('0.5') }))).toHaveLength(1);
  });

  test('an amend of the quantity is confirmed by a plain row showing that quantity', () => {
    const { t } = tracker();
    t.register(entry({ action: 'amend', slot: 'TP', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', qty: d('0.02') } }));
    expect(t.onOrderRow(row({ price: d('61000'), qty: d('0.02') }))).toHaveLength(1);
  });

  test('a row without a price is no view of an amended limit order: it confirms no amend, not even of the quantity', () => {
    const { t } = tracker();
    t.register(entry({ action: 'amend', slot: 'TP', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', qty: d('0.02') } }));
    expect(t.onOrderRow(row({ price: undefined, qty: d('0.02') }))).toEqual([]);
    expect(t.get(pendingKey('amend', 'o1'))).toBeDefined();
  });

  test('an amend with the old values shown confirms nothing, whichever value is old', () => {
    const { t } = tracker();
    t.register(entry({ action: 'amend', slot: 'TP', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d('66000'), qty: d('0.02') } }));
    expect(t.onOrderRow(row({ price: d('65000'), qty: d('0.02') }))).toEqual([]);
    expect(t.onOrderRow(row({ price: d('66000'), qty: d('0.01') }))).toEqual([]);
    expect(t.onOrderRow(row({ price: d('66000'), qty: undefined }))).toEqual([]);
    expect(t.get(pendingKey('amend', 'o1'))).toBeDefined();
  });
});

describe('a row that beats the REST answer is buffered once', () => {
  test('two active rows before the answer: one `early_confirmation_buffered` line, the entry still pending', () => {
    const { t, records } = tracker();
    t.register(entry({ state: 'in_flight' }));
    expect(t.onOrderRow(row({ status: 'NEW' }))).toEqual([]);
    expect(t.onOrderRow(row({ status: 'PARTIALLY_FILLED', filledQty: d('0.01') }))).toEqual([]);
    expect(events(records, 'early_confirmation_buffered')).toHaveLength(1);
    expect(t.get(pendingKey('place', 'o1'))?.earlyConfirmed).toBe(true);
  });
});

describe('`confirmation_matched` says the stream confirmed a request or showed it terminal, nothing else', () => {
  test('a terminal row of a placed order is journaled as matched, resolution `terminal`', () => {
    const { t, records } = tracker();
    t.register(entry({}));
    expect(t.onOrderRow(row({ status: 'FILLED', filledQty: d('0.02') }))).toHaveLength(1);
    expect(events(records, 'confirmation_matched')).toEqual([expect.objectContaining({ customOrderId: 'o1', action: 'place', resolution: 'terminal', status: 'FILLED' })]);
  });

  test('an active row confirming a place is journaled as matched, resolution `confirmed`', () => {
    const { t, records } = tracker();
    t.register(entry({}));
    t.onOrderRow(row({ status: 'NEW' }));
    expect(events(records, 'confirmation_matched')).toEqual([expect.objectContaining({ resolution: 'confirmed', status: 'NEW' })]);
  });

  test.each(['rejected', 'benign_race', 'recovered'] as const)('an entry resolved as %s is not journaled as a confirmation', (how) => {
    const { t, records } = tracker();
    t.register(entry({}));
    expect(t.resolve(pendingKey('place', 'o1'), how)).toBeDefined();
    expect(t.get(pendingKey('place', 'o1'))).toBeUndefined();
    expect(events(records, 'confirmation_matched')).toEqual([]);
  });
});

describe('a request still waiting on its REST answer is not yet waiting on a confirmation (docs/CONFIRMATION_LIFECYCLE.md)', () => {
  test('awaitingConfirmation leaves in-flight entries out', () => {
    const { t } = tracker();
    t.register(entry({ customOrderId: 'sent', state: 'in_flight', sinceMs: 0 }));
    t.register(entry({ customOrderId: 'acked', state: 'accepted', sinceMs: 10 }));
    expect(t.awaitingConfirmation(KEY).map((p) => p.customOrderId)).toEqual(['acked']);
  });

  test('the timeout deadline counts only accepted entries: an older in-flight one does not bring it forward', () => {
    const { t } = tracker();
    t.register(entry({ customOrderId: 'sent', state: 'in_flight', sinceMs: 0 }));
    t.register(entry({ customOrderId: 'acked', state: 'accepted', sinceMs: 500 }));
    expect(t.deadline(KEY, 1_000)).toBe(1_500);
  });
});

describe('what a private row confirms (docs/CONFIRMATION_LIFECYCLE.md)', () => {
  test('a cancel is confirmed only by a terminal row: the order still showing NEW confirms nothing', () => {
    const { t } = tracker();
    t.register(entry({ action: 'cancel' }));
    expect(t.onOrderRow(row({ status: 'NEW' }))).toEqual([]);
    expect(t.awaitingConfirmation(KEY)).toHaveLength(1);
  });

  test('a cancel\'s terminal row is the cancel confirmed, not the order ended some other way', () => {
    const { t, records } = tracker();
    t.register(entry({ action: 'cancel' }));
    t.onOrderRow(row({ status: 'CANCELED' }));
    expect(events(records, 'confirmation_matched').map((r) => [r.action, r.resolution])).toEqual([['cancel', 'confirmed']]);
  });

  test('an amended stop is confirmed by its new trigger, not by a row still showing the old one', () => {
    const { t } = tracker();
    t.register(entry({ action: 'amend', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63000'), qty: d('0.02') } }));
    expect(t.onOrderRow(row({ type: 'STOP_MARKET', price: undefined, triggerPrice: d('62000'), qty: d('0.02') }))).toEqual([]);
    expect(t.onOrderRow(row({ type: 'STOP_MARKET', price: undefined, triggerPrice: d('63000'), qty: d('0.02') }))).toHaveLength(1);
  });
});
