// The forbid checks are computed by the runner from the trace it fed and observed. These tests
// build traces by hand (what a faulty runtime would produce) and assert each check catches them.
import { findViolations, type ForbidInputs } from '../src/conformance/forbid.js';
import { Trace, type TraceEntry } from '../src/conformance/trace.js';

const SCOPE = 'generic:linear:BTCUSDT:LONG';

function inputs(entries: TraceEntry[], over: Partial<ForbidInputs> = {}): ForbidInputs {
  const trace = new Trace();
  for (const e of entries) trace.add(e);
  return {
    trace, exchange: 'generic', mode: 'demo', confirmationTimeoutMs: 5000, fixtureScopeKey: SCOPE, protectiveSlots: ['SL', 'TP'],
    initialContexts: new Map(), initialOpenOrderIds: [], initialPending: [], openOrderIds: [], pendingIds: [], ...over,
  };
}

const sub = (seq: number, action: string, slot: string, customOrderId: string, atMs = 0, extra: Partial<TraceEntry> = {}): TraceEntry =>
  ({ t: 'submission', seq, action, slot, scopeKey: SCOPE, customOrderId, serviceReady: true, duringCommand: false, durable: true, atMs, ...extra }) as TraceEntry;
const req = (action: string, slot: string, customOrderId: string): TraceEntry => ({ t: 'request', action, slot, scopeKey: SCOPE, customOrderId, atMs: 0 });

describe('forbid checks catch faulty traces', () => {
  test('duplicate place while the first is in flight', () => {
    expect(findViolations(inputs([req('place', 'SL', 'a'), sub(1, 'place', 'SL', 'a'), req('place', 'SL', 'b'), sub(2, 'place', 'SL', 'b')]))).toContain('duplicate_place_while_pending');
  });

  test('a second place after the first was rejected is allowed', () => {
    const v = findViolations(inputs([req('place', 'SL', 'a'), sub(1, 'place', 'SL', 'a'), { t: 'answer', seq: 1, action: 'place', customOrderId: 'a', outcome: 'rejected', atMs: 0 }, req('place', 'SL', 'b'), sub(2, 'place', 'SL', 'b')]));
    expect(v).not.toContain('duplicate_place_while_pending');
  });

  test('a second place after an unknown outcome needs a lookup first', () => {
    const base: TraceEntry[] = [req('place', 'SL', 'a'), sub(1, 'place', 'SL', 'a'), { t: 'answer', seq: 1, action: 'place', customOrderId: 'a', outcome: 'timeout', atMs: 0 }];
    expect(findViolations(inputs([...base, req('place', 'SL', 'b'), sub(2, 'place', 'SL', 'b')]))).toContain('duplicate_place_while_pending');
    expect(findViolations(inputs([...base, { t: 'lookup', customOrderId: 'a', atMs: 0 }, req('place', 'SL', 'b'), sub(2, 'place', 'SL', 'b')]))).not.toContain('duplicate_place_while_pending');
  });

  test('duplicate cancel of one target', () => {
    const ctx = new Map([['x', { slot: 'TP', scopeKey: SCOPE }]]);
    expect(findViolations(inputs([sub(1, 'cancel', 'TP', 'x'), sub(2, 'cancel', 'TP', 'x')], { initialContexts: ctx }))).toContain('duplicate_cancel_while_pending');
  });

  test('exchange submit in dry run or during a command', () => {
    expect(findViolations(inputs([req('place', 'SL', 'a'), sub(1, 'place', 'SL', 'a')], { mode: 'dry_run' }))).toContain('exchange_submit_called');
    expect(findViolations(inputs([req('place', 'SL', 'a'), sub(1, 'place', 'SL', 'a', 0, { duringCommand: true } as never)]))).toContain('exchange_submit_called');
  });

  test('submission before readiness and without a durable context', () => {
    const v = findViolations(inputs([req('place', 'SL', 'a'), sub(1, 'place', 'SL', 'a', 0, { serviceReady: false, durable: false } as never)]));
    expect(v).toEqual(expect.arrayContaining(['submission_before_service_ready', 'submit_without_durable_context']));
  });

  test('cancel of an order nobody registered is an unowned mutation', () => {
    expect(findViolations(inputs([req('cancel', 'TP', 'manual-1')]))).toContain('unowned_order_mutated');
  });

  test('DCA planned while a configured protective slot has no trusted order', () => {
    const ctx = new Map([['sl-1', { slot: 'SL', scopeKey: SCOPE }]]);
    expect(findViolations(inputs([req('place', 'DCA1', 'd')], { initialContexts: ctx, initialOpenOrderIds: ['sl-1'] }))).toContain('exposure_increasing_dca_before_protection_trusted');
    const both = new Map([...ctx, ['tp-1', { slot: 'TP', scopeKey: SCOPE }]]);
    expect(findViolations(inputs([req('place', 'DCA1', 'd')], { initialContexts: both, initialOpenOrderIds: ['sl-1', 'tp-1'] }))).not.toContain('exposure_increasing_dca_before_protection_trusted');
  });

  test('REST hydration started by a healthy private event', () => {
    expect(findViolations(inputs([{ t: 'hydration', subject: 'recovery', scopeKey: SCOPE, cause: 'private_event', openOrderIds: [], atMs: 10 }]))).toEqual(
      expect.arrayContaining(['private_event_triggers_rest_hydration', 'confirmed_context_enters_recovery']),
    );
    expect(findViolations(inputs([{ t: 'hydration', subject: 'reconnect', cause: 'private_stream', openOrderIds: [], atMs: 10 }]))).toEqual([]);
  });

  test('a privately confirmed order missing at the end, and an order evidenced only by a fill', () => {
    const v = findViolations(inputs([{ t: 'event', kind: 'order', customOrderId: 'a', status: 'NEW', terminal: false, atMs: 0 }, { t: 'event', kind: 'execution', customOrderId: 'b', terminal: false, atMs: 0 }], { openOrderIds: ['b'] }));
    expect(v).toEqual(expect.arrayContaining(['rest_acceptance_downgrades_trusted_order', 'fill_treated_as_open_order_confirmation']));
  });
});
