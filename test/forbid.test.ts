// The forbid checks are computed by the runner from the trace it fed and from what crossed the
// scripted venue's boundary. These tests build traces by hand (what a faulty runtime would
// produce) and assert each check catches them.
import { findViolations, type ForbidInputs } from '../src/conformance/forbid.js';
import { Trace, type TraceEntry } from '../src/conformance/trace.js';

const SCOPE = 'generic:linear:BTCUSDT:LONG';

function inputs(entries: TraceEntry[], over: Partial<ForbidInputs> = {}): ForbidInputs {
  const trace = new Trace();
  for (const e of entries) trace.add(e);
  return {
    trace, exchange: 'generic', mode: 'demo', confirmationTimeoutMs: 5000, fixtureScopeKey: SCOPE, protectiveSlots: ['SL', 'TP'],
    initialContexts: new Map(), initialOpenOrderIds: [], initialVenueIds: new Map(), initialPending: [], openOrderIds: [], pendingIds: [], ...over,
  };
}

const sub = (seq: number, action: string, slot: string, customOrderId: string, atMs = 0, extra: Partial<TraceEntry> = {}): TraceEntry =>
  ({ t: 'submission', seq, action, slot, scopeKey: SCOPE, customOrderId, serviceReady: true, duringCommand: false, durable: true, atMs, ...extra }) as TraceEntry;
const lookup = (customOrderId: string, outcome: string): TraceEntry => ({ t: 'lookup', kind: 'lookup', customOrderId, outcome, atMs: 0 });

