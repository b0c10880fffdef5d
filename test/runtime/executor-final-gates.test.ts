// The submission executor checks the gates again at the moment of sending, whatever the pass
// handed it (docs/SPEC.md: no write path runs unless the execution mode and every gate allow it;
// DEGRADED sends no new exposure, PAUSED sends nothing). The planner withholds the same requests,
// so only the executor on its own shows that this last line holds (mutation run of src/runtime:
// these checks survived).
import { Decimal } from '../../src/domain/decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { OrderContextStore } from '../../src/runtime/order-context-store.js';
import type { PlannedRequest } from '../../src/runtime/pass-runner.js';
import { RuntimeCore } from '../../src/runtime/runtime-core.js';
import type { ExecutionMode, RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { SubmissionExecutor } from '../../src/runtime/submission-executor.js';
import { LeaseLostError, type DurableKv } from '../../src/store/durable-kv.js';

const KEY = 'binance:linear:BTCUSDT:LONG';
const d = (s: string) => new Decimal(s);

function setup(mode: ExecutionMode, ready = true) {
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode, strategy: parseStrategy({ stopLossPct: '2', dca: [{ offsetPct: '1', sizePct: '100' }] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false },
  };
  const records: JournalRecord[] = [];
  const journal = new Journal(systemClock);
  journal.subscribe((r) => records.push(r));
  const venue = new ScriptedVenue('binance', 'linear', { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const core = new RuntimeCore(config, venue, new OrderContextStore(createFailingStore().keyv), journal, systemClock);
  core.state.serviceReady = ready;
  return { core, venue, records, executor: new SubmissionExecutor(core) };
}

const dcaPlace = (id: string): PlannedRequest => ({
  scopeKey: KEY, customOrderId: id, mutation: { action: 'place', slot: 'DCA1', intent: { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: d('64000'), qty: d('0.01') } },
});
const slPlace = (id: string): PlannedRequest => ({
  scopeKey: KEY, customOrderId: id, mutation: { action: 'place', slot: 'SL', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63000'), closePosition: true } },
});
const withheld = (records: JournalRecord[]) => records.filter((r) => r.event === 'submission_withheld').map((r) => `${r.slot}:${r.reason}`);

test('dry run: nothing is sent, whatever the pass handed over', async () => {
  const { executor, venue, records } = setup('dry_run');
  await executor.submitPlanned(KEY, [slPlace('s1'), dcaPlace('d1')]);
  expect(venue.submissions).toHaveLength(0);
  expect(withheld(records)).toEqual(['SL:gates_closed', 'DCA1:gates_closed']);
});

test('not ready yet: nothing is sent', async () => {
  const { executor, venue, records } = setup('demo', false);
  await executor.submitPlanned(KEY, [slPlace('s1')]);
  expect(venue.submissions).toHaveLength(0);
  expect(withheld(records)).toEqual(['SL:gates_closed']);
});

test('DEGRADED: protection goes out, a DCA place (new exposure) does not', async () => {
  const { executor, venue, records, core } = setup('demo');
  core.modes.raise('STREAM_STALE', 'test');
  expect(core.modes.mode()).toBe('DEGRADED');
  void executor.submitPlanned(KEY, [slPlace('s1'), dcaPlace('d1')]);
  await new Promise((r) => setTimeout(r, 50));
  expect(venue.submissions.map((s) => s.mutation.slot)).toEqual(['SL']);
  expect(withheld(records)).toEqual(['DCA1:mode_degraded']);
});

test('PAUSED: nothing is sent, protection included', async () => {
  const { executor, venue, records, core } = setup('demo');
  core.modes.raise('AUTH_FAILED', 'test');
  await executor.submitPlanned(KEY, [slPlace('s1'), dcaPlace('d1')]);
  expect(venue.submissions).toHaveLength(0);
  expect(withheld(records)).toEqual(['SL:mode_paused', 'DCA1:mode_paused']);
});

test('NORMAL and ready: both go out', async () => {
  const { executor, venue } = setup('demo');
  void executor.submitPlanned(KEY, [slPlace('s1'), dcaPlace('d1')]);
  await new Promise((r) => setTimeout(r, 50));
  expect(venue.submissions.map((s) => s.mutation.slot).sort()).toEqual(['DCA1', 'SL']);
});

test('DEGRADED: cancelling a DCA order is cleanup, not exposure: it goes out', async () => {
  const { executor, venue, core } = setup('demo');
  await core.contexts.put({ customOrderId: 'd0', scopeKey: KEY, slot: 'DCA1', generation: 1, status: 'open', lifecycle: 'accepted', exchangeOrderId: '77', updatedAtMs: 0 } as never);
  core.modes.raise('STREAM_STALE', 'test');
  const cancel: PlannedRequest = { scopeKey: KEY, customOrderId: 'd0', exchangeOrderId: '77', mutation: { action: 'cancel', slot: 'DCA1', target: 'd0', intent: { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: d('64000'), qty: d('0.01') } } };
  void executor.submitPlanned(KEY, [cancel]);
  await new Promise((r) => setTimeout(r, 50));
  expect(venue.submissions.map((s) => `${s.mutation.action}:${s.mutation.slot}`)).toEqual(['cancel:DCA1']);
});

// Issue 15: with a shared store, a venue write starts only while the account lease has its
// safety margin left; a stale owner (paused past its lease, or refused by the fenced store)
// sends nothing at all and says why.
test('lease without its safety margin: nothing is sent, protection included, and the account pauses with LEASE_LOST', async () => {
  const { executor, venue, records, core } = setup('demo');
  let safe = false;
  core.writeFence = { safeToSubmit: () => safe };
  await executor.submitPlanned(KEY, [slPlace('s1'), dcaPlace('d1')]);
  expect(venue.submissions).toHaveLength(0);
  expect(withheld(records)).toEqual(['SL:lease_unsafe', 'DCA1:lease_unsafe']);
  expect(core.modes.mode()).toBe('PAUSED');
  expect(core.modes.reasons().map((r) => r.reason)).toEqual(['LEASE_LOST']);
  // The alert says why in words an operator can act on, not only its code.
  expect(core.modes.reasons()[0]!.detail).toMatch(/lease/);
  expect(records.filter((r) => r.event === 'alert_raised').map((r) => r.detail)).toEqual([expect.stringMatching(/lease.*safety margin/)]);
  // Nothing was written either: a stale owner leaves no context behind for the new owner to chase.
  expect(core.contexts.get('s1')).toBeUndefined();
  safe = true;
  core.modes.clear('LEASE_LOST');
  void executor.submitPlanned(KEY, [slPlace('s2')]);
  await new Promise((r) => setTimeout(r, 50));
  expect(venue.submissions.map((s) => s.mutation.slot)).toEqual(['SL']);
});

test('a context write the fenced store refuses (lease taken over) sends nothing and pauses the account', async () => {
  const config = setup('demo');
  const journal = new Journal(systemClock);
  const records: JournalRecord[] = [];
  journal.subscribe((r) => records.push(r));
  const fenced: DurableKv = {
    async *entries() {},
    set: async () => { throw new LeaseLostError('epoch 3 is no longer current'); },
    setMany: async () => { throw new LeaseLostError('epoch 3 is no longer current'); },
    close: async () => undefined,
  };
  const core = new RuntimeCore(config.core.config, config.venue, new OrderContextStore(fenced), journal, systemClock);
  core.state.serviceReady = true;
  await new SubmissionExecutor(core).submitPlanned(KEY, [slPlace('s1')]);
  expect(config.venue.submissions).toHaveLength(0);
  expect(core.modes.mode()).toBe('PAUSED');
  expect(core.modes.reasons().map((r) => r.reason)).toEqual(['LEASE_LOST']);
  expect(records.filter((r) => r.event === 'context_write_failed')).toHaveLength(1);
});
