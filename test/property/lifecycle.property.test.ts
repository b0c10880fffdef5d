// Property tests of the order lifecycle (order-lifecycle.ts) and settlement (reconcile.ts):
// random report sequences and random evidence, checked against DURABLE_CONTEXT_LIFECYCLE.md.
import fc from 'fast-check';
import { Decimal } from '../../src/domain/decimal.js';
import { advanceLifecycle, contextStatusOf, isTerminalLifecycle, type LifecycleReport, type LifecycleState } from '../../src/domain/order-lifecycle.js';
import { fillsOfOrder, settleOrder, type LookupAnswer, type SettleInput } from '../../src/domain/reconcile.js';
import { ORDER_STATUSES, TERMINAL_STATUSES, type ExecutionRow, type OrderRow, type OrderStatus } from '../../src/domain/rows.js';
import { fcParams } from './fc-params.js';

const STATES: LifecycleState[] = ['submitting', 'accepted', 'open', 'partially_filled', 'unknown', 'filled', 'canceled', 'rejected', 'expired', 'triggered', 'never_placed'];

const reportArb: fc.Arbitrary<LifecycleReport> = fc.oneof(
  fc.constantFrom<LifecycleReport>({ kind: 'rest_accepted' }, { kind: 'rest_rejected' }, { kind: 'rest_unknown' }, { kind: 'vanished' }, { kind: 'fill' }, { kind: 'never_placed' }),
  fc.constantFrom(...ORDER_STATUSES).map((status): LifecycleReport => ({ kind: 'status', status })),
);

describe('order lifecycle properties', () => {
  test('terminal is absorbing; a fill never opens an order; partly filled never goes back to open; REST answers only move a submitting order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATES), fc.array(reportArb, { maxLength: 25 }), (start, reports) => {
        let state = start;
        for (const report of reports) {
          const next = advanceLifecycle(state, report);
          // never_placed is a conclusion from absence: a venue status row proves it wrong (a late landing).
          const venueShowsIt = state === 'never_placed' && report.kind === 'status' && report.status !== 'AMENDED';
          if (isTerminalLifecycle(state) && !venueShowsIt) expect(next).toBe(state);
          if (report.kind === 'fill' && state !== 'open') expect(next).toBe(state);
          if (report.kind === 'fill' && state === 'open') expect(next).toBe('partially_filled');
          if (state === 'partially_filled' && !isTerminalLifecycle(next)) expect(next).not.toBe('open');
          if ((report.kind === 'rest_accepted' || report.kind === 'rest_rejected' || report.kind === 'rest_unknown') && state !== 'submitting') expect(next).toBe(state);
          // Only a request the venue never acknowledged can turn out never placed.
          if (next === 'never_placed' && state !== 'never_placed') expect(['submitting', 'unknown']).toContain(state);
          // The coarse status always follows the lifecycle.
          expect(contextStatusOf(next)).toBe(isTerminalLifecycle(next) ? 'terminal' : next === 'open' || next === 'partially_filled' ? 'active' : 'pending');
          state = next;
        }
      }),
      fcParams(500),
    );
  });

  test('once a terminal status is reported, every later report leaves the order where it ended', () => {
    fc.assert(
      fc.property(fc.array(reportArb, { maxLength: 10 }), fc.constantFrom<OrderStatus>('FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'TRIGGERED'), fc.array(reportArb, { maxLength: 15 }), (before, terminal, after) => {
        let state: LifecycleState = 'submitting';
        for (const r of before) state = advanceLifecycle(state, r);
        state = advanceLifecycle(state, { kind: 'status', status: terminal });
        expect(isTerminalLifecycle(state)).toBe(true);
        const ended = state;
        for (const r of after) state = advanceLifecycle(state, r);
        expect(state).toBe(ended);
      }),
      fcParams(300),
    );
  });
});

// ---- settlement ------------------------------------------------------------------------------------

const d = (n: number | string) => new Decimal(n);
const RETENTION = 3 * 24 * 3600 * 1000;

