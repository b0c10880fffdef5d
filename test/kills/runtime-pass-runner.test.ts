// Kills for the surviving mutants of src/runtime/pass-runner.ts (issue 9,
// docs/MUTATION_SURVIVORS_RUNTIME.md), written from SPEC sections 1 and 7 and
// docs/WORKFLOW_STATE_MACHINE.md: one pass selects ONE action family and says what the scope does
// next (a pass that found missing evidence ends `blocked` and waits for a row; protection the
// market refuses for now goes to `protectionUnplaceable`, which watches the mark (lesson 18); a
// pass with nothing to do ends the work); every pass is journaled (`workflow_pass`, with the note
// saying why a family without mutations was chosen) under a pass number its `block` and
// `request_planned` lines share; an amend or cancel names the venue id of its target (lesson 15);
// only a write-capable configuration waiting for readiness defers a scope to readiness.
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderRow } from '../../src/domain/rows.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { OrderContextStore } from '../../src/runtime/order-context-store.js';
import { PassRunner } from '../../src/runtime/pass-runner.js';
import { PrivateEventRouter } from '../../src/runtime/private-event-router.js';
import { RuntimeCore } from '../../src/runtime/runtime-core.js';
import type { ExecutionMode, RuntimeConfig } from '../../src/runtime/runtime-config.js';

const KEY = 'binance:linear:BTCUSDT:LONG';
const d = (s: string) => new Decimal(s);
const FILTERS = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };

function setup(opts: { mode?: ExecutionMode; ready?: boolean; strategy?: Parameters<typeof parseStrategy>[0] } = {}) {
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: opts.mode ?? 'demo',
    strategy: parseStrategy(opts.strategy ?? { takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false },
  };
  const clock = { now: () => 1_000, setTimeout: () => 0, clearTimeout: () => undefined };
  const records: JournalRecord[] = [];
  const journal = new Journal(clock);
  journal.subscribe((r) => records.push(r));
  const venue = new ScriptedVenue('binance', 'linear', { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const core = new RuntimeCore(config, venue, new OrderContextStore(createFailingStore().keyv), journal, clock);
  core.state.serviceReady = opts.ready ?? true;
  core.state.filters.set('BTCUSDT', FILTERS);
  for (const subject of ['order', 'position', 'filter'] as const) core.state.setTrust(KEY, subject, 'trusted');
  return { core, records, runner: new PassRunner(core), router: new PrivateEventRouter(core) };
}
type Env = ReturnType<typeof setup>;

/** A TP of ours resting at the venue (its context and its row), with venue id 77. */
async function restingTp(env: Env) {
  await env.core.contexts.put({ customOrderId: 'tp0', scopeKey: KEY, slot: 'TP', generation: 1, status: 'active', lifecycle: 'open', exchangeOrderId: '77', reachedVenue: true, updatedAtMs: 0 });
  const row: OrderRow = {
    kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'tp0', exchangeOrderId: '77', side: 'SELL', type: 'LIMIT', status: 'NEW',
    price: d('66000'), qty: d('0.01'), filledQty: d('0'), reduceOnly: true,
  };
  env.router.apply(row);
  env.core.state.setTrust(KEY, 'order', 'trusted');
}

const events = (records: JournalRecord[], name: string) => records.filter((r) => r.event === name);

describe('what the scope does after a pass without mutations', () => {
  test('nothing to do (flat, no orders): the work is done, the pass journaled with its note', () => {
    const env = setup();
    expect(env.runner.run(KEY, ['test'])).toEqual({ next: 'done' });
    expect(events(env.records, 'workflow_pass')).toEqual([expect.objectContaining({ actionFamily: 'noop', note: 'flat', reason: 'test' })]);
  });

  test('missing evidence (order state untrusted): the scope ends blocked and waits for a row', () => {
    const env = setup();
    env.core.state.setTrust(KEY, 'order', 'untrusted');
    expect(env.runner.run(KEY, ['test'])).toEqual({ next: 'blocked' });
    expect(events(env.records, 'block')).toEqual([expect.objectContaining({ reason: 'order_state_untrusted' })]);
  });

  test('protection the market refuses for now: the scope watches the mark (unplaceable), it is not merely blocked', () => {
    const env = setup({ strategy: { stopLossPct: '2', dca: [] } });
    env.core.state.applyPosition({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('0.01'), entryPrice: d('65000') }, KEY);
    env.core.state.setTrust(KEY, 'position', 'trusted');
    env.core.unplaceable.set(KEY, { slot: 'SL', code: '-2021', sinceMs: 0 });
    expect(env.runner.run(KEY, ['test'])).toEqual({ next: 'unplaceable' });
    expect(events(env.records, 'block')).toEqual([expect.objectContaining({ slot: 'SL', reason: 'protection_unplaceable' })]);
  });
});

describe('passes are numbered, and a pass\'s lines carry its number', () => {
  test('successive passes count up from 1; their block lines carry the same number', () => {
    const env = setup();
    env.core.state.setTrust(KEY, 'order', 'untrusted');
    env.runner.run(KEY, ['a']);
    env.runner.run(KEY, ['b']);
    env.runner.run(KEY, ['c']);
    expect(events(env.records, 'workflow_pass').map((r) => r.passId)).toEqual([1, 2, 3]);
    expect(events(env.records, 'block').map((r) => r.passId)).toEqual([1, 2, 3]);
  });
});

describe('an amend or cancel names its target by both ids (lesson 15)', () => {
  test('flat with our TP resting: the cleanup cancel carries the TP\'s venue id', async () => {
    const env = setup();
    await restingTp(env);
    const result = env.runner.run(KEY, ['test']);
    expect(result.next).toBe('submit');
    expect(result.requests).toEqual([expect.objectContaining({ customOrderId: 'tp0', exchangeOrderId: '77', mutation: expect.objectContaining({ action: 'cancel', slot: 'TP' }) })]);
  });
});

describe('only readiness withheld work is deferred to readiness', () => {
  test('dry run: the requests are logged as candidates, nothing waits for readiness (readiness will not send them)', async () => {
    const env = setup({ mode: 'dry_run' });
    await restingTp(env);
    expect(env.runner.run(KEY, ['test'])).toEqual({ next: 'done' });
    expect(events(env.records, 'request_planned')).toEqual([expect.objectContaining({ action: 'cancel', wouldSubmit: false })]);
    expect([...env.core.deferredForReadiness]).toEqual([]);
  });

  test('a write mode before readiness: the scope is deferred to readiness', async () => {
    const env = setup({ ready: false });
    await restingTp(env);
    expect(env.runner.run(KEY, ['test'])).toEqual({ next: 'done' });
    expect([...env.core.deferredForReadiness]).toEqual([KEY]);
  });
});