describe('forbid checks catch faulty traces', () => {
  test('duplicate place while the first is in flight', () => {
    expect(findViolations(inputs([sub(1, 'place', 'SL', 'a'), sub(2, 'place', 'SL', 'b')]))).toContain('duplicate_place_while_pending');
  });

  test('a second place after the first was rejected is allowed', () => {
    const v = findViolations(inputs([sub(1, 'place', 'SL', 'a'), { t: 'answer', seq: 1, action: 'place', customOrderId: 'a', outcome: 'rejected', code: -2019, atMs: 0 }, sub(2, 'place', 'SL', 'b')]));
    expect(v).not.toContain('duplicate_place_while_pending');
  });

  test('a second place after an unknown outcome needs a lookup first', () => {
    const base: TraceEntry[] = [sub(1, 'place', 'SL', 'a'), { t: 'answer', seq: 1, action: 'place', customOrderId: 'a', outcome: 'timeout', atMs: 0 }];
    expect(findViolations(inputs([...base, sub(2, 'place', 'SL', 'b')]))).toContain('duplicate_place_while_pending');
    expect(findViolations(inputs([...base, lookup('a', 'absent'), sub(2, 'place', 'SL', 'b')]))).not.toContain('duplicate_place_while_pending');
    // A lookup that failed settles nothing.
    expect(findViolations(inputs([...base, lookup('a', 'failed'), sub(2, 'place', 'SL', 'b')]))).toContain('duplicate_place_while_pending');
  });

  test("after a restart, a hydration that shows the dead process's order open settles its place; one that does not, settles nothing", () => {
    const restart: TraceEntry = { t: 'restart', atMs: 0 } as TraceEntry;
    const hydration = (openOrderIds: string[]): TraceEntry => ({ t: 'hydration', subject: 'startup', cause: 'startup', openOrderIds, atMs: 0 });
    const base: TraceEntry[] = [sub(1, 'place', 'TP', 'a'), restart];
    expect(findViolations(inputs([...base, hydration(['a']), sub(2, 'place', 'TP', 'b')]))).not.toContain('duplicate_place_while_pending');
    expect(findViolations(inputs([...base, hydration([]), sub(2, 'place', 'TP', 'b')]))).toContain('duplicate_place_while_pending');
    // Without a restart the same hydration settles nothing before the request's answer.
    expect(findViolations(inputs([sub(1, 'place', 'TP', 'a'), hydration(['a']), sub(2, 'place', 'TP', 'b')]))).toContain('duplicate_place_while_pending');
  });

  test('duplicate cancel of one target', () => {
    const ctx = new Map([['x', { slot: 'TP', scopeKey: SCOPE }]]);
    expect(findViolations(inputs([sub(1, 'cancel', 'TP', 'x'), sub(2, 'cancel', 'TP', 'x')], { initialContexts: ctx }))).toContain('duplicate_cancel_while_pending');
  });

  test('exchange submit in dry run or during a command', () => {
    expect(findViolations(inputs([sub(1, 'place', 'SL', 'a')], { mode: 'dry_run' }))).toContain('exchange_submit_called');
    expect(findViolations(inputs([sub(1, 'place', 'SL', 'a', 0, { duringCommand: true } as never)]))).toContain('exchange_submit_called');
  });

  test('submission before readiness and without a durable context', () => {
    const v = findViolations(inputs([sub(1, 'place', 'SL', 'a', 0, { serviceReady: false, durable: false } as never)]));
    expect(v).toEqual(expect.arrayContaining(['submission_before_service_ready', 'submit_without_durable_context']));
  });

  test('cancel of an order nobody registered is an unowned mutation', () => {
    expect(findViolations(inputs([sub(1, 'cancel', 'TP', 'manual-1')]))).toContain('unowned_order_mutated');
  });

  test('a cancel aimed at another venue order id under our custom id is an unowned mutation (lesson 15)', () => {
    const ctx = new Map([['tp-1', { slot: 'TP', scopeKey: SCOPE }]]);
    const ids = new Map([['tp-1', '111']]);
    expect(findViolations(inputs([sub(1, 'cancel', 'TP', 'tp-1', 0, { exchangeOrderId: '222' } as never)], { initialContexts: ctx, initialVenueIds: ids }))).toContain('unowned_order_mutated');
    expect(findViolations(inputs([sub(1, 'cancel', 'TP', 'tp-1', 0, { exchangeOrderId: '111' } as never)], { initialContexts: ctx, initialVenueIds: ids }))).not.toContain('unowned_order_mutated');
  });

  test('DCA planned while a configured protective slot has no trusted order', () => {
    const ctx = new Map([['sl-1', { slot: 'SL', scopeKey: SCOPE }]]);
    expect(findViolations(inputs([sub(1, 'place', 'DCA1', 'd')], { initialContexts: ctx, initialOpenOrderIds: ['sl-1'] }))).toContain('exposure_increasing_dca_before_protection_trusted');
    const both = new Map([...ctx, ['tp-1', { slot: 'TP', scopeKey: SCOPE }]]);
    expect(findViolations(inputs([sub(1, 'place', 'DCA1', 'd')], { initialContexts: both, initialOpenOrderIds: ['sl-1', 'tp-1'] }))).not.toContain('exposure_increasing_dca_before_protection_trusted');
  });

  test('REST hydration started by a healthy private event', () => {
    expect(findViolations(inputs([{ t: 'hydration', subject: 'recovery', scopeKey: SCOPE, cause: 'private_event', openOrderIds: [], atMs: 10 }]))).toEqual(
      expect.arrayContaining(['private_event_triggers_rest_hydration', 'confirmed_context_enters_recovery']),
    );
    expect(findViolations(inputs([{ t: 'hydration', subject: 'reconnect', cause: 'private_stream', openOrderIds: [], atMs: 10 }]))).toEqual([]);
  });

  test('recovery retried on a timer is the runtime\'s duty while an app order that left a snapshot is unsettled', () => {
    const ctx = new Map([['dca-1', { slot: 'DCA1', scopeKey: SCOPE }]]);
    const vanished: TraceEntry[] = [
      { t: 'stream', status: 'disconnected', atMs: 0 },
      { t: 'stream', status: 'reconnected', atMs: 1 },
      { t: 'hydration', subject: 'reconnect', cause: 'private_stream', openOrderIds: [], atMs: 1 },
      lookup('dca-1', 'failed'),
    ];
    const retry: TraceEntry = { t: 'hydration', subject: 'recovery', scopeKey: SCOPE, cause: 'timer', openOrderIds: [], atMs: 2000 };
    const opts = { initialContexts: ctx, initialOpenOrderIds: ['dca-1'] };
    expect(findViolations(inputs([...vanished, retry], opts))).not.toContain('private_event_triggers_rest_hydration');
    // Once a lookup settled it, a further recovery on a healthy stream has no cause.
    expect(findViolations(inputs([...vanished, lookup('dca-1', 'FILLED'), retry], opts))).toContain('private_event_triggers_rest_hydration');
  });

  test('a privately confirmed order missing at the end, and an order evidenced only by a fill', () => {
    const v = findViolations(inputs([{ t: 'event', kind: 'order', customOrderId: 'a', status: 'NEW', terminal: false, atMs: 0 }, { t: 'event', kind: 'execution', customOrderId: 'b', terminal: false, atMs: 0 }], { openOrderIds: ['b'] }));
    expect(v).toEqual(expect.arrayContaining(['rest_acceptance_downgrades_trusted_order', 'fill_treated_as_open_order_confirmation']));
  });

  test('a late NEW after a terminal row, or a row of a symbol outside the allowlist, is not a trusted-active order', () => {
    const late = findViolations(inputs([
      { t: 'event', kind: 'order', customOrderId: 'a', status: 'FILLED', terminal: true, atMs: 0 },
      { t: 'event', kind: 'order', customOrderId: 'a', status: 'NEW', terminal: false, atMs: 1 },
    ]));
    expect(late).not.toContain('rest_acceptance_downgrades_trusted_order');
    const outside = findViolations(inputs([{ t: 'event', kind: 'order', symbol: 'ETHUSDT', customOrderId: 'e', status: 'NEW', terminal: false, atMs: 0 }], { configuredSymbols: ['BTCUSDT'] }));
    expect(outside).not.toContain('rest_acceptance_downgrades_trusted_order');
    const inside = findViolations(inputs([{ t: 'event', kind: 'order', symbol: 'BTCUSDT', customOrderId: 'b', status: 'NEW', terminal: false, atMs: 0 }], { configuredSymbols: ['BTCUSDT'] }));
    expect(inside).toContain('rest_acceptance_downgrades_trusted_order');
  });

  test('a 5xx or an unlisted code does not end a request: recovering its scope is owed, a re-place is a duplicate', () => {
    const ctx = new Map<string, { slot: string; scopeKey: string }>();
    const answer = (code: number, httpStatus?: number): TraceEntry => ({ t: 'answer', seq: 1, action: 'place', customOrderId: 'a', outcome: 'rejected', code, ...(httpStatus ? { httpStatus } : {}), atMs: 0 });
    const recovery: TraceEntry = { t: 'hydration', subject: 'recovery', scopeKey: SCOPE, cause: 'submit_result', openOrderIds: [], atMs: 1 };
    expect(findViolations(inputs([sub(1, 'place', 'SL', 'a'), answer(-1001, 503), recovery], { initialContexts: ctx }))).not.toContain('confirmed_context_enters_recovery');
    expect(findViolations(inputs([sub(1, 'place', 'SL', 'a'), answer(-9999), sub(2, 'place', 'SL', 'b')]))).toContain('duplicate_place_while_pending');
    expect(findViolations(inputs([sub(1, 'place', 'SL', 'a'), answer(-2019), sub(2, 'place', 'SL', 'b')]))).not.toContain('duplicate_place_while_pending');
  });
});