const orderRowArb: fc.Arbitrary<OrderRow> = fc.record({
  status: fc.constantFrom<OrderStatus>('NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'REJECTED', 'TRIGGERED'),
  filled: fc.constantFrom(0, 0, 1, 5),
}).map(({ status, filled }) => ({
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'c1', exchangeOrderId: 'x1', side: 'BUY', type: 'LIMIT', status,
  price: d(100), qty: d(5), ...(filled > 0 ? { filledQty: d(filled) } : {}),
}));

const fillArb: fc.Arbitrary<ExecutionRow> = fc.record({ n: fc.nat(1000), custom: fc.constantFrom('c1', 'other', undefined), exchange: fc.constantFrom('x1', 'x2', undefined) }).map(({ n, custom, exchange }) => ({
  kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', tradeId: `t${n}`, side: 'BUY', price: d(100), qty: d(1),
  ...(custom ? { customOrderId: custom } : {}), ...(exchange ? { exchangeOrderId: exchange } : {}),
}));

const settleInputArb: fc.Arbitrary<SettleInput> = fc.record({
  lifecycle: fc.constantFrom<LifecycleState>('submitting', 'accepted', 'open', 'partially_filled', 'unknown'),
  reachedVenue: fc.boolean(),
  inSnapshot: fc.boolean(),
  lookup: fc.oneof(fc.constantFrom<LookupAnswer>('absent', 'failed', 'not_asked'), orderRowArb),
  fills: fc.oneof(fc.constantFrom<'failed' | 'not_asked'>('failed', 'not_asked'), fc.array(fillArb, { maxLength: 3 })),
  ageMs: fc.oneof(fc.integer({ min: 0, max: RETENTION }), fc.integer({ min: RETENTION + 1, max: 2 * RETENTION })),
  retentionMs: fc.constant(RETENTION),
});

describe('settlement properties (lesson 12)', () => {
  test('evidence is never dropped: a failed lookup without fills never settles; absent never proves "never placed" for an order the venue held', () => {
    fc.assert(
      fc.property(settleInputArb, (input) => {
        const s = settleOrder(input);
        const hasFills = Array.isArray(input.fills) && input.fills.length > 0;
        if (input.lookup === 'failed' && !hasFills && !input.inSnapshot) expect(s.kind).toBe('unresolved');
        if (input.lookup === 'failed' && !hasFills) expect(s.kind === 'terminal').toBe(false);
        if (s.kind === 'terminal' && s.lifecycle === 'never_placed') {
          expect(input.reachedVenue).toBe(false);
          expect(input.lookup).toBe('absent');
          expect(input.fills).toEqual([]);
          expect(input.ageMs).toBeLessThanOrEqual(input.retentionMs);
        }
        // Fill evidence always wins over "absent": the order traded.
        if (hasFills && typeof input.lookup !== 'object' && !(input.inSnapshot && input.lookup !== 'absent')) {
          expect(s).toMatchObject({ kind: 'terminal', lifecycle: 'filled', filled: true });
        }
        // A lookup that answers decides (it is newer than the snapshot).
        if (typeof input.lookup === 'object') {
          if (TERMINAL_STATUSES.has(input.lookup.status)) {
            expect(s.kind).toBe('terminal');
            const traded = input.lookup.status === 'FILLED' || (input.lookup.filledQty?.gt(0) ?? false) || hasFills;
            expect(s.kind === 'terminal' && s.filled).toBe(traded);
          } else expect(s.kind).toBe('open');
        }
        // Unread history never lets "absent" settle anything.
        if (input.lookup === 'absent' && !input.inSnapshot && !Array.isArray(input.fills)) expect(s.kind).toBe('unresolved');
      }),
      fcParams(800),
    );
  });

  test('fillsOfOrder keeps exactly the fills of the order: by custom id unless the venue ids contradict, or by venue id', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 8 }), fc.constantFrom('x1', undefined), (fills, exchangeOrderId) => {
        const mine = fillsOfOrder(fills, { customOrderId: 'c1', exchangeOrderId });
        for (const f of fills) {
          const byCustom = f.customOrderId === 'c1' && !(exchangeOrderId && f.exchangeOrderId && f.exchangeOrderId !== exchangeOrderId);
          const byVenue = exchangeOrderId !== undefined && f.exchangeOrderId === exchangeOrderId;
          expect(mine.includes(f)).toBe(byCustom || byVenue);
        }
      }),
      fcParams(300),
    );
  });
});
