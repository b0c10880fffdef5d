// Issue 14, the executor's side: where the venue's protection is ONE order list (Binance spot
// OCO), the SL and TP of one pass go out as one venue request; everything else goes alone. The
// gates and the context write hold for both legs before anything is sent, and a list the venue
// refused because of one leg leaves the other leg unblocked (docs/MUTATION_SURVIVORS_RUNTIME.md,
// "Fresh run": this path was reached only by the spot end-to-end suites).
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

const KEY = 'binance:spot:BTCUSDT:LONG';
const d = (s: string) => new Decimal(s);

function setup(mode: ExecutionMode = 'demo') {
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'spot', positionMode: 'one_way', mode, strategy: parseStrategy({ stopLossPct: '2', takeProfitPct: '1', dca: [{ offsetPct: '1', sizePct: '100' }] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false },
  };
  const records: JournalRecord[] = [];
  const journal = new Journal(systemClock);
  journal.subscribe((r) => records.push(r));
  const venue = new ScriptedVenue('binance', 'spot', { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const store = createFailingStore();
  const core = new RuntimeCore(config, venue, new OrderContextStore(store.keyv), journal, systemClock);
  core.state.serviceReady = true;
  return { core, venue, records, store, executor: new SubmissionExecutor(core) };
}

const place = (slot: 'SL' | 'TP' | 'DCA1', id: string, over: Partial<PlannedRequest['mutation']['intent']> = {}): PlannedRequest => ({
  scopeKey: KEY, customOrderId: id,
  mutation: {
    action: 'place', slot,
    intent: slot === 'SL' ? { slot, side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63700'), qty: d('0.01'), ...over }
      : slot === 'TP' ? { slot, side: 'SELL', type: 'LIMIT', price: d('65650'), qty: d('0.01'), ...over }
      : { slot, side: 'BUY', type: 'LIMIT', price: d('64350'), qty: d('0.01'), ...over },
  },
});
const events = (records: JournalRecord[], event: string) => records.filter((r) => r.event === event);
const flush = () => new Promise((r) => setTimeout(r, 0));
/** Hands the executor an SL and a TP place of one pass and lets the request reach the venue; gives back the pass's pending result (in an object: an async function would wait for a returned promise). */
async function sendList(executor: SubmissionExecutor) {
  const done = executor.submitPlanned(KEY, [place('SL', 'sl-1'), place('TP', 'tp-1')]);
  await flush();
  await flush();
  return { done };
}

test('the SL and TP of one pass go out as ONE request carrying the TP as its paired leg; a DCA buy beside them goes alone', async () => {
  const { executor, venue } = setup();
  const done = executor.submitPlanned(KEY, [place('SL', 'sl-1'), place('TP', 'tp-1'), place('DCA1', 'd-1')]);
  await flush();
  await flush();
  expect(venue.submissions.map((s) => [s.mutation.slot, s.mutation.customOrderId, s.mutation.paired?.slot, s.mutation.paired?.customOrderId])).toEqual([
    ['DCA1', 'd-1', undefined, undefined],
    ['SL', 'sl-1', 'TP', 'tp-1'],
  ]);
  expect(venue.submissions[1]!.mutation.paired?.intent.price?.toFixed()).toBe('65650');
  venue.answer((m) => m.slot === 'DCA1', { kind: 'accepted' });
  venue.answer((m) => m.slot === 'SL', { kind: 'accepted', pairedExchangeOrderId: '77' });
  await done;
});

test('a market close (the unplaceable fallback) is no list leg: it goes out alone, and so does the TP beside it', async () => {
  const { executor, venue } = setup();
  void executor.submitPlanned(KEY, [place('SL', 'close-1', { type: 'MARKET', triggerPrice: undefined }), place('TP', 'tp-1')]);
  await flush();
  await flush();
  expect(venue.submissions.map((s) => [s.mutation.slot, s.mutation.intent.type, s.mutation.paired?.slot]).sort()).toEqual([
    ['SL', 'MARKET', undefined], ['TP', 'LIMIT', undefined],
  ]);
});

test('dry run: neither leg is sent, each is withheld', async () => {
  const { executor, venue, records } = setup('dry_run');
  await executor.submitPlanned(KEY, [place('SL', 'sl-1'), place('TP', 'tp-1')]);
  expect(venue.submissions).toHaveLength(0);
  expect(events(records, 'submission_withheld').map((r) => `${r.slot}:${r.reason}`)).toEqual(['SL:gates_closed']);
});

test('a list refused because of its TP: the TP waits for the market, the SL was not placed but is not blocked', async () => {
  const { executor, venue, records, core } = setup();
  const { done } = await sendList(executor);
  venue.answer((m) => m.slot === 'SL', { kind: 'rejected', code: '-2010:would_take', message: 'would immediately match', refusedSlot: 'TP' });
  expect(await done).toEqual({ next: 'done' });
  expect(events(records, 'submission_rejected').map((r) => [r.slot, r.customOrderId, r.message])).toEqual(expect.arrayContaining([
    ['SL', 'sl-1', 'not placed: its list partner TP was refused'],
    ['TP', 'tp-1', 'would immediately match'],
  ]));
  expect(events(records, 'protection_unplaceable').map((r) => r.slot)).toEqual(['TP']);
  expect(core.unplaceable.get(KEY)?.slot).toBe('TP');
  expect(core.tracker.ofScope(KEY)).toEqual([]);
  // The SL's scope is handed a new pass at once, and the journal says why (not a bare "affected").
  expect(events(records, 'scope_affected').map((r) => r.reason)).toContain('list_partner_refused');
});

test('a list refused because of its SL: the mirror image', async () => {
  const { executor, venue, records, core } = setup();
  const { done } = await sendList(executor);
  venue.answer((m) => m.slot === 'SL', { kind: 'rejected', code: '-2010:would_trigger', message: 'would trigger immediately', refusedSlot: 'SL' });
  await done;
  expect(events(records, 'submission_rejected').map((r) => [r.slot, r.message])).toEqual(expect.arrayContaining([
    ['TP', 'not placed: its list partner SL was refused'],
    ['SL', 'would trigger immediately'],
  ]));
  expect(core.unplaceable.get(KEY)?.slot).toBe('SL');
});

test('the list\'s outcome is unknown (a timeout): both legs are unknown and the scope recovers', async () => {
  const { executor, venue, core } = setup();
  const { done } = await sendList(executor);
  const s = venue.submissions[0]!;
  expect(s.mutation.paired?.slot).toBe('TP');
  venue.answer((m) => m.slot === 'SL', { kind: 'unknown', reason: 'timeout' });
  expect(await done).toEqual({ next: 'recover' });
  expect(core.tracker.ofScope(KEY).map((p) => [p.slot, p.state]).sort()).toEqual([['SL', 'unknown'], ['TP', 'unknown']]);
});

test('only an SL and TP with the same action make a list: an SL place and a TP cancel of one pass are never paired', async () => {
  const { executor, venue } = setup();
  const tpCancel = { scopeKey: KEY, customOrderId: 'tp-0', mutation: { action: 'cancel', slot: 'TP', target: 'tp-0', intent: place('TP', 'tp-0').mutation.intent } } as PlannedRequest;
  void executor.submitPlanned(KEY, [place('SL', 'sl-1'), tpCancel]);
  await flush();
  await flush();
  expect(venue.submissions.map((s) => s.mutation.paired)).not.toContainEqual(expect.anything());
  expect(venue.submissions.map((s) => [s.mutation.action, s.mutation.slot])).toContainEqual(['place', 'SL']);
});

test('a list refused as a whole (no leg named): both legs are rejected with the venue\'s own reason, and nothing is left in flight', async () => {
  const { executor, venue, records } = setup();
  const { done } = await sendList(executor);
  venue.answer((m) => m.slot === 'SL', { kind: 'rejected', code: -2010, message: 'Account has insufficient balance for requested action.' });
  await done;
  expect(events(records, 'submission_rejected').map((r) => [r.slot, r.message])).toEqual([
    ['SL', 'Account has insufficient balance for requested action.'],
    ['TP', 'Account has insufficient balance for requested action.'],
  ]);
  await executor.settled();
});

test('the SL and TP cancels of one pass go out as ONE list cancel naming both legs by custom id AND venue id', async () => {
  const { executor, venue, core } = setup();
  for (const [slot, id, exchangeOrderId] of [['SL', 'sl-0', '501'], ['TP', 'tp-0', '502']] as const) {
    await core.contexts.put({ customOrderId: id, scopeKey: KEY, slot, generation: 1, status: 'active', lifecycle: 'open', exchangeOrderId, reachedVenue: true, updatedAtMs: 0 });
  }
  const cancel = (slot: 'SL' | 'TP', id: string, exchangeOrderId: string): PlannedRequest => ({
    scopeKey: KEY, customOrderId: id, exchangeOrderId, mutation: { action: 'cancel', slot, target: id, intent: place(slot, id).mutation.intent },
  });
  const done = executor.submitPlanned(KEY, [cancel('SL', 'sl-0', '501'), cancel('TP', 'tp-0', '502')]);
  await flush();
  await flush();
  // A venue cancels a list leg by its own id where it has one; the custom id alone may no longer be served.
  expect(venue.submissions.map((s) => [s.mutation.action, s.mutation.customOrderId, s.mutation.exchangeOrderId, s.mutation.paired?.customOrderId, s.mutation.paired?.exchangeOrderId])).toEqual([
    ['cancel', 'sl-0', '501', 'tp-0', '502'],
  ]);
  venue.answer(() => true, { kind: 'accepted' });
  expect(await done).toEqual({ next: 'await_confirmation' });
});
