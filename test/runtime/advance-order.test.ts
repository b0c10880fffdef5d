// RuntimeCore.advanceOrder: the one place an order's context moves along its lifecycle. It learns
// the venue id once (never overwrites or erases it; a settled context learns none, except one
// judged never placed, which the venue just proved wrong), and a failed durable write is
// journaled, never thrown, with the new state kept in memory.
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { OrderContextStore, type OrderContext } from '../../src/runtime/order-context-store.js';
import { RuntimeCore } from '../../src/runtime/runtime-core.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';

const KEY = 'binance:linear:BTCUSDT:LONG';
const config: RuntimeConfig = {
  exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'demo', strategy: parseStrategy({ stopLossPct: '2', dca: [] }),
  eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false },
};

async function core(ctx: Partial<OrderContext>) {
  const store = createFailingStore();
  const contexts = new OrderContextStore(store.keyv);
  const records: JournalRecord[] = [];
  const journal = new Journal(systemClock);
  journal.subscribe((r) => records.push(r));
  const venue = new ScriptedVenue('binance', 'linear', { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const c = new RuntimeCore(config, venue, contexts, journal, systemClock);
  await contexts.put({ customOrderId: 'a', scopeKey: KEY, slot: 'SL', generation: 1, status: 'pending', lifecycle: 'submitting', updatedAtMs: 0, ...ctx });
  return { c, contexts, records, store };
}

test('learns the venue id it did not hold; never overwrites or erases one it holds', async () => {
  const { c, contexts } = await core({});
  await c.advanceOrder('a', { kind: 'rest_accepted' }, { exchangeOrderId: '111' });
  expect(contexts.get('a')).toMatchObject({ lifecycle: 'accepted', exchangeOrderId: '111' });
  await c.advanceOrder('a', { kind: 'status', status: 'NEW' }, { exchangeOrderId: '222' });
  expect(contexts.get('a')!.exchangeOrderId).toBe('111');
  await c.advanceOrder('a', { kind: 'fill' }, { filled: true });
  expect(contexts.get('a')).toMatchObject({ lifecycle: 'partially_filled', exchangeOrderId: '111', filled: true });
});

test('a settled context learns no venue id; one judged never placed does (a late landing)', async () => {
  const settled = await core({ status: 'terminal', lifecycle: 'canceled' });
  await settled.c.advanceOrder('a', { kind: 'status', status: 'NEW' }, { exchangeOrderId: '222' });
  expect(settled.contexts.get('a')!.exchangeOrderId).toBeUndefined();
  const late = await core({ status: 'terminal', lifecycle: 'never_placed' });
  await late.c.advanceOrder('a', { kind: 'status', status: 'NEW' }, { exchangeOrderId: '333' });
  expect(late.contexts.get('a')).toMatchObject({ lifecycle: 'open', status: 'active', exchangeOrderId: '333' });
});

test('a failed durable write is journaled with the order, not thrown; memory keeps the new state', async () => {
  const { c, contexts, records, store } = await core({});
  store.map.failWrites = 1;
  await expect(c.advanceOrder('a', { kind: 'rest_unknown' })).resolves.toBeUndefined();
  expect(contexts.get('a')!.lifecycle).toBe('unknown');
  const failed = records.filter((r) => r.event === 'context_write_failed');
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ slot: 'SL', customOrderId: 'a', scope: { symbol: 'BTCUSDT', managedSide: 'LONG' } });
  expect(String(failed[0]!.reason)).toMatch(/injected store write failure/);
});
