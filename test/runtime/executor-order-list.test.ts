// Issue 14: on a venue whose protection is one order list (Binance spot OCO), the executor sends
// the SL and TP places (or cancels) of one pass as ONE venue request carrying both legs: both
// contexts are written first, both legs are pending, and the one outcome applies to each (an
// unknown outcome leaves both unknown, to be looked up; nothing is sent again). Other requests,
// and every request on venues without the capability, go out alone.
import { Decimal } from '../../src/domain/decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { OrderContextStore } from '../../src/runtime/order-context-store.js';
import type { PlannedRequest } from '../../src/runtime/pass-runner.js';
import { RuntimeCore } from '../../src/runtime/runtime-core.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { SubmissionExecutor } from '../../src/runtime/submission-executor.js';
import type { Product } from '../../src/domain/scope.js';

const d = (s: string) => new Decimal(s);

function setup(product: Product) {
  const key = `binance:${product}:BTCUSDT:LONG`;
  const config: RuntimeConfig = {
    exchange: 'binance', product, positionMode: 'one_way', mode: 'demo', strategy: parseStrategy({ stopLossPct: '2', takeProfitPct: '1', dca: [{ offsetPct: '1', sizePct: '100' }] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false },
  };
  const records: JournalRecord[] = [];
  const journal = new Journal(systemClock);
  journal.subscribe((r) => records.push(r));
  const venue = new ScriptedVenue('binance', product, { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const core = new RuntimeCore(config, venue, new OrderContextStore(createFailingStore().keyv), journal, systemClock);
  core.state.serviceReady = true;
  const req = (slot: 'SL' | 'TP' | 'DCA1', id: string, action: 'place' | 'cancel' = 'place'): PlannedRequest => {
    const intent = slot === 'SL' ? { slot, side: 'SELL' as const, type: 'STOP_MARKET' as const, triggerPrice: d('63700'), qty: d('0.01') }
      : slot === 'TP' ? { slot, side: 'SELL' as const, type: 'LIMIT' as const, price: d('65650'), qty: d('0.01') }
        : { slot, side: 'BUY' as const, type: 'LIMIT' as const, price: d('64350'), qty: d('0.01') };
    return action === 'place' ? { scopeKey: key, customOrderId: id, mutation: { action, slot, intent } } : { scopeKey: key, customOrderId: id, mutation: { action, slot, target: id, intent } };
  };
  return { core, venue, records, executor: new SubmissionExecutor(core), req, key };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

test('spot: the SL and TP places go out as ONE request carrying the TP as the paired leg; both contexts written before it', async () => {
  const { executor, venue, core, req } = setup('spot');
  void executor.submitPlanned(req('SL', 's1').scopeKey, [req('SL', 's1'), req('TP', 't1')]);
  await tick();
  expect(venue.submissions).toHaveLength(1);
  const m = venue.submissions[0]!.mutation;
  expect([m.action, m.slot, m.customOrderId, m.paired?.slot, m.paired?.customOrderId]).toEqual(['place', 'SL', 's1', 'TP', 't1']);
  expect(core.contexts.get('s1')).toMatchObject({ slot: 'SL', status: 'pending' });
  expect(core.contexts.get('t1')).toMatchObject({ slot: 'TP', status: 'pending' });
  expect(core.tracker.get('place:s1')?.state).toBe('in_flight');
  expect(core.tracker.get('place:t1')?.state).toBe('in_flight');
});

test('spot: an accepted list gives each leg its venue id; both pending until their own rows confirm them', async () => {
  const { executor, venue, core, req, key } = setup('spot');
  const done = executor.submitPlanned(key, [req('SL', 's1'), req('TP', 't1')]);
  await tick();
  venue.submissions[0]!.resolve({ kind: 'accepted', exchangeOrderId: '11', pairedExchangeOrderId: '12' });
  expect((await done).next).toBe('await_confirmation');
  expect(core.tracker.get('place:s1')?.state).toBe('accepted');
  expect(core.tracker.get('place:t1')?.state).toBe('accepted');
  await tick();
  expect(core.contexts.get('s1')?.exchangeOrderId).toBe('11');
  expect(core.contexts.get('t1')?.exchangeOrderId).toBe('12');
});

test('spot: an unknown outcome leaves BOTH legs unknown (the scope recovers, nothing is sent again)', async () => {
  const { executor, venue, core, req, key, records } = setup('spot');
  const done = executor.submitPlanned(key, [req('SL', 's1'), req('TP', 't1')]);
  await tick();
  venue.submissions[0]!.resolve({ kind: 'unknown', reason: 'venue_unavailable:http_503' });
  expect((await done).next).toBe('recover');
  expect(core.tracker.get('place:s1')?.state).toBe('unknown');
  expect(core.tracker.get('place:t1')?.state).toBe('unknown');
  expect(records.filter((r) => r.event === 'submission_unknown').map((r) => r.slot)).toEqual(['SL', 'TP']);
  expect(venue.submissions).toHaveLength(1);
});

test('spot: a definite rejection ends both legs\' contexts', async () => {
  const { executor, venue, core, req, key } = setup('spot');
  const done = executor.submitPlanned(key, [req('SL', 's1'), req('TP', 't1')]);
  await tick();
  venue.submissions[0]!.resolve({ kind: 'rejected', code: '-2010:insufficient_balance', httpStatus: 400, message: 'insufficient balance' });
  expect((await done).next).toBe('done');
  expect(core.tracker.get('place:s1')).toBeUndefined();
  expect(core.tracker.get('place:t1')).toBeUndefined();
});

test('spot: the cancels of both legs go out as one request; a DCA place beside them alone', async () => {
  const { executor, venue, core, req, key } = setup('spot');
  for (const [id, slot] of [['s0', 'SL'], ['t0', 'TP']] as const) {
    await core.contexts.put({ customOrderId: id, scopeKey: key, slot, generation: 1, request: { side: 'SELL', type: 'LIMIT' }, status: 'open', lifecycle: 'open', life: 0, createdAtMs: 0, updatedAtMs: 0 } as never);
  }
  void executor.submitPlanned(key, [req('SL', 's0', 'cancel'), req('TP', 't0', 'cancel'), req('DCA1', 'd1')]);
  await tick();
  expect(venue.submissions.map((s) => `${s.mutation.action} ${s.mutation.slot}${s.mutation.paired ? `+${s.mutation.paired.slot}` : ''}`).sort()).toEqual(['cancel SL+TP', 'place DCA1']);
});

test('linear (no order-list capability): SL and TP go out as two requests, as before', async () => {
  const { executor, venue, req, key } = setup('linear');
  void executor.submitPlanned(key, [req('SL', 's1'), req('TP', 't1')]);
  await tick();
  expect(venue.submissions.map((s) => [s.mutation.slot, s.mutation.paired])).toEqual([['SL', undefined], ['TP', undefined]]);
});
