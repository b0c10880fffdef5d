// Kills for the surviving mutants of src/runtime/scope-view.ts (issue 9, runtime part C,
// docs/MUTATION_SURVIVORS_RUNTIME.md), written from SPEC lesson 15 and issue 14: an order is the
// app's only when its custom id has a context for THIS scope and, when both sides know a venue id,
// the ids agree (a reused custom id on another venue order is not ours to amend or cancel); on spot
// the base asset other users' open sells lock is theirs, so the app protects only the rest; in
// one-way mode a scope does not act while the opposite side has app orders or requests in flight;
// the view says when protection is an order list and when the venue cannot amend.
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderRow } from '../../src/domain/rows.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { Journal } from '../../src/runtime/journal.js';
import { OrderContextStore } from '../../src/runtime/order-context-store.js';
import { PrivateEventRouter } from '../../src/runtime/private-event-router.js';
import { RuntimeCore } from '../../src/runtime/runtime-core.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { appOrdersOf, buildScopeView } from '../../src/runtime/scope-view.js';
import type { Product } from '../../src/domain/scope.js';

const d = (s: string) => new Decimal(s);

function setup(opts: { product?: Product; positionMode?: 'hedge' | 'one_way' } = {}) {
  const product = opts.product ?? 'linear';
  const config: RuntimeConfig = {
    exchange: 'binance', product, positionMode: opts.positionMode ?? 'hedge', mode: 'demo',
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false },
  };
  const clock = { now: () => 1_000, setTimeout: () => 0, clearTimeout: () => undefined };
  const venue = new ScriptedVenue('binance', product, { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const core = new RuntimeCore(config, venue, new OrderContextStore(createFailingStore().keyv), new Journal(clock), clock);
  core.state.serviceReady = true;
  const LONG = core.keyOf('BTCUSDT', 'LONG');
  const SHORT = core.keyOf('BTCUSDT', 'SHORT');
  const router = new PrivateEventRouter(core);
  const context = (customOrderId: string, scopeKey: string, exchangeOrderId?: string) =>
    core.contexts.put({ customOrderId, scopeKey, slot: 'SL', generation: 1, status: 'active', lifecycle: 'open', ...(exchangeOrderId ? { exchangeOrderId } : {}), reachedVenue: true, updatedAtMs: 0 });
  const order = (o: Partial<OrderRow> & { side: 'BUY' | 'SELL' }): OrderRow => ({
    kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', type: 'STOP_MARKET', status: 'NEW', triggerPrice: d('60000'),
    qty: d('0.5'), filledQty: d('0'), reduceOnly: product !== 'spot', ...o,
  } as OrderRow);
  const hold = (key: string, size: string) =>
    core.state.positions.set(key, { scopeKey: key, symbol: 'BTCUSDT', managedSide: key === LONG ? 'LONG' : 'SHORT', size: d(size), entryPrice: d('65000'), seq: 1 });
  return { core, router, LONG, SHORT, context, order, hold };
}

describe('an order is the app\'s only when its context is for this scope and the venue ids agree (lesson 15)', () => {
  test('same custom id, another venue order id: not ours', async () => {
    const env = setup();
    await env.context('sl1', env.LONG, '77');
    env.router.apply(env.order({ side: 'SELL', customOrderId: 'sl1', exchangeOrderId: '88' }));
    expect(appOrdersOf(env.core, env.LONG)).toEqual([]);
  });

  test('same custom id, same venue order id: ours', async () => {
    const env = setup();
    await env.context('sl1', env.LONG, '77');
    env.router.apply(env.order({ side: 'SELL', customOrderId: 'sl1', exchangeOrderId: '77' }));
    expect(appOrdersOf(env.core, env.LONG).map((o) => [o.slot, o.customOrderId])).toEqual([['SL', 'sl1']]);
  });

  test('a row without a venue id (a client-side echo) is matched by its custom id alone', async () => {
    const env = setup();
    await env.context('sl1', env.LONG, '77');
    env.router.apply(env.order({ side: 'SELL', customOrderId: 'sl1' }));
    expect(appOrdersOf(env.core, env.LONG).map((o) => o.customOrderId)).toEqual(['sl1']);
  });

  test('a context already settled (terminal) does not claim a row that still shows the order open', async () => {
    const env = setup();
    await env.core.contexts.put({ customOrderId: 'sl1', scopeKey: env.LONG, slot: 'SL', generation: 1, status: 'terminal', lifecycle: 'open', exchangeOrderId: '77', reachedVenue: true, updatedAtMs: 0 });
    const stored = { row: env.order({ side: 'SELL', customOrderId: 'sl1', exchangeOrderId: '77' }) };
    expect(appOrdersOf(env.core, env.LONG, [stored as never])).toEqual([]);
  });

  test('a context written for the other scope does not make the order this scope\'s', async () => {
    const env = setup();
    await env.context('sl1', env.SHORT, '77');
    const stored = { row: env.order({ side: 'SELL', customOrderId: 'sl1', exchangeOrderId: '77' }) };
    expect(appOrdersOf(env.core, env.LONG, [stored as never])).toEqual([]);
    expect(appOrdersOf(env.core, env.SHORT, [stored as never]).map((o) => o.customOrderId)).toEqual(['sl1']);
  });
});

describe('spot: the base other users\' open sells lock is not protected by the app (issue 14)', () => {
  test('a holding of 1 with another user\'s open sell of 0.3 and our own SL of 0.7: the app protects 0.7', async () => {
    const env = setup({ product: 'spot' });
    env.hold(env.LONG, '1');
    env.router.apply(env.order({ side: 'SELL', type: 'LIMIT', price: d('70000'), triggerPrice: undefined, qty: d('0.3'), exchangeOrderId: '5' }));
    await env.context('sl1', env.LONG, '6');
    env.router.apply(env.order({ side: 'SELL', customOrderId: 'sl1', exchangeOrderId: '6', qty: d('0.7') }));
    expect(buildScopeView(env.core, env.LONG).position?.size.toString()).toBe('0.7');
  });

  test('nothing locked by others: the whole holding', () => {
    const env = setup({ product: 'spot' });
    env.hold(env.LONG, '1');
    expect(buildScopeView(env.core, env.LONG).position?.size.toString()).toBe('1');
  });

  test('futures: the position is the venue\'s own figure, whatever other orders rest', () => {
    const env = setup();
    env.hold(env.LONG, '1');
    env.router.apply(env.order({ side: 'SELL', type: 'LIMIT', price: d('70000'), triggerPrice: undefined, qty: d('0.3'), exchangeOrderId: '5' }));
    expect(buildScopeView(env.core, env.LONG).position?.size.toString()).toBe('1');
  });
});

describe('one-way mode: the opposite side busy holds the scope back (hedge mode: never)', () => {
  test('one-way, opposite side with an app order: busy', async () => {
    const env = setup({ positionMode: 'one_way' });
    env.hold(env.LONG, '1');
    await env.context('s1', env.SHORT, '9');
    env.router.apply(env.order({ side: 'BUY', managedSide: 'SHORT', customOrderId: 's1', exchangeOrderId: '9' }));
    expect(appOrdersOf(env.core, env.SHORT)).toHaveLength(1);
    expect(buildScopeView(env.core, env.LONG).oppositeSideBusy).toBe(true);
  });

  test('one-way, opposite side with only a request in flight: busy', () => {
    const env = setup({ positionMode: 'one_way' });
    env.hold(env.LONG, '1');
    env.core.tracker.register({ scopeKey: env.SHORT, action: 'place', slot: 'SL', customOrderId: 's2', state: 'accepted', sinceMs: 0 });
    expect(buildScopeView(env.core, env.LONG).oppositeSideBusy).toBe(true);
  });

  test('hedge mode, the same opposite app order: not busy (the sides are separate positions)', async () => {
    const env = setup();
    env.hold(env.LONG, '1');
    await env.context('s1', env.SHORT, '9');
    env.router.apply(env.order({ side: 'BUY', managedSide: 'SHORT', customOrderId: 's1', exchangeOrderId: '9' }));
    env.core.tracker.register({ scopeKey: env.SHORT, action: 'place', slot: 'SL', customOrderId: 's2', state: 'accepted', sinceMs: 0 });
    expect(buildScopeView(env.core, env.LONG).oppositeSideBusy).toBe(false);
  });
});

describe('the view carries the venue\'s protection capabilities', () => {
  test('Binance spot: protection is an OCO order list and orders cannot be amended', () => {
    const env = setup({ product: 'spot' });
    const view = buildScopeView(env.core, env.LONG);
    expect(view.protectionOrderList).toBe(true);
    expect(view.amends).toBe(false);
  });

  test('Binance USD-M: neither flag is present', () => {
    const env = setup();
    const view = buildScopeView(env.core, env.LONG);
    expect('protectionOrderList' in view).toBe(false);
    expect('amends' in view).toBe(false);
  });
});
